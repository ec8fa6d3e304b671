/*
 * I/O completion ports: CreateIoCompletionPort, GetQueuedCompletionStatus(Ex),
 * PostQueuedCompletionStatus.
 *
 * A port is a FIFO of completion packets (key, byte count, OVERLAPPED
 * pointer, NTSTATUS) plus a counter of packets that threads wait on.  The
 * counter is a handle-less semaphore (semaphore.c) waited on through the
 * wait core, so a port wait is an ordinary futex wait that is alertable,
 * times out and is woken exactly once per packet: a post releases one unit,
 * which the wait core hands to exactly one waiter, and that waiter then
 * takes the head packet.  Invariant: the semaphore's count never exceeds
 * the number of queued packets (a packet is appended before its unit is
 * released), so a thread that got a unit always finds a packet -- except
 * after the last handle is closed, when a flood of units wakes every
 * waiter and each returns ERROR_ABANDONED_WAIT_0.
 *
 * States: open (handles exist) -> closed (no handle; `closed` set; packets
 * posted afterwards by files still associated are dropped) -> destroyed
 * (the last reference: the port handle's and one per associated file).
 *
 * Locking: `lock` (a leaf wordlock in the arena) guards the packet list.
 * Packets live in the arena and are linked by offset; the OVERLAPPED
 * pointer and key they carry are the user's values, meaningful only in the
 * process that queued them (ports are not shared between processes).
 *
 * NumberOfConcurrentThreads is validated and kept, but not enforced: every
 * waiting thread may take a packet whatever the number of running threads
 * (docs/COMPATIBILITY.md).  Waiters are served FIFO; Windows serves LIFO.
 *
 * The port object itself is waitable (value = packets queued, a wait
 * consumes nothing), kept in step after each append and take.
 */
#include <limits.h>
#include <unistd.h>

#include "internal.h"

#define IO_COMPLETION_QUERY_STATE_RIGHT 0x0001

struct packet {
    aoff_t next;
    DWORD bytes;
    ULONG_PTR key;
    ULONG_PTR ov;     /* LPOVERLAPPED of the queuing process */
    ULONG_PTR status; /* NTSTATUS */
};

struct iocp {
    struct object hdr;
    aoff_t tokens;            /* semaphore: one unit per queued packet */
    struct wordlock lock;     /* guards head/tail */
    aoff_t head, tail;
    _Atomic uint32_t closed;  /* the last handle is gone */
    uint32_t concurrency;     /* NumberOfConcurrentThreads (informational) */
};

/* Units released when the last handle goes: more than any number of
 * threads that can be waiting. */
#define IOCP_FLOOD 0x10000000

static void iocp_last_close(struct object *o)
{
    struct iocp *p = (struct iocp *)o;
    LONG prev;
    atomic_store_explicit(&p->closed, 1, memory_order_release);
    semaphore_release(arena_ptr(p->tokens), IOCP_FLOOD, &prev);
}

static void iocp_destroy(struct object *o)
{
    struct iocp *p = (struct iocp *)o;
    for (aoff_t off = p->head; off;) {
        struct packet *pk = arena_ptr(off);
        off = pk->next;
        arena_free(pk, sizeof *pk);
    }
    p->head = p->tail = 0;
    object_unref(arena_ptr(p->tokens));
}

/* The port's own state value mirrors the number of queued packets, so that
 * WaitForSingleObject on a port is satisfied while packets are queued and
 * consumes nothing, as on Windows. */
static bool iocp_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t iocp_acquire(const struct object *o, uint64_t s, uint32_t tid,
                             bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s;
}

static void iocp_count_add(struct iocp *p, int delta)
{
    struct object *o = &p->hdr;
    uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    while (!(s & ST_SLOW))
        if (atomic_compare_exchange_weak_explicit(
                &o->state, &s, st_with_value(s, st_value(s) + (uint32_t)delta),
                memory_order_release, memory_order_relaxed))
            return;
    struct wait_guard g;
    wait_lock(o, &g);
    s = obj_state(o);
    obj_store_locked(o, st_with_value(s, st_value(s) + (uint32_t)delta));
    if (delta > 0)
        wait_wake_locked(o, &g);
    wait_unlock(o, &g);
}

