/*
 * File objects: the one object every I/O kind is built on, the handle-based
 * I/O entry points that dispatch through a kind's operations (ReadFile,
 * WriteFile, FlushFileBuffers, GetFileType), and the standard handles.
 *
 * A file object is one open file description (docs/ARCHITECTURE.md,
 * "Files"): every CreateFile makes a new one with its own file pointer,
 * DuplicateHandle and inheritance share it.  Disk files and the standard
 * handles keep their file pointer where Linux keeps it, in the fd's open
 * file description, so the two notions coincide.
 *
 * States: a file object is waitable and signalled while no I/O is pending
 * on it (value 1).  Synchronous handles are always signalled; overlapped
 * I/O (a later kind of work) clears and sets the value around requests.
 *
 * Fields: kind, flags, access, share and path are written once before the
 * first handle exists and only read afterwards; the byte-range lock list
 * is guarded by the object lock (lock.c).  fd is process-private (see
 * struct file_obj): only the process fd_pid uses it.  Every other
 * process with a handle has its own fd of the same open file description
 * (inherited, given with a duplicated handle, or fetched from a holder:
 * the side table below), so I/O works in every process that holds a
 * handle, as on Windows; a kind's state beside the fd is shared in the
 * arena (kstate), so this holds for every kind.
 *
 * Lifetime: the last handle closed (in any process) runs the kind's
 * last_close (DELETE_ON_CLOSE unlinks there) and ends the open file
 * description (file_last_close); the last reference frees the fd number.  I/O holds a reference, not an RCU read section, because reads
 * and writes may block.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "io/device.h"
#include "io/file.h"
#include "io/overlapped.h"
#include "sync/sync.h"

/* ---- the object type ---- */

static bool file_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t file_acquire(const struct object *o, uint64_t s, uint32_t tid,
                             bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s; /* a wait does not reset a file: it stays signalled */
}

static const struct file_ops *file_ops_of(const struct file_obj *f)
{
    const struct file_ops *ops = f->kind < FILE_KIND_COUNT ? file_kinds[f->kind] : NULL;
    return ops ? ops : &stream_file_ops;
}

/* A shared /dev/null descriptor that closed files' fd numbers are pointed
 * at (see file_last_close). */
static int null_fd = -1;
static pthread_once_t null_once = PTHREAD_ONCE_INIT;

static void null_open(void)
{
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
}

/* fd numbers this thread pointed at /dev/null since it last flushed its
 * deferred references.  Each stays open until its object is destroyed,
 * after the grace period its thread's batch of deferred references waits
 * for, and a batch holds up to DEFER_BATCH (1024) of them: a loop of
 * CreateFile and CloseHandle would run into RLIMIT_NOFILE (1024 by
 * default) first.  So a thread that reserved RESERVED_FLUSH numbers
 * flushes its batch at its next CloseHandle of a file (file_handle_closed,
 * where CloseHandle may flush anyway), and the numbers go back. */
static __thread unsigned reserved_here;
#define RESERVED_FLUSH 64

static void reserve_null(int fd)
{
    pthread_once(&null_once, null_open);
    if (null_fd >= 0 && dup3(null_fd, fd, O_CLOEXEC) >= 0)
        reserved_here++;
}

/* ---- this process's fds of other processes' file objects ----
 *
 * The side table: the fds this process has of file objects it did not
 * open (or whose own fd it let go of), keyed by the object's offset and
 * its opener's (fd, pid, tag, serial), which no later object at the same
 * offset has.  Two ways in:
 *   - inherited: a child of CreateProcess with bInheritHandles got the
 *     parent's descriptions under the same fd numbers (spawn.c clears
 *     O_CLOEXEC in the child before execve); file_adopt_fd records them
 *     while the process attaches, before any handle can be used;
 *   - fetched: a handle that came otherwise (DuplicateHandle from another
 *     process) gets its fd on first use, a pidfd_getfd copy of a live
 *     holder's fd (holders.c): the same open file description, so the file
 *     pointer, O_APPEND and the OFD share-mode and byte-range locks are
 *     shared as Windows shares them between duplicated handles.
 * Either way this process then becomes a holder itself (if an entry is
 * free), so the object keeps working after its opener exits.
 *
 * An entry's fd stays this process's until its last handle to the object
 * closes (file_handle_closed; or file_last_close when that was the last
 * handle anywhere): the holder entry is let go of first, then the number
 * is pointed at /dev/null (dup3), reserved until the object is destroyed
 * here (side_destroy closes it) or, when another process destroys it,
 * until side_prune finds the object gone.
 *
 * Re-pointed descriptions: a named pipe server's opener moves its fd
 * number from the listener to a connection and to /dev/null (dup3), so a
 * copy taken earlier may be of a description the object no longer has.
 * Such kinds publish the current one's identity (f->fd_ident, st_ino);
 * an entry records the identity of its copy, an entry whose identity is
 * not the current one is stale (let go of, and a fresh copy fetched), and
 * a holder's copy is taken only when it is of the current description
 * (another process's older copy is passed over).
 *
 * Locking: side_lock (a rwlock) guards the list; readers are I/O paths of
 * non-openers.  fetch_lock serialises fetches, so that one object gets one
 * entry per process.  Order: fetch_lock, then side_lock.  Process-private;
 * a forked child starts with an empty table. */
