/* Overlapped socket I/O: WSARecv/WSASend (and the From/To forms) with an
 * event, a completion port and a completion routine, WSAGetOverlappedResult,
 * ReadFile/WriteFile on a socket handle, CancelIoEx, closesocket under
 * pending requests, a reset connection's codes; overlapped I/O on sockets
 * duplicated into another process.  Loopback only. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include "testutil.h"
#include "xproc.h"

#include <string.h>

#define ASSERT_WSA_FAILS(expr, err)                                          \
    do {                                                                     \
        WSASetLastError(0xdead);                                             \
        long long r_ = (long long)(expr);                                    \
        ck_assert_msg(r_ == SOCKET_ERROR, "%s returned %lld", #expr, r_);    \
        ck_assert_msg(WSAGetLastError() == (err), "%s: WSA error %d, expected %d", \
                      #expr, WSAGetLastError(), (int)(err));                 \
    } while (0)

/* HasOverlappedIoCompleted is a plain read (the SDK's macro); polling it
 * while another thread completes the I/O is a data race in C11 terms, so
 * the tests read Internal atomically. */
static int ov_done(OVERLAPPED *ov)
{
    return (DWORD)__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) != 0x103; /* STATUS_PENDING */
}

static void start(void)
{
    WSADATA d;
    ck_assert_int_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

/* A TCP listener on 127.0.0.1 and its address. */
static SOCKET loopback_listener(struct sockaddr_in *sa)
{
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(l != INVALID_SOCKET);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(l, (struct sockaddr *)sa, sizeof *sa), 0);
    int len = sizeof *sa;
    ck_assert_int_eq(getsockname(l, (struct sockaddr *)sa, &len), 0);
    ck_assert_int_eq(listen(l, 4), 0);
    return l;
}

/* A connected TCP pair over 127.0.0.1. */
static void tcp_pair(SOCKET *a, SOCKET *b)
{
    struct sockaddr_in sa;
    SOCKET l = loopback_listener(&sa);
    *a = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(*a != INVALID_SOCKET);
    ck_assert_int_eq(connect(*a, (struct sockaddr *)&sa, sizeof sa), 0);
    *b = accept(l, NULL, NULL);
    ck_assert(*b != INVALID_SOCKET);
    ck_assert_int_eq(closesocket(l), 0);
}

/* A pending WSARecv with an event completes when data comes; a send of
 * several buffers goes out whole, in order. */
