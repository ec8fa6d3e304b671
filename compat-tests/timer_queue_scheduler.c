/*
 * Microsoft's "Using Timer Queues", grown into a small scheduler: the
 * example's one-shot timer and its event; three jobs run in the timer
 * thread in due-time order; a periodic job stopped by deletion with an
 * event; a timer moved by ChangeTimerQueueTimer; the default queue; and
 * registered waits, one timing out, one signalled, one unregistered
 * while its callback runs.
 */
#include <windows.h>
#include <stdio.h>

static HANDLE gDoneEvent;
static CRITICAL_SECTION gLock;
static char gOrder[8];
static int gOrderLen;
static volatile LONG gTicks;
static HANDLE gJobsDone, gTick5, gMoved, gEntered, gGo, gWaitDone;
static volatile LONG gWaitFired = -1;

static VOID CALLBACK TimerRoutine(PVOID lpParam, BOOLEAN TimerOrWaitFired)
{
    if (lpParam == NULL) {
        printf("TimerRoutine lpParam is NULL\n");
    } else {
        /* lpParam points to the argument; in this case it is an int */
        printf("Timer routine called. Parameter is %d.\n", *(int *)lpParam);
        if (TimerOrWaitFired)
            printf("The wait timed out.\n");
        else
            printf("The wait event was signaled.\n");
    }
    SetEvent(gDoneEvent);
}

static VOID CALLBACK Job(PVOID lpParam, BOOLEAN TimerOrWaitFired)
{
    (void)TimerOrWaitFired;
    EnterCriticalSection(&gLock);
    gOrder[gOrderLen++] = (char)(INT_PTR)lpParam;
    if (gOrderLen == 3)
        SetEvent(gJobsDone);
    LeaveCriticalSection(&gLock);
}

static VOID CALLBACK Tick(PVOID lpParam, BOOLEAN TimerOrWaitFired)
{
    (void)lpParam;
    (void)TimerOrWaitFired;
    if (InterlockedIncrement(&gTicks) == 5)
        SetEvent(gTick5);
}

static VOID CALLBACK Moved(PVOID lpParam, BOOLEAN TimerOrWaitFired)
{
    (void)lpParam;
    (void)TimerOrWaitFired;
    SetEvent(gMoved);
}

static VOID CALLBACK WaitCallback(PVOID lpParam, BOOLEAN TimerOrWaitFired)
{
    (void)lpParam;
    gWaitFired = TimerOrWaitFired;
    SetEvent(gWaitDone);
}

static VOID CALLBACK SlowWaitCallback(PVOID lpParam, BOOLEAN TimerOrWaitFired)
{
    (void)lpParam;
    (void)TimerOrWaitFired;
    SetEvent(gEntered);
    WaitForSingleObject(gGo, INFINITE);
}

