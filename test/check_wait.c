/* The wait core: WaitForSingleObject(Ex), WaitForMultipleObjects(Ex), Sleep(Ex). */
#include "testutil.h"

#include <stdatomic.h>
#include <time.h>

static double ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void make_events(HANDLE *h, int n, BOOL manual, BOOL initial)
{
    for (int i = 0; i < n; i++) {
        h[i] = CreateEventA(NULL, manual, initial, NULL);
        ck_assert_ptr_nonnull(h[i]);
    }
}

static void close_all(HANDLE *h, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert(CloseHandle(h[i]));
}

START_TEST(test_any_lowest_index)
{
    HANDLE h[8];
    make_events(h, 8, FALSE, FALSE);
    SetEvent(h[5]);
    SetEvent(h[2]);
    ASSERT_WAIT(WaitForMultipleObjects(8, h, FALSE, 0), WAIT_OBJECT_0 + 2);
    ASSERT_WAIT(WaitForMultipleObjects(8, h, FALSE, 0), WAIT_OBJECT_0 + 5);
    ASSERT_WAIT(WaitForMultipleObjects(8, h, FALSE, 0), WAIT_TIMEOUT);
    close_all(h, 8);
}
END_TEST

START_TEST(test_any_64)
{
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    make_events(h, MAXIMUM_WAIT_OBJECTS, TRUE, FALSE);
    SetEvent(h[63]);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0 + 63);
    ASSERT_WAIT(WaitForMultipleObjectsEx(64, h, FALSE, 10, TRUE), WAIT_OBJECT_0 + 63);
    for (int i = 0; i < 64; i++)
        SetEvent(h[i]);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, TRUE, 0), WAIT_OBJECT_0);
    close_all(h, 64);
}
END_TEST

START_TEST(test_any_duplicates_allowed)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE h[3] = {e, e, e};
    ASSERT_WAIT(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_TIMEOUT);
    SetEvent(e);
    ASSERT_WAIT(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0);
    CloseHandle(e);
}
END_TEST

START_TEST(test_all_atomic_poll)
{
    HANDLE h[2];
    make_events(h, 2, FALSE, FALSE);
    SetEvent(h[0]);
    ASSERT_WAIT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_TIMEOUT);
    /* Nothing was consumed by the failed wait-all. */
    ASSERT_WAIT(WaitForSingleObject(h[0], 0), WAIT_OBJECT_0);
    SetEvent(h[0]);
    SetEvent(h[1]);
    ASSERT_WAIT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_OBJECT_0);
    /* Both consumed together. */
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_TIMEOUT);
    close_all(h, 2);
}
END_TEST

struct all_ctx {
    HANDLE h[2];
    DWORD result;
};

static void *all_waiter(void *arg)
{
    struct all_ctx *c = arg;
    c->result = WaitForMultipleObjects(2, c->h, TRUE, 10000);
    return NULL;
}

START_TEST(test_all_blocking_consumes_nothing_early)
{
    struct all_ctx c;
    make_events(c.h, 2, FALSE, FALSE);
    pthread_t t;
    pthread_create(&t, NULL, all_waiter, &c);
    settle_ms(100);
    SetEvent(c.h[0]);
    settle_ms(50);
    /* The blocked wait-all did not take h[0] on its own. */
    ASSERT_WAIT(WaitForSingleObject(c.h[0], 0), WAIT_OBJECT_0);
    SetEvent(c.h[1]);
    settle_ms(50);
    ASSERT_WAIT(WaitForSingleObject(c.h[1], 0), WAIT_OBJECT_0);
    SetEvent(c.h[0]);
    SetEvent(c.h[1]);
    pthread_join(t, NULL);
    ck_assert_uint_eq(c.result, WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForMultipleObjects(2, c.h, FALSE, 0), WAIT_TIMEOUT);
    close_all(c.h, 2);
}
END_TEST

