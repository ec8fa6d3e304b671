/*
 * The last-error value and the one place errors reach the caller.
 *
 * Internal functions return a Win32 error code; exported functions turn it
 * into FALSE/NULL + SetLastError through ws_bool()/ws_null().  On success
 * they leave the last error alone unless Windows documents otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"

static __thread DWORD last_error;

WS_EXPORT DWORD WINAPI GetLastError(void)
{
    return last_error;
}

WS_EXPORT void WINAPI SetLastError(DWORD err)
{
    last_error = err;
}

void ws_set_last_error(DWORD err)
{
    last_error = err;
}

BOOL ws_bool(DWORD err)
{
    if (WS_LIKELY(err == ERROR_SUCCESS))
        return TRUE;
    last_error = err;
    return FALSE;
}

HANDLE ws_null(DWORD err)
{
    last_error = err;
    return NULL;
}

HANDLE ws_handle(DWORD err, HANDLE h)
{
    if (WS_LIKELY(err == ERROR_SUCCESS))
        return h;
    last_error = err;
    return INVALID_HANDLE_VALUE;
}

_Noreturn void ws_panic(const char *what, int err)
{
    fprintf(stderr, "winshim: fatal: %s: %s\n", what, strerror(err));
    abort();
}

/* errno to Win32, in one table (as the Windows CRT's _dosmaperr, reversed). */
static const struct {
    int err;
    DWORD win32;
} errno_map[] = {
    {EPERM, ERROR_ACCESS_DENIED},
    {ENOENT, ERROR_FILE_NOT_FOUND},
    {ESRCH, ERROR_INVALID_PARAMETER},
    {EINTR, ERROR_OPERATION_ABORTED},
    {EIO, ERROR_GEN_FAILURE},
    {ENXIO, ERROR_FILE_NOT_FOUND},
    {E2BIG, ERROR_BAD_ENVIRONMENT},
    {ENOEXEC, ERROR_BAD_FORMAT},
    {EBADF, ERROR_INVALID_HANDLE},
    {ECHILD, ERROR_WAIT_NO_CHILDREN},
    {EAGAIN, ERROR_NO_SYSTEM_RESOURCES},
    {ENOMEM, ERROR_NOT_ENOUGH_MEMORY},
    {EACCES, ERROR_ACCESS_DENIED},
    {EFAULT, ERROR_NOACCESS},
    {EBUSY, ERROR_BUSY},
    {EEXIST, ERROR_FILE_EXISTS},
    {EXDEV, ERROR_NOT_SAME_DEVICE},
    {ENODEV, ERROR_BAD_UNIT},
    {ENOTDIR, ERROR_PATH_NOT_FOUND},
    {EISDIR, ERROR_ACCESS_DENIED},
    {EINVAL, ERROR_INVALID_PARAMETER},
    {ENFILE, ERROR_TOO_MANY_OPEN_FILES},
    {EMFILE, ERROR_TOO_MANY_OPEN_FILES},
    {ENOTTY, ERROR_INVALID_FUNCTION},
    {EFBIG, ERROR_FILE_TOO_LARGE},
    {ENOSPC, ERROR_DISK_FULL},
    {ESPIPE, ERROR_SEEK_ON_DEVICE},
    {EROFS, ERROR_WRITE_PROTECT},
    {EMLINK, ERROR_TOO_MANY_LINKS},
    {EPIPE, ERROR_BROKEN_PIPE},
    {EDEADLK, ERROR_POSSIBLE_DEADLOCK},
    {ENAMETOOLONG, ERROR_FILENAME_EXCED_RANGE},
    {ENOLCK, ERROR_SHARING_BUFFER_EXCEEDED},
    {ENOSYS, ERROR_NOT_SUPPORTED},
    {ENOTEMPTY, ERROR_DIR_NOT_EMPTY},
    {ELOOP, ERROR_CANT_RESOLVE_FILENAME},
    {ETIMEDOUT, ERROR_TIMEOUT},
    {EOPNOTSUPP, ERROR_NOT_SUPPORTED},
    {ECANCELED, ERROR_OPERATION_ABORTED},
    {EOVERFLOW, ERROR_ARITHMETIC_OVERFLOW},
    {EDQUOT, ERROR_DISK_FULL},
};

DWORD ws_errno_to_win32(int err)
{
    for (size_t i = 0; i < sizeof errno_map / sizeof errno_map[0]; i++)
        if (errno_map[i].err == err)
            return errno_map[i].win32;
    return ERROR_GEN_FAILURE;
}

/* ---- error modes ----
 *
 * The process mode (SetErrorMode) and each thread's (SetThreadErrorMode)
 * are kept and reported as Windows does, and a child that CreateProcess
 * starts inherits the process mode unless CREATE_DEFAULT_ERROR_MODE
 * (proc/startup.c carries it).  Linux shows no error boxes, so no mode
 * changes what happens on an error. */

#define THREAD_MODES (SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX)

static _Atomic UINT process_mode;
static __thread DWORD thread_mode;

WS_EXPORT UINT WINAPI SetErrorMode(UINT mode)
{
    return atomic_exchange_explicit(&process_mode, mode, memory_order_relaxed);
}

WS_EXPORT UINT WINAPI GetErrorMode(void)
{
    return atomic_load_explicit(&process_mode, memory_order_relaxed);
}

WS_EXPORT BOOL WINAPI SetThreadErrorMode(DWORD mode, LPDWORD old)
{
    if (mode & ~(DWORD)THREAD_MODES)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (old)
        *old = thread_mode;
    thread_mode = mode;
    return TRUE;
}

WS_EXPORT DWORD WINAPI GetThreadErrorMode(void)
{
    return thread_mode;
}

int ws_write_all(int fd, const void *b, size_t n)
{
    const char *p = b;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
