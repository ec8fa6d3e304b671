/*
 * The thread pool of Windows 2000, on the Vista pool (threadpool.c), as
 * Windows itself builds it since Vista: QueueUserWorkItem is a simple
 * callback on the default pool; BindIoCompletionCallback an I/O object of
 * the default pool that needs no StartThreadpoolIo and is never closed
 * (Windows offers no way to unbind either).
 *
 * A queued item carries the routine and its argument in a small block,
 * freed by the callback; nothing here is shared, so there is no lock.
 */
#include "core/error.h"
#include "proc/pool.h"

struct user_item {
    LPTHREAD_START_ROUTINE fn;
    PVOID ctx;
};

static VOID NTAPI user_item_run(PTP_CALLBACK_INSTANCE inst, PVOID arg)
{
    (void)inst;
    struct user_item it = *(struct user_item *)arg;
    free(arg);
    it.fn(it.ctx);
}

/*
 * The WT_EXECUTEIN*THREAD flags name threads that Windows 2000 kept apart
 * (I/O threads for APCs, persistent threads); every pool thread of ours
 * serves all of them, so they are accepted and change nothing, as
 * WT_TRANSFER_IMPERSONATION (there is one identity per process) and the
 * WT_SET_MAX_THREADPOOL_THREADS bits.  WT_EXECUTELONGFUNCTION lets the
 * pool start a thread at once rather than wait for one.
 */
WS_EXPORT BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE fn, PVOID ctx, ULONG flags)
{
    if (!fn)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct user_item *it = malloc(sizeof *it);
    if (!it)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    it->fn = fn;
    it->ctx = ctx;
    TP_CALLBACK_ENVIRON env;
    TpInitializeCallbackEnviron(&env);
    if (flags & WT_EXECUTELONGFUNCTION)
        TpSetCallbackLongFunction(&env);
    if (!TrySubmitThreadpoolCallback(user_item_run, it, &env)) {
        free(it);
        return FALSE;
    }
    return TRUE;
}

static VOID WINAPI bound_io_run(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PVOID ov, ULONG result,
                                ULONG_PTR bytes, PTP_IO io)
{
    (void)inst;
    (void)io;
    ((LPOVERLAPPED_COMPLETION_ROUTINE)ctx)(result, (DWORD)bytes, (LPOVERLAPPED)ov);
}

/* Flags must be 0 (Microsoft: "This parameter must be zero"). */
WS_EXPORT BOOL WINAPI BindIoCompletionCallback(HANDLE file, LPOVERLAPPED_COMPLETION_ROUTINE fn,
                                               ULONG flags)
{
    if (!fn || flags)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err;
    if (!tp_io_bind(file, bound_io_run, (void *)fn, &err))
        return ws_bool(err);
    return TRUE;
}
