/*
 * winshim-objects: what the user's winshim session holds, read without
 * changing anything (Sysinternals' WinObj and handle.exe, for winshim).
 *
 *   winshim-objects [--json] [--type TYPE] [--name TEXT]   processes, objects
 *   winshim-objects [--json] --handles PID                  one handle table
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/handle_lookup.h"
#include "core/names.h"
#include "core/object.h"
#include "core/shm.h"

/* namespace.c's private table layout, which this walk must match; its
 * layout is folded into the layout id (namespace_layout_mix), so a build
 * where these differ cannot open the same session file.  Kept in step by
 * hand: the two definitions below and NT_* are namespace.c's. */
#define NS_CHUNK_LOG 15
#define NS_LOG_MIN 10
#define NS_LOG_MAX 26
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
/* The slot tag (shm.c): (gen << 11) | (index + 1). */
#define TAG_INDEX_BITS 11

#define CHAIN_MAX 100000u   /* records in one bucket, at most */
#define OBJECTS_MAX 4000000u /* records in all, at most */
#define THREADS_MAX 100000u

static bool json;
static const char *type_filter, *name_filter;
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

static uint32_t handle_total(const struct proc_slot *s)
{
    uint32_t top = s->ht_top, n = 0;
    if (top > HANDLE_MAX)
        top = HANDLE_MAX;
    for (uint32_t i = 0; i < top; i++) {
        const struct handle_entry *e = entry_of(s, i);
        if (!e) {
            i |= HT_L2 - 1; /* the whole chunk is missing */
            continue;
        }
        if (atomic_load_explicit(&((struct handle_entry *)e)->word, memory_order_relaxed) & HE_USED)
            n++;
    }
    return n;
}

static uint32_t thread_total(const struct proc_slot *s)
{
    uint32_t n = 0;
    for (aoff_t t = s->threads; arena_off_plausible(t) && n < THREADS_MAX; n++)
        t = ((const struct shm_thread *)arena_ptr(t))->next;
    return n;
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
        /* Alive as shm.c counts it: the pid exists and started when the
         * slot's owner did; a PREPARED slot with no pid yet lives while
         * the process that prepared it (creator_pid) does. */
        uint64_t now = pid > 0 ? start_time_of(pid) : 0;
        bool alive = pid > 0 ? now && s->start_time == now
                             : s->parent_pid > 0 && start_time_of(s->parent_pid);
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

/* ---- named objects ---- */

static bool type_matches(const struct object *o)
{
    return !type_filter || !strcasecmp(type_filter, type_name(o));
}

static void show_objects(void)
{
    static char ns[32], name[NAME_MAX_W * 4 + 16];
    char state[128], jstate[192];
    uint64_t t = atomic_load_explicit(&arena_hdr()->ns_table, memory_order_acquire);
    uint32_t log = NT_LOG(t), link = NT_LINK(t);
    bool first = true;
    uint32_t seen = 0;
    if (json)
        printf("\"objects\":[");
    else
        printf("%-3s %-12s %-32s %7s %5s  %s\n", "NS", "TYPE", "NAME", "HANDLES", "REFS",
               "STATE");
    if (!t || log < NS_LOG_MIN || log > NS_LOG_MAX || !arena_off_plausible(NT_OFF(t)))
        goto done; /* no name yet, or a word this build cannot read */
    uint32_t clog = log < NS_CHUNK_LOG ? log : NS_CHUNK_LOG;
    uint32_t nchunks = 1u << (log - clog);
    const aoff_t *dir = arena_ptr(NT_OFF(t));
    for (uint32_t c = 0; c < nchunks; c++) {
        aoff_t chunk = dir[c];
        if (!arena_off_plausible(chunk))
            continue;
        const aoff_t *heads = arena_ptr(chunk);
        for (uint32_t b = 0; b < (1u << clog); b++) {
            aoff_t r = heads[b];
            for (uint32_t n = 0; arena_off_plausible(r) && n < CHAIN_MAX && seen < OBJECTS_MAX;
                 n++, seen++) {
                const struct name_rec *rec = arena_ptr(r);
                aoff_t next = rec->next[link];
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
                if (json) {
                    printf("%s{\"namespace\":", first ? "" : ",");
                    json_str(ns);
                    printf(",\"name\":");
                    json_str(name);
                    printf(",\"type\":");
                    json_str(type_name(o));
                    printf(",\"offset\":%u,\"handles\":%u,\"refs\":%u,\"state\":{%s}}", off, hc,
                           refs, jstate);
                } else {
                    printf("%-3s %-12s %-32s %7u %5u  %s\n", ns, type_name(o), name, hc, refs,
                           state);
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
    uint32_t top = s->ht_top;
    if (top > HANDLE_MAX)
        top = HANDLE_MAX;
    for (uint32_t i = 0; i < top; i++) {
        const struct handle_entry *e = entry_of(s, i);
        if (!e) {
            i |= HT_L2 - 1;
            continue;
        }
        uint64_t w = atomic_load_explicit(&((struct handle_entry *)e)->word, memory_order_acquire);
        ACCESS_MASK access = atomic_load_explicit(&((struct handle_entry *)e)->access,
                                                  memory_order_acquire);
        if (!(w & HE_USED) || !object_plausible((aoff_t)(w & HE_OFF_MASK)))
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
    fprintf(f, "usage: winshim-objects [--json] [--type TYPE] [--name TEXT]\n"
               "       winshim-objects [--json] --handles PID\n"
               "Shows the processes and named objects of this user's winshim session\n"
               "(WINSHIM_SHM_DIR, else /dev/shm/winshim-<uid>), read-only.\n");
}

static long handles_pid = -1; /* not clobbered by the SIGBUS longjmp */

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--type") && i + 1 < argc) {
            type_filter = argv[++i];
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
                                   : "{\"processes\":[],\"objects\":[]}\n",
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
    if (json)
        putchar('{');
    show_processes();
    if (json)
        putchar(',');
    else
        putchar('\n');
    show_objects();
    if (json)
        printf("}\n");
    return 0;
}
