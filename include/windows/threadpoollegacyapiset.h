/*
 * threadpoollegacyapiset.h - the thread pool functions of Windows 2000:
 * QueueUserWorkItem (lib/proc/legacypool.c) and timer queues
 * (lib/proc/timerqueue.c).  RegisterWaitForSingleObject, UnregisterWait,
 * BindIoCompletionCallback and DeleteTimerQueue are in winbase.h, as in
 * the SDK.
 */
#ifndef _THREADPOOLLEGACYAPISET_H_
#define _THREADPOOLLEGACYAPISET_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE Function, PVOID Context,
                                         ULONG Flags);
WINBASEAPI BOOL WINAPI UnregisterWaitEx(HANDLE WaitHandle, HANDLE CompletionEvent);
WINBASEAPI HANDLE WINAPI CreateTimerQueue(VOID);
WINBASEAPI BOOL WINAPI CreateTimerQueueTimer(PHANDLE phNewTimer, HANDLE TimerQueue,
                                             WAITORTIMERCALLBACK Callback, PVOID Parameter,
                                             DWORD DueTime, DWORD Period, ULONG Flags);
WINBASEAPI BOOL WINAPI ChangeTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer, ULONG DueTime,
                                             ULONG Period);
WINBASEAPI BOOL WINAPI DeleteTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer,
                                             HANDLE CompletionEvent);
WINBASEAPI BOOL WINAPI DeleteTimerQueueEx(HANDLE TimerQueue, HANDLE CompletionEvent);

#ifdef __cplusplus
}
#endif

#endif /* _THREADPOOLLEGACYAPISET_H_ */
