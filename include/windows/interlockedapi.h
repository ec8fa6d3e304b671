/*
 * interlockedapi.h - the interlocked singly linked lists (SLists); the
 * types are in winnt.h.  Implemented in lib/user/slist.c.
 */
#ifndef _INTERLOCKAPI_H_
#define _INTERLOCKAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI VOID WINAPI InitializeSListHead(PSLIST_HEADER ListHead);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedPopEntrySList(PSLIST_HEADER ListHead);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                                         PSLIST_ENTRY ListEntry);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedFlushSList(PSLIST_HEADER ListHead);
WINBASEAPI USHORT WINAPI QueryDepthSList(PSLIST_HEADER ListHead);

#define InterlockedPushListSList InterlockedPushListSListEx
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedPushListSListEx(PSLIST_HEADER ListHead,
                                                          PSLIST_ENTRY List,
                                                          PSLIST_ENTRY ListEnd, ULONG Count);

#ifdef __cplusplus
}
#endif

#endif /* _INTERLOCKAPI_H_ */
