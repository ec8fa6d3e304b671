/*
 * WaitOnAddress, WakeByAddressSingle, WakeByAddressAll.
 *
 * The address may hold 1, 2, 4 or 8 bytes at any alignment, so nobody
 * sleeps on it directly.  Each waiter puts a record on its own stack into
 * one of ADDR_BUCKETS lists, chosen by hashing the address, and sleeps on
 * the record's private futex word.  A bucket's list changes only under the
 * bucket's word lock.
 *
 *   wait:  lock; compare the value; if it is still the same, queue; unlock;
 *          sleep until the record is marked woken or the deadline passes.
 *   wake:  lock; for the first (Single) or every (All) record of that
 *          address: unlink it, mark it woken, wake its futex; unlock.
 *
 * Comparing under the lock closes the race with a waker: a thread that
 * changes the value and then wakes either takes the lock before the waiter
 * (which then sees the new value and does not sleep) or finds the waiter
 * queued.  Wakes are exact: WakeByAddressSingle wakes one waiter of that
 * address, never a waiter of another address that shares the bucket.
 *
 * A woken record may return, and its stack frame be reused, as soon as it
 * sees the woken mark, possibly before the waker's futex wake is made.  A
 * FUTEX_WAKE on a private futex does not touch the memory, so the late
 * wake at worst wakes nothing.  A waiter that times out takes the lock and
 * unlinks itself, unless a waker has already done so, in which case the
 * wait succeeds.
 *
 * The same table parks the threads of the other user-mode primitives
 * whose futex word is not 4-byte aligned (a lock in a packed struct, legal
 * on Windows; the kernel refuses such a futex): usync_wait_bits and
 * usync_wake_bits, with a futex-like bit mask and count (usersync.h).
 */
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "user/usersync.h"

#define ADDR_BUCKETS 256

struct addr_waiter {
    struct addr_waiter *next, *prev;
    const volatile void *addr;
    uint32_t bits;          /* woken only by a wake sharing a bit */
    _Atomic uint32_t woken; /* futex word: 0 waiting, 1 woken */
};

struct addr_bucket {
    struct wordlock lock;
    struct addr_waiter *head, *tail;
} __attribute__((aligned(64)));

static struct addr_bucket buckets[ADDR_BUCKETS];

static struct addr_bucket *bucket_of(const volatile void *addr)
{
    uint64_t h = (uintptr_t)addr * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return &buckets[h >> 56];
}

static void bucket_unlink(struct addr_bucket *b, struct addr_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        b->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        b->tail = w->prev;
}

/* Loads `size` bytes at addr; an aligned load is a single atomic one. */
static uint64_t addr_load(const volatile void *addr, SIZE_T size)
{
    /* Unaligned: x86 loads atomically at any alignment, as the unaligned
     * lock operations that write these bytes rely on (user/usersync.h), so
     * the same atomic load reads them; elsewhere a byte copy. */
#if defined(__x86_64__) || defined(__i386__)
    const bool atomic_here = true;
#else
    const bool atomic_here = ((uintptr_t)addr & (size - 1)) == 0;
#endif
    if (atomic_here) {
        switch (size) {
        case 1: return __atomic_load_n((const volatile uint8_t *)addr, __ATOMIC_RELAXED);
        case 2: return __atomic_load_n((const volatile uint16_t *)addr, __ATOMIC_RELAXED);
        case 4: return __atomic_load_n((const volatile uint32_t *)addr, __ATOMIC_RELAXED);
        default: return __atomic_load_n((const volatile uint64_t *)addr, __ATOMIC_RELAXED);
        }
    }
    uint64_t v = 0;
    memcpy(&v, (const void *)addr, size);
    return v;
}

/* Sleeps while the `size` bytes at addr hold `want` (compared under the
 * bucket's lock), until a wake sharing a bit with `bits` or the deadline
 * (NULL: none; one passed already: no sleep).  0 when woken or the value
 * differed, ETIMEDOUT. */
