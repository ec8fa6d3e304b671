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
#include <string.h>

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

void object_handle_open(struct object *o)
{
    atomic_fetch_add_explicit(&o->handles, 1, memory_order_relaxed);
}

/* Drops a handle count.  `rec`, when it names o, is the record that
 * accounts for this count while it is in flight (a thread's intent, or a
 * reaper's record in the slot, handle.c): it is cleared just before the
 * decrement, and stands again if the decrement does not happen there, so
 * a kill anywhere (also while waiting for the namespace lock) leaves the
 * count accounted for, save the instruction between the two. */
void object_handle_close_rec(struct object *o, _Atomic aoff_t *rec)
{
    const struct object_type *type = object_type_of(o);
    const aoff_t self = arena_off(o);
    if (rec && atomic_load_explicit(rec, memory_order_relaxed) != self)
        rec = NULL;
    if (o->obj_flags & OBJ_NAMED) {
        uint32_t h = atomic_load_explicit(&o->handles, memory_order_relaxed);
        while (h > 1) {
            if (rec)
                atomic_store_explicit(rec, 0, memory_order_release);
            if (atomic_compare_exchange_weak_explicit(&o->handles, &h, h - 1,
                                                      memory_order_acq_rel,
                                                      memory_order_relaxed))
                return;
            if (rec)
                atomic_store_explicit(rec, self, memory_order_release);
        }
        ns_lock();
        if (rec)
            atomic_store_explicit(rec, 0, memory_order_release);
        bool last = atomic_fetch_sub_explicit(&o->handles, 1,
                                              memory_order_acq_rel) == 1;
        if (last)
            ns_remove_locked(o);
        ns_unlock();
        if (last && type->last_close)
            type->last_close(o);
        if (last && (o->obj_flags & OBJ_GRANTED))
            cell_last_close(o);
        return;
    }
    if (rec)
        atomic_store_explicit(rec, 0, memory_order_release);
    if (atomic_fetch_sub_explicit(&o->handles, 1, memory_order_acq_rel) == 1 &&
        type->last_close)
        type->last_close(o);
}

/* The calling thread's own count: its intent record, if it names o. */
void object_handle_close(struct object *o)
{
    struct ws_thread *t = ws_current;
    object_handle_close_rec(o, t && t->rec ? &t->rec->intent.obj : NULL);
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

#define LOCK_PATIENCE_MS 200

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
