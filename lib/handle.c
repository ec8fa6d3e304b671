/*
 * The per-process handle table and the one access gate.
 *
 * Shape: a first-level array of HT_L1 pointers to chunks of HT_L2 entries,
 * allocated on demand and never moved or freed, so an entry's address is
 * fixed for the life of the process and a reader needs no lock to find it.
 * 2^24 entries of 16 bytes: 256 MiB when full, nothing for unused chunks.
 *
 * An entry:
 *   word    object offset (bits 0..31), generation (32..35), HE_USED (36),
 *           handle flags HANDLE_FLAG_* (40..47).  One 64-bit word, so a
 *           reader sees a whole (object, generation, flags) triple.
 *   access  the granted access mask; written before the word is published.
 *           Only a same-process DUPLICATE_CLOSE_SOURCE rewrites it in place
 *           (the duplicate keeps the source's value), where a racing reader
 *           of that very handle may see the old or the new mask.
 *
 * A handle value is (((generation << 24) | index) + 1) << 2: never zero, a
 * multiple of 4, at most 2^30.  The low two bits are tag bits that callers may
 * set and lookups ignore, as on Windows.
 *
 * Invariants:
 *   - Readers (handle_get, under rcu_read_lock) load word, access, word
 *     again; the generation in the value must match and the two words must
 *     be equal, or the handle is invalid.  Readers write nothing shared.
 *   - Writers (insert, close, flag changes) serialise on ht_lock for the
 *     free list; an entry's word changes only by compare-and-swap, so two
 *     racing closes of one handle cannot both succeed.
 *   - Freeing bumps the generation; a freed index goes to the tail of a FIFO
 *     list and is reused only once HT_REUSE_DELAY others are free (or the
 *     table is full): a stale handle reads as invalid rather than as
 *     someone else's object.
 */
#include <string.h>

#include "internal.h"

_Atomic(struct handle_entry *) ht_chunks[HT_L1];
static struct wordlock ht_lock;
static uint32_t ht_top;       /* entries ever handed out; under ht_lock */
static uint32_t free_head;    /* index + 1, 0 = empty; under ht_lock */
static uint32_t free_tail;
static uint32_t free_count;

const struct object_type waitable_any = {.name = "(any waitable)"};

/* ---- index allocation ----
 *
 * The FIFO of freed indices (and the fresh indices past ht_top) are shared
 * and guarded by ht_lock; each thread takes indices from them and gives
 * them back HT_BATCH at a time, so the lock is taken once per HT_BATCH
 * creations or closes.  Delayed reuse is decided when an index leaves the
 * FIFO, so per-thread batches do not weaken it. */
#define HT_BATCH 32

struct index_batch {
    uint32_t n;
    uint32_t idx[HT_BATCH];
};
static __thread struct index_batch ht_reserve, ht_freed;

static struct handle_entry *entry_at(uint32_t i)
{
    return &atomic_load_explicit(&ht_chunks[i >> HT_L2_BITS],
                                 memory_order_acquire)[i & (HT_L2 - 1)];
}

static void fifo_push_locked(uint32_t i)
{
    entry_at(i)->next_free = 0;
    if (free_tail)
        entry_at(free_tail - 1)->next_free = i + 1;
    else
        free_head = i + 1;
    free_tail = i + 1;
    free_count++;
}

static uint32_t fifo_pop_locked(void)
{
    uint32_t i = free_head - 1;
    free_head = entry_at(i)->next_free;
    if (!free_head)
        free_tail = 0;
    free_count--;
    return i;
}

static void flush_freed_locked(void)
{
    for (uint32_t k = 0; k < ht_freed.n; k++)
        fifo_push_locked(ht_freed.idx[k]);
    ht_freed.n = 0;
}

/* Fills this thread's reserve; an error only when nothing could be had. */
static DWORD refill_locked(void)
{
    flush_freed_locked();
    while (ht_reserve.n < HT_BATCH) {
        uint32_t i;
        if (free_count > HT_REUSE_DELAY || (ht_top == HANDLE_MAX && free_count)) {
            i = fifo_pop_locked();
        } else if (ht_top < HANDLE_MAX) {
            i = ht_top;
            if (!(i & (HT_L2 - 1))) {
                struct handle_entry *chunk = calloc(HT_L2, sizeof *chunk);
                if (!chunk)
                    return ht_reserve.n ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
                atomic_store_explicit(&ht_chunks[i >> HT_L2_BITS], chunk,
                                      memory_order_release);
            }
            ht_top++;
        } else {
            break;
        }
        ht_reserve.idx[ht_reserve.n++] = i;
    }
    return ht_reserve.n ? ERROR_SUCCESS : ERROR_NO_SYSTEM_RESOURCES;
}

static DWORD index_alloc(uint32_t *index)
{
    if (WS_UNLIKELY(!ht_reserve.n)) {
        (void)thread_current(); /* thread exit must return the reserve */
        wordlock_lock(&ht_lock);
        DWORD err = refill_locked();
        wordlock_unlock(&ht_lock);
        if (err)
            return err;
    }
    *index = ht_reserve.idx[--ht_reserve.n];
    return ERROR_SUCCESS;
}

