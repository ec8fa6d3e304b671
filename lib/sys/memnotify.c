/*
 * Memory resource notification objects (CreateMemoryResourceNotification):
 * a waitable object that is signalled while the system's available
 * physical memory is low (LowMemoryResourceNotification) or high
 * (HighMemoryResourceNotification).  A wait does not change it; only the
 * memory state does (value of the state word: 1 signalled, 0 not).
 *
 * Available memory and the thresholds (the rule Microsoft documents for
 * the defaults: low below about 32 MB per 4 GB of memory, at most 64 MB;
 * high at three times the low level):
 *   total      MemTotal (/proc/meminfo), or the memory limit of this
 *              process's memory cgroup or of one of its ancestors when
 *              that is smaller (cgroup v2 memory.max, v1
 *              memory.limit_in_bytes);
 *   available  MemAvailable, or the smallest headroom (limit - usage:
 *              memory.current, v1 memory.usage_in_bytes) of those
 *              cgroups when that is smaller;
 *   low level  min(64 MB, 32 MB * total / 4 GB); high level 3 * low.
 * Low is signalled while available < low level, high while available >=
 * high level; between the two neither is.
 *
 * Who updates the state: one watcher thread per process (started with
 * the first object) re-reads the memory state once a second (Windows'
 * memory manager also re-evaluates these on its one-second balance-set
 * cadence; Linux has no notification for MemAvailable crossing a level),
 * and at once when the kernel's pressure-stall information reports a
 * memory stall (a PSI trigger on /proc/pressure/memory, "some 100 ms in
 * 1 s", polled with EPOLLPRI, where the kernel allows the process one).
 * QueryMemoryResourceNotification reads the state afresh and stores it
 * into the object too, so a wait that follows agrees with it.
 *
 * Registration: the watcher keeps the objects this process created, each
 * with a reference; the last handle's close (last_close) in this process
 * unregisters at once, and one closed elsewhere (a duplicated handle) is
 * dropped at the watcher's next pass (its handle count is 0).  An object
 * whose creating process has exited is no longer updated except by
 * QueryMemoryResourceNotification (docs/COMPATIBILITY.md).
 *
 * Lock order: mn_lock, then an object's wait lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "io/file.h"
#include "sys/sys.h"

#define MN_QUERY_STATE 0x0001 /* EVENT_QUERY_STATE: these are events on Windows */
#define MN_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define MN_GRANTED (SYNCHRONIZE | READ_CONTROL | MN_QUERY_STATE)

#define MB (1024ull * 1024)
#define GB (1024ull * MB)

struct mn_obj {
    struct object hdr;
    uint32_t high; /* HighMemoryResourceNotification */
    uint32_t pid;  /* the creating process (pid, tag), whose watcher updates it */
    uint32_t tag;
};

static const uint32_t mn_layout[] = {
    LAYOUT_SIZE(struct mn_obj),
    LAYOUT_FIELD(struct mn_obj, high),
    LAYOUT_FIELD(struct mn_obj, pid),
    LAYOUT_FIELD(struct mn_obj, tag),
};

static pthread_mutex_t mn_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mn_obj **mn_regs; /* registered objects, one reference each */
static size_t mn_nregs, mn_cap;
static int mn_epoll = -1, mn_timer = -1, mn_psi = -1;
static bool mn_started;

static bool mn_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t mn_acquire(const struct object *o, uint64_t s, uint32_t tid, bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s; /* only the memory state changes it */
}

/* Under mn_lock: removes regs[i] and returns it (its reference is the
 * caller's to drop). */
static struct mn_obj *mn_unregister_at(size_t i)
{
    struct mn_obj *m = mn_regs[i];
    mn_regs[i] = mn_regs[--mn_nregs];
    return m;
}

