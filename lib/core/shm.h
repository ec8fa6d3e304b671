/*
 * The session (shm.c): the arena shared by a user's processes, the process
 * table with its slots, membership, reaping and the deathwatch.
 */
#ifndef WINSHIM_CORE_SHM_H
#define WINSHIM_CORE_SHM_H

#include "core/handle.h"

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
    /* Taking a reference through process_obj or creator_obj, and clearing
     * either, happen under this lock (shm_slot_process_ref): otherwise a
     * reader could count a reference on a block the reaper or the
     * object's destroy had just freed and the arena given to someone else.
     * Before pid, so a reuse's zeroing never clears it under a holder. */
    struct wordlock ref_lock;
    int32_t pid;                /* everything from here is zeroed on reuse */
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
    struct count_rec reap_rec;
    uint32_t reap_index;
    uint64_t reap_word;
    /* Set by the owner's normal exit once it has closed its handles and
     * left (shm.c, shm_detach): its shared flock only waits for the
     * process to end. */
    _Atomic uint32_t leaving;
    /* The process object CreateProcess returned for this process, when
     * it was started by one: DuplicateHandle into or out of that handle
     * reaches this table from the moment CreateProcess returns, before
     * the child has run (shm_slot_of_process).  No reference: the object
     * clears it when it is destroyed (shm_slot_forget_creator), and
     * nobody can name it after that. */
    _Atomic aoff_t creator_obj;
    /* Gifts to its inbox (holders.c): a giver counts inbox_started before
     * its sendmsg and inbox_finished after it, so the owner can tell an
     * inbox that nothing was sent to since it last emptied it without a
     * system call. */
    _Atomic uint32_t inbox_started, inbox_finished;
    int32_t parent_pid;         /* 128 bytes: PROC_SLOTS of them fill the largest block */
};

/* A grace period (synchronize_rcu) costs ~10 us: one per DEFER_BATCH
 * closes keeps it near 10 ns a close. */
#define DEFER_BATCH 1024

/* A handle count (with its reference) in flight between an object and a
 * handle table, written by the thread that moves it so that a reaper can
 * finish or undo the move if the process is killed half way (handle.c). */
enum { INTENT_INSERT = 1, INTENT_REMOVE };
struct handle_intent {
    struct count_rec cr;        /* the object and its count (object.h) */
    uint32_t op;                /* INTENT_INSERT or INTENT_REMOVE */
    uint32_t slot;              /* the table's slot index + 1; 0: our own */
    uint32_t slot_gen;          /* ...and its generation */
    _Atomic uint32_t index;     /* entry index + 1, once known (after word) */
    uint64_t word;              /* INSERT: the entry before publication;
                                   REMOVE: the entry being removed */
};

/* What a reaper needs to know of a thread: in the arena. */
struct shm_thread {
    struct handle_intent intent;
    struct count_rec scratch;   /* a count moved with no intent (object.c) */
    _Atomic aoff_t claiming;    /* the waiter it last claimed (wait.c), 0 */
    aoff_t next;                /* in the slot's list, under threads_lock */
    uint32_t tid;
    aoff_t waiter;              /* struct waiter */
    _Atomic uint32_t wait_refs; /* the waiter holds references on its objs */
    aoff_t owned;               /* aoff_t[owned_cap]: mutexes owned */
    uint32_t nowned, owned_cap;
    /* The mutex the thread released last, whose list reference it kept
     * for its next acquisition (self.c, thread_own), 0: none. */
    aoff_t owned_kept;
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
    FAULT_UP_HELD,         /* a count added, its word not let go of */
    FAULT_DOWN_HELD,       /* a count dropped, its word not let go of */
    FAULT_GROW_LOCKED,     /* name table growth: every stripe held, nothing built */
    FAULT_GROW_BUILT,      /* growth: the new table filled, not published */
    FAULT_GROW_PUBLISHED,  /* growth: the new table published, the old not freed */
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
/* Joins the process table; false (said on stderr, the session let go of)
 * when the session cannot take this process: the caller goes private. */
bool shm_attached(void);
/* Lets go of a session mapped but not joined, saying why on stderr. */
void shm_give_up(const char *why);
extern int shm_lock_fd;
int shm_file_fd(void);
struct proc_slot *shm_self(void);
/* A slot's pid and start time change while other processes read them (a
 * prepared slot gets its pid when its child is spawned, an adopted one is
 * overwritten by its new owner): they are read and written atomically,
 * the start time first and the pid last, with release, so whoever sees the
 * pid sees its start time. */
static inline pid_t shm_slot_pid(const struct proc_slot *s)
{
    return __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);
}
/* Its process object (the slot's reference), or NULL: the reaper clears
 * it while others look it up. */
static inline struct object *shm_slot_process(const struct proc_slot *s)
{
    return arena_ptr(__atomic_load_n(&s->process_obj, __ATOMIC_ACQUIRE));
}
/* Process object of slot s, its own (SLOT_OWN) or the one its creator
 * holds (SLOT_CREATOR), with a reference; NULL when there is none or it
 * is being destroyed. */
enum { SLOT_OWN, SLOT_CREATOR };
struct object *shm_slot_process_ref(struct proc_slot *s, int which);
static inline void shm_slot_publish(struct proc_slot *s, pid_t pid, uint64_t start)
{
    __atomic_store_n(&s->start_time, start, __ATOMIC_RELAXED);
    __atomic_store_n(&s->pid, pid, __ATOMIC_RELEASE);
}
struct proc_slot *shm_slot(uint32_t index);
uint32_t shm_slot_index(const struct proc_slot *s);
uint32_t shm_slot_tag(const struct proc_slot *s); /* its owner's shm_self_tag() */
uint32_t shm_self_tag(void);            /* (gen << 11) | (index + 1) */
bool shm_tag_dead(uint32_t tag);        /* the tagged process is gone */
bool shm_watch_tag(uint32_t tag);       /* reap it as soon as it dies */
void shm_deathwatch_start(void);        /* watch every other member */
DWORD shm_slot_new(uint32_t state, pid_t pid, struct proc_slot **out);
/* CreateProcess (spawn.c): prepare a child's slot
 * (ERROR_NOT_SUPPORTED on a private arena), tell it the child's pid, or
 * give it up when no child was started; the child finds it through the
 * environment entry shm_slot_env makes (malloc()ed). */
DWORD shm_slot_prepare(struct proc_slot **out);
void shm_slot_spawned(struct proc_slot *s, pid_t pid);
void shm_slot_set_creator(struct proc_slot *s, struct object *process);
void shm_slot_forget_creator(struct object *process);
void shm_slot_cancel(struct proc_slot *s);
char *shm_slot_env(struct proc_slot *s);
bool shm_reap_if_dead(struct proc_slot *s, uint32_t gen);
void shm_finish_death(pid_t pid, struct object *process);
/* The process of slot tag `tag`, if dead, is reaped (or being reaped). */
void shm_reap_tag(uint32_t tag);
struct proc_slot *shm_slot_of_pid(pid_t pid);
struct proc_slot *shm_slot_of_process(struct object *process);



#endif
