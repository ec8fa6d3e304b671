/*
 * CreateProcessA/W: a Windows process start on Linux.
 *
 * Which program (lpApplicationName NULL: the first token of the command
 * line, as Windows finds it, adapted to Linux):
 *   - a quoted first token is the name; an unquoted one is tried at each
 *     space in turn ("a b c" tries "a", then "a b", then "a b c"), as
 *     Windows does for unquoted names with spaces;
 *   - a name with a slash or backslash is a path (relative to the current
 *     directory); a bare name is searched for in the directory of the
 *     running executable, the current directory, then each PATH entry;
 *   - in each place the name as given is tried first, then, when the name
 *     has no extension, the name with ".exe" appended;
 *   - directories are passed over; a file found without execute
 *     permission stops the search with ERROR_ACCESS_DENIED.
 * lpApplicationName given: used as it is (no search, no ".exe"), as
 * Microsoft documents.  Backslashes in either become slashes
 * (spawn_unix_path; drive letters are the files issue's path mapping).
 *
 * The child's argv is the command line parsed by the Microsoft C runtime's
 * rules (cmdline.c); argv[0] is the command line's first token, and the
 * program run is the file found above.  The exact command line reaches a
 * winshim child's GetCommandLineA/W through CMDLINE_ENV, with an exit box
 * (process.h) for its full 32-bit exit code.
 *
 * Spawning: clone() with a pidfd (CLONE_PIDFD, so the pid can never be
 * recycled under us) and a child function that makes only system calls -
 * no malloc, no locks, no atfork handlers, nothing of winshim's.  A normal
 * start shares the parent's memory until execve (CLONE_VM|CLONE_VFORK, as
 * posix_spawn does).  A CREATE_SUSPENDED start cannot hold the parent in
 * vfork, so it forks (copy-on-write) and the child, after its setup,
 * blocks on a pipe until ResumeThread writes to it (thread.c); it never
 * runs any of its program before that.  The child reports a failure of
 * its setup or of execve through a close-on-exec status pipe: end of file
 * there means execve succeeded.  It resets every caught signal to its
 * default (a handler of the parent's must not run in it) and takes the
 * caller's signal mask to the new program.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "io/file.h"
#include "io/path.h"
#include "proc/process.h"
#include "core/handle_lookup.h"

extern char **environ;

/* dwCreationFlags CreateProcess knows.  Accepted with no effect: console
 * and window flags (there is no console object yet), WOW/DOS flags
 * (meaningless on 64-bit Windows too), code-authz flags,
 * affinity, profiling; CREATE_DEFAULT_ERROR_MODE goes to the child with
 * its STARTUPINFO (proc/startup.c); CREATE_BREAKAWAY_FROM_JOB is job.c's.  Refused with ERROR_NOT_SUPPORTED: debugging
 * and protected/secure processes. */
#define PRIORITY_FLAGS (NORMAL_PRIORITY_CLASS | IDLE_PRIORITY_CLASS | HIGH_PRIORITY_CLASS | \
                        REALTIME_PRIORITY_CLASS | BELOW_NORMAL_PRIORITY_CLASS |        \
                        ABOVE_NORMAL_PRIORITY_CLASS)
#define IGNORED_FLAGS (DETACHED_PROCESS | CREATE_NEW_CONSOLE | CREATE_NO_WINDOW |            \
                       CREATE_SEPARATE_WOW_VDM | CREATE_SHARED_WOW_VDM | CREATE_FORCEDOS |    \
                       CREATE_DEFAULT_ERROR_MODE | CREATE_BREAKAWAY_FROM_JOB |                \
                       CREATE_PRESERVE_CODE_AUTHZ_LEVEL | INHERIT_PARENT_AFFINITY |           \
                       INHERIT_CALLER_PRIORITY | PROFILE_USER | PROFILE_KERNEL |              \
                       PROFILE_SERVER | CREATE_IGNORE_SYSTEM_DEFAULT)
#define UNSUPPORTED_FLAGS (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS | CREATE_PROTECTED_PROCESS | \
                           CREATE_SECURE_PROCESS)
#define KNOWN_FLAGS (PRIORITY_FLAGS | IGNORED_FLAGS | UNSUPPORTED_FLAGS | CREATE_SUSPENDED | \
                     CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_PROCESS_GROUP |               \
                     EXTENDED_STARTUPINFO_PRESENT)

static DWORD spawn_check_flags(DWORD flags)
{
    if (flags & ~(DWORD)KNOWN_FLAGS)
        return ERROR_INVALID_PARAMETER;
    if ((flags & (DETACHED_PROCESS | CREATE_NEW_CONSOLE)) ==
        (DETACHED_PROCESS | CREATE_NEW_CONSOLE))
        return ERROR_INVALID_PARAMETER; /* "cannot be used with" */
    if (flags & UNSUPPORTED_FLAGS)
        return ERROR_NOT_SUPPORTED;
    return ERROR_SUCCESS;
}

/* The nice value of the lowest priority class given (Windows takes the
 * lowest when several are set); false for none. */
