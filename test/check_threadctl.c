/*
 * Thread control (lib/proc/thread.c termination and context,
 * lib/proc/threadctl.c): TerminateThread of running, waiting, sleeping
 * and suspended threads; Get/SetThreadContext; affinity and ideal
 * processors; priority class; times and cycle counts; CreateRemoteThread.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <dlfcn.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile LONG spins;

static DWORD WINAPI spin_forever(LPVOID p)
{
    (void)p;
    for (;;)
        __atomic_fetch_add(&spins, 1, __ATOMIC_SEQ_CST);
    return 0;
}

/* Where libwinshim is linked into the program (the sanitizer trees are
 * --disable-shared), TerminateThread cannot tell winshim's code from the
 * program's and stops a thread only in a wait or a sleep
 * (docs/COMPATIBILITY.md): the tests of threads running their own code
 * need the shared library. */
static int winshim_is_shared(void)
{
    Dl_info lib, prog;
    return dladdr((void *)(uintptr_t)TerminateThread, &lib) &&
           dladdr((void *)(uintptr_t)spin_forever, &prog) &&
           lib.dli_fbase != prog.dli_fbase;
}

#define NEEDS_SHARED_WINSHIM()                                                 \
    do {                                                                       \
        if (!winshim_is_shared())                                              \
            return;                                                            \
    } while (0)

static void wait_spinning(void)
{
    LONG s = __atomic_load_n(&spins, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&spins, __ATOMIC_SEQ_CST) == s)
        settle_ms(1);
}

static DWORD exit_code_of(HANDLE t)
{
    DWORD code = 0xcccccccc;
    ck_assert(GetExitCodeThread(t, &code));
    return code;
}

/* ---- TerminateThread ---- */

START_TEST(test_terminate_running)
{
    NEEDS_SHARED_WINSHIM();
    HANDLE t = CreateThread(NULL, 0, spin_forever, NULL, 0, NULL);
    wait_spinning();
    ck_assert_uint_eq(exit_code_of(t), STILL_ACTIVE);
    ck_assert(TerminateThread(t, 0x1234));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 0x1234);
    /* Again: nothing changes. */
    SetLastError(0xdeadbeef);
    ck_assert(TerminateThread(t, 9));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(exit_code_of(t), 0x1234);
    /* It really stopped. */
    LONG s = __atomic_load_n(&spins, __ATOMIC_SEQ_CST);
    settle_ms(20);
    ck_assert_int_eq(__atomic_load_n(&spins, __ATOMIC_SEQ_CST), s);
    CloseHandle(t);
}
END_TEST

static HANDLE shared_mutex, ready_event;

static DWORD WINAPI own_then_spin(LPVOID p)
{
    (void)p;
    WaitForSingleObject(shared_mutex, INFINITE);
    SetEvent(ready_event);
    return spin_forever(NULL);
}

START_TEST(test_terminate_abandons_mutex)
{
    NEEDS_SHARED_WINSHIM();
    shared_mutex = CreateMutexA(NULL, FALSE, NULL);
    ready_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, own_then_spin, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready_event, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(shared_mutex, 0), WAIT_TIMEOUT);
    ck_assert(TerminateThread(t, 3));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(shared_mutex, 10000), WAIT_ABANDONED);
    ck_assert(ReleaseMutex(shared_mutex));
    CloseHandle(t);
    CloseHandle(shared_mutex);
    CloseHandle(ready_event);
}
END_TEST

static DWORD WINAPI wait_event(LPVOID p)
{
    SetEvent(ready_event);
    WaitForSingleObject((HANDLE)p, INFINITE);
    return 7;
}

static DWORD WINAPI wait_event_alertable(LPVOID p)
{
    SetEvent(ready_event);
    WaitForSingleObjectEx((HANDLE)p, INFINITE, TRUE);
    return 7;
}

static DWORD WINAPI sleep_long(LPVOID p)
{
    SetEvent(ready_event);
    Sleep((DWORD)(uintptr_t)p);
    return 7;
}

static void terminate_blocked(LPTHREAD_START_ROUTINE fn, LPVOID arg)
{
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready_event, 10000), WAIT_OBJECT_0);
    settle_ms(5); /* let it block (either way it must end) */
    ck_assert(TerminateThread(t, 11));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 11);
    CloseHandle(t);
}

START_TEST(test_terminate_blocked)
{
#ifdef __SANITIZE_THREAD__
    /* ThreadSanitizer holds an asynchronous signal back while the thread
     * is in a system call it does not intercept (winshim's futex waits),
     * so the termination signal reaches a blocked thread only later. */
    return;
#endif
    ready_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    terminate_blocked(wait_event, ev);
    terminate_blocked(wait_event_alertable, ev);
    terminate_blocked(sleep_long, (LPVOID)(uintptr_t)INFINITE);
    terminate_blocked(sleep_long, (LPVOID)(uintptr_t)100000);
    /* The terminated waiters took nothing: the event is still there for
     * the next waiter, once. */
    ck_assert(SetEvent(ev));
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    CloseHandle(ev);
    CloseHandle(ready_event);
}
END_TEST

START_TEST(test_terminate_suspended)
{
    NEEDS_SHARED_WINSHIM();
    HANDLE t = CreateThread(NULL, 0, spin_forever, NULL, 0, NULL);
    wait_spinning();
    ck_assert_uint_eq(SuspendThread(t), 0);
    ck_assert_uint_eq(SuspendThread(t), 1);
    ck_assert(TerminateThread(t, 21));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 21);
    /* Terminated: no more suspending. */
    ASSERT_FAILS(SuspendThread(t) != (DWORD)-1, ERROR_ACCESS_DENIED);
    CloseHandle(t);
}
END_TEST

/* Windows runs no DLL or FLS callback for a terminated thread; neither do
 * we, nor the pthread key destructors. */
static pthread_key_t probe_key;
static volatile int key_destructor_ran, fls_callback_ran;

static void key_destructor(void *p)
{
    (void)p;
    key_destructor_ran = 1;
}

static void WINAPI fls_callback(PVOID p)
{
    (void)p;
    fls_callback_ran = 1;
}

