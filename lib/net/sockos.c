/*
 * The Linux half of Windows Sockets: every system call on a socket's
 * descriptor and every translation of a Windows constant or address to
 * its Linux value and back (sockos.h says why the halves are apart).
 *
 * Addresses: a Windows sockaddr_in, sockaddr_in6 or sockaddr_un has the
 * Linux layout byte for byte (16, 28 and 110 bytes); only the value of the
 * family field differs (AF_INET6 is 23 against 10).  So a conversion is a
 * copy with the family rewritten, plus the Windows length rules: a buffer
 * shorter than the address is WSAEFAULT where Linux would truncate.
 *
 * No state lives here; socket.c owns the objects and their locking.
 */
#define _GNU_SOURCE 1 /* accept4, POLLRDHUP */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/clock.h"
#include "net/sockos.h"

/* ---- families and addresses ---- */

static int af_to_linux(int af)
{
    switch (af) {
    case WS_AF_UNSPEC: return AF_UNSPEC;
    case WS_AF_UNIX: return AF_UNIX;
    case WS_AF_INET: return AF_INET;
    case WS_AF_INET6: return AF_INET6;
    default: return -1;
    }
}

static int af_to_windows(int af)
{
    switch (af) {
    case AF_UNIX: return WS_AF_UNIX;
    case AF_INET: return WS_AF_INET;
    case AF_INET6: return WS_AF_INET6;
    default: return -1;
    }
}

/* Windows address -> Linux. */
static int addr_in(const void *addr, int len, struct sockaddr_storage *ss,
                   socklen_t *slen)
{
    uint16_t wf;
    size_t need;
    if (!addr || len < (int)sizeof wf)
        return EFAULT;
    memcpy(&wf, addr, sizeof wf);
    int af = af_to_linux(wf);
    switch (af) {
    case AF_INET: need = sizeof(struct sockaddr_in); break;
    case AF_INET6: need = sizeof(struct sockaddr_in6); break;
    case AF_UNIX:
        need = (size_t)len < sizeof(struct sockaddr_un) ? (size_t)len
                                                         : sizeof(struct sockaddr_un);
        break;
    default: return EAFNOSUPPORT;
    }
    if ((size_t)len < need)
        return EFAULT;
    memset(ss, 0, sizeof *ss);
    memcpy(ss, addr, need);
    ss->ss_family = (sa_family_t)af;
    *slen = (socklen_t)need;
    return 0;
}

/* Linux address -> Windows; both addr and len NULL: not wanted. */
static int addr_out(const struct sockaddr_storage *ss, socklen_t slen, void *addr,
                    int *len)
{
    if (!addr && !len)
        return 0;
    if (!addr || !len)
        return EFAULT;
    int wf = af_to_windows(ss->ss_family);
    if (wf < 0)
        return EAFNOSUPPORT;
    if (*len < 0 || (size_t)*len < slen)
        return EFAULT;
    memcpy(addr, ss, slen);
    uint16_t f = (uint16_t)wf;
    memcpy(addr, &f, sizeof f);
    *len = (int)slen;
    return 0;
}

/* ---- creation and the plain calls ---- */

int sockos_socket(int af, int type, int protocol, int *fd)
{
    int laf = af_to_linux(af);
    if (laf < 0 || laf == AF_UNSPEC)
        return EAFNOSUPPORT;
    if (type < 1 || type > 5)
        return ESOCKTNOSUPPORT;
    int s = socket(laf, type | SOCK_CLOEXEC, protocol);
    if (s < 0)
        return errno == EINVAL ? EPROTONOSUPPORT : errno;
    int on = 1;
    /* Windows lets a server bind its port again while old connections sit
     * in TIME_WAIT; on Linux that takes SO_REUSEADDR.  A port with a live
     * listener still refuses (WSAEADDRINUSE). */
    if (type == SOCK_STREAM && laf != AF_UNIX)
        (void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    /* Windows' IPv6 sockets are IPv6-only by default. */
    if (laf == AF_INET6)
        (void)setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    *fd = s;
    return 0;
}

void sockos_close(int fd)
{
    close(fd);
}

int sockos_bind(int fd, const void *addr, int len)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    int err = addr_in(addr, len, &ss, &slen);
    if (err)
        return err;
    return bind(fd, (struct sockaddr *)&ss, slen) ? errno : 0;
}

