/*
 * The wait core: WaitForSingleObject(Ex), WaitForMultipleObjects(Ex),
 * Sleep(Ex), shared by every waitable kind through its type descriptor.
 *
 * Model (after Linux's ntsync driver):
 *   - A thread's wait record (struct waiter, in the arena) holds a status
 *     word.  It is WS_WAITING while the thread waits; whoever satisfies the
 *     wait claims it with ONE compare-and-swap from WS_WAITING to
 *     WS_CLAIMING and, in the same critical section, consumes the object
 *     state for the waiter (resets the auto-reset event, takes the mutex for
 *     waiter->tid), unlinks the claimed entries, then publishes the result
 *     with a release store.  The waiter waits out WS_CLAIMING, so it never
 *     reuses its record while the claimer still reads it.  (WS_CLAIMING is
 *     WS_CLAIM_BIT | the claimer's thread id; a claimer killed mid-claim is
 *     finished by others, "claims a killed claimer left" below.)  A timeout is the
 *     waiter's own CAS to WS_TIMED_OUT; exactly one CAS wins, so an object
 *     is never consumed for a waiter that went away.
 *   - A blocked wait-any waiter has one wait_entry on the any-list of each
 *     object; a wait-all waiter has one on the all-list of each object.
 *     The lists are changed only under the object's lock.
 *   - State changes that may wake someone happen under wait_lock(o):
 *     the object lock, plus the arena-wide wait-all lock when o has
 *     wait-all waiters (o->all_head != 0, read under the object lock).
 *     Waking a wait-all waiter needs the locks of all its objects; every
 *     thread that holds more than one object lock holds the wait-all lock
 *     first, so object locks have no order among themselves and cannot
 *     deadlock.  A thread holding one object lock takes no other lock.
 *   - Lock-free fast paths (signalled waits, sets with nobody queued) only
 *     compare-and-swap a state word whose ST_LOCKED and ST_QUEUED bits are
 *     clear, so a queued waiter never misses a state change, and an object
 *     locked for a wait-all check cannot change under it: nobody ever sees
 *     a wait-all half done.
 *   - PulseEvent sets, wakes and resets inside one critical section, so it
 *     releases exactly the waiters queued at that instant.
 *
 * The waiter sleeps on its own status word (one futex, whatever the number
 * of objects), so wait-any needs no futex_waitv.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cell.h"
#include "core/error.h"
#include "core/futex.h"
#include "core/handle.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "core/handle_lookup.h"

/* waiter->queued: entries on lists, with WQ_ALL for a wait-all. */
#define WQ_ALL 0x80000000u

/* ---- wait lists (under the object lock) ----
 *
 * The next links are the truth and each change of them is one store, so
 * a process killed in the middle of a change leaves a list that a walk
 * along next links still reads correctly; prev links and the tail are
 * rebuilt from it by whoever breaks the dead holder's lock
 * (wait_repair_lists). */

static void list_append(aoff_t *head, aoff_t *tail, struct wait_entry *e)
{
    aoff_t off = arena_off(e);
    e->next = 0;
    e->prev = *tail;
    if (*tail)
        ((struct wait_entry *)arena_ptr(*tail))->next = off;
    else
        *head = off;
    *tail = off;
}

static void list_prepend(aoff_t *head, aoff_t *tail, struct wait_entry *e)
{
    aoff_t off = arena_off(e);
    e->prev = 0;
    e->next = *head;
    if (*head)
        ((struct wait_entry *)arena_ptr(*head))->prev = off;
    else
        *tail = off;
    *head = off;
}

static void list_remove(aoff_t *head, aoff_t *tail, struct wait_entry *e)
{
    if (e->prev)
        ((struct wait_entry *)arena_ptr(e->prev))->next = e->next;
    else
        *head = e->next;
    if (e->next)
        ((struct wait_entry *)arena_ptr(e->next))->prev = e->prev;
    else
        *tail = e->prev;
}

static void list_repair(aoff_t head, aoff_t *tail)
{
    aoff_t prev = 0;
    for (aoff_t off = head; off;) {
        struct wait_entry *e = arena_ptr(off);
        e->prev = prev;
        prev = off;
        off = e->next;
    }
    *tail = prev;
}

/* ST_QUEUED mirrors "some list is non-empty".  Only that bit is written:
 * an event's value may change under the lock (a plain ResetEvent, "plain
 * resets" below), and writing back a value read before would undo it. */
static void update_queued(struct object *o)
{
    uint64_t s = obj_state(o);
    bool queued = o->any_head || o->all_head;
    if (queued && !(s & ST_QUEUED))
        atomic_fetch_or_explicit(&o->state, (uint64_t)ST_QUEUED, memory_order_release);
    else if (!queued && (s & ST_QUEUED))
        atomic_fetch_and_explicit(&o->state, ~(uint64_t)ST_QUEUED, memory_order_release);
}

/* ---- plain resets ----
 *
 * ResetEvent of a signalled event with nobody queued and the lock free is
 * a plain 32-bit store of 0 into the value half of the state word
 * (event.c), not a compare-and-swap: a reset needs to wake nobody, so it
 * needs no atomic check of the other bits.  The store lands at some
 * instant t after the state was seen; it is the reset, linearized at t,
 * whatever happened in between:
 *   - the word unlocked at t: value 0 is the reset state whatever the
 *     value was (set again since, consumed by an auto-reset wait, reset or
 *     pulsed by others), and the low half (lock bits, ST_QUEUED, the
 *     manual-reset flag) is not written.  Queued waiters (a wait-all can
 *     wait on a signalled event) need no wake for a reset.
 *   - a lock-free compare-and-swap (a wait's, SetEvent's, PulseEvent's)
 *     compares the whole word: before t it wins and the store follows it,
 *     after t it fails and retries on the new value.
 *   - the word locked at t: nobody sees the value but the holder (every
 *     lock-free path leaves a locked word to the slow path), so the reset
 *     may be taken to happen where the holder's view allows.  Holders
 *     decide on the state they read and never write it back unchanged
 *     (store_claimed, update_queued): a waiter that read 1 took the event
 *     before t (an auto-reset consumption writes 0, the reset's value), one
 *     that read 0 queued after it; a wait-all sees its other objects
 *     locked and constant, so all were signalled at its last lock.  A
 *     SetEvent or PulseEvent under the lock hands out the value it stored
 *     (wait_wake_from: the wake scans use that state, not a re-read), so
 *     every waiter queued at its instant is released, and the reset comes
 *     after it; a store before the SetEvent's is overwritten by it (the
 *     reset came first).  A lock breaker's roll-forward finishes a claim
 *     only on the state it recorded, and skips unchanged writes.
 *   - a process killed before the store never reset; after it, it did.
 *     Every process of a session shares the rules (ARENA_VERSION).
 * The 32-bit store and the 64-bit compare-and-swaps on the same aligned
 * word are single-copy atomic and coherent on x86-64 and AArch64, as the
 * object lock's futex on the low half already assumes. */

/* Under o's lock: the state a claim leaves (next), from the state the
 * claimer read (seen); nothing is written when the claim changes nothing
 * (a manual-reset event), so a plain reset since is kept. */
static void store_claimed(struct object *o, uint64_t seen, uint64_t next)
{
    if (next != seen)
        obj_store_locked(o, next);
}

static void claim_roll_forward(struct object *o);

void wait_repair_lists(struct object *o)
{
    list_repair(o->any_head, &o->any_tail);
    list_repair(o->all_head, &o->all_tail);
    claim_roll_forward(o); /* a claim the dead holder left half done */
    update_queued(o);
}

/* ---- locking ---- */

static bool lock_for_wake(struct object *o)
{
    obj_lock(o);
    if (WS_LIKELY(!o->all_head))
        return false;
    obj_unlock(o);
    wordlock_lock(&arena_hdr()->wait_all_lock);
    obj_lock(o);
    return true;
}

static void unlock_for_wake(struct object *o, bool all)
{
    obj_unlock(o);
    if (all)
        wordlock_unlock(&arena_hdr()->wait_all_lock);
}

void wait_lock(struct object *o, struct wait_guard *g)
{
    g->nwake = 0;
    g->all = lock_for_wake(o);
}

void wait_unlock(struct object *o, struct wait_guard *g)
{
    unlock_for_wake(o, g->all);
    for (uint32_t i = 0; i < g->nwake; i++)
        futex_wake(&g->wake[i]->status, 1, ws_arena.shared);
}

/* ---- waking ---- */

static bool claim(struct waiter *w, uint32_t result)
{
    uint32_t expect = WS_WAITING;
    return atomic_compare_exchange_strong_explicit(
        &w->status, &expect, result, memory_order_acq_rel, memory_order_relaxed);
}

/* ---- claims a killed claimer left ----
 *
 * A claim is WS_WAITING -> the claimer's id (WS_CLAIM_BIT | its thread id)
 * -> the result.  Before its compare-and-swap the claimer writes on every
 * object it will consume, under that object's lock, the claimed entry, its
 * id and the state it saw (claim_record); it clears that record once the
 * object is consumed and the entry unlinked.  A claimer killed in between
 * leaves the record behind its dead lock, and whoever breaks that lock
 * finishes the object's part (claim_roll_forward, from wait_repair_lists):
 * nobody has touched the object since the claimer saw it, so "consumed
 * already" is exactly "the state is no longer the one recorded", and
 * "unlinked already" is "the entry is not on the list".  A record whose
 * compare-and-swap failed names a claim the waiter's status does not hold
 * and is just dropped.  The waiter, finding its claim unfinished after
 * CLAIM_PATIENCE_MS, takes each of its objects' locks once (breaking dead
 * holders' locks, lock breaking being bounded patience too): a live
 * claimer would have published its result before letting its lock go, so
 * if the status still names the claim then, the claimer is dead, every
 * object of the claim has been finished, and the waiter publishes the
 * result itself: claim_result, written by a wait-all claimer before its
 * compare-and-swap (it holds all the waiter's objects, so no other claimer
 * can race it) and by the lock breaker for a wait-any. */
