/*
 * Thread objects and the per-thread bookkeeping every winshim call uses.
 *
 * Every thread that calls into winshim - whoever created it: CreateThread,
 * pthread_create, the main thread - gets on first use a struct ws_thread
 * (its kernel thread id, which is unique system-wide as Windows thread ids
 * are; its wait record in the arena; its deferred unreferences; the
 * mutexes it owns; its APC queue) and a thread object, registered by id
 * for OpenThread.  A pthread key destructor tears both down when the
 * thread ends: it abandons the mutexes still owned, drops the APCs not yet
 * run, and signals the thread object.
 *
 * Thread object state value: 0 running, 1 terminated (signalled; waits
 * never consume it).  Fields under the object lock: wt (the live thread's
 * ws_thread, NULL once it ended) and the suspend count.
 *
 * Locks, outermost first: registry lock; thread object lock; the target
 * thread's apc_lock (a leaf).
 *
 * Suspension: CREATE_SUSPENDED threads park before their start routine;
 * SuspendThread of a running thread sends it WS_SIG_SUSPEND, whose handler
 * parks it on the suspend count's futex until ResumeThread brings the
 * count to 0.  SuspendThread returns once the target is parked.
 *
 * Remote threads: the main thread of a child process that CreateProcess
 * started (thread_new_remote).  It has no ws_thread; it ends when its
 * process does (thread_remote_exited).  A CREATE_SUSPENDED child waits
 * before execve for one byte on a pipe whose write end, resume_fd, the
 * thread object holds: the ResumeThread that brings the count to 0 writes
 * the byte.  Suspending or terminating it once it runs is not supported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unwind.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cell.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/futex.h"
#include "core/handle.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "io/overlapped.h"
#include "proc/module.h"
#include "proc/process.h"
#include "core/handle_lookup.h"

#define WS_SIG_SUSPEND (SIGRTMAX - 2) /* docs/COMPATIBILITY.md */
#define WS_SIG_TERMINATE (SIGRTMAX - 3) /* docs/COMPATIBILITY.md */