static bool spawn_nice(DWORD flags, int *nice)
{
    if (flags & IDLE_PRIORITY_CLASS)
        *nice = 19;
    else if (flags & BELOW_NORMAL_PRIORITY_CLASS)
        *nice = 5;
    else if (flags & NORMAL_PRIORITY_CLASS)
        *nice = 0;
    else if (flags & ABOVE_NORMAL_PRIORITY_CLASS)
        *nice = -5;
    else if (flags & HIGH_PRIORITY_CLASS)
        *nice = -10;
    else if (flags & REALTIME_PRIORITY_CLASS)
        *nice = -20;
    else
        return false;
    return true;
}

/* ---- finding the program ---- */

/* A Windows path as a Linux one (malloc): backslashes become slashes. */
static char *spawn_unix_path(const char *s, size_t len)
{
    char *p = strndup(s, len);
    if (p && len >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')) {
        /* A drive path (GetModuleFileName gives one): path.c maps it. */
        struct upath u;
        if (!path_from_a(p, 0, &u)) {
            char *q = strdup(u.buf);
            path_free(&u);
            if (q) {
                free(p);
                return q;
            }
        }
    }
    if (p)
        for (char *c = p; *c; c++)
            if (*c == '\\')
                *c = '/';
    return p;
}

enum probe { PROBE_OK, PROBE_MISSING, PROBE_DIR, PROBE_NOEXEC };

static enum probe spawn_probe(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return PROBE_MISSING;
    if (S_ISDIR(st.st_mode))
        return PROBE_DIR;
    return access(path, X_OK) == 0 ? PROBE_OK : PROBE_NOEXEC;
}

static bool has_extension(const char *path)
{
    const char *base = strrchr(path, '/');
    return strchr(base ? base + 1 : path, '.') != NULL;
}

/* Tries dir/name, then dir/name.exe (dir may be NULL).  0 and *out when
 * found; ERROR_ACCESS_DENIED for a file we may not run; ERROR_FILE_NOT_FOUND
 * otherwise. */
static DWORD spawn_try(const char *dir, const char *name, bool skip_dirs,
                       char **out)
{
    for (int exe = 0; exe < 2; exe++) {
        if (exe && has_extension(name))
            break;
        char *path;
        if (asprintf(&path, "%s%s%s%s", dir ? dir : "", dir ? "/" : "", name,
                     exe ? ".exe" : "") < 0)
            return ERROR_NOT_ENOUGH_MEMORY;
        enum probe r = spawn_probe(path);
        if (r == PROBE_OK) {
            *out = path;
            return ERROR_SUCCESS;
        }
        free(path);
        if (r == PROBE_NOEXEC || (r == PROBE_DIR && !skip_dirs))
            return ERROR_ACCESS_DENIED;
    }
    return ERROR_FILE_NOT_FOUND;
}