#define CLAIM_PATIENCE_MS 200

static bool st_claiming(uint32_t st)
{
    return (st & WS_CLAIM_MASK) == WS_CLAIM_BIT;
}

static uint32_t claim_id(void)
{
    static __thread uint32_t unattached; /* a thread without winshim state */
    struct ws_thread *t = ws_current;
    uint32_t tid = t ? t->tid : unattached;
    if (!tid)
        tid = unattached = (uint32_t)syscall(SYS_gettid);
    return WS_CLAIM_BIT | (tid & ~WS_CLAIM_MASK);
}

/* The claimer's shared record names the waiter it is claiming, so that
 * its reaper wakes that waiter (which then finishes the claim) even if the
 * waiter sleeps with no timeout. */
static void claiming_set(struct waiter *w)
{
    struct ws_thread *t = ws_current;
    if (t && t->rec)
        atomic_store_explicit(&t->rec->claiming, arena_off(w), memory_order_release);
}

void wait_reap_claiming(struct shm_thread *r)
{
    struct waiter *w = arena_ptr(atomic_exchange_explicit(&r->claiming, 0,
                                                          memory_order_acq_rel));
    if (w) /* a freed record's futex word: a harmless wake */
        futex_wake(&w->status, INT32_MAX, ws_arena.shared);
}

static void claim_record(struct object *o, struct wait_entry *e, uint64_t seen,
                         uint32_t id)
{
    o->claim_prev = seen;
    o->claim_entry = arena_off(e);
    atomic_store_explicit(&o->claim_by, id, memory_order_release);
}

static void claim_unrecord(struct object *o)
{
    atomic_store_explicit(&o->claim_by, 0, memory_order_release);
}

static bool entry_linked(aoff_t head, aoff_t off)
{
    for (aoff_t x = head; x; x = ((struct wait_entry *)arena_ptr(x))->next)
        if (x == off)
            return true;
    return false;
}

/* Under o's lock, taken from a dead holder: finish its claim on o. */
static void claim_roll_forward(struct object *o)
{
    uint32_t id = atomic_load_explicit(&o->claim_by, memory_order_acquire);
    if (!id)
        return;
    struct wait_entry *e = arena_ptr(o->claim_entry);
    struct waiter *w = e ? arena_ptr(e->waiter) : NULL;
    if (w && atomic_load_explicit(&w->status, memory_order_acquire) == id) {
        bool all = w->queued & WQ_ALL, abandoned = false;
        const uint64_t keep = ST_LOCKED | ST_SLEEPERS | ST_QUEUED;
        uint64_t prev = o->claim_prev;
        uint64_t next = object_type_of(o)->acquire(o, prev, w->tid, &abandoned);
        if ((obj_state(o) & ~keep) == (prev & ~keep))
            store_claimed(o, prev, next);
        aoff_t *head = all ? &o->all_head : &o->any_head;
        aoff_t *tail = all ? &o->all_tail : &o->any_tail;
        if (entry_linked(*head, arena_off(e)))
            list_remove(head, tail, e);
        if (!all)
            w->claim_result = e->index | (abandoned ? WS_ABANDONED : 0);
    }
    claim_unrecord(o);
}