static DWORD fls_index;

static DWORD WINAPI with_callbacks(LPVOID p)
{
    (void)p;
    pthread_setspecific(probe_key, (void *)1);
    FlsSetValue(fls_index, (PVOID)1);
    return spin_forever(NULL);
}

START_TEST(test_terminate_runs_no_callbacks)
{
    NEEDS_SHARED_WINSHIM();
    pthread_key_create(&probe_key, key_destructor);
    fls_index = FlsAlloc(fls_callback);
    ck_assert_uint_ne(fls_index, FLS_OUT_OF_INDEXES);
    HANDLE t = CreateThread(NULL, 0, with_callbacks, NULL, 0, NULL);
    wait_spinning();
    ck_assert(TerminateThread(t, 1));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(key_destructor_ran, 0);
    ck_assert_int_eq(fls_callback_ran, 0);
    CloseHandle(t);
}
END_TEST

static DWORD WINAPI terminates_self(LPVOID p)
{
    (void)p;
    TerminateThread(GetCurrentThread(), 44);
    return 1; /* not reached */
}

START_TEST(test_terminate_errors)
{
    NEEDS_SHARED_WINSHIM();
    HANDLE t = CreateThread(NULL, 0, terminates_self, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 44);
    CloseHandle(t);

    t = CreateThread(NULL, 0, spin_forever, NULL, 0, NULL);
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &weak,
                              SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, 0));
    ASSERT_FAILS(TerminateThread(weak, 1), ERROR_ACCESS_DENIED);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(TerminateThread(ev, 1), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(TerminateThread(NULL, 1), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(TerminateThread((HANDLE)(uintptr_t)0x7ffc, 1), ERROR_INVALID_HANDLE);
    ck_assert(TerminateThread(t, 2));
    ASSERT_WAIT(WaitForSingleObject(weak, 10000), WAIT_OBJECT_0);
    CloseHandle(weak);
    CloseHandle(t);
    CloseHandle(ev);
}
END_TEST

/* A thread that is mostly inside winshim calls is stopped between them
 * (the signal is re-sent until it is out). */
static DWORD WINAPI calls_winshim(LPVOID p)
{
    HANDLE ev = (HANDLE)p;
    for (;;) {
        SetEvent(ev);
        ResetEvent(ev);
        InterlockedIncrement(&spins);
    }
    return 0;
}

START_TEST(test_terminate_in_winshim_calls)
{
    NEEDS_SHARED_WINSHIM();
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, calls_winshim, ev, 0, NULL);
    wait_spinning();
    for (int i = 0; i < 4; i++)
        ck_assert(TerminateThread(t[i], 30 + i));
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 20000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(exit_code_of(t[i]), 30 + i);
        CloseHandle(t[i]);
    }
    /* The event they were changing still works. */
    ck_assert(SetEvent(ev));
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(ev);
}
END_TEST

/* Many threads that take and release a mutex, wait on events and sleep,
 * terminated wherever they are; every one ends, the mutex is never lost
 * (released or abandoned), and the survivors go on. */
#define STRESS_THREADS 24

static HANDLE stress_mutex, stress_event;
static volatile LONG stress_rounds, stress_bad;

static DWORD WINAPI stress_worker(LPVOID p)
{
    uintptr_t kind = (uintptr_t)p % 3;
    for (;;) {
        /* No ck_assert here: Check's lock would stay held by a thread
         * terminated inside it (as any lock a terminated thread holds). */
        DWORD r = WaitForSingleObject(stress_mutex, INFINITE);
        if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED)
            InterlockedIncrement(&stress_bad);
        InterlockedIncrement(&stress_rounds);
        if (kind == 0)
            for (volatile int i = 0; i < 1000; i++)
                ;
        ReleaseMutex(stress_mutex);
        if (kind == 1)
            WaitForSingleObject(stress_event, 1);
        else if (kind == 2)
            Sleep(0);
    }
    return 0;
}

START_TEST(test_terminate_stress)
{
    NEEDS_SHARED_WINSHIM();
    stress_mutex = CreateMutexA(NULL, FALSE, NULL);
    stress_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    for (int round = 0; round < 4; round++) {
        HANDLE t[STRESS_THREADS];
        for (uintptr_t i = 0; i < STRESS_THREADS; i++)
            t[i] = CreateThread(NULL, 0, stress_worker, (LPVOID)i, 0, NULL);
        LONG start = stress_rounds;
        while (stress_rounds - start < 200)
            settle_ms(1);
        for (int i = 0; i < STRESS_THREADS; i += 2) /* half of them */
            ck_assert(TerminateThread(t[i], 100 + i));
        for (int i = 0; i < STRESS_THREADS; i += 2) {
            ASSERT_WAIT(WaitForSingleObject(t[i], 20000), WAIT_OBJECT_0);
            ck_assert_uint_eq(exit_code_of(t[i]), 100 + i);
        }
        /* The others still make progress. */
        start = stress_rounds;
        while (stress_rounds - start < 100)
            settle_ms(1);
        for (int i = 1; i < STRESS_THREADS; i += 2)
            ck_assert(TerminateThread(t[i], 1));
        ASSERT_WAIT(WaitForMultipleObjects(STRESS_THREADS, t, TRUE, 20000), WAIT_OBJECT_0);
        DWORD r = WaitForSingleObject(stress_mutex, 10000);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_ABANDONED);
        ck_assert(ReleaseMutex(stress_mutex));
        for (int i = 0; i < STRESS_THREADS; i++)
            CloseHandle(t[i]);
    }
    ck_assert_int_eq(stress_bad, 0);
    CloseHandle(stress_mutex);
    CloseHandle(stress_event);
}
END_TEST

/* ---- context ---- */

#if defined(__x86_64__)
static volatile LONG redirected_arg;

static void redirected(long arg)
{
    __atomic_store_n(&redirected_arg, (LONG)arg, __ATOMIC_SEQ_CST);
    ExitThread(55);
}

