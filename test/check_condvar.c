/* Condition variables: InitializeConditionVariable, SleepConditionVariableCS,
 * SleepConditionVariableSRW, WakeConditionVariable, WakeAllConditionVariable. */
#include "testutil.h"
#include "unaligned.h"

#include <stdatomic.h>
#include <string.h>

static HANDLE me(void)
{
    return (HANDLE)(ULONG_PTR)GetCurrentThreadId();
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_initialize)
{
    CONDITION_VARIABLE a = CONDITION_VARIABLE_INIT, b;
    ck_assert_ptr_null(a.Ptr);
    memset(&b, 0xcc, sizeof b);
    InitializeConditionVariable(&b);
    ck_assert_ptr_null(b.Ptr);
    ck_assert_int_eq(sizeof(CONDITION_VARIABLE), sizeof(void *));
}
END_TEST

START_TEST(test_wake_without_waiters)
{
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    SetLastError(0xdeadbeef);
    WakeConditionVariable(&cv);
    WakeAllConditionVariable(&cv);
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

START_TEST(test_timeout_cs)
{
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    CRITICAL_SECTION cs;
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    double t0 = now_ms();
    ASSERT_FAILS(SleepConditionVariableCS(&cv, &cs, 50), ERROR_TIMEOUT);
    double dt = now_ms() - t0;
    ck_assert_msg(dt >= 45 && dt < 5000, "50 ms timeout took %.1f ms", dt);
    /* The section is held again, once. */
    ck_assert_ptr_eq(cs.OwningThread, me());
    ck_assert_int_eq(cs.RecursionCount, 1);
    ASSERT_FAILS(SleepConditionVariableCS(&cv, &cs, 0), ERROR_TIMEOUT);
    ck_assert_ptr_eq(cs.OwningThread, me());
    LeaveCriticalSection(&cs);
    ck_assert_int_eq(cs.LockCount, -1);
    DeleteCriticalSection(&cs);
}
END_TEST

START_TEST(test_timeout_srw)
{
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    SRWLOCK l = SRWLOCK_INIT;
    AcquireSRWLockExclusive(&l);
    double t0 = now_ms();
    ASSERT_FAILS(SleepConditionVariableSRW(&cv, &l, 50, 0), ERROR_TIMEOUT);
    double dt = now_ms() - t0;
    ck_assert_msg(dt >= 45 && dt < 5000, "50 ms timeout took %.1f ms", dt);
    ck_assert(!TryAcquireSRWLockShared(&l)); /* held exclusively again */
    ASSERT_FAILS(SleepConditionVariableSRW(&cv, &l, 0, 0), ERROR_TIMEOUT);
    ReleaseSRWLockExclusive(&l);

    AcquireSRWLockShared(&l);
    ASSERT_FAILS(SleepConditionVariableSRW(&cv, &l, 10, CONDITION_VARIABLE_LOCKMODE_SHARED),
                 ERROR_TIMEOUT);
    ck_assert(!TryAcquireSRWLockExclusive(&l)); /* held shared again */
    ck_assert(TryAcquireSRWLockShared(&l));
    ReleaseSRWLockShared(&l);
    ReleaseSRWLockShared(&l);
    ck_assert_ptr_null(l.Ptr);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_null_pointers)
{
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    CRITICAL_SECTION cs;
    SRWLOCK l = SRWLOCK_INIT;
    InitializeCriticalSection(&cs);
    ASSERT_FAILS(SleepConditionVariableCS(NULL, &cs, 0), ERROR_NOACCESS);
    ASSERT_FAILS(SleepConditionVariableCS(&cv, NULL, 0), ERROR_NOACCESS);
    ASSERT_FAILS(SleepConditionVariableSRW(NULL, &l, 0, 0), ERROR_NOACCESS);
    ASSERT_FAILS(SleepConditionVariableSRW(&cv, NULL, 0, 0), ERROR_NOACCESS);
    SetLastError(0xdeadbeef);
    InitializeConditionVariable(NULL);
    WakeConditionVariable(NULL);
    WakeAllConditionVariable(NULL);
    ASSERT_LAST_ERROR(0xdeadbeef);
    DeleteCriticalSection(&cs);
}
END_TEST

/* Only CONDITION_VARIABLE_LOCKMODE_SHARED counts; other bits are ignored
 * (as Wine 8 does; Windows unverified). */
START_TEST(test_srw_flags)
{
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    SRWLOCK l = SRWLOCK_INIT;
    AcquireSRWLockExclusive(&l);
    ASSERT_FAILS(SleepConditionVariableSRW(&cv, &l, 1, 2), ERROR_TIMEOUT);
    ck_assert(!TryAcquireSRWLockShared(&l));
    ReleaseSRWLockExclusive(&l);
    ck_assert_ptr_null(l.Ptr);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static CRITICAL_SECTION qcs;
static SRWLOCK qsrw = SRWLOCK_INIT;
static CONDITION_VARIABLE not_empty = CONDITION_VARIABLE_INIT;
static CONDITION_VARIABLE not_full = CONDITION_VARIABLE_INIT;
static int use_srw;
static int queue[8], qhead, qlen;
static long consumed_sum;
#define ITEMS 5000

static void q_lock(void)
{
    if (use_srw)
        AcquireSRWLockExclusive(&qsrw);
    else
        EnterCriticalSection(&qcs);
}

static void q_unlock(void)
{
    if (use_srw)
        ReleaseSRWLockExclusive(&qsrw);
    else
        LeaveCriticalSection(&qcs);
}

static void q_sleep(CONDITION_VARIABLE *cv)
{
    BOOL ok = use_srw ? SleepConditionVariableSRW(cv, &qsrw, INFINITE, 0)
                      : SleepConditionVariableCS(cv, &qcs, INFINITE);
    if (!ok)
        abort();
}

static DWORD WINAPI producer(LPVOID arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        q_lock();
        while (qlen == 8)
            q_sleep(&not_full);
        queue[(qhead + qlen++) % 8] = i;
        q_unlock();
        WakeConditionVariable(&not_empty);
    }
    return 0;
}

static DWORD WINAPI consumer(LPVOID arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < ITEMS; i++) {
        q_lock();
        while (qlen == 0)
            q_sleep(&not_empty);
        sum += queue[qhead];
        qhead = (qhead + 1) % 8;
        qlen--;
        q_unlock();
        WakeConditionVariable(&not_full);
    }
    q_lock();
    consumed_sum += sum;
    q_unlock();
    return 0;
}

