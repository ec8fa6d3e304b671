/*
 * Processes: CreateProcess (command lines, search, environment, current
 * directory, suspended start, standard handles), process and thread
 * handles of children, exit codes, TerminateProcess, OpenProcess of any
 * process, GetProcessHandleCount, GetCommandLine.
 *
 * The binary re-executes itself as the child: an argument "--child"
 * anywhere on its command line makes it run the mode that follows instead
 * of the Check runner (see child_main).
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- the child side ---- */

static int child_dump(int argc, char **argv)
{
    const char *out = getenv("CHECK_OUT");
    FILE *f = out ? fopen(out, "w") : NULL;
    if (!f)
        return 90;
    fprintf(f, "argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        fprintf(f, "arg[%d]=<%s>\n", i, argv[i]);
    fprintf(f, "cmdline=<%s>\n", GetCommandLineA());
    /* GetCommandLineW must say the same in UTF-16. */
    const char *a = GetCommandLineA();
    LPCWSTR w = GetCommandLineW();
    int same = 1;
    size_t i = 0;
    for (; a[i] && w[i]; i++)
        if ((unsigned char)a[i] < 0x80 && w[i] != (WCHAR)(unsigned char)a[i])
            same = 0;
    fprintf(f, "wide=%s\n", same ? "same" : "differs");
    char cwd[PATH_MAX];
    fprintf(f, "cwd=<%s>\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    const char *v = getenv("CHECK_VAR");
    fprintf(f, "var=<%s>\n", v ? v : "(none)");
    fprintf(f, "path=%s\n", getenv("PATH") ? "set" : "unset");
    fprintf(f, "winshim_var=%s\n", getenv("WINSHIM_PROCESS") ? "set" : "unset");
    fclose(f);
    return 0;
}

static HANDLE arg_handle(char **argv, int argc, int i)
{
    return i < argc ? (HANDLE)(uintptr_t)strtoull(argv[i], NULL, 16) : NULL;
}

/* "inherit <event> <not inherited> <semaphore> <pipe writer>": the
 * handles CreateProcess with bInheritHandles passed, under the parent's
 * values and with its access. */
static int child_inherit(int argc, char **argv, int k)
{
    HANDLE ev = arg_handle(argv, argc, k + 2), no = arg_handle(argv, argc, k + 3);
    HANDLE sem = arg_handle(argv, argc, k + 4), w = arg_handle(argv, argc, k + 5);
    DWORD flags = 0;
    if (!GetHandleInformation(ev, &flags))
        return 10;
    SetLastError(0xdeadbeef);
    if (WaitForSingleObject(no, 0) != WAIT_FAILED || GetLastError() != ERROR_INVALID_HANDLE)
        return 11;
    /* Same access: the semaphore handle has no SYNCHRONIZE. */
    SetLastError(0xdeadbeef);
    if (WaitForSingleObject(sem, 0) != WAIT_FAILED || GetLastError() != ERROR_ACCESS_DENIED)
        return 12;
    LONG prev = -1;
    if (!ReleaseSemaphore(sem, 1, &prev) || prev != 0)
        return 13;
    DWORD n = 0;
    if (!WriteFile(w, "inherited", 9, &n, NULL) || n != 9)
        return 14;
    if (!CloseHandle(w))
        return 15;
    if (!SetEvent(ev))
        return 16;
    return 0;
}

/* "noinherit <event>": bInheritHandles FALSE passes nothing. */
static int child_noinherit(int argc, char **argv, int k)
{
    SetLastError(0xdeadbeef);
    if (SetEvent(arg_handle(argv, argc, k + 2)) || GetLastError() != ERROR_INVALID_HANDLE)
        return 20;
    return 0;
}

/* "stdinherit <writer>": STARTF_USESTDHANDLES with an inherited pipe
 * writer: it is our standard output, under the parent's value. */
static int child_stdinherit(int argc, char **argv, int k)
{
    HANDLE w = arg_handle(argv, argc, k + 2);
    if (GetStdHandle(STD_OUTPUT_HANDLE) != w)
        return 30;
    DWORD n = 0;
    if (!WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "std", 3, &n, NULL) || n != 3)
        return 31;
    return 0;
}

/* "listed <listed event> <unlisted event>...": a handle list passed the
 * first and none of the others (each an inheritable event of the parent's). */
static int child_listed(int argc, char **argv, int k)
{
    if (!SetEvent(arg_handle(argv, argc, k + 2)))
        return 40;
    for (int i = k + 3; i < argc; i++) {
        SetLastError(0xdeadbeef);
        if (SetEvent(arg_handle(argv, argc, i)) || GetLastError() != ERROR_INVALID_HANDLE)
            return 41;
    }
    return 0;
}

/* "dupped <file>": waits for the parent to write a handle value into the
 * file (it duplicated the handle into us after CreateProcess), then sets
 * the event it names.  0, or 50 + the last error. */
static int child_dupped(const char *file)
{
    unsigned long long v = 0;
    for (int i = 0; i < 2000 && !v; i++) {
        FILE *f = fopen(file, "r");
        if (f) {
            if (fscanf(f, "%llx", &v) != 1)
                v = 0;
            fclose(f);
        }
        if (!v)
            usleep(5000);
    }
    if (!v)
        return 49;
    SetLastError(0xdeadbeef);
    return SetEvent((HANDLE)(uintptr_t)v) ? 0 : 50 + (int)GetLastError();
}

/* Runs mode `m` (argv[k] is "--child"). */
static int child_main(int argc, char **argv, int k)
{
    const char *m = k + 1 < argc ? argv[k + 1] : "";
    const char *arg = k + 2 < argc ? argv[k + 2] : "0";
    if (!strcmp(m, "dump"))
        return child_dump(argc, argv);
    if (!strcmp(m, "inherit"))
        return child_inherit(argc, argv, k);
    if (!strcmp(m, "noinherit"))
        return child_noinherit(argc, argv, k);
    if (!strcmp(m, "listed"))
        return child_listed(argc, argv, k);
    if (!strcmp(m, "stdinherit"))
        return child_stdinherit(argc, argv, k);
    if (!strcmp(m, "dupped"))
        return child_dupped(arg);
    if (!strcmp(m, "exit"))
        ExitProcess((UINT)strtoul(arg, NULL, 0));
    if (!strcmp(m, "return"))
        return (int)strtoul(arg, NULL, 0);
    if (!strcmp(m, "_exit"))
        _exit((int)strtoul(arg, NULL, 0));
    if (!strcmp(m, "terminate"))
        TerminateProcess(GetCurrentProcess(), (UINT)strtoul(arg, NULL, 0));
    struct rlimit nocore = {0, 0};
    setrlimit(RLIMIT_CORE, &nocore); /* for abort and segv */
    if (!strcmp(m, "abort"))
        abort();
    if (!strcmp(m, "segv"))
        raise(SIGSEGV);
    if (!strcmp(m, "sleep"))
        for (;;)
            pause();
    if (!strcmp(m, "touch")) {
        int fd = open(arg, O_WRONLY | O_CREAT, 0600);
        return fd < 0 ? 91 : 0;
    }
    if (!strcmp(m, "stdnull")) {
        /* STARTF_USESTDHANDLES with NULL handles: all three /dev/null. */
        struct stat a, b;
        if (stat("/dev/null", &b) < 0)
            return 92;
        for (int fd = 0; fd < 3; fd++)
            if (fstat(fd, &a) < 0 || a.st_rdev != b.st_rdev || !S_ISCHR(a.st_mode))
                return 93 + fd;
        return 0;
    }
    return 99;
}

/* ---- helpers ---- */

static char self_exe[PATH_MAX];

static void find_self(void)
{
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    ck_assert_int_gt(n, 0);
    self_exe[n] = '\0';
}

/* Starts `"<self>" <args>`; the command line is kept in `line`. */
static BOOL start(const char *args, DWORD flags, LPVOID env, LPCSTR cwd,
                  PROCESS_INFORMATION *pi, char *line, size_t cap)
{
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    snprintf(line, cap, "\"%s\" %s", self_exe, args);
    memset(pi, 0xcc, sizeof *pi);
    return CreateProcessA(NULL, line, NULL, NULL, FALSE, flags, env, cwd, &si, pi);
}

/* Runs a child to its end; returns its exit code. */
static DWORD run(const char *args, DWORD flags, LPVOID env, LPCSTR cwd)
{
    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 512];
    ck_assert_msg(start(args, flags, env, cwd, &pi, line, sizeof line),
                  "CreateProcess %s: %lu", args, (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code = 0xcccccccc, tcode = 0xcccccccc;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ASSERT_WAIT(WaitForSingleObject(pi.hThread, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(pi.hThread, &tcode));
    ck_assert_uint_eq(code, tcode);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

static char out_path[64];

static void make_out(void)
{
    strcpy(out_path, "/tmp/winshim-proc-XXXXXX");
    int fd = mkstemp(out_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    setenv("CHECK_OUT", out_path, 1);
}

static char *read_out(void)
{
    static char buf[16384];
    FILE *f = fopen(out_path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(out_path);
    return buf;
}

#define ASSERT_HAS(text, piece) \
    ck_assert_msg(strstr((text), (piece)) != NULL, "missing %s in:\n%s", (piece), (text))

/* A command line's argv as the child saw it, given the part after the
 * program name. */
static char *dump_args(const char *args)
{
    char full[2048];
    snprintf(full, sizeof full, "--child dump %s", args);
    make_out();
    ck_assert_uint_eq(run(full, 0, NULL, NULL), 0);
    return read_out();
}

/* ---- command lines ---- */

START_TEST(test_argv_rules)
{
    find_self();
    char *o = dump_args("plain \"two words\" a\\\\\\\"b \"c\\\\\" d\\\\e \"q\"\"q\" \"\" \"open");
    ASSERT_HAS(o, "argc=11\n");
    ASSERT_HAS(o, "arg[1]=<--child>\n");
    ASSERT_HAS(o, "arg[3]=<plain>\n");
    ASSERT_HAS(o, "arg[4]=<two words>\n");
    ASSERT_HAS(o, "arg[5]=<a\\\"b>\n");   /* a\\\"b -> a\"b */
    ASSERT_HAS(o, "arg[6]=<c\\>\n");      /* "c\\" -> c\ */
    ASSERT_HAS(o, "arg[7]=<d\\\\e>\n");   /* backslashes not before a quote */
    ASSERT_HAS(o, "arg[8]=<q\"q>\n");     /* "" inside quotes */
    ASSERT_HAS(o, "arg[9]=<>\n");
    ASSERT_HAS(o, "arg[10]=<open>\n");    /* unterminated quote */
    ASSERT_HAS(o, "wide=same\n");
    ASSERT_HAS(o, "winshim_var=unset\n"); /* taken out before main */
}
END_TEST

START_TEST(test_cmdline_exact)
{
    find_self();
    char expect[PATH_MAX + 128];
    PROCESS_INFORMATION pi;
    make_out();
    /* Odd spacing survives exactly; argv[0] keeps its quotes dropped. */
    ck_assert(start("  --child   dump\t\"x  y\"   ", 0, NULL, NULL, &pi, expect + 9,
                    sizeof expect - 9));
    memcpy(expect, "cmdline=<", 9);
    strcat(expect, ">\n");
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    char *o = read_out();
    ASSERT_HAS(o, expect);
    char arg0[PATH_MAX + 16];
    snprintf(arg0, sizeof arg0, "arg[0]=<%s>\n", self_exe);
    ASSERT_HAS(o, arg0);
    ASSERT_HAS(o, "arg[3]=<x  y>\n");
    ASSERT_HAS(o, "argc=4\n");
}
END_TEST

START_TEST(test_cmdline_wide)
{
    find_self();
    /* CreateProcessW: the child's command line is the W string, non-ASCII
     * included. */
    make_out();
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "\"%s\" --child dump \xc3\xa9t\xc3\xa9 \xe2\x82\xac", self_exe);
    WCHAR wline[PATH_MAX + 64];
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)line; *p;) {
        if (*p < 0x80) {
            wline[n++] = *p++;
        } else if ((*p & 0xe0) == 0xc0) {
            wline[n++] = (WCHAR)(((p[0] & 0x1f) << 6) | (p[1] & 0x3f));
            p += 2;
        } else {
            wline[n++] = (WCHAR)(((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f));
            p += 3;
        }
    }
    wline[n] = 0;
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessW(NULL, wline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    char *o = read_out();
    ASSERT_HAS(o, "arg[3]=<\xc3\xa9t\xc3\xa9>\n");
    ASSERT_HAS(o, "arg[4]=<\xe2\x82\xac>\n");
    char expect[PATH_MAX + 80];
    snprintf(expect, sizeof expect, "cmdline=<%s>\n", line);
    ASSERT_HAS(o, expect);
}
END_TEST

/* A program not started by CreateProcess: its command line is rebuilt
 * from its argv with Windows quoting. */
START_TEST(test_cmdline_rebuilt)
{
    find_self();
    make_out();
    pid_t pid = fork();
    if (pid == 0) {
        execl(self_exe, "prog name", "--child", "dump", "a b", "q\"uote", "back\\",
              "tail\\\\ x", "", (char *)NULL);
        _exit(98);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *o = read_out();
    ASSERT_HAS(o, "cmdline=<\"prog name\" --child dump \"a b\" \"q\\\"uote\" back\\ "
                  "\"tail\\\\ x\" \"\">\n");
}
END_TEST

START_TEST(test_cmdline_self)
{
    LPSTR a = GetCommandLineA();
    LPWSTR w = GetCommandLineW();
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_eq(a, GetCommandLineA()); /* made once */
    ck_assert_ptr_eq(w, GetCommandLineW());
    size_t i = 0;
    for (; a[i]; i++)
        ck_assert_uint_eq(w[i], (unsigned char)a[i]);
    ck_assert_uint_eq(w[i], 0);
}
END_TEST

/* ---- environment and current directory ---- */

START_TEST(test_environment)
{
    find_self();
    char block[8192];
    size_t n = 0;
    const char *ld = getenv("LD_LIBRARY_PATH");
    make_out();
    const char *vars[] = {"CHECK_VAR=from block", "CHECK_OUT=", "LD_LIBRARY_PATH=",
                          "WINSHIM_PROCESS=0000000001:-1:forged"};
    for (size_t i = 0; i < 4; i++) {
        n += (size_t)sprintf(block + n, "%s%s", vars[i],
                             i == 1 ? out_path : i == 2 ? (ld ? ld : "") : "") + 1;
    }
    block[n] = '\0';
    char args[] = "--child dump";
    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 64];
    ck_assert(start(args, 0, block, NULL, &pi, line, sizeof line));
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    char *o = read_out();
    ASSERT_HAS(o, "var=<from block>\n");
    ASSERT_HAS(o, "path=unset\n");
    ASSERT_HAS(o, "argc=3\n"); /* the forged variable did not count */

    /* UTF-16 block. */
    make_out();
    WCHAR wblock[8192];
    size_t k = 0;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "CHECK_OUT=%s", out_path);
    const char *wvars[] = {tmp, NULL, NULL};
    char ldv[4096];
    snprintf(ldv, sizeof ldv, "LD_LIBRARY_PATH=%s", ld ? ld : "");
    wvars[1] = ldv;
    for (int v = 0; v < 2; v++) {
        for (const char *c = wvars[v]; *c; c++)
            wblock[k++] = (unsigned char)*c;
        wblock[k++] = 0;
    }
    const WCHAR uvar[] = u"CHECK_VAR=h\u00e9llo \u20ac";
    memcpy(wblock + k, uvar, sizeof uvar);
    k += sizeof uvar / sizeof(WCHAR);
    wblock[k] = 0;
    ck_assert(start(args, CREATE_UNICODE_ENVIRONMENT, wblock, NULL, &pi, line, sizeof line));
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    o = read_out();
    ASSERT_HAS(o, "var=<h\xc3\xa9llo \xe2\x82\xac>\n");

    /* NULL: ours, as it is now. */
    make_out();
    setenv("CHECK_VAR", "inherited", 1);
    ck_assert_uint_eq(run(args, 0, NULL, NULL), 0);
    o = read_out();
    ASSERT_HAS(o, "var=<inherited>\n");
    ASSERT_HAS(o, "path=set\n");
}
END_TEST

START_TEST(test_current_directory)
{
    find_self();
    make_out();
    ck_assert_uint_eq(run("--child dump", 0, NULL, "/"), 0);
    ASSERT_HAS(read_out(), "cwd=</>\n");
    make_out();
    ck_assert_uint_eq(run("--child dump", 0, NULL, "\\tmp"), 0); /* backslashes */
    ASSERT_HAS(read_out(), "cwd=</tmp>\n");

    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 64];
    ASSERT_FAILS(start("--child dump", 0, NULL, "/nonexistent-winshim-dir", &pi, line,
                       sizeof line),
                 ERROR_DIRECTORY);
    ASSERT_FAILS(start("--child dump", 0, NULL, "/dev/null", &pi, line, sizeof line),
                 ERROR_DIRECTORY);
}
END_TEST

/* ---- exit codes ---- */

START_TEST(test_exit_codes)
{
    find_self();
    ck_assert_uint_eq(run("--child exit 0x12345678", 0, NULL, NULL), 0x12345678);
    ck_assert_uint_eq(run("--child exit 0", 0, NULL, NULL), 0);
    ck_assert_uint_eq(run("--child return 300", 0, NULL, NULL), 300);
    ck_assert_uint_eq(run("--child _exit 7", 0, NULL, NULL), 7);
    ck_assert_uint_eq(run("--child terminate 0xC0000135", 0, NULL, NULL), 0xC0000135);
    ck_assert_uint_eq(run("--child abort", 0, NULL, NULL), 3);
    /* Sanitizer builds: their SIGSEGV handler must not take the signal. */
    const char *opts[] = {"ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS"};
    for (int i = 0; i < 3; i++) {
        char v[1024];
        const char *old = getenv(opts[i]);
        snprintf(v, sizeof v, "%s%shandle_segv=0", old ? old : "", old ? ":" : "");
        setenv(opts[i], v, 1);
    }
    ck_assert_uint_eq(run("--child segv", 0, NULL, NULL), 0xC0000005);
}
END_TEST

START_TEST(test_handles_and_ids)
{
    find_self();
    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 64];
    ck_assert(start("--child sleep", 0, NULL, NULL, &pi, line, sizeof line));
    ck_assert_uint_ne(pi.dwProcessId, 0);
    ck_assert_uint_eq(pi.dwThreadId, pi.dwProcessId); /* the main thread */
    ck_assert_uint_eq(GetProcessId(pi.hProcess), pi.dwProcessId);
    ck_assert_uint_eq(GetThreadId(pi.hThread), pi.dwThreadId);
    DWORD code = 0;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ck_assert(GetExitCodeThread(pi.hThread, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 0), WAIT_TIMEOUT);
    ASSERT_WAIT(WaitForSingleObject(pi.hThread, 0), WAIT_TIMEOUT);
    /* A running child's thread cannot be suspended or terminated. */
    ASSERT_FAILS(SuspendThread(pi.hThread) != (DWORD)-1, ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(TerminateThread(pi.hThread, 1), ERROR_NOT_SUPPORTED);
    ck_assert_uint_eq(ResumeThread(pi.hThread), 0);

    /* OpenProcess of our child: the same object. */
    HANDLE again = OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId);
    ck_assert_ptr_nonnull(again);
    ck_assert(CompareObjectHandles(again, pi.hProcess));

    ck_assert(TerminateProcess(pi.hProcess, 0xDEADBEEF));
    ASSERT_WAIT(WaitForSingleObject(again, INFINITE), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(pi.hThread, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0xDEADBEEF);
    ck_assert(GetExitCodeThread(pi.hThread, &code));
    ck_assert_uint_eq(code, 0xDEADBEEF);
    /* Ended: TerminateProcess is refused, the code stays. */
    ASSERT_FAILS(TerminateProcess(pi.hProcess, 5), ERROR_ACCESS_DENIED);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0xDEADBEEF);
    ASSERT_FAILS(SuspendThread(pi.hThread) != (DWORD)-1, ERROR_ACCESS_DENIED);

    /* While a handle is open the pid stays ours (the zombie is kept)... */
    HANDLE third = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pi.dwProcessId);
    ck_assert_ptr_nonnull(third);
    ck_assert(CompareObjectHandles(third, pi.hProcess));
    CloseHandle(third);
    CloseHandle(again);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    /* ...and goes with the last one. */
    ASSERT_FAILS(OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_wait_many)
{
    find_self();
    PROCESS_INFORMATION a, b;
    char line[PATH_MAX + 64];
    ck_assert(start("--child sleep", 0, NULL, NULL, &a, line, sizeof line));
    ck_assert(start("--child exit 4", 0, NULL, NULL, &b, line, sizeof line));
    HANDLE both[2] = {a.hProcess, b.hProcess};
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, INFINITE), WAIT_OBJECT_0 + 1);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_TIMEOUT);
    ck_assert(TerminateProcess(a.hProcess, 9));
    ASSERT_WAIT(WaitForMultipleObjects(2, both, TRUE, INFINITE), WAIT_OBJECT_0);
    /* Process handles are never consumed by waits. */
    ASSERT_WAIT(WaitForSingleObject(a.hProcess, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(a.hProcess, 0), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeProcess(b.hProcess, &code));
    ck_assert_uint_eq(code, 4);
    CloseHandle(a.hProcess);
    CloseHandle(a.hThread);
    CloseHandle(b.hProcess);
    CloseHandle(b.hThread);
}
END_TEST

