/*
 * Windows byte-range locks and share modes on Linux open-file-description
 * locks (fcntl F_OFD_*).  An OFD lock belongs to one open file description
 * -- one file object -- in whatever process, conflicts with the locks of
 * every other description of the same file (also in this process), and
 * vanishes when the description's last fd closes or its process dies: no
 * state to clean up after a crash.  docs/ARCHITECTURE.md, "Files", draws
 * the layout of the lock space.
 *
 * Byte-range locks (LockFile/LockFileEx/UnlockFile/UnlockFileEx): a Windows
 * lock over [off, off+len) holds an OFD lock over the same bytes, F_WRLCK
 * for an exclusive lock, F_RDLCK for a shared one, so that the kernel
 * arbitrates between file objects.  Windows locks are stackable (two shared
 * locks of one handle on one range need two unlocks) and must be unlocked
 * with the exact range, while OFD locks of one description merge; so each
 * file object also keeps the list of its Windows locks (in the arena, under
 * the object lock), and after an unlock the bytes of the removed lock are
 * set to what the remaining locks need: unlocked, shared or exclusive.
 * Windows locks are mandatory: disk reads and writes call filelock_check.
 *
 * Lock counts: asking the kernel (F_OFD_GETLK) before every transfer
 * costs a system call each, and almost always finds nothing.  So the
 * session keeps a table of LOCK_BUCKETS counters in the arena, one per
 * hash of (device, inode): a counter is the number of Windows locks held
 * (or being taken) on the files of its bucket by every file object of
 * every process of the session.  A transfer whose bucket counts 0 needs no
 * query; otherwise (a lock on this file, or on another file of the same
 * bucket) it asks the kernel as before.  Order: a locker counts first and
 * then takes the OFD lock, and uncounts only after the OFD lock is gone,
 * so a reader that sees 0 read before any lock existed.  A count outlives
 * its locks only when something went wrong (a process died while holding
 * locks in an object nobody destroys): the counter then stays high and
 * those files take the slow, still correct, path.  The shortcut covers
 * the locks of winshim processes of the same session (the same user and
 * build): a lock taken by a winshim process of another session (another
 * user, another build of the library, a private arena) is seen only by
 * LockFile, not by reads and writes; a non-winshim process's fcntl lock
 * was never a Windows lock (docs/COMPATIBILITY.md).
 *
 * Share modes: the last 64 KiB below 2^63 are not file data but a
 * reservation.  Byte SHARE_BASE + i stands for one of six facts about an
 * open description: it has read, write or delete access (ACC_*), or it
 * denies others read, write or delete (DENY_*, a share bit not given).
 * Each open holds a shared OFD lock on the bytes of its facts; a new open
 * conflicts when, for an access it wants, some description holds the
 * matching DENY byte, or, for a share bit it withholds, some description
 * holds the matching ACC byte.  Testing (F_OFD_GETLK) and taking the locks
 * happen under an exclusive flock() of the file -- the gate -- so two
 * racing opens cannot both pass.  flock() and fcntl() locks are
 * independent on Linux; the gate is held for two or three system calls.
 *
 * Limits (docs/COMPATIBILITY.md): OFD read locks need an fd open for
 * reading, so a handle on a file the user may write but not read takes no
 * share-mode locks and imposes no deny modes; lock ranges are clipped
 * below the reservation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/object.h"
#include "io/file.h"

#define SHARE_BASE ((int64_t)0x7fffffffffff0000LL)
#define LOCK_SPACE_END SHARE_BASE
enum { ACC_READ, ACC_WRITE, ACC_DELETE, DENY_READ, DENY_WRITE, DENY_DELETE };

#define ACCESS_READ_BITS (FILE_READ_DATA | FILE_EXECUTE)
#define ACCESS_WRITE_BITS (FILE_WRITE_DATA | FILE_APPEND_DATA)

struct file_lock {
    uint64_t off, len;
    uint32_t exclusive;
    uint32_t pad;
};

uint64_t filelock_layout_mix(uint64_t h)
{
    static const uint32_t v[] = {
        LAYOUT_SIZE(struct file_lock),
        LAYOUT_FIELD(struct file_lock, off),
        LAYOUT_FIELD(struct file_lock, len),
        LAYOUT_FIELD(struct file_lock, exclusive),
    };
    return layout_mix(h, v, sizeof v / sizeof *v);
}

/* ---- lock counts (see above) ----
 *
 * A counter is one 64-bit word: the count in the low half, and in the high
 * half the one file object (its arena offset) that holds every counted
 * lock, or MIXED when locks of two or more objects were counted since the
 * count was last 0 (0 with a count of 0).  So a transfer of a handle that
 * itself holds the only locks of its file (a database holding its lock
 * bytes while it reads pages) skips the query too: its own locks never
 * forbid its own reads, and own shared locks against its own writes are
 * checked on its list.  One load reads both halves consistently. */

