/*
 * Windows byte-range locks and share modes on Linux open-file-description
 * locks (fcntl F_OFD_*), which belong to an open file description -- that
 * is, to one file object -- in every process, and vanish when its last fd
 * closes or its process dies.  docs/ARCHITECTURE.md, "Files", has the
 * layout of the lock space.
 *
 * Byte-range locks: a Windows lock over [off, off+len) is an OFD lock over
 * the same bytes (F_WRLCK for LOCKFILE_EXCLUSIVE_LOCK, F_RDLCK otherwise),
 * so the kernel arbitrates between file objects in all processes.
 * Windows locks are mandatory: every read and write of a disk file asks
 * here first (filelock_check).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The top of the byte space is reserved for the share-mode bytes; Windows
 * lock ranges are clipped below it. */
#define LOCK_SPACE_END ((int64_t)0x7fffffffffff0000LL)

/* Is [off, off+len) free of another file object's lock of a kind that
 * conflicts with `type` (F_RDLCK: exclusive locks; F_WRLCK: any)? */
static DWORD lock_probe(int fd, int64_t off, int64_t len, short type, bool *busy)
{
    if (off >= LOCK_SPACE_END) {
        *busy = false;
        return ERROR_SUCCESS;
    }
    if (len > LOCK_SPACE_END - off)
        len = LOCK_SPACE_END - off;
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = off,
                       .l_len = len};
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
        return ws_errno_to_win32(errno);
    *busy = fl.l_type != F_UNLCK;
    return ERROR_SUCCESS;
}

DWORD filelock_check(struct file_obj *f, int64_t off, DWORD len, bool write)
{
    int fd = file_fd(&f->hdr);
    if (fd < 0 || off < 0)
        return ERROR_SUCCESS;
    bool busy = false;
    DWORD err = lock_probe(fd, off, len, write ? F_WRLCK : F_RDLCK, &busy);
    if (err)
        return err;
    return busy ? ERROR_LOCK_VIOLATION : ERROR_SUCCESS;
}