START_TEST(test_event_recv_pending)
{
    start();
    SOCKET a, b;
    tcp_pair(&a, &b);
    char buf[64] = {0};
    WSABUF rb = {sizeof buf, buf};
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    DWORD n = 77, flags = 0;
    ASSERT_WSA_FAILS(WSARecv(b, &rb, 1, &n, &flags, &ov, NULL), WSA_IO_PENDING);
    ck_assert(!ov_done(&ov));
    DWORD fl = 5;
    ck_assert(!WSAGetOverlappedResult(b, &ov, &n, FALSE, &fl));
    ck_assert_int_eq(WSAGetLastError(), WSA_IO_INCOMPLETE);
    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);

    char p1[] = "hello, ", p2[] = "world";
    WSABUF sb[2] = {{7, p1}, {5, p2}};
    OVERLAPPED so;
    memset(&so, 0, sizeof so);
    so.hEvent = WSACreateEvent();
    n = 0;
    ck_assert_int_eq(WSASend(a, sb, 2, &n, 0, &so, NULL), 0); /* at once */
    ck_assert_uint_eq(n, 12);
    ck_assert_uint_eq(WaitForSingleObject(so.hEvent, 0), WAIT_OBJECT_0);
    ck_assert(WSAGetOverlappedResult(a, &so, &n, FALSE, &fl));
    ck_assert_uint_eq(n, 12);

    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    n = 0;
    fl = 5;
    ck_assert(WSAGetOverlappedResult(b, &ov, &n, TRUE, &fl));
    ck_assert_uint_eq(fl, 0);
    /* One recv may see the two buffers' bytes in one piece or not; what it
     * saw is the stream's start. */
    ck_assert_uint_ge(n, 1);
    ck_assert_int_eq(memcmp(buf, "hello, world", n), 0);
    ck_assert(ov_done(&ov));

    /* Ready data: WSARecv finishes at once and still sets the event. */
    ck_assert_int_eq(send(a, "xyz", 3, 0), 3);
    char more[16];
    size_t got = n;
    while (got < 15) {
        WSABUF mb = {sizeof more, more};
        n = 0;
        flags = 0;
        int r = WSARecv(b, &mb, 1, &n, &flags, &ov, NULL);
        if (r == SOCKET_ERROR) {
            ck_assert_int_eq(WSAGetLastError(), WSA_IO_PENDING);
            ck_assert(WSAGetOverlappedResult(b, &ov, &n, TRUE, &fl));
        } else {
            ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
        }
        ck_assert_uint_ge(n, 1);
        ck_assert_int_eq(memcmp(more, "hello, worldxyz" + got, n), 0);
        got += n;
    }
    WSACloseEvent(ov.hEvent);
    WSACloseEvent(so.hEvent);

    /* No event: GetOverlappedResult and WSAGetOverlappedResult wait for
     * the request itself (a socket is not waitable here). */
    memset(&ov, 0, sizeof ov);
    WSABUF one = {1, more};
    flags = 0;
    ASSERT_WSA_FAILS(WSARecv(b, &one, 1, &n, &flags, &ov, NULL), WSA_IO_PENDING);
    ASSERT_FAILS(GetOverlappedResultEx((HANDLE)b, &ov, &n, 0, FALSE), ERROR_IO_INCOMPLETE);
    ASSERT_FAILS(GetOverlappedResultEx((HANDLE)b, &ov, &n, 1, FALSE), WAIT_TIMEOUT);
    ck_assert_int_eq(send(a, "!", 1, 0), 1);
    ck_assert(GetOverlappedResult((HANDLE)b, &ov, &n, TRUE));
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(more[0], '!');
    closesocket(a);
    closesocket(b);
    WSACleanup();
}
END_TEST

/* Completion ports: a socket is associated with CreateIoCompletionPort (a
 * SOCKET cast to HANDLE); its completions arrive with its key, the
 * OVERLAPPED and the byte count; a closed peer completes a receive with 0
 * bytes; ReadFile and WriteFile on the socket handle work the same. */
START_TEST(test_port)
{
    start();
    SOCKET a, b;
    tcp_pair(&a, &b);
    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 42, 0);
    ck_assert_ptr_nonnull(port);
    ck_assert_ptr_eq(CreateIoCompletionPort((HANDLE)a, port, 43, 0), port);
    ASSERT_FAILS(CreateIoCompletionPort((HANDLE)a, port, 44, 0), ERROR_INVALID_PARAMETER);

    char buf[32];
    WSABUF rb = {sizeof buf, buf};
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    DWORD n, flags = 0;
    ASSERT_WSA_FAILS(WSARecv(b, &rb, 1, &n, &flags, &ov, NULL), WSA_IO_PENDING);
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 0), WAIT_TIMEOUT);

    OVERLAPPED wo;
    memset(&wo, 0, sizeof wo);
    DWORD w = 0;
    ck_assert(WriteFile((HANDLE)a, "ping", 4, &w, &wo)); /* at once */
    ck_assert_uint_eq(w, 4);
    /* Two packets: a's send (key 43) and b's receive (key 42). */
    int seen = 0;
    for (int i = 0; i < 2; i++) {
        ck_assert(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000));
        if (key == 43) {
            ck_assert_ptr_eq(pov, &wo);
            ck_assert_uint_eq(bytes, 4);
            seen |= 1;
        } else {
            ck_assert_uint_eq(key, 42);
            ck_assert_ptr_eq(pov, &ov);
            ck_assert_uint_ge(bytes, 1);
            ck_assert_int_eq(memcmp(buf, "ping", bytes), 0);
            seen |= 2;
        }
    }
    ck_assert_int_eq(seen, 3);
    if (bytes < 4 && key == 42) { /* the rest, plainly */
        char rest[4];
        ck_assert_int_eq(recv(b, rest, (int)(4 - bytes), MSG_WAITALL), (int)(4 - bytes));
    }

    /* ReadFile with an OVERLAPPED, pending; the peer shuts its side: the
     * read completes with 0 bytes, success. */
    memset(&ov, 0, sizeof ov);
    DWORD r = 99;
    ASSERT_FAILS(ReadFile((HANDLE)b, buf, sizeof buf, &r, &ov), ERROR_IO_PENDING);
    ck_assert_int_eq(shutdown(a, SD_SEND), 0);
    ck_assert(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000));
    ck_assert_uint_eq(key, 42);
    ck_assert_ptr_eq(pov, &ov);
    ck_assert_uint_eq(bytes, 0);
    ck_assert(GetOverlappedResult((HANDLE)b, &ov, &r, FALSE));
    ck_assert_uint_eq(r, 0);

    /* Plain ReadFile/WriteFile (no OVERLAPPED) on sockets. */
    ck_assert(WriteFile((HANDLE)b, "pong", 4, &w, NULL));
    ck_assert_uint_eq(w, 4);
    ck_assert(ReadFile((HANDLE)a, buf, 4, &r, NULL));
    ck_assert_uint_ge(r, 1);
    ck_assert_int_eq(memcmp(buf, "pong", r), 0);
    /* Their completions also reached the port?  No: no OVERLAPPED. */
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 0), WAIT_TIMEOUT);

    closesocket(a);
    closesocket(b);
    ck_assert(CloseHandle(port));
    WSACleanup();
}
END_TEST

