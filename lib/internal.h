/*
 * winshim private declarations: never installed, never included by users.
 *
 * The pieces and how they fit (docs/ARCHITECTURE.md tells the long story):
 *
 *   arena      Memory that holds every kernel object, every object name and
 *              every thread's wait record.  Everything inside the arena
 *              refers to everything else by 32-bit byte offsets (aoff_t), never
 *              by pointers, so that the same arena can be mapped shared by
 *              several processes at different addresses.  Today the arena is
 *              private to the process; cross-process objects (a later step)
 *              map it from /dev/shm without changing any object code.
 *
 *   object     The header every kernel object starts with: the type id, one
 *              64-bit state word (lock bits + type payload), the pointer and
 *              handle counts, and the two wait queues.
 *
 *   handle     The per-process handle table: a two-level array of 16-byte
 *              entries that never moves, read without locks under RCU.
 *
 *   wait       The wait core, after Linux's ntsync: a waiter is queued on
 *              every object it waits for and is *claimed* by exactly one
 *              compare-and-swap of its status word by whoever satisfies it,
 *              who also consumes the object state on the waiter's behalf.
 *
 * Errors: internal functions return a Win32 error code (0 = success).  Only
 * the exported functions call SetLastError, through ws_fail()/ws_bool().
 */
#ifndef WINSHIM_INTERNAL_H
#define WINSHIM_INTERNAL_H

#define _LGPL_SOURCE 1 /* MIT is LGPL-compatible: inline rcu_read_lock */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <urcu-bp.h>

#include "windows.h"

#define WS_EXPORT __attribute__((visibility("default")))
#define WS_LIKELY(x) __builtin_expect(!!(x), 1)
#define WS_UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

/* RCU read-side sections and grace periods.  ThreadSanitizer cannot see
 * liburcu's ordering, so its builds get explicit happens-before edges from
 * every read-side unlock to the end of every grace period. */
#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char ws_tsan_rcu_token;
#define ws_rcu_lock() rcu_read_lock()
#define ws_rcu_unlock() (__tsan_release(&ws_tsan_rcu_token), rcu_read_unlock())
#define ws_rcu_synchronize() (synchronize_rcu(), __tsan_acquire(&ws_tsan_rcu_token))
/* Nor can it see ordering that passes through another process (this
 * thread publishes an object, another process takes it over and dies, our
 * reaper thread cleans up after it).  Points where this process hands
 * arena data to others release a token, points where it takes over what
 * others may have touched acquire it: a conservative stand-in for the
 * cross-process edges. */
extern char ws_tsan_xproc_token;
#define ws_tsan_xproc_release() __tsan_release(&ws_tsan_xproc_token)
#define ws_tsan_xproc_acquire() __tsan_acquire(&ws_tsan_xproc_token)
#else
#define ws_tsan_xproc_release() ((void)0)
#define ws_tsan_xproc_acquire() ((void)0)
#define ws_rcu_lock() rcu_read_lock()
#define ws_rcu_unlock() rcu_read_unlock()
#define ws_rcu_synchronize() synchronize_rcu()
#endif

/* Abort on a failure that cannot happen (a futex or pthread call that only
 * fails on a programming error). */
_Noreturn void ws_panic(const char *what, int err);

/* ------------------------------------------------------------------ */
/* errors (error.c)                                                    */

/* Sets the last error and returns FALSE / NULL for the edge of the API. */
BOOL ws_bool(DWORD err);
HANDLE ws_null(DWORD err);
/* h on success (last error untouched); INVALID_HANDLE_VALUE with the error
 * otherwise: the failure value of CreateFile and its kin. */
HANDLE ws_handle(DWORD err, HANDLE h);
void ws_set_last_error(DWORD err);
DWORD ws_errno_to_win32(int err);

/* ------------------------------------------------------------------ */
/* clocks (time.c)                                                     */

int64_t time_mono_ns(void);     /* CLOCK_MONOTONIC */
int64_t time_utc_100ns(void);   /* CLOCK_REALTIME as a FILETIME value */

/* ------------------------------------------------------------------ */
/* futexes (futex.c)                                                   */

/* deadline: absolute CLOCK_MONOTONIC, NULL = forever.  Returns 0 when
 * woken (or spuriously), ETIMEDOUT, EAGAIN (value differed) or EINTR. */
int futex_wait(_Atomic uint32_t *addr, uint32_t expected,
               const struct timespec *deadline, bool shared);
/* Returns how many threads it woke. */
int futex_wake(_Atomic uint32_t *addr, int count, bool shared);
/* The same with a bit mask: a wake reaches only the waiters whose mask
 * shares a bit with its own, so two kinds of waiter can share a word. */
int futex_wait_bits(_Atomic uint32_t *addr, uint32_t expected,
                    const struct timespec *deadline, bool shared, uint32_t bits);
int futex_wake_bits(_Atomic uint32_t *addr, int count, bool shared, uint32_t bits);

/* Monotonic deadline helpers for millisecond timeouts (INFINITE = none). */
void deadline_from_ms(struct timespec *ts, DWORD ms);
bool deadline_passed(const struct timespec *ts);

/* ------------------------------------------------------------------ */
/* arena (arena.c)                                                     */

typedef uint32_t aoff_t; /* byte offset into the arena; 0 means none */

struct arena {
    char *base;       /* where this process mapped it */
    size_t size;      /* bytes blocks may use (all a 32-bit offset reaches) */
    bool shared;      /* mapped from the session file (shm.c) */
};

/* The mapping covers every 32-bit offset plus the largest block, so no
 * offset read from shared memory can point outside it: the bounds check
 * is the mapping itself. */
#define ARENA_RESERVE ((size_t)4 << 30)
#define ARENA_MAP_SIZE (ARENA_RESERVE + ((size_t)1 << 20))

extern struct arena ws_arena;

void arena_init(void);
void *arena_alloc(size_t size); /* zeroed, 64-byte aligned; NULL when full */
void arena_free(void *p, size_t size);
void arena_thread_exit(void); /* gives the thread's cached blocks back */
struct shm_thread;
/* The thread's free-block caches live in its shared record, where a
 * reaper finds them (arena_cache_reap) if the process is killed. */
void arena_thread_bind(struct shm_thread *r);
struct shm_thread *arena_thread_unbind(void); /* until bound again */
void arena_cache_reap(struct shm_thread *r);
void arena_atfork_child(void); /* forgets the forking thread's caches */

static inline void *arena_ptr(aoff_t off)
{
    return off ? ws_arena.base + off : NULL;
}

static inline aoff_t arena_off(const void *p)
{
    return p ? (aoff_t)((const char *)p - ws_arena.base) : 0;
}

/* A sleeping lock in one 32-bit word that may live in the arena.  Used for
 * the few arena-wide locks (wait-all, namespace, free lists, handle
 * tables); objects use the lock bits of their state word instead
 * (obj_lock).  The word names its holder's process (shm_self_tag), so a
 * waiter that waited long can tell that the holder died and break the
 * lock (futex.c): 0 free, else tag << 2 | WL_LOCKED | WL_SLEEPERS. */
struct wordlock {
    _Atomic uint32_t word;
};
#define WL_LOCKED 1u
#define WL_SLEEPERS 2u
void wordlock_lock(struct wordlock *l);
void wordlock_unlock(struct wordlock *l);

#define ARENA_CLASSES 12 /* blocks of 64 << class bytes, up to 128 KiB */

/* The arena's first bytes: arena-wide state. */
struct arena_header {
    uint32_t magic;
    uint32_t version;
    _Atomic uint64_t top;          /* bump allocator, bytes used */
    _Atomic uint64_t committed;    /* bytes backed by fallocate (shared) */
    struct wordlock grow_lock;     /* serialises fallocate */
    aoff_t procs;                  /* struct proc_slot[PROC_SLOTS] */
    struct wordlock wait_all_lock; /* see wait.c */
    struct wordlock ns_lock;       /* see namespace.c */
    aoff_t ns_buckets;             /* aoff_t[NS_BUCKETS] */
    uint32_t pad;
    uint64_t layout_id;            /* arena_layout_id() of its builds */
    struct {
        struct wordlock lock;
        aoff_t head; /* free blocks of this size class, linked by offset */
    } free_lists[ARENA_CLASSES];
};

static inline struct arena_header *arena_hdr(void)
{
    return (struct arena_header *)ws_arena.base;
}

/* ------------------------------------------------------------------ */
/* objects (object.c)                                                  */

