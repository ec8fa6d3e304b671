/* Slim reader/writer locks: InitializeSRWLock, Acquire/Release/TryAcquire
 * in shared and exclusive mode. */
#include "testutil.h"
#include "unaligned.h"

#include <stdatomic.h>
#include <string.h>

static void run_threads(int n, LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t[MAXIMUM_WAIT_OBJECTS];
    for (int i = 0; i < n; i++) {
        t[i] = CreateThread(NULL, 0, fn, arg, 0, NULL);
        ck_assert_ptr_nonnull(t[i]);
    }
    ASSERT_WAIT(WaitForMultipleObjects(n, t, TRUE, INFINITE), WAIT_OBJECT_0);
    for (int i = 0; i < n; i++)
        CloseHandle(t[i]);
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_initialize)
{
    SRWLOCK a = SRWLOCK_INIT, b;
    ck_assert_ptr_null(a.Ptr);
    memset(&b, 0xcc, sizeof b);
    InitializeSRWLock(&b);
    ck_assert_ptr_null(b.Ptr);
    ck_assert_int_eq(sizeof(SRWLOCK), sizeof(void *));
}
END_TEST

START_TEST(test_exclusive)
{
    SRWLOCK l = SRWLOCK_INIT;
    SetLastError(0xdeadbeef);
    ck_assert_int_eq(TryAcquireSRWLockExclusive(&l), TRUE);
    ck_assert_int_eq(TryAcquireSRWLockExclusive(&l), FALSE); /* not recursive */
    ck_assert_int_eq(TryAcquireSRWLockShared(&l), FALSE);
    ReleaseSRWLockExclusive(&l);
    ck_assert_ptr_null(l.Ptr);
    AcquireSRWLockExclusive(&l);
    ck_assert_int_eq(TryAcquireSRWLockShared(&l), FALSE);
    ReleaseSRWLockExclusive(&l);
    ck_assert_ptr_null(l.Ptr);
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

START_TEST(test_shared)
{
    SRWLOCK l = SRWLOCK_INIT;
    SetLastError(0xdeadbeef);
    ck_assert_int_eq(TryAcquireSRWLockShared(&l), TRUE);
    ck_assert_int_eq(TryAcquireSRWLockShared(&l), TRUE);
    AcquireSRWLockShared(&l);
    ck_assert_int_eq(TryAcquireSRWLockExclusive(&l), FALSE);
    ReleaseSRWLockShared(&l);
    ReleaseSRWLockShared(&l);
    ck_assert_int_eq(TryAcquireSRWLockExclusive(&l), FALSE);
    ReleaseSRWLockShared(&l);
    ck_assert_ptr_null(l.Ptr);
    ck_assert_int_eq(TryAcquireSRWLockExclusive(&l), TRUE);
    ReleaseSRWLockExclusive(&l);
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

/* Releasing what is not held in that mode does nothing (Windows raises
 * STATUS_RESOURCE_NOT_OWNED). */
START_TEST(test_release_unheld)
{
    SRWLOCK l = SRWLOCK_INIT;
    ReleaseSRWLockExclusive(&l);
    ReleaseSRWLockShared(&l);
    ck_assert_ptr_null(l.Ptr);
    AcquireSRWLockExclusive(&l);
    ReleaseSRWLockShared(&l); /* wrong mode */
    ck_assert_int_eq(TryAcquireSRWLockShared(&l), FALSE);
    ReleaseSRWLockExclusive(&l);
    AcquireSRWLockShared(&l);
    ReleaseSRWLockExclusive(&l); /* wrong mode */
    ck_assert_int_eq(TryAcquireSRWLockExclusive(&l), FALSE);
    ReleaseSRWLockShared(&l);
    ck_assert_ptr_null(l.Ptr);
}
END_TEST

START_TEST(test_null_pointers)
{
    SetLastError(0xdeadbeef);
    InitializeSRWLock(NULL);
    AcquireSRWLockExclusive(NULL);
    AcquireSRWLockShared(NULL);
    ReleaseSRWLockExclusive(NULL);
    ReleaseSRWLockShared(NULL);
    ck_assert_int_eq(TryAcquireSRWLockExclusive(NULL), FALSE);
    ck_assert_int_eq(TryAcquireSRWLockShared(NULL), FALSE);
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static SRWLOCK lock = SRWLOCK_INIT;
static long pair[2]; /* written together under the exclusive lock */
static _Atomic int torn;
#define ITERS 20000

static DWORD WINAPI writer_reader(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        if (i % 4 == 0) {
            AcquireSRWLockShared(&lock);
            if (pair[0] != pair[1])
                atomic_store(&torn, 1);
            ReleaseSRWLockShared(&lock);
        } else {
            AcquireSRWLockExclusive(&lock);
            pair[0]++;
            pair[1]++;
            ReleaseSRWLockExclusive(&lock);
        }
    }
    return 0;
}

START_TEST(test_counter)
{
    run_threads(8, writer_reader, NULL);
    ck_assert_int_eq(pair[0], 8L * ITERS * 3 / 4);
    ck_assert_int_eq(pair[1], pair[0]);
    ck_assert_int_eq(atomic_load(&torn), 0);
    ck_assert_ptr_null(lock.Ptr);
}
END_TEST

static _Atomic int inside;

/* Each reader holds the lock until all four are inside at once. */
static DWORD WINAPI sharing_reader(LPVOID arg)
{
    (void)arg;
    AcquireSRWLockShared(&lock);
    atomic_fetch_add(&inside, 1);
    for (int i = 0; i < 5000 && atomic_load(&inside) < 4; i++)
        settle_ms(1);
    DWORD ok = atomic_load(&inside) >= 4;
    ReleaseSRWLockShared(&lock);
    return ok;
}

START_TEST(test_readers_share)
{
    HANDLE t[4];
    DWORD code;
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, sharing_reader, NULL, 0, NULL);
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 10000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++) {
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 1);
        CloseHandle(t[i]);
    }
    ck_assert_ptr_null(lock.Ptr);
}
END_TEST

