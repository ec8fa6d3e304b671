/*
 * Event logs: RegisterEventSource/ReportEvent write records, OpenEventLog/
 * ReadEventLog and OpenBackupEventLog read them.
 *
 * Each record goes to two places:
 *   - the system log, through syslog(3) (journald takes it from /dev/log
 *     where it runs), severity mapped from the event type (syslog_priority)
 *     so that administrators see a ported service's events where they look
 *     for every other service's;
 *   - winshim's event-log store, so that the reading half of the API can
 *     give the records back exactly (syslog and the journal keep text, not
 *     EVENTLOGRECORD images with their SIDs and binary data).
 *
 * The store is per user and per log name: one file per log,
 * <dir>/<Log>.log, with <dir> WINSHIM_EVENTLOG_DIR, else
 * $XDG_STATE_HOME/winshim/eventlog, else ~/.local/state/winshim/eventlog
 * (mode 0700).  Logs are "Application", "System" and "Security"; every
 * event source writes to "Application" (Windows maps sources to logs in
 * the registry, which winshim has not) and OpenEventLog of an unknown
 * name opens "Application", as Windows does.  A store file is a 16-byte
 * header (store_hdr) and the records one after the other, each the exact
 * EVENTLOGRECORD image ReadEventLogW returns (strings UTF-16, the trailing
 * Length copy).
 *
 * Writers in any number of processes: a writer takes flock(LOCK_EX) on the
 * file, numbers the record one past the last record's number (the header's
 * first number in an empty file), and appends it with a single write(2)
 * on an O_APPEND descriptor; so record numbers are unique and increasing
 * and no record is lost or torn.  Readers index the file (offsets of the
 * records) under flock(LOCK_SH), so they never see a record half written.
 * ClearEventLog replaces the file (rename of a fresh one whose header
 * carries the next record number: numbers keep increasing across clears,
 * as on Windows since Vista SP1); a writer that waited for the lock on the
 * old file sees that its descriptor is no longer the path's and reopens.
 *
 * Backups (BackupEventLog, ClearEventLog with a file name) are written in
 * Windows' .evt format (ELF_LOGFILE_HEADER, the records, the EOF record),
 * and OpenBackupEventLog reads that format, wrapped files included.
 *
 * NotifyChangeEventLog: a per-process service thread holds an inotify
 * watch on each store directory and pulses (PulseEvent, as Microsoft
 * documents) the events registered for a log when its file is written,
 * by this or any other process.  No five-second throttling.
 *
 * The handle is an object of kind TYPE_EVENTLOG whose state (the file, the
 * index, the read position) is process-private (struct evlog_priv, reached
 * through `priv` only by the creating process, as change.c does); one
 * mutex per handle serialises its users.
 */
#define _GNU_SOURCE /* mkostemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/holders.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "io/path.h"
#include "sync/sync.h"
#include "sys/eventlog.h"

#define ELF_SIGNATURE 0x654c664cu /* "LfLe" */
#define REC_HDR ((uint32_t)sizeof(EVENTLOGRECORD))
#define REC_MAX 0x7ffffu          /* ReadEventLog's buffer limit */
#define STRING_MAX 31839u         /* characters per insertion string */
#define EVLOG_ALL_ACCESS 0xf0007u /* ELF_LOGFILE_ALL_ACCESS */

/* ---- the object ---- */

struct evlog_obj {
    struct object hdr;
    uint32_t pid; /* the process whose priv it is */
    uint32_t tag; /* its shm_self_tag() */
    void *priv;   /* struct evlog_priv */
};

static const uint32_t evlog_layout[] = {
    LAYOUT_SIZE(struct evlog_obj),
    LAYOUT_FIELD(struct evlog_obj, pid),
    LAYOUT_FIELD(struct evlog_obj, tag),
    LAYOUT_FIELD(struct evlog_obj, priv),
};

struct evlog_priv {
    pthread_mutex_t lock;
    WCHAR *source;  /* the name RegisterEventSource/OpenEventLog got */
    char log[16];   /* "Application", "System", "Security"; "" backup */
    bool backup;
    /* A live log: the store file as last opened. */
    char *dir, *path;
    int fd;
    dev_t dev;
    ino_t ino;
    /* The records: live, offsets in the file; backup, in mem. */
    uint32_t first; /* number of the first record (and of the next one
                     * when there are none) */
    uint64_t *offs;
    size_t n, cap;
    uint64_t end;   /* end of the last record indexed */
    unsigned char *mem;
    /* Sequential reads: the number of the next record, once started. */
    bool started;
    uint32_t next;
    struct notify_reg *reg; /* NotifyChangeEventLog's registration */
};

static void priv_free(struct evlog_priv *p);
static void notify_unregister(struct evlog_priv *p);

static void evlog_last_close(struct object *o)
{
    struct evlog_obj *e = (struct evlog_obj *)o;
    if (!holder_is_self(e->pid, e->tag) || !e->priv)
        return;
    struct evlog_priv *p = e->priv;
    e->priv = NULL;
    priv_free(p);
}

const struct object_type evlog_type = {
    .name = "EventLog",
    .id = TYPE_EVENTLOG,
    .size = sizeof(struct evlog_obj),
    .mapping = {STANDARD_RIGHTS_READ | 0x1, STANDARD_RIGHTS_WRITE | 0x2,
                STANDARD_RIGHTS_EXECUTE, EVLOG_ALL_ACCESS},
    .valid_access = EVLOG_ALL_ACCESS,
    .last_close = evlog_last_close,
    .destroy = evlog_last_close,
    TYPE_LAYOUT(evlog_layout),
};

static void priv_free(struct evlog_priv *p)
{
    if (!p)
        return;
    notify_unregister(p);
    if (p->fd >= 0)
        close(p->fd);
    pthread_mutex_destroy(&p->lock);
    free(p->source);
    free(p->dir);
    free(p->path);
    free(p->offs);
    free(p->mem);
    free(p);
}

/* The handle's private state, locked; ERROR_INVALID_HANDLE for anything
 * but an event-log handle of this process.  Unlock with priv_put. */
static DWORD priv_get(HANDLE h, struct object **po, struct evlog_priv **pp)
{
    struct object *o;
    DWORD err = handle_ref(h, &evlog_type, 0, &o, NULL);
    if (err)
        return err;
    struct evlog_obj *e = (struct evlog_obj *)o;
    if (!holder_is_self(e->pid, e->tag) || !e->priv) {
        object_unref(o);
        return ERROR_INVALID_HANDLE;
    }
    *po = o;
    *pp = e->priv;
    pthread_mutex_lock(&(*pp)->lock);
    return ERROR_SUCCESS;
}

