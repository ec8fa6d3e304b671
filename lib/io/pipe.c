/*
 * Pipes: the FILE_KIND_PIPE kind of file object: anonymous pipes
 * (CreatePipe) on a Linux pipe2() pair, and PeekNamedPipe.
 *
 * Object: each end is its own file object (file.c) whose process-private fd
 * is one end of the Linux pipe; the read end is opened with GENERIC_READ,
 * the write end with GENERIC_WRITE, so file.c's access check turns a write
 * on the read end (and the reverse) into ERROR_ACCESS_DENIED as Windows
 * does.  There is no other state: the pipe's buffer and its "other end is
 * gone" condition live in the kernel, so no lock is needed here.
 *
 * Windows' end-of-pipe rules, mapped from Linux's:
 *   read() = 0 (every writer closed)     -> ERROR_BROKEN_PIPE
 *   write() = EPIPE (every reader closed) -> ERROR_NO_DATA
 * A write must not raise SIGPIPE in a Windows program (Windows has no such
 * signal), so writes run with SIGPIPE blocked in the calling thread and a
 * SIGPIPE they caused is consumed before the mask is restored.
 *
 * Peeking: a Linux pipe cannot be read without consuming, but tee(2)
 * duplicates its contents into a second pipe without consuming them; the
 * peek reads that copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/error.h"
#include "core/handle.h"
#include "core/object.h"
#include "io/device.h"
#include "io/file.h"

static DWORD pipe_fd(struct file_obj *f, int *fd)
{
    *fd = file_fd_of(f);
    return *fd < 0 ? ERROR_INVALID_HANDLE : ERROR_SUCCESS;
}

/* Bytes waiting in the pipe, and whether the other end is gone. */
static DWORD pipe_state(int fd, DWORD *avail, bool *hangup)
{
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) < 0)
        return ws_errno_to_win32(errno);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, 0);
    while (r < 0 && errno == EINTR);
    *avail = (DWORD)n;
    *hangup = r > 0 && (p.revents & (POLLHUP | POLLERR));
    return ERROR_SUCCESS;
}

static DWORD pipe_read(struct file_obj *f, void *buf, DWORD len,
                       const int64_t *at, DWORD *done)
{
    (void)at; /* pipes have no position: Windows ignores the offset */
    int fd;
    DWORD err = pipe_fd(f, &fd);
    if (err)
        return err;
    if (len == 0) {
        /* A zero-byte read waits for data (or for the end of the pipe)
         * and transfers nothing.  Not on a write end (a handle given read
         * access by MAXIMUM_ALLOWED): POLLIN never comes there, and a
         * read of it fails at once, as any other read of it does. */
        if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY)
            return ws_errno_to_win32(EBADF);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r;
        do
            r = poll(&p, 1, -1);
        while (r < 0 && errno == EINTR);
        DWORD avail = 0;
        bool hangup = false;
        if ((err = pipe_state(fd, &avail, &hangup)))
            return err;
        *done = 0;
        return avail == 0 && hangup ? ERROR_BROKEN_PIPE : ERROR_SUCCESS;
    }
    if ((err = file_fd_read(fd, buf, len, NULL, done)))
        return err;
    return *done == 0 ? ERROR_BROKEN_PIPE : ERROR_SUCCESS;
}

/* One write() with SIGPIPE blocked; a SIGPIPE it raised is consumed.  A
 * SIGPIPE that was already pending for the thread before is left alone. */
static DWORD pipe_write_once(int fd, const void *buf, size_t len, DWORD *done)
{
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE);
    ssize_t n;
    do
        n = write(fd, buf, len);
    while (n < 0 && errno == EINTR);
    int saved = errno;
    if (n < 0 && saved == EPIPE && !was_pending) {
        static const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (n < 0)
        return saved == EPIPE ? ERROR_NO_DATA : ws_errno_to_win32(saved);
    *done = (DWORD)n;
    return ERROR_SUCCESS;
}

static DWORD pipe_write(struct file_obj *f, const void *buf, DWORD len,
                        const int64_t *at, DWORD *done)
{
    (void)at;
    int fd;
    DWORD err = pipe_fd(f, &fd);
    if (err)
        return err;
    if (len == 0) {
        /* Nothing to write, but a pipe with no reader still fails. */
        struct pollfd p = {.fd = fd, .events = 0};
        *done = 0;
        if (poll(&p, 1, 0) > 0 && (p.revents & POLLERR))
            return ERROR_NO_DATA;
        return ERROR_SUCCESS;
    }
    /* A synchronous write on Windows returns when all of it is in. */
    DWORD total = 0;
    while (total < len) {
        DWORD n = 0;
        if ((err = pipe_write_once(fd, (const char *)buf + total, len - total, &n)))
            break;
        total += n;
    }
    *done = total;
    return total == len ? ERROR_SUCCESS : err;
}

