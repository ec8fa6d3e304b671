/*
 * winshim-objects: what the user's winshim session holds, read without
 * changing anything (Sysinternals' WinObj and handle.exe, for winshim).
 *
 *   winshim-objects [--json] [--type TYPE] [--name TEXT]   processes, objects
 *   winshim-objects [--json] --handles PID                  one handle table
 *   winshim-objects [--json] --waits [--pid PID]             blocked threads
 *
 * It maps the session file itself, read-only (PROT_READ, MAP_SHARED), and
 * never attaches: the library's attach would join the process table and
 * write the arena.  It takes no lock either (taking one writes the lock
 * word), so it reads the arena while its processes change it: the table
 * word once, then chains that may change under it.  Every offset it
 * follows is checked (arena_off_plausible, object_plausible) and every
 * walk is bounded, so a concurrent change gives at worst a stale or
 * missing line, never a crash or a loop.  Of the library it uses the
 * layout id (to find the session file and know it reads the same
 * layout), the type descriptors (object_types) and the struct
 * definitions; all pure reads of this process's own memory.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/handle_lookup.h"
#include "core/names.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/wait.h"

/* namespace.c's private table layout, which this walk must match; its
 * layout is folded into the layout id (namespace_layout_mix), so a build
 * where these differ cannot open the same session file.  Kept in step by
 * hand: the two definitions below and NT_* are namespace.c's. */
#define NS_CHUNK_LOG 11
#define NS_LOG_MIN 8
#define NS_LOG_MAX 24
#define NS_SLOTS 7
struct ns_bucket {
    uint64_t slot[NS_SLOTS]; /* hash << 32 | record; 0: free */
    aoff_t over;
    uint32_t spare;
};
struct name_rec {
    aoff_t next[2];
    uint32_t hash;
    aoff_t obj;
    uint32_t len;
    WCHAR key[];
};
#define NT_OFF(t) ((aoff_t)(t))
#define NT_LOG(t) ((uint32_t)((t) >> 32) & 0x3f)
#define NT_LINK(t) ((uint32_t)((t) >> 38) & 1)

/* The mutex's and event's state flags (lib/sync/mutex.c, event.c). */
#define MX_ABANDONED 0x1u
#define MX_COUNT_SHIFT 1
#define EV_MANUAL 0x1u
/* The slot tag (shm.c): ((gen & TAG_GEN_MASK) << 11) | (index + 1). */
#define TAG_INDEX_BITS 11
#define TAG_GEN_MASK 0x7ffffu

#define CHAIN_MAX 100000u   /* records in one bucket, at most */
#define OBJECTS_MAX 4000000u /* records in all, at most */
#define THREADS_MAX 100000u

static bool json, verbose;
static const char *type_filter, *name_filter;
static long waits_pid = -1; /* --pid: only its waits */
static sigjmp_buf bus_jump;

static void on_bus(int sig)
{
    (void)sig;
    siglongjmp(bus_jump, 1);
}

/* ---- output helpers ---- */

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* s escaped for a JSON string (without the quotes), into buf. */
static void json_buf(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(buf + n, cap - n, "\\u%04x", c);
        } else {
            buf[n++] = (char)c;
        }
    }
    buf[n] = 0;
}

