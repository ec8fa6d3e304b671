/*
 * Overlapped (asynchronous) I/O on file handles opened with
 * FILE_FLAG_OVERLAPPED: ReadFile/WriteFile with an OVERLAPPED (file.c hands
 * them to overlapped_start), ReadFileEx/WriteFileEx, GetOverlappedResult(Ex),
 * CancelIo/CancelIoEx.
 *
 * Design (docs/ARCHITECTURE.md, "Overlapped I/O"): a request is a
 * process-private record (malloc).  Disk transfers run at once in the
 * calling thread (Windows completes cached disk I/O synchronously too) and
 * then complete exactly as an asynchronous one would.  Other kinds go to a
 * small pool of worker threads that call the kind's ordinary blocking
 * read/write operation.  So every kind
 * (disk files, the stream kind, later pipes and sockets) gets overlapped I/O
 * without code of its own, and a transfer's semantics are the synchronous
 * ones.  Disk transfers are positioned (pread/pwrite at OVERLAPPED.Offset);
 * other kinds ignore the offset, as Windows does.
 *
 * A request's states, all under pool.lock:
 *   QUEUED   on pool.queue, not started: CancelIo removes it and completes it
 *            with ERROR_OPERATION_ABORTED itself.
 *   RUNNING  on pool.running, owned by one worker.  A non-disk transfer first
 *            polls its fd together with the worker's eventfd; a cancel writes
 *            the eventfd, and a transfer still waiting for data ends with
 *            ERROR_OPERATION_ABORTED.  A disk transfer in progress is not
 *            interrupted (it ends promptly anyway); the cancel still returns
 *            TRUE, as Windows does for an I/O it could not stop.
 *   done     off both lists; completed by the worker with no lock held.
 *
 * Completion, in Windows' order: OVERLAPPED.InternalHigh (bytes), then
 * Internal (the NTSTATUS, stored last with release order so that
 * HasOverlappedIoCompleted sees a finished record), then the file object is
 * signalled, then the event of the OVERLAPPED (referenced at submission, so
 * closing its handle meanwhile is harmless), then a packet to the file's
 * completion port unless the event's low bit is set -- or, for the Ex
 * functions, the completion routine as an APC to the issuing thread.
 *
 * The pool grows on demand up to POOL_MAX threads (a blocked pipe read holds
 * a worker); idle workers wait on a condition variable.  Everything here is
 * process-private: a forked child starts with an empty pool and its parent's
 * pending requests are not its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/self.h"
#include "core/wait.h"
#include "io/device.h"
#include "io/file.h"
#include "io/overlapped.h"
#include "sync/sync.h"

#define POOL_MAX 32

/* NTSTATUS values (ntstatus.h) of OVERLAPPED.Internal. */
#define NT_PENDING 0x00000103u
#define NT_BUFFER_OVERFLOW 0x80000005u
#define NT_END_OF_FILE 0xC0000011u
#define NT_CANCELLED 0xC0000120u
#define NT_ACCESS_DENIED 0xC0000022u
#define NT_INVALID_DEVICE_REQUEST 0xC0000010u
#define NT_FILE_LOCK_CONFLICT 0xC0000054u
#define NT_DISK_FULL 0xC000007Fu
#define NT_PIPE_BROKEN 0xC000014Bu
#define NT_CONNECTION_RESET 0xC000020Du   /* sockets (sockio.c) */
#define NT_CONNECTION_ABORTED 0xC0000241u
#define NT_CONNECTION_REFUSED 0xC0000236u
#define NT_FROM_WIN32 0xC0070000u /* FACILITY_NTWIN32: the error in the low word */

