/*
 * Overlapped socket I/O: WSARecv, WSARecvFrom, WSASend, WSASendTo with an
 * OVERLAPPED (an event, a completion port or a completion routine as the
 * notification), WSAGetOverlappedResult, ReadFile/WriteFile on a socket
 * handle, and CancelIo(Ex) of socket requests.
 *
 * Design: a readiness loop, not the worker pool of overlapped.c.  A request
 * is first tried at once with a nonblocking call (MSG_DONTWAIT); when it
 * completes so, the call returns success and the completion still follows
 * (event, packet, routine), as Windows does without
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS.  When it would block, it joins the
 * socket's read or write queue (FIFO: a request never overtakes an earlier
 * one of the same direction, and a new one is not tried at once while
 * earlier ones wait) and the socket is armed, one-shot, in the process's
 * epoll set; one engine thread per process waits there and, when the
 * socket is ready, runs the queue heads with nonblocking calls until one
 * would block again, then re-arms.  So a pending receive costs no thread
 * (the worker pool holds a thread per blocked transfer, and has at most 32),
 * and a ready transfer costs one system call in the caller.  Measured in
 * `make bench` (docs/ARCHITECTURE.md, section 15).
 *
 * Stream sends complete when every byte is written (Windows buffers the
 * whole send): a partial write keeps the rest queued.  Receives complete
 * with what one recvmsg gives (0 bytes: the peer's orderly close).
 *
 * A request's states: TRYING (in the submitting thread), QUEUED (on a
 * queue, under the socket's sio lock), done (off every queue, completed by
 * whoever took it off with no lock held).  The last handle's close
 * (sio_closed) takes every queued request off and completes it with
 * WSA_OPERATION_ABORTED, and disarms the socket; CancelIo(Ex) does the same
 * for the requests it names.
 *
 * Completion, in Windows' order: InternalHigh (bytes), Internal (the
 * NTSTATUS, release order), a futex wake on Internal (for
 * WSAGetOverlappedResult without an event), the event, then the port's
 * packet unless the event's low bit is set -- or the routine, as an APC to
 * the issuing thread, with the WSA error code.
 *
 * Other processes: a duplicated or inherited socket's requests run on that
 * process's proxy (socket.c), with its own queues and its own engine; a
 * proxy is kept by sock_hold (its use count) while requests or the engine
 * hold it, and its last handle's close aborts them (sio_closed).  Packets
 * go to a completion port only in the process that associated it (a
 * proxy has no association: the OVERLAPPED pointers are this process's).
 *
 * Locking: each socket's queues have a mutex (struct sio_queues.lock, in
 * the process-private record sk->sio); the epoll slot table has sio_lock.
 * Order: a socket's lock, then sio_lock.  The engine takes sio_lock only to
 * look a slot up and take a reference, and drops it before it takes the
 * socket's lock.  Everything here is process-private (descriptors are).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/futex.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/self.h"
#include "io/overlapped.h"
#include "net/sock.h"
#include "net/sockos.h"
#include "sync/sync.h"

#include <mswsock.h>

/* NTSTATUS values of socket completions (ntstatus.h). */
#define NT_PENDING 0x00000103u
#define NT_BUFFER_OVERFLOW 0x80000005u
#define NT_CANCELLED 0xC0000120u
#define NT_CONNECTION_RESET 0xC000020Du
#define NT_CONNECTION_ABORTED 0xC0000241u
#define NT_CONNECTION_REFUSED 0xC0000236u

#define INLINE_BUFS 4

enum req_kind {
    RK_IO,       /* a send or a receive */
    RK_ACCEPT,   /* AcceptEx: on the listening socket's read queue */
    RK_CONNECT,  /* ConnectEx: on the socket's write queue */
};

struct sio_req {
    struct sio_req *next;
    struct sock *sk;            /* a reference */
    enum req_kind kind;
    bool started;               /* RK_CONNECT: the connect is under way */
    bool handoff;               /* RK_ACCEPT accepted: receive on `acc` next */
    struct sock *acc;           /* RK_ACCEPT: the accept socket, a reference */
    char *abuf;                 /* RK_ACCEPT: the output buffer */
    DWORD arecv, alocal, aremote;
    bool write;
    struct sockos_iov *iov;     /* what is left: into inl or malloc()ed */
    unsigned niov;
    struct sockos_iov *alloc;   /* malloc()ed buffers, or NULL */
    struct sockos_iov inl[INLINE_BUFS];
    int flags;                  /* MSG_* (Windows values) */
    struct sockaddr *from;      /* WSARecvFrom */
    LPINT fromlen;
    struct sockaddr_storage to; /* WSASendTo, copied */
    int tolen;                  /* 0: no address */
    size_t done;
    LPWSAOVERLAPPED ov;
    uint32_t tid;               /* the issuing thread (CancelIo) */
    struct object *event;       /* referenced, or NULL */
    aoff_t port;                /* post a packet there, or 0 */
    ULONG_PTR key;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    struct object *thread;      /* the issuing thread's object, for routine */
    struct apc apc;
};

struct sio_queues {
    struct sio_queues *all_next, *all_prev; /* sio_all, under sio_lock */
    pthread_mutex_t lock;
    struct sio_req *rhead, *rtail, *whead, *wtail;
    uint32_t slot;              /* epoll slot + 1, 0 = not registered */
    uint32_t armed;             /* EPOLLIN/EPOLLOUT asked for and not seen */
    bool closed;                /* sio_closed ran: no more requests */
};

