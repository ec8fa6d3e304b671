/*
 * The loader's names and directories: how a Windows module name becomes
 * the shared objects to try, and where they are looked for
 * (SetDllDirectory, AddDllDirectory, SetDefaultDllDirectories).
 *
 * Names (docs/COMPATIBILITY.md, "Modules"; module.c uses dllpath_parse):
 *   - Trailing spaces are dropped (as Windows' loader does).  The last
 *     component is the file; what is before it, if anything, a directory
 *     in Windows or Unix spelling, through path.c's drive mapping.
 *   - "foo" (no extension) is "foo.dll", as on Windows; "foo." (a
 *     trailing dot) means "no extension": "foo".
 *   - "foo.dll" (any case of .dll) is tried as "foo.so", then
 *     "libfoo.so"; any other name ("foo.drv", "libz.so.1") as given, then
 *     with "lib" in front.  A name with upper-case letters is then tried
 *     once more in lower case ("Foo.DLL": Foo.so libFoo.so foo.so
 *     libfoo.so).  "prog.exe" is also "prog", the executable's own name.
 *   - kernel32, kernelbase, ntdll, advapi32, user32, ws2_32, mswsock and
 *     the api-ms-win-core-* and api-ms-win-security-* sets (with or
 *     without ".dll", any case, any directory) name libwinshim itself.
 *
 * Directories, in order (dllpath_each):
 *   - a name with a directory: that directory only (relative to the
 *     current directory when relative);
 *   - LOAD_LIBRARY_SEARCH_* flags (given, or SetDefaultDllDirectories'):
 *     only those: the directory of the name (DLL_LOAD_DIR), the
 *     application's directory, the AddDllDirectory directories (newest
 *     first) and then SetDllDirectory's, then the system's (SYSTEM32:
 *     dlopen's own search: LD_LIBRARY_PATH, the ld.so cache, /lib, /usr/lib);
 *   - otherwise Windows' standard order in safe search mode: the
 *     application's directory, SetDllDirectory's directory, the system's,
 *     then the current directory, which SetDllDirectory with any non-NULL
 *     argument removes, as the documentation says.
 *
 * Lock: dir_lock (a pthread mutex, a leaf) guards dll_dir, the user
 * directory list and default_flags.  Searches copy what they need under
 * it and try files without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/unicode.h"
#include "io/path.h"
#include "proc/module.h"

#define SEARCH_FLAGS (LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_APPLICATION_DIR | \
                      LOAD_LIBRARY_SEARCH_USER_DIRS | LOAD_LIBRARY_SEARCH_SYSTEM32 |         \
                      LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)
#define DEFAULT_DIR_FLAGS (LOAD_LIBRARY_SEARCH_APPLICATION_DIR | LOAD_LIBRARY_SEARCH_USER_DIRS | \
                           LOAD_LIBRARY_SEARCH_SYSTEM32 | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)

struct user_dir {
    struct user_dir *next;
    char *path; /* absolute Unix path */
};

static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;
static char *dll_dir;          /* SetDllDirectory's argument (UTF-8), or NULL */
static struct user_dir *user_dirs; /* AddDllDirectory, newest first */
static DWORD default_flags;    /* SetDefaultDllDirectories; 0: standard order */

/* ---- names ---- */

static const char *const system_names[] = {
    "kernel32", "kernelbase", "ntdll", "advapi32", "user32", "ws2_32", "mswsock",
};

static bool name_is_system(const char *file, size_t n)
{
    char low[64];
    if (n >= sizeof low)
        return false;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)((file[i] >= 'A' && file[i] <= 'Z') ? file[i] | 0x20 : file[i]);
    low[n] = 0;
    if (n > 4 && !strcmp(low + n - 4, ".dll"))
        low[n -= 4] = 0;
    if (!strncmp(low, "api-ms-win-core-", 16) || !strncmp(low, "api-ms-win-security-", 20))
        return true;
    for (size_t i = 0; i < sizeof system_names / sizeof *system_names; i++)
        if (!strcmp(low, system_names[i]))
            return true;
    return false;
}

