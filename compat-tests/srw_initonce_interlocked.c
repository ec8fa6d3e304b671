/*
 * The lock-free and slim primitives: Interlocked operations from many
 * threads, an SRW lock taken exclusive and shared, one-time initialization
 * with InitOnceExecuteOnce, and WaitOnAddress.
 */
#include <windows.h>
#include <stdio.h>

#define THREADS 8
#define LOOPS 10000

static volatile LONG gCounter;
static volatile LONG64 gCounter64;
static SRWLOCK gLock = SRWLOCK_INIT;
static LONG gProtected;
static INIT_ONCE gInitOnce = INIT_ONCE_STATIC_INIT;
static volatile LONG gInitCalls;
static volatile LONG gAddressValue;

static BOOL CALLBACK InitHandleFunction(PINIT_ONCE InitOnce, PVOID Parameter, PVOID *lpContext)
{
    InterlockedIncrement(&gInitCalls);
    Sleep(20);
    *lpContext = (PVOID)(ULONG_PTR)0x1230;  /* low bits stay free for the flags */
    return TRUE;
}

static DWORD WINAPI Worker(LPVOID lpParam)
{
    PVOID context = NULL;
    int i;

    if (!InitOnceExecuteOnce(&gInitOnce, InitHandleFunction, NULL, &context) ||
        context != (PVOID)(ULONG_PTR)0x1230)
        return 1;
    for (i = 0; i < LOOPS; i++) {
        InterlockedIncrement(&gCounter);
        InterlockedExchangeAdd64(&gCounter64, 2);
        AcquireSRWLockExclusive(&gLock);
        gProtected = gProtected + 1;
        ReleaseSRWLockExclusive(&gLock);
    }
    return 0;
}

static DWORD WINAPI AddressWaiter(LPVOID lpParam)
{
    LONG undesired = 0;
    while (gAddressValue == undesired)
        WaitOnAddress(&gAddressValue, &undesired, sizeof(LONG), INFINITE);
    return (DWORD)gAddressValue;
}

int main(void)
{
    HANDLE hThreads[THREADS], hThread;
    LONG v, old;
    DWORD code, errors = 0;
    int i;

    for (i = 0; i < THREADS; i++)
        hThreads[i] = CreateThread(NULL, 0, Worker, NULL, 0, NULL);
    WaitForMultipleObjects(THREADS, hThreads, TRUE, INFINITE);
    for (i = 0; i < THREADS; i++) {
        GetExitCodeThread(hThreads[i], &code);
        errors += code;
        CloseHandle(hThreads[i]);
    }
    printf("%d threads: init function ran %d time(s), context errors %u\n", THREADS,
           (int)gInitCalls, (unsigned)errors);
    printf("InterlockedIncrement total %d, InterlockedExchangeAdd64 total %d, SRW-protected total %d\n",
           (int)gCounter, (int)gCounter64, (int)gProtected);

    /* Return values. */
    v = 5;
    printf("InterlockedIncrement(5) = %d\n", (int)InterlockedIncrement(&v));
    printf("InterlockedDecrement(6) = %d\n", (int)InterlockedDecrement(&v));
    old = InterlockedExchange(&v, 42);
    printf("InterlockedExchange(5 -> 42) returned %d\n", (int)old);
    old = InterlockedCompareExchange(&v, 7, 41);
    printf("InterlockedCompareExchange(42, 7, comparand 41) returned %d, value %d\n", (int)old,
           (int)v);
    old = InterlockedCompareExchange(&v, 7, 42);
    printf("InterlockedCompareExchange(42, 7, comparand 42) returned %d, value %d\n", (int)old,
           (int)v);
    old = InterlockedExchangeAdd(&v, 10);
    printf("InterlockedExchangeAdd(7, 10) returned %d, value %d\n", (int)old, (int)v);

    /* SRW: shared holders coexist; exclusive excludes. */
    AcquireSRWLockShared(&gLock);
    printf("TryAcquireSRWLockShared while shared: %s\n",
           TryAcquireSRWLockShared(&gLock) ? "TRUE" : "FALSE");
    ReleaseSRWLockShared(&gLock);
    printf("TryAcquireSRWLockExclusive while shared: %s\n",
           TryAcquireSRWLockExclusive(&gLock) ? "TRUE" : "FALSE");
    ReleaseSRWLockShared(&gLock);
    printf("TryAcquireSRWLockExclusive when free: %s\n",
           TryAcquireSRWLockExclusive(&gLock) ? "TRUE" : "FALSE");
    ReleaseSRWLockExclusive(&gLock);

    /* WaitOnAddress: a waiter sleeps until the value changes. */
    hThread = CreateThread(NULL, 0, AddressWaiter, NULL, 0, NULL);
    Sleep(20);
    InterlockedExchange(&gAddressValue, 9);
    WakeByAddressSingle((PVOID)&gAddressValue);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    printf("WaitOnAddress waiter saw the new value: %u\n", (unsigned)code);
    CloseHandle(hThread);
    v = 1;
    old = 1;
    SetLastError(0xdeadbeef);
    printf("WaitOnAddress(value equal, 20 ms): %s",
           WaitOnAddress(&v, &old, sizeof(LONG), 20) ? "TRUE" : "FALSE");
    printf(", last error %u\n", (unsigned)GetLastError());
    old = 2;
    printf("WaitOnAddress(value differs): %s\n",
           WaitOnAddress(&v, &old, sizeof(LONG), 20) ? "TRUE" : "FALSE");
    return 0;
}