/* The waiter's side: its claim has not ended for a while. */
static uint32_t claim_stalled(struct waiter *w, struct object **objs, uint32_t n,
                              uint32_t st)
{
    for (uint32_t i = 0; i < n; i++) {
        obj_lock(objs[i]); /* breaks a dead claimer's lock, finishing its part */
        obj_unlock(objs[i]);
    }
    uint32_t expect = st;
    if (atomic_compare_exchange_strong_explicit(&w->status, &expect, w->claim_result,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
        return w->claim_result;
    return expect;
}

static void claim_end(struct waiter *w, uint32_t result)
{
    atomic_store_explicit(&w->status, result, memory_order_release);
    /* The record may be another process's, freed by its reaper once that
     * process is gone: an ordering TSan cannot see (no-op otherwise). */
    ws_tsan_xproc_release();
}

/* The futex wake is issued after the locks go (wait_unlock); a full batch
 * wakes at once.  A late wake of a waiter that has moved on is a harmless
 * spurious wake-up: waiters re-check their status word. */
static void wake_later(struct wait_guard *g, struct waiter *w)
{
    if (g->nwake < WAKE_BATCH)
        g->wake[g->nwake++] = w;
    else
        futex_wake(&w->status, 1, ws_arena.shared);
}

/* *sp: o's state as the waker left it, kept up to date here (plain
 * resets: a re-read could see a reset the waker's instant precedes).
 * retry: o is a mutex its owner has just released
 * (wait_wake_released_locked). */
static void wake_any_locked(struct object *o, struct wait_guard *g, uint64_t *sp,
                            bool retry)
{
    const struct object_type *t = object_type_of(o);
    const uint32_t id = claim_id();
    for (aoff_t off = o->any_head; off;) {
        struct wait_entry *e = arena_ptr(off);
        struct waiter *w = arena_ptr(e->waiter);
        off = e->next;
        if (atomic_load_explicit(&w->status, memory_order_relaxed) != WS_WAITING)
            continue;
        uint64_t s = *sp;
        if (!t->signaled(o, s, w->tid))
            continue;
        bool abandoned = false;
        uint64_t next = t->acquire(o, s, w->tid, &abandoned);
        bool again = retry && !abandoned && w->retries < WS_RETRY_MAX;
        claim_record(o, e, s, id);
        claiming_set(w);
        if (claim(w, id)) {
            /* The result, for whoever finishes the claim should we die
             * from here on (claim_stalled); up to claim_unrecord, a lock
             * breaker rolls the claim forward instead, a retry into a
             * hand-off (claim_roll_forward). */
            uint32_t result = e->index | (again ? WS_RETRY : 0) |
                              (abandoned ? WS_ABANDONED : 0);
            w->claim_result = result;
            ws_fault(FAULT_CLAIMING);
            /* The claimer unlinks what it claimed; the waiter unlinks the
             * rest (wait_unregister). */
            list_remove(&o->any_head, &o->any_tail, e);
            if (!again) {
                store_claimed(o, s, next);
                *sp = next;
            }
            update_queued(o);
            claim_unrecord(o);
            claim_end(w, result);
            wake_later(g, w);
            if (again)
                break; /* one waiter tries; the mutex stays free */
        } else {
            claim_unrecord(o);
        }
    }
}

/* With every object locked: can tid take them all at once?  Then seen[]
 * holds the states it read (self's is self_state: a waker's, see
 * wake_any_locked), next[] their states afterwards and *result the
 * wait-all status (the first abandoned mutex, if any, as
 * WAIT_ABANDONED_0 + i). */
static bool all_acquirable(struct object **objs, uint32_t n, uint32_t tid,
                           const struct object *self, uint64_t self_state,
                           uint64_t *seen, uint64_t *next, uint32_t *result)
{
    *result = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct object_type *t = object_type_of(objs[i]);
        uint64_t s = objs[i] == self ? self_state : obj_state(objs[i]);
        seen[i] = s;
        bool abandoned = false;
        if (!t->signaled(objs[i], s, tid))
            return false;
        next[i] = t->acquire(objs[i], s, tid, &abandoned);
        if (abandoned && !(*result & WS_ABANDONED))
            *result = WS_ABANDONED | i;
    }
    return true;
}

/* With the wait-all lock and o's lock held: every wait-all waiter queued
 * on o whose objects are now all signalled takes them all.  *sp as for
 * wake_any_locked. */
static void wake_all_locked(struct object *o, struct wait_guard *g, uint64_t *sp)
{
    for (aoff_t off = o->all_head; off;) {
        struct wait_entry *e = arena_ptr(off);
        struct waiter *w = arena_ptr(e->waiter);
        off = e->next;
        if (atomic_load_explicit(&w->status, memory_order_relaxed) != WS_WAITING)
            continue;
        struct object *objs[MAXIMUM_WAIT_OBJECTS];
        const uint32_t n = w->count;
        for (uint32_t i = 0; i < n; i++) {
            objs[i] = arena_ptr(w->objs[i]);
            if (objs[i] != o)
                obj_lock(objs[i]);
        }
        uint64_t seen[MAXIMUM_WAIT_OBJECTS], next[MAXIMUM_WAIT_OBJECTS];
        uint32_t result;
        bool ready = all_acquirable(objs, n, w->tid, o, *sp, seen, next, &result);
        if (ready) {
            const uint32_t id = claim_id();
            for (uint32_t i = 0; i < n; i++)
                claim_record(objs[i], &w->entries[i], seen[i], id);
            w->claim_result = result;
            claiming_set(w);
            bool claimed = claim(w, id);
            if (claimed)
                ws_fault(FAULT_CLAIMING);
            for (uint32_t i = 0; i < n; i++) {
                if (claimed) {
                    list_remove(&objs[i]->all_head, &objs[i]->all_tail, &w->entries[i]);
                    store_claimed(objs[i], seen[i], next[i]);
                    if (objs[i] == o)
                        *sp = next[i];
                    update_queued(objs[i]);
                }
                claim_unrecord(objs[i]);
            }
            if (claimed) {
                claim_end(w, result);
                wake_later(g, w);
            }
        }
        for (uint32_t i = 0; i < n; i++)
            if (objs[i] != o)
                obj_unlock(objs[i]);
    }
}

void wait_wake_locked(struct object *o, struct wait_guard *g)
{
    wait_wake_from(o, g, obj_state(o));
}

void wait_wake_from(struct object *o, struct wait_guard *g, uint64_t s)
{
    if (g->all)
        wake_all_locked(o, g, &s);
    wake_any_locked(o, g, &s, false);
}

/* ---- released mutexes ----
 *
 * Handing a released mutex to the first waiter (as wait_wake_locked does)
 * makes a lock convoy: until the scheduler runs that waiter, the mutex
 * belongs to a thread that is not running, and the releaser's next wait
 * finds it owned, queues and sleeps; each hand-off puts a wake-up latency
 * on the critical path of both threads, and the pattern repeats.  So a
 * release leaves the mutex free, and claims the first wait-any waiter
 * with WS_RETRY | its index through the ordinary claim (record,
 * compare-and-swap, unlink, publish), consuming nothing.  The woken waiter
 * runs its whole wait again (wait_slow), from the fast path, with the
 * same deadline; whoever comes first takes the mutex, which Windows
 * allows (it promises waiters no order).  What stays as it was:
 *   - a waiter told to retry WS_RETRY_MAX times in one wait is handed the
 *     mutex on the next release, and a retried waiter queues again at the
 *     head of the lists (it keeps its place): nobody starves;
 *   - an abandoned mutex, and wait-all waiters, are handed over directly,
 *     so WAIT_ABANDONED reaches one waiter at once and wait-all stays
 *     atomic;
 *   - a claimer killed half-way through a retry is rolled forward by
 *     claim_roll_forward into a plain hand-off (the state it recorded is
 *     still the state), also correct;
 *   - the wake-up is never lost: a retried waiter owes one to the mutex
 *     until its next registration queues on it (then the next release
 *     wakes someone) or it takes the mutex; leaving otherwise (timeout,
 *     APC, another object of a wait-any) it hands the mutex to the next
 *     waiter (wait_pass_on), and a reaper does the same for a dead one.
 * Recursion and ownership records are untouched: they happen at
 * acquisition. */
void wait_wake_released_locked(struct object *o, struct wait_guard *g)
{
    uint64_t s = obj_state(o);
    if (g->all)
        wake_all_locked(o, g, &s);
    wake_any_locked(o, g, &s, true);
}

/* A retried waiter leaves without o: whoever can take o now is handed
 * it. */
static void wait_pass_on(struct object *o)
{
    struct wait_guard g;
    wait_lock(o, &g);
    wait_wake_locked(o, &g);
    wait_unlock(o, &g);
}

static bool status_retry(uint32_t st)
{
    return (st & ~(uint32_t)(MAXIMUM_WAIT_OBJECTS - 1)) == WS_RETRY;
}

/* ---- waiting ---- */

/* FAST_KEPT: acquired with no change to the state (fast_next only). */
enum fast_result { FAST_ACQUIRED, FAST_NOT_SIGNALED, FAST_SLOW, FAST_KEPT };

/* The state transition of a wait on a kind whose state encoding the core
 * knows (object.h, enum fast_kind: `kind` is t->fast, or a constant when
 * the caller has tested it), from state s for thread *tidp (read only for
 * an owning kind), with no call:
 * FAST_ACQUIRED with the state afterwards in *next (*abandoned set for an
 * abandoned mutex, left alone otherwise), FAST_KEPT when that state is s
 * (a manual-reset event: nothing to write), FAST_NOT_SIGNALED, or
 * FAST_SLOW for a kind the core does not know (FK_CALL: ask the type).
 * The one copy of these rules for every lock-free path. */
static inline __attribute__((always_inline)) enum fast_result
fast_next(uint8_t kind, const struct object_type *t, uint64_t s, const uint32_t *tidp,
          uint64_t *next, bool *abandoned)
{
    switch (kind) {
    case FK_FLAG:
        if (!st_value(s))
            return FAST_NOT_SIGNALED;
        if (st_flags(s) & t->fast_keep) {
            *next = s;
            return FAST_KEPT;
        }
        *next = st_with_value(s, 0);
        return FAST_ACQUIRED;
    case FK_COUNT:
        if (!st_value(s))
            return FAST_NOT_SIGNALED;
        *next = st_with_value(s, st_value(s) - 1);
        return FAST_ACQUIRED;
    case FK_OWNER: {
        uint32_t owner = st_value(s), tid = *tidp;
        uint32_t count = st_flags(s) >> ST_OWNER_COUNT_SHIFT;
        if (owner == 0) {
            *abandoned = st_flags(s) & ST_OWNER_ABANDONED;
            count = 1;
        } else if (owner == tid && count < ST_OWNER_COUNT_MAX) {
            count++;
        } else {
            return FAST_NOT_SIGNALED;
        }
        *next = ((uint64_t)tid << 32) | (s & 0xffffffffu & ~(uint64_t)ST_FLAGS_MASK) |
                ((uint64_t)count << ST_OWNER_COUNT_SHIFT);
        return FAST_ACQUIRED;
    }
    default:
        return FAST_SLOW;
    }
}

/* One lock-free attempt on one object; no system call, and no write at
 * all when acquiring leaves the state unchanged (a manual-reset event). */
static inline __attribute__((always_inline)) enum fast_result try_fast(struct object *o, uint32_t tid, bool *abandoned)
{
    const struct object_type *t = object_type_of(o);
    uint64_t s = atomic_load_explicit(&o->state, memory_order_acquire);
    for (int tries = 0; tries < 8; tries++) {
        if (s & ST_SLOW)
            return FAST_SLOW;
        uint64_t next;
        *abandoned = false;
        /* Events, the most frequent, tested first. */
        enum fast_result r = WS_LIKELY(t->fast == FK_FLAG)
                                 ? fast_next(FK_FLAG, t, s, &tid, &next, abandoned)
                                 : fast_next(t->fast, t, s, &tid, &next, abandoned);
        if (r == FAST_NOT_SIGNALED)
            return r;
        if (WS_UNLIKELY(r == FAST_SLOW)) {
            if (!t->signaled(o, s, tid))
                return FAST_NOT_SIGNALED;
            next = t->acquire(o, s, tid, abandoned);
            r = next == s ? FAST_KEPT : FAST_ACQUIRED;
        }
        if (r == FAST_KEPT ||
            atomic_compare_exchange_weak_explicit(&o->state, &s, next,
                                                  memory_order_acquire,
                                                  memory_order_acquire))
            return FAST_ACQUIRED;
    }
    return FAST_SLOW;
}

/* o is not signalled for tid, in a state word nobody is changing under
 * the object lock: a committed state (a queued waiter changes nothing
 * without the lock), so a wait with a zero timeout may count it as
 * unsignalled at that instant without taking the lock.  False when not
 * sure (locked, as a granted proxy always is). */
static inline __attribute__((always_inline)) bool surely_unsignalled(struct object *o, uint32_t tid)
{
    uint64_t s = obj_state(o);
    if (s & ST_LOCKED)
        return false;
    const struct object_type *t = object_type_of(o);
    switch (t->fast) {
    case FK_FLAG:
    case FK_COUNT:
        return !st_value(s);
    case FK_OWNER:
        return st_value(s) &&
               (st_value(s) != tid || (st_flags(s) >> ST_OWNER_COUNT_SHIFT) >= ST_OWNER_COUNT_MAX);
    default:
        return !t->signaled(o, s, tid);
    }
}

/* Checks, and with `queue` registers, under the locks; returns the status
 * (WS_WAITING when queued and not yet satisfied).  *queued tells how many
 * entries went on lists. */
static uint32_t wait_register(struct waiter *w, struct object **objs,
                              uint32_t n, bool all, bool queue,
                              uint32_t *queued)
{
    *queued = 0;
    if (!all) {
        for (uint32_t i = 0; i < n; i++) {
            struct object *o = objs[i];
            bool lock_all = lock_for_wake(o);
            if (atomic_load_explicit(&w->status, memory_order_acquire) != WS_WAITING) {
                unlock_for_wake(o, lock_all);
                break;
            }
            const struct object_type *t = object_type_of(o);
            uint64_t s = obj_state(o);
            if (t->signaled(o, s, w->tid)) {
                bool abandoned = false;
                uint64_t next = t->acquire(o, s, w->tid, &abandoned);
                if (claim(w, i | (abandoned ? WS_ABANDONED : 0)))
                    store_claimed(o, s, next);
                unlock_for_wake(o, lock_all);
                break;
            }
            if (queue) {
                struct wait_entry *e = &w->entries[i];
                e->waiter = arena_off(w);
                e->index = i;
                /* A retried waiter keeps its place (wait_slow). */
                if (t->lifo_waiters || (w->retries && !(w->retries & WR_NEVER)))
                    list_prepend(&o->any_head, &o->any_tail, e);
                else
                    list_append(&o->any_head, &o->any_tail, e);
                update_queued(o);
                *queued = i + 1;
                w->queued = i + 1;
            }
            unlock_for_wake(o, lock_all);
        }
        return atomic_load_explicit(&w->status, memory_order_acquire);
    }

    struct wordlock *global = &arena_hdr()->wait_all_lock;
    wordlock_lock(global);
    for (uint32_t i = 0; i < n; i++)
        obj_lock(objs[i]);
    uint64_t seen[MAXIMUM_WAIT_OBJECTS], next[MAXIMUM_WAIT_OBJECTS];
    uint32_t result;
    bool ready = all_acquirable(objs, n, w->tid, NULL, 0, seen, next, &result);
    if (ready) {
        for (uint32_t i = 0; i < n; i++)
            store_claimed(objs[i], seen[i], next[i]);
        atomic_store_explicit(&w->status, result, memory_order_relaxed);
    } else if (queue) {
        for (uint32_t i = 0; i < n; i++) {
            struct wait_entry *e = &w->entries[i];
            e->waiter = arena_off(w);
            e->index = i;
            list_append(&objs[i]->all_head, &objs[i]->all_tail, e);
            update_queued(objs[i]);
        }
        *queued = n;
        w->queued = n | WQ_ALL;
    }
    for (uint32_t i = 0; i < n; i++)
        obj_unlock(objs[i]);
    wordlock_unlock(global);
    return atomic_load_explicit(&w->status, memory_order_acquire);
}

/* The wait got its object(s): an index, possibly or-ed with WS_ABANDONED. */
static bool status_acquired(uint32_t st)
{
    return st < 2 * WS_ABANDONED;
}

/* Takes the waiter's entries off the lists, except those its claimer
 * already unlinked: the claimed entry of a wait-any, every entry of a
 * wait-all. */

static void wait_unregister(struct waiter *w, struct object **objs,
                            uint32_t queued, bool all, uint32_t st)
{
    if (!all) {
        uint32_t claimed = status_acquired(st) || status_retry(st) ? (st & 0xff) : UINT32_MAX;
        for (uint32_t i = 0; i < queued; i++) {
            if (i == claimed)
                continue;
            bool lock_all = lock_for_wake(objs[i]);
            list_remove(&objs[i]->any_head, &objs[i]->any_tail, &w->entries[i]);
            update_queued(objs[i]);
            unlock_for_wake(objs[i], lock_all);
        }
        return;
    }
    if (!queued || status_acquired(st))
        return;
    struct wordlock *global = &arena_hdr()->wait_all_lock;
    wordlock_lock(global);
    for (uint32_t i = 0; i < queued; i++) {
        obj_lock(objs[i]);
        list_remove(&objs[i]->all_head, &objs[i]->all_tail, &w->entries[i]);
        update_queued(objs[i]);
        obj_unlock(objs[i]);
    }
    wordlock_unlock(global);
}

/* An alertable wait lets QueueUserAPC claim the waiter with WS_ALERTED
 * (thread.c); APCs already queued alert it at once. */
static void alertable_begin(struct ws_thread *t, struct waiter *w)
{
    wordlock_lock(&t->apc_lock);
    t->alertable = true;
    if (t->apc_head)
        claim(w, WS_ALERTED);
    wordlock_unlock(&t->apc_lock);
}

static void alertable_end(struct ws_thread *t)
{
    wordlock_lock(&t->apc_lock);
    t->alertable = false;
    wordlock_unlock(&t->apc_lock);
}

/* The waiter's own timeout: its compare-and-swap, or the status a claimer
 * got in first. */
static uint32_t time_out(struct waiter *w)
{
    return claim(w, WS_TIMED_OUT) ? WS_TIMED_OUT
                                  : atomic_load_explicit(&w->status, memory_order_acquire);
}

/* Waits out a claim in progress (st): it finishes promptly, unless its
 * claimer was killed, and then it is finished here after
 * CLAIM_PATIENCE_MS.  Returns the status it ends with. */
static uint32_t wait_out_claim(struct waiter *w, struct object **objs, uint32_t n, uint32_t st)
{
    while (st_claiming(st)) {
        struct timespec patience;
        deadline_from_ms(&patience, CLAIM_PATIENCE_MS);
        int r = futex_wait(&w->status, st, &patience, ws_arena.shared);
        uint32_t was = st;
        st = atomic_load_explicit(&w->status, memory_order_acquire);
        if (st == was && r == ETIMEDOUT)
            st = claim_stalled(w, objs, n, st);
    }
    return st;
}

/* Writes down what a wait that will block asked (wait.h), for the
 * inspector; only on the blocking path, just before it queues. */
static void wait_note(struct waiter *w, DWORD timeout, bool all, bool alertable,
                      uint32_t unlisted)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    w->timeout = timeout;
    w->wflags = (all ? WF_ALL : 0) | (alertable ? WF_ALERTABLE : 0) |
                (unlisted << WF_UNLISTED_SHIFT);
    /* Last, with release: a reader that sees this wait's time sees the
     * rest of the record as this wait wrote it. */
    __atomic_store_n(&w->since, (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec,
                     __ATOMIC_RELEASE);
}

/* ---- spinning, not sleeping ----
 *
 * A wait for a mutex that another thread owns first watches it for a
 * short, bounded while (SPIN_NS in all, the first look SPIN_GAP_FIRST_NS
 * after the wait found it owned, the gaps doubling up to SPIN_GAP_MAX_NS)
 * and takes it through the lock-free path the moment it is seen free; so
 * does a waiter told to retry before it queues again.  Only after that
 * does it queue and sleep.  Two threads that take one mutex in turn then
 * never queue while both run: the release finds nobody queued (one
 * compare-and-swap, no lock, no futex wake) and the spinner needs no
 * futex wait.  The gaps are long on purpose: every look moves the state's
 * line out of the owner's cache, and every look that finds the mutex free
 * (about half of them, when the owner takes it straight back) passes it
 * to the spinner, which costs both threads their lines and sends the
 * former owner through this slow path; the longer the owner keeps it, the
 * fewer passes (ARCHITECTURE section 4 has the numbers).  Times, not
 * pause counts: a pause lasts 10 to 150 cycles depending on the processor
 * (spin_rate converts).  The first spin runs inside the caller's RCU read
 * section, before finish_slow takes its references, so that a pass
 * writes nothing (no reference count) to the line the owner is using.
 * Invariants:
 *   - a spin is reads plus try_fast: it changes nothing but the one state
 *     it acquires, with the same compare-and-swap as the fast path, so
 *     every rule of the fast path holds (a word with ST_LOCKED or
 *     ST_QUEUED is left alone: a spinner never takes a mutex from under
 *     a waker or past the queue's lock).  A mutex seen free with waiters
 *     still queued (a release that woke one of several) ends the spin at
 *     once: registering takes it under the lock, as before, instead of
 *     every spinner watching a free mutex nobody may take lock-free.  A
 *     spinner competes with the retried waiter as any fast-path acquirer
 *     does, and the retry bound still hands the mutex to the first
 *     waiter after WS_RETRY_MAX releases;
 *   - a spinner is on no list and is not WS_WAITING, so nobody can claim
 *     it, alert it or need to wake it: no wake-up can be owed to a
 *     spinner, and a retried spinner still owes the mutex's wake-up as
 *     before (wait_slow passes it on unless it took the mutex or queued);
 *   - a spin is bounded and never sleeps, so it adds no blocking: a
 *     deadline, an APC or an abandonment is noticed at most SPIN_NS late,
 *     as if the wait had begun that much later;
 *   - a thread killed in a first spin holds no reference and has queued
 *     nothing (wait_refs says 0: its reaper skips its wait record, as for
 *     a thread killed in the fast path); killed in a retry's spin it owes
 *     what it was told, so its reaper does exactly what it did before;
 *     killed between taking the mutex and recording it, it is in the fast
 *     path's window, handled as there (the reaper's scan of its table).
 * Only waits on a mutex owned by another thread spin (an event or a
 * semaphore is signalled by a producer whose pace is unrelated to the
 * waiter), only with a timeout other than 0, and only if the thread may
 * run on more than one CPU (the owner cannot run while we spin on one). */
#define SPIN_NS 16000          /* the whole spin */
#define SPIN_GAP_FIRST_NS 1000 /* before the first look */
#define SPIN_GAP_MAX_NS 4000   /* the most between two looks */
#define SPIN_AFFINITY_EVERY 256

/* Can the owner run while we spin?  Only if this thread may run on more
 * than one CPU: its affinity (sched_getaffinity), not the CPUs online,
 * since taskset, a cpuset or SetProcessAffinityMask may confine the
 * process to one.  Asked again every SPIN_AFFINITY_EVERY spins, as the
 * mask may change at any time (SetThreadAffinityMask, taskset -p). */
static __thread struct {
    uint32_t left;
    bool many;
} spin_aff;

static bool spin_cpus(void)
{
    if (WS_UNLIKELY(spin_aff.left == 0)) {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0)
            spin_aff.many = CPU_COUNT(&set) > 1;
        else /* more CPUs than a cpu_set_t holds */
            spin_aff.many = sysconf(_SC_NPROCESSORS_ONLN) > 1;
        spin_aff.left = SPIN_AFFINITY_EVERY;
    }
    spin_aff.left--;
    return spin_aff.many;
}

