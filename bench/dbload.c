/*
 * make bench: a database's kind of file I/O (issue 19), once through the
 * Win32 API and once through POSIX calls on the same files, compared in
 * CPU time (getrusage: user + system) per transaction.
 *
 * One transaction, as a rollback-journal database does it:
 *   - ask whether the hot journal exists (GetFileAttributesW / stat: it
 *     does not);
 *   - take an exclusive byte-range lock on the database's lock bytes
 *     (LockFileEx / F_OFD_SETLKW);
 *   - read DB_READS 4 KiB pages at their offsets (ReadFile with an
 *     OVERLAPPED offset / pread);
 *   - create the journal, write the DB_WRITES original pages to it at
 *     their offsets, close it;
 *   - write DB_WRITES pages of the database at their offsets;
 *   - delete the journal, release the lock.
 * No fsync: it would only measure the disk.  The files live in the
 * current directory's file system (/tmp by default: TMPDIR).
 */
#define _GNU_SOURCE
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define DB_PAGES 256
#define DB_READS 8
#define DB_WRITES 4
#define DB_PAGE 4096
#define DB_LOCK_OFF 0x40000000u /* the lock bytes, past the data (SQLite's) */

static char db_path[256], jr_path[300];
static WCHAR db_wpath[256], jr_wpath[256];
static char page[DB_PAGE];

static double cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

/* The pages a transaction touches: spread over the file, the same
 * sequence for both sides. */
static unsigned page_of(long txn, int k)
{
    return (unsigned)((txn * 7 + k * 31) % DB_PAGES);
}

static void widen(const char *s, WCHAR *w)
{
    while ((*w++ = (WCHAR)(unsigned char)*s++))
        ;
}

/* ---- through Win32 ---- */

static HANDLE db_h;

static void win_txn(long t)
{
    if (GetFileAttributesW(jr_wpath) != INVALID_FILE_ATTRIBUTES ||
        GetLastError() != ERROR_FILE_NOT_FOUND)
        abort();
    OVERLAPPED lk = {.Offset = DB_LOCK_OFF};
    if (!LockFileEx(db_h, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &lk))
        abort();
    DWORD done;
    for (int k = 0; k < DB_READS; k++) {
        OVERLAPPED ov = {.Offset = page_of(t, k) * DB_PAGE};
        if (!ReadFile(db_h, page, DB_PAGE, &done, &ov) || done != DB_PAGE)
            abort();
    }
    HANDLE j = CreateFileW(jr_wpath, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (j == INVALID_HANDLE_VALUE)
        abort();
    for (int k = 0; k < DB_WRITES; k++) {
        OVERLAPPED ov = {.Offset = k * DB_PAGE};
        if (!WriteFile(j, page, DB_PAGE, &done, &ov) || done != DB_PAGE)
            abort();
    }
    CloseHandle(j);
    for (int k = 0; k < DB_WRITES; k++) {
        OVERLAPPED ov = {.Offset = page_of(t, k) * DB_PAGE};
        if (!WriteFile(db_h, page, DB_PAGE, &done, &ov) || done != DB_PAGE)
            abort();
    }
    if (!DeleteFileW(jr_wpath))
        abort();
    if (!UnlockFileEx(db_h, 0, 1, 0, &lk))
        abort();
}

/* ---- through POSIX ---- */

static int db_fd;

static void ofd(int fd, short type, off_t off)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = off, .l_len = 1};
    if (fcntl(fd, F_OFD_SETLKW, &fl) < 0)
        abort();
}