/*
 * The state word.  Low half (a futex word for the object lock):
 *   ST_LOCKED     the object lock is held (obj_lock)
 *   ST_SLEEPERS   somebody sleeps on the lock; set only while ST_LOCKED
 *   ST_QUEUED     a waiter is queued on the object (or a wait-all waiter
 *                 counts on it): every state change must go through the
 *                 lock so that it can wake waiters
 *   bits 0..28    type flags that never change (event: manual reset)
 *                 or that change only under the lock (mutex: abandoned)
 * High half: the type's value (event: signalled; semaphore: count; mutex:
 * owner thread id).
 *
 * Lock-free fast paths (set a signalled event, acquire a free semaphore...)
 * are a single compare-and-swap that requires ST_LOCKED and ST_QUEUED to be
 * clear, so they never race with a queued waiter or with a multi-object
 * operation that holds the lock.
 */
#define ST_LOCKED 0x80000000u
#define ST_SLEEPERS 0x40000000u
#define ST_QUEUED 0x20000000u
#define ST_FLAGS_MASK 0x1fffffffu
#define ST_SLOW ((uint64_t)(ST_LOCKED | ST_QUEUED))

static inline uint32_t st_value(uint64_t s) { return (uint32_t)(s >> 32); }
static inline uint32_t st_flags(uint64_t s) { return (uint32_t)s & ST_FLAGS_MASK; }
static inline uint64_t st_with_value(uint64_t s, uint32_t v)
{
    return (s & 0xffffffffu) | ((uint64_t)v << 32);
}

struct object;
struct proc_slot;

struct object_type {
    const char *name;
    uint16_t id;              /* index in object_types[]: the arena's tag */
    uint32_t size;            /* bytes of the whole object */
    GENERIC_MAPPING mapping;  /* GENERIC_* to specific rights */
    ACCESS_MASK valid_access; /* every right the type defines */
    ACCESS_MASK implies_from; /* granting this right also grants... */
    ACCESS_MASK implies_to;   /* ...this one (QUERY -> QUERY_LIMITED) */

    /* Waitable kinds only (NULL otherwise).  Both are pure functions of the
     * state word so that fast paths can use them in a compare-and-swap
     * loop; tid is the waiting thread (mutex ownership). */
    bool (*signaled)(const struct object *obj, uint64_t state, uint32_t tid);
    /* The state after tid's wait is satisfied; sets *abandoned. */
    uint64_t (*acquire)(const struct object *obj, uint64_t state, uint32_t tid,
                        bool *abandoned);

    /* Wait-any waiters are queued at the head and so served last come,
     * first served (completion ports, as Windows serves them). */
    bool lifo_waiters;

    /* Called by the thread that waited, after a wait gave it the object
     * (mutex: record ownership); NULL for most kinds. */
    void (*acquired)(struct object *obj, uint32_t tid);
    /* Called before a thread blocks on the object (mutex: watch the
     * owner's process, so that its death wakes us); NULL for most. */
    void (*blocking)(struct object *obj);

    /* The last handle (in any process) was closed. */
    void (*last_close)(struct object *obj);
    /* One of this process's handles was closed (after its count was
     * dropped): kinds with process-private fds let go of theirs at this
     * process's last handle.  NULL: nothing to do. */
    void (*handle_closed)(struct object *obj);
    /* CreateProcess with bInheritHandles (spawn.c): the descriptor of obj
     * that the child keeps under the same number, or -1 (none to pass).
     * NULL: the kind passes none. */
    int (*inherit_fd)(struct object *obj);
    /* In that child, while it attaches (before any handle can be used):
     * obj's descriptor arrived under number fd (WINSHIM_FDS), now this
     * process's to keep as the kind does with a fetched one. */
    void (*adopt_fd)(struct object *obj, int fd);
    /* DuplicateHandle put a handle to obj into another process `to` (the
     * giver then sends its descriptor to `to`'s inbox: holders_give), or
     * into this one from another (this process takes its descriptor now,
     * while the source surely has one).  NULL: nothing to pass. */
    void (*duplicated)(struct object *obj, struct proc_slot *to);
    /* The last pointer reference went: free private resources. */
    void (*destroy)(struct object *obj);

    /* The kind's own struct as LAYOUT_FIELD entries (TYPE_LAYOUT), folded
     * into the session's layout id (arena.c); NULL for kinds that are a
     * bare struct object. */
    const uint32_t *layout;
    uint32_t layout_len;
};

/* Layout ids (arena.c).  Builds whose shared structures are laid out
 * differently must never map the same session: the id, a hash of
 * ARENA_VERSION and of the size and offset of every field of every struct
 * that lives in the arena, is part of the session file's name and is
 * checked in its header.  Every struct kept in the arena lists its fields
 * here or in its type's .layout (a new field missing from the list still
 * changes the struct's size or a later offset in nearly every case, and
 * ARENA_VERSION covers changes of meaning). */
#define LAYOUT_FIELD(T, f) (uint32_t)offsetof(T, f), (uint32_t)sizeof(((T *)0)->f)
#define LAYOUT_SIZE(T) 0xffffffffu, (uint32_t)sizeof(T)
#define TYPE_LAYOUT(arr) .layout = (arr), .layout_len = (uint32_t)(sizeof(arr) / sizeof *(arr))
uint64_t layout_mix(uint64_t h, const uint32_t *v, size_t n);
uint64_t arena_layout_id(void);
/* The arena structs private to a module, mixed into h. */
uint64_t namespace_layout_mix(uint64_t h);
uint64_t handle_layout_mix(uint64_t h);
uint64_t filelock_layout_mix(uint64_t h);
uint64_t iocp_layout_mix(uint64_t h);
uint64_t file_kinds_layout_mix(uint64_t h); /* file_ops.layout of every kind */

enum object_type_id {
    TYPE_NONE,
    TYPE_EVENT,
    TYPE_THREAD,
    TYPE_PROCESS,
    TYPE_MUTEX,
    TYPE_SEMAPHORE,
    TYPE_TIMER,
    /* Reserved for the I/O kinds (files issue) and jobs, so that branches
     * working on them in parallel do not collide: */
    TYPE_FILE = 7,       /* files, pipes, mailslots, console, comm devices */
    TYPE_FIND = 8,       /* FindFirstFile */
    TYPE_MAPPING = 9,    /* CreateFileMapping */
    TYPE_IOCP = 10,      /* CreateIoCompletionPort */
    TYPE_CHANGE = 11,    /* FindFirstChangeNotification */
    TYPE_SOCKET = 12,    /* winsock */
    TYPE_JOB = 13,
    TYPE_TOKEN = 14,
    TYPE_COUNT = 32
};

extern const struct object_type *const object_types[TYPE_COUNT];
extern const struct object_type event_type, thread_type, process_type,
    mutex_type, semaphore_type, timer_type, socket_type;
/* file_type is declared with the file object below. */

struct object {
    _Atomic uint64_t state;   /* see ST_* above */
    uint16_t type_id;         /* enum object_type_id */
    uint16_t obj_flags;       /* OBJ_* */
    _Atomic uint32_t refs;    /* pointer references (each handle holds one) */
    _Atomic uint32_t handles; /* open handles, all processes */
    _Atomic uint32_t lock_tag;/* shm_self_tag() of the lock holder, 0 */
    aoff_t any_head, any_tail;/* wait-any entries (struct wait_entry) */
    aoff_t all_head, all_tail;/* wait-all entries */
    aoff_t name;              /* struct name_rec, 0 when unnamed */
    _Atomic uint32_t aux;     /* the type's (mutex: owner's process tag) */
    /* The claim in progress on this object (wait.c), under its lock: the
     * claimed wait_entry, the claimer's status value (0: none) and the
     * state it consumes, so whoever breaks a killed claimer's lock can
     * finish the claim. */
    aoff_t claim_entry;
    _Atomic uint32_t claim_by;
    uint64_t claim_prev;
};

#define OBJ_NAMED 0x0001
#define OBJ_GRANTED 0x0002 /* a proxy of a granted object (cell.c) */

static inline const struct object_type *object_type_of(const struct object *o)
{
    return object_types[o->type_id];
}

/* A new object with one reference and no handle; NULL + *err when the
 * arena is full.  flags/value seed the state word. */
struct object *object_new(const struct object_type *type, uint32_t flags,
                          uint32_t value, DWORD *err);
void object_ref(struct object *o);
/* A reference only if the object still has one (another process's handle
 * read without that process's RCU protection); false if it is dying. */
bool object_ref_live(struct object *o);
void object_unref(struct object *o);
/* Drops a reference after every current RCU reader is done (close path). */
void object_unref_deferred(struct object *o);
/* Handle count bookkeeping; object_handle_close may remove the name. */
void object_handle_open(struct object *o);
void object_handle_close(struct object *o);
/* object_handle_close for a count a record (an intent, a reaper's) stands
 * for: the record is cleared just before the decrement (object.c). */
void object_handle_close_rec(struct object *o, _Atomic aoff_t *rec);

/* Maps GENERIC_* rights; returns the specific mask. */
ACCESS_MASK object_map_access(const struct object_type *type, ACCESS_MASK a);

/* The object lock (bits of the state word). */
void obj_lock(struct object *o);
void obj_unlock(struct object *o);

