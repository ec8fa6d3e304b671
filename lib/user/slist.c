/*
 * Interlocked singly linked lists (SLists): a lock-free LIFO stack in the
 * caller's SLIST_HEADER, with the caller's 16-byte aligned SLIST_ENTRYs.
 *
 * The header is the SDK's x64 layout (winnt.h, HeaderX64), kept as two
 * quadwords changed together by one 16-byte compare-and-swap:
 *   word 0 (Alignment)  Depth in bits 0..15, Sequence in bits 16..63
 *   word 1 (Region)     HeaderType in bit 0 (1: this 16-byte header, as
 *                       Windows' x64 InitializeSListHead sets it), the
 *                       first entry's address in bits 4..63
 * Every change (push, pop, flush) adds one to the sequence, so a pop that
 * read "first = X, X->Next = Y" cannot succeed after X was popped, Y
 * popped and X pushed again in between (the ABA problem): the header it
 * compares against differs in its sequence even though its first entry is
 * X again.  The sequence has 48 bits, as on Windows.  The depth is 16 bits
 * and wraps past 65535, as on Windows.
 *
 * The contract Windows documents and we keep: a pop reads the first
 * entry's Next field before its compare-and-swap, and by then another
 * thread may have popped that entry and freed it.  The read is harmless
 * (the compare-and-swap fails and the pop retries) only if the memory is
 * still mapped, so entries must not be returned to the system (munmap,
 * VirtualFree) while other threads may pop from the list; freeing them to
 * a heap (HeapFree, free) keeps the memory mapped and is fine.  Entries
 * must be aligned on MEMORY_ALLOCATION_ALIGNMENT (16): the low four bits
 * of an entry's address are not stored.  A program that links entries
 * itself (for InterlockedPushListSListEx) while other threads pop writes
 * Next where such a stale pop may read it: the same harmless race, which
 * ThreadSanitizer reports unless that write is atomic (check_slist
 * test_stress writes it with __atomic_store_n).
 *
 * The 16-byte compare-and-swap: on x86-64 __sync_bool_compare_and_swap on
 * an unsigned __int128 in functions compiled for the cx16 target (the
 * target attribute below), which GCC and Clang emit as one `lock
 * cmpxchg16b` inline: no libatomic call, so no lock hides behind it
 * (libatomic's 16-byte operations may fall back to a lock table).  Every
 * x86-64 CPU that runs a current Linux distribution has cmpxchg16b.
 * ThreadSanitizer understands these builtins (it instruments them as
 * 128-bit atomics), and the Next fields are read and written with relaxed
 * atomics, so the intended race above is not reported.  Other
 * architectures use __atomic_compare_exchange_n, lock-free where the
 * compiler inlines it (AArch64 with LSE: casp).
 */
#include "user/usersync.h"

typedef unsigned __int128 slist_word;

#define SL_DEPTH_MASK 0xffffull
#define SL_SEQ_ONE 0x10000ull
#define SL_HEADER_TYPE 1ull
#define SL_NEXT_MASK (~0xfull)

#if defined(__x86_64__)
#define SL_CAS_TARGET __attribute__((target("cx16")))
#else
#define SL_CAS_TARGET
#endif

