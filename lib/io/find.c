/*
 * Find objects: FindFirstFile(Ex), FindNextFile, FindClose.
 *
 * A find object is a directory stream plus a pattern.  It is not waitable
 * and has no states beyond "entries left" and "closed"; one thread at a
 * time should use it (as on Windows), and the object's word lock makes
 * concurrent use safe anyway.  The stream is process-private (a DIR *):
 * only the opening process touches it (see struct file_obj for why).
 *
 * Matching (checked against Windows' rules as Wine 8 applies them):
 *   - '*' matches any run of characters, '?' exactly one, case ignored
 *     (ASCII) unless FIND_FIRST_EX_CASE_SENSITIVE;
 *   - trailing dots of the pattern are dropped ("*." is "*");
 *   - a pattern tail of '.' followed only by '*'s also matches the end of
 *     a name, so "*.*" matches names without a dot and "abc.*" matches
 *     "abc";
 *   - "." and ".." are listed, except in a drive's root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "io/file.h"
#include "io/path.h"

/* Process-private (only process `pid` touches dir and pattern), kept in
 * the object itself so that nothing but the stream and the pattern is
 * allocated; both go when the last handle does (find_last_close), since
 * references may outlive the process's exit. */
struct find_obj {
    struct object hdr;
    struct wordlock lock; /* one FindNextFile at a time; guards what follows */
    uint32_t pid;
    uint32_t tag;         /* shm_self_tag() of process pid */
    DIR *dir;             /* NULL once closed */
    char *pattern;        /* UTF-8, trailing dots removed */
    bool case_sensitive;
    bool skip_dots;       /* a drive root: no "." and ".." */
    bool single;          /* no wildcard: at most one entry */
    bool done;
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t find_layout[] = {
    LAYOUT_SIZE(struct find_obj),
    LAYOUT_FIELD(struct find_obj, lock),
    LAYOUT_FIELD(struct find_obj, pid),
    LAYOUT_FIELD(struct find_obj, tag),
    LAYOUT_FIELD(struct find_obj, dir),
    LAYOUT_FIELD(struct find_obj, pattern),
    LAYOUT_FIELD(struct find_obj, case_sensitive),
    LAYOUT_FIELD(struct find_obj, skip_dots),
    LAYOUT_FIELD(struct find_obj, single),
    LAYOUT_FIELD(struct find_obj, done),
};

static void find_release_locked(struct find_obj *f)
{
    if (f->dir)
        closedir(f->dir);
    free(f->pattern);
    f->dir = NULL;
    f->pattern = NULL;
}

static void find_last_close(struct object *o)
{
    struct find_obj *f = (struct find_obj *)o;
    if (!proc_is_self(f->pid, f->tag))
        return; /* the stream died with its process */
    wordlock_lock(&f->lock);
    find_release_locked(f);
    wordlock_unlock(&f->lock);
}

const struct object_type find_type = {
    .name = "Find",
    .id = TYPE_FIND,
    .size = sizeof(struct find_obj),
    .mapping = {SYNCHRONIZE, SYNCHRONIZE, SYNCHRONIZE, SYNCHRONIZE},
    .valid_access = SYNCHRONIZE,
    .last_close = find_last_close,
    TYPE_LAYOUT(find_layout),
};

/* ---- matching ---- */

static bool ch_eq(char a, char b, bool cs)
{
    if (cs)
        return a == b;
    if (a >= 'A' && a <= 'Z')
        a = (char)(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z')
        b = (char)(b - 'A' + 'a');
    return a == b;
}

static bool tail_matches_end(const char *p)
{
    if (*p == '.')
        p++;
    while (*p == '*')
        p++;
    return !*p;
}

static const char *next_char(const char *s)
{
    s++;
    while ((*s & 0xc0) == 0x80)
        s++;
    return s;
}

static bool find_match(const char *p, const char *n, bool cs)
{
    while (*p) {
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (!*p)
                return true;
            for (const char *s = n;; s = next_char(s)) {
                if (find_match(p, s, cs))
                    return true;
                if (!*s)
                    return false;
            }
        }
        if (!*n)
            return tail_matches_end(p);
        if (*p == '?') {
            p++;
            n = next_char(n);
            continue;
        }
        if (!ch_eq(*p, *n, cs))
            return false;
        p++;
        n++;
    }
    return !*n;
}

/* ---- entries ---- */

static void fill_data(int dfd, const char *name, void *out, bool wide, bool basic)
{
    struct stat st;
    if (fstatat(dfd, name, &st, 0) < 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        memset(&st, 0, sizeof st);
    /* The two layouts agree up to cFileName. */
    WIN32_FIND_DATAA *a = out;
    a->dwFileAttributes = attrs_of(NULL, -1, &st);
    char buf[32];
    /* Attributes kept in the extended attribute, read through the dir. */
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
    if (fd >= 0) {
        if (fgetxattr(fd, ATTR_XATTR, buf, sizeof buf - 1) > 0)
            a->dwFileAttributes = attrs_of(NULL, fd, &st);
        close(fd);
    }
    filetime_from_timespec(&st.st_mtim, &a->ftCreationTime);
    filetime_from_timespec(&st.st_atim, &a->ftLastAccessTime);
    filetime_from_timespec(&st.st_mtim, &a->ftLastWriteTime);
    uint64_t size = S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size;
    a->nFileSizeHigh = (DWORD)(size >> 32);
    a->nFileSizeLow = (DWORD)size;
    a->dwReserved0 = 0;
    a->dwReserved1 = 0;
    (void)basic; /* cAlternateFileName is empty either way: no 8.3 names */
    if (wide) {
        WIN32_FIND_DATAW *w = out;
        path_copy_out(name, true, w->cFileName, MAX_PATH);
        w->cAlternateFileName[0] = 0;
    } else {
        path_copy_out(name, false, a->cFileName, MAX_PATH);
        a->cAlternateFileName[0] = 0;
    }
}

/* The next matching entry; ERROR_NO_MORE_FILES at the end. */
static DWORD find_next_locked(struct find_obj *s, void *out, bool wide, bool basic)
{
    if (s->done || !s->dir)
        return ERROR_NO_MORE_FILES;
    struct dirent *e;
    while ((errno = 0, e = readdir(s->dir))) {
        if (s->skip_dots && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
            continue;
        if (strlen(e->d_name) >= MAX_PATH)
            continue; /* cannot be returned in cFileName */
        if (!find_match(s->pattern, e->d_name, s->case_sensitive))
            continue;
        fill_data(dirfd(s->dir), e->d_name, out, wide, basic);
        if (s->single)
            s->done = true;
        return ERROR_SUCCESS;
    }
    s->done = true;
    return ERROR_NO_MORE_FILES;
}

/* ---- FindFirstFile ---- */

static bool is_sep(char c)
{
    return c == '\\' || c == '/';
}

static HANDLE find_first(const void *name, bool wide, FINDEX_INFO_LEVELS level,
                         void *data, FINDEX_SEARCH_OPS op, DWORD flags)
{
    DWORD err = ERROR_SUCCESS;
    struct upath u8 = {0}, dir = {0};
    struct find_obj *s = NULL;
    if ((level != FindExInfoStandard && level != FindExInfoBasic) ||
        (op != FindExSearchNameMatch && op != FindExSearchLimitToDirectories) || !data) {
        err = ERROR_INVALID_PARAMETER;
        goto fail;
    }
    if (!name) {
        err = ERROR_PATH_NOT_FOUND;
        goto fail;
    }
    /* Split "dir\pattern" in the Windows spelling. */
    if (wide && (err = path_utf16_to_utf8(name, wstrlen(name), &u8)))
        goto fail;
    const char *full = wide ? u8.buf : (const char *)name;
    size_t n = strlen(full);
    if (!n) {
        err = ERROR_PATH_NOT_FOUND;
        goto fail;
    }
    size_t cut = n;
    while (cut && !is_sep(full[cut - 1]) && !(cut == 2 && full[1] == ':'))
        cut--;
    const char *pat = full + cut;
    if (!*pat) {
        err = ERROR_FILE_NOT_FOUND; /* "dir\": no name to look for */
        goto fail;
    }
    char dirpart[4096];
    if (cut >= sizeof dirpart) {
        err = ERROR_FILENAME_EXCED_RANGE;
        goto fail;
    }
    memcpy(dirpart, full, cut);
    dirpart[cut] = 0;
    if (cut == 0)
        strcpy(dirpart, ".");
    if ((err = path_from_a(dirpart, 0, &dir)))
        goto fail;
    for (const char *c = pat; *c; c++)
        if (strchr("<>:\"|", *c) || (unsigned char)*c < 0x20) {
            err = ERROR_INVALID_NAME;
            goto fail;
        }

    struct object *o = object_new(&find_type, 0, 0, &err);
    if (!o)
        goto fail;
    s = (struct find_obj *)o;
    s->pid = file_pid();
    s->tag = shm_self_tag();
    object_handle_open(o); /* from here on, find_last_close cleans up */
    if (!(s->pattern = strdup(pat))) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    size_t pl = strlen(s->pattern);
    while (pl > 1 && s->pattern[pl - 1] == '.' && strspn(s->pattern, ".") != pl)
        s->pattern[--pl] = 0;
    s->case_sensitive = flags & FIND_FIRST_EX_CASE_SENSITIVE;
    s->single = !strpbrk(s->pattern, "*?");
    struct upath winroot;
    if (dir.buf[0] == '/' && !path_to_windows(dir.buf, &winroot)) {
        s->skip_dots = winroot.len == 3; /* "X:\" */
        path_free(&winroot);
    }
    s->dir = opendir(dir.buf);
    if (!s->dir) {
        err = errno == ENOTDIR ? ERROR_DIRECTORY
              : errno == ENOENT ? ERROR_PATH_NOT_FOUND
                                : ws_errno_to_win32(errno);
        goto fail;
    }
    err = find_next_locked(s, data, wide, level == FindExInfoBasic);
    if (err == ERROR_NO_MORE_FILES)
        err = ERROR_FILE_NOT_FOUND;
    if (err)
        goto fail;
    HANDLE h;
    if ((err = handle_insert(o, SYNCHRONIZE, 0, &h)))
        goto fail;
    path_free(&u8);
    path_free(&dir);
    return h;

fail:
    if (s) {
        object_handle_close(&s->hdr); /* runs find_last_close */
        object_unref(&s->hdr);
    }
    path_free(&u8);
    path_free(&dir);
    ws_set_last_error(err);
    return INVALID_HANDLE_VALUE;
}

WS_EXPORT HANDLE WINAPI FindFirstFileA(LPCSTR name, LPWIN32_FIND_DATAA data)
{
    return find_first(name, false, FindExInfoStandard, data, FindExSearchNameMatch, 0);
}

WS_EXPORT HANDLE WINAPI FindFirstFileW(LPCWSTR name, LPWIN32_FIND_DATAW data)
{
    return find_first(name, true, FindExInfoStandard, data, FindExSearchNameMatch, 0);
}

WS_EXPORT HANDLE WINAPI FindFirstFileExA(LPCSTR name, FINDEX_INFO_LEVELS level, LPVOID data,
                                         FINDEX_SEARCH_OPS op, LPVOID filter, DWORD flags)
{
    (void)filter; /* reserved: must be NULL, ignored as Windows does */
    return find_first(name, false, level, data, op, flags);
}

WS_EXPORT HANDLE WINAPI FindFirstFileExW(LPCWSTR name, FINDEX_INFO_LEVELS level,
                                         LPVOID data, FINDEX_SEARCH_OPS op, LPVOID filter,
                                         DWORD flags)
{
    (void)filter;
    return find_first(name, true, level, data, op, flags);
}

static BOOL find_next(HANDLE h, void *data, bool wide)
{
    struct object *o = NULL;
    DWORD err = handle_ref(h, &find_type, 0, &o, NULL);
    if (err)
        return ws_bool(err);
    struct find_obj *f = (struct find_obj *)o;
    if (!proc_is_self(f->pid, f->tag)) {
        err = ERROR_INVALID_HANDLE;
    } else {
        wordlock_lock(&f->lock);
        err = f->dir ? find_next_locked(f, data, wide, false) : ERROR_INVALID_HANDLE;
        wordlock_unlock(&f->lock);
    }
    object_unref(o);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI FindNextFileA(HANDLE h, LPWIN32_FIND_DATAA data)
{
    return find_next(h, data, false);
}

WS_EXPORT BOOL WINAPI FindNextFileW(HANDLE h, LPWIN32_FIND_DATAW data)
{
    return find_next(h, data, true);
}

WS_EXPORT BOOL WINAPI FindClose(HANDLE h)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &find_type, 0, &o, NULL);
    ws_rcu_unlock();
    if (err)
        return ws_bool(err);
    return CloseHandle(h);
}
