/*
 * Futexes, the word lock, and monotonic deadlines (futex.c).
 */
#ifndef WINSHIM_CORE_FUTEX_H
#define WINSHIM_CORE_FUTEX_H

#include "core/base.h"

/* deadline: absolute CLOCK_MONOTONIC, NULL = forever.  Returns 0 when
 * woken (or spuriously), ETIMEDOUT, EAGAIN (value differed) or EINTR. */
int futex_wait(_Atomic uint32_t *addr, uint32_t expected,
               const struct timespec *deadline, bool shared);
/* Returns how many threads it woke. */
int futex_wake(_Atomic uint32_t *addr, int count, bool shared);
/* The same with a bit mask: a wake reaches only the waiters whose mask
 * shares a bit with its own, so two kinds of waiter can share a word. */
int futex_wait_bits(_Atomic uint32_t *addr, uint32_t expected,
                    const struct timespec *deadline, bool shared, uint32_t bits);
int futex_wake_bits(_Atomic uint32_t *addr, int count, bool shared, uint32_t bits);

/* Monotonic deadline helpers for millisecond timeouts (INFINITE = none). */
void deadline_from_ms(struct timespec *ts, DWORD ms);
bool deadline_passed(const struct timespec *ts);


#endif
