/*
 * Waitable timers, served by one timer thread per process.
 *
 * Object state: value 1 = signalled; flag TM_MANUAL for a manual-reset
 * (notification) timer; a synchronization timer is reset by the wait it
 * satisfies, like an auto-reset event.
 *
 * The service: a min-heap of armed timers ordered by due time
 * (CLOCK_MONOTONIC nanoseconds), one thread that sleeps until the earliest
 * due time, and one lock (svc.lock) that guards the heap and every
 * timer's arming fields (due, period, routine, heap_index, apc_thread).
 * The thread starts with the first SetWaitableTimer.  An armed timer holds
 * one reference, so the service never sees a freed timer; closing the
 * last handle cancels it (type last_close), as deleting a timer does on
 * Windows.
 *
 * Firing: signal the object through the wait core, queue the completion
 * routine (if any) as an APC to the thread that set the timer, re-arm a
 * periodic timer.  As on Windows the routine is queued at most once: a
 * timer that fires again before its APC ran does not queue a second one,
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

#include "internal.h"

#define TM_MANUAL 0x1u

struct timer {
    struct object hdr;
    int64_t due;            /* CLOCK_MONOTONIC ns */
    uint32_t period_ms;     /* 0: one-shot */
    int32_t heap_index;     /* -1 when not armed */
    PTIMERAPCROUTINE routine;
    void *routine_arg;
    struct object *apc_thread; /* reference; where the routine runs */
    struct apc apc;
};

/* The shared layout (internal.h, layout ids). */
static const uint32_t timer_layout[] = {
    LAYOUT_SIZE(struct timer),
    LAYOUT_FIELD(struct timer, due),
    LAYOUT_FIELD(struct timer, period_ms),
    LAYOUT_FIELD(struct timer, heap_index),
    LAYOUT_FIELD(struct timer, routine),
    LAYOUT_FIELD(struct timer, routine_arg),
    LAYOUT_FIELD(struct timer, apc_thread),
    LAYOUT_FIELD(struct timer, apc),
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
    TYPE_LAYOUT(timer_layout),
};

/* ---- the service ---- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;    /* the heap's head changed */
    struct timer **heap;
    uint32_t n, cap;
    bool running;
} svc = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void heap_set(uint32_t i, struct timer *t)
{
    svc.heap[i] = t;
    t->heap_index = (int32_t)i;
}

static void heap_up(uint32_t i)
{
    struct timer *t = svc.heap[i];
    while (i > 0 && svc.heap[(i - 1) / 2]->due > t->due) {
        heap_set(i, svc.heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(i, t);
}

static void heap_down(uint32_t i)
{
    struct timer *t = svc.heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= svc.n)
            break;
        if (c + 1 < svc.n && svc.heap[c + 1]->due < svc.heap[c]->due)
            c++;
        if (svc.heap[c]->due >= t->due)
            break;
        heap_set(i, svc.heap[c]);
        i = c;
    }
    heap_set(i, t);
}

static DWORD heap_insert(struct timer *t)
{
    if (svc.n == svc.cap) {
        uint32_t cap = svc.cap ? 2 * svc.cap : 64;
        struct timer **h = realloc(svc.heap, cap * sizeof *h);
        if (!h)
            return ERROR_NOT_ENOUGH_MEMORY;
        svc.heap = h;
        svc.cap = cap;
    }
    heap_set(svc.n++, t);
    heap_up(svc.n - 1);
    return ERROR_SUCCESS;
}

static void heap_remove(struct timer *t)
{
    uint32_t i = (uint32_t)t->heap_index;
    t->heap_index = -1;
    struct timer *last = svc.heap[--svc.n];
    if (last == t)
        return;
    heap_set(i, last);
    heap_up(i);
    heap_down((uint32_t)last->heap_index);
}

static void timer_set_state(struct timer *t, uint32_t value)
{
    struct wait_guard g;
    wait_lock(&t->hdr, &g);
    obj_store_locked(&t->hdr, st_with_value(obj_state(&t->hdr), value));
    if (value)
        wait_wake_locked(&t->hdr, &g);
    wait_unlock(&t->hdr, &g);
}

static void timer_apc_call(ULONG_PTR fn, ULONG_PTR arg, ULONG_PTR lo, ULONG_PTR hi)
{
    ((PTIMERAPCROUTINE)fn)((LPVOID)arg, (DWORD)lo, (DWORD)hi);
}