/* A name record's key as UTF-8 (lone surrogates as U+FFFD), into buf. */
static void key_utf8(const WCHAR *k, uint32_t len, char *buf, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < len && n + 5 < cap; i++) {
        uint32_t c = k[i];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < len && k[i + 1] >= 0xdc00 && k[i + 1] < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (k[++i] - 0xdc00);
        else if (c >= 0xd800 && c < 0xe000)
            c = 0xfffd;
        if (c < 0x80) {
            buf[n++] = (char)c;
        } else if (c < 0x800) {
            buf[n++] = (char)(0xc0 | c >> 6);
            buf[n++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            buf[n++] = (char)(0xe0 | c >> 12);
            buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            buf[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            buf[n++] = (char)(0xf0 | c >> 18);
            buf[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
            buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            buf[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    buf[n] = 0;
}

/* The name of the object at off ("" when unnamed or unreadable):
 * namespace ("S1", "G") and name into ns and name. */
static void object_name(const struct object *o, char *ns, size_t nscap,
                        char *name, size_t cap)
{
    static char full[NAME_MAX_W * 4 + 16];
    ns[0] = name[0] = 0;
    aoff_t r = o->name;
    if (!arena_off_plausible(r))
        return;
    const struct name_rec *rec = arena_ptr(r);
    uint32_t len = rec->len;
    if (len > NAME_MAX_W + 16)
        return;
    key_utf8(rec->key, len, full, sizeof full);
    char *bs = strchr(full, '\\');
    if (!bs) {
        snprintf(name, cap, "%s", full);
        return;
    }
    size_t n = (size_t)(bs - full) < nscap - 1 ? (size_t)(bs - full) : nscap - 1;
    memcpy(ns, full, n);
    ns[n] = 0;
    snprintf(name, cap, "%s", bs + 1);
}

static const char *type_name(const struct object *o)
{
    const struct object_type *t = o->type_id < TYPE_COUNT ? object_types[o->type_id] : NULL;
    return t ? t->name : "?";
}

/* The pid of the process whose slot tag is tag, 0 if none. */
static int32_t tag_pid(uint32_t tag)
{
    uint32_t idx = tag & ((1u << TAG_INDEX_BITS) - 1);
    aoff_t procs = arena_hdr()->procs;
    if (!idx || idx > PROC_SLOTS || !arena_off_plausible(procs))
        return 0;
    const struct proc_slot *s = (const struct proc_slot *)arena_ptr(procs) + (idx - 1);
    return s->pid;
}

/* The state of a waitable kind, in words and as JSON members. */
static void object_state(const struct object *o, char *text, size_t cap,
                         char *js, size_t jcap)
{
    uint64_t s = obj_state(o);
    uint32_t v = st_value(s), f = st_flags(s);
    text[0] = js[0] = 0;
    switch (o->type_id) {
    case TYPE_EVENT:
        snprintf(text, cap, "%s %s", v ? "signaled" : "nonsignaled",
                 f & EV_MANUAL ? "manual" : "auto");
        snprintf(js, jcap, "\"signaled\":%s,\"manual_reset\":%s", v ? "true" : "false",
                 f & EV_MANUAL ? "true" : "false");
        break;
    case TYPE_SEMAPHORE: {
        /* struct semaphore (semaphore.c): the object, then max. */
        int32_t max = *(const int32_t *)((const char *)o + sizeof(struct object));
        snprintf(text, cap, "count=%u max=%d", v, max);
        snprintf(js, jcap, "\"count\":%u,\"maximum\":%d", v, max);
        break;
    }
    case TYPE_MUTEX:
        if (!v) {
            snprintf(text, cap, "free%s", f & MX_ABANDONED ? " abandoned" : "");
            snprintf(js, jcap, "\"owner_tid\":0,\"abandoned\":%s",
                     f & MX_ABANDONED ? "true" : "false");
        } else {
            int32_t pid = tag_pid(atomic_load_explicit(&((struct object *)o)->aux,
                                                       memory_order_relaxed));
            snprintf(text, cap, "owner=%u pid=%d recursion=%u", v, pid, f >> MX_COUNT_SHIFT);
            snprintf(js, jcap, "\"owner_tid\":%u,\"owner_pid\":%d,\"recursion\":%u", v, pid,
                     f >> MX_COUNT_SHIFT);
        }
        break;
    default:
        if (object_type_of(o)->signaled) {
            bool sig = object_type_of(o)->signaled(o, s, 0);
            snprintf(text, cap, "%s", sig ? "signaled" : "nonsignaled");
            snprintf(js, jcap, "\"signaled\":%s", sig ? "true" : "false");
        }
        break;
    }
}

/* ---- processes ---- */

/* /proc/<pid>/stat's start time (field 22), 0 when there is no such pid
 * or it is a zombie (dead to the session, as shm.c counts it). */
static uint64_t start_time_of(int32_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || !p[1] || !p[2] || p[2] == 'Z' || p[2] == 'X' || p[2] == 'x')
        return 0;
    unsigned long long st = 0;
    /* after ")": state is field 3; start time is field 22 */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d"
                      " %*d %*d %llu", &st) != 1)
        return 0;
    return st;
}

static void cmdline_of(int32_t pid, char *buf, size_t cap)
{
    char path[64];
    buf[0] = 0;
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    while (n && !buf[n - 1])
        n--;
    for (size_t i = 0; i < n; i++)
        if (!buf[i])
            buf[i] = ' ';
        else if ((unsigned char)buf[i] < 0x20)
            buf[i] = '?';
    buf[n] = 0;
}

static const char *slot_state_name(uint32_t st)
{
    if (st & SLOT_INIT_BY)
        return "INIT";
    switch (st) {
    case SLOT_LIVE: return "LIVE";
    case SLOT_PREPARED: return "PREPARED";
    case SLOT_REAPING: return "REAPING";
    default: return "?";
    }
}

static struct proc_slot *slots(void)
{
    aoff_t procs = arena_hdr()->procs;
    return arena_off_plausible(procs) ? arena_ptr(procs) : NULL;
}

/* The entry i of a slot's handle table, NULL if its chunk is missing. */
static const struct handle_entry *entry_of(const struct proc_slot *s, uint32_t i)
{
    aoff_t l1off = s->ht_l1;
    if (!arena_off_plausible(l1off) || i >= HANDLE_MAX)
        return NULL;
    const _Atomic aoff_t *l1 = arena_ptr(l1off);
    aoff_t chunk = atomic_load_explicit(&l1[i >> HT_L2_BITS], memory_order_acquire);
    if (!arena_off_plausible(chunk))
        return NULL;
    return (const struct handle_entry *)arena_ptr(chunk) + (i & (HT_L2 - 1));
}

/* The next used entry of s's handle table at index *i or after, with its
 * word; NULL after the last.  Bounded by the table's top and HANDLE_MAX;
 * a missing chunk is skipped whole. */
static const struct handle_entry *next_used(const struct proc_slot *s, uint32_t *i,
                                            uint64_t *w)
{
    uint32_t top = s->ht_top;
    if (top > HANDLE_MAX)
        top = HANDLE_MAX;
    for (; *i < top; (*i)++) {
        const struct handle_entry *e = entry_of(s, *i);
        if (!e) {
            *i |= HT_L2 - 1; /* the whole chunk is missing */
            continue;
        }
        *w = atomic_load_explicit(&((struct handle_entry *)e)->word, memory_order_acquire);
        if (*w & HE_USED)
            return e;
    }
    return NULL;
}

static uint32_t handle_total(const struct proc_slot *s)
{
    uint32_t n = 0;
    uint64_t w;
    for (uint32_t i = 0; next_used(s, &i, &w); i++)
        n++;
    return n;
}

static uint32_t thread_total(const struct proc_slot *s)
{
    uint32_t n = 0;
    for (aoff_t t = s->threads; arena_off_plausible(t) && n < THREADS_MAX; n++)
        t = ((const struct shm_thread *)arena_ptr(t))->next;
    return n;
}

/* Alive as shm.c counts it: the pid exists and started when the slot's
 * owner did; a PREPARED slot with no pid yet lives while the process that
 * prepared it (creator_pid) does. */
static bool slot_is_alive(const struct proc_slot *s, uint32_t st)
{
    int32_t pid = (st & SLOT_INIT_BY) ? (int32_t)(st & ~SLOT_INIT_BY) : s->pid;
    uint64_t now = pid > 0 ? start_time_of(pid) : 0;
    return pid > 0 ? now && s->start_time == now
                   : s->parent_pid > 0 && start_time_of(s->parent_pid);
}

static void show_processes(void)
{
    struct proc_slot *sl = slots();
    bool first = true;
    if (json)
        printf("\"processes\":[");
    else
        printf("%-6s %-8s %-7s %-5s %7s %7s  %s\n", "SLOT", "STATE", "PID", "ALIVE",
               "HANDLES", "THREADS", "COMMAND");
    for (uint32_t i = 0; sl && i < PROC_SLOTS; i++) {
        const struct proc_slot *s = &sl[i];
        uint32_t st = atomic_load_explicit(&((struct proc_slot *)s)->state, memory_order_acquire);
        if (st == SLOT_FREE)
            continue;
        int32_t pid = (st & SLOT_INIT_BY) ? (int32_t)(st & ~SLOT_INIT_BY) : s->pid;
        bool alive = slot_is_alive(s, st);
        char cmd[4096] = "";
        if (alive)
            cmdline_of(pid, cmd, sizeof cmd);
        uint32_t nh = handle_total(s), nt = thread_total(s);
        if (json) {
            printf("%s{\"slot\":%u,\"state\":\"%s\",\"pid\":%d,\"creator_pid\":%d,"
                   "\"alive\":%s,\"handles\":%u,\"threads\":%u,\"command\":",
                   first ? "" : ",", i, slot_state_name(st), pid, s->parent_pid,
                   alive ? "true" : "false", nh, nt);
            json_str(cmd);
            putchar('}');
        } else {
            printf("%-6u %-8s %-7d %-5s %7u %7u  %s\n", i, slot_state_name(st), pid,
                   alive ? "yes" : "dead", nh, nt, cmd);
        }
        first = false;
    }
    if (json)
        printf("]");
}

/* ---- who waits on what ----
 *
 * Every thread record of every slot (struct shm_thread) names its wait
 * record (struct waiter, core/wait.h).  A thread is blocked while the
 * status word is WS_WAITING and its entries are queued; wait.c writes down
 * on the blocking path what the wait asked (timeout, any/all, alertable)
 * and, last with a release store, when it began (since).  A record is read
 * as one wait when since and the status read the same before and after
 * the rest: a wait that ended or began meanwhile is read again (a few
 * times) or left out.  A mutex's owner is its state's value (the owner's
 * thread id) and aux (its process's slot tag), which names one thread
 * record.  Wait chains and deadlocks are computed on that snapshot. */

#define WQ_ALL 0x80000000u  /* wait.c's flag in waiter->queued */
#define NAME_BUF (NAME_MAX_W * 4 + 16)    /* a name as UTF-8 */
#define DESC_TEXT (NAME_BUF + 96)         /* describe()'s text */
#define DESC_JS (NAME_BUF * 2 + 64 + 256) /* describe()'s JSON members */
#define WAITS_MAX 65536u    /* thread records read, at most */
#define LIST_MAX 65536u     /* entries walked on one object's list */
#define OWNER_NONE (-1)     /* not a mutex owned by another thread */
#define OWNER_GONE (-2)     /* owned by a thread the session does not list */

struct tinfo {
    aoff_t waiter;          /* its struct waiter */
    uint32_t tid, slot;
    int32_t pid;
    bool alive;             /* its process is (the slot's pid started then) */
    int32_t snap;           /* index in snaps when blocked, else -1 */
};

struct wsnap {
    uint32_t thread;        /* index in threads */
    uint32_t count, wflags, timeout;
    uint64_t since;
    aoff_t objs[MAXIMUM_WAIT_OBJECTS];
    int32_t owner[MAXIMUM_WAIT_OBJECTS]; /* index in threads, or OWNER_* */
    bool stuck;             /* deadlocked: no thread can ever end this wait */
};

static struct tinfo *threads;
static uint32_t nthreads;
static struct wsnap *snaps;
static uint32_t nsnaps;
static uint32_t *by_waiter;  /* thread indexes sorted by waiter offset */
static bool slot_alive[PROC_SLOTS];

static uint64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A record of `size` bytes at off lies in what the session has allocated. */
static bool block_ok(aoff_t off, size_t size)
{
    return arena_off_plausible(off) &&
           (uint64_t)off + size <= atomic_load_explicit(&arena_hdr()->top, memory_order_acquire);
}

static int cmp_waiter(const void *a, const void *b)
{
    aoff_t x = threads[*(const uint32_t *)a].waiter, y = threads[*(const uint32_t *)b].waiter;
    return x < y ? -1 : x > y;
}

/* The thread whose wait record holds the wait entry at off, -1 if none. */
static int32_t thread_of_entry(aoff_t off)
{
    const size_t base = offsetof(struct waiter, entries);
    uint32_t lo = 0, hi = nthreads;
    while (lo < hi) { /* the last waiter at or below off */
        uint32_t mid = lo + (hi - lo) / 2;
        if (threads[by_waiter[mid]].waiter <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return -1;
    uint32_t t = by_waiter[lo - 1];
    aoff_t w = threads[t].waiter;
    if (off < w + base || (off - w - base) % sizeof(struct wait_entry) ||
        (off - w - base) / sizeof(struct wait_entry) >= MAXIMUM_WAIT_OBJECTS)
        return -1;
    return (int32_t)t;
}

/* The thread record of thread `tid` in the process with slot tag `tag`
 * (the slot's index and generation: not a later owner of the slot). */
static int32_t thread_of_tag(uint32_t tag, uint32_t tid)
{
    uint32_t idx = tag & ((1u << TAG_INDEX_BITS) - 1);
    struct proc_slot *sl = slots();
    if (!idx || idx > PROC_SLOTS || !sl ||
        (atomic_load_explicit(&sl[idx - 1].gen, memory_order_acquire) & TAG_GEN_MASK) !=
            tag >> TAG_INDEX_BITS)
        return -1;
    for (uint32_t i = 0; i < nthreads; i++)
        if (threads[i].slot == idx - 1 && threads[i].tid == tid)
            return (int32_t)i;
    return -1;
}

/* One consistent read of a blocked thread's wait, false when it is not
 * blocked (or kept changing under us). */
static bool snap_wait(const struct waiter *w, struct wsnap *s)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t since = __atomic_load_n(&w->since, __ATOMIC_ACQUIRE);
        uint32_t st = atomic_load_explicit(&((struct waiter *)w)->status, memory_order_acquire);
        if (st != WS_WAITING || !since)
            return false;
        s->count = w->count;
        s->wflags = w->wflags;
        s->timeout = w->timeout;
        uint32_t queued = w->queued;
        if (s->count > MAXIMUM_WAIT_OBJECTS)
            continue;
        memcpy(s->objs, w->objs, s->count * sizeof(aoff_t));
        atomic_thread_fence(memory_order_acquire);
        if (__atomic_load_n(&w->since, __ATOMIC_RELAXED) != since ||
            atomic_load_explicit(&((struct waiter *)w)->status, memory_order_relaxed) != WS_WAITING)
            continue;
        /* Queued entries; with no session object, an alertable sleep or a
         * wait on granted objects only. */
        if (!(queued & ~WQ_ALL) &&
            !(s->count == 0 && (s->wflags & (WF_ALERTABLE | ~0u << WF_UNLISTED_SHIFT))))
            return false;
        s->since = since;
        return true;
    }
    return false;
}

/* Reads every thread record and the waits of the blocked ones. */
static void collect_waits(void)
{
    struct proc_slot *sl = slots();
    threads = calloc(WAITS_MAX, sizeof *threads);
    if (!threads)
        return;
    for (uint32_t i = 0; sl && i < PROC_SLOTS; i++) {
        const struct proc_slot *s = &sl[i];
        uint32_t st = atomic_load_explicit(&((struct proc_slot *)s)->state, memory_order_acquire);
        if (st == SLOT_FREE || (st & SLOT_INIT_BY))
            continue;
        slot_alive[i] = slot_is_alive(s, st);
        uint32_t n = 0;
        for (aoff_t t = s->threads; block_ok(t, sizeof(struct shm_thread)) && n < THREADS_MAX &&
                                    nthreads < WAITS_MAX;
             n++) {
            const struct shm_thread *r = arena_ptr(t);
            t = r->next;
            aoff_t w = r->waiter;
            if (!block_ok(w, sizeof(struct waiter)))
                continue;
            threads[nthreads++] = (struct tinfo){.waiter = w, .tid = r->tid, .slot = i,
                                                 .pid = s->pid, .alive = slot_alive[i],
                                                 .snap = -1};
        }
    }
    by_waiter = malloc((nthreads + 1) * sizeof *by_waiter);
    snaps = calloc(nthreads + 1, sizeof *snaps);
    if (!by_waiter || !snaps) {
        nthreads = 0;
        return;
    }
    for (uint32_t i = 0; i < nthreads; i++)
        by_waiter[i] = i;
    qsort(by_waiter, nthreads, sizeof *by_waiter, cmp_waiter);
    for (uint32_t i = 0; i < nthreads; i++) {
        const struct waiter *w = arena_ptr(threads[i].waiter);
        struct wsnap *s = &snaps[nsnaps];
        if (w->tid != threads[i].tid || !snap_wait(w, s))
            continue;
        s->thread = i;
        threads[i].snap = (int32_t)nsnaps++;
    }
    /* Each object's owner, when it is a mutex another thread owns. */
    for (uint32_t k = 0; k < nsnaps; k++) {
        struct wsnap *s = &snaps[k];
        for (uint32_t j = 0; j < s->count; j++) {
            s->owner[j] = OWNER_NONE;
            if (!object_plausible(s->objs[j]))
                continue;
            const struct object *o = arena_ptr(s->objs[j]);
            uint32_t v = st_value(obj_state(o));
            if (o->type_id != TYPE_MUTEX || !v || v == threads[s->thread].tid)
                continue;
            int32_t t = thread_of_tag(atomic_load_explicit(&((struct object *)o)->aux,
                                                           memory_order_relaxed), v);
            s->owner[j] = t >= 0 ? t : OWNER_GONE;
        }
    }
}

/* A wait can end when one of its objects (wait-any) or each of them
 * (wait-all) can still be had: any object but a mutex owned by another
 * thread (anybody may set an event), or such a mutex whose owner can
 * still move (it is not blocked, or its own wait can end, or its process
 * is dead and the mutex will be abandoned).  What is left blocked once
 * that settles is deadlocked: a cycle of owned mutexes, and the threads
 * that wait on it. */
static void find_deadlocks(void)
{
    for (uint32_t k = 0; k < nsnaps; k++)
        snaps[k].stuck = threads[snaps[k].thread].alive && snaps[k].count > 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t k = 0; k < nsnaps; k++) {
            struct wsnap *s = &snaps[k];
            if (!s->stuck)
                continue;
            bool all = s->wflags & WF_ALL, can = all;
            for (uint32_t j = 0; j < s->count; j++) {
                int32_t t = s->owner[j];
                bool free_ = t < 0 || threads[t].snap < 0 || !snaps[threads[t].snap].stuck;
                if (all && !free_)
                    can = false;
                if (!all && free_)
                    can = true;
            }
            if (s->wflags >> WF_UNLISTED_SHIFT)
                can = true; /* it waits on objects not recorded here too */
            if (can) {
                s->stuck = false;
                changed = true;
            }
        }
    }
}

