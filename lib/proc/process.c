/*
 * Process objects: the current process, children that CreateProcess
 * started, and any process OpenProcess opened by pid (winshim or not).
 *
 * Every winshim process of the session has one process object, its
 * process slot's (shm.c): GetCurrentProcess names it, OpenProcess of a
 * session member returns it, and the slot's reaper signals it when the
 * process dies (process_object_exited), with the code the process
 * published about itself.  The objects below that hold a pidfd are the
 * others: children of CreateProcess (see spawn.c) and processes outside
 * the session.
 *
 * State value: 0 running, 1 ended (signalled; waits never consume it).
 * Once it is 1, exit_code and PF_CODE_KNOWN never change.
 *
 * How an end is learned: the object of a process we watch holds a pidfd;
 * the process-exit monitor (procmon.c) calls process_ended on its thread
 * when the pidfd polls readable, with no polling loop.  The exit code:
 *   - a child of ours: waitid(P_PIDFD, WNOWAIT), which leaves the zombie
 *     in place; it is reaped when the object's last handle is closed, so
 *     that, as on Windows, the pid is not reused while a handle to the
 *     process is open;
 *   - another process: the exit status in /proc/<pid>/stat while it is a
 *     zombie (checked against the pidfd, so a recycled pid is not read);
 *     when its parent reaped it first, the code is unknown and
 *     GetExitCodeProcess fails with ERROR_NOT_SUPPORTED;
 *   - a Linux status has 8 bits: a winshim process publishes its full
 *     32-bit code (ExitProcess, exit(), return from main) in its exit box
 *     (process.h), used when its low byte agrees with the status;
 *   - TerminateProcess stores its code before it sends SIGKILL; a process
 *     that died of SIGKILL after that reports the stored code;
 *   - death by another signal maps to the NTSTATUS a Windows program sees
 *     for the same fault (process_signal_code).
 *
 * The registry (pid -> object, this process only) makes OpenProcess of a
 * process we already watch return the same object.  An object stays in it
 * while its process runs (even with no handle: OpenProcess can take it
 * back), and after that only while it is our unreaped child.
 *
 * Fields are split: pid, exit_code, flags, term_code, published and thread
 * live in the arena and may be read by other processes once the arena is
 * shared; owner, pidfd, watch, box, reg_flags and reg_next are
 * process-private: they mean something only in the process whose pid is
 * in `owner`.
 *
 * Locks: reg_lock (a pthread mutex) guards the registry and reg_flags; the
 * object lock (wait_lock for state changes) guards flags, term_code and
 * the use and closing of pidfd.  Neither is taken while the other is held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "proc/process.h"
#include "core/handle_lookup.h"

/* flags, under the object lock: */
#define PF_TERMINATE 0x01  /* term_code holds TerminateProcess's code */
#define PF_CODE_KNOWN 0x02 /* exit_code is the real one */
/* reg_flags, under reg_lock: */
#define RF_CHILD 0x01      /* started by our CreateProcess: ours to reap */
#define RF_REGISTERED 0x02 /* in the registry */
#define RF_RELEASED 0x04   /* left the registry for good; pidfd closed */

struct process_obj {
    struct object hdr;
    /* Shared. */
    uint32_t pid;              /* 0 until known */
    uint32_t exit_code;        /* once ended */
    uint32_t flags;            /* PF_*, under the object lock */
    uint32_t term_code;        /* PF_TERMINATE */
    _Atomic uint32_t published;/* BOX_PUBLISHED: the process set published_code */
    uint32_t published_code;
    aoff_t thread;             /* main thread object (one reference), or 0 */
    int64_t created, exited;   /* FILETIMEs of start and end, once ended */
    uint64_t kernel_100ns, user_100ns; /* CPU times at the end, if known */
    aoff_t job;                /* innermost job (one reference), or 0; job.c */
    aoff_t threads;            /* threads made for other processes: thread.c,
                                * thread_track; under the object lock */
    /* Process-private (see above). */
    uint32_t owner;
    int pidfd;                 /* -1 none */
    uint64_t watch;            /* procmon id while watched */
    struct exit_box *box;      /* a winshim child's exit box, or NULL */
    uint32_t reg_flags;        /* RF_*, under reg_lock */
    struct process_obj *reg_next;
};

