/* The handle table: CloseHandle, DuplicateHandle, Get/SetHandleInformation,
 * CompareObjectHandles, pseudo-handles, handle values, GetLastError. */
#include "testutil.h"

#include <stdatomic.h>

static HANDLE new_event(void)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert_ptr_nonnull(h);
    return h;
}

START_TEST(test_values)
{
    HANDLE h[100];
    for (int i = 0; i < 100; i++) {
        h[i] = new_event();
        uintptr_t v = (uintptr_t)h[i];
        ck_assert(v != 0);
        ck_assert_uint_eq(v % 4, 0);
        ck_assert(v < ((uintptr_t)1 << 32));
        for (int j = 0; j < i; j++)
            ck_assert_ptr_ne(h[i], h[j]);
    }
    for (int i = 0; i < 100; i++)
        ck_assert(CloseHandle(h[i]));
}
END_TEST

START_TEST(test_last_error)
{
    SetLastError(1234);
    ck_assert_uint_eq(GetLastError(), 1234);
    SetLastError(0);
    ck_assert_uint_eq(GetLastError(), 0);
}
END_TEST

START_TEST(test_close_errors)
{
    ASSERT_FAILS(CloseHandle(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseHandle((HANDLE)(uintptr_t)0x1234), ERROR_INVALID_HANDLE);
    HANDLE h = new_event();
    ck_assert(CloseHandle(h));
    ASSERT_FAILS(CloseHandle(h), ERROR_INVALID_HANDLE);
    /* Closing the pseudo-handles is a successful no-op. */
    ck_assert(CloseHandle(GetCurrentProcess()));
    ck_assert(CloseHandle(GetCurrentThread()));
    ASSERT_WAIT(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
}
END_TEST

START_TEST(test_stale_handle_not_reused_at_once)
{
    HANDLE h = new_event();
    CloseHandle(h);
    for (int i = 0; i < 64; i++) {
        HANDLE n = new_event();
        ck_assert_ptr_ne(n, h);
        ASSERT_FAILS(SetEvent(h), ERROR_INVALID_HANDLE);
        CloseHandle(n);
    }
}
END_TEST

/* Invariant 11 through the thread's ring of freed indices (handle.c): an
 * index comes back only after 1024 others were freed after it, also when
 * a burst of closes overflows the ring into the FIFO, and the indices a
 * thread holds go back when it exits. */
static uint32_t index_of(HANDLE h)
{
    return (uint32_t)((((uintptr_t)h >> 2) - 1) & 0xffffff);
}

#define BURST 3000
static DWORD WINAPI close_burst(LPVOID p)
{
    HANDLE *hs = p;
    for (int i = 0; i < BURST; i++)
        if (!CloseHandle(hs[i]))
            return 1;
    return 0;
}

START_TEST(test_reuse_delayed_through_ring)
{
    HANDLE h = new_event();
    uint32_t hi = index_of(h);
    ck_assert(CloseHandle(h));
    for (int i = 0; i < 1000; i++) {
        HANDLE n = new_event();
        ck_assert_uint_ne(index_of(n), hi);
        ck_assert(CloseHandle(n));
    }
    static HANDLE hs[BURST], again[BURST];
    static unsigned char recent[1 << 24];
    memset(recent, 0, sizeof recent);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < BURST; i++)
            ck_assert_ptr_nonnull(hs[i] = new_event());
        if (round == 0) {
            for (int i = 0; i < BURST; i++)
                ck_assert(CloseHandle(hs[i]));
        } else { /* closed by a thread that then exits */
            HANDLE t = CreateThread(NULL, 0, close_burst, hs, 0, NULL);
            ASSERT_WAIT(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
            DWORD code = 99;
            ck_assert(GetExitCodeThread(t, &code));
            ck_assert_uint_eq(code, 0);
            ck_assert(CloseHandle(t));
        }
        for (int i = BURST - 1024; i < BURST; i++)
            recent[index_of(hs[i])] = 1;
        for (int i = 0; i < BURST; i++) {
            ck_assert_ptr_nonnull(again[i] = new_event());
            ck_assert_uint_eq(recent[index_of(again[i])], 0);
            ASSERT_FAILS(SetEvent(hs[i]), ERROR_INVALID_HANDLE);
        }
        for (int i = 0; i < BURST; i++) {
            ck_assert(SetEvent(again[i]));
            ck_assert(CloseHandle(again[i]));
            recent[index_of(hs[i])] = 0;
        }
    }
}
END_TEST

START_TEST(test_duplicate_same_access)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE d = (HANDLE)(uintptr_t)0xcccccccc;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert_ptr_ne(d, h);
    ck_assert(CompareObjectHandles(h, d));
    ck_assert(SetEvent(d));
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    ck_assert(CloseHandle(h));
    ASSERT_WAIT(WaitForSingleObject(d, 0), WAIT_OBJECT_0); /* object lives on */
    ck_assert(CloseHandle(d));
}
END_TEST

