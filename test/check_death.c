/*
 * Process death ordered as on Windows (issue 18): by the time a wait on a
 * process handle returns, whatever way the process ended (ExitProcess,
 * TerminateProcess, SIGKILL from outside, a crash), its handles are
 * closed, the names it alone held are gone, the mutexes it owned are
 * abandoned and their waiters (here in a third process) woken.
 *
 * The binary re-executes itself: "--child holder <tag> <how>" makes the
 * objects and churns names until it is ended; "--child waiter <tag>"
 * waits on the holder's mutex and reports what the wait returned.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#define NAMES 6

static void name_of(char *out, size_t n, const char *kind, const char *tag, int k)
{
    snprintf(out, n, "death-%s-%s-%d", kind, tag, k);
}

/* ---- the children ---- */

static int child_holder(const char *tag, const char *how)
{
    char name[96];
    HANDLE keep[NAMES + 1];
    name_of(name, sizeof name, "m", tag, 0);
    keep[0] = CreateMutexA(NULL, TRUE, name);
    if (!keep[0])
        return 20;
    for (int k = 0; k < NAMES; k++) {
        name_of(name, sizeof name, "e", tag, k);
        if (!(keep[k + 1] = CreateEventA(NULL, TRUE, FALSE, name)))
            return 21;
    }
    name_of(name, sizeof name, "ready", tag, 0);
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
    if (!ready || !SetEvent(ready))
        return 22;
    CloseHandle(ready);
    if (!strcmp(how, "exit") || !strcmp(how, "segv")) {
        /* Ends itself once the waiter waits. */
        name_of(name, sizeof name, "go", tag, 0);
        HANDLE go = OpenEventA(SYNCHRONIZE, FALSE, name);
        if (!go || WaitForSingleObject(go, 20000) != WAIT_OBJECT_0)
            return 23;
        Sleep(1);
        if (!strcmp(how, "exit"))
            ExitProcess(7); /* owns the mutex: abandoned */
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        raise(SIGSEGV);
    }
    /* Churn names and handles until ended from outside. */
    for (unsigned n = 0;; n++) {
        name_of(name, sizeof name, "c", tag, (int)(n % 4));
        HANDLE h = CreateEventA(NULL, FALSE, FALSE, name), d = NULL;
        if (h && DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0,
                                 FALSE, DUPLICATE_SAME_ACCESS))
            CloseHandle(d);
        if (h)
            CloseHandle(h);
    }
}

static int child_waiter(const char *tag)
{
    char name[96];
    name_of(name, sizeof name, "m", tag, 0);
    HANDLE m = OpenMutexA(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, name);
    if (!m)
        return 30;
    name_of(name, sizeof name, "wready", tag, 0);
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
    if (!ready || !SetEvent(ready))
        return 31;
    DWORD r = WaitForSingleObject(m, 20000);
    if (r == WAIT_ABANDONED) {
        if (!ReleaseMutex(m))
            return 32;
        return 0;
    }
    return r == WAIT_TIMEOUT ? 33 : r == WAIT_OBJECT_0 ? 34 : 35;
}

static int child_main(int argc, char **argv, int k)
{
    const char *m = k + 1 < argc ? argv[k + 1] : "";
    const char *tag = k + 2 < argc ? argv[k + 2] : "x";
    const char *how = k + 3 < argc ? argv[k + 3] : "";
    if (!strcmp(m, "holder"))
        return child_holder(tag, how);
    if (!strcmp(m, "waiter"))
        return child_waiter(tag);
    return 99;
}

/* ---- the parent ---- */

static void spawn(const char *args, PROCESS_INFORMATION *pi)
{
    char exe[4096], cmd[4300];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert(n > 0);
    exe[n] = 0;
    snprintf(cmd, sizeof cmd, "\"%s\" --child %s", exe, args);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    ck_assert_msg(CreateProcessA(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, pi),
                  "CreateProcess: %lu", (unsigned long)GetLastError());
}

/* One round: a holder, a waiter in a third process, the holder ended by
 * `how`; everything the holder had must be finished when the wait on its
 * process handle returns. */
