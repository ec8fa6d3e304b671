/*
 * Disk files: the file-object kind behind CreateFile on a path.
 *
 * The fd's open file description is the file object's (docs/ARCHITECTURE.md,
 * "Files"), so the file pointer is the fd's offset and every CreateFile
 * opens the path anew.  Reads and writes first ask filelock.c whether
 * another file object holds a Windows byte-range lock over the bytes
 * (Windows' locks are mandatory; Linux's are advisory, so the check is
 * ours).  FILE_FLAG_DELETE_ON_CLOSE unlinks the path when the object's last
 * handle goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int disk_fd(struct file_obj *f)
{
    return f->fd_pid == file_pid() ? f->fd : -1;
}

/* A positioned transfer on a synchronous handle leaves the file pointer
 * after the bytes moved, as Windows does. */
static void disk_seek_after(int fd, const int64_t *at, DWORD done)
{
    if (at)
        lseek(fd, (off_t)(*at + done), SEEK_SET);
}

/* The offset a transfer starts at: *at, or the file pointer. */
static int64_t disk_start(int fd, const int64_t *at)
{
    return at ? *at : (int64_t)lseek(fd, 0, SEEK_CUR);
}

static DWORD disk_read(struct file_obj *f, void *buf, DWORD len,
                       const int64_t *at, DWORD *done)
{
    int fd = disk_fd(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (f->flags & FILE_OBJ_DIRECTORY)
        return ERROR_INVALID_FUNCTION;
    DWORD err;
    if (len && (err = filelock_check(f, disk_start(fd, at), len, false)))
        return err;
    /* A disk read is whole unless the file ends: loop over short reads. */
    DWORD total = 0;
    int64_t pos = at ? *at : 0;
    while (total < len) {
        DWORD n = 0;
        err = file_fd_read(fd, (char *)buf + total, len - total,
                           at ? &pos : NULL, &n);
        if (err) {
            if (!total)
                return err;
            break;
        }
        if (!n)
            break;
        total += n;
        pos += n;
    }
    disk_seek_after(fd, at, total);
    *done = total;
    return ERROR_SUCCESS;
}

static DWORD disk_write(struct file_obj *f, const void *buf, DWORD len,
                        const int64_t *at, DWORD *done)
{
    int fd = disk_fd(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (f->flags & FILE_OBJ_DIRECTORY)
        return ERROR_INVALID_FUNCTION;
    DWORD err;
    if (len && (err = filelock_check(f, disk_start(fd, at), len, true)))
        return err;
    DWORD total = 0;
    int64_t pos = at ? *at : 0;
    while (total < len) {
        DWORD n = 0;
        err = file_fd_write(fd, (const char *)buf + total, len - total,
                            at ? &pos : NULL, &n);
        if (err) {
            if (!total)
                return err;
            break;
        }
        if (!n)
            break;
        total += n;
        pos += n;
    }
    disk_seek_after(fd, at, total);
    *done = total;
    return ERROR_SUCCESS;
}

static DWORD disk_flush(struct file_obj *f)
{
    int fd = disk_fd(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    if (fsync(fd) < 0)
        return ws_errno_to_win32(errno);
    return ERROR_SUCCESS;
}

static DWORD disk_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_DISK;
}

static void disk_last_close(struct file_obj *f)
{
    if ((f->flags & FILE_FLAG_DELETE_ON_CLOSE) && f->path) {
        const char *p = arena_ptr(f->path);
        if (f->flags & FILE_OBJ_DIRECTORY)
            rmdir(p);
        else
            unlink(p);
    }
}

const struct file_ops disk_file_ops = {
    .kind = FILE_KIND_DISK,
    .read = disk_read,
    .write = disk_write,
    .flush = disk_flush,
    .get_type = disk_get_type,
    .last_close = disk_last_close,
};
