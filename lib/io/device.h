/*
 * Devices: the console (console.c), comm ports (comm.c), change
 * notifications (change.c), and CreateFile's hook for device names (device.c).
 */
#ifndef WINSHIM_IO_DEVICE_H
#define WINSHIM_IO_DEVICE_H

#include "io/file.h"


/* The CreateFile hook (device.c): CreateFileA/W call it first with the
 * name as given.  DEVICE_NOT_A_DEVICE: not CONIN$/CONOUT$/COMn, open the
 * name as a path; anything else is CreateFile's result (0 and *out, or a
 * Win32 error). */
#define DEVICE_NOT_A_DEVICE ((DWORD)-1)
DWORD device_open_a(LPCSTR name, ACCESS_MASK access, DWORD share, DWORD creation,
                    DWORD flags, HANDLE *out);
DWORD device_open_w(LPCWSTR name, ACCESS_MASK access, DWORD share, DWORD creation,
                    DWORD flags, HANDLE *out);
/* CONIN$ (output false) or CONOUT$: the process's controlling terminal. */
DWORD console_open(bool output, ACCESS_MASK access, HANDLE *out);
/* COMn through WINSHIM_COMn or /dev/ttyS(n-1) (docs/COMPATIBILITY.md). */
DWORD comm_open(unsigned n, ACCESS_MASK access, DWORD creation, DWORD flags,
                HANDLE *out);
extern const struct file_ops console_file_ops, comm_file_ops;
extern const struct object_type change_type;
/* ReadDirectoryChangesW (change.c): a directory file object's last handle
 * is gone (overlapped_file_closed calls it); CancelIo(Ex) of its waiting
 * requests (true: some were cancelled). */
void change_dir_closed(struct file_obj *f);
bool change_dir_cancel(struct file_obj *f, uint32_t tid, LPOVERLAPPED ov);

/* Named pipes (npipe.c) and mailslots (mailslot.c).  rdv_path: the file
 * name (in the per-user rendezvous directory) of a \\.\pipe\ or
 * \\.\mailslot\ name, with `reserve` bytes left for a suffix;
 * ERROR_INVALID_NAME when the prefix is not the kind's. */
enum rdv_kind { RDV_PIPE, RDV_MAILSLOT };
/* The user's own directory (made if missing), or the shared base of names
 * granted to other users: made if missing by a creator, only looked at by
 * a client (ERROR_FILE_NOT_FOUND when it does not exist). */
enum rdv_where { RDV_OWN, RDV_SHARED_MAKE, RDV_SHARED_LOOK };
DWORD rdv_path(const void *name, bool wide, enum rdv_kind kind, enum rdv_where where,
               size_t reserve, char *out, size_t cap);
/* CreateFile's hook: is it a pipe (mailslot) name, and open its client
 * end (a writer). */
bool npipe_is_name(const void *name, bool wide);
DWORD npipe_open(const void *name, bool wide, ACCESS_MASK access, DWORD flags,
                 HANDLE *out);
bool mailslot_is_name(const void *name, bool wide);
DWORD mailslot_open(const void *name, bool wide, ACCESS_MASK access, DWORD share,
                    DWORD creation, HANDLE *out);
/* PeekNamedPipe on a named pipe (pipe.c calls it). */
DWORD npipe_peek(struct file_obj *f, void *buf, DWORD size, DWORD *copied,
                 DWORD *avail, DWORD *left);



#endif
