/* Tool Help snapshots (lib/sys/toolhelp.c). */
#include "testutil.h"

#include <tlhelp32.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static HANDLE g_stop;

static DWORD WINAPI parked(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(g_stop, INFINITE);
    return 0;
}

/* The entry of this process in a process snapshot. */
static BOOL find_process(HANDLE snap, DWORD pid, PROCESSENTRY32 *out)
{
    out->dwSize = sizeof *out;
    for (BOOL ok = Process32First(snap, out); ok; ok = Process32Next(snap, out))
        if (out->th32ProcessID == pid)
            return TRUE;
    return FALSE;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

START_TEST(test_processes)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    PROCESSENTRY32 pe;
    memset(&pe, 0xcc, sizeof pe);
    ck_assert(find_process(snap, GetCurrentProcessId(), &pe));
    ck_assert_uint_eq(pe.dwSize, sizeof pe);
    ck_assert_uint_eq(pe.th32ParentProcessID, (DWORD)getppid());
    ck_assert_uint_eq(pe.cntUsage, 0);
    ck_assert_uint_eq(pe.dwFlags, 0);
    ck_assert_uint_ge(pe.cntThreads, 1);
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = 0;
    ck_assert_str_eq(pe.szExeFile, base_name(exe));
    if (getpriority(PRIO_PROCESS, 0) == 0)
        ck_assert_int_eq(pe.pcPriClassBase, 8); /* NORMAL_PRIORITY_CLASS */
    /* The parent is listed too. */
    PROCESSENTRY32 parent;
    ck_assert(find_process(snap, (DWORD)getppid(), &parent));

    /* The W walk sees the same. */
    PROCESSENTRY32W pw;
    pw.dwSize = sizeof pw;
    BOOL found = FALSE;
    for (BOOL ok = Process32FirstW(snap, &pw); ok; ok = Process32NextW(snap, &pw))
        if (pw.th32ProcessID == GetCurrentProcessId()) {
            WCHAR want[MAX_PATH];
            MultiByteToWideChar(CP_UTF8, 0, base_name(exe), -1, want, MAX_PATH);
            ck_assert_int_eq(lstrcmpW(pw.szExeFile, want), 0);
            found = TRUE;
        }
    ck_assert(found);
    /* Past the end. */
    ASSERT_FAILS(Process32Next(snap, &pe), ERROR_NO_MORE_FILES);
    ASSERT_FAILS(Process32Next(snap, &pe), ERROR_NO_MORE_FILES);
    ck_assert(CloseHandle(snap));
}
END_TEST