/* Pauses per microsecond on this CPU, measured once (a pause takes from
 * about 10 to 150 cycles depending on the processor): the spin's budget
 * and gaps are times, converted to pauses so that no clock is read while
 * spinning.  The fastest of three short timings, so that a preemption
 * during one cannot make the spin longer. */
static uint32_t spin_rate(void)
{
    static uint32_t rate; /* 0: not measured yet; a race measures twice */
    uint32_t r = __atomic_load_n(&rate, __ATOMIC_RELAXED);
    if (WS_LIKELY(r))
        return r;
    uint64_t best = UINT64_MAX;
    for (int k = 0; k < 3; k++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < 256; i++)
            cpu_relax();
        clock_gettime(CLOCK_MONOTONIC, &b);
        uint64_t ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)b.tv_nsec -
                      (uint64_t)a.tv_nsec;
        if (ns < best)
            best = ns;
    }
    r = best ? (uint32_t)(256000 / best) : 0;
    if (r < 1)
        r = 1;
    if (r > 1000) /* no clock resolution: a pause of at least 1 ns */
        r = 1000;
    __atomic_store_n(&rate, r, __ATOMIC_RELAXED);
    return r;
}

/* Does this wait-any include a mutex that another thread owns now? */
static bool spin_worth(struct object **objs, uint32_t n, uint32_t tid)
{
    for (uint32_t i = 0; i < n; i++) {
        if (object_type_of(objs[i])->fast != FK_OWNER ||
            (objs[i]->obj_flags & OBJ_GRANTED))
            continue;
        uint32_t owner = st_value(atomic_load_explicit(&objs[i]->state,
                                                      memory_order_relaxed));
        if (owner && owner != tid)
            return spin_cpus();
    }
    return false;
}

