/*
 * The process-exit monitor: one thread per process, started on first use,
 * that learns promptly - without polling - that a watched process ended.
 *
 * Each watch is a pidfd in one epoll set (a pidfd polls readable once its
 * process has exited) and a record {id, pidfd, fn, ctx} in a list; the
 * epoll event carries the id, not a pointer, so an event that races with
 * procmon_cancel finds nothing and does nothing.
 *
 * A watch is in one of three states: listed (fn may still run or be
 * cancelled), running (the monitor took it off the list and is calling
 * fn; `running` holds its id), gone.  procmon_cancel of a running watch
 * waits for fn to return, so that after it the caller may free ctx -
 * unless fn itself cancels, which would wait for itself.
 *
 * Locking: pm.lock (a pthread mutex, a leaf: fn is called without it)
 * guards everything in `pm`.  The monitor thread blocks every signal, so
 * the program's handlers never run on it.
 *
 * Fork: the child has no monitor thread and must not touch the parent's
 * epoll set (an epoll instance is shared across fork); its copy of the
 * state is dropped (watches inherited through fork never fire there).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/error.h"
#include "proc/process.h"

struct watch {
    struct watch *next;
    uint64_t id;
    int pidfd;
    bool own_fd; /* opened by procmon_watch: closed here */
    procmon_fn fn;
    void *ctx;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t done;   /* a running fn returned */
    pthread_once_t atfork_once;
    int epfd;
    bool started;
    pthread_t thread;
    uint64_t next_id;
    uint64_t running;      /* the id whose fn is running, 0 none */
    struct watch *list;
} pm = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
    .atfork_once = PTHREAD_ONCE_INIT,
    .epfd = -1,
    .next_id = 1,
};

static struct watch *procmon_unlink_locked(uint64_t id)
{
    for (struct watch **link = &pm.list; *link; link = &(*link)->next)
        if ((*link)->id == id) {
            struct watch *w = *link;
            *link = w->next;
            epoll_ctl(pm.epfd, EPOLL_CTL_DEL, w->pidfd, NULL);
            return w;
        }
    return NULL;
}

static void *procmon_main(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        struct epoll_event ev[16];
        int n = epoll_wait(pm.epfd, ev, 16, -1);
        for (int i = 0; i < n; i++) {
            pthread_mutex_lock(&pm.lock);
            struct watch *w = procmon_unlink_locked(ev[i].data.u64);
            if (w)
                pm.running = w->id;
            pthread_mutex_unlock(&pm.lock);
            if (!w)
                continue; /* cancelled meanwhile */
            w->fn(w->ctx);
            if (w->own_fd)
                close(w->pidfd);
            pthread_mutex_lock(&pm.lock);
            pm.running = 0;
            pthread_cond_broadcast(&pm.done);
            pthread_mutex_unlock(&pm.lock);
            free(w);
        }
    }
    return NULL;
}

static void procmon_atfork_child(void)
{
    struct watch *w = pm.list;
    while (w) {
        struct watch *next = w->next;
        if (w->own_fd)
            close(w->pidfd);
        free(w);
        w = next;
    }
    if (pm.epfd >= 0)
        close(pm.epfd);
    pthread_mutex_init(&pm.lock, NULL);
    pthread_cond_init(&pm.done, NULL);
    pm.epfd = -1;
    pm.started = false;
    pm.running = 0;
    pm.list = NULL;
}

static void procmon_install_atfork(void)
{
    pthread_atfork(NULL, NULL, procmon_atfork_child);
}

/* Under pm.lock. */
static DWORD procmon_start_locked(void)
{
    if (pm.started)
        return ERROR_SUCCESS;
    if (pm.epfd < 0 && (pm.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        DWORD err = ws_errno_to_win32(errno);
        pm.epfd = -1;
        return err;
    }
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&a, 256 * 1024);
    int r = pthread_create(&pm.thread, &a, procmon_main, NULL);
    pthread_attr_destroy(&a);
    if (r)
        return r == EAGAIN ? ERROR_NOT_ENOUGH_MEMORY : ws_errno_to_win32(r);
    pm.started = true;
    return ERROR_SUCCESS;
}

DWORD procmon_watch(pid_t pid, int pidfd, procmon_fn fn, void *ctx,
                    uint64_t *id)
{
    pthread_once(&pm.atfork_once, procmon_install_atfork);
    struct watch *w = calloc(1, sizeof *w);
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    w->own_fd = pidfd < 0;
    if (w->own_fd) {
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
            DWORD err = errno == ESRCH || errno == EINVAL || errno == ENOENT
                            ? ERROR_INVALID_PARAMETER
                            : ws_errno_to_win32(errno);
            free(w);
            return err;
        }
    }
    w->pidfd = pidfd;
    w->fn = fn;
    w->ctx = ctx;

    pthread_mutex_lock(&pm.lock);
    DWORD err = procmon_start_locked();
    if (!err) {
        w->id = pm.next_id++;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = w->id};
        if (epoll_ctl(pm.epfd, EPOLL_CTL_ADD, pidfd, &ev) < 0) {
            err = ws_errno_to_win32(errno);
        } else {
            w->next = pm.list;
            pm.list = w;
            *id = w->id;
        }
    }
    pthread_mutex_unlock(&pm.lock);
    if (err) {
        if (w->own_fd)
            close(pidfd);
        free(w);
    }
    return err;
}

bool procmon_cancel(uint64_t id)
{
    pthread_mutex_lock(&pm.lock);
    struct watch *w = procmon_unlink_locked(id);
    if (!w && pm.started && !pthread_equal(pthread_self(), pm.thread))
        while (pm.running == id)
            pthread_cond_wait(&pm.done, &pm.lock);
    pthread_mutex_unlock(&pm.lock);
    if (!w)
        return false;
    if (w->own_fd)
        close(w->pidfd);
    free(w);
    return true;
}
