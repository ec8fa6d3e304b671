/*
 * Windows paths to Unix paths and back (path.c), with the drive mapping.
 */
#ifndef WINSHIM_IO_PATH_H
#define WINSHIM_IO_PATH_H

#include "core/base.h"

/* A UTF-8 path; paths up to MAX_PATH characters (3 UTF-8 bytes each at
 * most) need no allocation.  Release with path_free. */
struct upath {
    char *buf;
    size_t len, cap;
    char small[784];
};
#define PATH_WILDCARDS 0x1 /* ? and * allowed in the last component */
#define PATH_RAW 0x2       /* internal: \\?\ paths, no normalisation */
DWORD path_from_a(LPCSTR name, unsigned flags, struct upath *out);
DWORD path_from_w(LPCWSTR name, unsigned flags, struct upath *out);
void path_free(struct upath *p);
/* errno of an operation on upath as Windows reports it (ENOENT: file or
 * path not found, depending on whether the directory exists). */
DWORD path_error(int err, const char *upath);
/* An absolute Unix path as "X:\..." (UTF-8). */
DWORD path_to_windows(const char *unix_path, struct upath *out);
DWORD path_utf16_to_utf8(const WCHAR *w, size_t n, struct upath *out);
/* Hands a UTF-8 string back through an A or W buffer of `size` characters,
 * Windows style: the length without the terminator when it fits, else the
 * size needed with it (nothing written). */
DWORD path_copy_out(const char *s, bool wide, void *buf, DWORD size);
/* The Unix directory drive `letter` ('A'..'Z', either case) maps to, NULL
 * when there is no such drive; and WINSHIM_CASE_INSENSITIVE (sys/sysinfo.c). */
const char *path_drive_root(int letter);
bool path_case_insensitive(void);
/* The path argument of an A or W function. */
static inline DWORD path_from(const void *name, bool wide, unsigned flags,
                              struct upath *out)
{
    return wide ? path_from_w((LPCWSTR)name, flags, out)
                : path_from_a((LPCSTR)name, flags, out);
}
/* CloseHandle of a mapping: a holder process whose last handle to it went
 * lets go of its fd (mapping.c). */
/* CloseHandle/closesocket of a socket: a process whose last handle to it
 * went lets go of its own descriptor (socket.c). */


#endif
