/*
 * A plug-in DLL written as Windows code is (check_module loads it): a
 * DllMain that counts its calls and keeps per-thread data in TLS, and a few
 * __declspec(dllexport) functions.  Makefile.am builds it as
 * test/winplug.so.
 *
 * Read from the environment at DLL_PROCESS_ATTACH:
 *   WINPLUG_SINK       hex address of the host's LONG[5]: [reason] counts
 *                      every call there too, [4] is 1 when the last
 *                      DLL_PROCESS_DETACH had a non-NULL lpReserved; so
 *                      the host sees the calls made while unloading
 *   WINPLUG_FAIL       "1": DLL_PROCESS_ATTACH returns FALSE
 *   WINPLUG_EXIT_FILE  a file DLL_PROCESS_DETACH at process exit writes
 *                      "exit" into
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>

static LONG calls[4];
static volatile LONG *sink;
static HINSTANCE instance;
static DWORD tls_index = TLS_OUT_OF_INDEXES;
static LONG tls_seen; /* DLL_THREAD_DETACH found what DLL_THREAD_ATTACH stored */
static const char *exit_file;

__declspec(dllexport) int plug_answer = 42;

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason > DLL_THREAD_DETACH)
        return FALSE;
    InterlockedIncrement(&calls[reason]);
    if (reason == DLL_PROCESS_ATTACH) {
        const char *s = getenv("WINPLUG_SINK");
        if (s)
            sink = (volatile LONG *)(ULONG_PTR)strtoull(s, NULL, 16);
        exit_file = getenv("WINPLUG_EXIT_FILE");
        instance = inst;
        tls_index = TlsAlloc();
    }
    if (sink) {
        InterlockedIncrement(&sink[reason]);
        if (reason == DLL_PROCESS_DETACH)
            sink[4] = reserved != NULL;
    }
    switch (reason) {
    case DLL_PROCESS_ATTACH: {
        const char *fail = getenv("WINPLUG_FAIL");
        return !(fail && !strcmp(fail, "1"));
    }
    case DLL_THREAD_ATTACH:
        TlsSetValue(tls_index, (LPVOID)(ULONG_PTR)GetCurrentThreadId());
        break;
    case DLL_THREAD_DETACH:
        if (TlsGetValue(tls_index) == (LPVOID)(ULONG_PTR)GetCurrentThreadId())
            InterlockedIncrement(&tls_seen);
        break;
    case DLL_PROCESS_DETACH:
        TlsFree(tls_index);
        if (reserved && exit_file) {
            HANDLE f = CreateFileA(exit_file, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                                   FILE_ATTRIBUTE_NORMAL, NULL);
            DWORD done;
            if (f != INVALID_HANDLE_VALUE) {
                WriteFile(f, "exit", 4, &done, NULL);
                CloseHandle(f);
            }
        }
        break;
    }
    return TRUE;
}

__declspec(dllexport) int WINAPI PlugAdd(int a, int b)
{
    return a + b;
}

__declspec(dllexport) LONG WINAPI PlugCalls(DWORD reason)
{
    return calls[reason];
}

__declspec(dllexport) HINSTANCE WINAPI PlugInstance(void)
{
    return instance;
}

__declspec(dllexport) LONG WINAPI PlugTlsSeen(void)
{
    return tls_seen;
}
