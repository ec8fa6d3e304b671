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
 *   - Every handle count is, at every instant, either in a table entry or
 *     in some thread's intent record (struct handle_intent in its shared
 *     shm_thread), so a process killed anywhere leaves nothing a reaper
 *     cannot account for (handle_intent_reap).  Making a handle: with a
 *     reference held, write the intent (object, CR_UP_PENDING), take the
 *     count in it (object.c: one compare-and-swap makes the change and
 *     names the record, so whether it was made is never in doubt), pick
 *     the index and write it with the entry's word before publication,
 *     publish, clear.
 *     Removing one: write the intent (object, index, the entry's word,
 *     CR_DOWN_PENDING), empty the entry with a compare-and-swap to a word
 *     that names the remover (its record's offset in the object bits,
 *     HE_USED clear), then drop the count in the intent.  The reaper
 *     settles the record first (object.c), then decides: counted and the
 *     entry still the word before publication (or no entry chosen) -> undo
 *     (drop the count and reference); a count held and the entry emptied
 *     by this very remover -> finish (drop them); anything else -> the
 *     entry holds or held the count and whoever emptied it dropped it.
 *     Where it cannot read the entry safely (another process's table
 *     being reaped) it leaves the count: a leak, never a double drop.  A
 *     reaper emptying a dead table keeps the same kind of record in the
 *     slot (reap_rec), so the next reaper finishes it.
 *   - Freeing bumps the generation; a freed index goes to the tail of a FIFO
 *     list and is reused only once HT_REUSE_DELAY others are free (or the
 *     table is full): a stale handle reads as invalid rather than as
 *     someone else's object.
 *   - ht_top, the FIFO and the first level are one table: every index
 *     below ht_top has its chunk published before ht_top passes it, and a
 *     new first level (handle_table_init) comes with top 0 and an empty
 *     FIFO.  A reaper walks every index below the top through the chunks
 *     (handle_table_reap), and the thread-private reserves and rings need
 *     nothing from it: their indices are below the top like any other.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/cell.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/self.h"
#include "core/shm.h"

_Atomic aoff_t *_Atomic ws_ht_l1;
static struct proc_slot *ht_slot; /* this process's */

const struct object_type waitable_any = {.name = "(any waitable)"};

/* Another process may be reading or inserting into a table: everything
 * about a table lives in its process slot, in the arena. */
static _Atomic aoff_t *table_l1(struct proc_slot *s)
{
    return arena_ptr(s->ht_l1);
}

static struct handle_entry *entry_at_in(struct proc_slot *s, uint32_t i)
{
    aoff_t chunk = atomic_load_explicit(&table_l1(s)[i >> HT_L2_BITS],
                                        memory_order_acquire);
    return (struct handle_entry *)arena_ptr(chunk) + (i & (HT_L2 - 1));
}

static void fifo_push_locked(struct proc_slot *s, uint32_t i)
{
    entry_at_in(s, i)->next_free = 0;
    if (s->free_tail)
        entry_at_in(s, s->free_tail - 1)->next_free = i + 1;
    else
        s->free_head = i + 1;
    s->free_tail = i + 1;
    s->free_count++;
}

static uint32_t fifo_pop_locked(struct proc_slot *s)
{
    uint32_t i = s->free_head - 1;
    s->free_head = entry_at_in(s, i)->next_free;
    if (!s->free_head)
        s->free_tail = 0;
    s->free_count--;
    return i;
}

/* ---- intents (see the invariants above) ---- */

/* The word a removed entry gets: the next generation, unused, and in the
 * object bits who emptied it (a thread record's offset, or ~0 for a
 * reaper), so a reaper can tell its own removal from another's. */
#define REMOVER_REAPER 0xffffffffu
static uint64_t he_removed(uint64_t w, uint32_t remover)
{
    return ((uint64_t)((he_gen(w) + 1) & HE_GEN_MASK) << HE_GEN_SHIFT) | remover;
}

static struct handle_intent *my_intent(void)
{
    return &thread_current()->rec->intent;
}

/* The intent, its object written last.  `state`: INSERT, CR_UP_PENDING
 * before the count is taken here, CR_UP_DONE when the caller took it;
 * REMOVE, CR_DOWN_PENDING (the entry's count, to drop). */
static void intent_set(struct handle_intent *in, struct object *o, uint32_t op,
                       struct proc_slot *s, uint32_t index, uint64_t word, uint32_t state)
{
    in->op = op;
    in->slot = s && s != ht_slot ? shm_slot_index(s) + 1 : 0;
    in->slot_gen = s ? atomic_load_explicit(&s->gen, memory_order_relaxed) : 0;
    in->word = word;
    atomic_store_explicit(&in->cr.state, state, memory_order_relaxed);
    atomic_store_explicit(&in->index, index, memory_order_release);
    atomic_store_explicit(&in->cr.obj, arena_off(o), memory_order_release);
}

static void intent_clear(struct handle_intent *in)
{
    atomic_store_explicit(&in->cr.obj, 0, memory_order_release);
}

/* The intent first, not counted, then the count in it (object.c: the
 * count's change and the record of it are one compare-and-swap). */
