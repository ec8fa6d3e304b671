/*
 * Critical sections: a recursive process-private lock in the caller's
 * RTL_CRITICAL_SECTION, on a futex in its LockCount field.
 *
 * LockCount has the layout Windows Vista and later give it, so that a
 * debugger view or a program that peeks at it reads what it would on
 * Windows:
 *
 *   bit 0      1 = free, 0 = held
 *   bit 1      0 = a waiter has been woken and has not run yet, 1 = not
 *   bits 2-31  ones' complement of the number of sleeping-or-about-to-sleep
 *              waiters (all ones = none)
 *
 *   -1 free, nobody waiting        -2 held, nobody waiting
 *   -6 held, one waiter            -7 free, one waiter, one woken
 *
 * It is also the futex word.  Entering is one atomic bit-test-and-reset of
 * bit 0 (lock btr); leaving is one atomic add of 1, which sets bit 0 without
 * a carry.  Only a leave that finds waiters, none of them already woken,
 * wakes one, and clears bit 1 to say so; the woken thread sets bit 1 again
 * when it runs, so that the next leave wakes the next waiter.  A thread
 * that returns from the futex for any reason also sets bit 1: at worst a
 * later leave wakes one thread too many, which is harmless, whereas a bit
 * left clear with nobody awake to reset it would strand the waiters.
 * Acquisition is not FIFO: a running thread may take the lock ahead of a
 * woken one (as on Windows, which avoids lock convoys this way).
 *
 * OwningThread (the owner's thread id, as Windows stores it) and
 * RecursionCount are written only by the owner.  Other threads read
 * OwningThread only to compare it with their own id, which they can see
 * there only if they wrote it themselves; the accesses are relaxed atomics.
 * Only a thread's own leave clears its id, so a thread never mistakes a
 * stale value for ownership.
 */
#include <unistd.h>

#include "core/error.h"
#include "core/self.h"
#include "user/usersync.h"

#define CS_FREE_BIT 1
#define CS_NOT_WOKEN_BIT 2
#define CS_WAITER 4 /* one waiter, subtracted from LockCount */
#define CS_IDLE (-1) /* free, nobody waiting, nobody woken */
#define CS_HELD (-2) /* held, nobody waiting, nobody woken */

/* SpinCount's high byte holds flags on Windows; the low 24 bits spin. */
#define CS_SPIN_MASK 0x00FFFFFFu
/* What InitializeCriticalSection stores on Windows 7 and later: dynamic
 * spinning, starting at 2000 rounds. */
#define CS_DEFAULT_SPIN (RTL_CRITICAL_SECTION_FLAG_DYNAMIC_SPIN | 2000u)
#define CS_NO_DEBUG_INFO ((PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1)
#define CS_VALID_FLAGS                                                     \
    (RTL_CRITICAL_SECTION_FLAG_NO_DEBUG_INFO |                             \
     RTL_CRITICAL_SECTION_FLAG_DYNAMIC_SPIN |                              \
     RTL_CRITICAL_SECTION_FLAG_STATIC_INIT |                               \
     RTL_CRITICAL_SECTION_FLAG_RESOURCE_TYPE |                             \
     RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO)

static inline USYNC_ANY_ALIGN _Atomic uint32_t *cs_word(CRITICAL_SECTION *cs)
{
    return (_Atomic uint32_t *)&cs->LockCount;
}

static inline uint32_t cs_waiters(uint32_t lc)
{
    return ~(uint32_t)((int32_t)lc >> 2);
}

static inline USYNC_ANY_ALIGN HANDLE cs_owner(CRITICAL_SECTION *cs)
{
    return __atomic_load_n(&cs->OwningThread, __ATOMIC_RELAXED);
}

static inline HANDLE tid_handle(uint32_t tid)
{
    return (HANDLE)(ULONG_PTR)tid;
}

/* One bit-test-and-reset: true if bit 0 was set, i.e. the lock was free
 * and is now ours. */
