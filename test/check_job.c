/*
 * Job objects (lib/proc/job.c): creation and names, membership, nesting,
 * termination, kill-on-close, limits, accounting, the pid list and the
 * completion-port messages.  Children are this executable started again
 * with --child MODE (see child_main).
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

static char self_exe[PATH_MAX];

/* No Check assertion: children call it too. */
static void find_self(void)
{
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n <= 0)
        abort();
    self_exe[n] = '\0';
}

static BOOL start_flags(const char *args, DWORD flags, PROCESS_INFORMATION *pi)
{
    char line[PATH_MAX + 256];
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" --child %s", self_exe, args);
    memset(pi, 0, sizeof *pi);
    return CreateProcessA(NULL, line, NULL, NULL, FALSE, flags, NULL, NULL, &si, pi);
}

/* A suspended child running `args`. */
static void start_suspended(const char *args, PROCESS_INFORMATION *pi)
{
    ck_assert_msg(start_flags(args, CREATE_SUSPENDED, pi), "CreateProcess: %lu",
                  (unsigned long)GetLastError());
}

static void close_pi(PROCESS_INFORMATION *pi)
{
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
}

static DWORD exit_code_of(HANDLE p)
{
    ASSERT_WAIT(WaitForSingleObject(p, 20000), WAIT_OBJECT_0);
    DWORD code = 0xcccccccc;
    ck_assert_msg(GetExitCodeProcess(p, &code), "GetExitCodeProcess: %lu",
                  (unsigned long)GetLastError());
    return code;
}

static JOBOBJECT_BASIC_ACCOUNTING_INFORMATION accounting(HANDLE job)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    DWORD ret = 0;
    memset(&a, 0xcc, sizeof a);
    ck_assert(QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &a,
                                        sizeof a, &ret));
    ck_assert_uint_eq(ret, sizeof a);
    return a;
}

static void set_limits(HANDLE job, DWORD flags, DWORD active)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    memset(&x, 0, sizeof x);
    x.BasicLimitInformation.LimitFlags = flags;
    x.BasicLimitInformation.ActiveProcessLimit = active;
    ck_assert(SetInformationJobObject(job, JobObjectExtendedLimitInformation, &x, sizeof x));
}

/* The next completion packet: its message and pid. */
static void next_msg(HANDLE port, DWORD want_msg, DWORD want_pid, ULONG_PTR want_key)
{
    DWORD msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    ck_assert_msg(GetQueuedCompletionStatus(port, &msg, &key, &ov, 20000),
                  "no message (wanted %lu): %lu", (unsigned long)want_msg,
                  (unsigned long)GetLastError());
    ck_assert_uint_eq(msg, want_msg);
    ck_assert_uint_eq(key, want_key);
    ck_assert_uint_eq((DWORD)(uintptr_t)ov, want_pid);
}

static void no_msg(HANDLE port)
{
    DWORD msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    ASSERT_FAILS(GetQueuedCompletionStatus(port, &msg, &key, &ov, 0), WAIT_TIMEOUT);
}

/* ---- children ---- */

/* Starts a child of its own running `args`; returns as its exit code
 * what `what` asks (see below). */
static int child_spawn(const char *what, const char *args, DWORD flags)
{
    PROCESS_INFORMATION pi;
    find_self();
    if (!start_flags(args, flags, &pi))
        return GetLastError() == ERROR_ACCESS_DENIED ? 50 : 51;
    BOOL in = 2;
    if (!IsProcessInJob(pi.hProcess, NULL, &in))
        return 52;
    if (!strcmp(what, "inside"))
        return in ? 60 : 61;
    /* "wait": stay in the job with the grandchild until killed. */
    for (;;)
        pause();
}

