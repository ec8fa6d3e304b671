/* Threads as far as the foundation goes: CreateThread, ExitThread,
 * GetExitCodeThread, thread ids, the thread handle signalled at exit. */
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
    ASSERT_FAILS(CreateThread(NULL, 0, returns_param, NULL, CREATE_SUSPENDED, NULL),
                 ERROR_NOT_SUPPORTED);
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
    suite_add_tcase(s, basic);
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
