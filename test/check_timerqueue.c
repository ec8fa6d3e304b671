/* Timer queues and registered waits (lib/proc/timerqueue.c): due times,
 * periods, WT_* flags, ChangeTimerQueueTimer, and deletion with NULL,
 * INVALID_HANDLE_VALUE or an event as the completion argument, including
 * deletion while callbacks run and from inside a callback.  Sequencing is
 * by events; time bounds are one-sided and generous. */
#include "testutil.h"

#define LONG_WAIT 10000

/* Counters are read with an interlocked operation: callbacks write them
 * concurrently (and ThreadSanitizer holds the test to it). */
#define GET(x) InterlockedCompareExchange((volatile LONG *)&(x), 0, 0)

struct tq_rec {
    volatile LONG n;
    volatile LONG timeouts;   /* TimerOrWaitFired TRUE */
    LONG target;
    HANDLE done;              /* set at the target count */
    HANDLE entered, go;       /* the callback signals entered, waits for go */
    PVOID volatile param_seen;
    volatile LONG finished;
    HANDLE self_queue, self_timer; /* test_delete_self */
    volatile LONG self_result;
};

static VOID CALLBACK rec_cb(PVOID param, BOOLEAN fired)
{
    struct tq_rec *r = param;
    InterlockedExchangePointer(&r->param_seen, param);
    if (fired)
        InterlockedIncrement(&r->timeouts);
    if (r->entered)
        SetEvent(r->entered);
    if (r->go)
        WaitForSingleObject(r->go, INFINITE);
    if (InterlockedIncrement(&r->n) == r->target && r->done)
        SetEvent(r->done);
    InterlockedIncrement(&r->finished);
}

static struct tq_rec *rec_new(LONG target)
{
    struct tq_rec *r = calloc(1, sizeof *r);
    r->target = target;
    r->done = CreateEventA(NULL, TRUE, FALSE, NULL);
    return r;
}

static void rec_free(struct tq_rec *r)
{
    CloseHandle(r->done);
    if (r->entered)
        CloseHandle(r->entered);
    if (r->go)
        CloseHandle(r->go);
    free(r);
}

START_TEST(test_one_shot)
{
    HANDLE q = CreateTimerQueue();
    ck_assert_ptr_nonnull(q);
    struct tq_rec *r = rec_new(1);
    HANDLE t = NULL;
    ULONGLONG t0 = GetTickCount64();
    SetLastError(0xdeadbeef);
    ck_assert(CreateTimerQueueTimer(&t, q, rec_cb, r, 100, 0, WT_EXECUTEONLYONCE));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_ptr_nonnull(t);
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_uint_ge(GetTickCount64() - t0, 90);
    ck_assert_ptr_eq(r->param_seen, r);
    ck_assert_int_eq(GET(r->timeouts), 1); /* TimerOrWaitFired is always TRUE */
    ck_assert(DeleteTimerQueueTimer(q, t, INVALID_HANDLE_VALUE));
    ck_assert_int_eq(GET(r->n), 1);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    rec_free(r);
}
END_TEST

START_TEST(test_periodic_default_queue)
{
    struct tq_rec *r = rec_new(5);
    HANDLE t;
    ck_assert(CreateTimerQueueTimer(&t, NULL, rec_cb, r, 0, 10, WT_EXECUTEDEFAULT));
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert(DeleteTimerQueueTimer(NULL, t, INVALID_HANDLE_VALUE));
    LONG n = GET(r->n);
    settle_ms(50);
    ck_assert_int_eq(GET(r->n), n); /* nothing after the deletion returned */
    rec_free(r);
}
END_TEST

START_TEST(test_in_timer_thread_and_long)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *a = rec_new(3), *b = rec_new(1);
    HANDLE ta, tb;
    ck_assert(CreateTimerQueueTimer(&ta, q, rec_cb, a, 1, 5, WT_EXECUTEINTIMERTHREAD));
    ck_assert(CreateTimerQueueTimer(&tb, q, rec_cb, b, 1, 0,
                                    WT_EXECUTELONGFUNCTION | WT_EXECUTEONLYONCE));
    ASSERT_WAIT(WaitForSingleObject(a->done, LONG_WAIT), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(b->done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    LONG n = GET(a->n);
    settle_ms(30);
    ck_assert_int_eq(GET(a->n), n);
    rec_free(a);
    rec_free(b);
}
END_TEST

START_TEST(test_change_timer)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    HANDLE t;
    ck_assert(CreateTimerQueueTimer(&t, q, rec_cb, r, 1000000, 0, 0));
    SetLastError(0xdeadbeef);
    ck_assert(ChangeTimerQueueTimer(q, t, 10, 0));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    /* Expired one-shot: not updated (Microsoft), the call succeeds. */
    ck_assert(ChangeTimerQueueTimer(q, t, 10, 0));
    settle_ms(50);
    ck_assert_int_eq(GET(r->n), 1);
    ASSERT_FAILS(ChangeTimerQueueTimer(q, NULL, 10, 0), ERROR_INVALID_PARAMETER);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    rec_free(r);
}
END_TEST

