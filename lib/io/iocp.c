/*
 * I/O completion ports: CreateIoCompletionPort, GetQueuedCompletionStatus(Ex),
 * PostQueuedCompletionStatus, and the port's concurrency value.
 *
 * A port is a FIFO of completion packets (key, byte count, OVERLAPPED
 * pointer, NTSTATUS) plus a *gate*: a handle-less object of this same type
 * (marked IOCP_GATE in its state flags) that threads in
 * GetQueuedCompletionStatus wait on through the wait core.  The gate's state
 * word holds, in its value, the number of queued packets not yet given to a
 * thread ("units"), and, in its flag bits, the port's running count
 * (IOCP_RUN_MASK) and IOCP_CLOSED.  It is signalled when
 *     closed  ||  (units > 0  &&  running < concurrency)
 * and a wait that takes it takes one unit and adds one to running, in one
 * step of the wait core, so the concurrency test and the hand-over of a
 * packet are one atomic decision.  The waiter then takes the head packet.
 *
 * Invariants:
 *   I1  units <= packets queued: a packet is appended before its unit is
 *       added, so a thread that got a unit always finds a packet.
 *   I2  running = the number of threads associated with the port that are
 *       not blocked.  A thread is associated with at most one port (its
 *       ws_thread records the gate, with a reference, and whether it is
 *       counted).  It becomes associated -- and stops counting on its
 *       previous port -- when it calls GetQueuedCompletionStatus(Ex); it
 *       stops counting while it blocks in that call, while it blocks in any
 *       other winshim wait (wait.c calls iocp_thread_block/unblock around
 *       the futex sleep) or Sleep, and when it exits; it counts again from
 *       the moment it wakes or returns, whatever the reason (a packet, a
 *       timeout, an APC), as Windows' KeRemoveQueue does.  So running may
 *       exceed concurrency after blocked threads wake; no packet is handed
 *       out until it is below again.
 *   I3  every decrease of running or increase of units goes through the
 *       gate's wait lock (or a compare-and-swap with no waiter queued), so
 *       the wait core re-tests the queued waiters and hands out what may now
 *       go; increases of running never wake anybody.
 *   I4  concurrency (0 = the number of CPUs) is fixed at creation.
 * Waiters on the gate are served LIFO (the type asks the wait core to queue
 * them at the head), as Windows does, so that the thread that ran last and
 * whose cache is warm gets the next packet.
 *
 * States: open (handles exist) -> closed (no handle; IOCP_CLOSED set on the
 * gate, which then satisfies every waiter without consuming anything and
 * each returns ERROR_ABANDONED_WAIT_0; packets posted afterwards by files
 * or sockets still associated are dropped) -> destroyed (the last
 * reference: the port handle's, one per associated file or socket; the gate
 * has its own references, the port's and one per associated thread).
 *
 * Locking: `lock` (a leaf wordlock in the arena) guards the packet list;
 * the gate's wait lock guards its state word as every object's does; the
 * two are never held together.  Packets live in the arena and are linked by
 * offset; the OVERLAPPED pointer and key they carry are the user's values,
 * meaningful only in the process that queued them (ports are not shared
 * between processes).  A thread's association fields are touched only by
 * the thread itself.
 *
 * The port object itself is waitable (value = packets queued, a wait
 * consumes nothing), kept in step after each append and take.
 */
#include <limits.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/self.h"
#include "core/wait.h"
#include "io/file.h"
#include "io/overlapped.h"

#define IO_COMPLETION_QUERY_STATE_RIGHT 0x0001

struct packet {
    aoff_t next;
    DWORD bytes;
    ULONG_PTR key;
    ULONG_PTR ov;     /* LPOVERLAPPED of the queuing process */
    ULONG_PTR status; /* NTSTATUS */
};

