/* Named pipes: creation and its errors, instances, byte and message modes,
 * ERROR_MORE_DATA, end-of-pipe errors, ConnectNamedPipe's results,
 * WaitNamedPipe, PIPE_NOWAIT, handle state and information, transactions,
 * overlapped connects, and pipes across processes (forked children open
 * the name themselves), including a server that was killed; ends
 * duplicated into or inherited by another process. */
#include "testutil.h"
#include "xproc.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *pname(const char *tag)
{
    static char buf[8][128];
    static int i;
    char *b = buf[i++ % 8];
    snprintf(b, 128, "\\\\.\\pipe\\ck_npipe_%d_%s", (int)getpid(), tag);
    return b;
}

static HANDLE server(const char *name, DWORD mode, DWORD max)
{
    HANDLE s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, mode, max, 4096, 4096, 0, NULL);
    ck_assert_msg(s != INVALID_HANDLE_VALUE, "CreateNamedPipe: %lu",
                  (unsigned long)GetLastError());
    return s;
}

static HANDLE client(const char *name)
{
    HANDLE c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_msg(c != INVALID_HANDLE_VALUE, "CreateFile: %lu", (unsigned long)GetLastError());
    return c;
}

START_TEST(test_create_errors)
{
    const char *n = pname("errors");
    HANDLE h;
#define ASSERT_CREATE_FAILS(call, err)                                       \
    do {                                                                     \
        SetLastError(0xdeadbeef);                                            \
        h = (call);                                                          \
        ck_assert(h == INVALID_HANDLE_VALUE);                                \
        ASSERT_LAST_ERROR(err);                                              \
    } while (0)
    ASSERT_CREATE_FAILS(CreateNamedPipeA("\\\\.\\nopipe\\x", PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL),
                        ERROR_INVALID_NAME);
    ASSERT_CREATE_FAILS(CreateNamedPipeA("\\\\.\\pipe\\", PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL),
                        ERROR_INVALID_NAME);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(NULL, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL),
                        ERROR_INVALID_NAME);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, 0, 0, 1, 0, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, PIPE_READMODE_MESSAGE, 1, 0, 0, 0, NULL),
                        ERROR_INVALID_PARAMETER);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, 0, 0, 0, 0, 0, NULL),
                        ERROR_INVALID_PARAMETER);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, 0, 256, 0, 0, 0, NULL),
                        ERROR_INVALID_PARAMETER);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, 0x100, 1, 0, 0, 0, NULL),
                        ERROR_INVALID_PARAMETER);

    /* Instances: the first one's parameters hold; the limit is enforced. */
    SetLastError(0xdeadbeef);
    HANDLE s1 = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0, 2,
                                 0, 0, 0, NULL);
    ck_assert(s1 != INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(0xdeadbeef);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0,
                                         2, 0, 0, 0, NULL),
                        ERROR_ACCESS_DENIED);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_INBOUND, 0, 2, 0, 0, 0, NULL),
                        ERROR_ACCESS_DENIED);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 2, 0, 0, 0, NULL),
                        ERROR_ACCESS_DENIED);
    HANDLE s2 = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, 0, 2, 0, 0, 0, NULL);
    ck_assert(s2 != INVALID_HANDLE_VALUE);
    ASSERT_CREATE_FAILS(CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, 0, 2, 0, 0, 0, NULL),
                        ERROR_PIPE_BUSY);
    DWORD state = 0, inst = 0;
    ck_assert(GetNamedPipeHandleStateA(s1, &state, &inst, NULL, NULL, NULL, 0));
    ck_assert_uint_eq(inst, 2);
    ck_assert_uint_eq(state, PIPE_WAIT | PIPE_READMODE_BYTE);
    CloseHandle(s2);
    /* A slot freed by closing is usable again. */
    s2 = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, 0, 2, 0, 0, 0, NULL);
    ck_assert(s2 != INVALID_HANDLE_VALUE);
    CloseHandle(s2);
    CloseHandle(s1);
    /* All instances gone: the name is free for any parameters. */
    s1 = CreateNamedPipeA(n, PIPE_ACCESS_INBOUND | FILE_FLAG_FIRST_PIPE_INSTANCE,
                          PIPE_TYPE_MESSAGE, 1, 0, 0, 0, NULL);
    ck_assert(s1 != INVALID_HANDLE_VALUE);
    CloseHandle(s1);
}
END_TEST