struct side_fd {
    struct side_fd *next;
    aoff_t obj;
    int32_t key_fd;
    uint32_t key_pid, key_tag, key_serial;
    _Atomic int fd;
    _Atomic bool released; /* fd reserved on /dev/null, no longer the file */
    bool holder;           /* claimed a holder entry of the object */
    uint64_t ident;        /* st_ino of the copy when f->fd_ident is used */
};
static struct side_fd *side_head;
static pthread_rwlock_t side_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t fetch_lock = PTHREAD_MUTEX_INITIALIZER;

static bool side_matches(const struct side_fd *e, const struct file_obj *f)
{
    return e->obj == arena_off((void *)f) && e->key_fd == f->fd &&
           e->key_pid == f->fd_pid && e->key_tag == f->fd_tag &&
           e->key_serial == f->serial;
}

/* The identity file_obj.fd_ident compares: st_ino (sockets' are unique
 * while they live). */
static uint64_t fd_ino(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static struct side_fd *side_new(const struct file_obj *f, int fd)
{
    struct side_fd *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->obj = arena_off((void *)f);
    e->key_fd = f->fd;
    e->key_pid = f->fd_pid;
    e->key_tag = f->fd_tag;
    e->key_serial = f->serial;
    atomic_init(&e->fd, fd);
    atomic_init(&e->released, false);
    if (atomic_load_explicit(&f->fd_ident, memory_order_acquire))
        e->ident = fd_ino(fd);
    return e;
}

static void side_release(struct file_obj *f, struct side_fd *e);

/* Is e's copy of a description f no longer has (file_fd_repointed)? */
static bool side_stale(const struct side_fd *e, const struct file_obj *f)
{
    uint64_t id = atomic_load_explicit(&f->fd_ident, memory_order_acquire);
    return id && e->ident != id;
}

/* This process's live entry for f, under side_lock (read is enough); a
 * stale one is let go of on the way.  NULL. */
static struct side_fd *side_find_locked(const struct file_obj *f)
{
    for (struct side_fd *e = side_head; e; e = e->next)
        if (side_matches(e, f) && !atomic_load_explicit(&e->released, memory_order_acquire)) {
            if (!side_stale(e, f))
                return e;
            side_release((struct file_obj *)f, e);
        }
    return NULL;
}

/* object_type.adopt_fd: an fd of f inherited (spawn.c parses
 * WINSHIM_FDS) or given to this process's inbox (holders.c).  One that
 * comes when this process has its own already is not needed. */
static void file_adopt_fd(struct object *o, int fd)
{
    struct file_obj *f = (struct file_obj *)o;
    pthread_rwlock_wrlock(&side_lock);
    struct side_fd *e = file_is_opener(f) || side_find_locked(f) ? NULL : side_new(f, fd);
    if (e) {
        e->holder = holders_claim(f->holders, fd);
        e->next = side_head;
        side_head = e;
    }
    pthread_rwlock_unlock(&side_lock);
    if (!e)
        close(fd);
}

/* object_type.inherit_fd: this process's fd of f, passed under its number.
 * fds 0..2 are the standard handles' business (STARTF_USESTDHANDLES): a
 * file object wrapping one is not passed under its number. */
static int file_inherit_fd(struct object *o)
{
    struct file_obj *f = (struct file_obj *)o;
    int fd = file_fd_of(f);
    if (fd >= 0)
        file_sync_pointer(f, fd); /* the child may use the offset itself */
    return fd < 3 || (f->flags & FILE_OBJ_STD) ? -1 : fd;
}

/* Frees the entries of objects that another process destroyed (their fds
 * were released here before: no thread of ours can still use them).
 * Under side_lock, written. */
static void side_prune_locked(void)
{
    for (struct side_fd **pp = &side_head; *pp;) {
        struct side_fd *e = *pp;
        const struct file_obj *f = arena_ptr(e->obj);
        bool gone = atomic_load_explicit(&e->released, memory_order_acquire) &&
                    (f->hdr.type_id != TYPE_FILE ||
                     !atomic_load_explicit(&f->hdr.refs, memory_order_acquire) ||
                     !side_matches(e, f));
        if (!gone) {
            pp = &e->next;
            continue;
        }
        *pp = e->next;
        int fd = atomic_load_explicit(&e->fd, memory_order_relaxed);
        if (fd >= 0)
            close(fd);
        free(e);
    }
}

/* Lets go of this process's fd of entry e (idempotent): the holder entry
 * first, then the description; the number stays reserved. */
static void side_release(struct file_obj *f, struct side_fd *e)
{
    if (atomic_exchange_explicit(&e->released, true, memory_order_acq_rel))
        return;
    if (e->holder)
        holders_release_self(f->holders);
    int fd = atomic_load_explicit(&e->fd, memory_order_acquire);
    if (fd < 0)
        return;
    pthread_once(&null_once, null_open);
    if (null_fd < 0 || dup3(null_fd, fd, O_CLOEXEC) < 0) {
        atomic_store_explicit(&e->fd, -1, memory_order_release);
        close(fd);
    } else {
        reserved_here++;
    }
}

/* Takes a copy of a holder's fd: the same open file description, and for
 * a re-pointing kind the current one (another holder may still have a
 * copy of an older one). */
static int side_fetch_one(void *ctx, uint32_t pid, uint32_t tag, int fd)
{
    const struct file_obj *f = ctx;
    int nfd = holders_getfd(pid, tag, fd);
    uint64_t id = atomic_load_explicit(&f->fd_ident, memory_order_acquire);
    if (nfd >= 0 && id && fd_ino(nfd) != id) {
        close(nfd);
        return -1;
    }
    return nfd;
}

void file_fd_repointed(struct file_obj *f)
{
    atomic_store_explicit(&f->fd_ident, fd_ino(f->fd), memory_order_release);
}

static int side_fetch(struct file_obj *f)
{
    holders_inbox_drain(); /* given to us already? (not under our locks) */
    pthread_mutex_lock(&fetch_lock);
    pthread_rwlock_rdlock(&side_lock);
    struct side_fd *e = side_find_locked(f);
    int fd = e ? atomic_load_explicit(&e->fd, memory_order_acquire) : -1;
    pthread_rwlock_unlock(&side_lock);
    if (e) {
        pthread_mutex_unlock(&fetch_lock);
        return fd;
    }
    fd = holders_fetch(f->holders, side_fetch_one, f);
    if (fd < 0 || !(e = side_new(f, fd))) {
        if (fd >= 0)
            close(fd);
        pthread_mutex_unlock(&fetch_lock);
        return -1;
    }
    e->holder = holders_claim(f->holders, fd);
    pthread_rwlock_wrlock(&side_lock);
    side_prune_locked();
    e->next = side_head;
    side_head = e;
    pthread_rwlock_unlock(&side_lock);
    pthread_mutex_unlock(&fetch_lock);
    /* Our last handle may have gone while we fetched (another thread's
     * CloseHandle, which looked for our entry before it existed): then
     * nobody else lets go of it. */
    atomic_thread_fence(memory_order_seq_cst);
    if (!handle_table_refers(&f->hdr)) {
        side_release(f, e);
        return -1;
    }
    return fd;
}

int file_side_fd(const struct file_obj *f)
{
    pthread_rwlock_rdlock(&side_lock);
    struct side_fd *e = side_find_locked(f);
    int fd = e ? atomic_load_explicit(&e->fd, memory_order_acquire) : -1;
    pthread_rwlock_unlock(&side_lock);
    if (e)
        return fd;
    return side_fetch((struct file_obj *)f);
}

/* Pins (file_fds_pin): threads reading fds without references. */
static _Atomic unsigned fd_pins;

void file_fds_pin(void)
{
    atomic_fetch_add_explicit(&fd_pins, 1, memory_order_seq_cst);
}

void file_fds_unpin(void)
{
    atomic_fetch_sub_explicit(&fd_pins, 1, memory_order_release);
}

#if defined(__SANITIZE_THREAD__)
_Atomic unsigned file_fence_word;
#endif

/* May the opener's fd of f, just marked released, be closed at once
 * instead of reserved on /dev/null?  Only when no thread of this process
 * can still use the number: a disk file (other kinds re-point or cache
 * their fd), no reference but the closing handle's (every user of
 * file_fd_of holds one: I/O, pending overlapped requests, a lingering
 * object, another process's handle that might fetch a copy through the
 * holder list), and no pin.  The fence pairs with file_fd_of's: a user
 * whose reference this load misses sees fd_released set and never reads
 * the number; the acquire load orders every transfer of a reference
 * dropped before (object_unref releases) before the close. */
static bool fd_quiet(const struct file_obj *f)
{
    file_fence_sc();
    return f->kind == FILE_KIND_DISK &&
           atomic_load_explicit(&f->hdr.refs, memory_order_acquire) == 1 &&
           !atomic_load_explicit(&fd_pins, memory_order_acquire);
}

/* This process lets go of every fd it has of f: its own as the opener
 * and its side entries.  Idempotent. */
static void file_release_mine(struct file_obj *f)
{
    if (f->fd >= 0 && proc_is_self(f->fd_pid, f->fd_tag) && !(f->flags & FILE_OBJ_STD) &&
        !atomic_exchange_explicit(&f->fd_released, FD_RESERVED, memory_order_seq_cst)) {
        holders_release_self(f->holders); /* before the number leaves the file */
        if (fd_quiet(f)) {
            close(f->fd); /* nobody can reach the number: no dup3 */
            atomic_store_explicit(&f->fd_released, FD_CLOSED, memory_order_release);
        } else {
            reserve_null(f->fd); /* the number stays ours until destroy */
        }
        const struct file_ops *ops = file_ops_of(f);
        if (ops->let_go)
            ops->let_go(f);
    }
    pthread_rwlock_rdlock(&side_lock);
    for (struct side_fd *e = side_head; e; e = e->next)
        if (side_matches(e, f))
            side_release(f, e);
    pthread_rwlock_unlock(&side_lock);
}

/* Does this process have an fd of f that it has not let go of? */
static bool file_has_mine(const struct file_obj *f)
{
    if (f->fd >= 0 && proc_is_self(f->fd_pid, f->fd_tag) && !(f->flags & FILE_OBJ_STD) &&
        !atomic_load_explicit(&f->fd_released, memory_order_acquire))
        return true;
    pthread_rwlock_rdlock(&side_lock);
    bool any = side_find_locked(f) != NULL;
    pthread_rwlock_unlock(&side_lock);
    return any;
}

/* ---- lingering ----
 *
 * A handle duplicated into another process normally brings its fd along
 * (file_duplicated: the receiver's inbox, holders.c).  Where that could
 * not be done (the receiver has no inbox: a prepared child not started
 * yet; its inbox was full), f->given is set, and a process whose last
 * handle to f closes while other processes keep handles, none of which
 * has an fd yet (DuplicateHandle into another process with
 * DUPLICATE_CLOSE_SOURCE, then CloseHandle: the usual way of handing a
 * pipe end over), must not let go of its fd at once: nobody could fetch
 * one any more.  (Inherited handles come with their fds, so a child that
 * never calls winshim cannot hold a pipe open this way.)  It lingers
 * instead, still a holder, until another live process holds an fd too,
 * the last handle anywhere is gone, or a handle comes back to this
 * process.  The check runs at this
 * process's next CloseHandle of a file and at each deathwatch rescan
 * (250 ms).  A lingering object keeps a reference of this process, so it
 * cannot be destroyed before the fd went (limit: a process that exits
 * while an object lingers leaves that reference, and the object's arena
 * block, until the session ends).  Process-private, under linger_lock;
 * releases happen under it, references are dropped after it. */
static pthread_mutex_t linger_lock = PTHREAD_MUTEX_INITIALIZER;
static struct file_obj **lingering;
static size_t nlinger, linger_cap;
static _Atomic size_t nlinger_hint;

static bool linger_add(struct file_obj *f)
{
    pthread_mutex_lock(&linger_lock);
    for (size_t i = 0; i < nlinger; i++)
        if (lingering[i] == f) {
            pthread_mutex_unlock(&linger_lock);
            return true;
        }
    if (nlinger == linger_cap) {
        size_t cap = linger_cap ? linger_cap * 2 : 8;
        struct file_obj **v = realloc(lingering, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&linger_lock);
            return false;
        }
        lingering = v;
        linger_cap = cap;
    }
    object_ref(&f->hdr);
    lingering[nlinger++] = f;
    shm_deathwatch_start(); /* its rescans end the lingering */
    atomic_store_explicit(&nlinger_hint, nlinger, memory_order_relaxed);
    pthread_mutex_unlock(&linger_lock);
    return true;
}

