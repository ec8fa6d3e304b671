/*
 * Modules: GetModuleFileNameA/W.  winshim has no module handles: the one
 * module a program can name is itself (hModule NULL), whose file is
 * /proc/self/exe, given as a Windows path (path.c's drive mapping).  No
 * object, no state, no locks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/unicode.h"
#include "io/path.h"

static DWORD module_file_name(HMODULE module, bool wide, void *buf, DWORD size)
{
    if (module) {
        ws_set_last_error(ERROR_MOD_NOT_FOUND);
        return 0;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) {
        ws_set_last_error(ws_errno_to_win32(errno));
        return 0;
    }
    exe[n] = 0;
    struct upath p;
    DWORD err = path_to_windows(exe, &p);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    DWORD r = path_copy_out(p.buf, wide, buf, size);
    if (r >= size && size > 0) {
        /* Too small: as much as fits, terminated, and the buffer's size. */
        if (wide) {
            WCHAR tmp[4096];
            int wn = utf8_to_utf16(p.buf, tmp, sizeof tmp / sizeof *tmp);
            if (wn > 0) {
                memcpy(buf, tmp, (size - 1) * sizeof(WCHAR));
                ((WCHAR *)buf)[size - 1] = 0;
            }
        } else {
            memcpy(buf, p.buf, size - 1);
            ((char *)buf)[size - 1] = 0;
        }
        r = size;
        ws_set_last_error(ERROR_INSUFFICIENT_BUFFER);
    } else if (size == 0) {
        r = 0;
        ws_set_last_error(ERROR_INSUFFICIENT_BUFFER);
    }
    path_free(&p);
    return r;
}

WS_EXPORT DWORD WINAPI GetModuleFileNameA(HMODULE module, LPSTR buf, DWORD size)
{
    return module_file_name(module, false, buf, size);
}

WS_EXPORT DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR buf, DWORD size)
{
    return module_file_name(module, true, buf, size);
}