START_TEST(test_all_with_manual_and_auto)
{
    HANDLE h[2];
    h[0] = CreateEventA(NULL, TRUE, TRUE, NULL);
    h[1] = CreateEventA(NULL, FALSE, TRUE, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h[0], 0), WAIT_OBJECT_0); /* manual stays */
    ASSERT_WAIT(WaitForSingleObject(h[1], 0), WAIT_TIMEOUT);  /* auto consumed */
    close_all(h, 2);
}
END_TEST

START_TEST(test_timeouts)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    double t0 = ms_now();
    ASSERT_WAIT(WaitForSingleObject(e, 60), WAIT_TIMEOUT);
    double dt = ms_now() - t0;
    ck_assert_msg(dt >= 59 && dt < 5000, "waited %.1f ms", dt);
    HANDLE h[2] = {e, NULL};
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              &h[1], 0, FALSE, DUPLICATE_SAME_ACCESS));
    t0 = ms_now();
    ASSERT_WAIT(WaitForMultipleObjects(2, h, TRUE, 40), WAIT_TIMEOUT); /* h[1]: a real process handle */
    dt = ms_now() - t0;
    ck_assert_msg(dt >= 39 && dt < 5000, "waited %.1f ms", dt);
    ASSERT_WAIT(WaitForSingleObjectEx(e, 0, TRUE), WAIT_TIMEOUT);
    CloseHandle(h[1]);
    CloseHandle(e);
}
END_TEST

START_TEST(test_pseudo_handles)
{
    ASSERT_WAIT(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObject(GetCurrentThread(), 0), WAIT_TIMEOUT);
    /* WaitForMultipleObjects refuses the pseudo-handles, as Windows does. */
    HANDLE p[2] = {GetCurrentProcess(), GetCurrentThread()};
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(1, &p[0], FALSE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(1, &p[1], TRUE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_errors)
{
    HANDLE e = CreateEventA(NULL, TRUE, TRUE, NULL);
    HANDLE h[MAXIMUM_WAIT_OBJECTS + 1];
    for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        h[i] = e;
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(0, h, FALSE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, h, FALSE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER); /* same object twice in wait-all */
    HANDLE dup;
    DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &dup, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    HANDLE pair[2] = {e, dup};
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(2, pair, TRUE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    ASSERT_WAIT(WaitForMultipleObjects(2, pair, FALSE, 0), WAIT_OBJECT_0);
    HANDLE bad[2] = {e, (HANDLE)(uintptr_t)0x7ff0};
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(2, bad, FALSE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(NULL, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(1, NULL, FALSE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_NOACCESS);
    CloseHandle(dup);
    CloseHandle(e);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_sleep)
{
    double t0 = ms_now();
    Sleep(30);
    ck_assert(ms_now() - t0 >= 29);
    Sleep(0);
    ck_assert_uint_eq(SleepEx(1, TRUE), 0);
}
END_TEST

/* ---- wait-all atomicity under contention: two tokens, never duplicated,
 * never lost ---- */

static HANDLE tok[2];
static atomic_int holders[2];
static atomic_int stop_flag;
static atomic_long all_wins, any_wins;

static void hold(int i)
{
    ck_assert_int_eq(atomic_fetch_add(&holders[i], 1), 0);
}

static void drop(int i)
{
    atomic_fetch_sub(&holders[i], 1);
    ck_assert(SetEvent(tok[i]));
}

static void *all_taker(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_flag)) {
        DWORD r = WaitForMultipleObjects(2, tok, TRUE, 20);
        if (r == WAIT_TIMEOUT)
            continue;
        ck_assert_uint_eq(r, WAIT_OBJECT_0);
        hold(0);
        hold(1);
        atomic_fetch_add(&all_wins, 1);
        drop(1);
        drop(0);
    }
    return NULL;
}

static void *any_taker(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_flag)) {
        DWORD r = WaitForMultipleObjects(2, tok, FALSE, 20);
        if (r == WAIT_TIMEOUT)
            continue;
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_OBJECT_0 + 1);
        int i = (int)(r - WAIT_OBJECT_0);
        hold(i);
        atomic_fetch_add(&any_wins, 1);
        drop(i);
    }
    return NULL;
}