#define LOCK_BUCKETS 4096
#define MIXED 0xffffffffu

static uint64_t counter(uint32_t owner, uint32_t n)
{
    return (uint64_t)owner << 32 | n;
}

/* The session's table, made on first use (zeroed) and never freed. */
static _Atomic uint64_t *lock_counts(void)
{
    struct arena_header *h = arena_hdr();
    aoff_t off = atomic_load_explicit(&h->file_locks, memory_order_acquire);
    if (off)
        return arena_ptr(off);
    void *t = arena_alloc(LOCK_BUCKETS * sizeof(uint64_t));
    if (!t)
        return NULL;
    aoff_t mine = arena_off(t);
    if (!atomic_compare_exchange_strong_explicit(&h->file_locks, &off, mine,
                                                 memory_order_acq_rel,
                                                 memory_order_acquire)) {
        arena_free(t, LOCK_BUCKETS * sizeof(uint64_t));
        return arena_ptr(off);
    }
    return t;
}

void filelock_bind(struct file_obj *f, const struct stat *st)
{
    uint64_t k = ((uint64_t)st->st_dev * 0x9e3779b97f4a7c15ull) ^ (uint64_t)st->st_ino;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    if (lock_counts())
        f->lock_bucket = (uint32_t)(k % LOCK_BUCKETS) + 1;
}

/* Counts one lock of f more (up) or fewer.  An object without a bucket
 * counts nothing (its transfers always ask the kernel). */
static void count_lock(struct file_obj *f, bool up)
{
    if (!f->lock_bucket)
        return;
    _Atomic uint64_t *c = lock_counts();
    if (!c)
        return;
    c += f->lock_bucket - 1;
    uint32_t self = arena_off(f);
    uint64_t v = atomic_load_explicit(c, memory_order_relaxed), nv;
    do {
        uint32_t owner = (uint32_t)(v >> 32), n = (uint32_t)v;
        if (up)
            nv = counter(!n ? self : owner == self ? self : MIXED, n + 1);
        else
            nv = n <= 1 ? 0 : counter(owner, n - 1);
    } while (!atomic_compare_exchange_weak_explicit(c, &v, nv, memory_order_seq_cst,
                                                    memory_order_relaxed));
}

/* Might a lock of another file object of the session be over f's file? */
static bool maybe_locked(struct file_obj *f)
{
    if (!f->lock_bucket)
        return true;
    _Atomic uint64_t *c = arena_ptr(atomic_load_explicit(&arena_hdr()->file_locks,
                                                         memory_order_acquire));
    uint64_t v = atomic_load_explicit(&c[f->lock_bucket - 1], memory_order_seq_cst);
    return (uint32_t)v && (uint32_t)(v >> 32) != arena_off(f);
}

/* ---- OFD primitives ---- */

static int ofd_lock(int fd, short type, int64_t off, int64_t len, bool wait)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = off,
                       .l_len = len};
    int r;
    do
        r = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
    while (r < 0 && errno == EINTR);
    return r < 0 ? errno : 0;
}