/* ---- status codes ---- */

static ULONG_PTR status_of_wsa(int wsa)
{
    switch (wsa) {
    case 0: return 0;
    case WSAECONNRESET: return NT_CONNECTION_RESET;
    case WSAECONNABORTED: return NT_CONNECTION_ABORTED;
    case WSAECONNREFUSED: return NT_CONNECTION_REFUSED;
    case WSAEMSGSIZE: return NT_BUFFER_OVERFLOW;
    default: return overlapped_status_of((DWORD)wsa);
    }
}

/* WSAGetOverlappedResult's code for a status. */
static int wsa_of_status(ULONG_PTR status)
{
    switch ((uint32_t)status) {
    case 0: return 0;
    case NT_CONNECTION_RESET: return WSAECONNRESET;
    case NT_CONNECTION_ABORTED: return WSAECONNABORTED;
    case NT_CONNECTION_REFUSED: return WSAECONNREFUSED;
    case NT_BUFFER_OVERFLOW: return WSAEMSGSIZE;
    case NT_CANCELLED: return WSA_OPERATION_ABORTED;
    default: return (int)overlapped_error_of(status);
    }
}

/* ---- the engine: epoll slots ---- */

static pthread_mutex_t sio_lock = PTHREAD_MUTEX_INITIALIZER;
static int sio_epfd = -1;
static struct sock **sio_slots; /* each with a reference */
static uint32_t *sio_gens;
static uint32_t sio_nslots;
static pthread_once_t sio_once = PTHREAD_ONCE_INIT;
/* Every socket's queues, so that the records stay reachable from process
 * memory (the socket object that points to them lives in the arena, which
 * leak checkers do not scan, and may outlive its last handle until a
 * deferred unreference). */
static struct sio_queues *sio_all;

static void sio_atfork_child(void)
{
    /* The engine did not come along, and the epoll set is the parent's. */
    pthread_mutex_init(&sio_lock, NULL);
    if (sio_epfd >= 0)
        close(sio_epfd);
    sio_epfd = -1;
    sio_slots = NULL;
    sio_gens = NULL;
    sio_nslots = 0;
}

static void sio_init(void)
{
    pthread_atfork(NULL, NULL, sio_atfork_child);
}

static void *sio_engine(void *arg);

/* Under sio_lock. */
static int engine_start_locked(void)
{
    if (sio_epfd >= 0)
        return 0;
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0)
        return WSAENOBUFS;
    sio_epfd = fd;
    if (service_thread_start(sio_engine, NULL, 0)) {
        close(fd);
        sio_epfd = -1;
        return WSAENOBUFS;
    }
    return 0;
}

/* Under q->lock: asks epoll for what the queues wait for (one-shot). */
static int arm(struct sock *sk, struct sio_queues *q)
{
    uint32_t want = (q->rhead ? EPOLLIN : 0) | (q->whead ? EPOLLOUT : 0);
    if (!want || (q->armed & want) == want)
        return 0;
    int err = 0;
    pthread_mutex_lock(&sio_lock);
    if ((err = engine_start_locked()))
        goto out;
    bool add = !q->slot;
    if (add) {
        uint32_t slot = 0;
        while (slot < sio_nslots && sio_slots[slot])
            slot++;
        if (slot == sio_nslots) {
            uint32_t n = sio_nslots ? sio_nslots * 2 : 64;
            struct sock **s = realloc(sio_slots, n * sizeof *s);
            if (s)
                sio_slots = s;
            uint32_t *g = s ? realloc(sio_gens, n * sizeof *g) : NULL;
            if (!g) {
                err = WSAENOBUFS;
                goto out;
            }
            sio_gens = g;
            memset(sio_slots + sio_nslots, 0, (n - sio_nslots) * sizeof *s);
            memset(sio_gens + sio_nslots, 0, (n - sio_nslots) * sizeof *g);
            sio_nslots = n;
        }
        sock_hold(sk);
        sio_slots[slot] = sk;
        q->slot = slot + 1;
    }
    uint32_t slot = q->slot - 1;
    struct epoll_event ev = {
        .events = want | EPOLLRDHUP | EPOLLONESHOT,
        .data.u64 = slot | ((uint64_t)sio_gens[slot] << 32),
    };
    int r = epoll_ctl(sio_epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, sk->fd, &ev);
    /* AcceptEx may have put a new connection under the number (dup3),
     * which took the old registration away: register again. */
    if (r && !add && errno == ENOENT)
        r = epoll_ctl(sio_epfd, EPOLL_CTL_ADD, sk->fd, &ev);
    if (r)
        err = io_error(sk, errno);
    else
        q->armed = want;
out:
    pthread_mutex_unlock(&sio_lock);
    return err;
}

/* Under q->lock: leaves the epoll set; returns the slot's reference for
 * the caller to drop once it holds no lock. */
static bool disarm(struct sock *sk, struct sio_queues *q)
{
    if (!q->slot)
        return false;
    pthread_mutex_lock(&sio_lock);
    uint32_t slot = q->slot - 1;
    if (sio_epfd >= 0)
        epoll_ctl(sio_epfd, EPOLL_CTL_DEL, sk->fd, NULL);
    sio_slots[slot] = NULL;
    sio_gens[slot]++;
    pthread_mutex_unlock(&sio_lock);
    q->slot = 0;
    q->armed = 0;
    return true;
}

/* ---- requests ---- */

