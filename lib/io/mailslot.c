/*
 * Mailslots: the FILE_KIND_MAILSLOT kind of file object.  CreateMailslotA/W
 * makes the reader (the server end), CreateFile on \\.\mailslot\name opens
 * writers; GetMailslotInfo and SetMailslotInfo.
 *
 * Rendezvous: a Unix-domain SOCK_DGRAM socket bound at
 * <base>/mailslot/<escaped name> (npipe.c's rdv_path: per-user 0700
 * directory, case-folded names), and beside it <name>.max, the maximum
 * message size, written by the reader after it bound the name.  One
 * datagram is one message.  A name whose socket refuses connections
 * belongs to a reader that died: the next CreateMailslot takes it over, so
 * a killed reader blocks nothing.
 *
 * State (struct ms, the file's shared state: an arena block at f->kstate,
 * so that a reader or writer duplicated into or inherited by another
 * process works there on that process's copy of the socket, file.c's
 * side table): the read time-out, the maximum size, and a queue of
 * messages already taken off the socket (arena blocks): GetMailslotInfo
 * drains the socket into it to count the messages (a Unix socket can say
 * the size of the next datagram but not how many there are).  ms->lock (a
 * wordlock) guards the queue and the time-out.  A message too big for an
 * arena block (over 128 KiB) stays on the socket, and the ones after it:
 * it is read from there when the queue is empty, and counted as one.
 * Writers keep the maximum size they read when they opened the name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cell.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/object.h"
#include "core/security.h"
#include "io/device.h"
#include "io/file.h"

#define MS_GRANT_OFFSET 64 /* a granted mailslot's DACL in its .max file */

struct ms_msg {
    aoff_t next;
    uint32_t len;      /* bytes of data */
    uint32_t size;     /* of the arena block */
    char data[];
};

struct ms {
    struct wordlock lock;
    uint32_t reader;
    uint32_t max_size; /* 0: any size */
    uint32_t timeout;  /* reader: ms, MAILSLOT_WAIT_FOREVER */
    aoff_t head, tail; /* struct ms_msg */
    uint32_t count;
    char path[108];    /* reader: the socket, removed with the last handle */
};

static const uint32_t ms_layout[] = {
    LAYOUT_SIZE(struct ms),
    LAYOUT_FIELD(struct ms, lock),
    LAYOUT_FIELD(struct ms, reader),
    LAYOUT_FIELD(struct ms, max_size),
    LAYOUT_FIELD(struct ms, timeout),
    LAYOUT_FIELD(struct ms, head),
    LAYOUT_FIELD(struct ms, tail),
    LAYOUT_FIELD(struct ms, count),
    LAYOUT_FIELD(struct ms, path),
    LAYOUT_SIZE(struct ms_msg),
    LAYOUT_FIELD(struct ms_msg, next),
    LAYOUT_FIELD(struct ms_msg, len),
    LAYOUT_FIELD(struct ms_msg, size),
};

static struct ms *ms_of(struct file_obj *f)
{
    return f->kind == FILE_KIND_MAILSLOT ? arena_ptr(f->kstate) : NULL;
}

static ssize_t recv_retry(int fd, void *buf, size_t len, int flags)
{
    ssize_t n;
    do
        n = recv(fd, buf, len, flags);
    while (n < 0 && errno == EINTR);
    return n;
}

/* Moves the messages waiting on the socket to the queue (ms->lock held),
 * up to one too big for an arena block.  *big: the size of that one, or
 * -1. */