static void intent_count(struct handle_intent *in, struct object *o,
                         struct proc_slot *s, uint32_t index, uint64_t word)
{
    intent_set(in, o, INTENT_INSERT, s, index, word, CR_UP_PENDING);
    object_handle_open_rec(o, &in->cr);
}

void handle_intent_open(struct object *o)
{
    intent_count(my_intent(), o, NULL, 0, 0);
}

/* A just-made object's first count (object_handle_open_first), then the
 * intent naming it, already counted: killed before the intent, the
 * object leaks as it would have between object_new and any count. */
void handle_intent_open_new(struct object *o)
{
    object_handle_open_first(o);
    intent_set(my_intent(), o, INTENT_INSERT, NULL, 0, 0, CR_UP_DONE);
}

bool handle_intent_try_open(struct object *o)
{
    struct handle_intent *in = my_intent();
    intent_set(in, o, INTENT_INSERT, NULL, 0, 0, CR_UP_PENDING);
    if (object_handle_try_open_rec(o, &in->cr))
        return true;
    intent_clear(in);
    return false;
}

/* The word of entry index - 1 of the table an intent names, if it can be
 * read safely: the dead process's own table (we reap it), or a live
 * table that is still the same one after the read (a table is freed only
 * once its slot has left LIVE, PREPARED and INIT). */
static bool slot_table_live(struct proc_slot *t, uint32_t gen)
{
    uint32_t st = atomic_load_explicit(&t->state, memory_order_acquire);
    return atomic_load_explicit(&t->gen, memory_order_acquire) == gen &&
           (st == SLOT_LIVE || st == SLOT_PREPARED || (st & SLOT_INIT_BY));
}

static bool entry_word_at(struct proc_slot *t, uint32_t i, uint64_t *w)
{
    _Atomic aoff_t *l1 = table_l1(t);
    if (!l1 || i >= HANDLE_MAX ||
        !atomic_load_explicit(&l1[i >> HT_L2_BITS], memory_order_acquire))
        return false;
    *w = atomic_load_explicit(&entry_at_in(t, i)->word, memory_order_acquire);
    return true;
}

static bool intent_entry(struct proc_slot *dead, const struct handle_intent *in,
                         uint64_t *w)
{
    uint32_t index = atomic_load_explicit(&in->index, memory_order_acquire);
    if (!index)
        return false;
    if (!in->slot)
        return entry_word_at(dead, index - 1, w);
    struct proc_slot *t = shm_slot(in->slot - 1);
    return t && slot_table_live(t, in->slot_gen) && entry_word_at(t, index - 1, w) &&
           slot_table_live(t, in->slot_gen);
}

void handle_intent_reap(struct proc_slot *dead, struct shm_thread *r)
{
    struct handle_intent *in = &r->intent;
    count_rec_settle(&r->scratch); /* made or not, no intent to finish... */
    count_rec_finish_last(&r->scratch); /* ...but a last close's name */
    aoff_t off = atomic_load_explicit(&in->cr.obj, memory_order_acquire);
    if (!object_plausible(off)) {
        intent_clear(in);
        return;
    }
    struct object *o = arena_ptr(off);
    uint32_t st = count_rec_settle(&in->cr);
    count_rec_finish_last(&in->cr); /* killed between the last count and its name */
    uint64_t w = 0;
    bool drop;
    if (st == CR_UP_DONE)       /* counted: undo unless the entry holds it */
        drop = in->op == INTENT_INSERT &&
               (!atomic_load_explicit(&in->index, memory_order_acquire) ||
                (intent_entry(dead, in, &w) && w == in->word));
    else if (st == CR_DOWN_PENDING) /* holds a count not yet dropped */
        drop = in->op == INTENT_INSERT ||
               (intent_entry(dead, in, &w) && w == he_removed(in->word, arena_off(r)));
    else                        /* not counted, or dropped */
        drop = false;
    if (drop) {
        /* In the same record: a reaper killed half way is succeeded by
         * one that settles it (CR_DOWN_DONE: nothing left to drop). */
        object_handle_close_rec(o, &in->cr);
        intent_clear(in);
        object_unref(o);
    } else {
        intent_clear(in);
    }
}

/* One index from s's free list or past its top (allocating the chunk);
 * the FIFO is used only once HT_REUSE_DELAY indices wait in it. */
static DWORD index_take_locked(struct proc_slot *s, uint32_t *out)
{
    if (s->free_count > HT_REUSE_DELAY || (s->ht_top == HANDLE_MAX && s->free_count)) {
        *out = fifo_pop_locked(s);
        return ERROR_SUCCESS;
    }
    if (s->ht_top == HANDLE_MAX)
        return ERROR_NO_SYSTEM_RESOURCES;
    uint32_t i = s->ht_top;
    if (!(i & (HT_L2 - 1))) {
        struct handle_entry *chunk = arena_alloc(HT_L2 * sizeof *chunk);
        if (!chunk)
            return ERROR_NOT_ENOUGH_MEMORY;
        atomic_store_explicit(&table_l1(s)[i >> HT_L2_BITS], arena_off(chunk),
                              memory_order_release);
    }
    s->ht_top++;
    *out = i;
    return ERROR_SUCCESS;
}