static inline uint64_t obj_state(const struct object *o)
{
    return atomic_load_explicit(&((struct object *)o)->state,
                                memory_order_acquire);
}

/* Under the lock: replaces value, flags and ST_QUEUED, keeping the lock
 * bits (a lock waiter may set ST_SLEEPERS at any time). */
static inline void obj_store_locked(struct object *o, uint64_t s)
{
    uint64_t cur = atomic_load_explicit(&o->state, memory_order_relaxed);
    const uint64_t lockbits = ST_LOCKED | ST_SLEEPERS;
    while (!atomic_compare_exchange_weak_explicit(
        &o->state, &cur, (s & ~lockbits) | (cur & lockbits),
        memory_order_release, memory_order_relaxed))
        ;
}

/* ------------------------------------------------------------------ */
/* handles (handle.c)                                                  */

#define HANDLE_MAX (1u << 24)

/* Pseudo-handles. */
#define PSEUDO_CURRENT_PROCESS ((HANDLE)(LONG_PTR)-1)
#define PSEUDO_CURRENT_THREAD ((HANDLE)(LONG_PTR)-2)

/* The one gate, handle_get() in handle_lookup.h: resolves h (pseudo-handles
 * included) to an object of `type` (NULL = any type; &waitable_any = any
 * waitable type) with every right in `need`.  Must be called inside
 * ws_rcu_lock(); the object stays valid until ws_rcu_unlock() unless the
 * caller takes a reference. */
extern const struct object_type waitable_any;

/* Inserts an object into the table, taking over one reference and one
 * handle count that the caller already holds. */
DWORD handle_insert(struct object *o, ACCESS_MASK access, DWORD flags,
                    HANDLE *out);
void handle_thread_exit(void); /* gives the thread's cached indices back */
/* Takes a handle count on o (the caller holds a reference for it) for a
 * handle the calling thread is about to make, recording it in the
 * thread's intent record next to the increment (handle.c). */
void handle_intent_open(struct object *o);
/* A reaper finishes or undoes a dead thread's count in flight. */
struct proc_slot;
struct shm_thread;
void handle_intent_reap(struct proc_slot *dead, struct shm_thread *r);
/* handle_insert for an object the caller holds a handle count and a
 * reference on; both are dropped again when no handle can be made. */
DWORD handle_insert_or_drop(struct object *o, ACCESS_MASK access, BOOL inherit,
                            HANDLE *h);

struct proc_slot;
/* Tables in the process table (shm.c): made empty, bound as this
 * process's own, emptied by a reaper, freed. */
DWORD handle_table_init(struct proc_slot *s);
void handle_table_bind(struct proc_slot *s);
void handle_table_reap(struct proc_slot *s);
/* Abandons the mutexes in s's table that tid owns unrecorded. */
void handle_table_abandon_owned(struct proc_slot *s, uint32_t tid);
void handle_table_free(struct proc_slot *s);
void handle_close_all(void);     /* this process's, at exit */
void handle_atfork_child(void);
/* Another process's table: insert (the value is valid there at once),
 * read with a reference, remove. */
DWORD handle_insert_into(struct proc_slot *s, struct object *o,
                         ACCESS_MASK access, DWORD flags, HANDLE *out);
DWORD handle_get_from(struct proc_slot *s, HANDLE h, struct object **out,
                      ACCESS_MASK *access, uint32_t *flags);
DWORD handle_remove_from(struct proc_slot *s, HANDLE h);
/* Copies every inheritable handle into s under the same value, with the
 * same access; each(o, ctx) is called for every object copied (may be
 * NULL).  With `only` (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), just the
 * inheritable handles among only[0..n_only). */
DWORD handle_inherit_into(struct proc_slot *s, const HANDLE *only, size_t n_only,
                          void (*each)(struct object *o, void *ctx), void *ctx);
uint32_t handle_count_of(struct proc_slot *s);

/* Attribute lists (attrlist.c): the handle list of l (*present false
 * without one); ERROR_NOT_SUPPORTED when l holds any other attribute. */
struct _PROC_THREAD_ATTRIBUTE_LIST;
DWORD attrlist_handles(const struct _PROC_THREAD_ATTRIBUTE_LIST *l, const HANDLE **list,
                       size_t *n, bool *present);

/* ------------------------------------------------------------------ */
/* the session segment and the process table (shm.c)                   */

#define PROC_SLOTS 1024
enum slot_state {
    SLOT_FREE,
    SLOT_LIVE = 2,  /* a process owns it */
    SLOT_PREPARED,  /* made by CreateProcess for a child not attached yet */
    SLOT_REAPING,   /* a reaper is undoing what its dead owner held */
};
/* Being set up: SLOT_INIT_BY | the claimer's pid, written by the one
 * compare-and-swap that claims the slot, so a claimer killed half way is
 * known and its slot reclaimed (shm.c). */
#define SLOT_INIT_BY 0x40000000u

struct proc_slot {
    _Atomic uint32_t state;
    _Atomic uint32_t gen;       /* bumped on every reuse */
    int32_t pid;                /* everything from here is zeroed on reuse */
    int32_t parent_pid;
    uint64_t start_time;        /* /proc/<pid>/stat: tells pid reuse */
    aoff_t process_obj;         /* its process object (one reference) */
    aoff_t ht_l1;               /* handle table: aoff_t[HT_L1] chunks */
    struct wordlock ht_lock;    /* the table's free list */
    uint32_t ht_top, free_head, free_tail, free_count;
    struct wordlock threads_lock;
    aoff_t threads;             /* struct shm_thread list */
    aoff_t remote_defer;        /* struct remote_unref list, under ht_lock */
    _Atomic uint32_t reaper;    /* tag of whoever reaps it, 0 (shm.c) */
    /* The secret part of its inbox's name (holders.c), written by the
     * owner before it binds the inbox; 0: none.  Only this user's
     * processes can read the arena, so nobody else can take the name. */
    _Atomic uint32_t inbox_key[2];
    /* The entry a reaper is emptying (handle_table_reap): its object, index
     * + 1 and word, so a reaper killed between emptying it and dropping
     * the count is finished by the next one. */
    _Atomic aoff_t reap_obj;
    uint32_t reap_index;
    uint64_t reap_word;
    uint32_t pad[8];            /* 128 bytes: PROC_SLOTS of them fill the largest block */
};

#define DEFER_BATCH 256

/* A handle count (with its reference) in flight between an object and a
 * handle table, written by the thread that moves it so that a reaper can
 * finish or undo the move if the process is killed half way (handle.c). */
enum { INTENT_INSERT = 1, INTENT_REMOVE };
struct handle_intent {
    _Atomic aoff_t obj;         /* the object; 0: nothing in flight */
    uint32_t op;                /* INTENT_INSERT or INTENT_REMOVE */
    uint32_t slot;              /* the table's slot index + 1; 0: our own */
    uint32_t slot_gen;          /* ...and its generation */
    _Atomic uint32_t index;     /* entry index + 1, once known (after word) */
    _Atomic uint32_t counted;   /* INSERT: the count is taken (0 just before) */
    uint64_t word;              /* INSERT: the entry before publication;
                                   REMOVE: the entry being removed */
};

/* What a reaper needs to know of a thread: in the arena. */
struct shm_thread {
    struct handle_intent intent;
    _Atomic aoff_t claiming;    /* the waiter it last claimed (wait.c), 0 */
    aoff_t next;                /* in the slot's list, under threads_lock */
    uint32_t tid;
    aoff_t waiter;              /* struct waiter */
    _Atomic uint32_t wait_refs; /* the waiter holds references on its objs */
    aoff_t owned;               /* aoff_t[owned_cap]: mutexes owned */
    uint32_t nowned, owned_cap;
    uint32_t ndefer;
    aoff_t defer[DEFER_BATCH];  /* references to drop after a grace period */
    aoff_t cache[ARENA_CLASSES]; /* free blocks cached per size class */
    uint32_t ncache[ARENA_CLASSES];
};

/* Test-only fault injection: WINSHIM_FAULT=<point name>, read once when
 * the process joins the session (and again in a forked child), kills the
 * process with SIGKILL at that point.  One predictable branch when off. */
enum ws_fault_point {
    FAULT_NONE,
    FAULT_SLOT_INIT,       /* slot_claim: the slot is INIT, nothing in it */
    FAULT_OPEN_COUNTED,    /* Create/Open: count taken, no handle yet */
    FAULT_INSERT_INDEX,    /* handle_insert: index chosen, not published */
    FAULT_INSERT_PUBLISHED, /* handle_insert: published, intent not cleared */
    FAULT_CLOSE_REMOVED,   /* CloseHandle: entry emptied, count not dropped */
    FAULT_DUP_COUNTED,     /* DuplicateHandle: source counted, not inserted */
    FAULT_CLAIMING,        /* a claimer holds a waiter in WS_CLAIMING */
    FAULT_COUNT
};
extern int ws_fault_at;
_Noreturn void ws_fault_hit(void);
static inline void ws_fault(int point)
{
    if (WS_UNLIKELY(ws_fault_at == point))
        ws_fault_hit();
}

