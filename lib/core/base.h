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

/* UBSan's alignment check is off in liburcu-bp's inline read side, and
 * nowhere else.  struct urcu_bp_reader is declared 128-byte aligned (one
 * member is aligned to CAA_CACHE_LINE_SIZE), but liburcu-bp 0.13 hands
 * each thread a record carved from an mmap()ed chunk right after the
 * chunk's 32-byte header (a char data[] array), so every record is at 32
 * modulo 128: the TLS pointer itself (URCU_TLS(urcu_bp_reader)) is where
 * it should be, what it points to is liburcu's misaligned record (a
 * probe printed 0x...020 for the first thread's; later upstream sources
 * type the chunk's array as struct urcu_bp_reader readers[], which aligns
 * it).  Each rcu_read_lock()/unlock() then reported "member access within
 * misaligned address ... requires 128 byte alignment" from urcu-bp.h, and
 * a suppressions file costs ~20x on every read section (the runtime is
 * called and matches the file name each time) and does not reach child
 * processes started with their own environment.  These declarations give
 * the header's static inline functions, defined just below, the attribute
 * before their definitions (gcc and clang merge it), so the check is not
 * compiled into them.  The code is correct on x86-64 and arm64 (plain
 * word loads and stores within the record). */
static inline void _urcu_bp_read_lock_update(unsigned long tmp)
    __attribute__((no_sanitize("alignment")));
static inline void _urcu_bp_read_lock(void) __attribute__((no_sanitize("alignment")));
static inline void _urcu_bp_read_unlock(void) __attribute__((no_sanitize("alignment")));
static inline int _urcu_bp_read_ongoing(void) __attribute__((no_sanitize("alignment")));
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