static int child_main(int argc, char **argv, int k)
{
    const char *m = k + 1 < argc ? argv[k + 1] : "";
    const char *arg = k + 2 < argc ? argv[k + 2] : "0";
    struct rlimit nocore = {0, 0};
    setrlimit(RLIMIT_CORE, &nocore);
    if (!strcmp(m, "sleep"))
        for (;;)
            pause();
    if (!strcmp(m, "exit"))
        ExitProcess((UINT)strtoul(arg, NULL, 0));
    if (!strcmp(m, "segv"))
        raise(SIGSEGV);
    if (!strcmp(m, "alloc")) {
        /* 256 MB of private memory must fail under a 192 MB process
         * memory limit (RLIMIT_DATA: see docs/COMPATIBILITY.md). */
        void *p = malloc(256u << 20);
        return p ? 70 : 71;
    }
    if (!strcmp(m, "spawn")) /* spawn WHAT FLAGS: a grandchild "sleep" */
        return child_spawn(arg, "sleep", (DWORD)strtoul(k + 3 < argc ? argv[k + 3] : "0", NULL, 0));
    if (!strcmp(m, "query")) { /* query NAME: active processes of job NAME */
        HANDLE j = OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, arg);
        if (!j)
            return 200 + (int)GetLastError() % 50;
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
        if (!QueryInformationJobObject(j, JobObjectBasicAccountingInformation, &a, sizeof a, NULL))
            return 199;
        if (TerminateJobObject(j, 1) || GetLastError() != ERROR_ACCESS_DENIED)
            return 198;
        return (int)a.ActiveProcesses;
    }
    if (!strcmp(m, "terminate")) { /* terminate NAME: the job's code 9 */
        HANDLE j = OpenJobObjectA(JOB_OBJECT_TERMINATE, FALSE, arg);
        return j && TerminateJobObject(j, 9) ? 0 : 1;
    }
    if (!strcmp(m, "holder")) {
        /* holder EVENT: a kill-on-close job holding a grandchild; the
         * grandchild's pid goes out through the exit-less path: the event
         * named EVENT is set once it is in, and the pid is the job's only
         * member, found by the test through /proc (our child). */
        HANDLE j = CreateJobObjectA(NULL, NULL);
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
        memset(&x, 0, sizeof x);
        x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        PROCESS_INFORMATION pi;
        find_self();
        if (!j || !SetInformationJobObject(j, JobObjectExtendedLimitInformation, &x, sizeof x) ||
            !start_flags("sleep", CREATE_SUSPENDED, &pi) ||
            !AssignProcessToJobObject(j, pi.hProcess) || ResumeThread(pi.hThread) != 1)
            return 80;
        HANDLE ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, arg);
        if (!ev || !SetEvent(ev))
            return 81;
        for (;;)
            pause();
    }
    return 99;
}

/* ---- basic ---- */

START_TEST(test_create_unnamed)
{
    SetLastError(0xdeadbeef);
    HANDLE j = CreateJobObjectA(NULL, NULL);
    ck_assert_ptr_nonnull(j);
    ASSERT_LAST_ERROR(0);
    ASSERT_WAIT(WaitForSingleObject(j, 0), WAIT_TIMEOUT);
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a = accounting(j);
    ck_assert_uint_eq(a.TotalProcesses, 0);
    ck_assert_uint_eq(a.ActiveProcesses, 0);
    ck_assert_uint_eq(a.TotalTerminatedProcesses, 0);
    BOOL in = 2;
    ck_assert(IsProcessInJob(GetCurrentProcess(), NULL, &in));
    ck_assert_int_eq(in, FALSE);
    ck_assert(IsProcessInJob(GetCurrentProcess(), j, &in));
    ck_assert_int_eq(in, FALSE);
    ck_assert(CloseHandle(j));
    ASSERT_FAILS(CloseHandle(j), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_names)
{
    HANDLE j = CreateJobObjectW(NULL, u"Local\\winshim-check-job");
    ck_assert_ptr_nonnull(j);
    SetLastError(0xdeadbeef);
    HANDLE j2 = CreateJobObjectA(NULL, "Local\\winshim-check-job");
    ck_assert_ptr_nonnull(j2);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ASSERT_FAILS(CreateEventA(NULL, FALSE, FALSE, "Local\\winshim-check-job"),
                 ERROR_INVALID_HANDLE);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, "Local\\winshim-check-jobev");
    ck_assert_ptr_nonnull(ev);
    ASSERT_FAILS(CreateJobObjectA(NULL, "Local\\winshim-check-jobev"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, "Local\\winshim-check-jobev"),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, "Local\\winshim-check-nojob"),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenJobObjectW(JOB_OBJECT_QUERY, FALSE, u"Local\\winshim-check-nojob"),
                 ERROR_FILE_NOT_FOUND);
    HANDLE q = OpenJobObjectW(JOB_OBJECT_QUERY, FALSE, u"Local\\winshim-check-job");
    ck_assert_ptr_nonnull(q);
    /* The open handle has only the rights asked for. */
    ASSERT_FAILS(TerminateJobObject(q, 1), ERROR_ACCESS_DENIED);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    memset(&x, 0, sizeof x);
    ASSERT_FAILS(SetInformationJobObject(q, JobObjectExtendedLimitInformation, &x, sizeof x),
                 ERROR_ACCESS_DENIED);
    ASSERT_FAILS(AssignProcessToJobObject(q, GetCurrentProcess()), ERROR_ACCESS_DENIED);
    accounting(q);
    /* Same object: a limit set through one handle reads back through the
     * other. */
    set_limits(j2, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, 3);
    JOBOBJECT_BASIC_LIMIT_INFORMATION b;
    memset(&b, 0xcc, sizeof b);
    DWORD ret = 0;
    ck_assert(QueryInformationJobObject(q, JobObjectBasicLimitInformation, &b, sizeof b, &ret));
    ck_assert_uint_eq(ret, sizeof b);
    ck_assert_uint_eq(b.LimitFlags, JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
    ck_assert_uint_eq(b.ActiveProcessLimit, 3);
    CloseHandle(q);
    CloseHandle(j2);
    CloseHandle(j);
    CloseHandle(ev);
    /* The name went with the last handle. */
    ASSERT_FAILS(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, "Local\\winshim-check-job"),
                 ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_assign_terminate)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    PROCESS_INFORMATION pi;
    start_suspended("sleep", &pi);
    BOOL in = 2;
    ck_assert(IsProcessInJob(pi.hProcess, NULL, &in));
    ck_assert_int_eq(in, FALSE);
    ck_assert(AssignProcessToJobObject(j, pi.hProcess));
    ck_assert(AssignProcessToJobObject(j, pi.hProcess)); /* again: no change */
    ck_assert(IsProcessInJob(pi.hProcess, j, &in));
    ck_assert_int_eq(in, TRUE);
    ck_assert(IsProcessInJob(pi.hProcess, NULL, &in));
    ck_assert_int_eq(in, TRUE);
    ck_assert_uint_eq(ResumeThread(pi.hThread), 1);
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a = accounting(j);
    ck_assert_uint_eq(a.TotalProcesses, 1);
    ck_assert_uint_eq(a.ActiveProcesses, 1);
    ASSERT_WAIT(WaitForSingleObject(j, 0), WAIT_TIMEOUT);
    ck_assert(TerminateJobObject(j, 42));
    ck_assert_uint_eq(exit_code_of(pi.hProcess), 42);
    /* Signalled by TerminateJobObject, and it stays so. */
    ASSERT_WAIT(WaitForSingleObject(j, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(j, 0), WAIT_OBJECT_0);
    /* Counted out before its handle was signalled. */
    a = accounting(j);
    ck_assert_uint_eq(a.TotalProcesses, 1);
    ck_assert_uint_eq(a.ActiveProcesses, 0);
    ck_assert(IsProcessInJob(pi.hProcess, j, &in));
    ck_assert_int_eq(in, FALSE);
    /* An ended process cannot join. */
    ASSERT_FAILS(AssignProcessToJobObject(j, pi.hProcess), ERROR_ACCESS_DENIED);
    close_pi(&pi);
    CloseHandle(j);
}
END_TEST

