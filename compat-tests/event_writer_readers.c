/*
 * Using event objects: one writer fills a shared buffer, then sets a
 * manual-reset event; every reader thread waits on that event and reads
 * the buffer.  The main thread waits for all readers with
 * WaitForMultipleObjects and checks what each one read and its exit code.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADCOUNT 4

static HANDLE ghWriteEvent;
static HANDLE ghThreads[THREADCOUNT];
static char gBuffer[64];
static char gRead[THREADCOUNT][64];

static DWORD WINAPI ThreadProc(LPVOID lpParam)
{
    int index = (int)(INT_PTR)lpParam;
    DWORD dwWaitResult;

    dwWaitResult = WaitForSingleObject(ghWriteEvent, INFINITE);
    switch (dwWaitResult) {
    case WAIT_OBJECT_0:
        /* The event is manual-reset: it stays signalled, so every reader
         * gets here. */
        strcpy(gRead[index], gBuffer);
        return 100 + index;
    default:
        printf("reader %d: wait error (%u)\n", index, (unsigned)GetLastError());
        return 0;
    }
}

static void CreateEventsAndThreads(void)
{
    int i;

    ghWriteEvent = CreateEvent(NULL,               /* default security */
                               TRUE,               /* manual-reset */
                               FALSE,              /* initially non-signalled */
                               TEXT("WriteEvent")); /* object name */
    if (ghWriteEvent == NULL) {
        printf("CreateEvent failed (%u)\n", (unsigned)GetLastError());
        exit(1);
    }
    for (i = 0; i < THREADCOUNT; i++) {
        ghThreads[i] = CreateThread(NULL, 0, ThreadProc, (LPVOID)(INT_PTR)i, 0, NULL);
        if (ghThreads[i] == NULL) {
            printf("CreateThread failed (%u)\n", (unsigned)GetLastError());
            exit(1);
        }
    }
}

static void WriteToBuffer(void)
{
    printf("Main thread writing to the shared buffer...\n");
    strcpy(gBuffer, "data written before SetEvent");
    if (!SetEvent(ghWriteEvent)) {
        printf("SetEvent failed (%u)\n", (unsigned)GetLastError());
        exit(1);
    }
}

int main(void)
{
    DWORD dwWaitResult, code;
    int i, failures = 0;

    CreateEventsAndThreads();
    printf("%d reader threads started\n", THREADCOUNT);

    /* No reader can finish before the event is set. */
    dwWaitResult = WaitForMultipleObjects(THREADCOUNT, ghThreads, FALSE, 0);
    printf("readers finished before SetEvent: %s\n",
           dwWaitResult == WAIT_TIMEOUT ? "none" : "SOME");
    if (dwWaitResult != WAIT_TIMEOUT)
        failures++;

    WriteToBuffer();

    printf("Main thread waiting for threads to exit...\n");
    dwWaitResult = WaitForMultipleObjects(THREADCOUNT, ghThreads, TRUE, INFINITE);
    switch (dwWaitResult) {
    case WAIT_OBJECT_0:
        printf("All threads ended\n");
        break;
    default:
        printf("WaitForMultipleObjects failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }

    for (i = 0; i < THREADCOUNT; i++) {
        GetExitCodeThread(ghThreads[i], &code);
        printf("reader %d read \"%s\", exit code %u\n", i, gRead[i], (unsigned)code);
        if (strcmp(gRead[i], gBuffer) != 0 || code != (DWORD)(100 + i))
            failures++;
        CloseHandle(ghThreads[i]);
    }

    /* Still signalled: a manual-reset event stays set until reset. */
    printf("event still signalled: %s\n",
           WaitForSingleObject(ghWriteEvent, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    ResetEvent(ghWriteEvent);
    printf("after ResetEvent: %s\n",
           WaitForSingleObject(ghWriteEvent, 0) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "signalled");
    CloseHandle(ghWriteEvent);
    return failures ? 1 : 0;
}
