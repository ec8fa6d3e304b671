/*
 * Moving a suspended thread: SuspendThread stops a worker spinning in a
 * loop, GetThreadContext reads where it is, SetThreadContext points its
 * instruction pointer at another function, and ResumeThread lets it run
 * there - the technique debuggers and thread libraries' asynchronous
 * cancellation use.  Then TerminateThread of a running thread.
 */
#include <windows.h>
#include <stdio.h>

static volatile LONG gSpins;
static volatile LONG gDetoured;

static DWORD WINAPI Worker(LPVOID lpParam)
{
    (void)lpParam;
    for (;;)
        InterlockedIncrement(&gSpins);
    return 1;
}

/* Where the worker goes: it never returns, it leaves the thread. */
static void Detour(void)
{
    InterlockedExchange(&gDetoured, 1);
    ExitThread(42);
}

static void WaitForSpins(void)
{
    LONG start = gSpins;
    while (gSpins == start)
        Sleep(1);
}

int main(void)
{
    HANDLE hThread;
    CONTEXT ctx, check;
    DWORD code;
    LONG before;
    DWORD64 oldRip;

    hThread = CreateThread(NULL, 0, Worker, NULL, 0, NULL);
    if (hThread == NULL) {
        printf("CreateThread failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    WaitForSpins();

    printf("SuspendThread: previous suspend count %u\n", (unsigned)SuspendThread(hThread));
    before = gSpins;
    Sleep(50);
    printf("worker stopped while suspended: %s\n", gSpins == before ? "yes" : "no");

    ZeroMemory(&ctx, sizeof(ctx));
    ctx.ContextFlags = CONTEXT_FULL;
    if (!GetThreadContext(hThread, &ctx)) {
        printf("GetThreadContext failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("GetThreadContext: ContextFlags kept: %s\n",
           ctx.ContextFlags == CONTEXT_FULL ? "yes" : "no");
    printf("Rip is inside Worker: %s\n",
           ctx.Rip >= (DWORD64)(ULONG_PTR)Worker &&
                   ctx.Rip < (DWORD64)(ULONG_PTR)Worker + 64
               ? "yes"
               : "no");
    printf("SegCs: 0x%x, MxCsr: 0x%x\n", (unsigned)ctx.SegCs, (unsigned)ctx.MxCsr);

    /* A fresh, call-aligned stack slot below the worker's frame. */
    oldRip = ctx.Rip;
    ctx.ContextFlags = CONTEXT_CONTROL;
    ctx.Rip = (DWORD64)(ULONG_PTR)Detour;
    ctx.Rsp = ((ctx.Rsp - 0x200) & ~(DWORD64)0xF) - 8;
    printf("SetThreadContext: %s\n", SetThreadContext(hThread, &ctx) ? "ok" : "failed");

    ZeroMemory(&check, sizeof(check));
    check.ContextFlags = CONTEXT_CONTROL;
    GetThreadContext(hThread, &check);
    printf("GetThreadContext reads the new Rip: %s, the old one is gone: %s\n",
           check.Rip == (DWORD64)(ULONG_PTR)Detour ? "yes" : "no",
           check.Rip != oldRip ? "yes" : "no");
    Sleep(50);
    printf("still suspended, Detour not run yet: %s\n", gDetoured == 0 ? "yes" : "no");

    printf("ResumeThread: previous suspend count %u\n", (unsigned)ResumeThread(hThread));
    if (WaitForSingleObject(hThread, 10000) != WAIT_OBJECT_0) {
        printf("the worker did not end\n");
        return 1;
    }
    GetExitCodeThread(hThread, &code);
    printf("worker ended in Detour: %s, exit code %u\n", gDetoured ? "yes" : "no", (unsigned)code);
    before = gSpins;
    Sleep(20);
    printf("the loop no longer runs: %s\n", gSpins == before ? "yes" : "no");
    CloseHandle(hThread);

    /* TerminateThread stops a running thread where it is. */
    hThread = CreateThread(NULL, 0, Worker, NULL, 0, NULL);
    WaitForSpins();
    printf("GetExitCodeThread while it runs: %s\n",
           GetExitCodeThread(hThread, &code) && code == STILL_ACTIVE ? "STILL_ACTIVE" : "?");
    printf("TerminateThread: %s\n", TerminateThread(hThread, 7) ? "ok" : "failed");
    printf("wait for the terminated thread: %s\n",
           WaitForSingleObject(hThread, 10000) == WAIT_OBJECT_0 ? "signalled" : "not signalled");
    GetExitCodeThread(hThread, &code);
    printf("exit code %u\n", (unsigned)code);
    CloseHandle(hThread);
    return 0;
}
