/* The console on a pseudo-terminal: a forked child makes the pty its
 * controlling terminal and standard handles, as a console program's
 * console; the parent plays the user on the master side. */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define ARRIVES 20000

/* Child-side checks: the failing line number is the exit status. */
#define CHILD_CHECK(x)                                                       \
    do {                                                                     \
        if (!(x))                                                            \
            _exit(__LINE__ % 250 + 1);                                       \
    } while (0)
#define CHILD_FAILS(x, err)                                                  \
    do {                                                                     \
        SetLastError(0xdeadbeef);                                            \
        CHILD_CHECK(!(x));                                                   \
        CHILD_CHECK(GetLastError() == (DWORD)(err));                         \
    } while (0)

/* Runs body in a child whose controlling terminal and fds 0..2 are a new
 * pty's slave; the parent runs user() on the master. */
static void on_pty(void (*body)(void), void (*user)(int master))
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    struct winsize ws = {.ws_row = 33, .ws_col = 101};
    ck_assert_int_eq(ioctl(master, TIOCSWINSZ, &ws), 0);
    const char *slave = ptsname(master);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setsid();
        int s = open(slave, O_RDWR); /* becomes the controlling terminal */
        if (s < 0)
            _exit(250);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        close(master);
        body();
        _exit(0);
    }
    if (user)
        user(master);
    int status;
    /* Drain the child's output so that it never blocks on a full pty. */
    for (;;) {
        struct pollfd p = {.fd = master, .events = POLLIN};
        if (poll(&p, 1, 100) > 0) {
            char buf[256];
            if (read(master, buf, sizeof buf) <= 0)
                break;
        }
        if (waitpid(pid, &status, WNOHANG) == pid)
            goto reaped;
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
reaped:
    close(master);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "child failed at check %d", WEXITSTATUS(status));
}

/* Reads from the master until `want` has been seen. */
static void expect_output(int master, const char *want)
{
    char got[512] = {0};
    size_t n = 0;
    while (!strstr(got, want)) {
        struct pollfd p = {.fd = master, .events = POLLIN};
        ck_assert_int_eq(poll(&p, 1, ARRIVES), 1);
        ssize_t r = read(master, got + n, sizeof got - 1 - n);
        ck_assert_int_gt(r, 0);
        n += (size_t)r;
        ck_assert_uint_lt(n, sizeof got - 1);
    }
}