uint64_t iocp_layout_mix(uint64_t h)
{
    static const uint32_t v[] = {
        LAYOUT_SIZE(struct packet),
        LAYOUT_FIELD(struct packet, next),
        LAYOUT_FIELD(struct packet, bytes),
        LAYOUT_FIELD(struct packet, key),
        LAYOUT_FIELD(struct packet, ov),
        LAYOUT_FIELD(struct packet, status),
    };
    return layout_mix(h, v, sizeof v / sizeof *v);
}

/* The gate's state flags (the port's are 0). */
#define IOCP_RUN_MASK 0x000fffffu /* running threads */
#define IOCP_GATE 0x00100000u     /* this object is a port's gate */
#define IOCP_CLOSED 0x00200000u   /* the port's last handle is gone */

/* A port, or (IOCP_GATE) a port's gate; the gate uses only hdr and
 * concurrency. */
struct iocp {
    struct object hdr;
    aoff_t gate;              /* the port's gate */
    struct wordlock lock;     /* guards head/tail */
    aoff_t head, tail;
    _Atomic uint32_t closed;  /* the last handle is gone */
    uint32_t concurrency;     /* NumberOfConcurrentThreads, 0 made the CPUs */
};

/* The gate's next state: units += dunits, running += drun, flags |= set. */
static uint64_t gate_next(uint64_t s, int32_t drun, int32_t dunits, uint32_t set)
{
    uint32_t lo = (uint32_t)s;
    uint32_t run = ((lo & IOCP_RUN_MASK) + (uint32_t)drun) & IOCP_RUN_MASK;
    lo = (lo & ~IOCP_RUN_MASK) | run | set;
    return st_with_value((s & ~(uint64_t)0xffffffffu) | lo,
                         st_value(s) + (uint32_t)dunits);
}

/* Changes the gate's state (I3): lock-free while nobody is queued, else
 * under the wait lock, re-testing the waiters when the change may let one
 * go (unless !wake: see thread_enter). */
static void gate_change_ex(struct object *g, int32_t drun, int32_t dunits,
                           uint32_t set, bool wake)
{
    uint64_t s = atomic_load_explicit(&g->state, memory_order_relaxed);
    while (!(s & ST_SLOW))
        if (atomic_compare_exchange_weak_explicit(
                &g->state, &s, gate_next(s, drun, dunits, set),
                memory_order_release, memory_order_relaxed))
            return;
    struct wait_guard wg;
    wait_lock(g, &wg);
    obj_store_locked(g, gate_next(obj_state(g), drun, dunits, set));
    if (wake && (drun < 0 || dunits > 0 || set))
        wait_wake_locked(g, &wg);
    wait_unlock(g, &wg);
}

static void gate_change(struct object *g, int32_t drun, int32_t dunits,
                        uint32_t set)
{
    gate_change_ex(g, drun, dunits, set, true);
}

/* GetQueuedCompletionStatusEx's further packets: one more unit, without
 * counting the thread again (it counts once however many it takes). */
static bool gate_take_more(struct object *g)
{
    struct wait_guard wg;
    wait_lock(g, &wg);
    uint64_t s = obj_state(g);
    bool ok = !(st_flags(s) & IOCP_CLOSED) && st_value(s) > 0;
    if (ok)
        obj_store_locked(g, gate_next(s, 0, -1, 0));
    wait_unlock(g, &wg);
    return ok;
}

/* The shared layout (core/object.h, layout ids). */
static const uint32_t iocp_layout[] = {
    LAYOUT_SIZE(struct iocp),
    LAYOUT_FIELD(struct iocp, gate),
    LAYOUT_FIELD(struct iocp, lock),
    LAYOUT_FIELD(struct iocp, head),
    LAYOUT_FIELD(struct iocp, tail),
    LAYOUT_FIELD(struct iocp, closed),
    LAYOUT_FIELD(struct iocp, concurrency),
    IOCP_RUN_MASK, IOCP_GATE, IOCP_CLOSED,
};