static void producer_consumer(int srw)
{
    HANDLE t[4];
    use_srw = srw;
    InitializeCriticalSection(&qcs);
    t[0] = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    t[1] = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    t[2] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    t[3] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++)
        CloseHandle(t[i]);
    ck_assert_int_eq(consumed_sum, 2L * ITEMS * (ITEMS + 1) / 2);
    ck_assert_int_eq(qlen, 0);
    DeleteCriticalSection(&qcs);
}

START_TEST(test_producer_consumer_cs)
{
    producer_consumer(0);
}
END_TEST

START_TEST(test_producer_consumer_srw)
{
    producer_consumer(1);
}
END_TEST

static SRWLOCK gate = SRWLOCK_INIT;
static CONDITION_VARIABLE gate_cv = CONDITION_VARIABLE_INIT;
static int gate_open;
static _Atomic int passed;

static DWORD WINAPI shared_waiter(LPVOID arg)
{
    (void)arg;
    AcquireSRWLockShared(&gate);
    while (!gate_open)
        SleepConditionVariableSRW(&gate_cv, &gate, INFINITE,
                                  CONDITION_VARIABLE_LOCKMODE_SHARED);
    atomic_fetch_add(&passed, 1);
    ReleaseSRWLockShared(&gate);
    return 0;
}

