/*
 * sysinfoapi.h - system clocks and system information.
 */
#ifndef _SYSINFOAPI_H_
#define _SYSINFOAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Milliseconds since the system started; the 32-bit form wraps after
 * about 49.7 days. */
WINBASEAPI DWORD WINAPI GetTickCount(VOID);
WINBASEAPI ULONGLONG WINAPI GetTickCount64(VOID);

WINBASEAPI VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime);

/* System and local time (lib/sys/systime.c). */
WINBASEAPI VOID WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME lpSystemTimeAsFileTime);
WINBASEAPI VOID WINAPI GetSystemTime(LPSYSTEMTIME lpSystemTime);
WINBASEAPI VOID WINAPI GetLocalTime(LPSYSTEMTIME lpSystemTime);
WINBASEAPI BOOL WINAPI SetSystemTime(CONST SYSTEMTIME *lpSystemTime);
WINBASEAPI BOOL WINAPI SetLocalTime(CONST SYSTEMTIME *lpSystemTime);
WINBASEAPI BOOL WINAPI GetSystemTimeAdjustment(PDWORD lpTimeAdjustment, PDWORD lpTimeIncrement,
                                               PBOOL lpTimeAdjustmentDisabled);

#ifdef __cplusplus
}
#endif

#endif /* _SYSINFOAPI_H_ */