START_TEST(test_all_any_tokens_stress)
{
    make_events(tok, 2, FALSE, TRUE);
    pthread_t t[6];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, all_taker, NULL);
    for (int i = 3; i < 6; i++)
        pthread_create(&t[i], NULL, any_taker, NULL);
    settle_ms(2000);
    atomic_store(&stop_flag, 1);
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    ck_assert(atomic_load(&all_wins) > 0);
    ck_assert(atomic_load(&any_wins) > 0);
    /* Each token exists exactly once at the end. */
    for (int i = 0; i < 2; i++) {
        ASSERT_WAIT(WaitForSingleObject(tok[i], 0), WAIT_OBJECT_0);
        ASSERT_WAIT(WaitForSingleObject(tok[i], 0), WAIT_TIMEOUT);
    }
    close_all(tok, 2);
}
END_TEST

/* Many waiters, one auto-reset event set N times: exactly N wake-ups. */
static HANDLE count_ev;
static atomic_int woken, count_done;

/* Waits until told to stop, not until a wait times out: on a loaded
 * machine the setter can be off the CPU for longer than any timeout, and
 * waiters that had all given up made the test fail (flaky-guard). */
static void *count_waiter(void *arg)
{
    (void)arg;
    for (;;) {
        DWORD r = WaitForSingleObject(count_ev, 300);
        if (r == WAIT_OBJECT_0)
            atomic_fetch_add(&woken, 1);
        else if (r != WAIT_TIMEOUT || atomic_load(&count_done))
            return NULL;
    }
}

START_TEST(test_auto_reset_exact_count)
{
    count_ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, count_waiter, NULL);
    settle_ms(50);
    int sets = 0;
    for (int i = 0; i < 2000; i++) {
        /* Set only when the previous set was consumed, so no set merges. */
        SetEvent(count_ev);
        sets++;
        double t0 = ms_now();
        while (atomic_load(&woken) < sets)
            ck_assert_msg(ms_now() - t0 < 60000, "set %d woke nobody", sets);
    }
    atomic_store(&count_done, 1);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(atomic_load(&woken), sets);
    CloseHandle(count_ev);
}
END_TEST

/* ---- SignalObjectAndWait ---- */

static void CALLBACK reset_event_apc(ULONG_PTR h)
{
    ResetEvent((HANDLE)h);
}

static HANDLE soaw_ping, soaw_pong;
static DWORD WINAPI pong_thread(LPVOID p)
{
    (void)p;
    for (int i = 0; i < 200; i++)
        if (SignalObjectAndWait(soaw_pong, soaw_ping, 10000, FALSE) != WAIT_OBJECT_0)
            return 1;
    SetEvent(soaw_pong);
    return 0;
}

START_TEST(test_signal_and_wait)
{
    /* Each signallable kind. */
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE m = CreateMutexA(NULL, TRUE, NULL);
    HANDLE s = CreateSemaphoreA(NULL, 0, 2, NULL);
    HANDLE other = CreateEventA(NULL, TRUE, TRUE, NULL);
    ASSERT_WAIT(SignalObjectAndWait(e, other, 0, FALSE), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(SignalObjectAndWait(s, s, 0, FALSE), WAIT_OBJECT_0); /* up, then down */
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(SignalObjectAndWait(m, m, 0, FALSE), WAIT_OBJECT_0); /* released, retaken */
    ck_assert(ReleaseMutex(m));
    ASSERT_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    ASSERT_WAIT(SignalObjectAndWait(e, e, 0, FALSE), WAIT_OBJECT_0);
    ResetEvent(other);
    ASSERT_WAIT(SignalObjectAndWait(e, other, 20, FALSE), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0); /* signalled all the same */

    /* Ping-pong between two threads. */
    soaw_ping = CreateEventA(NULL, FALSE, FALSE, NULL);
    soaw_pong = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, pong_thread, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(soaw_pong, 10000), WAIT_OBJECT_0);
    for (int i = 0; i < 200; i++)
        ASSERT_WAIT(SignalObjectAndWait(soaw_ping, soaw_pong, 10000, FALSE), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);

    /* Alertable. */
    QueueUserAPC(reset_event_apc, GetCurrentThread(), (ULONG_PTR)other);
    ASSERT_WAIT(SignalObjectAndWait(e, other, INFINITE, TRUE), WAIT_IO_COMPLETION);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(soaw_ping);
    CloseHandle(soaw_pong);
    CloseHandle(e);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(other);
}
END_TEST

