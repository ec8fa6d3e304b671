/*
 * Socket objects: Windows Sockets 2 on Linux sockets (the Win32 half;
 * sockos.c is the Linux half and says why they are apart).
 *
 * A SOCKET is a handle: the socket is a kernel object of TYPE_SOCKET in the
 * handle table and the SOCKET value is its handle value, so the handle
 * rules hold as on Windows (closesocket on an event is WSAENOTSOCK,
 * CloseHandle on a socket closes it, a closed SOCKET is stale).  The object
 * holds the Linux descriptor in a process-private field: a descriptor
 * means something only in the process that opened it (owner, recorded in
 * the object).  Any other process with a handle works on its own proxy
 * with a pidfd_getfd copy of a holder's descriptor ("proxies" below), and
 * a reaper closing a dead owner's handle leaves the descriptor alone.
 *
 * States (sk->flags, atomic): SF_LISTENING after listen; SF_CONNECTING from
 * a nonblocking connect until select or the event watcher sees the
 * outcome; SF_CONNECTED; SF_SHUT_RD/SF_SHUT_WR after shutdown (Windows
 * then fails recv/send with WSAESHUTDOWN where Linux returns 0 or EPIPE);
 * SF_NONBLOCK (FIONBIO or WSAEventSelect); SF_REUSEADDR, the Windows-level
 * SO_REUSEADDR value.
 *
 * Closing (sk->use, atomic): every call that touches the descriptor holds
 * a reference and counts itself in `use` while it does.  The last handle's
 * close sets SK_CLOSED; the descriptor is closed by whoever brings the
 * count to zero after that (exactly once: SK_DONE), so a descriptor is
 * never closed under a running call or reused by the kernel while one
 * still has its number.  A call blocked in the kernel is woken by
 * shutdown() and fails with WSAEINTR, as on Windows.
 *
 * WSAEventSelect: one watcher thread per process (started on first use)
 * waits in epoll on every selected socket, one-shot, with an interest set
 * computed from the events the program asked for and may still be told
 * about.  It records network events into the object and sets the event
 * object.  Windows' re-enabling rules hold: FD_READ is recorded once until
 * recv, FD_ACCEPT until accept, FD_WRITE until a send fails with
 * WSAEWOULDBLOCK, FD_CONNECT and FD_CLOSE once.  The event-select fields
 * and the watcher's slot table are under es_lock (a process-private
 * mutex; lock order: es_lock, then event object locks).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "io/file.h"
#include "io/overlapped.h"
#include "net/sock.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include "net/sockos.h"
#include "sync/sync.h"

_Static_assert(WS_AF_INET6 == AF_INET6 && WS_AF_INET == AF_INET && WS_AF_UNIX == AF_UNIX &&
                   WS_SOL_SOCKET == SOL_SOCKET && WS_SO_RCVTIMEO == SO_RCVTIMEO &&
                   WS_SO_SNDTIMEO == SO_SNDTIMEO && WS_SO_LINGER == SO_LINGER &&
                   WS_SO_DONTLINGER == SO_DONTLINGER && WS_SO_SNDBUF == SO_SNDBUF &&
                   WS_SO_RCVBUF == SO_RCVBUF && WS_SO_TYPE == SO_TYPE &&
                   WS_SO_ACCEPTCONN == SO_ACCEPTCONN && WS_SO_KEEPALIVE == SO_KEEPALIVE &&
                   WS_SO_BROADCAST == SO_BROADCAST && WS_SO_OOBINLINE == SO_OOBINLINE &&
                   WS_SO_DEBUG == SO_DEBUG && WS_SO_DONTROUTE == SO_DONTROUTE &&
                   WS_SO_SNDLOWAT == SO_SNDLOWAT && WS_SO_RCVLOWAT == SO_RCVLOWAT &&
                   WS_TCP_NODELAY == TCP_NODELAY && WS_IPPROTO_TCP == IPPROTO_TCP &&
                   WS_IPPROTO_IP == IPPROTO_IP && WS_IPPROTO_IPV6 == IPPROTO_IPV6 &&
                   WS_IP_TOS == IP_TOS && WS_IP_TTL == IP_TTL &&
                   WS_IPV6_V6ONLY == IPV6_V6ONLY && WS_IPV6_UNICAST_HOPS == IPV6_UNICAST_HOPS &&
                   WS_MSG_OOB == MSG_OOB && WS_MSG_PEEK == MSG_PEEK &&
                   WS_MSG_DONTROUTE == MSG_DONTROUTE && WS_MSG_WAITALL == MSG_WAITALL &&
                   WS_AI_PASSIVE == AI_PASSIVE && WS_AI_CANONNAME == AI_CANONNAME &&
                   WS_AI_NUMERICHOST == AI_NUMERICHOST && WS_AI_NUMERICSERV == AI_NUMERICSERV &&
                   WS_AI_ALL == AI_ALL && WS_AI_ADDRCONFIG == AI_ADDRCONFIG &&
                   WS_AI_V4MAPPED == AI_V4MAPPED && WS_NI_NOFQDN == NI_NOFQDN &&
                   WS_NI_NUMERICHOST == NI_NUMERICHOST && WS_NI_NAMEREQD == NI_NAMEREQD &&
                   WS_NI_NUMERICSERV == NI_NUMERICSERV && WS_NI_DGRAM == NI_DGRAM,
               "sockos.h WS_* values must equal winsock2.h's");
_Static_assert(sizeof(struct ws_addrinfo) == sizeof(ADDRINFOA) &&
                   offsetof(struct ws_addrinfo, ai_canonname) ==
                       offsetof(ADDRINFOA, ai_canonname) &&
                   offsetof(struct ws_addrinfo, ai_addr) == offsetof(ADDRINFOA, ai_addr) &&
                   offsetof(struct ws_addrinfo, ai_next) == offsetof(ADDRINFOA, ai_next),
               "struct ws_addrinfo must be ADDRINFOA");
_Static_assert(sizeof(ADDRINFOW) == sizeof(ADDRINFOA) &&
                   offsetof(ADDRINFOW, ai_canonname) == offsetof(ADDRINFOA, ai_canonname) &&
                   offsetof(ADDRINFOW, ai_addr) == offsetof(ADDRINFOA, ai_addr),
               "ADDRINFOW differs from ADDRINFOA in ai_canonname's type only");

/* The shared layout (core/object.h, layout ids). */
static const uint32_t socket_layout[] = {
    LAYOUT_SIZE(struct sock),
    LAYOUT_FIELD(struct sock, fd),
    LAYOUT_FIELD(struct sock, owner),
    LAYOUT_FIELD(struct sock, af),
    LAYOUT_FIELD(struct sock, type),
    LAYOUT_FIELD(struct sock, flags),
    LAYOUT_FIELD(struct sock, use),
    LAYOUT_FIELD(struct sock, so_error),
    LAYOUT_FIELD(struct sock, rcvtimeo),
    LAYOUT_FIELD(struct sock, sndtimeo),
    LAYOUT_FIELD(struct sock, es_event),
    LAYOUT_FIELD(struct sock, es_slot),
    LAYOUT_FIELD(struct sock, es_mask),
    LAYOUT_FIELD(struct sock, es_enabled),
    LAYOUT_FIELD(struct sock, es_pending),
    LAYOUT_FIELD(struct sock, es_errors),
    LAYOUT_FIELD(struct sock, sio),
    LAYOUT_FIELD(struct sock, iocp),
    LAYOUT_FIELD(struct sock, iocp_key),
    LAYOUT_FIELD(struct sock, holders),
};

static _Atomic int ws_started; /* WSAStartup count */

/* ---- errors: errno to WSA, in one table ---- */

