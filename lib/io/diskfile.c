/*
 * Disk files: the file-object kind behind CreateFile on a path.
 *
 * The fd's open file description is the file object's (docs/ARCHITECTURE.md,
 * "Files"), so the file pointer is the fd's offset and every CreateFile
 * opens the path anew.  Reads and writes first ask filelock.c whether
 * another file object holds a Windows byte-range lock over the bytes
 * (Windows' locks are mandatory; Linux's are advisory, so the check is
 * ours).  FILE_FLAG_DELETE_ON_CLOSE unlinks the path when the object's last
 * handle goes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/object.h"
#include "io/device.h"
#include "io/file.h"
#include "io/path.h"
#include "sync/sync.h"

/* A positioned transfer on a synchronous handle leaves the file pointer
 * after the bytes moved, as Windows does: kept in the shared object until
 * something uses the pointer (file.c, file_sync_pointer), so a database's
 * pread/pwrite need no lseek.  A standard handle's fd is also the C
 * library's: its offset is written at once. */
static void disk_seek_after(struct file_obj *f, int fd, const int64_t *at, DWORD done)
{
    if (!at)
        return;
    if (f->flags & FILE_OBJ_STD)
        lseek(fd, (off_t)(*at + done), SEEK_SET);
    else
        atomic_store_explicit(&f->ptr_pending, *at + done + 1, memory_order_release);
}

static DWORD disk_read(struct file_obj *f, void *buf, DWORD len,
                       const int64_t *at, DWORD *done)
{
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (f->flags & FILE_OBJ_DIRECTORY)
        return ERROR_INVALID_FUNCTION;
    if (!at)
        file_sync_pointer(f, fd);
    DWORD err;
    if (len && (err = filelock_check(f, fd, at, len, false)))
        return err;
    /* A disk read is whole unless the file ends: loop over short reads. */
    DWORD total = 0;
    int64_t pos = at ? *at : 0;
    while (total < len) {
        DWORD n = 0;
        err = file_fd_read(fd, (char *)buf + total, len - total,
                           at ? &pos : NULL, &n);
        if (err) {
            if (!total)
                return err;
            break;
        }
        if (!n)
            break;
        total += n;
        pos += n;
    }
    disk_seek_after(f, fd, at, total);
    *done = total;
    /* A positioned read that finds nothing is an error on Windows (a read
     * at the file pointer just returns 0 bytes). */
    return at && len && !total ? ERROR_HANDLE_EOF : ERROR_SUCCESS;
}

static DWORD disk_write(struct file_obj *f, const void *buf, DWORD len,
                        const int64_t *at, DWORD *done)
{
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (f->flags & FILE_OBJ_DIRECTORY)
        return ERROR_INVALID_FUNCTION;
    DWORD err;
    int64_t end;
    struct stat st;
    if (!at)
        file_sync_pointer(f, fd);
    if (!at && (f->flags & FILE_OBJ_APPEND_ONLY) && fstat(fd, &st) == 0) {
        end = st.st_size; /* O_APPEND writes land at the end, not the pointer */
        if (len && (err = filelock_check(f, fd, &end, len, true)))
            return err;
    } else if (len && (err = filelock_check(f, fd, at, len, true)))
        return err;
    DWORD total = 0;
    int64_t pos = at ? *at : 0;
    while (total < len) {
        DWORD n = 0;
        err = file_fd_write(fd, (const char *)buf + total, len - total,
                            at ? &pos : NULL, &n);
        if (err) {
            if (!total)
                return err;
            break;
        }
        if (!n)
            break;
        total += n;
        pos += n;
    }
    disk_seek_after(f, fd, at, total);
    *done = total;
    return ERROR_SUCCESS;
}

static DWORD disk_flush(struct file_obj *f)
{
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (fsync(fd) < 0)
        return ws_errno_to_win32(errno);
    return ERROR_SUCCESS;
}

static DWORD disk_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_DISK;
}

static void disk_last_close(struct file_obj *f)
{
    if ((f->flags & FILE_FLAG_DELETE_ON_CLOSE) && f->path) {
        const char *p = arena_ptr(f->path);
        if (f->flags & FILE_OBJ_DIRECTORY)
            rmdir(p);
        else
            unlink(p);
    }
}

static void disk_destroy(struct file_obj *f)
{
    filelock_release_all(f);
}

const struct file_ops disk_file_ops = {
    .kind = FILE_KIND_DISK,
    .read = disk_read,
    .write = disk_write,
    .flush = disk_flush,
    .get_type = disk_get_type,
    .last_close = disk_last_close,
    .destroy = disk_destroy,
};

/* ---- CreateFile ---- */

