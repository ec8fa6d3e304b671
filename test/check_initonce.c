/* One-time initialisation: InitOnceInitialize, InitOnceExecuteOnce,
 * InitOnceBeginInitialize, InitOnceComplete.  The error codes and the
 * stored pointer values are what Wine 8 gives (Win32 probes run under it),
 * except where a comment says otherwise. */
#include "testutil.h"
#include "unaligned.h"

#include <stdatomic.h>
#include <string.h>

#define CTX(x) ((LPVOID)(ULONG_PTR)(x))
#define PTR(once) ((ULONG_PTR)(once).Ptr)

static _Atomic int calls;
static LPVOID *seen_context;

static BOOL CALLBACK init_ok(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once;
    atomic_fetch_add(&calls, 1);
    seen_context = context;
    if (context)
        *context = param;
    return TRUE;
}

static BOOL CALLBACK init_fails(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once;
    (void)context;
    atomic_fetch_add(&calls, 1);
    if (param)
        SetLastError((DWORD)(ULONG_PTR)param);
    return FALSE;
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_initialize)
{
    INIT_ONCE a = INIT_ONCE_STATIC_INIT, b;
    ck_assert_ptr_null(a.Ptr);
    memset(&b, 0xcc, sizeof b);
    InitOnceInitialize(&b);
    ck_assert_ptr_null(b.Ptr);
}
END_TEST

START_TEST(test_execute_once)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    LPVOID ctx = CTX(0xcc);
    SetLastError(0xdeadbeef);
    ck_assert(InitOnceExecuteOnce(&once, init_ok, CTX(0x1000), &ctx));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_int_eq(atomic_load(&calls), 1);
    ck_assert_ptr_eq(seen_context, &ctx); /* the caller's own pointer */
    ck_assert_ptr_eq(ctx, CTX(0x1000));
    ck_assert_uint_eq(PTR(once), 0x1002); /* context | "done" */
    ctx = NULL;
    ck_assert(InitOnceExecuteOnce(&once, init_fails, NULL, &ctx));
    ck_assert_int_eq(atomic_load(&calls), 1);
    ck_assert_ptr_eq(ctx, CTX(0x1000));
    ck_assert(InitOnceExecuteOnce(&once, init_fails, NULL, NULL));
}
END_TEST

START_TEST(test_execute_once_no_context)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    seen_context = CTX(1);
    ck_assert(InitOnceExecuteOnce(&once, init_ok, CTX(0x1000), NULL));
    ck_assert_ptr_null(seen_context);
    ck_assert_uint_eq(PTR(once), 2);
}
END_TEST

START_TEST(test_begin_complete_sync)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending = 7;
    LPVOID ctx = CTX(0xcc);
    SetLastError(0xdeadbeef);
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, &ctx));
    ck_assert_int_eq(pending, TRUE);
    ck_assert_ptr_eq(ctx, CTX(0xcc));
    ck_assert_uint_eq(PTR(once), 1);
    ck_assert(InitOnceComplete(&once, 0, CTX(0x100)));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(PTR(once), 0x102);
    pending = 7;
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, &ctx));
    ck_assert_int_eq(pending, FALSE);
    ck_assert_ptr_eq(ctx, CTX(0x100));
    pending = 7;
    ctx = NULL;
    ck_assert(InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, &ctx));
    ck_assert_int_eq(pending, FALSE);
    ck_assert_ptr_eq(ctx, CTX(0x100));
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, NULL));
    ck_assert_int_eq(pending, FALSE);
    /* Flags Windows does not define are ignored (as Wine). */
    ck_assert(InitOnceBeginInitialize(&once, 0x10, &pending, NULL));
    ck_assert_int_eq(pending, FALSE);
}
END_TEST