/* The shared layout (core/object.h, layout ids). */
static const uint32_t process_layout[] = {
    LAYOUT_SIZE(struct process_obj),
    LAYOUT_FIELD(struct process_obj, pid),
    LAYOUT_FIELD(struct process_obj, exit_code),
    LAYOUT_FIELD(struct process_obj, flags),
    LAYOUT_FIELD(struct process_obj, term_code),
    LAYOUT_FIELD(struct process_obj, published),
    LAYOUT_FIELD(struct process_obj, published_code),
    LAYOUT_FIELD(struct process_obj, thread),
    LAYOUT_FIELD(struct process_obj, created),
    LAYOUT_FIELD(struct process_obj, exited),
    LAYOUT_FIELD(struct process_obj, kernel_100ns),
    LAYOUT_FIELD(struct process_obj, user_100ns),
    LAYOUT_FIELD(struct process_obj, job),
    LAYOUT_FIELD(struct process_obj, threads),
    LAYOUT_FIELD(struct process_obj, owner),
    LAYOUT_FIELD(struct process_obj, pidfd),
    LAYOUT_FIELD(struct process_obj, watch),
    LAYOUT_FIELD(struct process_obj, box),
    LAYOUT_FIELD(struct process_obj, reg_flags),
    LAYOUT_FIELD(struct process_obj, reg_next),
};

static void process_last_close(struct object *o);
static void process_destroy(struct object *o);

static bool process_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t process_acquire(const struct object *o, uint64_t s, uint32_t tid,
                                bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s;
}

const struct object_type process_type = {
    .name = "Process",
    .id = TYPE_PROCESS,
    .size = sizeof(struct process_obj),
    .mapping = {STANDARD_RIGHTS_READ | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION,
                STANDARD_RIGHTS_WRITE | PROCESS_CREATE_PROCESS | PROCESS_CREATE_THREAD |
                    PROCESS_VM_OPERATION | PROCESS_VM_WRITE | PROCESS_DUP_HANDLE |
                    PROCESS_TERMINATE | PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
                    PROCESS_SUSPEND_RESUME,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, PROCESS_ALL_ACCESS},
    .valid_access = PROCESS_ALL_ACCESS,
    .implies_from = PROCESS_QUERY_INFORMATION,
    .implies_to = PROCESS_QUERY_LIMITED_INFORMATION,
    .signaled = process_signaled,
    .acquire = process_acquire,
    .last_close = process_last_close,
    .destroy = process_destroy,
    TYPE_LAYOUT(process_layout),
};

static struct process_obj *po_of(struct object *o)
{
    return (struct process_obj *)o;
}

static bool process_ended(const struct process_obj *p)
{
    return st_value(obj_state(&p->hdr)) != 0;
}

struct object *process_object_new(pid_t pid, DWORD *err)
{
    struct object *o = object_new(&process_type, 0, 0, err);
    if (!o)
        return NULL;
    struct process_obj *p = po_of(o);
    p->pid = (uint32_t)pid;
    p->owner = (uint32_t)getpid();
    p->pidfd = -1;
    return o;
}

void process_object_set_pid(struct object *o, pid_t pid)
{
    po_of(o)->pid = (uint32_t)pid;
}

pid_t process_object_pid(struct object *o)
{
    return (pid_t)po_of(o)->pid;
}

bool process_object_end(struct object *o, int64_t *created, int64_t *exited,
                        uint64_t *kernel, uint64_t *user)
{
    struct process_obj *p = po_of(o);
    obj_lock(o);
    bool ended = st_value(obj_state(o)) != 0;
    *created = p->created;
    *exited = p->exited;
    *kernel = p->kernel_100ns;
    *user = p->user_100ns;
    obj_unlock(o);
    return ended;
}

