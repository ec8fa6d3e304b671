/*
 * Change notification objects (FindFirstChangeNotification): a waitable
 * object that becomes signalled when something the filter names changes in
 * a directory (and, with bWatchSubtree, in every directory below it).
 *
 * States (value of the state word): 0 waiting for a change, 1 a change was
 * seen.  A wait does not reset it (like a manual-reset event);
 * FindNextChangeNotification does, and asks for the next change.  Changes
 * that happen while the object is already signalled are merged into that
 * one signal.
 *
 * Backing: one inotify fd per object with one watch per directory (the
 * root, plus every subdirectory for a subtree watch; directories created
 * or moved in later get a watch when their event is read).  inotify is not
 * recursive, so a directory created and filled between two reads of the
 * watcher may miss the events of its first files; the creation itself
 * still signals.  The fd and the wd table are process-private (the arena
 * is shared, an fd is not; (pid, tag) names the process, proc_is_self): struct change_priv, reached through
 * `priv`, exists only in the creating process.
 *
 * The watcher: one thread per process (started with the first object)
 * sleeps in epoll_wait over every object's inotify fd, reads the events,
 * and signals the objects through the wait core (event_set-like, under
 * wait_lock).  watch_lock guards the epoll registration and every
 * change_priv: the watcher holds it while it handles an object's events,
 * and the last handle's close unregisters the object under it, so the
 * watcher never touches an object after its last handle is gone.  The
 * registration holds one reference on the object.
 *
 * Lock order: watch_lock, then an object's wait lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "core/wait.h"
#include "io/device.h"
#include "io/file.h"
#include "io/overlapped.h"
#include "io/path.h"
#include "sync/sync.h"

#define CHANGE_VALID_FILTER                                                   \
    (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |             \
     FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SIZE |                \
     FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_LAST_ACCESS |         \
     FILE_NOTIFY_CHANGE_CREATION | FILE_NOTIFY_CHANGE_SECURITY)

struct change_obj {
    struct object hdr;
    uint32_t filter;  /* FILE_NOTIFY_CHANGE_*, fixed at creation */
    uint32_t subtree; /* bWatchSubtree */
    /* Process-private (see the top of the file): only process `pid` may
     * use priv. */
    uint32_t pid;
    uint32_t tag;     /* shm_self_tag() of process pid */
    void *priv;       /* struct change_priv */
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t change_layout[] = {
    LAYOUT_SIZE(struct change_obj),
    LAYOUT_FIELD(struct change_obj, filter),
    LAYOUT_FIELD(struct change_obj, subtree),
    LAYOUT_FIELD(struct change_obj, pid),
    LAYOUT_FIELD(struct change_obj, tag),
    LAYOUT_FIELD(struct change_obj, priv),
};

struct change_wd {
    int wd;
    char *path; /* malloc()ed; needed to watch new subdirectories */
};

struct change_priv {
    int ifd;
    bool registered; /* in the watcher's epoll set, holding a reference */
    struct change_wd *wds;
    size_t nwds, cap;
};

static bool access_parent_exists(const char *path);
struct dirwatch;
struct dreq;
#define DW_TAG 1u /* low bit of a dirwatch pointer in the epoll data */
static void dw_drain(struct dirwatch *w, struct dreq **done);
static void dreq_complete_all(struct dreq *list);

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static int watch_epoll = -1;
static bool watch_started;

/* ---- the object type ---- */

static bool change_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t change_acquire(const struct object *o, uint64_t s, uint32_t tid,
                               bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s; /* only FindNextChangeNotification resets */
}

static void priv_free(struct change_priv *p)
{
    if (!p)
        return;
    if (p->ifd >= 0)
        close(p->ifd);
    for (size_t i = 0; i < p->nwds; i++)
        free(p->wds[i].path);
    free(p->wds);
    free(p);
}

/* The last handle went: stop watching.  The watcher drops its reference. */
static void change_last_close(struct object *o)
{
    struct change_obj *c = (struct change_obj *)o;
    if (!proc_is_self(c->pid, c->tag))
        return;
    pthread_mutex_lock(&watch_lock);
    struct change_priv *p = c->priv;
    bool drop = p && p->registered;
    if (drop) {
        epoll_ctl(watch_epoll, EPOLL_CTL_DEL, p->ifd, NULL);
        p->registered = false;
    }
    c->priv = NULL;
    pthread_mutex_unlock(&watch_lock);
    priv_free(p);
    if (drop)
        object_unref(o);
}

