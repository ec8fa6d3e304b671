/*
 * Threads created suspended, suspend counts, and thread-local storage:
 * TlsAlloc slots hold a separate value in every thread.
 */
#include <windows.h>
#include <stdio.h>

static DWORD dwTlsIndex;
static volatile LONG gStarted;

static DWORD WINAPI Counter(LPVOID lpParam)
{
    InterlockedExchange(&gStarted, 1);
    return 5;
}

static DWORD WINAPI UsesTls(LPVOID lpParam)
{
    LPVOID before;
    before = TlsGetValue(dwTlsIndex);
    if (!TlsSetValue(dwTlsIndex, lpParam))
        return 0xFFFF;
    Sleep(10);
    /* Bit 0: the slot started NULL; bit 1: it still holds our value. */
    return (before == NULL ? 1 : 0) | (TlsGetValue(dwTlsIndex) == lpParam ? 2 : 0);
}

int main(void)
{
    HANDLE hThread, hThreads[4];
    DWORD dwId, code, r;
    LPVOID value;
    int i;

    hThread = CreateThread(NULL, 0, Counter, NULL, CREATE_SUSPENDED, &dwId);
    r = WaitForSingleObject(hThread, 50);
    printf("created suspended: runs within 50 ms: %s, started flag %d\n",
           r == WAIT_OBJECT_0 ? "yes" : "no", (int)gStarted);
    printf("SuspendThread returns the previous suspend count: %u\n",
           (unsigned)SuspendThread(hThread));
    printf("ResumeThread returns the previous suspend count: %u\n",
           (unsigned)ResumeThread(hThread));
    printf("still suspended after one resume: %s\n",
           WaitForSingleObject(hThread, 50) == WAIT_TIMEOUT ? "yes" : "no");
    printf("ResumeThread again: %u\n", (unsigned)ResumeThread(hThread));
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    printf("then it ran: started flag %d, exit code %u\n", (int)gStarted, (unsigned)code);
    printf("ResumeThread on a thread that is not suspended: %u\n",
           (unsigned)ResumeThread(hThread));
    CloseHandle(hThread);

    dwTlsIndex = TlsAlloc();
    if (dwTlsIndex == TLS_OUT_OF_INDEXES) {
        printf("TlsAlloc failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    TlsSetValue(dwTlsIndex, (LPVOID)0x1000);
    for (i = 0; i < 4; i++)
        hThreads[i] = CreateThread(NULL, 0, UsesTls, (LPVOID)(INT_PTR)(i + 1), 0, NULL);
    WaitForMultipleObjects(4, hThreads, TRUE, INFINITE);
    for (i = 0; i < 4; i++) {
        GetExitCodeThread(hThreads[i], &code);
        printf("thread %d: slot started NULL: %s, kept its own value: %s\n", i,
               code & 1 ? "yes" : "no", code & 2 ? "yes" : "no");
        CloseHandle(hThreads[i]);
    }
    SetLastError(0xdeadbeef);
    value = TlsGetValue(dwTlsIndex);
    printf("main thread's value untouched: %s, TlsGetValue sets last error %u\n",
           value == (LPVOID)0x1000 ? "yes" : "no", (unsigned)GetLastError());
    printf("TlsFree: %s\n", TlsFree(dwTlsIndex) ? "TRUE" : "FALSE");
    return 0;
}
