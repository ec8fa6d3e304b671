/* Pipes: CreatePipe and PeekNamedPipe, end-of-pipe errors, access of each
 * end, sizes, a writer thread, ends duplicated into another process. */
#include "testutil.h"
#include "xproc.h"

#include <string.h>
#include <unistd.h>

START_TEST(test_create_read_write)
{
    HANDLE r, w;
    char buf[16];
    DWORD n = 0;
    SetLastError(0xdeadbeef);
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ASSERT_LAST_ERROR(0xdeadbeef); /* success leaves the last error alone */
    ck_assert_uint_eq(GetFileType(r), FILE_TYPE_PIPE);
    ck_assert_uint_eq(GetFileType(w), FILE_TYPE_PIPE);
    ck_assert(WriteFile(w, "hello", 5, &n, NULL));
    ck_assert_uint_eq(n, 5);
    n = 0;
    ck_assert(ReadFile(r, buf, 3, &n, NULL));
    ck_assert_uint_eq(n, 3);
    ck_assert(memcmp(buf, "hel", 3) == 0);
    ck_assert(ReadFile(r, buf, sizeof(buf), &n, NULL));
    ck_assert_uint_eq(n, 2);
    ck_assert(memcmp(buf, "lo", 2) == 0);
    /* A zero-byte write succeeds while the reader is there. */
    ck_assert(WriteFile(w, "", 0, &n, NULL));
    ck_assert_uint_eq(n, 0);
    /* A pipe end is waitable (synchronous handles are always signalled). */
    ASSERT_WAIT(WaitForSingleObject(r, 0), WAIT_OBJECT_0);
    ck_assert(CloseHandle(r));
    ck_assert(CloseHandle(w));
}
END_TEST

