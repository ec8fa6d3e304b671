/*
 * The thread pool of Windows Vista and later: pools, work, timer, wait and
 * I/O objects, cleanup groups and callback instances.  The legacy pool and
 * timer queues (legacypool.c, timerqueue.c) are built on these objects.
 *
 * Objects.  A pool (struct _TP_POOL) owns worker threads and three queues
 * of items, one per callback priority.  A pool object (struct tp_object,
 * the PTP_WORK/PTP_TIMER/PTP_WAIT/PTP_IO, and the hidden object of each
 * TrySubmitThreadpoolCallback) belongs to one pool and at most one cleanup
 * group.  An item (struct tp_item) is one queued callback with its
 * arguments (a wait's result, an I/O's overlapped, status and byte count).
 * None of these is a kernel object: as on Windows, they are heap memory
 * named by pointer, checked by a magic word where a check is cheap.
 *
 * Threads.
 *  - Workers of each pool: take the highest-priority item, run it, repeat;
 *    an idle worker above the pool's minimum leaves after 10 s.  A submit
 *    starts a worker when none is idle, up to max(2, CPUs) (or the pool's
 *    maximum for callbacks that run long); past that, the timer thread
 *    starts one more every 100 ms while a pool has queued items and none
 *    finished (a starved pool: callbacks blocked on each other).
 *  - One timer thread per process: the armed timers sorted by due time;
 *    at expiry it queues the callback (or runs it itself, TPF_INLINE).
 *  - Wait threads: each waits with WaitForMultipleObjectsEx on its control
 *    event and up to 63 registered handles (its own duplicates, so a wait
 *    never outlives the object by a handle the program closed); at a
 *    signal or timeout it queues the callback and drops the registration
 *    (or keeps it, TPF_REARM).  A thread with nothing registered leaves.
 *  - One I/O thread per pool that has I/O objects: it takes packets off
 *    the pool's completion port and queues them as items.
 *
 * Locking.  One mutex, tp_lock, guards every field of every pool, object,
 * group, item, the timer list and the wait threads' slots.  It is never
 * held while a callback, a wait, or a handle call that may block runs.
 * tp_done is broadcast whenever an object's queued+running count drops to
 * zero; WaitFor*Callbacks wait on it.
 *
 * Lifetime.  An object has a count of references: one for the program
 * (dropped by Close*, or by CloseThreadpoolCleanupGroupMembers), one per
 * queued item, one per running callback, and one while a wait is
 * registered (dropped by the wait thread when it next wakes, so that the
 * pointers it waited with stay valid until it has looked at them).  It is freed when the count
 * reaches zero, after its close-notification (tp_object_close_notify) has
 * been taken to run once tp_lock is released.  Hence:
 *  - a callback that closes its own object: the running reference keeps it
 *    until the callback returns; queued items of a closed work object
 *    still run, as Windows documents;
 *  - a timer closed or unset while its callback runs: it is out of the
 *    timer list at once (no new expiry), the running callback finishes;
 *  - a wait unset or closed while its callback runs: the slot is emptied
 *    under tp_lock, so the wait thread, which re-checks the slot and its
 *    registration number under tp_lock after every wake, queues nothing
 *    more; the duplicate handle is closed by the wait thread itself;
 *  - CloseThreadpoolCleanupGroupMembers with cancel: members are taken
 *    off the group, unset, their queued items dropped (each reference with
 *    it), running callbacks waited for, the group's cancel callback called
 *    for each, then the program's reference dropped.
 * A pool is referenced by the program and by each of its objects; at zero
 * its workers leave and the last one frees it.  The default pool is never
 * freed.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/self.h"
#include "proc/pool.h"

#define TP_MAGIC_OBJ 0x54506f62u   /* "TPob" */
#define TP_MAGIC_POOL 0x5450706cu  /* "TPpl" */
#define TP_MAGIC_GROUP 0x54506770u /* "TPgp" */
#define TP_DEAD 0xdeadu
#define WAIT_SLOTS (MAXIMUM_WAIT_OBJECTS - 1)
#define IDLE_NS 10000000000LL
#define STARVE_NS 100000000LL
#define DEFAULT_MAX 500u

enum tp_kind { K_WORK, K_SIMPLE, K_TIMER, K_WAIT, K_IO };

struct tp_object;
struct tp_item {
    struct tp_item *next, *prev;     /* in the pool's queue */
    struct tp_object *obj;
    ULONG_PTR a, b, c;               /* wait: result; io: overlapped, status, bytes */
};

struct io_binding {                  /* a completion key; outlives its object */
    struct tp_object *obj;           /* NULL once the object is closed */
};

struct wait_thread;
struct tp_object {
    uint32_t magic;
    enum tp_kind kind;
    struct _TP_POOL *pool;           /* with a reference */
    struct _TP_CLEANUP_GROUP *group; /* or NULL */
    struct tp_object *gnext, *gprev; /* in group->members */
    PTP_CLEANUP_GROUP_CANCEL_CALLBACK cancel_cb;
    PTP_SIMPLE_CALLBACK finalize;
    void *fn, *ctx;
    int prio;                        /* TP_CALLBACK_PRIORITY_* */
    bool long_fn;
    unsigned flags;                  /* TPF_* */
    unsigned refs, pending, running;
    bool user_ref;                   /* the program still holds it */
    void (*done)(void *);            /* close notification */
    void *done_arg;
    /* a timer */
    bool timer_set;                  /* IsThreadpoolTimerSet */
    bool in_list;                    /* on the timer list */
    int64_t due;                     /* monotonic ns */
    uint32_t period;                 /* ms */
    struct tp_object *tnext;
    /* a wait */
    struct wait_thread *wt;          /* the wait thread, or NULL */
    unsigned wslot;
    uint64_t wgen;                   /* registration number */
    HANDLE wdup;                     /* our duplicate of the handle */
    int64_t wdeadline;               /* monotonic ns, INT64_MAX: none */
    uint32_t wtimeout_ms;            /* TPF_REARM: the timeout again */
    /* an I/O object */
    struct io_binding *bind;
    unsigned io_started;
};

