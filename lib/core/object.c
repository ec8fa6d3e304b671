/*
 * The object manager: type registry, object allocation, the two counts
 * and the object lock.
 *
 * Counts (Windows keeps the same two):
 *   handles  open handles in every process.  When it reaches 0 the object
 *            loses its name at once (an Open* that follows fails) and the
 *            type's last_close runs.  For named objects the step to 0 is
 *            taken under the namespace lock, so that ns_open can never
 *            resurrect an object whose name is going.
 *   refs     pointer references: one per handle, one per blocked waiter,
 *            one per internal holder (a running thread holds its object).
 *            When it reaches 0 the object is destroyed and its block goes
 *            back to the arena.
 *
 * Closing a handle drops its reference only after an RCU grace period
 * (object_unref_deferred), because a thread that looked the handle up
 * before the close may still be using the object without a reference:
 * lookups never write shared memory.  Deferred references are batched per
 * thread, so one grace period serves many closes.
 *
 * The object lock is the ST_LOCKED bit of the state word, with ST_SLEEPERS
 * saying that someone sleeps on the futex of the word's low half.  Lock
 * hold times are a few dozen instructions, so lockers spin briefly first.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/cell.h"
#include "core/futex.h"
#include "core/names.h"
#include "core/object.h"
#include "core/security.h"
#include "core/self.h"
#include "core/shm.h"

static _Atomic uint32_t *state_lo(struct object *o);


struct object *object_new(const struct object_type *type, uint32_t flags,
                          uint32_t value, DWORD *err)
{
    arena_init();
    struct object *o = arena_alloc(type->size);
    if (!o) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    o->type_id = type->id;
    atomic_store_explicit(&o->state,
                          ((uint64_t)value << 32) | (flags & ST_FLAGS_MASK),
                          memory_order_relaxed);
    atomic_store_explicit(&o->refs, 1, memory_order_relaxed);
    return o;
}

bool object_plausible(aoff_t off)
{
    if (!arena_off_plausible(off))
        return false;
    const struct object *o = arena_ptr(off);
    return o->type_id < TYPE_COUNT && object_types[o->type_id];
}

void object_ref(struct object *o)
{
    atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

bool object_ref_live(struct object *o)
{
    uint32_t r = atomic_load_explicit(&o->refs, memory_order_relaxed);
    while (r)
        if (atomic_compare_exchange_weak_explicit(&o->refs, &r, r + 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return true;
    return false;
}

void object_unref(struct object *o)
{
    if (atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) != 1)
        return;
    const struct object_type *type = object_type_of(o);
    if (type->destroy)
        type->destroy(o);
    arena_free(o, type->size);
}

/* The batch lives in the thread's shared record, so that a reaper drops
 * it if the process dies first.  Entries go from the top down, and the
 * count falls before each unref, so a death mid-flush loses nothing and
 * drops nothing twice... save the one entry being dropped. */
void thread_flush_deferred(struct ws_thread *t)
{
    struct shm_thread *r = t->rec;
    if (!r->ndefer)
        return;
    if (r->ndefer > DEFER_BATCH) /* scribbled on by another process */
        r->ndefer = DEFER_BATCH;
    ws_rcu_synchronize();
    while (r->ndefer) {
        struct object *o = arena_ptr(r->defer[r->ndefer - 1]);
        r->ndefer--;
        object_unref(o);
    }
}

void object_unref_deferred(struct object *o)
{
    struct ws_thread *t = thread_current();
    struct shm_thread *r = t->rec;
    r->defer[r->ndefer++] = arena_off(o);
    if (r->ndefer == DEFER_BATCH)
        thread_flush_deferred(t);
}

/* ---- handle counts ----
 *
 * A handle count is never lost or dropped twice when a process is killed
 * at any instruction: every change is one compare-and-swap of o->handles
 * that makes the change AND names the record (struct count_rec) of the
 * one making it, in the word's high half.  The record says CR_*_PENDING
 * before, CR_*_DONE after; then the word is let go of (holder 0).  So at
 * every instant the change a record stands for is decided:
 *   - state *_DONE: made;
 *   - state *_PENDING and the word names the record: made;
 *   - state *_PENDING otherwise: not made.
 * A reaper settles a dead thread's records first (count_rec_settle: made
 * -> *_DONE, and the word let go of), before it changes any count itself.
 * While a word is held nobody else changes it: the holder lets go within a
 * few instructions, or is dead and its reaper lets go; a waiter that waits
 * long makes sure the holder's process is being reaped (shm_reap_tag), and
 * nobody waits for a word while holding the namespace lock (the reaping
 * of the holder may need it).
 */
