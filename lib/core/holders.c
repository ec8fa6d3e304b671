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
 *
 * Inboxes (the bottom of this file): fetching needs a live holder, so a
 * handle duplicated into a process that has not used it yet would be
 * worth nothing once every holder has gone (closed its handles, exited,
 * crashed).  Windows keeps the object while any handle exists; so the
 * process that duplicates a handle into another GIVES it its descriptor
 * at once (object_type.duplicated -> holders_give): an SCM_RIGHTS datagram
 * to the receiver's inbox, a Unix datagram socket bound under an abstract
 * name made of a random key the receiver keeps in its process slot.  From
 * then on the kernel holds the descriptor for the receiver, whatever
 * becomes of the giver.  The receiver takes what its inbox holds
 * (holders_inbox_drain) before it would fetch a descriptor and whenever a
 * handle of such a kind closes, and hands each to its type's adopt_fd (as
 * an inherited one) if the process still has a handle to that object.
 * Trust: an abstract name has no permissions; the key is what keeps other
 * users out: only this user's processes can read the arena (a 0600 file in
 * a 0700 directory), so nobody else can know the name, bind it first and
 * be given our descriptors.  Received datagrams must carry this user's
 * kernel-checked credentials (SO_PASSCRED), as for pidfd_getfd, and name
 * the receiver's tag, so one meant for a dead process whose slot we reuse
 * is dropped.  An abstract socket goes with its last descriptor: nothing
 * to clean up after a crash.
 *
 * The empty-inbox hint: draining is asked at every CloseHandle of a file,
 * socket or mapping, and almost always finds nothing; a recvmsg to learn
 * that is a system call per close.  So a giver counts its gift in the
 * receiver's slot: inbox_started before its sendmsg, inbox_finished after
 * it (sent or not).  The receiver reads finished, then started; if they
 * are equal, every gift counted so far was in its socket before that read
 * (a finished count is only ever preceded by its started count, and none
 * started in between), so once it has emptied the socket after the read
 * it may remember started as seen.  A later drain that finds started
 * still equal to seen has nothing to take and skips the recvmsg.  A giver
 * that dies between its two counts leaves them unequal: every drain then
 * asks the socket, as without the hint.
 *
 * Service requests (the very bottom): a second socket under the same key,
 * on which a process's service thread answers requests of the user's
 * other processes (CreateRemoteThread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/holders.h"
#include "core/hooks.h"
#include "core/object.h"
#include "core/shm.h"

/* ---- the process id, cached (glibc's getpid() is a system call) ---- */

static uint32_t cached_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void pid_atfork_child(void)
{
    cached_pid = (uint32_t)getpid();
}

static void pid_init(void)
{
    cached_pid = (uint32_t)getpid();
    pthread_atfork(NULL, NULL, pid_atfork_child);
}

uint32_t ws_pid(void)
{
    pthread_once(&pid_once, pid_init);
    return cached_pid;
}

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
    atomic_init(&h[0].pid, ws_pid());
    atomic_init(&h[0].tag, shm_self_tag());
    atomic_init(&h[0].fd, fd);
    atomic_init(&h[0].word, HOLDER_HELD);
}