/* The handle value by which thread t's process holds the object at obj. */
static uintptr_t handle_in(uint32_t slot, aoff_t obj)
{
    const struct proc_slot *s = &slots()[slot];
    uint64_t w;
    for (uint32_t i = 0; next_used(s, &i, &w); i++)
        if ((aoff_t)(w & HE_OFF_MASK) == obj)
            return (uintptr_t)handle_value(i, he_gen(w));
    return 0;
}

/* An object as a thread of slot `slot` sees it: its type, then its name
 * or the handle it waits with. */
static void describe(aoff_t off, uint32_t slot, char *text, size_t cap, char *js, size_t jcap)
{
    static char ns[32], name[NAME_BUF], ename[NAME_BUF * 2], ens[64];
    if (!object_plausible(off)) {
        snprintf(text, cap, "? (gone)");
        snprintf(js, jcap, "\"type\":\"?\"");
        return;
    }
    const struct object *o = arena_ptr(off);
    object_name(o, ns, sizeof ns, name, sizeof name);
    uintptr_t h = handle_in(slot, off);
    char hs[32] = "";
    if (h)
        snprintf(hs, sizeof hs, "0x%lx", (unsigned long)h);
    if (name[0])
        snprintf(text, cap, "%s %s\\%s", type_name(o), ns, name);
    else
        snprintf(text, cap, "%s handle %s", type_name(o), h ? hs : "?");
    json_buf(name, ename, sizeof ename);
    json_buf(ns, ens, sizeof ens);
    snprintf(js, jcap, "\"type\":\"%s\",\"namespace\":\"%s\",\"name\":\"%s\",\"handle\":%s%s%s,"
                       "\"offset\":%u",
             type_name(o), ens, ename, h ? "\"" : "", h ? hs : "null", h ? "\"" : "", off);
}

