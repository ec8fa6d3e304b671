/*
 * The wait core (wait.c): waiters, wait entries, the object wait lock and
 * wake-ups, after Linux's ntsync.
 */
#ifndef WINSHIM_CORE_WAIT_H
#define WINSHIM_CORE_WAIT_H

#include "core/object.h"

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
/* Or-ed into an index: object i, a mutex, was released and left free
 * rather than handed to this waiter, which runs its wait again (wait.c,
 * "Released mutexes").  Not an acquisition: above every acquired status. */
#define WS_RETRY 0x200u
/* A wait told to run again this many times is handed the mutex on the
 * next release instead (no waiter starves); WR_NEVER: a wait that cannot
 * run again (one with granted objects) is always handed it. */
#define WS_RETRY_MAX 16u
#define WR_NEVER 0x80000000u

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
    uint32_t retries;        /* WS_RETRY results in this wait, or WR_NEVER */
    aoff_t objs[MAXIMUM_WAIT_OBJECTS];
    struct wait_entry entries[MAXIMUM_WAIT_OBJECTS];
    /* What the wait asked, for the inspector only (tools/winshim-objects):
     * written on the blocking path before the waiter is queued, never on
     * the fast paths, and read by nobody in the library. */
    uint32_t timeout;        /* the wait's timeout in ms, INFINITE */
    uint32_t wflags;         /* WF_*; bits 8..15: objects not in objs */
    uint64_t since;          /* CLOCK_MONOTONIC ns when it blocked */
};
#define WF_ALL 0x1u          /* WaitForMultipleObjects' bWaitAll */
#define WF_ALERTABLE 0x2u
#define WF_UNLISTED_SHIFT 8  /* granted objects (cell.c): not in objs */

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
/* The same for a mutex its owner has just released (not abandoned):
 * wait-all waiters are handed it as by wait_wake_locked; of the wait-any
 * waiters, the first is woken to run its wait again (WS_RETRY), and the
 * mutex stays free for whoever takes it first, unless that waiter has
 * been told so WS_RETRY_MAX times in this wait: then it is handed it. */
void wait_wake_released_locked(struct object *o, struct wait_guard *g);
/* The same, handing out s, the state the caller has just stored: an
 * event's, which a plain ResetEvent may change under the lock (wait.c,
 * "plain resets"). */
void wait_wake_from(struct object *o, struct wait_guard *g, uint64_t s);
void wait_unlock(struct object *o, struct wait_guard *g);



/* Waits for an object the caller holds a reference on (wait.c): the
 * WaitForSingleObjectEx results, WAIT_IO_COMPLETION after running APCs. */
DWORD wait_object_ref(struct object *o, DWORD timeout, bool alertable);

#endif
