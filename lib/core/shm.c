/*
 * The session segment: the arena in shared memory, the process table, and
 * crash recovery.
 *
 * Every winshim process of one user maps the same file,
 * /dev/shm/winshim-<uid>/session-<layout id> (directory 0700, file 0600;
 * the directory can be moved with WINSHIM_SHM_DIR), at whatever address it
 * likes.  The layout id (16 hex digits, arena.c) is a hash of the shared
 * structures' layout: builds that lay them out differently (other
 * versions, other configurations) use other files and never meet; the id
 * is also in the header and checked before use.  The
 * arena refers to everything by 32-bit offsets (arena.c).  Objects, names,
 * wait records, handle tables and the process table all live in it, so a
 * name created in one process is found by every other, a handle value can
 * be written into another process's table, and a live process can clean up
 * after a dead one.  There is no server.
 *
 * Membership and the files' lifetime (flock(2), which the kernel drops
 * when a process dies, however it dies):
 *   - every attached process holds a shared flock on the session file
 *     through its own open file description;
 *   - attaching and detaching are serialised by an exclusive flock on the
 *     "lock-<layout id>" file beside it;
 *   - whoever attaches and can take the session lock exclusively is alone:
 *     the file is stale (its last user died) and is reinitialised;
 *   - whoever detaches and can then take it exclusively is the last one
 *     and removes both files and the directory (rmdir fails, as it
 *     should, while another layout's files are in it).
 *   - an attacher also removes the files of any other layout that nobody
 *     holds a flock on (sweep_stale_sessions says why that is safe).
 *   After all processes exit nothing is left; if the last one is killed,
 *   the files stay until the next winshim process of that user starts,
 *   which reuses them, or removes them if it is of another layout
 *   (docs/ARCHITECTURE.md, "Lifetime").
 *
 * The process table: PROC_SLOTS slots in the arena.  A slot is FREE, INIT
 * (SLOT_INIT_BY | the pid of whoever is setting it up), LIVE (a process
 * owns it), PREPARED (CreateProcess made it for a child that has not
 * attached yet) or REAPING (someone is cleaning up after its owner).
 * It holds the owner's pid and start time (so a recycled pid is not taken
 * for the dead process), its process object, its handle table (handle.c)
 * and the list of its threads' records (struct shm_thread: wait record,
 * owned mutexes, deferred unreferences), which is everything a reaper
 * needs to undo what a dead process held.
 *
 * Reaping a dead process (reap_slot): claim the slot (LIVE -> REAPING, one
 * compare-and-swap, so one reaper); take each of its threads out of the
 * wait lists; abandon the mutexes they owned (waiters anywhere get
 * WAIT_ABANDONED at once); drop its deferred references; give back its
 * threads' caches of free blocks (arena.c keeps them in shm_thread); close every
 * handle in its table; signal its process object; free the slot.  Reapers
 * run (a) in every process that attaches, for every dead slot; (b) in the
 * deathwatch thread, when the pidfd of a watched process becomes readable:
 * a thread about to block on a mutex owned by another process watches the
 * owner first, so its death wakes the waiters promptly without polling;
 * (c) in a lock waiter that waited too long for a lock whose holder turns
 * out to be dead (object.c, futex.c).
 *
 * Invariants that make every SIGKILL repairable (the crash loop,
 * test/check_shm.c, kills at random moments):
 *   - a slot is reaped by whoever holds its reaper word (a CAS from 0, or
 *     from the tag of a reaper that is itself dead), and each step of
 *     reap_claimed takes what it undoes out of the slot before undoing it,
 *     so a reaping killed half way is resumed by the next reaper and
 *     nothing is dropped or freed twice (at worst the one item in flight
 *     leaks);
 *   - a dead thread's owned mutexes are abandoned by their type's abandon, which
 *     drops the ownership reference itself (never a second unref here);
 *   - an object lock on a shared arena is its lock_tag word, so it always
 *     names its holder (object.c); a slot in REAPING counts as dead for
 *     lock breaking, since its reaper may need the locks its owner held.
 *   - a slot is claimed (FREE -> INIT) by one compare-and-swap that writes
 *     the claimer's pid into the state word, and its generation moves
 *     before anything else is written: a claimer killed while setting it
 *     up leaves INIT by a dead pid, which every reaper (attach, deathwatch
 *     rescan) reclaims like a dead member's slot;
 *   - a full table never stops an attach: without a free slot (so without
 *     a tag to reap with), the attacher takes a dead member's slot over
 *     (slot_take_over: the reaper word with a pid tag, then the slot is
 *     the attacher's at a new generation) and reaps what is left in it
 *     as its owner; a member preparing a child's slot reaps first.
 *   - a handle count is always in a table entry or in the intent record of
 *     the thread moving it (handle.c), which a reaper finishes or undoes
 *     (handle_intent_reap) before it empties the dead table; a reaper
 *     emptying a table keeps the entry in flight in the slot (reap_rec);
 *     every count change names its record in the count word itself, so
 *     whether it was made is never in doubt (object.c, "Handle counts"),
 *     and a reaper settles the dead records before changing any count;
 *   - a claim in progress on an object is recorded in the object (entry,
 *     claimer, state seen) under its lock, so whoever breaks a killed
 *     claimer's lock finishes it, and in the claimer's shm_thread (the
 *     waiter), so its reaper wakes that waiter, which after bounded
 *     patience takes its objects' locks and publishes the result (wait.c).
 *
 * Fork: a child of fork() without exec is a new process with a new slot
 * and an empty handle table (it inherits no Win32 handles; CreateProcess
 * is the Win32 way to make a process).  Objects the parent created stay the
 * parent's.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/fdmark.h"
#include "core/handle.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"

static struct {
    int fd;          /* the session file (our own description) */
    char dir[PATH_MAX];
    char session[PATH_MAX];
    char lock[PATH_MAX];
    struct proc_slot *self;
    uint32_t self_index;
} shm = {.fd = -1};

int shm_lock_fd = -1; /* held from shm_attach to shm_attached */

static void path_join(char *out, const char *dir, const char *name)
{
    size_t n = strnlen(dir, PATH_MAX - 16);
    memcpy(out, dir, n);
    out[n] = '/';
    strcpy(out + n + 1, name);
}

/* The exclusive attach/detach lock: the "lock" file, re-opened until the
 * file we locked is still the one at the path (a last detacher may have
 * unlinked it meanwhile). */
