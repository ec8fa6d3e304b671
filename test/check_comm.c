/* Comm ports on a pseudo-terminal pair through WINSHIM_COMn: line settings
 * (DCB <-> termios), time-outs honoured by ReadFile, purge, queues and the
 * error codes. */
#define _GNU_SOURCE
#include "testutil.h"
#include "xproc.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define ARRIVES 20000

static int master = -1;

static HANDLE open_port(const char *name)
{
    HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
                           NULL);
    ck_assert_msg(h != INVALID_HANDLE_VALUE, "open %s: %lu", name,
                  (unsigned long)GetLastError());
    return h;
}

static void setup(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    setenv("WINSHIM_COM7", ptsname(master), 1);
}

static void teardown(void)
{
    close(master);
}

static void master_write(const char *s)
{
    ck_assert_int_eq(write(master, s, strlen(s)), (ssize_t)strlen(s));
}

static DWORD in_queue(HANDLE h)
{
    COMSTAT st;
    DWORD errs = 0xdead;
    ck_assert(ClearCommError(h, &errs, &st));
    ck_assert_uint_eq(errs, 0);
    return st.cbInQue;
}

START_TEST(test_open)
{
    HANDLE h;
    setenv("WINSHIM_COM9", "/nonexistent/tty", 1);
    ASSERT_FAILS(CreateFileA("COM9", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    setenv("WINSHIM_COM9", "/dev/null", 1); /* not a serial device */
    ASSERT_FAILS(CreateFileA("COM9", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateFileW(u"COM7", GENERIC_READ, 0, NULL, CREATE_ALWAYS, 0, NULL) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    /* Not device names: CreateFile opens them as paths (here, relative
     * ones in a fresh directory). */
    char dir[] = "/tmp/ws-comXXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chdir(dir), 0);
    static const char *const paths[] = {"COM0", "COM256", "COM7x"};
    for (int i = 0; i < 3; i++) {
        ASSERT_FAILS(CreateFileA(paths[i], GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                         INVALID_HANDLE_VALUE,
                     ERROR_FILE_NOT_FOUND);
        h = CreateFileA(paths[i], GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
        ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
        ck_assert_uint_eq(GetFileType(h), FILE_TYPE_DISK);
        ck_assert(CloseHandle(h));
        ck_assert(DeleteFileA(paths[i]));
    }
    ck_assert_int_eq(chdir("/"), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    h = open_port("\\\\.\\com7");
    ck_assert_uint_eq(GetFileType(h), FILE_TYPE_CHAR);
    CloseHandle(h);
    h = open_port("COM7");
    DWORD n = 0;
    ck_assert(WriteFile(h, "out", 3, &n, NULL));
    ck_assert_uint_eq(n, 3);
    char buf[8] = {0};
    struct pollfd p = {.fd = master, .events = POLLIN};
    ck_assert_int_eq(poll(&p, 1, ARRIVES), 1);
    ck_assert_int_eq(read(master, buf, sizeof buf), 3);
    ck_assert_str_eq(buf, "out");
    ck_assert(FlushFileBuffers(h));
    CloseHandle(h);
}
END_TEST

START_TEST(test_state)
{
    HANDLE h = open_port("COM7");
    DCB d;
    memset(&d, 0x55, sizeof d);
    ck_assert(GetCommState(h, &d));
    ck_assert_uint_eq(d.DCBlength, sizeof d);
    ck_assert_uint_eq(d.fBinary, 1);
    ck_assert_uint_eq(d.ByteSize, 8);
    ck_assert_uint_eq(d.Parity, NOPARITY);
    ck_assert_uint_eq(d.StopBits, ONESTOPBIT);

    d.BaudRate = CBR_9600;
    d.ByteSize = 7;
    d.Parity = EVENPARITY;
    d.StopBits = TWOSTOPBITS;
    d.fOutX = 1;
    d.fInX = 1;
    SetLastError(0xdeadbeef);
    ck_assert(SetCommState(h, &d));
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* The device really has the settings (the master shares them).  A
     * pseudo-terminal keeps CS8 without parity whatever it is told (Linux's
     * pty driver), so GetCommState, which reads the device, says so. */
    struct termios t;
    ck_assert_int_eq(tcgetattr(master, &t), 0);
    ck_assert_uint_eq(cfgetospeed(&t), B9600);
    ck_assert(t.c_cflag & CSTOPB);
    ck_assert(t.c_iflag & IXON);
    ck_assert(t.c_iflag & IXOFF);
    DCB back;
    ck_assert(GetCommState(h, &back));
    ck_assert_uint_eq(back.BaudRate, 9600);
    ck_assert_uint_eq(back.ByteSize, (t.c_cflag & CSIZE) == CS7 ? 7 : 8);
    ck_assert_uint_eq(back.Parity, (t.c_cflag & PARENB) ? EVENPARITY : NOPARITY);
    ck_assert_uint_eq(back.StopBits, TWOSTOPBITS);
    ck_assert_uint_eq(back.fOutX, 1);
    ck_assert_uint_eq(back.fInX, 1);
    ck_assert_int_eq(back.XonChar, 0x11);
    ck_assert_int_eq(back.XoffChar, 0x13);

    d.BaudRate = CBR_115200;
    d.ByteSize = 8;
    d.Parity = MARKPARITY;
    d.StopBits = ONESTOPBIT;
    d.fOutX = d.fInX = 0;
    d.fOutxCtsFlow = 1;
    d.fRtsControl = RTS_CONTROL_HANDSHAKE;
    ck_assert(SetCommState(h, &d));
    ck_assert(GetCommState(h, &back));
    ck_assert_uint_eq(back.BaudRate, 115200);
    ck_assert_uint_eq(back.StopBits, ONESTOPBIT);
    ck_assert_uint_eq(back.fOutxCtsFlow, 1);
    ck_assert_uint_eq(back.fRtsControl, RTS_CONTROL_HANDSHAKE);
    d.Parity = SPACEPARITY;
    ck_assert(SetCommState(h, &d));
    d.fOutxCtsFlow = 0;
    d.fRtsControl = RTS_CONTROL_ENABLE;
    d.Parity = NOPARITY;
    ck_assert(SetCommState(h, &d));

    /* What cannot be set is refused and leaves the settings alone. */
    DCB bad = d;
    bad.ByteSize = 9;
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    bad = d;
    bad.ByteSize = 4;
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    bad = d;
    bad.Parity = 5;
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    bad = d;
    bad.StopBits = 3;
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    bad = d;
    bad.StopBits = ONE5STOPBITS; /* only with 5 data bits */
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    bad = d;
    bad.BaudRate = 12345;
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    bad = d;
    bad.fOutX = 1;
    bad.XonChar = bad.XoffChar = 0x11;
    ASSERT_FAILS(SetCommState(h, &bad), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetCommState(h, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetCommState(h, NULL), ERROR_INVALID_PARAMETER);
    ck_assert(GetCommState(h, &back));
    ck_assert_uint_eq(back.BaudRate, 115200);
    ck_assert_uint_eq(back.ByteSize, 8);
    d.ByteSize = 5;
    d.StopBits = ONE5STOPBITS;
    ck_assert(SetCommState(h, &d));
    ck_assert(GetCommState(h, &back));
    ck_assert(back.StopBits == ONE5STOPBITS || back.StopBits == TWOSTOPBITS);
    CloseHandle(h);
}
END_TEST

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_timeouts)
{
    HANDLE h = open_port("COM7");
    COMMTIMEOUTS to;
    memset(&to, 0x55, sizeof to);
    ck_assert(GetCommTimeouts(h, &to));
    ck_assert_uint_eq(to.ReadIntervalTimeout, 0);
    ck_assert_uint_eq(to.ReadTotalTimeoutConstant, 0);

    /* Return at once with what is there: nothing. */
    COMMTIMEOUTS now = {MAXDWORD, 0, 0, 0, 0};
    ck_assert(SetCommTimeouts(h, &now));
    char buf[16];
    DWORD n = 99;
    ck_assert(ReadFile(h, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 0);

    /* A total time-out: the read waits for all the bytes... */
    COMMTIMEOUTS total = {0, 0, ARRIVES, 0, 0};
    ck_assert(SetCommTimeouts(h, &total));
    ck_assert(GetCommTimeouts(h, &to));
    ck_assert_uint_eq(to.ReadTotalTimeoutConstant, ARRIVES);
    master_write("abc");
    ck_assert(ReadFile(h, buf, 3, &n, NULL));
    ck_assert_uint_eq(n, 3);
    ck_assert(!memcmp(buf, "abc", 3));

    /* ...and gives up after it with what came, successfully. */
    COMMTIMEOUTS shortto = {0, 0, 60, 0, 0};
    ck_assert(SetCommTimeouts(h, &shortto));
    int64_t t0 = now_ms();
    n = 99;
    ck_assert(ReadFile(h, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 0);
    ck_assert_int_ge(now_ms() - t0, 50);

    /* Wait for the first byte, then return what is there. */
    COMMTIMEOUTS first = {MAXDWORD, MAXDWORD, ARRIVES, 0, 0};
    ck_assert(SetCommTimeouts(h, &first));
    master_write("x");
    ck_assert(ReadFile(h, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(buf[0], 'x');

    COMMTIMEOUTS invalid = {MAXDWORD, MAXDWORD, MAXDWORD, 0, 0};
    ASSERT_FAILS(SetCommTimeouts(h, &invalid), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetCommTimeouts(h, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetCommTimeouts(h, NULL), ERROR_INVALID_PARAMETER);
    CloseHandle(h);
}
END_TEST

START_TEST(test_queues)
{
    HANDLE h = open_port("COM7");
    ck_assert(SetupComm(h, 4096, 4096));
    ck_assert_uint_eq(in_queue(h), 0);
    master_write("zz");
    /* The pty moves bytes to the reading side asynchronously. */
    for (int i = 0; i < 2000 && in_queue(h) < 2; i++)
        settle_ms(10);
    ck_assert_uint_eq(in_queue(h), 2);
    ck_assert(ClearCommError(h, NULL, NULL));
    SetLastError(0xdeadbeef);
    ck_assert(PurgeComm(h, PURGE_RXCLEAR | PURGE_RXABORT));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(in_queue(h), 0);
    ck_assert(PurgeComm(h, PURGE_TXCLEAR | PURGE_TXABORT));
    ck_assert(PurgeComm(h, 0));
    ASSERT_FAILS(PurgeComm(h, 0x10), ERROR_INVALID_PARAMETER);

    ck_assert(EscapeCommFunction(h, SETBREAK));
    ck_assert(EscapeCommFunction(h, CLRBREAK));
    ck_assert(EscapeCommFunction(h, SETXOFF));
    ck_assert(EscapeCommFunction(h, SETXON));
    ASSERT_FAILS(EscapeCommFunction(h, RESETDEV), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(EscapeCommFunction(h, 99), ERROR_INVALID_PARAMETER);
    CloseHandle(h);
}
END_TEST

START_TEST(test_not_a_port)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    DCB d = {.DCBlength = sizeof d};
    COMMTIMEOUTS to = {0};
    DWORD errs;
    COMSTAT st;
    HANDLE hs[] = {e, NULL, INVALID_HANDLE_VALUE, GetStdHandle(STD_ERROR_HANDLE)};
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) {
        HANDLE h = hs[i];
        if (!h && i == 3)
            continue; /* no standard error here */
        ASSERT_FAILS(GetCommState(h, &d), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(SetCommState(h, &d), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(GetCommTimeouts(h, &to), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(SetCommTimeouts(h, &to), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(PurgeComm(h, PURGE_RXCLEAR), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(SetupComm(h, 100, 100), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(ClearCommError(h, &errs, &st), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(EscapeCommFunction(h, SETDTR), ERROR_INVALID_HANDLE);
    }
    CloseHandle(e);
}
END_TEST


/* A port duplicated into another process: the same settings (the child's
 * time-outs are the parent's), I/O on the same device. */
static int child_port(struct xproc *x)
{
    HANDLE h;
    char buf[8], step;
    DWORD n = 0;
    COMMTIMEOUTS to;
    if (!child_get(x, &h, sizeof h))
        return 1;
    if (!GetCommTimeouts(h, &to) || to.ReadTotalTimeoutConstant != 4321)
        return 2;
    COMMTIMEOUTS all = {0, 0, 30000, 0, 0}; /* wait for every byte asked for */
    if (!SetCommTimeouts(h, &all))
        return 3;
    if (!child_put(x, "t", 1) || !child_get(x, &step, 1)) /* the master wrote "dev" */
        return 4;
    if (!ReadFile(h, buf, 3, &n, NULL))
        return 5;
    if (n != 3 || memcmp(buf, "dev", 3))
        return 6;
    if (!WriteFile(h, "up", 2, &n, NULL) || n != 2)
        return 7;
    SetLastError(0xdeadbeef);
    if (SetCommTimeouts(h, NULL) || GetLastError() != ERROR_INVALID_PARAMETER)
        return 8;
    return CloseHandle(h) ? 0 : 9;
}

START_TEST(test_port_in_other_process)
{
    HANDLE h = open_port("COM7");
    COMMTIMEOUTS to = {0, 0, 4321, 0, 0};
    ck_assert(SetCommTimeouts(h, &to));
    struct xproc x;
    xproc_start(&x, child_port);
    xproc_give(&x, h, 0, DUPLICATE_SAME_ACCESS);
    char step;
    ck_assert(xproc_recv(x.to_parent[0], &step, 1));
    ck_assert(GetCommTimeouts(h, &to));
    ck_assert_uint_eq(to.ReadTotalTimeoutConstant, 30000); /* the child's setting */
    master_write("dev");
    xproc_send(x.to_child[1], "w", 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    char buf[4] = {0};
    ck_assert_int_eq(read(master, buf, 2), 2);
    ck_assert(memcmp(buf, "up", 2) == 0);
    CloseHandle(h);
}
END_TEST

static Suite *comm_suite(void)
{
    Suite *s = suite_create("comm");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_open);
    tcase_add_test(tc, test_state);
    tcase_add_test(tc, test_timeouts);
    tcase_add_test(tc, test_queues);
    tcase_add_test(tc, test_not_a_port);
    tcase_add_test(tc, test_port_in_other_process);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(comm_suite)