static void change_destroy(struct object *o)
{
    struct change_obj *c = (struct change_obj *)o;
    if (proc_is_self(c->pid, c->tag) && c->priv) {
        priv_free(c->priv); /* never registered (creation failed) */
        c->priv = NULL;
    }
}

const struct object_type change_type = {
    .name = "ChangeNotification",
    .id = TYPE_CHANGE,
    .size = sizeof(struct change_obj),
    .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                FILE_ALL_ACCESS},
    .valid_access = FILE_ALL_ACCESS,
    .signaled = change_signaled,
    .acquire = change_acquire,
    .last_close = change_last_close,
    .destroy = change_destroy,
    TYPE_LAYOUT(change_layout),
};

/* Sets the value (1 signal, 0 reset) and hands the object to waiters. */
static void change_set_value(struct object *o, uint32_t value)
{
    struct wait_guard g;
    wait_lock(o, &g);
    obj_store_locked(o, st_with_value(obj_state(o), value));
    if (value)
        wait_wake_locked(o, &g);
    wait_unlock(o, &g);
}

/* ---- watches ---- */

/* The inotify events a filter needs.  A subtree watch also needs directory
 * creations and moves to follow new directories. */
static uint32_t change_mask(uint32_t filter, bool subtree)
{
    uint32_t m = 0;
    if (filter & (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME))
        m |= IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
    if (filter & (FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SECURITY))
        m |= IN_ATTRIB;
    if (filter & (FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE))
        m |= IN_MODIFY | IN_CLOSE_WRITE;
    if (filter & FILE_NOTIFY_CHANGE_LAST_ACCESS)
        m |= IN_ACCESS;
    if (filter & FILE_NOTIFY_CHANGE_CREATION)
        m |= IN_CREATE | IN_MOVED_TO;
    if (subtree)
        m |= IN_CREATE | IN_MOVED_TO;
    return m | IN_ONLYDIR | IN_DONT_FOLLOW;
}

/* Does one event of a child of a watched directory match the filter? */
static bool change_matches(uint32_t filter, uint32_t mask)
{
    bool dir = mask & IN_ISDIR;
    const uint32_t names = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
    if ((mask & names) && (filter & (dir ? FILE_NOTIFY_CHANGE_DIR_NAME
                                         : FILE_NOTIFY_CHANGE_FILE_NAME)))
        return true;
    if ((mask & (IN_CREATE | IN_MOVED_TO)) && (filter & FILE_NOTIFY_CHANGE_CREATION))
        return true;
    if ((mask & IN_ATTRIB) &&
        (filter & (FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SECURITY)))
        return true;
    if ((mask & (IN_MODIFY | IN_CLOSE_WRITE)) &&
        (filter & (FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE)))
        return true;
    if ((mask & IN_ACCESS) && (filter & FILE_NOTIFY_CHANGE_LAST_ACCESS))
        return true;
    return false;
}

/* Adds a watch on path (and, for a subtree, on every directory below).
 * Only the root's failure is reported: a subdirectory may vanish meanwhile. */
static DWORD watch_add(struct change_priv *p, const char *path, uint32_t mask,
                       bool subtree, bool root)
{
    int wd = inotify_add_watch(p->ifd, path, mask);
    if (wd < 0) {
        if (!root)
            return ERROR_SUCCESS;
        switch (errno) {
        case ENOTDIR:
            return ERROR_DIRECTORY;
        case ENOSPC:
            return ERROR_NOT_ENOUGH_QUOTA;
        default:
            return ws_errno_to_win32(errno);
        }
    }
    if (!subtree)
        return ERROR_SUCCESS;
    if (p->nwds == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct change_wd *n = realloc(p->wds, cap * sizeof *n);
        if (!n)
            return ERROR_NOT_ENOUGH_MEMORY;
        p->wds = n;
        p->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return ERROR_NOT_ENOUGH_MEMORY;
    p->wds[p->nwds++] = (struct change_wd){wd, copy};
    DIR *d = opendir(path);
    if (!d)
        return ERROR_SUCCESS;
    struct dirent *e;
    DWORD err = ERROR_SUCCESS;
    while (!err && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
            continue;
        char sub[PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub)
            continue;
        struct stat st;
        if (e->d_type == DT_UNKNOWN && (lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode)))
            continue;
        err = watch_add(p, sub, mask, true, false);
    }
    closedir(d);
    return err;
}

static const char *watch_path(struct change_priv *p, int wd)
{
    for (size_t i = 0; i < p->nwds; i++)
        if (p->wds[i].wd == wd)
            return p->wds[i].path;
    return NULL;
}