static int lock_session(void)
{
    for (;;) {
        if (mkdir(shm.dir, 0700) && errno != EEXIST)
            return -1;
        struct stat st;
        int r = lstat(shm.dir, &st);
        if (r && errno == ENOENT)
            continue; /* the last member out removed it after our mkdir */
        if (r || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
            return -1; /* not ours, or open to others: refuse to share */
        int fd = open(shm.lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == ENOENT)
            continue; /* the last member of another layout removed the directory */
        if (fd < 0)
            return -1;
        while (flock(fd, LOCK_EX) && errno == EINTR)
            ;
        struct stat a, b;
        if (!fstat(fd, &a) && !stat(shm.lock, &b) && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev)
            return fd;
        close(fd);
    }
}

static void unlock_session(int fd)
{
    flock(fd, LOCK_UN);
    close(fd);
}

/* Opens the session file as a member (shared flock).  *fresh: nobody else
 * was attached, the contents are stale or new.  Called with the lock. */
static int open_member(bool *fresh)
{
    int fd = open(shm.session, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) || st.st_uid != geteuid() || (st.st_mode & 077)) {
        close(fd);
        return -1;
    }
    *fresh = flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (*fresh && (ftruncate(fd, 0) || ftruncate(fd, (off_t)ARENA_MAP_SIZE))) {
        close(fd);
        return -1;
    }
    if (flock(fd, LOCK_SH)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- process identity ---- */

/* Field 22 of /proc/<pid>/stat, the start time in clock ticks; 0 when
 * the process is gone or a zombie (it has let go of everything: for us it
 * is dead, even before its parent collects it). */
static uint64_t start_time_of(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || !p[1] || !p[2] || p[2] == 'Z' || p[2] == 'X' || p[2] == 'x')
        return 0;
    int field = 2;
    for (p++; *p && field < 22; p++)
        if (*p == ' ')
            field++;
    return field == 22 ? strtoull(p, NULL, 10) : 0;
}

static bool slot_owner_alive(const struct proc_slot *s)
{
    pid_t pid = shm_slot_pid(s);
    if (pid <= 0) {
        /* PREPARED and not yet spawned: alive while its creator is (a
         * creator that died before it knew the pid leaves it to us). */
        pid_t parent = __atomic_load_n(&s->parent_pid, __ATOMIC_RELAXED);
        return parent > 0 && !(kill(parent, 0) && errno == ESRCH);
    }
    if (kill(pid, 0) && errno == ESRCH)
        return false;
    uint64_t st = start_time_of(pid);
    return st != 0 && st == __atomic_load_n(&s->start_time, __ATOMIC_RELAXED);
}

/* ---- the table ---- */

/* The table is one arena block: at most the largest class (64 << 11). */
_Static_assert(PROC_SLOTS * sizeof(struct proc_slot) <= ((size_t)64 << (ARENA_CLASSES - 1)),
               "the process table must fit one arena block");

static struct proc_slot *slots(void)
{
    return arena_ptr(arena_hdr()->procs);
}

struct proc_slot *shm_slot(uint32_t index)
{
    return index < PROC_SLOTS ? &slots()[index] : NULL;
}

struct proc_slot *shm_self(void)
{
    return shm.self;
}

uint32_t shm_slot_index(const struct proc_slot *s)
{
    return (uint32_t)(s - slots());
}

/* A slot being set up (SLOT_INIT_BY | pid) whose claimer is gone (or a
 * zombie): nobody will finish it. */
static bool init_claimer_dead(uint32_t st)
{
    return start_time_of((pid_t)(st & ~SLOT_INIT_BY)) == 0;
}

/* Takes a FREE slot; NULL when the table is full.  The claim writes our
 * pid into the state word itself, so a claimer killed anywhere before the
 * slot goes LIVE leaves a slot a reaper can tell is orphaned (INIT by a
 * dead pid) and reclaim; the generation moves first, so a reaper that
 * looked at the slot before it was claimed fails its generation check. */
static struct proc_slot *slot_claim(void)
{
    struct proc_slot *t = slots();
    uint32_t init = SLOT_INIT_BY | (uint32_t)getpid();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        uint32_t expect = SLOT_FREE;
        if (atomic_load_explicit(&t[i].state, memory_order_relaxed) == SLOT_FREE &&
            atomic_compare_exchange_strong_explicit(&t[i].state, &expect, init,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed)) {
            struct proc_slot *s = &t[i];
            atomic_fetch_add_explicit(&s->gen, 1, memory_order_acq_rel);
            ws_fault(FAULT_SLOT_INIT);
            memset((char *)s + offsetof(struct proc_slot, pid), 0,
                   sizeof *s - offsetof(struct proc_slot, pid));
            if (handle_table_init(s)) {
                atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
                return NULL;
            }
            return s;
        }
    }
    return NULL;
}

static void reap_all_dead(void);

DWORD shm_slot_new(uint32_t state, pid_t pid, struct proc_slot **out)
{
    struct proc_slot *s = slot_claim();
    if (!s && shm.self) {
        /* Full: dead members' slots may be waiting for a reaper. */
        reap_all_dead();
        s = slot_claim();
    }
    if (!s)
        return ERROR_NO_SYSTEM_RESOURCES;
    DWORD err;
    struct object *p = ws_hooks.process_object_new(pid, &err);
    if (!p) {
        handle_table_free(s);
        atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
        return err;
    }
    __atomic_store_n(&s->process_obj, arena_off(p), __ATOMIC_RELEASE); /* the slot's reference */
    __atomic_store_n(&s->parent_pid, (int32_t)getpid(), __ATOMIC_RELAXED);
    shm_slot_publish(s, pid, pid > 0 ? start_time_of(pid) : 0);
    atomic_store_explicit(&s->state, state, memory_order_release);
    *out = s;
    return ERROR_SUCCESS;
}

static void reap_claimed(struct proc_slot *s);
static bool reap_claim(struct proc_slot *s, uint32_t gen);

/* CreateProcess: a slot for the child before the child exists, as a new
 * Windows process has a handle table before it runs a line; filled by
 * handle_inherit_into (bInheritHandles) and by DuplicateHandle into the
 * creator's process object (shm_slot_set_creator). */
DWORD shm_slot_prepare(struct proc_slot **out)
{
    if (!ws_arena.shared)
        return ERROR_NOT_SUPPORTED;
    return shm_slot_new(SLOT_PREPARED, 0, out);
}

/* The child of a prepared slot runs as pid: from now on the slot lives
 * and dies with it, whether or not it ever attaches (a program without
 * winshim holds the inherited handles until it ends, as on Windows). */
void shm_slot_spawned(struct proc_slot *s, pid_t pid)
{
    if (atomic_load_explicit(&s->state, memory_order_acquire) != SLOT_PREPARED ||
        shm_slot_pid(s))
        return; /* the child attached first and wrote both itself */
    shm_slot_publish(s, pid, start_time_of(pid));
}

/* The process object CreateProcess returns for the child of prepared
 * slot s: shm_slot_of_process finds the slot by it, until the slot is
 * reaped or the object destroyed. */
void shm_slot_set_creator(struct proc_slot *s, struct object *process)
{
    atomic_store_explicit(&s->creator_obj, arena_off(process), memory_order_release);
}

/* A process object is being destroyed: no slot may name it any more (a
 * later object at the same offset is someone else). */
