/*
 * Heaps: HeapCreate/HeapDestroy, the block functions, HeapWalk,
 * GetProcessHeap(s).
 *
 * A heap is not a kernel object: as on Windows its handle is its address,
 * the start of its first segment, and CloseHandle does not take it.
 *
 * The allocator, chosen on purpose (docs/COMPATIBILITY.md "Heaps"): every
 * heap is its own arena of mmap'd segments carved by a bump pointer, with
 * one free list per size class and no coalescing.  Why not glibc malloc
 * with a header: HeapDestroy must free every block of a heap at once,
 * HeapWalk must enumerate them, a fixed-size heap must refuse what exceeds
 * its maximum and HEAP_CREATE_ENABLE_EXECUTE needs executable pages; all
 * four need the heap to own its memory.  Why size classes: an allocation
 * or a free is a list pop or push under the heap's lock, O(1), and a block
 * never moves, so HEAP_REALLOC_IN_PLACE_ONLY succeeds exactly while the new
 * size fits the block's class.  The price is internal fragmentation (at
 * most 1/4 above 1 KiB) and memory that returns to the system only with
 * HeapDestroy or, for blocks of a growable heap above LARGE_MIN (their own
 * mapping), with HeapFree.  `make bench` compares HeapAlloc+HeapFree with
 * malloc+free.
 *
 * Layout.  A segment: struct segment, then blocks back to back up to
 * `used`, then unused space up to `size`.  The first segment holds struct
 * heap right after its segment header.  A block: a 16-byte struct block
 * header, then the caller's bytes (16-byte aligned, as on Windows x64),
 * then the rest of the class's capacity.  A large block (growable heaps,
 * above LARGE_MIN): its own mapping, a struct large (list links) then the
 * header.
 *
 * States of a block: BUSY (handed out) or FREE (on its class's free list,
 * the link in its first 8 bytes).  header.tag identifies the heap (a hash
 * of its address), so a pointer of another heap, a freed block or a wild
 * pointer that happens to be readable is refused (ERROR_INVALID_PARAMETER)
 * instead of corrupting the lists.
 *
 * The process heap adds a per-thread cache per size class up to 1 KiB (at
 * most TC_MAX blocks each): a thread's HeapFree of a small block parks it
 * in its cache (state CACHED) and its next HeapAlloc of that class takes
 * it back, with no lock, like Windows' low-fragmentation heap, whose
 * allocations do not take the heap lock either.  A cached block is free
 * for every other function (HeapSize, HeapFree: ERROR_INVALID_PARAMETER;
 * HeapWalk: a free entry); a full cache sends blocks to the shared free
 * lists; a thread's cache goes back to them when the thread exits.  The
 * cache is not used while another thread holds HeapLock.  Header fields
 * that a cache changes outside the lock (tag, size, flags) are read and
 * written with relaxed atomics wherever the lock holder reads them too.
 *
 * Locking.  Every heap has one mutex guarding its segments, free lists and
 * large list; HEAP_NO_SERIALIZE (at creation or per call) skips it, as on
 * Windows, and the caller serialises.  HeapLock takes the same mutex and
 * records its owner, so the owner's own Heap* calls do not take it again
 * (Windows' heap lock is a critical section: recursive).  A pthread mutex
 * rather than a futex word of our own: glibc takes it without atomic
 * instructions while the process has one thread, and costs the same
 * (two atomic instructions) otherwise.  heaps_lock
 * guards the list of heaps (GetProcessHeaps, HeapDestroy) and is never
 * taken under a heap's mutex.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "mem/mem.h"

#define HEAP_MAGIC 0x48656170u         /* "Heap" */
#define BLOCK_BUSY 0xB5u
#define BLOCK_FREE 0xF4u
#define BLOCK_CACHED 0xCAu
#define ALIGN 16u
#define SEG_GRANULE ((size_t)0x10000)  /* segments are whole 64 KiB units */
#define SEG_MIN ((size_t)1 << 20)      /* first segment of a growable heap */
#define SEG_MAX ((size_t)64 << 20)     /* growth stops doubling here */
#define LARGE_MIN ((size_t)512 << 10)  /* growable heaps: own mapping above */
#define NCLASSES 200

struct block {
    uint32_t tag;   /* heap_tag(heap) ^ state: who owns it, and busy/free */
    uint16_t cls;   /* size class; CLASS_LARGE for a large block */
    uint16_t flags; /* BLOCK_F_* */
    uint64_t size;  /* bytes the caller asked for */
};
#define CLASS_LARGE 0xFFFFu
#define BLOCK_F_LOCALMOVE HEAP_BLOCK_LOCALMOVE

struct segment {
    struct segment *next;
    size_t size;  /* bytes mapped, from the segment's start */
    size_t used;  /* bytes carved into blocks, from the segment's start */
    size_t first; /* offset of the first block */
};

