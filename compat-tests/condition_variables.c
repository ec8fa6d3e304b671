/*
 * Using condition variables: a bounded buffer shared by one producer and
 * several consumers, protected by a critical section with two condition
 * variables (buffer not empty, buffer not full).
 */
#include <windows.h>
#include <stdio.h>

#define BUFFER_SIZE 10
#define PRODUCE_COUNT 5000
#define CONSUMERS 3

static LONG Buffer[BUFFER_SIZE];
static LONG QueueSize, QueueStart;
static BOOL StopRequested;
static CRITICAL_SECTION BufferLock;
static CONDITION_VARIABLE BufferNotEmpty, BufferNotFull;
static LONGLONG TotalConsumed[CONSUMERS];
static LONG ItemsConsumed[CONSUMERS];

static DWORD WINAPI ProducerThreadProc(PVOID p)
{
    LONG item;
    for (item = 1; item <= PRODUCE_COUNT; item++) {
        EnterCriticalSection(&BufferLock);
        while (QueueSize == BUFFER_SIZE)
            SleepConditionVariableCS(&BufferNotFull, &BufferLock, INFINITE);
        Buffer[(QueueStart + QueueSize) % BUFFER_SIZE] = item;
        QueueSize++;
        LeaveCriticalSection(&BufferLock);
        WakeConditionVariable(&BufferNotEmpty);
    }
    EnterCriticalSection(&BufferLock);
    StopRequested = TRUE;
    LeaveCriticalSection(&BufferLock);
    WakeAllConditionVariable(&BufferNotEmpty);
    return 0;
}

static DWORD WINAPI ConsumerThreadProc(PVOID p)
{
    int id = (int)(INT_PTR)p;
    for (;;) {
        LONG item;
        EnterCriticalSection(&BufferLock);
        while (QueueSize == 0 && !StopRequested)
            SleepConditionVariableCS(&BufferNotEmpty, &BufferLock, INFINITE);
        if (QueueSize == 0 && StopRequested) {
            LeaveCriticalSection(&BufferLock);
            break;
        }
        item = Buffer[QueueStart];
        QueueSize--;
        QueueStart = (QueueStart + 1) % BUFFER_SIZE;
        LeaveCriticalSection(&BufferLock);
        WakeConditionVariable(&BufferNotFull);
        TotalConsumed[id] += item;
        ItemsConsumed[id]++;
    }
    return 0;
}

int main(void)
{
    HANDLE hThreads[CONSUMERS + 1];
    LONGLONG sum = 0;
    LONG items = 0;
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    BOOL ok;
    DWORD start;
    int i;

    InitializeConditionVariable(&BufferNotEmpty);
    InitializeConditionVariable(&BufferNotFull);
    InitializeCriticalSection(&BufferLock);

    hThreads[0] = CreateThread(NULL, 0, ProducerThreadProc, NULL, 0, NULL);
    for (i = 0; i < CONSUMERS; i++)
        hThreads[i + 1] = CreateThread(NULL, 0, ConsumerThreadProc, (PVOID)(INT_PTR)i, 0, NULL);
    WaitForMultipleObjects(CONSUMERS + 1, hThreads, TRUE, INFINITE);
    for (i = 0; i < CONSUMERS; i++) {
        sum += TotalConsumed[i];
        items += ItemsConsumed[i];
        CloseHandle(hThreads[i + 1]);
    }
    CloseHandle(hThreads[0]);
    printf("produced %d items, consumed %d, sum %u (expected %u)\n", PRODUCE_COUNT, (int)items,
           (unsigned)sum, (unsigned)((LONGLONG)PRODUCE_COUNT * (PRODUCE_COUNT + 1) / 2));

    /* A timed sleep nobody wakes. */
    EnterCriticalSection(&BufferLock);
    start = GetTickCount();
    SetLastError(0xdeadbeef);
    ok = SleepConditionVariableCS(&cv, &BufferLock, 50);
    printf("SleepConditionVariableCS, 50 ms, not woken: %s, last error %u\n",
           ok ? "TRUE" : "FALSE", (unsigned)GetLastError());
    printf("  lasted about 50 ms or more: %s\n", GetTickCount() - start + 32 >= 50 ? "yes" : "no");
    /* The critical section is held again on return: recursion count 1. */
    printf("  critical section held again: TryEnter from this thread %s\n",
           TryEnterCriticalSection(&BufferLock) ? "TRUE" : "FALSE");
    LeaveCriticalSection(&BufferLock);
    LeaveCriticalSection(&BufferLock);
    WakeAllConditionVariable(&cv); /* with nobody waiting: nothing */
    printf("WakeAllConditionVariable with no waiter returns\n");

    DeleteCriticalSection(&BufferLock);
    return 0;
}
