/* Named objects granted to other users (lib/cell.c): events, mutexes and
 * semaphores whose DACL lets others in live in files of the grant
 * directory, with the grant as the file's permissions.  The two-user
 * tests run when the suite runs as root: a child re-executes this binary
 * and becomes another user before its first winshim call. */
#define _GNU_SOURCE
#include "testutil.h"

#include <sddl.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/core/security.h"
#include "xproc.h"

static char grant_dir[128];
static char pipe_dir[128];  /* WINSHIM_PIPE_SHARED_DIR */
static char other_home[128]; /* the other user's own pipe directory */
static const char *self_exe;
#define OTHER_UID 65534u /* nobody */
#define THIRD_UID 65533u

/* ---- security attributes ---- */

struct sa_buf {
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
    BYTE acl[1024];
    PSECURITY_DESCRIPTOR sddl; /* LocalFree'd by sa_free */
};

/* Who an ACE is for, in these tests. */
struct ace {
    int who; /* GRANT_WORLD, GRANT_USER, GRANT_GROUP */
    uint32_t id;
    ACCESS_MASK mask;
    bool deny;
};

static SECURITY_ATTRIBUTES *sa_of(struct sa_buf *b)
{
    b->sa.nLength = sizeof b->sa;
    b->sa.lpSecurityDescriptor = b->sddl ? b->sddl : (void *)&b->sd;
    b->sa.bInheritHandle = FALSE;
    return &b->sa;
}

/* A descriptor whose DACL has exactly these ACEs, built with the ACL
 * functions (SIDs from their string forms). */
static SECURITY_ATTRIBUTES *sa_aces(struct sa_buf *b, int n, const struct ace *aces)
{
    memset(b, 0, sizeof *b);
    ck_assert(InitializeSecurityDescriptor(&b->sd, SECURITY_DESCRIPTOR_REVISION));
    ck_assert(InitializeAcl((PACL)b->acl, sizeof b->acl, ACL_REVISION));
    for (int i = 0; i < n; i++) {
        char str[64];
        if (aces[i].who == GRANT_WORLD)
            snprintf(str, sizeof str, "S-1-1-0");
        else
            snprintf(str, sizeof str, "S-1-22-%d-%u", aces[i].who == GRANT_USER ? 1 : 2,
                     (unsigned)aces[i].id);
        PSID sid = NULL;
        ck_assert(ConvertStringSidToSidA(str, &sid));
        if (aces[i].deny)
            ck_assert(AddAccessDeniedAce((PACL)b->acl, ACL_REVISION, aces[i].mask, sid));
        else
            ck_assert(AddAccessAllowedAce((PACL)b->acl, ACL_REVISION, aces[i].mask, sid));
        LocalFree(sid);
    }
    ck_assert(SetSecurityDescriptorDacl(&b->sd, TRUE, (PACL)b->acl, FALSE));
    return sa_of(b);
}

static SECURITY_ATTRIBUTES *sa_null_dacl(struct sa_buf *b)
{
    memset(b, 0, sizeof *b);
    ck_assert(InitializeSecurityDescriptor(&b->sd, SECURITY_DESCRIPTOR_REVISION));
    ck_assert(SetSecurityDescriptorDacl(&b->sd, TRUE, NULL, FALSE));
    return sa_of(b);
}

/* The same from SDDL, the way much Windows code writes it. */
static SECURITY_ATTRIBUTES *sa_sddl(struct sa_buf *b, const char *sddl)
{
    memset(b, 0, sizeof *b);
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1,
                                                                     &b->sddl, NULL));
    return sa_of(b);
}

static void sa_free(struct sa_buf *b)
{
    if (b->sddl)
        LocalFree(b->sddl);
    b->sddl = NULL;
}

static SECURITY_ATTRIBUTES *sa_world(struct sa_buf *b, ACCESS_MASK mask)
{
    struct ace a = {.who = GRANT_WORLD, .mask = mask};
    return sa_aces(b, 1, &a);
}

/* ---- the grant directory ---- */

static int cells_in_dir(void)
{
    DIR *d = opendir(grant_dir);
    if (!d && errno == ENOENT)
        return 0; /* the last cell took the directory with it */
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* The one cell file in the directory (tests make one at a time). */
static void only_cell(char *path, size_t cap, struct stat *st)
{
    DIR *d = opendir(grant_dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(path, cap, "%s/%s", grant_dir, e->d_name);
            n++;
        }
    closedir(d);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(stat(path, st), 0);
}

/* ---- one user ---- */

START_TEST(test_event_basic)
{
    struct sa_buf b;
    SetLastError(0xdeadbeef);
    HANDLE h = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "cell_ev");
    ck_assert_ptr_nonnull(h);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    char path[512];
    struct stat st;
    only_cell(path, sizeof path, &st);
    ck_assert_uint_eq(st.st_mode & 0777, 0606); /* the kernel lets everyone in */
    ck_assert_uint_eq(st.st_uid, geteuid());

    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    ck_assert(SetEvent(h));
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* manual: stays */
    HANDLE o = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, "cell_ev");
    ck_assert_ptr_nonnull(o);
    ck_assert(ResetEvent(o));
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);

    /* Create of the existing name: the same object. */
    SetLastError(0xdeadbeef);
    HANDLE c = CreateEventA(sa_null_dacl(&b), FALSE, TRUE, "cell_ev");
    ck_assert_ptr_nonnull(c);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ck_assert(SetEvent(c));
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);

    ck_assert(CloseHandle(c));
    ck_assert(CloseHandle(o));
    ck_assert_int_eq(cells_in_dir(), 1);
    ck_assert(CloseHandle(h));
    /* The last handle took the name, and the empty directory (ours). */
    ck_assert_int_eq(cells_in_dir(), 0);
    struct stat dst;
    ck_assert_int_eq(stat(grant_dir, &dst), -1);
    /* A directory kept with a file of one's own stays. */
    char keep[200];
    snprintf(keep, sizeof keep, "%s/.keep", grant_dir);
    ck_assert_ptr_nonnull(h = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "cell_ev"));
    ck_assert_int_eq(stat(grant_dir, &dst), 0);
    ck_assert_uint_eq(dst.st_mode & 07777, 01777);
    int kf = open(keep, O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(kf, 0);
    close(kf);
    ck_assert(CloseHandle(h));
    ck_assert_int_eq(stat(grant_dir, &dst), 0);
    ck_assert_int_eq(unlink(keep), 0);
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "cell_ev"), ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_event_auto)
{
    struct sa_buf b;
    HANDLE h = CreateEventA(sa_null_dacl(&b), FALSE, TRUE, "cell_auto");
    ck_assert_ptr_nonnull(h);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT); /* consumed */
    ck_assert(SetEvent(h));
    ASSERT_WAIT(WaitForSingleObject(h, 10), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h, 10), WAIT_TIMEOUT);
    /* A pulse with nobody waiting leaves it reset. */
    ck_assert(SetEvent(h));
    ck_assert(PulseEvent(h));
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CloseHandle(h);
}
END_TEST

static DWORD WINAPI wait_infinite(void *h)
{
    return WaitForSingleObject(h, INFINITE);
}

/* Pulses until the waiters have gone: a pulse with nobody asleep is lost,
 * so the test repeats it rather than guessing when they sleep. */
static void pulse_until(HANDLE ev, HANDLE *threads, DWORD n)
{
    while (WaitForMultipleObjects(n, threads, TRUE, 1) == WAIT_TIMEOUT)
        ck_assert(PulseEvent(ev));
}

START_TEST(test_event_pulse)
{
    struct sa_buf b;
    HANDLE m = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "cell_pulse_m");
    HANDLE t[3];
    for (int i = 0; i < 3; i++)
        t[i] = CreateThread(NULL, 0, wait_infinite, m, 0, NULL);
    pulse_until(m, t, 3);
    for (int i = 0; i < 3; i++) {
        DWORD code;
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, WAIT_OBJECT_0);
        CloseHandle(t[i]);
    }
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_TIMEOUT); /* left reset */

    /* Auto-reset: a pulse releases one waiter; two pulses, two. */
    HANDLE a = CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_pulse_a");
    HANDLE u[2];
    for (int i = 0; i < 2; i++)
        u[i] = CreateThread(NULL, 0, wait_infinite, a, 0, NULL);
    pulse_until(a, u, 2);
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    for (int i = 0; i < 2; i++)
        CloseHandle(u[i]);
    CloseHandle(a);
    CloseHandle(m);
}
END_TEST