static void priv_put(struct object *o, struct evlog_priv *p)
{
    pthread_mutex_unlock(&p->lock);
    object_unref(o);
}

static DWORD evlog_new_handle(struct evlog_priv *p, HANDLE *out)
{
    DWORD err;
    struct object *o = object_new(&evlog_type, 0, 0, &err);
    if (!o) {
        priv_free(p);
        return err;
    }
    struct evlog_obj *e = (struct evlog_obj *)o;
    e->pid = ws_pid();
    e->tag = shm_self_tag();
    e->priv = p;
    object_handle_open(o);
    err = handle_insert(o, EVLOG_ALL_ACCESS, 0, out);
    if (err) {
        object_handle_close(o); /* frees p through last_close */
        object_unref(o);
    }
    return err;
}

/* ---- names ---- */

/* lpUNCServerName: NULL, "" or this computer's name (with or without the
 * leading backslashes) is local; anything else would be a remote call. */
static DWORD server_check(const WCHAR *server)
{
    if (!server || !server[0])
        return ERROR_SUCCESS;
    while (*server == '\\')
        server++;
    WCHAR me[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    if (GetComputerNameW(me, &n) && CompareStringOrdinal(server, -1, me, -1, TRUE) == CSTR_EQUAL)
        return ERROR_SUCCESS;
    return RPC_S_SERVER_UNAVAILABLE;
}

/* An A argument as UTF-16 (CP_ACP), malloc()ed; *out NULL for NULL. */
static DWORD wide_from_a(const char *s, WCHAR **out)
{
    *out = NULL;
    if (!s)
        return ERROR_SUCCESS;
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    if (n <= 0)
        return ERROR_INVALID_PARAMETER;
    WCHAR *w = malloc(sizeof(WCHAR) * (size_t)n);
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    MultiByteToWideChar(CP_ACP, 0, s, -1, w, n);
    *out = w;
    return ERROR_SUCCESS;
}

static WCHAR *wdup(const WCHAR *s)
{
    size_t n = wstrlen(s) + 1;
    WCHAR *w = malloc(n * sizeof(WCHAR));
    if (w)
        memcpy(w, s, n * sizeof(WCHAR));
    return w;
}

/* The log a name opens: one of the three, else Application. */
static const char *log_of(const WCHAR *name)
{
    static const char *const logs[] = {"Application", "System", "Security"};
    for (size_t i = 0; i < sizeof logs / sizeof *logs; i++) {
        WCHAR w[16];
        utf8_to_utf16(logs[i], w, 16);
        if (CompareStringOrdinal(name, -1, w, -1, TRUE) == CSTR_EQUAL)
            return logs[i];
    }
    return "Application";
}

/* The store directory, created (0700) if missing. */
static DWORD store_dir(char **out)
{
    char buf[PATH_MAX];
    const char *d = getenv("WINSHIM_EVENTLOG_DIR");
    if (d && *d) {
        snprintf(buf, sizeof buf, "%s", d);
    } else {
        const char *x = getenv("XDG_STATE_HOME");
        const char *home = getenv("HOME");
        if (x && *x == '/')
            snprintf(buf, sizeof buf, "%s/winshim/eventlog", x);
        else if (home && *home)
            snprintf(buf, sizeof buf, "%s/.local/state/winshim/eventlog", home);
        else
            return ERROR_PATH_NOT_FOUND;
    }
    /* mkdir -p */
    for (char *s = buf + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                return ws_errno_to_win32(errno);
            *s = c;
            if (!c)
                break;
        }
    }
    *out = strdup(buf);
    return *out ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- the store file ---- */

struct store_hdr {
    uint32_t magic;   /* STORE_MAGIC */
    uint32_t version; /* 1 */
    uint32_t first;   /* number of the file's first record */
    uint32_t reserved;
};
#define STORE_MAGIC 0x4c455357u /* "WSEL" */
#define STORE_HDR ((uint64_t)sizeof(struct store_hdr))

static DWORD errno_win(void)
{
    return errno == ENOSPC ? ERROR_DISK_FULL : ws_errno_to_win32(errno);
}

/* A fresh store file at dir/.name.XXXXXX whose next record is `first`,
 * then linked (keep = false: only if path is still missing) or renamed
 * (keep = true: replacing it) into path. */
static DWORD store_create(const char *dir, const char *path, uint32_t first, bool replace)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.new.XXXXXX", dir);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return errno_win();
    struct store_hdr h = {STORE_MAGIC, 1, first, 0};
    DWORD err = ERROR_SUCCESS;
    if (write(fd, &h, sizeof h) != (ssize_t)sizeof h || fsync(fd) < 0)
        err = errno ? errno_win() : ERROR_DISK_FULL;
    close(fd);
    if (!err && replace && rename(tmp, path) < 0)
        err = errno_win();
    if (!err && !replace && link(tmp, path) < 0 && errno != EEXIST)
        err = errno_win();
    if (err || !replace)
        unlink(tmp);
    return err;
}

static void index_reset(struct evlog_priv *p)
{
    p->n = 0;
    p->end = STORE_HDR;
}

/* (Re)opens the store file, creating it when missing. */
static DWORD store_open(struct evlog_priv *p)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(p->path, O_RDWR | O_APPEND | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            DWORD err = store_create(p->dir, p->path, 1, false);
            if (err)
                return err;
            continue;
        }
        if (fd < 0)
            return errno_win();
        struct store_hdr h;
        struct stat st;
        if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || h.magic != STORE_MAGIC ||
            h.version != 1 || fstat(fd, &st) < 0) {
            close(fd);
            return ERROR_EVENTLOG_FILE_CORRUPT;
        }
        if (p->fd >= 0)
            close(p->fd);
        p->fd = fd;
        p->dev = st.st_dev;
        p->ino = st.st_ino;
        p->first = h.first;
        index_reset(p);
        return ERROR_SUCCESS;
    }
    return ERROR_EVENTLOG_CANT_START;
}

/* Whether p->fd is still the file at p->path (a clear replaces it). */
static bool store_current(struct evlog_priv *p)
{
    struct stat st;
    return stat(p->path, &st) == 0 && st.st_dev == p->dev && st.st_ino == p->ino;
}

/* flock(op) on the current store file, reopening it as long as it was
 * replaced while we waited. */
