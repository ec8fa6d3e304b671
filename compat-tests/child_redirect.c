/*
 * Creating a child process with redirected input and output: the parent
 * makes two anonymous pipes, passes one end of each to the child as its
 * standard input and output (STARTF_USESTDHANDLES, inherited handles),
 * writes lines into the child's input, and reads what the child writes.
 * The child is this program started again with the argument "child"; it
 * upper-cases what it reads until its input ends.
 */
#include <windows.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define BUFSIZE 4096

static int Child(void)
{
    HANDLE hStdin = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE hStdout = GetStdHandle(STD_OUTPUT_HANDLE);
    char buf[BUFSIZE];
    DWORD dwRead, dwWritten, i, total = 0;

    if (hStdin == INVALID_HANDLE_VALUE || hStdout == INVALID_HANDLE_VALUE)
        return 100;
    for (;;) {
        if (!ReadFile(hStdin, buf, BUFSIZE, &dwRead, NULL) || dwRead == 0)
            break;
        for (i = 0; i < dwRead; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (!WriteFile(hStdout, buf, dwRead, &dwWritten, NULL))
            return 101;
        total += dwRead;
    }
    /* Its input ended: the parent closed the write end. */
    if (GetLastError() != ERROR_BROKEN_PIPE)
        return 102;
    return (int)total;
}

int main(int argc, char **argv)
{
    HANDLE hChildStdinRd, hChildStdinWr, hChildStdoutRd, hChildStdoutWr;
    SECURITY_ATTRIBUTES saAttr;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char szPath[MAX_PATH], szCmd[MAX_PATH + 16], out[BUFSIZE];
    static const char *lines[] = { "first line\n", "second line\n", "the end\n" };
    DWORD dwWritten, dwRead, dwTotal = 0, dwFlags, code;
    int i;

    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return Child();

    saAttr.nLength = sizeof(SECURITY_ATTRIBUTES);
    saAttr.bInheritHandle = TRUE;
    saAttr.lpSecurityDescriptor = NULL;

    if (!CreatePipe(&hChildStdoutRd, &hChildStdoutWr, &saAttr, 0) ||
        !CreatePipe(&hChildStdinRd, &hChildStdinWr, &saAttr, 0)) {
        printf("CreatePipe failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    /* The parent's ends must not be inherited. */
    SetHandleInformation(hChildStdoutRd, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(hChildStdinWr, HANDLE_FLAG_INHERIT, 0);
    GetHandleInformation(hChildStdinRd, &dwFlags);
    printf("child's ends inheritable: %s\n", dwFlags & HANDLE_FLAG_INHERIT ? "yes" : "no");
    GetHandleInformation(hChildStdinWr, &dwFlags);
    printf("parent's ends inheritable: %s\n", dwFlags & HANDLE_FLAG_INHERIT ? "yes" : "no");

    GetModuleFileNameA(NULL, szPath, MAX_PATH);
    sprintf(szCmd, "\"%s\" child", szPath);
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    si.hStdError = hChildStdoutWr;
    si.hStdOutput = hChildStdoutWr;
    si.hStdInput = hChildStdinRd;
    si.dwFlags |= STARTF_USESTDHANDLES;
    ZeroMemory(&pi, sizeof(pi));
    if (!CreateProcessA(szPath, szCmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("child started, process and thread ids non-zero: %s\n",
           pi.dwProcessId && pi.dwThreadId ? "yes" : "no");
    /* Close our copies of the child's ends, or the pipes never end. */
    CloseHandle(hChildStdoutWr);
    CloseHandle(hChildStdinRd);

    for (i = 0; i < 3; i++)
        WriteFile(hChildStdinWr, lines[i], (DWORD)strlen(lines[i]), &dwWritten, NULL);
    CloseHandle(hChildStdinWr);
    printf("wrote 3 lines to the child's standard input and closed it\n");

    for (;;) {
        if (!ReadFile(hChildStdoutRd, out + dwTotal, BUFSIZE - 1 - dwTotal, &dwRead, NULL) ||
            dwRead == 0)
            break;
        dwTotal += dwRead;
    }
    out[dwTotal] = '\0';
    printf("reading the child's output ended with last error %u (ERROR_BROKEN_PIPE)\n",
           (unsigned)GetLastError());
    printf("the child wrote %u bytes:\n%s", (unsigned)dwTotal, out);

    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit code (bytes it read): %u\n", (unsigned)code);
    printf("process id matches the handle: %s\n",
           GetProcessId(pi.hProcess) == pi.dwProcessId ? "yes" : "no");
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(hChildStdoutRd);
    return 0;
}