/* ---- wait chains ---- */

#define CHAIN_LEN_MAX 64u

struct chain {
    uint32_t n;                      /* threads in it */
    uint32_t thread[CHAIN_LEN_MAX];  /* thread[i] waits on obj[i], owned by thread[i + 1] */
    int32_t obj[CHAIN_LEN_MAX];      /* index in the wait's objects; -1: the chain ends */
    bool cycle;                      /* thread[n - 1]'s mutex is owned by thread[cycle_at] */
    int32_t cycle_at;
    bool gone;                       /* the last mutex's owner is not listed */
};

/* The object of wait s that the chain follows: a mutex owned by a
 * deadlocked thread when s is deadlocked, else the first owned mutex. */
static int32_t chain_pick(const struct wsnap *s)
{
    int32_t first = -1;
    for (uint32_t j = 0; j < s->count; j++) {
        int32_t t = s->owner[j];
        if (t == OWNER_NONE)
            continue;
        if (first < 0)
            first = (int32_t)j;
        if (s->stuck && t >= 0 && threads[t].snap >= 0 && snaps[threads[t].snap].stuck)
            return (int32_t)j;
    }
    return first;
}

static void chain_of(uint32_t k, struct chain *c)
{
    memset(c, 0, sizeof *c);
    c->cycle_at = -1;
    uint32_t t = snaps[k].thread;
    for (;;) {
        c->thread[c->n] = t;
        c->obj[c->n] = -1;
        c->n++;
        if (threads[t].snap < 0 || c->n == CHAIN_LEN_MAX)
            return; /* it runs */
        const struct wsnap *s = &snaps[threads[t].snap];
        int32_t j = chain_pick(s);
        if (j < 0)
            return;
        c->obj[c->n - 1] = j;
        int32_t next = s->owner[j];
        if (next < 0) {
            c->gone = true;
            return;
        }
        for (uint32_t i = 0; i < c->n; i++)
            if (c->thread[i] == (uint32_t)next) {
                c->cycle = true;
                c->cycle_at = (int32_t)i;
                return;
            }
        t = (uint32_t)next;
    }
}

