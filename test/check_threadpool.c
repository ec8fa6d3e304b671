/* The Vista thread pool (lib/proc/threadpool.c) and the legacy pool
 * (lib/proc/legacypool.c): work, simple callbacks, timers, waits, I/O,
 * cleanup groups, callback instances, QueueUserWorkItem,
 * BindIoCompletionCallback.  Sequencing is by events; time bounds are
 * generous and one-sided ("not before"). */
#include "pipeutil.h"
#include "testutil.h"

#include <string.h>

#define LONG_WAIT 10000

static FILETIME rel_ft(LONGLONG ms)
{
    ULONGLONG v = (ULONGLONG)(-ms * 10000);
    FILETIME ft = {(DWORD)v, (DWORD)(v >> 32)};
    return ft;
}

/* ---- work ---- */

struct counter {
    volatile LONG n;
    HANDLE done;   /* set when n reaches target */
    LONG target;
    HANDLE gate;   /* callbacks wait on it when set */
    PVOID seen_ctx, seen_obj;
};

static VOID CALLBACK count_work(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    struct counter *c = ctx;
    ck_assert_ptr_nonnull(inst);
    __atomic_store_n(&c->seen_obj, w, __ATOMIC_RELAXED); /* callbacks run at once */
    if (c->gate)
        WaitForSingleObject(c->gate, INFINITE);
    if (InterlockedIncrement(&c->n) == c->target && c->done)
        SetEvent(c->done);
}

START_TEST(test_work_basic)
{
    struct counter c = {.target = 3, .done = CreateEventA(NULL, TRUE, FALSE, NULL)};
    PTP_WORK w = CreateThreadpoolWork(count_work, &c, NULL);
    ck_assert_ptr_nonnull(w);
    SubmitThreadpoolWork(w);
    SubmitThreadpoolWork(w);
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ck_assert_int_eq(c.n, 3);
    ck_assert_ptr_eq(c.seen_obj, w);
    ASSERT_WAIT(WaitForSingleObject(c.done, 0), WAIT_OBJECT_0);
    CloseThreadpoolWork(w);
    CloseHandle(c.done);
}
END_TEST

static VOID CALLBACK simple_cb(PTP_CALLBACK_INSTANCE inst, PVOID ctx)
{
    (void)inst;
    SetEvent((HANDLE)ctx);
}

START_TEST(test_try_submit)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetLastError(0xdeadbeef);
    ck_assert(TrySubmitThreadpoolCallback(simple_cb, e, NULL));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(e, LONG_WAIT), WAIT_OBJECT_0);
    CloseHandle(e);
}
END_TEST

static volatile LONG concurrent, max_concurrent;

static VOID CALLBACK serial_work(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    (void)inst;
    (void)w;
    LONG now = InterlockedIncrement(&concurrent);
    LONG m;
    while ((m = max_concurrent) < now)
        InterlockedCompareExchange(&max_concurrent, now, m);
    settle_ms(2);
    InterlockedDecrement(&concurrent);
    InterlockedIncrement((LONG *)ctx);
}

START_TEST(test_private_pool_maximum)
{
    PTP_POOL pool = CreateThreadpool(NULL);
    ck_assert_ptr_nonnull(pool);
    SetThreadpoolThreadMaximum(pool, 1);
    TP_CALLBACK_ENVIRON env;
    InitializeThreadpoolEnvironment(&env);
    ck_assert_uint_eq(env.Version, 3);
    ck_assert_uint_eq(env.Size, sizeof(TP_CALLBACK_ENVIRON));
    ck_assert_int_eq(env.CallbackPriority, TP_CALLBACK_PRIORITY_NORMAL);
    SetThreadpoolCallbackPool(&env, pool);
    ck_assert_ptr_eq(env.Pool, pool);
    volatile LONG n = 0;
    PTP_WORK w = CreateThreadpoolWork(serial_work, (PVOID)&n, &env);
    ck_assert_ptr_nonnull(w);
    for (int i = 0; i < 20; i++)
        SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ck_assert_int_eq(n, 20);
    ck_assert_int_eq(max_concurrent, 1);
    CloseThreadpoolWork(w);
    DestroyThreadpoolEnvironment(&env);
    CloseThreadpool(pool);
}
END_TEST