bool shm_attach(void **base, bool *fresh);
void shm_attached(void);
extern int shm_lock_fd;
int shm_file_fd(void);
struct proc_slot *shm_self(void);
struct proc_slot *shm_slot(uint32_t index);
uint32_t shm_slot_index(const struct proc_slot *s);
uint32_t shm_slot_tag(const struct proc_slot *s); /* its owner's shm_self_tag() */
uint32_t shm_self_tag(void);            /* (gen << 11) | (index + 1) */
bool shm_tag_dead(uint32_t tag);        /* the tagged process is gone */
bool shm_watch_tag(uint32_t tag);       /* reap it as soon as it dies */
void shm_deathwatch_start(void);        /* watch every other member */
DWORD shm_slot_new(uint32_t state, pid_t pid, struct proc_slot **out);
/* CreateProcess with bInheritHandles (spawn.c): prepare a child's slot
 * (ERROR_NOT_SUPPORTED on a private arena), tell it the child's pid, or
 * give it up when no child was started; the child finds it through the
 * environment entry shm_slot_env makes (malloc()ed). */
DWORD shm_slot_prepare(struct proc_slot **out);
void shm_slot_spawned(struct proc_slot *s, pid_t pid);
void shm_slot_cancel(struct proc_slot *s);
char *shm_slot_env(struct proc_slot *s);
bool shm_reap_if_dead(struct proc_slot *s, uint32_t gen);
struct proc_slot *shm_slot_of_pid(pid_t pid);
struct proc_slot *shm_slot_of_process(struct object *process);

/* Process objects (process.c). */
struct object *process_object_new(pid_t pid, DWORD *err);
void process_object_set_pid(struct object *p, pid_t pid);
void process_object_exited(struct object *p);
pid_t process_object_pid(struct object *p);
void process_atfork_reset(void);
void thread_atfork_reset(void);

/* ------------------------------------------------------------------ */
/* names (namespace.c)                                                 */

/* A canonical object name (namespace prefix resolved), UTF-16. */
#define NAME_MAX_W 32766 /* longer W names are cut, as Windows does */
struct ws_name {
    WCHAR *buf;                   /* small, or malloc()ed for long names */
    uint32_t len;
    WCHAR small[MAX_PATH + 32];
};

/* Parses a Win32 object name; *named=false for NULL or "".  Release the
 * result with name_free. */
DWORD name_parse_w(LPCWSTR name, struct ws_name *out, bool *named);
DWORD name_parse_a(LPCSTR name, struct ws_name *out, bool *named);
void name_free(struct ws_name *n);

/* Create-or-open in one step, under the namespace lock: returns the object
 * called `name` with a new handle count and reference (*existed = true), or
 * one that make() builds (one reference, one handle count) and that gets
 * the name; g (the creator's DACL, security.c; NULL: none) may make it a
 * granted object (cell.c).  A name held by another type gives ERROR_INVALID_HANDLE. */
typedef struct object *(*object_maker)(void *ctx, DWORD *err);
struct grant;
DWORD ns_create(const struct ws_name *name, const struct object_type *type,
                object_maker make, void *ctx, const struct grant *g,
                struct object **out, bool *existed);
/* The namespace key of a named object that still has a handle (*key NULL
 * when it has no name). */
void ns_key_of(const struct object *o, const WCHAR **key, uint32_t *len);
/* Open by name: adds a handle and a reference. */
DWORD ns_open(const struct ws_name *name, const struct object_type *type,
              struct object **found);
/* Called with the namespace lock held when the handle count hits 0. */
void ns_remove_locked(struct object *o);
void ns_lock(void);
void ns_unlock(void);

/* ------------------------------------------------------------------ */
/* wait core (wait.c)                                                  */

/* Status word values of a waiter; an index 0..63 means "satisfied by
 * object index" (wait-any) or "all acquired" (wait-all, index 0). */
#define WS_WAITING 0xffffffffu
#define WS_TIMED_OUT 0xfffffffeu
#define WS_ALERTED 0xfffffffdu
/* A claimer is still using the record: WS_CLAIM_BIT | the claimer's
 * thread id, so that the claim can be told from any other (wait.c). */
#define WS_CLAIM_BIT 0x80000000u
#define WS_CLAIM_MASK 0xc0000000u
#define WS_ABANDONED 0x100u /* or-ed into an index: WAIT_ABANDONED_0 + i */

struct wait_entry {
    aoff_t next, prev; /* in the object's any or all list */
    aoff_t waiter;     /* struct waiter */
    uint32_t index;    /* position in the wait */
};

struct waiter {
    _Atomic uint32_t status; /* futex word: WS_* or the satisfying index */
    uint32_t tid;            /* the waiting thread (ownership) */
    uint32_t count;          /* objects in this wait */
    uint32_t queued;         /* entries on lists (a reaper needs it) */
    uint32_t claim_result;   /* a claim's result, for finishing it (wait.c) */
    aoff_t objs[MAXIMUM_WAIT_OBJECTS];
    struct wait_entry entries[MAXIMUM_WAIT_OBJECTS];
};

/* A state change that may wake waiters happens between wait_lock and
 * wait_unlock: the object lock, plus the wait-all lock when wait-all
 * waiters count on the object.  wait_wake_locked hands the object to the
 * waiters it can now satisfy; their futex wakes are issued by wait_unlock,
 * after the locks are released, so a woken thread never runs into a lock
 * its waker still holds. */
#define WAKE_BATCH 16
struct wait_guard {
    bool all;          /* the wait-all lock is held */
    uint32_t nwake;
    struct waiter *wake[WAKE_BATCH];
};
void wait_lock(struct object *o, struct wait_guard *g);
void wait_wake_locked(struct object *o, struct wait_guard *g);
void wait_unlock(struct object *o, struct wait_guard *g);

/* Creates a handle-less waitable object's common creation path for the
 * Create* functions: names it (or finds the existing one), inserts a
 * handle, sets the last error as Windows does.  Used by every kind. */
HANDLE object_create_handle(const struct object_type *type, object_maker make,
                            void *ctx, LPCWSTR wname, LPCSTR aname,
                            bool ansi, ACCESS_MASK access,
                            const SECURITY_ATTRIBUTES *sa);
HANDLE object_create_flagged(const struct object_type *type, object_maker make,
                             DWORD valid, DWORD flags, LPSECURITY_ATTRIBUTES sa,
                             ACCESS_MASK access, LPCWSTR wname, LPCSTR aname,
                             bool ansi);
HANDLE object_open_handle(const struct object_type *type, LPCWSTR wname,
                          LPCSTR aname, bool ansi, ACCESS_MASK access,
                          BOOL inherit);

/* ------------------------------------------------------------------ */
/* threads (thread.c)                                                  */

/* An asynchronous procedure call queued to a thread (QueueUserAPC, or a
 * waitable timer's completion routine).  The call and its arguments are
 * written when the record is queued and copied out when it leaves the
 * queue, both under the target's apc_lock; release() is called once the
 * record is off the queue (run, dropped at thread exit, or cancelled), and
 * the call runs afterwards with no lock held. */
typedef void (*apc_call)(ULONG_PTR fn, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3);
struct apc {
    struct apc *next;
    bool queued;               /* under the target's apc_lock */
    apc_call call;
    ULONG_PTR fn, a1, a2, a3;
    void (*release)(struct apc *a);
};

/* Per-thread bookkeeping, created on first use by any thread. */
struct ws_thread {
    uint32_t tid;
    struct waiter *waiter;     /* in the arena */
    struct object *self;       /* this thread's thread object */
    /* The shared part: deferred unrefs and the mutexes this thread owns
     * (each with a reference: abandoned when the thread ends), where a
     * reaper finds them if the process dies.  Touched only by the thread
     * itself while it lives. */
    struct shm_thread *rec;

    /* User-mode APC queue (FIFO).  apc_lock is a leaf lock: nothing else is
     * taken while it is held.  alertable: the thread is in an alertable
     * wait whose waiter may be claimed with WS_ALERTED. */
    struct wordlock apc_lock;
    struct apc *apc_head, *apc_tail;
    bool alertable;
    bool exiting;              /* no more APCs are accepted */

    /* The completion port this thread is associated with (iocp.c): its
     * gate, with a reference, and whether the thread counts in the port's
     * running count.  Touched only by the thread itself. */
    struct object *iocp_gate;
    bool iocp_counted;
};