static const struct {
    DWORD err;
    uint32_t status;
} status_map[] = {
    {ERROR_IO_PENDING, NT_PENDING},
    {ERROR_MORE_DATA, NT_BUFFER_OVERFLOW},
    {ERROR_HANDLE_EOF, NT_END_OF_FILE},
    {ERROR_OPERATION_ABORTED, NT_CANCELLED},
    {ERROR_ACCESS_DENIED, NT_ACCESS_DENIED},
    {ERROR_INVALID_FUNCTION, NT_INVALID_DEVICE_REQUEST},
    {ERROR_LOCK_VIOLATION, NT_FILE_LOCK_CONFLICT},
    {ERROR_DISK_FULL, NT_DISK_FULL},
    {ERROR_BROKEN_PIPE, NT_PIPE_BROKEN},
    {ERROR_NOTIFY_ENUM_DIR, 0x0000010Cu}, /* STATUS_NOTIFY_ENUM_DIR */
    /* What GetQueuedCompletionStatus and GetOverlappedResult say of a
     * socket's failed transfer (WSAGetOverlappedResult says WSAE*). */
    {ERROR_NETNAME_DELETED, NT_CONNECTION_RESET},
    {ERROR_CONNECTION_ABORTED, NT_CONNECTION_ABORTED},
    {ERROR_CONNECTION_REFUSED, NT_CONNECTION_REFUSED},
};

ULONG_PTR overlapped_status_of(DWORD err)
{
    if (!err)
        return 0;
    for (size_t i = 0; i < sizeof status_map / sizeof *status_map; i++)
        if (status_map[i].err == err)
            return status_map[i].status;
    return NT_FROM_WIN32 | (err & 0xffff);
}

DWORD overlapped_error_of(ULONG_PTR status)
{
    uint32_t s = (uint32_t)status;
    if (!s)
        return ERROR_SUCCESS;
    for (size_t i = 0; i < sizeof status_map / sizeof *status_map; i++)
        if (status_map[i].status == s)
            return status_map[i].err;
    if ((s & 0xffff0000u) == NT_FROM_WIN32)
        return s & 0xffff;
    return ERROR_MR_MID_NOT_FOUND; /* RtlNtStatusToDosError's "no mapping" */
}

void file_set_signaled(struct file_obj *f, bool on)
{
    struct wait_guard g;
    wait_lock(&f->hdr, &g);
    obj_store_locked(&f->hdr, st_with_value(obj_state(&f->hdr), on));
    if (on)
        wait_wake_locked(&f->hdr, &g);
    wait_unlock(&f->hdr, &g);
}

/* ---- requests and the pool ---- */

enum req_state { REQ_QUEUED, REQ_RUNNING, REQ_DONE };

struct worker {
    int efd; /* eventfd: a cancel of the running request */
};

struct ioreq {
    struct ioreq *next, *prev;  /* pool.queue or pool.running */
    enum req_state state;
    bool cancelled;
    struct worker *worker;      /* while RUNNING */
    struct file_obj *f;         /* a reference */
    LPOVERLAPPED ov;
    void *buf;
    DWORD len;
    bool write;
    int64_t at;
    uint32_t tid;               /* the issuing thread (CancelIo) */
    struct object *event;       /* referenced, or NULL */
    aoff_t port;                /* post a packet there, or 0 */
    ULONG_PTR key;
    LPOVERLAPPED_COMPLETION_ROUTINE routine; /* Ex functions */
    DWORD (*op)(struct file_obj *f); /* overlapped_start_op: not a transfer */
    struct object *thread;      /* the issuing thread's object, for routine */
    struct apc apc;
};

struct req_list {
    struct ioreq *head, *tail;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct req_list queue, running;
    unsigned threads, idle;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, {0}, 0, 0};

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
/* Set by the first submission: closing files never touches the pool before. */
static _Atomic bool pool_used;

static void pool_atfork_child(void)
{
    /* The workers did not come along; neither do their requests. */
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.cond, NULL);
    pool.queue.head = pool.queue.tail = NULL;
    pool.running.head = pool.running.tail = NULL;
    pool.threads = pool.idle = 0;
}

static void pool_init(void)
{
    pthread_atfork(NULL, NULL, pool_atfork_child);
}

static void list_push(struct req_list *l, struct ioreq *r)
{
    r->next = NULL;
    r->prev = l->tail;
    if (l->tail)
        l->tail->next = r;
    else
        l->head = r;
    l->tail = r;
}