static void index_free(uint32_t i)
{
    if (WS_UNLIKELY(ht_freed.n == HT_BATCH)) {
        wordlock_lock(&ht_lock);
        flush_freed_locked();
        wordlock_unlock(&ht_lock);
    }
    ht_freed.idx[ht_freed.n++] = i;
}

void handle_thread_exit(void)
{
    wordlock_lock(&ht_lock);
    flush_freed_locked();
    while (ht_reserve.n)
        fifo_push_locked(ht_reserve.idx[--ht_reserve.n]);
    wordlock_unlock(&ht_lock);
}

DWORD handle_insert(struct object *o, ACCESS_MASK access, DWORD flags,
                    HANDLE *out)
{
    uint32_t index;
    DWORD err = index_alloc(&index);
    if (err)
        return err;
    struct handle_entry *e = entry_at(index);
    uint64_t old = atomic_load_explicit(&e->word, memory_order_relaxed);
    uint32_t gen = he_gen(old);
    atomic_store_explicit(&e->access, access, memory_order_relaxed);
    atomic_store_explicit(&e->word,
                          (uint64_t)arena_off(o) | ((uint64_t)gen << HE_GEN_SHIFT) |
                              HE_USED |
                              ((uint64_t)(flags & HE_FLAGS_VALID) << HE_FLAGS_SHIFT),
                          memory_order_release);
    *out = handle_value(index, gen);
    return ERROR_SUCCESS;
}

/* Takes h out of the table; the caller then owns its handle count and
 * reference.  `force` ignores HANDLE_FLAG_PROTECT_FROM_CLOSE. */
static DWORD handle_remove(HANDLE h, bool force, struct object **out)
{
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access;
    do {
        if (!entry_read(h, &e, &w, &access))
            return ERROR_INVALID_HANDLE;
        if (!force && (he_flags(w) & HANDLE_FLAG_PROTECT_FROM_CLOSE))
            return ERROR_INVALID_HANDLE;
    } while (!atomic_compare_exchange_strong_explicit(
        &e->word, &w,
        (uint64_t)((he_gen(w) + 1) & HE_GEN_MASK) << HE_GEN_SHIFT,
        memory_order_acq_rel, memory_order_relaxed));

    index_free((uint32_t)(((uintptr_t)h >> 2) - 1) & (HANDLE_MAX - 1));
    *out = he_object(w);
    return ERROR_SUCCESS;
}

static void release_removed(struct object *o)
{
    object_handle_close(o);
    object_unref_deferred(o);
}

static bool is_pseudo(HANDLE h)
{
    return h == PSEUDO_CURRENT_PROCESS || h == PSEUDO_CURRENT_THREAD;
}

WS_EXPORT BOOL WINAPI CloseHandle(HANDLE h)
{
    struct object *o = NULL;
    if (is_pseudo(h))
        return TRUE;
    DWORD err = handle_remove(h, false, &o);
    if (err)
        return ws_bool(err);
    release_removed(o);
    return TRUE;
}

/* The process a DuplicateHandle process argument names; only the current
 * process is supported until handles can cross processes. */
static DWORD dup_process(HANDLE process)
{
    struct object *p = NULL;
    DWORD err;
    ws_rcu_lock();
    err = handle_get(process, &process_type, PROCESS_DUP_HANDLE, &p, NULL);
    if (!err && p != process_self_object())
        err = ERROR_NOT_SUPPORTED;
    ws_rcu_unlock();
    return err;
}

/* ntdef.h's DUPLICATE_SAME_ATTRIBUTES: copy the source's handle flags. */
#define DUP_SAME_ATTRIBUTES 0x4u

/* The access a duplicate gets: the source's, or the request mapped and
 * masked to the type (ACCESS_SYSTEM_SECURITY needs a privilege we never
 * hold: ERROR_ACCESS_DENIED, as Windows gives for an access of ~0). */
static DWORD dup_access(const struct object *o, ACCESS_MASK src, DWORD want,
                        DWORD options, ACCESS_MASK *out)
{
    if (options & DUPLICATE_SAME_ACCESS) {
        *out = src;
        return ERROR_SUCCESS;
    }
    if (want & ACCESS_SYSTEM_SECURITY)
        return ERROR_ACCESS_DENIED;
    *out = object_map_access(object_type_of(o), want);
    return ERROR_SUCCESS;
}

/* The duplicate's handle flags: the source's with SAME_ATTRIBUTES, else
 * only bInheritHandle counts. */
static uint32_t dup_flags(DWORD options, BOOL inherit, uint32_t src_flags)
{
    if (options & DUP_SAME_ATTRIBUTES)
        return src_flags;
    return inherit ? HANDLE_FLAG_INHERIT : 0;
}

/* DUPLICATE_CLOSE_SOURCE within one process: the entry is rewritten in
 * place, so the duplicate has the source's value (as on Windows). */
