/* Thread-local storage (TlsAlloc, TlsFree, TlsGetValue, TlsSetValue) and
 * fiber-local storage (FlsAlloc, FlsFree, FlsGetValue, FlsSetValue).  The
 * error codes are what Wine 8 gives (Win32 probes run under it). */
#include "testutil.h"

#include <stdatomic.h>

#define VAL(x) ((LPVOID)(ULONG_PTR)(x))

/* Runs fn(arg) on a new thread made by CreateThread and waits for it. */
static DWORD on_thread(LPTHREAD_START_ROUTINE fn, void *arg)
{
    DWORD code;
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
    ck_assert_ptr_nonnull(t);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(t, &code));
    CloseHandle(t);
    return code;
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_tls_alloc_free)
{
    DWORD i = TlsAlloc();
    ck_assert_uint_ne(i, TLS_OUT_OF_INDEXES);
    ck_assert_uint_lt(i, TLS_MINIMUM_AVAILABLE);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(TlsGetValue(i));
    ASSERT_LAST_ERROR(ERROR_SUCCESS); /* documented: set on success */
    SetLastError(0xdeadbeef);
    ck_assert(TlsSetValue(i, VAL(0x1234)));
    ASSERT_LAST_ERROR(0xdeadbeef);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(TlsGetValue(i), VAL(0x1234));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ck_assert(TlsFree(i));
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* Freeing clears the slot; the index is not checked by Get/Set. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(TlsGetValue(i));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert(TlsSetValue(i, VAL(2)));
    ck_assert_ptr_eq(TlsGetValue(i), VAL(2));
}
END_TEST

START_TEST(test_tls_reuse_reads_null)
{
    DWORD a = TlsAlloc(), b = TlsAlloc();
    ck_assert_uint_gt(b, a);
    ck_assert(TlsSetValue(a, VAL(1)));
    ck_assert(TlsFree(a));
    ck_assert(TlsSetValue(a, VAL(3))); /* while free */
    ck_assert_uint_eq(TlsAlloc(), a);  /* lowest free index first */
    ck_assert_ptr_null(TlsGetValue(a));
    ck_assert(TlsFree(a));
    ck_assert(TlsFree(b));
}
END_TEST

START_TEST(test_tls_all_slots)
{
    DWORD n = 0, last = 0;
    for (;;) {
        SetLastError(0xdeadbeef);
        DWORD i = TlsAlloc();
        if (i == TLS_OUT_OF_INDEXES) {
            ASSERT_LAST_ERROR(ERROR_NO_MORE_ITEMS);
            break;
        }
        ck_assert_uint_eq(i, n); /* 0, 1, 2, ... in a fresh process */
        last = i;
        n++;
    }
    ck_assert_uint_eq(n, 1088); /* 64 + 1024 expansion slots */
    ck_assert_uint_eq(last, 1087);
    ck_assert(TlsSetValue(63, VAL(63)));
    ck_assert(TlsSetValue(64, VAL(64)));
    ck_assert(TlsSetValue(1087, VAL(1087)));
    ck_assert_ptr_eq(TlsGetValue(63), VAL(63));
    ck_assert_ptr_eq(TlsGetValue(64), VAL(64));
    ck_assert_ptr_eq(TlsGetValue(1087), VAL(1087));
    ck_assert(TlsFree(500));
    ck_assert_uint_eq(TlsAlloc(), 500);
    for (DWORD i = 0; i < 1088; i++)
        ck_assert(TlsFree(i));
}
END_TEST

