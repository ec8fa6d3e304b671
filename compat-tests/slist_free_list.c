/*
 * slist_free_list: Microsoft's "Using Singly Linked Lists" (push ten
 * items, pop them back), then the list as a free list shared by four
 * threads: every item is taken and given back, none lost or doubled.
 */
#include <windows.h>
#include <stdio.h>

typedef struct _PROGRAM_ITEM {
    SLIST_ENTRY ItemEntry;
    ULONG Signature;
    LONG InUse;
} PROGRAM_ITEM, *PPROGRAM_ITEM;

#define NITEMS 32
#define NTHREADS 4
#define ROUNDS 20000

static PSLIST_HEADER pFreeList;
static PPROGRAM_ITEM pItems;
static LONG lErrors;

static DWORD WINAPI FreeListUser(LPVOID lpParam)
{
    (void)lpParam;
    for (int r = 0; r < ROUNDS; r++) {
        PPROGRAM_ITEM p = (PPROGRAM_ITEM)InterlockedPopEntrySList(pFreeList);
        if (p == NULL)
            continue;
        if (InterlockedExchange(&p->InUse, 1) != 0)
            InterlockedIncrement(&lErrors);
        p->Signature++;
        if (InterlockedExchange(&p->InUse, 0) != 1)
            InterlockedIncrement(&lErrors);
        InterlockedPushEntrySList(pFreeList, &p->ItemEntry);
    }
    return 0;
}

int main(void)
{
    ULONG Count;
    PSLIST_ENTRY pFirstEntry, pListEntry;
    PSLIST_HEADER pListHead;
    PPROGRAM_ITEM pProgramItem;

    /* The header must be aligned on a MEMORY_ALLOCATION_ALIGNMENT boundary. */
    pListHead = (PSLIST_HEADER)HeapAlloc(GetProcessHeap(), 0, sizeof(SLIST_HEADER));
    if (pListHead == NULL || ((ULONG_PTR)pListHead % MEMORY_ALLOCATION_ALIGNMENT) != 0) {
        printf("Memory allocation failed.\n");
        return -1;
    }
    InitializeSListHead(pListHead);

    for (Count = 1; Count <= 10; Count += 1) {
        pProgramItem = (PPROGRAM_ITEM)HeapAlloc(GetProcessHeap(), 0, sizeof(PROGRAM_ITEM));
        if (pProgramItem == NULL) {
            printf("Memory allocation failed.\n");
            return -1;
        }
        pProgramItem->Signature = Count;
        pFirstEntry = InterlockedPushEntrySList(pListHead, &(pProgramItem->ItemEntry));
        if (Count == 1)
            printf("first push returned %s\n", pFirstEntry == NULL ? "NULL" : "an entry");
    }
    printf("depth after 10 pushes: %u\n", QueryDepthSList(pListHead));

    for (Count = 10; Count >= 1; Count -= 1) {
        pListEntry = InterlockedPopEntrySList(pListHead);
        if (pListEntry == NULL) {
            printf("List is empty.\n");
            return -1;
        }
        pProgramItem = (PPROGRAM_ITEM)pListEntry;
        printf("Signature is %lu\n", (unsigned long)pProgramItem->Signature);
        HeapFree(GetProcessHeap(), 0, pListEntry);
    }

    pListEntry = InterlockedFlushSList(pListHead);
    printf("flush of the empty list: %s\n", pListEntry == NULL ? "NULL" : "an entry");
    printf("pop of the empty list: %s\n",
           InterlockedPopEntrySList(pListHead) == NULL ? "NULL" : "an entry");

    /* A free list shared by threads. */
    pFreeList = pListHead;
    pItems = (PPROGRAM_ITEM)HeapAlloc(GetProcessHeap(), 0, sizeof(PROGRAM_ITEM) * NITEMS);
    if (pItems == NULL || ((ULONG_PTR)pItems % MEMORY_ALLOCATION_ALIGNMENT) != 0) {
        printf("Memory allocation failed.\n");
        return -1;
    }
    for (int i = 0; i < NITEMS; i++) {
        pItems[i].Signature = 0;
        pItems[i].InUse = 0;
        InterlockedPushEntrySList(pFreeList, &pItems[i].ItemEntry);
    }
    HANDLE hThreads[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        hThreads[i] = CreateThread(NULL, 0, FreeListUser, NULL, 0, NULL);
    WaitForMultipleObjects(NTHREADS, hThreads, TRUE, INFINITE);
    for (int i = 0; i < NTHREADS; i++)
        CloseHandle(hThreads[i]);

    printf("depth after the threads: %u\n", QueryDepthSList(pFreeList));
    int seen[NITEMS] = {0}, nItems = 0, nTwice = 0;
    while ((pListEntry = InterlockedPopEntrySList(pFreeList)) != NULL) {
        int i = (int)((PPROGRAM_ITEM)pListEntry - pItems);
        if (seen[i]++)
            nTwice++;
        nItems++;
    }
    printf("items back on the list: %d, twice: %d, errors: %ld\n", nItems, nTwice, (long)lErrors);

    /* A prepared chain pushed at once. */
    for (int i = 0; i < 3; i++)
        pItems[i].ItemEntry.Next = i < 2 ? &pItems[i + 1].ItemEntry : NULL;
    pFirstEntry = InterlockedPushListSListEx(pFreeList, &pItems[0].ItemEntry,
                                             &pItems[2].ItemEntry, 3);
    printf("push of a chain of 3 onto an empty list returned %s, depth %u\n",
           pFirstEntry == NULL ? "NULL" : "an entry", QueryDepthSList(pFreeList));
    printf("pop after the chain: item %d\n",
           (int)((PPROGRAM_ITEM)InterlockedPopEntrySList(pFreeList) - pItems));

    HeapFree(GetProcessHeap(), 0, pItems);
    HeapFree(GetProcessHeap(), 0, pListHead);
    return 0;
}
