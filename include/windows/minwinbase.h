/*
 * minwinbase.h - structures and callback types shared by the kernel API
 * headers (synchapi.h, processthreadsapi.h, fileapi.h, ...).
 */
#ifndef _MINWINBASE_
#define _MINWINBASE_

#include <minwindef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Memory helpers under their everyday names (see winnt.h). */
#define MoveMemory RtlMoveMemory
#define CopyMemory RtlCopyMemory
#define FillMemory RtlFillMemory
#define ZeroMemory RtlZeroMemory
#define SecureZeroMemory RtlSecureZeroMemory

/* Passed to every Create* function: who may use the new object, and
 * whether child processes inherit the returned handle. */
typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;                 /* sizeof(SECURITY_ATTRIBUTES) */
    LPVOID lpSecurityDescriptor;   /* NULL: the default security */
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* Why a waitable timer may wake the machine (SetWaitableTimerEx). */
#define POWER_REQUEST_CONTEXT_VERSION 0
#define POWER_REQUEST_CONTEXT_SIMPLE_STRING 0x00000001
#define POWER_REQUEST_CONTEXT_DETAILED_STRING 0x00000002

typedef struct _REASON_CONTEXT {
    ULONG Version;                 /* POWER_REQUEST_CONTEXT_VERSION */
    DWORD Flags;                   /* POWER_REQUEST_CONTEXT_*_STRING */
    union {
        struct {
            HMODULE LocalizedReasonModule;
            ULONG LocalizedReasonId;
            ULONG ReasonStringCount;
            LPWSTR *ReasonStrings;
        } Detailed;
        LPWSTR SimpleReasonString;
    } Reason;
} REASON_CONTEXT, *PREASON_CONTEXT;

/* State of one asynchronous I/O request. */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;            /* status of the request */
    ULONG_PTR InternalHigh;        /* bytes transferred */
    __extension__ union {
        __extension__ struct {
            DWORD Offset;          /* file position, low and high halves */
            DWORD OffsetHigh;
        } DUMMYSTRUCTNAME;
        PVOID Pointer;
    } DUMMYUNIONNAME;
    HANDLE hEvent;                 /* signalled when the request completes */
} OVERLAPPED, *LPOVERLAPPED;

/* One completion, as dequeued from an I/O completion port. */
typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

typedef VOID (WINAPI *LPOVERLAPPED_COMPLETION_ROUTINE)(
    DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered, LPOVERLAPPED lpOverlapped);

/* A calendar date and time, one WORD per field. */
#ifndef _SYSTEMTIME_
#define _SYSTEMTIME_
typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;        /* 1 = January */
    WORD wDayOfWeek;    /* 0 = Sunday */
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;
#endif

/* The entry point of a thread made by CreateThread. */
typedef DWORD (WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

/* Exit code reported for a thread or process that is still running. */
#define STILL_ACTIVE STATUS_PENDING

/* Critical sections under their kernel32 names (the struct is in winnt.h). */
typedef RTL_CRITICAL_SECTION CRITICAL_SECTION;
typedef PRTL_CRITICAL_SECTION PCRITICAL_SECTION;
typedef PRTL_CRITICAL_SECTION LPCRITICAL_SECTION;
typedef RTL_CRITICAL_SECTION_DEBUG CRITICAL_SECTION_DEBUG;
typedef PRTL_CRITICAL_SECTION_DEBUG PCRITICAL_SECTION_DEBUG;
typedef PRTL_CRITICAL_SECTION_DEBUG LPCRITICAL_SECTION_DEBUG;

#ifdef __cplusplus
}
#endif

#endif /* _MINWINBASE_ */
