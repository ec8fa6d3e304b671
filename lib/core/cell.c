/*
 * Granted named objects ("cells"): named events, mutexes and semaphores
 * whose security descriptor lets users other than their creator in.
 *
 * A user's ordinary objects live in that user's session (shm.c), a file
 * only the user can open, so no other user can see or touch them.  An
 * object whose DACL grants someone else (a NULL DACL, or an allowed ACE for
 * Everyone, another user or a group: security.c) lives instead in a file
 * of its own in the grant directory, /dev/shm/winshim-grants (sticky and
 * world-writable like /tmp; WINSHIM_GRANT_DIR moves it), and the grant is
 * the file's permissions: the mode's "other" bits for Everyone, a POSIX
 * ACL entry for each user or group an ACE names.  So the kernel, not a
 * user-space check, decides who may open it.  The descriptor itself is
 * kept in the file too, and an Open* also checks the requested rights
 * against it, in Windows' order (security_access); that check refines
 * what the kernel allows, it never widens it.
 *
 * The file (struct cell) holds the object's whole state: the kind's words,
 * futex words that waiters of every user sleep on, and for a mutex a
 * process-shared robust pthread mutex, so that the kernel's robust-futex
 * list abandons it when its owning thread dies, whoever that was.  Each
 * process that holds a handle has the file open and mapped and holds a
 * shared flock on it; the kernel drops that flock when the process dies.
 *
 * Names.  The file's name is "<layout id>-<64-bit hash of the namespace
 * key>", and the key itself is in the file (a hash collision reads as the
 * name being taken).  A file is built complete as an O_TMPFILE, flock'd,
 * and only then linked, under a pending name and, once the other
 * processes' grant-watch leases are out, under its name (renameat2 with
 * RENAME_NOREPLACE fails with EEXIST if the name exists: one object per
 * name, first creator wins), so nobody ever opens a half-built cell.  In a user's session the object appears as a
 * proxy: an arena object of the kind's type with OBJ_GRANTED, whose state
 * word is permanently ST_SLOW (no fast path ever touches it) and whose aux
 * is the cell's nonce; handles, duplication, inheritance and access masks
 * work on the proxy like on any object, and the kind's operations and the
 * wait core turn to this file when they meet OBJ_GRANTED.
 *
 * Lifetime: the name lives while anyone holds the file's shared flock.  A
 * process lets go when its last handle to the proxy closes
 * (cell_handle_closed): it converts its lock to an exclusive one without
 * blocking, and if that works nobody else holds the object and it unlinks
 * the name.  The sticky directory lets only the file's owner unlink it, so
 * a file whose last holder was another user, or died, stays behind
 * "stale" (nobody holds its flock): a lookup that finds it stale takes it
 * for absent (and removes it if it is ours), and the owner's processes
 * sweep their stale files (cell_sweep, at a proxy's last close).  Until
 * the owner's next process does that, another user cannot create an
 * object of that name (ERROR_ACCESS_DENIED; docs/COMPATIBILITY.md).
 *
 * Process-local state: one struct cell_local per (proxy, nonce) this
 * process uses, with the fd and the mapping, pinned by every operation and
 * wait in progress, so that a CloseHandle in another thread never unmaps
 * a cell under a waiter.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/busguard.h"
#include "core/cell.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fdmark.h"
#include "core/futex.h"
#include "core/handle.h"
#include "core/names.h"
#include "core/object.h"
#include "core/security.h"
#include "core/self.h"

#define CELL_MAGIC 0x4c4c4543534d5357ull /* "WSMSCELL" */
#define CELL_NAME_MAX 300                /* UTF-16 units of a namespace key */

struct cell_event {
    _Atomic uint32_t seq;       /* futex word: bumped by every set and pulse */
    _Atomic uint32_t signaled;  /* 0 or 1 */
    _Atomic uint32_t sleepers;  /* threads asleep on seq */
    _Atomic uint32_t pulse_seq; /* seq of the last pulse of a manual event */
    _Atomic uint32_t pulse_tok; /* auto event: seq of a pulse nobody took */
    uint32_t manual;
};

/* A mutex: its owner is a thread named by its tid and the low 32 bits of
 * its start time (clock ticks since boot, /proc/<tid>/stat), so a reused
 * tid is never taken for a dead owner; one compare-and-swap takes it.
 * Nothing in the file is a pointer that any process follows (unlike a
 * robust pthread mutex's list links, which a user allowed to write the
 * file could aim at another process's memory). */
struct cell_mutex {
    _Atomic uint64_t owner; /* start << 32 | tid; 0 free; CM_ABANDONED */
    _Atomic uint32_t seq;   /* futex word: bumped at each release */
    _Atomic uint32_t sleepers;
    uint32_t count;         /* recursion; only the owner writes it */
};
/* Free, and the next acquirer gets WAIT_ABANDONED (tid 0 is nobody's). */
#define CM_ABANDONED (1ull << 32)

struct cell_sem {
    _Atomic uint32_t seq; /* futex word: bumped by every release */
    _Atomic int32_t count;
    int32_t max;
    _Atomic uint32_t sleepers;
};

/* A waitable timer: its generation (bumped by every Set, Cancel and last
 * close, as timer.c's t->gen) and its signalled bit in one word, so that
 * an arming signals it only while its generation is current, in one
 * compare-and-swap. */
struct cell_timer {
    _Atomic uint64_t word;     /* gen << 1 | signalled */
    _Atomic uint32_t seq;      /* futex word: bumped when signalled */
    _Atomic uint32_t sleepers;
    uint32_t manual;
};

/* A section's parameters; its bytes follow the header, at CELL_DATA. */
struct cell_section {
    uint64_t size;
    uint32_t protect, sec;
};
#define CELL_DATA 65536u /* the file offset of a granted section's bytes */

struct cell {
    _Atomic uint64_t magic; /* CELL_MAGIC once complete */
    uint64_t layout_id;
    uint32_t type_id;
    uint32_t owner;         /* uid of the creator */
    uint32_t nonce;         /* tells this object from a later one of the name */
    uint32_t name_len;
    WCHAR name[CELL_NAME_MAX];
    struct grant grant;
    union {
        struct cell_event ev;
        struct cell_sem sem;
        struct cell_mutex mx;
        struct cell_section sec;
        struct cell_timer tm;
    } u __attribute__((aligned(64)));
};

struct cell_local {
    struct cell_local *next;
    aoff_t obj;        /* the proxy */
    uint32_t nonce;
    uint32_t type_id;  /* checked when opened: the file's copy may change */
    int fd;
    bool writable;     /* opened and mapped read-write */
    bool closed;       /* the process's last handle went */
    uint32_t pins;     /* operations in progress */
    struct cell *c;
    char path[PATH_MAX];
};

static pthread_mutex_t cells_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cell_local *cells;

/* ---- the directory and the file names ---- */

static const char *grant_dir(void)
{
    const char *d = getenv("WINSHIM_GRANT_DIR");
    return d && *d ? d : "/dev/shm/winshim-grants";
}

/* The directory must be a real directory, sticky and writable by all
 * (so each user's files are his own to unlink); made if missing. */
static bool dir_ready(void)
{
    const char *d = grant_dir();
    struct stat st;
    if (lstat(d, &st)) {
        if (errno != ENOENT || (mkdir(d, 0700) && errno != EEXIST))
            return false;
        if (!lstat(d, &st) && st.st_uid == geteuid() && (st.st_mode & 01777) != 01777)
            chmod(d, 01777);
        if (lstat(d, &st))
            return false;
    }
    return S_ISDIR(st.st_mode) && (st.st_mode & 01777) == 01777;
}