START_TEST(test_semaphore)
{
    struct sa_buf b;
    HANDLE s = CreateSemaphoreA(sa_null_dacl(&b), 1, 2, "cell_sem");
    ck_assert_ptr_nonnull(s);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    LONG prev = -1;
    ck_assert(ReleaseSemaphore(s, 2, &prev));
    ck_assert_int_eq(prev, 0);
    ASSERT_FAILS(ReleaseSemaphore(s, 1, &prev), ERROR_TOO_MANY_POSTS);
    ASSERT_FAILS(ReleaseSemaphore(s, 0, &prev), ERROR_INVALID_PARAMETER);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(s, 5), WAIT_TIMEOUT);
    /* A waiter blocked on it takes a released unit. */
    HANDLE t = CreateThread(NULL, 0, wait_infinite, s, 0, NULL);
    ck_assert(ReleaseSemaphore(s, 1, NULL));
    ASSERT_WAIT(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, WAIT_OBJECT_0);
    CloseHandle(t);
    CloseHandle(s);
}
END_TEST

static DWORD WINAPI take_and_exit(void *h)
{
    return WaitForSingleObject(h, INFINITE); /* ends owning it */
}

START_TEST(test_mutex)
{
    struct sa_buf b;
    SetLastError(0xdeadbeef);
    HANDLE m = CreateMutexA(sa_null_dacl(&b), TRUE, "cell_mx");
    ck_assert_ptr_nonnull(m);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* recursive */
    ck_assert(ReleaseMutex(m));
    ck_assert(ReleaseMutex(m));
    ASSERT_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);

    /* A thread that ends owning it abandons it. */
    HANDLE t = CreateThread(NULL, 0, take_and_exit, m, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, WAIT_OBJECT_0);
    CloseHandle(t);
    ASSERT_WAIT(WaitForSingleObject(m, 60000), WAIT_ABANDONED_0);
    ck_assert(ReleaseMutex(m));
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* usable again */
    ck_assert(ReleaseMutex(m));

    /* Another thread cannot release it. */
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    HANDLE u = CreateThread(NULL, 0, (LPTHREAD_START_ROUTINE)(void *)ReleaseMutex, m, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(u, 60000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(u, &code));
    ck_assert_uint_eq(code, FALSE);
    CloseHandle(u);
    /* A blocked waiter gets it at the release. */
    HANDLE w = CreateThread(NULL, 0, wait_infinite, m, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(w, 20), WAIT_TIMEOUT);
    ck_assert(ReleaseMutex(m));
    ASSERT_WAIT(WaitForSingleObject(w, 60000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(w, &code));
    ck_assert_uint_eq(code, WAIT_OBJECT_0);
    CloseHandle(w);
    ASSERT_WAIT(WaitForSingleObject(m, 60000), WAIT_ABANDONED_0); /* it ended owning it */
    ck_assert(ReleaseMutex(m));
    CloseHandle(m);
}
END_TEST

/* A child that runs fn, tells the parent how it went and then waits to be
 * killed (SIGKILL: it runs no exit code), holding whatever fn took. */
static pid_t child_holding(bool (*fn)(void))
{
    int p[2];
    ck_assert(pipe(p) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        char x = fn() ? 'x' : 'n';
        if (write(p[1], &x, 1) != 1)
            _exit(2);
        pause();
        _exit(3);
    }
    close(p[1]); /* a child that dies early gives end of file */
    char x;
    ck_assert(read(p[0], &x, 1) == 1 && x == 'x');
    close(p[0]);
    return pid;
}

static void kill_child(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static bool take_kill_mutex(void)
{
    HANDLE c = OpenMutexA(SYNCHRONIZE, FALSE, "cell_mx_kill");
    return c && WaitForSingleObject(c, INFINITE) == WAIT_OBJECT_0;
}

START_TEST(test_mutex_killed_owner)
{
    struct sa_buf b;
    HANDLE m = CreateMutexA(sa_null_dacl(&b), FALSE, "cell_mx_kill");
    pid_t pid = child_holding(take_kill_mutex);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
    kill_child(pid);
    ASSERT_WAIT(WaitForSingleObject(m, 60000), WAIT_ABANDONED_0);
    ck_assert(ReleaseMutex(m));
    CloseHandle(m);
}
END_TEST

START_TEST(test_wait_mixed)
{
    struct sa_buf b;
    HANDLE h[2];
    h[0] = CreateEventA(NULL, FALSE, FALSE, NULL); /* a session event */
    h[1] = CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_mixed");
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_TIMEOUT);
    ck_assert(SetEvent(h[1]));
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_OBJECT_0 + 1);
    ck_assert(SetEvent(h[0]));
    ck_assert(SetEvent(h[1]));
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_OBJECT_0); /* lowest index */
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_OBJECT_0 + 1);
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 5), WAIT_TIMEOUT);

    /* Blocked on both, woken by either. */
    ck_assert(SetEvent(h[1]));
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 60000), WAIT_OBJECT_0 + 1);
    ck_assert(SetEvent(h[0]));
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 60000), WAIT_OBJECT_0);

    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_NOT_SUPPORTED);
    CloseHandle(h[0]);
    CloseHandle(h[1]);
}
END_TEST

static HANDLE wake_target;
static DWORD WINAPI set_later(void *arg)
{
    (void)arg;
    settle_ms(20);
    SetEvent(wake_target);
    return 0;
}

START_TEST(test_wait_blocks_until_set)
{
    struct sa_buf b;
    HANDLE h[2];
    h[0] = CreateEventA(NULL, FALSE, FALSE, NULL);
    h[1] = CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_block");
    for (int k = 0; k < 2; k++) {
        wake_target = h[k];
        HANDLE t = CreateThread(NULL, 0, set_later, NULL, 0, NULL);
        ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, INFINITE), WAIT_OBJECT_0 + (DWORD)k);
        WaitForSingleObject(t, INFINITE);
        CloseHandle(t);
    }
    CloseHandle(h[0]);
    CloseHandle(h[1]);
}
END_TEST