static _Atomic int writer_done;

static DWORD WINAPI blocking_writer(LPVOID arg)
{
    (void)arg;
    AcquireSRWLockExclusive(&lock);
    atomic_store(&writer_done, 1);
    ReleaseSRWLockExclusive(&lock);
    return 0;
}

/* A waiting writer keeps new readers out, so readers cannot starve it. */
START_TEST(test_writer_preference)
{
    AcquireSRWLockShared(&lock);
    HANDLE t = CreateThread(NULL, 0, blocking_writer, NULL, 0, NULL);
    int i;
    for (i = 0; i < 5000 && TryAcquireSRWLockShared(&lock); i++) {
        ReleaseSRWLockShared(&lock);
        settle_ms(1);
    }
    ck_assert_int_lt(i, 5000); /* the writer queued and shut readers out */
    ck_assert_int_eq(atomic_load(&writer_done), 0);
    ReleaseSRWLockShared(&lock);
    ASSERT_WAIT(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    ck_assert_int_eq(atomic_load(&writer_done), 1);
    CloseHandle(t);
    ck_assert_ptr_null(lock.Ptr);
}
END_TEST

static DWORD WINAPI blocking_reader(LPVOID arg)
{
    AcquireSRWLockShared(&lock);
    atomic_fetch_add((_Atomic int *)arg, 1);
    ReleaseSRWLockShared(&lock);
    return 0;
}

START_TEST(test_writer_blocks_readers)
{
    static _Atomic int readers;
    HANDLE t[3];
    AcquireSRWLockExclusive(&lock);
    for (int i = 0; i < 3; i++)
        t[i] = CreateThread(NULL, 0, blocking_reader, (void *)&readers, 0, NULL);
    settle_ms(30);
    ck_assert_int_eq(atomic_load(&readers), 0);
    ReleaseSRWLockExclusive(&lock);
    ASSERT_WAIT(WaitForMultipleObjects(3, t, TRUE, 5000), WAIT_OBJECT_0);
    ck_assert_int_eq(atomic_load(&readers), 3);
    for (int i = 0; i < 3; i++)
        CloseHandle(t[i]);
    ck_assert_ptr_null(lock.Ptr);
}
END_TEST

/* An SRWLOCK at an odd offset (a packed struct): writers and readers
 * contend and sleep on it; it used to abort the process ("futex wait:
 * Invalid argument"). */
static void *srw_unaligned_worker(void *arg)
{
    struct packed_locks *p = arg;
    SRWLOCK *l = PACKED_MEMBER(p, SRWLOCK, srw);
    ua_LONG *count = PACKED_LONG(p, count);
    for (int i = 0; i < 20000; i++) {
        AcquireSRWLockExclusive(l);
        LONG c = *count;
        if (i % 1000 == 0)
            sched_yield(); /* let the others find it held and sleep */
        *count = c + 1;
        ReleaseSRWLockExclusive(l);
        if (i % 64 == 0) {
            AcquireSRWLockShared(l);
            ck_assert_int_ge(*count, 1);
            ReleaseSRWLockShared(l);
        }
    }
    return NULL;
}

START_TEST(test_unaligned)
{
    struct packed_locks *p = packed_at(_i);
    SRWLOCK *l = PACKED_MEMBER(p, SRWLOCK, srw);
    ck_assert_uint_eq((uintptr_t)l % 8, unaligned_expected(_i));
    InitializeSRWLock(l);
    /* Held exclusively while the threads start: they sleep on it. */
    AcquireSRWLockExclusive(l);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, srw_unaligned_worker, p), 0);
    settle_ms(50);
    ReleaseSRWLockExclusive(l);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    ck_assert_int_eq(*PACKED_LONG(p, count), 4 * 20000);
    AcquireSRWLockShared(l);
    ck_assert(!TryAcquireSRWLockExclusive(l));
    ReleaseSRWLockShared(l);
    ck_assert(TryAcquireSRWLockExclusive(l));
    ReleaseSRWLockExclusive(l);
    ck_assert_ptr_null(UA_FIELD(l, SRWLOCK, Ptr));
}
END_TEST

static Suite *srwlock_suite(void)
{
    Suite *s = suite_create("srwlock");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_initialize);
    tcase_add_test(basic, test_exclusive);
    tcase_add_test(basic, test_shared);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_release_unheld);
    tcase_add_test(errors, test_null_pointers);
    suite_add_tcase(s, errors);

    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_counter);
    tcase_add_test(threads, test_readers_share);
    tcase_add_test(threads, test_writer_preference);
    tcase_add_test(threads, test_writer_blocks_readers);
    tcase_add_loop_test(threads, test_unaligned, 0, UNALIGNED_CASES);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(srwlock_suite)
