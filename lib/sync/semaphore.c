/*
 * Semaphore objects.
 *
 * State word: value = current count; the maximum is fixed at creation and
 * kept beside the header.  Signalled while the count is above zero; each
 * satisfied wait takes one.  ReleaseSemaphore with nobody queued is one
 * compare-and-swap; with waiters it raises the count under wait_lock and
 * lets the wait core hand the new units out (a release of n wakes up to n
 * waiters, each consuming one).
 */
#include "core/cell.h"
#include "core/error.h"
#include "core/object.h"
#include "core/self.h"
#include "core/wait.h"
#include "core/handle_lookup.h"
#include "sync/sync.h"

struct semaphore {
    struct object hdr;
    int32_t max; /* lMaximumCount, > 0 */
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t semaphore_layout[] = {
    LAYOUT_SIZE(struct semaphore),
    LAYOUT_FIELD(struct semaphore, max),
};

static bool semaphore_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t semaphore_acquire(const struct object *o, uint64_t s,
                                  uint32_t tid, bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return st_with_value(s, st_value(s) - 1);
}

static DWORD semaphore_signal(struct object *o, ACCESS_MASK granted);

const struct object_type semaphore_type = {
    .name = "Semaphore",
    .id = TYPE_SEMAPHORE,
    .size = sizeof(struct semaphore),
    .mapping = {STANDARD_RIGHTS_READ | 0x0001 /* SEMAPHORE_QUERY_STATE */,
                STANDARD_RIGHTS_WRITE | SEMAPHORE_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, SEMAPHORE_ALL_ACCESS},
    .valid_access = SEMAPHORE_ALL_ACCESS,
    .signaled = semaphore_signaled,
    .acquire = semaphore_acquire,
    .fast = FK_COUNT,
    .signal = semaphore_signal,
    TYPE_LAYOUT(semaphore_layout),
};

/* count > 0.  *prev gets the count before the release. */
DWORD semaphore_release(struct object *o, LONG count, LONG *prev)
{
    if (WS_UNLIKELY(o->obj_flags & OBJ_GRANTED))
        return cell_semaphore_release(o, count, prev);
    const int64_t max = ((struct semaphore *)o)->max;
    uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    while (!(s & ST_SLOW)) {
        if (st_value(s) + (int64_t)count > max)
            return ERROR_TOO_MANY_POSTS;
        if (atomic_compare_exchange_weak_explicit(
                &o->state, &s, st_with_value(s, st_value(s) + (uint32_t)count),
                memory_order_release, memory_order_relaxed)) {
            *prev = (LONG)st_value(s);
            return ERROR_SUCCESS;
        }
    }
    DWORD err = ERROR_SUCCESS;
    struct wait_guard g;
    wait_lock(o, &g);
    s = obj_state(o);
    if (st_value(s) + (int64_t)count > max) {
        err = ERROR_TOO_MANY_POSTS;
    } else {
        *prev = (LONG)st_value(s);
        obj_store_locked(o, st_with_value(s, st_value(s) + (uint32_t)count));
        wait_wake_locked(o, &g);
    }
    wait_unlock(o, &g);
    return err;
}

static DWORD semaphore_signal(struct object *o, ACCESS_MASK granted)
{
    LONG prev;
    if (!(granted & SEMAPHORE_MODIFY_STATE))
        return ERROR_ACCESS_DENIED;
    return semaphore_release(o, 1, &prev);
}

static __attribute__((noinline)) BOOL release_slow(HANDLE h, LONG count, LPLONG prev_out)
{
    if (count <= 0)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct object *o = NULL;
    LONG prev = 0;
    ws_rcu_lock();
    DWORD err = handle_get(h, &semaphore_type, SEMAPHORE_MODIFY_STATE, &o, NULL);
    if (!err)
        err = semaphore_release(o, count, &prev);
    ws_rcu_unlock();
    if (!err && prev_out)
        *prev_out = prev;
    return ws_bool(err);
}

/* The common case with no frame to build: a table handle to a semaphore
 * nobody is queued on, with room for the count: one compare-and-swap.
 * Anything else starts over in release_slow; nothing has been changed
 * then. */
WS_EXPORT BOOL WINAPI ReleaseSemaphore(HANDLE h, LONG count, LPLONG prev_out)
{
    ws_rcu_lock();
    struct object *o = handle_peek(h, SEMAPHORE_MODIFY_STATE);
    if (WS_LIKELY(o && o->type_id == TYPE_SEMAPHORE && count > 0)) {
        uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
        if (WS_LIKELY(!(s & ST_SLOW)) &&
            st_value(s) + (int64_t)count <= ((struct semaphore *)o)->max &&
            atomic_compare_exchange_strong_explicit(
                &o->state, &s, st_with_value(s, st_value(s) + (uint32_t)count),
                memory_order_release, memory_order_relaxed)) {
            ws_rcu_unlock();
            if (prev_out)
                *prev_out = (LONG)st_value(s);
            return TRUE;
        }
    }
    ws_rcu_unlock();
    return release_slow(h, count, prev_out);
}

struct semaphore_init {
    LONG initial, max;
};

static struct object *semaphore_make(void *ctx, DWORD *err)
{
    const struct semaphore_init *init = ctx;
    struct object *o = object_new(&semaphore_type, 0, (uint32_t)init->initial, err);
    if (o)
        ((struct semaphore *)o)->max = init->max;
    return o;
}

/* For objects built on a counter (completion ports): no handle, no name. */
struct object *semaphore_new(LONG initial, LONG max, DWORD *err)
{
    struct semaphore_init init = {initial, max};
    return semaphore_make(&init, err);
}

static HANDLE semaphore_create(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG max,
                               DWORD flags, ACCESS_MASK access, LPCWSTR wname,
                               LPCSTR aname, bool ansi)
{
    if (flags || max <= 0 || initial < 0 || initial > max)
        return ws_null(ERROR_INVALID_PARAMETER);
    struct semaphore_init init = {initial, max};
    return object_create_handle(&semaphore_type, semaphore_make, &init, wname,
                                aname, ansi, access, sa);
}

WS_EXPORT HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG initial,
                                         LONG max, LPCWSTR name)
{
    return semaphore_create(sa, initial, max, 0, SEMAPHORE_ALL_ACCESS, name,
                            NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa, LONG initial,
                                         LONG max, LPCSTR name)
{
    return semaphore_create(sa, initial, max, 0, SEMAPHORE_ALL_ACCESS, NULL,
                            name, true);
}

WS_EXPORT HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES sa, LONG initial,
                                           LONG max, LPCWSTR name, DWORD flags,
                                           DWORD access)
{
    return semaphore_create(sa, initial, max, flags, access, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES sa, LONG initial,
                                           LONG max, LPCSTR name, DWORD flags,
                                           DWORD access)
{
    return semaphore_create(sa, initial, max, flags, access, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI OpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return object_open_handle(&semaphore_type, name, NULL, false, access, inherit);
}

WS_EXPORT HANDLE WINAPI OpenSemaphoreA(DWORD access, BOOL inherit, LPCSTR name)
{
    return object_open_handle(&semaphore_type, NULL, name, true, access, inherit);
}
