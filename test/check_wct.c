/* Wait Chain Traversal (lib/sys/wct.c): chains through mutexes, events
 * and thread handles, deadlock cycles in one process and across two,
 * asynchronous sessions and the error paths. */
#define _GNU_SOURCE
#include "testutil.h"
#include "xproc.h"

#include <unistd.h>

#include <wct.h>

/* Waits (without a timed assertion: until the chain looks as asked or
 * a generous bound passes) for thread tid's chain to have `want` nodes,
 * the first one blocked, and IsCycle == cycle. */
static DWORD chain_when(HWCT h, DWORD flags, DWORD tid, DWORD want, BOOL cycle,
                        WAITCHAIN_NODE_INFO *nodes)
{
    DWORD count = 0;
    BOOL is_cycle = FALSE;
    for (int i = 0; i < 6000; i++) {
        count = WCT_MAX_NODE_COUNT;
        is_cycle = 7;
        BOOL ok = GetThreadWaitChain(h, 0, flags, tid, &count, nodes, &is_cycle);
        if (ok && count == want && is_cycle == cycle &&
            nodes[0].ObjectStatus == WctStatusBlocked)
            return count;
        Sleep(5);
    }
    ck_abort_msg("chain of %lu: %lu nodes, cycle %d (wanted %lu, %d)", (unsigned long)tid,
                 (unsigned long)count, is_cycle, (unsigned long)want, cycle);
    return 0;
}

static void assert_thread(const WAITCHAIN_NODE_INFO *n, DWORD tid, DWORD pid,
                          WCT_OBJECT_STATUS st)
{
    ck_assert_int_eq(n->ObjectType, WctThreadType);
    ck_assert_int_eq(n->ObjectStatus, st);
    ck_assert_uint_eq(n->ThreadObject.ThreadId, tid);
    ck_assert_uint_eq(n->ThreadObject.ProcessId, pid);
}

static void assert_object(const WAITCHAIN_NODE_INFO *n, WCT_OBJECT_TYPE type,
                          WCT_OBJECT_STATUS st, const char *name)
{
    ck_assert_int_eq(n->ObjectType, type);
    ck_assert_int_eq(n->ObjectStatus, st);
    size_t i = 0;
    for (; name[i]; i++)
        ck_assert_msg(n->LockObject.ObjectName[i] == (WCHAR)name[i], "object name is not %s", name);
    ck_assert_msg(n->LockObject.ObjectName[i] == 0, "object name is longer than %s", name);
}

/* ---- two threads, two mutexes ---- */

struct pair {
    HANDLE mine, other, quit, ready, go;
};

static DWORD WINAPI pair_thread(LPVOID arg)
{
    struct pair *p = arg;
    ck_assert_uint_eq(WaitForSingleObject(p->mine, INFINITE), WAIT_OBJECT_0);
    ReleaseSemaphore(p->ready, 1, NULL);
    /* Both own theirs before either asks for the other's. */
    ck_assert_uint_eq(WaitForSingleObject(p->go, INFINITE), WAIT_OBJECT_0);
    HANDLE h[2] = {p->other, p->quit};
    DWORD r = WaitForMultipleObjects(2, h, FALSE, INFINITE);
    if (r == WAIT_OBJECT_0)
        ReleaseMutex(p->other);
    ReleaseMutex(p->mine);
    return 0;
}