/* Looks at the objects in order, a gap of SPIN_GAP_FIRST_NS doubling up
 * to SPIN_GAP_MAX_NS between two looks, for SPIN_NS in all; a look
 * tries the lock-free path where the state may be signalled.  The status
 * (the index, with WS_ABANDONED) of the first one taken, or WS_WAITING
 * (also at once for a free mutex with waiters queued, which only the lock
 * may hand out). */
static uint32_t spin_take(struct object **objs, uint32_t n, uint32_t tid)
{
    uint32_t rate = spin_rate();
    uint32_t gap = SPIN_GAP_FIRST_NS * rate / 1000 + 1;
    uint32_t gap_max = SPIN_GAP_MAX_NS * rate / 1000 + 1;
    uint32_t left = SPIN_NS * rate / 1000;
    for (;;) {
        for (uint32_t k = 0; k < gap; k++)
            cpu_relax();
        left = left > gap ? left - gap : 0;
        if (gap < gap_max)
            gap = gap * 2 < gap_max ? gap * 2 : gap_max;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t s = atomic_load_explicit(&objs[i]->state, memory_order_relaxed);
            if ((s & ST_SLOW) == ST_QUEUED && !st_value(s) &&
                object_type_of(objs[i])->fast == FK_OWNER)
                return WS_WAITING; /* free, others queued: the lock decides */
            bool abandoned;
            if (try_fast(objs[i], tid, &abandoned) == FAST_ACQUIRED)
                return i | (abandoned ? WS_ABANDONED : 0);
        }
        if (!left)
            return WS_WAITING;
    }
}

/* A retried wait-any runs again from the fast path ("released mutexes"):
 * the status it ends with, or WS_WAITING to register again. */
static uint32_t wait_again(struct ws_thread *t, struct waiter *w, struct object **objs,
                           uint32_t n, const struct timespec *dl, bool alertable)
{
    for (uint32_t i = 0; i < n; i++) {
        bool abandoned;
        enum fast_result r = try_fast(objs[i], w->tid, &abandoned);
        if (r == FAST_ACQUIRED)
            return i | (abandoned ? WS_ABANDONED : 0);
        if (r == FAST_SLOW)
            break; /* registering looks under the lock */
    }
    if (spin_worth(objs, n, w->tid)) { /* "spinning, not sleeping" */
        uint32_t st = spin_take(objs, n, w->tid);
        if (st != WS_WAITING)
            return st;
    }
    if (alertable && thread_apc_pending(t))
        return WS_ALERTED;
    if (dl && deadline_passed(dl))
        return WS_TIMED_OUT;
    for (uint32_t i = 0; i < n; i++) { /* a new owner's death must wake us too */
        const struct object_type *ty = object_type_of(objs[i]);
        if (ty->blocking)
            ty->blocking(objs[i]);
    }
    atomic_store_explicit(&w->status, WS_WAITING, memory_order_relaxed);
    if (alertable)
        alertable_begin(t, w); /* an APC queued meanwhile alerts it */
    return WS_WAITING;
}

/* The blocking path.  The caller holds a reference on every object.
 * n = 0 is an alertable sleep. */
static uint32_t wait_slow(struct object **objs, uint32_t n, bool all,
                          DWORD timeout, bool alertable)
{
    struct ws_thread *t = thread_current();
    struct waiter *w = t->waiter;
    w->retries = 0;
    atomic_store_explicit(&w->status, WS_WAITING, memory_order_relaxed);
    if (alertable)
        alertable_begin(t, w);
    w->tid = t->tid;
    w->count = n;
    for (uint32_t i = 0; i < n; i++)
        w->objs[i] = arena_off(objs[i]);

    struct timespec deadline, *dl = NULL;
    if (timeout != INFINITE && timeout != 0) {
        deadline_from_ms(&deadline, timeout);
        dl = &deadline;
    }

    if (timeout != 0)
        for (uint32_t i = 0; i < n; i++) {
            const struct object_type *ty = object_type_of(objs[i]);
            if (WS_UNLIKELY(ty->blocking != NULL))
                ty->blocking(objs[i]);
        }

    if (timeout != 0)
        wait_note(w, timeout, all, alertable, 0);
    uint32_t st, owed = UINT32_MAX; /* the object a retry left free */
    do {
        uint32_t queued;
        w->queued = 0;
        st = wait_register(w, objs, n, all, timeout != 0, &queued);
        if (st == WS_WAITING && timeout == 0) /* nothing queued; an APC may alert */
            st = time_out(w);
        /* A thread counted as running by a completion port stops counting
         * while it sleeps here, so that another may take a packet (iocp.c). */
        bool iocp_blocked = st == WS_WAITING && t->iocp_counted;
        if (WS_UNLIKELY(iocp_blocked))
            ws_hooks.thread_blocking(t);
        while (st == WS_WAITING) {
            int r = futex_wait(&w->status, st, dl, ws_arena.shared);
            st = atomic_load_explicit(&w->status, memory_order_acquire);
            if (st == WS_WAITING && (r == ETIMEDOUT || (dl && deadline_passed(dl))))
                st = time_out(w);
        }
        st = wait_out_claim(w, objs, n, st);
        if (WS_UNLIKELY(iocp_blocked))
            ws_hooks.thread_unblocked(t);
        wait_unregister(w, objs, queued, all, st);
        w->queued = 0;
        if (WS_LIKELY(owed == UINT32_MAX) && WS_LIKELY(!status_retry(st)))
            break;
        /* The retried-for mutex is left to the next waiter unless this
         * round queued on it (its release wakes someone) or took it. */
        if (owed != UINT32_MAX && queued <= owed &&
            !(status_acquired(st) && (st & 0xff) == owed))
            wait_pass_on(objs[owed]);
        owed = UINT32_MAX;
        if (status_retry(st)) {
            owed = st & 0xff;
            w->retries++;
            st = wait_again(t, w, objs, n, dl, alertable);
            if (st != WS_WAITING && !(status_acquired(st) && (st & 0xff) == owed))
                wait_pass_on(objs[owed]);
        }
    } while (st == WS_WAITING);
    if (alertable)
        alertable_end(t);
    return st;
}

/* ---- waits that include granted objects (cell.c) ----
 *
 * A granted object's state is in a file of its own, which other users
 * change without ever seeing our wait records, so it cannot queue this
 * waiter.  The thread registers on the session objects of the wait as
 * usual and sleeps, with futex_waitv, on its status word and on each
 * granted object's futex word at once; woken by the latter, it tries to
 * take the granted object and, if that works, takes itself back from the
 * session objects with the same compare-and-swap a timeout uses.  Should
 * a session object have claimed it first, what it took from the granted
 * object is given back.  A wait-all including a granted object cannot be
 * atomic across the two: ERROR_NOT_SUPPORTED. */

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

struct futex_vec {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};

static bool any_granted(struct object **objs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (objs[i]->obj_flags & OBJ_GRANTED)
            return true;
    return false;
}

