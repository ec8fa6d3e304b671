/*
 * Wait Chain Traversal, after Microsoft's "Using WCT" sample: instead of
 * every thread of the system, two threads of this program that take two
 * named mutexes in opposite orders and deadlock, and the chain of one of
 * them printed node by node, with the cycle reported.  Thread ids vary
 * from run to run, so threads are printed by their role.
 */
#include <windows.h>
#include <wct.h>
#include <stdio.h>
#include <string.h>

/* The Windows SDK's wct.h has these; mingw-w64's does not. */
#ifndef WCT_MAX_NODE_COUNT
#define WCT_MAX_NODE_COUNT 16
#endif
#ifndef WCTP_GETINFO_ALL_FLAGS
#define WCTP_GETINFO_ALL_FLAGS 0x7
#endif

typedef struct {
    const char *Name;
    HANDLE First;    /* taken first, held */
    HANDLE Second;   /* then waited for */
    HANDLE Ready;
    HANDLE Go;
    HANDLE Quit;
    DWORD Id;
} WORKER;

static const char *TypeName(WCT_OBJECT_TYPE Type)
{
    switch (Type) {
    case WctCriticalSectionType: return "CriticalSection";
    case WctSendMessageType: return "SendMessage";
    case WctMutexType: return "Mutex";
    case WctAlpcType: return "Alpc";
    case WctComType: return "Com";
    case WctThreadWaitType: return "ThreadWait";
    case WctProcessWaitType: return "ProcWait";
    case WctThreadType: return "Thread";
    case WctComActivationType: return "ComActivation";
    case WctUnknownType: return "Unknown";
    default: return "?";
    }
}

static const char *StatusName(WCT_OBJECT_STATUS Status)
{
    switch (Status) {
    case WctStatusNoAccess: return "NoAccess";
    case WctStatusRunning: return "Running";
    case WctStatusBlocked: return "Blocked";
    case WctStatusPidOnly: return "PidOnly";
    case WctStatusPidOnlyRpcss: return "PidOnlyRpcss";
    case WctStatusOwned: return "Owned";
    case WctStatusNotOwned: return "NotOwned";
    case WctStatusAbandoned: return "Abandoned";
    case WctStatusUnknown: return "Unknown";
    case WctStatusError: return "Error";
    default: return "?";
    }
}

static DWORD WINAPI Worker(LPVOID Param)
{
    WORKER *w = (WORKER *)Param;
    HANDLE Handles[2];
    DWORD Result;

    WaitForSingleObject(w->First, INFINITE);
    SetEvent(w->Ready);
    WaitForSingleObject(w->Go, INFINITE);

    /* Waits for the other worker's mutex, or for the main thread to end
     * the demonstration. */
    Handles[0] = w->Second;
    Handles[1] = w->Quit;
    Result = WaitForMultipleObjects(2, Handles, FALSE, INFINITE);
    if (Result == WAIT_OBJECT_0)
        ReleaseMutex(w->Second);
    ReleaseMutex(w->First);
    return 0;
}

static const char *WhoIs(DWORD Tid, WORKER *Workers)
{
    if (Tid == Workers[0].Id)
        return Workers[0].Name;
    if (Tid == Workers[1].Id)
        return Workers[1].Name;
    if (Tid == GetCurrentThreadId())
        return "main";
    return "another thread";
}

/* The last characters of an object name (Windows may prefix the name
 * with the object directory it lives in). */
static BOOL NameEndsWith(const WCHAR *Name, const char *Tail)
{
    size_t n = 0, t = strlen(Tail), i;
    while (n < WCT_OBJNAME_LENGTH && Name[n])
        n++;
    if (n < t)
        return FALSE;
    for (i = 0; i < t; i++)
        if (Name[n - t + i] != (WCHAR)(unsigned char)Tail[i])
            return FALSE;
    return TRUE;
}

static void PrintWaitChain(WAITCHAIN_NODE_INFO *Nodes, DWORD Count, WORKER *Workers)
{
    DWORD i;
    for (i = 0; i < Count; i++) {
        WAITCHAIN_NODE_INFO *Node = &Nodes[i];
        if (Node->ObjectType == WctThreadType) {
            printf("  [%s] thread %s, %s, in this process: %s\n", TypeName(Node->ObjectType),
                   WhoIs(Node->ThreadObject.ThreadId, Workers), StatusName(Node->ObjectStatus),
                   Node->ThreadObject.ProcessId == GetCurrentProcessId() ? "yes" : "no");
        } else {
            const char *Name = NameEndsWith(Node->LockObject.ObjectName, "WctSampleMutexA")
                                   ? "WctSampleMutexA"
                               : NameEndsWith(Node->LockObject.ObjectName, "WctSampleMutexB")
                                   ? "WctSampleMutexB"
                                   : "(other)";
            printf("  [%s] %s, %s\n", TypeName(Node->ObjectType), Name,
                   StatusName(Node->ObjectStatus));
        }
    }
}