/* After its owner removed a cell: the directory goes too when it is empty
 * and ours, so that nothing is left in /dev/shm once every granted object
 * is gone.  (An administrator who made it beforehand, to own it, keeps it
 * with a file of his own in it, such as ".keep"; creators recreate it.) */
static void dir_gone(void)
{
    const char *d = grant_dir();
    struct stat st;
    if (!lstat(d, &st) && st.st_uid == geteuid())
        rmdir(d); /* fails while anything is in it */
}

static uint64_t key_hash(const WCHAR *key, uint32_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    return h;
}

static void cell_path(char *out, const WCHAR *key, uint32_t len)
{
    snprintf(out, PATH_MAX, "%s/%016llx-%016llx", grant_dir(),
             (unsigned long long)arena_layout_id(),
             (unsigned long long)key_hash(key, len));
}

/* ---- absent names without a system call (the grant watch) ----
 *
 * A Create* or Open* of a name the session does not hold must learn
 * whether another user granted an object of that name, which used to cost
 * an open() of the cell's path every time (ENOENT, ~3-5 us here).  Each
 * process keeps instead an inotify watch on the grant directory (and on
 * its parent, for the directory's own creation), the set of cell-name
 * hashes it has seen there (monotone between rebuilds) and a *lease*: a
 * drain of the inotify queue that began at t0 makes the set trustworthy
 * until t0 + GW_LEASE_NS.  The kernel queues an event before the creating
 * linkat/rename returns and nobody but the kernel writes the queue, so
 * another user can only add names (false positives: the old open()).
 *
 * What closes the race with a concurrent grant is the creator's side
 * (cell_create): a cell is first linked under a *pending* name with the
 * same hash, then the creator waits GW_LEASE_NS (plus a margin) before it
 * renames it to its real name.  A lease that did not see the pending
 * name's event began before it was queued, so it has expired before the
 * real name exists; every lease valid after that saw the hash.  Clocks:
 * only durations of CLOCK_MONOTONIC are compared across processes. */
#define GW_LEASE_NS 250000
/* Lookups that open the file before a process sets the watch up: an
 * inotify instance is a per-user resource (128 by default), kept for
 * processes that look up new names often. */
#define GW_AFTER 64

/* The lease, and what a creator waits (an eighth more).  A test hook,
 * WINSHIM_GRANT_LEASE_US, lengthens both (check_cell makes the race wide);
 * a process that sets it only changes how long its own view or its own
 * grants take, never another user's. */
static int64_t gw_lease_ns(void)
{
    static int64_t ns;
    if (!ns) {
        const char *e = getenv("WINSHIM_GRANT_LEASE_US");
        long long us = e ? atoll(e) : 0;
        ns = us > 0 && us < 10000000 ? us * 1000 : GW_LEASE_NS;
    }
    return ns;
}

static struct {
    pthread_mutex_t lock;
    int state;       /* 0 not set up, 1 on, -1 off: every lookup opens the file */
    int fd, wd_parent, wd_dir; /* wd_dir < 0: the directory does not exist */
    bool stale;      /* the set must be rebuilt from the directory */
    int64_t lease;   /* the set is trustworthy until then (CLOCK_MONOTONIC ns) */
    uint64_t *set;   /* open addressing; 0 is empty */
    uint32_t cap, n, rebuild_at;
    uint32_t lookups; /* before the watch is set up */
    char dir[PATH_MAX], parent[PATH_MAX];
    const char *base;
} gw = {.lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1, .wd_parent = -1, .wd_dir = -1};

/* The watch's fd number is the program's too (core/fdmark.h): closed or
 * dup2()ed over by a daemon, the drain would eat the program's data (or,
 * non-blocking and empty, read "nothing happened": a dead watch trusted,
 * later grants missed).  Every lease renewal checks the mark (one fcntl
 * beside the drain's read; a lookup within the lease makes no system
 * call); a watch found lost is forgotten, never closed, and made again. */
static pid_t gw_mark;

static bool gw_fd_ours(void)
{
    return fd_marked(gw.fd, gw_mark);
}

/* A forked child shares the parent's queue: it must never read it. */
static void gw_atfork_child(void)
{
    pthread_mutex_init(&gw.lock, NULL);
    if (gw_fd_ours())
        close(gw.fd);
    gw.fd = gw.wd_parent = gw.wd_dir = -1;
    gw.state = 0;
    gw.lookups = 0;
    gw.lease = 0;
}

static void gw_off_locked(void)
{
    if (gw_fd_ours())
        close(gw.fd);
    gw.fd = -1;
    gw.state = -1;
}

static bool gw_add(uint64_t h)
{
    if (2 * (gw.n + 1) > gw.cap) {
        uint32_t cap = gw.cap ? 2 * gw.cap : 256;
        uint64_t *set = calloc(cap, sizeof *set), *old = gw.set;
        if (!set)
            return false;
        for (uint32_t i = 0; i < gw.cap; i++)
            if (old[i])
                for (uint32_t j = (uint32_t)old[i] & (cap - 1);; j = (j + 1) & (cap - 1))
                    if (!set[j]) {
                        set[j] = old[i];
                        break;
                    }
        free(old);
        gw.set = set;
        gw.cap = cap;
    }
    h |= !h;
    for (uint32_t j = (uint32_t)h & (gw.cap - 1);; j = (j + 1) & (gw.cap - 1)) {
        if (gw.set[j] == h)
            return true;
        if (!gw.set[j]) {
            gw.set[j] = h;
            gw.n++;
            return true;
        }
    }
}

static bool gw_has(uint64_t h)
{
    h |= !h;
    for (uint32_t j = (uint32_t)h & (gw.cap - 1); gw.cap; j = (j + 1) & (gw.cap - 1)) {
        if (gw.set[j] == h)
            return true;
        if (!gw.set[j])
            return false;
    }
    return false;
}

/* A directory entry: a cell's name ("<layout>-<hash>") or a pending one
 * ("<layout>-<hash>.p<nonce>") of this layout adds its hash. */
static bool gw_note(const char *name)
{
    char want[20];
    snprintf(want, sizeof want, "%016llx-", (unsigned long long)arena_layout_id());
    if (strncmp(name, want, 17))
        return true; /* another layout's, or not a cell */
    uint64_t h = 0;
    for (int i = 17; i < 33; i++) {
        char c = name[i];
        unsigned v = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
        if (v > 15)
            return true; /* no cell's name: lookups never open it */
        h = h << 4 | v;
    }
    return gw_add(h);
}

/* The set from scratch: the directory is watched first, then read, so a
 * name linked meanwhile is in the listing or in the queue. */
static bool gw_rebuild_locked(void)
{
    if (gw.set)
        memset(gw.set, 0, gw.cap * sizeof *gw.set);
    gw.n = 0;
    /* The parent is watched only while the directory is absent (to see it
     * made): /dev/shm is busy, and an idle process's queue would fill. */
    if (gw.wd_parent < 0)
        gw.wd_parent = inotify_add_watch(gw.fd, gw.parent, IN_CREATE | IN_MOVED_TO |
                                                               IN_DELETE_SELF | IN_MOVE_SELF |
                                                               IN_ONLYDIR);
    if (gw.wd_parent < 0)
        return false;
    int old = gw.wd_dir;
    gw.wd_dir = inotify_add_watch(gw.fd, gw.dir, IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF |
                                                     IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW);
    if (old >= 0 && old != gw.wd_dir)
        inotify_rm_watch(gw.fd, old);
    if (gw.wd_dir < 0)
        return errno == ENOENT; /* no directory, no cell; its making is seen on the parent */
    inotify_rm_watch(gw.fd, gw.wd_parent); /* its going is seen on the directory */
    gw.wd_parent = -1;
    int dfd = open(gw.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)))
        ok = gw_note(e->d_name);
    closedir(d);
    gw.rebuild_at = 2 * gw.n + 1024; /* names that went are forgotten at the next rebuild */
    return ok;
}

