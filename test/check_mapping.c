/* File mappings: paging-file and file-backed mappings, protections
 * against file access, FILE_MAP_* against the handle and the protection,
 * views, names (and their lifetime while views remain), forked processes
 * opening a named mapping, and the section outliving its creator (holders,
 * mapping.c). */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Names will be shared by every process of the user, and test binaries run
 * in parallel: each name carries the test process's pid (kept by its forked
 * children, which call this after the parent did). */
static const char *nm(const char *tag)
{
    static char buf[8][96];
    static int next, base;
    char *b = buf[next++ % 8];
    if (!base)
        base = (int)getpid();
    snprintf(b, 96, "Local\\wsmap_%d_%s", base, tag);
    return b;
}

/* The same as UTF-16 (the names are ASCII). */
static const WCHAR *nmw(const char *tag)
{
    static WCHAR w[96];
    const char *a = nm(tag);
    size_t i = 0;
    for (; a[i] && i < 95; i++)
        w[i] = (WCHAR)a[i];
    w[i] = 0;
    return w;
}

/* File handles without CreateFile (not on this branch yet): the standard
 * handles, with fds 0, 1 and 2 all opened on one new scratch file, read-only,
 * read-write and write-only (each Check test runs in its own process). */
static void std_files(HANDLE *ro, HANDLE *rw, HANDLE *wo)
{
    char path[] = "/tmp/winshim-check-mapping-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    int r = open(path, O_RDONLY | O_CLOEXEC), w = open(path, O_WRONLY | O_CLOEXEC);
    ck_assert(r >= 0 && w >= 0);
    unlink(path);
    ck_assert_int_eq(dup2(r, 0), 0);
    ck_assert_int_eq(dup2(fd, 1), 1);
    ck_assert_int_eq(dup2(w, 2), 2);
    close(r);
    close(w);
    close(fd);
    *ro = GetStdHandle(STD_INPUT_HANDLE);
    *rw = GetStdHandle(STD_OUTPUT_HANDLE);
    *wo = GetStdHandle(STD_ERROR_HANDLE);
    ck_assert(*ro && *rw && *wo);
}

START_TEST(test_paging_file)
{
    SetLastError(0xdeadbeef);
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100000, NULL);
    ck_assert_ptr_nonnull(m);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    char *a = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a[0], 0); /* zero-filled */
    ck_assert_int_eq(a[99999], 0);
    /* Two views of one mapping are the same memory. */
    char *b = MapViewOfFile(m, FILE_MAP_READ, 0, 0x10000, 100);
    ck_assert_ptr_nonnull(b);
    strcpy(a + 0x10000, "shared");
    ck_assert_str_eq(b, "shared");
    ck_assert(FlushViewOfFile(a, 0));
    ck_assert(FlushViewOfFile(a + 5000, 10));
    ck_assert(UnmapViewOfFile(b));
    /* Any address inside a view names it; then it is gone. */
    ck_assert(UnmapViewOfFile(a + 123));
    ASSERT_FAILS(UnmapViewOfFile(a), ERROR_INVALID_ADDRESS);
    ck_assert(CloseHandle(m));

    /* SEC_RESERVE and SEC_COMMIT are accepted (pages come on first touch). */
    m = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0, 4096, NULL);
    ck_assert_ptr_nonnull(m);
    CloseHandle(m);
    m = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY | SEC_COMMIT, 0, 4096, NULL);
    ck_assert_ptr_nonnull(m);
    CloseHandle(m);
}
END_TEST

START_TEST(test_create_errors)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_NOACCESS, 0, 10, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, 0, 0, 10, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY | PAGE_GUARD, 0,
                                    10, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
                                    PAGE_READWRITE | SEC_COMMIT | SEC_RESERVE, 0, 10, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | 0x100000, 0,
                                    10, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateFileMappingA(e, NULL, PAGE_READWRITE, 0, 10, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_IMAGE, 0,
                                    10, NULL),
                 ERROR_NOT_SUPPORTED);
    /* An event's name is not a mapping's. */
    HANDLE named = CreateEventA(NULL, FALSE, FALSE, nm("event-name"));
    ASSERT_FAILS(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 10,
                                    nm("event-name")),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenFileMappingA(FILE_MAP_READ, FALSE, nm("event-name")),
                 ERROR_INVALID_HANDLE);
    CloseHandle(named);
    CloseHandle(e);
}
END_TEST

