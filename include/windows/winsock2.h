/*
 * winsock2.h - Windows Sockets 2: SOCKET, the BSD-style calls with
 * Windows semantics and WSA* error codes, WSAStartup, select with the
 * Windows fd_set, WSAEventSelect.  Constants and layouts are the Windows
 * ones (AF_INET6 is 23, SOL_SOCKET is 0xffff, sockaddr_in has IN_ADDR's
 * S_un union); libwinshim translates to Linux values.
 *
 * Living next to the C library (docs/COMPATIBILITY.md, "Sockets"):
 *   - A translation unit that includes this header cannot also include
 *     <sys/socket.h>, <netinet/in.h>, <arpa/inet.h> or <netdb.h>: both
 *     define struct sockaddr, AF_*, htons...  Keep Linux socket code and
 *     Windows socket code in separate .c files.
 *   - <sys/select.h> and <unistd.h>, which the C library pulls in almost
 *     everywhere, are included first, and the Windows names then take
 *     over in this translation unit: fd_set, FD_SET/FD_CLR/FD_ISSET/
 *     FD_ZERO/FD_SETSIZE, select and gethostname are macros for winshim's
 *     Windows versions.
 *   - struct timeval (and so TIMEVAL) and u_long stay the C library's
 *     (16 and 8 bytes instead of 8 and 4): they are shared with
 *     gettimeofday, setitimer, getrusage..., and a different layout would
 *     corrupt those silently.  Every winsock structure uses 32-bit ULONG
 *     fields, so sockaddr_in, in_addr... have the Windows layout.
 *   - Functions whose names the C library also exports (socket, bind,
 *     send, htons...) are linked under winshim_* symbol names, so that
 *     other libraries in the process keep the C library's.
 *   - <windows.h> includes this header (through <winsock.h>) only when
 *     __USE_W32_SOCKETS is defined, as mingw-w64 does on Cygwin, the other
 *     POSIX system with Windows headers: see windows.h.
 */
#ifndef _WINSOCK2API_
#define _WINSOCK2API_
#define _WINSOCKAPI_ /* <winsock.h> is this header */

#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include <windef.h>
#include <winbase.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WSAAPI WINAPI
#ifndef WINSOCK_API_LINKAGE
#define WINSOCK_API_LINKAGE __attribute__((visibility("default")))
#endif
/* The link-time name of a call the C library also has. */
#ifndef WINSHIM_WS2_NAME
#define WINSHIM_WS2_NAME(name) __asm__("winshim_" #name)
#endif

/* The BSD unsigned types, as the C library defines them (sys/types.h). */
#ifndef __u_char_defined
#define __u_char_defined
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
#endif
__extension__ typedef unsigned long long u_int64;

typedef UINT_PTR SOCKET;
#define INVALID_SOCKET (SOCKET)(~0)
#define SOCKET_ERROR (-1)

/* ---- fd_set: a count and an array of sockets, as on Windows ---- */
#undef FD_SETSIZE
#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO
#define fd_set winshim_fd_set
#define select winshim_select
#define gethostname winshim_gethostname

#define FD_SETSIZE 64

typedef struct fd_set {
    u_int fd_count;
    SOCKET fd_array[FD_SETSIZE];
} FD_SET, fd_set, *PFD_SET, *LPFD_SET;

WINSOCK_API_LINKAGE int WSAAPI __WSAFDIsSet(SOCKET fd, fd_set *set);

#define FD_CLR(fd, set)                                                      \
    do {                                                                     \
        u_int ws_i_;                                                         \
        for (ws_i_ = 0; ws_i_ < ((fd_set *)(set))->fd_count; ws_i_++) {      \
            if (((fd_set *)(set))->fd_array[ws_i_] == (SOCKET)(fd)) {        \
                for (; ws_i_ + 1 < ((fd_set *)(set))->fd_count; ws_i_++)     \
                    ((fd_set *)(set))->fd_array[ws_i_] =                     \
                        ((fd_set *)(set))->fd_array[ws_i_ + 1];              \
                ((fd_set *)(set))->fd_count--;                               \
                break;                                                       \
            }                                                                \
        }                                                                    \
    } while (0)

