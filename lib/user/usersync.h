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

/* Waits on a private futex word until woken, the value differs or the
 * deadline (NULL: none) passes.  Returns ETIMEDOUT only for a timeout. */
static inline int usync_wait(_Atomic uint32_t *w, uint32_t expected,
                             const struct timespec *deadline)
{
    return futex_wait(w, expected, deadline, false);
}

static inline int usync_wake(_Atomic uint32_t *w, int count)
{
    return futex_wake(w, count, false);
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