void file_linger_scan(void)
{
    if (!atomic_load_explicit(&nlinger_hint, memory_order_relaxed))
        return;
    struct file_obj *done[16];
    size_t ndone = 0;
    pthread_mutex_lock(&linger_lock);
    for (size_t i = 0; i < nlinger && ndone < 16;) {
        struct file_obj *f = lingering[i];
        if (handle_table_refers(&f->hdr)) {
            ; /* ours again: the fd is in use */
        } else if (!object_handle_count(&f->hdr) ||
                   holders_other_live(f->holders)) {
            file_release_mine(f);
        } else {
            i++;
            continue;
        }
        done[ndone++] = f;
        lingering[i] = lingering[--nlinger];
    }
    atomic_store_explicit(&nlinger_hint, nlinger, memory_order_relaxed);
    pthread_mutex_unlock(&linger_lock);
    for (size_t i = 0; i < ndone; i++)
        object_unref_deferred(&done[i]->hdr);
}

/* object_type.duplicated: a handle to f went to another process, which
 * gets our fd in its inbox at once (holders.c); where it has none, this
 * process lingers instead.  A handle that came to us from another
 * process: our copy is taken now, while the source surely has one. */
static void file_duplicated(struct object *o, struct proc_slot *to)
{
    struct file_obj *f = (struct file_obj *)o;
    int fd = file_fd_of(f);
    if (to == shm_self() || holders_give(to, o, fd))
        return;
    if (!atomic_load_explicit(&f->given, memory_order_relaxed))
        atomic_store_explicit(&f->given, 1, memory_order_release);
}

