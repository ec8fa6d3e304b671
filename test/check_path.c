/* Paths: GetFullPathName, the current directory, GetTempPath, drive
 * letters and case-insensitive lookup through the environment. */
#include "fileutil.h"

#include <errno.h>
#include <limits.h>

/* "C:\tmp\winshim-files-XXXXXX" for the scratch directory. */
static void win_cwd(char *out, size_t cap)
{
    snprintf(out, cap, "C:%s", scratch_dir);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '\\';
}

START_TEST(test_full_path)
{
    char cwd[PATH_MAX], want[PATH_MAX], buf[PATH_MAX];
    char *part = (char *)0x1;
    win_cwd(cwd, sizeof cwd);

    snprintf(want, sizeof want, "%s\\b", cwd);
    DWORD n = GetFullPathNameA("a\\..\\b.", sizeof buf, buf, &part);
    ck_assert_uint_eq(n, strlen(want));
    ck_assert_str_eq(buf, want);
    ck_assert_str_eq(part, "b");

    snprintf(want, sizeof want, "%s\\a\\b\\", cwd);
    n = GetFullPathNameA("a/b/", sizeof buf, buf, &part);
    ck_assert_str_eq(buf, want);
    ck_assert_ptr_null(part);

    ck_assert_uint_eq(GetFullPathNameA("\\x", sizeof buf, buf, &part), 4);
    ck_assert_str_eq(buf, "C:\\x");
    ck_assert_uint_eq(GetFullPathNameA("D:x", sizeof buf, buf, NULL), 4);
    ck_assert_str_eq(buf, "D:\\x");
    ck_assert_uint_eq(GetFullPathNameA("C:\\a\\..\\..\\..", sizeof buf, buf, NULL), 3);
    ck_assert_str_eq(buf, "C:\\");
    ck_assert_uint_eq(GetFullPathNameA("C:\\a\\.\\b\\\\c", sizeof buf, buf, NULL), 8);
    ck_assert_str_eq(buf, "C:\\a\\b\\c");
    /* Wildcards and middle components are kept as written. */
    snprintf(want, sizeof want, "%s\\x\\a .. \\b*", cwd);
    GetFullPathNameA("x\\a .. \\b*", sizeof buf, buf, NULL);
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(GetFullPathNameA("\\\\?\\C:\\a\\..\\b", sizeof buf, buf, NULL), 13);
    ck_assert_str_eq(buf, "\\\\?\\C:\\a\\..\\b");
    ck_assert_uint_eq(GetFullPathNameA("\\\\srv\\share\\a\\..\\b", sizeof buf, buf, NULL), 13);
    ck_assert_str_eq(buf, "\\\\srv\\share\\b");

    /* Too small: the size needed, terminator included; nothing written. */
    memset(buf, 'z', 8);
    ck_assert_uint_eq(GetFullPathNameA("C:\\abc", 3, buf, NULL), 7);
    ck_assert_int_eq(buf[0], 'z');
    ck_assert_uint_eq(GetFullPathNameA("C:\\abc", 7, buf, NULL), 6);
    ck_assert_uint_eq(GetFullPathNameA("C:\\abc", 0, NULL, NULL), 7);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFullPathNameA("", sizeof buf, buf, NULL), 0);
    ASSERT_LAST_ERROR(0xdeadbeef);

    WCHAR w[64];
    WCHAR *wpart = NULL;
    ck_assert_uint_eq(GetFullPathNameW(u"C:/dir/f\u00e9.txt", 64, w, &wpart), 13);
    const WCHAR wwant[] = u"C:\\dir\\f\u00e9.txt";
    ck_assert(!memcmp(w, wwant, sizeof wwant));
    ck_assert_ptr_eq(wpart, w + 7);
}
END_TEST