START_TEST(test_errors)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL), ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    PROCESS_INFORMATION pi;
    start_suspended("sleep", &pi);
    HANDLE weak = NULL, jq = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), pi.hProcess, GetCurrentProcess(), &weak,
                              PROCESS_QUERY_INFORMATION | PROCESS_TERMINATE, FALSE, 0));
    ck_assert(DuplicateHandle(GetCurrentProcess(), j, GetCurrentProcess(), &jq,
                              JOB_OBJECT_QUERY, FALSE, 0));
    ASSERT_FAILS(AssignProcessToJobObject(j, weak), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(AssignProcessToJobObject(jq, pi.hProcess), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(AssignProcessToJobObject(ev, pi.hProcess), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(AssignProcessToJobObject(j, ev), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(AssignProcessToJobObject(NULL, pi.hProcess), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(TerminateJobObject(ev, 1), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(TerminateJobObject(jq, 1), ERROR_ACCESS_DENIED);
    BOOL in;
    ASSERT_FAILS(IsProcessInJob(ev, NULL, &in), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(IsProcessInJob(pi.hProcess, ev, &in), ERROR_INVALID_HANDLE);

    /* Queries. */
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    DWORD ret = 0xcccc;
    ASSERT_FAILS(QueryInformationJobObject(j, JobObjectBasicAccountingInformation, &a,
                                           sizeof a - 1, &ret),
                 ERROR_BAD_LENGTH);
    struct { JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a; char more[16]; } big;
    ck_assert(QueryInformationJobObject(j, JobObjectBasicAccountingInformation, &big,
                                        sizeof big, &ret));
    ck_assert_uint_eq(ret, sizeof a);
    ASSERT_FAILS(QueryInformationJobObject(j, (JOBOBJECTINFOCLASS)0, &a, sizeof a, &ret),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(QueryInformationJobObject(j, (JOBOBJECTINFOCLASS)100, &a, sizeof a, &ret),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(QueryInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &a,
                                           sizeof(JOBOBJECT_ASSOCIATE_COMPLETION_PORT), &ret),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(QueryInformationJobObject(j, JobObjectSecurityLimitInformation, &big,
                                           sizeof big, &ret),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(QueryInformationJobObject(ev, JobObjectBasicAccountingInformation, &a,
                                           sizeof a, &ret),
                 ERROR_INVALID_HANDLE);
    /* NULL: the caller's job; we are in none. */
    ASSERT_FAILS(QueryInformationJobObject(NULL, JobObjectBasicAccountingInformation, &a,
                                           sizeof a, &ret),
                 ERROR_INVALID_HANDLE);

    /* Limits. */
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    memset(&x, 0, sizeof x);
    x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectBasicLimitInformation, &x,
                                         sizeof x.BasicLimitInformation),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectExtendedLimitInformation, &x,
                                         sizeof x - 1),
                 ERROR_INVALID_PARAMETER);
    x.BasicLimitInformation.LimitFlags = 0x80000;
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectExtendedLimitInformation, &x, sizeof x),
                 ERROR_INVALID_PARAMETER);
    x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_MEMORY;
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectExtendedLimitInformation, &x, sizeof x),
                 ERROR_INVALID_PARAMETER); /* a zero limit */
    static const DWORD unsupported[] = {
        JOB_OBJECT_LIMIT_WORKINGSET, JOB_OBJECT_LIMIT_PROCESS_TIME, JOB_OBJECT_LIMIT_JOB_TIME,
        JOB_OBJECT_LIMIT_AFFINITY, JOB_OBJECT_LIMIT_PRIORITY_CLASS,
        JOB_OBJECT_LIMIT_SCHEDULING_CLASS, JOB_OBJECT_LIMIT_JOB_MEMORY};
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++) {
        x.BasicLimitInformation.LimitFlags = unsupported[i];
        x.JobMemoryLimit = 1 << 30;
        ASSERT_FAILS(SetInformationJobObject(j, JobObjectExtendedLimitInformation, &x,
                                             sizeof x),
                     ERROR_NOT_SUPPORTED);
    }
    JOBOBJECT_CPU_RATE_CONTROL_INFORMATION cpu;
    memset(&cpu, 0, sizeof cpu);
    ck_assert(SetInformationJobObject(j, JobObjectCpuRateControlInformation, &cpu, sizeof cpu));
    cpu.ControlFlags = JOB_OBJECT_CPU_RATE_CONTROL_ENABLE | JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP;
    cpu.CpuRate = 5000;
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectCpuRateControlInformation, &cpu,
                                         sizeof cpu),
                 ERROR_NOT_SUPPORTED);
    cpu.ControlFlags = 0x10;
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectCpuRateControlInformation, &cpu,
                                         sizeof cpu),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectBasicAccountingInformation, &a, sizeof a),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetInformationJobObject(j, (JOBOBJECTINFOCLASS)100, &a, sizeof a),
                 ERROR_INVALID_PARAMETER);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT cp = {NULL, ev};
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                         sizeof cp),
                 ERROR_INVALID_HANDLE);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    cp.CompletionPort = port;
    ck_assert(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                      sizeof cp));
    ASSERT_FAILS(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                         sizeof cp),
                 ERROR_INVALID_PARAMETER);
    /* Everything that failed changed nothing. */
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION back;
    ck_assert(QueryInformationJobObject(j, JobObjectExtendedLimitInformation, &back,
                                        sizeof back, &ret));
    ck_assert_uint_eq(back.BasicLimitInformation.LimitFlags, 0);
    TerminateProcess(pi.hProcess, 0);
    close_pi(&pi);
    CloseHandle(weak);
    CloseHandle(jq);
    CloseHandle(port);
    CloseHandle(ev);
    CloseHandle(j);
}
END_TEST

