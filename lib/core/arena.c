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
 * atomic.  Each thread keeps a cache of free blocks per class (no lock;
 * up to 64 KiB of blocks, see tcache_max); a full cache is spilled to
 * the shared list in one locked step, an empty one takes blocks from the shared list one at a time, and the cache
 * goes back when the thread exits (arena_thread_exit).  The caches live in
 * the thread's shared record (struct shm_thread), so a reaper gives back
 * those of a killed process's threads (arena_cache_reap).  Memory is never returned to the system while the process runs
 * (a freed block may be read by a racing futex wake, which is harmless).
 *
 * The arena is the session file that every winshim process of the user
 * maps (shm.c), reserved with MAP_NORESERVE so untouched pages cost
 * nothing.  The bump pointer grows the file's backing with fallocate
 * before handing out fresh pages, so a full /dev/shm makes an allocation
 * fail (ERROR_NOT_ENOUGH_MEMORY) instead of raising SIGBUS.  When the
 * session cannot be used (no /dev/shm, a directory that is not ours,
 * WINSHIM_SHM_DIR set to "", another winshim version attached) the arena
 * is private: everything works within the process, nothing is shared.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/hooks.h"
#include "core/names.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/wait.h"

#define ARENA_MAGIC 0x5753484du /* "WSHM" */
#define ARENA_VERSION 10         /* bump on any change of a shared layout or meaning */
#define ARENA_COMMIT_STEP ((uint64_t)4 << 20)

struct arena ws_arena;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static pthread_once_t join_once = PTHREAD_ONCE_INIT;
static _Atomic bool arena_ready;
static __thread bool joining;

static struct arena_header *hdr(void)
{
    return (struct arena_header *)ws_arena.base;
}

/* ---- the layout id ---- */

/* FNV-1a over 32-bit words. */
uint64_t layout_mix(uint64_t h, const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int b = 0; b < 32; b += 8) {
            h ^= (v[i] >> b) & 0xffu;
            h *= 0x100000001b3ull;
        }
    }
    return h;
}

