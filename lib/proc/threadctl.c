/*
 * Thread and process control: CPU affinity and ideal processors, the
 * priority class, thread/process/system times and cycle counts, and
 * CreateRemoteThread.  (TerminateThread and the thread context live with
 * the thread kind in thread.c, which knows the thread's signal handlers.)
 *
 * Affinity is Linux's own (sched_setaffinity on each thread, which is
 * per thread on Linux); processors are group 0's, up to 64.  A process's
 * affinity mask, which Linux does not have, is this process's record
 * (from its main thread's mask at first use) or, for another process,
 * its main thread's mask.
 *
 * Priority: a thread's nice value is the class's base plus five per
 * Windows priority level (process_thread_nice), so that the class and the
 * thread priorities keep their order.  Nice is per thread on Linux:
 * SetPriorityClass renices every thread of the process.
 *
 * Times are FILETIME units (100 ns).  Linux keeps a thread's and a
 * process's CPU time in the kernel's tick-based accounting: /proc's
 * utime/stime (clock ticks) for another thread or process, getrusage for
 * the caller.  The "cycle time" is CPU time in nanoseconds (a notional
 * 1 GHz clock): Linux has no per-thread cycle counter a program can read.
 *
 * Locks: class_lock (a leaf) guards this process's class and background
 * mode; affinity_lock its affinity record.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "proc/process.h"
#include "core/handle_lookup.h"

/* Seconds between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF_100NS 116444736000000000LL

static int64_t ticks_100ns(unsigned long long ticks)
{
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    return (int64_t)(ticks * (10000000ULL / (unsigned long long)hz));
}

/* The boot time as a FILETIME value (btime of /proc/stat). */
static int64_t boot_100ns(void)
{
    static int64_t boot;
    int64_t b = __atomic_load_n(&boot, __ATOMIC_RELAXED);
    if (b)
        return b;
    FILE *f = fopen("/proc/stat", "re");
    char line[256];
    long long btime = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "btime %lld", &btime) == 1)
            break;
    if (f)
        fclose(f);
    b = btime * 10000000LL + EPOCH_DIFF_100NS;
    __atomic_store_n(&boot, b, __ATOMIC_RELAXED);
    return b;
}

bool proc_stat_times(pid_t pid, pid_t tid, int64_t *created, uint64_t *kernel,
                     uint64_t *user)
{
    char path[64], buf[1024];
    if (tid)
        snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    else
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* Fields after the command name, which may hold spaces and ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return false;
    unsigned long long utime, stime, start;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
                      "%*d %*d %*d %*d %*d %*d %llu",
               &utime, &stime, &start) != 3)
        return false;
    *user = (uint64_t)ticks_100ns(utime);
    *kernel = (uint64_t)ticks_100ns(stime);
    *created = boot_100ns() + ticks_100ns(start);
    return true;
}

static void ft_store(LPFILETIME ft, int64_t v)
{
    ft->dwLowDateTime = (DWORD)(uint64_t)v;
    ft->dwHighDateTime = (DWORD)((uint64_t)v >> 32);
}

static int64_t tv_100ns(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 10000000 + tv.tv_usec * 10;
}

/* ---- looking up handles ---- */

static DWORD thread_lookup(HANDLE h, ACCESS_MASK access, struct thread_facts *f,
                           struct object **keep)
{
    struct object *o = NULL;
    thread_current();
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, access, &o, NULL);
    if (!err) {
        thread_object_facts(o, f);
        if (keep) {
            object_ref(o);
            *keep = o;
        }
    }
    ws_rcu_unlock();
    return err;
}

/* The pid of a process handle (0: it ended), and whether it is us. */
static DWORD process_lookup(HANDLE h, ACCESS_MASK access, pid_t *pid, bool *self,
                            struct object **keep)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, access, &o, NULL);
    if (!err) {
        *pid = process_object_pid(o);
        *self = *pid == getpid();
        if (keep) {
            object_ref(o);
            *keep = o;
        }
    }
    ws_rcu_unlock();
    return err;
}

/* The tids of a process (/proc/PID/task); fn(tid, ctx) for each, stopping
 * at the first error it returns. */
static DWORD for_each_task(pid_t pid, DWORD (*fn)(pid_t tid, void *ctx), void *ctx)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT ? ERROR_INVALID_PARAMETER : ws_errno_to_win32(errno);
    DWORD err = ERROR_SUCCESS;
    struct dirent *e;
    while (!err && (e = readdir(d)))
        if (e->d_name[0] != '.')
            err = fn((pid_t)atoi(e->d_name), ctx);
    closedir(d);
    return err;
}

/* ---- processors and affinity ---- */

