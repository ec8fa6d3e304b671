/*
 * Timer queues (CreateTimerQueue, CreateTimerQueueTimer, ...) and
 * registered waits (RegisterWaitForSingleObject, UnregisterWait(Ex)), on
 * the Vista pool's timer and wait objects (threadpool.c), as Windows
 * builds them: a timer-queue timer is a pool timer on the default pool, a
 * registered wait a pool wait that stays registered after it fires
 * unless WT_EXECUTEONLYONCE.  The handles are pointers to heap blocks with
 * a magic word (on Windows they are not kernel handles either:
 * CloseHandle does not take them); a deleted one reads as invalid while
 * its memory is not reused.
 *
 * States.  A queue: live, then deleted (magic cleared, its timers taken
 * off under tq_lock, which guards every queue's list).  A timer or wait:
 * live, then deleted: its pool object closed, the block freed once the
 * last callback has returned (the pool's close notification).
 *
 * Deletion and the completion argument (DeleteTimerQueueTimer,
 * DeleteTimerQueueEx, UnregisterWaitEx): a `struct completion` counts the
 * objects whose callbacks still run, plus one for the deleting call
 * itself.  NULL: return at once, FALSE + ERROR_IO_PENDING if callbacks
 * still run.  An event: the same, and the event is set when none runs
 * any more (at once if none ran).  INVALID_HANDLE_VALUE: wait for the
 * running callbacks, TRUE -- except the caller's own callback, when a
 * callback deletes its own timer or wait, which would wait for itself:
 * that one finishes after the call returns (check_timerqueue.c,
 * test_delete_self).
 */
#include <pthread.h>

#include "core/error.h"
#include "proc/pool.h"

#define TQ_MAGIC 0x54517565u  /* "TQue" */
#define TQT_MAGIC 0x54517469u /* "TQti" */
#define RW_MAGIC 0x52576169u  /* "RWai" */
#define TQ_DEAD 0

struct completion {
    HANDLE event;  /* to set at the end, or NULL */
    bool own;      /* INVALID_HANDLE_VALUE: our event, the caller waits */
    _Atomic long left;
};

struct timer_queue {
    uint32_t magic;
    struct tq_timer *timers;
};

struct tq_timer {
    uint32_t magic;
    struct timer_queue *q;
    struct tq_timer *next, *prev;  /* in q->timers */
    PTP_TIMER tp;
    WAITORTIMERCALLBACK cb;
    PVOID param;
    DWORD period;
    _Atomic bool fired;
    struct completion *c;          /* set when deleted */
};

struct reg_wait {
    uint32_t magic;
    PTP_WAIT tp;
    WAITORTIMERCALLBACK cb;
    PVOID ctx;
    struct completion *c;
};

static pthread_mutex_t tq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timer_queue default_queue = {.magic = TQ_MAGIC};

/* ---- completion of a deletion ---------------------------------------- */

static struct completion *completion_new(HANDLE arg, DWORD *err)
{
    struct completion *c = malloc(sizeof *c);
    if (!c) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    DWORD saved = GetLastError(); /* CreateEvent sets it on success */
    c->own = arg == INVALID_HANDLE_VALUE;
    c->event = c->own ? CreateEventW(NULL, TRUE, FALSE, NULL) : arg;
    if (c->own && !c->event) {
        *err = GetLastError();
        free(c);
        return NULL;
    }
    ws_set_last_error(saved);
    atomic_init(&c->left, 1); /* the deleting call's own count */
    return c;
}

/* A deleting call that failed before it deleted anything. */
static BOOL completion_drop(struct completion *c, DWORD err)
{
    if (c->own)
        CloseHandle(c->event);
    free(c);
    return ws_bool(err);
}

static void completion_put(struct completion *c)
{
    HANDLE e = c->event;
    if (atomic_fetch_sub(&c->left, 1) != 1)
        return;
    free(c);
    if (e)
        SetEvent(e);
}

/* Closes a pool object for c: counts it while its callbacks run. */
static void completion_add(struct completion *c, void *tp_obj, void (*done)(void *), void *arg)
{
    atomic_fetch_add(&c->left, 1);
    if (tp_object_close_notify(tp_obj, done, arg))
        done(arg);
}

/* The deleting call's end: its result, as documented per argument. */
static BOOL completion_end(struct completion *c)
{
    HANDLE e = c->event;
    bool own = c->own;
    if (atomic_fetch_sub(&c->left, 1) == 1) {
        free(c);
        if (own)
            CloseHandle(e);
        else if (e)
            SetEvent(e);
        return TRUE;
    }
    if (!own)
        return ws_bool(ERROR_IO_PENDING);
    WaitForSingleObject(e, INFINITE);
    CloseHandle(e);
    return TRUE;
}