START_TEST(test_signal_and_wait_errors)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    HANDLE s = CreateSemaphoreA(NULL, 1, 1, NULL);
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, NULL);
#define ASSERT_SOAW_FAILS(expr, err)                                             \
    do {                                                                         \
        SetLastError(0xdeadbeef);                                                \
        ASSERT_WAIT(expr, WAIT_FAILED);                                          \
        ASSERT_LAST_ERROR(err);                                                  \
    } while (0)
    ASSERT_SOAW_FAILS(SignalObjectAndWait(m, e, 0, FALSE), ERROR_NOT_OWNER);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(s, e, 0, FALSE), ERROR_TOO_MANY_POSTS);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(t, e, 0, FALSE), ERROR_INVALID_HANDLE);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(GetCurrentThread(), e, 0, FALSE),
                      ERROR_INVALID_HANDLE);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(NULL, e, 0, FALSE), ERROR_INVALID_HANDLE);
    /* A bad handle to wait on: nothing is signalled. */
    ASSERT_SOAW_FAILS(SignalObjectAndWait(e, NULL, 0, FALSE), ERROR_INVALID_HANDLE);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    /* The rights each signal needs. */
    HANDLE weak_e, weak_s, weak_m;
    HANDLE me = GetCurrentProcess();
    DuplicateHandle(me, e, me, &weak_e, SYNCHRONIZE, FALSE, 0);
    DuplicateHandle(me, s, me, &weak_s, SYNCHRONIZE, FALSE, 0);
    DuplicateHandle(me, m, me, &weak_m, MUTANT_QUERY_STATE, FALSE, 0);
    WaitForSingleObject(m, 0);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(weak_e, e, 0, FALSE), ERROR_ACCESS_DENIED);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(weak_s, e, 0, FALSE), ERROR_ACCESS_DENIED);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(weak_m, e, 0, FALSE), ERROR_ACCESS_DENIED);
    ASSERT_SOAW_FAILS(SignalObjectAndWait(e, weak_m, 0, FALSE), ERROR_ACCESS_DENIED);
    ck_assert(ReleaseMutex(weak_m)); /* ReleaseMutex itself needs no right */
    CloseHandle(weak_e);
    CloseHandle(weak_s);
    CloseHandle(weak_m);
    CloseHandle(e);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(t);
}
END_TEST

/* Mutexes, semaphores and timers in one wait-all and wait-any with an
 * event: each is consumed as its kind says. */