struct _TP_POOL {
    uint32_t magic;
    unsigned refs;                   /* the program and every object */
    struct tp_item queue[3];         /* sentinels, by priority */
    unsigned queued;
    unsigned threads, idle, max, min;
    uint64_t completed, seen;        /* starvation check */
    size_t stack;
    pthread_cond_t cv;               /* workers wait here */
    HANDLE port;                     /* the I/O objects' completion port */
    bool dead;                       /* no reference left: workers leave */
    struct _TP_POOL *next;           /* in tp_pools */
};

struct _TP_CLEANUP_GROUP {
    uint32_t magic;
    struct tp_object *members;
};

struct _TP_CALLBACK_INSTANCE {
    struct tp_object *obj;
    HANDLE event, sem, mutex;
    DWORD sem_count;
    PCRITICAL_SECTION cs;
    HMODULE mod;
    bool disassociated;
};

struct wait_dead {                   /* a registration the wait thread ends */
    HANDLE dup;
    struct tp_object *obj;           /* with the registration's reference */
};

struct wait_thread {
    HANDLE control;                  /* auto-reset: the slots changed */
    struct tp_object *slot[WAIT_SLOTS];
    unsigned used;
    struct wait_dead *dead;          /* unset since the last wake */
    unsigned ndead, cap;
    struct wait_thread *next;
};

static pthread_mutex_t tp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tp_done; /* CLOCK_MONOTONIC; made in tp_init */
static pthread_cond_t timer_cv;
static pthread_once_t tp_once = PTHREAD_ONCE_INIT;
static struct _TP_POOL default_pool;
static struct _TP_POOL *tp_pools;
static struct tp_object *timers;     /* sorted by due */
static bool timer_thread_up;
static bool starve_armed;            /* the timer thread will check soon */
static struct wait_thread *wait_threads;
static uint64_t wait_gen;
static unsigned soft_max;
static __thread struct _TP_CALLBACK_INSTANCE *tp_current;

static void *worker_main(void *arg);
static void *timer_main(void *arg);
static void starve_arm_locked(void);
static void *wait_main(void *arg);
static void *io_main(void *arg);

/* ---- basics ---------------------------------------------------------- */

static void lock(void) { pthread_mutex_lock(&tp_lock); }
static void unlock(void) { pthread_mutex_unlock(&tp_lock); }

static void cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

static void cond_wait_until(pthread_cond_t *c, int64_t deadline)
{
    if (deadline == INT64_MAX) {
        pthread_cond_wait(c, &tp_lock);
        return;
    }
    struct timespec ts = {deadline / 1000000000, deadline % 1000000000};
    pthread_cond_timedwait(c, &tp_lock, &ts);
}

static void pool_setup(struct _TP_POOL *p, unsigned max)
{
    p->magic = TP_MAGIC_POOL;
    for (int i = 0; i < 3; i++)
        p->queue[i].next = p->queue[i].prev = &p->queue[i];
    p->max = max;
    cond_init(&p->cv);
    p->next = tp_pools;
    tp_pools = p;
}

static void tp_init(void)
{
    cond_init(&tp_done);
    cond_init(&timer_cv);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    soft_max = n > 2 ? (unsigned)n : 2;
    lock();
    pool_setup(&default_pool, DEFAULT_MAX);
    default_pool.refs = 1; /* never freed */
    unlock();
}

static struct _TP_POOL *pool_of_env(PTP_CALLBACK_ENVIRON env)
{
    pthread_once(&tp_once, tp_init);
    return env && env->Pool ? env->Pool : &default_pool;
}

/* Frees what a dropped reference left, once tp_lock is released. */
struct defer {
    void (*done)(void *);
    void *arg;
    struct tp_object *free_obj;
    struct _TP_POOL *free_pool;
};

static void defer_run(struct defer *d)
{
    if (d->free_obj)
        free(d->free_obj);
    if (d->free_pool) {
        if (d->free_pool->port)
            CloseHandle(d->free_pool->port);
        pthread_cond_destroy(&d->free_pool->cv);
        free(d->free_pool);
    }
    if (d->done)
        d->done(d->arg);
}

static void pool_unref_locked(struct _TP_POOL *p)
{
    if (--p->refs)
        return;
    p->dead = true;
    pthread_cond_broadcast(&p->cv);
    if (p->port) /* wake the I/O thread: it counts as a thread */
        PostQueuedCompletionStatus(p->port, 0, 0, NULL);
}