START_TEST(test_threads)
{
    g_stop = CreateEventA(NULL, TRUE, FALSE, NULL);
    DWORD ids[2];
    HANDLE th[2];
    for (int i = 0; i < 2; i++) {
        th[i] = CreateThread(NULL, 0, parked, NULL, 0, &ids[i]);
        ck_assert_ptr_nonnull(th[i]);
    }
    ck_assert(SetThreadPriority(th[1], THREAD_PRIORITY_LOWEST));
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD | TH32CS_SNAPPROCESS, 0);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    PROCESSENTRY32 pe;
    ck_assert(find_process(snap, GetCurrentProcessId(), &pe));

    THREADENTRY32 te;
    memset(&te, 0xcc, sizeof te);
    te.dwSize = sizeof te;
    DWORD mine = 0, seen = 0, others = 0;
    for (BOOL ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te)) {
        ck_assert_uint_eq(te.dwSize, sizeof te);
        if (te.th32OwnerProcessID != GetCurrentProcessId()) {
            others++;
            continue;
        }
        mine++;
        ck_assert_uint_eq(te.cntUsage, 0);
        ck_assert_int_eq(te.tpDeltaPri, 0);
        if (te.th32ThreadID == GetCurrentThreadId())
            seen |= 1;
        if (te.th32ThreadID == ids[0])
            seen |= 2;
        if (te.th32ThreadID == ids[1]) {
            seen |= 4;
            if (getpriority(PRIO_PROCESS, 0) == 0)
                ck_assert_int_eq(te.tpBasePri, 8 + THREAD_PRIORITY_LOWEST);
        }
        if (te.th32ThreadID == ids[0] && getpriority(PRIO_PROCESS, 0) == 0)
            ck_assert_int_eq(te.tpBasePri, 8);
    }
    ck_assert_uint_eq(seen, 7);
    ck_assert_uint_eq(mine, pe.cntThreads);
    ck_assert_uint_gt(others, 0); /* the whole system's, not just ours */
    ASSERT_FAILS(Thread32Next(snap, &te), ERROR_NO_MORE_FILES);

    /* A copy: a thread made later is not in this snapshot. */
    DWORD later;
    HANDLE t3 = CreateThread(NULL, 0, parked, NULL, 0, &later);
    ck_assert_ptr_nonnull(t3);
    BOOL found = FALSE;
    for (BOOL ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
        found |= te.th32ThreadID == later;
    ck_assert(!found);
    ck_assert(CloseHandle(snap));
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    for (BOOL ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
        found |= te.th32ThreadID == later;
    ck_assert(found);
    ck_assert(CloseHandle(snap));

    SetEvent(g_stop);
    HANDLE all[3] = {th[0], th[1], t3};
    ASSERT_WAIT(WaitForMultipleObjects(3, all, TRUE, INFINITE), WAIT_OBJECT_0);
    for (int i = 0; i < 3; i++)
        CloseHandle(all[i]);
    CloseHandle(g_stop);
}
END_TEST

START_TEST(test_modules_self)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    MODULEENTRY32 me;
    memset(&me, 0xcc, sizeof me);
    me.dwSize = sizeof me;
    ck_assert(Module32First(snap, &me));
    /* The executable first, as GetModuleHandle and GetModuleFileName see it. */
    ck_assert_ptr_eq(me.modBaseAddr, (BYTE *)GetModuleHandleA(NULL));
    ck_assert_ptr_eq(me.hModule, GetModuleHandleA(NULL));
    ck_assert_uint_eq(me.th32ProcessID, GetCurrentProcessId());
    ck_assert_uint_eq(me.th32ModuleID, 1);
    ck_assert_uint_gt(me.modBaseSize, 0);
    char path[MAX_PATH];
    ck_assert_uint_gt(GetModuleFileNameA(NULL, path, MAX_PATH), 0);
    ck_assert_str_eq(me.szExePath, path);
    ck_assert_str_eq(me.szModule, strrchr(path, '\\') + 1);
    /* The code of this function lies inside the executable's range. */
    BYTE *here = (BYTE *)(uintptr_t)&find_process;
    ck_assert(here >= me.modBaseAddr && here < me.modBaseAddr + me.modBaseSize);

    /* kernel32.dll (libwinshim) is listed, at its HMODULE. */
    HMODULE k32 = GetModuleHandleA("kernel32.dll");
    ck_assert_ptr_nonnull(k32);
    /* In a static build (--disable-shared) libwinshim is the executable,
     * the entry already read. */
    BOOL found = k32 == GetModuleHandleA(NULL);
    int count = 1;
    while (Module32Next(snap, &me)) {
        count++;
        ck_assert_ptr_eq(me.hModule, (HMODULE)me.modBaseAddr);
        if (me.hModule == k32) {
            GetModuleFileNameA(k32, path, MAX_PATH);
            ck_assert_str_eq(me.szExePath, path);
            found = TRUE;
        }
    }
    ck_assert(found);
    ASSERT_FAILS(Module32Next(snap, &me), ERROR_NO_MORE_FILES);

    /* The W walk gives as many, the executable first. */
    MODULEENTRY32W mw;
    mw.dwSize = sizeof mw;
    int wcount = 0;
    for (BOOL ok = Module32FirstW(snap, &mw); ok; ok = Module32NextW(snap, &mw)) {
        if (!wcount)
            ck_assert_ptr_eq(mw.hModule, GetModuleHandleW(NULL));
        wcount++;
    }
    ck_assert_int_eq(wcount, count);
    ck_assert(CloseHandle(snap));

    /* The process's own id names it too; MODULE32 alone works. */
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE32, GetCurrentProcessId());
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    me.dwSize = sizeof me;
    ck_assert(Module32First(snap, &me));
    ck_assert_ptr_eq(me.hModule, GetModuleHandleA(NULL));
    ck_assert(CloseHandle(snap));
}
END_TEST

/* Another process's modules, from its /proc/<pid>/maps: a fork of this
 * one, so its executable is this one's. */