START_TEST(test_begin_complete_async)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending = 7;
    LPVOID ctx = CTX(0xcc);
    ck_assert(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, &ctx));
    ck_assert_int_eq(pending, TRUE);
    ck_assert_uint_eq(PTR(once), 3);
    pending = 7;
    ck_assert(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, &ctx));
    ck_assert_int_eq(pending, TRUE); /* several may run at once */
    ck_assert_ptr_eq(ctx, CTX(0xcc));
    ck_assert(InitOnceComplete(&once, INIT_ONCE_ASYNC, CTX(0x300)));
    ck_assert_uint_eq(PTR(once), 0x302);
    /* The slower one lost the race. */
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_ASYNC, CTX(0x400)), ERROR_GEN_FAILURE);
    ck_assert_uint_eq(PTR(once), 0x302);
    ck_assert(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, &ctx));
    ck_assert_int_eq(pending, FALSE);
    ck_assert_ptr_eq(ctx, CTX(0x300));
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, &ctx));
    ck_assert_int_eq(pending, FALSE);
}
END_TEST

START_TEST(test_init_failed_resets)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending;
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, NULL));
    ck_assert(InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, NULL));
    ck_assert_ptr_null(once.Ptr);
    pending = FALSE;
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, NULL));
    ck_assert_int_eq(pending, TRUE);
    ck_assert(InitOnceComplete(&once, 0, NULL));
    ck_assert_uint_eq(PTR(once), 2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_check_only_errors)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending = 7;
    LPVOID ctx = CTX(0xcc);
    ASSERT_FAILS(InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, &ctx),
                 ERROR_GEN_FAILURE);
    ck_assert_int_eq(pending, 7);
    ck_assert_ptr_eq(ctx, CTX(0xcc));
    ASSERT_FAILS(InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY | INIT_ONCE_ASYNC,
                                         &pending, &ctx),
                 ERROR_INVALID_PARAMETER);
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, &ctx));
    /* Still running. */
    ASSERT_FAILS(InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, &ctx),
                 ERROR_GEN_FAILURE);
    ck_assert_uint_eq(PTR(once), 1);
}
END_TEST

START_TEST(test_complete_errors)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending;
    /* Nothing begun. */
    ASSERT_FAILS(InitOnceComplete(&once, 0, NULL), ERROR_GEN_FAILURE);
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_ASYNC, NULL), ERROR_GEN_FAILURE);
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, NULL), ERROR_GEN_FAILURE);
    ASSERT_FAILS(InitOnceComplete(&once, 8, NULL), ERROR_GEN_FAILURE);
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, NULL));
    /* The low INIT_ONCE_CTX_RESERVED_BITS bits of a context are ours. */
    ASSERT_FAILS(InitOnceComplete(&once, 0, CTX(0x101)), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitOnceComplete(&once, 0, CTX(0x102)), ERROR_INVALID_PARAMETER);
    /* A failure carries no context and is never asynchronous. */
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, CTX(0x100)),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_INIT_FAILED | INIT_ONCE_ASYNC, NULL),
                 ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(PTR(once), 1); /* none of that changed anything */
    ck_assert(InitOnceComplete(&once, 0, CTX(0x100)));
    /* Already done. */
    ASSERT_FAILS(InitOnceComplete(&once, 0, CTX(0x200)), ERROR_GEN_FAILURE);
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_ASYNC, CTX(0x200)), ERROR_GEN_FAILURE);
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, NULL), ERROR_GEN_FAILURE);
    ck_assert_uint_eq(PTR(once), 0x102);
}
END_TEST

START_TEST(test_mode_mixing)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending;
    ck_assert(InitOnceBeginInitialize(&once, 0, &pending, NULL));
    ASSERT_FAILS(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, NULL),
                 ERROR_INVALID_PARAMETER);
    /* Wine lets an asynchronous completion finish a synchronous one. */
    ck_assert(InitOnceComplete(&once, INIT_ONCE_ASYNC, CTX(0x100)));
    ck_assert_uint_eq(PTR(once), 0x102);

    InitOnceInitialize(&once);
    ck_assert(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, NULL));
    ASSERT_FAILS(InitOnceBeginInitialize(&once, 0, &pending, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, NULL),
                 ERROR_GEN_FAILURE);
    ASSERT_FAILS(InitOnceComplete(&once, 0, CTX(0x100)), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitOnceComplete(&once, INIT_ONCE_ASYNC, CTX(0x101)), ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(PTR(once), 3);
    /* InitOnceExecuteOnce is synchronous.  Wine returns FALSE here without
     * setting the last error; the documentation says GetLastError tells
     * why, so we set ERROR_INVALID_PARAMETER. */
    ASSERT_FAILS(InitOnceExecuteOnce(&once, init_ok, NULL, NULL), ERROR_INVALID_PARAMETER);
    ck_assert_int_eq(atomic_load(&calls), 0);
}
END_TEST