static int routine_calls;
static DWORD routine_err, routine_bytes, routine_flags;
static LPWSAOVERLAPPED routine_ov;

static void CALLBACK on_done(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    routine_calls++;
    routine_err = err;
    routine_bytes = bytes;
    routine_ov = ov;
    routine_flags = flags;
}

/* A completion routine runs as an APC of the issuing thread, in an
 * alertable wait, with the WSA error code. */
START_TEST(test_routine)
{
    start();
    SOCKET a, b;
    tcp_pair(&a, &b);
    char buf[16];
    WSABUF rb = {sizeof buf, buf};
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    DWORD n, flags = 0;
    routine_calls = 0;
    ASSERT_WSA_FAILS(WSARecv(b, &rb, 1, &n, &flags, &ov, on_done), WSA_IO_PENDING);
    ck_assert_int_eq(send(a, "abc", 3, 0), 3);
    while (!ov_done(&ov))
        settle_ms(1);
    ck_assert_int_eq(routine_calls, 0); /* not before an alertable wait */
    ck_assert_uint_eq(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(routine_calls, 1);
    ck_assert_uint_eq(routine_err, 0);
    ck_assert_uint_ge(routine_bytes, 1);
    ck_assert_ptr_eq(routine_ov, &ov);
    ck_assert_uint_eq(routine_flags, 0);

    /* Cancelled: the routine gets WSA_OPERATION_ABORTED. */
    memset(&ov, 0, sizeof ov);
    flags = 0;
    /* drain what is left of "abc" first */
    while (routine_bytes < 3) {
        int got = recv(b, buf, 3 - (int)routine_bytes, 0);
        ck_assert_int_gt(got, 0);
        routine_bytes += (DWORD)got;
    }
    ASSERT_WSA_FAILS(WSARecv(b, &rb, 1, &n, &flags, &ov, on_done), WSA_IO_PENDING);
    ck_assert(CancelIoEx((HANDLE)b, &ov));
    ASSERT_FAILS(CancelIoEx((HANDLE)b, &ov), ERROR_NOT_FOUND);
    ck_assert_uint_eq(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(routine_calls, 2);
    ck_assert_uint_eq(routine_err, WSA_OPERATION_ABORTED);
    ck_assert_uint_eq(routine_bytes, 0);
    DWORD fl;
    ck_assert(!WSAGetOverlappedResult(b, &ov, &n, FALSE, &fl));
    ck_assert_int_eq(WSAGetLastError(), WSA_OPERATION_ABORTED);
    closesocket(a);
    closesocket(b);
    WSACleanup();
}
END_TEST

/* closesocket with a receive pending: it completes aborted.  A reset
 * connection: WSAECONNRESET from WSAGetOverlappedResult, and
 * ERROR_NETNAME_DELETED from GetQueuedCompletionStatus. */
START_TEST(test_close_and_reset)
{
    start();
    SOCKET a, b;
    tcp_pair(&a, &b);
    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 9, 0);
    ck_assert_ptr_nonnull(port);
    char buf[16];
    WSABUF rb = {sizeof buf, buf};
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    DWORD n, flags = 0, fl;
    ASSERT_WSA_FAILS(WSARecv(b, &rb, 1, &n, &flags, &ov, NULL), WSA_IO_PENDING);
    /* The peer resets: linger 0 then close. */
    struct linger lg = {1, 0};
    ck_assert_int_eq(setsockopt(a, SOL_SOCKET, SO_LINGER, (char *)&lg, sizeof lg), 0);
    ck_assert_int_eq(closesocket(a), 0);
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000),
                 ERROR_NETNAME_DELETED);
    ck_assert_ptr_eq(pov, &ov);
    ck_assert_uint_eq(key, 9);
    ck_assert(!WSAGetOverlappedResult(b, &ov, &n, TRUE, &fl));
    ck_assert_int_eq(WSAGetLastError(), WSAECONNRESET);
    closesocket(b);

    tcp_pair(&a, &b);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    ASSERT_WSA_FAILS(WSARecv(b, &rb, 1, &n, &flags, &ov, NULL), WSA_IO_PENDING);
    ck_assert_int_eq(closesocket(b), 0);
    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(ov.Internal, 0xC0000120u); /* STATUS_CANCELLED */
    WSACloseEvent(ov.hEvent);
    closesocket(a);
    ck_assert(CloseHandle(port));
    WSACleanup();
}
END_TEST

