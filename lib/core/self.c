/*
 * The calling thread's record (struct ws_thread, core/self.h) and what
 * every layer does with it: mutex ownership lists, the APC queue's
 * consumer side, and the internal service threads.  The record itself is
 * made and torn down by the thread kind (proc/thread.c), which core
 * reaches only through ws_hooks.thread_attach (core/hooks.h).
 *
 * Locks: a thread's apc_lock is a leaf; the ownership list is touched
 * only by its own thread (a reaper reads it once the thread is dead).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/futex.h"
#include "core/self.h"
#include "core/shm.h"

__thread struct ws_thread *ws_current;

static void apc_unlink_locked(struct ws_thread *t, struct apc *a);

/* ---- mutex ownership ---- */

/* The list is in the thread's shared record (a reaper abandons what a
 * dead process's threads owned); it grows by copying, and the record
 * points at the new array only once it is complete. */
/* Windows deletes a mutex with its last handle, released as abandoned if
 * it was owned.  The list holds a reference, so an owned mutex whose last
 * handle some other thread closed is deleted here, before the list grows:
 * every one no handle names any more is let go of (abandoned) and leaves
 * the list.  (The owner's own last CloseHandle does it at once, mutex.c.)
 * Each leaves the list before it is abandoned, by steps a reaper can
 * follow: at worst a kill leaves it owned by nobody's list, with no
 * handle anyone could wait on. */
static void owned_compact(struct ws_thread *t)
{
    struct shm_thread *r = t->rec;
    aoff_t *owned = arena_ptr(r->owned);
    for (uint32_t i = r->nowned; i-- > 0;) {
        struct object *m = arena_ptr(owned[i]);
        if (object_handle_count(m))
            continue;
        uint32_t n = r->nowned - 1;
        aoff_t last = owned[n];
        r->nowned = n;
        owned[i] = last;
        object_type_of(m)->abandon(m, r->tid, true); /* drops the list's reference */
    }
    if (r->owned_kept && !object_handle_count(arena_ptr(r->owned_kept)))
        thread_drop_kept(r);
}

static void owned_grow(struct shm_thread *r)
{
    uint32_t cap = r->owned_cap ? 2 * r->owned_cap : 14;
    aoff_t *n = arena_alloc(cap * sizeof *n);
    if (!n)
        ws_panic("recording mutex ownership", ENOMEM);
    if (r->owned) {
        memcpy(n, arena_ptr(r->owned), r->nowned * sizeof *n);
        aoff_t old = r->owned;
        uint32_t oldcap = r->owned_cap;
        r->owned = arena_off(n);
        r->owned_cap = cap;
        arena_free(arena_ptr(old), oldcap * sizeof *n);
    } else {
        r->owned = arena_off(n);
        r->owned_cap = cap;
    }
}

/* The list's reference of the mutex released last is kept (owned_kept)
 * rather than dropped, and taken back by the next acquisition of the same
 * mutex: a thread that takes and releases one mutex in a loop changes no
 * reference count (two locked instructions fewer per pair).  The kept
 * reference goes when the thread releases another mutex, closes the kept
 * one's last handle (mutex.c), or ends (thread_drop_kept; a reaper's for a
 * dead process).  Each step moves a reference with plain stores ordered
 * so that a kill between two of them can only leak one reference, never
 * let a reaper drop one twice. */
void thread_own(struct ws_thread *t, struct object *mutex)
{
    struct shm_thread *r = t->rec;
    aoff_t off = arena_off(mutex);
    if (WS_UNLIKELY(r->nowned == r->owned_cap)) {
        if (r->owned_cap)
            owned_compact(t);
        if (r->nowned == r->owned_cap)
            owned_grow(r);
    }
    if (WS_LIKELY(r->owned_kept == off))
        r->owned_kept = 0; /* its reference moves to the list */
    else
        object_ref(mutex);
    aoff_t *owned = arena_ptr(r->owned);
    owned[r->nowned] = off;
    r->nowned++;
}

/* The list's reference of the released mutex becomes the kept one. */
static void owned_keep(struct shm_thread *r, aoff_t off)
{
    aoff_t old = r->owned_kept;
    r->owned_kept = off;
    if (old)
        object_unref(arena_ptr(old));
}

void thread_disown(struct ws_thread *t, struct object *mutex)
{
    struct shm_thread *r = t->rec;
    aoff_t *owned = arena_ptr(r->owned);
    aoff_t off = arena_off(mutex);
    if (WS_LIKELY(r->nowned && owned[r->nowned - 1] == off)) {
        r->nowned--; /* releases usually come in reverse order */
        owned_keep(r, off);
        return;
    }
    for (uint32_t i = r->nowned; i-- > 0;)
        if (owned[i] == off) {
            memmove(&owned[i], &owned[i + 1], (r->nowned - i - 1) * sizeof *owned);
            r->nowned--;
            owned_keep(r, off);
            return;
        }
}