/* Reads every pending event of one object; under watch_lock. */
static void change_drain(struct change_obj *c, struct change_priv *p)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool hit = false;
    for (;;) {
        ssize_t n = read(p->ifd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *q = buf; q < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)q;
            q += sizeof *ev + ev->len;
            if (!ev->len)
                continue; /* the watched directory itself, or IN_IGNORED */
            if (c->subtree && (ev->mask & IN_ISDIR) &&
                (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                const char *parent = watch_path(p, ev->wd);
                char sub[PATH_MAX];
                if (parent &&
                    (size_t)snprintf(sub, sizeof sub, "%s/%s", parent, ev->name) < sizeof sub)
                    watch_add(p, sub, change_mask(c->filter, true), true, false);
            }
            if (change_matches(c->filter, ev->mask))
                hit = true;
        }
    }
    if (hit)
        change_set_value(&c->hdr, 1);
}

static void *watcher_main(void *arg)
{
    (void)arg;
    struct epoll_event evs[16];
    for (;;) {
        int n = epoll_wait(watch_epoll, evs, 16, -1);
        if (n < 0)
            continue; /* EINTR */
        struct dreq *done = NULL;
        pthread_mutex_lock(&watch_lock);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 & DW_TAG) { /* a ReadDirectoryChangesW collection */
                dw_drain((struct dirwatch *)(uintptr_t)(evs[i].data.u64 & ~(uint64_t)DW_TAG),
                         &done);
                continue;
            }
            struct change_obj *c = evs[i].data.ptr;
            /* Still registered: its last handle has not gone (the
             * unregistration is under this lock). */
            struct change_priv *p = c->priv;
            if (p && p->registered)
                change_drain(c, p);
        }
        pthread_mutex_unlock(&watch_lock);
        dreq_complete_all(done);
    }
    return NULL;
}

static void watcher_atfork_child(void)
{
    /* The watcher thread does not exist in a child; the objects the
     * parent registered belong to the parent (their pid says so). */
    pthread_mutex_init(&watch_lock, NULL);
    if (watch_epoll >= 0)
        close(watch_epoll);
    watch_epoll = -1;
    watch_started = false;
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void watcher_atfork_prepare(void)
{
    pthread_mutex_lock(&watch_lock);
}

static void watcher_atfork_parent(void)
{
    pthread_mutex_unlock(&watch_lock);
}

static void watcher_atfork_register(void)
{
    pthread_atfork(watcher_atfork_prepare, watcher_atfork_parent,
                   watcher_atfork_child);
}

/* Under watch_lock. */
static DWORD watcher_start_locked(void)
{
    if (watch_started)
        return ERROR_SUCCESS;
    watch_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (watch_epoll < 0)
        return ws_errno_to_win32(errno);
    int rc = service_thread_start(watcher_main, NULL, 0);
    if (rc) {
        close(watch_epoll);
        watch_epoll = -1;
        return ws_errno_to_win32(rc);
    }
    watch_started = true;
    return ERROR_SUCCESS;
}

/* ---- creation ---- */

static DWORD change_create(const char *path, BOOL subtree, DWORD filter,
                           HANDLE *out)
{
    if (!filter || (filter & ~CHANGE_VALID_FILTER))
        return ERROR_INVALID_PARAMETER;
    struct stat st;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? (access_parent_exists(path) ? ERROR_FILE_NOT_FOUND
                                                            : ERROR_PATH_NOT_FOUND)
                               : ws_errno_to_win32(errno);
    if (!S_ISDIR(st.st_mode))
        return ERROR_DIRECTORY;

    struct change_priv *p = calloc(1, sizeof *p);
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    p->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (p->ifd < 0) {
        DWORD err = errno == EMFILE ? ERROR_TOO_MANY_OPEN_FILES
                                    : ws_errno_to_win32(errno);
        free(p);
        return err;
    }
    DWORD err = watch_add(p, path, change_mask(filter, subtree), subtree, true);
    if (err) {
        priv_free(p);
        return err;
    }
    struct object *o = object_new(&change_type, 0, 0, &err);
    if (!o) {
        priv_free(p);
        return err;
    }
    struct change_obj *c = (struct change_obj *)o;
    c->filter = filter;
    c->subtree = subtree ? 1 : 0;
    c->pid = file_pid();
    c->tag = shm_self_tag();
    c->priv = p;
    object_handle_open(o);

    pthread_once(&atfork_once, watcher_atfork_register);
    pthread_mutex_lock(&watch_lock);
    err = watcher_start_locked();
    if (!err) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        object_ref(o); /* the watcher's */
        if (epoll_ctl(watch_epoll, EPOLL_CTL_ADD, p->ifd, &ev) < 0) {
            err = ws_errno_to_win32(errno);
            object_unref(o);
        } else {
            p->registered = true;
        }
    }
    pthread_mutex_unlock(&watch_lock);
    if (!err)
        err = handle_insert(o, SYNCHRONIZE | FILE_LIST_DIRECTORY, 0, out);
    if (err) {
        object_handle_close(o); /* unregisters through last_close */
        object_unref(o);
    }
    return err;
}