static DWORD ms_drain(int fd, struct ms *ms, ssize_t *big)
{
    *big = -1;
    for (;;) {
        ssize_t size = recv_retry(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (size < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? ERROR_SUCCESS
                                                           : ws_errno_to_win32(errno);
        size_t bytes = sizeof(struct ms_msg) + (size_t)size + 1;
        struct ms_msg *m = arena_alloc(bytes);
        if (!m) {
            *big = size; /* it stays on the socket: ms_read takes it there */
            return ERROR_SUCCESS;
        }
        ssize_t n = recv_retry(fd, m->data, (size_t)size + 1, MSG_DONTWAIT);
        if (n < 0) {
            arena_free(m, bytes);
            return errno == EAGAIN || errno == EWOULDBLOCK ? ERROR_SUCCESS
                                                           : ws_errno_to_win32(errno);
        }
        m->len = (uint32_t)n;
        m->size = (uint32_t)bytes;
        m->next = 0;
        if (ms->tail)
            ((struct ms_msg *)arena_ptr(ms->tail))->next = arena_off(m);
        else
            ms->head = arena_off(m);
        ms->tail = arena_off(m);
        ms->count++;
    }
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static DWORD ms_read(struct file_obj *f, void *buf, DWORD len, const int64_t *at,
                     DWORD *done)
{
    (void)at;
    struct ms *ms = ms_of(f);
    *done = 0;
    int fd = ms ? file_fd_of(f) : -1;
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (!ms->reader)
        return ERROR_ACCESS_DENIED;
    uint64_t start = mono_ms();
    for (;;) {
        wordlock_lock(&ms->lock);
        ssize_t big;
        DWORD err = ms_drain(fd, ms, &big);
        DWORD timeout = ms->timeout;
        if (!err && ms->head) {
            struct ms_msg *m = arena_ptr(ms->head);
            if (m->len > len) {
                err = ERROR_INSUFFICIENT_BUFFER; /* the message stays */
            } else {
                memcpy(buf, m->data, m->len);
                *done = m->len;
                ms->head = m->next;
                if (!ms->head)
                    ms->tail = 0;
                ms->count--;
                arena_free(m, m->size);
            }
            wordlock_unlock(&ms->lock);
            return err;
        }
        if (!err && big >= 0) { /* a big one, on the socket */
            if ((size_t)big > len) {
                err = ERROR_INSUFFICIENT_BUFFER;
            } else {
                ssize_t n = recv_retry(fd, buf, len, MSG_DONTWAIT);
                if (n >= 0)
                    *done = (DWORD)n;
                else
                    err = ws_errno_to_win32(errno);
            }
            wordlock_unlock(&ms->lock);
            return err;
        }
        wordlock_unlock(&ms->lock);
        if (err)
            return err;
        int wait = -1;
        if (timeout != MAILSLOT_WAIT_FOREVER) {
            uint64_t spent = mono_ms() - start;
            if (spent >= timeout)
                return ERROR_SEM_TIMEOUT;
            wait = (int)(timeout - spent);
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, wait);
        if (r < 0 && errno != EINTR)
            return ws_errno_to_win32(errno);
    }
}

static DWORD ms_write(struct file_obj *f, const void *buf, DWORD len,
                      const int64_t *at, DWORD *done)
{
    (void)at;
    struct ms *ms = ms_of(f);
    *done = 0;
    int fd = ms ? file_fd_of(f) : -1;
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (ms->reader)
        return ERROR_ACCESS_DENIED;
    if (ms->max_size && len > ms->max_size)
        return ERROR_SEM_TIMEOUT; /* the reader never takes it: Windows times out */
    ssize_t n;
    do
        n = send(fd, buf, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        /* The reader is gone: the message has nowhere to go. */
        if (errno == ECONNREFUSED || errno == ENOTCONN || errno == EPIPE)
            return ERROR_HANDLE_EOF;
        return ws_errno_to_win32(errno);
    }
    *done = (DWORD)n;
    return ERROR_SUCCESS;
}

static DWORD ms_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_UNKNOWN;
}

static void ms_last_close(struct file_obj *f)
{
    struct ms *ms = ms_of(f);
    if (!ms || !ms->reader)
        return;
    /* The name goes with the reader (a new reader may have taken it over
     * only after our socket stopped answering, i.e. never while we live). */
    char max_path[120];
    snprintf(max_path, sizeof max_path, "%s.max", ms->path);
    unlink(max_path);
    unlink(ms->path);
}

static void ms_destroy(struct file_obj *f)
{
    struct ms *ms = ms_of(f);
    if (!ms)
        return;
    while (ms->head) {
        struct ms_msg *m = arena_ptr(ms->head);
        ms->head = m->next;
        arena_free(m, m->size);
    }
    arena_free(ms, sizeof *ms);
    f->kstate = 0;
}

const struct file_ops mailslot_file_ops = {
    .kind = FILE_KIND_MAILSLOT,
    .read = ms_read,
    .write = ms_write,
    .get_type = ms_get_type,
    .last_close = ms_last_close,
    .destroy = ms_destroy,
    TYPE_LAYOUT(ms_layout),
};

static DWORD ms_insert(int fd, struct ms *tmp, ACCESS_MASK access, bool inherit,
                       HANDLE *out)
{
    struct file_obj *f;
    DWORD err = file_new(fd, &mailslot_file_ops, access, 0, &f);
    /* Into the arena, shared with every process that gets a handle.
     * (After file_new, which has made sure the arena exists.) */
    struct ms *ms = err ? NULL : arena_alloc(sizeof *ms);
    if (!err && !ms) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr); /* closes fd */
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err) {
        free(tmp);
        return err;
    }
    memcpy(ms, tmp, sizeof *ms);
    free(tmp);
    f->kstate = arena_off(ms);
    if ((err = handle_insert(&f->hdr, f->access, inherit ? HANDLE_FLAG_INHERIT : 0, out))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
    }
    return err;
}

