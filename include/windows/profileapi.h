/*
 * profileapi.h - the high-resolution performance counter.
 */
#ifndef _PROFILEAPI_H_
#define _PROFILEAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
WINBASEAPI BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

#ifdef __cplusplus
}
#endif

#endif /* _PROFILEAPI_H_ */