START_TEST(test_context_redirect)
{
    NEEDS_SHARED_WINSHIM();
    HANDLE t = CreateThread(NULL, 0, spin_forever, NULL, 0, NULL);
    wait_spinning();
    ck_assert_uint_eq(SuspendThread(t), 0);
    CONTEXT c;
    memset(&c, 0xcc, sizeof c);
    c.ContextFlags = CONTEXT_FULL | CONTEXT_SEGMENTS | CONTEXT_DEBUG_REGISTERS;
    ck_assert(GetThreadContext(t, &c));
    ck_assert_uint_eq(c.ContextFlags, CONTEXT_FULL | CONTEXT_SEGMENTS | CONTEXT_DEBUG_REGISTERS);
    ck_assert(c.Rip > (DWORD64)(uintptr_t)spin_forever &&
              c.Rip < (DWORD64)(uintptr_t)spin_forever + 64);
    ck_assert(c.Rsp != 0 && c.Rsp != 0xcccccccccccccccc);
    ck_assert_uint_eq(c.SegCs, 0x33);
    ck_assert_uint_eq(c.Dr7, 0);
    ck_assert_uint_eq(c.MxCsr, c.FltSave.MxCsr);
    ck_assert_uint_eq(c.FltSave.ControlWord, 0x37f);
    /* Still suspended, still where it was. */
    LONG s = __atomic_load_n(&spins, __ATOMIC_SEQ_CST);
    settle_ms(10);
    ck_assert_int_eq(__atomic_load_n(&spins, __ATOMIC_SEQ_CST), s);
    /* To another function, with an argument (SysV: rdi), on a fresh,
     * call-aligned part of its stack. */
    c.ContextFlags = CONTEXT_CONTROL | CONTEXT_INTEGER;
    c.Rip = (DWORD64)(uintptr_t)redirected;
    c.Rsp = ((c.Rsp - 512) & ~(DWORD64)15) - 8;
    c.Rdi = 1234;
    ck_assert(SetThreadContext(t, &c));
    ck_assert_uint_eq(ResumeThread(t), 1);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 55);
    ck_assert_int_eq(redirected_arg, 1234);
    CloseHandle(t);
}
END_TEST

static DWORD WINAPI started_routine(LPVOID p)
{
    (void)p;
    return 8;
}

START_TEST(test_context_running_and_self)
{
    NEEDS_SHARED_WINSHIM();
    /* A running thread: a snapshot; it runs on. */
    HANDLE t = CreateThread(NULL, 0, spin_forever, NULL, 0, NULL);
    wait_spinning();
    CONTEXT c;
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    ck_assert(GetThreadContext(t, &c));
    ck_assert(c.Rip != 0);
    wait_spinning();
    ck_assert_uint_eq(ResumeThread(t), 0); /* it was not left suspended */
    ck_assert(TerminateThread(t, 0));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    /* Ended: refused (as Wine). */
    ASSERT_FAILS(GetThreadContext(t, &c), ERROR_GEN_FAILURE);
    ASSERT_FAILS(SetThreadContext(t, &c), ERROR_GEN_FAILURE);
    CloseHandle(t);

    /* Created suspended: it has a context before it starts. */
    t = CreateThread(NULL, 0, started_routine, NULL, CREATE_SUSPENDED, NULL);
    c.ContextFlags = CONTEXT_FULL;
    ck_assert(GetThreadContext(t, &c));
    ck_assert(c.Rip != 0 && c.Rsp != 0);
    ck_assert(SetThreadContext(t, &c)); /* unchanged */
    ck_assert_uint_eq(ResumeThread(t), 1);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 8);
    CloseHandle(t);

    /* Suspended inside a winshim wait: readable, but it may not be moved
     * before the wait is over (docs/COMPATIBILITY.md). */
    ready_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    t = CreateThread(NULL, 0, wait_event, ev, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(ready_event, 10000), WAIT_OBJECT_0);
    settle_ms(5);
    ck_assert_uint_eq(SuspendThread(t), 0);
    c.ContextFlags = CONTEXT_FULL;
    ck_assert(GetThreadContext(t, &c));
    ck_assert(SetThreadContext(t, &c)); /* no change */
    if (GetThreadContext(t, &c) && (c.ContextFlags = CONTEXT_CONTROL, c.Rip += 1, 1)) {
        SetLastError(0xdeadbeef);
        BOOL moved = SetThreadContext(t, &c);
        /* Refused if it was still in the wait (it almost surely is). */
        ck_assert(moved || GetLastError() == ERROR_NOT_SUPPORTED);
        if (!moved) {
            ck_assert_uint_eq(ResumeThread(t), 1);
            ck_assert(SetEvent(ev));
            ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
            ck_assert_uint_eq(exit_code_of(t), 7);
        } else {
            ck_assert(TerminateThread(t, 7)); /* its Rip is no good now */
            ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        }
    }
    CloseHandle(t);
    CloseHandle(ev);
    CloseHandle(ready_event);

    /* The caller: a context of this call. */
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_FULL;
    ck_assert(GetThreadContext(GetCurrentThread(), &c));
    ck_assert(c.Rip != 0 && c.Rsp != 0);
    ASSERT_FAILS(SetThreadContext(GetCurrentThread(), &c), ERROR_NOT_SUPPORTED);
}
END_TEST
#endif

