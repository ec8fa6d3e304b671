/* Local and Global memory (lib/mem/local.c): fixed and moveable objects,
 * lock counts, discarding, handles from pointers, and the error of each
 * misuse, wild values included. */
#include "testutil.h"

#include <stdbool.h>
#include <string.h>

static bool all_bytes(const void *p, int v, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != (unsigned char)v)
            return false;
    return true;
}

START_TEST(test_local_fixed)
{
    BYTE *p = LocalAlloc(LPTR, 64);
    ck_assert_ptr_nonnull(p);
    ck_assert(all_bytes(p, 0, 64));
    ck_assert_uint_eq(LocalSize(p), 64);
    ck_assert_uint_eq(LocalFlags(p), 0);
    ck_assert_ptr_eq(LocalLock(p), p);
    ASSERT_FAILS(LocalUnlock(p), ERROR_NOT_LOCKED);
    ck_assert_ptr_eq(LocalHandle(p), p);
    /* A fixed block is a process heap block. */
    ck_assert_uint_eq(HeapSize(GetProcessHeap(), 0, p), 64);
    /* Grows in place only without LMEM_MOVEABLE. */
    ASSERT_FAILS(LocalReAlloc(p, 100000, 0), ERROR_NOT_ENOUGH_MEMORY);
    p = LocalReAlloc(p, 100000, LMEM_MOVEABLE | LMEM_ZEROINIT);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p[99999], 0);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(LocalFree(p));
    ASSERT_LAST_ERROR(0xdeadbeef);
    p = LocalAlloc(LMEM_FIXED, 0); /* a real, empty block */
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(LocalSize(p), 0);
    LocalFree(p);
    ck_assert_ptr_null(LocalFree(NULL));
    ASSERT_FAILS(LocalAlloc(0x1, 16), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GlobalAlloc(0x8000, 16), ERROR_INVALID_PARAMETER);
    /* GlobalUnlock of fixed memory: TRUE (LocalUnlock: ERROR_NOT_LOCKED). */
    HGLOBAL g = GlobalAlloc(GPTR, 8);
    ck_assert(GlobalUnlock(g));
    ck_assert_uint_eq(GlobalFlags(g), 0);
    GlobalFree(g);
}
END_TEST