static bool gw_init_locked(void)
{
    static bool registered;
    if (!registered) {
        pthread_atfork(NULL, NULL, gw_atfork_child);
        registered = true;
    }
    snprintf(gw.dir, sizeof gw.dir, "%s", grant_dir());
    snprintf(gw.parent, sizeof gw.parent, "%s", gw.dir);
    char *slash = strrchr(gw.parent, '/');
    if (!slash || !slash[1])
        return false;
    gw.base = gw.dir + (slash - gw.parent) + 1;
    if (slash == gw.parent)
        slash[1] = 0; /* "/x": the root */
    else
        *slash = 0;
    gw.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    gw.wd_parent = gw.wd_dir = -1;
    gw.stale = true; /* the first drain lists the directory */
    if (gw.fd >= 0 && !(gw_mark = fd_mark(gw.fd))) {
        close(gw.fd);
        gw.fd = -1;
    }
    return gw.fd >= 0;
}

/* Everything the queue holds; false when the set cannot be trusted any
 * more (the watch is off from then on). */
static bool gw_drain_locked(void)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t r = read(gw.fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            break;
        if (r <= 0)
            return false;
        for (char *p = buf; p < buf + r;) {
            const struct inotify_event *e = (const void *)p;
            if (e->mask & IN_Q_OVERFLOW)
                gw.stale = true; /* names were lost */
            else if (e->wd == gw.wd_parent) {
                if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT))
                    return false;
                if (e->len && !strcmp(e->name, gw.base))
                    gw.stale = true; /* the directory was made (again) */
            } else if (gw.wd_dir >= 0 && e->wd == gw.wd_dir) {
                if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT))
                    gw.stale = true; /* another directory may come at the path */
                else if (e->len && !gw_note(e->name))
                    return false;
            }
            p += sizeof *e + e->len;
        }
    }
    if (gw.stale || gw.n > gw.rebuild_at) {
        gw.stale = false;
        return gw_rebuild_locked();
    }
    return true;
}

bool cell_surely_absent(const struct ws_name *name)
{
    if (name->len > CELL_NAME_MAX)
        return true; /* cell_lookup never opens anything for it */
    int64_t now = time_mono_ns(); /* before the drain: the lease runs from here */
    bool absent = false;
    pthread_mutex_lock(&gw.lock);
    if (gw.state == 0 && ++gw.lookups > GW_AFTER)
        gw.state = gw_init_locked() ? 1 : -1;
    if (gw.state > 0 && now >= gw.lease) {
        if (!gw_fd_ours()) { /* taken by the program: a new watch, a new set */
            gw.fd = -1;
            gw.state = gw_init_locked() ? 1 : -1;
        }
        if (gw.state > 0 && gw_drain_locked())
            gw.lease = now + gw_lease_ns();
        else
            gw_off_locked();
    }
    if (gw.state > 0)
        absent = gw.wd_dir < 0 || !gw_has(key_hash(name->buf, name->len));
    else if (gw.fd >= 0)
        gw_off_locked();
    pthread_mutex_unlock(&gw.lock);
    return absent;
}

/* The creator's half: waits until every lease that began before the
 * pending name was linked has expired. */
static void gw_wait_out_leases(int64_t linked)
{
    int64_t t = linked + gw_lease_ns() + gw_lease_ns() / 8;
    struct timespec until = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
        ;
}

/* ---- kinds ---- */

bool cell_kind(const struct object_type *t)
{
    return t->id == TYPE_EVENT || t->id == TYPE_MUTEX || t->id == TYPE_SEMAPHORE ||
           t->id == TYPE_MAPPING || t->id == TYPE_TIMER;
}

bool grant_reaches_others(const struct grant *g)
{
    if (!g->present) /* the common case: no descriptor, and no system call */
        return false;
    uint32_t uid = geteuid();
    if (g->null_dacl)
        return true;
    for (uint32_t i = 0; i < g->n && i < GRANT_MAX; i++)
        if (g->ace[i].allow && g->ace[i].mask &&
            (g->ace[i].who != GRANT_USER || g->ace[i].id != uid))
            return true;
    return false;
}

/* ---- permissions: the grant as mode bits and a POSIX ACL ---- */

/* What rights r need of the file: nothing, reading, or reading and
 * writing.  For a section, writing its pages or its size; for the other
 * kinds every right but READ_CONTROL, since waiting consumes the state. */
static unsigned perm_of(const struct object_type *t, ACCESS_MASK r)
{
    ACCESS_MASK writes = t->id == TYPE_MAPPING ? (ACCESS_MASK)(SECTION_MAP_WRITE | SECTION_EXTEND_SIZE)
                                            : ~(ACCESS_MASK)READ_CONTROL;
    if (r & writes)
        return 6;
    return r ? 4 : 0;
}

struct acl_entry {
    uint16_t tag, perm;
    uint32_t id;
};

enum { ACL_USER_OBJ = 1, ACL_USER = 2, ACL_GROUP_OBJ = 4, ACL_GROUP = 8,
       ACL_MASK = 0x10, ACL_OTHER = 0x20 };

