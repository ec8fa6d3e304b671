/*
 * Named pipes: the FILE_KIND_NPIPE kind of file object (CreateNamedPipeA/W,
 * ConnectNamedPipe, DisconnectNamedPipe, WaitNamedPipeA/W, CreateFile on
 * \\.\pipe\name, TransactNamedPipe, CallNamedPipeA/W, the handle state and
 * information functions), and the rendezvous directory mailslot.c shares.
 *
 * Rendezvous (docs/ARCHITECTURE.md, "Named pipes and mailslots"): a pipe
 * name is a directory <base>/pipe/<escaped name>/ where <base> is
 * $WINSHIM_PIPE_DIR or /tmp/winshim-<uid> (0700, owner checked).  Names are
 * case-folded and escaped, so every process of the user finds the same
 * directory without any shared memory.  In it:
 *   info    the pipe's parameters (those of its first instance); flock'd
 *           LOCK_EX while an instance is created or removed, LOCK_SH while
 *           a client looks for an instance.
 *   s<k>    instance k's slot file, flock'd LOCK_EX by the process that
 *           owns the instance for as long as the instance lives; it holds
 *           a struct np_slot: the instance state (L listening, C connected,
 *           D disconnected) for WaitNamedPipe, the instance's identity and
 *           its count of DisconnectNamedPipe calls, by which a client tells
 *           a disconnection (ERROR_PIPE_NOT_CONNECTED) from the server's
 *           close (ERROR_BROKEN_PIPE, ERROR_NO_DATA): see client_was_cut.
 *   i<k>    instance k's Unix-domain listening socket (SOCK_STREAM for byte
 *           pipes, SOCK_SEQPACKET for message pipes), backlog 0: exactly one
 *           client can queue on it, the next one is refused (ERROR_PIPE_BUSY).
 * A live instance is one whose slot lock is held; the kernel drops the lock
 * when its owner dies, so a killed server leaves no name that blocks a new
 * server: the next CreateNamedPipe finds no live instance and starts over
 * (stale files are reused; the last instance to close removes them).
 *
 * Instance states (server side, np->state), under np->lock:
 *   LISTENING     f->fd is the listening socket.  A queued client is
 *                 accepted lazily (ConnectNamedPipe, or any I/O call in
 *                 the opener), the listener is then closed so no other
 *                 client can queue.
 *   CONNECTED     f->fd is the connected socket.
 *   DISCONNECTED  f->fd is /dev/null (or, after a DisconnectNamedPipe in
 *                 another process, the shut connection);
 *                 ConnectNamedPipe listens again.
 * The fd number f->fd stays the same through the states (dup3 replaces what
 * it refers to), so overlapped.c's workers can poll it.  A client's f->fd is
 * its connected socket for the handle's life.
 *
 * Other processes (DuplicateHandle, inheritance): the state of an end is
 * shared (struct np, an arena block at f->kstate, under np->lock, a
 * wordlock), and another process does its I/O on its own copy of the
 * opener's description (file.c's side table: inherited, or a pidfd_getfd
 * copy from a holder).  A server publishes the identity of its current
 * description at each re-pointing (file_fd_repointed), so a copy of the
 * listener or of a finished connection is never used for a later one.
 * What needs the opener's fd number stays the opener's: taking a client
 * (a queued client waits for the opener's next call; another process sees
 * ERROR_PIPE_LISTENING until then) and ConnectNamedPipe of a listening or
 * disconnected instance (ERROR_NOT_SUPPORTED elsewhere:
 * docs/COMPATIBILITY.md).  The slot lock is the opener's: when the
 * opener's last handle goes while another process keeps the end
 * (np_let_go), the instance's slot and listener name are given up.
 *
 * Message pipes: one WriteFile is one SEQPACKET record.  A read shorter
 * than the message takes the whole record into np->rest (an arena block,
 * so the next read in any process gets the rest) and hands it out
 * piecewise (ERROR_MORE_DATA until the last piece).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
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
#include "core/unicode.h"
#include "io/device.h"
#include "io/file.h"
#include "io/overlapped.h"
#include "sync/sync.h"

#define NP_SLOTS PIPE_UNLIMITED_INSTANCES /* at most this many instances */
#define NP_INFO_MAGIC 0x57534e50u         /* "WSNP" */
#define NP_DEFAULT_TIMEOUT 50             /* ms, Windows' default wait */

enum np_state { NP_LISTENING = 'L', NP_CONNECTED = 'C', NP_DISCONNECTED = 'D' };

/* The info file: the parameters of the pipe's first instance. */
struct np_info {
    uint32_t magic;
    uint32_t open_mode;  /* PIPE_ACCESS_* */
    uint32_t pipe_type;  /* PIPE_TYPE_BYTE or PIPE_TYPE_MESSAGE */
    uint32_t max_instances;
    uint32_t out_size, in_size;
    uint32_t timeout;
};

/* A slot file's contents. */
struct np_slot {
    uint8_t state;         /* enum np_state */
    uint8_t pad[3];
    uint32_t cuts;         /* DisconnectNamedPipe calls of the instance */
    uint64_t id;           /* the instance's identity (its creation time) */
};

/* The shared state of one end (an arena block, f->kstate): every process
 * with a handle reads it; changes are made under lock. */
struct np {
    struct wordlock lock;
    uint32_t server;
    uint32_t state;        /* enum np_state, server only */
    int32_t slot;          /* instance k (a client: the one it reached) */
    uint32_t cuts;         /* server: its DisconnectNamedPipe calls; client:
                            * the count when its connection began */
    uint64_t id;           /* the instance's np_slot.id */
    /* Process-private: the opener's locked slot file (used only where
     * file_is_opener, like file_obj.fd); -1 once given up. */
    int32_t slot_fd;
    struct np_info info;
    uint32_t read_mode;    /* PIPE_READMODE_* */
    uint32_t wait_mode;    /* PIPE_WAIT or PIPE_NOWAIT */
    aoff_t rest;           /* a message read in part: rest_len bytes of a */
    uint32_t rest_len, rest_off, rest_cap; /* rest_cap-byte arena block */
    char dir[108];         /* the name's directory */
};

static const uint32_t np_layout[] = {
    LAYOUT_SIZE(struct np),
    LAYOUT_FIELD(struct np, lock),
    LAYOUT_FIELD(struct np, server),
    LAYOUT_FIELD(struct np, state),
    LAYOUT_FIELD(struct np, slot),
    LAYOUT_FIELD(struct np, cuts),
    LAYOUT_FIELD(struct np, id),
    LAYOUT_FIELD(struct np, slot_fd),
    LAYOUT_FIELD(struct np, info),
    LAYOUT_FIELD(struct np, read_mode),
    LAYOUT_FIELD(struct np, wait_mode),
    LAYOUT_FIELD(struct np, rest),
    LAYOUT_FIELD(struct np, rest_len),
    LAYOUT_FIELD(struct np, rest_off),
    LAYOUT_FIELD(struct np, rest_cap),
    LAYOUT_FIELD(struct np, dir),
};

/* ---- the rendezvous directory ---- */

static DWORD dir_ensure(const char *path)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return ws_errno_to_win32(errno);
    struct stat st;
    if (lstat(path, &st) < 0)
        return ws_errno_to_win32(errno);
    /* Someone else's directory, or one others may write: not ours to use. */
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
        return ERROR_ACCESS_DENIED;
    return ERROR_SUCCESS;
}

/* Windows upper-cases pipe and mailslot names to compare them; this folds
 * ASCII, Latin-1, Greek and Cyrillic letters (docs/COMPATIBILITY.md). */
static WCHAR fold(WCHAR c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7) ||
        (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) || (c >= 0x430 && c <= 0x44f))
        return (WCHAR)(c - 0x20);
    if (c >= 0x450 && c <= 0x45f)
        return (WCHAR)(c - 0x50);
    return c;
}

static bool prefix_is(const WCHAR *s, const char *p)
{
    for (; *p; s++, p++)
        if (fold(*s) != fold((WCHAR)(unsigned char)*p))
            return false;
    return true;
}

/* Pipes and mailslots granted to other users (their SECURITY_ATTRIBUTES
 * let someone else in: security.c) meet in a shared base instead,
 * $WINSHIM_PIPE_SHARED_DIR or /tmp/winshim-pipes, sticky and writable by
 * everyone like /tmp, so each user creates names and only their creator
 * removes them.  A name's directory there is its creator's (0711: others
 * may reach the files they know, not list them), and the grant is the
 * permissions of what is in it (cell.c's grant_apply): the info and slot
 * files readable, a listening socket writable (connect needs that) by the
 * users the DACL lets in.  The DACL itself is kept in the info file, after
 * the parameters, and a client's requested access is checked against it
 * as well. */