/* Adds fd once; a full set stays as it is. */
#define FD_SET(fd, set)                                                      \
    do {                                                                     \
        u_int ws_i_;                                                         \
        for (ws_i_ = 0; ws_i_ < ((fd_set *)(set))->fd_count; ws_i_++)        \
            if (((fd_set *)(set))->fd_array[ws_i_] == (SOCKET)(fd))          \
                break;                                                       \
        if (ws_i_ == ((fd_set *)(set))->fd_count &&                          \
            ws_i_ < FD_SETSIZE) {                                            \
            ((fd_set *)(set))->fd_array[ws_i_] = (SOCKET)(fd);               \
            ((fd_set *)(set))->fd_count++;                                   \
        }                                                                    \
    } while (0)

#define FD_ZERO(set) (((fd_set *)(set))->fd_count = 0)
#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)(fd), (fd_set *)(set))

/* The C library's struct timeval (see the top of this file). */
typedef struct timeval TIMEVAL, *PTIMEVAL, *LPTIMEVAL;

/* ---- ioctlsocket commands ---- */
#define IOCPARM_MASK 0x7f
#define IOC_VOID 0x20000000
#define IOC_OUT 0x40000000
#define IOC_IN 0x80000000
#define IOC_INOUT (IOC_IN | IOC_OUT)
/* Windows' u_long is 4 bytes: the size field is written out. */
#define _IO(x, y) (IOC_VOID | ((x) << 8) | (y))
#define _IOR(x, y, t) (IOC_OUT | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOW(x, y, t) (IOC_IN | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define FIONREAD (IOC_OUT | ((LONG)sizeof(ULONG) << 16) | ('f' << 8) | 127)
#define FIONBIO (IOC_IN | ((LONG)sizeof(ULONG) << 16) | ('f' << 8) | 126)
#define FIOASYNC (IOC_IN | ((LONG)sizeof(ULONG) << 16) | ('f' << 8) | 125)
#define SIOCATMARK (IOC_OUT | ((LONG)sizeof(ULONG) << 16) | ('s' << 8) | 7)

/* ---- protocols and ports ---- */
#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41
#define IPPROTO_ICMPV6 58
#define IPPROTO_RAW 255
#define IPPORT_RESERVED 1024

/* ---- addresses ---- */
typedef USHORT ADDRESS_FAMILY;