/* Error paths: exact WSA codes. */
START_TEST(test_errors)
{
    start();
    char buf[8];
    WSABUF wb = {sizeof buf, buf};
    DWORD n, flags = 0, fl;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_WSA_FAILS(WSARecv((SOCKET)ev, &wb, 1, &n, &flags, &ov, NULL), WSAENOTSOCK);
    ASSERT_WSA_FAILS(WSASend((SOCKET)ev, &wb, 1, &n, 0, &ov, NULL), WSAENOTSOCK);
    WSASetLastError(0);
    ck_assert(!WSAGetOverlappedResult((SOCKET)ev, &ov, &n, FALSE, &fl));
    ck_assert_int_eq(WSAGetLastError(), WSAENOTSOCK);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_WSA_FAILS(WSARecv(s, &wb, 1, &n, &flags, &ov, NULL), WSAENOTCONN);
    ASSERT_WSA_FAILS(WSASend(s, &wb, 1, &n, 0, &ov, NULL), WSAENOTCONN);
    ASSERT_WSA_FAILS(WSARecv(s, NULL, 1, &n, &flags, &ov, NULL), WSAEFAULT);
    ASSERT_WSA_FAILS(WSARecv(s, &wb, 1, &n, NULL, &ov, NULL), WSAEFAULT);
    /* Not a socket, not a file: ReadFile keeps ERROR_INVALID_HANDLE. */
    DWORD r;
    ASSERT_FAILS(ReadFile(ev, buf, 1, &r, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelIoEx(ev, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelIoEx((HANDLE)s, NULL), ERROR_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert(CancelIo((HANDLE)s));
    /* A shut-down direction. */
    SOCKET a, b;
    tcp_pair(&a, &b);
    ck_assert_int_eq(shutdown(a, SD_SEND), 0);
    ASSERT_WSA_FAILS(WSASend(a, &wb, 1, &n, 0, &ov, NULL), WSAESHUTDOWN);
    closesocket(a);
    closesocket(b);
    closesocket(s);
    CloseHandle(ev);
    WSACleanup();
}
END_TEST

/* UDP: WSASendTo / WSARecvFrom overlapped, with the sender's address, and
 * a datagram longer than the buffers: WSAEMSGSIZE. */
START_TEST(test_udp)
{
    start();
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa, va;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    va = sa;
    ck_assert_int_eq(bind(u, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(bind(v, (struct sockaddr *)&va, sizeof va), 0);
    int len = sizeof sa;
    ck_assert_int_eq(getsockname(u, (struct sockaddr *)&sa, &len), 0);
    len = sizeof va;
    ck_assert_int_eq(getsockname(v, (struct sockaddr *)&va, &len), 0);

    char buf[4];
    WSABUF rb = {sizeof buf, buf};
    struct sockaddr_in from;
    INT fromlen = sizeof from;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    DWORD n, flags = 0, fl;
    ASSERT_WSA_FAILS(WSARecvFrom(u, &rb, 1, &n, &flags, (struct sockaddr *)&from, &fromlen,
                                 &ov, NULL),
                     WSA_IO_PENDING);
    char msg[] = "dgram!";
    WSABUF sb = {6, msg};
    OVERLAPPED so;
    memset(&so, 0, sizeof so);
    ck_assert_int_eq(WSASendTo(v, &sb, 1, &n, 0, (struct sockaddr *)&sa, sizeof sa, &so, NULL),
                     0);
    ck_assert_uint_eq(n, 6);
    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    ck_assert(!WSAGetOverlappedResult(u, &ov, &n, TRUE, &fl));
    ck_assert_int_eq(WSAGetLastError(), WSAEMSGSIZE);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(buf, "dgra", 4), 0);
    ck_assert_int_eq(from.sin_port, va.sin_port);
    WSACloseEvent(ov.hEvent);
    closesocket(u);
    closesocket(v);
    WSACleanup();
}
END_TEST

static void *ext_fn(SOCKET s, GUID g)
{
    void *fn = NULL;
    DWORD ret = 0;
    ck_assert_int_eq(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &g, sizeof g, &fn,
                              sizeof fn, &ret, NULL, NULL),
                     0);
    ck_assert_uint_eq(ret, sizeof fn);
    ck_assert_ptr_nonnull(fn);
    return fn;
}

/* AcceptEx and ConnectEx through WSAIoctl, on a completion port: ConnectEx
 * with data, AcceptEx receiving the first data, the addresses through
 * GetAcceptExSockaddrs; SO_UPDATE_*_CONTEXT accepted; then the sockets
 * work as any connected pair. */
START_TEST(test_acceptex_connectex)
{
    start();
    struct sockaddr_in sa;
    SOCKET l = loopback_listener(&sa);
    LPFN_ACCEPTEX accept_ex = (LPFN_ACCEPTEX)ext_fn(l, (GUID)WSAID_ACCEPTEX);
    LPFN_CONNECTEX connect_ex = (LPFN_CONNECTEX)ext_fn(l, (GUID)WSAID_CONNECTEX);
    LPFN_GETACCEPTEXSOCKADDRS addrs =
        (LPFN_GETACCEPTEXSOCKADDRS)ext_fn(l, (GUID)WSAID_GETACCEPTEXSOCKADDRS);
    ck_assert_ptr_eq((void *)accept_ex, (void *)AcceptEx);

    HANDLE port = CreateIoCompletionPort((HANDLE)l, NULL, 1, 0);
    ck_assert_ptr_nonnull(port);
    SOCKET as = socket(AF_INET, SOCK_STREAM, 0);
    static char out[64 + 2 * (sizeof(struct sockaddr_in) + 16)] __attribute__((aligned(8)));
    const DWORD alen = sizeof(struct sockaddr_in) + 16;
    OVERLAPPED aov;
    memset(&aov, 0, sizeof aov);
    DWORD got = 77;
    SetLastError(0xdeadbeef);
    ck_assert(!accept_ex(l, as, out, 5, alen, alen, &got, &aov));
    ck_assert_int_eq(WSAGetLastError(), ERROR_IO_PENDING);

    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any;
    memset(&any, 0, sizeof any);
    any.sin_family = AF_INET;
    OVERLAPPED cov;
    memset(&cov, 0, sizeof cov);
    DWORD sent = 0;
    /* Unbound: ConnectEx refuses it, as Windows. */
    ASSERT_WSA_FAILS(connect_ex(c, (struct sockaddr *)&sa, sizeof sa, NULL, 0, &sent, &cov) ? 0
                                                                                       : SOCKET_ERROR,
                     WSAEINVAL);
    ck_assert_int_eq(bind(c, (struct sockaddr *)&any, sizeof any), 0);
    ck_assert_ptr_eq(CreateIoCompletionPort((HANDLE)c, port, 2, 0), port);
    char hello[] = "hello";
    BOOL ok = connect_ex(c, (struct sockaddr *)&sa, sizeof sa, hello, 5, &sent, &cov);
    ck_assert(ok || WSAGetLastError() == ERROR_IO_PENDING);

    int seen = 0;
    while (seen != 3) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED pov;
        ck_assert(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000));
        if (key == 1) {
            ck_assert_ptr_eq(pov, &aov);
            ck_assert_uint_eq(bytes, 5); /* AcceptEx waits for its data */
            seen |= 1;
        } else {
            ck_assert_uint_eq(key, 2);
            ck_assert_ptr_eq(pov, &cov);
            ck_assert_uint_eq(bytes, 5);
            seen |= 2;
        }
    }
    ck_assert_int_eq(memcmp(out, "hello", 5), 0);
    struct sockaddr *lp, *rp;
    INT ll, rl;
    addrs(out, 5, alen, alen, &lp, &ll, &rp, &rl);
    /* Aligned although the areas start at out + 5 (a sockaddr_in read
     * through them must not be misaligned). */
    ck_assert_uint_eq((uintptr_t)lp % 8, 0);
    ck_assert_uint_eq((uintptr_t)rp % 8, 0);
    ck_assert_int_eq(ll, (int)sizeof(struct sockaddr_in));
    ck_assert_int_eq(rl, (int)sizeof(struct sockaddr_in));
    ck_assert_int_eq(((struct sockaddr_in *)lp)->sin_port, sa.sin_port);
    struct sockaddr_in cn;
    int len = sizeof cn;
    ck_assert_int_eq(getsockname(c, (struct sockaddr *)&cn, &len), 0);
    ck_assert_int_eq(((struct sockaddr_in *)rp)->sin_port, cn.sin_port);

    ck_assert_int_eq(setsockopt(as, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&l, sizeof l),
                     0);
    ck_assert_int_eq(setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0), 0);
    ck_assert_int_eq(send(as, "back", 4, 0), 4);
    char buf[8];
    ck_assert_int_eq(recv(c, buf, 4, MSG_WAITALL), 4);
    ck_assert_int_eq(memcmp(buf, "back", 4), 0);
    ck_assert_int_eq(getpeername(as, (struct sockaddr *)&cn, &len), 0);

    /* Errors: not listening, a connected accept socket, short address
     * areas, an unknown GUID, not a socket. */
    OVERLAPPED eov;
    memset(&eov, 0, sizeof eov);
    SOCKET fresh = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_WSA_FAILS(AcceptEx(c, fresh, out, 0, alen, alen, &got, &eov) ? 0 : SOCKET_ERROR,
                     WSAEINVAL);
    ASSERT_WSA_FAILS(AcceptEx(l, as, out, 0, alen, alen, &got, &eov) ? 0 : SOCKET_ERROR,
                     WSAEINVAL);
    ASSERT_WSA_FAILS(AcceptEx(l, fresh, out, 0, 8, 8, &got, &eov) ? 0 : SOCKET_ERROR,
                     WSAEFAULT);
    ASSERT_WSA_FAILS(connect_ex(c, (struct sockaddr *)&sa, sizeof sa, NULL, 0, &sent, &eov)
                         ? 0
                         : SOCKET_ERROR,
                     WSAEISCONN);
    GUID bogus = {1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
    void *fn;
    DWORD ret;
    ASSERT_WSA_FAILS(WSAIoctl(l, SIO_GET_EXTENSION_FUNCTION_POINTER, &bogus, sizeof bogus, &fn,
                              sizeof fn, &ret, NULL, NULL),
                     WSAEINVAL);
    ASSERT_WSA_FAILS(WSAIoctl(l, SIO_GET_EXTENSION_FUNCTION_POINTER, &bogus, 4, &fn, sizeof fn,
                              &ret, NULL, NULL),
                     WSAEFAULT);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_WSA_FAILS(WSAIoctl((SOCKET)ev, FIONREAD, NULL, 0, &fn, sizeof fn, &ret, NULL, NULL),
                     WSAENOTSOCK);
    ASSERT_WSA_FAILS(WSAIoctl(l, 0x12345678, NULL, 0, NULL, 0, &ret, NULL, NULL), WSAEINVAL);
    ULONG avail = 99;
    ck_assert_int_eq(WSAIoctl(c, FIONREAD, NULL, 0, &avail, sizeof avail, &ret, NULL, NULL), 0);
    ck_assert_uint_eq(avail, 0);
    ck_assert_uint_eq(ret, sizeof avail);
    CloseHandle(ev);

    /* A pending AcceptEx when the listening socket closes: aborted. */
    memset(&aov, 0, sizeof aov);
    ck_assert(!AcceptEx(l, fresh, out, 0, alen, alen, &got, &aov));
    ck_assert_int_eq(WSAGetLastError(), ERROR_IO_PENDING);
    ck_assert_int_eq(closesocket(l), 0);
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000),
                 ERROR_OPERATION_ABORTED);
    ck_assert_ptr_eq(pov, &aov);

    /* ConnectEx to a port nobody listens on: refused. */
    SOCKET d = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(d, (struct sockaddr *)&any, sizeof any), 0);
    ck_assert_ptr_eq(CreateIoCompletionPort((HANDLE)d, port, 3, 0), port);
    memset(&cov, 0, sizeof cov);
    if (!connect_ex(d, (struct sockaddr *)&sa, sizeof sa, NULL, 0, &sent, &cov)) {
        if (WSAGetLastError() == ERROR_IO_PENDING) {
            ASSERT_FAILS(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000),
                         ERROR_CONNECTION_REFUSED);
            ck_assert_uint_eq(key, 3);
            DWORD fl;
            ck_assert(!WSAGetOverlappedResult(d, &cov, &bytes, TRUE, &fl));
        }
        ck_assert_int_eq(WSAGetLastError(), WSAECONNREFUSED);
    } else {
        ck_abort_msg("ConnectEx to a closed port succeeded");
    }
    closesocket(d);
    closesocket(fresh);
    closesocket(as);
    closesocket(c);
    ck_assert(CloseHandle(port));
    WSACleanup();
}
END_TEST