START_TEST(test_fls_basic)
{
    DWORD i = FlsAlloc(NULL);
    ck_assert_uint_ne(i, FLS_OUT_OF_INDEXES);
    ck_assert_uint_ge(i, 1); /* index 0 is reserved */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(FlsGetValue(i));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ck_assert(FlsSetValue(i, VAL(0x55)));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_ptr_eq(FlsGetValue(i), VAL(0x55));
    SetLastError(0xdeadbeef);
    ck_assert(FlsFree(i));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_ptr_null(FlsGetValue(i)); /* freeing cleared it */
    ck_assert_uint_eq(FlsAlloc(NULL), i);
    ck_assert_ptr_null(FlsGetValue(i));
    ck_assert(FlsFree(i));
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_tls_bad_index)
{
    ASSERT_FAILS(TlsGetValue(1088), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(TlsGetValue(TLS_OUT_OF_INDEXES), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(TlsSetValue(1088, VAL(1)), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(TlsFree(1088), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(TlsFree(1000), ERROR_INVALID_PARAMETER); /* not allocated */
    ASSERT_FAILS(TlsFree(TLS_OUT_OF_INDEXES), ERROR_INVALID_PARAMETER);
    /* In range but never allocated: not checked. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(TlsGetValue(1087));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
}
END_TEST

START_TEST(test_fls_bad_index)
{
    ASSERT_FAILS(FlsGetValue(0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsGetValue(4080), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsGetValue(FLS_OUT_OF_INDEXES), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsSetValue(0, VAL(1)), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsSetValue(4080, VAL(1)), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsFree(0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsFree(4080), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlsFree(100), ERROR_INVALID_PARAMETER); /* not allocated */
    /* In range but not allocated: Get and Set do not check (as Wine). */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(FlsGetValue(100));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert(FlsSetValue(100, VAL(7)));
    ck_assert_ptr_eq(FlsGetValue(100), VAL(7));
}
END_TEST

START_TEST(test_fls_all_slots)
{
    DWORD n = 0;
    for (;;) {
        SetLastError(0xdeadbeef);
        DWORD i = FlsAlloc(NULL);
        if (i == FLS_OUT_OF_INDEXES) {
            ASSERT_LAST_ERROR(ERROR_NOT_ENOUGH_MEMORY);
            break;
        }
        n++;
        ck_assert_uint_eq(i, n);
    }
    ck_assert_uint_eq(n, 4079); /* Windows 10 and Wine 8: 4080 slots, 0 reserved */
    ck_assert(FlsSetValue(4079, VAL(9)));
    ck_assert_ptr_eq(FlsGetValue(4079), VAL(9));
    ck_assert(FlsFree(4079));
    ck_assert_uint_eq(FlsAlloc(NULL), 4079);
    ck_assert_ptr_null(FlsGetValue(4079));
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static DWORD slot;

static DWORD WINAPI tls_other_thread(LPVOID arg)
{
    (void)arg;
    if (TlsGetValue(slot) != NULL)
        return 1;
    if (!TlsSetValue(slot, VAL(2)) || TlsGetValue(slot) != VAL(2))
        return 2;
    return 0;
}

static void *tls_pthread(void *arg)
{
    return (void *)(ULONG_PTR)tls_other_thread(arg);
}

START_TEST(test_tls_per_thread)
{
    pthread_t pt;
    void *res;
    slot = TlsAlloc();
    ck_assert(TlsSetValue(slot, VAL(1)));
    ck_assert_uint_eq(on_thread(tls_other_thread, NULL), 0);
    ck_assert_int_eq(pthread_create(&pt, NULL, tls_pthread, NULL), 0);
    ck_assert_int_eq(pthread_join(pt, &res), 0);
    ck_assert_ptr_null(res);
    ck_assert_ptr_eq(TlsGetValue(slot), VAL(1));
}
END_TEST

static HANDLE go, done;

static DWORD WINAPI tls_holder(LPVOID arg)
{
    (void)arg;
    TlsSetValue(slot, VAL(5));
    SetEvent(done);
    WaitForSingleObject(go, INFINITE);
    return TlsGetValue(slot) == NULL ? 0 : 1;
}

/* Windows zeroes a freed slot in every thread. */
START_TEST(test_tls_free_clears_every_thread)
{
    go = CreateEventW(NULL, TRUE, FALSE, NULL);
    done = CreateEventW(NULL, TRUE, FALSE, NULL);
    slot = TlsAlloc();
    HANDLE t = CreateThread(NULL, 0, tls_holder, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(done, 5000), WAIT_OBJECT_0);
    ck_assert(TlsFree(slot));
    ck_assert_uint_eq(TlsAlloc(), slot);
    SetEvent(go);
    ASSERT_WAIT(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(t);
    CloseHandle(go);
    CloseHandle(done);
}
END_TEST

/* FLS callbacks record what they were called with, and on which thread. */
static _Atomic int ncalls;
static _Atomic(void *) last_value;
static _Atomic DWORD last_tid;
static _Atomic int sum_values;

static void WINAPI fls_cb(PVOID v)
{
    atomic_fetch_add(&ncalls, 1);
    atomic_store(&last_value, v);
    atomic_store(&last_tid, GetCurrentThreadId());
    atomic_fetch_add(&sum_values, (int)(ULONG_PTR)v);
    /* Callbacks run without the FLS lock: using FLS here is fine. */
    FlsGetValue(slot);
    FlsSetValue(slot, NULL);
}

static DWORD WINAPI fls_setter(LPVOID arg)
{
    if (!FlsSetValue(slot, arg))
        return 1;
    return GetCurrentThreadId();
}

static void *fls_pthread(void *arg)
{
    FlsSetValue(slot, arg);
    return NULL;
}

static DWORD WINAPI fls_exit_thread(LPVOID arg)
{
    FlsSetValue(slot, arg);
    ExitThread(GetCurrentThreadId());
}

START_TEST(test_fls_callback_at_exit)
{
    pthread_t pt;
    slot = FlsAlloc(fls_cb);
    ck_assert_uint_ne(slot, FLS_OUT_OF_INDEXES);

    DWORD tid = on_thread(fls_setter, VAL(0x77));
    ck_assert_int_eq(atomic_load(&ncalls), 1);
    ck_assert_ptr_eq(atomic_load(&last_value), VAL(0x77));
    ck_assert_uint_eq(atomic_load(&last_tid), tid); /* on the exiting thread */

    on_thread(fls_setter, NULL); /* NULL values get no call */
    ck_assert_int_eq(atomic_load(&ncalls), 1);

    ck_assert_int_eq(pthread_create(&pt, NULL, fls_pthread, VAL(0x10)), 0);
    ck_assert_int_eq(pthread_join(pt, NULL), 0);
    ck_assert_int_eq(atomic_load(&ncalls), 2);
    ck_assert_ptr_eq(atomic_load(&last_value), VAL(0x10));

    tid = on_thread(fls_exit_thread, VAL(0x20));
    ck_assert_int_eq(atomic_load(&ncalls), 3);
    ck_assert_uint_eq(atomic_load(&last_tid), tid);
    ck_assert(FlsFree(slot));
    ck_assert_int_eq(atomic_load(&ncalls), 3); /* main never set a value */
}
END_TEST

static DWORD WINAPI fls_holder(LPVOID arg)
{
    FlsSetValue(slot, arg);
    SetEvent(done);
    WaitForSingleObject(go, INFINITE);
    return FlsGetValue(slot) == NULL ? 0 : 1;
}

/* FlsFree runs the callback for every thread's value, on the calling
 * thread (as Wine 8 does); the values are gone, so the threads' exits run
 * no callback. */
START_TEST(test_fls_free_runs_callbacks)
{
    go = CreateEventW(NULL, TRUE, FALSE, NULL);
    done = CreateEventW(NULL, FALSE, FALSE, NULL);
    slot = FlsAlloc(fls_cb);
    HANDLE t[2];
    t[0] = CreateThread(NULL, 0, fls_holder, VAL(0x100), 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(done, 5000), WAIT_OBJECT_0);
    t[1] = CreateThread(NULL, 0, fls_holder, VAL(0x200), 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(done, 5000), WAIT_OBJECT_0);
    ck_assert(FlsSetValue(slot, VAL(0x400)));
    ck_assert(FlsFree(slot));
    ck_assert_int_eq(atomic_load(&ncalls), 3);
    ck_assert_int_eq(atomic_load(&sum_values), 0x700);
    ck_assert_uint_eq(atomic_load(&last_tid), GetCurrentThreadId());
    ASSERT_FAILS(FlsFree(slot), ERROR_INVALID_PARAMETER);
    SetEvent(go);
    ASSERT_WAIT(WaitForMultipleObjects(2, t, TRUE, 5000), WAIT_OBJECT_0);
    for (int i = 0; i < 2; i++) {
        DWORD code;
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert_int_eq(atomic_load(&ncalls), 3);
    CloseHandle(go);
    CloseHandle(done);
}
END_TEST

static DWORD WINAPI fls_churn(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        DWORD k = FlsAlloc(fls_cb);
        if (k == FLS_OUT_OF_INDEXES)
            return 1;
        FlsSetValue(k, VAL(1));
        if (!FlsFree(k))
            return 2;
    }
    return 0;
}

/* Threads allocating, setting and freeing slots at once: every value gets
 * exactly one callback. */
START_TEST(test_fls_concurrent)
{
    HANDLE t[6];
    for (int i = 0; i < 6; i++)
        t[i] = CreateThread(NULL, 0, fls_churn, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(6, t, TRUE, 30000), WAIT_OBJECT_0);
    for (int i = 0; i < 6; i++) {
        DWORD code;
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert_int_eq(atomic_load(&ncalls), 6 * 200);
}
END_TEST

static Suite *tls_suite(void)
{
    Suite *s = suite_create("tls");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_tls_alloc_free);
    tcase_add_test(basic, test_tls_reuse_reads_null);
    tcase_add_test(basic, test_tls_all_slots);
    tcase_add_test(basic, test_fls_basic);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_tls_bad_index);
    tcase_add_test(errors, test_fls_bad_index);
    tcase_add_test(errors, test_fls_all_slots);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_tls_per_thread);
    tcase_add_test(threads, test_tls_free_clears_every_thread);
    tcase_add_test(threads, test_fls_callback_at_exit);
    tcase_add_test(threads, test_fls_free_runs_callbacks);
    tcase_add_test(threads, test_fls_concurrent);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(tls_suite)