START_TEST(test_wake_all_shared)
{
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, shared_waiter, NULL, 0, NULL);
    settle_ms(20);
    AcquireSRWLockExclusive(&gate);
    gate_open = 1;
    ReleaseSRWLockExclusive(&gate);
    WakeAllConditionVariable(&gate_cv);
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(atomic_load(&passed), 4);
    for (int i = 0; i < 4; i++)
        CloseHandle(t[i]);
    ck_assert_ptr_null(gate.Ptr);
}
END_TEST

static CRITICAL_SECTION tcs;
static CONDITION_VARIABLE token_cv = CONDITION_VARIABLE_INIT;
static int tokens;

static DWORD WINAPI token_taker(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        EnterCriticalSection(&tcs);
        while (tokens == 0)
            SleepConditionVariableCS(&token_cv, &tcs, INFINITE);
        tokens--;
        LeaveCriticalSection(&tcs);
    }
    return 0;
}

/* Single wakes, one per token: no wake-up may be lost. */
START_TEST(test_wake_single)
{
    HANDLE t[3];
    InitializeCriticalSection(&tcs);
    for (int i = 0; i < 3; i++)
        t[i] = CreateThread(NULL, 0, token_taker, NULL, 0, NULL);
    for (int i = 0; i < 600; i++) {
        EnterCriticalSection(&tcs);
        tokens++;
        LeaveCriticalSection(&tcs);
        WakeConditionVariable(&token_cv);
        if (i % 50 == 0)
            Sleep(1);
    }
    ASSERT_WAIT(WaitForMultipleObjects(3, t, TRUE, 30000), WAIT_OBJECT_0);
    ck_assert_int_eq(tokens, 0);
    for (int i = 0; i < 3; i++)
        CloseHandle(t[i]);
    DeleteCriticalSection(&tcs);
}
END_TEST

static CRITICAL_SECTION rcs;
static CONDITION_VARIABLE rcv = CONDITION_VARIABLE_INIT;
static int rflag;

static DWORD WINAPI enter_and_signal(LPVOID arg)
{
    (void)arg;
    EnterCriticalSection(&rcs); /* only possible if the sleeper let go fully */
    rflag = 1;
    LeaveCriticalSection(&rcs);
    WakeConditionVariable(&rcv);
    return 0;
}

/* A section entered twice is left completely while sleeping and entered
 * twice again afterwards (as Windows and Wine). */