START_TEST(test_context_errors)
{
    NEEDS_SHARED_WINSHIM();
    HANDLE t = CreateThread(NULL, 0, spin_forever, NULL, 0, NULL);
    wait_spinning();
    ck_assert_uint_eq(SuspendThread(t), 0);
    CONTEXT c;
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_FULL;
#if defined(__x86_64__)
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &weak,
                              THREAD_SET_CONTEXT, FALSE, 0));
    ASSERT_FAILS(GetThreadContext(weak, &c), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    ck_assert(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &weak,
                              THREAD_GET_CONTEXT, FALSE, 0));
    ck_assert(GetThreadContext(weak, &c));
    ASSERT_FAILS(SetThreadContext(weak, &c), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    ASSERT_FAILS(GetThreadContext(t, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(SetThreadContext(t, NULL), ERROR_NOACCESS);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(GetThreadContext(ev, &c), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetThreadContext(ev, &c), ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    /* Hardware breakpoints cannot be set; zeros can. */
    c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
    c.Dr0 = 0x1000;
    c.Dr7 = 1;
    ASSERT_FAILS(SetThreadContext(t, &c), ERROR_NOT_SUPPORTED);
    c.Dr0 = c.Dr7 = 0;
    ck_assert(SetThreadContext(t, &c));
#else
    ASSERT_FAILS(GetThreadContext(t, &c), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(SetThreadContext(t, &c), ERROR_NOT_SUPPORTED);
#endif
    ck_assert(TerminateThread(t, 0));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
}
END_TEST

/* ---- affinity ---- */

START_TEST(test_affinity)
{
    DWORD_PTR proc = 0, sys = 0;
    ck_assert(GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys));
    ck_assert(proc != 0 && sys != 0);
    ck_assert_uint_eq(proc & ~sys, 0);
    DWORD_PTR first = proc & (~proc + 1); /* lowest processor allowed */

    /* The thread: previous mask back, then where it runs. */
    DWORD_PTR old = SetThreadAffinityMask(GetCurrentThread(), first);
    ck_assert_uint_eq(old, proc);
    sched_yield();
    ck_assert_uint_eq((DWORD_PTR)1 << GetCurrentProcessorNumber(), first);
    PROCESSOR_NUMBER pn;
    memset(&pn, 0xcc, sizeof pn);
    GetCurrentProcessorNumberEx(&pn);
    ck_assert_uint_eq(pn.Group, 0);
    ck_assert_uint_eq((DWORD_PTR)1 << pn.Number, first);
    ck_assert_uint_eq(pn.Reserved, 0);
    GROUP_AFFINITY ga, prev;
    memset(&ga, 0xcc, sizeof ga);
    ck_assert(GetThreadGroupAffinity(GetCurrentThread(), &ga));
    ck_assert_uint_eq(ga.Mask, first);
    ck_assert_uint_eq(ga.Group, 0);
    ga.Mask = proc;
    ck_assert(SetThreadGroupAffinity(GetCurrentThread(), &ga, &prev));
    ck_assert_uint_eq(prev.Mask, first);

    /* Outside the process's mask, or none. */
    if (~sys) {
        DWORD_PTR outside = ~sys & (~(~sys) + 1);
        SetLastError(0xdeadbeef);
        ck_assert_uint_eq(SetThreadAffinityMask(GetCurrentThread(), outside), 0);
        ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
        ASSERT_FAILS(SetProcessAffinityMask(GetCurrentProcess(), outside),
                     ERROR_INVALID_PARAMETER);
    }
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SetThreadAffinityMask(GetCurrentThread(), 0), 0);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetProcessAffinityMask(GetCurrentProcess(), 0), ERROR_INVALID_PARAMETER);
    ga.Group = 1;
    ASSERT_FAILS(SetThreadGroupAffinity(GetCurrentThread(), &ga, NULL),
                 ERROR_INVALID_PARAMETER);
    ga.Group = 0;
    ga.Reserved[1] = 1;
    ASSERT_FAILS(SetThreadGroupAffinity(GetCurrentThread(), &ga, NULL),
                 ERROR_INVALID_PARAMETER);

    /* The process mask bounds its threads' masks. */
    ck_assert(SetProcessAffinityMask(GetCurrentProcess(), first));
    ck_assert(GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys));
    ck_assert_uint_eq(proc, first);
    ga.Reserved[1] = 0;
    ck_assert(GetThreadGroupAffinity(GetCurrentThread(), &ga));
    ck_assert_uint_eq(ga.Mask, first);
    if (sys & ~first) {
        SetLastError(0xdeadbeef);
        ck_assert_uint_eq(SetThreadAffinityMask(GetCurrentThread(), sys & ~first), 0);
        ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    }

    /* Rights and handles. */
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              &weak, PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
    ck_assert(GetProcessAffinityMask(weak, &proc, &sys));
    ASSERT_FAILS(SetProcessAffinityMask(weak, first), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &weak, THREAD_QUERY_LIMITED_INFORMATION, FALSE, 0));
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SetThreadAffinityMask(weak, first), 0);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    ck_assert(GetThreadGroupAffinity(weak, &ga));
    CloseHandle(weak);
    ASSERT_FAILS(GetProcessAffinityMask(GetCurrentThread(), &proc, &sys),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetThreadGroupAffinity(GetCurrentProcess(), &ga), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetProcessAffinityMask(GetCurrentProcess(), NULL, &sys), ERROR_NOACCESS);
}
END_TEST

