/*
 * Waitable timers, served by one timer thread per process.
 *
 * Object state: value 1 = signalled; flag TM_MANUAL for a manual-reset
 * (notification) timer; a synchronization timer is reset by the wait it
 * satisfies, like an auto-reset event.
 *
 * A timer is a shared (arena) object, but an arming lives in the process
 * that made it: a process-private struct arming (due time, period,
 * completion routine, the APC record) in that process's service heap.
 * What the processes share is the arming's identity, the generation
 * t->gen.  Invariant: every SetWaitableTimer and CancelWaitableTimer, and
 * the last CloseHandle, bumps t->gen under the object's wait lock (the
 * Set also resets the state there); an arming records the generation it
 * was made with, and it signals the timer (under the same lock, in the
 * same critical section as the check), queues its routine or re-arms a
 * periodic period only while t->gen is still that generation.  So the
 * latest Set or Cancel wins whichever process made it: a Set from process
 * B supersedes A's arming, a Cancel from B stops it.  A superseded arming
 * of another process stays in that process's heap until its due time and
 * is then dropped without effect (it holds its object reference until
 * then); the setting or cancelling process removes its own armings at
 * once and takes back their pending APCs.  The completion routine runs in
 * the setting thread, as before; a routine already queued in process A is
 * not taken back by B's Set or Cancel.  An arming dies with its process,
 * but the due time, the period and the firing count are in the shared
 * timer, and a process that blocks on the timer arms a shadow of the
 * current arming (timer_blocking); each firing is done once, by the first
 * arming to reach it (t->seq), so the timer fires for its waiters after
 * its setter exited, as Windows' kernel timer does.
 * A timer granted to other users (cell.c) keeps its generation and state
 * in its cell file instead, changed with one compare-and-swap there
 * (cell_timer_disarm, cell_timer_fire), by the same rules.
 *
 * The service: a min-heap of armings ordered by due time (CLOCK_MONOTONIC
 * nanoseconds), one thread that sleeps until the earliest due time, and
 * one lock (svc.lock, recursive: thread_cancel_apc calls back into
 * timer_apc_release under it) that guards the heap, the list of the process's
 * armings and every arming's fields.  The thread starts with the first
 * SetWaitableTimer.  An arming holds one reference on its timer (the
 * service never sees a freed timer) and one on its APC thread; it is
 * freed when it is neither in the heap nor queued as an APC.  Closing the
 * last handle cancels the timer (type last_close), as deleting a timer
 * does on Windows.
 *
 * Firing: signal the object through the wait core, queue the completion
 * routine (if any) as an APC to the thread that set the timer, re-arm a
 * periodic timer.  As on Windows the routine is queued at most once: an
 * arming that fires again before its APC ran does not queue a second one,
 * and SetWaitableTimer/CancelWaitableTimer take a pending APC back.
 *
 * Absolute due times (UTC FILETIMEs) are turned into monotonic ones when
 * set: a later change of the system clock does not move them
 * (docs/COMPATIBILITY.md).
 *
 * Lock order: svc.lock, then object locks (timer; the APC thread's object
 * and its apc_lock inside thread.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "core/cell.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/object.h"
#include "core/self.h"
#include "core/wait.h"
#include "core/handle_lookup.h"
#include "sync/sync.h"

#define TM_MANUAL 0x1u

/* In the arena: everything here is shared, and changed under the wait
 * lock. */
struct timer {
    struct object hdr;
    uint64_t gen;      /* the current arming's identity */
    int64_t next_due;  /* CLOCK_MONOTONIC ns of its next firing; 0: none */
    uint32_t period_ms;
    uint32_t seq;      /* firings of this generation so far */
};

