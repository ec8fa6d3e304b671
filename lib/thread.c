/*
 * Thread objects and the per-thread bookkeeping every winshim call uses.
 *
 * Every thread that calls into winshim gets a struct ws_thread on first
 * use: its thread id (the kernel's TID, unique system-wide as Windows
 * thread ids are), its wait record in the arena, and its batch of deferred
 * unreferences.  A pthread key destructor tears it down when the thread
 * exits, whoever created the thread.
 *
 * A thread object exists for threads made by CreateThread, and is made on
 * demand for any other thread (the main thread, pthread_create) when its
 * GetCurrentThread() pseudo-handle is used.  State value: 0 running,
 * 1 terminated (signalled; waits on it never consume it).  The running
 * thread holds one reference through ws_thread.self; the destructor stores
 * nothing but the "terminated" state, after the exit code was set by the
 * start routine's return or ExitThread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct thread_obj {
    struct object hdr;
    _Atomic uint32_t tid;  /* published by the new thread (futex word) */
    uint32_t exit_code;
    LPTHREAD_START_ROUTINE start;
    void *param;
};

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
    .implies_from = THREAD_QUERY_INFORMATION,
    .implies_to = THREAD_QUERY_LIMITED_INFORMATION,
    .signaled = thread_signaled,
    .acquire = thread_acquire,
};

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static __thread struct ws_thread *current;

static void thread_signal_terminated(struct object *o)
{
    struct wait_guard g;
    wait_lock(o, &g);
    obj_store_locked(o, st_with_value(obj_state(o), 1));
    wait_wake_locked(o, &g);
    wait_unlock(o, &g);
}

static void thread_detach(void *p)
{
    struct ws_thread *t = p;
    thread_flush_deferred(t);
    if (t->self) {
        thread_signal_terminated(t->self);
        object_unref(t->self);
        t->self = NULL;
    }
    thread_flush_deferred(t);
    arena_free(t->waiter, sizeof *t->waiter);
    arena_thread_exit();
    handle_thread_exit();
    free(t->defer);
    free(t);
    current = NULL;
}

static void thread_atfork_child(void)
{
    if (current)
        current->tid = (uint32_t)gettid();
}

static void thread_make_key(void)
{
    if (pthread_key_create(&thread_key, thread_detach))
        ws_panic("pthread_key_create", EAGAIN);
    pthread_atfork(NULL, NULL, thread_atfork_child);
}

static struct ws_thread *thread_attach(void)
{
    arena_init();
    pthread_once(&thread_key_once, thread_make_key);
    struct ws_thread *t = calloc(1, sizeof *t);
    if (!t)
        ws_panic("allocating thread state", ENOMEM);
    t->tid = (uint32_t)gettid();
    t->waiter = arena_alloc(sizeof *t->waiter);
    if (!t->waiter)
        ws_panic("allocating a wait record", ENOMEM);
    current = t;
    pthread_setspecific(thread_key, t);
    return t;
}

struct ws_thread *thread_current(void)
{
    return WS_LIKELY(current) ? current : thread_attach();
}

uint32_t thread_tid(void)
{
    return thread_current()->tid;
}

struct object *thread_self_object(DWORD *err)
{
    struct ws_thread *t = thread_current();
    if (!t->self) {
        struct object *o = object_new(&thread_type, 0, 0, err);
        if (!o)
            return NULL;
        atomic_store_explicit(&((struct thread_obj *)o)->tid, t->tid,
                              memory_order_relaxed);
        t->self = o;
    }
    return t->self;
}

static void *thread_trampoline(void *arg)
{
    struct thread_obj *to = arg;
    struct ws_thread *t = thread_current();
    t->self = &to->hdr; /* takes over the reference CreateThread made */
    atomic_store_explicit(&to->tid, t->tid, memory_order_release);
    futex_wake(&to->tid, 1, ws_arena.shared);
    to->exit_code = to->start(to->param);
    return NULL;
}

WS_EXPORT HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES sa, SIZE_T stack,
                                     LPTHREAD_START_ROUTINE start, LPVOID param,
                                     DWORD flags, LPDWORD tid_out)
{
    DWORD err;
    if (!start)
        return ws_null(ERROR_INVALID_PARAMETER);
    if (flags & CREATE_SUSPENDED)
        return ws_null(ERROR_NOT_SUPPORTED); /* docs/COMPATIBILITY.md */
    if (flags & ~(DWORD)STACK_SIZE_PARAM_IS_A_RESERVATION)
        return ws_null(ERROR_INVALID_PARAMETER);

    struct object *o = object_new(&thread_type, 0, 0, &err);
    if (!o)
        return ws_null(err);
    struct thread_obj *to = (struct thread_obj *)o;
    to->start = start;
    to->param = param;
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
    DWORD err;
    struct object *o = thread_self_object(&err);
    if (o)
        ((struct thread_obj *)o)->exit_code = code;
    pthread_exit(NULL);
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
            *code = st_value(obj_state(o)) ? ((struct thread_obj *)o)->exit_code
                                           : STILL_ACTIVE;
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
        tid = atomic_load_explicit(&((struct thread_obj *)o)->tid,
                                   memory_order_relaxed);
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
