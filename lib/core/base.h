/*
 * What every file of lib/ starts from: the Windows types (our own
 * <windows.h>), the export and branch-hint macros, liburcu's read side
 * with the ThreadSanitizer edges it needs, and ws_panic.  Private to lib/:
 * never installed, never included by users.
 *
 * Each subsystem has its own header beside its files (core/object.h,
 * io/file.h, ...), declaring only what other subsystems may use; which
 * layer may include which is in docs/ARCHITECTURE.md, "The layers", and
 * test/layers.sh keeps it so.  Errors: internal functions return a Win32
 * error code (0 = success); only exported functions set the last error,
 * through ws_bool()/ws_null()/ws_handle() (core/error.h).
 */
#ifndef WINSHIM_CORE_BASE_H
#define WINSHIM_CORE_BASE_H

#define _LGPL_SOURCE 1 /* MIT is LGPL-compatible: inline rcu_read_lock */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <urcu-bp.h>

#include "windows.h"

#define WS_EXPORT __attribute__((visibility("default")))
#define WS_LIKELY(x) __builtin_expect(!!(x), 1)
#define WS_UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

/* RCU read-side sections and grace periods.  ThreadSanitizer cannot see
 * liburcu's ordering, so its builds get explicit happens-before edges from
 * every read-side unlock to the end of every grace period. */
#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char ws_tsan_rcu_token;
#define ws_rcu_lock() rcu_read_lock()
#define ws_rcu_unlock() (__tsan_release(&ws_tsan_rcu_token), rcu_read_unlock())
#define ws_rcu_synchronize() (synchronize_rcu(), __tsan_acquire(&ws_tsan_rcu_token))
/* Nor can it see ordering that passes through another process (this
 * thread publishes an object, another process takes it over and dies, our
 * reaper thread cleans up after it).  Points where this process hands
 * arena data to others release a token, points where it takes over what
 * others may have touched acquire it: a conservative stand-in for the
 * cross-process edges. */
extern char ws_tsan_xproc_token;
#define ws_tsan_xproc_release() __tsan_release(&ws_tsan_xproc_token)
#define ws_tsan_xproc_acquire() __tsan_acquire(&ws_tsan_xproc_token)
#else
#define ws_tsan_xproc_release() ((void)0)
#define ws_tsan_xproc_acquire() ((void)0)
#define ws_rcu_lock() rcu_read_lock()
#define ws_rcu_unlock() rcu_read_unlock()
#define ws_rcu_synchronize() synchronize_rcu()
#endif
/* Whether this thread is inside a read-side section (a query: no edge). */
#define ws_rcu_ongoing() rcu_read_ongoing()

/* Abort on a failure that cannot happen (a futex or pthread call that only
 * fails on a programming error). */
_Noreturn void ws_panic(const char *what, int err);


#endif