START_TEST(test_byte_round_trip)
{
    const char *n = pname("bytes");
    HANDLE s = server(n, PIPE_TYPE_BYTE, 1);
    ck_assert_uint_eq(GetFileType(s), FILE_TYPE_PIPE);
    /* Names compare case-insensitively. */
    char upper[128];
    strcpy(upper, n);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    HANDLE c = client(upper);
    ck_assert_uint_eq(GetFileType(c), FILE_TYPE_PIPE);
    /* The client came first. */
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    char buf[64];
    DWORD done = 0;
    SetLastError(0xdeadbeef);
    ck_assert(WriteFile(c, "hello server", 12, &done, NULL));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(done, 12);
    ck_assert(ReadFile(s, buf, 5, &done, NULL));
    ck_assert_uint_eq(done, 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    DWORD avail = 0, left = 9;
    ck_assert(PeekNamedPipe(s, buf, 3, &done, &avail, &left));
    ck_assert_uint_eq(done, 3);
    ck_assert_uint_eq(avail, 7);
    ck_assert_uint_eq(left, 0);
    ck_assert(memcmp(buf, " se", 3) == 0);
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 7);
    ck_assert(WriteFile(s, "hi", 2, &done, NULL));
    ck_assert(ReadFile(c, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 2);
    /* Connecting again while connected. */
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    ck_assert(FlushFileBuffers(s));
    CloseHandle(c);
    CloseHandle(s);
}
END_TEST

START_TEST(test_state_errors)
{
    const char *n = pname("states");
    HANDLE s = server(n, PIPE_TYPE_BYTE, 1);
    char buf[8];
    DWORD done = 5;
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, NULL), ERROR_PIPE_LISTENING);
    ck_assert_uint_eq(done, 0);
    ASSERT_FAILS(WriteFile(s, "x", 1, &done, NULL), ERROR_PIPE_LISTENING);
    ASSERT_FAILS(DisconnectNamedPipe(s), ERROR_PIPE_LISTENING);
    HANDLE c = client(n);
    ASSERT_FAILS(ConnectNamedPipe(c, NULL), ERROR_INVALID_FUNCTION);
    ASSERT_FAILS(DisconnectNamedPipe(c), ERROR_NOT_SUPPORTED);
    /* Data written before DisconnectNamedPipe is discarded with it. */
    ck_assert(WriteFile(c, "abc", 3, &done, NULL));
    ck_assert(DisconnectNamedPipe(s));
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(WriteFile(s, "x", 1, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(ReadFile(c, buf, sizeof buf, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(WriteFile(c, "x", 1, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    /* A disconnected instance is not listening: clients find it busy. */
    HANDLE c2 = CreateFileA(n, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(c2 == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_PIPE_BUSY);
    CloseHandle(c);
    /* Anonymous pipes and files are not named pipe servers. */
    HANDLE r, w;
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    ASSERT_FAILS(ConnectNamedPipe(r, NULL), ERROR_PIPE_CONNECTED);
    DWORD flags = 9, max = 0;
    ck_assert(GetNamedPipeInfo(r, &flags, NULL, NULL, &max));
    ck_assert_uint_eq(flags, PIPE_SERVER_END);
    ck_assert_uint_eq(max, 1);
    ck_assert(GetNamedPipeInfo(w, &flags, NULL, NULL, NULL));
    ck_assert_uint_eq(flags, PIPE_CLIENT_END);
    CloseHandle(r);
    CloseHandle(w);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(GetNamedPipeInfo(ev, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    ASSERT_FAILS(ConnectNamedPipe(NULL, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(s);
}
END_TEST

START_TEST(test_message_mode)
{
    const char *n = pname("messages");
    HANDLE s = server(n, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1);
    HANDLE c = client(n);
    DWORD done = 0, avail = 0, left = 0;
    char buf[64];
    ck_assert(WriteFile(c, "hello world", 11, &done, NULL));
    ck_assert(WriteFile(c, "xyz", 3, &done, NULL));
    ck_assert(PeekNamedPipe(s, buf, 4, &done, &avail, &left));
    ck_assert_uint_eq(done, 4);
    ck_assert_uint_eq(avail, 14);
    ck_assert_uint_eq(left, 7);
    /* A short read: ERROR_MORE_DATA, then the rest of the same message. */
    done = 0;
    ASSERT_FAILS(ReadFile(s, buf, 4, &done, NULL), ERROR_MORE_DATA);
    ck_assert_uint_eq(done, 4);
    ck_assert(memcmp(buf, "hell", 4) == 0);
    ck_assert(PeekNamedPipe(s, NULL, 0, NULL, &avail, &left));
    ck_assert_uint_eq(avail, 10);
    ck_assert_uint_eq(left, 7);
    ASSERT_FAILS(ReadFile(s, buf, 3, &done, NULL), ERROR_MORE_DATA);
    ck_assert(memcmp(buf, "o w", 3) == 0);
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 4);
    ck_assert(memcmp(buf, "orld", 4) == 0);
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 3);
    ck_assert(memcmp(buf, "xyz", 3) == 0);
    /* The client reads in byte mode by default: messages run together. */
    ck_assert(WriteFile(s, "one", 3, &done, NULL));
    ck_assert(WriteFile(s, "two", 3, &done, NULL));
    DWORD got = 0;
    while (got < 6) {
        ck_assert(ReadFile(c, buf + got, sizeof buf - got, &done, NULL));
        got += done;
    }
    ck_assert(memcmp(buf, "onetwo", 6) == 0);
    /* In message mode the client sees the boundaries. */
    DWORD mode = PIPE_READMODE_MESSAGE;
    ck_assert(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    ck_assert(WriteFile(s, "three", 5, &done, NULL));
    ck_assert(WriteFile(s, "four", 4, &done, NULL));
    ck_assert(ReadFile(c, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 5);
    ck_assert(ReadFile(c, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 4);
    DWORD flags = 0, out = 0, in = 0, max = 0;
    ck_assert(GetNamedPipeInfo(s, &flags, &out, &in, &max));
    ck_assert_uint_eq(flags, PIPE_SERVER_END | PIPE_TYPE_MESSAGE);
    ck_assert_uint_eq(out, 4096);
    ck_assert_uint_eq(in, 4096);
    ck_assert_uint_eq(max, 1);
    ck_assert(GetNamedPipeInfo(c, &flags, NULL, NULL, NULL));
    ck_assert_uint_eq(flags, PIPE_CLIENT_END | PIPE_TYPE_MESSAGE);
    CloseHandle(c);
    CloseHandle(s);
}
END_TEST

START_TEST(test_end_of_pipe)
{
    const char *n = pname("end");
    HANDLE s = server(n, PIPE_TYPE_BYTE, 1);
    HANDLE c = client(n);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    DWORD done;
    char buf[8];
    ck_assert(WriteFile(c, "ab", 2, &done, NULL));
    CloseHandle(c);
    /* What was written before the close is still read, then the end. */
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 2);
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, NULL), ERROR_BROKEN_PIPE);
    ASSERT_FAILS(WriteFile(s, "x", 1, &done, NULL), ERROR_NO_DATA);
    DWORD avail;
    ASSERT_FAILS(PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL), ERROR_BROKEN_PIPE);
    ck_assert(DisconnectNamedPipe(s));
    CloseHandle(s);
}
END_TEST

START_TEST(test_client_came_and_went)
{
    const char *n = pname("went");
    HANDLE s = server(n, PIPE_TYPE_BYTE | PIPE_NOWAIT, 1);
    /* PIPE_NOWAIT: no client yet. */
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_LISTENING);
    HANDLE c = client(n);
    CloseHandle(c);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_NO_DATA);
    ck_assert(DisconnectNamedPipe(s));
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_LISTENING);
    c = client(n);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    char buf[4];
    DWORD done = 9;
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, NULL), ERROR_NO_DATA);
    ck_assert_uint_eq(done, 0);
    ck_assert(WriteFile(c, "q", 1, &done, NULL));
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 1);
    DWORD state = 0;
    ck_assert(GetNamedPipeHandleStateA(s, &state, NULL, NULL, NULL, NULL, 0));
    ck_assert_uint_eq(state, PIPE_NOWAIT);
    CloseHandle(c);
    CloseHandle(s);
}
END_TEST

START_TEST(test_busy_and_wait)
{
    const char *n = pname("busy");
    ASSERT_FAILS(WaitNamedPipeA(pname("nobody"), 10), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(WaitNamedPipeA("\\\\.\\nopipe\\x", 0), ERROR_PATH_NOT_FOUND);
    SetLastError(0xdeadbeef);
    HANDLE x = CreateFileA(pname("nobody"), GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(x == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    HANDLE s = server(n, PIPE_TYPE_BYTE, 1);
    SetLastError(0xdeadbeef);
    ck_assert(WaitNamedPipeA(n, NMPWAIT_USE_DEFAULT_WAIT));
    ck_assert(WaitNamedPipeA(n, 0));
    ASSERT_LAST_ERROR(0xdeadbeef);
    HANDLE c = client(n);
    SetLastError(0xdeadbeef);
    x = CreateFileA(n, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(x == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_PIPE_BUSY);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    ASSERT_FAILS(WaitNamedPipeA(n, 20), ERROR_SEM_TIMEOUT);
    ASSERT_FAILS(WaitNamedPipeA(n, NMPWAIT_USE_DEFAULT_WAIT), ERROR_SEM_TIMEOUT);
    ck_assert(DisconnectNamedPipe(s));
    CloseHandle(c);
    ASSERT_FAILS(WaitNamedPipeA(n, 10), ERROR_SEM_TIMEOUT);
    /* ConnectNamedPipe listens again (PIPE_NOWAIT so it returns). */
    DWORD mode = PIPE_NOWAIT;
    ck_assert(SetNamedPipeHandleState(s, &mode, NULL, NULL));
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_LISTENING);
    ck_assert(WaitNamedPipeA(n, NMPWAIT_WAIT_FOREVER));
    c = client(n);
    CloseHandle(c);
    CloseHandle(s);
    /* The last instance gone: the name is gone. */
    ASSERT_FAILS(WaitNamedPipeA(n, 10), ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_access)
{
    const char *n = pname("inbound");
    HANDLE s = CreateNamedPipeA(n, PIPE_ACCESS_INBOUND, 0, 1, 0, 0, 0, NULL);
    ck_assert(s != INVALID_HANDLE_VALUE);
    SetLastError(0xdeadbeef);
    HANDLE c = CreateFileA(n, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(c == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    c = CreateFileA(n, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(c != INVALID_HANDLE_VALUE);
    DWORD done;
    char buf[4];
    ASSERT_FAILS(WriteFile(s, "x", 1, &done, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(ReadFile(c, buf, 1, &done, NULL), ERROR_ACCESS_DENIED);
    ck_assert(WriteFile(c, "y", 1, &done, NULL));
    ck_assert(ReadFile(s, buf, 1, &done, NULL));
    ck_assert_int_eq(buf[0], 'y');
    CloseHandle(c);
    CloseHandle(s);

    /* A client opened for reading only cannot change the handle state. */
    n = pname("readonly");
    s = server(n, PIPE_TYPE_MESSAGE, 1);
    c = CreateFileA(n, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(c != INVALID_HANDLE_VALUE);
    DWORD mode = PIPE_READMODE_MESSAGE;
    ASSERT_FAILS(SetNamedPipeHandleState(c, &mode, NULL, NULL), ERROR_ACCESS_DENIED);
    CloseHandle(c);
    CloseHandle(s);
}
END_TEST

START_TEST(test_handle_state)
{
    const char *n = pname("hstate");
    HANDLE s = server(n, PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES);
    HANDLE c = client(n);
    DWORD mode = PIPE_READMODE_MESSAGE, count = 5, timeout = 10;
    ASSERT_FAILS(SetNamedPipeHandleState(c, &mode, NULL, NULL), ERROR_INVALID_PARAMETER);
    mode = PIPE_READMODE_BYTE;
    ASSERT_FAILS(SetNamedPipeHandleState(c, &mode, &count, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetNamedPipeHandleState(c, NULL, NULL, &timeout), ERROR_INVALID_PARAMETER);
    mode = 0x10;
    ASSERT_FAILS(SetNamedPipeHandleState(c, &mode, NULL, NULL), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert(SetNamedPipeHandleState(c, NULL, NULL, NULL));
    ASSERT_LAST_ERROR(0xdeadbeef);
    DWORD state = 9, inst = 0;
    ck_assert(GetNamedPipeHandleStateW(c, &state, &inst, NULL, NULL, NULL, 0));
    ck_assert_uint_eq(state, 0);
    ck_assert_uint_eq(inst, 1);
    ASSERT_FAILS(GetNamedPipeHandleStateA(c, &state, &inst, &count, NULL, NULL, 0),
                 ERROR_INVALID_PARAMETER);
    DWORD max = 0;
    ck_assert(GetNamedPipeInfo(c, NULL, NULL, NULL, &max));
    ck_assert_uint_eq(max, PIPE_UNLIMITED_INSTANCES);
    ULONG pid = 0;
    ck_assert(GetNamedPipeClientProcessId(s, &pid));
    ck_assert_uint_eq(pid, (ULONG)getpid());
    pid = 0;
    ck_assert(GetNamedPipeServerProcessId(c, &pid));
    ck_assert_uint_eq(pid, (ULONG)getpid());
    HANDLE s2 = server(n, PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES);
    ASSERT_FAILS(GetNamedPipeClientProcessId(s2, &pid), ERROR_PIPE_NOT_CONNECTED);
    ck_assert(GetNamedPipeHandleStateA(s, NULL, &inst, NULL, NULL, NULL, 0));
    ck_assert_uint_eq(inst, 2);
    CloseHandle(s2);
    CloseHandle(c);
    CloseHandle(s);
}
END_TEST

static DWORD WINAPI echo_server(LPVOID arg)
{
    HANDLE s = arg;
    char buf[256];
    DWORD done = 0, written;
    if (!ConnectNamedPipe(s, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        return 1;
    for (;;) {
        if (!ReadFile(s, buf, sizeof buf, &done, NULL))
            break;
        buf[done] = '!';
        if (!WriteFile(s, buf, done + 1, &written, NULL))
            break;
    }
    DisconnectNamedPipe(s);
    return 0;
}

START_TEST(test_transact_and_call)
{
    const char *n = pname("transact");
    HANDLE s = server(n, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1);
    HANDLE th = CreateThread(NULL, 0, echo_server, s, 0, NULL);
    HANDLE c = client(n);
    char out[64];
    DWORD got = 0;
    /* The client is in byte read mode: no transaction. */
    ASSERT_FAILS(TransactNamedPipe(c, "ping", 4, out, sizeof out, &got, NULL), ERROR_BAD_PIPE);
    DWORD mode = PIPE_READMODE_MESSAGE;
    ck_assert(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    SetLastError(0xdeadbeef);
    ck_assert(TransactNamedPipe(c, "ping", 4, out, sizeof out, &got, NULL));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(got, 5);
    ck_assert(memcmp(out, "ping!", 5) == 0);
    ASSERT_FAILS(TransactNamedPipe(c, "pong", 4, out, 2, &got, NULL), ERROR_MORE_DATA);
    ck_assert_uint_eq(got, 2);
    ck_assert(ReadFile(c, out, sizeof out, &got, NULL));
    ck_assert_uint_eq(got, 3);
    CloseHandle(c);
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CloseHandle(th);
    /* CallNamedPipe: connect, transact, close. */
    th = CreateThread(NULL, 0, echo_server, s, 0, NULL);
    ck_assert_msg(CallNamedPipeA(n, "abc", 3, out, sizeof out, &got, NMPWAIT_WAIT_FOREVER),
                  "CallNamedPipe: %lu", (unsigned long)GetLastError());
    ck_assert_uint_eq(got, 4);
    ck_assert(memcmp(out, "abc!", 4) == 0);
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CloseHandle(th);
    ASSERT_FAILS(CallNamedPipeA(pname("nobody"), "abc", 3, out, sizeof out, &got, 10),
                 ERROR_FILE_NOT_FOUND);
    CloseHandle(s);
    /* A byte pipe has no transactions. */
    n = pname("bytetransact");
    s = server(n, PIPE_TYPE_BYTE, 1);
    c = client(n);
    ASSERT_FAILS(TransactNamedPipe(c, "x", 1, out, sizeof out, &got, NULL), ERROR_BAD_PIPE);
    CloseHandle(c);
    CloseHandle(s);
}
END_TEST

START_TEST(test_wide)
{
    WCHAR n[128];
    char a[128];
    snprintf(a, sizeof a, "\\\\.\\pipe\\ck_npipe_%d_wide", (int)getpid());
    for (int i = 0;; i++) {
        n[i] = (WCHAR)a[i];
        if (!a[i])
            break;
    }
    HANDLE s = CreateNamedPipeW(n, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                                1, 0, 0, 0, NULL);
    ck_assert(s != INVALID_HANDLE_VALUE);
    ck_assert(WaitNamedPipeW(n, 0));
    HANDLE th = CreateThread(NULL, 0, echo_server, s, 0, NULL);
    char out[16];
    DWORD got = 0;
    ck_assert(CallNamedPipeW(n, "w", 1, out, sizeof out, &got, NMPWAIT_WAIT_FOREVER));
    ck_assert_uint_eq(got, 2);
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CloseHandle(th);
    HANDLE c = CreateFileW(n, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(c == INVALID_HANDLE_VALUE); /* disconnected, not listening */
    ASSERT_LAST_ERROR(ERROR_PIPE_BUSY);
    CloseHandle(s);
    ASSERT_FAILS(WaitNamedPipeW(n, 0), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateNamedPipeW(u"\\\\.\\mailslot\\x", PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_INVALID_NAME);
}
END_TEST

START_TEST(test_overlapped_connect)
{
    const char *n = pname("overlapped");
    HANDLE s = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE, 1,
                                0, 0, 0, NULL);
    ck_assert(s != INVALID_HANDLE_VALUE);
    OVERLAPPED ov = {0};
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(ConnectNamedPipe(s, &ov), ERROR_IO_PENDING);
    ck_assert(!HasOverlappedIoCompleted(&ov));
    DWORD done = 7;
    ASSERT_FAILS(GetOverlappedResult(s, &ov, &done, FALSE), ERROR_IO_INCOMPLETE);
    HANDLE c = client(n);
    ASSERT_WAIT(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    ck_assert(GetOverlappedResult(s, &ov, &done, TRUE));
    ck_assert_uint_eq(done, 0);
    /* An overlapped read waits for the client's data. */
    char buf[8];
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    ck_assert(WriteFile(c, "ov", 2, &done, NULL));
    ck_assert(GetOverlappedResult(s, &ov, &done, TRUE));
    ck_assert_uint_eq(done, 2);
    /* A pending connect is cancelled. */
    CloseHandle(c);
    ck_assert(DisconnectNamedPipe(s));
    ASSERT_FAILS(ConnectNamedPipe(s, &ov), ERROR_IO_PENDING);
    ck_assert(CancelIo(s));
    ASSERT_FAILS(GetOverlappedResult(s, &ov, &done, TRUE), ERROR_OPERATION_ABORTED);
    /* A client already there: ERROR_PIPE_CONNECTED at once. */
    c = client(n);
    ASSERT_FAILS(ConnectNamedPipe(s, &ov), ERROR_PIPE_CONNECTED);
    CloseHandle(c);
    CloseHandle(ov.hEvent);
    CloseHandle(s);
}
END_TEST

/* ---- across processes ---- */

static int child_client(const char *n)
{
    HANDLE c = INVALID_HANDLE_VALUE;
    for (int i = 0; i < 2000 && c == INVALID_HANDLE_VALUE; i++) {
        c = CreateFileA(n, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (c == INVALID_HANDLE_VALUE) {
            if (GetLastError() == ERROR_PIPE_BUSY)
                WaitNamedPipeA(n, NMPWAIT_WAIT_FOREVER);
            else
                settle_ms(5);
        }
    }
    if (c == INVALID_HANDLE_VALUE)
        return 10;
    DWORD mode = PIPE_READMODE_MESSAGE;
    if (!SetNamedPipeHandleState(c, &mode, NULL, NULL))
        return 11;
    char buf[64];
    DWORD got = 0;
    if (!TransactNamedPipe(c, "from child", 10, buf, sizeof buf, &got, NULL))
        return 12;
    if (got != 11 || memcmp(buf, "from child!", 11))
        return 13;
    ULONG pid = 0;
    if (!GetNamedPipeServerProcessId(c, &pid) || pid != (ULONG)getppid())
        return 14;
    CloseHandle(c);
    return 0;
}

/* An overlapped read on a server end: before any client it fails with
 * ERROR_PIPE_LISTENING; once a client came, even without ConnectNamedPipe
 * (Windows lets the server read then), it pends until data comes, and
 * CancelIo ends it. */
START_TEST(test_overlapped_read_unconnected)
{
    const char *n = pname("ovread");
    HANDLE s = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, 0, 1, 4096, 4096,
                                0, NULL);
    ck_assert_ptr_ne(s, INVALID_HANDLE_VALUE);
    OVERLAPPED ov = {0};
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    char buf[16];
    DWORD got = 0;
    /* Before any client, overlapped or not: ERROR_PIPE_LISTENING (Wine
     * agrees). */
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, NULL, &ov), ERROR_PIPE_LISTENING);
    HANDLE c = client(n);
    ck_assert(ResetEvent(ov.hEvent));
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    ck_assert(CancelIo(s));
    ASSERT_WAIT(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    ASSERT_FAILS(GetOverlappedResult(s, &ov, &got, TRUE), ERROR_OPERATION_ABORTED);
    ck_assert_uint_eq(got, 0);

    /* The connection stands: the next read gets the client's data. */
    ck_assert(ResetEvent(ov.hEvent));
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, NULL, &ov), ERROR_IO_PENDING);
    DWORD n2 = 0;
    ck_assert(WriteFile(c, "hello", 5, &n2, NULL));
    ck_assert(GetOverlappedResult(s, &ov, &got, TRUE));
    ck_assert_uint_eq(got, 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    ck_assert(CloseHandle(ov.hEvent));
    ck_assert(CloseHandle(c));
    ck_assert(CloseHandle(s));
}
END_TEST

/* After DisconnectNamedPipe, as Windows and Wine give: the client's reads
 * and writes, PeekNamedPipe on it and a second DisconnectNamedPipe fail
 * with ERROR_PIPE_NOT_CONNECTED (also after the instance serves another
 * client), PeekNamedPipe on a server not connected with ERROR_BAD_PIPE,
 * and the client's handle is not signalled by calls that completed
 * nothing.  The server's close instead breaks the pipe. */
START_TEST(test_disconnected_client)
{
    const char *n = pname("cut");
    HANDLE s = server(n, PIPE_TYPE_BYTE | PIPE_NOWAIT, 1);
    char buf[8];
    DWORD done = 0, avail = 0;
    ASSERT_FAILS(PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL), ERROR_BAD_PIPE);
    HANDLE c = client(n);
    ck_assert(WriteFile(c, "abc", 3, &done, NULL));
    ASSERT_WAIT(WaitForSingleObject(c, 0), WAIT_OBJECT_0);
    ck_assert(DisconnectNamedPipe(s));
    done = 5;
    ASSERT_FAILS(WriteFile(c, "x", 1, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ck_assert_uint_eq(done, 0);
    ASSERT_FAILS(ReadFile(c, buf, sizeof buf, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(DisconnectNamedPipe(s), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_WAIT(WaitForSingleObject(c, 0), WAIT_TIMEOUT);
    ASSERT_FAILS(PeekNamedPipe(c, NULL, 0, NULL, &avail, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL), ERROR_BAD_PIPE);
    ASSERT_FAILS(DisconnectNamedPipe(c), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(WriteFile(s, "x", 1, &done, NULL), ERROR_PIPE_NOT_CONNECTED);

    /* The instance listens again and serves another client: the first
     * one's end stays disconnected. */
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_LISTENING);
    HANDLE c2 = client(n);
    ck_assert(WriteFile(c2, "hi", 2, &done, NULL));
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 2);
    ASSERT_FAILS(WriteFile(c, "x", 1, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(ReadFile(c, buf, sizeof buf, &done, NULL), ERROR_PIPE_NOT_CONNECTED);
    ck_assert(CloseHandle(c));

    /* A successful transfer signals the handle again. */
    ck_assert(WriteFile(c2, "x", 1, &done, NULL));
    ASSERT_WAIT(WaitForSingleObject(c2, 0), WAIT_OBJECT_0);
    /* The server's close is not a disconnection. */
    ck_assert(ReadFile(s, buf, sizeof buf, &done, NULL));
    ck_assert(CloseHandle(s));
    ASSERT_FAILS(ReadFile(c2, buf, sizeof buf, &done, NULL), ERROR_BROKEN_PIPE);
    ASSERT_FAILS(WriteFile(c2, "x", 1, &done, NULL), ERROR_NO_DATA);
    ASSERT_FAILS(PeekNamedPipe(c2, NULL, 0, NULL, &avail, NULL), ERROR_BROKEN_PIPE);
    ASSERT_WAIT(WaitForSingleObject(c2, 0), WAIT_TIMEOUT);
    ck_assert(CloseHandle(c2));
}
END_TEST

/* Overlapped transfers on a pipe that cannot carry data fail at once, as
 * on Windows: nothing pending, no event set, no completion packet.  A
 * disconnected end: ERROR_PIPE_NOT_CONNECTED; the other end closed: a read
 * ERROR_BROKEN_PIPE, a write ERROR_NO_DATA. */
static void assert_nothing_queued(HANDLE port, HANDLE ev)
{
    DWORD n = 7;
    ULONG_PTR key = 7;
    LPOVERLAPPED pov = (LPOVERLAPPED)1;
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &n, &key, &pov, 0), WAIT_TIMEOUT);
    ck_assert_ptr_null(pov);
}

static void ov_pair(const char *n, HANDLE *s, HANDLE *c, HANDLE port)
{
    *s = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE, 1,
                          4096, 4096, 0, NULL);
    ck_assert_ptr_ne(*s, INVALID_HANDLE_VALUE);
    *c = CreateFileA(n, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                     FILE_FLAG_OVERLAPPED, NULL);
    ck_assert_ptr_ne(*c, INVALID_HANDLE_VALUE);
    ck_assert(CreateIoCompletionPort(*s, port, 1, 0) == port);
    ck_assert(CreateIoCompletionPort(*c, port, 2, 0) == port);
    OVERLAPPED ov = {0};
    ASSERT_FAILS(ConnectNamedPipe(*s, &ov), ERROR_PIPE_CONNECTED);
}

START_TEST(test_overlapped_on_ended_pipe)
{
    const char *n = pname("ovend");
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    ck_assert_ptr_nonnull(port);
    OVERLAPPED ov = {0};
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    char buf[8];
    DWORD done = 0;
    HANDLE s, c;

    ov_pair(n, &s, &c, port);
    ck_assert(DisconnectNamedPipe(s));
    ASSERT_FAILS(WriteFile(c, "abc", 3, &done, &ov), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(ReadFile(c, buf, sizeof buf, &done, &ov), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(WriteFile(s, "abc", 3, &done, &ov), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, &ov), ERROR_PIPE_NOT_CONNECTED);
    assert_nothing_queued(port, ov.hEvent);
    ck_assert(CloseHandle(c));
    ck_assert(CloseHandle(s));

    /* The server closed: the client's end is broken. */
    ov_pair(n, &s, &c, port);
    ck_assert(CloseHandle(s));
    ASSERT_FAILS(WriteFile(c, "abc", 3, &done, &ov), ERROR_NO_DATA);
    ASSERT_FAILS(ReadFile(c, buf, sizeof buf, &done, &ov), ERROR_BROKEN_PIPE);
    assert_nothing_queued(port, ov.hEvent);
    ck_assert(CloseHandle(c));

    /* The client closed: the server's end is broken; data it left is
     * still read first. */
    ov_pair(n, &s, &c, port);
    ck_assert(WriteFile(c, "xy", 2, &done, &ov) || GetLastError() == ERROR_IO_PENDING);
    DWORD n2 = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED pov = NULL;
    ck_assert(GetQueuedCompletionStatus(port, &n2, &key, &pov, 10000));
    ck_assert(CloseHandle(c));
    ck_assert(ResetEvent(ov.hEvent));
    ASSERT_FAILS(WriteFile(s, "abc", 3, &done, &ov), ERROR_NO_DATA);
    assert_nothing_queued(port, ov.hEvent);
    if (!ReadFile(s, buf, sizeof buf, &done, &ov))
        ASSERT_LAST_ERROR(ERROR_IO_PENDING);
    ck_assert(GetOverlappedResult(s, &ov, &done, TRUE));
    ck_assert_uint_eq(done, 2);
    ck_assert(GetQueuedCompletionStatus(port, &n2, &key, &pov, 10000));
    ck_assert(ResetEvent(ov.hEvent));
    ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &done, &ov), ERROR_BROKEN_PIPE);
    assert_nothing_queued(port, ov.hEvent);
    ck_assert(CloseHandle(s));
    ck_assert(CloseHandle(ov.hEvent));
    ck_assert(CloseHandle(port));
}
END_TEST

START_TEST(test_across_processes)
{
    const char *n = pname("xproc");
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        ck_assert_int_ge(kids[i], 0);
        if (kids[i] == 0)
            _exit(child_client(n));
    }
    for (int i = 0; i < 3; i++) {
        HANDLE s = server(n, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, PIPE_UNLIMITED_INSTANCES);
        if (!ConnectNamedPipe(s, NULL))
            ck_assert_uint_eq(GetLastError(), ERROR_PIPE_CONNECTED);
        ULONG pid = 0;
        ck_assert(GetNamedPipeClientProcessId(s, &pid));
        bool ours = false;
        for (int k = 0; k < 3; k++)
            ours |= pid == (ULONG)kids[k];
        ck_assert(ours);
        char buf[64];
        DWORD got, written;
        ck_assert(ReadFile(s, buf, sizeof buf, &got, NULL));
        buf[got] = '!';
        ck_assert(WriteFile(s, buf, got + 1, &written, NULL));
        ASSERT_FAILS(ReadFile(s, buf, sizeof buf, &got, NULL), ERROR_BROKEN_PIPE);
        CloseHandle(s);
    }
    for (int i = 0; i < 3; i++) {
        int st = 0;
        ck_assert_int_eq(waitpid(kids[i], &st, 0), kids[i]);
        ck_assert(WIFEXITED(st));
        ck_assert_int_eq(WEXITSTATUS(st), 0);
    }
}
END_TEST

/* A server killed with its instance open leaves nothing that blocks a new
 * server, even one that insists on being the first instance. */
START_TEST(test_killed_server)
{
    const char *n = pname("killed");
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t kid = fork();
    ck_assert_int_ge(kid, 0);
    if (kid == 0) {
        HANDLE s = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                    PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
        char c = s != INVALID_HANDLE_VALUE ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    char c = 0;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    ck_assert_int_eq(c, 'y');
    /* The child's instance is alive and listening. */
    ck_assert(WaitNamedPipeA(n, 0));
    SetLastError(0xdeadbeef);
    HANDLE h = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
    ck_assert(h == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_PIPE_BUSY);
    kill(kid, SIGKILL);
    int st;
    ck_assert_int_eq(waitpid(kid, &st, 0), kid);
    ASSERT_FAILS(WaitNamedPipeA(n, 0), ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    h = CreateFileA(n, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(h == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    h = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, PIPE_TYPE_MESSAGE,
                         1, 0, 0, 0, NULL);
    ck_assert(h != INVALID_HANDLE_VALUE);
    HANDLE cl = client(n);
    ASSERT_FAILS(ConnectNamedPipe(h, NULL), ERROR_PIPE_CONNECTED);
    CloseHandle(cl);
    CloseHandle(h);
    close(ready[0]);
    close(ready[1]);
}
END_TEST


/* ---- ends in other processes ---- */

/* The client end of a message pipe in another process: the read mode it
 * sets is the parent's too, it reads part of a message (the parent's own
 * handle gets the rest), peeks, and fails as an end there should. */
static int child_client_end(struct xproc *x)
{
    HANDLE c, ro;
    char buf[16], step;
    DWORD n = 0, mode = PIPE_READMODE_MESSAGE, avail = 0, left = 0, flags = 0;
    ULONG pid = 0;
    if (!child_get(x, &c, sizeof c) || !child_get(x, &ro, sizeof ro))
        return 1;
    if (!SetNamedPipeHandleState(c, &mode, NULL, NULL))
        return 2;
    if (!WriteFile(c, "hello", 5, &n, NULL) || n != 5)
        return 3;
    if (!child_get(x, &step, 1)) /* the parent wrote "0123456789" */
        return 4;
    if (!PeekNamedPipe(c, buf, 2, &n, &avail, &left) || n != 2 || avail != 10 || left != 8)
        return 5;
    SetLastError(0xdeadbeef);
    if (ReadFile(c, buf, 4, &n, NULL) || GetLastError() != ERROR_MORE_DATA || n != 4 ||
        memcmp(buf, "0123", 4))
        return 6;
    if (!GetNamedPipeInfo(c, &flags, NULL, NULL, NULL) ||
        flags != (PIPE_CLIENT_END | PIPE_TYPE_MESSAGE))
        return 7;
    if (!GetNamedPipeClientProcessId(c, &pid) || pid != (ULONG)getppid())
        return 8; /* the process that opened the end */
    if (!GetNamedPipeServerProcessId(c, &pid) || pid != (ULONG)getppid())
        return 9;
    SetLastError(0xdeadbeef);
    if (DisconnectNamedPipe(c) || GetLastError() != ERROR_NOT_SUPPORTED)
        return 10;
    SetLastError(0xdeadbeef);
    if (ConnectNamedPipe(c, NULL) || GetLastError() != ERROR_INVALID_FUNCTION)
        return 11;
    SetLastError(0xdeadbeef);
    if (WriteFile(ro, "x", 1, &n, NULL) || GetLastError() != ERROR_ACCESS_DENIED)
        return 12;
    SetLastError(0xdeadbeef);
    if (SetNamedPipeHandleState(ro, &mode, NULL, NULL) || GetLastError() != ERROR_ACCESS_DENIED)
        return 13;
    if (GetFileType(c) != FILE_TYPE_PIPE)
        return 14;
    return CloseHandle(c) && CloseHandle(ro) ? 0 : 15;
}

START_TEST(test_client_end_in_other_process)
{
    const char *n = pname("xclient");
    HANDLE s = server(n, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1);
    HANDLE c = client(n);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    struct xproc x;
    xproc_start(&x, child_client_end);
    xproc_give(&x, c, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, c, GENERIC_READ, 0);
    char buf[16] = {0};
    DWORD got = 0, state = 0;
    ck_assert(ReadFile(s, buf, sizeof buf, &got, NULL));
    ck_assert_uint_eq(got, 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    ck_assert(GetNamedPipeHandleStateA(c, &state, NULL, NULL, NULL, NULL, 0));
    ck_assert_uint_eq(state, PIPE_READMODE_MESSAGE); /* the child's setting */
    ck_assert(WriteFile(s, "0123456789", 10, &got, NULL));
    xproc_send(x.to_child[1], "w", 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    /* The rest of the message the child read in part. */
    memset(buf, 0, sizeof buf);
    ck_assert(ReadFile(c, buf, sizeof buf, &got, NULL));
    ck_assert_uint_eq(got, 6);
    ck_assert(memcmp(buf, "456789", 6) == 0);
    ck_assert(CloseHandle(c));
    ASSERT_FAILS(ReadFile(s, buf, 1, &got, NULL), ERROR_BROKEN_PIPE);
    ck_assert(CloseHandle(s));
}
END_TEST

/* The server end in another process: it reads and writes the connection,
 * disconnects it, cannot listen again (the opener can), and follows the
 * opener's next connection. */
static int child_server_end(struct xproc *x)
{
    HANDLE s;
    char buf[16], step;
    DWORD n = 0, avail = 0;
    if (!child_get(x, &s, sizeof s))
        return 1;
    if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != 3 || memcmp(buf, "abc", 3))
        return 2;
    if (!WriteFile(s, "xyz", 3, &n, NULL) || n != 3)
        return 3;
    if (!child_get(x, &step, 1)) /* the parent has read it */
        return 4;
    if (!DisconnectNamedPipe(s))
        return 5;
    SetLastError(0xdeadbeef);
    if (ReadFile(s, buf, 1, &n, NULL) || GetLastError() != ERROR_PIPE_NOT_CONNECTED)
        return 6;
    SetLastError(0xdeadbeef);
    if (ConnectNamedPipe(s, NULL) || GetLastError() != ERROR_NOT_SUPPORTED)
        return 7;
    if (!child_put(x, "d", 1) || !child_get(x, &step, 1)) /* a new client wrote */
        return 8;
    if (!PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL) || avail != 5)
        return 9;
    if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != 5 || memcmp(buf, "again", 5))
        return 10;
    SetLastError(0xdeadbeef);
    if (ConnectNamedPipe(s, NULL) || GetLastError() != ERROR_PIPE_CONNECTED)
        return 11;
    return CloseHandle(s) ? 0 : 12;
}

START_TEST(test_server_end_in_other_process)
{
    const char *n = pname("xserver");
    HANDLE s = server(n, PIPE_TYPE_BYTE, 1);
    HANDLE c = client(n);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    struct xproc x;
    xproc_start(&x, child_server_end);
    xproc_give(&x, s, 0, DUPLICATE_SAME_ACCESS);
    char buf[8] = {0}, step;
    DWORD got = 0;
    ck_assert(WriteFile(c, "abc", 3, &got, NULL));
    ck_assert(ReadFile(c, buf, 3, &got, NULL));
    ck_assert_uint_eq(got, 3);
    ck_assert(memcmp(buf, "xyz", 3) == 0);
    xproc_send(x.to_child[1], "r", 1);
    ck_assert(xproc_recv(x.to_parent[0], &step, 1)); /* disconnected there */
    ASSERT_FAILS(ReadFile(c, buf, 1, &got, NULL), ERROR_PIPE_NOT_CONNECTED);
    ASSERT_FAILS(ReadFile(s, buf, 1, &got, NULL), ERROR_PIPE_NOT_CONNECTED);
    ck_assert(CloseHandle(c));
    /* The opener listens again (PIPE_NOWAIT: ConnectNamedPipe returns at
     * once; the mode is the child's handle's too). */
    DWORD mode = PIPE_NOWAIT;
    ck_assert(SetNamedPipeHandleState(s, &mode, NULL, NULL));
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_LISTENING);
    HANDLE c2 = client(n);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    ck_assert(WriteFile(c2, "again", 5, &got, NULL));
    xproc_send(x.to_child[1], "g", 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    ck_assert(CloseHandle(c2));
    ck_assert(CloseHandle(s));
}
END_TEST

/* The opener hands its server end over (DUPLICATE_CLOSE_SOURCE) and
 * exits: the connection goes on in the other process, the instance's
 * name goes with the opener. */
static int child_hands_over(struct xproc *x)
{
    const char *n = pname("xhand");
    HANDLE s = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                                1, 0, 0, 0, NULL);
    if (s == INVALID_HANDLE_VALUE)
        return 1;
    char step;
    if (!child_put(x, &s, sizeof s) || !child_get(x, &step, 1))
        return 2;
    SetLastError(0xdeadbeef);
    if (ConnectNamedPipe(s, NULL) || GetLastError() != ERROR_PIPE_CONNECTED)
        return 3;
    if (!child_put(x, "c", 1) || !child_get(x, &step, 1))
        return 4; /* the parent took the handle away */
    return 0;
}

START_TEST(test_opener_hands_over_and_exits)
{
    char name[128];
    struct xproc x;
    xproc_start(&x, child_hands_over);
    snprintf(name, sizeof name, "\\\\.\\pipe\\ck_npipe_%d_xhand", (int)x.pid);
    HANDLE theirs, s = NULL;
    ck_assert(xproc_recv(x.to_parent[0], &theirs, sizeof theirs));
    HANDLE c = client(name);
    xproc_send(x.to_child[1], "c", 1);
    char step;
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    ck_assert(DuplicateHandle(x.proc, theirs, GetCurrentProcess(), &s, 0, FALSE,
                              DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    xproc_send(x.to_child[1], "x", 1); /* the opener exits before our first use */
    ck_assert_int_eq(xproc_wait(&x), 0);
    DWORD got = 0, mode = PIPE_READMODE_MESSAGE;
    ck_assert(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    ck_assert(WriteFile(c, "after", 5, &got, NULL));
    char buf[8] = {0};
    SetLastError(0xdeadbeef);
    ck_assert(!ReadFile(s, buf, 2, &got, NULL));
    ASSERT_LAST_ERROR(ERROR_MORE_DATA);
    ck_assert(ReadFile(s, buf + 2, sizeof buf - 2, &got, NULL));
    ck_assert(memcmp(buf, "after", 5) == 0);
    ck_assert(WriteFile(s, "back", 4, &got, NULL));
    ck_assert(ReadFile(c, buf, sizeof buf, &got, NULL));
    ck_assert_uint_eq(got, 4);
    /* The instance went with its creator: the name is free. */
    ASSERT_FAILS(WaitNamedPipeA(name, 0), ERROR_FILE_NOT_FOUND);
    ck_assert(CloseHandle(s));
    ASSERT_FAILS(ReadFile(c, buf, 1, &got, NULL), ERROR_BROKEN_PIPE);
    ck_assert(CloseHandle(c));
}
END_TEST

/* Inherited through CreateProcess: both ends arrive with their
 * descriptors, also when the parent closes its handles at once. */
static int xchild(int argc, char **argv)
{
    if (argc != 2)
        return 90;
    HANDLE s = xchild_handle(argv[0]), c = xchild_handle(argv[1]);
    char buf[8] = {0};
    DWORD n = 0;
    if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != 4 || memcmp(buf, "ping", 4))
        return 1;
    if (!WriteFile(s, "pong", 4, &n, NULL))
        return 2;
    if (!ReadFile(c, buf, sizeof buf, &n, NULL) || n != 4 || memcmp(buf, "pong", 4))
        return 3;
    SetLastError(0xdeadbeef);
    if (ReadFile((HANDLE)(uintptr_t)0x7ff0, buf, 1, &n, NULL) ||
        GetLastError() != ERROR_INVALID_HANDLE)
        return 4; /* not inherited: nothing there */
    return CloseHandle(s) && CloseHandle(c) ? 0 : 5;
}

START_TEST(test_inherited_ends)
{
    const char *n = pname("xinherit");
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE s = CreateNamedPipeA(n, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 1, 0, 0, 0, &sa);
    ck_assert_ptr_ne(s, INVALID_HANDLE_VALUE);
    HANDLE c = CreateFileA(n, GENERIC_READ | GENERIC_WRITE, 0, &sa, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(c, INVALID_HANDLE_VALUE);
    ASSERT_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    DWORD got;
    ck_assert(WriteFile(c, "ping", 4, &got, NULL));
    char args[64];
    snprintf(args, sizeof args, "%llx %llx", (unsigned long long)(uintptr_t)s,
             (unsigned long long)(uintptr_t)c);
    PROCESS_INFORMATION pi;
    ck_assert_msg(xproc_spawn(args, TRUE, &pi), "CreateProcess: %lu",
                  (unsigned long)GetLastError());
    ck_assert(CloseHandle(s));
    ck_assert(CloseHandle(c));
    ck_assert_uint_eq(xproc_spawn_wait(&pi), 0);
}
END_TEST

static Suite *npipe_suite(void)
{
    Suite *s = suite_create("npipe");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_create_errors);
    tcase_add_test(tc, test_byte_round_trip);
    tcase_add_test(tc, test_state_errors);
    tcase_add_test(tc, test_message_mode);
    tcase_add_test(tc, test_end_of_pipe);
    tcase_add_test(tc, test_client_came_and_went);
    tcase_add_test(tc, test_busy_and_wait);
    tcase_add_test(tc, test_access);
    tcase_add_test(tc, test_handle_state);
    tcase_add_test(tc, test_transact_and_call);
    tcase_add_test(tc, test_wide);
    tcase_add_test(tc, test_overlapped_connect);
    tcase_add_test(tc, test_overlapped_read_unconnected);
    tcase_add_test(tc, test_disconnected_client);
    tcase_add_test(tc, test_overlapped_on_ended_pipe);
    tcase_add_test(tc, test_across_processes);
    tcase_add_test(tc, test_killed_server);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_client_end_in_other_process);
    tcase_add_test(tc, test_server_end_in_other_process);
    tcase_add_test(tc, test_opener_hands_over_and_exits);
    tcase_add_test(tc, test_inherited_ends);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN_XCHILD(npipe_suite, xchild)