/* References handed over by other processes' DUPLICATE_CLOSE_SOURCE: our
 * own readers may still use those objects, so they are dropped after one
 * of our grace periods. */
struct remote_unref {
    aoff_t next;
    aoff_t obj;
};

uint64_t handle_layout_mix(uint64_t h)
{
    static const uint32_t v[] = {
        HANDLE_MAX, HT_L2,
        LAYOUT_SIZE(struct handle_entry),
        LAYOUT_FIELD(struct handle_entry, word),
        LAYOUT_FIELD(struct handle_entry, access),
        LAYOUT_FIELD(struct handle_entry, next_free),
        LAYOUT_SIZE(struct remote_unref),
        LAYOUT_FIELD(struct remote_unref, next),
        LAYOUT_FIELD(struct remote_unref, obj),
    };
    return layout_mix(h, v, sizeof v / sizeof *v);
}

static void take_remote_unrefs_locked(struct proc_slot *s)
{
    while (s->remote_defer) {
        struct remote_unref *r = arena_ptr(s->remote_defer);
        __atomic_store_n(&s->remote_defer, r->next, __ATOMIC_RELAXED);
        object_unref_deferred(arena_ptr(r->obj));
        arena_free(r, sizeof *r);
    }
}

/* ---- this process's index allocation ----
 *
 * The FIFO of freed indices (and the fresh indices past ht_top) are shared
 * and guarded by the slot's ht_lock; other processes inserting into our
 * table (handle_insert_into) take single indices there under the lock.
 *
 * Each thread of ours keeps two private lists, so that creating and
 * closing handles takes no lock and touches no entry but the handle's own:
 *   - a reserve of up to HT_BATCH indices taken from the FIFO or past
 *     ht_top, refilled under the lock HT_BATCH at a time;
 *   - a ring of the indices it freed, oldest first (HT_RING of them).  An
 *     index leaves the ring for reuse only while more than HT_REUSE_DELAY
 *     indices freed after it wait behind it, so the ring delays reuse as
 *     the FIFO does (invariant 11); a full ring gives its HT_SPILL oldest
 *     to the FIFO's tail, and a thread's exit gives back both lists.
 * Neither list is shared memory: a dead process's table is emptied whole
 * by its reaper, free indices and all.  When the table is full (every
 * index handed out, the FIFO empty), a thread reuses its own ring's
 * indices at once, as the FIFO then does; the indices other threads hold
 * in their lists (up to HT_BATCH + HT_RING each) are not reachable then. */
#define HT_BATCH 32
#define HT_RING 2048 /* a power of two, > HT_REUSE_DELAY + HT_SPILL */
#define HT_SPILL 512

struct index_batch {
    uint32_t n;
    uint32_t idx[HT_BATCH];
};
struct index_ring {
    uint32_t head, tail; /* free-running; tail - head indices wait */
    uint32_t idx[HT_RING];
};
static __thread struct index_batch ht_reserve;
static __thread struct index_ring *ht_ring; /* malloc()ed at the first close */

static uint32_t ring_take(struct index_ring *r)
{
    return r->idx[r->head++ & (HT_RING - 1)];
}

static void ring_spill_locked(struct index_ring *r, uint32_t n)
{
    while (n-- && r->tail != r->head)
        fifo_push_locked(ht_slot, ring_take(r));
}

/* Other processes' DUPLICATE_CLOSE_SOURCE left references for us (read
 * without the lock first: it is written under it, rarely). */
static bool remote_unrefs_waiting(void)
{
    return __atomic_load_n(&ht_slot->remote_defer, __ATOMIC_RELAXED) != 0;
}

/* Fills this thread's reserve; an error only when nothing could be had. */
static DWORD refill_locked(void)
{
    DWORD err = ERROR_SUCCESS;
    take_remote_unrefs_locked(ht_slot);
    while (ht_reserve.n < HT_BATCH) {
        uint32_t i;
        if ((err = index_take_locked(ht_slot, &i)))
            break;
        ht_reserve.idx[ht_reserve.n++] = i;
    }
    /* A full table: our own freed indices at once, as the FIFO does. */
    struct index_ring *r = ht_ring;
    if (!ht_reserve.n && r && r->tail != r->head)
        ht_reserve.idx[ht_reserve.n++] = ring_take(r);
    return ht_reserve.n ? ERROR_SUCCESS : err;
}

static __attribute__((noinline)) DWORD index_alloc_slow(uint32_t *index)
{
    (void)thread_current(); /* thread exit must return the reserve */
    wordlock_lock(&ht_slot->ht_lock);
    DWORD err = refill_locked();
    wordlock_unlock(&ht_slot->ht_lock);
    if (err)
        return err;
    *index = ht_reserve.idx[--ht_reserve.n];
    return ERROR_SUCCESS;
}

static inline DWORD index_alloc(uint32_t *index)
{
    struct index_ring *r = ht_ring;
    if (WS_LIKELY(r && r->tail - r->head > HT_REUSE_DELAY)) {
        *index = ring_take(r);
        return ERROR_SUCCESS;
    }
    if (WS_UNLIKELY(!ht_reserve.n))
        return index_alloc_slow(index);
    *index = ht_reserve.idx[--ht_reserve.n];
    return ERROR_SUCCESS;
}

