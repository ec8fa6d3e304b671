/*
 * WaitForMultipleObjects: which index a wait-any reports, what a wait-all
 * consumes (all of the objects or none of them), waiting on thread handles,
 * and the 64-handle maximum.
 */
#include <windows.h>
#include <stdio.h>

static HANDLE hRelease;

static const char *WaitName(DWORD r)
{
    static char buf[32];
    if (r == WAIT_TIMEOUT)
        return "WAIT_TIMEOUT";
    if (r == WAIT_FAILED)
        return "WAIT_FAILED";
    if (r < MAXIMUM_WAIT_OBJECTS) {
        sprintf(buf, "WAIT_OBJECT_0+%u", (unsigned)(r - WAIT_OBJECT_0));
        return buf;
    }
    sprintf(buf, "0x%x", (unsigned)r);
    return buf;
}

static const char *State(HANDLE h)
{
    /* Only used on manual-reset events, or where consuming is intended. */
    return WaitForSingleObject(h, 0) == WAIT_OBJECT_0 ? "signalled" : "not signalled";
}

static DWORD WINAPI Blocker(LPVOID lpParam)
{
    WaitForSingleObject(hRelease, INFINITE);
    return (DWORD)(INT_PTR)lpParam;
}

static DWORD WINAPI Quick(LPVOID lpParam)
{
    return (DWORD)(INT_PTR)lpParam;
}

static DWORD WINAPI SetLater(LPVOID lpParam)
{
    Sleep(50);
    SetEvent((HANDLE)lpParam);
    return 0;
}

int main(void)
{
    HANDLE ev[2], mixed[2], threads[3], many[MAXIMUM_WAIT_OBJECTS], setter;
    DWORD r, code;
    int i;

    /* Two auto-reset events, neither signalled. */
    ev[0] = CreateEvent(NULL, FALSE, FALSE, NULL);
    ev[1] = CreateEvent(NULL, FALSE, FALSE, NULL);

    printf("wait-any, none signalled, 0 ms: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, FALSE, 0)));

    SetEvent(ev[1]);
    printf("wait-any, second signalled: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, FALSE, 0)));
    printf("  second after the wait (auto-reset, consumed): %s\n", State(ev[1]));

    SetEvent(ev[0]);
    SetEvent(ev[1]);
    printf("wait-any, both signalled: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, FALSE, 0)));
    printf("  second after the wait (untouched): %s\n", State(ev[1]));

    /* Wait-all takes everything or nothing. */
    SetEvent(ev[0]);
    printf("wait-all, only first signalled, 0 ms: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, TRUE, 0)));
    printf("wait-all, only first signalled, 30 ms: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, TRUE, 30)));
    printf("  first after the failed wait-all (not consumed): %s\n", State(ev[0]));
    SetEvent(ev[0]);
    SetEvent(ev[1]);
    printf("wait-all, both signalled: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, TRUE, 0)));
    printf("  first after: %s\n", State(ev[0]));
    printf("  second after: %s\n", State(ev[1]));

    /* A manual-reset event in a wait-all stays signalled. */
    mixed[0] = CreateEvent(NULL, TRUE, TRUE, NULL);
    mixed[1] = ev[0];
    SetEvent(ev[0]);
    printf("wait-all, manual-reset and auto-reset: %s\n",
           WaitName(WaitForMultipleObjects(2, mixed, TRUE, 0)));
    printf("  manual-reset after: %s\n", State(mixed[0]));
    printf("  auto-reset after: %s\n", State(mixed[1]));

    /* A wait-all that blocks until another thread sets the last event. */
    setter = CreateThread(NULL, 0, SetLater, ev[1], 0, NULL);
    SetEvent(ev[0]);
    printf("wait-all, second set later by a thread, INFINITE: %s\n",
           WaitName(WaitForMultipleObjects(2, ev, TRUE, INFINITE)));
    WaitForSingleObject(setter, INFINITE);
    CloseHandle(setter);

    /* Thread handles are signalled when the thread ends. */
    hRelease = CreateEvent(NULL, TRUE, FALSE, NULL);
    threads[0] = CreateThread(NULL, 0, Blocker, (LPVOID)10, 0, NULL);
    threads[1] = CreateThread(NULL, 0, Blocker, (LPVOID)11, 0, NULL);
    threads[2] = CreateThread(NULL, 0, Quick, (LPVOID)12, 0, NULL);
    printf("wait-any on three threads, only the third can end: %s\n",
           WaitName(WaitForMultipleObjects(3, threads, FALSE, INFINITE)));
    printf("wait-all on the three threads, 0 ms: %s\n",
           WaitName(WaitForMultipleObjects(3, threads, TRUE, 0)));
    SetEvent(hRelease);
    printf("wait-all after releasing the others: %s\n",
           WaitName(WaitForMultipleObjects(3, threads, TRUE, INFINITE)));
    for (i = 0; i < 3; i++) {
        GetExitCodeThread(threads[i], &code);
        printf("  thread %d exit code %u\n", i, (unsigned)code);
        CloseHandle(threads[i]);
    }

    /* MAXIMUM_WAIT_OBJECTS handles at once. */
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        many[i] = CreateEvent(NULL, TRUE, i == MAXIMUM_WAIT_OBJECTS - 1, NULL);
    printf("wait-any on %d events, only the last signalled: %s\n", MAXIMUM_WAIT_OBJECTS,
           WaitName(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0)));
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        SetEvent(many[i]);
    printf("wait-all on %d events, all signalled: %s\n", MAXIMUM_WAIT_OBJECTS,
           WaitName(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, TRUE, 0)));
    r = WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0);
    printf("wait on %d handles: %s, error %u\n", MAXIMUM_WAIT_OBJECTS + 1, WaitName(r),
           (unsigned)GetLastError());
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        CloseHandle(many[i]);

    CloseHandle(ev[0]);
    CloseHandle(ev[1]);
    CloseHandle(mixed[0]);
    CloseHandle(hRelease);
    printf("done\n");
    return 0;
}
