/*
 * The SIGBUS guard: mappings of files that other users may write (granted
 * cells and the views of granted sections: cell.c, io/mapping.c) survive
 * the file being truncated under them.
 *
 * A user granted write access to a granted object's file may ftruncate it
 * (write permission allows it, and Linux has no way to forbid it for a
 * file that several users share and map), and every process with the file
 * mapped would then get SIGBUS at its next touch of a page past the new
 * end.  On Windows a grantee cannot make the owner crash.  So every such
 * mapping is listed here, and a SIGBUS handler, installed with the first,
 * replaces the pages of a listed range, from the faulting page to the
 * range's end, by anonymous zero pages (MAP_FIXED) and returns: the access
 * is retried and succeeds.  The object is then broken for this process
 * (its state no longer shared: waits on it time out as given, nothing
 * signals it), which is no more than a user allowed to write the file
 * could already do to it; nobody crashes or blocks for ever.  Any other
 * SIGBUS goes to the handler that was there before, or gets the default
 * action again (the process ends as it would have).
 *
 * Invariants: the list is a fixed array that the handler reads without a
 * lock.  Writers (under `lock`) publish an entry's length before its start
 * and clear the start first; the handler reads the start, then the length,
 * with acquire loads.  `used` only grows.  An entry is removed before its
 * range is unmapped, so the handler never maps over a range someone else
 * may have mapped since.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/busguard.h"

#define GUARD_MAX 16384

static struct guard {
    _Atomic uintptr_t start; /* 0: free */
    _Atomic size_t len;
} guards[GUARD_MAX];
static _Atomic uint32_t used; /* entries [0, used) may be in use */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous;
static bool installed;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    uintptr_t a = (uintptr_t)si->si_addr;
    uint32_t n = atomic_load_explicit(&used, memory_order_acquire);
    for (uint32_t i = 0; i < n; i++) {
        uintptr_t s = atomic_load_explicit(&guards[i].start, memory_order_acquire);
        size_t l = atomic_load_explicit(&guards[i].len, memory_order_acquire);
        if (!s || a - s >= l)
            continue;
        uintptr_t page = a & ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
        void *p = mmap((void *)page, s + l - page, PROT_READ | PROT_WRITE,
                       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED)
            return; /* the access is retried on zero pages */
        break;
    }
    /* Not ours: whoever had SIGBUS before. */
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction) {
            previous.sa_sigaction(sig, si, uc);
            return;
        }
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
        return;
    }
    /* The default action: it runs when the access faults again, or, for
     * a SIGBUS sent rather than raised by a fault, at once. */
    sigaction(SIGBUS, &previous, NULL);
    if (si->si_code <= 0)
        raise(sig);
}

bool busguard_add(void *start, size_t len)
{
    bool ok = false;
    pthread_mutex_lock(&lock);
    if (!installed) {
        struct sigaction sa;
        sa.sa_sigaction = on_sigbus;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        installed = sigaction(SIGBUS, &sa, &previous) == 0;
    }
    uint32_t n = atomic_load_explicit(&used, memory_order_relaxed);
    for (uint32_t i = 0; installed && i <= n && i < GUARD_MAX; i++) {
        if (atomic_load_explicit(&guards[i].start, memory_order_relaxed))
            continue;
        atomic_store_explicit(&guards[i].len, len, memory_order_release);
        atomic_store_explicit(&guards[i].start, (uintptr_t)start, memory_order_release);
        if (i == n)
            atomic_store_explicit(&used, n + 1, memory_order_release);
        ok = true;
        break;
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

void busguard_remove(void *start)
{
    pthread_mutex_lock(&lock);
    uint32_t n = atomic_load_explicit(&used, memory_order_relaxed);
    for (uint32_t i = 0; i < n; i++)
        if (atomic_load_explicit(&guards[i].start, memory_order_relaxed) == (uintptr_t)start) {
            atomic_store_explicit(&guards[i].start, 0, memory_order_release);
            break;
        }
    pthread_mutex_unlock(&lock);
}
