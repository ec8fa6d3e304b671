/*
 * Wait Chain Traversal (wct.h): OpenThreadWaitChainSession,
 * GetThreadWaitChain, CloseThreadWaitChainSession and
 * RegisterWaitChainCOMCallback.
 *
 * A wait chain alternates threads and objects: a thread, the object it is
 * blocked on, the thread that owns that object, what that thread is
 * blocked on, and so on, until a thread that is not blocked, an object
 * nobody owns, a thread already in the chain (a cycle: a deadlock,
 * IsCycle) or WCT_MAX_NODE_COUNT nodes.  What it reads is what the
 * library already writes down for other purposes, all of it in the
 * session's arena, so that a chain crosses into the session's other
 * processes (WCT_OUT_OF_PROC_FLAG) as easily as it stays in this one:
 *
 *   threads   each process slot's list of thread records (struct
 *             shm_thread: tid and wait record), which the reaper and
 *             the inspector read too;
 *   waits     the thread's wait record (struct waiter): its status word
 *             is WS_WAITING and its entries are queued while it is
 *             blocked; what it waits on (objs, count), its timeout and
 *             flags and when it began (since) are written by wait.c on
 *             the blocking path (wait_note), since last with release;
 *   owners    a mutex's state value is its owner's thread id and its aux
 *             word its owner's process tag (sync/mutex.c); a thread
 *             object knows its thread id (proc/thread.c).
 *
 * Nothing is written and no object lock is taken: another process may
 * be changing any of it, or have died half way.  A process's thread list
 * is walked under its threads_lock (a thread's record and wait record
 * are freed only after the record has left the list under that lock,
 * proc/thread.c), and a wait is read as one when its start time and
 * status read the same before and after (as the inspector reads it,
 * tools/winshim-objects.c); every offset read from the arena is checked
 * (arena_off_plausible, object_plausible) before it is followed and
 * every walk is bounded.  A chain is therefore a snapshot that may be
 * stale by the time it is returned, as Windows' is.
 *
 * Node fields, where Linux gives less than Windows:
 *   thread WaitTime         milliseconds since the current wait began
 *                           (0 when not blocked in a wait of ours)
 *   thread ContextSwitches  voluntary + involuntary context switches of
 *                           /proc/PID/task/TID/status
 *   thread status           Blocked while in a wait of ours; otherwise
 *                           the kernel's state: Running for R, Blocked
 *                           for any sleep (Sleep, I/O, a critical
 *                           section: no object node follows, since what a
 *                           thread sleeps on outside our waits is not
 *                           written down anywhere)
 *   object ObjectName       the name the object was created with, without
 *                           its namespace prefix (Local\, Global\)
 *   object Timeout          the wait's timeout in milliseconds (INFINITE
 *                           as 0xffffffff); Alertable: an alertable wait
 *                           (both are "reserved" in Microsoft's docs)
 * Object kinds: mutexes (WctMutexType: Owned, NotOwned, Abandoned) lead
 * to their owner; thread handles (WctThreadWaitType, Owned) to the thread;
 * process handles (WctProcessWaitType) and every other kind
 * (WctUnknownType: events, semaphores, timers, ...) end the chain
 * (NotOwned).  Critical sections, SendMessage, ALPC and COM never appear.
 *
 * Sessions: a synchronous session walks in the caller's thread; an
 * asynchronous one (WCT_ASYNC_OPEN_FLAG) hands each GetThreadWaitChain to
 * the default thread pool (TrySubmitThreadpoolCallback) and calls the
 * session's callback from there.  CloseThreadWaitChainSession waits for
 * the callbacks under way; those not started yet are called with
 * ERROR_CANCELLED.  Lock order: wct_lock, then a session's lock; a slot's
 * threads_lock is taken alone.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wct.h>

#include "core/error.h"
#include "core/names.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "proc/process.h"
#include "sys/sys.h"

/* The walk reads records other threads write without its
 * synchronisation, by design (a seqlock-style read that a later check
 * throws away when it raced): ThreadSanitizer is told to leave its reads
 * alone; its writes (its own nodes) are still checked. */
#if defined(__SANITIZE_THREAD__)
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define racy_reads_begin() AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define racy_reads_end() AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define racy_reads_begin() ((void)0)
#define racy_reads_end() ((void)0)
#endif