/* Returns the status as wait_slow does, or WS_FAILED with *err. */
#define WS_FAILED 0xfffffffbu
static uint32_t wait_granted(struct object **objs, uint32_t n, bool all, DWORD timeout,
                             bool alertable, DWORD *err)
{
    if (all) {
        *err = ERROR_NOT_SUPPORTED;
        return WS_FAILED;
    }
    struct ws_thread *t = thread_current();
    struct waiter *w = t->waiter;
    struct cell_wait cw[MAXIMUM_WAIT_OBJECTS];
    struct object *aobjs[MAXIMUM_WAIT_OBJECTS];
    uint32_t amap[MAXIMUM_WAIT_OBJECTS], na = 0, began = 0, tid = t->tid;
    uint32_t result = WS_TIMED_OUT;
    bool abandoned, done = false;
    *err = ERROR_SUCCESS;
    for (uint32_t i = 0; i < n; i++) {
        if (!(objs[i]->obj_flags & OBJ_GRANTED)) {
            amap[na] = i;
            aobjs[na++] = objs[i];
        } else if ((*err = cell_wait_begin(objs[i], &cw[i]))) {
            break;
        }
        began = i + 1;
    }
    /* Signalled now: the lowest index wins, as Windows has it. */
    for (uint32_t i = 0; !*err && i < n && !done; i++) {
        if (objs[i]->obj_flags & OBJ_GRANTED)
            done = cell_try(&cw[i], &abandoned);
        else
            done = try_fast(objs[i], tid, &abandoned) == FAST_ACQUIRED;
        if (done)
            result = i | (abandoned ? WS_ABANDONED : 0);
    }
    if (*err || done || timeout == 0)
        goto out;

    atomic_store_explicit(&w->status, WS_WAITING, memory_order_relaxed);
    if (alertable)
        alertable_begin(t, w);
    w->tid = tid;
    w->count = na;
    w->retries = WR_NEVER; /* its loop does not run again: hand mutexes over */
    for (uint32_t j = 0; j < na; j++)
        w->objs[j] = arena_off(aobjs[j]);
    struct timespec deadline, *dl = NULL;
    if (timeout != INFINITE) {
        deadline_from_ms(&deadline, timeout);
        dl = &deadline;
    }
    for (uint32_t j = 0; j < na; j++) {
        const struct object_type *ty = object_type_of(aobjs[j]);
        if (ty->blocking)
            ty->blocking(aobjs[j]);
    }
    wait_note(w, timeout, false, alertable, n - na);
    uint32_t queued = 0;
    w->queued = 0;
    uint32_t st = na ? wait_register(w, aobjs, na, false, true, &queued)
                     : atomic_load_explicit(&w->status, memory_order_acquire);
    bool iocp_blocked = st == WS_WAITING && t->iocp_counted;
    if (iocp_blocked)
        ws_hooks.thread_blocking(t);
    while (st == WS_WAITING) {
        struct futex_vec v[MAXIMUM_WAIT_OBJECTS + 1];
        uint32_t nv = 0;
        v[nv++] = (struct futex_vec){.val = WS_WAITING,
                                     .uaddr = (uintptr_t)&w->status,
                                     .flags = FUTEX_32 | (ws_arena.shared ? 0 : FUTEX_PRIVATE_FLAG)};
        for (uint32_t i = 0; i < n; i++)
            if (objs[i]->obj_flags & OBJ_GRANTED) {
                uint32_t val;
                _Atomic uint32_t *word = cell_sleep_begin(&cw[i], &val);
                v[nv++] = (struct futex_vec){.val = val, .uaddr = (uintptr_t)word,
                                             .flags = FUTEX_32};
            }
        /* Tried after the words were read, so no wake-up is missed. */
        for (uint32_t i = 0; i < n && !done; i++)
            if ((objs[i]->obj_flags & OBJ_GRANTED) && cell_try(&cw[i], &abandoned)) {
                if (claim(w, WS_TIMED_OUT)) {
                    done = true;
                    result = i | (abandoned ? WS_ABANDONED : 0);
                } else {
                    cell_undo(&cw[i]); /* a session object was first */
                }
                break;
            }
        long r = 0;
        if (!done && atomic_load_explicit(&w->status, memory_order_acquire) == WS_WAITING) {
            r = syscall(SYS_futex_waitv, v, nv, 0, dl, CLOCK_MONOTONIC);
            if (r < 0 && errno == ENOSYS) {
                /* A kernel before 5.16: sleep on the status word alone and
                 * look at the granted objects every millisecond. */
                struct timespec tick;
                deadline_from_ms(&tick, 1);
                if (dl && dl->tv_sec * 1000000000LL + dl->tv_nsec <
                              tick.tv_sec * 1000000000LL + tick.tv_nsec)
                    tick = *dl;
                r = futex_wait(&w->status, WS_WAITING, &tick, ws_arena.shared) == ETIMEDOUT &&
                            dl && deadline_passed(dl)
                        ? (errno = ETIMEDOUT, -1)
                        : 0;
            }
        }
        for (uint32_t i = 0; i < n; i++)
            if (objs[i]->obj_flags & OBJ_GRANTED)
                cell_sleep_end(&cw[i]);
        st = atomic_load_explicit(&w->status, memory_order_acquire);
        if (done)
            break;
        if (st == WS_WAITING && ((r < 0 && errno == ETIMEDOUT) || (dl && deadline_passed(dl))))
            st = time_out(w);
    }
    st = wait_out_claim(w, aobjs, na, st);
    if (iocp_blocked)
        ws_hooks.thread_unblocked(t);
    if (!done) {
        wait_unregister(w, aobjs, queued, false, st);
        result = status_acquired(st) ? amap[st & 0xff] | (st & WS_ABANDONED) : st;
    } else {
        wait_unregister(w, aobjs, queued, false, WS_TIMED_OUT);
    }
    w->queued = 0;
    if (alertable)
        alertable_end(t);
out:
    for (uint32_t i = 0; i < began; i++)
        if (objs[i]->obj_flags & OBJ_GRANTED)
            cell_wait_end(&cw[i]);
    if (*err)
        return WS_FAILED;
    return result;
}

/* A dead thread's wait: time it out (unless someone claimed it already),
 * take its entries off the lists, give up what it acquired but never got
 * to record (mutexes), and drop the references it held. */
void wait_reap_waiter(struct waiter *w, struct shm_thread *r)
{
    if (!atomic_load_explicit(&r->wait_refs, memory_order_acquire))
        return;
    uint32_t n = w->count > MAXIMUM_WAIT_OBJECTS ? MAXIMUM_WAIT_OBJECTS : w->count;
    struct object *objs[MAXIMUM_WAIT_OBJECTS];
    for (uint32_t i = 0; i < n; i++)
        objs[i] = arena_ptr(w->objs[i]);
    if (!claim(w, WS_TIMED_OUT)) {
        /* A claim in progress: let it end, or finish it if its claimer
         * is dead too. */
        for (int i = 0; i < 1000 &&
                        st_claiming(atomic_load_explicit(&w->status, memory_order_acquire));
             i++)
            sched_yield();
        uint32_t st = atomic_load_explicit(&w->status, memory_order_acquire);
        if (st_claiming(st))
            claim_stalled(w, objs, n, st);
    }
    uint32_t st = atomic_load_explicit(&w->status, memory_order_acquire);
    bool all = w->queued & WQ_ALL;
    uint32_t queued = w->queued & ~WQ_ALL;
    if (queued > n)
        queued = n;
    wait_unregister(w, objs, queued, all, st);
    w->queued = 0;
    if (status_acquired(st))
        for (uint32_t i = 0; i < n; i++)
            if (all || i == (st & 0xff))
                if (object_type_of(objs[i])->abandon)
                    object_type_of(objs[i])->abandon(objs[i], r->tid, false);
    /* Told to run its wait again, it may have died owing a mutex's wake-up
     * to the next waiter ("released mutexes"): passed on for each. */
    if (status_retry(st) || (w->retries && !(w->retries & WR_NEVER)))
        for (uint32_t i = 0; i < n; i++)
            if (!status_acquired(st) || i != (st & 0xff))
                wait_pass_on(objs[i]);
    atomic_store_explicit(&r->wait_refs, 0, memory_order_release);
    for (uint32_t i = 0; i < n; i++)
        object_unref(objs[i]);
}

static DWORD status_to_wait(uint32_t st)
{
    if (st == WS_TIMED_OUT)
        return WAIT_TIMEOUT;
    if (st == WS_ALERTED)
        return WAIT_IO_COMPLETION;
    if (st & WS_ABANDONED)
        return WAIT_ABANDONED_0 + (st & 0xff);
    return WAIT_OBJECT_0 + st;
}

static DWORD wait_failed(DWORD err)
{
    ws_set_last_error(err);
    return WAIT_FAILED;
}

/* The waiting thread got o: the type may want to know (mutex ownership). */
static void note_acquired(struct object *o, uint32_t tid)
{
    const struct object_type *t = object_type_of(o);
    if (WS_UNLIKELY(t->acquired != NULL) && !(o->obj_flags & OBJ_GRANTED))
        t->acquired(o, tid);
}

/* Runs the APCs of an alerted wait, after every lock and reference of the
 * wait is gone. */
static DWORD run_apcs(void)
{
    thread_run_apcs(thread_current());
    return WAIT_IO_COMPLETION;
}

/* Called inside ws_rcu_lock(); leaves it. */
static DWORD finish_slow(struct object **objs, uint32_t n, bool all,
                         DWORD timeout, bool alertable)
{
    struct ws_thread *t = thread_current();
    struct waiter *w = t->waiter;
    if (!all && timeout != 0 && spin_worth(objs, n, t->tid) && !any_granted(objs, n)) {
        /* "spinning, not sleeping", still inside the RCU read section:
         * no reference taken, nothing queued, nothing owed, so a thread
         * killed here is in the fast path's shoes. */
        uint32_t st = spin_take(objs, n, t->tid);
        if (st != WS_WAITING) {
            note_acquired(objs[st & 0xff], t->tid);
            ws_rcu_unlock();
            return status_to_wait(st);
        }
    }
    /* The references are written down where a reaper finds them. */
    w->count = n;
    for (uint32_t i = 0; i < n; i++) {
        w->objs[i] = arena_off(objs[i]);
        object_ref(objs[i]);
    }
    atomic_store_explicit(&t->rec->wait_refs, 1, memory_order_release);
    ws_rcu_unlock();
    DWORD err = ERROR_SUCCESS;
    uint32_t st = WS_UNLIKELY(any_granted(objs, n))
                      ? wait_granted(objs, n, all, timeout, alertable, &err)
                      : wait_slow(objs, n, all, timeout, alertable);
    if (status_acquired(st)) {
        uint32_t tid = thread_tid();
        for (uint32_t i = 0; i < n; i++)
            if (all || i == (st & 0xff))
                note_acquired(objs[i], tid);
    }
    atomic_store_explicit(&t->rec->wait_refs, 0, memory_order_release);
    for (uint32_t i = 0; i < n; i++)
        object_unref(objs[i]);
    if (err)
        return wait_failed(err);
    return st == WS_ALERTED ? run_apcs() : status_to_wait(st);
}

