/* Windows Sockets: WSAStartup, the BSD calls with WSA error codes, select,
 * WSAEventSelect in the wait core.  Loopback only. */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "testutil.h"
#include "xproc.h"

#include <string.h>

/* expr must return SOCKET_ERROR (or INVALID_SOCKET) and leave `err`. */
#define ASSERT_WSA_FAILS(expr, err)                                          \
    do {                                                                     \
        WSASetLastError(0xdead);                                             \
        long long r_ = (long long)(expr);                                    \
        ck_assert_msg(r_ == SOCKET_ERROR || (SOCKET)r_ == INVALID_SOCKET,    \
                      "%s returned %lld", #expr, r_);                        \
        ck_assert_msg(WSAGetLastError() == (err), "%s: WSA error %d, expected %d", \
                      #expr, WSAGetLastError(), (int)(err));                 \
    } while (0)

static void start(void)
{
    WSADATA d;
    ck_assert_int_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

static void stop(void)
{
    ck_assert_int_eq(WSACleanup(), 0);
}

static struct sockaddr_in loopback(u_short port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A TCP (or UDP) socket bound to 127.0.0.1 on a free port; *a gets it. */
static SOCKET bound(int type, struct sockaddr_in *a)
{
    SOCKET s = socket(AF_INET, type, 0);
    ck_assert(s != INVALID_SOCKET);
    *a = loopback(0);
    ck_assert_int_eq(bind(s, (struct sockaddr *)a, sizeof *a), 0);
    int len = sizeof *a;
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)a, &len), 0);
    ck_assert_int_eq(len, (int)sizeof *a);
    ck_assert_int_ne(a->sin_port, 0);
    return s;
}

static SOCKET listener(struct sockaddr_in *a)
{
    SOCKET s = bound(SOCK_STREAM, a);
    ck_assert_int_eq(listen(s, SOMAXCONN), 0);
    return s;
}

/* A connected pair: *srv is the accepted end. */
static SOCKET connected(SOCKET *srv)
{
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    *srv = accept(l, NULL, NULL);
    ck_assert(*srv != INVALID_SOCKET);
    ck_assert_int_eq(closesocket(l), 0);
    return c;
}

START_TEST(startup)
{
    WSADATA d;
    ASSERT_WSA_FAILS(WSACleanup(), WSANOTINITIALISED);
    ASSERT_WSA_FAILS(socket(AF_INET, SOCK_STREAM, 0), WSANOTINITIALISED);
    ASSERT_WSA_FAILS(closesocket(1234), WSANOTINITIALISED);
    ck_assert_int_eq(WSAStartup(MAKEWORD(2, 2), NULL), WSAEFAULT);
    ck_assert_int_eq(WSAStartup(0, &d), WSAVERNOTSUPPORTED);
    ck_assert_int_eq(d.wHighVersion, 0x0202);

    ck_assert_int_eq(WSAStartup(MAKEWORD(1, 1), &d), 0);
    ck_assert_int_eq(d.wVersion, 0x0101);
    ck_assert_int_eq(d.wHighVersion, 0x0202);
    ck_assert_int_eq(d.iMaxSockets, 32767);
    ck_assert_int_eq(d.iMaxUdpDg, 65467);
    ck_assert_int_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    ck_assert_int_eq(d.wVersion, 0x0202);
    ck_assert_int_eq(d.iMaxSockets, 0);
    ck_assert_str_eq(d.szDescription, "WinSock 2.0");
    ck_assert_str_eq(d.szSystemStatus, "Running");
    ck_assert_int_eq(WSAStartup(MAKEWORD(3, 0), &d), 0);
    ck_assert_int_eq(d.wVersion, 0x0202);
    /* Three starts, three cleanups; then it is down again. */
    stop();
    stop();
    stop();
    ASSERT_WSA_FAILS(WSACleanup(), WSANOTINITIALISED);
    WSASetLastError(WSAEWOULDBLOCK);
    ck_assert_int_eq(GetLastError(), WSAEWOULDBLOCK);
}
END_TEST

START_TEST(handles)
{
    start();
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    ASSERT_WSA_FAILS(closesocket(1234), WSAENOTSOCK);
    ASSERT_WSA_FAILS(closesocket((SOCKET)ev), WSAENOTSOCK);
    ASSERT_WSA_FAILS(closesocket(INVALID_SOCKET), WSAENOTSOCK);
    ASSERT_WSA_FAILS(send((SOCKET)ev, "x", 1, 0), WSAENOTSOCK);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(s != INVALID_SOCKET);
    ck_assert_int_eq(closesocket(s), 0);
    ASSERT_WSA_FAILS(closesocket(s), WSAENOTSOCK);
    /* A socket is a handle: CloseHandle closes it. */
    s = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert(CloseHandle((HANDLE)s));
    ASSERT_WSA_FAILS(closesocket(s), WSAENOTSOCK);
    ASSERT_FAILS(SetEvent((HANDLE)socket(AF_INET, SOCK_STREAM, 0)), ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    stop();
}
END_TEST

START_TEST(creation_errors)
{
    start();
    ASSERT_WSA_FAILS(socket(99, SOCK_STREAM, 0), WSAEAFNOSUPPORT);
    ASSERT_WSA_FAILS(socket(AF_INET, 99, 0), WSAESOCKTNOSUPPORT);
    ASSERT_WSA_FAILS(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), WSAEPROTONOSUPPORT);
    SOCKET s6 = socket(AF_INET6, SOCK_STREAM, 0);
    ck_assert(s6 != INVALID_SOCKET);
    int v6only = 0, len = sizeof v6only;
    ck_assert_int_eq(getsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, (char *)&v6only, &len), 0);
    ck_assert_int_eq(v6only, 1); /* Windows' default */
    closesocket(s6);
    stop();
}
END_TEST

