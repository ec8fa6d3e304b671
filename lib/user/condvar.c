/*
 * Condition variables in the caller's pointer-sized CONDITION_VARIABLE.
 *
 * Low half: a sequence number, the futex word.  High half: the number of
 * threads between announcing themselves and returning from the wait.
 *
 * A sleeper counts itself in, reads the sequence, releases the lock and
 * sleeps while the sequence is unchanged.  A waker bumps the sequence, and
 * makes the wake system call only if someone is counted in.  Both sides
 * use sequentially consistent operations, so either the waker sees the
 * sleeper's count or the sleeper reads the bumped sequence (and then it
 * entered after the wake, which was not meant for it): a wake that follows
 * a sleeper's release of the lock is never lost.
 *
 * The wake-ups are not exact: a thread that counted itself in but has not
 * reached the kernel yet returns at once when the sequence moves, besides
 * the one the kernel wakes.  Windows documents spurious wake-ups, and
 * callers re-check their predicate.
 */
#include "core/error.h"
#include "user/usersync.h"

static inline _Atomic uint32_t *cv_seq(CONDITION_VARIABLE *cv)
{
    return &ptr_words(cv)[0];
}

static inline _Atomic uint32_t *cv_sleepers(CONDITION_VARIABLE *cv)
{
    return &ptr_words(cv)[1];
}

struct cv_lock {
    void (*release)(void *lock, ULONG mode);
    void (*acquire)(void *lock, ULONG mode);
    void *lock;
    ULONG mode; /* CONDITION_VARIABLE_LOCKMODE_SHARED for a shared SRW */
};

static USYNC_ANY_ALIGN void cs_release(void *lock, ULONG mode)
{
    CRITICAL_SECTION *cs = lock;
    (void)mode;
    cs->RecursionCount = 1; /* leave it however deeply it was entered */
    LeaveCriticalSection(cs);
}

static void cs_acquire(void *lock, ULONG mode)
{
    (void)mode;
    EnterCriticalSection(lock);
}

static void srw_release(void *lock, ULONG mode)
{
    if (mode & CONDITION_VARIABLE_LOCKMODE_SHARED)
        ReleaseSRWLockShared(lock);
    else
        ReleaseSRWLockExclusive(lock);
}

static void srw_acquire(void *lock, ULONG mode)
{
    if (mode & CONDITION_VARIABLE_LOCKMODE_SHARED)
        AcquireSRWLockShared(lock);
    else
        AcquireSRWLockExclusive(lock);
}

static DWORD cv_sleep(CONDITION_VARIABLE *cv, const struct cv_lock *lk, DWORD ms)
{
    struct timespec ts;
    const struct timespec *deadline = usync_deadline(&ts, ms);

    atomic_fetch_add(cv_sleepers(cv), 1);
    uint32_t seq = atomic_load(cv_seq(cv));
    lk->release(lk->lock, lk->mode);
    int r = ms ? EINTR : ETIMEDOUT;
    while (r == EINTR)
        r = usync_wait(cv_seq(cv), seq, deadline);
    atomic_fetch_sub_explicit(cv_sleepers(cv), 1, memory_order_relaxed);
    lk->acquire(lk->lock, lk->mode);
    return r == ETIMEDOUT ? ERROR_TIMEOUT : ERROR_SUCCESS;
}

static void cv_wake(CONDITION_VARIABLE *cv, int count)
{
    atomic_fetch_add(cv_seq(cv), 1);
    if (atomic_load(cv_sleepers(cv)))
        usync_wake(cv_seq(cv), count);
}

WS_EXPORT USYNC_ANY_ALIGN VOID WINAPI InitializeConditionVariable(PCONDITION_VARIABLE cv)
{
    if (cv)
        cv->Ptr = NULL;
}

/* A section entered several times is left completely while sleeping and
 * re-entered as deeply (as Windows and Wine do; check_condvar.c
 * test_cs_recursion). */
WS_EXPORT USYNC_ANY_ALIGN BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE cv,
                                               PCRITICAL_SECTION cs, DWORD ms)
{
    if (!cv || !cs)
        return ws_bool(ERROR_NOACCESS);
    struct cv_lock lk = {cs_release, cs_acquire, cs, 0};
    LONG depth = cs->RecursionCount > 1 ? cs->RecursionCount : 1;
    DWORD err = cv_sleep(cv, &lk, ms);
    cs->RecursionCount = depth;
    return ws_bool(err);
}

/* Flags other than CONDITION_VARIABLE_LOCKMODE_SHARED are ignored, as Wine
 * does (check_condvar.c test_srw_flags). */
WS_EXPORT BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE cv, PSRWLOCK l,
                                                DWORD ms, ULONG flags)
{
    if (!cv || !l)
        return ws_bool(ERROR_NOACCESS);
    struct cv_lock lk = {srw_release, srw_acquire, l,
                         flags & CONDITION_VARIABLE_LOCKMODE_SHARED};
    return ws_bool(cv_sleep(cv, &lk, ms));
}

WS_EXPORT VOID WINAPI WakeConditionVariable(PCONDITION_VARIABLE cv)
{
    if (cv)
        cv_wake(cv, 1);
}

WS_EXPORT VOID WINAPI WakeAllConditionVariable(PCONDITION_VARIABLE cv)
{
    if (cv)
        cv_wake(cv, INT32_MAX);
}
