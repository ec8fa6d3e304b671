/*
 * make bench: each winshim row is timed next to a raw baseline measured in
 * the same run, and reported as ns/op and as a ratio to that baseline.
 * Every measurement is the best of several rounds (this is a noisy VM).
 * Ping-pong rows pin both threads to one CPU, as the targets say.
 */
#define _GNU_SOURCE
#include <winsock2.h> /* before windows.h, as on Windows; no Linux socket headers */
#include <windows.h>

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Linux's socketpair for the raw baselines, declared by hand: <sys/socket.h>
 * cannot meet <winsock2.h>.  AF_UNIX (1), SOCK_STREAM (1) and
 * SOCK_SEQPACKET (5) have the same values on both. */
extern int socketpair(int domain, int type, int protocol, int sv[2]);
#define LINUX_SOCK_CLOEXEC 02000000

#define ROUNDS 7

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

typedef void (*bench_fn)(long iters);

static double best_ns_per_op(bench_fn fn, long iters)
{
    double best = 1e30;
    fn(iters / 10); /* warm up */
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        fn(iters);
        double dt = (now_ns() - t0) / iters;
        if (dt < best)
            best = dt;
    }
    return best;
}

/* ---- the table ----
 *
 * Every measurement is a row: name, value and unit, the raw baseline it
 * is compared with (measured in the same run) and its value, the ratio
 * and the target.  The text form prints each row as it is measured; with
 * --json or --csv nothing is printed until the end, then the whole table
 * in that form (for comparing commits: bench --json > a.json). */

enum out_form { OUT_TEXT, OUT_JSON, OUT_CSV };
static enum out_form out_form = OUT_TEXT;

struct bench_row {
    char name[64], unit[8], base[40], target[40];
    double value, base_value, ratio;
};
static struct bench_row rows[128];
static int nrows;

static void print_header(void)
{
    printf("%-44s %10s %-6s %-30s %10s %7s  %s\n", "row", "winshim", "unit",
           "baseline", "value", "ratio", "target");
}

void row_unit(const char *name, double value, const char *unit, const char *base,
              double base_value, double ratio, const char *target)
{
    if (nrows < (int)(sizeof rows / sizeof *rows)) {
        struct bench_row *r = &rows[nrows++];
        snprintf(r->name, sizeof r->name, "%s", name);
        snprintf(r->unit, sizeof r->unit, "%s", unit);
        snprintf(r->base, sizeof r->base, "%s", base);
        snprintf(r->target, sizeof r->target, "%s", target);
        r->value = value;
        r->base_value = base_value;
        r->ratio = ratio;
    }
    if (out_form == OUT_TEXT) {
        if (ratio)
            printf("%-44s %10.1f %-6s %-30s %10.1f %6.2fx  %s\n", name, value, unit, base,
                   base_value, ratio, target);
        else if (base_value)
            printf("%-44s %10.1f %-6s %-30s %10.1f %7s  %s\n", name, value, unit, base,
                   base_value, "-", target);
        else
            printf("%-44s %10.1f %-6s %-30s %10s %7s  %s\n", name, value, unit, base, "-",
                   "-", target);
        fflush(stdout);
    }
}

void row(const char *name, double ns, const char *base, double base_ns,
         const char *target)
{
    row_unit(name, ns, "ns/op", base, base_ns, ns / base_ns, target);
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

static void csv_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_table(void)
{
    if (out_form == OUT_JSON) {
        printf("[\n");
        for (int i = 0; i < nrows; i++) {
            const struct bench_row *r = &rows[i];
            printf("  {\"row\": ");
            json_str(r->name);
            printf(", \"value\": %.3f, \"unit\": ", r->value);
            json_str(r->unit);
            printf(", \"baseline\": ");
            json_str(r->base);
            printf(", \"baseline_value\": %.3f, \"ratio\": %.4f, \"target\": ",
                   r->base_value, r->ratio);
            json_str(r->target);
            printf("}%s\n", i + 1 < nrows ? "," : "");
        }
        printf("]\n");
    } else if (out_form == OUT_CSV) {
        printf("row,value,unit,baseline,baseline_value,ratio,target\n");
        for (int i = 0; i < nrows; i++) {
            const struct bench_row *r = &rows[i];
            csv_str(r->name);
            printf(",%.3f,", r->value);
            csv_str(r->unit);
            putchar(',');
            csv_str(r->base);
            printf(",%.3f,%.4f,", r->base_value, r->ratio);
            csv_str(r->target);
            putchar('\n');
        }
    }
}

/* ---- raw baselines ---- */

static _Atomic uint64_t cell;
static volatile uint64_t sink;

static void b_atomic_load(long n)
{
    uint64_t s = 0;
    for (long i = 0; i < n; i++)
        s += atomic_load_explicit(&cell, memory_order_acquire);
    sink = s;
}

static void b_cas_pair(long n)
{
    for (long i = 0; i < n; i++) {
        uint64_t e = 0;
        atomic_compare_exchange_strong(&cell, &e, 1);
        e = 1;
        atomic_compare_exchange_strong(&cell, &e, 0);
    }
}

static void b_malloc_free_atomic(long n)
{
    for (long i = 0; i < n; i++) {
        void *p = malloc(64);
        atomic_fetch_add(&cell, 1);
        sink = (uintptr_t)p;
        free(p);
    }
}

/* ---- winshim rows ---- */

static HANDLE ev_manual, ev_set;

static void b_wait_signalled(long n)
{
    for (long i = 0; i < n; i++)
        if (WaitForSingleObject(ev_manual, 0) != WAIT_OBJECT_0)
            abort();
}

static void b_set_reset(long n)
{
    for (long i = 0; i < n; i++) {
        SetEvent(ev_set);
        ResetEvent(ev_set);
    }
}

static void b_create_close(long n)
{
    for (long i = 0; i < n; i++) {
        HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
        CloseHandle(h);
    }
}

static void b_dup_close(long n)
{
    for (long i = 0; i < n; i++) {
        HANDLE h;
        DuplicateHandle(GetCurrentProcess(), ev_set, GetCurrentProcess(), &h, 0,
                        FALSE, DUPLICATE_SAME_ACCESS);
        CloseHandle(h);
    }
}

static HANDLE many[MAXIMUM_WAIT_OBJECTS];

static void b_wait64(long n)
{
    for (long i = 0; i < n; i++)
        if (WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0) != WAIT_TIMEOUT)
            abort();
}