/* wait.c's flag in waiter->queued: the wait is a wait-all (the rest of
 * the word counts the entries on lists). */
#define WQ_ALL 0x80000000u

/* ---- sessions ---- */

struct wct_session {
    struct wct_session *next;  /* in `sessions`, under wct_lock */
    DWORD flags;
    PWAITCHAINCALLBACK callback;
    pthread_mutex_t lock;
    pthread_cond_t idle;       /* running dropped (under lock) */
    uint32_t refs;             /* the opener's + one per request (lock) */
    uint32_t running;          /* requests submitted, not finished (lock) */
    bool closing;              /* CloseThreadWaitChainSession was called */
};

static pthread_mutex_t wct_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wct_session *sessions;
/* The session whose callback this thread is running (a callback that
 * closes its own session must not wait for itself). */
static __thread struct wct_session *in_callback;

/* The live session h with a reference, or NULL. */
static struct wct_session *session_get(HWCT h)
{
    struct wct_session *s;
    if (!h)
        return NULL;
    pthread_mutex_lock(&wct_lock);
    for (s = sessions; s && s != h; s = s->next)
        ;
    if (s) {
        pthread_mutex_lock(&s->lock);
        s->refs++;
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&wct_lock);
    return s;
}

static void session_put(struct wct_session *s)
{
    pthread_mutex_lock(&s->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&s->lock);
    if (last) {
        pthread_cond_destroy(&s->idle);
        pthread_mutex_destroy(&s->lock);
        free(s);
    }
}

/* An asynchronous request has ended (run, or never submitted): Close may
 * be waiting for the count to reach 0; then the request's reference goes. */
static void request_gone(struct wct_session *s)
{
    pthread_mutex_lock(&s->lock);
    s->running--;
    pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->lock);
    session_put(s);
}

/* ---- reading the session's records ---- */

/* A thread as the walk found it. */
struct wthread {
    struct proc_slot *slot;    /* NULL: not a thread of the session */
    uint32_t tid;
    pid_t pid;
    bool blocked;              /* in a wait of ours (the fields below) */
    uint32_t count, wflags, timeout;
    uint64_t since;
    aoff_t objs[MAXIMUM_WAIT_OBJECTS];
};

/* One consistent read of a wait record: false when the thread is not
 * blocked in it (or it kept changing under us). */
static bool wait_snap(const struct waiter *w, struct wthread *t)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t since = __atomic_load_n(&w->since, __ATOMIC_ACQUIRE);
        uint32_t st = atomic_load_explicit(&((struct waiter *)w)->status, memory_order_acquire);
        if (st != WS_WAITING || !since)
            return false;
        t->count = __atomic_load_n(&w->count, __ATOMIC_RELAXED);
        t->wflags = __atomic_load_n(&w->wflags, __ATOMIC_RELAXED);
        t->timeout = __atomic_load_n(&w->timeout, __ATOMIC_RELAXED);
        uint32_t queued = __atomic_load_n(&w->queued, __ATOMIC_RELAXED);
        if (t->count > MAXIMUM_WAIT_OBJECTS)
            continue;
        for (uint32_t i = 0; i < t->count; i++)
            t->objs[i] = __atomic_load_n(&w->objs[i], __ATOMIC_RELAXED);
        atomic_thread_fence(memory_order_acquire);
        if (__atomic_load_n(&w->since, __ATOMIC_RELAXED) != since ||
            atomic_load_explicit(&((struct waiter *)w)->status, memory_order_relaxed) !=
                WS_WAITING)
            continue;
        /* Queued entries; with none, only an alertable sleep or a wait
         * on granted objects alone (cell.c) blocks. */
        if (!(queued & ~WQ_ALL) &&
            !(t->count == 0 && (t->wflags & (WF_ALERTABLE | ~0u << WF_UNLISTED_SHIFT))))
            return false;
        t->since = since;
        return true;
    }
    return false;
}

/* A slot whose process may have threads in the list. */
static bool slot_live(struct proc_slot *s)
{
    return atomic_load_explicit(&s->state, memory_order_acquire) == SLOT_LIVE;
}

