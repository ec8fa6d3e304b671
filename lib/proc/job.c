/*
 * Job objects: a set of processes managed as a unit (CreateJobObject,
 * AssignProcessToJobObject, TerminateJobObject, the limits and accounting
 * of Query/SetInformationJobObject, and JOB_OBJECT_MSG_* packets on a
 * completion port).
 *
 * A job lives in the arena like every named object, so that any process
 * of the session may open it by name, query it or end it.  Its members
 * are process objects (process.c): each member entry holds a reference
 * on the process object, and the process object's `job` word holds one on
 * the innermost job it is in.  The end of a member is learned where every
 * process end is learned - the monitor's pidfd for children and opened
 * processes, the session's reaper for winshim processes - and process.c
 * then calls job_process_ended, which counts it out of its job and of
 * every enclosing one, adds its times and I/O to the job's totals and
 * posts EXIT_PROCESS (or ABNORMAL_EXIT_PROCESS) and ACTIVE_PROCESS_ZERO.
 *
 * Nesting (Windows 8 rules): a process in job A assigned to job B, which
 * has no parent and no process, makes B a child of A; the process is then
 * in B and in A.  Every job of the chain has a member entry for it, so
 * counts, the pid list and termination are per job with no tree walk.
 *
 * State word value: 1 once TerminateJobObject ran (signalled; waits never
 * consume it).
 *
 * What Linux enforces (docs/COMPATIBILITY.md): membership, termination,
 * kill-on-close, the active-process limit, breakaway and the messages are
 * winshim's own bookkeeping on pidfds; the per-process memory limit is
 * RLIMIT_DATA (prlimit) on each member; limits that need the kernel's help
 * with the whole tree (job memory, CPU rate, time and working-set limits,
 * priority and affinity) fail with ERROR_NOT_SUPPORTED.
 *
 * Locks: the job's object lock guards every field below; it is held for
 * one job at a time and never while a process object's lock is taken,
 * nor while a packet is posted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/names.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/wait.h"
#include "io/overlapped.h"
#include "proc/process.h"
#include "core/handle_lookup.h"

#define JOB_MAX_MEMBERS 128

/* jflags: */
#define JF_TERMINATED 0x1 /* TerminateJobObject ran */
#define JF_CLOSED 0x2     /* the last handle went */

struct job_member {
    aoff_t process; /* the process object (one reference); 0: free entry */
    aoff_t twin;    /* its twin (one reference), or 0: see process_twin */
    uint32_t pid;
    uint64_t start; /* start time in /proc (clock ticks): the identity */
};

struct job_obj {
    struct object hdr;
    uint32_t limit_flags;
    uint32_t active_limit;
    uint64_t process_memory_limit;
    uint32_t jflags;
    uint32_t total_processes;
    uint32_t active_processes;
    uint32_t terminated_processes;
    /* Members counted out whose EXIT_PROCESS message is not posted yet:
     * ACTIVE_PROCESS_ZERO waits for them, so it is always the last. */
    uint32_t exits_unposted;
    /* What the members that ended used (100 ns units, counts, bytes). */
    uint64_t dead_user, dead_kernel, dead_faults;
    uint64_t dead_io[4]; /* read ops, write ops, read bytes, write bytes */
    aoff_t port;         /* completion port (one reference), 0 none */
    uint64_t port_key;
    aoff_t parent;       /* enclosing job (one reference), 0 none */
    uint32_t children;   /* jobs nested in this one */
    struct job_member m[JOB_MAX_MEMBERS];
};

static const uint32_t job_layout[] = {
    LAYOUT_SIZE(struct job_obj),
    LAYOUT_FIELD(struct job_obj, limit_flags),
    LAYOUT_FIELD(struct job_obj, active_limit),
    LAYOUT_FIELD(struct job_obj, process_memory_limit),
    LAYOUT_FIELD(struct job_obj, jflags),
    LAYOUT_FIELD(struct job_obj, total_processes),
    LAYOUT_FIELD(struct job_obj, active_processes),
    LAYOUT_FIELD(struct job_obj, terminated_processes),
    LAYOUT_FIELD(struct job_obj, exits_unposted),
    LAYOUT_FIELD(struct job_obj, dead_user),
    LAYOUT_FIELD(struct job_obj, dead_kernel),
    LAYOUT_FIELD(struct job_obj, dead_faults),
    LAYOUT_FIELD(struct job_obj, dead_io),
    LAYOUT_FIELD(struct job_obj, port),
    LAYOUT_FIELD(struct job_obj, port_key),
    LAYOUT_FIELD(struct job_obj, parent),
    LAYOUT_FIELD(struct job_obj, children),
    LAYOUT_FIELD(struct job_obj, m),
    LAYOUT_SIZE(struct job_member),
    LAYOUT_FIELD(struct job_member, process),
    LAYOUT_FIELD(struct job_member, twin),
    LAYOUT_FIELD(struct job_member, pid),
    LAYOUT_FIELD(struct job_member, start),
};

static void job_last_close(struct object *o);
static void job_destroy(struct object *o);

static bool job_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t job_acquire(const struct object *o, uint64_t s, uint32_t tid,
                            bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s;
}