START_TEST(test_ideal_processor)
{
    DWORD_PTR proc, sys;
    ck_assert(GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys));
    DWORD ncpu = 0;
    while (ncpu < 64 && (sys >> ncpu) & 1)
        ncpu++;
    HANDLE me = GetCurrentThread();
    DWORD before = SetThreadIdealProcessor(me, 64); /* MAXIMUM_PROCESSORS: query */
    ck_assert_uint_lt(before, ncpu);
    ck_assert_uint_eq(SetThreadIdealProcessor(me, 0), before);
    ck_assert_uint_eq(SetThreadIdealProcessor(me, 64), 0);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(SetThreadIdealProcessor(me, ncpu), (DWORD)-1);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    PROCESSOR_NUMBER pn = {0, (BYTE)(ncpu - 1), 0}, prev, now;
    memset(&prev, 0xcc, sizeof prev);
    ck_assert(SetThreadIdealProcessorEx(me, &pn, &prev));
    ck_assert_uint_eq(prev.Group, 0);
    ck_assert_uint_eq(prev.Number, 0);
    ck_assert(GetThreadIdealProcessorEx(me, &now));
    ck_assert_uint_eq(now.Number, ncpu - 1);
    pn.Group = 1;
    ASSERT_FAILS(SetThreadIdealProcessorEx(me, &pn, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadIdealProcessorEx(me, NULL, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(GetThreadIdealProcessorEx(me, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(GetThreadIdealProcessorEx(GetCurrentProcess(), &now), ERROR_INVALID_HANDLE);
}
END_TEST

/* ---- priority class ---- */

static int my_nice(void)
{
    errno = 0;
    return getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
}

START_TEST(test_priority_class)
{
    HANDLE me = GetCurrentProcess();
    /* The nice values follow only where Linux lets us lower nice again
     * (root; RLIMIT_NICE otherwise): the class is kept and reported as set
     * either way. */
    int real = geteuid() == 0;
    if (my_nice() == 0)
        ck_assert_uint_eq(GetPriorityClass(me), NORMAL_PRIORITY_CLASS);
    ck_assert(SetPriorityClass(me, BELOW_NORMAL_PRIORITY_CLASS));
    ck_assert_uint_eq(GetPriorityClass(me), BELOW_NORMAL_PRIORITY_CLASS);
    if (real)
        ck_assert_int_eq(my_nice(), 5);
    /* Thread priorities stay relative to the class. */
    ck_assert(SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_LOWEST));
    if (real)
        ck_assert_int_eq(my_nice(), 15);
    ck_assert(SetPriorityClass(me, IDLE_PRIORITY_CLASS));
    ck_assert_uint_eq(GetPriorityClass(me), IDLE_PRIORITY_CLASS);
    if (real)
        ck_assert_int_eq(my_nice(), 19);
    ck_assert(SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_NORMAL));
    if (real)
        ck_assert_int_eq(my_nice(), 10);
    /* Background mode: once, then out of it once. */
    ck_assert(SetPriorityClass(me, PROCESS_MODE_BACKGROUND_BEGIN));
    ck_assert_int_eq(my_nice(), 19);
    ck_assert_uint_eq(GetPriorityClass(me), IDLE_PRIORITY_CLASS);
    ASSERT_FAILS(SetPriorityClass(me, PROCESS_MODE_BACKGROUND_BEGIN),
                 ERROR_PROCESS_MODE_ALREADY_BACKGROUND);
    ck_assert(SetPriorityClass(me, PROCESS_MODE_BACKGROUND_END));
    if (real)
        ck_assert_int_eq(my_nice(), 10);
    ASSERT_FAILS(SetPriorityClass(me, PROCESS_MODE_BACKGROUND_END),
                 ERROR_PROCESS_MODE_NOT_BACKGROUND);
    /* Errors. */
    ASSERT_FAILS(SetPriorityClass(me, 0x12345), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetPriorityClass(me, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetPriorityClass(GetCurrentThread(), NORMAL_PRIORITY_CLASS),
                 ERROR_INVALID_HANDLE);
    HANDLE weak;
    ck_assert(DuplicateHandle(me, me, me, &weak, PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
    ck_assert_uint_eq(GetPriorityClass(weak), IDLE_PRIORITY_CLASS);
    ASSERT_FAILS(SetPriorityClass(weak, NORMAL_PRIORITY_CLASS), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    ck_assert(DuplicateHandle(me, me, me, &weak, SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(GetPriorityClass(weak), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    if (real) {
        ck_assert(SetPriorityClass(me, HIGH_PRIORITY_CLASS));
        ck_assert_int_eq(my_nice(), -10);
        ck_assert(SetPriorityClass(me, REALTIME_PRIORITY_CLASS));
        ck_assert_uint_eq(GetPriorityClass(me), REALTIME_PRIORITY_CLASS);
        ck_assert(SetPriorityClass(me, NORMAL_PRIORITY_CLASS));
        ck_assert_int_eq(my_nice(), 0);
    }
}
END_TEST

/* ---- times ---- */

static ULONGLONG ft64(FILETIME f)
{
    return ((ULONGLONG)f.dwHighDateTime << 32) | f.dwLowDateTime;
}

static void burn_cpu(void)
{
    ULONG64 c0 = 0, c1 = 0;
    ck_assert(QueryThreadCycleTime(GetCurrentThread(), &c0));
    do
        ck_assert(QueryThreadCycleTime(GetCurrentThread(), &c1));
    while (c1 - c0 < 30000000); /* 30 ms of CPU */
}

static DWORD WINAPI burner(LPVOID p)
{
    (void)p;
    burn_cpu();
    return 0;
}

START_TEST(test_times)
{
    FILETIME now_ft;
    GetSystemTimeAsFileTime(&now_ft);
    ULONGLONG now = ft64(now_ft);
    burn_cpu();
    FILETIME c, e, k, u;
    memset(&e, 0xcc, sizeof e);
    ck_assert(GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u));
    ck_assert(ft64(c) <= now + 10000000);
    ck_assert_uint_eq(ft64(e), 0);
    ck_assert(ft64(u) + ft64(k) >= 200000); /* at least 20 ms, in ticks */

    /* An ended thread: its times stay. */
    HANDLE t = CreateThread(NULL, 0, burner, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert(GetThreadTimes(t, &c, &e, &k, &u));
    ck_assert(ft64(c) >= now - 10000000);
    ck_assert(ft64(e) >= ft64(c));
    ck_assert(ft64(u) + ft64(k) >= 200000);
    ULONG64 cycles = 0;
    ck_assert(QueryThreadCycleTime(t, &cycles));
    ck_assert(cycles >= 20000000);
    CloseHandle(t);

    ck_assert(GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u));
    ck_assert(ft64(c) <= now + 10000000 && ft64(c) > now - 36000000000ULL);
    ck_assert_uint_eq(ft64(e), 0);
    ck_assert(ft64(u) + ft64(k) >= 400000);
    ULONG64 pc = 0, tc = 0;
    ck_assert(QueryThreadCycleTime(GetCurrentThread(), &tc));
    ck_assert(QueryProcessCycleTime(GetCurrentProcess(), &pc));
    ck_assert(pc >= tc);

    FILETIME idle, kern, user;
    ck_assert(GetSystemTimes(&idle, &kern, &user));
    ck_assert(ft64(kern) >= ft64(idle));
    ck_assert(ft64(user) > 0);
    ck_assert(GetSystemTimes(NULL, NULL, &user));

    /* Errors. */
    ASSERT_FAILS(GetThreadTimes(GetCurrentThread(), &c, NULL, &k, &u), ERROR_NOACCESS);
    ASSERT_FAILS(GetProcessTimes(GetCurrentProcess(), NULL, &e, &k, &u), ERROR_NOACCESS);
    ASSERT_FAILS(GetThreadTimes(GetCurrentProcess(), &c, &e, &k, &u), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetProcessTimes(GetCurrentThread(), &c, &e, &k, &u), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(QueryThreadCycleTime(GetCurrentThread(), NULL), ERROR_NOACCESS);
    ASSERT_FAILS(QueryProcessCycleTime(GetCurrentThread(), &pc), ERROR_INVALID_HANDLE);
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &weak, SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(GetThreadTimes(weak, &c, &e, &k, &u), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(QueryThreadCycleTime(weak, &tc), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
}
END_TEST

/* ---- CreateRemoteThread ---- */

static DWORD WINAPI remote_routine(LPVOID p)
{
    return (DWORD)(uintptr_t)p;
}

START_TEST(test_create_remote_thread)
{
    DWORD tid = 0;
    HANDLE t = CreateRemoteThread(GetCurrentProcess(), NULL, 0, remote_routine,
                                  (LPVOID)(uintptr_t)66, 0, &tid);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_ne(tid, 0);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 66);
    CloseHandle(t);
    /* Our own process by its id. */
    HANDLE me = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
    t = CreateRemoteThreadEx(me, NULL, 0, remote_routine, (LPVOID)(uintptr_t)67,
                             CREATE_SUSPENDED, NULL, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(ResumeThread(t), 1);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(t), 67);
    CloseHandle(t);
    CloseHandle(me);
    /* Rights. */
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              &weak, PROCESS_ALL_ACCESS & ~PROCESS_CREATE_THREAD, FALSE,
                              0));
    ASSERT_FAILS(CreateRemoteThread(weak, NULL, 0, remote_routine, NULL, 0, NULL),
                 ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    ASSERT_FAILS(CreateRemoteThread(GetCurrentThread(), NULL, 0, remote_routine, NULL, 0, NULL),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateRemoteThread(GetCurrentProcess(), NULL, 0, NULL, NULL, 0, NULL),
                 ERROR_INVALID_PARAMETER);
    /* Another process: not supported (docs/COMPATIBILITY.md). */
    HANDLE parent = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)getppid());
    if (parent) {
        ASSERT_FAILS(CreateRemoteThread(parent, NULL, 0, remote_routine, NULL, 0, NULL),
                     ERROR_NOT_SUPPORTED);
        CloseHandle(parent);
    }
}
END_TEST

/* ---- CreateRemoteThread into another process ----
 *
 * The child is this executable again ("--child wait KEY"): it waits on
 * the named event "wsrt-KEY-quit" and exits with 3.  The routines below
 * run in it: the same executable maps them at the same offset, and
 * libwinshim's exports (GetCurrentProcessId, ExitThread) likewise. */

static void event_name(char *buf, size_t cap, uintptr_t key, const char *what)
{
    snprintf(buf, cap, "wsrt-%lu-%s", (unsigned long)key, what);
}

static uintptr_t next_key(void)
{
    static unsigned n;
    return (uintptr_t)GetCurrentProcessId() * 64 + ++n;
}

/* Waits for "KEY-go", then returns KEY + 1. */
static DWORD WINAPI remote_wait_go(LPVOID p)
{
    char name[64];
    event_name(name, sizeof name, (uintptr_t)p, "go");
    HANDLE go = OpenEventA(SYNCHRONIZE, FALSE, name);
    if (!go)
        return 1000 + GetLastError();
    WaitForSingleObject(go, INFINITE);
    CloseHandle(go);
    return (DWORD)(uintptr_t)p + 1;
}

/* Never returns, and never calls winshim. */
static DWORD WINAPI remote_block(LPVOID p)
{
    (void)p;
    for (;;)
        pause();
    return 0;
}

/* Sets "KEY-ran" and returns the process id it ran in. */
static DWORD WINAPI remote_signal_ran(LPVOID p)
{
    char name[64];
    event_name(name, sizeof name, (uintptr_t)p, "ran");
    HANDLE ran = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
    if (!ran)
        return 1;
    SetEvent(ran);
    CloseHandle(ran);
    return GetCurrentProcessId();
}

static int remote_child(int argc, char **argv, int k)
{
    if (k + 2 >= argc || strcmp(argv[k + 1], "wait"))
        return 2;
    char name[64];
    event_name(name, sizeof name, (uintptr_t)strtoul(argv[k + 2], NULL, 10), "quit");
    HANDLE quit = OpenEventA(SYNCHRONIZE, FALSE, name);
    if (!quit)
        return 4;
    event_name(name, sizeof name, (uintptr_t)strtoul(argv[k + 2], NULL, 10), "ready");
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
    if (ready) {
        SetEvent(ready);
        CloseHandle(ready);
    }
    WaitForSingleObject(quit, INFINITE);
    return 3;
}

struct remote_target {
    uintptr_t key;
    HANDLE quit;
    PROCESS_INFORMATION pi;
};

static HANDLE make_event(uintptr_t key, const char *what)
{
    char name[64];
    event_name(name, sizeof name, key, what);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    ck_assert_ptr_nonnull(e);
    return e;
}

/* wait_ready: until the child runs its program (else the first call
 * waits for it to join the session, which the first test checks). */
static void remote_start_ex(struct remote_target *t, DWORD flags, int wait_ready);

static void remote_start(struct remote_target *t, DWORD flags)
{
    remote_start_ex(t, flags, !(flags & CREATE_SUSPENDED));
}

static void remote_start_ex(struct remote_target *t, DWORD flags, int wait_ready)
{
    char exe[4096], line[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = 0;
    t->key = next_key();
    t->quit = make_event(t->key, "quit");
    snprintf(line, sizeof line, "\"%s\" --child wait %lu", exe, (unsigned long)t->key);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    HANDLE ready = make_event(t->key, "ready");
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE, flags, NULL, NULL, &si, &t->pi));
    if (wait_ready)
        ASSERT_WAIT(WaitForSingleObject(ready, 60000), WAIT_OBJECT_0);
    CloseHandle(ready);
}

static void remote_stop(struct remote_target *t, DWORD code)
{
    ck_assert(SetEvent(t->quit));
    ASSERT_WAIT(WaitForSingleObject(t->pi.hProcess, 30000), WAIT_OBJECT_0);
    DWORD c = 0;
    ck_assert(GetExitCodeProcess(t->pi.hProcess, &c));
    ck_assert_uint_eq(c, code);
    CloseHandle(t->pi.hProcess);
    CloseHandle(t->pi.hThread);
    CloseHandle(t->quit);
}

START_TEST(test_remote_thread_other_process)
{
    struct remote_target t;
    remote_start_ex(&t, 0, 0); /* called at once: waits for the child to join */
    HANDLE ran = make_event(t.key, "ran"), go = make_event(t.key, "go");
    /* A routine of this executable, run in the child. */
    DWORD tid = 0xcccccccc;
    HANDLE h = CreateRemoteThread(t.pi.hProcess, NULL, 0, remote_signal_ran,
                                  (LPVOID)t.key, 0, &tid);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ck_assert_uint_ne(tid, 0xcccccccc);
    ck_assert_uint_eq(GetThreadId(h), tid);
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), t.pi.dwProcessId);
    ck_assert(event_is_set(ran, TRUE));
    CloseHandle(h);
    /* The parameter passes as is; the exit code is read while it runs. */
    h = CreateRemoteThreadEx(t.pi.hProcess, NULL, 0, remote_wait_go, (LPVOID)t.key, 0, NULL,
                             NULL);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ck_assert_uint_eq(exit_code_of(h), STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    ck_assert(SetEvent(go));
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), (DWORD)t.key + 1);
    CloseHandle(h);
    /* libwinshim's exports as start addresses. */
    h = CreateRemoteThread(t.pi.hProcess, NULL, 0,
                           (LPTHREAD_START_ROUTINE)(void (*)(void))GetCurrentProcessId, NULL, 0,
                           NULL);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), t.pi.dwProcessId);
    CloseHandle(h);
    h = CreateRemoteThread(t.pi.hProcess, NULL, 64 * 1024,
                           (LPTHREAD_START_ROUTINE)(void (*)(void))ExitThread, (LPVOID)42,
                           STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), 42);
    CloseHandle(h);
    /* CREATE_SUSPENDED: nothing runs before ResumeThread. */
    ck_assert(ResetEvent(ran));
    h = CreateRemoteThread(t.pi.hProcess, NULL, 0, remote_signal_ran, (LPVOID)t.key,
                           CREATE_SUSPENDED, &tid);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ck_assert_uint_eq(exit_code_of(h), STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(ran, 0), WAIT_TIMEOUT);
    ck_assert_uint_eq(ResumeThread(h), 1);
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), t.pi.dwProcessId);
    ck_assert(event_is_set(ran, TRUE));
    CloseHandle(h);
    remote_stop(&t, 3);
    CloseHandle(ran);
    CloseHandle(go);
}
END_TEST

