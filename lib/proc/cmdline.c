/*
 * Command lines: Windows passes a process one string, Linux an argv array.
 *
 * Parsing follows the Microsoft C runtime (what a Windows program's argv
 * is made from):
 *   - argv[0] runs to the first space or tab outside double quotes; the
 *     quotes are dropped and backslashes are plain characters;
 *   - the other arguments are separated by spaces and tabs outside quotes;
 *     2n backslashes before a quote give n backslashes and the quote opens
 *     or closes quoting; 2n+1 backslashes before a quote give n
 *     backslashes and a literal quote; backslashes before anything else
 *     are literal; inside quotes, "" is a literal quote.
 * cmdline_from_argv quotes the other way, so that parsing gives argv back.
 *
 * GetCommandLineA/W: a child that CreateProcess started gets the exact
 * string its parent passed, through CMDLINE_ENV, which the library reads
 * and removes from the environment before main runs.  The variable counts
 * only if it names this process's pid (the child writes its own pid into
 * it before execve, so a grandchild cannot take it for its own) and its
 * command line parses to this process's argv (so a program that a
 * non-winshim child exec()s with other arguments does not either).
 * Otherwise the command line is rebuilt from /proc/self/cmdline.  Both
 * strings are made once and never change, as on Windows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/base.h"
#include "proc/process.h"
#include "core/unicode.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses into out (when non-NULL) and returns the number of arguments;
 * *bytes gets the bytes the strings need, terminators included. */
static int cmdline_scan(const char *p, char **argv, char *out, size_t *bytes)
{
    int argc = 0;
    size_t n = 0;
#define EMIT(c)                \
    do {                       \
        if (out)               \
            out[n] = (c);      \
        n++;                   \
    } while (0)

    /* argv[0], always there (empty for an empty line): quotes toggle,
     * nothing else is special. */
    {
        bool quoted = false;
        if (argv)
            argv[argc] = out + n;
        argc++;
        for (; *p && (quoted || !is_blank(*p)); p++) {
            if (*p == '"')
                quoted = !quoted;
            else
                EMIT(*p);
        }
        EMIT('\0');
    }
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        if (argv)
            argv[argc] = out + n;
        argc++;
        bool quoted = false;
        for (;;) {
            size_t slashes = 0;
            while (*p == '\\') {
                slashes++;
                p++;
            }
            if (*p == '"') {
                for (size_t i = 0; i < slashes / 2; i++)
                    EMIT('\\');
                if (slashes % 2) {
                    EMIT('"');
                } else if (quoted && p[1] == '"') {
                    EMIT('"');
                    p++;
                } else {
                    quoted = !quoted;
                }
                p++;
                continue;
            }
            for (size_t i = 0; i < slashes; i++)
                EMIT('\\');
            if (!*p || (!quoted && is_blank(*p)))
                break;
            EMIT(*p);
            p++;
        }
        EMIT('\0');
    }
#undef EMIT
    *bytes = n;
    return argc;
}

char **cmdline_to_argv(const char *cmdline, int *argc_out)
{
    size_t bytes;
    int argc = cmdline_scan(cmdline, NULL, NULL, &bytes);
    size_t head = (size_t)(argc + 1) * sizeof(char *);
    char **argv = malloc(head + bytes + 1);
    if (!argv)
        return NULL;
    cmdline_scan(cmdline, argv, (char *)argv + head, &bytes);
    argv[argc] = NULL;
    if (argc_out)
        *argc_out = argc;
    return argv;
}