/* Overlapped I/O on sockets duplicated into another process: ReadFile
 * and WSARecv there, CancelIoEx, AcceptEx on the duplicated listener; what
 * stays with the creating process fails as COMPATIBILITY says. */
static int child_overlapped(struct xproc *x)
{
    WSADATA d;
    SOCKET l, b, u;
    char buf[64], step;
    if (WSAStartup(MAKEWORD(2, 2), &d) || !child_get(x, &l, sizeof l) ||
        !child_get(x, &b, sizeof b) || !child_get(x, &u, sizeof u))
        return 1;
    /* ReadFile on the SOCKET, overlapped (the parent sent "data"). */
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    DWORD n = 0, flags = 0;
    if (!ReadFile((HANDLE)b, buf, 4, &n, &ov) && GetLastError() != ERROR_IO_PENDING)
        return 2;
    if (!WSAGetOverlappedResult(b, &ov, &n, TRUE, &flags) || n != 4 || memcmp(buf, "data", 4))
        return 3;
    /* A pending WSARecv, cancelled. */
    WSABUF rb = {sizeof buf, buf};
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    WSASetLastError(0xdead);
    if (WSARecv(b, &rb, 1, &n, &flags, &ov, NULL) != SOCKET_ERROR ||
        WSAGetLastError() != WSA_IO_PENDING)
        return 4;
    if (!CancelIoEx((HANDLE)b, &ov) || WaitForSingleObject(ov.hEvent, 30000) != WAIT_OBJECT_0)
        return 5;
    WSASetLastError(0xdead);
    if (WSAGetOverlappedResult(b, &ov, &n, FALSE, &flags) ||
        WSAGetLastError() != WSA_OPERATION_ABORTED)
        return 6;
    SetLastError(0xdeadbeef);
    if (CancelIoEx((HANDLE)b, &ov) || GetLastError() != ERROR_NOT_FOUND)
        return 7;
    /* AcceptEx on the duplicated listener, into a socket of ours. */
    LPFN_ACCEPTEX accept_ex = NULL;
    GUID g = WSAID_ACCEPTEX;
    DWORD ret = 0;
    if (WSAIoctl(l, SIO_GET_EXTENSION_FUNCTION_POINTER, &g, sizeof g, &accept_ex,
                 sizeof accept_ex, &ret, NULL, NULL) || !accept_ex)
        return 8;
    SOCKET acc = socket(AF_INET, SOCK_STREAM, 0);
    DWORD alen = sizeof(struct sockaddr_in) + 16;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    WSASetLastError(0xdead);
    if (acc == INVALID_SOCKET || accept_ex(l, acc, buf, 0, alen, alen, &n, &ov) ||
        WSAGetLastError() != WSA_IO_PENDING)
        return 9;
    /* The accept socket must be this process's own. */
    OVERLAPPED ov2;
    memset(&ov2, 0, sizeof ov2);
    WSASetLastError(0xdead);
    if (accept_ex(l, u, buf, 0, alen, alen, &n, &ov2) || WSAGetLastError() != WSAEOPNOTSUPP)
        return 10;
    if (!child_put(x, "a", 1)) /* the parent connects */
        return 11;
    if (!WSAGetOverlappedResult(l, &ov, &n, TRUE, &flags))
        return 12;
    if (send(acc, "hi", 2, 0) != 2)
        return 13;
    /* A completion port is the associating process's. */
    SetLastError(0xdeadbeef);
    if (CreateIoCompletionPort((HANDLE)b, NULL, 0, 0) || GetLastError() != ERROR_NOT_SUPPORTED)
        return 14;
    if (!child_get(x, &step, 1))
        return 15;
    closesocket(acc);
    closesocket(l);
    closesocket(b);
    closesocket(u);
    WSACleanup();
    return 0;
}

