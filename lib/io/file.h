/*
 * The file object every I/O kind builds on (file.c): the per-kind
 * operations table, descriptors across processes, attributes, and what
 * the layer registers with core (lib/kinds.c).
 */
#ifndef WINSHIM_IO_FILE_H
#define WINSHIM_IO_FILE_H

#include "core/holders.h"

/*
 * A file object is one open file description: CreateFile makes a new one
 * (its own file pointer); DuplicateHandle and inheritance share it.  What
 * it is backed by is a *kind* with its own operations (file_ops): disk
 * files, inherited streams, anonymous and named pipes, mailslots, the
 * console, comm devices.  Sockets are their own object type (net/).  The
 * kind is stored as a small number, not as a pointer, because the object
 * lives in the arena, which other processes map at other addresses (and
 * with the library at another address too).
 */
enum file_kind {
    FILE_KIND_DISK,     /* regular files and directories (diskfile.c) */
    FILE_KIND_STREAM,   /* any other inherited fd: tty, pipe, socket (std handles) */
    FILE_KIND_PIPE,     /* anonymous pipes (pipe.c) */
    FILE_KIND_MAILSLOT, /* mailslots (mailslot.c) */
    FILE_KIND_CONSOLE,  /* CONIN$, CONOUT$ (console.c) */
    FILE_KIND_COMM,     /* COMn (comm.c) */
    FILE_KIND_SOCKET,   /* unused: sockets are their own type (net/socket.c) */
    FILE_KIND_NPIPE,    /* named pipes (npipe.c) */
    FILE_KIND_COUNT = 16
};


struct file_obj;

/* Operations of one kind.  Every operation returns a Win32 error; NULL
 * means the operation does not apply (the caller's default is documented
 * at each).  `at` is the byte offset of a positioned transfer (OVERLAPPED
 * given on a synchronous handle) or NULL for "at the file pointer". */
struct file_ops {
    enum file_kind kind;
    /* NULL: ERROR_INVALID_FUNCTION. */
    DWORD (*read)(struct file_obj *f, void *buf, DWORD len, const int64_t *at,
                  DWORD *done);
    DWORD (*write)(struct file_obj *f, const void *buf, DWORD len,
                   const int64_t *at, DWORD *done);
    /* NULL: nothing to flush, success. */
    DWORD (*flush)(struct file_obj *f);
    /* FILE_TYPE_*; NULL: FILE_TYPE_UNKNOWN. */
    DWORD (*get_type)(struct file_obj *f);
    /* The last handle in any process was closed (DELETE_ON_CLOSE...). */
    void (*last_close)(struct file_obj *f);
    /* Called before an overlapped transfer (a write when `write`) is
     * queued: an error fails the ReadFile/WriteFile at once, with nothing
     * queued (a named pipe server still listening: ERROR_PIPE_LISTENING; a
     * pipe whose other end left: ERROR_BROKEN_PIPE, ERROR_NO_DATA, as
     * Windows), and the kind may get ready (a pipe server takes a waiting
     * client here, so the worker never blocks in an accept-then-recv that
     * CancelIo cannot reach).  NULL: nothing. */
    DWORD (*prepare)(struct file_obj *f, bool write);
    /* The opener let go of its own fd (its last handle went, here or
     * anywhere): release what only the opener holds beside it (a named
     * pipe's slot lock).  Other processes may go on with their copies.
     * NULL: nothing. */
    void (*let_go)(struct file_obj *f);
    /* The object is going: release what the kind holds.  The fd itself is
     * closed by file.c afterwards (when it is this process's). */
    void (*destroy)(struct file_obj *f);
    /* The kind's shared state (file_obj.kstate) as LAYOUT_FIELD entries
     * (TYPE_LAYOUT), folded into the layout id; NULL: it has none. */
    const uint32_t *layout;
    uint32_t layout_len;
};

extern const struct file_ops *const file_kinds[FILE_KIND_COUNT];
extern const struct file_ops disk_file_ops, stream_file_ops;
extern const struct file_ops pipe_file_ops; /* pipe.c */
extern const struct file_ops npipe_file_ops;    /* npipe.c */
extern const struct file_ops mailslot_file_ops; /* mailslot.c */

/* Flags of struct file_obj.flags besides the FILE_FLAG_* bits kept from
 * CreateFile (they use the high bits; these use low bits). */
