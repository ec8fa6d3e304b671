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
#include <wincon.h>

#endif /* _INC_WINDOWS */
#endif /* _WINDOWS_ */