_Atomic aoff_t *process_job_slot(struct object *o)
{
    return (_Atomic aoff_t *)&po_of(o)->job;
}

aoff_t *process_thread_list(struct object *o)
{
    return &po_of(o)->threads;
}

struct object *process_main_thread(struct object *o)
{
    aoff_t t = po_of(o)->thread;
    return t ? arena_ptr(t) : NULL;
}

bool process_has_ended(struct object *o)
{
    return process_ended(po_of(o));
}

bool process_mark_terminate(struct object *o, uint32_t code)
{
    struct process_obj *p = po_of(o);
    obj_lock(o);
    bool live = !process_ended(p);
    if (live && !(p->flags & PF_TERMINATE)) {
        p->term_code = code;
        p->flags |= PF_TERMINATE;
    }
    obj_unlock(o);
    return live;
}

/* ---- the current process ---- */

static struct exit_box *my_box; /* from our winshim parent, or NULL */

/* The same without attaching: NULL before this process used winshim. */
static struct process_obj *process_self_if_any(void)
{
    struct proc_slot *s = ws_arena.base ? shm_self() : NULL;
    return s ? (struct process_obj *)shm_slot_process(s) : NULL;
}

void process_set_exit_box(struct exit_box *box)
{
    my_box = box;
}

/* Into our own object only if it exists: a process that never used a
 * process handle has nobody to read it (and exit is no time to make
 * one). */
void process_publish_exit(uint32_t code)
{
    struct process_obj *me = process_self_if_any();
    if (me) {
        me->published_code = code;
        atomic_store_explicit(&me->published, BOX_PUBLISHED, memory_order_release);
    }
    if (my_box) {
        my_box->code = code;
        atomic_store_explicit(&my_box->state, BOX_PUBLISHED, memory_order_release);
    }
}

/* exit() and a return from main: their status is the full int, which the
 * Linux exit status cuts to 8 bits. */
static void process_on_exit(int status, void *arg)
{
    (void)arg;
    process_publish_exit((uint32_t)status);
}

__attribute__((constructor)) static void process_install_on_exit(void)
{
#ifdef __GLIBC__
    on_exit(process_on_exit, NULL);
#else
    (void)process_on_exit; /* exit()'s status is not available: 8 bits */
#endif
}

/* ---- the registry ---- */

#define REG_BUCKETS 64
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct process_obj *reg[REG_BUCKETS];

static void reg_add_locked(struct process_obj *p)
{
    p->reg_next = reg[p->pid % REG_BUCKETS];
    reg[p->pid % REG_BUCKETS] = p;
    p->reg_flags |= RF_REGISTERED;
}

static void reg_remove_locked(struct process_obj *p)
{
    if (!(p->reg_flags & RF_REGISTERED))
        return;
    struct process_obj **link = &reg[p->pid % REG_BUCKETS];
    while (*link && *link != p)
        link = &(*link)->reg_next;
    if (*link)
        *link = p->reg_next;
    p->reg_flags &= ~(uint32_t)RF_REGISTERED;
}

/* A reference and a handle count on the object of `pid`, or NULL. */
static struct object *reg_find_locked(uint32_t pid)
{
    for (struct process_obj *p = reg[pid % REG_BUCKETS]; p; p = p->reg_next)
        if (p->pid == pid) {
            object_ref(&p->hdr);
            object_handle_open(&p->hdr);
            return &p->hdr;
        }
    return NULL;
}

/* In a child of fork() (shm.c calls this once the child has its own
 * slot): the children and watches are the parent's, forget them. */
void process_atfork_reset(void)
{
    memset(reg, 0, sizeof reg);
    pthread_mutex_init(&reg_lock, NULL);
    my_box = NULL; /* the parent's box is the parent's parent's business */
}

/* ---- learning the end ---- */