/* Appends one argument quoted for the parser above. */
static size_t quote_arg(const char *a, bool first, char *out)
{
    size_t n = 0;
#define PUT(c)                 \
    do {                       \
        if (out)               \
            out[n] = (c);      \
        n++;                   \
    } while (0)
    bool plain = *a != '\0';
    for (const char *p = a; *p; p++)
        if (is_blank(*p) || *p == '"' || *p == '\n' || *p == '\v')
            plain = false;
    if (plain) {
        for (const char *p = a; *p; p++)
            PUT(*p);
    } else if (first) {
        /* argv[0] has no escapes: a quote in it cannot be expressed and
         * is dropped. */
        PUT('"');
        for (const char *p = a; *p; p++)
            if (*p != '"')
                PUT(*p);
        PUT('"');
    } else {
        PUT('"');
        for (const char *p = a;; p++) {
            size_t slashes = 0;
            while (*p == '\\') {
                slashes++;
                p++;
            }
            if (!*p) {
                for (size_t i = 0; i < 2 * slashes; i++)
                    PUT('\\');
                break;
            }
            if (*p == '"') {
                for (size_t i = 0; i < 2 * slashes + 1; i++)
                    PUT('\\');
            } else {
                for (size_t i = 0; i < slashes; i++)
                    PUT('\\');
            }
            PUT(*p);
        }
        PUT('"');
    }
#undef PUT
    return n;
}

char *cmdline_from_argv(char *const *argv, int argc)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += quote_arg(argv[i], i == 0, NULL) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        if (i)
            s[n++] = ' ';
        n += quote_arg(argv[i], i == 0, s + n);
    }
    s[n] = '\0';
    return s;
}

/* ---- this process's command line ---- */

static char *passed;   /* from CMDLINE_ENV, not yet checked against argv */
static char *line_a;
static WCHAR *line_w;
static pthread_once_t line_once = PTHREAD_ONCE_INIT;

/* Runs when the library is loaded, before main: takes CMDLINE_ENV out of
 * the environment so that nothing the program starts inherits it. */
__attribute__((constructor)) static void cmdline_take_env(void)
{
    const char *v = getenv(CMDLINE_ENV);
    if (!v)
        return;
    char *end;
    long pid = strtol(v, &end, 10);
    if (end == v + CMDLINE_PID_DIGITS && *end == ':' && pid == (long)getpid()) {
        long fd = strtol(end + 1, &end, 10);
        if (*end == ':') {
            passed = strdup(end + 1);
            if (fd >= 0) {
                void *box = mmap(NULL, sizeof(struct exit_box),
                                 PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
                close((int)fd);
                if (box != MAP_FAILED)
                    process_set_exit_box(box);
            }
        }
    }
    unsetenv(CMDLINE_ENV);
}

/* /proc/self/cmdline as argv (malloc()ed block), NULL on failure. */
static char **proc_argv(int *argc)
{
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (!buf)
        return NULL;
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\0';
    if (len && buf[len - 1] != '\0')
        n++; /* a program that rewrote its arguments */
    char **argv = malloc((size_t)(n + 1) * sizeof *argv + len + 1);
    if (!argv) {
        free(buf);
        return NULL;
    }
    char *strings = (char *)(argv + n + 1);
    memcpy(strings, buf, len);
    strings[len] = '\0';
    free(buf);
    int k = 0;
    for (size_t i = 0; i < len && k < n; k++) {
        argv[k] = strings + i;
        i += strlen(strings + i) + 1;
    }
    argv[k] = NULL;
    *argc = k;
    return argv;
}

static bool same_argv(char **a, int na, char **b, int nb)
{
    if (na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

static void cmdline_make(void)
{
    int argc = 0;
    char **argv = proc_argv(&argc);
    if (passed && argv) {
        int pargc;
        char **pargv = cmdline_to_argv(passed, &pargc);
        if (pargv && same_argv(pargv, pargc, argv, argc)) {
            line_a = passed;
            passed = NULL;
        }
        free(pargv);
    }
    free(passed);
    passed = NULL;
    if (!line_a && argv)
        line_a = cmdline_from_argv(argv, argc);
    free(argv);
    if (!line_a)
        line_a = strdup("");
    if (line_a)
        line_w = utf8_to_utf16_dup(line_a);
}

/* Out of memory at the first call leaves an empty string: the functions
 * cannot fail. */
WS_EXPORT LPSTR WINAPI GetCommandLineA(void)
{
    static char empty_a[1];
    pthread_once(&line_once, cmdline_make);
    return line_a ? line_a : empty_a;
}

WS_EXPORT LPWSTR WINAPI GetCommandLineW(void)
{
    static WCHAR empty_w[1];
    pthread_once(&line_once, cmdline_make);
    return line_w ? line_w : empty_w;
}