static const char *shared_base(void)
{
    const char *d = getenv("WINSHIM_PIPE_SHARED_DIR");
    return d && *d ? d : "/tmp/winshim-pipes";
}

/* A sticky directory writable by all (made so when missing, unless only
 * looking: a client's lookup leaves nothing behind). */
static DWORD dir_ensure_shared(const char *path, bool make)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT && !make)
            return ERROR_FILE_NOT_FOUND;
        if (errno != ENOENT || (mkdir(path, 0700) < 0 && errno != EEXIST))
            return ws_errno_to_win32(errno);
        if (!lstat(path, &st) && st.st_uid == geteuid() && (st.st_mode & 01777) != 01777)
            chmod(path, 01777);
        if (lstat(path, &st) < 0)
            return ws_errno_to_win32(errno);
    }
    return S_ISDIR(st.st_mode) && (st.st_mode & 01777) == 01777 ? ERROR_SUCCESS
                                                                : ERROR_ACCESS_DENIED;
}

/* Is dir a name's directory in the shared base? */
static bool dir_is_shared(const char *dir)
{
    const char *b = shared_base();
    size_t n = strlen(b);
    return !strncmp(dir, b, n) && dir[n] == '/';
}

#define NP_GRANT_OFFSET 64 /* where the DACL (struct grant) is in the info file */

DWORD rdv_path(const void *name, bool wide, enum rdv_kind kind, enum rdv_where where,
               size_t reserve, char *out, size_t cap)
{
    bool shared = where != RDV_OWN;
    WCHAR w[600];
    if (!name)
        return ERROR_INVALID_NAME;
    if (wide) {
        size_t n = wstrlen(name);
        if (n >= sizeof w / sizeof *w)
            return ERROR_FILENAME_EXCED_RANGE;
        memcpy(w, name, (n + 1) * sizeof(WCHAR));
    } else if (utf8_to_utf16(name, w, sizeof w / sizeof *w) < 0) {
        return ERROR_FILENAME_EXCED_RANGE;
    }
    const char *prefix = kind == RDV_PIPE ? "\\\\.\\pipe\\" : "\\\\.\\mailslot\\";
    if (!prefix_is(w, prefix))
        return ERROR_INVALID_NAME;
    const WCHAR *rest = w + strlen(prefix);
    if (!*rest)
        return ERROR_INVALID_NAME;
    char base[80];
    const char *env = shared ? shared_base() : getenv("WINSHIM_PIPE_DIR");
    if (env && *env) {
        if (strlen(env) >= sizeof base)
            return ERROR_FILENAME_EXCED_RANGE;
        strcpy(base, env);
    } else {
        snprintf(base, sizeof base, "/tmp/winshim-%u", (unsigned)geteuid());
    }
    bool make = where == RDV_SHARED_MAKE;
    DWORD err = shared ? dir_ensure_shared(base, make) : dir_ensure(base);
    if (err)
        return err;
    int n = snprintf(out, cap, "%s/%s", base, kind == RDV_PIPE ? "pipe" : "mailslot");
    if (n < 0 || (size_t)n >= cap)
        return ERROR_FILENAME_EXCED_RANGE;
    if ((err = shared ? dir_ensure_shared(out, make) : dir_ensure(out)))
        return err;
    /* The escaped name: [0-9A-Z-] as is, every other unit as %XXXX.  When
     * that is too long for a socket address, a 128-bit hash of the folded
     * name stands for it. */
    size_t len = (size_t)n;
    size_t room = cap - len - 1 - reserve - 1; /* '/', reserve, NUL */
    char esc[512];
    size_t e = 0;
    uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
    bool fits = true;
    for (const WCHAR *p = rest; *p; p++) {
        WCHAR c = fold(*p);
        h1 = (h1 ^ c) * 0x100000001b3ull;
        h2 = (h2 ^ c) * 0x100000001b3ull + 0x9e37;
        if (!fits)
            continue;
        if (e + 6 >= sizeof esc || e + 6 > room) {
            fits = false;
            continue;
        }
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-')
            esc[e++] = (char)c;
        else
            e += (size_t)sprintf(esc + e, "%%%04X", (unsigned)c);
    }
    if (!fits) {
        if (room < 34)
            return ERROR_FILENAME_EXCED_RANGE;
        e = (size_t)sprintf(esc, "#%016llx%016llx", (unsigned long long)h1,
                            (unsigned long long)h2);
    }
    esc[e] = 0;
    snprintf(out + len, cap - len, "/%s", esc);
    return ERROR_SUCCESS;
}

/* ---- the info file and the slots ---- */

/* Opens (creating it when `create`) and locks the name's info file.  A
 * file removed by the last instance between our open and our lock is not
 * the name's any more: start over. */
static DWORD info_lock(const char *dir, bool create, int how, int *out)
{
    char path[128];
    snprintf(path, sizeof path, "%s/info", dir);
    for (;;) {
        if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
            return ws_errno_to_win32(errno);
        /* Readers need no more than reading: another user's granted pipe
         * lets them read its info file, never write it. */
        int fd = open(path, (create ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0600);
        if (fd < 0)
            return errno == ENOENT || errno == ENOTDIR ? ERROR_FILE_NOT_FOUND
                   : errno == EACCES                   ? ERROR_ACCESS_DENIED
                                                       : ws_errno_to_win32(errno);
        while (flock(fd, how) < 0)
            if (errno != EINTR) {
                close(fd);
                return ws_errno_to_win32(errno);
            }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            *out = fd;
            return ERROR_SUCCESS;
        }
        close(fd);
        if (!create)
            return ERROR_FILE_NOT_FOUND;
    }
}

static bool info_read(int fd, struct np_info *info)
{
    return pread(fd, info, sizeof *info, 0) == (ssize_t)sizeof *info &&
           info->magic == NP_INFO_MAGIC && info->max_instances >= 1 &&
           info->max_instances <= NP_SLOTS;
}

/* Instance k's slot file (*alive: its slot lock is held, when asked). */
static bool slot_read(const char *dir, int k, struct np_slot *out, bool *alive)
{
    char path[128];
    snprintf(path, sizeof path, "%s/s%d", dir, k);
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (alive)
        *alive = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    bool ok = pread(fd, out, sizeof *out, 0) == (ssize_t)sizeof *out;
    close(fd);
    return ok;
}

/* Is instance k alive (its slot lock held)?  *state gets its state byte.
 * Called with the info lock held, so no instance comes or goes meanwhile. */
static bool slot_alive(const char *dir, int k, char *state)
{
    struct np_slot sl;
    bool alive = false;
    slot_read(dir, k, &sl, &alive);
    if (state)
        *state = alive ? (char)sl.state : 0;
    return alive;
}

/* One write, so that a reader sees the state and the count together. */
static void slot_write(int fd, const struct np *np)
{
    struct np_slot sl = {.state = (uint8_t)np->state, .cuts = np->cuts, .id = np->id};
    if (pwrite(fd, &sl, sizeof sl, 0) != (ssize_t)sizeof sl) { /* read as "not cut" */ }
}

/* Under np->lock.  The slot file is written through the opener's fd, or
 * by name from another process while the opener keeps the slot (it gives
 * it up under np->lock: np_let_go). */
static void slot_set_state(struct file_obj *f, struct np *np, enum np_state s)
{
    np->state = s;
    if (np->slot_fd < 0)
        return;
    if (proc_is_self(f->fd_pid, f->fd_tag)) {
        slot_write(np->slot_fd, np);
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/s%d", np->dir, np->slot);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        slot_write(fd, np);
        close(fd);
    }
}

/* A client whose end has come to an end: was its connection cut by
 * DisconnectNamedPipe (the instance it reached has counted a disconnection
 * since), rather than ended by the server's close (which counts none)?
 * Asked only once the socket says the end came, so it costs nothing on a
 * working pipe.  Windows discards the data a disconnected client had not
 * read; here such data is still read first (docs/COMPATIBILITY.md). */
static bool client_was_cut(const struct np *np)
{
    struct np_slot sl;
    return !np->server && np->slot >= 0 && slot_read(np->dir, np->slot, &sl, NULL) &&
           sl.id == np->id && sl.cuts != np->cuts;
}

/* The client's record of the instance it has just reached (info lock held,
 * so the instance stays): its identity, and the disconnections counted
 * before this connection began.  `before` was read just before connect():
 * an instance then connected to another client must have cut it before
 * ours could begin (counted once more); one listening or disconnected had
 * counted all.  A cut counted after that is ours. */
