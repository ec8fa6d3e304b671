/* An overlapped pipe for the suites that need a stream whose reads stay
 * pending: the server end of an inbound named pipe.  Names are unique per
 * process (pid and a counter) and carry the suite's tag. */
#ifndef WINSHIM_PIPEUTIL_H
#define WINSHIM_PIPEUTIL_H

#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

/* The overlapped server end; *writer is the client end, opened for
 * writing (synchronous). */
static inline HANDLE overlapped_pipe_reader(const char *tag, HANDLE *writer)
{
    static int counter;
    char name[96];
    snprintf(name, sizeof name, "\\\\.\\pipe\\ck_%s_%d_%d", tag, (int)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    HANDLE h = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0, NULL);
    ck_assert_msg(h != INVALID_HANDLE_VALUE, "CreateNamedPipe: %lu",
                  (unsigned long)GetLastError());
    *writer = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_msg(*writer != INVALID_HANDLE_VALUE, "CreateFile: %lu",
                  (unsigned long)GetLastError());
    /* The server takes the client before any read, as a Windows server
     * would: the client is already there. */
    OVERLAPPED ov = {0};
    ASSERT_FAILS(ConnectNamedPipe(h, &ov), ERROR_PIPE_CONNECTED);
    return h;
}

#endif
