/* I/O completion ports: CreateIoCompletionPort, PostQueuedCompletionStatus,
 * GetQueuedCompletionStatus(Ex), packets of overlapped file I/O, closing a
 * port under waiting threads, several threads on one port. */
#define _GNU_SOURCE
#include "pipeutil.h"
#include "testutil.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define RW (GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE)

static HANDLE overlapped_file(void)
{
    char path[] = "/tmp/winshim-check-iocp-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    HANDLE h = CreateFileA(path, RW, 0, NULL, CREATE_ALWAYS,
                           FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    return h;
}

static HANDLE pipe_reader(HANDLE *writer)
{
    return overlapped_pipe_reader("iocp", writer);
}

/* Waits until thread `tid` sleeps (in the kernel: a futex wait here). */
static void wait_until_sleeping(DWORD tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%lu/stat", (unsigned long)tid);
    for (int i = 0; i < 20000; i++) {
        int fd = open(path, O_RDONLY);
        ck_assert_int_ge(fd, 0);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        ck_assert_int_gt(n, 0);
        buf[n] = 0;
        const char *p = strrchr(buf, ')');
        if (p && p[2] == 'S')
            return;
        settle_ms(1);
    }
    ck_abort_msg("thread %lu never slept", (unsigned long)tid);
}

START_TEST(test_post_and_get)
{
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    ck_assert_ptr_nonnull(port);
    OVERLAPPED ov;
    ck_assert(PostQueuedCompletionStatus(port, 123, 7, NULL));
    ck_assert(PostQueuedCompletionStatus(port, 5, 8, &ov));
    DWORD n = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED pov = (LPOVERLAPPED)1;
    SetLastError(0xdeadbeef);
    ck_assert(GetQueuedCompletionStatus(port, &n, &key, &pov, 0));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(n, 123);
    ck_assert_uint_eq(key, 7);
    ck_assert_ptr_null(pov);
    ck_assert(GetQueuedCompletionStatus(port, &n, &key, &pov, INFINITE));
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(key, 8);
    ck_assert_ptr_eq(pov, &ov);
    /* Waiting on the port: signalled while packets are queued, and the
     * wait takes none. */
    ASSERT_WAIT(WaitForSingleObject(port, 0), WAIT_TIMEOUT);
    ck_assert(PostQueuedCompletionStatus(port, 1, 2, NULL));
    ASSERT_WAIT(WaitForSingleObject(port, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(port, 0), WAIT_OBJECT_0);
    ck_assert(GetQueuedCompletionStatus(port, &n, &key, &pov, 0));
    ck_assert_uint_eq(key, 2);
    ASSERT_WAIT(WaitForSingleObject(port, 0), WAIT_TIMEOUT);
    /* Empty: a timeout, and *lpOverlapped NULL. */
    pov = &ov;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &n, &key, &pov, 0), WAIT_TIMEOUT);
    ck_assert_ptr_null(pov);
    pov = &ov;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &n, &key, &pov, 20), WAIT_TIMEOUT);
    ck_assert_ptr_null(pov);
    ck_assert(CloseHandle(port));
}
END_TEST