static DWORD spawn_search(const char *name, char **out)
{
    if (!*name)
        return ERROR_FILE_NOT_FOUND;
    if (strchr(name, '/'))
        return spawn_try(NULL, name, false, out);

    /* The directory the application loaded from. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            DWORD err = spawn_try(exe[0] ? exe : "/", name, true, out);
            if (err != ERROR_FILE_NOT_FOUND)
                return err;
        }
    }
    DWORD err = spawn_try(".", name, true, out);
    if (err != ERROR_FILE_NOT_FOUND)
        return err;
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len) {
            char *dir = strndup(path, len);
            if (!dir)
                return ERROR_NOT_ENOUGH_MEMORY;
            err = spawn_try(dir, name, true, out);
            free(dir);
            if (err != ERROR_FILE_NOT_FOUND)
                return err;
        }
        path = end ? end + 1 : NULL;
    }
    return ERROR_FILE_NOT_FOUND;
}

/* The program a command line names (lpApplicationName NULL). */
static DWORD spawn_find_module(const char *cmd, char **out)
{
    while (*cmd == ' ' || *cmd == '\t')
        cmd++;
    if (*cmd == '"') {
        const char *end = strchr(cmd + 1, '"');
        size_t len = end ? (size_t)(end - cmd - 1) : strlen(cmd + 1);
        char *name = spawn_unix_path(cmd + 1, len);
        if (!name)
            return ERROR_NOT_ENOUGH_MEMORY;
        DWORD err = spawn_search(name, out);
        free(name);
        return err;
    }
    for (const char *p = cmd;; p++) {
        if (*p && *p != ' ' && *p != '\t')
            continue;
        if (p > cmd) {
            char *name = spawn_unix_path(cmd, (size_t)(p - cmd));
            if (!name)
                return ERROR_NOT_ENOUGH_MEMORY;
            DWORD err = spawn_search(name, out);
            free(name);
            if (err != ERROR_FILE_NOT_FOUND)
                return err;
        }
        if (!*p)
            return ERROR_FILE_NOT_FOUND;
    }
}

/* ---- the environment ---- */

struct strvec {
    char **v;
    size_t n, cap;
};

static bool strvec_push(struct strvec *sv, char *s)
{
    if (!s)
        return false;
    if (sv->n + 2 > sv->cap) {
        size_t cap = sv->cap ? 2 * sv->cap : 64;
        char **v = realloc(sv->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return false;
        }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
    return true;
}

static void strvec_free(struct strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
}

static bool is_ours(const char *entry)
{
    size_t len = strlen(CMDLINE_ENV);
    return (strncmp(entry, CMDLINE_ENV, len) == 0 && entry[len] == '=') ||
           strncmp(entry, "WINSHIM_SLOT=", 13) == 0 || strncmp(entry, "WINSHIM_FDS=", 12) == 0 ||
           strncmp(entry, "WINSHIM_STD=", 12) == 0 || strncmp(entry, "WINSHIM_STARTUP=", 16) == 0;
}

/* envp for the child: the block given (ANSI, or UTF-16 with
 * CREATE_UNICODE_ENVIRONMENT) or ours, then the startup information
 * (proc/startup.c) and CMDLINE_ENV last; *pid_slot and *startup_pid_slot
 * are where the child writes its pid. */
static DWORD spawn_env(const void *block, bool unicode, const char *cmdline,
                       int box_fd, const char *startup, struct strvec *env,
                       char **pid_slot, char **startup_pid_slot)
{
    bool ok = true;
    if (!block) {
        for (char **e = environ; e && *e && ok; e++)
            if (!is_ours(*e))
                ok = strvec_push(env, strdup(*e));
    } else if (unicode) {
        for (const WCHAR *w = block; *w && ok; w += wstrlen(w) + 1) {
            char *s = utf16_to_utf8_dup(w, -1, NULL);
            if (s && is_ours(s))
                free(s);
            else
                ok = strvec_push(env, s);
        }
    } else {
        for (const char *a = block; *a && ok; a += strlen(a) + 1)
            if (!is_ours(a))
                ok = strvec_push(env, strdup(a));
    }
    char *st = ok ? strdup(startup) : NULL;
    if (!st || !strvec_push(env, st))
        return ERROR_NOT_ENOUGH_MEMORY;
    *startup_pid_slot = startup_env_pid_slot(st);
    char *ours = NULL;
    if (ok && asprintf(&ours, "%s=%0*d:%d:%s", CMDLINE_ENV, CMDLINE_PID_DIGITS, 0,
                       box_fd, cmdline) < 0)
        ours = NULL;
    if (!ok || !strvec_push(env, ours))
        return ERROR_NOT_ENOUGH_MEMORY;
    *pid_slot = ours + strlen(CMDLINE_ENV) + 1;
    return ERROR_SUCCESS;
}

/* ---- the child ---- */

enum stage { STAGE_READY, STAGE_SETUP, STAGE_CHDIR, STAGE_EXEC };

struct child_report {
    int stage;
    int err;
};

struct spawn_plan {
    const char *path;
    char **argv;
    char **envp;
    char *pid_slot;
    char *startup_pid_slot;
    const char *cwd;      /* NULL: the parent's */
    int std_fd[3];        /* -1: inherit the parent's */
    int box_fd;           /* -1: none */
    const int *keep_fd;   /* inherited files' fds: O_CLOEXEC cleared */
    size_t nkeep;
    int status_w;         /* close-on-exec */
    int resume_r;         /* suspended: wait for a byte; else -1 */
    bool forked;          /* no shared memory (CREATE_SUSPENDED) */
    bool new_group;
    bool set_nice;
    int nice;
    sigset_t mask;        /* the caller's, for the new program */
};

/*
 * The child side runs between clone and execve with the parent's memory
 * (or a copy of it taken while other threads may hold locks): it makes
 * raw system calls only - not even libc's wrappers, which sanitizers
 * intercept - and is not instrumented.
 */
#define CHILD_FN __attribute__((no_sanitize_address, no_sanitize_thread, \
                                no_sanitize_undefined))

/* The kernel's struct sigaction for rt_sigaction. */
struct ksigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

CHILD_FN static _Noreturn void child_fail(const struct spawn_plan *p, int stage, int err)
{
    struct child_report r = {stage, err};
    syscall(SYS_write, p->status_w, &r, sizeof r);
    syscall(SYS_exit_group, 127);
    __builtin_unreachable();
}

/* A forked child holds copies of every fd of the parent, close-on-exec
 * ones included, until its execve; when that waits for ResumeThread they
 * must go now (another spawn's status pipe among them). */
CHILD_FN static void child_close_cloexec(const struct spawn_plan *p)
{
    int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return;
    char buf[4096];
    long n;
    while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            int fd = 0;
            const char *c = d->d_name;
            if (*c < '0' || *c > '9')
                continue;
            for (; *c >= '0' && *c <= '9'; c++)
                fd = fd * 10 + (*c - '0');
            if (fd == dir || fd == p->status_w || fd == p->resume_r)
                continue;
            long fl = syscall(SYS_fcntl, fd, F_GETFD);
            if (fl >= 0 && (fl & FD_CLOEXEC))
                syscall(SYS_close, fd);
        }
    }
    syscall(SYS_close, dir);
}

