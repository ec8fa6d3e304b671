/*
 * Microsoft's "Using the Thread Pool Functions", as a small server loop: a
 * private pool (one to four threads) with a cleanup group; requests are
 * work items, a wait object answers a "shutdown" event, a periodic timer
 * is the heartbeat.  Then the callback-instance functions, a simple
 * callback, a wait that times out, and CloseThreadpoolCleanupGroupMembers
 * with and without cancelling.
 */
#include <windows.h>
#include <stdio.h>

#define REQUESTS 20

static volatile LONG g_served, g_beats, g_sum, g_cancelled;
static HANDLE g_allServed, g_beat3, g_shutdownSeen;
static TP_WAIT_RESULT g_waitResult = 0xffffffff, g_timeoutResult = 0xffffffff;
static HANDLE g_timeoutSeen;

static VOID CALLBACK ServeRequest(PTP_CALLBACK_INSTANCE Instance, PVOID Parameter, PTP_WORK Work)
{
    LONG id = InterlockedIncrement(&g_served);
    (void)Work;
    (void)Parameter;
    InterlockedExchangeAdd(&g_sum, id);
    if (id == REQUESTS)
        SetEventWhenCallbackReturns(Instance, g_allServed);
}

static VOID CALLBACK Heartbeat(PTP_CALLBACK_INSTANCE Instance, PVOID Parameter, PTP_TIMER Timer)
{
    (void)Instance;
    (void)Parameter;
    (void)Timer;
    if (InterlockedIncrement(&g_beats) == 3)
        SetEvent(g_beat3);
}

static VOID CALLBACK OnShutdown(PTP_CALLBACK_INSTANCE Instance, PVOID Parameter, PTP_WAIT Wait,
                                TP_WAIT_RESULT WaitResult)
{
    (void)Parameter;
    (void)Wait;
    g_waitResult = WaitResult;
    SetEventWhenCallbackReturns(Instance, g_shutdownSeen);
}

static VOID CALLBACK OnTimeout(PTP_CALLBACK_INSTANCE Instance, PVOID Parameter, PTP_WAIT Wait,
                               TP_WAIT_RESULT WaitResult)
{
    (void)Parameter;
    (void)Wait;
    g_timeoutResult = WaitResult;
    SetEventWhenCallbackReturns(Instance, g_timeoutSeen);
}

static VOID CALLBACK Simple(PTP_CALLBACK_INSTANCE Instance, PVOID Parameter)
{
    ReleaseSemaphoreWhenCallbackReturns(Instance, (HANDLE)Parameter, 2);
}

static VOID CALLBACK Blocked(PTP_CALLBACK_INSTANCE Instance, PVOID Parameter, PTP_WORK Work)
{
    (void)Instance;
    (void)Work;
    WaitForSingleObject((HANDLE)Parameter, INFINITE);
}

static VOID CALLBACK OnCancel(PVOID ObjectContext, PVOID CleanupContext)
{
    (void)ObjectContext;
    if (CleanupContext == (PVOID)&g_cancelled)
        InterlockedIncrement(&g_cancelled);
}