START_TEST(test_errors)
{
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    OVERLAPPED_ENTRY e[2];
    ULONG got;
    ASSERT_FAILS(CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 1, 0),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateIoCompletionPort(ev, NULL, 1, 0), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateIoCompletionPort(ev, port, 1, 0), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateIoCompletionPort(NULL, NULL, 1, 0), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateIoCompletionPort((HANDLE)0x1234, NULL, 1, 0),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetQueuedCompletionStatus(ev, &n, &key, &pov, 0), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetQueuedCompletionStatus((HANDLE)0x1234, &n, &key, &pov, 0),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(PostQueuedCompletionStatus(ev, 1, 2, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetQueuedCompletionStatusEx(ev, e, 2, &got, 0, FALSE),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetQueuedCompletionStatusEx(port, e, 0, &got, 0, FALSE),
                 ERROR_INVALID_PARAMETER);

    /* A file has one port: a second association fails, whatever the port. */
    HANDLE f = overlapped_file();
    HANDLE port2 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    ck_assert_ptr_eq(CreateIoCompletionPort(f, port, 9, 0), port);
    ASSERT_FAILS(CreateIoCompletionPort(f, port, 9, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateIoCompletionPort(f, port2, 9, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateIoCompletionPort(f, ev, 9, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateIoCompletionPort(f, NULL, 9, 0), ERROR_INVALID_PARAMETER);
    HANDLE f2 = overlapped_file();
    ASSERT_FAILS(CreateIoCompletionPort(f2, ev, 9, 0), ERROR_INVALID_HANDLE);
    ck_assert(CloseHandle(f2));
    ck_assert(CloseHandle(f));
    ck_assert(CloseHandle(port2));
    ck_assert(CloseHandle(ev));
    ck_assert(CloseHandle(port));
}
END_TEST

START_TEST(test_file_packets)
{
    HANDLE f = overlapped_file();
    /* A new port made and associated in one call. */
    HANDLE port = CreateIoCompletionPort(f, NULL, 0x51, 0);
    ck_assert_ptr_nonnull(port);
    enum { N = 4, BLK = 4096 };
    static char w[N][BLK], r[N][BLK];
    static OVERLAPPED ov[N];
    for (int i = 0; i < N; i++) {
        memset(w[i], 'A' + i, BLK);
        memset(&ov[i], 0, sizeof ov[i]);
        ov[i].Offset = i * BLK;
        SetLastError(0xdeadbeef);
        BOOL ok = WriteFile(f, w[i], BLK, NULL, &ov[i]);
        ck_assert(ok || GetLastError() == ERROR_IO_PENDING);
    }
    int seen[N] = {0};
    for (int i = 0; i < N; i++) {
        DWORD n = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED pov = NULL;
        ck_assert(GetQueuedCompletionStatus(port, &n, &key, &pov, 10000));
        ck_assert_uint_eq(key, 0x51);
        ck_assert_uint_eq(n, BLK);
        ck_assert(pov >= &ov[0] && pov < &ov[N]);
        ck_assert(!seen[pov - ov]);
        seen[pov - ov] = 1;
    }
    for (int i = 0; i < N; i++) {
        memset(&ov[i], 0, sizeof ov[i]);
        ov[i].Offset = i * BLK;
        SetLastError(0xdeadbeef);
        BOOL ok = ReadFile(f, r[i], BLK, NULL, &ov[i]);
        ck_assert(ok || GetLastError() == ERROR_IO_PENDING);
    }
    /* GetQueuedCompletionStatusEx takes several at once. */
    OVERLAPPED_ENTRY e[8];
    ULONG total = 0;
    while (total < N) {
        ULONG got = 0;
        ck_assert(GetQueuedCompletionStatusEx(port, e, 8, &got, 10000, FALSE));
        ck_assert_uint_ge(got, 1);
        for (ULONG j = 0; j < got; j++) {
            ck_assert_uint_eq(e[j].lpCompletionKey, 0x51);
            ck_assert_uint_eq(e[j].dwNumberOfBytesTransferred, BLK);
            ck_assert_uint_eq(e[j].Internal, 0);
        }
        total += got;
    }
    ck_assert_uint_eq(total, N);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(memcmp(w[i], r[i], BLK), 0);

    /* A transfer that fails at once queues no packet. */
    OVERLAPPED eof = {0};
    eof.Offset = 100000;
    ASSERT_FAILS(ReadFile(f, r[0], 10, NULL, &eof), ERROR_HANDLE_EOF);
    DWORD n = 99;
    ULONG_PTR key = 0;
    LPOVERLAPPED pov = NULL;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &n, &key, &pov, 0), WAIT_TIMEOUT);
    BOOL ok;

    /* An event with its low bit set: no packet. */
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    OVERLAPPED quiet = {0};
    quiet.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    ok = WriteFile(f, "x", 1, NULL, &quiet);
    ck_assert(ok || GetLastError() == ERROR_IO_PENDING);
    ASSERT_WAIT(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    ck_assert(GetOverlappedResult(f, &quiet, &n, TRUE));
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &n, &key, &pov, 0), WAIT_TIMEOUT);

    /* The port may go before the file; completions afterwards are lost. */
    ck_assert(CloseHandle(port));
    OVERLAPPED late = {0};
    ok = WriteFile(f, "y", 1, NULL, &late);
    ck_assert(ok || GetLastError() == ERROR_IO_PENDING);
    ck_assert(GetOverlappedResult(f, &late, &n, TRUE));
    ck_assert_uint_eq(n, 1);
    ck_assert(CloseHandle(ev));
    ck_assert(CloseHandle(f));
}
END_TEST

/* A pending transfer that fails later is a packet carrying its error. */
START_TEST(test_failed_packet)
{
    HANDLE w;
    HANDLE h = pipe_reader(&w);
    HANDLE port = CreateIoCompletionPort(h, NULL, 0x77, 0);
    ck_assert_ptr_nonnull(port);
    char buf[4];
    OVERLAPPED ov = {0};
    ASSERT_FAILS(ReadFile(h, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    ck_assert(CancelIoEx(h, &ov));
    DWORD n = 99;
    ULONG_PTR key = 0;
    LPOVERLAPPED pov = NULL;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &n, &key, &pov, 10000),
                 ERROR_OPERATION_ABORTED);
    ck_assert_ptr_eq(pov, &ov);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(key, 0x77);
    ck_assert_uint_eq(ov.Internal, 0xC0000120u);
    ck_assert(CloseHandle(w));
    ck_assert(CloseHandle(h));
    ck_assert(CloseHandle(port));
}
END_TEST

static int apc_runs;
static void CALLBACK count_apc(ULONG_PTR arg)
{
    (void)arg;
    apc_runs++;
}

START_TEST(test_ex_and_alertable)
{
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    for (ULONG_PTR k = 1; k <= 3; k++)
        ck_assert(PostQueuedCompletionStatus(port, (DWORD)k * 10, k, NULL));
    OVERLAPPED_ENTRY e[2];
    ULONG got = 0;
    ck_assert(GetQueuedCompletionStatusEx(port, e, 2, &got, 0, FALSE));
    ck_assert_uint_eq(got, 2);
    ck_assert_uint_eq(e[0].lpCompletionKey, 1);
    ck_assert_uint_eq(e[1].dwNumberOfBytesTransferred, 20);
    ck_assert(GetQueuedCompletionStatusEx(port, e, 2, &got, INFINITE, FALSE));
    ck_assert_uint_eq(got, 1);
    ck_assert_uint_eq(e[0].lpCompletionKey, 3);
    got = 77;
    ASSERT_FAILS(GetQueuedCompletionStatusEx(port, e, 2, &got, 0, FALSE), WAIT_TIMEOUT);
    ck_assert_uint_eq(got, 0);

    /* Alertable: an APC ends the wait with WAIT_IO_COMPLETION. */
    apc_runs = 0;
    ck_assert(QueueUserAPC(count_apc, GetCurrentThread(), 0));
    ASSERT_FAILS(GetQueuedCompletionStatusEx(port, e, 2, &got, INFINITE, TRUE),
                 WAIT_IO_COMPLETION);
    ck_assert_int_eq(apc_runs, 1);
    /* Not alertable: the APC waits. */
    ck_assert(QueueUserAPC(count_apc, GetCurrentThread(), 0));
    ASSERT_FAILS(GetQueuedCompletionStatusEx(port, e, 2, &got, 0, FALSE), WAIT_TIMEOUT);
    ck_assert_int_eq(apc_runs, 1);
    ASSERT_WAIT(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(apc_runs, 2);
    ck_assert(CloseHandle(port));
}
END_TEST

struct closer {
    HANDLE port;
    DWORD tid;
    BOOL ok;
    DWORD err;
    LPOVERLAPPED pov;
};

static void *wait_on_port(void *arg)
{
    struct closer *c = arg;
    DWORD n;
    ULONG_PTR key;
    __atomic_store_n(&c->tid, GetCurrentThreadId(), __ATOMIC_RELEASE);
    c->pov = (LPOVERLAPPED)1;
    SetLastError(0xdeadbeef);
    c->ok = GetQueuedCompletionStatus(c->port, &n, &key, &c->pov, INFINITE);
    c->err = GetLastError();
    return NULL;
}

START_TEST(test_close_while_waiting)
{
    struct closer c[3];
    pthread_t th[3];
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    for (int i = 0; i < 3; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].port = port;
        pthread_create(&th[i], NULL, wait_on_port, &c[i]);
    }
    for (int i = 0; i < 3; i++) {
        while (!__atomic_load_n(&c[i].tid, __ATOMIC_ACQUIRE))
            settle_ms(1);
        wait_until_sleeping(c[i].tid);
    }
    ck_assert(CloseHandle(port));
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        ck_assert(!c[i].ok);
        ck_assert_uint_eq(c[i].err, ERROR_ABANDONED_WAIT_0);
        ck_assert_ptr_null(c[i].pov);
    }
}
END_TEST

