/* A fuzzer over sequences of Win32 calls (issue 18).
 *
 * LLVMFuzzerTestOneInput reads its input as a program: each step is one
 * opcode byte followed by the argument bytes it consumes (a missing byte
 * reads as 0).  The calls are the kernel-object API: events, mutexes,
 * semaphores and waitable timers (named from a four-letter alphabet so
 * that names collide, and unnamed), their Open*, Set/Reset/PulseEvent,
 * ReleaseMutex/Semaphore, waits with timeout 0 or 1 ms, SignalObjectAndWait,
 * DuplicateHandle (also DUPLICATE_CLOSE_SOURCE and odd access masks),
 * CloseHandle, Set/GetHandleInformation, file mappings and views,
 * anonymous pipes, completion ports, APCs, alertable sleeps and threads.
 *
 * Handle arguments are drawn from a table of the handles the program
 * holds, from values it has closed, and from forged values: NULL,
 * INVALID_HANDLE_VALUE, the pseudo-handles -1..-6, small integers, table
 * handles with tag bits set and values with high bits set.
 *
 * After every call it checks what Windows guarantees whatever the
 * arguments (a failed call leaves a nonzero last error; a wait returns one
 * of its documented values; a handle CloseHandle closed, or the source of
 * a DUPLICATE_CLOSE_SOURCE, is invalid afterwards; a table handle that is
 * not protected closes) and, at the end of each input, closes everything
 * it holds, joins its threads and checks that no name of the alphabet is
 * left, so that inputs are independent.  A broken invariant aborts (the
 * fuzzer's crash).
 *
 * Two drivers: libFuzzer (make fuzz, clang -fsanitize=fuzzer) and
 * fuzz/replay.c, a plain main() that runs the committed corpus and a
 * fixed-seed batch of generated programs (make check, any compiler).
 *
 * Never blocks: ReadFile only on a pipe PeekNamedPipe says holds bytes,
 * WriteFile within a byte budget below any pipe's capacity, and the
 * destructive calls (CloseHandle, DUPLICATE_CLOSE_SOURCE) with a forged
 * value only when that value names no live handle outside the table (the
 * library's own, the standard handles, the threads' stop events). */
#include <windows.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the input ---- */

static const uint8_t *in_p, *in_end;

static unsigned u8(void)
{
    return in_p < in_end ? *in_p++ : 0;
}

static unsigned u16(void)
{
    unsigned lo = u8();
    return lo | u8() << 8;
}

/* ---- failures ---- */

static unsigned long step_no;
static unsigned op_now;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "api_fuzz: step %lu (op %u): ", step_no, op_now);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* API_FUZZ_TRACE=1 prints the calls with their arguments (to stderr). */
static int tracing = -1;
static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
    if (tracing < 0)
        tracing = getenv("API_FUZZ_TRACE") != NULL;
    if (!tracing)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%lu: ", step_no);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* A call that returned failure must leave a nonzero last error. */
static void failed_with_error(const char *what)
{
    DWORD e = GetLastError();
    if (e == 0)
        fail("%s failed with last error 0", what);
}

/* ---- the handle table ---- */

enum kind {
    K_EVENT = 1,
    K_MUTEX,
    K_SEM,
    K_TIMER,
    K_MAPPING,
    K_PIPE_R,
    K_PIPE_W,
    K_IOCP,
    K_THREAD,
    K_PROCESS,
    K_OTHER
};

#define NTAB 48
#define NCLOSED 16
#define NTHREADS 3
#define NVIEWS 8
#define WRITE_BUDGET 2048 /* bytes per input: far below a pipe's 4 KiB minimum */

struct ent {
    HANDLE h;
    int kind;
};

static struct ent tab[NTAB];
static int ntab;
static HANDLE closed_vals[NCLOSED];
static unsigned nclosed;
static unsigned write_budget;
static volatile long apc_count;

struct worker {
    HANDLE thread; /* private: not in the table */
    HANDLE stop;   /* private manual-reset event */
};
static struct worker workers[NTHREADS];

struct view {
    void *p;
    int writable;
};
static struct view views[NVIEWS];
static int same_value_ok; /* a close-source duplicate may keep its value */

static uintptr_t norm(HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    if (v >= (uintptr_t)-6)
        return v; /* pseudo-handles */
    return v & ~(uintptr_t)3;
}

static int is_pseudo(HANDLE h)
{
    return (uintptr_t)h >= (uintptr_t)-6;
}