/* Wait-all of 8 events, the last one not signalled, with a zero timeout,
 * against its raw counterpart: a scan of 8 atomic loads (of 8 separate
 * words). */
#define ALL8 8
static HANDLE all8[ALL8];
static _Atomic uint64_t cells8[ALL8][8]; /* one cache line each */

static void b_scan8(long n)
{
    uint64_t s = 0;
    for (long i = 0; i < n; i++)
        for (int j = 0; j < ALL8; j++)
            s += atomic_load_explicit(&cells8[j][0], memory_order_acquire);
    sink = s;
}

static void b_wait_all8(long n)
{
    for (long i = 0; i < n; i++)
        if (WaitForMultipleObjects(ALL8, all8, TRUE, 0) != WAIT_TIMEOUT)
            abort();
}

/* The rows of the wait and signal paths (issue 19), with their targets;
 * bench --sync runs just these. */
static void rows_wait_signal(long N, double load, double cas2)
{
    row("WaitForSingleObject, signalled manual event",
        best_ns_per_op(b_wait_signalled, N), "vs atomic load", load, "target <= 4 ns");
    row("SetEvent+ResetEvent, no waiters", best_ns_per_op(b_set_reset, N),
        "vs CAS pair", cas2, "target <= 8 ns");
}

static void rows_wait_multiple(long N, double load)
{
    row("WaitForMultipleObjects(64, any, 0 ms)", best_ns_per_op(b_wait64, N / 10),
        "vs atomic load", load, "target <= 100 ns");
    row("WaitForMultipleObjects(8, all, 0 ms)", best_ns_per_op(b_wait_all8, N / 4),
        "vs scan of 8 atomic loads", best_ns_per_op(b_scan8, N), "target <= 40 ns");
}

/* ---- ping-pong ---- */

static _Atomic uint32_t fx[2];
static long pp_iters;
static HANDLE pp_ev[2];

static void pin_cpu0(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* private: FUTEX_PRIVATE_FLAG (threads) or not (processes). */
static void fwait_ex(_Atomic uint32_t *w, int private)
{
    uint32_t one = 1;
    while (!atomic_compare_exchange_strong(w, &one, 0)) {
        syscall(SYS_futex, w, FUTEX_WAIT | private, 0, NULL, NULL, 0);
        one = 1;
    }
}

static void fpost_ex(_Atomic uint32_t *w, int private)
{
    atomic_store(w, 1);
    syscall(SYS_futex, w, FUTEX_WAKE | private, 1, NULL, NULL, 0);
}

static void fwait(_Atomic uint32_t *w) { fwait_ex(w, FUTEX_PRIVATE_FLAG); }
static void fpost(_Atomic uint32_t *w) { fpost_ex(w, FUTEX_PRIVATE_FLAG); }
static void xwait(_Atomic uint32_t *w) { fwait_ex(w, 0); }
static void xpost(_Atomic uint32_t *w) { fpost_ex(w, 0); }

static void *futex_partner(void *arg)
{
    (void)arg;
    pin_cpu0();
    for (long i = 0; i < pp_iters; i++) {
        fwait(&fx[0]);
        fpost(&fx[1]);
    }
    return NULL;
}

static void b_futex_pingpong(long n)
{
    pthread_t t;
    pp_iters = n;
    pthread_create(&t, NULL, futex_partner, NULL);
    for (long i = 0; i < n; i++) {
        fpost(&fx[0]);
        fwait(&fx[1]);
    }
    pthread_join(t, NULL);
}

static DWORD WINAPI event_partner(LPVOID arg)
{
    (void)arg;
    pin_cpu0();
    for (long i = 0; i < pp_iters; i++) {
        WaitForSingleObject(pp_ev[0], INFINITE);
        SetEvent(pp_ev[1]);
    }
    return 0;
}

static void b_event_pingpong(long n)
{
    pp_iters = n;
    HANDLE t = CreateThread(NULL, 0, event_partner, NULL, 0, NULL);
    for (long i = 0; i < n; i++) {
        SetEvent(pp_ev[0]);
        WaitForSingleObject(pp_ev[1], INFINITE);
    }
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}

/* ---- names and processes (issue 5) ---- */

static HANDLE named_keep;

static void b_create_named_existing(long n)
{
    for (long i = 0; i < n; i++)
        CloseHandle(CreateEventW(NULL, TRUE, FALSE, u"Local\\wsbench_named"));
}

static void b_open_close(long n)
{
    for (long i = 0; i < n; i++)
        CloseHandle(OpenEventW(SYNCHRONIZE, FALSE, u"Local\\wsbench_named"));
}

/* Raw baseline: two processes on one CPU, shared-futex ping-pong. */
static _Atomic uint32_t *xfx;

static void b_xproc_futex(long n)
{
    pid_t pid = fork();
    if (pid == 0) {
        pin_cpu0();
        for (long i = 0; i < n; i++) {
            xwait(&xfx[0]);
            xpost(&xfx[1]);
        }
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        xpost(&xfx[0]);
        xwait(&xfx[1]);
    }
    waitpid(pid, NULL, 0);
}

static void b_xproc_events(long n)
{
    pid_t pid = fork();
    if (pid == 0) {
        pin_cpu0();
        HANDLE a = OpenEventW(SYNCHRONIZE, FALSE, u"Local\\wsbench_ping");
        HANDLE b = OpenEventW(EVENT_MODIFY_STATE, FALSE, u"Local\\wsbench_pong");
        for (long i = 0; i < n; i++) {
            WaitForSingleObject(a, INFINITE);
            SetEvent(b);
        }
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        SetEvent(pp_ev[0]);
        WaitForSingleObject(pp_ev[1], INFINITE);
    }
    waitpid(pid, NULL, 0);
}

/* Names at scale (issue 19, D8): creating and closing a new name while
 * `held` other names exist, for a flat cost from a thousand to a million. */
static long fresh_serial;

static void swprintf_ascii(WCHAR *out, size_t cap, const char *fmt, long v)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    size_t i = 0;
    for (; buf[i] && i + 1 < cap; i++)
        out[i] = (WCHAR)buf[i];
    out[i] = 0;
}

static void b_create_fresh_name(long n)
{
    WCHAR name[48];
    for (long i = 0; i < n; i++) {
        swprintf_ascii(name, 48, "Local\\wsbench_fresh_%ld", fresh_serial++);
        CloseHandle(CreateEventW(NULL, TRUE, FALSE, name));
    }
}

