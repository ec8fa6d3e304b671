/* File objects: standard handles, ReadFile/WriteFile dispatch, waits,
 * shared file pointers, GetFileType, FlushFileBuffers. */
#define _GNU_SOURCE
#include "testutil.h"
#include "xproc.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
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


/* ---- file handles in other processes ---- */

static char xdir[64];

/* A scratch directory of this test (its own fork), as the current one. */
static void xdir_enter(void)
{
    strcpy(xdir, "/tmp/winshim-check-file-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(xdir));
    ck_assert_int_eq(chdir(xdir), 0);
}

static void xdir_leave(const char *file)
{
    unlink(file);
    ck_assert_int_eq(chdir("/"), 0);
    rmdir(xdir);
}

static DWORD file_pos(HANDLE h)
{
    return SetFilePointer(h, 0, NULL, FILE_CURRENT);
}

static int child_disk_io(struct xproc *x)
{
    HANDLE h, ro;
    char buf[8] = {0}, step;
    DWORD n = 0;
    if (!child_get(x, &h, sizeof h) || !child_get(x, &ro, sizeof ro))
        return 1;
    /* The parent left the pointer at 2: one file pointer for both. */
    if (file_pos(h) != 2)
        return 2;
    SetLastError(0xdeadbeef);
    if (!ReadFile(h, buf, 3, &n, NULL) || n != 3 || memcmp(buf, "234", 3) ||
        GetLastError() != 0xdeadbeef)
        return 3;
    if (!WriteFile(h, "AB", 2, &n, NULL) || n != 2)
        return 4;
    if (GetFileType(h) != FILE_TYPE_DISK || !FlushFileBuffers(h))
        return 5;
    /* The access of the duplicate is enforced here too. */
    SetLastError(0xdeadbeef);
    if (WriteFile(ro, "x", 1, &n, NULL) || GetLastError() != ERROR_ACCESS_DENIED)
        return 6;
    if (!ReadFile(ro, buf, 1, &n, NULL) || n != 1 || buf[0] != '7')
        return 7;
    if (!child_put(x, "1", 1) || !child_get(x, &step, 1))
        return 8;
    /* The parent moved the pointer to 1. */
    if (!ReadFile(h, buf, 1, &n, NULL) || n != 1 || buf[0] != '1')
        return 9;
    if (!CloseHandle(h) || !CloseHandle(ro))
        return 10;
    SetLastError(0xdeadbeef);
    if (ReadFile(h, buf, 1, &n, NULL) || GetLastError() != ERROR_INVALID_HANDLE)
        return 11;
    if (!child_put(x, "2", 1))
        return 12;
    return 0;
}

START_TEST(test_disk_file_in_other_process)
{
    xdir_enter();
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
                           CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    ck_assert_uint_eq(SetFilePointer(h, 2, NULL, FILE_BEGIN), 2);
    ASSERT_FAILS(CreateFileA("data", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_SHARING_VIOLATION);
    struct xproc x;
    xproc_start(&x, child_disk_io);
    xproc_give(&x, h, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, h, GENERIC_READ, 0);
    char step, buf[16] = {0};
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    /* The child read 3 and wrote 2 at the shared pointer, and read 1
     * through its read-only duplicate (the same file object). */
    ck_assert_uint_eq(file_pos(h), 8);
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    ck_assert(ReadFile(h, buf, 10, &n, NULL));
    ck_assert_uint_eq(n, 10);
    ck_assert_str_eq(buf, "01234AB789");
    ck_assert_uint_eq(SetFilePointer(h, 1, NULL, FILE_BEGIN), 1);
    xproc_send(x.to_child[1], "s", 1);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    ck_assert_uint_eq(file_pos(h), 2);
    ck_assert_int_eq(xproc_wait(&x), 0);
    /* The share mode (FILE_SHARE_READ only) still holds after the child
     * had its copy and let go of it. */
    ASSERT_FAILS(CreateFileA("data", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_SHARING_VIOLATION);
    ck_assert(CloseHandle(h));
    xdir_leave("data");
}
END_TEST

/* The opener: makes the file, gives a handle to the parent, waits. */
static int child_opener(struct xproc *x)
{
    HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, getppid());
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    HANDLE theirs = NULL, unused = NULL;
    DWORD n;
    char step;
    if (!parent || h == INVALID_HANDLE_VALUE || !WriteFile(h, "hello", 5, &n, NULL))
        return 1;
    if (!DuplicateHandle(GetCurrentProcess(), h, parent, &theirs, 0, FALSE,
                         DUPLICATE_SAME_ACCESS) ||
        !DuplicateHandle(GetCurrentProcess(), h, parent, &unused, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        return 2;
    if (!child_put(x, &theirs, sizeof theirs) || !child_put(x, &unused, sizeof unused))
        return 3;
    if (!child_get(x, &step, 1))
        return 4;
    return 0; /* exits with its handles open: the reaper closes them */
}

static int child_late_user(struct xproc *x)
{
    HANDLE h;
    DWORD n;
    if (!child_get(x, &h, sizeof h))
        return 1;
    if (!WriteFile(h, " world", 6, &n, NULL) || n != 6)
        return 2;
    return 0;
}

START_TEST(test_opener_exits)
{
    xdir_enter();
    struct xproc o;
    xproc_start(&o, child_opener);
    HANDLE h, unused;
    ck_assert_msg(xproc_recv(o.to_parent[0], &h, sizeof h), "opener: %d", xproc_wait(&o));
    ck_assert(xproc_recv(o.to_parent[0], &unused, sizeof unused));
    /* First use while the opener lives: this process becomes a holder. */
    DWORD n;
    char buf[16] = {0};
    ck_assert_uint_eq(file_pos(h), 5);
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    ck_assert(ReadFile(h, buf, 2, &n, NULL));
    ck_assert_str_eq(buf, "he");
    xproc_send(o.to_child[1], "x", 1);
    ck_assert_int_eq(xproc_wait(&o), 0);

    /* The opener is gone; the description lives on in this process. */
    ck_assert(ReadFile(h, buf, 3, &n, NULL));
    ck_assert_uint_eq(n, 3);
    ck_assert(!memcmp(buf, "llo", 3));
    /* And a third process takes its copy from this one. */
    struct xproc c;
    xproc_start(&c, child_late_user);
    xproc_give(&c, h, 0, DUPLICATE_SAME_ACCESS);
    ck_assert_int_eq(xproc_wait(&c), 0);
    ck_assert_uint_eq(file_pos(h), 11);
    memset(buf, 0, sizeof buf);
    ck_assert(ReadFile(h, buf, sizeof buf, &n, &(OVERLAPPED){0}));
    ck_assert_str_eq(buf, "hello world");
    /* Both handles name one file object: the second one works too, as its
     * fd is this process's already. */
    ck_assert(ReadFile(unused, buf, 1, &n, &(OVERLAPPED){.Offset = 4}));
    ck_assert_int_eq(buf[0], 'o');
    ck_assert(CloseHandle(unused));
    ck_assert(CloseHandle(h));
    /* The last handle anywhere went: the share mode (none) is gone too. */
    HANDLE again = CreateFileA("data", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(again, INVALID_HANDLE_VALUE);
    CloseHandle(again);
    xdir_leave("data");
}
END_TEST

/* A handle duplicated into a process that had not used it when every
 * other holder had gone (here: the opener exited) works there: the fd
 * came with the handle (holders.c, inboxes), as Windows keeps the object
 * while any handle exists. */
static int child_give_and_exit(struct xproc *x)
{
    HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, getppid());
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    HANDLE theirs[2] = {NULL, NULL};
    DWORD n;
    if (!parent)
        return 1;
    if (h == INVALID_HANDLE_VALUE)
        return 40 + (int)GetLastError();
    if (!WriteFile(h, "abc", 3, &n, NULL))
        return 2;
    if (!DuplicateHandle(GetCurrentProcess(), h, parent, &theirs[0], 0, FALSE,
                         DUPLICATE_SAME_ACCESS) ||
        !DuplicateHandle(GetCurrentProcess(), h, parent, &theirs[1], GENERIC_READ, FALSE, 0))
        return 20 + (int)GetLastError();
    if (!child_put(x, theirs, sizeof theirs))
        return 3;
    return 0;
}

START_TEST(test_no_holder_left)
{
    xdir_enter();
    struct xproc o;
    xproc_start(&o, child_give_and_exit);
    HANDLE h[2];
    ck_assert_msg(xproc_recv(o.to_parent[0], h, sizeof h), "opener: %d", xproc_wait(&o));
    ck_assert_int_eq(xproc_wait(&o), 0);
    DWORD n = 7;
    ck_assert(WriteFile(h[0], "d", 1, &n, NULL)); /* at the opener's pointer */
    ck_assert_uint_eq(n, 1);
    char buf[8] = {0};
    ck_assert(ReadFile(h[1], buf, sizeof buf, &n, &(OVERLAPPED){0}));
    ck_assert_str_eq(buf, "abcd");
    ASSERT_FAILS(WriteFile(h[1], "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    ck_assert(CloseHandle(h[0]));
    ck_assert(CloseHandle(h[1]));
    xdir_leave("data");
}
END_TEST

/* The empty-inbox hint (holders.c): the receiver's drains skip the socket
 * while nothing was given.  Gifts interleaved with the receiver's own
 * CloseHandles (each a drain that may skip) still all arrive: each round
 * the child opens a file, gives a handle to the parent and waits; the
 * parent closes an unrelated file (a drain) and acknowledges; at the end
 * the child exits, so the parent's handles work only through the fds its
 * inbox got. */
#define GIFT_ROUNDS 12
static int child_give_rounds(struct xproc *x)
{
    HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, getppid());
    if (!parent)
        return 1;
    HANDLE theirs[GIFT_ROUNDS];
    for (int i = 0; i < GIFT_ROUNDS; i++) {
        char name[16], ack;
        snprintf(name, sizeof name, "gift%d", i);
        HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                               FILE_ATTRIBUTE_NORMAL, NULL);
        DWORD n;
        if (h == INVALID_HANDLE_VALUE || !WriteFile(h, name, (DWORD)strlen(name), &n, NULL))
            return 2;
        if (!DuplicateHandle(GetCurrentProcess(), h, parent, &theirs[i], 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE))
            return 3;
        if (!child_put(x, &theirs[i], sizeof theirs[i]) || !child_get(x, &ack, 1))
            return 4;
    }
    return 0;
}

START_TEST(test_gifts_between_drains)
{
    xdir_enter();
    struct xproc o;
    xproc_start(&o, child_give_rounds);
    HANDLE h[GIFT_ROUNDS];
    for (int i = 0; i < GIFT_ROUNDS; i++) {
        ck_assert_msg(xproc_recv(o.to_parent[0], &h[i], sizeof h[i]), "child: %d",
                      xproc_wait(&o));
        /* A drain here: before the gift's datagram (round 0 and every
         * other) or after it; either way the fd must not be missed. */
        if (i % 2 == 0) {
            HANDLE t = CreateFileA("other", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
            ck_assert_ptr_ne(t, INVALID_HANDLE_VALUE);
            ck_assert(CloseHandle(t));
        }
        xproc_send(o.to_child[1], "k", 1);
    }
    ck_assert_int_eq(xproc_wait(&o), 0);
    for (int i = 0; i < GIFT_ROUNDS; i++) {
        char want[16], buf[16] = {0};
        DWORD n;
        snprintf(want, sizeof want, "gift%d", i);
        ck_assert(ReadFile(h[i], buf, sizeof buf - 1, &n, &(OVERLAPPED){0}));
        ck_assert_str_eq(buf, want);
        ck_assert(CloseHandle(h[i]));
        ck_assert(DeleteFileA(want));
    }
    ck_assert(DeleteFileA("other"));
    xdir_leave("other");
}
END_TEST

/* DUPLICATE_CLOSE_SOURCE from another process: the parent takes the
 * child's handle away and uses the file. */
static int child_handle_taken(struct xproc *x)
{
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD n;
    char step;
    if (h == INVALID_HANDLE_VALUE || !WriteFile(h, "abc", 3, &n, NULL))
        return 1;
    if (!child_put(x, &h, sizeof h) || !child_get(x, &step, 1))
        return 2;
    SetLastError(0xdeadbeef);
    if (CloseHandle(h) || GetLastError() != ERROR_INVALID_HANDLE)
        return 3;
    return 0;
}

START_TEST(test_close_source_from_other_process)
{
    xdir_enter();
    struct xproc x;
    xproc_start(&x, child_handle_taken);
    HANDLE theirs, mine = NULL;
    ck_assert(xproc_recv(x.to_parent[0], &theirs, sizeof theirs));
    ck_assert_msg(DuplicateHandle(x.proc, theirs, GetCurrentProcess(), &mine, 0, FALSE,
                                  DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                  "DuplicateHandle: %lu", (unsigned long)GetLastError());
    DWORD n;
    ck_assert(WriteFile(mine, "def", 3, &n, NULL)); /* at the child's pointer */
    ck_assert_uint_eq(file_pos(mine), 6);
    xproc_send(x.to_child[1], "s", 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    char buf[8] = {0};
    ck_assert(ReadFile(mine, buf, 6, &n, &(OVERLAPPED){0}));
    ck_assert_str_eq(buf, "abcdef");
    ck_assert(CloseHandle(mine));
    xdir_leave("data");
}
END_TEST

/* ---- the file pointer after positioned transfers (issue 19) ----
 *
 * A synchronous ReadFile/WriteFile with an OVERLAPPED offset leaves the
 * file pointer after the bytes moved.  winshim keeps that pointer in the
 * shared object until something uses it: every handle of the object (a
 * duplicate here, in another process, an inherited one) must see it. */

static DWORD read_byte(HANDLE h, char *c)
{
    DWORD n = 0;
    return ReadFile(h, c, 1, &n, NULL) && n == 1;
}

START_TEST(test_positioned_pointer_dup)
{
    xdir_enter();
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    char buf[8] = {0}, c;
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    ck_assert(ReadFile(h, buf, 2, &n, &(OVERLAPPED){.Offset = 5}));
    ck_assert_uint_eq(n, 2);
    ck_assert(!memcmp(buf, "56", 2));
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert_uint_eq(file_pos(d), 7);
    ck_assert(read_byte(d, &c));
    ck_assert_int_eq(c, '7');
    ck_assert_uint_eq(file_pos(h), 8);
    /* A positioned write, then a read at the pointer through the other. */
    ck_assert(WriteFile(h, "W", 1, &n, &(OVERLAPPED){.Offset = 1}));
    ck_assert(read_byte(d, &c));
    ck_assert_int_eq(c, '2');
    /* Two positioned transfers in a row: the last one's end counts. */
    ck_assert(ReadFile(d, buf, 1, &n, &(OVERLAPPED){.Offset = 8}));
    ck_assert(ReadFile(h, buf, 3, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(!memcmp(buf, "0W2", 3));
    ck_assert(WriteFile(d, "X", 1, &n, NULL)); /* at 3 */
    ck_assert(ReadFile(h, buf, 4, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(!memcmp(buf, "0W2X", 4));
    /* SetFilePointer(FILE_CURRENT) and SetEndOfFile see it too. */
    ck_assert(ReadFile(h, buf, 2, &n, &(OVERLAPPED){.Offset = 6}));
    ck_assert(SetEndOfFile(d));
    ck_assert_uint_eq(GetFileSize(h, NULL), 8);
    /* The fd's offset (what a child or the C library would use). */
    ck_assert(ReadFile(h, buf, 1, &n, &(OVERLAPPED){.Offset = 2}));
    ck_assert(CloseHandle(h));
    ck_assert_uint_eq(file_pos(d), 3);
    ck_assert(CloseHandle(d));
    xdir_leave("data");
}
END_TEST

static int child_positioned(struct xproc *x)
{
    HANDLE h;
    char buf[4], c, step;
    DWORD n;
    if (!child_get(x, &h, sizeof h))
        return 1;
    /* The parent's positioned read of 2 bytes at 4 left the pointer at 6. */
    if (file_pos(h) != 6)
        return 2;
    if (!read_byte(h, &c) || c != '6')
        return 3;
    /* Now a positioned transfer here: the parent's pointer moves. */
    if (!ReadFile(h, buf, 3, &n, &(OVERLAPPED){.Offset = 1}) || n != 3)
        return 4;
    if (!child_put(x, "1", 1) || !child_get(x, &step, 1))
        return 5;
    /* The parent's positioned write of 1 byte at 8. */
    if (!read_byte(h, &c) || c != '9')
        return 6;
    if (!CloseHandle(h))
        return 7;
    return child_put(x, "2", 1) ? 0 : 8;
}

START_TEST(test_positioned_pointer_other_process)
{
    xdir_enter();
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    char buf[4], step, c;
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    ck_assert(ReadFile(h, buf, 2, &n, &(OVERLAPPED){.Offset = 4}));
    struct xproc x;
    xproc_start(&x, child_positioned);
    xproc_give(&x, h, 0, DUPLICATE_SAME_ACCESS);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    ck_assert_uint_eq(file_pos(h), 4);
    ck_assert(read_byte(h, &c));
    ck_assert_int_eq(c, '4');
    ck_assert(WriteFile(h, "8", 1, &n, &(OVERLAPPED){.Offset = 8}));
    xproc_send(x.to_child[1], "s", 1);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    ck_assert_int_eq(xproc_wait(&x), 0);
    ck_assert_uint_eq(file_pos(h), 10);
    ck_assert(CloseHandle(h));
    xdir_leave("data");
}
END_TEST

/* "--child pointer <handle>": an inherited handle after the parent's
 * positioned read of 3 bytes at 2. */
static int child_main(int argc, char **argv, int k)
{
    if (k + 2 >= argc || strcmp(argv[k + 1], "pointer"))
        return 99;
    HANDLE h = (HANDLE)(uintptr_t)strtoull(argv[k + 2], NULL, 16);
    char c, buf[2];
    DWORD n;
    if (file_pos(h) != 5)
        return 10;
    if (!read_byte(h, &c) || c != '5')
        return 11;
    if (!ReadFile(h, buf, 2, &n, &(OVERLAPPED){.Offset = 7}) || n != 2)
        return 12;
    return 0;
}

START_TEST(test_positioned_pointer_inherited)
{
    xdir_enter();
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE h = CreateFileA("data", GENERIC_READ | GENERIC_WRITE, 0, &sa, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    DWORD n;
    char buf[4];
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    ck_assert(ReadFile(h, buf, 3, &n, &(OVERLAPPED){.Offset = 2}));
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(len, 0);
    self[len] = 0;
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "\"%s\" --child pointer %llx", self,
             (unsigned long long)(uintptr_t)h);
    STARTUPINFOA si = {.cb = sizeof si};
    PROCESS_INFORMATION pi;
    ck_assert_msg(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi),
                  "CreateProcess: %lu", (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    DWORD code = 1;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    /* The child's positioned read of 2 at 7. */
    ck_assert_uint_eq(file_pos(h), 9);
    ck_assert(CloseHandle(h));
    xdir_leave("data");
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
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_disk_file_in_other_process);
    tcase_add_test(tc, test_opener_exits);
    tcase_add_test(tc, test_no_holder_left);
    tcase_add_test(tc, test_gifts_between_drains);
    tcase_add_test(tc, test_close_source_from_other_process);
    tcase_add_test(tc, test_positioned_pointer_dup);
    tcase_add_test(tc, test_positioned_pointer_other_process);
    tcase_add_test(tc, test_positioned_pointer_inherited);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN_WITH_CHILD(file_suite, child_main)