struct thread_obj {
    struct object hdr;
    _Atomic uint32_t tid;      /* published by the new thread (futex word) */
    uint32_t pid;              /* the process that runs it (getpid) */
    uint32_t exit_code;
    LPTHREAD_START_ROUTINE start;
    void *param;
    struct ws_thread *wt;      /* under the object lock; NULL once ended */
    _Atomic uint32_t suspend;  /* suspend count (futex word) */
    _Atomic uint32_t parks;    /* times the thread parked (futex word) */
    int priority;              /* THREAD_PRIORITY_* */
    bool started;              /* the start routine was entered */
    bool cancelled;            /* terminated before it started */
    bool remote;               /* a child process's main thread */
    int resume_fd;             /* remote, suspended: see above.  Process-
                                * private (an fd of the creating process);
                                * under the object lock; -1 none */
    struct thread_obj *reg_next; /* registry chain, under reg_lock */
    /* Thread control (see "termination" and "context" below). */
    uint32_t term_code;        /* TerminateThread's code, under the lock */
    bool terminating;          /* TerminateThread asked, under the lock */
    bool park_outside;         /* parked at the program's code (or before
                                * its start): its context may change */
    bool kill_timer_set;       /* kill_timer exists (under the lock) */
    timer_t kill_timer;        /* process-private: re-sends the signal */
    void *uctx;                /* process-private: the parked thread's
                                * ucontext_t, while it is parked */
    uint32_t ideal;            /* SetThreadIdealProcessor's number */
    int64_t created, exited;   /* FILETIME values; exited once ended */
    uint64_t kernel_100ns, user_100ns; /* CPU times, once ended */
    aoff_t track_next;         /* CreateRemoteThread's list of its process
                                * object (thread_track), under that
                                * object's lock */
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t thread_layout[] = {
    LAYOUT_SIZE(struct thread_obj),
    LAYOUT_FIELD(struct thread_obj, tid),
    LAYOUT_FIELD(struct thread_obj, exit_code),
    LAYOUT_FIELD(struct thread_obj, start),
    LAYOUT_FIELD(struct thread_obj, param),
    LAYOUT_FIELD(struct thread_obj, wt),
    LAYOUT_FIELD(struct thread_obj, suspend),
    LAYOUT_FIELD(struct thread_obj, parks),
    LAYOUT_FIELD(struct thread_obj, priority),
    LAYOUT_FIELD(struct thread_obj, started),
    LAYOUT_FIELD(struct thread_obj, cancelled),
    LAYOUT_FIELD(struct thread_obj, remote),
    LAYOUT_FIELD(struct thread_obj, resume_fd),
    LAYOUT_FIELD(struct thread_obj, reg_next),
    LAYOUT_FIELD(struct thread_obj, pid),
    LAYOUT_FIELD(struct thread_obj, term_code),
    LAYOUT_FIELD(struct thread_obj, terminating),
    LAYOUT_FIELD(struct thread_obj, park_outside),
    LAYOUT_FIELD(struct thread_obj, kill_timer_set),
    LAYOUT_FIELD(struct thread_obj, kill_timer),
    LAYOUT_FIELD(struct thread_obj, uctx),
    LAYOUT_FIELD(struct thread_obj, ideal),
    LAYOUT_FIELD(struct thread_obj, created),
    LAYOUT_FIELD(struct thread_obj, exited),
    LAYOUT_FIELD(struct thread_obj, kernel_100ns),
    LAYOUT_FIELD(struct thread_obj, user_100ns),
    LAYOUT_FIELD(struct thread_obj, track_next),
};

static void thread_last_close(struct object *o);
static void graves_free(void);
static void thread_remote_release_locked(struct thread_obj *to);

static bool thread_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t thread_acquire(const struct object *o, uint64_t s, uint32_t tid,
                               bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s;
}

const struct object_type thread_type = {
    .name = "Thread",
    .id = TYPE_THREAD,
    .size = sizeof(struct thread_obj),
    .mapping = {STANDARD_RIGHTS_READ | THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION,
                STANDARD_RIGHTS_WRITE | THREAD_TERMINATE | THREAD_SUSPEND_RESUME |
                    THREAD_SET_INFORMATION | THREAD_SET_CONTEXT,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, THREAD_ALL_ACCESS},
    .valid_access = THREAD_ALL_ACCESS,
    .implies_from = THREAD_QUERY_INFORMATION | THREAD_SET_INFORMATION,
    .implies_to = THREAD_QUERY_LIMITED_INFORMATION | THREAD_SET_LIMITED_INFORMATION,
    .signaled = thread_signaled,
    .acquire = thread_acquire,
    .last_close = thread_last_close,
    TYPE_LAYOUT(thread_layout),
};

static struct thread_obj *to_of(struct object *o)
{
    return (struct thread_obj *)o;
}

/* The live record of a thread object of this process (core/self.c's APC
 * queue reaches the thread through it); the caller holds o's lock. */
struct ws_thread *thread_record_of(struct object *o)
{
    return to_of(o)->wt;
}

void thread_object_facts(struct object *o, struct thread_facts *f)
{
    struct thread_obj *to = to_of(o);
    obj_lock(o);
    f->ended = st_value(obj_state(o)) != 0;
    f->tid = f->ended ? 0 : atomic_load_explicit(&to->tid, memory_order_relaxed);
    f->pid = to->pid;
    f->created = to->created;
    f->exited = to->exited;
    f->kernel_100ns = to->kernel_100ns;
    f->user_100ns = to->user_100ns;
    obj_unlock(o);
}

void thread_object_peek(const struct object *o, uint32_t *tid, uint32_t *pid)
{
    struct thread_obj *to = to_of((struct object *)o);
    bool ended = st_value(obj_state(o)) != 0;
    *tid = ended ? 0 : atomic_load_explicit(&to->tid, memory_order_relaxed);
    *pid = __atomic_load_n(&to->pid, __ATOMIC_RELAXED);
}

uint32_t thread_object_ideal(struct object *o, const uint32_t *set)
{
    struct thread_obj *to = to_of(o);
    obj_lock(o);
    uint32_t old = to->ideal == UINT32_MAX ? atomic_load_explicit(&to->tid, memory_order_relaxed)
                                            : to->ideal;
    if (set)
        to->ideal = *set;
    obj_unlock(o);
    return old;
}

/* ---- the registry: thread id -> live thread object (OpenThread) ---- */

#define REG_BUCKETS 256
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct thread_obj *reg[REG_BUCKETS];

static void reg_add(struct thread_obj *to, uint32_t tid)
{
    pthread_mutex_lock(&reg_lock);
    to->reg_next = reg[tid % REG_BUCKETS];
    reg[tid % REG_BUCKETS] = to;
    pthread_mutex_unlock(&reg_lock);
}

static void reg_remove(struct thread_obj *to, uint32_t tid)
{
    pthread_mutex_lock(&reg_lock);
    struct thread_obj **link = &reg[tid % REG_BUCKETS];
    while (*link && *link != to)
        link = &(*link)->reg_next;
    if (*link)
        *link = to->reg_next;
    pthread_mutex_unlock(&reg_lock);
}

/* A handle count and reference on the live thread `tid`, or NULL. */
static struct object *reg_find(uint32_t tid)
{
    struct object *o = NULL;
    pthread_mutex_lock(&reg_lock);
    for (struct thread_obj *to = reg[tid % REG_BUCKETS]; to; to = to->reg_next)
        if (atomic_load_explicit(&to->tid, memory_order_relaxed) == tid) {
            o = &to->hdr;
            object_ref(o);
            object_handle_open(o);
            break;
        }
    pthread_mutex_unlock(&reg_lock);
    return o;
}

int thread_priority_of_tid(uint32_t tid)
{
    int p = THREAD_PRIORITY_NORMAL;
    pthread_mutex_lock(&reg_lock);
    for (struct thread_obj *to = reg[tid % REG_BUCKETS]; to; to = to->reg_next)
        if (atomic_load_explicit(&to->tid, memory_order_relaxed) == tid) {
            p = to->priority;
            break;
        }
    pthread_mutex_unlock(&reg_lock);
    return p;
}

/* ---- attaching and detaching threads ---- */

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static __thread struct thread_obj *pending_self; /* CreateThread's object */


/* The thread's record joins its process slot's list (shm.c). */
static struct shm_thread *record_new(uint32_t tid, struct waiter *w)
{
    struct shm_thread *r = arena_alloc(sizeof *r);
    struct proc_slot *s = shm_self();
    if (!r)
        return NULL;
    r->tid = tid;
    r->waiter = arena_off(w);
    r->intent.cr.owner = r->scratch.owner = shm_self_tag(); /* core/object.h */
    wordlock_lock(&s->threads_lock);
    r->next = s->threads;
    s->threads = arena_off(r);
    wordlock_unlock(&s->threads_lock);
    return r;
}

static void record_free(struct shm_thread *r)
{
    struct proc_slot *s = shm_self();
    aoff_t off = arena_off(r);
    wordlock_lock(&s->threads_lock);
    aoff_t *link = &s->threads;
    while (*link && *link != off)
        link = &((struct shm_thread *)arena_ptr(*link))->next;
    if (*link)
        *link = r->next;
    wordlock_unlock(&s->threads_lock);
    if (r->owned)
        arena_free(arena_ptr(r->owned), r->owned_cap * sizeof(aoff_t));
    arena_free(r, sizeof *r);
}

/* The thread is about to end: its times, the exit code TerminateThread
 * asked for (terminated), the object signalled, the running thread's
 * reference dropped.  No libc allocation: the termination path runs it
 * in a signal handler. */
static void thread_end_object(struct thread_obj *to, bool terminated)
{
    struct timespec cpu;
    struct rusage ru;
    int64_t total = 0;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
        total = (int64_t)cpu.tv_sec * 10000000 + cpu.tv_nsec / 100;
    int64_t kernel = 0;
    if (getrusage(RUSAGE_THREAD, &ru) == 0)
        kernel = (int64_t)ru.ru_stime.tv_sec * 10000000 + ru.ru_stime.tv_usec * 10;
    if (kernel > total)
        kernel = total;
    struct wait_guard g;
    wait_lock(&to->hdr, &g);
    bool timer = to->kill_timer_set;
    to->kill_timer_set = false;
    if (terminated)
        to->exit_code = to->term_code;
    to->exited = time_utc_100ns();
    to->kernel_100ns = (uint64_t)kernel;
    to->user_100ns = (uint64_t)(total - kernel);
    to->wt = NULL;
    obj_store_locked(&to->hdr, st_with_value(obj_state(&to->hdr), 1));
    wait_wake_locked(&to->hdr, &g);
    wait_unlock(&to->hdr, &g);
    if (timer)
        timer_delete(to->kill_timer);
    /* A SuspendThread waiting for this thread to park gives up. */
    atomic_fetch_add_explicit(&to->parks, 1, memory_order_release);
    futex_wake(&to->parks, INT_MAX, ws_arena.shared);
    object_unref(&to->hdr);
}

static void thread_detach(void *p)
{
    struct ws_thread *t = p;
    struct thread_obj *to = to_of(t->self);
    struct shm_thread *r = t->rec;
    module_thread_detach(); /* DllMain may still use TLS and the thread */
    tls_thread_detach(); /* FLS callbacks may still use this thread */
    token_thread_exit(t); /* no longer impersonating */
    thread_flush_deferred(t);
    while (r->nowned) {
        struct object *m = arena_ptr(((aoff_t *)arena_ptr(r->owned))[r->nowned - 1]);
        r->nowned--;
        object_type_of(m)->abandon(m, t->tid, true);
    }
    thread_drop_kept(r);
    cell_thread_exit(); /* granted mutexes (cell.c) */
    apc_drop_all(t);
    iocp_thread_exit(t); /* no longer running for its completion port */
    reg_remove(to, t->tid);
    thread_end_object(to, false);
    t->self = NULL;

    thread_flush_deferred(t);
    t->rec = NULL;
    arena_thread_exit(); /* the caches live in the record: give them back first */
    record_free(r);
    arena_free(t->waiter, sizeof *t->waiter);
    handle_thread_exit();
    free(t);
    ws_current = NULL;
}

/* In a forked child only the forking thread lives on, and it is a new
 * thread of a new process (shm.c): it attaches afresh on its next call.
 * What the parent's threads held stays the parent's. */
void thread_atfork_reset(void)
{
    memset(reg, 0, sizeof reg);
    pthread_mutex_init(&reg_lock, NULL);
    if (ws_current) {
        free(ws_current);
        ws_current = NULL;
        pthread_setspecific(thread_key, NULL);
    }
    pending_self = NULL;
}

static void thread_make_key(void)
{
    if (pthread_key_create(&thread_key, thread_detach))
        ws_panic("pthread_key_create", EAGAIN);
}

struct ws_thread *thread_attach(void)
{
    DWORD err;
    graves_free();
    arena_init();
    pthread_once(&thread_key_once, thread_make_key);
    struct ws_thread *t = calloc(1, sizeof *t);
    if (!t)
        ws_panic("allocating thread state", ENOMEM);
    t->tid = (uint32_t)gettid();
    t->waiter = arena_alloc(sizeof *t->waiter);
    struct thread_obj *to = pending_self;
    if (!to) { /* not made by CreateThread: running its own code already */
        to = (struct thread_obj *)object_new(&thread_type, 0, 0, &err);
        if (to)
            to->started = true;
    }
    if (t->waiter)
        t->rec = record_new(t->tid, t->waiter);
    if (!t->waiter || !to || !t->rec)
        ws_panic("allocating thread state", ENOMEM);
    arena_thread_bind(t->rec);
    pending_self = NULL;
    to->pid = (uint32_t)getpid();
    if (!to->created)
        to->created = time_utc_100ns();
    to->ideal = UINT32_MAX; /* not set: threadctl.c derives one from the id */
    to->wt = t;
    atomic_store_explicit(&to->tid, t->tid, memory_order_release);
    t->self = &to->hdr; /* the running thread's reference */
    reg_add(to, t->tid);
    ws_current = t;
    pthread_setspecific(thread_key, t);
    return t;
}


static void user_apc_call(ULONG_PTR fn, ULONG_PTR data, ULONG_PTR unused1,
                          ULONG_PTR unused2)
{
    (void)unused1;
    (void)unused2;
    ((PAPCFUNC)fn)(data);
}

static void user_apc_release(struct apc *a)
{
    free(a);
}

/* A NULL routine would crash the target thread when it runs (as it does
 * on Windows): refused up front instead (docs/COMPATIBILITY.md). */
WS_EXPORT DWORD WINAPI QueueUserAPC(PAPCFUNC fn, HANDLE h, ULONG_PTR data)
{
    struct object *o = NULL;
    if (!fn)
        return ws_bool(ERROR_INVALID_PARAMETER);
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_SET_CONTEXT, &o, NULL);
    if (!err) {
        struct apc *a = calloc(1, sizeof *a);
        bool inserted;
        if (!a) {
            err = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            a->release = user_apc_release;
            if ((err = thread_queue_apc(o, a, user_apc_call, (ULONG_PTR)fn,
                                        data, 0, 0, &inserted)))
                free(a);
        }
    }
    ws_rcu_unlock();
    return ws_bool(err);
}