static double names_held_cost(long held, HANDLE **keep)
{
    WCHAR name[48];
    *keep = malloc(held * sizeof **keep);
    for (long i = 0; i < held; i++) {
        swprintf_ascii(name, 48, "Local\\wsbench_held_%ld", i);
        (*keep)[i] = CreateEventW(NULL, TRUE, FALSE, name);
    }
    return best_ns_per_op(b_create_fresh_name, 20000);
}

static void bench_names_at_scale(void)
{
    HANDLE *small, *big;
    double few = names_held_cost(1000, &small);
    for (long i = 0; i < 1000; i++)
        CloseHandle(small[i]);
    free(small);
    double lots = names_held_cost(1000000, &big);
    for (long i = 0; i < 1000000; i++)
        CloseHandle(big[i]);
    free(big);
    /* Issue 19: <= 300 ns, flat from 10^3 to 10^6 names. */
    row_unit("CreateEvent(new name)+Close, 10^3 names held", few, "ns/op", "", 0, 0,
             "target <= 300 ns");
    row("CreateEvent(new name)+Close, 10^6 names held", lots, "vs 10^3 names held", few,
        "target <= 300 ns, <= 1.5x");
}

/* The handle and object lifecycle rows of issue 19 alone (bench
 * --handles), for profiling them. */
static void bench_handles_only(long n)
{
    ev_set = CreateEventW(NULL, TRUE, FALSE, NULL);
    double mfa = best_ns_per_op(b_malloc_free_atomic, n);
    row("CreateEvent+CloseHandle (unnamed)", best_ns_per_op(b_create_close, n),
        "vs malloc+free+atomic", mfa, "target <= 30 ns");
    row("DuplicateHandle+CloseHandle", best_ns_per_op(b_dup_close, n),
        "vs malloc+free+atomic", mfa, "target <= 30 ns");
    named_keep = CreateEventW(NULL, TRUE, FALSE, u"Local\\wsbench_named");
    row("OpenEvent+CloseHandle", best_ns_per_op(b_open_close, n / 10),
        "vs malloc+free+atomic", mfa, "target <= 60 ns");
    CloseHandle(named_keep);
    CloseHandle(ev_set);
    bench_names_at_scale();
}

static void bench_processes(long n)
{
    named_keep = CreateEventW(NULL, TRUE, FALSE, u"Local\\wsbench_named");
    row("CreateEvent(name) of an existing event+Close", best_ns_per_op(b_create_named_existing, n),
        "vs malloc+free+atomic", best_ns_per_op(b_malloc_free_atomic, n), "target <= 300 ns");
    row("OpenEvent+CloseHandle", best_ns_per_op(b_open_close, n),
        "vs malloc+free+atomic", best_ns_per_op(b_malloc_free_atomic, n), "target <= 60 ns");
    CloseHandle(named_keep);

    xfx = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    HANDLE keep[2] = {pp_ev[0], pp_ev[1]};
    pp_ev[0] = CreateEventW(NULL, FALSE, FALSE, u"Local\\wsbench_ping");
    pp_ev[1] = CreateEventW(NULL, FALSE, FALSE, u"Local\\wsbench_pong");
    double raw = best_ns_per_op(b_xproc_futex, 50000);
    double ev = best_ns_per_op(b_xproc_events, 50000);
    row("ping-pong, 2 processes, 2 named auto events", ev, "vs raw shared futex", raw,
        "target <= 1.05x");
    CloseHandle(pp_ev[0]);
    CloseHandle(pp_ev[1]);
    pp_ev[0] = keep[0];
    pp_ev[1] = keep[1];
}

/* ---- lookup scaling: the same signalled wait from 1 and 2 threads ---- */

static long scale_iters;
static bench_fn scale_fn;

static void *scale_worker(void *arg)
{
    (void)arg;
    scale_fn(scale_iters);
    return NULL;
}

static double scaled(bench_fn fn, int threads, long iters)
{
    scale_fn = fn;
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_t t[4];
        scale_iters = iters;
        double t0 = now_ns();
        for (int i = 0; i < threads; i++)
            pthread_create(&t[i], NULL, scale_worker, NULL);
        for (int i = 0; i < threads; i++)
            pthread_join(t[i], NULL);
        double dt = (now_ns() - t0) / iters;
        if (dt < best)
            best = dt;
    }
    return best;
}

/* ---- mutexes and semaphores (issue 4) ---- */

static pthread_mutex_t pmx = PTHREAD_MUTEX_INITIALIZER;
static HANDLE wmx, wsem;
static sem_t psem;

static void b_pthread_mutex(long n)
{
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&pmx);
        sink++;
        pthread_mutex_unlock(&pmx);
    }
}

static void b_win_mutex(long n)
{
    for (long i = 0; i < n; i++) {
        WaitForSingleObject(wmx, INFINITE);
        sink++;
        ReleaseMutex(wmx);
    }
}

static void b_posix_sem(long n)
{
    for (long i = 0; i < n; i++) {
        sem_post(&psem);
        sem_wait(&psem);
    }
}

static void b_win_sem(long n)
{
    for (long i = 0; i < n; i++) {
        ReleaseSemaphore(wsem, 1, NULL);
        WaitForSingleObject(wsem, INFINITE);
    }
}

/* Two threads, each doing n/2 acquire+release pairs on the same lock. */
static bench_fn contend_fn;
static void *contend_worker(void *arg)
{
    contend_fn((long)(intptr_t)arg);
    return NULL;
}

static void run_contended(bench_fn fn, long n)
{
    pthread_t t;
    contend_fn = fn;
    pthread_create(&t, NULL, contend_worker, (void *)(intptr_t)(n / 2));
    fn(n / 2);
    pthread_join(t, NULL);
}

static void b_pthread_mutex_2(long n)
{
    run_contended(b_pthread_mutex, n);
}

static void b_win_mutex_2(long n)
{
    run_contended(b_win_mutex, n);
}