START_TEST(test_pool_minimum_and_stack)
{
    PTP_POOL pool = CreateThreadpool(NULL);
    ck_assert_ptr_nonnull(pool);
    SetLastError(0xdeadbeef);
    ck_assert(SetThreadpoolThreadMinimum(pool, 2));
    TP_POOL_STACK_INFORMATION si = {1 << 20, 4096}, got;
    memset(&got, 0xcc, sizeof got);
    ck_assert(SetThreadpoolStackInformation(pool, &si));
    ck_assert(QueryThreadpoolStackInformation(pool, &got));
    ck_assert_uint_eq(got.StackReserve, 1 << 20);
    ASSERT_FAILS(SetThreadpoolStackInformation(pool, NULL), ERROR_INVALID_PARAMETER);
    CloseThreadpool(pool);
}
END_TEST

START_TEST(test_wait_cancel_pending)
{
    PTP_POOL pool = CreateThreadpool(NULL);
    SetThreadpoolThreadMaximum(pool, 1);
    TP_CALLBACK_ENVIRON env;
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackPool(&env, pool);
    struct counter c = {.gate = CreateEventA(NULL, TRUE, FALSE, NULL), .target = -1};
    PTP_WORK w = CreateThreadpoolWork(count_work, &c, &env);
    for (int i = 0; i < 10; i++)
        SubmitThreadpoolWork(w);
    settle_ms(50); /* the first one is (likely) running, blocked on the gate */
    SetEvent(c.gate);
    WaitForThreadpoolWorkCallbacks(w, TRUE);
    LONG ran = c.n;
    ck_assert_int_le(ran, 10);
    SubmitThreadpoolWork(w); /* still usable */
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ck_assert_int_eq(c.n, ran + 1);
    CloseThreadpoolWork(w);
    CloseThreadpool(pool);
    CloseHandle(c.gate);
}
END_TEST

static VOID CALLBACK close_self(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    (void)inst;
    CloseThreadpoolWork(w);
    SetEvent((HANDLE)ctx);
}

START_TEST(test_close_from_callback)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    PTP_WORK w = CreateThreadpoolWork(close_self, e, NULL);
    SubmitThreadpoolWork(w);
    ASSERT_WAIT(WaitForSingleObject(e, LONG_WAIT), WAIT_OBJECT_0);
    CloseHandle(e);
}
END_TEST

/* ---- callback instances ---- */

struct inst_test {
    HANDLE event, sem, mutex, go;
    CRITICAL_SECTION cs;
    int which;
    BOOL may_run_long;
};

static VOID CALLBACK instance_work(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    (void)w;
    struct inst_test *t = ctx;
    switch (t->which) {
    case 0:
        SetEventWhenCallbackReturns(inst, t->event);
        break;
    case 1:
        ReleaseSemaphoreWhenCallbackReturns(inst, t->sem, 2);
        break;
    case 2:
        ck_assert_uint_eq(WaitForSingleObject(t->mutex, 0), WAIT_OBJECT_0);
        ReleaseMutexWhenCallbackReturns(inst, t->mutex);
        break;
    case 3:
        EnterCriticalSection(&t->cs);
        LeaveCriticalSectionWhenCallbackReturns(inst, &t->cs);
        break;
    case 4:
        t->may_run_long = CallbackMayRunLong(inst);
        break;
    case 5:
        DisassociateCurrentThreadFromCallback(inst);
        WaitForSingleObject(t->go, INFINITE);
        SetEvent(t->event);
        return; /* the test may be gone: nobody waits for this callback */
    }
    /* Nothing is released before the callback has returned. */
    if (t->which == 0)
        ck_assert_uint_eq(WaitForSingleObject(t->event, 0), WAIT_TIMEOUT);
}