/* A timer whose callback is running, blocked on r->go. */
static HANDLE running_timer(HANDLE q, struct tq_rec *r)
{
    r->entered = CreateEventA(NULL, FALSE, FALSE, NULL);
    r->go = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t;
    ck_assert(CreateTimerQueueTimer(&t, q, rec_cb, r, 0, 0, WT_EXECUTEONLYONCE));
    ASSERT_WAIT(WaitForSingleObject(r->entered, LONG_WAIT), WAIT_OBJECT_0);
    return t;
}

START_TEST(test_delete_timer_null_while_running)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    HANDLE t = running_timer(q, r);
    ASSERT_FAILS(DeleteTimerQueueTimer(q, t, NULL), ERROR_IO_PENDING);
    SetEvent(r->go);
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    while (GET(r->finished) < 1) /* its last touch of r */
        settle_ms(1);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    rec_free(r);
}
END_TEST

START_TEST(test_delete_timer_event_while_running)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    HANDLE t = running_timer(q, r);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(DeleteTimerQueueTimer(q, t, ev), ERROR_IO_PENDING);
    ASSERT_WAIT(WaitForSingleObject(ev, 50), WAIT_TIMEOUT);
    SetEvent(r->go);
    ASSERT_WAIT(WaitForSingleObject(ev, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_int_eq(GET(r->finished), 1); /* set after the callback returned */
    ck_assert(DeleteTimerQueueEx(q, NULL));
    CloseHandle(ev);
    rec_free(r);
}
END_TEST

static DWORD WINAPI release_later(LPVOID p)
{
    Sleep(100);
    SetEvent((HANDLE)p);
    return 0;
}

START_TEST(test_delete_timer_invalid_handle_value_waits)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    HANDLE t = running_timer(q, r);
    HANDLE th = CreateThread(NULL, 0, release_later, r->go, 0, NULL);
    SetLastError(0xdeadbeef);
    ck_assert(DeleteTimerQueueTimer(q, t, INVALID_HANDLE_VALUE));
    ck_assert_int_eq(GET(r->finished), 1);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    rec_free(r);
}
END_TEST

START_TEST(test_delete_idle)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    HANDLE t1, t2;
    ck_assert(CreateTimerQueueTimer(&t1, q, rec_cb, r, 1000000, 0, 0));
    ck_assert(CreateTimerQueueTimer(&t2, q, rec_cb, r, 1000000, 0, 0));
    SetLastError(0xdeadbeef);
    ck_assert(DeleteTimerQueueTimer(q, t1, NULL)); /* nothing ran: done at once */
    ASSERT_LAST_ERROR(0xdeadbeef);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(DeleteTimerQueueTimer(q, t2, ev));
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_OBJECT_0); /* set at once */
    ResetEvent(ev);
    ck_assert(DeleteTimerQueueEx(q, ev));
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    ck_assert_int_eq(GET(r->n), 0);
    CloseHandle(ev);
    rec_free(r);
}
END_TEST

START_TEST(test_delete_queue_while_running)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    running_timer(q, r);
    HANDLE t2;
    struct tq_rec *idle = rec_new(1);
    ck_assert(CreateTimerQueueTimer(&t2, q, rec_cb, idle, 1000000, 0, 0));
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(DeleteTimerQueueEx(q, ev), ERROR_IO_PENDING);
    ASSERT_WAIT(WaitForSingleObject(ev, 50), WAIT_TIMEOUT);
    SetEvent(r->go);
    ASSERT_WAIT(WaitForSingleObject(ev, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_int_eq(GET(r->finished), 1);
    ck_assert_int_eq(GET(idle->n), 0);
    CloseHandle(ev);
    rec_free(r);
    rec_free(idle);
}
END_TEST

START_TEST(test_delete_queue_waits)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    running_timer(q, r);
    HANDLE th = CreateThread(NULL, 0, release_later, r->go, 0, NULL);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    ck_assert_int_eq(GET(r->finished), 1);
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    rec_free(r);
}
END_TEST