static int some_data = 5;

START_TEST(test_remote_thread_errors)
{
    struct remote_target t;
    remote_start(&t, 0);
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), t.pi.hProcess, GetCurrentProcess(), &weak,
                              PROCESS_ALL_ACCESS & ~PROCESS_CREATE_THREAD, FALSE, 0));
    ASSERT_FAILS(CreateRemoteThread(weak, NULL, 0, remote_signal_ran, NULL, 0, NULL),
                 ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    /* Enough with PROCESS_CREATE_THREAD alone. */
    ck_assert(DuplicateHandle(GetCurrentProcess(), t.pi.hProcess, GetCurrentProcess(), &weak,
                              PROCESS_CREATE_THREAD, FALSE, 0));
    HANDLE h = CreateRemoteThread(weak, NULL, 0,
                                  (LPTHREAD_START_ROUTINE)(void (*)(void))ExitThread,
                                  (LPVOID)7, 0, NULL);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), 7);
    CloseHandle(h);
    CloseHandle(weak);
    DWORD tid = 0xcccccccc;
    /* Addresses the child cannot run: data, the heap, the stack. */
    void *heap = malloc(64);
    ASSERT_FAILS(CreateRemoteThread(t.pi.hProcess, NULL, 0,
                                    (LPTHREAD_START_ROUTINE)(void *)&some_data, NULL, 0, &tid),
                 ERROR_NOACCESS);
    ASSERT_FAILS(CreateRemoteThread(t.pi.hProcess, NULL, 0, (LPTHREAD_START_ROUTINE)heap, NULL,
                                    0, &tid),
                 ERROR_NOACCESS);
    ASSERT_FAILS(CreateRemoteThread(t.pi.hProcess, NULL, 0, (LPTHREAD_START_ROUTINE)(void *)&tid,
                                    NULL, 0, &tid),
                 ERROR_NOACCESS);
    free(heap);
    ck_assert_uint_eq(tid, 0xcccccccc);
    ASSERT_FAILS(CreateRemoteThread(t.pi.hProcess, NULL, 0, NULL, NULL, 0, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateRemoteThread(t.pi.hProcess, NULL, 0, remote_signal_ran, NULL,
                                    CREATE_NEW_CONSOLE, NULL),
                 ERROR_INVALID_PARAMETER);
    /* An ended process. */
    HANDLE keep;
    ck_assert(DuplicateHandle(GetCurrentProcess(), t.pi.hProcess, GetCurrentProcess(), &keep,
                              0, FALSE, DUPLICATE_SAME_ACCESS));
    ck_assert(SetEvent(t.quit));
    ASSERT_WAIT(WaitForSingleObject(keep, 30000), WAIT_OBJECT_0);
    ASSERT_FAILS(CreateRemoteThread(keep, NULL, 0, remote_signal_ran, NULL, 0, NULL),
                 ERROR_ACCESS_DENIED);
    CloseHandle(keep);
    remote_stop(&t, 3);
    /* A child CreateProcess holds suspended runs nothing of its program
     * yet (docs/COMPATIBILITY.md). */
    remote_start(&t, CREATE_SUSPENDED);
    ASSERT_FAILS(CreateRemoteThread(t.pi.hProcess, NULL, 0, remote_signal_ran, NULL, 0, NULL),
                 ERROR_NOT_SUPPORTED);
    ck_assert_uint_eq(ResumeThread(t.pi.hThread), 1);
    remote_stop(&t, 3);
}
END_TEST