static const struct {
    int err;
    int wsa;
} wsa_map[] = {
    {EINTR, WSAEINTR},           {EBADF, WSAENOTSOCK},       {EACCES, WSAEACCES},
    {EPERM, WSAEACCES},          {EFAULT, WSAEFAULT},         {EINVAL, WSAEINVAL},
    {EMFILE, WSAEMFILE},         {ENFILE, WSAEMFILE},         {EAGAIN, WSAEWOULDBLOCK},
    {EINPROGRESS, WSAEWOULDBLOCK}, {EALREADY, WSAEALREADY},   {ENOTSOCK, WSAENOTSOCK},
    {EDESTADDRREQ, WSAEDESTADDRREQ}, {EMSGSIZE, WSAEMSGSIZE}, {EPROTOTYPE, WSAEPROTOTYPE},
    {ENOPROTOOPT, WSAENOPROTOOPT}, {EPROTONOSUPPORT, WSAEPROTONOSUPPORT},
    {ESOCKTNOSUPPORT, WSAESOCKTNOSUPPORT}, {EOPNOTSUPP, WSAEOPNOTSUPP},
    {EPFNOSUPPORT, WSAEPFNOSUPPORT}, {EAFNOSUPPORT, WSAEAFNOSUPPORT},
    {EADDRINUSE, WSAEADDRINUSE}, {EADDRNOTAVAIL, WSAEADDRNOTAVAIL},
    {ENETDOWN, WSAENETDOWN},     {ENETUNREACH, WSAENETUNREACH}, {ENETRESET, WSAENETRESET},
    {ECONNABORTED, WSAECONNABORTED}, {ECONNRESET, WSAECONNRESET}, {EPIPE, WSAECONNRESET},
    {ENOBUFS, WSAENOBUFS},       {ENOMEM, WSAENOBUFS},        {EISCONN, WSAEISCONN},
    {ENOTCONN, WSAENOTCONN},     {ESHUTDOWN, WSAESHUTDOWN},   {ETOOMANYREFS, WSAETOOMANYREFS},
    {ETIMEDOUT, WSAETIMEDOUT},   {ECONNREFUSED, WSAECONNREFUSED}, {ELOOP, WSAELOOP},
    {ENAMETOOLONG, WSAENAMETOOLONG}, {EHOSTDOWN, WSAEHOSTDOWN}, {EHOSTUNREACH, WSAEHOSTUNREACH},
    {ENOTEMPTY, WSAENOTEMPTY},   {EUSERS, WSAEUSERS},         {EDQUOT, WSAEDQUOT},
    {ESTALE, WSAESTALE},         {EREMOTE, WSAEREMOTE},       {ENOENT, WSAEINVAL},
};

int wsa_error(int err)
{
    for (size_t i = 0; i < sizeof wsa_map / sizeof wsa_map[0]; i++)
        if (wsa_map[i].err == err)
            return wsa_map[i].wsa;
    return WSASYSCALLFAILURE;
}

/* Sets the last error (WSAGetLastError is GetLastError) for a failure. */
int fail(int wsa)
{
    ws_set_last_error((DWORD)wsa);
    return SOCKET_ERROR;
}

static bool started(void)
{
    return atomic_load_explicit(&ws_started, memory_order_acquire) > 0;
}

/* ---- the object ---- */

static void sock_release_fd(struct sock *sk, uint32_t seen)
{
    if ((seen & (SK_CLOSED | SK_DONE | SK_COUNT)) != SK_CLOSED)
        return;
    if (atomic_compare_exchange_strong(&sk->use, &seen, seen | SK_DONE)) {
        sockos_close(sk->fd);
        if (sk->real) {
            sio_destroy(sk); /* its overlapped queues (none pending: held) */
            free(sk); /* a proxy: unlinked, and nobody can enter it any more */
        }
    }
}

void sock_hold(struct sock *sk)
{
    if (!sk->real) {
        object_ref(&sk->hdr);
        return;
    }
    object_ref(&sk->real->hdr);
    atomic_fetch_add(&sk->use, 1);
}

void sock_unhold(struct sock *sk)
{
    if (!sk->real) {
        object_unref(&sk->hdr);
        return;
    }
    struct sock *real = sk->real;
    sock_leave(sk); /* may free a closed proxy */
    object_unref(&real->hdr);
}

bool sock_enter(struct sock *sk)
{
    uint32_t v = atomic_fetch_add(&sk->use, 1) + 1;
    if (v & SK_CLOSED) {
        sock_release_fd(sk, atomic_fetch_sub(&sk->use, 1) - 1);
        return false;
    }
    return true;
}

void sock_leave(struct sock *sk)
{
    sock_release_fd(sk, atomic_fetch_sub(&sk->use, 1) - 1);
}

static void es_unwatch(struct sock *sk);

/* ---- other processes' sockets: proxies ----
 *
 * A process that has a handle to a socket it did not create (duplicated
 * into it, inherited, or its own created socket whose descriptor it let go
 * of) works on a proxy: a heap struct sock of its own, with a pidfd_getfd
 * copy of a live holder's descriptor (holders.c; the same open file
 * description, so the same socket) and its own event-select registration.
 * af, type, flags and the timeouts are copied from the object when the
 * proxy is made.  This process becomes a holder too, so the socket keeps
 * working after its creator closed it.  The proxy lives until this
 * process's last handle to the object closes (socket_handle_closed): it is
 * unlinked under px_lock (so nobody enters it after), then marked
 * SK_CLOSED, and the last running call closes its descriptor and frees it.
 * Process-private; px_lock is taken before es_lock; a forked child starts
 * with no proxies. */
static pthread_mutex_t px_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sock *px_head;
static pthread_once_t px_once = PTHREAD_ONCE_INIT;

static void px_atfork_child(void)
{
    pthread_mutex_init(&px_lock, NULL);
    px_head = NULL; /* the parent's proxies are not this process's */
}

static void socket_handle_closed(struct object *o);

static void px_init(void)
{
    pthread_atfork(NULL, NULL, px_atfork_child);
}

static int px_fetch_one(void *ctx, uint32_t pid, uint32_t tag, int fd)
{
    (void)ctx;
    return holders_getfd(pid, tag, fd);
}

/* A new proxy of real around fd (this process's descriptor of it), with
 * `use` running calls, linked in (px_lock held).  NULL: no memory. */
static struct sock *px_new_locked(struct sock *real, int fd, uint32_t use)
{
    struct sock *px = calloc(1, sizeof *px);
    if (!px)
        return NULL;
    px->fd = fd;
    px->owner = shm_self_tag();
    px->af = real->af;
    px->type = real->type;
    atomic_init(&px->flags, atomic_load(&real->flags));
    atomic_init(&px->use, use);
    atomic_init(&px->rcvtimeo, atomic_load(&real->rcvtimeo));
    atomic_init(&px->sndtimeo, atomic_load(&real->sndtimeo));
    px->real = real;
    holders_claim(real->holders, fd); /* none free: the socket still works here */
    px->px_next = px_head;
    px_head = px;
    return px;
}

/* object_type.inherit_fd: this process's descriptor of the socket (its
 * own, or its proxy's), passed to a child of CreateProcess under its
 * number; -1 when it has none yet (the child then fetches one). */
static int sock_inherit_fd(struct object *o)
{
    struct sock *sk = (struct sock *)o;
    if (sk->owner == shm_self_tag())
        return atomic_load(&sk->use) & SK_CLOSING ? -1 : sk->fd;
    pthread_once(&px_once, px_init);
    int fd = -1;
    pthread_mutex_lock(&px_lock);
    for (struct sock *px = px_head; px; px = px->px_next)
        if (px->real == sk && !(atomic_load(&px->use) & SK_CLOSING))
            fd = px->fd;
    pthread_mutex_unlock(&px_lock);
    return fd;
}

/* object_type.adopt_fd: the inherited descriptor becomes this process's
 * proxy at once (before any handle can be used), so the child works on
 * the socket also when every other process has closed it meanwhile. */
static void sock_adopt_fd(struct object *o, int fd)
{
    struct sock *sk = (struct sock *)o;
    pthread_once(&px_once, px_init);
    pthread_mutex_lock(&px_lock);
    /* Given (holders.c, inbox) while this process has its own: not needed. */
    bool have = sk->owner == shm_self_tag() && !(atomic_load(&sk->use) & SK_CLOSING);
    for (struct sock *px = px_head; px; px = px->px_next)
        have |= px->real == sk;
    if (have || !px_new_locked(sk, fd, 0))
        sockos_close(fd); /* two entries for one socket: the first counts */
    pthread_mutex_unlock(&px_lock);
}

static int px_get(struct sock *real, struct sock **out);