#define HC_COUNT(w) ((uint32_t)(w))
#define HC_HOLDER(w) ((aoff_t)((w) >> 32))
#define LOCK_PATIENCE_MS 200 /* then a holder may be dead: see if it is */

static uint64_t hc_word(uint32_t count, aoff_t holder)
{
    return (uint64_t)holder << 32 | count;
}

void object_handle_wait_free(struct object *o)
{
    uint64_t w = atomic_load_explicit(&o->handles, memory_order_acquire);
    struct timespec t0 = {0, 0}, now;
    for (unsigned n = 0; HC_HOLDER(w); n++) {
        if (n < 128) {
            cpu_relax();
        } else {
            sched_yield();
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!t0.tv_sec && !t0.tv_nsec) {
                t0 = now;
            } else if ((now.tv_sec - t0.tv_sec) * 1000000000LL + now.tv_nsec - t0.tv_nsec >
                       LOCK_PATIENCE_MS * 1000000LL) {
                /* The holder is slow or dead: see that it is reaped. */
                struct count_rec *h = arena_ptr(HC_HOLDER(w));
                shm_reap_tag(h->owner);
                t0 = now;
            }
        }
        w = atomic_load_explicit(&o->handles, memory_order_acquire);
    }
}

/* One change of the count for rec, if nobody holds the word and the
 * count is at least `min` (a named object's last handle goes under the
 * namespace lock): true if made; rec then says *_DONE and the word is
 * free again.  The caller has set rec's *_PENDING state. */
static bool hc_try(struct object *o, struct count_rec *rec, int delta, uint32_t min,
                   uint32_t *now)
{
    uint64_t w = atomic_load_explicit(&o->handles, memory_order_acquire);
    aoff_t me = arena_off(rec);
    for (;;) {
        if (HC_HOLDER(w) || HC_COUNT(w) < min)
            return false;
        uint32_t n = HC_COUNT(w) + (uint32_t)delta;
        if (atomic_compare_exchange_weak_explicit(&o->handles, &w, hc_word(n, me),
                                                  memory_order_acq_rel,
                                                  memory_order_acquire)) {
            ws_fault(delta > 0 ? FAULT_UP_HELD : FAULT_DOWN_HELD);
            atomic_store_explicit(&rec->state, delta > 0 ? CR_UP_DONE : CR_DOWN_DONE,
                                  memory_order_release);
            atomic_store_explicit(&o->handles, hc_word(n, 0), memory_order_release);
            *now = n;
            return true;
        }
    }
}

static void rec_pending(struct count_rec *rec, struct object *o, uint32_t state)
{
    atomic_store_explicit(&rec->state, state, memory_order_relaxed);
    atomic_store_explicit(&rec->obj, arena_off(o), memory_order_release);
}

/* The calling thread's scratch record, for a count no intent stands for. */
static struct count_rec *scratch_rec(void)
{
    return &thread_current()->rec->scratch;
}

void object_handle_open_rec(struct object *o, struct count_rec *rec)
{
    uint32_t n;
    rec_pending(rec, o, CR_UP_PENDING);
    while (!hc_try(o, rec, 1, 0, &n))
        object_handle_wait_free(o);
}

/* Nobody else can reach a new object (no name, no handle yet), so nobody
 * else may change its count: its first count is a plain store, and the
 * record that stands for it is written after it, saying CR_UP_DONE. */
void object_handle_open_first(struct object *o)
{
    atomic_store_explicit(&o->handles, hc_word(1, 0), memory_order_relaxed);
}

bool object_handle_try_open_rec(struct object *o, struct count_rec *rec)
{
    uint32_t n;
    rec_pending(rec, o, CR_UP_PENDING);
    return hc_try(o, rec, 1, 0, &n);
}

void object_handle_open(struct object *o)
{
    struct count_rec *rec = scratch_rec();
    object_handle_open_rec(o, rec);
    atomic_store_explicit(&rec->obj, 0, memory_order_release);
}

/* Drops the count rec stands for; the last one of a named object under
 * the namespace lock, so that ns_open never revives an object whose name
 * is going. */