static DWORD store_lock(struct evlog_priv *p, int op)
{
    for (;;) {
        while (flock(p->fd, op) < 0)
            if (errno != EINTR)
                return errno_win();
        if (store_current(p))
            return ERROR_SUCCESS;
        flock(p->fd, LOCK_UN);
        DWORD err = store_open(p);
        if (err)
            return err;
    }
}

/* The record at off in the file ending at size, if whole and sound: its
 * length, else 0. */
static uint32_t rec_at(int fd, uint64_t off, uint64_t size)
{
    uint32_t h[2], tail;
    if (off + REC_HDR + 4 > size || pread(fd, h, sizeof h, (off_t)off) != (ssize_t)sizeof h)
        return 0;
    if (h[0] < REC_HDR + 4 || h[0] % 4 || h[0] > size - off || h[1] != ELF_SIGNATURE)
        return 0;
    if (pread(fd, &tail, 4, (off_t)(off + h[0] - 4)) != 4 || tail != h[0])
        return 0;
    return h[0];
}

static DWORD index_add(struct evlog_priv *p, uint64_t off)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        uint64_t *o = realloc(p->offs, cap * sizeof *o);
        if (!o)
            return ERROR_NOT_ENOUGH_MEMORY;
        p->offs = o;
        p->cap = cap;
    }
    p->offs[p->n++] = off;
    return ERROR_SUCCESS;
}

/* Indexes the records appended since the last scan; the caller holds the
 * file lock.  A torn tail (a writer killed inside write(2)) ends the log. */
static DWORD index_scan_locked(struct evlog_priv *p, uint64_t *size_out)
{
    struct stat st;
    if (fstat(p->fd, &st) < 0)
        return errno_win();
    uint64_t size = (uint64_t)st.st_size;
    if (size < p->end)
        index_reset(p);
    uint32_t len;
    while ((len = rec_at(p->fd, p->end, size))) {
        DWORD err = index_add(p, p->end);
        if (err)
            return err;
        p->end += len;
    }
    if (size_out)
        *size_out = size;
    return ERROR_SUCCESS;
}

/* Brings a live log's index up to date (backups never change). */
static DWORD index_refresh(struct evlog_priv *p)
{
    if (p->backup)
        return ERROR_SUCCESS;
    DWORD err = store_lock(p, LOCK_SH);
    if (err)
        return err;
    err = index_scan_locked(p, NULL);
    flock(p->fd, LOCK_UN);
    return err;
}

static uint32_t rec_len(const struct evlog_priv *p, size_t i)
{
    return (uint32_t)((i + 1 < p->n ? p->offs[i + 1] : p->end) - p->offs[i]);
}

/* A copy of record i (malloc()ed). */
static DWORD rec_load(struct evlog_priv *p, size_t i, unsigned char **out, uint32_t *len)
{
    uint32_t n = rec_len(p, i);
    unsigned char *b = malloc(n);
    if (!b)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (p->backup)
        memcpy(b, p->mem + p->offs[i], n);
    else if (pread(p->fd, b, n, (off_t)p->offs[i]) != (ssize_t)n) {
        free(b);
        return ERROR_EVENTLOG_FILE_CHANGED;
    }
    *out = b;
    *len = n;
    return ERROR_SUCCESS;
}

/* Appends one record (its number and TimeWritten filled in here). */
static DWORD store_append(struct evlog_priv *p, unsigned char *rec, uint32_t len, uint32_t *number)
{
    DWORD err = store_lock(p, LOCK_EX);
    if (err)
        return err;
    uint64_t size;
    if (!(err = index_scan_locked(p, &size)) && size != p->end) {
        /* A torn tail: drop it so that the log stays readable. */
        if (ftruncate(p->fd, (off_t)p->end) < 0)
            err = errno_win();
    }
    if (!err) {
        EVENTLOGRECORD *r = (EVENTLOGRECORD *)rec;
        r->RecordNumber = p->first + (uint32_t)p->n;
        r->TimeWritten = (DWORD)time(NULL);
        ssize_t w = write(p->fd, rec, len);
        if (w != (ssize_t)len) {
            err = w < 0 ? errno_win() : ERROR_DISK_FULL;
            if (w > 0 && ftruncate(p->fd, (off_t)p->end) < 0)
                err = errno_win();
        } else {
            *number = r->RecordNumber;
        }
    }
    flock(p->fd, LOCK_UN);
    return err;
}

/* ---- .evt backups ---- */

struct elf_header { /* ELF_LOGFILE_HEADER */
    uint32_t HeaderSize, Signature, MajorVersion, MinorVersion;
    uint32_t StartOffset, EndOffset, CurrentRecordNumber, OldestRecordNumber;
    uint32_t MaxSize, Flags, Retention, EndHeaderSize;
};
struct elf_eof { /* ELF_EOF_RECORD */
    uint32_t RecordSizeBeginning, One, Two, Three, Four;
    uint32_t BeginRecord, EndRecord, CurrentRecordNumber, OldestRecordNumber;
    uint32_t RecordSizeEnd;
};
#define ELF_HDR ((uint32_t)sizeof(struct elf_header))
#define ELF_EOF ((uint32_t)sizeof(struct elf_eof))

static DWORD write_all(int fd, const void *b, size_t n)
{
    int e = ws_write_all(fd, b, n);
    return e ? ws_errno_to_win32(e) : ERROR_SUCCESS; /* ENOSPC: ERROR_DISK_FULL */
}

/* Writes p's indexed records to a new file `name` (an A or W path). */
static DWORD backup_write(struct evlog_priv *p, const void *name, bool wide)
{
    struct upath up;
    DWORD err = path_from(name, wide, 0, &up);
    if (err)
        return err;
    int fd = open(up.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        err = errno == EEXIST ? ERROR_ALREADY_EXISTS : path_error(errno, up.buf);
        path_free(&up);
        return err;
    }
    uint64_t bytes = p->n ? p->end - p->offs[0] : 0;
    uint32_t next = p->first + (uint32_t)p->n;
    uint32_t oldest = p->n ? p->first : next; /* as Windows writes an empty log */
    struct elf_header h = {ELF_HDR, ELF_SIGNATURE, 1, 1, ELF_HDR, (uint32_t)(ELF_HDR + bytes),
                           next, oldest, (uint32_t)(ELF_HDR + bytes + ELF_EOF), 0, 0, ELF_HDR};
    err = write_all(fd, &h, sizeof h);
    for (size_t i = 0; !err && i < p->n; i++) {
        unsigned char *rec;
        uint32_t len;
        if (!(err = rec_load(p, i, &rec, &len))) {
            err = write_all(fd, rec, len);
            free(rec);
        }
    }
    struct elf_eof e = {ELF_EOF, 0x11111111, 0x22222222, 0x33333333, 0x44444444,
                        ELF_HDR, h.EndOffset, next, oldest, ELF_EOF};
    if (!err)
        err = write_all(fd, &e, sizeof e);
    if (!err && fsync(fd) < 0)
        err = errno_win();
    close(fd);
    if (err)
        unlink(up.buf);
    path_free(&up);
    return err;
}