/* object_type.duplicated: a handle went to another process, which gets
 * our descriptor in its inbox at once (holders.c), so the socket works
 * there also when every process that had one closed it before the
 * receiver's first call; a handle that came to us from another process:
 * our proxy is made now, while the source surely has a descriptor. */
static void sock_duplicated(struct object *o, struct proc_slot *to)
{
    struct sock *sk = (struct sock *)o;
    if (to != shm_self()) {
        holders_give(to, o, sock_inherit_fd(o));
        return;
    }
    struct sock *px;
    if (sk->owner != shm_self_tag() && !px_get(sk, &px))
        sock_leave(px);
}

/* This process's proxy of real, entered (counted in its use). */
static int px_get(struct sock *real, struct sock **out)
{
    pthread_once(&px_once, px_init);
    holders_inbox_drain(); /* given to us already? (before px_lock) */
    pthread_mutex_lock(&px_lock);
    for (struct sock *px = px_head; px; px = px->px_next)
        if (px->real == real) {
            bool ok = sock_enter(px);
            pthread_mutex_unlock(&px_lock);
            if (!ok)
                return WSAENOTSOCK;
            *out = px;
            return 0;
        }
    int fd = holders_fetch(real->holders, px_fetch_one, NULL);
    struct sock *px = fd >= 0 ? px_new_locked(real, fd, 1) : NULL;
    if (!px) {
        pthread_mutex_unlock(&px_lock);
        if (fd >= 0)
            sockos_close(fd);
        return fd >= 0 ? WSAENOBUFS : WSAENOTSOCK; /* no live process has it */
    }
    pthread_mutex_unlock(&px_lock);
    /* Our last handle may have gone while we fetched (another thread's
     * closesocket, which looked for the proxy before it existed). */
    atomic_thread_fence(memory_order_seq_cst);
    if (!handle_table_refers(&real->hdr)) {
        sock_leave(px);
        socket_handle_closed(&real->hdr);
        return WSAENOTSOCK;
    }
    *out = px;
    return 0;
}

/* This process lets go of its own descriptor of sk (the creator's view or
 * a proxy): the holder entry first, then the descriptor once no call
 * runs.  Running calls are woken (shutdown) only when this was the last
 * handle anywhere: shutdown would end the socket for the other processes
 * too.  Once per view (SK_CLOSING). */
static void sock_close_mine(struct sock *sk, struct sock *real, bool last_anywhere)
{
    if (atomic_fetch_or(&sk->use, SK_CLOSING) & SK_CLOSING)
        return;
    es_unwatch(sk);
    if (!sk->real)
        sio_closed(sk); /* pending overlapped requests end aborted */
    holders_release_self(real->holders); /* before the descriptor goes */
    uint32_t v = atomic_fetch_or(&sk->use, SK_CLOSED) | SK_CLOSED;
    if ((v & SK_COUNT) && last_anywhere)
        sockos_shutdown(sk->fd, 2); /* wake calls blocked in the kernel */
    sock_release_fd(sk, v);
}

static void socket_handle_closed(struct object *o)
{
    struct sock *sk = (struct sock *)o;
    holders_inbox_drain(); /* a descriptor given for this handle goes below */
    atomic_thread_fence(memory_order_seq_cst);
    if (handle_table_refers(o))
        return;
    if (sk->owner == shm_self_tag())
        sock_close_mine(sk, sk, !object_handle_count(o));
    pthread_mutex_lock(&px_lock);
    struct sock *px = NULL;
    for (struct sock **pp = &px_head; *pp; pp = &(*pp)->px_next)
        if ((*pp)->real == sk) {
            px = *pp;
            *pp = px->px_next;
            break;
        }
    pthread_mutex_unlock(&px_lock);
    if (!px)
        return; /* unlinked: nobody enters it any more */
    es_unwatch(px);
    sio_closed(px); /* its pending overlapped requests end aborted */
    holders_release_self(sk->holders); /* before the descriptor goes */
    int fd = px->fd; /* px may be freed by a leaving call once closed */
    bool last = !object_handle_count(o);
    uint32_t v = atomic_fetch_or(&px->use, SK_CLOSED | SK_CLOSING) | SK_CLOSED | SK_CLOSING;
    if ((v & SK_COUNT) && last)
        sockos_shutdown(fd, 2);
    sock_release_fd(px, v);
}

static void sock_last_close(struct object *o)
{
    struct sock *sk = (struct sock *)o;
    if (sk->owner != shm_self_tag()) {
        /* The creator's event reference: a live creator drops it when its
         * own last handle goes (socket_handle_closed); a dead one's is
         * dropped here. */
        if (!shm_tag_dead(sk->owner))
            return;
        struct object *ev = arena_ptr(sk->es_event);
        sk->es_event = 0;
        if (ev)
            object_unref(ev);
        return;
    }
    sock_close_mine(sk, sk, true);
}

static void sock_destroy(struct object *o)
{
    struct sock *sk = (struct sock *)o;
    if (sk->owner == shm_self_tag())
        sio_destroy(sk); /* sio is the owner's heap memory */
    aoff_t port = atomic_load_explicit(&sk->iocp, memory_order_acquire);
    if (port)
        iocp_port_unref(port);
}


#define SOCKET_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1ff)

const struct object_type socket_type = {
    .name = "Socket",
    .id = TYPE_SOCKET,
    .size = sizeof(struct sock),
    .mapping = {STANDARD_RIGHTS_READ | 0x89, STANDARD_RIGHTS_WRITE | 0x116,
                STANDARD_RIGHTS_EXECUTE | 0xa0, SOCKET_ALL_ACCESS},
    .valid_access = SOCKET_ALL_ACCESS,
    .last_close = sock_last_close,
    .handle_closed = socket_handle_closed,
    .inherit_fd = sock_inherit_fd,
    .adopt_fd = sock_adopt_fd,
    .duplicated = sock_duplicated,
    .destroy = sock_destroy,
    TYPE_LAYOUT(socket_layout),
};

/* CreateIoCompletionPort on a socket (iocp.c): the socket's port fields,
 * with a reference on the object.  ERROR_INVALID_HANDLE if h is not one. */
DWORD socket_port_fields(HANDLE h, struct object **o, _Atomic aoff_t **port,
                         ULONG_PTR **key)
{
    struct sock *sk;
    int err = sock_get((SOCKET)(uintptr_t)h, &sk);
    if (err == 0 && sk->real) {
        sock_put(sk);
        return ERROR_NOT_SUPPORTED; /* another process's socket (COMPATIBILITY) */
    }
    if (err)
        return ERROR_INVALID_HANDLE;
    sock_leave(sk); /* keep the reference only */
    *o = &sk->hdr;
    *port = &sk->iocp;
    *key = &sk->iocp_key;
    return ERROR_SUCCESS;
}

/* A handle for a new descriptor; closes it on failure. */
static int sock_wrap(int fd, int af, int type, uint32_t flags, SOCKET *out)
{
    DWORD err;
    struct sock *sk = (struct sock *)object_new(&socket_type, 0, 0, &err);
    if (!sk) {
        sockos_close(fd);
        return WSAENOBUFS;
    }
    sk->fd = fd;
    sk->owner = shm_self_tag();
    holders_init_first(sk->holders, fd);
    sk->af = af;
    sk->type = type;
    atomic_store(&sk->flags, flags);
    object_handle_open(&sk->hdr);
    HANDLE h;
    /* Inheritable, as Windows makes the sockets of socket() and accept()
     * (WSA_FLAG_NO_HANDLE_INHERIT is WSASocket's way out). */
    if ((err = handle_insert(&sk->hdr, SOCKET_ALL_ACCESS, HANDLE_FLAG_INHERIT, &h))) {
        object_handle_close(&sk->hdr);
        object_unref(&sk->hdr);
        return WSAEMFILE;
    }
    *out = (SOCKET)(uintptr_t)h;
    return 0;
}

/* The socket s names, with a reference and counted in `use`. */
int sock_get(SOCKET s, struct sock **out)
{
    struct object *o = NULL;
    if (!started())
        return WSANOTINITIALISED;
    DWORD err = handle_ref((HANDLE)(uintptr_t)s, &socket_type, 0, &o, NULL);
    if (err)
        return WSAENOTSOCK;
    struct sock *sk = (struct sock *)o;
    if (sk->owner == shm_self_tag() && sock_enter(sk)) {
        *out = sk;
        return 0;
    }
    /* Another process's socket, or our own whose descriptor we let go of
     * (a handle came back): this process's proxy, with the reference on
     * the object kept for sock_put. */
    int e = px_get(sk, out);
    if (e)
        object_unref(o);
    return e;
}