static void posix_txn(long t)
{
    struct stat st;
    if (stat(jr_path, &st) == 0 || errno != ENOENT)
        abort();
    ofd(db_fd, F_WRLCK, DB_LOCK_OFF);
    for (int k = 0; k < DB_READS; k++)
        if (pread(db_fd, page, DB_PAGE, (off_t)page_of(t, k) * DB_PAGE) != DB_PAGE)
            abort();
    int j = open(jr_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (j < 0)
        abort();
    for (int k = 0; k < DB_WRITES; k++)
        if (pwrite(j, page, DB_PAGE, (off_t)k * DB_PAGE) != DB_PAGE)
            abort();
    close(j);
    for (int k = 0; k < DB_WRITES; k++)
        if (pwrite(db_fd, page, DB_PAGE, (off_t)page_of(t, k) * DB_PAGE) != DB_PAGE)
            abort();
    if (unlink(jr_path) < 0)
        abort();
    ofd(db_fd, F_UNLCK, DB_LOCK_OFF);
}

/* CPU ns per transaction of n transactions, best of `rounds`. */
static double cpu_per_txn(void (*txn)(long), long n, int rounds)
{
    double best = 1e30;
    for (int r = 0; r < rounds; r++) {
        double c0 = cpu_ns();
        for (long t = 0; t < n; t++)
            txn(t);
        double c = (cpu_ns() - c0) / n;
        if (c < best)
            best = c;
    }
    return best;
}

/* ---- the file path, call by call (ns/op, best of 5) ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double best_of(void (*fn)(long), long n)
{
    double best = 1e30;
    fn(n / 10);
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        fn(n);
        double t = (now() - t0) / n;
        if (t < best)
            best = t;
    }
    return best;
}

static void c_attr_missing(long n)
{
    for (long i = 0; i < n; i++)
        if (GetFileAttributesW(jr_wpath) != INVALID_FILE_ATTRIBUTES)
            abort();
}

static void p_stat_missing(long n)
{
    struct stat st;
    for (long i = 0; i < n; i++)
        if (stat(jr_path, &st) == 0)
            abort();
}

static void c_read_at(long n)
{
    DWORD done;
    for (long i = 0; i < n; i++) {
        OVERLAPPED ov = {.Offset = page_of(i, 0) * DB_PAGE};
        if (!ReadFile(db_h, page, DB_PAGE, &done, &ov))
            abort();
    }
}

static void p_pread(long n)
{
    for (long i = 0; i < n; i++)
        if (pread(db_fd, page, DB_PAGE, (off_t)page_of(i, 0) * DB_PAGE) != DB_PAGE)
            abort();
}

static void c_create_delete(long n)
{
    for (long i = 0; i < n; i++) {
        HANDLE j = CreateFileW(jr_wpath, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                               CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (j == INVALID_HANDLE_VALUE)
            abort();
        CloseHandle(j);
        if (!DeleteFileW(jr_wpath))
            abort();
    }
}

static void p_create_delete(long n)
{
    for (long i = 0; i < n; i++) {
        int j = open(jr_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (j < 0)
            abort();
        close(j);
        if (unlink(jr_path) < 0)
            abort();
    }
}

static void bench_file_calls(long n)
{
    row("GetFileAttributesW, missing file", best_of(c_attr_missing, n),
        "vs stat, missing file", best_of(p_stat_missing, n), "");
    row("ReadFile 4 KiB at an OVERLAPPED offset", best_of(c_read_at, n), "vs pread",
        best_of(p_pread, n), "");
    row("CreateFile(CREATE_ALWAYS)+Close+DeleteFile", best_of(c_create_delete, n / 10),
        "vs open(O_CREAT)+close+unlink", best_of(p_create_delete, n / 10), "");
}

void bench_db(long n)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(db_path, sizeof db_path, "%s/winshim-bench-db-%d", dir, (int)getpid());
    snprintf(jr_path, sizeof jr_path, "%s-journal", db_path);
    widen(db_path, db_wpath);
    widen(jr_path, jr_wpath);
    memset(page, 'p', sizeof page);

    db_fd = open(db_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (db_fd < 0)
        return;
    for (int i = 0; i < DB_PAGES; i++)
        if (pwrite(db_fd, page, DB_PAGE, (off_t)i * DB_PAGE) != DB_PAGE)
            abort();
    /* The way a database opens its file on Windows: shared for reading
     * and writing, so that other connections (processes) can open it. */
    db_h = CreateFileW(db_wpath, GENERIC_READ | GENERIC_WRITE,
                       FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    if (db_h == INVALID_HANDLE_VALUE)
        abort();

    /* Warm both, then alternate rounds so that both see the same noise. */
    win_txn(0);
    posix_txn(0);
    double w = 1e30, p = 1e30;
    for (int r = 0; r < 5; r++) {
        double pr = cpu_per_txn(posix_txn, n, 1);
        double wr = cpu_per_txn(win_txn, n, 1);
        if (pr < p)
            p = pr;
        if (wr < w)
            w = wr;
    }
    bench_file_calls(n * 10);
    row("db workload: 1 txn (CPU time, user+sys)", w, "vs POSIX calls, same files", p,
        "target <= 1.05x");
    CloseHandle(db_h);
    close(db_fd);
    unlink(db_path);
}

/* bench --db-only N: just the Win32 side, N transactions (for strace -c,
 * perf and callgrind); with "posix", just the POSIX side. */
void bench_db_only(long n, int posix)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(db_path, sizeof db_path, "%s/winshim-bench-db-%d", dir, (int)getpid());
    snprintf(jr_path, sizeof jr_path, "%s-journal", db_path);
    widen(db_path, db_wpath);
    widen(jr_path, jr_wpath);
    memset(page, 'p', sizeof page);
    db_fd = open(db_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (db_fd < 0)
        abort();
    for (int i = 0; i < DB_PAGES; i++)
        if (pwrite(db_fd, page, DB_PAGE, (off_t)i * DB_PAGE) != DB_PAGE)
            abort();
    db_h = CreateFileW(db_wpath, GENERIC_READ | GENERIC_WRITE,
                       FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    if (db_h == INVALID_HANDLE_VALUE)
        abort();
    double c0 = cpu_ns();
    for (long t = 0; t < n; t++)
        posix ? posix_txn(t) : win_txn(t);
    printf("%s: %.0f ns CPU per transaction\n", posix ? "posix" : "win32",
           (cpu_ns() - c0) / n);
    CloseHandle(db_h);
    close(db_fd);
    unlink(db_path);
}