START_TEST(test_remote_thread_not_winshim)
{
    /* A program without winshim. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execl("/bin/sleep", "sleep", "60", (char *)NULL);
        _exit(127);
    }
    HANDLE p = NULL;
    for (int i = 0; i < 2000; i++) { /* until it is sleep, not our fork */
        char exe[64], path[64];
        snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
        ssize_t n = readlink(path, exe, sizeof exe - 1);
        if (n > 0 && (exe[n] = 0, strstr(exe, "sleep")))
            break;
        settle_ms(1);
    }
    p = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(p);
    ASSERT_FAILS(CreateRemoteThread(p, NULL, 0, remote_signal_ran, NULL, 0, NULL),
                 ERROR_NOT_SUPPORTED);
    ck_assert(TerminateProcess(p, 1));
    ASSERT_WAIT(WaitForSingleObject(p, 30000), WAIT_OBJECT_0);
    CloseHandle(p);
    /* A fork() copy of a winshim process serves no requests. */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char c;
        GetCurrentProcessId();
        close(fds[1]);
        ssize_t r = read(fds[0], &c, 1);
        _exit(r == 0 ? 0 : 1);
    }
    close(fds[0]);
    p = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(p);
    ASSERT_FAILS(CreateRemoteThread(p, NULL, 0, remote_signal_ran, NULL, 0, NULL),
                 ERROR_NOT_SUPPORTED);
    close(fds[1]);
    ASSERT_WAIT(WaitForSingleObject(p, 30000), WAIT_OBJECT_0);
    CloseHandle(p);
}
END_TEST

