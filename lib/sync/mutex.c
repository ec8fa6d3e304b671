/*
 * Mutex objects (the kernel's "mutants").
 *
 * State word: value = owner thread id (0 = free); flags: MX_ABANDONED (the
 * last owner ended without releasing) and the recursion count in bits
 * 1..28.  A mutex is signalled for a thread when it is free or when that
 * thread already owns it; acquiring makes the thread the owner (count 1)
 * or counts one more recursion, and consumes the abandoned flag, which
 * the acquirer reports as WAIT_ABANDONED.
 *
 * Only the owner changes an owned mutex (ReleaseMutex, or its own exit),
 * so the owner may read the count without the lock.  Ownership is
 * recorded per thread (ws_thread.owned, one reference each): when a
 * thread ends - however it was created - thread.c abandons every mutex it
 * still owns, waking the next waiter with WAIT_ABANDONED.  The list is in
 * the thread's shared record, so that when a whole process dies, whoever
 * reaps it (shm.c) abandons its mutexes the same way.  The object's aux
 * word holds the owner's process tag: a thread about to block on a mutex
 * owned in another process asks the deathwatch to reap that process the
 * moment it dies, so the waiters wake at once.
 */
#include "core/arena.h"
#include "core/cell.h"
#include "core/error.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "core/handle_lookup.h"
#include "sync/sync.h"

/* The encoding the wait core knows as FK_OWNER (core/object.h). */
#define MX_ABANDONED ST_OWNER_ABANDONED
#define MX_COUNT_SHIFT ST_OWNER_COUNT_SHIFT
#define MX_COUNT_MAX ST_OWNER_COUNT_MAX

static uint32_t mx_count(uint64_t s)
{
    return st_flags(s) >> MX_COUNT_SHIFT;
}

static uint64_t mx_state(uint64_t s, uint32_t owner, uint32_t count,
                         uint32_t abandoned)
{
    uint64_t lo = (s & ~(uint64_t)ST_FLAGS_MASK & 0xffffffffu) |
                  (count << MX_COUNT_SHIFT) | abandoned;
    return ((uint64_t)owner << 32) | lo;
}

static bool mutex_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    uint32_t owner = st_value(s);
    return owner == 0 || (owner == tid && mx_count(s) < MX_COUNT_MAX);
}

static uint64_t mutex_acquire(const struct object *o, uint64_t s, uint32_t tid,
                              bool *abandoned)
{
    (void)o;
    if (st_value(s) == tid)
        return mx_state(s, tid, mx_count(s) + 1, 0);
    *abandoned = st_flags(s) & MX_ABANDONED;
    return mx_state(s, tid, 1, 0);
}

/* The waiting thread records a first acquisition. */
static void mutex_acquired(struct object *o, uint32_t tid)
{
    uint64_t s = obj_state(o);
    if (st_value(s) == tid && mx_count(s) == 1) {
        atomic_store_explicit(&o->aux, shm_self_tag(), memory_order_relaxed);
        thread_own(thread_current(), o);
    }
}

static void mutex_blocking(struct object *o)
{
    if (!ws_arena.shared || !st_value(obj_state(o)))
        return;
    uint32_t tag = atomic_load_explicit(&o->aux, memory_order_relaxed);
    if (tag && tag != shm_self_tag())
        shm_watch_tag(tag);
}

static DWORD mutex_signal(struct object *o, ACCESS_MASK granted);
static void mutex_abandon(struct object *o, uint32_t tid, bool recorded);
static void mutex_last_close(struct object *o);

const struct object_type mutex_type = {
    .name = "Mutant",
    .id = TYPE_MUTEX,
    .size = sizeof(struct object),
    .mapping = {STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE, STANDARD_RIGHTS_WRITE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, MUTANT_ALL_ACCESS},
    .valid_access = MUTANT_ALL_ACCESS,
    .signaled = mutex_signaled,
    .acquire = mutex_acquire,
    .fast = FK_OWNER,
    .acquired = mutex_acquired,
    .blocking = mutex_blocking,
    .signal = mutex_signal,
    .abandon = mutex_abandon,
    .last_close = mutex_last_close,
};

/* A state change with waiters queued (or the lock held by someone)
 * goes through the wait core: a released mutex stays free and its first
 * waiter is woken to try again, an abandoned one is handed to a waiter
 * (wait.h, wait_wake_released_locked).  A free mutex found with waiters
 * queued (its releaser was killed between freeing it and waking them)
 * wakes them too. */
static void mutex_store_slow(struct object *o, uint32_t tid, bool release_all,
                             uint32_t abandoned)
{
    struct wait_guard g;
    wait_lock(o, &g);
    uint64_t s = obj_state(o);
    if (st_value(s) == tid) {
        uint32_t count = release_all ? 0 : mx_count(s) - 1;
        obj_store_locked(o, mx_state(s, count ? tid : 0, count,
                                     count ? 0 : abandoned));
        if (!count && abandoned)
            wait_wake_locked(o, &g);
        else if (!count)
            wait_wake_released_locked(o, &g);
    } else if (!st_value(s)) {
        wait_wake_locked(o, &g);
    }
    wait_unlock(o, &g);
}

static DWORD mutex_release(struct object *o, uint32_t tid)
{
    if (WS_UNLIKELY(o->obj_flags & OBJ_GRANTED))
        return cell_mutex_release(o);
    uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    if (st_value(s) != tid)
        return ERROR_NOT_OWNER;
    uint32_t count = mx_count(s) - 1;
    for (;;) {
        if (s & ST_SLOW) {
            mutex_store_slow(o, tid, false, 0);
            break;
        }
        if (atomic_compare_exchange_weak_explicit(
                &o->state, &s, mx_state(s, count ? tid : 0, count, 0),
                memory_order_release, memory_order_relaxed))
            break;
    }
    if (!count)
        thread_disown(thread_current(), o);
    return ERROR_SUCCESS;
}

