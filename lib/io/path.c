/*
 * Windows paths to Unix paths and back.
 *
 * Mapping (docs/ARCHITECTURE.md, "Files"; README "Paths"):
 *   - '\' and '/' both separate components; the Unix path uses '/'.
 *   - A drive letter X: maps to the directory named by the environment
 *     variable WINSHIM_DRIVE_X (read once per process).  Without one, C:
 *     and Z: both map to "/" and every other drive does not exist
 *     (ERROR_PATH_NOT_FOUND).  "X:rest" (drive-relative) is taken from the
 *     drive's root; "\rest" (rooted) from C:'s.
 *   - "\\?\" turns off the Win32 normalisation below, as on Windows;
 *     "\\?\X:\..." still maps its drive.  Other UNC paths ("\\server\share")
 *     do not exist here: ERROR_BAD_NETPATH.
 *   - Normalisation, as Windows' path parser does it: the last component
 *     loses trailing dots and spaces; "." and ".." are resolved lexically
 *     (so "nodir\..\x" is "x", whether or not nodir exists); the characters
 *     < > : " | ? * in a name are ERROR_INVALID_NAME (? and * are allowed in
 *     the last component of a search pattern).
 *   - Lookups are case-sensitive unless WINSHIM_CASE_INSENSITIVE=1: then a
 *     component that does not exist as spelled is looked up ignoring ASCII
 *     case in its directory (the first match in directory order wins).
 *   - Unix to Windows (current directory, GetFullPathName, GetTempPath):
 *     the drive whose root is the longest prefix of the path, C: before Z:
 *     on a tie.
 *
 * Everything here is per call; the drive table is built once under a
 * pthread_once and is read-only afterwards.
 */
#include <dirent.h>
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

static char *drive_root[26]; /* NULL: no such drive; no trailing '/' except "/" */
static bool case_insensitive;
static pthread_once_t drives_once = PTHREAD_ONCE_INIT;

static void drives_init(void)
{
    char var[] = "WINSHIM_DRIVE_X";
    for (int i = 0; i < 26; i++) {
        var[sizeof var - 2] = (char)('A' + i);
        const char *v = getenv(var);
        if (!v && (i == 'C' - 'A' || i == 'Z' - 'A'))
            v = "/";
        if (!v || v[0] != '/')
            continue;
        size_t n = strlen(v);
        while (n > 1 && v[n - 1] == '/')
            n--;
        drive_root[i] = strndup(v, n);
    }
    const char *ci = getenv("WINSHIM_CASE_INSENSITIVE");
    case_insensitive = ci && ci[0] == '1';
}

static const char *drive_of(WCHAR letter)
{
    pthread_once(&drives_once, drives_init);
    if (letter >= 'a' && letter <= 'z')
        letter = (WCHAR)(letter - 'a' + 'A');
    if (letter < 'A' || letter > 'Z')
        return NULL;
    return drive_root[letter - 'A'];
}

const char *path_drive_root(int letter)
{
    return drive_of((WCHAR)letter);
}

bool path_case_insensitive(void)
{
    pthread_once(&drives_once, drives_init);
    return case_insensitive;
}

void path_free(struct upath *p)
{
    if (p->buf && p->buf != p->small)
        free(p->buf);
    p->buf = NULL;
}

/* ---- a growing byte buffer ---- */

static DWORD up_reserve(struct upath *p, size_t extra)
{
    if (p->len + extra + 1 <= p->cap)
        return ERROR_SUCCESS;
    size_t cap = (p->len + extra + 1) * 2;
    char *nb = malloc(cap);
    if (!nb)
        return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(nb, p->buf, p->len);
    if (p->buf != p->small)
        free(p->buf);
    p->buf = nb;
    p->cap = cap;
    return ERROR_SUCCESS;
}

static DWORD up_append(struct upath *p, const char *s, size_t n)
{
    DWORD err = up_reserve(p, n);
    if (err)
        return err;
    memcpy(p->buf + p->len, s, n);
    p->len += n;
    p->buf[p->len] = 0;
    return ERROR_SUCCESS;
}