const struct object_type job_type = {
    .name = "Job",
    .id = TYPE_JOB,
    .size = sizeof(struct job_obj),
    .mapping = {STANDARD_RIGHTS_READ | JOB_OBJECT_QUERY,
                STANDARD_RIGHTS_WRITE | JOB_OBJECT_ASSIGN_PROCESS |
                    JOB_OBJECT_SET_ATTRIBUTES | JOB_OBJECT_TERMINATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, JOB_OBJECT_ALL_ACCESS},
    .valid_access = JOB_OBJECT_ALL_ACCESS,
    .signaled = job_signaled,
    .acquire = job_acquire,
    .last_close = job_last_close,
    .destroy = job_destroy,
    TYPE_LAYOUT(job_layout),
};

static struct job_obj *job_of(struct object *o)
{
    return (struct job_obj *)o;
}

/* ---- what /proc says about a member ---- */

struct usage {
    uint64_t user, kernel, faults; /* 100 ns, 100 ns, count */
    uint64_t io[4];
};

/* Fields of /proc/<pid>/stat after the command name: want[k] is field
 * number idx[k] (1-based, as proc(5) counts). */
static bool proc_stat_fields(uint32_t pid, const int *idx, uint64_t *want, int n)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%u/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return false;
    buf[len] = '\0';
    char *s = strrchr(buf, ')');
    if (!s)
        return false;
    int field = 2, got = 0;
    char *save = NULL;
    for (char *tok = strtok_r(s + 1, " \n", &save); tok && got < n;
         tok = strtok_r(NULL, " \n", &save)) {
        field++;
        for (int k = 0; k < n; k++)
            if (idx[k] == field) {
                want[k] = strtoull(tok, NULL, 10);
                got++;
            }
    }
    return got == n;
}

static uint64_t proc_start_time(uint32_t pid)
{
    static const int idx[1] = {22};
    uint64_t v = 0;
    return proc_stat_fields(pid, idx, &v, 1) ? v : 0;
}

static void proc_usage(uint32_t pid, struct usage *u)
{
    static const int idx[4] = {10, 12, 14, 15}; /* minflt majflt utime stime */
    uint64_t v[4] = {0, 0, 0, 0};
    memset(u, 0, sizeof *u);
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    if (proc_stat_fields(pid, idx, v, 4)) {
        u->faults = v[0] + v[1];
        u->user = v[2] * (10000000u / (uint64_t)hz);
        u->kernel = v[3] * (10000000u / (uint64_t)hz);
    }
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%u/io", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return;
    buf[len] = '\0';
    static const char *const keys[4] = {"syscr:", "syscw:", "rchar:", "wchar:"};
    for (int k = 0; k < 4; k++) {
        char *at = strstr(buf, keys[k]);
        if (at)
            u->io[k] = strtoull(at + strlen(keys[k]), NULL, 10);
    }
}

/* A pidfd for the member, only if its pid still names the same process. */
static int member_pidfd(const struct job_member *m)
{
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)m->pid, 0);
    if (fd >= 0 && m->start && proc_start_time(m->pid) != m->start) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- completion-port messages ---- */

struct post {
    aoff_t port; /* with a reference */
    uint64_t key;
};

/* Under the job lock: the port to post to after unlocking (reference). */
static struct post job_port_locked(struct job_obj *j)
{
    struct post p = {j->port, j->port_key};
    if (p.port)
        object_ref(arena_ptr(p.port));
    return p;
}

static void job_post(struct post *p, DWORD msg, uint32_t pid)
{
    if (p->port)
        iocp_post(p->port, (ULONG_PTR)p->key, msg, (LPOVERLAPPED)(uintptr_t)pid, 0);
}

static void job_post_done(struct post *p)
{
    if (p->port)
        object_unref(arena_ptr(p->port));
    p->port = 0;
}

/* ---- membership ---- */

/*
 * A winshim child has two process objects: the one its creator's
 * CreateProcess returned (the slot's creator object) and the one its own
 * slot holds (GetCurrentProcess in the child, OpenProcess by pid).  Both
 * stand for the process: a job marks both, so that the child sees its job
 * and either object's end counts it out.  The twin of p, with a
 * reference, or NULL.
 */
struct object *process_twin(struct object *p)
{
    struct proc_slot *s = shm_slot_of_process(p);
    if (!s)
        return NULL;
    aoff_t own = __atomic_load_n(&s->process_obj, __ATOMIC_ACQUIRE);
    aoff_t cr = atomic_load_explicit(&s->creator_obj, memory_order_acquire);
    int which = arena_off(p) == own ? SLOT_CREATOR : arena_off(p) == cr ? SLOT_OWN : -1;
    if (which < 0)
        return NULL;
    struct object *o = shm_slot_process_ref(s, which);
    if (o == p) { /* the slot's two fields name one object */
        object_unref(o);
        return NULL;
    }
    return o;
}

/* Exception codes (NTSTATUS errors and the breakpoint) are what Windows
 * reports as an abnormal end. */
static bool exit_is_abnormal(uint32_t code)
{
    return (code & 0xC0000000u) == 0xC0000000u || code == 0x80000003u;
}