/* ---- suspended start ---- */

START_TEST(test_suspended)
{
    find_self();
    char marker[64] = "/tmp/winshim-susp-XXXXXX";
    int fd = mkstemp(marker);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(marker);
    char args[128];
    snprintf(args, sizeof args, "--child touch %s", marker);
    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 128];
    ck_assert(start(args, CREATE_SUSPENDED, NULL, NULL, &pi, line, sizeof line));
    DWORD code;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20), WAIT_TIMEOUT);
    ck_assert_int_ne(access(marker, F_OK), 0); /* it has not run */
    ck_assert_uint_eq(SuspendThread(pi.hThread), 1);
    ck_assert_uint_eq(ResumeThread(pi.hThread), 2);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20), WAIT_TIMEOUT);
    ck_assert_int_ne(access(marker, F_OK), 0);
    ck_assert_uint_eq(ResumeThread(pi.hThread), 1); /* now it runs */
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    ck_assert_int_eq(access(marker, F_OK), 0);
    unlink(marker);
    ck_assert_uint_eq(ResumeThread(pi.hThread), 0); /* as Windows, once ended */
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Terminated while suspended: its program never runs. */
    ck_assert(start(args, CREATE_SUSPENDED, NULL, NULL, &pi, line, sizeof line));
    ck_assert(TerminateProcess(pi.hProcess, 77));
    ASSERT_WAIT(WaitForSingleObject(pi.hThread, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(pi.hThread, &code));
    ck_assert_uint_eq(code, 77);
    ck_assert_int_ne(access(marker, F_OK), 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Its thread handle closed before ResumeThread: it cannot be resumed
     * and ends without running. */
    ck_assert(start(args, CREATE_SUSPENDED, NULL, NULL, &pi, line, sizeof line));
    CloseHandle(pi.hThread);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 127);
    ck_assert_int_ne(access(marker, F_OK), 0);
    CloseHandle(pi.hProcess);
}
END_TEST