static uint64_t layout_compute(void)
{
    static const uint32_t core[] = {
        ARENA_VERSION, ARENA_MIN_BLOCK, ARENA_CLASSES, (uint32_t)(ARENA_MAP_SIZE >> 20),
        PROC_SLOTS, DEFER_BATCH, MAXIMUM_WAIT_OBJECTS, TYPE_COUNT,
        (uint32_t)sizeof(void *), (uint32_t)sizeof(ULONG_PTR),
        LAYOUT_SIZE(struct wordlock),
        LAYOUT_SIZE(struct arena_header),
        LAYOUT_FIELD(struct arena_header, magic),
        LAYOUT_FIELD(struct arena_header, version),
        LAYOUT_FIELD(struct arena_header, top),
        LAYOUT_FIELD(struct arena_header, committed),
        LAYOUT_FIELD(struct arena_header, grow_lock),
        LAYOUT_FIELD(struct arena_header, procs),
        LAYOUT_FIELD(struct arena_header, wait_all_lock),
        LAYOUT_FIELD(struct arena_header, ns_lock),
        LAYOUT_FIELD(struct arena_header, ns_stripes),
        LAYOUT_FIELD(struct arena_header, file_locks),
        LAYOUT_FIELD(struct arena_header, ns_table),
        LAYOUT_FIELD(struct arena_header, layout_id),
        LAYOUT_FIELD(struct arena_header, free_lists),
        LAYOUT_SIZE(struct object),
        LAYOUT_FIELD(struct object, state),
        LAYOUT_FIELD(struct object, type_id),
        LAYOUT_FIELD(struct object, obj_flags),
        LAYOUT_FIELD(struct object, refs),
        LAYOUT_FIELD(struct object, handles),
        LAYOUT_FIELD(struct object, lock_tag),
        LAYOUT_FIELD(struct object, any_head),
        LAYOUT_FIELD(struct object, any_tail),
        LAYOUT_FIELD(struct object, all_head),
        LAYOUT_FIELD(struct object, all_tail),
        LAYOUT_FIELD(struct object, name),
        LAYOUT_FIELD(struct object, aux),
        LAYOUT_FIELD(struct object, claim_entry),
        LAYOUT_FIELD(struct object, claim_by),
        LAYOUT_FIELD(struct object, claim_prev),
        LAYOUT_SIZE(struct proc_slot),
        LAYOUT_FIELD(struct proc_slot, state),
        LAYOUT_FIELD(struct proc_slot, gen),
        LAYOUT_FIELD(struct proc_slot, ref_lock),
        LAYOUT_FIELD(struct proc_slot, pid),
        LAYOUT_FIELD(struct proc_slot, parent_pid),
        LAYOUT_FIELD(struct proc_slot, start_time),
        LAYOUT_FIELD(struct proc_slot, process_obj),
        LAYOUT_FIELD(struct proc_slot, ht_l1),
        LAYOUT_FIELD(struct proc_slot, ht_lock),
        LAYOUT_FIELD(struct proc_slot, ht_top),
        LAYOUT_FIELD(struct proc_slot, free_head),
        LAYOUT_FIELD(struct proc_slot, free_tail),
        LAYOUT_FIELD(struct proc_slot, free_count),
        LAYOUT_FIELD(struct proc_slot, threads_lock),
        LAYOUT_FIELD(struct proc_slot, threads),
        LAYOUT_FIELD(struct proc_slot, remote_defer),
        LAYOUT_FIELD(struct proc_slot, reaper),
        LAYOUT_FIELD(struct proc_slot, inbox_key),
        LAYOUT_FIELD(struct proc_slot, reap_rec),
        LAYOUT_FIELD(struct proc_slot, reap_index),
        LAYOUT_FIELD(struct proc_slot, reap_word),
        LAYOUT_FIELD(struct proc_slot, leaving),
        LAYOUT_FIELD(struct proc_slot, creator_obj),
        LAYOUT_FIELD(struct proc_slot, inbox_started),
        LAYOUT_FIELD(struct proc_slot, inbox_finished),
        LAYOUT_SIZE(struct shm_thread),
        LAYOUT_SIZE(struct handle_intent),
        LAYOUT_SIZE(struct count_rec),
        LAYOUT_FIELD(struct count_rec, obj),
        LAYOUT_FIELD(struct count_rec, state),
        LAYOUT_FIELD(struct count_rec, owner),
        LAYOUT_FIELD(struct handle_intent, cr),
        LAYOUT_FIELD(struct handle_intent, op),
        LAYOUT_FIELD(struct handle_intent, slot),
        LAYOUT_FIELD(struct handle_intent, slot_gen),
        LAYOUT_FIELD(struct handle_intent, index),
        LAYOUT_FIELD(struct handle_intent, word),
        LAYOUT_FIELD(struct shm_thread, intent),
        LAYOUT_FIELD(struct shm_thread, scratch),
        LAYOUT_FIELD(struct shm_thread, claiming),
        LAYOUT_FIELD(struct shm_thread, next),
        LAYOUT_FIELD(struct shm_thread, tid),
        LAYOUT_FIELD(struct shm_thread, waiter),
        LAYOUT_FIELD(struct shm_thread, wait_refs),
        LAYOUT_FIELD(struct shm_thread, owned),
        LAYOUT_FIELD(struct shm_thread, nowned),
        LAYOUT_FIELD(struct shm_thread, owned_cap),
        LAYOUT_FIELD(struct shm_thread, owned_kept),
        LAYOUT_FIELD(struct shm_thread, ndefer),
        LAYOUT_FIELD(struct shm_thread, defer),
        LAYOUT_FIELD(struct shm_thread, cache),
        LAYOUT_FIELD(struct shm_thread, ncache),
        LAYOUT_SIZE(struct wait_entry),
        LAYOUT_FIELD(struct wait_entry, next),
        LAYOUT_FIELD(struct wait_entry, prev),
        LAYOUT_FIELD(struct wait_entry, waiter),
        LAYOUT_FIELD(struct wait_entry, index),
        LAYOUT_SIZE(struct waiter),
        LAYOUT_FIELD(struct waiter, status),
        LAYOUT_FIELD(struct waiter, tid),
        LAYOUT_FIELD(struct waiter, count),
        LAYOUT_FIELD(struct waiter, queued),
        LAYOUT_FIELD(struct waiter, claim_result),
        LAYOUT_FIELD(struct waiter, retries),
        LAYOUT_FIELD(struct waiter, objs),
        LAYOUT_FIELD(struct waiter, entries),
        LAYOUT_FIELD(struct waiter, timeout),
        LAYOUT_FIELD(struct waiter, wflags),
        LAYOUT_FIELD(struct waiter, since),
    };
    uint64_t h = layout_mix(0xcbf29ce484222325ull, core, sizeof core / sizeof *core);
    h = namespace_layout_mix(h);
    h = handle_layout_mix(h);
    for (const layout_mixer *m = ws_layout_mixers; *m; m++)
        h = (*m)(h);
    for (uint32_t i = 0; i < TYPE_COUNT; i++) {
        const struct object_type *t = object_types[i];
        if (!t)
            continue;
        uint32_t kind[] = {i, t->id, t->size, t->layout_len};
        h = layout_mix(h, kind, sizeof kind / sizeof *kind);
        if (t->layout)
            h = layout_mix(h, t->layout, t->layout_len);
    }
    /* Test hook: WINSHIM_LAYOUT_SALT makes this process behave like a
     * build with another layout (check_shm runs "two builds" with it). */
    const char *salt = getenv("WINSHIM_LAYOUT_SALT");
    if (salt && *salt) {
        uint32_t s[] = {0x5a17u, (uint32_t)strtoul(salt, NULL, 0)};
        h = layout_mix(h, s, 2);
    }
    return h ? h : 1;
}