/* Whether the directory that would hold path exists: a missing last
 * component is ERROR_FILE_NOT_FOUND, a missing directory on the way
 * ERROR_PATH_NOT_FOUND, as Windows reports them. */
static bool access_parent_exists(const char *path)
{
    char tmp[PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return false;
    memcpy(tmp, path, n + 1);
    while (n > 1 && tmp[n - 1] == '/')
        tmp[--n] = 0;
    char *slash = strrchr(tmp, '/');
    if (!slash)
        return true; /* relative name in the current directory */
    if (slash == tmp)
        slash[1] = 0;
    else
        *slash = 0;
    struct stat st;
    return stat(tmp, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- the exported functions ---- */

static HANDLE change_first(const char *path, BOOL subtree, DWORD filter)
{
    HANDLE h = NULL;
    DWORD err = change_create(path, subtree, filter, &h);
    return ws_handle(err, h);
}

/* The directory as a Unix path, through path.c's drive mapping; NULL and
 * "" are ERROR_PATH_NOT_FOUND, as Windows gives. */
static HANDLE change_first_path(const void *path, bool wide, BOOL subtree, DWORD filter)
{
    bool empty = !path || (wide ? !*(const WCHAR *)path : !*(const char *)path);
    struct upath p;
    DWORD err = empty ? ERROR_PATH_NOT_FOUND : path_from(path, wide, 0, &p);
    if (err) {
        ws_set_last_error(err);
        return INVALID_HANDLE_VALUE;
    }
    HANDLE h = change_first(p.buf, subtree, filter);
    path_free(&p);
    return h;
}

WS_EXPORT HANDLE WINAPI FindFirstChangeNotificationA(LPCSTR path, BOOL subtree,
                                                     DWORD filter)
{
    return change_first_path(path, false, subtree, filter);
}

WS_EXPORT HANDLE WINAPI FindFirstChangeNotificationW(LPCWSTR path, BOOL subtree,
                                                     DWORD filter)
{
    return change_first_path(path, true, subtree, filter);
}

WS_EXPORT BOOL WINAPI FindNextChangeNotification(HANDLE h)
{
    struct object *o = NULL;
    DWORD err = handle_ref(h, &change_type, 0, &o, NULL);
    if (err)
        return ws_bool(err);
    change_set_value(o, 0);
    /* Events already read stay merged into the signal just cleared; any
     * not yet read signal again when the watcher reads them. */
    object_unref(o);
    return TRUE;
}

/* Windows closes whatever handle it is given here, as CloseHandle does
 * (checked under Wine: an event handle is closed too). */
WS_EXPORT BOOL WINAPI FindCloseChangeNotification(HANDLE h)
{
    return CloseHandle(h);
}

/* ---- ReadDirectoryChangesW ----
 *
 * A directory handle (CreateFile with FILE_FLAG_BACKUP_SEMANTICS) starts
 * collecting changes at its first ReadDirectoryChangesW, as on Windows,
 * with that call's filter, subtree flag and buffer size (the size of the
 * buffer Windows keeps between calls).  The collection (struct dirwatch,
 * process-private, malloc) has its own inotify fd in the watcher's epoll
 * set (tagged DW_TAG in the epoll data so that the watcher tells it from a
 * change object), the records not yet delivered, and the requests waiting
 * for records (FIFO).  When records arrive and a request waits, the
 * request takes them all: FILE_NOTIFY_INFORMATION entries, each at a
 * DWORD-aligned offset, FileName relative to the watched directory with
 * backslashes, in bytes, no terminator.  Records that do not fit the
 * request's buffer -- or that overflowed the kept buffer meanwhile -- are
 * dropped and the request ends with ERROR_NOTIFY_ENUM_DIR and 0 bytes.
 *
 * inotify to actions: IN_CREATE / an unpaired IN_MOVED_TO -> ADDED;
 * IN_DELETE / an unpaired IN_MOVED_FROM -> REMOVED; IN_MOVED_FROM followed
 * by its IN_MOVED_TO (same cookie) -> RENAMED_OLD_NAME + RENAMED_NEW_NAME;
 * IN_MODIFY, IN_ATTRIB, IN_ACCESS -> MODIFIED (as the filter allows).
 *
 * Everything is under watch_lock; completions (event, port packet, APC,
 * or the synchronous caller's semaphore) run after it is released.  The
 * collection ends when the directory's last handle closes
 * (change_dir_closed, from overlapped_file_closed): waiting requests end
 * with ERROR_OPERATION_ABORTED.  CancelIo(Ex) reaches them through
 * change_dir_cancel.
 */

#define NT_NOTIFY_ENUM_DIR 0x0000010Cu

struct drec {
    DWORD action;
    uint32_t bytes;   /* of name */
    WCHAR *name;
};

struct dreq {
    struct dreq *next;
    struct file_obj *f;        /* a reference */
    void *buf;
    DWORD len;
    uint32_t tid;
    LPOVERLAPPED ov;           /* NULL: a synchronous call */
    struct object *event;      /* referenced, or NULL */
    aoff_t port;
    ULONG_PTR key;
    LPOVERLAPPED_COMPLETION_ROUTINE routine;
    struct object *thread;
    struct apc apc;
    /* Synchronous calls: the caller sleeps on sem and reads these. */
    struct object *sem;
    DWORD err, done;
};

struct dirwatch {
    struct dirwatch *next;     /* dw_list */
    struct file_obj *f;        /* not referenced: removed at its last close */
    struct change_priv p;
    char *root;
    size_t rootlen;
    uint32_t filter;
    bool subtree;
    DWORD keep;                /* the first call's buffer size */
    struct drec *recs;
    size_t nrecs, cap;
    size_t bytes;              /* the records' FILE_NOTIFY_INFORMATION size */
    bool overflow;
    uint32_t from_cookie;      /* an IN_MOVED_FROM waiting for its pair */
    struct drec from;
    struct dreq *reqs, *reqs_tail;
};

static struct dirwatch *dw_list; /* under watch_lock */

static size_t rec_size(uint32_t name_bytes)
{
    return (offsetof(FILE_NOTIFY_INFORMATION, FileName) + name_bytes + 3) & ~(size_t)3;
}

static void recs_clear(struct dirwatch *w)
{
    for (size_t i = 0; i < w->nrecs; i++)
        free(w->recs[i].name);
    w->nrecs = 0;
    w->bytes = 0;
    w->overflow = false;
}

/* Appends a record (takes name). */
static void rec_add(struct dirwatch *w, DWORD action, WCHAR *name, uint32_t bytes)
{
    if (!name)
        return;
    if (w->overflow || w->bytes + rec_size(bytes) > w->keep) {
        w->overflow = true; /* the kept buffer is full: rescan */
        free(name);
        return;
    }
    if (w->nrecs == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct drec *n = realloc(w->recs, cap * sizeof *n);
        if (!n) {
            w->overflow = true;
            free(name);
            return;
        }
        w->recs = n;
        w->cap = cap;
    }
    w->recs[w->nrecs++] = (struct drec){action, bytes, name};
    w->bytes += rec_size(bytes);
}

/* The UTF-16 name of ev relative to the root, backslashes between parts. */
static WCHAR *rel_name(struct dirwatch *w, int wd, const char *name, uint32_t *bytes)
{
    const char *dir = w->subtree ? watch_path(&w->p, wd) : NULL;
    const char *rel = dir && strlen(dir) > w->rootlen ? dir + w->rootlen + 1 : "";
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof tmp, "%s%s%s", rel, *rel ? "/" : "", name);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return NULL;
    for (char *c = tmp; *c; c++)
        if (*c == '/')
            *c = '\\';
    WCHAR *out = malloc(((size_t)n + 1) * sizeof(WCHAR));
    int len = out ? utf8_to_utf16(tmp, out, (size_t)n + 1) : -1;
    if (len < 0) {
        free(out);
        return NULL;
    }
    *bytes = (uint32_t)len * sizeof(WCHAR);
    return out;
}

static void flush_from(struct dirwatch *w)
{
    if (!w->from_cookie)
        return;
    rec_add(w, FILE_ACTION_REMOVED, w->from.name, w->from.bytes);
    w->from_cookie = 0;
    w->from.name = NULL;
}

static bool name_wanted(struct dirwatch *w, uint32_t mask)
{
    return w->filter & ((mask & IN_ISDIR) ? FILE_NOTIFY_CHANGE_DIR_NAME
                                          : FILE_NOTIFY_CHANGE_FILE_NAME);
}

static void dw_event(struct dirwatch *w, const struct inotify_event *ev)
{
    uint32_t m = ev->mask;
    if (w->subtree && (m & IN_ISDIR) && (m & (IN_CREATE | IN_MOVED_TO))) {
        const char *parent = watch_path(&w->p, ev->wd);
        char sub[PATH_MAX];
        if (parent && (size_t)snprintf(sub, sizeof sub, "%s/%s", parent, ev->name) < sizeof sub)
            watch_add(&w->p, sub, change_mask(w->filter, true), true, false);
    }
    uint32_t bytes = 0;
    if (m & IN_MOVED_TO) {
        bool paired = w->from_cookie && w->from_cookie == ev->cookie;
        if (!name_wanted(w, m)) {
            if (paired) {
                free(w->from.name);
                w->from.name = NULL;
                w->from_cookie = 0;
            }
            return;
        }
        WCHAR *n = rel_name(w, ev->wd, ev->name, &bytes);
        if (paired) {
            rec_add(w, FILE_ACTION_RENAMED_OLD_NAME, w->from.name, w->from.bytes);
            w->from.name = NULL;
            w->from_cookie = 0;
            rec_add(w, FILE_ACTION_RENAMED_NEW_NAME, n, bytes);
        } else {
            flush_from(w);
            rec_add(w, FILE_ACTION_ADDED, n, bytes);
        }
        return;
    }
    flush_from(w);
    if (m & IN_MOVED_FROM) {
        if (name_wanted(w, m)) {
            w->from.name = rel_name(w, ev->wd, ev->name, &w->from.bytes);
            w->from_cookie = w->from.name ? (ev->cookie ? ev->cookie : 1) : 0;
        }
        return;
    }
    if (m & (IN_CREATE | IN_DELETE)) {
        if (name_wanted(w, m)) {
            WCHAR *n = rel_name(w, ev->wd, ev->name, &bytes);
            rec_add(w, (m & IN_CREATE) ? FILE_ACTION_ADDED : FILE_ACTION_REMOVED, n, bytes);
        }
        return;
    }
    /* IN_CLOSE_WRITE follows the IN_MODIFY that already said it. */
    uint32_t mod = m & (IN_MODIFY | IN_ATTRIB | IN_ACCESS);
    if (mod && change_matches(w->filter, mod)) {
        WCHAR *n = rel_name(w, ev->wd, ev->name, &bytes);
        rec_add(w, FILE_ACTION_MODIFIED, n, bytes);
    }
}

/* Under watch_lock: hands the records to the first waiting request; the
 * request goes to *done for completion after the lock. */
static void dw_deliver(struct dirwatch *w, struct dreq **done)
{
    if ((!w->nrecs && !w->overflow) || !w->reqs)
        return;
    struct dreq *r = w->reqs;
    w->reqs = r->next;
    if (!w->reqs)
        w->reqs_tail = NULL;
    if (w->overflow || w->bytes > r->len) {
        r->err = ERROR_NOTIFY_ENUM_DIR;
        r->done = 0;
    } else {
        char *out = r->buf;
        size_t off = 0;
        for (size_t i = 0; i < w->nrecs; i++) {
            FILE_NOTIFY_INFORMATION *fi = (FILE_NOTIFY_INFORMATION *)(void *)(out + off);
            size_t sz = rec_size(w->recs[i].bytes);
            fi->NextEntryOffset = i + 1 < w->nrecs ? (DWORD)sz : 0;
            fi->Action = w->recs[i].action;
            fi->FileNameLength = w->recs[i].bytes;
            memcpy(fi->FileName, w->recs[i].name, w->recs[i].bytes);
            off += sz;
        }
        r->err = ERROR_SUCCESS;
        r->done = (DWORD)off;
    }
    recs_clear(w);
    r->next = *done;
    *done = r;
}

static void dreq_free(struct dreq *r)
{
    if (r->thread)
        object_unref(r->thread);
    free(r);
}

static void dreq_apc_release(struct apc *a)
{
    dreq_free((struct dreq *)((char *)a - offsetof(struct dreq, apc)));
}

static void dreq_apc_call(ULONG_PTR fn, ULONG_PTR err, ULONG_PTR done, ULONG_PTR ov)
{
    ((LPOVERLAPPED_COMPLETION_ROUTINE)fn)((DWORD)err, (DWORD)done, (LPOVERLAPPED)ov);
}

/* With no lock held. */
static void dreq_complete(struct dreq *r)
{
    struct file_obj *f = r->f;
    if (!r->ov) {
        /* The caller may wake, read err/done, free r and drop the
         * semaphore before the release returns: hold it meanwhile. */
        struct object *sem = r->sem;
        LONG prev;
        object_ref(sem);
        semaphore_release(sem, 1, &prev);
        object_unref(sem);
        return;
    }
    ULONG_PTR status = r->err == ERROR_NOTIFY_ENUM_DIR ? NT_NOTIFY_ENUM_DIR
                                                        : overlapped_status_of(r->err);
    LPOVERLAPPED ov = r->ov;
    ov->InternalHigh = r->done;
    __atomic_store_n(&ov->Internal, status, __ATOMIC_RELEASE);
    file_set_signaled(f, true);
    if (r->event) {
        event_set(r->event);
        object_unref(r->event);
    }
    if (r->port)
        iocp_post(r->port, r->key, r->done, ov, status);
    r->f = NULL;
    file_put(f);
    if (r->routine) {
        bool inserted;
        if (!thread_queue_apc(r->thread, &r->apc, dreq_apc_call, (ULONG_PTR)r->routine,
                              r->err, r->done, (ULONG_PTR)ov, &inserted) &&
            inserted)
            return;
    }
    dreq_free(r);
}

static void dreq_complete_all(struct dreq *list)
{
    while (list) {
        struct dreq *r = list;
        list = r->next;
        dreq_complete(r);
    }
}

/* Under watch_lock: reads every pending event of a collection. */
static void dw_drain(struct dirwatch *w, struct dreq **done)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->p.ifd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *q = buf; q < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)q;
            q += sizeof *ev + ev->len;
            if (ev->len)
                dw_event(w, ev);
        }
    }
    /* A rename's first half with no second one in this read: the file
     * left the watched tree. */
    flush_from(w);
    while ((w->nrecs || w->overflow) && w->reqs)
        dw_deliver(w, done);
}

