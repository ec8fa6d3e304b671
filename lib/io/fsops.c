/*
 * File-system operations by name: deleting, moving and copying files,
 * making and removing directories, attributes by name, temporary names.
 *
 * Each call maps its Windows path(s) (path.c) and acts with plain system
 * calls; nothing here holds state.  Where Windows would refuse because an
 * open handle does not share deletion (DeleteFile, MoveFile, RemoveDirectory
 * while open without FILE_SHARE_DELETE), the check and the act happen
 * under the file's share-mode gate (filelock.c), so no CreateFile of that
 * file can slip in between -- except DeleteFile, whose check and unlink
 * need no gate (see delete_file).  READONLY forbids deleting and replacing, also
 * to root, which the mode bits alone would not stop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/unicode.h"
#include "io/file.h"
#include "io/path.h"

/* ---- helpers ---- */

static bool is_readonly_file(const struct stat *st)
{
    return !S_ISDIR(st->st_mode) && !(st->st_mode & 0222);
}

/* Opens upath just to ask the share-mode locks (-1 when it cannot be read:
 * such files carry no share-mode locks, see filelock.c). */
static int probe_fd(const char *upath)
{
    return open(upath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/* Would deleting upath violate a share mode?  On success the gate stays
 * held on *fd (release with gate_done). */
static DWORD delete_gate(const char *upath, int *fd)
{
    *fd = probe_fd(upath);
    if (*fd < 0)
        return ERROR_SUCCESS;
    DWORD err = filelock_share_probe(*fd, DELETE,
                                     FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                     true);
    if (err) {
        close(*fd);
        *fd = -1;
    }
    return err;
}

static void gate_done(int fd)
{
    if (fd >= 0) {
        filelock_gate_release(fd);
        close(fd);
    }
}

/* ---- DeleteFile ---- */

static DWORD delete_file(const void *name, bool wide)
{
    struct upath p;
    DWORD err = path_from(name, wide, 0, &p);
    if (err)
        return err;
    /* The fd the share modes are asked through comes first, and its
     * fstat tells a directory or a READONLY file (no lstat by path).  The
     * share-mode test runs without the gate: an open racing with the
     * delete can end with a handle to the unlinked file either way (its
     * open(2) may precede the unlink while its share-mode locks follow
     * the test, also when the test holds the gate), so the gate would buy
     * nothing here but two flock calls. */
    struct stat st;
    int fd = open(p.buf, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
    if (fd >= 0) {
        if (fstat(fd, &st) < 0)
            err = ws_errno_to_win32(errno);
        else if (S_ISDIR(st.st_mode) || is_readonly_file(&st))
            err = ERROR_ACCESS_DENIED;
        else
            err = filelock_share_test(fd, DELETE,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);
        close(fd);
    } else if (errno == ENOENT || errno == ENOTDIR) {
        err = path_error(errno, p.buf);
    } else if (errno != ELOOP) {
        /* Not readable (EACCES), a socket (ENXIO)...: no share-mode locks
         * can be on it (filelock.c), the type and mode are asked by path.
         * ELOOP is a symbolic link: deleted itself, as Windows deletes a
         * link and not its target, with the link's share modes (none). */
        if (lstat(p.buf, &st) < 0)
            err = path_error(errno, p.buf);
        else if (S_ISDIR(st.st_mode) || is_readonly_file(&st))
            err = ERROR_ACCESS_DENIED;
    }
    if (!err && unlink(p.buf) < 0)
        err = path_error(errno, p.buf);
    path_free(&p);
    return err;
}

WS_EXPORT BOOL WINAPI DeleteFileA(LPCSTR name)
{
    return ws_bool(delete_file(name, false));
}

WS_EXPORT BOOL WINAPI DeleteFileW(LPCWSTR name)
{
    return ws_bool(delete_file(name, true));
}

/* ---- directories ---- */

static DWORD create_directory(const void *name, bool wide)
{
    struct upath p;
    DWORD err = path_from(name, wide, 0, &p);
    if (err)
        return err;
    if (mkdir(p.buf, 0777) < 0) {
        if (errno == EEXIST)
            err = ERROR_ALREADY_EXISTS;
        else if (errno == ENOENT || errno == ENOTDIR)
            err = ERROR_PATH_NOT_FOUND;
        else
            err = path_error(errno, p.buf);
    }
    path_free(&p);
    return err;
}

WS_EXPORT BOOL WINAPI CreateDirectoryA(LPCSTR name, LPSECURITY_ATTRIBUTES sa)
{
    (void)sa; /* permissions: the process umask, as for files */
    return ws_bool(create_directory(name, false));
}

WS_EXPORT BOOL WINAPI CreateDirectoryW(LPCWSTR name, LPSECURITY_ATTRIBUTES sa)
{
    (void)sa;
    return ws_bool(create_directory(name, true));
}

static DWORD remove_directory(const void *name, bool wide)
{
    struct upath p;
    DWORD err = path_from(name, wide, 0, &p);
    if (err)
        return err;
    struct stat st;
    if (lstat(p.buf, &st) < 0) {
        err = path_error(errno, p.buf);
    } else if (!S_ISDIR(st.st_mode)) {
        err = ERROR_DIRECTORY;
    } else {
        int fd;
        if (!(err = delete_gate(p.buf, &fd))) {
            if (rmdir(p.buf) < 0)
                err = errno == ENOTEMPTY || errno == EEXIST ? ERROR_DIR_NOT_EMPTY
                      : errno == EBUSY || errno == EINVAL   ? ERROR_SHARING_VIOLATION
                                                            : path_error(errno, p.buf);
            gate_done(fd);
        }
    }
    path_free(&p);
    return err;
}

WS_EXPORT BOOL WINAPI RemoveDirectoryA(LPCSTR name)
{
    return ws_bool(remove_directory(name, false));
}

WS_EXPORT BOOL WINAPI RemoveDirectoryW(LPCWSTR name)
{
    return ws_bool(remove_directory(name, true));
}

/* ---- copying ---- */

static DWORD copy_data(int in, int out)
{
    for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n == 0)
            return ERROR_SUCCESS;
        if (n > 0)
            continue;
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
            return ws_errno_to_win32(errno);
        break; /* fall back to read/write */
    }
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ws_errno_to_win32(errno);
        if (n == 0)
            return ERROR_SUCCESS;
        int e = ws_write_all(out, buf, (size_t)n);
        if (e)
            return ws_errno_to_win32(e);
    }
}