START_TEST(test_mixed_kinds)
{
    HANDLE h[4];
    h[0] = CreateEventA(NULL, FALSE, TRUE, NULL);
    h[1] = CreateMutexA(NULL, FALSE, NULL);
    h[2] = CreateSemaphoreA(NULL, 2, 2, NULL);
    h[3] = CreateWaitableTimerA(NULL, TRUE, NULL);
    LARGE_INTEGER due = {.QuadPart = 0};
    SetWaitableTimer(h[3], &due, 0, NULL, NULL, FALSE);
    ASSERT_WAIT(WaitForSingleObject(h[3], 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForMultipleObjects(4, h, TRUE, 0), WAIT_OBJECT_0);
    /* Now: event reset, mutex owned (by us: still signalled for us),
     * semaphore 1, timer still signalled (manual). */
    ASSERT_WAIT(WaitForMultipleObjects(4, h, TRUE, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForMultipleObjects(4, h, FALSE, 0), WAIT_OBJECT_0 + 1);
    SetEvent(h[0]);
    ASSERT_WAIT(WaitForMultipleObjects(4, h, TRUE, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h[2], 0), WAIT_TIMEOUT); /* both units taken */
    for (int i = 0; i < 3; i++)
        ck_assert(ReleaseMutex(h[1]));
    ASSERT_FAILS(ReleaseMutex(h[1]), ERROR_NOT_OWNER);
    for (int i = 0; i < 4; i++)
        CloseHandle(h[i]);
}
END_TEST

/* ---- the zero-timeout wait-any's one pass (wait.c, scan_any) ---- */

/* Every handle of the array is checked before any object is taken, as
 * Windows does: a bad handle anywhere fails the call even when an earlier
 * object is signalled, and that object is not consumed. */
START_TEST(test_any_scan_bad_handle_anywhere)
{
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    make_events(h, MAXIMUM_WAIT_OBJECTS, FALSE, FALSE);
    ck_assert(SetEvent(h[0]));
    HANDLE saved = h[63];
    HANDLE closed = CreateEventA(NULL, FALSE, TRUE, NULL);
    ck_assert(CloseHandle(closed));
    HANDLE nosync = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h[1], GetCurrentProcess(), &nosync,
                              EVENT_MODIFY_STATE, FALSE, 0));
    HANDLE mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
    ck_assert_ptr_nonnull(mapping);
    struct {
        HANDLE bad;
        DWORD err;
    } cases[] = {
        {(HANDLE)(uintptr_t)0x7ff0, ERROR_INVALID_HANDLE}, /* never a handle */
        {closed, ERROR_INVALID_HANDLE},
        {NULL, ERROR_INVALID_HANDLE},
        {GetCurrentProcess(), ERROR_INVALID_HANDLE}, /* pseudo-handles refused */
        {GetCurrentThread(), ERROR_INVALID_HANDLE},
        {mapping, ERROR_INVALID_HANDLE}, /* not waitable */
        {nosync, ERROR_ACCESS_DENIED},   /* no SYNCHRONIZE */
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (int at = 1; at < MAXIMUM_WAIT_OBJECTS; at += 31) {
            HANDLE keep = h[at];
            h[at] = cases[c].bad;
            SetLastError(0xdeadbeef);
            ASSERT_WAIT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, FALSE, 0), WAIT_FAILED);
            ASSERT_LAST_ERROR(cases[c].err);
            h[at] = keep;
        }
    }
    h[63] = saved;
    /* Nothing was consumed by the failed calls. */
    ASSERT_WAIT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, FALSE, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, FALSE, 0), WAIT_TIMEOUT);
    CloseHandle(mapping);
    CloseHandle(nosync);
    close_all(h, MAXIMUM_WAIT_OBJECTS);
}
END_TEST

/* The pass skips the objects it sees unsignalled, of every kind, and takes
 * exactly the first signalled one: one unit of a semaphore, an auto-reset
 * event's signal, a mutex (also one this thread owns: a recursion), a
 * kind the core calls (a thread); the objects after it keep their state. */
static DWORD WINAPI hold_mutex_thread(LPVOID arg)
{
    HANDLE *m = arg;
    WaitForSingleObject(m[0], INFINITE);
    SetEvent(m[1]);
    WaitForSingleObject(m[2], INFINITE);
    ReleaseMutex(m[0]);
    return 0;
}

