/* Named objects, handles and lifetime across processes (lib/shm.c). */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
/* GCC 12's AddressSanitizer does not make fork() safe for its allocator:
 * a child forked while another thread (the deathwatch) held one of its
 * locks hangs in LeakSanitizer's exit-time check, which takes them all
 * (seen 1 run in 5 in test_collisions_across, whose child leaves with
 * exit()).  This suite forks from threaded tests throughout, so its leak
 * check at exit is off; the other suites keep theirs. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "leak_check_at_exit=0";
}
#endif

/* A name unique to this test process. */
static const char *uname_(const char *tag)
{
    static char buf[8][96];
    static int next, base; /* the test's pid, kept by its children */
    char *b = buf[next++ % 8];
    if (!base)
        base = (int)getpid();
    snprintf(b, 96, "Local\\wsshm_%d_%s", base, tag);
    return b;
}

/* Runs fn in a forked child and returns its exit status (0 = passed).
 * The child leaves with _exit (no leak check of a fork), or, for the
 * children whose normal exit is under test, with exit. */
static pid_t child_start_ex(int (*fn)(void *), void *arg, bool normal_exit)
{
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        int r = fn(arg);
        if (normal_exit)
            exit(r);
        _exit(r);
    }
    return pid;
}

static pid_t child_start(int (*fn)(void *), void *arg)
{
    return child_start_ex(fn, arg, false);
}

static int child_wait(pid_t pid)
{
    int st = 0;
    ck_assert(waitpid(pid, &st, 0) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- names ---- */

static int child_open_and_set(void *name)
{
    HANDLE h = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
    if (!h)
        return 1;
    return SetEvent(h) ? 0 : 2;
}

/* ---- the name table grows under concurrent use ---- */

#define GROW_NAMES 40000

static int child_grow_names(void *arg)
{
    int id = (int)(intptr_t)arg;
    char name[64];
    static HANDLE h[GROW_NAMES];
    for (int i = 0; i < GROW_NAMES; i++) {
        snprintf(name, sizeof name, "%s_%d_%d", uname_("grow"), id, i);
        if (!(h[i] = CreateEventA(NULL, TRUE, FALSE, name)) || GetLastError())
            return 1;
        /* And the parent's names, while the table doubles under us. */
        snprintf(name, sizeof name, "%s_p_%d", uname_("grow"), i);
        HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, name);
        if (!o || !CloseHandle(o))
            return 2;
    }
    for (int i = 0; i < GROW_NAMES; i++) {
        snprintf(name, sizeof name, "%s_%d_%d", uname_("grow"), id, i);
        HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, name);
        if (!o || !CloseHandle(o) || !CloseHandle(h[i]))
            return 3;
    }
    return 0;
}

START_TEST(test_names_grow_across)
{
    char name[64];
    static HANDLE h[GROW_NAMES];
    for (int i = 0; i < GROW_NAMES; i++) {
        snprintf(name, sizeof name, "%s_p_%d", uname_("grow"), i);
        h[i] = CreateEventA(NULL, TRUE, FALSE, name);
        ck_assert_ptr_nonnull(h[i]);
    }
    pid_t a = child_start(child_grow_names, (void *)1);
    pid_t b = child_start(child_grow_names, (void *)2);
    ck_assert_int_eq(child_wait(a), 0);
    ck_assert_int_eq(child_wait(b), 0);
    for (int i = 0; i < GROW_NAMES; i++) {
        snprintf(name, sizeof name, "%s_1_%d", uname_("grow"), i);
        ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
        ck_assert(CloseHandle(h[i]));
        snprintf(name, sizeof name, "%s_p_%d", uname_("grow"), i);
        ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
    }
}
END_TEST

/* ---- names that share a bucket or a whole hash ---- */

/* namespace.c's name_hash, over a key's UTF-16 units ("S1\name" for a
 * Local name).  The hash is stored in the session (a change of it bumps
 * ARENA_VERSION), so this copy must follow it: with another hash the
 * tests below still pass but stop testing what they are named for. */
static uint32_t key_hash(const char *key)
{
    uint16_t u[96];
    size_t len = strlen(key);
    for (size_t i = 0; i < len; i++)
        u[i] = (uint16_t)key[i];
    const unsigned char *p = (const unsigned char *)u;
    size_t left = len * 2;
    uint64_t x = 0x9e3779b97f4a7c15ull ^ left, v;
    for (; left >= 8; p += 8, left -= 8) {
        memcpy(&v, p, 8);
        x = (x ^ v) * 0xff51afd7ed558ccdull;
        x ^= x >> 29;
    }
    if (left) {
        v = 0;
        memcpy(&v, p, left);
        x = (x ^ v) * 0xff51afd7ed558ccdull;
        x ^= x >> 29;
    }
    uint32_t h = (uint32_t)(x ^ (x >> 32));
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return h;
}

#define HASHED_NAMES (1u << 20)
#define SAME_BUCKET 12 /* names in one bucket: 7 inline slots and 5 chained */

struct hashed {
    uint32_t hash, i;
};

static int by_hash(const void *a, const void *b)
{
    const struct hashed *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

static int by_low_bits(const void *a, const void *b)
{
    const struct hashed *x = a, *y = b;
    uint32_t lx = x->hash & 0x3ffff, ly = y->hash & 0x3ffff;
    return lx < ly ? -1 : lx > ly ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

static void hashed_name(char *out, size_t cap, uint32_t i)
{
    snprintf(out, cap, "%s_%u", uname_("hx"), i);
}

/* Among 2^20 names of this test: two with one 32-bit hash (about 128
 * such pairs exist among them) and SAME_BUCKET with the same low 18 bits
 * (so in one bucket while the session has under 2^20 names; the fullest
 * of 2^18 groups of about 4 has 14 or more). */
static void find_hashed(uint32_t pair[2], uint32_t group[SAME_BUCKET])
{
    struct hashed *v = malloc(HASHED_NAMES * sizeof *v);
    char name[96];
    ck_assert_ptr_nonnull(v);
    for (uint32_t i = 0; i < HASHED_NAMES; i++) {
        hashed_name(name, sizeof name, i);
        char key[100];
        snprintf(key, sizeof key, "S1\\%s", name + strlen("Local\\"));
        v[i].hash = key_hash(key);
        v[i].i = i;
    }
    qsort(v, HASHED_NAMES, sizeof *v, by_hash);
    bool paired = false;
    for (uint32_t i = 1; i < HASHED_NAMES && !paired; i++)
        if (v[i].hash == v[i - 1].hash) {
            pair[0] = v[i - 1].i;
            pair[1] = v[i].i;
            paired = true;
        }
    ck_assert(paired);
    qsort(v, HASHED_NAMES, sizeof *v, by_low_bits);
    uint32_t best = 0, best_at = 0;
    for (uint32_t i = 0, run = 0; i < HASHED_NAMES; i++) {
        run = i && !((v[i].hash ^ v[i - 1].hash) & 0x3ffff) ? run + 1 : 1;
        if (run > best) {
            best = run;
            best_at = i + 1 - run;
        }
    }
    ck_assert_uint_ge(best, SAME_BUCKET);
    for (uint32_t k = 0; k < SAME_BUCKET; k++)
        group[k] = v[best_at + k].i;
    free(v);
}

/* The objects of the names in idx: event k signalled when k is odd. */
static int check_hashed_names(const uint32_t *idx, uint32_t n, const bool *present)
{
    char name[96];
    for (uint32_t k = 0; k < n; k++) {
        hashed_name(name, sizeof name, idx[k]);
        SetLastError(0xdeadbeef);
        HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, name);
        if (!present[k]) {
            if (h || GetLastError() != ERROR_FILE_NOT_FOUND)
                return 10 + (int)k;
            continue;
        }
        if (!h)
            return 40 + (int)k;
        DWORD want = k % 2 ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
        DWORD got = WaitForSingleObject(h, 0);
        CloseHandle(h);
        if (got != want)
            return 70 + (int)k;
    }
    return 0;
}

struct hashed_check {
    const uint32_t *idx;
    uint32_t n;
    const bool *present;
};

static int child_check_hashed(void *arg)
{
    const struct hashed_check *c = arg;
    return check_hashed_names(c->idx, c->n, c->present);
}

/* Creates (or, with !create, closes) name idx[k], event k signalled when
 * k is odd. */
static void hashed_set(uint32_t k, const uint32_t *idx, HANDLE *h, bool *present, bool create)
{
    char name[96];
    hashed_name(name, sizeof name, idx[k]);
    if (create) {
        SetLastError(0xdeadbeef);
        h[k] = CreateEventA(NULL, TRUE, k % 2, name);
        ck_assert_ptr_nonnull(h[k]);
        ck_assert_uint_eq(GetLastError(), ERROR_SUCCESS);
    } else {
        ck_assert(CloseHandle(h[k]));
    }
    present[k] = create;
}

/* Two names of one whole hash are two objects, in one bucket whose
 * inline slots compare equal for both: each lookup must compare keys. */
START_TEST(test_names_same_hash)
{
    uint32_t pair[2], group[SAME_BUCKET];
    HANDLE h[2];
    bool present[2] = {false, false};
    char name[96];
    find_hashed(pair, group);
    struct hashed_check c = {pair, 2, present};
    hashed_set(0, pair, h, present, true);
    ck_assert_int_eq(check_hashed_names(pair, 2, present), 0);
    hashed_set(1, pair, h, present, true);
    ck_assert_int_eq(check_hashed_names(pair, 2, present), 0);
    ck_assert_int_eq(child_wait(child_start(child_check_hashed, &c)), 0);
    /* A mutex of the second name is a type mismatch, not the first's. */
    hashed_name(name, sizeof name, pair[1]);
    ASSERT_FAILS(CreateMutexA(NULL, FALSE, name), ERROR_INVALID_HANDLE);
    /* Either one goes, the other stays: in both orders. */
    hashed_set(0, pair, h, present, false);
    ck_assert_int_eq(check_hashed_names(pair, 2, present), 0);
    hashed_set(0, pair, h, present, true);
    hashed_set(1, pair, h, present, false);
    ck_assert_int_eq(check_hashed_names(pair, 2, present), 0);
    ck_assert_int_eq(child_wait(child_start(child_check_hashed, &c)), 0);
    hashed_set(0, pair, h, present, false);
    ck_assert_int_eq(check_hashed_names(pair, 2, present), 0);
}
END_TEST

/* More names in one bucket than it holds inline: the rest chain from it;
 * names leave from the slots and from the chain's head, middle and end,
 * and come back into freed slots, while another process looks. */
START_TEST(test_names_one_bucket)
{
    uint32_t pair[2], group[SAME_BUCKET];
    HANDLE h[SAME_BUCKET];
    bool present[SAME_BUCKET] = {false};
    find_hashed(pair, group);
    struct hashed_check c = {group, SAME_BUCKET, present};
    for (uint32_t k = 0; k < SAME_BUCKET; k++)
        hashed_set(k, group, h, present, true);
    ck_assert_int_eq(check_hashed_names(group, SAME_BUCKET, present), 0);
    ck_assert_int_eq(child_wait(child_start(child_check_hashed, &c)), 0);
    /* Out: a slot, the chain's head (the last made), its end, a middle
     * one, the first slot; then back, into the freed slots first. */
    static const uint32_t out[] = {3, SAME_BUCKET - 1, 7, 9, 0};
    for (uint32_t j = 0; j < sizeof out / sizeof *out; j++) {
        hashed_set(out[j], group, h, present, false);
        ck_assert_int_eq(check_hashed_names(group, SAME_BUCKET, present), 0);
    }
    ck_assert_int_eq(child_wait(child_start(child_check_hashed, &c)), 0);
    for (uint32_t j = 0; j < sizeof out / sizeof *out; j++) {
        hashed_set(out[j], group, h, present, true);
        ck_assert_int_eq(check_hashed_names(group, SAME_BUCKET, present), 0);
    }
    ck_assert_int_eq(child_wait(child_start(child_check_hashed, &c)), 0);
    for (uint32_t k = 0; k < SAME_BUCKET; k++) {
        hashed_set(k, group, h, present, false);
        ck_assert_int_eq(check_hashed_names(group, SAME_BUCKET, present), 0);
    }
}
END_TEST

START_TEST(test_named_event_across)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, uname_("ev"));
    ck_assert_ptr_nonnull(e);
    pid_t pid = child_start(child_open_and_set, (void *)uname_("ev"));
    ASSERT_WAIT(WaitForSingleObject(e, 20000), WAIT_OBJECT_0);
    ck_assert_int_eq(child_wait(pid), 0);
    CloseHandle(e);
}
END_TEST

