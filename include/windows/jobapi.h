/*
 * jobapi.h - IsProcessInJob (job objects: jobapi2.h).
 */
#ifndef _JOBAPISET_H_
#define _JOBAPISET_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI IsProcessInJob(HANDLE ProcessHandle, HANDLE JobHandle, PBOOL Result);

#ifdef __cplusplus
}
#endif

#endif /* _JOBAPISET_H_ */