static struct sio_queues *queues_of(struct sock *sk)
{
    struct sio_queues *q = __atomic_load_n((struct sio_queues **)&sk->sio, __ATOMIC_ACQUIRE);
    if (q)
        return q;
    struct sio_queues *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    pthread_mutex_init(&n->lock, NULL);
    void *expect = NULL;
    pthread_mutex_lock(&sio_lock);
    if (__atomic_compare_exchange_n(&sk->sio, &expect, n, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        n->all_next = sio_all;
        if (sio_all)
            sio_all->all_prev = n;
        sio_all = n;
        pthread_mutex_unlock(&sio_lock);
        return n;
    }
    pthread_mutex_unlock(&sio_lock);
    pthread_mutex_destroy(&n->lock);
    free(n);
    return expect;
}

static void req_free(struct sio_req *r)
{
    if (r->acc)
        object_unref(&r->acc->hdr);
    if (r->thread)
        object_unref(r->thread);
    free(r->alloc);
    free(r);
}

static void req_apc_release(struct apc *a)
{
    req_free((struct sio_req *)((char *)a - offsetof(struct sio_req, apc)));
}

static void req_apc_call(ULONG_PTR fn, ULONG_PTR err, ULONG_PTR done, ULONG_PTR ov)
{
    ((LPWSAOVERLAPPED_COMPLETION_ROUTINE)fn)((DWORD)err, (DWORD)done,
                                             (LPWSAOVERLAPPED)ov, 0);
}

/* Completes r (taken off every queue) with the WSA code err. */
static void req_complete(struct sio_req *r, int err)
{
    LPWSAOVERLAPPED ov = r->ov;
    DWORD done = (DWORD)r->done;
    ULONG_PTR status = status_of_wsa(err);
    ov->InternalHigh = done;
    __atomic_store_n(&ov->Internal, status, __ATOMIC_RELEASE);
    /* WSAGetOverlappedResult without an event sleeps on Internal's low
     * word; a wake after the owner reused the OVERLAPPED is harmless. */
    futex_wake((_Atomic uint32_t *)(void *)&ov->Internal, INT32_MAX, false);
    if (r->event) {
        event_set(r->event);
        object_unref(r->event);
    }
    if (r->port)
        iocp_post(r->port, r->key, done, ov, status);
    struct sock *sk = r->sk;
    r->sk = NULL;
    sock_unhold(sk);
    if (r->routine) {
        bool inserted;
        if (!thread_queue_apc(r->thread, &r->apc, req_apc_call, (ULONG_PTR)r->routine,
                              (ULONG_PTR)err, done, (ULONG_PTR)ov, &inserted) &&
            inserted)
            return; /* req_apc_release frees it */
    }
    req_free(r);
}

/* One nonblocking attempt; 0 = finished, EAGAIN = would block, else the
 * WSA code it failed with. */
static int accept_try(struct sio_req *r);
static int connect_try(struct sio_req *r);

static int req_try(struct sio_req *r)
{
    struct sock *sk = r->sk;
    if (!sock_enter(sk))
        return WSA_OPERATION_ABORTED;
    int err;
    size_t n = 0;
    if (r->kind == RK_ACCEPT) {
        err = accept_try(r);
        sock_leave(sk);
        return err;
    }
    if (r->kind == RK_CONNECT) {
        err = connect_try(r);
        if (err || r->kind == RK_CONNECT) {
            sock_leave(sk);
            return err;
        }
        /* Connected, with data to send: on as a send. */
    }
    for (;;) {
        if (r->write)
            err = sockos_sendv(sk->fd, r->iov, r->niov, r->flags,
                               r->tolen ? (void *)&r->to : NULL, r->tolen, true, &n);
        else
            err = sockos_recvv(sk->fd, r->iov, r->niov, r->flags, r->from, r->fromlen,
                               true, &n);
        if (err == EAGAIN || err == EWOULDBLOCK) {
            err = EAGAIN;
            break;
        }
        if (err) {
            if (err == EMSGSIZE && !r->write)
                r->done += n;
            err = io_error(sk, err);
            break;
        }
        r->done += n;
        if (!r->write || sk->type != SOCK_STREAM)
            break;
        /* A stream send completes when all of it is written. */
        while (r->niov && n >= r->iov->len) {
            n -= r->iov->len;
            r->iov++;
            r->niov--;
        }
        if (!r->niov)
            break;
        r->iov->base = (char *)r->iov->base + n;
        r->iov->len -= n;
    }
    sock_leave(sk);
    return err;
}

static void push(struct sio_req **head, struct sio_req **tail, struct sio_req *r)
{
    r->next = NULL;
    if (*tail)
        (*tail)->next = r;
    else
        *head = r;
    *tail = r;
}

/* Runs one queue's heads until one would block; finished ones go to
 * `done` (completion status in r->done's companion list). */
struct done_item {
    struct sio_req *r;
    int err;
};

/* Returns true when it stopped because `out` is full. */
static bool run_queue(struct sio_req **head, struct sio_req **tail,
                      struct done_item *out, unsigned *nout, unsigned cap)
{
    while (*head) {
        if (*nout == cap)
            return true;
        struct sio_req *r = *head;
        int err = req_try(r);
        if (err == EAGAIN)
            return false;
        *head = r->next;
        if (!*head)
            *tail = NULL;
        out[*nout].r = r;
        out[*nout].err = err;
        ++*nout;
    }
    return false;
}

#define ENGINE_BATCH 64

static int finish(struct sio_req *r, int err, DWORD *done);

static void *sio_engine(void *arg)
{
    (void)arg;
    struct epoll_event evs[32];
    int epfd;
    pthread_mutex_lock(&sio_lock);
    epfd = sio_epfd;
    pthread_mutex_unlock(&sio_lock);
    for (;;) {
        int n = epoll_wait(epfd, evs, 32, -1);
        if (n < 0)
            continue; /* EINTR */
        for (int i = 0; i < n; i++) {
            uint32_t slot = (uint32_t)evs[i].data.u64;
            uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
            pthread_mutex_lock(&sio_lock);
            struct sock *sk = slot < sio_nslots && sio_gens[slot] == gen ? sio_slots[slot] : NULL;
            if (sk)
                sock_hold(sk);
            pthread_mutex_unlock(&sio_lock);
            if (!sk)
                continue;
            struct sio_queues *q = sk->sio;
            struct done_item done[ENGINE_BATCH];
            unsigned nd = 0;
            bool more;
            do {
                nd = 0;
                pthread_mutex_lock(&q->lock);
                uint32_t ev = evs[i].events;
                q->armed = 0; /* one-shot: this event disarmed it */
                more = false;
                if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
                    more |= run_queue(&q->rhead, &q->rtail, done, &nd, ENGINE_BATCH / 2);
                if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                    more |= run_queue(&q->whead, &q->wtail, done, &nd, ENGINE_BATCH);
                if (!more && !q->closed && arm(sk, q)) {
                    /* Cannot wait for it: fail what is left. */
                    while (q->rhead && nd < ENGINE_BATCH) {
                        done[nd].r = q->rhead, done[nd++].err = WSAENOBUFS;
                        q->rhead = q->rhead->next;
                    }
                    if (!q->rhead)
                        q->rtail = NULL;
                }
                pthread_mutex_unlock(&q->lock);
                for (unsigned k = 0; k < nd; k++) {
                    DWORD bytes;
                    finish(done[k].r, done[k].err, &bytes);
                }
            } while (more);
            sock_unhold(sk);
        }
    }
    return NULL;
}

/* ---- submission ---- */

/* Fills r's buffers from a WSABUF array (copied: Windows lets the caller
 * reuse the array once the call returns). */
static int req_buffers(struct sio_req *r, const WSABUF *bufs, DWORD n)
{
    struct sockos_iov *v = r->inl;
    if (n > INLINE_BUFS) {
        if (n > 1024)
            return WSAEINVAL; /* beyond Linux's IOV_MAX */
        if (!(v = r->alloc = malloc(n * sizeof *v)))
            return WSAENOBUFS;
    }
    for (DWORD i = 0; i < n; i++) {
        v[i].base = bufs[i].buf;
        v[i].len = bufs[i].len;
    }
    r->iov = v;
    r->niov = n;
    return 0;
}

/* Queues r on its socket, trying it at once unless earlier requests of
 * its direction wait.  Returns 0 (finished; the caller completes it),
 * WSA_IO_PENDING (queued: the engine completes it), or the WSA code it
 * failed with (not queued). */
static int enqueue(struct sio_req *r)
{
    struct sock *sk = r->sk;
    struct sio_queues *q = queues_of(sk);
    if (!q)
        return WSAENOBUFS;
    pthread_mutex_lock(&q->lock);
    struct sio_req **head = r->write ? &q->whead : &q->rhead;
    struct sio_req **tail = r->write ? &q->wtail : &q->rtail;
    int err = q->closed ? WSAENOTSOCK : *head ? EAGAIN : req_try(r);
    if (err == EAGAIN) {
        push(head, tail, r);
        if ((err = arm(sk, q))) {
            /* Not waitable: take it back off (it is the tail). */
            struct sio_req **pp = head;
            while (*pp != r)
                pp = &(*pp)->next;
            *pp = NULL;
            *tail = NULL;
            for (struct sio_req *x = *head; x; x = x->next)
                *tail = x;
        } else {
            err = WSA_IO_PENDING;
        }
    }
    pthread_mutex_unlock(&q->lock);
    return err;
}

/* r ended a step with err (taken off every queue): AcceptEx with data to
 * receive goes on as a receive on the accepted socket, with the same
 * OVERLAPPED and notification; anything else completes.  Returns
 * WSA_IO_PENDING when it went on pending, else err (*done: the bytes). */
static int finish(struct sio_req *r, int err, DWORD *done)
{
    while (!err && r->handoff) {
        r->handoff = false;
        struct sock *old = r->sk;
        r->sk = r->acc; /* the accept socket's reference moves over */
        r->acc = NULL;
        sock_unhold(old); /* the listener: maybe a proxy */
        r->kind = RK_IO;
        r->write = false;
        r->inl[0].base = r->abuf;
        r->inl[0].len = r->arecv;
        r->iov = r->inl;
        r->niov = 1;
        r->flags = 0;
        r->from = NULL;
        err = enqueue(r);
        if (err == WSA_IO_PENDING)
            return err;
    }
    *done = (DWORD)r->done;
    req_complete(r, err);
    return err;
}

/* Starts an overlapped request on sk (referenced by the caller, who keeps
 * its reference).  Returns 0 when it finished at once (*now: bytes),
 * WSA_IO_PENDING, or the WSA code it failed with at once (no completion
 * follows then). */
static int submit(struct sock *sk, struct sio_req *r, LPWSAOVERLAPPED ov,
                  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, DWORD *now)
{
    pthread_once(&sio_once, sio_init);
    r->ov = ov;
    r->tid = thread_tid();
    if (routine) {
        r->routine = routine;
        r->apc.release = req_apc_release;
        r->thread = thread_current()->self;
        object_ref(r->thread);
    } else {
        HANDLE ev = (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
        if (ev) {
            struct object *o = NULL;
            DWORD err = handle_ref(ev, &event_type, EVENT_MODIFY_STATE, &o, NULL);
            if (err)
                return WSA_INVALID_HANDLE;
            r->event = o;
            ResetEvent(ev);
        }
        if (!((ULONG_PTR)ov->hEvent & 1)) {
            r->port = atomic_load_explicit(&sk->iocp, memory_order_acquire);
            r->key = sk->iocp_key;
        }
    }
    sock_hold(sk);
    r->sk = sk;
    ov->InternalHigh = 0;
    __atomic_store_n(&ov->Internal, (ULONG_PTR)NT_PENDING, __ATOMIC_RELEASE);

    int err = enqueue(r);
    if (err == WSA_IO_PENDING)
        return err;
    if (!err || (err == WSAEMSGSIZE && r->done))
        /* Finished at once: the completion follows all the same.  A
         * truncated datagram also completes (with WSAEMSGSIZE). */
        return finish(r, err, now);
    /* Failed at once: the OVERLAPPED says so, nothing else follows. */
    *now = (DWORD)r->done;
    ov->InternalHigh = r->done;
    __atomic_store_n(&ov->Internal, status_of_wsa(err), __ATOMIC_RELEASE);
    if (r->event)
        object_unref(r->event);
    r->sk = NULL;
    sock_unhold(sk);
    req_free(r);
    return err;
}

/* The state checks recv/send make before a transfer. */
static int io_check(struct sock *sk, bool write, bool to)
{
    uint32_t f = sk_flags(sk);
    if (f & (write ? SF_SHUT_WR : SF_SHUT_RD))
        return WSAESHUTDOWN;
    if (sk->type == SOCK_STREAM && !(f & SF_CONNECTED) && !sockos_connected(sk->fd))
        return WSAENOTCONN;
    if (write && sk->type != SOCK_STREAM && !to && !sockos_connected(sk->fd))
        return WSAENOTCONN;
    if (!write && sk->type != SOCK_STREAM && !sockos_bound(sk->fd))
        return WSAEINVAL;
    return 0;
}

/* The WSA transfer functions: one path for all four.  ov NULL: an ordinary
 * (blocking or nonblocking) transfer in the caller. */
static int wsa_io(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD pdone, LPDWORD pflags,
                  int flags, struct sockaddr *from, LPINT fromlen,
                  const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, bool write)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    struct sio_req *r = NULL;
    if (!bufs || (!write && !pflags))
        err = WSAEFAULT;
    else if ((err = io_check(sk, write, to != NULL)))
        ;
    else if (!(r = calloc(1, sizeof *r)))
        err = WSAENOBUFS;
    else if (!(err = req_buffers(r, bufs, nbufs))) {
        r->write = write;
        r->flags = flags;
        r->from = from;
        r->fromlen = fromlen;
        if (to && sk->type != SOCK_STREAM) {
            if (tolen <= 0 || (size_t)tolen > sizeof r->to)
                err = WSAEFAULT;
            else
                memcpy(&r->to, to, (size_t)(r->tolen = tolen));
        }
    }
    if (err) {
        if (r)
            req_free(r);
        sock_put(sk);
        return fail(err);
    }
    DWORD done = 0;
    if (ov) {
        err = submit(sk, r, ov, routine, &done);
    } else {
        /* Not overlapped: the socket's own blocking mode. */
        r->sk = sk;
        bool nb = sk_flags(sk) & SF_NONBLOCK;
        size_t n = 0;
        err = write ? sockos_sendv(sk->fd, r->iov, r->niov, flags,
                                   r->tolen ? (void *)&r->to : NULL, r->tolen, nb, &n)
                    : sockos_recvv(sk->fd, r->iov, r->niov, flags, from, fromlen, nb, &n);
        if (err)
            err = io_error(sk, err);
        else if (!write && n == 0 && sock_closed(sk))
            err = WSAEINTR;
        done = (DWORD)n;
        r->sk = NULL;
        req_free(r);
    }
    if (!write && !err && pflags)
        *pflags = 0;
    es_reenable(sk, write ? (err == WSAEWOULDBLOCK ? FD_WRITE : 0)
                          : ((flags & MSG_OOB) ? FD_OOB : FD_READ));
    sock_put(sk);
    if (pdone && (!err || err == WSAEMSGSIZE))
        *pdone = done;
    return err ? fail(err) : 0;
}

WS_EXPORT int WSAAPI WSARecv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD done,
                             LPDWORD flags, LPWSAOVERLAPPED ov,
                             LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    return wsa_io(s, bufs, n, done, flags, flags ? (int)*flags : 0, NULL, NULL, NULL, 0,
                  ov, routine, false);
}