static int child_collisions(void *name)
{
    SetLastError(0xdeadbeef);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, name);
    if (!e || GetLastError() != ERROR_ALREADY_EXISTS)
        return 1;
    SetLastError(0xdeadbeef);
    if (CreateMutexA(NULL, FALSE, name) || GetLastError() != ERROR_INVALID_HANDLE)
        return 2;
    HANDLE weak = OpenEventA(SYNCHRONIZE, FALSE, name);
    if (!weak)
        return 3;
    SetLastError(0xdeadbeef);
    if (SetEvent(weak) || GetLastError() != ERROR_ACCESS_DENIED)
        return 4;
    SetLastError(0xdeadbeef);
    if (OpenSemaphoreA(SYNCHRONIZE, FALSE, "Local\\wsshm_never_made") ||
        GetLastError() != ERROR_FILE_NOT_FOUND)
        return 5;
    return 0;
}

START_TEST(test_collisions_across)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, uname_("coll"));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(child_wait(child_start_ex(child_collisions, (void *)uname_("coll"), true)), 0);
    CloseHandle(e);
    /* The child closed its handles when it exited: the name is free. */
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, uname_("coll")), ERROR_FILE_NOT_FOUND);
}
END_TEST

/* ---- waits ---- */

static int child_wait_all(void *arg)
{
    (void)arg;
    HANDLE h[2] = {OpenEventA(SYNCHRONIZE, FALSE, uname_("wa_a")),
                   OpenEventA(SYNCHRONIZE, FALSE, uname_("wa_b"))};
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_("wa_ready"));
    if (!h[0] || !h[1] || !ready)
        return 1;
    SetEvent(ready);
    return WaitForMultipleObjects(2, h, TRUE, 20000) == WAIT_OBJECT_0 ? 0 : 2;
}

START_TEST(test_wait_all_across)
{
    HANDLE a = CreateEventA(NULL, FALSE, FALSE, uname_("wa_a"));
    HANDLE b = CreateEventA(NULL, FALSE, FALSE, uname_("wa_b"));
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, uname_("wa_ready"));
    pid_t pid = child_start(child_wait_all, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    settle_ms(50);
    ck_assert(SetEvent(a));
    settle_ms(50);
    /* Half a wait-all consumes nothing: a is still set. */
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    ck_assert(SetEvent(a));
    ck_assert(SetEvent(b));
    ck_assert_int_eq(child_wait(pid), 0);
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObject(b, 0), WAIT_TIMEOUT);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(ready);
}
END_TEST

static int child_pulse_waiter(void *arg)
{
    (void)arg;
    HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, uname_("pulse"));
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_("pulse_ready"));
    if (!e || !ready)
        return 1;
    SetEvent(ready);
    return WaitForSingleObject(e, 20000) == WAIT_OBJECT_0 ? 0 : 2;
}

START_TEST(test_pulse_across)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, uname_("pulse"));
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, uname_("pulse_ready"));
    pid_t pid = child_start(child_pulse_waiter, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    int st = -1;
    for (int i = 0; i < 400; i++) {
        ck_assert(PulseEvent(e));
        if (waitpid(pid, &st, WNOHANG) == pid)
            break;
        settle_ms(25);
    }
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* A pulse leaves the event reset. */
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CloseHandle(e);
    CloseHandle(ready);
}
END_TEST

static int child_semaphore_consumer(void *arg)
{
    (void)arg;
    HANDLE s = OpenSemaphoreA(SYNCHRONIZE, FALSE, uname_("sem"));
    if (!s)
        return 1;
    for (int i = 0; i < 100; i++)
        if (WaitForSingleObject(s, 20000) != WAIT_OBJECT_0)
            return 2;
    return 0;
}

START_TEST(test_semaphore_across)
{
    HANDLE s = CreateSemaphoreA(NULL, 0, 1000, uname_("sem"));
    ck_assert_ptr_nonnull(s);
    pid_t p1 = child_start(child_semaphore_consumer, NULL);
    pid_t p2 = child_start(child_semaphore_consumer, NULL);
    for (int i = 0; i < 200; i++)
        ck_assert(ReleaseSemaphore(s, 1, NULL));
    ck_assert_int_eq(child_wait(p1), 0);
    ck_assert_int_eq(child_wait(p2), 0);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    CloseHandle(s);
}
END_TEST

/* ---- crash safety ---- */

static int child_own_and_hang(void *arg)
{
    (void)arg;
    HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, uname_("mx"));
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_("mx_ready"));
    if (!m || !ready || WaitForSingleObject(m, 20000) != WAIT_OBJECT_0)
        return 1;
    SetEvent(ready);
    for (;;)
        pause();
}

struct blocked_wait {
    HANDLE h;
    DWORD result;
};

static void *wait_thread(void *p)
{
    struct blocked_wait *b = p;
    b->result = WaitForSingleObject(b->h, 30000);
    if (b->result == WAIT_ABANDONED || b->result == WAIT_OBJECT_0)
        ReleaseMutex(b->h);
    return NULL;
}

START_TEST(test_mutex_abandoned_by_killed_process)
{
    HANDLE m = CreateMutexA(NULL, FALSE, uname_("mx"));
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, uname_("mx_ready"));
    pid_t pid = child_start(child_own_and_hang, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    struct blocked_wait b = {m, 0xcccccccc};
    pthread_t t;
    pthread_create(&t, NULL, wait_thread, &b);
    settle_ms(100); /* the waiter blocks */
    double t0 = now_s();
    kill(pid, SIGKILL);
    pthread_join(t, NULL);
    double waited = now_s() - t0;
    ck_assert_int_eq(child_wait(pid), 128 + SIGKILL);
    ck_assert_uint_eq(b.result, WAIT_ABANDONED);
    ck_assert_msg(waited < 10.0, "woken after %.1f s", waited);
    /* Abandonment is reported once. */
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseMutex(m));
    CloseHandle(m);
    CloseHandle(ready);
}
END_TEST

static int child_create_and_hang(void *arg)
{
    (void)arg;
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, uname_("orphan"));
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_("orphan_ready"));
    if (!e || !ready)
        return 1;
    SetEvent(ready);
    for (;;)
        pause();
}

START_TEST(test_name_dies_with_killed_holder)
{
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, uname_("orphan_ready"));
    pid_t pid = child_start(child_create_and_hang, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, uname_("orphan"));
    ck_assert_ptr_nonnull(e);
    CloseHandle(e);
    kill(pid, SIGKILL);
    ck_assert_int_eq(child_wait(pid), 128 + SIGKILL);
    /* The dead process's handle goes when it is reaped (at once, by the
     * deathwatch thread): then the object and its name are gone. */
    DWORD err = 0;
    for (int i = 0; i < 400; i++) {
        SetLastError(0xdeadbeef);
        e = OpenEventA(SYNCHRONIZE, FALSE, uname_("orphan"));
        err = GetLastError();
        if (!e)
            break;
        CloseHandle(e);
        settle_ms(25);
    }
    ck_assert_ptr_null(e);
    ck_assert_uint_eq(err, ERROR_FILE_NOT_FOUND);
    CloseHandle(ready);
}
END_TEST

/* A killed process's file handles: the reaper (another process) drops
 * the object and does what Windows does at the last close (delete on
 * close), but never closes or reuses the fd number, which in the reaper's
 * process is some file of its own. */
static char reap_path[128];

static int child_file_and_hang(void *arg)
{
    int *report = arg;
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, uname_("filedeath"));
    int probe = dup(0); /* the number CreateFile's descriptor will get */
    close(probe);
    HANDLE f = CreateFileA(reap_path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (!e || f == INVALID_HANDLE_VALUE)
        return 1;
    if (write(report[1], &probe, sizeof probe) != sizeof probe)
        return 2;
    for (;;)
        pause();
}