/* The table entry a value names (tag bits ignored, as every lookup does). */
static int find_ent(HANDLE h)
{
    if (!h || is_pseudo(h))
        return -1;
    for (int i = 0; i < ntab; i++)
        if (norm(tab[i].h) == norm(h))
            return i;
    return -1;
}

static int is_private(HANDLE h)
{
    if (!h || is_pseudo(h))
        return 0;
    for (int i = 0; i < NTHREADS; i++)
        if ((workers[i].thread && norm(workers[i].thread) == norm(h)) ||
            (workers[i].stop && norm(workers[i].stop) == norm(h)))
            return 1;
    static const DWORD std_ids[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
    for (int i = 0; i < 3; i++) {
        HANDLE s = GetStdHandle(std_ids[i]);
        if (s && s != INVALID_HANDLE_VALUE && norm(s) == norm(h))
            return 1;
    }
    return 0;
}

/* Live but not ours to touch destructively: a library handle, a standard
 * handle, a thread's stop event. */
static int foreign_live(HANDLE h)
{
    if (!h || is_pseudo(h) || find_ent(h) >= 0)
        return 0;
    if (is_private(h))
        return 1;
    DWORD f;
    DWORD saved = GetLastError();
    BOOL live = GetHandleInformation(h, &f);
    SetLastError(saved);
    return live;
}

static void remember_closed(HANDLE h)
{
    closed_vals[nclosed++ % NCLOSED] = h;
}

static void ent_add(HANDLE h, int kind)
{
    if (!h || h == INVALID_HANDLE_VALUE)
        return;
    int i = find_ent(h);
    if (i >= 0) {
        /* A value the table holds already: a bug unless it is the same
         * handle coming back (a close-source duplicate keeps the value). */
        if (!same_value_ok)
            fail("a new handle %p has the value of the live table handle %p", h, tab[i].h);
        tab[i].kind = kind;
        return;
    }
    if (is_private(h))
        fail("a new handle %p has the value of a private live handle", h);
    if (ntab == NTAB) {
        /* Full: close the new one at once. */
        if (!CloseHandle(h))
            fail("CloseHandle of a fresh handle %p failed: %u", h, GetLastError());
        remember_closed(h);
        return;
    }
    tab[ntab].h = h;
    tab[ntab].kind = kind;
    ntab++;
}

static void ent_drop(int i)
{
    remember_closed(tab[i].h);
    tab[i] = tab[--ntab];
}

/* A handle argument: table entries most of the time, else closed and
 * forged values.  *kind gets the kind when the value names a table entry. */
static HANDLE pick(int *kind)
{
    unsigned sel = u8();
    HANDLE h;
    switch (sel % 16) {
    default:
        h = ntab ? tab[u8() % ntab].h : NULL;
        break;
    case 10:
    case 11:
        h = nclosed ? closed_vals[u8() % (nclosed < NCLOSED ? nclosed : NCLOSED)] : NULL;
        break;
    case 12:
        h = (sel & 16) ? INVALID_HANDLE_VALUE : NULL;
        break;
    case 13:
        h = (HANDLE)(intptr_t) - (intptr_t)(1 + u8() % 6);
        break;
    case 14:
        h = (HANDLE)(uintptr_t)u16();
        break;
    case 15: {
        unsigned k = u8();
        if (k % 3 == 0 && ntab)
            h = (HANDLE)((uintptr_t)tab[u8() % ntab].h | (1 + k / 3 % 3));
        else if (k % 3 == 1)
            h = (HANDLE)((uintptr_t)u16() << 32 | (uintptr_t)u16() << 2);
        else
            h = (HANDLE)((uintptr_t)1 << (24 + u8() % 39) | (uintptr_t)u8() << 2);
        break;
    }
    }
    int i = find_ent(h);
    if (kind)
        *kind = i >= 0 ? tab[i].kind : 0;
    return h;
}

/* ---- names ---- */

static const char *pick_name(void)
{
    static const char *const names[] = {"Local\\fzA", "Local\\fzB", "fzC", "Global\\fzD"};
    unsigned b = u8();
    if (b % 8 == 0)
        return NULL;
    if (b % 8 == 7)
        return ""; /* an empty name is an unnamed object */
    return names[b % 4];
}

static void check_names_gone(void)
{
    static const char *const names[] = {"Local\\fzA", "Local\\fzB", "fzC", "Global\\fzD"};
    for (int i = 0; i < 4; i++) {
        SetLastError(0);
        HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, names[i]);
        if (h || GetLastError() != ERROR_FILE_NOT_FOUND)
            fail("name %s outlived every handle (OpenEvent: %p, error %u)", names[i], h,
                 GetLastError());
    }
}

