/* Mutexes: ownership, recursion, names, access, abandonment by threads of
 * every origin. */
#include "testutil.h"

#include <sys/wait.h>
#include <unistd.h>

static HANDLE shared_mutex;

/* How a mutex looks from another thread: 1 free (and taken back), 0 owned. */
static DWORD WINAPI probe_free(LPVOID p)
{
    DWORD r = WaitForSingleObject((HANDLE)p, 0);
    if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED)
        ReleaseMutex((HANDLE)p);
    return r;
}

static DWORD probe(HANDLE m)
{
    HANDLE t = CreateThread(NULL, 0, probe_free, m, 0, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    CloseHandle(t);
    return code;
}

START_TEST(test_ownership_and_recursion)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    ck_assert_ptr_nonnull(m);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* recursion */
    ASSERT_WAIT(WaitForSingleObject(m, INFINITE), WAIT_OBJECT_0);
    ASSERT_WAIT(probe(m), WAIT_TIMEOUT);
    ck_assert(ReleaseMutex(m));
    ck_assert(ReleaseMutex(m));
    ASSERT_WAIT(probe(m), WAIT_TIMEOUT); /* still owned once */
    ck_assert(ReleaseMutex(m));
    ASSERT_WAIT(probe(m), WAIT_OBJECT_0);
    ASSERT_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    ck_assert(CloseHandle(m));
}
END_TEST

START_TEST(test_initial_owner)
{
    HANDLE m = CreateMutexW(NULL, TRUE, NULL);
    ck_assert_ptr_nonnull(m);
    ASSERT_WAIT(probe(m), WAIT_TIMEOUT);
    ck_assert(ReleaseMutex(m));
    ASSERT_WAIT(probe(m), WAIT_OBJECT_0);

    HANDLE e = CreateMutexExA(NULL, NULL, CREATE_MUTEX_INITIAL_OWNER, MUTEX_ALL_ACCESS);
    ck_assert_ptr_nonnull(e);
    ASSERT_WAIT(probe(e), WAIT_TIMEOUT);
    ck_assert(ReleaseMutex(e));
    ASSERT_FAILS(ReleaseMutex(e), ERROR_NOT_OWNER);
    CloseHandle(e);
    CloseHandle(m);
}
END_TEST

START_TEST(test_names)
{
    SetLastError(0xdeadbeef);
    HANDLE a = CreateMutexA(NULL, TRUE, "winshim-test-mutex");
    ck_assert_ptr_nonnull(a);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    /* An existing mutex: bInitialOwner is ignored. */
    SetLastError(0xdeadbeef);
    HANDLE b = CreateMutexW(NULL, TRUE, u"winshim-test-mutex");
    ck_assert_ptr_nonnull(b);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ck_assert(ReleaseMutex(b));
    ASSERT_FAILS(ReleaseMutex(b), ERROR_NOT_OWNER);

    HANDLE c = OpenMutexA(SYNCHRONIZE, FALSE, "winshim-test-mutex");
    ck_assert_ptr_nonnull(c);
    ASSERT_WAIT(WaitForSingleObject(c, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseMutex(c)); /* no right needed to release */
    HANDLE d = OpenMutexW(MUTEX_ALL_ACCESS, FALSE, u"winshim-test-mutex");
    ck_assert_ptr_nonnull(d);

    ASSERT_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, "winshim-no-such-mutex"),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenMutexA(0, FALSE, "winshim-test-mutex"), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "winshim-test-mutex"),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateEventA(NULL, FALSE, FALSE, "winshim-test-mutex"),
                 ERROR_INVALID_HANDLE);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, "winshim-test-mutex-ev");
    ASSERT_FAILS(CreateMutexA(NULL, FALSE, "winshim-test-mutex-ev"), ERROR_INVALID_HANDLE);
    CloseHandle(ev);

    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
    CloseHandle(d);
    ASSERT_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, "winshim-test-mutex"),
                 ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_errors)
{
    ASSERT_FAILS(CreateMutexExA(NULL, NULL, 2, MUTEX_ALL_ACCESS), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReleaseMutex(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ReleaseMutex((HANDLE)(uintptr_t)0x1234), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ReleaseMutex(GetCurrentThread()), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, TRUE, NULL);
    ASSERT_FAILS(ReleaseMutex(e), ERROR_INVALID_HANDLE);
    CloseHandle(e);

    /* Waiting needs SYNCHRONIZE. */
    HANDLE m = CreateMutexExA(NULL, NULL, 0, MUTANT_QUERY_STATE);
    ck_assert_ptr_nonnull(m);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    CloseHandle(m);

    HANDLE closed = CreateMutexA(NULL, FALSE, NULL);
    CloseHandle(closed);
    ASSERT_FAILS(ReleaseMutex(closed), ERROR_INVALID_HANDLE);
}
END_TEST

/* ---- abandonment ---- */

static DWORD WINAPI take_and_exit(LPVOID p)
{
    return WaitForSingleObject((HANDLE)p, 0) == WAIT_OBJECT_0 ? 1 : 2;
}

static DWORD WINAPI take_twice_and_exit_thread(LPVOID p)
{
    WaitForSingleObject((HANDLE)p, 0);
    WaitForSingleObject((HANDLE)p, 0);
    ExitThread(3);
}

START_TEST(test_abandoned_by_create_thread)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, take_and_exit, m, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    /* Abandonment is reported once; the new owner owns it normally. */
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseMutex(m));
    ck_assert(ReleaseMutex(m));
    ASSERT_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);

    /* ExitThread with a recursion count of 2 abandons it whole. */
    t = CreateThread(NULL, 0, take_twice_and_exit_thread, m, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    ck_assert(ReleaseMutex(m));
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CloseHandle(m);
}
END_TEST