/* ---- suspension ---- */

/* Parks the calling thread while its suspend count is not 0.  uc: the
 * ucontext_t it was stopped in, which GetThreadContext reads and
 * SetThreadContext writes while the thread is parked (the handler's
 * return resumes the thread from it), or NULL.  A TerminateThread ends
 * the park: its signal, blocked in the handler, arrives once the handler
 * returns. */
static void thread_park(struct thread_obj *to, void *uc)
{
    __atomic_store_n(&to->uctx, uc, __ATOMIC_RELAXED);
    atomic_fetch_add_explicit(&to->parks, 1, memory_order_release);
    futex_wake(&to->parks, INT_MAX, ws_arena.shared);
    uint32_t n;
    while ((n = atomic_load_explicit(&to->suspend, memory_order_acquire)) &&
           !__atomic_load_n(&to->terminating, __ATOMIC_ACQUIRE))
        futex_wait(&to->suspend, n, NULL, ws_arena.shared);
    __atomic_store_n(&to->uctx, NULL, __ATOMIC_RELEASE);
}

/* Async-signal-safe: a thread-local load, atomics and futex calls. */
static bool stopped_outside_lib(const ucontext_t *uc);

/* Whether the thread stopped where a new context may be given to it:
 * at the program's code, or before its start routine.  Inside winshim
 * (a wait, a lock held) it may not: the call must finish first. */
static void suspend_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    int saved = errno;
    if (ws_current && ws_current->self) {
        struct thread_obj *to = to_of(ws_current->self);
        __atomic_store_n(&to->park_outside,
                         !__atomic_load_n(&to->started, __ATOMIC_RELAXED) ||
                             stopped_outside_lib(uc),
                         __ATOMIC_RELAXED);
        thread_park(to, uc);
    }
    errno = saved;
}

static void terminate_handler(int sig, siginfo_t *si, void *uc);
static void lib_range_find(void);

static void signals_install(void)
{
    lib_range_find();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = suspend_handler;
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sigfillset(&sa.sa_mask);
    sigaction(WS_SIG_SUSPEND, &sa, NULL);
    sa.sa_sigaction = terminate_handler;
    sigaction(WS_SIG_TERMINATE, &sa, NULL);
}

static void signals_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, signals_install);
}

/* The calling thread suspends itself: through its own signal, so that
 * it parks with a context to read and write, unless it blocks that
 * signal. */
static void suspend_self(struct thread_obj *to)
{
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    if (sigismember(&cur, WS_SIG_SUSPEND) ||
        syscall(SYS_tgkill, getpid(), (pid_t)gettid(), WS_SIG_SUSPEND))
        thread_park(to, NULL);
}

/* SuspendThread on an object looked up (a reference held). */
static DWORD thread_suspend_obj(struct object *o, DWORD *prev_out)
{
    struct ws_thread *self = thread_current();
    struct thread_obj *to = to_of(o);
    DWORD err = ERROR_SUCCESS, prev = 0;
    bool signal = false;
    uint32_t parks = 0;
    signals_once();
    obj_lock(o);
    if (st_value(obj_state(o)) || to->terminating) {
        err = ERROR_ACCESS_DENIED; /* STATUS_THREAD_IS_TERMINATING */
    } else if (to->remote && to->resume_fd < 0) {
        err = ERROR_NOT_SUPPORTED; /* a child process's running thread */
    } else if (!to->remote && to->pid && to->pid != (uint32_t)getpid()) {
        err = ERROR_NOT_SUPPORTED; /* another process's thread */
    } else if ((prev = atomic_load_explicit(&to->suspend, memory_order_relaxed)) >=
               MAXIMUM_SUSPEND_COUNT) {
        err = ERROR_SIGNAL_REFUSED; /* STATUS_SUSPEND_COUNT_EXCEEDED */
    } else {
        atomic_store_explicit(&to->suspend, prev + 1, memory_order_relaxed);
        /* A thread that has not attached yet parks before its start. */
        if (prev == 0 && to->wt && to->wt != self) {
            parks = atomic_load_explicit(&to->parks, memory_order_acquire);
            signal = syscall(SYS_tgkill, getpid(), (pid_t)to->wt->tid,
                             WS_SIG_SUSPEND) == 0;
        }
    }
    obj_unlock(o);
    if (err)
        return err;
    if (o == self->self && prev == 0) /* suspending itself */
        suspend_self(to);
    /* Return once the target has stopped (or was resumed meanwhile). */
    while (signal &&
           atomic_load_explicit(&to->parks, memory_order_acquire) == parks &&
           atomic_load_explicit(&to->suspend, memory_order_relaxed) &&
           !st_value(obj_state(o)))
        futex_wait(&to->parks, parks, NULL, ws_arena.shared);
    *prev_out = prev;
    return ERROR_SUCCESS;
}

static DWORD thread_resume_obj(struct object *o)
{
    struct thread_obj *to = to_of(o);
    obj_lock(o);
    DWORD prev = atomic_load_explicit(&to->suspend, memory_order_relaxed);
    if (prev)
        atomic_store_explicit(&to->suspend, prev - 1, memory_order_release);
    if (prev == 1 && to->remote)
        thread_remote_release_locked(to);
    obj_unlock(o);
    if (prev == 1)
        futex_wake(&to->suspend, INT_MAX, ws_arena.shared);
    return prev;
}

WS_EXPORT DWORD WINAPI SuspendThread(HANDLE h)
{
    struct object *o = NULL;
    DWORD prev = (DWORD)-1;
    thread_current();
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_SUSPEND_RESUME, &o, NULL);
    if (!err)
        object_ref(o);
    ws_rcu_unlock();
    if (!err) {
        err = thread_suspend_obj(o, &prev);
        object_unref(o);
    }
    if (err) {
        ws_set_last_error(err);
        return (DWORD)-1;
    }
    return prev;
}

WS_EXPORT DWORD WINAPI ResumeThread(HANDLE h)
{
    struct object *o = NULL;
    DWORD prev = (DWORD)-1;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_SUSPEND_RESUME, &o, NULL);
    if (!err)
        prev = thread_resume_obj(o);
    ws_rcu_unlock();
    if (err)
        ws_set_last_error(err);
    return prev;
}

/* ---- a child process's main thread ---- */