static void bench_kernel_sync(long N)
{
    wmx = CreateMutexW(NULL, FALSE, NULL);
    wsem = CreateSemaphoreW(NULL, 0, 1, NULL);
    sem_init(&psem, 0, 0);
    double pm = best_ns_per_op(b_pthread_mutex, N);
    row("mutex Wait+ReleaseMutex, uncontended", best_ns_per_op(b_win_mutex, N),
        "vs pthread_mutex lock+unlock", pm, "target <= 10 ns");
    double pm2 = best_ns_per_op(b_pthread_mutex_2, N);
    row("mutex, 2 threads contending", best_ns_per_op(b_win_mutex_2, N),
        "vs pthread_mutex, 2 threads", pm2, "target <= 40 ns, steady");
    double ps = best_ns_per_op(b_posix_sem, N);
    row("ReleaseSemaphore+Wait", best_ns_per_op(b_win_sem, N), "vs sem_post+sem_wait", ps,
        "target <= 10 ns");
    CloseHandle(wmx);
    CloseHandle(wsem);
    sem_destroy(&psem);
}

/* ---- user-mode primitives: critical sections and SRW locks against
 * their pthread counterparts (uncontended, and two threads on one lock;
 * the mutex baseline is b_pthread_mutex above) ---- */

static CRITICAL_SECTION us_cs;
static SRWLOCK us_srw = SRWLOCK_INIT;
static pthread_rwlock_t us_rwlock = PTHREAD_RWLOCK_INITIALIZER;
static volatile long us_shared;
static DWORD us_tls;
static pthread_key_t us_key;

static void b_cs(long n)
{
    for (long i = 0; i < n; i++) {
        EnterCriticalSection(&us_cs);
        us_shared++;
        LeaveCriticalSection(&us_cs);
    }
}

static void b_srw_excl(long n)
{
    for (long i = 0; i < n; i++) {
        AcquireSRWLockExclusive(&us_srw);
        us_shared++;
        ReleaseSRWLockExclusive(&us_srw);
    }
}

static void b_rwlock_wr(long n)
{
    for (long i = 0; i < n; i++) {
        pthread_rwlock_wrlock(&us_rwlock);
        us_shared++;
        pthread_rwlock_unlock(&us_rwlock);
    }
}

static void b_srw_shared(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++) {
        AcquireSRWLockShared(&us_srw);
        s += us_shared;
        ReleaseSRWLockShared(&us_srw);
    }
    sink = (uint64_t)s;
}

static void b_rwlock_rd(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++) {
        pthread_rwlock_rdlock(&us_rwlock);
        s += us_shared;
        pthread_rwlock_unlock(&us_rwlock);
    }
    sink = (uint64_t)s;
}

static void b_tls_get(long n)
{
    uintptr_t s = 0;
    for (long i = 0; i < n; i++)
        s += (uintptr_t)TlsGetValue(us_tls);
    sink = s;
}

static void b_key_get(long n)
{
    uintptr_t s = 0;
    for (long i = 0; i < n; i++)
        s += (uintptr_t)pthread_getspecific(us_key);
    sink = s;
}

static void b_qpc(long n)
{
    LARGE_INTEGER c;
    for (long i = 0; i < n; i++)
        QueryPerformanceCounter(&c);
    sink = (uint64_t)c.QuadPart;
}