int sockos_connect(int fd, const void *addr, int len)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    int err = addr_in(addr, len, &ss, &slen);
    if (err)
        return err;
    /* Windows refuses the unspecified address and port 0, where Linux
     * would connect to itself. */
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        if (in->sin_addr.s_addr == INADDR_ANY || in->sin_port == 0)
            return EADDRNOTAVAIL;
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
        if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) || in6->sin6_port == 0)
            return EADDRNOTAVAIL;
    }
    while (connect(fd, (struct sockaddr *)&ss, slen)) {
        if (errno != EINTR)
            return errno;
        /* Interrupted: the connection goes on; wait for its outcome. */
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        while (poll(&p, 1, -1) < 0 && errno == EINTR)
            ;
        int e = sockos_so_error(fd);
        return e;
    }
    return 0;
}

int sockos_listen(int fd, int backlog)
{
    if (backlog < 0) /* SOMAXCONN_HINT(n) is -n */
        backlog = -backlog;
    return listen(fd, backlog) ? errno : 0;
}

int sockos_accept(int fd, void *addr, int *len, int *newfd)
{
    struct sockaddr_storage ss;
    socklen_t slen = sizeof ss;
    if ((addr || len) && (!addr || !len))
        return EFAULT;
    int s;
    while ((s = accept4(fd, (struct sockaddr *)&ss, &slen, SOCK_CLOEXEC)) < 0)
        if (errno != EINTR)
            return errno;
    int err = addr_out(&ss, slen, addr, len);
    if (err) {
        close(s);
        return err;
    }
    *newfd = s;
    return 0;
}

int sockos_accept_now(int fd, int *newfd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    while ((r = poll(&p, 1, 0)) < 0)
        if (errno != EINTR)
            return errno;
    if (!r)
        return EAGAIN;
    return sockos_accept(fd, NULL, NULL, newfd);
}

int sockos_replace(int newfd, int oldfd)
{
    int r;
    while ((r = dup3(newfd, oldfd, O_CLOEXEC)) < 0 && errno == EINTR)
        ;
    int err = r < 0 ? errno : 0;
    close(newfd);
    return err;
}

static int msg_flags(int flags, int *lflags)
{
    if (flags & ~(WS_MSG_OOB | WS_MSG_PEEK | WS_MSG_DONTROUTE | WS_MSG_WAITALL))
        return EOPNOTSUPP;
    *lflags = ((flags & WS_MSG_OOB) ? MSG_OOB : 0) |
              ((flags & WS_MSG_PEEK) ? MSG_PEEK : 0) |
              ((flags & WS_MSG_DONTROUTE) ? MSG_DONTROUTE : 0) |
              ((flags & WS_MSG_WAITALL) ? MSG_WAITALL : 0);
    return 0;
}

/* The vectored forms (WSASend/WSARecv): struct sockos_iov is laid out as
 * struct iovec (checked below); nonblock adds MSG_DONTWAIT, so that the
 * overlapped engine never sleeps in the kernel. */
_Static_assert(sizeof(struct sockos_iov) == sizeof(struct iovec) &&
                   offsetof(struct sockos_iov, base) == offsetof(struct iovec, iov_base) &&
                   offsetof(struct sockos_iov, len) == offsetof(struct iovec, iov_len),
               "struct sockos_iov must be struct iovec");

int sockos_sendv(int fd, const struct sockos_iov *iov, unsigned n, int flags,
                 const void *to, int tolen, bool nonblock, size_t *done)
{
    struct sockaddr_storage ss;
    socklen_t slen = 0;
    int lflags, err;
    if ((err = msg_flags(flags, &lflags)))
        return err;
    if (to && (err = addr_in(to, tolen, &ss, &slen)))
        return err;
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = to ? &ss : NULL;
    m.msg_namelen = slen;
    m.msg_iov = (struct iovec *)(uintptr_t)iov;
    m.msg_iovlen = n;
    lflags |= MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0);
    ssize_t r;
    while ((r = sendmsg(fd, &m, lflags)) < 0)
        if (errno != EINTR)
            return errno;
    *done = (size_t)r;
    return 0;
}