#define DATA_READ (FILE_READ_DATA | FILE_EXECUTE)
#define DATA_WRITE (FILE_WRITE_DATA | FILE_APPEND_DATA)
#define CREATE_FLAGS_VALID                                                   \
    (FILE_FLAG_WRITE_THROUGH | FILE_FLAG_OVERLAPPED | FILE_FLAG_NO_BUFFERING | \
     FILE_FLAG_RANDOM_ACCESS | FILE_FLAG_SEQUENTIAL_SCAN |                   \
     FILE_FLAG_DELETE_ON_CLOSE | FILE_FLAG_BACKUP_SEMANTICS |                \
     FILE_FLAG_POSIX_SEMANTICS | FILE_FLAG_SESSION_AWARE |                   \
     FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_OPEN_NO_RECALL |               \
     FILE_FLAG_FIRST_PIPE_INSTANCE)

struct create_req {
    const char *path;
    ACCESS_MASK access;  /* mapped */
    DWORD share, disposition, flags, attrs;
};

/* The path the object keeps for DELETE_ON_CLOSE: absolute, so that a
 * later SetCurrentDirectory does not move it. */
static DWORD keep_path(struct file_obj *f, const char *p)
{
    char cwd[4096];
    const char *pre = "";
    if (p[0] != '/') {
        if (!getcwd(cwd, sizeof cwd))
            return ws_errno_to_win32(errno);
        pre = cwd;
    }
    size_t n = strlen(pre) + 1 + strlen(p) + 1;
    char *b = arena_alloc(n);
    if (!b)
        return ERROR_NOT_ENOUGH_MEMORY;
    snprintf(b, n, "%s%s%s", pre, *pre ? "/" : "", p);
    f->path = arena_off(b);
    f->path_size = (uint32_t)n;
    return ERROR_SUCCESS;
}

/* Opens path with O_RDWR when writing (so that the share-mode read locks
 * can be taken; the handle's access mask, not the fd, limits the caller),
 * O_RDONLY otherwise, O_PATH as the last resort for an attribute-only
 * handle on an unreadable file. */
static int open_fd(const char *path, bool write, bool read_only_ok, int extra,
                   mode_t mode, int *flags)
{
    /* O_NONBLOCK: a FIFO must not block the open (it is cleared after);
     * O_CREAT | O_EXCL makes a regular file, which needs none. */
    int base = O_CLOEXEC | O_NOCTTY | ((extra & O_EXCL) ? 0 : O_NONBLOCK) | extra;
    *flags = base | (write ? O_RDWR : O_RDONLY);
    int fd = open(path, *flags, mode);
    if (fd < 0 && write && errno == EACCES)
        fd = open(path, *flags = base | O_WRONLY, mode);
    if (fd < 0 && !write && errno == EACCES && read_only_ok && !(extra & O_CREAT))
        fd = open(path, *flags = O_CLOEXEC | O_PATH);
    if (fd < 0 && errno == EISDIR)
        fd = open(path, *flags = O_CLOEXEC | O_RDONLY | O_DIRECTORY);
    /* What F_GETFL would say (the open-only flags aside), so that the
     * caller needs not ask. */
    *flags &= ~(O_CLOEXEC | O_NOCTTY | O_CREAT | O_EXCL);
    return fd;
}

/* An O_CREAT | O_EXCL open failed: ENOENT there can only be a missing
 * directory (a dangling link at the name is EEXIST), no stat needed. */
static DWORD create_error(int e, const char *path)
{
    return e == ENOENT ? ERROR_PATH_NOT_FOUND : path_error(e, path);
}

/* ---- a new file made in private ----
 *
 * A new file's share-mode locks need the gate and a probe (filelock.c)
 * because another process may open it between its creation and the
 * locks.  Made as an O_TMPFILE inode, nobody can open it before it is
 * linked to its name: its locks are taken first, without gate or probe,
 * then linkat gives it the name, atomically and only if the name is free
 * (EEXIST: CREATE_NEW's answer, or CREATE_ALWAYS's way to the existing
 * file).  Where that cannot be done (a file system without O_TMPFILE,
 * no /proc, any other error), the caller makes the file as before, which
 * also gives the exact error.  A CREATE_ALWAYS that found its name taken
 * pays for the attempt, so such names are remembered (a hash, per
 * process) and go the old way next time. */

static _Atomic bool no_tmpfile; /* the file system said it cannot */
static _Atomic bool no_flink;   /* linkat(AT_EMPTY_PATH) refused: /proc */
#define TAKEN_SLOTS 64
static _Atomic uint64_t taken[TAKEN_SLOTS]; /* hashes of names found taken */

static uint64_t name_hash(const char *p)
{
    uint64_t h = 0xcbf29ce484222325ull;
    while (*p)
        h = (h ^ (unsigned char)*p++) * 0x100000001b3ull;
    return h | 1;
}