START_TEST(test_pid_list)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    PROCESS_INFORMATION pi[3];
    for (int i = 0; i < 3; i++) {
        start_suspended("sleep", &pi[i]);
        ck_assert(AssignProcessToJobObject(j, pi[i].hProcess));
    }
    struct {
        JOBOBJECT_BASIC_PROCESS_ID_LIST l;
        ULONG_PTR more[7];
    } buf;
    DWORD ret = 0;
    memset(&buf, 0xcc, sizeof buf);
    ck_assert(QueryInformationJobObject(j, JobObjectBasicProcessIdList, &buf, sizeof buf, &ret));
    ck_assert_uint_eq(buf.l.NumberOfAssignedProcesses, 3);
    ck_assert_uint_eq(buf.l.NumberOfProcessIdsInList, 3);
    ck_assert_uint_eq(ret, offsetof(JOBOBJECT_BASIC_PROCESS_ID_LIST, ProcessIdList) +
                               3 * sizeof(ULONG_PTR));
    const ULONG_PTR *ids = (const ULONG_PTR *)((const char *)&buf +
                                               offsetof(JOBOBJECT_BASIC_PROCESS_ID_LIST,
                                                        ProcessIdList));
    for (int i = 0; i < 3; i++) {
        bool seen = false;
        for (int k = 0; k < 3; k++)
            seen |= ids[k] == pi[i].dwProcessId;
        ck_assert(seen);
    }
    /* Room for one: ERROR_MORE_DATA, the count of all, one id. */
    memset(&buf, 0xcc, sizeof buf);
    SetLastError(0xdeadbeef);
    ck_assert(!QueryInformationJobObject(j, JobObjectBasicProcessIdList, &buf, sizeof buf.l,
                                         &ret));
    ASSERT_LAST_ERROR(ERROR_MORE_DATA);
    ck_assert_uint_eq(buf.l.NumberOfAssignedProcesses, 3);
    ck_assert_uint_eq(buf.l.NumberOfProcessIdsInList, 1);
    ck_assert_uint_eq(ret, sizeof buf.l);
    ASSERT_FAILS(QueryInformationJobObject(j, JobObjectBasicProcessIdList, &buf, 8, &ret),
                 ERROR_BAD_LENGTH);
    ck_assert(TerminateJobObject(j, 3));
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(exit_code_of(pi[i].hProcess), 3);
        close_pi(&pi[i]);
    }
    ck_assert(QueryInformationJobObject(j, JobObjectBasicProcessIdList, &buf, sizeof buf, &ret));
    ck_assert_uint_eq(buf.l.NumberOfAssignedProcesses, 0);
    ck_assert_uint_eq(buf.l.NumberOfProcessIdsInList, 0);
    JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION io;
    ck_assert(QueryInformationJobObject(j, JobObjectBasicAndIoAccountingInformation, &io,
                                        sizeof io, &ret));
    ck_assert_uint_eq(ret, sizeof io);
    ck_assert_uint_eq(io.BasicInfo.TotalProcesses, 3);
    ck_assert_uint_eq(io.BasicInfo.ActiveProcesses, 0);
    CloseHandle(j);
}
END_TEST

