/*
 * processtopologyapi.h - a thread's processor group affinity.
 */
#ifndef _PROCESSTOPOLOGYAPI_H_
#define _PROCESSTOPOLOGYAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI GetThreadGroupAffinity(HANDLE hThread, PGROUP_AFFINITY GroupAffinity);
WINBASEAPI BOOL WINAPI SetThreadGroupAffinity(HANDLE hThread,
                                              CONST GROUP_AFFINITY *GroupAffinity,
                                              PGROUP_AFFINITY PreviousGroupAffinity);

#ifdef __cplusplus
}
#endif

#endif /* _PROCESSTOPOLOGYAPI_H_ */