const struct object_type iocp_type = {
    .name = "IoCompletion",
    .id = TYPE_IOCP,
    .size = sizeof(struct iocp),
    .mapping = {STANDARD_RIGHTS_READ | IO_COMPLETION_QUERY_STATE_RIGHT,
                STANDARD_RIGHTS_WRITE | IO_COMPLETION_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, IO_COMPLETION_ALL_ACCESS},
    .valid_access = IO_COMPLETION_ALL_ACCESS,
    /* Waitable without consuming: GetQueuedCompletionStatus waits on the
     * separate counter instead, whose units are taken. */
    .signaled = iocp_signaled,
    .acquire = iocp_acquire,
    .last_close = iocp_last_close,
    .destroy = iocp_destroy,
};

/* ---- packets ---- */

static DWORD iocp_queue(struct iocp *p, ULONG_PTR key, DWORD bytes,
                        ULONG_PTR ov, ULONG_PTR status)
{
    if (atomic_load_explicit(&p->closed, memory_order_acquire))
        return ERROR_SUCCESS; /* nobody can ever take it */
    struct packet *pk = arena_alloc(sizeof *pk);
    if (!pk)
        return ERROR_NOT_ENOUGH_MEMORY;
    pk->bytes = bytes;
    pk->key = key;
    pk->ov = ov;
    pk->status = status;
    wordlock_lock(&p->lock);
    if (p->tail)
        ((struct packet *)arena_ptr(p->tail))->next = arena_off(pk);
    else
        p->head = arena_off(pk);
    p->tail = arena_off(pk);
    wordlock_unlock(&p->lock);
    iocp_count_add(p, 1);
    LONG prev;
    return semaphore_release(arena_ptr(p->tokens), 1, &prev);
}

/* Takes the head packet; the caller holds a unit, so there is one. */
static void iocp_take(struct iocp *p, struct packet *out)
{
    wordlock_lock(&p->lock);
    struct packet *pk = arena_ptr(p->head);
    if (!pk) /* cannot happen: a unit always has its packet */
        ws_panic("iocp: unit without a packet", 0);
    p->head = pk->next;
    if (!p->head)
        p->tail = 0;
    wordlock_unlock(&p->lock);
    iocp_count_add(p, -1);
    *out = *pk;
    arena_free(pk, sizeof *pk);
}

void iocp_post(aoff_t port, ULONG_PTR key, DWORD bytes, LPOVERLAPPED ov,
               ULONG_PTR status)
{
    /* A completion that cannot be queued (arena full) is lost; the
     * OVERLAPPED still holds the result. */
    iocp_queue(arena_ptr(port), key, bytes, (ULONG_PTR)ov, status);
}

void iocp_file_destroy(struct file_obj *f)
{
    aoff_t port = atomic_load_explicit(&f->iocp, memory_order_acquire);
    if (port)
        object_unref(arena_ptr(port));
}

/* ---- the exported functions ---- */

static DWORD iocp_get(HANDLE h, struct iocp **out)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &iocp_type, IO_COMPLETION_MODIFY_STATE, &o, NULL);
    if (!err)
        object_ref(o);
    ws_rcu_unlock();
    *out = (struct iocp *)o;
    return err;
}

static DWORD iocp_new(DWORD concurrency, HANDLE *out)
{
    DWORD err;
    struct object *tokens = semaphore_new(0, 0x7fffffff, &err);
    if (!tokens)
        return err;
    struct object *o = object_new(&iocp_type, 0, 0, &err);
    if (!o) {
        object_unref(tokens);
        return err;
    }
    struct iocp *p = (struct iocp *)o;
    p->tokens = arena_off(tokens);
    if (!concurrency) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        concurrency = n > 0 ? (DWORD)n : 1;
    }
    p->concurrency = concurrency;
    object_handle_open(o);
    if ((err = handle_insert(o, IO_COMPLETION_ALL_ACCESS, 0, out))) {
        object_handle_close(o);
        object_unref(o);
    }
    return err;
}

/* Associates f with p under f's object lock: a file has at most one port. */
static DWORD iocp_associate(struct file_obj *f, struct iocp *p, ULONG_PTR key)
{
    DWORD err = ERROR_SUCCESS;
    obj_lock(&f->hdr);
    if (atomic_load_explicit(&f->iocp, memory_order_relaxed)) {
        err = ERROR_INVALID_PARAMETER;
    } else {
        object_ref(&p->hdr); /* the file's, dropped by iocp_file_destroy */
        f->iocp_key = key;
        atomic_store_explicit(&f->iocp, arena_off(p), memory_order_release);
    }
    obj_unlock(&f->hdr);
    return err;
}