START_TEST(test_names)
{
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "cell_name");
    ck_assert_ptr_nonnull(e);
    ASSERT_FAILS(CreateMutexA(sa_null_dacl(&b), FALSE, "cell_name"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateMutexA(NULL, FALSE, "cell_name"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenSemaphoreA(SYNCHRONIZE, FALSE, "cell_name"), ERROR_INVALID_HANDLE);
    /* Local\ is the same namespace as no prefix. */
    HANDLE l = OpenEventA(SYNCHRONIZE, FALSE, "Local\\cell_name");
    ck_assert_ptr_nonnull(l);
    CloseHandle(l);
    /* A DACL that names only the caller grants nobody: an ordinary object. */
    struct ace self = {.who = GRANT_USER, .id = geteuid(), .mask = EVENT_ALL_ACCESS};
    HANDLE p = CreateEventA(sa_aces(&b, 1, &self), TRUE, FALSE, "cell_private");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(cells_in_dir(), 1);
    CloseHandle(p);
    CloseHandle(e);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

START_TEST(test_sddl_and_errors)
{
    struct sa_buf b;
    /* Everyone, every right, in SDDL. */
    HANDLE e = CreateEventA(sa_sddl(&b, "D:(A;;GA;;;WD)"), TRUE, FALSE, "cell_sddl");
    sa_free(&b);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(cells_in_dir(), 1);
    HANDLE o = OpenEventA(EVENT_ALL_ACCESS, FALSE, "cell_sddl");
    ck_assert_ptr_nonnull(o);
    CloseHandle(o);
    CloseHandle(e);
    /* A denied ACE first takes the right it names from everyone. */
    e = CreateEventA(sa_sddl(&b, "D:(D;;0x2;;;WD)(A;;GA;;;WD)"), TRUE, FALSE, "cell_sddl");
    sa_free(&b);
    ck_assert_ptr_nonnull(e);
    ASSERT_FAILS(OpenEventA(EVENT_MODIFY_STATE, FALSE, "cell_sddl"), ERROR_ACCESS_DENIED);
    o = OpenEventA(SYNCHRONIZE, FALSE, "cell_sddl");
    ck_assert_ptr_nonnull(o);
    CloseHandle(o);
    CloseHandle(e);
    /* The same ACE for a group the caller is in: the group's ACL entry. */
    char sddl[96];
    snprintf(sddl, sizeof sddl, "D:(A;;GA;;;S-1-22-2-%u)", (unsigned)getegid());
    e = CreateEventA(sa_sddl(&b, sddl), TRUE, FALSE, "cell_group");
    sa_free(&b);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(cells_in_dir(), 1);
    CloseHandle(e);

    /* A descriptor of another revision fails the call, named or not, as
     * Windows captures it (STATUS_UNKNOWN_REVISION; Wine 8 agrees). */
    SECURITY_DESCRIPTOR bad;
    ck_assert(InitializeSecurityDescriptor(&bad, SECURITY_DESCRIPTOR_REVISION));
    bad.Revision = 2;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &bad, FALSE};
    ASSERT_FAILS(CreateEventA(&sa, TRUE, FALSE, "cell_bad"), ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(CreateEventA(&sa, TRUE, FALSE, NULL), ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(CreateSemaphoreA(&sa, 0, 1, NULL), ERROR_UNKNOWN_REVISION);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

START_TEST(test_access_from_dacl)
{
    /* Everyone may wait, nobody may set: the DACL is checked on Open*. */
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_world(&b, SYNCHRONIZE), TRUE, FALSE, "cell_dacl");
    ck_assert_ptr_nonnull(e);
    ck_assert(SetEvent(e)); /* the creator's handle has every right */
    ASSERT_FAILS(OpenEventA(EVENT_MODIFY_STATE, FALSE, "cell_dacl"), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, "cell_dacl"), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "cell_dacl"), ERROR_ACCESS_DENIED);
    HANDLE w = OpenEventA(SYNCHRONIZE, FALSE, "cell_dacl");
    ck_assert_ptr_nonnull(w);
    ASSERT_WAIT(WaitForSingleObject(w, 0), WAIT_OBJECT_0);
    ASSERT_FAILS(SetEvent(w), ERROR_ACCESS_DENIED);
    HANDLE m = OpenEventA(MAXIMUM_ALLOWED, FALSE, "cell_dacl");
    ck_assert_ptr_nonnull(m);
    ASSERT_FAILS(ResetEvent(m), ERROR_ACCESS_DENIED);
    CloseHandle(m);
    CloseHandle(w);
    CloseHandle(e);
}
END_TEST

START_TEST(test_other_process)
{
    /* Another process of the user finds it by name, and the stale file a
     * killed last holder leaves is taken for absent. */
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_xp");
    pid_t pid = fork();
    if (pid == 0) {
        HANDLE c = OpenEventA(EVENT_MODIFY_STATE, FALSE, "cell_xp");
        _exit(c && SetEvent(c) ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ASSERT_WAIT(WaitForSingleObject(e, 60000), WAIT_OBJECT_0);
    CloseHandle(e);
    ck_assert_int_eq(cells_in_dir(), 0);

}
END_TEST

/* Issue 19: a Create* of a name the session does not hold makes no system
 * call while the grant watch's lease holds (cell.c), yet a grant that
 * another process finished before is always found.  The child is a
 * process of its own session (a private arena, so its object is not in
 * ours); the hammer thread keeps this process's lease renewed while the
 * child waits between its pending name and the real one. */
static int hammer_on; /* __atomic: the hammer thread reads it */

static void *hammer(void *arg)
{
    (void)arg;
    char n[48];
    for (long i = 0; __atomic_load_n(&hammer_on, __ATOMIC_RELAXED); i++) {
        snprintf(n, sizeof n, "gw_hammer_%ld", i % 64);
        CloseHandle(CreateEventA(NULL, TRUE, FALSE, n));
    }
    return NULL;
}

/* Run by "--private NAME": grants NAME, says so on stdout, holds it until
 * stdin ends. */
static int private_main(const char *name)
{
    setenv("WINSHIM_SHM_DIR", "", 1);
    SECURITY_DESCRIPTOR sd;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
    if (!InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) ||
        !SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE))
        return 3;
    HANDLE e = CreateEventA(&sa, TRUE, FALSE, name);
    if (!e || GetLastError() == ERROR_ALREADY_EXISTS)
        return 1;
    if (write(1, "k", 1) != 1)
        return 2;
    char c;
    while (read(0, &c, 1) > 0)
        ;
    CloseHandle(e);
    return 0;
}

START_TEST(test_grant_seen_at_once)
{
    pthread_t t;
    setenv("WINSHIM_GRANT_LEASE_US", "1000000", 1); /* a wide window, for the child too */
    __atomic_store_n(&hammer_on, 1, __ATOMIC_RELAXED);
    ck_assert_int_eq(pthread_create(&t, NULL, hammer, NULL), 0);
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "gw_seen_%d", i);
        int to[2], from[2];
        ck_assert_int_eq(pipe2(to, O_CLOEXEC), 0);
        ck_assert_int_eq(pipe2(from, O_CLOEXEC), 0);
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0) {
            dup2(to[0], 0);
            dup2(from[1], 1);
            execl(self_exe, self_exe, "--private", name, (char *)NULL);
            _exit(120);
        }
        close(to[0]);
        close(from[1]);
        char c;
        ck_assert_int_eq(read(from[0], &c, 1), 1);
        SetLastError(0xdeadbeef);
        HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(GetLastError(), ERROR_ALREADY_EXISTS);
        HANDLE o = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
        ck_assert_ptr_nonnull(o);
        ck_assert(SetEvent(o));
        CloseHandle(o);
        CloseHandle(e);
        close(to[1]);
        close(from[0]);
        int st;
        ck_assert(waitpid(pid, &st, 0) == pid);
        ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        /* Gone with its last holder: a Create makes a new one. */
        SetLastError(0xdeadbeef);
        e = CreateEventA(NULL, TRUE, FALSE, name);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(GetLastError(), ERROR_SUCCESS);
        CloseHandle(e);
    }
    __atomic_store_n(&hammer_on, 0, __ATOMIC_RELAXED);
    pthread_join(t, NULL);
    unsetenv("WINSHIM_GRANT_LEASE_US");
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

/* ---- the grant watch's fd taken by the program ----
 *
 * A daemon closes every descriptor (close_range) and opens its own, or
 * dup2()s over the watch's number: the library must neither read the
 * program's file (nor close it) nor trust a watch that is gone.  A forked
 * child sets the watch up (more than GW_AFTER lookups), loses it, puts a
 * non-blocking pipe with a byte in it at its number, and then another
 * process grants a name: a Create finds it, an Open of a missing name
 * fails, the byte is still in the pipe, new names are made. */
enum { GW_CLOSE_ALL, GW_DUP2, GW_CLOSE_ONLY };

/* The watch's fd: the only inotify instance of the process. */
static int gw_watch_fd(void)
{
    int found = -1;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[300], t[64];
        snprintf(p, sizeof p, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(p, t, sizeof t - 1);
        if (n > 0 && (t[n] = 0, !strcmp(t, "anon_inode:inotify")))
            found = atoi(e->d_name);
    }
    closedir(d);
    return found;
}

static int gw_taken_child(int mode, const char *name)
{
    char n[48];
    for (int i = 0; i < 80; i++) { /* past GW_AFTER: the watch is set up */
        snprintf(n, sizeof n, "gw_taken_warm_%d_%d", (int)getpid(), i);
        HANDLE e = CreateEventA(NULL, TRUE, FALSE, n);
        if (!e || GetLastError())
            return 10;
        CloseHandle(e);
    }
    int w = gw_watch_fd();
    if (w < 0)
        return 11;
    int p[2], tries = 0; /* the pipes not at w stay open, as a program's */
    if (mode == GW_DUP2) {
        if (pipe2(p, O_NONBLOCK | O_CLOEXEC) || dup2(p[0], w) != w)
            return 12;
    } else {
        if (mode == GW_CLOSE_ALL)
            syscall(SYS_close_range, 3u, ~0u, 0u);
        else
            close(w);
        /* The program's own pipes, until one lands on the number. */
        for (;;) {
            if (++tries > 32 || pipe2(p, O_NONBLOCK | O_CLOEXEC))
                return 13;
            if (p[0] == w || p[1] == w)
                break;
        }
        if (p[1] == w) { /* the read end must be at w: swap the roles */
            int q[2];
            if (pipe2(q, O_NONBLOCK | O_CLOEXEC) || dup2(q[0], w) != w)
                return 14;
            p[0] = w;
            p[1] = q[1];
        }
    }
    if (write(p[1], "z", 1) != 1)
        return 15;
    /* Another process grants `name` (its own session, so only the grant
     * directory tells us), and holds it until its stdin ends. */
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
        return 16;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execl(self_exe, self_exe, "--private", name, (char *)NULL);
        _exit(120);
    }
    char c;
    if (pid < 0 || read(from[0], &c, 1) != 1)
        return 17;
    int rc = 0;
    SetLastError(0xdeadbeef);
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
    if (!e || GetLastError() != ERROR_ALREADY_EXISTS)
        rc = 18;
    CloseHandle(e);
    snprintf(n, sizeof n, "gw_taken_missing_%d", (int)getpid());
    SetLastError(0xdeadbeef);
    if (!rc && (OpenEventA(SYNCHRONIZE, FALSE, n) || GetLastError() != ERROR_FILE_NOT_FOUND))
        rc = 19;
    if (!rc && (read(w, &c, 1) != 1 || c != 'z'))
        rc = 20; /* the library read (or closed) the program's pipe */
    for (int i = 0; !rc && i < 20; i++) {
        snprintf(n, sizeof n, "gw_taken_new_%d_%d", (int)getpid(), i);
        e = CreateEventA(NULL, TRUE, FALSE, n);
        if (!e || GetLastError())
            rc = 21;
        CloseHandle(e);
    }
    close(to[1]);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        rc = rc ? rc : 22;
    return rc;
}