CHILD_FN static int spawn_child(void *arg)
{
    const struct spawn_plan *p = arg;

    /* Caught signals back to their default (ignored ones stay ignored). */
    for (int sig = 1; sig <= 64; sig++) {
        struct ksigaction sa;
        if (sig == SIGKILL || sig == SIGSTOP ||
            syscall(SYS_rt_sigaction, sig, NULL, &sa, sizeof sa.mask) < 0 ||
            sa.handler == (void *)SIG_IGN || sa.handler == (void *)SIG_DFL)
            continue;
        struct ksigaction dfl = {(void *)SIG_DFL, 0, NULL, 0};
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
    }

    /* Standard handles: via fds >= 3 first, so that one source being
     * another's target does not matter. */
    int tmp[3];
    for (int i = 0; i < 3; i++) {
        tmp[i] = -1;
        if (p->std_fd[i] >= 0 &&
            (tmp[i] = (int)syscall(SYS_fcntl, p->std_fd[i], F_DUPFD_CLOEXEC, 3)) < 0)
            child_fail(p, STAGE_SETUP, errno);
    }
    for (int i = 0; i < 3; i++)
        if (tmp[i] >= 0 && syscall(SYS_dup3, tmp[i], i, 0) < 0)
            child_fail(p, STAGE_SETUP, errno);
    if (p->box_fd >= 0 && syscall(SYS_fcntl, p->box_fd, F_SETFD, 0) < 0)
        child_fail(p, STAGE_SETUP, errno);
    for (size_t i = 0; i < p->nkeep; i++)
        if (syscall(SYS_fcntl, p->keep_fd[i], F_SETFD, 0) < 0)
            child_fail(p, STAGE_SETUP, errno);
    if (p->forked)
        child_close_cloexec(p);

    if (p->new_group)
        syscall(SYS_setpgid, 0, 0);
    if (p->set_nice)
        syscall(SYS_setpriority, PRIO_PROCESS, 0, p->nice); /* raising may be refused */
    if (p->cwd && syscall(SYS_chdir, p->cwd) < 0)
        child_fail(p, STAGE_CHDIR, errno);

    /* The pid, for the child's library to know the variable is its own. */
    long pid = syscall(SYS_getpid);
    for (int i = CMDLINE_PID_DIGITS; i-- > 0; pid /= 10) {
        p->pid_slot[i] = (char)('0' + pid % 10);
        p->startup_pid_slot[i] = p->pid_slot[i]; /* as many digits */
    }

    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &p->mask, NULL, (size_t)8);
    if (p->resume_r >= 0) {
        struct child_report ready = {STAGE_READY, 0};
        if (syscall(SYS_write, p->status_w, &ready, sizeof ready) != sizeof ready)
            syscall(SYS_exit_group, 127);
        syscall(SYS_close, p->status_w);
        char c;
        long r;
        do
            r = syscall(SYS_read, p->resume_r, &c, 1);
        while (r < 0 && errno == EINTR);
        if (r != 1)
            syscall(SYS_exit_group, 127); /* nobody can resume us any more */
        syscall(SYS_close, p->resume_r);
    }
    syscall(SYS_execve, p->path, p->argv, p->envp);
    if (p->resume_r >= 0)
        syscall(SYS_exit_group, 127);
    child_fail(p, STAGE_EXEC, errno);
}

/* ---- the parent ---- */

#define CHILD_STACK (128 * 1024)

/* Sanitizer runtimes keep per-thread state that a child running on the
 * parent's memory would corrupt: their builds copy the memory instead. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SPAWN_SHARE_VM 0
#else
#define SPAWN_SHARE_VM (CLONE_VM | CLONE_VFORK)
#endif

static DWORD report_error(const struct child_report *r)
{
    switch (r->stage) {
    case STAGE_CHDIR:
        return ERROR_DIRECTORY;
    case STAGE_EXEC:
        switch (r->err) {
        case ENOEXEC: return ERROR_BAD_EXE_FORMAT;
        case ENOENT: return ERROR_FILE_NOT_FOUND;
        case E2BIG: return ERROR_FILENAME_EXCED_RANGE;
        default: return ws_errno_to_win32(r->err);
        }
    default:
        return ws_errno_to_win32(r->err);
    }
}

/* Starts the child; *pid and *pidfd on success. */
static DWORD spawn_run(struct spawn_plan *p, pid_t *pid_out, int *pidfd_out)
{
    int status[2];
    if (pipe2(status, O_CLOEXEC) < 0)
        return ws_errno_to_win32(errno);
    p->status_w = status[1];
    void *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        close(status[0]);
        close(status[1]);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &p->mask);
    int pidfd = -1;
    int flags = CLONE_PIDFD | SIGCHLD | (p->forked ? 0 : SPAWN_SHARE_VM);
    pid_t pid = clone(spawn_child, (char *)stack + CHILD_STACK, flags, p, &pidfd);
    int clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &p->mask, NULL);
    munmap(stack, CHILD_STACK);
    close(status[1]);
    if (pid < 0) {
        close(status[0]);
        return clone_errno == EAGAIN ? ERROR_NOT_ENOUGH_MEMORY
                                     : ws_errno_to_win32(clone_errno);
    }

    struct child_report r;
    ssize_t n;
    do
        n = read(status[0], &r, sizeof r);
    while (n < 0 && errno == EINTR);
    close(status[0]);
    DWORD err = ERROR_SUCCESS;
    if (n == (ssize_t)sizeof r && r.stage != STAGE_READY)
        err = report_error(&r);
    else if (n != (ssize_t)sizeof r && p->forked)
        err = ERROR_GEN_FAILURE; /* died before it was ready */
    if (err) {
        siginfo_t si;
        while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
            ;
        close(pidfd);
        return err;
    }
    *pid_out = pid;
    *pidfd_out = pidfd;
    return ERROR_SUCCESS;
}