static void file_handle_closed(struct object *o)
{
    struct file_obj *f = (struct file_obj *)o;
    /* Numbers reserved by earlier closes go back (see reserve_null); this
     * object's own reference is deferred after this returns.  Never inside
     * a read-side section (invariant 13): an inbox drain may call this
     * from one (file_fd_of of a handle looked up under ws_rcu_lock); asking
     * orders nothing. */
    if (reserved_here >= RESERVED_FLUSH && !ws_rcu_ongoing()) {
        reserved_here = 0;
        thread_flush_deferred(thread_current());
    }
    holders_inbox_drain(); /* an fd given for this handle is let go of below */
    file_linger_scan();
    /* Also when that was the last handle anywhere: file_last_close may
     * have run in another process, which cannot let go of our fd. */
    atomic_thread_fence(memory_order_seq_cst);
    if (!file_has_mine(f) || handle_table_refers(&f->hdr))
        return;
    if (atomic_load_explicit(&f->given, memory_order_acquire) &&
        object_handle_count(&f->hdr) &&
        !holders_other_live(f->holders) && linger_add(f))
        return;
    file_release_mine(f);
}

/* The object is going: this process's side entries for it go too. */
static void side_destroy(struct file_obj *f)
{
    pthread_rwlock_wrlock(&side_lock);
    for (struct side_fd **pp = &side_head; *pp;) {
        struct side_fd *e = *pp;
        if (!side_matches(e, f)) {
            pp = &e->next;
            continue;
        }
        *pp = e->next;
        if (e->holder && !atomic_load_explicit(&e->released, memory_order_acquire))
            holders_release_self(f->holders);
        int fd = atomic_load_explicit(&e->fd, memory_order_relaxed);
        if (fd >= 0)
            close(fd);
        free(e);
    }
    pthread_rwlock_unlock(&side_lock);
}

