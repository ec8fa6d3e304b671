/*
 * Asynchronous procedure calls: QueueUserAPC to a thread that waits
 * alertably, FIFO order, all queued APCs run in one alertable wait, a
 * non-alertable wait does not run them; SignalObjectAndWait.
 */
#include <windows.h>
#include <stdio.h>

static char gOrder[16];
static int gCount;
static HANDLE hReady, hGo;

static VOID CALLBACK Record(ULONG_PTR param)
{
    gOrder[gCount++] = (char)param;
    gOrder[gCount] = '\0';
}

static DWORD WINAPI AlertableWaiter(LPVOID lpParam)
{
    DWORD r;
    SetEvent(hReady);
    /* Wakes for the APCs, not for the event (nobody sets it). */
    r = WaitForSingleObjectEx(hGo, INFINITE, TRUE);
    return r;
}

static DWORD WINAPI Responder(LPVOID lpParam)
{
    HANDLE *pair = (HANDLE *)lpParam;
    /* Waits for the request, answers it. */
    WaitForSingleObject(pair[0], INFINITE);
    SetEvent(pair[1]);
    return 0;
}

int main(void)
{
    HANDLE hThread, pair[2], hMutex;
    DWORD r, code;

    hReady = CreateEvent(NULL, FALSE, FALSE, NULL);
    hGo = CreateEvent(NULL, TRUE, FALSE, NULL);

    /* APCs queued to ourselves run only in an alertable wait. */
    QueueUserAPC(Record, GetCurrentThread(), 'a');
    QueueUserAPC(Record, GetCurrentThread(), 'b');
    QueueUserAPC(Record, GetCurrentThread(), 'c');
    Sleep(10);
    printf("after Sleep (not alertable): \"%s\"\n", gOrder);
    r = WaitForSingleObject(hGo, 10);
    printf("after a non-alertable timed wait: \"%s\"\n", gOrder);
    r = SleepEx(1000, TRUE);
    printf("SleepEx(1000, TRUE): %s, ran \"%s\" (FIFO, all in one wait)\n",
           r == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "other", gOrder);
    r = SleepEx(0, TRUE);
    printf("SleepEx(0, TRUE) with nothing queued: %u\n", (unsigned)r);

    /* An already signalled object wins over a queued APC. */
    gCount = 0;
    gOrder[0] = '\0';
    SetEvent(hGo);
    QueueUserAPC(Record, GetCurrentThread(), 'd');
    r = WaitForSingleObjectEx(hGo, 0, TRUE);
    printf("alertable wait on a signalled event with an APC queued: %s, ran \"%s\"\n",
           r == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "WAIT_IO_COMPLETION", gOrder);
    SleepEx(0, TRUE);
    printf("  the APC ran in the next alertable wait: \"%s\"\n", gOrder);
    ResetEvent(hGo);

    /* To another thread. */
    gCount = 0;
    gOrder[0] = '\0';
    hThread = CreateThread(NULL, 0, AlertableWaiter, NULL, 0, NULL);
    WaitForSingleObject(hReady, INFINITE);
    QueueUserAPC(Record, hThread, 'x');
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    printf("thread in WaitForSingleObjectEx(alertable): returned %s, ran \"%s\"\n",
           code == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "other", gOrder);
    CloseHandle(hThread);

    /* SignalObjectAndWait: signal one object and wait on another as one
     * step; the responder cannot answer before we wait. */
    pair[0] = CreateEvent(NULL, FALSE, FALSE, NULL);
    pair[1] = CreateEvent(NULL, FALSE, FALSE, NULL);
    hThread = CreateThread(NULL, 0, Responder, pair, 0, NULL);
    r = SignalObjectAndWait(pair[0], pair[1], 5000, FALSE);
    printf("SignalObjectAndWait(request, answer): %s\n",
           r == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);
    r = SignalObjectAndWait(pair[0], pair[1], 20, FALSE);
    printf("SignalObjectAndWait with nobody to answer, 20 ms: %s\n",
           r == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    printf("  the request event was set and is still set: %s\n",
           WaitForSingleObject(pair[0], 0) == WAIT_OBJECT_0 ? "yes" : "no");
    hMutex = CreateMutex(NULL, TRUE, NULL);
    r = SignalObjectAndWait(hMutex, pair[1], 0, FALSE);
    printf("SignalObjectAndWait releasing an owned mutex: %s\n",
           r == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    SetLastError(0xdeadbeef);
    r = SignalObjectAndWait(hMutex, pair[1], 0, FALSE);
    printf("  again, no longer owned: %s, last error %u\n",
           r == WAIT_FAILED ? "WAIT_FAILED" : "other", (unsigned)GetLastError());

    CloseHandle(hMutex);
    CloseHandle(pair[0]);
    CloseHandle(pair[1]);
    CloseHandle(hReady);
    CloseHandle(hGo);
    return 0;
}