struct fd_holder *holders_self(struct fd_holder *h, uint32_t *w, int *fd)
{
    for (unsigned i = 0; i < FD_HOLDERS; i++) {
        uint32_t pid, tag;
        if (holder_read(&h[i], w, &pid, &tag, fd) && holder_is_self(pid, tag))
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
        atomic_store_explicit(&e->pid, ws_pid(), memory_order_relaxed);
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
        if (holder_read(&h[i], &w, &pid, &tag, &fd) && !holder_is_self(pid, tag) &&
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
        if (!holder_read(e, &w, &pid, &tag, &fd) || holder_is_self(pid, tag))
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

/* ---- inboxes ---- */

#define INBOX_MAGIC 0x57534942u /* "WSIB" */

struct inbox_msg {
    uint32_t magic;
    uint32_t to_tag; /* the receiver's shm_self_tag() */
    aoff_t obj;      /* the object whose descriptor rides along */
};

/* This process's inbox: process-private; replaced in a forked child (its
 * slot is another).  Opened only while the process joins the session
 * (single-threaded there, or in the child of fork), so no lock. */
static _Atomic int inbox_fd = -1;
static _Thread_local bool draining; /* adopt_fd may close handles: no nesting */
/* The hint (above): seen_started is valid while seen_ok. */
static _Atomic uint32_t seen_started;
static _Atomic bool seen_ok;

static void service_open(const uint32_t key[2]);

/* The abstract name of slot s's inbox: its key, random, in the arena. */
static bool inbox_addr(struct proc_slot *s, struct sockaddr_un *a, socklen_t *len)
{
    uint32_t k0 = atomic_load_explicit(&s->inbox_key[0], memory_order_acquire);
    uint32_t k1 = atomic_load_explicit(&s->inbox_key[1], memory_order_acquire);
    if (!k0 && !k1)
        return false;
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    /* sun_path[0] = 0: the abstract namespace (gone with the socket). */
    int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "winshim-inbox-%08x%08x",
                     (unsigned)k0, (unsigned)k1);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
    return true;
}

void holders_inbox_open(void)
{
    int old = atomic_exchange(&inbox_fd, -1);
    if (old >= 0)
        close(old); /* a forked child's copy of its parent's */
    atomic_store(&seen_ok, false); /* a new slot: its first drain asks */
    struct proc_slot *self = shm_self();
    uint32_t key[2];
    if (!ws_arena.shared || !self || getrandom(key, sizeof key, 0) != (ssize_t)sizeof key)
        return; /* no inbox: givers fall back (file.c lingers) */
    key[0] |= 1; /* never 0: "none" */
    service_open(key); /* listening before anybody can know its name */
    atomic_store_explicit(&self->inbox_key[0], key[0], memory_order_release);
    atomic_store_explicit(&self->inbox_key[1], key[1], memory_order_release);
    struct sockaddr_un a;
    socklen_t len;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    if (s >= 0 && inbox_addr(self, &a, &len) &&
        setsockopt(s, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0 &&
        bind(s, (struct sockaddr *)&a, len) == 0) {
        atomic_store(&inbox_fd, s);
        return;
    }
    if (s >= 0)
        close(s);
    atomic_store_explicit(&self->inbox_key[0], 0, memory_order_release);
    atomic_store_explicit(&self->inbox_key[1], 0, memory_order_release);
}

bool holders_give(struct proc_slot *to, struct object *o, int fd)
{
    struct sockaddr_un a;
    socklen_t len;
    if (fd < 0 || !inbox_addr(to, &a, &len))
        return false;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct inbox_msg m = {.magic = INBOX_MAGIC, .to_tag = shm_slot_tag(to), .obj = arena_off(o)};
    struct iovec iov = {.iov_base = &m, .iov_len = sizeof m};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } c;
    memset(&c, 0, sizeof c);
    struct msghdr mh = {.msg_name = &a, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = c.buf, .msg_controllen = sizeof c.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    ssize_t n;
    atomic_fetch_add_explicit(&to->inbox_started, 1, memory_order_seq_cst);
    do
        n = sendmsg(s, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    atomic_fetch_add_explicit(&to->inbox_finished, 1, memory_order_seq_cst);
    close(s);
    return n == (ssize_t)sizeof m;
}

/* One datagram: its message, descriptor (or -1) and sender's uid. */
static bool inbox_recv(int s, struct inbox_msg *m, int *fd, uid_t *uid)
{
    union {
        char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } c;
    struct iovec iov = {.iov_base = m, .iov_len = sizeof *m};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
                        .msg_controllen = sizeof c.buf};
    ssize_t n;
    do
        n = recvmsg(s, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return false;
    *fd = -1;
    *uid = (uid_t)-1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET)
            continue;
        if (cm->cmsg_type == SCM_RIGHTS) {
            size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < k; i++) {
                int f;
                memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof f);
                if (*fd < 0)
                    *fd = f;
                else
                    close(f); /* one per datagram is all we send */
            }
        } else if (cm->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cr;
            memcpy(&cr, CMSG_DATA(cm), sizeof cr);
            *uid = cr.uid;
        }
    }
    if (n != (ssize_t)sizeof *m || (mh.msg_flags & MSG_CTRUNC))
        m->magic = 0; /* not ours: dropped */
    return true;
}

