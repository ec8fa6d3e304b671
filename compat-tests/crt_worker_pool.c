/*
 * A worker pool started the MSVC way, with _beginthreadex from
 * <process.h>: workers take jobs from a queue guarded by a critical
 * section, each returns the number of jobs it did as its exit code, and
 * the boss waits for all of them on their handles.  Then _endthreadex with
 * a code, a suspended start, and _beginthread, whose handle closes itself
 * when the thread ends.
 */
#include <windows.h>
#include <process.h>
#include <stdio.h>

#define WORKERS 4
#define JOBS 200

static CRITICAL_SECTION csQueue;
static int nextJob;
static LONG results[JOBS];
static LONG volatile total;

static unsigned __stdcall Worker(void *param)
{
    unsigned done = 0;
    (void)param;
    for (;;) {
        int job;
        EnterCriticalSection(&csQueue);
        job = nextJob < JOBS ? nextJob++ : -1;
        LeaveCriticalSection(&csQueue);
        if (job < 0)
            break;
        results[job] = job * job;
        InterlockedExchangeAdd(&total, job);
        done++;
    }
    return done;
}

static unsigned __stdcall EndsEarly(void *param)
{
    _endthreadex((unsigned)(UINT_PTR)param);
    return 0;
}

static HANDLE hDone;
static LONG volatile plainRan;

static void __cdecl Plain(void *param)
{
    InterlockedExchange(&plainRan, (LONG)(INT_PTR)param);
    SetEvent(hDone);
}

int main(void)
{
    HANDLE workers[WORKERS];
    unsigned ids[WORKERS];
    DWORD code, sum = 0;
    uintptr_t h;
    int i, ok = 1;

    InitializeCriticalSection(&csQueue);
    for (i = 0; i < WORKERS; i++) {
        workers[i] = (HANDLE)_beginthreadex(NULL, 0, Worker, NULL, 0, &ids[i]);
        if (!workers[i]) {
            printf("_beginthreadex failed\n");
            return 1;
        }
    }
    printf("workers started: %d, ids non-zero: %s\n", WORKERS,
           ids[0] && ids[1] && ids[2] && ids[3] ? "yes" : "no");
    printf("wait for all: %s\n",
           WaitForMultipleObjects(WORKERS, workers, TRUE, INFINITE) == WAIT_OBJECT_0 ? "ok"
                                                                                     : "failed");
    for (i = 0; i < WORKERS; i++) {
        GetExitCodeThread(workers[i], &code);
        sum += code;
        CloseHandle(workers[i]);
    }
    printf("jobs done by the workers (sum of exit codes): %lu\n", (unsigned long)sum);
    for (i = 0; i < JOBS; i++)
        if (results[i] != i * i)
            ok = 0;
    printf("every result right: %s, total %ld\n", ok ? "yes" : "no", (long)total);
    DeleteCriticalSection(&csQueue);

    h = _beginthreadex(NULL, 0, EndsEarly, (void *)(UINT_PTR)1234, 0, NULL);
    WaitForSingleObject((HANDLE)h, INFINITE);
    GetExitCodeThread((HANDLE)h, &code);
    printf("_endthreadex(1234): exit code %lu\n", (unsigned long)code);
    CloseHandle((HANDLE)h);

    h = _beginthreadex(NULL, 0, EndsEarly, (void *)(UINT_PTR)7, CREATE_SUSPENDED, NULL);
    printf("suspended: still running after 50 ms: %s\n",
           WaitForSingleObject((HANDLE)h, 50) == WAIT_TIMEOUT ? "yes" : "no");
    printf("ResumeThread: %lu\n", (unsigned long)ResumeThread((HANDLE)h));
    WaitForSingleObject((HANDLE)h, INFINITE);
    GetExitCodeThread((HANDLE)h, &code);
    printf("then exit code %lu\n", (unsigned long)code);
    CloseHandle((HANDLE)h);

    hDone = CreateEvent(NULL, FALSE, FALSE, NULL);
    h = _beginthread(Plain, 0, (void *)(INT_PTR)5);
    printf("_beginthread: %s\n", h != (uintptr_t)-1 ? "started" : "failed");
    WaitForSingleObject(hDone, INFINITE);
    printf("it ran with its argument: %ld\n", (long)plainRan);
    CloseHandle(hDone);
    return 0;
}