static void client_record(struct np *np, int k, const struct np_slot *before)
{
    struct np_slot now;
    slot_read(np->dir, k, &now, NULL);
    np->slot = k;
    np->id = now.id;
    np->cuts = now.cuts;
    if (before->id == now.id)
        np->cuts = before->cuts + (before->state == NP_CONNECTED);
}

static unsigned slots_alive(const char *dir, unsigned limit, bool *listening)
{
    unsigned n = 0;
    if (listening)
        *listening = false;
    for (unsigned k = 0; k < limit; k++) {
        char st = 0;
        if (slot_alive(dir, (int)k, &st)) {
            n++;
            if (listening && st == NP_LISTENING)
                *listening = true;
        }
    }
    return n;
}

/* With the info lock held exclusively and no instance left: the name's
 * files go (every one: a granted pipe's temporary socket names too). */
static void name_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
}

/* ---- sockets ---- */

static int sock_type(const struct np_info *info)
{
    return info->pipe_type == PIPE_TYPE_MESSAGE ? SOCK_SEQPACKET : SOCK_STREAM;
}

static DWORD sock_addr(const char *dir, int k, struct sockaddr_un *a)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path, sizeof a->sun_path, "%s/i%d", dir, k);
    return n < 0 || (size_t)n >= sizeof a->sun_path ? ERROR_FILENAME_EXCED_RANGE
                                                     : ERROR_SUCCESS;
}

/* A new listening socket for instance k (nonblocking: accepts are tried,
 * waits are polls). */
static DWORD sock_listen(const char *dir, int k, const struct np_info *info, int *out)
{
    struct sockaddr_un a;
    DWORD err = sock_addr(dir, k, &a);
    if (err)
        return err;
    int s = socket(AF_UNIX, sock_type(info) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s < 0)
        return ws_errno_to_win32(errno);
    if (!dir_is_shared(dir)) {
        unlink(a.sun_path); /* a dead instance's socket, or our own previous one */
        if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 0) < 0) {
            err = ws_errno_to_win32(errno);
            close(s);
            return err;
        }
        *out = s;
        return ERROR_SUCCESS;
    }
    /* A granted pipe: bound under a temporary name, given the grant, and
     * only then put in place (rename replaces a dead instance's socket)
     * and listening, so nobody connects before the permissions say so. */
    struct grant g;
    char info_path[128];
    snprintf(info_path, sizeof info_path, "%s/info", dir);
    int ifd = open(info_path, O_RDONLY | O_CLOEXEC);
    bool have = ifd >= 0 && pread(ifd, &g, sizeof g, NP_GRANT_OFFSET) == (ssize_t)sizeof g;
    if (ifd >= 0)
        close(ifd);
    struct sockaddr_un t = a;
    int n = snprintf(t.sun_path, sizeof t.sun_path, "%s/t%d.%d", dir, k, (int)getpid());
    if (!have || n < 0 || (size_t)n >= sizeof t.sun_path)
        err = have ? ERROR_FILENAME_EXCED_RANGE : ERROR_FILE_NOT_FOUND;
    if (!err) {
        unlink(t.sun_path);
        if (bind(s, (struct sockaddr *)&t, sizeof t) < 0)
            err = ws_errno_to_win32(errno);
        else if ((err = grant_apply(-1, t.sun_path, &g, &file_type, geteuid(), 6)) ||
                 (rename(t.sun_path, a.sun_path) < 0 && (err = ws_errno_to_win32(errno))) ||
                 (listen(s, 0) < 0 && (err = ws_errno_to_win32(errno))))
            unlink(t.sun_path);
    }
    if (err) {
        close(s);
        return err;
    }
    *out = s;
    return ERROR_SUCCESS;
}

static int null_fd(void)
{
    return open("/dev/null", O_RDWR | O_CLOEXEC);
}

/* Makes the opener's f->fd refer to what `fd` refers to, and closes fd;
 * other processes' copies of the old description are stale from now. */
static void fd_replace(struct file_obj *f, int fd)
{
    if (fd >= 0 && dup3(fd, f->fd, O_CLOEXEC) >= 0)
        file_fd_repointed(f);
    if (fd >= 0)
        close(fd);
}

/* ---- server state changes (np->lock held) ---- */

/* A client queued on a listening instance is taken: the listener goes, so
 * the next client finds the instance busy.  *got: a client was there. */
static DWORD server_try_accept(struct file_obj *f, struct np *np, bool *got)
{
    *got = false;
    if (np->state != NP_LISTENING || !file_is_opener(f))
        return ERROR_SUCCESS; /* only the opener's number can be re-pointed */
    /* Backlog 0 queues one client at most: once one is queued, the
     * listener is shut for reading before the accept, so that no second
     * client can queue in between and then be dropped with the listener
     * (a shut listener refuses connections; the queued one is still
     * accepted). */
    struct pollfd p = {.fd = f->fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, 0);
    while (r < 0 && errno == EINTR);
    if (r <= 0 || !(p.revents & POLLIN))
        return ERROR_SUCCESS;
    shutdown(f->fd, SHUT_RD);
    int c;
    do
        c = accept4(f->fd, NULL, NULL, SOCK_CLOEXEC);
    while (c < 0 && errno == EINTR);
    if (c < 0) {
        /* Cannot happen (the client was queued and np->lock is held);
         * listen anew rather than stay shut. */
        DWORD err = ws_errno_to_win32(errno);
        int lfd;
        if (!sock_listen(np->dir, np->slot, &np->info, &lfd))
            fd_replace(f, lfd);
        return err;
    }
    fd_replace(f, c);
    slot_set_state(f, np, NP_CONNECTED);
    *got = true;
    return ERROR_SUCCESS;
}

static void np_drop_rest(struct np *np)
{
    if (np->rest)
        arena_free(arena_ptr(np->rest), np->rest_cap);
    np->rest = 0;
    np->rest_len = np->rest_off = np->rest_cap = 0;
}

static struct np *np_of(struct file_obj *f)
{
    return f->kind == FILE_KIND_NPIPE ? arena_ptr(f->kstate) : NULL;
}

/* This process's fd of the end (the opener's, or its own copy). */
static DWORD np_fd(struct file_obj *f, int *fd)
{
    *fd = file_fd_of(f);
    return *fd < 0 ? ERROR_INVALID_HANDLE : ERROR_SUCCESS;
}

/* Before I/O on a server end: takes a waiting client, then says whether
 * the instance can carry data. */
static DWORD np_io_ready(struct file_obj *f, struct np *np)
{
    if (!np->server)
        return ERROR_SUCCESS;
    wordlock_lock(&np->lock);
    bool got;
    DWORD err = server_try_accept(f, np, &got);
    if (!err && np->state == NP_LISTENING)
        err = ERROR_PIPE_LISTENING;
    else if (!err && np->state == NP_DISCONNECTED)
        err = ERROR_PIPE_NOT_CONNECTED;
    wordlock_unlock(&np->lock);
    return err;
}

static ssize_t recv_retry(int fd, void *buf, size_t len, int flags)
{
    ssize_t n;
    do
        n = recv(fd, buf, len, flags);
    while (n < 0 && errno == EINTR);
    return n;
}

/* An end the other side has left: a client cut by DisconnectNamedPipe is
 * ERROR_PIPE_NOT_CONNECTED (Windows' STATUS_PIPE_DISCONNECTED), anything
 * else keeps the error the socket gave (ERROR_BROKEN_PIPE for a read,
 * ERROR_NO_DATA for a write). */
static DWORD np_end_error(const struct np *np, DWORD err, bool write)
{
    if (err == (write ? ERROR_NO_DATA : ERROR_BROKEN_PIPE) && client_was_cut(np))
        return ERROR_PIPE_NOT_CONNECTED;
    return err;
}

/* Windows clears a file object's signal when a transfer starts and sets it
 * when one completes; a transfer that fails at once leaves it clear, so a
 * wait on the handle does not return for a call that completed nothing
 * (test_disconnected_client).  For synchronous calls; overlapped.c does
 * the same for queued transfers. */
static DWORD np_sync_done(struct file_obj *f, DWORD err)
{
    bool done = !err || err == ERROR_MORE_DATA;
    if ((st_value(obj_state(&f->hdr)) != 0) != done)
        file_set_signaled(f, done);
    return err;
}

/* Has the other side left an end with nothing left to read (a read) or
 * to take data (a write)?  The error a transfer would then give. */