START_TEST(test_deadlock_cycle)
{
    HANDLE m1 = CreateMutexA(NULL, FALSE, "wct_check_m1");
    HANDLE m2 = CreateMutexA(NULL, FALSE, "wct_check_m2");
    HANDLE quit = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE ready = CreateSemaphoreA(NULL, 0, 2, NULL);
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct pair a = {m1, m2, quit, ready, go}, b = {m2, m1, quit, ready, go};
    HANDLE ta = CreateThread(NULL, 0, pair_thread, &a, 0, NULL);
    HANDLE tb = CreateThread(NULL, 0, pair_thread, &b, 0, NULL);
    ck_assert(ta && tb);
    ck_assert_uint_eq(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    ck_assert_uint_eq(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    SetEvent(go);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    ck_assert_ptr_nonnull(h);
    /* Both own theirs: each waits for the other's mutex. */
    DWORD ta_id = GetThreadId(ta), tb_id = GetThreadId(tb), pid = GetCurrentProcessId();
    ck_assert_uint_eq(chain_when(h, 0, ta_id, 5, TRUE, n), 5);
    assert_thread(&n[0], ta_id, pid, WctStatusBlocked);
    assert_object(&n[1], WctMutexType, WctStatusOwned, "wct_check_m2");
    assert_thread(&n[2], tb_id, pid, WctStatusBlocked);
    assert_object(&n[3], WctMutexType, WctStatusOwned, "wct_check_m1");
    assert_thread(&n[4], ta_id, pid, WctStatusBlocked);
    ck_assert_uint_eq(n[1].LockObject.Timeout.QuadPart, INFINITE);
    ck_assert_int_eq(n[1].LockObject.Alertable, FALSE);
    /* The same cycle seen from the other thread. */
    ck_assert_uint_eq(chain_when(h, 0, tb_id, 5, TRUE, n), 5);
    assert_thread(&n[0], tb_id, pid, WctStatusBlocked);
    assert_object(&n[1], WctMutexType, WctStatusOwned, "wct_check_m1");
    assert_thread(&n[2], ta_id, pid, WctStatusBlocked);

    /* Too small an array: ERROR_MORE_DATA and the count needed, the
     * nodes that fit filled in. */
    DWORD count = 2;
    BOOL cycle = FALSE;
    memset(n, 0xcc, sizeof n);
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, ta_id, &count, n, &cycle), ERROR_MORE_DATA);
    ck_assert_uint_eq(count, 5);
    assert_thread(&n[0], ta_id, pid, WctStatusBlocked);
    ck_assert_int_eq(n[2].ObjectType, (WCT_OBJECT_TYPE)0xcccccccc);

    SetEvent(quit);
    ck_assert_uint_eq(WaitForSingleObject(ta, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(WaitForSingleObject(tb, 10000), WAIT_OBJECT_0);
    /* A thread that has ended is not found (once Linux has let go of
     * its id too: its handle is signalled a little before). */
    for (int i = 0; i < 6000; i++) {
        count = WCT_MAX_NODE_COUNT;
        SetLastError(0xdeadbeef);
        if (!GetThreadWaitChain(h, 0, 0, ta_id, &count, n, &cycle))
            break;
        Sleep(5);
    }
    ASSERT_LAST_ERROR(ERROR_OBJECT_NOT_FOUND);
    CloseThreadWaitChainSession(h);
    CloseHandle(ta);
    CloseHandle(tb);
    CloseHandle(m1);
    CloseHandle(m2);
    CloseHandle(quit);
    CloseHandle(ready);
    CloseHandle(go);
}
END_TEST

/* ---- a wait on an event: the chain ends at the object ---- */

struct one_wait {
    HANDLE h;
    DWORD timeout;
    BOOL alertable;
};

static DWORD WINAPI wait_thread(LPVOID arg)
{
    struct one_wait *w = arg;
    DWORD r;
    do
        r = WaitForSingleObjectEx(w->h, w->timeout, w->alertable);
    while (r == WAIT_TIMEOUT);
    return r;
}

START_TEST(test_event_ends_chain)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, "wct_check_event");
    struct one_wait w = {ev, 600000, TRUE};
    HANDLE t = CreateThread(NULL, 0, wait_thread, &w, 0, NULL);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD tid = GetThreadId(t);
    ck_assert_uint_eq(chain_when(h, WCTP_GETINFO_ALL_FLAGS, tid, 2, FALSE, n), 2);
    assert_thread(&n[0], tid, GetCurrentProcessId(), WctStatusBlocked);
    assert_object(&n[1], WctUnknownType, WctStatusNotOwned, "wct_check_event");
    ck_assert_uint_eq(n[1].LockObject.Timeout.QuadPart, 600000);
    ck_assert_int_eq(n[1].LockObject.Alertable, TRUE);
    SetEvent(ev);
    ck_assert_uint_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);

    /* An unnamed semaphore: an empty name. */
    HANDLE sem = CreateSemaphoreA(NULL, 0, 1, NULL);
    struct one_wait w2 = {sem, INFINITE, FALSE};
    HANDLE t2 = CreateThread(NULL, 0, wait_thread, &w2, 0, NULL);
    tid = GetThreadId(t2);
    ck_assert_uint_eq(chain_when(h, 0, tid, 2, FALSE, n), 2);
    assert_object(&n[1], WctUnknownType, WctStatusNotOwned, "");
    ReleaseSemaphore(sem, 1, NULL);
    ck_assert_uint_eq(WaitForSingleObject(t2, 10000), WAIT_OBJECT_0);
    CloseThreadWaitChainSession(h);
    CloseHandle(t);
    CloseHandle(t2);
    CloseHandle(ev);
    CloseHandle(sem);
}
END_TEST