static void b_clock_gettime(long n)
{
    struct timespec ts;
    for (long i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    sink = (uint64_t)ts.tv_nsec;
}

static void unpin_cpu(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < CPU_SETSIZE; i++)
        CPU_SET(i, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static void bench_usersync(void)
{
    const long N = 2000000;
    unpin_cpu(); /* the ping-pong rows pinned this thread to CPU 0 */
    InitializeCriticalSection(&us_cs);
    us_tls = TlsAlloc();
    TlsSetValue(us_tls, (LPVOID)1);
    pthread_key_create(&us_key, NULL);
    pthread_setspecific(us_key, (void *)1);

    /* user-mode primitives: uncontended; "2 threads": both on one lock, ns
     * per iteration of each. */
    double mx = best_ns_per_op(b_pthread_mutex, N);
    row("EnterCriticalSection+Leave", best_ns_per_op(b_cs, N), "vs pthread mutex", mx,
        "target <= 1.2x");
    double wr = best_ns_per_op(b_rwlock_wr, N);
    row("SRW exclusive acquire+release", best_ns_per_op(b_srw_excl, N), "vs pthread_rwlock wr",
        wr, "target <= 1.2x");
    double rd = best_ns_per_op(b_rwlock_rd, N);
    row("SRW shared acquire+release", best_ns_per_op(b_srw_shared, N), "vs pthread_rwlock rd",
        rd, "target <= 1.2x");
    double mx2 = scaled(b_pthread_mutex, 2, N / 2);
    row("EnterCriticalSection+Leave, 2 threads", scaled(b_cs, 2, N / 2),
        "vs pthread mutex, 2 thr", mx2, "");
    double wr2 = scaled(b_rwlock_wr, 2, N / 2);
    row("SRW exclusive, 2 threads", scaled(b_srw_excl, 2, N / 2),
        "vs pthread_rwlock wr, 2 thr", wr2, "");
    double rd2 = scaled(b_rwlock_rd, 2, N / 2);
    row("SRW shared, 2 threads", scaled(b_srw_shared, 2, N / 2),
        "vs pthread_rwlock rd, 2 thr", rd2, "");
    row("TlsGetValue", best_ns_per_op(b_tls_get, N * 5), "vs pthread_getspecific",
        best_ns_per_op(b_key_get, N * 5), "");
    row("QueryPerformanceCounter", best_ns_per_op(b_qpc, N), "vs clock_gettime",
        best_ns_per_op(b_clock_gettime, N), "");
    DeleteCriticalSection(&us_cs);
}

/* ---- files: 4 KiB transfers through a file object and raw ---- */

static char io_buf[4096];
static HANDLE io_h;
static int io_fd;

static void b_win_rw(long n)
{
    DWORD done;
    for (long i = 0; i < n; i++) {
        SetFilePointer(io_h, 0, NULL, FILE_BEGIN);
        if (!WriteFile(io_h, io_buf, sizeof io_buf, &done, NULL) ||
            SetFilePointer(io_h, 0, NULL, FILE_BEGIN) != 0 ||
            !ReadFile(io_h, io_buf, sizeof io_buf, &done, NULL))
            abort();
    }
}

static void b_raw_rw(long n)
{
    for (long i = 0; i < n; i++) {
        lseek(io_fd, 0, SEEK_SET);
        if (write(io_fd, io_buf, sizeof io_buf) != (ssize_t)sizeof io_buf ||
            lseek(io_fd, 0, SEEK_SET) != 0 ||
            read(io_fd, io_buf, sizeof io_buf) != (ssize_t)sizeof io_buf)
            abort();
    }
}

/* Each op: seek, write 4 KiB, seek, read 4 KiB.  A shared open may meet
 * another process's byte-range locks, so each transfer asks the kernel
 * (one F_OFD_GETLK) first; an exclusive open does not. */
static void bench_files(long N)
{
    char path[] = "/tmp/winshim-bench-XXXXXX";
    int tmp = mkstemp(path);
    if (tmp < 0)
        return;
    close(tmp);
    io_fd = open(path, O_RDWR);
    io_h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       NULL, OPEN_EXISTING, 0, NULL);
    if (io_fd < 0 || io_h == INVALID_HANDLE_VALUE)
        abort();
    double raw = best_ns_per_op(b_raw_rw, N);
    row("4 KiB ReadFile/WriteFile, shared open", best_ns_per_op(b_win_rw, N),
        "vs read/write (+lseek each)", raw, "");
    CloseHandle(io_h);
    /* Sharing neither reading nor writing: no other handle can hold locks,
     * so no lock check at all. */
    io_h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (io_h == INVALID_HANDLE_VALUE)
        abort();
    raw = best_ns_per_op(b_raw_rw, N);
    row("4 KiB ReadFile/WriteFile, exclusive open", best_ns_per_op(b_win_rw, N),
        "vs read/write (+lseek each)", raw, "");
    CloseHandle(io_h);
    close(io_fd);
    unlink(path);
}

/* ---- completion ports ---- */

static HANDLE bench_port;
static int bench_efd, bench_ep;

static void b_iocp_round_trip(long n)
{
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    for (long i = 0; i < n; i++) {
        PostQueuedCompletionStatus(bench_port, 1, 2, NULL);
        GetQueuedCompletionStatus(bench_port, &bytes, &key, &ov, 0);
    }
}

static void b_eventfd_epoll(long n)
{
    uint64_t v = 1;
    struct epoll_event e;
    for (long i = 0; i < n; i++) {
        if (write(bench_efd, &v, sizeof v) < 0 || epoll_wait(bench_ep, &e, 1, 0) != 1 ||
            read(bench_efd, &v, sizeof v) < 0)
            abort();
    }
}

static void bench_iocp(long n)
{
    bench_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    bench_efd = eventfd(0, EFD_CLOEXEC);
    bench_ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {.events = EPOLLIN};
    epoll_ctl(bench_ep, EPOLL_CTL_ADD, bench_efd, &e);
    double base = best_ns_per_op(b_eventfd_epoll, n);
    row("Post+GetQueuedCompletionStatus, 1 thread", best_ns_per_op(b_iocp_round_trip, n),
        "vs eventfd+epoll_wait+read", base, "");
    close(bench_ep);
    close(bench_efd);
    CloseHandle(bench_port);
}

/* ---- named pipes ---- */

/* A 64-byte message round trip: this thread writes, an echo thread reads
 * and writes it back, this thread reads the answer.  The named pipe (message
 * mode) is compared with the same echo over a raw SOCK_SEQPACKET socketpair. */
static HANDLE np_client;
static int raw_fds[2];

static DWORD WINAPI np_echo(LPVOID arg)
{
    HANDLE s = arg;
    char buf[64];
    DWORD n, w;
    ConnectNamedPipe(s, NULL);
    while (ReadFile(s, buf, sizeof buf, &n, NULL) && WriteFile(s, buf, n, &w, NULL))
        ;
    return 0;
}

static void *raw_echo(void *arg)
{
    (void)arg;
    char buf[64];
    ssize_t n;
    while ((n = read(raw_fds[1], buf, sizeof buf)) > 0 && write(raw_fds[1], buf, (size_t)n) == n)
        ;
    return NULL;
}

static void b_np_round_trip(long n)
{
    char buf[64] = {0};
    DWORD got;
    for (long i = 0; i < n; i++)
        if (!WriteFile(np_client, buf, sizeof buf, &got, NULL) ||
            !ReadFile(np_client, buf, sizeof buf, &got, NULL))
            abort();
}

static void b_raw_round_trip(long n)
{
    char buf[64] = {0};
    for (long i = 0; i < n; i++)
        if (write(raw_fds[0], buf, sizeof buf) != sizeof buf ||
            read(raw_fds[0], buf, sizeof buf) != sizeof buf)
            abort();
}

static void bench_npipe(long n)
{
    char name[64];
    snprintf(name, sizeof name, "\\\\.\\pipe\\winshim_bench_%d", (int)getpid());
    HANDLE s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, NULL);
    HANDLE th = CreateThread(NULL, 0, np_echo, s, 0, NULL);
    np_client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    DWORD mode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(np_client, &mode, NULL, NULL);
    pthread_t rt;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | LINUX_SOCK_CLOEXEC, 0, raw_fds) < 0 ||
        pthread_create(&rt, NULL, raw_echo, NULL))
        abort();
    double base = best_ns_per_op(b_raw_round_trip, n);
    row("named pipe message round trip (64 B)", best_ns_per_op(b_np_round_trip, n),
        "vs SEQPACKET socketpair", base, "");
    CloseHandle(np_client);
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    CloseHandle(s);
    close(raw_fds[0]);
    pthread_join(rt, NULL);
    close(raw_fds[1]);
}

/* ---- overlapped sockets ---- */

static SOCKET sk_a, sk_b;
static HANDLE sk_port;
static int raw_sv[2];
static char sk_buf[64];

static void b_raw_unix_rt(long n)
{
    for (long i = 0; i < n; i++)
        if (write(raw_sv[0], sk_buf, sizeof sk_buf) != sizeof sk_buf ||
            read(raw_sv[1], sk_buf, sizeof sk_buf) != sizeof sk_buf)
            abort();
}

static void b_ws_send_recv(long n)
{
    for (long i = 0; i < n; i++)
        if (send(sk_a, sk_buf, sizeof sk_buf, 0) != sizeof sk_buf ||
            recv(sk_b, sk_buf, sizeof sk_buf, 0) != sizeof sk_buf)
            abort();
}

/* Overlapped send (finishes at once), overlapped receive of ready data
 * (finishes at once, packet queued), the packet taken from the port. */
static void b_ws_overlapped_rt(long n)
{
    OVERLAPPED so, ro;
    WSABUF b = {sizeof sk_buf, sk_buf};
    DWORD done, flags, bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    for (long i = 0; i < n; i++) {
        memset(&so, 0, sizeof so);
        memset(&ro, 0, sizeof ro);
        flags = 0;
        if (WSASend(sk_a, &b, 1, &done, 0, &so, NULL) ||
            WSARecv(sk_b, &b, 1, &done, &flags, &ro, NULL) ||
            !GetQueuedCompletionStatus(sk_port, &bytes, &key, &pov, INFINITE) ||
            bytes != sizeof sk_buf)
            abort();
    }
}

