/*
 * The process environment: Get/SetEnvironmentVariable, the environment
 * block, ExpandEnvironmentStrings.
 *
 * The Windows environment of a winshim process *is* the C library's
 * `environ`: SetEnvironmentVariable calls setenv/unsetenv and the Get
 * functions search environ, so a ported program that mixes getenv/setenv
 * with the Win32 calls sees one environment, and CreateProcess (which
 * passes environ when lpEnvironment is NULL) hands it to the child.
 *
 * Windows semantics on top of it:
 *   - names compare case-insensitively (ASCII letters; other characters
 *     exactly); a lookup prefers an exact match, then takes the first
 *     entry that matches without case;
 *   - setting a name first removes every entry that matches it without
 *     case, so a Windows program never sees two of "Path" and "PATH";
 *   - a name must be non-empty and contain no '='.  Windows' per-drive
 *     directory variables ("=C:") cannot exist in a Linux environment:
 *     ERROR_INVALID_PARAMETER (docs/COMPATIBILITY.md).
 *   - the block is in environ's order, not sorted as Windows keeps it.
 * Text is UTF-8 (the ANSI code page here); the W functions convert.
 *
 * Lock: env_lock serialises our readers and writers of environ.  The C
 * library's getenv takes no lock, so a program that calls setenv or
 * SetEnvironmentVariable on one thread while another reads with getenv
 * races as it would without winshim (POSIX: setenv is not thread-safe).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "core/error.h"
#include "core/unicode.h"

extern char **environ;

static pthread_mutex_t env_lock = PTHREAD_MUTEX_INITIALIZER;

static void env_enter(void)
{
    int r = pthread_mutex_lock(&env_lock);
    if (r)
        ws_panic("env lock", r);
}

static void env_leave(void)
{
    pthread_mutex_unlock(&env_lock);
}

/* ---- text helpers ---- */

static char *w_to_u(const WCHAR *s, size_t n)
{
    char *u = malloc(3 * n + 1);
    if (u && utf16_to_utf8(s, n, u, 3 * n + 1) < 0) {
        free(u);
        u = NULL;
    }
    return u;
}

static WCHAR *u_to_w(const char *s, int *len)
{
    size_t cap = strlen(s) + 1;
    WCHAR *w = malloc(cap * sizeof *w);
    int n = w ? utf8_to_utf16(s, w, cap) : -1;
    if (n < 0) {
        free(w);
        return NULL;
    }
    if (len)
        *len = n;
    return w;
}

/* Does entry "NAME=value" have name (len bytes)?  exact: with case. */
static bool entry_is(const char *entry, const char *name, size_t len, bool exact)
{
    if (exact ? strncmp(entry, name, len) != 0 : strncasecmp(entry, name, len) != 0)
        return false;
    return entry[len] == '=';
}

/* Under env_lock: the entry for name, or NULL. */
static const char *env_find(const char *name, size_t len)
{
    for (int exact = 1; exact >= 0; exact--)
        for (char **e = environ; e && *e; e++)
            if (entry_is(*e, name, len, exact))
                return *e;
    return NULL;
}

/* The value of name (malloc) or NULL with *err set. */
static char *env_get(const char *name, size_t len, DWORD *err)
{
    env_enter();
    const char *e = env_find(name, len);
    char *v = e ? strdup(e + len + 1) : NULL;
    env_leave();
    *err = !e ? ERROR_ENVVAR_NOT_FOUND : !v ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SUCCESS;
    return v;
}

static bool name_valid(const char *name)
{
    return *name && !strchr(name, '=');
}

/* Under env_lock: removes every entry that matches name without case. */
static void env_remove_locked(const char *name)
{
    size_t len = strlen(name);
    char **e = environ;
    while (e && *e) {
        if (!entry_is(*e, name, len, false)) {
            e++;
            continue;
        }
        char actual[len + 1];
        memcpy(actual, *e, len);
        actual[len] = 0;
        unsetenv(actual); /* shifts the later entries down */
        e = environ;
    }
}

/* value NULL: delete (deleting a missing variable succeeds). */
static DWORD env_set(const char *name, const char *value)
{
    if (!name)
        return ERROR_ENVVAR_NOT_FOUND; /* as Wine; Windows crashes or says so */
    if (!name_valid(name))
        return ERROR_INVALID_PARAMETER;
    DWORD err = ERROR_SUCCESS;
    env_enter();
    env_remove_locked(name);
    if (value && setenv(name, value, 1) < 0)
        err = ERROR_NOT_ENOUGH_MEMORY;
    env_leave();
    return err;
}

/* ---- GetEnvironmentVariable / SetEnvironmentVariable ---- */

/* The size protocol: the length without the terminator when it fits,
 * else the size needed with it (the buffer then untouched, the last
 * error too). */