/* A forked child has no handles: the parent's entries are not its own
 * (their fds are copies it never uses; they are left to exec or exit). */
static void side_atfork_child(void)
{
    pthread_mutex_init(&linger_lock, NULL);
    nlinger = 0;
    atomic_store(&nlinger_hint, 0);
    pthread_rwlock_init(&side_lock, NULL);
    pthread_mutex_init(&fetch_lock, NULL);
    side_head = NULL;
}

static void file_last_close(struct object *o)
{
    struct file_obj *f = (struct file_obj *)o;
    const struct file_ops *ops = file_ops_of(f);
    overlapped_file_closed(f); /* hook: the last handle cancels pending I/O */
    if (ops->last_close)
        ops->last_close(f);
    /* The last handle is gone: the open file description must go now, not
     * when the last reference does (after an RCU grace period), because
     * the file's share-mode and byte-range locks and a pipe's end of file
     * depend on it.  The fd number itself stays reserved until destroy,
     * pointing at /dev/null, so a thread still inside ReadFile on this
     * object cannot reach a file opened meanwhile under the same number.
     * Other processes' fds went with their own last handles. */
    file_release_mine(f);
}

static void file_destroy(struct object *o)
{
    struct file_obj *f = (struct file_obj *)o;
    const struct file_ops *ops = file_ops_of(f);
    if (ops->destroy)
        ops->destroy(f);
    iocp_file_destroy(f); /* hook: the completion port association */
    if (f->path)
        arena_free(arena_ptr(f->path), f->path_size);
    /* Standard fds 0..2 stay open: the C library's stdin, stdout and stderr
     * use them too, also after the handles went (at exit, handles close
     * before stdio flushes). */
    if (f->fd >= 0 && proc_is_self(f->fd_pid, f->fd_tag)) {
        if (!atomic_load_explicit(&f->fd_released, memory_order_acquire))
            holders_release_self(f->holders);
        if (!(f->flags & FILE_OBJ_STD) &&
            atomic_load_explicit(&f->fd_released, memory_order_acquire) != FD_CLOSED)
            close(f->fd);
    }
    side_destroy(f);
}

/* The shared layout (core/object.h, layout ids). */
static const uint32_t file_layout[] = {
    LAYOUT_SIZE(struct file_obj),
    LAYOUT_FIELD(struct file_obj, kind),
    LAYOUT_FIELD(struct file_obj, flags),
    LAYOUT_FIELD(struct file_obj, access),
    LAYOUT_FIELD(struct file_obj, share),
    LAYOUT_FIELD(struct file_obj, path),
    LAYOUT_FIELD(struct file_obj, locks),
    LAYOUT_FIELD(struct file_obj, fd),
    LAYOUT_FIELD(struct file_obj, fd_pid),
    LAYOUT_FIELD(struct file_obj, iocp),
    LAYOUT_FIELD(struct file_obj, fd_tag),
    LAYOUT_FIELD(struct file_obj, fd_released),
    LAYOUT_FIELD(struct file_obj, serial),
    LAYOUT_FIELD(struct file_obj, given),
    LAYOUT_FIELD(struct file_obj, holders),
    LAYOUT_FIELD(struct file_obj, path_size),
    LAYOUT_FIELD(struct file_obj, nlocks),
    LAYOUT_FIELD(struct file_obj, lock_cap),
    LAYOUT_FIELD(struct file_obj, iocp_key),
    LAYOUT_FIELD(struct file_obj, kstate),
    LAYOUT_FIELD(struct file_obj, fd_ident),
    LAYOUT_FIELD(struct file_obj, ptr_pending),
    LAYOUT_FIELD(struct file_obj, lock_bucket),
    HOLDER_LAYOUT,
};

const struct object_type file_type = {
    .name = "File",
    .id = TYPE_FILE,
    .size = sizeof(struct file_obj),
    .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                FILE_ALL_ACCESS},
    .valid_access = FILE_ALL_ACCESS,
    .signaled = file_signaled,
    .acquire = file_acquire,
    .last_close = file_last_close,
    .handle_closed = file_handle_closed,
    .inherit_fd = file_inherit_fd,
    .adopt_fd = file_adopt_fd,
    .duplicated = file_duplicated,
    .destroy = file_destroy,
    TYPE_LAYOUT(file_layout),
};

/* ---- the kinds ---- */

const struct file_ops *const file_kinds[FILE_KIND_COUNT] = {
    [FILE_KIND_DISK] = &disk_file_ops,
    [FILE_KIND_STREAM] = &stream_file_ops,
    [FILE_KIND_PIPE] = &pipe_file_ops, /* pipe.c */
    [FILE_KIND_CONSOLE] = &console_file_ops, /* console.c */
    [FILE_KIND_COMM] = &comm_file_ops,       /* comm.c */
    [FILE_KIND_NPIPE] = &npipe_file_ops,     /* npipe.c */
    [FILE_KIND_MAILSLOT] = &mailslot_file_ops, /* mailslot.c */
};