START_TEST(test_duplicate_reduced_access)
{
    HANDLE h = new_event();
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, SYNCHRONIZE,
                              FALSE, 0));
    ASSERT_FAILS(SetEvent(d), ERROR_ACCESS_DENIED);
    ASSERT_WAIT(WaitForSingleObject(d, 0), WAIT_TIMEOUT);
    HANDLE m;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &m,
                              EVENT_MODIFY_STATE, FALSE, 0));
    ck_assert(SetEvent(m));
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    /* Generic rights map to the type's specific rights. */
    HANDLE g;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &g, GENERIC_ALL,
                              FALSE, 0));
    ck_assert(ResetEvent(g));
    CloseHandle(g);
    CloseHandle(m);
    CloseHandle(d);
    CloseHandle(h);
}
END_TEST

START_TEST(test_duplicate_close_source)
{
    /* Within a process the duplicate takes over the source's value. */
    HANDLE h = new_event();
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, SYNCHRONIZE,
                              TRUE, DUPLICATE_CLOSE_SOURCE));
    ck_assert_ptr_eq(d, h);
    ASSERT_FAILS(SetEvent(d), ERROR_ACCESS_DENIED); /* the new access */
    DWORD flags;
    ck_assert(GetHandleInformation(d, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT);
    ck_assert(CloseHandle(d));
    ASSERT_FAILS(CloseHandle(h), ERROR_INVALID_HANDLE);

    /* The source is closed even when the duplication fails. */
    h = new_event();
    ASSERT_FAILS(DuplicateHandle(GetCurrentProcess(), h, (HANDLE)(uintptr_t)0x1234, &d, 0,
                                 FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                 ERROR_INVALID_HANDLE);
    ck_assert_ptr_null(d);
    ASSERT_FAILS(SetEvent(h), ERROR_INVALID_HANDLE);

    /* The close-only idiom: no target process. */
    h = new_event();
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, NULL, NULL, 0, FALSE,
                              DUPLICATE_CLOSE_SOURCE));
    ASSERT_FAILS(SetEvent(h), ERROR_INVALID_HANDLE);

    /* A protected source is never closed; the duplicate still succeeds. */
    h = new_event();
    SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE);
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    ck_assert_ptr_ne(d, h);
    ck_assert(SetEvent(h));
    ck_assert(CloseHandle(d));
    SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    ck_assert(CloseHandle(h));
}
END_TEST

START_TEST(test_duplicate_attributes_and_masks)
{
    HANDLE h = new_event(), d;
    SetHandleInformation(h, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE,
                         HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    /* DUPLICATE_SAME_ATTRIBUTES (4) copies the source's flags... */
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS | 0x4));
    DWORD flags;
    ck_assert(GetHandleInformation(d, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    SetHandleInformation(d, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    CloseHandle(d);
    /* ...otherwise only bInheritHandle counts. */
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(GetHandleInformation(d, &flags));
    ck_assert_uint_eq(flags, 0);
    CloseHandle(d);
    /* Rights the type lacks are dropped; ~0 asks for ACCESS_SYSTEM_SECURITY. */
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0xFFFF, FALSE, 0));
    ck_assert(SetEvent(d));
    CloseHandle(d);
    ASSERT_FAILS(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0xFFFFFFFF,
                                 FALSE, 0),
                 ERROR_ACCESS_DENIED);
    /* Access can grow on duplication (no security descriptor says no). */
    HANDLE weak, strong;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &weak, SYNCHRONIZE,
                              FALSE, 0));
    ck_assert(DuplicateHandle(GetCurrentProcess(), weak, GetCurrentProcess(), &strong,
                              EVENT_ALL_ACCESS, FALSE, 0));
    ck_assert(SetEvent(strong));
    CloseHandle(weak);
    CloseHandle(strong);
    /* lpTargetHandle NULL: succeeds (the duplicate is made, unseen). */
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), NULL, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    CloseHandle(h);
}
END_TEST