/* Lets a suspended child go on to execve (under the object lock). */
static void thread_remote_release_locked(struct thread_obj *to)
{
    if (to->resume_fd < 0)
        return;
    ssize_t r;
    do
        r = write(to->resume_fd, "r", 1);
    while (r < 0 && errno == EINTR);
    close(to->resume_fd);
    to->resume_fd = -1;
    to->started = true;
}

struct object *thread_new_remote(int resume_fd, DWORD *err)
{
    struct object *o = object_new(&thread_type, 0, 0, err);
    if (!o)
        return NULL;
    struct thread_obj *to = to_of(o);
    to->remote = true;
    to->created = time_utc_100ns();
    to->resume_fd = resume_fd;
    to->started = resume_fd < 0;
    atomic_store_explicit(&to->suspend, resume_fd >= 0 ? 1 : 0,
                          memory_order_relaxed);
    return o;
}

void thread_remote_set_tid(struct object *o, uint32_t tid)
{
    to_of(o)->pid = tid; /* a main thread's id is its process's */
    atomic_store_explicit(&to_of(o)->tid, tid, memory_order_release);
}

void thread_remote_exited(struct object *o, DWORD code)
{
    struct thread_obj *to = to_of(o);
    struct wait_guard g;
    wait_lock(o, &g);
    if (!st_value(obj_state(o))) {
        to->exit_code = code;
        if (to->resume_fd >= 0) { /* killed while suspended */
            close(to->resume_fd);
            to->resume_fd = -1;
        }
        obj_store_locked(o, st_with_value(obj_state(o), 1));
        wait_wake_locked(o, &g);
    }
    wait_unlock(o, &g);
}

/* ---- threads other processes hold: CreateRemoteThread ----
 *
 * A thread made for another process (threadctl.c) is tracked on its
 * process's own object, so that its object is signalled when the process
 * ends without it (exit, or killed), as Windows ends every thread of a
 * process: thread_track_end, from process_finish, on whichever process
 * saw the end (the slot's reaper).  The list holds one reference on each
 * object; the ones that ended are let go at the next push. */

bool thread_object_held(struct object *o)
{
    struct thread_obj *to = to_of(o);
    obj_lock(o);
    bool held = to->remote && !to->started && !st_value(obj_state(o));
    obj_unlock(o);
    return held;
}

void thread_track(struct object *p, struct object *t)
{
    aoff_t *head = process_thread_list(p);
    struct object *gone = NULL; /* ended ones, linked through track_next */
    object_ref(t);
    obj_lock(p);
    for (aoff_t *link = head; *link;) {
        struct thread_obj *to = arena_ptr(*link);
        if (st_value(obj_state(&to->hdr))) {
            *link = to->track_next;
            to->track_next = gone ? arena_off(gone) : 0;
            gone = &to->hdr;
        } else {
            link = &to->track_next;
        }
    }
    to_of(t)->track_next = *head;
    *head = arena_off(t);
    obj_unlock(p);
    while (gone) {
        struct object *next = to_of(gone)->track_next ? arena_ptr(to_of(gone)->track_next) : NULL;
        object_unref(gone);
        gone = next;
    }
}

void thread_track_end(struct object *p, uint32_t code)
{
    aoff_t *head = process_thread_list(p);
    obj_lock(p);
    aoff_t off = *head;
    *head = 0;
    obj_unlock(p);
    while (off) {
        struct thread_obj *to = arena_ptr(off);
        off = to->track_next;
        struct wait_guard g;
        wait_lock(&to->hdr, &g);
        if (!st_value(obj_state(&to->hdr))) {
            to->exit_code = code;
            to->exited = time_utc_100ns();
            obj_store_locked(&to->hdr, st_with_value(obj_state(&to->hdr), 1));
            wait_wake_locked(&to->hdr, &g);
        }
        wait_unlock(&to->hdr, &g);
        object_unref(&to->hdr);
    }
}

/* Nobody can resume a suspended child any more: closing the pipe makes it
 * exit without running its program (docs/COMPATIBILITY.md). */
static void thread_last_close(struct object *o)
{
    struct thread_obj *to = to_of(o);
    if (!to->remote)
        return;
    obj_lock(o);
    if (to->resume_fd >= 0) {
        close(to->resume_fd);
        to->resume_fd = -1;
    }
    obj_unlock(o);
}

/* ---- creation and exit ---- */

static void *thread_trampoline(void *arg)
{
    struct thread_obj *to = arg;
    pending_self = to;
    thread_current(); /* attaches with `to` and publishes the id */
    futex_wake(&to->tid, 1, ws_arena.shared);
    if (atomic_load_explicit(&to->suspend, memory_order_acquire))
        suspend_self(to); /* CREATE_SUSPENDED: until ResumeThread */
    obj_lock(&to->hdr);
    bool run = !to->cancelled;
    to->started = true;
    obj_unlock(&to->hdr);
    if (run) {
        module_thread_attach(); /* DLL_THREAD_ATTACH (module.c) */
        to->exit_code = to->start(to->param);
    }
    return NULL;
}

