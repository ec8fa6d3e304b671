/* Heaps (lib/mem/heap.c): growable and fixed heaps, the block functions
 * and their errors, HeapWalk, information classes, HeapLock, a shared heap
 * under threads. */
#include "testutil.h"

#include <stdbool.h>
#include <string.h>

/* Are the n bytes at p all v?  (One assertion per buffer: Check reports
 * every assertion to its parent, so one per byte is slow.) */
static bool all_bytes(const void *p, int v, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != (unsigned char)v)
            return false;
    return true;
}

/* ---- heaps: basic ---- */

START_TEST(test_process_heap)
{
    HANDLE ph = GetProcessHeap();
    ck_assert_ptr_nonnull(ph);
    ck_assert_ptr_eq(GetProcessHeap(), ph);
    ck_assert_uint_eq((uintptr_t)ph % 0x10000, 0);
    HANDLE hs[8];
    memset(hs, 0xcc, sizeof hs);
    DWORD n = GetProcessHeaps(8, hs);
    ck_assert_uint_ge(n, 1);
    ck_assert_ptr_eq(hs[0], ph);
    ASSERT_FAILS(HeapDestroy(ph), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseHandle(ph), ERROR_INVALID_HANDLE); /* not a kernel handle */
}
END_TEST

START_TEST(test_alloc_free_size)
{
    HANDLE h = HeapCreate(0, 0, 0);
    ck_assert_ptr_nonnull(h);
    size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, 1024, 1025, 4096, 70000, 600000, 3000000};
    void *p[13];
    for (int i = 0; i < 13; i++) {
        p[i] = HeapAlloc(h, 0, sizes[i]);
        ck_assert_ptr_nonnull(p[i]);
        ck_assert_uint_eq((uintptr_t)p[i] % 16, 0);
        ck_assert_uint_eq(HeapSize(h, 0, p[i]), sizes[i]);
        memset(p[i], i, sizes[i]);
    }
    for (int i = 0; i < 13; i++) {
        ck_assert(all_bytes(p[i], i, sizes[i]));
        ck_assert(HeapValidate(h, 0, p[i]));
    }
    ck_assert(HeapValidate(h, 0, NULL));
    for (int i = 0; i < 13; i++) {
        SetLastError(0xdeadbeef);
        ck_assert(HeapFree(h, 0, p[i]));
        ASSERT_LAST_ERROR(0xdeadbeef);
    }
    ck_assert(HeapFree(h, 0, NULL));
    ck_assert(HeapValidate(h, 0, NULL));
    ck_assert(HeapDestroy(h));
}
END_TEST

START_TEST(test_zero_memory)
{
    HANDLE h = HeapCreate(0, 0, 0);
    /* Dirty a block, free it, get it back zeroed. */
    unsigned char *p = HeapAlloc(h, 0, 200);
    memset(p, 0xab, 200);
    HeapFree(h, 0, p);
    unsigned char *q = HeapAlloc(h, HEAP_ZERO_MEMORY, 200);
    ck_assert(all_bytes(q, 0, 200));
    /* ReAlloc with HEAP_ZERO_MEMORY zeroes the grown part only. */
    memset(q, 0x11, 200);
    q = HeapReAlloc(h, HEAP_ZERO_MEMORY, q, 5000);
    ck_assert_ptr_nonnull(q);
    ck_assert(all_bytes(q, 0x11, 200));
    ck_assert(all_bytes(q + 200, 0, 4800));
    ck_assert_uint_eq(HeapSize(h, 0, q), 5000);
    HeapDestroy(h);
}
END_TEST

START_TEST(test_realloc)
{
    HANDLE h = HeapCreate(0, 0, 0);
    char *p = HeapAlloc(h, 0, 10);
    memcpy(p, "0123456789", 10);
    /* Shrinking stays in place. */
    ck_assert_ptr_eq(HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, p, 4), p);
    ck_assert_uint_eq(HeapSize(h, 0, p), 4);
    /* Growing past the block's room in place: ERROR_NOT_ENOUGH_MEMORY. */
    ASSERT_FAILS(HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, p, 100000), ERROR_NOT_ENOUGH_MEMORY);
    ck_assert_uint_eq(HeapSize(h, 0, p), 4);
    char *q = HeapReAlloc(h, 0, p, 100000);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(memcmp(q, "0123", 4), 0);
    ck_assert_uint_eq(HeapSize(h, 0, q), 100000);
    /* NULL: NULL, last error untouched (as Windows). */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(HeapReAlloc(h, 0, NULL, 10));
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* A large block grows into its own mapping and back down. */
    q = HeapReAlloc(h, 0, q, 4000000);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(memcmp(q, "0123", 4), 0);
    q = HeapReAlloc(h, 0, q, 8);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(memcmp(q, "0123", 4), 0);
    ck_assert(HeapValidate(h, 0, NULL));
    HeapDestroy(h);
}
END_TEST