/* Pending transfers woken across threads: the reader's request is always
 * posted before the writer writes, so it completes through the mechanism
 * under test (sockets: the epoll engine; pipes: the worker pool). */
static HANDLE pend_port, pend_ack, pend_read;
static SOCKET pend_sock;
static volatile long pend_n;

static void pend_post(OVERLAPPED *ov)
{
    memset(ov, 0, sizeof *ov);
    if (pend_read) {
        if (ReadFile(pend_read, sk_buf, 1, NULL, ov) || GetLastError() != ERROR_IO_PENDING)
            abort();
    } else {
        WSABUF b = {1, sk_buf};
        DWORD done, flags = 0;
        if (!WSARecv(pend_sock, &b, 1, &done, &flags, ov, NULL) ||
            WSAGetLastError() != WSA_IO_PENDING)
            abort();
    }
}

static void *pend_reader(void *arg)
{
    (void)arg;
    OVERLAPPED ov;
    pend_post(&ov);
    SetEvent(pend_ack);
    for (long i = 0; i < pend_n; i++) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED pov;
        if (!GetQueuedCompletionStatus(pend_port, &bytes, &key, &pov, INFINITE) || bytes != 1)
            abort();
        if (i + 1 < pend_n)
            pend_post(&ov);
        SetEvent(pend_ack);
    }
    return NULL;
}

static HANDLE pend_write; /* the pipe's client end */

static BOOL pend_send(void)
{
    DWORD done = 0;
    if (pend_read)
        return WriteFile(pend_write, "x", 1, &done, NULL) && done == 1;
    return send(sk_a, "x", 1, 0) == 1;
}

static void b_pending(long n)
{
    pend_n = n;
    pthread_t t;
    pthread_create(&t, NULL, pend_reader, NULL);
    WaitForSingleObject(pend_ack, INFINITE);
    for (long i = 0; i < n; i++) {
        if (!pend_send())
            abort();
        WaitForSingleObject(pend_ack, INFINITE);
    }
    pthread_join(t, NULL);
}

static void bench_sockets(long n)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int len = sizeof sa;
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) || getsockname(l, (struct sockaddr *)&sa, &len) ||
        listen(l, 1))
        abort();
    sk_a = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(sk_a, (struct sockaddr *)&sa, sizeof sa))
        abort();
    sk_b = accept(l, NULL, NULL);
    closesocket(l);
    BOOL one = TRUE;
    setsockopt(sk_a, IPPROTO_TCP, TCP_NODELAY, (char *)&one, sizeof one);
    sk_port = CreateIoCompletionPort((HANDLE)sk_b, NULL, 1, 0);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, raw_sv))
        abort();

    double raw = best_ns_per_op(b_raw_unix_rt, n);
    double plain = best_ns_per_op(b_ws_send_recv, n);
    row("send+recv 64 B, TCP loopback, 1 thread", plain, "vs raw write+read (unix)", raw, "");
    row("WSASend+WSARecv overlapped+GQCS, 64 B", best_ns_per_op(b_ws_overlapped_rt, n),
        "vs send+recv (same socket)", plain, "");

    /* Pending receives woken from another thread, one CPU: the epoll
     * engine (sockets) against the worker pool (an overlapped pipe). */
    pin_cpu0();
    pend_ack = CreateEventW(NULL, FALSE, FALSE, NULL);
    pend_port = sk_port;
    pend_sock = sk_b;
    pend_read = NULL;
    double eng = best_ns_per_op(b_pending, n / 20);
    char name[64];
    snprintf(name, sizeof name, "\\\\.\\pipe\\winshim_bench_pend_%d", (int)getpid());
    pend_read = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                                 PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
    pend_write = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    OVERLAPPED conn = {0};
    if (pend_read == INVALID_HANDLE_VALUE || pend_write == INVALID_HANDLE_VALUE ||
        ConnectNamedPipe(pend_read, &conn) || GetLastError() != ERROR_PIPE_CONNECTED)
        abort();
    pend_port = CreateIoCompletionPort(pend_read, NULL, 2, 0);
    double pool = best_ns_per_op(b_pending, n / 20);
    row("pending recv woken, epoll engine (socket)", eng, "vs worker pool (pipe)", pool, "");
    CloseHandle(pend_read);
    CloseHandle(pend_write);
    CloseHandle(pend_port);
    CloseHandle(pend_ack);
    close(raw_sv[0]);
    close(raw_sv[1]);
    closesocket(sk_a);
    closesocket(sk_b);
    CloseHandle(sk_port);
    WSACleanup();
}

/* ---- heaps: HeapAlloc+HeapFree against malloc+free ---- */

static HANDLE bench_heap;

static void b_malloc_free(long n)
{
    for (long i = 0; i < n; i++) {
        void *p = malloc((size_t)(16 + (i & 255)));
        sink = (uintptr_t)p;
        free(p);
    }
}

static void b_heap_alloc_free(long n)
{
    for (long i = 0; i < n; i++) {
        void *p = HeapAlloc(bench_heap, 0, (size_t)(16 + (i & 255)));
        sink = (uintptr_t)p;
        HeapFree(bench_heap, 0, p);
    }
}

static void bench_heaps(long n)
{
    double mf = best_ns_per_op(b_malloc_free, n);
    bench_heap = GetProcessHeap();
    row("HeapAlloc+HeapFree, process heap", best_ns_per_op(b_heap_alloc_free, n),
        "vs malloc+free", mf, "");
    bench_heap = HeapCreate(HEAP_NO_SERIALIZE, 0, 0);
    row("HeapAlloc+HeapFree, HEAP_NO_SERIALIZE heap", best_ns_per_op(b_heap_alloc_free, n),
        "vs malloc+free", mf, "");
    HeapDestroy(bench_heap);
}

/* ---- the thread pool (issue 16) ----
 * Against a plain pthread work queue in the same run: a mutex, a condition
 * variable, a malloc()ed node per item and the same number of workers. */

struct pq_node {
    struct pq_node *next;
    void (*fn)(void);
};
static struct {
    pthread_mutex_t mx;
    pthread_cond_t cv;
    struct pq_node *head, **tail;
    long left;             /* items to run before the queue's workers leave */
} pq = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, &pq.head, 0};
static _Atomic uint32_t tp_fx;
static _Atomic long tp_count;
static long tp_target;