/* The calling thread's state; attaches it on first use. */
extern __thread struct ws_thread *ws_current;
struct ws_thread *thread_attach(void);
static inline struct ws_thread *thread_current(void)
{
    struct ws_thread *t = ws_current;
    return WS_LIKELY(t != NULL) ? t : thread_attach();
}
static inline uint32_t thread_tid(void)
{
    return thread_current()->tid;
}
struct object *process_self_object(void);      /* for GetCurrentProcess */
void thread_flush_deferred(struct ws_thread *t);

/* Queues a call to the thread of a thread object (this process); fails
 * with ERROR_GEN_FAILURE once that thread has ended.  A record already
 * queued is left as it is (*inserted = false): a timer's routine is
 * queued at most once. */
DWORD thread_queue_apc(struct object *thread_obj, struct apc *a, apc_call call,
                       ULONG_PTR fn, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3,
                       bool *inserted);
/* Takes a not-yet-run APC back off its thread's queue (timers). */
void thread_cancel_apc(struct object *thread_obj, struct apc *a);
/* Alertable waits (wait.c): true when APCs are pending; run them all. */
bool thread_apc_pending(struct ws_thread *t);
void thread_run_apcs(struct ws_thread *t);

/* Ownership bookkeeping for mutexes (mutex.c, thread.c). */
void thread_own(struct ws_thread *t, struct object *mutex);
void thread_disown(struct ws_thread *t, struct object *mutex);
void mutex_abandon(struct object *mutex, uint32_t tid);
/* Abandons a mutex tid owns without an ownership record (a reaper). */
void mutex_abandon_unrecorded(struct object *mutex, uint32_t tid);
/* A reaper wakes the waiter a dead thread was claiming (wait.c). */
void wait_reap_claiming(struct shm_thread *r);
/* A reaper takes a dead thread's waiter out of every wait list. */
void wait_reap_waiter(struct waiter *w, struct shm_thread *r);
/* A lock waiter broke the lock of a dead holder: make o's lists sound. */
void wait_repair_lists(struct object *o);
/* SignalObjectAndWait's signal half for mutexes and semaphores. */
DWORD mutex_release(struct object *o, uint32_t tid);
DWORD semaphore_release(struct object *o, LONG count, LONG *prev);
void event_set(struct object *o);


/* ------------------------------------------------------------------ */
/* files (file.c): the file object every I/O kind builds on             */

/*
 * A file object is one open file description: CreateFile makes a new one
 * (its own file pointer); DuplicateHandle and inheritance share it.  What
 * it is backed by is a *kind* with its own operations: a disk file today,
 * later pipes, mailslots, the console, comm devices and sockets.  The kind
 * is stored as a small number, not as a pointer, because the object lives
 * in the arena, which other processes will map at other addresses (and
 * with the library at another address too).
 */
enum file_kind {
    FILE_KIND_DISK,     /* regular files and directories (file.c) */
    FILE_KIND_STREAM,   /* any other inherited fd: tty, pipe, socket (std handles) */
    FILE_KIND_PIPE,     /* reserved: anonymous and named pipes */
    FILE_KIND_MAILSLOT, /* reserved */
    FILE_KIND_CONSOLE,  /* reserved: CONIN$, CONOUT$ */
    FILE_KIND_COMM,     /* reserved: COMn */
    FILE_KIND_SOCKET,   /* reserved */
    FILE_KIND_NPIPE,    /* named pipes (npipe.c) */
    FILE_KIND_COUNT = 16
};

/* fd holders (holders.c): up to FD_HOLDERS processes that keep an fd of
 * a shared object's open file, recorded in the object so that any process
 * can take its own copy from any live one (the protocol is described at
 * the top of holders.c).  pid, tag and fd are read by every process; the
 * fd itself is usable only in process pid (whose shm_self_tag() is tag). */
#define FD_HOLDERS 8
enum { HOLDER_FREE, HOLDER_BUSY, HOLDER_HELD };
struct fd_holder {
    _Atomic uint32_t word; /* (gen << 2) | HOLDER_* */
    _Atomic uint32_t pid;
    _Atomic uint32_t tag;
    _Atomic int32_t fd;
};
#define HOLDER_LAYOUT                                  \
    LAYOUT_SIZE(struct fd_holder), LAYOUT_FIELD(struct fd_holder, word), \
        LAYOUT_FIELD(struct fd_holder, pid), LAYOUT_FIELD(struct fd_holder, tag), \
        LAYOUT_FIELD(struct fd_holder, fd)
/* The creator is the first holder (before the object is visible). */
void holders_init_first(struct fd_holder *h, int fd);
/* This process's entry (its word and fd), or NULL. */
struct fd_holder *holders_self(struct fd_holder *h, uint32_t *w, int *fd);
/* Makes this process a holder of fd: a free entry, or a dead process's.
 * False when every entry is held by a live process. */
bool holders_claim(struct fd_holder *h, int fd);
/* Lets go of entry e read as w; false when another thread of ours did. */
bool holders_release(struct fd_holder *e, uint32_t w);
bool holders_release_self(struct fd_holder *h);
/* Does a live process other than this one hold an entry? */
bool holders_other_live(struct fd_holder *h);
/* Takes a copy of a live holder's fd: get(ctx, pid, tag, fd) returns a new
 * fd of ours or -1 (and may check what it got); the copy is kept only if
 * the holder still held its entry after it was taken.  -1: none. */
typedef int (*holders_get_fn)(void *ctx, uint32_t pid, uint32_t tag, int fd);
int holders_fetch(struct fd_holder *h, holders_get_fn get, void *ctx);
/* pidfd_getfd(pidfd_open(pid), fd): the same open file description (file
 * pointer, O_APPEND, OFD locks), or -1 with errno. */
int holders_getfd(uint32_t pid, uint32_t tag, int fd);
/* Inboxes (holders.c): every session member has a Unix datagram socket
 * (abstract name: user, session, tag) on which other processes of the
 * user give it descriptors of objects they duplicated handles to into it
 * (SCM_RIGHTS), so that the receiver has the object's descriptor at once,
 * held by the kernel until it takes it, whatever becomes of the giver.
 * holders_inbox_open: once this process's tag is known (shm.c; again in a
 * forked child).  holders_give: o's descriptor fd to the process of slot
 * `to`; false when it has no inbox or it is full.  holders_inbox_drain:
 * takes every descriptor given to this process and hands each to its
 * object type's adopt_fd (kinds call it before they fetch a descriptor
 * and when a handle of theirs closes). */
void holders_inbox_open(void);
bool holders_give(struct proc_slot *to, struct object *o, int fd);
void holders_inbox_drain(void);

struct file_obj;

/* Operations of one kind.  Every operation returns a Win32 error; NULL
 * means the operation does not apply (the caller's default is documented
 * at each).  `at` is the byte offset of a positioned transfer (OVERLAPPED
 * given on a synchronous handle) or NULL for "at the file pointer". */
struct file_ops {
    enum file_kind kind;
    /* NULL: ERROR_INVALID_FUNCTION. */
    DWORD (*read)(struct file_obj *f, void *buf, DWORD len, const int64_t *at,
                  DWORD *done);
    DWORD (*write)(struct file_obj *f, const void *buf, DWORD len,
                   const int64_t *at, DWORD *done);
    /* NULL: nothing to flush, success. */
    DWORD (*flush)(struct file_obj *f);
    /* FILE_TYPE_*; NULL: FILE_TYPE_UNKNOWN. */
    DWORD (*get_type)(struct file_obj *f);
    /* The last handle in any process was closed (DELETE_ON_CLOSE...). */
    void (*last_close)(struct file_obj *f);
    /* Called before an overlapped transfer is queued: an error fails the
     * ReadFile/WriteFile at once (a named pipe server still listening:
     * ERROR_PIPE_LISTENING, as Windows), and the kind may get ready (a
     * pipe server takes a waiting client here, so the worker never blocks
     * in an accept-then-recv that CancelIo cannot reach).  NULL: nothing. */
    DWORD (*prepare)(struct file_obj *f);
    /* The opener let go of its own fd (its last handle went, here or
     * anywhere): release what only the opener holds beside it (a named
     * pipe's slot lock).  Other processes may go on with their copies.
     * NULL: nothing. */
    void (*let_go)(struct file_obj *f);
    /* The object is going: release what the kind holds.  The fd itself is
     * closed by file.c afterwards (when it is this process's). */
    void (*destroy)(struct file_obj *f);
    /* The kind's shared state (file_obj.kstate) as LAYOUT_FIELD entries
     * (TYPE_LAYOUT), folded into the layout id; NULL: it has none. */
    const uint32_t *layout;
    uint32_t layout_len;
};

extern const struct file_ops *const file_kinds[FILE_KIND_COUNT];
extern const struct file_ops disk_file_ops, stream_file_ops;
extern const struct file_ops pipe_file_ops; /* pipe.c */
extern const struct file_ops npipe_file_ops;    /* npipe.c */
extern const struct file_ops mailslot_file_ops; /* mailslot.c */

/* Flags of struct file_obj.flags besides the FILE_FLAG_* bits kept from
 * CreateFile (they use the high bits; these use low bits). */