void job_process_ended(struct object *p, uint32_t code)
{
    _Atomic aoff_t *slot = process_job_slot(p);
    aoff_t first = atomic_exchange_explicit(slot, 0, memory_order_acq_rel);
    if (!first)
        return;
    /* The pid from the entry: a twin may not know it (process_twin). */
    uint32_t pid = 0;
    struct usage u;
    memset(&u, 0, sizeof u);
    aoff_t me = arena_off(p), other = 0;
    for (aoff_t off = first; off;) {
        struct job_obj *j = arena_ptr(off);
        bool found = false, zero = false;
        struct job_member e = {0};
        obj_lock(&j->hdr);
        for (int i = 0; i < JOB_MAX_MEMBERS; i++)
            if (j->m[i].process && (j->m[i].process == me || j->m[i].twin == me)) {
                e = j->m[i];
                memset(&j->m[i], 0, sizeof j->m[i]);
                found = true;
                break;
            }
        if (found && !pid) {
            pid = e.pid;
            proc_usage(pid, &u); /* a zombie still has its numbers */
        }
        if (found) {
            j->active_processes--;
            j->exits_unposted++;
            j->dead_user += u.user;
            j->dead_kernel += u.kernel;
            j->dead_faults += u.faults;
            for (int k = 0; k < 4; k++)
                j->dead_io[k] += u.io[k];
        }
        struct post post = job_port_locked(j);
        off = j->parent;
        obj_unlock(&j->hdr);
        if (found) {
            job_post(&post, exit_is_abnormal(code) ? JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS
                                                   : JOB_OBJECT_MSG_EXIT_PROCESS,
                     pid);
            /* The last to post its exit, with none active, posts the zero:
             * another member counted out before us may post after us. */
            obj_lock(&j->hdr);
            zero = --j->exits_unposted == 0 && j->active_processes == 0;
            obj_unlock(&j->hdr);
            if (zero)
                job_post(&post, JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO, 0);
            other = e.process == me ? e.twin : e.process;
            if (e.twin)
                object_unref(arena_ptr(e.twin)); /* the entry's */
            object_unref(arena_ptr(e.process));
        }
        job_post_done(&post);
    }
    object_unref(arena_ptr(first)); /* the process's */
    /* The twin's mark goes too (it may be gone already: then its word
     * was cleared by its own end or destruction). */
    if (other) {
        struct object *o = arena_ptr(other);
        if (object_ref_live(o)) {
            aoff_t t = atomic_exchange_explicit(process_job_slot(o), 0, memory_order_acq_rel);
            if (t)
                object_unref(arena_ptr(t));
            object_unref(o);
        }
    }
}

/* Whether `j` or one of its ancestors is `anc`. */
static bool job_within(struct job_obj *j, struct job_obj *anc)
{
    for (struct job_obj *k = j; k; k = k->parent ? arena_ptr(k->parent) : NULL)
        if (k == anc)
            return true;
    return false;
}

/* Kills one member (the job's code as its exit code). */
static void member_kill(aoff_t proc, aoff_t twin, uint32_t pid, uint64_t start,
                        uint32_t code)
{
    struct object *p = arena_ptr(proc);
    if (twin)
        process_mark_terminate(arena_ptr(twin), code);
    if (!process_mark_terminate(p, code))
        return;
    struct job_member m = {.process = proc, .pid = pid, .start = start};
    int fd = member_pidfd(&m);
    if (fd >= 0) {
        syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
        close(fd);
    }
}

/* Kills every member of `j` with `code`. */
static void job_kill_all(struct job_obj *j, uint32_t code)
{
    struct job_member snap[JOB_MAX_MEMBERS];
    int n = 0;
    obj_lock(&j->hdr);
    for (int i = 0; i < JOB_MAX_MEMBERS; i++)
        if (j->m[i].process) {
            snap[n] = j->m[i];
            object_ref(arena_ptr(snap[n].process));
            if (snap[n].twin)
                object_ref(arena_ptr(snap[n].twin));
            n++;
        }
    obj_unlock(&j->hdr);
    for (int i = 0; i < n; i++) {
        member_kill(snap[i].process, snap[i].twin, snap[i].pid, snap[i].start, code);
        if (snap[i].twin)
            object_unref(arena_ptr(snap[i].twin));
        object_unref(arena_ptr(snap[i].process));
    }
}

/* Puts p into the jobs from `inner` up to (not including) `stop`, checking
 * every active-process limit first.  The caller made sure p is in no job
 * of that range. */