static void chain_text(const struct chain *c, char *buf, size_t cap)
{
    size_t n = 0;
    static char text[DESC_TEXT], js[DESC_JS];
    buf[0] = 0;
    for (uint32_t i = 0; i < c->n && n < cap; i++) {
        const struct tinfo *t = &threads[c->thread[i]];
        n += (size_t)snprintf(buf + n, cap - n, "%s%d/%u%s", i ? " -> " : "", (int)t->pid,
                              (unsigned)t->tid, t->alive ? "" : " (dead)");
        if (c->obj[i] < 0 || n >= cap)
            continue;
        const struct wsnap *s = &snaps[t->snap];
        describe(s->objs[c->obj[i]], t->slot, text, sizeof text, js, sizeof js);
        n += (size_t)snprintf(buf + n, cap - n, " -> %s", text);
    }
    if (n < cap && c->cycle) {
        const struct tinfo *t = &threads[c->thread[c->cycle_at]];
        /* A cycle through a dead process ends when it is reaped: its
         * mutexes are abandoned to their waiters. */
        snprintf(buf + n, cap - n, " -> %d/%u  %s", (int)t->pid, (unsigned)t->tid,
                 snaps[threads[c->thread[0]].snap].stuck ? "DEADLOCK"
                                                         : "(cycle through a dead process)");
    } else if (n < cap && c->gone) {
        snprintf(buf + n, cap - n, " -> owner not in the session");
    }
}

static void chain_json(const struct chain *c)
{
    static char text[DESC_TEXT], js[DESC_JS];
    printf("[");
    for (uint32_t i = 0; i < c->n; i++) {
        const struct tinfo *t = &threads[c->thread[i]];
        printf("%s{\"node\":\"thread\",\"pid\":%d,\"tid\":%u,\"alive\":%s,\"blocked\":%s}",
               i ? "," : "", (int)t->pid, (unsigned)t->tid, t->alive ? "true" : "false",
               t->snap >= 0 ? "true" : "false");
        if (c->obj[i] < 0)
            continue;
        const struct wsnap *s = &snaps[t->snap];
        describe(s->objs[c->obj[i]], t->slot, text, sizeof text, js, sizeof js);
        printf(",{\"node\":\"object\",%s}", js);
    }
    if (c->cycle) {
        const struct tinfo *t = &threads[c->thread[c->cycle_at]];
        printf(",{\"node\":\"thread\",\"pid\":%d,\"tid\":%u,\"alive\":%s,\"blocked\":true}",
               (int)t->pid, (unsigned)t->tid, t->alive ? "true" : "false");
    }
    printf("]");
}