/* Processors of group 0: the system's, up to 64. */
static unsigned cpu_count(void)
{
    int n = get_nprocs_conf();
    return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

static DWORD_PTR system_mask(void)
{
    unsigned n = cpu_count();
    return n == 64 ? ~(DWORD_PTR)0 : (((DWORD_PTR)1 << n) - 1);
}

static DWORD_PTR mask_of_set(const cpu_set_t *set)
{
    DWORD_PTR m = 0;
    for (unsigned i = 0; i < 64; i++)
        if (CPU_ISSET(i, set))
            m |= (DWORD_PTR)1 << i;
    return m;
}

static void set_of_mask(DWORD_PTR m, cpu_set_t *set)
{
    CPU_ZERO(set);
    for (unsigned i = 0; i < 64; i++)
        if (m & ((DWORD_PTR)1 << i))
            CPU_SET(i, set);
}

static DWORD affinity_errno(int e)
{
    switch (e) {
    case EPERM: return ERROR_ACCESS_DENIED;
    case ESRCH: return ERROR_INVALID_PARAMETER;
    case EINVAL: return ERROR_INVALID_PARAMETER; /* no allowed CPU in it */
    default: return ws_errno_to_win32(e);
    }
}

static DWORD task_mask(pid_t tid, DWORD_PTR *m)
{
    cpu_set_t set;
    if (sched_getaffinity(tid, sizeof set, &set))
        return affinity_errno(errno);
    *m = mask_of_set(&set) & system_mask();
    return ERROR_SUCCESS;
}

static DWORD task_set_mask(pid_t tid, DWORD_PTR m)
{
    cpu_set_t set;
    set_of_mask(m, &set);
    if (sched_setaffinity(tid, sizeof set, &set))
        return affinity_errno(errno);
    return ERROR_SUCCESS;
}

static pthread_mutex_t affinity_lock = PTHREAD_MUTEX_INITIALIZER;
static DWORD_PTR my_mask; /* 0 until first use */

/* The process mask: ours, or another process's main thread's. */
static DWORD process_mask(pid_t pid, bool self, DWORD_PTR *m)
{
    if (!self)
        return task_mask(pid, m);
    DWORD err = ERROR_SUCCESS;
    pthread_mutex_lock(&affinity_lock);
    if (!my_mask)
        err = task_mask(getpid(), &my_mask);
    *m = my_mask;
    pthread_mutex_unlock(&affinity_lock);
    return err;
}

static DWORD task_set_mask_cb(pid_t tid, void *ctx)
{
    DWORD err = task_set_mask(tid, *(DWORD_PTR *)ctx);
    return err == ERROR_INVALID_PARAMETER && errno == ESRCH ? ERROR_SUCCESS : err;
}

WS_EXPORT BOOL WINAPI GetProcessAffinityMask(HANDLE h, PDWORD_PTR proc, PDWORD_PTR sys)
{
    pid_t pid;
    bool self;
    DWORD err = process_lookup(h, PROCESS_QUERY_LIMITED_INFORMATION, &pid, &self, NULL);
    if (!err && (!proc || !sys))
        err = ERROR_NOACCESS;
    DWORD_PTR m = 0;
    if (!err && !(err = process_mask(pid, self, &m))) {
        *proc = m;
        *sys = system_mask();
    }
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetProcessAffinityMask(HANDLE h, DWORD_PTR mask)
{
    pid_t pid;
    bool self;
    DWORD err = process_lookup(h, PROCESS_SET_INFORMATION, &pid, &self, NULL);
    if (!err && (!mask || (mask & ~system_mask())))
        err = ERROR_INVALID_PARAMETER;
    if (err)
        return ws_bool(err);
    if (self)
        pthread_mutex_lock(&affinity_lock);
    /* Every thread gets the new mask, as Windows resets threads' masks. */
    err = for_each_task(pid, task_set_mask_cb, &mask);
    if (self) {
        if (!err)
            my_mask = mask;
        pthread_mutex_unlock(&affinity_lock);
    }
    return ws_bool(err);
}

/* The thread's mask before; 0 and the error on failure. */
static DWORD thread_swap_mask(HANDLE h, DWORD_PTR mask, DWORD_PTR *old)
{
    struct thread_facts f;
    DWORD err = thread_lookup(h, THREAD_SET_LIMITED_INFORMATION |
                                     THREAD_QUERY_LIMITED_INFORMATION, &f, NULL);
    if (err)
        return err;
    if (f.ended)
        return ERROR_ACCESS_DENIED; /* STATUS_THREAD_IS_TERMINATING */
    DWORD_PTR pm;
    if ((err = process_mask((pid_t)f.pid, f.pid == (uint32_t)getpid(), &pm)))
        return err;
    if (!mask || (mask & ~pm))
        return ERROR_INVALID_PARAMETER;
    if ((err = task_mask((pid_t)f.tid, old)))
        return err;
    return task_set_mask((pid_t)f.tid, mask);
}

WS_EXPORT DWORD_PTR WINAPI SetThreadAffinityMask(HANDLE h, DWORD_PTR mask)
{
    DWORD_PTR old = 0;
    DWORD err = thread_swap_mask(h, mask, &old);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    return old;
}

WS_EXPORT BOOL WINAPI GetThreadGroupAffinity(HANDLE h, PGROUP_AFFINITY ga)
{
    struct thread_facts f;
    DWORD err = thread_lookup(h, THREAD_QUERY_LIMITED_INFORMATION, &f, NULL);
    if (!err && !ga)
        err = ERROR_NOACCESS;
    if (!err && f.ended)
        err = ERROR_ACCESS_DENIED;
    DWORD_PTR m;
    if (!err && !(err = task_mask((pid_t)f.tid, &m))) {
        memset(ga, 0, sizeof *ga);
        ga->Mask = m;
    }
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetThreadGroupAffinity(HANDLE h, const GROUP_AFFINITY *ga,
                                             PGROUP_AFFINITY prev)
{
    if (!ga)
        return ws_bool(ERROR_NOACCESS);
    if (ga->Group != 0 || ga->Reserved[0] || ga->Reserved[1] || ga->Reserved[2])
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD_PTR old = 0;
    DWORD err = thread_swap_mask(h, ga->Mask, &old);
    if (!err && prev) {
        memset(prev, 0, sizeof *prev);
        prev->Mask = old;
    }
    return ws_bool(err);
}

WS_EXPORT DWORD WINAPI GetCurrentProcessorNumber(void)
{
    int cpu = sched_getcpu();
    return cpu < 0 ? 0 : (DWORD)cpu;
}

WS_EXPORT VOID WINAPI GetCurrentProcessorNumberEx(PPROCESSOR_NUMBER pn)
{
    int cpu = sched_getcpu();
    pn->Group = 0;
    pn->Number = (BYTE)(cpu < 0 ? 0 : cpu);
    pn->Reserved = 0;
}

/* The ideal processor is a recorded hint, as Windows treats it: Linux's
 * scheduler has no such hint (docs/COMPATIBILITY.md). */
static DWORD ideal_swap(HANDLE h, const uint32_t *set, uint32_t *old)
{
    struct object *o = NULL;
    struct thread_facts f;
    DWORD err = thread_lookup(h, set ? THREAD_SET_LIMITED_INFORMATION
                                     : THREAD_QUERY_LIMITED_INFORMATION,
                              &f, &o);
    if (err)
        return err;
    if (set && *set >= cpu_count())
        err = ERROR_INVALID_PARAMETER;
    else
        *old = thread_object_ideal(o, set) % cpu_count(); /* unset: the id's */
    object_unref(o);
    return err;
}

WS_EXPORT DWORD WINAPI SetThreadIdealProcessor(HANDLE h, DWORD ideal)
{
    uint32_t old = 0, n = ideal;
    DWORD err = ideal_swap(h, ideal == 64 /* MAXIMUM_PROCESSORS: query only */ ? NULL : &n, &old);
    if (err) {
        ws_set_last_error(err);
        return (DWORD)-1;
    }
    return old;
}

WS_EXPORT BOOL WINAPI SetThreadIdealProcessorEx(HANDLE h, PPROCESSOR_NUMBER ideal,
                                                PPROCESSOR_NUMBER prev)
{
    if (!ideal)
        return ws_bool(ERROR_NOACCESS);
    if (ideal->Group != 0)
        return ws_bool(ERROR_INVALID_PARAMETER);
    uint32_t old = 0, n = ideal->Number;
    DWORD err = ideal_swap(h, &n, &old);
    if (!err && prev) {
        prev->Group = 0;
        prev->Number = (BYTE)old;
        prev->Reserved = 0;
    }
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetThreadIdealProcessorEx(HANDLE h, PPROCESSOR_NUMBER ideal)
{
    if (!ideal)
        return ws_bool(ERROR_NOACCESS);
    uint32_t old = 0;
    DWORD err = ideal_swap(h, NULL, &old);
    if (!err) {
        ideal->Group = 0;
        ideal->Number = (BYTE)old;
        ideal->Reserved = 0;
    }
    return ws_bool(err);
}

/* ---- priority class ---- */

static const struct {
    DWORD cls;
    int nice; /* the base of the class's threads */
} classes[] = {
    {IDLE_PRIORITY_CLASS, 10},        {BELOW_NORMAL_PRIORITY_CLASS, 5},
    {NORMAL_PRIORITY_CLASS, 0},       {ABOVE_NORMAL_PRIORITY_CLASS, -5},
    {HIGH_PRIORITY_CLASS, -10},       {REALTIME_PRIORITY_CLASS, -15},
};
#define NCLASSES (sizeof classes / sizeof classes[0])

static pthread_mutex_t class_lock = PTHREAD_MUTEX_INITIALIZER;
static DWORD my_class;     /* 0 until first use */
static bool my_background; /* PROCESS_MODE_BACKGROUND_BEGIN */

static int class_nice(DWORD cls)
{
    for (size_t i = 0; i < NCLASSES; i++)
        if (classes[i].cls == cls)
            return classes[i].nice;
    return 0;
}

/* The class whose base is nearest a nice value (ties: toward normal). */
static DWORD class_of_nice(int nice)
{
    DWORD best = NORMAL_PRIORITY_CLASS;
    int dist = abs(nice);
    for (size_t i = 0; i < NCLASSES; i++)
        if (abs(nice - classes[i].nice) < dist) {
            dist = abs(nice - classes[i].nice);
            best = classes[i].cls;
        }
    return best;
}

static int clamp_nice(int n)
{
    return n < -20 ? -20 : n > 19 ? 19 : n;
}

/* Under class_lock. */
static DWORD my_class_locked(void)
{
    if (!my_class) {
        errno = 0;
        int n = getpriority(PRIO_PROCESS, (id_t)getpid());
        my_class = errno ? NORMAL_PRIORITY_CLASS : class_of_nice(n);
    }
    return my_class;
}

static int thread_nice_in(DWORD cls, bool background, int priority)
{
    if (background || priority == THREAD_PRIORITY_IDLE)
        return 19;
    if (priority == THREAD_PRIORITY_TIME_CRITICAL)
        return -20;
    return clamp_nice(class_nice(cls) - 5 * priority);
}

int process_thread_nice(int priority)
{
    pthread_mutex_lock(&class_lock);
    int n = thread_nice_in(my_class_locked(), my_background, priority);
    pthread_mutex_unlock(&class_lock);
    return n;
}

struct renice {
    DWORD cls;
    bool background;
    bool self;
    int failed; /* errno of the first refusal */
};

static DWORD renice_cb(pid_t tid, void *ctx)
{
    struct renice *r = ctx;
    int pri = r->self ? thread_priority_of_tid((uint32_t)tid) : THREAD_PRIORITY_NORMAL;
    if (setpriority(PRIO_PROCESS, (id_t)tid, thread_nice_in(r->cls, r->background, pri)) &&
        errno != ESRCH && !r->failed)
        r->failed = errno;
    return ERROR_SUCCESS;
}

WS_EXPORT DWORD WINAPI GetPriorityClass(HANDLE h)
{
    pid_t pid;
    bool self;
    DWORD err = process_lookup(h, PROCESS_QUERY_LIMITED_INFORMATION, &pid, &self, NULL);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    if (self) {
        pthread_mutex_lock(&class_lock);
        DWORD c = my_class_locked();
        pthread_mutex_unlock(&class_lock);
        return c;
    }
    errno = 0;
    int n = getpriority(PRIO_PROCESS, (id_t)pid);
    if (errno) {
        ws_set_last_error(errno == ESRCH ? ERROR_INVALID_PARAMETER : ws_errno_to_win32(errno));
        return 0;
    }
    return class_of_nice(n);
}

/* The class is kept and reported as set; the threads' nice values follow
 * as far as Linux lets this process (lowering nice needs CAP_SYS_NICE or
 * RLIMIT_NICE).  REALTIME_PRIORITY_CLASS without that right becomes
 * HIGH_PRIORITY_CLASS, as on Windows without
 * SeIncreaseBasePriorityPrivilege.  Another process: its threads get the
 * class's base; a refusal is ERROR_ACCESS_DENIED. */
WS_EXPORT BOOL WINAPI SetPriorityClass(HANDLE h, DWORD cls)
{
    pid_t pid;
    bool self;
    DWORD err = process_lookup(h, PROCESS_SET_INFORMATION, &pid, &self, NULL);
    if (err)
        return ws_bool(err);
    bool mode = cls == PROCESS_MODE_BACKGROUND_BEGIN || cls == PROCESS_MODE_BACKGROUND_END;
    bool known = mode;
    for (size_t i = 0; i < NCLASSES; i++)
        known |= classes[i].cls == cls;
    if (!known || (mode && !self))
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct renice r = {.cls = cls, .self = self};
    if (!self) {
        err = for_each_task(pid, renice_cb, &r);
        if (!err && r.failed)
            err = r.failed == EPERM || r.failed == EACCES ? ERROR_ACCESS_DENIED
                                                          : ws_errno_to_win32(r.failed);
        return ws_bool(err);
    }
    pthread_mutex_lock(&class_lock);
    DWORD cur = my_class_locked();
    if (cls == PROCESS_MODE_BACKGROUND_BEGIN) {
        err = my_background ? ERROR_PROCESS_MODE_ALREADY_BACKGROUND : ERROR_SUCCESS;
        r.cls = cur;
        r.background = true;
    } else if (cls == PROCESS_MODE_BACKGROUND_END) {
        err = my_background ? ERROR_SUCCESS : ERROR_PROCESS_MODE_NOT_BACKGROUND;
        r.cls = cur;
        r.background = false;
    } else {
        r.background = my_background;
        if (cls == REALTIME_PRIORITY_CLASS) {
            /* The right to the class's base, tried on the main thread. */
            errno = 0;
            int before = getpriority(PRIO_PROCESS, (id_t)getpid());
            if (setpriority(PRIO_PROCESS, (id_t)getpid(), class_nice(cls)))
                r.cls = HIGH_PRIORITY_CLASS;
            else if (!errno)
                setpriority(PRIO_PROCESS, (id_t)getpid(), before);
        }
    }
    if (!err) {
        for_each_task(getpid(), renice_cb, &r);
        if (mode)
            my_background = r.background;
        else
            my_class = r.cls;
    }
    pthread_mutex_unlock(&class_lock);
    return ws_bool(err);
}

/* ---- times ---- */

WS_EXPORT BOOL WINAPI GetThreadTimes(HANDLE h, LPFILETIME created, LPFILETIME exited,
                                     LPFILETIME kernel, LPFILETIME user)
{
    struct thread_facts f;
    DWORD err = thread_lookup(h, THREAD_QUERY_LIMITED_INFORMATION, &f, NULL);
    if (err)
        return ws_bool(err);
    if (!created || !exited || !kernel || !user)
        return ws_bool(ERROR_NOACCESS);
    int64_t c = f.created;
    uint64_t k = f.kernel_100ns, u = f.user_100ns;
    if (!f.ended) {
        struct rusage ru;
        int64_t start;
        if (f.tid == thread_tid() && getrusage(RUSAGE_THREAD, &ru) == 0) {
            k = (uint64_t)tv_100ns(ru.ru_stime);
            u = (uint64_t)tv_100ns(ru.ru_utime);
        } else if (!proc_stat_times((pid_t)f.pid, (pid_t)f.tid, &start, &k, &u)) {
            k = u = 0; /* it ended meanwhile */
        }
    }
    ft_store(created, c);
    ft_store(exited, f.ended ? f.exited : 0);
    ft_store(kernel, (int64_t)k);
    ft_store(user, (int64_t)u);
    return TRUE;
}

WS_EXPORT BOOL WINAPI GetProcessTimes(HANDLE h, LPFILETIME created, LPFILETIME exited,
                                      LPFILETIME kernel, LPFILETIME user)
{
    pid_t pid;
    bool self;
    struct object *o = NULL;
    DWORD err = process_lookup(h, PROCESS_QUERY_LIMITED_INFORMATION, &pid, &self, &o);
    if (err)
        return ws_bool(err);
    if (!created || !exited || !kernel || !user) {
        object_unref(o);
        return ws_bool(ERROR_NOACCESS);
    }
    int64_t c = 0, e = 0;
    uint64_t k = 0, u = 0;
    bool ended = !self && process_object_end(o, &c, &e, &k, &u);
    object_unref(o);
    if (!ended) {
        if (!proc_stat_times(pid, 0, &c, &k, &u))
            return ws_bool(ERROR_INVALID_PARAMETER); /* not ours to read */
        struct rusage ru;
        if (self && getrusage(RUSAGE_SELF, &ru) == 0) {
            k = (uint64_t)tv_100ns(ru.ru_stime);
            u = (uint64_t)tv_100ns(ru.ru_utime);
        }
        e = 0;
    }
    ft_store(created, c);
    ft_store(exited, e);
    ft_store(kernel, (int64_t)k);
    ft_store(user, (int64_t)u);
    return TRUE;
}

/* /proc/stat's first line: idle (with iowait), kernel (system, irq,
 * softirq, and idle, which Windows counts in kernel time), user (with
 * nice). */
WS_EXPORT BOOL WINAPI GetSystemTimes(PFILETIME idle, PFILETIME kernel, PFILETIME user)
{
    FILE *f = fopen("/proc/stat", "re");
    if (!f)
        return ws_bool(ws_errno_to_win32(errno));
    unsigned long long us = 0, ni = 0, sy = 0, id = 0, io = 0, irq = 0, sirq = 0;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &us, &ni, &sy, &id, &io,
                   &irq, &sirq);
    fclose(f);
    if (n < 4)
        return ws_bool(ERROR_GEN_FAILURE);
    int64_t i = ticks_100ns(id + io);
    if (idle)
        ft_store(idle, i);
    if (kernel)
        ft_store(kernel, ticks_100ns(sy + irq + sirq) + i);
    if (user)
        ft_store(user, ticks_100ns(us + ni));
    return TRUE;
}

/* A thread's CPU clock (Linux's CPUCLOCK_SCHED of a thread id). */
static clockid_t thread_cpu_clock(pid_t tid)
{
    return (clockid_t)((~(unsigned)tid) << 3) | 6;
}

static uint64_t ts_ns(struct timespec ts)
{
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

WS_EXPORT BOOL WINAPI QueryThreadCycleTime(HANDLE h, PULONG64 cycles)
{
    struct thread_facts f;
    DWORD err = thread_lookup(h, THREAD_QUERY_LIMITED_INFORMATION, &f, NULL);
    if (err)
        return ws_bool(err);
    if (!cycles)
        return ws_bool(ERROR_NOACCESS);
    uint64_t ns = (f.kernel_100ns + f.user_100ns) * 100;
    struct timespec ts;
    int64_t start;
    uint64_t k, u;
    if (!f.ended) {
        if (f.pid == (uint32_t)getpid() &&
            clock_gettime(thread_cpu_clock((pid_t)f.tid), &ts) == 0)
            ns = ts_ns(ts);
        else if (proc_stat_times((pid_t)f.pid, (pid_t)f.tid, &start, &k, &u))
            ns = (k + u) * 100;
    }
    *cycles = ns;
    return TRUE;
}

WS_EXPORT BOOL WINAPI QueryProcessCycleTime(HANDLE h, PULONG64 cycles)
{
    pid_t pid;
    bool self;
    struct object *o = NULL;
    DWORD err = process_lookup(h, PROCESS_QUERY_LIMITED_INFORMATION, &pid, &self, &o);
    if (err)
        return ws_bool(err);
    if (!cycles) {
        object_unref(o);
        return ws_bool(ERROR_NOACCESS);
    }
    int64_t c, e;
    uint64_t k = 0, u = 0;
    bool ended = !self && process_object_end(o, &c, &e, &k, &u);
    object_unref(o);
    struct timespec ts;
    clockid_t clk;
    if (ended)
        *cycles = (k + u) * 100;
    else if (self && clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
        *cycles = ts_ns(ts);
    else if (clock_getcpuclockid(pid, &clk) == 0 && clock_gettime(clk, &ts) == 0)
        *cycles = ts_ns(ts);
    else if (proc_stat_times(pid, 0, &c, &k, &u))
        *cycles = (k + u) * 100;
    else
        return ws_bool(ERROR_INVALID_PARAMETER);
    return TRUE;
}

/* ---- CreateRemoteThread ----
 *
 * Into another winshim process: a request over the session's service
 * channel (core/holders.c, "service requests"), answered by the target's
 * service thread (remote_service below), which makes the thread with
 * CreateThread and puts a handle to its object (THREAD_ALL_ACCESS) into
 * the caller's handle table, as DuplicateHandle into another process
 * does; thread objects live in the shared arena, so the handle waits,
 * reads the exit code and resumes a CREATE_SUSPENDED thread from the
 * caller's side.
 *
 * The start address is carried as a module and an offset: the module
 * (executable, libwinshim, any shared object) that maps it in the
 * caller, named by its file's device and inode, and the address's
 * distance from the module's load address.  The target finds the same
 * file among its own modules and runs the same offset there, once it has
 * checked that the address lies in one of that module's executable
 * segments.  Any other address - a module the target does not map, heap
 * or stack, data - is refused with ERROR_NOACCESS: code written into
 * another process (VirtualAllocEx/WriteProcessMemory) cannot be run
 * (docs/COMPATIBILITY.md).  The parameter passes as is, as on Windows: a
 * pointer means something in the target only if it points there. */

/* Microsoft lists five rights and says the call "may fail without these
 * rights on certain platforms"; the kernel checks this one (as Wine). */
#define REMOTE_THREAD_RIGHTS PROCESS_CREATE_THREAD
#define REMOTE_THREAD 1u
#define REMOTE_JOIN_WAIT_MS 10000 /* a child on its way into its program */

struct remote_req {
    uint32_t kind;       /* REMOTE_THREAD */
    uint32_t from_slot;  /* the caller's slot index and tag */
    uint32_t from_tag;
    uint32_t flags;      /* CREATE_SUSPENDED, STACK_SIZE_PARAM_IS_A_RESERVATION */
    uint64_t dev, ino;   /* the module's file */
    uint64_t offset;     /* start - the module's load address */
    uint64_t param;
    uint64_t stack;
    uint32_t inherit;    /* the caller's handle is inheritable */
    uint32_t pad;
};

struct remote_reply {
    uint32_t err;
    uint32_t tid;
    uint64_t handle;     /* in the caller's table */
};

/* A module's file; "" (the program) is the executable. */
static bool module_file(const char *name, uint64_t *dev, uint64_t *ino)
{
    struct stat st;
    if (stat(name && name[0] ? name : "/proc/self/exe", &st))
        return false;
    *dev = (uint64_t)st.st_dev;
    *ino = (uint64_t)st.st_ino;
    return true;
}

static bool in_exec_segment(const struct dl_phdr_info *info, uintptr_t a)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && a >= lo && a - lo < ph->p_memsz)
            return true;
    }
    return false;
}

struct module_find {
    uintptr_t addr;   /* in: the caller's address; out: the target's */
    uint64_t dev, ino, offset;
    bool found;
};

/* The caller: which module's executable segment holds addr. */
static int module_of_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct module_find *m = arg;
    if (!in_exec_segment(info, m->addr) || !module_file(info->dlpi_name, &m->dev, &m->ino))
        return 0;
    m->offset = (uint64_t)(m->addr - info->dlpi_addr);
    m->found = true;
    return 1;
}

/* The target: the same file's module, and the address there. */
static int module_at_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct module_find *m = arg;
    uint64_t dev, ino;
    if (!module_file(info->dlpi_name, &dev, &ino) || dev != m->dev || ino != m->ino)
        return 0;
    uintptr_t a = info->dlpi_addr + (uintptr_t)m->offset;
    if (!in_exec_segment(info, a))
        return 0;
    m->addr = a;
    m->found = true;
    return 1;
}

