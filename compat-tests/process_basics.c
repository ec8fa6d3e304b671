/*
 * Processes: the program starts copies of itself with CreateProcess
 * (argument "child" and a mode), waits for them on their process and
 * thread handles, reads their exit codes, starts one suspended and resumes
 * it, terminates one, opens one by its id, and checks how a command line
 * reaches the child (argv and GetCommandLine).  Children report only
 * through their exit codes.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char szSelf[MAX_PATH];

static int Child(int argc, char **argv)
{
    const char *mode = argv[2];
    if (strcmp(mode, "return") == 0)
        return atoi(argv[3]);
    if (strcmp(mode, "exit") == 0)
        ExitProcess((UINT)strtoul(argv[3], NULL, 0));
    if (strcmp(mode, "sleep") == 0) {
        Sleep(INFINITE);
        return 0;
    }
    if (strcmp(mode, "args") == 0) {
        static const char *want[] = { "a b", "c\"d", "e\\", "", "f\\\\g" };
        int i;
        if (argc != 8)
            return 100 + argc;
        for (i = 0; i < 5; i++)
            if (strcmp(argv[3 + i], want[i]) != 0)
                return 200 + i;
        return 0;
    }
    if (strcmp(mode, "cmdline") == 0) {
        const char *tail = " child cmdline   x  \"y  z\" ";
        const char *line = GetCommandLineA();
        size_t n = strlen(line), t = strlen(tail);
        return n >= t && strcmp(line + n - t, tail) == 0 ? 0 : 1;
    }
    return 99;
}

static BOOL Start(const char *args, DWORD flags, PROCESS_INFORMATION *pi)
{
    STARTUPINFOA si;
    char szCmd[MAX_PATH + 128];
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    sprintf(szCmd, "\"%s\" child %s", szSelf, args);
    return CreateProcessA(NULL, szCmd, NULL, NULL, FALSE, flags, NULL, NULL, &si, pi);
}

static DWORD RunToEnd(const char *args)
{
    PROCESS_INFORMATION pi;
    DWORD code = 0xffffffff;
    if (!Start(args, 0, &pi)) {
        printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
        return code;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    DWORD code, tcode, r;
    HANDLE h;
    char szCmd[64];

    if (argc > 2 && strcmp(argv[1], "child") == 0)
        return Child(argc, argv);
    strcpy(szSelf, argv[0]);

    printf("return 3 from main: exit code %u\n", (unsigned)RunToEnd("return 3"));
    printf("ExitProcess(0x12345678): exit code 0x%08X\n",
           (unsigned)RunToEnd("exit 0x12345678"));
    printf("argv of \"a b\" c\\\"d \"e\\\\\" \"\" f\\\\g: %u\n",
           (unsigned)RunToEnd("args \"a b\" c\\\"d \"e\\\\\" \"\" f\\\\g"));
    printf("GetCommandLine in the child is the parent's string: %u\n",
           (unsigned)RunToEnd("cmdline   x  \"y  z\" "));

    /* A suspended child runs only after ResumeThread. */
    if (!Start("return 5", CREATE_SUSPENDED, &pi)) {
        printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    GetExitCodeProcess(pi.hProcess, &code);
    printf("suspended: still active %s\n", code == STILL_ACTIVE ? "yes" : "no");
    r = WaitForSingleObject(pi.hProcess, 100);
    printf("suspended: wait for 100 ms %s\n", r == WAIT_TIMEOUT ? "timed out" : "returned");
    printf("ResumeThread returned %u\n", (unsigned)ResumeThread(pi.hThread));
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    WaitForSingleObject(pi.hThread, INFINITE);
    GetExitCodeThread(pi.hThread, &tcode);
    printf("resumed child: exit code %u, its thread's %u\n", (unsigned)code, (unsigned)tcode);
    r = WaitForSingleObject(pi.hProcess, 0);
    printf("process handle still signalled: %s\n", r == WAIT_OBJECT_0 ? "yes" : "no");
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);

    /* TerminateProcess, and the same process opened by its id. */
    if (!Start("sleep", 0, &pi)) {
        printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, pi.dwProcessId);
    printf("OpenProcess by id: %s, same id %s\n", h ? "ok" : "failed",
           h && GetProcessId(h) == pi.dwProcessId ? "yes" : "no");
    r = WaitForSingleObject(h, 0);
    printf("running child signalled: %s\n", r == WAIT_OBJECT_0 ? "yes" : "no");
    printf("TerminateProcess: %d\n", TerminateProcess(pi.hProcess, 42));
    r = WaitForSingleObject(h, INFINITE);
    GetExitCodeProcess(h, &code);
    printf("opened handle signalled: %s, exit code %u\n", r == WAIT_OBJECT_0 ? "yes" : "no",
           (unsigned)code);
    CloseHandle(h);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);

    /* A program that does not exist. */
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    strcpy(szCmd, "no_such_program_here_4711");
    SetLastError(0);
    r = CreateProcessA(NULL, szCmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    printf("missing program: %u, error %u\n", (unsigned)r, (unsigned)GetLastError());
    return 0;
}
