/* WaitOnAddress, WakeByAddressSingle, WakeByAddressAll. */
#include "testutil.h"

#include <stdatomic.h>
#include <string.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_value_differs)
{
    BYTE b = 1, cb = 2;
    SHORT s = 1, cs = 2;
    LONG l = 1, cl = 2;
    LONG64 q = 1, cq = 1 | (1LL << 40); /* differs in the high half only */
    SetLastError(0xdeadbeef);
    ck_assert(WaitOnAddress(&b, &cb, 1, INFINITE));
    ck_assert(WaitOnAddress(&s, &cs, 2, INFINITE));
    ck_assert(WaitOnAddress(&l, &cl, 4, INFINITE));
    ck_assert(WaitOnAddress(&q, &cq, 8, INFINITE));
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* Only AddressSize bytes are compared. */
    LONG wide = 0x100;
    ck_assert(WaitOnAddress(&wide, &cl, 1, 0)); /* low bytes 0x00, 0x02 */
    cl = 0x200;
    ASSERT_FAILS(WaitOnAddress(&wide, &cl, 1, 0), ERROR_TIMEOUT); /* both 0x00 */
}
END_TEST

START_TEST(test_timeouts)
{
    BYTE b = 7;
    SHORT s = 7;
    LONG l = 7;
    LONG64 q = 7;
    ASSERT_FAILS(WaitOnAddress(&b, &b, 1, 0), ERROR_TIMEOUT);
    ASSERT_FAILS(WaitOnAddress(&s, &s, 2, 0), ERROR_TIMEOUT);
    ASSERT_FAILS(WaitOnAddress(&l, &l, 4, 0), ERROR_TIMEOUT);
    ASSERT_FAILS(WaitOnAddress(&q, &q, 8, 1), ERROR_TIMEOUT);
    LONG cmp = 7;
    double t0 = now_ms();
    ASSERT_FAILS(WaitOnAddress(&l, &cmp, 4, 50), ERROR_TIMEOUT);
    double dt = now_ms() - t0;
    ck_assert_msg(dt >= 45 && dt < 5000, "50 ms timeout took %.1f ms", dt);
}
END_TEST

START_TEST(test_unaligned)
{
    char buf[32];
    LONG64 v = 0x1122334455667788LL, other = v + 1;
    memset(buf, 0, sizeof buf);
    memcpy(buf + 3, &v, 8);
    ASSERT_FAILS(WaitOnAddress(buf + 3, &v, 8, 0), ERROR_TIMEOUT);
    ck_assert(WaitOnAddress(buf + 3, &other, 8, 0));
    ASSERT_FAILS(WaitOnAddress(buf + 5, buf + 5, 2, 0), ERROR_TIMEOUT);
}
END_TEST