/* Drops the kept reference (the thread ends, or the kept mutex's last
 * handle went); cleared first, so that a resumed reaper never drops it
 * twice. */
void thread_drop_kept(struct shm_thread *r)
{
    aoff_t off = r->owned_kept;
    r->owned_kept = 0;
    if (off && object_plausible(off))
        object_unref(arena_ptr(off));
}

/* ---- APCs: queueing to a thread object ---- */

DWORD thread_queue_apc(struct object *o, struct apc *a, apc_call call,
                       ULONG_PTR fn, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3,
                       bool *inserted)
{
    DWORD err = ERROR_SUCCESS;
    *inserted = false;
    struct waiter *wake = NULL;
    obj_lock(o);
    struct ws_thread *t = ws_hooks.thread_record(o);
    if (!t) {
        err = ERROR_GEN_FAILURE;
    } else {
        wordlock_lock(&t->apc_lock);
        if (t->exiting) {
            err = ERROR_GEN_FAILURE;
        } else if (!a->queued) {
            *inserted = true;
            a->queued = true;
            a->call = call;
            a->fn = fn;
            a->a1 = a1;
            a->a2 = a2;
            a->a3 = a3;
            a->next = NULL;
            if (t->apc_tail)
                t->apc_tail->next = a;
            else
                __atomic_store_n(&t->apc_head, a, __ATOMIC_RELEASE);
            t->apc_tail = a;
            uint32_t expect = WS_WAITING;
            if (t->alertable &&
                atomic_compare_exchange_strong_explicit(
                    &t->waiter->status, &expect, WS_ALERTED,
                    memory_order_acq_rel, memory_order_relaxed))
                wake = t->waiter;
        }
        wordlock_unlock(&t->apc_lock);
    }
    obj_unlock(o);
    /* The record stays in the arena even if the thread has moved on: a
     * late wake is a spurious one. */
    if (wake)
        futex_wake(&wake->status, 1, ws_arena.shared);
    return err;
}

void thread_cancel_apc(struct object *o, struct apc *a)
{
    bool unlinked = false;
    obj_lock(o);
    struct ws_thread *t = ws_hooks.thread_record(o);
    if (t) {
        wordlock_lock(&t->apc_lock);
        if ((unlinked = a->queued))
            apc_unlink_locked(t, a);
        wordlock_unlock(&t->apc_lock);
    }
    obj_unlock(o);
    if (unlinked)
        a->release(a);
}

/* ---- APCs: the consumer side ---- */

static void apc_unlink_locked(struct ws_thread *t, struct apc *a)
{
    struct apc *prev = NULL;
    for (struct apc *p = t->apc_head; p; prev = p, p = p->next)
        if (p == a) {
            if (prev)
                prev->next = a->next;
            else
                __atomic_store_n(&t->apc_head, a->next, __ATOMIC_RELAXED);
            if (t->apc_tail == a)
                t->apc_tail = prev;
            a->queued = false;
            return;
        }
}

/* A hint read without the lock (apc_head is stored atomically); a stale
 * answer only means the APC runs at the next alertable wait. */
bool thread_apc_pending(struct ws_thread *t)
{
    return __atomic_load_n(&t->apc_head, __ATOMIC_ACQUIRE) != NULL;
}

/* Every APC queued, including those the APCs queue, in FIFO order. */
void thread_run_apcs(struct ws_thread *t)
{
    if (WS_UNLIKELY(atomic_load_explicit(&t->terminating, memory_order_acquire)))
        ws_hooks.thread_terminate(t); /* TerminateThread: does not return */
    for (;;) {
        wordlock_lock(&t->apc_lock);
        struct apc *a = t->apc_head;
        if (!a) {
            wordlock_unlock(&t->apc_lock);
            return;
        }
        apc_unlink_locked(t, a);
        struct apc run = *a;
        wordlock_unlock(&t->apc_lock);
        a->release(a);
        run.call(run.fn, run.a1, run.a2, run.a3);
    }
}

/* The thread is ending: nothing queued will run. */
void apc_drop_all(struct ws_thread *t)
{
    wordlock_lock(&t->apc_lock);
    t->exiting = true;
    struct apc *a = t->apc_head;
    __atomic_store_n(&t->apc_head, NULL, __ATOMIC_RELAXED);
    t->apc_tail = NULL;
    for (struct apc *p = a; p; p = p->next)
        p->queued = false;
    wordlock_unlock(&t->apc_lock);
    while (a) {
        struct apc *next = a->next;
        a->release(a);
        a = next;
    }
}

/* ---- internal threads ---- */

int service_thread_start(void *(*fn)(void *), void *arg, size_t stack)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (stack)
        pthread_attr_setstacksize(&attr, stack);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* signals are the program's */
    pthread_t t;
    int r = pthread_create(&t, &attr, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return r;
}