/* ---- thread -> mutex -> its owner, running ---- */

START_TEST(test_owner_running)
{
    HANDLE m = CreateMutexA(NULL, TRUE, NULL); /* this thread owns it */
    struct one_wait w = {m, INFINITE, FALSE};
    HANDLE t = CreateThread(NULL, 0, wait_thread, &w, 0, NULL);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD tid = GetThreadId(t), me = GetCurrentThreadId(), pid = GetCurrentProcessId();
    ck_assert_uint_eq(chain_when(h, 0, tid, 3, FALSE, n), 3);
    assert_thread(&n[0], tid, pid, WctStatusBlocked);
    assert_object(&n[1], WctMutexType, WctStatusOwned, "");
    assert_thread(&n[2], me, pid, WctStatusRunning);
    ck_assert_uint_eq(n[2].ThreadObject.WaitTime, 0);
    /* The calling thread's own chain: one running thread. */
    DWORD count = WCT_MAX_NODE_COUNT;
    BOOL cycle = TRUE;
    ck_assert(GetThreadWaitChain(h, 0, 0, me, &count, n, &cycle));
    ck_assert_uint_eq(count, 1);
    ck_assert_int_eq(cycle, FALSE);
    assert_thread(&n[0], me, pid, WctStatusRunning);
    ck_assert(ReleaseMutex(m));
    ck_assert_uint_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseThreadWaitChainSession(h);
    CloseHandle(t);
    CloseHandle(m);
}
END_TEST

/* ---- thread -> thread handle -> that thread -> event ---- */

static DWORD WINAPI join_thread(LPVOID arg)
{
    return WaitForSingleObject((HANDLE)arg, INFINITE);
}

START_TEST(test_thread_wait)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct one_wait w = {ev, INFINITE, FALSE};
    HANDLE inner = CreateThread(NULL, 0, wait_thread, &w, 0, NULL);
    HANDLE outer = CreateThread(NULL, 0, join_thread, inner, 0, NULL);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD pid = GetCurrentProcessId();
    ck_assert_uint_eq(chain_when(h, 0, GetThreadId(outer), 4, FALSE, n), 4);
    assert_thread(&n[0], GetThreadId(outer), pid, WctStatusBlocked);
    assert_object(&n[1], WctThreadWaitType, WctStatusOwned, "");
    assert_thread(&n[2], GetThreadId(inner), pid, WctStatusBlocked);
    assert_object(&n[3], WctUnknownType, WctStatusNotOwned, "");
    SetEvent(ev);
    ck_assert_uint_eq(WaitForSingleObject(outer, 10000), WAIT_OBJECT_0);
    CloseThreadWaitChainSession(h);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(ev);
}
END_TEST

/* ---- a chain longer than WCT_MAX_NODE_COUNT ---- */

#define LINKS 9
struct link {
    HANDLE own, next, owned, go;
};