int sock_get_local(SOCKET s, struct sock **out)
{
    int err = sock_get(s, out);
    if (!err && (*out)->real) {
        sock_put(*out);
        return WSAEOPNOTSUPP;
    }
    return err;
}

void sock_put(struct sock *sk)
{
    struct object *o = sk->real ? &sk->real->hdr : &sk->hdr;
    sock_leave(sk); /* may free a closed proxy */
    object_unref(o);
}

bool sock_closed(struct sock *sk)
{
    return atomic_load(&sk->use) & SK_CLOSED;
}

uint32_t sk_flags(struct sock *sk)
{
    return atomic_load(&sk->flags);
}

/* ---- the event watcher ---- */

static pthread_mutex_t es_lock = PTHREAD_MUTEX_INITIALIZER;
static int es_epfd = -1;
static struct sock **es_slots; /* under es_lock */
static uint32_t *es_gens;
static uint32_t es_nslots;

static void es_record(struct sock *sk, int bit, int err)
{
    LONG ev = 1L << bit;
    if (!(sk->es_mask & ev) || !(sk->es_enabled & ev))
        return;
    sk->es_pending |= ev;
    sk->es_enabled &= ~ev;
    sk->es_errors[bit] = err;
    event_set(arena_ptr(sk->es_event));
}

/* The epoll interest: what may still be recorded in the socket's state. */
static uint32_t es_interest(struct sock *sk)
{
    uint32_t f = sk_flags(sk), ev = 0;
    LONG want = sk->es_mask & sk->es_enabled;
    if (f & SF_LISTENING) {
        if (want & FD_ACCEPT)
            ev |= EPOLLIN;
        return ev;
    }
    if (f & SF_CONNECTING)
        return (want & FD_CONNECT) || (want & FD_WRITE) ? EPOLLOUT : 0;
    if (sk->type == SOCK_STREAM && !(f & SF_CONNECTED))
        return 0; /* idle: Linux calls an unconnected socket hung up */
    if (f & SF_EOF)
        return 0;
    if (want & (FD_READ | FD_OOB))
        ev |= EPOLLIN;
    if (want & FD_OOB)
        ev |= EPOLLPRI;
    if (want & FD_WRITE)
        ev |= EPOLLOUT;
    if ((want & FD_CLOSE) && sk->type == SOCK_STREAM)
        ev |= EPOLLRDHUP;
    return ev;
}

/* Under es_lock: (re)arms the one-shot registration. */
static void es_arm(struct sock *sk)
{
    if (!sk->es_slot)
        return;
    uint32_t ev = es_interest(sk);
    if (!ev)
        return; /* stays disarmed until something re-enables it */
    uint32_t slot = sk->es_slot - 1;
    struct epoll_event e = {.events = ev | EPOLLONESHOT,
                            .data.u64 = ((uint64_t)es_gens[slot] << 32) | slot};
    epoll_ctl(es_epfd, EPOLL_CTL_MOD, sk->fd, &e);
}

/* Under es_lock: what epoll reported for sk. */
static void es_process(struct sock *sk, uint32_t ev)
{
    uint32_t f = sk_flags(sk);
    if (f & SF_LISTENING) {
        if (ev & EPOLLIN)
            es_record(sk, FD_ACCEPT_BIT, 0);
        return;
    }
    if (f & SF_CONNECTING) {
        if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        int err = 0;
        if (sockos_connected(sk->fd)) {
            atomic_fetch_or(&sk->flags, SF_CONNECTED);
        } else {
            err = sockos_so_error(sk->fd);
            atomic_store(&sk->so_error, err);
            err = err ? wsa_error(err) : WSAECONNREFUSED;
        }
        atomic_fetch_and(&sk->flags, ~SF_CONNECTING);
        es_record(sk, FD_CONNECT_BIT, err);
        if (!err)
            es_record(sk, FD_WRITE_BIT, 0);
        return;
    }
    if (sk->type == SOCK_STREAM && !(f & SF_CONNECTED))
        return;
    if (ev & EPOLLPRI)
        es_record(sk, FD_OOB_BIT, 0);
    if (ev & EPOLLOUT)
        es_record(sk, FD_WRITE_BIT, 0);
    if (sk->type != SOCK_STREAM) {
        if (ev & (EPOLLIN | EPOLLERR))
            es_record(sk, FD_READ_BIT, 0);
        return;
    }
    uint32_t n = 0;
    (void)sockos_nread(sk->fd, &n);
    if ((ev & EPOLLIN) && (n || !(ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))))
        es_record(sk, FD_READ_BIT, 0);
    if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        int err = 0;
        if (ev & EPOLLERR) {
            int e = sockos_so_error(sk->fd);
            err = e ? wsa_error(e) : WSAECONNRESET;
        }
        atomic_fetch_or(&sk->flags, SF_EOF);
        es_record(sk, FD_CLOSE_BIT, err);
    }
}

static void *es_watcher(void *arg)
{
    (void)arg;
    struct epoll_event evs[32];
    for (;;) {
        int n = epoll_wait(es_epfd, evs, 32, -1);
        if (n < 0)
            continue; /* EINTR */
        pthread_mutex_lock(&es_lock);
        for (int i = 0; i < n; i++) {
            uint32_t slot = (uint32_t)evs[i].data.u64;
            uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
            if (slot >= es_nslots || es_gens[slot] != gen || !es_slots[slot])
                continue;
            struct sock *sk = es_slots[slot];
            es_process(sk, evs[i].events);
            es_arm(sk);
        }
        pthread_mutex_unlock(&es_lock);
    }
    return NULL;
}

/* Under es_lock: the epoll set and its thread exist. */
static int es_start_locked(void)
{
    if (es_epfd >= 0)
        return 0;
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0)
        return WSAENOBUFS;
    es_epfd = fd;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&t, &attr, es_watcher, NULL);
    pthread_attr_destroy(&attr);
    if (r) {
        close(fd);
        es_epfd = -1;
        return WSAENOBUFS;
    }
    return 0;
}

/* Under es_lock: a watcher slot for sk, registered with no interest. */
static int es_watch_locked(struct sock *sk)
{
    if (sk->es_slot)
        return 0;
    uint32_t slot = 0;
    while (slot < es_nslots && es_slots[slot])
        slot++;
    if (slot == es_nslots) {
        uint32_t n = es_nslots ? es_nslots * 2 : 16;
        struct sock **ns = realloc(es_slots, n * sizeof *ns);
        if (!ns)
            return WSAENOBUFS;
        es_slots = ns;
        uint32_t *ng = realloc(es_gens, n * sizeof *ng);
        if (!ng)
            return WSAENOBUFS;
        es_gens = ng;
        for (uint32_t i = es_nslots; i < n; i++) {
            es_slots[i] = NULL;
            es_gens[i] = 0;
        }
        es_nslots = n;
    }
    struct epoll_event e = {.events = EPOLLONESHOT,
                            .data.u64 = ((uint64_t)es_gens[slot] << 32) | slot};
    if (epoll_ctl(es_epfd, EPOLL_CTL_ADD, sk->fd, &e))
        return wsa_error(errno);
    es_slots[slot] = sk;
    sk->es_slot = slot + 1;
    return 0;
}

/* Under es_lock: drops the registration and the event. */
static struct object *es_unwatch_locked(struct sock *sk)
{
    if (sk->es_slot) {
        uint32_t slot = sk->es_slot - 1;
        epoll_ctl(es_epfd, EPOLL_CTL_DEL, sk->fd, NULL);
        es_slots[slot] = NULL;
        es_gens[slot]++;
        sk->es_slot = 0;
    }
    struct object *ev = arena_ptr(sk->es_event);
    sk->es_event = 0;
    sk->es_mask = 0;
    return ev;
}

static void es_unwatch(struct sock *sk)
{
    pthread_mutex_lock(&es_lock);
    struct object *ev = es_unwatch_locked(sk);
    pthread_mutex_unlock(&es_lock);
    if (ev)
        object_unref(ev);
}