int sockos_recvv(int fd, const struct sockos_iov *iov, unsigned n, int flags,
                 void *from, int *fromlen, bool nonblock, size_t *done)
{
    struct sockaddr_storage ss;
    int lflags, err;
    if (from && (!fromlen || *fromlen < 0))
        return EFAULT;
    if ((err = msg_flags(flags, &lflags)))
        return err;
    struct msghdr m;
    ssize_t r;
    do {
        memset(&m, 0, sizeof m);
        m.msg_name = &ss;
        m.msg_namelen = sizeof ss;
        m.msg_iov = (struct iovec *)(uintptr_t)iov;
        m.msg_iovlen = n;
        r = recvmsg(fd, &m, lflags | (nonblock ? MSG_DONTWAIT : 0));
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return errno;
    if (from && m.msg_namelen &&
        (err = addr_out(&ss, m.msg_namelen, from, fromlen)))
        return err;
    *done = (size_t)r;
    if (m.msg_flags & MSG_TRUNC)
        return EMSGSIZE;
    return 0;
}

/* send/recv and their To/From forms: the vectored calls on one buffer
 * (Windows has no SIGPIPE: sockos_sendv sends with MSG_NOSIGNAL). */
int sockos_send(int fd, const void *buf, int len, int flags, const void *to,
                int tolen, int *done)
{
    if (len < 0 || (len && !buf))
        return EFAULT;
    struct sockos_iov iov = {.base = (void *)(uintptr_t)buf, .len = (size_t)len};
    size_t n = 0;
    int err = sockos_sendv(fd, &iov, 1, flags, to, tolen, false, &n);
    *done = (int)n;
    return err;
}

int sockos_recv(int fd, void *buf, int len, int flags, void *from, int *fromlen,
                int *done)
{
    if (len < 0 || (len && !buf))
        return EFAULT;
    struct sockos_iov iov = {.base = buf, .len = (size_t)len};
    size_t n = 0;
    int err = sockos_recvv(fd, &iov, 1, flags, from, fromlen, false, &n);
    *done = (int)n;
    return err;
}

int sockos_name(int fd, bool peer, void *addr, int *len)
{
    struct sockaddr_storage ss;
    socklen_t slen = sizeof ss;
    if (!addr || !len)
        return EFAULT;
    if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&ss, &slen))
        return errno;
    return addr_out(&ss, slen, addr, len);
}

int sockos_shutdown(int fd, int how)
{
    if (how < 0 || how > 2)
        return EINVAL;
    return shutdown(fd, how) ? errno : 0; /* SD_* equal SHUT_* */
}

bool sockos_bound(int fd)
{
    struct sockaddr_storage ss;
    socklen_t slen = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &slen))
        return false;
    if (ss.ss_family == AF_INET)
        return ((struct sockaddr_in *)&ss)->sin_port != 0;
    if (ss.ss_family == AF_INET6)
        return ((struct sockaddr_in6 *)&ss)->sin6_port != 0;
    return slen > sizeof(sa_family_t);
}

bool sockos_connected(int fd)
{
    struct sockaddr_storage ss;
    socklen_t slen = sizeof ss;
    return getpeername(fd, (struct sockaddr *)&ss, &slen) == 0;
}

int sockos_so_error(int fd)
{
    int e = 0;
    socklen_t l = sizeof e;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l))
        return errno;
    return e;
}

int sockos_nonblock(int fd, bool on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return errno;
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, fl) ? errno : 0;
}

int sockos_nread(int fd, uint32_t *n)
{
    int v = 0;
    if (ioctl(fd, FIONREAD, &v))
        return errno;
    *n = v < 0 ? 0 : (uint32_t)v;
    return 0;
}

int sockos_atmark(int fd, bool *at)
{
    int v = 0;
    if (ioctl(fd, SIOCATMARK, &v))
        return errno;
    *at = v != 0;
    return 0;
}

int sockos_set_linux_reuseaddr(int fd, bool on)
{
    int v = on;
    return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v) ? errno : 0;
}

/* ---- options ---- */

enum opt_kind { OK_INT, OK_BOOL, OK_BUF, OK_MS, OK_LINGER, OK_DONTLINGER };