static void *pthread_take(void *p)
{
    return (void *)(uintptr_t)WaitForSingleObject((HANDLE)p, 0);
}

START_TEST(test_abandoned_by_pthread)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    pthread_t pt;
    void *ret;
    pthread_create(&pt, NULL, pthread_take, m);
    pthread_join(pt, &ret);
    ck_assert_uint_eq((uintptr_t)ret, WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    ck_assert(ReleaseMutex(m));
    CloseHandle(m);
}
END_TEST

static DWORD WINAPI wait_blocked(LPVOID p)
{
    return WaitForSingleObject((HANDLE)p, 10000);
}

static void *pthread_hold_then_exit(void *p)
{
    WaitForSingleObject((HANDLE)p, 0);
    settle_ms(50); /* let the waiter block */
    return NULL;
}

/* A waiter blocked on the mutex is woken with WAIT_ABANDONED when the
 * owner ends. */
START_TEST(test_abandoned_wakes_waiter)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    pthread_t pt;
    pthread_create(&pt, NULL, pthread_hold_then_exit, m);
    settle_ms(10);
    HANDLE t = CreateThread(NULL, 0, wait_blocked, m, 0, NULL);
    pthread_join(pt, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    DWORD code;
    GetExitCodeThread(t, &code);
    /* The waiter got it abandoned (if the holder took it first) or
     * normally (if the waiter was first and then ended owning it). */
    ck_assert(code == WAIT_ABANDONED || code == WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    CloseHandle(t);
    CloseHandle(m);
}
END_TEST

START_TEST(test_abandoned_in_wait_multiple)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, take_and_exit, m, 0, NULL);
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    HANDLE hs[2] = {e, m};
    ASSERT_WAIT(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_ABANDONED_0 + 1);
    ck_assert(ReleaseMutex(m));

    t = CreateThread(NULL, 0, take_and_exit, m, 0, NULL);
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    ASSERT_WAIT(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_TIMEOUT);
    SetEvent(e);
    ASSERT_WAIT(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_ABANDONED_0 + 1);
    ck_assert(ReleaseMutex(m));
    CloseHandle(e);
    CloseHandle(m);
}
END_TEST

static void *child_waiter(void *p)
{
    DWORD r = WaitForSingleObject((HANDLE)p, 10000);
    _exit(r == WAIT_ABANDONED ? 0 : 10 + (int)r); /* no leak check of the fork */
}

/* The main thread owns the mutex and leaves with pthread_exit: the
 * process lives on, and the waiter sees the mutex abandoned. */
START_TEST(test_abandoned_by_main_thread)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        HANDLE m = CreateMutexA(NULL, TRUE, NULL);
        pthread_t pt;
        pthread_create(&pt, NULL, child_waiter, m);
        settle_ms(20);
        pthread_exit(NULL);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* Closing every handle of an owned mutex is allowed; the owner's exit
 * still abandons it cleanly. */
