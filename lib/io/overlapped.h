/*
 * Overlapped I/O (overlapped.c) and completion ports (iocp.c), and what
 * they need of sockets (ws_socket_io, registered in lib/kinds.c).
 */
#ifndef WINSHIM_IO_OVERLAPPED_H
#define WINSHIM_IO_OVERLAPPED_H

#include "io/file.h"

/* ReadFile/WriteFile on a handle opened with FILE_FLAG_OVERLAPPED: 0 when
 * the transfer finished at once (disk files; *done is the byte count),
 * ERROR_IO_PENDING when it is under way, or the error it failed with at
 * once (no event, packet or routine follows then, as on Windows).  file.c
 * calls it; f keeps the caller's reference. */
DWORD overlapped_start(struct file_obj *f, void *buf, DWORD len,
                       LPOVERLAPPED ov, bool write, DWORD *done);
/* The same for an operation that is not a transfer (ConnectNamedPipe):
 * a worker waits until f's fd is readable and runs op, again while op
 * returns OVERLAPPED_RETRY; op's result completes the OVERLAPPED (0 bytes). */
DWORD overlapped_start_op(struct file_obj *f, LPOVERLAPPED ov,
                          DWORD (*op)(struct file_obj *f));
#define OVERLAPPED_RETRY ((DWORD)-2) /* op: not yet, wait again */
/* The file's last handle is gone: cancels its pending transfers. */
void overlapped_file_closed(struct file_obj *f);
/* NTSTATUS values kept in OVERLAPPED.Internal and back. */
ULONG_PTR overlapped_status_of(DWORD err);
DWORD overlapped_error_of(ULONG_PTR status);
/* Sets or clears a file object's signalled state (waking its waiters). */
void file_set_signaled(struct file_obj *f, bool on);
/* Queues a completion packet on the port at offset `port`. */
void iocp_post(aoff_t port, ULONG_PTR key, DWORD bytes, LPOVERLAPPED ov,
               ULONG_PTR status);
/* The file object is going: drop its port reference. */
void iocp_file_destroy(struct file_obj *f);
/* A socket is going (socket.c): drop its port reference. */
void iocp_port_unref(aoff_t port);
/* What iocp.c, overlapped.c and file.c need of sockets, which stand
 * above this layer (net/socket.c, net/sockio.c): lib/kinds.c registers
 * them.  port_fields: a socket's port fields (with a reference on the
 * object; ERROR_INVALID_HANDLE when h is no socket); cancel: CancelIo(Ex)
 * of its requests; wait: GetOverlappedResult(Ex) without an event on a
 * socket (not waitable) sleeps until ov is done (WAIT_OBJECT_0 or
 * WAIT_TIMEOUT); file_io: ReadFile/WriteFile on it.  *is_socket says
 * whether h was one. */
struct socket_io_hooks {
    DWORD (*port_fields)(HANDLE h, struct object **o, _Atomic aoff_t **port,
                         ULONG_PTR **key);
    DWORD (*cancel)(HANDLE h, uint32_t tid, LPOVERLAPPED ov, bool *is_socket);
    DWORD (*wait)(HANDLE h, LPOVERLAPPED ov, DWORD timeout, bool *is_socket);
    DWORD (*file_io)(HANDLE h, void *buf, DWORD len, LPDWORD done,
                     LPOVERLAPPED ov, bool write, bool *is_socket);
};
extern const struct socket_io_hooks ws_socket_io;
/* The port's running count (iocp.c): a counted thread is about to block in
 * a wait (wait.c), wakes from it, or exits (thread.c). */
struct ws_thread;
void iocp_thread_block(struct ws_thread *t);
void iocp_thread_unblock(struct ws_thread *t);
void iocp_thread_exit(struct ws_thread *t);
extern const struct object_type iocp_type;



#endif