START_TEST(test_tag_bits_ignored)
{
    HANDLE h = new_event();
    HANDLE tagged = (HANDLE)((uintptr_t)h | 3);
    ck_assert(SetEvent(tagged));
    ASSERT_WAIT(WaitForSingleObject((HANDLE)((uintptr_t)h | 2), 0), WAIT_OBJECT_0);
    ck_assert(SetHandleInformation(tagged, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    DWORD flags;
    ck_assert(GetHandleInformation((HANDLE)((uintptr_t)h | 1), &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT);
    ck_assert(CompareObjectHandles(h, tagged));
    ck_assert(CloseHandle(tagged));
    ASSERT_FAILS(CloseHandle(h), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_pseudo_information)
{
    DWORD flags = 0xcccccccc;
    ck_assert(GetHandleInformation(GetCurrentProcess(), &flags));
    ck_assert_uint_eq(flags, 0);
    ASSERT_FAILS(SetHandleInformation(GetCurrentThread(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT),
                 ERROR_ACCESS_DENIED);
    ck_assert(CompareObjectHandles(GetCurrentProcess(), GetCurrentProcess()));
    ASSERT_FAILS(CompareObjectHandles(GetCurrentProcess(), GetCurrentThread()),
                 ERROR_NOT_SAME_OBJECT);
}
END_TEST

START_TEST(test_duplicate_pseudo)
{
    HANDLE p, t;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              &p, 0, FALSE, DUPLICATE_SAME_ACCESS));
    ck_assert_ptr_ne(p, GetCurrentProcess());
    ck_assert_uint_eq(GetProcessId(p), GetCurrentProcessId());
    ASSERT_WAIT(WaitForSingleObject(p, 0), WAIT_TIMEOUT);
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &t, 0, FALSE, DUPLICATE_SAME_ACCESS));
    ck_assert_uint_eq(GetThreadId(t), GetCurrentThreadId());
    ck_assert(CompareObjectHandles(p, GetCurrentProcess()));
    ck_assert(CompareObjectHandles(t, GetCurrentThread()));
    CloseHandle(p);
    CloseHandle(t);
}
END_TEST

START_TEST(test_duplicate_errors)
{
    HANDLE h = new_event();
    HANDLE d = (HANDLE)(uintptr_t)0xcccccccc;
    ASSERT_FAILS(DuplicateHandle(GetCurrentProcess(), NULL, GetCurrentProcess(), &d, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS),
                 ERROR_INVALID_HANDLE);
    ck_assert_ptr_null(d); /* the output is cleared on failure */
    ASSERT_FAILS(DuplicateHandle(NULL, h, GetCurrentProcess(), &d, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(DuplicateHandle(GetCurrentProcess(), h, h, &d, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS),
                 ERROR_INVALID_HANDLE);
    /* A process handle without PROCESS_DUP_HANDLE. */
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              &weak, SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(DuplicateHandle(weak, h, GetCurrentProcess(), &d, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS),
                 ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    CloseHandle(h);
}
END_TEST

START_TEST(test_handle_information)
{
    HANDLE h = new_event();
    DWORD flags = 0xcccccccc;
    ck_assert(GetHandleInformation(h, &flags));
    ck_assert_uint_eq(flags, 0);
    ck_assert(SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    ck_assert(GetHandleInformation(h, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT);
    ck_assert(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                   HANDLE_FLAG_PROTECT_FROM_CLOSE));
    ck_assert(GetHandleInformation(h, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    /* Protected: CloseHandle fails and the handle stays valid. */
    ASSERT_FAILS(CloseHandle(h), ERROR_INVALID_HANDLE);
    ck_assert(SetEvent(h));
    ck_assert(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE | HANDLE_FLAG_INHERIT, 0));
    ck_assert(GetHandleInformation(h, &flags));
    ck_assert_uint_eq(flags, 0);
    /* Inheritance requested at creation and at duplication. */
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE i = CreateEventA(&sa, TRUE, FALSE, NULL);
    ck_assert(GetHandleInformation(i, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT);
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), i, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(GetHandleInformation(d, &flags));
    ck_assert_uint_eq(flags, 0);
    CloseHandle(d);
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, TRUE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(GetHandleInformation(d, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT);
    CloseHandle(d);
    CloseHandle(i);
    ck_assert(CloseHandle(h));
    ASSERT_FAILS(GetHandleInformation(h, &flags), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetHandleInformation(h, HANDLE_FLAG_INHERIT, 0), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetHandleInformation(NULL, &flags), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_compare)
{
    HANDLE a = new_event(), b = new_event();
    ck_assert(CompareObjectHandles(a, a));
    ASSERT_FAILS(CompareObjectHandles(a, b), ERROR_NOT_SAME_OBJECT);
    ASSERT_FAILS(CompareObjectHandles(a, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CompareObjectHandles(NULL, a), ERROR_INVALID_HANDLE);
    CloseHandle(a);
    CloseHandle(b);
}
END_TEST

/* Many threads creating, duplicating, looking up and closing at once. */
static atomic_int churn_stop;
static HANDLE shared_ev;

static void *churn(void *arg)
{
    (void)arg;
    HANDLE mine[32];
    int n = 0;
    while (!atomic_load(&churn_stop)) {
        if (n < 32) {
            if (n % 2)
                mine[n++] = CreateEventA(NULL, FALSE, FALSE, NULL);
            else if (DuplicateHandle(GetCurrentProcess(), shared_ev, GetCurrentProcess(),
                                     &mine[n], 0, FALSE, DUPLICATE_SAME_ACCESS))
                n++;
        } else {
            while (n)
                ck_assert(CloseHandle(mine[--n]));
        }
        ck_assert(SetEvent(shared_ev));
        ASSERT_WAIT(WaitForSingleObject(shared_ev, 0), WAIT_OBJECT_0);
    }
    while (n)
        ck_assert(CloseHandle(mine[--n]));
    return NULL;
}

START_TEST(test_threads_churn)
{
    shared_ev = CreateEventA(NULL, TRUE, TRUE, NULL);
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, churn, NULL);
    settle_ms(1500);
    atomic_store(&churn_stop, 1);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    ck_assert(CloseHandle(shared_ev));
}
END_TEST

/* Two threads closing the same handle: exactly one succeeds. */
static HANDLE race_h;
static atomic_int race_ok;
static void *race_close(void *arg)
{
    (void)arg;
    if (CloseHandle(race_h))
        atomic_fetch_add(&race_ok, 1);
    return NULL;
}

START_TEST(test_threads_double_close)
{
    for (int i = 0; i < 200; i++) {
        race_h = new_event();
        atomic_store(&race_ok, 0);
        pthread_t a, b;
        pthread_create(&a, NULL, race_close, NULL);
        pthread_create(&b, NULL, race_close, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        ck_assert_int_eq(atomic_load(&race_ok), 1);
    }
}
END_TEST

static Suite *handle_suite(void)
{
    Suite *s = suite_create("handle");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_values);
    tcase_add_test(basic, test_last_error);
    tcase_add_test(basic, test_stale_handle_not_reused_at_once);
    tcase_add_test(basic, test_reuse_delayed_through_ring);
    tcase_add_test(basic, test_duplicate_same_access);
    tcase_add_test(basic, test_duplicate_reduced_access);
    tcase_add_test(basic, test_duplicate_close_source);
    tcase_add_test(basic, test_duplicate_attributes_and_masks);
    tcase_add_test(basic, test_tag_bits_ignored);
    tcase_add_test(basic, test_pseudo_information);
    tcase_add_test(basic, test_duplicate_pseudo);
    tcase_add_test(basic, test_handle_information);
    tcase_add_test(basic, test_compare);
    suite_add_tcase(s, basic);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_close_errors);
    tcase_add_test(errors, test_duplicate_errors);
    suite_add_tcase(s, errors);
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_threads_churn);
    tcase_add_test(threads, test_threads_double_close);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(handle_suite)