uint64_t file_kinds_layout_mix(uint64_t h)
{
    for (uint32_t i = 0; i < FILE_KIND_COUNT; i++)
        if (file_kinds[i] && file_kinds[i]->layout) {
            uint32_t kind[] = {i, file_kinds[i]->layout_len};
            h = layout_mix(h, kind, 2);
            h = layout_mix(h, file_kinds[i]->layout, file_kinds[i]->layout_len);
        }
    return h;
}

/* ---- the side table across fork ---- */

/* A forked child starts with an empty side table and fresh locks.  The
 * handler is registered when the library is loaded, before any thread
 * can hold side_lock or fetch_lock, so file_pid() (file.h) is ws_pid()
 * alone: one once-flag, core's, and no check of ours per call.  ws_pid()
 * is called first so that its own fork handler, which caches the child's
 * pid, is registered before this one and runs before it in the child. */
__attribute__((constructor)) static void side_install_atfork(void)
{
    (void)ws_pid();
    pthread_atfork(NULL, NULL, side_atfork_child);
}

/* ---- creation and the gate ---- */

DWORD file_new(int fd, const struct file_ops *ops, ACCESS_MASK access,
               DWORD flags, struct file_obj **out)
{
    DWORD err;
    struct object *o = object_new(&file_type, 0, 1, &err);
    if (!o) {
        if (fd >= 0)
            close(fd);
        return err;
    }
    struct file_obj *f = (struct file_obj *)o;
    f->kind = ops->kind;
    f->flags = flags;
    f->access = object_map_access(&file_type, access);
    f->fd = fd;
    f->fd_pid = file_pid();
    f->fd_tag = shm_self_tag();
    static _Atomic uint32_t serials;
    f->serial = atomic_fetch_add_explicit(&serials, 1, memory_order_relaxed) + 1;
    /* Not visible to anyone yet: the opener is the first holder. */
    if (fd >= 0)
        holders_init_first(f->holders, fd);
    object_handle_open(o);
    *out = f;
    return ERROR_SUCCESS;
}

DWORD file_wrap_fd(int fd, const struct file_ops *ops, ACCESS_MASK access,
                   DWORD flags, HANDLE *out)
{
    struct file_obj *f;
    DWORD err = file_new(fd, ops, access, flags, &f);
    if (err)
        return err;
    if ((err = handle_insert(&f->hdr, f->access, 0, out))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
    }
    return err;
}

int file_fd(struct object *o)
{
    if (!o || o->type_id != TYPE_FILE)
        return -1;
    struct file_obj *f = (struct file_obj *)o;
    int fd = file_fd_of(f);
    /* Whoever takes the fd (a child's standard handle, a lock) sees the
     * description's offset as the file pointer. */
    if (fd >= 0)
        file_sync_pointer(f, fd);
    return fd;
}

/* The file pointer of a disk file (diskfile.c) is the open file
 * description's offset, except right after a synchronous positioned
 * transfer: Windows leaves the pointer after the bytes moved, and rather
 * than an lseek after every pread/pwrite (the common case of a database,
 * which never uses the pointer), the new position is kept in the shared
 * object and written to the description only when something uses it.
 * One atomic exchange decides which thread writes it. */
void file_sync_pointer(struct file_obj *f, int fd)
{
    if (!atomic_load_explicit(&f->ptr_pending, memory_order_acquire))
        return;
    int64_t v = atomic_exchange_explicit(&f->ptr_pending, 0, memory_order_acq_rel);
    if (v > 0)
        lseek(fd, (off_t)(v - 1), SEEK_SET);
}

DWORD file_get(HANDLE h, ACCESS_MASK need, struct file_obj **out,
               ACCESS_MASK *granted)
{
    struct object *o = NULL;
    DWORD err = handle_ref(h, &file_type, need, &o, granted);
    if (!err)
        *out = (struct file_obj *)o;
    return err;
}

/* ---- plain fd operations, shared by disk files and streams ---- */

static DWORD fd_of(struct file_obj *f, int *fd)
{
    *fd = file_fd_of(f);
    return *fd < 0 ? ERROR_INVALID_HANDLE : ERROR_SUCCESS;
}

/* One read: EINTR retried, the rest reported as Win32 errors. */
DWORD file_fd_read(int fd, void *buf, DWORD len, const int64_t *at, DWORD *done)
{
    ssize_t n;
    do
        n = at ? pread(fd, buf, len, (off_t)*at) : read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EISDIR ? ERROR_INVALID_FUNCTION : ws_errno_to_win32(errno);
    *done = (DWORD)n;
    return ERROR_SUCCESS;
}

