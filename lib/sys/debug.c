/*
 * The debugging helpers (the error modes, errhandlingapi.h's, are in
 * core/error.c with the last error).
 *
 * OutputDebugStringA/W write the string as given (no newline added) to:
 *   - the file WINSHIM_DEBUG_OUTPUT names (appended, one write per call),
 *     or standard error when it is "stderr";
 *   - else standard error while a debugger (any tracer: gdb, strace) is
 *     attached, which is where Windows' string goes too (to the debugger);
 *   - else nowhere, as on Windows without a debugger or DebugView, so
 *     that the program's own output is never changed.
 * IsDebuggerPresent: the process has a tracer (TracerPid in
 * /proc/self/status).  DebugBreak: a breakpoint trap (int3 on x86, else
 * SIGTRAP): a debugger stops there; without one the process ends by
 * SIGTRAP, as a Windows process without a debugger ends on the
 * breakpoint exception.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/unicode.h"

/* ---- debuggers ---- */

/* The TracerPid of /proc/<pid>/status (pid 0: ours); -1 when unreadable. */
static long tracer_of(long pid)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%ld/status", pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[256];
    long tracer = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "TracerPid: %ld", &tracer) == 1)
            break;
    fclose(f);
    return tracer;
}

WS_EXPORT BOOL WINAPI IsDebuggerPresent(void)
{
    return tracer_of(0) > 0;
}

WS_EXPORT BOOL WINAPI CheckRemoteDebuggerPresent(HANDLE process, PBOOL present)
{
    if (!process || !present)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD pid = GetProcessId(process); /* sets the handle's error */
    if (!pid)
        return FALSE;
    long tracer = tracer_of((long)pid);
    if (tracer < 0)
        return ws_bool(errno == ENOENT ? ERROR_INVALID_PARAMETER : ERROR_ACCESS_DENIED);
    *present = tracer > 0;
    return TRUE;
}

WS_EXPORT void WINAPI DebugBreak(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("int3");
#else
    raise(SIGTRAP);
#endif
}

/* ---- debug output ---- */

/* Where the debug output goes now: an fd to write and close (owned), 2
 * for standard error (not owned), or -1 for nowhere. */
static int debug_sink(bool *owned)
{
    const char *dest = getenv("WINSHIM_DEBUG_OUTPUT");
    *owned = false;
    if (dest && *dest) {
        if (strcmp(dest, "stderr") == 0)
            return 2;
        int fd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        *owned = fd >= 0;
        return fd;
    }
    return IsDebuggerPresent() ? 2 : -1;
}

static void debug_write(const char *s, size_t len)
{
    bool owned;
    int fd = debug_sink(&owned);
    if (fd < 0)
        return;
    int saved = errno;
    (void)ws_write_all(fd, s, len);
    if (owned)
        close(fd);
    errno = saved;
}

WS_EXPORT void WINAPI OutputDebugStringA(LPCSTR s)
{
    if (s)
        debug_write(s, strlen(s));
}

WS_EXPORT void WINAPI OutputDebugStringW(LPCWSTR s)
{
    if (!s)
        return;
    size_t n = wstrlen(s);
    char *u = malloc(3 * n + 1);
    if (!u)
        return;
    int len = utf16_to_utf8(s, n, u, 3 * n + 1);
    if (len > 0)
        debug_write(u, (size_t)len);
    free(u);
}
