/* QueryPerformanceCounter and QueryPerformanceFrequency. */
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_frequency)
{
    LARGE_INTEGER f;
    f.QuadPart = -1;
    SetLastError(0xdeadbeef);
    ck_assert(QueryPerformanceFrequency(&f));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert(f.QuadPart == 10000000); /* 10 MHz, as Windows 10 and later */
}
END_TEST

START_TEST(test_counter_advances)
{
    LARGE_INTEGER a, b;
    SetLastError(0xdeadbeef);
    ck_assert(QueryPerformanceCounter(&a));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert(a.QuadPart > 0);
    Sleep(50);
    ck_assert(QueryPerformanceCounter(&b));
    LONGLONG ms = (b.QuadPart - a.QuadPart) / 10000;
    ck_assert_msg(ms >= 45 && ms < 5000, "Sleep(50) measured as %lld ms", (long long)ms);
}
END_TEST

/* Same clock as GetTickCount64 (CLOCK_MONOTONIC). */
START_TEST(test_counter_matches_tick_count)
{
    LARGE_INTEGER c;
    ULONGLONG t0 = GetTickCount64();
    ck_assert(QueryPerformanceCounter(&c));
    ULONGLONG t1 = GetTickCount64();
    ULONGLONG qms = (ULONGLONG)c.QuadPart / 10000;
    ck_assert(qms >= t0 && qms <= t1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

/* Both are documented never to fail; a NULL pointer is ignored and the
 * result is still TRUE (as Wine; Windows faults). */
START_TEST(test_null)
{
    SetLastError(0xdeadbeef);
    ck_assert(QueryPerformanceCounter(NULL));
    ck_assert(QueryPerformanceFrequency(NULL));
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static DWORD WINAPI monotonic(LPVOID arg)
{
    (void)arg;
    LARGE_INTEGER prev, cur;
    QueryPerformanceCounter(&prev);
    for (int i = 0; i < 100000; i++) {
        QueryPerformanceCounter(&cur);
        if (cur.QuadPart < prev.QuadPart)
            return 1;
        prev = cur;
    }
    return 0;
}

START_TEST(test_monotonic_on_every_thread)
{
    HANDLE t[2];
    DWORD code;
    for (int i = 0; i < 2; i++)
        t[i] = CreateThread(NULL, 0, monotonic, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(2, t, TRUE, 30000), WAIT_OBJECT_0);
    for (int i = 0; i < 2; i++) {
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
}
END_TEST

static Suite *perf_suite(void)
{
    Suite *s = suite_create("perf");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_frequency);
    tcase_add_test(basic, test_counter_advances);
    tcase_add_test(basic, test_counter_matches_tick_count);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_null);
    suite_add_tcase(s, errors);

    tcase_add_test(threads, test_monotonic_on_every_thread);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(perf_suite)