int main(void)
{
    WORKER Workers[2];
    HANDLE Threads[2];
    HANDLE MutexA, MutexB, Go, Quit;
    HWCT WctHandle;
    WAITCHAIN_NODE_INFO Nodes[WCT_MAX_NODE_COUNT];
    DWORD Count = 0, Tries;
    BOOL IsCycle = FALSE;
    int i;

    WctHandle = OpenThreadWaitChainSession(0, NULL);
    if (WctHandle == NULL) {
        printf("OpenThreadWaitChainSession failed: %u\n", (unsigned)GetLastError());
        return 0;
    }
    printf("synchronous session opened\n");

    MutexA = CreateMutexA(NULL, FALSE, "WctSampleMutexA");
    MutexB = CreateMutexA(NULL, FALSE, "WctSampleMutexB");
    Go = CreateEventA(NULL, TRUE, FALSE, NULL);
    Quit = CreateEventA(NULL, TRUE, FALSE, NULL);
    Workers[0].Name = "A";
    Workers[0].First = MutexA;
    Workers[0].Second = MutexB;
    Workers[1].Name = "B";
    Workers[1].First = MutexB;
    Workers[1].Second = MutexA;
    for (i = 0; i < 2; i++) {
        Workers[i].Ready = CreateEventA(NULL, TRUE, FALSE, NULL);
        Workers[i].Go = Go;
        Workers[i].Quit = Quit;
        Threads[i] = CreateThread(NULL, 0, Worker, &Workers[i], 0, &Workers[i].Id);
        if (Threads[i] == NULL) {
            printf("CreateThread failed: %u\n", (unsigned)GetLastError());
            return 1;
        }
    }

    /* Each worker holds its first mutex; then both ask for the other's. */
    for (i = 0; i < 2; i++)
        WaitForSingleObject(Workers[i].Ready, INFINITE);
    SetEvent(Go);

    /* The chain grows as the workers reach their waits. */
    for (Tries = 0; Tries < 2000; Tries++) {
        Count = WCT_MAX_NODE_COUNT;
        if (GetThreadWaitChain(WctHandle, 0, WCTP_GETINFO_ALL_FLAGS, Workers[0].Id, &Count,
                               Nodes, &IsCycle) &&
            IsCycle)
            break;
        Sleep(10);
    }
    printf("wait chain of thread A (%u nodes):\n", (unsigned)Count);
    PrintWaitChain(Nodes, Count, Workers);
    printf("deadlock detected: %s\n", IsCycle ? "yes" : "no");

    /* An array too small for the chain. */
    Count = 2;
    if (!GetThreadWaitChain(WctHandle, 0, WCTP_GETINFO_ALL_FLAGS, Workers[1].Id, &Count, Nodes,
                            &IsCycle))
        printf("two nodes for thread B: error %u, %u needed\n", (unsigned)GetLastError(),
               (unsigned)Count);
    else
        printf("two nodes for thread B: succeeded\n");

    /* The main thread waits for nothing: one running node. */
    Count = WCT_MAX_NODE_COUNT;
    if (GetThreadWaitChain(WctHandle, 0, 0, GetCurrentThreadId(), &Count, Nodes, &IsCycle)) {
        printf("wait chain of the main thread (%u node):\n", (unsigned)Count);
        PrintWaitChain(Nodes, Count, Workers);
        printf("deadlock detected: %s\n", IsCycle ? "yes" : "no");
    } else {
        printf("GetThreadWaitChain failed: %u\n", (unsigned)GetLastError());
    }

    SetEvent(Quit);
    WaitForMultipleObjects(2, Threads, TRUE, INFINITE);
    CloseThreadWaitChainSession(WctHandle);
    printf("session closed\n");
    for (i = 0; i < 2; i++) {
        CloseHandle(Threads[i]);
        CloseHandle(Workers[i].Ready);
    }
    CloseHandle(MutexA);
    CloseHandle(MutexB);
    CloseHandle(Go);
    CloseHandle(Quit);
    return 0;
}