/* Process-private: one Set's arming of a timer (under svc.lock). */
struct arming {
    struct timer *t;           /* reference */
    uint64_t gen;              /* t->gen when it was set */
    uint32_t seq;              /* the firing it waits for (t->seq) */
    int64_t due;               /* CLOCK_MONOTONIC ns */
    uint32_t period_ms;        /* 0: one-shot */
    int32_t heap_index;        /* -1 when not in the heap */
    PTIMERAPCROUTINE routine;
    void *routine_arg;
    struct object *apc_thread; /* reference; where the routine runs */
    struct apc apc;
    bool apc_out;              /* queued; apc.release not yet run */
    struct arming *prev, *next; /* svc.all */
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t timer_layout[] = {
    LAYOUT_SIZE(struct timer),
    LAYOUT_FIELD(struct timer, gen),
    LAYOUT_FIELD(struct timer, next_due),
    LAYOUT_FIELD(struct timer, period_ms),
    LAYOUT_FIELD(struct timer, seq),
};

static bool timer_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t timer_acquire(const struct object *o, uint64_t s, uint32_t tid,
                              bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return (st_flags(s) & TM_MANUAL) ? s : st_with_value(s, 0);
}

static void timer_last_close(struct object *o);
static void timer_blocking(struct object *o);

const struct object_type timer_type = {
    .name = "Timer",
    .id = TYPE_TIMER,
    .size = sizeof(struct timer),
    .mapping = {STANDARD_RIGHTS_READ | TIMER_QUERY_STATE,
                STANDARD_RIGHTS_WRITE | TIMER_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, TIMER_ALL_ACCESS},
    .valid_access = TIMER_ALL_ACCESS,
    .signaled = timer_signaled,
    .acquire = timer_acquire,
    .last_close = timer_last_close,
    .blocking = timer_blocking,
    TYPE_LAYOUT(timer_layout),
};

/* ---- the service ---- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;    /* the heap's head changed */
    struct arming **heap;
    uint32_t n, cap;
    struct arming *all;     /* every live arming of the process */
    bool running;
} svc = {.lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP};

static void heap_set(uint32_t i, struct arming *a)
{
    svc.heap[i] = a;
    a->heap_index = (int32_t)i;
}

static void heap_up(uint32_t i)
{
    struct arming *a = svc.heap[i];
    while (i > 0 && svc.heap[(i - 1) / 2]->due > a->due) {
        heap_set(i, svc.heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(i, a);
}

static void heap_down(uint32_t i)
{
    struct arming *a = svc.heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= svc.n)
            break;
        if (c + 1 < svc.n && svc.heap[c + 1]->due < svc.heap[c]->due)
            c++;
        if (svc.heap[c]->due >= a->due)
            break;
        heap_set(i, svc.heap[c]);
        i = c;
    }
    heap_set(i, a);
}

static DWORD heap_insert(struct arming *a)
{
    if (svc.n == svc.cap) {
        uint32_t cap = svc.cap ? 2 * svc.cap : 64;
        struct arming **h = realloc(svc.heap, cap * sizeof *h);
        if (!h)
            return ERROR_NOT_ENOUGH_MEMORY;
        svc.heap = h;
        svc.cap = cap;
    }
    heap_set(svc.n++, a);
    heap_up(svc.n - 1);
    return ERROR_SUCCESS;
}

static void heap_remove(struct arming *a)
{
    uint32_t i = (uint32_t)a->heap_index;
    a->heap_index = -1;
    struct arming *last = svc.heap[--svc.n];
    if (last == a)
        return;
    heap_set(i, last);
    heap_up(i);
    heap_down((uint32_t)last->heap_index);
}

/* Under svc.lock: frees a once it is neither in the heap nor queued. */
static void arming_maybe_free(struct arming *a)
{
    if (a->heap_index >= 0 || a->apc_out)
        return;
    if (a->prev)
        a->prev->next = a->next;
    else
        svc.all = a->next;
    if (a->next)
        a->next->prev = a->prev;
    if (a->apc_thread)
        object_unref(a->apc_thread);
    object_unref(&a->t->hdr);
    free(a);
}

/* Is a still the timer's current arming?  Under the wait lock. */
static bool arming_current(const struct arming *a)
{
    return __atomic_load_n(&a->t->gen, __ATOMIC_RELAXED) == a->gen;
}

static void timer_apc_call(ULONG_PTR fn, ULONG_PTR arg, ULONG_PTR lo, ULONG_PTR hi)
{
    ((PTIMERAPCROUTINE)fn)((LPVOID)arg, (DWORD)lo, (DWORD)hi);
}

/* Runs (from thread.c, with no timer lock held) when the APC is off its
 * queue: run, cancelled or dropped with its thread. */
static void timer_apc_release(struct apc *ap)
{
    struct arming *a = (struct arming *)((char *)ap - offsetof(struct arming, apc));
    pthread_mutex_lock(&svc.lock);
    a->apc_out = false;
    arming_maybe_free(a);
    pthread_mutex_unlock(&svc.lock);
}