static uint64_t layout_id;
static pthread_once_t layout_once = PTHREAD_ONCE_INIT;

static void layout_init(void)
{
    layout_id = layout_compute();
}

uint64_t arena_layout_id(void)
{
    pthread_once(&layout_once, layout_init);
    return layout_id;
}

static void header_init(struct arena_header *h)
{
    h->magic = ARENA_MAGIC;
    h->version = ARENA_VERSION;
    h->layout_id = arena_layout_id();
    size_t first = (sizeof *h + ARENA_MIN_BLOCK - 1) & ~(size_t)(ARENA_MIN_BLOCK - 1);
    atomic_store_explicit(&h->top, first, memory_order_relaxed);
}

/* The calling thread's free-block caches (below). */
static __thread struct shm_thread *tc;

/* A private arena: nothing shared, everything works in this process. */
static void map_private(void)
{
    void *p = mmap(NULL, ARENA_MAP_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        ws_panic("reserving the object arena", errno);
    ws_arena.base = p;
    ws_arena.shared = false;
    header_init(p);
}

static void arena_setup(void)
{
    void *p = NULL;
    bool fresh = false;
    ws_arena.size = ARENA_RESERVE;
    if (shm_attach(&p, &fresh)) {
        struct arena_header *h = p;
        /* A fresh session's first pages are backed before the header is
         * written: a full /dev/shm fails here, not with SIGBUS. */
        if (fresh && fallocate(shm_file_fd(), 0, 0, (off_t)ARENA_COMMIT_STEP) &&
            errno != EOPNOTSUPP) {
            munmap(p, ARENA_MAP_SIZE);
            shm_give_up("no room in the directory for a session");
            goto private;
        }
        if (fresh) {
            header_init(h);
            atomic_store_explicit(&h->committed, ARENA_COMMIT_STEP, memory_order_release);
        }
        if (h->magic == ARENA_MAGIC && h->version == ARENA_VERSION &&
            h->layout_id == arena_layout_id()) {
            ws_arena.base = p;
            ws_arena.shared = true;
            return;
        }
        fprintf(stderr, "winshim: another version uses the session in "
                        "/dev/shm; named objects stay private to this process\n");
        munmap(p, ARENA_MAP_SIZE);
        close(shm_lock_fd);
        shm_lock_fd = -1;
    }
private:
    map_private();
}

void arena_go_private(void)
{
    munmap(ws_arena.base, ARENA_MAP_SIZE);
    map_private();
    tc = NULL;
}

static void arena_join(void)
{
    joining = true;
    if (!shm_attached()) {
        arena_go_private();
        shm_attached();
    }
    joining = false;
}

/* Maps the arena, then joins the process table, which allocates from the
 * arena itself (hence the `joining` escape). */
void arena_init(void)
{
    if (WS_LIKELY(atomic_load_explicit(&arena_ready, memory_order_acquire)))
        return;
    pthread_once(&arena_once, arena_setup);
    if (joining)
        return;
    pthread_once(&join_once, arena_join);
    atomic_store_explicit(&arena_ready, true, memory_order_release);
}

/* Backs [0, end) of the session file before anyone touches it. */
static bool arena_commit(uint64_t end)
{
    struct arena_header *h = hdr();
    if (!ws_arena.shared ||
        end <= atomic_load_explicit(&h->committed, memory_order_acquire))
        return true;
    bool ok = true;
    wordlock_lock(&h->grow_lock);
    uint64_t c = atomic_load_explicit(&h->committed, memory_order_relaxed);
    if (end > c) {
        uint64_t want = (end + ARENA_COMMIT_STEP - 1) & ~(ARENA_COMMIT_STEP - 1);
        if (want > ARENA_MAP_SIZE)
            want = ARENA_MAP_SIZE;
        if (fallocate(shm_file_fd(), 0, (off_t)c, (off_t)(want - c)) &&
            errno != EOPNOTSUPP)
            ok = false;
        else
            atomic_store_explicit(&h->committed, want, memory_order_release);
    }
    wordlock_unlock(&h->grow_lock);
    return ok;
}

static inline int size_class(size_t size)
{
    if (size <= ARENA_MIN_BLOCK)
        return 0;
    return 64 - __builtin_clzll((size - 1) / ARENA_MIN_BLOCK);
}

/* A thread's cache of a class holds up to TCACHE_BYTES of blocks, and
 * at least TCACHE_MIN: enough small blocks that a thread creating and
 * closing objects (whose blocks come back DEFER_BATCH at a time, after a
 * grace period) takes them from its cache and gives them back to it,
 * without the class's lock.  That takes room for two batches of events:
 * a batch arrives on top of whatever the cache holds, and a full cache
 * keeps half of its blocks when it spills (cache_spill), so the next
 * batch's allocations still find them. */
#define TCACHE_BYTES (64u << 10)
#define TCACHE_MIN 32u
#define TCACHE_OBJECTS (2u * DEFER_BATCH) /* classes 0 and 1: objects */
static inline uint32_t tcache_max(int c)
{
    uint32_t n = TCACHE_BYTES / ((uint32_t)ARENA_MIN_BLOCK << c);
    if (c <= 1)
        return TCACHE_OBJECTS;
    return n > TCACHE_MIN ? n : TCACHE_MIN;
}

/* The calling thread's caches (tc, above): in its shared record (struct
 * shm_thread), so a reaper gives them back when the process is killed;
 * NULL before the thread has a record and after it has given them back. */
void arena_thread_bind(struct shm_thread *r)
{
    tc = r;
}

struct shm_thread *arena_thread_unbind(void)
{
    struct shm_thread *r = tc;
    tc = NULL;
    return r;
}

static void *tcache_pop(int c)
{
    aoff_t off = tc->cache[c];
    if (!off)
        return NULL;
    void *p = arena_ptr(off);
    tc->cache[c] = *(aoff_t *)p;
    tc->ncache[c]--;
    return p;
}

/* Moves r's cache of class c to the shared list, all of it but the
 * first `keep` blocks.  The chain leaves the record before it joins the
 * list: a process killed in between loses that one batch (at most
 * tcache_max() blocks) but a reaper never frees a block twice.  So the
 * chain is walked, and the lock taken, before it leaves the record: "in
 * between" is two stores (cutting the cached chain, or emptying the
 * cache's head, and then the list's head). */
static void cache_spill_keep(struct shm_thread *r, int c, uint32_t keep)
{
    struct arena_header *h = hdr();
    aoff_t *cut = NULL; /* the link that leaves the record */
    aoff_t first = r->cache[c];
    for (uint32_t k = 0; first && k < keep; k++) {
        cut = (aoff_t *)arena_ptr(first);
        first = *cut;
    }
    if (!first)
        return;
    aoff_t last = first;
    while (*(aoff_t *)arena_ptr(last))
        last = *(aoff_t *)arena_ptr(last);
    wordlock_lock(&h->free_lists[c].lock);
    if (cut) {
        *cut = 0;
        r->ncache[c] = keep;
    } else {
        r->cache[c] = 0;
        r->ncache[c] = 0;
    }
    *(aoff_t *)arena_ptr(last) = h->free_lists[c].head;
    h->free_lists[c].head = first;
    wordlock_unlock(&h->free_lists[c].lock);
}

static void cache_spill(struct shm_thread *r, int c)
{
    cache_spill_keep(r, c, 0);
}

void arena_thread_exit(void)
{
    struct shm_thread *r = tc;
    if (!ws_arena.base || !r)
        return;
    tc = NULL; /* later frees of this thread go to the shared lists */
    for (int c = 0; c < ARENA_CLASSES; c++)
        cache_spill(r, c);
}

/* A dead thread's caches (a reaper): a push links the block before the
 * head names it, so the chain from the head is always whole. */
void arena_cache_reap(struct shm_thread *r)
{
    for (int c = 0; c < ARENA_CLASSES; c++)
        cache_spill(r, c);
}

void *arena_alloc(size_t size)
{
    struct arena_header *h = hdr();
    int c = size_class(size);
    if (c >= ARENA_CLASSES)
        return NULL;
    size_t block = (size_t)ARENA_MIN_BLOCK << c;

    void *cached = tc ? tcache_pop(c) : NULL;
    if (cached) {
        /* Objects (a header is 72 bytes) and small records: inline
         * stores, no call. */
        if (c == 1)
            *(struct zero128 { uint64_t w[2 * ARENA_MIN_BLOCK / 8]; } *)cached =
                (struct zero128){{0}};
        else if (c == 0)
            *(struct zero64 { uint64_t w[ARENA_MIN_BLOCK / 8]; } *)cached = (struct zero64){{0}};
        else
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
    if (!arena_commit(start + block))
        return NULL;
    return ws_arena.base + start;
}

void arena_atfork_child(void)
{
    tc = NULL; /* the parent's thread's record owns them */
}

void arena_free(void *p, size_t size)
{
    int c = size_class(size);
    if (WS_UNLIKELY(!tc)) {
        /* No thread record (a reaper while joining, a foreign thread, a
         * thread giving its record back): straight to the shared list. */
        struct arena_header *h = hdr();
        wordlock_lock(&h->free_lists[c].lock);
        *(aoff_t *)p = h->free_lists[c].head;
        h->free_lists[c].head = arena_off(p);
        wordlock_unlock(&h->free_lists[c].lock);
        ws_tsan_xproc_release(); /* another process may take the block next */
        return;
    }
    if (tc->ncache[c] >= tcache_max(c))
        cache_spill_keep(tc, c, tcache_max(c) / 2);
    *(aoff_t *)p = tc->cache[c];
    tc->cache[c] = arena_off(p);
    tc->ncache[c]++;
    ws_tsan_xproc_release(); /* its link too: the block may leave in a spill */
}