#define STATUS_BREAKPOINT_CODE 0x80000003u
#define STATUS_ACCESS_VIOLATION_CODE 0xC0000005u
#define STATUS_ILLEGAL_INSTRUCTION_CODE 0xC000001Du
#define STATUS_INTEGER_DIVIDE_BY_ZERO_CODE 0xC0000094u
#define STATUS_CONTROL_C_EXIT_CODE 0xC000013Au

/* The exit code of a process killed by `sig` that nobody gave a code:
 * what Windows reports for the same fault, else 128 + sig as a shell
 * would (docs/COMPATIBILITY.md). */
static uint32_t process_signal_code(int sig)
{
    switch (sig) {
    case SIGSEGV:
    case SIGBUS: return STATUS_ACCESS_VIOLATION_CODE;
    case SIGILL: return STATUS_ILLEGAL_INSTRUCTION_CODE;
    case SIGFPE: return STATUS_INTEGER_DIVIDE_BY_ZERO_CODE;
    case SIGTRAP: return STATUS_BREAKPOINT_CODE;
    case SIGINT: return STATUS_CONTROL_C_EXIT_CODE;
    case SIGABRT: return 3; /* abort() in the Microsoft C runtime */
    default: return 128u + (uint32_t)sig;
    }
}

/* A wait status's Windows exit code. */
static uint32_t process_code_of(struct process_obj *p, bool exited, int value)
{
    if (exited) {
        uint32_t pub = 0;
        bool have = false;
        if (p->box && atomic_load_explicit(&p->box->state, memory_order_acquire) ==
                          BOX_PUBLISHED) {
            pub = p->box->code;
            have = true;
        } else if (atomic_load_explicit(&p->published, memory_order_acquire) ==
                   BOX_PUBLISHED) {
            pub = p->published_code;
            have = true;
        }
        /* The published code counts only if the process did end with it
         * (an atexit handler may still have called _exit(other)). */
        return have && (pub & 0xff) == (uint32_t)value ? pub : (uint32_t)value;
    }
    if (value == SIGKILL && (p->flags & PF_TERMINATE))
        return p->term_code;
    return process_signal_code(value);
}

/* The exit status of a zombie that is not our child, from
 * /proc/<pid>/stat (field 52, a wait status); false when unknown.  With a
 * pidfd: accepted if the pidfd's process is still there after the read (a
 * pid is not reused before its zombie is reaped).  Without: accepted if
 * the file is a zombie's. */
static bool process_zombie_status(uint32_t pid, int pidfd, int *status)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%u/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0 || (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0))
        return false;
    buf[n] = '\0';
    char *s = strrchr(buf, ')'); /* after the command name */
    if (!s || (pidfd < 0 && s[1] == ' ' && s[2] != 'Z'))
        return false;
    /* Field 3 (state) is the first after ")"; the exit code is field 52. */
    int field = 2;
    char *save = NULL;
    for (char *tok = strtok_r(s + 1, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save))
        if (++field == 52) {
            *status = atoi(tok);
            return true;
        }
    return false;
}

/* Signals the object (once) with `code`; ends its main thread too. */
static void process_finish(struct process_obj *p, uint32_t code, bool known)
{
    struct wait_guard g;
    bool now = false;
    /* Its jobs count it out before anyone sees it ended (job.c; once). */
    if (!process_ended(p))
        job_process_ended(&p->hdr, code);
    wait_lock(&p->hdr, &g);
    if (!process_ended(p)) {
        now = true;
        p->exit_code = code;
        if (known)
            p->flags |= PF_CODE_KNOWN;
        obj_store_locked(&p->hdr, st_with_value(obj_state(&p->hdr), 1));
        wait_wake_locked(&p->hdr, &g);
    }
    wait_unlock(&p->hdr, &g);
    if (now && p->thread)
        thread_remote_exited(arena_ptr(p->thread), code);
    if (now)
        thread_track_end(&p->hdr, code); /* its threads end with it */
}