static struct ms *ms_alloc(bool reader)
{
    struct ms *ms = calloc(1, sizeof *ms);
    if (ms)
        ms->reader = reader;
    return ms;
}

/* ---- CreateMailslot ---- */

/* Does a reader live at a? (A dead one's socket file refuses.) */
static bool reader_dead(const struct sockaddr_un *a)
{
    int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool dead = probe >= 0 && connect(probe, (const struct sockaddr *)a, sizeof *a) < 0 &&
                errno == ECONNREFUSED;
    if (probe >= 0)
        close(probe);
    return dead;
}

/* A mailslot granted to other users (its DACL lets them in): in the shared
 * base (npipe.c), its socket bound under a temporary name, given the
 * grant's permissions (writers need write permission on it) and only then
 * linked under the name, which fails if the name is taken. */
static DWORD bind_granted(int s, const struct sockaddr_un *a, const struct grant *g)
{
    struct sockaddr_un t = *a;
    int n = snprintf(t.sun_path, sizeof t.sun_path, "%s.t%u", a->sun_path, (unsigned)getpid());
    if (n < 0 || (size_t)n >= sizeof t.sun_path)
        return ERROR_FILENAME_EXCED_RANGE;
    unlink(t.sun_path);
    if (bind(s, (struct sockaddr *)&t, sizeof t) < 0)
        return ws_errno_to_win32(errno);
    DWORD err = grant_apply(-1, t.sun_path, g, &file_type, geteuid(), 6);
    for (int tries = 0; !err; tries++) {
        if (link(t.sun_path, a->sun_path) == 0)
            break;
        if (errno != EEXIST || tries || !reader_dead(a))
            err = errno == EEXIST || !tries ? ERROR_ALREADY_EXISTS : ws_errno_to_win32(errno);
        else if (unlink(a->sun_path) < 0 && errno != ENOENT)
            err = ERROR_ACCESS_DENIED; /* another user's dead mailslot: his to remove */
    }
    unlink(t.sun_path);
    return err;
}