/* Does another description hold a lock over the bytes that conflicts
 * with `type`?  (F_RDLCK: is anything exclusive there; F_WRLCK: anything.) */
static int ofd_busy(int fd, short type, int64_t off, int64_t len, bool *busy)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = off,
                       .l_len = len};
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
        return errno;
    *busy = fl.l_type != F_UNLCK;
    return 0;
}

/* Clip a Windows range (64-bit unsigned) to the lock space; false when
 * nothing of it is left. */
static bool clip(uint64_t off, uint64_t len, int64_t *o, int64_t *l)
{
    if (!len || off >= (uint64_t)LOCK_SPACE_END)
        return false;
    uint64_t room = (uint64_t)LOCK_SPACE_END - off;
    *o = (int64_t)off;
    *l = (int64_t)(len < room ? len : room);
    return true;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    if (!alen || !blen)
        return false;
    uint64_t aend = a + alen < a ? UINT64_MAX : a + alen;
    uint64_t bend = b + blen < b ? UINT64_MAX : b + blen;
    return a < bend && b < aend;
}

/* ---- the per-object list (under the object lock) ---- */

static struct file_lock *locks_of(struct file_obj *f)
{
    return arena_ptr(f->locks);
}

static size_t locks_bytes(uint32_t n)
{
    return (size_t)n * sizeof(struct file_lock);
}

static DWORD locks_add(struct file_obj *f, const struct file_lock *l)
{
    if (f->nlocks == f->lock_cap) {
        uint32_t cap = f->lock_cap ? f->lock_cap * 2 : 4;
        struct file_lock *nl = arena_alloc(locks_bytes(cap));
        if (!nl)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (f->locks) {
            memcpy(nl, locks_of(f), locks_bytes(f->nlocks));
            arena_free(locks_of(f), locks_bytes(f->lock_cap));
        }
        f->locks = arena_off(nl);
        f->lock_cap = cap;
    }
    locks_of(f)[f->nlocks] = *l;
    /* filelock_check peeks at the count without the lock. */
    __atomic_store_n(&f->nlocks, f->nlocks + 1, __ATOMIC_RELEASE);
    return ERROR_SUCCESS;
}

static void locks_remove(struct file_obj *f, uint32_t i)
{
    struct file_lock *l = locks_of(f);
    l[i] = l[f->nlocks - 1];
    __atomic_store_n(&f->nlocks, f->nlocks - 1, __ATOMIC_RELEASE);
}

void filelock_release_all(struct file_obj *f)
{
    /* The description is closed (file_last_close): its OFD locks are gone. */
    for (uint32_t i = f->nlocks; i; i--)
        count_lock(f, false);
    if (f->locks)
        arena_free(locks_of(f), locks_bytes(f->lock_cap));
    f->locks = 0;
    f->lock_cap = 0;
    __atomic_store_n(&f->nlocks, 0, __ATOMIC_RELEASE);
}

/* The strongest own lock over [off, off+len), other than entry `skip`:
 * 0 none, 1 shared, 2 exclusive. */
static int own_cover(struct file_obj *f, uint64_t off, uint64_t len, int64_t skip)
{
    int best = 0;
    struct file_lock *l = locks_of(f);
    for (uint32_t i = 0; i < f->nlocks; i++) {
        if ((int64_t)i == skip || !overlaps(l[i].off, l[i].len, off, len))
            continue;
        int k = l[i].exclusive ? 2 : 1;
        if (k > best)
            best = k;
    }
    return best;
}

/* Sets the OFD state of each piece of [off, off+len) to what the own locks
 * (except `skip`) need there.  Pieces are cut at every own lock edge. */