static DWORD job_join(struct job_obj *inner, struct job_obj *stop, struct object *p,
                      struct object *twin)
{
    uint32_t pid = (uint32_t)process_object_pid(p);
    uint64_t start = proc_start_time(pid);
    /* Limits first, so that a refusal leaves every job as it was. */
    for (struct job_obj *j = inner; j && j != stop;
         j = j->parent ? arena_ptr(j->parent) : NULL) {
        obj_lock(&j->hdr);
        bool over = (j->limit_flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) &&
                    j->active_processes >= j->active_limit;
        bool full = j->active_processes >= JOB_MAX_MEMBERS;
        struct post post = over ? job_port_locked(j) : (struct post){0, 0};
        if (over)
            j->terminated_processes++;
        obj_unlock(&j->hdr);
        if (over) {
            job_post(&post, JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT, 0);
            job_post_done(&post);
            return ERROR_NOT_ENOUGH_QUOTA;
        }
        if (full)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (struct job_obj *j = inner; j && j != stop;
         j = j->parent ? arena_ptr(j->parent) : NULL) {
        obj_lock(&j->hdr);
        for (int i = 0; i < JOB_MAX_MEMBERS; i++)
            if (!j->m[i].process) {
                object_ref(p);
                j->m[i].process = arena_off(p);
                if (twin)
                    object_ref(twin);
                j->m[i].twin = twin ? arena_off(twin) : 0;
                j->m[i].pid = pid;
                j->m[i].start = start;
                break;
            }
        j->total_processes++;
        j->active_processes++;
        uint64_t mem = (j->limit_flags & JOB_OBJECT_LIMIT_PROCESS_MEMORY)
                           ? j->process_memory_limit
                           : 0;
        obj_unlock(&j->hdr);
        if (mem) {
            struct rlimit rl = {mem, mem};
            prlimit((pid_t)pid, RLIMIT_DATA, &rl, NULL);
        }
    }
    return ERROR_SUCCESS;
}

/* NEW_PROCESS to the ports of the jobs p joined, once it is marked as
 * theirs (whoever gets the message may ask IsProcessInJob at once). */
static void job_announce(struct job_obj *inner, struct job_obj *stop, uint32_t pid)
{
    for (struct job_obj *j = inner; j && j != stop;
         j = j->parent ? arena_ptr(j->parent) : NULL) {
        obj_lock(&j->hdr);
        struct post post = job_port_locked(j);
        obj_unlock(&j->hdr);
        job_post(&post, JOB_OBJECT_MSG_NEW_PROCESS, pid);
        job_post_done(&post);
    }
}

/* Serialises assignments (which read and change a process's job word and
 * a job's parent) within this process; across processes the job word's
 * compare-and-swap decides. */
static pthread_mutex_t assign_lock = PTHREAD_MUTEX_INITIALIZER;

static DWORD job_assign(struct job_obj *j, struct object *p)
{
    if (process_has_ended(p))
        return ERROR_ACCESS_DENIED;
    _Atomic aoff_t *slot = process_job_slot(p);
    pthread_mutex_lock(&assign_lock);
    aoff_t cur_off = atomic_load_explicit(slot, memory_order_acquire);
    struct job_obj *cur = cur_off ? arena_ptr(cur_off) : NULL;
    DWORD err = ERROR_SUCCESS;
    bool nest = false;
    if (cur && job_within(cur, j)) {
        err = ERROR_SUCCESS; /* already in it (directly or nested below) */
        goto out;
    }
    if (cur) {
        /* Windows 8 nesting: j becomes a child of the process's job if it
         * has no parent yet and no process of its own. */
        obj_lock(&j->hdr);
        bool empty = !j->parent && j->active_processes == 0 && !job_within(cur, j);
        if (empty) {
            object_ref(&cur->hdr);
            j->parent = cur_off;
        }
        obj_unlock(&j->hdr);
        if (!empty) {
            err = ERROR_ACCESS_DENIED;
            goto out;
        }
        obj_lock(&cur->hdr);
        cur->children++;
        obj_unlock(&cur->hdr);
        nest = true;
    }
    struct object *twin = process_twin(p);
    if (!(err = job_join(j, cur, p, twin))) {
        object_ref(&j->hdr);
        atomic_store_explicit(slot, arena_off(j), memory_order_release);
        if (cur)
            object_unref(&cur->hdr); /* the process's, now j's (parent) */
        if (twin) {
            object_ref(&j->hdr);
            aoff_t old = atomic_exchange_explicit(process_job_slot(twin), arena_off(j),
                                                  memory_order_acq_rel);
            if (old)
                object_unref(arena_ptr(old));
        }
        job_announce(j, cur, (uint32_t)process_object_pid(p));
    } else if (nest) {
        obj_lock(&j->hdr);
        j->parent = 0;
        obj_unlock(&j->hdr);
        obj_lock(&cur->hdr);
        cur->children--;
        obj_unlock(&cur->hdr);
        object_unref(&cur->hdr);
    }
    if (twin)
        object_unref(twin);
out:
    pthread_mutex_unlock(&assign_lock);
    /* A process that ended meanwhile may have missed the count-out. */
    if (!err && process_has_ended(p))
        job_process_ended(p, 0);
    return err;
}

static void job_last_close(struct object *o)
{
    struct job_obj *j = job_of(o);
    obj_lock(o);
    j->jflags |= JF_CLOSED;
    bool kill = j->limit_flags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    obj_unlock(o);
    if (kill)
        job_kill_all(j, 0);
}

static void job_destroy(struct object *o)
{
    struct job_obj *j = job_of(o);
    if (j->port)
        object_unref(arena_ptr(j->port));
    if (j->parent) {
        struct job_obj *par = arena_ptr(j->parent);
        obj_lock(&par->hdr);
        par->children--;
        obj_unlock(&par->hdr);
        object_unref(&par->hdr);
    }
}

/* ---- CreateProcess ---- */

/* The caller's innermost job, with a reference, or NULL. */
static struct job_obj *job_of_self(void)
{
    struct object *me = process_self_object();
    if (!me)
        return NULL;
    aoff_t off = atomic_load_explicit(process_job_slot(me), memory_order_acquire);
    if (!off || !object_ref_live(arena_ptr(off)))
        return NULL;
    return arena_ptr(off);
}

/* The limit flags that apply to a child of the caller: every job of the
 * chain must allow a breakaway. */
static bool job_chain_allows(struct job_obj *j, uint32_t flag)
{
    for (; j; j = j->parent ? arena_ptr(j->parent) : NULL)
        if (!(j->limit_flags & flag))
            return false;
    return true;
}

DWORD job_spawn_check(DWORD creation_flags)
{
    if (!(creation_flags & CREATE_BREAKAWAY_FROM_JOB))
        return ERROR_SUCCESS;
    struct job_obj *j = job_of_self();
    if (!j)
        return ERROR_SUCCESS;
    bool ok = job_chain_allows(j, JOB_OBJECT_LIMIT_BREAKAWAY_OK) ||
              job_chain_allows(j, JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK);
    object_unref(&j->hdr);
    return ok ? ERROR_SUCCESS : ERROR_ACCESS_DENIED;
}

DWORD job_spawned(struct object *p, DWORD creation_flags)
{
    struct job_obj *j = job_of_self();
    if (!j)
        return ERROR_SUCCESS;
    DWORD err = ERROR_SUCCESS;
    bool away = job_chain_allows(j, JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK) ||
                ((creation_flags & CREATE_BREAKAWAY_FROM_JOB) &&
                 job_chain_allows(j, JOB_OBJECT_LIMIT_BREAKAWAY_OK));
    if (!away)
        err = job_assign(j, p);
    object_unref(&j->hdr);
    return err;
}

/* ---- the API ---- */

static struct object *job_make(void *ctx, DWORD *err)
{
    (void)ctx;
    return object_new(&job_type, 0, 0, err);
}

WS_EXPORT HANDLE WINAPI CreateJobObjectW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name)
{
    return object_create_handle(&job_type, job_make, NULL, name, NULL, false,
                                JOB_OBJECT_ALL_ACCESS, sa);
}

