/* Waitable timers: due times, periods, reset modes, completion routines
 * as APCs, cancel, names, access.  Time bounds are generous: the only
 * tight side is "not before the due time". */
#include "testutil.h"

#include <string.h>

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static LARGE_INTEGER rel_ms(LONGLONG ms)
{
    LARGE_INTEGER li;
    li.QuadPart = -ms * 10000;
    return li;
}

static ULONGLONG now_ms(void)
{
    return GetTickCount64();
}

START_TEST(test_manual_timer)
{
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, NULL);
    ck_assert_ptr_nonnull(t);
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT); /* never set */
    LARGE_INTEGER due = rel_ms(300);
    ULONGLONG t0 = now_ms();
    SetLastError(0xdeadbeef);
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_ge(now_ms() - t0, 290);
    /* A notification timer stays signalled... */
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_OBJECT_0);
    /* ...until it is set again. */
    due = rel_ms(10000);
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    ck_assert(CancelWaitableTimer(t));
    ck_assert(CloseHandle(t));
}
END_TEST

START_TEST(test_sync_timer_and_absolute_time)
{
    HANDLE t = CreateWaitableTimerExW(NULL, NULL, 0, TIMER_ALL_ACCESS);
    ck_assert_ptr_nonnull(t);
    /* An absolute due time in the past fires at once. */
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    LARGE_INTEGER due;
    due.QuadPart = (((LONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime) - 10000000;
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    /* The satisfied wait reset it. */
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT);

    /* An absolute time 80 ms ahead. */
    GetSystemTimeAsFileTime(&ft);
    due.QuadPart = (((LONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime) + 800000;
    ULONGLONG t0 = now_ms();
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_ge(now_ms() - t0, 70);
    CloseHandle(t);
}
END_TEST

START_TEST(test_periodic)
{
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, NULL);
    LARGE_INTEGER due = rel_ms(5);
    ULONGLONG t0 = now_ms();
    ck_assert(SetWaitableTimer(t, &due, 20, NULL, NULL, FALSE));
    for (int i = 0; i < 4; i++)
        ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_ge(now_ms() - t0, 60); /* 5 + 3 periods */
    ck_assert(CancelWaitableTimer(t));
    /* Cancelled: no further signal. */
    WaitForSingleObject(t, 0);
    ASSERT_WAIT(WaitForSingleObject(t, 100), WAIT_TIMEOUT);
    CloseHandle(t);
}
END_TEST

START_TEST(test_cancel_keeps_state)
{
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, NULL);
    LARGE_INTEGER due = rel_ms(2000);
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ck_assert(CancelWaitableTimer(t));
    ASSERT_WAIT(WaitForSingleObject(t, 200), WAIT_TIMEOUT);
    due = rel_ms(0);
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert(CancelWaitableTimer(t)); /* an expired timer: still fine */
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_OBJECT_0); /* state kept */
    CloseHandle(t);
}
END_TEST

/* ---- completion routines ---- */

static int calls;
static LPVOID last_arg;
static ULONGLONG last_time;

static VOID CALLBACK on_timer(LPVOID arg, DWORD lo, DWORD hi)
{
    calls++;
    last_arg = arg;
    last_time = ((ULONGLONG)hi << 32) | lo;
}