void holders_inbox_drain(void)
{
    int s = atomic_load_explicit(&inbox_fd, memory_order_acquire);
    /* Not inside an RCU read section: adopting may close a handle, whose
     * deferred references may wait for a grace period.  A fetch there
     * goes on without (spawn.c drains before it enters one). */
    if (s < 0 || draining || ws_rcu_ongoing())
        return;
    struct proc_slot *self = shm_self();
    uint32_t fin = 0, start = 0;
    if (self) {
        fin = atomic_load_explicit(&self->inbox_finished, memory_order_seq_cst);
        start = atomic_load_explicit(&self->inbox_started, memory_order_seq_cst);
        if (atomic_load_explicit(&seen_ok, memory_order_acquire) &&
            start == atomic_load_explicit(&seen_started, memory_order_relaxed))
            return; /* nothing was given since the socket was last empty */
    }
    draining = true;
    struct inbox_msg m;
    int fd;
    uid_t uid;
    while (inbox_recv(s, &m, &fd, &uid)) {
        if (fd < 0)
            continue;
        struct object *o = m.magic == INBOX_MAGIC && uid == geteuid() &&
                                   m.to_tag == shm_self_tag() && m.obj &&
                                   m.obj < ARENA_RESERVE - sizeof(struct object)
                               ? arena_ptr(m.obj)
                               : NULL;
        const struct object_type *t =
            o && o->type_id < TYPE_COUNT ? object_types[o->type_id] : NULL;
        /* Only for an object we still have a handle to (then it is alive
         * and the one the giver meant). */
        bool live = false;
        if (t && t->adopt_fd) {
            ws_rcu_lock();
            live = handle_table_refers(o) && object_ref_live(o);
            ws_rcu_unlock();
        }
        if (!live) {
            close(fd);
            continue;
        }
        t->adopt_fd(o, fd);
        /* Our last handle may have gone meanwhile: its close did not see
         * the descriptor, so let go of it here. */
        atomic_thread_fence(memory_order_seq_cst);
        if (!handle_table_refers(o) && t->handle_closed)
            t->handle_closed(o);
        object_unref(o);
    }
    /* Emptied (EAGAIN, errno of the recvmsg that ended the loop) after
     * reading equal counts: what they count has all been taken. */
    if (self && errno == EAGAIN && fin == start) {
        atomic_store_explicit(&seen_started, start, memory_order_relaxed);
        atomic_store_explicit(&seen_ok, true, memory_order_release);
    }
    draining = false;
}

/* ---- service requests ----
 *
 * A request another process of the user asks this one to carry out (for
 * now one kind: CreateRemoteThread, proc/threadctl.c), answered by this
 * process's service thread.  A process that joins the session by itself
 * (not a fork() copy of a member: see below) listens on a Unix seqpacket
 * socket bound under an abstract name made of the same secret key as its
 * inbox ("winshim-svc-<key>"), bound before the key is published, so
 * that a caller who reads the key finds it listening or knows the
 * process serves no requests (connect: ECONNREFUSED).  One connection
 * per request: the caller sends it, the service thread hands it to
 * ws_hooks.service_request and sends back what that wrote, and the
 * connection is the reply channel, so a target that dies before it
 * answers gives the caller an end of file, never a hang.
 * Trust: as for the inbox, only this user's processes can know the name;
 * the kernel-checked credentials (SO_PEERCRED) must be this user's on
 * both ends, and the caller checks the pid it reached is the slot's.
 * A forked copy of a member does not listen: starting a thread in a
 * fork() child is what multi-threaded programs may not do (and what the
 * thread sanitizer refuses); its requests are refused (ECONNREFUSED).
 */

#define SERVICE_MAGIC 0x57535356u /* "WSSV" */
#define SERVICE_STACK (256 * 1024)

struct service_hdr {
    uint32_t magic;
    uint32_t to_tag; /* the target's shm_self_tag() */
};

static int service_fd = -1;      /* listening; process-private */
static uint32_t service_pid;     /* the process that opened it */
/* The process this image was loaded in (exec runs it again): a later
 * getpid() that differs is a fork() copy, even when the parent never
 * opened a service itself (it may have had threads all the same). */
static uint32_t image_pid;

__attribute__((constructor)) static void service_image_loaded(void)
{
    image_pid = (uint32_t)getpid();
}

static socklen_t service_addr(const uint32_t key[2], struct sockaddr_un *a)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "winshim-svc-%08x%08x",
                     (unsigned)key[0], (unsigned)key[1]);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static bool service_peer_ok(int s, pid_t *pid)
{
    struct ucred cr;
    socklen_t len = sizeof cr;
    if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) || cr.uid != geteuid())
        return false;
    *pid = cr.pid;
    return true;
}