static int acl_cmp(const void *a, const void *b)
{
    const struct acl_entry *x = a, *y = b;
    if (x->tag != y->tag)
        return x->tag < y->tag ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

DWORD grant_apply(int fd, const char *path, const struct grant *g, const struct object_type *t,
                  uint32_t owner, unsigned cap)
{
    const uint32_t nobody = 0xfffffffeu;
    unsigned other = perm_of(t, security_access(g, t, nobody, NULL, 0, owner)) & cap;
    struct acl_entry e[2 * GRANT_MAX + 5];
    uint32_t n = 0;
    unsigned mask = 0;
    for (uint32_t i = 0; i < g->n && i < GRANT_MAX; i++) {
        const struct grant_ace *a = &g->ace[i];
        if (a->who == GRANT_WORLD || (a->who == GRANT_USER && a->id == owner))
            continue;
        bool dup = false;
        for (uint32_t j = 0; j < n; j++)
            dup |= e[j].id == a->id && e[j].tag == (a->who == GRANT_USER ? ACL_USER : ACL_GROUP);
        if (dup)
            continue;
        ACCESS_MASK r = a->who == GRANT_USER
                            ? security_access(g, t, a->id, NULL, 0, owner)
                            : security_access(g, t, nobody, &a->id, 1, owner);
        e[n].tag = a->who == GRANT_USER ? ACL_USER : ACL_GROUP;
        e[n].perm = (uint16_t)(perm_of(t, r) & cap);
        e[n].id = a->id;
        mask |= e[n].perm;
        n++;
    }
    if (path ? chmod(path, 0600 | other) : fchmod(fd, 0600 | other))
        return ws_errno_to_win32(errno);
    if (!n)
        return ERROR_SUCCESS;
    e[n++] = (struct acl_entry){ACL_USER_OBJ, 6, 0xffffffffu};
    e[n++] = (struct acl_entry){ACL_GROUP_OBJ, 0, 0xffffffffu};
    e[n++] = (struct acl_entry){ACL_MASK, (uint16_t)mask, 0xffffffffu};
    e[n++] = (struct acl_entry){ACL_OTHER, (uint16_t)other, 0xffffffffu};
    qsort(e, n, sizeof *e, acl_cmp);
    unsigned char buf[4 + sizeof e];
    uint32_t version = 2;
    memcpy(buf, &version, 4);
    memcpy(buf + 4, e, n * sizeof *e);
    size_t len = 4 + n * sizeof *e;
    if (path ? setxattr(path, "system.posix_acl_access", buf, len, 0)
             : fsetxattr(fd, "system.posix_acl_access", buf, len, 0))
        return errno == EOPNOTSUPP ? ERROR_NOT_SUPPORTED : ws_errno_to_win32(errno);
    return ERROR_SUCCESS;
}

static void our_groups(uint32_t *gids, uint32_t *n);

/* Who asks: the token the thread impersonates, else this process. */
static DWORD who_asks(uint32_t *uid, uint32_t *gids, uint32_t *n)
{
    DWORD err = ws_hooks.thread_identity(uid, gids, n);
    if (err != ERROR_NO_TOKEN)
        return err;
    *uid = (uint32_t)geteuid();
    our_groups(gids, n);
    return ERROR_SUCCESS;
}

DWORD grant_check_file(int fd, off_t at, const struct object_type *t, ACCESS_MASK want)
{
    struct grant g;
    struct stat st;
    if (pread(fd, &g, sizeof g, at) != (ssize_t)sizeof g || fstat(fd, &st))
        return ERROR_ACCESS_DENIED;
    uint32_t gids[64], n, uid;
    DWORD err = who_asks(&uid, gids, &n);
    if (err)
        return err;
    ACCESS_MASK may = security_access(&g, t, uid, gids, n, st.st_uid);
    return (want & ~(ACCESS_MASK)SYNCHRONIZE & ~may) ? ERROR_ACCESS_DENIED : ERROR_SUCCESS;
}

/* ---- the process-local table ---- */

static struct cell_local *local_find_locked(struct object *o)
{
    for (struct cell_local *l = cells; l; l = l->next)
        if (l->obj == arena_off(o) && l->nonce == atomic_load(&o->aux) && !l->closed)
            return l;
    return NULL;
}

static void unmap_close(int fd, struct cell *c);

static void local_free(struct cell_local *l)
{
    unmap_close(l->fd, l->c);
    free(l);
}

/* Lets go of the file: if nobody else holds it, the name goes (when the
 * file is ours to unlink). */
static void local_release(struct cell_local *l)
{
    if (!flock(l->fd, LOCK_EX | LOCK_NB) && l->c->owner == geteuid()) {
        struct stat a, b;
        if (!fstat(l->fd, &a) && !stat(l->path, &b) && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev)
            if (!unlink(l->path))
                dir_gone();
    }
    local_free(l);
}

/* ---- mutex owners ---- */

static uint64_t self_owner(void);
static bool owner_alive(uint64_t owner);
static void mutex_abandon_dead(struct cell_mutex *mx, uint64_t owner);
static void unpin(struct cell_local *l);

/* The low 32 bits of field 22 (starttime) of a /proc stat file. */
static bool thread_start_ticks(const char *path, uint32_t *out)
{
    char buf[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    int e = errno;
    close(fd);
    if (n <= 0) {
        errno = n < 0 ? e : ESRCH;
        return false;
    }
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command may hold anything */
    if (!p) {
        errno = EINVAL;
        return false;
    }
    /* p + 2 is field 3 (state); starttime is field 22. */
    p += 2;
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (!p) {
        errno = EINVAL;
        return false;
    }
    *out = (uint32_t)strtoull(p, NULL, 10);
    return true;
}

/* The watcher: a thread with an epoll set of the pidfds of owners that
 * waiters here sleep on.  An owner killed with its process runs no exit
 * code, so without it a sleeper would not learn of its death; when a
 * pidfd becomes readable, the owner's mutex is abandoned if that owner
 * still holds it, which wakes every sleeper (one shot per watch; the
 * sleeper removes its watch when it wakes). */
struct owner_watch {
    int pidfd;
    uint64_t owner;
    struct cell_local *local; /* pinned while watched */
};

static struct {
    pthread_mutex_t lock;
    pthread_once_t once;
    int epfd;
} watcher = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_ONCE_INIT, -1};

static void *watcher_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct epoll_event ev[8];
        int n = epoll_wait(watcher.epfd, ev, 8, -1);
        for (int i = 0; i < n; i++) {
            pthread_mutex_lock(&watcher.lock); /* the sleeper's unwatch waits for us */
            struct owner_watch *wt = ev[i].data.ptr;
            if (!owner_alive(wt->owner))
                mutex_abandon_dead(&wt->local->c->u.mx, wt->owner);
            pthread_mutex_unlock(&watcher.lock);
        }
    }
    return NULL;
}

static void watcher_start(void)
{
    watcher.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (watcher.epfd < 0)
        return;
    if (service_thread_start(watcher_main, NULL, 0)) {
        close(watcher.epfd);
        watcher.epfd = -1;
    }
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* The process (or, where the kernel can, the thread) of owner as a pidfd;
 * -1 when it is gone or cannot be watched. */
static int owner_pidfd(uint64_t owner)
{
    pid_t tid = (pid_t)(uint32_t)owner;
    int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
    if (fd >= 0 || errno != EINVAL)
        return fd;
    /* A kernel before 6.9 watches processes only: the thread group's. */
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    int s = open(path, O_RDONLY | O_CLOEXEC);
    if (s < 0)
        return -1;
    ssize_t n = read(s, buf, sizeof buf - 1);
    close(s);
    char *p = n > 0 ? (buf[n] = 0, strstr(buf, "\nTgid:")) : NULL;
    return p ? (int)syscall(SYS_pidfd_open, (pid_t)atoi(p + 6), 0) : -1;
}

/* Before sleeping on a mutex owned by another thread: watch that owner
 * (a thread of ours abandons at its exit, thread.c, so it needs no watch
 * unless the kernel can watch threads).  The watch is made before the
 * owner is checked once more, so a death just before is not missed. */
static void owner_watch(struct cell_wait *w, uint64_t owner)
{
    w->watch = NULL;
    if (!owner || owner == CM_ABANDONED || owner == self_owner())
        return;
    pthread_once(&watcher.once, watcher_start);
    int fd = watcher.epfd >= 0 ? owner_pidfd(owner) : -1;
    struct owner_watch *wt = fd >= 0 ? malloc(sizeof *wt) : NULL;
    if (!wt) {
        if (fd >= 0)
            close(fd);
        if (!owner_alive(owner))
            mutex_abandon_dead(&w->local->c->u.mx, owner);
        return;
    }
    pthread_mutex_lock(&cells_lock);
    w->local->pins++;
    pthread_mutex_unlock(&cells_lock);
    *wt = (struct owner_watch){.pidfd = fd, .owner = owner, .local = w->local};
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = wt};
    if (epoll_ctl(watcher.epfd, EPOLL_CTL_ADD, fd, &ev)) {
        close(fd);
        free(wt);
        unpin(w->local);
        wt = NULL;
    }
    w->watch = wt;
    if (!owner_alive(owner))
        mutex_abandon_dead(&w->local->c->u.mx, owner);
}

static void owner_unwatch(struct cell_wait *w)
{
    struct owner_watch *wt = w->watch;
    if (!wt)
        return;
    w->watch = NULL;
    pthread_mutex_lock(&watcher.lock);
    epoll_ctl(watcher.epfd, EPOLL_CTL_DEL, wt->pidfd, NULL);
    pthread_mutex_unlock(&watcher.lock);
    close(wt->pidfd);
    unpin(wt->local);
    free(wt);
}