DWORD file_fd_write(int fd, const void *buf, DWORD len, const int64_t *at,
                    DWORD *done)
{
    ssize_t n;
    do
        n = at ? pwrite(fd, buf, len, (off_t)*at) : write(fd, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EBADF ? ERROR_ACCESS_DENIED : ws_errno_to_win32(errno);
    *done = (DWORD)n;
    return ERROR_SUCCESS;
}

static DWORD stream_read(struct file_obj *f, void *buf, DWORD len,
                         const int64_t *at, DWORD *done)
{
    int fd;
    DWORD err = fd_of(f, &fd);
    if (!err)
        err = file_fd_read(fd, buf, len, at, done);
    /* The write end of a pipe is gone: Windows' end of a pipe. */
    return err;
}

static DWORD stream_write(struct file_obj *f, const void *buf, DWORD len,
                          const int64_t *at, DWORD *done)
{
    int fd;
    DWORD err = fd_of(f, &fd);
    if (err)
        return err;
    /* Writes to streams are complete on Windows: loop over short ones. */
    DWORD total = 0;
    while (total < len) {
        DWORD n = 0;
        if ((err = file_fd_write(fd, (const char *)buf + total, len - total, at, &n)))
            break;
        total += n;
        if (n == 0)
            break;
    }
    *done = total;
    return total ? ERROR_SUCCESS : err;
}

static DWORD stream_flush(struct file_obj *f)
{
    int fd;
    DWORD err = fd_of(f, &fd);
    if (err)
        return err;
    if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
        return ws_errno_to_win32(errno);
    return ERROR_SUCCESS;
}

/* What an fd of unknown origin is, as GetFileType says it. */
DWORD file_fd_type(int fd)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return FILE_TYPE_UNKNOWN;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode))
        return FILE_TYPE_DISK;
    if (S_ISCHR(st.st_mode))
        return FILE_TYPE_CHAR;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        return FILE_TYPE_PIPE;
    return FILE_TYPE_UNKNOWN;
}

static DWORD stream_get_type(struct file_obj *f)
{
    int fd;
    return fd_of(f, &fd) ? FILE_TYPE_UNKNOWN : file_fd_type(fd);
}

const struct file_ops stream_file_ops = {
    .kind = FILE_KIND_STREAM,
    .read = stream_read,
    .write = stream_write,
    .flush = stream_flush,
    .get_type = stream_get_type,
};

/* ---- the exported I/O functions ---- */

/* Rights ReadFile and WriteFile need. */
#define FILE_WRITE_ANY (FILE_WRITE_DATA | FILE_APPEND_DATA)

/* A positioned transfer on a synchronous handle: the OVERLAPPED names the
 * offset, and the transfer completes before the call returns (as Windows
 * does there, and as it may do on an overlapped handle). */
static const int64_t *overlapped_offset(LPOVERLAPPED ov, int64_t *at)
{
    if (!ov)
        return NULL;
    *at = (int64_t)(((uint64_t)ov->OffsetHigh << 32) | ov->Offset);
    return at;
}

static void overlapped_complete(LPOVERLAPPED ov, DWORD err, DWORD done)
{
    if (!ov)
        return;
    /* The NTSTATUS Windows leaves there (overlapped.c's table). */
    ov->Internal = overlapped_status_of(err);
    ov->InternalHigh = done;
    if (ov->hEvent)
        SetEvent(ov->hEvent);
}

enum io_dir { IO_READ, IO_WRITE };

static BOOL file_io(HANDLE h, void *buf, DWORD len, LPDWORD pdone,
                    LPOVERLAPPED ov, enum io_dir dir)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD done = 0;
    if (pdone)
        *pdone = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err == ERROR_INVALID_HANDLE && h && h != INVALID_HANDLE_VALUE) {
        /* hook: ReadFile/WriteFile on a socket handle (sockio.c) */
        bool sock;
        DWORD serr = ws_socket_io.file_io(h, buf, len, pdone, ov, dir == IO_WRITE, &sock);
        if (sock)
            return ws_bool(serr);
    }
    if (err)
        return ws_bool(err);
    /* Microsoft documents the byte count as required without an
     * OVERLAPPED; Windows (and Wine) accept NULL and skip it. */
    const struct file_ops *ops = file_ops_of(f);
    if (f->flags & FILE_FLAG_OVERLAPPED) {
        /* hook: asynchronous transfers live in overlapped.c */
        if (!(granted & (dir == IO_READ ? FILE_READ_DATA : FILE_WRITE_ANY)))
            err = ERROR_ACCESS_DENIED;
        else if (!ov)
            err = ERROR_INVALID_PARAMETER;
        else if (dir == IO_READ ? !ops->read : !ops->write)
            err = ERROR_INVALID_FUNCTION;
        else
            err = overlapped_start(f, buf, len, ov, dir == IO_WRITE, &done);
        file_put(f);
        if (pdone)
            *pdone = done; /* a transfer that finished at once */
        return ws_bool(err);
    }
    int64_t at_buf;
    const int64_t *at = overlapped_offset(ov, &at_buf);
    if (dir == IO_READ) {
        if (!(granted & FILE_READ_DATA))
            err = ERROR_ACCESS_DENIED;
        else if (!ops->read)
            err = ERROR_INVALID_FUNCTION;
        else
            err = ops->read(f, buf, len, at, &done);
    } else {
        if (!(granted & FILE_WRITE_ANY))
            err = ERROR_ACCESS_DENIED;
        else if (!ops->write)
            err = ERROR_INVALID_FUNCTION;
        else
            err = ops->write(f, buf, len, at, &done);
    }
    file_put(f);
    if (pdone)
        *pdone = done;
    overlapped_complete(ov, err, done);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ReadFile(HANDLE h, LPVOID buf, DWORD len, LPDWORD done,
                               LPOVERLAPPED ov)
{
    return file_io(h, buf, len, done, ov, IO_READ);
}

WS_EXPORT BOOL WINAPI WriteFile(HANDLE h, LPCVOID buf, DWORD len, LPDWORD done,
                                LPOVERLAPPED ov)
{
    return file_io(h, (void *)buf, len, done, ov, IO_WRITE);
}