struct opt_map {
    int level, name;     /* Windows */
    int llevel, lname;   /* Linux */
    enum opt_kind kind;
    bool get_only;
};

static const struct opt_map opts[] = {
    {WS_SOL_SOCKET, WS_SO_DEBUG, SOL_SOCKET, SO_DEBUG, OK_BOOL, false},
    {WS_SOL_SOCKET, WS_SO_ACCEPTCONN, SOL_SOCKET, SO_ACCEPTCONN, OK_BOOL, true},
    {WS_SOL_SOCKET, WS_SO_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, OK_BOOL, false},
    {WS_SOL_SOCKET, WS_SO_DONTROUTE, SOL_SOCKET, SO_DONTROUTE, OK_BOOL, false},
    {WS_SOL_SOCKET, WS_SO_BROADCAST, SOL_SOCKET, SO_BROADCAST, OK_BOOL, false},
    {WS_SOL_SOCKET, WS_SO_OOBINLINE, SOL_SOCKET, SO_OOBINLINE, OK_BOOL, false},
    {WS_SOL_SOCKET, WS_SO_LINGER, SOL_SOCKET, SO_LINGER, OK_LINGER, false},
    {WS_SOL_SOCKET, WS_SO_DONTLINGER, SOL_SOCKET, SO_LINGER, OK_DONTLINGER, false},
    {WS_SOL_SOCKET, WS_SO_SNDBUF, SOL_SOCKET, SO_SNDBUF, OK_BUF, false},
    {WS_SOL_SOCKET, WS_SO_RCVBUF, SOL_SOCKET, SO_RCVBUF, OK_BUF, false},
    {WS_SOL_SOCKET, WS_SO_SNDLOWAT, SOL_SOCKET, SO_SNDLOWAT, OK_INT, false},
    {WS_SOL_SOCKET, WS_SO_RCVLOWAT, SOL_SOCKET, SO_RCVLOWAT, OK_INT, false},
    {WS_SOL_SOCKET, WS_SO_SNDTIMEO, SOL_SOCKET, SO_SNDTIMEO, OK_MS, false},
    {WS_SOL_SOCKET, WS_SO_RCVTIMEO, SOL_SOCKET, SO_RCVTIMEO, OK_MS, false},
    {WS_SOL_SOCKET, WS_SO_TYPE, SOL_SOCKET, SO_TYPE, OK_INT, true},
    {WS_IPPROTO_TCP, WS_TCP_NODELAY, IPPROTO_TCP, TCP_NODELAY, OK_BOOL, false},
    {WS_IPPROTO_IP, WS_IP_TOS, IPPROTO_IP, IP_TOS, OK_INT, false},
    {WS_IPPROTO_IP, WS_IP_TTL, IPPROTO_IP, IP_TTL, OK_INT, false},
    {WS_IPPROTO_IPV6, WS_IPV6_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY, OK_BOOL, false},
    {WS_IPPROTO_IPV6, WS_IPV6_UNICAST_HOPS, IPPROTO_IPV6, IPV6_UNICAST_HOPS, OK_INT, false},
};

/* The option, or why not: an unknown level is WSAEINVAL, an unknown
 * option of a known level WSAENOPROTOOPT. */
static int opt_find(int level, int name, const struct opt_map **out)
{
    bool level_known = false;
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        if (opts[i].level != level)
            continue;
        level_known = true;
        if (opts[i].name == name) {
            *out = &opts[i];
            return 0;
        }
    }
    return level_known ? ENOPROTOOPT : EINVAL;
}

/* Windows' struct linger: two u_shorts. */
struct ws_linger {
    uint16_t onoff, secs;
};