static const char *wait_kind(const struct wsnap *s)
{
    uint32_t total = s->count + (s->wflags >> WF_UNLISTED_SHIFT);
    if (!total)
        return "sleep";
    if (total == 1)
        return "one";
    return s->wflags & WF_ALL ? "all" : "any";
}

static bool pid_matches(int32_t pid)
{
    return waits_pid <= 0 || pid == waits_pid;
}

static void show_waits(void)
{
    static char text[DESC_TEXT], js[DESC_JS];
    char tmo[24], waited[24];
    static char line[16384];
    struct chain c;
    uint64_t now = mono_now();
    bool first = true;
    if (json)
        printf("\"waits\":[");
    else
        printf("%-7s %-7s %-5s %-10s %9s  %-8s %s\n", "PID", "TID", "WAIT", "TIMEOUT", "WAITED",
               "STATE", "OBJECTS");
    for (uint32_t k = 0; k < nsnaps; k++) {
        const struct wsnap *s = &snaps[k];
        const struct tinfo *t = &threads[s->thread];
        if (!pid_matches(t->pid))
            continue;
        uint64_t ms = now > s->since ? (now - s->since) / 1000000u : 0;
        const char *state = !t->alive ? "dead" : s->stuck ? "DEADLOCK" : "waiting";
        if (s->timeout == INFINITE)
            snprintf(tmo, sizeof tmo, "INFINITE");
        else
            snprintf(tmo, sizeof tmo, "%ums", (unsigned)s->timeout);
        snprintf(waited, sizeof waited, "%llu.%llus", (unsigned long long)(ms / 1000),
                 (unsigned long long)(ms % 1000 / 100));
        uint32_t unlisted = s->wflags >> WF_UNLISTED_SHIFT;
        chain_of(k, &c);
        if (json) {
            printf("%s{\"pid\":%d,\"tid\":%u,\"alive\":%s,\"wait\":\"%s\",\"alertable\":%s,"
                   "\"timeout_ms\":",
                   first ? "" : ",", (int)t->pid, (unsigned)t->tid, t->alive ? "true" : "false",
                   wait_kind(s), s->wflags & WF_ALERTABLE ? "true" : "false");
            if (s->timeout == INFINITE)
                printf("null");
            else
                printf("%u", (unsigned)s->timeout);
            printf(",\"waited_ms\":%llu,\"deadlocked\":%s,\"unlisted_objects\":%u,\"objects\":[",
                   (unsigned long long)ms, s->stuck ? "true" : "false", unlisted);
            for (uint32_t j = 0; j < s->count; j++) {
                describe(s->objs[j], t->slot, text, sizeof text, js, sizeof js);
                printf("%s{\"index\":%u,%s", j ? "," : "", j, js);
                int32_t o = s->owner[j];
                if (o >= 0)
                    printf(",\"owner_pid\":%d,\"owner_tid\":%u", (int)threads[o].pid,
                           (unsigned)threads[o].tid);
                else if (o == OWNER_GONE)
                    printf(",\"owner_pid\":null,\"owner_tid\":%u",
                           st_value(obj_state(arena_ptr(s->objs[j]))));
                printf("}");
            }
            printf("],\"chain\":");
            chain_json(&c);
            printf(",\"cycle\":%s}", c.cycle ? "true" : "false");
        } else {
            if (!s->count)
                printf("%-7d %-7u %-5s %-10s %9s  %-8s %s\n", (int)t->pid, (unsigned)t->tid,
                       wait_kind(s), tmo, waited, state,
                       unlisted ? "(granted objects only)" : "(alertable, no object)");
            for (uint32_t j = 0; j < s->count; j++) {
                describe(s->objs[j], t->slot, text, sizeof text, js, sizeof js);
                char own[64] = "";
                int32_t o = s->owner[j];
                if (o >= 0)
                    snprintf(own, sizeof own, " owner=%d/%u", (int)threads[o].pid,
                             (unsigned)threads[o].tid);
                else if (o == OWNER_GONE)
                    snprintf(own, sizeof own, " owner=?/%u",
                             st_value(obj_state(arena_ptr(s->objs[j]))));
                if (!j)
                    printf("%-7d %-7u %-5s %-10s %9s  %-8s ", (int)t->pid, (unsigned)t->tid,
                           wait_kind(s), tmo, waited, state);
                else
                    printf("%-7s %-7s %-5s %-10s %9s  %-8s ", "", "", "", "", "", "");
                printf("[%u] %s%s\n", j, text, own);
            }
            if (unlisted)
                printf("%-54s (and %u object(s) granted by another user, not listed)\n", "",
                       unlisted);
        }
        first = false;
    }
    if (json) {
        printf("],\"deadlocks\":[");
    } else {
        printf("\nWAIT CHAINS\n");
    }
    /* The chains: each blocked thread's that passes an owned mutex; in
     * JSON, each deadlock once (with --pid, those it takes part in). */
    first = true;
    bool any = false;
    for (uint32_t k = 0; k < nsnaps; k++) {
        const struct tinfo *t = &threads[snaps[k].thread];
        chain_of(k, &c);
        if (!json) {
            if (!pid_matches(t->pid) || (c.n < 2 && !c.gone))
                continue;
            any = true;
            chain_text(&c, line, sizeof line);
            printf("%s\n", line);
            continue;
        }
        /* A cycle once: from the thread of the cycle listed first. */
        if (!snaps[k].stuck || !c.cycle || c.cycle_at != 0)
            continue;
        bool lowest = true, mine = false;
        for (uint32_t i = 0; i < c.n; i++) {
            if (threads[c.thread[i]].snap < (int32_t)k)
                lowest = false;
            mine |= pid_matches(threads[c.thread[i]].pid);
        }
        if (!lowest || !mine)
            continue;
        printf("%s", first ? "" : ",");
        chain_json(&c);
        first = false;
    }
    if (json)
        printf("]");
    else if (!any)
        printf("(none)\n");
}