/* One request on connection c. */
static void service_answer(int c)
{
    union {
        struct service_hdr h;
        unsigned char b[SERVICE_MAX + sizeof(struct service_hdr)];
    } req;
    static unsigned char reply[SERVICE_MAX]; /* only the service thread */
    pid_t pid;
    /* A caller that connects and says nothing does not hold us up. */
    struct timeval tv = {.tv_sec = 2};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (!service_peer_ok(c, &pid))
        return;
    ssize_t n;
    do
        n = recv(c, &req, sizeof req, 0);
    while (n < 0 && errno == EINTR);
    if (n < (ssize_t)sizeof req.h || req.h.magic != SERVICE_MAGIC ||
        req.h.to_tag != shm_self_tag())
        return;
    size_t r = ws_hooks.service_request(req.b + sizeof req.h, (size_t)n - sizeof req.h,
                                        (uint32_t)pid, reply, sizeof reply);
    if (r)
        send(c, reply, r, MSG_NOSIGNAL);
}

static void *service_main(void *arg)
{
    int s = (int)(intptr_t)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE ||
                errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                continue; /* the caller sees its connection refused or dropped */
            break;
        }
        service_answer(c);
        close(c);
    }
    return NULL;
}

static void service_open(const uint32_t key[2])
{
    /* getpid(): ws_pid's own fork handler may not have run yet. */
    uint32_t me = (uint32_t)getpid();
    bool forked = (service_pid && service_pid != me) || (image_pid && image_pid != me);
    if (service_fd >= 0) {
        close(service_fd); /* a forked child's copy of its parent's */
        service_fd = -1;
    }
    if (forked)
        return; /* see above */
    service_pid = me;
    struct sockaddr_un a;
    socklen_t len = service_addr(key, &a);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0)
        return;
    pthread_attr_t at;
    pthread_t t;
    bool ok = bind(s, (struct sockaddr *)&a, len) == 0 && listen(s, 64) == 0 &&
              pthread_attr_init(&at) == 0;
    if (ok) {
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&at, SERVICE_STACK);
        ok = pthread_create(&t, &at, service_main, (void *)(intptr_t)s) == 0;
        pthread_attr_destroy(&at);
    }
    if (!ok) {
        close(s);
        return;
    }
    service_fd = s;
}

DWORD holders_service_call(struct proc_slot *to, const void *req, size_t len, void *reply,
                           size_t cap, size_t *got)
{
    uint32_t key[2] = {atomic_load_explicit(&to->inbox_key[0], memory_order_acquire),
                       atomic_load_explicit(&to->inbox_key[1], memory_order_acquire)};
    pid_t want = __atomic_load_n(&to->pid, __ATOMIC_ACQUIRE);
    uint32_t tag = shm_slot_tag(to);
    if ((!key[0] && !key[1]) || len > SERVICE_MAX)
        return ERROR_NOT_SUPPORTED;
    struct sockaddr_un a;
    socklen_t alen = service_addr(key, &a);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0)
        return ws_errno_to_win32(errno);
    DWORD err = ERROR_SUCCESS;
    pid_t pid;
    int r;
    do
        r = connect(s, (struct sockaddr *)&a, alen);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        err = errno == ECONNREFUSED || errno == ENOENT ? ERROR_NOT_SUPPORTED
                                                        : ws_errno_to_win32(errno);
    else if (!service_peer_ok(s, &pid) || pid != want)
        err = ERROR_NOT_SUPPORTED; /* not the process of that slot */
    if (!err) {
        struct service_hdr h = {.magic = SERVICE_MAGIC, .to_tag = tag};
        struct iovec iov[2] = {{.iov_base = &h, .iov_len = sizeof h},
                               {.iov_base = (void *)req, .iov_len = len}};
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
        ssize_t n;
        do
            n = sendmsg(s, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n == (ssize_t)(sizeof h + len)) {
            do
                n = recv(s, reply, cap, 0);
            while (n < 0 && errno == EINTR);
        } else {
            n = -1;
        }
        /* Nothing back: it ended (or dropped the request) meanwhile. */
        if (n <= 0)
            err = ERROR_ACCESS_DENIED;
        else
            *got = (size_t)n;
    }
    close(s);
    return err;
}
