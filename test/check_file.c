/* File objects: standard handles, ReadFile/WriteFile dispatch, waits,
 * shared file pointers, GetFileType, FlushFileBuffers. */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A private scratch file on fd `target` (0..2), opened with flags. */
static void redirect(int target, int flags)
{
    char path[] = "/tmp/winshim-check-file-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    if ((flags & O_ACCMODE) != O_RDWR) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        int again = open(proc, flags);
        ck_assert_int_ge(again, 0);
        close(fd);
        fd = again;
    }
    ck_assert_int_eq(dup2(fd, target), target);
    close(fd);
}

START_TEST(test_std_handles)
{
    redirect(1, O_RDWR);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_ne(out, INVALID_HANDLE_VALUE);
    ck_assert_ptr_eq(GetStdHandle(STD_OUTPUT_HANDLE), out); /* made once */
    ck_assert_uint_eq(GetFileType(out), FILE_TYPE_DISK);

    DWORD n = 0xcccccccc;
    ck_assert(WriteFile(out, "hello", 5, &n, NULL));
    ck_assert_uint_eq(n, 5);
    char buf[8] = {0};
    ck_assert_int_eq(pread(1, buf, 5, 0), 5);
    ck_assert_str_eq(buf, "hello");

    /* The handle is the fd's open file description: its offset. */
    ck_assert_int_eq(lseek(1, 0, SEEK_CUR), 5);
    ck_assert(WriteFile(out, "!", 1, &n, NULL));
    ck_assert_int_eq(lseek(1, 0, SEEK_CUR), 6);

    /* Bad selectors. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(GetStdHandle(0), INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(GetStdHandle((DWORD)-13), INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetStdHandle(5, out), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_std_closed_and_set)
{
    close(0);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(GetStdHandle(STD_INPUT_HANDLE)); /* no standard input */
    ASSERT_LAST_ERROR(0xdeadbeef);

    /* SetStdHandle replaces the slot, with any value, closing nothing. */
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(SetStdHandle(STD_INPUT_HANDLE, ev));
    ck_assert_ptr_eq(GetStdHandle(STD_INPUT_HANDLE), ev);
    ck_assert(SetStdHandle(STD_INPUT_HANDLE, err));
    ck_assert_ptr_eq(GetStdHandle(STD_INPUT_HANDLE), err);
    ck_assert(SetStdHandle(STD_INPUT_HANDLE, NULL));
    ck_assert_ptr_null(GetStdHandle(STD_INPUT_HANDLE));
    ck_assert(CloseHandle(ev));
}
END_TEST

