/* Threads: CreateThread (suspended too), ExitThread, exit codes, ids,
 * OpenThread, Suspend/ResumeThread, priorities, TerminateThread, and
 * APCs with alertable waits. */
#include "testutil.h"

static DWORD WINAPI returns_param(LPVOID p)
{
    return (DWORD)(uintptr_t)p;
}

static DWORD WINAPI exits_early(LPVOID p)
{
    ExitThread((DWORD)(uintptr_t)p + 1);
    return 0;
}

static DWORD WINAPI reports_id(LPVOID p)
{
    *(DWORD *)p = GetCurrentThreadId();
    return 0;
}

static HANDLE gate;
static DWORD WINAPI waits_gate(LPVOID p)
{
    (void)p;
    return WaitForSingleObject(gate, 10000) == WAIT_OBJECT_0 ? 7 : 8;
}

START_TEST(test_create_and_exit_code)
{
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, returns_param, (LPVOID)(uintptr_t)42, 0, &tid);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_ne(tid, 0);
    ck_assert_uint_eq(GetThreadId(t), tid);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_OBJECT_0); /* stays signalled */
    DWORD code = 0;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 42);
    ck_assert(CloseHandle(t));
}
END_TEST

START_TEST(test_exit_thread)
{
    HANDLE t = CreateThread(NULL, 65536, exits_early, (LPVOID)(uintptr_t)9, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code = 0;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 10);
    CloseHandle(t);
}
END_TEST

START_TEST(test_still_active)
{
    gate = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, waits_gate, NULL, 0, NULL);
    DWORD code = 0;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(t, 20), WAIT_TIMEOUT);
    SetEvent(gate);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 7);
    CloseHandle(t);
    CloseHandle(gate);
}
END_TEST

START_TEST(test_thread_ids)
{
    DWORD seen = 0, tid = 0;
    HANDLE t = CreateThread(NULL, 0, reports_id, &seen, 0, &tid);
    WaitForSingleObject(t, INFINITE);
    ck_assert_uint_eq(seen, tid);
    ck_assert_uint_ne(tid, GetCurrentThreadId());
    ck_assert_uint_eq(GetThreadId(GetCurrentThread()), GetCurrentThreadId());
    ck_assert_uint_eq(GetProcessId(GetCurrentProcess()), GetCurrentProcessId());
    CloseHandle(t);
}
END_TEST

/* A thread not made by CreateThread: its duplicated pseudo-handle is a real
 * handle signalled when it ends. */
static HANDLE foreign_handle;
static void *foreign(void *arg)
{
    (void)arg;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &foreign_handle, 0, FALSE, DUPLICATE_SAME_ACCESS));
    return NULL;
}