START_TEST(address_errors)
{
    start();
    struct sockaddr_in a = loopback(0), got;
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    int len = sizeof got;
    ASSERT_WSA_FAILS(getsockname(s, (struct sockaddr *)&got, &len), WSAEINVAL);
    ASSERT_WSA_FAILS(listen(s, 5), WSAEINVAL);
    ASSERT_WSA_FAILS(bind(s, (struct sockaddr *)&a, 8), WSAEFAULT);
    ASSERT_WSA_FAILS(bind(s, NULL, sizeof a), WSAEFAULT);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_WSA_FAILS(bind(s, (struct sockaddr *)&a, sizeof a), WSAEINVAL);
    len = 4;
    ASSERT_WSA_FAILS(getsockname(s, (struct sockaddr *)&got, &len), WSAEFAULT);
    len = sizeof got;
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&got, &len), 0);
    ck_assert_int_eq(got.sin_family, AF_INET);
    ck_assert_int_eq(got.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    ck_assert_int_eq(got.sin_addr.S_un.S_un_b.s_b1, 127);
    ck_assert_int_eq(listen(s, 5), 0);

    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_WSA_FAILS(bind(c, (struct sockaddr *)&got, sizeof got), WSAEADDRINUSE);
    char b;
    ASSERT_WSA_FAILS(recv(c, &b, 1, 0), WSAENOTCONN);
    ASSERT_WSA_FAILS(send(c, "x", 1, 0), WSAENOTCONN);
    ASSERT_WSA_FAILS(getpeername(c, (struct sockaddr *)&a, &len), WSAENOTCONN);
    ASSERT_WSA_FAILS(shutdown(c, SD_BOTH), WSAENOTCONN);
    ASSERT_WSA_FAILS(shutdown(c, 7), WSAEINVAL);
    ASSERT_WSA_FAILS(accept(c, NULL, NULL), WSAEINVAL);
    struct sockaddr_in any = got;
    any.sin_addr.s_addr = INADDR_ANY;
    ASSERT_WSA_FAILS(connect(c, (struct sockaddr *)&any, sizeof any), WSAEADDRNOTAVAIL);
    struct sockaddr_in6 wrong;
    memset(&wrong, 0, sizeof wrong);
    wrong.sin6_family = 99;
    ASSERT_WSA_FAILS(connect(c, (struct sockaddr *)&wrong, sizeof wrong), WSAEAFNOSUPPORT);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&got, sizeof got), 0);
    ASSERT_WSA_FAILS(connect(c, (struct sockaddr *)&got, sizeof got), WSAEISCONN);
    ASSERT_WSA_FAILS(listen(c, 5), WSAEISCONN);
    len = 4;
    ASSERT_WSA_FAILS(accept(s, (struct sockaddr *)&a, &len), WSAEFAULT);

    /* Nobody listens any more: refused. */
    closesocket(s);
    SOCKET d = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_WSA_FAILS(connect(d, (struct sockaddr *)&got, sizeof got), WSAECONNREFUSED);
    closesocket(d);
    closesocket(c);
    stop();
}
END_TEST

struct echo_arg {
    SOCKET listener;
    int bytes;
};

static DWORD WINAPI echo_server(LPVOID p)
{
    struct echo_arg *e = p;
    struct sockaddr_in peer;
    int len = sizeof peer;
    SOCKET s = accept(e->listener, (struct sockaddr *)&peer, &len);
    if (s == INVALID_SOCKET || len != (int)sizeof peer || peer.sin_family != AF_INET)
        return 1;
    char buf[1000];
    int n;
    while ((n = recv(s, buf, sizeof buf, 0)) > 0) {
        e->bytes += n;
        for (int off = 0; off < n;) {
            int w = send(s, buf + off, n - off, 0);
            if (w <= 0)
                return 2;
            off += w;
        }
    }
    if (n < 0)
        return 3;
    /* The client shut down its side: finish ours. */
    return closesocket(s) == 0 ? 0 : 4;
}

START_TEST(tcp_echo)
{
    start();
    struct sockaddr_in a;
    struct echo_arg e = {listener(&a), 0};
    HANDLE t = CreateThread(NULL, 0, echo_server, &e, 0, NULL);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    BOOL nodelay = TRUE;
    ck_assert_int_eq(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (char *)&nodelay, sizeof nodelay), 0);
    static char out[64 * 1024], in[64 * 1024];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (char)(i * 7);
    int sent = 0, got = 0;
    while (got < (int)sizeof out) {
        if (sent < (int)sizeof out) {
            int w = send(c, out + sent, (int)sizeof out - sent > 4000 ? 4000 : (int)sizeof out - sent, 0);
            ck_assert_int_gt(w, 0);
            sent += w;
        }
        int r = recv(c, in + got, (int)sizeof in - got, 0);
        ck_assert_int_gt(r, 0);
        got += r;
    }
    ck_assert(memcmp(in, out, sizeof out) == 0);
    ck_assert_int_eq(shutdown(c, SD_SEND), 0);
    ASSERT_WSA_FAILS(send(c, "x", 1, 0), WSAESHUTDOWN);
    char b;
    ck_assert_int_eq(recv(c, &b, 1, 0), 0); /* the server's close */
    ASSERT_WAIT(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_int_eq(code, 0);
    ck_assert_int_eq(e.bytes, (int)sizeof out);
    ck_assert_int_eq(shutdown(c, SD_RECEIVE), 0);
    ASSERT_WSA_FAILS(recv(c, &b, 1, 0), WSAESHUTDOWN);
    CloseHandle(t);
    closesocket(c);
    closesocket(e.listener);
    stop();
}
END_TEST

