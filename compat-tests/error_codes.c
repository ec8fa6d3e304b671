/*
 * GetLastError as Windows programs rely on it: the code each failure sets,
 * success leaving the value alone, and one last-error value per thread.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static DWORD dwSeenByThread;

static const char *LastError(void)
{
    static char buf[16];
    DWORD err = GetLastError();
    if (err == 0xdeadbeef)
        return "unchanged";
    sprintf(buf, "%u", (unsigned)err);
    return buf;
}

static const char *WaitName(DWORD r)
{
    static char buf[16];
    switch (r) {
    case WAIT_OBJECT_0: return "WAIT_OBJECT_0";
    case WAIT_TIMEOUT: return "WAIT_TIMEOUT";
    case WAIT_FAILED: return "WAIT_FAILED";
    }
    sprintf(buf, "0x%x", (unsigned)r);
    return buf;
}

static DWORD WINAPI OtherThread(LPVOID lpParam)
{
    dwSeenByThread = GetLastError();
    SetLastError(5678);
    return 0;
}

static void CheckBool(const char *what, BOOL ok)
{
    printf("%s: %s, last error %s\n", what, ok ? "TRUE" : "FALSE", LastError());
}

static void CheckWait(const char *what, DWORD r)
{
    printf("%s: %s, last error %s\n", what, WaitName(r), LastError());
}

static void CheckHandle(const char *what, HANDLE h)
{
    printf("%s: %s, last error %s\n", what, h ? "handle" : "NULL", LastError());
}

int main(void)
{
    HANDLE hEvent, hClosed, hThread, pair[2], many[MAXIMUM_WAIT_OBJECTS + 1];
    char longName[MAX_PATH + 2];
    int i;

    hEvent = CreateEvent(NULL, TRUE, TRUE, NULL);
    hClosed = CreateEvent(NULL, TRUE, TRUE, NULL);
    CloseHandle(hClosed);

    /* Invalid handles. */
    SetLastError(0xdeadbeef);
    CheckBool("CloseHandle(NULL)", CloseHandle(NULL));
    SetLastError(0xdeadbeef);
    CheckBool("CloseHandle(closed handle)", CloseHandle(hClosed));
    SetLastError(0xdeadbeef);
    CheckBool("SetEvent(NULL)", SetEvent(NULL));
    SetLastError(0xdeadbeef);
    CheckWait("WaitForSingleObject(NULL)", WaitForSingleObject(NULL, 0));
    SetLastError(0xdeadbeef);
    CheckWait("WaitForSingleObject(closed handle)", WaitForSingleObject(hClosed, 0));
    /* (Checked before any other handle is made: Windows soon reuses the
     * value of a closed handle.) */
    pair[0] = hEvent;
    pair[1] = hClosed;
    SetLastError(0xdeadbeef);
    CheckWait("WaitForMultipleObjects({event, closed handle}, wait-any)",
              WaitForMultipleObjects(2, pair, FALSE, 0));

    /* A handle of the wrong type. */
    hThread = CreateThread(NULL, 0, OtherThread, NULL, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    SetLastError(0xdeadbeef);
    CheckBool("SetEvent(a thread handle)", SetEvent(hThread));
    SetLastError(0xdeadbeef);
    CheckBool("SetEvent(GetCurrentProcess())", SetEvent(GetCurrentProcess()));

    /* Bad parameters. */
    SetLastError(0xdeadbeef);
    CheckWait("WaitForMultipleObjects(0 handles)", WaitForMultipleObjects(0, &hEvent, FALSE, 0));
    for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        many[i] = hEvent;
    SetLastError(0xdeadbeef);
    CheckWait("WaitForMultipleObjects(65 handles)",
              WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0));
    /* Wait-all may not name the same object twice; wait-any may. */
    pair[1] = hEvent;
    SetLastError(0xdeadbeef);
    CheckWait("WaitForMultipleObjects({event, same event}, wait-any)",
              WaitForMultipleObjects(2, pair, FALSE, 0));
    SetLastError(0xdeadbeef);
    CheckWait("WaitForMultipleObjects({event, same event}, wait-all)",
              WaitForMultipleObjects(2, pair, TRUE, 0));

    /* Names. */
    SetLastError(0xdeadbeef);
    CheckHandle("OpenEvent(name that does not exist)",
                OpenEvent(SYNCHRONIZE, FALSE, TEXT("CompatNoSuchEvent")));
    memset(longName, 'x', MAX_PATH + 1);
    longName[MAX_PATH + 1] = '\0';
    SetLastError(0xdeadbeef);
    CheckHandle("CreateEventA(name of MAX_PATH+1 characters)",
                CreateEventA(NULL, TRUE, FALSE, longName));

    /* Success leaves the last error alone. */
    SetLastError(1234);
    SetEvent(hEvent);
    ResetEvent(hEvent);
    WaitForSingleObject(hEvent, 0);
    printf("after SetEvent, ResetEvent and a timed-out wait: last error %s\n", LastError());

    /* Each thread has its own last error. */
    SetLastError(1234);
    CloseHandle(hThread);
    hThread = CreateThread(NULL, 0, OtherThread, NULL, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    printf("a new thread starts with last error %u; ours is still %s\n",
           (unsigned)dwSeenByThread, LastError());
    CloseHandle(hThread);
    CloseHandle(hEvent);
    return 0;
}