WS_EXPORT int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD done,
                                 LPDWORD flags, struct sockaddr *from, LPINT fromlen,
                                 LPWSAOVERLAPPED ov,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    return wsa_io(s, bufs, n, done, flags, flags ? (int)*flags : 0, from, fromlen, NULL,
                  0, ov, routine, false);
}

WS_EXPORT int WSAAPI WSASend(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD done,
                             DWORD flags, LPWSAOVERLAPPED ov,
                             LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    return wsa_io(s, bufs, n, done, NULL, (int)flags, NULL, NULL, NULL, 0, ov, routine,
                  true);
}

WS_EXPORT int WSAAPI WSASendTo(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD done,
                               DWORD flags, const struct sockaddr *to, int tolen,
                               LPWSAOVERLAPPED ov,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    return wsa_io(s, bufs, n, done, NULL, (int)flags, NULL, NULL, to, tolen, ov, routine,
                  true);
}

/* ---- results and cancellation ---- */

static bool ov_pending(LPWSAOVERLAPPED ov)
{
    return (uint32_t)__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) == NT_PENDING;
}

/* Waits until ov is no longer pending (timeout in ms, INFINITE). */
static bool wait_done(LPWSAOVERLAPPED ov, DWORD timeout)
{
    struct timespec dl, *pdl = NULL;
    if (timeout != INFINITE) {
        deadline_from_ms(&dl, timeout);
        pdl = &dl;
    }
    while (ov_pending(ov)) {
        if (futex_wait((_Atomic uint32_t *)(void *)&ov->Internal, NT_PENDING, pdl,
                       false) == ETIMEDOUT)
            return !ov_pending(ov);
    }
    return true;
}