static VOID CALLBACK delete_self_cb(PVOID param, BOOLEAN fired)
{
    (void)fired;
    struct tq_rec *r = param;
    /* Waiting for itself would never end: the call returns. */
    r->self_result = DeleteTimerQueueTimer(r->self_queue, r->self_timer, INVALID_HANDLE_VALUE);
    SetEvent(r->done);
}

START_TEST(test_delete_self)
{
    struct tq_rec *r = rec_new(1);
    r->self_queue = CreateTimerQueue();
    r->go = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(CreateTimerQueueTimer(&r->self_timer, r->self_queue, delete_self_cb, r, 20, 0, 0));
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_int_eq(GET(r->self_result), TRUE);
    ck_assert(DeleteTimerQueueEx(r->self_queue, INVALID_HANDLE_VALUE));
    rec_free(r);
}
END_TEST

START_TEST(test_obsolete_names)
{
    HANDLE q = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    HANDLE t = SetTimerQueueTimer(q, rec_cb, r, 10, 0, FALSE);
    ck_assert_ptr_nonnull(t);
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    HANDLE idle = SetTimerQueueTimer(q, rec_cb, r, 1000000, 0, TRUE);
    ck_assert_ptr_nonnull(idle);
    SetLastError(0xdeadbeef);
    ck_assert(CancelTimerQueueTimer(q, idle)); /* never ran: done at once */
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    ck_assert_int_eq(GET(r->n), 1);
    ck_assert(DeleteTimerQueue(CreateTimerQueue()));
    rec_free(r);
}
END_TEST

