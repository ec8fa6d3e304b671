/* Memory resource notifications (lib/sys/memnotify.c). */
#include "testutil.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MB (1024ull * 1024)

/* The expectation from /proc/meminfo, by the rule memnotify.c documents;
 * false when it cannot be made (a memory cgroup with a limit around this
 * process also counts there). */
static bool expected_states(BOOL *low, BOOL *high)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        char *c2 = strchr(line, ':');
        c2 = c2 ? strchr(c2 + 1, ':') : NULL;
        if (!c2)
            continue;
        char path[4200];
        unsigned long long limit;
        line[strcspn(line, "\n")] = 0;
        const char *files[] = {"/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
                               "/sys/fs/cgroup%s/memory.max",
                               "/sys/fs/cgroup/unified%s/memory.max"};
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, files[i], c2 + 1);
            FILE *l = fopen(path, "r");
            if (l && fscanf(l, "%llu", &limit) == 1 && limit < (1ull << 62)) {
                printf("memnotify: this process's cgroup has a memory limit (%s): "
                       "state not compared with /proc/meminfo\n", path);
                fclose(l);
                fclose(f);
                return false;
            }
            if (l)
                fclose(l);
        }
    }
    if (f)
        fclose(f);
    unsigned long long total = 0, avail = 0, kb;
    f = fopen("/proc/meminfo", "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
            total = kb * 1024;
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            avail = kb * 1024;
    }
    fclose(f);
    unsigned long long lowlvl = 32 * MB * (total / MB) / 4096;
    if (lowlvl > 64 * MB)
        lowlvl = 64 * MB;
    /* Too close to a level to be sure between two readings. */
    if ((avail > lowlvl / 2 && avail < lowlvl * 2) ||
        (avail > 3 * lowlvl / 2 && avail < 6 * lowlvl)) {
        printf("memnotify: available memory %llu near a level: not compared\n", avail);
        return false;
    }
    *low = avail < lowlvl;
    *high = avail >= 3 * lowlvl;
    return true;
}

START_TEST(test_state)
{
    HANDLE low = CreateMemoryResourceNotification(LowMemoryResourceNotification);
    HANDLE high = CreateMemoryResourceNotification(HighMemoryResourceNotification);
    ck_assert_ptr_nonnull(low);
    ck_assert_ptr_nonnull(high);
    BOOL ls = 7, hs = 7;
    ck_assert(QueryMemoryResourceNotification(low, &ls));
    ck_assert(QueryMemoryResourceNotification(high, &hs));
    ck_assert(ls == TRUE || ls == FALSE);
    ck_assert(hs == TRUE || hs == FALSE);
    ck_assert(!(ls && hs)); /* never both */
    BOOL el, eh;
    if (expected_states(&el, &eh)) {
        ck_assert_int_eq(ls, el);
        ck_assert_int_eq(hs, eh);
    }
    /* Waits agree with the query and do not change the state. */
    for (int i = 0; i < 2; i++) {
        ASSERT_WAIT(WaitForSingleObject(low, 0), ls ? WAIT_OBJECT_0 : WAIT_TIMEOUT);
        ASSERT_WAIT(WaitForSingleObject(high, 0), hs ? WAIT_OBJECT_0 : WAIT_TIMEOUT);
    }
    HANDLE both[2] = {low, high};
    if (ls || hs)
        ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 0),
                    ls ? WAIT_OBJECT_0 : WAIT_OBJECT_0 + 1);
    else
        ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_TIMEOUT);
    ck_assert(CloseHandle(low));
    ck_assert(CloseHandle(high));
}
END_TEST

