/*
 * Slim reader/writer locks: a writer-preferring futex rwlock in the low
 * half of the caller's pointer-sized SRWLOCK (the high half stays zero, so
 * the whole pointer is NULL whenever the lock is free, as on Windows).
 *
 * The state word:
 *
 *   bits 0-29   number of shared holders, or SRW_WRITER (all 30 bits set)
 *               while held exclusively
 *   bit 30      SRW_READERS_WAITING: readers sleep on the word
 *   bit 31      SRW_WRITERS_WAITING: writers sleep on the word
 *
 * It is the futex word for both kinds of waiter, told apart by the futex
 * bit mask (SRW_WAKE_READERS, SRW_WAKE_WRITER), so a release can wake one
 * writer without waking readers.  A sleeper passes the exact state it saw;
 * every release changes the state before waking, so a waiter that has not
 * reached the kernel yet returns at once instead of missing the wake-up.
 *
 * Zero is free (SRWLOCK_INIT).  Uncontended acquire and release are one
 * compare-and-swap or one atomic add each, with no system call.
 *
 * Writers go first: a reader does not join shared holders while a writer
 * waits, so a stream of readers cannot starve writers (and, as on
 * Windows, a thread that takes a shared lock twice may deadlock behind a
 * waiting writer).  On release with both kinds waiting, a writer is woken
 * and the readers keep waiting; if no writer was actually asleep (it was
 * about to sleep and will see the state change), the readers are woken
 * instead.
 *
 * The release that wakes a writer clears SRW_WRITERS_WAITING, and the woken
 * writer cannot know whether other writers still sleep, so it sets the bit
 * again when it takes the lock; at worst its release makes one wake call
 * that finds nobody.
 */
#include "core/futex.h"
#include "user/usersync.h"

#define SRW_MASK 0x3FFFFFFFu
#define SRW_WRITER SRW_MASK
#define SRW_MAX_READERS (SRW_MASK - 1)
#define SRW_READERS_WAITING 0x40000000u
#define SRW_WRITERS_WAITING 0x80000000u
#define SRW_SPIN 100
#define SRW_WAKE_READERS 1u /* futex bit masks */
#define SRW_WAKE_WRITER 2u

static inline _Atomic uint32_t *srw_state(SRWLOCK *l)
{
    return &ptr_words(l)[0];
}

static inline bool srw_unlocked(uint32_t s)
{
    return (s & SRW_MASK) == 0;
}

static inline bool srw_write_locked(uint32_t s)
{
    return (s & SRW_MASK) == SRW_WRITER;
}

/* A reader may join: not held exclusively, room for one more, nobody
 * waiting (waiting writers go first; waiting readers wait for them). */
static inline bool srw_readable(uint32_t s)
{
    return (s & SRW_MASK) < SRW_MAX_READERS &&
           !(s & (SRW_READERS_WAITING | SRW_WRITERS_WAITING));
}

/* Spins while the lock is held and nobody sleeps, then returns the state. */
static uint32_t srw_spin(SRWLOCK *l)
{
    uint32_t s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    for (int i = 0; i < SRW_SPIN; i++) {
        if (srw_unlocked(s) || (s & (SRW_READERS_WAITING | SRW_WRITERS_WAITING)))
            break;
        cpu_relax();
        s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    }
    return s;
}