START_TEST(test_instance_functions)
{
    struct inst_test t = {0};
    t.event = CreateEventA(NULL, TRUE, FALSE, NULL);
    t.sem = CreateSemaphoreA(NULL, 0, 10, NULL);
    t.mutex = CreateMutexA(NULL, FALSE, NULL);
    t.go = CreateEventA(NULL, TRUE, FALSE, NULL);
    InitializeCriticalSection(&t.cs);
    PTP_WORK w = CreateThreadpoolWork(instance_work, &t, NULL);

    t.which = 0;
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ASSERT_WAIT(WaitForSingleObject(t.event, 0), WAIT_OBJECT_0);

    t.which = 1;
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    LONG prev = -1;
    ck_assert(ReleaseSemaphore(t.sem, 1, &prev));
    ck_assert_int_eq(prev, 2);

    t.which = 2;
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ASSERT_WAIT(WaitForSingleObject(t.mutex, 0), WAIT_OBJECT_0); /* released, not abandoned */
    ck_assert(ReleaseMutex(t.mutex));

    t.which = 3;
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ck_assert(TryEnterCriticalSection(&t.cs));
    LeaveCriticalSection(&t.cs);

    t.which = 4;
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ck_assert(t.may_run_long);

    /* A disassociated callback no longer counts for WaitFor...Callbacks. */
    ResetEvent(t.event);
    t.which = 5;
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE); /* returns with it still blocked */
    ASSERT_WAIT(WaitForSingleObject(t.event, 0), WAIT_TIMEOUT);
    SetEvent(t.go);
    ASSERT_WAIT(WaitForSingleObject(t.event, LONG_WAIT), WAIT_OBJECT_0);

    CloseThreadpoolWork(w);
    DeleteCriticalSection(&t.cs);
    CloseHandle(t.event);
    CloseHandle(t.sem);
    CloseHandle(t.mutex);
    CloseHandle(t.go);
}
END_TEST

/* ---- timers ---- */

static VOID CALLBACK count_timer(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_TIMER t)
{
    (void)inst;
    (void)t;
    struct counter *c = ctx;
    if (InterlockedIncrement(&c->n) == c->target && c->done)
        SetEvent(c->done);
}

