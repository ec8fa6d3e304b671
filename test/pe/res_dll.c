/* The DLL fixture of check_updres: no C runtime, so that its resource
 * section is its last (EndUpdateResource rewrites it in place). */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reason;
    (void)reserved;
    return TRUE;
}
