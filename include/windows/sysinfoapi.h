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

#ifdef __cplusplus
}
#endif

#endif /* _SYSINFOAPI_H_ */