/* ---- messages ---- */

START_TEST(test_port_messages)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    PROCESS_INFORMATION a, b, c;
    start_suspended("sleep", &a);
    ck_assert(AssignProcessToJobObject(j, a.hProcess));
    /* Associated after a process joined: it is announced too. */
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT cp = {(PVOID)77, port};
    ck_assert(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                      sizeof cp));
    next_msg(port, JOB_OBJECT_MSG_NEW_PROCESS, a.dwProcessId, 77);
    start_suspended("exit 5", &b);
    ck_assert(AssignProcessToJobObject(j, b.hProcess));
    next_msg(port, JOB_OBJECT_MSG_NEW_PROCESS, b.dwProcessId, 77);
    ResumeThread(b.hThread);
    ck_assert_uint_eq(exit_code_of(b.hProcess), 5);
    next_msg(port, JOB_OBJECT_MSG_EXIT_PROCESS, b.dwProcessId, 77);
    start_suspended("segv", &c);
    ck_assert(AssignProcessToJobObject(j, c.hProcess));
    next_msg(port, JOB_OBJECT_MSG_NEW_PROCESS, c.dwProcessId, 77);
    ResumeThread(c.hThread);
    /* Sanitizer builds too: make check runs them with handle_segv=0. */
    ck_assert_uint_eq(exit_code_of(c.hProcess), 0xC0000005u);
    next_msg(port, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS, c.dwProcessId, 77);
    no_msg(port);
    ck_assert(TerminateJobObject(j, 1));
    next_msg(port, JOB_OBJECT_MSG_EXIT_PROCESS, a.dwProcessId, 77);
    next_msg(port, JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO, 0, 77);
    no_msg(port);
    close_pi(&a);
    close_pi(&b);
    close_pi(&c);
    CloseHandle(j);
    CloseHandle(port);
}
END_TEST