START_TEST(test_moveable)
{
    HGLOBAL g = GlobalAlloc(GHND, 16);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq((uintptr_t)g & 15, 8); /* told apart from pointers */
    ck_assert_uint_eq(GlobalFlags(g), 0);
    ck_assert_uint_eq(GlobalSize(g), 16);
    BYTE *p = GlobalLock(g);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p[15], 0);
    ck_assert_uint_eq(GlobalFlags(g), 1);
    ck_assert_ptr_eq(GlobalLock(g), p);
    ck_assert_uint_eq(GlobalFlags(g), 2);
    ck_assert_ptr_eq(GlobalHandle(p), g);
    ck_assert(GlobalUnlock(g));
    SetLastError(0xdeadbeef);
    ck_assert(!GlobalUnlock(g)); /* unlocked now: FALSE with NO_ERROR */
    ASSERT_LAST_ERROR(NO_ERROR);
    ASSERT_FAILS(GlobalUnlock(g), ERROR_NOT_LOCKED);
    /* The lock count saturates at 255. */
    for (int i = 0; i < 300; i++)
        GlobalLock(g);
    ck_assert_uint_eq(GlobalFlags(g), 0xff);
    ck_assert(GlobalUnlock(g));
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(GlobalFree(g));
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* A freed handle is no handle. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(GlobalFree(g), g);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GlobalSize(g), 0);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GlobalFlags(g), GMEM_INVALID_HANDLE);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GlobalLock(g), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GlobalReAlloc(g, 8, 0), ERROR_INVALID_HANDLE);
    /* Wild values are no handles either, and do not fault. */
    ASSERT_FAILS(LocalLock((HLOCAL)0x12345678), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(LocalHandle((void *)0x12345670), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(LocalSize((HLOCAL)0x1234560), 0);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_moveable_realloc)
{
    HLOCAL h = LocalAlloc(LMEM_MOVEABLE, 16);
    char *p = LocalLock(h);
    memcpy(p, "abcdefghijklmnop", 16);
    /* Locked: moves only with LMEM_MOVEABLE. */
    ASSERT_FAILS(LocalReAlloc(h, 100000, 0), ERROR_NOT_ENOUGH_MEMORY);
    ck_assert_ptr_eq(LocalReAlloc(h, 100000, LMEM_MOVEABLE), h);
    ck_assert_uint_eq(LocalSize(h), 100000);
    p = LocalLock(h);
    ck_assert_int_eq(memcmp(p, "abcdefghijklmnop", 16), 0);
    ck_assert_ptr_eq(LocalHandle(p), h);
    /* Discarding a locked object: ERROR_INVALID_PARAMETER. */
    ASSERT_FAILS(LocalReAlloc(h, 0, LMEM_MOVEABLE), ERROR_INVALID_PARAMETER);
    LocalUnlock(h);
    LocalUnlock(h);
    ck_assert_ptr_eq(LocalReAlloc(h, 0, LMEM_MOVEABLE), h);
    ck_assert_uint_eq(LocalFlags(h), LMEM_DISCARDED);
    ck_assert_uint_eq(LocalSize(h), 0);
    ASSERT_FAILS(LocalLock(h), ERROR_DISCARDED);
    /* Brought back by a reallocation. */
    ck_assert_ptr_eq(LocalReAlloc(h, 32, LMEM_MOVEABLE | LMEM_ZEROINIT), h);
    ck_assert_uint_eq(LocalFlags(h), 0);
    p = LocalLock(h);
    ck_assert_int_eq(p[31], 0);
    LocalUnlock(h);
    ck_assert_ptr_null(LocalFree(h));
    /* 0 bytes: a discarded object from the start. */
    h = LocalAlloc(LMEM_MOVEABLE, 0);
    ck_assert_uint_eq(LocalFlags(h), LMEM_DISCARDED);
    ASSERT_FAILS(LocalLock(h), ERROR_DISCARDED);
    LocalFree(h);
    /* Discardable, and GMEM_MODIFY. */
    HGLOBAL g = GlobalAlloc(GMEM_MOVEABLE, 16);
    ck_assert_ptr_eq(GlobalReAlloc(g, 0, GMEM_MODIFY | GMEM_DISCARDABLE), g);
    ck_assert_uint_eq(GlobalFlags(g), GMEM_DISCARDABLE);
    ck_assert_ptr_eq(GlobalDiscard(g), g);
    ck_assert_uint_eq(GlobalFlags(g), GMEM_DISCARDABLE | GMEM_DISCARDED);
    GlobalFree(g);
    h = LocalAlloc(LMEM_MOVEABLE | LMEM_DISCARDABLE, 16);
    ck_assert_uint_eq(LocalFlags(h), LMEM_DISCARDABLE);
    LocalFree(h);
}
END_TEST

/* Moveable objects made, locked, grown and freed by several threads at
 * once: every object keeps its own contents. */
static DWORD WINAPI churn(LPVOID arg)
{
    int tag = (int)(uintptr_t)arg;
    for (int i = 0; i < 3000; i++) {
        HLOCAL h = LocalAlloc(LMEM_MOVEABLE, 32);
        char *p = LocalLock(h);
        if (!p)
            return 1;
        memset(p, tag, 32);
        LocalUnlock(h);
        if (LocalReAlloc(h, 64 + (size_t)(i % 500), LMEM_MOVEABLE) != h)
            return 2;
        p = LocalLock(h);
        if (!all_bytes(p, tag, 32) || LocalHandle(p) != h)
            return 3;
        LocalUnlock(h);
        if (LocalFree(h))
            return 4;
    }
    return 0;
}

START_TEST(test_threads)
{
    HANDLE t[6];
    for (int i = 0; i < 6; i++)
        t[i] = CreateThread(NULL, 0, churn, (LPVOID)(uintptr_t)(i + 1), 0, NULL);
    ck_assert_uint_eq(WaitForMultipleObjects(6, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 6; i++) {
        DWORD code = 99;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert(HeapValidate(GetProcessHeap(), 0, NULL));
}
END_TEST

static Suite *local_suite(void)
{
    Suite *s = suite_create("local");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_local_fixed);
    tcase_add_test(tc, test_moveable);
    tcase_add_test(tc, test_moveable_realloc);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, test_threads);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(local_suite)