/* ---- access masks ---- */

static DWORD pick_access(void)
{
    static const DWORD masks[] = {0,
                                  SYNCHRONIZE,
                                  EVENT_MODIFY_STATE,
                                  EVENT_ALL_ACCESS,
                                  MUTEX_ALL_ACCESS,
                                  SEMAPHORE_MODIFY_STATE,
                                  TIMER_MODIFY_STATE | SYNCHRONIZE,
                                  GENERIC_READ,
                                  GENERIC_WRITE,
                                  GENERIC_ALL,
                                  FILE_MAP_READ,
                                  FILE_MAP_WRITE,
                                  READ_CONTROL,
                                  MAXIMUM_ALLOWED,
                                  0xffffffffu,
                                  PROCESS_DUP_HANDLE};
    unsigned b = u8();
    return b < 240 ? masks[b % 16] : (DWORD)u16() << (b % 16);
}

/* ---- callbacks ---- */

static void CALLBACK apc_fn(ULONG_PTR data)
{
    (void)data;
    __atomic_add_fetch(&apc_count, 1, __ATOMIC_RELAXED);
}

static void CALLBACK timer_apc(LPVOID arg, DWORD lo, DWORD hi)
{
    (void)arg;
    (void)lo;
    (void)hi;
    __atomic_add_fetch(&apc_count, 1, __ATOMIC_RELAXED);
}

static DWORD WINAPI worker_main(LPVOID arg)
{
    HANDLE stop = arg;
    for (;;) {
        DWORD r = WaitForSingleObjectEx(stop, 10000, TRUE);
        if (r == WAIT_OBJECT_0)
            return 0;
        if (r != WAIT_IO_COMPLETION && r != WAIT_TIMEOUT)
            return 1; /* join reports it */
    }
}

static void worker_join(int i)
{
    struct worker *w = &workers[i];
    if (!w->thread)
        return;
    if (!SetEvent(w->stop))
        fail("SetEvent of a worker's stop event: %u", GetLastError());
    DWORD r = WaitForSingleObject(w->thread, 30000);
    if (r != WAIT_OBJECT_0)
        fail("a worker did not end (wait %#x, error %u)", r, GetLastError());
    DWORD code = 99;
    if (!GetExitCodeThread(w->thread, &code) || code != 0)
        fail("a worker ended with %u", code);
    if (!CloseHandle(w->thread) || !CloseHandle(w->stop))
        fail("closing a worker's handles: %u", GetLastError());
    w->thread = w->stop = NULL;
}

/* ---- the wait results ---- */

static void check_wait(const char *what, DWORD r, DWORD n, BOOL alertable)
{
    if (r == WAIT_FAILED) {
        failed_with_error(what);
        return;
    }
    if (r == WAIT_TIMEOUT || (alertable && r == WAIT_IO_COMPLETION))
        return;
    if (r < WAIT_OBJECT_0 + n || (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + n))
        return;
    fail("%s returned %#x (%u handles)", what, r, n);
}

/* ---- the steps ---- */

static DWORD small_timeout(void)
{
    return u8() & 1;
}

static void op_create(unsigned op)
{
    const char *name = pick_name();
    unsigned a = u8();
    HANDLE h;
    int kind;
    SetLastError(0xdeadbeef);
    switch (op) {
    case 0:
        h = CreateEventA(NULL, a & 1, a & 2, name);
        kind = K_EVENT;
        break;
    case 1:
        h = CreateMutexA(NULL, a & 1, name);
        kind = K_MUTEX;
        break;
    case 2: {
        LONG max = (LONG)(a % 5), init = (LONG)(u8() % 6);
        if (a & 0x80)
            max = 0x7fffffff;
        if (a & 0x40)
            init = -1;
        h = CreateSemaphoreA(NULL, init, max, name);
        kind = K_SEM;
        break;
    }
    default:
        h = CreateWaitableTimerA(NULL, a & 1, name);
        kind = K_TIMER;
        break;
    }
    if (!h) {
        failed_with_error("Create*");
        return;
    }
    DWORD e = GetLastError();
    if (e != 0 && e != ERROR_ALREADY_EXISTS)
        fail("Create* succeeded with last error %u", e);
    if (e == ERROR_ALREADY_EXISTS && (!name || !*name))
        fail("an unnamed Create* said ERROR_ALREADY_EXISTS");
    ent_add(h, kind);
}