void object_handle_close_rec(struct object *o, struct count_rec *rec)
{
    const struct object_type *type = object_type_of(o);
    uint32_t n;
    rec_pending(rec, o, CR_DOWN_PENDING);
    if (o->obj_flags & OBJ_NAMED) {
        uint32_t stripe;
        for (;;) {
            if (hc_try(o, rec, -1, 2, &n))
                return;
            stripe = ns_lock_of(o);
            uint64_t w = atomic_load_explicit(&o->handles, memory_order_acquire);
            if (!HC_HOLDER(w) && HC_COUNT(w) == 1 && hc_try(o, rec, -1, 1, &n))
                break;
            ns_unlock_of(stripe);
            object_handle_wait_free(o);
        }
        bool last = n == 0;
        if (last)
            ns_remove_locked(o);
        ns_unlock_of(stripe);
        if (last && type->last_close)
            type->last_close(o);
        if (last && (o->obj_flags & OBJ_GRANTED))
            cell_last_close(o);
        return;
    }
    while (!hc_try(o, rec, -1, 1, &n))
        object_handle_wait_free(o);
    if (n == 0 && type->last_close)
        type->last_close(o);
}

/* The calling thread's intent if it stands for this count, else its
 * scratch record. */
void object_handle_close(struct object *o)
{
    struct ws_thread *t = thread_current();
    struct count_rec *rec = &t->rec->intent.cr;
    if (atomic_load_explicit(&rec->obj, memory_order_relaxed) != arena_off(o)) {
        rec = &t->rec->scratch;
        object_handle_close_rec(o, rec);
        atomic_store_explicit(&rec->obj, 0, memory_order_release);
        return;
    }
    object_handle_close_rec(o, rec);
}

void count_rec_finish_last(struct count_rec *rec)
{
    aoff_t off = atomic_load_explicit(&rec->obj, memory_order_acquire);
    if (!object_plausible(off) ||
        atomic_load_explicit(&rec->state, memory_order_acquire) != CR_DOWN_DONE)
        return;
    struct object *o = arena_ptr(off);
    /* A peek: the name is taken and checked under its stripe lock. */
    if (!(o->obj_flags & OBJ_NAMED) ||
        !arena_off_plausible(__atomic_load_n(&o->name, __ATOMIC_RELAXED)) ||
        object_handle_count(o))
        return;
    bool last = ns_remove_if_unused(o);
    if (last && object_type_of(o)->last_close)
        object_type_of(o)->last_close(o);
    if (last && (o->obj_flags & OBJ_GRANTED))
        cell_last_close(o);
}

uint32_t count_rec_settle(struct count_rec *rec)
{
    aoff_t off = atomic_load_explicit(&rec->obj, memory_order_acquire);
    uint32_t st = atomic_load_explicit(&rec->state, memory_order_acquire);
    if (!object_plausible(off))
        return 0;
    struct object *o = arena_ptr(off);
    uint64_t w = atomic_load_explicit(&o->handles, memory_order_acquire);
    if (HC_HOLDER(w) == arena_off(rec)) {
        if (st == CR_UP_PENDING || st == CR_DOWN_PENDING) {
            st = st == CR_UP_PENDING ? CR_UP_DONE : CR_DOWN_DONE;
            atomic_store_explicit(&rec->state, st, memory_order_release);
        }
        atomic_store_explicit(&o->handles, hc_word(HC_COUNT(w), 0), memory_order_release);
    }
    return st;
}

ACCESS_MASK object_map_access(const struct object_type *type, ACCESS_MASK a)
{
    if (a & GENERIC_READ)
        a |= type->mapping.GenericRead;
    if (a & GENERIC_WRITE)
        a |= type->mapping.GenericWrite;
    if (a & GENERIC_EXECUTE)
        a |= type->mapping.GenericExecute;
    if (a & GENERIC_ALL)
        a |= type->mapping.GenericAll;
    if (a & MAXIMUM_ALLOWED)
        a |= type->valid_access;
    if (type->implies_from && (a & type->implies_from))
        a |= type->implies_to;
    return a & type->valid_access;
}

/* ---- the object lock ---- */

static _Atomic uint32_t *state_lo(struct object *o)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (_Atomic uint32_t *)&o->state;
#else
    return (_Atomic uint32_t *)&o->state + 1;
#endif
}


/*
 * On a shared arena the object lock IS lock_tag: the holder's
 * shm_self_tag() (30 bits), or 0 when free, plus LT_SLEEPERS when somebody
 * sleeps on it (the futex is lock_tag itself).  One compare-and-swap takes
 * the lock and names the holder, so there is no moment where a lock is held
 * by nobody anyone can name: a process killed while holding it, taking it
 * or letting it go leaves the lock with its dead tag, and a waiter that
 * waited LOCK_PATIENCE_MS breaks it (obj_lock_break).  ST_LOCKED in the
 * state word mirrors it for the lock-free fast paths: set just after the
 * tag is taken, cleared just before the tag is let go, so ST_LOCKED is only
 * ever changed by whoever holds the tag.  A private arena keeps the lock in
 * the state word (ST_LOCKED, ST_SLEEPERS), as nobody can die holding it
 * without taking the whole arena along.
 */