#define FILE_OBJ_APPEND_ONLY 0x0001 /* FILE_APPEND_DATA without FILE_WRITE_DATA */
#define FILE_OBJ_DIRECTORY 0x0002   /* opened with FILE_FLAG_BACKUP_SEMANTICS */
#define FILE_OBJ_SHARE_LOCKED 0x0004 /* holds share-mode locks (file_share.c) */
#define FILE_OBJ_STD 0x0008         /* wraps one of fds 0..2 */
#define FD_RESERVED 1 /* file_obj.fd_released: the number kept on /dev/null */
#define FD_CLOSED 2   /* file_obj.fd_released: the number closed at once */

struct file_obj {
    struct object hdr;
    /* Shared: written before the first handle exists, then read-only
     * (except the lock list, under the object lock). */
    uint32_t kind;         /* enum file_kind */
    uint32_t flags;        /* FILE_FLAG_* of CreateFile | FILE_OBJ_* */
    ACCESS_MASK access;    /* rights the file was opened with */
    uint32_t share;        /* FILE_SHARE_* */
    aoff_t path;           /* NUL-terminated Unix path (DELETE_ON_CLOSE), or 0 */
    uint32_t path_size;    /* bytes of the path block */
    aoff_t locks;          /* byte-range locks held (struct file_lock[]) */
    uint32_t nlocks, lock_cap;
    /* Process-private: a file descriptor is valid only in the process that
     * opened it, and the arena is shared between processes.  (fd_pid,
     * fd_tag) say which process fd belongs to (proc_is_self); any other
     * process must not touch fd (file_fd() returns -1 there), and a reaper
     * dropping a dead process's last handle only drops the object. */
    int32_t fd;
    uint32_t fd_pid;
    /* Completion port (iocp.c): the port's offset and the key, set once
     * under the object lock by CreateIoCompletionPort (key first, then the
     * port with release order); the file holds a reference on the port,
     * dropped by file_destroy through iocp_file_destroy. */
    _Atomic aoff_t iocp;
    uint32_t fd_tag;       /* shm_self_tag() of the fd's process */
    ULONG_PTR iocp_key;
    /* Set by process fd_pid when its last handle went: FD_RESERVED, fd is
     * reserved on /dev/null, no longer the file's, until destroy; or
     * FD_CLOSED, fd was closed at once (nobody could still use it,
     * file_release_mine) and is not this object's any more. */
    _Atomic uint32_t fd_released;
    /* Written once by the opener: with (fd_pid, fd_tag, fd) it tells this
     * object from a later one at the same offset (the side table's key). */
    uint32_t serial;
    /* Set once a handle was duplicated into another process (which then
     * has no fd until it fetches one): lingering applies (file.c). */
    _Atomic uint32_t given;
    /* The kind's shared state (an arena block, e.g. a named pipe's modes
     * and its partly read message), or 0: every process with a handle
     * reads it, unlike priv.  Written once before the first handle. */
    aoff_t kstate;
    /* Kinds that re-point the opener's fd number at another description
     * (a named pipe server: listener, connection, /dev/null) publish the
     * identity (st_ino) of the current one here, 0 otherwise: another
     * process's copy of an older description is stale (file.c side
     * table) and a holder's copy is taken only when it is the current. */
    _Atomic uint64_t fd_ident;
    /* The file pointer a synchronous positioned transfer (an OVERLAPPED
     * offset) left, plus 1, not yet written to the open file description;
     * 0: the description's offset is the pointer.  Every user of the
     * offset applies it first (file_sync_pointer), in whichever process:
     * duplicated and inherited handles share the object and the
     * description, so they share the pointer as Windows' handles do. */
    _Atomic int64_t ptr_pending;
    /* Which counter of the session's lock-count table (filelock.c) counts
     * the byte-range locks of this file (by device and inode), plus 1;
     * 0: unknown (every transfer asks the kernel).  Written once before
     * the first handle. */
    uint32_t lock_bucket;
    uint32_t pad;
    /* Processes that keep an fd of this open file description (holders.c):
     * the opener, and every process that inherited or fetched one while it
     * has handles.  Another process takes its copy from any of them. */
    struct fd_holder holders[FD_HOLDERS];
};

/* Makes a file object of `ops`' kind around fd (which it takes over, also
 * on failure) and a handle with `access` (GENERIC_* mapped here).
 * flags: FILE_FLAG_* | FILE_OBJ_*. */
DWORD file_wrap_fd(int fd, const struct file_ops *ops, ACCESS_MASK access,
                   DWORD flags, HANDLE *out);
