/*
 * The arena (arena.c): the shared memory every object, name and wait
 * record lives in, addressed by 32-bit offsets; the word lock is in futex.h.
 */
#ifndef WINSHIM_CORE_ARENA_H
#define WINSHIM_CORE_ARENA_H

#include "core/futex.h"

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
/* The session could not take us: a fresh private arena replaces it. */
void arena_go_private(void);

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
    struct wordlock ns_lock;       /* the name table's growth (namespace.c) */
    aoff_t ns_stripes;             /* struct ns_stripe[NS_STRIPES] */
    _Atomic aoff_t file_locks;     /* io/filelock.c: lock counts by file */
    _Atomic uint64_t ns_table;     /* the name table (namespace.c) */
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


#endif
