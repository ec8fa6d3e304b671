/*
 * handleapi.h - closing, duplicating and inspecting handles.
 */
#ifndef _APISETHANDLE_
#define _APISETHANDLE_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returned by functions that fail to produce a handle (CreateFile, ...).
 * It is also the value of the GetCurrentProcess() pseudo-handle. */
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);
WINBASEAPI BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle,
                                       HANDLE hSourceHandle,
                                       HANDLE hTargetProcessHandle,
                                       LPHANDLE lpTargetHandle,
                                       DWORD dwDesiredAccess,
                                       BOOL bInheritHandle,
                                       DWORD dwOptions);
WINBASEAPI BOOL WINAPI CompareObjectHandles(HANDLE hFirstObjectHandle,
                                            HANDLE hSecondObjectHandle);
WINBASEAPI BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
WINBASEAPI BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask,
                                            DWORD dwFlags);

#ifdef __cplusplus
}
#endif

#endif /* _APISETHANDLE_ */