/* A re-enabling call (recv, accept, a send that would block) lets the
 * event be recorded again. */
void es_reenable(struct sock *sk, LONG events)
{
    if (!sk->es_slot)
        return;
    pthread_mutex_lock(&es_lock);
    sk->es_enabled |= events;
    if ((events & FD_READ) && (sk_flags(sk) & SF_EOF) && sk->type == SOCK_STREAM) {
        /* After the peer's close epoll is silent: data still unread is
         * reported from here, as Windows does after each recv. */
        uint32_t n = 0;
        if (!sockos_nread(sk->fd, &n) && n)
            es_record(sk, FD_READ_BIT, 0);
    }
    es_arm(sk);
    pthread_mutex_unlock(&es_lock);
}

/* Under no lock: the state changed (connect started, listen...). */
static void es_state_changed(struct sock *sk)
{
    es_reenable(sk, 0);
}

/* ---- WSAStartup and errors ---- */

WS_EXPORT int WSAAPI WSAStartup(WORD version, LPWSADATA data)
{
    BYTE major = LOBYTE(version), minor = HIBYTE(version);
    if (!data)
        return WSAEFAULT;
    memset(data, 0, sizeof *data);
    data->wHighVersion = MAKEWORD(2, 2);
    strcpy(data->szDescription, "WinSock 2.0");
    strcpy(data->szSystemStatus, "Running");
    if (major < 1) {
        data->wVersion = MAKEWORD(2, 2);
        return WSAVERNOTSUPPORTED;
    }
    if (major == 1) {
        /* Winsock 1.x: the version asked for (1.1 at most) and the old
         * limits, which 2.x callers must ignore and get as 0. */
        data->wVersion = MAKEWORD(1, minor > 1 ? 1 : minor);
        data->iMaxSockets = 32767;
        data->iMaxUdpDg = 65467;
    } else {
        data->wVersion = (major > 2 || minor > 2) ? MAKEWORD(2, 2) : MAKEWORD(2, minor);
    }
    atomic_fetch_add(&ws_started, 1);
    return 0;
}

WS_EXPORT int WSAAPI WSACleanup(void)
{
    int n = atomic_load(&ws_started);
    do {
        if (n <= 0)
            return fail(WSANOTINITIALISED);
    } while (!atomic_compare_exchange_weak(&ws_started, &n, n - 1));
    return 0;
}

WS_EXPORT void WSAAPI WSASetLastError(int err)
{
    SetLastError((DWORD)err);
}

WS_EXPORT int WSAAPI WSAGetLastError(void)
{
    return (int)GetLastError();
}

/* ---- creation and closing ---- */

WS_EXPORT SOCKET WSAAPI socket(int af, int type, int protocol)
{
    int fd, err;
    SOCKET s;
    if (!started())
        return (SOCKET)(intptr_t)fail(WSANOTINITIALISED);
    if ((err = sockos_socket(af, type, protocol, &fd)))
        return (SOCKET)(intptr_t)fail(wsa_error(err));
    if ((err = sock_wrap(fd, af, type, 0, &s)))
        return (SOCKET)(intptr_t)fail(err);
    return s;
}

WS_EXPORT int WSAAPI closesocket(SOCKET s)
{
    /* A socket handle, not a descriptor: closing another process's
     * socket needs no copy of it. */
    struct object *o = NULL;
    if (!started())
        return fail(WSANOTINITIALISED);
    if (handle_ref((HANDLE)(uintptr_t)s, &socket_type, 0, &o, NULL))
        return fail(WSAENOTSOCK);
    object_unref(o);
    if (!CloseHandle((HANDLE)(uintptr_t)s))
        return fail(WSAENOTSOCK); /* closed by another thread meanwhile */
    return 0;
}

WS_EXPORT int WSAAPI shutdown(SOCKET s, int how)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (how < SD_RECEIVE || how > SD_BOTH)
        err = WSAEINVAL;
    else if ((err = sockos_shutdown(sk->fd, how)))
        /* ENOTCONN after both sides closed: Linux forgets the connection,
         * Windows still shuts the socket down. */
        err = err == ENOTCONN && (sk_flags(sk) & SF_CONNECTED) ? 0 : wsa_error(err);
    if (!err)
        atomic_fetch_or(&sk->flags, (how != SD_SEND ? SF_SHUT_RD : 0) |
                                        (how != SD_RECEIVE ? SF_SHUT_WR : 0));
    sock_put(sk);
    return err ? fail(err) : 0;
}

/* ---- addresses and connections ---- */

WS_EXPORT int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    err = sockos_bind(sk->fd, name, namelen);
    sock_put(sk);
    return err ? fail(wsa_error(err)) : 0;
}

WS_EXPORT int WSAAPI listen(SOCKET s, int backlog)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (sk->type != SOCK_STREAM)
        err = WSAEOPNOTSUPP;
    else if (sk_flags(sk) & (SF_CONNECTED | SF_CONNECTING))
        err = WSAEISCONN;
    else if (!sockos_bound(sk->fd))
        err = WSAEINVAL; /* Linux would bind a port of its choosing */
    else if ((err = sockos_listen(sk->fd, backlog)))
        err = wsa_error(err);
    else
        atomic_fetch_or(&sk->flags, SF_LISTENING);
    if (!err)
        es_state_changed(sk);
    sock_put(sk);
    return err ? fail(err) : 0;
}

/* A blocking call that failed because Linux's SO_RCVTIMEO/SO_SNDTIMEO ran
 * out reports EAGAIN; Windows calls that WSAETIMEDOUT. */
int io_error(struct sock *sk, int err)
{
    if (sock_closed(sk))
        return WSAEINTR;
    if (err == EAGAIN && !(sk_flags(sk) & SF_NONBLOCK))
        return WSAETIMEDOUT;
    return wsa_error(err);
}

WS_EXPORT SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen)
{
    struct sock *sk;
    int fd, err = sock_get(s, &sk);
    SOCKET ns = INVALID_SOCKET;
    if (err)
        return (SOCKET)(intptr_t)fail(err);
    if (!(sk_flags(sk) & SF_LISTENING))
        err = WSAEINVAL;
    else if ((err = sockos_accept(sk->fd, addr, addrlen, &fd)))
        err = io_error(sk, err);
    else if (sock_closed(sk))
        err = WSAEINTR, sockos_close(fd);
    else
        err = sock_wrap(fd, sk->af, sk->type, SF_CONNECTED, &ns);
    if (!err || err == WSAEWOULDBLOCK)
        es_reenable(sk, FD_ACCEPT);
    sock_put(sk);
    return err ? (SOCKET)(intptr_t)fail(err) : ns;
}

WS_EXPORT int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    uint32_t f = sk_flags(sk);
    if (f & SF_LISTENING)
        err = WSAEINVAL;
    else if ((f & SF_CONNECTING) && sk->type == SOCK_STREAM)
        err = WSAEALREADY;
    else if (!(err = sockos_connect(sk->fd, name, namelen)))
        atomic_fetch_or(&sk->flags, SF_CONNECTED);
    else if (err == EINPROGRESS)
        atomic_fetch_or(&sk->flags, SF_CONNECTING), err = WSAEWOULDBLOCK;
    else
        err = io_error(sk, err);
    if (!err || err == WSAEWOULDBLOCK)
        es_state_changed(sk);
    sock_put(sk);
    return err ? fail(err) : 0;
}

static int sock_name(SOCKET s, bool peer, struct sockaddr *name, int *namelen)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (!peer && sk->af != AF_UNIX && !sockos_bound(sk->fd))
        err = WSAEINVAL; /* Windows: not bound yet */
    else if ((err = sockos_name(sk->fd, peer, name, namelen)))
        err = wsa_error(err);
    sock_put(sk);
    return err ? fail(err) : 0;
}

WS_EXPORT int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen)
{
    return sock_name(s, false, name, namelen);
}

WS_EXPORT int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen)
{
    return sock_name(s, true, name, namelen);
}

/* ---- data ---- */