/* ---- timer queues ---------------------------------------------------- */

static struct timer_queue *queue_get(HANDLE h)
{
    struct timer_queue *q = h ? (struct timer_queue *)h : &default_queue;
    return q->magic == TQ_MAGIC ? q : NULL;
}

static struct tq_timer *timer_get(HANDLE h)
{
    struct tq_timer *t = (struct tq_timer *)h;
    return t && t->magic == TQT_MAGIC ? t : NULL;
}

WS_EXPORT HANDLE WINAPI CreateTimerQueue(VOID)
{
    struct timer_queue *q = calloc(1, sizeof *q);
    if (!q)
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    q->magic = TQ_MAGIC;
    return q;
}

static VOID NTAPI tq_timer_run(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_TIMER tp)
{
    (void)inst;
    (void)tp;
    struct tq_timer *t = ctx;
    atomic_store(&t->fired, true);
    t->cb(t->param, TRUE);
}

static void tq_timer_done(void *arg)
{
    struct tq_timer *t = arg;
    struct completion *c = t->c;
    free(t);
    completion_put(c);
}

/* due ms from now as the relative FILETIME of SetThreadpoolTimer. */
static FILETIME ft_from_ms(DWORD ms)
{
    ULONGLONG v = (ULONGLONG)(-(LONGLONG)ms * 10000);
    FILETIME ft = {(DWORD)v, (DWORD)(v >> 32)};
    return ft;
}

WS_EXPORT BOOL WINAPI CreateTimerQueueTimer(PHANDLE out, HANDLE queue, WAITORTIMERCALLBACK cb,
                                            PVOID param, DWORD due, DWORD period, ULONG flags)
{
    if (!out || !cb)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct tq_timer *t = calloc(1, sizeof *t);
    if (!t)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    TP_CALLBACK_ENVIRON env;
    TpInitializeCallbackEnviron(&env);
    if (flags & WT_EXECUTELONGFUNCTION)
        TpSetCallbackLongFunction(&env);
    if (!(t->tp = CreateThreadpoolTimer(tq_timer_run, t, &env))) {
        free(t);
        return FALSE;
    }
    if (flags & WT_EXECUTEINTIMERTHREAD)
        tp_object_set_flags(t->tp, TPF_INLINE);
    t->cb = cb;
    t->param = param;
    t->period = flags & WT_EXECUTEONLYONCE ? 0 : period;
    t->magic = TQT_MAGIC;
    pthread_mutex_lock(&tq_lock);
    struct timer_queue *q = queue_get(queue);
    if (q) {
        t->q = q;
        t->next = q->timers;
        if (q->timers)
            q->timers->prev = t;
        q->timers = t;
        *out = t;
        FILETIME ft = ft_from_ms(due);
        SetThreadpoolTimer(t->tp, &ft, t->period, 0);
    }
    pthread_mutex_unlock(&tq_lock);
    if (!q) {
        CloseThreadpoolTimer(t->tp);
        free(t);
        return ws_bool(ERROR_INVALID_HANDLE);
    }
    return TRUE;
}

WS_EXPORT BOOL WINAPI ChangeTimerQueueTimer(HANDLE queue, HANDLE timer, ULONG due, ULONG period)
{
    BOOL ok = FALSE;
    pthread_mutex_lock(&tq_lock);
    struct tq_timer *t = timer_get(timer);
    if (t && t->q == queue_get(queue)) {
        ok = TRUE;
        /* Microsoft: a one-shot timer that has expired is not updated. */
        if (t->period || !atomic_load(&t->fired) || IsThreadpoolTimerSet(t->tp)) {
            t->period = period;
            FILETIME ft = ft_from_ms(due);
            SetThreadpoolTimer(t->tp, &ft, period, 0);
        }
    }
    pthread_mutex_unlock(&tq_lock);
    return ok ? TRUE : ws_bool(ERROR_INVALID_PARAMETER);
}

static void tq_unlink_locked(struct tq_timer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        t->q->timers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->magic = TQ_DEAD;
}

WS_EXPORT BOOL WINAPI DeleteTimerQueueTimer(HANDLE queue, HANDLE timer, HANDLE event)
{
    DWORD err;
    struct completion *c = completion_new(event, &err);
    if (!c)
        return ws_bool(err);
    pthread_mutex_lock(&tq_lock);
    struct tq_timer *t = timer_get(timer);
    if (!t || t->q != queue_get(queue)) {
        pthread_mutex_unlock(&tq_lock);
        return completion_drop(c, ERROR_INVALID_PARAMETER);
    }
    tq_unlink_locked(t);
    t->c = c;
    pthread_mutex_unlock(&tq_lock);
    completion_add(c, t->tp, tq_timer_done, t);
    return completion_end(c);
}