/* A thread of this process ends (thread.c): the granted mutexes it owns
 * are abandoned, as Windows does when an owner thread exits. */
void cell_thread_exit(void)
{
    if (!__atomic_load_n(&cells, __ATOMIC_ACQUIRE))
        return;
    uint64_t me = self_owner();
    pthread_mutex_lock(&cells_lock);
    for (struct cell_local *l = cells; l; l = l->next)
        if (l->type_id == TYPE_MUTEX && l->writable && atomic_load(&l->c->u.mx.owner) == me) {
            l->c->u.mx.count = 0;
            mutex_abandon_dead(&l->c->u.mx, me);
        }
    pthread_mutex_unlock(&cells_lock);
}

/* This thread as a mutex owner: its tid and start time, read once. */
static uint64_t self_owner(void)
{
    static __thread uint64_t id;
    if (!id) {
        uint32_t start = 0;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)gettid());
        (void)thread_start_ticks(path, &start);
        id = (uint64_t)start << 32 | (uint32_t)gettid();
    }
    return id;
}

/* Is the owner thread still there (the same thread, not a reused tid)?
 * kill(0) tells whether the tid exists (EPERM for another user's); its
 * start time, whether it is still the same thread.  A /proc that hides
 * other users' processes (hidepid) leaves the tid's word for it. */
static bool owner_alive(uint64_t owner)
{
    pid_t tid = (pid_t)(uint32_t)owner;
    if (tid <= 0 || (kill(tid, 0) && errno == ESRCH))
        return false;
    char path[64];
    uint32_t start;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)tid);
    if (!thread_start_ticks(path, &start))
        return true;
    return start == (uint32_t)(owner >> 32);
}

/* A dead owner's mutex becomes free and abandoned (one compare-and-swap:
 * one of several who notice does it). */
static void mutex_abandon_dead(struct cell_mutex *mx, uint64_t owner)
{
    if (atomic_compare_exchange_strong(&mx->owner, &owner, CM_ABANDONED)) {
        atomic_fetch_add(&mx->seq, 1);
        futex_wake(&mx->seq, INT_MAX, true);
    }
}

/* Does a thread of this process own the cell's mutex?  (Its handle closed,
 * the file stays mapped until the thread releases or ends.) */
static bool mutex_held_here(struct cell_local *l)
{
    if (l->type_id != TYPE_MUTEX)
        return false;
    uint64_t owner = atomic_load(&l->c->u.mx.owner);
    char p[64];
    snprintf(p, sizeof p, "/proc/self/task/%u", (unsigned)(uint32_t)owner);
    return owner && access(p, F_OK) == 0;
}

/* ---- opening a cell file ---- */

static void key_of(struct object *o, const WCHAR **key, uint32_t *len)
{
    ns_key_of(o, key, len);
}

/* A shared flock on a cell file, waited for a bounded while: the only
 * legitimate exclusive holder is a last closer checking whether the name
 * is stale, for an instant; a grantee holding one longer must not block
 * us (issue 18, D3). */
static bool cell_lock_shared(int fd)
{
    for (int i = 0; i < 200; i++) { /* 1 s */
        if (!flock(fd, LOCK_SH | LOCK_NB))
            return true;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return false;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* Opens and maps the file at path; 0, ERROR_FILE_NOT_FOUND (absent, or
 * stale: *stale_foreign when it is stale and not ours to remove),
 * ERROR_ACCESS_DENIED (the kernel says no, or another process holds the
 * file locked for longer than a closer would), ERROR_INVALID_HANDLE
 * (another kind, not a cell of this build, or not a regular file of the
 * user the cell names as its owner: a FIFO or a file planted at the
 * computable path).  O_NONBLOCK: a FIFO planted there must not block the
 * open (D4). */
static DWORD open_cell(const char *path, const WCHAR *key, uint32_t len, int *fd_out,
                       struct cell **out, bool *writable, bool *stale_foreign)
{
    for (int tries = 0; tries < 100; tries++) {
        bool rw = true;
        int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0 && errno == EACCES) {
            rw = false;
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        }
        if (fd < 0)
            return errno == ENOENT ? ERROR_FILE_NOT_FOUND
                                   : errno == EACCES ? ERROR_ACCESS_DENIED
                                                     : ws_errno_to_win32(errno);
        struct stat st;
        if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
            close(fd);
            return ERROR_INVALID_HANDLE;
        }
        if (!flock(fd, LOCK_EX | LOCK_NB)) {
            /* Nobody holds it: stale.  Ours to remove, or left for its
             * owner's sweep. */
            bool mine = !fstat(fd, &st) && st.st_uid == geteuid();
            if (mine)
                unlink(path);
            else if (stale_foreign)
                *stale_foreign = true;
            close(fd);
            if (mine)
                continue;
            return ERROR_FILE_NOT_FOUND;
        }
        if (!cell_lock_shared(fd)) {
            close(fd);
            return ERROR_ACCESS_DENIED;
        }
        if (fstat(fd, &st)) {
            close(fd);
            return ws_errno_to_win32(errno);
        }
        if (st.st_nlink == 0) { /* unlinked while we waited for the lock */
            close(fd);
            continue;
        }
        if ((size_t)st.st_size < sizeof(struct cell)) {
            close(fd);
            return ERROR_INVALID_HANDLE;
        }
        struct cell *c = mmap(NULL, sizeof *c, PROT_READ | (rw ? PROT_WRITE : 0), MAP_SHARED,
                              fd, 0);
        if (c == MAP_FAILED) {
            close(fd);
            return ws_errno_to_win32(errno);
        }
        if (!busguard_add(c, sizeof *c)) { /* a grantee may truncate it */
            munmap(c, sizeof *c);
            close(fd);
            return ERROR_NO_SYSTEM_RESOURCES;
        }
        if (atomic_load_explicit(&c->magic, memory_order_acquire) != CELL_MAGIC ||
            c->layout_id != arena_layout_id() || c->name_len != len ||
            memcmp(c->name, key, len * sizeof(WCHAR)) || c->type_id >= TYPE_COUNT ||
            !object_types[c->type_id] || !cell_kind(object_types[c->type_id]) ||
            c->owner != st.st_uid) {
            unmap_close(fd, c);
            return ERROR_INVALID_HANDLE; /* a name held by something else */
        }
        *fd_out = fd;
        *out = c;
        *writable = rw;
        return ERROR_SUCCESS;
    }
    return ERROR_FILE_NOT_FOUND;
}

static void our_groups(uint32_t *gids, uint32_t *n)
{
    gid_t g[NGROUPS_MAX + 1];
    int k = getgroups(NGROUPS_MAX, g);
    if (k < 0)
        k = 0;
    g[k++] = getegid();
    *n = 0;
    for (int i = 0; i < k && *n < 64; i++)
        gids[(*n)++] = g[i];
}

static DWORD rights_here(const struct cell_local *l, ACCESS_MASK *may)
{
    uint32_t gids[64], n, uid;
    DWORD err = who_asks(&uid, gids, &n);
    if (!err)
        *may = security_access(&l->c->grant, object_types[l->type_id], uid, gids, n,
                               l->c->owner);
    return err;
}

static void unmap_close(int fd, struct cell *c)
{
    busguard_remove(c);
    munmap(c, sizeof *c);
    close(fd);
}

/* A process-local entry for proxy o and the opened cell (not yet listed);
 * NULL when out of memory. */