/* The fd for one standard handle: the file's (file_fd), or
 * /dev/null for NULL, INVALID_HANDLE_VALUE and anything that is not a
 * file of this process.  *ref keeps the object (and so its fd) alive. */
static int spawn_std_fd(HANDLE h, int devnull, struct object **ref)
{
    *ref = NULL;
    if (!h || h == INVALID_HANDLE_VALUE)
        return devnull;
    struct object *o = NULL;
    int fd = -1;
    ws_rcu_lock();
    if (!handle_get(h, NULL, 0, &o, NULL)) {
        /* The reference first, then the fd (file_fd_of's order): a last
         * CloseHandle racing with this sees the reference and keeps the
         * number reserved until the object goes (file.c). */
        object_ref(o);
        *ref = o;
    }
    ws_rcu_unlock();
    if (*ref && (fd = file_fd(*ref)) < 0) {
        object_unref(*ref);
        *ref = NULL;
    }
    return fd >= 0 ? fd : devnull;
}

/* bInheritHandles: the file objects among the inherited handles whose fd
 * the child must keep (the same number: O_CLOEXEC is cleared in the
 * child), and the WINSHIM_FDS list that tells the child which object each
 * number belongs to (file.c). */
struct inherit_fds {
    int *fd;
    size_t n, cap;
    char *spec;
    size_t len, spec_cap;
    bool failed;
};

static void inherit_collect(struct object *o, void *ctx)
{
    struct inherit_fds *k = ctx;
    const struct object_type *t = object_types[o->type_id];
    if (!t->inherit_fd || k->failed)
        return;
    int fd = t->inherit_fd(o);
    if (fd < 0)
        return;
    for (size_t i = 0; i < k->n; i++)
        if (k->fd[i] == fd)
            return; /* two handles to one object */
    char item[48];
    int len = snprintf(item, sizeof item, "%u:%d,", (unsigned)arena_off(o), fd);
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        int *v = realloc(k->fd, cap * sizeof *v);
        if (!v) {
            k->failed = true;
            return;
        }
        k->fd = v;
        k->cap = cap;
    }
    if (k->len + (size_t)len + 1 > k->spec_cap) {
        size_t cap = k->spec_cap ? 2 * k->spec_cap : 256;
        while (cap < k->len + (size_t)len + 1)
            cap *= 2;
        char *s = realloc(k->spec, cap);
        if (!s) {
            k->failed = true;
            return;
        }
        k->spec = s;
        k->spec_cap = cap;
    }
    memcpy(k->spec + k->len, item, (size_t)len + 1);
    k->len += (size_t)len;
    k->fd[k->n++] = fd;
}

void file_adopt_inherited(const char *spec)
{
    const char *c = spec;
    while (*c) {
        char *end;
        unsigned long off = strtoul(c, &end, 10);
        if (*end != ':')
            break;
        long fd = strtol(end + 1, &end, 10);
        struct object *o = off && off < ARENA_RESERVE ? arena_ptr((aoff_t)off) : NULL;
        const struct object_type *t =
            o && o->type_id < TYPE_COUNT ? object_types[o->type_id] : NULL;
        if (t && t->adopt_fd && fd >= 0 && fd <= INT_MAX) {
            /* Ours now, not our children's: a child of ours is passed
             * what it inherits anew. */
            fcntl((int)fd, F_SETFD, FD_CLOEXEC);
            t->adopt_fd(o, (int)fd);
        }
        if (*end != ',')
            break;
        c = end + 1;
    }
}

/* The arguments of CreateProcessA/W, in UTF-8. */
struct spawn_args {
    const char *app;        /* may be NULL */
    const char *cmdline;    /* may be NULL */
    const char *cwd;        /* may be NULL */
    const void *env;
    LPSECURITY_ATTRIBUTES psa, tsa;
    BOOL inherit;
    DWORD flags;
    DWORD si_flags;
    HANDLE std[3];
    LPPROC_THREAD_ATTRIBUTE_LIST attrs;
    const char *startup;    /* the startup information entry */
};

/* A handle list names only open, inheritable handles of ours: Windows
 * fails CreateProcess with ERROR_INVALID_PARAMETER for a handle that is
 * not inheritable (Microsoft: "must be created as inheritable"). */