static void body_modes(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD m = 0;
    CHILD_CHECK(GetConsoleMode(in, &m));
    CHILD_CHECK((m & (ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT)) ==
                (ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT));
    CHILD_CHECK(SetConsoleMode(in, ENABLE_PROCESSED_INPUT));
    struct termios t;
    CHILD_CHECK(tcgetattr(0, &t) == 0);
    CHILD_CHECK(!(t.c_lflag & ICANON) && !(t.c_lflag & ECHO) && (t.c_lflag & ISIG));
    CHILD_CHECK(GetConsoleMode(in, &m));
    CHILD_CHECK((m & 7) == ENABLE_PROCESSED_INPUT);
    CHILD_CHECK(SetConsoleMode(in, ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT));
    CHILD_CHECK(tcgetattr(0, &t) == 0);
    CHILD_CHECK((t.c_lflag & ICANON) && (t.c_lflag & ECHO) && !(t.c_lflag & ISIG));
    /* Echo needs line input; unknown bits are refused. */
    CHILD_FAILS(SetConsoleMode(in, ENABLE_ECHO_INPUT), ERROR_INVALID_PARAMETER);
    CHILD_FAILS(SetConsoleMode(in, 0x400), ERROR_INVALID_PARAMETER);
    CHILD_FAILS(SetConsoleMode(out, 0x20), ERROR_INVALID_PARAMETER);
    /* Bits without a termios equivalent are remembered. */
    CHILD_CHECK(SetConsoleMode(in, ENABLE_LINE_INPUT | ENABLE_WINDOW_INPUT));
    CHILD_CHECK(GetConsoleMode(in, &m) && m == (ENABLE_LINE_INPUT | ENABLE_WINDOW_INPUT));
    CHILD_CHECK(GetConsoleMode(out, &m));
    CHILD_CHECK(m & ENABLE_PROCESSED_OUTPUT);
    CHILD_CHECK(SetConsoleMode(out, ENABLE_WRAP_AT_EOL_OUTPUT));
    CHILD_CHECK(tcgetattr(1, &t) == 0 && !(t.c_oflag & OPOST));
    CHILD_CHECK(GetConsoleMode(out, &m) && m == ENABLE_WRAP_AT_EOL_OUTPUT);
    CHILD_CHECK(SetConsoleMode(out, ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT));
    CHILD_CHECK(tcgetattr(1, &t) == 0 && (t.c_oflag & OPOST));

    CONSOLE_SCREEN_BUFFER_INFO ci;
    CHILD_CHECK(GetConsoleScreenBufferInfo(out, &ci));
    CHILD_CHECK(ci.dwSize.X == 101 && ci.dwSize.Y == 33);
    CHILD_CHECK(ci.srWindow.Left == 0 && ci.srWindow.Right == 100);
    CHILD_CHECK(ci.srWindow.Top == 0 && ci.srWindow.Bottom == 32);
    CHILD_CHECK(ci.dwMaximumWindowSize.X == 101);
    CHILD_FAILS(GetConsoleScreenBufferInfo(in, &ci), ERROR_INVALID_HANDLE);

    /* CONIN$ and CONOUT$ are the same terminal. */
    HANDLE cin = NULL, cout = NULL;
    cin = CreateFileA("CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
                      OPEN_EXISTING, 0, NULL);
    CHILD_CHECK(cin != INVALID_HANDLE_VALUE && GetLastError() == ERROR_SUCCESS);
    cout = CreateFileA("\\\\.\\conout$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_WRITE,
                       NULL, OPEN_EXISTING, 0, NULL);
    CHILD_CHECK(cout != INVALID_HANDLE_VALUE);
    CHILD_CHECK(GetFileType(cin) == FILE_TYPE_CHAR);
    CHILD_CHECK(GetConsoleMode(cin, &m) && (m & ENABLE_LINE_INPUT));
    CHILD_CHECK(GetConsoleScreenBufferInfo(cout, &ci) && ci.dwSize.X == 101);
    CHILD_FAILS(GetConsoleScreenBufferInfo(cin, &ci), ERROR_INVALID_HANDLE);
    DWORD n;
    CHILD_FAILS(WriteConsoleA(cin, "x", 1, &n, NULL), ERROR_INVALID_HANDLE);
    CHILD_FAILS(ReadConsoleA(cout, &ci, 1, &n, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(cin);
    CloseHandle(cout);
}

START_TEST(test_modes)
{
    on_pty(body_modes, NULL);
}
END_TEST

static void body_io(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD n = 0;
    CHILD_CHECK(WriteConsoleA(out, "ready\n", 6, &n, NULL) && n == 6);
    char buf[64];
    /* Line input: a line ends in CR LF, as the console gives it. */
    CHILD_CHECK(ReadConsoleA(in, buf, sizeof buf, &n, NULL));
    CHILD_CHECK(n == 5 && !memcmp(buf, "abc\r\n", 5));
    WCHAR w[64];
    CHILD_CHECK(ReadConsoleW(in, w, 64, &n, NULL));
    CHILD_CHECK(n == 4 && w[0] == 0xe9 && w[1] == 'x' && w[2] == '\r' && w[3] == '\n');
    /* Raw input: each key as it comes. */
    CHILD_CHECK(SetConsoleMode(in, 0));
    CHILD_CHECK(WriteConsoleW(out, u"w\u00e9!", 3, &n, NULL) && n == 3);
    CHILD_CHECK(ReadConsoleA(in, buf, 1, &n, NULL) && n == 1 && buf[0] == 'q');
    CHILD_CHECK(ReadFile(in, buf, 1, &n, NULL) && n == 1 && buf[0] == 'r');
    CHILD_CHECK(WriteFile(out, "done", 4, &n, NULL) && n == 4);
}

static void user_io(int master)
{
    expect_output(master, "ready");
    ck_assert_int_eq(write(master, "abc\n", 4), 4);
    ck_assert_int_eq(write(master, "\xc3\xa9x\n", 4), 4);
    expect_output(master, "w\xc3\xa9!");
    ck_assert_int_eq(write(master, "qr", 2), 2);
    expect_output(master, "done");
}

START_TEST(test_io)
{
    on_pty(body_io, user_io);
}
END_TEST

START_TEST(test_not_a_console)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    /* A pipe as standard input: not a console. */
    int saved = dup(0);
    dup2(p[0], 0);
    SetStdHandle(STD_INPUT_HANDLE, NULL);
    DWORD m, n;
    char buf[4];
    CONSOLE_SCREEN_BUFFER_INFO ci;
    HANDLE hs[] = {e, NULL, INVALID_HANDLE_VALUE};
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) {
        ASSERT_FAILS(GetConsoleMode(hs[i], &m), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(SetConsoleMode(hs[i], 0), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(GetConsoleScreenBufferInfo(hs[i], &ci), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(ReadConsoleA(hs[i], buf, 1, &n, NULL), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(ReadConsoleW(hs[i], buf, 1, &n, NULL), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(WriteConsoleA(hs[i], "x", 1, &n, NULL), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(WriteConsoleW(hs[i], u"x", 1, &n, NULL), ERROR_INVALID_HANDLE);
    }
    dup2(saved, 0);
    close(saved);
    close(p[0]);
    close(p[1]);
    CloseHandle(e);
}
END_TEST

/* Without a controlling terminal there is no console to open. */
static void body_no_tty(void) {}

START_TEST(test_no_terminal)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setsid(); /* no controlling terminal any more */
        SetLastError(0xdeadbeef);
        if (CreateFileA("CONIN$", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                INVALID_HANDLE_VALUE ||
            GetLastError() != ERROR_INVALID_HANDLE)
            _exit(1);
        SetLastError(0xdeadbeef);
        if (CreateFileW(u"CONOUT$", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                INVALID_HANDLE_VALUE ||
            GetLastError() != ERROR_INVALID_HANDLE)
            _exit(2);
        body_no_tty();
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_modes);
    tcase_add_test(tc, test_io);
    tcase_add_test(tc, test_not_a_console);
    tcase_add_test(tc, test_no_terminal);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(console_suite)