/* Several threads draining one port: each packet exactly once. */
enum { WORKERS = 4, PACKETS = 2000 };
static HANDLE shared_port;
static unsigned char taken[PACKETS + 1];

static void *drain(void *arg)
{
    long mine = 0;
    (void)arg;
    for (;;) {
        DWORD n;
        ULONG_PTR key;
        LPOVERLAPPED pov;
        if (!GetQueuedCompletionStatus(shared_port, &n, &key, &pov, INFINITE))
            return (void *)-1L;
        if (key == 0)
            return (void *)mine;
        if (n != key * 3)
            return (void *)-2L;
        __atomic_fetch_add(&taken[key], 1, __ATOMIC_RELAXED);
        mine++;
    }
}

START_TEST(test_many_threads)
{
    shared_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 2);
    memset(taken, 0, sizeof taken);
    pthread_t th[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&th[i], NULL, drain, NULL);
    for (ULONG_PTR k = 1; k <= PACKETS; k++)
        ck_assert(PostQueuedCompletionStatus(shared_port, (DWORD)(k * 3), k, NULL));
    for (int i = 0; i < WORKERS; i++)
        ck_assert(PostQueuedCompletionStatus(shared_port, 0, 0, NULL));
    long total = 0;
    for (int i = 0; i < WORKERS; i++) {
        void *r;
        pthread_join(th[i], &r);
        ck_assert_int_ge((long)r, 0);
        total += (long)r;
    }
    ck_assert_int_eq(total, PACKETS);
    for (int k = 1; k <= PACKETS; k++)
        ck_assert_int_eq(taken[k], 1);
    ck_assert(CloseHandle(shared_port));
}
END_TEST