static void gw_taken_run(int mode, const char *name)
{
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0)
        _exit(gw_taken_child(mode, name));
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mode %d: child status %d", mode,
                  WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

START_TEST(test_grant_watch_fd_closed_by_program)
{
#if !defined(__SANITIZE_THREAD__)
    /* Closing the fds of winshim's threads under them is the race itself,
     * which ThreadSanitizer reports: there only the watch's own goes. */
    gw_taken_run(GW_CLOSE_ALL, "gw_taken_all");
#endif
    gw_taken_run(GW_CLOSE_ONLY, "gw_taken_one");
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

START_TEST(test_grant_watch_fd_dup2_over)
{
    gw_taken_run(GW_DUP2, "gw_taken_dup2");
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

/* A creator killed between its pending name and the real one leaves the
 * pending name; its user's sweep removes it like a stale cell. */
START_TEST(test_pending_swept)
{
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "gw_pending");
    ck_assert_ptr_nonnull(e);
    static char path[256], pend[300];
    struct stat st;
    only_cell(path, sizeof path, &st);
    snprintf(pend, sizeof pend, "%s.p0badcafe", path);
    int fd = open(pend, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    CloseHandle(e);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

/* The child gets a duplicate it never opened by name: its first use opens
 * the cell file through the proxy's name. */
static int child_uses_duplicate(struct xproc *x)
{
    HANDLE m, e;
    if (!child_get(x, &m, sizeof m) || !child_get(x, &e, sizeof e))
        return 1;
    if (WaitForSingleObject(m, 60000) != WAIT_OBJECT_0)
        return 2;
    if (!SetEvent(e))
        return 3;
    char c;
    if (!child_get(x, &c, 1)) /* the parent saw the event */
        return 4;
    return 0; /* exits owning the mutex: abandoned */
}

START_TEST(test_duplicated)
{
    struct sa_buf b;
    HANDLE m = CreateMutexA(sa_null_dacl(&b), FALSE, "cell_dup_m");
    HANDLE e = CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_dup_e");
    struct xproc x;
    xproc_start(&x, child_uses_duplicate);
    xproc_give(&x, m, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, e, 0, DUPLICATE_SAME_ACCESS);
    ASSERT_WAIT(WaitForSingleObject(e, 60000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_TIMEOUT); /* the child owns it */
    char c = 'k';
    xproc_send(x.to_child[1], &c, 1);
    ck_assert_int_eq(xproc_wait(&x), 0);
    ASSERT_WAIT(WaitForSingleObject(m, 60000), WAIT_ABANDONED_0);
    ck_assert(ReleaseMutex(m));
    CloseHandle(m);
    CloseHandle(e);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

static bool make_stale_event(void)
{
    setenv("WINSHIM_SHM_DIR", "", 1);
    struct sa_buf cb;
    return CreateEventA(sa_null_dacl(&cb), FALSE, FALSE, "cell_stale") != NULL;
}

START_TEST(test_stale_file)
{
    /* A killed last holder leaves its file behind; a lookup takes it for
     * absent and removes it.  The child has no session (forked before the
     * first call here, and told to stay private), so only the file speaks
     * of it. */
    pid_t pid = child_holding(make_stale_event);
    kill_child(pid);
    ck_assert_int_eq(cells_in_dir(), 1);
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "cell_stale"), ERROR_FILE_NOT_FOUND);
    ck_assert_int_eq(cells_in_dir(), 0);
    struct sa_buf b;
    SetLastError(0xdeadbeef);
    HANDLE n = CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_stale");
    ck_assert_ptr_nonnull(n);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    CloseHandle(n);
}
END_TEST

/* The only member of a session of its own exits normally with a granted
 * event open: exit closes its handles, and the cell file goes with the
 * last one (issue 18, D1b: the last member's exit used to skip that). */
static int child_last_member_exits(void)
{
    char dir[96];
    snprintf(dir, sizeof dir, "/dev/shm/winshim-cell-last-%d", (int)getpid());
    setenv("WINSHIM_SHM_DIR", dir, 1);
    struct sa_buf b;
    return CreateEventA(sa_null_dacl(&b), FALSE, FALSE, "cell_last") ? 0 : 1;
}

START_TEST(test_last_member_exit)
{
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0)
        exit(child_last_member_exits());
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

/* Holds an exclusive flock on a cell file that its creator has closed:
 * what a grantee can do to the owner (issue 18, D3). */
static int child_locks_cell(void *arg)
{
    const char *path = arg;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || flock(fd, LOCK_SH))
        return 1;
    printf("x\n"); /* tell the parent, through the pipe below */
    fflush(stdout);
    char c;
    if (read(0, &c, 1) != 1) /* the creator has closed its handle */
        return 2;
    if (flock(fd, LOCK_EX))
        return 3;
    printf("y\n");
    fflush(stdout);
    while (read(0, &c, 1) < 0)
        ;
    return 0;
}

START_TEST(test_locked_cell)
{
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "cell_locked");
    ck_assert_ptr_nonnull(e);
    static char path[256];
    struct stat st;
    only_cell(path, sizeof path, &st);
    int to[2], from[2];
    ck_assert(pipe(to) == 0 && pipe(from) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[1]);
        close(from[0]);
        _exit(child_locks_cell(path));
    }
    close(to[0]);
    close(from[1]);
    char line[4];
    ck_assert_int_eq(read(from[0], line, 2), 2); /* it holds a shared lock */
    CloseHandle(e); /* the file stays: another process holds it */
    ck_assert(write(to[1], "c", 1) == 1);
    ck_assert_int_eq(read(from[0], line, 2), 2); /* now exclusively */
    /* Not a hang: a bounded wait, then the object is refused. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenEventA(SYNCHRONIZE, FALSE, "cell_locked"));
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    close(to[1]); /* let it go */
    int ws;
    ck_assert(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    close(from[0]);
    /* Its lock gone, the stale file is taken for absent. */
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "cell_locked"), ERROR_FILE_NOT_FOUND);
}
END_TEST

/* Truncates the cell file at `path` to nothing, as another user when the
 * tests run as root (the file's "other" bits grant it), else as us. */
static int truncate_cell_as_grantee(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 &&
            (setgroups(0, NULL) || setresgid(OTHER_UID, OTHER_UID, OTHER_UID) ||
             setresuid(OTHER_UID, OTHER_UID, OTHER_UID)))
            _exit(1);
        int fd = open(path, O_RDWR);
        _exit(fd >= 0 && ftruncate(fd, 0) == 0 ? 0 : 2);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A grantee truncating a granted object's file cannot crash its owner
 * (issue 18, D2: SIGBUS before): the owner's mapping survives, the
 * object keeps working for it (no longer shared) and goes away. */
START_TEST(test_truncated_by_grantee)
{
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "cell_trunc");
    ck_assert_ptr_nonnull(e);
    static char path[256];
    struct stat st;
    only_cell(path, sizeof path, &st);
    ck_assert_int_eq(truncate_cell_as_grantee(path), 0);
    ck_assert(SetEvent(e));
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    ck_assert(ResetEvent(e));
    ASSERT_WAIT(WaitForSingleObject(e, 10), WAIT_TIMEOUT);
    ck_assert(CloseHandle(e));

    /* A granted section's view too. */
    HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, sa_null_dacl(&b), PAGE_READWRITE, 0,
                                  100000, "cell_trunc_sec");
    ck_assert_ptr_nonnull(s);
    char *v = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    strcpy(v + 70000, "bytes");
    only_cell(path, sizeof path, &st);
    ck_assert_int_eq(truncate_cell_as_grantee(path), 0);
    ck_assert_int_eq(v[70000], 0); /* the pages are gone; reading is not fatal */
    strcpy(v + 70000, "again");
    ck_assert_str_eq(v + 70000, "again");
    ck_assert(UnmapViewOfFile(v));
    ck_assert(CloseHandle(s));
    /* A SIGBUS elsewhere is still fatal (the guard forwards what is not
     * its own). */
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGBUS);
        _exit(0);
    }
    int ws;
    waitpid(pid, &ws, 0);
    ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGBUS);
}
END_TEST

