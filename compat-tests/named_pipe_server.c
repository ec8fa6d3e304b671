/*
 * A multithreaded named-pipe server: the main thread creates a pipe
 * instance for each client, waits for it to connect and hands it to a new
 * thread that answers its requests.  The clients are this program started
 * again ("client N"); each sends one message in message mode, reads the
 * answer through a buffer too small for it first (ERROR_MORE_DATA), and
 * reports through its exit code.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENTS 3
#define BUFSIZE 512
static const char szPipe[] = "\\\\.\\pipe\\compat_test_pipe";

static char gRequests[CLIENTS][BUFSIZE];

static DWORD WINAPI InstanceThread(LPVOID lpvParam)
{
    HANDLE hPipe = (HANDLE)lpvParam;
    char request[BUFSIZE], reply[BUFSIZE];
    DWORD cbRead, cbWritten;
    int n;

    if (!ReadFile(hPipe, request, BUFSIZE - 1, &cbRead, NULL))
        return 1;
    request[cbRead] = '\0';
    if (sscanf(request, "request from client %d", &n) != 1 || n < 0 || n >= CLIENTS)
        return 2;
    strcpy(gRequests[n], request);
    sprintf(reply, "server reply to client %d: your request had %u bytes", n, (unsigned)cbRead);
    if (!WriteFile(hPipe, reply, (DWORD)strlen(reply), &cbWritten, NULL))
        return 3;
    FlushFileBuffers(hPipe);
    /* Wait for the client to close its end before disconnecting. */
    ReadFile(hPipe, request, BUFSIZE, &cbRead, NULL);
    DisconnectNamedPipe(hPipe);
    CloseHandle(hPipe);
    return 0;
}

static int Client(int n)
{
    HANDLE hPipe;
    char msg[64], reply[BUFSIZE];
    DWORD dwMode, cbRead, cbRead2, cbWritten;
    int tries;

    for (tries = 0;; tries++) {
        hPipe = CreateFileA(szPipe, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (hPipe != INVALID_HANDLE_VALUE)
            break;
        if (GetLastError() == ERROR_PIPE_BUSY)
            WaitNamedPipeA(szPipe, 5000);
        else if (GetLastError() == ERROR_FILE_NOT_FOUND && tries < 500)
            Sleep(10);
        else
            return 10;
    }
    dwMode = PIPE_READMODE_MESSAGE;
    if (!SetNamedPipeHandleState(hPipe, &dwMode, NULL, NULL))
        return 11;
    sprintf(msg, "request from client %d", n);
    if (!WriteFile(hPipe, msg, (DWORD)strlen(msg), &cbWritten, NULL))
        return 12;
    /* A message longer than the buffer: the rest stays for the next read. */
    if (ReadFile(hPipe, reply, 10, &cbRead, NULL) || GetLastError() != ERROR_MORE_DATA ||
        cbRead != 10)
        return 13;
    if (!ReadFile(hPipe, reply + 10, BUFSIZE - 11, &cbRead2, NULL))
        return 14;
    reply[10 + cbRead2] = '\0';
    sprintf(msg, "server reply to client %d: ", n);
    if (strncmp(reply, msg, strlen(msg)) != 0)
        return 15;
    CloseHandle(hPipe);
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE hPipe, hThreads[CLIENTS], hProcs[CLIENTS];
    char szPath[MAX_PATH], szCmd[MAX_PATH + 32];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code;
    BOOL fConnected;
    int i;

    if (argc > 2 && strcmp(argv[1], "client") == 0)
        return Client(atoi(argv[2]));

    GetModuleFileNameA(NULL, szPath, MAX_PATH);
    for (i = 0; i < CLIENTS; i++) {
        sprintf(szCmd, "\"%s\" client %d", szPath, i);
        ZeroMemory(&si, sizeof(si));
        si.cb = sizeof(si);
        if (!CreateProcessA(szPath, szCmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            printf("CreateProcess failed (%u)\n", (unsigned)GetLastError());
            return 1;
        }
        CloseHandle(pi.hThread);
        hProcs[i] = pi.hProcess;
    }
    printf("%d client processes started\n", CLIENTS);

    for (i = 0; i < CLIENTS; i++) {
        hPipe = CreateNamedPipeA(szPipe, PIPE_ACCESS_DUPLEX,
                                 PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                 PIPE_UNLIMITED_INSTANCES, BUFSIZE, BUFSIZE, 0, NULL);
        if (hPipe == INVALID_HANDLE_VALUE) {
            printf("CreateNamedPipe failed (%u)\n", (unsigned)GetLastError());
            return 1;
        }
        /* A client may connect between CreateNamedPipe and ConnectNamedPipe. */
        fConnected = ConnectNamedPipe(hPipe, NULL) ? TRUE
                                                   : (GetLastError() == ERROR_PIPE_CONNECTED);
        if (!fConnected) {
            printf("ConnectNamedPipe failed (%u)\n", (unsigned)GetLastError());
            return 1;
        }
        hThreads[i] = CreateThread(NULL, 0, InstanceThread, hPipe, 0, NULL);
    }
    printf("%d clients connected, one server thread each\n", CLIENTS);

    WaitForMultipleObjects(CLIENTS, hThreads, TRUE, INFINITE);
    for (i = 0; i < CLIENTS; i++) {
        GetExitCodeThread(hThreads[i], &code);
        printf("server thread %d: exit code %u\n", i, (unsigned)code);
        CloseHandle(hThreads[i]);
    }
    WaitForMultipleObjects(CLIENTS, hProcs, TRUE, INFINITE);
    for (i = 0; i < CLIENTS; i++) {
        GetExitCodeProcess(hProcs[i], &code);
        printf("client %d: request \"%s\", exit code %u\n", i, gRequests[i], (unsigned)code);
        CloseHandle(hProcs[i]);
    }

    /* Opening a pipe name nobody serves. */
    SetLastError(0xdeadbeef);
    hPipe = CreateFileA("\\\\.\\pipe\\compat_no_such_pipe", GENERIC_READ, 0, NULL, OPEN_EXISTING,
                        0, NULL);
    printf("CreateFile on a pipe name nobody serves: %s, last error %u\n",
           hPipe == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "handle",
           (unsigned)GetLastError());
    return 0;
}
