/*
 * A host program and its plug-in DLL (plugin_host_dll.c): LoadLibrary,
 * GetProcAddress and FreeLibrary with reference counts, the DllMain
 * notifications for the process and for threads, GetModuleHandle(Ex); and
 * the usual probe of kernel32 for functions that only newer systems have.
 * (Not DisableThreadLibraryCalls: mingw-w64 gives every DLL static TLS,
 * and Windows refuses the call for such a DLL.)
 */
#include <windows.h>
#include <stdio.h>

typedef int (WINAPI *MULTIPLY_PROC)(int, int);
typedef BOOL (WINAPI *IS_OWN_INSTANCE_PROC)(HINSTANCE);

static DWORD WINAPI Worker(LPVOID lpParam)
{
    printf("  worker thread runs\n");
    return 0;
}

static void RunWorker(void)
{
    HANDLE hThread = CreateThread(NULL, 0, Worker, NULL, 0, NULL);
    if (hThread == NULL) {
        printf("CreateThread failed (%u)\n", (unsigned)GetLastError());
        return;
    }
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);
}

static void Probe(HMODULE hKernel32, const char *name)
{
    FARPROC proc;
    DWORD error;

    SetLastError(0);
    proc = GetProcAddress(hKernel32, name);
    error = GetLastError();
    if (proc != NULL)
        printf("  %s: present\n", name);
    else
        printf("  %s: absent (error %u)\n", name, (unsigned)error);
}

int main(void)
{
    HMODULE hKernel32, hDll, hAgain, hMissing, hFrom;
    MULTIPLY_PROC pMultiply;
    IS_OWN_INSTANCE_PROC pIsOwnInstance;
    FARPROC proc;
    DWORD error;
    BOOL ok = TRUE;

    /* The DLL writes with WriteFile: no buffering here, so the lines come
     * in the order they happen. */
    setvbuf(stdout, NULL, _IONBF, 0);

    printf("probing kernel32.dll\n");
    hKernel32 = GetModuleHandleA("kernel32.dll");
    printf("  GetModuleHandle(kernel32.dll): %s\n", hKernel32 != NULL ? "found" : "NULL");
    Probe(hKernel32, "InitOnceExecuteOnce");
    Probe(hKernel32, "AcquireSRWLockExclusive");
    Probe(hKernel32, "SleepConditionVariableSRW");
    Probe(hKernel32, "CreateEventExW");
    Probe(hKernel32, "GetModuleHandleExW");
    Probe(hKernel32, "NoSuchFunctionInKernel32");
    proc = GetProcAddress(hKernel32, "InitOnceExecuteOnce");
    printf("  the probed InitOnceExecuteOnce is the imported one: %s\n",
           (void *)proc == (void *)InitOnceExecuteOnce ? "yes" : "no");
    printf("  GetModuleHandle(KERNEL32) is the same module: %s\n",
           GetModuleHandleA("KERNEL32") == hKernel32 ? "yes" : "no");

    SetLastError(0);
    hMissing = LoadLibraryA("no_such_plugin.dll");
    error = GetLastError();
    printf("LoadLibrary(no_such_plugin.dll): %s, error %u\n", hMissing ? "loaded" : "NULL",
           (unsigned)error);

    printf("loading plugin_host_dll.dll\n");
    hDll = LoadLibraryA("plugin_host_dll.dll");
    if (hDll == NULL) {
        printf("LoadLibrary failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    pMultiply = (MULTIPLY_PROC)(void (*)(void))GetProcAddress(hDll, "Multiply");
    pIsOwnInstance = (IS_OWN_INSTANCE_PROC)(void (*)(void))GetProcAddress(hDll, "IsOwnInstance");
    if (!pMultiply || !pIsOwnInstance) {
        printf("GetProcAddress failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    printf("  Multiply(6, 7) = %d\n", pMultiply(6, 7));
    printf("  DllMain's hinstDLL is the module handle: %s\n", pIsOwnInstance(hDll) ? "yes" : "no");
    SetLastError(0);
    proc = GetProcAddress(hDll, "NotExported");
    error = GetLastError();
    printf("  GetProcAddress(NotExported): %s, error %u\n", proc ? "found" : "NULL", (unsigned)error);
    printf("  GetModuleHandle(plugin_host_dll.dll) is it: %s\n",
           GetModuleHandleA("plugin_host_dll.dll") == hDll ? "yes" : "no");
    hFrom = NULL;
    ok = GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)pMultiply, &hFrom);
    printf("  Multiply lies in it: %s\n", ok && hFrom == hDll ? "yes" : "no");

    printf("starting a thread\n");
    RunWorker();

    hAgain = LoadLibraryA("plugin_host_dll.dll");
    printf("second LoadLibrary: same handle: %s\n", hAgain == hDll ? "yes" : "no");
    printf("first FreeLibrary: %s\n", FreeLibrary(hDll) ? "ok" : "failed");
    printf("  still loaded: %s\n", GetModuleHandleA("plugin_host_dll.dll") != NULL ? "yes" : "no");

    printf("starting a thread\n");
    RunWorker();

    printf("last FreeLibrary\n");
    ok = FreeLibrary(hDll);
    printf("  FreeLibrary: %s\n", ok ? "ok" : "failed");
    SetLastError(0);
    hAgain = GetModuleHandleA("plugin_host_dll.dll");
    error = GetLastError();
    printf("  still loaded: %s, error %u\n", hAgain != NULL ? "yes" : "no", (unsigned)error);

    printf("loading it again for the rest of the run\n");
    hDll = LoadLibraryA("plugin_host_dll.dll");
    if (hDll == NULL)
        return 1;
    printf("returning from main\n");
    return 0;
}