START_TEST(test_any_scan_kinds)
{
    HANDLE other[3] = {CreateMutexA(NULL, FALSE, NULL), CreateEventA(NULL, TRUE, FALSE, NULL),
                       CreateEventA(NULL, TRUE, FALSE, NULL)};
    HANDLE th = CreateThread(NULL, 0, hold_mutex_thread, other, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(other[1], 10000), WAIT_OBJECT_0); /* owned elsewhere */
    HANDLE mine = CreateMutexA(NULL, TRUE, NULL);
    HANDLE h[7];
    h[0] = CreateEventA(NULL, FALSE, FALSE, NULL); /* reset auto event */
    h[1] = CreateSemaphoreA(NULL, 0, 5, NULL);     /* empty semaphore */
    h[2] = other[0];                               /* mutex owned by another thread */
    h[3] = th;                                     /* running thread */
    h[4] = CreateSemaphoreA(NULL, 2, 5, NULL);
    h[5] = CreateEventA(NULL, FALSE, TRUE, NULL);
    h[6] = mine;
    ASSERT_WAIT(WaitForMultipleObjects(4, h, FALSE, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForMultipleObjects(7, h, FALSE, 0), WAIT_OBJECT_0 + 4);
    ASSERT_WAIT(WaitForMultipleObjects(7, h, FALSE, 0), WAIT_OBJECT_0 + 4);
    ASSERT_WAIT(WaitForMultipleObjects(7, h, FALSE, 0), WAIT_OBJECT_0 + 5); /* semaphore empty */
    ASSERT_WAIT(WaitForMultipleObjects(7, h, FALSE, 0), WAIT_OBJECT_0 + 6); /* recursion */
    ASSERT_WAIT(WaitForMultipleObjects(7, h, FALSE, 0), WAIT_OBJECT_0 + 6);
    for (int i = 0; i < 3; i++)
        ck_assert(ReleaseMutex(mine)); /* created owned + two waits */
    ASSERT_FAILS(ReleaseMutex(mine), ERROR_NOT_OWNER);
    LONG prev = -1;
    ck_assert(ReleaseSemaphore(h[1], 1, &prev));
    ck_assert_int_eq(prev, 0);
    ASSERT_WAIT(WaitForMultipleObjects(7, h, FALSE, 0), WAIT_OBJECT_0 + 1);
    ck_assert(ReleaseSemaphore(h[4], 1, &prev));
    ck_assert_int_eq(prev, 0); /* exactly the two units were taken */
    ck_assert(SetEvent(other[2])); /* the thread releases its mutex and ends */
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForMultipleObjects(4, h, FALSE, 0), WAIT_OBJECT_0 + 2); /* mutex free */
    ck_assert(ReleaseMutex(other[0]));
    h[2] = h[0]; /* the thread's handle now the first signalled object */
    ASSERT_WAIT(WaitForMultipleObjects(4, h, FALSE, 0), WAIT_OBJECT_0 + 3);
    ASSERT_WAIT(WaitForMultipleObjects(4, h, FALSE, 0), WAIT_OBJECT_0 + 3);
    CloseHandle(h[0]);
    CloseHandle(h[1]);
    CloseHandle(h[4]);
    CloseHandle(h[5]);
    CloseHandle(mine);
    CloseHandle(th);
    for (int i = 0; i < 3; i++)
        CloseHandle(other[i]);
}
END_TEST

/* The pass keeps the chunk of the last handle and compares the type id
 * with the last one: arrays alternating between two chunks of the handle
 * table and between kinds find the same first signalled object, and a
 * value in a chunk never allocated is ERROR_INVALID_HANDLE. */
static uint32_t handle_chunk(HANDLE h)
{
    return (uint32_t)((((uintptr_t)h >> 2) - 1) & 0xffffff) >> 12;
}

START_TEST(test_any_scan_chunks)
{
    enum { MANY = 4300 };
    HANDLE *all = malloc(MANY * sizeof *all);
    ck_assert_ptr_nonnull(all);
    for (int i = 0; i < MANY; i++) {
        all[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
        ck_assert_ptr_nonnull(all[i]);
    }
    /* 32 handles from each of two chunks, alternating. */
    uint32_t c0 = handle_chunk(all[0]), c1 = UINT32_MAX;
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    int n0 = 0, n1 = 0;
    for (int i = 0; i < MANY && (n0 < 32 || n1 < 32); i++) {
        uint32_t c = handle_chunk(all[i]);
        if (c == c0 && n0 < 32)
            h[2 * n0++] = all[i];
        else if (c != c0 && (c1 == UINT32_MAX || c == c1) && n1 < 32) {
            c1 = c;
            h[2 * n1++ + 1] = all[i];
        }
    }
    ck_assert_int_eq(n0, 32);
    ck_assert_int_eq(n1, 32);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_TIMEOUT);
    for (int at = 63; at >= 0; at -= 9) {
        ck_assert(SetEvent(h[at]));
        ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0 + at);
        ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_TIMEOUT);
    }
    /* A value in a chunk nobody allocated, after a signalled object. */
    ck_assert(SetEvent(h[5]));
    HANDLE keep = h[40];
    h[40] = (HANDLE)(uintptr_t)(((4000u << 12) + 1) << 2);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    h[40] = keep;
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0 + 5);
    for (int i = 0; i < MANY; i++)
        ck_assert(CloseHandle(all[i]));
    free(all);
}
END_TEST

