/* Share modes and byte-range locks (filelock.c): within a process, between
 * handles, and across processes (a forked child). */
#include "fileutil.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>

struct share_case {
    DWORD access1, share1, access2, share2;
    DWORD expect; /* ERROR_SUCCESS or ERROR_SHARING_VIOLATION */
};

#define R GENERIC_READ
#define W GENERIC_WRITE
#define SR FILE_SHARE_READ
#define SW FILE_SHARE_WRITE
#define SD FILE_SHARE_DELETE

static const struct share_case share_cases[] = {
    {R, SR, R, SR, ERROR_SUCCESS},
    {R, SR, W, SR | SW, ERROR_SHARING_VIOLATION},  /* first denies writing */
    {R, SR | SW, W, SR | SW, ERROR_SUCCESS},
    {R, SR | SW, R, SR, ERROR_SUCCESS}, /* denying writing to no writer */
    {W, SR | SW, R, SR, ERROR_SHARING_VIOLATION},  /* second would deny first's write */
    {R, 0, R, SR | SW | SD, ERROR_SHARING_VIOLATION},
    {R | W, SR | SW | SD, R | W, SR | SW | SD, ERROR_SUCCESS},
    {DELETE, SR | SW | SD, R, SR | SW, ERROR_SHARING_VIOLATION}, /* second denies delete */
    {DELETE, SR | SW, R, SR | SW | SD, ERROR_SUCCESS},
    {R, SR, DELETE, SR | SW | SD, ERROR_SHARING_VIOLATION},
    /* An open that shares nothing conflicts with every data or delete
     * open, whichever access it has itself. */
    {R, 0, DELETE, SR | SW | SD, ERROR_SHARING_VIOLATION},
    {R, 0, W, SR | SW | SD, ERROR_SHARING_VIOLATION},
    {W, 0, R, SR | SW | SD, ERROR_SHARING_VIOLATION},
    {DELETE, 0, DELETE, SR | SW | SD, ERROR_SHARING_VIOLATION},
    {R | W, SR | SW | SD, R | W, 0, ERROR_SHARING_VIOLATION},
    /* Attribute-only opens take part in nothing. */
    {R, 0, FILE_READ_ATTRIBUTES, 0, ERROR_SUCCESS},
    {FILE_READ_ATTRIBUTES, 0, R | W, 0, ERROR_SUCCESS},
};

START_TEST(test_share_matrix)
{
    put_file("s.txt", "x");
    for (size_t i = 0; i < sizeof share_cases / sizeof share_cases[0]; i++) {
        const struct share_case *c = &share_cases[i];
        HANDLE a = CreateFileA("s.txt", c->access1, c->share1, NULL, OPEN_EXISTING, 0, NULL);
        ck_assert_msg(a != INVALID_HANDLE_VALUE, "case %zu: first open %lu", i,
                      (unsigned long)GetLastError());
        SetLastError(0xdeadbeef);
        HANDLE b = CreateFileA("s.txt", c->access2, c->share2, NULL, OPEN_EXISTING, 0, NULL);
        if (c->expect) {
            ck_assert_msg(b == INVALID_HANDLE_VALUE, "case %zu: second open succeeded", i);
            ck_assert_msg(GetLastError() == c->expect, "case %zu: last error %lu", i,
                          (unsigned long)GetLastError());
        } else {
            ck_assert_msg(b != INVALID_HANDLE_VALUE, "case %zu: second open failed: %lu", i,
                          (unsigned long)GetLastError());
            CloseHandle(b);
        }
        CloseHandle(a);
    }
}
END_TEST

