/*
 * Manual-reset against auto-reset events: how many waits one SetEvent
 * satisfies, how many waiting threads it releases, PulseEvent with nobody
 * waiting, and CreateEventEx's flags.
 */
#include <windows.h>
#include <stdio.h>

#define WAITERS 3

static HANDLE hGate;
static HANDLE hDone[WAITERS];

static DWORD WINAPI Waiter(LPVOID lpParam)
{
    int i = (int)(INT_PTR)lpParam;
    WaitForSingleObject(hGate, INFINITE);
    SetEvent(hDone[i]);
    return 0;
}

static const char *Wait0(HANDLE h)
{
    return WaitForSingleObject(h, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "WAIT_TIMEOUT";
}

/* Two zero-timeout waits in a row, reported in that order. */
static void TwoWaits(const char *what, HANDLE h)
{
    const char *first = Wait0(h);
    const char *second = Wait0(h);
    printf("%s: first wait %s, second wait %s\n", what, first, second);
}

/* Starts WAITERS threads blocked on hGate; returns their handles. */
static void StartWaiters(HANDLE *threads)
{
    int i;
    for (i = 0; i < WAITERS; i++) {
        hDone[i] = CreateEvent(NULL, TRUE, FALSE, NULL);
        threads[i] = CreateThread(NULL, 0, Waiter, (LPVOID)(INT_PTR)i, 0, NULL);
    }
}

static void StopWaiters(HANDLE *threads)
{
    int i;
    WaitForMultipleObjects(WAITERS, threads, TRUE, INFINITE);
    for (i = 0; i < WAITERS; i++) {
        CloseHandle(threads[i]);
        CloseHandle(hDone[i]);
    }
}

static int CountDone(void)
{
    int i, n = 0;
    for (i = 0; i < WAITERS; i++)
        if (WaitForSingleObject(hDone[i], 0) == WAIT_OBJECT_0)
            n++;
    return n;
}

int main(void)
{
    HANDLE hAuto, hManual, hEx, threads[WAITERS];
    int k;

    hAuto = CreateEvent(NULL, FALSE, TRUE, NULL);
    TwoWaits("auto-reset, initially set", hAuto);
    SetEvent(hAuto);
    SetEvent(hAuto);
    TwoWaits("auto-reset set twice (no counting)", hAuto);

    hManual = CreateEvent(NULL, TRUE, TRUE, NULL);
    TwoWaits("manual-reset, initially set", hManual);
    ResetEvent(hManual);
    printf("manual-reset after ResetEvent: %s\n", Wait0(hManual));

    /* PulseEvent with no thread waiting just leaves the event reset. */
    SetEvent(hManual);
    PulseEvent(hManual);
    printf("PulseEvent on a set manual-reset event, nobody waiting: %s\n", Wait0(hManual));
    SetEvent(hAuto);
    PulseEvent(hAuto);
    printf("PulseEvent on a set auto-reset event, nobody waiting: %s\n", Wait0(hAuto));

    /* A manual-reset event releases every waiting thread. */
    hGate = hManual;
    StartWaiters(threads);
    SetEvent(hGate);
    printf("manual-reset, %d waiting threads, one SetEvent: all released: %s\n", WAITERS,
           WaitForMultipleObjects(WAITERS, hDone, TRUE, INFINITE) == WAIT_OBJECT_0 ? "yes"
                                                                                 : "no");
    StopWaiters(threads);
    ResetEvent(hManual);

    /* An auto-reset event releases exactly one thread per SetEvent. */
    hGate = hAuto;
    StartWaiters(threads);
    for (k = 1; k <= WAITERS; k++) {
        SetEvent(hGate);
        /* Wait until one more thread is through, then make sure that no
         * other one follows. */
        while (CountDone() < k)
            Sleep(1);
        Sleep(50);
        printf("auto-reset, SetEvent #%d: threads released so far: %d\n", k, CountDone());
    }
    StopWaiters(threads);
    printf("auto-reset event after the last release: %s\n", Wait0(hAuto));

    /* CreateEventEx takes flags instead of two BOOLs. */
    hEx = CreateEventEx(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
                        EVENT_ALL_ACCESS);
    TwoWaits("CreateEventEx(MANUAL_RESET | INITIAL_SET)", hEx);
    CloseHandle(hEx);
    hEx = CreateEventEx(NULL, NULL, CREATE_EVENT_INITIAL_SET, EVENT_ALL_ACCESS);
    TwoWaits("CreateEventEx(INITIAL_SET)", hEx);
    CloseHandle(hEx);
    hEx = CreateEventEx(NULL, NULL, 0, EVENT_ALL_ACCESS);
    printf("CreateEventEx(0): %s\n", Wait0(hEx));
    CloseHandle(hEx);

    CloseHandle(hAuto);
    CloseHandle(hManual);
    return 0;
}
