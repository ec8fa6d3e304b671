/*
 * DuplicateHandle within one process: duplicates name the same object,
 * keep it alive, can carry fewer rights; handle flags (inherit, protect
 * from close); DUPLICATE_CLOSE_SOURCE; real handles from pseudo-handles.
 */
#include <windows.h>
#include <stdio.h>

static const char *LastError(void)
{
    static char buf[16];
    DWORD err = GetLastError();
    if (err == 0xdeadbeef)
        return "unchanged";
    sprintf(buf, "%u", (unsigned)err);
    return buf;
}

static const char *Bool(BOOL b)
{
    return b ? "TRUE" : "FALSE";
}

int main(void)
{
    HANDLE hEvent, hDup, hSync, hModify, hInherit, hSource, hTarget, hThread, hProcess;
    DWORD dwFlags, r;
    BOOL ok;

    hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);

    ok = DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &hDup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS);
    printf("DUPLICATE_SAME_ACCESS: %s, a different handle value: %s\n", Bool(ok),
           hDup != hEvent ? "yes" : "no");
    SetEvent(hDup);
    printf("  set through the duplicate, the original sees: %s\n",
           WaitForSingleObject(hEvent, 0) == WAIT_OBJECT_0 ? "signalled" : "not signalled");
    CloseHandle(hEvent);
    ResetEvent(hDup);
    printf("  the duplicate keeps the object alive after the original is closed: %s\n",
           Bool(SetEvent(hDup)));
    hEvent = hDup;

    /* A duplicate with fewer rights. */
    DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &hSync, SYNCHRONIZE,
                    FALSE, 0);
    SetLastError(0xdeadbeef);
    ok = SetEvent(hSync);
    printf("SYNCHRONIZE-only duplicate: SetEvent %s, last error %s\n", Bool(ok), LastError());
    printf("  wait on it: %s\n",
           WaitForSingleObject(hSync, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other");
    DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &hModify,
                    EVENT_MODIFY_STATE, FALSE, 0);
    SetLastError(0xdeadbeef);
    r = WaitForSingleObject(hModify, 0);
    printf("EVENT_MODIFY_STATE-only duplicate: wait %s, last error %s\n",
           r == WAIT_FAILED ? "WAIT_FAILED" : "other", LastError());
    SetLastError(0xdeadbeef);
    ok = ResetEvent(hModify);
    printf("  ResetEvent on it: %s, last error %s\n", Bool(ok), LastError());
    CloseHandle(hSync);
    CloseHandle(hModify);

    /* Handle flags. */
    DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &hInherit, 0, TRUE,
                    DUPLICATE_SAME_ACCESS);
    GetHandleInformation(hInherit, &dwFlags);
    printf("duplicate with bInheritHandle=TRUE: flags %u\n", (unsigned)dwFlags);
    GetHandleInformation(hEvent, &dwFlags);
    printf("original: flags %u\n", (unsigned)dwFlags);
    SetHandleInformation(hInherit, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE,
                         HANDLE_FLAG_PROTECT_FROM_CLOSE);
    GetHandleInformation(hInherit, &dwFlags);
    printf("after SetHandleInformation(INHERIT | PROTECT, PROTECT): flags %u\n",
           (unsigned)dwFlags);
    SetLastError(0xdeadbeef);
    ok = CloseHandle(hInherit);
    printf("CloseHandle of a protected handle: %s, last error %s\n", Bool(ok), LastError());
    printf("  the handle still works: %s\n", Bool(SetEvent(hInherit)));
    SetHandleInformation(hInherit, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    printf("  after clearing the flag, CloseHandle: %s\n", Bool(CloseHandle(hInherit)));

    /* DUPLICATE_CLOSE_SOURCE: within one process the result reuses the
     * source's handle value. */
    DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &hSource, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    ok = DuplicateHandle(GetCurrentProcess(), hSource, GetCurrentProcess(), &hTarget, 0,
                         FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE);
    printf("DUPLICATE_CLOSE_SOURCE: %s, result has the source's value: %s\n", Bool(ok),
           hTarget == hSource ? "yes" : "no");
    printf("  CloseHandle(result): %s\n", Bool(CloseHandle(hTarget)));
    SetLastError(0xdeadbeef);
    ok = CloseHandle(hSource);
    printf("  CloseHandle(source value) again: %s, last error %s\n", Bool(ok), LastError());

    /* Pseudo-handles duplicate into real handles. */
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &hThread, 0,
                    FALSE, DUPLICATE_SAME_ACCESS);
    printf("duplicate of GetCurrentThread(): a real handle: %s, our thread id: %s\n",
           hThread != GetCurrentThread() ? "yes" : "no",
           GetThreadId(hThread) == GetCurrentThreadId() ? "yes" : "no");
    printf("  wait on our own thread, 0 ms: %s\n",
           WaitForSingleObject(hThread, 0) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other");
    CloseHandle(hThread);
    DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &hProcess,
                    0, FALSE, DUPLICATE_SAME_ACCESS);
    printf("duplicate of GetCurrentProcess(): a real handle: %s, our process id: %s\n",
           hProcess != GetCurrentProcess() ? "yes" : "no",
           GetProcessId(hProcess) == GetCurrentProcessId() ? "yes" : "no");
    CloseHandle(hProcess);
    SetLastError(0xdeadbeef);
    ok = CloseHandle(GetCurrentProcess());
    printf("CloseHandle(GetCurrentProcess()): %s, last error %s\n", Bool(ok), LastError());

    /* Bad sources. */
    hTarget = (HANDLE)1;
    SetLastError(0xdeadbeef);
    ok = DuplicateHandle(GetCurrentProcess(), NULL, GetCurrentProcess(), &hTarget, 0, FALSE,
                         DUPLICATE_SAME_ACCESS);
    printf("DuplicateHandle(NULL source): %s, last error %s, target set to NULL: %s\n",
           Bool(ok), LastError(), hTarget == NULL ? "yes" : "no");
    CloseHandle(hEvent);
    SetLastError(0xdeadbeef);
    ok = DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &hTarget, 0, FALSE,
                         DUPLICATE_SAME_ACCESS);
    printf("DuplicateHandle(closed source): %s, last error %s\n", Bool(ok), LastError());
    return 0;
}