START_TEST(test_completion_routine)
{
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, NULL);
    LARGE_INTEGER due = rel_ms(30);
    FILETIME before;
    GetSystemTimeAsFileTime(&before);
    ck_assert(SetWaitableTimer(t, &due, 0, on_timer, (LPVOID)0x1234, FALSE));
    /* Not alertable: the routine does not run, the timer still signals. */
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(calls, 0);
    ASSERT_WAIT(SleepEx(10000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(calls, 1);
    ck_assert_ptr_eq(last_arg, (LPVOID)0x1234);
    ULONGLONG b = ((ULONGLONG)before.dwHighDateTime << 32) | before.dwLowDateTime;
    ck_assert_uint_ge(last_time, b);
    ck_assert_uint_lt(last_time, b + 600000000ull); /* within a minute */
    ASSERT_WAIT(SleepEx(0, TRUE), 0);
    ck_assert_int_eq(calls, 1);

    /* An alertable wait on the timer itself: the object is signalled at
     * the same time as the APC is queued, and either may win. */
    ck_assert(SetWaitableTimer(t, &due, 0, on_timer, NULL, FALSE));
    DWORD r = WaitForSingleObjectEx(t, 10000, TRUE);
    ck_assert(r == WAIT_OBJECT_0 || r == WAIT_IO_COMPLETION);
    /* The firing thread signals first and queues the routine next: after
     * WAIT_OBJECT_0 the routine may not be queued yet, so wait for it. */
    if (calls < 2)
        ASSERT_WAIT(SleepEx(10000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(calls, 2);
    CloseHandle(t);
}
END_TEST

/* A periodic timer queues its routine at most once until it runs; Set and
 * Cancel take a pending one back. */
START_TEST(test_routine_queued_once)
{
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, NULL);
    LARGE_INTEGER due = rel_ms(1);
    ck_assert(SetWaitableTimer(t, &due, 5, on_timer, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    Sleep(100); /* ~20 periods, not alertable */
    ASSERT_WAIT(SleepEx(10000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(calls, 1);
    ck_assert(CancelWaitableTimer(t));
    calls = 0;

    ck_assert(SetWaitableTimer(t, &due, 0, on_timer, NULL, FALSE));
    Sleep(50);
    ck_assert(CancelWaitableTimer(t));
    ASSERT_WAIT(SleepEx(0, TRUE), 0);

    ck_assert(SetWaitableTimer(t, &due, 0, on_timer, NULL, FALSE));
    Sleep(50);
    LARGE_INTEGER later = rel_ms(100000);
    ck_assert(SetWaitableTimer(t, &later, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(SleepEx(0, TRUE), 0);

    ck_assert(SetWaitableTimer(t, &due, 0, on_timer, NULL, FALSE));
    Sleep(50);
    CloseHandle(t); /* closing the timer takes it back too */
    ASSERT_WAIT(SleepEx(0, TRUE), 0);
    ck_assert_int_eq(calls, 0);
}
END_TEST

static DWORD WINAPI set_and_exit(LPVOID p)
{
    LARGE_INTEGER due = rel_ms(20);
    return SetWaitableTimer((HANDLE)p, &due, 0, on_timer, NULL, FALSE);
}

/* The routine belongs to the thread that set the timer: when that thread
 * is gone the timer still signals and nothing runs elsewhere. */
START_TEST(test_routine_thread_gone)
{
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, NULL);
    HANDLE th = CreateThread(NULL, 0, set_and_exit, t, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    DWORD code;
    GetExitCodeThread(th, &code);
    ck_assert_uint_eq(code, TRUE);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(SleepEx(50, TRUE), 0);
    ck_assert_int_eq(calls, 0);
    CloseHandle(th);
    CloseHandle(t);
}
END_TEST

/* ---- errors, names, access ---- */

START_TEST(test_errors)
{
    LARGE_INTEGER due = rel_ms(10);
    ASSERT_FAILS(CreateWaitableTimerExA(NULL, NULL, 2, TIMER_ALL_ACCESS),
                 ERROR_INVALID_PARAMETER);
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, NULL);
    ASSERT_FAILS(SetWaitableTimer(t, &due, -1, NULL, NULL, FALSE), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetWaitableTimer(t, NULL, 0, NULL, NULL, FALSE), ERROR_NOACCESS);
    ASSERT_FAILS(SetWaitableTimer(NULL, &due, 0, NULL, NULL, FALSE), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelWaitableTimer(NULL), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(SetWaitableTimer(e, &due, 0, NULL, NULL, FALSE), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CancelWaitableTimer(e), ERROR_INVALID_HANDLE);
    CloseHandle(e);

    /* Setting and cancelling need TIMER_MODIFY_STATE. */
    HANDLE q;
    ck_assert(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &q,
                              TIMER_QUERY_STATE | SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(SetWaitableTimer(q, &due, 0, NULL, NULL, FALSE), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CancelWaitableTimer(q), ERROR_ACCESS_DENIED);
    CloseHandle(q);

    /* Waking the machine is not available: set anyway, last error
     * ERROR_NOT_SUPPORTED, as documented. */
    SetLastError(0xdeadbeef);
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, TRUE));
    ASSERT_LAST_ERROR(ERROR_NOT_SUPPORTED);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    REASON_CONTEXT why = {POWER_REQUEST_CONTEXT_VERSION, POWER_REQUEST_CONTEXT_SIMPLE_STRING,
                          {.SimpleReasonString = NULL}};
    SetLastError(0xdeadbeef);
    ck_assert(SetWaitableTimerEx(t, &due, 0, NULL, NULL, &why, 0));
    ASSERT_LAST_ERROR(ERROR_NOT_SUPPORTED);
    SetLastError(0xdeadbeef);
    ck_assert(SetWaitableTimerEx(t, &due, 0, NULL, NULL, NULL, 5));
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
}
END_TEST

START_TEST(test_names)
{
    HANDLE a = CreateWaitableTimerA(NULL, TRUE, "winshim-test-timer");
    SetLastError(0xdeadbeef);
    HANDLE b = CreateWaitableTimerW(NULL, FALSE, u"winshim-test-timer");
    ck_assert_ptr_nonnull(b);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    HANDLE c = OpenWaitableTimerA(SYNCHRONIZE, FALSE, "winshim-test-timer");
    ck_assert_ptr_nonnull(c);
    LARGE_INTEGER due = rel_ms(1);
    ck_assert(SetWaitableTimer(b, &due, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(c, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_OBJECT_0); /* manual: kept */
    ASSERT_FAILS(OpenWaitableTimerW(TIMER_ALL_ACCESS, FALSE, u"winshim-no-timer"),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "winshim-test-timer"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateMutexA(NULL, FALSE, "winshim-test-timer"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenWaitableTimerA(0, FALSE, "winshim-test-timer"), ERROR_ACCESS_DENIED);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
}
END_TEST

/* ---- many timers, many threads ---- */

#define NTIMERS 48
static DWORD WINAPI timer_churn(LPVOID p)
{
    HANDLE *ts = p;
    for (int round = 0; round < 20; round++)
        for (int i = 0; i < 8; i++) {
            LARGE_INTEGER due = rel_ms((round * 7 + i * 3) % 11);
            if (!SetWaitableTimer(ts[i], &due, i % 3, NULL, NULL, FALSE))
                return 1;
            if (WaitForSingleObject(ts[i], 10000) != WAIT_OBJECT_0)
                return 2;
            if ((i & 1) && !CancelWaitableTimer(ts[i]))
                return 3;
        }
    for (int i = 0; i < 8; i++)
        CancelWaitableTimer(ts[i]);
    return 0;
}

START_TEST(test_many_timers)
{
    HANDLE ts[NTIMERS], th[NTIMERS / 8];
    for (int i = 0; i < NTIMERS; i++)
        ts[i] = CreateWaitableTimerA(NULL, FALSE, NULL);
    for (int i = 0; i < NTIMERS / 8; i++)
        th[i] = CreateThread(NULL, 0, timer_churn, &ts[i * 8], 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(NTIMERS / 8, th, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < NTIMERS / 8; i++) {
        DWORD code;
        GetExitCodeThread(th[i], &code);
        ck_assert_uint_eq(code, 0);
        CloseHandle(th[i]);
    }
    /* Timers due in order fire in order: wait-any on all of them. */
    for (int i = 0; i < 8; i++) {
        LARGE_INTEGER due = rel_ms(20 + 25 * i);
        ck_assert(SetWaitableTimer(ts[i], &due, 0, NULL, NULL, FALSE));
    }
    for (int i = 0; i < 8; i++)
        ASSERT_WAIT(WaitForMultipleObjects(8, ts, FALSE, 10000), WAIT_OBJECT_0 + i);
    for (int i = 0; i < NTIMERS; i++)
        CloseHandle(ts[i]);
}
END_TEST

/* ---- a named timer set and cancelled from two processes ---- */

static const char *xname(const char *tag)
{
    static char buf[4][64];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, 64, "Local\\wstimer_%d_%s", (int)getpid(), tag);
    return b;
}

/* Forks a session member that waits for go() and then runs fn(name); the
 * child is forked before the caller starts its timer thread, as
 * ThreadSanitizer cannot start threads in the child of a multi-threaded
 * fork. */
struct child {
    pid_t pid;
    int go; /* write end */
};

static struct child child_fork(int (*fn)(const char *), const char *name)
{
    int p[2];
    ck_assert(pipe(p) == 0);
    struct child c = {fork(), p[1]};
    ck_assert(c.pid >= 0);
    if (c.pid == 0) {
        close(p[1]);
        char b;
        _exit(read(p[0], &b, 1) == 1 ? fn(name) : 100);
    }
    close(p[0]);
    return c;
}

/* Lets the child run and returns its exit status (0 = passed). */
static int child_go_wait(struct child c)
{
    ck_assert(write(c.go, "g", 1) == 1);
    close(c.go);
    int st = 0;
    ck_assert(waitpid(c.pid, &st, 0) == c.pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int child_cancel(const char *name)
{
    HANDLE weak = OpenWaitableTimerA(SYNCHRONIZE, FALSE, name);
    if (!weak)
        return 1;
    SetLastError(0xdeadbeef);
    if (CancelWaitableTimer(weak) || GetLastError() != ERROR_ACCESS_DENIED)
        return 2;
    HANDLE h = OpenWaitableTimerA(TIMER_MODIFY_STATE, FALSE, name);
    if (!h)
        return 3;
    SetLastError(0xdeadbeef);
    if (!CancelWaitableTimer(h) || GetLastError() != 0xdeadbeef)
        return 4;
    return 0;
}

START_TEST(test_cancel_from_other_process)
{
    char name[64];
    snprintf(name, sizeof name, "%s", xname("cancel"));
    struct child c = child_fork(child_cancel, name);
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, name);
    ck_assert_ptr_nonnull(t);
    LARGE_INTEGER due = rel_ms(600);
    ULONGLONG t0 = now_ms();
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ck_assert_int_eq(child_go_wait(c), 0);
    /* Only a cancel that came before the due time says anything. */
    if (now_ms() - t0 < 550)
        ASSERT_WAIT(WaitForSingleObject(t, 1000), WAIT_TIMEOUT);
    else
        fprintf(stderr, "test_cancel_from_other_process: child too slow, not checked\n");
    CloseHandle(t);
}
END_TEST

/* Sets the timer 100 ms ahead, sees it fire, resets it (a Set far ahead)
 * and cancels. */
static int child_set_short(const char *name)
{
    HANDLE h = OpenWaitableTimerA(TIMER_MODIFY_STATE | SYNCHRONIZE, FALSE, name);
    if (!h)
        return 1;
    LARGE_INTEGER due = rel_ms(100);
    if (!SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE))
        return 2;
    if (WaitForSingleObject(h, 10000) != WAIT_OBJECT_0)
        return 3;
    due = rel_ms(60000);
    if (!SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE) ||
        WaitForSingleObject(h, 0) != WAIT_TIMEOUT)
        return 4;
    if (!CancelWaitableTimer(h))
        return 5;
    return 0;
}

START_TEST(test_set_from_other_process_supersedes)
{
    char name[64];
    snprintf(name, sizeof name, "%s", xname("super"));
    struct child c = child_fork(child_set_short, name);
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, name);
    ck_assert_ptr_nonnull(t);
    LARGE_INTEGER due = rel_ms(600);
    ULONGLONG t0 = now_ms();
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    ck_assert_int_eq(child_go_wait(c), 0);
    /* Our arming (600 ms) was superseded by the child's Set, whenever
     * that came: past its due time, nothing has signalled the timer. */
    ULONGLONG waited = now_ms() - t0;
    ASSERT_WAIT(WaitForSingleObject(t, waited < 1200 ? (DWORD)(1200 - waited) : 0),
                WAIT_TIMEOUT);
    CloseHandle(t);
}
END_TEST

static int child_cancel_plain(const char *name)
{
    HANDLE h = OpenWaitableTimerA(TIMER_MODIFY_STATE, FALSE, name);
    return h && CancelWaitableTimer(h) ? 0 : 1;
}

START_TEST(test_periodic_cancelled_from_other_process)
{
    char name[64];
    snprintf(name, sizeof name, "%s", xname("period"));
    struct child c = child_fork(child_cancel_plain, name);
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, name);
    ck_assert_ptr_nonnull(t);
    LARGE_INTEGER due = rel_ms(30);
    ck_assert(SetWaitableTimer(t, &due, 30, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(child_go_wait(c), 0);
    (void)WaitForSingleObject(t, 0); /* a period that ended before the cancel */
    ASSERT_WAIT(WaitForSingleObject(t, 400), WAIT_TIMEOUT);
    CloseHandle(t);
}
END_TEST

/* Sets the timer and leaves at once: its arming goes with it. */
static int child_set_and_exit(const char *name)
{
    HANDLE h = OpenWaitableTimerA(TIMER_MODIFY_STATE, FALSE, name);
    LARGE_INTEGER due = rel_ms(50);
    LONG period = strstr(name, "periodic") ? 20 : 0;
    return h && SetWaitableTimer(h, &due, period, NULL, NULL, FALSE) ? 0 : 1;
}

START_TEST(test_set_by_process_that_exits)
{
    /* As a kernel timer on Windows: it fires for its waiters although the
     * process that set it has gone (the waiter's shadow arming). */
    char name[64], pname[64];
    snprintf(name, sizeof name, "%s", xname("exits"));
    snprintf(pname, sizeof pname, "%s", xname("periodic"));
    /* Both children are forked before this process has a timer thread
     * (ThreadSanitizer refuses threads in a child of a threaded fork). */
    struct child c = child_fork(child_set_and_exit, name);
    struct child c2 = child_fork(child_set_and_exit, pname);
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, name);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(child_go_wait(c), 0);
    ASSERT_WAIT(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT); /* one firing, consumed */

    HANDLE p = CreateWaitableTimerA(NULL, FALSE, pname);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(child_go_wait(c2), 0);
    for (int i = 0; i < 3; i++)
        ASSERT_WAIT(WaitForSingleObject(p, 60000), WAIT_OBJECT_0);
    ck_assert(CancelWaitableTimer(p));
    CloseHandle(p);
    CloseHandle(t);
}
END_TEST

static Suite *timer_suite(void)
{
    Suite *s = suite_create("timer");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_manual_timer);
    tcase_add_test(tc, test_sync_timer_and_absolute_time);
    tcase_add_test(tc, test_periodic);
    tcase_add_test(tc, test_cancel_keeps_state);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("apc");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_completion_routine);
    tcase_add_test(tc, test_routine_queued_once);
    tcase_add_test(tc, test_routine_thread_gone);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_cancel_from_other_process);
    tcase_add_test(tc, test_set_from_other_process_supersedes);
    tcase_add_test(tc, test_periodic_cancelled_from_other_process);
    tcase_add_test(tc, test_set_by_process_that_exits);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_many_timers);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(timer_suite)
