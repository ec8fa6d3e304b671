/* The C runtime's thread entry points (lib/proc/crtthread.c). */
#include "testutil.h"

#include <errno.h>
#include <process.h>
#include <string.h>

static unsigned __stdcall return_arg(void *p)
{
    return (unsigned)(uintptr_t)p;
}

static unsigned __stdcall end_with(void *p)
{
    _endthreadex((unsigned)(uintptr_t)p + 1);
    return 0; /* never reached */
}

static LONG volatile counter;

static unsigned __stdcall count_up(void *p)
{
    for (int i = 0; i < 1000; i++)
        InterlockedIncrement(&counter);
    return (unsigned)(uintptr_t)p;
}

/* ---- _beginthreadex ---- */

START_TEST(test_beginthreadex)
{
    unsigned tid = 0xcccccccc;
    uintptr_t h = _beginthreadex(NULL, 0, return_arg, (void *)(uintptr_t)42, 0, &tid);
    ck_assert(h != 0);
    ck_assert(tid != 0 && tid != 0xcccccccc);
    ck_assert_uint_eq(GetThreadId((HANDLE)h), tid);
    ASSERT_WAIT(WaitForSingleObject((HANDLE)h, INFINITE), WAIT_OBJECT_0);
    DWORD code = 0;
    ck_assert(GetExitCodeThread((HANDLE)h, &code));
    ck_assert_uint_eq(code, 42);
    ck_assert(CloseHandle((HANDLE)h)); /* the caller's to close */

    h = _beginthreadex(NULL, 0, end_with, (void *)(uintptr_t)6, 0, NULL);
    ck_assert(h != 0);
    ASSERT_WAIT(WaitForSingleObject((HANDLE)h, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread((HANDLE)h, &code));
    ck_assert_uint_eq(code, 7);
    CloseHandle((HANDLE)h);
}
END_TEST

START_TEST(test_beginthreadex_suspended)
{
    counter = 0;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    uintptr_t h = _beginthreadex(&sa, 64 * 1024, count_up, (void *)(uintptr_t)3,
                                 CREATE_SUSPENDED, NULL);
    ck_assert(h != 0);
    ASSERT_WAIT(WaitForSingleObject((HANDLE)h, 50), WAIT_TIMEOUT);
    ck_assert_int_eq(counter, 0);
    DWORD flags = 0;
    ck_assert(GetHandleInformation((HANDLE)h, &flags));
    ck_assert(flags & HANDLE_FLAG_INHERIT);
    ck_assert_uint_eq(ResumeThread((HANDLE)h), 1);
    ASSERT_WAIT(WaitForSingleObject((HANDLE)h, INFINITE), WAIT_OBJECT_0);
    ck_assert_int_eq(counter, 1000);
    CloseHandle((HANDLE)h);
}
END_TEST

/* A pool of workers, waited for all at once. */
START_TEST(test_beginthreadex_pool)
{
    counter = 0;
    HANDLE hs[16];
    for (int i = 0; i < 16; i++) {
        hs[i] = (HANDLE)_beginthreadex(NULL, 0, count_up, (void *)(uintptr_t)i, 0, NULL);
        ck_assert_ptr_nonnull(hs[i]);
    }
    ASSERT_WAIT(WaitForMultipleObjects(16, hs, TRUE, INFINITE), WAIT_OBJECT_0);
    ck_assert_int_eq(counter, 16000);
    for (int i = 0; i < 16; i++) {
        DWORD code;
        ck_assert(GetExitCodeThread(hs[i], &code));
        ck_assert_uint_eq(code, (DWORD)i);
        CloseHandle(hs[i]);
    }
}
END_TEST

START_TEST(test_beginthreadex_errors)
{
    unsigned tid = 0xcccccccc;
    errno = 0;
    ck_assert(_beginthreadex(NULL, 0, NULL, NULL, 0, &tid) == 0);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_uint_eq(tid, 0xcccccccc);
    errno = 0;
    ck_assert(_beginthreadex(NULL, 0, return_arg, NULL, 0x10, &tid) == 0);
    ck_assert_int_eq(errno, EINVAL);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
}
END_TEST

/* ---- _beginthread ---- */

static HANDLE go, done;

static void __cdecl plain_worker(void *p)
{
    WaitForSingleObject(go, INFINITE);
    *(int *)p = 1;
    SetEvent(done);
}

static void __cdecl ending_worker(void *p)
{
    *(int *)p = 2;
    SetEvent(done);
    _endthread();
    *(int *)p = 3; /* never reached */
}

static void __cdecl exiting_worker(void *p)
{
    *(int *)p = 4;
    ExitThread(9);
}

/* Waits until h no longer names a thread object: the thread closed it. */
static void wait_closed(HANDLE h)
{
    for (int i = 0; i < 2000; i++) {
        DWORD code;
        SetLastError(0xdeadbeef);
        if (!GetExitCodeThread(h, &code)) {
            ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
            return;
        }
        Sleep(1);
    }
    ck_abort_msg("the thread's handle was not closed");
}

START_TEST(test_beginthread)
{
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    done = CreateEventA(NULL, FALSE, FALSE, NULL);
    int flag = 0;
    uintptr_t h = _beginthread(plain_worker, 0, &flag);
    ck_assert(h != (uintptr_t)-1 && h != 0);
    /* While it runs the handle is valid and waitable. */
    ASSERT_WAIT(WaitForSingleObject((HANDLE)h, 0), WAIT_TIMEOUT);
    DWORD code = 0;
    ck_assert(GetExitCodeThread((HANDLE)h, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    SetEvent(go);
    ASSERT_WAIT(WaitForSingleObject(done, INFINITE), WAIT_OBJECT_0);
    ck_assert_int_eq(flag, 1);
    wait_closed((HANDLE)h); /* closed by the thread as it ended */

    h = _beginthread(ending_worker, 128 * 1024, &flag);
    ck_assert(h != (uintptr_t)-1);
    ASSERT_WAIT(WaitForSingleObject(done, INFINITE), WAIT_OBJECT_0);
    wait_closed((HANDLE)h);
    ck_assert_int_eq(flag, 2);

    h = _beginthread(exiting_worker, 0, &flag);
    ck_assert(h != (uintptr_t)-1);
    wait_closed((HANDLE)h);
    ck_assert_int_eq(flag, 4);
    CloseHandle(go);
    CloseHandle(done);
}
END_TEST

/* A thread that another handle names stays waitable after it closed its
 * own: OpenThread by id, before it ends. */
START_TEST(test_beginthread_open)
{
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    done = CreateEventA(NULL, FALSE, FALSE, NULL);
    int flag = 0;
    uintptr_t h = _beginthread(plain_worker, 0, &flag);
    ck_assert(h != (uintptr_t)-1);
    DWORD tid = GetThreadId((HANDLE)h);
    ck_assert_uint_ne(tid, 0);
    HANDLE mine = OpenThread(SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, tid);
    ck_assert_ptr_nonnull(mine);
    SetEvent(go);
    ASSERT_WAIT(WaitForSingleObject(mine, INFINITE), WAIT_OBJECT_0);
    DWORD code = 0xcccccccc;
    ck_assert(GetExitCodeThread(mine, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(mine);
    CloseHandle(go);
    CloseHandle(done);
}
END_TEST

START_TEST(test_beginthread_errors)
{
    errno = 0;
    ck_assert(_beginthread(NULL, 0, NULL) == (uintptr_t)-1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static Suite *crtthread_suite(void)
{
    Suite *s = suite_create("crtthread");
    TCase *threads = tcase_create("threads");
    tcase_add_test(threads, test_beginthreadex);
    tcase_add_test(threads, test_beginthreadex_suspended);
    tcase_add_test(threads, test_beginthreadex_pool);
    tcase_add_test(threads, test_beginthread);
    tcase_add_test(threads, test_beginthread_open);
    suite_add_tcase(s, threads);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_beginthreadex_errors);
    tcase_add_test(errors, test_beginthread_errors);
    suite_add_tcase(s, errors);
    return s;
}

TEST_MAIN(crtthread_suite)
