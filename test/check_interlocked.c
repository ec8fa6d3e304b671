/* The Interlocked family, MemoryBarrier, YieldProcessor and the
 * Read/Write helpers of winnt.h (inline, nothing in the library). */
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_long)
{
    LONG v = 5;
    ck_assert_int_eq(InterlockedIncrement(&v), 6); /* new value */
    ck_assert_int_eq(InterlockedDecrement(&v), 5);
    ck_assert_int_eq(InterlockedExchange(&v, 9), 5); /* old value */
    ck_assert_int_eq(InterlockedExchangeAdd(&v, 3), 9);
    ck_assert_int_eq(v, 12);
    ck_assert_int_eq(InterlockedAdd(&v, -2), 10);
    ck_assert_int_eq(InterlockedCompareExchange(&v, 20, 11), 10); /* no swap */
    ck_assert_int_eq(v, 10);
    ck_assert_int_eq(InterlockedCompareExchange(&v, 20, 10), 10);
    ck_assert_int_eq(v, 20);
    ck_assert_int_eq(InterlockedAnd(&v, 0x14), 20);
    ck_assert_int_eq(v, 0x14);
    ck_assert_int_eq(InterlockedOr(&v, 0x3), 0x14);
    ck_assert_int_eq(InterlockedXor(&v, 0x1), 0x17);
    ck_assert_int_eq(v, 0x16);
    /* LONG is 32 bits: it wraps as on Windows. */
    v = 0x7fffffff;
    ck_assert_int_eq(InterlockedIncrement(&v), (LONG)0x80000000);
    ck_assert_int_eq(sizeof(InterlockedIncrement(&v)), 4);
}
END_TEST

START_TEST(test_small)
{
    CHAR c = 1;
    SHORT s = 1;
    ck_assert_int_eq(InterlockedExchange8(&c, 7), 1);
    ck_assert_int_eq(InterlockedCompareExchange8(&c, 9, 7), 7);
    ck_assert_int_eq(InterlockedAnd8(&c, 1), 9);
    ck_assert_int_eq(InterlockedOr8(&c, 6), 1);
    ck_assert_int_eq(InterlockedXor8(&c, 7), 7);
    ck_assert_int_eq(c, 0);
    ck_assert_int_eq(InterlockedExchangeAdd8(&c, 3), 0);
    ck_assert_int_eq(InterlockedIncrement16(&s), 2);
    ck_assert_int_eq(InterlockedDecrement16(&s), 1);
    ck_assert_int_eq(InterlockedExchange16(&s, 0x7fff), 1);
    ck_assert_int_eq(InterlockedCompareExchange16(&s, 4, 0x7fff), 0x7fff);
    ck_assert_int_eq(InterlockedExchangeAdd16(&s, 1), 4);
    ck_assert_int_eq(InterlockedAnd16(&s, 4), 5);
    ck_assert_int_eq(InterlockedOr16(&s, 1), 4);
    ck_assert_int_eq(InterlockedXor16(&s, 5), 5);
    ck_assert_int_eq(s, 0);
}
END_TEST

START_TEST(test_64)
{
    LONG64 v = 1LL << 40;
    ck_assert(InterlockedIncrement64(&v) == (1LL << 40) + 1);
    ck_assert(InterlockedDecrement64(&v) == 1LL << 40);
    ck_assert(InterlockedExchange64(&v, 3) == 1LL << 40);
    ck_assert(InterlockedExchangeAdd64(&v, 1LL << 33) == 3);
    ck_assert(InterlockedAdd64(&v, 1) == (1LL << 33) + 4);
    ck_assert(InterlockedCompareExchange64(&v, 7, 0) == (1LL << 33) + 4);
    ck_assert(InterlockedCompareExchange64(&v, 7, (1LL << 33) + 4) == (1LL << 33) + 4);
    ck_assert(v == 7);
    ck_assert(InterlockedAnd64(&v, 6) == 7);
    ck_assert(InterlockedOr64(&v, 1LL << 50) == 6);
    ck_assert(InterlockedXor64(&v, 6) == ((1LL << 50) | 6));
    ck_assert(v == 1LL << 50);
    SIZE_T z = 10;
    ck_assert_uint_eq(InterlockedIncrementSizeT(&z), 11);
    ck_assert_uint_eq(InterlockedDecrementSizeT(&z), 10);
    ck_assert_uint_eq(InterlockedExchangeAddSizeT(&z, 5), 10);
    ck_assert_uint_eq(z, 15);
}
END_TEST

START_TEST(test_pointer)
{
    int a, b;
    PVOID p = &a;
    ck_assert_ptr_eq(InterlockedExchangePointer(&p, &b), &a);
    ck_assert_ptr_eq(InterlockedCompareExchangePointer(&p, &a, &a), &b); /* no swap */
    ck_assert_ptr_eq(p, &b);
    ck_assert_ptr_eq(InterlockedCompareExchangePointer(&p, NULL, &b), &b);
    ck_assert_ptr_null(p);
    ck_assert_ptr_null(InterlockedExchangePointerAcquire(&p, &a));
    ck_assert_ptr_eq(ReadPointerAcquire(&p), &a);
    WritePointerRelease(&p, &b);
    ck_assert_ptr_eq(ReadPointerNoFence(&p), &b);
    WritePointerNoFence(&p, NULL);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_compare_exchange_128)
{
    DECLSPEC_ALIGN(16) LONG64 dst[2] = {1, 2}; /* low, high */
    LONG64 cmp[2] = {1, 3};
    ck_assert_int_eq(InterlockedCompareExchange128(dst, 20, 10, cmp), FALSE);
    ck_assert(cmp[0] == 1 && cmp[1] == 2); /* receives the current value */
    ck_assert(dst[0] == 1 && dst[1] == 2);
    ck_assert_int_eq(InterlockedCompareExchange128(dst, 20, 10, cmp), TRUE);
    ck_assert(dst[0] == 10 && dst[1] == 20);
    ck_assert(cmp[0] == 1 && cmp[1] == 2); /* the previous value */
}
END_TEST