struct large {
    struct large *prev, *next;
    size_t map;   /* bytes mapped */
    uint64_t pad;
};

struct heap {
    uint32_t magic;
    uint32_t tag;
    DWORD flags;         /* HeapCreate's options */
    ULONG compat;        /* HeapCompatibilityInformation: 0 or 2 (LFH) */
    size_t max;          /* 0: growable; else the fixed size */
    size_t total;        /* bytes mapped by segments */
    int prot;
    pthread_mutex_t lock;
    _Atomic(void *) owner; /* the thread holding HeapLock, or NULL */
    unsigned locks;        /* HeapLock depth of the owner */
    struct segment *segs;  /* newest first; the first segment is last */
    struct large *large;
    struct block *free[NCLASSES]; /* each links through the block's data */
    struct heap *next_heap;       /* heaps_lock */
};

static pthread_mutex_t heaps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct heap *heaps; /* every heap, the process heap first */
static struct heap *process_heap;
static pthread_once_t process_once = PTHREAD_ONCE_INIT;
static __thread char thread_token; /* its address names the thread */
static pthread_key_t tcache_key;   /* the process heap's caches (below) */
static void tcache_flush(void *arg);

/* ---- size classes: multiples of 16 up to 1 KiB, then 4 per doubling ---- */

static unsigned class_of(size_t n)
{
    if (n <= 1024)
        return n ? (unsigned)((n + ALIGN - 1) / ALIGN) - 1 : 0; /* 0..63 */
    unsigned lg = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
    size_t quarter = (size_t)1 << (lg - 2);
    unsigned q = (unsigned)((n - 1 - ((size_t)1 << lg)) / quarter);
    return 64u + (lg - 10u) * 4u + q;
}

static size_t class_size(unsigned c)
{
    if (c < 64)
        return (c + 1) * ALIGN;
    unsigned lg = (c - 64) / 4 + 10, q = (c - 64) % 4;
    return ((size_t)1 << lg) + (q + 1) * ((size_t)1 << (lg - 2));
}

static uint32_t heap_tag(const struct heap *h)
{
    uint64_t x = (uintptr_t)h * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32) & ~0xFFu;
}

static struct block *block_of(const void *p)
{
    return (struct block *)((char *)p - sizeof(struct block));
}

static uint32_t tag_load(const struct block *b)
{
    return __atomic_load_n(&b->tag, __ATOMIC_RELAXED);
}

static void tag_store(struct block *b, uint32_t v)
{
    __atomic_store_n(&b->tag, v, __ATOMIC_RELAXED);
}

static uint64_t size_load(const struct block *b)
{
    return __atomic_load_n(&b->size, __ATOMIC_RELAXED);
}

static bool block_busy(const struct heap *h, const struct block *b)
{
    return tag_load(b) == (h->tag | BLOCK_BUSY);
}

/* ---- locking ---- */

static bool heap_serialized(const struct heap *h, DWORD flags)
{
    return !((h->flags | flags) & HEAP_NO_SERIALIZE);
}

static bool heap_enter(struct heap *h, DWORD flags)
{
    if (!heap_serialized(h, flags) ||
        atomic_load_explicit(&h->owner, memory_order_relaxed) == &thread_token)
        return false;
    pthread_mutex_lock(&h->lock);
    return true;
}

static void heap_leave(struct heap *h, bool locked)
{
    if (locked)
        pthread_mutex_unlock(&h->lock);
}

/* A heap handle as the functions receive it: NULL when it is no heap.
 * A wild address that is not readable faults, as on Windows. */
static struct heap *heap_from(HANDLE hh)
{
    struct heap *h = hh ? (struct heap *)((char *)hh + sizeof(struct segment)) : NULL;
    if (!h || ((uintptr_t)hh % SEG_GRANULE) || h->magic != HEAP_MAGIC)
        return NULL;
    return h;
}

static HANDLE heap_handle(struct heap *h)
{
    return (HANDLE)((char *)h - sizeof(struct segment));
}

/* ---- segments ---- */

static void *map_pages(size_t len, int prot)
{
    /* 64 KiB aligned, as Windows places heaps (and VirtualAlloc regions). */
    size_t over = len + SEG_GRANULE;
    char *p = mmap(NULL, over, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)p + SEG_GRANULE - 1) & ~(SEG_GRANULE - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (a + len < p + over)
        munmap(a + len, (size_t)(p + over - (a + len)));
    return a;
}

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* A new segment of at least `need` bytes of blocks; under the heap's lock. */
static struct segment *segment_add(struct heap *h, size_t need)
{
    if (h->max)
        return NULL; /* a fixed heap has its one segment */
    size_t last = h->segs ? h->segs->size : SEG_MIN;
    size_t size = last * 2 > SEG_MAX ? SEG_MAX : last * 2;
    if (size < need + sizeof(struct segment))
        size = round_up(need + sizeof(struct segment), SEG_GRANULE);
    struct segment *s = map_pages(size, h->prot);
    if (!s)
        return NULL;
    *s = (struct segment){.next = h->segs, .size = size,
                          .used = sizeof(struct segment), .first = sizeof(struct segment)};
    h->segs = s;
    h->total += size;
    return s;
}