static DWORD np_ended(struct np *np, int fd, bool write)
{
    if (write) {
        struct pollfd p = {.fd = fd, .events = 0};
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)))
            return np_end_error(np, ERROR_NO_DATA, true);
        return ERROR_SUCCESS;
    }
    wordlock_lock(&np->lock);
    bool rest = np->rest != 0;
    wordlock_unlock(&np->lock);
    char c;
    if (!rest && recv_retry(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
        return np_end_error(np, ERROR_BROKEN_PIPE, false);
    return ERROR_SUCCESS;
}

/* Before an overlapped transfer is queued (file_ops.prepare): the same
 * check and client take-over as a synchronous transfer makes, and an end
 * the other side has left fails at once, as on Windows (nothing is
 * queued, no completion follows: test_overlapped_on_ended_pipe). */
static DWORD np_prepare(struct file_obj *f, bool write)
{
    struct np *np = np_of(f);
    if (!np)
        return ERROR_INVALID_HANDLE;
    int fd;
    DWORD err = np_io_ready(f, np);
    if (!err && !(err = np_fd(f, &fd)))
        err = np_ended(np, fd, write);
    if (err && st_value(obj_state(&f->hdr)))
        file_set_signaled(f, false);
    return err;
}

/* ---- reads and writes ---- */

static DWORD recv_error(int e, bool nowait)
{
    if (e == EAGAIN || e == EWOULDBLOCK)
        return nowait ? ERROR_NO_DATA : ERROR_IO_PENDING;
    if (e == ECONNRESET || e == EPIPE || e == ENOTCONN)
        return ERROR_BROKEN_PIPE;
    return ws_errno_to_win32(e);
}

/* Hands out the rest of a message read in part. */
static DWORD take_rest(struct np *np, char *buf, DWORD len, DWORD *done)
{
    size_t left = np->rest_len - np->rest_off;
    size_t n = left < len ? left : len;
    memcpy(buf, (char *)arena_ptr(np->rest) + np->rest_off, n);
    np->rest_off += (uint32_t)n;
    *done = (DWORD)n;
    if (np->rest_off == np->rest_len) {
        np_drop_rest(np);
        return ERROR_SUCCESS;
    }
    return np->read_mode == PIPE_READMODE_MESSAGE ? ERROR_MORE_DATA : ERROR_SUCCESS;
}

/* One message into buf (len bytes room); a longer one leaves its rest in
 * np->rest.  flags: 0 or MSG_DONTWAIT. */
static DWORD read_message(struct np *np, int fd, char *buf, DWORD len, int flags,
                          DWORD *done)
{
    *done = 0;
    ssize_t size = recv_retry(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);
    if (size < 0)
        return recv_error(errno, true);
    if (size == 0)
        return ERROR_BROKEN_PIPE; /* zero-length messages are not sent */
    if ((size_t)size <= len) {
        ssize_t n = recv_retry(fd, buf, len, MSG_DONTWAIT);
        if (n <= 0)
            return n == 0 ? ERROR_BROKEN_PIPE : recv_error(errno, true);
        *done = (DWORD)n;
        return ERROR_SUCCESS;
    }
    /* In the arena: another process's next read takes the rest. */
    char *m = arena_alloc((size_t)size);
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY; /* over 128 KiB: docs/COMPATIBILITY.md */
    ssize_t n = recv_retry(fd, m, (size_t)size, MSG_DONTWAIT);
    if (n <= 0) {
        arena_free(m, (size_t)size);
        return n == 0 ? ERROR_BROKEN_PIPE : recv_error(errno, true);
    }
    np->rest = arena_off(m);
    np->rest_cap = (uint32_t)size;
    np->rest_len = (uint32_t)n;
    np->rest_off = 0;
    return take_rest(np, buf, len, done);
}

/* Waits until fd is readable (data, a message or the end). */
static void wait_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
}

/* The start of a read or a write: the end's shared state, connected (or
 * the instance's state as an error), and this process's descriptor. */
static DWORD np_io_begin(struct file_obj *f, struct np **np, int *fd)
{
    if (!(*np = np_of(f)))
        return ERROR_INVALID_HANDLE;
    DWORD err = np_io_ready(f, *np);
    return err ? err : np_fd(f, fd);
}

static DWORD np_do_read(struct file_obj *f, void *vbuf, DWORD len, const int64_t *at,
                        DWORD *done)
{
    (void)at;
    char *buf = vbuf;
    struct np *np;
    int fd;
    *done = 0;
    DWORD err = np_io_begin(f, &np, &fd);
    if (err)
        return err;
    bool nowait = np->wait_mode == PIPE_NOWAIT;
    wordlock_lock(&np->lock);
    if (np->rest) {
        err = take_rest(np, buf, len, done);
        wordlock_unlock(&np->lock);
        return err;
    }
    wordlock_unlock(&np->lock);
    if (len == 0 || np->info.pipe_type == PIPE_TYPE_BYTE) {
        if (len == 0) {
            if (!nowait)
                wait_readable(fd);
            char c;
            ssize_t n = recv_retry(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
            if (n == 0)
                return ERROR_BROKEN_PIPE;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return nowait ? ERROR_NO_DATA : ERROR_SUCCESS;
            return n < 0 ? recv_error(errno, nowait) : ERROR_SUCCESS;
        }
        ssize_t n = recv_retry(fd, buf, len, nowait ? MSG_DONTWAIT : 0);
        if (n < 0)
            return recv_error(errno, nowait);
        if (n == 0)
            return ERROR_BROKEN_PIPE;
        *done = (DWORD)n;
        return ERROR_SUCCESS;
    }
    /* A message pipe: wait for a message, then take it under the lock. */
    if (!nowait)
        wait_readable(fd);
    wordlock_lock(&np->lock);
    if (np->rest) {
        err = take_rest(np, buf, len, done);
    } else {
        err = read_message(np, fd, buf, len, MSG_DONTWAIT, done);
        /* Byte read mode on a message pipe: boundaries do not count, so
         * more messages follow while there is room. */
        while (err == ERROR_SUCCESS && np->read_mode == PIPE_READMODE_BYTE &&
               *done < len && !np->rest) {
            DWORD more = 0;
            if (read_message(np, fd, buf + *done, len - *done, MSG_DONTWAIT, &more))
                break;
            *done += more;
        }
        if (err == ERROR_IO_PENDING) /* someone else took the message */
            err = ERROR_NO_DATA;
    }
    wordlock_unlock(&np->lock);
    if (err == ERROR_NO_DATA && !nowait)
        return np_do_read(f, vbuf, len, at, done);
    return err;
}

static DWORD np_read(struct file_obj *f, void *buf, DWORD len, const int64_t *at,
                     DWORD *done)
{
    DWORD err = np_do_read(f, buf, len, at, done);
    struct np *np = np_of(f);
    if (np)
        err = np_end_error(np, err, false);
    return f->flags & FILE_FLAG_OVERLAPPED ? err : np_sync_done(f, err);
}

static DWORD send_error(int e)
{
    if (e == EPIPE || e == ECONNRESET || e == ENOTCONN)
        return ERROR_NO_DATA;
    if (e == EMSGSIZE)
        return ERROR_NOT_ENOUGH_MEMORY;
    return ws_errno_to_win32(e);
}

static DWORD np_do_write(struct file_obj *f, const void *buf, DWORD len,
                         const int64_t *at, DWORD *done)
{
    (void)at;
    struct np *np;
    int fd;
    *done = 0;
    DWORD err = np_io_begin(f, &np, &fd);
    if (err)
        return err;
    bool nowait = np->wait_mode == PIPE_NOWAIT;
    int flags = MSG_NOSIGNAL | (nowait ? MSG_DONTWAIT : 0);
    if (len == 0) {
        /* Nothing is sent (a zero-length message cannot be told from the
         * end of the pipe here), but a pipe whose reader is gone fails. */
        struct pollfd p = {.fd = fd, .events = 0};
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)))
            return ERROR_NO_DATA;
        return ERROR_SUCCESS;
    }
    if (np->info.pipe_type == PIPE_TYPE_MESSAGE) {
        ssize_t n;
        do
            n = send(fd, buf, len, flags);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return nowait && (errno == EAGAIN || errno == EWOULDBLOCK) ? ERROR_SUCCESS
                                                                       : send_error(errno);
        *done = (DWORD)n;
        return ERROR_SUCCESS;
    }
    DWORD total = 0;
    while (total < len) {
        ssize_t n;
        do
            n = send(fd, (const char *)buf + total, len - total, flags);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (nowait && (errno == EAGAIN || errno == EWOULDBLOCK))
                break; /* PIPE_NOWAIT: what fits now */
            *done = total;
            return total ? ERROR_SUCCESS : send_error(errno);
        }
        total += (DWORD)n;
    }
    *done = total;
    return ERROR_SUCCESS;
}

