/*
 * realtimeapiset.h - CPU cycle counts of threads and processes.
 */
#ifndef _APISETREALTIME_
#define _APISETREALTIME_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI QueryThreadCycleTime(HANDLE ThreadHandle, PULONG64 CycleTime);
WINBASEAPI BOOL WINAPI QueryProcessCycleTime(HANDLE ProcessHandle, PULONG64 CycleTime);

#ifdef __cplusplus
}
#endif

#endif /* _APISETREALTIME_ */