/* Loads an .evt file into p (mem, offs): the records from StartOffset to
 * the EOF record, following the circular buffer when the file wrapped. */
static DWORD backup_load(struct evlog_priv *p, const char *upath)
{
    int fd = open(upath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return path_error(errno, upath);
    struct stat st;
    unsigned char *file = NULL;
    DWORD err = ERROR_EVENTLOG_FILE_CORRUPT;
    if (fstat(fd, &st) < 0 || st.st_size < ELF_HDR + ELF_EOF || st.st_size > 0x40000000)
        goto out;
    size_t size = (size_t)st.st_size;
    if (!(file = malloc(size)) || !(p->mem = malloc(size))) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    if (pread(fd, file, size, 0) != (ssize_t)size)
        goto out;
    struct elf_header h;
    memcpy(&h, file, sizeof h);
    if (h.HeaderSize != ELF_HDR || h.EndHeaderSize != ELF_HDR || h.Signature != ELF_SIGNATURE ||
        h.MajorVersion != 1 || h.MinorVersion != 1 || h.StartOffset < ELF_HDR ||
        h.StartOffset > size || h.EndOffset < ELF_HDR || h.EndOffset > size - ELF_EOF)
        goto out;
    /* Linearise the record area: [Start, End), or [Start, wrap) + [HDR, End). */
    size_t len = 0;
    if (h.StartOffset <= h.EndOffset) {
        len = h.EndOffset - h.StartOffset;
        memcpy(p->mem, file + h.StartOffset, len);
    } else {
        size_t wrap = h.MaxSize && h.MaxSize <= size ? h.MaxSize : size;
        if (h.StartOffset > wrap)
            goto out;
        len = wrap - h.StartOffset;
        memcpy(p->mem, file + h.StartOffset, len);
        memcpy(p->mem + len, file + ELF_HDR, h.EndOffset - ELF_HDR);
        len += h.EndOffset - ELF_HDR;
    }
    uint64_t off = 0;
    bool firstset = false;
    while (off + 4 <= len) {
        uint32_t l, sig, tail;
        memcpy(&l, p->mem + off, 4);
        if (l == 0x27) { /* padding Windows leaves before the wrap */
            off += 4;
            continue;
        }
        if (l < REC_HDR + 4 || l % 4 || l > len - off)
            goto out;
        memcpy(&sig, p->mem + off + 4, 4);
        memcpy(&tail, p->mem + off + l - 4, 4);
        if (sig != ELF_SIGNATURE || tail != l)
            goto out;
        if (!firstset) {
            memcpy(&p->first, p->mem + off + 8, 4);
            firstset = true;
        }
        if ((err = index_add(p, off)))
            goto out;
        err = ERROR_EVENTLOG_FILE_CORRUPT;
        off += l;
        p->end = off;
    }
    if (!firstset)
        p->first = h.OldestRecordNumber;
    err = ERROR_SUCCESS;
out:
    free(file);
    close(fd);
    return err;
}

/* ---- records ---- */

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* The W image of a record (RecordNumber and TimeWritten left for the
 * writer); strings already UTF-16. */
static DWORD rec_build(const WCHAR *source, WORD type, WORD category, DWORD id, PSID sid,
                       WORD nstrings, const WCHAR *const *strings, DWORD datalen,
                       const void *data, unsigned char **out, uint32_t *outlen)
{
    WCHAR comp[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD ncomp = MAX_COMPUTERNAME_LENGTH + 1;
    if (!GetComputerNameW(comp, &ncomp))
        comp[0] = 0, ncomp = 0;
    size_t nsrc = wstrlen(source);
    size_t sidlen = sid ? GetLengthSid(sid) : 0;
    size_t size = REC_HDR + (nsrc + 1 + ncomp + 1) * sizeof(WCHAR);
    size = align4(size);
    size_t sidoff = size;
    size += sidlen;
    size_t stroff = size;
    for (WORD i = 0; i < nstrings; i++) {
        size_t l = wstrlen(strings[i]);
        if (l > STRING_MAX)
            return RPC_S_INVALID_BOUND;
        size += (l + 1) * sizeof(WCHAR);
    }
    size_t dataoff = size;
    if (datalen > REC_MAX)
        return ERROR_INVALID_PARAMETER;
    size += datalen;
    size = align4(size) + 4;
    if (size > REC_MAX)
        return ERROR_INVALID_PARAMETER;
    unsigned char *b = calloc(1, size);
    if (!b)
        return ERROR_NOT_ENOUGH_MEMORY;
    EVENTLOGRECORD *r = (EVENTLOGRECORD *)b;
    r->Length = (DWORD)size;
    r->Reserved = ELF_SIGNATURE;
    r->TimeGenerated = (DWORD)time(NULL);
    r->EventID = id;
    /* Unknown types are kept as EVENTLOG_SUCCESS, as Windows since Vista. */
    r->EventType = type == EVENTLOG_ERROR_TYPE || type == EVENTLOG_WARNING_TYPE ||
                           type == EVENTLOG_INFORMATION_TYPE || type == EVENTLOG_AUDIT_SUCCESS ||
                           type == EVENTLOG_AUDIT_FAILURE
                       ? type
                       : EVENTLOG_SUCCESS;
    r->NumStrings = nstrings;
    r->EventCategory = category;
    r->StringOffset = (DWORD)stroff;
    r->UserSidLength = (DWORD)sidlen;
    r->UserSidOffset = (DWORD)sidoff;
    r->DataLength = datalen;
    r->DataOffset = (DWORD)dataoff;
    unsigned char *c = b + REC_HDR;
    memcpy(c, source, (nsrc + 1) * sizeof(WCHAR));
    c += (nsrc + 1) * sizeof(WCHAR);
    memcpy(c, comp, ncomp * sizeof(WCHAR));
    if (sidlen)
        memcpy(b + sidoff, sid, sidlen);
    c = b + stroff;
    for (WORD i = 0; i < nstrings; i++) {
        size_t l = (wstrlen(strings[i]) + 1) * sizeof(WCHAR);
        memcpy(c, strings[i], l);
        c += l;
    }
    if (datalen)
        memcpy(b + dataoff, data, datalen);
    memcpy(b + size - 4, &r->Length, 4);
    *out = b;
    *outlen = (uint32_t)size;
    return ERROR_SUCCESS;
}

/* The length (characters, without the terminator) of the UTF-16 string at
 * byte offset off of rec, or -1 when it runs past limit. */
static ptrdiff_t rec_wlen(const unsigned char *rec, size_t off, size_t limit)
{
    for (size_t i = off; i + 2 <= limit; i += 2)
        if (!rec[i] && !rec[i + 1])
            return (ptrdiff_t)((i - off) / 2);
    return -1;
}

/* An A string into out (NULL: measure); its size with the terminator. */
static size_t put_a(const unsigned char *w, ptrdiff_t wlen, char *out)
{
    WCHAR *tmp = malloc(((size_t)wlen + 1) * sizeof(WCHAR));
    if (!tmp)
        return 0;
    memcpy(tmp, w, ((size_t)wlen + 1) * sizeof(WCHAR));
    int n = WideCharToMultiByte(CP_ACP, 0, tmp, -1, out, out ? INT_MAX : 0, NULL, NULL);
    free(tmp);
    return n > 0 ? (size_t)n : 0;
}

/* The ReadEventLogA form of a W record: into out (NULL: only measure);
 * returns its size, 0 for a record whose offsets do not hold together. */
static uint32_t rec_to_ansi(const unsigned char *rec, uint32_t len, unsigned char *out)
{
    EVENTLOGRECORD r;
    memcpy(&r, rec, sizeof r);
    size_t body = len - 4;
    if (r.StringOffset > body || r.UserSidOffset > body || r.DataOffset > body ||
        r.UserSidLength > body - r.UserSidOffset || r.DataLength > body - r.DataOffset)
        return 0;
    ptrdiff_t ls = rec_wlen(rec, REC_HDR, body);
    if (ls < 0)
        return 0;
    size_t coff = REC_HDR + ((size_t)ls + 1) * 2;
    ptrdiff_t lc = rec_wlen(rec, coff, body);
    if (lc < 0)
        return 0;
    size_t size = REC_HDR;
    size_t a = put_a(rec + REC_HDR, ls, out ? (char *)out + size : NULL);
    size += a;
    a = put_a(rec + coff, lc, out ? (char *)out + size : NULL);
    size += a;
    size = align4(size);
    size_t sidoff = size;
    if (out && r.UserSidLength)
        memcpy(out + size, rec + r.UserSidOffset, r.UserSidLength);
    size += r.UserSidLength;
    size_t stroff = size;
    size_t at = r.StringOffset;
    for (WORD i = 0; i < r.NumStrings; i++) {
        ptrdiff_t l = rec_wlen(rec, at, body);
        if (l < 0)
            return 0;
        size += put_a(rec + at, l, out ? (char *)out + size : NULL);
        at += ((size_t)l + 1) * 2;
    }
    size_t dataoff = size;
    if (out && r.DataLength)
        memcpy(out + size, rec + r.DataOffset, r.DataLength);
    size += r.DataLength;
    size_t end = align4(size);
    if (out)
        memset(out + size, 0, end - size);
    size = end + 4;
    if (size > REC_MAX)
        return 0;
    if (out) {
        r.Length = (DWORD)size;
        r.UserSidOffset = (DWORD)sidoff;
        r.StringOffset = (DWORD)stroff;
        r.DataOffset = (DWORD)dataoff;
        memcpy(out, &r, sizeof r);
        memcpy(out + size - 4, &r.Length, 4);
    }
    return (uint32_t)size;
}

/* ---- the system log ---- */

/* Severity: error LOG_ERR, warning LOG_WARNING, audit failure LOG_NOTICE
 * (a security-relevant refusal), everything else LOG_INFO. */
static int syslog_priority(WORD type)
{
    switch (type) {
    case EVENTLOG_ERROR_TYPE:
        return LOG_ERR;
    case EVENTLOG_WARNING_TYPE:
        return LOG_WARNING;
    case EVENTLOG_AUDIT_FAILURE:
        return LOG_NOTICE;
    default:
        return LOG_INFO;
    }
}

static const char *type_name(WORD type)
{
    switch (type) {
    case EVENTLOG_ERROR_TYPE:
        return "Error";
    case EVENTLOG_WARNING_TYPE:
        return "Warning";
    case EVENTLOG_INFORMATION_TYPE:
        return "Information";
    case EVENTLOG_AUDIT_SUCCESS:
        return "Audit Success";
    case EVENTLOG_AUDIT_FAILURE:
        return "Audit Failure";
    default:
        return "Success";
    }
}

/* "<source>: <type> event <id> (category <c>, <log> record <n>): s1 | s2
 * [<k> bytes of data]".  WINSHIM_EVENTLOG_SYSLOG=0 turns it off (tests
 * that write thousands of records). */
static void syslog_record(const struct evlog_priv *p, const unsigned char *rec, uint32_t number)
{
    const char *off = getenv("WINSHIM_EVENTLOG_SYSLOG");
    if (off && !strcmp(off, "0"))
        return;
    const EVENTLOGRECORD *r = (const EVENTLOGRECORD *)rec;
    char *src = utf16_to_utf8_dup(p->source, -1, NULL);
    size_t cap = 256, len = 0;
    char *msg = malloc(cap);
    if (!msg) {
        free(src);
        return;
    }
    len = (size_t)snprintf(msg, cap, "%s: %s event %u (category %u, %s record %u)",
                           src ? src : "?", type_name(r->EventType), (unsigned)r->EventID,
                           (unsigned)r->EventCategory, p->log, (unsigned)number);
    free(src);
    const WCHAR *s = (const WCHAR *)(rec + r->StringOffset);
    for (WORD i = 0; i < r->NumStrings; i++) {
        size_t wl = wstrlen(s);
        char *u = utf16_to_utf8_dup(s, (ptrdiff_t)wl, NULL);
        size_t ul = u ? strlen(u) : 0;
        if (len + ul + 4 > cap) {
            char *m = realloc(msg, cap = len + ul + 64);
            if (!m) {
                free(u);
                break;
            }
            msg = m;
        }
        len += (size_t)snprintf(msg + len, cap - len, "%s%s", i ? " | " : ": ", u ? u : "");
        free(u);
        s += wl + 1;
    }
    if (r->DataLength && len + 40 < cap)
        snprintf(msg + len, cap - len, " [%u bytes of data]", (unsigned)r->DataLength);
    else if (r->DataLength) {
        char *m = realloc(msg, len + 40);
        if (m) {
            msg = m;
            snprintf(msg + len, 40, " [%u bytes of data]", (unsigned)r->DataLength);
        }
    }
    syslog(LOG_USER | syslog_priority(r->EventType), "%s", msg);
    free(msg);
}

/* ---- change notifications ---- */

struct notify_reg {
    struct notify_reg *next;
    int wd;        /* the store directory's watch */
    char file[32]; /* "<Log>.log" */
    HANDLE event;  /* our duplicate of the caller's event */
};

static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static struct notify_reg *notify_list;
static int notify_fd = -1;
static uint32_t notify_pid; /* the process whose thread reads notify_fd */

static void *notify_thread(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        pthread_mutex_lock(&notify_lock);
        for (char *c = buf; c < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)c;
            if (ev->len)
                for (struct notify_reg *r = notify_list; r; r = r->next)
                    if (r->wd == ev->wd && !strcmp(r->file, ev->name))
                        PulseEvent(r->event);
            c += sizeof *ev + ev->len;
        }
        pthread_mutex_unlock(&notify_lock);
    }
}