START_TEST(test_active_limit)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT cp = {(PVOID)5, port};
    ck_assert(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                      sizeof cp));
    set_limits(j, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, 1);
    PROCESS_INFORMATION a, b;
    start_suspended("sleep", &a);
    start_suspended("sleep", &b);
    ck_assert(AssignProcessToJobObject(j, a.hProcess));
    next_msg(port, JOB_OBJECT_MSG_NEW_PROCESS, a.dwProcessId, 5);
    /* "the process is terminated and the association fails" */
    ASSERT_FAILS(AssignProcessToJobObject(j, b.hProcess), ERROR_NOT_ENOUGH_QUOTA);
    next_msg(port, JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT, 0, 5);
    ck_assert_uint_eq(exit_code_of(b.hProcess), ERROR_NOT_ENOUGH_QUOTA);
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acc = accounting(j);
    ck_assert_uint_eq(acc.TotalProcesses, 1);
    ck_assert_uint_eq(acc.ActiveProcesses, 1);
    ck_assert_uint_eq(acc.TotalTerminatedProcesses, 1);
    BOOL in = 2;
    ck_assert(IsProcessInJob(b.hProcess, NULL, &in));
    ck_assert_int_eq(in, FALSE);
    ck_assert(TerminateJobObject(j, 0));
    exit_code_of(a.hProcess);
    close_pi(&a);
    close_pi(&b);
    CloseHandle(port);
    CloseHandle(j);
}
END_TEST

/* ---- children, breakaway, nesting ---- */

START_TEST(test_children_join)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT cp = {(PVOID)1, port};
    ck_assert(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                      sizeof cp));
    PROCESS_INFORMATION pi;
    start_suspended("spawn wait 0", &pi);
    ck_assert(AssignProcessToJobObject(j, pi.hProcess));
    next_msg(port, JOB_OBJECT_MSG_NEW_PROCESS, pi.dwProcessId, 1);
    ResumeThread(pi.hThread);
    /* The grandchild's announcement. */
    DWORD msg;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    ck_assert(GetQueuedCompletionStatus(port, &msg, &key, &ov, 20000));
    ck_assert_uint_eq(msg, JOB_OBJECT_MSG_NEW_PROCESS);
    DWORD gpid = (DWORD)(uintptr_t)ov;
    ck_assert_uint_ne(gpid, pi.dwProcessId);
    HANDLE g = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, gpid);
    ck_assert_ptr_nonnull(g);
    BOOL in = 2;
    ck_assert(IsProcessInJob(g, j, &in));
    ck_assert_int_eq(in, TRUE);
    ck_assert_uint_eq(accounting(j).ActiveProcesses, 2);
    ck_assert(TerminateJobObject(j, 7));
    ck_assert_uint_eq(exit_code_of(pi.hProcess), 7);
    /* The grandchild ends too.  (Its code is 7 through the objects the
     * job marks; a handle OpenProcess made while the grandchild attached
     * to the session may be a third, pidfd-only object that reads the
     * SIGKILL as 137: docs/COMPATIBILITY.md.) */
    ASSERT_WAIT(WaitForSingleObject(g, 20000), WAIT_OBJECT_0);
    CloseHandle(g);
    close_pi(&pi);
    CloseHandle(port);
    CloseHandle(j);
}
END_TEST

/* A member starts a grandchild with `flags` under job limits `limits`:
 * the member's exit code (see child_spawn). */
static DWORD breakaway_case(DWORD limits, DWORD flags)
{
    HANDLE j = CreateJobObjectA(NULL, NULL);
    set_limits(j, limits, 0);
    PROCESS_INFORMATION pi;
    char args[64];
    snprintf(args, sizeof args, "spawn inside %#lx", (unsigned long)flags);
    start_suspended(args, &pi);
    ck_assert(AssignProcessToJobObject(j, pi.hProcess));
    ResumeThread(pi.hThread);
    DWORD code = exit_code_of(pi.hProcess);
    close_pi(&pi);
    /* Kill the grandchild if it stayed (kill-on-close would too). */
    TerminateJobObject(j, 0);
    CloseHandle(j);
    return code;
}

START_TEST(test_breakaway)
{
    find_self();
    ck_assert_uint_eq(breakaway_case(0, 0), 60);
    ck_assert_uint_eq(breakaway_case(0, CREATE_BREAKAWAY_FROM_JOB), 50); /* ACCESS_DENIED */
    ck_assert_uint_eq(breakaway_case(JOB_OBJECT_LIMIT_BREAKAWAY_OK, 0), 60);
    ck_assert_uint_eq(breakaway_case(JOB_OBJECT_LIMIT_BREAKAWAY_OK, CREATE_BREAKAWAY_FROM_JOB),
                      61);
    ck_assert_uint_eq(breakaway_case(JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK, 0), 61);
}
END_TEST