START_TEST(test_reaper_leaves_fds_alone)
{
    snprintf(reap_path, sizeof reap_path, "/tmp/wsshm_reap_%d", (int)getpid());
    int report[2];
    ck_assert_int_eq(pipe(report), 0);
    (void)uname_("filedeath"); /* names stay the test's after the fork */
    pid_t pid = child_start(child_file_and_hang, report);
    int n = -1;
    ck_assert_int_eq(read(report[0], &n, sizeof n), (ssize_t)sizeof n);
    ck_assert_int_ge(n, 0);
    ck_assert_int_eq(access(reap_path, F_OK), 0);
    /* Make fd n ours: a file the reaper must leave open. */
    char mine[160];
    snprintf(mine, sizeof mine, "%s_mine", reap_path);
    int m = open(mine, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(m, 0);
    ck_assert_int_eq(dup2(m, n), n);
    struct stat before, after;
    ck_assert_int_eq(fstat(n, &before), 0);
    HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, uname_("filedeath"));
    ck_assert_ptr_nonnull(e);
    CloseHandle(e);
    kill(pid, SIGKILL);
    ck_assert_int_eq(child_wait(pid), 128 + SIGKILL);
    /* Reaped when the name is gone (the deathwatch thread). */
    for (int i = 0; i < 400; i++) {
        e = OpenEventA(SYNCHRONIZE, FALSE, uname_("filedeath"));
        if (!e)
            break;
        CloseHandle(e);
        settle_ms(25);
    }
    ck_assert_ptr_null(e);
    /* The file went with its last handle (DELETE_ON_CLOSE)... */
    ck_assert_int_ne(access(reap_path, F_OK), 0);
    /* ...and our fd n is still our own file. */
    ck_assert_int_eq(fstat(n, &after), 0);
    ck_assert(before.st_ino == after.st_ino && before.st_dev == after.st_dev);
    ck_assert_int_eq(write(n, "x", 1), 1);
    if (n != m)
        close(n);
    close(m);
    unlink(mine);
    close(report[0]);
    close(report[1]);
}
END_TEST

/* ---- handles across processes ---- */

struct pipe_pair {
    int to_child[2], to_parent[2];
};

static int child_use_duplicated(void *arg)
{
    struct pipe_pair *p = arg;
    HANDLE h = NULL;
    (void)GetCurrentProcessId(); /* attached: the parent may open us */
    if (write(p->to_parent[1], "r", 1) != 1)
        return 6;
    if (read(p->to_child[0], &h, sizeof h) != sizeof h)
        return 1;
    if (!SetEvent(h))
        return 2;
    /* Our own unnamed event, for the parent to take with CLOSE_SOURCE. */
    HANDLE mine = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (write(p->to_parent[1], &mine, sizeof mine) != sizeof mine)
        return 3;
    char done;
    if (read(p->to_child[0], &done, 1) != 1)
        return 4;
    SetLastError(0xdeadbeef);
    if (CloseHandle(mine) || GetLastError() != ERROR_INVALID_HANDLE)
        return 5;
    return 0;
}

START_TEST(test_duplicate_into_and_from_process)
{
    struct pipe_pair p;
    ck_assert(pipe(p.to_child) == 0 && pipe(p.to_parent) == 0);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    pid_t pid = child_start(child_use_duplicated, &p);
    char r;
    ck_assert(read(p.to_parent[0], &r, 1) == 1);

    /* Without PROCESS_DUP_HANDLE nothing crosses. */
    HANDLE weak = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(weak);
    HANDLE out = (HANDLE)0x1234;
    ASSERT_FAILS(DuplicateHandle(GetCurrentProcess(), e, weak, &out, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS), ERROR_ACCESS_DENIED);
    ck_assert_ptr_null(out);

    HANDLE proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(proc);
    HANDLE in_child = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), e, proc, &in_child, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(write(p.to_child[1], &in_child, sizeof in_child) == sizeof in_child);
    ASSERT_WAIT(WaitForSingleObject(e, 20000), WAIT_OBJECT_0);

    HANDLE theirs = NULL, taken = NULL;
    ck_assert(read(p.to_parent[0], &theirs, sizeof theirs) == sizeof theirs);
    ck_assert(DuplicateHandle(proc, theirs, GetCurrentProcess(), &taken, 0, FALSE,
                              DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    ck_assert(SetEvent(taken));
    ASSERT_WAIT(WaitForSingleObject(taken, 0), WAIT_OBJECT_0);
    ck_assert(write(p.to_child[1], "x", 1) == 1);
    ck_assert_int_eq(child_wait(pid), 0);
    CloseHandle(taken);
    CloseHandle(proc);
    CloseHandle(weak);
    CloseHandle(e);
}
END_TEST

static int child_fresh_table(void *h)
{
    SetLastError(0xdeadbeef);
    if (CloseHandle(h) || GetLastError() != ERROR_INVALID_HANDLE)
        return 1;
    return 0;
}

START_TEST(test_fork_child_has_empty_table)
{
    HANDLE e = CreateEventA(NULL, TRUE, TRUE, NULL);
    ck_assert_int_eq(child_wait(child_start(child_fresh_table, e)), 0);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(e);
}
END_TEST

START_TEST(test_open_process_errors)
{
    ASSERT_FAILS(OpenProcess(PROCESS_DUP_HANDLE, FALSE, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenProcess(0, FALSE, GetCurrentProcessId()), ERROR_ACCESS_DENIED);
    HANDLE self = OpenProcess(PROCESS_DUP_HANDLE | PROCESS_QUERY_LIMITED_INFORMATION,
                              FALSE, GetCurrentProcessId());
    ck_assert_ptr_nonnull(self);
    ck_assert_uint_eq(GetProcessId(self), GetCurrentProcessId());
    CloseHandle(self);
}
END_TEST

/* ---- lifetime of the session files ---- */

static char session_dir[128];

static void use_private_session(void)
{
    snprintf(session_dir, sizeof session_dir, "/dev/shm/winshim-test-%d", (int)getpid());
    setenv("WINSHIM_SHM_DIR", session_dir, 1);
}

static bool dir_exists(const char *d)
{
    struct stat st;
    return stat(d, &st) == 0;
}

static int child_killed_member(void *arg)
{
    (void)arg;
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\wsshm_stale");
    if (!e)
        return 1;
    raise(SIGKILL);
    return 2;
}

static int child_next_member(void *arg)
{
    (void)arg;
    SetLastError(0xdeadbeef);
    if (OpenEventA(SYNCHRONIZE, FALSE, "Local\\wsshm_stale") ||
        GetLastError() != ERROR_FILE_NOT_FOUND)
        return 1;
    return 0;
}

START_TEST(test_files_go_with_the_last_process)
{
    use_private_session();
    /* The last member killed: the files stay... */
    ck_assert_int_eq(child_wait(child_start(child_killed_member, NULL)), 128 + SIGKILL);
    ck_assert(dir_exists(session_dir));
    /* ...until the next process takes the stale session over, finds none
     * of the dead one's names, and removes everything when it leaves. */
    ck_assert_int_eq(child_wait(child_start_ex(child_next_member, NULL, true)), 0);
    ck_assert_msg(!dir_exists(session_dir), "%s left behind", session_dir);
}
END_TEST

/* A member of the session that says it is attached, then exits normally
 * when the start pipe closes, all of them at the same time. */
struct together {
    int ready;      /* write end: one byte once attached */
    int go;         /* read end: EOF is the start */
    int parent_end; /* the ends the parent keeps, closed here */
    int go_write;
};

static int child_exits_with_others(void *arg)
{
    struct together *t = arg;
    close(t->parent_end);
    close(t->go_write);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\wsshm_together");
    if (!e)
        return 1;
    char c = 'r';
    if (write(t->ready, &c, 1) != 1)
        return 2;
    while (read(t->go, &c, 1) < 0 && errno == EINTR)
        ;
    return 0; /* exit() with the handle open */
}

START_TEST(test_simultaneous_exits)
{
    /* Members that exit normally at the same moment used to each decide
     * that another was the last (its shared flock was still held), and
     * the session files stayed (issue 18, D1).  This process never joins
     * the session. */
    use_private_session();
    enum { ROUNDS = 10, MEMBERS = 20 };
    for (int r = 0; r < ROUNDS; r++) {
        int ready[2], go[2];
        ck_assert_int_eq(pipe(ready), 0);
        ck_assert_int_eq(pipe(go), 0);
        struct together t = {ready[1], go[0], ready[0], go[1]};
        pid_t pids[MEMBERS];
        for (int i = 0; i < MEMBERS; i++)
            pids[i] = child_start_ex(child_exits_with_others, &t, true);
        close(ready[1]);
        close(go[0]);
        for (int i = 0; i < MEMBERS; i++) {
            char c;
            ck_assert_int_eq(read(ready[0], &c, 1), 1);
        }
        close(go[1]); /* all at once */
        for (int i = 0; i < MEMBERS; i++)
            ck_assert_int_eq(child_wait(pids[i]), 0);
        close(ready[0]);
        ck_assert_msg(!dir_exists(session_dir), "round %d: %s left behind", r, session_dir);
    }
}
END_TEST

/* ---- handle counts in flight ---- */

/* The child of test_count_in_flight_killed: killed (WINSHIM_FAULT) inside
 * an Open, a Close or a DuplicateHandle of the parent's named event, with
 * a handle count between the object and its table. */
static int child_killed_in_flight(void *arg)
{
    const char *fault = arg;
    HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, uname_("inflight"));
    if (!e)
        return 1;
    if (!strcmp(fault, "close_removed") || !strcmp(fault, "down_held"))
        CloseHandle(e);
    HANDLE d;
    if (!strcmp(fault, "dup_counted"))
        DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE,
                        DUPLICATE_SAME_ACCESS);
    return 2; /* the fault point was not reached */
}

START_TEST(test_count_in_flight_killed)
{
    static const char *const faults[] = {"open_counted", "insert_index", "insert_published",
                                         "close_removed", "dup_counted", "up_held",
                                         "down_held"};
    for (size_t k = 0; k < sizeof faults / sizeof *faults; k++) {
        HANDLE e = CreateEventA(NULL, TRUE, FALSE, uname_("inflight"));
        ck_assert_ptr_nonnull(e);
        setenv("WINSHIM_FAULT", faults[k], 1);
        pid_t pid = child_start(child_killed_in_flight, (void *)faults[k]);
        unsetenv("WINSHIM_FAULT");
        ck_assert_msg(child_wait(pid) == 128 + SIGKILL, "%s: not killed there", faults[k]);
        /* Once the child is reaped, ours is the only count: closing it
         * removes the name. */
        ck_assert(CloseHandle(e));
        HANDLE o = NULL;
        for (int i = 0; i < 400; i++) {
            if (!(o = OpenEventA(SYNCHRONIZE, FALSE, uname_("inflight"))))
                break;
            CloseHandle(o);
            settle_ms(25);
        }
        ck_assert_msg(!o && GetLastError() == ERROR_FILE_NOT_FOUND,
                      "%s: the name outlived every handle", faults[k]);
    }
}
END_TEST

/* ---- a claimer killed mid-claim ---- */

struct claim_wait {
    HANDLE h[2];
    DWORD n;
    DWORD result;
};

static void *claim_wait_thread(void *p)
{
    struct claim_wait *c = p;
    c->result = WaitForMultipleObjects(c->n, c->h, TRUE, 60000);
    return NULL;
}

/* Sets the events, with WINSHIM_FAULT=claiming: killed in the middle of
 * claiming the parent's waiter (holding the events' locks). */