START_TEST(test_timer_errors)
{
    HANDLE q = CreateTimerQueue();
    HANDLE t;
    ASSERT_FAILS(CreateTimerQueueTimer(NULL, q, rec_cb, NULL, 0, 0, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateTimerQueueTimer(&t, q, NULL, NULL, 0, 0, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(DeleteTimerQueueTimer(q, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(DeleteTimerQueueTimer(q, NULL, INVALID_HANDLE_VALUE), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(DeleteTimerQueueEx(NULL, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(UnregisterWait(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(UnregisterWaitEx(NULL, INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE);
    /* A timer of another queue. */
    HANDLE q2 = CreateTimerQueue();
    struct tq_rec *r = rec_new(1);
    ck_assert(CreateTimerQueueTimer(&t, q2, rec_cb, r, 1000000, 0, 0));
    ASSERT_FAILS(DeleteTimerQueueTimer(q, t, NULL), ERROR_INVALID_PARAMETER);
    ck_assert(DeleteTimerQueueEx(q2, INVALID_HANDLE_VALUE));
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    rec_free(r);
}
END_TEST

/* ---- registered waits ---- */

START_TEST(test_register_wait_repeats)
{
    struct tq_rec *r = rec_new(3);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE w = NULL;
    SetLastError(0xdeadbeef);
    ck_assert(RegisterWaitForSingleObject(&w, ev, rec_cb, r, INFINITE, WT_EXECUTEDEFAULT));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_ptr_nonnull(w);
    for (int i = 0; i < 3; i++) {
        LONG before = GET(r->n);
        SetEvent(ev);
        while (GET(r->n) == before) /* one signal, one callback */
            settle_ms(1);
    }
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_int_eq(GET(r->timeouts), 0);
    ck_assert(UnregisterWaitEx(w, INVALID_HANDLE_VALUE));
    SetEvent(ev);
    settle_ms(30);
    ck_assert_int_eq(GET(r->n), 3);
    CloseHandle(ev);
    rec_free(r);
}
END_TEST

START_TEST(test_register_wait_timeout_and_once)
{
    struct tq_rec *r = rec_new(3);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE w;
    /* Timeouts repeat: TimerOrWaitFired TRUE each time. */
    ck_assert(RegisterWaitForSingleObject(&w, ev, rec_cb, r, 10, WT_EXECUTEDEFAULT));
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert(UnregisterWaitEx(w, INVALID_HANDLE_VALUE));
    ck_assert_int_eq(GET(r->timeouts), GET(r->n));
    /* WT_EXECUTEONLYONCE: one callback though the event stays set. */
    struct tq_rec *once = rec_new(1);
    SetEvent(ev);
    ck_assert(RegisterWaitForSingleObject(&w, ev, rec_cb, once, INFINITE,
                                          WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD));
    ASSERT_WAIT(WaitForSingleObject(once->done, LONG_WAIT), WAIT_OBJECT_0);
    settle_ms(30);
    ck_assert_int_eq(GET(once->n), 1);
    ck_assert_int_eq(GET(once->timeouts), 0);
    SetLastError(0xdeadbeef);
    ck_assert(UnregisterWait(w));
    ASSERT_LAST_ERROR(0xdeadbeef);
    CloseHandle(ev);
    rec_free(r);
    rec_free(once);
}
END_TEST

START_TEST(test_unregister_while_running)
{
    struct tq_rec *r = rec_new(1);
    r->entered = CreateEventA(NULL, FALSE, FALSE, NULL);
    r->go = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE ev = CreateEventA(NULL, FALSE, TRUE, NULL);
    HANDLE w;
    ck_assert(RegisterWaitForSingleObject(&w, ev, rec_cb, r, INFINITE, WT_EXECUTEONLYONCE));
    ASSERT_WAIT(WaitForSingleObject(r->entered, LONG_WAIT), WAIT_OBJECT_0);
    ASSERT_FAILS(UnregisterWait(w), ERROR_IO_PENDING);
    SetEvent(r->go);
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    while (GET(r->finished) < 1)
        settle_ms(1);

    /* An event: ERROR_IO_PENDING, then set once the callback returned. */
    struct tq_rec *r2 = rec_new(1);
    r2->entered = CreateEventA(NULL, FALSE, FALSE, NULL);
    r2->go = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetEvent(ev);
    ck_assert(RegisterWaitForSingleObject(&w, ev, rec_cb, r2, INFINITE, WT_EXECUTEONLYONCE));
    ASSERT_WAIT(WaitForSingleObject(r2->entered, LONG_WAIT), WAIT_OBJECT_0);
    HANDLE done = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(UnregisterWaitEx(w, done), ERROR_IO_PENDING);
    ASSERT_WAIT(WaitForSingleObject(done, 50), WAIT_TIMEOUT);
    SetEvent(r2->go);
    ASSERT_WAIT(WaitForSingleObject(done, LONG_WAIT), WAIT_OBJECT_0);
    ck_assert_int_eq(GET(r2->finished), 1);

    /* INVALID_HANDLE_VALUE: waits for it. */
    struct tq_rec *r3 = rec_new(1);
    r3->entered = CreateEventA(NULL, FALSE, FALSE, NULL);
    r3->go = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetEvent(ev);
    ck_assert(RegisterWaitForSingleObject(&w, ev, rec_cb, r3, INFINITE, WT_EXECUTEONLYONCE));
    ASSERT_WAIT(WaitForSingleObject(r3->entered, LONG_WAIT), WAIT_OBJECT_0);
    HANDLE th = CreateThread(NULL, 0, release_later, r3->go, 0, NULL);
    ck_assert(UnregisterWaitEx(w, INVALID_HANDLE_VALUE));
    ck_assert_int_eq(GET(r3->finished), 1);
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    CloseHandle(done);
    CloseHandle(ev);
    rec_free(r);
    rec_free(r2);
    rec_free(r3);
}
END_TEST

START_TEST(test_register_wait_errors)
{
    HANDLE w, ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(RegisterWaitForSingleObject(NULL, ev, rec_cb, NULL, 0, 0),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(RegisterWaitForSingleObject(&w, ev, NULL, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(RegisterWaitForSingleObject(&w, (HANDLE)(ULONG_PTR)0x7ffffff0, rec_cb, NULL,
                                             INFINITE, 0),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(RegisterWaitForSingleObject(&w, NULL, rec_cb, NULL, INFINITE, 0),
                 ERROR_INVALID_HANDLE);
    CloseHandle(ev);
}
END_TEST

START_TEST(test_register_many_waits)
{
    enum { N = 300 };
    static HANDLE evs[N], ws[N];
    struct tq_rec *r = rec_new(N);
    for (int i = 0; i < N; i++) {
        evs[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
        ck_assert(RegisterWaitForSingleObject(&ws[i], evs[i], rec_cb, r, INFINITE,
                                              WT_EXECUTEONLYONCE));
    }
    for (int i = 0; i < N; i++)
        SetEvent(evs[i]);
    ASSERT_WAIT(WaitForSingleObject(r->done, LONG_WAIT), WAIT_OBJECT_0);
    for (int i = 0; i < N; i++) {
        ck_assert(UnregisterWaitEx(ws[i], INVALID_HANDLE_VALUE));
        CloseHandle(evs[i]);
    }
    ck_assert_int_eq(GET(r->n), N);
    rec_free(r);
}
END_TEST

/* ---- stress ---- */

START_TEST(test_stress_timers_deleted_while_firing)
{
    /* Deleted with INVALID_HANDLE_VALUE or an event: nothing of theirs runs
     * once the call returned or the event is set.  Deleted with NULL: no
     * notice, so their record is static (never freed). */
    static struct tq_rec strict, loose;
    HANDLE q = CreateTimerQueue();
    for (int round = 0; round < 100; round++) {
        HANDLE t[9], ev[9];
        for (int i = 0; i < 9; i++) {
            ev[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
            ck_assert(CreateTimerQueueTimer(&t[i], q, rec_cb, i % 3 == 2 ? &loose : &strict, 0,
                                            1, i % 2 ? WT_EXECUTEINTIMERTHREAD : 0));
        }
        settle_ms(2);
        for (int i = 0; i < 9; i++) {
            HANDLE how = i % 3 == 0 ? INVALID_HANDLE_VALUE : i % 3 == 1 ? ev[i] : NULL;
            SetLastError(0xdeadbeef);
            BOOL ok = DeleteTimerQueueTimer(q, t[i], how);
            ck_assert(ok || (how != INVALID_HANDLE_VALUE && GetLastError() == ERROR_IO_PENDING));
            if (i % 3 == 1)
                ASSERT_WAIT(WaitForSingleObject(ev[i], LONG_WAIT), WAIT_OBJECT_0);
        }
        LONG n = GET(strict.finished);
        settle_ms(1);
        ck_assert_int_eq(GET(strict.finished), n);
        for (int i = 0; i < 9; i++)
            CloseHandle(ev[i]);
    }
    ck_assert(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
}
END_TEST

START_TEST(test_stress_waits_unregistered_while_running)
{
    HANDLE ev = CreateEventA(NULL, TRUE, TRUE, NULL); /* stays set: callbacks keep coming */
    struct tq_rec *r = rec_new(-1);
    for (int round = 0; round < 50; round++) {
        HANDLE w[20];
        for (int i = 0; i < 20; i++)
            ck_assert(RegisterWaitForSingleObject(&w[i], ev, rec_cb, r, INFINITE,
                                                  i % 2 ? WT_EXECUTEINWAITTHREAD : 0));
        settle_ms(1);
        for (int i = 0; i < 20; i++)
            ck_assert(UnregisterWaitEx(w[i], INVALID_HANDLE_VALUE));
        LONG n = GET(r->finished);
        settle_ms(2);
        ck_assert_int_eq(GET(r->finished), n); /* none of them runs any more */
    }
    CloseHandle(ev);
    rec_free(r);
}
END_TEST

static Suite *timerqueue_suite(void)
{
    Suite *s = suite_create("timerqueue");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_one_shot);
    tcase_add_test(tc, test_periodic_default_queue);
    tcase_add_test(tc, test_in_timer_thread_and_long);
    tcase_add_test(tc, test_change_timer);
    tcase_add_test(tc, test_delete_timer_null_while_running);
    tcase_add_test(tc, test_delete_timer_event_while_running);
    tcase_add_test(tc, test_delete_timer_invalid_handle_value_waits);
    tcase_add_test(tc, test_delete_idle);
    tcase_add_test(tc, test_delete_queue_while_running);
    tcase_add_test(tc, test_delete_queue_waits);
    tcase_add_test(tc, test_delete_self);
    tcase_add_test(tc, test_obsolete_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("waits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_register_wait_repeats);
    tcase_add_test(tc, test_register_wait_timeout_and_once);
    tcase_add_test(tc, test_unregister_while_running);
    tcase_add_test(tc, test_register_many_waits);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_timer_errors);
    tcase_add_test(tc, test_register_wait_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_stress_timers_deleted_while_firing);
    tcase_add_test(tc, test_stress_waits_unregistered_while_running);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(timerqueue_suite)