START_TEST(test_nested)
{
    find_self();
    HANDLE outer = CreateJobObjectA(NULL, NULL), inner = CreateJobObjectA(NULL, NULL);
    HANDLE other = CreateJobObjectA(NULL, NULL);
    PROCESS_INFORMATION p, q;
    start_suspended("sleep", &p);
    start_suspended("sleep", &q);
    ck_assert(AssignProcessToJobObject(outer, p.hProcess));
    ck_assert(AssignProcessToJobObject(other, q.hProcess));
    ck_assert(AssignProcessToJobObject(inner, p.hProcess)); /* inner nests in outer */
    BOOL in = 2;
    ck_assert(IsProcessInJob(p.hProcess, inner, &in));
    ck_assert_int_eq(in, TRUE);
    ck_assert(IsProcessInJob(p.hProcess, outer, &in));
    ck_assert_int_eq(in, TRUE);
    ck_assert(IsProcessInJob(p.hProcess, other, &in));
    ck_assert_int_eq(in, FALSE);
    ck_assert_uint_eq(accounting(outer).ActiveProcesses, 1);
    ck_assert_uint_eq(accounting(inner).ActiveProcesses, 1);
    /* A job that has processes cannot take one from another hierarchy. */
    ASSERT_FAILS(AssignProcessToJobObject(other, p.hProcess), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(AssignProcessToJobObject(inner, q.hProcess), ERROR_ACCESS_DENIED);
    ck_assert(TerminateJobObject(inner, 4));
    ck_assert_uint_eq(exit_code_of(p.hProcess), 4);
    ck_assert_uint_eq(accounting(outer).ActiveProcesses, 0);
    ck_assert_uint_eq(accounting(outer).TotalProcesses, 1);
    ck_assert_uint_eq(accounting(inner).ActiveProcesses, 0);
    ck_assert(TerminateJobObject(other, 0));
    exit_code_of(q.hProcess);
    close_pi(&p);
    close_pi(&q);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(other);
}
END_TEST

/* ---- kill on close ---- */

START_TEST(test_kill_on_close)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    set_limits(j, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, 0);
    HANDLE dup = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), j, GetCurrentProcess(), &dup, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    PROCESS_INFORMATION pi;
    start_suspended("sleep", &pi);
    ck_assert(AssignProcessToJobObject(j, pi.hProcess));
    ResumeThread(pi.hThread);
    CloseHandle(j);
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, 100), WAIT_TIMEOUT); /* dup holds it */
    CloseHandle(dup);
    ck_assert_uint_eq(exit_code_of(pi.hProcess), 0);
    close_pi(&pi);
}
END_TEST

START_TEST(test_kill_on_close_holder_killed)
{
    find_self();
    char name[64], args[96];
    snprintf(name, sizeof name, "Local\\winshim-check-holder-%d", (int)getpid());
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, name);
    ck_assert_ptr_nonnull(ready);
    snprintf(args, sizeof args, "holder %s", name);
    PROCESS_INFORMATION holder;
    ck_assert(start_flags(args, 0, &holder));
    ASSERT_WAIT(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
    /* The holder's only child is the job's member. */
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/%lu/task/%lu/children",
             (unsigned long)holder.dwProcessId, (unsigned long)holder.dwProcessId);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    DWORD gpid = (DWORD)strtoul(buf, NULL, 10);
    ck_assert_uint_gt(gpid, 0);
    HANDLE g = OpenProcess(SYNCHRONIZE, FALSE, gpid);
    ck_assert_ptr_nonnull(g);
    ASSERT_WAIT(WaitForSingleObject(g, 0), WAIT_TIMEOUT);
    ck_assert(TerminateProcess(holder.hProcess, 1));
    /* The holder's handles are reaped; its job's last handle goes. */
    ASSERT_WAIT(WaitForSingleObject(g, 20000), WAIT_OBJECT_0);
    CloseHandle(g);
    close_pi(&holder);
    CloseHandle(ready);
}
END_TEST

/* ---- other processes ---- */

START_TEST(test_named_from_other_process)
{
    find_self();
    char name[64], args[96];
    snprintf(name, sizeof name, "Local\\winshim-check-named-%d", (int)getpid());
    HANDLE j = CreateJobObjectA(NULL, name);
    PROCESS_INFORMATION m, q, t;
    start_suspended("sleep", &m);
    ck_assert(AssignProcessToJobObject(j, m.hProcess));
    ResumeThread(m.hThread);
    snprintf(args, sizeof args, "query %s", name);
    ck_assert(start_flags(args, 0, &q));
    ck_assert_uint_eq(exit_code_of(q.hProcess), 1); /* one active process */
    snprintf(args, sizeof args, "terminate %s", name);
    ck_assert(start_flags(args, 0, &t));
    ck_assert_uint_eq(exit_code_of(t.hProcess), 0);
    ck_assert_uint_eq(exit_code_of(m.hProcess), 9);
    ASSERT_WAIT(WaitForSingleObject(j, 0), WAIT_OBJECT_0);
    close_pi(&m);
    close_pi(&q);
    close_pi(&t);
    CloseHandle(j);
}
END_TEST