DWORD path_utf16_to_utf8(const WCHAR *w, size_t n, struct upath *out)
{
    out->buf = out->small;
    out->cap = sizeof out->small;
    out->len = 0;
    out->buf[0] = 0;
    size_t i = 0;
    /* ASCII, the common case: one byte per unit, straight into the buffer. */
    char *b = out->buf;
    size_t room = out->cap - 1;
    while (i < n && i < room && w[i] < 0x80) {
        b[i] = (char)w[i];
        i++;
    }
    out->len = i;
    b[i] = 0;
    while (i < n) {
        uint32_t c = utf16_next(w, n, &i);
        char u[4];
        DWORD err = up_append(out, u, utf8_put(c, u));
        if (err) {
            path_free(out);
            return err;
        }
    }
    return ERROR_SUCCESS;
}

/* ---- Windows path to components ---- */

/* What each byte is to the parser: one table load per byte instead of a
 * comparison chain (the path of every file call goes through here). */
#define CH_SEP 0x1  /* '\\' and '/' */
#define CH_BAD 0x2  /* never in a name: < > : " | and control characters */
#define CH_WILD 0x4 /* ? and *: only in a search pattern's last component */
static const unsigned char ch_class[256] = {
    [0x01] = CH_BAD, [0x02] = CH_BAD, [0x03] = CH_BAD, [0x04] = CH_BAD,
    [0x05] = CH_BAD, [0x06] = CH_BAD, [0x07] = CH_BAD, [0x08] = CH_BAD,
    [0x09] = CH_BAD, [0x0a] = CH_BAD, [0x0b] = CH_BAD, [0x0c] = CH_BAD,
    [0x0d] = CH_BAD, [0x0e] = CH_BAD, [0x0f] = CH_BAD, [0x10] = CH_BAD,
    [0x11] = CH_BAD, [0x12] = CH_BAD, [0x13] = CH_BAD, [0x14] = CH_BAD,
    [0x15] = CH_BAD, [0x16] = CH_BAD, [0x17] = CH_BAD, [0x18] = CH_BAD,
    [0x19] = CH_BAD, [0x1a] = CH_BAD, [0x1b] = CH_BAD, [0x1c] = CH_BAD,
    [0x1d] = CH_BAD, [0x1e] = CH_BAD, [0x1f] = CH_BAD,
    ['<'] = CH_BAD, ['>'] = CH_BAD, [':'] = CH_BAD, ['"'] = CH_BAD,
    ['|'] = CH_BAD, ['?'] = CH_WILD, ['*'] = CH_WILD,
    ['\\'] = CH_SEP, ['/'] = CH_SEP,
};

static bool is_sep(char c)
{
    return ch_class[(unsigned char)c] & CH_SEP;
}

/* A component of the case-insensitive walk: the entry of `dir` whose name
 * equals `name` ignoring ASCII case; false when none does. */
static bool ci_find(const char *dir, const char *name, char *out, size_t cap)
{
    DIR *d = opendir(*dir ? dir : ".");
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcasecmp(e->d_name, name) && strlen(e->d_name) < cap) {
            strcpy(out, e->d_name);
            found = true;
            break;
        }
    }
    closedir(d);
    return found;
}

/* Rewrites each component of p that does not exist as spelled to an
 * existing one that differs only in ASCII case. */
static void ci_resolve(struct upath *p)
{
    struct stat st;
    if (lstat(p->buf, &st) == 0)
        return;
    char *s = p->buf;
    size_t i = (s[0] == '/') ? 1 : 0;
    while (i < p->len) {
        size_t j = i;
        while (j < p->len && s[j] != '/')
            j++;
        char save = s[j];
        s[j] = 0;
        if (lstat(s, &st) != 0) {
            char dir[PATH_MAX], name[NAME_MAX + 1], found[NAME_MAX + 1];
            if (i >= sizeof dir || j - i > NAME_MAX) {
                s[j] = save;
                return;
            }
            memcpy(dir, s, i);
            dir[i] = 0;
            memcpy(name, s + i, j - i);
            name[j - i] = 0;
            if (!ci_find(dir, name, found, sizeof found)) {
                s[j] = save;
                return; /* the rest cannot exist either */
            }
            memcpy(s + i, found, j - i); /* same length: ASCII case only */
        }
        s[j] = save;
        i = j + 1;
    }
}