START_TEST(test_timer_one_shot)
{
    struct counter c = {.target = 1, .done = CreateEventA(NULL, TRUE, FALSE, NULL)};
    PTP_TIMER t = CreateThreadpoolTimer(count_timer, &c, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert(!IsThreadpoolTimerSet(t));
    FILETIME due = rel_ft(100);
    ULONGLONG t0 = GetTickCount64();
    SetThreadpoolTimer(t, &due, 0, 0);
    ck_assert(IsThreadpoolTimerSet(t));
    ASSERT_WAIT(WaitForSingleObject(c.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_ge(GetTickCount64() - t0, 90);
    WaitForThreadpoolTimerCallbacks(t, FALSE);
    ck_assert(!IsThreadpoolTimerSet(t));
    settle_ms(50);
    ck_assert_int_eq(c.n, 1);
    /* A zero due time fires at once. */
    FILETIME zero = {0, 0};
    ResetEvent(c.done);
    c.target = 2;
    SetThreadpoolTimer(t, &zero, 0, 0);
    ASSERT_WAIT(WaitForSingleObject(c.done, LONG_WAIT), WAIT_OBJECT_0);
    CloseThreadpoolTimer(t);
    CloseHandle(c.done);
}
END_TEST

START_TEST(test_timer_periodic_and_cancel)
{
    struct counter c = {.target = 5, .done = CreateEventA(NULL, TRUE, FALSE, NULL)};
    PTP_TIMER t = CreateThreadpoolTimer(count_timer, &c, NULL);
    FILETIME due = rel_ft(10);
    ck_assert(!SetThreadpoolTimerEx(t, &due, 10, 0)); /* was not set */
    ASSERT_WAIT(WaitForSingleObject(c.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert(IsThreadpoolTimerSet(t)); /* periodic: still set */
    ck_assert(SetThreadpoolTimerEx(t, NULL, 0, 0)); /* was set: cancelled */
    ck_assert(!IsThreadpoolTimerSet(t));
    WaitForThreadpoolTimerCallbacks(t, FALSE);
    LONG n = c.n;
    settle_ms(60);
    ck_assert_int_eq(c.n, n);
    CloseThreadpoolTimer(t);
    CloseHandle(c.done);
}
END_TEST

START_TEST(test_timer_absolute)
{
    struct counter c = {.target = 1, .done = CreateEventA(NULL, TRUE, FALSE, NULL)};
    PTP_TIMER t = CreateThreadpoolTimer(count_timer, &c, NULL);
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    ULARGE_INTEGER u = {.LowPart = now.dwLowDateTime, .HighPart = now.dwHighDateTime};
    u.QuadPart += 100 * 10000; /* 100 ms from now */
    FILETIME due = {u.LowPart, u.HighPart};
    ULONGLONG t0 = GetTickCount64();
    SetThreadpoolTimer(t, &due, 0, 0);
    ASSERT_WAIT(WaitForSingleObject(c.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_ge(GetTickCount64() - t0, 80);
    CloseThreadpoolTimer(t);
    CloseHandle(c.done);
}
END_TEST

/* ---- waits ---- */

static VOID CALLBACK count_wait(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WAIT w,
                                TP_WAIT_RESULT r)
{
    (void)inst;
    (void)w;
    struct counter *c = ctx;
    ck_assert_uint_eq(r, WAIT_OBJECT_0);
    if (InterlockedIncrement(&c->n) == c->target && c->done)
        SetEvent(c->done);
}

static VOID CALLBACK count_simple(PTP_CALLBACK_INSTANCE inst, PVOID ctx)
{
    (void)inst;
    InterlockedIncrement(&((struct counter *)ctx)->n);
}

struct wait_rec {
    volatile LONG n;
    TP_WAIT_RESULT last;
    HANDLE done;
};

static VOID CALLBACK record_wait(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WAIT w,
                                 TP_WAIT_RESULT r)
{
    (void)inst;
    (void)w;
    struct wait_rec *rec = ctx;
    rec->last = r;
    InterlockedIncrement(&rec->n);
    SetEvent(rec->done);
}

START_TEST(test_wait_signal_and_timeout)
{
    struct wait_rec rec = {.done = CreateEventA(NULL, FALSE, FALSE, NULL)};
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    PTP_WAIT w = CreateThreadpoolWait(record_wait, &rec, NULL);
    ck_assert_ptr_nonnull(w);
    SetThreadpoolWait(w, ev, NULL);
    settle_ms(20);
    ck_assert_int_eq(rec.n, 0);
    SetEvent(ev);
    ASSERT_WAIT(WaitForSingleObject(rec.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_eq(rec.last, WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_TIMEOUT); /* the wait consumed it */
    /* One-shot: a second signal queues nothing until set again. */
    SetEvent(ev);
    settle_ms(30);
    ck_assert_int_eq(rec.n, 1);
    ResetEvent(ev);
    /* Timeout. */
    FILETIME to = rel_ft(50);
    SetThreadpoolWait(w, ev, &to);
    ASSERT_WAIT(WaitForSingleObject(rec.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_eq(rec.last, WAIT_TIMEOUT);
    /* Unset: nothing more. */
    SetThreadpoolWait(w, ev, NULL);
    ck_assert(SetThreadpoolWaitEx(w, NULL, NULL, NULL)); /* was pending */
    ck_assert(!SetThreadpoolWaitEx(w, NULL, NULL, NULL));
    SetEvent(ev);
    settle_ms(30);
    ck_assert_int_eq(rec.n, 2);
    WaitForThreadpoolWaitCallbacks(w, FALSE);
    CloseThreadpoolWait(w);
    CloseHandle(ev);
    CloseHandle(rec.done);
}
END_TEST

START_TEST(test_wait_many)
{
    /* 200 waits: more than three wait threads' worth. */
    enum { N = 200 };
    static HANDLE evs[N];
    static PTP_WAIT ws[N];
    struct counter c = {.target = N, .done = CreateEventA(NULL, TRUE, FALSE, NULL)};
    for (int i = 0; i < N; i++) {
        evs[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
        ws[i] = CreateThreadpoolWait(count_wait, &c, NULL);
        SetThreadpoolWait(ws[i], evs[i], NULL);
    }
    for (int i = N - 1; i >= 0; i--)
        SetEvent(evs[i]);
    ASSERT_WAIT(WaitForSingleObject(c.done, LONG_WAIT), WAIT_OBJECT_0);
    for (int i = 0; i < N; i++) {
        WaitForThreadpoolWaitCallbacks(ws[i], FALSE);
        CloseThreadpoolWait(ws[i]);
        CloseHandle(evs[i]);
    }
    ck_assert_int_eq(c.n, N);
    CloseHandle(c.done);
}
END_TEST

START_TEST(test_wait_handle_closed_by_program)
{
    /* The pool waits on its own duplicate: closing ours changes nothing. */
    struct wait_rec rec = {.done = CreateEventA(NULL, FALSE, FALSE, NULL)};
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), other;
    ck_assert(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &other, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    PTP_WAIT w = CreateThreadpoolWait(record_wait, &rec, NULL);
    SetThreadpoolWait(w, ev, NULL);
    CloseHandle(ev);
    SetEvent(other);
    ASSERT_WAIT(WaitForSingleObject(rec.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_eq(rec.last, WAIT_OBJECT_0);
    CloseThreadpoolWait(w);
    CloseHandle(other);
    CloseHandle(rec.done);
}
END_TEST

/* ---- I/O ---- */

struct io_rec {
    PVOID ov;
    ULONG result;
    ULONG_PTR bytes;
    HANDLE done;
};

static VOID CALLBACK record_io(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PVOID ov, ULONG result,
                               ULONG_PTR bytes, PTP_IO io)
{
    (void)inst;
    (void)io;
    struct io_rec *r = ctx;
    r->ov = ov;
    r->result = result;
    r->bytes = bytes;
    SetEvent(r->done);
}

START_TEST(test_io)
{
    HANDLE writer;
    HANDLE rd = overlapped_pipe_reader("tpio", &writer);
    struct io_rec rec = {.done = CreateEventA(NULL, FALSE, FALSE, NULL)};
    PTP_IO io = CreateThreadpoolIo(rd, record_io, &rec, NULL);
    ck_assert_ptr_nonnull(io);
    char buf[16];
    OVERLAPPED ov = {0};
    StartThreadpoolIo(io);
    ASSERT_FAILS(ReadFile(rd, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    DWORD n;
    ck_assert(WriteFile(writer, "hello", 5, &n, NULL));
    ASSERT_WAIT(WaitForSingleObject(rec.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_ptr_eq(rec.ov, &ov);
    ck_assert_uint_eq(rec.result, 0);
    ck_assert_uint_eq(rec.bytes, 5);
    ck_assert(!memcmp(buf, "hello", 5));
    /* A read that fails at once: CancelThreadpoolIo, no callback. */
    StartThreadpoolIo(io);
    CancelThreadpoolIo(io);
    WaitForThreadpoolIoCallbacks(io, FALSE);
    CloseThreadpoolIo(io);
    /* A file has one port for life. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateThreadpoolIo(rd, record_io, &rec, NULL));
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    CloseHandle(writer);
    CloseHandle(rd);
    CloseHandle(rec.done);
}
END_TEST

/* ---- cleanup groups ---- */

static volatile LONG cancelled;
static PVOID cancel_ctx_seen;

static VOID CALLBACK on_cancel(PVOID obj_ctx, PVOID cleanup_ctx)
{
    (void)obj_ctx;
    cancel_ctx_seen = cleanup_ctx;
    InterlockedIncrement(&cancelled);
}

START_TEST(test_cleanup_group_cancel)
{
    PTP_POOL pool = CreateThreadpool(NULL);
    SetThreadpoolThreadMaximum(pool, 1);
    PTP_CLEANUP_GROUP g = CreateThreadpoolCleanupGroup();
    ck_assert_ptr_nonnull(g);
    TP_CALLBACK_ENVIRON env;
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackPool(&env, pool);
    SetThreadpoolCallbackCleanupGroup(&env, g, on_cancel);
    struct counter c = {.gate = CreateEventA(NULL, TRUE, FALSE, NULL), .target = -1};
    PTP_WORK w = CreateThreadpoolWork(count_work, &c, &env);
    struct counter tc = {.target = -1};
    PTP_TIMER t = CreateThreadpoolTimer(count_timer, &tc, &env);
    FILETIME due = rel_ft(100000);
    SetThreadpoolTimer(t, &due, 0, 0);
    for (int i = 0; i < 5; i++)
        SubmitThreadpoolWork(w);
    settle_ms(30);
    SetEvent(c.gate);
    CloseThreadpoolCleanupGroupMembers(g, TRUE, (PVOID)0x1234);
    ck_assert_int_le(c.n, 5);
    ck_assert_int_eq(cancelled, 2);
    ck_assert_ptr_eq(cancel_ctx_seen, (PVOID)0x1234);
    ck_assert_int_eq(tc.n, 0);
    CloseThreadpoolCleanupGroup(g);
    CloseThreadpool(pool);
    CloseHandle(c.gate);
}
END_TEST

START_TEST(test_cleanup_group_wait)
{
    PTP_CLEANUP_GROUP g = CreateThreadpoolCleanupGroup();
    TP_CALLBACK_ENVIRON env;
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackCleanupGroup(&env, g, on_cancel);
    struct counter c = {.target = -1};
    PTP_WORK w = CreateThreadpoolWork(count_work, &c, &env);
    for (int i = 0; i < 5; i++)
        SubmitThreadpoolWork(w);
    ck_assert(TrySubmitThreadpoolCallback(count_simple, &c, &env));
    cancelled = 0;
    CloseThreadpoolCleanupGroupMembers(g, FALSE, NULL);
    ck_assert_int_eq(c.n, 6); /* all ran: nothing cancelled */
    ck_assert_int_eq(cancelled, 0);
    CloseThreadpoolCleanupGroup(g);
}
END_TEST

/* ---- the legacy pool ---- */

static DWORD WINAPI user_item(LPVOID p)
{
    SetEvent((HANDLE)p);
    return 0;
}

START_TEST(test_queue_user_work_item)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ULONG flags[] = {WT_EXECUTEDEFAULT, WT_EXECUTELONGFUNCTION, WT_EXECUTEINIOTHREAD,
                     WT_EXECUTEINPERSISTENTTHREAD, WT_TRANSFER_IMPERSONATION};
    for (unsigned i = 0; i < sizeof flags / sizeof *flags; i++) {
        SetLastError(0xdeadbeef);
        ck_assert(QueueUserWorkItem(user_item, e, flags[i]));
        ASSERT_LAST_ERROR(0xdeadbeef);
        ASSERT_WAIT(WaitForSingleObject(e, LONG_WAIT), WAIT_OBJECT_0);
    }
    CloseHandle(e);
}
END_TEST

static struct io_rec bound;
static VOID WINAPI bound_done(DWORD err, DWORD bytes, LPOVERLAPPED ov)
{
    bound.result = err;
    bound.bytes = bytes;
    bound.ov = ov;
    SetEvent(bound.done);
}

START_TEST(test_bind_io_completion_callback)
{
    HANDLE writer;
    HANDLE rd = overlapped_pipe_reader("tpbind", &writer);
    bound.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    ck_assert(BindIoCompletionCallback(rd, bound_done, 0));
    char buf[8];
    OVERLAPPED ov = {0};
    ASSERT_FAILS(ReadFile(rd, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    DWORD n;
    ck_assert(WriteFile(writer, "abc", 3, &n, NULL));
    ASSERT_WAIT(WaitForSingleObject(bound.done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_eq(bound.result, 0);
    ck_assert_uint_eq(bound.bytes, 3);
    ck_assert_ptr_eq(bound.ov, &ov);
    ASSERT_FAILS(BindIoCompletionCallback(rd, bound_done, 0), ERROR_INVALID_PARAMETER);
    CloseHandle(writer);
    CloseHandle(rd);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_errors)
{
    ASSERT_FAILS(CreateThreadpoolWork(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateThreadpoolTimer(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateThreadpoolWait(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(TrySubmitThreadpoolCallback(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(QueueUserWorkItem(NULL, NULL, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateThreadpoolIo(INVALID_HANDLE_VALUE, record_io, NULL, NULL),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(BindIoCompletionCallback(INVALID_HANDLE_VALUE, bound_done, 0),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(BindIoCompletionCallback(INVALID_HANDLE_VALUE, bound_done, 1),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadpoolThreadMinimum(NULL, 1), ERROR_INVALID_PARAMETER);
    /* A wait on something that is not a handle queues nothing. */
    struct wait_rec rec = {.done = CreateEventA(NULL, FALSE, FALSE, NULL)};
    PTP_WAIT w = CreateThreadpoolWait(record_wait, &rec, NULL);
    ck_assert(!SetThreadpoolWaitEx(w, (HANDLE)(ULONG_PTR)0x7ffffff0, NULL, NULL));
    settle_ms(20);
    ck_assert_int_eq(rec.n, 0);
    CloseThreadpoolWait(w);
    CloseHandle(rec.done);
}
END_TEST

/* ---- stress ---- */

static PTP_WORK shared_work;
static volatile LONG stress_ran;

static VOID CALLBACK stress_work(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    (void)inst;
    (void)ctx;
    (void)w;
    InterlockedIncrement(&stress_ran);
}

static DWORD WINAPI submitter(LPVOID arg)
{
    int id = (int)(INT_PTR)arg;
    for (int i = 0; i < 2000; i++) {
        SubmitThreadpoolWork(shared_work);
        if ((i + id) % 7 == 0)
            WaitForThreadpoolWorkCallbacks(shared_work, TRUE);
        if (i % 50 == 0) { /* objects made and closed while others run */
            PTP_WORK own = CreateThreadpoolWork(stress_work, NULL, NULL);
            SubmitThreadpoolWork(own);
            SubmitThreadpoolWork(own);
            CloseThreadpoolWork(own);
        }
    }
    return 0;
}

START_TEST(test_stress_submit_cancel)
{
    shared_work = CreateThreadpoolWork(stress_work, NULL, NULL);
    HANDLE th[8];
    for (int i = 0; i < 8; i++)
        th[i] = CreateThread(NULL, 0, submitter, (LPVOID)(INT_PTR)i, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(8, th, TRUE, 120000), WAIT_OBJECT_0);
    WaitForThreadpoolWorkCallbacks(shared_work, FALSE);
    LONG n = stress_ran;
    ck_assert_int_gt(n, 0);
    ck_assert_int_le(n, 8 * 2000 + 8 * 40 * 2);
    SubmitThreadpoolWork(shared_work);
    WaitForThreadpoolWorkCallbacks(shared_work, FALSE);
    ck_assert_int_ge(stress_ran, n + 1);
    CloseThreadpoolWork(shared_work);
    for (int i = 0; i < 8; i++)
        CloseHandle(th[i]);
}
END_TEST

static VOID CALLBACK blocker(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    (void)inst;
    (void)w;
    WaitForSingleObject((HANDLE)ctx, INFINITE);
}

START_TEST(test_starvation)
{
    /* More callbacks block on one event than there are CPUs: the pool
     * must add threads so that the one that sets it gets to run. */
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    PTP_WORK b = CreateThreadpoolWork(blocker, e, NULL);
    for (int i = 0; i < 16; i++)
        SubmitThreadpoolWork(b);
    ck_assert(TrySubmitThreadpoolCallback(simple_cb, e, NULL));
    WaitForThreadpoolWorkCallbacks(b, FALSE);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseThreadpoolWork(b);
    CloseHandle(e);
}
END_TEST

static volatile LONG timer_hits;
static VOID CALLBACK hit_timer(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_TIMER t)
{
    (void)inst;
    (void)ctx;
    (void)t;
    InterlockedIncrement(&timer_hits);
}

START_TEST(test_stress_timers_closed_while_firing)
{
    for (int round = 0; round < 50; round++) {
        PTP_TIMER t[10];
        FILETIME due = rel_ft(1);
        for (int i = 0; i < 10; i++) {
            t[i] = CreateThreadpoolTimer(hit_timer, NULL, NULL);
            SetThreadpoolTimer(t[i], &due, 1, 0);
        }
        settle_ms(3);
        for (int i = 0; i < 10; i++) {
            SetThreadpoolTimer(t[i], NULL, 0, 0);
            WaitForThreadpoolTimerCallbacks(t[i], TRUE);
            CloseThreadpoolTimer(t[i]);
        }
    }
    LONG n = timer_hits;
    settle_ms(30);
    ck_assert_int_eq(timer_hits, n);
}
END_TEST

static Suite *threadpool_suite(void)
{
    Suite *s = suite_create("threadpool");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_work_basic);
    tcase_add_test(tc, test_try_submit);
    tcase_add_test(tc, test_private_pool_maximum);
    tcase_add_test(tc, test_pool_minimum_and_stack);
    tcase_add_test(tc, test_wait_cancel_pending);
    tcase_add_test(tc, test_close_from_callback);
    tcase_add_test(tc, test_instance_functions);
    tcase_add_test(tc, test_timer_one_shot);
    tcase_add_test(tc, test_timer_periodic_and_cancel);
    tcase_add_test(tc, test_timer_absolute);
    tcase_add_test(tc, test_wait_signal_and_timeout);
    tcase_add_test(tc, test_wait_many);
    tcase_add_test(tc, test_wait_handle_closed_by_program);
    tcase_add_test(tc, test_io);
    tcase_add_test(tc, test_cleanup_group_cancel);
    tcase_add_test(tc, test_cleanup_group_wait);
    suite_add_tcase(s, tc);
    tc = tcase_create("legacy");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_queue_user_work_item);
    tcase_add_test(tc, test_bind_io_completion_callback);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_stress_submit_cancel);
    tcase_add_test(tc, test_starvation);
    tcase_add_test(tc, test_stress_timers_closed_while_firing);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(threadpool_suite)