static void iocp_last_close(struct object *o)
{
    struct iocp *p = (struct iocp *)o;
    atomic_store_explicit(&p->closed, 1, memory_order_release);
    gate_change(arena_ptr(p->gate), 0, 0, IOCP_CLOSED);
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
    if (p->gate)
        object_unref(arena_ptr(p->gate));
}

/* The port's own state value mirrors the number of queued packets, so that
 * WaitForSingleObject on a port is satisfied while packets are queued and
 * consumes nothing, as on Windows.  The gate: see the top of the file. */
static bool iocp_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)tid;
    uint32_t fl = st_flags(s);
    if (!(fl & IOCP_GATE))
        return st_value(s) != 0;
    if (fl & IOCP_CLOSED)
        return true;
    return st_value(s) != 0 &&
           (fl & IOCP_RUN_MASK) < ((const struct iocp *)o)->concurrency;
}

static uint64_t iocp_acquire(const struct object *o, uint64_t s, uint32_t tid,
                             bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    uint32_t fl = st_flags(s);
    if (!(fl & IOCP_GATE) || (fl & IOCP_CLOSED))
        return s;
    return gate_next(s, 1, -1, 0); /* one packet, one more running thread */
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
    /* The port is waitable without consuming; GetQueuedCompletionStatus
     * waits on the gate instead, whose units are taken. */
    .signaled = iocp_signaled,
    .lifo_waiters = true, /* the gate's waiters, as Windows serves them */
    .acquire = iocp_acquire,
    .last_close = iocp_last_close,
    .destroy = iocp_destroy,
    TYPE_LAYOUT(iocp_layout),
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
    gate_change(arena_ptr(p->gate), 0, 1, 0);
    return ERROR_SUCCESS;
}

/* Takes the head packet; the caller holds a unit, so there is one. */
static void iocp_take(struct iocp *p, struct packet *out)
{
    wordlock_lock(&p->lock);
    struct packet *pk = arena_ptr(p->head);
    if (!pk) /* cannot happen: a unit always has its packet (I1) */
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

/* ---- threads associated with a port (I2) ---- */

void iocp_thread_block(struct ws_thread *t)
{
    t->iocp_counted = false;
    gate_change(t->iocp_gate, -1, 0, 0);
}

void iocp_thread_unblock(struct ws_thread *t)
{
    t->iocp_counted = true;
    gate_change(t->iocp_gate, 1, 0, 0);
}

void iocp_thread_exit(struct ws_thread *t)
{
    if (!t->iocp_gate)
        return;
    if (t->iocp_counted)
        iocp_thread_block(t);
    object_unref(t->iocp_gate);
    t->iocp_gate = NULL;
}

/* GetQueuedCompletionStatus begins: t stops counting where it counted and
 * becomes associated with this gate.  On the same port the slot it frees
 * is its own: it wakes nobody, and the thread's own wait, tested before it
 * queues, takes the next packet -- as Windows' KeRemoveQueue does.  Moving
 * from another port lets that port's waiters go. */
static void thread_enter(struct ws_thread *t, struct object *gate)
{
    if (t->iocp_gate == gate && t->iocp_counted) {
        t->iocp_counted = false;
        gate_change_ex(gate, -1, 0, 0, false);
    } else if (t->iocp_gate && t->iocp_counted) {
        iocp_thread_block(t);
    }
    if (t->iocp_gate != gate) {
        object_ref(gate);
        if (t->iocp_gate)
            object_unref(t->iocp_gate);
        t->iocp_gate = gate;
    }
}

/* GetQueuedCompletionStatus returns without a packet (timeout, APC): the
 * thread runs again and counts, unless an APC's own call already made it
 * count (or moved it to another port). */
static void thread_recount(struct ws_thread *t, struct object *gate)
{
    if (t->iocp_gate == gate && !t->iocp_counted)
        iocp_thread_unblock(t);
}

/* ---- the exported functions ---- */

static DWORD iocp_get(HANDLE h, struct iocp **out)
{
    struct object *o = NULL;
    DWORD err = handle_ref(h, &iocp_type, IO_COMPLETION_MODIFY_STATE, &o, NULL);
    *out = (struct iocp *)o;
    return err;
}

static DWORD iocp_new(DWORD concurrency, HANDLE *out)
{
    DWORD err;
    if (!concurrency) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        concurrency = n > 0 ? (DWORD)n : 1;
    }
    struct object *gate = object_new(&iocp_type, IOCP_GATE, 0, &err);
    if (!gate)
        return err;
    ((struct iocp *)gate)->concurrency = concurrency; /* before any wait */
    struct object *o = object_new(&iocp_type, 0, 0, &err);
    if (!o) {
        object_unref(gate);
        return err;
    }
    struct iocp *p = (struct iocp *)o;
    p->gate = arena_off(gate);
    p->concurrency = concurrency;
    object_handle_open(o);
    if ((err = handle_insert(o, IO_COMPLETION_ALL_ACCESS, 0, out))) {
        object_handle_close(o);
        object_unref(o);
    }
    return err;
}

