/* Error modes and the debugging helpers (lib/sys/debug.c). */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static long my_tracer(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long t = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "TracerPid: %ld", &t) == 1)
            break;
    if (f)
        fclose(f);
    return t;
}

/* ---- error modes ---- */

START_TEST(test_error_mode)
{
    ck_assert_uint_eq(GetErrorMode(), 0);
    ck_assert_uint_eq(SetErrorMode(SEM_FAILCRITICALERRORS), 0);
    ck_assert_uint_eq(GetErrorMode(), SEM_FAILCRITICALERRORS);
    ck_assert_uint_eq(SetErrorMode(SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX),
                      SEM_FAILCRITICALERRORS);
    ck_assert_uint_eq(GetErrorMode(), SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    ck_assert_uint_eq(SetErrorMode(0), SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
}
END_TEST

static DWORD WINAPI other_thread_mode(LPVOID p)
{
    (void)p;
    DWORD before = GetThreadErrorMode();
    SetThreadErrorMode(SEM_NOGPFAULTERRORBOX, NULL);
    return before;
}

START_TEST(test_thread_error_mode)
{
    DWORD old = 0xcccccccc;
    ck_assert_uint_eq(GetThreadErrorMode(), 0);
    ck_assert(SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &old));
    ck_assert_uint_eq(old, 0);
    ck_assert_uint_eq(GetThreadErrorMode(), SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    ck_assert(SetThreadErrorMode(SEM_NOGPFAULTERRORBOX, NULL));
    ck_assert(SetThreadErrorMode(0, &old));
    ck_assert_uint_eq(old, SEM_NOGPFAULTERRORBOX);

    /* Per thread: a new thread starts with 0 and changes only its own. */
    ck_assert(SetThreadErrorMode(SEM_FAILCRITICALERRORS, NULL));
    HANDLE t = CreateThread(NULL, 0, other_thread_mode, NULL, 0, NULL);
    ck_assert_ptr_nonnull(t);
    ASSERT_WAIT(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(t);
    ck_assert_uint_eq(GetThreadErrorMode(), SEM_FAILCRITICALERRORS);
    /* Independent of the process mode. */
    ck_assert_uint_eq(GetErrorMode(), 0);
}
END_TEST

START_TEST(test_thread_error_mode_errors)
{
    ck_assert(SetThreadErrorMode(SEM_FAILCRITICALERRORS, NULL));
    DWORD old = 0xcccccccc;
    ASSERT_FAILS(SetThreadErrorMode(SEM_NOALIGNMENTFAULTEXCEPT, &old), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadErrorMode(0x10, &old), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadErrorMode(0x80000000 | SEM_FAILCRITICALERRORS, &old),
                 ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(old, 0xcccccccc);
    ck_assert_uint_eq(GetThreadErrorMode(), SEM_FAILCRITICALERRORS);
}
END_TEST

/* ---- debug output ---- */

static char *slurp(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

START_TEST(test_debug_output_file)
{
    char path[] = "/tmp/winshim-dbg-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    setenv("WINSHIM_DEBUG_OUTPUT", path, 1);
    SetLastError(1234);
    OutputDebugStringA("hello ");
    OutputDebugStringA(NULL);
    static const WCHAR w[] = {'w', 0xe9, '\n', 0};
    OutputDebugStringW(w);
    OutputDebugStringW(NULL);
    ASSERT_LAST_ERROR(1234);
    ck_assert_str_eq(slurp(path), "hello w\xc3\xa9\n");
    unlink(path);
}
END_TEST

/* Standard error, captured in a file. */
static int capture_stderr(char *path)
{
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    int saved = dup(2);
    dup2(fd, 2);
    close(fd);
    return saved;
}

START_TEST(test_debug_output_stderr)
{
    char path[] = "/tmp/winshim-dbg-XXXXXX";
    int saved = capture_stderr(path);
    unsetenv("WINSHIM_DEBUG_OUTPUT");
    OutputDebugStringA("not shown without a debugger\n");
    setenv("WINSHIM_DEBUG_OUTPUT", "stderr", 1);
    OutputDebugStringA("shown\n");
    dup2(saved, 2);
    close(saved);
    if (my_tracer() > 0) /* the tests themselves run under a tracer */
        ck_assert_str_eq(slurp(path), "not shown without a debugger\nshown\n");
    else
        ck_assert_str_eq(slurp(path), "shown\n");
    unlink(path);
}
END_TEST

/* ---- debuggers ---- */

START_TEST(test_is_debugger_present)
{
    ck_assert_int_eq(IsDebuggerPresent(), my_tracer() > 0);
    BOOL b = 0xcccc;
    ck_assert(CheckRemoteDebuggerPresent(GetCurrentProcess(), &b));
    ck_assert_int_eq(b, my_tracer() > 0);
}
END_TEST

/* A child that its parent traces (PTRACE_TRACEME): it sees a debugger,
 * and the parent sees one in it through CheckRemoteDebuggerPresent. */
START_TEST(test_traced_child)
{
    int up[2], down[2];
    ck_assert_int_eq(pipe(up), 0);
    ck_assert_int_eq(pipe(down), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char c = ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 && IsDebuggerPresent() ? 'y' : 'n';
        write(up[1], &c, 1);
        read(down[0], &c, 1);
        _exit(0);
    }
    char c = 0;
    ck_assert_int_eq(read(up[0], &c, 1), 1);
    ck_assert_int_eq(c, 'y');
    HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(h);
    BOOL b = FALSE;
    ck_assert(CheckRemoteDebuggerPresent(h, &b));
    ck_assert_int_eq(b, TRUE);
    write(down[1], "x", 1);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CloseHandle(h);
}
END_TEST

START_TEST(test_check_remote_errors)
{
    BOOL b = 0xcccc;
    ASSERT_FAILS(CheckRemoteDebuggerPresent(NULL, &b), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CheckRemoteDebuggerPresent(GetCurrentProcess(), NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CheckRemoteDebuggerPresent((HANDLE)(ULONG_PTR)0x1234, &b), ERROR_INVALID_HANDLE);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(CheckRemoteDebuggerPresent(ev, &b), ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    ck_assert_int_eq(b, 0xcccc);
}
END_TEST

/* Without a debugger, the breakpoint ends the process by SIGTRAP. */
START_TEST(test_debug_break)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        DebugBreak();
        _exit(0);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP, "status %#x", st);
}
END_TEST

static Suite *debug_suite(void)
{
    Suite *s = suite_create("debug");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_error_mode);
    tcase_add_test(basic, test_debug_output_file);
    tcase_add_test(basic, test_debug_output_stderr);
    tcase_add_test(basic, test_is_debugger_present);
    tcase_add_test(basic, test_debug_break);
    suite_add_tcase(s, basic);
    TCase *threads = tcase_create("threads");
    tcase_add_test(threads, test_thread_error_mode);
    suite_add_tcase(s, threads);
    TCase *processes = tcase_create("processes");
    tcase_add_test(processes, test_traced_child);
    suite_add_tcase(s, processes);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_thread_error_mode_errors);
    tcase_add_test(errors, test_check_remote_errors);
    suite_add_tcase(s, errors);
    return s;
}

TEST_MAIN(debug_suite)
