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
 * will be shared, an fd is not): struct change_priv, reached through
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

#include "internal.h"

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
    uint32_t reserved;
    void *priv;       /* struct change_priv */
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
    if (c->pid != file_pid())
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
    if (c->pid == file_pid() && c->priv) {
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
        pthread_mutex_lock(&watch_lock);
        for (int i = 0; i < n; i++) {
            struct change_obj *c = evs[i].data.ptr;
            /* Still registered: its last handle has not gone (the
             * unregistration is under this lock). */
            struct change_priv *p = c->priv;
            if (p && p->registered)
                change_drain(c, p);
        }
        pthread_mutex_unlock(&watch_lock);
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
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* signals go to user threads */
    pthread_t t;
    int rc = pthread_create(&t, &attr, watcher_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
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
    if (err) {
        ws_set_last_error(err);
        return INVALID_HANDLE_VALUE;
    }
    return h;
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
    ws_rcu_lock();
    DWORD err = handle_get(h, &change_type, 0, &o, NULL);
    if (!err)
        object_ref(o);
    ws_rcu_unlock();
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