/* ---- blocks ---- */

static void *large_alloc(struct heap *h, size_t n)
{
    size_t map = round_up(sizeof(struct large) + sizeof(struct block) + n, (size_t)getpagesize());
    if (map < n)
        return NULL;
    struct large *l = map_pages(map, h->prot);
    if (!l)
        return NULL;
    *l = (struct large){.next = h->large, .map = map};
    if (h->large)
        h->large->prev = l;
    h->large = l;
    struct block *b = (struct block *)(l + 1);
    *b = (struct block){.tag = h->tag | BLOCK_BUSY, .cls = CLASS_LARGE, .size = n};
    return b + 1;
}

static size_t block_capacity(const struct block *b)
{
    if (b->cls != CLASS_LARGE)
        return class_size(b->cls);
    const struct large *l = (const struct large *)b - 1;
    return l->map - sizeof(struct large) - sizeof(struct block);
}

/* Under the heap's lock; NULL when the heap cannot hold n more bytes. */
static void *block_alloc(struct heap *h, size_t n)
{
    if (!h->max && n >= LARGE_MIN)
        return large_alloc(h, n);
    if (n > ((size_t)1 << 40))
        return NULL;
    unsigned c = class_of(n);
    struct block *b = h->free[c];
    if (b) {
        memcpy(&h->free[c], b + 1, sizeof(struct block *));
    } else {
        size_t need = sizeof(struct block) + class_size(c);
        struct segment *s = h->segs;
        if (!s || s->size - s->used < need) {
            /* The newest segment is full: older ones were full first. */
            if (!(s = segment_add(h, need)))
                return NULL;
        }
        b = (struct block *)((char *)s + s->used);
        s->used += need;
    }
    *b = (struct block){.tag = h->tag | BLOCK_BUSY, .cls = (uint16_t)c, .size = n};
    return b + 1;
}

static void block_free(struct heap *h, struct block *b)
{
    if (b->cls == CLASS_LARGE) {
        struct large *l = (struct large *)b - 1;
        if (l->prev)
            l->prev->next = l->next;
        else
            h->large = l->next;
        if (l->next)
            l->next->prev = l->prev;
        munmap(l, l->map);
        return;
    }
    tag_store(b, h->tag | BLOCK_FREE);
    memcpy(b + 1, &h->free[b->cls], sizeof(struct block *));
    h->free[b->cls] = b;
}

/* Is p a block of h (any state)?  Under the heap's lock.  Checks the
 * address against the segments and large blocks before reading it. */
static struct block *block_find(struct heap *h, const void *p)
{
    const char *c = p;
    for (struct segment *s = h->segs; s; s = s->next) {
        const char *lo = (const char *)s + s->first, *hi = (const char *)s + s->used;
        if (c <= lo || c > hi)
            continue;
        for (const char *q = lo; q < hi;) {
            struct block *b = (struct block *)q;
            if ((const char *)(b + 1) == c)
                return b;
            q += sizeof(struct block) + class_size(b->cls);
            if (q > c)
                return NULL;
        }
        return NULL;
    }
    for (struct large *l = h->large; l; l = l->next)
        if ((const char *)((struct block *)(l + 1) + 1) == c)
            return (struct block *)(l + 1);
    return NULL;
}

/* ---- creation ---- */

static struct heap *heap_new(DWORD options, size_t initial, size_t max, DWORD *err)
{
    int prot = PROT_READ | PROT_WRITE | ((options & HEAP_CREATE_ENABLE_EXECUTE) ? PROT_EXEC : 0);
    size_t head = sizeof(struct segment) + round_up(sizeof(struct heap), ALIGN);
    size_t size;
    if (max) {
        if (initial > max)
            max = initial; /* as Windows: the maximum is at least the initial size */
        /* The maximum is the reservation, header included, as on
         * Windows; at least one page beyond the header. */
        size = round_up(max > head + 4096 ? max : head + 4096, (size_t)getpagesize());
    } else {
        size = round_up((initial > SEG_MIN ? initial : SEG_MIN) + head, SEG_GRANULE);
    }
    if (size < max) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    struct segment *s = map_pages(size, prot);
    if (!s) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    *s = (struct segment){.size = size, .used = head, .first = head};
    struct heap *h = (struct heap *)(s + 1);
    *h = (struct heap){.magic = HEAP_MAGIC, .flags = options, .max = max ? size : 0,
                       .total = size, .prot = prot, .segs = s};
    h->tag = heap_tag(h);
    pthread_mutex_init(&h->lock, NULL);
    pthread_mutex_lock(&heaps_lock);
    struct heap **tail = &heaps;
    while (*tail)
        tail = &(*tail)->next_heap;
    *tail = h;
    pthread_mutex_unlock(&heaps_lock);
    return h;
}