static void name_taken(const char *p, bool yes)
{
    uint64_t h = name_hash(p);
    _Atomic uint64_t *slot = &taken[h % TAKEN_SLOTS];
    if (yes)
        atomic_store_explicit(slot, h, memory_order_relaxed);
    else if (atomic_load_explicit(slot, memory_order_relaxed) == h)
        atomic_store_explicit(slot, 0, memory_order_relaxed);
}

/* A new regular file at r->path with its share-mode locks held (*held),
 * or -1 with errno (EEXIST: the name is taken; anything else: make it the
 * old way). */
static int create_private(const struct create_req *r, int extra, mode_t mode, int *fl,
                          bool *held)
{
    *held = false;
    if (!(r->access & (DATA_READ | DATA_WRITE | DELETE)) ||
        atomic_load_explicit(&no_tmpfile, memory_order_relaxed)) {
        errno = EAGAIN; /* no share-mode locks to gain on, or no O_TMPFILE */
        return -1;
    }
    uint64_t h = name_hash(r->path);
    if (atomic_load_explicit(&taken[h % TAKEN_SLOTS], memory_order_relaxed) == h) {
        errno = EAGAIN;
        return -1;
    }
    const char *slash = strrchr(r->path, '/');
    char dir[PATH_MAX];
    size_t n = !slash ? 0 : slash == r->path ? 1 : (size_t)(slash - r->path);
    if (n >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, slash ? r->path : ".", slash ? n : 1);
    dir[slash ? n : 1] = 0;
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC | extra, mode);
    if (fd < 0) {
        if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
            atomic_store_explicit(&no_tmpfile, true, memory_order_relaxed);
        return -1;
    }
    *held = filelock_share_take(fd, r->access, r->share);
    /* By the fd itself (Linux 6.10 lets its opener do that; before, only
     * CAP_DAC_READ_SEARCH), else through /proc. */
    int rc = -1;
    errno = EPERM;
    if (!atomic_load_explicit(&no_flink, memory_order_relaxed)) {
        rc = linkat(fd, "", AT_FDCWD, r->path, AT_EMPTY_PATH);
        if (rc < 0 && (errno == EPERM || errno == ENOENT || errno == EINVAL))
            atomic_store_explicit(&no_flink, true, memory_order_relaxed);
    }
    if (rc < 0 && (errno == EPERM || errno == ENOENT || errno == EINVAL)) {
        char proc[32];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        rc = linkat(AT_FDCWD, proc, AT_FDCWD, r->path, AT_SYMLINK_FOLLOW);
    }
    if (rc == 0) {
        *fl = O_RDWR | extra;
        return fd;
    }
    int e = errno;
    close(fd);
    *held = false;
    if (e == EEXIST)
        name_taken(r->path, true);
    else if (e == ENOENT || e == ENOSYS || e == EPERM)
        atomic_store_explicit(&no_tmpfile, true, memory_order_relaxed); /* no /proc? */
    errno = e;
    return -1;
}

