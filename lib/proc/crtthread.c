/*
 * The C runtime's thread entry points (<process.h>): _beginthreadex,
 * _endthreadex, _beginthread, _endthread.
 *
 * Threads started here are ordinary winshim threads (CreateThread): their
 * handle is waitable and GetExitCodeThread reports their code.
 *   - _beginthreadex returns CreateThread's handle, which the caller
 *     closes; the start routine's unsigned result is the exit code.
 *   - _beginthread's thread closes its own handle when it ends (returns,
 *     _endthread, ExitThread), as the CRT documents, so the handle it
 *     returned may already be invalid.  The thread starts suspended until
 *     its record knows the handle.
 * Errors: 0 (_beginthreadex) or -1 (_beginthread) with errno EINVAL for a
 * NULL routine or a bad flag, EAGAIN when no thread can be made, EACCES
 * when memory runs out.  The Microsoft CRT first calls its invalid
 * parameter handler for a NULL routine (which ends the program by
 * default); there is none here (docs/COMPATIBILITY.md).
 */
#include <errno.h>
#include <pthread.h>
#include <process.h>

#include "core/base.h"

_Static_assert(sizeof(unsigned) == sizeof(DWORD), "a CRT routine is a thread routine");

struct crt_start {
    _beginthread_proc_type fn;
    void *arg;
    HANDLE self;    /* the handle _beginthread returned: the thread's to close */
};

static int crt_errno(DWORD err)
{
    switch (err) {
    case ERROR_INVALID_PARAMETER: return EINVAL;
    case ERROR_ACCESS_DENIED: return EACCES;
    default: return EAGAIN;
    }
}

/* Runs however the thread ends: return, _endthread or ExitThread (all
 * leave through pthread_exit or the start routine's return). */
static void crt_close_self(void *p)
{
    struct crt_start *s = p;
    CloseHandle(s->self);
    free(s);
}

static DWORD WINAPI crt_trampoline(LPVOID p)
{
    struct crt_start *s = p;
    pthread_cleanup_push(crt_close_self, s);
    s->fn(s->arg);
    pthread_cleanup_pop(1);
    return 0;
}

WS_EXPORT uintptr_t __cdecl _beginthreadex(void *security, unsigned stack,
                                           _beginthreadex_proc_type fn, void *arg,
                                           unsigned flags, unsigned *tid)
{
    if (!fn) {
        errno = EINVAL;
        return 0;
    }
    HANDLE h = CreateThread(security, stack, fn, arg, flags, tid);
    if (!h)
        errno = crt_errno(GetLastError());
    return (uintptr_t)h;
}

WS_EXPORT void __cdecl _endthreadex(unsigned code)
{
    ExitThread(code);
}

WS_EXPORT uintptr_t __cdecl _beginthread(_beginthread_proc_type fn, unsigned stack, void *arg)
{
    if (!fn) {
        errno = EINVAL;
        return (uintptr_t)-1;
    }
    struct crt_start *s = malloc(sizeof *s);
    if (!s) {
        errno = EACCES;
        return (uintptr_t)-1;
    }
    s->fn = fn;
    s->arg = arg;
    HANDLE h = CreateThread(NULL, stack, crt_trampoline, s, CREATE_SUSPENDED, NULL);
    if (!h) {
        errno = crt_errno(GetLastError());
        free(s);
        return (uintptr_t)-1;
    }
    s->self = h;
    ResumeThread(h);
    return (uintptr_t)h;
}

WS_EXPORT void __cdecl _endthread(void)
{
    ExitThread(0);
}