/* Under notify_lock: the inotify fd and its thread, once per process (a
 * fork child starts its own: the parent's thread is not in it). */
static DWORD notify_start_locked(void)
{
    if (notify_fd >= 0 && notify_pid == ws_pid())
        return ERROR_SUCCESS;
    notify_list = NULL; /* a fork child inherits no registrations */
    int fd = inotify_init1(IN_CLOEXEC);
    if (fd < 0)
        return errno == EMFILE ? ERROR_TOO_MANY_OPEN_FILES : ws_errno_to_win32(errno);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    int rc = pthread_create(&t, NULL, notify_thread, (void *)(intptr_t)fd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        close(fd);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    pthread_detach(t);
    notify_fd = fd;
    notify_pid = ws_pid();
    return ERROR_SUCCESS;
}

static void notify_unregister(struct evlog_priv *p)
{
    if (!p->reg)
        return;
    pthread_mutex_lock(&notify_lock);
    for (struct notify_reg **pp = &notify_list; *pp; pp = &(*pp)->next)
        if (*pp == p->reg) {
            *pp = p->reg->next;
            break;
        }
    pthread_mutex_unlock(&notify_lock);
    CloseHandle(p->reg->event);
    free(p->reg);
    p->reg = NULL;
}

/* ---- the API ---- */

static struct evlog_priv *priv_new(void)
{
    struct evlog_priv *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->fd = -1;
    p->end = STORE_HDR;
    return p;
}

/* RegisterEventSource and OpenEventLog: a handle on the log `source` maps
 * to (register: the source's log, Application), writing as `source`. */
static HANDLE evlog_open(const WCHAR *server, const WCHAR *source, bool reg)
{
    arena_init();
    if (!source)
        return ws_null(ERROR_INVALID_PARAMETER);
    DWORD err = server_check(server);
    if (err)
        return ws_null(err);
    const char *log = reg ? "Application" : log_of(source);
    if (reg && !strcmp(log_of(source), "Security"))
        return ws_null(ERROR_ACCESS_DENIED); /* only the LSA writes there */
    struct evlog_priv *p = priv_new();
    if (!p)
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    snprintf(p->log, sizeof p->log, "%s", log);
    if (!(p->source = wdup(source))) {
        priv_free(p);
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    }
    err = store_dir(&p->dir);
    if (!err) {
        size_t n = strlen(p->dir) + strlen(log) + 8;
        if (!(p->path = malloc(n)))
            err = ERROR_NOT_ENOUGH_MEMORY;
        else
            snprintf(p->path, n, "%s/%s.log", p->dir, log);
    }
    if (!err)
        err = store_open(p);
    if (err) {
        priv_free(p);
        return ws_null(err);
    }
    HANDLE h = NULL;
    err = evlog_new_handle(p, &h);
    return err ? ws_null(err) : h;
}

WS_EXPORT HANDLE WINAPI RegisterEventSourceW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName)
{
    return evlog_open(lpUNCServerName, lpSourceName, true);
}