/* Handle values the pass decodes itself: the two tag bits are ignored, as
 * by every lookup; another generation, bits above the index and
 * generation, or a high half are not the handle. */
START_TEST(test_any_scan_values)
{
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    make_events(h, MAXIMUM_WAIT_OBJECTS, TRUE, FALSE);
    ck_assert(SetEvent(h[63]));
    uintptr_t v = (uintptr_t)h[63];
    for (uintptr_t tag = 0; tag < 4; tag++) {
        h[63] = (HANDLE)(v | tag);
        ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0 + 63);
    }
    uintptr_t bad[] = {v ^ ((uintptr_t)1 << 26), v ^ ((uintptr_t)8 << 26), v | ((uintptr_t)1 << 30),
                       v | ((uintptr_t)1 << 31), v | ((uintptr_t)1 << 32), v | ((uintptr_t)1 << 40),
                       v | ((uintptr_t)1 << 63)};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        h[63] = (HANDLE)bad[i];
        SetLastError(0xdeadbeef);
        ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_FAILED);
        ASSERT_LAST_ERROR(ERROR_INVALID_HANDLE);
    }
    h[63] = (HANDLE)v;
    close_all(h, MAXIMUM_WAIT_OBJECTS);
}
END_TEST

/* An abandoned mutex late in an array of other kinds is WAIT_ABANDONED_0
 * + its index, once; then it is ours, and a mutex the waiter owns counts
 * as signalled; kinds alternate so that the pass's last type changes at
 * every handle. */
static DWORD WINAPI abandon_mutex_thread(LPVOID arg)
{
    WaitForSingleObject((HANDLE)arg, INFINITE);
    return 0; /* exits owning it */
}

START_TEST(test_any_scan_abandoned_mixed)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    HANDLE th = CreateThread(NULL, 0, abandon_mutex_thread, m, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    for (int i = 0; i < 63; i++) {
        if (i == 50)
            continue;
        h[i] = i % 2 ? CreateSemaphoreA(NULL, 0, 1, NULL) : CreateEventA(NULL, FALSE, FALSE, NULL);
        ck_assert_ptr_nonnull(h[i]);
    }
    h[50] = m;
    h[63] = CreateSemaphoreA(NULL, 1, 1, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_ABANDONED_0 + 50);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0 + 50); /* recursion */
    ck_assert(ReleaseMutex(m));
    ck_assert(ReleaseMutex(m));
    ASSERT_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    h[50] = h[48];
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0 + 63);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_TIMEOUT);
    LONG prev = -1;
    ck_assert(ReleaseSemaphore(h[63], 1, &prev));
    ck_assert_int_eq(prev, 0); /* exactly one unit was taken */
    for (int i = 0; i < 64; i++)
        if (i != 50)
            ck_assert(CloseHandle(h[i]));
    CloseHandle(m);
    CloseHandle(th);
}
END_TEST

/* Wait-any allows the same object many times (only wait-all refuses it):
 * 64 entries naming one auto-reset event, half through a duplicate
 * handle, take its one signal once, at the lowest index. */