static void round_of(const char *how, int round)
{
    char tag[48], name[96], args[160];
    snprintf(tag, sizeof tag, "%d-%s-%d", (int)getpid(), how, round);
    name_of(name, sizeof name, "ready", tag, 0);
    HANDLE ready = CreateEventA(NULL, FALSE, FALSE, name);
    name_of(name, sizeof name, "wready", tag, 0);
    HANDLE wready = CreateEventA(NULL, FALSE, FALSE, name);
    name_of(name, sizeof name, "go", tag, 0);
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, name);
    ck_assert(ready && wready && go);

    int from_outside = !strcmp(how, "terminate") || !strcmp(how, "sigkill");
    PROCESS_INFORMATION holder, waiter;
    snprintf(args, sizeof args, "holder %s %s", tag, how);
    spawn(args, &holder);
    HANDLE both[2] = {ready, holder.hProcess};
    DWORD r = WaitForMultipleObjects(2, both, FALSE, 30000);
    ck_assert_msg(r == WAIT_OBJECT_0, "holder not ready: %#lx", (unsigned long)r);
    snprintf(args, sizeof args, "waiter %s", tag);
    spawn(args, &waiter);
    HANDLE wboth[2] = {wready, waiter.hProcess};
    ASSERT_WAIT(WaitForMultipleObjects(2, wboth, FALSE, 10000), WAIT_OBJECT_0);

    if (from_outside) {
        Sleep((DWORD)(round % 3)); /* the waiter blocked or about to */
        if (!strcmp(how, "terminate"))
            ck_assert(TerminateProcess(holder.hProcess, 7));
        else
            ck_assert(kill((pid_t)holder.dwProcessId, SIGKILL) == 0);
    } else
        ck_assert(SetEvent(go));
    ASSERT_WAIT(WaitForSingleObject(holder.hProcess, 10000), WAIT_OBJECT_0);
    /* At once: the names it alone held are gone. */
    for (int k = 0; k < NAMES; k++) {
        name_of(name, sizeof name, "e", tag, k);
        HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, name);
        ck_assert_msg(!h, "%s: %s still there after the wait on the process returned",
                      how, name);
        ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    }
    DWORD code = 0;
    ck_assert(GetExitCodeProcess(holder.hProcess, &code));
    if (!strcmp(how, "terminate") || !strcmp(how, "exit"))
        ck_assert_uint_eq(code, 7);
    else if (!strcmp(how, "segv"))
        ck_assert_uint_eq(code, (DWORD)0xC0000005); /* EXCEPTION_ACCESS_VIOLATION */
    /* The waiter got the abandoned mutex and let it go. */
    ASSERT_WAIT(WaitForSingleObject(waiter.hProcess, 30000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(waiter.hProcess, &code));
    ck_assert_msg(code == 0, "%s: the waiter's wait on the abandoned mutex: child code %lu",
                  how, (unsigned long)code);
    /* And nobody holds it now. */
    name_of(name, sizeof name, "m", tag, 0);
    HANDLE m = OpenMutexA(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, name);
    ck_assert(m == NULL && GetLastError() == ERROR_FILE_NOT_FOUND);
    CloseHandle(holder.hProcess);
    CloseHandle(holder.hThread);
    CloseHandle(waiter.hProcess);
    CloseHandle(waiter.hThread);
    CloseHandle(ready);
    CloseHandle(wready);
    CloseHandle(go);
}

#define ROUNDS 12

START_TEST(test_terminated)
{
    for (int i = 0; i < ROUNDS; i++)
        round_of("terminate", i);
}
END_TEST

START_TEST(test_killed_from_outside)
{
    for (int i = 0; i < ROUNDS; i++)
        round_of("sigkill", i);
}
END_TEST

START_TEST(test_exited_owning)
{
    for (int i = 0; i < ROUNDS; i++)
        round_of("exit", i);
}
END_TEST

START_TEST(test_crashed)
{
    for (int i = 0; i < ROUNDS / 2; i++)
        round_of("segv", i);
}
END_TEST

static Suite *death_suite(void)
{
    Suite *s = suite_create("death");
    TCase *tc = tcase_create("ordering");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_terminated);
    tcase_add_test(tc, test_killed_from_outside);
    tcase_add_test(tc, test_exited_owning);
    tcase_add_test(tc, test_crashed);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN_WITH_CHILD(death_suite, child_main)