WS_EXPORT HANDLE WINAPI CreateIoCompletionPort(HANDLE file, HANDLE existing,
                                               ULONG_PTR key,
                                               DWORD concurrency)
{
    HANDLE port = NULL;
    DWORD err;
    if (file == INVALID_HANDLE_VALUE) {
        if (existing)
            return ws_null(ERROR_INVALID_PARAMETER);
        if ((err = iocp_new(concurrency, &port)))
            return ws_null(err);
        return port;
    }
    struct file_obj *f;
    if ((err = file_get(file, 0, &f, NULL)))
        return ws_null(err);
    struct iocp *p = NULL;
    /* A file has one port for life: asked again, whatever the port. */
    if (atomic_load_explicit(&f->iocp, memory_order_acquire)) {
        file_put(f);
        return ws_null(ERROR_INVALID_PARAMETER);
    }
    if (existing) {
        if (!(err = iocp_get(existing, &p)))
            port = existing;
    } else if (!(err = iocp_new(concurrency, &port))) {
        err = iocp_get(port, &p);
    }
    if (!err && (err = iocp_associate(f, p, key)) && !existing)
        CloseHandle(port);
    if (p)
        object_unref(&p->hdr);
    file_put(f);
    return err ? ws_null(err) : port;
}

WS_EXPORT BOOL WINAPI PostQueuedCompletionStatus(HANDLE h, DWORD bytes,
                                                 ULONG_PTR key,
                                                 LPOVERLAPPED ov)
{
    struct iocp *p;
    DWORD err = iocp_get(h, &p);
    if (err)
        return ws_bool(err);
    err = iocp_queue(p, key, bytes, (ULONG_PTR)ov, 0);
    object_unref(&p->hdr);
    return ws_bool(err);
}

/* Waits for the first packet; with `entries`, also takes up to count-1
 * more that are already there.  Returns a Win32 error for the wait itself
 * (WAIT_TIMEOUT, WAIT_IO_COMPLETION, ERROR_ABANDONED_WAIT_0). */
static DWORD iocp_wait(struct iocp *p, struct packet *first,
                       LPOVERLAPPED_ENTRY entries, ULONG count, ULONG *taken,
                       DWORD timeout, bool alertable)
{
    struct object *tokens = arena_ptr(p->tokens);
    *taken = 0;
    DWORD r = wait_object_ref(tokens, timeout, alertable);
    if (r == WAIT_TIMEOUT)
        return WAIT_TIMEOUT;
    if (r == WAIT_IO_COMPLETION)
        return WAIT_IO_COMPLETION;
    if (r != WAIT_OBJECT_0)
        return ERROR_INVALID_HANDLE;
    for (;;) {
        if (atomic_load_explicit(&p->closed, memory_order_acquire))
            return *taken ? ERROR_SUCCESS : ERROR_ABANDONED_WAIT_0;
        struct packet pk;
        iocp_take(p, &pk);
        if (!entries) {
            *first = pk;
            *taken = 1;
            return ERROR_SUCCESS;
        }
        entries[*taken].lpCompletionKey = pk.key;
        entries[*taken].lpOverlapped = (LPOVERLAPPED)pk.ov;
        entries[*taken].Internal = pk.status;
        entries[*taken].dwNumberOfBytesTransferred = pk.bytes;
        if (++*taken == count || wait_object_ref(tokens, 0, false) != WAIT_OBJECT_0)
            return ERROR_SUCCESS;
    }
}

WS_EXPORT BOOL WINAPI GetQueuedCompletionStatus(HANDLE h, LPDWORD bytes,
                                                PULONG_PTR key,
                                                LPOVERLAPPED *ov,
                                                DWORD timeout)
{
    struct iocp *p;
    DWORD err = iocp_get(h, &p);
    if (err)
        return ws_bool(err);
    struct packet pk = {0};
    ULONG taken;
    err = iocp_wait(p, &pk, NULL, 1, &taken, timeout, false);
    object_unref(&p->hdr);
    if (err) {
        *ov = NULL;
        return ws_bool(err);
    }
    *bytes = pk.bytes;
    *key = pk.key;
    *ov = (LPOVERLAPPED)pk.ov;
    /* A failed I/O is dequeued too, with its error as the last error. */
    return pk.status ? ws_bool(overlapped_error_of(pk.status)) : TRUE;
}

WS_EXPORT BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE h,
                                                  LPOVERLAPPED_ENTRY entries,
                                                  ULONG count, PULONG removed,
                                                  DWORD timeout, BOOL alertable)
{
    if (!count)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct iocp *p;
    DWORD err = iocp_get(h, &p);
    if (err)
        return ws_bool(err);
    ULONG taken = 0;
    err = iocp_wait(p, NULL, entries, count, &taken, timeout, alertable);
    object_unref(&p->hdr);
    *removed = taken;
    return ws_bool(err);
}