START_TEST(test_any_scan_one_object_64_times)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL), d = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    for (int i = 0; i < 64; i++)
        h[i] = i % 2 ? d : e;
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_TIMEOUT);
    ck_assert(SetEvent(d));
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, FALSE, 0), WAIT_TIMEOUT);
    ck_assert(SetEvent(e));
    ASSERT_WAIT(WaitForMultipleObjects(63, h + 1, FALSE, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(64, h, TRUE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    CloseHandle(d);
    CloseHandle(e);
}
END_TEST

/* Polling wait-anys racing releases: 4 threads release 64 semaphores a
 * known number of times while 4 threads take units with zero-timeout
 * wait-anys over all of them; every unit is taken exactly once, from the
 * semaphore it was put in. */
#define SCAN_SEMS MAXIMUM_WAIT_OBJECTS
#define SCAN_ROUNDS 400
static HANDLE scan_sem[SCAN_SEMS];
static atomic_long scan_taken[SCAN_SEMS];
static atomic_long scan_total;

static void *scan_releaser(void *arg)
{
    int k = (int)(intptr_t)arg;
    for (int r = 0; r < SCAN_ROUNDS; r++)
        for (int i = k; i < SCAN_SEMS; i += 4)
            ck_assert(ReleaseSemaphore(scan_sem[i], 1, NULL));
    return NULL;
}

static void *scan_taker(void *arg)
{
    (void)arg;
    const long all = (long)SCAN_SEMS * SCAN_ROUNDS;
    while (atomic_load(&scan_total) < all) {
        DWORD r = WaitForMultipleObjects(SCAN_SEMS, scan_sem, FALSE, 0);
        if (r == WAIT_TIMEOUT) {
            sched_yield();
            continue;
        }
        ck_assert_uint_lt(r, WAIT_OBJECT_0 + SCAN_SEMS);
        atomic_fetch_add(&scan_taken[r - WAIT_OBJECT_0], 1);
        atomic_fetch_add(&scan_total, 1);
    }
    return NULL;
}

START_TEST(test_any_scan_counts_stress)
{
    for (int i = 0; i < SCAN_SEMS; i++) {
        scan_sem[i] = CreateSemaphoreA(NULL, 0, SCAN_ROUNDS, NULL);
        ck_assert_ptr_nonnull(scan_sem[i]);
    }
    pthread_t t[8];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, scan_taker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[4 + i], NULL, scan_releaser, (void *)(intptr_t)i);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(atomic_load(&scan_total), (long)SCAN_SEMS * SCAN_ROUNDS);
    for (int i = 0; i < SCAN_SEMS; i++) {
        ck_assert_int_eq(atomic_load(&scan_taken[i]), SCAN_ROUNDS);
        ASSERT_WAIT(WaitForSingleObject(scan_sem[i], 0), WAIT_TIMEOUT);
        CloseHandle(scan_sem[i]);
    }
}
END_TEST

static Suite *wait_suite(void)
{
    Suite *s = suite_create("wait");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_any_lowest_index);
    tcase_add_test(basic, test_any_64);
    tcase_add_test(basic, test_any_duplicates_allowed);
    tcase_add_test(basic, test_all_atomic_poll);
    tcase_add_test(basic, test_all_with_manual_and_auto);
    tcase_add_test(basic, test_pseudo_handles);
    tcase_add_test(basic, test_sleep);
    tcase_add_test(basic, test_signal_and_wait);
    tcase_add_test(basic, test_mixed_kinds);
    tcase_add_test(basic, test_any_scan_kinds);
    tcase_add_test(basic, test_any_scan_chunks);
    tcase_add_test(basic, test_any_scan_values);
    tcase_add_test(basic, test_any_scan_abandoned_mixed);
    tcase_add_test(basic, test_any_scan_one_object_64_times);
    suite_add_tcase(s, basic);
    TCase *timing = tcase_create("timeouts");
    tcase_set_timeout(timing, 30);
    tcase_add_test(timing, test_timeouts);
    tcase_add_test(timing, test_all_blocking_consumes_nothing_early);
    suite_add_tcase(s, timing);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    tcase_add_test(errors, test_signal_and_wait_errors);
    tcase_add_test(errors, test_any_scan_bad_handle_anywhere);
    suite_add_tcase(s, errors);
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 120);
    tcase_add_test(threads, test_all_any_tokens_stress);
    tcase_add_test(threads, test_auto_reset_exact_count);
    tcase_add_test(threads, test_any_scan_counts_stress);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(wait_suite)