START_TEST(test_execute_once_failure)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    LPVOID ctx = CTX(0xcc);
    /* The last error is whatever the callback left. */
    ASSERT_FAILS(InitOnceExecuteOnce(&once, init_fails, CTX(1234), &ctx), 1234);
    ck_assert_ptr_eq(ctx, CTX(0xcc));
    ck_assert_ptr_null(once.Ptr); /* reset: the next call tries again */
    ASSERT_FAILS(InitOnceExecuteOnce(&once, init_fails, NULL, NULL), 0xdeadbeef);
    ck_assert_int_eq(atomic_load(&calls), 2);
    ck_assert(InitOnceExecuteOnce(&once, init_ok, CTX(0x40), &ctx));
    ck_assert_ptr_eq(ctx, CTX(0x40));
    ck_assert_int_eq(atomic_load(&calls), 3);
}
END_TEST

/* A callback that stores a context with reserved bits: FALSE,
 * ERROR_INVALID_PARAMETER, and the INIT_ONCE is reset.  (Wine returns
 * FALSE without an error and leaves it "in progress", so the next call
 * hangs.) */
START_TEST(test_execute_once_bad_context)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    LPVOID ctx = NULL;
    ASSERT_FAILS(InitOnceExecuteOnce(&once, init_ok, CTX(0x1001), &ctx),
                 ERROR_INVALID_PARAMETER);
    ck_assert_ptr_null(once.Ptr);
    ck_assert(InitOnceExecuteOnce(&once, init_ok, CTX(0x1000), &ctx));
    ck_assert_ptr_eq(ctx, CTX(0x1000));
}
END_TEST

