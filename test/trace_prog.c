/*
 * The program test/trace.sh runs with WINSHIM_DEBUG set: a fixed sequence
 * of calls whose trace lines the script compares exactly.
 *   trace_prog calls      events, waits, files, a failing close, strings
 *   trace_prog threads N  N threads, each making 200 SetEvent calls
 *   trace_prog exit       a thread that ends with ExitThread
 * It prints what the program itself sees (the last error after each
 * step) on stdout, which must not change when tracing is on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static HANDLE shared_event;

static DWORD WINAPI setter(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++)
        SetEvent(shared_event);
    return 0;
}

static DWORD WINAPI exiter(LPVOID arg)
{
    (void)arg;
    ExitThread(5);
}

static int calls(void)
{
    static const WCHAR wide[] = {'L', 'o', 'c', 'a', 'l', '\\', 'w', 0xe9, 0};
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\trace-ev");
    HANDLE w = CreateEventW(NULL, FALSE, FALSE, wide);
    SetEvent(e);
    WaitForSingleObject(e, INFINITE);
    ResetEvent(e);
    WaitForSingleObject(e, 0);
    SetLastError(77);
    HANDLE f = CreateFileA("missing.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
    printf("CreateFileA: %s, error %lu\n", f == INVALID_HANDLE_VALUE ? "failed" : "opened",
           (unsigned long)GetLastError());
    /* A call that succeeds without touching the last error leaves it. */
    SetLastError(1234);
    SetEvent(e);
    printf("after SetEvent: error %lu\n", (unsigned long)GetLastError());
    HANDLE again = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, "Local\\trace-ev");
    printf("after OpenEventA: error %lu\n", (unsigned long)GetLastError());
    CloseHandle(again);
    CloseHandle((HANDLE)(ULONG_PTR)0x1234);
    printf("after CloseHandle: error %lu\n", (unsigned long)GetLastError());
    Sleep(0);
    CloseHandle(w);
    CloseHandle(e);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "calls"))
        return calls();
    if (argc > 2 && !strcmp(argv[1], "threads")) {
        int n = atoi(argv[2]);
        HANDLE t[64];
        shared_event = CreateEventA(NULL, TRUE, FALSE, NULL);
        for (int i = 0; i < n && i < 64; i++)
            t[i] = CreateThread(NULL, 0, setter, NULL, 0, NULL);
        WaitForMultipleObjects((DWORD)n, t, TRUE, INFINITE);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "exit")) {
        HANDLE t = CreateThread(NULL, 0, exiter, NULL, 0, NULL);
        WaitForSingleObject(t, INFINITE);
        DWORD code = 0;
        GetExitCodeThread(t, &code);
        printf("exit code %lu\n", (unsigned long)code);
        return 0;
    }
    fprintf(stderr, "usage: trace_prog calls | threads N | exit\n");
    return 2;
}