static void op_open(void)
{
    unsigned which = u8() % 5;
    DWORD access = pick_access();
    BOOL inherit = u8() & 1;
    const char *name = pick_name();
    HANDLE h;
    SetLastError(0);
    switch (which) {
    case 0:
        h = OpenEventA(access, inherit, name);
        break;
    case 1:
        h = OpenMutexA(access, inherit, name);
        break;
    case 2:
        h = OpenSemaphoreA(access, inherit, name);
        break;
    case 3:
        h = OpenWaitableTimerA(access, inherit, name);
        break;
    default:
        h = OpenFileMappingA(access, inherit, name);
        break;
    }
    if (!h) {
        failed_with_error("Open*");
        return;
    }
    static const int kinds[] = {K_EVENT, K_MUTEX, K_SEM, K_TIMER, K_MAPPING};
    ent_add(h, kinds[which]);
}

static void op_signal(unsigned op)
{
    HANDLE h = pick(NULL);
    BOOL ok;
    SetLastError(0);
    switch (op) {
    case 0:
        ok = SetEvent(h);
        break;
    case 1:
        ok = ResetEvent(h);
        break;
    case 2:
        ok = PulseEvent(h);
        break;
    case 3:
        ok = ReleaseMutex(h);
        break;
    default: {
        unsigned a = u8();
        LONG count = a & 0x80 ? 0x7fffffff : (LONG)(a % 4) - (a & 0x40 ? 3 : 0);
        LONG prev = -12345;
        ok = ReleaseSemaphore(h, count, a & 0x20 ? NULL : &prev);
        if (ok && !(a & 0x20) && prev < 0)
            fail("ReleaseSemaphore gave a negative previous count %ld", (long)prev);
        break;
    }
    }
    if (!ok)
        failed_with_error("a signalling call");
}

static void op_wait_one(void)
{
    HANDLE h = pick(NULL);
    BOOL alertable = u8() & 1;
    SetLastError(0);
    DWORD r = WaitForSingleObjectEx(h, small_timeout(), alertable);
    check_wait("WaitForSingleObjectEx", r, 1, alertable);
}

static void op_wait_many(void)
{
    HANDLE hs[MAXIMUM_WAIT_OBJECTS + 1];
    unsigned a = u8();
    DWORD n = a % 5;
    if (a == 0xff)
        n = MAXIMUM_WAIT_OBJECTS + 1;
    for (DWORD i = 0; i < n; i++)
        hs[i] = i < 8 ? pick(NULL) : hs[i % 8];
    BOOL all = u8() & 1, alertable = u8() & 1;
    SetLastError(0);
    DWORD r = WaitForMultipleObjectsEx(n, (a & 0x40) && n ? NULL : hs, all, small_timeout(),
                                       alertable);
    check_wait("WaitForMultipleObjectsEx", r, n, alertable);
}

static void op_signal_and_wait(void)
{
    HANDLE s = pick(NULL), w = pick(NULL);
    BOOL alertable = u8() & 1;
    SetLastError(0);
    DWORD r = SignalObjectAndWait(s, w, small_timeout(), alertable);
    check_wait("SignalObjectAndWait", r, 1, alertable);
}

