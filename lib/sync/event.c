/*
 * Event objects.
 *
 * State word: value 1 = signalled, 0 = not; flag EV_MANUAL for a
 * manual-reset event (fixed at creation).
 *
 * SetEvent with nobody queued is one compare-and-swap (or just a load when
 * the event is already set).  ResetEvent of a set event with the lock free
 * and nobody queued is a plain store of 0 into the state word's value half
 * (reset_plain; why that is enough: wait.c, "plain resets"), of a reset one
 * just a load.  With waiters queued
 * they go through wait_lock and hand the event over (wait.c).  PulseEvent
 * sets, wakes and resets in one critical section: it releases exactly the
 * waiters queued at that instant (one for an auto-reset event) and leaves
 * the event non-signalled (test: check_event "pulse").
 */
#include "core/cell.h"
#include "core/error.h"
#include "core/object.h"
#include "core/self.h"
#include "core/wait.h"
#include "core/handle_lookup.h"
#include "sync/sync.h"

#define EV_MANUAL 0x1u
#define EVENT_QUERY_STATE_RIGHT 0x0001 /* ntddk.h EVENT_QUERY_STATE */

static bool event_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t event_acquire(const struct object *o, uint64_t s, uint32_t tid,
                              bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return (st_flags(s) & EV_MANUAL) ? s : st_with_value(s, 0);
}

static DWORD event_signal(struct object *o, ACCESS_MASK granted);

const struct object_type event_type = {
    .name = "Event",
    .id = TYPE_EVENT,
    .size = sizeof(struct object),
    .mapping = {STANDARD_RIGHTS_READ | EVENT_QUERY_STATE_RIGHT,
                STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, EVENT_ALL_ACCESS},
    .valid_access = EVENT_ALL_ACCESS,
    .signaled = event_signaled,
    .acquire = event_acquire,
    .fast = FK_FLAG,
    .fast_keep = EV_MANUAL,
    .signal = event_signal,
};

enum event_op { EV_SET, EV_RESET, EV_PULSE };

/* ResetEvent's store: the value half of the state word set to 0, the
 * lock bits, ST_QUEUED and the flags untouched (wait.c, "plain resets"). */
static inline void reset_plain(struct object *o)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    _Atomic uint32_t *value = (_Atomic uint32_t *)&o->state + 1;
#else
    _Atomic uint32_t *value = (_Atomic uint32_t *)&o->state;
#endif
    atomic_store_explicit(value, 0, memory_order_release);
}

static DWORD event_change(struct object *o, enum event_op op)
{
    if (WS_UNLIKELY(o->obj_flags & OBJ_GRANTED))
        return cell_event_op(o, op == EV_SET     ? CELL_SET
                                : op == EV_RESET ? CELL_RESET
                                                 : CELL_PULSE);
    uint32_t value = op == EV_SET;
    uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    /* Nobody queued: a pulse only resets. */
    while (!(s & ST_SLOW)) {
        if (st_value(s) == value)
            return ERROR_SUCCESS;
        if (op == EV_RESET) {
            reset_plain(o);
            return ERROR_SUCCESS;
        }
        if (atomic_compare_exchange_weak_explicit(&o->state, &s,
                                                  st_with_value(s, value),
                                                  memory_order_release,
                                                  memory_order_relaxed))
            return ERROR_SUCCESS;
    }
    struct wait_guard g;
    wait_lock(o, &g);
    s = st_with_value(obj_state(o), op != EV_RESET);
    obj_store_locked(o, s);
    if (op != EV_RESET) /* hands out the state stored, whatever a plain reset does */
        wait_wake_from(o, &g, s);
    if (op == EV_PULSE)
        obj_store_locked(o, st_with_value(obj_state(o), 0));
    wait_unlock(o, &g);
    return ERROR_SUCCESS;
}

void event_set(struct object *o)
{
    event_change(o, EV_SET);
}

