/*
 * Tool Help snapshots (CreateToolhelp32Snapshot): a kernel object holding
 * a copy of the system's processes and threads, one process's modules and
 * this process's heaps, taken when the snapshot is made; Process32First/
 * Next, Thread32First/Next, Module32First/Next and Heap32ListFirst/Next
 * walk the copy (one cursor per list, kept in the object, as on Windows).
 * Not waitable.  Closed by CloseHandle.
 *
 * Where the data comes from:
 *   processes  /proc/<pid>/stat (parent, thread count, nice value and
 *              scheduling policy) and the executable's name from
 *              /proc/<pid>/exe (its last component), else argv[0] from
 *              /proc/<pid>/cmdline, else the kernel's comm (kernel
 *              threads).  Process ids are Linux pids: GetCurrentProcessId
 *              is getpid().
 *   threads    /proc/<pid>/task/<tid>/stat: thread ids are Linux tids, as
 *              GetCurrentThreadId returns them (proc/thread.c).
 *   modules    this process: dl_iterate_phdr, the executable first, bases
 *              as module.c makes HMODULEs (the first byte of the lowest
 *              PT_LOAD segment); another process: /proc/<pid>/maps, one
 *              module per file with an executable mapping.
 *   heaps      this process's heaps (GetProcessHeaps); another process's
 *              are not visible (an empty list).
 * Priorities: the process's nice value maps back onto the class base
 * priorities (4 idle, 6 below normal, 8 normal, 10 above normal, 13
 * high, 24 real-time for SCHED_FIFO/RR) by the same table CreateProcess
 * uses forwards (proc/spawn.c), and a thread's base priority is the
 * class base plus the level its nice value stands for (proc/thread.c
 * sets nice = -5 * level).
 *
 * The copy is process-private (malloc, reached through `priv`, like the
 * change notification's inotify state): a snapshot handle duplicated into
 * another process reads as an empty snapshot there (ERROR_NO_MORE_FILES).
 * priv is freed when the last handle goes (last_close, in the creating
 * process; references may outlive it by a grace period, and an object's
 * destruction is batched, so waiting for it would keep the copy long
 * after CloseHandle).  snap_lock, one per process, guards every priv
 * pointer and every cursor: a walk that holds it never sees its copy
 * freed under it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "sys/sys.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "io/file.h"
#include "io/path.h"

struct snap_proc {
    DWORD pid, ppid, threads;
    LONG pri;
    char exe[MAX_PATH]; /* UTF-8 */
};

struct snap_mod {
    DWORD pid;
    BYTE *base;
    DWORD size;
    char name[MAX_MODULE_NAME32 + 1]; /* UTF-8 */
    char path[MAX_PATH];              /* UTF-8, a Windows path */
};

struct snap_list {
    void *v;
    size_t n, cap, cur;
};

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t snap_atfork_once = PTHREAD_ONCE_INIT;

/* A fork child owns none of the copies (their pid is the parent's); its
 * lock starts free even if a parent thread held it at the fork. */
static void snap_atfork_child(void)
{
    pthread_mutex_init(&snap_lock, NULL);
}

static void snap_atfork_register(void)
{
    pthread_atfork(NULL, NULL, snap_atfork_child);
}

struct snap_priv {
    struct snap_list procs;   /* struct snap_proc */
    struct snap_list threads; /* THREADENTRY32 */
    struct snap_list mods;    /* struct snap_mod */
    struct snap_list heaps;   /* HEAPLIST32 */
};

struct snap_obj {
    struct object hdr;
    uint32_t pid;  /* the creating process (pid, tag): priv is its own */
    uint32_t tag;
    void *priv;    /* struct snap_priv */
};

static const uint32_t snap_layout[] = {
    LAYOUT_SIZE(struct snap_obj),
    LAYOUT_FIELD(struct snap_obj, pid),
    LAYOUT_FIELD(struct snap_obj, tag),
    LAYOUT_FIELD(struct snap_obj, priv),
};

static void snap_priv_free(struct snap_priv *p)
{
    if (!p)
        return;
    free(p->procs.v);
    free(p->threads.v);
    free(p->mods.v);
    free(p->heaps.v);
    free(p);
}