DWORD sio_wait(HANDLE h, LPOVERLAPPED ov, DWORD timeout, bool *is_socket)
{
    struct object *o = NULL;
    ws_rcu_lock();
    *is_socket = !handle_get(h, &socket_type, 0, &o, NULL);
    ws_rcu_unlock();
    if (!*is_socket)
        return WAIT_FAILED;
    return wait_done(ov, timeout) ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
}

WS_EXPORT BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD done,
                                            BOOL wait, LPDWORD flags)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err), FALSE;
    sock_put(sk);
    if (!ov || !done || !flags)
        return fail(WSAEFAULT), FALSE;
    if (ov_pending(ov)) {
        if (!wait)
            return fail(WSA_IO_INCOMPLETE), FALSE;
        wait_done(ov, INFINITE);
    }
    *done = (DWORD)ov->InternalHigh;
    *flags = 0;
    err = wsa_of_status(ov->Internal);
    return err ? (fail(err), FALSE) : TRUE;
}

/* CancelIo/CancelIoEx on a socket (overlapped.c's hook): the requests of
 * the calling thread (tid != 0) or the one of `ov`; ERROR_NOT_FOUND when
 * none was pending. */
DWORD sio_cancel(HANDLE h, uint32_t tid, LPOVERLAPPED ov, bool *is_socket)
{
    struct sock *sk;
    *is_socket = !sock_get((SOCKET)(uintptr_t)h, &sk);
    if (!*is_socket)
        return ERROR_INVALID_HANDLE;
    struct sio_queues *q = sk->sio;
    struct sio_req *list = NULL, **lt = &list;
    if (q) {
        pthread_mutex_lock(&q->lock);
        for (int dir = 0; dir < 2; dir++) {
            struct sio_req **pp = dir ? &q->whead : &q->rhead;
            struct sio_req **tail = dir ? &q->wtail : &q->rtail;
            struct sio_req *last = NULL;
            while (*pp) {
                struct sio_req *r = *pp;
                if (ov ? r->ov == ov : !tid || r->tid == tid) {
                    *pp = r->next;
                    r->next = NULL;
                    *lt = r;
                    lt = &r->next;
                } else {
                    last = r;
                    pp = &r->next;
                }
            }
            *tail = last;
        }
        pthread_mutex_unlock(&q->lock);
    }
    DWORD err = list ? ERROR_SUCCESS : ERROR_NOT_FOUND;
    while (list) {
        struct sio_req *r = list;
        list = r->next;
        req_complete(r, WSA_OPERATION_ABORTED);
    }
    sock_put(sk);
    return err;
}