WS_EXPORT HANDLE WINAPI OpenEventLogW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName)
{
    return evlog_open(lpUNCServerName, lpSourceName, false);
}

static HANDLE evlog_open_a(LPCSTR server, LPCSTR source, bool reg)
{
    WCHAR *ws, *wsrc;
    DWORD err = wide_from_a(server, &ws);
    if (err)
        return ws_null(err);
    if ((err = wide_from_a(source, &wsrc))) {
        free(ws);
        return ws_null(err);
    }
    HANDLE h = evlog_open(ws, wsrc, reg);
    free(ws);
    free(wsrc);
    return h;
}

WS_EXPORT HANDLE WINAPI RegisterEventSourceA(LPCSTR lpUNCServerName, LPCSTR lpSourceName)
{
    return evlog_open_a(lpUNCServerName, lpSourceName, true);
}

WS_EXPORT HANDLE WINAPI OpenEventLogA(LPCSTR lpUNCServerName, LPCSTR lpSourceName)
{
    return evlog_open_a(lpUNCServerName, lpSourceName, false);
}

static HANDLE backup_open(const WCHAR *server, const void *file, bool wide)
{
    arena_init();
    if (!file)
        return ws_null(ERROR_INVALID_PARAMETER);
    DWORD err = server_check(server);
    if (err)
        return ws_null(err);
    struct upath up;
    if ((err = path_from(file, wide, 0, &up)))
        return ws_null(err);
    struct evlog_priv *p = priv_new();
    if (!p) {
        path_free(&up);
        return ws_null(ERROR_NOT_ENOUGH_MEMORY);
    }
    p->backup = true;
    p->end = 0;
    err = backup_load(p, up.buf);
    path_free(&up);
    static const WCHAR none[1] = {0};
    if (!err && !(p->source = wdup(none)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err) {
        priv_free(p);
        return ws_null(err);
    }
    HANDLE h = NULL;
    err = evlog_new_handle(p, &h);
    return err ? ws_null(err) : h;
}

WS_EXPORT HANDLE WINAPI OpenBackupEventLogW(LPCWSTR lpUNCServerName, LPCWSTR lpFileName)
{
    return backup_open(lpUNCServerName, lpFileName, true);
}

WS_EXPORT HANDLE WINAPI OpenBackupEventLogA(LPCSTR lpUNCServerName, LPCSTR lpFileName)
{
    WCHAR *ws;
    DWORD err = wide_from_a(lpUNCServerName, &ws);
    if (err)
        return ws_null(err);
    HANDLE h = backup_open(ws, lpFileName, false);
    free(ws);
    return h;
}

static BOOL evlog_close(HANDLE h)
{
    struct object *o;
    ws_rcu_lock();
    DWORD err = handle_get(h, &evlog_type, 0, &o, NULL);
    ws_rcu_unlock();
    if (err)
        return ws_bool(err);
    return CloseHandle(h);
}

WS_EXPORT BOOL WINAPI CloseEventLog(HANDLE hEventLog)
{
    return evlog_close(hEventLog);
}

WS_EXPORT BOOL WINAPI DeregisterEventSource(HANDLE hEventLog)
{
    return evlog_close(hEventLog);
}

static BOOL report(HANDLE h, WORD type, WORD category, DWORD id, PSID sid, WORD nstrings,
                   DWORD datalen, const WCHAR *const *strings, const void *data)
{
    if ((nstrings && !strings) || (datalen && !data))
        return ws_bool(ERROR_INVALID_PARAMETER);
    for (WORD i = 0; i < nstrings; i++)
        if (!strings[i])
            return ws_bool(ERROR_INVALID_PARAMETER);
    if (sid && !IsValidSid(sid))
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(h, &o, &p);
    if (err)
        return ws_bool(err);
    if (p->backup)
        err = ERROR_INVALID_HANDLE;
    else if (!strcmp(p->log, "Security"))
        err = ERROR_ACCESS_DENIED;
    unsigned char *rec = NULL;
    uint32_t len = 0, number = 0;
    if (!err)
        err = rec_build(p->source, type, category, id, sid, nstrings, strings, datalen, data,
                        &rec, &len);
    if (!err)
        err = store_append(p, rec, len, &number);
    if (!err)
        syslog_record(p, rec, number);
    free(rec);
    priv_put(o, p);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ReportEventW(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID,
                                   PSID lpUserSid, WORD wNumStrings, DWORD dwDataSize,
                                   LPCWSTR *lpStrings, LPVOID lpRawData)
{
    return report(hEventLog, wType, wCategory, dwEventID, lpUserSid, wNumStrings, dwDataSize,
                  lpStrings, lpRawData);
}

WS_EXPORT BOOL WINAPI ReportEventA(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID,
                                   PSID lpUserSid, WORD wNumStrings, DWORD dwDataSize,
                                   LPCSTR *lpStrings, LPVOID lpRawData)
{
    if (wNumStrings && !lpStrings)
        return ws_bool(ERROR_INVALID_PARAMETER);
    WCHAR **w = calloc(wNumStrings ? wNumStrings : 1, sizeof *w);
    if (!w)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    DWORD err = ERROR_SUCCESS;
    for (WORD i = 0; !err && i < wNumStrings; i++)
        err = lpStrings[i] ? wide_from_a(lpStrings[i], &w[i]) : ERROR_INVALID_PARAMETER;
    BOOL ok = err ? ws_bool(err)
                  : report(hEventLog, wType, wCategory, dwEventID, lpUserSid, wNumStrings,
                           dwDataSize, (const WCHAR *const *)w, lpRawData);
    for (WORD i = 0; i < wNumStrings; i++)
        free(w[i]);
    free(w);
    return ok;
}

/* The index of record number `number`, or SIZE_MAX. */
static size_t rec_index(const struct evlog_priv *p, uint32_t number)
{
    uint32_t d = number - p->first;
    return number >= p->first && d < p->n ? d : SIZE_MAX;
}

static BOOL read_log(HANDLE h, DWORD flags, DWORD recno, void *buf, DWORD size, DWORD *nread,
                     DWORD *needed, bool ansi)
{
    if (!buf || !nread || !needed)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD how = flags & (EVENTLOG_SEQUENTIAL_READ | EVENTLOG_SEEK_READ);
    DWORD dir = flags & (EVENTLOG_FORWARDS_READ | EVENTLOG_BACKWARDS_READ);
    if ((how != EVENTLOG_SEQUENTIAL_READ && how != EVENTLOG_SEEK_READ) ||
        (dir != EVENTLOG_FORWARDS_READ && dir != EVENTLOG_BACKWARDS_READ) ||
        (flags & ~(DWORD)0xf))
        return ws_bool(ERROR_INVALID_PARAMETER);
    bool back = dir == EVENTLOG_BACKWARDS_READ;
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(h, &o, &p);
    if (err)
        return ws_bool(err);
    if (size > REC_MAX)
        size = REC_MAX;
    if ((err = index_refresh(p)))
        goto out;
    size_t i;
    if (how == EVENTLOG_SEEK_READ) {
        if ((i = rec_index(p, recno)) == SIZE_MAX) {
            err = ERROR_INVALID_PARAMETER;
            goto out;
        }
    } else if (!p->started) {
        i = p->n == 0 ? SIZE_MAX : back ? p->n - 1 : 0;
    } else {
        i = rec_index(p, p->next);
        /* Forwards past the newest record waits for new ones. */
        if (i == SIZE_MAX && !back && p->next < p->first)
            i = p->n ? 0 : SIZE_MAX;
    }
    if (i == SIZE_MAX) {
        if (how == EVENTLOG_SEQUENTIAL_READ && !p->started && !back) {
            p->started = true;
            p->next = p->first;
        }
        err = ERROR_HANDLE_EOF;
        goto out;
    }
    DWORD done = 0;
    for (;;) {
        unsigned char *rec;
        uint32_t len;
        if ((err = rec_load(p, i, &rec, &len)))
            break;
        uint32_t outlen = ansi ? rec_to_ansi(rec, len, NULL) : len;
        if (!outlen) {
            free(rec);
            err = ERROR_EVENTLOG_FILE_CORRUPT;
            break;
        }
        if (outlen > size - done) {
            free(rec);
            if (!done) {
                *nread = 0;
                *needed = outlen;
                err = ERROR_INSUFFICIENT_BUFFER;
            }
            break;
        }
        if (ansi)
            rec_to_ansi(rec, len, (unsigned char *)buf + done);
        else
            memcpy((unsigned char *)buf + done, rec, len);
        free(rec);
        done += outlen;
        uint32_t num = p->first + (uint32_t)i;
        p->started = true;
        p->next = back ? num - 1 : num + 1;
        if (back ? i == 0 : i + 1 == p->n)
            break;
        i = back ? i - 1 : i + 1;
    }
    if (!err) {
        *nread = done;
        *needed = 0;
    }
out:
    priv_put(o, p);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ReadEventLogW(HANDLE hEventLog, DWORD dwReadFlags, DWORD dwRecordOffset,
                                    LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                                    DWORD *pnBytesRead, DWORD *pnMinNumberOfBytesNeeded)
{
    return read_log(hEventLog, dwReadFlags, dwRecordOffset, lpBuffer, nNumberOfBytesToRead,
                    pnBytesRead, pnMinNumberOfBytesNeeded, false);
}

WS_EXPORT BOOL WINAPI ReadEventLogA(HANDLE hEventLog, DWORD dwReadFlags, DWORD dwRecordOffset,
                                    LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                                    DWORD *pnBytesRead, DWORD *pnMinNumberOfBytesNeeded)
{
    return read_log(hEventLog, dwReadFlags, dwRecordOffset, lpBuffer, nNumberOfBytesToRead,
                    pnBytesRead, pnMinNumberOfBytesNeeded, true);
}

/* GetNumberOfEventLogRecords (oldest false) and GetOldestEventLogRecord. */
static BOOL count_query(HANDLE h, DWORD *out, bool oldest)
{
    if (!out)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(h, &o, &p);
    if (err)
        return ws_bool(err);
    if (!(err = index_refresh(p)))
        *out = oldest ? (p->n ? p->first : 0) : (DWORD)p->n;
    priv_put(o, p);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetNumberOfEventLogRecords(HANDLE hEventLog, PDWORD NumberOfRecords)
{
    return count_query(hEventLog, NumberOfRecords, false);
}

WS_EXPORT BOOL WINAPI GetOldestEventLogRecord(HANDLE hEventLog, PDWORD OldestRecord)
{
    return count_query(hEventLog, OldestRecord, true);
}

WS_EXPORT BOOL WINAPI GetEventLogInformation(HANDLE hEventLog, DWORD dwInfoLevel, LPVOID lpBuffer,
                                             DWORD cbBufSize, LPDWORD pcbBytesNeeded)
{
    if (dwInfoLevel != EVENTLOG_FULL_INFO)
        return ws_bool(ERROR_INVALID_LEVEL);
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(hEventLog, &o, &p);
    if (err)
        return ws_bool(err);
    priv_put(o, p);
    if (!lpBuffer || !pcbBytesNeeded)
        return ws_bool(RPC_X_NULL_REF_POINTER);
    *pcbBytesNeeded = sizeof(EVENTLOG_FULL_INFORMATION);
    if (cbBufSize < sizeof(EVENTLOG_FULL_INFORMATION))
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    /* The store has no size limit, so a log is never full. */
    ((EVENTLOG_FULL_INFORMATION *)lpBuffer)->dwFull = 0;
    return TRUE;
}

static BOOL backup(HANDLE h, const void *name, bool wide)
{
    if (!name)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(h, &o, &p);
    if (err)
        return ws_bool(err);
    if (!p->backup && !(err = store_lock(p, LOCK_SH))) {
        err = index_scan_locked(p, NULL);
        if (!err)
            err = backup_write(p, name, wide);
        flock(p->fd, LOCK_UN);
    } else if (p->backup) {
        err = backup_write(p, name, wide);
    }
    priv_put(o, p);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI BackupEventLogW(HANDLE hEventLog, LPCWSTR lpBackupFileName)
{
    return backup(hEventLog, lpBackupFileName, true);
}

WS_EXPORT BOOL WINAPI BackupEventLogA(HANDLE hEventLog, LPCSTR lpBackupFileName)
{
    return backup(hEventLog, lpBackupFileName, false);
}

/* The backup (if asked) and the clear happen under the exclusive lock, so
 * no record written meanwhile is lost between them. */
static BOOL clear(HANDLE h, const void *name, bool wide)
{
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(h, &o, &p);
    if (err)
        return ws_bool(err);
    if (p->backup) {
        priv_put(o, p);
        return ws_bool(ERROR_INVALID_HANDLE);
    }
    if (!(err = store_lock(p, LOCK_EX))) {
        err = index_scan_locked(p, NULL);
        if (!err && name)
            err = backup_write(p, name, wide);
        if (!err)
            err = store_create(p->dir, p->path, p->first + (uint32_t)p->n, true);
        flock(p->fd, LOCK_UN);
        if (!err)
            err = store_open(p);
    }
    priv_put(o, p);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ClearEventLogW(HANDLE hEventLog, LPCWSTR lpBackupFileName)
{
    return clear(hEventLog, lpBackupFileName, true);
}

WS_EXPORT BOOL WINAPI ClearEventLogA(HANDLE hEventLog, LPCSTR lpBackupFileName)
{
    return clear(hEventLog, lpBackupFileName, false);
}

WS_EXPORT BOOL WINAPI NotifyChangeEventLog(HANDLE hEventLog, HANDLE hEvent)
{
    struct object *o;
    struct evlog_priv *p;
    DWORD err = priv_get(hEventLog, &o, &p);
    if (err)
        return ws_bool(err);
    struct object *ev;
    if (p->backup)
        err = ERROR_INVALID_HANDLE;
    else if (!(err = handle_ref(hEvent, &event_type, EVENT_MODIFY_STATE, &ev, NULL)))
        object_unref(ev);
    struct notify_reg *r = NULL;
    if (!err && !(r = calloc(1, sizeof *r)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err && !DuplicateHandle(GetCurrentProcess(), hEvent, GetCurrentProcess(), &r->event,
                                 EVENT_MODIFY_STATE, FALSE, 0))
        err = GetLastError();
    if (!err) {
        snprintf(r->file, sizeof r->file, "%s.log", p->log);
        notify_unregister(p); /* a second call replaces the first */
        pthread_mutex_lock(&notify_lock);
        err = notify_start_locked();
        if (!err) {
            r->wd = inotify_add_watch(notify_fd, p->dir, IN_MODIFY);
            if (r->wd < 0)
                err = errno == ENOSPC ? ERROR_NO_SYSTEM_RESOURCES : ws_errno_to_win32(errno);
        }
        if (!err) {
            r->next = notify_list;
            notify_list = r;
            p->reg = r;
        }
        pthread_mutex_unlock(&notify_lock);
        if (err)
            CloseHandle(r->event);
    }
    if (err)
        free(r);
    priv_put(o, p);
    return ws_bool(err);
}