/* The zombie of an ended child whose last handle is gone is reaped, and
 * the pid may be reused: leave the registry first.  Non-children leave it
 * as soon as they end (we cannot hold their pid). */
static void process_release(struct process_obj *p)
{
    bool reap = false;
    if (p->owner != (uint32_t)getpid())
        return; /* its pidfd and registry are another process's */
    pthread_mutex_lock(&reg_lock);
    bool child = p->reg_flags & RF_CHILD;
    if (process_ended(p) && !(p->reg_flags & RF_RELEASED) &&
        (!child || object_handle_count(&p->hdr) == 0)) {
        reg_remove_locked(p);
        p->reg_flags |= RF_RELEASED;
        reap = true;
    }
    pthread_mutex_unlock(&reg_lock);
    if (!reap)
        return;
    obj_lock(&p->hdr);
    if (p->pidfd >= 0 && p->owner == (uint32_t)getpid()) {
        if (child) {
            siginfo_t si;
            while (waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, &si, WEXITED) < 0 &&
                   errno == EINTR)
                ;
        }
        close(p->pidfd);
        p->pidfd = -1;
    }
    obj_unlock(&p->hdr);
}

/* The monitor's callback: the process ended. */
static void process_exit_seen(void *ctx)
{
    struct process_obj *p = ctx;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    uint32_t code = 0;
    bool known = false;
    /* Our child (also one that the program forked itself): the status
     * without reaping. */
    int r;
    while ((r = waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, &si,
                       WEXITED | WNOWAIT | WNOHANG)) < 0 &&
           errno == EINTR)
        ;
    int status;
    if (r == 0 && si.si_pid != 0) {
        obj_lock(&p->hdr); /* for term_code and flags */
        code = process_code_of(p, si.si_code == CLD_EXITED, si.si_status);
        obj_unlock(&p->hdr);
        known = true;
    } else {
        if (process_zombie_status(p->pid, p->pidfd, &status)) {
            obj_lock(&p->hdr);
            code = process_code_of(p, WIFEXITED(status),
                                   WIFEXITED(status) ? WEXITSTATUS(status)
                                                     : WTERMSIG(status));
            obj_unlock(&p->hdr);
            known = true;
        } else if (atomic_load_explicit(&p->published, memory_order_acquire) ==
                   BOX_PUBLISHED) {
            code = p->published_code; /* best we have */
            known = true;
        }
    }
    /* Its handles closed, its mutexes abandoned, before anyone learns. */
    shm_finish_death((pid_t)p->pid, &p->hdr);
    process_finish(p, code, known);
    process_release(p);
    object_unref(&p->hdr); /* the watch's */
}

/* The shared process table found the process dead (it reaps winshim
 * processes that died): its own published code, if it left one. */
void process_object_exited(struct object *o)
{
    struct process_obj *p = po_of(o);
    bool pub = atomic_load_explicit(&p->published, memory_order_acquire) ==
               BOX_PUBLISHED;
    /* Its status if we are its parent or it is still a zombie (a fork()ed
     * child that exec()ed another program never published anything). */
    siginfo_t si;
    int status = 0;
    bool exited = false, have = false;
    memset(&si, 0, sizeof si);
    /* GetProcessTimes of an ended process: the end time only (reading
     * /proc here slowed the session's reaping; docs/COMPATIBILITY.md). */
    int64_t created = 0;
    uint64_t kernel = 0, user = 0;
    if (p->pid > 0 && waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOWAIT | WNOHANG) == 0 &&
        si.si_pid == (pid_t)p->pid) {
        have = true;
        exited = si.si_code == CLD_EXITED;
        status = si.si_status;
    } else if (p->pid > 0 && process_zombie_status(p->pid, -1, &status)) {
        have = true;
        exited = WIFEXITED(status);
        status = exited ? WEXITSTATUS(status) : WTERMSIG(status);
    }
    obj_lock(o);
    p->created = created;
    p->exited = time_utc_100ns();
    p->kernel_100ns = kernel;
    p->user_100ns = user;
    uint32_t code = 0;
    bool known = true;
    if (have)
        code = process_code_of(p, exited, status);
    else if (p->flags & PF_TERMINATE)
        code = p->term_code;
    else if (pub)
        code = p->published_code;
    else
        known = false;
    obj_unlock(o);
    process_finish(p, code, known);
}