START_TEST(udp)
{
    start();
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[64];
    struct sockaddr_in from, a;
    int len = sizeof from;
    ASSERT_WSA_FAILS(recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), WSAEINVAL);
    ASSERT_WSA_FAILS(listen(u, 1), WSAEOPNOTSUPP);
    closesocket(u);
    u = bound(SOCK_DGRAM, &a);
    SOCKET v = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ASSERT_WSA_FAILS(send(v, "x", 1, 0), WSAENOTCONN);
    ASSERT_WSA_FAILS(sendto(v, "x", 1, 0, (struct sockaddr *)&a, 4), WSAEFAULT);
    ck_assert_int_eq(sendto(v, "hello world", 11, 0, (struct sockaddr *)&a, sizeof a), 11);
    ck_assert_int_eq(sendto(v, "again", 5, 0, (struct sockaddr *)&a, sizeof a), 5);
    u_long avail = 0;
    ck_assert_int_eq(ioctlsocket(u, FIONREAD, &avail), 0);
    ck_assert_uint_eq(avail, 11);
    /* A datagram longer than the buffer: WSAEMSGSIZE, the start is kept. */
    memset(buf, 0, sizeof buf);
    ASSERT_WSA_FAILS(recv(u, buf, 5, 0), WSAEMSGSIZE);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    len = sizeof from;
    ck_assert_int_eq(recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 5);
    ck_assert(memcmp(buf, "again", 5) == 0);
    ck_assert_int_eq(len, (int)sizeof from);
    ck_assert_int_eq(from.sin_family, AF_INET);
    ck_assert_int_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    /* Connected UDP: send and recv. */
    ck_assert_int_eq(connect(v, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(send(v, "c", 1, 0), 1);
    ck_assert_int_eq(recv(u, buf, sizeof buf, 0), 1);
    closesocket(u);
    closesocket(v);
    stop();
}
END_TEST

START_TEST(nonblocking_select)
{
    start();
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    u_long on = 1;
    ASSERT_WSA_FAILS(ioctlsocket(c, 0x12345, &on), WSAEINVAL);
    ck_assert_int_eq(ioctlsocket(c, FIONBIO, &on), 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    if (r == SOCKET_ERROR) {
        ck_assert_int_eq(WSAGetLastError(), WSAEWOULDBLOCK);
        fd_set w, x;
        FD_ZERO(&w);
        FD_SET(c, &w);
        FD_SET(c, &w); /* once only */
        ck_assert_uint_eq(w.fd_count, 1);
        FD_ZERO(&x);
        FD_SET(c, &x);
        struct timeval tv = {10, 0};
        ck_assert_int_eq(select(0, NULL, &w, &x, &tv), 1);
        ck_assert(FD_ISSET(c, &w));
        ck_assert(!FD_ISSET(c, &x));
        ck_assert_uint_eq(x.fd_count, 0);
    }
    /* Nothing to read yet: the select times out and recv would block. */
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(c, &rd);
    struct timeval zero = {0, 0};
    ck_assert_int_eq(select(0, &rd, NULL, NULL, &zero), 0);
    ck_assert_uint_eq(rd.fd_count, 0);
    char b;
    ASSERT_WSA_FAILS(recv(c, &b, 1, 0), WSAEWOULDBLOCK);

    /* A pending connection makes the listener readable. */
    FD_ZERO(&rd);
    FD_SET(l, &rd);
    ck_assert_int_eq(select(0, &rd, NULL, NULL, NULL), 1);
    SOCKET s = accept(l, NULL, NULL);
    ck_assert(s != INVALID_SOCKET);
    ck_assert_int_eq(send(s, "z", 1, 0), 1);
    FD_ZERO(&rd);
    FD_SET(c, &rd);
    FD_SET(l, &rd);
    ck_assert_int_eq(select(0, &rd, NULL, NULL, NULL), 1);
    ck_assert(FD_ISSET(c, &rd) && !FD_ISSET(l, &rd));
    FD_CLR(c, &rd);
    ck_assert_uint_eq(rd.fd_count, 0);
    ck_assert_int_eq(recv(c, &b, 1, 0), 1);
    ck_assert_int_eq(b, 'z');
    closesocket(s);
    closesocket(c);

    /* A nonblocking connect that fails lands in the except set, and
     * SO_ERROR tells why. */
    closesocket(l);
    c = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(ioctlsocket(c, FIONBIO, &on), 0);
    r = connect(c, (struct sockaddr *)&a, sizeof a);
    if (r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK) {
        fd_set w, x;
        FD_ZERO(&w);
        FD_SET(c, &w);
        FD_ZERO(&x);
        FD_SET(c, &x);
        ck_assert_int_eq(select(0, NULL, &w, &x, NULL), 1);
        ck_assert(FD_ISSET(c, &x) && !FD_ISSET(c, &w));
        int err = 0, len = sizeof err;
        ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&err, &len), 0);
        ck_assert_int_eq(err, WSAECONNREFUSED);
    } else {
        ck_assert_int_eq(WSAGetLastError(), WSAECONNREFUSED);
    }
    closesocket(c);

    /* An unconnected stream socket is never ready (Linux polls it as hung
     * up). */
    SOCKET idle = socket(AF_INET, SOCK_STREAM, 0);
    fd_set w2;
    FD_ZERO(&rd);
    FD_SET(idle, &rd);
    FD_ZERO(&w2);
    FD_SET(idle, &w2);
    struct timeval short_wait = {0, 20000};
    ck_assert_int_eq(select(0, &rd, &w2, NULL, &short_wait), 0);
    ck_assert_uint_eq(rd.fd_count + w2.fd_count, 0);
    closesocket(idle);

    /* select's own errors. */
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    FD_ZERO(&rd);
    ASSERT_WSA_FAILS(select(0, &rd, NULL, NULL, &zero), WSAEINVAL);
    ASSERT_WSA_FAILS(select(0, NULL, NULL, NULL, NULL), WSAEINVAL);
    FD_SET((SOCKET)ev, &rd);
    ASSERT_WSA_FAILS(select(0, &rd, NULL, NULL, &zero), WSAENOTSOCK);
    CloseHandle(ev);
    stop();
}
END_TEST