void shm_slot_forget_creator(struct object *process)
{
    if (!shm.self)
        return;
    aoff_t off = arena_off(process);
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        if (atomic_load_explicit(&t[i].creator_obj, memory_order_relaxed) != off)
            continue;
        wordlock_lock(&t[i].ref_lock);
        aoff_t c = off;
        atomic_compare_exchange_strong_explicit(&t[i].creator_obj, &c, 0,
                                                memory_order_acq_rel,
                                                memory_order_relaxed);
        wordlock_unlock(&t[i].ref_lock);
    }
}

/* The lock orders a reader's reference against the clearing of the
 * field: a reader that saw the offset counts its reference before the
 * reaper's unref (or finds the count already 0 when the object's destroy
 * runs, which clears creator_obj before freeing the block). */
struct object *shm_slot_process_ref(struct proc_slot *s, int which)
{
    wordlock_lock(&s->ref_lock);
    struct object *o = which == SLOT_OWN
        ? shm_slot_process(s)
        : arena_ptr(atomic_load_explicit(&s->creator_obj, memory_order_acquire));
    if (o && !object_ref_live(o))
        o = NULL;
    wordlock_unlock(&s->ref_lock);
    return o;
}

/* The child was never started: close what the slot got. */
void shm_slot_cancel(struct proc_slot *s)
{
    if (atomic_load_explicit(&s->state, memory_order_acquire) == SLOT_PREPARED &&
        reap_claim(s, atomic_load_explicit(&s->gen, memory_order_acquire)))
        reap_claimed(s);
}

/* The environment entry that hands a prepared slot to the child:
 * WINSHIM_SLOT=<index>.<gen>.<layout id>. */
char *shm_slot_env(struct proc_slot *s)
{
    char *e = NULL;
    if (asprintf(&e, "WINSHIM_SLOT=%u.%u.%llx", shm_slot_index(s),
                 atomic_load_explicit(&s->gen, memory_order_relaxed),
                 (unsigned long long)arena_layout_id()) < 0)
        return NULL;
    return e;
}

/* A child that inherited handles attaches before main: its first use of
 * an inherited handle value must find them (the handle lookup itself
 * does not attach). */
__attribute__((constructor)) static void shm_attach_inherited(void)
{
    if (getenv("WINSHIM_SLOT"))
        arena_init();
}

/* A process's first act: a slot of its own.  A child that CreateProcess
 * prepared a slot for (WINSHIM_SLOT=<index>.<gen>.<layout id> in the
 * environment) adopts it, with the handles its parent put there; a child
 * of another layout is in another session and ignores it. */
static struct proc_slot *slot_adopt(void)
{
    const char *env = getenv("WINSHIM_SLOT");
    if (!env)
        return NULL;
    unsigned idx = 0, gen = 0;
    unsigned long long id = 0;
    int ok = sscanf(env, "%u.%u.%llx", &idx, &gen, &id) == 3;
    unsetenv("WINSHIM_SLOT");
    if (!ok || idx >= PROC_SLOTS || id != (unsigned long long)arena_layout_id())
        return NULL;
    struct proc_slot *s = &slots()[idx];
    uint32_t expect = SLOT_PREPARED;
    if (atomic_load_explicit(&s->gen, memory_order_acquire) != gen ||
        (shm_slot_pid(s) != 0 && shm_slot_pid(s) != getpid()) ||
        !atomic_compare_exchange_strong_explicit(&s->state, &expect,
                                                 SLOT_INIT_BY | (uint32_t)getpid(),
                                                 memory_order_acq_rel,
                                                 memory_order_relaxed))
        return NULL;
    return s;
}

static void reap_contents(struct proc_slot *s);
static bool slot_dead(struct proc_slot *s, uint32_t st);

/* The table is full and we have no slot, so no tag to reap with: take a
 * slot whose owner is dead and reap it in place as its new owner.  The
 * reaper word (our tag, by pid) makes us the only taker; then the slot gets
 * our pid at a new generation and goes LIVE, so our tag names a live
 * process and our locks are never broken, and what the dead owner left in
 * it is reaped with that tag.  Killed at any point, the slot is LIVE (or
 * still the dead owner's) with a dead pid, and an ordinary reaper finishes
 * the job: reap_contents can be resumed. */
static struct proc_slot *slot_take_over(void)
{
    pid_t pid = getpid();
    uint32_t me = shm_self_tag(); /* by pid: we have no slot */
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        struct proc_slot *s = &t[i];
        uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
        uint32_t gen = atomic_load_explicit(&s->gen, memory_order_acquire);
        uint32_t r = atomic_load_explicit(&s->reaper, memory_order_acquire);
        if (!slot_dead(s, st) || (r && !shm_tag_dead(r)) ||
            !atomic_compare_exchange_strong_explicit(&s->reaper, &r, me,
                                                     memory_order_acq_rel,
                                                     memory_order_relaxed))
            continue;
        if (atomic_load_explicit(&s->gen, memory_order_acquire) != gen ||
            atomic_load_explicit(&s->state, memory_order_acquire) != st) {
            atomic_compare_exchange_strong_explicit(&s->reaper, &me, 0,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed);
            continue;
        }
        shm_slot_publish(s, pid, start_time_of(pid));
        __atomic_store_n(&s->parent_pid, (int32_t)getppid(), __ATOMIC_RELAXED);
        atomic_store_explicit(&s->inbox_key[0], 0, memory_order_relaxed); /* the dead one's */
        atomic_store_explicit(&s->inbox_key[1], 0, memory_order_relaxed);
        atomic_store_explicit(&s->gen, gen + 1, memory_order_release);
        atomic_store_explicit(&s->state, SLOT_LIVE, memory_order_release);
        atomic_store_explicit(&s->reaper, 0, memory_order_release);
        shm.self = s; /* our tag, for the locks reaping takes */
        shm.self_index = i;
        reap_contents(s);
        DWORD err;
        struct object *p = ws_hooks.process_object_new(pid, &err);
        if (!p || handle_table_init(s)) {
            /* No room left in the arena: the slot goes back, empty. */
            if (p)
                object_unref(p);
            handle_table_free(s);
            shm.self = NULL;
            atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
            return NULL;
        }
        __atomic_store_n(&s->process_obj, arena_off(p), __ATOMIC_RELEASE);
        return s;
    }
    return NULL;
}

/* Our slot; false when the table is full of live members (none dead to
 * take over) or the arena has no room for our process object. */
static bool slot_register_self(void)
{
    pid_t pid = getpid();
    struct proc_slot *s = slot_adopt();
    const char *fds = getenv("WINSHIM_FDS");
    if (s) {
        shm_slot_publish(s, pid, start_time_of(pid));
        ws_hooks.process_object_set_pid(arena_ptr(s->process_obj), pid);
        atomic_store_explicit(&s->state, SLOT_LIVE, memory_order_release);
    }
    bool prepared = s != NULL; /* a child of CreateProcess: it inherited */
    if (!s && shm_slot_new(SLOT_LIVE, pid, &s) && !(s = slot_take_over()))
        return false;
    shm.self = s;
    shm.self_index = shm_slot_index(s);
    handle_table_bind(s);
    holders_inbox_open(); /* others may give us descriptors from now */
    /* Once our tag is known: an inherited descriptor makes this process a
     * holder, recorded under its tag (holders.c). */
    if (prepared) {
        if (fds)
            ws_hooks.adopt_inherited(fds); /* the inherited descriptors */
        const char *std = getenv("WINSHIM_STD");
        if (std) {
            ws_hooks.adopt_std(std); /* standard handles among them */
            unsetenv("WINSHIM_STD");
        }
    }
    if (fds)
        unsetenv("WINSHIM_FDS");
    return true;
}

