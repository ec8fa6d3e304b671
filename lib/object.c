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

#include "internal.h"

static _Atomic uint32_t *state_lo(struct object *o);

const struct object_type *const object_types[TYPE_COUNT] = {
    [TYPE_EVENT] = &event_type,
    [TYPE_THREAD] = &thread_type,
    [TYPE_PROCESS] = &process_type,
    [TYPE_MUTEX] = &mutex_type,
    [TYPE_SEMAPHORE] = &semaphore_type,
    [TYPE_TIMER] = &timer_type,
    [TYPE_IOCP] = &iocp_type,
    [TYPE_FILE] = &file_type,
    [TYPE_FIND] = &find_type,
    [TYPE_MAPPING] = &mapping_type,
    [TYPE_CHANGE] = &change_type,
    [TYPE_SOCKET] = &socket_type,
};

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

void object_handle_close(struct object *o)
{
    const struct object_type *type = object_type_of(o);
    if (o->obj_flags & OBJ_NAMED) {
        uint32_t h = atomic_load_explicit(&o->handles, memory_order_relaxed);
        while (h > 1)
            if (atomic_compare_exchange_weak_explicit(&o->handles, &h, h - 1,
                                                      memory_order_acq_rel,
                                                      memory_order_relaxed))
                return;
        ns_lock();
        bool last = atomic_fetch_sub_explicit(&o->handles, 1,
                                              memory_order_acq_rel) == 1;
        if (last)
            ns_remove_locked(o);
        ns_unlock();
        if (last && type->last_close)
            type->last_close(o);
        return;
    }
    if (atomic_fetch_sub_explicit(&o->handles, 1, memory_order_acq_rel) == 1 &&
        type->last_close)
        type->last_close(o);
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

/* The holder of o's lock has been gone for a while: if its process is
 * dead, release the lock for it and repair the wait lists it may have
 * been changing.  Compare-and-swap on the state we saw, so that a live
 * holder that has just taken the lock is never robbed. */
static void obj_lock_break(struct object *o, uint64_t seen)
{
    uint32_t tag = atomic_load_explicit(&o->lock_tag, memory_order_acquire);
    if (!tag || !shm_tag_dead(tag))
        return;
    if (!atomic_compare_exchange_strong_explicit(
            &o->state, &seen, seen & ~(uint64_t)ST_SLEEPERS, memory_order_acquire,
            memory_order_relaxed))
        return;
    /* We hold the lock now (ST_LOCKED stayed set). */
    atomic_store_explicit(&o->lock_tag, shm_self_tag(), memory_order_relaxed);
    wait_repair_lists(o);
    obj_unlock(o);
    futex_wake(state_lo(o), INT32_MAX, true);
}

void obj_lock(struct object *o)
{
    uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    uint64_t want = ST_LOCKED;
    int spins = 0;
    for (;;) {
        if (!(s & ST_LOCKED)) {
            if (atomic_compare_exchange_weak_explicit(&o->state, &s, s | want,
                                                      memory_order_acquire,
                                                      memory_order_relaxed)) {
                if (ws_arena.shared)
                    atomic_store_explicit(&o->lock_tag, shm_self_tag(),
                                          memory_order_relaxed);
                return;
            }
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
        if (ws_arena.shared) {
            struct timespec dl;
            deadline_from_ms(&dl, LOCK_PATIENCE_MS);
            if (futex_wait(state_lo(o), (uint32_t)s, &dl, true) == ETIMEDOUT)
                obj_lock_break(o, s);
        } else {
            futex_wait(state_lo(o), (uint32_t)s, NULL, false);
        }
        /* Having slept, we cannot know whether others still sleep: keep
         * the sleepers bit when we take the lock. */
        want = ST_LOCKED | ST_SLEEPERS;
        s = atomic_load_explicit(&o->state, memory_order_relaxed);
    }
}

void obj_unlock(struct object *o)
{
    if (ws_arena.shared)
        atomic_store_explicit(&o->lock_tag, 0, memory_order_relaxed);
    uint64_t old = atomic_fetch_and_explicit(
        &o->state, ~(uint64_t)(ST_LOCKED | ST_SLEEPERS), memory_order_release);
    if (old & ST_SLEEPERS)
        futex_wake(state_lo(o), 1, ws_arena.shared);
}

#if defined(__SANITIZE_THREAD__)
char ws_tsan_rcu_token;
char ws_tsan_xproc_token;
#endif
