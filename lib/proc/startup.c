/*
 * GetStartupInfoA/W: what the parent passed in CreateProcess's
 * STARTUPINFO, and the process error mode it hands down.
 *
 * The parent (spawn.c) puts STARTUP_ENV in the child's environment:
 *   WINSHIM_STARTUP=<pid>:<dwFlags>:<wShowWindow>:<dwX>:<dwY>:<dwXSize>:
 *                   <dwYSize>:<dwXCountChars>:<dwYCountChars>:
 *                   <dwFillAttribute>:<error mode>:<title>:<desktop>
 * numbers in hex, the strings as hex UTF-8 ("-" for NULL), the pid
 * written by the child itself before execve as for the command line
 * (cmdline.c), so that a grandchild started by a program that is not
 * winshim's does not take it for its own.  A constructor reads and
 * removes it before main.
 *
 * A process that no winshim parent started gets Windows' defaults: cb
 * set, no flags, lpTitle the program's path (GetModuleFileName), the rest
 * zero.  The standard handles are filled in (GetStdHandle) only with
 * STARTF_USESTDHANDLES; Microsoft leaves them undefined otherwise and we
 * return NULL.  lpDesktop is the string the parent passed, else NULL.
 * Everything is made once and never changes, as on Windows.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/unicode.h"
#include "proc/process.h"

#define STARTUP_ENV "WINSHIM_STARTUP"
#define STARTUP_PID_DIGITS 10

struct startup {
    DWORD flags, show, x, y, xsize, ysize, xchars, ychars, fill;
    char *title;   /* UTF-8, NULL: the default */
    char *desktop; /* UTF-8 or NULL */
};

static struct startup passed;
static pthread_once_t strings_once = PTHREAD_ONCE_INIT;
static char *title_a, *desktop_a;
static WCHAR *title_w, *desktop_w;

/* ---- the parent's side ---- */

static char *hex_of(const char *s)
{
    if (!s)
        return strdup("-");
    size_t n = strlen(s);
    char *h = malloc(2 * n + 1);
    if (h) {
        for (size_t i = 0; i < n; i++)
            snprintf(h + 2 * i, 3, "%02x", (unsigned char)s[i]);
        h[2 * n] = 0;
    }
    return h;
}

static char *startup_env(const STARTUPINFOA *si, const char *title, const char *desktop,
                         DWORD creation_flags)
{
    char *th = hex_of(title), *dh = hex_of(desktop), *e = NULL;
    DWORD mode = (creation_flags & CREATE_DEFAULT_ERROR_MODE) ? 0 : GetErrorMode();
    if (th && dh &&
        asprintf(&e, "%s=%0*d:%x:%x:%x:%x:%x:%x:%x:%x:%x:%x:%s:%s", STARTUP_ENV,
                 STARTUP_PID_DIGITS, 0, si->dwFlags, si->wShowWindow, si->dwX, si->dwY,
                 si->dwXSize, si->dwYSize, si->dwXCountChars, si->dwYCountChars,
                 si->dwFillAttribute, mode, th, dh) < 0)
        e = NULL;
    free(th);
    free(dh);
    return e;
}

char *startup_env_a(const STARTUPINFOA *si, DWORD creation_flags)
{
    return startup_env(si, si->lpTitle, si->lpDesktop, creation_flags);
}

char *startup_env_w(const STARTUPINFOW *si, DWORD creation_flags)
{
    /* The numeric fields sit at the same offsets in both structures. */
    STARTUPINFOA a;
    memcpy(&a, si, sizeof a);
    char *title = NULL, *desktop = NULL, *e = NULL;
    bool ok = true;
    if (si->lpTitle) {
        size_t n = wstrlen(si->lpTitle);
        ok = (title = malloc(3 * n + 1)) && utf16_to_utf8(si->lpTitle, n, title, 3 * n + 1) >= 0;
    }
    if (ok && si->lpDesktop) {
        size_t n = wstrlen(si->lpDesktop);
        ok = (desktop = malloc(3 * n + 1)) &&
             utf16_to_utf8(si->lpDesktop, n, desktop, 3 * n + 1) >= 0;
    }
    if (ok)
        e = startup_env(&a, title, desktop, creation_flags);
    free(title);
    free(desktop);
    return e;
}