START_TEST(test_share_lifetime)
{
    put_file("s.txt", "x");
    HANDLE a = CreateFileA("s.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    HANDLE dup;
    ck_assert(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &dup, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(CloseHandle(a));
    /* The duplicate keeps the file object, and its share mode, alive. */
    ASSERT_FAILS(CreateFileA("s.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0,
                             NULL) != INVALID_HANDLE_VALUE,
                 ERROR_SHARING_VIOLATION);
    /* Nor may a truncating open cut the file under it. */
    ASSERT_FAILS(CreateFileA("s.txt", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             CREATE_ALWAYS, 0, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_SHARING_VIOLATION);
    struct stat st;
    ck_assert_int_eq(stat("s.txt", &st), 0);
    ck_assert_int_eq(st.st_size, 1);
    ck_assert(CloseHandle(dup));
    HANDLE b = CreateFileA("s.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(b, INVALID_HANDLE_VALUE);
    CloseHandle(b);
}
END_TEST

START_TEST(test_share_delete_rename)
{
    put_file("s.txt", "x");
    HANDLE a = CreateFileA("s.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ASSERT_FAILS(DeleteFileA("s.txt"), ERROR_SHARING_VIOLATION);
    ASSERT_FAILS(MoveFileA("s.txt", "t.txt"), ERROR_SHARING_VIOLATION);
    CloseHandle(a);
    /* Sharing nothing, without delete access: still no delete. */
    a = CreateFileA("s.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ASSERT_FAILS(DeleteFileA("s.txt"), ERROR_SHARING_VIOLATION);
    ASSERT_FAILS(MoveFileA("s.txt", "t.txt"), ERROR_SHARING_VIOLATION);
    CloseHandle(a);
    a = CreateFileA("s.txt", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, 0, NULL);
    ck_assert(MoveFileA("s.txt", "t.txt"));
    ck_assert(DeleteFileA("t.txt"));
    /* The open handle still reads the (now nameless) file. */
    char c;
    DWORD n;
    ck_assert(ReadFile(a, &c, 1, &n, NULL));
    ck_assert_uint_eq(n, 1);
    CloseHandle(a);
    /* A directory open without FILE_SHARE_DELETE cannot be removed. */
    ck_assert(CreateDirectoryA("d", NULL));
    HANDLE d = CreateFileA("d", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, NULL);
    ck_assert_ptr_ne(d, INVALID_HANDLE_VALUE);
    ASSERT_FAILS(RemoveDirectoryA("d"), ERROR_SHARING_VIOLATION);
    CloseHandle(d);
    ck_assert(RemoveDirectoryA("d"));
}
END_TEST

static int child_share(void *arg)
{
    DWORD want = *(DWORD *)arg;
    SetLastError(0);
    HANDLE h = CreateFileA("x.txt", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (want == ERROR_SUCCESS)
        return h != INVALID_HANDLE_VALUE ? 0 : 20 + (int)(GetLastError() & 0x3f);
    if (h != INVALID_HANDLE_VALUE)
        return 2;
    return GetLastError() == want ? 0 : 3;
}

static int child_hold_and_die(void *arg)
{
    (void)arg;
    HANDLE h = CreateFileA("x.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 4;
    /* Exit without closing: the kernel drops the locks with the process. */
    return 0;
}

START_TEST(test_share_across_processes)
{
    put_file("x.txt", "x");
    HANDLE a = CreateFileA("x.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD want = ERROR_SHARING_VIOLATION;
    ck_assert_int_eq(in_child(child_share, &want), 0);
    CloseHandle(a);
    want = ERROR_SUCCESS;
    ck_assert_int_eq(in_child(child_share, &want), 0);
    /* A process that dies holding an exclusive open leaves nothing. */
    ck_assert_int_eq(in_child(child_hold_and_die, NULL), 0);
    a = CreateFileA("x.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(a, INVALID_HANDLE_VALUE);
    CloseHandle(a);
}
END_TEST

/* ---- byte-range locks ---- */

START_TEST(test_locks_one_handle)
{
    HANDLE h = open_rw("l.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, CREATE_ALWAYS);
    DWORD n;
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    ck_assert(LockFile(h, 0, 0, 5, 0));
    ASSERT_FAILS(LockFile(h, 0, 0, 5, 0), ERROR_LOCK_VIOLATION);
    ASSERT_FAILS(LockFile(h, 2, 0, 2, 0), ERROR_LOCK_VIOLATION);
    /* Unlocking needs the exact range. */
    ASSERT_FAILS(UnlockFile(h, 0, 0, 4, 0), ERROR_NOT_LOCKED);
    ASSERT_FAILS(UnlockFile(h, 1, 0, 5, 0), ERROR_NOT_LOCKED);
    /* The owner of an exclusive lock reads and writes through it. */
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    char buf[4];
    ck_assert(ReadFile(h, buf, 3, &n, NULL));
    ck_assert(WriteFile(h, "x", 1, &n, NULL));
    ck_assert(UnlockFile(h, 0, 0, 5, 0));
    ASSERT_FAILS(UnlockFile(h, 0, 0, 5, 0), ERROR_NOT_LOCKED);
    /* Zero-length locks exist and conflict with nothing. */
    ck_assert(LockFile(h, 0, 0, 0, 0));
    ck_assert(LockFile(h, 0, 0, 5, 0));
    ck_assert(UnlockFile(h, 0, 0, 0, 0));
    ck_assert(UnlockFile(h, 0, 0, 5, 0));
    /* Beyond the end of the file is fine. */
    ck_assert(LockFile(h, 1000, 0, 10, 0));
    ck_assert(UnlockFile(h, 1000, 0, 10, 0));

    /* Shared locks stack, need one unlock each, and deny writing to
     * everyone, their owner included. */
    OVERLAPPED ov = {0};
    ck_assert(LockFileEx(h, 0, 0, 5, 0, &ov));
    ck_assert(LockFileEx(h, LOCKFILE_FAIL_IMMEDIATELY, 0, 5, 0, &ov));
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    ASSERT_FAILS(WriteFile(h, "y", 1, &n, NULL), ERROR_LOCK_VIOLATION);
    ck_assert(ReadFile(h, buf, 1, &n, NULL));
    ASSERT_FAILS(LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 5, 0, &ov),
                 ERROR_LOCK_VIOLATION);
    ck_assert(UnlockFileEx(h, 0, 5, 0, &ov));
    ck_assert(UnlockFileEx(h, 0, 5, 0, &ov));
    ASSERT_FAILS(UnlockFileEx(h, 0, 5, 0, &ov), ERROR_NOT_LOCKED);
    ck_assert_uint_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    ck_assert(WriteFile(h, "y", 1, &n, NULL));

    /* Parameters and handles. */
    ASSERT_FAILS(LockFileEx(h, 0, 1, 5, 0, &ov), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(UnlockFileEx(h, 1, 5, 0, &ov), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LockFile(NULL, 0, 0, 1, 0), ERROR_INVALID_HANDLE);
    HANDLE attr = CreateFileA("l.bin", FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE,
                              NULL, OPEN_EXISTING, 0, NULL);
    ASSERT_FAILS(LockFile(attr, 0, 0, 1, 0), ERROR_ACCESS_DENIED);
    CloseHandle(attr);
    CloseHandle(h);
}
END_TEST

START_TEST(test_locks_two_handles)
{
    HANDLE a = open_rw("l2.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, CREATE_ALWAYS);
    DWORD n;
    ck_assert(WriteFile(a, "0123456789", 10, &n, NULL));
    HANDLE b = open_rw("l2.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING);
    ck_assert_ptr_ne(b, INVALID_HANDLE_VALUE);
    ck_assert(LockFile(a, 2, 0, 3, 0));
    /* Another handle (even in this process) may not touch the range. */
    char buf[8];
    ck_assert_uint_eq(SetFilePointer(b, 0, NULL, FILE_BEGIN), 0);
    ASSERT_FAILS(ReadFile(b, buf, 4, &n, NULL), ERROR_LOCK_VIOLATION);
    ASSERT_FAILS(WriteFile(b, "zzzz", 4, &n, NULL), ERROR_LOCK_VIOLATION);
    ck_assert(ReadFile(b, buf, 2, &n, NULL)); /* bytes 0-1 are free */
    ASSERT_FAILS(LockFile(b, 4, 0, 1, 0), ERROR_LOCK_VIOLATION);
    OVERLAPPED ov = {0};
    ov.Offset = 3;
    ASSERT_FAILS(LockFileEx(b, LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov), ERROR_LOCK_VIOLATION);
    /* Truncating into it too. */
    ck_assert_uint_eq(SetFilePointer(b, 3, NULL, FILE_BEGIN), 3);
    ASSERT_FAILS(SetEndOfFile(b), ERROR_LOCK_VIOLATION);
    /* b cannot unlock a's lock. */
    ASSERT_FAILS(UnlockFile(b, 2, 0, 3, 0), ERROR_NOT_LOCKED);
    ck_assert(UnlockFile(a, 2, 0, 3, 0));
    ck_assert_uint_eq(SetFilePointer(b, 0, NULL, FILE_BEGIN), 0);
    ck_assert(ReadFile(b, buf, 4, &n, NULL));

    /* Shared locks: others read, nobody writes. */
    ov.Offset = 0;
    ck_assert(LockFileEx(a, 0, 0, 4, 0, &ov));
    ck_assert(LockFileEx(b, LOCKFILE_FAIL_IMMEDIATELY, 0, 4, 0, &ov));
    ck_assert_uint_eq(SetFilePointer(b, 0, NULL, FILE_BEGIN), 0);
    ck_assert(ReadFile(b, buf, 4, &n, NULL));
    ck_assert_uint_eq(SetFilePointer(b, 0, NULL, FILE_BEGIN), 0);
    ASSERT_FAILS(WriteFile(b, "w", 1, &n, NULL), ERROR_LOCK_VIOLATION);
    ck_assert(UnlockFileEx(b, 0, 4, 0, &ov));
    ASSERT_FAILS(WriteFile(b, "w", 1, &n, NULL), ERROR_LOCK_VIOLATION); /* a's */
    /* Closing the handle releases its locks. */
    CloseHandle(a);
    ck_assert_uint_eq(SetFilePointer(b, 0, NULL, FILE_BEGIN), 0);
    ck_assert(WriteFile(b, "w", 1, &n, NULL));
    CloseHandle(b);
}
END_TEST

static int child_locks(void *arg)
{
    (void)arg;
    HANDLE h = open_rw("lp.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING);
    if (h == INVALID_HANDLE_VALUE)
        return 10;
    char buf[4];
    DWORD n;
    SetLastError(0);
    if (ReadFile(h, buf, 4, &n, NULL) || GetLastError() != ERROR_LOCK_VIOLATION)
        return 11;
    if (LockFile(h, 0, 0, 1, 0) || GetLastError() != ERROR_LOCK_VIOLATION)
        return 12;
    if (!LockFile(h, 8, 0, 2, 0))
        return 13;
    return 0; /* exiting releases the child's lock */
}

START_TEST(test_locks_across_processes)
{
    HANDLE h = open_rw("lp.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, CREATE_ALWAYS);
    DWORD n;
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    ck_assert(LockFile(h, 0, 0, 4, 0));
    ck_assert_int_eq(in_child(child_locks, NULL), 0);
    ck_assert(LockFile(h, 8, 0, 2, 0)); /* the dead child's lock is gone */
    CloseHandle(h);
}
END_TEST

/* ---- lock counts (issue 19): transfers skip the kernel query only when no
 * other file object holds a lock on the file; locks of another process
 * (with or without locks of our own on the file) still stop them. ---- */

static int lk_go[2], lk_ack[2];

static int child_hold_lock(void *arg)
{
    (void)arg;
    HANDLE h = open_rw("lc.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING);
    char c;
    if (h == INVALID_HANDLE_VALUE)
        return 10;
    if (!LockFile(h, 0, 0, 4, 0))
        return 11;
    if (write(lk_ack[1], "l", 1) != 1 || read(lk_go[0], &c, 1) != 1)
        return 12;
    if (!UnlockFile(h, 0, 0, 4, 0))
        return 13;
    if (write(lk_ack[1], "u", 1) != 1 || read(lk_go[0], &c, 1) != 1)
        return 14;
    return CloseHandle(h) ? 0 : 15;
}

static void counted_case(bool own_lock)
{
    HANDLE h = open_rw("lc.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, CREATE_ALWAYS);
    DWORD n;
    char buf[4], c;
    ck_assert(WriteFile(h, "0123456789", 10, &n, NULL));
    if (own_lock)
        ck_assert(LockFile(h, 8, 0, 2, 0));
    /* Nothing of anyone else's yet: all of it reads and writes. */
    ck_assert(ReadFile(h, buf, 4, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(WriteFile(h, "ab", 2, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(pipe(lk_go) == 0 && pipe(lk_ack) == 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(child_hold_lock(NULL));
    ck_assert_int_eq(read(lk_ack[0], &c, 1), 1);
    /* The child's lock over 0..3 stops this process's transfers there. */
    ASSERT_FAILS(ReadFile(h, buf, 4, &n, &(OVERLAPPED){.Offset = 0}), ERROR_LOCK_VIOLATION);
    ASSERT_FAILS(ReadFile(h, buf, 1, &n, &(OVERLAPPED){.Offset = 3}), ERROR_LOCK_VIOLATION);
    ASSERT_FAILS(WriteFile(h, "x", 1, &n, &(OVERLAPPED){.Offset = 2}), ERROR_LOCK_VIOLATION);
    ck_assert_uint_eq(SetFilePointer(h, 1, NULL, FILE_BEGIN), 1);
    ASSERT_FAILS(ReadFile(h, buf, 2, &n, NULL), ERROR_LOCK_VIOLATION);
    ck_assert(ReadFile(h, buf, 4, &n, &(OVERLAPPED){.Offset = 4})); /* free bytes */
    ck_assert(WriteFile(h, "y", 1, &n, &(OVERLAPPED){.Offset = 8})); /* own or free */
    ck_assert_int_eq(write(lk_go[1], "g", 1), 1);
    ck_assert_int_eq(read(lk_ack[0], &c, 1), 1);
    /* Unlocked: free again. */
    ck_assert(ReadFile(h, buf, 4, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(WriteFile(h, "cd", 2, &n, &(OVERLAPPED){.Offset = 2}));
    ck_assert_int_eq(write(lk_go[1], "g", 1), 1);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert(ReadFile(h, buf, 4, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(!memcmp(buf, "abcd", 4));
    if (own_lock)
        ck_assert(UnlockFile(h, 8, 0, 2, 0));
    CloseHandle(h);
    for (int i = 0; i < 2; i++) {
        close(lk_go[i]);
        close(lk_ack[i]);
    }
}

START_TEST(test_locks_counted_other_process)
{
    counted_case(false);
}
END_TEST

START_TEST(test_locks_counted_with_own_lock)
{
    counted_case(true);
}
END_TEST

/* Two file objects of one process taking turns on the lock count. */
START_TEST(test_locks_counted_two_handles)
{
    HANDLE a = open_rw("l3.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, CREATE_ALWAYS);
    DWORD n;
    char buf[4];
    ck_assert(WriteFile(a, "0123456789", 10, &n, NULL));
    HANDLE b = open_rw("l3.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING);
    ck_assert_ptr_ne(b, INVALID_HANDLE_VALUE);
    ck_assert(LockFile(a, 0, 0, 2, 0));
    ck_assert(ReadFile(a, buf, 2, &n, &(OVERLAPPED){.Offset = 0})); /* its own */
    ASSERT_FAILS(ReadFile(b, buf, 2, &n, &(OVERLAPPED){.Offset = 0}), ERROR_LOCK_VIOLATION);
    ck_assert(LockFile(b, 4, 0, 2, 0));
    ASSERT_FAILS(ReadFile(a, buf, 2, &n, &(OVERLAPPED){.Offset = 4}), ERROR_LOCK_VIOLATION);
    ck_assert(UnlockFile(a, 0, 0, 2, 0));
    /* Only b's lock is left: a still may not touch it, b may touch a's
     * former bytes. */
    ASSERT_FAILS(WriteFile(a, "x", 1, &n, &(OVERLAPPED){.Offset = 5}), ERROR_LOCK_VIOLATION);
    ck_assert(WriteFile(b, "x", 1, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(WriteFile(b, "y", 1, &n, &(OVERLAPPED){.Offset = 5}));
    /* Closing b drops its lock and its count. */
    ck_assert(CloseHandle(b));
    ck_assert(ReadFile(a, buf, 2, &n, &(OVERLAPPED){.Offset = 4}));
    ck_assert(!memcmp(buf, "4y", 2));
    /* A shared lock of a's own still forbids a's own writes. */
    ck_assert(LockFileEx(a, 0, 0, 2, 0, &(OVERLAPPED){.Offset = 6}));
    ASSERT_FAILS(WriteFile(a, "z", 1, &n, &(OVERLAPPED){.Offset = 7}), ERROR_LOCK_VIOLATION);
    ck_assert(ReadFile(a, buf, 2, &n, &(OVERLAPPED){.Offset = 6}));
    CloseHandle(a);
}
END_TEST

/* A file made by an open that shares neither reading nor writing (a
 * journal) is not counted (diskfile.c: no other object with data access
 * can exist): its locks still stack and bind its own handles, other opens
 * are refused, and a later open after the close finds no lock left. */
START_TEST(test_locks_exclusive_new_file)
{
    HANDLE a = open_rw("j.bin", 0, CREATE_NEW);
    ck_assert_ptr_ne(a, INVALID_HANDLE_VALUE);
    DWORD n;
    char buf[4];
    ck_assert(WriteFile(a, "0123456789", 10, &n, NULL));
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(LockFileEx(a, 0, 0, 2, 0, &(OVERLAPPED){.Offset = 2})); /* shared */
    ck_assert(ReadFile(d, buf, 2, &n, &(OVERLAPPED){.Offset = 2}));
    ASSERT_FAILS(WriteFile(d, "z", 1, &n, &(OVERLAPPED){.Offset = 3}), ERROR_LOCK_VIOLATION);
    ASSERT_FAILS(LockFile(d, 3, 0, 1, 0), ERROR_LOCK_VIOLATION);
    SetLastError(0xdeadbeef);
    HANDLE b = CreateFileA("j.bin", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_eq(b, INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_SHARING_VIOLATION);
    ck_assert(UnlockFile(a, 2, 0, 2, 0));
    ck_assert(WriteFile(d, "z", 1, &n, &(OVERLAPPED){.Offset = 3}));
    ck_assert(LockFile(d, 0, 0, 4, 0));
    ck_assert(CloseHandle(d));
    ck_assert(CloseHandle(a)); /* the last handle: its locks go with it */
    b = open_rw("j.bin", FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING);
    ck_assert_ptr_ne(b, INVALID_HANDLE_VALUE);
    ck_assert(ReadFile(b, buf, 4, &n, &(OVERLAPPED){.Offset = 0}));
    ck_assert(!memcmp(buf, "012z", 4));
    ck_assert(LockFile(b, 0, 0, 4, 0));
    CloseHandle(b);
}
END_TEST

/* Racing exclusive opens from several processes: the gate lets at most
 * one hold the file at any moment. */
static _Atomic int *holders, *max_holders, *wins;

static int child_race(void *arg)
{
    (void)arg;
    for (int i = 0; i < 300; i++) {
        HANDLE h = CreateFileA("race.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                               0, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            if (GetLastError() != ERROR_SHARING_VIOLATION)
                return 30;
            continue;
        }
        int now = atomic_fetch_add(holders, 1) + 1;
        int m = atomic_load(max_holders);
        while (now > m && !atomic_compare_exchange_weak(max_holders, &m, now))
            ;
        atomic_fetch_add(wins, 1);
        atomic_fetch_sub(holders, 1);
        CloseHandle(h);
    }
    return 0;
}

START_TEST(test_share_race)
{
    put_file("race.txt", "r");
    _Atomic int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                               -1, 0);
    ck_assert_ptr_ne(shared, MAP_FAILED);
    holders = shared;
    max_holders = shared + 1;
    wins = shared + 2;
    pid_t pids[4];
    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0)
            _exit(child_race(NULL));
    }
    for (int i = 0; i < 4; i++) {
        int status;
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    ck_assert_int_eq(atomic_load(max_holders), 1);
    ck_assert_int_gt(atomic_load(wins), 0);
    munmap(shared, 4096);
}
END_TEST

/* New files made in private (diskfile.c, O_TMPFILE + linkat): racing
 * CREATE_NEWs of one name make it once at a time, and a new file's share
 * mode holds from the moment its name exists.  Makers create the name
 * sharing nothing, publish the file's index, close and delete it; openers
 * open it sharing everything and check that no maker holds that file. */
static _Atomic uint64_t *made; /* [2]: each maker's file index, 0: none */
static _Atomic int *made_wins, *open_wins;

static uint64_t file_index(HANDLE h)
{
    BY_HANDLE_FILE_INFORMATION bi;
    if (!GetFileInformationByHandle(h, &bi))
        return 0;
    return ((uint64_t)bi.nFileIndexHigh << 32 | bi.nFileIndexLow) + 1;
}

static int child_maker(int me)
{
    for (int i = 0; i < 150; i++) {
        HANDLE h = CreateFileA("new.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                               0, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            if (GetLastError() != ERROR_FILE_EXISTS)
                return 40;
            continue;
        }
        if (GetLastError() != ERROR_SUCCESS)
            return 41;
        atomic_fetch_add(made_wins, 1);
        uint64_t idx = file_index(h);
        if (!idx)
            return 42;
        atomic_store(&made[me], idx);
        sched_yield();
        atomic_store(&made[me], 0);
        CloseHandle(h);
        if (!DeleteFileA("new.txt") && GetLastError() != ERROR_SHARING_VIOLATION)
            return 43;
    }
    return 0;
}

static int child_opener(void)
{
    for (int i = 0; i < 300; i++) {
        HANDLE h = CreateFileA("new.txt", GENERIC_READ,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               OPEN_EXISTING, 0, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            DWORD e = GetLastError();
            if (e != ERROR_FILE_NOT_FOUND && e != ERROR_SHARING_VIOLATION)
                return 50;
            continue;
        }
        atomic_fetch_add(open_wins, 1);
        uint64_t idx = file_index(h);
        for (int k = 0; k < 3; k++) {
            if (idx && (atomic_load(&made[0]) == idx || atomic_load(&made[1]) == idx))
                return 51; /* a maker holds the file this open shares */
            sched_yield();
        }
        CloseHandle(h);
    }
    return 0;
}

START_TEST(test_share_new_file_race)
{
    void *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(shared, MAP_FAILED);
    made = shared;
    made_wins = (_Atomic int *)((char *)shared + 64);
    open_wins = made_wins + 1;
    pid_t pids[4];
    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0)
            _exit(i < 2 ? child_maker(i) : child_opener());
    }
    for (int i = 0; i < 4; i++) {
        int status;
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d: %d", i,
                      WEXITSTATUS(status));
    }
    ck_assert_int_gt(atomic_load(made_wins), 0);
    munmap(shared, 4096);
}
END_TEST

/* CREATE_NEW and CREATE_ALWAYS as seen from outside: the mode the umask
 * leaves, READONLY as mode 0444 with a still writable handle, the name
 * taken (ERROR_FILE_EXISTS; CREATE_ALWAYS truncates and says
 * ERROR_ALREADY_EXISTS, also the second time), and the new file's share
 * mode in force against another open. */
START_TEST(test_create_new_file)
{
    mode_t old = umask(022);
    HANDLE h = CreateFileA("n.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_SUCCESS);
    struct stat st;
    ck_assert_int_eq(stat("n.txt", &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    DWORD n;
    ck_assert(WriteFile(h, "abc", 3, &n, NULL));
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(CreateFileA("n.txt", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                 FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL),
                     INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_SHARING_VIOLATION);
    ASSERT_FAILS(DeleteFileA("n.txt"), ERROR_SHARING_VIOLATION);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(CreateFileA("n.txt", GENERIC_READ, 0, NULL, CREATE_NEW, 0, NULL),
                     INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_EXISTS);
    CloseHandle(h);
    for (int i = 0; i < 2; i++) {
        h = CreateFileA("n.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
        ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
        ck_assert_uint_eq(GetLastError(), ERROR_ALREADY_EXISTS);
        ck_assert_int_eq(stat("n.txt", &st), 0);
        ck_assert_int_eq(st.st_size, 0);
        ck_assert(WriteFile(h, "x", 1, &n, NULL));
        CloseHandle(h);
    }
    ck_assert(DeleteFileA("n.txt"));
    h = CreateFileA("n.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_SUCCESS);
    CloseHandle(h);
    h = CreateFileA("ro.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_READONLY, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert(WriteFile(h, "ro", 2, &n, NULL));
    ck_assert_int_eq(stat("ro.txt", &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0444);
    ck_assert(GetFileAttributesA("ro.txt") & FILE_ATTRIBUTE_READONLY);
    CloseHandle(h);
    /* A missing directory is still ERROR_PATH_NOT_FOUND. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(CreateFileA("nodir\\x.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL),
                     INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(CreateFileA("nodir\\x.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0,
                                 NULL),
                     INVALID_HANDLE_VALUE);
    ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
    umask(old);
}
END_TEST

static Suite *filelock_suite(void)
{
    Suite *s = suite_create("filelock");
    TCase *tc = tcase_create("share");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_add_test(tc, test_share_matrix);
    tcase_add_test(tc, test_share_lifetime);
    tcase_add_test(tc, test_share_delete_rename);
    tcase_add_test(tc, test_share_across_processes);
    tcase_add_test(tc, test_share_race);
    tcase_add_test(tc, test_share_new_file_race);
    tcase_add_test(tc, test_create_new_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("locks");
    tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
    tcase_add_test(tc, test_locks_one_handle);
    tcase_add_test(tc, test_locks_two_handles);
    tcase_add_test(tc, test_locks_across_processes);
    tcase_add_test(tc, test_locks_counted_other_process);
    tcase_add_test(tc, test_locks_counted_with_own_lock);
    tcase_add_test(tc, test_locks_counted_two_handles);
    tcase_add_test(tc, test_locks_exclusive_new_file);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(filelock_suite)