static void snap_last_close(struct object *o)
{
    struct snap_obj *s = (struct snap_obj *)o;
    if (!proc_is_self(s->pid, s->tag))
        return;
    pthread_mutex_lock(&snap_lock);
    struct snap_priv *p = s->priv;
    s->priv = NULL;
    pthread_mutex_unlock(&snap_lock);
    snap_priv_free(p);
}

/* Snapshots have no specific rights; handles get STANDARD_RIGHTS_ALL. */
const struct object_type snapshot_type = {
    .name = "Snapshot",
    .id = TYPE_SNAPSHOT,
    .size = sizeof(struct snap_obj),
    .mapping = {STANDARD_RIGHTS_READ, STANDARD_RIGHTS_WRITE, STANDARD_RIGHTS_EXECUTE,
                STANDARD_RIGHTS_ALL},
    .valid_access = STANDARD_RIGHTS_ALL,
    .last_close = snap_last_close,
    TYPE_LAYOUT(snap_layout),
};

/* ---- collecting ---- */

static void *list_add(struct snap_list *l, size_t elem)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        void *v = realloc(l->v, cap * elem);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    void *e = (char *)l->v + l->n++ * elem;
    memset(e, 0, elem);
    return e;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--; /* never half a UTF-8 sequence */
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

static const char *last_component(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The fields of a stat file after "(comm)": f[0] is field 3 (state). */
struct stat_fields {
    char comm[32];
    long ppid, nice, threads, policy;
};

static bool read_stat(const char *file, struct stat_fields *sf)
{
    char buf[1024];
    if (!sys_read_text(file, buf, sizeof buf))
        return false;
    char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return false;
    size_t cl = (size_t)(close_paren - open_paren - 1);
    if (cl >= sizeof sf->comm)
        cl = sizeof sf->comm - 1;
    memcpy(sf->comm, open_paren + 1, cl);
    sf->comm[cl] = 0;
    char *save = NULL, *tok = strtok_r(close_paren + 1, " ", &save);
    sf->policy = SCHED_OTHER;
    for (int i = 3; tok; i++, tok = strtok_r(NULL, " ", &save)) {
        if (i == 4)
            sf->ppid = strtol(tok, NULL, 10);
        else if (i == 19)
            sf->nice = strtol(tok, NULL, 10);
        else if (i == 20)
            sf->threads = strtol(tok, NULL, 10);
        else if (i == 41) {
            sf->policy = strtol(tok, NULL, 10);
            break;
        }
    }
    return true;
}

/* The class base priority of a process's nice value and policy. */
static LONG class_base(long nice, long policy)
{
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return 24;
    if (nice >= 15)
        return 4;
    if (nice >= 3)
        return 6;
    if (nice > -3)
        return 8;
    if (nice > -8)
        return 10;
    if (nice > -15)
        return 13;
    return 24;
}

static LONG thread_base(LONG cls, long proc_nice, long nice, long policy)
{
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return 24;
    if (nice == proc_nice)
        return cls;
    if (nice >= 19)
        return cls >= 24 ? 16 : 1;  /* THREAD_PRIORITY_IDLE */
    if (nice <= -20)
        return cls >= 24 ? 31 : 15; /* THREAD_PRIORITY_TIME_CRITICAL */
    long level = -(nice - proc_nice) / 5;
    if (level > 2)
        level = 2;
    if (level < -2)
        level = -2;
    return cls + (LONG)level;
}

static void proc_exe_name(const char *dir, const struct stat_fields *sf, char *out)
{
    char file[320], buf[PATH_MAX];
    snprintf(file, sizeof file, "%s/exe", dir);
    ssize_t n = readlink(file, buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        char *del = strstr(buf, " (deleted)");
        if (del && !del[10])
            *del = 0;
        copy_str(out, MAX_PATH, last_component(buf));
        return;
    }
    snprintf(file, sizeof file, "%s/cmdline", dir);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            buf[n] = 0;
            if (buf[0]) {
                copy_str(out, MAX_PATH, last_component(buf));
                return;
            }
        }
    }
    copy_str(out, MAX_PATH, sf->comm);
}