START_TEST(test_other_process)
{
    start();
    struct sockaddr_in sa;
    SOCKET l = loopback_listener(&sa);
    SOCKET a, b, u = socket(AF_INET, SOCK_STREAM, 0);
    tcp_pair(&a, &b);
    ck_assert_int_eq(send(a, "data", 4, 0), 4);
    struct xproc x;
    xproc_start(&x, child_overlapped);
    xproc_give(&x, (HANDLE)l, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, (HANDLE)b, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, (HANDLE)u, 0, DUPLICATE_SAME_ACCESS);
    char step, buf[4] = {0};
    ck_assert_msg(xproc_recv(x.to_parent[0], &step, 1), "child: %d", xproc_wait(&x));
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(recv(c, buf, 2, MSG_WAITALL), 2);
    ck_assert(memcmp(buf, "hi", 2) == 0);
    xproc_send(x.to_child[1], "e", 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    closesocket(c);
    closesocket(a);
    closesocket(b);
    closesocket(u);
    closesocket(l);
    WSACleanup();
}
END_TEST

static Suite *sockio_suite(void)
{
    Suite *s = suite_create("sockio");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_event_recv_pending);
    tcase_add_test(tc, test_port);
    tcase_add_test(tc, test_routine);
    tcase_add_test(tc, test_close_and_reset);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_udp);
    tcase_add_test(tc, test_acceptex_connectex);
    tcase_add_test(tc, test_other_process);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(sockio_suite)
