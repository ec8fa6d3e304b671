/* A Windows program built by CMake against an installed winshim
 * (test/cmake/CMakeLists.txt, test/cmake.sh). */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    DWORD before, after;

    if (event == NULL) {
        printf("CreateEventW failed: %u\n", (unsigned)GetLastError());
        return 1;
    }
    before = WaitForSingleObject(event, 0);
    if (!SetEvent(event)) {
        printf("SetEvent failed: %u\n", (unsigned)GetLastError());
        return 1;
    }
    after = WaitForSingleObject(event, INFINITE);
    if (!CloseHandle(event)) {
        printf("CloseHandle failed: %u\n", (unsigned)GetLastError());
        return 1;
    }
#ifdef _WIN32
    printf("_WIN32 defined; ");
#else
    printf("_WIN32 not defined; ");
#endif
    printf("wait before SetEvent: %s, after: %s\n",
           before == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "unexpected",
           after == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "unexpected");
    return 0;
}