/* ---- reaping ---- */

static void reap_thread(struct proc_slot *s, struct shm_thread *r)
{
    handle_intent_reap(s, r); /* a handle count it had in flight */
    wait_reap_claiming(r);    /* a waiter it was claiming */
    /* Every count and offset here was written by the dead process and may
     * have been scribbled on by another of the user's: checked first. */
    struct waiter *w = arena_off_plausible(r->waiter) ? arena_ptr(r->waiter) : NULL;
    if (w)
        wait_reap_waiter(w, r);
    if (!arena_off_plausible(r->owned) || r->nowned > r->owned_cap)
        r->nowned = 0;
    for (uint32_t i = r->nowned; i-- > 0;) {
        aoff_t *owned = arena_ptr(r->owned);
        aoff_t off = owned[i];
        r->nowned = i;
        if (object_plausible(off)) {
            struct object *m = arena_ptr(off);
            object_type_of(m)->abandon(m, r->tid, true); /* drops the ownership reference */
        }
    }
    thread_drop_kept(r);
    if (r->ndefer > DEFER_BATCH)
        r->ndefer = DEFER_BATCH;
    for (uint32_t i = r->ndefer; i-- > 0;) {
        aoff_t off = r->defer[i];
        r->ndefer = i;
        if (object_plausible(off))
            object_unref(arena_ptr(off));
    }
    arena_cache_reap(r); /* its free-block caches */
}

/* Undoes everything the dead owner of s held, leaving the slot empty;
 * every step can be resumed by another reaper. */
static void reap_contents(struct proc_slot *s)
{
    /* What a dead process held goes straight back to the shared free
     * lists, not into the reaping thread's caches (a deathwatch thread
     * that hoards them would make everyone else grow the arena). */
    struct shm_thread *cache = arena_thread_unbind();
    ws_tsan_xproc_acquire(); /* everything the dead process touched */
    aoff_t next;
    /* First the handle counts its threads (or a reaper before us) were
     * changing, before we change any: a count word a dead record holds
     * is let go of (object.c, "Handle counts"). */
    for (aoff_t off = s->threads; off; off = next) {
        struct shm_thread *r = arena_ptr(off);
        next = r->next;
        count_rec_settle(&r->intent.cr);
        count_rec_settle(&r->scratch);
    }
    count_rec_settle(&s->reap_rec);
    for (aoff_t off = s->threads; off; off = next) {
        struct shm_thread *r = arena_ptr(off);
        next = r->next;
        reap_thread(s, r);
    }
    /* A thread killed between taking a mutex and writing it down: any
     * mutex in the dead table still owned by one of its threads. */
    for (aoff_t off = s->threads; off; off = next) {
        struct shm_thread *r = arena_ptr(off);
        next = r->next;
        handle_table_abandon_owned(s, r->tid);
    }
    handle_table_reap(s);
    /* Each record leaves the list before it is freed: a resumed reaper
     * frees nothing twice. */
    for (aoff_t off = s->threads; off; off = s->threads) {
        struct shm_thread *r = arena_ptr(off);
        s->threads = r->next;
        if (r->owned)
            arena_free(arena_ptr(r->owned), r->owned_cap * sizeof(aoff_t));
        if (r->waiter)
            arena_free(arena_ptr(r->waiter), sizeof(struct waiter));
        arena_free(r, sizeof *r);
    }
    wordlock_lock(&s->ref_lock);
    atomic_store_explicit(&s->creator_obj, 0, memory_order_release);
    struct object *p = shm_slot_process(s);
    __atomic_store_n(&s->process_obj, 0, __ATOMIC_RELEASE);
    wordlock_unlock(&s->ref_lock);
    if (p) {
        ws_hooks.process_object_exited(p);
        object_unref(p);
    }
    arena_thread_bind(cache);
}

/* The caller has moved the slot to SLOT_REAPING.  The slot goes FREE
 * before the reaper word lets go: REAPING with no reaper reads as a
 * reaping whose reaper died (slot_dead), so in the other order a second
 * reaper, or a process taking a dead slot over, could claim the slot in
 * between and still be at work in it when our FREE landed and a new
 * owner claimed it (its thread records' caches and its table then reaped
 * under it).  The word is let go of only if it is still ours: a claim of
 * the FREE slot zeroes it. */
static void reap_claimed(struct proc_slot *s)
{
    reap_contents(s);
    uint32_t me = shm_self_tag(); /* reap_claim's */
    atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
    atomic_compare_exchange_strong_explicit(&s->reaper, &me, 0, memory_order_acq_rel,
                                            memory_order_relaxed);
}

/* The right to reap s is its reaper word: one compare-and-swap from 0, or
 * from the tag of a reaper that died (a reaper is killed like anyone
 * else; its successor resumes, every step of reap_claimed being written
 * so that it can be repeated).  The state follows. */
static bool reap_claim(struct proc_slot *s, uint32_t gen)
{
    uint32_t me = shm_self_tag();
    uint32_t r = atomic_load_explicit(&s->reaper, memory_order_acquire);
    if (!me || r == me || (r && !shm_tag_dead(r)))
        return false;
    if (!atomic_compare_exchange_strong_explicit(&s->reaper, &r, me,
                                                 memory_order_acq_rel,
                                                 memory_order_relaxed))
        return false;
    uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
    if (atomic_load_explicit(&s->gen, memory_order_acquire) != gen || st == SLOT_FREE ||
        ((st & SLOT_INIT_BY) && !init_claimer_dead(st))) {
        /* Reaped (and maybe reused) meanwhile: not ours to touch. */
        uint32_t mine = me;
        atomic_compare_exchange_strong_explicit(&s->reaper, &mine, 0,
                                                memory_order_acq_rel,
                                                memory_order_relaxed);
        return false;
    }
    atomic_store_explicit(&s->state, SLOT_REAPING, memory_order_release);
    return true;
}

/* Is the owner of s (in state st) gone for good?  A slot being set up
 * counts when its claimer died; one being reaped, when its reaper did. */
static bool slot_dead(struct proc_slot *s, uint32_t st)
{
    if (s == shm.self)
        return false;
    if (st & SLOT_INIT_BY)
        return init_claimer_dead(st);
    if (st == SLOT_REAPING) {
        uint32_t r = atomic_load_explicit(&s->reaper, memory_order_acquire);
        return !r || shm_tag_dead(r);
    }
    return (st == SLOT_LIVE || st == SLOT_PREPARED) && !slot_owner_alive(s);
}