static DWORD process_watch(struct process_obj *p)
{
    object_ref(&p->hdr); /* the watch's, dropped by process_exit_seen */
    DWORD err = procmon_watch((pid_t)p->pid, p->pidfd, process_exit_seen, p,
                              &p->watch);
    if (err)
        object_unref(&p->hdr);
    return err;
}

DWORD process_adopt_child(struct object *o, pid_t pid, int pidfd,
                          struct object *thread, struct exit_box *box)
{
    struct process_obj *p = po_of(o);
    p->pid = (uint32_t)pid;
    p->pidfd = pidfd;
    p->box = box;
    p->thread = arena_off(thread);
    pthread_mutex_lock(&reg_lock);
    p->reg_flags |= RF_CHILD;
    reg_add_locked(p);
    pthread_mutex_unlock(&reg_lock);
    DWORD err = process_watch(p);
    if (err) {
        pthread_mutex_lock(&reg_lock);
        reg_remove_locked(p);
        p->reg_flags |= RF_RELEASED; /* the caller reaps it */
        pthread_mutex_unlock(&reg_lock);
    }
    return err;
}

static void process_last_close(struct object *o)
{
    process_release(po_of(o));
}

static void process_destroy(struct object *o)
{
    struct process_obj *p = po_of(o);
    shm_slot_forget_creator(o); /* a child's slot named it (spawn.c) */
    if (p->owner == (uint32_t)getpid()) {
        if (p->pidfd >= 0)
            close(p->pidfd);
        if (p->box)
            munmap(p->box, sizeof *p->box);
    }
    if (p->thread)
        object_unref(arena_ptr(p->thread));
    if (p->job) /* a twin's mark (job.c) that no end cleared */
        object_unref(arena_ptr(p->job));
    thread_track_end(o, p->exit_code);
}

/* ---- the API ---- */

WS_EXPORT HANDLE WINAPI GetCurrentProcess(void)
{
    return PSEUDO_CURRENT_PROCESS;
}

WS_EXPORT DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)getpid();
}

WS_EXPORT DWORD WINAPI GetProcessId(HANDLE h)
{
    struct object *o = NULL;
    DWORD pid = 0;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, PROCESS_QUERY_LIMITED_INFORMATION,
                           &o, NULL);
    if (!err)
        pid = po_of(o)->pid;
    ws_rcu_unlock();
    if (err)
        ws_set_last_error(err);
    return pid;
}

/* Rights that Linux grants on another user's process only to a
 * privileged caller (kill(2), ptrace): the rest - waiting, the pid, the
 * exit code - anyone may have, as a pidfd and /proc give them. */
#define PROCESS_OPEN_RIGHTS (SYNCHRONIZE | READ_CONTROL | PROCESS_QUERY_LIMITED_INFORMATION)

/* The access an OpenProcess gets; ERROR_ACCESS_DENIED for rights the
 * caller may not have on that process. */
static DWORD process_open_access(DWORD want, bool may_control, ACCESS_MASK *out)
{
    ACCESS_MASK a = object_map_access(&process_type, want);
    if (!may_control) {
        if (want & MAXIMUM_ALLOWED)
            a &= PROCESS_OPEN_RIGHTS;
        else if (a & ~(ACCESS_MASK)PROCESS_OPEN_RIGHTS)
            return ERROR_ACCESS_DENIED;
    }
    *out = a;
    return ERROR_SUCCESS;
}

/* A new object for a process we do not watch yet, or the registered one
 * if another thread made it meanwhile. */