/* tid ended while owning o: free it, marked abandoned, and wake the next
 * owner.  Drops the ownership reference. */
/* recorded: from tid's ownership list, whose reference goes with it;
 * otherwise a reaper's find in a dead table, abandoned only if tid still
 * owns it. */
static void mutex_abandon(struct object *o, uint32_t tid, bool recorded)
{
    if (recorded) {
        mutex_store_slow(o, tid, true, MX_ABANDONED);
        object_unref(o);
    } else if (st_value(obj_state(o)) == tid) {
        mutex_store_slow(o, tid, true, MX_ABANDONED);
    }
}

/* The last handle is gone: Windows deletes the mutex, released as
 * abandoned if it was owned.  When the owner closed it, it is let go of
 * here at once (its list's reference with it, also one the list kept
 * after a release: self.c, thread_own); another owner's list lets it go
 * before it grows (self.c, owned_compact), or at that thread's end. */
static void mutex_last_close(struct object *o)
{
    if (o->obj_flags & OBJ_GRANTED)
        return; /* the owner's state is in the cell (cell.c) */
    struct ws_thread *t = ws_current;
    if (!t)
        return;
    if (st_value(obj_state(o)) == t->tid) {
        mutex_store_slow(o, t->tid, true, MX_ABANDONED);
        thread_disown(t, o);
    }
    if (t->rec && t->rec->owned_kept == arena_off(o))
        thread_drop_kept(t->rec); /* nobody can take it again */
}

/* SignalObjectAndWait's release: NtReleaseMutant asks for no access
 * right, but the handle must allow a wait. */
static DWORD mutex_signal(struct object *o, ACCESS_MASK granted)
{
    if (!(granted & SYNCHRONIZE))
        return ERROR_ACCESS_DENIED;
    return mutex_release(o, thread_tid());
}

static __attribute__((noinline)) BOOL release_slow(HANDLE h)
{
    struct object *o = NULL;
    ws_rcu_lock();
    /* NtReleaseMutant asks for no access right: any handle may release. */
    DWORD err = handle_get(h, &mutex_type, 0, &o, NULL);
    if (!err)
        err = mutex_release(o, thread_tid());
    ws_rcu_unlock();
    return ws_bool(err);
}

/* The common case with no frame to build: a table handle to a mutex the
 * caller owns and nobody is queued on: one compare-and-swap (and, for the
 * last recursion, the ownership record).  Anything else starts over in
 * release_slow; nothing has been changed then. */
WS_EXPORT BOOL WINAPI ReleaseMutex(HANDLE h)
{
    struct ws_thread *t = ws_current;
    ws_rcu_lock();
    struct object *o = handle_peek(h, 0);
    if (WS_LIKELY(o && t && o->type_id == TYPE_MUTEX)) {
        uint64_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
        uint32_t count = mx_count(s) - 1;
        if (WS_LIKELY(!(s & ST_SLOW) && st_value(s) == t->tid) &&
            atomic_compare_exchange_strong_explicit(
                &o->state, &s, mx_state(s, count ? t->tid : 0, count, 0),
                memory_order_release, memory_order_relaxed)) {
            if (!count)
                thread_disown(t, o);
            ws_rcu_unlock();
            return TRUE;
        }
    }
    ws_rcu_unlock();
    return release_slow(h);
}

static struct object *mutex_make(void *ctx, DWORD *err)
{
    bool owned = *(DWORD *)ctx & CREATE_MUTEX_INITIAL_OWNER;
    uint32_t tid = owned ? thread_tid() : 0;
    struct object *o = object_new(&mutex_type, owned ? 1u << MX_COUNT_SHIFT : 0,
                                  tid, err);
    if (o && owned) {
        atomic_store_explicit(&o->aux, shm_self_tag(), memory_order_relaxed);
        thread_own(thread_current(), o);
    }
    return o;
}

static HANDLE mutex_create(LPSECURITY_ATTRIBUTES sa, DWORD flags,
                           ACCESS_MASK access, LPCWSTR wname, LPCSTR aname,
                           bool ansi)
{
    return object_create_flagged(&mutex_type, mutex_make, CREATE_MUTEX_INITIAL_OWNER,
                                 flags, sa, access, wname, aname, ansi);
}

WS_EXPORT HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL owner,
                                     LPCWSTR name)
{
    return mutex_create(sa, owner ? CREATE_MUTEX_INITIAL_OWNER : 0,
                        MUTEX_ALL_ACCESS, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa, BOOL owner,
                                     LPCSTR name)
{
    return mutex_create(sa, owner ? CREATE_MUTEX_INITIAL_OWNER : 0,
                        MUTEX_ALL_ACCESS, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name,
                                       DWORD flags, DWORD access)
{
    return mutex_create(sa, flags, access, name, NULL, false);
}

WS_EXPORT HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES sa, LPCSTR name,
                                       DWORD flags, DWORD access)
{
    return mutex_create(sa, flags, access, NULL, name, true);
}

WS_EXPORT HANDLE WINAPI OpenMutexW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return object_open_handle(&mutex_type, name, NULL, false, access, inherit);
}

WS_EXPORT HANDLE WINAPI OpenMutexA(DWORD access, BOOL inherit, LPCSTR name)
{
    return object_open_handle(&mutex_type, NULL, name, true, access, inherit);
}