static void list_unlink(struct req_list *l, struct ioreq *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        l->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        l->tail = r->prev;
    r->next = r->prev = NULL;
}

static const struct file_ops *req_ops(const struct ioreq *r)
{
    const struct file_ops *ops =
        r->f->kind < FILE_KIND_COUNT ? file_kinds[r->f->kind] : NULL;
    return ops ? ops : &stream_file_ops;
}

static void req_free(struct ioreq *r)
{
    if (r->thread)
        object_unref(r->thread);
    free(r);
}

static void req_apc_release(struct apc *a)
{
    req_free((struct ioreq *)((char *)a - offsetof(struct ioreq, apc)));
}

static void req_apc_call(ULONG_PTR fn, ULONG_PTR err, ULONG_PTR done,
                         ULONG_PTR ov)
{
    ((LPOVERLAPPED_COMPLETION_ROUTINE)fn)((DWORD)err, (DWORD)done,
                                          (LPOVERLAPPED)ov);
}

static void req_complete(struct ioreq *r, DWORD err, DWORD done)
{
    LPOVERLAPPED ov = r->ov;
    ov->InternalHigh = done;
    __atomic_store_n(&ov->Internal, overlapped_status_of(err), __ATOMIC_RELEASE);
    /* ov may be reused by its owner from here on: not touched again. */
    file_set_signaled(r->f, true);
    if (r->event) {
        event_set(r->event);
        object_unref(r->event);
    }
    if (r->port)
        iocp_post(r->port, r->key, done, ov, overlapped_status_of(err));
    file_put(r->f);
    r->f = NULL;
    if (r->routine) {
        bool inserted;
        if (!thread_queue_apc(r->thread, &r->apc, req_apc_call,
                              (ULONG_PTR)r->routine, err, done, (ULONG_PTR)ov,
                              &inserted) &&
            inserted)
            return; /* req_apc_release frees it */
    }
    req_free(r);
}

/* A non-disk transfer waits for its fd to be ready, or for a cancel. */
static bool wait_ready(struct ioreq *r, struct worker *w)
{
    int fd = file_fd(&r->f->hdr);
    if (fd < 0)
        return true;
    struct pollfd p[2] = {{fd, r->write ? POLLOUT : POLLIN, 0},
                          {w->efd, POLLIN, 0}};
    for (;;) {
        int n = poll(p, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return true; /* let the transfer report it */
        if (p[1].revents) {
            uint64_t v;
            if (read(w->efd, &v, sizeof v) < 0) { /* drained */ }
            return false;
        }
        return true;
    }
}

static DWORD req_run(struct ioreq *r, struct worker *w, DWORD *done)
{
    const struct file_ops *ops = req_ops(r);
    bool disk = r->f->kind == FILE_KIND_DISK;
    *done = 0;
    if (r->op) {
        /* An operation of its own (ConnectNamedPipe): wait until the fd is
         * readable, run it, and wait again when it says OVERLAPPED_RETRY. */
        DWORD err;
        do {
            if (!wait_ready(r, w))
                return ERROR_OPERATION_ABORTED;
            err = r->op(r->f);
        } while (err == OVERLAPPED_RETRY);
        return err;
    }
    if (!disk && !wait_ready(r, w))
        return ERROR_OPERATION_ABORTED;
    DWORD err = r->write ? ops->write(r->f, r->buf, r->len, disk ? &r->at : NULL, done)
                         : ops->read(r->f, r->buf, r->len, disk ? &r->at : NULL, done);
    /* An overlapped read at or past the end of a disk file fails. */
    if (!err && disk && !r->write && r->len && !*done)
        err = ERROR_HANDLE_EOF;
    return err;
}

static void *worker_main(void *arg)
{
    struct worker w = {.efd = -1};
    (void)arg;
    w.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (!pool.queue.head) {
            pool.idle++;
            pthread_cond_wait(&pool.cond, &pool.lock);
            pool.idle--;
        }
        struct ioreq *r = pool.queue.head;
        list_unlink(&pool.queue, r);
        r->state = REQ_RUNNING;
        r->worker = &w;
        list_push(&pool.running, r);
        /* A cancel of the previous request that came too late is stale. */
        uint64_t v;
        if (w.efd >= 0 && read(w.efd, &v, sizeof v) < 0) { /* empty */ }
        pthread_mutex_unlock(&pool.lock);

        DWORD done = 0;
        DWORD err = w.efd >= 0 ? req_run(r, &w, &done) : ERROR_NOT_ENOUGH_MEMORY;

        pthread_mutex_lock(&pool.lock);
        list_unlink(&pool.running, r);
        r->state = REQ_DONE;
        r->worker = NULL;
        pthread_mutex_unlock(&pool.lock);
        req_complete(r, err, done);
        pthread_mutex_lock(&pool.lock);
    }
    return NULL;
}