#define LT_SLEEPERS 0x80000000u
#define LT_TAG_MASK 0x3fffffffu

/* The holder of o's lock has been gone for a while: if its process is
 * dead, take the lock over (compare-and-swap on the exact word we saw, so
 * a live holder that has just taken the lock is never robbed), repair the
 * wait lists it may have been changing, and let the lock go. */
static void obj_lock_break(struct object *o, uint32_t seen)
{
    uint32_t tag = seen & LT_TAG_MASK;
    if (!tag || !shm_tag_dead(tag))
        return;
    if (!atomic_compare_exchange_strong_explicit(&o->lock_tag, &seen,
                                                 shm_self_tag() | LT_SLEEPERS,
                                                 memory_order_acquire,
                                                 memory_order_relaxed))
        return;
    atomic_fetch_or_explicit(&o->state, ST_LOCKED, memory_order_acquire);
    wait_repair_lists(o);
    obj_unlock(o);
    futex_wake(&o->lock_tag, INT32_MAX, true);
}

static void obj_lock_shared(struct object *o)
{
    uint32_t me = shm_self_tag();
    uint32_t want = me;
    uint32_t t = atomic_load_explicit(&o->lock_tag, memory_order_relaxed);
    int spins = 0;
    for (;;) {
        if (!(t & LT_TAG_MASK)) {
            if (atomic_compare_exchange_weak_explicit(&o->lock_tag, &t, want,
                                                      memory_order_acquire,
                                                      memory_order_relaxed)) {
                atomic_fetch_or_explicit(&o->state, ST_LOCKED, memory_order_acquire);
                return;
            }
            continue;
        }
        if (spins < 64) {
            spins++;
            cpu_relax();
            t = atomic_load_explicit(&o->lock_tag, memory_order_relaxed);
            continue;
        }
        if (!(t & LT_SLEEPERS)) {
            if (!atomic_compare_exchange_weak_explicit(&o->lock_tag, &t, t | LT_SLEEPERS,
                                                       memory_order_relaxed,
                                                       memory_order_relaxed))
                continue;
            t |= LT_SLEEPERS;
        }
        struct timespec dl;
        deadline_from_ms(&dl, LOCK_PATIENCE_MS);
        if (futex_wait(&o->lock_tag, t, &dl, true) == ETIMEDOUT)
            obj_lock_break(o, t);
        /* Having slept, we cannot know whether others still sleep: keep
         * the sleepers bit when we take the lock. */
        want = me | LT_SLEEPERS;
        t = atomic_load_explicit(&o->lock_tag, memory_order_relaxed);
    }
}

void obj_lock(struct object *o)
{
    if (ws_arena.shared && shm_self_tag()) {
        obj_lock_shared(o);
        return;
    }
    uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    uint64_t want = ST_LOCKED;
    int spins = 0;
    for (;;) {
        if (!(s & ST_LOCKED)) {
            if (atomic_compare_exchange_weak_explicit(&o->state, &s, s | want,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue;
        }
        if (spins < 64) {
            spins++;
            cpu_relax();
            s = atomic_load_explicit(&o->state, memory_order_relaxed);
            continue;
        }
        if (!(s & ST_SLEEPERS)) {
            if (!atomic_compare_exchange_weak_explicit(
                    &o->state, &s, s | ST_SLEEPERS, memory_order_relaxed,
                    memory_order_relaxed))
                continue;
            s |= ST_SLEEPERS;
        }
        futex_wait(state_lo(o), (uint32_t)s, NULL, false);
        want = ST_LOCKED | ST_SLEEPERS;
        s = atomic_load_explicit(&o->state, memory_order_relaxed);
    }
}

void obj_unlock(struct object *o)
{
    if (ws_arena.shared && shm_self_tag()) {
        atomic_fetch_and_explicit(&o->state, ~(uint64_t)(ST_LOCKED | ST_SLEEPERS),
                                  memory_order_release);
        uint32_t old = atomic_exchange_explicit(&o->lock_tag, 0, memory_order_release);
        if (old & LT_SLEEPERS)
            futex_wake(&o->lock_tag, 1, true);
        return;
    }
    uint64_t old = atomic_fetch_and_explicit(
        &o->state, ~(uint64_t)(ST_LOCKED | ST_SLEEPERS), memory_order_release);
    if (old & ST_SLEEPERS)
        futex_wake(state_lo(o), 1, false);
}

#if defined(__SANITIZE_THREAD__)
char ws_tsan_rcu_token;
char ws_tsan_xproc_token;
#endif
