/*
 * windows.h - the master header: includes the Win32 headers in the order
 * the SDK does.  Define WIN32_LEAN_AND_MEAN, NOMINMAX, UNICODE, STRICT or
 * NO_STRICT before including it, as on Windows.
 */
#ifndef _WINDOWS_
#define _WINDOWS_

#ifndef _INC_WINDOWS
#define _INC_WINDOWS

#include <stdarg.h>

#include <windef.h>
#include <winbase.h>
#include <winuser.h>
#include <winnls.h>
#include <wincon.h>

/* Windows' <windows.h> brings in Winsock 1.1 unless WIN32_LEAN_AND_MEAN.
 * Here, as in mingw-w64 on Cygwin, only when the program asks for it with
 * __USE_W32_SOCKETS: winsock takes over fd_set, select and gethostname
 * and cannot share a translation unit with <sys/socket.h>, and on a POSIX
 * system most translation units that include <windows.h> do not use
 * Windows sockets.  Programs that do include <winsock2.h>, as Microsoft
 * recommends anyway (docs/COMPATIBILITY.md, "Sockets"). */
#if !defined(WIN32_LEAN_AND_MEAN) && defined(__USE_W32_SOCKETS)
#include <winsock.h>
#endif

#endif /* _INC_WINDOWS */
#endif /* _WINDOWS_ */