WS_EXPORT HANDLE WINAPI CreateJobObjectA(LPSECURITY_ATTRIBUTES sa, LPCSTR name)
{
    return object_create_handle(&job_type, job_make, NULL, NULL, name, true,
                                JOB_OBJECT_ALL_ACCESS, sa);
}

WS_EXPORT HANDLE WINAPI OpenJobObjectW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return object_open_handle(&job_type, name, NULL, false, access, inherit);
}

WS_EXPORT HANDLE WINAPI OpenJobObjectA(DWORD access, BOOL inherit, LPCSTR name)
{
    return object_open_handle(&job_type, NULL, name, true, access, inherit);
}

WS_EXPORT BOOL WINAPI AssignProcessToJobObject(HANDLE job, HANDLE process)
{
    struct object *jo = NULL, *po = NULL;
    DWORD err = handle_ref(job, &job_type, JOB_OBJECT_ASSIGN_PROCESS, &jo, NULL);
    if (!err)
        err = handle_ref(process, &process_type, PROCESS_SET_QUOTA | PROCESS_TERMINATE,
                         &po, NULL);
    if (!err) {
        err = job_assign(job_of(jo), po);
        if (err == ERROR_NOT_ENOUGH_QUOTA) {
            /* Over the active-process limit: "the process is terminated
             * and the association fails". */
            uint32_t pid = (uint32_t)process_object_pid(po);
            struct object *twin = process_twin(po);
            member_kill(arena_off(po), twin ? arena_off(twin) : 0, pid, proc_start_time(pid),
                        ERROR_NOT_ENOUGH_QUOTA);
            if (twin)
                object_unref(twin);
        }
        /* Someone must see members and holders die (process.c's objects
         * of session members are signalled by the session's reaper). */
        shm_deathwatch_start();
    }
    if (po)
        object_unref(po);
    if (jo)
        object_unref(jo);
    return ws_bool(err);
}

/* A third object for a member (a pidfd object OpenProcess made while the
 * member's slot was changing state) carries no mark: its pid and start
 * time may still match an entry. */
static bool job_has_pid(struct job_obj *j, uint32_t pid)
{
    uint64_t start = pid ? proc_start_time(pid) : 0;
    bool found = false;
    obj_lock(&j->hdr);
    for (int i = 0; i < JOB_MAX_MEMBERS && start; i++)
        found |= j->m[i].process && j->m[i].pid == pid && j->m[i].start == start;
    obj_unlock(&j->hdr);
    return found;
}