static DWORD create_open(const struct create_req *r, struct file_obj **out,
                         bool *existed)
{
    bool want_write = r->access & (DATA_WRITE | DELETE | FILE_WRITE_ATTRIBUTES);
    bool want_data_write = r->access & DATA_WRITE;
    bool attr_only = !(r->access & (DATA_READ | DATA_WRITE));
    int extra = (r->flags & FILE_FLAG_WRITE_THROUGH) ? O_DSYNC : 0;
    mode_t mode = (r->attrs & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
    bool created = false, private_held = false;
    int fd = -1, fl = -1;
    *existed = false;

    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        switch (r->disposition) {
        case CREATE_NEW:
            fd = create_private(r, extra, mode, &fl, &private_held);
            if (fd < 0 && errno != EEXIST)
                fd = open_fd(r->path, want_write || !attr_only, false,
                             extra | O_CREAT | O_EXCL, mode, &fl);
            if (fd < 0)
                return errno == EEXIST ? ERROR_FILE_EXISTS : create_error(errno, r->path);
            created = true;
            break;
        case CREATE_ALWAYS:
            /* Usually made anew (a journal, an output file): creating
             * first saves a failed open; EEXIST goes on as OPEN_ALWAYS. */
            fd = create_private(r, extra, mode, &fl, &private_held);
            if (fd < 0 && errno != EEXIST) {
                fd = open_fd(r->path, want_write || !attr_only, false,
                             extra | O_CREAT | O_EXCL, mode, &fl);
                if (fd < 0 && errno != EEXIST)
                    return create_error(errno, r->path);
                name_taken(r->path, fd < 0);
            }
            if (fd >= 0) {
                created = true;
                break;
            }
            /* fall through */
        case OPEN_ALWAYS:
            fd = open_fd(r->path, want_write, attr_only, extra, 0, &fl);
            if (fd >= 0) {
                *existed = true;
                break;
            }
            if (errno != ENOENT)
                return path_error(errno, r->path);
            fd = open_fd(r->path, want_write || !attr_only, false,
                         extra | O_CREAT | O_EXCL, mode, &fl);
            if (fd < 0 && errno != EEXIST)
                return path_error(errno, r->path);
            created = fd >= 0;
            break; /* EEXIST: it appeared meanwhile; open it */
        default: /* OPEN_EXISTING, TRUNCATE_EXISTING */
            fd = open_fd(r->path, want_write, attr_only, extra, 0, &fl);
            if (fd < 0)
                return path_error(errno, r->path);
            *existed = true;
            break;
        }
    }
    if (fd < 0)
        return ERROR_GEN_FAILURE;

    /* A file this open made (O_CREAT | O_EXCL) is a regular file: its
     * type needs no fstat; its identity (for the lock counts) is asked
     * below only if it is needed. */
    struct stat st;
    bool have_st = !created;
    DWORD err = ERROR_SUCCESS;
    DWORD objflags = r->flags & ~(DWORD)0xffff;
    if (created) {
        memset(&st, 0, sizeof st);
        st.st_mode = S_IFREG;
    } else if (fstat(fd, &st) < 0) {
        err = ws_errno_to_win32(errno);
    } else if (S_ISDIR(st.st_mode)) {
        /* A directory is opened only with FILE_FLAG_BACKUP_SEMANTICS and
         * never truncated or replaced. */
        if (!(r->flags & FILE_FLAG_BACKUP_SEMANTICS) ||
            r->disposition == CREATE_ALWAYS || r->disposition == TRUNCATE_EXISTING ||
            want_data_write)
            err = ERROR_ACCESS_DENIED;
        objflags |= FILE_OBJ_DIRECTORY;
    } else if (*existed) {
        DWORD cur = attrs_of(r->path, fd, &st);
        /* FILE_ATTRIBUTE_READONLY forbids writing and deleting, also to
         * root, whose opens the mode bits do not stop. */
        if ((cur & FILE_ATTRIBUTE_READONLY) &&
            ((r->access & (DATA_WRITE | DELETE)) || r->disposition == CREATE_ALWAYS ||
             r->disposition == TRUNCATE_EXISTING))
            err = ERROR_ACCESS_DENIED;
        /* Replacing a hidden or system file needs the same attributes. */
        else if (r->disposition == CREATE_ALWAYS &&
                 (cur & ~r->attrs & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM)))
            err = ERROR_ACCESS_DENIED;
    }
    bool held = private_held;
    if (!err && !private_held)
        err = filelock_share_acquire(fd, fl, r->access, r->share, &held);
    if (!err && *existed && !S_ISDIR(st.st_mode) &&
        (r->disposition == CREATE_ALWAYS || r->disposition == TRUNCATE_EXISTING) &&
        ftruncate(fd, 0) < 0)
        err = ws_errno_to_win32(errno);
    /* A file just made has no attribute to remove: ARCHIVE alone (the
     * default) needs no system call there. */
    DWORD bits = (r->attrs & ATTRS_STORED) | FILE_ATTRIBUTE_ARCHIVE;
    if (!err && ((created && bits != FILE_ATTRIBUTE_ARCHIVE) ||
                 (*existed && r->disposition == CREATE_ALWAYS)))
        attrs_store(r->path, fd, bits);
    if (err) {
        close(fd);
        if (created)
            unlink(r->path);
        return err;
    }

    if (fl >= 0 && !(fl & O_PATH)) {
        int want = fl & ~O_NONBLOCK;
        if ((r->access & FILE_APPEND_DATA) && !(r->access & FILE_WRITE_DATA)) {
            objflags |= FILE_OBJ_APPEND_ONLY;
            want |= O_APPEND;
        }
        if (want != fl)
            fcntl(fd, F_SETFL, want);
    }
    if (held)
        objflags |= FILE_OBJ_SHARE_LOCKED;
    struct file_obj *f;
    /* Devices, FIFOs and sockets reached by path are streams, not disk
     * files: no file pointer, GetFileType tells what they are. */
    const struct file_ops *ops = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ||
                                         S_ISBLK(st.st_mode)
                                     ? &disk_file_ops
                                     : &stream_file_ops;
    if ((err = file_new(fd, ops, r->access, objflags, &f)))
        return err;
    f->share = r->share;
    /* The lock counts tell this object's byte-range locks to the other
     * file objects of the file.  While this one holds share-mode locks
     * that share neither reading nor writing, no other object with data
     * access can exist (filelock_check needs no count then either): a
     * file just made that way (a journal) skips the fstat. */
    bool alone = held && !(r->share & (FILE_SHARE_READ | FILE_SHARE_WRITE));
    if (ops == &disk_file_ops && !S_ISDIR(st.st_mode) && !have_st && !alone)
        have_st = fstat(fd, &st) == 0;
    if (ops == &disk_file_ops && !S_ISDIR(st.st_mode) && have_st)
        filelock_bind(f, &st);
    if ((r->flags & FILE_FLAG_DELETE_ON_CLOSE) && (err = keep_path(f, r->path))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
        return err;
    }
    *out = f;
    return ERROR_SUCCESS;
}