static DWORD WINAPI link_thread(LPVOID arg)
{
    struct link *l = arg;
    ck_assert_uint_eq(WaitForSingleObject(l->own, INFINITE), WAIT_OBJECT_0);
    ReleaseSemaphore(l->owned, 1, NULL);
    ck_assert_uint_eq(WaitForSingleObject(l->go, INFINITE), WAIT_OBJECT_0);
    WaitForSingleObject(l->next, INFINITE);
    if (l->next != l->own)
        ReleaseMutex(l->next);
    ReleaseMutex(l->own);
    return 0;
}

START_TEST(test_too_many)
{
    HANDLE m[LINKS], t[LINKS], end = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE owned = CreateSemaphoreA(NULL, 0, LINKS, NULL);
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct link l[LINKS];
    for (int i = 0; i < LINKS; i++)
        m[i] = CreateMutexA(NULL, FALSE, NULL);
    /* Thread i owns mutex i and waits for mutex i + 1; the last waits
     * for the event: 9 threads and 9 objects, 18 nodes. */
    for (int i = 0; i < LINKS; i++) {
        l[i] = (struct link){m[i], i + 1 < LINKS ? m[i + 1] : end, owned, go};
        t[i] = CreateThread(NULL, 0, link_thread, &l[i], 0, NULL);
    }
    for (int i = 0; i < LINKS; i++)
        ck_assert_uint_eq(WaitForSingleObject(owned, 20000), WAIT_OBJECT_0);
    SetEvent(go);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD count = 0;
    BOOL cycle = FALSE;
    /* The last link blocked on the event: its chain has 2 nodes; then
     * the first's is 18 long. */
    ck_assert_uint_eq(chain_when(h, 0, GetThreadId(t[LINKS - 1]), 2, FALSE, n), 2);
    for (int i = 0; i < 6000; i++) {
        count = WCT_MAX_NODE_COUNT;
        SetLastError(0xdeadbeef);
        if (!GetThreadWaitChain(h, 0, 0, GetThreadId(t[0]), &count, n, &cycle) &&
            GetLastError() == ERROR_TOO_MANY_THREADS)
            break;
        Sleep(5);
    }
    ASSERT_LAST_ERROR(ERROR_TOO_MANY_THREADS);
    ck_assert_uint_eq(count, WCT_MAX_NODE_COUNT);
    for (int i = 0; i < WCT_MAX_NODE_COUNT / 2; i++) {
        assert_thread(&n[2 * i], GetThreadId(t[i]), GetCurrentProcessId(), WctStatusBlocked);
        assert_object(&n[2 * i + 1], WctMutexType, WctStatusOwned, "");
    }
    SetEvent(end);
    ck_assert_uint_eq(WaitForMultipleObjects(LINKS, t, TRUE, 20000), WAIT_OBJECT_0);
    CloseThreadWaitChainSession(h);
    for (int i = 0; i < LINKS; i++) {
        CloseHandle(t[i]);
        CloseHandle(m[i]);
    }
    CloseHandle(end);
    CloseHandle(owned);
    CloseHandle(go);
}
END_TEST

/* ---- a thread the library does not know ---- */

static void *plain_thread(void *arg)
{
    int *fds = arg;
    char c;
    __atomic_store_n(&fds[2], (int)gettid(), __ATOMIC_RELEASE);
    if (read(fds[0], &c, 1) != 1)
        return NULL;
    return NULL;
}

START_TEST(test_foreign_thread)
{
    int fds[3] = {0, 0, 0};
    pthread_t pt;
    ck_assert(pipe(fds) == 0);
    ck_assert(pthread_create(&pt, NULL, plain_thread, fds) == 0);
    while (!__atomic_load_n(&fds[2], __ATOMIC_ACQUIRE))
        Sleep(1);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD tid = (DWORD)fds[2];
    ck_assert_uint_eq(chain_when(h, 0, tid, 1, FALSE, n), 1);
    assert_thread(&n[0], tid, GetCurrentProcessId(), WctStatusBlocked);
    ck_assert(write(fds[1], "x", 1) == 1);
    pthread_join(pt, NULL);
    close(fds[0]);
    close(fds[1]);
    CloseThreadWaitChainSession(h);
}
END_TEST

/* ---- asynchronous sessions ---- */