WS_EXPORT BOOL WINAPI IsProcessInJob(HANDLE process, HANDLE job, PBOOL result)
{
    struct object *po = NULL, *jo = NULL;
    DWORD err = handle_ref(process, &process_type, PROCESS_QUERY_LIMITED_INFORMATION,
                           &po, NULL);
    if (!err && job)
        err = handle_ref(job, &job_type, JOB_OBJECT_QUERY, &jo, NULL);
    if (!err && !result)
        err = ERROR_NOACCESS;
    if (!err) {
        pthread_mutex_lock(&assign_lock);
        aoff_t off = atomic_load_explicit(process_job_slot(po), memory_order_acquire);
        *result = off && (!jo || job_within(arena_ptr(off), job_of(jo)));
        pthread_mutex_unlock(&assign_lock);
        if (!*result && jo)
            *result = job_has_pid(job_of(jo), (uint32_t)process_object_pid(po));
    }
    if (jo)
        object_unref(jo);
    if (po)
        object_unref(po);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI TerminateJobObject(HANDLE job, UINT code)
{
    struct object *jo = NULL;
    DWORD err = handle_ref(job, &job_type, JOB_OBJECT_TERMINATE, &jo, NULL);
    if (err)
        return ws_bool(err);
    struct job_obj *j = job_of(jo);
    job_kill_all(j, code);
    struct wait_guard g;
    wait_lock(jo, &g);
    j->jflags |= JF_TERMINATED;
    obj_store_locked(jo, st_with_value(obj_state(jo), 1));
    wait_wake_locked(jo, &g);
    wait_unlock(jo, &g);
    object_unref(jo);
    return TRUE;
}

/* ---- information classes ---- */

static void job_accounting(struct job_obj *j, JOBOBJECT_BASIC_ACCOUNTING_INFORMATION *a,
                           IO_COUNTERS *io)
{
    uint32_t pids[JOB_MAX_MEMBERS];
    int n = 0;
    memset(a, 0, sizeof *a);
    obj_lock(&j->hdr);
    uint64_t user = j->dead_user, kernel = j->dead_kernel, faults = j->dead_faults;
    uint64_t d[4];
    memcpy(d, j->dead_io, sizeof d);
    a->TotalProcesses = j->total_processes;
    a->ActiveProcesses = j->active_processes;
    a->TotalTerminatedProcesses = j->terminated_processes;
    for (int i = 0; i < JOB_MAX_MEMBERS; i++)
        if (j->m[i].process)
            pids[n++] = j->m[i].pid;
    obj_unlock(&j->hdr);
    for (int i = 0; i < n; i++) {
        struct usage u;
        proc_usage(pids[i], &u);
        user += u.user;
        kernel += u.kernel;
        faults += u.faults;
        for (int k = 0; k < 4; k++)
            d[k] += u.io[k];
    }
    a->TotalUserTime.QuadPart = (LONGLONG)user;
    a->TotalKernelTime.QuadPart = (LONGLONG)kernel;
    a->ThisPeriodTotalUserTime = a->TotalUserTime;
    a->ThisPeriodTotalKernelTime = a->TotalKernelTime;
    a->TotalPageFaultCount = (DWORD)faults;
    if (io) {
        memset(io, 0, sizeof *io);
        io->ReadOperationCount = d[0];
        io->WriteOperationCount = d[1];
        io->ReadTransferCount = d[2];
        io->WriteTransferCount = d[3];
    }
}

static void job_limits(struct job_obj *j, JOBOBJECT_EXTENDED_LIMIT_INFORMATION *x)
{
    memset(x, 0, sizeof *x);
    obj_lock(&j->hdr);
    x->BasicLimitInformation.LimitFlags = j->limit_flags;
    x->BasicLimitInformation.ActiveProcessLimit = j->active_limit;
    x->ProcessMemoryLimit = (SIZE_T)j->process_memory_limit;
    obj_unlock(&j->hdr);
}

static DWORD job_pid_list(struct job_obj *j, void *buf, DWORD len, DWORD *ret)
{
    JOBOBJECT_BASIC_PROCESS_ID_LIST *l = buf;
    const DWORD head = offsetof(JOBOBJECT_BASIC_PROCESS_ID_LIST, ProcessIdList);
    if (len < sizeof *l)
        return ERROR_BAD_LENGTH;
    DWORD room = (len - head) / sizeof(ULONG_PTR), n = 0, all = 0;
    obj_lock(&j->hdr);
    for (int i = 0; i < JOB_MAX_MEMBERS; i++)
        if (j->m[i].process) {
            all++;
            if (n < room)
                l->ProcessIdList[n++] = j->m[i].pid;
        }
    obj_unlock(&j->hdr);
    l->NumberOfAssignedProcesses = all;
    l->NumberOfProcessIdsInList = n;
    *ret = head + n * (DWORD)sizeof(ULONG_PTR);
    return n < all ? ERROR_MORE_DATA : ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI QueryInformationJobObject(HANDLE job, JOBOBJECTINFOCLASS cls,
                                                LPVOID buf, DWORD len, LPDWORD retlen)
{
    struct object *jo = NULL;
    DWORD err, ret = 0;
    if (!job) {
        /* The caller's own job. */
        struct job_obj *mine = job_of_self();
        if (!mine)
            return ws_bool(ERROR_INVALID_HANDLE);
        jo = &mine->hdr;
        err = ERROR_SUCCESS;
    } else {
        err = handle_ref(job, &job_type, JOB_OBJECT_QUERY, &jo, NULL);
    }
    if (err)
        return ws_bool(err);
    struct job_obj *j = job_of(jo);
    DWORD need = 0;
    switch (cls) {
    case JobObjectBasicAccountingInformation: need = sizeof(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION); break;
    case JobObjectBasicAndIoAccountingInformation: need = sizeof(JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION); break;
    case JobObjectBasicLimitInformation: need = sizeof(JOBOBJECT_BASIC_LIMIT_INFORMATION); break;
    case JobObjectExtendedLimitInformation: need = sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION); break;
    case JobObjectCpuRateControlInformation: need = sizeof(JOBOBJECT_CPU_RATE_CONTROL_INFORMATION); break;
    case JobObjectBasicUIRestrictions: need = sizeof(JOBOBJECT_BASIC_UI_RESTRICTIONS); break;
    case JobObjectEndOfJobTimeInformation: need = sizeof(JOBOBJECT_END_OF_JOB_TIME_INFORMATION); break;
    case JobObjectBasicProcessIdList: need = 0; break;
    case JobObjectAssociateCompletionPortInformation:
        err = ERROR_INVALID_PARAMETER; /* set-only */
        break;
    default:
        err = (DWORD)cls >= MaxJobObjectInfoClass || cls <= 0 ? ERROR_INVALID_PARAMETER
                                                               : ERROR_NOT_SUPPORTED;
        break;
    }
    /* A larger buffer is fine; the size written is returned (Wine). */
    if (!err && cls != JobObjectBasicProcessIdList && len < need)
        err = ERROR_BAD_LENGTH;
    if (!err && !buf)
        err = ERROR_NOACCESS;
    if (!err) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
        ret = need;
        switch (cls) {
        case JobObjectBasicAccountingInformation:
            job_accounting(j, buf, NULL);
            break;
        case JobObjectBasicAndIoAccountingInformation: {
            JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION *b = buf;
            job_accounting(j, &b->BasicInfo, &b->IoInfo);
            break;
        }
        case JobObjectBasicLimitInformation:
            job_limits(j, &x);
            x.BasicLimitInformation.LimitFlags &= JOB_OBJECT_BASIC_LIMIT_VALID_FLAGS;
            memcpy(buf, &x.BasicLimitInformation, need);
            break;
        case JobObjectExtendedLimitInformation:
            job_limits(j, &x);
            memcpy(buf, &x, need);
            break;
        case JobObjectCpuRateControlInformation:
        case JobObjectBasicUIRestrictions:
        case JobObjectEndOfJobTimeInformation:
            memset(buf, 0, need); /* none set: no rate control, no UI limit,
                                   * the default end-of-job action */
            break;
        case JobObjectBasicProcessIdList:
            err = job_pid_list(j, buf, len, &ret);
            break;
        default:
            break;
        }
    }
    if ((!err || err == ERROR_MORE_DATA) && retlen)
        *retlen = ret;
    object_unref(jo);
    return ws_bool(err);
}