static int ofd_restore(struct file_obj *f, int fd, uint64_t off, uint64_t len,
                       int64_t skip)
{
    int first = 0;
    uint64_t end = off + len;
    uint64_t pos = off;
    struct file_lock *l = locks_of(f);
    while (pos < end) {
        uint64_t next = end;
        for (uint32_t i = 0; i < f->nlocks; i++) {
            if ((int64_t)i == skip || !l[i].len)
                continue;
            uint64_t e = l[i].off + l[i].len;
            if (l[i].off > pos && l[i].off < next)
                next = l[i].off;
            if (e > pos && e < next)
                next = e;
        }
        int cover = own_cover(f, pos, next - pos, skip);
        int64_t o, n;
        if (clip(pos, next - pos, &o, &n)) {
            int e = ofd_lock(fd, cover == 2 ? F_WRLCK : cover == 1 ? F_RDLCK : F_UNLCK,
                             o, n, false);
            if (e && !first)
                first = e;
        }
        pos = next;
    }
    return first;
}

/* ---- LockFile / UnlockFile ---- */

static bool own_exclusive_over(struct file_obj *f, uint64_t off, uint64_t len)
{
    struct file_lock *l = locks_of(f);
    for (uint32_t i = 0; i < f->nlocks; i++)
        if (l[i].exclusive && overlaps(l[i].off, l[i].len, off, len))
            return true;
    return false;
}

static DWORD lock_errno(int e)
{
    if (e == EAGAIN || e == EACCES || e == EDEADLK)
        return ERROR_LOCK_VIOLATION;
    return ws_errno_to_win32(e);
}

static DWORD lock_counted(struct file_obj *f, uint64_t off, uint64_t len,
                    bool exclusive, bool wait)
{
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (len && off + len - 1 < off)
        return ERROR_INVALID_PARAMETER; /* the range wraps past 2^64 */
    struct file_lock nl = {.off = off, .len = len, .exclusive = exclusive};
    int64_t o = 0, n = 0;
    bool real = clip(off, len, &o, &n);
    DWORD err;

    obj_lock(&f->hdr);
    /* An exclusive lock may not overlap any lock of this handle; a shared
     * one may overlap anything of its own. */
    bool own_any = own_cover(f, off, len, -1) != 0;
    bool own_excl = own_exclusive_over(f, off, len);
    if (exclusive && own_any) {
        obj_unlock(&f->hdr);
        return ERROR_LOCK_VIOLATION;
    }
    if (real && !exclusive && own_excl) {
        /* Shared over bytes partly under an own exclusive lock: record it
         * and let each piece take what the list needs (exclusive stays
         * exclusive, the rest becomes shared); no waiting here. */
        if ((err = locks_add(f, &nl))) {
            obj_unlock(&f->hdr);
            return err;
        }
        int e = ofd_restore(f, fd, off, len, -1);
        if (e) {
            locks_remove(f, f->nlocks - 1);
            ofd_restore(f, fd, off, len, -1);
        }
        obj_unlock(&f->hdr);
        return e ? lock_errno(e) : ERROR_SUCCESS;
    }
    obj_unlock(&f->hdr);

    /* Nothing of our own is exclusive here: the kernel's lock is the
     * whole answer (own shared bytes merge with a new shared lock). */
    if (real) {
        int e = ofd_lock(fd, exclusive ? F_WRLCK : F_RDLCK, o, n, wait);
        if (e)
            return lock_errno(e);
    }
    obj_lock(&f->hdr);
    err = locks_add(f, &nl);
    if (err && real)
        ofd_restore(f, fd, off, len, -1);
    obj_unlock(&f->hdr);
    return err;
}
/* The lock is counted before it exists (see "Lock counts"): one count
 * per entry of the list, uncounted when the lock is not taken. */
DWORD filelock_lock(struct file_obj *f, uint64_t off, uint64_t len,
                    bool exclusive, bool wait)
{
    count_lock(f, true);
    DWORD err = lock_counted(f, off, len, exclusive, wait);
    if (err)
        count_lock(f, false);
    return err;
}