int sockos_setopt(int fd, int level, int name, const void *val, int len)
{
    const struct opt_map *m;
    int err = opt_find(level, name, &m);
    if (err)
        return err;
    if (m->get_only)
        return ENOPROTOOPT;
    if (!val)
        return EFAULT;
    int v = 0;
    struct linger lg;
    struct timeval tv;
    const void *lval = &v;
    socklen_t llen = sizeof v;
    switch (m->kind) {
    case OK_LINGER: {
        struct ws_linger wl;
        if (len < (int)sizeof wl)
            return EFAULT;
        memcpy(&wl, val, sizeof wl);
        lg.l_onoff = wl.onoff != 0;
        lg.l_linger = wl.secs;
        lval = &lg;
        llen = sizeof lg;
        break;
    }
    case OK_DONTLINGER:
        if (len < (int)sizeof(int))
            return EFAULT;
        memcpy(&v, val, sizeof v);
        lg.l_onoff = v == 0;
        lg.l_linger = 0;
        lval = &lg;
        llen = sizeof lg;
        break;
    case OK_MS: {
        uint32_t ms;
        if (len < (int)sizeof ms)
            return EFAULT;
        memcpy(&ms, val, sizeof ms);
        tv.tv_sec = ms / 1000;
        tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
        lval = &tv;
        llen = sizeof tv;
        break;
    }
    default:
        if (len < (int)sizeof(int))
            return EFAULT;
        memcpy(&v, val, sizeof v);
        if (m->kind == OK_BOOL)
            v = v != 0;
        break;
    }
    return setsockopt(fd, m->llevel, m->lname, lval, llen) ? errno : 0;
}

int sockos_getopt(int fd, int level, int name, void *val, int *len)
{
    const struct opt_map *m;
    int err = opt_find(level, name, &m);
    if (err)
        return err;
    if (!val || !len)
        return EFAULT;
    union {
        int i;
        struct linger lg;
        struct timeval tv;
    } u;
    socklen_t llen = m->kind == OK_MS ? sizeof u.tv
                     : (m->kind == OK_LINGER || m->kind == OK_DONTLINGER) ? sizeof u.lg
                                                                          : sizeof u.i;
    int need = m->kind == OK_LINGER ? (int)sizeof(struct ws_linger) : (int)sizeof(int);
    if (*len < need)
        return EFAULT;
    memset(&u, 0, sizeof u);
    if (getsockopt(fd, m->llevel, m->lname, &u, &llen))
        return errno;
    switch (m->kind) {
    case OK_LINGER: {
        struct ws_linger wl = {(uint16_t)(u.lg.l_onoff != 0), (uint16_t)u.lg.l_linger};
        memcpy(val, &wl, sizeof wl);
        break;
    }
    case OK_DONTLINGER: {
        int v = u.lg.l_onoff == 0;
        memcpy(val, &v, sizeof v);
        break;
    }
    case OK_MS: {
        uint32_t ms = (uint32_t)(u.tv.tv_sec * 1000 + u.tv.tv_usec / 1000);
        memcpy(val, &ms, sizeof ms);
        break;
    }
    case OK_BUF: {
        /* Linux reports twice what was set (its bookkeeping overhead). */
        int v = u.i / 2;
        memcpy(val, &v, sizeof v);
        break;
    }
    case OK_BOOL: {
        int v = u.i != 0;
        memcpy(val, &v, sizeof v);
        break;
    }
    default:
        memcpy(val, &u.i, sizeof u.i);
        break;
    }
    *len = need;
    return 0;
}

/* ---- waiting ---- */

int sockos_poll(struct sockos_poll *p, unsigned n, int timeout_ms, int *ready)
{
    struct pollfd *pf = malloc((n ? n : 1) * sizeof *pf);
    if (!pf)
        return ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        pf[i].fd = p[i].fd;
        pf[i].events = (short)(((p[i].events & SP_IN) ? POLLIN : 0) |
                               ((p[i].events & SP_PRI) ? POLLPRI : 0) |
                               ((p[i].events & SP_OUT) ? POLLOUT : 0) |
                               ((p[i].events & SP_RDHUP) ? POLLRDHUP : 0));
        pf[i].revents = 0;
    }
    int64_t deadline = timeout_ms < 0 ? -1 : time_mono_ns() + (int64_t)timeout_ms * 1000000;
    int r;
    for (;;) {
        int t = -1;
        if (deadline >= 0) {
            int64_t left = deadline - time_mono_ns();
            t = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
        }
        r = poll(pf, n, t);
        if (r >= 0 || errno != EINTR)
            break;
    }
    if (r < 0) {
        int e = errno;
        free(pf);
        return e;
    }
    for (unsigned i = 0; i < n; i++) {
        short re = pf[i].revents;
        p[i].revents = (short)(((re & POLLIN) ? SP_IN : 0) | ((re & POLLPRI) ? SP_PRI : 0) |
                               ((re & POLLOUT) ? SP_OUT : 0) | ((re & POLLERR) ? SP_ERR : 0) |
                               ((re & POLLHUP) ? SP_HUP : 0) |
                               ((re & POLLRDHUP) ? SP_RDHUP : 0));
    }
    free(pf);
    *ready = r;
    return 0;
}