START_TEST(test_foreign_thread)
{
    pthread_t p;
    pthread_create(&p, NULL, foreign, NULL);
    pthread_join(p, NULL);
    ASSERT_WAIT(WaitForSingleObject(foreign_handle, 10000), WAIT_OBJECT_0);
    DWORD code = 1;
    ck_assert(GetExitCodeThread(foreign_handle, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(foreign_handle);
}
END_TEST

START_TEST(test_errors)
{
    ASSERT_FAILS(CreateThread(NULL, 0, NULL, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateThread(NULL, 0, returns_param, NULL, 0x10000000, NULL),
                 ERROR_INVALID_PARAMETER);
    DWORD code;
    ASSERT_FAILS(GetExitCodeThread(NULL, &code), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(GetExitCodeThread(e, &code), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetThreadId(e), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetProcessId(e), ERROR_INVALID_HANDLE);
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &weak, SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(GetExitCodeThread(weak, &code), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    /* THREAD_QUERY_INFORMATION carries THREAD_QUERY_LIMITED_INFORMATION. */
    HANDLE q;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &q, THREAD_QUERY_INFORMATION, FALSE, 0));
    ck_assert(GetExitCodeThread(q, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ck_assert_uint_eq(GetThreadId(q), GetCurrentThreadId());
    CloseHandle(q);
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              &q, PROCESS_QUERY_INFORMATION, FALSE, 0));
    ck_assert_uint_eq(GetProcessId(q), GetCurrentProcessId());
    CloseHandle(q);
    CloseHandle(e);
}
END_TEST

START_TEST(test_many_threads)
{
    HANDLE t[64];
    for (int i = 0; i < 64; i++) {
        t[i] = CreateThread(NULL, 0, returns_param, (LPVOID)(uintptr_t)i, 0, NULL);
        ck_assert_ptr_nonnull(t[i]);
    }
    ASSERT_WAIT(WaitForMultipleObjects(64, t, TRUE, 20000), WAIT_OBJECT_0);
    for (int i = 0; i < 64; i++) {
        DWORD code;
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, (DWORD)i);
        CloseHandle(t[i]);
    }
}
END_TEST


/* ---- suspension ---- */

static volatile LONG spins;
static volatile LONG stop_spinning;

static DWORD WINAPI spinner(LPVOID p)
{
    (void)p;
    while (!__atomic_load_n(&stop_spinning, __ATOMIC_SEQ_CST))
        __atomic_fetch_add(&spins, 1, __ATOMIC_SEQ_CST);
    return 77;
}

static LONG spins_now(void)
{
    return __atomic_load_n(&spins, __ATOMIC_SEQ_CST);
}

START_TEST(test_create_suspended)
{
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, spinner, NULL, CREATE_SUSPENDED, &tid);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_ne(tid, 0);
    ck_assert_uint_eq(GetThreadId(t), tid);
    ASSERT_WAIT(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
    ck_assert_int_eq(spins_now(), 0);
    ck_assert_uint_eq(SuspendThread(t), 1);
    ck_assert_uint_eq(ResumeThread(t), 2);
    settle_ms(20);
    ck_assert_int_eq(spins_now(), 0); /* still suspended once */
    ck_assert_uint_eq(ResumeThread(t), 1);
    ck_assert_uint_eq(ResumeThread(t), 0); /* running: nothing to resume */
    while (spins_now() == 0)
        settle_ms(1);
    __atomic_store_n(&stop_spinning, 1, __ATOMIC_SEQ_CST);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 77);
    CloseHandle(t);
}
END_TEST

START_TEST(test_suspend_running)
{
    HANDLE t = CreateThread(NULL, 0, spinner, NULL, 0, NULL);
    while (spins_now() == 0)
        settle_ms(1);
    ck_assert_uint_eq(SuspendThread(t), 0);
    ck_assert_uint_eq(SuspendThread(t), 1);
    LONG a = spins_now();
    settle_ms(30);
    ck_assert_int_eq(spins_now(), a); /* SuspendThread returned: it stopped */
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    ck_assert_uint_eq(ResumeThread(t), 2);
    settle_ms(10);
    ck_assert_int_eq(spins_now(), a);
    ck_assert_uint_eq(ResumeThread(t), 1);
    while (spins_now() == a)
        settle_ms(1);
    __atomic_store_n(&stop_spinning, 1, __ATOMIC_SEQ_CST);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    /* A thread that ended cannot be suspended. */
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SuspendThread(t), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(ResumeThread(t), 0);
    ASSERT_LAST_ERROR(0xdeadbeef);
    CloseHandle(t);
}
END_TEST

static HANDLE self_suspend_done;
static DWORD WINAPI suspends_itself(LPVOID p)
{
    (void)p;
    DWORD r = SuspendThread(GetCurrentThread());
    SetEvent(self_suspend_done);
    return r;
}

START_TEST(test_suspend_self_and_limits)
{
    self_suspend_done = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, suspends_itself, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(self_suspend_done, 100), WAIT_TIMEOUT);
    DWORD prev;
    while ((prev = ResumeThread(t)) == 0) /* until it has suspended itself */
        settle_ms(1);
    ck_assert_uint_eq(prev, 1);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code;
    GetExitCodeThread(t, &code);
    ck_assert_uint_eq(code, 0);
    CloseHandle(t);

    /* MAXIMUM_SUSPEND_COUNT is the most. */
    t = CreateThread(NULL, 0, returns_param, NULL, CREATE_SUSPENDED, NULL);
    for (DWORD i = 1; i < MAXIMUM_SUSPEND_COUNT; i++)
        ck_assert_uint_eq(SuspendThread(t), i);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SuspendThread(t), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_SIGNAL_REFUSED);
    ck_assert_uint_eq(ResumeThread(t), MAXIMUM_SUSPEND_COUNT);
    while (ResumeThread(t) > 1)
        ;
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);

    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SuspendThread(e), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(ResumeThread(e), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    HANDLE weak;
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &weak,
                    SYNCHRONIZE, FALSE, 0);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SuspendThread(weak), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(ResumeThread(weak), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    CloseHandle(e);
}
END_TEST

/* ---- OpenThread, priorities, TerminateThread ---- */

