/*
 * The last error and the one errno-to-Win32 table (error.c).
 */
#ifndef WINSHIM_CORE_ERROR_H
#define WINSHIM_CORE_ERROR_H

#include "core/base.h"

/* Sets the last error and returns FALSE / NULL for the edge of the API. */
BOOL ws_bool(DWORD err);
HANDLE ws_null(DWORD err);
/* h on success (last error untouched); INVALID_HANDLE_VALUE with the error
 * otherwise: the failure value of CreateFile and its kin. */
HANDLE ws_handle(DWORD err, HANDLE h);
void ws_set_last_error(DWORD err);
DWORD ws_errno_to_win32(int err);
/* Writes all n bytes of b to fd, again after EINTR and short writes: 0,
 * or the errno that stopped it (ENOSPC when write returned 0).  No lock,
 * no allocation: the trace line and the debug sink use it. */
int ws_write_all(int fd, const void *b, size_t n);


#endif
