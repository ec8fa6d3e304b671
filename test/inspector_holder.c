/*
 * test/inspector.sh's subject: holds a signalled manual-reset event, a
 * mutex it owns (twice), and a semaphore with a count of 2, all named
 * after argv[1], prints "ready" and waits until it is killed.
 */
#include <stdio.h>
#include <windows.h>

int main(int argc, char **argv)
{
    char name[200];
    const char *tag = argc > 1 ? argv[1] : "x";
    snprintf(name, sizeof name, "InspEvent_%s", tag);
    HANDLE ev = CreateEventA(NULL, TRUE, TRUE, name);
    snprintf(name, sizeof name, "InspMutex_%s", tag);
    HANDLE mx = CreateMutexA(NULL, TRUE, name);
    snprintf(name, sizeof name, "InspSem_%s", tag);
    HANDLE sem = CreateSemaphoreA(NULL, 2, 5, name);
    if (!ev || !mx || !sem || WaitForSingleObject(mx, 0) != WAIT_OBJECT_0 ||
        !SetHandleInformation(ev, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) ||
        !SetHandleInformation(sem, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                              HANDLE_FLAG_PROTECT_FROM_CLOSE)) {
        printf("setup failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    Sleep(INFINITE);
    return 0;
}