/* Names that are devices, not files: "NUL" (any directory, any extension,
 * as Windows' DOS devices) is /dev/null. */
static bool is_nul_device(const char *upath)
{
    const char *base = strrchr(upath, '/');
    base = base ? base + 1 : upath;
    return strncasecmp(base, "nul", 3) == 0 && (base[3] == 0 || base[3] == '.');
}

static HANDLE create_file(const void *name, bool wide, DWORD access, DWORD share,
                          LPSECURITY_ATTRIBUTES sa, DWORD disposition,
                          DWORD flags_attrs, HANDLE tmpl)
{
    (void)tmpl; /* its attributes matter only for new files, and only its
                 * extended attributes; ignored as Windows ignores it for
                 * existing files */
    if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING ||
        (share & ~(DWORD)FILE_SHARE_VALID_FLAGS)) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (disposition == TRUNCATE_EXISTING && !(access & (GENERIC_WRITE | GENERIC_ALL))) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    /* CONIN$, CONOUT$, COMn, pipe and mailslot names are not paths (device.c). */
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = wide ? device_open_w(name, access, share, disposition, flags_attrs, &h)
                     : device_open_a(name, access, share, disposition, flags_attrs, &h);
    if (err != DEVICE_NOT_A_DEVICE) {
        if (!err && sa && sa->bInheritHandle)
            SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        ws_set_last_error(err);
        return err ? INVALID_HANDLE_VALUE : h;
    }
    struct upath p;
    err = path_from(name, wide, 0, &p);
    if (err) {
        ws_set_last_error(err);
        return INVALID_HANDLE_VALUE;
    }
    struct create_req r = {
        .path = p.buf,
        .access = object_map_access(&file_type, access),
        .share = share,
        .disposition = disposition,
        .flags = flags_attrs & CREATE_FLAGS_VALID,
        .attrs = flags_attrs & 0xffff,
    };
    if (r.flags & FILE_FLAG_DELETE_ON_CLOSE)
        r.access |= DELETE;
    bool existed = false;
    struct file_obj *f = NULL;
    if (is_nul_device(p.buf)) {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        err = fd < 0 ? ws_errno_to_win32(errno)
                     : file_new(fd, &stream_file_ops, r.access, 0, &f);
    } else {
        err = create_open(&r, &f, &existed);
    }
    path_free(&p);
    if (!err && (err = handle_insert(&f->hdr, f->access,
                                     sa && sa->bInheritHandle ? HANDLE_FLAG_INHERIT : 0,
                                     &h))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
    }
    if (err) {
        ws_set_last_error(err);
        return INVALID_HANDLE_VALUE;
    }
    ws_set_last_error(existed && (disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS)
                          ? ERROR_ALREADY_EXISTS
                          : ERROR_SUCCESS);
    return h;
}

WS_EXPORT HANDLE WINAPI CreateFileA(LPCSTR name, DWORD access, DWORD share,
                                    LPSECURITY_ATTRIBUTES sa, DWORD disposition,
                                    DWORD flags_attrs, HANDLE tmpl)
{
    return create_file(name, false, access, share, sa, disposition, flags_attrs, tmpl);
}

WS_EXPORT HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share,
                                    LPSECURITY_ATTRIBUTES sa, DWORD disposition,
                                    DWORD flags_attrs, HANDLE tmpl)
{
    return create_file(name, true, access, share, sa, disposition, flags_attrs, tmpl);
}

/* ---- attributes: mode bits and a user.* extended attribute ---- */

DWORD attrs_of(const char *path, int fd, const struct stat *st)
{
    DWORD a;
    char buf[32];
    ssize_t n = fd >= 0 && !(fcntl(fd, F_GETFL) & O_PATH)
                    ? fgetxattr(fd, ATTR_XATTR, buf, sizeof buf - 1)
                    : (path ? getxattr(path, ATTR_XATTR, buf, sizeof buf - 1) : -1);
    if (n > 0) {
        buf[n] = 0;
        a = (DWORD)strtoul(buf, NULL, 0) & ATTRS_STORED;
    } else {
        a = S_ISDIR(st->st_mode) ? 0 : FILE_ATTRIBUTE_ARCHIVE;
    }
    if (S_ISDIR(st->st_mode))
        a |= FILE_ATTRIBUTE_DIRECTORY;
    else if (!(st->st_mode & 0222))
        a |= FILE_ATTRIBUTE_READONLY;
    if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))
        a |= FILE_ATTRIBUTE_SYSTEM; /* devices, fifos, sockets */
    return a ? a : FILE_ATTRIBUTE_NORMAL;
}