static void *pq_worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pq.mx);
    while (pq.left > 0) {
        struct pq_node *n = pq.head;
        if (!n) {
            pthread_cond_wait(&pq.cv, &pq.mx);
            continue;
        }
        if (!(pq.head = n->next))
            pq.tail = &pq.head;
        pq.left--;
        pthread_mutex_unlock(&pq.mx);
        n->fn();
        free(n);
        pthread_mutex_lock(&pq.mx);
    }
    pthread_cond_broadcast(&pq.cv);
    pthread_mutex_unlock(&pq.mx);
    return NULL;
}

static void pq_submit(void (*fn)(void))
{
    struct pq_node *n = malloc(sizeof *n);
    n->fn = fn;
    n->next = NULL;
    pthread_mutex_lock(&pq.mx);
    *pq.tail = n;
    pq.tail = &n->next;
    pthread_cond_signal(&pq.cv);
    pthread_mutex_unlock(&pq.mx);
}

static void count_and_post(void)
{
    if (atomic_fetch_add(&tp_count, 1) + 1 == tp_target)
        fpost(&tp_fx);
}

static void pq_run(long n, int workers, int one_at_a_time)
{
    pthread_t t[8];
    pq.left = n;
    atomic_store(&tp_count, 0);
    tp_target = one_at_a_time ? 1 : n;
    for (int i = 0; i < workers; i++)
        pthread_create(&t[i], NULL, pq_worker, NULL);
    for (long i = 0; i < n; i++) {
        if (one_at_a_time) {
            atomic_store(&tp_count, 0);
            pq_submit(count_and_post);
            fwait(&tp_fx);
        } else {
            pq_submit(count_and_post);
        }
    }
    if (!one_at_a_time)
        fwait(&tp_fx);
    for (int i = 0; i < workers; i++)
        pthread_join(t[i], NULL);
}

static void b_pq_latency(long n) { pq_run(n, 1, 1); }
static void b_pq_throughput(long n) { pq_run(n, 2, 0); }

static VOID CALLBACK tp_cb(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK w)
{
    (void)inst;
    (void)ctx;
    (void)w;
    count_and_post();
}

static PTP_WORK tp_work;

static void b_tp_latency(long n)
{
    tp_target = 1;
    for (long i = 0; i < n; i++) {
        atomic_store(&tp_count, 0);
        SubmitThreadpoolWork(tp_work);
        fwait(&tp_fx);
    }
}

static void b_tp_throughput(long n)
{
    atomic_store(&tp_count, 0);
    tp_target = n;
    for (long i = 0; i < n; i++)
        SubmitThreadpoolWork(tp_work);
    fwait(&tp_fx);
    WaitForThreadpoolWorkCallbacks(tp_work, FALSE);
}

static VOID CALLBACK rw_cb(PVOID ctx, BOOLEAN fired)
{
    (void)ctx;
    (void)fired;
}

static long proc_status(const char *key)
{
    char line[256];
    long v = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)))
            v = atol(line + strlen(key));
    fclose(f);
    return v;
}