static struct dirwatch *dw_find(struct file_obj *f)
{
    for (struct dirwatch *w = dw_list; w; w = w->next)
        if (w->f == f)
            return w;
    return NULL;
}

/* Frees a watch that is in no list (its records, if any, cleared). */
static void dirwatch_free(struct dirwatch *w)
{
    free(w->recs);
    free(w->from.name);
    close(w->p.ifd);
    for (size_t i = 0; i < w->p.nwds; i++)
        free(w->p.wds[i].path);
    free(w->p.wds);
    free(w->root);
    free(w);
}

/* Under watch_lock: the collection of f, started now if needed. */
static DWORD dw_start_locked(struct file_obj *f, int fd, BOOL subtree, DWORD filter,
                             DWORD keep, struct dirwatch **out)
{
    struct dirwatch *w = dw_find(f);
    if (w) {
        *out = w;
        return ERROR_SUCCESS;
    }
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return ERROR_INVALID_PARAMETER;
    path[n] = 0;
    DWORD err = watcher_start_locked();
    if (err)
        return err;
    if (!(w = calloc(1, sizeof *w)) || !(w->root = strdup(path))) {
        free(w);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    w->p.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->p.ifd < 0) {
        err = errno == EMFILE ? ERROR_TOO_MANY_OPEN_FILES : ws_errno_to_win32(errno);
        free(w->root);
        free(w);
        return err;
    }
    w->f = f;
    w->rootlen = strlen(path);
    w->filter = filter;
    w->subtree = subtree != 0;
    w->keep = keep;
    err = watch_add(&w->p, path, change_mask(filter, subtree) & ~(uint32_t)IN_DONT_FOLLOW,
                    subtree, true);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uintptr_t)w | DW_TAG};
    if (!err && epoll_ctl(watch_epoll, EPOLL_CTL_ADD, w->p.ifd, &ev) < 0)
        err = ws_errno_to_win32(errno);
    if (err) {
        dirwatch_free(w);
        return err;
    }
    w->p.registered = true;
    w->next = dw_list;
    dw_list = w;
    *out = w;
    return ERROR_SUCCESS;
}