START_TEST(test_errors)
{
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateMemoryResourceNotification((MEMORY_RESOURCE_NOTIFICATION_TYPE)2));
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateMemoryResourceNotification((MEMORY_RESOURCE_NOTIFICATION_TYPE)-1));
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);

    BOOL st = 7;
    HANDLE ev = CreateEventA(NULL, TRUE, TRUE, NULL);
    ASSERT_FAILS(QueryMemoryResourceNotification(ev, &st), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(QueryMemoryResourceNotification(NULL, &st), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(QueryMemoryResourceNotification(INVALID_HANDLE_VALUE, &st),
                 ERROR_INVALID_HANDLE);
    ck_assert_int_eq(st, 7);
    CloseHandle(ev);

    HANDLE h = CreateMemoryResourceNotification(HighMemoryResourceNotification);
    ck_assert_ptr_nonnull(h);
    ASSERT_FAILS(QueryMemoryResourceNotification(h, NULL), ERROR_INVALID_PARAMETER);
    /* Not an event to the event functions. */
    ASSERT_FAILS(SetEvent(h), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ResetEvent(h), ERROR_INVALID_HANDLE);
    /* A duplicate queries the same object. */
    HANDLE d = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(QueryMemoryResourceNotification(d, &st));
    ck_assert(CloseHandle(h));
    ck_assert(CloseHandle(d));
    ASSERT_FAILS(CloseHandle(d), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(QueryMemoryResourceNotification(h, &st), ERROR_INVALID_HANDLE);
}
END_TEST

/* Many objects made and closed while the watcher runs. */
START_TEST(test_churn)
{
    for (int i = 0; i < 200; i++) {
        HANDLE h = CreateMemoryResourceNotification(i & 1 ? HighMemoryResourceNotification
                                                          : LowMemoryResourceNotification);
        ck_assert_ptr_nonnull(h);
        DWORD r = WaitForSingleObject(h, 0);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT);
        ck_assert(CloseHandle(h));
    }
}
END_TEST

/* ---- driven by a memory cgroup ----
 * The child joins a cgroup limited to 512 MB (low level 4 MB, high level
 * 12 MB of headroom), then touches memory 1 MB at a time until the low
 * notification says TRUE; the high one must have gone FALSE by then.  It
 * gives the memory back and waits (INFINITE) for the high notification,
 * which only the watcher thread can set. */
#define CG_LIMIT (512 * MB)

static int cgroup_child(int argc, char **argv, int k)
{
    if (k + 1 >= argc)
        return 2;
    char file[4200];
    snprintf(file, sizeof file, "%s/cgroup.procs", argv[k + 1]);
    FILE *f = fopen(file, "w");
    if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
        return 3;
    HANDLE low = CreateMemoryResourceNotification(LowMemoryResourceNotification);
    HANDLE high = CreateMemoryResourceNotification(HighMemoryResourceNotification);
    BOOL s = FALSE;
    if (!low || !high || !QueryMemoryResourceNotification(high, &s) || !s)
        return 10;
    if (!QueryMemoryResourceNotification(low, &s) || s)
        return 11;
    enum { MAXCHUNKS = 600 };
    static char *chunks[MAXCHUNKS];
    int n = 0;
    for (; n < MAXCHUNKS; n++) {
        chunks[n] = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (chunks[n] == MAP_FAILED)
            return 12;
        memset(chunks[n], 0x5a, MB);
        if (!QueryMemoryResourceNotification(low, &s))
            return 13;
        if (s)
            break;
    }
    if (n == MAXCHUNKS)
        return 14; /* never low */
    if (!QueryMemoryResourceNotification(high, &s) || s)
        return 15;
    if (WaitForSingleObject(low, INFINITE) != WAIT_OBJECT_0 || WaitForSingleObject(high, 0) != WAIT_TIMEOUT)
        return 16;
    for (int i = 0; i <= n; i++)
        munmap(chunks[i], MB);
    if (WaitForSingleObject(high, INFINITE) != WAIT_OBJECT_0)
        return 17;
    if (WaitForSingleObject(low, 0) != WAIT_TIMEOUT) /* the watcher set both */
        return 18;
    return 0;
}

/* The directory of this process's v1 memory cgroup (hybrid hierarchy)
 * or of its v2 cgroup when that has the memory controller. */
static bool cgroup_parent(char *out, size_t cap, bool *v1)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = 0;
        if (strstr(c1 + 1, "memory")) {
            snprintf(out, cap, "/sys/fs/cgroup/memory%s", c2 + 1);
            *v1 = found = true;
        } else if (!c1[1]) {
            char ctl[512];
            snprintf(out, cap, "/sys/fs/cgroup%s/cgroup.subtree_control", c2 + 1);
            FILE *s = fopen(out, "r");
            if (s && fgets(ctl, sizeof ctl, s) && strstr(ctl, "memory")) {
                snprintf(out, cap, "/sys/fs/cgroup%s", c2 + 1);
                *v1 = false;
                found = true;
            }
            if (s)
                fclose(s);
        }
    }
    fclose(f);
    return found;
}

START_TEST(test_cgroup)
{
    char parent[4096], dir[4200], file[4300];
    bool v1 = false;
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    /* The child's shadow memory alone outgrows the cgroup's limit: the
     * kernel kills it (seen under TSan, signal 9). */
    printf("memnotify: cgroup test skipped under a sanitizer\n");
    return;
#endif
    if (geteuid() != 0 || !cgroup_parent(parent, sizeof parent, &v1)) {
        printf("memnotify: cgroup test skipped: not root, or no memory cgroup to nest in\n");
        return;
    }
    snprintf(dir, sizeof dir, "%s/winshim-memnotify-%d", parent, (int)getpid());
    if (mkdir(dir, 0755) < 0) {
        printf("memnotify: cgroup test skipped: mkdir %s: %s\n", dir, strerror(errno));
        return;
    }
    snprintf(file, sizeof file, "%s/%s", dir, v1 ? "memory.limit_in_bytes" : "memory.max");
    FILE *f = fopen(file, "w");
    bool ok = f && fprintf(f, "%llu\n", (unsigned long long)CG_LIMIT) > 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        printf("memnotify: cgroup test skipped: cannot set %s\n", file);
        rmdir(dir);
        return;
    }
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            _exit(4);
        exe[n] = 0;
        execl(exe, exe, "--child", dir, (char *)NULL);
        _exit(5);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    rmdir(dir);
    ck_assert_msg(WIFEXITED(status), "child died (signal %d)",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static Suite *memnotify_suite(void)
{
    Suite *s = suite_create("memnotify");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *cgroup = tcase_create("cgroup");
    tcase_add_test(basic, test_state);
    tcase_add_test(basic, test_churn);
    tcase_add_test(errors, test_errors);
    tcase_add_test(cgroup, test_cgroup);
    tcase_set_timeout(cgroup, 120);
    suite_add_tcase(s, basic);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, cgroup);
    return s;
}

TEST_MAIN_WITH_CHILD(memnotify_suite, cgroup_child)
