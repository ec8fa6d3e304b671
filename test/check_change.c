/* Change notifications: each filter, subtrees, waiting together with other
 * objects, and the error codes (checked against Windows under Wine). */
#include "testutil.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Long enough never to fire on a loaded machine: a change must arrive. */
#define ARRIVES 20000
/* A change that must not arrive: a short wait can only pass wrongly, never
 * fail wrongly. */
#define QUIET 150

static char dir[64];

/* HasOverlappedIoCompleted is a plain read (the SDK's macro); polling it
 * while another thread completes the I/O is a data race in C11 terms, so
 * the tests read Internal atomically. */
static int ov_done(OVERLAPPED *ov)
{
    return (DWORD)__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) != 0x103; /* STATUS_PENDING */
}


static void setup(void)
{
    strcpy(dir, "/tmp/winshim-change-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm_rf(const char *p)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
    ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
    rm_rf(dir);
}

static void path_of(char *out, const char *rel)
{
    snprintf(out, 256, "%s/%s", dir, rel);
}

static void touch(const char *rel)
{
    char p[256];
    path_of(p, rel);
    int fd = open(p, O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

static void mkdir_rel(const char *rel)
{
    char p[256];
    path_of(p, rel);
    ck_assert_int_eq(mkdir(p, 0755), 0);
}

START_TEST(test_errors)
{
    touch("file");
    char p[256];
    ASSERT_FAILS(FindFirstChangeNotificationA(dir, FALSE, 0) != INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FindFirstChangeNotificationA(dir, FALSE, 0x80) != INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FindFirstChangeNotificationA(dir, FALSE, 0x200) != INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FindFirstChangeNotificationA(dir, TRUE, 0x1ff) != INVALID_HANDLE_VALUE,
                 ERROR_INVALID_PARAMETER);
    path_of(p, "nope");
    ASSERT_FAILS(FindFirstChangeNotificationA(p, FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_FILE_NOT_FOUND);
    path_of(p, "nope/deeper");
    ASSERT_FAILS(FindFirstChangeNotificationA(p, FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    path_of(p, "file");
    ASSERT_FAILS(FindFirstChangeNotificationA(p, FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_DIRECTORY);
    ASSERT_FAILS(FindFirstChangeNotificationA("", FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(FindFirstChangeNotificationA(NULL, FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(FindFirstChangeNotificationW(NULL, FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(FindFirstChangeNotificationW(u"", FALSE, 1) != INVALID_HANDLE_VALUE,
                 ERROR_PATH_NOT_FOUND);

    /* A Windows path: drive Z: is / by default, backslashes separate. */
    char win[80];
    snprintf(win, sizeof win, "Z:%s", dir);
    for (char *c = win; *c; c++)
        *c = *c == '/' ? '\\' : *c;
    HANDLE z = FindFirstChangeNotificationA(win, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
    ck_assert_ptr_ne(z, INVALID_HANDLE_VALUE);
    touch("by-drive");
    ASSERT_WAIT(WaitForSingleObject(z, 5000), WAIT_OBJECT_0);
    ck_assert(FindCloseChangeNotification(z));

    ASSERT_FAILS(FindNextChangeNotification(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FindNextChangeNotification(INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FindCloseChangeNotification(NULL), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(FindNextChangeNotification(e), ERROR_INVALID_HANDLE);
    /* FindCloseChangeNotification closes any handle, as CloseHandle. */
    ck_assert(FindCloseChangeNotification(e));
    ASSERT_FAILS(FindNextChangeNotification(e), ERROR_INVALID_HANDLE);

    HANDLE h = FindFirstChangeNotificationA(dir, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert(FindCloseChangeNotification(h));
    ASSERT_FAILS(FindNextChangeNotification(h), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FindCloseChangeNotification(h), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_file_name)
{
    HANDLE h = FindFirstChangeNotificationA(dir, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ck_assert_ptr_nonnull(h);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    touch("a");
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    /* A wait does not reset it. */
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    SetLastError(0xdeadbeef);
    ck_assert(FindNextChangeNotification(h));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    /* Renames and deletions are name changes too. */
    char a[256], b[256];
    path_of(a, "a");
    path_of(b, "b");
    ck_assert_int_eq(rename(a, b), 0);
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    ck_assert(FindNextChangeNotification(h));
    ck_assert_int_eq(unlink(b), 0);
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    ck_assert(FindNextChangeNotification(h));
    /* A directory is not a file name. */
    mkdir_rel("d");
    ASSERT_WAIT(WaitForSingleObject(h, QUIET), WAIT_TIMEOUT);
    ck_assert(FindCloseChangeNotification(h));
}
END_TEST

START_TEST(test_dir_name)
{
    HANDLE h = FindFirstChangeNotificationA(dir, FALSE, FILE_NOTIFY_CHANGE_DIR_NAME);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    touch("f");
    ASSERT_WAIT(WaitForSingleObject(h, QUIET), WAIT_TIMEOUT);
    mkdir_rel("d");
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    ck_assert(FindNextChangeNotification(h));
    char p[256];
    path_of(p, "d");
    ck_assert_int_eq(rmdir(p), 0);
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    ck_assert(CloseHandle(h));
}
END_TEST

/* One filter, one operation that must signal it. */
static void expect_signal(DWORD filter, void (*op)(void))
{
    touch("target");
    HANDLE h = FindFirstChangeNotificationW(NULL, FALSE, filter);
    ck_assert_ptr_eq(h, INVALID_HANDLE_VALUE);
    WCHAR wdir[64];
    for (size_t i = 0; i <= strlen(dir); i++)
        wdir[i] = (WCHAR)dir[i];
    h = FindFirstChangeNotificationW(wdir, FALSE, filter);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    op();
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    ck_assert(FindCloseChangeNotification(h));
}

static void op_chmod(void)
{
    char p[256];
    path_of(p, "target");
    ck_assert_int_eq(chmod(p, 0600), 0);
}

static void op_write(void)
{
    char p[256];
    path_of(p, "target");
    int fd = open(p, O_WRONLY);
    ck_assert_int_eq(write(fd, "hello", 5), 5);
    close(fd);
}

static void op_read(void)
{
    char p[256], buf[8];
    path_of(p, "target");
    int fd = open(p, O_RDONLY);
    ck_assert_int_ge(read(fd, buf, sizeof buf), 0);
    close(fd);
}

static void op_create(void)
{
    touch("new");
}

START_TEST(test_each_filter)
{
    expect_signal(FILE_NOTIFY_CHANGE_ATTRIBUTES, op_chmod);
    expect_signal(FILE_NOTIFY_CHANGE_SECURITY, op_chmod);
    expect_signal(FILE_NOTIFY_CHANGE_SIZE, op_write);
    expect_signal(FILE_NOTIFY_CHANGE_LAST_WRITE, op_write);
    expect_signal(FILE_NOTIFY_CHANGE_LAST_ACCESS, op_read);
    expect_signal(FILE_NOTIFY_CHANGE_CREATION, op_create);
}
END_TEST

START_TEST(test_subtree)
{
    mkdir_rel("a");
    mkdir_rel("a/b");
    HANDLE flat = FindFirstChangeNotificationA(dir, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
    HANDLE deep = FindFirstChangeNotificationA(dir, TRUE,
                                               FILE_NOTIFY_CHANGE_FILE_NAME |
                                                   FILE_NOTIFY_CHANGE_DIR_NAME);
    ck_assert_ptr_ne(flat, INVALID_HANDLE_VALUE);
    ck_assert_ptr_ne(deep, INVALID_HANDLE_VALUE);
    touch("a/b/f");
    ASSERT_WAIT(WaitForSingleObject(deep, ARRIVES), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(flat, QUIET), WAIT_TIMEOUT);
    ck_assert(FindNextChangeNotification(deep));
    /* A directory made after the watch started is watched too. */
    mkdir_rel("a/b/new");
    ASSERT_WAIT(WaitForSingleObject(deep, ARRIVES), WAIT_OBJECT_0);
    ck_assert(FindNextChangeNotification(deep));
    touch("a/b/new/g");
    ASSERT_WAIT(WaitForSingleObject(deep, ARRIVES), WAIT_OBJECT_0);
    CloseHandle(flat);
    CloseHandle(deep);
}
END_TEST

START_TEST(test_wait_multiple)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE h = FindFirstChangeNotificationA(dir, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
    HANDLE both[2] = {e, h};
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_TIMEOUT);
    touch("x");
    ASSERT_WAIT(WaitForMultipleObjects(2, both, FALSE, ARRIVES), WAIT_OBJECT_0 + 1);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_TIMEOUT);
    SetEvent(e);
    ASSERT_WAIT(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_OBJECT_0);
    /* A handle duplicated from it sees the same object. */
    HANDLE dup = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup, 0,
                              FALSE, DUPLICATE_SAME_ACCESS));
    ck_assert(FindNextChangeNotification(dup));
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CloseHandle(h);
    touch("y");
    ASSERT_WAIT(WaitForSingleObject(dup, ARRIVES), WAIT_OBJECT_0);
    CloseHandle(dup);
    CloseHandle(e);
}
END_TEST

/* A thread blocked in a wait is woken by the change. */
static DWORD WINAPI toucher(LPVOID arg)
{
    (void)arg;
    settle_ms(20);
    touch("late");
    return 0;
}

START_TEST(test_blocked_waiter)
{
    HANDLE h = FindFirstChangeNotificationA(dir, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
    HANDLE t = CreateThread(NULL, 0, toucher, NULL, 0, NULL);
    ASSERT_WAIT(WaitForSingleObject(h, ARRIVES), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(t, ARRIVES), WAIT_OBJECT_0);
    CloseHandle(t);
    CloseHandle(h);
}
END_TEST

/* ---- ReadDirectoryChangesW ---- */

static HANDLE open_dir(const char *rel, DWORD flags)
{
    char p[256];
    if (rel)
        path_of(p, rel);
    else
        strcpy(p, dir);
    HANDLE h = CreateFileA(p, FILE_LIST_DIRECTORY | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | flags, NULL);
    ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
    return h;
}

struct rec {
    DWORD action;
    char name[64];
};

/* Parses a buffer of FILE_NOTIFY_INFORMATION records, checking their
 * layout (DWORD-aligned offsets, names without a terminator). */
static int parse(const void *buf, DWORD bytes, struct rec *out, int max, int n)
{
    const char *p = buf;
    DWORD off = 0;
    ck_assert_uint_gt(bytes, 0);
    for (;;) {
        const FILE_NOTIFY_INFORMATION *fi = (const FILE_NOTIFY_INFORMATION *)(p + off);
        ck_assert_uint_eq(off % 4, 0);
        ck_assert_uint_le(off + offsetof(FILE_NOTIFY_INFORMATION, FileName) + fi->FileNameLength,
                          bytes);
        ck_assert_uint_eq(fi->FileNameLength % 2, 0);
        ck_assert_int_lt(n, max);
        out[n].action = fi->Action;
        DWORD chars = fi->FileNameLength / 2;
        ck_assert_uint_lt(chars, sizeof out[n].name);
        for (DWORD i = 0; i < chars; i++) {
            ck_assert_uint_lt(fi->FileName[i], 0x80);
            out[n].name[i] = (char)fi->FileName[i];
        }
        out[n].name[chars] = 0;
        n++;
        if (!fi->NextEntryOffset)
            break;
        ck_assert_uint_ge(fi->NextEntryOffset,
                          offsetof(FILE_NOTIFY_INFORMATION, FileName) + fi->FileNameLength);
        off += fi->NextEntryOffset;
    }
    return n;
}

static DWORD notify_buf[1024]; /* DWORD-aligned, as Windows asks */

/* Collects records with overlapped calls (and an event) until `want`
 * records came or a call brings nothing new in ARRIVES ms. */
static int collect(HANDLE h, DWORD filter, BOOL subtree, struct rec *out, int want)
{
    int n = 0;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    while (n < want) {
        ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, subtree, filter,
                                        NULL, &ov, NULL));
        ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, ARRIVES), WAIT_OBJECT_0);
        DWORD bytes = 0;
        ck_assert(GetOverlappedResult(h, &ov, &bytes, FALSE));
        n = parse(notify_buf, bytes, out, want, n);
    }
    CloseHandle(ov.hEvent);
    return n;
}

/* Overlapped with an event: created, renamed, modified, removed, with
 * their actions and names; a directory is not reported under
 * FILE_NOTIFY_CHANGE_FILE_NAME; the changes between calls are kept. */
START_TEST(test_rdcw_actions)
{
    HANDLE h = open_dir(NULL, FILE_FLAG_OVERLAPPED);
    const DWORD filter = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, TRUE, NULL);
    DWORD ret = 77;
    SetLastError(0xdeadbeef);
    ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE, filter, &ret,
                                    &ov, NULL));
    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT); /* reset */
    ck_assert(!ov_done(&ov));
    DWORD bytes;
    ASSERT_FAILS(GetOverlappedResult(h, &ov, &bytes, FALSE), ERROR_IO_INCOMPLETE);

    mkdir_rel("subdir");
    touch("new.txt");
    char a[256], b[256];
    path_of(a, "new.txt");
    path_of(b, "renamed.txt");
    ck_assert_int_eq(rename(a, b), 0);
    int fd = open(b, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
    ck_assert_int_eq(unlink(b), 0);

    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, ARRIVES), WAIT_OBJECT_0);
    ck_assert(GetOverlappedResult(h, &ov, &bytes, FALSE));
    struct rec r[16];
    int n = parse(notify_buf, bytes, r, 16, 0);
    /* The rest (if the first call ended early) through more calls. */
    int want = 5;
    if (n < want) {
        CloseHandle(ov.hEvent);
        n += collect(h, filter, FALSE, r + n, want - n);
    }
    ck_assert_int_ge(n, want);
    ck_assert_uint_eq(r[0].action, FILE_ACTION_ADDED);
    ck_assert_str_eq(r[0].name, "new.txt");
    ck_assert_uint_eq(r[1].action, FILE_ACTION_RENAMED_OLD_NAME);
    ck_assert_str_eq(r[1].name, "new.txt");
    ck_assert_uint_eq(r[2].action, FILE_ACTION_RENAMED_NEW_NAME);
    ck_assert_str_eq(r[2].name, "renamed.txt");
    ck_assert_uint_eq(r[3].action, FILE_ACTION_MODIFIED);
    ck_assert_str_eq(r[3].name, "renamed.txt");
    ck_assert_uint_eq(r[n - 1].action, FILE_ACTION_REMOVED);
    ck_assert_str_eq(r[n - 1].name, "renamed.txt");
    ck_assert(CloseHandle(h));
}
END_TEST

/* bWatchSubtree: names relative to the watched directory, with
 * backslashes; a completion port gets the packet with the key. */
START_TEST(test_rdcw_subtree_port)
{
    mkdir_rel("sub");
    HANDLE h = open_dir(NULL, FILE_FLAG_OVERLAPPED);
    HANDLE port = CreateIoCompletionPort(h, NULL, 31, 0);
    ck_assert_ptr_nonnull(port);
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, TRUE,
                                    FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, NULL));
    touch("sub/deep.txt");
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    ck_assert(GetQueuedCompletionStatus(port, &bytes, &key, &pov, ARRIVES));
    ck_assert_uint_eq(key, 31);
    ck_assert_ptr_eq(pov, &ov);
    struct rec r[4];
    ck_assert_int_eq(parse(notify_buf, bytes, r, 4, 0), 1);
    ck_assert_uint_eq(r[0].action, FILE_ACTION_ADDED);
    ck_assert_str_eq(r[0].name, "sub\\deep.txt");
    ck_assert(CloseHandle(h));
    ck_assert(CloseHandle(port));
}
END_TEST

static int rdcw_routine_calls;
static DWORD rdcw_routine_err, rdcw_routine_bytes;

static void WINAPI rdcw_routine(DWORD err, DWORD bytes, LPOVERLAPPED ov)
{
    (void)ov;
    rdcw_routine_calls++;
    rdcw_routine_err = err;
    rdcw_routine_bytes = bytes;
}

struct toucher {
    int stop; /* atomic */
    int made;
};

static void *touch_until_stopped(void *arg)
{
    struct toucher *t = arg;
    while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) && t->made < 400) {
        char name[32];
        snprintf(name, sizeof name, "t%d", t->made++);
        touch(name);
        settle_ms(20);
    }
    return NULL;
}

/* Synchronous: the call sleeps until a change comes.  A completion
 * routine runs as an APC.  Cancelled and closed: ERROR_OPERATION_ABORTED. */
START_TEST(test_rdcw_sync_routine_cancel)
{
    HANDLE h = open_dir(NULL, 0);
    struct toucher t = {0, 0};
    pthread_t th;
    pthread_create(&th, NULL, touch_until_stopped, &t);
    DWORD ret = 0;
    ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE,
                                    FILE_NOTIFY_CHANGE_FILE_NAME, &ret, NULL, NULL));
    __atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    struct rec r[64];
    int n = parse(notify_buf, ret, r, 64, 0);
    ck_assert_int_ge(n, 1);
    ck_assert_uint_eq(r[0].action, FILE_ACTION_ADDED);
    ck_assert_int_eq(r[0].name[0], 't');
    ck_assert(CloseHandle(h));

    h = open_dir(NULL, FILE_FLAG_OVERLAPPED);
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    rdcw_routine_calls = 0;
    ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE,
                                    FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, rdcw_routine));
    touch("r.txt");
    while (!ov_done(&ov))
        settle_ms(1);
    ck_assert_int_eq(rdcw_routine_calls, 0);
    ck_assert_uint_eq(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    ck_assert_int_eq(rdcw_routine_calls, 1);
    ck_assert_uint_eq(rdcw_routine_err, 0);
    ck_assert_int_eq(parse(notify_buf, rdcw_routine_bytes, r, 64, 0), 1);
    ck_assert_str_eq(r[0].name, "r.txt");

    /* Cancelled. */
    memset(&ov, 0, sizeof ov);
    ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE,
                                    FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, NULL));
    ck_assert(CancelIoEx(h, &ov));
    DWORD bytes;
    ASSERT_FAILS(GetOverlappedResult(h, &ov, &bytes, TRUE), ERROR_OPERATION_ABORTED);
    ASSERT_FAILS(CancelIoEx(h, &ov), ERROR_NOT_FOUND);
    /* Closed with a request waiting. */
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE,
                                    FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, NULL));
    ck_assert(CloseHandle(h));
    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, ARRIVES), WAIT_OBJECT_0);
    ck_assert_uint_eq(ov.Internal, 0xC0000120u); /* STATUS_CANCELLED */
    CloseHandle(ov.hEvent);
}
END_TEST