bool shm_reap_if_dead(struct proc_slot *s, uint32_t gen)
{
    uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
    if ((st != SLOT_LIVE && st != SLOT_PREPARED && st != SLOT_REAPING &&
         !(st & SLOT_INIT_BY)) ||
        atomic_load_explicit(&s->gen, memory_order_acquire) != gen || s == shm.self ||
        (st != SLOT_REAPING && !slot_dead(s, st)))
        return false;
    if (!reap_claim(s, gen))
        return false;
    reap_claimed(s);
    return true;
}

/* A process is dead (its pidfd said so).  Windows signals a process
 * object only once the process's handles are closed and the mutexes it
 * owned abandoned, so whoever learns of a death first finishes the
 * reaping of the process's slot before telling anyone: here, or by
 * waiting for the reaper already at work (bounded, in case that one
 * dies and nobody resumes: then this caller does).  The slot is found
 * by the pid, or by `process`, the object the caller is about to signal
 * (CreateProcess's, which a prepared slot names). */
void shm_finish_death(pid_t pid, struct object *process)
{
    if (!shm.self || pid <= 0)
        return;
    aoff_t poff = process ? arena_off(process) : 0;
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        struct proc_slot *s = &t[i];
        uint32_t gen = atomic_load_explicit(&s->gen, memory_order_acquire);
        uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
        bool mine;
        if (st & SLOT_INIT_BY)
            mine = (pid_t)(st & ~SLOT_INIT_BY) == pid;
        else if (st == SLOT_LIVE || st == SLOT_PREPARED || st == SLOT_REAPING)
            mine = shm_slot_pid(s) == pid ||
                   (poff && atomic_load_explicit(&s->creator_obj,
                                                 memory_order_acquire) == poff);
        else
            continue;
        if (!mine || s == shm.self)
            continue;
        for (int waited = 0; waited < 10000; waited++) { /* ~10 s */
            if (shm_reap_if_dead(s, gen))
                break;
            st = atomic_load_explicit(&s->state, memory_order_acquire);
            if (atomic_load_explicit(&s->gen, memory_order_acquire) != gen ||
                st == SLOT_FREE || (st != SLOT_REAPING && !slot_dead(s, st)))
                break; /* reaped, or alive (a recycled pid's new owner) */
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
    }
}

static void reap_all_dead(void)
{
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        uint32_t st = atomic_load_explicit(&t[i].state, memory_order_acquire);
        if (st == SLOT_LIVE || st == SLOT_PREPARED || st == SLOT_REAPING ||
            (st & SLOT_INIT_BY))
            shm_reap_if_dead(&t[i], atomic_load_explicit(&t[i].gen, memory_order_acquire));
    }
}

/* Tags name a slot and its generation in 30 bits (lock words keep two
 * more for themselves).  A process without a slot yet (attaching, a
 * forked child registering, one taking a dead slot over) still takes
 * locks: its tag names it by pid, with an index past the table
 * (TAG_PID_BASE + the pid's low bits, the rest in the generation bits),
 * so that a lock it holds when killed can be broken too. */
#define TAG_INDEX_BITS 11
#define TAG_GEN_MASK 0x7ffffu
#define TAG_PID_BASE (PROC_SLOTS + 1)
#define TAG_PID_LOW 9
_Static_assert(TAG_PID_BASE + (1u << TAG_PID_LOW) <= (1u << TAG_INDEX_BITS),
               "pid tags fit the index bits");

static uint32_t pid_tag(pid_t pid)
{
    uint32_t p = (uint32_t)pid;
    return (((p >> TAG_PID_LOW) & TAG_GEN_MASK) << TAG_INDEX_BITS) |
           (TAG_PID_BASE + (p & ((1u << TAG_PID_LOW) - 1)));
}

static pid_t tag_pid(uint32_t tag)
{
    uint32_t idx = tag & ((1u << TAG_INDEX_BITS) - 1);
    return (pid_t)((((tag >> TAG_INDEX_BITS) & TAG_GEN_MASK) << TAG_PID_LOW) |
                   (idx - TAG_PID_BASE));
}

uint32_t shm_self_tag(void)
{
    struct proc_slot *s = shm.self;
    if (!s)
        return pid_tag(getpid());
    uint32_t gen = atomic_load_explicit(&s->gen, memory_order_relaxed);
    return ((gen & TAG_GEN_MASK) << TAG_INDEX_BITS) | (shm.self_index + 1);
}

static struct proc_slot *tag_slot(uint32_t tag, uint32_t *gen)
{
    uint32_t idx = tag & ((1u << TAG_INDEX_BITS) - 1);
    if (!idx || idx > PROC_SLOTS || !arena_hdr()->procs)
        return NULL;
    *gen = tag >> TAG_INDEX_BITS;
    return &slots()[idx - 1];
}

uint32_t shm_slot_tag(const struct proc_slot *s)
{
    uint32_t gen = atomic_load_explicit(&s->gen, memory_order_acquire);
    return ((gen & TAG_GEN_MASK) << TAG_INDEX_BITS) | (shm_slot_index(s) + 1);
}

void shm_reap_tag(uint32_t tag)
{
    uint32_t gen;
    struct proc_slot *s = tag_slot(tag, &gen);
    if (!s)
        return;
    uint32_t g = atomic_load_explicit(&s->gen, memory_order_acquire);
    if ((g & TAG_GEN_MASK) == gen)
        shm_reap_if_dead(s, g);
}

/* Is the tagged process gone?  For lock waiters that waited long. */
bool shm_tag_dead(uint32_t tag)
{
    uint32_t idx = tag & ((1u << TAG_INDEX_BITS) - 1);
    if (idx >= TAG_PID_BASE) /* a process without a slot */
        return start_time_of(tag_pid(tag)) == 0;
    uint32_t gen;
    struct proc_slot *s = tag_slot(tag, &gen);
    if (!s)
        return false;
    if ((atomic_load_explicit(&s->gen, memory_order_acquire) & TAG_GEN_MASK) != gen)
        return true; /* reaped and reused since: also when by us, a dead
                        owner's slot taken over (its locks are orphans) */
    if (s == shm.self)
        return false;
    uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
    if (st == SLOT_FREE || st == SLOT_REAPING)
        return true; /* a reaped slot's owner is dead: its locks are orphans */
    if (st & SLOT_INIT_BY)
        return init_claimer_dead(st);
    if (st != SLOT_LIVE)
        return false;
    return !slot_owner_alive(s);
}

struct proc_slot *shm_slot_of_pid(pid_t pid)
{
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        uint32_t st = atomic_load_explicit(&t[i].state, memory_order_acquire);
        if ((st == SLOT_LIVE || st == SLOT_PREPARED) && shm_slot_pid(&t[i]) == pid)
            return &t[i];
    }
    return NULL;
}