static int sock_send(SOCKET s, const char *buf, int len, int flags,
                     const struct sockaddr *to, int tolen)
{
    struct sock *sk;
    int done = 0, err = sock_get(s, &sk);
    if (err)
        return fail(err);
    uint32_t f = sk_flags(sk);
    if (f & SF_SHUT_WR)
        err = WSAESHUTDOWN;
    else if (sk->type == SOCK_STREAM && !(f & SF_CONNECTED) && !sockos_connected(sk->fd))
        err = WSAENOTCONN;
    else if (sk->type != SOCK_STREAM && !to && !sockos_connected(sk->fd))
        err = WSAENOTCONN;
    else if ((err = sockos_send(sk->fd, buf, len, flags,
                                sk->type == SOCK_STREAM ? NULL : to, tolen, &done)))
        err = io_error(sk, err);
    if (err == WSAEWOULDBLOCK)
        es_reenable(sk, FD_WRITE);
    sock_put(sk);
    return err ? fail(err) : done;
}

WS_EXPORT int WSAAPI send(SOCKET s, const char *buf, int len, int flags)
{
    return sock_send(s, buf, len, flags, NULL, 0);
}

WS_EXPORT int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags,
                           const struct sockaddr *to, int tolen)
{
    return sock_send(s, buf, len, flags, to, tolen);
}

static int sock_recv(SOCKET s, char *buf, int len, int flags, struct sockaddr *from,
                     int *fromlen)
{
    struct sock *sk;
    int done = 0, err = sock_get(s, &sk);
    if (err)
        return fail(err);
    uint32_t f = sk_flags(sk);
    if (f & SF_SHUT_RD)
        err = WSAESHUTDOWN;
    else if (sk->type == SOCK_STREAM && !(f & SF_CONNECTED) && !sockos_connected(sk->fd))
        err = WSAENOTCONN;
    else if (sk->type != SOCK_STREAM && !sockos_bound(sk->fd))
        err = WSAEINVAL; /* Windows: recvfrom before bind */
    else if ((err = sockos_recv(sk->fd, buf, len, flags, from, fromlen, &done)))
        err = io_error(sk, err);
    else if (done == 0 && len > 0 && sock_closed(sk))
        err = WSAEINTR; /* woken by closesocket in another thread */
    es_reenable(sk, (flags & MSG_OOB) ? FD_OOB : FD_READ);
    sock_put(sk);
    return err ? fail(err) : done;
}

WS_EXPORT int WSAAPI recv(SOCKET s, char *buf, int len, int flags)
{
    return sock_recv(s, buf, len, flags, NULL, NULL);
}

WS_EXPORT int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags,
                             struct sockaddr *from, int *fromlen)
{
    return sock_recv(s, buf, len, flags, from, fromlen);
}

/* ---- options and ioctls ---- */

WS_EXPORT int WSAAPI setsockopt(SOCKET s, int level, int name, const char *val, int len)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (level == SOL_SOCKET && (name == 0x700B || name == 0x7010)) {
        /* SO_UPDATE_ACCEPT_CONTEXT (the listening SOCKET) and
         * SO_UPDATE_CONNECT_CONTEXT (none) after AcceptEx/ConnectEx: Windows
         * then fills in the socket's state; AcceptEx and ConnectEx here
         * leave it complete already (sockio.c), so only the argument is
         * checked. */
        if (name == 0x700B && (!val || len < (int)sizeof(SOCKET)))
            err = WSAEFAULT;
        else if (!(sk_flags(sk) & SF_CONNECTED))
            err = WSAENOTCONN;
        sock_put(sk);
        return err ? fail(err) : 0;
    }
    if (level == SOL_SOCKET && (name == SO_REUSEADDR || name == SO_EXCLUSIVEADDRUSE)) {
        int v = 0;
        if (!val || len < (int)sizeof v) {
            err = WSAEFAULT;
        } else {
            memcpy(&v, val, sizeof v);
            /* Both are kept at the Windows level; for datagram sockets
             * SO_REUSEADDR shares a port as Linux's does. */
            if (name == SO_REUSEADDR) {
                if (v)
                    atomic_fetch_or(&sk->flags, SF_REUSEADDR);
                else
                    atomic_fetch_and(&sk->flags, ~SF_REUSEADDR);
                if (sk->type != SOCK_STREAM)
                    err = sockos_set_linux_reuseaddr(sk->fd, v != 0);
                err = err ? wsa_error(err) : 0;
            } else if (v && (sk_flags(sk) & SF_REUSEADDR)) {
                err = WSAEINVAL;
            }
        }
    } else if (level == SOL_SOCKET && name == SO_ERROR) {
        err = WSAENOPROTOOPT;
    } else if ((err = sockos_setopt(sk->fd, level, name, val, len))) {
        err = wsa_error(err);
    } else if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
        uint32_t ms;
        memcpy(&ms, val, sizeof ms);
        atomic_store(name == SO_RCVTIMEO ? &sk->rcvtimeo : &sk->sndtimeo, ms);
    }
    sock_put(sk);
    return err ? fail(err) : 0;
}

WS_EXPORT int WSAAPI getsockopt(SOCKET s, int level, int name, char *val, int *len)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (level == SOL_SOCKET &&
        (name == SO_REUSEADDR || name == SO_EXCLUSIVEADDRUSE || name == SO_ERROR)) {
        int v;
        if (!val || !len || *len < (int)sizeof v) {
            err = WSAEFAULT;
        } else {
            if (name == SO_REUSEADDR) {
                v = (sk_flags(sk) & SF_REUSEADDR) != 0;
            } else if (name == SO_EXCLUSIVEADDRUSE) {
                v = 0;
            } else {
                int e = atomic_exchange(&sk->so_error, 0);
                if (!e)
                    e = sockos_so_error(sk->fd);
                v = e ? wsa_error(e) : 0;
            }
            memcpy(val, &v, sizeof v);
            *len = sizeof v;
        }
    } else if ((err = sockos_getopt(sk->fd, level, name, val, len))) {
        err = wsa_error(err);
    } else if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
        uint32_t ms = atomic_load(name == SO_RCVTIMEO ? &sk->rcvtimeo : &sk->sndtimeo);
        memcpy(val, &ms, sizeof ms);
    }
    sock_put(sk);
    return err ? fail(err) : 0;
}

WS_EXPORT int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long *argp)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (!argp) {
        err = WSAEFAULT;
    } else if ((ULONG)cmd == (ULONG)FIONBIO) {
        bool on = *argp != 0;
        if (!on && atomic_load(&sk->es_slot))
            err = WSAEINVAL; /* WSAEventSelect keeps it nonblocking */
        else if ((err = sockos_nonblock(sk->fd, on)))
            err = wsa_error(err);
        else if (on)
            atomic_fetch_or(&sk->flags, SF_NONBLOCK);
        else
            atomic_fetch_and(&sk->flags, ~SF_NONBLOCK);
    } else if ((ULONG)cmd == (ULONG)FIONREAD) {
        uint32_t n = 0;
        if (sk_flags(sk) & SF_LISTENING)
            n = 0;
        else if ((err = sockos_nread(sk->fd, &n)))
            err = wsa_error(err);
        if (!err)
            *argp = n;
    } else if ((ULONG)cmd == (ULONG)SIOCATMARK) {
        bool at = true;
        if ((err = sockos_atmark(sk->fd, &at)))
            err = wsa_error(err);
        else
            *argp = at; /* TRUE: no urgent data waits */
    } else {
        err = WSAEINVAL;
    }
    sock_put(sk);
    return err ? fail(err) : 0;
}

/* ---- select ---- */

WS_EXPORT int WSAAPI __WSAFDIsSet(SOCKET fd, fd_set *set)
{
    for (u_int i = 0; i < set->fd_count; i++)
        if (set->fd_array[i] == fd)
            return 1;
    return 0;
}

struct sel {
    SOCKET s;
    struct sock *sk;
    int sets; /* bit 0 read, 1 write, 2 except */
    int ready;
};