static HANDLE gate2;
static DWORD WINAPI waits_gate2(LPVOID p)
{
    (void)p;
    WaitForSingleObject(gate2, 10000);
    return 12;
}

static void *foreign_waits_gate2(void *p)
{
    __atomic_store_n((DWORD *)p, GetCurrentThreadId(), __ATOMIC_SEQ_CST);
    WaitForSingleObject(gate2, 10000);
    return NULL;
}

START_TEST(test_open_thread)
{
    gate2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    DWORD tid;
    HANDLE t = CreateThread(NULL, 0, waits_gate2, NULL, 0, &tid);
    HANDLE o = OpenThread(SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, tid);
    ck_assert_ptr_nonnull(o);
    ck_assert_ptr_ne(o, t);
    ck_assert_uint_eq(GetThreadId(o), tid);
    ck_assert(CompareObjectHandles(o, t));
    DWORD code;
    ck_assert(GetExitCodeThread(o, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    /* Access as asked: no THREAD_SUSPEND_RESUME here. */
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SuspendThread(o), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    HANDLE none = OpenThread(0, FALSE, tid); /* no rights at all is allowed */
    ck_assert_ptr_nonnull(none);
    ASSERT_FAILS(GetExitCodeThread(none, &code), ERROR_ACCESS_DENIED);
    CloseHandle(none);

    /* The main thread and pthread_create threads are found too. */
    HANDLE me = OpenThread(THREAD_ALL_ACCESS, FALSE, GetCurrentThreadId());
    ck_assert_ptr_nonnull(me);
    ck_assert(CompareObjectHandles(me, GetCurrentThread()));
    CloseHandle(me);
    pthread_t pt;
    DWORD ftid = 0;
    pthread_create(&pt, NULL, foreign_waits_gate2, &ftid);
    while (!__atomic_load_n(&ftid, __ATOMIC_SEQ_CST))
        settle_ms(1);
    HANDLE f = OpenThread(SYNCHRONIZE, FALSE, ftid);
    ck_assert_ptr_nonnull(f);

    SetEvent(gate2);
    ASSERT_WAIT(WaitForSingleObject(o, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(f, 10000), WAIT_OBJECT_0);
    pthread_join(pt, NULL);
    ck_assert(GetExitCodeThread(o, &code));
    ck_assert_uint_eq(code, 12);
    /* Once ended and gone, the id no longer opens. */
    ASSERT_FAILS(OpenThread(SYNCHRONIZE, FALSE, ftid), ERROR_INVALID_PARAMETER);
    CloseHandle(f);
    CloseHandle(o);
    CloseHandle(t);

    ASSERT_FAILS(OpenThread(SYNCHRONIZE, FALSE, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenThread(SYNCHRONIZE, FALSE, 0xfffffff0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenThread(0x00800000, FALSE, GetCurrentThreadId()), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenThread(ACCESS_SYSTEM_SECURITY, FALSE, GetCurrentThreadId()),
                 ERROR_PRIVILEGE_NOT_HELD);
    CloseHandle(gate2);
}
END_TEST

START_TEST(test_priority)
{
    HANDLE me = GetCurrentThread();
    ck_assert_int_eq(GetThreadPriority(me), THREAD_PRIORITY_NORMAL);
    static const int valid[] = {THREAD_PRIORITY_IDLE, THREAD_PRIORITY_LOWEST,
                                THREAD_PRIORITY_BELOW_NORMAL, THREAD_PRIORITY_NORMAL,
                                THREAD_PRIORITY_ABOVE_NORMAL, THREAD_PRIORITY_HIGHEST,
                                THREAD_PRIORITY_TIME_CRITICAL};
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        SetLastError(0xdeadbeef);
        ck_assert(SetThreadPriority(me, valid[i]));
        ASSERT_LAST_ERROR(0xdeadbeef);
        ck_assert_int_eq(GetThreadPriority(me), valid[i]);
    }
    ASSERT_FAILS(SetThreadPriority(me, 3), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadPriority(me, -7), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadPriority(NULL, 0), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_int_eq(GetThreadPriority(NULL), THREAD_PRIORITY_ERROR_RETURN);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    HANDLE weak;
    DuplicateHandle(GetCurrentProcess(), me, GetCurrentProcess(), &weak, SYNCHRONIZE, FALSE, 0);
    ASSERT_FAILS(SetThreadPriority(weak, 0), ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    ck_assert_int_eq(GetThreadPriority(weak), THREAD_PRIORITY_ERROR_RETURN);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    ck_assert(SwitchToThread());
}
END_TEST

static DWORD WINAPI terminates_itself(LPVOID p)
{
    (void)p;
    TerminateThread(GetCurrentThread(), 31);
    return 1;
}

START_TEST(test_terminate)
{
    /* Itself. */
    HANDLE t = CreateThread(NULL, 0, terminates_itself, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code;
    GetExitCodeThread(t, &code);
    ck_assert_uint_eq(code, 31);
    /* Already ended: succeeds, the exit code stays. */
    SetLastError(0xdeadbeef);
    ck_assert(TerminateThread(t, 5));
    ASSERT_LAST_ERROR(0xdeadbeef);
    GetExitCodeThread(t, &code);
    ck_assert_uint_eq(code, 31);
    CloseHandle(t);

    /* Suspended before it started: its routine never runs. */
    t = CreateThread(NULL, 0, spinner, NULL, CREATE_SUSPENDED, NULL);
    ck_assert(TerminateThread(t, 9));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    GetExitCodeThread(t, &code);
    ck_assert_uint_eq(code, 9);
    ck_assert_int_eq(spins_now(), 0);
    CloseHandle(t);

    /* A running thread is stopped where it is (check_threadctl has the
     * rest); a handle without THREAD_TERMINATE may not. */
    gate2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, spinner, NULL, 0, NULL);
    while (spins_now() == 0)
        settle_ms(1);
    HANDLE weak;
    DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &weak, SYNCHRONIZE, FALSE, 0);
    ASSERT_FAILS(TerminateThread(weak, 1), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(TerminateThread(gate2, 1), ERROR_INVALID_HANDLE);
    /* Linked statically, winshim's code is not told from the program's
     * and only a wait or a sleep is a point to stop at (COMPATIBILITY). */
    extern char __executable_start[], etext[];
    uintptr_t fn = (uintptr_t)TerminateThread;
    if (fn < (uintptr_t)__executable_start || fn >= (uintptr_t)etext) {
        ck_assert(TerminateThread(t, 1));
        ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        GetExitCodeThread(t, &code);
        ck_assert_uint_eq(code, 1);
    } else {
        __atomic_store_n(&stop_spinning, 1, __ATOMIC_SEQ_CST);
    }
    SetEvent(gate2);
    CloseHandle(weak);
    CloseHandle(t);
    CloseHandle(gate2);
}
END_TEST

/* ---- APCs ---- */

static int apc_log[16];
static int apc_n;

static void CALLBACK log_apc(ULONG_PTR d)
{
    apc_log[apc_n++] = (int)d;
}

static void CALLBACK queues_more(ULONG_PTR d)
{
    apc_log[apc_n++] = (int)d;
    QueueUserAPC(log_apc, GetCurrentThread(), d + 1);
}

START_TEST(test_apc_order)
{
    HANDLE me = GetCurrentThread();
    ck_assert(QueueUserAPC(log_apc, me, 1));
    ck_assert(QueueUserAPC(log_apc, me, 2));
    ck_assert(QueueUserAPC(queues_more, me, 3));
    /* Not alertable: nothing runs. */
    ASSERT_WAIT(SleepEx(0, FALSE), 0);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_WAIT(WaitForSingleObject(e, 10), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObjectEx(e, 10, FALSE), WAIT_TIMEOUT);
    ck_assert_int_eq(apc_n, 0);
    /* A signalled object wins over queued APCs. */
    SetEvent(e);
    ASSERT_WAIT(WaitForSingleObjectEx(e, 0, TRUE), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForMultipleObjectsEx(1, &e, FALSE, 0, TRUE), WAIT_OBJECT_0);
    ck_assert_int_eq(apc_n, 0);
    ResetEvent(e);
    /* All of them run, FIFO, with those they queue. */
    ASSERT_WAIT(WaitForSingleObjectEx(e, INFINITE, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(apc_n, 4);
    ck_assert_int_eq(apc_log[0], 1);
    ck_assert_int_eq(apc_log[1], 2);
    ck_assert_int_eq(apc_log[2], 3);
    ck_assert_int_eq(apc_log[3], 4);
    ASSERT_WAIT(SleepEx(0, TRUE), 0);
    ck_assert(QueueUserAPC(log_apc, me, 5));
    HANDLE two[2] = {e, e};
    ASSERT_WAIT(WaitForMultipleObjectsEx(2, two, FALSE, 0, TRUE), WAIT_IO_COMPLETION);
    ck_assert(QueueUserAPC(log_apc, me, 6));
    ASSERT_WAIT(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(apc_n, 6);
    CloseHandle(e);
}
END_TEST

static DWORD WINAPI sleeps_alertably(LPVOID p)
{
    DWORD r = *(int *)p ? SleepEx(INFINITE, TRUE)
                        : WaitForSingleObjectEx(gate2, INFINITE, TRUE);
    return r == WAIT_IO_COMPLETION ? (DWORD)apc_n : 1000 + r;
}

/* An APC from another thread wakes a blocked alertable wait. */
START_TEST(test_apc_wakes_waiter)
{
    gate2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    for (int mode = 0; mode < 2; mode++) {
        apc_n = 0;
        HANDLE t = CreateThread(NULL, 0, sleeps_alertably, &mode, 0, NULL);
        settle_ms(30);
        ck_assert(QueueUserAPC(log_apc, t, 40 + mode));
        ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        DWORD code;
        GetExitCodeThread(t, &code);
        ck_assert_uint_eq(code, 1);
        ck_assert_int_eq(apc_log[0], 40 + mode);
        /* The thread has ended: nothing can be queued to it now. */
        ASSERT_FAILS(QueueUserAPC(log_apc, t, 0), ERROR_GEN_FAILURE);
        CloseHandle(t);
    }
    CloseHandle(gate2);
}
END_TEST

START_TEST(test_apc_errors)
{
    ASSERT_FAILS(QueueUserAPC(log_apc, NULL, 0), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(QueueUserAPC(log_apc, e, 0), ERROR_INVALID_HANDLE);
    CloseHandle(e);
    HANDLE weak;
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &weak,
                    SYNCHRONIZE, FALSE, 0);
    ASSERT_FAILS(QueueUserAPC(log_apc, weak, 0), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    /* Windows queues it and crashes the target later; we refuse. */
    ASSERT_FAILS(QueueUserAPC(NULL, GetCurrentThread(), 0), ERROR_INVALID_PARAMETER);
    ASSERT_WAIT(SleepEx(0, TRUE), 0);
}
END_TEST

/* Many threads queue to one alertable thread: every APC runs once. */
static HANDLE apc_target;
static volatile LONG apc_sum;
static void CALLBACK add_apc(ULONG_PTR d)
{
    apc_sum += (LONG)d;
}

static DWORD WINAPI apc_sender(LPVOID p)
{
    (void)p;
    for (int i = 0; i < 500; i++)
        if (!QueueUserAPC(add_apc, apc_target, 1))
            return 1;
    return 0;
}

static DWORD WINAPI apc_receiver(LPVOID p)
{
    (void)p;
    while (apc_sum < 3000)
        SleepEx(1000, TRUE);
    return 0;
}

START_TEST(test_apc_stress)
{
    apc_target = CreateThread(NULL, 0, apc_receiver, NULL, 0, NULL);
    HANDLE s[6];
    for (int i = 0; i < 6; i++)
        s[i] = CreateThread(NULL, 0, apc_sender, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(6, s, TRUE, 60000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(apc_target, 60000), WAIT_OBJECT_0);
    ck_assert_int_eq(apc_sum, 3000);
    for (int i = 0; i < 6; i++)
        CloseHandle(s[i]);
    CloseHandle(apc_target);
}
END_TEST

static Suite *thread_suite(void)
{
    Suite *s = suite_create("thread");
    TCase *basic = tcase_create("basic");
    tcase_set_timeout(basic, 30);
    tcase_add_test(basic, test_create_and_exit_code);
    tcase_add_test(basic, test_exit_thread);
    tcase_add_test(basic, test_still_active);
    tcase_add_test(basic, test_thread_ids);
    tcase_add_test(basic, test_foreign_thread);
    tcase_add_test(basic, test_create_suspended);
    tcase_add_test(basic, test_suspend_running);
    tcase_add_test(basic, test_suspend_self_and_limits);
    tcase_add_test(basic, test_open_thread);
    tcase_add_test(basic, test_priority);
    tcase_add_test(basic, test_terminate);
    suite_add_tcase(s, basic);
    TCase *apc = tcase_create("apc");
    tcase_set_timeout(apc, 60);
    tcase_add_test(apc, test_apc_order);
    tcase_add_test(apc, test_apc_wakes_waiter);
    tcase_add_test(apc, test_apc_errors);
    tcase_add_test(apc, test_apc_stress);
    suite_add_tcase(s, apc);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_many_threads);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(thread_suite)
