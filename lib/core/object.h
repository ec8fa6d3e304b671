/*
 * Objects (object.c): the type descriptor every kind registers (lib/kinds.c),
 * the object header, the pointer and handle counts, the object lock, and
 * the layout records folded into the session's layout id.
 */
#ifndef WINSHIM_CORE_OBJECT_H
#define WINSHIM_CORE_OBJECT_H

#include "core/arena.h"

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

/* The state encodings the wait core knows (object_type.fast):
 *   FK_FLAG   signalled while the value is non-zero; a wait sets it to 0
 *             unless the flag fast_keep is set (events)
 *   FK_COUNT  signalled while the value is non-zero; a wait takes one
 *             (semaphores)
 *   FK_OWNER  the value is the owner's thread id (0: free), the flags
 *             ST_OWNER_ABANDONED and the recursion count from bit
 *             ST_OWNER_COUNT_SHIFT (mutexes): signalled when free, or
 *             owned by the waiter below the maximum count; a wait makes
 *             the waiter the owner (count 1, consuming the abandoned flag)
 *             or counts one more recursion. */
enum fast_kind { FK_CALL, FK_FLAG, FK_COUNT, FK_OWNER };
#define ST_OWNER_ABANDONED 0x1u
#define ST_OWNER_COUNT_SHIFT 1
#define ST_OWNER_COUNT_MAX (ST_FLAGS_MASK >> ST_OWNER_COUNT_SHIFT)

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

    /* How the wait core's lock-free paths read and consume the state word
     * without calling signaled/acquire (wait.c, try_fast): enum
     * fast_kind.  FK_CALL (0) calls them.  Each other kind must agree
     * with the functions it stands for. */
    uint8_t fast;
    /* FK_FLAG: the state flag that makes a wait leave the value as it is
     * (an event's manual reset). */
    uint32_t fast_keep;

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

    /* SignalObjectAndWait's signal half (wait.c): what SetEvent,
     * ReleaseMutex or ReleaseSemaphore(1) does, if `granted` has the right
     * it needs (else ERROR_ACCESS_DENIED).  NULL: the kind cannot be
     * signalled (ERROR_INVALID_HANDLE). */
    DWORD (*signal)(struct object *obj, ACCESS_MASK granted);
    /* Thread tid owned obj and is gone (an owning kind: mutexes).
     * recorded: from the thread's ownership list, whose reference the call
     * drops; otherwise a reaper found obj in a dead table, and only an obj
     * that tid still owns is abandoned.  NULL: the kind has no owner. */
    void (*abandon)(struct object *obj, uint32_t tid, bool recorded);

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
    /* Reserved for this round's kinds, one per branch: */
    TYPE_SNAPSHOT = 15,  /* CreateToolhelp32Snapshot */
    TYPE_MEMNOTIFY = 16, /* CreateMemoryResourceNotification */
    TYPE_EVENTLOG = 17,  /* RegisterEventSource, OpenEventLog */
    TYPE_WINSTA = 18,    /* window stations */
    TYPE_DESKTOP = 19,   /* desktops */
    TYPE_UPDATERES = 20, /* BeginUpdateResource */
    TYPE_COUNT = 32
};

extern const struct object_type *const object_types[TYPE_COUNT];

struct object {
    _Atomic uint64_t state;   /* see ST_* above */
    uint16_t type_id;         /* enum object_type_id */
    uint16_t obj_flags;       /* OBJ_* */
    _Atomic uint32_t refs;    /* pointer references (each handle holds one) */
    /* Open handles, all processes (low 32 bits), and in the high 32 bits
     * the count record (struct count_rec) of whoever is changing it, 0
     * when nobody is: object_handle_count() reads the count (object.c). */
    _Atomic uint64_t handles;
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
/*
 * A handle count in flight: the record of whoever moves a count between an
 * object and a table, in the arena, so that a reaper of its owner can tell
 * whether the change was made (object.c, "Handle counts").  It lives in a
 * thread's shm_thread (its intent and a scratch one) or in a process slot
 * (the reaper's); `owner` is the tag of that process slot.
 */
enum count_state {
    CR_UP_PENDING = 1, /* about to add the count */
    CR_UP_DONE,        /* added */
    CR_DOWN_PENDING,   /* holds a count, about to drop it */
    CR_DOWN_DONE,      /* dropped */
};
struct count_rec {
    _Atomic aoff_t obj;      /* the object; 0: nothing in flight */
    _Atomic uint32_t state;  /* enum count_state */
    uint32_t owner;          /* tag of the slot the record belongs to */
};

/* An object offset read from memory another process of the user may have
 * scribbled on (a dead process's records): a block holding a kind this
 * build knows.  Reapers check before they follow one. */
bool object_plausible(aoff_t off);

static inline uint32_t object_handle_count(const struct object *o)
{
    return (uint32_t)atomic_load_explicit(&((struct object *)o)->handles,
                                          memory_order_acquire);
}

/* Handle count bookkeeping; object_handle_close may remove the name.
 * These account for the count in the calling thread's scratch record. */
void object_handle_open(struct object *o);
void object_handle_close(struct object *o);
/* The same with the count in `rec` (a thread's intent, a reaper's record):
 * it says CR_*_DONE once the change is made (object.c). */
void object_handle_open_rec(struct object *o, struct count_rec *rec);
void object_handle_close_rec(struct object *o, struct count_rec *rec);
/* Under the namespace lock: the count up in rec if nobody is changing it,
 * false if someone is (then wait with object_handle_wait_free outside
 * the lock, and try again). */
bool object_handle_try_open_rec(struct object *o, struct count_rec *rec);
/* The first count of an object nobody else can reach yet (just made,
 * unnamed): no compare-and-swap; the caller's record says CR_UP_DONE
 * after it (handle_intent_open_new). */
void object_handle_open_first(struct object *o);
void object_handle_wait_free(struct object *o);
/* A reaper: the change rec was making, settled (made: state *_DONE and
 * the count word let go of); the state it settled to. */
uint32_t count_rec_settle(struct count_rec *rec);
/* A reaper: rec's holder dropped o's last handle count (CR_DOWN_DONE) and
 * died before the name went: the name goes now, and the kind's last-close
 * steps run (they run after the name's removal, so they had not). */
void count_rec_finish_last(struct count_rec *rec);

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


#endif