static int child_claim_and_die(void *arg)
{
    DWORD n = (DWORD)(uintptr_t)arg;
    for (DWORD i = 0; i < n; i++) {
        char tag[16];
        snprintf(tag, sizeof tag, "claim%u", (unsigned)i);
        HANDLE e = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_(tag));
        if (!e || !SetEvent(e))
            return 1;
    }
    return 2; /* no claim was made: the waiter was not queued yet */
}

START_TEST(test_claimer_killed_mid_claim)
{
    /* A wait-any on one auto-reset event, then a wait-all on two. */
    for (DWORD n = 1; n <= 2; n++) {
        bool killed = false;
        for (int attempt = 0; attempt < 20 && !killed; attempt++) {
            struct claim_wait c = {.n = n, .result = 0xcccccccc};
            for (DWORD i = 0; i < n; i++) {
                char tag[16];
                snprintf(tag, sizeof tag, "claim%u", (unsigned)i);
                c.h[i] = CreateEventA(NULL, FALSE, FALSE, uname_(tag));
                ck_assert_ptr_nonnull(c.h[i]);
            }
            pthread_t t;
            pthread_create(&t, NULL, claim_wait_thread, &c);
            settle_ms(100); /* the waiter blocks */
            setenv("WINSHIM_FAULT", "claiming", 1);
            pid_t pid = child_start(child_claim_and_die, (void *)(uintptr_t)n);
            unsetenv("WINSHIM_FAULT");
            int st = child_wait(pid);
            ck_assert_msg(st == 128 + SIGKILL || st == 2, "child %d", st);
            killed = st == 128 + SIGKILL;
            /* Either way the waiter wakes, with the events consumed: the
             * dead claimer's claim is finished by whoever breaks its lock. */
            double t0 = now_s();
            pthread_join(t, NULL);
            ck_assert_uint_eq(c.result, WAIT_OBJECT_0);
            ck_assert_msg(now_s() - t0 < 30.0, "woken after %.1f s", now_s() - t0);
            for (DWORD i = 0; i < n; i++) {
                ASSERT_WAIT(WaitForSingleObject(c.h[i], 0), WAIT_TIMEOUT);
                ck_assert(CloseHandle(c.h[i]));
            }
        }
        ck_assert_msg(killed, "never killed mid-claim (n=%u)", (unsigned)n);
    }
}
END_TEST

/* ---- a contended named mutex, with kills (issue 19) ----
 *
 * A release leaves the mutex free and wakes the first waiter to run its
 * wait again.  Workers in several processes take the mutex in a loop
 * (INFINITE waits, 1 ms waits, wait-any with an event never set); some
 * are killed at random moments: in a wait, in a release, holding the
 * mutex, told to retry.  Then every survivor takes it 100 times more with
 * INFINITE waits: a wake-up a killed process took with it would hang
 * them. */
#define MXK_LIVE 3
#define MXK_KILLED 3
#define MXK_ROUNDS 12

static int mxk_worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, uname_("mxk_mx"));
    HANDLE never = OpenEventA(SYNCHRONIZE, FALSE, uname_("mxk_never"));
    HANDLE stop = OpenEventA(SYNCHRONIZE, FALSE, uname_("mxk_stop"));
    HANDLE done = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, uname_("mxk_done"));
    if (!m || !never || !stop || !done)
        return 1;
    HANDLE hs[2] = {never, m};
    while (WaitForSingleObject(stop, 0) == WAIT_TIMEOUT) {
        DWORD r;
        switch (rand_r(&seed) % 3) {
        case 0:
            r = WaitForSingleObject(m, 1);
            break;
        case 1:
            r = WaitForMultipleObjects(2, hs, FALSE, INFINITE);
            r = r == WAIT_OBJECT_0 + 1 ? WAIT_OBJECT_0 : r == WAIT_ABANDONED_0 + 1 ? WAIT_ABANDONED : WAIT_FAILED;
            break;
        default:
            r = WaitForSingleObject(m, INFINITE);
            break;
        }
        if (r == WAIT_TIMEOUT)
            continue;
        if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED)
            return 2;
        if (!ReleaseMutex(m))
            return 3;
    }
    for (int i = 0; i < 100; i++) {
        DWORD r = WaitForSingleObject(m, INFINITE);
        if ((r != WAIT_OBJECT_0 && r != WAIT_ABANDONED) || !ReleaseMutex(m))
            return 4;
    }
    ReleaseSemaphore(done, 1, NULL);
    return 0;
}

START_TEST(test_contended_mutex_with_kills)
{
#if defined(__SANITIZE_THREAD__)
    return; /* workers forked from a threaded test start threads (as test_crash_loop) */
#endif
    HANDLE m = CreateMutexA(NULL, FALSE, uname_("mxk_mx"));
    HANDLE never = CreateEventA(NULL, TRUE, FALSE, uname_("mxk_never"));
    HANDLE stop = CreateEventA(NULL, TRUE, FALSE, uname_("mxk_stop"));
    HANDLE done = CreateSemaphoreA(NULL, 0, MXK_LIVE, uname_("mxk_done"));
    ck_assert(m && never && stop && done);
    unsigned seed = (unsigned)getpid();
    for (int round = 0; round < MXK_ROUNDS; round++) {
        ck_assert(ResetEvent(stop));
        pid_t live[MXK_LIVE], doomed[MXK_KILLED];
        for (int i = 0; i < MXK_LIVE; i++)
            live[i] = child_start(mxk_worker, (void *)(uintptr_t)(seed + round * 16 + i));
        for (int i = 0; i < MXK_KILLED; i++)
            doomed[i] = child_start(mxk_worker, (void *)(uintptr_t)(seed + round * 16 + 8 + i));
        for (int i = 0; i < MXK_KILLED; i++) {
            struct timespec ts = {0, (long)(rand_r(&seed) % 20000) * 1000};
            nanosleep(&ts, NULL);
            kill(doomed[i], SIGKILL);
        }
        for (int i = 0; i < MXK_KILLED; i++) {
            int st = child_wait(doomed[i]);
            ck_assert_msg(st == 128 + SIGKILL, "round %d: a doomed worker ended %d", round, st);
        }
        ck_assert(SetEvent(stop));
        for (int i = 0; i < MXK_LIVE; i++)
            ck_assert_int_eq(child_wait(live[i]), 0);
        for (int i = 0; i < MXK_LIVE; i++)
            ASSERT_WAIT(WaitForSingleObject(done, 0), WAIT_OBJECT_0);
        /* Free, or abandoned by a worker killed holding it (reported once). */
        DWORD r = WaitForSingleObject(m, 10000);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_ABANDONED);
        ck_assert(ReleaseMutex(m));
        ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
        ck_assert(ReleaseMutex(m));
    }
    CloseHandle(m);
    CloseHandle(never);
    CloseHandle(stop);
    CloseHandle(done);
}
END_TEST

/* The releaser is killed in the middle of claiming the waiter it wakes
 * to retry (WINSHIM_FAULT=claiming, after its compare-and-swap): whoever
 * breaks its lock rolls the claim forward into a hand-off, and the waiter
 * owns the mutex (not abandoned: the release had happened). */
static void *retry_claim_waiter(void *p)
{
    struct claim_wait *c = p;
    c->result = WaitForSingleObject(c->h[0], 60000);
    return NULL;
}

static int child_release_and_die(void *arg)
{
    (void)arg;
    HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, uname_("rclaim_mx"));
    HANDLE held = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_("rclaim_held"));
    HANDLE go = OpenEventA(SYNCHRONIZE, FALSE, uname_("rclaim_go"));
    if (!m || !held || !go || WaitForSingleObject(m, 0) != WAIT_OBJECT_0)
        return 1;
    SetEvent(held);
    WaitForSingleObject(go, INFINITE);
    ReleaseMutex(m); /* wakes the parent's waiter: killed mid-claim */
    return 2;
}

START_TEST(test_releaser_killed_mid_retry_claim)
{
    bool killed = false;
    for (int attempt = 0; attempt < 10 && !killed; attempt++) {
        struct claim_wait c = {.n = 1, .result = 0xcccccccc};
        c.h[0] = CreateMutexA(NULL, FALSE, uname_("rclaim_mx"));
        HANDLE held = CreateEventA(NULL, TRUE, FALSE, uname_("rclaim_held"));
        HANDLE go = CreateEventA(NULL, TRUE, FALSE, uname_("rclaim_go"));
        ck_assert(c.h[0] && held && go);
        setenv("WINSHIM_FAULT", "claiming", 1);
        pid_t pid = child_start(child_release_and_die, NULL);
        unsetenv("WINSHIM_FAULT");
        /* Polled: a waiter queued on it would be the child's first claim. */
        for (int i = 0; i < 4000 && WaitForSingleObject(held, 0) == WAIT_TIMEOUT; i++)
            settle_ms(5);
        ASSERT_WAIT(WaitForSingleObject(held, 0), WAIT_OBJECT_0);
        pthread_t t;
        pthread_create(&t, NULL, retry_claim_waiter, &c);
        settle_ms(100); /* the waiter blocks */
        ck_assert(SetEvent(go));
        int st = child_wait(pid);
        ck_assert_msg(st == 128 + SIGKILL || st == 2, "child %d", st);
        killed = st == 128 + SIGKILL;
        pthread_join(t, NULL);
        ck_assert_uint_eq(c.result, WAIT_OBJECT_0);
        /* The waiter thread owned it and ended: abandoned, once. */
        ASSERT_WAIT(WaitForSingleObject(c.h[0], 0), WAIT_ABANDONED);
        ck_assert(ReleaseMutex(c.h[0]));
        CloseHandle(c.h[0]);
        CloseHandle(held);
        CloseHandle(go);
    }
    ck_assert_msg(killed, "never killed mid-claim");
}
END_TEST

/* ---- a process table full of dead slots ---- */

/* The child of test_full_table_of_dead_slots, exec'd: attaches through
 * the ordinary path to a table where every slot but its parent's is dead
 * or orphaned, and must get one and work. */
__attribute__((constructor)) static void full_table_child(void)
{
    const char *name = getenv("WSHM_FULL_TABLE");
    if (!name)
        return;
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    if (!e || GetLastError() != 0)
        _exit(1);
    HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, name);
    if (!o || !CloseHandle(o) || !CloseHandle(e))
        _exit(2);
    exit(0);
}

static int child_named_event(void *name)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    return e && GetLastError() == 0 && CloseHandle(e) ? 0 : 1;
}

#define TABLE_SLOTS 1024 /* PROC_SLOTS */