typedef struct in_addr {
    union {
        struct {
            UCHAR s_b1, s_b2, s_b3, s_b4;
        } S_un_b;
        struct {
            USHORT s_w1, s_w2;
        } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define s_addr S_un.S_addr
#define s_host S_un.S_un_b.s_b2
#define s_net S_un.S_un_b.s_b1
#define s_imp S_un.S_un_w.s_w2
#define s_impno S_un.S_un_b.s_b4
#define s_lh S_un.S_un_b.s_b3

#define INADDR_ANY (ULONG)0x00000000
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_BROADCAST (ULONG)0xffffffff
#define INADDR_NONE 0xffffffff
#define ADDR_ANY INADDR_ANY

typedef struct sockaddr {
    ADDRESS_FAMILY sa_family;
    CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef struct sockaddr_in {
    ADDRESS_FAMILY sin_family;
    USHORT sin_port;
    IN_ADDR sin_addr;
    CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

typedef struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR __ss_pad1[6];
    LONGLONG __ss_align;
    CHAR __ss_pad2[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

typedef struct linger {
    u_short l_onoff;
    u_short l_linger;
} LINGER, *PLINGER, *LPLINGER;

/* ---- socket types, options, families ---- */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5

#define SO_DEBUG 0x0001
#define SO_ACCEPTCONN 0x0002
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_DONTROUTE 0x0010
#define SO_BROADCAST 0x0020
#define SO_USELOOPBACK 0x0040
#define SO_LINGER 0x0080
#define SO_OOBINLINE 0x0100
#define SO_DONTLINGER (int)(~SO_LINGER)
#define SO_EXCLUSIVEADDRUSE ((int)(~SO_REUSEADDR))
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_SNDTIMEO 0x1005
#define SO_RCVTIMEO 0x1006
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008

#define TCP_NODELAY 0x0001

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 23
#define AF_MAX 33
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_MAX AF_MAX

#define SOL_SOCKET 0xffff
#define SOMAXCONN 0x7fffffff
#define SOMAXCONN_HINT(b) (-(b))

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_WAITALL 0x8
#define MSG_PARTIAL 0x8000
#define MSG_MAXIOVLEN 16

#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

/* ---- WSAStartup ---- */
#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

/* ---- WSAEventSelect ---- */
#define FD_READ_BIT 0
#define FD_READ (1 << FD_READ_BIT)
#define FD_WRITE_BIT 1
#define FD_WRITE (1 << FD_WRITE_BIT)
#define FD_OOB_BIT 2
#define FD_OOB (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT 3
#define FD_ACCEPT (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT 4
#define FD_CONNECT (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT 5
#define FD_CLOSE (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT 6
#define FD_QOS (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT 7
#define FD_GROUP_QOS (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

typedef struct _WSANETWORKEVENTS {
    LONG lNetworkEvents;
    int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

#define WSAEVENT HANDLE
#define LPWSAEVENT LPHANDLE
#define WSA_IO_PENDING (ERROR_IO_PENDING)
#define WSA_IO_INCOMPLETE (ERROR_IO_INCOMPLETE)
#define WSA_INVALID_HANDLE (ERROR_INVALID_HANDLE)
#define WSA_INVALID_PARAMETER (ERROR_INVALID_PARAMETER)
#define WSA_NOT_ENOUGH_MEMORY (ERROR_NOT_ENOUGH_MEMORY)
#define WSA_OPERATION_ABORTED (ERROR_OPERATION_ABORTED)
#define WSA_INVALID_EVENT ((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS (MAXIMUM_WAIT_OBJECTS)
#define WSA_WAIT_FAILED (WAIT_FAILED)
#define WSA_WAIT_EVENT_0 (WAIT_OBJECT_0)
#define WSA_WAIT_IO_COMPLETION (WAIT_IO_COMPLETION)
#define WSA_WAIT_TIMEOUT (WAIT_TIMEOUT)
#define WSA_INFINITE (INFINITE)

/* ---- overlapped socket I/O ---- */
#define WSAOVERLAPPED OVERLAPPED
typedef struct _OVERLAPPED *LPWSAOVERLAPPED;

typedef struct _WSABUF {
    ULONG len; /* u_long is 64-bit here (winsock2.h); Windows has 32 */
    char *buf;
} WSABUF, *LPWSABUF;

typedef void(CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError,
                                                          DWORD cbTransferred,
                                                          LPWSAOVERLAPPED lpOverlapped,
                                                          DWORD dwFlags);

#define IOC_UNIX 0x00000000
#define IOC_WS2 0x08000000
#define IOC_PROTOCOL 0x10000000
#define IOC_VENDOR 0x18000000
#define _WSAIO(x, y) (IOC_VOID | (x) | (y))
#define _WSAIOR(x, y) (IOC_OUT | (x) | (y))
#define _WSAIOW(x, y) (IOC_IN | (x) | (y))
#define _WSAIORW(x, y) (IOC_INOUT | (x) | (y))
#define SIO_GET_EXTENSION_FUNCTION_POINTER _WSAIORW(IOC_WS2, 6)

/* ---- the calls ---- */
WINSOCK_API_LINKAGE SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr,
                                         int *addrlen) WINSHIM_WS2_NAME(accept);
WINSOCK_API_LINKAGE int WSAAPI bind(SOCKET s, const struct sockaddr *name,
                                   int namelen) WINSHIM_WS2_NAME(bind);
WINSOCK_API_LINKAGE int WSAAPI closesocket(SOCKET s);
WINSOCK_API_LINKAGE int WSAAPI connect(SOCKET s, const struct sockaddr *name,
                                      int namelen) WINSHIM_WS2_NAME(connect);
WINSOCK_API_LINKAGE int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long *argp);
WINSOCK_API_LINKAGE int WSAAPI getpeername(SOCKET s, struct sockaddr *name,
                                          int *namelen) WINSHIM_WS2_NAME(getpeername);
WINSOCK_API_LINKAGE int WSAAPI getsockname(SOCKET s, struct sockaddr *name,
                                          int *namelen) WINSHIM_WS2_NAME(getsockname);
WINSOCK_API_LINKAGE int WSAAPI getsockopt(SOCKET s, int level, int optname,
                                         char *optval, int *optlen)
    WINSHIM_WS2_NAME(getsockopt);
WINSOCK_API_LINKAGE ULONG WSAAPI htonl(ULONG hostlong) WINSHIM_WS2_NAME(htonl);
WINSOCK_API_LINKAGE u_short WSAAPI htons(u_short hostshort) WINSHIM_WS2_NAME(htons);
WINSOCK_API_LINKAGE ULONG WSAAPI inet_addr(const char *cp) WINSHIM_WS2_NAME(inet_addr);
WINSOCK_API_LINKAGE char *WSAAPI inet_ntoa(struct in_addr in) WINSHIM_WS2_NAME(inet_ntoa);
WINSOCK_API_LINKAGE int WSAAPI listen(SOCKET s, int backlog) WINSHIM_WS2_NAME(listen);
WINSOCK_API_LINKAGE ULONG WSAAPI ntohl(ULONG netlong) WINSHIM_WS2_NAME(ntohl);
WINSOCK_API_LINKAGE u_short WSAAPI ntohs(u_short netshort) WINSHIM_WS2_NAME(ntohs);
WINSOCK_API_LINKAGE int WSAAPI recv(SOCKET s, char *buf, int len, int flags)
    WINSHIM_WS2_NAME(recv);
WINSOCK_API_LINKAGE int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags,
                                       struct sockaddr *from, int *fromlen)
    WINSHIM_WS2_NAME(recvfrom);
WINSOCK_API_LINKAGE int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds,
                                     fd_set *exceptfds, const TIMEVAL *timeout);
WINSOCK_API_LINKAGE int WSAAPI send(SOCKET s, const char *buf, int len, int flags)
    WINSHIM_WS2_NAME(send);
WINSOCK_API_LINKAGE int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags,
                                     const struct sockaddr *to, int tolen)
    WINSHIM_WS2_NAME(sendto);
WINSOCK_API_LINKAGE int WSAAPI setsockopt(SOCKET s, int level, int optname,
                                         const char *optval, int optlen)
    WINSHIM_WS2_NAME(setsockopt);
WINSOCK_API_LINKAGE int WSAAPI shutdown(SOCKET s, int how) WINSHIM_WS2_NAME(shutdown);
WINSOCK_API_LINKAGE SOCKET WSAAPI socket(int af, int type, int protocol)
    WINSHIM_WS2_NAME(socket);
WINSOCK_API_LINKAGE int WSAAPI gethostname(char *name, int namelen);

WINSOCK_API_LINKAGE int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
WINSOCK_API_LINKAGE int WSAAPI WSACleanup(void);
WINSOCK_API_LINKAGE void WSAAPI WSASetLastError(int iError);
WINSOCK_API_LINKAGE int WSAAPI WSAGetLastError(void);

WINSOCK_API_LINKAGE WSAEVENT WSAAPI WSACreateEvent(void);
WINSOCK_API_LINKAGE BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents,
                                                         const WSAEVENT *lphEvents,
                                                         BOOL fWaitAll,
                                                         DWORD dwTimeout,
                                                         BOOL fAlertable);
WINSOCK_API_LINKAGE int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject,
                                             LONG lNetworkEvents);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                                   LPWSANETWORKEVENTS lpNetworkEvents);

WINSOCK_API_LINKAGE int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                      LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                      LPWSAOVERLAPPED lpOverlapped,
                                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                          LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                          struct sockaddr *lpFrom, LPINT lpFromlen,
                                          LPWSAOVERLAPPED lpOverlapped,
                                          LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                      LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                      LPWSAOVERLAPPED lpOverlapped,
                                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                        LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                        const struct sockaddr *lpTo, int iTolen,
                                        LPWSAOVERLAPPED lpOverlapped,
                                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                      LPDWORD lpcbTransfer, BOOL fWait,
                                                      LPDWORD lpdwFlags);
WINSOCK_API_LINKAGE int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                       DWORD cbInBuffer, LPVOID lpvOutBuffer,
                                       DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                                       LPWSAOVERLAPPED lpOverlapped,
                                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK2API_ */
