/*
 * errhandlingapi.h - the calling thread's last-error value.
 */
#ifndef _ERRHANDLING_H_
#define _ERRHANDLING_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI DWORD WINAPI GetLastError(VOID);
WINBASEAPI VOID WINAPI SetLastError(DWORD dwErrCode);

/* Error modes (lib/sys/debug.c). */
WINBASEAPI UINT WINAPI SetErrorMode(UINT uMode);
WINBASEAPI UINT WINAPI GetErrorMode(VOID);
WINBASEAPI BOOL WINAPI SetThreadErrorMode(DWORD dwNewMode, LPDWORD lpOldMode);
WINBASEAPI DWORD WINAPI GetThreadErrorMode(VOID);

#ifdef __cplusplus
}
#endif

#endif /* _ERRHANDLING_H_ */