static HANDLE async_done;
static volatile LONG async_calls, async_cancelled, async_status;

static VOID CALLBACK async_cb(HWCT h, DWORD_PTR ctx, DWORD status, LPDWORD count,
                              PWAITCHAIN_NODE_INFO nodes, LPBOOL cycle)
{
    (void)h;
    (void)count;
    (void)nodes;
    (void)cycle;
    if (status == ERROR_CANCELLED)
        InterlockedIncrement(&async_cancelled);
    InterlockedExchange(&async_status, (LONG)status);
    InterlockedIncrement(&async_calls);
    if (ctx)
        SetEvent((HANDLE)ctx);
}

START_TEST(test_async)
{
    async_done = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, "wct_check_async");
    struct one_wait w = {ev, INFINITE, FALSE};
    HANDLE t = CreateThread(NULL, 0, wait_thread, &w, 0, NULL);
    HWCT sync = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    ck_assert_uint_eq(chain_when(sync, 0, GetThreadId(t), 2, FALSE, n), 2);
    CloseThreadWaitChainSession(sync);

    HWCT h = OpenThreadWaitChainSession(WCT_ASYNC_OPEN_FLAG, async_cb);
    ck_assert_ptr_nonnull(h);
    DWORD count = WCT_MAX_NODE_COUNT;
    BOOL cycle = 7;
    memset(n, 0, sizeof n);
    ASSERT_FAILS(GetThreadWaitChain(h, (DWORD_PTR)async_done, 0, GetThreadId(t), &count, n,
                                    &cycle),
                 ERROR_IO_PENDING);
    ck_assert_uint_eq(WaitForSingleObject(async_done, 20000), WAIT_OBJECT_0);
    ck_assert_uint_eq((DWORD)InterlockedCompareExchange(&async_status, 0, 0), ERROR_SUCCESS);
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(cycle, FALSE);
    assert_thread(&n[0], GetThreadId(t), GetCurrentProcessId(), WctStatusBlocked);
    assert_object(&n[1], WctUnknownType, WctStatusNotOwned, "wct_check_async");

    /* Errors of the request itself come through the callback. */
    count = WCT_MAX_NODE_COUNT;
    ASSERT_FAILS(GetThreadWaitChain(h, (DWORD_PTR)async_done, 0, 0x7ffffff0, &count, n, &cycle),
                 ERROR_IO_PENDING);
    ck_assert_uint_eq(WaitForSingleObject(async_done, 20000), WAIT_OBJECT_0);
    ck_assert_uint_eq((DWORD)InterlockedCompareExchange(&async_status, 0, 0), ERROR_OBJECT_NOT_FOUND);

    /* Close with requests outstanding: every callback is called once,
     * before Close returns, with ERROR_SUCCESS or ERROR_CANCELLED (whose
     * count stays as it was). */
    enum { REQ = 64 };
    static DWORD counts[REQ];
    static BOOL cycles[REQ];
    static WAITCHAIN_NODE_INFO many[REQ][WCT_MAX_NODE_COUNT];
    InterlockedExchange(&async_calls, 0);
    for (int i = 0; i < REQ; i++) {
        counts[i] = WCT_MAX_NODE_COUNT;
        ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, GetThreadId(t), &counts[i], many[i],
                                        &cycles[i]),
                     ERROR_IO_PENDING);
    }
    CloseThreadWaitChainSession(h);
    ck_assert_int_eq(InterlockedCompareExchange(&async_calls, 0, 0), REQ);
    for (int i = 0; i < REQ; i++)
        ck_assert(counts[i] == 2 || counts[i] == WCT_MAX_NODE_COUNT);
    SetEvent(ev);
    ck_assert_uint_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    CloseHandle(ev);
    CloseHandle(async_done);
}
END_TEST

/* A callback that closes its own session. */
static VOID CALLBACK closing_cb(HWCT h, DWORD_PTR ctx, DWORD status, LPDWORD count,
                                PWAITCHAIN_NODE_INFO nodes, LPBOOL cycle)
{
    (void)count;
    (void)nodes;
    (void)cycle;
    InterlockedExchange(&async_status, (LONG)status);
    CloseThreadWaitChainSession(h);
    SetEvent((HANDLE)ctx);
}