DWORD filelock_unlock(struct file_obj *f, uint64_t off, uint64_t len)
{
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    obj_lock(&f->hdr);
    struct file_lock *l = locks_of(f);
    int64_t found = -1;
    /* Exclusive entries first: of a shared and an exclusive lock on one
     * range, the first unlock removes the exclusive one. */
    for (uint32_t i = 0; i < f->nlocks; i++)
        if (l[i].off == off && l[i].len == len && (found < 0 || l[i].exclusive))
            found = i;
    if (found < 0) {
        obj_unlock(&f->hdr);
        return ERROR_NOT_LOCKED;
    }
    if (len)
        ofd_restore(f, fd, off, len, found);
    locks_remove(f, (uint32_t)found);
    obj_unlock(&f->hdr);
    count_lock(f, false); /* after the OFD lock went */
    return ERROR_SUCCESS;
}

/* ---- the mandatory check of reads and writes ---- */

DWORD filelock_check(struct file_obj *f, int fd, const int64_t *at, DWORD len,
                     bool write)
{
    if (fd < 0 || !len)
        return ERROR_SUCCESS;
    /* Own shared locks forbid writing, also to their owner. */
    if (write && __atomic_load_n(&f->nlocks, __ATOMIC_ACQUIRE)) {
        int64_t off = at ? *at : (int64_t)lseek(fd, 0, SEEK_CUR);
        obj_lock(&f->hdr);
        struct file_lock *l = locks_of(f);
        bool denied = false;
        for (uint32_t i = 0; off >= 0 && i < f->nlocks && !denied; i++)
            denied = !l[i].exclusive && overlaps(l[i].off, l[i].len, (uint64_t)off, len);
        obj_unlock(&f->hdr);
        if (denied)
            return ERROR_LOCK_VIOLATION;
    }
    /* Nobody else can hold locks when this open shares neither reading nor
     * writing: every other open with data access was refused. */
    if ((f->flags & FILE_OBJ_SHARE_LOCKED) &&
        !(f->share & (FILE_SHARE_READ | FILE_SHARE_WRITE)))
        return ERROR_SUCCESS;
    /* No Windows lock of another file object on this file anywhere in
     * the session. */
    if (!maybe_locked(f))
        return ERROR_SUCCESS;
    /* One system call: the range relative to the file pointer when no
     * offset is given (no lseek to learn it). */
    struct flock fl = {.l_type = write ? F_WRLCK : F_RDLCK,
                       .l_whence = at ? SEEK_SET : SEEK_CUR,
                       .l_start = at ? *at : 0,
                       .l_len = len};
    if (at && *at >= LOCK_SPACE_END)
        return ERROR_SUCCESS;
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
        return ERROR_SUCCESS; /* a file that cannot be locked has no locks */
    return fl.l_type != F_UNLCK ? ERROR_LOCK_VIOLATION : ERROR_SUCCESS;
}

/* ---- share modes ---- */

static int gate_lock(int fd)
{
    int r;
    do
        r = flock(fd, LOCK_EX);
    while (r < 0 && errno == EINTR);
    return r;
}

static void gate_unlock(int fd)
{
    flock(fd, LOCK_UN);
}

#define DENY_ALL (1u << DENY_READ | 1u << DENY_WRITE | 1u << DENY_DELETE)
#define FACTS_ALL 0x3fu

/* The facts an open asserts, as a mask of 1 << ACC_* / DENY_*. */
static unsigned share_facts(ACCESS_MASK access, DWORD share)
{
    unsigned m = 0;
    if (access & ACCESS_READ_BITS)
        m |= 1u << ACC_READ;
    if (access & ACCESS_WRITE_BITS)
        m |= 1u << ACC_WRITE;
    if (access & DELETE)
        m |= 1u << ACC_DELETE;
    if (!m)
        return 0; /* attribute-only opens neither conflict nor deny */
    if (!(share & FILE_SHARE_READ))
        m |= 1u << DENY_READ;
    if (!(share & FILE_SHARE_WRITE))
        m |= 1u << DENY_WRITE;
    if (!(share & FILE_SHARE_DELETE))
        m |= 1u << DENY_DELETE;
    return m;
}

