/*
 * Waitable timers: a periodic timer with a completion routine that runs as
 * an APC in the setting thread's alertable waits; a manual-reset timer with
 * an absolute due time; a synchronization timer; CancelWaitableTimer.
 */
#include <windows.h>
#include <stdio.h>

#define _SECOND 10000000LL      /* 100-ns intervals in a second */

typedef struct {
    const char *name;
    int calls;
    DWORD threadId;
} TIMER_CONTEXT;

static VOID CALLBACK TimerAPCProc(LPVOID lpArg, DWORD dwTimerLowValue, DWORD dwTimerHighValue)
{
    TIMER_CONTEXT *ctx = (TIMER_CONTEXT *)lpArg;
    ctx->calls++;
    ctx->threadId = GetCurrentThreadId();
}

int main(void)
{
    HANDLE hTimer;
    LARGE_INTEGER liDueTime;
    FILETIME ft;
    ULARGE_INTEGER now;
    TIMER_CONTEXT ctx = { "periodic", 0, 0 };
    DWORD r;
    BOOL ok;
    int i, completions = 0;

    /* A synchronization (auto-reset) timer: first due in 50 ms, then every
     * 30 ms; the routine runs only while we wait alertably. */
    hTimer = CreateWaitableTimer(NULL, FALSE, TEXT("CompatTestTimer"));
    if (hTimer == NULL) {
        printf("CreateWaitableTimer failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    liDueTime.QuadPart = -(_SECOND / 20);
    if (!SetWaitableTimer(hTimer, &liDueTime, 30, TimerAPCProc, &ctx, FALSE)) {
        printf("SetWaitableTimer failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    Sleep(120);
    printf("after a non-alertable Sleep past the due time, routine calls: %d\n", ctx.calls);
    for (i = 0; i < 3; i++) {
        r = SleepEx(INFINITE, TRUE);
        if (r == WAIT_IO_COMPLETION)
            completions++;
    }
    printf("three alertable SleepEx(INFINITE) calls returned WAIT_IO_COMPLETION: %d times\n",
           completions);
    printf("routine ran at least 3 times: %s, on the thread that set the timer: %s\n",
           ctx.calls >= 3 ? "yes" : "no", ctx.threadId == GetCurrentThreadId() ? "yes" : "no");
    CancelWaitableTimer(hTimer);
    while (SleepEx(0, TRUE) == WAIT_IO_COMPLETION)
        ;   /* drain any routine queued before the cancel */
    ctx.calls = 0;
    SleepEx(100, TRUE);
    printf("after CancelWaitableTimer, routine calls in 100 ms: %d\n", ctx.calls);
    CloseHandle(hTimer);

    /* A manual-reset timer with an absolute due time 50 ms from now. */
    hTimer = CreateWaitableTimer(NULL, TRUE, NULL);
    printf("new timer is not signalled: %s\n",
           WaitForSingleObject(hTimer, 0) == WAIT_TIMEOUT ? "yes" : "no");
    GetSystemTimeAsFileTime(&ft);
    now.LowPart = ft.dwLowDateTime;
    now.HighPart = ft.dwHighDateTime;
    liDueTime.QuadPart = (LONGLONG)now.QuadPart + _SECOND / 20;
    SetWaitableTimer(hTimer, &liDueTime, 0, NULL, NULL, FALSE);
    printf("wait for the absolute due time: %s\n",
           WaitForSingleObject(hTimer, 5000) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    printf("a manual-reset timer stays signalled: %s\n",
           WaitForSingleObject(hTimer, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    /* Setting it again makes it non-signalled until the new due time. */
    liDueTime.QuadPart = -(_SECOND * 10);
    SetWaitableTimer(hTimer, &liDueTime, 0, NULL, NULL, FALSE);
    printf("set again for 10 s: signalled now: %s\n",
           WaitForSingleObject(hTimer, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    CancelWaitableTimer(hTimer);
    printf("cancelled: signalled: %s\n",
           WaitForSingleObject(hTimer, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    CloseHandle(hTimer);

    /* A synchronization timer releases one wait per expiry. */
    hTimer = CreateWaitableTimerEx(NULL, NULL, 0, TIMER_ALL_ACCESS);
    liDueTime.QuadPart = -(_SECOND / 50);
    SetWaitableTimer(hTimer, &liDueTime, 0, NULL, NULL, FALSE);
    printf("synchronization timer: first wait %s\n",
           WaitForSingleObject(hTimer, 5000) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    printf("synchronization timer: second wait %s\n",
           WaitForSingleObject(hTimer, 100) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    SetLastError(0xdeadbeef);
    ok = SetWaitableTimer(hTimer, &liDueTime, -1, NULL, NULL, FALSE);
    printf("SetWaitableTimer with a negative period: %s, last error %u\n", ok ? "TRUE" : "FALSE",
           (unsigned)GetLastError());
    CloseHandle(hTimer);
    return 0;
}