/* ---- names ---- */

static int gai_to_wsa(int r)
{
    switch (r) {
    case EAI_AGAIN: return WSATRY_AGAIN;
    case EAI_BADFLAGS: return WSAEINVAL;
    case EAI_FAMILY: return WSAEAFNOSUPPORT;
    case EAI_MEMORY: return ERROR_NOT_ENOUGH_MEMORY;
    case EAI_NONAME: return WSAHOST_NOT_FOUND;
    case EAI_SERVICE: return WSATYPE_NOT_FOUND;
    case EAI_SOCKTYPE: return WSAESOCKTNOSUPPORT;
#ifdef EAI_NODATA
    case EAI_NODATA: return WSANO_DATA;
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY: return WSANO_DATA;
#endif
    case EAI_FAIL: return WSANO_RECOVERY;
    case EAI_OVERFLOW: return WSAEFAULT; /* Windows has no EAI_OVERFLOW */
    default: return WSANO_RECOVERY;
    }
}

static const struct {
    int win, lin;
} ai_flags[] = {
    {WS_AI_PASSIVE, AI_PASSIVE},     {WS_AI_CANONNAME, AI_CANONNAME},
    {WS_AI_NUMERICHOST, AI_NUMERICHOST}, {WS_AI_NUMERICSERV, AI_NUMERICSERV},
    {WS_AI_ALL, AI_ALL},             {WS_AI_ADDRCONFIG, AI_ADDRCONFIG},
    {WS_AI_V4MAPPED, AI_V4MAPPED},
};

void sockos_freeaddrinfo(struct ws_addrinfo *ai)
{
    while (ai) {
        struct ws_addrinfo *next = ai->ai_next;
        free(ai); /* one block: node, address and canonical name */
        ai = next;
    }
}

