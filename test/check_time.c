/* Tick counts and system time: GetTickCount, GetTickCount64,
 * GetSystemTimeAsFileTime. */
#include "testutil.h"

#include <time.h>

START_TEST(test_tick_counts)
{
    ULONGLONG a64 = GetTickCount64();
    DWORD a32 = GetTickCount();
    settle_ms(50);
    ULONGLONG b64 = GetTickCount64();
    DWORD b32 = GetTickCount();
    ck_assert_msg(b64 - a64 >= 49 && b64 - a64 < 5000, "64-bit ticks moved %llu ms",
                  (unsigned long long)(b64 - a64));
    ck_assert_msg((DWORD)(b32 - a32) >= 49 && (DWORD)(b32 - a32) < 5000,
                  "32-bit ticks moved %lu ms", (unsigned long)(b32 - a32));
    /* GetTickCount is the low 32 bits of GetTickCount64. */
    ULONGLONG c64 = GetTickCount64();
    DWORD c32 = GetTickCount();
    ck_assert((DWORD)(c32 - (DWORD)c64) < 1000);
}
END_TEST

START_TEST(test_system_time)
{
    FILETIME ft = {0xcccccccc, 0xcccccccc};
    time_t before = time(NULL);
    GetSystemTimeAsFileTime(&ft);
    time_t after = time(NULL);
    ULONGLONG t = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    /* 100-ns intervals since 1601-01-01; 11644473600 s to 1970. */
    long long unix_s = (long long)(t / 10000000ULL) - 11644473600LL;
    ck_assert_msg(unix_s >= before - 1 && unix_s <= after + 1, "FILETIME says %lld, time() %lld",
                  unix_s, (long long)before);
    FILETIME later;
    GetSystemTimeAsFileTime(&later);
    ULONGLONG t2 = ((ULONGLONG)later.dwHighDateTime << 32) | later.dwLowDateTime;
    ck_assert(t2 >= t);
}
END_TEST

static Suite *time_suite(void)
{
    Suite *s = suite_create("time");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_tick_counts);
    tcase_add_test(basic, test_system_time);
    suite_add_tcase(s, basic);
    return s;
}

TEST_MAIN(time_suite)
