/* FindFirstFile(Ex)/FindNextFile/FindClose: Windows wildcard rules (the
 * table was produced by a mingw program under Wine 8), find data, errors. */
#include "fileutil.h"

static const char *const names[] = {"abc", "abc.txt", "abc.txt.bak", "x.y.z",
                                    ".hidden", "ab", "abcd.t", NULL};

static void make_tree(void)
{
    ck_assert_int_eq(mkdir("f", 0755), 0);
    for (int i = 0; names[i]; i++) {
        char p[64];
        snprintf(p, sizeof p, "f/%s", names[i]);
        put_file(p, "");
    }
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names a pattern finds, space-separated, or "(none)". */
static void list(const char *pattern, char *out, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "f\\%s", pattern);
    WIN32_FIND_DATAA fd;
    SetLastError(0xdeadbeef);
    HANDLE h = FindFirstFileA(path, &fd);
    if (h == INVALID_HANDLE_VALUE) {
        ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
        snprintf(out, cap, "(none)");
        return;
    }
    char *found[32];
    int n = 0;
    do
        found[n++] = strdup(fd.cFileName);
    while (n < 32 && FindNextFileA(h, &fd));
    ASSERT_LAST_ERROR(ERROR_NO_MORE_FILES);
    ck_assert(FindClose(h));
    qsort(found, n, sizeof found[0], cmp);
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        strncat(out, found[i], cap - strlen(out) - 2);
        if (i + 1 < n)
            strcat(out, " ");
        free(found[i]);
    }
}

static const struct {
    const char *pattern, *expect;
} patterns[] = {
    {"*", ". .. .hidden ab abc abc.txt abc.txt.bak abcd.t x.y.z"},
    {"*.*", ". .. .hidden ab abc abc.txt abc.txt.bak abcd.t x.y.z"},
    {"*.", ". .. .hidden ab abc abc.txt abc.txt.bak abcd.t x.y.z"},
    {"abc.*", "abc abc.txt abc.txt.bak"},
    {"ab?", "abc"},
    {"ab??", "(none)"},
    {"*.txt", "abc.txt"},
    {"*.t*", "abc.txt abc.txt.bak abcd.t"},
    {"a*c", "abc"},
    {"?", "."},
    {"???", "abc"},
    {"*.?", ".. abcd.t x.y.z"},
    {"abc?", "(none)"},
    {"ab*.", "ab abc abc.txt abc.txt.bak abcd.t"},
    {"*c", "abc"},
    {"x.*", "x.y.z"},
    {"*.z", "x.y.z"},
    {"abc.txt.*", "abc.txt abc.txt.bak"},
    {".*", ". .. .hidden"},
    {"*.bak", "abc.txt.bak"},
    {"ABC", "abc"},
    {"nosuch*", "(none)"},
};

START_TEST(test_patterns)
{
    make_tree();
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        char got[512];
        list(patterns[i].pattern, got, sizeof got);
        ck_assert_msg(!strcmp(got, patterns[i].expect), "pattern %s: got [%s], want [%s]",
                      patterns[i].pattern, got, patterns[i].expect);
    }
}
END_TEST