/* The requesting process's slot: the one the request names, if it is the
 * process the kernel says sent it. */
static struct proc_slot *remote_caller(const struct remote_req *r, uint32_t pid)
{
    if (r->from_slot >= PROC_SLOTS)
        return NULL;
    struct proc_slot *s = shm_slot(r->from_slot);
    if (!s || shm_slot_tag(s) != r->from_tag ||
        atomic_load_explicit(&s->state, memory_order_acquire) != SLOT_LIVE ||
        (uint32_t)__atomic_load_n(&s->pid, __ATOMIC_ACQUIRE) != pid)
        return NULL;
    return s;
}

/* The target's side, on its service thread (ws_hooks.service_request). */
static DWORD remote_thread_make(const struct remote_req *r, uint32_t pid, uint32_t *tid,
                                HANDLE *out)
{
    struct proc_slot *caller = remote_caller(r, pid);
    if (!caller)
        return ERROR_ACCESS_DENIED;
    struct module_find m = {.dev = r->dev, .ino = r->ino, .offset = r->offset};
    dl_iterate_phdr(module_at_cb, &m);
    if (!m.found)
        return ERROR_NOACCESS;
    DWORD t = 0;
    HANDLE h = CreateThread(NULL, (SIZE_T)r->stack, (LPTHREAD_START_ROUTINE)m.addr,
                            (LPVOID)(uintptr_t)r->param, r->flags, &t);
    if (!h)
        return GetLastError();
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &thread_type, 0, &o, NULL);
    if (!err) {
        object_ref(o); /* the caller's handle's reference and count */
        handle_intent_open(o);
    }
    ws_rcu_unlock();
    if (!err) {
        thread_track(process_self_object(), o);
        err = handle_insert_into(caller, o, THREAD_ALL_ACCESS,
                                 r->inherit ? HANDLE_FLAG_INHERIT : 0, out);
        if (err) {
            object_handle_close(o);
            object_unref(o);
        }
    }
    CloseHandle(h); /* the thread runs on, whatever became of the caller */
    *tid = t;
    return err;
}