/* Looks for thread tid in slot s's list; fills t when found. */
static bool slot_find(struct proc_slot *s, uint32_t tid, struct wthread *t)
{
    bool found = false;
    wordlock_lock(&s->threads_lock);
    uint32_t n = 0;
    for (aoff_t off = s->threads; arena_off_plausible(off) && n < 1u << 20; n++) {
        const struct shm_thread *r = arena_ptr(off);
        off = r->next;
        if (r->tid != tid)
            continue;
        t->slot = s;
        t->tid = tid;
        t->pid = shm_slot_pid(s);
        t->blocked = false;
        if (arena_off_plausible(r->waiter)) {
            const struct waiter *w = arena_ptr(r->waiter);
            t->blocked = __atomic_load_n(&w->tid, __ATOMIC_RELAXED) == tid && wait_snap(w, t);
        }
        found = true;
        break;
    }
    wordlock_unlock(&s->threads_lock);
    return found;
}

/* Thread tid of the session, preferring the process with tag `tag` (0:
 * none): this process first, then every live one.  A slot whose process
 * died and whose tid was reused is told apart by /proc: the tid must be
 * one of the slot's process's tasks. */
static bool thread_find(uint32_t tid, uint32_t tag, struct wthread *t)
{
    char path[64];
    struct proc_slot *self = shm_self();
    if (self && slot_find(self, tid, t))
        return true;
    for (uint32_t i = 0; i < PROC_SLOTS; i++) {
        struct proc_slot *s = shm_slot(i);
        if (!s || s == self || !slot_live(s) || (tag && shm_slot_tag(s) != tag))
            continue;
        if (!slot_find(s, tid, t))
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%u", (int)t->pid, (unsigned)tid);
        if (t->pid > 0 && access(path, F_OK) == 0)
            return true;
    }
    return tag ? thread_find(tid, 0, t) : false;
}

/* /proc/<tid>/status's Tgid (the pid of a thread the session does not
 * list), 0 when there is no such thread. */
static pid_t linux_tgid(uint32_t tid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%u/status", (unsigned)tid);
    if (!sys_read_text(path, buf, sizeof buf))
        return 0;
    const char *p = strstr(buf, "\nTgid:");
    return p ? (pid_t)strtol(p + 6, NULL, 10) : 0;
}