static void process_heap_init(void)
{
    DWORD err;
    if (!(process_heap = heap_new(0, 0, 0, &err)))
        ws_panic("process heap", ENOMEM);
    int e = pthread_key_create(&tcache_key, tcache_flush);
    if (e)
        ws_panic("process heap cache key", e);
}

struct heap *heap_process(void)
{
    pthread_once(&process_once, process_heap_init);
    return process_heap;
}

WS_EXPORT HANDLE WINAPI GetProcessHeap(VOID)
{
    return heap_handle(heap_process());
}

#define HEAP_CREATE_VALID                                                               \
    (HEAP_NO_SERIALIZE | HEAP_GROWABLE | HEAP_GENERATE_EXCEPTIONS | HEAP_ZERO_MEMORY |  \
     HEAP_REALLOC_IN_PLACE_ONLY | HEAP_TAIL_CHECKING_ENABLED |                          \
     HEAP_FREE_CHECKING_ENABLED | HEAP_DISABLE_COALESCE_ON_FREE | HEAP_CREATE_ALIGN_16 | \
     HEAP_CREATE_ENABLE_TRACING | HEAP_CREATE_ENABLE_EXECUTE)

WS_EXPORT HANDLE WINAPI HeapCreate(DWORD options, SIZE_T initial, SIZE_T max)
{
    /* Windows keeps only the documented options and ignores the rest. */
    DWORD err;
    struct heap *h = heap_new(options & HEAP_CREATE_VALID, initial, max, &err);
    return h ? heap_handle(h) : ws_null(err);
}

WS_EXPORT BOOL WINAPI HeapDestroy(HANDLE hh)
{
    if (!hh)
        return TRUE; /* as RtlDestroyHeap(NULL) on Windows and Wine */
    pthread_mutex_lock(&heaps_lock);
    struct heap **pp = &heaps;
    while (*pp && heap_handle(*pp) != hh)
        pp = &(*pp)->next_heap;
    struct heap *h = *pp;
    if (!h || h == process_heap) {
        pthread_mutex_unlock(&heaps_lock);
        return ws_bool(ERROR_INVALID_HANDLE);
    }
    *pp = h->next_heap;
    pthread_mutex_unlock(&heaps_lock);
    h->magic = 0;
    pthread_mutex_destroy(&h->lock);
    for (struct large *l = h->large, *n; l; l = n) {
        n = l->next;
        munmap(l, l->map);
    }
    /* The first segment (holding h) is the last of the list. */
    for (struct segment *s = h->segs, *n; s; s = n) {
        n = s->next;
        munmap(s, s->size);
    }
    return TRUE;
}

/* ---- blocks ---- */

#define HEAP_ALLOC_VALID (HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_ZERO_MEMORY)

/* ---- the process heap's per-thread caches ---- */

#define TC_CLASSES 64 /* classes of blocks up to 1 KiB */
#define TC_MAX 32

struct tcache {
    struct block *head[TC_CLASSES]; /* linked through the blocks' data */
    uint8_t n[TC_CLASSES];
    bool keyed; /* the exit destructor is registered */
};
static __thread struct tcache tcache;

/* At thread exit: the cached blocks back to the shared lists. */
static void tcache_flush(void *arg)
{
    struct tcache *t = arg;
    struct heap *h = process_heap;
    /* A thread that exits holding HeapLock leaves the heap locked, as on
     * Windows; it must not wait for itself here. */
    bool locked = heap_enter(h, 0);
    for (unsigned c = 0; c < TC_CLASSES; c++) {
        struct block *b = t->head[c];
        while (b) {
            struct block *next;
            memcpy(&next, b + 1, sizeof next);
            block_free(h, b);
            b = next;
        }
        t->head[c] = NULL;
        t->n[c] = 0;
    }
    heap_leave(h, locked);
}

static bool tcache_on(struct heap *h)
{
    void *o = atomic_load_explicit(&h->owner, memory_order_relaxed);
    return h == process_heap && (!o || o == &thread_token);
}