WS_EXPORT HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES sa, SIZE_T stack,
                                     LPTHREAD_START_ROUTINE start, LPVOID param,
                                     DWORD flags, LPDWORD tid_out)
{
    DWORD err;
    if (!start)
        return ws_null(ERROR_INVALID_PARAMETER);
    if (flags & ~(DWORD)(STACK_SIZE_PARAM_IS_A_RESERVATION | CREATE_SUSPENDED))
        return ws_null(ERROR_INVALID_PARAMETER);

    if (flags & CREATE_SUSPENDED)
        signals_once();
    struct object *o = object_new(&thread_type, 0, 0, &err);
    if (!o)
        return ws_null(err);
    struct thread_obj *to = to_of(o);
    to->created = time_utc_100ns();
    to->start = start;
    to->param = param;
    atomic_store_explicit(&to->suspend, (flags & CREATE_SUSPENDED) ? 1 : 0,
                          memory_order_relaxed);
    object_handle_open(o);
    object_ref(o); /* the running thread's */

    /* The handle exists before the thread does, so that a full handle
     * table fails CreateThread without a thread running. */
    HANDLE h;
    err = handle_insert(o, THREAD_ALL_ACCESS,
                        sa && sa->bInheritHandle ? HANDLE_FLAG_INHERIT : 0, &h);
    if (err) {
        object_unref(o);
        object_handle_close(o);
        object_unref(o);
        return ws_null(err);
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Windows reads dwStackSize as the commit size and still reserves the
     * image default (1 MiB) unless STACK_SIZE_PARAM_IS_A_RESERVATION; a
     * Linux stack is all reservation, so never go below that default. */
    if (stack) {
        const SIZE_T reserve = (SIZE_T)1 << 20;
        if (!(flags & STACK_SIZE_PARAM_IS_A_RESERVATION) && stack < reserve)
            stack = reserve;
        if (stack < (SIZE_T)PTHREAD_STACK_MIN)
            stack = (SIZE_T)PTHREAD_STACK_MIN;
        pthread_attr_setstacksize(&attr, (stack + 65535) & ~(SIZE_T)65535);
    }
    pthread_t pt;
    int r = pthread_create(&pt, &attr, thread_trampoline, to);
    pthread_attr_destroy(&attr);
    if (r) {
        object_unref(o); /* the thread's reference */
        CloseHandle(h);
        return ws_null(r == EAGAIN ? ERROR_NOT_ENOUGH_MEMORY : ws_errno_to_win32(r));
    }
    /* lpThreadId must hold the id when we return: wait for the thread to
     * publish it. */
    while (!atomic_load_explicit(&to->tid, memory_order_acquire))
        futex_wait(&to->tid, 0, NULL, ws_arena.shared);
    if (tid_out)
        *tid_out = atomic_load_explicit(&to->tid, memory_order_relaxed);
    return h;
}

WS_EXPORT void WINAPI ExitThread(DWORD code)
{
    to_of(thread_current()->self)->exit_code = code;
    pthread_exit(NULL);
}

/* ---- termination ----
 *
 * TerminateThread stops a running thread of this process where it is,
 * with WS_SIG_TERMINATE.  What ends with it, as on Windows: the thread
 * object is signalled with the exit code, the winshim mutexes it owns
 * are abandoned (WAIT_ABANDONED to the next waiter), its queued APCs are
 * dropped, its handle-table and arena caches and its wait record go back
 * to the process.  What does not, as on Windows: no DLL_THREAD_DETACH,
 * no FLS callbacks, no TLS (pthread key) destructors, no cancellation
 * handlers or C++ unwinding (the thread leaves through the exit system
 * call, not pthread_exit); its stack and libc's thread descriptor are
 * never freed; a CRITICAL_SECTION, SRW lock or libc lock (malloc's,
 * stdio's) it holds stays held.
 *
 * Winshim's own state must stay sound, since other threads share it: the
 * handler ends the thread only where it holds none of winshim's locks or
 * references.  That is judged by walking the interrupted thread's frames
 * with libgcc's unwinder from the signal's context: the innermost frame
 * that is not in libc (or the loader, liburcu, libgcc_s) must be the
 * program's, not libwinshim's (winshim calling into libc - a system
 * call, malloc, a pthread lock - counts as inside).  A thread
 * blocked in a winshim wait is claimed with WS_ALERTED instead: the wait
 * unwinds and thread_run_apcs ends the thread through
 * ws_hooks.thread_terminate (core/self.c); Sleep ends it likewise.  Any
 * other point inside winshim is left to finish: a POSIX timer re-sends
 * the signal every TERM_RETRY_NS until the thread is at such a point.
 * Where libwinshim is linked statically into the program, its code
 * cannot be told from the program's: the frame check is skipped, and
 * only waits and sleeps are safe points (docs/COMPATIBILITY.md).
 *
 * TerminateThread returns at once (asynchronous, as on Windows); wait on
 * the thread to know that it ended.
 */

#define TERM_RETRY_NS 5000000L
#define TERM_MAX_FRAMES 48

/* Executable segments: libwinshim's, and those of the libraries winshim
 * calls into (libc, the dynamic loader, liburcu, libgcc_s), through
 * whose frames the check walks on to their caller. */
#define SYS_RANGES 16
static uintptr_t lib_lo, lib_hi;
static uintptr_t sys_lo[SYS_RANGES], sys_hi[SYS_RANGES];
static unsigned nsys;

static bool is_system_library(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    static const char *const names[] = {"libc.so", "ld-linux", "libpthread.so",
                                        "liburcu", "libgcc_s.so", "librt.so"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strncmp(base, names[i], strlen(names[i])))
            return true;
    return false;
}

static int lib_range_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    uintptr_t fn = (uintptr_t)arg;
    const char *name = info->dlpi_name ? info->dlpi_name : "";
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (fn >= lo && fn < hi) {
            if (name[0]) { /* a library: ours */
                lib_lo = lo;
                lib_hi = hi;
            }
        } else if (name[0] && nsys < SYS_RANGES && is_system_library(name)) {
            sys_lo[nsys] = lo;
            sys_hi[nsys] = hi;
            nsys++;
        }
    }
    return 0;
}

static void lib_range_find(void)
{
    if (lib_hi || nsys)
        return; /* once, from signals_install */
    dl_iterate_phdr(lib_range_cb, (void *)(uintptr_t)&TerminateThread);
}

static bool in_lib(uintptr_t a)
{
    return a >= lib_lo && a < lib_hi;
}

static bool in_system(uintptr_t a)
{
    for (unsigned i = 0; i < nsys; i++)
        if (a >= sys_lo[i] && a < sys_hi[i])
            return true;
    return false;
}

/* The walk of the interrupted thread's frames (libgcc's unwinder, which
 * finds frames through _dl_find_object: no lock, no allocation). */
struct frame_walk {
    uintptr_t pc;   /* the interrupted instruction */
    bool started;   /* past the handler's own frames */
    int verdict;    /* 0 undecided, 1 outside winshim, -1 inside */
    int frames;
};

static _Unwind_Reason_Code frame_step(struct _Unwind_Context *ctx, void *arg)
{
    struct frame_walk *w = arg;
    int before = 0;
    uintptr_t ip = (uintptr_t)_Unwind_GetIPInfo(ctx, &before);
    if (!w->started) {
        if (ip != w->pc)
            return ++w->frames > TERM_MAX_FRAMES ? _URC_END_OF_STACK : _URC_NO_REASON;
        w->started = true;
    } else if (ip) {
        ip--; /* a return address: the call is before it */
    }
    if (in_lib(ip)) {
        w->verdict = -1;
        return _URC_END_OF_STACK;
    }
    if (!in_system(ip)) { /* the program's own code */
        w->verdict = 1;
        return _URC_END_OF_STACK;
    }
    return ++w->frames > TERM_MAX_FRAMES ? _URC_END_OF_STACK : _URC_NO_REASON;
}

/* Whether the interrupted thread runs the program's code (perhaps through
 * libc), not winshim's.  Undecided walks count as inside. */
static bool stopped_outside_lib(const ucontext_t *uc)
{
    if (!lib_hi)
        return false; /* statically linked: not known (docs/COMPATIBILITY.md) */
#if defined(__x86_64__)
    struct frame_walk w = {.pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]};
#elif defined(__aarch64__)
    struct frame_walk w = {.pc = (uintptr_t)uc->uc_mcontext.pc};
#else
    struct frame_walk w = {.pc = 0};
    return false;
#endif
    _Unwind_Backtrace(frame_step, &w);
    return w.verdict == 1;
}

/* Records of terminated threads, freed by a later call on a live thread
 * (the dying thread may not call free: it may have stopped in malloc). */
static _Atomic(struct ws_thread *) graves;

static void graves_free(void)
{
    struct ws_thread *t = atomic_exchange_explicit(&graves, NULL, memory_order_acquire);
    while (t) {
        struct ws_thread *next = t->grave_next;
        struct apc *a = t->apc_head;
        while (a) {
            struct apc *n = a->next;
            a->release(a);
            a = n;
        }
        free(t);
        t = next;
    }
}

/* Ends the calling thread for TerminateThread, at a point where it holds
 * nothing of winshim's (see above); also core's ws_hooks.thread_terminate. */
void thread_terminate_self(struct ws_thread *t)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    struct thread_obj *to = to_of(t->self);
    struct shm_thread *r = t->rec;
    thread_flush_deferred(t);
    while (r->nowned) {
        struct object *m = arena_ptr(((aoff_t *)arena_ptr(r->owned))[r->nowned - 1]);
        r->nowned--;
        object_type_of(m)->abandon(m, t->tid, true);
    }
    thread_drop_kept(r);
    cell_thread_exit(); /* granted mutexes (cell.c) */
    /* The APCs never run; they are released with the record, later. */
    wordlock_lock(&t->apc_lock);
    t->exiting = true;
    for (struct apc *a = t->apc_head; a; a = a->next)
        a->queued = false;
    t->apc_tail = NULL;
    wordlock_unlock(&t->apc_lock);
    iocp_thread_exit(t);
    reg_remove(to, t->tid);
    thread_end_object(to, true);
    t->self = NULL;
    thread_flush_deferred(t);
    t->rec = NULL;
    arena_thread_exit();
    record_free(r);
    arena_free(t->waiter, sizeof *t->waiter);
    t->waiter = NULL;
    handle_thread_exit();
    ws_current = NULL;
    struct ws_thread *head = atomic_load_explicit(&graves, memory_order_relaxed);
    do
        t->grave_next = head;
    while (!atomic_compare_exchange_weak_explicit(&graves, &head, t,
                                                  memory_order_release,
                                                  memory_order_relaxed));
    for (;;)
        syscall(SYS_exit, 0); /* this thread only; nothing of libc's runs */
}