START_TEST(test_full_table_of_dead_slots)
{
    use_private_session();
    /* Attach (an unnamed object: no deathwatch, so nobody reaps). */
    HANDLE keep = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert_ptr_nonnull(keep);
    /* Half the table: children that died without leaving, with a handle
     * each (their tables have a top: the first slot taken over below is
     * one of theirs, and its new owner must not inherit that top); the
     * rest: children killed while claiming their slot (left in INIT).  A
     * forked child claims its slot in the fork itself. */
    for (int i = 0; i < TABLE_SLOTS / 2 - 1; i++) {
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0)
            _exit(CreateEventA(NULL, TRUE, FALSE, NULL) ? 0 : 1);
        ck_assert_int_eq(child_wait(pid), 0);
    }
    setenv("WINSHIM_FAULT", "slot_init", 1);
    for (int i = 0; i < TABLE_SLOTS / 2; i++) {
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0)
            _exit(0); /* not reached: killed in fork() */
        ck_assert_int_eq(child_wait(pid), 128 + SIGKILL);
    }
    unsetenv("WINSHIM_FAULT");
    /* Full of dead and orphaned slots: a forked child takes one over... */
    ck_assert_int_eq(child_wait(child_start(child_named_event, (void *)uname_("full_a"))), 0);
    /* ...and so does a new program, which then reaps the rest. */
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        setenv("WSHM_FULL_TABLE", uname_("full_b"), 1);
        execl("/proc/self/exe", "check_shm", (char *)NULL);
        _exit(99);
    }
    ck_assert_int_eq(child_wait(pid), 0);
    ck_assert_int_eq(child_wait(child_start(child_named_event, (void *)uname_("full_c"))), 0);
    ck_assert(CloseHandle(keep));
}
END_TEST

/* ---- limits: a full /dev/shm, a table full of live members ---- */

/* Exec'd by test_full_dev_shm in a private mount namespace where
 * WINSHIM_SHM_DIR is on a tiny tmpfs.  "none": too small for a session's
 * first pages: the process goes private (said on stderr), named objects
 * work inside it.  "some": room for a while: creation then fails with
 * ERROR_NOT_ENOUGH_MEMORY, never SIGBUS, and works again once space is
 * freed. */
__attribute__((constructor)) static void full_shm_child(void)
{
    const char *mode = getenv("WSHM_FULL_SHM");
    if (!mode)
        return;
    unsetenv("WSHM_FULL_SHM");
    if (!strcmp(mode, "none")) {
        HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\full_none");
        if (!e || GetLastError() != 0)
            _exit(1);
        HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, "Local\\full_none");
        _exit(o && CloseHandle(o) && CloseHandle(e) ? 0 : 2);
    }
    static HANDLE h[200000];
    char name[600];
    int n = 0;
    DWORD err = 0;
    memset(name, 'x', sizeof name);
    for (; n < 200000; n++) {
        snprintf(name, 40, "Local\\full_some_%d_", n);
        name[strlen(name)] = 'x';
        name[250] = 0;
        if (!(h[n] = CreateEventA(NULL, TRUE, FALSE, name))) {
            err = GetLastError();
            break;
        }
    }
    if (n == 200000 || err != ERROR_NOT_ENOUGH_MEMORY) {
        fprintf(stderr, "full_shm_child: %d created, then error %lu\n", n, (unsigned long)err);
        _exit(3);
    }
    for (int i = 0; i < n; i++)
        CloseHandle(h[i]);
    /* The blocks freed serve the same sizes again (a segregated arena
     * does not split them for others). */
    snprintf(name, 40, "Local\\full_again_");
    name[strlen(name)] = 'x';
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    _exit(e && CloseHandle(e) ? 0 : 4);
}

static int full_shm_run(const char *mode, const char *size)
{
    char dir[] = "/tmp/wsfullXXXXXX";
    if (!mkdtemp(dir))
        return 90;
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
            _exit(77);
        char opts[32];
        snprintf(opts, sizeof opts, "size=%s,mode=0700", size);
        if (mount("tmpfs", dir, "tmpfs", 0, opts))
            _exit(77);
        char sd[64];
        snprintf(sd, sizeof sd, "%s/ws", dir);
        setenv("WINSHIM_SHM_DIR", sd, 1);
        setenv("WSHM_FULL_SHM", mode, 1);
        execl("/proc/self/exe", "check_shm", (char *)NULL);
        _exit(99);
    }
    int r = child_wait(pid);
    rmdir(dir);
    return r;
}

START_TEST(test_full_dev_shm)
{
    int r = full_shm_run("none", "1m");
    if (r == 77) {
        printf("test_full_dev_shm: skipped: cannot mount a tmpfs here (needs root and "
               "CAP_SYS_ADMIN)\n");
        return;
    }
    ck_assert_msg(r == 0, "a full tmpfs at attach: child %d", r);
    r = full_shm_run("some", "8m");
    ck_assert_msg(r == 0, "a tmpfs that fills: child %d", r);
}
END_TEST

/* A member that attached (in fork) and waits for its pipe to close. */
static int child_member_waits(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char c;
    while (read(fd, &c, 1) < 0 && errno == EINTR)
        ;
    return 0;
}

static int child_full_table_fork(void *name)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    return e && GetLastError() == 0 && CloseHandle(e) ? 0 : 1;
}

START_TEST(test_full_table_of_live_members)
{
    use_private_session();
    HANDLE keep = CreateEventA(NULL, TRUE, FALSE, NULL); /* attach */
    ck_assert_ptr_nonnull(keep);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    static pid_t kids[TABLE_SLOTS];
    int n = 0;
    for (; n < TABLE_SLOTS - 1; n++) {
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0) {
            close(p[1]);
            _exit(child_member_waits((void *)(intptr_t)p[0]));
        }
        kids[n] = pid;
    }
    /* Every slot is a live member's: a new program and a forked child each
     * go on privately (stderr says so) instead of aborting. */
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        setenv("WSHM_FULL_TABLE", uname_("live_b"), 1);
        execl("/proc/self/exe", "check_shm", (char *)NULL);
        _exit(99);
    }
    ck_assert_int_eq(child_wait(pid), 0);
    ck_assert_int_eq(child_wait(child_start(child_full_table_fork, (void *)uname_("live_c"))),
                     0);
    /* Their names were private: not in the session. */
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, uname_("live_c")), ERROR_FILE_NOT_FOUND);
    close(p[1]);
    close(p[0]);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(child_wait(kids[i]), 0);
    /* Room again. */
    ck_assert_int_eq(child_wait(child_start(child_named_event, (void *)uname_("live_d"))), 0);
    ck_assert(CloseHandle(keep));
}
END_TEST

/* ---- a killed thread's free-block caches ---- */

/* The arena's bump pointer, read from the session file: the second word
 * of struct arena_header (lib/core/arena.h), after magic and version. */
static uint64_t arena_top(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    char path[512] = {0};
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "session-", 8))
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    closedir(d);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    uint64_t top = 0;
    ck_assert_int_eq(pread(fd, &top, sizeof top, 8), (ssize_t)sizeof top);
    close(fd);
    return top;
}

#define CACHE_NAMES 20

/* Owns the test's mutex (so that the parent's wait on it reaps us at
 * once), frees CACHE_NAMES name records (closing the last handle of a
 * named object frees its name at once, into this thread's cache), then
 * waits to be killed with them cached. */
static int child_cache_and_hang(void *arg)
{
    int round = (int)(intptr_t)arg;
    HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, uname_("cache_mx"));
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, uname_("cache_ready"));
    if (!m || !ready || WaitForSingleObject(m, 20000) != WAIT_OBJECT_0)
        return 1;
    HANDLE e[CACHE_NAMES];
    for (int i = 0; i < CACHE_NAMES; i++) {
        char n[128];
        snprintf(n, sizeof n, "%s_%d_%02d_padding_to_a_larger_record", uname_("cache"), round, i);
        if (!(e[i] = CreateEventA(NULL, TRUE, FALSE, n)))
            return 2;
    }
    for (int i = 0; i < CACHE_NAMES; i++)
        if (!CloseHandle(e[i]))
            return 3;
    SetEvent(ready);
    for (;;)
        pause();
}

START_TEST(test_killed_thread_caches_come_back)
{
    use_private_session();
    HANDLE m = CreateMutexA(NULL, FALSE, uname_("cache_mx"));
    HANDLE ready = CreateEventA(NULL, FALSE, FALSE, uname_("cache_ready"));
    ck_assert(m && ready);
    uint64_t top_before = 0;
    enum { WARM = 40, ROUNDS = 100 };
    for (int round = 0; round < ROUNDS; round++) {
        if (round == WARM)
            top_before = arena_top(session_dir);
        pid_t pid = child_start(child_cache_and_hang, (void *)(intptr_t)round);
        ASSERT_WAIT(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
        kill(pid, SIGKILL);
        ck_assert_int_eq(child_wait(pid), 128 + SIGKILL);
        /* Waiting on the dead owner's mutex reaps it on the spot. */
        ASSERT_WAIT(WaitForSingleObject(m, 20000), WAIT_ABANDONED);
        ck_assert(ReleaseMutex(m));
    }
    uint64_t grown = arena_top(session_dir) - top_before;
    /* Lost caches would have taken (ROUNDS - WARM) * CACHE_NAMES blocks of
     * 256 bytes from the bump pointer; recovered ones are reused. */
    ck_assert_msg(grown < (uint64_t)(ROUNDS - WARM) * CACHE_NAMES * 256 / 4,
                  "the arena grew by %llu bytes", (unsigned long long)grown);
    CloseHandle(ready);
    CloseHandle(m);
}
END_TEST

/* ---- processes killed while the name table grows ---- */

/* Each round runs in a session of its own (the table starts at 256
 * buckets and doubles at 1 Ki, 2 Ki, 4 Ki names...): a leader holds
 * GK_KEEP names, two workers create GK_NAMES names each (with the keep
 * names the table doubles four times) and are killed, either by the
 * growth's fault points (every stripe held; the new table filled; the new
 * table published, the old not freed) or by SIGKILL when the names made
 * reach a random count near a doubling.  Then, from another process: the
 * keep names and a live worker's are all found, every name of a killed
 * worker is ERROR_FILE_NOT_FOUND, new names can be made (the table grows
 * again), and the arena's bump pointer is within one table of a round
 * without the kill (the design leaks at most the half-built or the old
 * table).  WINSHIM_GROW_ROUNDS sets the random rounds (make check-long). */
#define GK_WORKERS 2
#define GK_NAMES 2600
#define GK_KEEP 300
#define GK_MORE 3000
#define GK_ROUNDS 2
#define GK_AT_STOP UINT32_MAX

struct gk_round {
    const char *fault;               /* the first worker's WINSHIM_FAULT, or NULL */
    uint32_t kill_at[GK_WORKERS];    /* names made by all workers: kill then (0: at the end) */
    uint32_t stop_at[GK_WORKERS];    /* a worker makes this many and waits (0: GK_NAMES) */
    volatile uint32_t made[GK_WORKERS];
    volatile int killed[GK_WORKERS]; /* before the checker ran */
    volatile uint64_t top;           /* the arena's bump pointer at the end */
    char dir[160];
};
static struct gk_round *gk;

static void gk_name(char *b, size_t n, int w, uint32_t i)
{
    if (w < 0)
        snprintf(b, n, "Local\\wsgk_keep_%u", i);
    else if (w == GK_WORKERS)
        snprintf(b, n, "Local\\wsgk_more_%u", i);
    else
        snprintf(b, n, "Local\\wsgk_w%d_%u", w, i);
}

static int gk_worker(void *arg)
{
    int w = (int)(intptr_t)arg;
    uint32_t stop = gk->stop_at[w] ? gk->stop_at[w] : GK_NAMES;
    char n[64];
    for (uint32_t i = 0; i < stop; i++) {
        gk_name(n, sizeof n, w, i);
        HANDLE h = CreateEventA(NULL, TRUE, FALSE, n);
        if (!h || GetLastError()) {
            fprintf(stderr, "grow worker %d: create %u: %u\n", w, i, (unsigned)GetLastError());
            return 1;
        }
        __atomic_store_n(&gk->made[w], i + 1, __ATOMIC_RELEASE);
    }
    for (;;)
        pause();
}

/* Expects names [0, n) of w to be found (or, absent, all gone). */
static int gk_check_names(int w, uint32_t n, bool present)
{
    char name[64];
    for (uint32_t i = 0; i < n; i++) {
        gk_name(name, sizeof name, w, i);
        SetLastError(0xdeadbeef);
        HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, name);
        if (present ? !h : (h || GetLastError() != ERROR_FILE_NOT_FOUND)) {
            fprintf(stderr, "grow: %s %s (%u)\n", name, present ? "missing" : "still there",
                    (unsigned)GetLastError());
            return 1;
        }
        if (h)
            CloseHandle(h);
    }
    return 0;
}