static bool srw_try_shared(SRWLOCK *l, uint32_t *s)
{
    while (srw_readable(*s))
        if (atomic_compare_exchange_weak_explicit(srw_state(l), s, *s + 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return true;
    return false;
}

static bool srw_try_exclusive(SRWLOCK *l, uint32_t *s, uint32_t keep)
{
    while (srw_unlocked(*s))
        if (atomic_compare_exchange_weak_explicit(srw_state(l), s,
                                                  *s | SRW_WRITER | keep,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return true;
    return false;
}

/* Wakes one writer; false if none was asleep. */
static bool srw_wake_writer(SRWLOCK *l)
{
    return usync_wake_bits(srw_state(l), 1, SRW_WAKE_WRITER) > 0;
}

/* Called by a release that left the lock free with waiters (s). */
static void srw_wake(SRWLOCK *l, uint32_t s)
{
    _Atomic uint32_t *st = srw_state(l);
    if (s == SRW_WRITERS_WAITING) {
        if (atomic_compare_exchange_strong_explicit(st, &s, 0, memory_order_relaxed,
                                                    memory_order_relaxed)) {
            srw_wake_writer(l);
            return;
        }
    }
    if (s == (SRW_READERS_WAITING | SRW_WRITERS_WAITING)) {
        if (!atomic_compare_exchange_strong_explicit(st, &s, SRW_READERS_WAITING,
                                                     memory_order_relaxed,
                                                     memory_order_relaxed))
            return; /* taken again: its release wakes */
        if (srw_wake_writer(l))
            return;
        s = SRW_READERS_WAITING;
    }
    if (s == SRW_READERS_WAITING &&
        atomic_compare_exchange_strong_explicit(st, &s, 0, memory_order_relaxed,
                                                memory_order_relaxed))
        usync_wake_bits(st, INT32_MAX, SRW_WAKE_READERS);
}

static void srw_shared_slow(SRWLOCK *l)
{
    uint32_t s = srw_spin(l);
    for (;;) {
        if (srw_try_shared(l, &s))
            return;
        if ((s & SRW_MASK) == SRW_MAX_READERS) {
            /* 2^30 readers: wait for one to leave. */
            cpu_relax();
            s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
            continue;
        }
        if (!(s & SRW_READERS_WAITING) &&
            !atomic_compare_exchange_weak_explicit(srw_state(l), &s,
                                                   s | SRW_READERS_WAITING,
                                                   memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        usync_wait_bits(srw_state(l), s | SRW_READERS_WAITING, NULL, SRW_WAKE_READERS);
        s = srw_spin(l);
    }
}

static void srw_exclusive_slow(SRWLOCK *l)
{
    uint32_t keep = 0; /* SRW_WRITERS_WAITING once we have slept */
    uint32_t s = srw_spin(l);
    for (;;) {
        if (srw_try_exclusive(l, &s, keep))
            return;
        if (!(s & SRW_WRITERS_WAITING) &&
            !atomic_compare_exchange_weak_explicit(srw_state(l), &s,
                                                   s | SRW_WRITERS_WAITING,
                                                   memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        keep = SRW_WRITERS_WAITING;
        usync_wait_bits(srw_state(l), s | SRW_WRITERS_WAITING, NULL, SRW_WAKE_WRITER);
        s = srw_spin(l);
    }
}

WS_EXPORT USYNC_ANY_ALIGN VOID WINAPI InitializeSRWLock(PSRWLOCK l)
{
    if (l)
        l->Ptr = NULL;
}

WS_EXPORT VOID WINAPI AcquireSRWLockShared(PSRWLOCK l)
{
    if (WS_UNLIKELY(!l))
        return;
    uint32_t s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    if (WS_UNLIKELY(!srw_readable(s) ||
                    !atomic_compare_exchange_weak_explicit(srw_state(l), &s, s + 1,
                                                           memory_order_acquire,
                                                           memory_order_relaxed)))
        srw_shared_slow(l);
}

WS_EXPORT VOID WINAPI AcquireSRWLockExclusive(PSRWLOCK l)
{
    if (WS_UNLIKELY(!l))
        return;
    uint32_t s = 0;
    if (WS_UNLIKELY(!atomic_compare_exchange_strong_explicit(srw_state(l), &s, SRW_WRITER,
                                                             memory_order_acquire,
                                                             memory_order_relaxed)))
        srw_exclusive_slow(l);
}

WS_EXPORT BOOLEAN WINAPI TryAcquireSRWLockShared(PSRWLOCK l)
{
    if (!l)
        return FALSE;
    uint32_t s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    return srw_try_shared(l, &s);
}

WS_EXPORT BOOLEAN WINAPI TryAcquireSRWLockExclusive(PSRWLOCK l)
{
    if (!l)
        return FALSE;
    uint32_t s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    return srw_try_exclusive(l, &s, 0);
}

/* Releasing a lock that is not held in that mode does nothing (Windows
 * raises STATUS_RESOURCE_NOT_OWNED); check_srwlock.c test_release_unheld. */
WS_EXPORT VOID WINAPI ReleaseSRWLockShared(PSRWLOCK l)
{
    if (WS_UNLIKELY(!l))
        return;
    uint32_t s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    if (WS_UNLIKELY(srw_unlocked(s) || srw_write_locked(s)))
        return;
    s = atomic_fetch_sub_explicit(srw_state(l), 1, memory_order_release) - 1;
    if (WS_UNLIKELY(srw_unlocked(s) && (s & SRW_WRITERS_WAITING)))
        srw_wake(l, s);
}

WS_EXPORT VOID WINAPI ReleaseSRWLockExclusive(PSRWLOCK l)
{
    if (WS_UNLIKELY(!l))
        return;
    uint32_t s = atomic_load_explicit(srw_state(l), memory_order_relaxed);
    if (WS_UNLIKELY(!srw_write_locked(s)))
        return;
    s = atomic_fetch_sub_explicit(srw_state(l), SRW_WRITER, memory_order_release) -
        SRW_WRITER;
    if (WS_UNLIKELY(s & (SRW_READERS_WAITING | SRW_WRITERS_WAITING)))
        srw_wake(l, s);
}
