/* Semaphores: counts, limits, names, access, and wake-ups. */
#include "testutil.h"

START_TEST(test_counts)
{
    HANDLE s = CreateSemaphoreA(NULL, 2, 3, NULL);
    ck_assert_ptr_nonnull(s);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    LONG prev = -1;
    ck_assert(ReleaseSemaphore(s, 3, &prev));
    ck_assert_int_eq(prev, 0);
    prev = 0x5555;
    ASSERT_FAILS(ReleaseSemaphore(s, 1, &prev), ERROR_TOO_MANY_POSTS);
    ck_assert_int_eq(prev, 0x5555); /* untouched on failure */
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseSemaphore(s, 1, &prev));
    ck_assert_int_eq(prev, 2);
    CloseHandle(s);

    /* The extremes. */
    s = CreateSemaphoreW(NULL, 0, 0x7fffffff, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert(ReleaseSemaphore(s, 0x7fffffff, &prev));
    ck_assert_int_eq(prev, 0);
    ASSERT_FAILS(ReleaseSemaphore(s, 1, &prev), ERROR_TOO_MANY_POSTS);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseSemaphore(s, 1, &prev));
    ck_assert_int_eq(prev, 0x7ffffffe);
    CloseHandle(s);
}
END_TEST

START_TEST(test_errors)
{
    ASSERT_FAILS(CreateSemaphoreA(NULL, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateSemaphoreA(NULL, 0, -1, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateSemaphoreA(NULL, -1, 1, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateSemaphoreA(NULL, 2, 1, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateSemaphoreW(NULL, 2, 1, u"winshim-bad-sem"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateSemaphoreExA(NULL, 0, 1, NULL, 1, SEMAPHORE_ALL_ACCESS),
                 ERROR_INVALID_PARAMETER);

    HANDLE s = CreateSemaphoreA(NULL, 0, 1, NULL);
    ASSERT_FAILS(ReleaseSemaphore(s, 0, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReleaseSemaphore(s, -1, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReleaseSemaphore(s, 2, NULL), ERROR_TOO_MANY_POSTS);
    ASSERT_FAILS(ReleaseSemaphore(NULL, 1, NULL), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(ReleaseSemaphore(e, 1, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(e);

    /* ReleaseSemaphore needs SEMAPHORE_MODIFY_STATE; waiting SYNCHRONIZE. */
    HANDLE sync_only, modify_only;
    ck_assert(DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &sync_only,
                              SYNCHRONIZE, FALSE, 0));
    ck_assert(DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &modify_only,
                              SEMAPHORE_MODIFY_STATE, FALSE, 0));
    ASSERT_FAILS(ReleaseSemaphore(sync_only, 1, NULL), ERROR_ACCESS_DENIED);
    ck_assert(ReleaseSemaphore(modify_only, 1, NULL));
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(modify_only, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    ASSERT_WAIT(WaitForSingleObject(sync_only, 0), WAIT_OBJECT_0);
    CloseHandle(sync_only);
    CloseHandle(modify_only);
    CloseHandle(s);
}
END_TEST

START_TEST(test_names)
{
    SetLastError(0xdeadbeef);
    HANDLE a = CreateSemaphoreA(NULL, 1, 5, "winshim-test-sem");
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    /* The existing one: the counts given are ignored, but still checked. */
    SetLastError(0xdeadbeef);
    HANDLE b = CreateSemaphoreExW(NULL, 0, 1, u"winshim-test-sem", 0, SEMAPHORE_ALL_ACCESS);
    ck_assert_ptr_nonnull(b);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    LONG prev;
    ck_assert(ReleaseSemaphore(b, 4, &prev));
    ck_assert_int_eq(prev, 1);
    ASSERT_FAILS(CreateSemaphoreA(NULL, 3, 2, "winshim-test-sem"), ERROR_INVALID_PARAMETER);

    HANDLE c = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, "winshim-test-sem");
    ck_assert_ptr_nonnull(c);
    ASSERT_FAILS(ReleaseSemaphore(c, 1, NULL), ERROR_TOO_MANY_POSTS);
    HANDLE d = OpenSemaphoreW(SYNCHRONIZE, FALSE, u"winshim-test-sem");
    ASSERT_WAIT(WaitForSingleObject(d, 0), WAIT_OBJECT_0);
    ASSERT_FAILS(OpenSemaphoreA(SYNCHRONIZE, FALSE, "winshim-no-sem"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, "winshim-test-sem"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenSemaphoreW(SYNCHRONIZE, FALSE, NULL), ERROR_INVALID_PARAMETER);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
    CloseHandle(d);
}
END_TEST

/* ---- threads ---- */

static HANDLE sem;
static volatile LONG taken;

static DWORD WINAPI taker(LPVOID p)
{
    (void)p;
    if (WaitForSingleObject(sem, 10000) != WAIT_OBJECT_0)
        return 1;
    __atomic_fetch_add(&taken, 1, __ATOMIC_SEQ_CST);
    return 0;
}

/* A release of n wakes n blocked waiters, no more. */
START_TEST(test_release_wakes_n)
{
    sem = CreateSemaphoreA(NULL, 0, 10, NULL);
    HANDLE t[5];
    for (int i = 0; i < 5; i++)
        t[i] = CreateThread(NULL, 0, taker, NULL, 0, NULL);
    settle_ms(30);
    LONG prev;
    ck_assert(ReleaseSemaphore(sem, 3, &prev));
    ck_assert_int_eq(prev, 0);
    for (int i = 0; i < 200 && __atomic_load_n(&taken, __ATOMIC_SEQ_CST) < 3; i++)
        settle_ms(5);
    settle_ms(20);
    ck_assert_int_eq(__atomic_load_n(&taken, __ATOMIC_SEQ_CST), 3);
    ck_assert(ReleaseSemaphore(sem, 2, &prev));
    ASSERT_WAIT(WaitForMultipleObjects(5, t, TRUE, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(taken, 5);
    ASSERT_WAIT(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
    for (int i = 0; i < 5; i++)
        CloseHandle(t[i]);
    CloseHandle(sem);
}
END_TEST

/* Token conservation: producers release, consumers take, counts add up. */
#define ROUNDS 4000
static DWORD WINAPI producer(LPVOID p)
{
    (void)p;
    for (int i = 0; i < ROUNDS; i++)
        while (!ReleaseSemaphore(sem, 1, NULL))
            if (GetLastError() != ERROR_TOO_MANY_POSTS)
                return 1;
            else
                Sleep(0);
    return 0;
}

static DWORD WINAPI consumer(LPVOID p)
{
    (void)p;
    for (int i = 0; i < ROUNDS; i++)
        if (WaitForSingleObject(sem, 30000) != WAIT_OBJECT_0)
            return 1;
    return 0;
}

START_TEST(test_producers_consumers)
{
    sem = CreateSemaphoreA(NULL, 0, 16, NULL);
    HANDLE t[8];
    for (int i = 0; i < 8; i++)
        t[i] = CreateThread(NULL, 0, i < 4 ? producer : consumer, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(8, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 8; i++) {
        DWORD code;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ASSERT_WAIT(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
    CloseHandle(sem);
}
END_TEST

static Suite *semaphore_suite(void)
{
    Suite *s = suite_create("semaphore");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_counts);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_release_wakes_n);
    tcase_add_test(tc, test_producers_consumers);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(semaphore_suite)