static DWORD np_write(struct file_obj *f, const void *buf, DWORD len,
                      const int64_t *at, DWORD *done)
{
    DWORD err = np_do_write(f, buf, len, at, done);
    struct np *np = np_of(f);
    if (np)
        err = np_end_error(np, err, true);
    return f->flags & FILE_FLAG_OVERLAPPED ? err : np_sync_done(f, err);
}

static DWORD np_flush(struct file_obj *f)
{
    /* Windows waits until the other end has read everything; the data is
     * in the peer's socket buffer already, so there is nothing to push. */
    struct np *np = np_of(f);
    if (!np)
        return ERROR_INVALID_HANDLE;
    if (np->server && np->state != NP_CONNECTED)
        return np->state == NP_LISTENING ? ERROR_PIPE_LISTENING : ERROR_PIPE_NOT_CONNECTED;
    return ERROR_SUCCESS;
}

static DWORD np_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_PIPE;
}

/* The instance goes with its last handle: its socket is shut down (the
 * client sees the end of the pipe even if a forked child still holds the
 * fd), its files are removed, and the name with the last instance. */
static void np_last_close(struct file_obj *f)
{
    int fd = np_of(f) ? file_fd_of(f) : -1;
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

/* The opener lets go of its fd (its last handle went; other processes
 * may keep the end): the slot is given up with it, so that the instance
 * no longer counts and its name can go, and the listener's socket file
 * is removed (a client finds it gone).  Another process that keeps a
 * connected end goes on with its copy. */
static void np_let_go(struct file_obj *f)
{
    struct np *np = np_of(f);
    if (!np || !np->server)
        return;
    wordlock_lock(&np->lock);
    int slot_fd = np->slot_fd;
    np->slot_fd = -1;
    wordlock_unlock(&np->lock);
    if (slot_fd < 0)
        return;
    int info_fd;
    bool locked = info_lock(np->dir, false, LOCK_EX, &info_fd) == ERROR_SUCCESS;
    char path[128];
    snprintf(path, sizeof path, "%s/i%d", np->dir, np->slot);
    unlink(path);
    close(slot_fd); /* releases the slot */
    if (locked) {
        if (!slots_alive(np->dir, np->info.max_instances, NULL))
            name_remove(np->dir);
        close(info_fd);
    }
}

static void np_destroy(struct file_obj *f)
{
    struct np *np = np_of(f);
    if (!np)
        return;
    if (np->slot_fd >= 0 && proc_is_self(f->fd_pid, f->fd_tag))
        close(np->slot_fd);
    np_drop_rest(np);
    arena_free(np, sizeof *np);
    f->kstate = 0;
}

const struct file_ops npipe_file_ops = {
    .kind = FILE_KIND_NPIPE,
    .read = np_read,
    .write = np_write,
    .flush = np_flush,
    .prepare = np_prepare,
    .get_type = np_get_type,
    .last_close = np_last_close,
    .let_go = np_let_go,
    .destroy = np_destroy,
    TYPE_LAYOUT(np_layout),
};

static struct np *np_alloc(bool server, const struct np_info *info, const char *dir)
{
    struct np *np = calloc(1, sizeof *np);
    if (!np)
        return NULL;
    np->server = server;
    np->slot = -1;
    np->slot_fd = -1;
    np->info = *info;
    snprintf(np->dir, sizeof np->dir, "%s", dir);
    return np;
}

static DWORD np_insert(int fd, struct np *tmp, ACCESS_MASK access, DWORD flags,
                       bool inherit, HANDLE *out)
{
    struct file_obj *f;
    DWORD err = file_new(fd, &npipe_file_ops, access, flags & FILE_FLAG_OVERLAPPED, &f);
    /* The state moves into the arena, shared with every process that gets
     * a handle.  (After file_new, which has made sure the arena exists.) */
    struct np *np = err ? NULL : arena_alloc(sizeof *np);
    if (!err && !np) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr); /* closes fd */
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err) {
        if (tmp->slot_fd >= 0)
            close(tmp->slot_fd);
        free(tmp);
        return err;
    }
    memcpy(np, tmp, sizeof *np);
    free(tmp);
    f->kstate = arena_off(np);
    if (np->server)
        file_fd_repointed(f); /* its copies are checked from now on */
    if ((err = handle_insert(&f->hdr, f->access, inherit ? HANDLE_FLAG_INHERIT : 0, out))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
    }
    return err;
}

/* ---- CreateNamedPipe ---- */

#define NP_OPEN_VALID                                                        \
    (PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE | FILE_FLAG_WRITE_THROUGH | \
     FILE_FLAG_OVERLAPPED | WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY)
#define NP_MODE_VALID                                                        \
    (PIPE_NOWAIT | PIPE_READMODE_MESSAGE | PIPE_TYPE_MESSAGE | PIPE_REJECT_REMOTE_CLIENTS)

static DWORD create_named_pipe(const void *name, bool wide, DWORD open_mode,
                               DWORD pipe_mode, DWORD max, DWORD out_size,
                               DWORD in_size, DWORD timeout,
                               LPSECURITY_ATTRIBUTES sa, HANDLE *out)
{
    if (!(open_mode & PIPE_ACCESS_DUPLEX) || (open_mode & ~(DWORD)NP_OPEN_VALID) ||
        (pipe_mode & ~(DWORD)NP_MODE_VALID) || max < 1 || max > NP_SLOTS ||
        ((pipe_mode & PIPE_READMODE_MESSAGE) && !(pipe_mode & PIPE_TYPE_MESSAGE)))
        return ERROR_INVALID_PARAMETER;
    struct grant g;
    g.present = 0;
    DWORD err = sa && sa->lpSecurityDescriptor ? security_grant(sa, &file_type, &g) : 0;
    if (err)
        return err;
    bool shared = grant_reaches_others(&g);
    char dir[108];
    if ((err = rdv_path(name, wide, RDV_PIPE, shared ? RDV_SHARED_MAKE : RDV_OWN, 5, dir,
                        sizeof dir)))
        return err;
    struct np_info want = {
        .magic = NP_INFO_MAGIC,
        .open_mode = open_mode & PIPE_ACCESS_DUPLEX,
        .pipe_type = pipe_mode & PIPE_TYPE_MESSAGE,
        .max_instances = max,
        .out_size = out_size,
        .in_size = in_size,
        .timeout = timeout ? timeout : NP_DEFAULT_TIMEOUT,
    };
    int info_fd;
    if ((err = info_lock(dir, true, LOCK_EX, &info_fd)))
        return err;
    struct stat dst;
    if (shared && (lstat(dir, &dst) < 0 || dst.st_uid != geteuid())) {
        close(info_fd); /* another user's pipe: creating instances is his */
        return ERROR_ACCESS_DENIED;
    }
    struct np_info have;
    unsigned alive = 0;
    if (info_read(info_fd, &have))
        alive = slots_alive(dir, have.max_instances, NULL);
    if (alive) {
        /* Later instances take the first one's parameters and must agree
         * on the direction and the type. */
        if ((open_mode & FILE_FLAG_FIRST_PIPE_INSTANCE) ||
            have.open_mode != want.open_mode || have.pipe_type != want.pipe_type)
            err = ERROR_ACCESS_DENIED;
        else if (alive >= have.max_instances)
            err = ERROR_PIPE_BUSY;
        want = have;
    } else if (pwrite(info_fd, &want, sizeof want, 0) != (ssize_t)sizeof want ||
               (shared && pwrite(info_fd, &g, sizeof g, NP_GRANT_OFFSET) != (ssize_t)sizeof g)) {
        err = ws_errno_to_win32(errno);
    } else if (shared &&
               !(err = grant_apply(info_fd, NULL, &g, &file_type, geteuid(), 4)) &&
               chmod(dir, 0711) < 0) {
        err = ws_errno_to_win32(errno);
    }
    int slot_fd = -1, k = 0, lfd = -1;
    for (; !err && k < (int)want.max_instances; k++) {
        char path[128];
        snprintf(path, sizeof path, "%s/s%d", dir, k);
        slot_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (slot_fd < 0) {
            err = ws_errno_to_win32(errno);
            break;
        }
        if (flock(slot_fd, LOCK_EX | LOCK_NB) == 0) {
            /* Clients read a granted pipe's slots (WaitNamedPipe). */
            if (shared)
                err = grant_apply(slot_fd, NULL, &g, &file_type, geteuid(), 4);
            break;
        }
        close(slot_fd);
        slot_fd = -1;
    }
    if (!err && slot_fd < 0)
        err = ERROR_PIPE_BUSY;
    if (!err)
        err = sock_listen(dir, k, &want, &lfd);
    struct np *np = NULL;
    if (!err && !(np = np_alloc(true, &want, dir)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err) {
        np->slot = k;
        np->slot_fd = slot_fd;
        np->read_mode = pipe_mode & PIPE_READMODE_MESSAGE;
        np->wait_mode = pipe_mode & PIPE_NOWAIT;
        np->state = NP_LISTENING;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        np->id = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
                 ((uint64_t)getpid() << 44);
        np->cuts = 0;
        slot_write(slot_fd, np);
    } else {
        if (lfd >= 0)
            close(lfd);
        if (slot_fd >= 0)
            close(slot_fd);
        if (!alive)
            name_remove(dir);
    }
    close(info_fd);
    if (err)
        return err;
    ACCESS_MASK access = SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES |
                         FILE_WRITE_ATTRIBUTES;
    if (want.open_mode & PIPE_ACCESS_INBOUND)
        access |= FILE_READ_DATA | FILE_READ_EA;
    if (want.open_mode & PIPE_ACCESS_OUTBOUND)
        access |= FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA;
    return np_insert(lfd, np, access, open_mode, sa && sa->bInheritHandle, out);
}

WS_EXPORT HANDLE WINAPI CreateNamedPipeW(LPCWSTR name, DWORD open_mode,
                                         DWORD pipe_mode, DWORD max,
                                         DWORD out_size, DWORD in_size,
                                         DWORD timeout, LPSECURITY_ATTRIBUTES sa)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = create_named_pipe(name, true, open_mode, pipe_mode, max, out_size,
                                  in_size, timeout, sa, &h);
    return ws_handle(err, h);
}