#define FILE_OBJ_APPEND_ONLY 0x0001 /* FILE_APPEND_DATA without FILE_WRITE_DATA */
#define FILE_OBJ_DIRECTORY 0x0002   /* opened with FILE_FLAG_BACKUP_SEMANTICS */
#define FILE_OBJ_SHARE_LOCKED 0x0004 /* holds share-mode locks (file_share.c) */
#define FILE_OBJ_STD 0x0008         /* wraps one of fds 0..2 */

struct file_obj {
    struct object hdr;
    /* Shared: written before the first handle exists, then read-only
     * (except the lock list, under the object lock). */
    uint32_t kind;         /* enum file_kind */
    uint32_t flags;        /* FILE_FLAG_* of CreateFile | FILE_OBJ_* */
    ACCESS_MASK access;    /* rights the file was opened with */
    uint32_t share;        /* FILE_SHARE_* */
    aoff_t path;           /* NUL-terminated Unix path (DELETE_ON_CLOSE), or 0 */
    uint32_t path_size;    /* bytes of the path block */
    aoff_t locks;          /* byte-range locks held (struct file_lock[]) */
    uint32_t nlocks, lock_cap;
    /* Process-private: a file descriptor is valid only in the process that
     * opened it, and the arena is shared between processes.  (fd_pid,
     * fd_tag) say which process fd belongs to (proc_is_self); any other
     * process must not touch fd (file_fd() returns -1 there), and a reaper
     * dropping a dead process's last handle only drops the object. */
    int32_t fd;
    uint32_t fd_pid;
    /* Completion port (iocp.c): the port's offset and the key, set once
     * under the object lock by CreateIoCompletionPort (key first, then the
     * port with release order); the file holds a reference on the port,
     * dropped by file_destroy through iocp_file_destroy. */
    _Atomic aoff_t iocp;
    uint32_t fd_tag;       /* shm_self_tag() of the fd's process */
    ULONG_PTR iocp_key;
    /* Set by process fd_pid when its last handle went while others keep
     * the object: fd is reserved on /dev/null, no longer the file's. */
    _Atomic uint32_t fd_released;
    /* Written once by the opener: with (fd_pid, fd_tag, fd) it tells this
     * object from a later one at the same offset (the side table's key). */
    uint32_t serial;
    /* Set once a handle was duplicated into another process (which then
     * has no fd until it fetches one): lingering applies (file.c). */
    _Atomic uint32_t given;
    /* The kind's shared state (an arena block, e.g. a named pipe's modes
     * and its partly read message), or 0: every process with a handle
     * reads it, unlike priv.  Written once before the first handle. */
    aoff_t kstate;
    /* Kinds that re-point the opener's fd number at another description
     * (a named pipe server: listener, connection, /dev/null) publish the
     * identity (st_ino) of the current one here, 0 otherwise: another
     * process's copy of an older description is stale (file.c side
     * table) and a holder's copy is taken only when it is the current. */
    _Atomic uint64_t fd_ident;
    /* Processes that keep an fd of this open file description (holders.c):
     * the opener, and every process that inherited or fetched one while it
     * has handles.  Another process takes its copy from any of them. */
    struct fd_holder holders[FD_HOLDERS];
};

/* Makes a file object of `ops`' kind around fd (which it takes over, also
 * on failure) and a handle with `access` (GENERIC_* mapped here).
 * flags: FILE_FLAG_* | FILE_OBJ_*. */
DWORD file_wrap_fd(int fd, const struct file_ops *ops, ACCESS_MASK access,
                   DWORD flags, HANDLE *out);
/* The same without a handle: the object with one reference and one handle
 * count, for callers that insert the handle themselves. */
DWORD file_new(int fd, const struct file_ops *ops, ACCESS_MASK access,
               DWORD flags, struct file_obj **out);
/* This process's fd of a file object, -1 if o is not an fd-backed file
 * opened in (or inherited by) this process. */
int file_fd(struct object *o);
/* Inherited descriptors (CreateProcess with bInheritHandles): the parent
 * lists "<object offset>:<fd>," in WINSHIM_FDS for every inherited object
 * whose type passes one (object_type.inherit_fd), and the child (shm.c,
 * once it adopted its slot) hands each to its type's adopt_fd here
 * (spawn.c; named for its first users, files). */
void file_adopt_inherited(const char *spec);
/* WINSHIM_STD=<in>,<out>,<err>: inherited handle values (hex, 0: none)
 * that are the child's standard handles (STARTF_USESTDHANDLES). */
void file_adopt_std(const char *spec);
/* f's fd in this process when it is not the opener's (or the opener let
 * go of its own): from the side table, else a copy fetched from a holder
 * (holders.c) with pidfd_getfd, which this process then holds until its
 * last handle to f closes; -1 when there is none. */
int file_side_fd(const struct file_obj *f);
/* The opener re-pointed its fd number at another description (dup3):
 * other processes' copies of the older one are stale from now on. */
void file_fd_repointed(struct file_obj *f);
/* A handle to f left this process's table (CloseHandle,
 * DUPLICATE_CLOSE_SOURCE): when it was the process's last handle to f
 * while other processes keep theirs, this process's fd goes now, as a
 * Windows handle's share of the object would (a pipe then ends when every
 * process has closed its ends, not when the last one does). */
/* Lets go of the fds this process kept only because no other process had
 * one yet (file.c, "lingering"); the deathwatch thread calls it at each
 * rescan (shm.c). */
void file_linger_scan(void);
bool handle_table_refers(struct object *o);
/* The gate for file handles: h must be a file object with every right in
 * `need`.  Returns the object with a reference (I/O may block, so it
 * cannot stay inside an RCU read section): drop it with file_put.
 * *granted (may be NULL) receives the handle's access. */
DWORD file_get(HANDLE h, ACCESS_MASK need, struct file_obj **out,
               ACCESS_MASK *granted);
static inline void file_put(struct file_obj *f)
{
    object_unref(&f->hdr);
}
uint32_t file_pid(void); /* getpid(), cached and kept right across fork */
/* Does a process-private field recorded as (pid, tag) belong to this
 * process?  The tag (slot and generation) tells a dead process from a
 * later one that got its pid back, which may be the reaper closing the
 * dead one's handles; the pid tells a fork child apart when the arena is
 * private (tag 0 in both). */
static inline bool proc_is_self(uint32_t pid, uint32_t tag)
{
    return pid == file_pid() && tag == shm_self_tag();
}
/* Is this process f's opener, still with its own fd (the number that
 * re-pointing kinds change)? */
static inline bool file_is_opener(const struct file_obj *f)
{
    return proc_is_self(f->fd_pid, f->fd_tag) &&
           !atomic_load_explicit(&f->fd_released, memory_order_acquire);
}
/* f's fd in this process: its opener's, or the one inherited or fetched
 * from another process (file.c, the side table); -1. */
static inline int file_fd_of(const struct file_obj *f)
{
    return file_is_opener(f) ? f->fd : file_side_fd(f);
}
/* Building blocks for kinds backed by an fd: one read or write (EINTR
 * retried, errno mapped), and what GetFileType says of an fd. */
DWORD file_fd_read(int fd, void *buf, DWORD len, const int64_t *at, DWORD *done);
DWORD file_fd_write(int fd, const void *buf, DWORD len, const int64_t *at,
                    DWORD *done);
DWORD file_fd_type(int fd);

/* Disk files (diskfile.c).  Attributes: READONLY and DIRECTORY come from
 * the mode, the bits in ATTRS_STORED from the extended attribute
 * ATTR_XATTR ("0x22"), ARCHIVE when a file has none. */
#define ATTR_XATTR "user.winshim.attrib"
#define ATTRS_STORED                                                         \
    (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE | \
     FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_OFFLINE |                     \
     FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)
struct stat;
DWORD attrs_of(const char *path, int fd, const struct stat *st);
void attrs_store(const char *path, int fd, DWORD bits);
void filetime_from_timespec(const struct timespec *ts, FILETIME *ft);

/* Byte-range locks and share modes (filelock.c).  A transfer of len bytes
 * at *at (NULL: at the file pointer) through f: ERROR_LOCK_VIOLATION when a lock of another file
 * object (any process) forbids it, or a shared lock of f's own forbids a
 * write. */
DWORD filelock_check(struct file_obj *f, const int64_t *at, DWORD len, bool write);
/* LockFileEx / UnlockFileEx of one file object. */
DWORD filelock_lock(struct file_obj *f, uint64_t off, uint64_t len,
                    bool exclusive, bool wait);
DWORD filelock_unlock(struct file_obj *f, uint64_t off, uint64_t len);
void filelock_release_all(struct file_obj *f); /* the object is going */
/* Share modes: takes the share-mode locks of a new open on fd, or fails
 * with ERROR_SHARING_VIOLATION (*held: locks were taken). */