START_TEST(test_bit_tests)
{
    LONG bits[2] = {0, 0};
    ck_assert_int_eq(InterlockedBitTestAndSet(bits, 3), 0);
    ck_assert_int_eq(InterlockedBitTestAndSet(bits, 3), 1);
    ck_assert_int_eq(bits[0], 8);
    ck_assert_int_eq(InterlockedBitTestAndSet(bits, 33), 0); /* past 31: next LONG */
    ck_assert_int_eq(bits[1], 2);
    ck_assert_int_eq(InterlockedBitTestAndReset(bits, 3), 1);
    ck_assert_int_eq(InterlockedBitTestAndReset(bits, 3), 0);
    ck_assert_int_eq(InterlockedBitTestAndComplement(bits, 31), 0);
    ck_assert_int_eq(bits[0], (LONG)0x80000000);
    ck_assert_int_eq(InterlockedBitTestAndComplement(bits, 31), 1);
    ck_assert_int_eq(bits[0], 0);
    LONG64 q = 0;
    ck_assert_int_eq(InterlockedBitTestAndSet64(&q, 63), 0);
    ck_assert(q == (LONG64)(1ULL << 63));
    ck_assert_int_eq(InterlockedBitTestAndReset64(&q, 63), 1);
    ck_assert_int_eq(InterlockedBitTestAndComplement64(&q, 40), 0);
    ck_assert(q == 1LL << 40);
}
END_TEST

START_TEST(test_fence_variants_and_helpers)
{
    LONG v = 0;
    LONG64 q = 0;
    ck_assert_int_eq(InterlockedIncrementAcquire(&v), 1);
    ck_assert_int_eq(InterlockedIncrementRelease(&v), 2);
    ck_assert_int_eq(InterlockedIncrementNoFence(&v), 3);
    ck_assert_int_eq(InterlockedDecrementRelease(&v), 2);
    ck_assert_int_eq(InterlockedCompareExchangeAcquire(&v, 5, 2), 2);
    ck_assert_int_eq(InterlockedCompareExchangeRelease(&v, 6, 5), 5);
    ck_assert_int_eq(InterlockedExchangeAcquire(&v, 1), 6);
    ck_assert_int_eq(InterlockedOrRelease(&v, 2), 1);
    ck_assert(InterlockedIncrementAcquire64(&q) == 1);
    ck_assert(InterlockedCompareExchangeAcquire64(&q, 4, 1) == 1);
    WriteRelease(&v, 42);
    ck_assert_int_eq(ReadAcquire(&v), 42);
    WriteNoFence(&v, 43);
    ck_assert_int_eq(ReadNoFence(&v), 43);
    WriteRelease64(&q, 1LL << 35);
    ck_assert(ReadAcquire64(&q) == 1LL << 35);
    MemoryBarrier();
    YieldProcessor();
    _ReadWriteBarrier();
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors: nothing can fail; unsigned operands as C code passes them    */

START_TEST(test_unsigned_operands)
{
    ULONG u = 0xffffffffu;
    ck_assert_int_eq(InterlockedIncrement((LONG *)&u), 0);
    ck_assert_uint_eq(u, 0);
    ck_assert_int_eq(InterlockedDecrement((LONG *)&u), -1);
    ck_assert_uint_eq(u, 0xffffffffu);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static volatile LONG counter;
static volatile LONG64 counter64;
static volatile LONG spin;
#define ITERS 100000

static DWORD WINAPI adder(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        InterlockedIncrement(&counter);
        InterlockedExchangeAdd64(&counter64, 2);
        /* A spin lock out of CompareExchange and Exchange. */
        while (InterlockedCompareExchange(&spin, 1, 0) != 0)
            YieldProcessor();
        InterlockedDecrement(&counter);
        InterlockedIncrement(&counter);
        InterlockedExchange(&spin, 0);
    }
    return 0;
}

START_TEST(test_concurrent_counters)
{
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, adder, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++)
        CloseHandle(t[i]);
    ck_assert_int_eq(counter, 4 * ITERS);
    ck_assert(counter64 == 8LL * ITERS);
    ck_assert_int_eq(spin, 0);
}
END_TEST

static DECLSPEC_ALIGN(16) volatile LONG64 pair[2];

static DWORD WINAPI pair_bumper(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < ITERS / 10; i++) {
        LONG64 cur[2] = {pair[0], pair[1]};
        while (!InterlockedCompareExchange128((LONG64 volatile *)pair, cur[1] + 1, cur[0] + 1, cur))
            ;
    }
    return 0;
}

/* Both halves always move together. */
START_TEST(test_concurrent_128)
{
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, pair_bumper, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++)
        CloseHandle(t[i]);
    ck_assert(pair[0] == 4 * (ITERS / 10));
    ck_assert(pair[1] == pair[0]);
}
END_TEST

static Suite *interlocked_suite(void)
{
    Suite *s = suite_create("interlocked");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_long);
    tcase_add_test(basic, test_small);
    tcase_add_test(basic, test_64);
    tcase_add_test(basic, test_pointer);
    tcase_add_test(basic, test_compare_exchange_128);
    tcase_add_test(basic, test_bit_tests);
    tcase_add_test(basic, test_fence_variants_and_helpers);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_unsigned_operands);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_concurrent_counters);
    tcase_add_test(threads, test_concurrent_128);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(interlocked_suite)