/* The kernel's state letter of a thread ('?' when it cannot be read). */
static char linux_state(pid_t pid, uint32_t tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%u/stat", (int)pid, (unsigned)tid);
    if (!sys_read_text(path, buf, sizeof buf))
        return '?';
    const char *p = strrchr(buf, ')'); /* the name may hold anything */
    return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

static DWORD linux_switches(pid_t pid, uint32_t tid)
{
    char path[64], buf[2048];
    unsigned long long n = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%u/status", (int)pid, (unsigned)tid);
    if (!sys_read_text(path, buf, sizeof buf))
        return 0;
    const char *p = strstr(buf, "voluntary_ctxt_switches:");
    if (p)
        n += strtoull(p + 24, NULL, 10);
    p = strstr(buf, "nonvoluntary_ctxt_switches:");
    if (p)
        n += strtoull(p + 27, NULL, 10);
    return (DWORD)n;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the walk ---- */

struct walk {
    DWORD flags;
    WAITCHAIN_NODE_INFO node[WCT_MAX_NODE_COUNT];
    uint32_t n;
    bool more;                 /* the chain goes on past the last node */
    bool cycle;
};

static WAITCHAIN_NODE_INFO *walk_add(struct walk *w)
{
    if (w->n == WCT_MAX_NODE_COUNT) {
        w->more = true;
        return NULL;
    }
    WAITCHAIN_NODE_INFO *n = &w->node[w->n++];
    memset(n, 0, sizeof *n);
    return n;
}

/* The object of a wait the chain follows: a mutex another thread owns,
 * else a thread not ended, else the first. */
static aoff_t wait_pick(const struct wthread *t)
{
    aoff_t thread = 0;
    for (uint32_t i = 0; i < t->count; i++) {
        if (!object_plausible(t->objs[i]))
            continue;
        const struct object *o = arena_ptr(t->objs[i]);
        uint32_t v = st_value(obj_state(o));
        if (o->type_id == TYPE_MUTEX && v && v != t->tid)
            return t->objs[i];
        if (o->type_id == TYPE_THREAD && !thread && !v)
            thread = t->objs[i];
    }
    return thread ? thread : t->count ? t->objs[0] : 0;
}

/* The name part of a named object's key ("S1\name" -> "name"). */
static void object_name_w(const struct object *o, WCHAR *out, size_t cap)
{
    const WCHAR *key;
    uint32_t len;
    out[0] = 0;
    if (!(o->obj_flags & OBJ_NAMED) || !arena_off_plausible(o->name))
        return;
    ns_key_of(o, &key, &len);
    uint64_t top = atomic_load_explicit(&arena_hdr()->top, memory_order_acquire);
    if (!key || len > NAME_MAX_W + 16 ||
        (uint64_t)((const char *)(key + len) - ws_arena.base) > top)
        return;
    uint32_t i = 0;
    while (i < len && key[i] != '\\')
        i++;
    i = i < len ? i + 1 : 0;
    size_t n = 0;
    for (; i < len && n + 1 < cap; i++)
        out[n++] = key[i];
    out[n] = 0;
}

/* The thread node of t; false when the chain ends at it. */
static bool walk_thread(struct walk *w, WAITCHAIN_NODE_INFO *n, const struct wthread *t)
{
    n->ObjectType = WctThreadType;
    n->ThreadObject.ProcessId = (DWORD)t->pid;
    n->ThreadObject.ThreadId = t->tid;
    if (t->pid != getpid() && !(w->flags & WCT_OUT_OF_PROC_FLAG)) {
        n->ObjectStatus = WctStatusPidOnly;
        return false;
    }
    n->ThreadObject.ContextSwitches = linux_switches(t->pid, t->tid);
    if (t->blocked) {
        uint64_t now = mono_ns();
        n->ObjectStatus = WctStatusBlocked;
        n->ThreadObject.WaitTime = now > t->since ? (DWORD)((now - t->since) / 1000000u) : 0;
        return true;
    }
    char st = t->tid == (uint32_t)gettid() ? 'R' : linux_state(t->pid, t->tid);
    n->ObjectStatus = st == 'R' ? WctStatusRunning
                      : st == '?' ? WctStatusUnknown
                                  : WctStatusBlocked;
    return false;
}

/* The object node of the wait t is in; *next: the thread it leads to. */
static bool walk_object(WAITCHAIN_NODE_INFO *n, const struct wthread *t, aoff_t off,
                        uint32_t *next_tid, uint32_t *next_tag)
{
    n->LockObject.Timeout.QuadPart = t->timeout;
    n->LockObject.Alertable = (t->wflags & WF_ALERTABLE) != 0;
    n->ObjectType = WctUnknownType;
    n->ObjectStatus = WctStatusNotOwned;
    if (!object_plausible(off))
        return false;
    const struct object *o = arena_ptr(off);
    object_name_w(o, n->LockObject.ObjectName, WCT_OBJNAME_LENGTH);
    uint64_t s = obj_state(o);
    switch (o->type_id) {
    case TYPE_MUTEX:
        n->ObjectType = WctMutexType;
        if (!st_value(s)) {
            n->ObjectStatus = st_flags(s) & ST_OWNER_ABANDONED ? WctStatusAbandoned
                                                               : WctStatusNotOwned;
            return false;
        }
        n->ObjectStatus = WctStatusOwned;
        *next_tid = st_value(s);
        *next_tag = atomic_load_explicit(&((struct object *)o)->aux, memory_order_relaxed);
        return true;
    case TYPE_THREAD: {
        uint32_t tid, pid;
        n->ObjectType = WctThreadWaitType;
        thread_object_peek(o, &tid, &pid);
        if (!tid)
            return false;
        n->ObjectStatus = WctStatusOwned;
        *next_tid = tid;
        *next_tag = 0;
        return true;
    }
    case TYPE_PROCESS:
        n->ObjectType = WctProcessWaitType;
        return false;
    default:
        return false;
    }
}

/* A thread the session does not list (a thread that never called into
 * the library, another program's): one node from /proc. */
static DWORD walk_foreign(struct walk *w, uint32_t tid)
{
    pid_t pid = linux_tgid(tid);
    if (!pid)
        return ERROR_OBJECT_NOT_FOUND;
    struct wthread t = {.tid = tid, .pid = pid};
    walk_thread(w, walk_add(w), &t);
    return ERROR_SUCCESS;
}

static DWORD walk_chain_reads(struct walk *w, uint32_t tid)
{
    struct wthread t;
    struct {
        struct proc_slot *slot;
        uint32_t tid;
    } seen[WCT_MAX_NODE_COUNT];
    uint32_t nseen = 0;
    if (!tid || !thread_find(tid, 0, &t))
        return tid ? walk_foreign(w, tid) : ERROR_OBJECT_NOT_FOUND;
    for (;;) {
        WAITCHAIN_NODE_INFO *n = walk_add(w);
        if (!n)
            return ERROR_SUCCESS;
        bool again = false;
        for (uint32_t i = 0; i < nseen; i++)
            again |= seen[i].slot == t.slot && seen[i].tid == t.tid;
        if (!walk_thread(w, n, &t))
            return ERROR_SUCCESS;
        if (again) {
            w->cycle = true;
            return ERROR_SUCCESS;
        }
        seen[nseen].slot = t.slot;
        seen[nseen++].tid = t.tid;
        aoff_t off = wait_pick(&t);
        if (!off)
            return ERROR_SUCCESS; /* an alertable sleep: no object */
        uint32_t next_tid = 0, next_tag = 0;
        n = walk_add(w);
        if (!n || !walk_object(n, &t, off, &next_tid, &next_tag))
            return ERROR_SUCCESS;
        if (!thread_find(next_tid, next_tag, &t)) {
            /* An owner the session does not list (it ended, or its
             * process is being reaped): as Windows reports a thread it
             * cannot open. */
            n = walk_add(w);
            if (n) {
                n->ObjectType = WctThreadType;
                n->ObjectStatus = WctStatusUnknown;
                n->ThreadObject.ThreadId = next_tid;
            }
            return ERROR_SUCCESS;
        }
    }
}

static DWORD walk_chain(struct walk *w, uint32_t tid)
{
    (void)thread_current(); /* the session is joined (and its table mapped) */
    racy_reads_begin();
    DWORD err = walk_chain_reads(w, tid);
    racy_reads_end();
    return err;
}

/* The walk's outcome into the caller's arguments: the status
 * GetThreadWaitChain (or the callback) reports. */
static DWORD walk_result(const struct walk *w, DWORD err, LPDWORD count,
                         PWAITCHAIN_NODE_INFO nodes, LPBOOL cycle)
{
    if (err)
        return err;
    uint32_t fit = w->n < *count ? w->n : *count;
    memcpy(nodes, w->node, fit * sizeof *nodes);
    *cycle = w->cycle;
    *count = w->n;
    if (w->n > fit)
        return ERROR_MORE_DATA;
    return w->more ? ERROR_TOO_MANY_THREADS : ERROR_SUCCESS;
}

/* ---- asynchronous requests ---- */

struct wct_request {
    struct wct_session *s;
    DWORD_PTR context;
    DWORD flags, tid;
    LPDWORD count;
    PWAITCHAIN_NODE_INFO nodes;
    LPBOOL cycle;
};

static void CALLBACK request_run(PTP_CALLBACK_INSTANCE inst, PVOID arg)
{
    (void)inst;
    struct wct_request *r = arg;
    struct wct_session *s = r->s;
    pthread_mutex_lock(&s->lock);
    bool cancelled = s->closing;
    pthread_mutex_unlock(&s->lock);
    DWORD err = ERROR_CANCELLED;
    if (!cancelled) {
        struct walk *w = calloc(1, sizeof *w);
        err = ERROR_NOT_ENOUGH_MEMORY;
        if (w) {
            w->flags = r->flags;
            err = walk_result(w, walk_chain(w, r->tid), r->count, r->nodes, r->cycle);
            free(w);
        }
    }
    in_callback = s;
    s->callback((HWCT)s, r->context, err, r->count, r->nodes, r->cycle);
    in_callback = NULL;
    free(r);
    request_gone(s);
}

/* ---- the API ---- */

WS_EXPORT HWCT WINAPI OpenThreadWaitChainSession(DWORD Flags, PWAITCHAINCALLBACK callback)
{
    if (Flags & ~(DWORD)WCTP_OPEN_ALL_FLAGS || ((Flags & WCT_ASYNC_OPEN_FLAG) && !callback))
        return ws_null(ERROR_INVALID_PARAMETER);
    struct wct_session *s = calloc(1, sizeof *s);
    if (!s)
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    s->flags = Flags;
    s->callback = callback;
    s->refs = 1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    pthread_mutex_lock(&wct_lock);
    s->next = sessions;
    sessions = s;
    pthread_mutex_unlock(&wct_lock);
    return (HWCT)s;
}

WS_EXPORT VOID WINAPI CloseThreadWaitChainSession(HWCT WctHandle)
{
    struct wct_session *s = NULL;
    if (!WctHandle)
        return;
    pthread_mutex_lock(&wct_lock);
    for (struct wct_session **link = &sessions; *link; link = &(*link)->next)
        if (*link == WctHandle) {
            s = *link;
            *link = s->next;
            break;
        }
    pthread_mutex_unlock(&wct_lock);
    if (!s)
        return;
    /* Requests not started yet see closing and report ERROR_CANCELLED;
     * those under way finish first (a callback that closes its own
     * session does not wait for itself). */
    uint32_t self = in_callback == s;
    pthread_mutex_lock(&s->lock);
    s->closing = true;
    while (s->running > self)
        pthread_cond_wait(&s->idle, &s->lock);
    pthread_mutex_unlock(&s->lock);
    session_put(s);
}

WS_EXPORT BOOL WINAPI GetThreadWaitChain(HWCT WctHandle, DWORD_PTR Context, DWORD Flags,
                                         DWORD ThreadId, LPDWORD NodeCount,
                                         PWAITCHAIN_NODE_INFO NodeInfoArray, LPBOOL IsCycle)
{
    if (Flags & ~(DWORD)(WCTP_GETINFO_ALL_FLAGS | WCT_NETWORK_IO_FLAG) || !NodeCount ||
        !NodeInfoArray || !IsCycle || *NodeCount == 0 || *NodeCount > WCT_MAX_NODE_COUNT)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct wct_session *s = session_get(WctHandle);
    if (!s)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (s->flags & WCT_ASYNC_OPEN_FLAG) {
        struct wct_request *r = malloc(sizeof *r);
        if (!r) {
            session_put(s);
            return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
        }
        *r = (struct wct_request){.s = s, .context = Context, .flags = Flags,
                                  .tid = ThreadId, .count = NodeCount,
                                  .nodes = NodeInfoArray, .cycle = IsCycle};
        pthread_mutex_lock(&s->lock);
        bool closing = s->closing;
        if (!closing)
            s->running++;
        pthread_mutex_unlock(&s->lock);
        if (closing) {
            free(r);
            session_put(s);
            return ws_bool(ERROR_INVALID_PARAMETER);
        }
        /* The request keeps the reference session_get took. */
        if (!TrySubmitThreadpoolCallback(request_run, r, NULL)) {
            DWORD err = GetLastError();
            free(r);
            request_gone(s);
            return ws_bool(err ? err : ERROR_NOT_ENOUGH_MEMORY);
        }
        return ws_bool(ERROR_IO_PENDING);
    }
    session_put(s);
    struct walk *w = calloc(1, sizeof *w);
    if (!w)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    w->flags = Flags;
    DWORD err = walk_result(w, walk_chain(w, ThreadId), NodeCount, NodeInfoArray, IsCycle);
    free(w);
    return ws_bool(err);
}

/* There is no COM: the callbacks would never be called, and keeping them
 * changes nothing.  The function returns nothing, so it only says so in
 * the last error (docs/COMPATIBILITY.md). */
WS_EXPORT VOID WINAPI RegisterWaitChainCOMCallback(PCOGETCALLSTATE CallStateCallback,
                                                   PCOGETACTIVATIONSTATE ActivationStateCallback)
{
    (void)CallStateCallback;
    (void)ActivationStateCallback;
    ws_set_last_error(ERROR_NOT_SUPPORTED);
}