START_TEST(test_section)
{
    struct sa_buf b;
    SetLastError(0xdeadbeef);
    HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, sa_null_dacl(&b), PAGE_READWRITE, 0,
                                  200000, "cell_sec");
    ck_assert_ptr_nonnull(s);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert_int_eq(cells_in_dir(), 1);
    char *v = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    strcpy(v, "granted");
    strcpy(v + 65536, "second");
    /* Another process maps it by name and sees the bytes. */
    pid_t pid = fork();
    if (pid == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_READ, FALSE, "cell_sec");
        char *r = o ? MapViewOfFile(o, FILE_MAP_READ, 0, 65536, 100) : NULL;
        _exit(r && !strcmp(r, "second") ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* Create of the name again: the same section, its size kept. */
    SetLastError(0xdeadbeef);
    HANDLE again = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 10, "cell_sec");
    ck_assert_ptr_nonnull(again);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    char *w = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w, "granted");
    ASSERT_FAILS(MapViewOfFile(again, FILE_MAP_READ, 0, 0, 200001), ERROR_ACCESS_DENIED);
    ck_assert(UnmapViewOfFile(w));
    ck_assert(UnmapViewOfFile(v));
    CloseHandle(again);
    ASSERT_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "cell_sec"), ERROR_INVALID_HANDLE);
    CloseHandle(s);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

static VOID CALLBACK count_routine(LPVOID arg, DWORD lo, DWORD hi)
{
    (void)lo;
    (void)hi;
    ++*(int *)arg;
}