WS_EXPORT BOOL WINAPI DeleteTimerQueueEx(HANDLE queue, HANDLE event)
{
    DWORD err;
    struct completion *c = completion_new(event, &err);
    if (!c)
        return ws_bool(err);
    pthread_mutex_lock(&tq_lock);
    struct timer_queue *q = queue ? queue_get(queue) : NULL; /* not the default */
    struct tq_timer *list = NULL;
    if (q) {
        list = q->timers;
        q->magic = TQ_DEAD;
        for (struct tq_timer *t = list; t; t = t->next) {
            t->magic = TQ_DEAD;
            t->c = c;
        }
    }
    pthread_mutex_unlock(&tq_lock);
    if (!q)
        return completion_drop(c, ERROR_INVALID_HANDLE);
    while (list) {
        struct tq_timer *t = list;
        list = t->next;
        completion_add(c, t->tp, tq_timer_done, t);
    }
    free(q);
    return completion_end(c);
}

WS_EXPORT BOOL WINAPI DeleteTimerQueue(HANDLE queue)
{
    return DeleteTimerQueueEx(queue, NULL);
}

/* The pre-Windows 2000 names, as Windows keeps them. */
WS_EXPORT HANDLE WINAPI SetTimerQueueTimer(HANDLE queue, WAITORTIMERCALLBACK cb, PVOID param,
                                           DWORD due, DWORD period, BOOL prefer_io)
{
    HANDLE t;
    (void)prefer_io;
    return CreateTimerQueueTimer(&t, queue, cb, param, due, period, 0) ? t : NULL;
}

WS_EXPORT BOOL WINAPI CancelTimerQueueTimer(HANDLE queue, HANDLE timer)
{
    return DeleteTimerQueueTimer(queue, timer, NULL);
}

/* ---- registered waits ------------------------------------------------ */

static VOID NTAPI reg_wait_run(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WAIT tp,
                               TP_WAIT_RESULT result)
{
    (void)inst;
    (void)tp;
    struct reg_wait *w = ctx;
    w->cb(w->ctx, result == WAIT_TIMEOUT);
}

static void reg_wait_done(void *arg)
{
    struct reg_wait *w = arg;
    struct completion *c = w->c;
    free(w);
    completion_put(c);
}

WS_EXPORT BOOL WINAPI RegisterWaitForSingleObject(PHANDLE out, HANDLE h, WAITORTIMERCALLBACK cb,
                                                  PVOID ctx, ULONG ms, ULONG flags)
{
    if (!out || !cb)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct reg_wait *w = calloc(1, sizeof *w);
    if (!w)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    TP_CALLBACK_ENVIRON env;
    TpInitializeCallbackEnviron(&env);
    if (flags & WT_EXECUTELONGFUNCTION)
        TpSetCallbackLongFunction(&env);
    if (!(w->tp = CreateThreadpoolWait(reg_wait_run, w, &env))) {
        free(w);
        return FALSE;
    }
    w->cb = cb;
    w->ctx = ctx;
    w->magic = RW_MAGIC;
    tp_object_set_flags(w->tp, (flags & WT_EXECUTEINWAITTHREAD ? TPF_INLINE : 0) |
                                   (flags & WT_EXECUTEONLYONCE ? 0 : TPF_REARM));
    if (!tp_wait_register(w->tp, h, ms)) {
        DWORD err = GetLastError();
        CloseThreadpoolWait(w->tp);
        free(w);
        return ws_bool(err);
    }
    *out = w;
    return TRUE;
}

WS_EXPORT BOOL WINAPI UnregisterWaitEx(HANDLE handle, HANDLE event)
{
    DWORD err;
    struct completion *c = completion_new(event, &err);
    if (!c)
        return ws_bool(err);
    struct reg_wait *w = (struct reg_wait *)handle;
    pthread_mutex_lock(&tq_lock);
    bool ok = w && w->magic == RW_MAGIC;
    if (ok)
        w->magic = TQ_DEAD;
    pthread_mutex_unlock(&tq_lock);
    if (!ok)
        return completion_drop(c, ERROR_INVALID_HANDLE);
    w->c = c;
    completion_add(c, w->tp, reg_wait_done, w);
    return completion_end(c);
}

WS_EXPORT BOOL WINAPI UnregisterWait(HANDLE handle)
{
    return UnregisterWaitEx(handle, NULL);
}