static DWORD name_add(struct dll_name *d, const char *pre, const char *s, size_t n,
                      const char *post)
{
    if (d->nfiles == DLL_NAME_FILES || (!n && !*post))
        return 0;
    char *f;
    if (asprintf(&f, "%s%.*s%s", pre, (int)n, s, post) < 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (int i = 0; i < d->nfiles; i++)
        if (!strcmp(d->files[i], f)) {
            free(f);
            return 0;
        }
    d->files[d->nfiles++] = f;
    return 0;
}

/* The candidates for a file name spelled s (n bytes). */
static DWORD name_files(struct dll_name *d, const char *s, size_t n)
{
    bool append_dll = true;
    if (s[n - 1] == '.') { /* "foo.": no ".dll" appended */
        append_dll = false;
        n--;
    }
    const char *dot = n ? memrchr(s, '.', n) : NULL;
    size_t ext = dot ? n - (size_t)(dot - s) : 0;
    DWORD err;
    if ((!dot && append_dll) || (ext == 4 && !strncasecmp(dot, ".dll", 4))) {
        size_t stem = dot ? (size_t)(dot - s) : n;
        err = name_add(d, "", s, stem, ".so");
        if (!err)
            err = name_add(d, "lib", s, stem, ".so");
        return err;
    }
    if (ext == 4 && !strncasecmp(dot, ".exe", 4)) {
        err = name_add(d, "", s, (size_t)(dot - s), "");
        return err ? err : name_add(d, "", s, n, "");
    }
    err = name_add(d, "", s, n, "");
    return err ? err : name_add(d, "lib", s, n, "");
}

DWORD dllpath_parse(const char *name, struct dll_name *d)
{
    memset(d, 0, sizeof *d);
    size_t n = strlen(name);
    while (n && name[n - 1] == ' ')
        n--;
    if (!n)
        return ERROR_MOD_NOT_FOUND;
    size_t f = n;
    while (f && name[f - 1] != '\\' && name[f - 1] != '/' && !(f == 2 && name[1] == ':'))
        f--;
    if (f == n) /* "dir\" names a directory, not a module */
        return ERROR_MOD_NOT_FOUND;
    d->system = name_is_system(name + f, n - f);
    DWORD err = name_files(d, name + f, n - f);
    for (int i = 0, k = d->nfiles; !err && i < k; i++) {
        char low[PATH_MAX];
        size_t len = strlen(d->files[i]);
        if (len >= sizeof low)
            continue;
        for (size_t j = 0; j <= len; j++) {
            char c = d->files[i][j];
            low[j] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
        }
        err = name_add(d, "", low, len, "");
    }
    if (!err && f) {
        d->absolute = (f >= 3 && name[1] == ':' && (name[2] == '\\' || name[2] == '/')) ||
                      name[0] == '\\' || name[0] == '/';
        char *dir = strndup(name, f);
        struct upath p;
        err = dir ? path_from_a(dir, 0, &p) : ERROR_NOT_ENOUGH_MEMORY;
        free(dir);
        if (err && err != ERROR_NOT_ENOUGH_MEMORY)
            err = ERROR_MOD_NOT_FOUND; /* the loader's word for any bad path */
        if (!err) {
            char cwd[PATH_MAX];
            if (p.buf[0] == '/')
                d->dir = strdup(p.buf);
            else if (getcwd(cwd, sizeof cwd) && asprintf(&d->dir, "%s/%s", cwd, p.buf) < 0)
                d->dir = NULL;
            path_free(&p);
            if (!d->dir)
                err = ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    if (err)
        dllpath_free(d);
    return err;
}

DWORD dllpath_parse_datafile(const char *name, struct dll_name *d)
{
    DWORD err = dllpath_parse(name, d);
    if (err)
        return err;
    /* The file as named (a Windows PE file keeps its name), ".dll" added
     * to a name without an extension, before the shared-object names. */
    size_t n = strlen(name);
    while (n && name[n - 1] == ' ')
        n--;
    size_t f = n;
    while (f && name[f - 1] != '\\' && name[f - 1] != '/' && !(f == 2 && name[1] == ':'))
        f--;
    const char *base = name + f;
    size_t len = n - f;
    bool dot = memchr(base, '.', len) != NULL;
    if (len && base[len - 1] == '.')
        len--; /* "foo.": no extension */
    char *lit;
    if (asprintf(&lit, "%.*s%s", (int)len, base, dot ? "" : ".dll") < 0) {
        dllpath_free(d);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (int i = 0; i < d->nfiles; i++)
        if (!strcmp(d->files[i], lit)) {
            free(lit);
            return 0;
        }
    if (d->nfiles == DLL_NAME_FILES)
        free(d->files[--d->nfiles]);
    memmove(d->files + 1, d->files, sizeof *d->files * (size_t)d->nfiles);
    d->files[0] = lit;
    d->nfiles++;
    return 0;
}

void dllpath_free(struct dll_name *d)
{
    for (int i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->dir);
    memset(d, 0, sizeof *d);
}

bool dllpath_matches(const struct dll_name *d, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (int i = 0; i < d->nfiles; i++)
        if (!strcasecmp(base, d->files[i]))
            return true;
    return false;
}

/* ---- the search ---- */

/* The executable's directory. */
static DWORD dllpath_app_dir(char *out, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", out, cap - 1);
    if (n < 0)
        return ws_errno_to_win32(errno);
    out[n] = 0;
    char *slash = strrchr(out, '/');
    if (slash)
        slash[slash == out] = 0; /* "/prog" lives in "/" */
    return 0;
}

/* Tries each candidate file in dir (NULL: the system's search). */
static DWORD try_dir(const struct dll_name *d, const char *dir, dllpath_try_fn *fn, void *ctx)
{
    for (int i = 0; i < d->nfiles; i++) {
        char path[PATH_MAX];
        if (!dir) {
            snprintf(path, sizeof path, "%s", d->files[i]);
        } else {
            if (snprintf(path, sizeof path, "%s/%s", dir, d->files[i]) >= (int)sizeof path)
                continue;
            if (access(path, F_OK))
                continue;
        }
        DWORD r = fn(path, ctx);
        if (r != DLLPATH_NEXT)
            return r;
    }
    return DLLPATH_NEXT;
}

/* A directory given as a Windows or Unix string, tried. */
static DWORD try_dir_string(const struct dll_name *d, const char *dir, dllpath_try_fn *fn,
                            void *ctx)
{
    struct upath p;
    if (path_from_a(dir, 0, &p))
        return DLLPATH_NEXT;
    DWORD r = try_dir(d, p.buf, fn, ctx);
    path_free(&p);
    return r;
}

DWORD dllpath_check(const struct dll_name *d, DWORD flags)
{
    if ((flags & LOAD_WITH_ALTERED_SEARCH_PATH) && (flags & SEARCH_FLAGS))
        return ERROR_INVALID_PARAMETER;
    if ((flags & LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR) && !d->absolute)
        return ERROR_INVALID_PARAMETER;
    return 0;
}

DWORD dllpath_each(const struct dll_name *d, DWORD flags, dllpath_try_fn *fn, void *ctx)
{
    DWORD bad = dllpath_check(d, flags);
    if (bad)
        return bad;
    if (d->dir) {
        DWORD r = try_dir(d, d->dir, fn, ctx);
        return r == DLLPATH_NEXT ? ERROR_MOD_NOT_FOUND : r;
    }

    /* What the search needs, copied under the lock. */
    pthread_mutex_lock(&dir_lock);
    DWORD search = flags & SEARCH_FLAGS;
    if (!search && !(flags & LOAD_WITH_ALTERED_SEARCH_PATH))
        search = default_flags;
    char *set_dir = dll_dir ? strdup(dll_dir) : NULL;
    bool had_set_dir = dll_dir != NULL;
    size_t nuser = 0;
    for (struct user_dir *u = user_dirs; u; u = u->next)
        nuser++;
    char **user = calloc(nuser + 1, sizeof *user);
    nuser = 0;
    for (struct user_dir *u = user_dirs; user && u; u = u->next)
        if ((user[nuser] = strdup(u->path)))
            nuser++;
    pthread_mutex_unlock(&dir_lock);
    if ((had_set_dir && !set_dir) || !user) {
        free(set_dir);
        free(user);
        return ERROR_NOT_ENOUGH_MEMORY;
    }

    char app[PATH_MAX];
    bool have_app = !dllpath_app_dir(app, sizeof app);
    char cwd[PATH_MAX];
    DWORD r = DLLPATH_NEXT;
    if (search) {
        if (search & LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)
            search |= DEFAULT_DIR_FLAGS;
        if ((search & LOAD_LIBRARY_SEARCH_APPLICATION_DIR) && have_app)
            r = try_dir(d, app, fn, ctx);
        for (size_t i = 0; r == DLLPATH_NEXT && (search & LOAD_LIBRARY_SEARCH_USER_DIRS) && i < nuser; i++)
            r = try_dir(d, user[i], fn, ctx);
        if (r == DLLPATH_NEXT && (search & LOAD_LIBRARY_SEARCH_USER_DIRS) && set_dir && *set_dir)
            r = try_dir_string(d, set_dir, fn, ctx);
        if (r == DLLPATH_NEXT && (search & LOAD_LIBRARY_SEARCH_SYSTEM32))
            r = try_dir(d, NULL, fn, ctx);
    } else {
        if (have_app)
            r = try_dir(d, app, fn, ctx);
        if (r == DLLPATH_NEXT && set_dir && *set_dir)
            r = try_dir_string(d, set_dir, fn, ctx);
        if (r == DLLPATH_NEXT)
            r = try_dir(d, NULL, fn, ctx);
        if (r == DLLPATH_NEXT && !had_set_dir && !(flags & LOAD_LIBRARY_SAFE_CURRENT_DIRS) &&
            getcwd(cwd, sizeof cwd))
            r = try_dir(d, cwd, fn, ctx);
    }
    for (size_t i = 0; i < nuser; i++)
        free(user[i]);
    free(user);
    free(set_dir);
    return r == DLLPATH_NEXT ? ERROR_MOD_NOT_FOUND : r;
}

/* ---- SetDllDirectory, AddDllDirectory, SetDefaultDllDirectories ---- */

static BOOL set_dll_dir(const char *dir)
{
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    pthread_mutex_lock(&dir_lock);
    free(dll_dir);
    dll_dir = copy;
    pthread_mutex_unlock(&dir_lock);
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetDllDirectoryA(LPCSTR dir)
{
    return set_dll_dir(dir);
}

WS_EXPORT BOOL WINAPI SetDllDirectoryW(LPCWSTR dir)
{
    if (!dir)
        return set_dll_dir(NULL);
    struct upath p;
    DWORD err = path_utf16_to_utf8(dir, wstrlen(dir), &p);
    if (err)
        return ws_bool(err);
    BOOL r = set_dll_dir(p.buf);
    path_free(&p);
    return r;
}

/* As Windows: the length without the terminator when the directory fits
 * in size characters, else the size it needs with it (and an empty
 * string when there is room for one); no directory is "". */
static DWORD get_dll_dir(DWORD size, void *buf, bool wide)
{
    pthread_mutex_lock(&dir_lock);
    const char *s = dll_dir ? dll_dir : "";
    DWORD r;
    if (wide) {
        WCHAR tmp[PATH_MAX];
        int n = utf8_to_utf16(s, tmp, PATH_MAX);
        if (n < 0)
            n = 0, tmp[0] = 0;
        if (buf && size > (DWORD)n) {
            memcpy(buf, tmp, ((size_t)n + 1) * sizeof(WCHAR));
            r = (DWORD)n;
        } else {
            if (buf && size)
                ((WCHAR *)buf)[0] = 0;
            r = (DWORD)n + 1;
        }
    } else {
        size_t n = strlen(s);
        if (buf && size > n) {
            memcpy(buf, s, n + 1);
            r = (DWORD)n;
        } else {
            if (buf && size)
                ((char *)buf)[0] = 0;
            r = (DWORD)n + 1;
        }
    }
    pthread_mutex_unlock(&dir_lock);
    return r;
}

WS_EXPORT DWORD WINAPI GetDllDirectoryA(DWORD size, LPSTR buf)
{
    return get_dll_dir(size, buf, false);
}

WS_EXPORT DWORD WINAPI GetDllDirectoryW(DWORD size, LPWSTR buf)
{
    return get_dll_dir(size, buf, true);
}

/* Only absolute directories ("C:\dir", "\dir", "/dir") that exist, as
 * Windows checks them: ERROR_INVALID_PARAMETER, or the file or path error
 * of the missing one. */
WS_EXPORT DLL_DIRECTORY_COOKIE WINAPI AddDllDirectory(PCWSTR dir)
{
    if (!dir)
        return ws_null(ERROR_INVALID_PARAMETER);
    bool abs = dir[0] == '\\' || dir[0] == '/' ||
               (dir[0] && dir[1] == ':' && (dir[2] == '\\' || dir[2] == '/'));
    if (!abs || (dir[0] == '\\' && dir[1] == '\\'))
        return ws_null(ERROR_INVALID_PARAMETER);
    struct upath p;
    DWORD err = path_from_w(dir, 0, &p);
    if (err)
        return ws_null(err);
    struct stat st;
    if (stat(p.buf, &st)) {
        err = path_error(errno, p.buf);
        path_free(&p);
        return ws_null(err);
    }
    struct user_dir *u = calloc(1, sizeof *u);
    if (!u || !(u->path = strdup(p.buf))) {
        free(u);
        path_free(&p);
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    }
    path_free(&p);
    pthread_mutex_lock(&dir_lock);
    u->next = user_dirs;
    user_dirs = u;
    pthread_mutex_unlock(&dir_lock);
    return u;
}

/* A cookie that AddDllDirectory did not give (or that was removed) is
 * ERROR_INVALID_PARAMETER; Windows does not check it. */
WS_EXPORT BOOL WINAPI RemoveDllDirectory(DLL_DIRECTORY_COOKIE cookie)
{
    pthread_mutex_lock(&dir_lock);
    struct user_dir **link = &user_dirs;
    while (*link && *link != cookie)
        link = &(*link)->next;
    struct user_dir *u = *link;
    if (u)
        *link = u->next;
    pthread_mutex_unlock(&dir_lock);
    if (!u)
        return ws_bool(ERROR_INVALID_PARAMETER);
    free(u->path);
    free(u);
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetDefaultDllDirectories(DWORD flags)
{
    if (!flags || (flags & ~(DWORD)DEFAULT_DIR_FLAGS))
        return ws_bool(ERROR_INVALID_PARAMETER);
    pthread_mutex_lock(&dir_lock);
    default_flags = flags;
    pthread_mutex_unlock(&dir_lock);
    return TRUE;
}