/* Another process's view: what exists and what does not, then new names. */
static int gk_checker(void *arg)
{
    const int *alive = arg; /* per worker: 1 its names must be there, 0 gone */
    if (gk_check_names(-1, GK_KEEP, true))
        return 1;
    for (int w = 0; w < GK_WORKERS; w++)
        if (gk_check_names(w, alive[w] ? gk->made[w] : gk->made[w] + 1, alive[w]))
            return 2;
    static HANDLE more[GK_MORE];
    char name[64];
    for (uint32_t i = 0; i < GK_MORE; i++) {
        gk_name(name, sizeof name, GK_WORKERS, i);
        if (!(more[i] = CreateEventA(NULL, TRUE, FALSE, name)) || GetLastError())
            return 3;
    }
    if (gk_check_names(GK_WORKERS, GK_MORE, true) || gk_check_names(-1, GK_KEEP, true))
        return 4;
    gk_name(name, sizeof name, -1, 0);
    HANDLE k = CreateEventA(NULL, TRUE, FALSE, name);
    if (!k || GetLastError() != ERROR_ALREADY_EXISTS)
        return 5;
    CloseHandle(k);
    for (uint32_t i = 0; i < GK_MORE; i++)
        CloseHandle(more[i]);
    return gk_check_names(GK_WORKERS, GK_MORE, false) ? 6 : 0;
}

/* Waits until the last name of killed worker w is gone (its reaper). */
static int gk_reaped(int w)
{
    char name[64];
    for (int i = 0; i < 800; i++) {
        gk_name(name, sizeof name, w, gk->made[w] ? gk->made[w] - 1 : 0);
        HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, name);
        if (!h)
            return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : 1;
        CloseHandle(h);
        settle_ms(25);
    }
    fprintf(stderr, "grow: %s outlived its killed holder\n", name);
    return 1;
}

static uint32_t gk_total(void)
{
    uint32_t t = 0;
    for (int w = 0; w < GK_WORKERS; w++)
        t += __atomic_load_n(&gk->made[w], __ATOMIC_ACQUIRE);
    return t;
}

static int gk_leader(void *arg)
{
    (void)arg;
    static HANDLE keep[GK_KEEP];
    char name[64];
    for (uint32_t i = 0; i < GK_KEEP; i++) {
        gk_name(name, sizeof name, -1, i);
        if (!(keep[i] = CreateEventA(NULL, TRUE, FALSE, name)))
            return 20;
    }
    pid_t pid[GK_WORKERS];
    bool dead[GK_WORKERS] = {false};
    for (int w = 0; w < GK_WORKERS; w++) {
        if (w == 0 && gk->fault)
            setenv("WINSHIM_FAULT", gk->fault, 1); /* read by the forked child */
        pid[w] = child_start(gk_worker, (void *)(intptr_t)w);
        unsetenv("WINSHIM_FAULT");
        if (w || !gk->fault)
            continue;
        /* Alone, the first makes the first doubling itself and dies in it
         * (with another inserter, the other might be the one to grow); the
         * others start on the table it left. */
        int st;
        while (waitpid(pid[0], &st, WNOHANG) != pid[0]) {
            if (__atomic_load_n(&gk->made[0], __ATOMIC_ACQUIRE) >= GK_NAMES) {
                fprintf(stderr, "grow: the %s worker made every name\n", gk->fault);
                kill(pid[0], SIGKILL);
                return 21;
            }
            sched_yield();
        }
        dead[0] = true;
        if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
            fprintf(stderr, "grow: the %s worker ended with %d after %u names\n", gk->fault,
                    st, (unsigned)gk->made[0]);
            return 21;
        }
    }
    /* The others are killed at their counts (GK_AT_STOP: once they made
     * their stop_at), or left alive, their names held, at their stop. */
    for (bool left = true; left;) {
        left = false;
        for (int w = 0; w < GK_WORKERS; w++) {
            if (dead[w])
                continue;
            uint32_t stop = gk->stop_at[w] ? gk->stop_at[w] : GK_NAMES;
            bool reached = __atomic_load_n(&gk->made[w], __ATOMIC_ACQUIRE) >= stop;
            if (gk->kill_at[w] == GK_AT_STOP ? reached
                                             : gk->kill_at[w] && gk_total() >= gk->kill_at[w]) {
                kill(pid[w], SIGKILL);
                dead[w] = true;
                if (child_wait(pid[w]) != 128 + SIGKILL)
                    return 22;
            } else if (!reached) {
                int st;
                if (waitpid(pid[w], &st, WNOHANG) == pid[w]) {
                    fprintf(stderr, "grow: worker %d ended on its own (%d)\n", w, st);
                    return 23;
                }
                left = true;
            }
        }
        if (left)
            sched_yield();
    }
    int alive[GK_WORKERS];
    for (int w = 0; w < GK_WORKERS; w++) {
        alive[w] = !dead[w];
        gk->killed[w] = dead[w];
        if (dead[w] && gk_reaped(w))
            return 24;
    }
    int r = child_wait(child_start(gk_checker, alive));
    if (r) {
        fprintf(stderr, "grow: the checker failed with %d\n", r);
        return 30 + r;
    }
    /* Now the live ones die too: all their names go. */
    for (int w = 0; w < GK_WORKERS; w++)
        if (alive[w]) {
            kill(pid[w], SIGKILL);
            if (child_wait(pid[w]) != 128 + SIGKILL || gk_reaped(w) || gk_check_names(w, gk->made[w], false))
                return 25;
        }
    gk->top = arena_top(gk->dir);
    for (uint32_t i = 0; i < GK_KEEP; i++)
        CloseHandle(keep[i]);
    return 0;
}

/* One round in a session of its own; its arena's top when it ended. */
static uint64_t gk_run(const char *fault, const uint32_t *kill_at, const uint32_t *stop_at,
                       int round)
{
    memset(gk, 0, sizeof *gk);
    gk->fault = fault;
    for (int w = 0; w < GK_WORKERS; w++) {
        gk->kill_at[w] = kill_at ? kill_at[w] : 0;
        gk->stop_at[w] = stop_at ? stop_at[w] : 0;
    }
    snprintf(gk->dir, sizeof gk->dir, "/dev/shm/winshim-test-%d-gk%d", (int)getpid(), round);
    setenv("WINSHIM_SHM_DIR", gk->dir, 1);
    if (getenv("GK_VERBOSE"))
        fprintf(stderr, "grow round %d (%s) in %s\n", round, fault ? fault : "kills", gk->dir);
    int r = child_wait(child_start(gk_leader, NULL));
    remove_flat_dir(gk->dir);
    ck_assert_msg(r == 0, "round %d (%s): the leader failed with %d", round,
                  fault ? fault : "kills", r);
    return gk->top;
}

/* Bytes of the table that holds n names (see namespace.c). */
static uint64_t gk_table_bytes(uint32_t n)
{
    uint32_t log = 8;
    while (n > 4u << log)
        log++;
    return ((uint64_t)64 << log) + 4096;
}

static void gk_round(const char *fault, const uint32_t *kill_at, int round)
{
    uint64_t top = gk_run(fault, kill_at, NULL, 2 * round);
    uint32_t made[GK_WORKERS], at_stop[GK_WORKERS];
    for (int w = 0; w < GK_WORKERS; w++) {
        made[w] = gk->made[w] + 1; /* the one in flight may have been made */
        at_stop[w] = gk->killed[w] ? GK_AT_STOP : 0; /* alive at the check, or not */
    }
    /* The same names made, then their makers killed outside a growth. */
    uint64_t ref = gk_run(NULL, at_stop, made, 2 * round + 1);
    /* One table the design leaks, and slack for what differs between
     * two runs (which blocks the free lists and the thread caches hand
     * out): a kill that lost the dead worker's names or objects, or a
     * table a round, is over it. */
    uint64_t allowed = 2 * gk_table_bytes(GK_KEEP + made[0] + made[1]) + 256 * 1024;
    ck_assert_msg(top <= ref + allowed,
                  "round %d (%s): the arena grew to %llu bytes, %llu without the kill",
                  round, fault ? fault : "kills", (unsigned long long)top,
                  (unsigned long long)ref);
}