START_TEST(test_file_backed)
{
    HANDLE ro, rw, wo;
    std_files(&ro, &rw, &wo);
    /* An empty file with no size given cannot be mapped. */
    ASSERT_FAILS(CreateFileMappingA(rw, NULL, PAGE_READWRITE, 0, 0, NULL), ERROR_FILE_INVALID);
    /* A read-only mapping cannot grow the file. */
    ASSERT_FAILS(CreateFileMappingA(ro, NULL, PAGE_READONLY, 0, 10, NULL),
                 ERROR_NOT_ENOUGH_MEMORY);
    /* The protection needs the file's access. */
    ASSERT_FAILS(CreateFileMappingA(ro, NULL, PAGE_READWRITE, 0, 10, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CreateFileMappingA(wo, NULL, PAGE_READWRITE, 0, 10, NULL), ERROR_ACCESS_DENIED);
    DWORD n;
    ck_assert(WriteFile(rw, "abcdef", 6, &n, NULL));
    ASSERT_FAILS(CreateFileMappingA(ro, NULL, PAGE_READONLY, 0, 100, NULL),
                 ERROR_NOT_ENOUGH_MEMORY);
    HANDLE cow = CreateFileMappingA(ro, NULL, PAGE_WRITECOPY, 0, 0, NULL);
    ck_assert_ptr_nonnull(cow);

    /* A writable mapping larger than the file grows it. */
    HANDLE m = CreateFileMappingA(rw, NULL, PAGE_READWRITE, 0, 100, NULL);
    ck_assert_ptr_nonnull(m);
    struct stat st;
    ck_assert_int_eq(fstat(1, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert(memcmp(v, "abcdef", 6) == 0);
    memcpy(v, "XY", 2);
    ck_assert(FlushViewOfFile(v, 2));
    char buf[8] = {0};
    OVERLAPPED at = {0}; /* at offset 0 */
    ck_assert(ReadFile(ro, buf, 6, &n, &at));
    ck_assert(memcmp(buf, "XYcdef", 6) == 0);

    /* A copy-on-write view changes only itself. */
    char *c = MapViewOfFile(cow, FILE_MAP_COPY, 0, 0, 0);
    ck_assert_ptr_nonnull(c);
    ck_assert(memcmp(c, "XY", 2) == 0);
    c[0] = 'q';
    ck_assert_int_eq(v[0], 'X');
    ASSERT_FAILS(MapViewOfFile(cow, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(MapViewOfFile(cow, FILE_MAP_ALL_ACCESS, 0, 0, 0), ERROR_ACCESS_DENIED);
    ck_assert(UnmapViewOfFile(c));
    ck_assert(UnmapViewOfFile(v));
    CloseHandle(cow);
    CloseHandle(m);
    CloseHandle(ro);
    CloseHandle(wo);
    CloseHandle(rw);
}
END_TEST

START_TEST(test_view_errors)
{
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY, 0, 100, NULL);
    ck_assert_ptr_nonnull(m);
    ASSERT_FAILS(MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(MapViewOfFile(m, FILE_MAP_EXECUTE | FILE_MAP_READ, 0, 0, 0),
                 ERROR_ACCESS_DENIED);
    ASSERT_FAILS(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 101), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(MapViewOfFile(m, FILE_MAP_READ, 0, 4096, 0), ERROR_MAPPED_ALIGNMENT);
    ASSERT_FAILS(MapViewOfFile(m, FILE_MAP_READ, 0, 0x10000, 0), ERROR_INVALID_PARAMETER);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(MapViewOfFile(e, FILE_MAP_READ, 0, 0, 0), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(MapViewOfFile(NULL, FILE_MAP_READ, 0, 0, 0), ERROR_INVALID_HANDLE);
    CloseHandle(e);
    char *v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert(UnmapViewOfFile(v));

    /* FILE_MAP_* against the handle's access. */
    HANDLE rd;
    ck_assert(DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &rd,
                              SECTION_QUERY, FALSE, 0));
    ASSERT_FAILS(MapViewOfFile(rd, FILE_MAP_READ, 0, 0, 0), ERROR_ACCESS_DENIED);
    CloseHandle(rd);
    /* A write-only handle maps read-write views but no read-only ones. */
    HANDLE m3 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100, NULL);
    HANDLE wr;
    ck_assert(DuplicateHandle(GetCurrentProcess(), m3, GetCurrentProcess(), &wr,
                              FILE_MAP_WRITE, FALSE, 0));
    ASSERT_FAILS(MapViewOfFile(wr, FILE_MAP_READ, 0, 0, 0), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(MapViewOfFile(wr, FILE_MAP_COPY, 0, 0, 0), ERROR_ACCESS_DENIED);
    char *wv = MapViewOfFile(wr, FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(wv);
    ck_assert(UnmapViewOfFile(wv));
    CloseHandle(wr);
    CloseHandle(m3);

    /* A fixed address: a free one works, a taken one does not. */
    HANDLE m2 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x10000, NULL);
    char *p = MapViewOfFile(m2, FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(p);
    ASSERT_FAILS(MapViewOfFileEx(m2, FILE_MAP_WRITE, 0, 0, 0, p), ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(MapViewOfFileEx(m2, FILE_MAP_WRITE, 0, 0, 0, p + 4096), ERROR_INVALID_ADDRESS);
    ck_assert(UnmapViewOfFile(p));
    char *q = MapViewOfFileEx(m2, FILE_MAP_WRITE, 0, 0, 0, p);
    if (q) /* the address may have been taken meanwhile by another thread */
        ck_assert_ptr_eq(q, p);
    else
        ASSERT_LAST_ERROR(ERROR_INVALID_ADDRESS);
    if (q)
        ck_assert(UnmapViewOfFile(q));
    CloseHandle(m2);

    char local;
    ASSERT_FAILS(UnmapViewOfFile(NULL), ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(UnmapViewOfFile(&local), ERROR_INVALID_ADDRESS);
    ASSERT_FAILS(FlushViewOfFile(NULL, 1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FlushViewOfFile(&local, 1), ERROR_INVALID_ADDRESS);
    CloseHandle(m);
}
END_TEST

START_TEST(test_names)
{
    ASSERT_FAILS(OpenFileMappingA(FILE_MAP_READ, FALSE, nm("missing")),
                 ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenFileMappingW(FILE_MAP_READ, FALSE, NULL), ERROR_INVALID_PARAMETER);
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                  nm("names"));
    ck_assert_ptr_nonnull(m);
    char *v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    strcpy(v, "named");

    /* The same name again: the existing mapping, ERROR_ALREADY_EXISTS, and
     * the size and protection given are ignored. */
    SetLastError(0xdeadbeef);
    HANDLE m2 = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY, 0, 8192,
                                   nmw("names"));
    ck_assert_ptr_nonnull(m2);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    char *v2 = MapViewOfFile(m2, FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(v2);
    ck_assert_str_eq(v2, "named");
    ck_assert(UnmapViewOfFile(v2));
    CloseHandle(m2);

    /* Opened for reading only: no write views. */
    HANDLE o = OpenFileMappingW(FILE_MAP_READ, FALSE, nmw("names"));
    ck_assert_ptr_nonnull(o);
    ASSERT_FAILS(MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
    v2 = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
    ck_assert_ptr_nonnull(v2);
    ck_assert_str_eq(v2, "named");
    ck_assert(UnmapViewOfFile(v2));
    CloseHandle(o);

    /* The name goes with the last handle while a view remains. */
    ck_assert(CloseHandle(m));
    ASSERT_FAILS(OpenFileMappingA(FILE_MAP_READ, FALSE, nm("names")),
                 ERROR_FILE_NOT_FOUND);
    ck_assert_str_eq(v, "named");
    v[0] = 'N';
    ck_assert(UnmapViewOfFile(v));
}
END_TEST

/* A forked process opens the named mapping, maps its own new view (through
 * the creator's fd) and writes into it; the parent sees the write. */
START_TEST(test_fork_shared)
{
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 256,
                                  nm("fork"));
    ck_assert_ptr_nonnull(m);
    char *v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    strcpy(v, "from parent");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, nm("fork"));
        if (!o)
            _exit(10);
        char *c = MapViewOfFile(o, FILE_MAP_ALL_ACCESS, 0, 0, 0);
        if (!c)
            _exit(11);
        if (c == v) /* a new view, not the one the fork copied */
            _exit(12);
        if (strcmp(c, "from parent") != 0)
            _exit(13);
        strcpy(c + 128, "from child");
        _exit(UnmapViewOfFile(c) ? 0 : 14);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    ck_assert_str_eq(v + 128, "from child");
    ck_assert(UnmapViewOfFile(v));
    CloseHandle(m);
}
END_TEST

/* A mapping of a file made with CreateFile, opened by name in a forked
 * process: the child's view reaches the file through the creator's fd. */
START_TEST(test_file_fork_shared)
{
    char dir[] = "/tmp/winshim-check-mapping-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/data", dir);
    HANDLE f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_ptr_ne(f, INVALID_HANDLE_VALUE);
    HANDLE m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 4096, nm("file-fork"));
    ck_assert_ptr_nonnull(m);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_WRITE, FALSE, nm("file-fork"));
        if (!o)
            _exit(10);
        char *c = MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0);
        if (!c)
            _exit(100 + (int)GetLastError());
        memcpy(c + 100, "written by the child", 20);
        _exit(FlushViewOfFile(c, 0) && UnmapViewOfFile(c) ? 0 : 12);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    char buf[21] = {0};
    DWORD n;
    OVERLAPPED at = {.Offset = 100};
    ck_assert(ReadFile(f, buf, 20, &n, &at));
    ck_assert_uint_eq(n, 20);
    ck_assert_str_eq(buf, "written by the child");
    CloseHandle(m);
    CloseHandle(f);
    ck_assert(DeleteFileA(path));
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- the section outlives its creator ---- */

/* One byte through a pipe: a step of the processes below. */
static void say(int fd)
{
    ck_assert_int_eq(write(fd, "s", 1), 1);
}

static BOOL heard(int fd)
{
    char c;
    return read(fd, &c, 1) == 1;
}

/* A forked helper: dies with the test process, whatever happens. */
static pid_t spawn_child(void)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    return pid;
}

static void reap_ok(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}

/* How many memfds of mappings this process has open. */
static int section_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[300], target[256];
        snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        if (len > 0) {
            target[len] = 0;
            n += strstr(target, "winshim-section") != NULL;
        }
    }
    closedir(d);
    return n;
}

/* A creates and writes, B opens and maps, A exits; C, started after that,
 * opens by name and sees both writes; B duplicates its handle into this
 * process, which maps through it (becoming a holder) and keeps the section
 * after B exited too: D opens it by name and maps. */
START_TEST(test_outlives_creator)
{
    const char *name = nm("outlive");
    CloseHandle(CreateEventA(NULL, FALSE, FALSE, NULL)); /* attach: B dups to us */
    int a_ready[2], a_go[2], b_ready[2], b_go[2];
    ck_assert(pipe(a_ready) == 0 && pipe(a_go) == 0 && pipe(b_ready) == 0 &&
              pipe(b_go) == 0);
    pid_t a = spawn_child();
    if (a == 0) {
        HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                      0x20000, name);
        char *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
        if (!v)
            _exit(10);
        strcpy(v, "from A");
        say(a_ready[1]);
        heard(a_go[0]);
        _exit(0); /* no CloseHandle, no UnmapViewOfFile: gone with A */
    }
    ck_assert(heard(a_ready[0]));
    pid_t b = spawn_child();
    if (b == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
        if (!o)
            _exit(20);
        char *v = MapViewOfFile(o, FILE_MAP_WRITE, 0, 0x10000, 0x100);
        if (!v)
            _exit(21);
        strcpy(v, "from B");
        say(b_ready[1]);
        heard(b_go[0]); /* A has exited */
        HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, (DWORD)getppid());
        HANDLE theirs;
        if (!parent || !DuplicateHandle(GetCurrentProcess(), o, parent, &theirs, 0, FALSE,
                                        DUPLICATE_SAME_ACCESS))
            _exit(22);
        if (write(b_ready[1], &theirs, sizeof(theirs)) != (ssize_t)sizeof(theirs))
            _exit(23);
        heard(b_go[0]);
        _exit(0);
    }
    ck_assert(heard(b_ready[0]));
    say(a_go[1]);
    reap_ok(a);
    pid_t c = spawn_child();
    if (c == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
        if (!o)
            _exit(30);
        char *v = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
        if (!v)
            _exit(100 + (int)GetLastError());
        _exit(strcmp(v, "from A") || strcmp(v + 0x10000, "from B") ? 31 : 0);
    }
    reap_ok(c);
    say(b_go[1]);
    HANDLE mine;
    ck_assert_int_eq(read(b_ready[0], &mine, sizeof(mine)), (ssize_t)sizeof(mine));
    char *v = MapViewOfFile(mine, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, "from A");
    say(b_go[1]);
    reap_ok(b);
    /* Every other holder is gone: ours keeps the section. */
    char *w = MapViewOfFile(mine, FILE_MAP_READ, 0, 0x10000, 0);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w, "from B");
    pid_t d = spawn_child();
    if (d == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);
        char *x = o ? MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0) : NULL;
        if (!x)
            _exit(40);
        strcpy(x + 100, "from D");
        _exit(0);
    }
    reap_ok(d);
    ck_assert_str_eq(v + 100, "from D");
    ck_assert(UnmapViewOfFile(v));
    ck_assert(UnmapViewOfFile(w));
    ck_assert(CloseHandle(mine));
}
END_TEST