static void op_duplicate(void)
{
    int kind;
    unsigned a = u8();
    HANDLE src = pick(&kind);
    HANDLE sproc = a & 0x10 ? pick(NULL) : GetCurrentProcess();
    HANDLE tproc = a & 0x20 ? pick(NULL) : GetCurrentProcess();
    DWORD access = pick_access();
    DWORD options = (a & 1 ? DUPLICATE_CLOSE_SOURCE : 0) | (a & 2 ? DUPLICATE_SAME_ACCESS : 0);
    if (a & 0x80)
        options |= 0x100u << (a & 7); /* an undefined option bit */
    BOOL inherit = (a >> 2) & 1;
    int si = find_ent(src);
    int sp_self = sproc == GetCurrentProcess();
    if ((options & DUPLICATE_CLOSE_SOURCE) && (foreign_live(src) || !sp_self))
        options &= ~(DWORD)DUPLICATE_CLOSE_SOURCE; /* not ours to close */
    DWORD flags = 0;
    int protected_src = si >= 0 && GetHandleInformation(src, &flags) &&
                        (flags & HANDLE_FLAG_PROTECT_FROM_CLOSE);
    HANDLE out = NULL;
    SetLastError(0);
    BOOL ok = DuplicateHandle(sproc, src, tproc, &out, access, inherit, options);
    trace("DuplicateHandle(%p, %p (kind %d), %p, -> %p, %#x, %d, %#x) = %d (error %u)", sproc,
          src, kind, tproc, out, access, inherit, options, ok, GetLastError());
    if (!ok)
        failed_with_error("DuplicateHandle");
    int close_only = (options & DUPLICATE_CLOSE_SOURCE) && !tproc;
    if (ok && !out && !close_only)
        fail("DuplicateHandle(%p, %p, %p, access %#x, options %#x) succeeded with a NULL handle",
             sproc, src, tproc, access, options);
    int closes = (options & DUPLICATE_CLOSE_SOURCE) && !is_pseudo(src) && src;
    if (closes && si >= 0 && !protected_src && !(ok && norm(out) == norm(src))) {
        /* Closed whether or not the duplicate was made. */
        DWORD f;
        if (GetHandleInformation(src, &f))
            fail("DUPLICATE_CLOSE_SOURCE left the source %p open (dup %s, error %u)", src,
                 ok ? "made" : "failed", GetLastError());
        ent_drop(si);
    }
    if (ok && !close_only) {
        int k = kind;
        if (src == GetCurrentProcess())
            k = K_PROCESS;
        else if (src == GetCurrentThread())
            k = K_THREAD;
        else if (!k)
            k = K_OTHER;
        if (tproc == GetCurrentProcess() || find_ent(tproc) >= 0) {
            same_value_ok = closes && norm(out) == norm(src);
            ent_add(out, k);
            same_value_ok = 0;
        }
    }
}

static void op_close(void)
{
    HANDLE h = pick(NULL);
    if (foreign_live(h))
        return;
    int i = find_ent(h);
    DWORD flags = 0;
    int protect = i >= 0 && GetHandleInformation(h, &flags) &&
                  (flags & HANDLE_FLAG_PROTECT_FROM_CLOSE);
    SetLastError(0);
    BOOL ok = CloseHandle(h);
    trace("CloseHandle(%p) = %d (error %u)", h, ok, GetLastError());
    if (!ok) {
        failed_with_error("CloseHandle");
        if (i >= 0 && !protect)
            fail("CloseHandle of the live table handle %p failed: %u", h, GetLastError());
        return;
    }
    if (is_pseudo(h))
        return;
    if (i >= 0 && protect)
        fail("CloseHandle closed %p, which was protected from close", h);
    DWORD f;
    SetLastError(0);
    if (GetHandleInformation(h, &f))
        fail("handle %p still valid after CloseHandle succeeded", h);
    if (GetLastError() != ERROR_INVALID_HANDLE)
        fail("GetHandleInformation of a closed handle: error %u", GetLastError());
    if (i >= 0)
        ent_drop(i);
    else
        remember_closed(h);
}

static void op_handle_info(void)
{
    HANDLE h = pick(NULL);
    unsigned a = u8();
    SetLastError(0);
    if (a & 1) {
        if (foreign_live(h))
            return;
        DWORD mask = a & 0x80 ? (DWORD)u16() << 16 | u16() : (a >> 1) & 3;
        DWORD flags = (a >> 3) & 3;
        if (!SetHandleInformation(h, mask, flags))
            failed_with_error("SetHandleInformation");
    } else {
        DWORD f = 0xdeadbeef;
        if (!GetHandleInformation(h, a & 2 ? NULL : &f))
            failed_with_error("GetHandleInformation");
        else if (!(a & 2) && (f & ~(DWORD)(HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE)))
            fail("GetHandleInformation flags %#x", f);
    }
}

static void op_mapping(void)
{
    unsigned a = u8();
    HANDLE file = a & 1 ? pick(NULL) : INVALID_HANDLE_VALUE;
    static const DWORD prot[] = {PAGE_READWRITE, PAGE_READONLY, PAGE_WRITECOPY,
                                 PAGE_EXECUTE_READWRITE, 0, PAGE_NOACCESS,
                                 PAGE_READWRITE | SEC_COMMIT, 0x12345678};
    DWORD size = a & 2 ? 0 : (DWORD)(u8() % 3) * 4096 + (a & 4 ? 1 : 0);
    const char *name = pick_name();
    SetLastError(0xdeadbeef);
    trace("CreateFileMappingA(%p, NULL, %#x, %u, %u, %s)", file, prot[(a >> 3) % 8],
          a & 0x80 ? 1 : 0, size, name ? name : "NULL");
    HANDLE h = CreateFileMappingA(file, NULL, prot[(a >> 3) % 8], a & 0x80 ? 1 : 0, size, name);
    trace(" = %p (error %u)", h, GetLastError());
    if (!h) {
        failed_with_error("CreateFileMapping");
        return;
    }
    DWORD e = GetLastError();
    if (e != 0 && e != ERROR_ALREADY_EXISTS)
        fail("CreateFileMapping succeeded with last error %u", e);
    ent_add(h, K_MAPPING);
}