/* Where the child writes its pid in the entry startup_env made. */
char *startup_env_pid_slot(char *entry)
{
    return entry + strlen(STARTUP_ENV) + 1;
}

/* ---- the child's side ---- */

static char *unhex(const char *h, size_t len)
{
    if (len == 1 && h[0] == '-')
        return NULL;
    char *s = malloc(len / 2 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i + 1 < len; i += 2) {
        unsigned v;
        if (sscanf(h + i, "%2x", &v) != 1)
            v = '?';
        s[i / 2] = (char)v;
    }
    s[len / 2] = 0;
    return s;
}

__attribute__((constructor)) static void startup_take_env(void)
{
    const char *v = getenv(STARTUP_ENV);
    if (!v)
        return;
    char *end;
    long pid = strtol(v, &end, 10);
    struct startup s = {0};
    unsigned mode = 0;
    int used = 0;
    if (end == v + STARTUP_PID_DIGITS && pid == (long)getpid() &&
        sscanf(end, ":%x:%x:%x:%x:%x:%x:%x:%x:%x:%x:%n", &s.flags, &s.show, &s.x, &s.y,
               &s.xsize, &s.ysize, &s.xchars, &s.ychars, &s.fill, &mode, &used) == 10 &&
        used) {
        const char *title = end + used, *colon = strchr(title, ':');
        if (colon) {
            s.title = unhex(title, (size_t)(colon - title));
            s.desktop = unhex(colon + 1, strlen(colon + 1));
            passed = s;
            SetErrorMode(mode);
        }
    }
    unsetenv(STARTUP_ENV);
}

static void startup_strings(void)
{
    if (passed.title) {
        title_a = passed.title;
    } else {
        char path[4096];
        DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
        title_a = strdup(n && n < sizeof path ? path : "");
    }
    desktop_a = passed.desktop;
    if (title_a) {
        size_t cap = strlen(title_a) + 1;
        if ((title_w = malloc(cap * sizeof *title_w)) && utf8_to_utf16(title_a, title_w, cap) < 0)
            title_w[0] = 0;
    }
    if (desktop_a) {
        size_t cap = strlen(desktop_a) + 1;
        if ((desktop_w = malloc(cap * sizeof *desktop_w)) &&
            utf8_to_utf16(desktop_a, desktop_w, cap) < 0)
            desktop_w[0] = 0;
    }
}

/* The fields both forms share (the same offsets in both). */
static void startup_fill(STARTUPINFOA *si)
{
    memset(si, 0, sizeof *si);
    si->cb = sizeof *si;
    si->dwFlags = passed.flags;
    si->wShowWindow = (WORD)passed.show;
    si->dwX = passed.x;
    si->dwY = passed.y;
    si->dwXSize = passed.xsize;
    si->dwYSize = passed.ysize;
    si->dwXCountChars = passed.xchars;
    si->dwYCountChars = passed.ychars;
    si->dwFillAttribute = passed.fill;
    if (passed.flags & STARTF_USESTDHANDLES) {
        si->hStdInput = GetStdHandle(STD_INPUT_HANDLE);
        si->hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
        si->hStdError = GetStdHandle(STD_ERROR_HANDLE);
    }
}

WS_EXPORT void WINAPI GetStartupInfoA(LPSTARTUPINFOA si)
{
    pthread_once(&strings_once, startup_strings);
    startup_fill(si);
    si->lpTitle = title_a;
    si->lpDesktop = desktop_a;
}

WS_EXPORT void WINAPI GetStartupInfoW(LPSTARTUPINFOW si)
{
    _Static_assert(sizeof(STARTUPINFOA) == sizeof(STARTUPINFOW), "one layout");
    pthread_once(&strings_once, startup_strings);
    startup_fill((STARTUPINFOA *)si);
    si->cb = sizeof *si;
    si->lpTitle = title_w;
    si->lpDesktop = desktop_w;
}