/* Under the gate: would an open asserting `facts` conflict with an
 * existing one?  The bytes to probe (for an access it wants, the matching
 * DENY byte; for a share bit it withholds, the matching ACC byte) are
 * asked in contiguous runs, one F_OFD_GETLK each: a run holds only bytes
 * to probe, so any lock found in it is a conflict (an exclusive open for
 * reading and writing asks once, bytes 0..4). */
static DWORD share_conflict(int fd, unsigned facts)
{
    unsigned probe = 0;
    for (int i = 0; i < 3; i++) {
        if (facts & (1u << (ACC_READ + i)))
            probe |= 1u << (DENY_READ + i); /* we want it: is it denied? */
        if (facts & (1u << (DENY_READ + i)))
            probe |= 1u << (ACC_READ + i); /* we deny it: does anyone have it? */
    }
    for (int i = 0; i < 6;) {
        if (!(probe & (1u << i))) {
            i++;
            continue;
        }
        int j = i;
        while (j < 6 && (probe & (1u << j)))
            j++;
        bool busy = false;
        if (!ofd_busy(fd, F_WRLCK, SHARE_BASE + i, j - i, &busy) && busy)
            return ERROR_SHARING_VIOLATION;
        i = j;
    }
    return ERROR_SUCCESS;
}

/* Takes the shared OFD locks of `facts` on fd; false if the file takes
 * none (no OFD locks there at all). */
static bool take_facts(int fd, unsigned facts)
{
    /* An open that shares nothing holds every DENY byte, and every other
     * open that takes part holds some ACC byte, so it conflicts with this
     * one whatever ACC bytes this one holds: holding all six is one lock
     * (a journal: read and write access, no sharing). */
    if ((facts & DENY_ALL) == DENY_ALL)
        facts = FACTS_ALL;
    /* One shared OFD lock per run of fact bytes (they merge anyway). */
    bool ok = true;
    for (int i = 0; i < 6;) {
        if (!(facts & (1u << i))) {
            i++;
            continue;
        }
        int j = i;
        while (j < 6 && (facts & (1u << j)))
            j++;
        if (ofd_lock(fd, F_RDLCK, SHARE_BASE + i, j - i, false))
            ok = false; /* only where there are no OFD locks at all */
        i = j;
    }
    return ok;
}

DWORD filelock_share_acquire(int fd, int fl, ACCESS_MASK access, DWORD share, bool *held)
{
    *held = false;
    unsigned facts = share_facts(access, share);
    if (!facts)
        return ERROR_SUCCESS;
    if (fl < 0)
        fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY || (fl & O_PATH))
        return ERROR_SUCCESS; /* cannot hold read locks: see the limits */
    if (gate_lock(fd) < 0)
        return ERROR_SUCCESS; /* no flock here (some network file systems) */
    DWORD err = share_conflict(fd, facts);
    if (!err)
        take_facts(fd, facts);
    gate_unlock(fd);
    *held = !err;
    return err;
}

bool filelock_share_take(int fd, ACCESS_MASK access, DWORD share)
{
    unsigned facts = share_facts(access, share);
    return facts && take_facts(fd, facts);
}

DWORD filelock_share_probe(int fd, ACCESS_MASK access, DWORD share, bool keep_gate)
{
    unsigned facts = share_facts(access, share);
    if (!facts)
        return ERROR_SUCCESS;
    if (gate_lock(fd) < 0)
        return ERROR_SUCCESS;
    DWORD err = share_conflict(fd, facts);
    if (err || !keep_gate)
        gate_unlock(fd);
    return err;
}

void filelock_gate_release(int fd)
{
    gate_unlock(fd);
}

DWORD filelock_share_test(int fd, ACCESS_MASK access, DWORD share)
{
    unsigned facts = share_facts(access, share);
    return facts ? share_conflict(fd, facts) : ERROR_SUCCESS;
}