DWORD filelock_share_acquire(int fd, ACCESS_MASK access, DWORD share, bool *held);
/* Would an open of fd's file with access/share conflict?  With keep_gate
 * and no conflict, the file's gate stays held (no open can slip in) until
 * filelock_gate_release: DeleteFile and MoveFile act under it. */
DWORD filelock_share_probe(int fd, ACCESS_MASK access, DWORD share, bool keep_gate);
void filelock_gate_release(int fd);

extern const struct object_type file_type;
extern const struct object_type find_type; /* find.c */

/* ------------------------------------------------------------------ */
/* paths (path.c): Windows paths to Unix paths and back                */

/* A UTF-8 path; small paths need no allocation.  Release with path_free. */
struct upath {
    char *buf;
    size_t len, cap;
    char small[256];
};
#define PATH_WILDCARDS 0x1 /* ? and * allowed in the last component */
#define PATH_RAW 0x2       /* internal: \\?\ paths, no normalisation */
DWORD path_from_a(LPCSTR name, unsigned flags, struct upath *out);
DWORD path_from_w(LPCWSTR name, unsigned flags, struct upath *out);
void path_free(struct upath *p);
/* errno of an operation on upath as Windows reports it (ENOENT: file or
 * path not found, depending on whether the directory exists). */
DWORD path_error(int err, const char *upath);
/* An absolute Unix path as "X:\..." (UTF-8). */
DWORD path_to_windows(const char *unix_path, struct upath *out);
DWORD path_utf16_to_utf8(const WCHAR *w, size_t n, struct upath *out);
/* The Unix directory drive `letter` ('A'..'Z', either case) maps to, NULL
 * when there is no such drive; and WINSHIM_CASE_INSENSITIVE (sysinfo.c). */
const char *path_drive_root(int letter);
bool path_case_insensitive(void);
/* Hands a UTF-8 string back through an A or W buffer of `size` characters,
 * Windows style: the length without the terminator when it fits, else the
 * size needed with it (nothing written). */
DWORD path_copy_out(const char *s, bool wide, void *buf, DWORD size);
/* The path argument of an A or W function. */
static inline DWORD path_from(const void *name, bool wide, unsigned flags,
                              struct upath *out)
{
    return wide ? path_from_w((LPCWSTR)name, flags, out)
                : path_from_a((LPCSTR)name, flags, out);
}
extern const struct object_type mapping_type; /* mapping.c */
/* CloseHandle of a mapping: a holder process whose last handle to it went
 * lets go of its fd (mapping.c). */
/* CloseHandle/closesocket of a socket: a process whose last handle to it
 * went lets go of its own descriptor (socket.c). */

/* ------------------------------------------------------------------ */
/* overlapped I/O (overlapped.c) and completion ports (iocp.c)          */

/* ReadFile/WriteFile on a handle opened with FILE_FLAG_OVERLAPPED: 0 when
 * the transfer finished at once (disk files; *done is the byte count),
 * ERROR_IO_PENDING when it is under way, or the error it failed with at
 * once (no event, packet or routine follows then, as on Windows).  file.c
 * calls it; f keeps the caller's reference. */
DWORD overlapped_start(struct file_obj *f, void *buf, DWORD len,
                       LPOVERLAPPED ov, bool write, DWORD *done);
/* The same for an operation that is not a transfer (ConnectNamedPipe):
 * a worker waits until f's fd is readable and runs op, again while op
 * returns OVERLAPPED_RETRY; op's result completes the OVERLAPPED (0 bytes). */
DWORD overlapped_start_op(struct file_obj *f, LPOVERLAPPED ov,
                          DWORD (*op)(struct file_obj *f));
#define OVERLAPPED_RETRY ((DWORD)-2) /* op: not yet, wait again */
/* The file's last handle is gone: cancels its pending transfers. */
void overlapped_file_closed(struct file_obj *f);
/* NTSTATUS values kept in OVERLAPPED.Internal and back. */
ULONG_PTR overlapped_status_of(DWORD err);
DWORD overlapped_error_of(ULONG_PTR status);
/* Sets or clears a file object's signalled state (waking its waiters). */
void file_set_signaled(struct file_obj *f, bool on);
/* Queues a completion packet on the port at offset `port`. */
void iocp_post(aoff_t port, ULONG_PTR key, DWORD bytes, LPOVERLAPPED ov,
               ULONG_PTR status);
/* The file object is going: drop its port reference. */
void iocp_file_destroy(struct file_obj *f);
/* A socket is going (socket.c): drop its port reference. */
void iocp_port_unref(aoff_t port);
/* Sockets on ports and overlapped (socket.c, sockio.c), for iocp.c,
 * overlapped.c and file.c: a socket's port fields (with a reference on
 * the object; ERROR_INVALID_HANDLE when h is no socket); CancelIo(Ex) of
 * its requests; ReadFile/WriteFile on it. */
DWORD socket_port_fields(HANDLE h, struct object **o, _Atomic aoff_t **port,
                         ULONG_PTR **key);
DWORD sio_cancel(HANDLE h, uint32_t tid, LPOVERLAPPED ov, bool *is_socket);
/* GetOverlappedResult(Ex) without an event on a socket (not waitable):
 * sleeps until ov is done; WAIT_OBJECT_0 or WAIT_TIMEOUT. */
DWORD sio_wait(HANDLE h, LPOVERLAPPED ov, DWORD timeout, bool *is_socket);
DWORD sio_file_io(HANDLE h, void *buf, DWORD len, LPDWORD done, LPOVERLAPPED ov,
                  bool write, bool *is_socket);
/* The port's running count (iocp.c): a counted thread is about to block in
 * a wait (wait.c), wakes from it, or exits (thread.c). */
void iocp_thread_block(struct ws_thread *t);
void iocp_thread_unblock(struct ws_thread *t);
void iocp_thread_exit(struct ws_thread *t);
extern const struct object_type iocp_type;

/* Waits for an object the caller holds a reference on (wait.c): the
 * WaitForSingleObjectEx results, WAIT_IO_COMPLETION after running APCs. */
DWORD wait_object_ref(struct object *o, DWORD timeout, bool alertable);
/* A handle-less semaphore (semaphore.c), for objects built on one. */
struct object *semaphore_new(LONG initial, LONG max, DWORD *err);

/* ------------------------------------------------------------------ */
/* devices: console (console.c), comm ports (comm.c), change
 * notifications (change.c), device names and paths (device.c)          */

/* The CreateFile hook (device.c): CreateFileA/W call it first with the
 * name as given.  DEVICE_NOT_A_DEVICE: not CONIN$/CONOUT$/COMn, open the
 * name as a path; anything else is CreateFile's result (0 and *out, or a
 * Win32 error). */
#define DEVICE_NOT_A_DEVICE ((DWORD)-1)
DWORD device_open_a(LPCSTR name, ACCESS_MASK access, DWORD share, DWORD creation,
                    DWORD flags, HANDLE *out);
DWORD device_open_w(LPCWSTR name, ACCESS_MASK access, DWORD share, DWORD creation,
                    DWORD flags, HANDLE *out);
/* CONIN$ (output false) or CONOUT$: the process's controlling terminal. */
DWORD console_open(bool output, ACCESS_MASK access, HANDLE *out);
/* COMn through WINSHIM_COMn or /dev/ttyS(n-1) (docs/COMPATIBILITY.md). */
DWORD comm_open(unsigned n, ACCESS_MASK access, DWORD creation, DWORD flags,
                HANDLE *out);
extern const struct file_ops console_file_ops, comm_file_ops;
extern const struct object_type change_type;
/* ReadDirectoryChangesW (change.c): a directory file object's last handle
 * is gone (overlapped_file_closed calls it); CancelIo(Ex) of its waiting
 * requests (true: some were cancelled). */
void change_dir_closed(struct file_obj *f);
bool change_dir_cancel(struct file_obj *f, uint32_t tid, LPOVERLAPPED ov);

/* Named pipes (npipe.c) and mailslots (mailslot.c).  rdv_path: the file
 * name (in the per-user rendezvous directory) of a \\.\pipe\ or
 * \\.\mailslot\ name, with `reserve` bytes left for a suffix;
 * ERROR_INVALID_NAME when the prefix is not the kind's. */
enum rdv_kind { RDV_PIPE, RDV_MAILSLOT };
/* The user's own directory (made if missing), or the shared base of names
 * granted to other users: made if missing by a creator, only looked at by
 * a client (ERROR_FILE_NOT_FOUND when it does not exist). */
enum rdv_where { RDV_OWN, RDV_SHARED_MAKE, RDV_SHARED_LOOK };
DWORD rdv_path(const void *name, bool wide, enum rdv_kind kind, enum rdv_where where,
               size_t reserve, char *out, size_t cap);
/* CreateFile's hook: is it a pipe (mailslot) name, and open its client
 * end (a writer). */