static struct cell_local *local_new(struct object *o, int fd, struct cell *c, bool rw,
                                    const char *path, uint32_t pins)
{
    struct cell_local *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->obj = arena_off(o);
    l->nonce = c->nonce;
    l->type_id = object_type_of(o)->id;
    l->fd = fd;
    l->c = c;
    l->writable = rw;
    l->pins = pins;
    snprintf(l->path, sizeof l->path, "%s", path);
    return l;
}

/* A proxy for an opened cell, with the process-local entry; the proxy
 * has one reference, no handle and no name yet (ns_create names it). */
static DWORD make_proxy(const struct object_type *t, int fd, struct cell *c, bool rw,
                        const char *path, struct object **out)
{
    DWORD err = ERROR_NOT_ENOUGH_MEMORY;
    struct object *o = object_new(t, 0, 0, &err);
    struct cell_local *l = o ? local_new(o, fd, c, rw, path, 0) : NULL;
    if (!l) {
        if (o)
            object_unref(o);
        unmap_close(fd, c);
        return err;
    }
    atomic_store_explicit(&o->state, ST_SLOW, memory_order_relaxed);
    atomic_store_explicit(&o->aux, c->nonce, memory_order_relaxed);
    o->obj_flags |= OBJ_GRANTED;
    if (t->id == TYPE_MAPPING)
        ws_hooks.section_proxy_init(o, c->u.sec.size, c->u.sec.protect, c->u.sec.sec);
    pthread_mutex_lock(&cells_lock);
    l->next = cells;
    cells = l;
    pthread_mutex_unlock(&cells_lock);
    *out = o;
    return ERROR_SUCCESS;
}

DWORD cell_lookup(const struct ws_name *name, const struct object_type *t,
                  struct object **out, bool *stale_foreign)
{
    if (name->len > CELL_NAME_MAX)
        return ERROR_FILE_NOT_FOUND;
    char path[PATH_MAX];
    cell_path(path, name->buf, name->len);
    int fd;
    struct cell *c;
    bool rw;
    DWORD err = open_cell(path, name->buf, name->len, &fd, &c, &rw, stale_foreign);
    if (err)
        return err;
    if (object_types[c->type_id] != t) {
        unmap_close(fd, c);
        return ERROR_INVALID_HANDLE;
    }
    return make_proxy(t, fd, c, rw, path, out);
}

/* The kind's initial state, from the creation parameters (ctx as the
 * kind's make() receives it). */
static DWORD init_state(struct cell *c, const struct object_type *t, const void *ctx)
{
    if (t->id == TYPE_EVENT) {
        DWORD flags = *(const DWORD *)ctx;
        c->u.ev.manual = !!(flags & CREATE_EVENT_MANUAL_RESET);
        c->u.ev.signaled = !!(flags & CREATE_EVENT_INITIAL_SET);
        return ERROR_SUCCESS;
    }
    if (t->id == TYPE_MAPPING) {
        ws_hooks.section_params(ctx, &c->u.sec.size, &c->u.sec.protect, &c->u.sec.sec);
        return ERROR_SUCCESS;
    }
    if (t->id == TYPE_TIMER) {
        c->u.tm.manual = !!(*(const DWORD *)ctx & CREATE_WAITABLE_TIMER_MANUAL_RESET);
        return ERROR_SUCCESS;
    }
    if (t->id == TYPE_SEMAPHORE) {
        const LONG *init = ctx; /* struct semaphore_init: initial, max */
        c->u.sem.count = init[0];
        c->u.sem.max = init[1];
        return ERROR_SUCCESS;
    }
    if (*(const DWORD *)ctx & CREATE_MUTEX_INITIAL_OWNER) {
        c->u.mx.owner = self_owner();
        c->u.mx.count = 1;
    }
    return ERROR_SUCCESS;
}

static uint32_t new_nonce(void)
{
    uint32_t n = 0;
    while (!n && getentropy(&n, sizeof n) == 0)
        ;
    return n ? n : (((uint32_t)getpid() ^ (uint32_t)time_mono_ns()) | 1u);
}

/* Links a complete cell under the name: EEXIST when another made it first. */
static int link_cell(int fd, const char *path)
{
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    if (!linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW))
        return 0;
    if (errno == EEXIST)
        return EEXIST;
    if (!linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH)) /* no /proc: needs a capability */
        return 0;
    return errno;
}

/* Links a complete cell under a pending name of the same hash, waits out
 * the other processes' grant-watch leases (see "the grant watch"), then
 * moves it to its name: EEXIST when another made that first. */
static int link_pending(int fd, const char *path, uint32_t nonce)
{
    char pending[PATH_MAX + 16];
    snprintf(pending, sizeof pending, "%s.p%08x", path, (unsigned)nonce);
    int r = link_cell(fd, pending);
    if (r)
        return r;
    gw_wait_out_leases(time_mono_ns());
    if (!renameat2(AT_FDCWD, pending, AT_FDCWD, path, RENAME_NOREPLACE))
        return 0;
    r = errno;
    if (r == EINVAL || r == ENOSYS) /* no RENAME_NOREPLACE here: a link says EEXIST too */
        r = link(pending, path) ? errno : 0;
    unlink(pending);
    return r;
}