/* NULL pointers fail before anything changes (Windows and Wine fault). */
START_TEST(test_null_pointers)
{
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    BOOL pending;
    ASSERT_FAILS(InitOnceBeginInitialize(&once, 0, NULL, NULL), ERROR_NOACCESS);
    ck_assert_ptr_null(once.Ptr);
    ASSERT_FAILS(InitOnceBeginInitialize(NULL, 0, &pending, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(InitOnceComplete(NULL, 0, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(InitOnceExecuteOnce(NULL, init_ok, NULL, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(InitOnceExecuteOnce(&once, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    ck_assert_ptr_null(once.Ptr);
    InitOnceInitialize(NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static INIT_ONCE shared_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK slow_init(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once;
    int n = atomic_fetch_add(&calls, 1);
    Sleep(30);
    if (n == 0 && param)
        return FALSE; /* the first attempt fails, when asked to */
    *context = CTX(0x5550);
    return TRUE;
}

static DWORD WINAPI run_once(LPVOID param)
{
    LPVOID ctx = NULL;
    if (!InitOnceExecuteOnce(&shared_once, slow_init, param, &ctx))
        return 2;
    return ctx == CTX(0x5550) ? 1 : 3;
}

static void run_many(void *param, int *ok, int *failed)
{
    HANDLE t[8];
    DWORD code;
    *ok = *failed = 0;
    for (int i = 0; i < 8; i++)
        t[i] = CreateThread(NULL, 0, run_once, param, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(8, t, TRUE, 30000), WAIT_OBJECT_0);
    for (int i = 0; i < 8; i++) {
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_ne(code, 3);
        *ok += code == 1;
        *failed += code == 2;
        CloseHandle(t[i]);
    }
}

START_TEST(test_concurrent_execute_once)
{
    int ok, failed;
    run_many(NULL, &ok, &failed);
    ck_assert_int_eq(atomic_load(&calls), 1);
    ck_assert_int_eq(ok, 8);
    ck_assert_int_eq(failed, 0);
}
END_TEST

/* Threads waiting on an initialisation that fails: one of them runs the
 * callback again. */
START_TEST(test_waiters_retry_after_failure)
{
    int ok, failed;
    run_many(CTX(1), &ok, &failed);
    ck_assert_int_eq(atomic_load(&calls), 2);
    ck_assert_int_eq(ok, 7);
    ck_assert_int_eq(failed, 1);
}
END_TEST

static _Atomic int async_started;

static DWORD WINAPI async_racer(LPVOID arg)
{
    BOOL pending = FALSE;
    if (!InitOnceBeginInitialize(&shared_once, INIT_ONCE_ASYNC, &pending, NULL) || !pending)
        return 3;
    atomic_fetch_add(&async_started, 1);
    while (atomic_load(&async_started) < 4)
        Sleep(1);
    SetLastError(0xdeadbeef);
    if (InitOnceComplete(&shared_once, INIT_ONCE_ASYNC, arg))
        return 1;
    return GetLastError() == ERROR_GEN_FAILURE ? 2 : 4;
}

START_TEST(test_async_race)
{
    HANDLE t[4];
    DWORD code;
    int won = 0;
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, async_racer, CTX(0x100 * (i + 1)), 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 30000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++) {
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert(code == 1 || code == 2);
        won += code == 1;
        CloseHandle(t[i]);
    }
    ck_assert_int_eq(won, 1);
    BOOL pending;
    LPVOID ctx = NULL;
    ck_assert(InitOnceBeginInitialize(&shared_once, INIT_ONCE_CHECK_ONLY, &pending, &ctx));
    ck_assert_uint_eq(PTR(shared_once), (ULONG_PTR)ctx | 2);
}
END_TEST

static LONG unaligned_calls[1];

/* An INIT_ONCE at an odd offset (a packed struct): threads that find the
 * initialisation running sleep on it until it completes. */
static BOOL CALLBACK once_unaligned_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)ctx;
    settle_ms(50);
    __atomic_fetch_add((LONG *)param, 1, __ATOMIC_RELAXED);
    return TRUE;
}

static void *once_unaligned_worker(void *arg)
{
    struct packed_locks *p = arg;
    BOOL ok = InitOnceExecuteOnce(PACKED_MEMBER(p, INIT_ONCE, once), once_unaligned_init,
                                  unaligned_calls, NULL);
    return ok ? arg : NULL;
}

START_TEST(test_unaligned)
{
    struct packed_locks *p = packed_at(_i);
    INIT_ONCE *once = PACKED_MEMBER(p, INIT_ONCE, once);
    ck_assert_uint_eq((uintptr_t)once % 8, unaligned_expected(_i));
    InitOnceInitialize(once);
    *unaligned_calls = 0;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, once_unaligned_worker, p), 0);
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        ck_assert_int_eq(pthread_join(t[i], &r), 0);
        ck_assert_ptr_eq(r, p);
    }
    ck_assert_int_eq(*unaligned_calls, 1);
    BOOL pending = TRUE;
    ck_assert(InitOnceBeginInitialize(once, INIT_ONCE_CHECK_ONLY, &pending, NULL));
    ck_assert(!pending);
}
END_TEST

static Suite *initonce_suite(void)
{
    Suite *s = suite_create("initonce");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_initialize);
    tcase_add_test(basic, test_execute_once);
    tcase_add_test(basic, test_execute_once_no_context);
    tcase_add_test(basic, test_begin_complete_sync);
    tcase_add_test(basic, test_begin_complete_async);
    tcase_add_test(basic, test_init_failed_resets);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_check_only_errors);
    tcase_add_test(errors, test_complete_errors);
    tcase_add_test(errors, test_mode_mixing);
    tcase_add_test(errors, test_execute_once_failure);
    tcase_add_test(errors, test_execute_once_bad_context);
    tcase_add_test(errors, test_null_pointers);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_concurrent_execute_once);
    tcase_add_test(threads, test_waiters_retry_after_failure);
    tcase_add_test(threads, test_async_race);
    tcase_add_loop_test(threads, test_unaligned, 0, UNALIGNED_CASES);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(initonce_suite)
