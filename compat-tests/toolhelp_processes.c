/*
 * toolhelp_processes: Microsoft's "Taking a Snapshot and Viewing
 * Processes", trimmed to what is the same on every machine: this
 * process, its threads and its modules are found in the snapshots, and
 * each function's errors.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <string.h>

static HANDLE hStop;

static DWORD WINAPI Worker(LPVOID lpParam)
{
    (void)lpParam;
    WaitForSingleObject(hStop, INFINITE);
    return 0;
}

static const char *BaseName(const char *path)
{
    const char *p = strrchr(path, '\\');
    return p ? p + 1 : path;
}

int main(void)
{
    DWORD dwWorkerIds[2];
    HANDLE hWorkers[2];
    int i;

    hStop = CreateEvent(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < 2; i++)
        hWorkers[i] = CreateThread(NULL, 0, Worker, NULL, 0, &dwWorkerIds[i]);

    HANDLE hSnap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
    if (hSnap == INVALID_HANDLE_VALUE) {
        printf("CreateToolhelp32Snapshot failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }

    /* Processes: find this one. */
    PROCESSENTRY32 pe32;
    pe32.dwSize = sizeof(PROCESSENTRY32);
    if (!Process32First(hSnap, &pe32)) {
        printf("Process32First failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    BOOL bFound = FALSE;
    PROCESSENTRY32 self;
    do {
        if (pe32.th32ProcessID == GetCurrentProcessId()) {
            self = pe32;
            bFound = TRUE;
        }
    } while (Process32Next(hSnap, &pe32));
    printf("end of the process list: error %lu\n", (unsigned long)GetLastError());
    printf("this process listed: %s\n", bFound ? "yes" : "no");
    if (!bFound)
        return 1;
    char szPath[MAX_PATH];
    GetModuleFileName(NULL, szPath, MAX_PATH);
    printf("exe name is the module file's name: %s\n",
           lstrcmpi(self.szExeFile, BaseName(szPath)) == 0 ? "yes" : "no");
    printf("at least 3 threads: %s\n", self.cntThreads >= 3 ? "yes" : "no");
    printf("priority class base: %ld\n", (long)self.pcPriClassBase);

    /* Threads: ours, with their owner. */
    THREADENTRY32 te32;
    te32.dwSize = sizeof(THREADENTRY32);
    DWORD dwMine = 0;
    BOOL bMain = FALSE;
    int nWorkers = 0;
    if (Thread32First(hSnap, &te32)) {
        do {
            if (te32.th32OwnerProcessID != GetCurrentProcessId())
                continue;
            dwMine++;
            if (te32.th32ThreadID == GetCurrentThreadId())
                bMain = TRUE;
            for (i = 0; i < 2; i++)
                if (te32.th32ThreadID == dwWorkerIds[i])
                    nWorkers++;
        } while (Thread32Next(hSnap, &te32));
    }
    printf("main thread listed: %s\n", bMain ? "yes" : "no");
    printf("worker threads listed: %d\n", nWorkers);
    printf("thread count agrees: %s\n", dwMine == self.cntThreads ? "yes" : "no");
    CloseHandle(hSnap);

    /* Modules: the executable first, kernel32 among them. */
    hSnap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
    MODULEENTRY32 me32;
    me32.dwSize = sizeof(MODULEENTRY32);
    if (!Module32First(hSnap, &me32)) {
        printf("Module32First failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("first module is the executable: %s\n",
           me32.hModule == GetModuleHandle(NULL) &&
                   lstrcmpi(me32.szExePath, szPath) == 0 ? "yes" : "no");
    printf("module owner is this process: %s\n",
           me32.th32ProcessID == GetCurrentProcessId() ? "yes" : "no");
    HMODULE hKernel32 = GetModuleHandle("kernel32.dll");
    BOOL bKernel32 = FALSE;
    do {
        if (me32.hModule == hKernel32 && me32.modBaseAddr == (BYTE *)hKernel32)
            bKernel32 = TRUE;
    } while (Module32Next(hSnap, &me32));
    printf("kernel32 listed: %s\n", bKernel32 ? "yes" : "no");

    /* Errors. */
    me32.dwSize = 0;
    SetLastError(0);
    BOOL bOk = Module32First(hSnap, &me32);
    printf("Module32First with dwSize 0: %d, error %lu\n", bOk, (unsigned long)GetLastError());
    me32.dwSize = sizeof(MODULEENTRY32);
    SetLastError(0);
    bOk = Process32First(hSnap, &pe32);
    printf("Process32First on a module snapshot: %d, error %lu\n", bOk, (unsigned long)GetLastError());
    CloseHandle(hSnap);
    SetLastError(0);
    bOk = Thread32First(hSnap, &te32);
    printf("Thread32First on a closed snapshot: %d, error %lu\n", bOk, (unsigned long)GetLastError());

    SetEvent(hStop);
    WaitForMultipleObjects(2, hWorkers, TRUE, INFINITE);
    CloseHandle(hWorkers[0]);
    CloseHandle(hWorkers[1]);
    CloseHandle(hStop);
    return 0;
}