START_TEST(test_std_handles)
{
    find_self();
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = NULL;
    si.hStdOutput = INVALID_HANDLE_VALUE;
    si.hStdError = NULL;
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "\"%s\" --child stdnull", self_exe);
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}
END_TEST

/* A suspended child, blocked before its execve, holds no copy of the
 * parent's close-on-exec fds (here a pipe's write end), as a child that
 * has exec()ed would not. */
START_TEST(test_suspended_fds)
{
    find_self();
    int p[2];
    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 64];
    ck_assert(start("--child exit 0", CREATE_SUSPENDED, NULL, NULL, &pi, line, sizeof line));
    close(p[1]);
    char c;
    ck_assert_int_eq(read(p[0], &c, 1), 0); /* end of file: no other writer */
    close(p[0]);
    ck_assert_uint_eq(ResumeThread(pi.hThread), 1);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}
END_TEST

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

/* Threads starting children at once, suspended and not: every child gets
 * its own exit code, and no fd or handle is left behind. */
static void *spawner(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 6; i++) {
        char args[64], line[PATH_MAX + 64];
        DWORD want = (DWORD)(id * 100 + i + 1000);
        snprintf(args, sizeof args, "--child exit %u", (unsigned)want);
        int suspended = (i + id) % 2;
        PROCESS_INFORMATION pi;
        if (!start(args, suspended ? CREATE_SUSPENDED : 0, NULL, NULL, &pi, line, sizeof line))
            return (void *)1;
        if (suspended && ResumeThread(pi.hThread) != 1)
            return (void *)2;
        DWORD code = 0;
        if (WaitForSingleObject(pi.hProcess, INFINITE) != WAIT_OBJECT_0 ||
            !GetExitCodeProcess(pi.hProcess, &code) || code != want)
            return (void *)3;
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    return NULL;
}

