/*
 * fd holders (holders.c): the processes that keep a descriptor of a shared
 * object's open file, so that any process can take its own copy.
 */
#ifndef WINSHIM_CORE_HOLDERS_H
#define WINSHIM_CORE_HOLDERS_H

#include "core/shm.h"

/* fd holders (holders.c): up to FD_HOLDERS processes that keep an fd of
 * a shared object's open file, recorded in the object so that any process
 * can take its own copy from any live one (the protocol is described at
 * the top of holders.c).  pid, tag and fd are read by every process; the
 * fd itself is usable only in process pid (whose shm_self_tag() is tag). */
#define FD_HOLDERS 8
enum { HOLDER_FREE, HOLDER_BUSY, HOLDER_HELD };
struct fd_holder {
    _Atomic uint32_t word; /* (gen << 2) | HOLDER_* */
    _Atomic uint32_t pid;
    _Atomic uint32_t tag;
    _Atomic int32_t fd;
};
#define HOLDER_LAYOUT                                  \
    LAYOUT_SIZE(struct fd_holder), LAYOUT_FIELD(struct fd_holder, word), \
        LAYOUT_FIELD(struct fd_holder, pid), LAYOUT_FIELD(struct fd_holder, tag), \
        LAYOUT_FIELD(struct fd_holder, fd)
/* The creator is the first holder (before the object is visible). */
void holders_init_first(struct fd_holder *h, int fd);
/* This process's entry (its word and fd), or NULL. */
struct fd_holder *holders_self(struct fd_holder *h, uint32_t *w, int *fd);
/* Makes this process a holder of fd: a free entry, or a dead process's.
 * False when every entry is held by a live process. */
bool holders_claim(struct fd_holder *h, int fd);
/* Lets go of entry e read as w; false when another thread of ours did. */
bool holders_release(struct fd_holder *e, uint32_t w);
bool holders_release_self(struct fd_holder *h);
/* Does a live process other than this one hold an entry? */
bool holders_other_live(struct fd_holder *h);
/* Takes a copy of a live holder's fd: get(ctx, pid, tag, fd) returns a new
 * fd of ours or -1 (and may check what it got); the copy is kept only if
 * the holder still held its entry after it was taken.  -1: none. */
typedef int (*holders_get_fn)(void *ctx, uint32_t pid, uint32_t tag, int fd);
int holders_fetch(struct fd_holder *h, holders_get_fn get, void *ctx);
/* pidfd_getfd(pidfd_open(pid), fd): the same open file description (file
 * pointer, O_APPEND, OFD locks), or -1 with errno. */
int holders_getfd(uint32_t pid, uint32_t tag, int fd);
/* Inboxes (holders.c): every session member has a Unix datagram socket
 * (abstract name: user, session, tag) on which other processes of the
 * user give it descriptors of objects they duplicated handles to into it
 * (SCM_RIGHTS), so that the receiver has the object's descriptor at once,
 * held by the kernel until it takes it, whatever becomes of the giver.
 * holders_inbox_open: once this process's tag is known (shm.c; again in a
 * forked child).  holders_give: o's descriptor fd to the process of slot
 * `to`; false when it has no inbox or it is full.  holders_inbox_drain:
 * takes every descriptor given to this process and hands each to its
 * object type's adopt_fd (kinds call it before they fetch a descriptor
 * and when a handle of theirs closes). */
void holders_inbox_open(void);
bool holders_give(struct proc_slot *to, struct object *o, int fd);
void holders_inbox_drain(void);

/* Service requests (holders.c, "service requests"): a process that
 * joined the session by itself answers requests of the user's other
 * processes on a socket named by its inbox key, with one thread, through
 * ws_hooks.service_request.  holders_service_call: sends req (at most
 * SERVICE_MAX bytes) to the process of slot `to` and waits for its
 * reply (*got bytes into reply).  ERROR_NOT_SUPPORTED: it serves no
 * requests (not started by itself: a fork() copy; no session);
 * ERROR_ACCESS_DENIED: it ended, or dropped the request, before it
 * answered. */
#define SERVICE_MAX 4096
DWORD holders_service_call(struct proc_slot *to, const void *req, size_t len, void *reply,
                           size_t cap, size_t *got);

/* getpid(), cached and kept right across fork. */
uint32_t ws_pid(void);

/* Does a holder entry (pid, tag) belong to this process?  The tag (slot
 * and generation) tells a dead process from a later one that got its pid
 * back; the pid tells a fork child apart when the arena is private. */
static inline bool holder_is_self(uint32_t pid, uint32_t tag)
{
    return pid == ws_pid() && tag == shm_self_tag();
}

#endif