START_TEST(test_wake_without_waiters)
{
    LONG l = 0;
    SetLastError(0xdeadbeef);
    WakeByAddressSingle(&l);
    WakeByAddressAll(&l);
    WakeByAddressSingle(NULL);
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_bad_size)
{
    LONG l = 0, c = 0;
    ASSERT_FAILS(WaitOnAddress(&l, &c, 0, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WaitOnAddress(&l, &c, 3, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WaitOnAddress(&l, &c, 5, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WaitOnAddress(&l, &c, 16, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WaitOnAddress(&l, &c, (SIZE_T)-1, 0), ERROR_INVALID_PARAMETER);
}
END_TEST

/* Windows faults on NULL; we fail with ERROR_NOACCESS. */
START_TEST(test_null_pointers)
{
    LONG l = 0;
    ASSERT_FAILS(WaitOnAddress(NULL, &l, 4, 0), ERROR_NOACCESS);
    ASSERT_FAILS(WaitOnAddress(&l, NULL, 4, 0), ERROR_NOACCESS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static volatile LONG word;
static _Atomic int returned;

static DWORD WINAPI waiter(LPVOID arg)
{
    LONG undesired = 0;
    BOOL ok = WaitOnAddress((volatile VOID *)arg, &undesired, 4, INFINITE);
    atomic_fetch_add(&returned, 1);
    return ok;
}

static int wait_returned(int want, int ms)
{
    for (int i = 0; i < ms && atomic_load(&returned) < want; i++)
        settle_ms(1);
    return atomic_load(&returned);
}

START_TEST(test_wake_single)
{
    HANDLE t = CreateThread(NULL, 0, waiter, (void *)&word, 0, NULL);
    settle_ms(20);
    InterlockedExchange(&word, 1);
    WakeByAddressSingle((PVOID)&word);
    ASSERT_WAIT(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, TRUE);
    CloseHandle(t);
}
END_TEST

/* WakeByAddressSingle wakes one waiter, WakeByAddressAll the rest; a wake
 * of another address wakes nobody.  The value never changes, so only
 * wakes can end these waits. */
START_TEST(test_wake_counts)
{
    static LONG other;
    HANDLE t[3];
    for (int i = 0; i < 3; i++)
        t[i] = CreateThread(NULL, 0, waiter, (void *)&word, 0, NULL);
    settle_ms(50);
    WakeByAddressAll(&other);
    WakeByAddressSingle(&other);
    settle_ms(20);
    ck_assert_int_eq(atomic_load(&returned), 0);
    /* Retry only if nobody was queued yet. */
    while (wait_returned(1, 1000) == 0)
        WakeByAddressSingle((PVOID)&word);
    settle_ms(50);
    ck_assert_int_eq(atomic_load(&returned), 1);
    WakeByAddressAll((PVOID)&word);
    ASSERT_WAIT(WaitForMultipleObjects(3, t, TRUE, 5000), WAIT_OBJECT_0);
    ck_assert_int_eq(atomic_load(&returned), 3);
    for (int i = 0; i < 3; i++)
        CloseHandle(t[i]);
}
END_TEST

/* Two threads hand a turn back and forth through one word. */
static volatile LONG turn;
#define ROUNDS 2000

static void take_turns(LONG mine)
{
    for (int i = 0; i < ROUNDS; i++) {
        LONG cur = InterlockedCompareExchange(&turn, 0, 0);
        while (cur != mine) {
            WaitOnAddress(&turn, &cur, sizeof turn, INFINITE);
            cur = InterlockedCompareExchange(&turn, 0, 0);
        }
        InterlockedExchange(&turn, mine == 1 ? 2 : 1);
        WakeByAddressSingle((PVOID)&turn);
    }
}

static DWORD WINAPI player_two(LPVOID arg)
{
    (void)arg;
    take_turns(2);
    return 0;
}

START_TEST(test_ping_pong)
{
    turn = 1;
    HANDLE t = CreateThread(NULL, 0, player_two, NULL, 0, NULL);
    take_turns(1);
    ASSERT_WAIT(WaitForSingleObject(t, 30000), WAIT_OBJECT_0);
    CloseHandle(t);
    ck_assert_int_eq(turn, 1);
}
END_TEST

/* Many threads, each waiting for the counter to pass its own value. */
static volatile LONG64 ticket;

static DWORD WINAPI ticket_waiter(LPVOID arg)
{
    LONG64 mine = (LONG64)(ULONG_PTR)arg;
    for (;;) {
        LONG64 cur = InterlockedCompareExchange64(&ticket, 0, 0);
        if (cur >= mine)
            return 0;
        WaitOnAddress(&ticket, &cur, 8, INFINITE);
    }
}

START_TEST(test_wake_all_many)
{
    HANDLE t[16];
    for (int i = 0; i < 16; i++)
        t[i] = CreateThread(NULL, 0, ticket_waiter, (void *)(ULONG_PTR)(i % 4 + 1), 0, NULL);
    for (int i = 0; i < 4; i++) {
        settle_ms(5);
        InterlockedIncrement64(&ticket);
        WakeByAddressAll((PVOID)&ticket);
    }
    ASSERT_WAIT(WaitForMultipleObjects(16, t, TRUE, 10000), WAIT_OBJECT_0);
    for (int i = 0; i < 16; i++)
        CloseHandle(t[i]);
}
END_TEST

static Suite *waitaddr_suite(void)
{
    Suite *s = suite_create("waitaddr");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_value_differs);
    tcase_add_test(basic, test_timeouts);
    tcase_add_test(basic, test_unaligned);
    tcase_add_test(basic, test_wake_without_waiters);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_bad_size);
    tcase_add_test(errors, test_null_pointers);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_wake_single);
    tcase_add_test(threads, test_wake_counts);
    tcase_add_test(threads, test_ping_pong);
    tcase_add_test(threads, test_wake_all_many);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(waitaddr_suite)