static bool is_pid(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Processes and/or threads of the whole system.  A process that ends
 * while we read is left out. */
static DWORD collect_procs(struct snap_priv *p, bool procs, bool threads)
{
    DIR *d = opendir("/proc");
    if (!d)
        return ws_errno_to_win32(errno);
    DWORD err = ERROR_SUCCESS;
    struct dirent *de;
    while (!err && (de = readdir(d))) {
        if (!is_pid(de->d_name))
            continue;
        char dir[300], file[320];
        snprintf(dir, sizeof dir, "/proc/%s", de->d_name);
        snprintf(file, sizeof file, "%s/stat", dir);
        struct stat_fields sf;
        if (!read_stat(file, &sf))
            continue;
        DWORD pid = (DWORD)strtoul(de->d_name, NULL, 10);
        LONG cls = class_base(sf.nice, sf.policy);
        if (procs) {
            struct snap_proc *e = list_add(&p->procs, sizeof *e);
            if (!e) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            e->pid = pid;
            e->ppid = (DWORD)sf.ppid;
            e->threads = (DWORD)sf.threads;
            e->pri = cls;
            proc_exe_name(dir, &sf, e->exe);
        }
        if (!threads)
            continue;
        snprintf(file, sizeof file, "%s/task", dir);
        DIR *td = opendir(file);
        if (!td)
            continue;
        struct dirent *te;
        while ((te = readdir(td))) {
            if (!is_pid(te->d_name))
                continue;
            char tfile[640];
            struct stat_fields ts;
            snprintf(tfile, sizeof tfile, "%s/task/%s/stat", dir, te->d_name);
            if (!read_stat(tfile, &ts))
                continue;
            THREADENTRY32 *t = list_add(&p->threads, sizeof *t);
            if (!t) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            t->dwSize = sizeof *t;
            t->th32ThreadID = (DWORD)strtoul(te->d_name, NULL, 10);
            t->th32OwnerProcessID = pid;
            t->tpBasePri = thread_base(cls, sf.nice, ts.nice, ts.policy);
        }
        closedir(td);
    }
    closedir(d);
    return err;
}

static void mod_set_path(struct snap_mod *m, const char *unix_path)
{
    struct upath wp;
    if (path_to_windows(unix_path, &wp) == ERROR_SUCCESS) {
        copy_str(m->path, sizeof m->path, wp.buf);
        path_free(&wp);
    } else {
        copy_str(m->path, sizeof m->path, unix_path);
    }
    const char *base = strrchr(m->path, '\\');
    copy_str(m->name, sizeof m->name, base ? base + 1 : m->path);
}

struct self_walk {
    struct snap_priv *p;
    DWORD pid;
    const char *exe;
    DWORD err;
    bool first;
};

static int self_module(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    struct self_walk *w = ctx;
    bool exe = w->first;
    w->first = false;
    const char *file = exe ? w->exe : info->dlpi_name;
    if (!file || file[0] != '/')
        return 0; /* the vDSO: no file, no Windows counterpart */
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (ph->p_vaddr < lo)
            lo = ph->p_vaddr;
        if (ph->p_vaddr + ph->p_memsz > hi)
            hi = ph->p_vaddr + ph->p_memsz;
    }
    if (lo == UINTPTR_MAX)
        return 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    lo &= ~(page - 1);
    hi = (hi + page - 1) & ~(page - 1);
    struct snap_mod *m = list_add(&w->p->mods, sizeof *m);
    if (!m) {
        w->err = ERROR_NOT_ENOUGH_MEMORY;
        return 1;
    }
    m->pid = w->pid;
    m->base = (BYTE *)(info->dlpi_addr + lo);
    m->size = (DWORD)(hi - lo);
    mod_set_path(m, file);
    return 0;
}

static DWORD collect_self_modules(struct snap_priv *p, DWORD pid)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return ws_errno_to_win32(errno);
    exe[n] = 0;
    struct self_walk w = {.p = p, .pid = pid, .exe = exe, .first = true};
    dl_iterate_phdr(self_module, &w);
    return w.err;
}

/* Another process: one module per file that has an executable mapping,
 * from its lowest to its highest mapping; the executable first. */