static void timer_apc_release(struct apc *a)
{
    struct timer *t = (struct timer *)((char *)a - offsetof(struct timer, apc));
    object_unref(&t->hdr);
}

/* Under svc.lock: the timer is due. */
static void timer_fire(struct timer *t, int64_t now)
{
    heap_remove(t);
    timer_set_state(t, 1);
    if (t->routine) {
        int64_t ft = time_utc_100ns();
        bool inserted;
        object_ref(&t->hdr); /* the queued APC's */
        if (thread_queue_apc(t->apc_thread, &t->apc, timer_apc_call,
                             (ULONG_PTR)t->routine, (ULONG_PTR)t->routine_arg,
                             (ULONG_PTR)(uint32_t)ft,
                             (ULONG_PTR)(uint32_t)((uint64_t)ft >> 32),
                             &inserted) ||
            !inserted)
            object_unref(&t->hdr);
    }
    if (t->period_ms) {
        int64_t period = (int64_t)t->period_ms * 1000000;
        t->due += period;
        if (t->due <= now) /* fell behind: no burst of missed periods */
            t->due = now + period;
        if (heap_insert(t) == ERROR_SUCCESS)
            return;
    }
    object_unref(&t->hdr); /* the armed reference */
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
        struct timer *t = svc.heap[0];
        if (t->due <= now) {
            timer_fire(t, now);
            continue;
        }
        struct timespec ts = {t->due / 1000000000, t->due % 1000000000};
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

    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* signals are the program's */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t pt;
    int r = pthread_create(&pt, &attr, timer_service, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r)
        return ERROR_NOT_ENOUGH_MEMORY;
    svc.running = true;
    return ERROR_SUCCESS;
}

/* A forked child has no service thread: its timers are disarmed. */
static void service_atfork_child(void)
{
    pthread_mutex_init(&svc.lock, NULL);
    for (uint32_t i = 0; i < svc.n; i++)
        svc.heap[i]->heap_index = -1;
    svc.n = 0;
    svc.running = false;
}

static void service_atfork_register(void)
{
    pthread_atfork(NULL, NULL, service_atfork_child);
}

/* Under svc.lock: disarms t and takes back its pending APC. */
static void timer_disarm(struct timer *t)
{
    if (t->heap_index >= 0) {
        heap_remove(t);
        object_unref(&t->hdr); /* the armed reference: a handle remains */
    }
    if (t->apc_thread) {
        thread_cancel_apc(t->apc_thread, &t->apc);
        object_unref(t->apc_thread);
        t->apc_thread = NULL;
    }
    t->routine = NULL;
}

static void timer_last_close(struct object *o)
{
    pthread_mutex_lock(&svc.lock);
    timer_disarm((struct timer *)o);
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

    ws_rcu_lock();
    DWORD err = handle_get(h, &timer_type, TIMER_MODIFY_STATE, &o, NULL);
    if (!err) {
        struct timer *t = (struct timer *)o;
        pthread_mutex_lock(&svc.lock);
        err = service_start();
        if (!err) {
            timer_disarm(t);
            timer_set_state(t, 0);
            t->due = when;
            t->period_ms = (uint32_t)period;
            t->routine = routine;
            t->routine_arg = arg;
            if (routine) {
                object_ref(self);
                t->apc_thread = self;
            }
            object_ref(o); /* the armed reference */
            if ((err = heap_insert(t))) {
                object_unref(o);
                timer_disarm(t);
            } else if (t->heap_index == 0) {
                pthread_cond_signal(&svc.cond);
            }
        }
        pthread_mutex_unlock(&svc.lock);
    }
    ws_rcu_unlock();
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
        timer_disarm((struct timer *)o);
        pthread_mutex_unlock(&svc.lock);
    }
    ws_rcu_unlock();
    return ws_bool(err);
}

static struct object *timer_make(void *ctx, DWORD *err)
{
    bool manual = *(DWORD *)ctx & CREATE_WAITABLE_TIMER_MANUAL_RESET;
    struct object *o = object_new(&timer_type, manual ? TM_MANUAL : 0, 0, err);
    if (o) {
        struct timer *t = (struct timer *)o;
        t->heap_index = -1;
        t->apc.release = timer_apc_release;
    }
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