/* ExitProcess in progress: the thread that runs it (0: none) and its
 * code, which the threads it ends take as theirs (see "the other threads
 * end first", below). */
static struct {
    _Atomic pid_t by;
    _Atomic uint32_t code; /* stored before the first signal is sent */
} exit_all;

/* The calling thread leaves at once: it has no winshim state to release
 * (no record, or nothing of it a signal could have interrupted). */
static _Noreturn void thread_leave_now(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    for (;;)
        syscall(SYS_exit, 0);
}

/* From now on every safe point that looks ends the thread: a thread
 * queued in a wait is woken (its wait sees `terminating`), one stopped in
 * its own code ends here. */
static void end_at_safe_point(struct ws_thread *t, void *uc)
{
    atomic_store_explicit(&t->terminating, true, memory_order_release);
    uint32_t expect = WS_WAITING;
    if (atomic_compare_exchange_strong_explicit(&t->waiter->status, &expect, WS_ALERTED,
                                                memory_order_acq_rel, memory_order_relaxed))
        futex_wake(&t->waiter->status, 1, ws_arena.shared);
    else if (stopped_outside_lib(uc))
        thread_terminate_self(t);
}

/* WS_SIG_TERMINATE while ExitProcess runs in another thread: this thread
 * ends at a safe point as a TerminateThread would end it, with the
 * process's code. */
static void exit_all_stop(struct ws_thread *t, void *uc)
{
    if (t && t->self && t->waiter) {
        struct thread_obj *to = to_of(t->self);
        to->term_code = atomic_load_explicit(&exit_all.code, memory_order_acquire);
        __atomic_store_n(&to->terminating, true, __ATOMIC_RELEASE);
        end_at_safe_point(t, uc);
    } else if (!t && stopped_outside_lib(uc)) {
        thread_leave_now(); /* never called winshim, or not since its record went */
    }
}

static void terminate_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    int saved = errno;
    struct ws_thread *t = ws_current;
    pid_t by = atomic_load_explicit(&exit_all.by, memory_order_acquire);
    if (by && by != (pid_t)gettid())
        exit_all_stop(t, uc);
    else if (t && t->self && t->waiter &&
        __atomic_load_n(&to_of(t->self)->terminating, __ATOMIC_ACQUIRE)) {
        end_at_safe_point(t, uc);
    }
    errno = saved;
}

/* Starts the termination of another running thread of this process
 * (under its object lock). */
static DWORD thread_terminate_start_locked(struct thread_obj *to, DWORD code)
{
    signals_once(); /* finds the libraries too */
    if (to->terminating)
        return ERROR_SUCCESS; /* the first code stands */
    pid_t tid = (pid_t)to->wt->tid;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = WS_SIG_TERMINATE;
    sev._sigev_un._tid = tid;
    if (timer_create(CLOCK_MONOTONIC, &sev, &to->kill_timer))
        return ws_errno_to_win32(errno);
    to->kill_timer_set = true;
    struct itimerspec its = {{0, TERM_RETRY_NS}, {0, TERM_RETRY_NS}};
    timer_settime(to->kill_timer, 0, &its, NULL);
    to->term_code = code;
    __atomic_store_n(&to->terminating, true, __ATOMIC_RELEASE);
    syscall(SYS_tgkill, getpid(), tid, WS_SIG_TERMINATE);
    return ERROR_SUCCESS;
}

/* Supported: the caller itself (as ExitThread), a CREATE_SUSPENDED thread
 * that has not started, a running or suspended thread of this process
 * (see "termination"), a thread that already ended (nothing changes).
 * Another process's thread: ERROR_NOT_SUPPORTED (docs/COMPATIBILITY.md). */
WS_EXPORT BOOL WINAPI TerminateThread(HANDLE h, DWORD code)
{
    struct object *o = NULL;
    bool self = false, wake = false;
    graves_free();
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_TERMINATE, &o, NULL);
    if (!err) {
        struct thread_obj *to = to_of(o);
        self = o == thread_current()->self;
        obj_lock(o);
        if (!self && !st_value(obj_state(o))) {
            if (to->remote || (to->pid && to->pid != (uint32_t)getpid())) {
                err = ERROR_NOT_SUPPORTED; /* another process's thread */
            } else if (to->cancelled) {
                err = ERROR_SUCCESS;
            } else if (!to->started) {
                to->cancelled = true;
                to->exit_code = code;
                atomic_store_explicit(&to->suspend, 0, memory_order_release);
                wake = true;
            } else if (to->wt) {
                err = thread_terminate_start_locked(to, code);
                wake = true; /* out of a suspension */
            }
        }
        obj_unlock(o);
        if (wake)
            futex_wake(&to->suspend, INT_MAX, ws_arena.shared);
    }
    ws_rcu_unlock();
    if (!err && self)
        ExitThread(code);
    return ws_bool(err);
}

/* ---- ExitProcess: the other threads end first ----
 *
 * Windows' ExitProcess ends every other thread of the process (no
 * DLL_THREAD_DETACH; their objects are signalled) before the DLLs'
 * DLL_PROCESS_DETACH, so the exit handlers run alone.  Here the caller
 * sends WS_SIG_TERMINATE to every thread in /proc/self/task (also those
 * winshim never saw) and each ends as TerminateThread ends a thread: at a
 * safe point only, never holding a lock of winshim's, which the exit
 * handlers (module detach, handle_close_all, the session's leave) take.
 * The signal is sent again every EXIT_RETRY_NS until the task is gone;
 * a thread that blocks the signal (winshim's service threads, the thread
 * pool's workers, a SuspendThread'ed thread, a program's signal-handling
 * thread) is not waited for, nor one that stays inside winshim (a blocking
 * ReadFile, say) past EXIT_PATIENCE_NS: those go on running, as before.
 * No malloc here: an ended thread may have stopped inside it. */
#define EXIT_RETRY_NS 1000000L
#define EXIT_PATIENCE_NS 200000000LL

/* One line of a /proc file into buf (NUL-ended); false if it is gone. */
static bool proc_read(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = 0;
    return true;
}

/* Whether task tid still has to be ended: it runs (not a zombie: a main
 * thread that left stays one until the process ends) and takes the
 * signal. */
static bool task_to_end(long tid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
    if (!proc_read(path, buf, sizeof buf))
        return false;
    const char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
        return false;
    snprintf(path, sizeof path, "/proc/self/task/%ld/status", tid);
    if (!proc_read(path, buf, sizeof buf))
        return false;
    const char *b = strstr(buf, "\nSigBlk:");
    unsigned long long blocked = b ? strtoull(b + 8, NULL, 16) : 0;
    return !(blocked >> (WS_SIG_TERMINATE - 1) & 1);
}

void thread_end_others(DWORD code)
{
    signals_once();
    pid_t me = (pid_t)gettid(), none = 0;
    if (!atomic_compare_exchange_strong_explicit(&exit_all.by, &none, me,
                                                 memory_order_acq_rel,
                                                 memory_order_acquire)) {
        if (none != me)
            thread_leave_now(); /* another thread's ExitProcess ends this one */
        return;
    }
    atomic_store_explicit(&exit_all.code, code, memory_order_release);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
            return;
        unsigned left = 0;
        char buf[4096] __attribute__((aligned(8)));
        long n;
        while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct {
                    uint64_t ino;
                    int64_t off;
                    unsigned short reclen;
                    unsigned char type;
                    char name[];
                } *e = (void *)(buf + off);
                off += e->reclen;
                long tid = strtol(e->name, NULL, 10);
                if (tid <= 0 || tid == me || !task_to_end(tid))
                    continue;
                left++;
                syscall(SYS_tgkill, getpid(), (pid_t)tid, WS_SIG_TERMINATE);
            }
        }
        close(dir);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!left || (now.tv_sec - t0.tv_sec) * 1000000000LL + (now.tv_nsec - t0.tv_nsec) >
                         EXIT_PATIENCE_NS)
            return;
        struct timespec d = {0, EXIT_RETRY_NS};
        nanosleep(&d, NULL);
    }
}