/* Waits for one object already looked up; called inside ws_rcu_lock(),
 * leaves it.  The signalled case is one load (or one compare-and-swap):
 * no lock, no system call.  Objects are checked before APCs, as Windows
 * does: a signalled object wins over a queued APC. */
static inline __attribute__((always_inline)) DWORD wait_object(struct object *o, DWORD timeout, bool alertable)
{
    bool abandoned = false;
    uint32_t tid = thread_tid();
    enum fast_result r = try_fast(o, tid, &abandoned);
    if (WS_LIKELY(r == FAST_ACQUIRED)) {
        note_acquired(o, tid);
        ws_rcu_unlock();
        return abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0;
    }
    if (alertable && thread_apc_pending(thread_current())) {
        ws_rcu_unlock();
        return run_apcs();
    }
    if (r == FAST_NOT_SIGNALED && timeout == 0) {
        ws_rcu_unlock();
        return WAIT_TIMEOUT;
    }
    return finish_slow(&o, 1, false, timeout, alertable);
}

DWORD wait_object_ref(struct object *o, DWORD timeout, bool alertable)
{
    ws_rcu_lock();
    return wait_object(o, timeout, alertable);
}

static __attribute__((noinline)) DWORD wait_one(HANDLE h, DWORD timeout, bool alertable)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &waitable_any, SYNCHRONIZE, &o, NULL);
    if (WS_UNLIKELY(err)) {
        ws_rcu_unlock();
        return wait_failed(err);
    }
    return wait_object(o, timeout, alertable);
}

static bool is_pseudo_handle(HANDLE h)
{
    return h == PSEUDO_CURRENT_PROCESS || h == PSEUDO_CURRENT_THREAD;
}

/* ---- the zero-timeout wait-any scan ----
 *
 * What scan_any needs of an object's kind, by type id, in one byte (the
 * type descriptor is two dependent loads away; this is one, from a line
 * that stays cached): SC_NONE for no kind or a kind that cannot be waited
 * on, SC_CALL for a waitable kind whose encoding the core does not know
 * (it asks t->signaled), SC_VALUE for FK_FLAG and FK_COUNT (signalled
 * while the value is non-zero), SC_OWNER for FK_OWNER.  Filled by a
 * constructor from object_types[]; a byte still SC_NONE only sends the
 * call through the general pass, which gives the same answer slower. */
enum scan_class { SC_NONE, SC_CALL, SC_VALUE, SC_OWNER };
_Static_assert((TYPE_COUNT & (TYPE_COUNT - 1)) == 0, "type ids are masked with TYPE_COUNT - 1");
static uint8_t scan_class[TYPE_COUNT];

__attribute__((constructor)) static void scan_class_init(void)
{
    for (uint32_t i = 0; i < TYPE_COUNT; i++) {
        const struct object_type *t = object_types[i];
        if (!t || !t->signaled)
            scan_class[i] = SC_NONE;
        else if (t->fast == FK_FLAG || t->fast == FK_COUNT)
            scan_class[i] = SC_VALUE;
        else if (t->fast == FK_OWNER)
            scan_class[i] = SC_OWNER;
        else
            scan_class[i] = SC_CALL;
    }
}

/* The bits of a decoded handle value (v, below) that choose its chunk. */
#define SCAN_CHUNK_BITS ((uintptr_t)(HT_L1 - 1) << HT_L2_BITS)

/* One handle of a wait-any scan: *o, the object of the live table entry
 * h names, if it grants SYNCHRONIZE; false otherwise (the general pass
 * then says what is wrong).  handle_peek's checks with fewer steps: the
 * chunk of the last handle is kept (*lastv, the last decoded value whose
 * chunk is *ents: a wait's handles are mostly in one chunk), and the
 * range, USED and generation checks are one compare: bits 0..4 of
 * (word >> 32) are the generation and USED, bits 0..3 of v >> 24 the
 * value's generation, and the bits above must be 0 (v < 2^28, as
 * entry_read_in requires).  The word is read twice around the access mask, so
 * that word and access are one snapshot (ARCHITECTURE section 3). */
static inline __attribute__((always_inline)) bool
scan_entry(HANDLE h, _Atomic aoff_t *l1, char *base, uintptr_t *lastv,
           struct handle_entry **ents, struct object **o)
{
    uintptr_t v = ((uintptr_t)h >> 2) - 1; /* entry_read_in's decoding */
    if (WS_UNLIKELY((v ^ *lastv) & SCAN_CHUNK_BITS)) {
        aoff_t chunk = atomic_load_explicit(&l1[(v & SCAN_CHUNK_BITS) >> HT_L2_BITS],
                                            memory_order_acquire);
        if (WS_UNLIKELY(!chunk))
            return false;
        *lastv = v;
        *ents = (struct handle_entry *)(base + chunk);
    }
    struct handle_entry *e = *ents + (v & (HT_L2 - 1));
    uint64_t w = atomic_load_explicit(&e->word, memory_order_acquire);
    ACCESS_MASK a = atomic_load_explicit(&e->access, memory_order_acquire);
    uint64_t w2 = atomic_load_explicit(&e->word, memory_order_relaxed);
    if (WS_UNLIKELY(!he_names(w, v) ||
                    (a & SYNCHRONIZE) == 0 || w2 != w))
        return false;
    ws_tsan_xproc_acquire(); /* another process may have put it here */
    *o = (struct object *)(base + (uint32_t)w);
    return true;
}

/* Not surely unsignalled for tid (surely_unsignalled's rules, by class
 * c): the object lock is held, or the value says it may be signalled, or
 * a kind the core does not know says so. */
static inline __attribute__((always_inline)) bool
scan_maybe(struct object *o, uint8_t c, uint64_t s, uint32_t tid)
{
    if (c == SC_VALUE)
        return s & (~(uint64_t)0xffffffffu | ST_LOCKED);
    if (s & ST_LOCKED)
        return true;
    if (c == SC_OWNER)
        return !st_value(s) ||
               (st_value(s) == tid && (st_flags(s) >> ST_OWNER_COUNT_SHIFT) < ST_OWNER_COUNT_MAX);
    return object_type_of(o)->signaled(o, s, tid);
}

/* The first pass of a wait-any (inside ws_rcu_lock): looks every handle
 * up, as handle_peek does but with the table, the arena base and the
 * last chunk read once, and fills objs.  Returns the index of the first
 * object that may be signalled: the objects before it were each seen
 * unsignalled in a committed state (surely_unsignalled's rules), so the
 * attempts start there, and n means none may be.  Returns UINT32_MAX when
 * some handle is not a live table entry granting SYNCHRONIZE to a
 * waitable object (the general pass then tells which error it is).  No
 * write, no lock, and no call for the kinds whose encoding the core
 * knows.
 *
 * Each handle's loads (entry, object, class) do not depend on another
 * handle's, so the processor runs several handles at once and the pass is
 * bound by the instructions it issues, not by the chain of loads (ARCHITECTURE
 * section 4, "Zero-timeout wait-any"): hence the kept chunk, the one compare for
 * range, USED and generation, and, while the objects are of one kind with
 * a value encoding (FK_FLAG, FK_COUNT: an array of events), no class
 * lookup at all: the type id compared with the last one, and the state
 * word with ST_LOCKED and the value (below 2^31: unlocked, value 0). */
static __attribute__((noinline)) uint32_t
scan_any(DWORD n, const HANDLE *handles, struct object **objs, uint32_t tid)
{
    _Atomic aoff_t *l1 = atomic_load_explicit(&ws_ht_l1, memory_order_relaxed);
    char *const base = ws_arena.base;
    /* A last value whose chunk differs from the first handle's. */
    uintptr_t lastv = ((((uintptr_t)handles[0] >> 2) - 1) ^ SCAN_CHUNK_BITS);
    struct handle_entry *ents = NULL;
    uint32_t vtype = UINT32_MAX; /* a type id of class SC_VALUE, or none */
    size_t i;
    if (WS_UNLIKELY(!l1))
        return UINT32_MAX;
    /* Up to the first object that may be signalled... */
    _Pragma("GCC unroll 2")
    for (i = 0; i < n; i++) {
        struct object *o;
        if (WS_UNLIKELY(!scan_entry(handles[i], l1, base, &lastv, &ents, &o)))
            return UINT32_MAX;
        objs[i] = o;
        uint64_t s = atomic_load_explicit(&o->state, memory_order_acquire);
        if (WS_LIKELY(o->type_id == vtype)) {
            if (WS_UNLIKELY(s & (~(uint64_t)0xffffffffu | ST_LOCKED)))
                break;
            continue;
        }
        uint8_t c = scan_class[o->type_id & (TYPE_COUNT - 1)];
        if (WS_UNLIKELY(c == SC_NONE))
            return UINT32_MAX; /* not waitable */
        if (c == SC_VALUE)
            vtype = o->type_id;
        if (scan_maybe(o, c, s, tid))
            break;
    }
    /* ...and the rest only looked up. */
    for (size_t j = i + 1; j < n; j++) {
        struct object *o;
        if (WS_UNLIKELY(!scan_entry(handles[j], l1, base, &lastv, &ents, &o) ||
                        scan_class[o->type_id & (TYPE_COUNT - 1)] == SC_NONE))
            return UINT32_MAX;
        objs[j] = o;
    }
    return (uint32_t)i;
}

