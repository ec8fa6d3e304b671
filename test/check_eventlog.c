/* Event logs (lib/sys/eventlog.c): reporting, reading, backups, clearing,
 * change notification, and writers in several processes. */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char store[256];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

/* Each test gets a store of its own (Check forks every test). */
static void setup(void)
{
    snprintf(store, sizeof store, "/tmp/winshim-evlog.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(store));
    setenv("WINSHIM_EVENTLOG_DIR", store, 1);
}

static void teardown(void)
{
    nftw(store, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path in the store directory (for backups). */
static const char *spath(const char *name)
{
    static char buf[2][512];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", store, name);
    return buf[k];
}

static const WCHAR *W(const char *s)
{
    static WCHAR buf[4][256];
    static int k;
    k = (k + 1) % 4;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, buf[k], 256);
    return buf[k];
}

static DWORD count_of(HANDLE h)
{
    DWORD n = 0xcccccccc;
    ck_assert(GetNumberOfEventLogRecords(h, &n));
    return n;
}

static DWORD oldest_of(HANDLE h)
{
    DWORD n = 0xcccccccc;
    ck_assert(GetOldestEventLogRecord(h, &n));
    return n;
}

/* One record read with the given flags into buf (4 KB). */
static EVENTLOGRECORD *read_one(HANDLE h, DWORD flags, DWORD recno, void *buf)
{
    DWORD rd = 0xcccccccc, need = 0xcccccccc;
    /* Exactly one record fits: ask with the size the first failure gives. */
    SetLastError(0xdeadbeef);
    BOOL ok = ReadEventLogW(h, flags, recno, buf, sizeof(EVENTLOGRECORD), &rd, &need);
    if (!ok && GetLastError() == ERROR_HANDLE_EOF)
        return NULL;
    ck_assert(!ok);
    ASSERT_LAST_ERROR(ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(rd, 0);
    ck_assert_uint_gt(need, sizeof(EVENTLOGRECORD));
    ck_assert_uint_le(need, 4096);
    DWORD want = need;
    ck_assert(ReadEventLogW(h, flags, recno, buf, want, &rd, &need));
    ck_assert_uint_eq(rd, want);
    ck_assert_uint_eq(need, 0);
    return buf;
}

static const WCHAR *rec_string(const EVENTLOGRECORD *r, int k)
{
    const WCHAR *s = (const WCHAR *)((const BYTE *)r + r->StringOffset);
    while (k--)
        s += lstrlenW(s) + 1;
    return s;
}

/* ---- basic ---- */

START_TEST(test_report_and_read)
{
    DWORD t0 = (DWORD)time(NULL);
    HANDLE src = RegisterEventSourceW(NULL, W("WinshimTest"));
    ck_assert_ptr_nonnull(src);
    ck_assert_uint_eq((UINT_PTR)src % 4, 0);

    BYTE sidbuf[SECURITY_MAX_SID_SIZE];
    DWORD sidsize = sizeof sidbuf;
    ck_assert(CreateWellKnownSid(WinWorldSid, NULL, sidbuf, &sidsize));
    LPCWSTR strs[2] = {W("first string"), W("second \xc3\xa9")};
    BYTE data[5] = {1, 2, 3, 4, 5};
    ck_assert(ReportEventW(src, EVENTLOG_WARNING_TYPE, 7, 0xc0001234, sidbuf, 2, sizeof data,
                           strs, data));
    ck_assert(ReportEventW(src, EVENTLOG_INFORMATION_TYPE, 0, 42, NULL, 0, 0, NULL, NULL));
    ck_assert_uint_eq(count_of(src), 2);
    ck_assert_uint_eq(oldest_of(src), 1);

    HANDLE log = OpenEventLogW(NULL, W("Application"));
    ck_assert_ptr_nonnull(log);
    ck_assert_uint_eq(count_of(log), 2);
    BYTE buf[4096];
    EVENTLOGRECORD *r = read_one(log, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
    ck_assert_ptr_nonnull(r);
    DWORD t1 = (DWORD)time(NULL);
    ck_assert_uint_eq(r->Reserved, 0x654c664c);
    ck_assert_uint_eq(r->RecordNumber, 1);
    ck_assert(r->TimeGenerated >= t0 && r->TimeGenerated <= t1);
    ck_assert(r->TimeWritten >= r->TimeGenerated && r->TimeWritten <= t1);
    ck_assert_uint_eq(r->EventID, 0xc0001234);
    ck_assert_uint_eq(r->EventType, EVENTLOG_WARNING_TYPE);
    ck_assert_uint_eq(r->EventCategory, 7);
    ck_assert_uint_eq(r->NumStrings, 2);
    ck_assert_uint_eq(r->Length % 4, 0);
    ck_assert_uint_eq(*(DWORD *)(buf + r->Length - 4), r->Length);
    const WCHAR *name = (const WCHAR *)(r + 1);
    ck_assert(!lstrcmpW(name, W("WinshimTest")));
    WCHAR comp[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    ck_assert(GetComputerNameW(comp, &n));
    ck_assert(!lstrcmpW(name + lstrlenW(name) + 1, comp));
    ck_assert_uint_eq(r->UserSidOffset % 4, 0);
    ck_assert_uint_eq(r->UserSidLength, GetLengthSid(sidbuf));
    ck_assert(EqualSid((PSID)(buf + r->UserSidOffset), sidbuf));
    ck_assert_uint_eq(r->StringOffset, r->UserSidOffset + r->UserSidLength);
    ck_assert(!lstrcmpW(rec_string(r, 0), strs[0]));
    ck_assert(!lstrcmpW(rec_string(r, 1), strs[1]));
    ck_assert_uint_eq(r->DataLength, 5);
    ck_assert_uint_eq(r->DataOffset, (DWORD)((const BYTE *)(rec_string(r, 1) + lstrlenW(strs[1]) + 1) - buf));
    ck_assert_mem_eq(buf + r->DataOffset, data, 5);

    r = read_one(log, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->RecordNumber, 2);
    ck_assert_uint_eq(r->EventID, 42);
    ck_assert_uint_eq(r->UserSidLength, 0);
    ck_assert_uint_eq(r->UserSidOffset, r->StringOffset);
    ck_assert_uint_eq(r->DataLength, 0);
    ck_assert_ptr_null(read_one(log, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf));

    /* A record written later is read by the same sequential handle. */
    ck_assert(ReportEventW(log, EVENTLOG_ERROR_TYPE, 1, 43, NULL, 0, 0, NULL, NULL));
    r = read_one(log, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->RecordNumber, 3);
    ck_assert(!lstrcmpW((const WCHAR *)(r + 1), W("Application")));

    ck_assert(DeregisterEventSource(src));
    ck_assert(CloseEventLog(log));
}
END_TEST

START_TEST(test_read_ansi)
{
    HANDLE src = RegisterEventSourceA(NULL, "AnsiSource");
    ck_assert_ptr_nonnull(src);
    LPCSTR strs[3] = {"one", "", "three"};
    BYTE data[3] = {9, 8, 7};
    ck_assert(ReportEventA(src, EVENTLOG_ERROR_TYPE, 2, 100, NULL, 3, 3, strs, data));
    BYTE buf[1024];
    DWORD rd, need;
    ASSERT_FAILS(ReadEventLogA(src, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 1, buf, 8, &rd,
                               &need),
                 ERROR_INSUFFICIENT_BUFFER);
    DWORD want = need;
    ck_assert(ReadEventLogA(src, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 1, buf, sizeof buf,
                            &rd, &need));
    ck_assert_uint_eq(rd, want);
    EVENTLOGRECORD *r = (EVENTLOGRECORD *)buf;
    ck_assert_uint_eq(r->Length, rd);
    ck_assert_uint_eq(*(DWORD *)(buf + r->Length - 4), r->Length);
    const char *name = (const char *)(r + 1);
    ck_assert_str_eq(name, "AnsiSource");
    char comp[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = sizeof comp;
    ck_assert(GetComputerNameA(comp, &n));
    ck_assert_str_eq(name + strlen(name) + 1, comp);
    const char *s = (const char *)buf + r->StringOffset;
    ck_assert_str_eq(s, "one");
    s += 4;
    ck_assert_str_eq(s, "");
    s += 1;
    ck_assert_str_eq(s, "three");
    ck_assert_uint_eq(r->DataOffset, (DWORD)(s + 6 - (const char *)buf));
    ck_assert_mem_eq(buf + r->DataOffset, data, 3);
    ck_assert(DeregisterEventSource(src));
}
END_TEST

START_TEST(test_seek_and_backwards)
{
    HANDLE h = RegisterEventSourceA(NULL, "Seq");
    for (DWORD i = 1; i <= 10; i++)
        ck_assert(ReportEventA(h, EVENTLOG_INFORMATION_TYPE, 0, i, NULL, 0, 0, NULL, NULL));
    BYTE buf[4096];
    /* Backwards from the newest. */
    HANDLE r = OpenEventLogA(NULL, "Application");
    for (DWORD i = 10; i >= 1; i--) {
        EVENTLOGRECORD *e = read_one(r, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, buf);
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->RecordNumber, i);
        ck_assert_uint_eq(e->EventID, i);
    }
    DWORD rd = 0xcccccccc, need = 0xcccccccc;
    ASSERT_FAILS(ReadEventLogA(r, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, buf,
                               sizeof buf, &rd, &need),
                 ERROR_HANDLE_EOF);
    /* Seek, then carry on sequentially in either direction. */
    EVENTLOGRECORD *e = read_one(r, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 5, buf);
    ck_assert_uint_eq(e->RecordNumber, 5);
    e = read_one(r, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
    ck_assert_uint_eq(e->RecordNumber, 6);
    e = read_one(r, EVENTLOG_SEEK_READ | EVENTLOG_BACKWARDS_READ, 7, buf);
    ck_assert_uint_eq(e->RecordNumber, 7);
    e = read_one(r, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, buf);
    ck_assert_uint_eq(e->RecordNumber, 6);
    ASSERT_FAILS(ReadEventLogA(r, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 11, buf,
                               sizeof buf, &rd, &need),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReadEventLogA(r, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 0, buf,
                               sizeof buf, &rd, &need),
                 ERROR_INVALID_PARAMETER);
    /* A big buffer takes as many whole records as fit, in order. */
    ck_assert(ReadEventLogW(r, EVENTLOG_SEEK_READ | EVENTLOG_BACKWARDS_READ, 10, buf, sizeof buf,
                            &rd, &need));
    DWORD expect = 10;
    for (DWORD off = 0; off < rd; expect--) {
        e = (EVENTLOGRECORD *)(buf + off);
        ck_assert_uint_eq(e->RecordNumber, expect);
        off += e->Length;
    }
    ck_assert_uint_eq(expect, 0);
    /* A buffer that holds one record and a half gets one. */
    DWORD one = ((EVENTLOGRECORD *)buf)->Length;
    ck_assert(ReadEventLogW(r, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 3, buf, one + one / 2,
                            &rd, &need));
    ck_assert_uint_eq(rd, one);
    ck_assert_uint_eq(((EVENTLOGRECORD *)buf)->RecordNumber, 3);
    ck_assert(CloseEventLog(r));
    ck_assert(DeregisterEventSource(h));
}
END_TEST

START_TEST(test_logs)
{
    /* Sources write to Application; System and Security are separate. */
    HANDLE src = RegisterEventSourceA("", "Anything");
    ck_assert_ptr_nonnull(src);
    ck_assert(ReportEventA(src, EVENTLOG_SUCCESS, 0, 1, NULL, 0, 0, NULL, NULL));
    HANDLE unknown = OpenEventLogA(NULL, "NoSuchLog");
    ck_assert_ptr_nonnull(unknown);
    ck_assert_uint_eq(count_of(unknown), 1);
    HANDLE sys = OpenEventLogA(NULL, "system");
    ck_assert_ptr_nonnull(sys);
    ck_assert_uint_eq(count_of(sys), 0);
    ck_assert_uint_eq(oldest_of(sys), 0);
    ck_assert(ReportEventA(sys, EVENTLOG_WARNING_TYPE, 0, 2, NULL, 0, 0, NULL, NULL));
    ck_assert_uint_eq(count_of(sys), 1);
    ck_assert_uint_eq(count_of(unknown), 1);
    HANDLE sec = OpenEventLogA(NULL, "Security");
    ck_assert_ptr_nonnull(sec);
    ck_assert_uint_eq(count_of(sec), 0);
    ASSERT_FAILS(ReportEventA(sec, EVENTLOG_AUDIT_SUCCESS, 0, 1, NULL, 0, 0, NULL, NULL),
                 ERROR_ACCESS_DENIED);
    ASSERT_FAILS(RegisterEventSourceA(NULL, "Security"), ERROR_ACCESS_DENIED);
    /* The local computer by name, with or without backslashes. */
    char comp[MAX_COMPUTERNAME_LENGTH + 3] = "\\\\";
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    ck_assert(GetComputerNameA(comp + 2, &n));
    HANDLE me = OpenEventLogA(comp, "Application");
    ck_assert_ptr_nonnull(me);
    ck_assert(CloseEventLog(me));
    ck_assert_ptr_nonnull(me = RegisterEventSourceA(comp + 2, "x"));
    ck_assert(DeregisterEventSource(me));
    /* A duplicate in the same process is the same log handle. */
    HANDLE dup;
    ck_assert(DuplicateHandle(GetCurrentProcess(), sys, GetCurrentProcess(), &dup, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(CloseEventLog(sys));
    ck_assert_uint_eq(count_of(dup), 1);
    ck_assert(ReportEventA(dup, EVENTLOG_WARNING_TYPE, 0, 3, NULL, 0, 0, NULL, NULL));
    ck_assert_uint_eq(count_of(dup), 2);
    ck_assert(CloseEventLog(sec));
    sys = dup;
    ck_assert(CloseEventLog(unknown));
    ck_assert(DeregisterEventSource(src));
}
END_TEST

START_TEST(test_info)
{
    EVENTLOG_FULL_INFORMATION fi[2];
    DWORD need = 0xcccccccc;
    ASSERT_FAILS(GetEventLogInformation(NULL, 1, NULL, 0, NULL), ERROR_INVALID_LEVEL);
    ASSERT_FAILS(GetEventLogInformation(NULL, EVENTLOG_FULL_INFO, NULL, 0, NULL),
                 ERROR_INVALID_HANDLE);
    HANDLE h = OpenEventLogA(NULL, "Application");
    ASSERT_FAILS(GetEventLogInformation(h, EVENTLOG_FULL_INFO, NULL, 0, &need),
                 RPC_X_NULL_REF_POINTER);
    ASSERT_FAILS(GetEventLogInformation(h, EVENTLOG_FULL_INFO, fi, 0, NULL),
                 RPC_X_NULL_REF_POINTER);
    fi[0].dwFull = 0xdeadbeef;
    ASSERT_FAILS(GetEventLogInformation(h, EVENTLOG_FULL_INFO, fi, 3, &need),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, sizeof(EVENTLOG_FULL_INFORMATION));
    ck_assert_uint_eq(fi[0].dwFull, 0xdeadbeef);
    need = 0;
    ck_assert(GetEventLogInformation(h, EVENTLOG_FULL_INFO, fi, sizeof fi, &need));
    ck_assert_uint_eq(need, sizeof(EVENTLOG_FULL_INFORMATION));
    ck_assert_uint_eq(fi[0].dwFull, 0);
    ck_assert(CloseEventLog(h));
}
END_TEST

/* ---- errors ---- */

START_TEST(test_errors)
{
    BYTE buf[256];
    DWORD rd = 0xcccccccc, need = 0xcccccccc, n;
    ASSERT_FAILS(OpenEventLogA(NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenEventLogA("IDontExist", NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenEventLogA("IDontExist", "Application"), RPC_S_SERVER_UNAVAILABLE);
    ASSERT_FAILS(OpenEventLogW(W("\\\\elsewhere"), W("Application")), RPC_S_SERVER_UNAVAILABLE);
    ASSERT_FAILS(RegisterEventSourceA(NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(RegisterEventSourceA("\\\\elsewhere", "src"), RPC_S_SERVER_UNAVAILABLE);
    ASSERT_FAILS(OpenBackupEventLogA(NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenBackupEventLogA("IDontExist", NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenBackupEventLogA("IDontExist", "x.evt"), RPC_S_SERVER_UNAVAILABLE);
    ASSERT_FAILS(OpenBackupEventLogA(NULL, spath("missing.evt")), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(CloseEventLog(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(DeregisterEventSource(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetNumberOfEventLogRecords(NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetNumberOfEventLogRecords(NULL, &n), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetOldestEventLogRecord(NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetOldestEventLogRecord(NULL, &n), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(BackupEventLogA(NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(BackupEventLogA(NULL, spath("b.evt")), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ClearEventLogA(NULL, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ReportEventA(NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ReadEventLogA(NULL, 0, 0, NULL, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReadEventLogA(NULL, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, NULL,
                               0, &rd, &need),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReadEventLogA(NULL, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf,
                               sizeof buf, &rd, &need),
                 ERROR_INVALID_HANDLE);
    ck_assert_uint_eq(rd, 0xcccccccc);
    ck_assert_uint_eq(need, 0xcccccccc);

    HANDLE h = RegisterEventSourceA(NULL, "Err");
    ck_assert_ptr_nonnull(h);
    static const DWORD bad[] = {
        0,
        EVENTLOG_SEQUENTIAL_READ,
        EVENTLOG_SEEK_READ,
        EVENTLOG_FORWARDS_READ,
        EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ | EVENTLOG_BACKWARDS_READ,
        EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ | EVENTLOG_BACKWARDS_READ,
        EVENTLOG_SEEK_READ | EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ,
        EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ | 0x10,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ASSERT_FAILS(ReadEventLogA(h, bad[i], 0, buf, sizeof buf, &rd, &need),
                     ERROR_INVALID_PARAMETER);
    /* An empty log. */
    ASSERT_FAILS(ReadEventLogA(h, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf,
                               sizeof buf, &rd, &need),
                 ERROR_HANDLE_EOF);
    ASSERT_FAILS(ReadEventLogA(h, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 1, buf,
                               sizeof buf, &rd, &need),
                 ERROR_INVALID_PARAMETER);
    /* ReportEvent's arguments. */
    LPCSTR one[1] = {NULL};
    ASSERT_FAILS(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 1, 0, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 1, 0, one, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 0, 4, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    BYTE badsid[12] = {9, 1};
    ASSERT_FAILS(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, badsid, 0, 0, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    char *longs = malloc(31841);
    memset(longs, 'x', 31840);
    longs[31840] = 0;
    LPCSTR l1[1] = {longs};
    ASSERT_FAILS(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 1, 0, l1, NULL),
                 RPC_S_INVALID_BOUND);
    longs[31839] = 0;
    ck_assert(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 1, 0, l1, NULL));
    free(longs);
    ASSERT_FAILS(ReportEventA(h, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 0, 0x80000, NULL, buf),
                 ERROR_INVALID_PARAMETER);
    /* An unknown type is kept as EVENTLOG_SUCCESS (Windows since Vista). */
    ck_assert(ReportEventA(h, 0x20, 0, 2, NULL, 0, 0, NULL, NULL));
    ck_assert(ReadEventLogW(h, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 2, buf, sizeof buf,
                            &rd, &need));
    ck_assert_uint_eq(((EVENTLOGRECORD *)buf)->EventType, EVENTLOG_SUCCESS);
    /* Not an event-log handle. */
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(GetNumberOfEventLogRecords(ev, &n), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseEventLog(ev), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(NotifyChangeEventLog(h, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(NotifyChangeEventLog(h, h), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(NotifyChangeEventLog(NULL, ev), ERROR_INVALID_HANDLE);
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &weak, SYNCHRONIZE,
                              FALSE, 0));
    ASSERT_FAILS(NotifyChangeEventLog(h, weak), ERROR_ACCESS_DENIED);
    ck_assert(CloseHandle(weak));
    ck_assert(CloseHandle(ev));
    /* Closed twice. */
    ck_assert(DeregisterEventSource(h));
    ASSERT_FAILS(DeregisterEventSource(h), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseEventLog(h), ERROR_INVALID_HANDLE);
}
END_TEST

/* A writer killed inside write(2) leaves part of a record: readers stop
 * before it and the next writer cuts it off. */
START_TEST(test_torn_tail)
{
    HANDLE h = RegisterEventSourceA(NULL, "Torn");
    ck_assert(ReportEventA(h, EVENTLOG_INFORMATION_TYPE, 0, 1, NULL, 0, 0, NULL, NULL));
    ck_assert(ReportEventA(h, EVENTLOG_INFORMATION_TYPE, 0, 2, NULL, 0, 0, NULL, NULL));
    int fd = open(spath("Application.log"), O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    DWORD half[6] = {0x100, 0x654c664c, 3, 0, 0, 3};
    ck_assert_int_eq(write(fd, half, sizeof half), (int)sizeof half);
    close(fd);
    HANDLE r = OpenEventLogA(NULL, "Application");
    ck_assert_uint_eq(count_of(r), 2);
    ck_assert(ReportEventA(h, EVENTLOG_INFORMATION_TYPE, 0, 3, NULL, 0, 0, NULL, NULL));
    ck_assert_uint_eq(count_of(r), 3);
    BYTE buf[4096];
    for (DWORD i = 1; i <= 3; i++) {
        EVENTLOGRECORD *e = read_one(r, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->RecordNumber, i);
        ck_assert_uint_eq(e->EventID, i);
    }
    ck_assert_ptr_null(read_one(r, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf));
    CloseEventLog(r);
    DeregisterEventSource(h);
}
END_TEST

/* ---- backups and clearing ---- */

START_TEST(test_backup_clear)
{
    HANDLE h = RegisterEventSourceA(NULL, "Backup");
    LPCSTR s[1] = {"payload"};
    for (DWORD i = 1; i <= 3; i++)
        ck_assert(ReportEventA(h, EVENTLOG_INFORMATION_TYPE, 0, i, NULL, 1, 1, s, "z"));
    ASSERT_FAILS(BackupEventLogA(h, NULL), ERROR_INVALID_PARAMETER);
    ck_assert(BackupEventLogA(h, spath("one.evt")));
    ASSERT_FAILS(BackupEventLogA(h, spath("one.evt")), ERROR_ALREADY_EXISTS);
    ASSERT_FAILS(BackupEventLogA(h, spath("nodir/x.evt")), ERROR_PATH_NOT_FOUND);
    /* The .evt header: HeaderSize, "LfLe", version 1.1. */
    int fd = open(spath("one.evt"), O_RDONLY);
    DWORD hdr[12];
    ck_assert_int_eq(read(fd, hdr, sizeof hdr), (int)sizeof hdr);
    close(fd);
    ck_assert_uint_eq(hdr[0], 0x30);
    ck_assert_uint_eq(hdr[1], 0x654c664c);
    ck_assert_uint_eq(hdr[2], 1);
    ck_assert_uint_eq(hdr[3], 1);
    ck_assert_uint_eq(hdr[6], 4); /* CurrentRecordNumber */
    ck_assert_uint_eq(hdr[7], 1); /* OldestRecordNumber */

    /* Clearing to an existing file fails and keeps the log. */
    ASSERT_FAILS(ClearEventLogA(h, spath("one.evt")), ERROR_ALREADY_EXISTS);
    ck_assert_uint_eq(count_of(h), 3);
    HANDLE reader = OpenEventLogA(NULL, "Application");
    BYTE buf[4096];
    ck_assert_ptr_nonnull(read_one(reader, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf));
    ck_assert(ClearEventLogA(h, spath("two.evt")));
    ck_assert_uint_eq(count_of(h), 0);
    ck_assert_uint_eq(count_of(reader), 0);
    /* Numbers carry on after a clear (Windows since Vista SP1). */
    ck_assert(ReportEventA(h, EVENTLOG_INFORMATION_TYPE, 0, 4, NULL, 0, 0, NULL, NULL));
    ck_assert_uint_eq(count_of(reader), 1);
    ck_assert_uint_eq(oldest_of(reader), 4);
    EVENTLOGRECORD *e = read_one(reader, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->RecordNumber, 4);
    ck_assert(ClearEventLogW(h, NULL));
    ck_assert_uint_eq(count_of(h), 0);

    /* The backups hold the three records, byte for byte. */
    for (int k = 0; k < 2; k++) {
        HANDLE b = OpenBackupEventLogA(NULL, spath(k ? "two.evt" : "one.evt"));
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq(count_of(b), 3);
        ck_assert_uint_eq(oldest_of(b), 1);
        for (DWORD i = 1; i <= 3; i++) {
            e = read_one(b, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf);
            ck_assert_ptr_nonnull(e);
            ck_assert_uint_eq(e->RecordNumber, i);
            ck_assert_uint_eq(e->EventID, i);
            ck_assert(!lstrcmpW(rec_string(e, 0), W("payload")));
            ck_assert_uint_eq(buf[e->DataOffset], 'z');
        }
        ck_assert_ptr_null(read_one(b, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf));
        ASSERT_FAILS(ReportEventA(b, EVENTLOG_ERROR_TYPE, 0, 1, NULL, 0, 0, NULL, NULL),
                     ERROR_INVALID_HANDLE);
        ASSERT_FAILS(ClearEventLogA(b, NULL), ERROR_INVALID_HANDLE);
        ASSERT_FAILS(ClearEventLogA(b, spath("three.evt")), ERROR_INVALID_HANDLE);
        HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
        ASSERT_FAILS(NotifyChangeEventLog(b, ev), ERROR_INVALID_HANDLE);
        CloseHandle(ev);
        /* A backup of a backup. */
        if (!k) {
            ck_assert(BackupEventLogA(b, spath("copy.evt")));
            HANDLE c = OpenBackupEventLogW(W(""), W(spath("copy.evt")));
            ck_assert_ptr_nonnull(c);
            ck_assert_uint_eq(count_of(c), 3);
            ck_assert(CloseEventLog(c));
        }
        ck_assert(CloseEventLog(b));
    }
    ck_assert_int_eq(access(spath("three.evt"), F_OK), -1);

    /* Files that are not event logs. */
    fd = open(spath("empty.evt"), O_CREAT | O_WRONLY, 0600);
    close(fd);
    ASSERT_FAILS(OpenBackupEventLogA(NULL, spath("empty.evt")), ERROR_EVENTLOG_FILE_CORRUPT);
    fd = open(spath("text.evt"), O_CREAT | O_WRONLY, 0600);
    static const char text[] = "Just some text, long enough to pass for a header and an EOF record";
    ck_assert_int_eq(write(fd, text, sizeof text), (int)sizeof text);
    close(fd);
    ASSERT_FAILS(OpenBackupEventLogA(NULL, spath("text.evt")), ERROR_EVENTLOG_FILE_CORRUPT);
    ck_assert(CloseEventLog(reader));
    ck_assert(DeregisterEventSource(h));
}
END_TEST

/* A backup that wrapped around the end of its circular buffer, as
 * Windows writes them once a log is full: the records from StartOffset
 * to the end of the file, then from the header on. */
START_TEST(test_wrapped_backup)
{
    HANDLE h = RegisterEventSourceA(NULL, "Wrap");
    LPCSTR s[1] = {"a string long enough to matter"};
    for (DWORD i = 1; i <= 3; i++)
        ck_assert(ReportEventA(h, EVENTLOG_WARNING_TYPE, 0, i, NULL, 1, 0, s, NULL));
    ck_assert(BackupEventLogA(h, spath("flat.evt")));
    static BYTE flat[8192], wrapped[8192];
    int fd = open(spath("flat.evt"), O_RDONLY);
    ssize_t n = read(fd, flat, sizeof flat);
    close(fd);
    ck_assert_int_gt(n, 0x30 + 0x28);
    DWORD hdr[12];
    memcpy(hdr, flat, sizeof hdr);
    DWORD r = hdr[5] - 0x30;               /* bytes of records */
    DWORD first;                           /* length of the first record */
    memcpy(&first, flat + 0x30, sizeof first);
    DWORD c = r + 0x28 + 16;               /* the circular area */
    DWORD split = first + 8;               /* the second record straddles */
    DWORD start = 0x30 + c - split;
    for (DWORD k = 0; k < r + 0x28; k++)
        wrapped[0x30 + (start - 0x30 + k) % c] = flat[0x30 + k];
    hdr[4] = start;                        /* StartOffset */
    hdr[5] = 0x30 + (start - 0x30 + r) % c; /* EndOffset: the EOF record */
    hdr[8] = 0x30 + c;                     /* MaxSize */
    memcpy(wrapped, hdr, sizeof hdr);
    fd = open(spath("wrapped.evt"), O_CREAT | O_WRONLY, 0600);
    ck_assert_int_eq(write(fd, wrapped, 0x30 + c), (int)(0x30 + c));
    close(fd);
    HANDLE b = OpenBackupEventLogA(NULL, spath("wrapped.evt"));
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(count_of(b), 3);
    ck_assert_uint_eq(oldest_of(b), 1);
    BYTE buf[4096];
    DWORD rd, need;
    ck_assert(ReadEventLogW(b, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf,
                            sizeof buf, &rd, &need));
    ck_assert_uint_eq(rd, r);
    ck_assert_mem_eq(buf, flat + 0x30, r);
    ck_assert(CloseEventLog(b));
    ck_assert(DeregisterEventSource(h));
}
END_TEST

/* ---- processes ---- */

#define WRITERS 4
#define PER_WRITER 500

static void writer_child(int w, int count)
{
    HANDLE h = RegisterEventSourceA(NULL, "Writer");
    if (!h)
        _exit(2);
    for (int k = 0; k < count; k++) {
        char s[32];
        snprintf(s, sizeof s, "w%d k%d", w, k);
        LPCSTR strs[1] = {s};
        DWORD id = (DWORD)(w * 100000 + k);
        if (!ReportEventA(h, EVENTLOG_INFORMATION_TYPE, (WORD)w, id, NULL, 1, sizeof id, strs, &id))
            _exit(3);
    }
    DeregisterEventSource(h);
    _exit(0);
}

/* Every record of every writer once, numbers consecutive from first;
 * returns the number after the last. */
static DWORD check_records(HANDLE h, DWORD first, int *seen, int writers, int per)
{
    static BYTE buf[0x7ffff];
    DWORD rd, need, expect = first;
    int last[WRITERS + 1];
    for (int i = 0; i <= WRITERS; i++)
        last[i] = -1;
    while (ReadEventLogW(h, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, buf, sizeof buf,
                         &rd, &need)) {
        for (DWORD off = 0; off < rd;) {
            EVENTLOGRECORD *e = (EVENTLOGRECORD *)(buf + off);
            ck_assert_uint_eq(e->RecordNumber, expect);
            expect++;
            int w = (int)(e->EventID / 100000), k = (int)(e->EventID % 100000);
            ck_assert(w >= 0 && w < writers && k < per);
            ck_assert_uint_eq(e->EventCategory, w);
            DWORD id; /* data follows the strings: not aligned */
            memcpy(&id, buf + off + e->DataOffset, sizeof id);
            ck_assert_uint_eq(id, e->EventID);
            char s[32];
            snprintf(s, sizeof s, "w%d k%d", w, k);
            ck_assert(!lstrcmpW(rec_string(e, 0), W(s)));
            ck_assert_int_eq(seen[w * per + k]++, 0);
            ck_assert_int_gt(k, last[w]); /* each writer's order kept */
            last[w] = k;
            off += e->Length;
        }
    }
    ASSERT_LAST_ERROR(ERROR_HANDLE_EOF);
    return expect;
}

START_TEST(test_concurrent_writers)
{
    setenv("WINSHIM_EVENTLOG_SYSLOG", "0", 1);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        ck_assert_int_ge(pids[w], 0);
        if (!pids[w])
            writer_child(w, PER_WRITER);
    }
    /* A reader reads while they write. */
    HANDLE r = OpenEventLogA(NULL, "Application");
    DWORD n;
    do
        ck_assert(GetNumberOfEventLogRecords(r, &n));
    while (n < 10);
    for (int w = 0; w < WRITERS; w++) {
        int st;
        ck_assert_int_eq(waitpid(pids[w], &st, 0), pids[w]);
        ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    ck_assert_uint_eq(count_of(r), WRITERS * PER_WRITER);
    int *seen = calloc(WRITERS * PER_WRITER, sizeof *seen);
    ck_assert_uint_eq(check_records(r, 1, seen, WRITERS, PER_WRITER), WRITERS * PER_WRITER + 1);
    for (int i = 0; i < WRITERS * PER_WRITER; i++)
        ck_assert_int_eq(seen[i], 1);
    free(seen);
    ck_assert(CloseEventLog(r));
}
END_TEST

/* Threads: two share one handle, two have their own; a third reads. */
static HANDLE shared_src;

static DWORD WINAPI writer_thread(LPVOID arg)
{
    int w = (int)(INT_PTR)arg;
    HANDLE h = w < 2 ? shared_src : RegisterEventSourceA(NULL, "Thread");
    for (int k = 0; k < PER_WRITER; k++) {
        char s[32];
        snprintf(s, sizeof s, "w%d k%d", w, k);
        LPCSTR strs[1] = {s};
        DWORD id = (DWORD)(w * 100000 + k);
        if (!ReportEventA(h, EVENTLOG_INFORMATION_TYPE, (WORD)w, id, NULL, 1, sizeof id, strs, &id))
            return 1;
    }
    if (w >= 2)
        DeregisterEventSource(h);
    return 0;
}

START_TEST(test_threads)
{
    setenv("WINSHIM_EVENTLOG_SYSLOG", "0", 1);
    shared_src = RegisterEventSourceA(NULL, "Thread");
    HANDLE t[WRITERS];
    for (int w = 0; w < WRITERS; w++)
        t[w] = CreateThread(NULL, 0, writer_thread, (LPVOID)(INT_PTR)w, 0, NULL);
    ck_assert_uint_eq(WaitForMultipleObjects(WRITERS, t, TRUE, INFINITE), WAIT_OBJECT_0);
    for (int w = 0; w < WRITERS; w++) {
        DWORD code;
        ck_assert(GetExitCodeThread(t[w], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[w]);
    }
    int *seen = calloc(WRITERS * PER_WRITER, sizeof *seen);
    ck_assert_uint_eq(check_records(shared_src, 1, seen, WRITERS, PER_WRITER),
                      WRITERS * PER_WRITER + 1);
    free(seen);
    ck_assert(DeregisterEventSource(shared_src));
}
END_TEST

/* Clearing (with a backup) while two processes write loses nothing:
 * every record is in exactly one backup or in the log. */
START_TEST(test_clear_while_writing)
{
    setenv("WINSHIM_EVENTLOG_SYSLOG", "0", 1);
    enum { W2 = 2, PER = 300 };
    pid_t pids[W2];
    for (int w = 0; w < W2; w++)
        if (!(pids[w] = fork()))
            writer_child(w, PER);
    HANDLE h = OpenEventLogA(NULL, "Application");
    char name[3][32];
    int running = W2;
    for (int c = 0; c < 3; c++) {
        /* Some records in (or the writers done: the check holds anyway). */
        DWORD n;
        do {
            ck_assert(GetNumberOfEventLogRecords(h, &n));
            for (int w = 0; w < W2; w++) {
                int st;
                if (pids[w] && waitpid(pids[w], &st, WNOHANG) == pids[w]) {
                    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
                    pids[w] = 0;
                    running--;
                }
            }
        } while (n < 20 && running);
        snprintf(name[c], sizeof name[c], "clear%d.evt", c);
        ck_assert(ClearEventLogA(h, spath(name[c])));
    }
    for (int w = 0; w < W2; w++) {
        int st;
        if (!pids[w])
            continue;
        ck_assert_int_eq(waitpid(pids[w], &st, 0), pids[w]);
        ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    int *seen = calloc(W2 * PER, sizeof *seen);
    DWORD next = 1;
    for (int c = 0; c < 3; c++) {
        HANDLE b = OpenBackupEventLogA(NULL, spath(name[c]));
        ck_assert_ptr_nonnull(b);
        next = check_records(b, next, seen, W2, PER);
        CloseEventLog(b);
    }
    CloseEventLog(h);
    h = OpenEventLogA(NULL, "Application");
    ck_assert_uint_eq(check_records(h, next, seen, W2, PER), W2 * PER + 1);
    for (int i = 0; i < W2 * PER; i++)
        ck_assert_int_eq(seen[i], 1);
    free(seen);
    CloseEventLog(h);
}
END_TEST

/* NotifyChangeEventLog wakes a waiter when another process reports. */
START_TEST(test_notify_other_process)
{
    HANDLE h = OpenEventLogA(NULL, "Application");
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ck_assert(NotifyChangeEventLog(h, ev));
    int stop[2];
    ck_assert_int_eq(pipe(stop), 0);
    pid_t pid = fork();
    if (!pid) {
        /* Report until the parent has seen a notification: the event is
         * pulsed, so one may come before the parent waits. */
        close(stop[1]);
        fcntl(stop[0], F_SETFL, O_NONBLOCK);
        HANDLE s = RegisterEventSourceA(NULL, "Notifier");
        char c;
        while (read(stop[0], &c, 1) != 1) {
            if (!ReportEventA(s, EVENTLOG_INFORMATION_TYPE, 0, 1, NULL, 0, 0, NULL, NULL))
                _exit(3);
            settle_ms(20);
        }
        _exit(0);
    }
    close(stop[0]);
    ASSERT_WAIT(WaitForSingleObject(ev, INFINITE), WAIT_OBJECT_0);
    ck_assert_uint_ge(count_of(h), 1);
    ck_assert_int_eq(write(stop[1], "x", 1), 1);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* After the log handle is closed, nothing pulses the event. */
    ck_assert(CloseEventLog(h));
    HANDLE s = RegisterEventSourceA(NULL, "Notifier");
    ck_assert(ReportEventA(s, EVENTLOG_INFORMATION_TYPE, 0, 1, NULL, 0, 0, NULL, NULL));
    ck_assert(DeregisterEventSource(s));
    ck_assert(CloseHandle(ev));
}
END_TEST

/* `--child exit`: leaves its event-log handles and a notification
 * registration open and returns from main; exit closes them. */
static int child_main(int argc, char **argv, int k)
{
    (void)argc;
    (void)argv;
    (void)k;
    HANDLE c = OpenEventLogA(NULL, "Application");
    HANDLE cev = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!c || !cev || !NotifyChangeEventLog(c, cev))
        return 2;
    HANDLE s = RegisterEventSourceA(NULL, "Leaver");
    if (!s || !ReportEventA(s, EVENTLOG_INFORMATION_TYPE, 0, 1, NULL, 0, 0, NULL, NULL))
        return 3;
    return 0;
}

START_TEST(test_exit_with_open_handles)
{
    char self[PATH_MAX], line[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = 0;
    snprintf(line, sizeof line, "\"%s\" --child exit", self);
    STARTUPINFOA si = {.cb = sizeof si};
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code = 0xcccccccc;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    HANDLE h = OpenEventLogA(NULL, "Application");
    ck_assert_uint_eq(count_of(h), 1);
    /* CloseHandle closes an event-log handle too (a winshim difference). */
    ck_assert(CloseHandle(h));
}
END_TEST

static Suite *eventlog_suite(void)
{
    Suite *s = suite_create("eventlog");
    TCase *basic = tcase_create("basic");
    tcase_add_checked_fixture(basic, setup, teardown);
    tcase_add_test(basic, test_report_and_read);
    tcase_add_test(basic, test_read_ansi);
    tcase_add_test(basic, test_seek_and_backwards);
    tcase_add_test(basic, test_logs);
    tcase_add_test(basic, test_info);
    tcase_add_test(basic, test_backup_clear);
    tcase_add_test(basic, test_torn_tail);
    tcase_add_test(basic, test_wrapped_backup);
    suite_add_tcase(s, basic);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);

    TCase *processes = tcase_create("processes");
    tcase_add_checked_fixture(processes, setup, teardown);
    tcase_set_timeout(processes, 60);
    tcase_add_test(processes, test_concurrent_writers);
    tcase_add_test(processes, test_threads);
    tcase_add_test(processes, test_clear_while_writing);
    tcase_add_test(processes, test_notify_other_process);
    tcase_add_test(processes, test_exit_with_open_handles);
    suite_add_tcase(s, processes);
    return s;
}

TEST_MAIN_WITH_CHILD(eventlog_suite, child_main)