START_TEST(test_spawn_threads)
{
    find_self();
    /* Warm up the lazily made pieces (monitor thread and its epoll fd). */
    ck_assert_uint_eq(run("--child exit 0", 0, NULL, NULL), 0);
    DWORD handles0, handles1;
    ck_assert(GetProcessHandleCount(GetCurrentProcess(), &handles0));
    int fds0 = count_fds();
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, spawner, (void *)(intptr_t)i), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ck_assert_ptr_null(r);
    }
    ck_assert_int_eq(count_fds(), fds0);
    ck_assert(GetProcessHandleCount(GetCurrentProcess(), &handles1));
    ck_assert_uint_eq(handles1, handles0);
    /* Every child was reaped. */
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}
END_TEST

/* ---- finding the program ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/winshim-search-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void put_link(const char *rel)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
    ck_assert_int_eq(symlink(self_exe, p), 0);
}

static DWORD run_line(const char *line_in)
{
    char line[1024];
    snprintf(line, sizeof line, "%s", line_in);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 0xffff0000u | GetLastError();
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

START_TEST(test_search)
{
    find_self();
    make_tmpdir();
    char p[512];
    put_link("prog.exe");
    snprintf(p, sizeof p, "%s/sub dir", tmpdir);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    put_link("sub dir/tool");
    snprintf(p, sizeof p, "%s/pathdir", tmpdir);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    put_link("pathdir/onpath");
    ck_assert_int_eq(chdir(tmpdir), 0);

    /* The current directory, ".exe" appended. */
    ck_assert_uint_eq(run_line("prog --child exit 5"), 5);
    ck_assert_uint_eq(run_line("prog.exe --child exit 6"), 6);
    /* Found in our current directory, run in another. */
    char line[128] = "prog --child exit 13";
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, "/", &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 13);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    ck_assert(CreateProcessA("prog.exe", line, NULL, NULL, FALSE, 0, NULL, "/", &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 13);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    /* A path: relative, with backslashes, absolute. */
    ck_assert_uint_eq(run_line(".\\prog --child exit 7"), 7);
    snprintf(p, sizeof p, "%s/prog.exe --child exit 8", tmpdir);
    ck_assert_uint_eq(run_line(p), 8);
    /* Unquoted with a space: "sub" is not there, "sub dir/tool" is. */
    ck_assert_uint_eq(run_line("sub dir/tool --child exit 9"), 9);
    ck_assert_uint_eq(run_line("\"sub dir/tool\" --child exit 10"), 10);
    /* PATH. */
    snprintf(p, sizeof p, "/nonexistent-winshim:%s/pathdir", tmpdir);
    setenv("PATH", p, 1);
    ck_assert_uint_eq(run_line("onpath --child exit 11"), 11);
    /* A name with a path is not searched for. */
    ck_assert_uint_eq(run_line("x/onpath --child exit 12"), 0xffff0000u | ERROR_FILE_NOT_FOUND);
    ck_assert_uint_eq(run_line("nothing-like-this --child exit 1"),
                      0xffff0000u | ERROR_FILE_NOT_FOUND);
}
END_TEST

/* A CreateProcess that fails zeroes all of PROCESS_INFORMATION, as Windows
 * does (CreateProcessInternalW clears it first): a caller that closes
 * pi.hProcess after a failure closes NULL, not garbage. */
START_TEST(test_create_failure_zeroes_pi)
{
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    char line[] = "winshim-no-such-program";
    memset(&pi, 0xcc, sizeof pi);
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_FILE_NOT_FOUND);
    ck_assert_ptr_null(pi.hProcess);
    ck_assert_ptr_null(pi.hThread);
    ck_assert_uint_eq(pi.dwProcessId, 0);
    ck_assert_uint_eq(pi.dwThreadId, 0);
    memset(&pi, 0xcc, sizeof pi);
    ASSERT_FAILS(CreateProcessA("/nonexistent/prog", NULL, NULL, NULL, FALSE,
                                CREATE_SUSPENDED, NULL, NULL, &si, &pi),
                 ERROR_FILE_NOT_FOUND);
    ck_assert_ptr_null(pi.hProcess);
    ck_assert_ptr_null(pi.hThread);
    ck_assert_uint_eq(pi.dwProcessId, 0);
    ck_assert_uint_eq(pi.dwThreadId, 0);
    STARTUPINFOW siw;
    memset(&siw, 0, sizeof siw);
    siw.cb = sizeof siw;
    WCHAR wline[] = u"winshim-no-such-program";
    memset(&pi, 0xcc, sizeof pi);
    ASSERT_FAILS(CreateProcessW(NULL, wline, NULL, NULL, FALSE, 0, NULL, NULL, &siw, &pi),
                 ERROR_FILE_NOT_FOUND);
    ck_assert_ptr_null(pi.hProcess);
    ck_assert_ptr_null(pi.hThread);
    ck_assert_uint_eq(pi.dwProcessId, 0);
    ck_assert_uint_eq(pi.dwThreadId, 0);
}
END_TEST

START_TEST(test_create_errors)
{
    find_self();
    make_tmpdir();
    ck_assert_int_eq(chdir(tmpdir), 0);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "\"%s\" --child exit 1", self_exe);

    strcpy(line, "winshim-no-such-program");
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateProcessA("/nonexistent/prog", NULL, NULL, NULL, FALSE, 0, NULL, NULL,
                                &si, &pi),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateProcessA(NULL, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_INVALID_PARAMETER);
    /* lpApplicationName gets no ".exe" and no search. */
    put_link("app.exe");
    ASSERT_FAILS(CreateProcessA("app", NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_FILE_NOT_FOUND);
    ck_assert(CreateProcessA("app.exe", line, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL,
                             NULL, &si, &pi));
    ck_assert(TerminateProcess(pi.hProcess, 1));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* A directory; a file without execute permission; not a program. */
    ck_assert_int_eq(mkdir("adir", 0700), 0);
    ASSERT_FAILS(CreateProcessA("adir", NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_ACCESS_DENIED);
    int fd = open("noexec", O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ASSERT_FAILS(CreateProcessA("noexec", NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_ACCESS_DENIED);
    strcpy(line, "./noexec arg");
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_ACCESS_DENIED);
    fd = open("text", O_WRONLY | O_CREAT, 0755);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "hello\n", 6), 6);
    close(fd);
    ASSERT_FAILS(CreateProcessA("text", NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                 ERROR_BAD_EXE_FORMAT);
    ASSERT_FAILS(CreateProcessA("text", NULL, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL,
                                NULL, &si, &pi),
                 ERROR_BAD_EXE_FORMAT);

    /* Flags. */
    snprintf(line, sizeof line, "\"%s\" --child exit 1", self_exe);
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0x00800000, NULL, NULL, &si,
                                &pi),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE,
                                CREATE_NEW_CONSOLE | DETACHED_PROCESS, NULL, NULL, &si, &pi),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, DEBUG_PROCESS, NULL, NULL, &si,
                                &pi),
                 ERROR_NOT_SUPPORTED);
    STARTUPINFOEXA six;
    memset(&six, 0, sizeof six);
    six.StartupInfo.cb = sizeof six;
    /* Not made by InitializeProcThreadAttributeList (Windows would read
     * garbage); real lists: test_attrlist_*, test_handle_list. */
    six.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)&six;
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, EXTENDED_STARTUPINFO_PRESENT,
                                NULL, NULL, &six.StartupInfo, &pi),
                 ERROR_INVALID_PARAMETER);
    /* Pointers Windows would fault on. */
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, NULL, &pi),
                 ERROR_NOACCESS);
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, NULL),
                 ERROR_NOACCESS);
    WCHAR wline[] = u"winshim-no-such-program";
    STARTUPINFOW siw;
    memset(&siw, 0, sizeof siw);
    siw.cb = sizeof siw;
    ASSERT_FAILS(CreateProcessW(NULL, wline, NULL, NULL, FALSE, 0, NULL, NULL, &siw, &pi),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateProcessW(NULL, wline, NULL, NULL, FALSE, 0, NULL, NULL, NULL, &pi),
                 ERROR_NOACCESS);

    /* Accepted flags. */
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE,
                             CREATE_NEW_PROCESS_GROUP | BELOW_NORMAL_PRIORITY_CLASS |
                                 CREATE_NO_WINDOW | DETACHED_PROCESS,
                             NULL, NULL, &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 1);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}
END_TEST

/* ---- OpenProcess ---- */

static void *tid_thread(void *arg)
{
    *(pid_t *)arg = gettid();
    return NULL;
}

