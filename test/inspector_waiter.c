/*
 * test/inspector.sh's blocked processes.  Run as "a TAG" and "b TAG", the
 * two deadlock on two named mutexes: a owns DeadM1_TAG and waits for
 * DeadM2_TAG, which b owns while it waits for DeadM1_TAG (each wait with a
 * 600 s timeout; the script kills them).  The named events AOwns_TAG and
 * BOwns_TAG make each take its own mutex before it waits for the other's.
 * Besides, on the never-set auto-reset event WaitEv_TAG: a waits on it
 * with no timeout in one thread and, in another, waits for it and for an
 * unnamed semaphore at once (WaitForMultipleObjects, wait-all, 600 s);
 * b waits on it alone (600 s).  Each prints "ready" before it blocks.
 * Run as "churn TAG", four threads wait and release without end (a named
 * mutex and event, one at a time, any and all, 1 ms timeouts), so that
 * the inspector reads wait records that change under it.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static char evname[200];
static HANDLE sem;

static DWORD WINAPI wait_event(LPVOID timeout)
{
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, evname);
    WaitForSingleObject(ev, (DWORD)(ULONG_PTR)timeout);
    return 0;
}

static DWORD WINAPI wait_all(LPVOID unused)
{
    (void)unused;
    HANDLE both[2] = {CreateEventA(NULL, FALSE, FALSE, evname), sem};
    WaitForMultipleObjects(2, both, TRUE, 600000);
    return 0;
}

static char churn_mx[200];

static DWORD WINAPI churn(LPVOID arg)
{
    HANDLE h[2] = {CreateMutexA(NULL, FALSE, churn_mx), CreateEventA(NULL, FALSE, FALSE, evname)};
    unsigned n = (unsigned)(ULONG_PTR)arg;
    for (;;) {
        DWORD r = (n++ & 1) ? WaitForMultipleObjects(2, h, n & 2 ? TRUE : FALSE, 1)
                            : WaitForSingleObject(h[0], 1);
        if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED_0)
            ReleaseMutex(h[0]);
        if (n % 7 == 0)
            SetEvent(h[1]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "churn")) {
        snprintf(churn_mx, sizeof churn_mx, "ChurnM_%s", argv[2]);
        snprintf(evname, sizeof evname, "ChurnEv_%s", argv[2]);
        for (int i = 0; i < 4; i++)
            if (!CreateThread(NULL, 0, churn, (LPVOID)(ULONG_PTR)i, 0, NULL))
                return 1;
        printf("ready\n");
        fflush(stdout);
        Sleep(INFINITE);
    }
    char mine[200], theirs[200], iown[200], theyown[200];
    if (argc != 3 || (strcmp(argv[1], "a") && strcmp(argv[1], "b"))) {
        fprintf(stderr, "usage: inspector_waiter a|b|churn TAG\n");
        return 2;
    }
    BOOL a = !strcmp(argv[1], "a");
    const char *tag = argv[2];
    snprintf(mine, sizeof mine, "DeadM%d_%s", a ? 1 : 2, tag);
    snprintf(theirs, sizeof theirs, "DeadM%d_%s", a ? 2 : 1, tag);
    snprintf(iown, sizeof iown, "%sOwns_%s", a ? "A" : "B", tag);
    snprintf(theyown, sizeof theyown, "%sOwns_%s", a ? "B" : "A", tag);
    snprintf(evname, sizeof evname, "WaitEv_%s", tag);

    HANDLE m = CreateMutexA(NULL, FALSE, mine);
    HANDLE owns = CreateEventA(NULL, TRUE, FALSE, iown);
    HANDLE other = CreateEventA(NULL, TRUE, FALSE, theyown);
    sem = CreateSemaphoreA(NULL, 0, 1, NULL);
    if (!m || !owns || !other || !sem || WaitForSingleObject(m, 0) != WAIT_OBJECT_0 ||
        !SetEvent(owns) || WaitForSingleObject(other, 600000) != WAIT_OBJECT_0) {
        printf("setup failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    HANDLE them = CreateMutexA(NULL, FALSE, theirs);
    HANDLE t1 = CreateThread(NULL, 0, wait_event, (LPVOID)(ULONG_PTR)(a ? INFINITE : 600000),
                             0, NULL);
    HANDLE t2 = a ? CreateThread(NULL, 0, wait_all, NULL, 0, NULL) : t1;
    if (!them || !t1 || !t2) {
        printf("setup failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    DWORD r = WaitForSingleObject(them, 600000);
    printf("wait ended: %lu\n", (unsigned long)r);
    return 0;
}
