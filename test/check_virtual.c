/* Virtual memory (lib/mem/virtual.c): reserve then commit, exact
 * MEMORY_BASIC_INFORMATION for reservations, views and images, protection
 * changes, decommit and release, locks, and the Windows error of each
 * misuse. */
#include "testutil.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE ((SIZE_T)sysconf(_SC_PAGESIZE))

/* VirtualQuery(p) must give exactly these fields. */
static void check_region(const void *p, const void *base, const void *alloc_base,
                         DWORD alloc_protect, SIZE_T size, DWORD state, DWORD protect,
                         DWORD type)
{
    MEMORY_BASIC_INFORMATION m;
    memset(&m, 0xcc, sizeof m);
    ck_assert_uint_eq(VirtualQuery(p, &m, sizeof m), sizeof m);
    ck_assert_ptr_eq(m.BaseAddress, base);
    ck_assert_ptr_eq(m.AllocationBase, alloc_base);
    ck_assert_uint_eq(m.AllocationProtect, alloc_protect);
    ck_assert_uint_eq(m.RegionSize, size);
    ck_assert_uint_eq(m.State, state);
    ck_assert_uint_eq(m.Protect, protect);
    ck_assert_uint_eq(m.Type, type);
}

START_TEST(test_reserve_commit)
{
    char *a = VirtualAlloc(NULL, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq((uintptr_t)a % 0x10000, 0);
    check_region(a, a, a, PAGE_NOACCESS, 0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
    ASSERT_FAILS(VirtualProtect(a, 0xFFFC, PAGE_READONLY, &(DWORD){0}), ERROR_INVALID_ADDRESS);
    ck_assert_ptr_eq(VirtualAlloc(a, PAGE, MEM_COMMIT, PAGE_NOACCESS), a);
    check_region(a, a, a, PAGE_NOACCESS, PAGE, MEM_COMMIT, PAGE_NOACCESS, MEM_PRIVATE);
    check_region(a + PAGE, a + PAGE, a, PAGE_NOACCESS, 0x10000 - PAGE, MEM_RESERVE, 0,
                 MEM_PRIVATE);
    /* Not every page committed. */
    ASSERT_FAILS(VirtualProtect(a, 0xFFFC, PAGE_READONLY, &(DWORD){0}), ERROR_INVALID_ADDRESS);
    DWORD old = 0xcccccccc;
    ck_assert(VirtualProtect(a, PAGE, PAGE_READONLY, &old));
    ck_assert_uint_eq(old, PAGE_NOACCESS);
    ck_assert(VirtualProtect(a, PAGE, PAGE_READWRITE, &old));
    ck_assert_uint_eq(old, PAGE_READONLY);
    check_region(a, a, a, PAGE_NOACCESS, PAGE, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
    memset(a, 0x55, 20);
    ck_assert_int_eq(a[19], 0x55);
    /* Committing in the middle splits the reserved run. */
    ck_assert_ptr_eq(VirtualAlloc(a + 4 * PAGE + 10, 2 * PAGE, MEM_COMMIT, PAGE_READONLY),
                     a + 4 * PAGE);
    check_region(a + PAGE, a + PAGE, a, PAGE_NOACCESS, 3 * PAGE, MEM_RESERVE, 0, MEM_PRIVATE);
    check_region(a + 5 * PAGE, a + 5 * PAGE, a, PAGE_NOACCESS, 2 * PAGE, MEM_COMMIT,
                 PAGE_READONLY, MEM_PRIVATE);
    ck_assert_int_eq(a[4 * PAGE], 0); /* fresh pages read zero */
    /* Decommit, then commit again: zeros. */
    ck_assert(VirtualFree(a, PAGE, MEM_DECOMMIT));
    check_region(a, a, a, PAGE_NOACCESS, 4 * PAGE, MEM_RESERVE, 0, MEM_PRIVATE);
    ck_assert_ptr_eq(VirtualAlloc(a, PAGE, MEM_COMMIT, PAGE_READWRITE), a);
    ck_assert_int_eq(a[0], 0);
    /* Size 0 at the base decommits everything. */
    ck_assert(VirtualFree(a, 0, MEM_DECOMMIT));
    check_region(a, a, a, PAGE_NOACCESS, 0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
    ck_assert(VirtualFree(a, 0, MEM_RELEASE));
    MEMORY_BASIC_INFORMATION m;
    ck_assert_uint_eq(VirtualQuery(a, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.State, MEM_FREE);
    ck_assert_uint_eq(m.Protect, PAGE_NOACCESS);
    ck_assert_ptr_null(m.AllocationBase);
    /* The same address can be reserved again. */
    ck_assert_ptr_eq(VirtualAlloc(a, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE), a);
    check_region(a, a, a, PAGE_EXECUTE_READWRITE, 0x2000, MEM_COMMIT, PAGE_EXECUTE_READWRITE,
                 MEM_PRIVATE);
    /* The rest of its 64 KiB is nobody's: free, but never handed out. */
    check_region(a + 0x2000, a + 0x2000, NULL, 0, 0x10000 - 0x2000, MEM_FREE, PAGE_NOACCESS, 0);
    ASSERT_FAILS(VirtualAlloc(a + 0x4000, PAGE, MEM_RESERVE, PAGE_READWRITE),
                 ERROR_INVALID_ADDRESS);
    ck_assert(VirtualFree(a, 0, MEM_RELEASE));
}
END_TEST

START_TEST(test_commit_without_reserve)
{
    /* MEM_COMMIT without an address reserves too. */
    char *p = VirtualAlloc(NULL, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 0x10000, 0);
    check_region(p, p, p, PAGE_READWRITE, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
    p[3 * PAGE - 1] = 1;
    ck_assert(VirtualFree(p, 0, MEM_RELEASE));
    /* A large reservation costs nothing until committed. */
    char *big = VirtualAlloc(NULL, (SIZE_T)1 << 34, MEM_RESERVE, PAGE_READWRITE);
    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_eq(VirtualAlloc(big + ((SIZE_T)1 << 33), PAGE, MEM_COMMIT, PAGE_READWRITE),
                     big + ((SIZE_T)1 << 33));
    big[((SIZE_T)1 << 33) + 5] = 7;
    ck_assert(VirtualFree(big, 0, MEM_RELEASE));
    /* MEM_TOP_DOWN is accepted with a reservation. */
    p = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN, PAGE_READWRITE);
    ck_assert_ptr_nonnull(p);
    ck_assert(VirtualFree(p, 0, MEM_RELEASE));
}
END_TEST

START_TEST(test_reset_guard)
{
    char *a = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    VirtualAlloc(a, PAGE, MEM_COMMIT, PAGE_READWRITE);
    memset(a, 0x55, 20);
    ck_assert_ptr_eq(VirtualAlloc(a, PAGE, MEM_RESET, PAGE_NOACCESS), a);
    ck_assert(a[0] == 0x55 || a[0] == 0);
    check_region(a, a, a, PAGE_READWRITE, PAGE, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
    ck_assert_ptr_eq(VirtualAlloc(a + PAGE, PAGE, MEM_RESET, PAGE_NOACCESS), a + PAGE);
    ASSERT_FAILS(VirtualAlloc(a + 0x10000 - PAGE, 2 * PAGE, MEM_RESET, PAGE_NOACCESS),
                 ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(VirtualAlloc(a, PAGE, MEM_RESET | MEM_COMMIT, PAGE_READWRITE),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(a, PAGE, MEM_RESET_UNDO, PAGE_READWRITE), ERROR_NOT_SUPPORTED);
    /* A guard page: reported with PAGE_GUARD; not touched here (SIGSEGV). */
    ck_assert_ptr_eq(VirtualAlloc(a + 2 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD),
                     a + 2 * PAGE);
    check_region(a + 2 * PAGE, a + 2 * PAGE, a, PAGE_READWRITE, PAGE, MEM_COMMIT,
                 PAGE_READWRITE | PAGE_GUARD, MEM_PRIVATE);
    DWORD old;
    ck_assert(VirtualProtect(a + 2 * PAGE, PAGE, PAGE_READWRITE, &old));
    ck_assert_uint_eq(old, PAGE_READWRITE | PAGE_GUARD);
    a[2 * PAGE] = 1;
    ck_assert(VirtualFree(a, 0, MEM_RELEASE));
}
END_TEST

START_TEST(test_lock)
{
    char *a = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE, PAGE_READWRITE);
    VirtualAlloc(a, PAGE, MEM_COMMIT, PAGE_READWRITE);
    ASSERT_FAILS(VirtualUnlock(a, PAGE), ERROR_NOT_LOCKED);
    ASSERT_FAILS(VirtualLock(a + PAGE, PAGE), ERROR_ACCESS_DENIED); /* not committed */
    SetLastError(0xdeadbeef);
    if (VirtualLock(a, PAGE)) {
        ASSERT_LAST_ERROR(0xdeadbeef);
        check_region(a, a, a, PAGE_READWRITE, PAGE, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
        ck_assert(VirtualUnlock(a, PAGE));
        ASSERT_FAILS(VirtualUnlock(a, PAGE), ERROR_NOT_LOCKED);
    } else {
        /* RLIMIT_MEMLOCK of 0: Windows' working-set quota error. */
        ASSERT_LAST_ERROR(ERROR_WORKING_SET_QUOTA);
    }
    ck_assert(VirtualFree(a, 0, MEM_RELEASE));
}
END_TEST

/* ---- what VirtualAlloc did not make ---- */

static int a_global = 1;

START_TEST(test_query_other)
{
    MEMORY_BASIC_INFORMATION m;
    /* Code of the program: an image, executable. */
    memset(&m, 0xcc, sizeof m);
    ck_assert_uint_eq(VirtualQuery((void *)(uintptr_t)check_region, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.Type, MEM_IMAGE);
    ck_assert_uint_eq(m.State, MEM_COMMIT);
    ck_assert_msg(m.Protect == PAGE_EXECUTE_READ || m.Protect == PAGE_EXECUTE_READWRITE, "protect %x base %p", (unsigned)m.Protect, m.BaseAddress);
    ck_assert((uintptr_t)m.AllocationBase <= (uintptr_t)check_region);
    void *image = m.AllocationBase;
    /* Its data: the same image. */
    ck_assert_uint_eq(VirtualQuery(&a_global, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.Type, MEM_IMAGE);
    ck_assert_ptr_eq(m.AllocationBase, image);
    ck_assert_uint_eq(m.Protect, PAGE_READWRITE);
    /* The C library's code: another image (libwinshim may be linked in). */
    ck_assert_uint_eq(VirtualQuery((void *)(uintptr_t)getpid, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.Type, MEM_IMAGE);
    ck_assert_ptr_ne(m.AllocationBase, image);
    /* The stack: private, committed, read-write. */
    int local = 0;
    ck_assert_uint_eq(VirtualQuery(&local, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.Type, MEM_PRIVATE);
    ck_assert_uint_eq(m.State, MEM_COMMIT);
    ck_assert_uint_eq(m.Protect, PAGE_READWRITE);
    ck_assert((uintptr_t)m.BaseAddress <= (uintptr_t)&local);
    ck_assert((uintptr_t)m.BaseAddress + m.RegionSize > (uintptr_t)&local);
    /* Page zero: free. */
    ck_assert_uint_eq(VirtualQuery(NULL, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.State, MEM_FREE);
    ck_assert_ptr_null(m.BaseAddress);
    ck_assert_ptr_null(m.AllocationBase);
}
END_TEST

START_TEST(test_query_view)
{
    HANDLE map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x20000, NULL);
    ck_assert_ptr_nonnull(map);
    char *v = MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    MEMORY_BASIC_INFORMATION m;
    memset(&m, 0xcc, sizeof m);
    ck_assert_uint_eq(VirtualQuery(v + 0x1234, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.Type, MEM_MAPPED);
    ck_assert_uint_eq(m.State, MEM_COMMIT);
    ck_assert_uint_eq(m.Protect, PAGE_READONLY);
    ck_assert_ptr_eq(m.AllocationBase, v);
    ck_assert_ptr_eq(m.BaseAddress, v + 0x1000);
    ck_assert_uint_eq(m.RegionSize, 0x20000 - 0x1000);
    /* VirtualFree is not for views. */
    ASSERT_FAILS(VirtualFree(v, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
    UnmapViewOfFile(v);
    CloseHandle(map);
}
END_TEST

START_TEST(test_protect_other)
{
    /* VirtualProtect works on any committed memory, as on Windows. */
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    DWORD old = 0xcccccccc;
    ck_assert(VirtualProtect(p, PAGE, PAGE_READONLY, &old));
    ck_assert_uint_eq(old, PAGE_READWRITE);
    MEMORY_BASIC_INFORMATION m;
    VirtualQuery(p, &m, sizeof m);
    ck_assert_uint_eq(m.Protect, PAGE_READONLY);
    ck_assert_uint_eq(m.RegionSize, PAGE);
    munmap(p, 2 * PAGE);
    ASSERT_FAILS(VirtualProtect(p, PAGE, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_errors)
{
    DWORD old;
    ASSERT_FAILS(VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_NOACCESS), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_RESERVE, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_COMMIT, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_COMMIT | MEM_RESERVE, PAGE_READONLY | PAGE_EXECUTE),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_COMMIT | MEM_RESERVE, PAGE_WRITECOPY),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_COMMIT | MEM_RESERVE, PAGE_NOACCESS | PAGE_GUARD),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_COMMIT | MEM_RESERVE | 0x4, PAGE_READWRITE),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_TOP_DOWN, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, ~(SIZE_T)0 - 0x10000, MEM_RESERVE, PAGE_READWRITE),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_LARGE_PAGES, PAGE_READWRITE),
                 ERROR_PRIVILEGE_NOT_HELD);
    ASSERT_FAILS(VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_READWRITE),
                 ERROR_NOT_SUPPORTED);
    char *a = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    /* Committing where nothing is reserved, reserving what is taken. */
    ASSERT_FAILS(VirtualAlloc(a + 0x20000, PAGE, MEM_COMMIT, PAGE_READWRITE),
                 ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(VirtualAlloc(a, PAGE, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(VirtualAlloc(a + 0x8000, 0x10000, MEM_COMMIT, PAGE_READWRITE),
                 ERROR_INVALID_ADDRESS); /* past the reservation */
    /* VirtualFree's misuses. */
    ASSERT_FAILS(VirtualFree(a, 0x10000, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualFree(a, 0, MEM_FREE), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualFree(a, 1, MEM_RELEASE), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualFree(a, 0, MEM_RELEASE | MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualFree(a + PAGE, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(VirtualFree(a + PAGE, 0, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(VirtualFree(a, 0x20000, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
    /* VirtualProtect's. */
    VirtualAlloc(a, PAGE, MEM_COMMIT, PAGE_READWRITE);
    ASSERT_FAILS(VirtualProtect(a, PAGE, PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY, &old),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualProtect(a, PAGE, 0, &old), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualProtect(a, PAGE, PAGE_WRITECOPY, &old), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VirtualProtect(a, PAGE, PAGE_READWRITE, NULL), ERROR_NOACCESS);
    /* VirtualQuery's. */
    MEMORY_BASIC_INFORMATION m;
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(VirtualQuery(a, &m, 8), 0);
    ASSERT_LAST_ERROR(ERROR_BAD_LENGTH);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(VirtualQuery((void *)(uintptr_t)0xffffffffffff0000ull, &m, sizeof m), 0);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    ck_assert(VirtualFree(a, 0, MEM_RELEASE));
    ASSERT_FAILS(VirtualFree(a, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
}
END_TEST

START_TEST(test_other_process)
{
    ASSERT_FAILS(VirtualAllocEx((HANDLE)(uintptr_t)0x1234, NULL, PAGE, MEM_COMMIT, PAGE_READWRITE),
                 ERROR_INVALID_HANDLE);
    char *p = VirtualAllocEx(GetCurrentProcess(), NULL, PAGE, MEM_COMMIT, PAGE_READWRITE);
    ck_assert_ptr_nonnull(p);
    MEMORY_BASIC_INFORMATION m;
    ck_assert_uint_eq(VirtualQueryEx(GetCurrentProcess(), p, &m, sizeof m), sizeof m);
    ck_assert_uint_eq(m.State, MEM_COMMIT);
    DWORD old;
    ck_assert(VirtualProtectEx(GetCurrentProcess(), p, PAGE, PAGE_READONLY, &old));
    ck_assert(FlushInstructionCache(GetCurrentProcess(), p, PAGE));
    ck_assert(VirtualFreeEx(GetCurrentProcess(), p, 0, MEM_RELEASE));
    /* A real handle to this process works too; another process does not. */
    HANDLE self = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
    ck_assert_ptr_nonnull(self);
    p = VirtualAllocEx(self, NULL, PAGE, MEM_COMMIT, PAGE_READWRITE);
    ck_assert_ptr_nonnull(p);
    ck_assert(VirtualFreeEx(self, p, 0, MEM_RELEASE));
    CloseHandle(self);
    HANDLE parent = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)getppid());
    if (parent) {
        ASSERT_FAILS(VirtualAllocEx(parent, NULL, PAGE, MEM_COMMIT, PAGE_READWRITE),
                     ERROR_NOT_SUPPORTED);
        CloseHandle(parent);
    }
    ASSERT_FAILS(FlushInstructionCache((HANDLE)(uintptr_t)0x1234, NULL, 0), ERROR_INVALID_HANDLE);
    SIZE_T large = GetLargePageMinimum();
    ck_assert(large == 0 || large >= PAGE);
}
END_TEST

static Suite *virtual_suite(void)
{
    Suite *s = suite_create("virtual");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_reserve_commit);
    tcase_add_test(tc, test_commit_without_reserve);
    tcase_add_test(tc, test_reset_guard);
    tcase_add_test(tc, test_lock);
    tcase_add_test(tc, test_query_other);
    tcase_add_test(tc, test_query_view);
    tcase_add_test(tc, test_protect_other);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_other_process);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(virtual_suite)