START_TEST(test_process_memory_limit)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    memset(&x, 0, sizeof x);
    x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_MEMORY;
    x.ProcessMemoryLimit = 192u << 20;
    ck_assert(SetInformationJobObject(j, JobObjectExtendedLimitInformation, &x, sizeof x));
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION back;
    ck_assert(QueryInformationJobObject(j, JobObjectExtendedLimitInformation, &back,
                                        sizeof back, NULL));
    ck_assert_uint_eq(back.ProcessMemoryLimit, 192u << 20);
    ck_assert_uint_eq(back.BasicLimitInformation.LimitFlags, JOB_OBJECT_LIMIT_PROCESS_MEMORY);
    PROCESS_INFORMATION pi;
    start_suspended("alloc", &pi);
    ck_assert(AssignProcessToJobObject(j, pi.hProcess));
    ResumeThread(pi.hThread);
    ck_assert_uint_eq(exit_code_of(pi.hProcess), 71); /* the allocation failed */
    close_pi(&pi);
    /* Without the limit the same allocation succeeds. */
    start_suspended("alloc", &pi);
    ResumeThread(pi.hThread);
    ck_assert_uint_eq(exit_code_of(pi.hProcess), 70);
    close_pi(&pi);
    CloseHandle(j);
}
END_TEST

/* ---- stress ---- */

#define MANY 24

START_TEST(test_many_processes)
{
    find_self();
    HANDLE j = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT cp = {NULL, port};
    ck_assert(SetInformationJobObject(j, JobObjectAssociateCompletionPortInformation, &cp,
                                      sizeof cp));
    PROCESS_INFORMATION pi[MANY];
    for (int i = 0; i < MANY; i++) {
        /* Half exit on their own, half wait for the job's end. */
        start_suspended(i % 2 ? "exit 3" : "sleep", &pi[i]);
        ck_assert(AssignProcessToJobObject(j, pi[i].hProcess));
        ResumeThread(pi[i].hThread);
    }
    for (int i = 1; i < MANY; i += 2)
        ck_assert_uint_eq(exit_code_of(pi[i].hProcess), 3);
    ck_assert(TerminateJobObject(j, 11));
    for (int i = 0; i < MANY; i += 2)
        ck_assert_uint_eq(exit_code_of(pi[i].hProcess), 11);
    /* Every process announced once and counted out once; the count
     * reached zero exactly once, last. */
    int news = 0, exits = 0, zeros = 0;
    DWORD msg;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    while (news + exits + zeros < 2 * MANY + 1 &&
           GetQueuedCompletionStatus(port, &msg, &key, &ov, 20000)) {
        news += msg == JOB_OBJECT_MSG_NEW_PROCESS;
        exits += msg == JOB_OBJECT_MSG_EXIT_PROCESS;
        if (msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) {
            ck_assert_int_eq(exits, MANY);
            zeros++;
        }
    }
    ck_assert_int_eq(news, MANY);
    ck_assert_int_eq(exits, MANY);
    ck_assert_int_eq(zeros, 1);
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a = accounting(j);
    ck_assert_uint_eq(a.TotalProcesses, MANY);
    ck_assert_uint_eq(a.ActiveProcesses, 0);
    for (int i = 0; i < MANY; i++)
        close_pi(&pi[i]);
    CloseHandle(port);
    CloseHandle(j);
}
END_TEST

static Suite *job_suite(void)
{
    Suite *s = suite_create("job");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_create_unnamed);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_assign_terminate);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_pid_list);
    suite_add_tcase(s, tc);
    tc = tcase_create("messages");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_port_messages);
    tcase_add_test(tc, test_active_limit);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_children_join);
    tcase_add_test(tc, test_breakaway);
    tcase_add_test(tc, test_nested);
    tcase_add_test(tc, test_kill_on_close);
    tcase_add_test(tc, test_kill_on_close_holder_killed);
    tcase_add_test(tc, test_named_from_other_process);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* The sanitizers' shadow memory cannot live under a data limit. */
    tcase_add_test(tc, test_process_memory_limit);
#else
    (void)test_process_memory_limit;
    printf("check_job: test_process_memory_limit skipped under a sanitizer\n");
#endif
    tcase_add_test(tc, test_many_processes);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN_WITH_CHILD(job_suite, child_main)