/* Associates an object (a file or a socket) with p under the object's
 * lock: it has at most one port, for life. */
static DWORD iocp_associate(struct object *o, _Atomic aoff_t *slot,
                            ULONG_PTR *keyslot, struct iocp *p, ULONG_PTR key)
{
    DWORD err = ERROR_SUCCESS;
    obj_lock(o);
    if (atomic_load_explicit(slot, memory_order_relaxed)) {
        err = ERROR_INVALID_PARAMETER;
    } else {
        object_ref(&p->hdr); /* the object's, dropped when it goes */
        *keyslot = key;
        atomic_store_explicit(slot, arena_off(p), memory_order_release);
    }
    obj_unlock(o);
    return err;
}

void iocp_port_unref(aoff_t port)
{
    object_unref(arena_ptr(port));
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
    /* A file, or a socket (a SOCKET cast to HANDLE, as Windows allows). */
    struct object *o;
    _Atomic aoff_t *slot;
    ULONG_PTR *keyslot;
    struct file_obj *f;
    if (!(err = file_get(file, 0, &f, NULL))) {
        o = &f->hdr;
        slot = &f->iocp;
        keyslot = &f->iocp_key;
    } else if ((err = ws_socket_io.port_fields(file, &o, &slot, &keyslot))) {
        return ws_null(err); /* not a socket, or another process's */
    }
    struct iocp *p = NULL;
    /* One port for life: asked again, whatever the port. */
    if (atomic_load_explicit(slot, memory_order_acquire)) {
        object_unref(o);
        return ws_null(ERROR_INVALID_PARAMETER);
    }
    if (existing) {
        if (!(err = iocp_get(existing, &p)))
            port = existing;
    } else if (!(err = iocp_new(concurrency, &port))) {
        err = iocp_get(port, &p);
    }
    if (!err && (err = iocp_associate(o, slot, keyslot, p, key)) && !existing)
        CloseHandle(port);
    if (p)
        object_unref(&p->hdr);
    object_unref(o);
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
    struct object *gate = arena_ptr(p->gate);
    struct ws_thread *t = thread_current();
    *taken = 0;
    thread_enter(t, gate);
    DWORD r = wait_object_ref(gate, timeout, alertable);
    if (r != WAIT_OBJECT_0) {
        thread_recount(t, gate);
        if (r == WAIT_TIMEOUT || r == WAIT_IO_COMPLETION)
            return r;
        return ERROR_INVALID_HANDLE;
    }
    if (st_flags(obj_state(gate)) & IOCP_CLOSED) {
        /* Nothing was taken (the closed gate is not consumed), and the
         * thread is no longer associated with a port that is gone. */
        if (t->iocp_gate == gate) {
            t->iocp_gate = NULL;
            object_unref(gate);
        }
        return ERROR_ABANDONED_WAIT_0;
    }
    t->iocp_counted = true; /* the wait counted it (iocp_acquire) */
    for (;;) {
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
        if (++*taken == count || !gate_take_more(gate))
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