/* ---- context ----
 *
 * GetThreadContext and SetThreadContext work on a thread of this process
 * parked by SuspendThread: the handler that parked it holds the
 * ucontext_t the kernel saved, and returning from the handler resumes the
 * thread from it.  A thread that is not suspended is suspended for the
 * call and resumed after it (its context is a snapshot, as on Windows).
 * CONTEXT_CONTROL: Rip, Rsp, EFlags, SegCs, SegSs; CONTEXT_INTEGER: Rax
 * to R15 with Rbp; CONTEXT_SEGMENTS: SegDs, SegEs, SegFs, SegGs (Linux's
 * values; they are not changed by SetThreadContext); FLOATING_POINT: the
 * FXSAVE image (FltSave, x87 and XMM0-15) and MxCsr; DEBUG_REGISTERS:
 * Dr0-Dr7 read as 0 (user space cannot see them), and can be set only to
 * 0.  The YMM/ZMM upper halves are kept as they are.  A thread parked
 * inside winshim (park_outside false) is not given a changed context: the
 * call it is in must unwind (its wait registration, its locks). */

#if defined(__x86_64__)

#define CTX_ARCH(f) (((f) & CONTEXT_AMD64) != 0)
#define CTX_HAS(f, part) (((f) & (part) & ~CONTEXT_AMD64) != 0)

static const int ctx_int_regs[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static DWORD64 *ctx_int_field(CONTEXT *c, int i)
{
    return &c->Rax + i;
}

static void ctx_from_uc(CONTEXT *c, const ucontext_t *uc)
{
    DWORD f = c->ContextFlags;
    const greg_t *g = uc->uc_mcontext.gregs;
    uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];
    if (CTX_HAS(f, CONTEXT_CONTROL)) {
        c->Rip = (DWORD64)g[REG_RIP];
        c->Rsp = (DWORD64)g[REG_RSP];
        c->EFlags = (DWORD)g[REG_EFL];
        c->SegCs = (WORD)csgsfs;
        c->SegSs = (WORD)(csgsfs >> 48);
    }
    if (CTX_HAS(f, CONTEXT_INTEGER))
        for (int i = 0; i < 16; i++)
            if (i != 4) /* Rsp is CONTEXT_CONTROL's */
                *ctx_int_field(c, i) = (DWORD64)g[ctx_int_regs[i]];
    if (CTX_HAS(f, CONTEXT_SEGMENTS)) {
        unsigned short ds, es;
        __asm__("mov %%ds, %0" : "=r"(ds));
        __asm__("mov %%es, %0" : "=r"(es));
        c->SegDs = ds;
        c->SegEs = es;
        c->SegGs = (WORD)(csgsfs >> 16);
        c->SegFs = (WORD)(csgsfs >> 32);
    }
    if (CTX_HAS(f, CONTEXT_FLOATING_POINT)) {
        if (uc->uc_mcontext.fpregs) {
            memcpy(&c->FltSave, uc->uc_mcontext.fpregs, sizeof c->FltSave);
            c->MxCsr = c->FltSave.MxCsr;
        } else {
            memset(&c->FltSave, 0, sizeof c->FltSave);
            c->FltSave.ControlWord = INITIAL_FPCSR;
            c->FltSave.MxCsr = c->MxCsr = INITIAL_MXCSR;
        }
    }
    if (CTX_HAS(f, CONTEXT_DEBUG_REGISTERS))
        c->Dr0 = c->Dr1 = c->Dr2 = c->Dr3 = c->Dr6 = c->Dr7 = 0;
}

/* The XSAVE header behind the FXSAVE image, when the kernel wrote one:
 * its XSTATE_BV must name x87 and SSE for sigreturn to load them. */
static void uc_mark_fp_used(ucontext_t *uc)
{
    unsigned char *fx = (unsigned char *)uc->uc_mcontext.fpregs;
    uint32_t magic1;
    memcpy(&magic1, fx + 464, sizeof magic1); /* sw_reserved.magic1 */
    if (magic1 != 0x46505853u)                /* FP_XSTATE_MAGIC1 */
        return;
    uint64_t bv;
    memcpy(&bv, fx + 512, sizeof bv);
    bv |= 3; /* x87, SSE */
    memcpy(fx + 512, &bv, sizeof bv);
}

static DWORD ctx_check(const CONTEXT *c)
{
    DWORD f = c->ContextFlags;
    if (CTX_HAS(f, CONTEXT_DEBUG_REGISTERS) &&
        (c->Dr0 | c->Dr1 | c->Dr2 | c->Dr3 | c->Dr7))
        return ERROR_NOT_SUPPORTED; /* hardware breakpoints */
    return ERROR_SUCCESS;
}

static void ctx_to_uc(const CONTEXT *c, ucontext_t *uc)
{
    DWORD f = c->ContextFlags;
    greg_t *g = uc->uc_mcontext.gregs;
    if (CTX_HAS(f, CONTEXT_CONTROL)) {
        g[REG_RIP] = (greg_t)c->Rip;
        g[REG_RSP] = (greg_t)c->Rsp;
        /* The flags a program may change; the kernel keeps the rest. */
        const uint64_t user_flags = 0x00254fd5; /* CF PF AF ZF SF TF DF OF AC ID */
        g[REG_EFL] = (greg_t)(((uint64_t)g[REG_EFL] & ~user_flags) |
                              (c->EFlags & user_flags));
    }
    if (CTX_HAS(f, CONTEXT_INTEGER))
        for (int i = 0; i < 16; i++)
            if (i != 4)
                g[ctx_int_regs[i]] = (greg_t) * ctx_int_field((CONTEXT *)c, i);
    if (CTX_HAS(f, CONTEXT_FLOATING_POINT) && uc->uc_mcontext.fpregs) {
        unsigned char *fx = (unsigned char *)uc->uc_mcontext.fpregs;
        uint32_t mask;
        memcpy(&mask, fx + 28, sizeof mask); /* MXCSR_MASK */
        if (!mask)
            mask = 0xffbf;
        uint32_t sw[12];
        memcpy(sw, fx + 464, sizeof sw); /* the kernel's software bytes */
        memcpy(fx, &c->FltSave, sizeof c->FltSave);
        memcpy(fx + 464, sw, sizeof sw);
        uint32_t mxcsr = c->MxCsr & mask;
        memcpy(fx + 24, &mxcsr, sizeof mxcsr);
        memcpy(fx + 28, &mask, sizeof mask);
        uc_mark_fp_used(uc);
    }
}

/* Whether applying c would change a register of uc. */
static bool ctx_changes(const CONTEXT *c, const ucontext_t *uc)
{
    CONTEXT now;
    memset(&now, 0, sizeof now);
    now.ContextFlags = c->ContextFlags;
    ctx_from_uc(&now, uc);
    DWORD f = c->ContextFlags;
    if (CTX_HAS(f, CONTEXT_CONTROL) &&
        (now.Rip != c->Rip || now.Rsp != c->Rsp || now.EFlags != c->EFlags))
        return true;
    if (CTX_HAS(f, CONTEXT_INTEGER))
        for (int i = 0; i < 16; i++)
            if (i != 4 && *ctx_int_field(&now, i) != *ctx_int_field((CONTEXT *)c, i))
                return true;
    if (CTX_HAS(f, CONTEXT_FLOATING_POINT) &&
        (now.MxCsr != c->MxCsr ||
         memcmp(&now.FltSave.FloatRegisters, &c->FltSave.FloatRegisters,
                sizeof now.FltSave.FloatRegisters + sizeof now.FltSave.XmmRegisters)))
        return true;
    return false;
}

/* The thread parked with a context, suspended for the call if it was
 * running (*resume: the caller resumes it).  Under no lock. */