/* Under svc.lock: the arming is due. */
static void arming_fire(struct arming *a, int64_t now)
{
    heap_remove(a);
    struct timer *t = a->t;
    bool current, fired = true;
    int64_t next = 0;
    if (t->hdr.obj_flags & OBJ_GRANTED) {
        current = cell_timer_fire(&t->hdr, a->gen); /* cell.c */
        if (a->period_ms) {
            int64_t period = (int64_t)a->period_ms * 1000000;
            next = a->due + period <= now ? now + period : a->due + period;
        }
    } else {
        /* Every process that armed the timer, or waits on it (a shadow
         * arming: timer_blocking), fires its firing number a->seq; the
         * first one does it, the others find t->seq moved on and only
         * follow (the setter's arming still queues its routine). */
        struct wait_guard g;
        wait_lock(&t->hdr, &g);
        current = arming_current(a);
        if (current && t->seq == a->seq) {
            obj_store_locked(&t->hdr, st_with_value(obj_state(&t->hdr), 1));
            wait_wake_locked(&t->hdr, &g);
            t->seq++;
            int64_t period = (int64_t)t->period_ms * 1000000;
            t->next_due = !period                        ? 0
                          : t->next_due + period <= now ? now + period /* no burst */
                                                        : t->next_due + period;
        }
        fired = current && t->seq != a->seq;
        next = current ? t->next_due : 0;
        a->seq = t->seq;
        wait_unlock(&t->hdr, &g);
    }
    if (!current) { /* superseded by another process's Set or Cancel */
        arming_maybe_free(a);
        return;
    }
    if (fired && a->routine && !a->apc_out) {
        int64_t ft = time_utc_100ns();
        bool inserted;
        if (!thread_queue_apc(a->apc_thread, &a->apc, timer_apc_call,
                              (ULONG_PTR)a->routine, (ULONG_PTR)a->routine_arg,
                              (ULONG_PTR)(uint32_t)ft,
                              (ULONG_PTR)(uint32_t)((uint64_t)ft >> 32),
                              &inserted) &&
            inserted)
            a->apc_out = true;
    }
    if (next) {
        a->due = next;
        (void)heap_insert(a); /* out of memory: the period ends here */
    }
    arming_maybe_free(a);
}

static void *timer_service(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&svc.lock);
    for (;;) {
        if (!svc.n) {
            pthread_cond_wait(&svc.cond, &svc.lock);
            continue;
        }
        int64_t now = time_mono_ns();
        struct arming *a = svc.heap[0];
        if (a->due <= now) {
            arming_fire(a, now);
            continue;
        }
        struct timespec ts = {a->due / 1000000000, a->due % 1000000000};
        pthread_cond_timedwait(&svc.cond, &svc.lock, &ts);
    }
    return NULL;
}

/* Under svc.lock. */
static DWORD service_start(void)
{
    if (svc.running)
        return ERROR_SUCCESS;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&svc.cond, &ca);
    pthread_condattr_destroy(&ca);

    if (service_thread_start(timer_service, NULL, 64 * 1024))
        return ERROR_NOT_ENOUGH_MEMORY;
    svc.running = true;
    return ERROR_SUCCESS;
}

/* A forked child has no service thread: its armings are the parent's
 * (their references too), so it forgets them without dropping anything. */
static void service_atfork_child(void)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&svc.lock, &ma);
    pthread_mutexattr_destroy(&ma);
    svc.n = 0;
    svc.all = NULL;
    svc.running = false;
}

static void service_atfork_register(void)
{
    pthread_atfork(NULL, NULL, service_atfork_child);
}

/* Under svc.lock: this process's armings of t leave the heap and their
 * pending APCs are taken back; bumps t->gen so that other processes'
 * armings of t no longer count (and, with reset, clears the state).
 * Returns the new generation, read in the same wait-lock section: a Set
 * of another process that comes between is a later one. */