WS_EXPORT HANDLE WINAPI CreateNamedPipeA(LPCSTR name, DWORD open_mode,
                                         DWORD pipe_mode, DWORD max,
                                         DWORD out_size, DWORD in_size,
                                         DWORD timeout, LPSECURITY_ATTRIBUTES sa)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = create_named_pipe(name, false, open_mode, pipe_mode, max, out_size,
                                  in_size, timeout, sa, &h);
    return ws_handle(err, h);
}

/* ---- the client end: CreateFile on \\.\pipe\name ---- */

bool npipe_is_name(const void *name, bool wide)
{
    if (!name)
        return false;
    WCHAR w[16];
    size_t i = 0;
    for (; i < 15; i++) {
        w[i] = wide ? ((const WCHAR *)name)[i] : (WCHAR)((const unsigned char *)name)[i];
        if (!w[i])
            break;
    }
    w[i] = 0;
    return prefix_is(w, "\\\\.\\pipe\\");
}

/* The name's directory and its info file, share-locked: the user's own
 * pipe of that name, else one granted in the shared base.  A granted
 * pipe the kernel keeps us out of is ERROR_ACCESS_DENIED. */
static DWORD name_find(const void *name, bool wide, char *dir, size_t cap, int *info_fd)
{
    DWORD err = rdv_path(name, wide, RDV_PIPE, RDV_OWN, 5, dir, cap);
    if (err)
        return err;
    if (!info_lock(dir, false, LOCK_SH, info_fd))
        return ERROR_SUCCESS;
    if (rdv_path(name, wide, RDV_PIPE, RDV_SHARED_LOOK, 5, dir, cap))
        return ERROR_FILE_NOT_FOUND;
    err = info_lock(dir, false, LOCK_SH, info_fd);
    return err == ERROR_ACCESS_DENIED ? err : err ? ERROR_FILE_NOT_FOUND : ERROR_SUCCESS;
}

DWORD npipe_open(const void *name, bool wide, ACCESS_MASK access, DWORD flags,
                 HANDLE *out)
{
    char dir[108];
    int info_fd;
    DWORD err = name_find(name, wide, dir, sizeof dir, &info_fd);
    if (err)
        return err == ERROR_INVALID_NAME ? ERROR_FILE_NOT_FOUND : err;
    struct np_info info;
    if (!info_read(info_fd, &info)) {
        close(info_fd);
        return ERROR_FILE_NOT_FOUND;
    }
    access = object_map_access(&file_type, access);
    if (dir_is_shared(dir) &&
        (err = grant_check_file(info_fd, NP_GRANT_OFFSET, &file_type, access))) {
        close(info_fd);
        return err;
    }
    /* The client reads what the server writes (outbound) and the reverse. */
    if (((access & FILE_READ_DATA) && !(info.open_mode & PIPE_ACCESS_OUTBOUND)) ||
        ((access & FILE_WRITE_DATA) && !(info.open_mode & PIPE_ACCESS_INBOUND))) {
        close(info_fd);
        return ERROR_ACCESS_DENIED;
    }
    int s = -1, k = 0;
    bool any = false;
    struct np_slot before;
    for (; k < (int)info.max_instances && s < 0; k++) {
        struct sockaddr_un a;
        if (sock_addr(dir, k, &a))
            break;
        slot_read(dir, k, &before, NULL);
        s = socket(AF_UNIX, sock_type(&info) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (s < 0) {
            err = ws_errno_to_win32(errno);
            break;
        }
        int r;
        do
            r = connect(s, (struct sockaddr *)&a, sizeof a);
        while (r < 0 && errno == EINTR);
        if (r == 0)
            break;
        int e = errno;
        close(s);
        s = -1;
        if (e == EACCES) { /* a granted pipe's socket the kernel keeps us from */
            err = ERROR_ACCESS_DENIED;
            break;
        }
        if (e == EAGAIN || e == EWOULDBLOCK || e == EINPROGRESS)
            any = true; /* listening, with a client queued already */
        else if (!any)
            /* Refused: connected or disconnected; no socket file: between
             * a new listener's unlink and bind.  Either way the slot's lock
             * says whether the instance exists. */
            any = slot_alive(dir, k, NULL);
    }
    struct np *np = s >= 0 ? np_alloc(false, &info, dir) : NULL;
    if (np)
        client_record(np, k, &before);
    close(info_fd);
    if (s < 0)
        return err ? err : any ? ERROR_PIPE_BUSY : ERROR_FILE_NOT_FOUND;
    int fl = fcntl(s, F_GETFL);
    if (fl >= 0)
        fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
    if (!np) {
        close(s);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    np->read_mode = PIPE_READMODE_BYTE; /* every client starts in byte mode */
    np->wait_mode = PIPE_WAIT;
    return np_insert(s, np, access | SYNCHRONIZE, flags, false, out);
}

/* ---- ConnectNamedPipe, DisconnectNamedPipe ---- */

/* A client taken at the call: connected, or ERROR_NO_DATA when it has gone
 * already (Windows: the client closed its end before the call). */
static DWORD connected_result(struct file_obj *f)
{
    struct pollfd p = {.fd = file_fd_of(f), .events = POLLIN | POLLRDHUP};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP)))
        return ERROR_NO_DATA;
    return ERROR_PIPE_CONNECTED;
}

/* The blocking part of ConnectNamedPipe, also run by overlapped.c's
 * workers once the listener is readable: OVERLAPPED_RETRY when another thread
 * took the client first. */
static DWORD connect_wait_op(struct file_obj *f)
{
    struct np *np = np_of(f);
    if (!np)
        return ERROR_INVALID_HANDLE;
    wordlock_lock(&np->lock);
    bool got = false;
    DWORD err = server_try_accept(f, np, &got);
    if (!err && !got)
        err = np->state == NP_LISTENING ? OVERLAPPED_RETRY : ERROR_SUCCESS;
    wordlock_unlock(&np->lock);
    return err;
}

