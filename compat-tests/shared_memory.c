/*
 * Creating named shared memory: the first process creates a file mapping
 * backed by the paging file and writes a message into it; a second process
 * (this program started again with the argument "child") opens the mapping
 * by name, reads the message and writes an answer.  A named event says
 * when the answer is there.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define BUF_SIZE 256
static const char szName[] = "Local\\CompatFileMappingObject";
static const char szEventName[] = "Local\\CompatAnswerReady";
static const char szMsg[] = "Message from the first process.";

static int Child(void)
{
    HANDLE hMapFile, hEvent;
    char *pBuf;

    hMapFile = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, szName);
    if (hMapFile == NULL)
        return 100 + (int)GetLastError();
    pBuf = (char *)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
    if (pBuf == NULL)
        return 200;
    if (strcmp(pBuf, szMsg) != 0)
        return 201;
    strcpy(pBuf + BUF_SIZE / 2, "Answer from the second process.");
    hEvent = OpenEventA(EVENT_MODIFY_STATE, FALSE, szEventName);
    if (hEvent == NULL || !SetEvent(hEvent))
        return 202;
    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    CloseHandle(hEvent);
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE hMapFile, hEvent, hMissing;
    char *pBuf, szPath[MAX_PATH], szCmd[MAX_PATH + 16];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code;

    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return Child();

    SetLastError(0xdeadbeef);
    hMissing = OpenFileMappingA(FILE_MAP_READ, FALSE, szName);
    printf("OpenFileMapping before it exists: %s, last error %u\n",
           hMissing ? "handle" : "NULL", (unsigned)GetLastError());

    hMapFile = CreateFileMappingA(INVALID_HANDLE_VALUE,  /* the paging file */
                                  NULL, PAGE_READWRITE, 0, BUF_SIZE, szName);
    if (hMapFile == NULL) {
        printf("CreateFileMapping failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("CreateFileMapping: last error %u\n", (unsigned)GetLastError());
    pBuf = (char *)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
    if (pBuf == NULL) {
        printf("MapViewOfFile failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("a new mapping is zero-filled: %s\n", pBuf[0] == 0 && pBuf[BUF_SIZE - 1] == 0 ? "yes" : "no");
    CopyMemory(pBuf, szMsg, sizeof(szMsg));
    hEvent = CreateEventA(NULL, TRUE, FALSE, szEventName);

    GetModuleFileNameA(NULL, szPath, MAX_PATH);
    sprintf(szCmd, "\"%s\" child", szPath);
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessA(szPath, szCmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("second process started\n");
    printf("answer ready: %s\n",
           WaitForSingleObject(hEvent, 30000) == WAIT_OBJECT_0 ? "yes" : "no");
    printf("the second process wrote: \"%s\"\n", pBuf + BUF_SIZE / 2);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("second process exit code: %u\n", (unsigned)code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);

    /* A second mapping of the same name is the same memory. */
    SetLastError(0xdeadbeef);
    hMissing = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUF_SIZE, szName);
    printf("CreateFileMapping with the same name: last error %u\n", (unsigned)GetLastError());
    CloseHandle(hMissing);

    /* The name goes with the last handle, even while a view remains. */
    CloseHandle(hMapFile);
    SetLastError(0xdeadbeef);
    hMissing = OpenFileMappingA(FILE_MAP_READ, FALSE, szName);
    printf("OpenFileMapping after the last handle was closed: %s, last error %u\n",
           hMissing ? "handle" : "NULL", (unsigned)GetLastError());
    printf("the view is still readable: \"%s\"\n", pBuf);
    UnmapViewOfFile(pBuf);
    CloseHandle(hEvent);
    return 0;
}
