/*
 * plugin_host_dll.dll: the plug-in compat-tests/plugin_host.c loads.  Its
 * DllMain reports each notification on standard output (with WriteFile,
 * so the lines interleave with the host's unbuffered printf), and it
 * exports two functions.  The harness builds it next to the program
 * (run-native, run-oracle).
 */
#include <windows.h>
#include <string.h>

static HINSTANCE g_hInstance;

static void Say(const char *text)
{
    DWORD written;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, (DWORD)strlen(text), &written, NULL);
}

BOOL WINAPI DllMain(HINSTANCE hinstDLL, DWORD fdwReason, LPVOID lpvReserved)
{
    switch (fdwReason) {
    case DLL_PROCESS_ATTACH:
        g_hInstance = hinstDLL;
        Say("  [dll] DLL_PROCESS_ATTACH\n");
        break;
    case DLL_THREAD_ATTACH:
        Say("  [dll] DLL_THREAD_ATTACH\n");
        break;
    case DLL_THREAD_DETACH:
        Say("  [dll] DLL_THREAD_DETACH\n");
        break;
    case DLL_PROCESS_DETACH:
        if (lpvReserved != NULL)
            Say("  [dll] DLL_PROCESS_DETACH (process exit)\n");
        else
            Say("  [dll] DLL_PROCESS_DETACH (FreeLibrary)\n");
        break;
    }
    return TRUE;
}

__declspec(dllexport) int WINAPI Multiply(int a, int b)
{
    return a * b;
}

__declspec(dllexport) BOOL WINAPI IsOwnInstance(HINSTANCE hInstance)
{
    return hInstance == g_hInstance;
}