static DWORD process_open_pid(uint32_t pid, bool *may_control, struct object **out)
{
    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (pidfd < 0)
        /* ENOENT, EINVAL: a thread that is not a process (by kernel
         * version) */
        return errno == ESRCH || errno == EINVAL || errno == ENOENT
                   ? ERROR_INVALID_PARAMETER
                   : ws_errno_to_win32(errno);
    *may_control = syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0 ||
                   errno != EPERM;
    DWORD err;
    struct object *o = process_object_new((pid_t)pid, &err);
    if (!o) {
        close(pidfd);
        return err;
    }
    struct process_obj *p = po_of(o);
    p->pidfd = pidfd;
    object_handle_open(o);
    pthread_mutex_lock(&reg_lock);
    struct object *other = reg_find_locked(pid);
    if (!other)
        reg_add_locked(p);
    pthread_mutex_unlock(&reg_lock);
    if (other) {
        object_handle_close(o);
        object_unref(o);
        *out = other;
        return ERROR_SUCCESS;
    }
    if ((err = process_watch(p))) {
        pthread_mutex_lock(&reg_lock);
        reg_remove_locked(p);
        pthread_mutex_unlock(&reg_lock);
        object_handle_close(o);
        object_unref(o);
        return err;
    }
    *out = o;
    return ERROR_SUCCESS;
}

/* The process object of session member pid, with a reference, or NULL.
 * Its slot is checked again after the reference is taken: a slot reaped
 * and reused meanwhile holds another process's object. */
static struct object *member_process_ref(DWORD pid)
{
    struct proc_slot *s = shm_slot_of_pid((pid_t)pid);
    if (!s || shm_reap_if_dead(s, atomic_load_explicit(&s->gen, memory_order_acquire)) ||
        shm_slot_of_pid((pid_t)pid) != s)
        return NULL;
    struct object *o = shm_slot_process_ref(s, SLOT_OWN);
    if (o && shm_slot_pid(s) != (pid_t)pid) {
        object_unref(o);
        o = NULL;
    }
    return o;
}

WS_EXPORT HANDLE WINAPI OpenProcess(DWORD access, BOOL inherit, DWORD pid)
{
    arena_init();
    if (access == 0)
        return ws_null(ERROR_ACCESS_DENIED);
    if (access & ACCESS_SYSTEM_SECURITY)
        return ws_null(ERROR_PRIVILEGE_NOT_HELD);
    if (access & ~(DWORD)(PROCESS_ALL_ACCESS | GENERIC_READ | GENERIC_WRITE |
                          GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED))
        return ws_null(ERROR_ACCESS_DENIED);
    if (pid == 0) /* the idle process */
        return ws_null(ERROR_INVALID_PARAMETER);

    struct object *o = NULL;
    bool may_control = true;
    DWORD err = ERROR_SUCCESS;
    struct object *so;
    if (pid == (DWORD)getpid()) {
        o = process_self_object();
        object_ref(o);
        object_handle_open(o);
    } else {
        /* Ours first (a child's object is the one its creator holds),
         * then a session member's, then a pidfd of our own. */
        pthread_mutex_lock(&reg_lock);
        o = reg_find_locked(pid);
        pthread_mutex_unlock(&reg_lock);
        if (!o && (so = member_process_ref(pid))) {
            o = so; /* same user: full rights */
            object_handle_open(o);
            /* Its object is signalled by whoever reaps it: make sure
             * someone watches (a wait on the handle must end when the
             * process does, even with no other member running). */
            shm_deathwatch_start();
        } else if (o) {
            obj_lock(o); /* pidfd may be closing */
            int fd = po_of(o)->pidfd;
            may_control = fd < 0 || syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) == 0 ||
                          errno != EPERM;
            obj_unlock(o);
        } else
            err = process_open_pid(pid, &may_control, &o);
    }
    if (err)
        return ws_null(err);
    ACCESS_MASK granted = 0;
    HANDLE h = NULL;
    if ((err = process_open_access(access, may_control, &granted))) {
        object_handle_close(o);
        object_unref(o);
        return ws_null(err);
    }
    err = handle_insert_or_drop(o, granted, inherit, &h);
    return err ? ws_null(err) : h;
}