START_TEST(test_close_while_owned)
{
    HANDLE m = CreateMutexA(NULL, TRUE, NULL);
    ck_assert(CloseHandle(m));
    HANDLE n = CreateMutexA(NULL, TRUE, "winshim-closed-owned");
    HANDLE n2 = OpenMutexA(SYNCHRONIZE, FALSE, "winshim-closed-owned");
    ck_assert(CloseHandle(n));
    ASSERT_WAIT(probe(n2), WAIT_TIMEOUT);
    ck_assert(ReleaseMutex(n2));
    ASSERT_WAIT(probe(n2), WAIT_OBJECT_0);
    CloseHandle(n2);
}
END_TEST

/* The last handle of an owned mutex deletes it (issue 18, D6): its name
 * goes, and a thread may own and close any number of them (the process
 * aborted at about 28,700 before: the ownership list kept each). */
static DWORD WINAPI close_other_owner(LPVOID p)
{
    return CloseHandle((HANDLE)p) ? 0 : 1;
}

START_TEST(test_owned_deleted_with_last_handle)
{
    /* One Check assertion per iteration would be 160,000 writes to
     * Check's pipe: failures go through one ck_abort_msg. */
    for (int i = 0; i < 40000; i++) {
        HANDLE m = CreateMutexA(NULL, TRUE, NULL);
        if (!m || !CloseHandle(m))
            ck_abort_msg("pair %d: error %lu", i, (unsigned long)GetLastError());
    }
    /* Closed by another thread while we own them: let go of before our
     * list grows. */
    for (int i = 0; i < 40000; i++) {
        HANDLE m = CreateMutexA(NULL, TRUE, NULL);
        if (!m)
            ck_abort_msg("create %d: error %lu", i, (unsigned long)GetLastError());
        if (i % 1000 == 0) {
            HANDLE t = CreateThread(NULL, 0, close_other_owner, m, 0, NULL);
            ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
            CloseHandle(t);
        } else if (!CloseHandle(m)) {
            ck_abort_msg("close %d: error %lu", i, (unsigned long)GetLastError());
        }
    }
    /* The name goes with the last handle; a new mutex of that name is new
     * and free (not owned, not abandoned). */
    HANDLE n = CreateMutexA(NULL, TRUE, "winshim-deleted-owned");
    ck_assert_ptr_nonnull(n);
    ck_assert(CloseHandle(n));
    ASSERT_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, "winshim-deleted-owned"),
                 ERROR_FILE_NOT_FOUND);
    n = CreateMutexA(NULL, FALSE, "winshim-deleted-owned");
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_eq(GetLastError(), ERROR_SUCCESS);
    ASSERT_WAIT(probe(n), WAIT_OBJECT_0);
    CloseHandle(n);
}
END_TEST

/* ---- threads ---- */

#define STRESS_THREADS 8
#define STRESS_ITERS 3000
static long counter;
static volatile int inside;

static DWORD WINAPI stress_worker(LPVOID p)
{
    (void)p;
    for (int i = 0; i < STRESS_ITERS; i++) {
        DWORD r = WaitForSingleObject(shared_mutex, INFINITE);
        if (r != WAIT_OBJECT_0)
            return 1;
        if (inside++)
            return 2;
        if (i % 7 == 0) { /* some recursion */
            WaitForSingleObject(shared_mutex, INFINITE);
            ReleaseMutex(shared_mutex);
        }
        counter++;
        inside--;
        if (!ReleaseMutex(shared_mutex))
            return 3;
    }
    return 0;
}