static uint64_t timer_disarm(struct timer *t, bool reset, int64_t due, uint32_t period_ms)
{
    for (struct arming *a = svc.all, *next; a; a = next) {
        next = a->next;
        if (a->t != t)
            continue;
        if (a->heap_index >= 0)
            heap_remove(a);
        if (a->apc_out) {
            /* Taken back, its release (svc.lock is recursive) frees it;
             * an APC being run releases it itself.  Either way, a is
             * not ours to touch any more. */
            thread_cancel_apc(a->apc_thread, &a->apc);
            continue;
        }
        arming_maybe_free(a);
    }
    if (t->hdr.obj_flags & OBJ_GRANTED)
        return cell_timer_disarm(&t->hdr, reset); /* the generation is the cell's */
    struct wait_guard g;
    wait_lock(&t->hdr, &g);
    uint64_t gen = __atomic_load_n(&t->gen, __ATOMIC_RELAXED) + 1;
    __atomic_store_n(&t->gen, gen, __ATOMIC_RELAXED);
    t->next_due = due;
    t->period_ms = period_ms;
    t->seq = 0;
    if (reset)
        obj_store_locked(&t->hdr, st_with_value(obj_state(&t->hdr), 0));
    wait_unlock(&t->hdr, &g);
    return gen;
}

static void timer_last_close(struct object *o)
{
    /* A granted timer's last handle of this user is not the object's:
     * other users' armings go on; ours end at their next firing, when the
     * proxy has no name left to find its cell by. */
    if (o->obj_flags & OBJ_GRANTED)
        return;
    pthread_mutex_lock(&svc.lock);
    (void)timer_disarm((struct timer *)o, false, 0, 0);
    pthread_mutex_unlock(&svc.lock);
}

/* A thread is about to block on t: if t is armed and no arming of its
 * generation lives in this process (it was set in another process, which
 * may be gone by the due time), a shadow arming here fires it too - at
 * most one process does each firing (t->seq).  So a timer fires while
 * anyone waits for it, whoever set it, as Windows' kernel timer does. */
static void timer_blocking(struct object *o)
{
    struct timer *t = (struct timer *)o;
    if (o->obj_flags & OBJ_GRANTED)
        return; /* a granted timer's arming lives with its setter (cell.c) */
    pthread_mutex_lock(&svc.lock);
    struct wait_guard g;
    wait_lock(o, &g);
    uint64_t gen = t->gen;
    int64_t due = t->next_due;
    uint32_t seq = t->seq;
    wait_unlock(o, &g);
    bool have = false;
    for (struct arming *a = svc.all; a && !have; a = a->next)
        have = a->t == t && a->gen == gen && a->heap_index >= 0;
    struct arming *a = !have && due && !service_start() ? calloc(1, sizeof *a) : NULL;
    if (a) {
        object_ref(o); /* the arming's */
        a->t = t;
        a->gen = gen;
        a->seq = seq;
        a->due = due;
        a->heap_index = -1;
        a->apc.release = timer_apc_release;
        a->next = svc.all;
        if (svc.all)
            svc.all->prev = a;
        svc.all = a;
        if (heap_insert(a))
            arming_maybe_free(a);
        else if (a->heap_index == 0)
            pthread_cond_signal(&svc.cond);
    }
    pthread_mutex_unlock(&svc.lock);
}

/* ---- the API ---- */

static DWORD timer_set(HANDLE h, const LARGE_INTEGER *due, LONG period,
                       PTIMERAPCROUTINE routine, void *arg)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct object *o = NULL;
    if (!due)
        return ERROR_NOACCESS;
    if (period < 0)
        return ERROR_INVALID_PARAMETER;
    pthread_once(&once, service_atfork_register);

    int64_t now = time_mono_ns(), when;
    if (due->QuadPart < 0) {
        when = now + (-due->QuadPart > INT64_MAX / 200 ? INT64_MAX / 2
                                                         : -due->QuadPart * 100);
    } else {
        int64_t delta = due->QuadPart - time_utc_100ns();
        when = now + (delta <= 0 ? 0
                                 : delta > INT64_MAX / 200 ? INT64_MAX / 2
                                                           : delta * 100);
    }
    /* The setting thread's object, for the routine (before any lock). */
    struct object *self = routine ? thread_current()->self : NULL;
    struct arming *a = calloc(1, sizeof *a);
    if (!a)
        return ERROR_NOT_ENOUGH_MEMORY;

    ws_rcu_lock();
    DWORD err = handle_get(h, &timer_type, TIMER_MODIFY_STATE, &o, NULL);
    if (!err) {
        struct timer *t = (struct timer *)o;
        pthread_mutex_lock(&svc.lock);
        err = service_start();
        if (!err) {
            a->gen = timer_disarm(t, true, when, (uint32_t)period);
            object_ref(o); /* the arming's */
            a->t = t;
            a->due = when;
            a->period_ms = (uint32_t)period;
            a->heap_index = -1;
            a->routine = routine;
            a->routine_arg = arg;
            a->apc.release = timer_apc_release;
            if (routine) {
                object_ref(self);
                a->apc_thread = self;
            }
            a->next = svc.all;
            if (svc.all)
                svc.all->prev = a;
            svc.all = a;
            if ((err = heap_insert(a)))
                arming_maybe_free(a);
            else if (a->heap_index == 0)
                pthread_cond_signal(&svc.cond);
            a = NULL;
        }
        pthread_mutex_unlock(&svc.lock);
    }
    ws_rcu_unlock();
    free(a);
    return err;
}