static DWORD create_mailslot(const void *name, bool wide, DWORD max_size,
                             DWORD timeout, LPSECURITY_ATTRIBUTES sa, HANDLE *out)
{
    if (!name)
        return ERROR_PATH_NOT_FOUND; /* as Windows (test_client_with_read_access) */
    struct grant g;
    g.present = 0;
    DWORD err = sa && sa->lpSecurityDescriptor ? security_grant(sa, &file_type, &g) : 0;
    if (err)
        return err;
    bool shared = grant_reaches_others(&g);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if ((err = rdv_path(name, wide, RDV_MAILSLOT, shared ? RDV_SHARED_MAKE : RDV_OWN, 10,
                        a.sun_path, sizeof a.sun_path)))
        return err;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return ws_errno_to_win32(errno);
    if (shared && (err = bind_granted(s, &a, &g))) {
        close(s);
        return err;
    }
    for (int tries = 0; !shared; tries++) {
        if (bind(s, (struct sockaddr *)&a, sizeof a) == 0)
            break;
        if (errno != EADDRINUSE || tries) {
            err = errno == EADDRINUSE ? ERROR_ALREADY_EXISTS : ws_errno_to_win32(errno);
            close(s);
            return err;
        }
        /* Taken: by a live reader, or left by a dead one (nobody answers). */
        if (!reader_dead(&a)) {
            close(s);
            return ERROR_ALREADY_EXISTS;
        }
        unlink(a.sun_path);
    }
    /* Room for many messages: Windows mailslots are bounded by memory. */
    int big = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    char max_path[120], tmp[128];
    snprintf(max_path, sizeof max_path, "%s.max", a.sun_path);
    snprintf(tmp, sizeof tmp, "%s.tmp%u", a.sun_path, (unsigned)file_pid());
    /* The maximum as text; a granted mailslot's DACL after it, at
     * MS_GRANT_OFFSET, with the file readable by the users it lets in. */
    int mfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (mfd >= 0) {
        char text[16];
        int len = snprintf(text, sizeof text, "%u\n", (unsigned)max_size);
        bool ok = write(mfd, text, (size_t)len) == len;
        if (shared)
            ok = ok && pwrite(mfd, &g, sizeof g, MS_GRANT_OFFSET) == (ssize_t)sizeof g &&
                 !grant_apply(mfd, NULL, &g, &file_type, geteuid(), 4);
        close(mfd);
        if (ok)
            rename(tmp, max_path);
        else
            unlink(tmp);
    }
    struct ms *ms = ms_alloc(true);
    if (!ms) {
        unlink(a.sun_path);
        close(s);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    ms->max_size = max_size;
    ms->timeout = timeout;
    snprintf(ms->path, sizeof ms->path, "%s", a.sun_path);
    return ms_insert(s, ms, GENERIC_READ | SYNCHRONIZE | FILE_WRITE_ATTRIBUTES,
                     sa && sa->bInheritHandle, out);
}

WS_EXPORT HANDLE WINAPI CreateMailslotW(LPCWSTR name, DWORD max_size, DWORD timeout,
                                        LPSECURITY_ATTRIBUTES sa)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = create_mailslot(name, true, max_size, timeout, sa, &h);
    return ws_handle(err, h);
}

WS_EXPORT HANDLE WINAPI CreateMailslotA(LPCSTR name, DWORD max_size, DWORD timeout,
                                        LPSECURITY_ATTRIBUTES sa)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = create_mailslot(name, false, max_size, timeout, sa, &h);
    return ws_handle(err, h);
}

/* ---- writers: CreateFile on \\.\mailslot\name ---- */

bool mailslot_is_name(const void *name, bool wide)
{
    static const char p[] = "\\\\.\\mailslot\\";
    if (!name)
        return false;
    for (size_t i = 0; p[i]; i++) {
        unsigned c = wide ? ((const WCHAR *)name)[i] : ((const unsigned char *)name)[i];
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c != (unsigned char)p[i])
            return false;
    }
    return true;
}