static void mn_last_close(struct object *o)
{
    struct mn_obj *m = (struct mn_obj *)o;
    if (!proc_is_self(m->pid, m->tag))
        return;
    struct mn_obj *drop = NULL;
    pthread_mutex_lock(&mn_lock);
    for (size_t i = 0; i < mn_nregs; i++)
        if (mn_regs[i] == m) {
            drop = mn_unregister_at(i);
            break;
        }
    pthread_mutex_unlock(&mn_lock);
    if (drop)
        object_unref(&drop->hdr);
}

const struct object_type memnotify_type = {
    .name = "MemoryResourceNotification",
    .id = TYPE_MEMNOTIFY,
    .size = sizeof(struct mn_obj),
    .mapping = {STANDARD_RIGHTS_READ | MN_QUERY_STATE, STANDARD_RIGHTS_WRITE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, MN_ALL_ACCESS},
    .valid_access = MN_ALL_ACCESS,
    .signaled = mn_signaled,
    .acquire = mn_acquire,
    .last_close = mn_last_close,
    TYPE_LAYOUT(mn_layout),
};

/* ---- the memory state ---- */

struct mem_view {
    uint64_t total, avail;
};

/* A number from a small file ("max" and v1's "unlimited" value read as
 * UINT64_MAX); false when the file cannot be read. */
static bool read_u64(const char *file, uint64_t *out)
{
    char buf[64];
    if (!sys_read_text(file, buf, sizeof buf))
        return false;
    if (!strncmp(buf, "max", 3)) {
        *out = UINT64_MAX;
        return true;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || end == buf)
        return false;
    *out = v >= (1ull << 62) ? UINT64_MAX : v; /* v1: PAGE_COUNTER_MAX */
    return true;
}

/* Folds the cgroup at dir and its ancestors (down to root) into v. */
static void mem_view_cgroup(struct mem_view *v, const char *root, const char *rel,
                            const char *limit_file, const char *usage_file)
{
    char dir[PATH_MAX];
    if ((size_t)snprintf(dir, sizeof dir, "%s%s", root, rel) >= sizeof dir)
        return;
    size_t rootlen = strlen(root);
    for (;;) {
        char lf[PATH_MAX + 32], uf[PATH_MAX + 32];
        uint64_t limit, usage;
        snprintf(lf, sizeof lf, "%s/%s", dir, limit_file);
        snprintf(uf, sizeof uf, "%s/%s", dir, usage_file);
        if (read_u64(lf, &limit) && limit != UINT64_MAX && read_u64(uf, &usage)) {
            if (limit < v->total)
                v->total = limit;
            uint64_t room = limit > usage ? limit - usage : 0;
            if (room < v->avail)
                v->avail = room;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < rootlen)
            break;
        *slash = 0;
    }
}

static void mem_view_read(struct mem_view *v)
{
    v->total = v->avail = UINT64_MAX;
    FILE *f = fopen("/proc/meminfo", "re");
    if (f) {
        char line[128];
        unsigned long long kb;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
                v->total = kb * 1024;
            else if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
                v->avail = kb * 1024;
        }
        fclose(f);
    }
    f = fopen("/proc/self/cgroup", "re");
    if (f) {
        char line[PATH_MAX + 64];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (!c2)
                continue;
            *c2 = 0;
            const char *ctl = c1 + 1, *rel = c2 + 1;
            if (!strcmp(ctl, "")) { /* v2, unified or hybrid */
                mem_view_cgroup(v, "/sys/fs/cgroup", rel, "memory.max", "memory.current");
                mem_view_cgroup(v, "/sys/fs/cgroup/unified", rel, "memory.max",
                                "memory.current");
            } else if (strstr(ctl, "memory")) { /* v1 */
                mem_view_cgroup(v, "/sys/fs/cgroup/memory", rel, "memory.limit_in_bytes",
                                "memory.usage_in_bytes");
            }
        }
        fclose(f);
    }
    if (v->total == UINT64_MAX)
        v->total = 4 * GB; /* no /proc: Microsoft's reference size */
    if (v->avail > v->total)
        v->avail = v->total;
}

static uint64_t low_level(uint64_t total)
{
    uint64_t low = (32 * MB) * (total / MB) / (4 * 1024);
    return low < 64 * MB ? low : 64 * MB;
}