/* The process ends before its remote thread: the thread ends with it,
 * with the process's exit code, as on Windows. */
START_TEST(test_remote_thread_process_ends)
{
    struct remote_target t;
    remote_start(&t, 0);
    HANDLE go = make_event(t.key, "go");
    HANDLE h = CreateRemoteThread(t.pi.hProcess, NULL, 0, remote_wait_go, (LPVOID)t.key, 0,
                                  NULL);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    ck_assert(TerminateProcess(t.pi.hProcess, 9));
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), 9);
    CloseHandle(h);
    CloseHandle(go);
    /* Normal exit with a remote thread still running. */
    remote_stop(&t, 9);
    remote_start(&t, 0);
    h = CreateRemoteThread(t.pi.hProcess, NULL, 0, remote_block, NULL, 0, NULL);
    ck_assert_msg(h != NULL, "CreateRemoteThread: error %lu", (unsigned long)GetLastError());
    remote_stop(&t, 3);
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert_uint_eq(exit_code_of(h), 3);
    CloseHandle(h);
}
END_TEST

/* Many threads asking at once, into two processes. */
START_TEST(test_remote_thread_stress)
{
    struct remote_target t[2];
    remote_start(&t[0], 0);
    remote_start(&t[1], 0);
    enum { N = 64 };
    HANDLE h[N];
    for (int i = 0; i < N; i++) {
        h[i] = CreateRemoteThread(t[i & 1].pi.hProcess, NULL, 0,
                                  (LPTHREAD_START_ROUTINE)(void (*)(void))ExitThread,
                                  (LPVOID)(uintptr_t)(100 + i), 0, NULL);
        ck_assert_msg(h[i] != NULL, "CreateRemoteThread %d: error %lu", i,
                      (unsigned long)GetLastError());
    }
    for (int i = 0; i < N; i++) {
        ASSERT_WAIT(WaitForSingleObject(h[i], 30000), WAIT_OBJECT_0);
        ck_assert_uint_eq(exit_code_of(h[i]), 100 + i);
        CloseHandle(h[i]);
    }
    remote_stop(&t[0], 3);
    remote_stop(&t[1], 3);
}
END_TEST

static Suite *threadctl_suite(void)
{
    Suite *s = suite_create("threadctl");
    TCase *term = tcase_create("terminate");
    tcase_set_timeout(term, 60);
    tcase_add_test(term, test_terminate_running);
    tcase_add_test(term, test_terminate_abandons_mutex);
    tcase_add_test(term, test_terminate_blocked);
    tcase_add_test(term, test_terminate_suspended);
    tcase_add_test(term, test_terminate_runs_no_callbacks);
    tcase_add_test(term, test_terminate_errors);
    tcase_add_test(term, test_terminate_in_winshim_calls);
    tcase_add_test(term, test_terminate_stress);
    suite_add_tcase(s, term);
    TCase *ctx = tcase_create("context");
    tcase_set_timeout(ctx, 30);
#if defined(__x86_64__)
    tcase_add_test(ctx, test_context_redirect);
    tcase_add_test(ctx, test_context_running_and_self);
#endif
    tcase_add_test(ctx, test_context_errors);
    suite_add_tcase(s, ctx);
    TCase *sched = tcase_create("scheduling");
    tcase_set_timeout(sched, 30);
    tcase_add_test(sched, test_affinity);
    tcase_add_test(sched, test_ideal_processor);
    tcase_add_test(sched, test_priority_class);
    tcase_add_test(sched, test_times);
    tcase_add_test(sched, test_create_remote_thread);
    suite_add_tcase(s, sched);
    TCase *remote = tcase_create("remote");
    tcase_set_timeout(remote, 60);
    tcase_add_test(remote, test_remote_thread_other_process);
    tcase_add_test(remote, test_remote_thread_errors);
    tcase_add_test(remote, test_remote_thread_not_winshim);
    tcase_add_test(remote, test_remote_thread_process_ends);
    tcase_add_test(remote, test_remote_thread_stress);
    suite_add_tcase(s, remote);
    return s;
}

TEST_MAIN_WITH_CHILD(threadctl_suite, remote_child)