WS_EXPORT DWORD WINAPI GetEnvironmentVariableA(LPCSTR name, LPSTR buf, DWORD size)
{
    if (!name || !*name) {
        ws_set_last_error(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    DWORD err;
    char *v = env_get(name, strlen(name), &err);
    if (!v) {
        ws_set_last_error(err);
        return 0;
    }
    size_t len = strlen(v);
    DWORD r = (DWORD)len + 1;
    if (len < size) {
        memcpy(buf, v, len + 1);
        r = (DWORD)len;
    }
    free(v);
    return r;
}

WS_EXPORT DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buf, DWORD size)
{
    if (!name || !*name) {
        ws_set_last_error(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    char *u = w_to_u(name, wstrlen(name));
    if (!u) {
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    DWORD err;
    char *v = env_get(u, strlen(u), &err);
    free(u);
    int len = 0;
    WCHAR *w = v ? u_to_w(v, &len) : NULL;
    free(v);
    if (!w) {
        ws_set_last_error(v ? ERROR_NOT_ENOUGH_MEMORY : err);
        return 0;
    }
    DWORD r = (DWORD)len + 1;
    if ((DWORD)len < size) {
        memcpy(buf, w, ((size_t)len + 1) * sizeof *w);
        r = (DWORD)len;
    }
    free(w);
    return r;
}

WS_EXPORT BOOL WINAPI SetEnvironmentVariableA(LPCSTR name, LPCSTR value)
{
    return ws_bool(env_set(name, value));
}

WS_EXPORT BOOL WINAPI SetEnvironmentVariableW(LPCWSTR name, LPCWSTR value)
{
    if (!name)
        return ws_bool(ERROR_ENVVAR_NOT_FOUND);
    char *n = w_to_u(name, wstrlen(name));
    char *v = value ? w_to_u(value, wstrlen(value)) : NULL;
    DWORD err = !n || (value && !v) ? ERROR_NOT_ENOUGH_MEMORY : env_set(n, v);
    free(n);
    free(v);
    return ws_bool(err);
}

/* ---- the block ---- */

/* environ as "a=b\0c=d\0\0" (malloc); NULL when out of memory. */
static char *env_block_u(size_t *size)
{
    env_enter();
    size_t n = 1;
    for (char **e = environ; e && *e; e++)
        n += strlen(*e) + 1;
    char *b = malloc(n);
    if (b) {
        char *p = b;
        for (char **e = environ; e && *e; e++) {
            size_t len = strlen(*e) + 1;
            memcpy(p, *e, len);
            p += len;
        }
        *p = 0;
    }
    env_leave();
    if (size)
        *size = n;
    return b;
}

/* The SDK maps GetEnvironmentStringsA to GetEnvironmentStrings in ANSI
 * builds; both names are exported. */
#undef GetEnvironmentStringsA
LPCH WINAPI GetEnvironmentStringsA(void);
WS_EXPORT LPCH WINAPI GetEnvironmentStrings(void)
{
    char *b = env_block_u(NULL);
    if (!b)
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return b;
}

WS_EXPORT LPCH WINAPI GetEnvironmentStringsA(void)
{
    return GetEnvironmentStrings();
}

WS_EXPORT LPWCH WINAPI GetEnvironmentStringsW(void)
{
    size_t n;
    char *b = env_block_u(&n);
    WCHAR *w = b ? malloc(n * sizeof *w) : NULL; /* never more units than bytes */
    if (w) {
        size_t o = 0;
        for (const char *p = b; *p; p += strlen(p) + 1)
            o += (size_t)utf8_to_utf16(p, w + o, n - o) + 1;
        w[o] = 0;
    } else {
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    }
    free(b);
    return w;
}

WS_EXPORT BOOL WINAPI FreeEnvironmentStringsA(LPCH block)
{
    free(block);
    return TRUE;
}

WS_EXPORT BOOL WINAPI FreeEnvironmentStringsW(LPWCH block)
{
    free(block);
    return TRUE;
}

/* Replaces the environment with a block of UTF-8 entries, each
 * "name=value" with a non-empty name.  winshim's own settings (WINSHIM_*)
 * that the block does not name are kept, so that the process's later
 * children still find this process's session. */
static DWORD env_replace(const char *block)
{
    for (const char *p = block; *p; p += strlen(p) + 1) {
        const char *eq = strchr(p, '=');
        if (!eq || eq == p)
            return ERROR_INVALID_PARAMETER;
    }
    env_enter();
    char *keep = NULL;
    size_t nkeep = 0;
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, "WINSHIM_", 8) == 0) {
            size_t len = strlen(*e) + 1;
            char *k = realloc(keep, nkeep + len + 1);
            if (!k)
                break;
            keep = k;
            memcpy(keep + nkeep, *e, len);
            nkeep += len;
        }
    if (keep)
        keep[nkeep] = 0;
    clearenv();
    DWORD err = ERROR_SUCCESS;
    for (int pass = 0; pass < 2 && !err; pass++) {
        const char *p = pass ? block : keep;
        for (; p && *p && !err; p += strlen(p) + 1) {
            const char *eq = strchr(p, '=');
            size_t len = (size_t)(eq - p);
            char name[len + 1];
            memcpy(name, p, len);
            name[len] = 0;
            env_remove_locked(name);
            if (setenv(name, eq + 1, 1) < 0)
                err = ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    env_leave();
    free(keep);
    return err;
}

WS_EXPORT BOOL WINAPI SetEnvironmentStringsA(LPCH block)
{
    if (!block)
        return ws_bool(ERROR_INVALID_PARAMETER);
    return ws_bool(env_replace(block));
}

WS_EXPORT BOOL WINAPI SetEnvironmentStringsW(LPWCH block)
{
    if (!block)
        return ws_bool(ERROR_INVALID_PARAMETER);
    size_t n = 0;
    while (block[n])
        n += wstrlen(block + n) + 1;
    char *u = malloc(3 * n + 1);
    if (!u)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    size_t o = 0;
    for (size_t i = 0; i < n; i += wstrlen(block + i) + 1)
        o += (size_t)utf16_to_utf8(block + i, (size_t)-1, u + o, 3 * n + 1 - o) + 1;
    u[o] = 0;
    DWORD err = env_replace(u);
    free(u);
    return ws_bool(err);
}

/* ---- ExpandEnvironmentStrings ---- */

/*
 * Windows' expansion, in UTF-16: %NAME% of a defined variable becomes its
 * value (not expanded again); anything else is copied, so an unknown
 * "%A%B%" keeps "%A" and looks for "%B%" next.  Into a buffer of `size`
 * units it writes, as Windows does (Wine's tests pin it): text while it
 * fits before the last unit; a value only whole, with a terminator after
 * it; at the first piece that does not fit, a terminator for a value
 * (none for text) and nothing more.  The result is the size the whole
 * needs, terminator included.
 */
struct expand_out {
    WCHAR *buf;      /* may be NULL */
    size_t size;
    size_t pos;      /* units produced so far */
    bool stopped;
};

static void expand_char(struct expand_out *o, WCHAR c)
{
    if (!o->stopped && o->buf && o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    else
        o->stopped = true;
    o->pos++;
}

static void expand_value(struct expand_out *o, const WCHAR *v, size_t len)
{
    if (!o->stopped && o->buf && o->pos + len + 1 <= o->size) {
        memcpy(o->buf + o->pos, v, len * sizeof *v);
        o->buf[o->pos + len] = 0;
    } else {
        if (!o->stopped && o->buf && o->pos < o->size)
            o->buf[o->pos] = 0;
        o->stopped = true;
    }
    o->pos += len;
}

/* A variable's value as UTF-16 (malloc), NULL when undefined. */
static WCHAR *expand_lookup(const WCHAR *name, size_t len, int *vlen)
{
    char *u = w_to_u(name, len);
    if (!u || !*u) {
        free(u);
        return NULL;
    }
    DWORD err;
    char *v = env_get(u, strlen(u), &err);
    free(u);
    WCHAR *w = v ? u_to_w(v, vlen) : NULL;
    free(v);
    return w;
}

static DWORD expand_w(const WCHAR *src, WCHAR *buf, size_t size)
{
    struct expand_out o = {buf, size, 0, false};
    const WCHAR *p = src ? src : (const WCHAR[]){0};
    while (*p) {
        if (*p == '%') {
            const WCHAR *end = p + 1;
            while (*end && *end != '%')
                end++;
            if (*end == '%') {
                int vlen;
                WCHAR *v = expand_lookup(p + 1, (size_t)(end - p - 1), &vlen);
                if (v) {
                    expand_value(&o, v, (size_t)vlen);
                    free(v);
                    p = end + 1;
                    continue;
                }
            }
            /* Unknown or unclosed: "%NAME" is text; the closing '%' may
             * open the next variable. */
            expand_char(&o, *p++);
            while (*p && *p != '%')
                expand_char(&o, *p++);
            continue;
        }
        expand_char(&o, *p++);
    }
    if (!o.stopped && buf && o.pos < size)
        buf[o.pos] = 0;
    return (DWORD)(o.pos + 1);
}

WS_EXPORT DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD size)
{
    return expand_w(src, dst, size);
}

/* The ANSI form expands whole and copies all or nothing, and wants room
 * for one unit more than the result: a buffer of fewer than length + 2
 * gets an empty string and the result is length + 2; otherwise the
 * result is length + 1 (Windows' own, pinned by Wine's tests). */
WS_EXPORT DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR src, LPSTR dst, DWORD size)
{
    int n = 0;
    WCHAR *w = u_to_w(src ? src : "", &n);
    if (!w) {
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    DWORD need = expand_w(w, NULL, 0);
    WCHAR *x = malloc(need * sizeof *x);
    char *u = x ? (expand_w(w, x, need), w_to_u(x, need - 1)) : NULL;
    free(w);
    free(x);
    if (!u) {
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    size_t len = strlen(u);
    DWORD r;
    if (len + 2 <= size) {
        memcpy(dst, u, len + 1);
        r = (DWORD)len + 1;
    } else {
        if (dst && size)
            dst[0] = 0;
        r = (DWORD)len + 2;
    }
    free(u);
    return r;
}
