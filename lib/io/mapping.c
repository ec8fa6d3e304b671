/*
 * File mapping objects (Windows "sections"): CreateFileMappingA/W,
 * OpenFileMappingA/W, MapViewOfFile(Ex), UnmapViewOfFile, FlushViewOfFile.
 *
 * Object: a mapping is backed by an fd that can be mmap()ed: a memfd for
 * the paging file (hFile = INVALID_HANDLE_VALUE), or a new open of the
 * file object's file.  Its size, protection (PAGE_*) and SEC_* flags
 * are written before the first handle exists and never change, so no lock
 * guards them.  A mapping is not waitable.
 *
 * Names: the same namespace as events (object_create_handle / ns_create),
 * so the name goes with the last handle, whichever process closes it,
 * while views stay mapped: a view does not hold the object, only the pages
 * (mmap keeps the memfd's pages alive by itself).
 *
 * Processes and holders: an fd is per process, so the mapping records up
 * to FD_HOLDERS *holders* (holders.c, shared with file objects) in the
 * shared object: (pid, session tag, fd)
 * of a process that keeps an fd of the backing memfd or file open.  The
 * creator is the first holder.  A process that opens the mapping by name
 * (OpenFileMapping, or CreateFileMapping of an existing name) or maps a view
 * through a handle it got otherwise (inherited, duplicated into it) fetches
 * its own fd from ANY live holder, open("/proc/<pid>/fd/<fd>") (same user,
 * ptrace-read permission) or pidfd_getfd() where /proc is not mounted, and
 * claims an entry for it, so the section outlives its creator as on
 * Windows: it lives as long as some process that holds a handle also
 * holds an fd.  ino/dev identify the file: a reused fd number, or a holder
 * that let go while we read its entry, is never taken for ours.
 *
 * Holder entries (states, seqlock reads, crash reclaim): holders.c.  A
 * holder lets go when its own last handle to the mapping is closed
 * (mapping_handle_closed, from CloseHandle: a scan of the process's handle
 * table, only in a holder process, as file.c does) or when the object is
 * destroyed: HELD -> FREE, then it closes its fd.  A holder that dies
 * without letting go is reclaimed by whoever meets its entry.  Limits: when every
 * holder is gone, handles that never fetched an
 * fd (inherited or duplicated, no view mapped yet) can no longer map a view
 * (ERROR_INVALID_HANDLE); a process that finds every entry taken by a live
 * holder maps with a temporary fd and does not hold one; a handle closed
 * by another process (DUPLICATE_CLOSE_SOURCE) leaves the fd open until the
 * holder closes another handle to the mapping, exits or the object goes.
 *
 * Views: a process-private list of (address, length) under views_lock, for
 * UnmapViewOfFile and FlushViewOfFile, which receive only an address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/busguard.h"
#include "core/cell.h"
#include "core/error.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/wait.h"
#include "io/file.h"
#include "io/path.h"
#include "core/handle_lookup.h"

#define MAP_GRANULARITY 0x10000u /* dwAllocationGranularity */