WS_EXPORT BOOL WINAPI GetExitCodeProcess(HANDLE h, LPDWORD code)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, PROCESS_QUERY_LIMITED_INFORMATION,
                           &o, NULL);
    if (!err) {
        struct process_obj *p = po_of(o);
        if (!code)
            err = ERROR_NOACCESS;
        else if (!process_ended(p))
            *code = STILL_ACTIVE;
        else if (!(p->flags & PF_CODE_KNOWN))
            err = ERROR_NOT_SUPPORTED; /* docs/COMPATIBILITY.md */
        else
            *code = p->exit_code;
    }
    ws_rcu_unlock();
    return ws_bool(err);
}

/* As Windows orders it: the other threads end first (thread.c), then the
 * exit handlers (atexit, C++ destructors, DLL_PROCESS_DETACH through
 * module.c's handler) run in this thread alone, then the process ends.  A
 * second thread calling it meanwhile is ended by the first: the first
 * code is the one published. */
WS_EXPORT DECLSPEC_NORETURN void WINAPI ExitProcess(UINT code)
{
    thread_end_others(code);
    process_publish_exit(code);
    exit((int)code);
}

WS_EXPORT BOOL WINAPI TerminateProcess(HANDLE h, UINT code)
{
    struct object *o = NULL, *twin = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, PROCESS_TERMINATE, &o, NULL);
    if (!err && o == process_self_object()) {
        ws_rcu_unlock();
        /* No exit handlers, as Windows runs no DLL detach here. */
        process_publish_exit(code);
        _exit((int)code);
    }
    if (!err) {
        struct process_obj *p = po_of(o);
        /* The child's other object reports the same code (its remote
         * threads end with it: thread_track_end). */
        twin = process_twin(o);
        if (twin)
            process_mark_terminate(twin, code);
        obj_lock(o);
        if (process_ended(p)) {
            err = ERROR_ACCESS_DENIED; /* as documented */
        } else {
            /* Our pidfd, or one opened now for a session member (its slot
             * still naming this object after the open: not a recycled
             * pid). */
            int fd = p->owner == (uint32_t)getpid() ? p->pidfd : -1;
            bool own_fd = false;
            struct proc_slot *s;
            if (fd < 0 && (s = shm_slot_of_process(o)) && shm_slot_pid(s) > 0) {
                pid_t spid = shm_slot_pid(s);
                fd = (int)syscall(SYS_pidfd_open, spid, 0);
                own_fd = fd >= 0;
                if (fd >= 0 && (shm_slot_of_process(o) != s || shm_slot_pid(s) != spid)) {
                    close(fd);
                    fd = -1;
                    own_fd = false;
                }
            }
            if (fd < 0) {
                err = ERROR_NOT_SUPPORTED; /* no way to reach it */
            } else {
                uint32_t saved_flags = p->flags, saved_code = p->term_code;
                p->term_code = code;
                p->flags |= PF_TERMINATE;
                if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0) {
                    err = errno == ESRCH ? ERROR_ACCESS_DENIED : ws_errno_to_win32(errno);
                    p->flags = saved_flags;
                    p->term_code = saved_code;
                }
                if (own_fd)
                    close(fd);
            }
        }
        obj_unlock(o);
    }
    ws_rcu_unlock();
    if (twin)
        object_unref(twin);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetProcessHandleCount(HANDLE h, PDWORD count)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, PROCESS_QUERY_LIMITED_INFORMATION,
                           &o, NULL);
    /* A winshim process's table is in the session: ours or another's. */
    struct proc_slot *s = err ? NULL : shm_slot_of_process(o);
    ws_rcu_unlock();
    if (!err && !s)
        err = ERROR_NOT_SUPPORTED; /* a process without winshim */
    if (!err && !count)
        err = ERROR_NOACCESS;
    if (!err)
        *count = handle_count_of(s);
    return ws_bool(err);
}