/* Waking the machine from sleep (fResume, a wake context) is not something
 * a process can ask Linux for: the timer is set and, as Windows documents
 * for systems without that support, the call succeeds with the last error
 * ERROR_NOT_SUPPORTED. */
static BOOL timer_set_result(DWORD err, bool resume)
{
    if (err)
        return ws_bool(err);
    ws_set_last_error(resume ? ERROR_NOT_SUPPORTED : ERROR_SUCCESS);
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetWaitableTimer(HANDLE h, const LARGE_INTEGER *due,
                                       LONG period, PTIMERAPCROUTINE routine,
                                       LPVOID arg, BOOL resume)
{
    return timer_set_result(timer_set(h, due, period, routine, arg), resume);
}

WS_EXPORT BOOL WINAPI SetWaitableTimerEx(HANDLE h, const LARGE_INTEGER *due,
                                         LONG period, PTIMERAPCROUTINE routine,
                                         LPVOID arg, PREASON_CONTEXT wake,
                                         ULONG tolerable_delay)
{
    (void)tolerable_delay; /* a coalescing hint: firing on time is allowed */
    return timer_set_result(timer_set(h, due, period, routine, arg), wake != NULL);
}

WS_EXPORT BOOL WINAPI CancelWaitableTimer(HANDLE h)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &timer_type, TIMER_MODIFY_STATE, &o, NULL);
    if (!err) {
        pthread_mutex_lock(&svc.lock);
        (void)timer_disarm((struct timer *)o, false, 0, 0);
        pthread_mutex_unlock(&svc.lock);
    }
    ws_rcu_unlock();
    return ws_bool(err);
}

static struct object *timer_make(void *ctx, DWORD *err)
{
    bool manual = *(DWORD *)ctx & CREATE_WAITABLE_TIMER_MANUAL_RESET;
    struct object *o = object_new(&timer_type, manual ? TM_MANUAL : 0, 0, err);
    return o;
}

static HANDLE timer_create_handle(LPSECURITY_ATTRIBUTES sa, DWORD flags,
                           ACCESS_MASK access, LPCWSTR wname, LPCSTR aname,
                           bool ansi)
{
    return object_create_flagged(&timer_type, timer_make,
                                 CREATE_WAITABLE_TIMER_MANUAL_RESET, flags, sa,
                                 access, wname, aname, ansi);
}

WS_EXPORT HANDLE WINAPI CreateWaitableTimerW(LPSECURITY_ATTRIBUTES sa, BOOL manual,
                                             LPCWSTR name)
{
    return timer_create_handle(sa, manual ? CREATE_WAITABLE_TIMER_MANUAL_RESET : 0,
                        TIMER_ALL_ACCESS, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateWaitableTimerA(LPSECURITY_ATTRIBUTES sa, BOOL manual,
                                             LPCSTR name)
{
    return timer_create_handle(sa, manual ? CREATE_WAITABLE_TIMER_MANUAL_RESET : 0,
                        TIMER_ALL_ACCESS, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI CreateWaitableTimerExW(LPSECURITY_ATTRIBUTES sa,
                                               LPCWSTR name, DWORD flags,
                                               DWORD access)
{
    return timer_create_handle(sa, flags, access, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateWaitableTimerExA(LPSECURITY_ATTRIBUTES sa,
                                               LPCSTR name, DWORD flags,
                                               DWORD access)
{
    return timer_create_handle(sa, flags, access, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI OpenWaitableTimerW(DWORD access, BOOL inherit,
                                           LPCWSTR name)
{
    return object_open_handle(&timer_type, name, NULL, false, access, inherit);
}

WS_EXPORT HANDLE WINAPI OpenWaitableTimerA(DWORD access, BOOL inherit,
                                           LPCSTR name)
{
    return object_open_handle(&timer_type, NULL, name, true, access, inherit);
}