void sio_closed(struct sock *sk)
{
    struct sio_queues *q = __atomic_load_n((struct sio_queues **)&sk->sio, __ATOMIC_ACQUIRE);
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    struct sio_req *r = q->rhead, *w = q->whead;
    q->rhead = q->rtail = q->whead = q->wtail = NULL;
    bool ref = disarm(sk, q);
    pthread_mutex_unlock(&q->lock);
    for (struct sio_req *x = r, *next; x; x = next) {
        next = x->next;
        req_complete(x, WSA_OPERATION_ABORTED);
    }
    for (struct sio_req *x = w, *next; x; x = next) {
        next = x->next;
        req_complete(x, WSA_OPERATION_ABORTED);
    }
    if (ref)
        sock_unhold(sk);
}

void sio_destroy(struct sock *sk)
{
    struct sio_queues *q = sk->sio;
    if (q) {
        pthread_mutex_lock(&sio_lock);
        if (q->all_prev)
            q->all_prev->all_next = q->all_next;
        else
            sio_all = q->all_next;
        if (q->all_next)
            q->all_next->all_prev = q->all_prev;
        pthread_mutex_unlock(&sio_lock);
        pthread_mutex_destroy(&q->lock);
        free(q);
        sk->sio = NULL;
    }
}

/* ---- ReadFile/WriteFile on a socket handle ---- */