/* Appends the normalised components of w[0..n) to out (which holds a root
 * or is empty for a relative path).  ".." never climbs above the root
 * (or, in a relative path, is kept when nothing is left to remove, and
 * resolved against the current directory first). */
static DWORD push_components(struct upath *out, const char *s, size_t n,
                             unsigned flags)
{
    size_t root = out->len; /* ".." stops here */
    size_t i = 0;
    while (i < n) {
        while (i < n && is_sep(s[i]))
            i++;
        if (i >= n)
            break;
        /* The component's end, and the classes of what it holds. */
        size_t j = i;
        unsigned cls = 0, k;
        while (j < n && !((k = ch_class[(unsigned char)s[j]]) & CH_SEP)) {
            cls |= k;
            j++;
        }
        size_t clen = j - i;
        bool last = j >= n;
        const char *c = s + i;
        if (!(flags & PATH_RAW)) {
            if (clen == 1 && c[0] == '.') {
                i = j;
                continue;
            }
            if (clen == 2 && c[0] == '.' && c[1] == '.') {
                while (out->len > root && out->buf[out->len - 1] != '/')
                    out->len--;
                if (out->len > root)
                    out->len--; /* the '/' before the removed name */
                out->buf[out->len] = 0;
                i = j;
                continue;
            }
            if (last)
                while (clen && (c[clen - 1] == '.' || c[clen - 1] == ' '))
                    clen--;
            if (!clen) {
                i = j;
                continue;
            }
        }
        /* (Trailing dots and spaces, dropped above, are never bad.) */
        if (cls & (CH_BAD | ((last && (flags & PATH_WILDCARDS)) ? 0 : CH_WILD)))
            return ERROR_INVALID_NAME;
        bool slash = out->len && out->buf[out->len - 1] != '/';
        DWORD err = up_reserve(out, clen + slash);
        if (err)
            return err;
        if (slash)
            out->buf[out->len++] = '/';
        memcpy(out->buf + out->len, c, clen);
        out->len += clen;
        out->buf[out->len] = 0;
        i = j;
    }
    return ERROR_SUCCESS;
}

static bool has_dot_component(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '.' || (i && !is_sep(s[i - 1])))
            continue;
        size_t j = i;
        while (j < n && s[j] == '.')
            j++;
        if (j - i <= 2 && (j == n || is_sep(s[j])))
            return true;
    }
    return false;
}

/* The Unix path of a UTF-8 Windows path. */
static DWORD path_map(const char *s, size_t n, unsigned flags, struct upath *out)
{
    out->buf = out->small;
    out->cap = sizeof out->small;
    out->len = 0;
    out->buf[0] = 0;
    if (n == 0)
        return ERROR_PATH_NOT_FOUND;
    DWORD err = ERROR_SUCCESS;
    const char *root = NULL;
    bool raw = false;

    if (n >= 4 && is_sep(s[0]) && is_sep(s[1]) && (s[2] == '?' || s[2] == '.') &&
        is_sep(s[3])) {
        /* \\?\ and \\.\: device paths.  Only a drive is a file here. */
        raw = s[2] == '?';
        s += 4;
        n -= 4;
        if (n < 2 || s[1] != ':')
            return ERROR_PATH_NOT_FOUND;
    } else if (n >= 2 && is_sep(s[0]) && is_sep(s[1])) {
        return ERROR_BAD_NETPATH;
    }
    if (n >= 2 && s[1] == ':' && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) {
        root = drive_of((WCHAR)s[0]);
        if (!root)
            return ERROR_PATH_NOT_FOUND;
        s += 2;
        n -= 2;
    } else if (n && is_sep(s[0])) {
        root = drive_of('C');
        if (!root)
            return ERROR_PATH_NOT_FOUND;
    }
    if (root) {
        err = up_append(out, root, strlen(root));
    } else if (has_dot_component(s, n) && !raw) {
        /* "..": resolved lexically against the current directory, as
         * Windows resolves it against its own. */
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return ws_errno_to_win32(errno);
        err = up_append(out, cwd, strlen(cwd));
    }
    if (!err)
        err = push_components(out, s, n, flags | (raw ? PATH_RAW : 0));
    if (!err && out->len == 0)
        err = up_append(out, ".", 1);
    if (!err && case_insensitive)
        ci_resolve(out);
    if (err)
        path_free(out);
    return err;
}

