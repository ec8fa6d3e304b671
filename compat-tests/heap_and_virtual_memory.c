/*
 * A private heap and reserved-then-committed virtual memory, in the style
 * of Microsoft's "Reserving and Committing Memory" and "Using Private
 * Heaps" examples.  The original commits a page from an exception filter
 * when a write faults; without SEH the writer here commits the next page
 * itself before it writes past the committed end (the usual portable way
 * to write that program).  Then the same memory is looked at with
 * VirtualQuery, protected, decommitted and released; and a private heap,
 * a fixed-size heap and moveable global memory are exercised.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define PAGELIMIT 80 /* number of pages to reserve */

static LPBYTE lpNxtPage;   /* next page to commit */
static DWORD dwPages = 0;  /* pages committed so far */
static DWORD dwPageSize;   /* page size on this computer */

/* Commits the next page of the reservation; FALSE when the reservation
 * is used up or the commit fails. */
static BOOL CommitNextPage(LPVOID lpvBase)
{
    LPVOID lpvResult;

    if (dwPages >= PAGELIMIT)
        return FALSE;
    lpvResult = VirtualAlloc((LPVOID)lpNxtPage, dwPageSize, MEM_COMMIT, PAGE_READWRITE);
    if (lpvResult == NULL)
        return FALSE;
    (void)lpvBase;
    dwPages++;
    lpNxtPage = (LPBYTE)lpNxtPage + dwPageSize;
    return TRUE;
}

static const char *StateName(DWORD s)
{
    return s == MEM_COMMIT ? "MEM_COMMIT" : s == MEM_RESERVE ? "MEM_RESERVE"
         : s == MEM_FREE ? "MEM_FREE" : "?";
}