START_TEST(options)
{
    start();
    SOCKET srv, c = connected(&srv);
    int v = 0, len = sizeof v;
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_TYPE, (char *)&v, &len), 0);
    ck_assert_int_eq(v, SOCK_STREAM);
    ck_assert_int_eq(len, (int)sizeof v);
    len = 2;
    ASSERT_WSA_FAILS(getsockopt(c, SOL_SOCKET, SO_TYPE, (char *)&v, &len), WSAEFAULT);
    len = sizeof v;
    ASSERT_WSA_FAILS(getsockopt(c, SOL_SOCKET, 12345, (char *)&v, &len), WSAENOPROTOOPT);
    ASSERT_WSA_FAILS(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, NULL, 4), WSAEFAULT);
    v = 1;
    ASSERT_WSA_FAILS(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, 2), WSAEFAULT);
    ck_assert_int_eq(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, sizeof v), 0);
    v = 0;
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, &len), 0);
    ck_assert_int_eq(v, 1);

    /* SO_REUSEADDR is reported at the Windows level (off by default). */
    BOOL reuse = 7;
    len = sizeof reuse;
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_REUSEADDR, (char *)&reuse, &len), 0);
    ck_assert_int_eq(reuse, 0);
    reuse = TRUE;
    ck_assert_int_eq(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, (char *)&reuse, sizeof reuse), 0);
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_REUSEADDR, (char *)&reuse, &len), 0);
    ck_assert_int_eq(reuse, 1);
    ASSERT_WSA_FAILS(setsockopt(c, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (char *)&reuse, sizeof reuse),
                     WSAEINVAL);

    /* SO_LINGER: two u_shorts. */
    struct linger lg = {1, 5};
    ck_assert_int_eq(setsockopt(c, SOL_SOCKET, SO_LINGER, (char *)&lg, sizeof lg), 0);
    memset(&lg, 0, sizeof lg);
    len = sizeof lg;
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_LINGER, (char *)&lg, &len), 0);
    ck_assert_int_eq(lg.l_onoff, 1);
    ck_assert_int_eq(lg.l_linger, 5);
    ck_assert_int_eq(len, 4);
    BOOL dont = TRUE;
    ck_assert_int_eq(setsockopt(c, SOL_SOCKET, SO_DONTLINGER, (char *)&dont, sizeof dont), 0);
    len = sizeof lg;
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_LINGER, (char *)&lg, &len), 0);
    ck_assert_int_eq(lg.l_onoff, 0);

    /* SO_RCVTIMEO: a DWORD of milliseconds; a timed-out recv is
     * WSAETIMEDOUT. */
    DWORD ms = 150;
    ck_assert_int_eq(setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, sizeof ms), 0);
    ms = 0;
    len = sizeof ms;
    ck_assert_int_eq(getsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, &len), 0);
    ck_assert_uint_eq(ms, 150);
    ck_assert_int_eq(len, (int)sizeof ms);
    char b;
    ASSERT_WSA_FAILS(recv(srv, &b, 1, 0), WSAETIMEDOUT);

    int buf = 32768;
    ck_assert_int_eq(setsockopt(c, SOL_SOCKET, SO_RCVBUF, (char *)&buf, sizeof buf), 0);
    buf = 0;
    len = sizeof buf;
    ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_RCVBUF, (char *)&buf, &len), 0);
    ck_assert_int_eq(buf, 32768);
    ASSERT_WSA_FAILS(setsockopt(c, 12345, 1, (char *)&buf, sizeof buf), WSAEINVAL);
    ASSERT_WSA_FAILS(send(c, "x", 1, 0x4000), WSAEOPNOTSUPP);

    u_long n = 99;
    ck_assert_int_eq(ioctlsocket(srv, FIONREAD, &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(send(c, "abc", 3, 0), 3);
    ck_assert_int_eq(recv(srv, &b, 1, MSG_PEEK), 1);
    ck_assert_int_eq(ioctlsocket(srv, FIONREAD, &n), 0);
    ck_assert_uint_eq(n, 3);
    ASSERT_WSA_FAILS(ioctlsocket(srv, FIONREAD, NULL), WSAEFAULT);
    closesocket(c);
    closesocket(srv);
    stop();
}
END_TEST

static void enum_events(SOCKET s, HANDLE ev, LONG want, int bit, int err)
{
    WSANETWORKEVENTS ne;
    ck_assert_int_eq(WSAEnumNetworkEvents(s, ev, &ne), 0);
    ck_assert_msg((ne.lNetworkEvents & want) == want, "events %#lx, want %#lx",
                  (unsigned long)ne.lNetworkEvents, (unsigned long)want);
    if (bit >= 0)
        ck_assert_int_eq(ne.iErrorCode[bit], err);
}

START_TEST(event_select)
{
    start();
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HANDLE plain = CreateEventW(NULL, FALSE, FALSE, NULL);
    WSAEVENT ev = WSACreateEvent();
    ck_assert(ev != WSA_INVALID_EVENT);
    ASSERT_WSA_FAILS(WSAEventSelect(l, NULL, FD_ACCEPT), WSAEINVAL);
    ASSERT_WSA_FAILS(WSAEventSelect((SOCKET)plain, ev, FD_ACCEPT), WSAENOTSOCK);
    ASSERT_WSA_FAILS(WSAEnumNetworkEvents(l, NULL, NULL), WSAEFAULT);
    ck_assert_int_eq(WSAEventSelect(l, ev, FD_ACCEPT | FD_CLOSE), 0);
    HANDLE both[2] = {plain, ev};
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_TIMEOUT);

    /* The socket's readiness wakes a wait that mixes it with an event. */
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 10000), WAIT_OBJECT_0 + 1);
    enum_events(l, ev, FD_ACCEPT, FD_ACCEPT_BIT, 0);
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_TIMEOUT); /* reset by the enum */
    /* The listener is nonblocking now; FIONBIO cannot undo that. */
    u_long off = 0;
    ASSERT_WSA_FAILS(ioctlsocket(l, FIONBIO, &off), WSAEINVAL);
    SOCKET s = accept(l, NULL, NULL);
    ck_assert(s != INVALID_SOCKET);
    ASSERT_WSA_FAILS(accept(l, NULL, NULL), WSAEWOULDBLOCK);

    /* The ordinary event still works in the same wait. */
    SetEvent(plain);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_OBJECT_0);

    /* FD_WRITE at once, FD_READ when data comes, FD_CLOSE at the end. */
    WSAEVENT sev = WSACreateEvent();
    ck_assert_int_eq(WSAEventSelect(s, sev, FD_READ | FD_WRITE | FD_CLOSE), 0);
    ASSERT_WAIT(WSAWaitForMultipleEvents(1, &sev, FALSE, 10000, FALSE), WSA_WAIT_EVENT_0);
    enum_events(s, sev, FD_WRITE, FD_WRITE_BIT, 0);
    ck_assert_int_eq(send(c, "ping", 4, 0), 4);
    ASSERT_WAIT(WSAWaitForMultipleEvents(1, &sev, FALSE, 10000, FALSE), WSA_WAIT_EVENT_0);
    enum_events(s, sev, FD_READ, FD_READ_BIT, 0);
    char buf[8];
    ck_assert_int_eq(recv(s, buf, 2, 0), 2);
    /* Data is left: FD_READ is recorded again after the recv. */
    ASSERT_WAIT(WSAWaitForMultipleEvents(1, &sev, FALSE, 10000, FALSE), WSA_WAIT_EVENT_0);
    enum_events(s, sev, FD_READ, -1, 0);
    ck_assert_int_eq(recv(s, buf, sizeof buf, 0), 2);
    ck_assert_int_eq(closesocket(c), 0);
    ASSERT_WAIT(WSAWaitForMultipleEvents(1, &sev, FALSE, 10000, FALSE), WSA_WAIT_EVENT_0);
    enum_events(s, sev, FD_CLOSE, FD_CLOSE_BIT, 0);
    ck_assert_int_eq(recv(s, buf, sizeof buf, 0), 0);

    /* Cancelling: mask 0; the socket may then be made blocking again. */
    ck_assert_int_eq(WSAEventSelect(s, NULL, 0), 0);
    ck_assert_int_eq(ioctlsocket(s, FIONBIO, &off), 0);
    ck_assert(WSACloseEvent(sev));
    ck_assert(WSASetEvent(ev));
    ck_assert(WSAResetEvent(ev));
    ASSERT_FAILS(WSACloseEvent(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(WSASetEvent(NULL), ERROR_INVALID_HANDLE);
    ASSERT_WAIT(WSAWaitForMultipleEvents(0, NULL, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    ck_assert_int_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    closesocket(s);
    closesocket(l); /* drops the watcher's hold on ev */
    ck_assert(WSACloseEvent(ev));
    CloseHandle(plain);
    stop();
}
END_TEST

START_TEST(event_select_connect)
{
    start();
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    WSAEVENT ev = WSACreateEvent();
    ck_assert_int_eq(WSAEventSelect(c, ev, FD_CONNECT | FD_WRITE), 0);
    /* Unconnected: nothing to report (Linux calls it hung up). */
    ASSERT_WAIT(WaitForSingleObject(ev, 50), WAIT_TIMEOUT);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    ck_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK);
    ASSERT_WAIT(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    enum_events(c, ev, FD_CONNECT, FD_CONNECT_BIT, 0);
    closesocket(c);
    closesocket(l);

    /* Refused: FD_CONNECT with the error.  A fresh event: the first
     * socket's FD_WRITE may have signalled the old one again after its
     * WSAEnumNetworkEvents (seen under ThreadSanitizer's timing). */
    WSACloseEvent(ev);
    ev = WSACreateEvent();
    c = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(WSAEventSelect(c, ev, FD_CONNECT), 0);
    r = connect(c, (struct sockaddr *)&a, sizeof a);
    ck_assert(r == SOCKET_ERROR);
    if (WSAGetLastError() == WSAEWOULDBLOCK) {
        ASSERT_WAIT(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
        enum_events(c, ev, FD_CONNECT, FD_CONNECT_BIT, WSAECONNREFUSED);
    } else {
        ck_assert_int_eq(WSAGetLastError(), WSAECONNREFUSED);
    }
    closesocket(c);
    WSACloseEvent(ev);
    stop();
}
END_TEST

static DWORD WINAPI blocked_recv(LPVOID p)
{
    char b;
    int r = recv((SOCKET)p, &b, 1, 0);
    return r == SOCKET_ERROR ? (DWORD)WSAGetLastError() : 0;
}

START_TEST(close_wakes_blocked_call)
{
    start();
    SOCKET srv, c = connected(&srv);
    HANDLE t = CreateThread(NULL, 0, blocked_recv, (LPVOID)srv, 0, NULL);
    settle_ms(50);
    ck_assert_int_eq(closesocket(srv), 0);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    /* Blocked when the socket closed: WSAEINTR; not yet started: the
     * handle was already gone. */
    ck_assert_msg(code == WSAEINTR || code == WSAENOTSOCK, "recv gave %lu", (unsigned long)code);
    CloseHandle(t);
    closesocket(c);
    stop();
}
END_TEST

START_TEST(names)
{
    ck_assert_uint_eq(htons(0x1234), 0x3412);
    ck_assert_uint_eq(ntohs(0x3412), 0x1234);
    ck_assert_uint_eq(htonl(0x12345678), 0x78563412);
    ck_assert_uint_eq(ntohl(0x78563412), 0x12345678);
    ck_assert_uint_eq(inet_addr("1.2.3.4"), 0x04030201);
    ck_assert_uint_eq(inet_addr("255.255.255.255"), INADDR_NONE);
    ck_assert_uint_eq(inet_addr(""), INADDR_NONE);
    ck_assert_uint_eq(inet_addr("1.2.3.400"), INADDR_NONE);
    struct in_addr ia;
    ia.s_addr = inet_addr("10.0.0.7");
    ck_assert_str_eq(inet_ntoa(ia), "10.0.0.7");

    char text[INET6_ADDRSTRLEN];
    IN6_ADDR six;
    ck_assert_int_eq(inet_pton(AF_INET6, "::1", &six), 1);
    ck_assert_int_eq(six.u.Byte[15], 1);
    ck_assert_str_eq(inet_ntop(AF_INET6, &six, text, sizeof text), "::1");
    ck_assert_int_eq(inet_pton(AF_INET, "1.2.3", &ia), 0);
    WSASetLastError(0);
    ck_assert_int_eq(inet_pton(99, "1.2.3.4", &ia), -1);
    ck_assert_int_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    ia.s_addr = htonl(INADDR_LOOPBACK);
    WSASetLastError(0);
    ck_assert_ptr_null(inet_ntop(99, &ia, text, sizeof text));
    ck_assert_int_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    ck_assert_ptr_null(inet_ntop(AF_INET, &ia, text, 4));
    ck_assert_int_eq(WSAGetLastError(), ERROR_INVALID_PARAMETER);

    char host[256];
    ASSERT_WSA_FAILS(gethostname(host, sizeof host), WSANOTINITIALISED);
    struct addrinfo *ai = NULL;
    ck_assert_int_eq(getaddrinfo("127.0.0.1", "80", NULL, &ai), WSANOTINITIALISED);
    start();
    ck_assert_int_eq(gethostname(host, sizeof host), 0);
    ck_assert_int_gt((int)strlen(host), 0);
    ASSERT_WSA_FAILS(gethostname(host, 1), WSAEFAULT);
    ASSERT_WSA_FAILS(gethostname(NULL, 100), WSAEFAULT);

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    ck_assert_int_eq(getaddrinfo("127.0.0.1", "8080", &hints, &ai), 0);
    ck_assert_ptr_nonnull(ai);
    ck_assert_int_eq(ai->ai_family, AF_INET);
    ck_assert_int_eq(ai->ai_socktype, SOCK_STREAM);
    ck_assert_uint_eq(ai->ai_addrlen, sizeof(struct sockaddr_in));
    const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
    ck_assert_int_eq(sin->sin_family, AF_INET);
    ck_assert_int_eq(ntohs(sin->sin_port), 8080);
    ck_assert_int_eq(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    freeaddrinfo(ai);
    hints.ai_family = AF_INET6;
    ck_assert_int_eq(getaddrinfo("::1", "7", &hints, &ai), 0);
    ck_assert_int_eq(ai->ai_family, AF_INET6);
    ck_assert_int_eq(((struct sockaddr_in6 *)ai->ai_addr)->sin6_family, AF_INET6);
    freeaddrinfo(ai);

    ck_assert_int_eq(getaddrinfo("localhost", NULL, &hints, &ai), WSAHOST_NOT_FOUND);
    ck_assert_int_eq(WSAGetLastError(), WSAHOST_NOT_FOUND);
    ck_assert_int_eq(getaddrinfo(NULL, NULL, NULL, &ai), WSAHOST_NOT_FOUND);
    hints.ai_flags = 0;
    hints.ai_family = 99;
    ck_assert_int_eq(getaddrinfo("127.0.0.1", NULL, &hints, &ai), WSAEAFNOSUPPORT);
    hints.ai_family = AF_INET;
    hints.ai_socktype = 99;
    ck_assert_int_eq(getaddrinfo("127.0.0.1", NULL, &hints, &ai), WSAESOCKTNOSUPPORT);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = 0x10000000;
    ck_assert_int_eq(getaddrinfo("127.0.0.1", NULL, &hints, &ai), WSAEINVAL);
    hints.ai_flags = 0;
    ck_assert_int_eq(getaddrinfo("127.0.0.1", "no-such-service-xyz", &hints, &ai),
                     WSATYPE_NOT_FOUND);
    stop();
}
END_TEST

/* A socket duplicated into another process is the same socket there: the
 * child sends on its copy, keeps it after the parent closed the original,
 * selects, event-selects and receives overlapped on it; its close aborts
 * what is pending there; the last copy's close ends the connection. */
static int xproc_socket_child(struct xproc *x)
{
    WSADATA d;
    SOCKET s;
    char step, buf[8];
    if (WSAStartup(MAKEWORD(2, 2), &d) || !child_get(x, &s, sizeof s))
        return 1;
    if (send(s, "hello", 5, 0) != 5)
        return 2;
    step = 'a';
    if (!child_put(x, &step, 1) || !child_get(x, &step, 1))
        return 3; /* the parent closed its original meanwhile */
    if (send(s, "world", 5, 0) != 5)
        return 4;
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    if (select(0, &rd, NULL, NULL, NULL) != 1 || !FD_ISSET(s, &rd))
        return 5;
    if (recv(s, buf, sizeof buf, 0) != 4 || memcmp(buf, "ping", 4))
        return 6;
    HANDLE ev = WSACreateEvent();
    if (!ev || WSAEventSelect(s, ev, FD_READ | FD_CLOSE))
        return 7;
    step = 'b';
    if (!child_put(x, &step, 1))
        return 8;
    if (WaitForSingleObject(ev, 30000) != WAIT_OBJECT_0)
        return 9;
    WSANETWORKEVENTS ne;
    if (WSAEnumNetworkEvents(s, ev, &ne) || !(ne.lNetworkEvents & FD_READ))
        return 10;
    /* Overlapped I/O works here too, on this process's own engine. */
    HANDLE done_ev = WSACreateEvent();
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = done_ev;
    WSABUF wb = {.len = sizeof buf, .buf = buf};
    DWORD n = 0, flags = 0;
    if (!done_ev ||
        (WSARecv(s, &wb, 1, &n, &flags, &ov, NULL) && WSAGetLastError() != WSA_IO_PENDING))
        return 11;
    if (!WSAGetOverlappedResult(s, &ov, &n, TRUE, &flags) || n != 4 || memcmp(buf, "pong", 4))
        return 12;
    /* A request still pending when this process closes the socket ends
     * aborted. */
    memset(&ov, 0, sizeof ov);
    ov.hEvent = done_ev;
    WSASetLastError(0xdead);
    if (WSARecv(s, &wb, 1, &n, &flags, &ov, NULL) != SOCKET_ERROR ||
        WSAGetLastError() != WSA_IO_PENDING)
        return 13;
    if (closesocket(s) || !WSACloseEvent(ev))
        return 14;
    if (WaitForSingleObject(done_ev, 30000) != WAIT_OBJECT_0 || ov.Internal != 0xC0000120 ||
        !WSACloseEvent(done_ev))
        return 18;
    WSASetLastError(0xdead);
    if (send(s, "x", 1, 0) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 15;
    WSASetLastError(0xdead);
    if (closesocket(s) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 16;
    step = 'c';
    if (!child_put(x, &step, 1))
        return 17;
    WSACleanup();
    return 0;
}

START_TEST(xproc_socket)
{
    start();
    SOCKET srv, cli = connected(&srv);
    struct xproc x;
    char step, buf[8];
    xproc_start(&x, xproc_socket_child);
    xproc_give(&x, (HANDLE)cli, 0, DUPLICATE_SAME_ACCESS);
    ck_assert_int_eq(recv(srv, buf, 5, MSG_WAITALL), 5);
    ck_assert(!memcmp(buf, "hello", 5));
    ck_assert(xproc_recv(x.to_parent[0], &step, 1) && step == 'a');
    ck_assert_int_eq(closesocket(cli), 0);
    ASSERT_WSA_FAILS(send(cli, "x", 1, 0), WSAENOTSOCK);
    xproc_send(x.to_child[1], &step, 1);
    ck_assert_int_eq(recv(srv, buf, 5, MSG_WAITALL), 5);
    ck_assert(!memcmp(buf, "world", 5));
    ck_assert_int_eq(send(srv, "ping", 4, 0), 4);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1) && step == 'b');
    ck_assert_int_eq(send(srv, "pong", 4, 0), 4);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1) && step == 'c');
    /* The child's copy was the last descriptor: the connection ended. */
    ck_assert_int_eq(recv(srv, buf, sizeof buf, 0), 0);
    ck_assert_int_eq(xproc_wait(&x), 0);
    ck_assert_int_eq(closesocket(srv), 0);
    stop();
}
END_TEST

/* A socket whose creator closed it before the receiver of a duplicate
 * used it is still the socket there (the descriptor came with the handle:
 * holders.c, inboxes), as on Windows. */
static int xproc_orphan_child(struct xproc *x)
{
    WSADATA d;
    SOCKET s;
    char step;
    if (WSAStartup(MAKEWORD(2, 2), &d) || !child_get(x, &s, sizeof s) || !child_get(x, &step, 1))
        return 1;
    if (send(s, "x", 1, 0) != 1)
        return 2;
    if (closesocket(s))
        return 3;
    WSASetLastError(0xdead);
    if (send(s, "x", 1, 0) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 4;
    WSACleanup();
    return 0;
}

START_TEST(xproc_socket_orphan)
{
    start();
    SOCKET srv, cli = connected(&srv);
    struct xproc x;
    char step = 'g', buf[4];
    xproc_start(&x, xproc_orphan_child);
    xproc_give(&x, (HANDLE)cli, 0, DUPLICATE_SAME_ACCESS);
    ck_assert_int_eq(closesocket(cli), 0);
    xproc_send(x.to_child[1], &step, 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    ck_assert_int_eq(recv(srv, buf, sizeof buf, 0), 1);
    ck_assert_int_eq(recv(srv, buf, sizeof buf, 0), 0); /* the last descriptor went */
    ck_assert_int_eq(closesocket(srv), 0);
    stop();
}
END_TEST

/* Inherited through CreateProcess: sockets are inheritable by default (as
 * on Windows) and arrive with their descriptor, also when the parent
 * closes its handle at once. */
static int xchild(int argc, char **argv)
{
    WSADATA d;
    if (argc != 2 || WSAStartup(MAKEWORD(2, 2), &d))
        return 90;
    SOCKET s = (SOCKET)strtoull(argv[0], NULL, 16), no = (SOCKET)strtoull(argv[1], NULL, 16);
    char buf[8] = {0};
    if (recv(s, buf, sizeof buf, 0) != 4 || memcmp(buf, "ping", 4))
        return 1;
    if (send(s, "pong", 4, 0) != 4)
        return 2;
    WSASetLastError(0xdead);
    if (send(no, "x", 1, 0) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 3; /* not inheritable: not there */
    if (closesocket(s))
        return 4;
    WSASetLastError(0xdead);
    if (closesocket(s) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 5;
    WSACleanup();
    return 0;
}

START_TEST(inherited_socket)
{
    start();
    SOCKET srv, cli = connected(&srv);
    SOCKET no = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert(no != INVALID_SOCKET);
    DWORD flags = 0;
    ck_assert(GetHandleInformation((HANDLE)srv, &flags));
    ck_assert_uint_eq(flags, HANDLE_FLAG_INHERIT);
    ck_assert(SetHandleInformation((HANDLE)no, HANDLE_FLAG_INHERIT, 0));
    ck_assert(SetHandleInformation((HANDLE)cli, HANDLE_FLAG_INHERIT, 0));
    ck_assert_int_eq(send(cli, "ping", 4, 0), 4);
    char args[64];
    snprintf(args, sizeof args, "%llx %llx", (unsigned long long)srv, (unsigned long long)no);
    PROCESS_INFORMATION pi;
    ck_assert_msg(xproc_spawn(args, TRUE, &pi), "CreateProcess: %lu",
                  (unsigned long)GetLastError());
    ck_assert_int_eq(closesocket(srv), 0);
    char buf[8] = {0};
    ck_assert_int_eq(recv(cli, buf, sizeof buf, 0), 4);
    ck_assert(memcmp(buf, "pong", 4) == 0);
    ck_assert_uint_eq(xproc_spawn_wait(&pi), 0);
    ck_assert_int_eq(recv(cli, buf, sizeof buf, 0), 0); /* every end is closed */
    ck_assert_int_eq(closesocket(cli), 0);
    ck_assert_int_eq(closesocket(no), 0);
    stop();
}
END_TEST

/* getnameinfo (Windows NI_* flags, WSA codes returned and set). */
#define NI_EXPECT(call, code)                                                \
    do {                                                                     \
        WSASetLastError(0xdead);                                             \
        ck_assert_int_eq((call), (code));                                    \
        ck_assert_int_eq(WSAGetLastError(), (code) ? (code) : 0xdead);       \
    } while (0)

START_TEST(name_info)
{
    char h[NI_MAXHOST], s[NI_MAXSERV];
    struct sockaddr_in a = loopback(80);
    const struct sockaddr *sa = (const struct sockaddr *)&a;
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, s, sizeof s, NI_NUMERICHOST),
              WSANOTINITIALISED);
    start();
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, s, sizeof s,
                          NI_NUMERICHOST | NI_NUMERICSERV), 0);
    ck_assert_str_eq(h, "127.0.0.1");
    ck_assert_str_eq(s, "80");
    /* Names: the service from the services file, the host from the
     * resolver (127.0.0.1 is "localhost..." in /etc/hosts). */
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, s, sizeof s, 0), 0);
    ck_assert_str_eq(s, "http");
    ck_assert_int_eq(strncmp(h, "localhost", 9), 0);
    a.sin_port = htons(53);
    NI_EXPECT(getnameinfo(sa, sizeof a, NULL, 0, s, sizeof s, NI_DGRAM), 0);
    ck_assert_str_eq(s, "domain");
    /* Exactly fitting, one byte short (WSAEFAULT: Windows has no
     * EAI_OVERFLOW). */
    NI_EXPECT(getnameinfo(sa, sizeof a, h, 10, NULL, 0, NI_NUMERICHOST), 0);
    ck_assert_str_eq(h, "127.0.0.1");
    NI_EXPECT(getnameinfo(sa, sizeof a, h, 9, NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    NI_EXPECT(getnameinfo(sa, sizeof a, NULL, 0, s, 2, NI_NUMERICSERV), WSAEFAULT);
    /* The address: missing, short, of another family. */
    NI_EXPECT(getnameinfo(NULL, sizeof a, h, sizeof h, s, sizeof s, NI_NUMERICHOST), WSAEFAULT);
    NI_EXPECT(getnameinfo(sa, sizeof a - 1, h, sizeof h, NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    NI_EXPECT(getnameinfo(sa, 0, h, sizeof h, NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    NI_EXPECT(getnameinfo(sa, 200, h, sizeof h, NULL, 0, NI_NUMERICHOST), 0);
    a.sin_family = AF_UNSPEC;
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, NULL, 0, NI_NUMERICHOST), EAI_FAMILY);
    a.sin_family = AF_UNIX;
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, NULL, 0, NI_NUMERICHOST), EAI_FAMILY);
    a.sin_family = AF_INET;
    /* Flags and buffers: an unknown flag, a wanted name with no room,
     * nothing wanted at all. */
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, s, sizeof s, 0x20), EAI_BADFLAGS);
    NI_EXPECT(getnameinfo(sa, sizeof a, h, 0, s, sizeof s, NI_NUMERICHOST), EAI_BADFLAGS);
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, s, 0, NI_NUMERICHOST), EAI_BADFLAGS);
    NI_EXPECT(getnameinfo(sa, sizeof a, NULL, 0, NULL, 0, NI_NUMERICHOST), EAI_NONAME);
    NI_EXPECT(getnameinfo(sa, sizeof a, NULL, sizeof h, s, sizeof s, NI_NUMERICSERV), 0);
    /* NI_NAMEREQD: a numeric host is no name. */
    NI_EXPECT(getnameinfo(sa, sizeof a, h, sizeof h, NULL, 0, NI_NAMEREQD | NI_NUMERICHOST),
              EAI_NONAME);
    ck_assert_int_eq(EAI_NONAME, WSAHOST_NOT_FOUND);
    ck_assert_int_eq(EAI_BADFLAGS, WSAEINVAL);
    ck_assert_int_eq(EAI_FAMILY, WSAEAFNOSUPPORT);

    /* IPv6, with a link-local scope written as its number. */
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(8080);
    a6.sin6_addr.s6_addr[15] = 1;
    const struct sockaddr *sa6 = (const struct sockaddr *)&a6;
    NI_EXPECT(getnameinfo(sa6, sizeof a6, h, sizeof h, s, sizeof s,
                          NI_NUMERICHOST | NI_NUMERICSERV), 0);
    ck_assert_str_eq(h, "::1");
    ck_assert_str_eq(s, "8080");
    NI_EXPECT(getnameinfo(sa6, sizeof a, h, sizeof h, NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    a6.sin6_addr.s6_addr[0] = 0xfe;
    a6.sin6_addr.s6_addr[1] = 0x80;
    a6.sin6_scope_id = 1; /* the loopback interface */
    NI_EXPECT(getnameinfo(sa6, sizeof a6, h, sizeof h, NULL, 0, NI_NUMERICHOST), 0);
    ck_assert_str_eq(h, "fe80::1%1");
    NI_EXPECT(getnameinfo(sa6, sizeof a6, h, 9, NULL, 0, NI_NUMERICHOST), WSAEFAULT);

    /* GetNameInfoW: sizes in WCHARs. */
    WCHAR wh[NI_MAXHOST], ws[NI_MAXSERV];
    a.sin_port = htons(80);
    NI_EXPECT(GetNameInfoW((const SOCKADDR *)&a, sizeof a, wh, NI_MAXHOST, ws, NI_MAXSERV,
                           NI_NUMERICHOST), 0);
    ck_assert_int_eq(memcmp(wh, u"127.0.0.1", 10 * sizeof(WCHAR)), 0);
    ck_assert_int_eq(memcmp(ws, u"http", 5 * sizeof(WCHAR)), 0);
    NI_EXPECT(GetNameInfoW((const SOCKADDR *)&a, sizeof a, wh, 10, NULL, 0, NI_NUMERICHOST), 0);
    NI_EXPECT(GetNameInfoW((const SOCKADDR *)&a, sizeof a, wh, 9, NULL, 0, NI_NUMERICHOST),
              WSAEFAULT);
    NI_EXPECT(GetNameInfoW((const SOCKADDR *)&a, sizeof a, wh, 0, NULL, 0, NI_NUMERICHOST),
              EAI_BADFLAGS);
    NI_EXPECT(GetNameInfoW(NULL, sizeof a, wh, 10, NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    NI_EXPECT(GetNameInfoW((const SOCKADDR *)&a, sizeof a, NULL, 0, NULL, 0, 0), EAI_NONAME);
    stop();
}
END_TEST

/* The wide forms of getaddrinfo, inet_pton and inet_ntop. */
START_TEST(wide_names)
{
    ADDRINFOW hints, *res = (ADDRINFOW *)1;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_CANONNAME;
    NI_EXPECT(GetAddrInfoW(u"127.0.0.1", u"80", &hints, &res), WSANOTINITIALISED);
    ck_assert_ptr_null(res);
    start();
    NI_EXPECT(GetAddrInfoW(u"127.0.0.1", u"80", &hints, &res), 0);
    ck_assert_ptr_nonnull(res);
    ck_assert_int_eq(res->ai_family, AF_INET);
    ck_assert_int_eq(res->ai_socktype, SOCK_STREAM);
    ck_assert_uint_eq(res->ai_addrlen, sizeof(struct sockaddr_in));
    const struct sockaddr_in *sin = (const struct sockaddr_in *)res->ai_addr;
    ck_assert_int_eq(sin->sin_family, AF_INET);
    ck_assert_int_eq(ntohs(sin->sin_port), 80);
    ck_assert_uint_eq(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    ck_assert_ptr_nonnull(res->ai_canonname);
    ck_assert_int_eq(memcmp(res->ai_canonname, u"127.0.0.1", 10 * sizeof(WCHAR)), 0);
    ck_assert_ptr_null(res->ai_next);
    FreeAddrInfoW(res);
    FreeAddrInfoW(NULL);
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_NUMERICHOST;
    NI_EXPECT(GetAddrInfoW(u"::1", NULL, &hints, &res), 0);
    ck_assert_int_eq(res->ai_family, AF_INET6);
    ck_assert_ptr_null(res->ai_canonname);
    FreeAddrInfoW(res);
    NI_EXPECT(GetAddrInfoW(u"not-an-address", NULL, &hints, &res), WSAHOST_NOT_FOUND);
    ck_assert_ptr_null(res);
    NI_EXPECT(GetAddrInfoW(NULL, NULL, &hints, &res), WSAHOST_NOT_FOUND);
    hints.ai_family = 99;
    NI_EXPECT(GetAddrInfoW(u"::1", NULL, &hints, &res), WSAEAFNOSUPPORT);
    hints.ai_family = AF_INET;
    hints.ai_flags = 0x40000000;
    NI_EXPECT(GetAddrInfoW(u"127.0.0.1", NULL, &hints, &res), WSAEINVAL);

    IN_ADDR ia;
    IN6_ADDR i6;
    WCHAR buf[INET6_ADDRSTRLEN];
    ck_assert_int_eq(InetPtonW(AF_INET, u"10.1.2.3", &ia), 1);
    ck_assert_uint_eq(ntohl(ia.s_addr), 0x0a010203);
    WSASetLastError(0);
    ck_assert_int_eq(InetPtonW(AF_INET, u"10.1.2", &ia), 0);
    ck_assert_int_eq(WSAGetLastError(), WSAEINVAL);
    WSASetLastError(0);
    ck_assert_int_eq(InetPtonW(AF_INET, u"10.1.2.\u00e9", &ia), 0);
    ck_assert_int_eq(WSAGetLastError(), WSAEINVAL);
    WSASetLastError(0);
    ck_assert_int_eq(InetPtonW(99, u"10.1.2.3", &ia), -1);
    ck_assert_int_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    WSASetLastError(0);
    ck_assert_int_eq(InetPtonW(AF_INET, NULL, &ia), -1);
    ck_assert_int_eq(WSAGetLastError(), WSAEFAULT);
    WSASetLastError(0);
    ck_assert_int_eq(inet_pton(AF_INET, "1.2.3", &ia), 0);
    ck_assert_int_eq(WSAGetLastError(), WSAEINVAL);
    ck_assert_int_eq(InetPtonW(AF_INET6, u"fe80::1", &i6), 1);
    ck_assert_ptr_eq(InetNtopW(AF_INET6, &i6, buf, INET6_ADDRSTRLEN), buf);
    ck_assert_int_eq(memcmp(buf, u"fe80::1", 8 * sizeof(WCHAR)), 0);
    ck_assert_ptr_eq(InetNtopW(AF_INET6, &i6, buf, 8), buf);
    WSASetLastError(0);
    ck_assert_ptr_null(InetNtopW(AF_INET6, &i6, buf, 7));
    ck_assert_int_eq(WSAGetLastError(), ERROR_INVALID_PARAMETER);
    WSASetLastError(0);
    ck_assert_ptr_null(InetNtopW(99, &i6, buf, INET6_ADDRSTRLEN));
    ck_assert_int_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    WSASetLastError(0);
    ck_assert_ptr_null(InetNtopW(AF_INET, NULL, buf, INET6_ADDRSTRLEN));
    ck_assert_int_eq(WSAGetLastError(), ERROR_INVALID_PARAMETER);
    stop();
}
END_TEST

static Suite *socket_suite(void)
{
    Suite *s = suite_create("socket");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, startup);
    tcase_add_test(tc, handles);
    tcase_add_test(tc, creation_errors);
    tcase_add_test(tc, address_errors);
    tcase_add_test(tc, tcp_echo);
    tcase_add_test(tc, udp);
    tcase_add_test(tc, nonblocking_select);
    tcase_add_test(tc, options);
    tcase_add_test(tc, event_select);
    tcase_add_test(tc, event_select_connect);
    tcase_add_test(tc, close_wakes_blocked_call);
    tcase_add_test(tc, names);
    tcase_add_test(tc, name_info);
    tcase_add_test(tc, wide_names);
    tcase_add_test(tc, xproc_socket);
    tcase_add_test(tc, xproc_socket_orphan);
    tcase_add_test(tc, inherited_socket);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN_XCHILD(socket_suite, xchild)
