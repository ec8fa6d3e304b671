/*
 * wow64apiset.h - is a process a 32-bit one on a 64-bit system?  winshim
 * runs 64-bit Linux processes only: never.
 */
#ifndef _WOW64APISET_H_
#define _WOW64APISET_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI IsWow64Process(HANDLE hProcess, PBOOL Wow64Process);
WINBASEAPI BOOL WINAPI IsWow64Process2(HANDLE hProcess, USHORT *pProcessMachine,
                                       USHORT *pNativeMachine);

#ifdef __cplusplus
}
#endif

#endif /* _WOW64APISET_H_ */