static uint32_t mn_state_of(const struct mem_view *v, bool high)
{
    uint64_t low = low_level(v->total);
    return high ? v->avail >= 3 * low : v->avail < low;
}

/* Stores the value and hands the object to waiters when it became set. */
static void mn_set_value(struct object *o, uint32_t value)
{
    if (st_value(obj_state(o)) == value)
        return;
    struct wait_guard g;
    wait_lock(o, &g);
    obj_store_locked(o, st_with_value(obj_state(o), value));
    if (value)
        wait_wake_locked(o, &g);
    wait_unlock(o, &g);
}

/* ---- the watcher ---- */

static void mn_timer_arm(bool on)
{
    struct itimerspec its = {0};
    if (on)
        its.it_value.tv_sec = its.it_interval.tv_sec = 1;
    timerfd_settime(mn_timer, 0, &its, NULL);
}

static void mn_pass(void)
{
    struct mem_view v;
    mem_view_read(&v);
    struct mn_obj *drop[16];
    size_t ndrop = 0;
    pthread_mutex_lock(&mn_lock);
    for (size_t i = 0; i < mn_nregs;) {
        struct mn_obj *m = mn_regs[i];
        if (!atomic_load_explicit(&m->hdr.handles, memory_order_acquire) && ndrop < 16) {
            drop[ndrop++] = mn_unregister_at(i); /* closed in another process */
            continue;
        }
        mn_set_value(&m->hdr, mn_state_of(&v, m->high));
        i++;
    }
    if (!mn_nregs)
        mn_timer_arm(false);
    pthread_mutex_unlock(&mn_lock);
    for (size_t i = 0; i < ndrop; i++)
        object_unref(&drop[i]->hdr);
}

static void *mn_watcher(void *arg)
{
    (void)arg;
    struct epoll_event evs[4];
    for (;;) {
        int n = epoll_wait(mn_epoll, evs, 4, -1);
        if (n < 0)
            continue; /* EINTR */
        for (int i = 0; i < n; i++)
            if (evs[i].data.fd == mn_timer) {
                uint64_t ticks;
                if (read(mn_timer, &ticks, sizeof ticks) < 0)
                    ticks = 0;
            }
        mn_pass();
    }
    return NULL;
}

static void mn_atfork_prepare(void)
{
    pthread_mutex_lock(&mn_lock);
}

static void mn_atfork_parent(void)
{
    pthread_mutex_unlock(&mn_lock);
}

/* The child has no watcher; the registered objects are the parent's
 * (their pid says so), and so are the references. */
static void mn_atfork_child(void)
{
    pthread_mutex_init(&mn_lock, NULL);
    if (mn_epoll >= 0)
        close(mn_epoll);
    if (mn_timer >= 0)
        close(mn_timer);
    if (mn_psi >= 0)
        close(mn_psi);
    mn_epoll = mn_timer = mn_psi = -1;
    free(mn_regs);
    mn_regs = NULL;
    mn_nregs = mn_cap = 0;
    mn_started = false;
}

static pthread_once_t mn_atfork_once = PTHREAD_ONCE_INIT;

static void mn_atfork_register(void)
{
    pthread_atfork(mn_atfork_prepare, mn_atfork_parent, mn_atfork_child);
}

/* A PSI trigger: wakes the watcher when tasks stall on memory for 100 ms
 * within a second.  Optional: kernels without PSI, or that refuse this
 * process a trigger, leave only the one-second pass. */