START_TEST(test_fixed_heap)
{
    /* A fixed-size heap refuses what exceeds its maximum. */
    HANDLE h = HeapCreate(0, 0, 0x10000);
    ck_assert_ptr_nonnull(h);
    ASSERT_FAILS(HeapAlloc(h, 0, 0x20000), ERROR_NOT_ENOUGH_MEMORY);
    void *a = HeapAlloc(h, 0, 0x8000);
    ck_assert_ptr_nonnull(a);
    ASSERT_FAILS(HeapAlloc(h, 0, 0x10000), ERROR_NOT_ENOUGH_MEMORY);
    /* Freed space is used again. */
    ck_assert(HeapFree(h, 0, a));
    ck_assert_ptr_eq(HeapAlloc(h, 0, 0x8000), a);
    /* Many small blocks until full, then every one freed and reused. */
    int n = 0;
    while (HeapAlloc(h, 0, 64))
        n++;
    ASSERT_FAILS(HeapAlloc(h, 0, 64), ERROR_NOT_ENOUGH_MEMORY);
    ck_assert_int_gt(n, 10);
    ck_assert(HeapValidate(h, 0, NULL));
    /* HEAP_GENERATE_EXCEPTIONS: no exception, the same failure. */
    ASSERT_FAILS(HeapAlloc(h, HEAP_GENERATE_EXCEPTIONS, 0x20000), ERROR_NOT_ENOUGH_MEMORY);
    ck_assert(HeapDestroy(h));
}
END_TEST

START_TEST(test_execute_heap)
{
    HANDLE h = HeapCreate(HEAP_CREATE_ENABLE_EXECUTE, 0, 0);
    void *p = HeapAlloc(h, 0, 64);
    MEMORY_BASIC_INFORMATION mbi;
    ck_assert_uint_eq(VirtualQuery(p, &mbi, sizeof mbi), sizeof mbi);
    ck_assert_uint_eq(mbi.Protect, PAGE_EXECUTE_READWRITE);
    HANDLE g = HeapCreate(0, 0, 0);
    p = HeapAlloc(g, 0, 64);
    ck_assert_uint_eq(VirtualQuery(p, &mbi, sizeof mbi), sizeof mbi);
    ck_assert_uint_eq(mbi.Protect, PAGE_READWRITE);
    HeapDestroy(g);
    HeapDestroy(h);
}
END_TEST