static DWORD ctx_target(struct object *o, bool *resume)
{
    struct thread_obj *to = to_of(o);
    *resume = false;
    for (;;) {
        obj_lock(o);
        DWORD err = ERROR_SUCCESS;
        bool suspended = atomic_load_explicit(&to->suspend, memory_order_relaxed) != 0;
        bool ready = __atomic_load_n(&to->uctx, __ATOMIC_ACQUIRE) != NULL;
        uint32_t parks = atomic_load_explicit(&to->parks, memory_order_acquire);
        if (st_value(obj_state(o)) || to->terminating)
            err = ERROR_GEN_FAILURE; /* as Wine: STATUS_UNSUCCESSFUL */
        else if (to->remote || (to->pid && to->pid != (uint32_t)getpid()))
            err = ERROR_NOT_SUPPORTED; /* another process's thread */
        obj_unlock(o);
        if (err || (suspended && ready))
            return err;
        if (!suspended) {
            DWORD prev;
            if ((err = thread_suspend_obj(o, &prev)))
                return err;
            *resume = true;
            continue;
        }
        /* Suspended, not parked yet (CREATE_SUSPENDED, a thread that
         * blocks the signal): wait for it to park. */
        struct timespec patience;
        deadline_from_ms(&patience, 100);
        if (futex_wait(&to->parks, parks, &patience, ws_arena.shared) == ETIMEDOUT &&
            atomic_load_explicit(&to->parks, memory_order_acquire) == parks)
            return ERROR_NOT_SUPPORTED; /* parked without a context */
    }
}

static DWORD ctx_self_get(CONTEXT *c)
{
    ucontext_t uc;
    if (getcontext(&uc))
        return ws_errno_to_win32(errno);
    ctx_from_uc(c, &uc);
    return ERROR_SUCCESS;
}

static DWORD ctx_op(HANDLE h, CONTEXT *get, const CONTEXT *set)
{
    struct object *o = NULL;
    thread_current();
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, get ? THREAD_GET_CONTEXT : THREAD_SET_CONTEXT,
                           &o, NULL);
    if (!err)
        object_ref(o);
    ws_rcu_unlock();
    if (err)
        return err;
    const CONTEXT *c = get ? get : set;
    bool resume = false;
    if (!c)
        err = ERROR_NOACCESS;
    else if (set && (err = ctx_check(set)))
        ;
    else if (o == thread_current()->self)
        err = get ? ctx_self_get(get) : ERROR_NOT_SUPPORTED;
    else if (!(err = ctx_target(o, &resume))) {
        struct thread_obj *to = to_of(o);
        obj_lock(o);
        ucontext_t *uc = __atomic_load_n(&to->uctx, __ATOMIC_ACQUIRE);
        if (!uc || !atomic_load_explicit(&to->suspend, memory_order_relaxed))
            err = ERROR_GEN_FAILURE; /* ended meanwhile */
        else if (get)
            ctx_from_uc(get, uc);
        else if (!__atomic_load_n(&to->park_outside, __ATOMIC_RELAXED) &&
                 ctx_changes(set, uc))
            err = ERROR_NOT_SUPPORTED; /* stopped inside winshim */
        else
            ctx_to_uc(set, uc);
        obj_unlock(o);
    }
    if (resume)
        thread_resume_obj(o);
    object_unref(o);
    return err;
}

WS_EXPORT BOOL WINAPI GetThreadContext(HANDLE h, LPCONTEXT c)
{
    return ws_bool(ctx_op(h, c, NULL));
}

WS_EXPORT BOOL WINAPI SetThreadContext(HANDLE h, const CONTEXT *c)
{
    return ws_bool(ctx_op(h, NULL, c));
}

#else /* not x86-64: the CONTEXT layout is x64's (docs/COMPATIBILITY.md) */

WS_EXPORT BOOL WINAPI GetThreadContext(HANDLE h, LPCONTEXT c)
{
    (void)h;
    (void)c;
    return ws_bool(ERROR_NOT_SUPPORTED);
}

WS_EXPORT BOOL WINAPI SetThreadContext(HANDLE h, const CONTEXT *c)
{
    (void)h;
    (void)c;
    return ws_bool(ERROR_NOT_SUPPORTED);
}

#endif

WS_EXPORT BOOL WINAPI GetExitCodeThread(HANDLE h, LPDWORD code)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_QUERY_LIMITED_INFORMATION,
                           &o, NULL);
    if (!err) {
        if (!code)
            err = ERROR_NOACCESS;
        else
            *code = st_value(obj_state(o)) ? to_of(o)->exit_code : STILL_ACTIVE;
    }
    ws_rcu_unlock();
    return ws_bool(err);
}

WS_EXPORT DWORD WINAPI GetThreadId(HANDLE h)
{
    struct object *o = NULL;
    DWORD tid = 0;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_QUERY_LIMITED_INFORMATION,
                           &o, NULL);
    if (!err)
        tid = atomic_load_explicit(&to_of(o)->tid, memory_order_relaxed);
    ws_rcu_unlock();
    if (err)
        ws_set_last_error(err);
    return tid;
}

WS_EXPORT DWORD WINAPI GetCurrentThreadId(void)
{
    return thread_tid();
}

WS_EXPORT HANDLE WINAPI GetCurrentThread(void)
{
    return PSEUDO_CURRENT_THREAD;
}

WS_EXPORT HANDLE WINAPI OpenThread(DWORD access, BOOL inherit, DWORD tid)
{
    thread_current();
    if (access & ACCESS_SYSTEM_SECURITY)
        return ws_null(ERROR_PRIVILEGE_NOT_HELD);
    if (access & ~(DWORD)(THREAD_ALL_ACCESS | GENERIC_READ | GENERIC_WRITE |
                          GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED))
        return ws_null(ERROR_ACCESS_DENIED);
    struct object *o = tid ? reg_find(tid) : NULL;
    if (!o)
        return ws_null(ERROR_INVALID_PARAMETER);
    HANDLE h;
    DWORD err = handle_insert_or_drop(o, object_map_access(&thread_type, access), inherit, &h);
    return err ? ws_null(err) : h;
}

/* ---- scheduling ---- */

static bool priority_valid(int p)
{
    return (p >= THREAD_PRIORITY_LOWEST && p <= THREAD_PRIORITY_HIGHEST) ||
           p == THREAD_PRIORITY_IDLE || p == THREAD_PRIORITY_TIME_CRITICAL;
}

/* The Windows level is kept and reported as set; the Linux nice value
 * (process_thread_nice: the priority class's base plus the level)
 * follows it as far as the process may (raising priority needs
 * CAP_SYS_NICE or RLIMIT_NICE: docs/COMPATIBILITY.md). */

WS_EXPORT BOOL WINAPI SetThreadPriority(HANDLE h, int priority)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_SET_LIMITED_INFORMATION, &o, NULL);
    if (!err && !priority_valid(priority))
        err = ERROR_INVALID_PARAMETER;
    if (!err) {
        obj_lock(o);
        struct thread_obj *to = to_of(o);
        to->priority = priority;
        if (to->wt)
            setpriority(PRIO_PROCESS, (id_t)to->wt->tid, process_thread_nice(priority));
        obj_unlock(o);
    }
    ws_rcu_unlock();
    return ws_bool(err);
}

WS_EXPORT int WINAPI GetThreadPriority(HANDLE h)
{
    struct object *o = NULL;
    int p = THREAD_PRIORITY_ERROR_RETURN;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_QUERY_LIMITED_INFORMATION, &o, NULL);
    if (!err)
        p = to_of(o)->priority;
    ws_rcu_unlock();
    if (err)
        ws_set_last_error(err);
    return p;
}

WS_EXPORT BOOL WINAPI SwitchToThread(void)
{
    /* sched_yield cannot tell whether another thread ran: report that one
     * did, as Windows does whenever a ready thread was waiting. */
    sched_yield();
    return TRUE;
}