static DWORD event_signal(struct object *o, ACCESS_MASK granted)
{
    if (!(granted & EVENT_MODIFY_STATE))
        return ERROR_ACCESS_DENIED;
    event_set(o);
    return ERROR_SUCCESS;
}

static __attribute__((noinline)) BOOL event_op_slow(HANDLE h, enum event_op op)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &event_type, EVENT_MODIFY_STATE, &o, NULL);
    if (!err)
        err = event_change(o, op);
    ws_rcu_unlock();
    return ws_bool(err);
}

/* The common case with no frame to build: a table handle to an event
 * nobody is queued on (a granted proxy's state is always ST_SLOW), one
 * compare-and-swap or none.  Anything else starts over in event_op_slow;
 * nothing has been changed then. */
static inline __attribute__((always_inline)) BOOL event_op_handle(HANDLE h, enum event_op op)
{
    ws_rcu_lock();
    struct object *o = handle_peek(h, EVENT_MODIFY_STATE);
    if (WS_LIKELY(o && o->type_id == TYPE_EVENT)) {
        uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
        uint32_t value = op == EV_SET; /* nobody queued: a pulse only resets */
        if (op == EV_RESET && WS_LIKELY(!(s & ST_SLOW))) {
            if (st_value(s))
                reset_plain(o);
            ws_rcu_unlock();
            return TRUE;
        }
        if (WS_LIKELY(!(s & ST_SLOW)) &&
            (st_value(s) == value ||
             atomic_compare_exchange_strong_explicit(&o->state, &s, st_with_value(s, value),
                                                     memory_order_release,
                                                     memory_order_relaxed))) {
            ws_rcu_unlock();
            return TRUE;
        }
    }
    ws_rcu_unlock();
    return event_op_slow(h, op);
}

WS_EXPORT BOOL WINAPI SetEvent(HANDLE h)
{
    return event_op_handle(h, EV_SET);
}

WS_EXPORT BOOL WINAPI ResetEvent(HANDLE h)
{
    return event_op_handle(h, EV_RESET);
}

WS_EXPORT BOOL WINAPI PulseEvent(HANDLE h)
{
    return event_op_handle(h, EV_PULSE);
}

static struct object *event_make(void *ctx, DWORD *err)
{
    DWORD flags = *(DWORD *)ctx;
    return object_new(&event_type, (flags & CREATE_EVENT_MANUAL_RESET) ? EV_MANUAL : 0,
                      (flags & CREATE_EVENT_INITIAL_SET) ? 1 : 0, err);
}

static HANDLE event_create(LPSECURITY_ATTRIBUTES sa, DWORD flags,
                           ACCESS_MASK access, LPCWSTR wname, LPCSTR aname,
                           bool ansi)
{
    return object_create_flagged(&event_type, event_make,
                                 CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
                                 flags, sa, access, wname, aname, ansi);
}

static DWORD event_flags(BOOL manual, BOOL initial)
{
    return (manual ? CREATE_EVENT_MANUAL_RESET : 0) |
           (initial ? CREATE_EVENT_INITIAL_SET : 0);
}

WS_EXPORT HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL manual,
                                     BOOL initial, LPCWSTR name)
{
    return event_create(sa, event_flags(manual, initial), EVENT_ALL_ACCESS,
                        name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL manual,
                                     BOOL initial, LPCSTR name)
{
    return event_create(sa, event_flags(manual, initial), EVENT_ALL_ACCESS,
                        NULL, name, true);
}

WS_EXPORT HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name,
                                       DWORD flags, DWORD access)
{
    return event_create(sa, flags, access, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES sa, LPCSTR name,
                                       DWORD flags, DWORD access)
{
    return event_create(sa, flags, access, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI OpenEventW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return object_open_handle(&event_type, name, NULL, false, access, inherit);
}

WS_EXPORT HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name)
{
    return object_open_handle(&event_type, NULL, name, true, access, inherit);
}