/* What poll said, in Windows' terms, for the sets the socket is in. */
static int sel_ready(struct sel *e, short re)
{
    struct sock *sk = e->sk;
    uint32_t f = sk_flags(sk);
    int ready = 0;
    if (f & SF_CONNECTING) {
        /* Windows: a finished connect is writable, a failed one is in the
         * except set. */
        if (re & (SP_OUT | SP_ERR | SP_HUP)) {
            if (sockos_connected(sk->fd)) {
                atomic_fetch_or(&sk->flags, SF_CONNECTED);
                ready |= 2;
            } else {
                atomic_store(&sk->so_error, sockos_so_error(sk->fd));
                ready |= 4;
            }
            atomic_fetch_and(&sk->flags, ~SF_CONNECTING);
        }
        return ready & e->sets;
    }
    if (sk->type == SOCK_STREAM && !(f & (SF_CONNECTED | SF_LISTENING)))
        return 0; /* idle: Linux calls an unconnected socket hung up */
    if (re & (SP_IN | SP_HUP | SP_ERR | SP_RDHUP))
        ready |= 1;
    if ((re & SP_OUT) && !(f & SF_LISTENING))
        ready |= 2;
    if (re & SP_PRI)
        ready |= 4;
    return ready & e->sets;
}

static int sel_add(struct sel *v, unsigned *n, fd_set *set, int bit)
{
    if (!set)
        return 0;
    for (u_int i = 0; i < set->fd_count; i++) {
        SOCKET s = set->fd_array[i];
        unsigned j;
        for (j = 0; j < *n && v[j].s != s; j++)
            ;
        if (j == *n) {
            int err = sock_get(s, &v[j].sk);
            if (err)
                return err;
            v[j].s = s;
            v[j].sets = 0;
            v[j].ready = 0;
            (*n)++;
        }
        v[j].sets |= bit;
    }
    return 0;
}

/* Keeps the sockets of `set` that are ready for `bit`. */
static int sel_keep(fd_set *set, struct sel *v, unsigned n, int bit)
{
    if (!set)
        return 0;
    u_int k = 0;
    for (u_int i = 0; i < set->fd_count; i++)
        for (unsigned j = 0; j < n; j++)
            if (v[j].s == set->fd_array[i] && (v[j].ready & bit)) {
                set->fd_array[k++] = set->fd_array[i];
                break;
            }
    set->fd_count = k;
    return (int)k;
}

WS_EXPORT int WSAAPI select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                           const TIMEVAL *timeout)
{
    (void)nfds; /* ignored, as on Windows */
    if (!started())
        return fail(WSANOTINITIALISED);
    size_t total = (rd ? rd->fd_count : 0) + (wr ? wr->fd_count : 0) +
                   (ex ? ex->fd_count : 0);
    if (total == 0)
        return fail(WSAEINVAL);
    int ms = -1;
    if (timeout) {
        if (timeout->tv_sec < 0 || timeout->tv_usec < 0)
            return fail(WSAEINVAL);
        int64_t t = (int64_t)timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000;
        ms = t > INT32_MAX ? INT32_MAX : (int)t;
    }
    struct sel *v = calloc(total, sizeof *v);
    struct sockos_poll *p = calloc(total, sizeof *p);
    unsigned n = 0;
    int err = v && p ? 0 : WSAENOBUFS;
    if (!err)
        err = sel_add(v, &n, rd, 1);
    if (!err)
        err = sel_add(v, &n, wr, 2);
    if (!err)
        err = sel_add(v, &n, ex, 4);
    int count = 0;
    if (!err) {
        for (unsigned j = 0; j < n; j++) {
            p[j].fd = v[j].sk->fd;
            p[j].events = (short)(((v[j].sets & 1) ? SP_IN | SP_RDHUP : 0) |
                                  ((v[j].sets & 2) ? SP_OUT : 0) |
                                  ((v[j].sets & 4) ? SP_PRI | SP_OUT : 0));
        }
        /* Polls until something Windows would call ready (an idle stream
         * socket polls as hung up on Linux and must not end the wait). */
        int64_t deadline = ms < 0 ? -1 : time_mono_ns() + (int64_t)ms * 1000000;
        for (;;) {
            int left = -1, got;
            if (deadline >= 0) {
                int64_t l = deadline - time_mono_ns();
                left = l <= 0 ? 0 : (int)((l + 999999) / 1000000);
            }
            if ((err = sockos_poll(p, n, left, &got))) {
                err = wsa_error(err);
                break;
            }
            int any = 0;
            for (unsigned j = 0; j < n; j++) {
                v[j].ready = p[j].revents ? sel_ready(&v[j], p[j].revents) : 0;
                if (v[j].ready)
                    any = 1;
                else if (p[j].revents)
                    p[j].fd = -1; /* idle socket: poll reports its hang-up
                                     whatever it is asked; stop polling it */
            }
            if (any || left == 0)
                break;
        }
        if (!err)
            count = sel_keep(rd, v, n, 1) + sel_keep(wr, v, n, 2) + sel_keep(ex, v, n, 4);
    }
    for (unsigned j = 0; v && j < n; j++)
        sock_put(v[j].sk);
    free(v);
    free(p);
    return err ? fail(err) : count;
}

/* ---- event objects and WSAEventSelect ---- */

WS_EXPORT WSAEVENT WSAAPI WSACreateEvent(void)
{
    return CreateEventW(NULL, TRUE, FALSE, NULL);
}

WS_EXPORT BOOL WSAAPI WSACloseEvent(WSAEVENT h)
{
    return CloseHandle(h);
}

WS_EXPORT BOOL WSAAPI WSASetEvent(WSAEVENT h)
{
    return SetEvent(h);
}

WS_EXPORT BOOL WSAAPI WSAResetEvent(WSAEVENT h)
{
    return ResetEvent(h);
}

WS_EXPORT DWORD WSAAPI WSAWaitForMultipleEvents(DWORD n, const WSAEVENT *events,
                                               BOOL all, DWORD timeout, BOOL alertable)
{
    return WaitForMultipleObjectsEx(n, events, all, timeout, alertable);
}

WS_EXPORT int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT event, LONG mask)
{
    struct sock *sk;
    struct object *ev = NULL, *old = NULL;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (mask) {
        ws_rcu_lock();
        DWORD e = handle_get(event, &event_type, EVENT_MODIFY_STATE, &ev, NULL);
        if (!e)
            object_ref(ev);
        ws_rcu_unlock();
        if (e)
            err = WSAEINVAL;
        else if ((err = sockos_nonblock(sk->fd, true)))
            err = wsa_error(err);
        else
            atomic_fetch_or(&sk->flags, SF_NONBLOCK);
    }
    if (!err) {
        pthread_mutex_lock(&es_lock);
        old = es_unwatch_locked(sk);
        sk->es_pending = 0;
        memset(sk->es_errors, 0, sizeof sk->es_errors);
        if (mask && !(err = es_start_locked()) && !(err = es_watch_locked(sk))) {
            sk->es_event = arena_off(ev);
            sk->es_mask = mask;
            sk->es_enabled = FD_ALL_EVENTS;
            ev = NULL; /* the socket holds the reference now */
            es_arm(sk);
        }
        pthread_mutex_unlock(&es_lock);
    }
    if (ev)
        object_unref(ev);
    if (old)
        object_unref(old);
    sock_put(sk);
    return err ? fail(err) : 0;
}

WS_EXPORT int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT event,
                                         LPWSANETWORKEVENTS out)
{
    struct sock *sk;
    int err = sock_get(s, &sk);
    if (err)
        return fail(err);
    if (!out) {
        sock_put(sk);
        return fail(WSAEFAULT);
    }
    if (event && !ResetEvent(event)) {
        sock_put(sk);
        return fail(WSAEINVAL);
    }
    pthread_mutex_lock(&es_lock);
    out->lNetworkEvents = sk->es_pending;
    for (int i = 0; i < FD_MAX_EVENTS; i++)
        out->iErrorCode[i] = (sk->es_pending & (1L << i)) ? sk->es_errors[i] : 0;
    sk->es_pending = 0;
    pthread_mutex_unlock(&es_lock);
    sock_put(sk);
    return 0;
}

/* ---- names and addresses ---- */

WS_EXPORT ULONG WSAAPI htonl(ULONG v)
{
    return __builtin_bswap32(v);
}

WS_EXPORT ULONG WSAAPI ntohl(ULONG v)
{
    return __builtin_bswap32(v);
}

WS_EXPORT u_short WSAAPI htons(u_short v)
{
    return __builtin_bswap16(v);
}