static void *tcache_alloc(size_t n)
{
    unsigned c = class_of(n);
    struct block *b = tcache.head[c];
    if (!b)
        return NULL;
    memcpy(&tcache.head[c], b + 1, sizeof(struct block *));
    tcache.n[c]--;
    __atomic_store_n(&b->size, n, __ATOMIC_RELAXED);
    __atomic_store_n(&b->flags, 0, __ATOMIC_RELAXED);
    tag_store(b, process_heap->tag | BLOCK_BUSY);
    return b + 1;
}

/* false: the cache of b's class is full (or b is too big for one). */
static bool tcache_free(struct block *b)
{
    unsigned c = b->cls;
    if (c >= TC_CLASSES || tcache.n[c] >= TC_MAX)
        return false;
    if (!tcache.keyed) {
        pthread_setspecific(tcache_key, &tcache);
        tcache.keyed = true;
    }
    tag_store(b, process_heap->tag | BLOCK_CACHED);
    memcpy(b + 1, &tcache.head[c], sizeof(struct block *));
    tcache.head[c] = b;
    tcache.n[c]++;
    return true;
}

void *heap_alloc(struct heap *h, DWORD flags, size_t n, DWORD *err)
{
    void *p = NULL;
    if (n <= 1024 && tcache_on(h))
        p = tcache_alloc(n);
    if (!p) {
        bool locked = heap_enter(h, flags);
        p = block_alloc(h, n);
        heap_leave(h, locked);
    }
    if (!p) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    if ((flags | h->flags) & HEAP_ZERO_MEMORY)
        memset(p, 0, n);
    return p;
}

WS_EXPORT LPVOID WINAPI HeapAlloc(HANDLE hh, DWORD flags, SIZE_T n)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return ws_null(ERROR_INVALID_HANDLE);
    /* HEAP_GENERATE_EXCEPTIONS: no SEH on Linux, a failure is NULL and
     * ERROR_NOT_ENOUGH_MEMORY as without the flag (COMPATIBILITY.md). */
    DWORD err;
    void *p = heap_alloc(h, flags & HEAP_ALLOC_VALID, n, &err);
    return p ? p : ws_null(err);
}

/* The block of p in h, busy; under the heap's lock.  Blocks are found
 * by their header, checked against the heap's tag. */
static struct block *busy_block(struct heap *h, const void *p)
{
    if (!p || ((uintptr_t)p % ALIGN))
        return NULL;
    struct block *b = block_of(p);
    return block_busy(h, b) ? b : NULL;
}

DWORD heap_free(struct heap *h, DWORD flags, void *p)
{
    if (tcache_on(h)) {
        /* The caller owns a busy block: its header is read unlocked. */
        struct block *b = busy_block(h, p);
        if (!b)
            return ERROR_INVALID_PARAMETER;
        if (tcache_free(b))
            return 0;
    }
    bool locked = heap_enter(h, flags);
    struct block *b = busy_block(h, p);
    if (b)
        block_free(h, b);
    heap_leave(h, locked);
    return b ? 0 : ERROR_INVALID_PARAMETER;
}

WS_EXPORT BOOL WINAPI HeapFree(HANDLE hh, DWORD flags, LPVOID p)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return ws_bool(ERROR_INVALID_HANDLE);
    if (!p)
        return TRUE; /* as Windows */
    DWORD err = heap_free(h, flags, p);
    return err ? ws_bool(err) : TRUE;
}

SIZE_T heap_size(struct heap *h, DWORD flags, const void *p)
{
    bool locked = heap_enter(h, flags);
    struct block *b = busy_block(h, p);
    SIZE_T n = b ? (SIZE_T)b->size : (SIZE_T)-1;
    heap_leave(h, locked);
    return n;
}

WS_EXPORT SIZE_T WINAPI HeapSize(HANDLE hh, DWORD flags, LPCVOID p)
{
    struct heap *h = heap_from(hh);
    if (!h) {
        ws_set_last_error(ERROR_INVALID_HANDLE);
        return (SIZE_T)-1;
    }
    SIZE_T n = heap_size(h, flags, p);
    if (n == (SIZE_T)-1)
        ws_set_last_error(ERROR_INVALID_PARAMETER);
    return n;
}

void *heap_realloc(struct heap *h, DWORD flags, void *p, size_t n, DWORD *err)
{
    bool zero = (flags | h->flags) & HEAP_ZERO_MEMORY;
    bool locked = heap_enter(h, flags);
    struct block *b = busy_block(h, p);
    void *q = NULL;
    *err = 0;
    if (!b) {
        *err = ERROR_INVALID_PARAMETER;
    } else if (n <= block_capacity(b)) {
        if (zero && n > b->size)
            memset((char *)p + b->size, 0, n - b->size);
        b->size = n;
        q = p;
    } else if (flags & HEAP_REALLOC_IN_PLACE_ONLY) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
    } else if ((q = block_alloc(h, n))) {
        size_t old = b->size;
        memcpy(q, p, old < n ? old : n);
        if (zero && n > old)
            memset((char *)q + old, 0, n - old);
        block_of(q)->flags = b->flags;
        block_free(h, b);
    } else {
        *err = ERROR_NOT_ENOUGH_MEMORY;
    }
    heap_leave(h, locked);
    return q;
}