DWORD path_from_a(LPCSTR name, unsigned flags, struct upath *out)
{
    out->buf = NULL;
    if (!name)
        return ERROR_PATH_NOT_FOUND;
    pthread_once(&drives_once, drives_init);
    return path_map(name, strlen(name), flags, out);
}

DWORD path_from_w(LPCWSTR name, unsigned flags, struct upath *out)
{
    out->buf = NULL;
    if (!name)
        return ERROR_PATH_NOT_FOUND;
    pthread_once(&drives_once, drives_init);
    /* ASCII, the common case: measured and narrowed in one pass, on the
     * stack. */
    char a[sizeof ((struct upath *)0)->small];
    size_t i = 0;
    WCHAR c;
    while ((c = name[i]) && c < 0x80 && i < sizeof a)
        a[i++] = (char)c;
    if (!c)
        return path_map(a, i, flags, out);
    struct upath u8;
    DWORD err = path_utf16_to_utf8(name, wstrlen(name), &u8);
    if (err)
        return err;
    err = path_map(u8.buf, u8.len, flags, out);
    path_free(&u8);
    return err;
}

/* ---- errors ---- */

/* ENOENT means ERROR_FILE_NOT_FOUND when the directory that would hold the
 * file exists, ERROR_PATH_NOT_FOUND when it does not. */
DWORD path_error(int err, const char *upath)
{
    if (err == ENOENT) {
        const char *slash = strrchr(upath, '/');
        if (!slash)
            return ERROR_FILE_NOT_FOUND;
        size_t n = slash == upath ? 1 : (size_t)(slash - upath);
        char dir[PATH_MAX];
        if (n >= sizeof dir)
            return ERROR_PATH_NOT_FOUND;
        memcpy(dir, upath, n);
        dir[n] = 0;
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return ERROR_FILE_NOT_FOUND;
        return ERROR_PATH_NOT_FOUND;
    }
    if (err == ENOTDIR)
        return ERROR_PATH_NOT_FOUND;
    if (err == ENAMETOOLONG)
        return ERROR_FILENAME_EXCED_RANGE;
    return ws_errno_to_win32(err);
}

/* ---- Unix path to Windows ---- */

/* out receives "X:\..." for an absolute Unix path (UTF-8, '\'). */
DWORD path_to_windows(const char *unix_path, struct upath *out)
{
    pthread_once(&drives_once, drives_init);
    out->buf = out->small;
    out->cap = sizeof out->small;
    out->len = 0;
    out->buf[0] = 0;
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < 26; i++) {
        const char *r = drive_root[i];
        if (!r)
            continue;
        size_t n = strcmp(r, "/") ? strlen(r) : 0;
        if (strncmp(unix_path, r, n) || (unix_path[n] && unix_path[n] != '/'))
            continue;
        if (best < 0 || n > best_len) {
            best = i;
            best_len = n;
        }
    }
    if (best < 0)
        return ERROR_PATH_NOT_FOUND;
    char drive[3] = {(char)('A' + best), ':', 0};
    DWORD err = up_append(out, drive, 2);
    const char *rest = unix_path + best_len;
    if (!err && !*rest)
        err = up_append(out, "\\", 1);
    for (; !err && *rest; rest++)
        err = up_append(out, *rest == '/' ? "\\" : rest, 1);
    if (err)
        path_free(out);
    return err;
}