static DWORD spawn_check_list(const HANDLE *list, size_t n)
{
    struct proc_slot *self = shm_self();
    for (size_t i = 0; i < n; i++) {
        struct object *o;
        ACCESS_MASK acc;
        uint32_t fl;
        DWORD err = self ? handle_get_from(self, list[i], &o, &acc, &fl) : ERROR_INVALID_HANDLE;
        if (err)
            return err;
        object_unref(o);
        if (!(fl & HANDLE_FLAG_INHERIT))
            return ERROR_INVALID_PARAMETER;
    }
    return ERROR_SUCCESS;
}

static void undo_handles(HANDLE hp, HANDLE ht)
{
    if (hp)
        CloseHandle(hp);
    if (ht)
        CloseHandle(ht);
}

static DWORD spawn(const struct spawn_args *a, LPPROCESS_INFORMATION pi)
{
    DWORD err;
    /* Windows clears all four fields first, so a failure leaves them zero
     * (test_create_failure_zeroes_pi). */
    if (pi)
        memset(pi, 0, sizeof *pi);
    if ((err = spawn_check_flags(a->flags)) || (err = job_spawn_check(a->flags)))
        return err;
    /* PROC_THREAD_ATTRIBUTE_HANDLE_LIST narrows bInheritHandles to the
     * listed handles; without bInheritHandles it is ignored, as on Windows
     * (checked under Wine).  Any other attribute: ERROR_NOT_SUPPORTED. */
    static const HANDLE no_handles[1];
    const HANDLE *only = NULL;
    size_t n_only = 0;
    if (a->attrs) {
        bool listed;
        if ((err = attrlist_handles(a->attrs, &only, &n_only, &listed)))
            return err;
        if (!listed || !a->inherit)
            only = NULL;
        else if ((err = spawn_check_list(only, n_only)))
            return err;
        else if (!only)
            only = no_handles; /* an empty list: nothing is inherited */
    }
    if (!a->app && !a->cmdline)
        return ERROR_INVALID_PARAMETER;
    if (!pi)
        return ERROR_NOACCESS;

    const char *cmdline = a->cmdline ? a->cmdline : a->app;
    char *path = NULL, *cwd = NULL;
    char **argv = NULL;
    struct strvec env = {0};
    struct object *std_ref[3] = {NULL, NULL, NULL};
    /* Inherited handles' fds are read without references (inherit_collect)
     * and used until the child has its copies: pinned meanwhile. */
    bool pinned = false;
    int devnull = -1, box_fd = -1, resume[2] = {-1, -1};
    struct exit_box *box = NULL;
    HANDLE hp = NULL, ht = NULL;
    struct object *po = NULL, *th = NULL;
    struct proc_slot *slot = NULL;
    struct inherit_fds keep = {0};
    struct spawn_plan plan;
    memset(&plan, 0, sizeof plan);

    if (a->app) {
        char *name = spawn_unix_path(a->app, strlen(a->app));
        if (!name)
            return ERROR_NOT_ENOUGH_MEMORY;
        /* As given: no search, no ".exe". */
        switch (spawn_probe(name)) {
        case PROBE_OK: path = name; name = NULL; break;
        case PROBE_MISSING: err = ERROR_FILE_NOT_FOUND; break;
        default: err = ERROR_ACCESS_DENIED; break;
        }
        free(name);
    } else {
        err = spawn_find_module(cmdline, &path);
    }
    if (err)
        goto out;
    if (path[0] != '/') {
        /* Found relative to our directory: the child changes its own
         * (lpCurrentDirectory) before execve. */
        char here[PATH_MAX], *abs;
        if (!getcwd(here, sizeof here) || asprintf(&abs, "%s/%s", here, path) < 0) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
        free(path);
        path = abs;
    }
    if (a->cwd) {
        struct stat st;
        if (!(cwd = spawn_unix_path(a->cwd, strlen(a->cwd)))) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
        if (stat(cwd, &st) < 0 || !S_ISDIR(st.st_mode)) {
            err = ERROR_DIRECTORY;
            goto out;
        }
    }
    if (a->flags & CREATE_SUSPENDED) {
        /* execve will run only after ResumeThread, when nobody can be told
         * that it failed: check now what it would refuse. */
        char head[4] = {0};
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = read(fd, head, sizeof head);
            close(fd);
            if (n < 2 || (memcmp(head, "#!", 2) != 0 &&
                          (n < 4 || memcmp(head, "\177ELF", 4) != 0))) {
                err = ERROR_BAD_EXE_FORMAT;
                goto out;
            }
        }
    }
    if (!(argv = cmdline_to_argv(cmdline, NULL))) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }

    /* The exit box: a page the child maps through the fd it inherits. */
    box_fd = memfd_create("winshim-exit", MFD_CLOEXEC);
    if (box_fd < 0 || ftruncate(box_fd, sizeof *box) < 0 ||
        (box = mmap(NULL, sizeof *box, PROT_READ | PROT_WRITE, MAP_SHARED, box_fd,
                    0)) == MAP_FAILED) {
        err = ws_errno_to_win32(errno);
        box = NULL;
        goto out;
    }
    if ((err = spawn_env(a->env, (a->flags & CREATE_UNICODE_ENVIRONMENT) != 0,
                         cmdline, box_fd, a->startup, &env, &plan.pid_slot,
                         &plan.startup_pid_slot)))
        goto out;

    /* The child's slot, with its handle table, exists before the child
     * does, as a Windows process has its table before it runs: the
     * child finds it through the environment, and DuplicateHandle into
     * pi.hProcess writes into it from the moment we return.  A private
     * arena (WINSHIM_SHM_DIR="") has nothing another process could
     * share.  Without bInheritHandles a full process table only costs
     * that (the child attaches with a slot of its own). */
    arena_init();
    if (ws_arena.shared) {
        char *e;
        if ((err = shm_slot_prepare(&slot)) && !a->inherit)
            err = ERROR_SUCCESS;
        if (err)
            goto out;
        if (slot && (!(e = shm_slot_env(slot)) || !strvec_push(&env, e))) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
    }
    /* bInheritHandles: the child's slot gets every inheritable handle
     * under the same value (before the process and thread handles below
     * exist: those are never the child's), and the child finds its files'
     * fds through the environment. */
    if (a->inherit && slot) {
        char *e;
        file_fds_pin();
        pinned = true;
        holders_inbox_drain(); /* fds given with handles: passed on too */
        if ((err = handle_inherit_into(slot, only, n_only, inherit_collect, &keep)))
            goto out;
        if (keep.failed) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
        if (keep.n && (asprintf(&e, "WINSHIM_FDS=%s", keep.spec) < 0 ||
                       !strvec_push(&env, e))) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
        plan.keep_fd = keep.fd;
        plan.nkeep = keep.n;
        /* STARTF_USESTDHANDLES with handles the child inherited: they are
         * its standard handles (GetStdHandle returns the same values, as
         * on Windows), not new objects around fds 0..2. */
        if (a->si_flags & STARTF_USESTDHANDLES) {
            unsigned long long v[3] = {0, 0, 0};
            for (int i = 0; i < 3; i++) {
                struct object *o;
                ACCESS_MASK acc;
                uint32_t fl;
                if (a->std[i] && a->std[i] != INVALID_HANDLE_VALUE &&
                    !handle_get_from(slot, a->std[i], &o, &acc, &fl)) {
                    if (o->type_id == TYPE_FILE)
                        v[i] = (unsigned long long)(uintptr_t)a->std[i];
                    object_unref(o);
                }
            }
            if ((v[0] || v[1] || v[2]) &&
                (asprintf(&e, "WINSHIM_STD=%llx,%llx,%llx", v[0], v[1], v[2]) < 0 ||
                 !strvec_push(&env, e))) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                goto out;
            }
        }
    }

    for (int i = 0; i < 3; i++)
        plan.std_fd[i] = -1;
    if (a->si_flags & STARTF_USESTDHANDLES) {
        if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
            err = ws_errno_to_win32(errno);
            goto out;
        }
        for (int i = 0; i < 3; i++)
            plan.std_fd[i] = spawn_std_fd(a->std[i], devnull, &std_ref[i]);
    }
    if ((a->flags & CREATE_SUSPENDED) && pipe2(resume, O_CLOEXEC) < 0) {
        err = ws_errno_to_win32(errno);
        goto out;
    }

    /* The objects and handles exist before the child does, so that a full
     * arena or handle table fails without a process running. */
    if (!(po = process_object_new(0, &err)))
        goto out;
    if (slot)
        shm_slot_set_creator(slot, po);
    if (!(th = thread_new_remote(resume[1], &err)))
        goto out;
    resume[1] = -1; /* the thread object's now */
    object_handle_open(po);
    object_handle_open(th);
    if ((err = handle_insert(po, PROCESS_ALL_ACCESS,
                             a->psa && a->psa->bInheritHandle ? HANDLE_FLAG_INHERIT : 0,
                             &hp))) {
        object_handle_close(po);
        object_handle_close(th);
        goto out;
    }
    struct object *proc = po;
    po = NULL; /* the handle's reference */
    if ((err = handle_insert(th, THREAD_ALL_ACCESS,
                             a->tsa && a->tsa->bInheritHandle ? HANDLE_FLAG_INHERIT : 0,
                             &ht))) {
        object_handle_close(th);
        goto out;
    }
    struct object *thread = th;
    th = NULL;

    plan.path = path;
    plan.argv = argv;
    plan.envp = env.v;
    plan.cwd = cwd;
    plan.box_fd = box_fd;
    plan.resume_r = resume[0];
    plan.forked = (a->flags & CREATE_SUSPENDED) != 0;
    plan.new_group = (a->flags & CREATE_NEW_PROCESS_GROUP) != 0;
    plan.set_nice = spawn_nice(a->flags, &plan.nice);
    pid_t pid = 0;
    int pidfd = -1;
    if ((err = spawn_run(&plan, &pid, &pidfd)))
        goto out;

    if (slot) {
        shm_slot_spawned(slot, pid); /* it lives and dies with the child now */
        slot = NULL;
    }
    thread_remote_set_tid(thread, (uint32_t)pid);
    object_ref(thread); /* the process object's */
    err = process_adopt_child(proc, pid, pidfd, thread, box);
    box = NULL; /* the process object's, as is pidfd */
    if (!err && (err = job_spawned(proc, a->flags))) {
        /* The caller's job refused it (active-process limit): the process
         * object keeps watching it, the handles go. */
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        goto out;
    }
    if (err) {
        siginfo_t si;
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
            ;
        goto out;
    }
    pi->hProcess = hp;
    pi->hThread = ht;
    pi->dwProcessId = (DWORD)pid;
    pi->dwThreadId = (DWORD)pid;
    hp = ht = NULL;