struct mapping_obj {
    struct object hdr;
    /* Shared, written once before the first handle exists. */
    uint64_t size;     /* bytes */
    uint32_t protect;  /* PAGE_* (the base protection only) */
    uint32_t sec;      /* SEC_* */
    uint64_t ino;      /* identity of the backing file */
    uint64_t dev;
    struct fd_holder holders[FD_HOLDERS]; /* holders.c */
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t mapping_layout[] = {
    LAYOUT_SIZE(struct mapping_obj),
    LAYOUT_FIELD(struct mapping_obj, size),
    LAYOUT_FIELD(struct mapping_obj, protect),
    LAYOUT_FIELD(struct mapping_obj, sec),
    LAYOUT_FIELD(struct mapping_obj, ino),
    LAYOUT_FIELD(struct mapping_obj, dev),
    LAYOUT_FIELD(struct mapping_obj, holders),
    HOLDER_LAYOUT,
};

static void mapping_destroy(struct object *o)
{
    struct mapping_obj *m = (struct mapping_obj *)o;
    uint32_t w;
    int fd;
    struct fd_holder *e = holders_self(m->holders, &w, &fd);
    if (e && holders_release(e, w))
        close(fd);
}

static void mapping_handle_closed(struct object *o);
static int mapping_inherit_fd(struct object *o);
static void mapping_adopt_fd(struct object *o, int fd);
static void mapping_duplicated(struct object *o, struct proc_slot *to);

const struct object_type mapping_type = {
    .name = "Section",
    .id = TYPE_MAPPING,
    .size = sizeof(struct mapping_obj),
    .mapping = {STANDARD_RIGHTS_READ | SECTION_QUERY | SECTION_MAP_READ,
                STANDARD_RIGHTS_WRITE | SECTION_MAP_WRITE,
                STANDARD_RIGHTS_EXECUTE | SECTION_MAP_EXECUTE, SECTION_ALL_ACCESS},
    .valid_access = SECTION_ALL_ACCESS | SECTION_MAP_EXECUTE_EXPLICIT,
    .destroy = mapping_destroy,
    .handle_closed = mapping_handle_closed,
    .inherit_fd = mapping_inherit_fd,
    .adopt_fd = mapping_adopt_fd,
    .duplicated = mapping_duplicated,
    TYPE_LAYOUT(mapping_layout),
};

/* ---- protections ---- */

enum { PROT_R = 1, PROT_W = 2, PROT_X = 4, PROT_COW = 8 };

/* What a PAGE_* base protection allows; 0 for one CreateFileMapping
 * refuses. */
static unsigned protect_bits(DWORD protect)
{
    switch (protect) {
    case PAGE_READONLY:
        return PROT_R;
    case PAGE_READWRITE:
        return PROT_R | PROT_W;
    case PAGE_WRITECOPY:
        return PROT_R | PROT_COW;
    case PAGE_EXECUTE_READ:
        return PROT_R | PROT_X;
    case PAGE_EXECUTE_READWRITE:
        return PROT_R | PROT_W | PROT_X;
    case PAGE_EXECUTE_WRITECOPY:
        return PROT_R | PROT_X | PROT_COW;
    default:
        return 0;
    }
}

/* ---- holders (holders.c) ---- */

/* Is fd the mapping's file? */
static bool mapping_same_file(const struct mapping_obj *m, int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && (uint64_t)st.st_ino == m->ino &&
           (uint64_t)st.st_dev == m->dev;
}

struct fetch_ctx {
    struct mapping_obj *m;
    bool writable;
};

/* Another process's fd, as a new fd of ours checked to be the mapping's
 * file; -1 when it cannot be had.  A new open file description through
 * /proc is fine here (a mapping has no file pointer or locks); pidfd_getfd
 * where /proc is not mounted. */
static int mapping_fetch_one(void *ctx, uint32_t pid, uint32_t tag, int fd)
{
    struct fetch_ctx *c = ctx;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
    int nfd = open(path, (c->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (nfd < 0 && errno != ENOENT)
        nfd = holders_getfd(pid, tag, fd);
    if (nfd >= 0 && !mapping_same_file(c->m, nfd)) {
        close(nfd);
        nfd = -1;
    }
    return nfd;
}

/* A new fd of this process for the mapping's file (the caller closes it):
 * a copy of our holder fd, or one fetched from any live holder, after
 * which this process becomes a holder too (while it has a handle).
 * ERROR_INVALID_HANDLE when no holder can give one. */
static DWORD mapping_get_fd(struct mapping_obj *m, bool writable, int *out)
{
    uint32_t w;
    int fd;
    holders_inbox_drain(); /* given to us with a handle? (holders.c) */
    if (holders_self(m->holders, &w, &fd)) {
        /* A thread of ours may let go meanwhile: the copy is checked. */
        int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (nfd >= 0 && mapping_same_file(m, nfd)) {
            *out = nfd;
            return ERROR_SUCCESS;
        }
        if (nfd >= 0)
            close(nfd);
    }
    struct fetch_ctx c = {m, writable};
    int nfd = holders_fetch(m->holders, mapping_fetch_one, &c);
    if (nfd < 0)
        return ERROR_INVALID_HANDLE; /* no live holder */
    if (!holders_self(m->holders, &w, &fd)) {
        int keep = fcntl(nfd, F_DUPFD_CLOEXEC, 0);
        if (keep >= 0 && !holders_claim(m->holders, keep))
            close(keep);
        else if (keep >= 0) {
            /* Our last handle may have been closed while we claimed:
             * then nobody else lets go of the entry (see
             * mapping_handle_closed). */
            atomic_thread_fence(memory_order_seq_cst);
            struct fd_holder *me = holders_self(m->holders, &w, &fd);
            if (me && !handle_table_refers(&m->hdr) && holders_release(me, w))
                close(fd);
        }
    }
    *out = nfd;
    return ERROR_SUCCESS;
}

static void mapping_handle_closed(struct object *o)
{
    struct mapping_obj *m = (struct mapping_obj *)o;
    uint32_t w;
    int fd;
    holders_inbox_drain(); /* an fd given for this handle goes below */
    struct fd_holder *e = holders_self(m->holders, &w, &fd);
    if (!e)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    if (!handle_table_refers(o) && holders_release(e, w))
        close(fd);
}

/* object_type.inherit_fd: our holder fd, passed to a child under its
 * number (the child holds it from then on: mapping_adopt_fd). */
static int mapping_inherit_fd(struct object *o)
{
    struct mapping_obj *m = (struct mapping_obj *)o;
    uint32_t w;
    int fd;
    return holders_self(m->holders, &w, &fd) ? fd : -1;
}

/* object_type.adopt_fd: an fd of the section inherited or given to our
 * inbox (holders.c): this process holds it, unless it holds one already
 * or every entry is taken by a live holder. */
static void mapping_adopt_fd(struct object *o, int fd)
{
    struct mapping_obj *m = (struct mapping_obj *)o;
    uint32_t w;
    int mine;
    if (holders_self(m->holders, &w, &mine) || !mapping_same_file(m, fd) ||
        !holders_claim(m->holders, fd))
        close(fd);
}

/* object_type.duplicated: the receiver of a handle gets our fd at once
 * (its inbox), so it can map a view even when every holder has gone
 * before it used the handle; a handle that came to us from another
 * process: we hold an fd from now on, while the source surely has one. */
static void mapping_duplicated(struct object *o, struct proc_slot *to)
{
    struct mapping_obj *m = (struct mapping_obj *)o;
    uint32_t w;
    int fd;
    bool writable = (protect_bits(m->protect) & PROT_W) != 0;
    bool mine = holders_self(m->holders, &w, &fd) != NULL;
    if (!mine && mapping_get_fd(m, writable, &fd))
        return; /* no holder left: nothing to pass */
    if (to != shm_self())
        holders_give(to, o, fd);
    if (!mine)
        close(fd); /* a copy; mapping_get_fd made us a holder if it could */
}

/* Becomes a holder of the mapping h names, if not one already: a process
 * that opened it by name keeps the section alive from then on.  Failures
 * are left to MapViewOfFile. */
static void mapping_hold(HANDLE h)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &mapping_type, 0, &o, NULL);
    if (!err)
        object_ref(o);
    ws_rcu_unlock();
    if (err)
        return;
    struct mapping_obj *m = (struct mapping_obj *)o;
    uint32_t w;
    int fd;
    if (!(o->obj_flags & OBJ_GRANTED) && !holders_self(m->holders, &w, &fd) &&
        !mapping_get_fd(m, (protect_bits(m->protect) & PROT_W) != 0, &fd))
        close(fd);
    object_unref(o);
}

#define SEC_KNOWN (SEC_FILE | SEC_IMAGE | SEC_PROTECTED_IMAGE | SEC_RESERVE | \
                   SEC_COMMIT | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES)