/* Stores the attribute bits that have no Unix form.  ARCHIVE alone is the
 * default and needs no attribute. */
void attrs_store(const char *path, int fd, DWORD bits)
{
    bits &= ATTRS_STORED;
    char buf[32];
    snprintf(buf, sizeof buf, "%#x", (unsigned)bits);
    int r;
    if (bits == FILE_ATTRIBUTE_ARCHIVE)
        r = fd >= 0 ? fremovexattr(fd, ATTR_XATTR) : removexattr(path, ATTR_XATTR);
    else
        r = fd >= 0 ? fsetxattr(fd, ATTR_XATTR, buf, strlen(buf), 0)
                    : setxattr(path, ATTR_XATTR, buf, strlen(buf), 0);
    (void)r; /* no extended attributes here: the bits are lost (documented) */
}

/* ---- handle-based queries and changes ---- */

#define FILETIME_UNIX_EPOCH 116444736000000000LL

void filetime_from_timespec(const struct timespec *ts, FILETIME *ft)
{
    int64_t v = (int64_t)ts->tv_sec * 10000000 + ts->tv_nsec / 100 + FILETIME_UNIX_EPOCH;
    if (v < 0)
        v = 0;
    ft->dwLowDateTime = (DWORD)v;
    ft->dwHighDateTime = (DWORD)((uint64_t)v >> 32);
}

static void timespec_from_filetime(const FILETIME *ft, struct timespec *ts)
{
    int64_t v = (int64_t)(((uint64_t)ft->dwHighDateTime << 32) | ft->dwLowDateTime) -
                FILETIME_UNIX_EPOCH;
    ts->tv_sec = v / 10000000;
    ts->tv_nsec = (long)(v % 10000000) * 100;
    if (ts->tv_nsec < 0) {
        ts->tv_sec--;
        ts->tv_nsec += 1000000000;
    }
}

/* A disk file handle with `need`, and its fd in this process. */
static DWORD disk_get(HANDLE h, ACCESS_MASK need, struct file_obj **f, int *fd)
{
    DWORD err = file_get(h, need, f, NULL);
    if (err)
        return err;
    *fd = file_fd(&(*f)->hdr);
    if ((*f)->kind != FILE_KIND_DISK || *fd < 0) {
        file_put(*f);
        /* Pipes, consoles...: no file pointer, size or times. */
        return ERROR_INVALID_FUNCTION;
    }
    return ERROR_SUCCESS;
}

static DWORD seek(HANDLE h, int64_t dist, DWORD method, int64_t *pos)
{
    if (method > FILE_END)
        return ERROR_INVALID_PARAMETER;
    struct file_obj *f;
    int fd;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err)
        return err;
    fd = file_fd(&f->hdr);
    if (fd < 0 || (f->kind != FILE_KIND_DISK && f->kind != FILE_KIND_STREAM)) {
        file_put(f);
        return ERROR_INVALID_FUNCTION;
    }
    int64_t base = 0;
    struct stat st;
    if (method == FILE_CURRENT)
        base = (int64_t)lseek(fd, 0, SEEK_CUR);
    else if (method == FILE_END)
        base = fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
    if (base < 0) {
        err = errno == ESPIPE ? ERROR_INVALID_FUNCTION : ws_errno_to_win32(errno);
    } else if (base + dist < 0 || (dist > 0 && base + dist < base)) {
        err = ERROR_NEGATIVE_SEEK;
    } else if (lseek(fd, (off_t)(base + dist), SEEK_SET) < 0) {
        err = errno == ESPIPE ? ERROR_INVALID_FUNCTION : ws_errno_to_win32(errno);
    } else {
        *pos = base + dist;
    }
    file_put(f);
    return err;
}

WS_EXPORT DWORD WINAPI SetFilePointer(HANDLE h, LONG dist, PLONG high, DWORD method)
{
    int64_t d = high ? (int64_t)(((uint64_t)(DWORD)*high << 32) | (DWORD)dist) : dist;
    int64_t pos = 0;
    DWORD err = seek(h, d, method, &pos);
    if (err) {
        ws_set_last_error(err);
        return INVALID_SET_FILE_POINTER;
    }
    if (high)
        *high = (LONG)(pos >> 32);
    else if (pos > 0xffffffffLL) {
        /* The position does not fit the return value alone. */
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_SET_FILE_POINTER;
    }
    /* A position whose low half is INVALID_SET_FILE_POINTER is told from a
     * failure by the last error: NO_ERROR. */
    if ((DWORD)pos == INVALID_SET_FILE_POINTER)
        ws_set_last_error(ERROR_SUCCESS);
    return (DWORD)pos;
}