DWORD sio_file_io(HANDLE h, void *buf, DWORD len, LPDWORD pdone, LPOVERLAPPED ov,
                  bool write, bool *is_socket)
{
    struct object *o = NULL;
    ws_rcu_lock();
    *is_socket = !handle_get(h, &socket_type, 0, &o, NULL);
    ws_rcu_unlock();
    if (!*is_socket)
        return ERROR_INVALID_HANDLE;
    WSABUF b = {.len = len, .buf = buf};
    DWORD flags = 0, done = 0;
    int r = write ? WSASend((SOCKET)(uintptr_t)h, &b, 1, &done, 0, ov, NULL)
                  : WSARecv((SOCKET)(uintptr_t)h, &b, 1, &done, &flags, ov, NULL);
    if (pdone)
        *pdone = r ? 0 : done;
    if (!r)
        return ERROR_SUCCESS;
    /* The file functions speak Win32: a reset connection is
     * ERROR_NETNAME_DELETED there, as GetQueuedCompletionStatus says. */
    DWORD err = GetLastError();
    if (err != WSA_IO_PENDING && err >= WSABASEERR)
        err = overlapped_error_of(status_of_wsa((int)err));
    return err;
}

/* ---- AcceptEx, GetAcceptExSockaddrs, ConnectEx, WSAIoctl ----
 *
 * AcceptEx's output buffer: the first dwReceiveDataLength bytes take the
 * data received, then come the local and the remote address areas of
 * dwLocalAddressLength and dwRemoteAddressLength bytes.  Windows' layout
 * of an area is private to mswsock (only GetAcceptExSockaddrs reads it);
 * here it is an INT length (stored unaligned), a byte giving the
 * address's offset in the area, then the address at the first 8-byte
 * aligned place at or after offset 8, so that the pointers
 * GetAcceptExSockaddrs hands out are aligned for a sockaddr whatever
 * dwReceiveDataLength is (the area then starts anywhere).  The offset is
 * at most 15: the 16 bytes Windows requires beyond the address hold it.
 */
#define AREA_HDR 8

/* Where the address goes in an area starting at `area`. */
static unsigned area_offset(const char *area)
{
    return AREA_HDR + (unsigned)(-(uintptr_t)(area + AREA_HDR) & 7);
}

static int addr_size(int af)
{
    switch (af) {
    case AF_INET: return (int)sizeof(struct sockaddr_in);
    case AF_INET6: return 28; /* sizeof(SOCKADDR_IN6), in ws2ipdef.h */
    default: return 110; /* AF_UNIX: sizeof(SOCKADDR_UN) */
    }
}

static void area_write(int fd, bool peer, char *area, DWORD size)
{
    unsigned off = area_offset(area);
    INT len = (INT)(size - off);
    if (sockos_name(fd, peer, area + off, &len))
        len = 0;
    memcpy(area, &len, sizeof len);
    area[sizeof len] = (char)off;
}

static int accept_try(struct sio_req *r)
{
    int newfd;
    int err = sockos_accept_now(r->sk->fd, &newfd);
    if (err == EAGAIN || err == EWOULDBLOCK)
        return EAGAIN;
    if (err)
        return io_error(r->sk, err);
    struct sock *acc = r->acc;
    if (!sock_enter(acc)) {
        sockos_close(newfd); /* the accept socket was closed meanwhile */
        return WSA_OPERATION_ABORTED;
    }
    err = sockos_replace(newfd, acc->fd);
    if (!err) {
        atomic_fetch_or(&acc->flags, SF_CONNECTED);
        area_write(acc->fd, false, r->abuf + r->arecv, r->alocal);
        area_write(acc->fd, true, r->abuf + r->arecv + r->alocal, r->aremote);
    }
    sock_leave(acc);
    if (err)
        return wsa_error(err);
    r->handoff = r->arecv != 0; /* Windows waits for the first data too */
    return 0;
}

static int connect_try(struct sio_req *r)
{
    struct sock *sk = r->sk;
    int err;
    if (!r->started) {
        /* A nonblocking connect whatever the socket's mode: the descriptor
         * is nonblocking only for this call. */
        bool nb = sk_flags(sk) & SF_NONBLOCK;
        if (!nb)
            sockos_nonblock(sk->fd, true);
        err = sockos_connect(sk->fd, &r->to, r->tolen);
        if (!nb)
            sockos_nonblock(sk->fd, false);
        if (err == EINPROGRESS || err == EAGAIN) {
            r->started = true;
            return EAGAIN;
        }
    } else {
        err = sockos_so_error(sk->fd);
        if (!err && !sockos_connected(sk->fd))
            return EAGAIN;
    }
    if (err)
        return io_error(sk, err);
    atomic_fetch_or(&sk->flags, SF_CONNECTED);
    if (r->niov) {
        r->kind = RK_IO; /* the send buffer goes out next */
        r->tolen = 0;
    }
    return 0;
}

/* A Win32-style result of the Ex functions: TRUE, or FALSE with the WSA
 * code (WSA_IO_PENDING when under way). */
static BOOL ex_result(int err)
{
    return err ? (fail(err), FALSE) : TRUE;
}