START_TEST(test_async_close_in_callback)
{
    HANDLE done = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct one_wait w = {ev, INFINITE, FALSE};
    HANDLE t = CreateThread(NULL, 0, wait_thread, &w, 0, NULL);
    HWCT sync = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    ck_assert_uint_eq(chain_when(sync, 0, GetThreadId(t), 2, FALSE, n), 2);
    CloseThreadWaitChainSession(sync);
    HWCT h = OpenThreadWaitChainSession(WCT_ASYNC_OPEN_FLAG, closing_cb);
    DWORD count = WCT_MAX_NODE_COUNT;
    BOOL cycle;
    ASSERT_FAILS(GetThreadWaitChain(h, (DWORD_PTR)done, 0, GetThreadId(t), &count, n, &cycle),
                 ERROR_IO_PENDING);
    ck_assert_uint_eq(WaitForSingleObject(done, 20000), WAIT_OBJECT_0);
    ck_assert_uint_eq((DWORD)InterlockedCompareExchange(&async_status, 0, 0), ERROR_SUCCESS);
    ck_assert_uint_eq(count, 2);
    /* The session is gone. */
    count = WCT_MAX_NODE_COUNT;
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, GetCurrentThreadId(), &count, n, &cycle),
                 ERROR_INVALID_PARAMETER);
    SetEvent(ev);
    ck_assert_uint_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    CloseHandle(ev);
    CloseHandle(done);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_errors)
{
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD count = WCT_MAX_NODE_COUNT, me = GetCurrentThreadId();
    BOOL cycle;
    ASSERT_FAILS(OpenThreadWaitChainSession(2, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenThreadWaitChainSession(WCT_ASYNC_OPEN_FLAG, NULL), ERROR_INVALID_PARAMETER);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    ck_assert_ptr_nonnull(h);
    ASSERT_FAILS(GetThreadWaitChain(NULL, 0, 0, me, &count, n, &cycle), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetThreadWaitChain((HWCT)&count, 0, 0, me, &count, n, &cycle),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0x10, me, &count, n, &cycle), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, me, NULL, n, &cycle), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, me, &count, NULL, &cycle), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, me, &count, n, NULL), ERROR_INVALID_PARAMETER);
    count = 0;
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, me, &count, n, &cycle), ERROR_INVALID_PARAMETER);
    count = WCT_MAX_NODE_COUNT + 1;
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, me, &count, n, &cycle), ERROR_INVALID_PARAMETER);
    count = WCT_MAX_NODE_COUNT;
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, 0x7ffffff0, &count, n, &cycle),
                 ERROR_OBJECT_NOT_FOUND);
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, 0, &count, n, &cycle), ERROR_OBJECT_NOT_FOUND);
    /* Every documented flag is accepted; success leaves the last error. */
    count = 1;
    SetLastError(0xdeadbeef);
    ck_assert(GetThreadWaitChain(h, 0, WCTP_GETINFO_ALL_FLAGS | WCT_NETWORK_IO_FLAG, me, &count,
                                 n, &cycle));
    ASSERT_LAST_ERROR(0xdeadbeef);
    CloseThreadWaitChainSession(h);
    count = WCT_MAX_NODE_COUNT;
    ASSERT_FAILS(GetThreadWaitChain(h, 0, 0, me, &count, n, &cycle), ERROR_INVALID_PARAMETER);
    CloseThreadWaitChainSession(NULL); /* nothing to close */
    SetLastError(0);
    RegisterWaitChainCOMCallback(NULL, NULL);
    ASSERT_LAST_ERROR(ERROR_NOT_SUPPORTED);
}
END_TEST

/* ---- across two processes ---- */

/* The child owns "wct_check_xc", then waits for "wct_check_xp" (owned by
 * the parent's thread) or the quit event. */