void change_dir_closed(struct file_obj *f)
{
    if (!watch_started)
        return;
    pthread_mutex_lock(&watch_lock);
    struct dirwatch **pp = &dw_list, *w = NULL;
    while (*pp && (*pp)->f != f)
        pp = &(*pp)->next;
    if ((w = *pp))
        *pp = w->next;
    struct dreq *done = NULL;
    if (w) {
        epoll_ctl(watch_epoll, EPOLL_CTL_DEL, w->p.ifd, NULL);
        for (struct dreq *r = w->reqs, *next; r; r = next) {
            next = r->next;
            r->err = ERROR_OPERATION_ABORTED;
            r->done = 0;
            r->next = done;
            done = r;
        }
    }
    pthread_mutex_unlock(&watch_lock);
    dreq_complete_all(done);
    if (!w)
        return;
    recs_clear(w);
    dirwatch_free(w);
}

bool change_dir_cancel(struct file_obj *f, uint32_t tid, LPOVERLAPPED ov)
{
    if (!watch_started)
        return false;
    struct dreq *done = NULL;
    pthread_mutex_lock(&watch_lock);
    struct dirwatch *w = dw_find(f);
    if (w) {
        struct dreq **pp = &w->reqs;
        w->reqs_tail = NULL;
        while (*pp) {
            struct dreq *r = *pp;
            if (r->ov && (ov ? r->ov == ov : !tid || r->tid == tid)) {
                *pp = r->next;
                r->err = ERROR_OPERATION_ABORTED;
                r->done = 0;
                r->next = done;
                done = r;
            } else {
                w->reqs_tail = r;
                pp = &r->next;
            }
        }
    }
    pthread_mutex_unlock(&watch_lock);
    bool found = done != NULL;
    dreq_complete_all(done);
    return found;
}