int main(void)
{
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    PTP_CLEANUP_GROUP group;
    PTP_WORK work;
    PTP_TIMER timer;
    PTP_WAIT wait, wait2;
    ULARGE_INTEGER due;
    FILETIME ft;
    HANDLE shutdown, sem, gate;
    LONG prev = -1;
    BOOL ok;
    int i, fails = 0;

    g_allServed = CreateEventA(NULL, TRUE, FALSE, NULL);
    g_beat3 = CreateEventA(NULL, TRUE, FALSE, NULL);
    g_shutdownSeen = CreateEventA(NULL, TRUE, FALSE, NULL);
    g_timeoutSeen = CreateEventA(NULL, TRUE, FALSE, NULL);
    shutdown = CreateEventA(NULL, FALSE, FALSE, NULL);

    InitializeThreadpoolEnvironment(&env);
    pool = CreateThreadpool(NULL);
    printf("CreateThreadpool: %s\n", pool ? "ok" : "failed");
    SetThreadpoolThreadMaximum(pool, 4);
    ok = SetThreadpoolThreadMinimum(pool, 1);
    printf("SetThreadpoolThreadMinimum: %s\n", ok ? "ok" : "failed");
    group = CreateThreadpoolCleanupGroup();
    printf("CreateThreadpoolCleanupGroup: %s\n", group ? "ok" : "failed");
    SetThreadpoolCallbackPool(&env, pool);
    SetThreadpoolCallbackCleanupGroup(&env, group, NULL);

    /* The server: a wait for shutdown, a heartbeat, the requests. */
    wait = CreateThreadpoolWait(OnShutdown, NULL, &env);
    SetThreadpoolWait(wait, shutdown, NULL);
    timer = CreateThreadpoolTimer(Heartbeat, NULL, &env);
    due.QuadPart = (ULONGLONG)-(10 * 10000);
    ft.dwHighDateTime = due.HighPart;
    ft.dwLowDateTime = due.LowPart;
    SetThreadpoolTimer(timer, &ft, 20, 0);
    printf("IsThreadpoolTimerSet: %d\n", (int)IsThreadpoolTimerSet(timer));
    work = CreateThreadpoolWork(ServeRequest, NULL, &env);
    for (i = 0; i < REQUESTS; i++)
        SubmitThreadpoolWork(work);

    if (WaitForSingleObject(g_allServed, 10000) != WAIT_OBJECT_0)
        fails++;
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    printf("requests served: %ld, sum of ids: %ld\n", (long)g_served, (long)g_sum);
    if (WaitForSingleObject(g_beat3, 10000) != WAIT_OBJECT_0)
        fails++;
    SetThreadpoolTimer(timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    printf("heartbeats: at least 3: %s; timer set after stop: %d\n",
           g_beats >= 3 ? "yes" : "no", (int)IsThreadpoolTimerSet(timer));

    SetEvent(shutdown);
    if (WaitForSingleObject(g_shutdownSeen, 10000) != WAIT_OBJECT_0)
        fails++;
    printf("shutdown wait result: %s\n", g_waitResult == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");

    /* A wait that times out. */
    wait2 = CreateThreadpoolWait(OnTimeout, NULL, &env);
    due.QuadPart = (ULONGLONG)-(30 * 10000);
    ft.dwHighDateTime = due.HighPart;
    ft.dwLowDateTime = due.LowPart;
    SetThreadpoolWait(wait2, shutdown, &ft);
    if (WaitForSingleObject(g_timeoutSeen, 10000) != WAIT_OBJECT_0)
        fails++;
    printf("timed-out wait result: %s\n", g_timeoutResult == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");

    /* A simple callback releasing a semaphore by two when it returns. */
    sem = CreateSemaphoreA(NULL, 0, 10, NULL);
    ok = TrySubmitThreadpoolCallback(Simple, sem, &env);
    printf("TrySubmitThreadpoolCallback: %s\n", ok ? "ok" : "failed");
    if (WaitForSingleObject(sem, 10000) != WAIT_OBJECT_0)
        fails++;
    ReleaseSemaphore(sem, 1, &prev);
    printf("semaphore count after the callback and one wait: %ld\n", (long)prev);

    /* Everything closes with the group, waiting for the callbacks. */
    CloseThreadpoolCleanupGroupMembers(group, FALSE, NULL);
    printf("members closed, requests served: %ld\n", (long)g_served);

    /* Cancelling: one blocked callback holds the only thread; the queued
     * ones are cancelled, the group's callback runs per member. */
    SetThreadpoolThreadMaximum(pool, 1);
    SetThreadpoolCallbackCleanupGroup(&env, group, OnCancel);
    gate = CreateEventA(NULL, TRUE, FALSE, NULL);
    work = CreateThreadpoolWork(Blocked, gate, &env);
    for (i = 0; i < 5; i++)
        SubmitThreadpoolWork(work);
    Sleep(50);
    SetEvent(gate);
    CloseThreadpoolCleanupGroupMembers(group, TRUE, (PVOID)&g_cancelled);
    printf("cancel callbacks: %ld\n", (long)g_cancelled);

    CloseThreadpoolCleanupGroup(group);
    CloseThreadpool(pool);
    DestroyThreadpoolEnvironment(&env);
    CloseHandle(gate);
    CloseHandle(sem);
    CloseHandle(shutdown);
    printf("done: %s\n", fails ? "FAILED" : "ok");
    return fails != 0;
}