WS_EXPORT BOOL WINAPI SetFilePointerEx(HANDLE h, LARGE_INTEGER dist, PLARGE_INTEGER out,
                                       DWORD method)
{
    int64_t pos = 0;
    DWORD err = seek(h, dist.QuadPart, method, &pos);
    if (!err && out)
        out->QuadPart = pos;
    return ws_bool(err);
}

static DWORD file_size(HANDLE h, int64_t *size)
{
    struct file_obj *f;
    int fd;
    DWORD err = disk_get(h, 0, &f, &fd);
    if (err)
        return err;
    struct stat st;
    if (fstat(fd, &st) < 0)
        err = ws_errno_to_win32(errno);
    else if (f->flags & FILE_OBJ_DIRECTORY)
        *size = 0;
    else
        *size = st.st_size;
    file_put(f);
    return err;
}

WS_EXPORT DWORD WINAPI GetFileSize(HANDLE h, LPDWORD high)
{
    int64_t size = 0;
    DWORD err = file_size(h, &size);
    if (err) {
        ws_set_last_error(err);
        return INVALID_FILE_SIZE;
    }
    if (high)
        *high = (DWORD)((uint64_t)size >> 32);
    if ((DWORD)size == INVALID_FILE_SIZE)
        ws_set_last_error(ERROR_SUCCESS);
    return (DWORD)size;
}

WS_EXPORT BOOL WINAPI GetFileSizeEx(HANDLE h, PLARGE_INTEGER size)
{
    int64_t s = 0;
    DWORD err = file_size(h, &s);
    if (!err)
        size->QuadPart = s;
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetEndOfFile(HANDLE h)
{
    struct file_obj *f;
    int fd;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    fd = file_fd(&f->hdr);
    if (!(granted & FILE_WRITE_DATA))
        err = ERROR_ACCESS_DENIED;
    else if (f->kind != FILE_KIND_DISK || fd < 0 || (f->flags & FILE_OBJ_DIRECTORY))
        err = ERROR_INVALID_FUNCTION;
    else {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        struct stat st;
        /* Cutting bytes another handle holds locked is a lock violation. */
        if (fstat(fd, &st) == 0 && pos < st.st_size)
        {
            int64_t at = pos;
            err = filelock_check(f, fd, &at, (DWORD)((st.st_size - pos) > 0x7fffffff
                                                     ? 0x7fffffff
                                                     : st.st_size - pos),
                                 true);
        }
        if (!err && (pos < 0 || ftruncate(fd, pos) < 0))
            err = ws_errno_to_win32(errno);
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetFileInformationByHandle(HANDLE h,
                                                 LPBY_HANDLE_FILE_INFORMATION info)
{
    struct file_obj *f;
    int fd;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err)
        return ws_bool(err);
    fd = file_fd(&f->hdr);
    struct stat st;
    if (fd < 0 || f->kind != FILE_KIND_DISK)
        err = ERROR_INVALID_FUNCTION;
    else if (fstat(fd, &st) < 0)
        err = ws_errno_to_win32(errno);
    else {
        memset(info, 0, sizeof *info);
        info->dwFileAttributes = attrs_of(NULL, fd, &st);
        filetime_from_timespec(&st.st_mtim, &info->ftCreationTime);
        filetime_from_timespec(&st.st_atim, &info->ftLastAccessTime);
        filetime_from_timespec(&st.st_mtim, &info->ftLastWriteTime);
        info->dwVolumeSerialNumber = (DWORD)st.st_dev;
        int64_t size = S_ISDIR(st.st_mode) ? 0 : st.st_size;
        info->nFileSizeHigh = (DWORD)((uint64_t)size >> 32);
        info->nFileSizeLow = (DWORD)size;
        info->nNumberOfLinks = (DWORD)st.st_nlink;
        info->nFileIndexHigh = (DWORD)((uint64_t)st.st_ino >> 32);
        info->nFileIndexLow = (DWORD)st.st_ino;
    }
    file_put(f);
    return ws_bool(err);
}

/* Linux keeps no creation time where statx has no birth time; the last
 * change of data stands in for it (docs/COMPATIBILITY.md). */
WS_EXPORT BOOL WINAPI GetFileTime(HANDLE h, LPFILETIME created, LPFILETIME accessed,
                                  LPFILETIME written)
{
    struct file_obj *f;
    int fd;
    DWORD err = disk_get(h, 0, &f, &fd);
    if (err)
        return ws_bool(err);
    struct statx sx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &sx) < 0) {
        err = ws_errno_to_win32(errno);
    } else {
        struct timespec b = {sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec};
        struct timespec a = {sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec};
        struct timespec m = {sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec};
        if (!(sx.stx_mask & STATX_BTIME))
            b = m;
        if (created)
            filetime_from_timespec(&b, created);
        if (accessed)
            filetime_from_timespec(&a, accessed);
        if (written)
            filetime_from_timespec(&m, written);
    }
    file_put(f);
    return ws_bool(err);
}