size_t remote_service(const void *req, size_t len, uint32_t pid, void *reply, size_t cap)
{
    struct remote_req r;
    struct remote_reply a = {0};
    if (len != sizeof r || cap < sizeof a)
        return 0;
    memcpy(&r, req, sizeof r);
    if (r.kind != REMOTE_THREAD)
        return 0;
    HANDLE h = NULL;
    a.err = remote_thread_make(&r, pid, &a.tid, &h);
    a.handle = (uint64_t)(uintptr_t)h;
    memcpy(reply, &a, sizeof a);
    return sizeof a;
}

/* The slot of the target process, once it serves requests: a child that
 * CreateProcess started is on its way into its program for a moment.
 * ERROR_ACCESS_DENIED: it ended (STATUS_PROCESS_IS_TERMINATING);
 * ERROR_NOT_SUPPORTED: no winshim there, or a child still held by
 * CREATE_SUSPENDED (nothing of its program runs yet). */
static DWORD remote_slot(struct object *p, struct proc_slot **out)
{
    for (int ms = 0;; ms++) {
        struct proc_slot *s = shm_slot_of_process(p);
        if (process_has_ended(p))
            return ERROR_ACCESS_DENIED;
        if (!s)
            return ERROR_NOT_SUPPORTED;
        uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (st == SLOT_LIVE && (atomic_load_explicit(&s->inbox_key[0], memory_order_acquire) ||
                                atomic_load_explicit(&s->inbox_key[1], memory_order_acquire))) {
            *out = s;
            return ERROR_SUCCESS;
        }
        struct object *main = process_main_thread(p);
        if ((main && thread_object_held(main)) || ms >= REMOTE_JOIN_WAIT_MS)
            return ERROR_NOT_SUPPORTED;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static DWORD remote_thread(struct object *p, SIZE_T stack, LPTHREAD_START_ROUTINE start,
                           LPVOID param, DWORD flags, BOOL inherit, HANDLE *out,
                           DWORD *tid)
{
    struct proc_slot *s;
    DWORD err = remote_slot(p, &s);
    if (err)
        return err;
    struct module_find m = {.addr = (uintptr_t)start};
    dl_iterate_phdr(module_of_cb, &m);
    if (!m.found)
        return ERROR_NOACCESS;
    struct proc_slot *self = shm_self();
    struct remote_req r = {
        .kind = REMOTE_THREAD,
        .from_slot = shm_slot_index(self),
        .from_tag = shm_self_tag(),
        .flags = flags,
        .dev = m.dev,
        .ino = m.ino,
        .offset = m.offset,
        .param = (uint64_t)(uintptr_t)param,
        .stack = (uint64_t)stack,
        .inherit = inherit ? 1 : 0,
    };
    uint32_t tag = shm_slot_tag(s);
    /* Its death is noticed (and its remote threads signalled) at once. */
    shm_deathwatch_start();
    struct remote_reply a;
    size_t got = 0;
    err = holders_service_call(s, &r, sizeof r, &a, sizeof a, &got);
    if (err == ERROR_NOT_SUPPORTED && shm_tag_dead(tag))
        err = ERROR_ACCESS_DENIED; /* it ended meanwhile */
    if (err)
        return err;
    if (got != sizeof a)
        return ERROR_ACCESS_DENIED;
    if (a.err)
        return a.err;
    *out = (HANDLE)(uintptr_t)a.handle;
    *tid = a.tid;
    return ERROR_SUCCESS;
}

/* Into this process: CreateThread.  Into another winshim process: see
 * above; a process without winshim: ERROR_NOT_SUPPORTED
 * (docs/COMPATIBILITY.md). */
WS_EXPORT HANDLE WINAPI CreateRemoteThreadEx(HANDLE h, LPSECURITY_ATTRIBUTES sa,
                                             SIZE_T stack, LPTHREAD_START_ROUTINE start,
                                             LPVOID param, DWORD flags,
                                             LPPROC_THREAD_ATTRIBUTE_LIST attrs,
                                             LPDWORD tid)
{
    pid_t pid;
    bool self;
    struct object *p = NULL;
    thread_current();
    DWORD err = process_lookup(h, REMOTE_THREAD_RIGHTS, &pid, &self, &p);
    if (err)
        return ws_null(err);
    if (self || attrs) {
        object_unref(p);
        if (attrs)
            return ws_null(ERROR_NOT_SUPPORTED); /* no thread attributes yet */
        return CreateThread(sa, stack, start, param, flags, tid);
    }
    HANDLE out = NULL;
    DWORD id = 0;
    if (!start || (flags & ~(DWORD)(STACK_SIZE_PARAM_IS_A_RESERVATION | CREATE_SUSPENDED)))
        err = ERROR_INVALID_PARAMETER;
    else
        err = remote_thread(p, stack, start, param, flags, sa && sa->bInheritHandle, &out, &id);
    object_unref(p);
    if (err)
        return ws_null(err);
    if (tid)
        *tid = id;
    return out;
}

WS_EXPORT HANDLE WINAPI CreateRemoteThread(HANDLE h, LPSECURITY_ATTRIBUTES sa,
                                           SIZE_T stack, LPTHREAD_START_ROUTINE start,
                                           LPVOID param, DWORD flags, LPDWORD tid)
{
    return CreateRemoteThreadEx(h, sa, stack, start, param, flags, NULL, tid);
}
