/*
 * Using semaphore objects: a semaphore with a maximum count of 3 limits how
 * many threads hold a "slot" at once; ReleaseSemaphore reports the previous
 * count and refuses to go past the maximum; parameter errors.
 */
#include <windows.h>
#include <stdio.h>

#define MAX_SEM_COUNT 3
#define THREADCOUNT 8
#define ROUNDS 200

static HANDLE ghSemaphore;
static volatile LONG gInside, gMaxInside;
static HANDLE ghCounterLock;   /* a mutex guarding the two counters */

static const char *LastError(void)
{
    static char buf[16];
    DWORD err = GetLastError();
    if (err == 0xdeadbeef)
        return "unchanged";
    sprintf(buf, "%u", (unsigned)err);
    return buf;
}

static DWORD WINAPI ThreadProc(LPVOID lpParam)
{
    int i;
    for (i = 0; i < ROUNDS; i++) {
        if (WaitForSingleObject(ghSemaphore, INFINITE) != WAIT_OBJECT_0)
            return 1;
        WaitForSingleObject(ghCounterLock, INFINITE);
        gInside++;
        if (gInside > gMaxInside)
            gMaxInside = gInside;
        ReleaseMutex(ghCounterLock);
        Sleep(0);
        WaitForSingleObject(ghCounterLock, INFINITE);
        gInside--;
        ReleaseMutex(ghCounterLock);
        if (!ReleaseSemaphore(ghSemaphore, 1, NULL))
            return 2;
    }
    return 0;
}

int main(void)
{
    HANDLE aThread[THREADCOUNT], hSem, hOpen, h;
    LONG previous;
    DWORD code;
    BOOL ok;
    int i, errors = 0;

    ghSemaphore = CreateSemaphore(NULL, MAX_SEM_COUNT, MAX_SEM_COUNT, NULL);
    ghCounterLock = CreateMutex(NULL, FALSE, NULL);
    for (i = 0; i < THREADCOUNT; i++)
        aThread[i] = CreateThread(NULL, 0, ThreadProc, NULL, 0, NULL);
    WaitForMultipleObjects(THREADCOUNT, aThread, TRUE, INFINITE);
    for (i = 0; i < THREADCOUNT; i++) {
        GetExitCodeThread(aThread[i], &code);
        errors += code != 0;
        CloseHandle(aThread[i]);
    }
    printf("%d threads x %d rounds: thread errors %d, never more than %d inside: %s\n",
           THREADCOUNT, ROUNDS, errors, MAX_SEM_COUNT, gMaxInside <= MAX_SEM_COUNT ? "yes" : "no");

    /* Counting. */
    hSem = CreateSemaphore(NULL, 0, 2, TEXT("CompatTestSemaphore"));
    printf("count 0: wait %s\n",
           WaitForSingleObject(hSem, 0) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    ok = ReleaseSemaphore(hSem, 2, &previous);
    printf("ReleaseSemaphore(2): %s, previous count %d\n", ok ? "TRUE" : "FALSE", (int)previous);
    SetLastError(0xdeadbeef);
    ok = ReleaseSemaphore(hSem, 1, &previous);
    printf("ReleaseSemaphore(1) at the maximum: %s, last error %s\n", ok ? "TRUE" : "FALSE",
           LastError());
    printf("first wait: %s\n",
           WaitForSingleObject(hSem, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "WAIT_TIMEOUT");
    printf("second wait: %s\n",
           WaitForSingleObject(hSem, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "WAIT_TIMEOUT");
    printf("third wait: %s\n",
           WaitForSingleObject(hSem, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "WAIT_TIMEOUT");
    /* "The value must be greater than zero." */
    SetLastError(0xdeadbeef);
    ok = ReleaseSemaphore(hSem, 0, &previous);
    printf("ReleaseSemaphore(0): %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());

    /* By name, with limited rights. */
    hOpen = OpenSemaphore(SYNCHRONIZE, FALSE, TEXT("CompatTestSemaphore"));
    SetLastError(0xdeadbeef);
    ok = ReleaseSemaphore(hOpen, 1, NULL);
    printf("ReleaseSemaphore through a SYNCHRONIZE-only handle: %s, last error %s\n",
           ok ? "TRUE" : "FALSE", LastError());
    CloseHandle(hOpen);
    hOpen = OpenSemaphore(SEMAPHORE_MODIFY_STATE, FALSE, TEXT("CompatTestSemaphore"));
    ok = ReleaseSemaphore(hOpen, 1, &previous);
    printf("ReleaseSemaphore through a SEMAPHORE_MODIFY_STATE handle: %s, previous count %d\n",
           ok ? "TRUE" : "FALSE", (int)previous);
    CloseHandle(hOpen);

    /* Parameter errors. */
    SetLastError(0xdeadbeef);
    h = CreateSemaphore(NULL, 3, 2, NULL);
    printf("CreateSemaphore(initial 3 > maximum 2): %s, last error %s\n", h ? "handle" : "NULL",
           LastError());
    SetLastError(0xdeadbeef);
    h = CreateSemaphore(NULL, -1, 2, NULL);
    printf("CreateSemaphore(initial -1): %s, last error %s\n", h ? "handle" : "NULL",
           LastError());
    SetLastError(0xdeadbeef);
    h = CreateSemaphore(NULL, 0, 0, NULL);
    printf("CreateSemaphore(maximum 0): %s, last error %s\n", h ? "handle" : "NULL",
           LastError());

    CloseHandle(hSem);
    CloseHandle(ghSemaphore);
    CloseHandle(ghCounterLock);
    return 0;
}