START_TEST(test_destroy)
{
    HANDLE hs[4];
    DWORD before = GetProcessHeaps(4, hs);
    HANDLE h = HeapCreate(0, 0x4000, 0);
    ck_assert_uint_eq(GetProcessHeaps(0, NULL), before + 1);
    for (int i = 0; i < 1000; i++)
        ck_assert_ptr_nonnull(HeapAlloc(h, 0, (size_t)i * 37));
    ck_assert_ptr_nonnull(HeapAlloc(h, 0, 2000000));
    ck_assert(HeapDestroy(h));
    ck_assert_uint_eq(GetProcessHeaps(0, NULL), before);
    /* Its memory is gone: the address is free again. */
    MEMORY_BASIC_INFORMATION mbi;
    ck_assert_uint_eq(VirtualQuery(h, &mbi, sizeof mbi), sizeof mbi);
    ck_assert_uint_eq(mbi.State, MEM_FREE);
    ASSERT_FAILS(HeapDestroy(h), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert(HeapDestroy(NULL)); /* as Windows' RtlDestroyHeap(NULL) and Wine */
}
END_TEST

/* ---- heaps: errors ---- */

START_TEST(test_errors)
{
    HANDLE h = HeapCreate(0, 0, 0);
    char *p = HeapAlloc(h, 0, 32);
    /* A block of another heap, a freed block, an inner pointer. */
    HANDLE g = HeapCreate(0, 0, 0);
    char *q = HeapAlloc(g, 0, 32);
    ASSERT_FAILS(HeapFree(h, 0, q), ERROR_INVALID_PARAMETER);
    ck_assert(HeapFree(g, 0, q));
    ASSERT_FAILS(HeapFree(g, 0, q), ERROR_INVALID_PARAMETER); /* double free */
    ASSERT_FAILS(HeapFree(h, 0, p + 16), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(HeapSize(h, 0, p + 16), (SIZE_T)-1);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(HeapReAlloc(h, 0, p + 16, 8), ERROR_INVALID_PARAMETER);
    ck_assert(!HeapValidate(h, 0, p + 16));
    ck_assert(!HeapValidate(g, 0, q));
    ck_assert(HeapValidate(h, 0, p));
    /* Not a heap. */
    ASSERT_FAILS(HeapAlloc(NULL, 0, 8), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(HeapFree(NULL, 0, p), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(HeapLock(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(HeapWalk(NULL, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(HeapWalk(h, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(HeapUnlock(h), ERROR_NOT_OWNER);
    HeapDestroy(g);
    HeapDestroy(h);
}
END_TEST

START_TEST(test_information)
{
    HANDLE h = HeapCreate(0, 0, 0);
    ULONG v = 0xcccccccc;
    SIZE_T ret = 0xcc;
    ck_assert(HeapQueryInformation(h, HeapCompatibilityInformation, &v, sizeof v, &ret));
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(ret, sizeof(ULONG));
    ret = 0xcc;
    ASSERT_FAILS(HeapQueryInformation(h, HeapCompatibilityInformation, &v, 2, &ret),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(ret, sizeof(ULONG));
    ASSERT_FAILS(HeapQueryInformation(h, (HEAP_INFORMATION_CLASS)5, &v, sizeof v, &ret),
                 ERROR_INVALID_PARAMETER);
    v = 2;
    ck_assert(HeapSetInformation(h, HeapCompatibilityInformation, &v, sizeof v));
    v = 0xcc;
    ck_assert(HeapQueryInformation(h, HeapCompatibilityInformation, &v, sizeof v, NULL));
    ck_assert_uint_eq(v, 2);
    v = 5;
    ASSERT_FAILS(HeapSetInformation(h, HeapCompatibilityInformation, &v, sizeof v),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(HeapSetInformation(h, HeapCompatibilityInformation, &v, 2),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert(HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0));
    ASSERT_FAILS(HeapSetInformation(h, (HEAP_INFORMATION_CLASS)7, NULL, 0),
                 ERROR_INVALID_PARAMETER);
    HANDLE ns = HeapCreate(HEAP_NO_SERIALIZE, 0, 0);
    v = 2;
    ASSERT_FAILS(HeapSetInformation(ns, HeapCompatibilityInformation, &v, sizeof v),
                 ERROR_INVALID_PARAMETER);
    HeapDestroy(ns);
    HeapDestroy(h);
}
END_TEST

START_TEST(test_walk)
{
    HANDLE h = HeapCreate(0, 0, 0);
    void *a = HeapAlloc(h, 0, 100);
    void *b = HeapAlloc(h, 0, 200);
    void *c = HeapAlloc(h, 0, 3000000); /* a large block */
    HeapFree(h, 0, HeapAlloc(h, 0, 300));
    PROCESS_HEAP_ENTRY e;
    memset(&e, 0xcc, sizeof e);
    e.lpData = NULL;
    int regions = 0, busy = 0, free_blocks = 0;
    bool seen_a = false, seen_b = false, seen_c = false;
    ck_assert(HeapLock(h));
    while (HeapWalk(h, &e)) {
        if (e.wFlags & PROCESS_HEAP_REGION) {
            regions++;
        } else if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) {
            busy++;
            seen_a |= e.lpData == a && e.cbData == 100;
            seen_b |= e.lpData == b && e.cbData == 200;
            seen_c |= e.lpData == c && e.cbData == 3000000;
        } else if (!(e.wFlags & PROCESS_HEAP_UNCOMMITTED_RANGE)) {
            free_blocks++;
        }
    }
    ASSERT_LAST_ERROR(ERROR_NO_MORE_ITEMS);
    ck_assert(HeapUnlock(h));
    ck_assert_int_eq(regions, 2);
    ck_assert_int_eq(busy, 3);
    ck_assert_int_eq(free_blocks, 1);
    ck_assert(seen_a && seen_b && seen_c);
    HeapDestroy(h);
}
END_TEST

START_TEST(test_compact)
{
    HANDLE h = HeapCreate(0, 0, 0x10000);
    SIZE_T big = HeapCompact(h, 0);
    ck_assert_uint_gt(big, 0x8000);
    ck_assert_uint_le(big, 0x10000);
    HeapDestroy(h);
}
END_TEST

/* ---- heaps: threads ---- */

static HANDLE shared;

static DWORD WINAPI churn(LPVOID arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    void *held[64] = {0};
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        int k = (int)(seed >> 16) % 64;
        if (held[k]) {
            if (HeapSize(shared, 0, held[k]) == (SIZE_T)-1 || !HeapFree(shared, 0, held[k]))
                return 1;
            held[k] = NULL;
        } else {
            size_t n = (seed >> 8) % 3000;
            if (!(held[k] = HeapAlloc(shared, 0, n)))
                return 2;
            memset(held[k], k, n);
        }
    }
    for (int k = 0; k < 64; k++)
        HeapFree(shared, 0, held[k]);
    return 0;
}

START_TEST(test_threads)
{
    shared = HeapCreate(0, 0, 0);
    HANDLE t[8];
    for (int i = 0; i < 8; i++)
        t[i] = CreateThread(NULL, 0, churn, (LPVOID)(uintptr_t)(i + 1), 0, NULL);
    ck_assert_uint_eq(WaitForMultipleObjects(8, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 8; i++) {
        DWORD code = 99;
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert(HeapValidate(shared, 0, NULL));
    HeapDestroy(shared);
}
END_TEST

/* The process heap's per-thread caches: a freed small block is free for
 * every function, comes back to the thread that freed it, and the caches
 * of exited threads go back to the heap. */
START_TEST(test_process_heap_cache)
{
    HANDLE ph = GetProcessHeap();
    void *p = HeapAlloc(ph, 0, 40);
    ck_assert(HeapFree(ph, 0, p));
    ASSERT_FAILS(HeapFree(ph, 0, p), ERROR_INVALID_PARAMETER); /* double free */
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(HeapSize(ph, 0, p), (SIZE_T)-1);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    ck_assert(!HeapValidate(ph, 0, p));
    ASSERT_FAILS(HeapReAlloc(ph, 0, p, 80), ERROR_INVALID_PARAMETER);
    ck_assert_ptr_eq(HeapAlloc(ph, 0, 48), p); /* the same class, this thread */
    ck_assert_uint_eq(HeapSize(ph, 0, p), 48);
    HeapFree(ph, 0, p);
    shared = ph;
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, churn, (LPVOID)(uintptr_t)(i + 11), 0, NULL);
    ck_assert_uint_eq(WaitForMultipleObjects(4, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++) {
        DWORD code = 99;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert(HeapValidate(ph, 0, NULL));
    /* A walk sees every block this thread holds as busy, none twice. */
    void *mine[8];
    for (int i = 0; i < 8; i++)
        mine[i] = HeapAlloc(ph, 0, 24);
    HeapFree(ph, 0, mine[3]);
    PROCESS_HEAP_ENTRY e;
    e.lpData = NULL;
    int seen = 0, seen_freed = 0;
    while (HeapWalk(ph, &e))
        if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY)
            for (int i = 0; i < 8; i++)
                if (e.lpData == mine[i])
                    (*(i == 3 ? &seen_freed : &seen))++;
    ck_assert_int_eq(seen, 7);
    ck_assert_int_eq(seen_freed, 0);
}
END_TEST

static DWORD WINAPI try_alloc(LPVOID arg)
{
    return HeapAlloc((HANDLE)arg, 0, 8) != NULL;
}

START_TEST(test_heap_lock)
{
    HANDLE h = HeapCreate(0, 0, 0);
    ck_assert(HeapLock(h));
    ck_assert(HeapLock(h)); /* recursive, as a critical section */
    ck_assert_ptr_nonnull(HeapAlloc(h, 0, 8)); /* the owner still allocates */
    HANDLE t = CreateThread(NULL, 0, try_alloc, h, 0, NULL);
    ck_assert_uint_eq(WaitForSingleObject(t, 100), WAIT_TIMEOUT); /* blocked */
    ck_assert(HeapUnlock(h));
    ck_assert_uint_eq(WaitForSingleObject(t, 100), WAIT_TIMEOUT);
    ck_assert(HeapUnlock(h));
    ck_assert_uint_eq(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CloseHandle(t);
    HeapDestroy(h);
}
END_TEST

static Suite *heap_suite(void)
{
    Suite *s = suite_create("heap");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_process_heap);
    tcase_add_test(tc, test_alloc_free_size);
    tcase_add_test(tc, test_zero_memory);
    tcase_add_test(tc, test_realloc);
    tcase_add_test(tc, test_fixed_heap);
    tcase_add_test(tc, test_execute_heap);
    tcase_add_test(tc, test_destroy);
    tcase_add_test(tc, test_walk);
    tcase_add_test(tc, test_compact);
    tcase_add_test(tc, test_information);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_heap_lock);
    tcase_add_test(tc, test_process_heap_cache);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(heap_suite)