DWORD path_copy_out(const char *s, bool wide, void *buf, DWORD size)
{
    size_t n = strlen(s);
    if (!wide) {
        if (n + 1 > size)
            return (DWORD)(n + 1);
        memcpy(buf, s, n + 1);
        return (DWORD)n;
    }
    /* UTF-16 is never longer (in units) than UTF-8 is in bytes. */
    WCHAR small[MAX_PATH + 1];
    WCHAR *w = n + 1 <= MAX_PATH + 1 ? small : malloc((n + 1) * sizeof(WCHAR));
    if (!w)
        return 0;
    int wn = utf8_to_utf16(s, w, n + 1);
    DWORD ret;
    if (wn < 0) {
        ret = 0;
    } else if ((DWORD)wn + 1 > size) {
        ret = (DWORD)wn + 1;
    } else {
        memcpy(buf, w, ((size_t)wn + 1) * sizeof(WCHAR));
        ret = (DWORD)wn;
    }
    if (w != small)
        free(w);
    return ret;
}

/* ---- GetFullPathName, the current directory, GetTempPath ---- */

/* The current directory as a Windows path. */
static DWORD cwd_windows(struct upath *out)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return ws_errno_to_win32(errno);
    return path_to_windows(cwd, out);
}

/* Normalises the part of a Windows path after its root (everything in
 * `s`), appending it to out, which holds the root ending in '\'. */
static DWORD full_components(struct upath *out, const char *s, bool keep_trailing)
{
    size_t root = out->len;
    size_t n = strlen(s);
    size_t i = 0;
    DWORD err = ERROR_SUCCESS;
    while (i < n && !err) {
        while (i < n && is_sep(s[i]))
            i++;
        if (i >= n)
            break;
        size_t j = i;
        while (j < n && !is_sep(s[j]))
            j++;
        size_t clen = j - i;
        const char *c = s + i;
        bool last = true;
        for (size_t k = j; k < n; k++)
            if (!is_sep(s[k]))
                last = false;
        if (clen == 1 && c[0] == '.') {
            i = j;
            continue;
        }
        if (clen == 2 && c[0] == '.' && c[1] == '.') {
            if (out->len > root) {
                out->len--; /* the '\' after the last name */
                while (out->len > root && out->buf[out->len - 1] != '\\')
                    out->len--;
            }
            out->buf[out->len] = 0;
            i = j;
            continue;
        }
        if (last && !(keep_trailing && j < n))
            while (clen && (c[clen - 1] == '.' || c[clen - 1] == ' '))
                clen--;
        if (clen) {
            err = up_append(out, c, clen);
            if (!err && (!last || (keep_trailing && j < n)))
                err = up_append(out, "\\", 1);
        }
        i = j;
    }
    return err;
}

/* The full Windows path of name (UTF-8). */
static DWORD full_path(const char *name, struct upath *out)
{
    out->buf = out->small;
    out->cap = sizeof out->small;
    out->len = 0;
    out->buf[0] = 0;
    size_t n = strlen(name);
    if (!n)
        return ERROR_SUCCESS; /* returns 0 */
    DWORD err;
    const char *rest;
    if (n >= 4 && is_sep(name[0]) && is_sep(name[1]) && name[2] == '?' && is_sep(name[3]))
        return up_append(out, name, n); /* \\?\ paths are taken as they are */
    if (n >= 2 && is_sep(name[0]) && is_sep(name[1])) {
        /* UNC: \\server\share\ is the root. */
        size_t i = 2, seps = 0;
        while (i < n && seps < 2) {
            if (is_sep(name[i]))
                seps++;
            i++;
        }
        if ((err = up_append(out, "\\\\", 2)))
            return err;
        for (size_t k = 2; k < i && !err; k++)
            err = up_append(out, is_sep(name[k]) ? "\\" : name + k, 1);
        if (!err && (out->len == 0 || out->buf[out->len - 1] != '\\'))
            err = up_append(out, "\\", 1);
        rest = name + i;
    } else if (n >= 2 && name[1] == ':') {
        struct upath cwd;
        char root[3] = {name[0], ':', '\\'};
        if ((err = up_append(out, root, 3)))
            return err;
        rest = name + 2;
        if (!is_sep(*rest) && !cwd_windows(&cwd)) {
            /* "X:rel": relative to the current directory when X is its
             * drive, else to X's root. */
            if ((cwd.buf[0] | 0x20) == (name[0] | 0x20)) {
                out->len = 0;
                err = up_append(out, cwd.buf, cwd.len);
                if (!err && out->buf[out->len - 1] != '\\')
                    err = up_append(out, "\\", 1);
            }
            path_free(&cwd);
        }
    } else {
        struct upath cwd;
        if ((err = cwd_windows(&cwd)))
            return err;
        if (is_sep(name[0]))
            err = up_append(out, cwd.buf, 3 <= cwd.len ? 3 : cwd.len); /* "X:\" */
        else {
            err = up_append(out, cwd.buf, cwd.len);
            if (!err && out->buf[out->len - 1] != '\\')
                err = up_append(out, "\\", 1);
        }
        path_free(&cwd);
        rest = name;
    }
    if (err)
        return err;
    return full_components(out, rest, is_sep(name[n - 1]));
}