START_TEST(test_mutual_exclusion)
{
    shared_mutex = CreateMutexA(NULL, FALSE, NULL);
    HANDLE t[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++)
        t[i] = CreateThread(NULL, 0, stress_worker, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(STRESS_THREADS, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < STRESS_THREADS; i++) {
        DWORD code;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert_int_eq(counter, STRESS_THREADS * STRESS_ITERS);
    ASSERT_WAIT(WaitForSingleObject(shared_mutex, 0), WAIT_OBJECT_0);
    CloseHandle(shared_mutex);
}
END_TEST

/* Threads that exit owning the mutex, while others wait on it together
 * with an event in wait-any and wait-all: every acquisition is either
 * normal or abandoned, and the mutex ends free. */
static HANDLE churn_event;
static DWORD WINAPI churn_worker(LPVOID p)
{
    int id = (int)(uintptr_t)p;
    HANDLE hs[2] = {shared_mutex, churn_event};
    for (int i = 0; i < 300; i++) {
        DWORD r = (id & 1) ? WaitForMultipleObjects(2, hs, (i & 1) != 0, INFINITE)
                           : WaitForSingleObject(shared_mutex, INFINITE);
        if (r == WAIT_OBJECT_0 + 1)
            continue; /* got the event only */
        if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED_0)
            return 1;
        if (i == 299 && id == 0)
            return 0; /* leave owning it: abandoned */
        if (!ReleaseMutex(shared_mutex))
            return 2;
    }
    return 0;
}

START_TEST(test_abandon_churn)
{
    shared_mutex = CreateMutexA(NULL, FALSE, NULL);
    churn_event = CreateEventA(NULL, TRUE, TRUE, NULL);
    HANDLE t[6];
    for (int i = 0; i < 6; i++)
        t[i] = CreateThread(NULL, 0, churn_worker, (LPVOID)(uintptr_t)i, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(6, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 6; i++) {
        DWORD code;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    DWORD r = WaitForSingleObject(shared_mutex, 0);
    ck_assert(r == WAIT_OBJECT_0 || r == WAIT_ABANDONED);
    CloseHandle(churn_event);
    CloseHandle(shared_mutex);
}
END_TEST

/* ---- contention (issue 19: a release leaves the mutex free and wakes
 * a waiter to run its wait again; after WS_RETRY_MAX tries it is handed
 * the mutex).  Asserted by counts; a lost wake-up or a starved waiter
 * hangs the test, which Check's timeout reports. ---- */

#define FAIR_WAITERS 6
#define FAIR_ACQUIRES 150
static volatile LONG fair_done, fair_inside, fair_bad;
static LONG fair_count[FAIR_WAITERS];

/* Takes the mutex back at once, in a loop, until every waiter is done:
 * without the bound on retries it could keep it for ever. */
static DWORD WINAPI fair_hog(LPVOID p)
{
    (void)p;
    long n = 0;
    while (InterlockedCompareExchange(&fair_done, 0, 0) < FAIR_WAITERS) {
        if (WaitForSingleObject(shared_mutex, INFINITE) != WAIT_OBJECT_0)
            return 1;
        if (InterlockedIncrement(&fair_inside) != 1)
            InterlockedIncrement(&fair_bad);
        for (volatile int k = 0; k < 3000; k++) /* holds it most of the time */
            ;
        InterlockedDecrement(&fair_inside);
        if (!ReleaseMutex(shared_mutex))
            return 2;
        n++;
    }
    return n > 0 ? 0 : 3;
}

static DWORD WINAPI fair_waiter(LPVOID p)
{
    int id = (int)(uintptr_t)p;
    for (int i = 0; i < FAIR_ACQUIRES; i++) {
        if (WaitForSingleObject(shared_mutex, INFINITE) != WAIT_OBJECT_0)
            return 1;
        if (InterlockedIncrement(&fair_inside) != 1)
            InterlockedIncrement(&fair_bad);
        fair_count[id]++;
        InterlockedDecrement(&fair_inside);
        if (!ReleaseMutex(shared_mutex))
            return 2;
        if (i % 16 == 0)
            Sleep(0); /* the others queue */
    }
    InterlockedIncrement(&fair_done);
    return 0;
}

START_TEST(test_contended_every_waiter_acquires)
{
    shared_mutex = CreateMutexA(NULL, FALSE, NULL);
    HANDLE t[FAIR_WAITERS + 2];
    t[0] = CreateThread(NULL, 0, fair_hog, NULL, 0, NULL);
    t[1] = CreateThread(NULL, 0, fair_hog, NULL, 0, NULL);
    for (int i = 0; i < FAIR_WAITERS; i++)
        t[i + 2] = CreateThread(NULL, 0, fair_waiter, (LPVOID)(uintptr_t)i, 0, NULL);
    for (int i = 0; i < FAIR_WAITERS + 2; i++) {
        ASSERT_WAIT(WaitForSingleObject(t[i], INFINITE), WAIT_OBJECT_0);
        DWORD code;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    for (int i = 0; i < FAIR_WAITERS; i++)
        ck_assert_int_eq(fair_count[i], FAIR_ACQUIRES);
    ck_assert_int_eq(fair_bad, 0);
    ASSERT_WAIT(WaitForSingleObject(shared_mutex, 0), WAIT_OBJECT_0); /* free */
    ck_assert(ReleaseMutex(shared_mutex));
    CloseHandle(shared_mutex);
}
END_TEST

/* Retried waiters that leave without the mutex (a 1 ms timeout, an APC,
 * the other object of a wait-any) pass the wake-up on: the threads that
 * wait with INFINITE never hang, and every count adds up. */
#define MIX_THREADS 6
#define MIX_ITERS 400
static HANDLE mix_event; /* manual reset, set now and then */
static volatile LONG mix_apcs_run, mix_inside, mix_bad, mix_acquired;

static void CALLBACK mix_apc(ULONG_PTR p)
{
    (void)p;
    InterlockedIncrement(&mix_apcs_run);
}

static DWORD WINAPI mix_worker(LPVOID p)
{
    int id = (int)(uintptr_t)p;
    HANDLE hs[2] = {mix_event, shared_mutex};
    for (int i = 0; i < MIX_ITERS; i++) {
        DWORD r;
        switch ((id + i) % 4) {
        case 0:
            r = WaitForSingleObject(shared_mutex, 1);
            break;
        case 1:
            r = WaitForMultipleObjects(2, hs, FALSE, INFINITE);
            if (r == WAIT_OBJECT_0)
                continue; /* the event, not the mutex */
            r = r == WAIT_OBJECT_0 + 1 ? WAIT_OBJECT_0 : WAIT_FAILED;
            break;
        case 2:
            r = WaitForSingleObjectEx(shared_mutex, INFINITE, TRUE);
            if (r == WAIT_IO_COMPLETION)
                continue;
            break;
        default:
            r = WaitForSingleObject(shared_mutex, INFINITE);
            break;
        }
        if (r == WAIT_TIMEOUT)
            continue;
        if (r != WAIT_OBJECT_0)
            return 1;
        if (InterlockedIncrement(&mix_inside) != 1)
            InterlockedIncrement(&mix_bad);
        InterlockedIncrement(&mix_acquired);
        InterlockedDecrement(&mix_inside);
        if (!ReleaseMutex(shared_mutex))
            return 2;
    }
    /* The end: plain waits, which a lost wake-up would hang. */
    for (int i = 0; i < 50; i++) {
        if (WaitForSingleObject(shared_mutex, INFINITE) != WAIT_OBJECT_0)
            return 3;
        InterlockedIncrement(&mix_acquired);
        if (!ReleaseMutex(shared_mutex))
            return 4;
    }
    return 0;
}

START_TEST(test_contended_timeouts_apcs_wait_any)
{
    shared_mutex = CreateMutexA(NULL, FALSE, NULL);
    mix_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t[MIX_THREADS];
    for (int i = 0; i < MIX_THREADS; i++)
        t[i] = CreateThread(NULL, 0, mix_worker, (LPVOID)(uintptr_t)i, 0, NULL);
    LONG queued = 0;
    for (int k = 0; k < 200; k++) {
        if (k % 50 == 25)
            SetEvent(mix_event);
        if (k % 50 == 30)
            ResetEvent(mix_event);
        if (QueueUserAPC(mix_apc, t[k % MIX_THREADS], 0))
            queued++;
        Sleep(0);
    }
    for (int i = 0; i < MIX_THREADS; i++) {
        ASSERT_WAIT(WaitForSingleObject(t[i], INFINITE), WAIT_OBJECT_0);
        DWORD code;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
    }
    /* APCs still queued to a thread that ended are dropped; the others ran
     * exactly once, and in no other place than an alertable wait. */
    ck_assert_int_le(mix_apcs_run, queued);
    ck_assert_int_eq(mix_bad, 0);
    ck_assert_int_ge(mix_acquired, MIX_THREADS * 50);
    ASSERT_WAIT(WaitForSingleObject(shared_mutex, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseMutex(shared_mutex));
    for (int i = 0; i < MIX_THREADS; i++)
        CloseHandle(t[i]);
    CloseHandle(mix_event);
    CloseHandle(shared_mutex);
}
END_TEST

/* An owner that ends while others contend: exactly one of them gets
 * WAIT_ABANDONED (abandoned mutexes are still handed over directly). */
static volatile LONG ab_seen;
static DWORD WINAPI ab_contender(LPVOID p)
{
    (void)p;
    for (int i = 0; i < 200; i++) {
        DWORD r = WaitForSingleObject(shared_mutex, INFINITE);
        if (r == WAIT_ABANDONED)
            InterlockedIncrement(&ab_seen);
        else if (r != WAIT_OBJECT_0)
            return 1;
        if (!ReleaseMutex(shared_mutex))
            return 2;
    }
    return 0;
}

static DWORD WINAPI ab_dier(LPVOID p)
{
    (void)p;
    for (int i = 0; i < 100; i++) {
        if (WaitForSingleObject(shared_mutex, INFINITE) == WAIT_FAILED)
            return 1;
        ReleaseMutex(shared_mutex);
    }
    WaitForSingleObject(shared_mutex, INFINITE);
    Sleep(1); /* the others queue behind a mutex about to be abandoned */
    return 0;   /* ends owning it */
}

START_TEST(test_contended_abandoned_once)
{
    for (int round = 0; round < 5; round++) {
        shared_mutex = CreateMutexA(NULL, FALSE, NULL);
        ab_seen = 0;
        HANDLE t[5];
        t[0] = CreateThread(NULL, 0, ab_dier, NULL, 0, NULL);
        for (int i = 1; i < 5; i++)
            t[i] = CreateThread(NULL, 0, ab_contender, NULL, 0, NULL);
        for (int i = 0; i < 5; i++) {
            ASSERT_WAIT(WaitForSingleObject(t[i], INFINITE), WAIT_OBJECT_0);
            DWORD code;
            GetExitCodeThread(t[i], &code);
            ck_assert_uint_eq(code, 0);
            CloseHandle(t[i]);
        }
        /* Reported once: to a contender, or to us if they had all ended. */
        DWORD r = WaitForSingleObject(shared_mutex, 0);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_ABANDONED);
        ck_assert_int_eq(ab_seen + (r == WAIT_ABANDONED), 1);
        ck_assert(ReleaseMutex(shared_mutex));
        CloseHandle(shared_mutex);
    }
}
END_TEST

/* Waiters spin a little before they queue (wait.c, "spinning, not
 * sleeping").  Hold times from nothing to about twice the spin (16 us; up
 * to 6 << 12 empty loop rounds, 25 to 50 us here), so that
 * every spinner sometimes takes the mutex while spinning and sometimes
 * gives up and queues just as the owner releases it; a 1 ms timeout and a
 * wait-any with an event nobody sets leave in the middle.  A wake-up lost
 * between a spinner giving up and a release would hang the plain waits;
 * the owner count checks mutual exclusion. */
#define SPIN_THREADS 4
#define SPIN_ITERS 3000
static volatile LONG spin_inside, spin_bad, spin_acquired;
static HANDLE spin_never; /* manual reset, never set */

static DWORD WINAPI spin_worker(LPVOID p)
{
    unsigned x = 2654435761u * ((unsigned)(uintptr_t)p + 1);
    HANDLE hs[2] = {spin_never, shared_mutex};
    for (int i = 0; i < SPIN_ITERS + 100; i++) {
        x = x * 1103515245u + 12345u;
        DWORD r;
        unsigned how = i < SPIN_ITERS ? (x >> 8) % 4 : 0;
        if (how == 1)
            r = WaitForSingleObject(shared_mutex, 1);
        else if (how == 2)
            r = WaitForMultipleObjects(2, hs, FALSE, INFINITE) == WAIT_OBJECT_0 + 1
                    ? WAIT_OBJECT_0 : WAIT_FAILED;
        else
            r = WaitForSingleObject(shared_mutex, INFINITE);
        if (r == WAIT_TIMEOUT)
            continue;
        if (r != WAIT_OBJECT_0)
            return 1;
        if (InterlockedIncrement(&spin_inside) != 1)
            InterlockedIncrement(&spin_bad);
        InterlockedIncrement(&spin_acquired);
        unsigned hold = (x >> 16) % 8;
        if (hold == 7)
            Sleep(0);
        else
            for (volatile unsigned k = 0; k < (hold << ((x >> 20) % 13)); k++)
                ;
        InterlockedDecrement(&spin_inside);
        if (!ReleaseMutex(shared_mutex))
            return 2;
    }
    return 0;
}

START_TEST(test_spinners_race_releasers)
{
    shared_mutex = CreateMutexA(NULL, FALSE, NULL);
    spin_never = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t[SPIN_THREADS];
    for (int i = 0; i < SPIN_THREADS; i++)
        t[i] = CreateThread(NULL, 0, spin_worker, (LPVOID)(uintptr_t)i, 0, NULL);
    for (int i = 0; i < SPIN_THREADS; i++) {
        ASSERT_WAIT(WaitForSingleObject(t[i], INFINITE), WAIT_OBJECT_0);
        DWORD code;
        GetExitCodeThread(t[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert_int_eq(spin_bad, 0);
    ck_assert_int_ge(spin_acquired, SPIN_THREADS * 100);
    ASSERT_WAIT(WaitForSingleObject(shared_mutex, 0), WAIT_OBJECT_0);
    ck_assert(ReleaseMutex(shared_mutex));
    CloseHandle(spin_never);
    CloseHandle(shared_mutex);
}
END_TEST

/* An owner that ends at once while another thread waits (spinning, or
 * already queued): the waiter gets WAIT_ABANDONED, exactly once; a waiter
 * with a 1 ms timeout on a mutex held throughout times out, and one with
 * 0 does at once. */
static volatile LONG spin_owner_go;
static DWORD WINAPI spin_owner_ends(LPVOID p)
{
    (void)p;
    if (WaitForSingleObject(shared_mutex, INFINITE) != WAIT_OBJECT_0)
        return 1;
    InterlockedExchange(&spin_owner_go, 1);
    for (volatile int k = 0; k < 2000; k++)
        ;
    return 0; /* ends owning it */
}

static DWORD WINAPI timed_waiter(LPVOID p)
{
    return WaitForSingleObject(shared_mutex, (DWORD)(uintptr_t)p);
}

START_TEST(test_spinner_abandoned_and_timeouts)
{
    for (int round = 0; round < 50; round++) {
        shared_mutex = CreateMutexA(NULL, FALSE, NULL);
        spin_owner_go = 0;
        HANDLE t = CreateThread(NULL, 0, spin_owner_ends, NULL, 0, NULL);
        while (!InterlockedCompareExchange(&spin_owner_go, 0, 0))
            Sleep(0);
        ASSERT_WAIT(WaitForSingleObject(shared_mutex, INFINITE), WAIT_ABANDONED);
        ASSERT_WAIT(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
        CloseHandle(t);
        ck_assert(ReleaseMutex(shared_mutex));
        ASSERT_WAIT(WaitForSingleObject(shared_mutex, 0), WAIT_OBJECT_0);
        ck_assert(ReleaseMutex(shared_mutex));
        CloseHandle(shared_mutex);
    }
    shared_mutex = CreateMutexA(NULL, TRUE, NULL);
    HANDLE t = CreateThread(NULL, 0, timed_waiter, (LPVOID)(uintptr_t)1, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    GetExitCodeThread(t, &code);
    ck_assert_uint_eq(code, WAIT_TIMEOUT);
    CloseHandle(t);
    t = CreateThread(NULL, 0, timed_waiter, (LPVOID)(uintptr_t)0, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    GetExitCodeThread(t, &code);
    ck_assert_uint_eq(code, WAIT_TIMEOUT);
    CloseHandle(t);
    ck_assert(ReleaseMutex(shared_mutex));
    CloseHandle(shared_mutex);
}
END_TEST

static Suite *mutex_suite(void)
{
    Suite *s = suite_create("mutex");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_ownership_and_recursion);
    tcase_add_test(tc, test_initial_owner);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_close_while_owned);
    tcase_add_test(tc, test_owned_deleted_with_last_handle);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("abandoned");
    tcase_add_test(tc, test_abandoned_by_create_thread);
    tcase_add_test(tc, test_abandoned_by_pthread);
    tcase_add_test(tc, test_abandoned_wakes_waiter);
    tcase_add_test(tc, test_abandoned_in_wait_multiple);
    tcase_add_test(tc, test_abandoned_by_main_thread);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_mutual_exclusion);
    tcase_add_test(tc, test_abandon_churn);
    suite_add_tcase(s, tc);
    tc = tcase_create("contention");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_contended_every_waiter_acquires);
    tcase_add_test(tc, test_contended_timeouts_apcs_wait_any);
    tcase_add_test(tc, test_contended_abandoned_once);
    tcase_add_test(tc, test_spinners_race_releasers);
    tcase_add_test(tc, test_spinner_abandoned_and_timeouts);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(mutex_suite)
