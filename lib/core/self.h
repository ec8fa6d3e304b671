/*
 * The calling thread (self.c): its record (struct ws_thread), mutex
 * ownership lists, the APC queue, internal service threads.  The record is
 * made by the thread kind (proc/thread.c) through ws_hooks.thread_attach.
 */
#ifndef WINSHIM_CORE_SELF_H
#define WINSHIM_CORE_SELF_H

#include "core/hooks.h"
#include "core/wait.h"

/* An asynchronous procedure call queued to a thread (QueueUserAPC, or a
 * waitable timer's completion routine).  The call and its arguments are
 * written when the record is queued and copied out when it leaves the
 * queue, both under the target's apc_lock; release() is called once the
 * record is off the queue (run, dropped at thread exit, or cancelled), and
 * the call runs afterwards with no lock held. */
typedef void (*apc_call)(ULONG_PTR fn, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3);
struct apc {
    struct apc *next;
    bool queued;               /* under the target's apc_lock */
    apc_call call;
    ULONG_PTR fn, a1, a2, a3;
    void (*release)(struct apc *a);
};

/* Per-thread bookkeeping, created on first use by any thread. */
struct ws_thread {
    uint32_t tid;
    struct waiter *waiter;     /* in the arena */
    struct object *self;       /* this thread's thread object */
    /* The shared part: deferred unrefs and the mutexes this thread owns
     * (each with a reference: abandoned when the thread ends), where a
     * reaper finds them if the process dies.  Touched only by the thread
     * itself while it lives. */
    struct shm_thread *rec;

    /* User-mode APC queue (FIFO).  apc_lock is a leaf lock: nothing else is
     * taken while it is held.  alertable: the thread is in an alertable
     * wait whose waiter may be claimed with WS_ALERTED. */
    struct wordlock apc_lock;
    struct apc *apc_head, *apc_tail;
    bool alertable;
    bool exiting;              /* no more APCs are accepted */

    /* The completion port this thread is associated with (iocp.c): its
     * gate, with a reference, and whether the thread counts in the port's
     * running count.  Touched only by the thread itself. */
    struct object *iocp_gate;
    bool iocp_counted;

    /* TerminateThread reached this thread inside a wait (proc/thread.c):
     * the wait was claimed with WS_ALERTED, and thread_run_apcs ends the
     * thread, through ws_hooks.thread_terminate, once the wait has let
     * go of every lock and reference, instead of running APCs. */
    _Atomic bool terminating;
    struct ws_thread *grave_next; /* proc/thread.c, once the thread ended */
    /* The token this thread impersonates (proc/token.c), with a
     * reference, or NULL.  Set by the thread itself or by SetThreadToken
     * from another thread of the process; a replaced token is dropped with
     * object_unref_deferred, so a reader under ws_rcu_lock may use it. */
    struct object *_Atomic imp_token;
};

/* The calling thread's state; attaches it on first use. */
extern __thread struct ws_thread *ws_current;
static inline struct ws_thread *thread_current(void)
{
    struct ws_thread *t = ws_current;
    return WS_LIKELY(t != NULL) ? t : ws_hooks.thread_attach();
}
static inline uint32_t thread_tid(void)
{
    return thread_current()->tid;
}
struct object *process_self_object(void);      /* for GetCurrentProcess */
void thread_flush_deferred(struct ws_thread *t);

/* Queues a call to the thread of a thread object (this process); fails
 * with ERROR_GEN_FAILURE once that thread has ended.  A record already
 * queued is left as it is (*inserted = false): a timer's routine is
 * queued at most once. */
DWORD thread_queue_apc(struct object *thread_obj, struct apc *a, apc_call call,
                       ULONG_PTR fn, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3,
                       bool *inserted);
/* Takes a not-yet-run APC back off its thread's queue (timers). */
void thread_cancel_apc(struct object *thread_obj, struct apc *a);
/* Alertable waits (wait.c): true when APCs are pending; run them all. */
bool thread_apc_pending(struct ws_thread *t);
void thread_run_apcs(struct ws_thread *t);

/* Ownership bookkeeping for mutexes (self.c; sync/mutex.c calls it). */
void thread_own(struct ws_thread *t, struct object *mutex);
void thread_disown(struct ws_thread *t, struct object *mutex);
/* Drops the reference the list kept of the mutex released last (the
 * thread ends, a reaper, the kept mutex's last handle went). */
void thread_drop_kept(struct shm_thread *r);
/* The thread is ending: every APC still queued is dropped (released,
 * never run) and no more are accepted (self.c). */
void apc_drop_all(struct ws_thread *t);
/* A reaper wakes the waiter a dead thread was claiming (wait.c). */
void wait_reap_claiming(struct shm_thread *r);
/* A reaper takes a dead thread's waiter out of every wait list. */
void wait_reap_waiter(struct waiter *w, struct shm_thread *r);
/* A lock waiter broke the lock of a dead holder: make o's lists sound. */
void wait_repair_lists(struct object *o);

/* A detached internal thread (a watcher, an engine, a timer service)
 * that takes no signal: signals are the program's.  stack 0: the
 * default.  0 or pthread_create's error. */
int service_thread_start(void *(*fn)(void *), void *arg, size_t stack);

#endif