START_TEST(test_pipe_stdin)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(dup2(p[0], 0), 0);
    close(p[0]);
    ck_assert_int_eq(write(p[1], "abc", 3), 3);
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    ck_assert_uint_eq(GetFileType(in), FILE_TYPE_PIPE);

    char buf[16];
    DWORD n = 0xcccccccc;
    ck_assert(ReadFile(in, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 3); /* a pipe read returns what is there */
    ck_assert(!memcmp(buf, "abc", 3));
    close(p[1]);
    ck_assert(ReadFile(in, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 0);

    /* Read-only descriptor: a read-only handle. */
    n = 0xcccccccc;
    ASSERT_FAILS(WriteFile(in, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_access)
{
    redirect(1, O_WRONLY);
    redirect(2, O_RDONLY);
    HANDLE wo = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE ro = GetStdHandle(STD_ERROR_HANDLE);
    char buf[4];
    DWORD n = 0xcccccccc;
    ASSERT_FAILS(ReadFile(wo, buf, 1, &n, NULL), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(n, 0);
    ASSERT_FAILS(WriteFile(ro, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(FlushFileBuffers(ro), ERROR_ACCESS_DENIED);
    ck_assert(FlushFileBuffers(wo));

    /* A duplicate with fewer rights is gated by its own mask. */
    HANDLE sync_only;
    ck_assert(DuplicateHandle(GetCurrentProcess(), wo, GetCurrentProcess(), &sync_only,
                              SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(WriteFile(sync_only, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    ASSERT_WAIT(WaitForSingleObject(sync_only, 0), WAIT_OBJECT_0);
    ck_assert(CloseHandle(sync_only));

    /* Not a file, or no handle at all. */
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(ReadFile(ev, buf, 1, &n, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(WriteFile(ev, "x", 1, &n, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FlushFileBuffers(ev), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ReadFile(NULL, buf, 1, &n, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(WriteFile(INVALID_HANDLE_VALUE, "x", 1, &n, NULL), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFileType(ev), FILE_TYPE_UNKNOWN);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetFileType((HANDLE)(uintptr_t)0x7ff0), FILE_TYPE_UNKNOWN);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    CloseHandle(ev);

    /* No byte count and no OVERLAPPED: accepted, as Windows does. */
    ck_assert(WriteFile(wo, "x", 1, NULL, NULL));
}
END_TEST

START_TEST(test_shared_description)
{
    redirect(1, O_RDWR);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE dup;
    ck_assert(DuplicateHandle(GetCurrentProcess(), out, GetCurrentProcess(), &dup, 0,
                              FALSE, DUPLICATE_SAME_ACCESS));
    DWORD n;
    ck_assert(WriteFile(out, "abc", 3, &n, NULL));
    ck_assert(WriteFile(dup, "def", 3, &n, NULL)); /* one file pointer */
    char buf[8] = {0};
    ck_assert_int_eq(pread(1, buf, 6, 0), 6);
    ck_assert_str_eq(buf, "abcdef");
    ck_assert(CompareObjectHandles(out, dup));
    ck_assert(CloseHandle(dup));

    /* Positioned transfer on a synchronous handle: the OVERLAPPED names
     * the offset, completes at once and moves the file pointer. */
    OVERLAPPED ov = {0};
    ov.Offset = 1;
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(ReadFile(out, buf, 2, &n, &ov));
    ck_assert_uint_eq(n, 2);
    ck_assert(!memcmp(buf, "bc", 2));
    ck_assert_uint_eq(ov.InternalHigh, 2);
    ck_assert_uint_eq(ov.Internal, 0);
    ASSERT_WAIT(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    ck_assert_int_eq(lseek(1, 0, SEEK_CUR), 3);
    CloseHandle(ov.hEvent);

    /* A file handle is a waitable object: signalled (no I/O pending). */
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE both[2] = {ev, out};
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_OBJECT_0 + 1);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_TIMEOUT);
    SetEvent(ev);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_OBJECT_0);
    CloseHandle(ev);
}
END_TEST

START_TEST(test_close_std)
{
    redirect(1, O_RDWR);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    ck_assert(CloseHandle(out));
    /* The slot keeps the stale value; the handle is gone. */
    ck_assert_ptr_eq(GetStdHandle(STD_OUTPUT_HANDLE), out);
    DWORD n;
    ASSERT_FAILS(WriteFile(out, "x", 1, &n, NULL), ERROR_INVALID_HANDLE);
    /* fd 1 itself stays: the C library writes there too. */
    ck_assert_int_eq(write(1, "y", 1), 1);
    char c = 0;
    ck_assert_int_eq(pread(1, &c, 1, 0), 1);
    ck_assert_int_eq(c, 'y');
}
END_TEST

START_TEST(test_std_after_fork)
{
    redirect(1, O_RDWR);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD n;
    ck_assert(WriteFile(out, "p", 1, &n, NULL));
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* A new process: its own standard handles, made from its fds. */
        HANDLE mine = GetStdHandle(STD_OUTPUT_HANDLE);
        _exit(mine && WriteFile(mine, "c", 1, &n, NULL) ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char buf[4] = {0};
    ck_assert_int_eq(pread(1, buf, 2, 0), 2);
    ck_assert_str_eq(buf, "pc"); /* one file pointer: the fd's */
}
END_TEST

static Suite *file_suite(void)
{
    Suite *s = suite_create("file");
    TCase *tc = tcase_create("std");
    tcase_add_test(tc, test_std_handles);
    tcase_add_test(tc, test_std_closed_and_set);
    tcase_add_test(tc, test_pipe_stdin);
    tcase_add_test(tc, test_access);
    tcase_add_test(tc, test_shared_description);
    tcase_add_test(tc, test_close_std);
    tcase_add_test(tc, test_std_after_fork);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(file_suite)