static void op_map_view(void)
{
    HANDLE h = pick(NULL);
    unsigned a = u8();
    static const DWORD acc[] = {FILE_MAP_READ, FILE_MAP_WRITE, FILE_MAP_ALL_ACCESS, FILE_MAP_COPY,
                                0, FILE_MAP_EXECUTE, FILE_MAP_READ | FILE_MAP_WRITE, 0x80000000u};
    DWORD access = acc[a % 8];
    DWORD off = (a & 8) ? 4096 : (a & 16) ? 1 : 0;
    SIZE_T len = (a & 32) ? 0 : (SIZE_T)(u8() % 3) * 100;
    int slot = -1;
    for (int i = 0; i < NVIEWS; i++)
        if (!views[i].p)
            slot = i;
    if (slot < 0)
        return;
    SetLastError(0);
    trace("MapViewOfFile(%p, %#x, 0, %u, %zu)", h, access, off, (size_t)len);
    void *p = MapViewOfFile(h, access, 0, off, len);
    trace(" = %p (error %u)", p, GetLastError());
    if (!p) {
        failed_with_error("MapViewOfFile");
        return;
    }
    views[slot].p = p;
    /* Access 0 or execute alone maps no-access pages, as on Windows. */
    views[slot].writable = (access & (FILE_MAP_WRITE | FILE_MAP_COPY)) != 0;
    if (access & (FILE_MAP_READ | FILE_MAP_WRITE | FILE_MAP_COPY)) {
        volatile char *c = p;
        char x = c[0];
        if (views[slot].writable)
            c[0] = (char)(x + 1);
    }
}

static void op_unmap(void)
{
    unsigned a = u8();
    int i = (int)(u8() % NVIEWS);
    void *p;
    if (a % 4 == 0 || !views[i].p) {
        static char not_a_view[64];
        void *forged[] = {NULL, not_a_view, &a, (void *)(uintptr_t)0x1000,
                          views[i].p ? (char *)views[i].p + 1 : NULL, (void *)(uintptr_t)-4096};
        p = forged[a / 4 % 6];
        SetLastError(0);
        if (UnmapViewOfFile(p)) {
            /* Only a view's base may unmap. */
            for (int k = 0; k < NVIEWS; k++)
                if (views[k].p == p && p) {
                    views[k].p = NULL;
                    return;
                }
            fail("UnmapViewOfFile(%p) succeeded on no view", p);
        }
        failed_with_error("UnmapViewOfFile");
        return;
    }
    p = views[i].p;
    SetLastError(0);
    if (!UnmapViewOfFile(p))
        fail("UnmapViewOfFile of a view failed: %u", GetLastError());
    views[i].p = NULL;
}

static void op_pipe(void)
{
    HANDLE r = NULL, w = NULL;
    unsigned a = u8();
    SetLastError(0);
    BOOL made = CreatePipe(&r, &w, NULL, a % 4 * 1024);
    trace("CreatePipe = %d: %p %p", made, r, w);
    if (!made) {
        failed_with_error("CreatePipe");
        return;
    }
    ent_add(r, K_PIPE_R);
    ent_add(w, K_PIPE_W);
}

static void op_write(void)
{
    int kind;
    HANDLE h = pick(&kind);
    unsigned n = u8() % 64;
    if (foreign_live(h) || (kind == K_PIPE_W && n > write_budget) || kind == K_OTHER)
        return;
    char buf[64];
    memset(buf, 'w', sizeof buf);
    DWORD done = 0;
    SetLastError(0);
    trace("WriteFile(%p (kind %d), %u)", h, kind, n);
    if (WriteFile(h, buf, n, &done, NULL)) {
        if (done != n)
            fail("WriteFile wrote %u of %u", done, n);
        /* (a zero-byte write is not checked: whether Windows completes
         * one on a read end given write access is not documented) */
        if (kind != K_PIPE_W && n)
            fail("WriteFile of %u bytes succeeded on a handle of kind %d", n, kind);
        write_budget -= n;
    } else {
        failed_with_error("WriteFile");
    }
}