WS_EXPORT u_short WSAAPI ntohs(u_short v)
{
    return __builtin_bswap16(v);
}

WS_EXPORT ULONG WSAAPI inet_addr(const char *cp)
{
    if (!cp)
        return INADDR_NONE;
    return sockos_inet_addr(cp);
}

WS_EXPORT char *WSAAPI inet_ntoa(struct in_addr in)
{
    /* One buffer per thread, as Windows keeps it. */
    static __thread char buf[16];
    const UCHAR *b = &in.S_un.S_un_b.s_b1;
    snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

WS_EXPORT INT WSAAPI inet_pton(INT af, PCSTR src, PVOID dst)
{
    if (!src || !dst) {
        ws_set_last_error(WSAEFAULT);
        return -1;
    }
    int r = sockos_pton(af, src, dst);
    if (r <= 0) /* 0, not an address: WSAEINVAL, as Wine sets it */
        ws_set_last_error(r < 0 ? WSAEAFNOSUPPORT : WSAEINVAL);
    return r;
}

/* The wide forms: addresses are ASCII, so a string that is not is no
 * address (0), and the result is widened. */
WS_EXPORT INT WSAAPI InetPtonW(INT af, PCWSTR src, PVOID dst)
{
    if (!src || !dst) {
        ws_set_last_error(WSAEFAULT);
        return -1;
    }
    char a[INET6_ADDRSTRLEN + 1];
    size_t n = 0;
    for (; src[n]; n++) {
        if (src[n] >= 0x80 || n + 1 >= sizeof a) {
            if (af != AF_INET && af != AF_INET6)
                break; /* the family is checked first, as in inet_pton */
            ws_set_last_error(WSAEINVAL);
            return 0;
        }
        a[n] = (char)src[n];
    }
    a[n] = 0;
    return inet_pton(af, a, dst);
}

WS_EXPORT PCWSTR WSAAPI InetNtopW(INT af, const VOID *src, PWSTR dst, size_t size)
{
    char a[INET6_ADDRSTRLEN];
    if (!src || !dst) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!inet_ntop(af, src, a, sizeof a))
        return NULL;
    size_t n = strlen(a);
    if (n + 1 > size) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    for (size_t i = 0; i <= n; i++)
        dst[i] = (WCHAR)(unsigned char)a[i];
    return dst;
}

WS_EXPORT PCSTR WSAAPI inet_ntop(INT af, const VOID *src, PSTR dst, size_t size)
{
    int err = 0;
    if (!src || !dst) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    const char *r = sockos_ntop(af, src, dst, size, &err);
    if (!r)
        ws_set_last_error(err == EAFNOSUPPORT ? WSAEAFNOSUPPORT : ERROR_INVALID_PARAMETER);
    return r;
}

WS_EXPORT int WSAAPI getaddrinfo(const char *node, const char *service,
                                const struct addrinfo *hints, struct addrinfo **res)
{
    if (!started()) {
        ws_set_last_error(WSANOTINITIALISED);
        return WSANOTINITIALISED;
    }
    int r = sockos_getaddrinfo(node, service, (const struct ws_addrinfo *)hints,
                               (struct ws_addrinfo **)res);
    if (r)
        ws_set_last_error((DWORD)r);
    return r;
}

WS_EXPORT void WSAAPI freeaddrinfo(LPADDRINFO ai)
{
    sockos_freeaddrinfo((struct ws_addrinfo *)ai);
}

/* getaddrinfo with UTF-16 names: the names go to the resolver as UTF-8
 * (no IDN conversion), and each result node is one block (node, address,
 * canonical name), as getaddrinfo's are. */
static void free_addrinfo_w(ADDRINFOW *ai)
{
    while (ai) {
        ADDRINFOW *next = ai->ai_next;
        free(ai);
        ai = next;
    }
}

WS_EXPORT void WSAAPI FreeAddrInfoW(PADDRINFOW ai)
{
    free_addrinfo_w(ai);
}

static int wide_addrinfo(const ADDRINFOA *a, ADDRINFOW **res)
{
    ADDRINFOW **tail = res;
    for (; a; a = a->ai_next) {
        WCHAR *canon = a->ai_canonname ? utf8_to_utf16_dup(a->ai_canonname) : NULL;
        if (a->ai_canonname && !canon)
            return WSA_NOT_ENOUGH_MEMORY;
        size_t clen = canon ? (wstrlen(canon) + 1) * sizeof(WCHAR) : 0;
        size_t off = (sizeof(ADDRINFOW) + a->ai_addrlen + 7) & ~(size_t)7;
        ADDRINFOW *w = calloc(1, off + clen);
        if (!w) {
            free(canon);
            return WSA_NOT_ENOUGH_MEMORY;
        }
        w->ai_flags = a->ai_flags;
        w->ai_family = a->ai_family;
        w->ai_socktype = a->ai_socktype;
        w->ai_protocol = a->ai_protocol;
        w->ai_addrlen = a->ai_addrlen;
        w->ai_addr = (struct sockaddr *)(w + 1);
        memcpy(w->ai_addr, a->ai_addr, a->ai_addrlen);
        if (canon) {
            w->ai_canonname = (PWSTR)((char *)w + off);
            memcpy(w->ai_canonname, canon, clen);
            free(canon);
        }
        *tail = w;
        tail = &w->ai_next;
    }
    return 0;
}

WS_EXPORT int WSAAPI GetAddrInfoW(PCWSTR node, PCWSTR service, const ADDRINFOW *hints,
                                 PADDRINFOW *res)
{
    char *n8 = NULL, *s8 = NULL;
    ADDRINFOA *a = NULL;
    int r = 0;
    if (res)
        *res = NULL;
    if (!started())
        r = WSANOTINITIALISED;
    else if ((node && !(n8 = utf16_to_utf8_dup(node, -1, NULL))) ||
             (service && !(s8 = utf16_to_utf8_dup(service, -1, NULL))))
        r = WSA_NOT_ENOUGH_MEMORY;
    else
        r = sockos_getaddrinfo(n8, s8, (const struct ws_addrinfo *)hints,
                               res ? (struct ws_addrinfo **)&a : NULL);
    free(n8);
    free(s8);
    if (!r && (r = wide_addrinfo(a, res)) != 0) {
        free_addrinfo_w(*res);
        *res = NULL;
    }
    sockos_freeaddrinfo((struct ws_addrinfo *)a);
    if (r)
        ws_set_last_error((DWORD)r);
    return r;
}

WS_EXPORT int WSAAPI getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                                DWORD hostlen, char *serv, DWORD servlen, int flags)
{
    int r = started() ? sockos_getnameinfo(sa, (int)salen, host, hostlen, serv, servlen, flags)
                      : WSANOTINITIALISED;
    if (r)
        ws_set_last_error((DWORD)r);
    return r;
}

/* Through getnameinfo with room for any name, then narrowed to the
 * caller's sizes in WCHARs. */
static int widen_name(const char *s, PWCHAR out, DWORD size)
{
    int n = utf8_to_utf16(s, out, size);
    if (n >= 0)
        return 0;
    if (size)
        out[0] = 0;
    return WSAEFAULT;
}

WS_EXPORT INT WSAAPI GetNameInfoW(const SOCKADDR *sa, socklen_t salen, PWCHAR host,
                                 DWORD hostlen, PWCHAR serv, DWORD servlen, INT flags)
{
    char h[NI_MAXHOST], s[NI_MAXSERV];
    int r = started() ? sockos_getnameinfo(sa, (int)salen, host ? h : NULL,
                                           hostlen ? sizeof h : 0, serv ? s : NULL,
                                           servlen ? sizeof s : 0, flags)
                      : WSANOTINITIALISED;
    if (!r && host)
        r = widen_name(h, host, hostlen);
    if (!r && serv)
        r = widen_name(s, serv, servlen);
    if (r)
        ws_set_last_error((DWORD)r);
    return r;
}

WS_EXPORT int WSAAPI gethostname(char *name, int len)
{
    if (!started())
        return fail(WSANOTINITIALISED);
    int err = sockos_hostname(name, len);
    return err ? fail(wsa_error(err)) : 0;
}

WS_EXPORT const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
WS_EXPORT const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;