/* ---- the concurrency value ---- */

/* A worker: takes packets from the port and, per packet, does what the
 * main thread says (phase): stay running (a raw spin, which winshim cannot
 * see as blocking), block in WaitForSingleObject, or call GQCS again. */
enum { ACT_RUN, ACT_BLOCK, ACT_GQCS, ACT_EXIT };
struct cworker {
    HANDLE port, ev;
    DWORD tid;
    int act;            /* what to do after the current packet */
    int got;            /* packets taken */
    ULONG_PTR keys[8];
    int waits;          /* WaitForSingleObject calls returned */
    int calls;          /* GQCS calls begun */
};

static void *cworker_main(void *arg)
{
    struct cworker *w = arg;
    __atomic_store_n(&w->tid, GetCurrentThreadId(), __ATOMIC_RELEASE);
    for (;;) {
        DWORD n;
        ULONG_PTR key;
        LPOVERLAPPED pov;
        __atomic_fetch_add(&w->calls, 1, __ATOMIC_RELEASE);
        if (!GetQueuedCompletionStatus(w->port, &n, &key, &pov, INFINITE))
            return (void *)-1L;
        int g = __atomic_load_n(&w->got, __ATOMIC_RELAXED);
        w->keys[g] = key;
        __atomic_store_n(&w->got, g + 1, __ATOMIC_RELEASE);
        if (key == 0)
            return NULL;
        for (;;) {
            int act = __atomic_load_n(&w->act, __ATOMIC_ACQUIRE);
            if (act == ACT_GQCS)
                break;
            if (act == ACT_BLOCK) {
                if (WaitForSingleObject(w->ev, INFINITE) != WAIT_OBJECT_0)
                    return (void *)-2L;
                __atomic_store_n(&w->act, ACT_RUN, __ATOMIC_RELEASE);
                __atomic_fetch_add(&w->waits, 1, __ATOMIC_RELEASE);
                continue;
            }
            usleep(200); /* running, as far as the port can tell */
        }
        __atomic_store_n(&w->act, ACT_RUN, __ATOMIC_RELEASE);
    }
}