/* The ring is full or missing, or references wait: under the lock.  The
 * caller holds its thread record (handle_remove), so its exit gives the
 * ring back. */
static __attribute__((noinline)) void index_free_slow(uint32_t i)
{
    struct index_ring *r = ht_ring;
    if (!r && (r = malloc(sizeof *r))) {
        r->head = r->tail = 0;
        ht_ring = r;
    }
    wordlock_lock(&ht_slot->ht_lock);
    if (!r) {
        fifo_push_locked(ht_slot, i); /* no memory for a ring: the FIFO */
    } else {
        if (r->tail - r->head == HT_RING)
            ring_spill_locked(r, HT_SPILL);
        r->idx[r->tail++ & (HT_RING - 1)] = i;
    }
    take_remote_unrefs_locked(ht_slot);
    wordlock_unlock(&ht_slot->ht_lock);
}

static inline void index_free(uint32_t i)
{
    struct index_ring *r = ht_ring;
    if (WS_UNLIKELY(!r || r->tail - r->head == HT_RING || remote_unrefs_waiting())) {
        index_free_slow(i);
        return;
    }
    r->idx[r->tail++ & (HT_RING - 1)] = i;
}

void handle_thread_exit(void)
{
    if (!ht_slot)
        return;
    struct index_ring *r = ht_ring;
    wordlock_lock(&ht_slot->ht_lock);
    if (r)
        ring_spill_locked(r, HT_RING);
    while (ht_reserve.n)
        fifo_push_locked(ht_slot, ht_reserve.idx[--ht_reserve.n]);
    wordlock_unlock(&ht_slot->ht_lock);
    ht_ring = NULL;
    free(r);
}

/* ---- tables ---- */

/* A new, empty table: its top and free list start over with it.  A slot
 * claimed from FREE was zeroed already, but one taken over in place
 * (shm.c, slot_take_over) still has its dead owner's top and FIFO, which
 * the reaping left behind: a top over a first level without its chunks
 * would send the new owner's next index, and its reaper's walk, to a
 * chunk that does not exist. */
DWORD handle_table_init(struct proc_slot *s)
{
    void *l1 = arena_alloc(HT_L1 * sizeof(aoff_t));
    if (!l1)
        return ERROR_NOT_ENOUGH_MEMORY;
    s->ht_top = 0;
    s->free_head = s->free_tail = s->free_count = 0;
    s->ht_l1 = arena_off(l1);
    return ERROR_SUCCESS;
}

void handle_table_bind(struct proc_slot *s)
{
    ht_slot = s;
    atomic_store_explicit(&ws_ht_l1, table_l1(s), memory_order_release);
}

void handle_atfork_child(void)
{
    ht_reserve.n = 0; /* indices of the parent's table */
    if (ht_ring)
        ht_ring->head = ht_ring->tail = 0;
    ht_slot = NULL;
    atomic_store_explicit(&ws_ht_l1, NULL, memory_order_relaxed);
}

/* The table leaves the slot before its blocks go back, so that a reaper
 * killed half way and resumed by another frees nothing twice. */
void handle_table_free(struct proc_slot *s)
{
    _Atomic aoff_t *l1 = table_l1(s);
    if (!l1)
        return;
    s->ht_l1 = 0;
    for (uint32_t c = 0; c < HT_L1; c++) {
        aoff_t chunk = atomic_load_explicit(&l1[c], memory_order_relaxed);
        if (chunk)
            arena_free(arena_ptr(chunk), HT_L2 * sizeof(struct handle_entry));
    }
    arena_free((void *)l1, HT_L1 * sizeof(aoff_t));
}

/* Empties the table of a dead process: nobody there reads it any more, and
 * other processes read foreign entries with object_ref_live, so the
 * references can go at once. */
