/*
 * Job objects: a child process (this program started again with "child",
 * which waits forever) is created suspended, put in a job and resumed; the
 * job's accounting counts it; TerminateJobObject ends it with the job's
 * exit code; a job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE ends its
 * processes when its last handle is closed.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static BOOL StartChild(PROCESS_INFORMATION *pi)
{
    char szPath[MAX_PATH], szCmd[MAX_PATH + 16];
    STARTUPINFOA si;

    GetModuleFileNameA(NULL, szPath, MAX_PATH);
    sprintf(szCmd, "\"%s\" child", szPath);
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    return CreateProcessA(szPath, szCmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, pi);
}

static void Accounting(HANDLE hJob)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info;
    if (!QueryInformationJobObject(hJob, JobObjectBasicAccountingInformation, &info,
                                   sizeof(info), NULL)) {
        printf("QueryInformationJobObject failed (%u)\n", (unsigned)GetLastError());
        return;
    }
    printf("  job accounting: total processes %u, active processes %u\n",
           (unsigned)info.TotalProcesses, (unsigned)info.ActiveProcesses);
}

int main(int argc, char **argv)
{
    HANDLE hJob;
    PROCESS_INFORMATION pi;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    BOOL inJob;
    DWORD code;

    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        Sleep(INFINITE);
        return 0;
    }

    hJob = CreateJobObjectA(NULL, "Local\\CompatTestJob");
    printf("CreateJobObject: %s, last error %u\n", hJob ? "handle" : "NULL",
           (unsigned)GetLastError());
    Accounting(hJob);
    if (!StartChild(&pi)) {
        printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("AssignProcessToJobObject: %s\n",
           AssignProcessToJobObject(hJob, pi.hProcess) ? "TRUE" : "FALSE");
    IsProcessInJob(pi.hProcess, hJob, &inJob);
    printf("IsProcessInJob(child): %s\n", inJob ? "TRUE" : "FALSE");
    IsProcessInJob(GetCurrentProcess(), hJob, &inJob);
    printf("IsProcessInJob(ourselves): %s\n", inJob ? "TRUE" : "FALSE");
    ResumeThread(pi.hThread);
    Accounting(hJob);
    printf("child still running after 100 ms: %s\n",
           WaitForSingleObject(pi.hProcess, 100) == WAIT_TIMEOUT ? "yes" : "no");
    printf("TerminateJobObject(42): %s\n", TerminateJobObject(hJob, 42) ? "TRUE" : "FALSE");
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit code: %u\n", (unsigned)code);
    Accounting(hJob);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(hJob);

    /* Kill on job close. */
    hJob = CreateJobObjectA(NULL, NULL);
    ZeroMemory(&limits, sizeof(limits));
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    printf("SetInformationJobObject(KILL_ON_JOB_CLOSE): %s\n",
           SetInformationJobObject(hJob, JobObjectExtendedLimitInformation, &limits,
                                   sizeof(limits)) ? "TRUE" : "FALSE");
    StartChild(&pi);
    AssignProcessToJobObject(hJob, pi.hProcess);
    ResumeThread(pi.hThread);
    printf("child running: %s\n",
           WaitForSingleObject(pi.hProcess, 100) == WAIT_TIMEOUT ? "yes" : "no");
    CloseHandle(hJob);
    printf("after closing the job's last handle, the child ended: %s\n",
           WaitForSingleObject(pi.hProcess, 10000) == WAIT_OBJECT_0 ? "yes" : "no");
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return 0;
}