WS_EXPORT LPVOID WINAPI HeapReAlloc(HANDLE hh, DWORD flags, LPVOID p, SIZE_T n)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return ws_null(ERROR_INVALID_HANDLE);
    if (!p)
        return NULL; /* Windows: NULL, last error untouched (Wine agrees) */
    DWORD err;
    void *q = heap_realloc(h, flags & (HEAP_ALLOC_VALID | HEAP_REALLOC_IN_PLACE_ONLY), p, n,
                           &err);
    return q ? q : ws_null(err);
}

/* Internal flag bits of a busy block (local.c marks moveable data). */
void heap_block_set_flags(void *p, unsigned flags)
{
    __atomic_store_n(&block_of(p)->flags, (uint16_t)flags, __ATOMIC_RELAXED);
}

/* Reads a header only after checking that p lies in a segment's blocks or
 * is a large block's data, so a wild pointer gives 0 instead of a fault. */
static bool block_in_heap(struct heap *h, const void *p)
{
    const char *c = p;
    for (struct segment *s = h->segs; s; s = s->next)
        if (c >= (const char *)s + s->first + sizeof(struct block) && c < (const char *)s + s->used)
            return true;
    for (struct large *l = h->large; l; l = l->next)
        if (c == (const char *)((struct block *)(l + 1) + 1))
            return true;
    return false;
}

unsigned heap_block_flags(struct heap *h, const void *p)
{
    bool locked = heap_enter(h, 0);
    struct block *b = block_in_heap(h, p) ? busy_block(h, p) : NULL;
    unsigned f = b ? b->flags | HEAP_BLOCK_VALID : 0;
    heap_leave(h, locked);
    return f;
}

/* ---- validation, compaction, locks ---- */

/* Every block of every segment: its tag says busy or free of this heap,
 * its class is a class, and the blocks tile the segment exactly; every
 * free-list entry is a free block of its class. */
static bool heap_check(struct heap *h)
{
    for (struct segment *s = h->segs; s; s = s->next) {
        char *q = (char *)s + s->first, *hi = (char *)s + s->used;
        while (q < hi) {
            struct block *b = (struct block *)q;
            uint32_t t = tag_load(b);
            if ((t != (h->tag | BLOCK_BUSY) && t != (h->tag | BLOCK_FREE) &&
                 t != (h->tag | BLOCK_CACHED)) ||
                b->cls >= NCLASSES ||
                (t == (h->tag | BLOCK_BUSY) && size_load(b) > class_size(b->cls)))
                return false;
            q += sizeof(struct block) + class_size(b->cls);
        }
        if (q != hi || s->used > s->size)
            return false;
    }
    for (unsigned c = 0; c < NCLASSES; c++)
        for (struct block *b = h->free[c]; b;) {
            if (tag_load(b) != (h->tag | BLOCK_FREE) || b->cls != c)
                return false;
            memcpy(&b, b + 1, sizeof b);
        }
    for (struct large *l = h->large; l; l = l->next) {
        struct block *b = (struct block *)(l + 1);
        if (tag_load(b) != (h->tag | BLOCK_BUSY) || b->cls != CLASS_LARGE ||
            (l->next && l->next->prev != l))
            return false;
    }
    return true;
}

WS_EXPORT BOOL WINAPI HeapValidate(HANDLE hh, DWORD flags, LPCVOID p)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return FALSE; /* HeapValidate does not set the last error */
    bool locked = heap_enter(h, flags);
    bool ok;
    if (p) {
        struct block *b = block_find(h, p);
        ok = b && block_busy(h, b);
    } else {
        ok = heap_check(h);
    }
    heap_leave(h, locked);
    return ok;
}

WS_EXPORT SIZE_T WINAPI HeapCompact(HANDLE hh, DWORD flags)
{
    struct heap *h = heap_from(hh);
    if (!h) {
        ws_set_last_error(ERROR_INVALID_HANDLE);
        return 0;
    }
    /* Nothing moves or coalesces here; the largest free block is the
     * larger of the biggest class with a free block and the unused end of
     * the newest segment. */
    bool locked = heap_enter(h, flags);
    size_t best = 0;
    for (unsigned c = NCLASSES; c-- > 0;)
        if (h->free[c]) {
            best = class_size(c);
            break;
        }
    struct segment *s = h->segs;
    if (s->size - s->used > sizeof(struct block) && s->size - s->used - sizeof(struct block) > best)
        best = s->size - s->used - sizeof(struct block);
    heap_leave(h, locked);
    if (!best)
        ws_set_last_error(NO_ERROR); /* Windows: 0 with NO_ERROR when nothing is free */
    return best;
}