static DWORD get_full_path(const void *name, bool wide, DWORD size, void *buf,
                           void **filepart, DWORD *ret)
{
    struct upath in, full;
    DWORD err;
    *ret = 0;
    if (!name)
        return ERROR_INVALID_PARAMETER;
    if (wide)
        err = path_utf16_to_utf8(name, wstrlen(name), &in);
    else {
        in.buf = in.small;
        in.cap = sizeof in.small;
        in.len = 0;
        in.buf[0] = 0;
        err = up_append(&in, name, strlen(name));
    }
    if (err)
        return err;
    err = full_path(in.buf, &full);
    path_free(&in);
    if (err)
        return err;
    if (!full.len) {
        path_free(&full);
        return ERROR_SUCCESS;
    }
    *ret = path_copy_out(full.buf, wide, buf, size);
    if (filepart && *ret < size) {
        /* After the last '\', unless the path ends with one. */
        *filepart = NULL;
        if (wide) {
            WCHAR *w = buf;
            size_t len = wstrlen(w);
            if (len && w[len - 1] != '\\')
                for (size_t i = len; i--;)
                    if (w[i] == '\\') {
                        *filepart = w + i + 1;
                        break;
                    }
        } else {
            char *a = buf;
            size_t len = strlen(a);
            char *last = strrchr(a, '\\');
            if (len && a[len - 1] != '\\' && last)
                *filepart = last + 1;
        }
    }
    path_free(&full);
    return ERROR_SUCCESS;
}

WS_EXPORT DWORD WINAPI GetFullPathNameA(LPCSTR name, DWORD size, LPSTR buf, LPSTR *part)
{
    DWORD ret;
    DWORD err = get_full_path(name, false, size, buf, (void **)part, &ret);
    if (err)
        ws_set_last_error(err);
    return ret;
}

WS_EXPORT DWORD WINAPI GetFullPathNameW(LPCWSTR name, DWORD size, LPWSTR buf, LPWSTR *part)
{
    DWORD ret;
    DWORD err = get_full_path(name, true, size, buf, (void **)part, &ret);
    if (err)
        ws_set_last_error(err);
    return ret;
}

static DWORD get_cwd(DWORD size, void *buf, bool wide)
{
    struct upath w;
    DWORD err = cwd_windows(&w);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    DWORD r = path_copy_out(w.buf, wide, buf, buf ? size : 0);
    path_free(&w);
    return r;
}

WS_EXPORT DWORD WINAPI GetCurrentDirectoryA(DWORD size, LPSTR buf)
{
    return get_cwd(size, buf, false);
}

WS_EXPORT DWORD WINAPI GetCurrentDirectoryW(DWORD size, LPWSTR buf)
{
    return get_cwd(size, buf, true);
}

static DWORD set_cwd(const void *name, bool wide)
{
    struct upath p;
    DWORD err = path_from(name, wide, 0, &p);
    if (err)
        return err;
    struct stat st;
    if (stat(p.buf, &st) < 0)
        err = path_error(errno, p.buf);
    else if (!S_ISDIR(st.st_mode))
        err = ERROR_DIRECTORY;
    else if (chdir(p.buf) < 0)
        err = path_error(errno, p.buf);
    path_free(&p);
    return err;
}

