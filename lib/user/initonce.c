/*
 * One-time initialisation in the caller's pointer-sized INIT_ONCE.
 *
 * The low two bits of the pointer are the state, as on Windows:
 *
 *   0  IO_NONE      not initialised (INIT_ONCE_STATIC_INIT)
 *   1  IO_SYNC      a synchronous initialisation is running; bit 2
 *                   (IO_SLEEPERS) is set once another thread sleeps on it
 *   2  IO_DONE      done: the other bits are the context
 *                   (INIT_ONCE_CTX_RESERVED_BITS low bits are ours)
 *   3  IO_ASYNC     asynchronous initialisations are running
 *
 * Threads that find IO_SYNC set IO_SLEEPERS and sleep on the low 32 bits
 * of the pointer; the completion replaces the whole value (by IO_DONE |
 * context, or by IO_NONE when the initialisation failed, so that one of
 * them can try again) and makes the wake system call only if IO_SLEEPERS
 * was set.  The new low half never equals IO_SYNC | IO_SLEEPERS, so a
 * sleeper cannot miss it.
 *
 * Error codes follow Wine 8, checked by running Win32 probes under it:
 * INIT_ONCE_CHECK_ONLY before completion and completing what nobody began
 * give ERROR_GEN_FAILURE (STATUS_UNSUCCESSFUL); mixing the synchronous and
 * asynchronous modes, and bad flag or context combinations, give
 * ERROR_INVALID_PARAMETER.
 */
#include "core/error.h"
#include "user/usersync.h"

#define IO_NONE 0u
#define IO_SYNC 1u
#define IO_DONE 2u
#define IO_ASYNC 3u
#define IO_STATE 3u
#define IO_SLEEPERS 4u

static inline USYNC_ANY_ALIGN uintptr_t io_load(INIT_ONCE *once)
{
    return __atomic_load_n((uintptr_t *)&once->Ptr, __ATOMIC_ACQUIRE);
}

static inline USYNC_ANY_ALIGN bool io_cas(INIT_ONCE *once, uintptr_t *expected, uintptr_t desired)
{
    return __atomic_compare_exchange_n((uintptr_t *)&once->Ptr, expected, desired,
                                       true, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static void io_done(uintptr_t v, PBOOL pending, LPVOID *context)
{
    *pending = FALSE;
    if (context)
        *context = (LPVOID)(v & ~(uintptr_t)IO_STATE);
}

static DWORD io_begin(INIT_ONCE *once, DWORD flags, PBOOL pending, LPVOID *context)
{
    if ((flags & INIT_ONCE_CHECK_ONLY) && (flags & INIT_ONCE_ASYNC))
        return ERROR_INVALID_PARAMETER;
    uintptr_t v = io_load(once);
    if (flags & INIT_ONCE_CHECK_ONLY) {
        if ((v & IO_STATE) != IO_DONE)
            return ERROR_GEN_FAILURE;
        io_done(v, pending, context);
        return ERROR_SUCCESS;
    }
    uintptr_t mine = (flags & INIT_ONCE_ASYNC) ? IO_ASYNC : IO_SYNC;
    for (;;) {
        switch (v & IO_STATE) {
        case IO_DONE:
            io_done(v, pending, context);
            return ERROR_SUCCESS;
        case IO_NONE:
            if (!io_cas(once, &v, mine))
                continue;
            *pending = TRUE;
            return ERROR_SUCCESS;
        case IO_ASYNC:
            if (mine != IO_ASYNC)
                return ERROR_INVALID_PARAMETER;
            *pending = TRUE;
            return ERROR_SUCCESS;
        case IO_SYNC:
            if (mine != IO_SYNC)
                return ERROR_INVALID_PARAMETER;
            if (!(v & IO_SLEEPERS) && !io_cas(once, &v, v | IO_SLEEPERS))
                continue;
            usync_wait(ptr_words(once), (uint32_t)(v | IO_SLEEPERS), NULL);
            v = io_load(once);
            break;
        }
    }
}

static DWORD io_complete(INIT_ONCE *once, DWORD flags, LPVOID context)
{
    uintptr_t ctx = (uintptr_t)context;
    if (ctx & IO_STATE)
        return ERROR_INVALID_PARAMETER;
    uintptr_t next = ctx | IO_DONE;
    if (flags & INIT_ONCE_INIT_FAILED) {
        if (ctx || (flags & INIT_ONCE_ASYNC))
            return ERROR_INVALID_PARAMETER;
        next = IO_NONE;
    }
    uintptr_t v = io_load(once);
    for (;;) {
        switch (v & IO_STATE) {
        case IO_SYNC:
            /* Wine also lets an INIT_ONCE_ASYNC completion finish a
             * synchronous initialisation; so do we. */
            if (!io_cas(once, &v, next))
                continue;
            if (v & IO_SLEEPERS)
                usync_wake(ptr_words(once), INT32_MAX);
            return ERROR_SUCCESS;
        case IO_ASYNC:
            if (!(flags & INIT_ONCE_ASYNC))
                return ERROR_INVALID_PARAMETER;
            if (!io_cas(once, &v, next))
                continue;
            return ERROR_SUCCESS;
        default:
            /* Not begun, or already completed (an asynchronous
             * initialisation that lost the race). */
            return ERROR_GEN_FAILURE;
        }
    }
}

WS_EXPORT USYNC_ANY_ALIGN VOID WINAPI InitOnceInitialize(PINIT_ONCE once)
{
    if (once)
        once->Ptr = NULL;
}

/* A NULL fPending gives ERROR_NOACCESS before anything changes (Windows
 * and Wine write through it and fault). */
WS_EXPORT BOOL WINAPI InitOnceBeginInitialize(LPINIT_ONCE once, DWORD flags,
                                              PBOOL pending, LPVOID *context)
{
    if (!once || !pending)
        return ws_bool(ERROR_NOACCESS);
    return ws_bool(io_begin(once, flags, pending, context));
}

WS_EXPORT BOOL WINAPI InitOnceComplete(LPINIT_ONCE once, DWORD flags, LPVOID context)
{
    if (!once)
        return ws_bool(ERROR_NOACCESS);
    return ws_bool(io_complete(once, flags, context));
}

/*
 * The callback gets the caller's Context pointer itself (NULL if none), as
 * on Windows and Wine, and what it leaves there becomes the stored context.
 * If it returns FALSE, the INIT_ONCE is reset so that a later call can try
 * again, and the last error is whatever the callback left.  A context with
 * reserved low bits also resets it, with ERROR_INVALID_PARAMETER (Wine
 * leaves it "in progress" forever, so every later call hangs).
 */
WS_EXPORT BOOL WINAPI InitOnceExecuteOnce(PINIT_ONCE once, PINIT_ONCE_FN fn,
                                          PVOID param, LPVOID *context)
{
    if (!once || !fn)
        return ws_bool(!once ? ERROR_NOACCESS : ERROR_INVALID_PARAMETER);
    BOOL pending;
    DWORD err = io_begin(once, 0, &pending, context);
    if (err || !pending)
        return ws_bool(err);
    if (!fn(once, param, context)) {
        io_complete(once, INIT_ONCE_INIT_FAILED, NULL);
        return FALSE;
    }
    LPVOID ctx = context ? *context : NULL;
    err = io_complete(once, 0, ctx);
    if (err) {
        io_complete(once, INIT_ONCE_INIT_FAILED, NULL);
        return ws_bool(err);
    }
    return TRUE;
}
