/*
 * jobapi2.h - job objects: creation, membership, limits and accounting
 * (the structures and constants are in winnt.h; the ANSI creators in
 * winbase.h).
 */
#ifndef _JOBAPISET2_H_
#define _JOBAPISET2_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI HANDLE WINAPI CreateJobObjectW(LPSECURITY_ATTRIBUTES lpJobAttributes, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenJobObjectW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                        LPCWSTR lpName);
WINBASEAPI BOOL WINAPI AssignProcessToJobObject(HANDLE hJob, HANDLE hProcess);
WINBASEAPI BOOL WINAPI TerminateJobObject(HANDLE hJob, UINT uExitCode);
WINBASEAPI BOOL WINAPI SetInformationJobObject(HANDLE hJob,
                                               JOBOBJECTINFOCLASS JobObjectInformationClass,
                                               LPVOID lpJobObjectInformation,
                                               DWORD cbJobObjectInformationLength);
WINBASEAPI BOOL WINAPI QueryInformationJobObject(HANDLE hJob,
                                                 JOBOBJECTINFOCLASS JobObjectInformationClass,
                                                 LPVOID lpJobObjectInformation,
                                                 DWORD cbJobObjectInformationLength,
                                                 LPDWORD lpReturnLength);

#ifdef __cplusplus
}
#endif

#endif /* _JOBAPISET2_H_ */