static DWORD pool_submit(struct ioreq *r)
{
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&pool.lock);
    if (!pool.idle && pool.threads < POOL_MAX) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&th, &attr, worker_main, NULL) == 0)
            pool.threads++;
        pthread_attr_destroy(&attr);
        if (!pool.threads) {
            pthread_mutex_unlock(&pool.lock);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    atomic_store_explicit(&pool_used, true, memory_order_release);
    r->state = REQ_QUEUED;
    list_push(&pool.queue, r);
    pthread_cond_signal(&pool.cond);
    pthread_mutex_unlock(&pool.lock);
    return ERROR_SUCCESS;
}

/* ---- submission ---- */

/* ex: ReadFileEx/WriteFileEx, whose hEvent belongs to the caller and which
 * never post to a completion port; routine may be NULL there. */
static DWORD submit(struct file_obj *f, void *buf, DWORD len, LPOVERLAPPED ov,
                    bool write, bool ex, LPOVERLAPPED_COMPLETION_ROUTINE routine,
                    DWORD *done_now, DWORD (*op)(struct file_obj *f))
{
    struct ioreq *r = calloc(1, sizeof *r);
    if (!r)
        return ERROR_NOT_ENOUGH_MEMORY;
    r->op = op;
    HANDLE ev = ex ? NULL : (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
    if (ev) {
        struct object *o = NULL;
        DWORD err = handle_ref(ev, &event_type, EVENT_MODIFY_STATE, &o, NULL);
        if (err) {
            free(r);
            return err;
        }
        r->event = o;
        ResetEvent(ev); /* as the I/O manager does when an I/O starts */
    }
    if (routine) {
        r->routine = routine;
        r->apc.release = req_apc_release;
        r->thread = thread_current()->self;
        object_ref(r->thread);
    } else if (!ex && !((ULONG_PTR)ov->hEvent & 1)) {
        r->port = atomic_load_explicit(&f->iocp, memory_order_acquire);
        r->key = f->iocp_key;
    }
    object_ref(&f->hdr);
    r->f = f;
    r->ov = ov;
    r->buf = buf;
    r->len = len;
    r->write = write;
    r->at = (int64_t)(((uint64_t)ov->OffsetHigh << 32) | ov->Offset);
    r->tid = thread_tid();
    ov->InternalHigh = 0;
    __atomic_store_n(&ov->Internal, (ULONG_PTR)NT_PENDING, __ATOMIC_RELEASE);
    file_set_signaled(f, false);
    if (f->kind == FILE_KIND_DISK && !op) {
        /* Disk transfers run at once in the caller, as Windows does for
         * cached I/O.  A success returns TRUE and completes as usual (the
         * event, the port packet or the routine still follow).  A failure
         * (end of file, lock violation) is returned at once, with the
         * status in the OVERLAPPED and nothing queued: Windows queues no
         * packet and no routine for an I/O that fails immediately. */
        DWORD done = 0;
        DWORD ioerr = req_run(r, NULL, &done);
        *done_now = done;
        if (!ioerr) {
            req_complete(r, ioerr, done);
            return ERROR_SUCCESS;
        }
        ov->InternalHigh = done;
        __atomic_store_n(&ov->Internal, overlapped_status_of(ioerr), __ATOMIC_RELEASE);
        file_set_signaled(f, true);
        if (r->event)
            object_unref(r->event);
        file_put(f);
        req_free(r);
        return ioerr;
    }
    DWORD err = pool_submit(r);
    if (err) {
        /* Never started: undo, and leave the OVERLAPPED failed. */
        ov->Internal = overlapped_status_of(err);
        file_set_signaled(f, true);
        if (r->event)
            object_unref(r->event);
        file_put(f);
        req_free(r);
        return err;
    }
    return ERROR_IO_PENDING;
}

DWORD overlapped_start(struct file_obj *f, void *buf, DWORD len,
                       LPOVERLAPPED ov, bool write, DWORD *done)
{
    *done = 0;
    const struct file_ops *ops = f->kind < FILE_KIND_COUNT ? file_kinds[f->kind] : NULL;
    if (ops && ops->prepare) {
        /* A transfer refused at once: nothing is queued or signalled, and
         * the OVERLAPPED says STATUS_PENDING, as ReadFile/WriteFile leave
         * it on Windows (and Wine) before the call fails. */
        DWORD err = ops->prepare(f, write);
        if (err) {
            __atomic_store_n(&ov->Internal, (ULONG_PTR)NT_PENDING, __ATOMIC_RELEASE);
            return err;
        }
    }
    return submit(f, buf, len, ov, write, false, NULL, done, NULL);
}

DWORD overlapped_start_op(struct file_obj *f, LPOVERLAPPED ov,
                          DWORD (*op)(struct file_obj *f))
{
    DWORD done = 0;
    return submit(f, NULL, 0, ov, false, false, NULL, &done, op);
}

static BOOL file_io_ex(HANDLE h, void *buf, DWORD len, LPOVERLAPPED ov,
                       LPOVERLAPPED_COMPLETION_ROUTINE routine, bool write)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    const struct file_ops *ops = f->kind < FILE_KIND_COUNT ? file_kinds[f->kind] : NULL;
    if (!ops)
        ops = &stream_file_ops;
    if (!(granted & (write ? (FILE_WRITE_DATA | FILE_APPEND_DATA) : FILE_READ_DATA)))
        err = ERROR_ACCESS_DENIED;
    else if (!ov)
        err = ERROR_INVALID_PARAMETER;
    else if (write ? !ops->write : !ops->read)
        err = ERROR_INVALID_FUNCTION;
    else
        /* Microsoft asks for an overlapped handle without a port but does
         * not say what happens otherwise; Windows (and Wine) queue the
         * transfer anyway, and so do we: at the OVERLAPPED's offset, with
         * the routine (if any) as the only notification. */
        err = submit(f, buf, len, ov, write, true, routine, &(DWORD){0}, NULL);
    if (err == ERROR_IO_PENDING)
        err = ERROR_SUCCESS; /* the Ex functions say TRUE: queued */
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ReadFileEx(HANDLE h, LPVOID buf, DWORD len,
                                 LPOVERLAPPED ov,
                                 LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
    return file_io_ex(h, buf, len, ov, routine, false);
}

WS_EXPORT BOOL WINAPI WriteFileEx(HANDLE h, LPCVOID buf, DWORD len,
                                  LPOVERLAPPED ov,
                                  LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
    return file_io_ex(h, (void *)buf, len, ov, routine, true);
}

/* ---- cancellation ---- */

/* Cancels f's requests (of thread tid when tid != 0; only `ov` when it is
 * not NULL).  ERROR_NOT_FOUND when none was pending. */
static DWORD cancel(struct file_obj *f, uint32_t tid, LPOVERLAPPED ov)
{
    struct req_list aborted = {0};
    bool found = false;
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&pool.lock);
    for (struct ioreq *r = pool.queue.head, *next; r; r = next) {
        next = r->next;
        if (r->f != f || (tid && r->tid != tid) || (ov && r->ov != ov))
            continue;
        list_unlink(&pool.queue, r);
        r->state = REQ_DONE;
        list_push(&aborted, r);
        found = true;
    }
    for (struct ioreq *r = pool.running.head; r; r = r->next) {
        if (r->f != f || (tid && r->tid != tid) || (ov && r->ov != ov))
            continue;
        found = true;
        if (!r->cancelled) {
            uint64_t one = 1;
            r->cancelled = true;
            if (write(r->worker->efd, &one, sizeof one) < 0) { /* full: already set */ }
        }
    }
    pthread_mutex_unlock(&pool.lock);
    for (struct ioreq *r = aborted.head, *next; r; r = next) {
        next = r->next;
        req_complete(r, ERROR_OPERATION_ABORTED, 0);
    }
    if (change_dir_cancel(f, tid, ov)) /* ReadDirectoryChangesW requests */
        found = true;
    return found ? ERROR_SUCCESS : ERROR_NOT_FOUND;
}