static void cworker_start(struct cworker *w, pthread_t *th, HANDLE port)
{
    memset(w, 0, sizeof *w);
    w->port = port;
    w->ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    pthread_create(th, NULL, cworker_main, w);
    while (!__atomic_load_n(&w->tid, __ATOMIC_ACQUIRE))
        settle_ms(1);
    wait_until_sleeping(w->tid);
}

/* w has begun its n-th GQCS call and sleeps: it sleeps in that call (it
 * sleeps nowhere else after counting it). */
static void wait_in_gqcs(struct cworker *w, int n)
{
    while (__atomic_load_n(&w->calls, __ATOMIC_ACQUIRE) < n)
        settle_ms(1);
    wait_until_sleeping(w->tid);
}

static int got(struct cworker *w)
{
    return __atomic_load_n(&w->got, __ATOMIC_ACQUIRE);
}

static void wait_got(struct cworker *a, struct cworker *b, int total)
{
    for (int i = 0; i < 20000 && got(a) + got(b) < total; i++)
        settle_ms(1);
    ck_assert_int_eq(got(a) + got(b), total);
}

/* Concurrency 1, two threads in GQCS, two packets: the second packet
 * waits while the first taker runs; it goes when that thread blocks in
 * WaitForSingleObject; a thread that calls GQCS again takes the next
 * packet itself; blocked waiters are served last in, first out; an exiting
 * thread stops counting. */
START_TEST(test_concurrency_one)
{
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    ck_assert_ptr_nonnull(port);
    struct cworker w1, w2;
    pthread_t t1, t2;
    cworker_start(&w1, &t1, port);
    cworker_start(&w2, &t2, port);
    /* LIFO: w2 queued last, so w2 takes the first packet. */
    ck_assert(PostQueuedCompletionStatus(port, 0, 1, NULL));
    ck_assert(PostQueuedCompletionStatus(port, 0, 2, NULL));
    wait_got(&w1, &w2, 1);
    ck_assert_int_eq(got(&w2), 1);
    ck_assert_uint_eq(w2.keys[0], 1);
    /* w2 runs: w1 sleeps in GQCS and the second packet stays queued. */
    wait_until_sleeping(w1.tid);
    ck_assert_int_eq(got(&w1), 0);
    ck_assert_uint_eq(WaitForSingleObject(port, 0), WAIT_OBJECT_0);

    /* w2 blocks in WaitForSingleObject: w1 may go, and takes packet 2. */
    __atomic_store_n(&w2.act, ACT_BLOCK, __ATOMIC_RELEASE);
    wait_got(&w1, &w2, 2);
    ck_assert_int_eq(got(&w1), 1);
    ck_assert_uint_eq(w1.keys[0], 2);
    ck_assert_uint_eq(WaitForSingleObject(port, 0), WAIT_TIMEOUT);

    /* w2 wakes while w1 runs: two running, over the limit.  Packet 3
     * waits even when w1 calls GQCS again (running is still 1). */
    ck_assert(SetEvent(w2.ev));
    while (__atomic_load_n(&w2.waits, __ATOMIC_ACQUIRE) < 1)
        settle_ms(1);
    __atomic_store_n(&w1.act, ACT_GQCS, __ATOMIC_RELEASE);
    wait_in_gqcs(&w1, 2);
    ck_assert(PostQueuedCompletionStatus(port, 0, 3, NULL));
    wait_in_gqcs(&w1, 2);
    ck_assert_int_eq(got(&w1) + got(&w2), 2);
    ck_assert_uint_eq(WaitForSingleObject(port, 0), WAIT_OBJECT_0);

    /* w2 calls GQCS again: it stops counting, and takes packet 3 itself
     * before it would block. */
    __atomic_store_n(&w2.act, ACT_GQCS, __ATOMIC_RELEASE);
    wait_got(&w1, &w2, 3);
    ck_assert_int_eq(got(&w2), 2);
    ck_assert_uint_eq(w2.keys[1], 3);

    /* w2 takes the exit packet and ends: its count goes, w1 takes the
     * next one. */
    ck_assert(PostQueuedCompletionStatus(port, 0, 0, NULL));
    __atomic_store_n(&w2.act, ACT_GQCS, __ATOMIC_RELEASE);
    wait_got(&w1, &w2, 4);
    void *r;
    pthread_join(t2, &r);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(got(&w2), 3);
    ck_assert_uint_eq(w2.keys[2], 0);
    ck_assert(PostQueuedCompletionStatus(port, 0, 0, NULL));
    pthread_join(t1, &r);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(got(&w1), 2);
    CloseHandle(w1.ev);
    CloseHandle(w2.ev);
    ck_assert(CloseHandle(port));
}
END_TEST