START_TEST(test_current_directory)
{
    char cwd[PATH_MAX], buf[PATH_MAX];
    win_cwd(cwd, sizeof cwd);
    DWORD n = GetCurrentDirectoryA(sizeof buf, buf);
    ck_assert_uint_eq(n, strlen(cwd));
    ck_assert_str_eq(buf, cwd);
    ck_assert_uint_eq(GetCurrentDirectoryA(3, buf), strlen(cwd) + 1);
    ck_assert_uint_eq(GetCurrentDirectoryA(0, NULL), strlen(cwd) + 1);
    WCHAR w[PATH_MAX];
    ck_assert_uint_eq(GetCurrentDirectoryW(PATH_MAX, w), strlen(cwd));
    ck_assert_uint_eq(w[0], 'C');

    ck_assert(CreateDirectoryA("sub", NULL));
    ck_assert(SetCurrentDirectoryA("sub"));
    char now[PATH_MAX];
    ck_assert_ptr_nonnull(getcwd(now, sizeof now));
    ck_assert_str_eq(strrchr(now, '/'), "/sub");
    ck_assert(SetCurrentDirectoryW(u".."));
    ck_assert(SetCurrentDirectoryA(cwd)); /* absolute, with the drive */
    ASSERT_FAILS(SetCurrentDirectoryA("missing"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(SetCurrentDirectoryA("missing\\x"), ERROR_PATH_NOT_FOUND);
    put_file("file", "x");
    ASSERT_FAILS(SetCurrentDirectoryA("file"), ERROR_DIRECTORY);
}
END_TEST

START_TEST(test_temp_path)
{
    char buf[PATH_MAX];
    unsetenv("TMP");
    unsetenv("TEMP");
    unsetenv("TMPDIR");
    ck_assert_uint_eq(GetTempPathA(sizeof buf, buf), 7);
    ck_assert_str_eq(buf, "C:\\tmp\\");
    ck_assert_uint_eq(GetTempPathA(3, buf), 8);
    setenv("TMPDIR", "/var/tmp", 1);
    GetTempPathA(sizeof buf, buf);
    ck_assert_str_eq(buf, "C:\\var\\tmp\\");
    setenv("TEMP", "D:\\temp", 1);
    GetTempPathA(sizeof buf, buf);
    ck_assert_str_eq(buf, "D:\\temp\\");
    setenv("TMP", "/t/", 1);
    WCHAR w[16];
    ck_assert_uint_eq(GetTempPathW(16, w), 5);
    const WCHAR want[] = u"C:\\t\\";
    ck_assert(!memcmp(w, want, sizeof want));
}
END_TEST

START_TEST(test_drive_mapping)
{
    /* Read once per process: set before the first path is mapped. */
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/", scratch_dir);
    setenv("WINSHIM_DRIVE_E", root, 1);
    ck_assert_int_eq(mkdir("dir", 0755), 0);
    put_file("dir/f.txt", "e");
    HANDLE h = CreateFileA("E:\\dir\\f.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_uint_eq(GetFileAttributesA("e:/dir"), FILE_ATTRIBUTE_DIRECTORY);
    /* The current directory is named by the longest matching root. */
    ck_assert(SetCurrentDirectoryA("E:\\dir"));
    char buf[PATH_MAX];
    GetCurrentDirectoryA(sizeof buf, buf);
    ck_assert_str_eq(buf, "E:\\dir");
    GetFullPathNameA("x", sizeof buf, buf, NULL);
    ck_assert_str_eq(buf, "E:\\dir\\x");
    ASSERT_FAILS(GetFileAttributesA("F:\\x") != INVALID_FILE_ATTRIBUTES, ERROR_PATH_NOT_FOUND);
    /* Z: is the whole file system, as C: is by default. */
    char z[PATH_MAX];
    snprintf(z, sizeof z, "Z:%s\\dir\\f.txt", scratch_dir);
    ck_assert_uint_eq(GetFileAttributesA(z), FILE_ATTRIBUTE_ARCHIVE);
}
END_TEST

START_TEST(test_case_insensitive)
{
    setenv("WINSHIM_CASE_INSENSITIVE", "1", 1);
    ck_assert_int_eq(mkdir("Dir", 0755), 0);
    put_file("Dir/File.TXT", "ci");
    HANDLE h = CreateFileA("DIR\\file.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_uint_eq(GetFileAttributesA("dir\\FILE.txt"), FILE_ATTRIBUTE_ARCHIVE);
    /* A new file keeps the case it is given; its directory is found. */
    h = CreateFileA("dir\\New.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_int_eq(access("Dir/New.txt", F_OK), 0);
    ASSERT_FAILS(GetFileAttributesA("dir\\none") != INVALID_FILE_ATTRIBUTES,
                 ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_case_sensitive_default)
{
    put_file("Name", "x");
    ASSERT_FAILS(GetFileAttributesA("NAME") != INVALID_FILE_ATTRIBUTES, ERROR_FILE_NOT_FOUND);
}
END_TEST

/* Missing files: ERROR_FILE_NOT_FOUND when the directory that would hold
 * the file exists, ERROR_PATH_NOT_FOUND when it does not or a component
 * is a file (issue 19: the distinction stays exact). */
START_TEST(test_not_found_kinds)
{
    ck_assert_int_eq(mkdir("d", 0755), 0);
    put_file("f", "x");
    static const struct {
        const WCHAR *name;
        DWORD err;
    } cases[] = {
        {u"missing", ERROR_FILE_NOT_FOUND},
        {u"d\\missing", ERROR_FILE_NOT_FOUND},
        {u"d\\..\\missing", ERROR_FILE_NOT_FOUND},
        {u"nodir\\missing", ERROR_PATH_NOT_FOUND},
        {u"d\\nodir\\missing", ERROR_PATH_NOT_FOUND},
        {u"f\\missing", ERROR_PATH_NOT_FOUND}, /* a file is no directory */
        {u"f\\sub\\missing", ERROR_PATH_NOT_FOUND},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        SetLastError(0xdeadbeef);
        ck_assert_uint_eq(GetFileAttributesW(cases[i].name), INVALID_FILE_ATTRIBUTES);
        ck_assert_msg(GetLastError() == cases[i].err, "GetFileAttributes case %zu: %lu", i,
                      (unsigned long)GetLastError());
        WIN32_FILE_ATTRIBUTE_DATA fad;
        SetLastError(0xdeadbeef);
        ck_assert(!GetFileAttributesExW(cases[i].name, GetFileExInfoStandard, &fad));
        ck_assert_uint_eq(GetLastError(), cases[i].err);
        SetLastError(0xdeadbeef);
        ck_assert_ptr_eq(CreateFileW(cases[i].name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                                     NULL),
                         INVALID_HANDLE_VALUE);
        ck_assert_msg(GetLastError() == cases[i].err, "CreateFile case %zu: %lu", i,
                      (unsigned long)GetLastError());
        ASSERT_FAILS(DeleteFileW(cases[i].name), cases[i].err);
        /* Creating: only a missing directory fails. */
        HANDLE h = CreateFileW(cases[i].name, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
        if (cases[i].err == ERROR_FILE_NOT_FOUND) {
            ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
            CloseHandle(h);
            ck_assert(DeleteFileW(cases[i].name));
        } else {
            ck_assert_ptr_eq(h, INVALID_HANDLE_VALUE);
            ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
        }
    }
}
END_TEST

/* Path conversion without allocation up to MAX_PATH, and beyond it; names
 * that are not ASCII (two-, three- and four-byte UTF-8). */
START_TEST(test_conversion)
{
    WCHAR w[1200];
    /* ASCII paths of 259 and of 900 characters (past the stack buffer):
     * directories of 49-character names, then a file. */
    for (int len = 259; len <= 900; len += 641) {
        char dir[1000] = "";
        size_t k = 0, dl = 0;
        while (k + 50 < (size_t)len - 10) {
            for (int i = 0; i < 49; i++)
                w[k + i] = (WCHAR)('a' + (k / 50 + i) % 26);
            for (int i = 0; i < 49; i++)
                dir[dl++] = (char)w[k + i];
            dir[dl] = 0;
            ck_assert_int_eq(mkdir(dir, 0755) == 0 || errno == EEXIST, 1);
            w[k + 49] = '\\';
            dir[dl++] = '/';
            k += 50;
        }
        while (k < (size_t)len) {
            w[k] = 'f';
            dir[dl++] = 'f';
            k++;
        }
        w[k] = 0;
        dir[dl] = 0;
        HANDLE h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
        ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
        CloseHandle(h);
        ck_assert_int_eq(access(dir, F_OK), 0);
        ck_assert_uint_eq(GetFileAttributesW(w), FILE_ATTRIBUTE_ARCHIVE);
        ck_assert(DeleteFileW(w));
        ASSERT_FAILS(GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES, ERROR_FILE_NOT_FOUND);
    }
    /* é (2 bytes), 漢 (3), U+1F600 (4, a surrogate pair). */
    static const WCHAR nonascii[] = {'x', 0x00e9, 0x6f22, 0xd83d, 0xde00, '.', 't', 0};
    HANDLE h = CreateFileW(nonascii, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_int_eq(access("x\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80.t", F_OK), 0);
    ck_assert_uint_eq(GetFileAttributesW(nonascii), FILE_ATTRIBUTE_ARCHIVE);
    /* A long mixed path: ASCII first (the fast copy), then the rest. */
    ck_assert_int_eq(mkdir("long", 0755), 0);
    size_t k = 0;
    for (const char *p = "long\\"; *p; p++)
        w[k++] = (WCHAR)*p;
    for (int i = 0; i < 60; i++)
        w[k++] = (WCHAR)('a' + i % 26);
    for (int i = 0; i < 60; i++)
        w[k++] = 0x6f22; /* 180 bytes more */
    w[k] = 0;
    h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_uint_eq(GetFileAttributesW(w), FILE_ATTRIBUTE_ARCHIVE);
    ck_assert(DeleteFileW(w));
    ASSERT_FAILS(GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES, ERROR_FILE_NOT_FOUND);
}
END_TEST

/* The characters no name may hold, in every component, on both the ASCII
 * way (a one-pass table scan) and the way for other UTF-16 text; ? and *
 * only in a search pattern's last component; trailing dots and spaces of
 * the last component dropped. */
START_TEST(test_name_characters)
{
    ck_assert_int_eq(mkdir("d", 0755), 0);
    static const WCHAR *const bad[] = {
        u"a<b", u"a>b", u"ab:c", u"a\"b", u"a|b", u"a?b", u"a*b", u"a\x01" u"b", u"a\x1f" u"b",
        u"d\\a|b\\c", u"d\\x<\\y", u"d*\\x", u"\x00e9" u"<", u"d\\\x6f22" u"|\\x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        SetLastError(0xdeadbeef);
        ck_assert_ptr_eq(CreateFileW(bad[i], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL),
                         INVALID_HANDLE_VALUE);
        ck_assert_msg(GetLastError() == ERROR_INVALID_NAME, "case %zu: %lu", i,
                      (unsigned long)GetLastError());
        ASSERT_FAILS(DeleteFileW(bad[i]), ERROR_INVALID_NAME);
        ASSERT_FAILS(GetFileAttributesW(bad[i]) != INVALID_FILE_ATTRIBUTES, ERROR_INVALID_NAME);
    }
    /* Wildcards: only where a pattern's last component is. */
    WIN32_FIND_DATAA fd;
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(FindFirstFileA("d*\\x", &fd), INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_NAME);
    put_file("d/xy", "x");
    HANDLE f = FindFirstFileA("d\\x?", &fd);
    ck_assert_ptr_ne(f, INVALID_HANDLE_VALUE);
    ck_assert_str_eq(fd.cFileName, "xy");
    FindClose(f);
    /* Trailing dots and spaces go; inner ones stay. */
    HANDLE h = CreateFileW(u"t. .", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_int_eq(access("t", F_OK), 0);
    ck_assert_uint_eq(GetFileAttributesW(u"d\\..\\t..."), FILE_ATTRIBUTE_ARCHIVE);
    ck_assert(DeleteFileW(u"t "));
    h = CreateFileW(u"a.b c", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ck_assert_int_eq(access("a.b c", F_OK), 0);
    /* Separators of both kinds, repeated, on both ways. */
    ck_assert_uint_eq(GetFileAttributesW(u"d//\\xy"), FILE_ATTRIBUTE_ARCHIVE);
    ck_assert_uint_eq(GetFileAttributesW(u".\\\\d\\xy"), FILE_ATTRIBUTE_ARCHIVE);
    ck_assert_uint_eq(GetFileAttributesA("d\\xy"), FILE_ATTRIBUTE_ARCHIVE);
}
END_TEST


/* GetLongPathName/GetShortPathName: no 8.3 names on Linux, so an existing
 * path comes back as given; a missing one fails as GetFileAttributes. */
START_TEST(test_long_short_path)
{
    char cwd[PATH_MAX], path[PATH_MAX], buf[PATH_MAX];
    win_cwd(cwd, sizeof cwd);
    ck_assert_int_eq(mkdir("Long Directory Name", 0755), 0);
    put_file("Long Directory Name/A Long File Name.txt", "x");
    DWORD (WINAPI *const fa[2])(LPCSTR, LPSTR, DWORD) = {GetLongPathNameA, GetShortPathNameA};
    for (int i = 0; i < 2; i++) {
        DWORD (WINAPI *f)(LPCSTR, LPSTR, DWORD) = fa[i];
        snprintf(path, sizeof path, "%s\\Long Directory Name\\A Long File Name.txt", cwd);
        size_t len = strlen(path);
        SetLastError(0xdead);
        ck_assert_uint_eq(f(path, buf, sizeof buf), len);
        ck_assert_str_eq(buf, path);
        ck_assert_uint_eq(GetLastError(), 0xdead);
        /* Too small: the size with the terminator, nothing written. */
        memset(buf, 'X', sizeof buf);
        ck_assert_uint_eq(f(path, buf, (DWORD)len), len + 1);
        ck_assert_int_eq(buf[0], 'X');
        ck_assert_uint_eq(f(path, NULL, 0), len + 1);
        ck_assert_uint_eq(f(path, buf, (DWORD)len + 1), len);
        ck_assert_str_eq(buf, path);
        /* In place. */
        strcpy(buf, path);
        ck_assert_uint_eq(f(buf, buf, sizeof buf), len);
        ck_assert_str_eq(buf, path);
        /* As written: relative, '.', '/', a trailing separator. */
        ck_assert_uint_eq(f(".\\Long Directory Name/", buf, sizeof buf), 22);
        ck_assert_str_eq(buf, ".\\Long Directory Name/");
        ck_assert_uint_eq(f("Long Directory Name\\..\\Long Directory Name", buf, sizeof buf), 42);
        ck_assert_str_eq(buf, "Long Directory Name\\..\\Long Directory Name");
        ck_assert_uint_eq(f("C:\\", buf, sizeof buf), 3);
        ck_assert_str_eq(buf, "C:\\");
        /* Errors. */
        memset(buf, 'X', sizeof buf);
        SetLastError(0);
        ck_assert_uint_eq(f("Long Directory Name\\missing.txt", buf, sizeof buf), 0);
        ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
        ck_assert_int_eq(buf[0], 'X');
        SetLastError(0);
        ck_assert_uint_eq(f("nodir\\missing.txt", buf, sizeof buf), 0);
        ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
        SetLastError(0);
        ck_assert_uint_eq(f("Long Directory Name\\A Long File Name.txt\\x", buf, sizeof buf), 0);
        ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
        SetLastError(0);
        ck_assert_uint_eq(f("Long Directory Name\\*.txt", buf, sizeof buf), 0);
        ck_assert_uint_eq(GetLastError(), ERROR_INVALID_NAME);
        SetLastError(0);
        ck_assert_uint_eq(f(NULL, buf, sizeof buf), 0);
        ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0);
        ck_assert_uint_eq(f("", buf, sizeof buf), 0);
        ck_assert_uint_eq(GetLastError(), i ? ERROR_BAD_PATHNAME : ERROR_PATH_NOT_FOUND);
    }
    /* Case: kept as written, as for a long name on Windows (the lookup
     * itself is case-sensitive by default). */
    SetLastError(0);
    ck_assert_uint_eq(GetLongPathNameA("long directory name", buf, sizeof buf), 0);
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);

    WCHAR w[MAX_PATH], wo[MAX_PATH];
    snprintf(path, sizeof path, "%s\\Long Directory Name\\A Long File Name.txt", cwd);
    ck_assert_int_gt(MultiByteToWideChar(CP_UTF8, 0, path, -1, w, MAX_PATH), 0);
    size_t wl = strlen(path);
    DWORD (WINAPI *const fw[2])(LPCWSTR, LPWSTR, DWORD) = {GetLongPathNameW, GetShortPathNameW};
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(fw[i](w, wo, MAX_PATH), wl);
        ck_assert_int_eq(memcmp(w, wo, (wl + 1) * sizeof(WCHAR)), 0);
        ck_assert_uint_eq(fw[i](w, wo, 3), wl + 1);
        ck_assert_uint_eq(fw[i](w, w, MAX_PATH), wl);
        ck_assert_int_eq(memcmp(w, wo, (wl + 1) * sizeof(WCHAR)), 0);
        SetLastError(0);
        ck_assert_uint_eq(fw[i](u"nodir\\x", wo, MAX_PATH), 0);
        ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
    }
    /* A non-ASCII name through both forms. */
    ck_assert_int_eq(mkdir("D\xc3\xa9j\xc3\xa0 vu", 0755), 0);
    ck_assert_uint_eq(GetLongPathNameW(u"D\u00e9j\u00e0 vu", wo, MAX_PATH), 7);
    ck_assert_int_eq(wo[1], 0xe9);
    ck_assert_uint_eq(GetShortPathNameA("D\xc3\xa9j\xc3\xa0 vu", buf, sizeof buf), 9);
}
END_TEST
static Suite *path_suite(void)
{
    Suite *s = suite_create("path");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_add_test(tc, test_full_path);
    tcase_add_test(tc, test_current_directory);
    tcase_add_test(tc, test_temp_path);
    tcase_add_test(tc, test_drive_mapping);
    tcase_add_test(tc, test_case_insensitive);
    tcase_add_test(tc, test_case_sensitive_default);
    tcase_add_test(tc, test_not_found_kinds);
    tcase_add_test(tc, test_conversion);
    tcase_add_test(tc, test_name_characters);
    tcase_add_test(tc, test_long_short_path);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(path_suite)
