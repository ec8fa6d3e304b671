/*
 * Socket objects, private to lib/ (socket.c and sockio.c): the object
 * layout and the helpers both halves of the Win32 side use.  Includes
 * winsock2.h: never include it from a file that includes the Linux socket
 * headers (sockos.h says why).
 */
#ifndef WINSHIM_SOCK_H
#define WINSHIM_SOCK_H

#include "core/arena.h"
#include "core/holders.h"
#include "core/object.h"

#include <winsock2.h>

#define SF_LISTENING 0x01u
#define SF_CONNECTING 0x02u
#define SF_CONNECTED 0x04u
#define SF_SHUT_RD 0x08u
#define SF_SHUT_WR 0x10u
#define SF_NONBLOCK 0x20u
#define SF_REUSEADDR 0x40u
#define SF_EOF 0x80u /* the watcher saw the peer's close or an error */

#define SK_CLOSED 0x80000000u
#define SK_DONE 0x40000000u
#define SK_CLOSING 0x20000000u /* this process's view is being closed (once) */
#define SK_COUNT 0x1fffffffu

struct sock {
    struct object hdr;
    /* Process-private: the Linux descriptor (see socket.c's top),
     * meaningful only in the process whose shm_self_tag() is `owner`.  The
     * arena is shared, so another process may reach the object (a
     * duplicated handle; a reaper closing a dead owner's handles): it
     * never touches fd, sio or the watcher state there. */
    int fd;
    uint32_t owner;
    int af, type;               /* Windows values */
    _Atomic uint32_t flags;     /* SF_* */
    _Atomic uint32_t use;       /* SK_* and the count of running calls */
    _Atomic int so_error;       /* a failed connect's error, once read from Linux */
    /* SO_RCVTIMEO/SO_SNDTIMEO as set: Linux rounds them to its tick. */
    _Atomic uint32_t rcvtimeo, sndtimeo;
    /* WSAEventSelect, under es_lock. */
    aoff_t es_event;            /* the event object, with a reference */
    _Atomic uint32_t es_slot;   /* watcher slot + 1; 0 = not watched (written
                                   under es_lock, peeked at without it) */
    LONG es_mask;               /* lNetworkEvents */
    LONG es_enabled;            /* events that may be recorded (re-enabled) */
    LONG es_pending;            /* recorded, not yet enumerated */
    int es_errors[FD_MAX_EVENTS];
    /* Overlapped I/O (sockio.c), process-private like fd: the queues of
     * pending requests, under sio_lock. */
    void *sio;
    /* Completion port (iocp.c's association rules, as for files): set once
     * under the object lock, key first; the socket holds a reference on
     * the port, dropped when the object goes. */
    _Atomic aoff_t iocp;
    uint32_t iocp_pad;
    ULONG_PTR iocp_key;
    /* Processes that keep a descriptor of this socket (holders.c): the
     * creator first, then every process that took a pidfd_getfd copy. */
    struct fd_holder holders[FD_HOLDERS];
    /* Process-private, NULL in the arena object: set only in a proxy (a
     * heap struct sock of another process's socket, see socket.c), where
     * it names the shared object; px_next links the proxies. */
    struct sock *real;
    struct sock *px_next;
};


int wsa_error(int err);
/* Sets the last error (WSAGetLastError is GetLastError); SOCKET_ERROR. */
int fail(int wsa);
/* The socket s names, with a reference and counted in `use`; sock_put
 * undoes both.  sock_enter/sock_leave count a call on a referenced one. */
int sock_get(SOCKET s, struct sock **out);
/* sock_get, but WSAEOPNOTSUPP for another process's socket (completion
 * port associations, and AcceptEx's accept socket, whose descriptor
 * number is replaced, stay with the process that created it). */
int sock_get_local(SOCKET s, struct sock **out);
void sock_put(struct sock *sk);
/* Keeps sk (the object, or a proxy) past the call that got it, for
 * overlapped requests and the engine's table: the object's reference, and
 * for a proxy a count in its `use` too (its descriptor stays open and it
 * is not freed before sock_unhold).  The caller holds sk already. */
void sock_hold(struct sock *sk);
void sock_unhold(struct sock *sk);
bool sock_enter(struct sock *sk);
void sock_leave(struct sock *sk);
bool sock_closed(struct sock *sk);
uint32_t sk_flags(struct sock *sk);
/* A failed call's errno as the WSA code Windows gives. */
int io_error(struct sock *sk, int err);

/* WSAEventSelect's re-enabling of recorded events (socket.c). */
void es_reenable(struct sock *sk, LONG events);

/* Overlapped I/O (sockio.c). */
void sio_destroy(struct sock *sk); /* the object is going */
/* This process's view closes (the last handle anywhere, or this
 * process's last handle to a proxy): abort the pending requests. */
void sio_closed(struct sock *sk);

extern const struct object_type socket_type;

/* Sockets as the I/O layer sees them (io/overlapped.h, ws_socket_io). */
DWORD socket_port_fields(HANDLE h, struct object **o, _Atomic aoff_t **port,
                         ULONG_PTR **key);
DWORD sio_cancel(HANDLE h, uint32_t tid, LPOVERLAPPED ov, bool *is_socket);
DWORD sio_wait(HANDLE h, LPOVERLAPPED ov, DWORD timeout, bool *is_socket);
DWORD sio_file_io(HANDLE h, void *buf, DWORD len, LPDWORD done, LPOVERLAPPED ov,
                  bool write, bool *is_socket);

#endif