/* A thread that took a packet counts while it runs; Sleep and a timed-out
 * GQCS on the port do not keep it from taking the next one, and a thread
 * that moves to another port stops counting on the first. */
START_TEST(test_concurrency_own_thread)
{
    HANDLE a = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    HANDLE b = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    ck_assert(PostQueuedCompletionStatus(a, 0, 1, NULL));
    ck_assert(PostQueuedCompletionStatus(a, 0, 2, NULL));
    ck_assert(GetQueuedCompletionStatus(a, &n, &key, &pov, 0));
    ck_assert_uint_eq(key, 1);
    /* This thread runs for port a: another thread can take nothing. */
    struct cworker w;
    pthread_t th;
    cworker_start(&w, &th, a);
    ck_assert_int_eq(got(&w), 0);
    /* This thread moves to port b (a timed-out wait): a's packet goes. */
    ASSERT_FAILS(GetQueuedCompletionStatus(b, &n, &key, &pov, 0), WAIT_TIMEOUT);
    for (int i = 0; i < 20000 && got(&w) < 1; i++)
        settle_ms(1);
    ck_assert_int_eq(got(&w), 1);
    ck_assert_uint_eq(w.keys[0], 2);
    /* After the timeout this thread counts for b. */
    ck_assert(PostQueuedCompletionStatus(b, 0, 5, NULL));
    ck_assert(GetQueuedCompletionStatus(b, &n, &key, &pov, 0));
    ck_assert_uint_eq(key, 5);
    __atomic_store_n(&w.act, ACT_GQCS, __ATOMIC_RELEASE);
    ck_assert(PostQueuedCompletionStatus(a, 0, 0, NULL));
    void *r;
    pthread_join(th, &r);
    ck_assert_ptr_null(r);
    CloseHandle(w.ev);
    ck_assert(CloseHandle(a));
    ck_assert(CloseHandle(b));
}
END_TEST

static Suite *iocp_suite(void)
{
    Suite *s = suite_create("iocp");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_post_and_get);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_file_packets);
    tcase_add_test(tc, test_failed_packet);
    tcase_add_test(tc, test_ex_and_alertable);
    tcase_add_test(tc, test_close_while_waiting);
    tcase_add_test(tc, test_many_threads);
    tcase_add_test(tc, test_concurrency_one);
    tcase_add_test(tc, test_concurrency_own_thread);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(iocp_suite)