WS_EXPORT BOOL WINAPI SetCurrentDirectoryA(LPCSTR name)
{
    return ws_bool(set_cwd(name, false));
}

WS_EXPORT BOOL WINAPI SetCurrentDirectoryW(LPCWSTR name)
{
    return ws_bool(set_cwd(name, true));
}

/* TMP, TEMP (as Windows looks them up), then TMPDIR (the Unix name), then
 * /tmp; always with a trailing backslash.  Whether it exists is not
 * checked, as on Windows. */
static DWORD get_temp_path(DWORD size, void *buf, bool wide)
{
    static const char *const vars[] = {"TMP", "TEMP", "TMPDIR"};
    const char *v = NULL;
    for (size_t i = 0; i < 3 && !v; i++) {
        v = getenv(vars[i]);
        if (v && !*v)
            v = NULL;
    }
    if (!v)
        v = "/tmp";
    struct upath w;
    DWORD err;
    if (v[0] == '/') {
        err = path_to_windows(v, &w);
    } else {
        w.buf = w.small;
        w.cap = sizeof w.small;
        w.len = 0;
        w.buf[0] = 0;
        err = up_append(&w, v, strlen(v));
        for (size_t i = 0; !err && i < w.len; i++)
            if (w.buf[i] == '/')
                w.buf[i] = '\\';
    }
    if (!err && w.buf[w.len - 1] != '\\')
        err = up_append(&w, "\\", 1);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    DWORD r = path_copy_out(w.buf, wide, buf, buf ? size : 0);
    path_free(&w);
    return r;
}

WS_EXPORT DWORD WINAPI GetTempPathA(DWORD size, LPSTR buf)
{
    return get_temp_path(size, buf, false);
}

WS_EXPORT DWORD WINAPI GetTempPathW(DWORD size, LPWSTR buf)
{
    return get_temp_path(size, buf, true);
}

/* ---- GetLongPathName, GetShortPathName ---- */

/*
 * Linux volumes have no 8.3 names, so every component of an existing path
 * is already its long name and its only name: both functions check that
 * the path exists and hand the string back as it was given (relative
 * stays relative, "." and ".." and the separators stay, the spelling of
 * each component is kept as on Windows for a name that is not a short
 * one; GetShortPathName on a volume without short names does the same).
 * The existence check is GetFileAttributes': the path layer's
 * normalisation, and ERROR_FILE_NOT_FOUND or ERROR_PATH_NOT_FOUND by
 * whether the directory that would hold the last component exists.  The
 * input is measured before anything is written, so the output buffer may
 * be the input buffer.
 */
static DWORD long_path(const void *name, bool wide, void *buf, DWORD size, bool to_short)
{
    if (!name) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    size_t n = wide ? wstrlen(name) : strlen(name);
    if (!n) {
        /* As Wine has them: no path at all. */
        ws_set_last_error(to_short ? ERROR_BAD_PATHNAME : ERROR_PATH_NOT_FOUND);
        return 0;
    }
    struct upath p;
    DWORD err = path_from(name, wide, 0, &p);
    if (!err) {
        struct stat st;
        if (stat(p.buf, &st))
            err = path_error(errno, p.buf);
        path_free(&p);
    }
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    if (n >= 0xffffffffu || !buf || n + 1 > size)
        return (DWORD)(n + 1);
    memmove(buf, name, (n + 1) * (wide ? sizeof(WCHAR) : 1));
    return (DWORD)n;
}

WS_EXPORT DWORD WINAPI GetLongPathNameA(LPCSTR name, LPSTR buf, DWORD size)
{
    return long_path(name, false, buf, size, false);
}

WS_EXPORT DWORD WINAPI GetLongPathNameW(LPCWSTR name, LPWSTR buf, DWORD size)
{
    return long_path(name, true, buf, size, false);
}

WS_EXPORT DWORD WINAPI GetShortPathNameA(LPCSTR name, LPSTR buf, DWORD size)
{
    return long_path(name, false, buf, size, true);
}

WS_EXPORT DWORD WINAPI GetShortPathNameW(LPCWSTR name, LPWSTR buf, DWORD size)
{
    return long_path(name, true, buf, size, true);
}