START_TEST(test_open_errors)
{
    ASSERT_FAILS(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenProcess(ACCESS_SYSTEM_SECURITY, FALSE, GetCurrentProcessId()),
                 ERROR_PRIVILEGE_NOT_HELD);
    ASSERT_FAILS(OpenProcess(0x00f00000, FALSE, GetCurrentProcessId()), ERROR_ACCESS_DENIED);
    /* A pid nobody has: a child's, once reaped. */
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(gone, NULL, 0), gone);
    ASSERT_FAILS(OpenProcess(SYNCHRONIZE, FALSE, (DWORD)gone), ERROR_INVALID_PARAMETER);
    /* A thread id that is not a process's. */
    pthread_t t;
    pid_t tid = 0;
    ck_assert_int_eq(pthread_create(&t, NULL, tid_thread, &tid), 0);
    pthread_join(t, NULL);
    ASSERT_FAILS(OpenProcess(SYNCHRONIZE, FALSE, (DWORD)tid), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_open_self)
{
    ck_assert_uint_eq(GetCurrentProcessId(), (DWORD)getpid());
    ck_assert_uint_eq(GetProcessId(GetCurrentProcess()), (DWORD)getpid());
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentProcessId());
    ck_assert_ptr_nonnull(h);
    ck_assert(CompareObjectHandles(h, GetCurrentProcess()));
    DWORD code;
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ck_assert_uint_eq(GetProcessId(h), (DWORD)getpid());
    /* The rights the handle lacks. */
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    ASSERT_FAILS(TerminateProcess(h, 1), ERROR_ACCESS_DENIED);
    CloseHandle(h);

    h = OpenProcess(SYNCHRONIZE, FALSE, GetCurrentProcessId());
    ck_assert_ptr_nonnull(h);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    ASSERT_FAILS(GetExitCodeProcess(h, &code), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(GetProcessId(h), ERROR_ACCESS_DENIED);
    DWORD n;
    ASSERT_FAILS(GetProcessHandleCount(h, &n), ERROR_ACCESS_DENIED);
    CloseHandle(h);

    /* Generic rights map. */
    h = OpenProcess(GENERIC_READ, FALSE, GetCurrentProcessId());
    ck_assert_ptr_nonnull(h);
    ck_assert(GetExitCodeProcess(h, &code)); /* QUERY_INFORMATION implies LIMITED */
    CloseHandle(h);

    ASSERT_FAILS(GetExitCodeProcess(GetCurrentProcess(), NULL), ERROR_NOACCESS);
    ASSERT_FAILS(GetExitCodeProcess(NULL, &code), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(GetExitCodeProcess(e, &code), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(TerminateProcess(e, 1), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetProcessId(e), ERROR_INVALID_HANDLE);
    CloseHandle(e);
}
END_TEST

/* /bin/sleep through posix_spawn: a child of ours that never was a
 * winshim process (a fork() child would join the session before its
 * exec). */
static pid_t start_sleep(void)
{
    pid_t pid;
    char *argv[] = {"sleep", "1000", NULL};
    ck_assert_int_eq(posix_spawn(&pid, "/bin/sleep", NULL, NULL, argv, environ), 0);
    return pid;
}

/* A process not started through winshim (our fork + exec of sleep). */
START_TEST(test_open_foreign)
{
    pid_t pid = start_sleep();
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
                           FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(GetProcessId(h), (DWORD)pid);
    DWORD code;
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    HANDLE h2 = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
    ck_assert(CompareObjectHandles(h, h2)); /* one object per process */
    ck_assert(TerminateProcess(h, 42));
    ASSERT_WAIT(WaitForSingleObject(h2, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, 42);
    /* Not reaped behind the program's back: it is still its child. */
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    CloseHandle(h);
    CloseHandle(h2);

    /* Killed by someone else: 128 + the signal. */
    pid = start_sleep();
    h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ASSERT_WAIT(WaitForSingleObject(h, INFINITE), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, 128 + SIGTERM);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    CloseHandle(h);
}
END_TEST

/* Another user's process (init, as an ordinary user: root drops to
 * nobody first, in this test's own process): only waiting and querying
 * are allowed. */
START_TEST(test_open_other_user)
{
    if (geteuid() == 0) {
        ck_assert_int_eq(setgroups(0, NULL), 0);
        ck_assert_int_eq(setresgid(65534, 65534, 65534), 0);
        ck_assert_int_eq(setresuid(65534, 65534, 65534), 0);
    }
    /* Never aim TerminateProcess at an init that is ours to kill. */
    struct stat st;
    ck_assert_int_eq(stat("/proc/1", &st), 0);
    if (st.st_uid == geteuid())
        return;
    ASSERT_FAILS(OpenProcess(PROCESS_TERMINATE, FALSE, 1), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 1), ERROR_ACCESS_DENIED);
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 1);
    ck_assert_ptr_nonnull(h);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CloseHandle(h);
    h = OpenProcess(MAXIMUM_ALLOWED, FALSE, 1);
    ck_assert_ptr_nonnull(h);
    ASSERT_FAILS(TerminateProcess(h, 1), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(GetProcessId(h), 1);
    CloseHandle(h);
}
END_TEST

START_TEST(test_handle_count)
{
    DWORD n = 0xcccccccc, m = 0xcccccccc;
    ck_assert(GetProcessHandleCount(GetCurrentProcess(), &n));
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE f = CreateEventA(NULL, FALSE, FALSE, NULL);
    ck_assert(GetProcessHandleCount(GetCurrentProcess(), &m));
    ck_assert_uint_eq(m, n + 2);
    CloseHandle(e);
    ck_assert(GetProcessHandleCount(GetCurrentProcess(), &m));
    ck_assert_uint_eq(m, n + 1);
    CloseHandle(f);
    ASSERT_FAILS(GetProcessHandleCount(GetCurrentProcess(), NULL), ERROR_NOACCESS);
    ASSERT_FAILS(GetProcessHandleCount(NULL, &m), ERROR_INVALID_HANDLE);
    /* A real handle to ourselves counts as one more. */
    HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
    ck_assert(GetProcessHandleCount(h, &m));
    ck_assert_uint_eq(m, n + 1);
    CloseHandle(h);
    /* A child of CreateProcess has a handle table from the start, as on
     * Windows, also when its program is not a winshim one: empty here. */
    find_self();
    char line[] = "/bin/sleep 1000";
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ck_assert_msg(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
                  "CreateProcess: %lu", (unsigned long)GetLastError());
    m = 7;
    ck_assert(GetProcessHandleCount(pi.hProcess, &m));
    ck_assert_uint_eq(m, 0);
    ck_assert(TerminateProcess(pi.hProcess, 1));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}
END_TEST

/* DuplicateHandle into a child works from the moment CreateProcess
 * returns, as on Windows (the child has a handle table before it runs):
 * suspended or not, inheriting or not, through pi.hProcess or a handle
 * OpenProcess gives; the child sets the event through the value, the
 * parent's wait ends.  Out of the child too, before it ran. */
START_TEST(test_duplicate_into_new_child)
{
    find_self();
    make_tmpdir();
    for (int round = 0; round < 4; round++) {
        int suspended = round & 1, inherit = (round & 2) != 0;
        char file[PATH_MAX], line[2 * PATH_MAX + 64];
        snprintf(file, sizeof file, "%s/dupped%d", tmpdir, round);
        unlink(file);
        snprintf(line, sizeof line, "\"%s\" --child dupped %s", self_exe, file);
        HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
        ck_assert_ptr_nonnull(ev);
        STARTUPINFOA si;
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        PROCESS_INFORMATION pi;
        ck_assert_msg(CreateProcessA(NULL, line, NULL, NULL, inherit,
                                     suspended ? CREATE_SUSPENDED : 0, NULL, NULL, &si, &pi),
                      "CreateProcess: %lu", (unsigned long)GetLastError());
        HANDLE in = NULL;
        SetLastError(0xdeadbeef);
        ck_assert_msg(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &in, 0, FALSE,
                                      DUPLICATE_SAME_ACCESS),
                      "round %d: DuplicateHandle: %lu", round, (unsigned long)GetLastError());
        ck_assert_ptr_nonnull(in);
        /* Out of the child again, before it has run a line (suspended). */
        HANDLE back = NULL;
        ck_assert(DuplicateHandle(pi.hProcess, in, GetCurrentProcess(), &back, 0, FALSE,
                                  DUPLICATE_SAME_ACCESS));
        ck_assert(CompareObjectHandles(back, ev));
        ck_assert(CloseHandle(back));
        /* Through OpenProcess of the child's pid as well. */
        HANDLE hp = OpenProcess(PROCESS_DUP_HANDLE, FALSE, pi.dwProcessId);
        ck_assert_ptr_nonnull(hp);
        HANDLE in2 = NULL;
        ck_assert(DuplicateHandle(GetCurrentProcess(), ev, hp, &in2, SYNCHRONIZE, FALSE, 0));
        ck_assert_ptr_ne(in2, in);
        ck_assert(DuplicateHandle(hp, in2, NULL, NULL, 0, FALSE, DUPLICATE_CLOSE_SOURCE));
        ck_assert(CloseHandle(hp));
        FILE *f = fopen(file, "w");
        ck_assert_ptr_nonnull(f);
        fprintf(f, "%llx\n", (unsigned long long)(uintptr_t)in);
        fclose(f);
        if (suspended)
            ck_assert_uint_eq(ResumeThread(pi.hThread), 1);
        ASSERT_WAIT(WaitForSingleObject(ev, 20000), WAIT_OBJECT_0);
        ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
        DWORD code = 1;
        ck_assert(GetExitCodeProcess(pi.hProcess, &code));
        ck_assert_msg(code == 0, "round %d: child exit %lu", round, (unsigned long)code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        CloseHandle(ev);
    }
    /* 300 ms later as well (the report). */
    char file[PATH_MAX], line[2 * PATH_MAX + 64];
    snprintf(file, sizeof file, "%s/dupped-late", tmpdir);
    snprintf(line, sizeof line, "\"%s\" --child dupped %s", self_exe, file);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    settle_ms(300);
    HANDLE in = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &in, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%llx\n", (unsigned long long)(uintptr_t)in);
    fclose(f);
    ASSERT_WAIT(WaitForSingleObject(ev, 20000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    DWORD code = 1;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(ev);
}
END_TEST

/* CreateProcess with bInheritHandles: inheritable handles (and only
 * those) reach the child under the same values with the same access; an
 * inherited event is signalled from there, an inherited pipe writer
 * writes, and the pipe ends when the last writer, the child's included,
 * is gone. */
/* InitializeProcThreadAttributeList: the size query fails by design with
 * ERROR_INSUFFICIENT_BUFFER and the size (24 bytes and 24 per attribute,
 * Windows x64's); a short buffer the same; dwFlags must be 0. */
/* A fork()ed child that exits with 7 once a byte is written to go[1]. */
/* The child makes no Check call: Check's assertions take a process-wide
 * mutex (to record the location), which another thread of the test may
 * hold at the fork; the child would inherit it locked and never exit. */
static pid_t fork_waiting_child(int go[2])
{
    ck_assert_int_eq(pipe(go), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        _exit(read(go[0], &c, 1) == 1 ? 7 : 1);
    }
    ck_assert_int_gt(pid, 0);
    return pid;
}

/* A forked child is a session member from the fork on; OpenProcess of it
 * gives its slot's object, which whoever reaps the child signals.  With no
 * other member running, the wait must still end when the child does. */
START_TEST(test_open_member_and_wait)
{
    int go[2];
    pid_t pid = fork_waiting_child(go);
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, (DWORD)pid);
    ck_assert_ptr_nonnull(h);
    DWORD code = 0;
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, STILL_ACTIVE);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    ck_assert_int_eq(write(go[1], "x", 1), 1);
    ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, 7);
    ck_assert(CloseHandle(h));
    close(go[0]);
    close(go[1]);
}
END_TEST

/* OpenProcess and DuplicateHandle of a member's own process object race
 * its reaper, which drops the slot's reference: every open either fails
 * with ERROR_INVALID_PARAMETER or gives a handle that works. */
static _Atomic pid_t race_pid;
static _Atomic int race_stop, race_opened;

static void *open_racer(void *arg)
{
    (void)arg;
    while (!atomic_load(&race_stop)) {
        pid_t pid = atomic_load(&race_pid);
        if (!pid)
            continue;
        HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, (DWORD)pid);
        if (!h) {
            ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
            continue;
        }
        ck_assert_uint_eq(GetProcessId(h), (DWORD)pid);
        DWORD code;
        ck_assert(GetExitCodeProcess(h, &code));
        ck_assert(code == STILL_ACTIVE || code == 7);
        ck_assert(CloseHandle(h));
        atomic_fetch_add(&race_opened, 1);
    }
    return NULL;
}

