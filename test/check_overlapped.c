/* Overlapped I/O: ReadFile/WriteFile on FILE_FLAG_OVERLAPPED handles,
 * GetOverlappedResult(Ex), HasOverlappedIoCompleted, CancelIo(Ex),
 * ReadFileEx/WriteFileEx completion routines. */
#define _GNU_SOURCE
#include "pipeutil.h"
#include "testutil.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define RW (GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE)
#define SHARE_RW (FILE_SHARE_READ | FILE_SHARE_WRITE)

/* A scratch disk file opened with CreateFile for overlapped I/O; *fd_out
 * keeps a private descriptor for checking the contents.  With path_out the
 * caller gets the name (to open more handles) and unlinks it; otherwise it
 * is unlinked at once (unlink(), the handle has no FILE_SHARE_DELETE). */
static HANDLE disk_file(int *fd_out, DWORD access, char *path_out)
{
    char path[] = "/tmp/winshim-check-ov-XXXXXX";
    int fd = mkostemp(path, O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    *fd_out = fd;
    HANDLE h = CreateFileA(path, access, SHARE_RW, NULL, OPEN_EXISTING,
                           FILE_FLAG_OVERLAPPED, NULL);
    ck_assert_msg(h != INVALID_HANDLE_VALUE, "CreateFile: %lu",
                  (unsigned long)GetLastError());
    if (path_out)
        strcpy(path_out, path);
    else
        unlink(path);
    return h;
}

static HANDLE pipe_reader(HANDLE *writer)
{
    return overlapped_pipe_reader("overlapped", writer);
}

/* A synchronous write of all of s through the pipe's client end. */
static void pipe_write(HANDLE writer, const char *s)
{
    DWORD n = 0;
    ck_assert(WriteFile(writer, s, (DWORD)strlen(s), &n, NULL));
    ck_assert_uint_eq(n, strlen(s));
}

static BOOL started(BOOL ok)
{
    return ok || GetLastError() == ERROR_IO_PENDING;
}

START_TEST(test_disk_event)
{
    int fd;
    HANDLE h = disk_file(&fd, RW, NULL);
    HANDLE ev = CreateEventA(NULL, TRUE, TRUE, NULL); /* reset by the I/O */
    OVERLAPPED ov = {0};
    ov.Offset = 100;
    ov.hEvent = ev;
    SetLastError(0xdeadbeef);
    BOOL ok = WriteFile(h, "overlapped", 10, NULL, &ov);
    ck_assert(started(ok));
    ASSERT_WAIT(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    ck_assert(HasOverlappedIoCompleted(&ov));
    ck_assert_uint_eq(ov.Internal, 0);
    ck_assert_uint_eq(ov.InternalHigh, 10);
    DWORD n = 0;
    ck_assert(GetOverlappedResult(h, &ov, &n, FALSE));
    ck_assert_uint_eq(n, 10);
    char buf[16] = {0};
    ck_assert_int_eq(pread(fd, buf, 10, 100), 10);
    ck_assert_str_eq(buf, "overlapped");

    /* Read back at an offset, waiting in GetOverlappedResult. */
    memset(buf, 0, sizeof buf);
    OVERLAPPED ov2 = {0};
    ov2.Offset = 104;
    ov2.hEvent = ev;
    ck_assert(started(ReadFile(h, buf, 6, NULL, &ov2)));
    n = 0;
    ck_assert(GetOverlappedResult(h, &ov2, &n, TRUE));
    ck_assert_uint_eq(n, 6);
    ck_assert_str_eq(buf, "lapped");
    ck_assert(CloseHandle(ev));
    ck_assert(CloseHandle(h));
    close(fd);
}
END_TEST

START_TEST(test_disk_no_event_signals_file)
{
    int fd;
    HANDLE h = disk_file(&fd, RW, NULL);
    ck_assert_int_eq(pwrite(fd, "0123456789", 10, 0), 10);
    char buf[8] = {0};
    OVERLAPPED ov = {0};
    ov.Offset = 3;
    ck_assert(started(ReadFile(h, buf, 4, NULL, &ov)));
    /* No event: the file handle itself is signalled on completion. */
    ASSERT_WAIT(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    ck_assert(HasOverlappedIoCompleted(&ov));
    DWORD n = 0;
    ck_assert(GetOverlappedResult(h, &ov, &n, TRUE));
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(buf, "3456");

    /* At or past the end of the file: ERROR_HANDLE_EOF, STATUS_END_OF_FILE. */
    OVERLAPPED eof = {0};
    eof.Offset = 10;
    SetLastError(0xdeadbeef);
    BOOL ok = ReadFile(h, buf, 4, NULL, &eof);
    if (!ok && GetLastError() == ERROR_IO_PENDING)
        ASSERT_FAILS(GetOverlappedResult(h, &eof, &n, TRUE), ERROR_HANDLE_EOF);
    else
        ck_assert_uint_eq(GetLastError(), ERROR_HANDLE_EOF);
    ck_assert_uint_eq(eof.Internal, 0xC0000011u);
    ck_assert_uint_eq(eof.InternalHigh, 0);
    ASSERT_FAILS(GetOverlappedResult(h, &eof, &n, FALSE), ERROR_HANDLE_EOF);

    /* A zero-byte read at the end is a success. */
    ck_assert(started(ReadFile(h, buf, 0, NULL, &eof)));
    ck_assert(GetOverlappedResult(h, &eof, &n, TRUE));
    ck_assert_uint_eq(n, 0);
    ck_assert(CloseHandle(h));
    close(fd);
}
END_TEST

START_TEST(test_errors)
{
    int fd;
    HANDLE h = disk_file(&fd, GENERIC_READ | SYNCHRONIZE, NULL);
    char buf[4];
    OVERLAPPED ov = {0};
    DWORD n;
    /* An overlapped handle needs an OVERLAPPED. */
    ASSERT_FAILS(ReadFile(h, buf, 4, &n, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WriteFile(h, "x", 1, NULL, &ov), ERROR_ACCESS_DENIED);
    HANDLE sem = CreateSemaphoreA(NULL, 0, 1, NULL);
    ov.hEvent = sem; /* not an event */
    ASSERT_FAILS(ReadFile(h, buf, 4, NULL, &ov), ERROR_INVALID_HANDLE);
    ov.hEvent = NULL;
    ASSERT_FAILS(ReadFile(sem, buf, 4, NULL, &ov), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ReadFileEx(sem, buf, 4, &ov, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelIo(sem), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelIoEx(sem, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelIoEx(h, NULL), ERROR_NOT_FOUND);
    ASSERT_FAILS(CancelIoEx(h, &ov), ERROR_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert(CancelIo(h)); /* nothing to cancel is still a success */
    ck_assert(CloseHandle(sem));
    ck_assert(CloseHandle(h));
    close(fd);
}
END_TEST

START_TEST(test_pending_and_incomplete)
{
    HANDLE w;
    HANDLE h = pipe_reader(&w);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    char buf[16] = {0};
    OVERLAPPED ov = {0};
    ov.hEvent = ev;
    /* Nothing written yet: the read cannot have finished. */
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    ck_assert(!HasOverlappedIoCompleted(&ov));
    ck_assert_uint_eq(ov.Internal, STATUS_PENDING);
    DWORD n = 0xcccccccc;
    ASSERT_FAILS(GetOverlappedResult(h, &ov, &n, FALSE), ERROR_IO_INCOMPLETE);
    ASSERT_FAILS(GetOverlappedResultEx(h, &ov, &n, 0, FALSE), ERROR_IO_INCOMPLETE);
    ASSERT_FAILS(GetOverlappedResultEx(h, &ov, &n, 10, FALSE), WAIT_TIMEOUT);
    ck_assert_uint_eq(n, 0xcccccccc);
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT); /* file reset too */

    pipe_write(w, "data");
    ck_assert(GetOverlappedResult(h, &ov, &n, TRUE));
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(buf, "data");
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);

    /* The writer goes: the read fails at once with ERROR_BROKEN_PIPE, as
     * on Windows, moves no bytes and leaves the OVERLAPPED pending (as
     * Windows' ReadFile sets it before the call fails; Wine agrees). */
    ck_assert(CloseHandle(w));
    ck_assert(ResetEvent(ev));
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, NULL, &ov), ERROR_BROKEN_PIPE);
    ck_assert_uint_eq(ov.Internal, STATUS_PENDING);
    n = 5;
    ASSERT_FAILS(GetOverlappedResult(h, &ov, &n, FALSE), ERROR_IO_INCOMPLETE);
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    ck_assert(CloseHandle(ev));
    ck_assert(CloseHandle(h));
}
END_TEST

struct other_cancel {
    HANDLE h;
    BOOL ok;
};

static void *cancel_from_other_thread(void *arg)
{
    struct other_cancel *c = arg;
    c->ok = CancelIo(c->h);
    return NULL;
}

START_TEST(test_cancel)
{
    HANDLE w;
    HANDLE h = pipe_reader(&w);
    char buf[8];
    OVERLAPPED ov = {0}, ov2 = {0};
    DWORD n;
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);

    /* CancelIo only cancels the calling thread's I/O. */
    struct other_cancel c = {h, FALSE};
    pthread_t th;
    pthread_create(&th, NULL, cancel_from_other_thread, &c);
    pthread_join(th, NULL);
    ck_assert(c.ok);
    ck_assert(!HasOverlappedIoCompleted(&ov));

    /* CancelIoEx with the OVERLAPPED: that one only. */
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, NULL, &ov2), ERROR_IO_PENDING);
    SetLastError(0xdeadbeef);
    ck_assert(CancelIoEx(h, &ov));
    ASSERT_FAILS(GetOverlappedResult(h, &ov, &n, TRUE), ERROR_OPERATION_ABORTED);
    ck_assert_uint_eq(ov.Internal, 0xC0000120u); /* STATUS_CANCELLED */
    ck_assert_uint_eq(n, 0);
    ck_assert(!HasOverlappedIoCompleted(&ov2));
    ASSERT_FAILS(CancelIoEx(h, &ov), ERROR_NOT_FOUND);

    /* CancelIo from the issuing thread. */
    ck_assert(CancelIo(h));
    ASSERT_FAILS(GetOverlappedResult(h, &ov2, &n, TRUE), ERROR_OPERATION_ABORTED);
    ASSERT_FAILS(CancelIoEx(h, NULL), ERROR_NOT_FOUND);

    /* The pipe still works afterwards: nothing was consumed. */
    pipe_write(w, "ok");
    ck_assert(started(ReadFile(h, buf, sizeof buf, NULL, &ov)));
    ck_assert(GetOverlappedResult(h, &ov, &n, TRUE));
    ck_assert_uint_eq(n, 2);
    ck_assert(CloseHandle(w));
    ck_assert(CloseHandle(h));
}
END_TEST