void overlapped_file_closed(struct file_obj *f)
{
    change_dir_closed(f); /* ReadDirectoryChangesW's collection, if any */
    /* Windows cancels a file's I/O when its last handle closes; here the
     * requests' own references keep the object until they finish. */
    if (atomic_load_explicit(&pool_used, memory_order_acquire))
        cancel(f, 0, NULL);
}

WS_EXPORT BOOL WINAPI CancelIoEx(HANDLE h, LPOVERLAPPED ov)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err) {
        bool sock;
        DWORD serr = ws_socket_io.cancel(h, 0, ov, &sock); /* a socket's requests */
        return ws_bool(sock ? serr : err);
    }
    err = cancel(f, 0, ov);
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI CancelIo(HANDLE h)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err) {
        bool sock;
        ws_socket_io.cancel(h, thread_tid(), NULL, &sock);
        return sock ? TRUE : ws_bool(err);
    }
    /* CancelIo succeeds whether or not the thread had I/O pending. */
    cancel(f, thread_tid(), NULL);
    file_put(f);
    return TRUE;
}

/* ---- results ---- */

static bool ov_pending(LPOVERLAPPED ov)
{
    return (DWORD)__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) == NT_PENDING;
}

WS_EXPORT BOOL WINAPI GetOverlappedResultEx(HANDLE h, LPOVERLAPPED ov,
                                            LPDWORD done, DWORD timeout,
                                            BOOL alertable)
{
    if (ov_pending(ov)) {
        if (!timeout)
            return ws_bool(ERROR_IO_INCOMPLETE);
        HANDLE target = ov->hEvent ? (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1) : h;
        bool sock;
        if (!ov->hEvent && ws_socket_io.wait(h, ov, timeout, &sock) == WAIT_TIMEOUT && sock)
            return ws_bool(timeout == INFINITE ? ERROR_IO_INCOMPLETE : WAIT_TIMEOUT);
        for (; ov_pending(ov);) { /* (a socket's wait above ends only when done) */
            DWORD r = WaitForSingleObjectEx(target, timeout, alertable);
            if (r == WAIT_FAILED)
                return FALSE;
            if (r == WAIT_IO_COMPLETION)
                return ws_bool(WAIT_IO_COMPLETION);
            if (r == WAIT_TIMEOUT)
                return ws_bool(timeout == INFINITE ? ERROR_IO_INCOMPLETE : WAIT_TIMEOUT);
            if (!ov_pending(ov))
                break;
            /* Signalled by another I/O on the same file (or a shared
             * event): the file stays signalled, so sleep a little rather
             * than spin until this I/O ends. */
            if (timeout != INFINITE)
                return ws_bool(ERROR_IO_INCOMPLETE);
            SleepEx(1, FALSE);
        }
    }
    *done = (DWORD)ov->InternalHigh;
    DWORD err = overlapped_error_of(ov->Internal);
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT BOOL WINAPI GetOverlappedResult(HANDLE h, LPOVERLAPPED ov,
                                          LPDWORD done, BOOL wait)
{
    return GetOverlappedResultEx(h, ov, done, wait ? INFINITE : 0, FALSE);
}