/* The same without a handle: the object with one reference and one handle
 * count, for callers that insert the handle themselves. */
DWORD file_new(int fd, const struct file_ops *ops, ACCESS_MASK access,
               DWORD flags, struct file_obj **out);
/* This process's fd of a file object, -1 if o is not an fd-backed file
 * opened in (or inherited by) this process. */
int file_fd(struct object *o);
/* A process that reads file objects' fds without holding references
 * (CreateProcess collecting the handles its child inherits and its
 * standard handles) pins them first, and unpins once the child has its
 * copies: while any pin is held, a last CloseHandle here keeps the number
 * reserved on /dev/null instead of closing it (file.c, file_release_mine). */
void file_fds_pin(void);
void file_fds_unpin(void);
/* Inherited descriptors (CreateProcess with bInheritHandles): the parent
 * lists "<object offset>:<fd>," in WINSHIM_FDS for every inherited object
 * whose type passes one (object_type.inherit_fd), and the child (shm.c,
 * once it adopted its slot) hands each to its type's adopt_fd here
 * (spawn.c; named for its first users, files). */
void file_adopt_inherited(const char *spec);
/* WINSHIM_STD=<in>,<out>,<err>: inherited handle values (hex, 0: none)
 * that are the child's standard handles (STARTF_USESTDHANDLES). */
void file_adopt_std(const char *spec);
/* f's fd in this process when it is not the opener's (or the opener let
 * go of its own): from the side table, else a copy fetched from a holder
 * (holders.c) with pidfd_getfd, which this process then holds until its
 * last handle to f closes; -1 when there is none. */
int file_side_fd(const struct file_obj *f);
/* The opener re-pointed its fd number at another description (dup3):
 * other processes' copies of the older one are stale from now on. */
void file_fd_repointed(struct file_obj *f);
/* A handle to f left this process's table (CloseHandle,
 * DUPLICATE_CLOSE_SOURCE): when it was the process's last handle to f
 * while other processes keep theirs, this process's fd goes now, as a
 * Windows handle's share of the object would (a pipe then ends when every
 * process has closed its ends, not when the last one does). */
/* Lets go of the fds this process kept only because no other process had
 * one yet (file.c, "lingering"); the deathwatch thread calls it at each
 * rescan (shm.c). */
void file_linger_scan(void);
/* The gate for file handles: h must be a file object with every right in
 * `need`.  Returns the object with a reference (I/O may block, so it
 * cannot stay inside an RCU read section): drop it with file_put.
 * *granted (may be NULL) receives the handle's access. */
DWORD file_get(HANDLE h, ACCESS_MASK need, struct file_obj **out,
               ACCESS_MASK *granted);
static inline void file_put(struct file_obj *f)
{
    object_unref(&f->hdr);
}
/* getpid(), cached and kept right across fork (core's ws_pid; file.c
 * resets its side table in a forked child). */
static inline uint32_t file_pid(void)
{
    return ws_pid();
}
/* Does a process-private field recorded as (pid, tag) belong to this
 * process?  The tag (slot and generation) tells a dead process from a
 * later one that got its pid back, which may be the reaper closing the
 * dead one's handles; the pid tells a fork child apart when the arena is
 * private (tag 0 in both). */
static inline bool proc_is_self(uint32_t pid, uint32_t tag)
{
    return pid == file_pid() && tag == shm_self_tag();
}
/* Is this process f's opener, still with its own fd (the number that
 * re-pointing kinds change)? */
static inline bool file_is_opener(const struct file_obj *f)
{
    return proc_is_self(f->fd_pid, f->fd_tag) &&
           !atomic_load_explicit(&f->fd_released, memory_order_acquire);
}
/* f's fd in this process: its opener's, or the one inherited or fetched
 * from another process (file.c, the side table); -1.  The caller holds a
 * reference to f (or has pinned fds, file_fds_pin): the fence orders
 * taking it before the look at fd_released, against the last close's
 * release before its look at the references (file_release_mine), so that
 * one of the two sees the other and a number closed at once is never
 * used. */
#if defined(__SANITIZE_THREAD__)
/* ThreadSanitizer does not model fences (gcc warns, -Wtsan): a locked
 * read-modify-write, a full barrier on x86, stands in for it there. */
extern _Atomic unsigned file_fence_word;
#define file_fence_sc() \
    ((void)atomic_fetch_add_explicit(&file_fence_word, 0, memory_order_seq_cst))