START_TEST(test_names_grow_with_kills)
{
#if defined(__SANITIZE_THREAD__)
    return; /* forks of a threaded session start threads: see test_crash_loop */
#endif
    gk = mmap(NULL, sizeof *gk, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert(gk != MAP_FAILED);
    static const char *const faults[] = {"grow_locked", "grow_built", "grow_published"};
    int round = 0;
    for (int f = 0; f < 3; f++)
        gk_round(faults[f], NULL, round++);
    const char *env = getenv("WINSHIM_GROW_ROUNDS");
    int rounds = env && atoi(env) > 0 ? atoi(env) : GK_ROUNDS;
    unsigned seed = (unsigned)getpid();
    /* The doublings come at 1 Ki, 2 Ki and 4 Ki names, GK_KEEP of them the
     * leader's: kills around those, one worker early and one late. */
    static const uint32_t near[] = {1024 - GK_KEEP, 2048 - GK_KEEP, 4096 - GK_KEEP};
    for (int i = 0; i < rounds; i++) {
        uint32_t kill_at[GK_WORKERS];
        for (int w = 0; w < GK_WORKERS; w++) {
            uint32_t c = near[rand_r(&seed) % 3] + rand_r(&seed) % 64;
            kill_at[w] = c < 2 * GK_NAMES - 8 ? c : 2 * GK_NAMES - 8;
        }
        gk_round(NULL, kill_at, round++);
    }
    munmap(gk, sizeof *gk);
}
END_TEST

/* ---- the deathwatch's fds taken by the program ---- */

/* A member that closes every descriptor (close_range) and opens its own
 * still reaps a killed member: its deathwatch finds its epoll set and
 * pidfds gone (core/fdmark.h) and makes them again, and reads nothing of
 * the program's (epoll sets at the old numbers, whose events would have
 * been taken for slots). */
static int child_victim(void *arg)
{
    (void)arg;
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\wsdw_victim");
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, "Local\\wsdw_ready");
    if (!e || !ready || !SetEvent(ready))
        return 1;
    for (;;)
        pause();
}

static int child_closes_everything(void *arg)
{
    (void)arg;
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, "Local\\wsdw_ready");
    if (!ready)
        return 1;
    pid_t v = child_start(child_victim, NULL);
    if (WaitForSingleObject(ready, 20000) != WAIT_OBJECT_0)
        return 2;
    HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, "Local\\wsdw_victim");
    if (!e)
        return 3;
    CloseHandle(e);
    syscall(SYS_close_range, 3u, ~0u, 0u);
    /* The program's own epoll sets at the old numbers, each with a ready
     * event whose data is no slot of ours. */
    int ep[64], p[2];
    for (int i = 0; i < 64; i++)
        if ((ep[i] = epoll_create1(EPOLL_CLOEXEC)) < 0)
            return 4;
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) || write(p[1], "z", 1) != 1)
        return 4;
    for (int i = 0; i < 64; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xfffffff0fffffff0ull};
        if (epoll_ctl(ep[i], EPOLL_CTL_ADD, p[0], &ev))
            return 4;
    }
    settle_ms(600); /* the deathwatch wakes (every 250 ms) on the numbers */
    kill(v, SIGKILL);
    if (waitpid(v, NULL, 0) != v)
        return 5;
    int i;
    for (i = 0; i < 800; i++) {
        SetLastError(0xdeadbeef);
        e = OpenEventA(SYNCHRONIZE, FALSE, "Local\\wsdw_victim");
        if (!e)
            break;
        CloseHandle(e);
        settle_ms(25);
    }
    if (i == 800 || GetLastError() != ERROR_FILE_NOT_FOUND)
        return 6;
    char c; /* nothing read from the program's pipe */
    return read(p[0], &c, 1) == 1 && c == 'z' ? 0 : 7;
}

START_TEST(test_deathwatch_fds_closed_by_program)
{
#if defined(__SANITIZE_THREAD__)
    return; /* forks of a threaded session start threads: see test_crash_loop */
#endif
    char dir[160];
    snprintf(dir, sizeof dir, "/dev/shm/winshim-test-%d-dw", (int)getpid());
    setenv("WINSHIM_SHM_DIR", dir, 1);
    int r = child_wait(child_start(child_closes_everything, NULL));
    remove_flat_dir(dir);
    ck_assert_int_eq(r, 0);
}
END_TEST

/* ---- layout ids ---- */

/* Session files (session-<16 hex digits>) in dir. */
static int count_sessions(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "session-", 8) && strlen(e->d_name) == 8 + 16)
            n++;
    closedir(d);
    return n;
}

#define FORGED_SESSION "session-00000000000bad1d"
#define FORGED_SIZE 8192

/* The child of test_other_layout, exec'd with WINSHIM_LAYOUT_SALT: a
 * build with another layout.  Runs from a constructor, before Check. */
__attribute__((constructor)) static void other_layout_child(void)
{
    const char *role = getenv("WSHM_OTHER_LAYOUT");
    if (!role)
        return;
    const char *dir = getenv("WINSHIM_SHM_DIR");
    char theirs[96], mine[96];
    snprintf(theirs, sizeof theirs, "%s_a", role);
    snprintf(mine, sizeof mine, "%s_b", role);
    /* The parent's event is in the other session. */
    SetLastError(0xdeadbeef);
    if (OpenEventA(SYNCHRONIZE, FALSE, theirs) || GetLastError() != ERROR_FILE_NOT_FOUND)
        _exit(1);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, mine);
    if (!e || GetLastError() != 0)
        _exit(2);
    /* Ours, the parent's and the forged one. */
    if (count_sessions(dir) != 3)
        _exit(3);
    CloseHandle(e);
    exit(0); /* a normal exit: the last of its layout removes its files */
}

static int child_same_layout(void *name)
{
    HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, name);
    return h && CloseHandle(h) ? 0 : 1;
}

#define STALE_SESSION "session-00000000000dead1"
#define STALE_LOCK "lock-00000000000dead1"
#define ORPHAN_LOCK "lock-00000000000dead2"

START_TEST(test_other_layout)
{
    use_private_session();
    ck_assert_int_eq(mkdir(session_dir, 0700), 0);
    /* A session file of another layout id with a header that is garbage
     * for us, with a member (our shared flock through a descriptor of its
     * own): never changed, never removed. */
    char forged[256];
    snprintf(forged, sizeof forged, "%s/%s", session_dir, FORGED_SESSION);
    int fd = open(forged, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ge(fd, 0);
    static unsigned char junk[FORGED_SIZE];
    memset(junk, 0xa5, sizeof junk);
    ck_assert_int_eq(write(fd, junk, sizeof junk), FORGED_SIZE);
    ck_assert_int_eq(flock(fd, LOCK_SH), 0);
    /* Another layout's session whose last member was killed (nobody holds
     * it), and a lock file left without its session: both are removed by
     * the next attacher, whatever its layout. */
    char stale[256], stale_lock[256], orphan[256];
    snprintf(stale, sizeof stale, "%s/%s", session_dir, STALE_SESSION);
    snprintf(stale_lock, sizeof stale_lock, "%s/%s", session_dir, STALE_LOCK);
    snprintf(orphan, sizeof orphan, "%s/%s", session_dir, ORPHAN_LOCK);
    const char *made[] = {stale, stale_lock, orphan};
    for (int i = 0; i < 3; i++) {
        int m = open(made[i], O_RDWR | O_CREAT | O_EXCL, 0600);
        ck_assert_int_ge(m, 0);
        ck_assert_int_eq(write(m, junk, 64), 64);
        close(m);
    }

    char base[64], name_a[96], name_b[96];
    snprintf(base, sizeof base, "Local\\wsshm_layout_%d", (int)getpid());
    snprintf(name_a, sizeof name_a, "%s_a", base);
    snprintf(name_b, sizeof name_b, "%s_b", base);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name_a);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(count_sessions(session_dir), 2);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(access(made[i], F_OK) != 0, "%s left behind", made[i]);
    /* Our layout shares (a fork child is the same build)... */
    ck_assert_int_eq(child_wait(child_start(child_same_layout, name_a)), 0);

    /* ...another layout, in the same directory, does not meet us. */
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        setenv("WINSHIM_LAYOUT_SALT", "1", 1);
        setenv("WSHM_OTHER_LAYOUT", base, 1);
        execl("/proc/self/exe", "check_shm", (char *)NULL);
        _exit(99);
    }
    ck_assert_int_eq(child_wait(pid), 0);
    /* It was the last of its layout: its files are gone, ours stay. */
    ck_assert_int_eq(count_sessions(session_dir), 2);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenEventA(SYNCHRONIZE, FALSE, name_b));
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);

    unsigned char back[FORGED_SIZE + 1];
    int rfd = open(forged, O_RDONLY);
    ck_assert_int_ge(rfd, 0);
    ck_assert_int_eq(read(rfd, back, sizeof back), FORGED_SIZE);
    close(rfd);
    ck_assert(memcmp(back, junk, FORGED_SIZE) == 0);
    /* No lock file was left for it by our sweep. */
    char forged_lock[256];
    snprintf(forged_lock, sizeof forged_lock, "%s/lock-00000000000bad1d", session_dir);
    ck_assert_int_ne(access(forged_lock, F_OK), 0);
    ck_assert(CloseHandle(e));
    close(fd); /* its member leaves */
    unlink(forged);
}
END_TEST

/* ---- a session directory that cannot be used ---- */

/* The child of test_unusable_dir, exec'd with WINSHIM_SHM_DIR naming a
 * directory open to others: it falls back to a private arena (named
 * objects still work inside it) and says so once on stderr. */
__attribute__((constructor)) static void unusable_dir_child(void)
{
    if (!getenv("WSHM_UNUSABLE_DIR"))
        return;
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\wsshm_unusable");
    if (!e || GetLastError() != 0)
        _exit(1);
    HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, "Local\\wsshm_unusable");
    if (!o)
        _exit(2);
    _exit(0);
}

START_TEST(test_unusable_dir)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/dev/shm/winshim-test-open-%d", (int)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(chmod(dir, 0755), 0); /* whatever the umask */
    int err[2];
    ck_assert_int_eq(pipe(err), 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(err[1], 2);
        setenv("WINSHIM_SHM_DIR", dir, 1);
        setenv("WSHM_UNUSABLE_DIR", "1", 1);
        execl("/proc/self/exe", "check_shm", (char *)NULL);
        _exit(99);
    }
    close(err[1]);
    char msg[512] = {0};
    size_t got = 0;
    ssize_t n;
    while (got < sizeof msg - 1 && (n = read(err[0], msg + got, sizeof msg - 1 - got)) > 0)
        got += (size_t)n;
    close(err[0]);
    ck_assert_int_eq(child_wait(pid), 0);
    ck_assert_msg(strstr(msg, "cannot share objects with other processes") &&
                      strstr(msg, dir),
                  "stderr: %s", msg);
    ck_assert_int_eq(count_sessions(dir), 0); /* nothing was created there */
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* The crash loop: workers hammer a named mutex, semaphore and events and
 * are killed with SIGKILL at random moments; the survivors must never
 * hang, and when everyone has gone nothing is left. */