/* A time of 0 or NULL leaves that time alone; 0xFFFFFFFF'FFFFFFFF (stop
 * updating it for this handle) is taken as "leave alone" as well.  The
 * creation time cannot be set on Linux and is ignored. */
static bool ft_keep(const FILETIME *ft)
{
    return !ft || (!ft->dwLowDateTime && !ft->dwHighDateTime) ||
           (ft->dwLowDateTime == 0xffffffff && ft->dwHighDateTime == 0xffffffff) ||
           (ft->dwLowDateTime == 0xfffffffe && ft->dwHighDateTime == 0xffffffff);
}

WS_EXPORT BOOL WINAPI SetFileTime(HANDLE h, const FILETIME *created,
                                  const FILETIME *accessed, const FILETIME *written)
{
    (void)created;
    struct file_obj *f;
    int fd;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    fd = file_fd(&f->hdr);
    if (!(granted & FILE_WRITE_ATTRIBUTES)) {
        err = ERROR_ACCESS_DENIED;
    } else if (fd < 0 || f->kind != FILE_KIND_DISK) {
        err = ERROR_INVALID_FUNCTION;
    } else {
        struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_nsec = UTIME_OMIT}};
        if (!ft_keep(accessed))
            timespec_from_filetime(accessed, &ts[0]);
        if (!ft_keep(written))
            timespec_from_filetime(written, &ts[1]);
        int r = (fcntl(fd, F_GETFL) & O_PATH) ? -1 : futimens(fd, ts);
        if (r < 0)
            err = ws_errno_to_win32(errno);
    }
    file_put(f);
    return ws_bool(err);
}

/* ---- byte-range locks ---- */

static DWORD lock_handle(HANDLE h, uint64_t off, uint64_t len, bool exclusive,
                         bool wait, bool unlock)
{
    struct file_obj *f;
    int fd;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return err;
    fd = file_fd_of(f); /* not file_fd: a lock leaves the file pointer alone */
    if (!(granted & (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA)))
        err = ERROR_ACCESS_DENIED;
    else if (fd < 0 || f->kind != FILE_KIND_DISK || (f->flags & FILE_OBJ_DIRECTORY))
        err = ERROR_INVALID_FUNCTION;
    else
        err = unlock ? filelock_unlock(f, off, len)
                     : filelock_lock(f, off, len, exclusive, wait);
    file_put(f);
    return err;
}

static uint64_t u64(DWORD lo, DWORD hi)
{
    return ((uint64_t)hi << 32) | lo;
}

WS_EXPORT BOOL WINAPI LockFile(HANDLE h, DWORD off_lo, DWORD off_hi, DWORD len_lo,
                               DWORD len_hi)
{
    return ws_bool(lock_handle(h, u64(off_lo, off_hi), u64(len_lo, len_hi), true,
                               false, false));
}

WS_EXPORT BOOL WINAPI UnlockFile(HANDLE h, DWORD off_lo, DWORD off_hi, DWORD len_lo,
                                 DWORD len_hi)
{
    return ws_bool(lock_handle(h, u64(off_lo, off_hi), u64(len_lo, len_hi), false,
                               false, true));
}

WS_EXPORT BOOL WINAPI LockFileEx(HANDLE h, DWORD flags, DWORD reserved, DWORD len_lo,
                                 DWORD len_hi, LPOVERLAPPED ov)
{
    if (reserved || !ov)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err = lock_handle(h, u64(ov->Offset, ov->OffsetHigh), u64(len_lo, len_hi),
                            flags & LOCKFILE_EXCLUSIVE_LOCK,
                            !(flags & LOCKFILE_FAIL_IMMEDIATELY), false);
    /* Synchronous completion: the OVERLAPPED reports it, as on Windows. */
    if (!err) {
        ov->Internal = 0;
        ov->InternalHigh = 0;
        if (ov->hEvent)
            SetEvent(ov->hEvent);
    }
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI UnlockFileEx(HANDLE h, DWORD reserved, DWORD len_lo, DWORD len_hi,
                                   LPOVERLAPPED ov)
{
    if (reserved || !ov)
        return ws_bool(ERROR_INVALID_PARAMETER);
    return ws_bool(lock_handle(h, u64(ov->Offset, ov->OffsetHigh), u64(len_lo, len_hi),
                               false, false, true));
}