static void VirtualMemory(void)
{
    LPVOID lpvBase;
    LPTSTR lpPtr;
    BOOL bSuccess;
    DWORD i, dwOld;
    SYSTEM_INFO sSysInfo;
    MEMORY_BASIC_INFORMATION mbi;
    SIZE_T got;

    GetSystemInfo(&sSysInfo);
    dwPageSize = sSysInfo.dwPageSize;
    printf("page size is %u\n", (unsigned)dwPageSize);

    /* Reserve pages in the virtual address space of the process. */
    lpvBase = VirtualAlloc(NULL, PAGELIMIT * dwPageSize, MEM_RESERVE, PAGE_NOACCESS);
    if (lpvBase == NULL) {
        printf("VirtualAlloc reserve failed\n");
        return;
    }
    printf("reserved %u pages at a 64 KiB boundary: %s\n", PAGELIMIT,
           ((ULONG_PTR)lpvBase & 0xFFFF) == 0 ? "yes" : "no");
    lpNxtPage = (LPBYTE)lpvBase;
    lpPtr = (LPTSTR)lpvBase;

    got = VirtualQuery(lpvBase, &mbi, sizeof mbi);
    printf("query: %s, %s, region %u pages, protect %#x, allocation base is the base: %s\n",
           got == sizeof mbi ? "ok" : "failed", StateName(mbi.State),
           (unsigned)(mbi.RegionSize / dwPageSize), (unsigned)mbi.Protect,
           mbi.AllocationBase == lpvBase ? "yes" : "no");

    /* Write 10 pages' worth of bytes, committing as the writer goes. */
    for (i = 0; i < 10 * dwPageSize; i++) {
        if ((LPBYTE)&lpPtr[i] >= lpNxtPage && !CommitNextPage(lpvBase)) {
            printf("could not commit the page for byte %u\n", (unsigned)i);
            break;
        }
        lpPtr[i] = 'a';
    }
    printf("committed %u pages, wrote %u bytes\n", (unsigned)dwPages, (unsigned)i);

    VirtualQuery(lpvBase, &mbi, sizeof mbi);
    printf("first region: %s, %u pages, protect %#x, private: %s\n", StateName(mbi.State),
           (unsigned)(mbi.RegionSize / dwPageSize), (unsigned)mbi.Protect,
           mbi.Type == MEM_PRIVATE ? "yes" : "no");
    VirtualQuery(lpNxtPage, &mbi, sizeof mbi);
    printf("second region: %s, %u pages, protect %#x\n", StateName(mbi.State),
           (unsigned)(mbi.RegionSize / dwPageSize), (unsigned)mbi.Protect);

    /* Make the first page read-only, then read-write again. */
    bSuccess = VirtualProtect(lpvBase, dwPageSize, PAGE_READONLY, &dwOld);
    printf("VirtualProtect read-only: %s, old protect %#x\n", bSuccess ? "ok" : "failed",
           (unsigned)dwOld);
    bSuccess = VirtualProtect(lpvBase, dwPageSize, PAGE_READWRITE, &dwOld);
    printf("VirtualProtect read-write: %s, old protect %#x\n", bSuccess ? "ok" : "failed",
           (unsigned)dwOld);
    printf("data still there: %s\n", lpPtr[dwPageSize - 1] == 'a' ? "yes" : "no");

    /* The misuses and their errors. */
    SetLastError(0);
    bSuccess = VirtualProtect(lpNxtPage, dwPageSize, PAGE_READONLY, &dwOld);
    printf("VirtualProtect of reserved pages: %s, error %u\n", bSuccess ? "ok" : "failed",
           (unsigned)GetLastError());
    SetLastError(0);
    bSuccess = VirtualFree(lpvBase, dwPageSize, MEM_RELEASE);
    printf("VirtualFree MEM_RELEASE with a size: %s, error %u\n", bSuccess ? "ok" : "failed",
           (unsigned)GetLastError());
    SetLastError(0);
    bSuccess = VirtualFree((LPBYTE)lpvBase + dwPageSize, 0, MEM_RELEASE);
    printf("VirtualFree MEM_RELEASE inside the region: %s, error %u\n",
           bSuccess ? "ok" : "failed", (unsigned)GetLastError());
    SetLastError(0);
    lpPtr = (LPTSTR)VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_READWRITE);
    printf("VirtualAlloc of 0 bytes: %s, error %u\n", lpPtr ? "ok" : "failed",
           (unsigned)GetLastError());

    /* Decommit the first five pages, then release everything. */
    bSuccess = VirtualFree(lpvBase, 5 * dwPageSize, MEM_DECOMMIT);
    VirtualQuery(lpvBase, &mbi, sizeof mbi);
    printf("decommit 5 pages: %s, now %s, %u pages\n", bSuccess ? "ok" : "failed",
           StateName(mbi.State), (unsigned)(mbi.RegionSize / dwPageSize));
    bSuccess = VirtualFree(lpvBase, 0, MEM_RELEASE);
    VirtualQuery(lpvBase, &mbi, sizeof mbi);
    printf("release: %s, now %s\n", bSuccess ? "ok" : "failed", StateName(mbi.State));
}

struct record {
    int id;
    char name[28];
};