/* WaitForMultipleObjects.  Unlike WaitForSingleObject it refuses the
 * pseudo-handles (ERROR_INVALID_HANDLE), as Windows' NtWaitForMultipleObjects
 * does; a wait-all naming one object twice is ERROR_INVALID_PARAMETER. */
static DWORD wait_many(DWORD n, const HANDLE *handles, BOOL all, DWORD timeout,
                       bool alertable)
{
    struct object *objs[MAXIMUM_WAIT_OBJECTS];
    DWORD err = ERROR_SUCCESS;
    bool abandoned = false;

    if (n == 0 || n > MAXIMUM_WAIT_OBJECTS)
        return wait_failed(ERROR_INVALID_PARAMETER);
    if (!handles)
        return wait_failed(ERROR_NOACCESS);
    uint32_t tid = thread_tid();

    ws_rcu_lock();
    DWORD first = 0;
    if (!all) {
        /* The common wait-any: every handle a table entry to a waitable
         * object, found in one pass that also skips the objects seen
         * unsignalled.  Nothing is changed in it, so anything unusual
         * starts over in the general pass below, which tells the errors
         * apart. */
        first = scan_any(n, handles, objs, tid);
        if (WS_LIKELY(first <= n))
            goto scanned;
        first = 0;
    }
    for (DWORD i = 0; i < n && !err; i++) {
        struct object *o = handle_peek(handles[i], SYNCHRONIZE);
        if (WS_LIKELY(o && object_type_of(o)->signaled))
            objs[i] = o;
        else
            err = is_pseudo_handle(handles[i])
                      ? ERROR_INVALID_HANDLE
                      : handle_get(handles[i], &waitable_any, SYNCHRONIZE, &objs[i], NULL);
    }
    for (DWORD i = 0; all && !err && i < n; i++)
        for (DWORD j = 0; j < i && !err; j++)
            if (objs[i] == objs[j])
                err = ERROR_INVALID_PARAMETER;
    if (err) {
        ws_rcu_unlock();
        return wait_failed(err);
    }
scanned:
    if (n == 1)
        all = FALSE;
    /* A wait-all that cannot be satisfied now, seen without a lock: no
     * queueing, no wait-all lock.  (One with a granted object fails with
     * ERROR_NOT_SUPPORTED whatever the states: wait_granted.) */
    if (all && timeout == 0 && !alertable) {
        bool unsignalled = false;
        DWORD i;
        for (i = 0; i < n && !(objs[i]->obj_flags & OBJ_GRANTED); i++)
            unsignalled = unsignalled || surely_unsignalled(objs[i], tid);
        if (i == n && unsignalled) {
            ws_rcu_unlock();
            return WAIT_TIMEOUT;
        }
    }
    if (!all) {
        DWORD i;
        for (i = first; i < n; i++) {
            enum fast_result r = try_fast(objs[i], tid, &abandoned);
            if (r == FAST_ACQUIRED) {
                note_acquired(objs[i], tid);
                ws_rcu_unlock();
                return (abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0) + i;
            }
            if (r == FAST_SLOW && !surely_unsignalled(objs[i], tid))
                break;
        }
        if (alertable && thread_apc_pending(thread_current())) {
            ws_rcu_unlock();
            return run_apcs();
        }
        if (i == n && timeout == 0) {
            ws_rcu_unlock();
            return WAIT_TIMEOUT;
        }
    }
    return finish_slow(objs, n, all, timeout, alertable);
}

WS_EXPORT DWORD WINAPI WaitForMultipleObjectsEx(DWORD n, const HANDLE *handles,
                                                BOOL all, DWORD timeout,
                                                BOOL alertable)
{
    return wait_many(n, handles, all, timeout, alertable);
}

WS_EXPORT DWORD WINAPI WaitForMultipleObjects(DWORD n, const HANDLE *handles,
                                              BOOL all, DWORD timeout)
{
    return wait_many(n, handles, all, timeout, false);
}

/* The tail of wait_one_fast when the kind wants to know of the
 * acquisition (a mutex records its ownership). */
static __attribute__((noinline)) DWORD wait_one_acquired(struct object *o, uint32_t tid)
{
    note_acquired(o, tid);
    ws_rcu_unlock();
    return WAIT_OBJECT_0;
}

/* wait_one's common cases, with no frame to build and no call through the
 * type: a table handle to an object of a kind whose state word the core
 * knows (enum fast_kind), signalled (taken with one compare-and-swap, or
 * just seen) or, with a zero timeout, not.  Anything else, a failed
 * compare-and-swap included, starts over in wait_one: nothing has been
 * changed then. */
static inline __attribute__((always_inline)) DWORD wait_one_fast(HANDLE h, DWORD timeout,
                                                                 bool alertable)
{
    struct ws_thread *th = ws_current;
    ws_rcu_lock();
    struct object *o = handle_peek(h, SYNCHRONIZE);
    if (WS_UNLIKELY(!o || !th))
        goto slow;
    const struct object_type *t = object_type_of(o);
    uint64_t s = atomic_load_explicit(&o->state, memory_order_acquire);
    if (WS_UNLIKELY(s & ST_SLOW))
        goto slow;
    /* An abandoned mutex is the slow path's (WAIT_ABANDONED); a mutex at
     * its recursion limit is not signalled for us, as in try_fast. */
    uint64_t next;
    bool abandoned = false;
    enum fast_result r = fast_next(t->fast, t, s, &th->tid, &next, &abandoned);
    if (r == FAST_NOT_SIGNALED)
        goto not_signalled;
    if (WS_UNLIKELY(r == FAST_SLOW || abandoned))
        goto slow;
    if (r != FAST_KEPT &&
        WS_UNLIKELY(!atomic_compare_exchange_strong_explicit(&o->state, &s, next,
                                                             memory_order_acquire,
                                                             memory_order_relaxed)))
        goto slow;
    if (WS_UNLIKELY(t->acquired != NULL))
        return wait_one_acquired(o, th->tid);
    ws_rcu_unlock();
    return WAIT_OBJECT_0;
not_signalled:
    if (timeout == 0 && !alertable) {
        ws_rcu_unlock();
        return WAIT_TIMEOUT;
    }
slow:
    ws_rcu_unlock();
    return wait_one(h, timeout, alertable);
}

WS_EXPORT DWORD WINAPI WaitForSingleObjectEx(HANDLE h, DWORD timeout,
                                             BOOL alertable)
{
    return wait_one_fast(h, timeout, alertable);
}

WS_EXPORT DWORD WINAPI WaitForSingleObject(HANDLE h, DWORD timeout)
{
    return wait_one_fast(h, timeout, false);
}

/* The signal half of SignalObjectAndWait: what SetEvent, ReleaseMutex or
 * ReleaseSemaphore(1) would do, with the right each needs (the kind's
 * signal operation). */
static DWORD signal_object(struct object *o, ACCESS_MASK granted)
{
    const struct object_type *t = object_type_of(o);
    if (!t->signal)
        return ERROR_INVALID_HANDLE; /* STATUS_OBJECT_TYPE_MISMATCH */
    return t->signal(o, granted);
}

WS_EXPORT DWORD WINAPI SignalObjectAndWait(HANDLE to_signal, HANDLE to_wait,
                                           DWORD timeout, BOOL alertable)
{
    struct object *s = NULL, *w = NULL;
    ACCESS_MASK granted = 0;
    ws_rcu_lock();
    DWORD err = handle_get(to_signal, NULL, 0, &s, &granted);
    if (!err)
        err = handle_get(to_wait, &waitable_any, SYNCHRONIZE, &w, NULL);
    if (!err)
        err = signal_object(s, granted);
    if (err) {
        ws_rcu_unlock();
        return wait_failed(err);
    }
    return wait_object(w, timeout, alertable);
}

/* A sleep holds nothing: TerminateThread's signal ends the thread here
 * (self.h, terminating). */
static void sleep_interrupted(void)
{
    struct ws_thread *t = ws_current;
    if (t && atomic_load_explicit(&t->terminating, memory_order_acquire))
        ws_hooks.thread_terminate(t);
}

static void sleep_ms(DWORD ms)
{
    if (ms == 0) {
        sched_yield();
        return;
    }
    if (ms == INFINITE) {
        for (;;) {
            pause();
            sleep_interrupted();
        }
    }
    struct timespec deadline;
    deadline_from_ms(&deadline, ms);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
        sleep_interrupted();
}

WS_EXPORT void WINAPI Sleep(DWORD ms)
{
    /* Sleeping is blocking for a completion port's running count too. */
    struct ws_thread *t = ws_current;
    bool iocp_blocked = ms && t && t->iocp_counted;
    if (WS_UNLIKELY(iocp_blocked))
        ws_hooks.thread_blocking(t);
    sleep_ms(ms);
    if (WS_UNLIKELY(iocp_blocked))
        ws_hooks.thread_unblocked(t);
}

/* An alertable sleep is a wait on no object that only an APC ends early. */
WS_EXPORT DWORD WINAPI SleepEx(DWORD ms, BOOL alertable)
{
    if (!alertable) {
        Sleep(ms);
        return 0;
    }
    if (thread_apc_pending(thread_current()))
        return run_apcs();
    uint32_t st = wait_slow(NULL, 0, false, ms, true);
    if (st == WS_ALERTED)
        return run_apcs();
    if (ms == 0)
        sched_yield();
    return 0;
}