/* Limit flags winshim can honour (see the file comment). */
#define JOB_SUPPORTED_LIMITS                                                            \
    (JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_PROCESS_MEMORY |                \
     JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION | JOB_OBJECT_LIMIT_BREAKAWAY_OK |      \
     JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)

static DWORD job_set_limits(struct job_obj *j, const JOBOBJECT_EXTENDED_LIMIT_INFORMATION *x,
                            bool extended)
{
    DWORD flags = x->BasicLimitInformation.LimitFlags;
    DWORD valid = extended ? JOB_OBJECT_EXTENDED_LIMIT_VALID_FLAGS
                           : JOB_OBJECT_BASIC_LIMIT_VALID_FLAGS;
    if (flags & ~valid)
        return ERROR_INVALID_PARAMETER;
    if ((flags & JOB_OBJECT_LIMIT_PROCESS_MEMORY) && !x->ProcessMemoryLimit)
        return ERROR_INVALID_PARAMETER;
    if (flags & ~(DWORD)JOB_SUPPORTED_LIMITS)
        return ERROR_NOT_SUPPORTED;
    uint32_t pids[JOB_MAX_MEMBERS];
    int n = 0;
    obj_lock(&j->hdr);
    j->limit_flags = flags;
    j->active_limit = (flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS)
                          ? x->BasicLimitInformation.ActiveProcessLimit
                          : 0;
    j->process_memory_limit = (flags & JOB_OBJECT_LIMIT_PROCESS_MEMORY)
                                  ? (uint64_t)x->ProcessMemoryLimit
                                  : 0;
    uint64_t mem = j->process_memory_limit;
    for (int i = 0; i < JOB_MAX_MEMBERS; i++)
        if (j->m[i].process)
            pids[n++] = j->m[i].pid;
    obj_unlock(&j->hdr);
    for (int i = 0; mem && i < n; i++) {
        struct rlimit rl = {mem, mem};
        prlimit((pid_t)pids[i], RLIMIT_DATA, &rl, NULL);
    }
    return ERROR_SUCCESS;
}