/* A buffer too small for the records: ERROR_NOTIFY_ENUM_DIR, 0 bytes.
 * Errors: a file handle, a filter of 0 or unknown bits, not a file. */
START_TEST(test_rdcw_small_and_errors)
{
    HANDLE h = open_dir(NULL, FILE_FLAG_OVERLAPPED);
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(ReadDirectoryChangesW(h, notify_buf, 16, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME,
                                    NULL, &ov, NULL));
    touch("a-long-enough-name.txt");
    ck_assert_uint_eq(WaitForSingleObject(ov.hEvent, ARRIVES), WAIT_OBJECT_0);
    DWORD bytes = 99;
    ASSERT_FAILS(GetOverlappedResult(h, &ov, &bytes, FALSE), ERROR_NOTIFY_ENUM_DIR);
    ck_assert_uint_eq(ov.InternalHigh, 0);
    ck_assert(CloseHandle(h));
    CloseHandle(ov.hEvent);

    h = open_dir(NULL, 0);
    DWORD ret;
    ASSERT_FAILS(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE, 0, &ret,
                                       NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReadDirectoryChangesW(h, notify_buf, sizeof notify_buf, FALSE, 0x80000000u,
                                       &ret, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    ck_assert(CloseHandle(h));
    touch("plain");
    char p[256];
    path_of(p, "plain");
    HANDLE f = CreateFileA(p, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_ptr_ne(f, INVALID_HANDLE_VALUE);
    ASSERT_FAILS(ReadDirectoryChangesW(f, notify_buf, sizeof notify_buf, FALSE,
                                       FILE_NOTIFY_CHANGE_FILE_NAME, &ret, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    CloseHandle(f);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(ReadDirectoryChangesW(ev, notify_buf, sizeof notify_buf, FALSE,
                                       FILE_NOTIFY_CHANGE_FILE_NAME, &ret, NULL, NULL),
                 ERROR_INVALID_HANDLE);
    CloseHandle(ev);
}
END_TEST

static Suite *change_suite(void)
{
    Suite *s = suite_create("change");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_file_name);
    tcase_add_test(tc, test_dir_name);
    tcase_add_test(tc, test_each_filter);
    tcase_add_test(tc, test_subtree);
    tcase_add_test(tc, test_wait_multiple);
    tcase_add_test(tc, test_blocked_waiter);
    tcase_add_test(tc, test_rdcw_actions);
    tcase_add_test(tc, test_rdcw_subtree_port);
    tcase_add_test(tc, test_rdcw_sync_routine_cancel);
    tcase_add_test(tc, test_rdcw_small_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(change_suite)
