/*
 * heapapi.h - heaps: HeapCreate and the block functions.  A heap handle
 * is the heap's address, not a kernel handle (CloseHandle does not take
 * one).  PROCESS_HEAP_ENTRY is in minwinbase.h, the HEAP_* flags and
 * HEAP_INFORMATION_CLASS in winnt.h, as in the SDK.
 */
#ifndef _HEAPAPI_H_
#define _HEAPAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize);
WINBASEAPI BOOL WINAPI HeapDestroy(HANDLE hHeap);
WINBASEAPI LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
WINBASEAPI LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes);
WINBASEAPI BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
WINBASEAPI SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
WINBASEAPI BOOL WINAPI HeapValidate(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
WINBASEAPI SIZE_T WINAPI HeapCompact(HANDLE hHeap, DWORD dwFlags);
WINBASEAPI BOOL WINAPI HeapLock(HANDLE hHeap);
WINBASEAPI BOOL WINAPI HeapUnlock(HANDLE hHeap);
WINBASEAPI BOOL WINAPI HeapWalk(HANDLE hHeap, LPPROCESS_HEAP_ENTRY lpEntry);
WINBASEAPI BOOL WINAPI HeapSetInformation(HANDLE HeapHandle,
                                          HEAP_INFORMATION_CLASS HeapInformationClass,
                                          PVOID HeapInformation, SIZE_T HeapInformationLength);
WINBASEAPI BOOL WINAPI HeapQueryInformation(HANDLE HeapHandle,
                                            HEAP_INFORMATION_CLASS HeapInformationClass,
                                            PVOID HeapInformation,
                                            SIZE_T HeapInformationLength, PSIZE_T ReturnLength);
WINBASEAPI HANDLE WINAPI GetProcessHeap(VOID);
WINBASEAPI DWORD WINAPI GetProcessHeaps(DWORD NumberOfHeaps, PHANDLE ProcessHeaps);

#ifdef __cplusplus
}
#endif

#endif /* _HEAPAPI_H_ */