static DWORD collect_other_modules(struct snap_priv *p, DWORD pid)
{
    char file[64], exe[PATH_MAX] = "";
    snprintf(file, sizeof file, "/proc/%u/exe", pid);
    ssize_t xn = readlink(file, exe, sizeof exe - 1);
    exe[xn > 0 ? xn : 0] = 0;
    snprintf(file, sizeof file, "/proc/%u/maps", pid);
    FILE *f = fopen(file, "re");
    if (!f)
        return errno == ENOENT ? ERROR_INVALID_PARAMETER
               : errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED
                                                   : ws_errno_to_win32(errno);
    struct range {
        uintptr_t lo, hi;
        bool x;
        char path[PATH_MAX];
    } *rs = NULL;
    size_t nr = 0, cap = 0;
    DWORD err = ERROR_SUCCESS;
    char line[PATH_MAX + 128];
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        int off = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &off) < 3 || !off)
            continue;
        char *path = line + off;
        path[strcspn(path, "\n")] = 0;
        if (path[0] != '/' || strstr(path, " (deleted)"))
            continue;
        size_t i = 0;
        while (i < nr && strcmp(rs[i].path, path))
            i++;
        if (i == nr) {
            if (nr == cap) {
                cap = cap ? cap * 2 : 32;
                struct range *v = realloc(rs, cap * sizeof *rs);
                if (!v) {
                    err = ERROR_NOT_ENOUGH_MEMORY;
                    break;
                }
                rs = v;
            }
            rs[nr].lo = lo;
            rs[nr].hi = hi;
            rs[nr].x = false;
            copy_str(rs[nr].path, sizeof rs[nr].path, path);
            nr++;
        }
        if (lo < rs[i].lo)
            rs[i].lo = lo;
        if (hi > rs[i].hi)
            rs[i].hi = hi;
        if (perms[2] == 'x')
            rs[i].x = true;
    }
    fclose(f);
    for (int pass = 0; !err && pass < 2; pass++) {
        for (size_t i = 0; i < nr; i++) {
            bool is_exe = exe[0] && !strcmp(rs[i].path, exe);
            if (!rs[i].x || is_exe != (pass == 0))
                continue;
            struct snap_mod *m = list_add(&p->mods, sizeof *m);
            if (!m) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            m->pid = pid;
            m->base = (BYTE *)rs[i].lo;
            m->size = (DWORD)(rs[i].hi - rs[i].lo);
            mod_set_path(m, rs[i].path);
        }
    }
    free(rs);
    return err;
}

static DWORD collect_heaps(struct snap_priv *p, DWORD pid)
{
    HANDLE heaps[256];
    DWORD n = GetProcessHeaps(256, heaps);
    if (n > 256)
        n = 256;
    HANDLE def = GetProcessHeap();
    for (DWORD i = 0; i < n; i++) {
        HEAPLIST32 *h = list_add(&p->heaps, sizeof *h);
        if (!h)
            return ERROR_NOT_ENOUGH_MEMORY;
        h->dwSize = sizeof *h;
        h->th32ProcessID = pid;
        h->th32HeapID = (ULONG_PTR)heaps[i];
        h->dwFlags = heaps[i] == def ? HF32_DEFAULT : 0;
    }
    return ERROR_SUCCESS;
}

static DWORD snap_collect(struct snap_priv *p, DWORD flags, DWORD pid)
{
    DWORD self = file_pid();
    bool mine = pid == 0 || pid == self;
    DWORD target = mine ? self : pid;
    if ((flags & (TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32 | TH32CS_SNAPHEAPLIST)) && !mine) {
        char dir[32];
        snprintf(dir, sizeof dir, "/proc/%u", pid);
        if (access(dir, F_OK) < 0)
            return ERROR_INVALID_PARAMETER;
    }
    DWORD err = ERROR_SUCCESS;
    if (flags & (TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD))
        err = collect_procs(p, flags & TH32CS_SNAPPROCESS, flags & TH32CS_SNAPTHREAD);
    if (!err && (flags & (TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32)))
        err = mine ? collect_self_modules(p, target) : collect_other_modules(p, target);
    if (!err && (flags & TH32CS_SNAPHEAPLIST) && mine)
        err = collect_heaps(p, target);
    return err;
}

static DWORD snap_create(DWORD flags, DWORD pid, HANDLE *out)
{
    pthread_once(&snap_atfork_once, snap_atfork_register);
    struct snap_priv *p = calloc(1, sizeof *p);
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD err = snap_collect(p, flags, pid);
    if (err) {
        snap_priv_free(p);
        return err;
    }
    struct object *o = object_new(&snapshot_type, 0, 0, &err);
    if (!o) {
        snap_priv_free(p);
        return err;
    }
    struct snap_obj *s = (struct snap_obj *)o;
    s->pid = file_pid();
    s->tag = shm_self_tag();
    s->priv = p;
    object_handle_open(o);
    err = handle_insert(o, STANDARD_RIGHTS_ALL,
                        (flags & TH32CS_INHERIT) ? HANDLE_FLAG_INHERIT : 0, out);
    if (err) {
        object_handle_close(o);
        object_unref(o);
    }
    return err;
}