static void bench_threadpool(long n)
{
    PTP_POOL pool = CreateThreadpool(NULL);
    SetThreadpoolThreadMaximum(pool, 1); /* one worker, as the queue has */
    TP_CALLBACK_ENVIRON env;
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackPool(&env, pool);
    tp_work = CreateThreadpoolWork(tp_cb, NULL, &env);
    double pl = best_ns_per_op(b_pq_latency, n / 10);
    double tl = best_ns_per_op(b_tp_latency, n / 10);
    row("thread pool: submit -> callback -> back", tl, "vs pthread work queue", pl, "");
    SetThreadpoolThreadMaximum(pool, 2);
    double pt = best_ns_per_op(b_pq_throughput, n);
    double tt = best_ns_per_op(b_tp_throughput, n);
    row("thread pool: callbacks, 2 threads", tt, "vs pthread work queue", pt, "");
    row_unit("thread pool: callbacks per second", 1e3 / tt, "M/s",
             "vs pthread work queue", 1e3 / pt, pt / tt, "");
    CloseThreadpoolWork(tp_work);
    CloseThreadpool(pool);

    /* 10,000 registered waits: threads and memory they take, and the time
     * to register and unregister them all. */
    enum { NW = 10000 };
    static HANDLE evs[NW], waits[NW];
    for (int i = 0; i < NW; i++)
        evs[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
    long th0 = proc_status("Threads:"), rss0 = proc_status("VmRSS:");
    double t0 = now_ns();
    for (int i = 0; i < NW; i++)
        RegisterWaitForSingleObject(&waits[i], evs[i], rw_cb, NULL, INFINITE, 0);
    double t1 = now_ns();
    long th1 = proc_status("Threads:"), rss1 = proc_status("VmRSS:");
    for (int i = 0; i < NW; i++)
        UnregisterWaitEx(waits[i], INVALID_HANDLE_VALUE);
    double t2 = now_ns();
    row_unit("10,000 registered waits: register", (t1 - t0) / NW, "ns/op",
             "(no baseline)", 0, 0, "");
    row_unit("10,000 registered waits: unregister", (t2 - t1) / NW, "ns/op",
             "(no baseline)", 0, 0, "");
    row_unit("10,000 registered waits: threads", (double)(th1 - th0), "thr",
             "waits per thread", th1 > th0 ? (double)NW / (th1 - th0) : 0.0, 0, "");
    row_unit("10,000 registered waits: RSS", (double)(rss1 - rss0), "KiB", "(no baseline)",
             0, 0, "");
    for (int i = 0; i < NW; i++)
        CloseHandle(evs[i]);
}

/* ---- call tracing (issue 20): the two cheapest calls with WINSHIM_DEBUG set,
 * each measured in a child started with that environment (the library reads
 * it once, when loaded); lines go to /dev/null, so this is the tracer's own
 * cost.  The rows above are the same calls with tracing off. ---- */
static void bench_trace_child(long n)
{
    ev_manual = CreateEventW(NULL, TRUE, TRUE, NULL);
    ev_set = CreateEventW(NULL, TRUE, FALSE, NULL);
    printf("%f %f\n", best_ns_per_op(b_wait_signalled, n), best_ns_per_op(b_set_reset, n));
}

static void trace_child(const char *spec, long n, double *wait, double *set)
{
    char self[4096], cmd[4300];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    *wait = *set = 0;
    if (k <= 0)
        return;
    self[k] = 0;
    snprintf(cmd, sizeof cmd, "WINSHIM_DEBUG=%s WINSHIM_DEBUG_FILE=/dev/null '%s' --trace-child %ld",
             spec, self, n);
    FILE *p = popen(cmd, "r");
    if (!p || fscanf(p, "%lf %lf", wait, set) != 2)
        *wait = *set = 0;
    if (p)
        pclose(p);
}

static void bench_trace(long n)
{
    double off_wait = best_ns_per_op(b_wait_signalled, n), off_set = best_ns_per_op(b_set_reset, n);
    double on_wait, on_set, err_wait, err_set;
    trace_child("+all", n / 10, &on_wait, &on_set);
    trace_child("+err", n / 10, &err_wait, &err_set);
    row("WaitForSingleObject, signalled, WINSHIM_DEBUG=+all", on_wait, "vs tracing off", off_wait,
        "lines to /dev/null");
    row("SetEvent+ResetEvent, WINSHIM_DEBUG=+all", on_set, "vs tracing off", off_set,
        "lines to /dev/null");
    row("WaitForSingleObject, signalled, WINSHIM_DEBUG=+err", err_wait, "vs tracing off", off_wait,
        "on, nothing fails");
    row("SetEvent+ResetEvent, WINSHIM_DEBUG=+err", err_set, "vs tracing off", off_set,
        "on, nothing fails");
}

int main(int argc, char **argv)
{
    const long N = 2000000;
    int sync_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            out_form = OUT_JSON;
        else if (!strcmp(argv[i], "--csv"))
            out_form = OUT_CSV;
        else if (!strcmp(argv[i], "--trace-child") && i + 1 < argc) {
            bench_trace_child(atol(argv[i + 1]));
            return 0;
        } else if (!strcmp(argv[i], "--trace")) {
            if (out_form == OUT_TEXT)
                print_header();
            ev_manual = CreateEventW(NULL, TRUE, TRUE, NULL);
            ev_set = CreateEventW(NULL, TRUE, FALSE, NULL);
            bench_trace(N);
            print_table();
            return 0;
        } else if (!strcmp(argv[i], "--names")) {
            bench_names_at_scale(); /* just the names rows */
            return 0;
        } else if (!strcmp(argv[i], "--handles")) {
            bench_handles_only(N); /* just the handle lifecycle rows */
            return 0;
        } else if (!strcmp(argv[i], "--sync")) {
            sync_only = 1; /* just the wait and signal rows (issue 19) */
        } else if (!strcmp(argv[i], "--db-only") || !strcmp(argv[i], "--db-posix")) {
            /* Just one side of the database workload, for strace -c/perf. */
            bench_db_only(i + 1 < argc ? atol(argv[i + 1]) : 10000,
                          !strcmp(argv[i], "--db-posix"));
            return 0;
        } else {
            fprintf(stderr, "usage: bench [--json | --csv | --names | --handles | --sync | --trace | --db-only N | --db-posix N]\n");
            return 2;
        }
    }
    ev_manual = CreateEventW(NULL, TRUE, TRUE, NULL);
    ev_set = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        many[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
    pp_ev[0] = CreateEventW(NULL, FALSE, FALSE, NULL);
    pp_ev[1] = CreateEventW(NULL, FALSE, FALSE, NULL);
    for (int i = 0; i < ALL8; i++)
        all8[i] = CreateEventW(NULL, TRUE, i != ALL8 - 1, NULL); /* the last one unset */

    double load = best_ns_per_op(b_atomic_load, N * 10);
    double cas2 = best_ns_per_op(b_cas_pair, N);
    double mfa = best_ns_per_op(b_malloc_free_atomic, N);

    if (out_form == OUT_TEXT) {
        printf("winshim bench (best of %d rounds; ratio = row / baseline)\n", ROUNDS);
        printf("baselines: atomic load %.2f ns, CAS pair %.2f ns, malloc+free+atomic %.2f ns\n\n",
               load, cas2, mfa);
        print_header();
    }
    if (sync_only) {
        rows_wait_signal(N, load, cas2);
        rows_wait_multiple(N, load);
        bench_kernel_sync(N);
        pin_cpu0();
        double f = best_ns_per_op(b_futex_pingpong, 100000);
        row("ping-pong, 2 auto-reset events, one CPU", best_ns_per_op(b_event_pingpong, 100000),
            "vs raw futex ping-pong", f, "target <= 1.05x");
        print_table();
        return 0;
    }

    rows_wait_signal(N, load, cas2);
    double cc = best_ns_per_op(b_create_close, N);
    row("CreateEvent+CloseHandle (unnamed)", cc, "vs malloc+free+atomic", mfa,
        "target <= 30 ns");
    row("DuplicateHandle+CloseHandle", best_ns_per_op(b_dup_close, N),
        "vs malloc+free+atomic", mfa, "target <= 30 ns");
    rows_wait_multiple(N, load);

    /* This VM does not run two threads fully in parallel, so the slowdown
     * of two concurrent waiters is compared with that of two threads doing
     * raw loads (no shared write): ~1x means lookups add no contention. */
    double raw1 = scaled(b_atomic_load, 1, N * 10);
    double raw2 = scaled(b_atomic_load, 2, N * 10);
    double w1 = scaled(b_wait_signalled, 1, N);
    double w2 = scaled(b_wait_signalled, 2, N);
    row_unit("signalled wait, 2 threads: slowdown", w2 / w1, "x",
             "vs raw 2-thread slowdown", raw2 / raw1, (w2 / w1) / (raw2 / raw1),
             "target ~1x (no shared write)");

    bench_kernel_sync(N);
    bench_heaps(N);
    bench_files(N / 20);
    bench_db(N / 1000);

    pin_cpu0();
    double fpp = best_ns_per_op(b_futex_pingpong, 100000);
    double epp = best_ns_per_op(b_event_pingpong, 100000);
    row("ping-pong, 2 auto-reset events, one CPU", epp, "vs raw futex ping-pong",
        fpp, "target <= 1.05x");
    bench_processes(N / 10);
    bench_names_at_scale();

    bench_usersync();
    bench_iocp(N / 4);
    bench_threadpool(N / 10);
    bench_npipe(N / 100);
    bench_sockets(N / 20);
    bench_trace(N);
    print_table();
    return 0;
}