struct proc_slot *shm_slot_of_process(struct object *process)
{
    if (process == shm_slot_process(shm.self))
        return shm.self;
    aoff_t off = arena_off(process);
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        uint32_t st = atomic_load_explicit(&t[i].state, memory_order_acquire);
        /* SLOT_INIT_BY too: a child adopting its prepared slot passes
         * through it (a free slot names no object, so a slot being set up
         * from free matches nothing). */
        if ((st == SLOT_LIVE || st == SLOT_PREPARED || (st & SLOT_INIT_BY)) &&
            (__atomic_load_n(&t[i].process_obj, __ATOMIC_ACQUIRE) == off ||
             atomic_load_explicit(&t[i].creator_obj, memory_order_acquire) == off))
            return &t[i];
    }
    return NULL;
}

/* ---- the deathwatch thread ---- */

#define WATCH_MAX 256
#define DEATHWATCH_RESCAN_MS 250

/* The epoll set and the pidfds carry fdmark.h's mark: a program that
 * closes every descriptor or dup2()s over one would leave this thread
 * spinning on EBADF, reading the program's own epoll set (its events
 * taken for slots), or deaf to a member's death.  The thread checks the
 * set's mark at each wake, the pidfds' every fourth rescan; anything
 * lost, the set is made again and every member watched anew. */
static struct {
    pthread_mutex_t lock;
    int epfd;
    pid_t epfd_mark;
    pthread_t thread;
    bool started;
    uint32_t n;
    struct {
        uint32_t index, gen;
        int pidfd;
        pid_t mark;
    } w[WATCH_MAX];
} dw = {.lock = PTHREAD_MUTEX_INITIALIZER, .epfd = -1};

static bool watch_slot_locked(uint32_t index);

/* Every live member gets a pidfd in our epoll set: its death is noticed
 * at once and reaped (names and handle counts it held go, its mutexes are
 * abandoned).  New members are picked up at each wake, and at least four
 * times a second: that bounds how long a process that joined and died unseen
 * keeps its names (a quarter of a second).  Waiters on a mutex do not depend on that: they watch
 * its owner explicitly before blocking (mutex.c). */
static void watch_new_members(void)
{
    struct proc_slot *t = slots();
    pthread_mutex_lock(&dw.lock);
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        uint32_t st = atomic_load_explicit(&t[i].state, memory_order_acquire);
        if (st == SLOT_REAPING) {
            /* Its reaper may have been killed: resume (outside the lock,
             * reaping takes object locks). */
            uint32_t gen = atomic_load_explicit(&t[i].gen, memory_order_acquire);
            uint32_t r = atomic_load_explicit(&t[i].reaper, memory_order_acquire);
            if (r && r != shm_self_tag() && shm_tag_dead(r)) {
                pthread_mutex_unlock(&dw.lock);
                shm_reap_if_dead(&t[i], gen);
                pthread_mutex_lock(&dw.lock);
            }
        } else if ((st == SLOT_LIVE || st == SLOT_PREPARED) && &t[i] != shm.self &&
                   shm_slot_pid(&t[i]) > 0) {
            watch_slot_locked(i);
        } else if ((st & SLOT_INIT_BY) && init_claimer_dead(st)) {
            /* Its claimer was killed setting it up: reclaim it. */
            uint32_t gen = atomic_load_explicit(&t[i].gen, memory_order_acquire);
            pthread_mutex_unlock(&dw.lock);
            shm_reap_if_dead(&t[i], gen);
            pthread_mutex_lock(&dw.lock);
        }
    }
    pthread_mutex_unlock(&dw.lock);
}

/* A new epoll set when the program took ours (or a pidfd of it): the
 * watches are dropped (their fds closed only where still marked) and
 * watch_new_members makes them again.  False: no set could be made. */
static bool dw_remake(bool all)
{
    pthread_mutex_lock(&dw.lock);
    bool lost = !fd_marked(dw.epfd, dw.epfd_mark);
    for (uint32_t k = 0; all && !lost && k < dw.n; k++)
        lost = !fd_marked(dw.w[k].pidfd, dw.w[k].mark);
    bool ok = true;
    if (lost) {
        for (uint32_t k = 0; k < dw.n; k++)
            if (fd_marked(dw.w[k].pidfd, dw.w[k].mark))
                close(dw.w[k].pidfd);
        dw.n = 0;
        if (fd_marked(dw.epfd, dw.epfd_mark))
            close(dw.epfd);
        dw.epfd = epoll_create1(EPOLL_CLOEXEC);
        if (dw.epfd >= 0 && !(dw.epfd_mark = fd_mark(dw.epfd))) {
            close(dw.epfd);
            dw.epfd = -1;
        }
        ok = dw.epfd >= 0;
    }
    pthread_mutex_unlock(&dw.lock);
    return ok;
}

static void *deathwatch_main(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (unsigned round = 0;; round++) {
        struct epoll_event ev[16];
        int n = -1;
        if (dw_remake(round % 4 == 0))
            n = epoll_wait(dw.epfd, ev, 16, DEATHWATCH_RESCAN_MS);
        if (n < 0 && errno != EINTR) { /* lost meanwhile, or no set: rescans only */
            struct timespec d = {0, DEATHWATCH_RESCAN_MS * 1000000L};
            nanosleep(&d, NULL);
        }
        for (int i = 0; i < n; i++) {
            uint32_t slot = (uint32_t)(ev[i].data.u64 >> 32);
            uint32_t gen = (uint32_t)ev[i].data.u64;
            if (slot >= PROC_SLOTS)
                continue;
            shm_reap_if_dead(&slots()[slot], gen);
            pthread_mutex_lock(&dw.lock);
            for (uint32_t k = 0; k < dw.n; k++)
                if (dw.w[k].index == slot && dw.w[k].gen == gen) {
                    epoll_ctl(dw.epfd, EPOLL_CTL_DEL, dw.w[k].pidfd, NULL);
                    if (fd_marked(dw.w[k].pidfd, dw.w[k].mark))
                        close(dw.w[k].pidfd);
                    dw.w[k] = dw.w[--dw.n];
                    break;
                }
            pthread_mutex_unlock(&dw.lock);
        }
        watch_new_members();
        ws_hooks.linger_scan(); /* file.c's lingering fds */
    }
    return NULL;
}

