/*
 * Call tracing: WINSHIM_DEBUG's channels, and the formatting of one
 * traced call into one line (trace/trace.h says how the wrappers come to
 * call this; docs/ARCHITECTURE.md, "Call tracing", why it costs one
 * branch when off).
 *
 * WINSHIM_DEBUG is read once, by a constructor, as Wine reads WINEDEBUG:
 * comma-separated items [+|-]name, where name is "all", a lib/ folder
 * (sync, io, proc...), a channel (a lib/ file: event, file, thread...),
 * a folder.channel pair, or "err" (trace only calls that fail).  A
 * channel's own item beats its folder's, which beats "all", whatever
 * their order; the last item for the same name wins.  An unknown item
 * gets one warning line and is ignored.
 *
 * The line: "<monotonic seconds.microseconds> <thread id>
 * <channel>:<function>(<arguments>) -> <return value>[ err=<n> <name>]",
 * built on the stack and written with one write(2), so lines from
 * threads and processes never interleave (O_APPEND for
 * WINSHIM_DEBUG_FILE).  No lock, no allocation, no stdio: the traced path
 * is as safe after fork() and in signal handlers as the call it traces.
 *
 * The last error: before the call the tracer stores a sentinel; if the
 * call leaves it, the call did not touch the last error and the caller's
 * value is put back, so tracing changes nothing a program can see.  errno
 * is saved and restored too.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/error.h"
#include "core/handle_lookup.h"
#include "core/names.h"
#include "core/object.h"
#include "trace/trace.h"

#define SENTINEL 0x7E57C0DEu
#define STR_MAX 120 /* characters of a string argument */

static int out_fd = 2;
static bool err_only;
/* Set while this thread formats a line: a call made meanwhile (a signal
 * handler's) runs untraced instead of re-entering the tracer. */
static __thread unsigned char busy;
/* This thread's id, 0 until asked (a system call each time costs more than
 * the rest of a line); cleared in a fork's child, whose thread is new. */
static __thread pid_t tid;

static void tid_forget(void) { tid = 0; }

/* ---- building the line ---- */