/* ---- named objects ---- */

/* The threads queued on o (its any- and all-lists, in queue order); with
 * --verbose their pid/tid into text and js.  An entry is only followed
 * when it lies in a wait record of a listed thread. */
static uint32_t object_waiters(const struct object *o, char *text, size_t cap, char *js,
                               size_t jcap)
{
    uint32_t n = 0;
    size_t tn = 0, jn = 0;
    text[0] = js[0] = 0;
    for (int all = 0; all < 2; all++) {
        aoff_t off = all ? o->all_head : o->any_head;
        for (uint32_t i = 0; off && i < LIST_MAX; i++) {
            int32_t t = thread_of_entry(off);
            if (t < 0)
                break;
            n++;
            if (verbose && tn + 40 < cap)
                tn += (size_t)snprintf(text + tn, cap - tn, "%s%d/%u%s", tn ? " " : "",
                                       (int)threads[t].pid, (unsigned)threads[t].tid,
                                       all ? "(all)" : "");
            if (verbose && jn + 80 < jcap)
                jn += (size_t)snprintf(js + jn, jcap - jn,
                                       "%s{\"pid\":%d,\"tid\":%u,\"wait\":\"%s\"}",
                                       jn ? "," : "", (int)threads[t].pid,
                                       (unsigned)threads[t].tid, all ? "all" : "any");
            off = ((const struct wait_entry *)arena_ptr(off))->next;
        }
    }
    return n;
}

static bool type_matches(const struct object *o)
{
    return !type_filter || !strcasecmp(type_filter, type_name(o));
}

static void show_objects(void)
{
    static char ns[32], name[NAME_MAX_W * 4 + 16];
    char state[128], jstate[192];
    static char wtext[4096], wjs[8192];
    uint64_t t = atomic_load_explicit(&arena_hdr()->ns_table, memory_order_acquire);
    uint32_t log = NT_LOG(t), link = NT_LINK(t);
    bool first = true;
    uint32_t seen = 0;
    if (json)
        printf("\"objects\":[");
    else
        printf("%-3s %-12s %-32s %7s %5s %7s  %s\n", "NS", "TYPE", "NAME", "HANDLES", "REFS",
               "WAITERS", "STATE");
    if (!t || log < NS_LOG_MIN || log > NS_LOG_MAX || !arena_off_plausible(NT_OFF(t)))
        goto done; /* no name yet, or a word this build cannot read */
    uint32_t clog = log < NS_CHUNK_LOG ? log : NS_CHUNK_LOG;
    uint32_t nchunks = 1u << (log - clog);
    const aoff_t *dir = arena_ptr(NT_OFF(t));
    for (uint32_t c = 0; c < nchunks; c++) {
        aoff_t chunk = dir[c];
        if (!arena_off_plausible(chunk))
            continue;
        const struct ns_bucket *bks = arena_ptr(chunk);
        for (uint32_t b = 0; b < (1u << clog) * (NS_SLOTS + 1); b++) {
            /* Each slot of the bucket, then its overflow chain. */
            uint32_t i = b % (NS_SLOTS + 1);
            const struct ns_bucket *bk = &bks[b / (NS_SLOTS + 1)];
            aoff_t r = i < NS_SLOTS ? (aoff_t)bk->slot[i] : bk->over;
            for (uint32_t n = 0; arena_off_plausible(r) && n < CHAIN_MAX && seen < OBJECTS_MAX;
                 n++, seen++) {
                const struct name_rec *rec = arena_ptr(r);
                aoff_t next = i < NS_SLOTS ? 0 : rec->next[link];
                aoff_t off = rec->obj;
                r = next;
                if (!object_plausible(off))
                    continue;
                const struct object *o = arena_ptr(off);
                if (!type_matches(o))
                    continue;
                object_name(o, ns, sizeof ns, name, sizeof name);
                if (!name[0] && !ns[0])
                    continue; /* renamed or gone under us */
                if (name_filter && !strstr(name, name_filter))
                    continue;
                object_state(o, state, sizeof state, jstate, sizeof jstate);
                uint32_t hc = object_handle_count(o);
                uint32_t refs = atomic_load_explicit(&((struct object *)o)->refs,
                                                     memory_order_relaxed);
                uint32_t nw = object_waiters(o, wtext, sizeof wtext, wjs, sizeof wjs);
                if (json) {
                    printf("%s{\"namespace\":", first ? "" : ",");
                    json_str(ns);
                    printf(",\"name\":");
                    json_str(name);
                    printf(",\"type\":");
                    json_str(type_name(o));
                    printf(",\"offset\":%u,\"handles\":%u,\"refs\":%u,\"waiters\":%u,", off,
                           hc, refs, nw);
                    if (verbose)
                        printf("\"waiting\":[%s],", wjs);
                    printf("\"state\":{%s}}", jstate);
                } else {
                    printf("%-3s %-12s %-32s %7u %5u %7u  %s\n", ns, type_name(o), name, hc, refs,
                           nw, state);
                    if (verbose && nw)
                        printf("    waiting: %s\n", wtext);
                }
                first = false;
            }
        }
    }
done:
    if (json)
        printf("]");
}

/* ---- one process's handles ---- */