START_TEST(test_wrong_end)
{
    HANDLE r, w;
    char buf[4];
    DWORD n = 7;
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ASSERT_FAILS(WriteFile(r, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(n, 0);
    ASSERT_FAILS(ReadFile(w, buf, 1, &n, NULL), ERROR_ACCESS_DENIED);
    DWORD avail;
    ASSERT_FAILS(PeekNamedPipe(w, NULL, 0, NULL, &avail, NULL), ERROR_ACCESS_DENIED);
    CloseHandle(r);
    CloseHandle(w);
}
END_TEST

/* The write end duplicated with MAXIMUM_ALLOWED has read access, but a
 * read of it still fails: also a zero-byte read, which used to wait for
 * data that can never come (found by fuzz/api_fuzz.c). */
START_TEST(test_zero_read_of_write_end)
{
    HANDLE r, w, wr;
    char buf[4];
    DWORD n = 7;
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ck_assert(DuplicateHandle(GetCurrentProcess(), w, GetCurrentProcess(), &wr, MAXIMUM_ALLOWED,
                              FALSE, 0));
    SetLastError(0xdeadbeef);
    ck_assert(!ReadFile(wr, buf, 1, &n, NULL));
    DWORD err = GetLastError();
    ck_assert_uint_ne(err, 0xdeadbeef);
    alarm(20); /* the defect was a hang */
    ASSERT_FAILS(ReadFile(wr, buf, 0, &n, NULL), err);
    alarm(0);
    ck_assert(WriteFile(wr, "x", 1, &n, NULL) && n == 1);
    CloseHandle(wr);
    CloseHandle(r);
    CloseHandle(w);
}
END_TEST

START_TEST(test_broken_pipe)
{
    HANDLE r, w;
    char buf[16];
    DWORD n = 0, avail = 99;
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ck_assert(WriteFile(w, "abc", 3, &n, NULL));
    ck_assert(CloseHandle(w));
    /* What was written before the writer went is still read... */
    ck_assert(ReadFile(r, buf, sizeof(buf), &n, NULL));
    ck_assert_uint_eq(n, 3);
    /* ...then the end of the pipe is ERROR_BROKEN_PIPE, also for peeks
     * and zero-byte reads. */
    n = 5;
    ASSERT_FAILS(ReadFile(r, buf, sizeof(buf), &n, NULL), ERROR_BROKEN_PIPE);
    ck_assert_uint_eq(n, 0);
    ASSERT_FAILS(ReadFile(r, buf, 0, &n, NULL), ERROR_BROKEN_PIPE);
    ASSERT_FAILS(PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(r);

    /* Writing with no reader left: ERROR_NO_DATA, and no SIGPIPE kills us. */
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ck_assert(CloseHandle(r));
    ASSERT_FAILS(WriteFile(w, "x", 1, &n, NULL), ERROR_NO_DATA);
    ASSERT_FAILS(WriteFile(w, "x", 0, &n, NULL), ERROR_NO_DATA);
    CloseHandle(w);
}
END_TEST

START_TEST(test_peek)
{
    HANDLE r, w;
    char buf[16];
    DWORD n = 99, avail = 99, left = 99;
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ck_assert(PeekNamedPipe(r, NULL, 0, NULL, &avail, &left));
    ck_assert_uint_eq(avail, 0);
    ck_assert_uint_eq(left, 0);
    ck_assert(PeekNamedPipe(r, buf, sizeof(buf), &n, &avail, NULL));
    ck_assert_uint_eq(n, 0);
    ck_assert(WriteFile(w, "hello", 5, &n, NULL));
    memset(buf, 0, sizeof(buf));
    ck_assert(PeekNamedPipe(r, buf, 3, &n, &avail, &left));
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(avail, 5);
    ck_assert_uint_eq(left, 0); /* byte mode */
    ck_assert(memcmp(buf, "hel", 3) == 0);
    /* A peek consumes nothing: a second one and the read see it all. */
    ck_assert(PeekNamedPipe(r, buf, sizeof(buf), &n, &avail, NULL));
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    ck_assert(ReadFile(r, buf, sizeof(buf), &n, NULL));
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    /* Every out parameter is optional. */
    ck_assert(PeekNamedPipe(r, NULL, 0, NULL, NULL, NULL));
    CloseHandle(r);
    CloseHandle(w);
}
END_TEST

START_TEST(test_errors)
{
    HANDLE r, w;
    DWORD avail;
    ASSERT_FAILS(PeekNamedPipe(NULL, NULL, 0, NULL, &avail, NULL), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(PeekNamedPipe(e, NULL, 0, NULL, &avail, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(e);
    /* A file handle of another kind: a disk file on standard input (each
     * Check test runs in its own process). */
    char path[] = "/tmp/winshim-check-pipe-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(dup2(fd, 0), 0);
    close(fd);
    HANDLE disk = GetStdHandle(STD_INPUT_HANDLE);
    ck_assert_uint_eq(GetFileType(disk), FILE_TYPE_DISK);
    ASSERT_FAILS(PeekNamedPipe(disk, NULL, 0, NULL, &avail, NULL), ERROR_INVALID_FUNCTION);
    ASSERT_FAILS(CreatePipe(NULL, &w, NULL, 0), ERROR_NOACCESS);
    ASSERT_FAILS(CreatePipe(&r, NULL, NULL, 0), ERROR_NOACCESS);
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    CloseHandle(r);
    CloseHandle(w);
    ASSERT_FAILS(ReadFile(r, &avail, 1, &avail, NULL), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_inherit_flag)
{
    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
    HANDLE r, w;
    DWORD flags = 0;
    ck_assert(CreatePipe(&r, &w, &sa, 0));
    ck_assert(GetHandleInformation(r, &flags));
    ck_assert_uint_eq(flags & HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    ck_assert(GetHandleInformation(w, &flags));
    ck_assert_uint_eq(flags & HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    CloseHandle(r);
    CloseHandle(w);
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ck_assert(GetHandleInformation(r, &flags));
    ck_assert_uint_eq(flags & HANDLE_FLAG_INHERIT, 0);
    CloseHandle(r);
    CloseHandle(w);
}
END_TEST

/* nSize is a suggestion: a large buffer holds a large write without a
 * reader (Linux pipes may be larger than asked, never smaller here). */
START_TEST(test_size)
{
    HANDLE r, w;
    static char big[256 * 1024];
    DWORD n = 0, avail = 0;
    ck_assert(CreatePipe(&r, &w, NULL, sizeof(big)));
    memset(big, 'z', sizeof(big));
    ck_assert(WriteFile(w, big, sizeof(big), &n, NULL));
    ck_assert_uint_eq(n, sizeof(big));
    ck_assert(PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
    ck_assert_uint_eq(avail, sizeof(big));
    CloseHandle(r);
    CloseHandle(w);
}
END_TEST

struct writer_arg {
    HANDLE w;
    DWORD total;
};

static DWORD WINAPI writer(LPVOID p)
{
    struct writer_arg *a = p;
    char chunk[1000];
    for (DWORD i = 0; i < a->total / sizeof(chunk); i++) {
        memset(chunk, 'a' + (int)(i % 26), sizeof(chunk));
        DWORD n;
        if (!WriteFile(a->w, chunk, sizeof(chunk), &n, NULL) || n != sizeof(chunk))
            return 1;
    }
    CloseHandle(a->w);
    return 0;
}

/* A writer thread streams more than the pipe holds; the reader gets every
 * byte in order, then ERROR_BROKEN_PIPE. */
START_TEST(test_stream_thread)
{
    HANDLE r;
    struct writer_arg a = {NULL, 1000 * 1000};
    ck_assert(CreatePipe(&r, &a.w, NULL, 4096));
    HANDLE t = CreateThread(NULL, 0, writer, &a, 0, NULL);
    ck_assert_ptr_nonnull(t);
    DWORD got = 0, n;
    char buf[777];
    while (ReadFile(r, buf, sizeof(buf), &n, NULL)) {
        for (DWORD i = 0; i < n; i++)
            ck_assert_int_eq(buf[i], 'a' + (int)(((got + i) / 1000) % 26));
        got += n;
    }
    ASSERT_LAST_ERROR(ERROR_BROKEN_PIPE);
    ck_assert_uint_eq(got, a.total);
    ASSERT_WAIT(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(t);
    CloseHandle(r);
}
END_TEST

/* ---- an end in another process ---- */

static int child_pipe_writer(struct xproc *x)
{
    HANDLE w, r;
    DWORD n = 0;
    char buf[8] = {0}, step;
    if (!child_get(x, &w, sizeof w) || !child_get(x, &r, sizeof r))
        return 1;
    if (GetFileType(w) != FILE_TYPE_PIPE)
        return 2;
    if (!WriteFile(w, "from child", 10, &n, NULL) || n != 10)
        return 3;
    /* The wrong end is refused here as in the creator. */
    SetLastError(0xdeadbeef);
    if (WriteFile(r, "x", 1, &n, NULL) || GetLastError() != ERROR_ACCESS_DENIED)
        return 4;
    if (!child_put(x, "1", 1) || !child_get(x, &step, 1))
        return 5;
    /* The parent wrote "pong" and closed its write end: ours keeps the pipe. */
    if (!ReadFile(r, buf, 4, &n, NULL) || n != 4 || memcmp(buf, "pong", 4))
        return 6;
    /* Our last write handle goes now (not when we exit): the reader in the
     * parent then sees the end of the pipe while we still live. */
    if (!CloseHandle(w) || !CloseHandle(r))
        return 7;
    SetLastError(0xdeadbeef);
    if (WriteFile(w, "x", 1, &n, NULL) || GetLastError() != ERROR_INVALID_HANDLE)
        return 8;
    if (!child_put(x, "2", 1) || !child_get(x, &step, 1))
        return 9;
    return 0;
}

START_TEST(test_end_in_other_process)
{
    /* The pipe is made after the fork: a forked child would keep copies
     * of its fds that winshim knows nothing of (no end of pipe then). */
    struct xproc x;
    xproc_start(&x, child_pipe_writer);
    HANDLE r, w;
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    xproc_give(&x, w, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, r, 0, DUPLICATE_SAME_ACCESS);
    char step, buf[16] = {0};
    DWORD n = 0;
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    ck_assert(ReadFile(r, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 10);
    ck_assert(!memcmp(buf, "from child", 10));
    ck_assert(WriteFile(w, "pong", 4, &n, NULL));
    ck_assert(CloseHandle(w));
    xproc_send(x.to_child[1], "s", 1);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    /* Every write handle, in both processes, is closed. */
    ASSERT_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    xproc_send(x.to_child[1], "s", 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    CloseHandle(r);
}
END_TEST

/* The creator exits; the two ends live on in two other processes. */
static int child_pipe_creator(struct xproc *x)
{
    HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, getppid());
    HANDLE r, w, pr = NULL, pw = NULL;
    DWORD n;
    if (!parent || !CreatePipe(&r, &w, NULL, 0) || !WriteFile(w, "early", 5, &n, NULL))
        return 1;
    if (!DuplicateHandle(GetCurrentProcess(), r, parent, &pr, 0, FALSE,
                         DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE) ||
        !DuplicateHandle(GetCurrentProcess(), w, parent, &pw, 0, FALSE,
                         DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE))
        return 2;
    if (!child_put(x, &pr, sizeof pr) || !child_put(x, &pw, sizeof pw))
        return 3;
    char step;
    return child_get(x, &step, 1) ? 0 : 4;
}

START_TEST(test_creator_exits)
{
    struct xproc c;
    xproc_start(&c, child_pipe_creator);
    HANDLE r, w;
    ck_assert(xproc_recv(c.to_parent[0], &r, sizeof r));
    ck_assert(xproc_recv(c.to_parent[0], &w, sizeof w));
    char buf[16] = {0};
    DWORD n = 0;
    ck_assert(ReadFile(r, buf, 2, &n, NULL)); /* fetched while the creator lives */
    ck_assert(WriteFile(w, "!", 1, &n, NULL));
    xproc_send(c.to_child[1], "x", 1);
    ck_assert_int_eq(xproc_wait(&c), 0);
    ck_assert(ReadFile(r, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 4);
    ck_assert(!memcmp(buf, "rly!", 4));
    ck_assert(CloseHandle(w));
    ASSERT_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    ck_assert(CloseHandle(r));
}
END_TEST

static Suite *pipe_suite(void)
{
    Suite *s = suite_create("pipe");
    TCase *tc = tcase_create("anonymous");
    tcase_set_timeout(tc, 60); /* the cases with a second process */
    tcase_add_test(tc, test_create_read_write);
    tcase_add_test(tc, test_wrong_end);
    tcase_add_test(tc, test_zero_read_of_write_end);
    tcase_add_test(tc, test_broken_pipe);
    tcase_add_test(tc, test_peek);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_inherit_flag);
    tcase_add_test(tc, test_size);
    tcase_add_test(tc, test_end_in_other_process);
    tcase_add_test(tc, test_creator_exits);
    suite_add_tcase(s, tc);
    tc = tcase_create("concurrent");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_stream_thread);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(pipe_suite)
