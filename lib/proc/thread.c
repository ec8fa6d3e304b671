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
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cell.h"
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

struct thread_obj {
    struct object hdr;
    _Atomic uint32_t tid;      /* published by the new thread (futex word) */
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
};

static void thread_last_close(struct object *o);
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
    cell_thread_exit(); /* granted mutexes (cell.c) */
    apc_drop_all(t);
    iocp_thread_exit(t); /* no longer running for its completion port */
    reg_remove(to, t->tid);

    struct wait_guard g;
    wait_lock(&to->hdr, &g);
    to->wt = NULL;
    obj_store_locked(&to->hdr, st_with_value(obj_state(&to->hdr), 1));
    wait_wake_locked(&to->hdr, &g);
    wait_unlock(&to->hdr, &g);
    object_unref(&to->hdr);
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

static void thread_park(struct thread_obj *to)
{
    atomic_fetch_add_explicit(&to->parks, 1, memory_order_release);
    futex_wake(&to->parks, INT_MAX, ws_arena.shared);
    uint32_t n;
    while ((n = atomic_load_explicit(&to->suspend, memory_order_acquire)))
        futex_wait(&to->suspend, n, NULL, ws_arena.shared);
}

/* Async-signal-safe: a thread-local load, atomics and futex calls. */
static void suspend_handler(int sig)
{
    (void)sig;
    int saved = errno;
    if (ws_current && ws_current->self)
        thread_park(to_of(ws_current->self));
    errno = saved;
}

static void suspend_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = suspend_handler;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    sigaction(WS_SIG_SUSPEND, &sa, NULL);
}

WS_EXPORT DWORD WINAPI SuspendThread(HANDLE h)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct object *o = NULL;
    DWORD prev = (DWORD)-1;
    pthread_once(&once, suspend_install);
    struct ws_thread *self = thread_current();
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_SUSPEND_RESUME, &o, NULL);
    if (err) {
        ws_rcu_unlock();
        ws_set_last_error(err);
        return (DWORD)-1;
    }
    struct thread_obj *to = to_of(o);
    object_ref(o);
    ws_rcu_unlock();

    bool signal = false;
    uint32_t parks = 0;
    obj_lock(o);
    if (st_value(obj_state(o))) {
        err = ERROR_ACCESS_DENIED; /* STATUS_THREAD_IS_TERMINATING */
    } else if (to->remote && to->resume_fd < 0) {
        err = ERROR_NOT_SUPPORTED; /* a child process's running thread */
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
    if (err) {
        object_unref(o);
        ws_set_last_error(err);
        return (DWORD)-1;
    }
    if (o == self->self && prev == 0) /* suspending itself */
        thread_park(to);
    /* Return once the target has stopped (or was resumed meanwhile). */
    while (signal &&
           atomic_load_explicit(&to->parks, memory_order_acquire) == parks &&
           atomic_load_explicit(&to->suspend, memory_order_relaxed) &&
           !st_value(obj_state(o)))
        futex_wait(&to->parks, parks, NULL, ws_arena.shared);
    object_unref(o);
    return prev;
}

WS_EXPORT DWORD WINAPI ResumeThread(HANDLE h)
{
    struct object *o = NULL;
    DWORD prev = (DWORD)-1;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_SUSPEND_RESUME, &o, NULL);
    if (!err) {
        struct thread_obj *to = to_of(o);
        obj_lock(o);
        prev = atomic_load_explicit(&to->suspend, memory_order_relaxed);
        if (prev)
            atomic_store_explicit(&to->suspend, prev - 1, memory_order_release);
        if (prev == 1 && to->remote)
            thread_remote_release_locked(to);
        obj_unlock(o);
        if (prev == 1)
            futex_wake(&to->suspend, INT_MAX, ws_arena.shared);
    }
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
    to->resume_fd = resume_fd;
    to->started = resume_fd < 0;
    atomic_store_explicit(&to->suspend, resume_fd >= 0 ? 1 : 0,
                          memory_order_relaxed);
    return o;
}

void thread_remote_set_tid(struct object *o, uint32_t tid)
{
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
    thread_park(to); /* CREATE_SUSPENDED: until ResumeThread */
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

    struct object *o = object_new(&thread_type, 0, 0, &err);
    if (!o)
        return ws_null(err);
    struct thread_obj *to = to_of(o);
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

/* A running thread cannot be stopped safely at an arbitrary instruction
 * on Linux (it may hold libc's or our locks): supported are the caller
 * itself, a CREATE_SUSPENDED thread that has not started, and a thread
 * that already ended (nothing changes).  Others: ERROR_NOT_SUPPORTED
 * (docs/COMPATIBILITY.md). */
WS_EXPORT BOOL WINAPI TerminateThread(HANDLE h, DWORD code)
{
    struct object *o = NULL;
    bool self = false, wake = false;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, THREAD_TERMINATE, &o, NULL);
    if (!err) {
        struct thread_obj *to = to_of(o);
        self = o == thread_current()->self;
        obj_lock(o);
        if (!self && !st_value(obj_state(o))) {
            if (to->remote) {
                err = ERROR_NOT_SUPPORTED; /* TerminateProcess ends it */
            } else if (to->started || to->cancelled) {
                err = to->cancelled ? ERROR_SUCCESS : ERROR_NOT_SUPPORTED;
            } else {
                to->cancelled = true;
                to->exit_code = code;
                atomic_store_explicit(&to->suspend, 0, memory_order_release);
                wake = true;
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
 * follows it as far as the process may (raising priority needs
 * CAP_SYS_NICE or RLIMIT_NICE: docs/COMPATIBILITY.md). */
static int priority_nice(int p)
{
    switch (p) {
    case THREAD_PRIORITY_IDLE: return 19;
    case THREAD_PRIORITY_TIME_CRITICAL: return -20;
    default: return -5 * p;
    }
}

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
            setpriority(PRIO_PROCESS, (id_t)to->wt->tid, priority_nice(priority));
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
