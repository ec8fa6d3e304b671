/*
 * fd holders: which processes keep an fd of a shared object's open file,
 * so that any other process can take its own copy.  Used by file objects
 * (file.c) and file mappings (mapping.c).
 *
 * An fd is per process while the objects are shared, so an object that is
 * backed by an fd records up to FD_HOLDERS holders in the arena: (pid,
 * session tag, fd number) of a process that keeps such an fd open.  A
 * process that needs an fd and is not a holder fetches one from ANY live
 * holder (holders_fetch), so the object works in every process that has a
 * handle and outlives its opener, as on Windows.
 *
 * Entry states: word = (gen << 2) | state, FREE -> BUSY (claimed by CAS;
 * the claimer writes pid, tag, fd) -> HELD (release store) -> FREE (the
 * holder lets go, by CAS on the word it read).  Readers take a seqlock
 * snapshot (the fields between two loads of word) and use it only if word
 * did not change; holders_fetch also checks the word again AFTER it took
 * the copy, so a copy taken from a holder that let go meanwhile (its fd
 * number then points elsewhere) is never used.
 *
 * Invariant: an entry HELD with a live tag names an fd of the object that
 * its process keeps open; a holder always lets go of its entry BEFORE its
 * fd number stops being the object's (close or dup3 of /dev/null).
 *
 * Crashes: a dead holder's fd died with it; whoever meets its entry and
 * finds the tag dead (shm_tag_dead) reclaims it (HELD -> FREE by CAS).  A
 * process that dies between claiming and publishing (a few stores) leaves
 * the entry BUSY, lost to the object.  No lock is taken anywhere here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static uint32_t holder_next(uint32_t w, uint32_t state)
{
    return ((w & ~3u) + 4u) | state;
}

/* A consistent snapshot of entry e: false unless it is HELD. */
static bool holder_read(struct fd_holder *e, uint32_t *w, uint32_t *pid,
                        uint32_t *tag, int *fd)
{
    *w = atomic_load_explicit(&e->word, memory_order_acquire);
    if ((*w & 3u) != HOLDER_HELD)
        return false;
    *pid = atomic_load_explicit(&e->pid, memory_order_relaxed);
    *tag = atomic_load_explicit(&e->tag, memory_order_relaxed);
    *fd = atomic_load_explicit(&e->fd, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&e->word, memory_order_relaxed) == *w;
}

void holders_init_first(struct fd_holder *h, int fd)
{
    atomic_init(&h[0].pid, file_pid());
    atomic_init(&h[0].tag, shm_self_tag());
    atomic_init(&h[0].fd, fd);
    atomic_init(&h[0].word, HOLDER_HELD);
}

struct fd_holder *holders_self(struct fd_holder *h, uint32_t *w, int *fd)
{
    for (unsigned i = 0; i < FD_HOLDERS; i++) {
        uint32_t pid, tag;
        if (holder_read(&h[i], w, &pid, &tag, fd) && proc_is_self(pid, tag))
            return &h[i];
    }
    return NULL;
}

bool holders_claim(struct fd_holder *h, int fd)
{
    for (unsigned i = 0; i < FD_HOLDERS; i++) {
        struct fd_holder *e = &h[i];
        uint32_t w, pid, tag;
        int hfd;
        if (!holder_read(e, &w, &pid, &tag, &hfd)) {
            if ((w & 3u) != HOLDER_FREE)
                continue; /* being claimed, or changed while read */
        } else if (!shm_tag_dead(tag)) {
            continue;
        }
        if (!atomic_compare_exchange_strong_explicit(&e->word, &w,
                                                     holder_next(w, HOLDER_BUSY),
                                                     memory_order_acq_rel,
                                                     memory_order_relaxed))
            continue;
        atomic_store_explicit(&e->pid, file_pid(), memory_order_relaxed);
        atomic_store_explicit(&e->tag, shm_self_tag(), memory_order_relaxed);
        atomic_store_explicit(&e->fd, fd, memory_order_relaxed);
        atomic_store_explicit(&e->word, holder_next(w, HOLDER_HELD), memory_order_release);
        return true;
    }
    return false;
}

bool holders_release(struct fd_holder *e, uint32_t w)
{
    return atomic_compare_exchange_strong_explicit(&e->word, &w, holder_next(w, HOLDER_FREE),
                                                   memory_order_acq_rel,
                                                   memory_order_relaxed);
}

bool holders_release_self(struct fd_holder *h)
{
    uint32_t w;
    int fd;
    struct fd_holder *e = holders_self(h, &w, &fd);
    return e && holders_release(e, w);
}

bool holders_other_live(struct fd_holder *h)
{
    for (unsigned i = 0; i < FD_HOLDERS; i++) {
        uint32_t w, pid, tag;
        int fd;
        if (holder_read(&h[i], &w, &pid, &tag, &fd) && !proc_is_self(pid, tag) &&
            !shm_tag_dead(tag))
            return true;
    }
    return false;
}

int holders_getfd(uint32_t pid, uint32_t tag, int fd)
{
#ifdef SYS_pidfd_getfd
    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (pidfd < 0)
        return -1;
    /* The pidfd pins the process: if the tag is still alive now, pid is
     * still that process and not a later one that got the number. */
    int nfd = -1;
    if (!shm_tag_dead(tag))
        nfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0); /* O_CLOEXEC by itself */
    int e = errno;
    close(pidfd);
    errno = e;
    return nfd;
#else
    (void)pid;
    (void)tag;
    (void)fd;
    errno = ENOSYS;
    return -1;
#endif
}

int holders_fetch(struct fd_holder *h, holders_get_fn get, void *ctx)
{
    for (unsigned i = 0; i < FD_HOLDERS; i++) {
        struct fd_holder *e = &h[i];
        uint32_t w, pid, tag;
        int fd;
        if (!holder_read(e, &w, &pid, &tag, &fd) || proc_is_self(pid, tag))
            continue;
        if (shm_tag_dead(tag)) {
            atomic_compare_exchange_strong_explicit(&e->word, &w, holder_next(w, HOLDER_FREE),
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed);
            continue;
        }
        int nfd = get(ctx, pid, tag, fd);
        if (nfd < 0)
            continue; /* exiting, refused, or let go meanwhile */
        /* Still HELD under the same word: the holder had not let go when
         * we took the copy, so the copy is the object's. */
        atomic_thread_fence(memory_order_seq_cst);
        if (atomic_load_explicit(&e->word, memory_order_acquire) != w) {
            close(nfd);
            continue;
        }
        return nfd;
    }
    return -1;
}