static void PrivateHeap(void)
{
    HANDLE hHeap;
    struct record *recs[100];
    PROCESS_HEAP_ENTRY Entry;
    int i, found = 0, freed_busy = 0, zero = 1;
    BYTE *p, *q;

    hHeap = HeapCreate(0, 0, 0);
    if (hHeap == NULL) {
        printf("HeapCreate failed\n");
        return;
    }
    for (i = 0; i < 100; i++) {
        recs[i] = (struct record *)HeapAlloc(hHeap, HEAP_ZERO_MEMORY, sizeof(struct record));
        if (recs[i] == NULL) {
            printf("HeapAlloc failed\n");
            return;
        }
        for (int k = 0; k < (int)sizeof(struct record); k++)
            if (((BYTE *)recs[i])[k] != 0)
                zero = 0;
        recs[i]->id = i;
        sprintf(recs[i]->name, "record %d", i);
    }
    printf("100 records allocated, zeroed: %s, size of one: %u\n", zero ? "yes" : "no",
           (unsigned)HeapSize(hHeap, 0, recs[7]));
    for (i = 1; i < 100; i += 2)
        HeapFree(hHeap, 0, recs[i]);
    printf("heap valid after freeing the odd ones: %s\n", HeapValidate(hHeap, 0, NULL) ? "yes" : "no");

    /* Walk the heap with it locked, as Microsoft's "Enumerating a Heap". */
    if (!HeapLock(hHeap)) {
        printf("HeapLock failed\n");
        return;
    }
    Entry.lpData = NULL;
    while (HeapWalk(hHeap, &Entry) != FALSE) {
        if ((Entry.wFlags & PROCESS_HEAP_ENTRY_BUSY) != 0) {
            for (i = 0; i < 100; i++)
                if (Entry.lpData == recs[i])
                    (i % 2 == 0) ? found++ : freed_busy++;
        }
    }
    printf("HeapWalk ended with error %u\n", (unsigned)GetLastError());
    HeapUnlock(hHeap);
    printf("live records found by HeapWalk: %d, freed ones reported busy: %d\n", found,
           freed_busy);

    /* ReAlloc: in place when shrinking, contents kept when growing. */
    p = (BYTE *)recs[10];
    q = (BYTE *)HeapReAlloc(hHeap, HEAP_REALLOC_IN_PLACE_ONLY, p, 8);
    printf("shrink in place: %s, new size %u\n", q == p ? "same block" : "moved",
           q ? (unsigned)HeapSize(hHeap, 0, q) : 0u);
    q = (BYTE *)HeapReAlloc(hHeap, HEAP_ZERO_MEMORY, p, 100000);
    printf("grow to 100000: %s, id kept: %s, tail zeroed: %s\n", q ? "ok" : "failed",
           q && ((struct record *)q)->id == 10 ? "yes" : "no",
           q && q[99999] == 0 && q[50000] == 0 ? "yes" : "no");
    printf("HeapDestroy: %s\n", HeapDestroy(hHeap) ? "ok" : "failed");

    /* A fixed-size heap refuses what exceeds its maximum. */
    hHeap = HeapCreate(0, 0, 0x10000);
    p = (BYTE *)HeapAlloc(hHeap, 0, 0x8000);
    q = (BYTE *)HeapAlloc(hHeap, 0, 0x20000);
    printf("fixed 64 KiB heap: 32 KiB block %s, 128 KiB block %s\n", p ? "ok" : "refused",
           q ? "ok" : "refused");
    HeapDestroy(hHeap);
}

static void GlobalMemory(void)
{
    HGLOBAL hMem;
    LPSTR lpStr;
    BOOL still;

    hMem = GlobalAlloc(GHND, 64);
    lpStr = (LPSTR)GlobalLock(hMem);
    strcpy(lpStr, "moveable memory");
    printf("GlobalLock: lock count %u, size %u, handle from pointer matches: %s\n",
           (unsigned)(GlobalFlags(hMem) & GMEM_LOCKCOUNT), (unsigned)GlobalSize(hMem),
           GlobalHandle(lpStr) == hMem ? "yes" : "no");
    SetLastError(0xdeadbeef);
    still = GlobalUnlock(hMem);
    printf("GlobalUnlock: %s, error %u\n", still ? "still locked" : "unlocked",
           (unsigned)GetLastError());
    SetLastError(0);
    still = GlobalUnlock(hMem);
    printf("GlobalUnlock again: %s, error %u\n", still ? "still locked" : "not locked",
           (unsigned)GetLastError());
    hMem = GlobalReAlloc(hMem, 4096, GMEM_MOVEABLE);
    lpStr = (LPSTR)GlobalLock(hMem);
    printf("after GlobalReAlloc: \"%s\", size %u\n", lpStr, (unsigned)GlobalSize(hMem));
    GlobalUnlock(hMem);
    printf("GlobalFree: %s\n", GlobalFree(hMem) == NULL ? "NULL" : "handle");
    lpStr = (LPSTR)LocalAlloc(LPTR, 16);
    printf("LocalAlloc(LPTR): zeroed %s, flags %u\n", lpStr[15] == 0 ? "yes" : "no",
           LocalFlags(lpStr));
    printf("LocalFree: %s\n", LocalFree(lpStr) == NULL ? "NULL" : "handle");
}

int main(void)
{
    VirtualMemory();
    PrivateHeap();
    GlobalMemory();
    return 0;
}
