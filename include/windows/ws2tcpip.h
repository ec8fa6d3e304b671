/*
 * ws2tcpip.h - the TCP/IP part of Windows Sockets 2: IPv6 addresses,
 * IP-level options, getaddrinfo with the Windows addrinfo (ai_canonname
 * before ai_addr, unlike Linux) and EAI_* codes that are WSA* errors,
 * getnameinfo with the Windows NI_* flags, the wide forms (GetAddrInfoW,
 * GetNameInfoW, InetPtonW, InetNtopW), inet_pton and inet_ntop.  Same rules as <winsock2.h>.
 */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include <winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- IPv6 addresses (in6addr.h, ws2ipdef.h) ---- */
typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define in_addr6 in6_addr
#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word

#define IN6ADDR_ANY_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }
WINSOCK_API_LINKAGE extern const struct in6_addr in6addr_any WINSHIM_WS2_NAME(in6addr_any);
WINSOCK_API_LINKAGE extern const struct in6_addr in6addr_loopback
    WINSHIM_WS2_NAME(in6addr_loopback);

typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    ULONG sin6_scope_id;
} SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

/* ---- IP-level options ---- */
#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IP_MULTICAST_IF 9
#define IP_MULTICAST_TTL 10
#define IP_MULTICAST_LOOP 11
#define IP_ADD_MEMBERSHIP 12
#define IP_DROP_MEMBERSHIP 13
#define IPV6_UNICAST_HOPS 4
#define IPV6_MULTICAST_IF 9
#define IPV6_MULTICAST_HOPS 10
#define IPV6_MULTICAST_LOOP 11
#define IPV6_V6ONLY 27

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* The C library's socklen_t when it has one (unsigned, as on Linux). */
#ifndef __socklen_t_defined
#define __socklen_t_defined
typedef unsigned int socklen_t;
#endif

/* ---- getaddrinfo ---- */
typedef struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;
typedef ADDRINFOA ADDRINFO, *LPADDRINFO;

#define AI_PASSIVE 0x00000001
#define AI_CANONNAME 0x00000002
#define AI_NUMERICHOST 0x00000004
#define AI_NUMERICSERV 0x00000008
#define AI_ALL 0x00000100
#define AI_ADDRCONFIG 0x00000400
#define AI_V4MAPPED 0x00000800

#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA 11004

WINSOCK_API_LINKAGE int WSAAPI getaddrinfo(const char *nodename, const char *servname,
                                          const struct addrinfo *hints,
                                          struct addrinfo **res)
    WINSHIM_WS2_NAME(getaddrinfo);
WINSOCK_API_LINKAGE void WSAAPI freeaddrinfo(LPADDRINFO pAddrInfo)
    WINSHIM_WS2_NAME(freeaddrinfo);
#define GetAddrInfoA getaddrinfo
#define FreeAddrInfoA freeaddrinfo

/* getaddrinfo with UTF-16 names: the same layout, ai_canonname wide. */
typedef struct addrinfoW {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    PWSTR ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfoW *ai_next;
} ADDRINFOW, *PADDRINFOW;
WINSOCK_API_LINKAGE int WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName,
                                           const ADDRINFOW *pHints, PADDRINFOW *ppResult);
WINSOCK_API_LINKAGE void WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo);

/* ---- getnameinfo: an address to a host and a service name ---- */
#define NI_NOFQDN 0x01
#define NI_NUMERICHOST 0x02
#define NI_NAMEREQD 0x04
#define NI_NUMERICSERV 0x08
#define NI_DGRAM 0x10

WINSOCK_API_LINKAGE int WSAAPI getnameinfo(const struct sockaddr *sa, socklen_t salen,
                                          char *host, DWORD hostlen, char *serv,
                                          DWORD servlen, int flags)
    WINSHIM_WS2_NAME(getnameinfo);
WINSOCK_API_LINKAGE INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr,
                                           socklen_t SockaddrLength, PWCHAR pNodeBuffer,
                                           DWORD NodeBufferSize, PWCHAR pServiceBuffer,
                                           DWORD ServiceBufferSize, INT Flags);
#define GetNameInfoA getnameinfo

WINSOCK_API_LINKAGE INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf)
    WINSHIM_WS2_NAME(inet_pton);
WINSOCK_API_LINKAGE PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf,
                                          size_t StringBufSize)
    WINSHIM_WS2_NAME(inet_ntop);
#define InetPtonA inet_pton
#define InetNtopA inet_ntop
WINSOCK_API_LINKAGE INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf);
WINSOCK_API_LINKAGE PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf,
                                           size_t StringBufSize);

#ifdef UNICODE
#define GetAddrInfo GetAddrInfoW
#define FreeAddrInfo FreeAddrInfoW
#define GetNameInfo GetNameInfoW
#define InetPton InetPtonW
#define InetNtop InetNtopW
typedef ADDRINFOW ADDRINFOT, *PADDRINFOT;
#else
#define GetAddrInfo GetAddrInfoA
#define FreeAddrInfo FreeAddrInfoA
#define GetNameInfo GetNameInfoA
#define InetPton InetPtonA
#define InetNtop InetNtopA
typedef ADDRINFOA ADDRINFOT, *PADDRINFOT;
#endif

#ifdef __cplusplus
}
#endif

#endif /* _WS2TCPIP_H_ */
