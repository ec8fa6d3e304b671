/* Operations by name: DeleteFile, directories, MoveFile(Ex), CopyFile,
 * attributes, GetTempFileName. */
#include "fileutil.h"

START_TEST(test_delete)
{
    put_file("a.txt", "a");
    ck_assert(DeleteFileA("a.txt"));
    ASSERT_FAILS(DeleteFileA("a.txt"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(DeleteFileA("nodir\\a.txt"), ERROR_PATH_NOT_FOUND);
    ck_assert_int_eq(mkdir("d", 0755), 0);
    ASSERT_FAILS(DeleteFileA("d"), ERROR_ACCESS_DENIED);
    put_file("w.txt", "w");
    ck_assert(DeleteFileW(u"w.txt"));
    ASSERT_FAILS(DeleteFileW(u"w.txt"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(DeleteFileA(""), ERROR_PATH_NOT_FOUND);
}
END_TEST

START_TEST(test_directories)
{
    ck_assert(CreateDirectoryA("d", NULL));
    ASSERT_FAILS(CreateDirectoryA("d", NULL), ERROR_ALREADY_EXISTS);
    ASSERT_FAILS(CreateDirectoryA("no\\sub", NULL), ERROR_PATH_NOT_FOUND);
    put_file("f", "f");
    ASSERT_FAILS(CreateDirectoryA("f", NULL), ERROR_ALREADY_EXISTS);
    ck_assert(CreateDirectoryW(u"d\\sub", NULL));
    ASSERT_FAILS(RemoveDirectoryA("d"), ERROR_DIR_NOT_EMPTY);
    ck_assert(RemoveDirectoryW(u"d/sub"));
    ck_assert(RemoveDirectoryA("d"));
    ASSERT_FAILS(RemoveDirectoryA("d"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(RemoveDirectoryA("f"), ERROR_DIRECTORY);
    ASSERT_FAILS(RemoveDirectoryA("no\\d"), ERROR_PATH_NOT_FOUND);
}
END_TEST

START_TEST(test_move)
{
    put_file("a", "A");
    put_file("b", "B");
    ck_assert(MoveFileA("a", "c"));
    ck_assert_int_eq(access("a", F_OK), -1);
    ASSERT_FAILS(MoveFileA("c", "b"), ERROR_ALREADY_EXISTS);
    ASSERT_FAILS(MoveFileExA("c", "b", 0), ERROR_ALREADY_EXISTS);
    ck_assert(MoveFileExA("c", "b", MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH));
    char buf[2] = {0};
    int fd = open("b", O_RDONLY);
    ck_assert_int_eq(read(fd, buf, 1), 1);
    close(fd);
    ck_assert_str_eq(buf, "A");
    ASSERT_FAILS(MoveFileA("missing", "x"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(MoveFileA("b", "nodir\\x"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(MoveFileExA("b", "x", 0x100), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(MoveFileExA("b", "x", MOVEFILE_DELAY_UNTIL_REBOOT), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(MoveFileExA("b", NULL, 0), ERROR_INVALID_PARAMETER);
    /* Directories move; they do not replace, nor are they replaced. */
    ck_assert(CreateDirectoryA("d1", NULL));
    ck_assert(MoveFileW(u"d1", u"d2"));
    ASSERT_FAILS(MoveFileExA("d2", "b", MOVEFILE_REPLACE_EXISTING), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(MoveFileExA("b", "d2", MOVEFILE_REPLACE_EXISTING), ERROR_ACCESS_DENIED);
    /* Onto itself. */
    ck_assert(MoveFileA("b", "b"));
    /* A read-only target is not replaced; a read-only source moves. */
    put_file("ro", "r");
    ck_assert(SetFileAttributesA("ro", FILE_ATTRIBUTE_READONLY));
    ASSERT_FAILS(MoveFileExA("b", "ro", MOVEFILE_REPLACE_EXISTING), ERROR_ACCESS_DENIED);
    ck_assert(MoveFileA("ro", "ro2"));
}
END_TEST

START_TEST(test_copy)
{
    put_file("src", "0123456789");
    ck_assert(SetFileAttributesA("src", FILE_ATTRIBUTE_HIDDEN));
    ck_assert(CopyFileA("src", "dst", TRUE));
    struct stat a, b;
    ck_assert_int_eq(stat("src", &a), 0);
    ck_assert_int_eq(stat("dst", &b), 0);
    ck_assert_int_eq(b.st_size, 10);
    ck_assert_int_eq(b.st_mtim.tv_sec, a.st_mtim.tv_sec); /* the write time goes along */
    ck_assert_uint_eq(GetFileAttributesA("dst"), FILE_ATTRIBUTE_HIDDEN);
    ASSERT_FAILS(CopyFileA("src", "dst", TRUE), ERROR_FILE_EXISTS);
    put_file("src", "xy");
    ck_assert(CopyFileW(u"src", u"dst", FALSE));
    ck_assert_int_eq(stat("dst", &b), 0);
    ck_assert_int_eq(b.st_size, 2);
    ASSERT_FAILS(CopyFileA("missing", "x", FALSE), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CopyFileA("src", "nodir\\x", FALSE), ERROR_PATH_NOT_FOUND);
    ck_assert(CreateDirectoryA("d", NULL));
    ASSERT_FAILS(CopyFileA("d", "x", FALSE), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CopyFileA("src", "d", FALSE), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CopyFileA("src", "src", FALSE), ERROR_SHARING_VIOLATION);
    /* A read-only source copies as read-only; a read-only target stays. */
    ck_assert(SetFileAttributesA("src", FILE_ATTRIBUTE_READONLY));
    ck_assert(CopyFileA("src", "ro", FALSE));
    ck_assert(GetFileAttributesA("ro") & FILE_ATTRIBUTE_READONLY);
    ASSERT_FAILS(CopyFileA("dst", "ro", FALSE), ERROR_ACCESS_DENIED);
    /* The source open without sharing reads: copying it is a violation. */
    HANDLE h = CreateFileA("dst", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ASSERT_FAILS(CopyFileA("dst", "x", FALSE), ERROR_SHARING_VIOLATION);
    CloseHandle(h);
}
END_TEST

START_TEST(test_attributes)
{
    put_file("f", "abc");
    ck_assert_uint_eq(GetFileAttributesA("f"), FILE_ATTRIBUTE_ARCHIVE);
    ck_assert_uint_eq(GetFileAttributesW(u"f"), FILE_ATTRIBUTE_ARCHIVE);
    ck_assert(SetFileAttributesA("f", FILE_ATTRIBUTE_READONLY));
    ck_assert_uint_eq(GetFileAttributesA("f"), FILE_ATTRIBUTE_READONLY);
    struct stat st;
    ck_assert_int_eq(stat("f", &st), 0);
    ck_assert_uint_eq(st.st_mode & 0222, 0);
    ck_assert(SetFileAttributesA("f", FILE_ATTRIBUTE_NORMAL));
    ck_assert_uint_eq(GetFileAttributesA("f"), FILE_ATTRIBUTE_NORMAL);
    ck_assert_int_eq(stat("f", &st), 0);
    ck_assert(st.st_mode & S_IWUSR);
    ck_assert(SetFileAttributesW(u"f", FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM |
                                           FILE_ATTRIBUTE_ARCHIVE));
    ck_assert_uint_eq(GetFileAttributesA("f"),
                      FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE);
    ck_assert(SetFileAttributesA("f", FILE_ATTRIBUTE_ARCHIVE));
    ck_assert_uint_eq(GetFileAttributesA("f"), FILE_ATTRIBUTE_ARCHIVE);
    /* The directory bit cannot be set on a file. */
    ck_assert(SetFileAttributesA("f", FILE_ATTRIBUTE_DIRECTORY));
    ck_assert_uint_eq(GetFileAttributesA("f"), FILE_ATTRIBUTE_NORMAL);

    ck_assert_int_eq(mkdir("d", 0755), 0);
    ck_assert_uint_eq(GetFileAttributesA("d"), FILE_ATTRIBUTE_DIRECTORY);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFileAttributesA("missing"), INVALID_FILE_ATTRIBUTES);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFileAttributesA("no\\x"), INVALID_FILE_ATTRIBUTES);
    ASSERT_LAST_ERROR(ERROR_PATH_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFileAttributesA(""), INVALID_FILE_ATTRIBUTES);
    ASSERT_LAST_ERROR(ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(SetFileAttributesA("missing", 0), ERROR_FILE_NOT_FOUND);

    WIN32_FILE_ATTRIBUTE_DATA d;
    memset(&d, 0xcc, sizeof d);
    ck_assert(GetFileAttributesExA("f", GetFileExInfoStandard, &d));
    ck_assert_uint_eq(d.nFileSizeLow, 3);
    ck_assert_uint_eq(d.nFileSizeHigh, 0);
    ck_assert_uint_eq(d.dwFileAttributes, FILE_ATTRIBUTE_NORMAL);
    ck_assert(GetFileAttributesExW(u"d", GetFileExInfoStandard, &d));
    ck_assert_uint_eq(d.dwFileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    ck_assert_uint_eq(d.nFileSizeLow, 0);
    ASSERT_FAILS(GetFileAttributesExA("f", GetFileExMaxInfoLevel, &d), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetFileAttributesExA("missing", GetFileExInfoStandard, &d),
                 ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_temp_file_name)
{
    char name[MAX_PATH];
    ck_assert_uint_eq(GetTempFileNameA(".", "abcd", 0x12345, name), 0x2345);
    ck_assert_str_eq(name, ".\\abc2345.tmp");
    ck_assert_int_eq(access("abc2345.tmp", F_OK), -1); /* not created */
    ck_assert_uint_eq(GetTempFileNameA(".\\", NULL, 1, name), 1);
    ck_assert_str_eq(name, ".\\1.tmp");

    UINT u = GetTempFileNameA(".", "ws", 0, name);
    ck_assert_uint_ne(u, 0);
    char expect[32];
    snprintf(expect, sizeof expect, ".\\ws%X.tmp", u);
    ck_assert_str_eq(name, expect);
    ck_assert_int_eq(access(name + 2, F_OK), 0); /* created */
    UINT u2 = GetTempFileNameA(".", "ws", 0, name);
    ck_assert_uint_ne(u2, u); /* the first one is taken */

    WCHAR wname[MAX_PATH];
    ck_assert_uint_eq(GetTempFileNameW(u".", u"pre", 0xbeef, wname), 0xbeef);
    const WCHAR want[] = u".\\preBEEF.tmp";
    ck_assert(!memcmp(wname, want, sizeof want));

    ASSERT_FAILS(GetTempFileNameA("nodir", "x", 0, name), ERROR_DIRECTORY);
    put_file("file", "x");
    ASSERT_FAILS(GetTempFileNameA("file", "x", 0, name), ERROR_DIRECTORY);
}
END_TEST

/* DeleteFile asks the share modes through an fd of the file itself and
 * its type and mode through that fd: every answer, on every way in. */
START_TEST(test_delete_kinds)
{
    /* READONLY: ACCESS_DENIED, also to root; deletable once cleared. */
    put_file("r.txt", "r");
    ck_assert(SetFileAttributesA("r.txt", FILE_ATTRIBUTE_READONLY));
    ASSERT_FAILS(DeleteFileA("r.txt"), ERROR_ACCESS_DENIED);
    ck_assert_int_eq(access("r.txt", F_OK), 0);
    ck_assert(SetFileAttributesA("r.txt", FILE_ATTRIBUTE_NORMAL));
    ck_assert(DeleteFileA("r.txt"));
    /* Open without FILE_SHARE_DELETE: SHARING_VIOLATION; with it: gone,
     * and the handle still reads. */
    put_file("o.txt", "o");
    HANDLE h = open_rw("o.txt", FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_FAILS(DeleteFileW(u"o.txt"), ERROR_SHARING_VIOLATION);
    ck_assert_int_eq(access("o.txt", F_OK), 0);
    ck_assert(CloseHandle(h));
    h = open_rw("o.txt", FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, OPEN_EXISTING);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert(DeleteFileW(u"o.txt"));
    ck_assert_int_eq(access("o.txt", F_OK), -1);
    char c = 0;
    DWORD got = 0;
    ck_assert(ReadFile(h, &c, 1, &got, NULL));
    ck_assert_uint_eq(got, 1);
    ck_assert_int_eq(c, 'o');
    ck_assert(CloseHandle(h));
    /* A symbolic link is deleted itself, with its own share modes (none):
     * its target's open handle does not stop it, and the target stays. */
    put_file("t.txt", "t");
    ck_assert_int_eq(symlink("t.txt", "l"), 0);
    h = open_rw("t.txt", 0, OPEN_EXISTING);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert(DeleteFileA("l"));
    struct stat st;
    ck_assert_int_eq(lstat("l", &st), -1);
    ASSERT_FAILS(DeleteFileA("t.txt"), ERROR_SHARING_VIOLATION);
    ck_assert(CloseHandle(h));
    ck_assert(DeleteFileA("t.txt"));
    /* A dangling link, and a link to a directory: the link goes. */
    ck_assert_int_eq(symlink("nowhere", "dl"), 0);
    ck_assert(DeleteFileA("dl"));
    ck_assert_int_eq(lstat("dl", &st), -1);
    ck_assert_int_eq(mkdir("d", 0755), 0);
    ck_assert_int_eq(symlink("d", "ld"), 0);
    ck_assert(DeleteFileW(u"ld"));
    ck_assert_int_eq(lstat("ld", &st), -1);
    ck_assert_int_eq(stat("d", &st), 0);
    /* A directory, also opened by path with a trailing separator. */
    ASSERT_FAILS(DeleteFileA("d"), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(DeleteFileA("d\\"), ERROR_ACCESS_DENIED);
    /* A FIFO is a file: its deletion does not wait for a writer. */
    ck_assert_int_eq(mkfifo("p", 0644), 0);
    ck_assert(DeleteFileA("p"));
    ck_assert_int_eq(lstat("p", &st), -1);
    /* Missing: the file, or the directory; a file is no directory. */
    put_file("f", "f");
    ASSERT_FAILS(DeleteFileA("missing"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(DeleteFileA("d\\missing"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(DeleteFileA("nodir\\x"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(DeleteFileA("f\\x"), ERROR_PATH_NOT_FOUND);
    /* A file the caller cannot read carries no share-mode locks: the
     * delete asks its type by path (not for root, who reads anything). */
    if (geteuid() != 0) {
        put_file("w.txt", "w");
        ck_assert_int_eq(chmod("w.txt", 0200), 0);
        ck_assert(DeleteFileA("w.txt"));
        ck_assert_int_eq(access("w.txt", F_OK), -1);
        put_file("wr.txt", "w");
        ck_assert_int_eq(chmod("wr.txt", 0000), 0);
        ASSERT_FAILS(DeleteFileA("wr.txt"), ERROR_ACCESS_DENIED); /* READONLY */
    }
    /* Not ASCII: the other way of the path conversion. */
    HANDLE n = CreateFileW(u"\x00e9t\x00e9", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(n, INVALID_HANDLE_VALUE);
    ASSERT_FAILS(DeleteFileW(u"\x00e9t\x00e9"), ERROR_SHARING_VIOLATION);
    ck_assert(CloseHandle(n));
    ck_assert(DeleteFileW(u"\x00e9t\x00e9"));
    ASSERT_FAILS(DeleteFileW(u"\x00e9t\x00e9"), ERROR_FILE_NOT_FOUND);
}
END_TEST

static Suite *fsops_suite(void)
{
    Suite *s = suite_create("fsops");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_add_test(tc, test_delete);
    tcase_add_test(tc, test_delete_kinds);
    tcase_add_test(tc, test_directories);
    tcase_add_test(tc, test_move);
    tcase_add_test(tc, test_copy);
    tcase_add_test(tc, test_attributes);
    tcase_add_test(tc, test_temp_file_name);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(fsops_suite)
