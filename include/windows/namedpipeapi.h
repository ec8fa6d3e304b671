/*
 * namedpipeapi.h - anonymous and named pipes.
 *
 * Declared as they are implemented: CreatePipe and PeekNamedPipe so far.
 */
#ifndef _NAMEDPIPE_H_
#define _NAMEDPIPE_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI CreatePipe(PHANDLE hReadPipe, PHANDLE hWritePipe,
                                  LPSECURITY_ATTRIBUTES lpPipeAttributes,
                                  DWORD nSize);
WINBASEAPI BOOL WINAPI PeekNamedPipe(HANDLE hNamedPipe, LPVOID lpBuffer,
                                     DWORD nBufferSize, LPDWORD lpBytesRead,
                                     LPDWORD lpTotalBytesAvail,
                                     LPDWORD lpBytesLeftThisMessage);

#ifdef __cplusplus
}
#endif

#endif /* _NAMEDPIPE_H_ */