static void mn_psi_open(void)
{
    int fd = open("/proc/pressure/memory", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    static const char trig[] = "some 100000 1000000";
    struct epoll_event ev = {.events = EPOLLPRI, .data.fd = fd};
    if (write(fd, trig, sizeof trig) < 0 || epoll_ctl(mn_epoll, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        return;
    }
    mn_psi = fd;
}

/* Under mn_lock. */
static DWORD mn_start_locked(void)
{
    if (mn_started)
        return ERROR_SUCCESS;
    mn_epoll = epoll_create1(EPOLL_CLOEXEC);
    mn_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    DWORD err = ERROR_SUCCESS;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = mn_timer};
    if (mn_epoll < 0 || mn_timer < 0 || epoll_ctl(mn_epoll, EPOLL_CTL_ADD, mn_timer, &ev) < 0)
        err = errno == EMFILE ? ERROR_TOO_MANY_OPEN_FILES : ws_errno_to_win32(errno);
    if (!err) {
        mn_psi_open();
        int rc = service_thread_start(mn_watcher, NULL, 0);
        if (rc)
            err = ws_errno_to_win32(rc);
    }
    if (err) {
        if (mn_psi >= 0)
            close(mn_psi);
        if (mn_timer >= 0)
            close(mn_timer);
        if (mn_epoll >= 0)
            close(mn_epoll);
        mn_epoll = mn_timer = mn_psi = -1;
        return err;
    }
    mn_started = true;
    return ERROR_SUCCESS;
}

/* Under mn_lock: the watcher's reference on m. */
static DWORD mn_register_locked(struct mn_obj *m)
{
    if (mn_nregs == mn_cap) {
        size_t cap = mn_cap ? mn_cap * 2 : 8;
        struct mn_obj **v = realloc(mn_regs, cap * sizeof *v);
        if (!v)
            return ERROR_NOT_ENOUGH_MEMORY;
        mn_regs = v;
        mn_cap = cap;
    }
    object_ref(&m->hdr);
    mn_regs[mn_nregs++] = m;
    if (mn_nregs == 1)
        mn_timer_arm(true);
    return ERROR_SUCCESS;
}

/* ---- the API ---- */

static DWORD mn_create(MEMORY_RESOURCE_NOTIFICATION_TYPE type, HANDLE *out)
{
    if (type != LowMemoryResourceNotification && type != HighMemoryResourceNotification)
        return ERROR_INVALID_PARAMETER;
    bool high = type == HighMemoryResourceNotification;
    struct mem_view v;
    mem_view_read(&v);
    DWORD err;
    struct object *o = object_new(&memnotify_type, 0, mn_state_of(&v, high), &err);
    if (!o)
        return err;
    struct mn_obj *m = (struct mn_obj *)o;
    m->high = high;
    m->pid = file_pid();
    m->tag = shm_self_tag();
    object_handle_open(o);
    pthread_once(&mn_atfork_once, mn_atfork_register);
    pthread_mutex_lock(&mn_lock);
    err = mn_start_locked();
    if (!err)
        err = mn_register_locked(m);
    pthread_mutex_unlock(&mn_lock);
    if (!err)
        err = handle_insert(o, MN_GRANTED, 0, out);
    if (err) {
        object_handle_close(o); /* unregisters through last_close */
        object_unref(o);
    }
    return err;
}

WS_EXPORT HANDLE WINAPI CreateMemoryResourceNotification(
    MEMORY_RESOURCE_NOTIFICATION_TYPE NotificationType)
{
    HANDLE h = NULL;
    DWORD err = mn_create(NotificationType, &h);
    return err ? ws_null(err) : h;
}

WS_EXPORT BOOL WINAPI QueryMemoryResourceNotification(HANDLE ResourceNotificationHandle,
                                                      PBOOL ResourceState)
{
    struct object *o = NULL;
    DWORD err = handle_ref(ResourceNotificationHandle, &memnotify_type, MN_QUERY_STATE, &o,
                           NULL);
    if (err)
        return ws_bool(err);
    if (!ResourceState) {
        object_unref(o);
        return ws_bool(ERROR_INVALID_PARAMETER);
    }
    struct mem_view v;
    mem_view_read(&v);
    uint32_t state = mn_state_of(&v, ((struct mn_obj *)o)->high);
    mn_set_value(o, state);
    object_unref(o);
    *ResourceState = state ? TRUE : FALSE;
    return TRUE;
}