START_TEST(test_open_races_reaper)
{
    pthread_t th[3];
    atomic_store(&race_stop, 0);
    atomic_store(&race_pid, 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, open_racer, NULL), 0);
    for (int round = 0; round < 30; round++) {
        int go[2];
        pid_t pid = fork_waiting_child(go);
        HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
        ck_assert_ptr_nonnull(h);
        atomic_store(&race_pid, pid);
        ck_assert_int_eq(write(go[1], "x", 1), 1);
        ASSERT_WAIT(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
        ck_assert(CloseHandle(h));
        atomic_store(&race_pid, 0);
        close(go[0]);
        close(go[1]);
    }
    atomic_store(&race_stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_gt(atomic_load(&race_opened), 0);
}
END_TEST

START_TEST(test_attrlist_init)
{
    SIZE_T size = 0;
    ASSERT_FAILS(InitializeProcThreadAttributeList(NULL, 1, 0, &size), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(size, 48);
    ASSERT_FAILS(InitializeProcThreadAttributeList(NULL, 0, 0, &size), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(size, 24);
    ASSERT_FAILS(InitializeProcThreadAttributeList(NULL, 3, 0, &size), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(size, 96);

    SIZE_T need = 0;
    InitializeProcThreadAttributeList(NULL, 2, 0, &need);
    LPPROC_THREAD_ATTRIBUTE_LIST l = malloc(need);
    ck_assert_ptr_nonnull(l);
    size = need - 1;
    ASSERT_FAILS(InitializeProcThreadAttributeList(l, 2, 0, &size), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(size, need);
    size = need;
    ASSERT_FAILS(InitializeProcThreadAttributeList(l, 2, 1, &size), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeProcThreadAttributeList(NULL, 2, 1, &size), ERROR_INVALID_PARAMETER);
    size = need + 100;
    SetLastError(0xdeadbeef);
    ck_assert(InitializeProcThreadAttributeList(l, 2, 0, &size));
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef);
    ck_assert_uint_eq(size, need);
    DeleteProcThreadAttributeList(l);
    free(l);
}
END_TEST

/* UpdateProcThreadAttribute: the errors in Windows' order (under Wine):
 * unknown attribute, duplicate, full list, then the value's size. */
START_TEST(test_attrlist_update)
{
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(NULL, 2, 0, &size);
    LPPROC_THREAD_ATTRIBUTE_LIST l = malloc(size);
    ck_assert_ptr_nonnull(l);
    ck_assert(InitializeProcThreadAttributeList(l, 2, 0, &size));
    HANDLE hs[2] = {NULL, NULL}, parent = GetCurrentProcess();
    USHORT node = 0;
    SIZE_T ret = 0;
    DWORD prev = 0;

    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, 0x12345, hs, sizeof hs, NULL, NULL),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, ProcThreadAttributeValue(1, FALSE, TRUE, FALSE),
                                           hs, sizeof hs, NULL, NULL),
                 ERROR_NOT_SUPPORTED);
    /* The handle list's number without its INPUT bit is no attribute. */
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, ProcThreadAttributeHandleList, hs, sizeof hs,
                                           NULL, NULL),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs, 5, NULL,
                                           NULL),
                 ERROR_BAD_LENGTH);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &parent,
                                           4, NULL, NULL),
                 ERROR_BAD_LENGTH);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 2, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                           sizeof hs, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                           sizeof hs, &prev, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                           sizeof hs, NULL, &ret),
                 ERROR_INVALID_PARAMETER);

    SetLastError(0xdeadbeef);
    ck_assert(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs, sizeof hs,
                                        NULL, NULL));
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef);
    /* A duplicate wins over a bad size; REPLACE_VALUE replaces. */
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs, 5, NULL,
                                           NULL),
                 ERROR_OBJECT_NAME_EXISTS);
    ck_assert(UpdateProcThreadAttribute(l, PROC_THREAD_ATTRIBUTE_REPLACE_VALUE,
                                        PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs, sizeof hs[0],
                                        NULL, NULL));
    ck_assert(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &parent,
                                        sizeof parent, NULL, NULL));
    /* Full: ERROR_GEN_FAILURE even before the size is looked at. */
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_PREFERRED_NODE, &node,
                                           sizeof node, NULL, NULL),
                 ERROR_GEN_FAILURE);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_PREFERRED_NODE, &node, 8,
                                           NULL, NULL),
                 ERROR_GEN_FAILURE);
    ASSERT_FAILS(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, hs,
                                           sizeof hs, NULL, NULL),
                 ERROR_OBJECT_NAME_EXISTS);
    DeleteProcThreadAttributeList(l);
    free(l);
}
END_TEST