void handle_table_reap(struct proc_slot *s)
{
    if (!s->ht_l1)
        return;
    /* An entry a killed reaper emptied without dropping its count (the
     * record was settled before: CR_DOWN_DONE if it was dropped). */
    struct count_rec *rr = &s->reap_rec;
    rr->owner = shm_slot_tag(s);
    struct object *left = arena_ptr(atomic_load_explicit(&rr->obj, memory_order_acquire));
    if (left) {
        uint64_t w = 0;
        uint32_t st = count_rec_settle(rr);
        count_rec_finish_last(rr);
        bool drop = st == CR_DOWN_PENDING && s->reap_index &&
                    entry_word_at(s, s->reap_index - 1, &w) &&
                    w == he_removed(s->reap_word, REMOVER_REAPER);
        if (drop)
            object_handle_close_rec(left, rr);
        atomic_store_explicit(&rr->obj, 0, memory_order_release);
        if (drop)
            object_unref(left);
    }
    for (uint32_t i = 0; i < s->ht_top; i++) {
        struct handle_entry *e = entry_at_in(s, i);
        uint64_t w = atomic_load_explicit(&e->word, memory_order_acquire);
        while (w & HE_USED) {
            s->reap_word = w;
            s->reap_index = i + 1;
            atomic_store_explicit(&rr->state, CR_DOWN_PENDING, memory_order_relaxed);
            atomic_store_explicit(&rr->obj, (aoff_t)(w & HE_OFF_MASK), memory_order_release);
            if (atomic_compare_exchange_weak_explicit(&e->word, &w,
                                                      he_removed(w, REMOVER_REAPER),
                                                      memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        if ((w & HE_USED) && object_plausible((aoff_t)(w & HE_OFF_MASK))) {
            struct object *o = he_object(w);
            object_handle_close_rec(o, rr);
            atomic_store_explicit(&rr->obj, 0, memory_order_release);
            object_unref(o);
        }
        atomic_store_explicit(&rr->obj, 0, memory_order_release);
    }
    while (s->remote_defer) {
        struct remote_unref *r = arena_ptr(s->remote_defer);
        __atomic_store_n(&s->remote_defer, r->next, __ATOMIC_RELAXED);
        object_unref(arena_ptr(r->obj));
        arena_free(r, sizeof *r);
    }
    handle_table_free(s);
}

void handle_table_abandon_owned(struct proc_slot *s, uint32_t tid)
{
    if (!s->ht_l1)
        return;
    for (uint32_t i = 0; i < s->ht_top; i++) {
        uint64_t w = atomic_load_explicit(&entry_at_in(s, i)->word, memory_order_acquire);
        if ((w & HE_USED) && object_plausible((aoff_t)(w & HE_OFF_MASK))) {
            struct object *o = he_object(w);
            const struct object_type *t = object_type_of(o);
            if (t->abandon)
                t->abandon(o, tid, false);
        }
    }
}

uint32_t handle_count_of(struct proc_slot *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->ht_top; i++)
        if (atomic_load_explicit(&entry_at_in(s, i)->word, memory_order_relaxed) & HE_USED)
            n++;
    return n;
}

static void entry_publish(struct handle_entry *e, struct object *o,
                          ACCESS_MASK access, DWORD flags, uint32_t *gen)
{
    uint64_t old = atomic_load_explicit(&e->word, memory_order_relaxed);
    *gen = he_gen(old);
    atomic_store_explicit(&e->access, access, memory_order_relaxed);
    atomic_store_explicit(&e->word,
                          (uint64_t)arena_off(o) | ((uint64_t)*gen << HE_GEN_SHIFT) |
                              HE_USED |
                              ((uint64_t)(flags & HE_FLAGS_VALID) << HE_FLAGS_SHIFT),
                          memory_order_release);
}

DWORD handle_insert_into(struct proc_slot *s, struct object *o,
                         ACCESS_MASK access, DWORD flags, HANDLE *out)
{
    if (s == ht_slot)
        return handle_insert(o, access, flags, out);
    uint32_t i, gen;
    struct handle_intent *in = my_intent();
    intent_set(in, o, INTENT_INSERT, s, 0, 0, CR_UP_DONE); /* now bound for s's table */
    wordlock_lock(&s->ht_lock);
    DWORD err = index_take_locked(s, &i);
    if (!err) {
        struct handle_entry *e = entry_at_in(s, i);
        intent_set(in, o, INTENT_INSERT, s, i + 1,
                   atomic_load_explicit(&e->word, memory_order_relaxed), CR_UP_DONE);
        entry_publish(e, o, access, flags, &gen);
    }
    intent_clear(in); /* on failure the caller drops the count */
    wordlock_unlock(&s->ht_lock);
    ws_tsan_xproc_release(); /* the other process (or its reaper) reads it */
    if (!err)
        *out = handle_value(i, gen);
    return err;
}

DWORD handle_get_from(struct proc_slot *s, HANDLE h, struct object **out,
                      ACCESS_MASK *access, uint32_t *flags)
{
    struct handle_entry *e;
    uint64_t w;
    for (;;) {
        if (!entry_read_in(table_l1(s), h, &e, &w, access))
            return ERROR_INVALID_HANDLE;
        struct object *o = he_object(w);
        if (!object_ref_live(o))
            continue; /* closed under us: read again */
        if (atomic_load_explicit(&e->word, memory_order_acquire) == w) {
            ws_tsan_xproc_acquire(); /* an object another process made */
            *out = o;
            *flags = he_flags(w);
            return ERROR_SUCCESS;
        }
        object_unref(o);
    }
}

DWORD handle_remove_from(struct proc_slot *s, HANDLE h)
{
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access;
    struct remote_unref *r = arena_alloc(sizeof *r);
    if (!r)
        return ERROR_NOT_ENOUGH_MEMORY;
    struct handle_intent *in = my_intent();
    uint32_t i = (uint32_t)(((uintptr_t)h >> 2) - 1) & (HANDLE_MAX - 1);
    do {
        if (!entry_read_in(table_l1(s), h, &e, &w, &access) ||
            (he_flags(w) & HANDLE_FLAG_PROTECT_FROM_CLOSE)) {
            intent_clear(in);
            arena_free(r, sizeof *r);
            return ERROR_INVALID_HANDLE;
        }
        intent_set(in, he_object(w), INTENT_REMOVE, s, i + 1, w, CR_DOWN_PENDING);
    } while (!atomic_compare_exchange_strong_explicit(
        &e->word, &w, he_removed(w, arena_off(thread_current()->rec)),
        memory_order_acq_rel, memory_order_relaxed));
    struct object *o = he_object(w);
    object_handle_close(o);
    r->obj = arena_off(o);
    wordlock_lock(&s->ht_lock);
    fifo_push_locked(s, i);
    r->next = s->remote_defer;
    __atomic_store_n(&s->remote_defer, arena_off(r), __ATOMIC_RELAXED);
    wordlock_unlock(&s->ht_lock);
    ws_tsan_xproc_release(); /* its owner (or reaper) reads the table next */
    return ERROR_SUCCESS;
}

/* The child's table gets every inheritable handle of ours at the same
 * index and generation, so the values are the same; every other index
 * below our top goes to its free list. */
DWORD handle_inherit_into(struct proc_slot *c, const HANDLE *only, size_t n_only,
                          void (*each)(struct object *o, void *ctx), void *ctx)
{
    struct proc_slot *s = ht_slot;
    struct handle_intent *in = my_intent();
    DWORD err = ERROR_SUCCESS;
    wordlock_lock(&s->ht_lock);
    uint32_t top = s->ht_top;
    wordlock_unlock(&s->ht_lock);
    ws_rcu_lock();
    for (uint32_t i = 0; i < top && !err; i += HT_L2) {
        struct handle_entry *chunk = arena_alloc(HT_L2 * sizeof *chunk);
        if (!chunk) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        atomic_store_explicit(&table_l1(c)[i >> HT_L2_BITS], arena_off(chunk),
                              memory_order_release);
    }
    if (!err) {
        c->ht_top = top;
        for (uint32_t i = 0; i < top; i++) {
            struct handle_entry *e = entry_at_in(s, i), *d = entry_at_in(c, i);
            uint64_t w = atomic_load_explicit(&e->word, memory_order_acquire);
            ACCESS_MASK a = atomic_load_explicit(&e->access, memory_order_acquire);
            bool take = (w & HE_USED) && (he_flags(w) & HANDLE_FLAG_INHERIT) &&
                        atomic_load_explicit(&e->word, memory_order_acquire) == w;
            if (take && only) { /* hook for spawn.c: a handle list */
                HANDLE v = handle_value(i, he_gen(w));
                size_t k = 0;
                while (k < n_only && only[k] != v)
                    k++;
                take = k < n_only;
            }
            if (take) {
                struct object *o = he_object(w);
                object_ref(o);
                intent_count(in, o, c, i + 1,
                             atomic_load_explicit(&d->word, memory_order_relaxed));
                atomic_store_explicit(&d->access, a, memory_order_relaxed);
                atomic_store_explicit(&d->word, w, memory_order_release);
                intent_clear(in);
                if (each)
                    each(o, ctx);
            } else {
                atomic_store_explicit(&d->word,
                                      (uint64_t)he_gen(w) << HE_GEN_SHIFT,
                                      memory_order_relaxed);
                fifo_push_locked(c, i);
            }
        }
    }
    ws_rcu_unlock();
    return err;
}

DWORD handle_insert(struct object *o, ACCESS_MASK access, DWORD flags,
                    HANDLE *out)
{
    uint32_t index;
    struct handle_intent *in = my_intent();
    if (atomic_load_explicit(&in->cr.obj, memory_order_relaxed) != arena_off(o))
        intent_set(in, o, INTENT_INSERT, NULL, 0, 0, CR_UP_DONE); /* a caller without one */
    DWORD err = index_alloc(&index);
    if (err) {
        intent_clear(in); /* the caller drops the count */
        return err;
    }
    uint32_t gen;
    /* Our own table: its first level is ws_ht_l1. */
    _Atomic aoff_t *l1 = atomic_load_explicit(&ws_ht_l1, memory_order_relaxed);
    struct handle_entry *e =
        (struct handle_entry *)arena_ptr(atomic_load_explicit(&l1[index >> HT_L2_BITS],
                                                              memory_order_acquire)) +
        (index & (HT_L2 - 1));
    in->word = atomic_load_explicit(&e->word, memory_order_relaxed);
    atomic_store_explicit(&in->index, index + 1, memory_order_release);
    ws_fault(FAULT_INSERT_INDEX);
    entry_publish(e, o, access, flags, &gen);
    ws_fault(FAULT_INSERT_PUBLISHED);
    intent_clear(in);
    *out = handle_value(index, gen);
    return ERROR_SUCCESS;
}

/* Takes h out of the table; the caller then owns its handle count and
 * reference.  `force` ignores HANDLE_FLAG_PROTECT_FROM_CLOSE. */
static DWORD handle_remove_by(struct ws_thread *t, HANDLE h, bool force, struct object **out)
{
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access;
    struct handle_intent *in = &t->rec->intent;
    uint32_t i = (uint32_t)(((uintptr_t)h >> 2) - 1) & (HANDLE_MAX - 1);
    do {
        if (!entry_read(h, &e, &w, &access) ||
            (!force && (he_flags(w) & HANDLE_FLAG_PROTECT_FROM_CLOSE))) {
            intent_clear(in);
            return ERROR_INVALID_HANDLE;
        }
        intent_set(in, he_object(w), INTENT_REMOVE, NULL, i + 1, w, CR_DOWN_PENDING);
    } while (!atomic_compare_exchange_strong_explicit(
        &e->word, &w, he_removed(w, arena_off(t->rec)),
        memory_order_acq_rel, memory_order_relaxed));
    ws_fault(FAULT_CLOSE_REMOVED);
    index_free(i);
    *out = he_object(w);
    return ERROR_SUCCESS;
}

static DWORD handle_remove(HANDLE h, bool force, struct object **out)
{
    return handle_remove_by(thread_current(), h, force, out);
}

/* Does this process's table still hold a handle to o?  (A process's fd
 * of a file object lives as long as the process has handles to it.) */
bool handle_table_refers(struct object *o)
{
    struct proc_slot *s = ht_slot;
    if (!s || !s->ht_l1)
        return false;
    uint32_t top = __atomic_load_n(&s->ht_top, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < top; i++) {
        uint64_t w = atomic_load_explicit(&entry_at_in(s, i)->word, memory_order_acquire);
        if ((w & HE_USED) && he_object(w) == o)
            return true;
    }
    return false;
}

/* After handle_remove_by(t, ...): t's intent names o and its count. */
static void release_removed_by(struct ws_thread *t, struct object *o)
{
    object_handle_close_rec(o, &t->rec->intent.cr);
    const struct object_type *type = object_type_of(o);
    if (type->handle_closed)
        type->handle_closed(o);
    if (WS_UNLIKELY(o->obj_flags & OBJ_GRANTED))
        cell_handle_closed(o);
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
    struct ws_thread *t = thread_current();
    DWORD err = handle_remove_by(t, h, false, &o);
    if (err)
        return ws_bool(err);
    release_removed_by(t, o);
    return TRUE;
}

/* The process slot a DuplicateHandle process argument names.  A process
 * without winshim has no table we could write to: ERROR_NOT_SUPPORTED; one
 * that has ended: ERROR_ACCESS_DENIED (STATUS_PROCESS_IS_TERMINATING). */
static DWORD dup_process(HANDLE process, struct proc_slot **out)
{
    struct object *p = NULL;
    DWORD err;
    if (process == PSEUDO_CURRENT_PROCESS) {
        /* The common case, what the lookup below would find: the
         * process itself, with every right, in its own slot. */
        arena_init();
        struct proc_slot *self = shm_self();
        if (WS_LIKELY(self && self->process_obj)) {
            *out = self;
            return ERROR_SUCCESS;
        }
    }
    ws_rcu_lock();
    err = handle_get(process, ws_hooks.process_type, PROCESS_DUP_HANDLE, &p, NULL);
    if (!err) {
        *out = shm_slot_of_process(p);
        if (*out != shm_self())
            shm_deathwatch_start();
        if (!*out)
            err = st_value(obj_state(p)) ? ERROR_ACCESS_DENIED : ERROR_NOT_SUPPORTED;
    }
    ws_rcu_unlock();
    return err;
}

/* Closes every handle of this process (process exit), as Windows does:
 * the handle counts go now, so names vanish with the process; the
 * references wait in the table's remote list for whoever reaps the slot
 * once the process is gone, because threads of ours may still run (exit()
 * does not stop them) and use the objects. */
void handle_close_all(void)
{
    struct proc_slot *s = ht_slot;
    if (!s)
        return;
    /* Our threads may have ended long ago, the exit being ordered after
     * them only through other processes (an event they set): an ordering
     * TSan cannot see (no-op otherwise). */
    ws_tsan_xproc_acquire();
    for (uint32_t i = 0; i < s->ht_top; i++) {
        struct handle_entry *e = entry_at_in(s, i);
        uint64_t w = atomic_load_explicit(&e->word, memory_order_acquire);
        if (!(w & HE_USED))
            continue;
        struct remote_unref *r = arena_alloc(sizeof *r);
        struct object *o;
        if (!r || handle_remove(handle_value(i, he_gen(w)), true, &o)) {
            if (r)
                arena_free(r, sizeof *r);
            continue;
        }
        object_handle_close(o);
        /* A granted object's file lives outside the arena: its last
         * holder's exit removes it, as CloseHandle would (issue 18, D1b). */
        if (WS_UNLIKELY(o->obj_flags & OBJ_GRANTED))
            cell_handle_closed(o);
        r->obj = arena_off(o);
        wordlock_lock(&s->ht_lock);
        r->next = s->remote_defer;
        __atomic_store_n(&s->remote_defer, arena_off(r), __ATOMIC_RELAXED);
        wordlock_unlock(&s->ht_lock);
    }
}

/* ntdef.h's DUPLICATE_SAME_ATTRIBUTES: copy the source's handle flags. */
#define DUP_SAME_ATTRIBUTES 0x4u

/* The access a duplicate gets: the source's, or the request mapped and
 * masked to the type (ACCESS_SYSTEM_SECURITY needs a privilege we never
 * hold: ERROR_ACCESS_DENIED, as Windows gives for an access of ~0).
 * Rights beyond the source handle's are checked against the object's
 * DACL, as Windows' access check does; only an object granted to other
 * users has a DACL that can refuse this user something (issue 18, D5). */
static DWORD dup_access(const struct object *o, ACCESS_MASK src, DWORD want,
                        DWORD options, ACCESS_MASK *out)
{
    if (options & DUPLICATE_SAME_ACCESS) {
        *out = src;
        return ERROR_SUCCESS;
    }
    if (want & ACCESS_SYSTEM_SECURITY)
        return ERROR_ACCESS_DENIED;
    ACCESS_MASK a = object_map_access(object_type_of(o), want);
    if (WS_UNLIKELY((o->obj_flags & OBJ_GRANTED) && (a & ~src))) {
        ACCESS_MASK extra;
        DWORD err = cell_check_access((struct object *)o, a & ~src, &extra);
        if (err)
            return err;
    }
    *out = a;
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

/* The object a source handle names, with a reference and a handle count;
 * from another process too (its GetCurrentProcess() pseudo-handle is the
 * process itself). */
static DWORD dup_source(struct proc_slot *sp, HANDLE src, struct object **o,
                        ACCESS_MASK *access, uint32_t *flags)
{
    DWORD err;
    *flags = 0;
    if (sp != shm_self()) {
        if (src == PSEUDO_CURRENT_PROCESS) {
            *o = shm_slot_process_ref(sp, SLOT_OWN);
            *access = PROCESS_ALL_ACCESS;
            if (!*o)
                return ERROR_INVALID_HANDLE;
            err = ERROR_SUCCESS;
        } else if (src == PSEUDO_CURRENT_THREAD) {
            return ERROR_NOT_SUPPORTED; /* docs/COMPATIBILITY.md */
        } else {
            err = handle_get_from(sp, src, o, access, flags);
        }
        if (!err) {
            handle_intent_open(*o);
        }
        return err;
    }
    ws_rcu_lock();
    struct handle_entry *e;
    uint64_t w;
    if (WS_LIKELY(entry_read(src, &e, &w, access))) { /* one read: object and flags */
        *o = he_object(w);
        *flags = he_flags(w);
        ws_tsan_xproc_acquire(); /* another process may have put it here */
        err = ERROR_SUCCESS;
    } else {
        err = handle_get(src, NULL, 0, o, access); /* a pseudo-handle, or an error */
    }
    if (!err) {
        object_ref(*o);
        handle_intent_open(*o);
    }
    ws_rcu_unlock();
    return err;
}

static void dup_close_source(struct proc_slot *sp, HANDLE src)
{
    if (sp != shm_self()) {
        handle_remove_from(sp, src);
        return;
    }
    struct object *closed;
    struct ws_thread *t = thread_current();
    if (!handle_remove_by(t, src, false, &closed))
        release_removed_by(t, closed);
}

static DWORD duplicate(HANDLE src_process, HANDLE src, HANDLE dst_process,
                       LPHANDLE dst, DWORD want, BOOL inherit, DWORD options)
{
    struct object *o = NULL;
    struct proc_slot *sp = NULL, *dp = NULL;
    ACCESS_MASK access = 0, granted = 0;
    uint32_t src_flags = 0;
    bool close_src = (options & DUPLICATE_CLOSE_SOURCE) && !is_pseudo(src);
    DWORD err = dup_process(src_process, &sp);
    if (err)
        return err;

    if (close_src && !dst_process)
        goto out; /* the close-only idiom */
    if (dst_process == src_process) /* the common case: one lookup */
        dp = sp;
    else if ((err = dup_process(dst_process, &dp)))
        goto out;
    if (close_src && dst && sp == shm_self() && dp == sp) {
        struct handle_entry *e;
        uint64_t w;
        if (entry_read(src, &e, &w, &access) &&
            !(he_flags(w) & HANDLE_FLAG_PROTECT_FROM_CLOSE)) {
            if (!(err = dup_in_place(src, want, inherit, options, dst)))
                return ERROR_SUCCESS;
            goto out;
        }
    }

    if ((err = dup_source(sp, src, &o, &access, &src_flags)))
        goto out;
    ws_fault(FAULT_DUP_COUNTED);
    if ((err = dup_access(o, access, want, options, &granted))) {
        object_handle_close(o);
        object_unref(o);
        goto out;
    }
    HANDLE h;
    /* hook: a handle crossed processes; kinds backed by a descriptor pass
     * it along (object_type.duplicated; holders.c, inboxes), with a
     * reference of ours, since the new handle may go at once */
    const struct object_type *t = object_type_of(o);
    bool hook = sp != dp && t->duplicated;
    if (hook)
        object_ref(o);
    if ((err = handle_insert_into(dp, o, granted,
                                  dup_flags(options, inherit, src_flags), &h))) {
        object_handle_close(o);
        object_unref(o);
        if (hook)
            object_unref(o);
        goto out;
    }
    if (hook) {
        t->duplicated(o, dp);
        object_unref(o);
    }
    if (dst)
        *dst = h; /* with no lpTargetHandle the duplicate exists unseen */
out:
    /* The source goes even when duplicating failed; a protected source
     * silently stays. */
    if (close_src && sp)
        dup_close_source(sp, src);
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