WS_EXPORT BOOL WINAPI HeapLock(HANDLE hh)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return ws_bool(ERROR_INVALID_HANDLE);
    if (atomic_load_explicit(&h->owner, memory_order_relaxed) == &thread_token) {
        h->locks++;
        return TRUE;
    }
    pthread_mutex_lock(&h->lock);
    atomic_store_explicit(&h->owner, &thread_token, memory_order_relaxed);
    h->locks = 1;
    return TRUE;
}

WS_EXPORT BOOL WINAPI HeapUnlock(HANDLE hh)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return ws_bool(ERROR_INVALID_HANDLE);
    if (atomic_load_explicit(&h->owner, memory_order_relaxed) != &thread_token)
        return ws_bool(ERROR_NOT_OWNER);
    if (--h->locks == 0) {
        atomic_store_explicit(&h->owner, NULL, memory_order_relaxed);
        pthread_mutex_unlock(&h->lock);
    }
    return TRUE;
}

/* ---- HeapWalk ---- */

/* The walk goes segment by segment, oldest (the first) first: a region
 * entry for the segment, its blocks, the unused end as an uncommitted
 * range; then every large block as a region of its own followed by the
 * block.  The position is recovered from the previous entry: lpData and
 * wFlags, checked against the heap, so an entry the caller changed ends
 * the walk with ERROR_INVALID_PARAMETER rather than reading wild memory. */
static struct segment *seg_index(struct heap *h, unsigned i, unsigned *count)
{
    unsigned n = 0;
    for (struct segment *s = h->segs; s; s = s->next)
        n++;
    *count = n;
    if (i >= n)
        return NULL;
    struct segment *s = h->segs;
    for (unsigned k = n - 1 - i; k > 0; k--)
        s = s->next;
    return s;
}

static void walk_region(PROCESS_HEAP_ENTRY *e, void *base, size_t size, size_t used,
                        void *first, void *last, unsigned idx)
{
    e->lpData = base;
    e->cbData = (DWORD)size;
    e->cbOverhead = 0;
    e->iRegionIndex = (BYTE)idx;
    e->wFlags = PROCESS_HEAP_REGION;
    e->Region.dwCommittedSize = (DWORD)used;
    e->Region.dwUnCommittedSize = (DWORD)(size - used);
    e->Region.lpFirstBlock = first;
    e->Region.lpLastBlock = last;
}

static void walk_block(PROCESS_HEAP_ENTRY *e, struct heap *h, struct block *b, unsigned idx)
{
    bool busy = block_busy(h, b);
    memset(e, 0, sizeof *e);
    e->lpData = b + 1;
    uint64_t size = size_load(b);
    e->cbData = (DWORD)(busy ? size : block_capacity(b));
    e->cbOverhead = (BYTE)(sizeof(struct block) + (busy ? block_capacity(b) - size : 0));
    e->iRegionIndex = (BYTE)idx;
    e->wFlags = busy ? PROCESS_HEAP_ENTRY_BUSY : 0;
    if (busy && (__atomic_load_n(&b->flags, __ATOMIC_RELAXED) & BLOCK_F_LOCALMOVE))
        e->wFlags |= PROCESS_HEAP_ENTRY_MOVEABLE;
}