static DWORD pipe_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_PIPE;
}

const struct file_ops pipe_file_ops = {
    .kind = FILE_KIND_PIPE,
    .read = pipe_read,
    .write = pipe_write,
    .get_type = pipe_get_type,
};

/* The handle rights of each end (as Windows grants them: the read end may
 * also set attributes, the write end read them). */
#define PIPE_READ_END_ACCESS (GENERIC_READ | SYNCHRONIZE | FILE_WRITE_ATTRIBUTES)
#define PIPE_WRITE_END_ACCESS (GENERIC_WRITE | SYNCHRONIZE | FILE_READ_ATTRIBUTES)

static DWORD pipe_insert(int fd, ACCESS_MASK access, BOOL inherit, HANDLE *out)
{
    struct file_obj *f;
    DWORD err = file_new(fd, &pipe_file_ops, access, 0, &f);
    if (err)
        return err;
    if ((err = handle_insert(&f->hdr, f->access, inherit ? HANDLE_FLAG_INHERIT : 0,
                             out))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
    }
    return err;
}

WS_EXPORT BOOL WINAPI CreatePipe(PHANDLE read_end, PHANDLE write_end,
                                 LPSECURITY_ATTRIBUTES sa, DWORD size)
{
    if (!read_end || !write_end)
        return ws_bool(ERROR_NOACCESS);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return ws_bool(ws_errno_to_win32(errno));
    /* nSize is a suggestion on Windows too.  Linux pipes hold at least a
     * page and 64 KiB by default; a larger request is honoured up to
     * /proc/sys/fs/pipe-max-size, beyond which the default stays. */
    if (size > 0)
        (void)fcntl(fds[1], F_SETPIPE_SZ, (int)(size > 0x40000000u ? 0x40000000u : size));
    BOOL inherit = sa && sa->bInheritHandle;
    HANDLE r, w;
    DWORD err = pipe_insert(fds[0], PIPE_READ_END_ACCESS, inherit, &r);
    if (err) {
        close(fds[1]);
        return ws_bool(err);
    }
    if ((err = pipe_insert(fds[1], PIPE_WRITE_END_ACCESS, inherit, &w))) {
        CloseHandle(r);
        return ws_bool(err);
    }
    *read_end = r;
    *write_end = w;
    return TRUE;
}

/* Copies up to len bytes from the front of the pipe fd without consuming
 * them: tee() into a scratch pipe, then read the scratch pipe. */
static DWORD pipe_peek_copy(int fd, void *buf, DWORD len, DWORD *done)
{
    *done = 0;
    if (len == 0)
        return ERROR_SUCCESS;
    int scratch[2];
    if (pipe2(scratch, O_CLOEXEC | O_NONBLOCK) < 0)
        return ws_errno_to_win32(errno);
    DWORD err = ERROR_SUCCESS;
    ssize_t n;
    do
        n = tee(fd, scratch[1], len, SPLICE_F_NONBLOCK);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN)
        err = ws_errno_to_win32(errno);
    else if (n > 0)
        err = file_fd_read(scratch[0], buf, (DWORD)n, NULL, done);
    close(scratch[0]);
    close(scratch[1]);
    return err;
}

WS_EXPORT BOOL WINAPI PeekNamedPipe(HANDLE h, LPVOID buf, DWORD size,
                                    LPDWORD read, LPDWORD avail, LPDWORD left)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    int fd = -1;
    DWORD total = 0, copied = 0;
    bool hangup = false;
    DWORD msg_left = 0;
    if (f->kind == FILE_KIND_NPIPE) {
        if (!(granted & FILE_READ_DATA))
            err = ERROR_ACCESS_DENIED;
        else
            err = npipe_peek(f, buf, size, &copied, &total, &msg_left);
    } else if (f->kind != FILE_KIND_PIPE)
        err = ERROR_INVALID_FUNCTION; /* Wine says ERROR_NOT_SUPPORTED */
    else if (!(granted & FILE_READ_DATA))
        err = ERROR_ACCESS_DENIED;
    else if (!(err = pipe_fd(f, &fd)) && !(err = pipe_state(fd, &total, &hangup))) {
        if (total == 0 && hangup)
            err = ERROR_BROKEN_PIPE;
        else if (buf)
            err = pipe_peek_copy(fd, buf, size < total ? size : total, &copied);
    }
    file_put(f);
    if (err)
        return ws_bool(err);
    if (read)
        *read = copied;
    if (avail)
        *avail = total;
    if (left)
        *left = msg_left; /* anonymous pipes: byte mode, no messages */
    return TRUE;
}