/* Copies src to dst (both Unix paths): data, attributes, last write time,
 * as CopyFile does. */
static DWORD copy_path(const char *src, const char *dst, bool fail_if_exists)
{
    int in = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (in < 0)
        return errno == EISDIR ? ERROR_ACCESS_DENIED : path_error(errno, src);
    struct stat st, dst_st;
    DWORD err = ERROR_SUCCESS;
    if (fstat(in, &st) < 0)
        err = ws_errno_to_win32(errno);
    else if (S_ISDIR(st.st_mode))
        err = ERROR_ACCESS_DENIED;
    /* The source is read sharing reading; an open that denies it wins. */
    else if ((err = filelock_share_probe(in, FILE_READ_DATA,
                                         FILE_SHARE_READ | FILE_SHARE_DELETE, false)))
        ;
    else if (stat(dst, &dst_st) == 0) {
        if (fail_if_exists)
            err = ERROR_FILE_EXISTS;
        else if (dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino)
            err = ERROR_SHARING_VIOLATION; /* the source is open for reading */
        else if (S_ISDIR(dst_st.st_mode) || is_readonly_file(&dst_st))
            err = ERROR_ACCESS_DENIED;
    }
    if (err) {
        close(in);
        return err;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY |
                            (fail_if_exists ? O_EXCL : 0),
                   0666);
    if (out < 0) {
        err = errno == EEXIST ? ERROR_FILE_EXISTS : path_error(errno, dst);
        close(in);
        return err;
    }
    bool held = false;
    err = filelock_share_acquire(out, O_WRONLY, FILE_WRITE_DATA, 0, &held);
    if (!err && ftruncate(out, 0) < 0)
        err = ws_errno_to_win32(errno);
    if (!err)
        err = copy_data(in, out);
    if (!err) {
        char a[32];
        ssize_t n = fgetxattr(in, ATTR_XATTR, a, sizeof a);
        if (n > 0)
            fsetxattr(out, ATTR_XATTR, a, (size_t)n, 0);
        else
            fremovexattr(out, ATTR_XATTR);
        struct timespec ts[2] = {st.st_atim, st.st_mtim};
        futimens(out, ts);
        fchmod(out, st.st_mode & 07777);
    }
    close(out);
    close(in);
    return err;
}