static void op_read(void)
{
    int kind;
    HANDLE h = pick(&kind);
    unsigned n = u8() % 64;
    if (foreign_live(h) || kind == K_OTHER)
        return;
    if (kind == K_PIPE_R) {
        DWORD avail = 0;
        if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL)) {
            failed_with_error("PeekNamedPipe");
            return; /* a read might block, or the pipe is broken */
        }
        if (!avail)
            return;
        if (n > avail)
            n = avail;
    }
    char buf[64];
    DWORD done = 0;
    SetLastError(0);
    trace("ReadFile(%p (kind %d), %u)", h, kind, n);
    if (ReadFile(h, buf, n, &done, NULL)) {
        if (done > n)
            fail("ReadFile read %u of %u", done, n);
    } else {
        failed_with_error("ReadFile");
    }
}

static void op_iocp(void)
{
    unsigned a = u8();
    HANDLE file = a & 1 ? pick(NULL) : INVALID_HANDLE_VALUE;
    HANDLE existing = a & 2 ? pick(NULL) : NULL;
    SetLastError(0);
    HANDLE h = CreateIoCompletionPort(file, existing, (ULONG_PTR)u8(), a >> 4);
    if (!h) {
        failed_with_error("CreateIoCompletionPort");
        return;
    }
    if (!existing)
        ent_add(h, K_IOCP);
}

static void op_post(void)
{
    HANDLE h = pick(NULL);
    unsigned a = u8();
    SetLastError(0);
    if (!PostQueuedCompletionStatus(h, a, (ULONG_PTR)u8(), a & 1 ? NULL : (LPOVERLAPPED)(uintptr_t)(a * 64)))
        failed_with_error("PostQueuedCompletionStatus");
}

static void op_get_queued(void)
{
    HANDLE h = pick(NULL);
    unsigned a = u8();
    SetLastError(0);
    if (a & 1) {
        OVERLAPPED_ENTRY e[4];
        ULONG got = 99;
        if (!GetQueuedCompletionStatusEx(h, e, a % 5, &got, small_timeout(), (a & 2) != 0))
            failed_with_error("GetQueuedCompletionStatusEx");
        else if (got == 0 || got > 4)
            fail("GetQueuedCompletionStatusEx gave %u entries", got);
    } else {
        DWORD n;
        ULONG_PTR key;
        LPOVERLAPPED ov = NULL;
        if (!GetQueuedCompletionStatus(h, &n, &key, &ov, small_timeout()))
            failed_with_error("GetQueuedCompletionStatus");
    }
}

static void op_apc(void)
{
    unsigned a = u8();
    HANDLE t;
    if (a % 4 == 0)
        t = GetCurrentThread();
    else if (a % 4 == 1 && workers[a / 4 % NTHREADS].thread)
        t = workers[a / 4 % NTHREADS].thread;
    else
        t = pick(NULL);
    SetLastError(0);
    if (!QueueUserAPC(a & 0x80 ? NULL : apc_fn, t, a))
        failed_with_error("QueueUserAPC");
}

static void op_sleep(void)
{
    SetLastError(0);
    DWORD r = SleepEx(small_timeout(), u8() & 1);
    if (r != 0 && r != WAIT_IO_COMPLETION)
        fail("SleepEx returned %u", r);
}

static void op_thread(void)
{
    unsigned a = u8();
    int i = (int)(a % NTHREADS);
    if (workers[i].thread) {
        if (a & 0x80)
            worker_join(i);
        return;
    }
    HANDLE stop = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!stop)
        fail("CreateEvent for a worker: %u", GetLastError());
    HANDLE t = CreateThread(NULL, 0, worker_main, stop, a & 0x40 ? CREATE_SUSPENDED : 0, NULL);
    if (!t)
        fail("CreateThread: %u", GetLastError());
    if ((a & 0x40) && ResumeThread(t) != 1)
        fail("ResumeThread of a suspended thread");
    workers[i].thread = t;
    workers[i].stop = stop;
    /* The table gets a duplicate, for the fuzzer to wait on and close. */
    HANDLE d;
    if (DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d, 0, FALSE,
                        DUPLICATE_SAME_ACCESS))
        ent_add(d, K_THREAD);
    else
        fail("DuplicateHandle of a thread: %u", GetLastError());
}