#define CRASH_ROUNDS 100 /* make check; make check-crash runs 2000 */
#define CRASH_WORKERS 4

static int crash_worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, "Local\\wscrash_mx");
    HANDLE s = OpenSemaphoreA(SYNCHRONIZE | SEMAPHORE_MODIFY_STATE, FALSE, "Local\\wscrash_sem");
    HANDLE e = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, "Local\\wscrash_ev");
    HANDLE ready = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, "Local\\wscrash_ready");
    if (!m || !s || !e || !ready) {
        fprintf(stderr, "worker %d: open failed %u (%p %p %p %p)\n", (int)getpid(), (unsigned)GetLastError(), m, s, e, ready);
        return 1;
    }
    ReleaseSemaphore(ready, 1, NULL);
    CloseHandle(ready);
    for (;;) {
        /* Handle churn: kills also land inside Create, Open, Duplicate
         * and Close, with a handle count between an object and a table. */
        HANDLE t = NULL, d = NULL;
        switch (rand_r(&seed) % 4) {
        case 0:
            t = OpenMutexA(SYNCHRONIZE, FALSE, "Local\\wscrash_mx");
            break;
        case 1:
            t = CreateEventA(NULL, TRUE, FALSE, "Local\\wscrash_churn");
            break;
        case 2:
            DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE,
                            DUPLICATE_SAME_ACCESS);
            break;
        default:
            t = OpenEventA(SYNCHRONIZE, FALSE, "Local\\wscrash_ev");
            if (t && DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d, 0,
                                     FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE))
                t = NULL;
            break;
        }
        if (t)
            CloseHandle(t);
        if (d)
            CloseHandle(d);
        HANDLE both[2] = {m, s};
        DWORD r = WaitForMultipleObjects(2, both, (rand_r(&seed) & 1), 1000);
        if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED_0)
            ReleaseMutex(m);
        if (r == WAIT_OBJECT_0 + 1 || r == WAIT_ABANDONED_0 + 1 || r == WAIT_OBJECT_0)
            ReleaseSemaphore(s, 1, NULL);
        SetEvent(e);
        WaitForSingleObject(e, 1);
    }
}

static int crash_session(void *arg)
{
    (void)arg;
    HANDLE m = CreateMutexA(NULL, FALSE, "Local\\wscrash_mx");
    HANDLE s = CreateSemaphoreA(NULL, 2, 2, "Local\\wscrash_sem");
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, "Local\\wscrash_ev");
    HANDLE ready = CreateSemaphoreA(NULL, 0, CRASH_WORKERS, "Local\\wscrash_ready");
    if (!m || !s || !e || !ready)
        return 1;
    unsigned seed = (unsigned)getpid();
    const char *env = getenv("WINSHIM_CRASH_ROUNDS");
    int rounds = env && atoi(env) > 0 ? atoi(env) : CRASH_ROUNDS;
    for (int round = 0; round < rounds; round++) {
        pid_t w[CRASH_WORKERS];
        for (int i = 0; i < CRASH_WORKERS; i++)
            w[i] = child_start(crash_worker, (void *)(uintptr_t)(seed + round * 7 + i));
        /* Kills land in waits, acquisitions, releases and handle churn. */
        for (int i = 0; i < CRASH_WORKERS; i++)
            if (WaitForSingleObject(ready, 20000) != WAIT_OBJECT_0) {
                fprintf(stderr, "round %d: worker %d not ready\n", round, i);
                return 5;
            }
        /* And one more, killed while it starts: inside its slot's claim,
         * its first Opens. */
        pid_t early = child_start(crash_worker, (void *)(uintptr_t)(seed + round * 7 + 5));
        struct timespec ts0 = {0, (long)(rand_r(&seed) % 3000) * 1000};
        nanosleep(&ts0, NULL);
        kill(early, SIGKILL);
        waitpid(early, NULL, 0);
        for (int i = 0; i < CRASH_WORKERS; i++) {
            struct timespec ts = {0, (long)(rand_r(&seed) % 4000) * 1000};
            nanosleep(&ts, NULL);
            kill(w[i], SIGKILL);
        }
        for (int i = 0; i < CRASH_WORKERS; i++) {
            int st;
            waitpid(w[i], &st, 0);
            if (WIFEXITED(st)) {
                fprintf(stderr, "round %d: worker exited %d\n", round, WEXITSTATUS(st));
                return 10 + WEXITSTATUS(st);
            }
            if (WTERMSIG(st) != SIGKILL)
                fprintf(stderr, "round %d: worker signal %d\n", round, WTERMSIG(st)); /* a worker failed on its own */
        }
        /* Nobody holds the mutex for good: a dead owner's is abandoned. */
        DWORD r = WaitForSingleObject(m, 10000);
        if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED) {
            fprintf(stderr, "round %d: mutex wait %u\n", round, (unsigned)r);
            return 2;
        }
        ReleaseMutex(m);
    }
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(e);
    CloseHandle(ready);
    /* Every worker's handles went with it (reaped by our deathwatch), also
     * the counts a kill caught between an object and a table: with ours
     * closed, the names are free. */
    static const char *const names[] = {"Local\\wscrash_mx", "Local\\wscrash_sem",
                                        "Local\\wscrash_ev", "Local\\wscrash_churn"};
    for (int k = 0; k < 4; k++) {
        int i;
        for (i = 0; i < 200; i++) {
            HANDLE t = k == 0   ? OpenMutexA(SYNCHRONIZE, FALSE, names[k])
                       : k == 1 ? OpenSemaphoreA(SYNCHRONIZE, FALSE, names[k])
                                : OpenEventA(SYNCHRONIZE, FALSE, names[k]);
            if (!t) {
                if (GetLastError() != ERROR_FILE_NOT_FOUND)
                    return 3;
                break;
            }
            CloseHandle(t);
            settle_ms(25);
        }
        if (i == 200) {
            fprintf(stderr, "%s outlived every handle\n", names[k]);
            return 4;
        }
    }
    return 0;
}

START_TEST(test_crash_loop)
{
#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer cannot start threads in the child of a multi-threaded
     * fork (the workers are forked by a session with a deathwatch thread,
     * and start their own); the ASan build runs the loop. */
    return;
#endif
    use_private_session();
    const char *env = getenv("WINSHIM_CRASH_ROUNDS");
    alarm(env && atoi(env) > CRASH_ROUNDS ? 3600 : 240);
    ck_assert_int_eq(child_wait(child_start_ex(crash_session, NULL, true)), 0);
    ck_assert_msg(!dir_exists(session_dir), "%s left behind", session_dir);
}
END_TEST

/* ---- security ---- */

static int other_user_pipe[2];

/* Forked before the parent attached, so it joins its own user's session. */
static int child_other_user(void *arg)
{
    const char *name = arg;
    char go;
    if (setgid(65534) || setuid(65534))
        return 1;
    if (read(other_user_pipe[0], &go, 1) != 1)
        return 2;
    errno = 0;
    FILE *f = fopen("/dev/shm/winshim-0/session", "r+");
    if (f || errno != EACCES)
        return 3; /* the kernel keeps us out of root's session */
    SetLastError(0xdeadbeef);
    if (OpenEventA(SYNCHRONIZE, FALSE, name) || GetLastError() != ERROR_FILE_NOT_FOUND)
        return 4;
    /* Our own namespace works, apart from root's. */
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    if (!e || GetLastError() == ERROR_ALREADY_EXISTS)
        return 5;
    return 0;
}

START_TEST(test_other_user_cannot_open)
{
    if (geteuid() != 0 || getenv("WINSHIM_SHM_DIR"))
        return; /* needs root to become another user, and the default dir */
    ck_assert(pipe(other_user_pipe) == 0);
    const char *name = uname_("secret");
    pid_t pid = child_start_ex(child_other_user, (void *)name, true);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    ck_assert_ptr_nonnull(e);
    ck_assert(write(other_user_pipe[1], "g", 1) == 1);
    ck_assert_int_eq(child_wait(pid), 0);
    CloseHandle(e);
}
END_TEST

static Suite *shm_suite(void)
{
    Suite *s = suite_create("shm");
    TCase *tc = tcase_create("names");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_named_event_across);
    tcase_add_test(tc, test_collisions_across);
    tcase_add_test(tc, test_names_same_hash);
    tcase_add_test(tc, test_names_one_bucket);
    tcase_add_test(tc, test_names_grow_across);
    suite_add_tcase(s, tc);
    tc = tcase_create("waits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_wait_all_across);
    tcase_add_test(tc, test_pulse_across);
    tcase_add_test(tc, test_semaphore_across);
    suite_add_tcase(s, tc);
    tc = tcase_create("crashes");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_mutex_abandoned_by_killed_process);
    tcase_add_test(tc, test_name_dies_with_killed_holder);
    tcase_add_test(tc, test_reaper_leaves_fds_alone);
    tcase_add_test(tc, test_files_go_with_the_last_process);
    tcase_add_test(tc, test_simultaneous_exits);
    tcase_add_test(tc, test_other_layout);
    tcase_add_test(tc, test_unusable_dir);
    tcase_add_test(tc, test_full_table_of_dead_slots);
    tcase_add_test(tc, test_full_table_of_live_members);
    tcase_add_test(tc, test_full_dev_shm);
    tcase_add_test(tc, test_count_in_flight_killed);
    tcase_add_test(tc, test_claimer_killed_mid_claim);
    tcase_add_test(tc, test_releaser_killed_mid_retry_claim);
    tcase_add_test(tc, test_contended_mutex_with_kills);
    tcase_add_test(tc, test_killed_thread_caches_come_back);
    suite_add_tcase(s, tc);
    tc = tcase_create("grow_kills");
    tcase_set_timeout(tc, getenv("WINSHIM_GROW_ROUNDS") ? 3600 : 120);
    tcase_add_test(tc, test_names_grow_with_kills);
    tcase_add_test(tc, test_deathwatch_fds_closed_by_program);
    suite_add_tcase(s, tc);
    /* Its own case, so that make check-crash can run it alone and long. */
    tc = tcase_create("crash_loop");
    tcase_set_timeout(tc, getenv("WINSHIM_CRASH_ROUNDS") ? 3600 : 300);
    tcase_add_test(tc, test_crash_loop);
    suite_add_tcase(s, tc);
    tc = tcase_create("handles");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_duplicate_into_and_from_process);
    tcase_add_test(tc, test_fork_child_has_empty_table);
    tcase_add_test(tc, test_open_process_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("security");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_other_user_cannot_open);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(shm_suite)