/* A handle duplicated into a process that maps no view before every other
 * holder is gone maps one all the same (its fd came with the handle:
 * holders.c, inboxes), as on Windows; access is still checked. */
START_TEST(test_no_holder_left)
{
    CloseHandle(CreateEventA(NULL, FALSE, FALSE, NULL));
    int ready[2], go[2];
    ck_assert(pipe(ready) == 0 && pipe(go) == 0);
    pid_t a = spawn_child();
    if (a == 0) {
        HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                      4096, NULL);
        char *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
        HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, (DWORD)getppid());
        HANDLE theirs[2];
        if (!v || !parent ||
            !DuplicateHandle(GetCurrentProcess(), m, parent, &theirs[0], 0, FALSE,
                             DUPLICATE_SAME_ACCESS) ||
            !DuplicateHandle(GetCurrentProcess(), m, parent, &theirs[1], FILE_MAP_READ,
                             FALSE, 0))
            _exit(10);
        strcpy(v, "kept");
        if (!UnmapViewOfFile(v) ||
            write(ready[1], theirs, sizeof(theirs)) != (ssize_t)sizeof(theirs))
            _exit(11);
        heard(go[0]);
        _exit(0);
    }
    HANDLE mine[2];
    ck_assert_int_eq(read(ready[0], mine, sizeof(mine)), (ssize_t)sizeof(mine));
    say(go[1]);
    reap_ok(a);
    char *v = MapViewOfFile(mine[0], FILE_MAP_WRITE, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, "kept");
    ASSERT_FAILS(MapViewOfFile(mine[1], FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
    char *r = MapViewOfFile(mine[1], FILE_MAP_READ, 0, 0, 0);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r, "kept");
    ck_assert(UnmapViewOfFile(r));
    ck_assert(UnmapViewOfFile(v));
    ck_assert(CloseHandle(mine[0]));
    ck_assert(CloseHandle(mine[1]));
}
END_TEST