START_TEST(test_find_data)
{
    make_tree();
    put_file("f/abc.txt", "0123456789");
    ck_assert(SetFileAttributesA("f\\abc.txt", FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE));
    WIN32_FIND_DATAA fd;
    memset(&fd, 0xcc, sizeof fd);
    HANDLE h = FindFirstFileA("f\\abc.txt", &fd);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_str_eq(fd.cFileName, "abc.txt");
    ck_assert_str_eq(fd.cAlternateFileName, "");
    ck_assert_uint_eq(fd.dwFileAttributes, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
    ck_assert_uint_eq(fd.nFileSizeLow, 10);
    ck_assert_uint_eq(fd.nFileSizeHigh, 0);
    ck_assert_uint_eq(fd.dwReserved0, 0);
    WIN32_FILE_ATTRIBUTE_DATA ad;
    ck_assert(GetFileAttributesExA("f\\abc.txt", GetFileExInfoStandard, &ad));
    ck_assert(!memcmp(&fd.ftLastWriteTime, &ad.ftLastWriteTime, sizeof(FILETIME)));
    /* No wildcard: one entry at most. */
    ASSERT_FAILS(FindNextFileA(h, &fd), ERROR_NO_MORE_FILES);
    ASSERT_FAILS(FindNextFileA(h, &fd), ERROR_NO_MORE_FILES);
    ck_assert(FindClose(h));
    ASSERT_FAILS(FindClose(h), ERROR_INVALID_HANDLE);

    /* The directory itself. */
    h = FindFirstFileA("f", &fd);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_str_eq(fd.cFileName, "f");
    ck_assert_uint_eq(fd.dwFileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    FindClose(h);

    /* W forms. */
    WIN32_FIND_DATAW wd;
    h = FindFirstFileW(u"f\\x.*", &wd);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    const WCHAR want[] = u"x.y.z";
    ck_assert(!memcmp(wd.cFileName, want, sizeof want));
    ASSERT_FAILS(FindNextFileW(h, &wd), ERROR_NO_MORE_FILES);
    FindClose(h);

    /* The Ex form: levels, search ops, case-sensitive matching. */
    h = FindFirstFileExA("f\\ABC.TXT", FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    FindClose(h);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(FindFirstFileExA("f\\ABC.TXT", FindExInfoStandard, &fd,
                                      FindExSearchNameMatch, NULL,
                                      FIND_FIRST_EX_CASE_SENSITIVE),
                     INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    h = FindFirstFileExW(u"f\\*", FindExInfoStandard, &wd, FindExSearchLimitToDirectories, NULL,
                         FIND_FIRST_EX_LARGE_FETCH);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    FindClose(h);
}
END_TEST

START_TEST(test_errors)
{
    make_tree();
    WIN32_FIND_DATAA fd;
    SetLastError(0xdeadbeef);
#define FIND_FAILS(expr, err)                                                \
    do {                                                                     \
        SetLastError(0xdeadbeef);                                            \
        ck_assert_ptr_eq((expr), INVALID_HANDLE_VALUE);                      \
        ASSERT_LAST_ERROR(err);                                              \
    } while (0)
    FIND_FAILS(FindFirstFileA("nodir\\*", &fd), ERROR_PATH_NOT_FOUND);
    FIND_FAILS(FindFirstFileA("f\\nosuch", &fd), ERROR_FILE_NOT_FOUND);
    FIND_FAILS(FindFirstFileA("f\\", &fd), ERROR_FILE_NOT_FOUND);
    FIND_FAILS(FindFirstFileA("", &fd), ERROR_PATH_NOT_FOUND);
    FIND_FAILS(FindFirstFileA("f\\abc\\*", &fd), ERROR_DIRECTORY);
    FIND_FAILS(FindFirstFileA("f\\a|b", &fd), ERROR_INVALID_NAME);
    FIND_FAILS(FindFirstFileExA("f\\*", FindExInfoMaxInfoLevel, &fd, FindExSearchNameMatch, NULL,
                                0),
               ERROR_INVALID_PARAMETER);
    FIND_FAILS(FindFirstFileExA("f\\*", FindExInfoStandard, &fd, FindExSearchMaxSearchOp, NULL,
                                0),
               ERROR_INVALID_PARAMETER);
    /* An empty directory has "." and "..". */
    ck_assert_int_eq(mkdir("empty", 0755), 0);
    HANDLE h = FindFirstFileA("empty\\*", &fd);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    FindClose(h);
    FIND_FAILS(FindFirstFileA("empty\\*.txt", &fd), ERROR_FILE_NOT_FOUND);

    ASSERT_FAILS(FindClose(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FindNextFileA(NULL, &fd), ERROR_INVALID_HANDLE);
    HANDLE file = CreateFileA("f\\abc", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0,
                              NULL);
    ASSERT_FAILS(FindClose(file), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FindNextFileA(file, &fd), ERROR_INVALID_HANDLE);
    CloseHandle(file);
    /* A find handle is not waitable. */
    h = FindFirstFileA("f\\*", &fd);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    FindClose(h);
}
END_TEST

START_TEST(test_root_has_no_dots)
{
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA("C:\\*", &fd);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    do {
        ck_assert_str_ne(fd.cFileName, ".");
        ck_assert_str_ne(fd.cFileName, "..");
    } while (FindNextFileA(h, &fd));
    FindClose(h);
}
END_TEST

static Suite *find_suite(void)
{
    Suite *s = suite_create("find");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_add_test(tc, test_patterns);
    tcase_add_test(tc, test_find_data);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_root_has_no_dots);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(find_suite)
