/*
 * The Linux half of Windows Sockets (sockos.c), private to lib/.
 *
 * <winsock2.h> and <sys/socket.h> define the same names with different
 * values (AF_INET6 is 23 on Windows and 10 on Linux), so no file includes
 * both: socket.c (the Win32 half) includes winsock2.h, sockos.c includes
 * the Linux headers, and this interface between them speaks only plain C
 * types.  Addresses, families, levels, option names and flags cross it
 * with their Windows values; sockos.c translates.  Errors cross it as
 * errno values (0 = success), which socket.c turns into WSA codes through
 * its one table.  The WS_* values below are the Windows constants
 * sockos.c needs; socket.c checks each against winsock2.h at compile time.
 */
#ifndef WINSHIM_SOCKOS_H
#define WINSHIM_SOCKOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_AF_UNSPEC 0
#define WS_AF_UNIX 1
#define WS_AF_INET 2
#define WS_AF_INET6 23
#define WS_SOL_SOCKET 0xffff
#define WS_IPPROTO_IP 0
#define WS_IPPROTO_TCP 6
#define WS_IPPROTO_IPV6 41
#define WS_SO_DEBUG 0x0001
#define WS_SO_ACCEPTCONN 0x0002
#define WS_SO_KEEPALIVE 0x0008
#define WS_SO_DONTROUTE 0x0010
#define WS_SO_BROADCAST 0x0020
#define WS_SO_LINGER 0x0080
#define WS_SO_OOBINLINE 0x0100
#define WS_SO_DONTLINGER ((int)~0x0080)
#define WS_SO_SNDBUF 0x1001
#define WS_SO_RCVBUF 0x1002
#define WS_SO_SNDLOWAT 0x1003
#define WS_SO_RCVLOWAT 0x1004
#define WS_SO_SNDTIMEO 0x1005
#define WS_SO_RCVTIMEO 0x1006
#define WS_SO_TYPE 0x1008
#define WS_TCP_NODELAY 0x0001
#define WS_IP_TOS 3
#define WS_IP_TTL 4
#define WS_IPV6_UNICAST_HOPS 4
#define WS_IPV6_V6ONLY 27
#define WS_MSG_OOB 0x1
#define WS_MSG_PEEK 0x2
#define WS_MSG_DONTROUTE 0x4
#define WS_MSG_WAITALL 0x8
#define WS_AI_PASSIVE 0x1
#define WS_AI_CANONNAME 0x2
#define WS_AI_NUMERICHOST 0x4
#define WS_AI_NUMERICSERV 0x8
#define WS_AI_ALL 0x100
#define WS_AI_ADDRCONFIG 0x400
#define WS_AI_V4MAPPED 0x800
#define WS_NI_NOFQDN 0x01
#define WS_NI_NUMERICHOST 0x02
#define WS_NI_NAMEREQD 0x04
#define WS_NI_NUMERICSERV 0x08
#define WS_NI_DGRAM 0x10

/* Windows' struct addrinfo (ai_canonname before ai_addr). */
struct ws_addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    void *ai_addr;
    struct ws_addrinfo *ai_next;
};

/* A new socket, close-on-exec (Windows sockets are not inherited by
 * default either); TCP sockets get Linux SO_REUSEADDR, IPv6 sockets
 * IPV6_V6ONLY, as Windows behaves by default. */
int sockos_socket(int af, int type, int protocol, int *fd);
void sockos_close(int fd);
int sockos_bind(int fd, const void *addr, int len);
int sockos_connect(int fd, const void *addr, int len);
int sockos_listen(int fd, int backlog);
/* addr/len may be NULL; a too small *len is EFAULT, as Windows has it. */
int sockos_accept(int fd, void *addr, int *len, int *newfd);
/* AcceptEx: a connection already waiting (EAGAIN if none; the listening
 * descriptor's own mode is left alone), and moving the new descriptor onto
 * the number of the accept socket's (dup3, then close). */
int sockos_accept_now(int fd, int *newfd);
int sockos_replace(int newfd, int oldfd);
int sockos_send(int fd, const void *buf, int len, int flags, const void *to,
                int tolen, int *done);
/* A datagram longer than len: EMSGSIZE, with the first len bytes read. */
int sockos_recv(int fd, void *buf, int len, int flags, void *from,
                int *fromlen, int *done);
/* One buffer of a vectored transfer (the layout of struct iovec). */
struct sockos_iov {
    void *base;
    size_t len;
};
/* sendmsg/recvmsg over n buffers; nonblock: MSG_DONTWAIT (EAGAIN when it
 * would block).  recvv: a datagram cut short is EMSGSIZE with *done set. */
int sockos_sendv(int fd, const struct sockos_iov *iov, unsigned n, int flags,
                 const void *to, int tolen, bool nonblock, size_t *done);
int sockos_recvv(int fd, const struct sockos_iov *iov, unsigned n, int flags,
                 void *from, int *fromlen, bool nonblock, size_t *done);
int sockos_name(int fd, bool peer, void *addr, int *len);
int sockos_shutdown(int fd, int how);
/* Options other than SO_REUSEADDR, SO_EXCLUSIVEADDRUSE and SO_ERROR
 * (socket.c keeps those).  ENOPROTOOPT for an unknown one. */
int sockos_setopt(int fd, int level, int name, const void *val, int len);
int sockos_getopt(int fd, int level, int name, void *val, int *len);
int sockos_set_linux_reuseaddr(int fd, bool on);
int sockos_nonblock(int fd, bool on);
int sockos_nread(int fd, uint32_t *n);
int sockos_atmark(int fd, bool *at);
/* The pending error (SO_ERROR), which reading clears. */
int sockos_so_error(int fd);
bool sockos_bound(int fd);
bool sockos_connected(int fd);

/* Waits: a pollfd-like record with Linux poll bits. */
struct sockos_poll {
    int fd;
    short events, revents;
};
enum { SP_IN = 1, SP_PRI = 2, SP_OUT = 4, SP_ERR = 8, SP_HUP = 16, SP_RDHUP = 32 };
int sockos_poll(struct sockos_poll *p, unsigned n, int timeout_ms, int *ready);

/* getaddrinfo: returns a WSA code (EAI_* are WSA codes on Windows). */
int sockos_getaddrinfo(const char *node, const char *service,
                       const struct ws_addrinfo *hints, struct ws_addrinfo **res);
void sockos_freeaddrinfo(struct ws_addrinfo *ai);
/* getnameinfo on a Windows IPv4 or IPv6 address, with Windows NI_* flags:
 * 0 or a WSA code (the EAI_* of ws2tcpip.h).  host/serv NULL: not wanted;
 * a wanted one with no room, or an unknown flag, is WSAEINVAL
 * (EAI_BADFLAGS); a result that does not fit, or a missing or short
 * address, WSAEFAULT.  Scope ids come out as numbers, as Windows has them. */
int sockos_getnameinfo(const void *sa, int salen, char *host, size_t hostlen,
                       char *serv, size_t servlen, int flags);
/* inet_pton's 1/0, or -1 for an unknown family. */
int sockos_pton(int af, const char *src, void *dst);
/* NULL with EAFNOSUPPORT or ENOSPC. */
const char *sockos_ntop(int af, const void *src, char *dst, size_t size, int *err);
uint32_t sockos_inet_addr(const char *cp);
int sockos_hostname(char *name, int len);

#endif
