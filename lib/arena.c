/*
 * The arena: one reserved region holding every kernel object, name record
 * and wait record, addressed by 32-bit byte offsets.
 *
 * Layout: struct arena_header at offset 0 (so offset 0 is never an object
 * and can mean "none"), then blocks handed out by a bump pointer and
 * recycled through per-size-class free lists.  Blocks are 64 << class bytes
 * and 64-byte aligned, so no two objects share a cache line.
 *
 * Locking: each size class has its own word lock; the bump pointer is an
 * atomic.  Each thread keeps a small cache of free blocks per class (no
 * lock); a full cache is spilled to the shared list in one locked step, an
 * empty one takes blocks from the shared list one at a time, and the cache
 * goes back when the thread exits (arena_thread_exit).  Memory is never returned to the system while the process runs
 * (a freed block may be read by a racing futex wake, which is harmless).
 *
 * Today the arena is private (MAP_PRIVATE | MAP_ANONYMOUS, reserved with
 * MAP_NORESERVE so untouched pages cost nothing).  Mapping it from a
 * /dev/shm file instead makes every object in it reachable from other
 * processes; nothing else changes.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define ARENA_MAGIC 0x5753484du /* "WSHM" */
#define ARENA_RESERVE ((size_t)4 << 30) /* 4 GiB: all a 32-bit offset reaches */
#define ARENA_MIN_BLOCK 64

struct arena ws_arena;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static _Atomic bool arena_ready;

static struct arena_header *hdr(void)
{
    return (struct arena_header *)ws_arena.base;
}

static void arena_setup(void)
{
    void *p = mmap(NULL, ARENA_RESERVE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        ws_panic("reserving the object arena", errno);
    ws_arena.base = p;
    ws_arena.size = ARENA_RESERVE;
    ws_arena.shared = false;
    struct arena_header *h = p;
    h->magic = ARENA_MAGIC;
    h->version = 1;
    size_t first = (sizeof *h + ARENA_MIN_BLOCK - 1) & ~(size_t)(ARENA_MIN_BLOCK - 1);
    atomic_store_explicit(&h->top, first, memory_order_relaxed);
}

void arena_init(void)
{
    if (WS_UNLIKELY(!atomic_load_explicit(&arena_ready, memory_order_acquire))) {
        pthread_once(&arena_once, arena_setup);
        atomic_store_explicit(&arena_ready, true, memory_order_release);
    }
}

static int size_class(size_t size)
{
    int c = 0;
    while (((size_t)ARENA_MIN_BLOCK << c) < size)
        c++;
    return c;
}

#define TCACHE_MAX 32

static __thread struct {
    aoff_t head;
    uint32_t count;
} tcache[ARENA_CLASSES];

static void *tcache_pop(int c)
{
    aoff_t off = tcache[c].head;
    if (!off)
        return NULL;
    void *p = arena_ptr(off);
    tcache[c].head = *(aoff_t *)p;
    tcache[c].count--;
    return p;
}

/* Moves the whole cache of class c to the shared list. */
static void tcache_spill(int c)
{
    struct arena_header *h = hdr();
    aoff_t first = tcache[c].head, last = first;
    if (!first)
        return;
    while (*(aoff_t *)arena_ptr(last))
        last = *(aoff_t *)arena_ptr(last);
    wordlock_lock(&h->free_lists[c].lock);
    *(aoff_t *)arena_ptr(last) = h->free_lists[c].head;
    h->free_lists[c].head = first;
    wordlock_unlock(&h->free_lists[c].lock);
    tcache[c].head = 0;
    tcache[c].count = 0;
}

void arena_thread_exit(void)
{
    if (!ws_arena.base)
        return;
    for (int c = 0; c < ARENA_CLASSES; c++)
        tcache_spill(c);
}

void *arena_alloc(size_t size)
{
    struct arena_header *h = hdr();
    int c = size_class(size);
    if (c >= ARENA_CLASSES)
        return NULL;
    size_t block = (size_t)ARENA_MIN_BLOCK << c;

    void *cached = tcache_pop(c);
    if (cached) {
        memset(cached, 0, block);
        return cached;
    }
    wordlock_lock(&h->free_lists[c].lock);
    aoff_t off = h->free_lists[c].head;
    if (off) {
        h->free_lists[c].head = *(aoff_t *)arena_ptr(off);
        wordlock_unlock(&h->free_lists[c].lock);
        void *p = arena_ptr(off);
        memset(p, 0, block);
        return p;
    }
    wordlock_unlock(&h->free_lists[c].lock);

    /* Fresh pages are zero already.  Round the bump pointer up to the
     * block size so big blocks stay naturally aligned. */
    uint64_t top = atomic_load_explicit(&h->top, memory_order_relaxed);
    uint64_t start;
    do {
        start = (top + block - 1) & ~(uint64_t)(block - 1);
        if (start + block > ws_arena.size)
            return NULL;
    } while (!atomic_compare_exchange_weak_explicit(
        &h->top, &top, start + block, memory_order_relaxed,
        memory_order_relaxed));
    return ws_arena.base + start;
}

void arena_free(void *p, size_t size)
{
    int c = size_class(size);
    (void)thread_current(); /* so that thread exit returns the cache */
    if (tcache[c].count >= TCACHE_MAX)
        tcache_spill(c);
    *(aoff_t *)p = tcache[c].head;
    tcache[c].head = arena_off(p);
    tcache[c].count++;
}