/* The last thread of a dead pool unlinks it for freeing. */
static bool pool_reap_locked(struct _TP_POOL *p)
{
    if (!p->dead || p->threads)
        return false;
    for (struct _TP_POOL **pp = &tp_pools; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    p->magic = TP_DEAD;
    return true;
}

static void group_unlink_locked(struct tp_object *o)
{
    struct _TP_CLEANUP_GROUP *g = o->group;
    if (!g)
        return;
    if (o->gprev)
        o->gprev->gnext = o->gnext;
    else
        g->members = o->gnext;
    if (o->gnext)
        o->gnext->gprev = o->gprev;
    o->group = NULL;
    o->gnext = o->gprev = NULL;
}

static void obj_unref_locked(struct tp_object *o, struct defer *d)
{
    if (--o->refs)
        return;
    group_unlink_locked(o);
    if (o->bind)
        o->bind->obj = NULL;
    d->done = o->done;
    d->arg = o->done_arg;
    d->free_obj = o;
    o->magic = TP_DEAD;
    struct _TP_POOL *p = o->pool;
    pool_unref_locked(p);
    if (pool_reap_locked(p))
        d->free_pool = p;
}

static bool obj_idle(struct tp_object *o)
{
    return !o->pending && !o->running;
}

static void obj_quiet_locked(struct tp_object *o)
{
    if (obj_idle(o))
        pthread_cond_broadcast(&tp_done);
}

/* ---- workers --------------------------------------------------------- */

static void worker_start_locked(struct _TP_POOL *p)
{
    p->threads++; /* a dead pool is freed by its last thread */
    if (service_thread_start(worker_main, p, p->stack))
        p->threads--;
}

static void pool_kick_locked(struct _TP_POOL *p, bool long_fn)
{
    if (p->idle >= p->queued) {
        pthread_cond_signal(&p->cv);
        return;
    }
    if (p->idle)
        pthread_cond_signal(&p->cv);
    unsigned limit = long_fn ? p->max : (soft_max < p->max ? soft_max : p->max);
    if (p->threads < limit || p->threads < p->min)
        worker_start_locked(p);
    else if (!starve_armed) /* the starvation check runs there */
        starve_arm_locked();
}

static void item_queue_locked(struct tp_object *o, ULONG_PTR a, ULONG_PTR b, ULONG_PTR c)
{
    struct tp_item *it = malloc(sizeof *it);
    if (!it)
        ws_panic("thread pool item", ENOMEM);
    it->obj = o;
    it->a = a, it->b = b, it->c = c;
    struct tp_item *q = &o->pool->queue[o->prio];
    it->next = q;
    it->prev = q->prev;
    q->prev->next = it;
    q->prev = it;
    o->pool->queued++;
    o->pending++;
    o->refs++;
    pool_kick_locked(o->pool, o->long_fn);
}

static void item_unlink_locked(struct tp_item *it)
{
    it->prev->next = it->next;
    it->next->prev = it->prev;
    it->obj->pool->queued--;
    it->obj->pending--;
}

/* Drops o's queued items (the caller holds a reference on o). */
static void obj_cancel_locked(struct tp_object *o)
{
    struct _TP_POOL *p = o->pool;
    for (int i = 0; i < 3 && o->pending; i++) {
        struct tp_item *it = p->queue[i].next;
        while (it != &p->queue[i] && o->pending) {
            struct tp_item *next = it->next;
            if (it->obj == o) {
                item_unlink_locked(it);
                free(it);
                o->refs--; /* never the last: the caller holds one */
            }
            it = next;
        }
    }
    obj_quiet_locked(o);
}

static void instance_finish(struct _TP_CALLBACK_INSTANCE *in)
{
    if (in->cs)
        LeaveCriticalSection(in->cs);
    if (in->mutex)
        ReleaseMutex(in->mutex);
    if (in->sem)
        ReleaseSemaphore(in->sem, (LONG)in->sem_count, NULL);
    if (in->event)
        SetEvent(in->event);
    /* Last: the callback's own code may be in the module. */
    if (in->mod)
        FreeLibrary(in->mod);
}

/* Runs one callback of o with tp_lock held on entry and exit; the caller
 * has counted it running and holds a reference for it. */
static void callback_run_locked(struct tp_object *o, ULONG_PTR a, ULONG_PTR b, ULONG_PTR c)
{
    struct _TP_CALLBACK_INSTANCE in = {.obj = o};
    struct _TP_CALLBACK_INSTANCE *outer = tp_current;
    unlock();
    tp_current = &in;
    switch (o->kind) {
    case K_WORK:
        ((PTP_WORK_CALLBACK)o->fn)(&in, o->ctx, (PTP_WORK)o);
        break;
    case K_SIMPLE:
        ((PTP_SIMPLE_CALLBACK)o->fn)(&in, o->ctx);
        break;
    case K_TIMER:
        ((PTP_TIMER_CALLBACK)o->fn)(&in, o->ctx, (PTP_TIMER)o);
        break;
    case K_WAIT:
        ((PTP_WAIT_CALLBACK)o->fn)(&in, o->ctx, (PTP_WAIT)o, (TP_WAIT_RESULT)a);
        break;
    case K_IO:
        ((PTP_WIN32_IO_CALLBACK)o->fn)(&in, o->ctx, (PVOID)a, (ULONG)b, c, (PTP_IO)o);
        break;
    }
    if (o->finalize)
        o->finalize(&in, o->ctx);
    instance_finish(&in);
    tp_current = outer;
    struct defer d = {0};
    lock();
    if (!in.disassociated)
        o->running--;
    o->pool->completed++;
    obj_quiet_locked(o);
    obj_unref_locked(o, &d);
    if (d.done || d.free_obj || d.free_pool) {
        unlock();
        defer_run(&d);
        lock();
    }
}

static struct tp_item *queue_take_locked(struct _TP_POOL *p)
{
    for (int i = 0; i < 3; i++)
        if (p->queue[i].next != &p->queue[i]) {
            struct tp_item *it = p->queue[i].next;
            item_unlink_locked(it);
            return it;
        }
    return NULL;
}

static void *worker_main(void *arg)
{
    struct _TP_POOL *p = arg;
    struct defer d = {0};
    lock();
    for (;;) {
        struct tp_item *it = queue_take_locked(p);
        if (it) {
            struct tp_object *o = it->obj;
            ULONG_PTR a = it->a, b = it->b, c = it->c;
            free(it);
            o->running++; /* the item's reference goes with the callback */
            callback_run_locked(o, a, b, c);
            continue;
        }
        if (p->dead)
            break;
        p->idle++;
        int64_t until = time_mono_ns() + IDLE_NS;
        cond_wait_until(&p->cv, until);
        p->idle--;
        if (!p->queued && p->threads > p->min && time_mono_ns() >= until)
            break;
    }
    p->threads--;
    if (pool_reap_locked(p))
        d.free_pool = p;
    unlock();
    defer_run(&d);
    return NULL;
}

/* ---- objects --------------------------------------------------------- */

static struct tp_object *obj_new(enum tp_kind kind, void *fn, void *ctx,
                                 PTP_CALLBACK_ENVIRON env)
{
    struct _TP_POOL *p = pool_of_env(env);
    DWORD err = !fn || p->magic != TP_MAGIC_POOL ? ERROR_INVALID_PARAMETER : 0;
    struct tp_object *o = err ? NULL : calloc(1, sizeof *o);
    if (!o) {
        ws_set_last_error(err ? err : ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    o->magic = TP_MAGIC_OBJ;
    o->kind = kind;
    o->fn = fn;
    o->ctx = ctx;
    o->prio = TP_CALLBACK_PRIORITY_NORMAL;
    o->refs = 1;
    o->user_ref = true;
    o->wdeadline = INT64_MAX;
    if (env) {
        o->long_fn = env->u.s.LongFunction;
        o->finalize = env->FinalizationCallback;
        if (env->Version >= 3 && env->CallbackPriority < TP_CALLBACK_PRIORITY_INVALID)
            o->prio = env->CallbackPriority;
    }
    lock();
    o->pool = p;
    p->refs++;
    struct _TP_CLEANUP_GROUP *g = env ? env->CleanupGroup : NULL;
    if (g && g->magic == TP_MAGIC_GROUP) {
        o->group = g;
        o->cancel_cb = env->CleanupGroupCancelCallback;
        o->gnext = g->members;
        if (g->members)
            g->members->gprev = o;
        g->members = o;
    }
    unlock();
    return o;
}

static struct tp_object *obj_check(const void *h, enum tp_kind kind)
{
    struct tp_object *o = (struct tp_object *)h;
    if (!o || o->magic != TP_MAGIC_OBJ || o->kind != kind)
        return NULL;
    return o;
}

static void timer_unset_locked(struct tp_object *o);
static void wait_unset_locked(struct tp_object *o);

/* Unsets a timer or wait: no new callback is queued. */
static void obj_shutdown_locked(struct tp_object *o)
{
    if (o->kind == K_TIMER)
        timer_unset_locked(o);
    else if (o->kind == K_WAIT)
        wait_unset_locked(o);
    else if (o->kind == K_IO && o->bind)
        o->bind->obj = NULL;
}

static void obj_close(struct tp_object *o)
{
    struct defer d = {0};
    lock();
    if (o->user_ref) {
        o->user_ref = false;
        obj_shutdown_locked(o);
        obj_unref_locked(o, &d);
    }
    unlock();
    defer_run(&d);
}

static void obj_wait_callbacks(struct tp_object *o, BOOL cancel)
{
    lock();
    if (cancel)
        obj_cancel_locked(o);
    /* A callback waiting for its own object would wait for itself. */
    unsigned self = tp_current && tp_current->obj == o && !tp_current->disassociated;
    while (o->pending || o->running > self)
        pthread_cond_wait(&tp_done, &tp_lock);
    unlock();
}

void tp_object_set_flags(void *obj, unsigned flags)
{
    struct tp_object *o = obj;
    lock();
    o->flags |= flags;
    unlock();
}

bool tp_object_close_notify(void *obj, void (*done)(void *), void *arg)
{
    struct tp_object *o = obj;
    struct defer d = {0};
    lock();
    obj_shutdown_locked(o);
    bool quiet = o->pending == 0 &&
                 o->running == (tp_current && tp_current->obj == o && !tp_current->disassociated);
    if (!quiet) {
        o->done = done;
        o->done_arg = arg;
    }
    o->user_ref = false;
    obj_unref_locked(o, &d);
    unlock();
    defer_run(&d);
    return quiet;
}

/* ---- pools ----------------------------------------------------------- */

WS_EXPORT PTP_POOL WINAPI CreateThreadpool(PVOID reserved)
{
    (void)reserved;
    pthread_once(&tp_once, tp_init);
    struct _TP_POOL *p = calloc(1, sizeof *p);
    if (!p)
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    lock();
    pool_setup(p, DEFAULT_MAX);
    p->refs = 1;
    unlock();
    return p;
}

static struct _TP_POOL *pool_check(PTP_POOL p)
{
    return p && p->magic == TP_MAGIC_POOL && p != &default_pool ? p : NULL;
}

WS_EXPORT VOID WINAPI CloseThreadpool(PTP_POOL ptpp)
{
    struct _TP_POOL *p = pool_check(ptpp);
    if (!p)
        return;
    struct defer d = {0};
    lock();
    pool_unref_locked(p);
    if (pool_reap_locked(p))
        d.free_pool = p;
    unlock();
    defer_run(&d);
}

WS_EXPORT VOID WINAPI SetThreadpoolThreadMaximum(PTP_POOL ptpp, DWORD most)
{
    struct _TP_POOL *p = pool_check(ptpp);
    if (!p)
        return;
    lock();
    p->max = most ? most : 1;
    if (p->min > p->max)
        p->min = p->max;
    unlock();
}

WS_EXPORT BOOL WINAPI SetThreadpoolThreadMinimum(PTP_POOL ptpp, DWORD least)
{
    struct _TP_POOL *p = pool_check(ptpp);
    if (!p)
        return ws_bool(ERROR_INVALID_PARAMETER);
    lock();
    p->min = least;
    if (p->max < least)
        p->max = least;
    while (p->threads < least) {
        unsigned before = p->threads;
        worker_start_locked(p);
        if (p->threads == before) {
            unlock();
            return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
        }
    }
    unlock();
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetThreadpoolStackInformation(PTP_POOL ptpp, PTP_POOL_STACK_INFORMATION si)
{
    struct _TP_POOL *p = pool_check(ptpp);
    if (!p || !si)
        return ws_bool(ERROR_INVALID_PARAMETER);
    lock();
    p->stack = si->StackReserve;
    unlock();
    return TRUE;
}

WS_EXPORT BOOL WINAPI QueryThreadpoolStackInformation(PTP_POOL ptpp, PTP_POOL_STACK_INFORMATION si)
{
    struct _TP_POOL *p = pool_check(ptpp);
    if (!p || !si)
        return ws_bool(ERROR_INVALID_PARAMETER);
    lock();
    si->StackReserve = p->stack ? p->stack : 8u << 20; /* glibc's default */
    si->StackCommit = 4096;
    unlock();
    return TRUE;
}

/* ---- work ------------------------------------------------------------ */

WS_EXPORT PTP_WORK WINAPI CreateThreadpoolWork(PTP_WORK_CALLBACK fn, PVOID ctx,
                                               PTP_CALLBACK_ENVIRON env)
{
    return (PTP_WORK)obj_new(K_WORK, (void *)fn, ctx, env);
}

WS_EXPORT VOID WINAPI SubmitThreadpoolWork(PTP_WORK w)
{
    struct tp_object *o = obj_check(w, K_WORK);
    if (!o)
        return;
    lock();
    item_queue_locked(o, 0, 0, 0);
    unlock();
}

WS_EXPORT BOOL WINAPI TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK fn, PVOID ctx,
                                                  PTP_CALLBACK_ENVIRON env)
{
    struct tp_object *o = obj_new(K_SIMPLE, (void *)fn, ctx, env);
    if (!o)
        return FALSE;
    struct defer d = {0};
    lock();
    item_queue_locked(o, 0, 0, 0);
    o->user_ref = false;
    obj_unref_locked(o, &d);
    unlock();
    defer_run(&d);
    return TRUE;
}

WS_EXPORT VOID WINAPI WaitForThreadpoolWorkCallbacks(PTP_WORK w, BOOL cancel)
{
    struct tp_object *o = obj_check(w, K_WORK);
    if (o)
        obj_wait_callbacks(o, cancel);
}

WS_EXPORT VOID WINAPI CloseThreadpoolWork(PTP_WORK w)
{
    struct tp_object *o = obj_check(w, K_WORK);
    if (o)
        obj_close(o);
}

/* ---- timers: one thread, a sorted list ------------------------------- */

static void timer_thread_ensure_locked(void)
{
    if (!timer_thread_up && !service_thread_start(timer_main, NULL, 0))
        timer_thread_up = true;
}

static void timer_unlink_locked(struct tp_object *o)
{
    if (!o->in_list)
        return;
    for (struct tp_object **pp = &timers; *pp; pp = &(*pp)->tnext)
        if (*pp == o) {
            *pp = o->tnext;
            break;
        }
    o->in_list = false;
}

static void timer_link_locked(struct tp_object *o)
{
    struct tp_object **pp = &timers;
    while (*pp && (*pp)->due <= o->due)
        pp = &(*pp)->tnext;
    o->tnext = *pp;
    *pp = o;
    o->in_list = true;
    if (timers == o)
        pthread_cond_signal(&timer_cv);
    timer_thread_ensure_locked();
}

static void starve_arm_locked(void)
{
    starve_armed = true;
    pthread_cond_signal(&timer_cv);
    timer_thread_ensure_locked();
}

static void timer_unset_locked(struct tp_object *o)
{
    timer_unlink_locked(o);
    o->timer_set = false;
}

static void timer_fire_locked(struct tp_object *o, int64_t now)
{
    timer_unlink_locked(o);
    if (o->period) {
        o->due += (int64_t)o->period * 1000000;
        if (o->due < now)
            o->due = now + (int64_t)o->period * 1000000;
        timer_link_locked(o);
    } else {
        o->timer_set = false;
    }
    if (o->flags & TPF_INLINE) {
        o->running++;
        o->refs++;
        callback_run_locked(o, 0, 0, 0);
    } else {
        item_queue_locked(o, 0, 0, 0);
    }
}

/* A pool whose queue has not moved for STARVE_NS gets one more worker. */
static bool starvation_check_locked(void)
{
    bool any = false;
    for (struct _TP_POOL *p = tp_pools; p; p = p->next) {
        if (!p->queued || p->idle || p->dead || p->threads >= p->max) {
            p->seen = p->completed;
            continue;
        }
        if (p->seen == p->completed)
            worker_start_locked(p);
        p->seen = p->completed;
        any = true;
    }
    return any;
}

static void *timer_main(void *arg)
{
    (void)arg;
    lock();
    int64_t next_check = INT64_MAX;
    for (;;) {
        int64_t now = time_mono_ns();
        while (timers && timers->due <= now) {
            timer_fire_locked(timers, now);
            now = time_mono_ns();
        }
        int64_t until = timers ? timers->due : INT64_MAX;
        if (starve_armed && next_check == INT64_MAX)
            next_check = now + STARVE_NS; /* first look: note progress */
        if (next_check != INT64_MAX && now >= next_check) {
            bool again = starvation_check_locked();
            next_check = again ? now + STARVE_NS : INT64_MAX;
            starve_armed = again;
        }
        if (next_check < until)
            until = next_check;
        cond_wait_until(&timer_cv, until);
    }
    return NULL;
}

/* A FILETIME due time: negative relative (100 ns), positive absolute UTC,
 * zero now. */
static int64_t due_from_filetime(const FILETIME *ft)
{
    int64_t v = (int64_t)(((uint64_t)ft->dwHighDateTime << 32) | ft->dwLowDateTime);
    int64_t now = time_mono_ns();
    if (v < 0)
        return now + (-v) * 100;
    int64_t delta = v - time_utc_100ns();
    return delta > 0 ? now + delta * 100 : now;
}

WS_EXPORT BOOL WINAPI SetThreadpoolTimerEx(PTP_TIMER t, PFILETIME due, DWORD period,
                                           DWORD window)
{
    (void)window; /* coalescing is an optimisation: we fire on time */
    struct tp_object *o = obj_check(t, K_TIMER);
    if (!o)
        return FALSE;
    lock();
    BOOL was = o->timer_set;
    timer_unset_locked(o);
    if (due) {
        o->due = due_from_filetime(due);
        o->period = period;
        o->timer_set = true;
        timer_link_locked(o);
    }
    unlock();
    return was;
}

WS_EXPORT VOID WINAPI SetThreadpoolTimer(PTP_TIMER t, PFILETIME due, DWORD period, DWORD window)
{
    SetThreadpoolTimerEx(t, due, period, window);
}

WS_EXPORT PTP_TIMER WINAPI CreateThreadpoolTimer(PTP_TIMER_CALLBACK fn, PVOID ctx,
                                                 PTP_CALLBACK_ENVIRON env)
{
    return (PTP_TIMER)obj_new(K_TIMER, (void *)fn, ctx, env);
}

WS_EXPORT BOOL WINAPI IsThreadpoolTimerSet(PTP_TIMER t)
{
    struct tp_object *o = obj_check(t, K_TIMER);
    if (!o)
        return FALSE;
    lock();
    BOOL set = o->timer_set;
    unlock();
    return set;
}

WS_EXPORT VOID WINAPI WaitForThreadpoolTimerCallbacks(PTP_TIMER t, BOOL cancel)
{
    struct tp_object *o = obj_check(t, K_TIMER);
    if (o)
        obj_wait_callbacks(o, cancel);
}

WS_EXPORT VOID WINAPI CloseThreadpoolTimer(PTP_TIMER t)
{
    struct tp_object *o = obj_check(t, K_TIMER);
    if (o)
        obj_close(o);
}

/* ---- waits: up to 63 per wait thread --------------------------------- */

static void wait_thread_bury_locked(struct wait_thread *w, struct tp_object *o)
{
    if (w->ndead == w->cap) {
        unsigned cap = w->cap ? w->cap * 2 : 8;
        struct wait_dead *n = realloc(w->dead, cap * sizeof *n);
        if (!n)
            ws_panic("wait thread", ENOMEM);
        w->dead = n;
        w->cap = cap;
    }
    w->dead[w->ndead++] = (struct wait_dead){.dup = o->wdup, .obj = o};
}

static void wait_unset_locked(struct tp_object *o)
{
    struct wait_thread *w = o->wt;
    if (!w)
        return;
    unsigned i = o->wslot;
    w->slot[i] = w->slot[--w->used];
    w->slot[i]->wslot = i;
    w->slot[w->used] = NULL;
    wait_thread_bury_locked(w, o);
    o->wt = NULL;
    o->wdup = NULL;
    SetEvent(w->control);
}

static DWORD wait_register_locked(struct tp_object *o, HANDLE dup)
{
    struct wait_thread *w = wait_threads;
    while (w && w->used == WAIT_SLOTS)
        w = w->next;
    if (!w) {
        w = calloc(1, sizeof *w);
        if (!w)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (!(w->control = CreateEventW(NULL, FALSE, FALSE, NULL))) {
            free(w);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        if (service_thread_start(wait_main, w, 256 << 10)) {
            CloseHandle(w->control);
            free(w);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        w->next = wait_threads;
        wait_threads = w;
    }
    o->refs++; /* the registration's: dropped by the wait thread */
    o->wt = w;
    o->wslot = w->used;
    o->wgen = ++wait_gen;
    o->wdup = dup;
    w->slot[w->used++] = o;
    SetEvent(w->control);
    return 0;
}

static void wait_fire_locked(struct wait_thread *w, struct tp_object *o, DWORD result)
{
    if (o->flags & TPF_REARM) {
        o->wdeadline = o->wtimeout_ms == INFINITE
                           ? INT64_MAX
                           : time_mono_ns() + (int64_t)o->wtimeout_ms * 1000000;
    } else {
        (void)w;
        wait_unset_locked(o);
    }
    if (o->flags & TPF_INLINE) {
        o->running++;
        o->refs++;
        callback_run_locked(o, result, 0, 0);
    } else {
        item_queue_locked(o, result, 0, 0);
    }
}

static void *wait_main(void *arg)
{
    struct wait_thread *w = arg;
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    struct tp_object *who[MAXIMUM_WAIT_OBJECTS];
    uint64_t gen[MAXIMUM_WAIT_OBJECTS];
    lock();
    for (;;) {
        /* Registrations unset since the last wake: no pointer of the last
         * round (who[]) is used after this point, so they may go. */
        while (w->ndead) {
            struct wait_dead dead = w->dead[--w->ndead];
            struct defer d = {0};
            obj_unref_locked(dead.obj, &d);
            unlock();
            CloseHandle(dead.dup);
            defer_run(&d);
            lock();
        }
        if (!w->used) { /* leave: nobody can pick this thread any more */
            struct wait_thread **pp = &wait_threads;
            while (*pp != w)
                pp = &(*pp)->next;
            *pp = w->next;
            break;
        }
        h[0] = w->control;
        int64_t deadline = INT64_MAX;
        DWORD n = 1;
        for (unsigned i = 0; i < w->used; i++, n++) {
            who[n] = w->slot[i];
            gen[n] = w->slot[i]->wgen;
            h[n] = w->slot[i]->wdup;
            if (w->slot[i]->wdeadline < deadline)
                deadline = w->slot[i]->wdeadline;
        }
        int64_t now = time_mono_ns();
        DWORD ms = deadline == INT64_MAX ? INFINITE
                   : deadline <= now ? 0
                   : (DWORD)((deadline - now + 999999) / 1000000);
        unlock();
        DWORD r = WaitForMultipleObjectsEx(n, h, FALSE, ms, FALSE);
        lock();
        if (r == WAIT_FAILED) { /* handles torn down at exit: keep out of the way */
            unlock();
            Sleep(10);
            lock();
            continue;
        }
        DWORD i = r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + n ? r - WAIT_ABANDONED_0
                  : r < n ? r - WAIT_OBJECT_0 : 0;
        if (i > 0 && who[i]->wt == w && who[i]->wgen == gen[i])
            wait_fire_locked(w, who[i], r >= WAIT_ABANDONED_0 ? WAIT_ABANDONED_0 : WAIT_OBJECT_0);
        now = time_mono_ns();
        for (unsigned j = 0; j < w->used;) {
            struct tp_object *o = w->slot[j];
            if (o->wdeadline > now) {
                j++;
                continue;
            }
            wait_fire_locked(w, o, WAIT_TIMEOUT);
            if (j < w->used && w->slot[j] == o)
                j++; /* re-armed: still here */
        }
    }
    unlock();
    CloseHandle(w->control);
    free(w->dead);
    free(w);
    return NULL;
}

WS_EXPORT PTP_WAIT WINAPI CreateThreadpoolWait(PTP_WAIT_CALLBACK fn, PVOID ctx,
                                               PTP_CALLBACK_ENVIRON env)
{
    return (PTP_WAIT)obj_new(K_WAIT, (void *)fn, ctx, env);
}

/* Sets or unsets (h NULL) a wait: 1 it replaced a registration, 0 not,
 * -1 failed with the last error set. */
static int wait_set(struct tp_object *o, HANDLE h, int64_t deadline, DWORD timeout_ms)
{
    HANDLE dup = NULL;
    DWORD saved = GetLastError(); /* our own calls leave it as it was */
    if (h && !DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup, 0, FALSE,
                              DUPLICATE_SAME_ACCESS))
        return -1;
    lock();
    int was = o->wt != NULL;
    wait_unset_locked(o);
    DWORD err = 0;
    if (dup) {
        o->wdeadline = deadline;
        o->wtimeout_ms = timeout_ms;
        err = wait_register_locked(o, dup);
    }
    unlock();
    if (err) {
        CloseHandle(dup);
        ws_set_last_error(err);
        return -1;
    }
    ws_set_last_error(saved);
    return was;
}

WS_EXPORT BOOL WINAPI SetThreadpoolWaitEx(PTP_WAIT wa, HANDLE h, PFILETIME timeout, PVOID reserved)
{
    (void)reserved;
    struct tp_object *o = obj_check(wa, K_WAIT);
    if (!o)
        return FALSE;
    return wait_set(o, h, timeout ? due_from_filetime(timeout) : INT64_MAX, INFINITE) == 1;
}

WS_EXPORT VOID WINAPI SetThreadpoolWait(PTP_WAIT wa, HANDLE h, PFILETIME timeout)
{
    SetThreadpoolWaitEx(wa, h, timeout, NULL);
}

BOOL tp_wait_register(PTP_WAIT wa, HANDLE h, DWORD timeout_ms)
{
    struct tp_object *o = (struct tp_object *)wa;
    if (!h) {
        ws_set_last_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    int64_t deadline = timeout_ms == INFINITE ? INT64_MAX
                                              : time_mono_ns() + (int64_t)timeout_ms * 1000000;
    return wait_set(o, h, deadline, timeout_ms) != -1;
}

WS_EXPORT VOID WINAPI WaitForThreadpoolWaitCallbacks(PTP_WAIT wa, BOOL cancel)
{
    struct tp_object *o = obj_check(wa, K_WAIT);
    if (o)
        obj_wait_callbacks(o, cancel);
}

WS_EXPORT VOID WINAPI CloseThreadpoolWait(PTP_WAIT wa)
{
    struct tp_object *o = obj_check(wa, K_WAIT);
    if (o)
        obj_close(o);
}

/* ---- I/O: the pool's completion port and its thread ------------------ */

static void *io_main(void *arg)
{
    struct _TP_POOL *p = arg;
    struct defer d = {0};
    for (;;) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        BOOL ok = GetQueuedCompletionStatus(p->port, &bytes, &key, &ov, INFINITE);
        DWORD status = ok ? 0 : GetLastError();
        lock();
        /* Our wake-up for a dead pool; or the port is gone: the handle
         * table is torn down at exit (ERROR_ABANDONED_WAIT_0). */
        if ((!key && !ov && p->dead) || (!ok && !ov))
            break;
        struct io_binding *bind = (struct io_binding *)key;
        struct tp_object *o = bind ? bind->obj : NULL;
        if (o) {
            if (o->io_started)
                o->io_started--;
            item_queue_locked(o, (ULONG_PTR)ov, status, bytes);
        }
        unlock();
    }
    p->threads--;
    if (pool_reap_locked(p))
        d.free_pool = p;
    unlock();
    defer_run(&d);
    return NULL;
}

static DWORD pool_port_locked(struct _TP_POOL *p)
{
    if (p->port)
        return 0;
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (!port)
        return GetLastError();
    p->port = port;
    p->threads++;
    if (service_thread_start(io_main, p, 256 << 10)) {
        p->threads--;
        p->port = NULL;
        CloseHandle(port);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return 0;
}

static struct tp_object *io_new(HANDLE file, PTP_WIN32_IO_CALLBACK fn, void *ctx,
                                PTP_CALLBACK_ENVIRON env, DWORD *err)
{
    if (!file || file == INVALID_HANDLE_VALUE) { /* not a file: no port to ask */
        *err = ERROR_INVALID_HANDLE;
        return NULL;
    }
    struct io_binding *bind = calloc(1, sizeof *bind);
    if (!bind) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    struct tp_object *o = obj_new(K_IO, (void *)fn, ctx, env);
    if (!o) {
        free(bind);
        *err = GetLastError();
        return NULL;
    }
    lock();
    *err = pool_port_locked(o->pool);
    HANDLE port = o->pool->port;
    unlock();
    if (!*err && !CreateIoCompletionPort(file, port, (ULONG_PTR)bind, 0))
        *err = GetLastError();
    if (*err) {
        free(bind);
        obj_close(o);
        return NULL;
    }
    lock();
    bind->obj = o;
    o->bind = bind; /* leaked on close: the file may still complete to it */
    unlock();
    return o;
}

WS_EXPORT PTP_IO WINAPI CreateThreadpoolIo(HANDLE file, PTP_WIN32_IO_CALLBACK fn, PVOID ctx,
                                           PTP_CALLBACK_ENVIRON env)
{
    DWORD err;
    DWORD saved = GetLastError();
    struct tp_object *o = io_new(file, fn, ctx, env, &err);
    if (!o)
        return ws_null(err);
    ws_set_last_error(saved);
    return (PTP_IO)o;
}

PTP_IO tp_io_bind(HANDLE file, PTP_WIN32_IO_CALLBACK cb, void *ctx, DWORD *err)
{
    struct tp_object *o = io_new(file, cb, ctx, NULL, err);
    if (o)
        tp_object_set_flags(o, TPF_UNSTARTED);
    return (PTP_IO)o;
}

WS_EXPORT VOID WINAPI StartThreadpoolIo(PTP_IO io)
{
    struct tp_object *o = obj_check(io, K_IO);
    if (!o)
        return;
    lock();
    o->io_started++;
    unlock();
}

WS_EXPORT VOID WINAPI CancelThreadpoolIo(PTP_IO io)
{
    struct tp_object *o = obj_check(io, K_IO);
    if (!o)
        return;
    lock();
    if (o->io_started)
        o->io_started--;
    unlock();
}

WS_EXPORT VOID WINAPI WaitForThreadpoolIoCallbacks(PTP_IO io, BOOL cancel)
{
    struct tp_object *o = obj_check(io, K_IO);
    if (o)
        obj_wait_callbacks(o, cancel);
}

WS_EXPORT VOID WINAPI CloseThreadpoolIo(PTP_IO io)
{
    struct tp_object *o = obj_check(io, K_IO);
    if (o)
        obj_close(o);
}

/* ---- cleanup groups -------------------------------------------------- */

WS_EXPORT PTP_CLEANUP_GROUP WINAPI CreateThreadpoolCleanupGroup(VOID)
{
    struct _TP_CLEANUP_GROUP *g = calloc(1, sizeof *g);
    if (!g)
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    g->magic = TP_MAGIC_GROUP;
    return g;
}

WS_EXPORT VOID WINAPI CloseThreadpoolCleanupGroupMembers(PTP_CLEANUP_GROUP ptpcg, BOOL cancel,
                                                         PVOID cleanup_ctx)
{
    struct _TP_CLEANUP_GROUP *g = ptpcg;
    if (!g || g->magic != TP_MAGIC_GROUP)
        return;
    /* Take every member off the group, holding a reference on each. */
    lock();
    struct tp_object *list = g->members, *o;
    g->members = NULL;
    for (o = list; o; o = o->gnext) {
        o->group = NULL;
        o->refs++;
        obj_shutdown_locked(o);
    }
    unlock();
    while ((o = list)) {
        list = o->gnext;
        o->gnext = o->gprev = NULL;
        struct defer d = {0};
        obj_wait_callbacks(o, cancel);
        if (cancel && o->cancel_cb)
            o->cancel_cb(o->ctx, cleanup_ctx);
        lock();
        if (o->user_ref) {
            o->user_ref = false;
            obj_unref_locked(o, &d);
        }
        unlock();
        defer_run(&d);
        d = (struct defer){0};
        lock();
        obj_unref_locked(o, &d);
        unlock();
        defer_run(&d);
    }
}

WS_EXPORT VOID WINAPI CloseThreadpoolCleanupGroup(PTP_CLEANUP_GROUP ptpcg)
{
    struct _TP_CLEANUP_GROUP *g = ptpcg;
    if (!g || g->magic != TP_MAGIC_GROUP)
        return;
    lock();
    for (struct tp_object *o = g->members, *next; o; o = next) {
        next = o->gnext;
        o->group = NULL;
        o->gnext = o->gprev = NULL;
    }
    g->magic = TP_DEAD;
    unlock();
    free(g);
}

/* ---- callback instances ---------------------------------------------- */

WS_EXPORT VOID WINAPI SetEventWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HANDLE evt)
{
    if (pci)
        pci->event = evt;
}

WS_EXPORT VOID WINAPI ReleaseSemaphoreWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HANDLE sem,
                                                          DWORD crel)
{
    if (pci) {
        pci->sem = sem;
        pci->sem_count = crel;
    }
}

WS_EXPORT VOID WINAPI ReleaseMutexWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HANDLE mut)
{
    if (pci)
        pci->mutex = mut;
}

WS_EXPORT VOID WINAPI LeaveCriticalSectionWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci,
                                                              PCRITICAL_SECTION pcs)
{
    if (pci)
        pci->cs = pcs;
}

WS_EXPORT VOID WINAPI FreeLibraryWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HMODULE mod)
{
    if (pci)
        pci->mod = mod;
}

WS_EXPORT BOOL WINAPI CallbackMayRunLong(PTP_CALLBACK_INSTANCE pci)
{
    if (!pci || !pci->obj)
        return FALSE;
    lock();
    struct _TP_POOL *p = pci->obj->pool;
    BOOL ok = p->idle > 0 || p->threads < p->max;
    if (!p->idle && p->threads < p->max)
        worker_start_locked(p);
    unlock();
    return ok;
}

WS_EXPORT VOID WINAPI DisassociateCurrentThreadFromCallback(PTP_CALLBACK_INSTANCE pci)
{
    if (!pci || pci->disassociated || !pci->obj)
        return;
    lock();
    pci->disassociated = true;
    pci->obj->running--;
    obj_quiet_locked(pci->obj);
    unlock();
}