/* ---- creation ---- */

struct mapping_args {
    int fd;            /* taken over by make */
    uint64_t size;
    DWORD protect, sec;
};

static struct object *mapping_make(void *ctx, DWORD *err)
{
    struct mapping_args *a = ctx;
    struct object *o = object_new(&mapping_type, 0, 0, err);
    if (!o)
        return NULL;
    struct mapping_obj *m = (struct mapping_obj *)o;
    struct stat st;
    fstat(a->fd, &st);
    m->size = a->size;
    m->protect = a->protect;
    m->sec = a->sec;
    m->ino = (uint64_t)st.st_ino;
    m->dev = (uint64_t)st.st_dev;
    /* Not visible to anyone yet: the creator is the first holder. */
    holders_init_first(m->holders, a->fd);
    a->fd = -1;
    return o;
}

void mapping_section_params(const void *ctx, uint64_t *size, DWORD *protect, DWORD *sec)
{
    const struct mapping_args *a = ctx;
    *size = a->size;
    *protect = a->protect;
    *sec = a->sec;
}

void mapping_proxy_init(struct object *o, uint64_t size, DWORD protect, DWORD sec)
{
    struct mapping_obj *m = (struct mapping_obj *)o;
    m->size = size;
    m->protect = protect;
    m->sec = sec;
}