int sockos_getaddrinfo(const char *node, const char *service,
                       const struct ws_addrinfo *hints, struct ws_addrinfo **res)
{
    struct addrinfo lh, *lres = NULL;
    memset(&lh, 0, sizeof lh);
    if (!res)
        return WSAEFAULT;
    *res = NULL;
    if (!node && !service)
        return WSAHOST_NOT_FOUND;
    if (hints) {
        int af = af_to_linux(hints->ai_family);
        if (af < 0)
            return WSAEAFNOSUPPORT;
        if (hints->ai_socktype < 0 || hints->ai_socktype > 5)
            return WSAESOCKTNOSUPPORT;
        int rest = hints->ai_flags;
        for (size_t i = 0; i < sizeof ai_flags / sizeof ai_flags[0]; i++)
            if (rest & ai_flags[i].win) {
                lh.ai_flags |= ai_flags[i].lin;
                rest &= ~ai_flags[i].win;
            }
        if (rest)
            return WSAEINVAL;
        lh.ai_family = af;
        lh.ai_socktype = hints->ai_socktype;
        lh.ai_protocol = hints->ai_protocol;
    }
    int r = getaddrinfo(node, service, hints ? &lh : NULL, &lres);
    if (r)
        return gai_to_wsa(r);
    struct ws_addrinfo **tail = res;
    for (struct addrinfo *a = lres; a; a = a->ai_next) {
        int wf = af_to_windows(a->ai_family);
        if (wf < 0 || !a->ai_addr)
            continue;
        size_t clen = a->ai_canonname ? strlen(a->ai_canonname) + 1 : 0;
        struct ws_addrinfo *w = calloc(1, sizeof *w + a->ai_addrlen + clen + 8);
        if (!w) {
            freeaddrinfo(lres);
            sockos_freeaddrinfo(*res);
            *res = NULL;
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        w->ai_flags = hints ? hints->ai_flags : 0;
        w->ai_family = wf;
        w->ai_socktype = a->ai_socktype;
        w->ai_protocol = a->ai_protocol;
        w->ai_addrlen = a->ai_addrlen;
        w->ai_addr = (char *)(w + 1);
        memcpy(w->ai_addr, a->ai_addr, a->ai_addrlen);
        uint16_t f = (uint16_t)wf;
        memcpy(w->ai_addr, &f, sizeof f);
        if (clen) {
            w->ai_canonname = (char *)w->ai_addr + a->ai_addrlen;
            memcpy(w->ai_canonname, a->ai_canonname, clen);
        }
        *tail = w;
        tail = &w->ai_next;
    }
    freeaddrinfo(lres);
    return *res ? 0 : WSANO_DATA;
}

int sockos_getnameinfo(const void *sa, int salen, char *host, size_t hostlen,
                       char *serv, size_t servlen, int flags)
{
    static const struct {
        int win, lin;
    } ni_flags[] = {
        {WS_NI_NOFQDN, NI_NOFQDN},         {WS_NI_NUMERICHOST, NI_NUMERICHOST},
        {WS_NI_NAMEREQD, NI_NAMEREQD},     {WS_NI_NUMERICSERV, NI_NUMERICSERV},
        {WS_NI_DGRAM, NI_DGRAM},
    };
    struct sockaddr_storage ss;
    socklen_t slen;
    uint16_t wf;
    if (!sa || salen < (int)sizeof wf)
        return WSAEFAULT;
    memcpy(&wf, sa, sizeof wf);
    if (wf != WS_AF_INET && wf != WS_AF_INET6)
        return WSAEAFNOSUPPORT;
    if (addr_in(sa, salen, &ss, &slen))
        return WSAEFAULT;
    int lflags = 0, rest = flags;
    for (size_t i = 0; i < sizeof ni_flags / sizeof ni_flags[0]; i++)
        if (rest & ni_flags[i].win) {
            lflags |= ni_flags[i].lin;
            rest &= ~ni_flags[i].win;
        }
    if (rest || (host && !hostlen) || (serv && !servlen))
        return WSAEINVAL;
    if (!host && !serv)
        return WSAHOST_NOT_FOUND;
    if (hostlen > NI_MAXHOST)
        hostlen = NI_MAXHOST;
    if (servlen > NI_MAXSERV)
        servlen = NI_MAXSERV;
    int r = getnameinfo((struct sockaddr *)&ss, slen, host, host ? (socklen_t)hostlen : 0,
                        serv, serv ? (socklen_t)servlen : 0, lflags);
    if (r)
        return gai_to_wsa(r);
    /* glibc names a link-local scope by its interface ("fe80::1%eth0");
     * Windows writes the number ("fe80::1%3").  A host name has no '%'. */
    char *pct = host ? strchr(host, '%') : NULL;
    if (pct && ss.ss_family == AF_INET6) {
        char num[12];
        int n = snprintf(num, sizeof num, "%u",
                         (unsigned)((struct sockaddr_in6 *)&ss)->sin6_scope_id);
        if ((size_t)(pct + 1 - host) + (size_t)n + 1 > hostlen)
            return WSAEFAULT;
        memcpy(pct + 1, num, (size_t)n + 1);
    }
    return 0;
}

int sockos_pton(int af, const char *src, void *dst)
{
    int laf = af_to_linux(af);
    if (laf != AF_INET && laf != AF_INET6)
        return -1;
    return inet_pton(laf, src, dst);
}

const char *sockos_ntop(int af, const void *src, char *dst, size_t size, int *err)
{
    int laf = af_to_linux(af);
    if (laf != AF_INET && laf != AF_INET6) {
        *err = EAFNOSUPPORT;
        return NULL;
    }
    const char *r = inet_ntop(laf, src, dst, (socklen_t)size);
    if (!r)
        *err = errno;
    return r;
}

uint32_t sockos_inet_addr(const char *cp)
{
    return inet_addr(cp);
}

int sockos_hostname(char *name, int len)
{
    struct utsname u;
    if (!name || len <= 0)
        return EFAULT;
    if (uname(&u))
        return errno;
    size_t n = strlen(u.nodename);
    if (n + 1 > (size_t)len)
        return EFAULT;
    memcpy(name, u.nodename, n + 1);
    return 0;
}