WS_EXPORT BOOL WINAPI FlushFileBuffers(HANDLE h)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    const struct file_ops *ops = file_ops_of(f);
    if (!(granted & FILE_WRITE_ANY))
        err = ERROR_ACCESS_DENIED;
    else if (ops->flush)
        err = ops->flush(f);
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT DWORD WINAPI GetFileType(HANDLE h)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err) {
        ws_set_last_error(err);
        return FILE_TYPE_UNKNOWN;
    }
    const struct file_ops *ops = file_ops_of(f);
    DWORD type = ops->get_type ? ops->get_type(f) : FILE_TYPE_UNKNOWN;
    file_put(f);
    /* FILE_TYPE_UNKNOWN is also a success; Windows then sets NO_ERROR. */
    if (type == FILE_TYPE_UNKNOWN)
        ws_set_last_error(ERROR_SUCCESS);
    return type;
}

/* ---- standard handles ----
 *
 * Three slots, made on first use from fds 0, 1 and 2: a file object of the
 * stream kind (the disk kind for a regular file, so that the file pointer
 * and locks behave as a disk file's) with the access the fd was opened
 * with.  A closed fd gives a NULL slot, as a process without standard
 * handles has on Windows.  SetStdHandle replaces a slot and closes nothing.
 * Slots are made under std_lock, read with an atomic load; a forked child
 * starts over. */

static _Atomic(HANDLE) std_slots[3];
static _Atomic bool std_ready;
static pthread_mutex_t std_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t std_atfork_once = PTHREAD_ONCE_INIT;

/* Standard handles the parent passed as inherited handles (file_adopt_std);
 * read once by std_init. */
static HANDLE std_given[3];

void file_adopt_std(const char *spec)
{
    const char *c = spec;
    for (int i = 0; i < 3 && *c; i++) {
        char *end;
        std_given[i] = (HANDLE)(uintptr_t)strtoull(c, &end, 16);
        if (*end != ',')
            break;
        c = end + 1;
    }
}

/* A given standard handle, if it names a file object in our table. */
static HANDLE std_inherited(int i)
{
    HANDLE h = std_given[i];
    struct object *o;
    if (!h)
        return NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &file_type, 0, &o, NULL);
    ws_rcu_unlock();
    return err ? NULL : h;
}

static HANDLE std_wrap(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return NULL;
    ACCESS_MASK access = SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
    switch (fl & O_ACCMODE) {
    case O_RDONLY:
        access |= GENERIC_READ;
        break;
    case O_WRONLY:
        access |= GENERIC_WRITE;
        break;
    default:
        access |= GENERIC_READ | GENERIC_WRITE;
    }
    struct stat st;
    const struct file_ops *ops = &stream_file_ops;
    bool disk = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (disk)
        ops = &disk_file_ops;
    HANDLE h = NULL;
    struct file_obj *f;
    if (file_new(fd, ops, access, FILE_OBJ_STD, &f))
        return NULL;
    if (disk)
        filelock_bind(f, &st);
    if (handle_insert(&f->hdr, f->access, 0, &h)) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
        return NULL;
    }
    return h;
}

/* A forked child is a new process as far as its standard handles go: it
 * makes its own from its fds on first use (with the shared arena a forked
 * child has no handles at all, so the parent's values would be stale). */
static void std_atfork_child(void)
{
    pthread_mutex_init(&std_lock, NULL);
    for (int i = 0; i < 3; i++) {
        atomic_store(&std_slots[i], NULL);
        std_given[i] = NULL; /* the parent's handles are not the child's */
    }
    atomic_store(&std_ready, false);
}

static void std_register_atfork(void)
{
    pthread_atfork(NULL, NULL, std_atfork_child);
}

static void std_init(void)
{
    if (atomic_load_explicit(&std_ready, memory_order_acquire))
        return;
    pthread_once(&std_atfork_once, std_register_atfork);
    pthread_mutex_lock(&std_lock);
    if (!atomic_load_explicit(&std_ready, memory_order_relaxed)) {
        for (int i = 0; i < 3; i++) {
            HANDLE h = std_inherited(i);
            atomic_store(&std_slots[i], h ? h : std_wrap(i));
        }
        atomic_store_explicit(&std_ready, true, memory_order_release);
    }
    pthread_mutex_unlock(&std_lock);
}

static int std_index(DWORD which)
{
    switch (which) {
    case STD_INPUT_HANDLE:
        return 0;
    case STD_OUTPUT_HANDLE:
        return 1;
    case STD_ERROR_HANDLE:
        return 2;
    default:
        return -1;
    }
}

WS_EXPORT HANDLE WINAPI GetStdHandle(DWORD which)
{
    int i = std_index(which);
    if (i < 0) {
        ws_set_last_error(ERROR_INVALID_HANDLE);
        return INVALID_HANDLE_VALUE;
    }
    std_init();
    return atomic_load(&std_slots[i]);
}

WS_EXPORT BOOL WINAPI SetStdHandle(DWORD which, HANDLE h)
{
    int i = std_index(which);
    if (i < 0)
        return ws_bool(ERROR_INVALID_HANDLE);
    std_init();
    atomic_store(&std_slots[i], h);
    return TRUE;
}