static bool deathwatch_start_locked(void)
{
    if (dw.started)
        return true;
    if (dw.epfd < 0 && (dw.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return false;
    if (!dw.epfd_mark && !(dw.epfd_mark = fd_mark(dw.epfd))) {
        close(dw.epfd);
        dw.epfd = -1;
        return false;
    }
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&a, 64 * 1024);
    dw.started = pthread_create(&dw.thread, &a, deathwatch_main, NULL) == 0;
    pthread_attr_destroy(&a);
    return dw.started;
}

/* Starts watching the other members; called when this process first
 * touches something other processes may share (a named object, another
 * process's handle table). */
void shm_deathwatch_start(void)
{
    static _Atomic bool started;
    if (WS_LIKELY(atomic_load_explicit(&started, memory_order_relaxed)) ||
        !ws_arena.shared)
        return;
    pthread_mutex_lock(&dw.lock);
    if (deathwatch_start_locked())
        atomic_store_explicit(&started, true, memory_order_relaxed);
    pthread_mutex_unlock(&dw.lock);
    watch_new_members();
}

/* Adds slot `index` (current generation) to the epoll set; a process that
 * is already gone is reaped on the spot (by the caller, after unlocking:
 * returns false then). */
static bool watch_slot_locked(uint32_t index)
{
    struct proc_slot *s = &slots()[index];
    uint32_t gen = atomic_load_explicit(&s->gen, memory_order_acquire);
    for (uint32_t k = 0; k < dw.n; k++)
        if (dw.w[k].index == index && dw.w[k].gen == gen)
            return true;
    if (dw.n == WATCH_MAX || !deathwatch_start_locked())
        return true;
    pid_t pid = shm_slot_pid(s);
    if (pid <= 0)
        return true;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    pid_t mark = fd_mark(pidfd);
    if (pidfd >= 0 && mark && slot_owner_alive(s)) {
        struct epoll_event ev = {.events = EPOLLIN,
                                 .data.u64 = ((uint64_t)index << 32) | gen};
        if (epoll_ctl(dw.epfd, EPOLL_CTL_ADD, pidfd, &ev) == 0) {
            dw.w[dw.n].index = index;
            dw.w[dw.n].gen = gen;
            dw.w[dw.n].pidfd = pidfd;
            dw.w[dw.n].mark = mark;
            dw.n++;
            return true;
        }
        close(pidfd);
        return true;
    }
    if (pidfd >= 0)
        close(pidfd);
    /* Gone already: reap outside the lock (reaping takes object locks). */
    pthread_mutex_unlock(&dw.lock);
    shm_reap_if_dead(s, gen);
    pthread_mutex_lock(&dw.lock);
    return false;
}

/* Have the deathwatch thread reap the tagged process as soon as it dies. */
bool shm_watch_tag(uint32_t tag)
{
    uint32_t tgen;
    struct proc_slot *s = tag_slot(tag, &tgen);
    if (!s || s == shm.self)
        return s != NULL;
    uint32_t gen = atomic_load_explicit(&s->gen, memory_order_acquire);
    if ((gen & TAG_GEN_MASK) != tgen)
        return true; /* already reaped */
    pthread_mutex_lock(&dw.lock);
    watch_slot_locked(shm_slot_index(s));
    pthread_mutex_unlock(&dw.lock);
    return true;
}

/* ---- fault injection (tests) ---- */

int ws_fault_at;

static const char *const fault_names[FAULT_COUNT] = {
    [FAULT_SLOT_INIT] = "slot_init",
    [FAULT_OPEN_COUNTED] = "open_counted",
    [FAULT_INSERT_INDEX] = "insert_index",
    [FAULT_INSERT_PUBLISHED] = "insert_published",
    [FAULT_CLOSE_REMOVED] = "close_removed",
    [FAULT_DUP_COUNTED] = "dup_counted",
    [FAULT_UP_HELD] = "up_held",
    [FAULT_DOWN_HELD] = "down_held",
    [FAULT_CLAIMING] = "claiming",
    [FAULT_GROW_LOCKED] = "grow_locked",
    [FAULT_GROW_BUILT] = "grow_built",
    [FAULT_GROW_PUBLISHED] = "grow_published",
};

/* WINSHIM_FAULT=<name>: the crash tests' way to kill a process exactly in
 * one of the windows the recovery protocol must close. */
static void fault_read_env(void)
{
    const char *e = getenv("WINSHIM_FAULT");
    ws_fault_at = FAULT_NONE;
    for (int i = 1; e && i < FAULT_COUNT; i++)
        if (fault_names[i] && !strcmp(e, fault_names[i]))
            ws_fault_at = i;
}

_Noreturn void ws_fault_hit(void)
{
    raise(SIGKILL);
    for (;;)
        pause();
}

/* ---- attach, detach, fork ---- */

static void shm_detach(void);
static void shm_atfork_child(void);

/* The fallback to a private arena, said once on stderr: a ported program
 * that counts on sharing named objects with other processes would
 * otherwise just see them missing (ERROR_FILE_NOT_FOUND elsewhere). */
static bool shm_unusable(const char *why)
{
    int e = errno;
    fprintf(stderr,
            "winshim: %s: cannot share objects with other processes (%s: %s); "
            "named objects stay private to this process\n",
            shm.dir, why, strerror(e));
    return false;
}

/* Maps the session; false to fall back to a private arena. */
bool shm_attach(void **base, bool *fresh)
{
    const char *dir = getenv("WINSHIM_SHM_DIR");
    if (dir && !*dir)
        return false;
    if (dir && strlen(dir) >= PATH_MAX - 16)
        return false;
    if (dir)
        snprintf(shm.dir, sizeof shm.dir, "%s", dir);
    else
        snprintf(shm.dir, sizeof shm.dir, "/dev/shm/winshim-%u", (unsigned)geteuid());
    /* Builds with other shared layouts use other files in the same
     * directory and never meet (the layout id, arena.c). */
    char name[64];
    unsigned long long id = (unsigned long long)arena_layout_id();
    snprintf(name, sizeof name, "session-%016llx", id);
    path_join(shm.session, shm.dir, name);
    snprintf(name, sizeof name, "lock-%016llx", id);
    path_join(shm.lock, shm.dir, name);
    int lk = lock_session();
    if (lk < 0)
        return shm_unusable("the directory is not a 0700 directory of this user");
    int fd = open_member(fresh);
    if (fd < 0) {
        unlock_session(lk);
        return shm_unusable("the session file cannot be opened or is not this user's 0600 file");
    }
    void *p = mmap(NULL, ARENA_MAP_SIZE, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (p == MAP_FAILED) {
        close(fd);
        unlock_session(lk);
        return shm_unusable("the session file cannot be mapped");
    }
    shm.fd = fd;
    *base = p;
    /* The caller initialises a fresh arena; we keep the lock until
     * shm_attached, so nobody sees it half made. */
    shm_lock_fd = lk;
    return true;
}

/* Session files of other layouts (other builds) whose last member was
 * killed: nobody would ever remove them.  Every layout follows the same
 * protocol (this file's top comment): a member holds a shared flock on
 * session-<id>; attach and detach run under an exclusive flock on
 * lock-<id>, and whoever takes that lock re-checks that the file it locked
 * is still the one at the path.  So holding lock-<id> exclusively and then
 * getting an exclusive flock on session-<id> means nobody is a member and
 * nobody is attaching or detaching: removing both files is exactly what
 * that layout's last detacher does, and its next attacher, finding the
 * lock file it locked unlinked, makes a new one and starts a fresh
 * session.  The other layout's lock is only tried (LOCK_NB): two attachers
 * of different layouts sweeping each other's files never wait for each
 * other while holding their own.  The files' contents (any layout) are
 * never read or written.  A lock file left without its session (a
 * detacher killed between the two unlinks) goes the same way. */
static void sweep_stale_sessions(void)
{
    DIR *d = opendir(shm.dir);
    if (!d)
        return;
    const char *mine = strrchr(shm.session, '/') + 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name, *id;
        if (!strncmp(n, "session-", 8) && strlen(n) == 8 + 16)
            id = n + 8;
        else if (!strncmp(n, "lock-", 5) && strlen(n) == 5 + 16)
            id = n + 5;
        else
            continue;
        if (!strcmp(id, mine + 8))
            continue; /* ours */
        char sp[PATH_MAX], lp[PATH_MAX], name[64];
        snprintf(name, sizeof name, "session-%s", id);
        path_join(sp, shm.dir, name);
        snprintf(name, sizeof name, "lock-%s", id);
        path_join(lp, shm.dir, name);
        /* A lock file made here (the session had none) goes again if the
         * session turns out busy: its layout's attachers re-check the
         * file they locked, so they never depend on ours. */
        bool created = false;
        int lk = open(lp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (lk < 0 && errno == ENOENT) {
            lk = open(lp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
            created = lk >= 0;
        }
        if (lk < 0)
            continue;
        struct stat a, b;
        if (flock(lk, LOCK_EX | LOCK_NB) || fstat(lk, &a) || stat(lp, &b) ||
            a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            close(lk); /* busy, or removed meanwhile */
            continue;
        }
        int fd = open(sp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0 && errno == ENOENT) {
            unlink(lp); /* a lock without its session */
        } else if (fd >= 0) {
            struct stat st;
            if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                !flock(fd, LOCK_EX | LOCK_NB)) {
                unlink(sp);
                unlink(lp);
            } else if (created) {
                unlink(lp);
            }
            close(fd);
        }
        close(lk);
    }
    closedir(d);
}

int shm_file_fd(void)
{
    return shm.fd;
}

void shm_give_up(const char *why)
{
    errno = ENOSPC;
    shm_unusable(why);
    if (shm.fd >= 0)
        close(shm.fd); /* our shared flock goes with it */
    shm.fd = -1;
    if (shm_lock_fd >= 0)
        unlock_session(shm_lock_fd);
    shm_lock_fd = -1;
}

/* The session cannot take us (a full /dev/shm, a process table full of
 * live members): said, and let go of; a private arena never fails so. */
static bool join_failed(const char *why)
{
    if (!ws_arena.shared)
        ws_panic(why, ENOMEM);
    shm_give_up(why);
    return false;
}

/* The arena is usable: join the process table. */
bool shm_attached(void)
{
    struct arena_header *h = arena_hdr();
    if (!h->procs) {
        void *t = arena_alloc(PROC_SLOTS * sizeof(struct proc_slot));
        if (!t)
            return join_failed("no room for the process table");
        h->procs = arena_off(t);
    }
    fault_read_env();
    /* Registered first: reaping needs our tag (reap_claim). */
    if (!slot_register_self())
        return join_failed("the process table is full");
    if (shm_lock_fd >= 0) {
        reap_all_dead();
        sweep_stale_sessions();
    }
    if (shm_lock_fd >= 0) {
        unlock_session(shm_lock_fd);
        shm_lock_fd = -1;
        atexit(shm_detach);
        pthread_atfork(NULL, NULL, shm_atfork_child);
    }
    return true;
}

/* Does every other member's slot say it is leaving (or its owner is
 * gone, or being reaped)?  A slot prepared for a child that has not attached yet counts
 * as staying: the child will need the session. */
static bool others_all_leaving(void)
{
    struct proc_slot *t = slots();
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        struct proc_slot *s = &t[i];
        uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
        /* A slot being reaped has a dead owner (its reaper is a member
         * with a slot of its own). */
        if (s == shm.self || st == SLOT_FREE || st == SLOT_REAPING)
            continue;
        if (st == SLOT_LIVE && atomic_load_explicit(&s->leaving, memory_order_acquire))
            continue;
        if (!slot_dead(s, st))
            return false;
    }
    return true;
}

/* Called with the attach/detach lock, our shared flock dropped: are we
 * the last member?  Yes when the session flock can be taken exclusively.
 * A member that detached just before us still holds its shared flock
 * until its process has ended; when every other member is such a leaver
 * (or dead), we are the last one out once their flocks go, so we wait for
 * that, a bounded while (a leaver is in its last atexit handlers), instead
 * of both deciding that somebody else is last (test_simultaneous_exits). */
static bool last_member_out(void)
{
    for (int i = 0; i < 400; i++) { /* 2 s */
        if (flock(shm.fd, LOCK_EX | LOCK_NB) == 0)
            return true;
        if (!others_all_leaving())
            return false;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* Normal exit: close our handles (as Windows does at process exit; the
 * last member too, so that what lives outside the arena, such as a
 * granted object's file, goes with them), then leave; the last one out
 * removes the files.  Our threads' records stay for whoever reaps the
 * slot once the process is really gone. */
static void shm_detach(void)
{
    if (shm.fd < 0 || !shm.self)
        return;
    ws_hooks.process_exit();
    handle_close_all();
    int lk = lock_session();
    if (lk < 0)
        return;
    atomic_store_explicit(&shm.self->leaving, 1, memory_order_release);
    flock(shm.fd, LOCK_UN);
    if (last_member_out()) {
        unlink(shm.session);
        unlink(shm.lock);
        rmdir(shm.dir);
        unlock_session(lk);
        return;
    }
    flock(shm.fd, LOCK_SH);
    unlock_session(lk);
}

/* The child of a fork: its own membership, slot and empty handle table. */
static void shm_atfork_child(void)
{
    pthread_mutex_init(&dw.lock, NULL);
    if (fd_marked(dw.epfd, dw.epfd_mark)) /* not if the program took the number */
        close(dw.epfd);
    for (uint32_t k = 0; k < dw.n; k++)
        if (fd_marked(dw.w[k].pidfd, dw.w[k].mark))
            close(dw.w[k].pidfd);
    dw.epfd = -1;
    dw.epfd_mark = 0;
    dw.n = 0;
    dw.started = false;

    int fd = open(shm.session, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (shm.fd >= 0)
        close(shm.fd);
    shm.fd = -1;
    if (fd < 0 || flock(fd, LOCK_SH)) {
        if (fd >= 0)
            close(fd);
    } else {
        shm.fd = fd;
    }
    arena_atfork_child();
    handle_atfork_child();
    ws_hooks.thread_atfork_reset();
    shm.self = NULL; /* the parent's: never reap or lock with its tag */
    fault_read_env();
    if (!slot_register_self()) {
        /* The table is full: this child goes on alone, privately. */
        join_failed("the process table is full");
        arena_go_private();
        shm_attached();
    }
    ws_hooks.process_atfork_reset();
}

/* The current process's object is its slot's (GetCurrentProcess). */
struct object *process_self_object(void)
{
    arena_init();
    return shm_slot_process(shm_self());
}
