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
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(change_suite)
