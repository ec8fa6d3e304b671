/*
 * Using mutex objects: threads take turns writing to a shared "database"
 * under a mutex; ownership is recursive; only the owner may release it;
 * a thread that ends while owning it leaves it abandoned; a named mutex
 * and a name already used by an event.
 */
#include <windows.h>
#include <stdio.h>

#define THREADCOUNT 4
#define WRITES 1000

static HANDLE ghMutex;
static int gDatabase[THREADCOUNT];
static int gWrites;

static const char *LastError(void)
{
    static char buf[16];
    DWORD err = GetLastError();
    if (err == 0xdeadbeef)
        return "unchanged";
    sprintf(buf, "%u", (unsigned)err);
    return buf;
}

static DWORD WINAPI WriteToDatabase(LPVOID lpParam)
{
    int id = (int)(INT_PTR)lpParam, i, count = 0;

    for (i = 0; i < WRITES; i++) {
        DWORD dwWaitResult = WaitForSingleObject(ghMutex, INFINITE);
        switch (dwWaitResult) {
        case WAIT_OBJECT_0:
            /* Not atomic on purpose: the mutex is what protects it. */
            gWrites = gWrites + 1;
            gDatabase[id]++;
            count++;
            if (!ReleaseMutex(ghMutex))
                return 0xFFFF;
            break;
        case WAIT_ABANDONED:
            return 0xFFFE;
        }
    }
    return (DWORD)count;
}

static DWORD WINAPI TakesAndExits(LPVOID lpParam)
{
    WaitForSingleObject((HANDLE)lpParam, INFINITE);
    return 0; /* ends still owning the mutex */
}

static DWORD WINAPI TriesToRelease(LPVOID lpParam)
{
    SetLastError(0xdeadbeef);
    if (ReleaseMutex((HANDLE)lpParam))
        return 0;
    return GetLastError();
}

int main(void)
{
    HANDLE aThread[THREADCOUNT], hThread, hNamed, hNamed2, hEvent, hClash;
    DWORD code, r;
    BOOL ok;
    int i, total = 0;

    ghMutex = CreateMutex(NULL, FALSE, NULL);
    for (i = 0; i < THREADCOUNT; i++)
        aThread[i] = CreateThread(NULL, 0, WriteToDatabase, (LPVOID)(INT_PTR)i, 0, NULL);
    WaitForMultipleObjects(THREADCOUNT, aThread, TRUE, INFINITE);
    for (i = 0; i < THREADCOUNT; i++) {
        GetExitCodeThread(aThread[i], &code);
        printf("thread %d wrote %u records\n", i, (unsigned)code);
        total += gDatabase[i];
        CloseHandle(aThread[i]);
    }
    printf("total writes %d, unprotected counter %d\n", total, gWrites);

    /* Recursive ownership: one release per wait. */
    WaitForSingleObject(ghMutex, INFINITE);
    WaitForSingleObject(ghMutex, INFINITE);
    hThread = CreateThread(NULL, 0, TriesToRelease, ghMutex, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    CloseHandle(hThread);
    printf("ReleaseMutex by a thread that does not own it: last error %u\n", (unsigned)code);
    printf("first ReleaseMutex: %s\n", ReleaseMutex(ghMutex) ? "TRUE" : "FALSE");
    printf("second ReleaseMutex: %s\n", ReleaseMutex(ghMutex) ? "TRUE" : "FALSE");
    SetLastError(0xdeadbeef);
    ok = ReleaseMutex(ghMutex);
    printf("third ReleaseMutex: %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());

    /* Abandonment. */
    hThread = CreateThread(NULL, 0, TakesAndExits, ghMutex, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);
    r = WaitForSingleObject(ghMutex, INFINITE);
    printf("wait on a mutex whose owner ended: %s\n",
           r == WAIT_ABANDONED ? "WAIT_ABANDONED" : r == WAIT_OBJECT_0 ? "WAIT_OBJECT_0"
                                                                     : "other");
    printf("  we own it now, ReleaseMutex: %s\n", ReleaseMutex(ghMutex) ? "TRUE" : "FALSE");
    r = WaitForSingleObject(ghMutex, 0);
    printf("  next wait: %s\n", r == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    ReleaseMutex(ghMutex);

    /* Initially owned; the owner's wait on it does not block. */
    hNamed = CreateMutex(NULL, TRUE, TEXT("CompatTestMutex"));
    printf("CreateMutex(initially owned, named): last error %u\n", (unsigned)GetLastError());
    hNamed2 = CreateMutex(NULL, TRUE, TEXT("CompatTestMutex"));
    printf("CreateMutex(same name): last error %u\n", (unsigned)GetLastError());
    hThread = CreateThread(NULL, 0, TriesToRelease, hNamed2, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    CloseHandle(hThread);
    printf("  another thread cannot release it: last error %u\n", (unsigned)code);
    printf("  the owner releases it: %s\n", ReleaseMutex(hNamed) ? "TRUE" : "FALSE");
    /* bInitialOwner of the second CreateMutex was ignored: nothing left. */
    SetLastError(0xdeadbeef);
    ok = ReleaseMutex(hNamed);
    printf("  a second release: %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());
    hEvent = OpenMutex(SYNCHRONIZE, FALSE, TEXT("CompatTestMutex"));
    printf("OpenMutex(SYNCHRONIZE): %s\n", hEvent ? "handle" : "NULL");
    printf("  wait through it: %s\n",
           WaitForSingleObject(hEvent, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    ReleaseMutex(hEvent);
    CloseHandle(hEvent);

    /* Object names are shared by all kinds of object. */
    hEvent = CreateEvent(NULL, TRUE, FALSE, TEXT("CompatTestNameClash"));
    SetLastError(0xdeadbeef);
    hClash = CreateMutex(NULL, FALSE, TEXT("CompatTestNameClash"));
    printf("CreateMutex with an event's name: %s, last error %s\n", hClash ? "handle" : "NULL",
           LastError());
    SetLastError(0xdeadbeef);
    hClash = OpenMutex(SYNCHRONIZE, FALSE, TEXT("CompatTestNameClash"));
    printf("OpenMutex with an event's name: %s, last error %s\n", hClash ? "handle" : "NULL",
           LastError());
    SetLastError(0xdeadbeef);
    ok = ReleaseMutex(hEvent);
    printf("ReleaseMutex(an event): %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());

    CloseHandle(hEvent);
    CloseHandle(hNamed);
    CloseHandle(hNamed2);
    CloseHandle(ghMutex);
    return 0;
}