DWORD cell_create(const struct ws_name *name, const struct object_type *t, const void *ctx,
                  const struct grant *g, struct object **out, bool *existed)
{
    if (name->len > CELL_NAME_MAX)
        return ERROR_FILENAME_EXCED_RANGE;
    char path[PATH_MAX];
    cell_path(path, name->buf, name->len);
    for (int tries = 0; tries < 100; tries++) {
        /* Each round: the last owner of a cell may have removed the empty
         * directory meanwhile (dir_gone). */
        if (!dir_ready())
            return ERROR_ACCESS_DENIED;
        bool stale_foreign = false;
        struct object *o;
        DWORD err = cell_lookup(name, t, &o, &stale_foreign);
        if (!err) {
            *existed = true;
            *out = o;
            return ERROR_SUCCESS;
        }
        if (err != ERROR_FILE_NOT_FOUND)
            return err;
        if (stale_foreign)
            return ERROR_ACCESS_DENIED; /* left by another user: his to remove */

        int fd = open(grant_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0 && errno == ENOENT)
            continue;
        if (fd < 0)
            return errno == EOPNOTSUPP || errno == EISDIR ? ERROR_NOT_SUPPORTED
                                                          : ws_errno_to_win32(errno);
        struct cell *c = MAP_FAILED;
        uint64_t bytes = sizeof *c;
        if (t->id == TYPE_MAPPING) {
            uint64_t size;
            DWORD protect, sec;
            ws_hooks.section_params(ctx, &size, &protect, &sec);
            bytes = CELL_DATA + size;
        }
        if (!ftruncate(fd, (off_t)bytes))
            c = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        else if (errno == EFBIG || errno == EINVAL || errno == ENOSPC) {
            close(fd);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        if (c == MAP_FAILED) {
            err = ws_errno_to_win32(errno);
            close(fd);
            return err;
        }
        if (!busguard_add(c, sizeof *c)) { /* once linked, a grantee may truncate it */
            munmap(c, sizeof *c);
            close(fd);
            return ERROR_NO_SYSTEM_RESOURCES;
        }
        c->layout_id = arena_layout_id();
        c->type_id = t->id;
        c->owner = geteuid();
        c->nonce = new_nonce();
        c->name_len = name->len;
        memcpy(c->name, name->buf, name->len * sizeof(WCHAR));
        c->grant = *g;
        err = init_state(c, t, ctx);
        if (!err)
            err = grant_apply(fd, NULL, g, t, c->owner, 6);
        if (!err && flock(fd, LOCK_SH))
            err = ws_errno_to_win32(errno);
        atomic_store_explicit(&c->magic, CELL_MAGIC, memory_order_release);
        int r = err ? 0 : link_pending(fd, path, c->nonce);
        if (err || r) {
            unmap_close(fd, c);
            if (r == EEXIST || r == ENOENT)
                continue; /* someone else made it (open theirs), or the directory went */
            return err ? err : ws_errno_to_win32(r);
        }
        *existed = false;
        return make_proxy(t, fd, c, true, path, out);
    }
    return ERROR_ACCESS_DENIED;
}

/* ---- using a proxy ---- */

/* The local entry for o, opened from its name if this process has none
 * yet (a handle it inherited or was given); pinned. */
static struct cell_local *pin(struct object *o, DWORD *err)
{
    pthread_mutex_lock(&cells_lock);
    struct cell_local *l = local_find_locked(o);
    if (l)
        l->pins++;
    pthread_mutex_unlock(&cells_lock);
    if (l)
        return l;
    const WCHAR *key;
    uint32_t len;
    key_of(o, &key, &len);
    if (!key) {
        *err = ERROR_INVALID_HANDLE;
        return NULL;
    }
    char path[PATH_MAX];
    cell_path(path, key, len);
    int fd;
    struct cell *c;
    bool rw;
    *err = open_cell(path, key, len, &fd, &c, &rw, NULL);
    if (*err == ERROR_FILE_NOT_FOUND)
        *err = ERROR_INVALID_HANDLE;
    if (*err)
        return NULL;
    if (c->nonce != atomic_load(&o->aux) || object_types[c->type_id] != object_type_of(o)) {
        unmap_close(fd, c);
        *err = ERROR_INVALID_HANDLE; /* the name now holds a later object */
        return NULL;
    }
    if (!(l = local_new(o, fd, c, rw, path, 1))) {
        unmap_close(fd, c);
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    pthread_mutex_lock(&cells_lock);
    struct cell_local *other = local_find_locked(o);
    if (other) { /* another thread opened it meanwhile */
        other->pins++;
        pthread_mutex_unlock(&cells_lock);
        unmap_close(fd, c);
        free(l);
        return other;
    }
    l->next = cells;
    cells = l;
    pthread_mutex_unlock(&cells_lock);
    return l;
}

static void unlink_local_locked(struct cell_local *l)
{
    for (struct cell_local **p = &cells; *p; p = &(*p)->next)
        if (*p == l) {
            *p = l->next;
            return;
        }
}

static void unpin(struct cell_local *l)
{
    pthread_mutex_lock(&cells_lock);
    bool last = --l->pins == 0 && l->closed;
    if (last)
        unlink_local_locked(l);
    pthread_mutex_unlock(&cells_lock);
    if (last)
        local_release(l);
}

void cell_handle_closed(struct object *o)
{
    if (handle_table_refers(o))
        return;
    pthread_mutex_lock(&cells_lock);
    struct cell_local *l = local_find_locked(o);
    bool now = false;
    if (l && !mutex_held_here(l)) {
        l->closed = true;
        now = l->pins == 0;
        if (now)
            unlink_local_locked(l);
    }
    pthread_mutex_unlock(&cells_lock);
    if (now)
        local_release(l);
}

/* Removes this user's stale cells: files nobody holds, of any layout (the
 * flock protocol is the same in every build; a build's own cells are
 * never stale while it holds them). */
void cell_sweep(void)
{
    DIR *d = opendir(grant_dir());
    if (!d)
        return;
    bool removed = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned long long layout, hash;
        char rest;
        size_t len = strlen(e->d_name);
        bool pending = len == 43 && !strncmp(e->d_name + 33, ".p", 2);
        if ((!pending && (sscanf(e->d_name, "%16llx-%16llx%c", &layout, &hash, &rest) != 2 ||
                          len != 33)) ||
            (pending && sscanf(e->d_name, "%16llx-%16llx%c", &layout, &hash, &rest) != 3))
            continue; /* neither a cell's name nor a pending one (cell_create) */
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd < 0)
            continue;
        if (!fstat(fd, &st) && st.st_uid == geteuid() && !flock(fd, LOCK_EX | LOCK_NB))
            removed |= unlinkat(dirfd(d), e->d_name, 0) == 0;
        close(fd);
    }
    closedir(d);
    if (removed)
        dir_gone();
}

void cell_last_close(struct object *o)
{
    (void)o;
    cell_sweep();
}

DWORD cell_check_access(struct object *o, ACCESS_MASK want, ACCESS_MASK *granted)
{
    DWORD err;
    struct cell_local *l = pin(o, &err);
    if (!l)
        return err;
    ACCESS_MASK may = 0;
    err = rights_here(l, &may);
    unpin(l);
    if (err)
        return err;
    if (want & MAXIMUM_ALLOWED) {
        want = may;
        if (!want)
            return ERROR_ACCESS_DENIED;
    }
    if (want & ~may)
        return ERROR_ACCESS_DENIED;
    *granted = want;
    return ERROR_SUCCESS;
}

static void wake(_Atomic uint32_t *word)
{
    futex_wake(word, INT_MAX, true);
}

/* ---- the kinds' operations ---- */

/* pin() for an operation that changes the state: the kernel must have let
 * this process write the file. */
static struct cell_local *pin_writable(struct object *o, DWORD *err)
{
    struct cell_local *l = pin(o, err);
    if (l && !l->writable) {
        unpin(l);
        *err = ERROR_ACCESS_DENIED;
        return NULL;
    }
    return l;
}

DWORD cell_event_op(struct object *o, int op)
{
    DWORD err;
    struct cell_local *l = pin_writable(o, &err);
    if (!l)
        return err;
    struct cell_event *ev = &l->c->u.ev;
    switch (op) {
    case CELL_SET:
        atomic_store(&ev->signaled, 1);
        atomic_fetch_add(&ev->seq, 1);
        wake(&ev->seq);
        break;
    case CELL_RESET:
        atomic_store(&ev->signaled, 0);
        break;
    case CELL_PULSE:
        /* Releases the waiters asleep now (one, for an auto-reset event)
         * and leaves the event non-signalled. */
        atomic_store(&ev->signaled, 0);
        if (atomic_load(&ev->sleepers)) {
            uint32_t s = atomic_fetch_add(&ev->seq, 1) + 1;
            if (ev->manual)
                atomic_store(&ev->pulse_seq, s);
            else
                atomic_store(&ev->pulse_tok, s);
            wake(&ev->seq);
        }
        break;
    }
    unpin(l);
    return ERROR_SUCCESS;
}

DWORD cell_semaphore_release(struct object *o, LONG n, LONG *prev)
{
    DWORD err;
    struct cell_local *l = pin_writable(o, &err);
    if (!l)
        return err;
    struct cell_sem *s = &l->c->u.sem;
    int32_t v = atomic_load(&s->count);
    do {
        if (n <= 0 || v > s->max - n) {
            unpin(l);
            return n <= 0 ? ERROR_INVALID_PARAMETER : ERROR_TOO_MANY_POSTS;
        }
    } while (!atomic_compare_exchange_weak(&s->count, &v, v + n));
    if (prev)
        *prev = v;
    atomic_fetch_add(&s->seq, 1);
    wake(&s->seq);
    unpin(l);
    return ERROR_SUCCESS;
}