static void put(struct ws_trace *t, const char *s, size_t n)
{
    size_t room = WS_TRACE_LINE - 1 - t->len; /* keep one byte for '\n' */
    if (n > room)
        n = room;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void puts_(struct ws_trace *t, const char *s) { put(t, s, strlen(s)); }

static void put_u(struct ws_trace *t, unsigned long long v, unsigned base, unsigned width)
{
    char d[24];
    unsigned n = 0;
    do {
        d[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v || n < width);
    while (n)
        put(t, &d[--n], 1);
}

static void put_hex(struct ws_trace *t, unsigned long long v)
{
    puts_(t, "0x");
    put_u(t, v, 16, 1);
}

static void put_s(struct ws_trace *t, long long v)
{
    if (v < 0) {
        puts_(t, "-");
        put_u(t, -(unsigned long long)v, 10, 1);
    } else {
        put_u(t, (unsigned long long)v, 10, 1);
    }
}

/* One character of a quoted string, C-escaped. */
static void put_char(struct ws_trace *t, unsigned c)
{
    switch (c) {
    case '"': puts_(t, "\\\""); return;
    case '\\': puts_(t, "\\\\"); return;
    case '\n': puts_(t, "\\n"); return;
    case '\r': puts_(t, "\\r"); return;
    case '\t': puts_(t, "\\t"); return;
    }
    if (c >= 0x20 && c < 0x7f) {
        char ch = (char)c;
        put(t, &ch, 1);
    } else if (c < 0x100) {
        puts_(t, "\\x");
        put_u(t, c, 16, 2);
    } else {
        puts_(t, "\\u");
        put_u(t, c, 16, 4);
    }
}

static void sep(struct ws_trace *t)
{
    if (t->nargs++)
        puts_(t, ", ");
}

static const char *error_name(DWORD e)
{
    for (unsigned i = 0; i < ws_trace_nerrors; i++)
        if (ws_trace_errors[i].value == e)
            return ws_trace_errors[i].name;
    return NULL;
}

/* ---- arguments ---- */

/* The namespace keys (core/namespace.c) say "G\\" for Global\\ and "S<n>\\"
 * for session n; this process's session is 1, which programs name Local\\.
 * Writes the name as a program spells it; returns where the rest starts. */
static uint32_t namespace_prefix(struct ws_trace *t, const WCHAR *key, uint32_t len)
{
    if (len >= 2 && key[0] == 'G' && key[1] == '\\') {
        puts_(t, "Global\\\\");
        return 2;
    }
    uint32_t i = 1;
    while (i < len && key[i] >= '0' && key[i] <= '9')
        i++;
    if (len < 3 || key[0] != 'S' || i == 1 || i >= len || key[i] != '\\')
        return 0;
    if (i == 2 && key[1] == '1') {
        puts_(t, "Local\\\\");
    } else {
        puts_(t, "Session\\\\");
        for (uint32_t k = 1; k < i; k++)
            put_u(t, key[k] - '0', 10, 1);
        puts_(t, "\\\\");
    }
    return i + 1;
}

static void handle_desc(struct ws_trace *t, HANDLE h)
{
    if (h == NULL) {
        puts_(t, "NULL");
        return;
    }
    if (h == PSEUDO_CURRENT_PROCESS) {
        puts_(t, "-1<CurrentProcess>");
        return;
    }
    if (h == PSEUDO_CURRENT_THREAD) {
        puts_(t, "-2<CurrentThread>");
        return;
    }
    put_hex(t, (uintptr_t)h);
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access;
    ws_rcu_lock();
    if (!entry_read(h, &e, &w, &access)) {
        ws_rcu_unlock();
        puts_(t, "<invalid>");
        return;
    }
    struct object *o = he_object(w);
    const struct object_type *type = o ? object_type_of(o) : NULL;
    puts_(t, "<");
    puts_(t, type && type->name ? type->name : "?");
    if (o && o->name) {
        const WCHAR *key;
        uint32_t len;
        ns_key_of(o, &key, &len);
        if (key) {
            puts_(t, " \"");
            uint32_t i = namespace_prefix(t, key, len);
            for (; i < len && i < STR_MAX; i++)
                put_char(t, key[i]);
            puts_(t, "\"");
        }
    }
    ws_rcu_unlock();
    puts_(t, ">");
}

void ws_ta_handle(struct ws_trace *t, HANDLE h)
{
    sep(t);
    handle_desc(t, h);
}

void ws_ta_str_a(struct ws_trace *t, const char *s)
{
    sep(t);
    if (!s) {
        puts_(t, "NULL");
        return;
    }
    puts_(t, "\"");
    size_t i;
    for (i = 0; s[i] && i < STR_MAX; i++)
        put_char(t, (unsigned char)s[i]);
    puts_(t, s[i] ? "\"..." : "\"");
}

void ws_ta_str_w(struct ws_trace *t, const WCHAR *s)
{
    sep(t);
    if (!s) {
        puts_(t, "NULL");
        return;
    }
    puts_(t, "L\"");
    size_t i;
    for (i = 0; s[i] && i < STR_MAX; i++)
        put_char(t, s[i]);
    puts_(t, s[i] ? "\"..." : "\"");
}

void ws_ta_bool(struct ws_trace *t, BOOL b)
{
    sep(t);
    if (b == TRUE || b == FALSE)
        puts_(t, b ? "TRUE" : "FALSE");
    else
        put_s(t, b);
}

void ws_ta_timeout(struct ws_trace *t, DWORD ms)
{
    sep(t);
    if (ms == INFINITE)
        puts_(t, "INFINITE");
    else
        put_u(t, ms, 10, 1);
}

#define F(x) {(DWORD)(x), #x}
struct flag {
    DWORD value;
    const char *name;
};
static const struct flag standard_rights[] = {
    F(GENERIC_READ), F(GENERIC_WRITE), F(GENERIC_EXECUTE), F(GENERIC_ALL),
    F(MAXIMUM_ALLOWED), F(ACCESS_SYSTEM_SECURITY), F(SYNCHRONIZE), F(WRITE_OWNER),
    F(WRITE_DAC), F(READ_CONTROL), F(DELETE), {0, NULL},
};
static const struct flag event_access[] = {
    F(EVENT_ALL_ACCESS), F(EVENT_MODIFY_STATE), {0x0001, "EVENT_QUERY_STATE"}, {0, NULL}};
static const struct flag mutex_access[] = {
    F(MUTEX_ALL_ACCESS), F(MUTEX_MODIFY_STATE), {0, NULL}};
static const struct flag semaphore_access[] = {
    F(SEMAPHORE_ALL_ACCESS), F(SEMAPHORE_MODIFY_STATE), {0, NULL}};
static const struct flag timer_access[] = {
    F(TIMER_ALL_ACCESS), F(TIMER_MODIFY_STATE), F(TIMER_QUERY_STATE), {0, NULL}};
static const struct flag process_access[] = {
    F(PROCESS_ALL_ACCESS), F(PROCESS_TERMINATE), F(PROCESS_CREATE_THREAD),
    F(PROCESS_VM_OPERATION), F(PROCESS_VM_READ), F(PROCESS_VM_WRITE), F(PROCESS_DUP_HANDLE),
    F(PROCESS_CREATE_PROCESS), F(PROCESS_SET_QUOTA), F(PROCESS_SET_INFORMATION),
    F(PROCESS_QUERY_INFORMATION), F(PROCESS_SUSPEND_RESUME),
    F(PROCESS_QUERY_LIMITED_INFORMATION), {0, NULL}};
static const struct flag thread_access[] = {
    F(THREAD_ALL_ACCESS), F(THREAD_TERMINATE), F(THREAD_SUSPEND_RESUME), F(THREAD_GET_CONTEXT),
    F(THREAD_SET_CONTEXT), F(THREAD_SET_INFORMATION), F(THREAD_QUERY_INFORMATION),
    F(THREAD_QUERY_LIMITED_INFORMATION), {0, NULL}};
static const struct flag file_access[] = {
    F(FILE_ALL_ACCESS), F(FILE_READ_DATA), F(FILE_WRITE_DATA), F(FILE_APPEND_DATA),
    F(FILE_READ_EA), F(FILE_WRITE_EA), F(FILE_EXECUTE), F(FILE_READ_ATTRIBUTES),
    F(FILE_WRITE_ATTRIBUTES), {0, NULL}};
static const struct flag map_access[] = {
    F(FILE_MAP_ALL_ACCESS), F(FILE_MAP_EXECUTE), F(FILE_MAP_READ), F(FILE_MAP_WRITE),
    F(FILE_MAP_COPY), {0, NULL}};
static const struct flag share_flags[] = {
    F(FILE_SHARE_READ), F(FILE_SHARE_WRITE), F(FILE_SHARE_DELETE), {0, NULL}};
static const struct flag file_flags[] = {
    F(FILE_FLAG_WRITE_THROUGH), F(FILE_FLAG_OVERLAPPED), F(FILE_FLAG_NO_BUFFERING),
    F(FILE_FLAG_RANDOM_ACCESS), F(FILE_FLAG_SEQUENTIAL_SCAN), F(FILE_FLAG_DELETE_ON_CLOSE),
    F(FILE_FLAG_BACKUP_SEMANTICS), F(FILE_FLAG_POSIX_SEMANTICS),
    F(FILE_FLAG_OPEN_REPARSE_POINT), F(FILE_ATTRIBUTE_READONLY), F(FILE_ATTRIBUTE_HIDDEN),
    F(FILE_ATTRIBUTE_SYSTEM), F(FILE_ATTRIBUTE_DIRECTORY), F(FILE_ATTRIBUTE_ARCHIVE),
    F(FILE_ATTRIBUTE_NORMAL), F(FILE_ATTRIBUTE_TEMPORARY), {0, NULL}};
/* Values, not bits. */
static const struct flag dispositions[] = {
    F(CREATE_NEW), F(CREATE_ALWAYS), F(OPEN_EXISTING), F(OPEN_ALWAYS),
    F(TRUNCATE_EXISTING), {0, NULL}};

static const struct {
    const char *name;
    const struct flag *specific;
    bool standard; /* also the standard and generic rights */
} flag_tables[] = {
    {"access", NULL, true},
    {"event", event_access, true},
    {"mutex", mutex_access, true},
    {"semaphore", semaphore_access, true},
    {"timer", timer_access, true},
    {"process", process_access, true},
    {"thread", thread_access, true},
    {"file", file_access, true},
    {"map", map_access, true},
    {"share", share_flags, false},
    {"fileflags", file_flags, false},
};

static DWORD put_bits(struct ws_trace *t, DWORD v, const struct flag *f, bool *any)
{
    for (; f && f->name; f++) {
        if (f->value && (v & f->value) == f->value) {
            if (*any)
                puts_(t, "|");
            puts_(t, f->name);
            *any = true;
            v &= ~f->value;
        }
    }
    return v;
}

void ws_ta_flags(struct ws_trace *t, DWORD v, const char *table)
{
    sep(t);
    if (!strcmp(table, "disposition")) {
        for (const struct flag *f = dispositions; f->name; f++)
            if (f->value == v) {
                puts_(t, f->name);
                return;
            }
        put_u(t, v, 10, 1);
        return;
    }
    if (v == 0) {
        puts_(t, "0");
        return;
    }
    for (unsigned i = 0; i < sizeof flag_tables / sizeof *flag_tables; i++) {
        if (strcmp(flag_tables[i].name, table))
            continue;
        bool any = false;
        v = put_bits(t, v, flag_tables[i].specific, &any);
        if (flag_tables[i].standard)
            v = put_bits(t, v, standard_rights, &any);
        if (v) {
            if (any)
                puts_(t, "|");
            put_hex(t, v);
        }
        return;
    }
    put_hex(t, v);
}

static unsigned long long load_u(const void *p, size_t n)
{
    switch (n) {
    case 1: return *(const uint8_t *)p;
    case 2: return *(const uint16_t *)p;
    case 4: return *(const uint32_t *)p;
    default: return *(const uint64_t *)p;
    }
}

static long long load_s(const void *p, size_t n)
{
    switch (n) {
    case 1: return *(const int8_t *)p;
    case 2: return *(const int16_t *)p;
    case 4: return *(const int32_t *)p;
    default: return *(const int64_t *)p;
    }
}

static void fmt_signed(struct ws_trace *t, const void *p, size_t n) { put_s(t, load_s(p, n)); }
static void fmt_unsigned(struct ws_trace *t, const void *p, size_t n) { put_u(t, load_u(p, n), 10, 1); }

static void fmt_double(struct ws_trace *t, const void *p, size_t n)
{
    double d = n == sizeof(float) ? *(const float *)p : *(const double *)p;
    long long whole = (long long)d;
    put_s(t, whole);
    puts_(t, ".");
    double frac = d - (double)whole;
    put_u(t, (unsigned long long)((frac < 0 ? -frac : frac) * 1e6 + 0.5), 10, 6);
}

/* Pointers and structures: their bytes as one hex number (NULL for a
 * null pointer), or their size when they are larger than 8 bytes. */
static void fmt_raw(struct ws_trace *t, const void *p, size_t n)
{
    if (n == 1 || n == 2 || n == 4 || n == 8) {
        unsigned long long v = load_u(p, n);
        if (v == 0 && n == sizeof(void *))
            puts_(t, "NULL");
        else
            put_hex(t, v);
        return;
    }
    puts_(t, "{");
    put_u(t, n, 10, 1);
    puts_(t, " bytes}");
}

void ws_ta_signed(struct ws_trace *t, const void *p, size_t n) { sep(t); fmt_signed(t, p, n); }
void ws_ta_unsigned(struct ws_trace *t, const void *p, size_t n) { sep(t); fmt_unsigned(t, p, n); }
void ws_ta_double(struct ws_trace *t, const void *p, size_t n) { sep(t); fmt_double(t, p, n); }
void ws_ta_raw(struct ws_trace *t, const void *p, size_t n) { sep(t); fmt_raw(t, p, n); }

/* ---- return values: each says whether the value is a failure one ---- */

static void arrow(struct ws_trace *t) { puts_(t, ") -> "); }

void ws_tr_void(struct ws_trace *t)
{
    arrow(t);
    puts_(t, "void");
    t->ret_fails = false;
}

void ws_tr_handle(struct ws_trace *t, HANDLE h)
{
    arrow(t);
    if (h == INVALID_HANDLE_VALUE)
        puts_(t, "INVALID_HANDLE_VALUE");
    else
        handle_desc(t, h);
    t->ret_fails = h == NULL || h == INVALID_HANDLE_VALUE;
}

void ws_tr_bool(struct ws_trace *t, BOOL b)
{
    arrow(t);
    if (b == TRUE || b == FALSE)
        puts_(t, b ? "TRUE" : "FALSE");
    else
        put_s(t, b);
    t->ret_fails = !b;
}

void ws_tr_wait(struct ws_trace *t, DWORD w)
{
    arrow(t);
    t->ret_fails = w == WAIT_FAILED;
    if (w == WAIT_FAILED)
        puts_(t, "WAIT_FAILED");
    else if (w == WAIT_TIMEOUT)
        puts_(t, "WAIT_TIMEOUT");
    else if (w == WAIT_IO_COMPLETION)
        puts_(t, "WAIT_IO_COMPLETION");
    else if (w < MAXIMUM_WAIT_OBJECTS) {
        puts_(t, "WAIT_OBJECT_0");
        if (w) {
            puts_(t, "+");
            put_u(t, w, 10, 1);
        }
    } else if (w >= WAIT_ABANDONED_0 && w < WAIT_ABANDONED_0 + MAXIMUM_WAIT_OBJECTS) {
        puts_(t, "WAIT_ABANDONED_0");
        if (w != WAIT_ABANDONED_0) {
            puts_(t, "+");
            put_u(t, w - WAIT_ABANDONED_0, 10, 1);
        }
    } else {
        put_hex(t, w);
    }
}

/* Integers: any value may be a failure; the last error decides. */
void ws_tr_signed(struct ws_trace *t, const void *p, size_t n)
{
    arrow(t);
    fmt_signed(t, p, n);
    t->ret_fails = true;
}

void ws_tr_unsigned(struct ws_trace *t, const void *p, size_t n)
{
    arrow(t);
    fmt_unsigned(t, p, n);
    t->ret_fails = true;
}

void ws_tr_double(struct ws_trace *t, const void *p, size_t n)
{
    arrow(t);
    fmt_double(t, p, n);
    t->ret_fails = false;
}

/* Pointers: NULL is the failure value. */
void ws_tr_raw(struct ws_trace *t, const void *p, size_t n)
{
    arrow(t);
    fmt_raw(t, p, n);
    t->ret_fails = n == sizeof(void *) ? load_u(p, n) == 0 : true;
}

/* ---- the call ---- */

static bool is_lasterr_fn(const char *name)
{
    return !strcmp(name, "GetLastError") || !strcmp(name, "SetLastError") ||
           !strcmp(name, "WSAGetLastError") || !strcmp(name, "WSASetLastError");
}

bool ws_trace_begin(struct ws_trace *t, unsigned idx)
{
    if (!ws_trace_fn_on[idx] || busy)
        return false;
    busy = 1;
    t->caller_errno = errno;
    t->caller_err = GetLastError();
    t->idx = idx;
    t->nargs = 0;
    t->len = 0;
    t->ret_fails = false;
    t->err_set = false;
    t->err = 0;
    t->lasterr_fn = is_lasterr_fn(ws_trace_fns[idx].name);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    put_u(t, (unsigned long long)ts.tv_sec, 10, 1);
    puts_(t, ".");
    put_u(t, (unsigned long long)ts.tv_nsec / 1000, 10, 6);
    puts_(t, " ");
    if (!tid)
        tid = (pid_t)syscall(SYS_gettid);
    put_u(t, (unsigned long long)tid, 10, 1);
    puts_(t, " ");
    puts_(t, ws_trace_fns[idx].channel);
    puts_(t, ":");
    puts_(t, ws_trace_fns[idx].name);
    puts_(t, "(");
    return true;
}

void ws_trace_call(struct ws_trace *t)
{
    if (!t->lasterr_fn)
        SetLastError(SENTINEL);
    else
        SetLastError(t->caller_err);
    errno = t->caller_errno;
    busy = 0;
}

void ws_trace_returned(struct ws_trace *t)
{
    busy = 1;
    t->caller_errno = errno;
    if (t->lasterr_fn)
        return;
    DWORD e = GetLastError();
    if (e == SENTINEL) {
        SetLastError(t->caller_err);
    } else {
        t->err_set = true;
        t->err = e;
    }
}

static void emit(struct ws_trace *t)
{
    t->buf[t->len++] = '\n';
    (void)ws_write_all(out_fd, t->buf, t->len);
}

void ws_trace_end(struct ws_trace *t)
{
    bool failed = t->err_set && t->err != 0 && t->ret_fails;
    if (!err_only || failed) {
        if (t->err_set && t->err != 0) {
            puts_(t, " err=");
            put_u(t, t->err, 10, 1);
            const char *n = error_name(t->err);
            if (n) {
                puts_(t, " ");
                puts_(t, n);
            }
        }
        emit(t);
    }
    errno = t->caller_errno;
    busy = 0;
}

void ws_trace_noreturn(struct ws_trace *t)
{
    puts_(t, ") -> (does not return)");
    if (!err_only)
        emit(t);
    SetLastError(t->caller_err);
    errno = t->caller_errno;
    busy = 0;
}

/* ---- WINSHIM_DEBUG ---- */

static void warn(const char *what, const char *item, size_t n)
{
    struct ws_trace t;
    t.len = 0;
    puts_(&t, "winshim: ");
    puts_(&t, what);
    if (item) {
        puts_(&t, " '");
        put(&t, item, n);
        puts_(&t, "'");
    }
    emit(&t);
}

/* Where an item applies: 3 a channel, 2 a folder, 1 all. */
static unsigned item_matches(const struct ws_trace_fn *f, const char *name, size_t n)
{
    size_t g = strlen(f->group), c = strlen(f->channel);
    if (n == 3 && !memcmp(name, "all", 3))
        return 1;
    if (n == g && !memcmp(name, f->group, n))
        return 2;
    if (n == c && !memcmp(name, f->channel, n))
        return 3;
    if (n == g + 1 + c && !memcmp(name, f->group, g) && name[g] == '.' &&
        !memcmp(name + g + 1, f->channel, c))
        return 3;
    return 0;
}

static void parse(const char *spec)
{
    /* Per function, the precedence (0-3) of the item that set it. */
    static unsigned char level[4096];
    unsigned nf = ws_trace_nfns < sizeof level ? ws_trace_nfns : sizeof level;
    bool saw_err = false, saw_channel = false;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *item = p;
        p = end ? end + 1 : p + n;
        bool on = true;
        const char *name = item;
        size_t nn = n;
        if (nn && (*name == '+' || *name == '-')) {
            on = *name == '+';
            name++;
            nn--;
        }
        if (nn == 0) {
            if (n)
                warn("WINSHIM_DEBUG: empty channel name ignored in", item, n);
            continue;
        }
        if (nn == 3 && !memcmp(name, "err", 3)) {
            err_only = on;
            saw_err = true;
            continue;
        }
        bool known = false;
        for (unsigned i = 0; i < nf; i++) {
            unsigned lv = item_matches(&ws_trace_fns[i], name, nn);
            if (!lv)
                continue;
            known = true;
            if (lv >= level[i]) {
                level[i] = (unsigned char)lv;
                ws_trace_fn_on[i] = on;
            }
        }
        if (!known)
            warn("WINSHIM_DEBUG: unknown channel ignored:", item, n);
        else
            saw_channel = true;
    }
    /* "+err" alone: every channel, failures only. */
    if (saw_err && err_only && !saw_channel)
        for (unsigned i = 0; i < nf; i++)
            ws_trace_fn_on[i] = 1;
    for (unsigned i = 0; i < nf; i++)
        if (ws_trace_fn_on[i])
            ws_trace_on = 1;
}

__attribute__((constructor)) static void trace_init(void)
{
    const char *spec = getenv("WINSHIM_DEBUG");
    if (!spec || !*spec)
        return;
    const char *path = getenv("WINSHIM_DEBUG_FILE");
    if (path && *path) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            out_fd = fd;
        } else {
            int e = errno;
            struct ws_trace t;
            t.len = 0;
            puts_(&t, "winshim: WINSHIM_DEBUG_FILE '");
            puts_(&t, path);
            puts_(&t, "': ");
            puts_(&t, strerror(e));
            puts_(&t, "; tracing to stderr");
            emit(&t);
        }
    }
    pthread_atfork(NULL, NULL, tid_forget);
    parse(spec);
}