bool npipe_is_name(const void *name, bool wide);
DWORD npipe_open(const void *name, bool wide, ACCESS_MASK access, DWORD flags,
                 HANDLE *out);
bool mailslot_is_name(const void *name, bool wide);
DWORD mailslot_open(const void *name, bool wide, ACCESS_MASK access, DWORD share,
                    DWORD creation, HANDLE *out);
/* PeekNamedPipe on a named pipe (pipe.c calls it). */
DWORD npipe_peek(struct file_obj *f, void *buf, DWORD size, DWORD *copied,
                 DWORD *avail, DWORD *left);


/* ------------------------------------------------------------------ */
/* security descriptors (security.c)                                  */

/* Who a security descriptor lets in, in a form that can be stored in
 * shared memory (no pointers) and evaluated for any Linux user.  Users and
 * groups are Linux ids: SIDs S-1-22-1-<uid> and S-1-22-2-<gid> ("Unix
 * User" / "Unix Group", as Samba and Cygwin name them); S-1-5-18 (SYSTEM)
 * is uid 0; CREATOR OWNER / OWNER RIGHTS are the creating user.  Everyone,
 * Authenticated Users, BUILTIN\Users and Interactive match every user
 * (GRANT_WORLD).  An ACE on a SID that names no Linux user or group can
 * never match anyone here and is left out. */
#define GRANT_MAX 16
enum { GRANT_WORLD = 1, GRANT_USER = 2, GRANT_GROUP = 3 };
struct grant_ace {
    uint8_t allow;    /* 1 allowed ACE, 0 denied ACE */
    uint8_t who;      /* GRANT_WORLD, GRANT_USER, GRANT_GROUP */
    uint16_t pad;
    uint32_t id;      /* uid or gid; 0 for GRANT_WORLD */
    ACCESS_MASK mask; /* generic rights mapped with the type's mapping */
};
struct grant {
    uint32_t present;   /* 0: no DACL given (the default: the user's own) */
    uint32_t null_dacl; /* 1: a NULL DACL, everyone has every right */
    uint32_t n;         /* entries used in ace[], in the DACL's order */
    uint32_t pad;
    struct grant_ace ace[GRANT_MAX];
};
/* Reads sa->lpSecurityDescriptor (sa or the descriptor NULL: g->present 0)
 * for an object of type t.  0, or ERROR_UNKNOWN_REVISION for a descriptor
 * of another revision, ERROR_INVALID_ACL for a malformed DACL,
 * ERROR_NOT_SUPPORTED for more than GRANT_MAX mappable ACEs. */
DWORD security_grant(const SECURITY_ATTRIBUTES *sa, const struct object_type *t,
                     struct grant *g);
/* The rights g gives user uid with supplementary groups (ordered
 * evaluation as Windows' AccessCheck: the first ACE that speaks of a right
 * decides it); the owner also has READ_CONTROL | WRITE_DAC.  A NULL DACL
 * gives t->valid_access; no DACL (present 0) gives the owner everything and
 * others nothing. */
ACCESS_MASK security_access(const struct grant *g, const struct object_type *t, uint32_t uid,
                            const uint32_t *gids, uint32_t ngids, uint32_t owner);

/* Access tokens (token.c): a snapshot of a process's credentials. */
extern const struct object_type token_type;

/* ------------------------------------------------------------------ */
/* granted named objects (cell.c)                                      */

struct cell_local;
/* Is t a kind that can be granted to other users (event, mutex, semaphore)? */
bool cell_kind(const struct object_type *t);
/* Does g let in anyone but the calling user (so that the object must be
 * a cell)? */
bool grant_reaches_others(const struct grant *g);
/* The grant as a file's permissions (fd, or path when not NULL): the
 * owner rw, "other" what the DACL gives users it does not name, a POSIX
 * ACL entry for each user or group it names; each capped at cap (6 rw,
 * 4 r).  ERROR_NOT_SUPPORTED on a file system without ACLs. */
DWORD grant_apply(int fd, const char *path, const struct grant *g, const struct object_type *t,
                  uint32_t owner, unsigned cap);
/* The DACL kept at offset `at` of a file (owned by the object's creator)
 * against the rights a client of this process's user asks for
 * (SYNCHRONIZE aside): 0 or ERROR_ACCESS_DENIED. */
DWORD grant_check_file(int fd, off_t at, const struct object_type *t, ACCESS_MASK want);
/* Under ns_lock, for a name not in the session: the granted object of that
 * name as a new proxy (one reference, no handle, no name), or
 * ERROR_FILE_NOT_FOUND (*stale_foreign when only another user's stale
 * file holds the name), ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE (a name
 * of another kind). */
DWORD cell_lookup(const struct ws_name *name, const struct object_type *t,
                  struct object **out, bool *stale_foreign);
/* Under ns_lock: a new granted object (ctx as the kind's make() takes it),
 * or the one that exists (*existed). */
DWORD cell_create(const struct ws_name *name, const struct object_type *t, const void *ctx,
                  const struct grant *g, struct object **out, bool *existed);
/* Checks a request against the object's DACL for this process's user;
 * MAXIMUM_ALLOWED gives what the DACL allows. */
DWORD cell_check_access(struct object *o, ACCESS_MASK want, ACCESS_MASK *granted);
void cell_handle_closed(struct object *o); /* one of this process's handles went */
void cell_last_close(struct object *o);    /* the user's last handle went */
void cell_sweep(void);                     /* removes this user's stale cells */
enum { CELL_SET, CELL_RESET, CELL_PULSE };
DWORD cell_event_op(struct object *o, int op);
DWORD cell_semaphore_release(struct object *o, LONG n, LONG *prev);
DWORD cell_mutex_release(struct object *o);
/* One granted object of a wait (wait.c wait_granted). */
struct cell_wait {
    struct cell_local *local;
    uint32_t since; /* an event's seq when the wait began (pulses after it count) */
    bool slept;
    struct owner_watch *watch; /* a mutex's owner watched while we sleep */
};
DWORD cell_wait_begin(struct object *o, struct cell_wait *w);
void cell_wait_end(struct cell_wait *w);
bool cell_try(struct cell_wait *w, bool *abandoned);
void cell_undo(struct cell_wait *w); /* gives back what cell_try took */
_Atomic uint32_t *cell_sleep_begin(struct cell_wait *w, uint32_t *val);
void cell_sleep_end(struct cell_wait *w);
void cell_thread_exit(void); /* abandons the granted mutexes the thread owns */
/* A granted timer (timer.c): a Set or Cancel bumps the generation (and
 * with reset clears the state) and returns the new one; an arming of
 * generation gen signals it only while gen is current (false: superseded). */
uint64_t cell_timer_disarm(struct object *o, bool reset);
bool cell_timer_fire(struct object *o, uint64_t gen);
/* A granted section's file (a new fd) and where its bytes begin in it. */
DWORD cell_section_fd(struct object *o, bool write, int *fd, uint64_t *base);
/* mapping.c: the parameters CreateFileMapping gave (its make() context),
 * and a proxy's copy of them. */
void mapping_section_params(const void *ctx, uint64_t *size, DWORD *protect, DWORD *sec);
void mapping_proxy_init(struct object *o, uint64_t size, DWORD protect, DWORD sec);

/* ------------------------------------------------------------------ */
/* text (unicode.c)                                                    */

/* UTF-8 (the ANSI code page here) to UTF-16; returns the length written
 * (without the terminator) or -1 when it does not fit / is malformed. */
int utf8_to_utf16(const char *s, WCHAR *out, size_t cap);
size_t wstrlen(const WCHAR *s);
/* The code point at s[*i] of a UTF-16 string of n units, *i moved past it;
 * an unpaired surrogate is U+FFFD, as WideCharToMultiByte makes it. */
uint32_t utf16_next(const WCHAR *s, size_t n, size_t *i);
/* A code point as UTF-8 into out; returns its length (1 to 4). */
size_t utf8_put(uint32_t c, char out[4]);
/* UTF-16 to UTF-8 (len units, or (size_t)-1 for NUL-terminated): bytes
 * written without the terminator, -1 when it does not fit. */
int utf16_to_utf8(const WCHAR *s, size_t len, char *out, size_t cap);

/* ------------------------------------------------------------------ */
/* TLS and FLS (tls.c)                                                 */

/* Runs the exiting thread's FLS callbacks and frees its slots.  The
 * thread teardown calls it first, so that, as on Windows, the callbacks
 * have run before the thread object is signalled; tls.c's own key
 * destructor covers threads that have no ws_thread. */
void tls_thread_detach(void);

/* A detached internal thread (a watcher, an engine, a timer service)
 * that takes no signal: signals are the program's.  stack 0: the
 * default.  0 or pthread_create's error. */
int service_thread_start(void *(*fn)(void *), void *arg, size_t stack);

#include "handle_lookup.h"

#endif