WS_EXPORT BOOL WINAPI ConnectNamedPipe(HANDLE h, LPOVERLAPPED ov)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err)
        return ws_bool(err);
    struct np *np = np_of(f);
    if (!np || !np->server) {
        /* An anonymous pipe is a connected pipe (Windows makes it a named
         * pipe); a client end or another kind of file cannot listen. */
        err = f->kind == FILE_KIND_PIPE ? ERROR_PIPE_CONNECTED : ERROR_INVALID_FUNCTION;
        file_put(f);
        return ws_bool(err);
    }
    wordlock_lock(&np->lock);
    if (np->state != NP_CONNECTED && !file_is_opener(f)) {
        /* Listening again needs the opener's fd number (overlapped
         * workers poll it): docs/COMPATIBILITY.md. */
        err = ERROR_NOT_SUPPORTED;
    } else if (np->state == NP_DISCONNECTED) {
        int lfd;
        if (!(err = sock_listen(np->dir, np->slot, &np->info, &lfd))) {
            fd_replace(f, lfd);
            slot_set_state(f, np, NP_LISTENING);
        }
    } else if (np->state == NP_CONNECTED) {
        err = connected_result(f);
    } else {
        bool got;
        if (!(err = server_try_accept(f, np, &got)) && got)
            err = connected_result(f);
    }
    bool waiting = !err; /* only in the opener: the others are connected */
    wordlock_unlock(&np->lock);
    if (waiting && np->wait_mode == PIPE_NOWAIT)
        err = ERROR_PIPE_LISTENING;
    else if (waiting && (f->flags & FILE_FLAG_OVERLAPPED) && ov)
        err = overlapped_start_op(f, ov, connect_wait_op);
    else if (waiting) {
        do {
            wait_readable(f->fd);
            err = connect_wait_op(f);
        } while (err == OVERLAPPED_RETRY);
    }
    if (ov && !(f->flags & FILE_FLAG_OVERLAPPED) && !err) {
        ov->Internal = 0;
        ov->InternalHigh = 0;
        if (ov->hEvent)
            SetEvent(ov->hEvent);
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI DisconnectNamedPipe(HANDLE h)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err)
        return ws_bool(err);
    struct np *np = np_of(f);
    if (!np || !np->server) {
        /* A client end: Wine says ERROR_NOT_SUPPORTED (Windows unverified). */
        err = np ? ERROR_NOT_SUPPORTED : ERROR_INVALID_FUNCTION;
        file_put(f);
        return ws_bool(err);
    }
    /* Another process's copy of the connection (fetched before the lock:
     * a fetch may block on another process). */
    int fd = file_fd_of(f);
    wordlock_lock(&np->lock);
    bool got;
    err = server_try_accept(f, np, &got);
    if (!err && np->state == NP_LISTENING)
        err = ERROR_PIPE_LISTENING;
    else if (!err && np->state == NP_DISCONNECTED)
        err = ERROR_PIPE_NOT_CONNECTED; /* as Windows: nothing to cut */
    else if (!err && np->state == NP_CONNECTED) {
        /* The client's reads see the end, its writes fail; data not read
         * yet is discarded, as Windows does.  The cut is counted in the
         * slot file before the socket is shut, so that the client, once
         * it sees the end, finds it there (client_was_cut).  From another
         * process the opener's number keeps the shut connection until its
         * ConnectNamedPipe listens again. */
        if (fd < 0)
            err = ERROR_INVALID_HANDLE;
        if (!err) {
            np->cuts++;
            np_drop_rest(np);
            slot_set_state(f, np, NP_DISCONNECTED);
            shutdown(fd, SHUT_RDWR);
        }
        if (!err && file_is_opener(f))
            fd_replace(f, null_fd());
    }
    wordlock_unlock(&np->lock);
    file_put(f);
    return ws_bool(err);
}