DWORD mailslot_open(const void *name, bool wide, ACCESS_MASK access, DWORD share,
                    DWORD creation, HANDLE *out)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    DWORD err = rdv_path(name, wide, RDV_MAILSLOT, RDV_OWN, 10, a.sun_path, sizeof a.sun_path);
    if (err)
        return err == ERROR_INVALID_NAME ? ERROR_FILE_NOT_FOUND : err;
    if (creation != OPEN_EXISTING)
        return ERROR_INVALID_PARAMETER;
    access = object_map_access(&file_type, access);
    /* The reader holds the name for reading: a writer must share it.  Read
     * access may be asked for (Windows grants it); ms_read refuses it. */
    if (!(share & FILE_SHARE_READ))
        return ERROR_SHARING_VIOLATION;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return ws_errno_to_win32(errno);
    int r;
    do
        r = connect(s, (struct sockaddr *)&a, sizeof a);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        /* Not the user's own: one granted to us in the shared base?  The
         * kernel and then the DACL kept beside it have their say. */
        struct sockaddr_un b = {.sun_family = AF_UNIX};
        err = ERROR_FILE_NOT_FOUND;
        if (!rdv_path(name, wide, RDV_MAILSLOT, RDV_SHARED_LOOK, 10, b.sun_path, sizeof b.sun_path) &&
            connect(s, (struct sockaddr *)&b, sizeof b) == 0) {
            char dacl_path[120];
            snprintf(dacl_path, sizeof dacl_path, "%s.max", b.sun_path);
            int dfd = open(dacl_path, O_RDONLY | O_CLOEXEC);
            err = dfd < 0 ? ERROR_ACCESS_DENIED
                          : grant_check_file(dfd, MS_GRANT_OFFSET, &file_type, access);
            if (dfd >= 0)
                close(dfd);
            a = b;
        } else if (errno == EACCES) {
            err = ERROR_ACCESS_DENIED;
        }
        if (err) {
            close(s);
            return err;
        }
    }
    struct ms *ms = ms_alloc(false);
    if (!ms) {
        close(s);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    char max_path[120];
    snprintf(max_path, sizeof max_path, "%s.max", a.sun_path);
    FILE *fp = fopen(max_path, "re");
    if (fp) {
        unsigned v = 0;
        if (fscanf(fp, "%u", &v) == 1)
            ms->max_size = v;
        fclose(fp);
    }
    return ms_insert(s, ms, access | SYNCHRONIZE, false, out);
}

/* ---- GetMailslotInfo, SetMailslotInfo ---- */

static DWORD reader_get(HANDLE h, struct file_obj **fo, struct ms **mso)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err)
        return err;
    struct ms *ms = ms_of(f);
    if (!ms || !ms->reader) {
        /* A writer: ERROR_INVALID_HANDLE as Wine (Windows unverified). */
        err = ms ? ERROR_INVALID_HANDLE : ERROR_INVALID_FUNCTION;
        file_put(f);
        return err;
    }
    *fo = f;
    *mso = ms;
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI GetMailslotInfo(HANDLE h, LPDWORD max_size, LPDWORD next_size,
                                      LPDWORD count, LPDWORD timeout)
{
    struct file_obj *f;
    struct ms *ms;
    DWORD err = reader_get(h, &f, &ms);
    if (err)
        return ws_bool(err);
    int fd = file_fd_of(f);
    ssize_t big = -1;
    wordlock_lock(&ms->lock);
    err = fd < 0 ? ERROR_INVALID_HANDLE : ms_drain(fd, ms, &big);
    if (!err) {
        if (max_size)
            *max_size = ms->max_size;
        if (next_size)
            *next_size = ms->head ? ((struct ms_msg *)arena_ptr(ms->head))->len
                         : big >= 0 ? (DWORD)big
                                    : MAILSLOT_NO_MESSAGE;
        if (count)
            *count = ms->count + (big >= 0);
        if (timeout)
            *timeout = ms->timeout;
    }
    wordlock_unlock(&ms->lock);
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetMailslotInfo(HANDLE h, DWORD timeout)
{
    struct file_obj *f;
    struct ms *ms;
    DWORD err = reader_get(h, &f, &ms);
    if (err)
        return ws_bool(err);
    wordlock_lock(&ms->lock);
    ms->timeout = timeout;
    wordlock_unlock(&ms->lock);
    file_put(f);
    return TRUE;
}