DWORD cell_mutex_release(struct object *o)
{
    DWORD err;
    struct cell_local *l = pin(o, &err);
    if (!l)
        return err;
    struct cell_mutex *mx = &l->c->u.mx;
    if (!l->writable || atomic_load(&mx->owner) != self_owner()) {
        unpin(l);
        return ERROR_NOT_OWNER;
    }
    if (--mx->count == 0) {
        atomic_store(&mx->owner, 0);
        atomic_fetch_add(&mx->seq, 1);
        wake(&mx->seq);
    }
    unpin(l);
    return ERROR_SUCCESS;
}

/* ---- waits (the wait core's wait_granted drives these) ---- */

DWORD cell_wait_begin(struct object *o, struct cell_wait *w)
{
    DWORD err;
    struct cell_local *l = pin(o, &err);
    if (!l)
        return err;
    w->local = l;
    w->since = 0;
    if (l->type_id == TYPE_EVENT)
        w->since = atomic_load(&l->c->u.ev.seq);
    /* Every wait but one on a manual-reset event changes the state. */
    if (!l->writable && !(l->type_id == TYPE_EVENT && l->c->u.ev.manual)) {
        unpin(l);
        return ERROR_ACCESS_DENIED;
    }
    return ERROR_SUCCESS;
}

void cell_wait_end(struct cell_wait *w)
{
    unpin(w->local);
}

bool cell_try(struct cell_wait *w, bool *abandoned)
{
    struct cell *c = w->local->c;
    *abandoned = false;
    switch (w->local->type_id) {
    case TYPE_EVENT: {
        struct cell_event *ev = &c->u.ev;
        if (ev->manual) {
            if (atomic_load(&ev->signaled))
                return true;
            return (int32_t)(atomic_load(&ev->pulse_seq) - w->since) > 0;
        }
        uint32_t one = 1;
        if (atomic_compare_exchange_strong(&ev->signaled, &one, 0))
            return true;
        uint32_t tok = atomic_load(&ev->pulse_tok);
        return tok && (int32_t)(tok - w->since) > 0 &&
               atomic_compare_exchange_strong(&ev->pulse_tok, &tok, 0);
    }
    case TYPE_TIMER: {
        uint64_t word = atomic_load(&c->u.tm.word);
        if (!(word & 1))
            return false;
        return c->u.tm.manual ||
               atomic_compare_exchange_strong(&c->u.tm.word, &word, word & ~1ull);
    }
    case TYPE_SEMAPHORE: {
        int32_t v = atomic_load(&c->u.sem.count);
        while (v > 0)
            if (atomic_compare_exchange_weak(&c->u.sem.count, &v, v - 1))
                return true;
        return false;
    }
    default: {
        struct cell_mutex *mx = &c->u.mx;
        uint64_t me = self_owner(), owner = atomic_load(&mx->owner);
        if (owner == me) {
            mx->count++;
            return true;
        }
        if (owner && owner != CM_ABANDONED && !owner_alive(owner)) {
            mutex_abandon_dead(mx, owner);
            owner = CM_ABANDONED;
        }
        if ((owner && owner != CM_ABANDONED) ||
            !atomic_compare_exchange_strong(&mx->owner, &owner, me))
            return false;
        mx->count = 1;
        *abandoned = owner == CM_ABANDONED;
        return true;
    }
    }
}

void cell_undo(struct cell_wait *w)
{
    struct cell *c = w->local->c;
    switch (w->local->type_id) {
    case TYPE_EVENT:
        if (!c->u.ev.manual) {
            atomic_store(&c->u.ev.signaled, 1);
            atomic_fetch_add(&c->u.ev.seq, 1);
            wake(&c->u.ev.seq);
        }
        break;
    case TYPE_TIMER:
        if (!c->u.tm.manual) {
            atomic_fetch_or(&c->u.tm.word, 1);
            atomic_fetch_add(&c->u.tm.seq, 1);
            wake(&c->u.tm.seq);
        }
        break;
    case TYPE_SEMAPHORE:
        atomic_fetch_add(&c->u.sem.count, 1);
        atomic_fetch_add(&c->u.sem.seq, 1);
        wake(&c->u.sem.seq);
        break;
    default:
        if (--c->u.mx.count == 0) {
            atomic_store(&c->u.mx.owner, 0);
            atomic_fetch_add(&c->u.mx.seq, 1);
            wake(&c->u.mx.seq);
        }
        break;
    }
}

_Atomic uint32_t *cell_sleep_begin(struct cell_wait *w, uint32_t *val)
{
    struct cell *c = w->local->c;
    w->slept = true;
    switch (w->local->type_id) {
    case TYPE_EVENT:
        atomic_fetch_add(&c->u.ev.sleepers, 1);
        *val = atomic_load(&c->u.ev.seq);
        return &c->u.ev.seq;
    case TYPE_SEMAPHORE:
        atomic_fetch_add(&c->u.sem.sleepers, 1);
        *val = atomic_load(&c->u.sem.seq);
        return &c->u.sem.seq;
    case TYPE_TIMER:
        atomic_fetch_add(&c->u.tm.sleepers, 1);
        *val = atomic_load(&c->u.tm.seq);
        return &c->u.tm.seq;
    default:
        atomic_fetch_add(&c->u.mx.sleepers, 1);
        *val = atomic_load(&c->u.mx.seq);
        owner_watch(w, atomic_load(&c->u.mx.owner));
        return &c->u.mx.seq;
    }
}

void cell_sleep_end(struct cell_wait *w)
{
    struct cell *c = w->local->c;
    uint32_t type = w->local->type_id;
    if (type == TYPE_EVENT)
        atomic_fetch_sub(&c->u.ev.sleepers, 1);
    else if (type == TYPE_SEMAPHORE)
        atomic_fetch_sub(&c->u.sem.sleepers, 1);
    else if (type == TYPE_TIMER)
        atomic_fetch_sub(&c->u.tm.sleepers, 1);
    else if (type == TYPE_MUTEX) {
        atomic_fetch_sub(&c->u.mx.sleepers, 1);
        owner_unwatch(w);
    }
}

/* ---- timers (timer.c keeps the armings) ---- */

uint64_t cell_timer_disarm(struct object *o, bool reset)
{
    DWORD err;
    struct cell_local *l = pin_writable(o, &err);
    if (!l)
        return UINT64_MAX; /* a generation no arming can match */
    struct cell_timer *tm = &l->c->u.tm;
    uint64_t w = atomic_load(&tm->word), next;
    do
        next = (((w >> 1) + 1) << 1) | (reset ? 0 : (w & 1));
    while (!atomic_compare_exchange_weak(&tm->word, &w, next));
    unpin(l);
    return next >> 1;
}

bool cell_timer_fire(struct object *o, uint64_t gen)
{
    DWORD err;
    struct cell_local *l = pin_writable(o, &err);
    if (!l)
        return false;
    struct cell_timer *tm = &l->c->u.tm;
    uint64_t w = atomic_load(&tm->word);
    bool current;
    while ((current = (w >> 1) == gen) && !atomic_compare_exchange_weak(&tm->word, &w, w | 1))
        ;
    if (current) {
        atomic_fetch_add(&tm->seq, 1);
        wake(&tm->seq);
    }
    unpin(l);
    return current;
}

/* ---- sections ---- */

DWORD cell_section_fd(struct object *o, bool write, int *fd, uint64_t *base)
{
    DWORD err;
    struct cell_local *l = pin(o, &err);
    if (!l)
        return err;
    err = ERROR_SUCCESS;
    if (write && !l->writable)
        err = ERROR_ACCESS_DENIED;
    else if ((*fd = fcntl(l->fd, F_DUPFD_CLOEXEC, 0)) < 0)
        err = ws_errno_to_win32(errno);
    *base = CELL_DATA;
    unpin(l);
    return err;
}