START_TEST(test_modules_other)
{
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)child);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    MODULEENTRY32 me;
    me.dwSize = sizeof me;
    ck_assert(Module32First(snap, &me));
    ck_assert_uint_eq(me.th32ProcessID, (DWORD)child);
    char path[MAX_PATH];
    GetModuleFileNameA(NULL, path, MAX_PATH);
    ck_assert_str_eq(me.szExePath, path);
    ck_assert_ptr_eq(me.modBaseAddr, (BYTE *)GetModuleHandleA(NULL));
    int count = 1;
    while (Module32Next(snap, &me))
        count++;
    ck_assert_int_ge(count, 2); /* and its libraries */
    ck_assert(CloseHandle(snap));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);

    /* A process that does not exist. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_eq(CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0x7ffffff0u),
                     INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_heaps)
{
    HANDLE mine = HeapCreate(0, 0, 0);
    ck_assert_ptr_nonnull(mine);
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, 0);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    HEAPLIST32 hl;
    hl.dwSize = sizeof hl;
    int found = 0;
    for (BOOL ok = Heap32ListFirst(snap, &hl); ok; ok = Heap32ListNext(snap, &hl)) {
        ck_assert_uint_eq(hl.th32ProcessID, GetCurrentProcessId());
        if (hl.th32HeapID == (ULONG_PTR)GetProcessHeap()) {
            ck_assert_uint_eq(hl.dwFlags, HF32_DEFAULT);
            found |= 1;
        }
        if (hl.th32HeapID == (ULONG_PTR)mine) {
            ck_assert_uint_eq(hl.dwFlags, 0);
            found |= 2;
        }
    }
    ck_assert_int_eq(found, 3);
    ASSERT_FAILS(Heap32ListNext(snap, &hl), ERROR_NO_MORE_FILES);
    hl.dwSize = 8;
    ASSERT_FAILS(Heap32ListFirst(snap, &hl), ERROR_BAD_LENGTH);
    ck_assert(CloseHandle(snap));
    HeapDestroy(mine);
}
END_TEST

START_TEST(test_errors)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    PROCESSENTRY32 pe;
    pe.dwSize = 0;
    ASSERT_FAILS(Process32First(snap, &pe), ERROR_BAD_LENGTH);
    pe.dwSize = sizeof(PROCESSENTRY32) - 1;
    ASSERT_FAILS(Process32First(snap, &pe), ERROR_BAD_LENGTH);
    PROCESSENTRY32W pw;
    pw.dwSize = sizeof(PROCESSENTRY32); /* the A size for the W call */
    ASSERT_FAILS(Process32FirstW(snap, &pw), ERROR_BAD_LENGTH);
    /* No processes in a thread snapshot. */
    pe.dwSize = sizeof pe;
    ASSERT_FAILS(Process32First(snap, &pe), ERROR_NO_MORE_FILES);
    MODULEENTRY32 me;
    me.dwSize = sizeof me;
    ASSERT_FAILS(Module32First(snap, &me), ERROR_NO_MORE_FILES);
    me.dwSize = 4;
    ASSERT_FAILS(Module32First(snap, &me), ERROR_BAD_LENGTH);
    THREADENTRY32 te;
    te.dwSize = sizeof te - 4;
    ASSERT_FAILS(Thread32First(snap, &te), ERROR_BAD_LENGTH);
    ASSERT_FAILS(Thread32First(snap, NULL), ERROR_INVALID_PARAMETER);

    /* Not a snapshot. */
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    te.dwSize = sizeof te;
    ASSERT_FAILS(Thread32First(ev, &te), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(Thread32First(NULL, &te), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(Process32First(INVALID_HANDLE_VALUE, &pe), ERROR_INVALID_HANDLE);
    CloseHandle(ev);

    /* Not waitable; closed by CloseHandle, once. */
    ASSERT_WAIT(WaitForSingleObject(snap, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    ck_assert(CloseHandle(snap));
    ASSERT_FAILS(CloseHandle(snap), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(Thread32First(snap, &te), ERROR_INVALID_HANDLE);

    /* An empty snapshot; TH32CS_INHERIT makes an inheritable handle. */
    snap = CreateToolhelp32Snapshot(TH32CS_INHERIT, 0);
    ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
    DWORD flags = 0;
    ck_assert(GetHandleInformation(snap, &flags));
    ck_assert_uint_eq(flags & HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    ASSERT_FAILS(Thread32First(snap, &te), ERROR_NO_MORE_FILES);
    ck_assert(CloseHandle(snap));
}
END_TEST

static Suite *toolhelp_suite(void)
{
    Suite *s = suite_create("toolhelp");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    tcase_add_test(basic, test_processes);
    tcase_add_test(basic, test_threads);
    tcase_add_test(basic, test_modules_self);
    tcase_add_test(basic, test_modules_other);
    tcase_add_test(basic, test_heaps);
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, basic);
    suite_add_tcase(s, errors);
    return s;
}

TEST_MAIN(toolhelp_suite)