static DWORD copy_file(const void *src, const void *dst, bool wide, bool fail)
{
    struct upath s, d;
    DWORD err = path_from(src, wide, 0, &s);
    if (err)
        return err;
    if ((err = path_from(dst, wide, 0, &d))) {
        path_free(&s);
        return err;
    }
    err = copy_path(s.buf, d.buf, fail);
    path_free(&s);
    path_free(&d);
    return err;
}

WS_EXPORT BOOL WINAPI CopyFileA(LPCSTR src, LPCSTR dst, BOOL fail_if_exists)
{
    return ws_bool(copy_file(src, dst, false, fail_if_exists));
}

WS_EXPORT BOOL WINAPI CopyFileW(LPCWSTR src, LPCWSTR dst, BOOL fail_if_exists)
{
    return ws_bool(copy_file(src, dst, true, fail_if_exists));
}

/* ---- moving ---- */

#define MOVE_FLAGS_VALID                                                     \
    (MOVEFILE_REPLACE_EXISTING | MOVEFILE_COPY_ALLOWED |                     \
     MOVEFILE_DELAY_UNTIL_REBOOT | MOVEFILE_WRITE_THROUGH |                  \
     MOVEFILE_CREATE_HARDLINK | MOVEFILE_FAIL_IF_NOT_TRACKABLE)

static DWORD move_path(const char *src, const char *dst, DWORD flags)
{
    struct stat st, dst_st;
    if (lstat(src, &st) < 0)
        return path_error(errno, src);
    bool replace = flags & MOVEFILE_REPLACE_EXISTING;
    bool dst_exists = lstat(dst, &dst_st) == 0;
    bool same = dst_exists && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino;
    if (dst_exists && !same) {
        if (!replace)
            return ERROR_ALREADY_EXISTS;
        if (S_ISDIR(dst_st.st_mode) || S_ISDIR(st.st_mode) || is_readonly_file(&dst_st))
            return ERROR_ACCESS_DENIED;
    }
    int sfd, dfd = -1;
    DWORD err = delete_gate(src, &sfd);
    if (err)
        return err;
    if (dst_exists && !same && (err = delete_gate(dst, &dfd))) {
        gate_done(sfd);
        return err;
    }
    int r = renameat2(AT_FDCWD, src, AT_FDCWD, dst,
                      replace || same ? 0 : RENAME_NOREPLACE);
    if (r < 0 && errno == EINVAL && !replace)
        r = rename(src, dst); /* a file system without RENAME_NOREPLACE */
    if (r < 0) {
        if (errno == EEXIST)
            err = ERROR_ALREADY_EXISTS;
        else if (errno == EXDEV && (flags & MOVEFILE_COPY_ALLOWED) && !S_ISDIR(st.st_mode)) {
            err = copy_path(src, dst, !replace);
            if (!err && unlink(src) < 0)
                err = path_error(errno, src);
        } else if (errno == EXDEV)
            err = ERROR_NOT_SAME_DEVICE;
        else if (errno == ENOENT)
            err = path_error(errno, dst) == ERROR_PATH_NOT_FOUND ? ERROR_PATH_NOT_FOUND
                                                                 : path_error(errno, src);
        else if (errno == ENOTEMPTY || errno == EISDIR || errno == ENOTDIR)
            err = ERROR_ACCESS_DENIED;
        else
            err = ws_errno_to_win32(errno);
    }
    gate_done(dfd);
    gate_done(sfd);
    return err;
}

static DWORD move_file(const void *src, const void *dst, bool wide, DWORD flags)
{
    if (flags & ~(DWORD)MOVE_FLAGS_VALID)
        return ERROR_INVALID_PARAMETER;
    if (flags & MOVEFILE_DELAY_UNTIL_REBOOT)
        return ERROR_NOT_SUPPORTED; /* no boot-time rename list on Linux */
    if (!dst)
        return ERROR_INVALID_PARAMETER;
    struct upath s, d;
    DWORD err = path_from(src, wide, 0, &s);
    if (err)
        return err;
    if ((err = path_from(dst, wide, 0, &d))) {
        path_free(&s);
        return err;
    }
    err = move_path(s.buf, d.buf, flags);
    if (!err && (flags & MOVEFILE_WRITE_THROUGH))
        sync(); /* the rename reaches the disk before the call returns */
    path_free(&s);
    path_free(&d);
    return err;
}

