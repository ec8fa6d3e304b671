/* Critical sections: Initialize*, Enter, TryEnter, Leave, Delete,
 * SetCriticalSectionSpinCount, and the fields Windows programs peek at. */
#include "testutil.h"
#include "unaligned.h"

#include <string.h>
#include <unistd.h>

#define NO_DEBUG_INFO ((PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1)

static int multi_cpu(void)
{
    return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

static HANDLE me(void)
{
    return (HANDLE)(ULONG_PTR)GetCurrentThreadId();
}

/* Runs fn on n threads and waits for them. */
static void run_threads(int n, LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t[MAXIMUM_WAIT_OBJECTS];
    for (int i = 0; i < n; i++) {
        t[i] = CreateThread(NULL, 0, fn, arg, 0, NULL);
        ck_assert_ptr_nonnull(t[i]);
    }
    ASSERT_WAIT(WaitForMultipleObjects(n, t, TRUE, INFINITE), WAIT_OBJECT_0);
    for (int i = 0; i < n; i++)
        CloseHandle(t[i]);
}

/* Polls (up to 5 s) until LockCount reads `want`. */
static void wait_lock_count(CRITICAL_SECTION *cs, LONG want)
{
    for (int i = 0; i < 5000 && __atomic_load_n(&cs->LockCount, __ATOMIC_RELAXED) != want; i++)
        settle_ms(1);
    ck_assert_int_eq(__atomic_load_n(&cs->LockCount, __ATOMIC_RELAXED), want);
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_initialize_fields)
{
    CRITICAL_SECTION cs;
    memset(&cs, 0xcc, sizeof cs);
    SetLastError(0xdeadbeef);
    InitializeCriticalSection(&cs);
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* Windows 8 and later allocate no debug information by default. */
    ck_assert_ptr_eq(cs.DebugInfo, NO_DEBUG_INFO);
    ck_assert_int_eq(cs.LockCount, -1);
    ck_assert_int_eq(cs.RecursionCount, 0);
    ck_assert_ptr_null(cs.OwningThread);
    ck_assert_ptr_null(cs.LockSemaphore);
    /* Windows 7 and later: dynamic spinning from 2000 rounds (Wine: 0). */
    ck_assert_uint_eq(cs.SpinCount, multi_cpu() ? 0x020007D0 : 0);
    DeleteCriticalSection(&cs);
}
END_TEST

START_TEST(test_enter_leave_fields)
{
    CRITICAL_SECTION cs;
    InitializeCriticalSection(&cs);
    SetLastError(0xdeadbeef);
    EnterCriticalSection(&cs);
    /* Vista and later: bit 0 clear = held, no waiters. */
    ck_assert_int_eq(cs.LockCount, -2);
    ck_assert_int_eq(cs.RecursionCount, 1);
    ck_assert_ptr_eq(cs.OwningThread, me());
    EnterCriticalSection(&cs);
    ck_assert_int_eq(cs.LockCount, -2); /* recursion does not touch it */
    ck_assert_int_eq(cs.RecursionCount, 2);
    ck_assert(TryEnterCriticalSection(&cs));
    ck_assert_int_eq(cs.RecursionCount, 3);
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    ck_assert_int_eq(cs.RecursionCount, 1);
    ck_assert_ptr_eq(cs.OwningThread, me());
    LeaveCriticalSection(&cs);
    ck_assert_int_eq(cs.LockCount, -1);
    ck_assert_int_eq(cs.RecursionCount, 0);
    ck_assert_ptr_null(cs.OwningThread);
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert(TryEnterCriticalSection(&cs));
    ck_assert_int_eq(cs.LockCount, -2);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
}
END_TEST

START_TEST(test_spin_counts)
{
    CRITICAL_SECTION cs;
    DWORD want = multi_cpu() ? 4000 : 0;
    SetLastError(0xdeadbeef);
    ck_assert(InitializeCriticalSectionAndSpinCount(&cs, 4000));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(cs.SpinCount, want);
    ck_assert_ptr_eq(cs.DebugInfo, NO_DEBUG_INFO);
    ck_assert_uint_eq(SetCriticalSectionSpinCount(&cs, 100), want);
    ck_assert_uint_eq(SetCriticalSectionSpinCount(&cs, 0), multi_cpu() ? 100 : 0);
    ck_assert_uint_eq(cs.SpinCount, 0);
    DeleteCriticalSection(&cs);
    /* The pre-Vista "preallocate" bit is dropped (as Wine). */
    ck_assert(InitializeCriticalSectionAndSpinCount(&cs, 0xFFFFFFFF));
    ck_assert_uint_eq(cs.SpinCount, multi_cpu() ? 0x7FFFFFFF : 0);
    DeleteCriticalSection(&cs);
    ck_assert(InitializeCriticalSectionEx(&cs, 10, 0));
    ck_assert_uint_eq(cs.SpinCount, multi_cpu() ? 10 : 0);
    DeleteCriticalSection(&cs);
}
END_TEST

START_TEST(test_initialize_ex_flags)
{
    CRITICAL_SECTION cs;
    ck_assert(InitializeCriticalSectionEx(&cs, 0, CRITICAL_SECTION_NO_DEBUG_INFO));
    ck_assert_ptr_eq(cs.DebugInfo, NO_DEBUG_INFO);
    DeleteCriticalSection(&cs);
    ck_assert(InitializeCriticalSectionEx(&cs, 0, RTL_CRITICAL_SECTION_FLAG_DYNAMIC_SPIN |
                                                      RTL_CRITICAL_SECTION_FLAG_STATIC_INIT |
                                                      RTL_CRITICAL_SECTION_FLAG_RESOURCE_TYPE));
    DeleteCriticalSection(&cs);
    SetLastError(0xdeadbeef);
    ck_assert(InitializeCriticalSectionEx(&cs, 0, RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_ptr_nonnull(cs.DebugInfo);
    ck_assert_ptr_ne(cs.DebugInfo, NO_DEBUG_INFO);
    ck_assert_int_eq(cs.DebugInfo->Type, RTL_CRITSECT_TYPE);
    ck_assert_ptr_eq(cs.DebugInfo->CriticalSection, &cs);
    ck_assert_uint_eq(cs.DebugInfo->ContentionCount, 0);
    EnterCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs); /* frees it (ASan checks) */
    ck_assert_ptr_null(cs.DebugInfo);
}
END_TEST

START_TEST(test_delete_fields)
{
    CRITICAL_SECTION cs;
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
    /* What Wine leaves; Windows leaves unspecified contents. */
    ck_assert_ptr_null(cs.DebugInfo);
    ck_assert_int_eq(cs.LockCount, -1);
    ck_assert_int_eq(cs.RecursionCount, 0);
    ck_assert_ptr_null(cs.OwningThread);
    ck_assert_uint_eq(cs.SpinCount, 0);
    /* Initialising again works. */
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_initialize_ex_bad_flags)
{
    CRITICAL_SECTION cs;
    memset(&cs, 0xcc, sizeof cs);
    /* Windows refuses flags it does not define (Wine accepts them). */
    ASSERT_FAILS(InitializeCriticalSectionEx(&cs, 0, 1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeCriticalSectionEx(&cs, 0, 0x00800000), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeCriticalSectionEx(&cs, 0, 0x20000000), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeCriticalSectionEx(&cs, 0, 0x80000000 | CRITICAL_SECTION_NO_DEBUG_INFO),
                 ERROR_INVALID_PARAMETER);
    ck_assert_int_eq(cs.LockCount, (LONG)0xcccccccc); /* untouched */
}
END_TEST

START_TEST(test_null_pointers)
{
    ASSERT_FAILS(InitializeCriticalSectionEx(NULL, 0, 0), ERROR_NOACCESS);
    ASSERT_FAILS(InitializeCriticalSectionAndSpinCount(NULL, 0), ERROR_NOACCESS);
    SetLastError(0xdeadbeef);
    InitializeCriticalSection(NULL);
    EnterCriticalSection(NULL);
    LeaveCriticalSection(NULL);
    DeleteCriticalSection(NULL);
    ck_assert(!TryEnterCriticalSection(NULL));
    ck_assert_uint_eq(SetCriticalSectionSpinCount(NULL, 5), 0);
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

/* Leaving a section nobody holds does nothing (on Windows it corrupts the
 * section; Wine lets RecursionCount go to -1). */
START_TEST(test_leave_unowned)
{
    CRITICAL_SECTION cs;
    InitializeCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    ck_assert_int_eq(cs.LockCount, -1);
    ck_assert_int_eq(cs.RecursionCount, 0);
    EnterCriticalSection(&cs);
    ck_assert_int_eq(cs.RecursionCount, 1);
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    ck_assert_int_eq(cs.LockCount, -1);
    ck_assert(TryEnterCriticalSection(&cs));
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static CRITICAL_SECTION shared_cs;
static long counter; /* plain: the section is its only protection */
#define ITERS 20000

static DWORD WINAPI hammer(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        EnterCriticalSection(&shared_cs);
        if (i % 7 == 0) {
            EnterCriticalSection(&shared_cs); /* recursion under contention */
            counter++;
            LeaveCriticalSection(&shared_cs);
        } else if (i % 5 == 0 && TryEnterCriticalSection(&shared_cs)) {
            counter++;
            LeaveCriticalSection(&shared_cs);
        } else {
            counter++;
        }
        LeaveCriticalSection(&shared_cs);
    }
    return 0;
}

static void check_hammer(DWORD spin)
{
    counter = 0;
    ck_assert(InitializeCriticalSectionAndSpinCount(&shared_cs, spin));
    run_threads(8, hammer, NULL);
    ck_assert_int_eq(counter, 8L * ITERS);
    ck_assert_int_eq(shared_cs.LockCount, -1);
    ck_assert_int_eq(shared_cs.RecursionCount, 0);
    ck_assert_ptr_null(shared_cs.OwningThread);
    DeleteCriticalSection(&shared_cs);
}

START_TEST(test_counter_no_spin)
{
    check_hammer(0);
}
END_TEST

START_TEST(test_counter_spin)
{
    check_hammer(4000);
}
END_TEST

static DWORD WINAPI try_enter_fails(LPVOID arg)
{
    return TryEnterCriticalSection(arg) ? 1 : 0;
}

static DWORD WINAPI enter_and_leave(LPVOID arg)
{
    EnterCriticalSection(arg);
    LeaveCriticalSection(arg);
    return 7;
}

START_TEST(test_waiter_lock_count)
{
    CRITICAL_SECTION cs;
    DWORD code;
    ck_assert(InitializeCriticalSectionEx(&cs, 0, RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO));
    EnterCriticalSection(&cs);
    HANDLE t = CreateThread(NULL, 0, try_enter_fails, &cs, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 0); /* held by another thread */
    CloseHandle(t);

    t = CreateThread(NULL, 0, enter_and_leave, &cs, 0, NULL);
    /* One waiter: -2 - 4 (the ones' complement of 1 in bits 2-31). */
    wait_lock_count(&cs, -6);
    ck_assert_uint_eq(__atomic_load_n(&cs.DebugInfo->ContentionCount, __ATOMIC_RELAXED), 1);
    ASSERT_WAIT(WaitForSingleObject(t, 20), WAIT_TIMEOUT);
    LeaveCriticalSection(&cs);
    ASSERT_WAIT(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 7);
    CloseHandle(t);
    ck_assert_int_eq(cs.LockCount, -1);
    DeleteCriticalSection(&cs);
}
END_TEST

static void *pthread_enter(void *arg)
{
    EnterCriticalSection(arg);
    return NULL;
}

/* As on Windows, any thread may leave: the owner is not checked.  Works
 * for threads Windows never saw (pthread_create) too. */
START_TEST(test_leave_from_other_thread)
{
    CRITICAL_SECTION cs;
    pthread_t t;
    InitializeCriticalSection(&cs);
    ck_assert_int_eq(pthread_create(&t, NULL, pthread_enter, &cs), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(cs.RecursionCount, 1);
    ck_assert_ptr_nonnull(cs.OwningThread);
    ck_assert_ptr_ne(cs.OwningThread, me());
    ck_assert(!TryEnterCriticalSection(&cs));
    LeaveCriticalSection(&cs);
    ck_assert(TryEnterCriticalSection(&cs));
    ck_assert_ptr_eq(cs.OwningThread, me());
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
}
END_TEST

/* A CRITICAL_SECTION at an odd offset (a packed struct): its LockCount,
 * the futex word, is not 4-byte aligned; contended, with sleepers. */
static void *cs_unaligned_worker(void *arg)
{
    struct packed_locks *p = arg;
    CRITICAL_SECTION *cs = PACKED_MEMBER(p, CRITICAL_SECTION, cs);
    ua_LONG *count = PACKED_LONG(p, count);
    for (int i = 0; i < 20000; i++) {
        EnterCriticalSection(cs);
        EnterCriticalSection(cs); /* recursion */
        LONG c = *count;
        if (i % 1000 == 0)
            sched_yield();
        *count = c + 1;
        LeaveCriticalSection(cs);
        LeaveCriticalSection(cs);
    }
    return NULL;
}

START_TEST(test_unaligned)
{
    struct packed_locks *p = packed_at(_i);
    CRITICAL_SECTION *cs = PACKED_MEMBER(p, CRITICAL_SECTION, cs);
    ck_assert_uint_eq((uintptr_t)&UA_FIELD(cs, CRITICAL_SECTION, LockCount) % 8,
                      unaligned_expected(_i));
    ck_assert(InitializeCriticalSectionAndSpinCount(cs, 0));
    EnterCriticalSection(cs);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, cs_unaligned_worker, p), 0);
    settle_ms(50);
    /* Held, with sleepers (a LONG pointer: an atomic load of an
     * aligned(1) type would be a libatomic call). */
    LONG *lc = (LONG *)&UA_FIELD(cs, CRITICAL_SECTION, LockCount);
    ck_assert_int_lt(__atomic_load_n(lc, __ATOMIC_RELAXED), -2);
    LeaveCriticalSection(cs);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    ck_assert_int_eq(*PACKED_LONG(p, count), 4 * 20000);
    ck_assert_int_eq(UA_FIELD(cs, CRITICAL_SECTION, LockCount), -1);
    ck_assert_int_eq(UA_FIELD(cs, CRITICAL_SECTION, RecursionCount), 0);
    DeleteCriticalSection(cs);
}
END_TEST

static Suite *critsec_suite(void)
{
    Suite *s = suite_create("critsec");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_initialize_fields);
    tcase_add_test(basic, test_enter_leave_fields);
    tcase_add_test(basic, test_spin_counts);
    tcase_add_test(basic, test_initialize_ex_flags);
    tcase_add_test(basic, test_delete_fields);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_initialize_ex_bad_flags);
    tcase_add_test(errors, test_null_pointers);
    tcase_add_test(errors, test_leave_unowned);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_counter_no_spin);
    tcase_add_test(threads, test_counter_spin);
    tcase_add_test(threads, test_waiter_lock_count);
    tcase_add_test(threads, test_leave_from_other_thread);
    tcase_add_loop_test(threads, test_unaligned, 0, UNALIGNED_CASES);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(critsec_suite)