out:
    if (pinned)
        file_fds_unpin();
    if (slot)
        shm_slot_cancel(slot);
    free(keep.fd);
    free(keep.spec);
    undo_handles(hp, ht);
    if (po)
        object_unref(po);
    if (th)
        object_unref(th);
    for (int i = 0; i < 3; i++)
        if (std_ref[i])
            object_unref(std_ref[i]);
    if (box)
        munmap(box, sizeof *box);
    if (box_fd >= 0)
        close(box_fd);
    if (devnull >= 0)
        close(devnull);
    for (int i = 0; i < 2; i++)
        if (resume[i] >= 0)
            close(resume[i]);
    strvec_free(&env);
    free(argv);
    free(cwd);
    free(path);
    return err;
}

static void spawn_args_si(struct spawn_args *a, DWORD flags, DWORD si_flags,
                          HANDLE in, HANDLE out, HANDLE errh,
                          LPPROC_THREAD_ATTRIBUTE_LIST attrs)
{
    a->flags = flags;
    a->si_flags = si_flags;
    a->std[0] = in;
    a->std[1] = out;
    a->std[2] = errh;
    a->attrs = (flags & EXTENDED_STARTUPINFO_PRESENT) ? attrs : NULL;
}

WS_EXPORT BOOL WINAPI CreateProcessA(LPCSTR app, LPSTR cmdline,
                                     LPSECURITY_ATTRIBUTES psa,
                                     LPSECURITY_ATTRIBUTES tsa, BOOL inherit,
                                     DWORD flags, LPVOID env, LPCSTR cwd,
                                     LPSTARTUPINFOA si, LPPROCESS_INFORMATION pi)
{
    if (!si)
        return ws_bool(ERROR_NOACCESS);
    struct spawn_args a = {.app = app, .cmdline = cmdline, .cwd = cwd, .env = env,
                           .psa = psa, .tsa = tsa, .inherit = inherit};
    spawn_args_si(&a, flags, si->dwFlags, si->hStdInput, si->hStdOutput,
                  si->hStdError,
                  (flags & EXTENDED_STARTUPINFO_PRESENT)
                      ? ((LPSTARTUPINFOEXA)si)->lpAttributeList
                      : NULL);
    char *startup = startup_env_a(si, flags);
    a.startup = startup;
    DWORD err = startup ? spawn(&a, pi) : ERROR_NOT_ENOUGH_MEMORY;
    free(startup);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI CreateProcessW(LPCWSTR app, LPWSTR cmdline,
                                     LPSECURITY_ATTRIBUTES psa,
                                     LPSECURITY_ATTRIBUTES tsa, BOOL inherit,
                                     DWORD flags, LPVOID env, LPCWSTR cwd,
                                     LPSTARTUPINFOW si, LPPROCESS_INFORMATION pi)
{
    if (!si)
        return ws_bool(ERROR_NOACCESS);
    struct spawn_args a = {.env = env, .psa = psa, .tsa = tsa, .inherit = inherit};
    spawn_args_si(&a, flags, si->dwFlags, si->hStdInput, si->hStdOutput,
                  si->hStdError,
                  (flags & EXTENDED_STARTUPINFO_PRESENT)
                      ? ((LPSTARTUPINFOEXW)si)->lpAttributeList
                      : NULL);
    char *u_app = app ? utf16_to_utf8_dup(app, -1, NULL) : NULL;
    char *u_cmd = cmdline ? utf16_to_utf8_dup(cmdline, -1, NULL) : NULL;
    char *u_cwd = cwd ? utf16_to_utf8_dup(cwd, -1, NULL) : NULL;
    char *startup = startup_env_w(si, flags);
    a.startup = startup;
    DWORD err;
    if ((app && !u_app) || (cmdline && !u_cmd) || (cwd && !u_cwd) || !startup) {
        err = ERROR_NOT_ENOUGH_MEMORY;
    } else {
        a.app = u_app;
        a.cmdline = u_cmd;
        a.cwd = u_cwd;
        err = spawn(&a, pi);
    }
    free(u_app);
    free(u_cmd);
    free(u_cwd);
    free(startup);
    return ws_bool(err);
}