WS_EXPORT BOOL WINAPI MoveFileA(LPCSTR src, LPCSTR dst)
{
    return ws_bool(move_file(src, dst, false, MOVEFILE_COPY_ALLOWED));
}

WS_EXPORT BOOL WINAPI MoveFileW(LPCWSTR src, LPCWSTR dst)
{
    return ws_bool(move_file(src, dst, true, MOVEFILE_COPY_ALLOWED));
}

WS_EXPORT BOOL WINAPI MoveFileExA(LPCSTR src, LPCSTR dst, DWORD flags)
{
    return ws_bool(move_file(src, dst, false, flags));
}

WS_EXPORT BOOL WINAPI MoveFileExW(LPCWSTR src, LPCWSTR dst, DWORD flags)
{
    return ws_bool(move_file(src, dst, true, flags));
}

/* ---- attributes by name ---- */

static DWORD stat_path(const void *name, bool wide, struct upath *p, struct stat *st)
{
    DWORD err = path_from(name, wide, 0, p);
    if (err)
        return err;
    if (stat(p->buf, st) < 0) {
        err = path_error(errno, p->buf);
        path_free(p);
    }
    return err;
}

static DWORD get_attributes(const void *name, bool wide, DWORD *out)
{
    struct upath p;
    struct stat st;
    DWORD err = stat_path(name, wide, &p, &st);
    if (err)
        return err;
    *out = attrs_of(p.buf, -1, &st);
    path_free(&p);
    return ERROR_SUCCESS;
}

WS_EXPORT DWORD WINAPI GetFileAttributesA(LPCSTR name)
{
    DWORD a;
    DWORD err = get_attributes(name, false, &a);
    if (err) {
        ws_set_last_error(err);
        return INVALID_FILE_ATTRIBUTES;
    }
    return a;
}

WS_EXPORT DWORD WINAPI GetFileAttributesW(LPCWSTR name)
{
    DWORD a;
    DWORD err = get_attributes(name, true, &a);
    if (err) {
        ws_set_last_error(err);
        return INVALID_FILE_ATTRIBUTES;
    }
    return a;
}

