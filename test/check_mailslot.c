/* Mailslots: creation and its errors, writers through CreateFile,
 * GetMailslotInfo's counts, SetMailslotInfo and read time-outs, the
 * maximum message size, a writer in another process, a killed reader;
 * readers and writers duplicated into or inherited by another process. */
#include "testutil.h"
#include "xproc.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *mname(const char *tag)
{
    static char buf[4][128];
    static int i;
    char *b = buf[i++ % 4];
    snprintf(b, 128, "\\\\.\\mailslot\\ck_mailslot_%d_%s", (int)getpid(), tag);
    return b;
}

static HANDLE writer(const char *name)
{
    HANDLE w = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_msg(w != INVALID_HANDLE_VALUE, "CreateFile: %lu", (unsigned long)GetLastError());
    return w;
}

/* A writer may ask for read access too (Windows and Wine open it; reading
 * through it fails), and a NULL name is ERROR_PATH_NOT_FOUND, as Windows
 * and Wine give. */
START_TEST(test_client_with_read_access)
{
    const char *n = mname("rw");
    HANDLE m = CreateMailslotA(n, 0, 0, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    char buf[8];
    DWORD done = 7;
    SetLastError(0xdeadbeef);
    HANDLE w = CreateFileA(n, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
                           OPEN_EXISTING, 0, NULL);
    ck_assert_msg(w != INVALID_HANDLE_VALUE, "CreateFile: %lu", (unsigned long)GetLastError());
    ASSERT_FAILS(ReadFile(w, buf, sizeof buf, &done, NULL), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(done, 0);
    ck_assert(WriteFile(w, "hi", 2, &done, NULL));
    ck_assert_uint_eq(done, 2);
    ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 2);
    ck_assert(memcmp(buf, "hi", 2) == 0);
    ck_assert(CloseHandle(w));
    /* Read access alone opens as well; reads and writes then fail. */
    SetLastError(0xdeadbeef);
    w = CreateFileA(n, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert_msg(w != INVALID_HANDLE_VALUE, "CreateFile: %lu", (unsigned long)GetLastError());
    ASSERT_FAILS(ReadFile(w, buf, sizeof buf, &done, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(WriteFile(w, "x", 1, &done, NULL), ERROR_ACCESS_DENIED);
    ck_assert(CloseHandle(w));
    ck_assert(CloseHandle(m));

    SetLastError(0xdeadbeef);
    ck_assert(CreateMailslotA(NULL, 0, 0, NULL) == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_PATH_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert(CreateMailslotW(NULL, 0, 0, NULL) == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_PATH_NOT_FOUND);
}
END_TEST

START_TEST(test_create_and_errors)
{
    const char *n = mname("create");
    SetLastError(0xdeadbeef);
    HANDLE m = CreateMailslotA(n, 0, 0, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(0xdeadbeef);
    SetLastError(0xdeadbeef);
    ck_assert(CreateMailslotA(n, 0, 0, NULL) == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    SetLastError(0xdeadbeef);
    ck_assert(CreateMailslotA("\\\\.\\pipe\\ck_not_a_mailslot", 0, 0, NULL) ==
              INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_INVALID_NAME);
    /* Writers: OPEN_EXISTING, sharing reads with the reader. */
    HANDLE w;
    SetLastError(0xdeadbeef);
    w = CreateFileA(mname("nobody"), GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(w == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    w = CreateFileA(n, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(w == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_SHARING_VIOLATION);
    /* Case-insensitive names. */
    char upper[128];
    strcpy(upper, n);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    w = writer(upper);
    char buf[8];
    DWORD done;
    ASSERT_FAILS(ReadFile(w, buf, sizeof buf, &done, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(WriteFile(m, "x", 1, &done, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(GetMailslotInfo(w, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetMailslotInfo(w, 0), ERROR_INVALID_HANDLE);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(GetMailslotInfo(ev, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    ASSERT_FAILS(GetMailslotInfo(NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(w);
    CloseHandle(m);
    /* The name went with the reader. */
    SetLastError(0xdeadbeef);
    w = CreateFileA(n, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(w == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    m = CreateMailslotW(u"\\\\.\\mailslot\\ck_mailslot_wide", 0, 0, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    CloseHandle(m);
}
END_TEST

START_TEST(test_messages_and_info)
{
    const char *n = mname("info");
    HANDLE m = CreateMailslotA(n, 8, 0, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    DWORD max = 0, next = 0, count = 9, timeout = 9;
    ck_assert(GetMailslotInfo(m, &max, &next, &count, &timeout));
    ck_assert_uint_eq(max, 8);
    ck_assert_uint_eq(next, MAILSLOT_NO_MESSAGE);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(timeout, 0);
    char buf[16];
    DWORD done = 7;
    ASSERT_FAILS(ReadFile(m, buf, sizeof buf, &done, NULL), ERROR_SEM_TIMEOUT);
    ck_assert_uint_eq(done, 0);
    HANDLE w = writer(n);
    /* Larger than the maximum: rejected. */
    ASSERT_FAILS(WriteFile(w, "123456789", 9, &done, NULL), ERROR_SEM_TIMEOUT);
    SetLastError(0xdeadbeef);
    ck_assert(WriteFile(w, "1234", 4, &done, NULL));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(done, 4);
    ck_assert(WriteFile(w, "12345678", 8, &done, NULL));
    ck_assert(WriteFile(w, "ab", 2, &done, NULL));
    ck_assert(GetMailslotInfo(m, NULL, &next, &count, NULL));
    ck_assert_uint_eq(next, 4);
    ck_assert_uint_eq(count, 3);
    /* Too small a buffer: the message stays. */
    ASSERT_FAILS(ReadFile(m, buf, 2, &done, NULL), ERROR_INSUFFICIENT_BUFFER);
    ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 4);
    ck_assert(memcmp(buf, "1234", 4) == 0);
    ck_assert(GetMailslotInfo(m, NULL, &next, &count, NULL));
    ck_assert_uint_eq(next, 8);
    ck_assert_uint_eq(count, 2);
    ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 8);
    ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 2);
    ck_assert(memcmp(buf, "ab", 2) == 0);
    /* Time-outs: a finite one expires; SetMailslotInfo changes it. */
    SetLastError(0xdeadbeef);
    ck_assert(SetMailslotInfo(m, 30));
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert(GetMailslotInfo(m, NULL, NULL, NULL, &timeout));
    ck_assert_uint_eq(timeout, 30);
    ASSERT_FAILS(ReadFile(m, buf, sizeof buf, &done, NULL), ERROR_SEM_TIMEOUT);
    ck_assert(SetMailslotInfo(m, MAILSLOT_WAIT_FOREVER));
    ck_assert(GetMailslotInfo(m, NULL, NULL, NULL, &timeout));
    ck_assert_uint_eq(timeout, MAILSLOT_WAIT_FOREVER);
    ck_assert_uint_eq(GetFileType(m), FILE_TYPE_UNKNOWN);
    CloseHandle(w);
    CloseHandle(m);
}
END_TEST

static DWORD WINAPI late_writer(LPVOID arg)
{
    settle_ms(20);
    HANDLE w = CreateFileA(arg, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (w == INVALID_HANDLE_VALUE)
        return 1;
    DWORD done;
    BOOL ok = WriteFile(w, "late", 4, &done, NULL);
    CloseHandle(w);
    return ok ? 0 : 2;
}

START_TEST(test_wait_forever)
{
    const char *n = mname("forever");
    HANDLE m = CreateMailslotA(n, 0, MAILSLOT_WAIT_FOREVER, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    HANDLE th = CreateThread(NULL, 0, late_writer, (LPVOID)n, 0, NULL);
    char buf[8];
    DWORD done = 0;
    ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 4);
    ASSERT_WAIT(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    DWORD code = 9;
    ck_assert(GetExitCodeThread(th, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(th);
    CloseHandle(m);
}
END_TEST

START_TEST(test_across_processes)
{
    const char *n = mname("xproc");
    HANDLE m = CreateMailslotA(n, 64, 10000, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    pid_t kid = fork();
    ck_assert_int_ge(kid, 0);
    if (kid == 0) {
        /* The child opens the name itself (it must not use m). */
        HANDLE w = CreateFileA(n, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
        if (w == INVALID_HANDLE_VALUE)
            _exit(1);
        DWORD done;
        char big[65] = {0};
        if (WriteFile(w, big, 65, &done, NULL) || GetLastError() != ERROR_SEM_TIMEOUT)
            _exit(2);
        for (int i = 0; i < 3; i++)
            if (!WriteFile(w, "from child", 10, &done, NULL))
                _exit(3);
        CloseHandle(w);
        _exit(0);
    }
    char buf[64];
    DWORD done;
    for (int i = 0; i < 3; i++) {
        ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
        ck_assert_uint_eq(done, 10);
        ck_assert(memcmp(buf, "from child", 10) == 0);
    }
    int st = 0;
    ck_assert_int_eq(waitpid(kid, &st, 0), kid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
    CloseHandle(m);
}
END_TEST

START_TEST(test_killed_reader)
{
    const char *n = mname("killed");
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t kid = fork();
    ck_assert_int_ge(kid, 0);
    if (kid == 0) {
        HANDLE m = CreateMailslotA(n, 0, 0, NULL);
        char c = m != INVALID_HANDLE_VALUE ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    char c = 0;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    ck_assert_int_eq(c, 'y');
    SetLastError(0xdeadbeef);
    ck_assert(CreateMailslotA(n, 0, 0, NULL) == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    HANDLE w = writer(n);
    kill(kid, SIGKILL);
    int st;
    ck_assert_int_eq(waitpid(kid, &st, 0), kid);
    /* The reader is gone: writes have nowhere to go; the name is free. */
    DWORD done;
    ASSERT_FAILS(WriteFile(w, "x", 1, &done, NULL), ERROR_HANDLE_EOF);
    CloseHandle(w);
    SetLastError(0xdeadbeef);
    w = CreateFileA(n, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ck_assert(w == INVALID_HANDLE_VALUE);
    ASSERT_LAST_ERROR(ERROR_FILE_NOT_FOUND);
    HANDLE m = CreateMailslotA(n, 0, 0, NULL);
    ck_assert(m != INVALID_HANDLE_VALUE);
    w = writer(n);
    ck_assert(WriteFile(w, "again", 5, &done, NULL));
    char buf[8];
    ck_assert(ReadFile(m, buf, sizeof buf, &done, NULL));
    ck_assert_uint_eq(done, 5);
    CloseHandle(w);
    CloseHandle(m);
    close(ready[0]);
    close(ready[1]);
}
END_TEST


/* A reader and a writer duplicated into another process: the queue, the
 * counts and the time-out are the same object's there. */
static int child_mailslot(struct xproc *x)
{
    HANDLE r, w;
    char buf[16];
    DWORD n = 0, next = 0, count = 0, timeout = 0;
    if (!child_get(x, &r, sizeof r) || !child_get(x, &w, sizeof w))
        return 1;
    if (!GetMailslotInfo(r, NULL, &next, &count, &timeout) || next != 3 || count != 2 ||
        timeout != 0)
        return 2;
    SetLastError(0xdeadbeef);
    if (ReadFile(r, buf, 2, &n, NULL) || GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        return 3;
    if (!ReadFile(r, buf, sizeof buf, &n, NULL) || n != 3 || memcmp(buf, "one", 3))
        return 4;
    if (!SetMailslotInfo(r, 25))
        return 5;
    if (!WriteFile(w, "from child", 10, &n, NULL) || n != 10)
        return 6;
    SetLastError(0xdeadbeef);
    if (ReadFile(w, buf, sizeof buf, &n, NULL) || GetLastError() != ERROR_ACCESS_DENIED)
        return 7;
    SetLastError(0xdeadbeef);
    if (GetMailslotInfo(w, NULL, &next, NULL, NULL) || GetLastError() != ERROR_INVALID_HANDLE)
        return 8;
    SetLastError(0xdeadbeef);
    if (WriteFile(r, "x", 1, &n, NULL) || GetLastError() != ERROR_ACCESS_DENIED)
        return 9;
    return CloseHandle(r) && CloseHandle(w) ? 0 : 10;
}

START_TEST(test_ends_in_other_process)
{
    const char *n = mname("xdup");
    HANDLE r = CreateMailslotA(n, 0, 0, NULL);
    ck_assert(r != INVALID_HANDLE_VALUE);
    HANDLE w = writer(n);
    DWORD got;
    ck_assert(WriteFile(w, "one", 3, &got, NULL));
    ck_assert(WriteFile(w, "second", 6, &got, NULL));
    struct xproc x;
    xproc_start(&x, child_mailslot);
    xproc_give(&x, r, 0, DUPLICATE_SAME_ACCESS);
    xproc_give(&x, w, 0, DUPLICATE_SAME_ACCESS);
    ck_assert_int_eq(xproc_wait(&x), 0);
    DWORD next = 0, count = 0, timeout = 0;
    ck_assert(GetMailslotInfo(r, NULL, &next, &count, &timeout));
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(next, 6);
    ck_assert_uint_eq(timeout, 25); /* the child's setting */
    char buf[16] = {0};
    ck_assert(ReadFile(r, buf, sizeof buf, &got, NULL));
    ck_assert_uint_eq(got, 6);
    ck_assert(memcmp(buf, "second", 6) == 0);
    ck_assert(ReadFile(r, buf, sizeof buf, &got, NULL));
    ck_assert_uint_eq(got, 10);
    ck_assert(memcmp(buf, "from child", 10) == 0);
    ASSERT_FAILS(ReadFile(r, buf, sizeof buf, &got, NULL), ERROR_SEM_TIMEOUT);
    CloseHandle(w);
    CloseHandle(r);
}
END_TEST

/* Inherited: the reader arrives with its socket, and keeps it after the
 * parent closed its handle. */
static int xchild(int argc, char **argv)
{
    if (argc != 1)
        return 90;
    HANDLE r = xchild_handle(argv[0]);
    char buf[8];
    DWORD n = 0, count = 9;
    if (!GetMailslotInfo(r, NULL, NULL, &count, NULL) || count != 1)
        return 1;
    if (!ReadFile(r, buf, sizeof buf, &n, NULL) || n != 4 || memcmp(buf, "kept", 4))
        return 2;
    return CloseHandle(r) ? 0 : 3;
}

START_TEST(test_inherited_reader)
{
    const char *n = mname("xinherit");
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r = CreateMailslotA(n, 0, 0, &sa);
    ck_assert(r != INVALID_HANDLE_VALUE);
    HANDLE w = writer(n);
    DWORD got;
    ck_assert(WriteFile(w, "kept", 4, &got, NULL));
    char args[32];
    snprintf(args, sizeof args, "%llx", (unsigned long long)(uintptr_t)r);
    PROCESS_INFORMATION pi;
    ck_assert_msg(xproc_spawn(args, TRUE, &pi), "CreateProcess: %lu",
                  (unsigned long)GetLastError());
    ck_assert(CloseHandle(r));
    ck_assert_uint_eq(xproc_spawn_wait(&pi), 0);
    CloseHandle(w);
}
END_TEST

static Suite *mailslot_suite(void)
{
    Suite *s = suite_create("mailslot");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_create_and_errors);
    tcase_add_test(tc, test_client_with_read_access);
    tcase_add_test(tc, test_messages_and_info);
    tcase_add_test(tc, test_wait_forever);
    tcase_add_test(tc, test_across_processes);
    tcase_add_test(tc, test_killed_reader);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ends_in_other_process);
    tcase_add_test(tc, test_inherited_reader);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN_XCHILD(mailslot_suite, xchild)
