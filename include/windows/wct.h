/*
 * wct.h - Wait Chain Traversal: which object a thread waits on, which
 * thread owns that object, and so on, with deadlock (cycle) detection
 * (lib/sys/wct.c).  Not included by windows.h, as in the SDK.
 */
#ifndef _INC_WCT
#define _INC_WCT

#include <windef.h>
#include <guiddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef LPVOID HWCT;

typedef enum _WCT_OBJECT_TYPE {
    WctCriticalSectionType = 1,
    WctSendMessageType,
    WctMutexType,
    WctAlpcType,
    WctComType,
    WctThreadWaitType,
    WctProcessWaitType,
    WctThreadType,
    WctComActivationType,
    WctUnknownType,
    WctSocketIoType,
    WctSmbIoType,
    WctMaxType
} WCT_OBJECT_TYPE;

typedef enum _WCT_OBJECT_STATUS {
    WctStatusNoAccess = 1,
    WctStatusRunning,
    WctStatusBlocked,
    WctStatusPidOnly,
    WctStatusPidOnlyRpcss,
    WctStatusOwned,
    WctStatusNotOwned,
    WctStatusAbandoned,
    WctStatusUnknown,
    WctStatusError,
    WctStatusMax
} WCT_OBJECT_STATUS;

#define WCT_MAX_NODE_COUNT 16
#define WCT_OBJNAME_LENGTH 128

/* OpenThreadWaitChainSession's flags. */
#define WCT_ASYNC_OPEN_FLAG 0x1
#define WCTP_OPEN_ALL_FLAGS (WCT_ASYNC_OPEN_FLAG)

/* GetThreadWaitChain's flags. */
#define WCT_OUT_OF_PROC_FLAG 0x1
#define WCT_OUT_OF_PROC_COM_FLAG 0x2
#define WCT_OUT_OF_PROC_CS_FLAG 0x4
#define WCT_NETWORK_IO_FLAG 0x8
#define WCTP_GETINFO_ALL_FLAGS \
    (WCT_OUT_OF_PROC_FLAG | WCT_OUT_OF_PROC_COM_FLAG | WCT_OUT_OF_PROC_CS_FLAG)

typedef struct _WAITCHAIN_NODE_INFO {
    WCT_OBJECT_TYPE ObjectType;
    WCT_OBJECT_STATUS ObjectStatus;
    __extension__ union {
        struct {
            WCHAR ObjectName[WCT_OBJNAME_LENGTH];
            LARGE_INTEGER Timeout;
            BOOL Alertable;
        } LockObject;
        struct {
            DWORD ProcessId;
            DWORD ThreadId;
            DWORD WaitTime;
            DWORD ContextSwitches;
        } ThreadObject;
    } DUMMYUNIONNAME;
} WAITCHAIN_NODE_INFO, *PWAITCHAIN_NODE_INFO;

typedef VOID(CALLBACK *PWAITCHAINCALLBACK)(HWCT WctHandle, DWORD_PTR Context,
                                           DWORD CallbackStatus, LPDWORD NodeCount,
                                           PWAITCHAIN_NODE_INFO NodeInfoArray,
                                           LPBOOL IsCycle);

HWCT WINAPI OpenThreadWaitChainSession(DWORD Flags, PWAITCHAINCALLBACK callback);
VOID WINAPI CloseThreadWaitChainSession(HWCT WctHandle);
BOOL WINAPI GetThreadWaitChain(HWCT WctHandle, DWORD_PTR Context, DWORD Flags,
                               DWORD ThreadId, LPDWORD NodeCount,
                               PWAITCHAIN_NODE_INFO NodeInfoArray, LPBOOL IsCycle);

/* COM's hooks for WCT (ole32's CoGetCallState, CoGetActivationState). */
typedef HRESULT(WINAPI *PCOGETCALLSTATE)(int, PULONG);
typedef HRESULT(WINAPI *PCOGETACTIVATIONSTATE)(GUID, DWORD, DWORD *);

VOID WINAPI RegisterWaitChainCOMCallback(PCOGETCALLSTATE CallStateCallback,
                                         PCOGETACTIVATIONSTATE ActivationStateCallback);

#ifdef __cplusplus
}
#endif

#endif