WS_EXPORT BOOL WINAPI AcceptEx(SOCKET ls, SOCKET as, PVOID buf, DWORD recvlen, DWORD llen,
                               DWORD rlen, LPDWORD received, LPOVERLAPPED ov)
{
    struct sock *lsk, *ask;
    int err = sock_get(ls, &lsk);
    if (err)
        return ex_result(err);
    /* The accept socket's descriptor number takes the connection (dup3):
     * only its creator's number is the object's. */
    if ((err = sock_get_local(as, &ask))) {
        sock_put(lsk);
        return ex_result(err);
    }
    sock_leave(ask); /* the request keeps the reference, not a running call */
    DWORD min = (DWORD)addr_size(lsk->af) + 16;
    struct sio_req *r = NULL;
    if (!(sk_flags(lsk) & SF_LISTENING) || !ov)
        err = WSAEINVAL;
    else if ((sk_flags(ask) & SF_CONNECTED) || sockos_bound(ask->fd) || ask->type != SOCK_STREAM)
        err = WSAEINVAL;
    else if (!buf || llen < min || rlen < min)
        err = WSAEFAULT;
    else if (!(r = calloc(1, sizeof *r)))
        err = WSAENOBUFS;
    if (err) {
        object_unref(&ask->hdr);
        sock_put(lsk);
        return ex_result(err);
    }
    r->kind = RK_ACCEPT;
    r->acc = ask;
    r->abuf = buf;
    r->arecv = recvlen;
    r->alocal = llen;
    r->aremote = rlen;
    DWORD done = 0;
    err = submit(lsk, r, ov, NULL, &done);
    sock_put(lsk);
    if (!err && received)
        *received = done;
    return ex_result(err);
}

WS_EXPORT VOID WINAPI GetAcceptExSockaddrs(PVOID buf, DWORD recvlen, DWORD llen, DWORD rlen,
                                           struct sockaddr **local, LPINT local_len,
                                           struct sockaddr **remote, LPINT remote_len)
{
    char *area = (char *)buf + recvlen;
    INT len;
    memcpy(&len, area, sizeof len);
    *local = (struct sockaddr *)(void *)(area + (unsigned char)area[sizeof len]);
    *local_len = len;
    area += llen;
    memcpy(&len, area, sizeof len);
    *remote = (struct sockaddr *)(void *)(area + (unsigned char)area[sizeof len]);
    *remote_len = len;
    (void)rlen;
}

static BOOL WINAPI connect_ex(SOCKET s, const struct sockaddr *name, int namelen,
                              PVOID sendbuf, DWORD sendlen, LPDWORD sent, LPOVERLAPPED ov)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return ex_result(err);
    struct sio_req *r = NULL;
    if (!ov || sk->type != SOCK_STREAM || (sk_flags(sk) & SF_LISTENING) ||
        !sockos_bound(sk->fd))
        err = WSAEINVAL; /* ConnectEx needs a bound, unconnected stream socket */
    else if ((sk_flags(sk) & SF_CONNECTED) || sockos_connected(sk->fd))
        err = WSAEISCONN;
    else if (!name || namelen <= 0 || (size_t)namelen > sizeof r->to)
        err = WSAEFAULT;
    else if (!(r = calloc(1, sizeof *r)))
        err = WSAENOBUFS;
    if (err) {
        sock_put(sk);
        return ex_result(err);
    }
    r->kind = RK_CONNECT;
    r->write = true;
    memcpy(&r->to, name, (size_t)(r->tolen = namelen));
    r->iov = r->inl;
    if (sendbuf && sendlen) {
        r->inl[0].base = sendbuf;
        r->inl[0].len = sendlen;
        r->niov = 1;
    }
    DWORD done = 0;
    err = submit(sk, r, ov, NULL, &done);
    sock_put(sk);
    if (!err && sent)
        *sent = done;
    return ex_result(err);
}

static const GUID guid_acceptex = WSAID_ACCEPTEX;
static const GUID guid_getacceptexsockaddrs = WSAID_GETACCEPTEXSOCKADDRS;
static const GUID guid_connectex = WSAID_CONNECTEX;

/* WSAIoctl: the extension functions, and the ioctlsocket commands with
 * Windows' 32-bit argument in and out buffers.  These finish before the
 * call returns; an OVERLAPPED or routine given with them is not used (no
 * completion is queued). */
WS_EXPORT int WSAAPI WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
                              DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    (void)ov;
    (void)routine;
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    sock_put(sk);
    if (!ret)
        return fail(WSAEFAULT);
    switch (code) {
    case SIO_GET_EXTENSION_FUNCTION_POINTER: {
        void *fn;
        if (!in || inlen < sizeof(GUID) || !out || outlen < sizeof fn)
            return fail(WSAEFAULT);
        if (!memcmp(in, &guid_acceptex, sizeof(GUID)))
            fn = (void *)(LPFN_ACCEPTEX)AcceptEx;
        else if (!memcmp(in, &guid_getacceptexsockaddrs, sizeof(GUID)))
            fn = (void *)(LPFN_GETACCEPTEXSOCKADDRS)GetAcceptExSockaddrs;
        else if (!memcmp(in, &guid_connectex, sizeof(GUID)))
            fn = (void *)(LPFN_CONNECTEX)connect_ex;
        else
            return fail(WSAEINVAL);
        memcpy(out, &fn, sizeof fn);
        *ret = sizeof fn;
        return 0;
    }
    case FIONBIO: {
        ULONG v;
        if (!in || inlen < sizeof v)
            return fail(WSAEFAULT);
        memcpy(&v, in, sizeof v);
        u_long arg = v;
        if (ioctlsocket(s, (LONG)code, &arg))
            return SOCKET_ERROR;
        *ret = 0;
        return 0;
    }
    case FIONREAD:
    case SIOCATMARK: {
        ULONG v;
        if (!out || outlen < sizeof v)
            return fail(WSAEFAULT);
        u_long arg = 0;
        if (ioctlsocket(s, (LONG)code, &arg))
            return SOCKET_ERROR;
        v = (ULONG)arg;
        memcpy(out, &v, sizeof v);
        *ret = sizeof v;
        return 0;
    }
    default:
        return fail(WSAEINVAL);
    }
}
