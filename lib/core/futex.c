/*
 * Futex wrappers, monotonic deadlines and the word lock.
 *
 * Objects in an arena that another process maps must use shared futexes;
 * a private arena uses FUTEX_PRIVATE_FLAG (cheaper hashing in the kernel).
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/futex.h"
#include "core/shm.h"

int futex_wait(_Atomic uint32_t *addr, uint32_t expected,
               const struct timespec *deadline, bool shared)
{
    return futex_wait_bits(addr, expected, deadline, shared, FUTEX_BITSET_MATCH_ANY);
}

int futex_wake(_Atomic uint32_t *addr, int count, bool shared)
{
    int op = FUTEX_WAKE | (shared ? 0 : FUTEX_PRIVATE_FLAG);
    long r = syscall(SYS_futex, (uint32_t *)addr, op, count, NULL, NULL, 0);
    if (r < 0)
        ws_panic("futex wake", errno);
    return (int)r;
}

int futex_wait_bits(_Atomic uint32_t *addr, uint32_t expected,
                    const struct timespec *deadline, bool shared, uint32_t bits)
{
    int op = FUTEX_WAIT_BITSET | (shared ? 0 : FUTEX_PRIVATE_FLAG);
    long r = syscall(SYS_futex, (uint32_t *)addr, op, expected, deadline, NULL, bits);
    if (r == 0)
        return 0;
    switch (errno) {
    case ETIMEDOUT:
    case EAGAIN:
    case EINTR:
        return errno;
    default:
        ws_panic("futex wait", errno);
    }
}

int futex_wake_bits(_Atomic uint32_t *addr, int count, bool shared, uint32_t bits)
{
    int op = FUTEX_WAKE_BITSET | (shared ? 0 : FUTEX_PRIVATE_FLAG);
    long r = syscall(SYS_futex, (uint32_t *)addr, op, count, NULL, NULL, bits);
    if (r < 0)
        ws_panic("futex wake", errno);
    return (int)r;
}

void deadline_from_ms(struct timespec *ts, DWORD ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_nsec -= 1000000000L;
        ts->tv_sec++;
    }
}

bool deadline_passed(const struct timespec *ts)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > ts->tv_sec ||
           (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/* A lock holder that does not let go within this long may be dead: check. */
#define LOCK_PATIENCE_MS 200

/* The last holder this thread found dead.  A process killed while it held
 * many locks (the name table's grower holds all 257 of the table) would
 * otherwise cost a patience a lock, 51 s for the table, and meanwhile its
 * reaper stalls as long; a lock held by the same dead tag is broken
 * without waiting, once shm_tag_dead confirms it (cheap for a reaped
 * holder: its slot's generation or state says it). */
static _Thread_local uint32_t dead_tag_hint;

/* Drepper's "mutex 3", with the holder's process tag in the word:
 * 0 free, else tag << 2 | WL_LOCKED, plus WL_SLEEPERS when someone may
 * sleep.  A waiter whose patience runs out and finds the holder's process
 * dead breaks the lock with a compare-and-swap of the very word it saw, so
 * a live holder is never robbed; what the lock guards is kept consistent
 * at every store (single-store publication), so breaking it is safe. */
void wordlock_lock(struct wordlock *l)
{
    const uint32_t mine = (shm_self_tag() << 2) | WL_LOCKED;
    uint32_t c = 0;
    if (atomic_compare_exchange_strong_explicit(&l->word, &c, mine,
                                                memory_order_acquire,
                                                memory_order_relaxed))
        return;
    for (int spin = 0; spin < 100; spin++) {
        cpu_relax();
        c = 0;
        if (atomic_load_explicit(&l->word, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&l->word, &c, mine,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return;
    }
    for (;;) {
        c = atomic_load_explicit(&l->word, memory_order_relaxed);
        if (c == 0) {
            if (atomic_compare_exchange_weak_explicit(&l->word, &c, mine | WL_SLEEPERS,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue;
        }
        if (!(c & WL_SLEEPERS) &&
            !atomic_compare_exchange_weak_explicit(&l->word, &c, c | WL_SLEEPERS,
                                                   memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        c |= WL_SLEEPERS;
        if (!ws_arena.shared) {
            futex_wait(&l->word, c, NULL, false);
            continue;
        }
        struct timespec dl;
        deadline_from_ms(&dl, LOCK_PATIENCE_MS);
        uint32_t tag = c >> 2;
        bool dead;
        if (tag == dead_tag_hint) {
            dead = shm_tag_dead(tag);
            if (!dead)
                dead_tag_hint = 0; /* its slot lives again: wait as usual */
        } else {
            dead = futex_wait(&l->word, c, &dl, true) == ETIMEDOUT && shm_tag_dead(tag);
        }
        if (dead) {
            dead_tag_hint = tag;
            if (atomic_compare_exchange_strong_explicit(&l->word, &c, 0,
                                                        memory_order_acq_rel,
                                                        memory_order_relaxed))
                futex_wake(&l->word, INT32_MAX, true);
        }
    }
}

void wordlock_unlock(struct wordlock *l)
{
    if (atomic_exchange_explicit(&l->word, 0, memory_order_release) & WL_SLEEPERS)
        futex_wake(&l->word, 1, ws_arena.shared);
}