#else
#define file_fence_sc() atomic_thread_fence(memory_order_seq_cst)
#endif
static inline int file_fd_of(const struct file_obj *f)
{
    file_fence_sc();
    return file_is_opener(f) ? f->fd : file_side_fd(f);
}
/* Applies a pending file pointer (file_obj.ptr_pending) to fd, f's fd in
 * this process, before anything reads or moves the description's offset. */
void file_sync_pointer(struct file_obj *f, int fd);
/* Building blocks for kinds backed by an fd: one read or write (EINTR
 * retried, errno mapped), and what GetFileType says of an fd. */
DWORD file_fd_read(int fd, void *buf, DWORD len, const int64_t *at, DWORD *done);
DWORD file_fd_write(int fd, const void *buf, DWORD len, const int64_t *at,
                    DWORD *done);
DWORD file_fd_type(int fd);

/* Disk files (diskfile.c).  Attributes: READONLY and DIRECTORY come from
 * the mode, the bits in ATTRS_STORED from the extended attribute
 * ATTR_XATTR ("0x22"), ARCHIVE when a file has none. */
#define ATTR_XATTR "user.winshim.attrib"
#define ATTRS_STORED                                                         \
    (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE | \
     FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_OFFLINE |                     \
     FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)
struct stat;
DWORD attrs_of(const char *path, int fd, const struct stat *st);
void attrs_store(const char *path, int fd, DWORD bits);
void filetime_from_timespec(const struct timespec *ts, FILETIME *ft);

/* Byte-range locks and share modes (filelock.c).  A transfer of len bytes
 * at *at (NULL: at the file pointer) through f, whose fd in this process
 * (file_fd_of) is fd: ERROR_LOCK_VIOLATION when a lock of another file
 * object (any process) forbids it, or a shared lock of f's own forbids a
 * write. */
DWORD filelock_check(struct file_obj *f, int fd, const int64_t *at, DWORD len,
                     bool write);
/* LockFileEx / UnlockFileEx of one file object. */
DWORD filelock_lock(struct file_obj *f, uint64_t off, uint64_t len,
                    bool exclusive, bool wait);
DWORD filelock_unlock(struct file_obj *f, uint64_t off, uint64_t len);
void filelock_release_all(struct file_obj *f); /* the object is going */
/* Sets f->lock_bucket for the file st describes (a disk file object
 * before its first handle). */
struct stat;
void filelock_bind(struct file_obj *f, const struct stat *st);
/* Share modes: takes the share-mode locks of a new open on fd (whose
 * F_GETFL flags are fl, or -1: unknown), or fails with
 * ERROR_SHARING_VIOLATION (*held: locks were taken). */
DWORD filelock_share_acquire(int fd, int fl, ACCESS_MASK access, DWORD share, bool *held);
/* Would an open of fd's file with access/share conflict?  With keep_gate
 * and no conflict, the file's gate stays held (no open can slip in) until
 * filelock_gate_release: DeleteFile and MoveFile act under it. */
DWORD filelock_share_probe(int fd, ACCESS_MASK access, DWORD share, bool keep_gate);
void filelock_gate_release(int fd);
/* Takes the share-mode locks of an open of a file nobody else can open
 * yet (an O_TMPFILE inode before it is linked): no gate, no probe.  True
 * when they are held. */
bool filelock_share_take(int fd, ACCESS_MASK access, DWORD share);
/* The same question without the gate (DeleteFile: see fsops.c). */
DWORD filelock_share_test(int fd, ACCESS_MASK access, DWORD share);

extern const struct object_type file_type;
extern const struct object_type find_type; /* find.c */


/* File mappings (mapping.c), and what a granted cell keeps of one
 * (core/hooks.h: section_params, section_proxy_init). */
extern const struct object_type mapping_type;
void mapping_section_params(const void *ctx, uint64_t *size, DWORD *protect, DWORD *sec);
void mapping_proxy_init(struct object *o, uint64_t size, DWORD protect, DWORD sec);

/* Shared structs of the I/O layer folded into the layout id (lib/kinds.c
 * registers them): byte-range lock records, completion packets, and the
 * file_ops.layout of every file kind. */
uint64_t filelock_layout_mix(uint64_t h);
uint64_t iocp_layout_mix(uint64_t h);
uint64_t file_kinds_layout_mix(uint64_t h);

#endif