/* ---- WaitNamedPipe, CallNamedPipe ---- */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static DWORD wait_named_pipe(const void *name, bool wide, DWORD timeout)
{
    char dir[108];
    DWORD err = rdv_path(name, wide, RDV_PIPE, RDV_OWN, 5, dir, sizeof dir);
    if (err)
        return err == ERROR_INVALID_NAME ? ERROR_PATH_NOT_FOUND : err; /* as Wine */
    int found_fd; /* the user's own pipe of the name, else a granted one */
    if (!name_find(name, wide, dir, sizeof dir, &found_fd))
        close(found_fd);
    uint64_t start = mono_ms();
    for (bool first = true;; first = false) {
        int info_fd;
        struct np_info info;
        bool listening = false;
        unsigned alive = 0;
        if (!info_lock(dir, false, LOCK_SH, &info_fd)) {
            if (info_read(info_fd, &info))
                alive = slots_alive(dir, info.max_instances, &listening);
            close(info_fd);
        }
        if (first && !alive)
            return ERROR_FILE_NOT_FOUND;
        if (listening)
            return ERROR_SUCCESS;
        if (first && timeout == NMPWAIT_USE_DEFAULT_WAIT)
            timeout = alive ? info.timeout : NP_DEFAULT_TIMEOUT;
        if (timeout != NMPWAIT_WAIT_FOREVER && mono_ms() - start >= timeout)
            return ERROR_SEM_TIMEOUT;
        struct timespec ts = {0, 2 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

WS_EXPORT BOOL WINAPI WaitNamedPipeW(LPCWSTR name, DWORD timeout)
{
    return ws_bool(wait_named_pipe(name, true, timeout));
}

WS_EXPORT BOOL WINAPI WaitNamedPipeA(LPCSTR name, DWORD timeout)
{
    return ws_bool(wait_named_pipe(name, false, timeout));
}

static BOOL call_named_pipe(const void *name, bool wide, LPVOID in, DWORD in_size,
                            LPVOID out, DWORD out_size, LPDWORD read, DWORD timeout)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err;
    for (int tries = 0;; tries++) {
        err = npipe_open(name, wide, GENERIC_READ | GENERIC_WRITE, 0, &h);
        if (err != ERROR_PIPE_BUSY || tries)
            break;
        if ((err = wait_named_pipe(name, wide, timeout)))
            break;
    }
    if (err)
        return ws_bool(err);
    DWORD mode = PIPE_READMODE_MESSAGE;
    BOOL ok = SetNamedPipeHandleState(h, &mode, NULL, NULL) &&
              TransactNamedPipe(h, in, in_size, out, out_size, read, NULL);
    err = ok ? ERROR_SUCCESS : GetLastError();
    CloseHandle(h);
    if (err == ERROR_MORE_DATA)
        return ws_bool(err); /* the rest of the message is discarded */
    return ok ? TRUE : ws_bool(err);
}

WS_EXPORT BOOL WINAPI CallNamedPipeW(LPCWSTR name, LPVOID in, DWORD in_size,
                                     LPVOID out, DWORD out_size, LPDWORD read,
                                     DWORD timeout)
{
    return call_named_pipe(name, true, in, in_size, out, out_size, read, timeout);
}

WS_EXPORT BOOL WINAPI CallNamedPipeA(LPCSTR name, LPVOID in, DWORD in_size,
                                     LPVOID out, DWORD out_size, LPDWORD read,
                                     DWORD timeout)
{
    return call_named_pipe(name, false, in, in_size, out, out_size, read, timeout);
}

/* ---- TransactNamedPipe ---- */

WS_EXPORT BOOL WINAPI TransactNamedPipe(HANDLE h, LPVOID in, DWORD in_size,
                                        LPVOID out, DWORD out_size, LPDWORD read,
                                        LPOVERLAPPED ov)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    struct np *np = np_of(f);
    DWORD done = 0;
    if (read)
        *read = 0;
    if (!np)
        err = f->kind == FILE_KIND_PIPE ? ERROR_BAD_PIPE : ERROR_INVALID_FUNCTION;
    else if ((granted & (FILE_READ_DATA | FILE_WRITE_DATA)) !=
             (FILE_READ_DATA | FILE_WRITE_DATA))
        err = ERROR_ACCESS_DENIED;
    else if (np->info.pipe_type != PIPE_TYPE_MESSAGE ||
             np->read_mode != PIPE_READMODE_MESSAGE)
        err = ERROR_BAD_PIPE;
    else if ((f->flags & FILE_FLAG_OVERLAPPED) && !ov)
        err = ERROR_INVALID_PARAMETER;
    else if (!(err = np_io_ready(f, np))) {
        /* Unread data in the pipe: the transaction cannot start. */
        char c;
        int fd;
        if (!(err = np_fd(f, &fd)) &&
            (np->rest || recv_retry(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0))
            err = ERROR_PIPE_BUSY;
    }
    if (!err)
        err = np_write(f, in, in_size, NULL, &done);
    if (!err) {
        if ((f->flags & FILE_FLAG_OVERLAPPED))
            err = overlapped_start(f, out, out_size, ov, false, &done);
        else
            err = np_read(f, out, out_size, NULL, &done);
        if (read && (!err || err == ERROR_MORE_DATA))
            *read = done;
    }
    file_put(f);
    return ws_bool(err);
}

/* ---- state and information ---- */

static DWORD np_get(HANDLE h, ACCESS_MASK need, struct file_obj **fo, struct np **npo)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return err;
    struct np *np = np_of(f);
    if (!np) {
        file_put(f);
        return ERROR_INVALID_FUNCTION;
    }
    if ((granted & need) != need) {
        file_put(f);
        return ERROR_ACCESS_DENIED;
    }
    *fo = f;
    *npo = np;
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI SetNamedPipeHandleState(HANDLE h, LPDWORD mode,
                                              LPDWORD max_collection,
                                              LPDWORD collect_timeout)
{
    struct file_obj *f;
    struct np *np;
    DWORD err = np_get(h, FILE_WRITE_ATTRIBUTES, &f, &np);
    if (err)
        return ws_bool(err);
    /* Collection applies to the client end of a remote byte pipe only;
     * every pipe here is local. */
    if (max_collection || collect_timeout)
        err = ERROR_INVALID_PARAMETER;
    else if (mode && ((*mode & ~(DWORD)(PIPE_READMODE_MESSAGE | PIPE_NOWAIT)) ||
                      ((*mode & PIPE_READMODE_MESSAGE) &&
                       np->info.pipe_type != PIPE_TYPE_MESSAGE)))
        err = ERROR_INVALID_PARAMETER;
    else if (mode) {
        wordlock_lock(&np->lock);
        np->read_mode = *mode & PIPE_READMODE_MESSAGE;
        np->wait_mode = *mode & PIPE_NOWAIT;
        wordlock_unlock(&np->lock);
    }
    file_put(f);
    return ws_bool(err);
}

static unsigned np_instances(struct np *np)
{
    int info_fd;
    unsigned n = 0;
    if (!info_lock(np->dir, false, LOCK_SH, &info_fd)) {
        n = slots_alive(np->dir, np->info.max_instances, NULL);
        close(info_fd);
    }
    return n;
}

static BOOL get_handle_state(HANDLE h, LPDWORD state, LPDWORD instances,
                             LPDWORD max_collection, LPDWORD collect_timeout,
                             void *user, DWORD user_size, bool wide)
{
    (void)user_size;
    (void)wide;
    struct file_obj *f;
    struct np *np;
    DWORD err = np_get(h, FILE_READ_ATTRIBUTES, &f, &np);
    if (err)
        return ws_bool(err);
    if (max_collection || collect_timeout)
        err = ERROR_INVALID_PARAMETER; /* local pipes have no collection */
    else if (user)
        err = ERROR_NOT_SUPPORTED; /* impersonation: not available */
    else {
        if (state)
            *state = np->read_mode | np->wait_mode;
        if (instances)
            *instances = np_instances(np);
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetNamedPipeHandleStateA(HANDLE h, LPDWORD state,
                                               LPDWORD instances,
                                               LPDWORD max_collection,
                                               LPDWORD collect_timeout,
                                               LPSTR user, DWORD user_size)
{
    return get_handle_state(h, state, instances, max_collection, collect_timeout,
                            user, user_size, false);
}

WS_EXPORT BOOL WINAPI GetNamedPipeHandleStateW(HANDLE h, LPDWORD state,
                                               LPDWORD instances,
                                               LPDWORD max_collection,
                                               LPDWORD collect_timeout,
                                               LPWSTR user, DWORD user_size)
{
    return get_handle_state(h, state, instances, max_collection, collect_timeout,
                            user, user_size, true);
}

/* GetNamedPipeInfo's outputs, each optional. */
static void put_pipe_info(LPDWORD flags, LPDWORD out_size, LPDWORD in_size, LPDWORD max_instances,
                          DWORD f, DWORD out, DWORD in, DWORD max)
{
    if (flags)
        *flags = f;
    if (out_size)
        *out_size = out;
    if (in_size)
        *in_size = in;
    if (max_instances)
        *max_instances = max;
}

/* GetNamedPipeInfo of an anonymous pipe: Windows makes the read end the
 * server end of a one-instance byte pipe. */
static DWORD anon_pipe_info(HANDLE h, LPDWORD flags, LPDWORD out_size,
                            LPDWORD in_size, LPDWORD max_instances)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return err;
    if (f->kind != FILE_KIND_PIPE) {
        file_put(f);
        return ERROR_INVALID_FUNCTION;
    }
    int fd = file_fd(&f->hdr);
    int size = fd >= 0 ? fcntl(fd, F_GETPIPE_SZ) : -1;
    DWORD bytes = size > 0 ? (DWORD)size : 0;
    put_pipe_info(flags, out_size, in_size, max_instances,
                  (granted & FILE_READ_DATA) ? PIPE_SERVER_END : PIPE_CLIENT_END, bytes, bytes, 1);
    file_put(f);
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI GetNamedPipeInfo(HANDLE h, LPDWORD flags, LPDWORD out_size,
                                       LPDWORD in_size, LPDWORD max_instances)
{
    struct file_obj *f;
    struct np *np;
    DWORD err = np_get(h, FILE_READ_ATTRIBUTES, &f, &np);
    if (err == ERROR_INVALID_FUNCTION)
        return ws_bool(anon_pipe_info(h, flags, out_size, in_size, max_instances));
    if (err)
        return ws_bool(err);
    put_pipe_info(flags, out_size, in_size, max_instances,
                  (np->server ? PIPE_SERVER_END : PIPE_CLIENT_END) | np->info.pipe_type,
                  np->info.out_size, np->info.in_size, np->info.max_instances);
    file_put(f);
    return TRUE;
}

static BOOL peer_pid(HANDLE h, bool want_server, PULONG pid)
{
    struct file_obj *f;
    struct np *np;
    DWORD err = np_get(h, 0, &f, &np);
    if (err)
        return ws_bool(err);
    if (!pid)
        err = ERROR_INVALID_PARAMETER;
    else if (np->server && !want_server) {
        wordlock_lock(&np->lock);
        bool got;
        err = server_try_accept(f, np, &got);
        if (!err && np->state != NP_CONNECTED)
            err = ERROR_PIPE_NOT_CONNECTED;
        wordlock_unlock(&np->lock);
    }
    if (!err) {
        int fd = -1;
        if (np->server && want_server) {
            *pid = f->fd_pid; /* the instance's creator */
        } else {
            struct ucred cred;
            socklen_t len = sizeof cred;
            if (np_fd(f, &fd) || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                err = ERROR_PIPE_NOT_CONNECTED;
            else
                *pid = (ULONG)cred.pid;
        }
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetNamedPipeClientProcessId(HANDLE h, PULONG pid)
{
    struct file_obj *f;
    struct np *np;
    DWORD err = np_get(h, 0, &f, &np);
    if (err)
        return ws_bool(err);
    bool server = np->server;
    uint32_t opener = f->fd_pid;
    file_put(f);
    if (!server) {
        /* A client end: the process that opened it. */
        if (!pid)
            return ws_bool(ERROR_INVALID_PARAMETER);
        *pid = opener;
        return TRUE;
    }
    return peer_pid(h, false, pid);
}

WS_EXPORT BOOL WINAPI GetNamedPipeServerProcessId(HANDLE h, PULONG pid)
{
    return peer_pid(h, true, pid);
}

/* ---- PeekNamedPipe (pipe.c calls this for named pipes) ---- */

DWORD npipe_peek(struct file_obj *f, void *buf, DWORD size, DWORD *copied,
                 DWORD *avail, DWORD *left)
{
    struct np *np = np_of(f);
    *copied = *avail = *left = 0;
    if (!np)
        return ERROR_INVALID_HANDLE;
    DWORD err = np_io_ready(f, np);
    if (err == ERROR_PIPE_LISTENING || err == ERROR_PIPE_NOT_CONNECTED)
        return ERROR_BAD_PIPE; /* a server end with no client: as Windows */
    int fd;
    if (err || (err = np_fd(f, &fd)))
        return err;
    wordlock_lock(&np->lock);
    int inq = 0;
    if (ioctl(fd, FIONREAD, &inq) < 0)
        inq = 0;
    size_t rest = np->rest ? (size_t)(np->rest_len - np->rest_off) : 0;
    *avail = (DWORD)(rest + (size_t)inq);
    size_t msg = rest;
    if (!rest && inq > 0) {
        ssize_t n = recv_retry(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        msg = n > 0 ? (size_t)n : 0;
    }
    if (!*avail) {
        struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP)))
            err = np_end_error(np, ERROR_BROKEN_PIPE, false);
    }
    if (!err && buf && size) {
        if (rest) {
            size_t n = rest < size ? rest : size;
            memcpy(buf, (char *)arena_ptr(np->rest) + np->rest_off, n);
            *copied = (DWORD)n;
        } else if (inq > 0) {
            ssize_t n = recv_retry(fd, buf, size, MSG_PEEK | MSG_DONTWAIT);
            *copied = n > 0 ? (DWORD)n : 0;
        }
    }
    if (np->info.pipe_type == PIPE_TYPE_MESSAGE && msg)
        *left = (DWORD)(msg - *copied);
    wordlock_unlock(&np->lock);
    return err;
}
