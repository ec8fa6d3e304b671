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

#ifdef __cplusplus
}
#endif

#endif /* _ERRHANDLING_H_ */