WS_EXPORT BOOL WINAPI ReadDirectoryChangesW(HANDLE h, LPVOID buf, DWORD len, BOOL subtree,
                                            DWORD filter, LPDWORD returned,
                                            LPOVERLAPPED ov,
                                            LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
    struct file_obj *f;
    ACCESS_MASK granted = 0;
    DWORD err = file_get(h, 0, &f, &granted);
    if (err)
        return ws_bool(err);
    int fd = file_fd(&f->hdr);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || !filter ||
        (filter & ~CHANGE_VALID_FILTER))
        err = ERROR_INVALID_PARAMETER;
    else if (!(granted & FILE_LIST_DIRECTORY))
        err = ERROR_ACCESS_DENIED;
    else if (!ov && !returned)
        err = ERROR_INVALID_PARAMETER;
    struct dreq *r = NULL;
    if (!err && !(r = calloc(1, sizeof *r)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err && !ov)
        r->sem = semaphore_new(0, 1, &err); /* NULL with err set */
    if (!err && ov && !routine && ov->hEvent) {
        struct object *o = NULL;
        err = handle_ref(ov->hEvent, &event_type, EVENT_MODIFY_STATE, &o, NULL);
        if (!err) {
            r->event = o;
            ResetEvent(ov->hEvent);
        }
    }
    if (err) {
        if (r && r->sem)
            object_unref(r->sem);
        free(r);
        file_put(f);
        return ws_bool(err);
    }
    r->buf = buf;
    r->len = len;
    r->tid = thread_tid();
    r->ov = ov;
    if (ov && routine) {
        r->routine = routine;
        r->apc.release = dreq_apc_release;
        r->thread = thread_current()->self;
        object_ref(r->thread);
    } else if (ov) {
        r->port = atomic_load_explicit(&f->iocp, memory_order_acquire);
        r->key = f->iocp_key;
    }
    object_ref(&f->hdr);
    r->f = f;
    if (ov) {
        ov->InternalHigh = 0;
        __atomic_store_n(&ov->Internal, (ULONG_PTR)0x103 /* STATUS_PENDING */,
                         __ATOMIC_RELEASE);
        file_set_signaled(f, false);
    }

    pthread_once(&atfork_once, watcher_atfork_register);
    struct dreq *done = NULL;
    struct dirwatch *w;
    pthread_mutex_lock(&watch_lock);
    err = dw_start_locked(f, fd, subtree, filter, len, &w);
    if (!err) {
        if (w->reqs_tail)
            w->reqs_tail->next = r;
        else
            w->reqs = r;
        w->reqs_tail = r;
        dw_drain(w, &done); /* what came meanwhile */
    }
    pthread_mutex_unlock(&watch_lock);
    if (err) {
        if (ov) {
            ov->Internal = overlapped_status_of(err);
            file_set_signaled(f, true);
        }
        if (r->event)
            object_unref(r->event);
        if (r->sem)
            object_unref(r->sem);
        file_put(r->f);
        dreq_free(r);
        file_put(f);
        return ws_bool(err);
    }
    dreq_complete_all(done);
    file_put(f);
    if (ov) {
        /* Queued: the completion says the rest (Windows returns TRUE). */
        if (returned)
            *returned = 0;
        return TRUE;
    }
    /* Synchronous: sleep until records come (an APC cannot end it). */
    struct object *sem = r->sem;
    while (wait_object_ref(sem, INFINITE, false) != WAIT_OBJECT_0)
        ;
    err = r->err;
    *returned = r->done;
    file_put(r->f);
    object_unref(sem);
    dreq_free(r);
    return ws_bool(err);
}