static inline SL_CAS_TARGET bool slist_cas(PSLIST_HEADER h, slist_word old, slist_word neu)
{
#if defined(__x86_64__)
    return __sync_bool_compare_and_swap((slist_word *)h, old, neu);
#else
    return __atomic_compare_exchange_n((slist_word *)h, &old, neu, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
#endif
}

/* The two halves, each read atomically.  They may come from two different
 * states; the compare-and-swap then fails, because every change moves the
 * sequence in word 0. */
static inline void slist_read(const SLIST_HEADER *h, ULONGLONG *w0, ULONGLONG *w1)
{
    *w0 = __atomic_load_n(&h->Alignment, __ATOMIC_ACQUIRE);
    *w1 = __atomic_load_n(&h->Region, __ATOMIC_ACQUIRE);
}

static inline slist_word slist_pack(ULONGLONG w0, ULONGLONG w1)
{
    return (slist_word)w0 | ((slist_word)w1 << 64);
}

static inline PSLIST_ENTRY slist_first(ULONGLONG w1)
{
    return (PSLIST_ENTRY)(uintptr_t)(w1 & SL_NEXT_MASK);
}

/* Word 0 after a change that moves the depth by delta. */
static inline ULONGLONG slist_w0(ULONGLONG w0, ULONG delta)
{
    ULONGLONG seq = (w0 & ~SL_DEPTH_MASK) + SL_SEQ_ONE;
    return seq | ((w0 + delta) & SL_DEPTH_MASK);
}

static inline ULONGLONG slist_w1(ULONGLONG w1, PSLIST_ENTRY first)
{
    return ((ULONGLONG)(uintptr_t)first & SL_NEXT_MASK) | (w1 & ~SL_NEXT_MASK);
}

static void slist_init(PSLIST_HEADER h)
{
    __atomic_store_n(&h->Alignment, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&h->Region, SL_HEADER_TYPE, __ATOMIC_RELEASE);
}

/* Pushes first..last (last->Next is set here) as count entries; returns
 * the entry that was first before. */
static SL_CAS_TARGET PSLIST_ENTRY slist_push(PSLIST_HEADER h, PSLIST_ENTRY first,
                                             PSLIST_ENTRY last, ULONG count)
{
    ULONGLONG w0, w1;
    slist_read(h, &w0, &w1);
    for (;;) {
        PSLIST_ENTRY old = slist_first(w1);
        __atomic_store_n(&last->Next, old, __ATOMIC_RELAXED);
        if (slist_cas(h, slist_pack(w0, w1),
                      slist_pack(slist_w0(w0, count), slist_w1(w1, first))))
            return old;
        slist_read(h, &w0, &w1);
    }
}

static SL_CAS_TARGET PSLIST_ENTRY slist_pop(PSLIST_HEADER h)
{
    ULONGLONG w0, w1;
    slist_read(h, &w0, &w1);
    for (;;) {
        PSLIST_ENTRY e = slist_first(w1);
        if (!e)
            return NULL;
        /* e may have been popped and freed by now: see the top of the
         * file.  A stale value fails the compare-and-swap below. */
        PSLIST_ENTRY next = __atomic_load_n(&e->Next, __ATOMIC_RELAXED);
        if (slist_cas(h, slist_pack(w0, w1),
                      slist_pack(slist_w0(w0, (ULONG)-1), slist_w1(w1, next))))
            return e;
        slist_read(h, &w0, &w1);
    }
}

static SL_CAS_TARGET PSLIST_ENTRY slist_flush(PSLIST_HEADER h)
{
    ULONGLONG w0, w1;
    slist_read(h, &w0, &w1);
    for (;;) {
        PSLIST_ENTRY e = slist_first(w1);
        if (!e)
            return NULL;
        ULONGLONG n0 = (w0 & ~SL_DEPTH_MASK) + SL_SEQ_ONE; /* depth 0 */
        if (slist_cas(h, slist_pack(w0, w1), slist_pack(n0, slist_w1(w1, NULL))))
            return e;
        slist_read(h, &w0, &w1);
    }
}

static PSLIST_ENTRY slist_first_entry(const SLIST_HEADER *h)
{
    return slist_first(__atomic_load_n(&h->Region, __ATOMIC_ACQUIRE));
}

static USHORT slist_depth(const SLIST_HEADER *h)
{
    return (USHORT)(__atomic_load_n(&h->Alignment, __ATOMIC_ACQUIRE) & SL_DEPTH_MASK);
}

WS_EXPORT VOID WINAPI InitializeSListHead(PSLIST_HEADER ListHead)
{
    slist_init(ListHead);
}

WS_EXPORT PSLIST_ENTRY WINAPI InterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                                        PSLIST_ENTRY ListEntry)
{
    return slist_push(ListHead, ListEntry, ListEntry, 1);
}

WS_EXPORT PSLIST_ENTRY WINAPI InterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
    return slist_pop(ListHead);
}

WS_EXPORT PSLIST_ENTRY WINAPI InterlockedFlushSList(PSLIST_HEADER ListHead)
{
    return slist_flush(ListHead);
}

/* List..ListEnd must already be linked through Next; Count is what the
 * depth grows by (Windows trusts it, and so do we). */
WS_EXPORT PSLIST_ENTRY WINAPI InterlockedPushListSListEx(PSLIST_HEADER ListHead,
                                                         PSLIST_ENTRY List,
                                                         PSLIST_ENTRY ListEnd, ULONG Count)
{
    return slist_push(ListHead, List, ListEnd, Count);
}

WS_EXPORT USHORT WINAPI QueryDepthSList(PSLIST_HEADER ListHead)
{
    return slist_depth(ListHead);
}

/* The ntdll names (winnt.h). */
WS_EXPORT VOID NTAPI RtlInitializeSListHead(PSLIST_HEADER ListHead)
{
    slist_init(ListHead);
}

WS_EXPORT PSLIST_ENTRY NTAPI RtlFirstEntrySList(const SLIST_HEADER *ListHead)
{
    return slist_first_entry(ListHead);
}

WS_EXPORT PSLIST_ENTRY NTAPI RtlInterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
    return slist_pop(ListHead);
}

WS_EXPORT PSLIST_ENTRY NTAPI RtlInterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                                          PSLIST_ENTRY ListEntry)
{
    return slist_push(ListHead, ListEntry, ListEntry, 1);
}

WS_EXPORT PSLIST_ENTRY NTAPI RtlInterlockedPushListSListEx(PSLIST_HEADER ListHead,
                                                           PSLIST_ENTRY List,
                                                           PSLIST_ENTRY ListEnd, DWORD Count)
{
    return slist_push(ListHead, List, ListEnd, Count);
}

WS_EXPORT PSLIST_ENTRY NTAPI RtlInterlockedFlushSList(PSLIST_HEADER ListHead)
{
    return slist_flush(ListHead);
}

WS_EXPORT WORD NTAPI RtlQueryDepthSList(PSLIST_HEADER ListHead)
{
    return slist_depth(ListHead);
}
