/*
 * debugapi.h - debugger presence and debug output.
 */
#ifndef _DEBUGAPI_H_
#define _DEBUGAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI IsDebuggerPresent(VOID);
WINBASEAPI VOID WINAPI DebugBreak(VOID);
WINBASEAPI VOID WINAPI OutputDebugStringA(LPCSTR lpOutputString);
WINBASEAPI VOID WINAPI OutputDebugStringW(LPCWSTR lpOutputString);
WINBASEAPI BOOL WINAPI CheckRemoteDebuggerPresent(HANDLE hProcess, PBOOL pbDebuggerPresent);

#ifdef UNICODE
#define OutputDebugString OutputDebugStringW
#else
#define OutputDebugString OutputDebugStringA
#endif

#ifdef __cplusplus
}
#endif

#endif /* _DEBUGAPI_H_ */