static void op_timer(void)
{
    HANDLE h = pick(NULL);
    unsigned a = u8();
    SetLastError(0);
    if (a & 1) {
        if (!CancelWaitableTimer(h))
            failed_with_error("CancelWaitableTimer");
        return;
    }
    LARGE_INTEGER due;
    switch (a / 2 % 4) {
    case 0:
        due.QuadPart = -(LONGLONG)(u8() * 40); /* up to 1 ms from now */
        break;
    case 1:
        due.QuadPart = 0;
        break;
    case 2:
        due.QuadPart = 1; /* an absolute time long past */
        break;
    default:
        due.QuadPart = -((LONGLONG)1 << 62);
        break;
    }
    LONG period = a & 0x10 ? (LONG)(a >> 5) - 1 : 0;
    if (!SetWaitableTimer(h, &due, period, a & 0x80 ? timer_apc : NULL, NULL, FALSE))
        failed_with_error("SetWaitableTimer");
}

static void op_process(void)
{
    unsigned a = u8();
    SetLastError(0);
    HANDLE h;
    if (a & 1)
        h = OpenProcess(pick_access(), FALSE, a & 2 ? GetCurrentProcessId() : (DWORD)u16() * 4 + 0x7ff00000u);
    else
        h = OpenThread(pick_access(), FALSE, a & 2 ? GetCurrentThreadId() : (DWORD)u16() + 0x7ff00000u);
    if (!h) {
        failed_with_error("OpenProcess/OpenThread");
        return;
    }
    ent_add(h, a & 1 ? K_PROCESS : K_THREAD);
}

/* ---- one input ---- */

static void cleanup(void)
{
    for (int i = 0; i < NTHREADS; i++)
        worker_join(i);
    for (int k = 0; k < 1000 && SleepEx(0, TRUE) == WAIT_IO_COMPLETION; k++)
        ;
    for (int i = 0; i < NVIEWS; i++)
        if (views[i].p) {
            if (!UnmapViewOfFile(views[i].p))
                fail("UnmapViewOfFile at the end: %u", GetLastError());
            views[i].p = NULL;
        }
    while (ntab) {
        struct ent *e = &tab[ntab - 1];
        if (!SetHandleInformation(e->h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0))
            fail("SetHandleInformation at the end on %p (kind %d): %u", e->h, e->kind,
                 GetLastError());
        if (e->kind == K_MUTEX)
            for (int k = 0; k < 1000 && ReleaseMutex(e->h); k++)
                ;
        if (!CloseHandle(e->h))
            fail("CloseHandle at the end on %p (kind %d): %u", e->h, e->kind, GetLastError());
        ntab--;
    }
    nclosed = 0;
    memset(closed_vals, 0, sizeof closed_vals);
    /* Mutexes taken through a forged alias or a closed-and-reused table
     * entry are released above; an owned mutex whose handles are all
     * closed keeps no name (Windows removes a name with its last handle). */
    if (!getenv("API_FUZZ_NO_NAME_CHECK"))
        check_names_gone();
}

static unsigned long inputs_run;

static void print_totals(void)
{
    fprintf(stderr, "api_fuzz: %lu calls in %lu inputs, every invariant held\n", step_no,
            inputs_run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!inputs_run++)
        atexit(print_totals); /* also at the end of a libFuzzer run */
    in_p = data;
    in_end = data + size;
    write_budget = WRITE_BUDGET;
    while (in_p < in_end) {
        unsigned op = u8() % 32;
        op_now = op;
        step_no++;
        trace("op %u", op);
        switch (op) {
        case 0:
        case 1:
        case 2:
        case 3:
            op_create(op);
            break;
        case 4:
            op_open();
            break;
        case 5:
        case 6:
        case 7:
        case 8:
        case 9:
            op_signal(op - 5);
            break;
        case 10:
            op_wait_one();
            break;
        case 11:
            op_wait_many();
            break;
        case 12:
            op_signal_and_wait();
            break;
        case 13:
            op_duplicate();
            break;
        case 14:
            op_close();
            break;
        case 15:
            op_handle_info();
            break;
        case 16:
            op_mapping();
            break;
        case 17:
            op_map_view();
            break;
        case 18:
            op_unmap();
            break;
        case 19:
            op_pipe();
            break;
        case 20:
            op_write();
            break;
        case 21:
            op_read();
            break;
        case 22:
            op_iocp();
            break;
        case 23:
            op_post();
            break;
        case 24:
            op_get_queued();
            break;
        case 25:
            op_apc();
            break;
        case 26:
            op_sleep();
            break;
        case 27:
            op_thread();
            break;
        case 28:
            op_timer();
            break;
        case 29:
            op_process();
            break;
        case 30:
            op_close();
            break;
        default:
            op_wait_one();
            break;
        }
    }
    cleanup();
    return 0;
}