static inline bool cs_try_take(CRITICAL_SECTION *cs)
{
    return atomic_fetch_and_explicit(cs_word(cs), ~(uint32_t)CS_FREE_BIT,
                                     memory_order_acquire) & CS_FREE_BIT;
}

static inline USYNC_ANY_ALIGN void cs_set_owner(CRITICAL_SECTION *cs, uint32_t tid)
{
    __atomic_store_n(&cs->OwningThread, tid_handle(tid), __ATOMIC_RELAXED);
    cs->RecursionCount = 1;
}

/* The spin count is ignored on a single CPU (documented for
 * InitializeCriticalSectionAndSpinCount and SetCriticalSectionSpinCount). */
static ULONG_PTR cs_effective_spin(ULONG_PTR spin)
{
    static _Atomic long ncpu;
    long n = atomic_load_explicit(&ncpu, memory_order_relaxed);
    if (!n) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
        atomic_store_explicit(&ncpu, n, memory_order_relaxed);
    }
    return n > 1 ? spin : 0;
}

static USYNC_ANY_ALIGN void cs_note_contention(CRITICAL_SECTION *cs)
{
    PRTL_CRITICAL_SECTION_DEBUG d = cs->DebugInfo;
    if (d && d != CS_NO_DEBUG_INFO)
        __atomic_fetch_add(&d->ContentionCount, 1, __ATOMIC_RELAXED);
}

