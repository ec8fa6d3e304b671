/*
 * Helpers shared by the user-mode primitives (critsec.c, srwlock.c,
 * condvar.c, initonce.c, waitaddr.c): they live in the caller's memory,
 * not in the arena, and are private to the process, so their futexes are
 * always private.
 */
#ifndef WINSHIM_USERSYNC_H
#define WINSHIM_USERSYNC_H

#include <errno.h>

#include "core/futex.h"

/* SRWLOCK, CONDITION_VARIABLE and INIT_ONCE are one pointer.  On every
 * little-endian 64-bit target its two halves are 32-bit futex words: [0]
 * is the low half, [1] the high half. */
_Static_assert(sizeof(void *) == 8, "pointer-sized primitives hold two futex words");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "low half first");

static inline _Atomic uint32_t *ptr_words(void *p)
{
    return (_Atomic uint32_t *)p;
}

#define USYNC_ANY 0xffffffffu /* every waiter's bit mask */

/* A primitive need not be aligned: Windows lets one live in a packed
 * struct at any offset.  Its state word is then changed by the same
 * atomic instructions (x86-64 makes locked operations atomic at any
 * alignment), but the kernel refuses a futex that is not 4-byte aligned,
 * so its sleepers park in waitaddr.c's table of waiters keyed by address
 * instead (usync_wait_bits, usync_wake_bits): the value compared under the bucket's lock, exact wakes, the
 * same bit masks.  The aligned case is unchanged (one untaken branch on
 * paths that sleep or wake already). */

/* On a function that reaches into a caller's SRWLOCK, CONDITION_VARIABLE,
 * CRITICAL_SECTION or INIT_ONCE through its struct type (cs->LockCount,
 * l->Ptr): such a primitive may sit at any address (above), so UBSan's
 * alignment check, fatal in the ASan build, must not judge these accesses
 * by the struct's natural alignment.  Only these functions go unchecked;
 * the rest of the file and the build keep the check. */
#define USYNC_ANY_ALIGN __attribute__((no_sanitize("alignment")))

/* Waits on a private futex word until woken (by a wake sharing a bit with
 * `bits`), the value differs or the deadline (NULL: none) passes.  Returns
 * ETIMEDOUT only for a timeout.  Out of line, as the futex call it wraps,
 * so that the fast paths it is inlined beside keep their registers. */
int usync_wait_bits(_Atomic uint32_t *w, uint32_t expected,
                    const struct timespec *deadline, uint32_t bits);

/* Wakes up to `count` waiters whose mask shares a bit with `bits`;
 * returns how many it woke. */
int usync_wake_bits(_Atomic uint32_t *w, int count, uint32_t bits);

static inline int usync_wait(_Atomic uint32_t *w, uint32_t expected,
                             const struct timespec *deadline)
{
    return usync_wait_bits(w, expected, deadline, USYNC_ANY);
}

static inline int usync_wake(_Atomic uint32_t *w, int count)
{
    return usync_wake_bits(w, count, USYNC_ANY);
}

/* An absolute deadline for a millisecond timeout; NULL for INFINITE. */
static inline const struct timespec *usync_deadline(struct timespec *ts, DWORD ms)
{
    if (ms == INFINITE)
        return NULL;
    deadline_from_ms(ts, ms);
    return ts;
}

#endif