START_TEST(test_cs_recursion)
{
    InitializeCriticalSection(&rcs);
    EnterCriticalSection(&rcs);
    EnterCriticalSection(&rcs);
    HANDLE t = CreateThread(NULL, 0, enter_and_signal, NULL, 0, NULL);
    while (!rflag)
        ck_assert(SleepConditionVariableCS(&rcv, &rcs, 10000));
    ck_assert_int_eq(rcs.RecursionCount, 2);
    ck_assert_ptr_eq(rcs.OwningThread, me());
    LeaveCriticalSection(&rcs);
    LeaveCriticalSection(&rcs);
    ck_assert_int_eq(rcs.LockCount, -1);
    ASSERT_WAIT(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CloseHandle(t);
    DeleteCriticalSection(&rcs);
}
END_TEST

/* A CONDITION_VARIABLE with its CRITICAL_SECTION or SRWLOCK at odd
 * offsets (a packed struct): time-outs, wake-all and single wake-ups with
 * sleeping threads; these used to abort the process ("futex wait:
 * Invalid argument"). */
static void *cv_unaligned_cs_waiter(void *arg)
{
    struct packed_locks *p = arg;
    CRITICAL_SECTION *cs = PACKED_MEMBER(p, CRITICAL_SECTION, cs);
    EnterCriticalSection(cs);
    while (!*PACKED_LONG(p, ready))
        ck_assert(SleepConditionVariableCS(PACKED_MEMBER(p, CONDITION_VARIABLE, cv), cs,
                                           INFINITE));
    (*PACKED_LONG(p, woken))++;
    LeaveCriticalSection(cs);
    return NULL;
}

static void *cv_unaligned_srw_waiter(void *arg)
{
    struct packed_locks *p = arg;
    SRWLOCK *l = PACKED_MEMBER(p, SRWLOCK, srw);
    ua_LONG *avail = PACKED_LONG(p, ready);
    AcquireSRWLockExclusive(l);
    while (!*avail)
        ck_assert(SleepConditionVariableSRW(PACKED_MEMBER(p, CONDITION_VARIABLE, cv), l,
                                            INFINITE, 0));
    (*avail)--;
    (*PACKED_LONG(p, woken))++;
    ReleaseSRWLockExclusive(l);
    return NULL;
}

START_TEST(test_unaligned)
{
    struct packed_locks *p = packed_at(_i);
    CONDITION_VARIABLE *cv = PACKED_MEMBER(p, CONDITION_VARIABLE, cv);
    CRITICAL_SECTION *cs = PACKED_MEMBER(p, CRITICAL_SECTION, cs);
    SRWLOCK *l = PACKED_MEMBER(p, SRWLOCK, srw);
    ck_assert_uint_eq((uintptr_t)cv % 8, unaligned_expected(_i));
    InitializeConditionVariable(cv);
    InitializeCriticalSection(cs);
    InitializeSRWLock(l);

    EnterCriticalSection(cs);
    ASSERT_FAILS(SleepConditionVariableCS(cv, cs, 20), ERROR_TIMEOUT);
    LeaveCriticalSection(cs);
    AcquireSRWLockShared(l);
    ASSERT_FAILS(SleepConditionVariableSRW(cv, l, 20, CONDITION_VARIABLE_LOCKMODE_SHARED),
                 ERROR_TIMEOUT);
    ReleaseSRWLockShared(l);

    /* Wake-all: four sleepers on the critical section. */
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, cv_unaligned_cs_waiter, p), 0);
    settle_ms(50);
    EnterCriticalSection(cs);
    *PACKED_LONG(p, ready) = 1;
    WakeAllConditionVariable(cv);
    LeaveCriticalSection(cs);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    ck_assert_int_eq(*PACKED_LONG(p, woken), 4);

    /* Single wake-ups: four sleepers on the SRW lock, one token each. */
    *PACKED_LONG(p, ready) = 0;
    *PACKED_LONG(p, woken) = 0;
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, cv_unaligned_srw_waiter, p), 0);
    settle_ms(50);
    for (int i = 0; i < 4; i++) {
        AcquireSRWLockExclusive(l);
        (*PACKED_LONG(p, ready))++;
        WakeConditionVariable(cv);
        ReleaseSRWLockExclusive(l);
    }
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    ck_assert_int_eq(*PACKED_LONG(p, woken), 4);
    ck_assert_int_eq(UA_FIELD(cs, CRITICAL_SECTION, LockCount), -1);
    DeleteCriticalSection(cs);
}
END_TEST

static Suite *condvar_suite(void)
{
    Suite *s = suite_create("condvar");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_initialize);
    tcase_add_test(basic, test_wake_without_waiters);
    tcase_add_test(basic, test_timeout_cs);
    tcase_add_test(basic, test_timeout_srw);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_null_pointers);
    tcase_add_test(errors, test_srw_flags);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 90);
    tcase_add_test(threads, test_producer_consumer_cs);
    tcase_add_test(threads, test_producer_consumer_srw);
    tcase_add_test(threads, test_wake_all_shared);
    tcase_add_test(threads, test_wake_single);
    tcase_add_test(threads, test_cs_recursion);
    tcase_add_loop_test(threads, test_unaligned, 0, UNALIGNED_CASES);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(condvar_suite)