static DWORD get_attributes_ex(const void *name, bool wide, GET_FILEEX_INFO_LEVELS level,
                               void *out)
{
    if (level != GetFileExInfoStandard)
        return ERROR_INVALID_PARAMETER;
    struct upath p;
    struct stat st;
    DWORD err = stat_path(name, wide, &p, &st);
    if (err)
        return err;
    WIN32_FILE_ATTRIBUTE_DATA *d = out;
    memset(d, 0, sizeof *d);
    d->dwFileAttributes = attrs_of(p.buf, -1, &st);
    filetime_from_timespec(&st.st_mtim, &d->ftCreationTime);
    filetime_from_timespec(&st.st_atim, &d->ftLastAccessTime);
    filetime_from_timespec(&st.st_mtim, &d->ftLastWriteTime);
    if (!S_ISDIR(st.st_mode)) {
        d->nFileSizeHigh = (DWORD)((uint64_t)st.st_size >> 32);
        d->nFileSizeLow = (DWORD)st.st_size;
    }
    path_free(&p);
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI GetFileAttributesExA(LPCSTR name, GET_FILEEX_INFO_LEVELS level,
                                           LPVOID out)
{
    return ws_bool(get_attributes_ex(name, false, level, out));
}

WS_EXPORT BOOL WINAPI GetFileAttributesExW(LPCWSTR name, GET_FILEEX_INFO_LEVELS level,
                                           LPVOID out)
{
    return ws_bool(get_attributes_ex(name, true, level, out));
}

static DWORD set_attributes(const void *name, bool wide, DWORD attrs)
{
    struct upath p;
    struct stat st;
    DWORD err = stat_path(name, wide, &p, &st);
    if (err)
        return err;
    if (!S_ISDIR(st.st_mode)) {
        mode_t m = st.st_mode & 07777;
        mode_t want = (attrs & FILE_ATTRIBUTE_READONLY) ? (m & ~(mode_t)0222)
                      : (m & 0222)                      ? m
                                                        : (m | S_IWUSR);
        if (want != m && chmod(p.buf, want) < 0)
            err = ws_errno_to_win32(errno);
    }
    if (!err)
        attrs_store(p.buf, -1, attrs & ATTRS_STORED);
    path_free(&p);
    return err;
}

WS_EXPORT BOOL WINAPI SetFileAttributesA(LPCSTR name, DWORD attrs)
{
    return ws_bool(set_attributes(name, false, attrs));
}

WS_EXPORT BOOL WINAPI SetFileAttributesW(LPCWSTR name, DWORD attrs)
{
    return ws_bool(set_attributes(name, true, attrs));
}

/* ---- GetTempFileName ---- */

/* dir (Windows, UTF-8) + "\" + up to three prefix characters + the unique
 * number in hexadecimal + ".tmp"; with unique == 0 the number is chosen
 * and the file created (CREATE_NEW) so that the name stays ours. */
static DWORD temp_file_name(const char *dir, const char *prefix, UINT unique,
                            char *out, size_t cap, UINT *used)
{
    struct upath ud;
    DWORD err = path_from_a(dir, 0, &ud);
    if (err)
        return err == ERROR_PATH_NOT_FOUND ? ERROR_DIRECTORY : err;
    struct stat st;
    bool isdir = stat(ud.buf, &st) == 0 && S_ISDIR(st.st_mode);
    path_free(&ud);
    if (!isdir)
        return ERROR_DIRECTORY;
    char pre[16] = "";
    if (prefix) {
        /* Three characters, not three bytes. */
        size_t i = 0;
        for (int chars = 0; prefix[i] && chars < 3; chars++) {
            i++;
            while ((prefix[i] & 0xc0) == 0x80)
                i++;
        }
        if (i >= sizeof pre)
            i = sizeof pre - 1;
        memcpy(pre, prefix, i);
        pre[i] = 0;
    }
    size_t dl = strlen(dir);
    const char *sep = dl && (dir[dl - 1] == '\\' || dir[dl - 1] == '/') ? "" : "\\";
    unique &= 0xffff;
    bool create = unique == 0;
    UINT start = create ? (UINT)((time_mono_ns() >> 10) ^ file_pid()) & 0xffff : unique;
    if (create && !start)
        start = 1;
    UINT n = start;
    do {
        int len = snprintf(out, cap, "%s%s%s%X.tmp", dir, sep, pre, n);
        if (len < 0 || (size_t)len >= cap)
            return ERROR_BUFFER_OVERFLOW;
        if (!create) {
            *used = n;
            return ERROR_SUCCESS;
        }
        struct upath uf;
        if ((err = path_from_a(out, 0, &uf)))
            return err;
        int fd = open(uf.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        int e = errno;
        path_free(&uf);
        if (fd >= 0) {
            close(fd);
            *used = n;
            return ERROR_SUCCESS;
        }
        if (e != EEXIST)
            return ws_errno_to_win32(e);
        n = n == 0xffff ? 1 : n + 1;
    } while (n != start);
    return ERROR_FILE_EXISTS;
}

WS_EXPORT UINT WINAPI GetTempFileNameA(LPCSTR dir, LPCSTR prefix, UINT unique, LPSTR out)
{
    UINT used = 0;
    if (!dir || !out)
        return (UINT)ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err = temp_file_name(dir, prefix, unique, out, MAX_PATH, &used);
    if (err)
        return (UINT)ws_bool(err);
    return used;
}

WS_EXPORT UINT WINAPI GetTempFileNameW(LPCWSTR dir, LPCWSTR prefix, UINT unique,
                                       LPWSTR out)
{
    if (!dir || !out)
        return (UINT)ws_bool(ERROR_INVALID_PARAMETER);
    struct upath d, p = {0};
    DWORD err = path_utf16_to_utf8(dir, wstrlen(dir), &d);
    if (err)
        return (UINT)ws_bool(err);
    if (prefix && (err = path_utf16_to_utf8(prefix, wstrlen(prefix), &p))) {
        path_free(&d);
        return (UINT)ws_bool(err);
    }
    char name[MAX_PATH * 3];
    UINT used = 0;
    err = temp_file_name(d.buf, prefix ? p.buf : NULL, unique, name, sizeof name, &used);
    path_free(&d);
    if (prefix)
        path_free(&p);
    if (!err && path_copy_out(name, true, out, MAX_PATH) >= MAX_PATH)
        err = ERROR_BUFFER_OVERFLOW;
    if (err)
        return (UINT)ws_bool(err);
    return used;
}
