/*
 * CreateRemoteThread: the program starts a copy of itself and runs
 * routines in it.  The routine's address is one of this executable's,
 * which the copy maps at the same address, and ExitThread's, which every
 * process has at the same address too.  The child waits until its parent
 * lets it go; what ran in it is reported through exit codes and a named
 * event.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static char szDone[64];

static DWORD WINAPI RemoteRoutine(LPVOID lpParam)
{
    HANDLE hDone;
    char szName[64];
    sprintf(szName, "RemoteThreadDone_%lu", (unsigned long)(ULONG_PTR)lpParam >> 8);
    hDone = OpenEventA(EVENT_MODIFY_STATE, FALSE, szName);
    if (hDone == NULL)
        return 1;
    SetEvent(hDone);
    CloseHandle(hDone);
    return GetCurrentProcessId() == (DWORD)((ULONG_PTR)lpParam >> 8) ? 2 : 100 + (DWORD)((ULONG_PTR)lpParam & 0xff);
}

static int Child(const char *szQuit)
{
    HANDLE hQuit = OpenEventA(SYNCHRONIZE, FALSE, szQuit);
    if (hQuit == NULL)
        return 1;
    WaitForSingleObject(hQuit, INFINITE);
    CloseHandle(hQuit);
    return 0;
}

int main(int argc, char **argv)
{
    char szSelf[MAX_PATH], szCmd[MAX_PATH + 64], szQuit[64];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE hQuit, hDone, hThread, hWeak;
    DWORD dwTid = 0, dwCode = 0;
    LPVOID lpParam;

    if (argc > 2 && strcmp(argv[1], "child") == 0)
        return Child(argv[2]);

    GetModuleFileNameA(NULL, szSelf, MAX_PATH);
    sprintf(szQuit, "RemoteThreadQuit_%lu", (unsigned long)GetCurrentProcessId());
    hQuit = CreateEventA(NULL, TRUE, FALSE, szQuit);

    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    sprintf(szCmd, "\"%s\" child %s", szSelf, szQuit);
    if (!CreateProcessA(NULL, szCmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed (%lu)\n", GetLastError());
        return 1;
    }
    sprintf(szDone, "RemoteThreadDone_%lu", (unsigned long)pi.dwProcessId);
    hDone = CreateEventA(NULL, TRUE, FALSE, szDone);

    /* A routine of this executable, with the child's id as its parameter. */
    lpParam = (LPVOID)(((ULONG_PTR)pi.dwProcessId << 8) | 7);
    hThread = CreateRemoteThread(pi.hProcess, NULL, 0, RemoteRoutine, lpParam, 0, &dwTid);
    if (hThread == NULL) {
        printf("CreateRemoteThread failed (%lu)\n", GetLastError());
        return 1;
    }
    printf("thread id returned: %s\n", dwTid != 0 && dwTid == GetThreadId(hThread) ? "yes" : "no");
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &dwCode);
    printf("remote routine ran in the child: %s\n", dwCode == 2 ? "yes" : "no");
    printf("done event set: %s\n",
           WaitForSingleObject(hDone, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    CloseHandle(hThread);

    /* Created suspended: it runs once resumed. */
    ResetEvent(hDone);
    hThread = CreateRemoteThread(pi.hProcess, NULL, 0, RemoteRoutine, lpParam,
                                 CREATE_SUSPENDED, NULL);
    GetExitCodeThread(hThread, &dwCode);
    printf("suspended: still active %s, done event %s\n",
           dwCode == STILL_ACTIVE ? "yes" : "no",
           WaitForSingleObject(hDone, 0) == WAIT_TIMEOUT ? "not set" : "set");
    printf("ResumeThread returned %lu\n", ResumeThread(hThread));
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &dwCode);
    printf("after resume: exit code %lu, done event %s\n", dwCode,
           WaitForSingleObject(hDone, 0) == WAIT_OBJECT_0 ? "set" : "not set");
    CloseHandle(hThread);

    /* ExitThread as the start routine: the parameter is the exit code. */
    hThread = CreateRemoteThread(pi.hProcess, NULL, 0, (LPTHREAD_START_ROUTINE)ExitThread,
                                 (LPVOID)42, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &dwCode);
    printf("ExitThread as the routine: exit code %lu\n", dwCode);
    CloseHandle(hThread);

    /* A handle without PROCESS_CREATE_THREAD. */
    hWeak = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, pi.dwProcessId);
    SetLastError(0);
    hThread = CreateRemoteThread(hWeak, NULL, 0, RemoteRoutine, lpParam, 0, NULL);
    printf("without PROCESS_CREATE_THREAD: %s, error %lu\n", hThread ? "created" : "failed",
           GetLastError());
    CloseHandle(hWeak);

    /* Once the child has exited. */
    SetEvent(hQuit);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &dwCode);
    printf("child exit code %lu\n", dwCode);
    SetLastError(0);
    hThread = CreateRemoteThread(pi.hProcess, NULL, 0, RemoteRoutine, lpParam, 0, NULL);
    printf("into an exited process: %s, error %lu\n", hThread ? "created" : "failed",
           GetLastError());

    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(hDone);
    CloseHandle(hQuit);
    return 0;
}
