/*
 * A small, unmodified Win32 program: a boss thread hands work to three
 * worker threads through auto-reset events, waits for all of them with
 * WaitForMultipleObjects, then stops them with one manual-reset event.
 * It builds the same with a Windows compiler.
 */
#include <windows.h>
#include <stdio.h>

#define WORKERS 3

static HANDLE g_work[WORKERS];
static HANDLE g_done[WORKERS];
static HANDLE g_quit;
static LONG g_results[WORKERS];

static DWORD WINAPI Worker(LPVOID param)
{
    int id = (int)(INT_PTR)param;
    HANDLE waits[2] = { g_quit, g_work[id] };
    for (;;) {
        DWORD r = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
        if (r == WAIT_OBJECT_0)
            return 100 + id;               /* quit */
        g_results[id] += id + 1;            /* the "work" */
        SetEvent(g_done[id]);
    }
}

int main(void)
{
    HANDLE threads[WORKERS];
    int i, round;

    g_quit = CreateEvent(NULL, TRUE, FALSE, TEXT("DemoQuit"));
    printf("created manual-reset quit event: %s\n", g_quit ? "ok" : "FAILED");
    for (i = 0; i < WORKERS; i++) {
        g_work[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
        g_done[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
        threads[i] = CreateThread(NULL, 0, Worker, (LPVOID)(INT_PTR)i, 0, NULL);
        if (!g_work[i] || !g_done[i] || !threads[i]) {
            printf("creation failed: error %lu\n", (unsigned long)GetLastError());
            return 1;
        }
    }
    printf("started %d worker threads\n", WORKERS);

    for (round = 1; round <= 3; round++) {
        for (i = 0; i < WORKERS; i++)
            SetEvent(g_work[i]);
        if (WaitForMultipleObjects(WORKERS, g_done, TRUE, 5000) != WAIT_OBJECT_0) {
            printf("round %d: workers did not finish\n", round);
            return 1;
        }
        printf("round %d: all %d workers done\n", round, WORKERS);
    }

    /* A second CreateEvent on the same name opens the same object. */
    {
        HANDLE again = CreateEvent(NULL, TRUE, FALSE, TEXT("DemoQuit"));
        printf("same name again: %s\n",
               GetLastError() == ERROR_ALREADY_EXISTS ? "ERROR_ALREADY_EXISTS" : "new?");
        SetEvent(again);                    /* wakes every worker */
        CloseHandle(again);
    }

    WaitForMultipleObjects(WORKERS, threads, TRUE, INFINITE);
    for (i = 0; i < WORKERS; i++) {
        DWORD code = 0;
        GetExitCodeThread(threads[i], &code);
        printf("worker %d: result %ld, exit code %lu\n", i, (long)g_results[i],
               (unsigned long)code);
        CloseHandle(threads[i]);
        CloseHandle(g_work[i]);
        CloseHandle(g_done[i]);
    }
    printf("timeout with nothing signalled: %s\n",
           WaitForSingleObject(g_work[0] = CreateEvent(NULL, FALSE, FALSE, NULL), 10)
                   == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "unexpected");
    CloseHandle(g_work[0]);
    CloseHandle(g_quit);
    return 0;
}