/* Runs "listed" with the given list and bInheritHandles; returns
 * CreateProcess's error (0: the child ran and its exit code is *code). */
static DWORD run_listed(const HANDLE *list, SIZE_T n, BOOL inherit, HANDLE a, HANDLE b,
                        DWORD *code, BOOL wide)
{
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    LPPROC_THREAD_ATTRIBUTE_LIST l = malloc(size);
    ck_assert_ptr_nonnull(l);
    ck_assert(InitializeProcThreadAttributeList(l, 1, 0, &size));
    ck_assert(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, (PVOID)list,
                                        n * sizeof(HANDLE), NULL, NULL));
    char line[PATH_MAX + 128];
    snprintf(line, sizeof line, "\"%s\" --child listed %llx %llx", self_exe,
             (unsigned long long)(uintptr_t)a, (unsigned long long)(uintptr_t)b);
    PROCESS_INFORMATION pi;
    BOOL ok;
    SetLastError(0xdeadbeef);
    if (wide) {
        STARTUPINFOEXW si;
        memset(&si, 0, sizeof si);
        si.StartupInfo.cb = sizeof si;
        si.lpAttributeList = l;
        WCHAR wline[sizeof line];
        size_t i = 0;
        for (; line[i]; i++)
            wline[i] = (WCHAR)(unsigned char)line[i];
        wline[i] = 0;
        ok = CreateProcessW(NULL, wline, NULL, NULL, inherit, EXTENDED_STARTUPINFO_PRESENT, NULL,
                            NULL, &si.StartupInfo, &pi);
    } else {
        STARTUPINFOEXA si;
        memset(&si, 0, sizeof si);
        si.StartupInfo.cb = sizeof si;
        si.lpAttributeList = l;
        ok = CreateProcessA(NULL, line, NULL, NULL, inherit, EXTENDED_STARTUPINFO_PRESENT, NULL,
                            NULL, &si.StartupInfo, &pi);
    }
    DWORD err = ok ? 0 : GetLastError();
    if (ok) {
        ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
        ck_assert(GetExitCodeProcess(pi.hProcess, code));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    DeleteProcThreadAttributeList(l);
    free(l);
    return err;
}

/* PROC_THREAD_ATTRIBUTE_HANDLE_LIST: only the listed handles cross, under
 * their values; each must be an inheritable handle; without
 * bInheritHandles the list is ignored and nothing crosses. */
START_TEST(test_handle_list)
{
    find_self();
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE in1 = CreateEventA(&sa, TRUE, FALSE, NULL), in2 = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE no = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert_ptr_nonnull(in1);
    ck_assert_ptr_nonnull(in2);
    ck_assert_ptr_nonnull(no);
    DWORD code = 99;

    HANDLE list[2] = {in1, in1};
    ck_assert_uint_eq(run_listed(list, 1, TRUE, in1, in2, &code, FALSE), 0);
    ck_assert_uint_eq(code, 0);
    ASSERT_WAIT(WaitForSingleObject(in1, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(in2, 0), WAIT_TIMEOUT);
    ck_assert(ResetEvent(in1));

    /* The other way round, through CreateProcessW; a duplicate entry is
     * accepted (as under Wine). */
    list[0] = list[1] = in2;
    ck_assert_uint_eq(run_listed(list, 2, TRUE, in2, in1, &code, TRUE), 0);
    ck_assert_uint_eq(code, 0);
    ASSERT_WAIT(WaitForSingleObject(in2, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(in1, 0), WAIT_TIMEOUT);
    ck_assert(ResetEvent(in2));

    /* An empty list: nothing, although both are inheritable. */
    code = 99;
    ck_assert_uint_eq(run_listed(list, 0, TRUE, NULL, in1, &code, FALSE), 0);
    ck_assert_uint_eq(code, 40); /* SetEvent(NULL) failed first */

    /* Not inheritable, or not a handle: CreateProcess fails. */
    list[0] = no;
    ck_assert_uint_eq(run_listed(list, 1, TRUE, no, in1, &code, FALSE),
                      ERROR_INVALID_PARAMETER);
    list[0] = in1;
    list[1] = (HANDLE)(uintptr_t)0x7ff0;
    ck_assert_uint_eq(run_listed(list, 2, TRUE, in1, in2, &code, FALSE), ERROR_INVALID_HANDLE);
    ASSERT_WAIT(WaitForSingleObject(in1, 0), WAIT_TIMEOUT); /* no child ran */

    /* bInheritHandles FALSE: the list is ignored, nothing is inherited. */
    code = 99;
    list[0] = no; /* not even checked */
    ck_assert_uint_eq(run_listed(list, 1, FALSE, in1, in2, &code, FALSE), 0);
    ck_assert_uint_eq(code, 40);
    ASSERT_WAIT(WaitForSingleObject(in1, 0), WAIT_TIMEOUT);

    CloseHandle(in1);
    CloseHandle(in2);
    CloseHandle(no);
}
END_TEST

/* Attributes winshim cannot honour make CreateProcess fail, never
 * succeed silently. */
START_TEST(test_attrlist_unsupported)
{
    find_self();
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    LPPROC_THREAD_ATTRIBUTE_LIST l = malloc(size);
    ck_assert_ptr_nonnull(l);
    ck_assert(InitializeProcThreadAttributeList(l, 1, 0, &size));
    HANDLE parent = GetCurrentProcess();
    ck_assert(UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &parent,
                                        sizeof parent, NULL, NULL));
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "\"%s\" --child return 0", self_exe);
    STARTUPINFOEXA si;
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.lpAttributeList = l;
    PROCESS_INFORMATION pi;
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT, NULL,
                                NULL, &si.StartupInfo, &pi),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(CreateProcessA(NULL, line, NULL, NULL, FALSE, EXTENDED_STARTUPINFO_PRESENT, NULL,
                                NULL, &si.StartupInfo, &pi),
                 ERROR_NOT_SUPPORTED);
    /* Without EXTENDED_STARTUPINFO_PRESENT the list is not looked at. */
    si.StartupInfo.cb = sizeof si.StartupInfo;
    SetLastError(0xdeadbeef);
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si.StartupInfo, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    DeleteProcThreadAttributeList(l);
    free(l);
}
END_TEST