static int show_handles(int32_t pid)
{
    static char ns[32], name[NAME_MAX_W * 4 + 16];
    char state[128], jstate[192];
    struct proc_slot *sl = slots();
    const struct proc_slot *s = NULL;
    for (uint32_t i = 0; sl && i < PROC_SLOTS; i++) {
        uint32_t st = atomic_load_explicit(&sl[i].state, memory_order_acquire);
        if (st != SLOT_FREE && !(st & SLOT_INIT_BY) && sl[i].pid == pid) {
            s = &sl[i];
            if (st == SLOT_LIVE)
                break; /* prefer the live one to a dead one of a reused pid */
        }
    }
    if (!s) {
        fprintf(stderr, "winshim-objects: process %d is not in the session\n", (int)pid);
        return 1;
    }
    bool first = true;
    if (json)
        printf("{\"pid\":%d,\"handles\":[", (int)pid);
    else
        printf("%-8s %-12s %-10s %-7s %-3s %-32s %s\n", "HANDLE", "TYPE", "ACCESS", "FLAGS", "NS",
               "NAME", "STATE");
    uint64_t w;
    const struct handle_entry *e;
    for (uint32_t i = 0; (e = next_used(s, &i, &w)); i++) {
        ACCESS_MASK access = atomic_load_explicit(&((struct handle_entry *)e)->access,
                                                  memory_order_acquire);
        if (!object_plausible((aoff_t)(w & HE_OFF_MASK)))
            continue;
        const struct object *o = he_object(w);
        uintptr_t value = (uintptr_t)handle_value(i, he_gen(w));
        uint32_t fl = he_flags(w);
        char flags[8];
        snprintf(flags, sizeof flags, "%s%s", fl & HANDLE_FLAG_INHERIT ? "I" : "",
                 fl & HANDLE_FLAG_PROTECT_FROM_CLOSE ? "P" : "");
        object_name(o, ns, sizeof ns, name, sizeof name);
        object_state(o, state, sizeof state, jstate, sizeof jstate);
        if (json) {
            printf("%s{\"handle\":\"0x%lx\",\"type\":", first ? "" : ",", (unsigned long)value);
            json_str(type_name(o));
            printf(",\"access\":\"0x%08x\",\"inherit\":%s,\"protect\":%s,\"namespace\":",
                   (unsigned)access, fl & HANDLE_FLAG_INHERIT ? "true" : "false",
                   fl & HANDLE_FLAG_PROTECT_FROM_CLOSE ? "true" : "false");
            json_str(ns);
            printf(",\"name\":");
            json_str(name);
            printf(",\"state\":{%s}}", jstate);
        } else {
            printf("0x%-6lx %-12s 0x%08x %-7s %-3s %-32s %s\n", (unsigned long)value, type_name(o),
                   (unsigned)access, flags[0] ? flags : "-", ns[0] ? ns : "-",
                   name[0] ? name : "-", state);
        }
        first = false;
    }
    if (json)
        printf("]}\n");
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: winshim-objects [--json] [-v] [--type TYPE] [--name TEXT]\n"
               "       winshim-objects [--json] --handles PID\n"
               "       winshim-objects [--json] --waits [--pid PID]\n"
               "Shows the processes, named objects (-v: with the threads waiting on\n"
               "them) and blocked threads, with mutex wait chains and deadlocks, of\n"
               "this user's winshim session (WINSHIM_SHM_DIR, else\n"
               "/dev/shm/winshim-<uid>), read-only.\n");
}

static long handles_pid = -1; /* not clobbered by the SIGBUS longjmp */
static bool waits_only;

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--type") && i + 1 < argc) {
            type_filter = argv[++i];
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = true;
        } else if (!strcmp(a, "--waits")) {
            waits_only = true;
        } else if (!strcmp(a, "--pid") && i + 1 < argc) {
            char *end;
            waits_pid = strtol(argv[++i], &end, 10);
            if (*end || waits_pid <= 0) {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(a, "--name") && i + 1 < argc) {
            name_filter = argv[++i];
        } else if (!strcmp(a, "--handles") && i + 1 < argc) {
            char *end;
            handles_pid = strtol(argv[++i], &end, 10);
            if (*end || handles_pid <= 0) {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }

    char path[4200];
    const char *dir = getenv("WINSHIM_SHM_DIR");
    if (dir && *dir)
        snprintf(path, sizeof path, "%s/session-%016llx", dir,
                 (unsigned long long)arena_layout_id());
    else
        snprintf(path, sizeof path, "/dev/shm/winshim-%u/session-%016llx", (unsigned)geteuid(),
                 (unsigned long long)arena_layout_id());
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) || (size_t)sb.st_size < sizeof(struct arena_header)) {
        /* No session: nothing runs, an empty result. */
        fprintf(stderr, "winshim-objects: no session at %s\n", path);
        if (json)
            printf(handles_pid > 0 ? "{\"pid\":%ld,\"handles\":[]}\n"
                   : waits_only    ? "{\"waits\":[],\"deadlocks\":[]}\n"
                                   : "{\"processes\":[],\"objects\":[],\"waits\":[],"
                                     "\"deadlocks\":[]}\n",
                   handles_pid);
        return handles_pid > 0 ? 1 : 0;
    }
    void *p = mmap(NULL, ARENA_MAP_SIZE, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "winshim-objects: mapping %s: %s\n", path, strerror(errno));
        return 1;
    }
    close(fd);
    /* arena_ptr() and arena_off_plausible() read ws_arena.base: the
     * read-only mapping, without arena_init (which would attach). */
    ws_arena.base = p;
    ws_arena.size = ARENA_RESERVE;
    ws_arena.shared = true;
    if (arena_hdr()->layout_id != arena_layout_id()) {
        fprintf(stderr, "winshim-objects: %s is not of this build's layout\n", path);
        return 1;
    }
    /* A page past what the session committed (a full /dev/shm) faults
     * with SIGBUS: end with what was printed. */
    signal(SIGBUS, on_bus);
    if (sigsetjmp(bus_jump, 1)) {
        fflush(stdout);
        fprintf(stderr, "winshim-objects: the session file ended under us\n");
        return 1;
    }
    if (handles_pid > 0)
        return show_handles((int32_t)handles_pid);
    collect_waits();
    find_deadlocks();
    if (json)
        putchar('{');
    if (!waits_only) {
        show_processes();
        if (json)
            putchar(',');
        else
            putchar('\n');
        show_objects();
        if (json)
            putchar(',');
        else
            putchar('\n');
    }
    show_waits();
    if (json)
        printf("}\n");
    return 0;
}