WS_EXPORT HANDLE WINAPI CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID)
{
    HANDLE h = NULL;
    DWORD err = snap_create(dwFlags, th32ProcessID, &h);
    if (err) {
        ws_set_last_error(err);
        return INVALID_HANDLE_VALUE;
    }
    return h;
}

/* ---- walking ---- */

enum snap_which { SNAP_PROCS, SNAP_THREADS, SNAP_MODS, SNAP_HEAPS };

typedef void snap_copy_fn(const void *elem, void *out, bool wide);

/* The walk functions' common part: the handle, the caller's dwSize (which
 * must be at least `need`, else ERROR_BAD_LENGTH, as Windows checks it),
 * then the entry at the cursor (reset by First) or ERROR_NO_MORE_FILES. */
static BOOL snap_step(HANDLE h, enum snap_which which, bool first, void *out,
                      size_t need, size_t elem, snap_copy_fn *copy, bool wide)
{
    struct object *o = NULL;
    DWORD err = handle_ref(h, &snapshot_type, 0, &o, NULL);
    if (err)
        return ws_bool(err);
    if (!out)
        err = ERROR_INVALID_PARAMETER;
    else if (which == SNAP_HEAPS ? *(SIZE_T *)out < need : *(DWORD *)out < need)
        err = ERROR_BAD_LENGTH;
    struct snap_obj *s = (struct snap_obj *)o;
    if (!err) {
        pthread_mutex_lock(&snap_lock);
        struct snap_priv *p = proc_is_self(s->pid, s->tag) ? s->priv : NULL;
        struct snap_list *l = !p                      ? NULL
                              : which == SNAP_PROCS   ? &p->procs
                              : which == SNAP_THREADS ? &p->threads
                              : which == SNAP_MODS    ? &p->mods
                                                      : &p->heaps;
        if (l && first)
            l->cur = 0;
        if (l && l->cur < l->n)
            copy((char *)l->v + l->cur++ * elem, out, wide);
        else
            err = ERROR_NO_MORE_FILES;
        pthread_mutex_unlock(&snap_lock);
    }
    object_unref(o);
    return ws_bool(err);
}

static void put_str(const char *s, void *out, size_t cap, bool wide)
{
    if (wide) {
        if (utf8_to_utf16(s, out, cap) < 0) {
            /* Too long: what fits. */
            WCHAR *w = utf8_to_utf16_dup(s);
            size_t n = w ? wstrlen(w) : 0;
            if (n >= cap)
                n = cap - 1;
            if (w)
                memcpy(out, w, n * sizeof(WCHAR));
            ((WCHAR *)out)[n] = 0;
            free(w);
        }
    } else {
        copy_str(out, cap, s);
    }
}

static void copy_proc(const void *elem, void *out, bool wide)
{
    const struct snap_proc *e = elem;
    /* The A and W structs agree up to szExeFile. */
    PROCESSENTRY32W *pe = out;
    pe->cntUsage = 0;
    pe->th32ProcessID = e->pid;
    pe->th32DefaultHeapID = 0;
    pe->th32ModuleID = 0;
    pe->cntThreads = e->threads;
    pe->th32ParentProcessID = e->ppid;
    pe->pcPriClassBase = e->pri;
    pe->dwFlags = 0;
    put_str(e->exe, wide ? (void *)pe->szExeFile : (void *)((PROCESSENTRY32 *)out)->szExeFile,
            MAX_PATH, wide);
}

static void copy_thread(const void *elem, void *out, bool wide)
{
    (void)wide;
    THREADENTRY32 *te = out;
    DWORD size = te->dwSize;
    *te = *(const THREADENTRY32 *)elem;
    te->dwSize = size;
}