START_TEST(test_timer)
{
    struct sa_buf b;
    HANDLE t = CreateWaitableTimerA(sa_null_dacl(&b), FALSE, "cell_timer");
    ck_assert_msg(t != NULL, "CreateWaitableTimerA: %lu", (unsigned long)GetLastError());
    ck_assert_int_eq(cells_in_dir(), 1);
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    LARGE_INTEGER due = {.QuadPart = -10000}; /* 1 ms */
    int calls = 0;
    ck_assert(SetWaitableTimer(t, &due, 0, count_routine, &calls, FALSE));
    ASSERT_WAIT(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_TIMEOUT); /* synchronization: consumed */
    ASSERT_WAIT(SleepEx(60000, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(calls, 1);

    /* Another process's Set supersedes ours (a minute away) and its arming
     * signals the timer for us. */
    due.QuadPart = -600000000LL;
    ck_assert(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
#if !defined(__SANITIZE_THREAD__) /* TSan refuses threads (the child's timer thread) after fork */
    int up[2], down[2];
    ck_assert(pipe(up) == 0 && pipe(down) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        HANDLE c = OpenWaitableTimerA(TIMER_MODIFY_STATE, FALSE, "cell_timer");
        LARGE_INTEGER soon = {.QuadPart = -10000};
        char x = c && SetWaitableTimer(c, &soon, 0, NULL, NULL, FALSE) ? 'x' : 'n';
        if (write(up[1], &x, 1) != 1 || read(down[0], &x, 1) != 1) /* until the parent saw it */
            _exit(2);
        _exit(x == 'k' ? 0 : 1);
    }
    close(up[1]); /* a child that dies early gives end of file */
    close(down[0]);
    char x;
    ck_assert(read(up[0], &x, 1) == 1 && x == 'x');
    ASSERT_WAIT(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    x = 'k';
    ck_assert(write(down[1], &x, 1) == 1);
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
#endif

    /* A manual-reset timer in a wait-any with a session event. */
    HANDLE m = CreateWaitableTimerA(sa_null_dacl(&b), TRUE, "cell_mtimer");
    HANDLE h[2] = {CreateEventA(NULL, FALSE, FALSE, NULL), m};
    due.QuadPart = -10000;
    ck_assert(SetWaitableTimer(m, &due, 0, NULL, NULL, FALSE));
    ASSERT_WAIT(WaitForMultipleObjects(2, h, FALSE, 60000), WAIT_OBJECT_0 + 1);
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* notification: stays */
    ck_assert(CancelWaitableTimer(m));
    ASSERT_WAIT(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* Cancel leaves the state */
    ASSERT_FAILS(CreateEventA(NULL, FALSE, FALSE, "cell_mtimer"), ERROR_INVALID_HANDLE);
    CloseHandle(h[0]);
    CloseHandle(m);
    CloseHandle(t);
    ck_assert_int_eq(cells_in_dir(), 0);
}
END_TEST

START_TEST(test_scribbled)
{
    /* Anyone a DACL lets write can scribble over the file: that gives odd
     * states, never a crash (nothing in the file is followed as a pointer,
     * and the kind is the one checked at open). */
    struct sa_buf b;
    HANDLE m = CreateMutexA(sa_null_dacl(&b), FALSE, "cell_scribble_m");
    HANDLE e = CreateEventA(sa_null_dacl(&b), FALSE, TRUE, "cell_scribble_e");
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(e);
    DIR *d = opendir(grant_dir);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[600];
        snprintf(p, sizeof p, "%s/%s", grant_dir, de->d_name);
        int fd = open(p, O_RDWR);
        ck_assert_int_ge(fd, 0);
        static char junk[65536];
        memset(junk, 0xa5, sizeof junk);
        ck_assert(pwrite(fd, junk, sizeof junk, 0) == (ssize_t)sizeof junk);
        close(fd);
    }
    closedir(d);
    DWORD r = WaitForSingleObject(m, 0);
    ck_assert(r == WAIT_OBJECT_0 || r == WAIT_ABANDONED_0 || r == WAIT_TIMEOUT);
    (void)ReleaseMutex(m);
    r = WaitForSingleObject(e, 0);
    ck_assert(r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT);
    ck_assert(SetEvent(e));
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    /* A new open reads the header again: it is not a cell any more. */
    ASSERT_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, "cell_scribble_x"), ERROR_FILE_NOT_FOUND);
    CloseHandle(m);
    CloseHandle(e);
}
END_TEST

START_TEST(test_pipe_granted)
{
    /* A client's lookup of a name nobody made leaves no shared base
     * behind (it is made by the first granted pipe). */
    struct stat st;
    ck_assert_int_eq(stat(pipe_dir, &st), -1);
    ASSERT_FAILS(CreateFileA("\\\\.\\pipe\\nobody_made", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                             NULL) != INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CreateFileA("\\\\.\\mailslot\\nobody_made", GENERIC_WRITE, FILE_SHARE_READ, NULL,
                             OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    ck_assert_int_eq(stat(pipe_dir, &st), -1);

    /* A pipe whose DACL lets others in lives in the shared base; the
     * user's own clients find it there too. */
    struct sa_buf b;
    HANDLE srv = CreateNamedPipeA("\\\\.\\pipe\\cellpipe", PIPE_ACCESS_DUPLEX,
                                  PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 2, 512, 512, 0,
                                  sa_null_dacl(&b));
    ck_assert_ptr_ne(srv, INVALID_HANDLE_VALUE);
    char path[256];
    snprintf(path, sizeof path, "%s/pipe/CELLPIPE", pipe_dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0711);
    snprintf(path, sizeof path, "%s/pipe/CELLPIPE/i0", pipe_dir);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07, 06); /* everyone may connect */
    HANDLE cli = CreateFileA("\\\\.\\pipe\\cellpipe", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                             OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(cli, INVALID_HANDLE_VALUE);
    ck_assert(ConnectNamedPipe(srv, NULL) || GetLastError() == ERROR_PIPE_CONNECTED);
    DWORD n = 0;
    ck_assert(WriteFile(cli, "hello", 5, &n, NULL) && n == 5);
    char buf[16] = {0};
    ck_assert(ReadFile(srv, buf, sizeof buf, &n, NULL) && n == 5);
    ck_assert_str_eq(buf, "hello");
    ck_assert(WaitNamedPipeA("\\\\.\\pipe\\cellpipe", 0) ||
              GetLastError() == ERROR_SEM_TIMEOUT);
    /* A second instance by the same user, with the same grant. */
    HANDLE srv2 = CreateNamedPipeA("\\\\.\\pipe\\cellpipe", PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 2, 512, 512, 0,
                                   sa_null_dacl(&b));
    ck_assert_ptr_ne(srv2, INVALID_HANDLE_VALUE);
    CloseHandle(srv2);
    CloseHandle(cli);
    CloseHandle(srv);
    snprintf(path, sizeof path, "%s/pipe/CELLPIPE", pipe_dir);
    ck_assert_int_eq(stat(path, &st), -1); /* the last instance took the name */
    ASSERT_FAILS(CreateFileA("\\\\.\\pipe\\cellpipe", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                             NULL) != INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(test_mailslot_granted)
{
    struct sa_buf b;
    HANDLE r = CreateMailslotA("\\\\.\\mailslot\\cellslot", 0, 0, sa_null_dacl(&b));
    ck_assert_ptr_ne(r, INVALID_HANDLE_VALUE);
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/mailslot/CELLSLOT", pipe_dir);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07, 06);
    ASSERT_FAILS(CreateMailslotA("\\\\.\\mailslot\\cellslot", 0, 0, sa_null_dacl(&b)) !=
                     INVALID_HANDLE_VALUE,
                 ERROR_ALREADY_EXISTS);
    HANDLE w = CreateFileA("\\\\.\\mailslot\\cellslot", GENERIC_WRITE, FILE_SHARE_READ, NULL,
                           OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(w, INVALID_HANDLE_VALUE);
    DWORD n;
    ck_assert(WriteFile(w, "slot", 4, &n, NULL) && n == 4);
    char buf[16] = {0};
    ck_assert(ReadFile(r, buf, sizeof buf, &n, NULL) && n == 4);
    ck_assert_str_eq(buf, "slot");
    CloseHandle(w);
    CloseHandle(r);
    ck_assert_int_eq(lstat(path, &st), -1);
}
END_TEST

/* ---- two users (as root) ---- */

/* Removes what a test left in the grant directory (a truncated or
 * refused cell is not removed by its owner). */
static void clean_dir_files(void)
{
    DIR *d = opendir(grant_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

/* Runs scenario `what` in a child that is user OTHER_UID; its exit code. */
static int as_other(const char *what)
{
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        execl(self_exe, self_exe, "--as-other", what, other_home, (char *)NULL);
        _exit(120);
    }
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define NEED_ROOT()                                                          \
    do {                                                                     \
        if (geteuid() != 0) {                                                \
            fprintf(stderr, "skipped: two-user tests need root\n");          \
            return;                                                          \
        }                                                                    \
    } while (0)

START_TEST(test_two_users_fifo)
{
    NEED_ROOT();
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_fifo");
    ck_assert_ptr_nonnull(e);
    static char path[256];
    struct stat st;
    only_cell(path, sizeof path, &st);
    CloseHandle(e);
    ck_assert_int_eq(cells_in_dir(), 0);
    mkdir(grant_dir, 0700); /* the last cell took it with it */
    ck_assert_int_eq(chmod(grant_dir, 01777), 0);
    ck_assert_int_eq(mkfifo(path, 0644), 0);
    ck_assert_int_eq(as_other("fifo"), 0);
    unlink(path);
}
END_TEST

START_TEST(test_two_users_world)
{
    NEED_ROOT();
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_world");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(as_other("open-set"), 0);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(e);

    /* Not granted: the other user does not see it at all. */
    HANDLE p = CreateEventA(NULL, TRUE, FALSE, "u_world");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(as_other("not-found"), 0);
    CloseHandle(p);
}
END_TEST

START_TEST(test_two_users_explicit)
{
    NEED_ROOT();
    struct sa_buf b;
    /* Granted to a third user only: the other user's open fails in the
     * kernel (the child also tries the file itself). */
    struct ace third = {.who = GRANT_USER, .id = THIRD_UID, .mask = EVENT_ALL_ACCESS};
    HANDLE e = CreateEventA(sa_aces(&b, 1, &third), TRUE, FALSE, "u_world");
    ck_assert_ptr_nonnull(e);
    char path[512];
    struct stat st;
    only_cell(path, sizeof path, &st);
    ck_assert_uint_eq(st.st_mode & 07, 0);
    setenv("CELL_PATH", path, 1);
    ck_assert_int_eq(as_other("denied"), 0);
    CloseHandle(e);

    /* Granted to the other user: it opens and sets it. */
    /* (SDDL: SY and EM are not two-letter rights; the mask in hex.) */
    e = CreateEventA(sa_sddl(&b, "D:(A;;0x100002;;;S-1-22-1-65534)"), TRUE, FALSE, "u_world");
    sa_free(&b);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(as_other("open-set"), 0);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(e);

    /* Granted to wait only: the other user may not set it. */
    struct ace sync = {.who = GRANT_USER, .id = OTHER_UID, .mask = SYNCHRONIZE};
    e = CreateEventA(sa_aces(&b, 1, &sync), TRUE, TRUE, "u_world");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(as_other("wait-only"), 0);
    CloseHandle(e);
}
END_TEST

START_TEST(test_two_users_section)
{
    NEED_ROOT();
    struct sa_buf b;
    struct ace ro = {.who = GRANT_USER, .id = OTHER_UID, .mask = FILE_MAP_READ};
    HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, sa_aces(&b, 1, &ro), PAGE_READWRITE, 0,
                                  4096, "u_section");
    ck_assert_ptr_nonnull(s);
    char *v = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
    strcpy(v, "for you to read");
    ck_assert_int_eq(as_other("section-read"), 0);
    ck_assert_str_eq(v, "for you to read"); /* it could not write */
    UnmapViewOfFile(v);
    CloseHandle(s);
}
END_TEST

START_TEST(test_two_users_pipe)
{
    NEED_ROOT();
    struct sa_buf b;
    /* Granted to everyone: the other user connects and writes. */
    HANDLE srv = CreateNamedPipeA("\\\\.\\pipe\\upipe", PIPE_ACCESS_INBOUND, PIPE_TYPE_MESSAGE,
                                  1, 512, 512, 0, sa_sddl(&b, "D:(A;;GA;;;WD)"));
    sa_free(&b);
    ck_assert_ptr_ne(srv, INVALID_HANDLE_VALUE);
    ck_assert_int_eq(as_other("pipe-write"), 0);
    /* The client came, wrote and went: as on Windows the connect says so
     * (ERROR_NO_DATA), and what it wrote is there to read. */
    SetLastError(0xdeadbeef);
    BOOL ok = ConnectNamedPipe(srv, NULL);
    ck_assert_msg(ok || GetLastError() == ERROR_PIPE_CONNECTED || GetLastError() == ERROR_NO_DATA,
                  "ConnectNamedPipe: %lu", (unsigned long)GetLastError());
    char buf[32] = {0};
    DWORD n = 0;
    ck_assert(ReadFile(srv, buf, sizeof buf, &n, NULL));
    ck_assert_str_eq(buf, "from nobody");
    CloseHandle(srv);

    /* Granted to a third user only: the kernel keeps the other out. */
    struct ace third = {.who = GRANT_USER, .id = THIRD_UID, .mask = GENERIC_ALL};
    srv = CreateNamedPipeA("\\\\.\\pipe\\upipe", PIPE_ACCESS_INBOUND, PIPE_TYPE_MESSAGE, 1,
                           512, 512, 0, sa_aces(&b, 1, &third));
    ck_assert_ptr_ne(srv, INVALID_HANDLE_VALUE);
    ck_assert_int_eq(as_other("pipe-denied"), 0);
    CloseHandle(srv);

    /* Not granted: another user's own pipe of that name is not found. */
    srv = CreateNamedPipeA("\\\\.\\pipe\\upipe", PIPE_ACCESS_INBOUND, PIPE_TYPE_MESSAGE, 1,
                           512, 512, 0, NULL);
    ck_assert_ptr_ne(srv, INVALID_HANDLE_VALUE);
    ck_assert_int_eq(as_other("pipe-not-found"), 0);
    CloseHandle(srv);
}
END_TEST

START_TEST(test_two_users_mailslot)
{
    NEED_ROOT();
    struct sa_buf b;
    HANDLE r = CreateMailslotA("\\\\.\\mailslot\\uslot", 0, 0, sa_null_dacl(&b));
    ck_assert_ptr_ne(r, INVALID_HANDLE_VALUE);
    ck_assert_int_eq(as_other("slot-write"), 0);
    char buf[32] = {0};
    DWORD n;
    ck_assert(ReadFile(r, buf, sizeof buf, &n, NULL));
    ck_assert_str_eq(buf, "from nobody");
    CloseHandle(r);
    /* Granted to a third user only. */
    struct ace third = {.who = GRANT_USER, .id = THIRD_UID, .mask = GENERIC_ALL};
    r = CreateMailslotA("\\\\.\\mailslot\\uslot", 0, 0, sa_aces(&b, 1, &third));
    ck_assert_ptr_ne(r, INVALID_HANDLE_VALUE);
    ck_assert_int_eq(as_other("slot-denied"), 0);
    CloseHandle(r);
}
END_TEST

START_TEST(test_two_users_abandon)
{
    NEED_ROOT();
    /* The other user takes a mutex made for everyone and dies owning it. */
    struct sa_buf b;
    HANDLE m = CreateMutexA(sa_null_dacl(&b), FALSE, "u_mutex");
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(as_other("own-and-die"), 128 + SIGKILL);
    ASSERT_WAIT(WaitForSingleObject(m, 60000), WAIT_ABANDONED_0);
    ck_assert(ReleaseMutex(m));
    CloseHandle(m);
}
END_TEST

/* ---- issue 18: a grantee can neither crash nor block the owner ---- */

/* The owner's side of the truncation test, in a child of its own so that a
 * SIGBUS shows as its death, not the suite's: it makes a granted event and
 * a granted mutex, says where their files are (through `to`), waits for
 * the grantee's truncation (a byte on `from`), then uses both objects. */
static int owner_after_truncate(int to, int from)
{
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_trunc_e");
    HANDLE m = CreateMutexA(sa_null_dacl(&b), FALSE, "u_trunc_m");
    if (!e || !m)
        return 1;
    if (write(to, "r", 1) != 1)
        return 2;
    char c;
    if (read(from, &c, 1) != 1)
        return 3;
    /* Whatever these return (a truncated cell may read as anything, or
     * be refused), none of them may kill the process. */
    (void)SetEvent(e);
    (void)WaitForSingleObject(e, 0);
    (void)ResetEvent(e);
    (void)PulseEvent(e);
    if (WaitForSingleObject(m, 0) == WAIT_OBJECT_0)
        (void)ReleaseMutex(m);
    HANDLE both[2] = {e, m};
    (void)WaitForMultipleObjects(2, both, FALSE, 0);
    HANDLE again = OpenEventA(SYNCHRONIZE, FALSE, "u_trunc_e");
    if (again)
        CloseHandle(again);
    (void)CloseHandle(e);
    (void)CloseHandle(m);
    return 0;
}

/* Issue 18, D2: a user granted an object (here: anyone, NULL DACL, so the
 * file is writable by all) truncates its file; the owner must not die of
 * SIGBUS on its next use.  Fails until D2 is fixed. */
START_TEST(test_two_users_truncate_D2)
{
    NEED_ROOT();
    clean_dir_files(); /* what an earlier failed test left */
    int to[2], from[2];
    ck_assert(pipe(to) == 0 && pipe(from) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        close(to[0]);
        close(from[1]);
        _exit(owner_after_truncate(to[1], from[0]));
    }
    close(to[1]);
    close(from[0]);
    char c;
    ck_assert_int_eq(read(to[0], &c, 1), 1);
    /* Every cell file there is the owner's two: the grantee truncates both. */
    DIR *d = opendir(grant_dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", grant_dir, de->d_name);
        setenv("CELL_PATH", path, 1);
        ck_assert_int_eq(as_other("truncate"), 0);
        n++;
    }
    closedir(d);
    unsetenv("CELL_PATH");
    ck_assert_int_eq(n, 2);
    ck_assert(write(from[1], "g", 1) == 1);
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    close(to[0]);
    close(from[1]);
    clean_dir_files();
    ck_assert_msg(!WIFSIGNALED(st),
                  "D2: the owner died of signal %d (%s) using objects whose files a grantee "
                  "truncated",
                  WTERMSIG(st), strsignal(WTERMSIG(st)));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* Issue 18, D3 across users: another user (not a second process of the
 * owner, as in test_locked_cell) holds an exclusive flock on a granted
 * object's file once the owner has closed it; the owner's Open and Create
 * of the name come back (refused), they do not block. */
START_TEST(test_two_users_flock_D3)
{
    NEED_ROOT();
    clean_dir_files(); /* what an earlier failed test left */
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_flock");
    ck_assert_ptr_nonnull(e);
    static char path[256];
    struct stat st;
    only_cell(path, sizeof path, &st);
    int to[2], from[2];
    ck_assert(pipe(to) == 0 && pipe(from) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[1]);
        close(from[0]);
        if (setgroups(0, NULL) || setresgid(OTHER_UID, OTHER_UID, OTHER_UID) ||
            setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
            _exit(110);
        _exit(child_locks_cell(path));
    }
    close(to[0]);
    close(from[1]);
    char line[4];
    ck_assert_int_eq(read(from[0], line, 2), 2); /* it holds a shared lock */
    CloseHandle(e);
    ck_assert(write(to[1], "c", 1) == 1);
    ck_assert_int_eq(read(from[0], line, 2), 2); /* now exclusively */
    alarm(60); /* a block here is the defect: die rather than hang the suite */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenEventA(SYNCHRONIZE, FALSE, "u_flock"));
    ck_assert_uint_ne(GetLastError(), 0);
    SetLastError(0xdeadbeef);
    HANDLE c = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_flock");
    ck_assert_msg(c || GetLastError() != 0, "CreateEvent failed with last error 0");
    if (c)
        CloseHandle(c);
    /* An unrelated name still works meanwhile (no lock left held). */
    HANDLE other = CreateEventA(NULL, TRUE, FALSE, "u_flock_unrelated");
    ck_assert_ptr_nonnull(other);
    CloseHandle(other);
    alarm(0);
    close(to[1]);
    int ws;
    ck_assert(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    close(from[0]);
    clean_dir_files();
}
END_TEST

/* Issue 18, D4 the other way round: the other user plants a FIFO at the
 * path of a name the owner then creates and opens; neither blocks. */
START_TEST(test_two_users_planted_fifo_D4)
{
    NEED_ROOT();
    clean_dir_files(); /* what an earlier failed test left */
    struct sa_buf b;
    HANDLE e = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_fifo_planted");
    ck_assert_ptr_nonnull(e);
    static char path[256];
    struct stat st;
    only_cell(path, sizeof path, &st);
    CloseHandle(e);
    ck_assert_int_eq(cells_in_dir(), 0);
    mkdir(grant_dir, 0700); /* the last cell took it with it */
    ck_assert_int_eq(chmod(grant_dir, 01777), 0);
    setenv("CELL_PATH", path, 1);
    ck_assert_int_eq(as_other("plant-fifo"), 0);
    unsetenv("CELL_PATH");
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode) && st.st_uid == OTHER_UID);
    alarm(60);
    SetLastError(0xdeadbeef);
    HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, "u_fifo_planted");
    ck_assert_msg(o || GetLastError() != 0, "OpenEvent failed with last error 0");
    if (o)
        CloseHandle(o);
    SetLastError(0xdeadbeef);
    HANDLE c = CreateEventA(sa_null_dacl(&b), TRUE, FALSE, "u_fifo_planted");
    ck_assert_msg(c || GetLastError() != 0, "CreateEvent failed with last error 0");
    if (c)
        CloseHandle(c);
    alarm(0);
    unlink(path);
    clean_dir_files();
}
END_TEST

/* Issue 18, D5, more of it: a duplicate asking for rights the source
 * handle lacks is granted exactly when the DACL gives them to the caller;
 * DUPLICATE_SAME_ACCESS copies, GENERIC_ALL is mapped and checked. */
START_TEST(test_two_users_dup_rights_D5)
{
    NEED_ROOT();
    struct sa_buf b;
    struct ace a = {.who = GRANT_USER, .id = OTHER_UID, .mask = SYNCHRONIZE | EVENT_MODIFY_STATE};
    HANDLE e = CreateEventA(sa_aces(&b, 1, &a), TRUE, FALSE, "u_dup");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(as_other("dup-rights"), 0);
    ASSERT_WAIT(WaitForSingleObject(e, 0), WAIT_OBJECT_0); /* it set it through the dup */
    CloseHandle(e);
}
END_TEST

/* The child's side: becomes OTHER_UID before its first winshim call, with
 * no shared session of its own. */
static int other_main(const char *what)
{
    if (setgroups(0, NULL) || setresgid(OTHER_UID, OTHER_UID, OTHER_UID) ||
        setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
        return 110;
    setenv("WINSHIM_SHM_DIR", "", 1);
    setenv("WINSHIM_PIPE_DIR", other_home, 1);
    if (!strcmp(what, "open-set")) {
        HANDLE e = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, "u_world");
        return e && SetEvent(e) ? 0 : 10;
    }
    if (!strcmp(what, "not-found")) {
        SetLastError(0xdeadbeef);
        HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, "u_world");
        return !e && GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : 11;
    }
    if (!strcmp(what, "fifo")) {
        /* The open of a FIFO planted at the cell's path (readable only)
         * used to block for ever, with the namespace lock held. */
        alarm(20);
        SetLastError(0xdeadbeef);
        HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, "u_fifo");
        return !e && GetLastError() == ERROR_INVALID_HANDLE ? 0 : 17;
    }
    if (!strcmp(what, "denied")) {
        const char *path = getenv("CELL_PATH");
        if (!path || open(path, O_RDONLY) >= 0 || errno != EACCES)
            return 12; /* the kernel itself refuses */
        SetLastError(0xdeadbeef);
        HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, "u_world");
        if (e || GetLastError() != ERROR_ACCESS_DENIED)
            return 13;
        SetLastError(0xdeadbeef);
        e = CreateEventA(NULL, TRUE, FALSE, "u_world"); /* the name is taken */
        return !e && GetLastError() == ERROR_ACCESS_DENIED ? 0 : 14;
    }
    if (!strcmp(what, "wait-only")) {
        SetLastError(0xdeadbeef);
        HANDLE e = OpenEventA(EVENT_MODIFY_STATE, FALSE, "u_world");
        if (e || GetLastError() != ERROR_ACCESS_DENIED)
            return 15;
        e = OpenEventA(SYNCHRONIZE, FALSE, "u_world");
        if (!e || WaitForSingleObject(e, 0) != WAIT_OBJECT_0)
            return 16;
        /* A duplicate asking for more than the source has is checked
         * against the DACL (it used to become EVENT_ALL_ACCESS). */
        HANDLE d = NULL;
        SetLastError(0xdeadbeef);
        if (DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d,
                            EVENT_MODIFY_STATE, FALSE, 0) ||
            GetLastError() != ERROR_ACCESS_DENIED)
            return 18;
        if (!DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, SYNCHRONIZE,
                             FALSE, 0))
            return 19;
        return 0;
    }
    if (!strcmp(what, "section-read")) {
        SetLastError(0xdeadbeef);
        HANDLE s = OpenFileMappingA(FILE_MAP_WRITE, FALSE, "u_section");
        if (s || GetLastError() != ERROR_ACCESS_DENIED)
            return 20;
        s = OpenFileMappingA(FILE_MAP_READ, FALSE, "u_section");
        char *r = s ? MapViewOfFile(s, FILE_MAP_READ, 0, 0, 0) : NULL;
        if (!r || strcmp(r, "for you to read"))
            return 21;
        SetLastError(0xdeadbeef);
        return !MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0) && GetLastError() == ERROR_ACCESS_DENIED
                   ? 0
                   : 22;
    }
    if (!strcmp(what, "pipe-write")) {
        HANDLE c = CreateFileA("\\\\.\\pipe\\upipe", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        DWORD n;
        return c != INVALID_HANDLE_VALUE && WriteFile(c, "from nobody", 11, &n, NULL) ? 0 : 30;
    }
    if (!strcmp(what, "pipe-denied") || !strcmp(what, "pipe-not-found")) {
        SetLastError(0xdeadbeef);
        HANDLE c = CreateFileA("\\\\.\\pipe\\upipe", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        DWORD want = what[5] == 'd' ? ERROR_ACCESS_DENIED : ERROR_FILE_NOT_FOUND;
        return c == INVALID_HANDLE_VALUE && GetLastError() == want ? 0 : 31;
    }
    if (!strcmp(what, "slot-write")) {
        HANDLE w = CreateFileA("\\\\.\\mailslot\\uslot", GENERIC_WRITE, FILE_SHARE_READ, NULL,
                               OPEN_EXISTING, 0, NULL);
        DWORD n;
        return w != INVALID_HANDLE_VALUE && WriteFile(w, "from nobody", 11, &n, NULL) ? 0 : 40;
    }
    if (!strcmp(what, "slot-denied")) {
        SetLastError(0xdeadbeef);
        HANDLE w = CreateFileA("\\\\.\\mailslot\\uslot", GENERIC_WRITE, FILE_SHARE_READ, NULL,
                               OPEN_EXISTING, 0, NULL);
        return w == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED ? 0 : 41;
    }
    if (!strcmp(what, "truncate")) {
        const char *path = getenv("CELL_PATH");
        int fd = path ? open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK) : -1;
        return fd >= 0 && ftruncate(fd, 0) == 0 ? 0 : 50;
    }
    if (!strcmp(what, "plant-fifo")) {
        const char *path = getenv("CELL_PATH");
        return path && mkfifo(path, 0644) == 0 ? 0 : 51;
    }
    if (!strcmp(what, "dup-rights")) {
        HANDLE e = OpenEventA(SYNCHRONIZE, FALSE, "u_dup");
        if (!e)
            return 52;
        HANDLE d = NULL;
        /* Beyond the DACL: refused, also through a generic right. */
        SetLastError(0xdeadbeef);
        if (DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, EVENT_ALL_ACCESS,
                            FALSE, 0) ||
            GetLastError() != ERROR_ACCESS_DENIED)
            return 53;
        SetLastError(0xdeadbeef);
        if (DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, GENERIC_ALL, FALSE,
                            0) ||
            GetLastError() != ERROR_ACCESS_DENIED)
            return 54;
        /* The same access: granted, and still only SYNCHRONIZE. */
        if (!DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE,
                             DUPLICATE_SAME_ACCESS))
            return 55;
        SetLastError(0xdeadbeef);
        if (SetEvent(d) || GetLastError() != ERROR_ACCESS_DENIED)
            return 56;
        CloseHandle(d);
        /* Within the DACL: granted although the source lacks it. */
        if (!DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d,
                             EVENT_MODIFY_STATE, FALSE, 0))
            return 57;
        return SetEvent(d) ? 0 : 58;
    }
    if (!strcmp(what, "own-and-die")) {
        HANDLE m = OpenMutexA(SYNCHRONIZE, FALSE, "u_mutex");
        if (!m || WaitForSingleObject(m, 0) != WAIT_OBJECT_0)
            return 17;
        raise(SIGKILL);
    }
    return 119;
}