START_TEST(test_close_cancels)
{
    HANDLE w;
    HANDLE h = pipe_reader(&w);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    char buf[8];
    OVERLAPPED ov = {0};
    ov.hEvent = ev;
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    /* The last handle goes: its pending read is cancelled. */
    ck_assert(CloseHandle(h));
    ASSERT_WAIT(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(ov.Internal, 0xC0000120u);
    ck_assert(CloseHandle(w));
    ck_assert(CloseHandle(ev));
}
END_TEST

static int routine_calls;
static DWORD routine_err, routine_bytes;
static LPOVERLAPPED routine_ov;
static pthread_t routine_thread;

static void WINAPI routine(DWORD err, DWORD bytes, LPOVERLAPPED ov)
{
    routine_calls++;
    routine_err = err;
    routine_bytes = bytes;
    routine_ov = ov;
    routine_thread = pthread_self();
}

START_TEST(test_completion_routines)
{
    int fd;
    char path[64];
    HANDLE h = disk_file(&fd, RW, path);
    OVERLAPPED ov = {0};
    ov.Offset = 2;
    ov.hEvent = (HANDLE)0x1234; /* free for the caller's use with Ex */
    routine_calls = 0;
    SetLastError(0xdeadbeef);
    ck_assert(WriteFileEx(h, "abcdef", 6, &ov, routine));
    /* Routines run only in an alertable wait of the issuing thread. */
    ASSERT_WAIT(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(routine_calls, 0);
    ASSERT_WAIT(SleepEx(10000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(routine_calls, 1);
    ck_assert_uint_eq(routine_err, 0);
    ck_assert_uint_eq(routine_bytes, 6);
    ck_assert_ptr_eq(routine_ov, &ov);
    ck_assert(pthread_equal(routine_thread, pthread_self()));
    char buf[8] = {0};
    ck_assert_int_eq(pread(fd, buf, 6, 2), 6);
    ck_assert_str_eq(buf, "abcdef");

    /* A read that fails at once (past the end of a disk file) fails the
     * call and queues no routine. */
    OVERLAPPED eof = {0};
    eof.Offset = 1000;
    ASSERT_FAILS(ReadFileEx(h, buf, 4, &eof, routine), ERROR_HANDLE_EOF);
    ck_assert_uint_eq(eof.Internal, 0xC0000011u);
    ASSERT_WAIT(SleepEx(0, TRUE), 0);
    ck_assert_int_eq(routine_calls, 1);
    routine_calls = 2; /* keep the counts below */

    /* On a synchronous handle too (as Windows does), at the offset. */
    HANDLE sync = CreateFileA(path, RW, SHARE_RW, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(sync, INVALID_HANDLE_VALUE);
    OVERLAPPED at3 = {0};
    at3.Offset = 3;
    memset(buf, 0, sizeof buf);
    ck_assert(ReadFileEx(sync, buf, 2, &at3, routine));
    ASSERT_WAIT(SleepEx(10000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(routine_calls, 3);
    ck_assert_uint_eq(routine_bytes, 2);
    ck_assert_str_eq(buf, "bc");
    ck_assert(CloseHandle(sync));

    /* Errors. */
    ASSERT_FAILS(ReadFileEx(h, buf, 4, NULL, routine), ERROR_INVALID_PARAMETER);
    HANDLE ro = CreateFileA(path, GENERIC_READ, SHARE_RW, NULL, OPEN_EXISTING,
                            FILE_FLAG_OVERLAPPED, NULL);
    ck_assert_ptr_ne(ro, INVALID_HANDLE_VALUE);
    unlink(path);
    ASSERT_FAILS(WriteFileEx(ro, buf, 4, &at3, routine), ERROR_ACCESS_DENIED);
    ck_assert(CloseHandle(ro));
    ck_assert(CloseHandle(h));
    close(fd);
}
END_TEST

START_TEST(test_cancelled_routine)
{
    HANDLE w;
    HANDLE h = pipe_reader(&w);
    char buf[8];
    OVERLAPPED ov = {0};
    routine_calls = 0;
    ck_assert(ReadFileEx(h, buf, sizeof buf, &ov, routine));
    ck_assert(CancelIoEx(h, &ov));
    ASSERT_WAIT(SleepEx(10000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(routine_calls, 1);
    ck_assert_uint_eq(routine_err, ERROR_OPERATION_ABORTED);
    ck_assert(CloseHandle(w));
    ck_assert(CloseHandle(h));
}
END_TEST

START_TEST(test_synchronous_handle_with_overlapped)
{
    char path[] = "/tmp/winshim-check-ov-XXXXXX";
    int fd = mkostemp(path, O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    HANDLE h = CreateFileA(path, RW, SHARE_RW, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    unlink(path);
    OVERLAPPED ov = {0};
    ov.Offset = 5;
    DWORD n = 0;
    /* Completes before returning; the OVERLAPPED holds the result. */
    ck_assert(WriteFile(h, "sync", 4, &n, &ov));
    ck_assert_uint_eq(n, 4);
    ck_assert(HasOverlappedIoCompleted(&ov));
    n = 0;
    ck_assert(GetOverlappedResult(h, &ov, &n, FALSE));
    ck_assert_uint_eq(n, 4);
    char buf[8] = {0};
    ck_assert_int_eq(pread(fd, buf, 4, 5), 4);
    ck_assert_str_eq(buf, "sync");
    ASSERT_FAILS(CancelIoEx(h, NULL), ERROR_NOT_FOUND);
    ck_assert(CloseHandle(h));
    close(fd);
}
END_TEST

/* Many transfers in flight at once on one file, each at its own offset. */
START_TEST(test_many_in_flight)
{
    enum { N = 32, BLK = 512 };
    int fd;
    HANDLE h = disk_file(&fd, RW, NULL);
    static char data[N][BLK], back[N][BLK];
    static OVERLAPPED ov[N];
    HANDLE ev[N];
    for (int i = 0; i < N; i++) {
        memset(data[i], 'a' + i % 26, BLK);
        memset(&ov[i], 0, sizeof ov[i]);
        ov[i].Offset = i * BLK;
        ov[i].hEvent = ev[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
        ck_assert(started(WriteFile(h, data[i], BLK, NULL, &ov[i])));
    }
    for (int i = 0; i < N; i++) {
        DWORD n;
        ck_assert(GetOverlappedResult(h, &ov[i], &n, TRUE));
        ck_assert_uint_eq(n, BLK);
    }
    for (int i = 0; i < N; i++)
        ck_assert(started(ReadFile(h, back[i], BLK, NULL, &ov[i])));
    ASSERT_WAIT(WaitForMultipleObjects(N, ev, TRUE, 10000), WAIT_OBJECT_0);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(memcmp(data[i], back[i], BLK), 0);
        ck_assert(CloseHandle(ev[i]));
    }
    ck_assert(CloseHandle(h));
    close(fd);
}
END_TEST

static Suite *overlapped_suite(void)
{
    Suite *s = suite_create("overlapped");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_disk_event);
    tcase_add_test(tc, test_disk_no_event_signals_file);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_pending_and_incomplete);
    tcase_add_test(tc, test_cancel);
    tcase_add_test(tc, test_close_cancels);
    tcase_add_test(tc, test_completion_routines);
    tcase_add_test(tc, test_cancelled_routine);
    tcase_add_test(tc, test_synchronous_handle_with_overlapped);
    tcase_add_test(tc, test_many_in_flight);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(overlapped_suite)