static void copy_mod(const void *elem, void *out, bool wide)
{
    const struct snap_mod *m = elem;
    MODULEENTRY32W *me = out;
    me->th32ModuleID = 1;
    me->th32ProcessID = m->pid;
    me->GlblcntUsage = 0xffff;
    me->ProccntUsage = 0xffff;
    me->modBaseAddr = m->base;
    me->modBaseSize = m->size;
    me->hModule = (HMODULE)m->base;
    if (wide) {
        put_str(m->name, me->szModule, MAX_MODULE_NAME32 + 1, true);
        put_str(m->path, me->szExePath, MAX_PATH, true);
    } else {
        MODULEENTRY32 *ma = out;
        put_str(m->name, ma->szModule, MAX_MODULE_NAME32 + 1, false);
        put_str(m->path, ma->szExePath, MAX_PATH, false);
    }
}

static void copy_heap(const void *elem, void *out, bool wide)
{
    (void)wide;
    HEAPLIST32 *hl = out;
    SIZE_T size = hl->dwSize;
    *hl = *(const HEAPLIST32 *)elem;
    hl->dwSize = size;
}

#define SNAP_PROC(h, pe, first, T, wide)                                          \
    snap_step(h, SNAP_PROCS, first, pe, sizeof(T), sizeof(struct snap_proc), copy_proc, wide)
#define SNAP_MOD(h, me, first, T, wide)                                           \
    snap_step(h, SNAP_MODS, first, me, sizeof(T), sizeof(struct snap_mod), copy_mod, wide)

WS_EXPORT BOOL WINAPI Process32FirstW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
{
    return SNAP_PROC(hSnapshot, lppe, true, PROCESSENTRY32W, true);
}

WS_EXPORT BOOL WINAPI Process32NextW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
{
    return SNAP_PROC(hSnapshot, lppe, false, PROCESSENTRY32W, true);
}

#undef Process32First
#undef Process32Next
WS_EXPORT BOOL WINAPI Process32First(HANDLE hSnapshot, LPPROCESSENTRY32 lppe)
{
    return SNAP_PROC(hSnapshot, lppe, true, PROCESSENTRY32, false);
}

WS_EXPORT BOOL WINAPI Process32Next(HANDLE hSnapshot, LPPROCESSENTRY32 lppe)
{
    return SNAP_PROC(hSnapshot, lppe, false, PROCESSENTRY32, false);
}

WS_EXPORT BOOL WINAPI Thread32First(HANDLE hSnapshot, LPTHREADENTRY32 lpte)
{
    return snap_step(hSnapshot, SNAP_THREADS, true, lpte, sizeof(THREADENTRY32),
                     sizeof(THREADENTRY32), copy_thread, false);
}

WS_EXPORT BOOL WINAPI Thread32Next(HANDLE hSnapshot, LPTHREADENTRY32 lpte)
{
    return snap_step(hSnapshot, SNAP_THREADS, false, lpte, sizeof(THREADENTRY32),
                     sizeof(THREADENTRY32), copy_thread, false);
}

WS_EXPORT BOOL WINAPI Module32FirstW(HANDLE hSnapshot, LPMODULEENTRY32W lpme)
{
    return SNAP_MOD(hSnapshot, lpme, true, MODULEENTRY32W, true);
}

WS_EXPORT BOOL WINAPI Module32NextW(HANDLE hSnapshot, LPMODULEENTRY32W lpme)
{
    return SNAP_MOD(hSnapshot, lpme, false, MODULEENTRY32W, true);
}

#undef Module32First
#undef Module32Next
WS_EXPORT BOOL WINAPI Module32First(HANDLE hSnapshot, LPMODULEENTRY32 lpme)
{
    return SNAP_MOD(hSnapshot, lpme, true, MODULEENTRY32, false);
}

WS_EXPORT BOOL WINAPI Module32Next(HANDLE hSnapshot, LPMODULEENTRY32 lpme)
{
    return SNAP_MOD(hSnapshot, lpme, false, MODULEENTRY32, false);
}

WS_EXPORT BOOL WINAPI Heap32ListFirst(HANDLE hSnapshot, LPHEAPLIST32 lphl)
{
    return snap_step(hSnapshot, SNAP_HEAPS, true, lphl, sizeof(HEAPLIST32),
                     sizeof(HEAPLIST32), copy_heap, false);
}

WS_EXPORT BOOL WINAPI Heap32ListNext(HANDLE hSnapshot, LPHEAPLIST32 lphl)
{
    return snap_step(hSnapshot, SNAP_HEAPS, false, lphl, sizeof(HEAPLIST32),
                     sizeof(HEAPLIST32), copy_heap, false);
}