static Suite *cell_suite(void)
{
    Suite *s = suite_create("cell");
    TCase *tc = tcase_create("one user");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_event_basic);
    tcase_add_test(tc, test_event_auto);
    tcase_add_test(tc, test_event_pulse);
    tcase_add_test(tc, test_semaphore);
    tcase_add_test(tc, test_mutex);
    tcase_add_test(tc, test_mutex_killed_owner);
    tcase_add_test(tc, test_wait_mixed);
    tcase_add_test(tc, test_wait_blocks_until_set);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_access_from_dacl);
    tcase_add_test(tc, test_sddl_and_errors);
    tcase_add_test(tc, test_other_process);
    tcase_add_test(tc, test_grant_seen_at_once);
    tcase_add_test(tc, test_grant_watch_fd_closed_by_program);
    tcase_add_test(tc, test_grant_watch_fd_dup2_over);
    tcase_add_test(tc, test_pending_swept);
    tcase_add_test(tc, test_stale_file);
    tcase_add_test(tc, test_last_member_exit);
    tcase_add_test(tc, test_locked_cell);
    tcase_add_test(tc, test_duplicated);
    tcase_add_test(tc, test_section);
    tcase_add_test(tc, test_truncated_by_grantee);
    tcase_add_test(tc, test_timer);
    tcase_add_test(tc, test_scribbled);
    tcase_add_test(tc, test_pipe_granted);
    tcase_add_test(tc, test_mailslot_granted);
    suite_add_tcase(s, tc);
    tc = tcase_create("two users");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_two_users_world);
    tcase_add_test(tc, test_two_users_fifo);
    tcase_add_test(tc, test_two_users_explicit);
    tcase_add_test(tc, test_two_users_section);
    tcase_add_test(tc, test_two_users_pipe);
    tcase_add_test(tc, test_two_users_mailslot);
    tcase_add_test(tc, test_two_users_abandon);
    tcase_add_test(tc, test_two_users_truncate_D2);
    tcase_add_test(tc, test_two_users_flock_D3);
    tcase_add_test(tc, test_two_users_planted_fifo_D4);
    tcase_add_test(tc, test_two_users_dup_rights_D5);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0)
        exe[n] = 0;
    self_exe = exe;
    if (argc == 3 && !strcmp(argv[1], "--private"))
        return private_main(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "--as-other")) {
        snprintf(other_home, sizeof other_home, "%s", argv[3]);
        return other_main(argv[2]);
    }
    snprintf(grant_dir, sizeof grant_dir, "/dev/shm/winshim-test-grants-%d", (int)getpid());
    if (mkdir(grant_dir, 0700) || chmod(grant_dir, 01777)) {
        perror(grant_dir);
        return EXIT_FAILURE;
    }
    setenv("WINSHIM_GRANT_DIR", grant_dir, 1);
    snprintf(pipe_dir, sizeof pipe_dir, "/tmp/winshim-test-pipes-%d", (int)getpid());
    setenv("WINSHIM_PIPE_SHARED_DIR", pipe_dir, 1);
    snprintf(other_home, sizeof other_home, "/tmp/winshim-test-other-%d", (int)getpid());
    if (mkdir(other_home, 0700) || (geteuid() == 0 && chown(other_home, OTHER_UID, OTHER_UID))) {
        perror(other_home);
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(cell_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_flat_dir(grant_dir);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", pipe_dir, other_home);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s and %s\n", pipe_dir, other_home);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
