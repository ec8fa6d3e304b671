/*
 * A boss and a pool of worker threads coordinated only with events: each
 * worker has an auto-reset "work ready" event and a "done" event, all of
 * them share one manual-reset "quit" event.  The boss hands out several
 * rounds of work items and waits for each round with a wait-all.
 */
#include <windows.h>
#include <stdio.h>

#define WORKERS 4
#define ROUNDS 5

typedef struct {
    int id;
    HANDLE hWork;       /* auto-reset: one item is ready */
    HANDLE hDone;       /* auto-reset: the item is finished */
    int input;
    int output;
    int itemsDone;
} WORKER;

static HANDLE hQuit;    /* manual-reset: every worker stops */
static WORKER workers[WORKERS];

static DWORD WINAPI WorkerThread(LPVOID lpParam)
{
    WORKER *w = (WORKER *)lpParam;
    HANDLE waits[2];

    waits[0] = hQuit;
    waits[1] = w->hWork;
    for (;;) {
        DWORD r = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
        if (r == WAIT_OBJECT_0)
            return (DWORD)w->itemsDone;     /* quit: report the item count */
        if (r != WAIT_OBJECT_0 + 1)
            return 0xFFFF;
        w->output = w->input * w->input + w->id;
        w->itemsDone++;
        SetEvent(w->hDone);
    }
}

int main(void)
{
    HANDLE hThreads[WORKERS], hDoneEvents[WORKERS];
    int i, round, failures = 0;
    DWORD code;

    hQuit = CreateEvent(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < WORKERS; i++) {
        workers[i].id = i;
        workers[i].hWork = CreateEvent(NULL, FALSE, FALSE, NULL);
        workers[i].hDone = CreateEvent(NULL, FALSE, FALSE, NULL);
        hDoneEvents[i] = workers[i].hDone;
        hThreads[i] = CreateThread(NULL, 0, WorkerThread, &workers[i], 0, NULL);
        if (hThreads[i] == NULL) {
            printf("CreateThread failed (%u)\n", (unsigned)GetLastError());
            return 1;
        }
    }
    printf("%d workers started\n", WORKERS);

    for (round = 1; round <= ROUNDS; round++) {
        int total = 0;
        for (i = 0; i < WORKERS; i++) {
            workers[i].input = round * 10 + i;
            SetEvent(workers[i].hWork);
        }
        if (WaitForMultipleObjects(WORKERS, hDoneEvents, TRUE, INFINITE) != WAIT_OBJECT_0) {
            printf("wait for round %d failed (%u)\n", round, (unsigned)GetLastError());
            return 1;
        }
        for (i = 0; i < WORKERS; i++) {
            int want = workers[i].input * workers[i].input + i;
            if (workers[i].output != want)
                failures++;
            total += workers[i].output;
        }
        printf("round %d: all %d items done, sum of results %d\n", round, WORKERS, total);
    }

    SetEvent(hQuit);
    WaitForMultipleObjects(WORKERS, hThreads, TRUE, INFINITE);
    for (i = 0; i < WORKERS; i++) {
        GetExitCodeThread(hThreads[i], &code);
        printf("worker %d quit after %u items\n", i, (unsigned)code);
        CloseHandle(hThreads[i]);
        CloseHandle(workers[i].hWork);
        CloseHandle(workers[i].hDone);
    }
    CloseHandle(hQuit);
    printf("%s\n", failures ? "WRONG RESULTS" : "all results correct");
    return failures ? 1 : 0;
}