/* The backing fd for a file handle: checks the protection against the
 * file's access and gives the mapping size (growing the file when a
 * writable mapping is larger, as Windows does). */
static DWORD mapping_file_fd(HANDLE file, unsigned prot, uint64_t *size, int *out)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(file, 0, &f, &granted);
    if (err)
        return err;
    int fd = file_fd(&f->hdr);
    struct stat st;
    if (f->kind != FILE_KIND_DISK || fd < 0 || fstat(fd, &st) < 0 ||
        !S_ISREG(st.st_mode))
        err = ERROR_INVALID_HANDLE;
    else if (!(granted & FILE_READ_DATA) ||
             ((prot & PROT_W) && !(granted & FILE_WRITE_DATA)) ||
             ((prot & PROT_X) && !(granted & FILE_EXECUTE)))
        err = ERROR_ACCESS_DENIED;
    else if (*size == 0 && st.st_size == 0)
        err = ERROR_FILE_INVALID; /* an empty file cannot be mapped */
    else if (*size == 0)
        *size = (uint64_t)st.st_size;
    else if (*size > (uint64_t)st.st_size) {
        if (!(prot & PROT_W))
            err = ERROR_NOT_ENOUGH_MEMORY;
        else if (ftruncate(fd, (off_t)*size) < 0)
            err = errno == EFBIG ? ERROR_DISK_FULL : ws_errno_to_win32(errno);
    }
    if (!err) {
        /* A new open file description of the same file, not a dup: the
         * file object's description carries its share-mode and byte-range
         * locks (OFD locks), which must go with the file handle, not stay
         * with the mapping. */
        char self[64];
        snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
        int own = open(self, ((prot & PROT_W) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (own < 0)
            err = ws_errno_to_win32(errno);
        *out = own;
    }
    file_put(f);
    return err;
}

static DWORD mapping_anon_fd(uint64_t size, int *out)
{
    int fd = memfd_create("winshim-section", MFD_CLOEXEC);
    if (fd < 0)
        return ws_errno_to_win32(errno);
    if (ftruncate(fd, (off_t)size) < 0) {
        int e = errno;
        close(fd);
        return e == EFBIG || e == EINVAL ? ERROR_NOT_ENOUGH_MEMORY : ws_errno_to_win32(e);
    }
    *out = fd;
    return ERROR_SUCCESS;
}

static HANDLE mapping_create(HANDLE file, LPSECURITY_ATTRIBUTES sa, DWORD flags,
                             DWORD size_high, DWORD size_low, LPCWSTR wname,
                             LPCSTR aname, bool ansi)
{
    DWORD protect = flags & 0xffu, sec = flags & ~0xffu;
    unsigned prot = protect_bits(protect);
    uint64_t size = ((uint64_t)size_high << 32) | size_low;
    if (!prot || (sec & ~SEC_KNOWN) || (sec & (SEC_COMMIT | SEC_RESERVE)) ==
                                           (SEC_COMMIT | SEC_RESERVE))
        return ws_null(ERROR_INVALID_PARAMETER);
    /* Loading PE images and large pages have no Linux equivalent here. */
    if (sec & (SEC_IMAGE | SEC_PROTECTED_IMAGE | SEC_LARGE_PAGES))
        return ws_null(ERROR_NOT_SUPPORTED);
    if (size > (uint64_t)INT64_MAX)
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    struct mapping_args a = {.fd = -1, .protect = protect, .sec = sec};
    DWORD err;
    if (file == INVALID_HANDLE_VALUE) {
        if (size == 0)
            return ws_null(ERROR_INVALID_PARAMETER);
        err = mapping_anon_fd(size, &a.fd);
    } else {
        err = mapping_file_fd(file, prot, &size, &a.fd);
    }
    if (err)
        return ws_null(err);
    a.size = size;
    /* The handle gets every right a section has; the protection limits
     * what its views may do (MapViewOfFile). */
    HANDLE h = object_create_handle(&mapping_type, mapping_make, &a, wname,
                                    aname, ansi, SECTION_ALL_ACCESS, sa);
    if (a.fd >= 0) { /* not used: the name existed, or creation failed */
        close(a.fd);
        if (h)
            mapping_hold(h);
    }
    return h;
}

WS_EXPORT HANDLE WINAPI CreateFileMappingW(HANDLE file, LPSECURITY_ATTRIBUTES sa,
                                           DWORD protect, DWORD size_high,
                                           DWORD size_low, LPCWSTR name)
{
    return mapping_create(file, sa, protect, size_high, size_low, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateFileMappingA(HANDLE file, LPSECURITY_ATTRIBUTES sa,
                                           DWORD protect, DWORD size_high,
                                           DWORD size_low, LPCSTR name)
{
    return mapping_create(file, sa, protect, size_high, size_low, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI OpenFileMappingW(DWORD access, BOOL inherit, LPCWSTR name)
{
    HANDLE h = object_open_handle(&mapping_type, name, NULL, false, access, inherit);
    if (h)
        mapping_hold(h);
    return h;
}

WS_EXPORT HANDLE WINAPI OpenFileMappingA(DWORD access, BOOL inherit, LPCSTR name)
{
    HANDLE h = object_open_handle(&mapping_type, NULL, name, true, access, inherit);
    if (h)
        mapping_hold(h);
    return h;
}

/* ---- views ---- */

struct view {
    char *addr;
    size_t len;
};

static pthread_mutex_t views_lock = PTHREAD_MUTEX_INITIALIZER;
static struct view *views;
static size_t nviews, views_cap;

static DWORD views_add(void *addr, size_t len)
{
    pthread_mutex_lock(&views_lock);
    if (nviews == views_cap) {
        size_t cap = views_cap ? views_cap * 2 : 16;
        struct view *v = realloc(views, cap * sizeof(*v));
        if (!v) {
            pthread_mutex_unlock(&views_lock);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        views = v;
        views_cap = cap;
    }
    views[nviews++] = (struct view){addr, len};
    pthread_mutex_unlock(&views_lock);
    return ERROR_SUCCESS;
}

/* The view containing p, under views_lock; -1 when none. */
static ptrdiff_t views_find_locked(const void *p)
{
    const char *c = p;
    for (size_t i = 0; i < nviews; i++)
        if (c >= views[i].addr && c < views[i].addr + views[i].len)
            return (ptrdiff_t)i;
    return -1;
}

static LPVOID map_view(HANDLE h, DWORD access, DWORD off_high, DWORD off_low,
                       SIZE_T len, LPVOID base)
{
    struct object *o = NULL;
    ACCESS_MASK granted = 0;
    ws_rcu_lock();
    DWORD err = handle_get(h, &mapping_type, 0, &o, &granted);
    if (!err)
        object_ref(o);
    ws_rcu_unlock();
    if (err)
        return ws_null(err);
    struct mapping_obj *m = (struct mapping_obj *)o;
    unsigned allowed = protect_bits(m->protect);
    uint64_t off = ((uint64_t)off_high << 32) | off_low;
    /* FILE_MAP_COPY is bit 0, which SECTION_QUERY (in FILE_MAP_ALL_ACCESS)
     * shares: it means copy-on-write only on its own (or with EXECUTE). */
    bool copy = (access & ~(DWORD)(FILE_MAP_EXECUTE | FILE_MAP_RESERVE |
                                   FILE_MAP_TARGETS_INVALID | FILE_MAP_LARGE_PAGES)) ==
                FILE_MAP_COPY;
    bool write = !copy && (access & FILE_MAP_WRITE);
    bool exec = (access & FILE_MAP_EXECUTE) != 0;
    int prot = PROT_NONE;
    /* FILE_MAP_* against the handle's rights and the mapping's protection:
     * a write view of a read-only or copy-on-write mapping is refused. */
    /* As NT's table of protection to section rights: a read-write view
     * needs SECTION_MAP_WRITE only, a read-only or copy-on-write view
     * SECTION_MAP_READ. */
    if (((access & FILE_MAP_READ) || copy) && !write && !(granted & SECTION_MAP_READ))
        err = ERROR_ACCESS_DENIED;
    else if (write && (!(granted & SECTION_MAP_WRITE) || !(allowed & PROT_W)))
        err = ERROR_ACCESS_DENIED;
    else if (exec && (!(granted & SECTION_MAP_EXECUTE) || !(allowed & PROT_X)))
        err = ERROR_ACCESS_DENIED;
    else if (off % MAP_GRANULARITY)
        err = ERROR_MAPPED_ALIGNMENT;
    else if (off >= m->size)
        err = ERROR_INVALID_PARAMETER;
    else if (len > m->size - off)
        err = ERROR_ACCESS_DENIED;
    else if ((uintptr_t)base % MAP_GRANULARITY)
        err = ERROR_INVALID_ADDRESS;
    if (err) {
        object_unref(o);
        return ws_null(err);
    }
    if (len == 0)
        len = (SIZE_T)(m->size - off);
    if (access & (FILE_MAP_READ | FILE_MAP_WRITE) || copy)
        prot |= PROT_READ;
    if (write || copy)
        prot |= PROT_WRITE;
    if (exec)
        prot |= PROT_EXEC;
    int fd;
    uint64_t base_off = 0;
    const uint16_t o_flags = o->obj_flags;
    if (o->obj_flags & OBJ_GRANTED)
        err = cell_section_fd(o, write, &fd, &base_off); /* cell.c */
    else
        err = mapping_get_fd(m, (allowed & PROT_W) != 0, &fd);
    if (err) {
        object_unref(o);
        return ws_null(err);
    }
    int flags = copy ? MAP_PRIVATE : MAP_SHARED;
    if (base)
        flags |= MAP_FIXED_NOREPLACE;
    void *p = mmap(base, len, prot, flags, fd, (off_t)(base_off + off));
    int e = errno;
    close(fd);
    object_unref(o);
    if (p == MAP_FAILED)
        return ws_null(e == EEXIST ? ERROR_INVALID_ADDRESS
                                   : e == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY
                                                 : ws_errno_to_win32(e));
    if (base && p != base) { /* a kernel without MAP_FIXED_NOREPLACE */
        munmap(p, len);
        return ws_null(ERROR_INVALID_ADDRESS);
    }
    /* A granted section's file may be truncated by a grantee: its views
     * survive that (core/busguard.c). */
    bool guarded = (o_flags & OBJ_GRANTED) && busguard_add(p, len);
    if ((o_flags & OBJ_GRANTED) && !guarded)
        err = ERROR_NO_SYSTEM_RESOURCES;
    if (err || (err = views_add(p, len))) {
        if (guarded)
            busguard_remove(p);
        munmap(p, len);
        return ws_null(err);
    }
    return p;
}

WS_EXPORT LPVOID WINAPI MapViewOfFile(HANDLE h, DWORD access, DWORD off_high,
                                      DWORD off_low, SIZE_T len)
{
    return map_view(h, access, off_high, off_low, len, NULL);
}

WS_EXPORT LPVOID WINAPI MapViewOfFileEx(HANDLE h, DWORD access, DWORD off_high,
                                        DWORD off_low, SIZE_T len, LPVOID base)
{
    return map_view(h, access, off_high, off_low, len, base);
}

/* Any address inside a view names it, as NtUnmapViewOfSection allows. */
WS_EXPORT BOOL WINAPI UnmapViewOfFile(LPCVOID addr)
{
    pthread_mutex_lock(&views_lock);
    ptrdiff_t i = views_find_locked(addr);
    if (i < 0) {
        pthread_mutex_unlock(&views_lock);
        return ws_bool(ERROR_INVALID_ADDRESS);
    }
    struct view v = views[i];
    views[i] = views[--nviews];
    /* Unmapped under the lock, so that a concurrent MapViewOfFile that
     * gets the same addresses cannot be registered before this one left. */
    busguard_remove(v.addr); /* if it was a granted section's */
    munmap(v.addr, v.len);
    pthread_mutex_unlock(&views_lock);
    return TRUE;
}

WS_EXPORT BOOL WINAPI FlushViewOfFile(LPCVOID addr, SIZE_T len)
{
    if (!addr)
        return ws_bool(ERROR_INVALID_PARAMETER);
    pthread_mutex_lock(&views_lock);
    ptrdiff_t i = views_find_locked(addr);
    if (i < 0) {
        pthread_mutex_unlock(&views_lock);
        return ws_bool(ERROR_INVALID_ADDRESS);
    }
    struct view v = views[i];
    pthread_mutex_unlock(&views_lock);
    /* From the page holding addr to addr + len (0: the end of the view). */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    char *start = (char *)((uintptr_t)addr & ~(page - 1));
    char *end = v.addr + v.len;
    if (len && (size_t)(end - (const char *)addr) > len)
        end = (char *)addr + len;
    if (msync(start, (size_t)(end - start), MS_SYNC) < 0)
        return ws_bool(ws_errno_to_win32(errno));
    return TRUE;
}