static DWORD walk_next(struct heap *h, PROCESS_HEAP_ENTRY *e)
{
    unsigned nseg;
    unsigned idx = e->lpData ? e->iRegionIndex : 0;
    struct segment *s = seg_index(h, idx, &nseg);
    char *pos = e->lpData;
    if (!pos) {
        s = seg_index(h, 0, &nseg);
        walk_region(e, s, s->size, s->used, (char *)s + s->first, (char *)s + s->size, 0);
        return 0;
    }
    if (idx >= nseg) { /* large blocks: region (lpData = mapping) then block */
        struct large *l = h->large;
        for (unsigned k = nseg; l && k < idx; k++)
            l = l->next;
        if (!l)
            return ERROR_INVALID_PARAMETER;
        if (e->wFlags & PROCESS_HEAP_REGION) {
            if (pos != (char *)l)
                return ERROR_INVALID_PARAMETER;
            walk_block(e, h, (struct block *)(l + 1), idx);
            return 0;
        }
        l = l->next;
        if (!l)
            return ERROR_NO_MORE_ITEMS;
        walk_region(e, l, l->map, l->map, (struct block *)(l + 1) + 1, (char *)l + l->map, idx + 1);
        return 0;
    }
    char *lo = (char *)s + s->first, *hi = (char *)s + s->used;
    char *next;
    if (e->wFlags & PROCESS_HEAP_REGION) {
        if (pos != (char *)s)
            return ERROR_INVALID_PARAMETER;
        next = lo;
    } else if (e->wFlags & PROCESS_HEAP_UNCOMMITTED_RANGE) {
        next = NULL; /* the segment is done */
    } else {
        struct block *b = block_find(h, pos);
        if (!b || (char *)b < lo || (char *)b >= hi)
            return ERROR_INVALID_PARAMETER;
        next = (char *)(b + 1) + class_size(b->cls);
    }
    if (next && next < hi) {
        walk_block(e, h, (struct block *)next, idx);
        return 0;
    }
    if (next && s->used < s->size) {
        memset(e, 0, sizeof *e);
        e->lpData = hi;
        e->cbData = (DWORD)(s->size - s->used);
        e->iRegionIndex = (BYTE)idx;
        e->wFlags = PROCESS_HEAP_UNCOMMITTED_RANGE;
        return 0;
    }
    if (idx + 1 < nseg) {
        s = seg_index(h, idx + 1, &nseg);
        walk_region(e, s, s->size, s->used, (char *)s + s->first, (char *)s + s->size, idx + 1);
        return 0;
    }
    if (h->large) {
        struct large *l = h->large;
        walk_region(e, l, l->map, l->map, (struct block *)(l + 1) + 1, (char *)l + l->map, nseg);
        return 0;
    }
    return ERROR_NO_MORE_ITEMS;
}

WS_EXPORT BOOL WINAPI HeapWalk(HANDLE hh, LPPROCESS_HEAP_ENTRY e)
{
    struct heap *h = heap_from(hh);
    if (!h)
        return ws_bool(ERROR_INVALID_HANDLE);
    if (!e)
        return ws_bool(ERROR_NOACCESS);
    bool locked = heap_enter(h, 0);
    DWORD err = walk_next(h, e);
    heap_leave(h, locked);
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT DWORD WINAPI GetProcessHeaps(DWORD n, PHANDLE out)
{
    heap_process();
    pthread_mutex_lock(&heaps_lock);
    DWORD total = 0;
    for (struct heap *h = heaps; h; h = h->next_heap) {
        if (out && total < n)
            out[total] = heap_handle(h);
        total++;
    }
    pthread_mutex_unlock(&heaps_lock);
    /* As Windows: the count of heaps, the array filled up to its size. */
    return total;
}

/* ---- information ---- */

WS_EXPORT BOOL WINAPI HeapQueryInformation(HANDLE hh, HEAP_INFORMATION_CLASS cls, PVOID info,
                                           SIZE_T len, PSIZE_T ret)
{
    struct heap *h = heap_from(hh);
    if (cls != HeapCompatibilityInformation)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!h)
        return ws_bool(ERROR_INVALID_HANDLE);
    if (ret)
        *ret = sizeof(ULONG);
    if (len < sizeof(ULONG))
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    if (!info)
        return ws_bool(ERROR_NOACCESS);
    memcpy(info, &h->compat, sizeof(ULONG));
    return TRUE;
}

WS_EXPORT BOOL WINAPI HeapSetInformation(HANDLE hh, HEAP_INFORMATION_CLASS cls, PVOID info,
                                         SIZE_T len)
{
    switch (cls) {
    case HeapEnableTerminationOnCorruption:
        /* Accepted for any heap: a corrupted heap is detected only by
         * HeapValidate here, and the allocator never continues past a
         * block it does not recognise (ERROR_INVALID_PARAMETER instead). */
        return TRUE;
    case HeapCompatibilityInformation: {
        struct heap *h = heap_from(hh);
        if (!h)
            return ws_bool(ERROR_INVALID_HANDLE);
        if (len < sizeof(ULONG))
            return ws_bool(ERROR_INSUFFICIENT_BUFFER);
        if (!info)
            return ws_bool(ERROR_NOACCESS);
        ULONG v;
        memcpy(&v, info, sizeof v);
        /* 0 standard, 2 low-fragmentation; 1 (look-asides) is refused
         * since Windows Vista; LFH is refused for HEAP_NO_SERIALIZE heaps. */
        if (v != 0 && v != 2)
            return ws_bool(ERROR_INVALID_PARAMETER);
        if (v == 2 && (h->flags & HEAP_NO_SERIALIZE))
            return ws_bool(ERROR_INVALID_PARAMETER);
        h->compat = v;
        return TRUE;
    }
    case HeapOptimizeResources:
        /* Nothing to decommit: the pages of free blocks stay mapped. */
        return ws_bool(ERROR_NOT_SUPPORTED);
    default:
        return ws_bool(ERROR_INVALID_PARAMETER);
    }
}