int main(void)
{
    HANDLE hTimer = NULL, hTimerQueue = NULL, t[3], hTick, hMove, hWait, ev, unregDone, deleted;
    int arg = 123, fails = 0;
    BOOL ok;
    DWORD err;

    /* Microsoft's example. */
    gDoneEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    if (NULL == gDoneEvent) {
        printf("CreateEvent failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    hTimerQueue = CreateTimerQueue();
    if (NULL == hTimerQueue) {
        printf("CreateTimerQueue failed (%u)\n", (unsigned)GetLastError());
        return 2;
    }
    /* Set a timer to call the timer routine in 100 ms. */
    if (!CreateTimerQueueTimer(&hTimer, hTimerQueue, (WAITORTIMERCALLBACK)TimerRoutine, &arg,
                               100, 0, 0)) {
        printf("CreateTimerQueueTimer failed (%u)\n", (unsigned)GetLastError());
        return 3;
    }
    printf("Call timer routine in 100 ms...\n");
    if (WaitForSingleObject(gDoneEvent, INFINITE) != WAIT_OBJECT_0)
        printf("WaitForSingleObject failed (%u)\n", (unsigned)GetLastError());
    CloseHandle(gDoneEvent);
    /* Delete all timers in the timer queue, waiting for their callbacks. */
    if (!DeleteTimerQueueEx(hTimerQueue, INVALID_HANDLE_VALUE))
        printf("DeleteTimerQueue failed (%u)\n", (unsigned)GetLastError());

    /* Jobs in the timer thread run in due-time order. */
    InitializeCriticalSection(&gLock);
    gJobsDone = CreateEvent(NULL, TRUE, FALSE, NULL);
    hTimerQueue = CreateTimerQueue();
    ok = CreateTimerQueueTimer(&t[0], hTimerQueue, Job, (PVOID)'c', 300, 0,
                               WT_EXECUTEINTIMERTHREAD | WT_EXECUTEONLYONCE);
    ok &= CreateTimerQueueTimer(&t[1], hTimerQueue, Job, (PVOID)'a', 100, 0,
                                WT_EXECUTEINTIMERTHREAD | WT_EXECUTEONLYONCE);
    ok &= CreateTimerQueueTimer(&t[2], hTimerQueue, Job, (PVOID)'b', 200, 0,
                                WT_EXECUTEINTIMERTHREAD | WT_EXECUTEONLYONCE);
    printf("three jobs scheduled: %s\n", ok ? "yes" : "no");

    /* A periodic job, stopped after five ticks by deletion with an event. */
    gTick5 = CreateEvent(NULL, TRUE, FALSE, NULL);
    ok = CreateTimerQueueTimer(&hTick, hTimerQueue, Tick, NULL, 10, 10, WT_EXECUTEDEFAULT);
    printf("periodic job: %s\n", ok ? "yes" : "no");
    if (WaitForSingleObject(gTick5, 10000) != WAIT_OBJECT_0)
        fails++;
    deleted = CreateEvent(NULL, TRUE, FALSE, NULL);
    ok = DeleteTimerQueueTimer(hTimerQueue, hTick, deleted);
    err = ok ? 0 : GetLastError();
    printf("periodic job deleted: %s\n", ok || err == ERROR_IO_PENDING ? "yes" : "no");
    if (WaitForSingleObject(deleted, 10000) != WAIT_OBJECT_0)
        fails++;
    printf("deletion event set; ticks at least 5: %s\n", gTicks >= 5 ? "yes" : "no");

    /* A timer far in the future, moved to now. */
    gMoved = CreateEvent(NULL, TRUE, FALSE, NULL);
    ok = CreateTimerQueueTimer(&hMove, NULL, Moved, NULL, 3600000, 0, 0);
    printf("default-queue timer: %s\n", ok ? "yes" : "no");
    ok = ChangeTimerQueueTimer(NULL, hMove, 20, 0);
    printf("ChangeTimerQueueTimer: %s\n", ok ? "yes" : "no");
    if (WaitForSingleObject(gMoved, 10000) != WAIT_OBJECT_0)
        fails++;
    printf("moved timer fired: yes\n");
    if (!DeleteTimerQueueTimer(NULL, hMove, INVALID_HANDLE_VALUE))
        fails++;

    if (WaitForSingleObject(gJobsDone, 10000) != WAIT_OBJECT_0)
        fails++;
    if (!DeleteTimerQueueEx(hTimerQueue, INVALID_HANDLE_VALUE))
        fails++;
    printf("job order: %.*s\n", gOrderLen, gOrder);

    /* Registered waits. */
    gWaitDone = CreateEvent(NULL, FALSE, FALSE, NULL);
    ev = CreateEvent(NULL, FALSE, FALSE, NULL);
    ok = RegisterWaitForSingleObject(&hWait, ev, WaitCallback, NULL, 50, WT_EXECUTEONLYONCE);
    printf("RegisterWaitForSingleObject: %s\n", ok ? "yes" : "no");
    WaitForSingleObject(gWaitDone, 10000);
    printf("first wait: TimerOrWaitFired=%ld\n", (long)gWaitFired);
    if (!UnregisterWaitEx(hWait, INVALID_HANDLE_VALUE))
        fails++;
    ok = RegisterWaitForSingleObject(&hWait, ev, WaitCallback, NULL, INFINITE, WT_EXECUTEONLYONCE);
    SetEvent(ev);
    WaitForSingleObject(gWaitDone, 10000);
    printf("second wait: TimerOrWaitFired=%ld\n", (long)gWaitFired);
    if (!UnregisterWaitEx(hWait, INVALID_HANDLE_VALUE))
        fails++;

    /* Unregistered while its callback runs. */
    gEntered = CreateEvent(NULL, FALSE, FALSE, NULL);
    gGo = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetEvent(ev);
    ok = RegisterWaitForSingleObject(&hWait, ev, SlowWaitCallback, NULL, INFINITE,
                                     WT_EXECUTEONLYONCE);
    WaitForSingleObject(gEntered, 10000);
    unregDone = CreateEvent(NULL, TRUE, FALSE, NULL);
    ok = UnregisterWaitEx(hWait, unregDone);
    err = GetLastError();
    printf("UnregisterWaitEx while running: %d, error %u\n", (int)ok, ok ? 0u : (unsigned)err);
    printf("completion event before the callback returns: %s\n",
           WaitForSingleObject(unregDone, 50) == WAIT_TIMEOUT ? "not set" : "set");
    SetEvent(gGo);
    printf("completion event after: %s\n",
           WaitForSingleObject(unregDone, 10000) == WAIT_OBJECT_0 ? "set" : "not set");

    CloseHandle(unregDone);
    CloseHandle(gGo);
    CloseHandle(gEntered);
    CloseHandle(ev);
    CloseHandle(gWaitDone);
    CloseHandle(gMoved);
    CloseHandle(deleted);
    CloseHandle(gTick5);
    CloseHandle(gJobsDone);
    DeleteCriticalSection(&gLock);
    printf("done: %s\n", fails ? "FAILED" : "ok");
    return fails != 0;
}
