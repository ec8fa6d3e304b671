/*
 * A test runner: each test is this program started again with "test N",
 * all in one job that kills them if the runner goes away.  The runner
 * follows them through the job's completion port, stops the one that
 * hangs with TerminateJobObject, and prints a summary.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_TESTS 3

static int RunTest(int n)
{
    switch (n) {
    case 0: return 0;          /* passes */
    case 1: return 3;          /* fails */
    default: Sleep(INFINITE);  /* hangs */
    }
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE hJob, hPort;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc;
    PROCESS_INFORMATION pi[NUM_TESTS];
    DWORD pids[NUM_TESTS], code, msg, newCount = 0, exitCount = 0;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    char szPath[MAX_PATH], szCmd[MAX_PATH + 32];
    int i, finished = 0;

    if (argc > 2 && strcmp(argv[1], "test") == 0)
        return RunTest(atoi(argv[2]));

    hJob = CreateJobObjectA(NULL, NULL);
    hPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    assoc.CompletionKey = (PVOID)hJob;
    assoc.CompletionPort = hPort;
    if (!SetInformationJobObject(hJob, JobObjectAssociateCompletionPortInformation, &assoc,
                                 sizeof(assoc))) {
        printf("SetInformationJobObject(port) failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    ZeroMemory(&limits, sizeof(limits));
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(hJob, JobObjectExtendedLimitInformation, &limits, sizeof(limits));

    GetModuleFileNameA(NULL, szPath, MAX_PATH);
    for (i = 0; i < NUM_TESTS; i++) {
        STARTUPINFOA si;
        ZeroMemory(&si, sizeof(si));
        si.cb = sizeof(si);
        sprintf(szCmd, "\"%s\" test %d", szPath, i);
        if (!CreateProcessA(szPath, szCmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL,
                            &si, &pi[i])) {
            printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
            return 1;
        }
        AssignProcessToJobObject(hJob, pi[i].hProcess);
        pids[i] = pi[i].dwProcessId;
    }
    /* All in the job before any runs: the job's count cannot reach zero
     * early. */
    for (i = 0; i < NUM_TESTS; i++)
        ResumeThread(pi[i].hThread);

    /* Two tests end on their own; then the hanging one is stopped. */
    while (GetQueuedCompletionStatus(hPort, &msg, &key, &ov, 30000)) {
        if ((HANDLE)key != hJob)
            continue;
        if (msg == JOB_OBJECT_MSG_NEW_PROCESS)
            newCount++;
        else if (msg == JOB_OBJECT_MSG_EXIT_PROCESS ||
                 msg == JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS) {
            if (finished == NUM_TESTS - 1)
                continue; /* the one we stopped */
            exitCount++;
            for (i = 0; i < NUM_TESTS; i++)
                if (pids[i] == (DWORD)(ULONG_PTR)ov)
                    finished++;
            if (finished == NUM_TESTS - 1)
                TerminateJobObject(hJob, WAIT_TIMEOUT);
        } else if (msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) {
            break;
        }
    }
    printf("processes announced: %u, ended on their own: %u\n", (unsigned)newCount,
           (unsigned)exitCount);

    for (i = 0; i < NUM_TESTS; i++) {
        WaitForSingleObject(pi[i].hProcess, INFINITE);
        GetExitCodeProcess(pi[i].hProcess, &code);
        if (code == 0)
            printf("test %d: passed\n", i);
        else if (code == WAIT_TIMEOUT)
            printf("test %d: timed out, stopped\n", i);
        else
            printf("test %d: failed with %u\n", i, (unsigned)code);
        CloseHandle(pi[i].hThread);
        CloseHandle(pi[i].hProcess);
    }
    printf("job signaled: %s\n", WaitForSingleObject(hJob, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    CloseHandle(hJob);
    CloseHandle(hPort);
    return 0;
}
