/*
 * Private declarations of the thread pool files: the Vista pool and its
 * objects (threadpool.c), on which the legacy pool (legacypool.c) and
 * timer queues and registered waits (timerqueue.c) are built, as Windows
 * builds them on the same machinery.
 */
#ifndef WINSHIM_POOL_H
#define WINSHIM_POOL_H

#include "core/base.h"

/* Flags of a pool object beyond what its environment says. */
#define TPF_INLINE 0x1u   /* run the callback on the timer or wait thread */
#define TPF_REARM 0x2u    /* a wait stays registered after it fires */
#define TPF_UNSTARTED 0x4u /* I/O completions need no StartThreadpoolIo */

/* The object behind a PTP_WORK, PTP_TIMER, PTP_WAIT or PTP_IO: sets the
 * extra flags (before it is first set or submitted). */
void tp_object_set_flags(void *obj, unsigned flags);

/*
 * Closes obj as its Close* function does (a timer or wait is unset, no
 * new callback is queued; queued and running ones still run).  true: no
 * callback was queued or running, done will never be called.  false:
 * done(arg) is called, on the thread that finishes the last callback,
 * once none is left.  Called from obj's own callback, that callback
 * counts as running.
 */
bool tp_object_close_notify(void *obj, void (*done)(void *), void *arg);

/* Registers a wait with a timeout in ms from now (INFINITE: none), as
 * RegisterWaitForSingleObject does; FALSE with the last error set. */
BOOL tp_wait_register(PTP_WAIT wa, HANDLE h, DWORD timeout_ms);

/* The default pool's I/O object for a file, for BindIoCompletionCallback. */
PTP_IO tp_io_bind(HANDLE file, PTP_WIN32_IO_CALLBACK cb, void *ctx, DWORD *err);

#endif
