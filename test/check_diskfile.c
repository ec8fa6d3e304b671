/* Disk files: CreateFile dispositions and errors, access, the file pointer,
 * sizes, SetEndOfFile, information and times. */
#include "fileutil.h"

#include <stdio.h>
#include <sys/resource.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(test_dispositions)
{
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileA("a.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    DWORD n;
    ck_assert(WriteFile(h, "hello", 5, &n, NULL));
    ck_assert(CloseHandle(h));

    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(CreateFileA("a.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL),
                     INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_EXISTS);

    SetLastError(0xdeadbeef);
    h = CreateFileA("a.txt", GENERIC_READ, 0, NULL, OPEN_ALWAYS, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ck_assert_uint_eq(GetFileSize(h, NULL), 5); /* not truncated */
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = CreateFileW(u"new.txt", GENERIC_READ, 0, NULL, OPEN_ALWAYS, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = CreateFileA("a.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ck_assert_uint_eq(GetFileSize(h, NULL), 0); /* truncated */
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = CreateFileA("a.txt", GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert_uint_eq(GetFileSize(h, NULL), 0);
    CloseHandle(h);

    ASSERT_FAILS(CreateFileA("missing", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateFileA("missing", GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateFileA("nodir\\x", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateFileA("nodir\\x", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateFileA("a.txt\\x", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    /* TRUNCATE_EXISTING needs GENERIC_WRITE; bad dispositions and shares. */
    ASSERT_FAILS(CreateFileA("a.txt", GENERIC_READ, 0, NULL, TRUNCATE_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileA("a.txt", GENERIC_READ, 0, NULL, 0, 0, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileA("a.txt", GENERIC_READ, 0, NULL, 6, 0, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileA("a.txt", GENERIC_READ, 8, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    /* Names. */
    ASSERT_FAILS(CreateFileA("", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateFileA(NULL, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateFileA("a?b", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_INVALID_NAME);
    ASSERT_FAILS(CreateFileA("a<b", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_INVALID_NAME);
    ASSERT_FAILS(CreateFileA("Q:\\x", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
}
END_TEST

START_TEST(test_paths_in_createfile)
{
    put_file("p.txt", "abc");
    /* ".." is resolved lexically, as on Windows; trailing dots go. */
    HANDLE h = CreateFileA("nodir\\..\\p.txt", GENERIC_READ, FILE_SHARE_READ, NULL,
                           OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    h = CreateFileA("p.txt.", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    h = CreateFileA("./p.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    /* Absolute, through the default C: mapping and a \\?\ path. */
    char path[128];
    snprintf(path, sizeof path, "C:%s\\p.txt", scratch_dir);
    h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    snprintf(path, sizeof path, "\\\\?\\C:%s/p.txt", scratch_dir);
    h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ASSERT_FAILS(CreateFileA("\\\\server\\share\\x", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                             NULL) != INVALID_HANDLE_VALUE,
                 ERROR_BAD_NETPATH);
    /* The NUL device. */
    h = CreateFileA("NUL", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    ck_assert(WriteFile(h, "x", 1, &n, NULL));
    ck_assert_uint_eq(GetFileType(h), FILE_TYPE_CHAR);
    CloseHandle(h);
    /* A FIFO reached by path: the open does not block; it is a pipe. */
    ck_assert_int_eq(mkfifo("fifo", 0600), 0);
    h = CreateFileA("fifo", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                    OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetFileType(h), FILE_TYPE_PIPE);
    ck_assert_uint_eq(GetFileAttributesA("fifo"), FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_SYSTEM);
    CloseHandle(h);
}
END_TEST

START_TEST(test_directories)
{
    ck_assert_int_eq(mkdir("d", 0755), 0);
    ASSERT_FAILS(CreateFileA("d", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CreateFileA("d", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CreateFileA("d", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_FILE_EXISTS);
    HANDLE h = CreateFileA("d", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    char buf[8];
    DWORD n;
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, &n, NULL), ERROR_INVALID_FUNCTION);
    BY_HANDLE_FILE_INFORMATION info;
    ck_assert(GetFileInformationByHandle(h, &info));
    ck_assert(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    CloseHandle(h);
}
END_TEST

START_TEST(test_access_rights)
{
    put_file("r.txt", "abcdef");
    HANDLE h = CreateFileA("r.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD n = 0xcccccccc;
    ASSERT_FAILS(WriteFile(h, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(n, 0);
    ASSERT_FAILS(SetEndOfFile(h), ERROR_ACCESS_DENIED);
    FILETIME ft = {1, 1};
    ASSERT_FAILS(SetFileTime(h, NULL, NULL, &ft), ERROR_ACCESS_DENIED);
    CloseHandle(h);

    h = CreateFileA("r.txt", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    char buf[4];
    ASSERT_FAILS(ReadFile(h, buf, 1, &n, NULL), ERROR_ACCESS_DENIED);
    CloseHandle(h);

    /* Attribute-only access: no data either way, but size and times. */
    h = CreateFileA("r.txt", FILE_READ_ATTRIBUTES, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_FAILS(ReadFile(h, buf, 1, &n, NULL), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(GetFileSize(h, NULL), 6);
    CloseHandle(h);

    /* FILE_APPEND_DATA alone: every write goes to the end. */
    h = CreateFileA("r.txt", FILE_APPEND_DATA | SYNCHRONIZE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    ck_assert(WriteFile(h, "XY", 2, &n, NULL));
    CloseHandle(h);
    h = CreateFileA("r.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    char all[16] = {0};
    ck_assert(ReadFile(h, all, sizeof all, &n, NULL));
    ck_assert_str_eq(all, "abcdefXY");
    CloseHandle(h);
}
END_TEST

START_TEST(test_own_file_pointer)
{
    put_file("f.txt", "0123456789");
    /* Two CreateFile calls: two file objects, two file pointers. */
    HANDLE a = CreateFileA("f.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    HANDLE b = CreateFileA("f.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    char buf[4] = {0};
    DWORD n;
    ck_assert(ReadFile(a, buf, 3, &n, NULL));
    ck_assert_str_eq(buf, "012");
    ck_assert(ReadFile(b, buf, 3, &n, NULL));
    ck_assert_str_eq(buf, "012");
    ck_assert(!CompareObjectHandles(a, b));
    /* A duplicate shares its source's pointer. */
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(ReadFile(d, buf, 3, &n, NULL));
    ck_assert_str_eq(buf, "345");
    ck_assert(ReadFile(a, buf, 3, &n, NULL));
    ck_assert_str_eq(buf, "678");
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(d);
}
END_TEST

START_TEST(test_file_pointer)
{
    HANDLE h = open_rw("p.bin", 0, CREATE_ALWAYS);
    DWORD n;
    ck_assert(WriteFile(h, "abcdefghij", 10, &n, NULL));
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), 10);
    ck_assert_uint_eq(SetFilePointer(h, -3, NULL, FILE_END), 7);
    ck_assert_uint_eq(SetFilePointer(h, 2, NULL, FILE_CURRENT), 9);
    ASSERT_FAILS(SetFilePointer(h, -1, NULL, FILE_BEGIN) != INVALID_SET_FILE_POINTER,
                 ERROR_NEGATIVE_SEEK);
    ASSERT_FAILS(SetFilePointer(h, -20, NULL, FILE_CURRENT) != INVALID_SET_FILE_POINTER,
                 ERROR_NEGATIVE_SEEK);
    ASSERT_FAILS(SetFilePointer(h, 0, NULL, 3) != INVALID_SET_FILE_POINTER,
                 ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), 9); /* unmoved */

    /* 64-bit positions through the high half. */
    LONG high = 1;
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SetFilePointer(h, 5, &high, FILE_BEGIN), 5);
    ck_assert_int_eq(high, 1);
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* Low half 0xFFFFFFFF: success told apart by NO_ERROR. */
    high = 0;
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SetFilePointer(h, -1, &high, FILE_BEGIN), INVALID_SET_FILE_POINTER);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    high = -1;
    ASSERT_FAILS(SetFilePointer(h, -1, &high, FILE_BEGIN) != INVALID_SET_FILE_POINTER,
                 ERROR_NEGATIVE_SEEK);

    LARGE_INTEGER d, pos;
    d.QuadPart = 0x123456789LL;
    ck_assert(SetFilePointerEx(h, d, &pos, FILE_BEGIN));
    ck_assert_int_eq(pos.QuadPart, 0x123456789LL);
    d.QuadPart = 0;
    ck_assert(SetFilePointerEx(h, d, NULL, FILE_END));
    ck_assert(SetFilePointerEx(h, d, &pos, FILE_CURRENT));
    ck_assert_int_eq(pos.QuadPart, 10);
    d.QuadPart = -11;
    ASSERT_FAILS(SetFilePointerEx(h, d, &pos, FILE_CURRENT), ERROR_NEGATIVE_SEEK);

    /* Past the end: reads give 0 bytes, writes extend. */
    ck_assert_uint_eq(SetFilePointer(h, 20, NULL, FILE_BEGIN), 20);
    char buf[8];
    ck_assert(ReadFile(h, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 0);
    ck_assert(WriteFile(h, "z", 1, &n, NULL));
    ck_assert_uint_eq(GetFileSize(h, NULL), 21);

    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(SetFilePointer(ev, 0, NULL, FILE_BEGIN) != INVALID_SET_FILE_POINTER,
                 ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    CloseHandle(h);
}
END_TEST

START_TEST(test_size_and_eof)
{
    HANDLE h = open_rw("s.bin", 0, CREATE_ALWAYS);
    DWORD high = 0xcccccccc;
    ck_assert_uint_eq(GetFileSize(h, &high), 0);
    ck_assert_uint_eq(high, 0);
    ck_assert_uint_eq(SetFilePointer(h, 100, NULL, FILE_BEGIN), 100);
    ck_assert(SetEndOfFile(h));
    LARGE_INTEGER size;
    ck_assert(GetFileSizeEx(h, &size));
    ck_assert_int_eq(size.QuadPart, 100);
    ck_assert_uint_eq(SetFilePointer(h, 40, NULL, FILE_BEGIN), 40);
    ck_assert(SetEndOfFile(h));
    ck_assert_uint_eq(GetFileSize(h, NULL), 40);
    /* A size whose low half is 0xFFFFFFFF. */
    LARGE_INTEGER at;
    at.QuadPart = 0x1ffffffffLL;
    ck_assert(SetFilePointerEx(h, at, NULL, FILE_BEGIN));
    ck_assert(SetEndOfFile(h));
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFileSize(h, &high), INVALID_FILE_SIZE);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert_uint_eq(high, 1);
    ck_assert(FlushFileBuffers(h));
    CloseHandle(h);
    ASSERT_FAILS(GetFileSize(NULL, NULL) != INVALID_FILE_SIZE, ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetFileSizeEx(NULL, &size), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetEndOfFile(NULL), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_info_and_times)
{
    HANDLE h = open_rw("t.bin", 0, CREATE_ALWAYS);
    DWORD n;
    ck_assert(WriteFile(h, "12345", 5, &n, NULL));
    BY_HANDLE_FILE_INFORMATION info;
    memset(&info, 0xcc, sizeof info);
    ck_assert(GetFileInformationByHandle(h, &info));
    struct stat st;
    ck_assert_int_eq(stat("t.bin", &st), 0);
    ck_assert_uint_eq(info.nFileSizeLow, 5);
    ck_assert_uint_eq(info.nFileSizeHigh, 0);
    ck_assert_uint_eq(info.nNumberOfLinks, 1);
    ck_assert_uint_eq(info.nFileIndexLow, (DWORD)st.st_ino);
    ck_assert_uint_eq(info.dwFileAttributes, FILE_ATTRIBUTE_ARCHIVE);

    /* FILETIME <-> timespec: 2001-09-09 01:46:40 UTC = Unix 1000000000. */
    FILETIME w = {0}, a = {0}, c = {0};
    uint64_t v = 116444736000000000ULL + 1000000000ULL * 10000000ULL + 1234567;
    w.dwLowDateTime = (DWORD)v;
    w.dwHighDateTime = (DWORD)(v >> 32);
    ck_assert(SetFileTime(h, NULL, NULL, &w));
    ck_assert_int_eq(stat("t.bin", &st), 0);
    ck_assert_int_eq(st.st_mtim.tv_sec, 1000000000);
    ck_assert_int_eq(st.st_mtim.tv_nsec, 123456700);
    ck_assert(GetFileTime(h, &c, &a, &w));
    ck_assert_uint_eq(((uint64_t)w.dwHighDateTime << 32) | w.dwLowDateTime, v);
    /* NULL and zero times are left alone. */
    FILETIME zero = {0, 0};
    ck_assert(SetFileTime(h, &zero, &zero, NULL));
    ck_assert(GetFileTime(h, NULL, NULL, &w));
    ck_assert_uint_eq(((uint64_t)w.dwHighDateTime << 32) | w.dwLowDateTime, v);
    CloseHandle(h);
    ASSERT_FAILS(GetFileTime(NULL, &c, &a, &w), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetFileInformationByHandle(NULL, &info), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_attributes_on_create)
{
    HANDLE h = CreateFileA("ro.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    ck_assert(WriteFile(h, "ab", 2, &n, NULL)); /* the creating handle writes */
    CloseHandle(h);
    ck_assert_uint_eq(GetFileAttributesA("ro.txt"),
                      FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
    /* Read-only: no writing, truncating or deleting, even as root. */
    ASSERT_FAILS(CreateFileA("ro.txt", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_ACCESS_DENIED);
    h = CreateFileA("ro.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
    ASSERT_FAILS(DeleteFileA("ro.txt"), ERROR_ACCESS_DENIED);

    /* CREATE_ALWAYS over a hidden file needs FILE_ATTRIBUTE_HIDDEN. */
    h = CreateFileA("hid.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_HIDDEN, NULL);
    CloseHandle(h);
    ASSERT_FAILS(CreateFileA("hid.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                             FILE_ATTRIBUTE_NORMAL, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_ACCESS_DENIED);
    h = CreateFileA("hid.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_HIDDEN,
                    NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    CloseHandle(h);
}
END_TEST

START_TEST(test_delete_on_close)
{
    HANDLE h = CreateFileA("doc.txt", GENERIC_WRITE, FILE_SHARE_DELETE | FILE_SHARE_READ, NULL,
                           CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    HANDLE dup;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    /* Moving the current directory does not move the file to delete. */
    ck_assert_int_eq(mkdir("elsewhere", 0755), 0);
    ck_assert(SetCurrentDirectoryA("elsewhere"));
    CloseHandle(h);
    ck_assert_int_eq(access("../doc.txt", F_OK), 0); /* a handle is left */
    CloseHandle(dup);
    ck_assert_int_eq(access("../doc.txt", F_OK), -1);
}
END_TEST

START_TEST(test_write_through_and_overlapped_flag)
{
    HANDLE h = CreateFileA("wt.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_FLAG_WRITE_THROUGH, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    ck_assert(WriteFile(h, "data", 4, &n, NULL));
    ck_assert_uint_eq(n, 4);
    CloseHandle(h);
    /* FILE_FLAG_OVERLAPPED is accepted; an OVERLAPPED names the offset. */
    h = CreateFileA("wt.bin", GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    OVERLAPPED ov = {0};
    ov.Offset = 2;
    char buf[4] = {0};
    ck_assert(ReadFile(h, buf, 2, NULL, &ov));
    ck_assert_str_eq(buf, "ta");
    ck_assert_uint_eq(ov.InternalHigh, 2);
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), 4);
    /* At or past the end: ERROR_HANDLE_EOF and STATUS_END_OF_FILE (a read
     * at the file pointer would just return 0 bytes). */
    ov.Offset = 4;
    DWORD got = 0xcccccccc;
    ASSERT_FAILS(ReadFile(h, buf, 2, &got, &ov), ERROR_HANDLE_EOF);
    ck_assert_uint_eq(got, 0);
    ck_assert_uint_eq(ov.Internal, 0xC0000011u);
    ov.Offset = 10;
    ASSERT_FAILS(ReadFile(h, buf, 2, &got, &ov), ERROR_HANDLE_EOF);
    ck_assert(ReadFile(h, buf, 0, &got, &ov)); /* nothing asked, nothing wrong */
    /* An overlapped handle needs an OVERLAPPED (as Windows and Wine). */
    ASSERT_FAILS(ReadFile(h, buf, 2, &got, NULL), ERROR_INVALID_PARAMETER);
    CloseHandle(h);
}
END_TEST

/* A closed file's fd number stays reserved (on /dev/null) until its
 * object is destroyed after a grace period; a loop of CreateFile and
 * CloseHandle (a journal per transaction) must get the numbers back long
 * before the default RLIMIT_NOFILE of 1024, here far below it, from one
 * thread and from several. */
static DWORD WINAPI journal_loop(LPVOID arg)
{
    char name[32];
    snprintf(name, sizeof name, "j%d", (int)(intptr_t)arg);
    for (int i = 0; i < 1500; i++) {
        HANDLE h = open_rw(name, 0, CREATE_ALWAYS);
        if (h == INVALID_HANDLE_VALUE)
            return GetLastError();
        DWORD done = 0;
        if (!WriteFile(h, "j", 1, &done, NULL) || done != 1)
            return GetLastError();
        if (!CloseHandle(h) || !DeleteFileA(name))
            return GetLastError();
    }
    return 0;
}

START_TEST(test_closed_numbers_come_back)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = 200;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_uint_eq(journal_loop((LPVOID)0), 0);
    HANDLE t[2];
    for (int i = 0; i < 2; i++) {
        t[i] = CreateThread(NULL, 0, journal_loop, (LPVOID)(intptr_t)(i + 1), 0, NULL);
        ck_assert_ptr_nonnull(t[i]);
    }
    for (int i = 0; i < 2; i++) {
        DWORD code = 1;
        ck_assert_uint_eq(WaitForSingleObject(t[i], INFINITE), WAIT_OBJECT_0);
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
}
END_TEST

/* A WriteFile racing with the CloseHandle of its handle either writes the
 * file or fails with ERROR_INVALID_HANDLE: it never reaches a file opened
 * meanwhile under the closed fd number (here by plain open(2), which
 * takes the lowest free number, so that no new handle can take the
 * value).  The last close closes the number at once only when no
 * transfer holds the object (file.c, file_release_mine); either way the
 * new files must stay empty. */
static DWORD WINAPI write_until_closed(LPVOID arg)
{
    HANDLE h = arg;
    char page[512];
    memset(page, 'W', sizeof page);
    DWORD done;
    OVERLAPPED ov = {0};
    while (WriteFile(h, page, sizeof page, &done, &ov))
        ;
    return GetLastError();
}

START_TEST(test_write_racing_close)
{
    for (int i = 0; i < 100; i++) {
        HANDLE h = open_rw("racer", FILE_SHARE_READ | FILE_SHARE_WRITE, CREATE_ALWAYS);
        ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
        HANDLE t = CreateThread(NULL, 0, write_until_closed, h, 0, NULL);
        ck_assert_ptr_nonnull(t);
        if (i & 1)
            Sleep(0);
        ck_assert(CloseHandle(h));
        int fds[4];
        for (int k = 0; k < 4; k++) {
            char name[32];
            snprintf(name, sizeof name, "bystander%d", k);
            fds[k] = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            ck_assert_int_ge(fds[k], 0);
        }
        DWORD code = 0;
        ck_assert_uint_eq(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
        ck_assert(GetExitCodeThread(t, &code));
        ck_assert_uint_eq(code, ERROR_INVALID_HANDLE);
        CloseHandle(t);
        for (int k = 0; k < 4; k++) {
            struct stat st;
            ck_assert_int_eq(fstat(fds[k], &st), 0);
            ck_assert_int_eq(st.st_size, 0);
            close(fds[k]);
        }
    }
}
END_TEST

static Suite *diskfile_suite(void)
{
    Suite *s = suite_create("diskfile");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_add_test(tc, test_dispositions);
    tcase_add_test(tc, test_paths_in_createfile);
    tcase_add_test(tc, test_directories);
    tcase_add_test(tc, test_access_rights);
    tcase_add_test(tc, test_own_file_pointer);
    tcase_add_test(tc, test_file_pointer);
    tcase_add_test(tc, test_size_and_eof);
    tcase_add_test(tc, test_info_and_times);
    tcase_add_test(tc, test_attributes_on_create);
    tcase_add_test(tc, test_delete_on_close);
    tcase_add_test(tc, test_write_through_and_overlapped_flag);
    tcase_add_test(tc, test_closed_numbers_come_back);
    suite_add_tcase(s, tc);
    /* A stress loop: its own case, with room for a loaded machine. */
    tc = tcase_create("race");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_write_racing_close);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(diskfile_suite)
