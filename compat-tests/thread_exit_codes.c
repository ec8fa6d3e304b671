/*
 * Creating threads: the value a thread function returns, or passes to
 * ExitThread, is its exit code; GetExitCodeThread reports STILL_ACTIVE
 * while it runs; thread ids; the pseudo-handles; and a thread outliving
 * its closed handle.
 */
#include <windows.h>
#include <stdio.h>

#define WORKERS 16

static HANDLE hGo, hFinished;
static DWORD dwIdSeenByThread;

static DWORD WINAPI ReturnsValue(LPVOID lpParam)
{
    DWORD n = (DWORD)(DWORD_PTR)lpParam;
    return n * n;
}

static void Helper(void)
{
    /* Ends the thread from a nested call: nothing after this runs. */
    ExitThread(7);
}

static DWORD WINAPI WaitsThenExits(LPVOID lpParam)
{
    dwIdSeenByThread = GetCurrentThreadId();
    WaitForSingleObject(hGo, INFINITE);
    Helper();
    return 99; /* not reached */
}

static DWORD WINAPI SignalsWhenDone(LPVOID lpParam)
{
    WaitForSingleObject(hGo, INFINITE);
    SetEvent(hFinished);
    return 0;
}

int main(void)
{
    HANDLE hThread, hWorkers[WORKERS];
    DWORD dwThreadId, dwExitCode, dwSum = 0;
    BOOL ok;
    int i;

    hGo = CreateEvent(NULL, TRUE, FALSE, NULL);
    hFinished = CreateEvent(NULL, TRUE, FALSE, NULL);

    /* The return value of the thread function. */
    hThread = CreateThread(NULL, 0, ReturnsValue, (LPVOID)6, 0, &dwThreadId);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &dwExitCode);
    printf("thread returned 6*6: exit code %u\n", (unsigned)dwExitCode);
    printf("thread id non-zero and different from ours: %s\n",
           dwThreadId != 0 && dwThreadId != GetCurrentThreadId() ? "yes" : "no");
    printf("GetThreadId(handle) equals the id CreateThread returned: %s\n",
           GetThreadId(hThread) == dwThreadId ? "yes" : "no");
    CloseHandle(hThread);

    /* While running: STILL_ACTIVE, and the handle is not signalled. */
    hThread = CreateThread(NULL, 0, WaitsThenExits, NULL, 0, &dwThreadId);
    GetExitCodeThread(hThread, &dwExitCode);
    printf("exit code while running: %u (STILL_ACTIVE is %u)\n", (unsigned)dwExitCode,
           (unsigned)STILL_ACTIVE);
    printf("wait on the running thread, 0 ms: %s\n",
           WaitForSingleObject(hThread, 0) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    SetEvent(hGo);
    printf("wait after letting it go: %s\n",
           WaitForSingleObject(hThread, INFINITE) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    GetExitCodeThread(hThread, &dwExitCode);
    printf("ExitThread(7) from a nested call: exit code %u\n", (unsigned)dwExitCode);
    printf("GetCurrentThreadId inside the thread matched its id: %s\n",
           dwIdSeenByThread == dwThreadId ? "yes" : "no");
    CloseHandle(hThread);
    ResetEvent(hGo);

    /* Many threads; each exit code is checked. */
    for (i = 0; i < WORKERS; i++)
        hWorkers[i] = CreateThread(NULL, 0, ReturnsValue, (LPVOID)(DWORD_PTR)i, 0, NULL);
    WaitForMultipleObjects(WORKERS, hWorkers, TRUE, INFINITE);
    for (i = 0; i < WORKERS; i++) {
        GetExitCodeThread(hWorkers[i], &dwExitCode);
        dwSum += dwExitCode;
        CloseHandle(hWorkers[i]);
    }
    printf("sum of the squares 0..%d from %d exit codes: %u\n", WORKERS - 1, WORKERS,
           (unsigned)dwSum);

    /* Closing a thread handle does not end the thread. */
    hThread = CreateThread(NULL, 0, SignalsWhenDone, NULL, 0, NULL);
    CloseHandle(hThread);
    SetEvent(hGo);
    printf("thread ran on after its handle was closed: %s\n",
           WaitForSingleObject(hFinished, INFINITE) == WAIT_OBJECT_0 ? "yes" : "no");

    /* Pseudo-handles are constants. */
    printf("GetCurrentProcess() = %d, GetCurrentThread() = %d\n",
           (int)(INT_PTR)GetCurrentProcess(), (int)(INT_PTR)GetCurrentThread());
    printf("GetThreadId(GetCurrentThread()) is our id: %s\n",
           GetThreadId(GetCurrentThread()) == GetCurrentThreadId() ? "yes" : "no");
    printf("GetProcessId(GetCurrentProcess()) is our id: %s\n",
           GetProcessId(GetCurrentProcess()) == GetCurrentProcessId() ? "yes" : "no");
    GetExitCodeThread(GetCurrentThread(), &dwExitCode);
    printf("our own exit code: %u\n", (unsigned)dwExitCode);

    SetLastError(0xdeadbeef);
    ok = GetExitCodeThread(NULL, &dwExitCode);
    printf("GetExitCodeThread(NULL): %s, last error %u\n", ok ? "TRUE" : "FALSE",
           (unsigned)GetLastError());
    SetLastError(0xdeadbeef);
    ok = GetExitCodeThread(hGo, &dwExitCode);
    printf("GetExitCodeThread(an event): %s, last error %u\n", ok ? "TRUE" : "FALSE",
           (unsigned)GetLastError());

    CloseHandle(hGo);
    CloseHandle(hFinished);
    return 0;
}