static int xchild(struct xproc *x)
{
    HANDLE mc = CreateMutexA(NULL, TRUE, "wct_check_xc");
    HANDLE mp = OpenMutexA(SYNCHRONIZE, FALSE, "wct_check_xp");
    HANDLE quit = OpenEventA(SYNCHRONIZE, FALSE, "wct_check_xquit");
    if (!mc || !mp || !quit)
        return 1;
    DWORD tid = GetCurrentThreadId();
    xproc_send(x->to_parent[1], &tid, sizeof tid);
    HANDLE h[2] = {mp, quit};
    DWORD r = WaitForMultipleObjects(2, h, FALSE, INFINITE);
    if (r == WAIT_OBJECT_0)
        ReleaseMutex(mp);
    ReleaseMutex(mc);
    return r == WAIT_OBJECT_0 + 1 ? 0 : 2;
}

struct xparent {
    HANDLE mp, quit, owned;
};

static DWORD WINAPI xparent_thread(LPVOID arg)
{
    struct xparent *p = arg;
    ck_assert_uint_eq(WaitForSingleObject(p->mp, INFINITE), WAIT_OBJECT_0);
    ReleaseSemaphore(p->owned, 1, NULL);
    HANDLE mc = NULL;
    while (!(mc = OpenMutexA(SYNCHRONIZE, FALSE, "wct_check_xc")))
        Sleep(1);
    HANDLE h[2] = {mc, p->quit};
    DWORD r = WaitForMultipleObjects(2, h, FALSE, INFINITE);
    if (r == WAIT_OBJECT_0)
        ReleaseMutex(mc);
    ReleaseMutex(p->mp);
    CloseHandle(mc);
    return 0;
}

START_TEST(test_processes)
{
    struct xparent p = {CreateMutexA(NULL, FALSE, "wct_check_xp"),
                        CreateEventA(NULL, TRUE, FALSE, "wct_check_xquit"),
                        CreateSemaphoreA(NULL, 0, 1, NULL)};
    HANDLE t = CreateThread(NULL, 0, xparent_thread, &p, 0, NULL);
    ck_assert_uint_eq(WaitForSingleObject(p.owned, 20000), WAIT_OBJECT_0);
    struct xproc x;
    xproc_start(&x, xchild);
    DWORD child_tid = 0;
    ck_assert(read(x.to_parent[0], &child_tid, sizeof child_tid) == sizeof child_tid);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    DWORD tid = GetThreadId(t), pid = GetCurrentProcessId();
    /* Followed into the child and back: a deadlock across processes. */
    ck_assert_uint_eq(chain_when(h, WCT_OUT_OF_PROC_FLAG, tid, 5, TRUE, n), 5);
    assert_thread(&n[0], tid, pid, WctStatusBlocked);
    assert_object(&n[1], WctMutexType, WctStatusOwned, "wct_check_xc");
    assert_thread(&n[2], child_tid, (DWORD)x.pid, WctStatusBlocked);
    assert_object(&n[3], WctMutexType, WctStatusOwned, "wct_check_xp");
    assert_thread(&n[4], tid, pid, WctStatusBlocked);
    /* Without WCT_OUT_OF_PROC_FLAG the chain stops at the child's thread. */
    DWORD count = WCT_MAX_NODE_COUNT;
    BOOL cycle = TRUE;
    ck_assert(GetThreadWaitChain(h, 0, 0, tid, &count, n, &cycle));
    ck_assert_uint_eq(count, 3);
    ck_assert_int_eq(cycle, FALSE);
    assert_thread(&n[2], child_tid, (DWORD)x.pid, WctStatusPidOnly);
    /* The child's thread asked for directly. */
    ck_assert_uint_eq(chain_when(h, WCT_OUT_OF_PROC_FLAG, child_tid, 5, TRUE, n), 5);
    assert_thread(&n[0], child_tid, (DWORD)x.pid, WctStatusBlocked);
    assert_thread(&n[2], tid, pid, WctStatusBlocked);
    SetEvent(p.quit);
    ck_assert_int_eq(xproc_wait(&x), 0);
    ck_assert_uint_eq(WaitForSingleObject(t, 20000), WAIT_OBJECT_0);
    CloseThreadWaitChainSession(h);
    CloseHandle(t);
    CloseHandle(p.mp);
    CloseHandle(p.quit);
    CloseHandle(p.owned);
}
END_TEST