/* Contended enter: spin, then sleep as a counted waiter. */
static USYNC_ANY_ALIGN void cs_enter_slow(CRITICAL_SECTION *cs)
{
    _Atomic uint32_t *w = cs_word(cs);
    ULONG_PTR spin = __atomic_load_n(&cs->SpinCount, __ATOMIC_RELAXED);
    for (ULONG_PTR n = spin & CS_SPIN_MASK; n; n--) {
        cpu_relax();
        if ((atomic_load_explicit(w, memory_order_relaxed) & CS_FREE_BIT) &&
            cs_try_take(cs))
            return;
    }
    cs_note_contention(cs);

    bool counted = false;
    uint32_t cur = atomic_load_explicit(w, memory_order_relaxed);
    for (;;) {
        uint32_t next;
        if (cur & CS_FREE_BIT) {
            /* Take it; a counted waiter also leaves the count and marks
             * that no woken thread is pending any more. */
            next = cur & ~(uint32_t)CS_FREE_BIT;
            if (counted)
                next = (next + CS_WAITER) | CS_NOT_WOKEN_BIT;
            if (atomic_compare_exchange_weak_explicit(w, &cur, next,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue;
        }
        next = counted ? cur | CS_NOT_WOKEN_BIT : cur - CS_WAITER;
        if (next != cur &&
            !atomic_compare_exchange_weak_explicit(w, &cur, next,
                                                   memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        counted = true;
        usync_wait(w, next, NULL);
        cur = atomic_load_explicit(w, memory_order_relaxed);
    }
}

/* After a leave that found waiters: wake one, unless the lock has been
 * taken again (its next leave will) or a woken thread is still pending. */
static void cs_wake_one(CRITICAL_SECTION *cs)
{
    _Atomic uint32_t *w = cs_word(cs);
    uint32_t cur = atomic_load_explicit(w, memory_order_relaxed);
    while ((cur & CS_FREE_BIT) && (cur & CS_NOT_WOKEN_BIT) && cs_waiters(cur)) {
        if (atomic_compare_exchange_weak_explicit(w, &cur, cur & ~(uint32_t)CS_NOT_WOKEN_BIT,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed)) {
            usync_wake(w, 1);
            return;
        }
    }
}

static USYNC_ANY_ALIGN DWORD cs_init(CRITICAL_SECTION *cs, ULONG_PTR spin, DWORD flags)
{
    if (!cs)
        return ERROR_NOACCESS;
    if (flags & ~(DWORD)CS_VALID_FLAGS)
        return ERROR_INVALID_PARAMETER;
    cs->DebugInfo = CS_NO_DEBUG_INFO;
    if (flags & RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO) {
        PRTL_CRITICAL_SECTION_DEBUG d = calloc(1, sizeof *d);
        if (!d)
            return ERROR_NOT_ENOUGH_MEMORY;
        d->Type = RTL_CRITSECT_TYPE;
        d->CriticalSection = cs;
        d->ProcessLocksList.Flink = d->ProcessLocksList.Blink = &d->ProcessLocksList;
        cs->DebugInfo = d;
    }
    cs->LockCount = CS_IDLE;
    cs->RecursionCount = 0;
    cs->OwningThread = NULL;
    cs->LockSemaphore = NULL;
    cs->SpinCount = cs_effective_spin(spin);
    return ERROR_SUCCESS;
}

WS_EXPORT VOID WINAPI InitializeCriticalSection(LPCRITICAL_SECTION cs)
{
    cs_init(cs, CS_DEFAULT_SPIN, 0);
}

/* The high bit of dwSpinCount preallocated an event before Vista; like
 * Windows since, we ignore it, and the call cannot fail. */
WS_EXPORT BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION cs,
                                                            DWORD spin)
{
    return ws_bool(cs_init(cs, spin & 0x7FFFFFFFu, 0));
}

WS_EXPORT BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION cs, DWORD spin,
                                                  DWORD flags)
{
    return ws_bool(cs_init(cs, spin & 0x7FFFFFFFu, flags));
}

WS_EXPORT USYNC_ANY_ALIGN DWORD WINAPI SetCriticalSectionSpinCount(LPCRITICAL_SECTION cs,
                                                               DWORD spin)
{
    if (!cs)
        return 0;
    ULONG_PTR old = __atomic_exchange_n(&cs->SpinCount, cs_effective_spin(spin),
                                        __ATOMIC_RELAXED);
    return (DWORD)old;
}

WS_EXPORT USYNC_ANY_ALIGN VOID WINAPI EnterCriticalSection(LPCRITICAL_SECTION cs)
{
    if (WS_UNLIKELY(!cs))
        return;
    uint32_t me = thread_tid();
    if (cs_owner(cs) == tid_handle(me)) {
        cs->RecursionCount++;
        return;
    }
    if (WS_UNLIKELY(!cs_try_take(cs)))
        cs_enter_slow(cs);
    cs_set_owner(cs, me);
}

WS_EXPORT USYNC_ANY_ALIGN BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION cs)
{
    if (WS_UNLIKELY(!cs))
        return FALSE;
    uint32_t me = thread_tid();
    if (cs_owner(cs) == tid_handle(me)) {
        cs->RecursionCount++;
        return TRUE;
    }
    if (!cs_try_take(cs))
        return FALSE;
    cs_set_owner(cs, me);
    return TRUE;
}

/* As on Windows, the owner is not checked: another thread may release a
 * section it did not enter.  Leaving a section nobody holds does nothing
 * (Windows corrupts it); see docs/COMPATIBILITY.md, check_critsec.c
 * test_leave_unowned. */
WS_EXPORT USYNC_ANY_ALIGN VOID WINAPI LeaveCriticalSection(LPCRITICAL_SECTION cs)
{
    if (WS_UNLIKELY(!cs) || cs->RecursionCount <= 0)
        return;
    if (--cs->RecursionCount)
        return;
    __atomic_store_n(&cs->OwningThread, NULL, __ATOMIC_RELAXED);
    uint32_t old = atomic_fetch_add_explicit(cs_word(cs), CS_FREE_BIT,
                                             memory_order_release);
    if (WS_UNLIKELY(old != (uint32_t)CS_HELD))
        cs_wake_one(cs);
}

WS_EXPORT USYNC_ANY_ALIGN VOID WINAPI DeleteCriticalSection(LPCRITICAL_SECTION cs)
{
    if (!cs)
        return;
    if (cs->DebugInfo != CS_NO_DEBUG_INFO)
        free(cs->DebugInfo);
    cs->DebugInfo = NULL;
    cs->LockCount = CS_IDLE;
    cs->RecursionCount = 0;
    cs->OwningThread = NULL;
    cs->LockSemaphore = NULL;
    cs->SpinCount = 0;
}
