/*
 * processenv.h - the process environment: standard handles, the current
 * directory.
 */
#ifndef _PROCESSENV_
#define _PROCESSENV_

#include <apisetcconv.h>
#include <minwindef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI HANDLE WINAPI GetStdHandle(DWORD nStdHandle);
WINBASEAPI BOOL WINAPI SetStdHandle(DWORD nStdHandle, HANDLE hHandle);

#ifdef __cplusplus
}
#endif

#endif /* _PROCESSENV_ */