/* Holders that die without letting go (SIGKILL) leave their entries to be
 * reclaimed: more of them than there are entries, then a live one that
 * must still become a holder.  A holder lets go of its fd with its own
 * last handle, while other processes keep the section. */
START_TEST(test_dead_holders)
{
    const char *name = nm("dead");
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
    ck_assert_ptr_nonnull(m);
    int before = section_fds();
    ck_assert_int_ge(before, 1);
    for (int i = 0; i < 12; i++) {
        int ready[2];
        ck_assert_int_eq(pipe(ready), 0);
        pid_t k = spawn_child();
        if (k == 0) {
            HANDLE o = OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);
            char *x = o ? MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0) : NULL;
            if (!x)
                _exit(10);
            x[i] = (char)('a' + i);
            say(ready[1]);
            for (;;)
                pause();
        }
        ck_assert(heard(ready[0]));
        kill(k, SIGKILL);
        int status;
        ck_assert_int_eq(waitpid(k, &status, 0), k);
        close(ready[0]);
        close(ready[1]);
    }
    int ready[2], go[2];
    ck_assert(pipe(ready) == 0 && pipe(go) == 0);
    pid_t x = spawn_child();
    if (x == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
        if (!o)
            _exit(20);
        say(ready[1]);
        heard(go[0]);
        _exit(0);
    }
    ck_assert(heard(ready[0]));
    /* Our last handle: our fd goes, X keeps the section. */
    ck_assert(CloseHandle(m));
    ck_assert_int_eq(section_fds(), before - 1);
    pid_t y = spawn_child();
    if (y == 0) {
        HANDLE o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
        char *v = o ? MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0) : NULL;
        if (!v)
            _exit(30);
        _exit(memcmp(v, "abcdefghijkl", 12) ? 31 : 0);
    }
    reap_ok(y);
    say(go[1]);
    reap_ok(x);
}
END_TEST

static Suite *mapping_suite(void)
{
    Suite *s = suite_create("mapping");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_paging_file);
    tcase_add_test(tc, test_create_errors);
    tcase_add_test(tc, test_file_backed);
    tcase_add_test(tc, test_view_errors);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_add_test(tc, test_fork_shared);
    tcase_add_test(tc, test_file_fork_shared);
    tcase_add_test(tc, test_outlives_creator);
    tcase_add_test(tc, test_no_holder_left);
    tcase_add_test(tc, test_dead_holders);
    /* A hang guard only: sanitizer builds make each child's exit slow
     * (ThreadSanitizer waits a second at exit). */
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(mapping_suite)
