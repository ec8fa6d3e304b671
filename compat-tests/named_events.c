/*
 * Named event objects: create-or-open by name, ERROR_ALREADY_EXISTS, the
 * Local\ prefix, OpenEvent with limited access rights, case-sensitive
 * names, and the name disappearing with the last handle.
 */
#include <windows.h>
#include <stdio.h>

#define EVENT_NAME TEXT("CompatTestShutdownEvent")

/* The last error, or "unchanged" when a call left the 0xdeadbeef we set. */
static const char *LastError(void)
{
    static char buf[16];
    DWORD err = GetLastError();
    if (err == 0xdeadbeef)
        return "unchanged";
    sprintf(buf, "%u", (unsigned)err);
    return buf;
}

static void Report(const char *what, HANDLE h)
{
    printf("%s: %s, last error %s\n", what, h ? "handle" : "NULL", LastError());
}

static const char *Signalled(HANDLE h)
{
    return WaitForSingleObject(h, 0) == WAIT_OBJECT_0 ? "signalled" : "not signalled";
}

int main(void)
{
    HANDLE hCreated, hAgain, hOpened, hLocal, hSync, hModify, hMissing;
    BOOL ok;
    DWORD r;

    SetLastError(0xdeadbeef);
    hCreated = CreateEvent(NULL, TRUE, FALSE, EVENT_NAME);
    Report("CreateEvent (new name)", hCreated);

    /* A second create with the same name opens the same object; its
     * bManualReset and bInitialState arguments are ignored. */
    SetLastError(0xdeadbeef);
    hAgain = CreateEvent(NULL, FALSE, TRUE, EVENT_NAME);
    Report("CreateEvent (same name again)", hAgain);
    printf("  same handle value: %s\n", hAgain == hCreated ? "yes" : "no");
    printf("  initial state argument ignored: %s\n", Signalled(hCreated));
    SetEvent(hAgain);
    printf("  set through the second handle, first handle sees: %s\n", Signalled(hCreated));
    printf("  still manual-reset (a second wait): %s\n", Signalled(hCreated));
    ResetEvent(hCreated);

    SetLastError(0xdeadbeef);
    hOpened = OpenEvent(EVENT_ALL_ACCESS, FALSE, EVENT_NAME);
    Report("OpenEvent (EVENT_ALL_ACCESS)", hOpened);
    SetEvent(hOpened);
    printf("  set through the opened handle, first handle sees: %s\n", Signalled(hCreated));
    ResetEvent(hCreated);

    /* A name without a prefix lives in the session namespace, Local\. */
    SetLastError(0xdeadbeef);
    hLocal = OpenEvent(SYNCHRONIZE, FALSE, TEXT("Local\\CompatTestShutdownEvent"));
    Report("OpenEvent (Local\\ prefix)", hLocal);

    /* Names are case-sensitive. */
    SetLastError(0xdeadbeef);
    hMissing = OpenEvent(SYNCHRONIZE, FALSE, TEXT("compattestshutdownevent"));
    Report("OpenEvent (other case)", hMissing);

    /* Rights are checked by each function. */
    hSync = OpenEvent(SYNCHRONIZE, FALSE, EVENT_NAME);
    SetLastError(0xdeadbeef);
    ok = SetEvent(hSync);
    printf("SetEvent on a SYNCHRONIZE-only handle: %s, last error %s\n",
           ok ? "TRUE" : "FALSE", LastError());
    printf("  waiting on it works: %s\n",
           WaitForSingleObject(hSync, 0) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    hModify = OpenEvent(EVENT_MODIFY_STATE, FALSE, EVENT_NAME);
    SetLastError(0xdeadbeef);
    r = WaitForSingleObject(hModify, 0);
    printf("WaitForSingleObject on an EVENT_MODIFY_STATE-only handle: %s, last error %s\n",
           r == WAIT_FAILED ? "WAIT_FAILED" : "other", LastError());
    SetLastError(0xdeadbeef);
    ok = SetEvent(hModify);
    printf("  SetEvent on it: %s, last error %s\n", ok ? "TRUE" : "FALSE",
           LastError());

    /* An unknown namespace prefix is a path that does not exist. */
    SetLastError(0xdeadbeef);
    hMissing = OpenEvent(SYNCHRONIZE, FALSE, TEXT("NoSuchNamespace\\Event"));
    Report("OpenEvent (unknown prefix)", hMissing);
    SetLastError(0xdeadbeef);
    hMissing = OpenEvent(SYNCHRONIZE, FALSE, NULL);
    Report("OpenEvent (NULL name)", hMissing);

    /* The name lives as long as any handle to the object. */
    CloseHandle(hCreated);
    CloseHandle(hAgain);
    CloseHandle(hOpened);
    CloseHandle(hLocal);
    CloseHandle(hSync);
    SetLastError(0xdeadbeef);
    hMissing = OpenEvent(SYNCHRONIZE, FALSE, EVENT_NAME);
    Report("OpenEvent with one handle left", hMissing);
    CloseHandle(hMissing);
    CloseHandle(hModify);
    SetLastError(0xdeadbeef);
    hMissing = OpenEvent(SYNCHRONIZE, FALSE, EVENT_NAME);
    Report("OpenEvent after the last handle was closed", hMissing);

    /* The name can now be created afresh. */
    SetLastError(0xdeadbeef);
    hCreated = CreateEvent(NULL, TRUE, TRUE, EVENT_NAME);
    Report("CreateEvent (name reused)", hCreated);
    printf("  new object's initial state: %s\n", Signalled(hCreated));
    CloseHandle(hCreated);
    return 0;
}