/* ---- chains read while the waits change under them ---- */

#define CHURNERS 4
static volatile LONG churn_stop;

static DWORD WINAPI churn_thread(LPVOID arg)
{
    HANDLE *objs = arg; /* two mutexes and an event */
    for (unsigned i = 0; !InterlockedCompareExchange(&churn_stop, 0, 0); i++) {
        HANDLE m = objs[i & 1];
        if (WaitForSingleObject(m, 1) == WAIT_OBJECT_0) {
            WaitForSingleObject(objs[2], i % 3);
            ReleaseMutex(m);
        }
    }
    return 0;
}

START_TEST(test_churn)
{
    HANDLE objs[3] = {CreateMutexA(NULL, FALSE, NULL), CreateMutexA(NULL, FALSE, NULL),
                      CreateEventA(NULL, TRUE, FALSE, NULL)};
    HANDLE t[CHURNERS];
    InterlockedExchange(&churn_stop, 0);
    for (int i = 0; i < CHURNERS; i++)
        t[i] = CreateThread(NULL, 0, churn_thread, objs, 0, NULL);
    HWCT h = OpenThreadWaitChainSession(0, NULL);
    WAITCHAIN_NODE_INFO n[WCT_MAX_NODE_COUNT];
    for (int k = 0; k < 3000; k++) {
        DWORD tid = GetThreadId(t[k % CHURNERS]);
        DWORD count = WCT_MAX_NODE_COUNT;
        BOOL cycle = 7;
        ck_assert(GetThreadWaitChain(h, 0, 0, tid, &count, n, &cycle));
        ck_assert(count >= 1 && count <= WCT_MAX_NODE_COUNT);
        /* A snapshot: a thread read late may already wait for what an
         * earlier one took meanwhile, so even a (stale) cycle may show. */
        ck_assert(cycle == FALSE || cycle == TRUE);
        assert_thread(&n[0], tid, GetCurrentProcessId(), n[0].ObjectStatus);
        for (DWORD j = 1; j < count; j += 2)
            ck_assert(n[j].ObjectType == WctMutexType || n[j].ObjectType == WctUnknownType);
    }
    InterlockedExchange(&churn_stop, 1);
    ck_assert_uint_eq(WaitForMultipleObjects(CHURNERS, t, TRUE, 20000), WAIT_OBJECT_0);
    CloseThreadWaitChainSession(h);
    for (int i = 0; i < CHURNERS; i++)
        CloseHandle(t[i]);
    for (int i = 0; i < 3; i++)
        CloseHandle(objs[i]);
}
END_TEST

static Suite *wct_suite(void)
{
    Suite *s = suite_create("wct");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *async = tcase_create("async");
    TCase *threads = tcase_create("threads");
    TCase *processes = tcase_create("processes");
    tcase_add_test(basic, test_deadlock_cycle);
    tcase_add_test(basic, test_event_ends_chain);
    tcase_add_test(basic, test_owner_running);
    tcase_add_test(basic, test_thread_wait);
    tcase_add_test(basic, test_too_many);
    tcase_add_test(basic, test_foreign_thread);
    tcase_add_test(errors, test_errors);
    tcase_add_test(async, test_async);
    tcase_add_test(async, test_async_close_in_callback);
    tcase_add_test(threads, test_churn);
#if !defined(__SANITIZE_THREAD__) /* TSan refuses threads (the child's deathwatch) after fork */
    tcase_add_test(processes, test_processes);
#else
    (void)test_processes;
#endif
    tcase_set_timeout(basic, 60);
    tcase_set_timeout(async, 60);
    tcase_set_timeout(threads, 60);
    tcase_set_timeout(processes, 60);
    suite_add_tcase(s, basic);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, async);
    suite_add_tcase(s, threads);
    suite_add_tcase(s, processes);
    return s;
}

TEST_MAIN(wct_suite)