static DWORD dup_in_place(HANDLE src, DWORD want, BOOL inherit, DWORD options,
                          HANDLE *out)
{
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access, granted;
    DWORD err;
    do {
        if (!entry_read(src, &e, &w, &access))
            return ERROR_INVALID_HANDLE;
        if ((err = dup_access(he_object(w), access, want, options, &granted)))
            return err;
        uint64_t nw = he_with_flags(w, dup_flags(options, inherit, he_flags(w)));
        atomic_store_explicit(&e->access, granted, memory_order_release);
        if (atomic_compare_exchange_strong_explicit(&e->word, &w, nw,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed))
            break;
    } while (1);
    *out = (HANDLE)((uintptr_t)src & ~(uintptr_t)3);
    return ERROR_SUCCESS;
}

static DWORD duplicate(HANDLE src_process, HANDLE src, HANDLE dst_process,
                       LPHANDLE dst, DWORD want, BOOL inherit, DWORD options)
{
    struct object *o = NULL;
    ACCESS_MASK access = 0, granted = 0;
    uint32_t src_flags = 0;
    bool close_src = (options & DUPLICATE_CLOSE_SOURCE) && !is_pseudo(src);
    DWORD err = dup_process(src_process);
    if (err)
        return err;

    if (close_src && !dst_process)
        goto out; /* the close-only idiom */
    if ((err = dup_process(dst_process)))
        goto out;
    if (close_src && dst) {
        struct handle_entry *e;
        uint64_t w;
        if (entry_read(src, &e, &w, &access) &&
            !(he_flags(w) & HANDLE_FLAG_PROTECT_FROM_CLOSE)) {
            if (!(err = dup_in_place(src, want, inherit, options, dst)))
                return ERROR_SUCCESS;
            goto out;
        }
    }

    ws_rcu_lock();
    err = handle_get(src, NULL, 0, &o, &access);
    if (!err && !is_pseudo(src)) {
        struct handle_entry *e;
        uint64_t w;
        ACCESS_MASK a;
        if (entry_read(src, &e, &w, &a))
            src_flags = he_flags(w);
    }
    if (!err && !(err = dup_access(o, access, want, options, &granted))) {
        object_ref(o);
        object_handle_open(o);
    }
    ws_rcu_unlock();
    if (err)
        goto out;

    HANDLE h;
    if ((err = handle_insert(o, granted, dup_flags(options, inherit, src_flags), &h))) {
        object_handle_close(o);
        object_unref(o);
        goto out;
    }
    if (dst)
        *dst = h; /* with no lpTargetHandle the duplicate exists unseen */
out:
    /* The source goes even when duplicating failed; a protected source
     * silently stays. */
    if (close_src) {
        struct object *closed;
        if (!handle_remove(src, false, &closed))
            release_removed(closed);
    }
    return err;
}

WS_EXPORT BOOL WINAPI DuplicateHandle(HANDLE src_process, HANDLE src,
                                      HANDLE dst_process, LPHANDLE dst,
                                      DWORD access, BOOL inherit, DWORD options)
{
    DWORD err = duplicate(src_process, src, dst_process, dst, access, inherit,
                          options);
    if (err && dst)
        *dst = NULL;
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetHandleInformation(HANDLE h, LPDWORD flags)
{
    struct handle_entry *e;
    uint64_t w = 0;
    ACCESS_MASK access;
    if (is_pseudo(h)) {
        if (!flags)
            return ws_bool(ERROR_NOACCESS);
        *flags = 0;
        return TRUE;
    }
    if (!entry_read(h, &e, &w, &access))
        return ws_bool(ERROR_INVALID_HANDLE);
    if (!flags)
        return ws_bool(ERROR_NOACCESS);
    *flags = he_flags(w);
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetHandleInformation(HANDLE h, DWORD mask, DWORD flags)
{
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access;
    if (is_pseudo(h))
        return ws_bool(ERROR_ACCESS_DENIED);
    do {
        if (!entry_read(h, &e, &w, &access))
            return ws_bool(ERROR_INVALID_HANDLE);
        mask &= HE_FLAGS_VALID;
        uint64_t nf = (he_flags(w) & ~mask) | (flags & mask);
        uint64_t nw = he_with_flags(w, nf);
        if (atomic_compare_exchange_strong_explicit(&e->word, &w, nw,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed))
            return TRUE;
    } while (1);
}

WS_EXPORT BOOL WINAPI CompareObjectHandles(HANDLE a, HANDLE b)
{
    struct object *oa = NULL, *ob = NULL;
    DWORD err;
    ws_rcu_lock();
    err = handle_get(a, NULL, 0, &oa, NULL);
    if (!err)
        err = handle_get(b, NULL, 0, &ob, NULL);
    ws_rcu_unlock();
    if (err)
        return ws_bool(err);
    return oa == ob ? TRUE : ws_bool(ERROR_NOT_SAME_OBJECT);
}