static DWORD job_set_port(struct job_obj *j, const JOBOBJECT_ASSOCIATE_COMPLETION_PORT *a)
{
    struct object *port = NULL;
    DWORD err = handle_ref(a->CompletionPort, &iocp_type, IO_COMPLETION_MODIFY_STATE,
                           &port, NULL);
    if (err)
        return err;
    uint32_t pids[JOB_MAX_MEMBERS];
    int n = 0;
    obj_lock(&j->hdr);
    if (j->port) {
        err = ERROR_INVALID_PARAMETER; /* a job's port is set once */
    } else {
        j->port = arena_off(port);
        j->port_key = (uint64_t)(uintptr_t)a->CompletionKey;
        port = NULL; /* the job's reference now */
        for (int i = 0; i < JOB_MAX_MEMBERS; i++)
            if (j->m[i].process)
                pids[n++] = j->m[i].pid;
    }
    struct post post = err ? (struct post){0, 0} : job_port_locked(j);
    obj_unlock(&j->hdr);
    /* The processes already in the job are announced as new ones. */
    for (int i = 0; i < n; i++)
        job_post(&post, JOB_OBJECT_MSG_NEW_PROCESS, pids[i]);
    job_post_done(&post);
    if (port)
        object_unref(port);
    return err;
}

WS_EXPORT BOOL WINAPI SetInformationJobObject(HANDLE job, JOBOBJECTINFOCLASS cls,
                                              LPVOID buf, DWORD len)
{
    struct object *jo = NULL;
    DWORD err = handle_ref(job, &job_type, JOB_OBJECT_SET_ATTRIBUTES, &jo, NULL);
    if (err)
        return ws_bool(err);
    struct job_obj *j = job_of(jo);
    DWORD need = 0;
    switch (cls) {
    case JobObjectBasicLimitInformation: need = sizeof(JOBOBJECT_BASIC_LIMIT_INFORMATION); break;
    case JobObjectExtendedLimitInformation: need = sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION); break;
    case JobObjectAssociateCompletionPortInformation: need = sizeof(JOBOBJECT_ASSOCIATE_COMPLETION_PORT); break;
    case JobObjectCpuRateControlInformation: need = sizeof(JOBOBJECT_CPU_RATE_CONTROL_INFORMATION); break;
    case JobObjectBasicUIRestrictions: need = sizeof(JOBOBJECT_BASIC_UI_RESTRICTIONS); break;
    case JobObjectEndOfJobTimeInformation: need = sizeof(JOBOBJECT_END_OF_JOB_TIME_INFORMATION); break;
    case JobObjectBasicAccountingInformation:
    case JobObjectBasicAndIoAccountingInformation:
    case JobObjectBasicProcessIdList:
        err = ERROR_INVALID_PARAMETER; /* query-only */
        break;
    default:
        err = (DWORD)cls >= MaxJobObjectInfoClass || cls <= 0 ? ERROR_INVALID_PARAMETER
                                                               : ERROR_NOT_SUPPORTED;
        break;
    }
    if (!err && len != need)
        err = ERROR_INVALID_PARAMETER; /* as Wine; Windows unverified */
    if (!err && !buf)
        err = ERROR_NOACCESS;
    if (!err) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
        switch (cls) {
        case JobObjectBasicLimitInformation:
            memset(&x, 0, sizeof x);
            memcpy(&x.BasicLimitInformation, buf, need);
            err = job_set_limits(j, &x, false);
            break;
        case JobObjectExtendedLimitInformation:
            memcpy(&x, buf, need);
            err = job_set_limits(j, &x, true);
            break;
        case JobObjectAssociateCompletionPortInformation:
            err = job_set_port(j, buf);
            break;
        case JobObjectCpuRateControlInformation: {
            const JOBOBJECT_CPU_RATE_CONTROL_INFORMATION *c = buf;
            if (c->ControlFlags & ~(DWORD)JOB_OBJECT_CPU_RATE_CONTROL_VALID_FLAGS)
                err = ERROR_INVALID_PARAMETER;
            else if (c->ControlFlags & JOB_OBJECT_CPU_RATE_CONTROL_ENABLE)
                err = ERROR_NOT_SUPPORTED; /* needs a cgroup's cpu.max */
            break;
        }
        case JobObjectBasicUIRestrictions: {
            const JOBOBJECT_BASIC_UI_RESTRICTIONS *u = buf;
            if (u->UIRestrictionsClass & ~(DWORD)JOB_OBJECT_UILIMIT_ALL)
                err = ERROR_INVALID_PARAMETER;
            else if (u->UIRestrictionsClass)
                err = ERROR_NOT_SUPPORTED; /* no windowing system */
            break;
        }
        case JobObjectEndOfJobTimeInformation: {
            const JOBOBJECT_END_OF_JOB_TIME_INFORMATION *e = buf;
            if (e->EndOfJobTimeAction > JOB_OBJECT_POST_AT_END_OF_JOB)
                err = ERROR_INVALID_PARAMETER;
            else if (e->EndOfJobTimeAction != JOB_OBJECT_TERMINATE_AT_END_OF_JOB)
                err = ERROR_NOT_SUPPORTED; /* no job time limit to act on */
            break;
        }
        default:
            break;
        }
    }
    object_unref(jo);
    return ws_bool(err);
}