static int addr_park(const volatile void *addr, SIZE_T size, uint64_t want,
                     const struct timespec *deadline, uint32_t bits)
{
    struct addr_bucket *b = bucket_of(addr);
    struct addr_waiter w = {.addr = addr, .bits = bits};

    wordlock_lock(&b->lock);
    if (addr_load(addr, size) != want) {
        wordlock_unlock(&b->lock);
        return 0;
    }
    if (deadline && deadline_passed(deadline)) {
        wordlock_unlock(&b->lock);
        return ETIMEDOUT;
    }
    w.prev = b->tail;
    if (b->tail)
        b->tail->next = &w;
    else
        b->head = &w;
    b->tail = &w;
    wordlock_unlock(&b->lock);

    while (!atomic_load_explicit(&w.woken, memory_order_acquire)) {
        if (futex_wait(&w.woken, 0, deadline, false) != ETIMEDOUT)
            continue;
        wordlock_lock(&b->lock);
        bool woken = atomic_load_explicit(&w.woken, memory_order_relaxed);
        if (!woken)
            bucket_unlink(b, &w);
        wordlock_unlock(&b->lock);
        return woken ? 0 : ETIMEDOUT;
    }
    return 0;
}

/* Wakes up to `count` waiters of addr whose bits share one with `bits`;
 * returns how many. */
static int addr_unpark(const volatile void *addr, int count, uint32_t bits)
{
    struct addr_bucket *b = bucket_of(addr);
    int n = 0;
    wordlock_lock(&b->lock);
    struct addr_waiter *w = b->head;
    while (w && n < count) {
        struct addr_waiter *next = w->next;
        if (w->addr == addr && (w->bits & bits)) {
            bucket_unlink(b, w);
            /* After this store w may be gone: use only its address. */
            atomic_store_explicit(&w->woken, 1, memory_order_release);
            futex_wake(&w->woken, 1, false);
            n++;
        }
        w = next;
    }
    wordlock_unlock(&b->lock);
    return n;
}

static bool usync_aligned(const volatile void *w)
{
    return ((uintptr_t)w & 3) == 0;
}

int usync_wait_bits(_Atomic uint32_t *w, uint32_t expected,
                    const struct timespec *deadline, uint32_t bits)
{
    if (WS_UNLIKELY(!usync_aligned(w)))
        return addr_park(w, sizeof *w, expected, deadline, bits);
    return futex_wait_bits(w, expected, deadline, false, bits);
}

int usync_wake_bits(_Atomic uint32_t *w, int count, uint32_t bits)
{
    if (WS_UNLIKELY(!usync_aligned(w)))
        return addr_unpark(w, count, bits);
    return futex_wake_bits(w, count, false, bits);
}

static DWORD addr_wait(const volatile void *addr, const void *cmp, SIZE_T size,
                       DWORD ms)
{
    uint64_t want = 0;
    memcpy(&want, cmp, size);
    struct timespec ts;
    if (ms == 0) /* compared all the same: ERROR_SUCCESS when it differs */
        deadline_from_ms(&ts, 0);
    const struct timespec *deadline = ms == 0 ? &ts : usync_deadline(&ts, ms);
    return addr_park(addr, size, want, deadline, USYNC_ANY) == ETIMEDOUT ? ERROR_TIMEOUT
                                                                         : ERROR_SUCCESS;
}

static void addr_wake(const volatile void *addr, bool all)
{
    addr_unpark(addr, all ? INT32_MAX : 1, USYNC_ANY);
}

/* A NULL Address or CompareAddress gives ERROR_NOACCESS (Windows faults);
 * check_waitaddr.c test_errors. */
WS_EXPORT BOOL WINAPI WaitOnAddress(volatile VOID *addr, PVOID cmp, SIZE_T size,
                                    DWORD ms)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!addr || !cmp)
        return ws_bool(ERROR_NOACCESS);
    return ws_bool(addr_wait(addr, cmp, size, ms));
}

WS_EXPORT VOID WINAPI WakeByAddressSingle(PVOID addr)
{
    addr_wake(addr, false);
}

WS_EXPORT VOID WINAPI WakeByAddressAll(PVOID addr)
{
    addr_wake(addr, true);
}