START_TEST(test_inherit_handles)
{
    find_self();
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE no = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE full = CreateSemaphoreA(NULL, 0, 10, NULL);
    ck_assert_ptr_nonnull(ev);
    ck_assert_ptr_nonnull(no);
    ck_assert_ptr_nonnull(full);
    HANDLE sem = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), full, GetCurrentProcess(), &sem,
                              SEMAPHORE_MODIFY_STATE, TRUE, 0));
    HANDLE r, w;
    ck_assert(CreatePipe(&r, &w, &sa, 0));
    ck_assert(SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0));

    char line[PATH_MAX + 512];
    snprintf(line, sizeof line, "\"%s\" --child inherit %llx %llx %llx %llx", self_exe,
             (unsigned long long)(uintptr_t)ev, (unsigned long long)(uintptr_t)no,
             (unsigned long long)(uintptr_t)sem, (unsigned long long)(uintptr_t)w);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ck_assert_msg(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi),
                  "CreateProcess: %lu", (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    DWORD code = 1;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    ASSERT_WAIT(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    LONG prev = -1;
    ck_assert(ReleaseSemaphore(full, 1, &prev));
    ck_assert_int_eq(prev, 1); /* the child's release */
    ck_assert(CloseHandle(w));
    char buf[16] = {0};
    DWORD n = 0;
    ck_assert(ReadFile(r, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 9);
    ck_assert(memcmp(buf, "inherited", 9) == 0);
    ASSERT_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Without bInheritHandles nothing crosses. */
    snprintf(line, sizeof line, "\"%s\" --child noinherit %llx", self_exe,
             (unsigned long long)(uintptr_t)ev);
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(r);

    /* An inherited handle given as a standard handle is the child's
     * standard handle, value and all; the pipe ends once the parent's
     * writer is closed and the child has exited. */
    ck_assert(CreatePipe(&r, &w, &sa, 0));
    ck_assert(SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0));
    snprintf(line, sizeof line, "\"%s\" --child stdinherit %llx", self_exe,
             (unsigned long long)(uintptr_t)w);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = w;
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
    ck_assert(CloseHandle(w));
    n = 0;
    ck_assert(ReadFile(r, buf, sizeof buf, &n, NULL));
    ck_assert_uint_eq(n, 3);
    ck_assert(memcmp(buf, "std", 3) == 0);
    ASSERT_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(r);
    CloseHandle(ev);
    CloseHandle(no);
    CloseHandle(sem);
    CloseHandle(full);
}
END_TEST

/* ---- ExitProcess: the other threads end before the exit handlers ---- */

static int ep_pipe[2];
static uint64_t ep_count_ct, ep_count_pt, ep_count_blocked; /* __atomic */
static HANDLE ep_worker, ep_waiter;

static DWORD WINAPI ep_bump(LPVOID arg)
{
    (void)arg;
    for (;;)
        __atomic_fetch_add(&ep_count_ct, 1, __ATOMIC_RELAXED);
    return 0;
}

static void *ep_bump_pthread(void *arg)
{
    (void)arg;
    for (;;)
        __atomic_fetch_add(&ep_count_pt, 1, __ATOMIC_RELAXED);
    return NULL;
}

/* Blocks every signal: ExitProcess cannot end it (docs/COMPATIBILITY.md),
 * and must not wait for it forever. */
static void *ep_bump_blocked(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    for (;;)
        __atomic_fetch_add(&ep_count_blocked, 1, __ATOMIC_RELAXED);
    return NULL;
}

static DWORD WINAPI ep_wait_forever(LPVOID ev)
{
    WaitForSingleObject(ev, INFINITE);
    return 1;
}

static bool ep_frozen(uint64_t *c)
{
    uint64_t a = __atomic_load_n(c, __ATOMIC_RELAXED);
    for (int i = 0; i < 1000; i++)
        sched_yield();
    return __atomic_load_n(c, __ATOMIC_RELAXED) == a;
}

/* Whether libwinshim is linked into the executable (--disable-shared):
 * then its code cannot be told from the program's, and a thread running
 * the program's code is not ended (docs/COMPATIBILITY.md, TerminateThread). */
static bool ep_static(void)
{
    Dl_info a, b;
    return dladdr((void *)ExitProcess, &a) && dladdr((void *)ep_frozen, &b) &&
           a.dli_fbase == b.dli_fbase;
}

static void ep_at_exit(void)
{
    DWORD code = 0;
    char r[6];
    r[0] = ep_frozen(&ep_count_ct) ? 'F' : 'f';
    r[1] = ep_frozen(&ep_count_pt) ? 'F' : 'f';
    r[2] = WaitForSingleObject(ep_worker, 0) == WAIT_OBJECT_0 ? 'S' : 's';
    r[3] = GetExitCodeThread(ep_worker, &code) && code == 7 ? 'C' : 'c';
    r[4] = WaitForSingleObject(ep_waiter, 0) == WAIT_OBJECT_0 &&
                   GetExitCodeThread(ep_waiter, &code) && code == 7 ? 'W' : 'w';
    r[5] = ep_frozen(&ep_count_blocked) ? 'B' : 'b';
    if (write(ep_pipe[1], r, sizeof r) != (ssize_t)sizeof r)
        _exit(99);
}

static void ep_child(bool blocked)
{
    HANDLE never = CreateEventA(NULL, TRUE, FALSE, NULL);
    ep_worker = CreateThread(NULL, 0, ep_bump, NULL, 0, NULL);
    ep_waiter = CreateThread(NULL, 0, ep_wait_forever, never, 0, NULL);
    pthread_t pt, pb;
    if (!never || !ep_worker || !ep_waiter || pthread_create(&pt, NULL, ep_bump_pthread, NULL) ||
        (blocked && pthread_create(&pb, NULL, ep_bump_blocked, NULL)) || atexit(ep_at_exit))
        _exit(98);
    while (!__atomic_load_n(&ep_count_ct, __ATOMIC_RELAXED) ||
           !__atomic_load_n(&ep_count_pt, __ATOMIC_RELAXED) ||
           (blocked && !__atomic_load_n(&ep_count_blocked, __ATOMIC_RELAXED)))
        sched_yield();
    ExitProcess(7);
}

static void ep_run(bool blocked, char r[6])
{
    ck_assert_int_eq(pipe(ep_pipe), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(ep_pipe[0]);
        ep_child(blocked);
    }
    close(ep_pipe[1]);
    ck_assert_int_eq(read(ep_pipe[0], r, 6), 6);
    close(ep_pipe[0]);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 7);
}

START_TEST(test_exit_process_ends_threads_first)
{
    char r[6];
    ep_run(false, r);
    /* A thread in a winshim wait ends in every build (but under
     * ThreadSanitizer, which runs a signal's handler only once the thread
     * is out of its blocking system call). */
#if !defined(__SANITIZE_THREAD__)
    ck_assert_int_eq(r[4], 'W');
#endif
    if (!ep_static()) {
        ck_assert_int_eq(r[0], 'F'); /* CreateThread's */
        ck_assert_int_eq(r[1], 'F'); /* one winshim never saw */
        ck_assert_int_eq(r[2], 'S'); /* its object signalled... */
        ck_assert_int_eq(r[3], 'C'); /* ...with the process's code */
    }
}
END_TEST

/* A thread that blocks the signal is not ended, and not waited for: the
 * others still are, and the process ends with its code. */
START_TEST(test_exit_process_thread_blocking_signals)
{
    char r[6];
    ep_run(true, r); /* r[5]: whether it ran meanwhile, up to the scheduler */
#if !defined(__SANITIZE_THREAD__)
    ck_assert_int_eq(r[4], 'W');
#endif
    if (!ep_static())
        ck_assert_int_eq(r[0], 'F');
}
END_TEST

static DWORD WINAPI ep_exit_9(LPVOID arg)
{
    (void)arg;
    ExitProcess(9);
    return 0;
}

/* Two callers at once: one code wins, the other caller is ended with the
 * rest, and the process ends with the winner's code, never a mix. */
START_TEST(test_exit_process_two_callers)
{
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            HANDLE t = CreateThread(NULL, 0, ep_exit_9, NULL, 0, NULL);
            if (!t)
                _exit(98);
            for (int k = 0; k < i * 50; k++)
                sched_yield();
            ExitProcess(7);
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert(WIFEXITED(st));
        ck_assert(WEXITSTATUS(st) == 7 || WEXITSTATUS(st) == 9);
    }
}
END_TEST

static Suite *process_suite(void)
{
    Suite *s = suite_create("process");
    TCase *c = tcase_create("cmdline");
    tcase_add_test(c, test_argv_rules);
    tcase_add_test(c, test_cmdline_exact);
    tcase_add_test(c, test_cmdline_wide);
    tcase_add_test(c, test_cmdline_rebuilt);
    tcase_add_test(c, test_cmdline_self);
    tcase_set_timeout(c, 60);
    suite_add_tcase(s, c);
    c = tcase_create("create");
    tcase_add_test(c, test_environment);
    tcase_add_test(c, test_current_directory);
    tcase_add_test(c, test_std_handles);
    tcase_add_test(c, test_search);
    tcase_add_test(c, test_create_errors);
    tcase_add_test(c, test_create_failure_zeroes_pi);
    tcase_add_test(c, test_suspended);
    tcase_add_test(c, test_suspended_fds);
    tcase_add_test(c, test_spawn_threads);
    tcase_set_timeout(c, 120);
    suite_add_tcase(s, c);
    c = tcase_create("processes");
    tcase_add_test(c, test_exit_codes);
    tcase_add_test(c, test_handles_and_ids);
    tcase_add_test(c, test_wait_many);
    tcase_add_test(c, test_exit_process_ends_threads_first);
    tcase_add_test(c, test_exit_process_thread_blocking_signals);
    tcase_add_test(c, test_exit_process_two_callers);
    tcase_set_timeout(c, 60);
    suite_add_tcase(s, c);
    c = tcase_create("open");
    tcase_add_test(c, test_open_errors);
    tcase_add_test(c, test_open_self);
    tcase_add_test(c, test_open_foreign);
    tcase_add_test(c, test_open_other_user);
    tcase_add_test(c, test_handle_count);
    tcase_add_test(c, test_open_member_and_wait);
    tcase_add_test(c, test_open_races_reaper);
    tcase_add_test(c, test_inherit_handles);
    tcase_add_test(c, test_duplicate_into_new_child);
    tcase_add_test(c, test_attrlist_init);
    tcase_add_test(c, test_attrlist_update);
    tcase_add_test(c, test_handle_list);
    tcase_add_test(c, test_attrlist_unsupported);
    tcase_set_timeout(c, 60);
    suite_add_tcase(s, c);
    return s;
}

TEST_MAIN_WITH_CHILD(process_suite, child_main)
