/*
 * The handle table's lookup path, inlined into every API entry point
 * (handle.c owns the table and explains it).  Private to lib/.
 */
#ifndef WINSHIM_HANDLE_LOOKUP_H
#define WINSHIM_HANDLE_LOOKUP_H

#include "core/handle.h"
#include "core/self.h"

#define HT_L2_BITS 12
#define HT_L2 (1u << HT_L2_BITS)
#define HT_L1 (HANDLE_MAX / HT_L2)
#define HT_REUSE_DELAY 1024

#define HE_OFF_MASK 0xffffffffull
#define HE_GEN_SHIFT 32
#define HE_GEN_MASK 0xfull
#define HE_USED (1ull << 36)
#define HE_FLAGS_SHIFT 40
#define HE_FLAGS_VALID (HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE)

struct handle_entry {
    _Atomic uint64_t word;
    _Atomic uint32_t access;
    uint32_t next_free; /* index + 1 of the next free entry; under ht_lock */
};

/* This process's first level: chunk offsets, in its process slot. */
extern _Atomic aoff_t *_Atomic ws_ht_l1;



static inline uint32_t he_gen(uint64_t w) { return (uint32_t)(w >> HE_GEN_SHIFT) & HE_GEN_MASK; }
static inline uint32_t he_flags(uint64_t w) { return (uint32_t)(w >> HE_FLAGS_SHIFT) & 0xff; }
static inline uint64_t he_with_flags(uint64_t w, uint64_t flags)
{
    return (w & ~((uint64_t)0xff << HE_FLAGS_SHIFT)) | (flags << HE_FLAGS_SHIFT);
}
static inline struct object *he_object(uint64_t w) { return arena_ptr((aoff_t)(w & HE_OFF_MASK)); }

static inline HANDLE handle_value(uint32_t index, uint32_t gen)
{
    return (HANDLE)(uintptr_t)(((((uintptr_t)gen << 24) | index) + 1) << 2);
}

/* Does entry word w hold a live entry of the generation that decoded
 * handle value v names, with v < 2^28?  One compare: bits 0..4 of
 * w >> 32 are the generation and USED, and v >> 24 must equal the
 * generation with nothing above it. */
static inline __attribute__((always_inline)) bool he_names(uint64_t w, uintptr_t v)
{
    uint64_t genused = (w >> HE_GEN_SHIFT) & (HE_GEN_MASK | (HE_USED >> HE_GEN_SHIFT));
    return (genused ^ (v >> 24)) == (HE_USED >> HE_GEN_SHIFT);
}

/* A consistent snapshot of a live entry of a table; false when h is not
 * one.  The value's range (v < 2^28: values up to 2^30), USED and the generation
 * are one compare: bits 0..4 of word >> 32 are the generation and USED,
 * and v >> 24 must equal the generation with nothing above it.  The
 * chunk and the entry are found from v before that check (the index
 * bits are masked into the table whatever v is), which reads only the
 * table. */
static inline __attribute__((always_inline)) bool entry_read_in(_Atomic aoff_t *l1, HANDLE h,
                       struct handle_entry **pe, uint64_t *pw, ACCESS_MASK *access)
{
    uintptr_t v = ((uintptr_t)h >> 2) - 1; /* 0 wraps around */
    if (WS_UNLIKELY(!l1))
        return false;
    aoff_t chunk = atomic_load_explicit(&l1[(v >> HT_L2_BITS) & (HT_L1 - 1)],
                                        memory_order_acquire);
    if (WS_UNLIKELY(!chunk))
        return false;
    struct handle_entry *e = (struct handle_entry *)arena_ptr(chunk) + (v & (HT_L2 - 1));
    for (;;) {
        uint64_t w = atomic_load_explicit(&e->word, memory_order_acquire);
        if (!he_names(w, v))
            return false;
        ACCESS_MASK a = atomic_load_explicit(&e->access, memory_order_acquire);
        if (WS_LIKELY(atomic_load_explicit(&e->word, memory_order_relaxed) == w)) {
            *pe = e;
            *pw = w;
            *access = a;
            return true;
        }
    }
}

static inline __attribute__((always_inline)) bool entry_read(HANDLE h, struct handle_entry **pe, uint64_t *pw,
                       ACCESS_MASK *access)
{
    return entry_read_in((_Atomic aoff_t *)atomic_load_explicit(&ws_ht_l1, memory_order_relaxed), h, pe, pw, access);
}

/* The gate's common case, for the fast paths of the most frequent calls
 * (inside ws_rcu_lock): the object of a live table entry that grants
 * `need`, or NULL for anything else (a pseudo-handle, an error); the
 * caller then goes through handle_get, which tells them apart.  The
 * caller checks the type. */
static inline __attribute__((always_inline)) struct object *handle_peek(HANDLE h, ACCESS_MASK need)
{
    struct handle_entry *e;
    uint64_t w;
    ACCESS_MASK access;
    if (WS_UNLIKELY(!entry_read(h, &e, &w, &access) || (access & need) != need))
        return NULL;
    ws_tsan_xproc_acquire(); /* another process may have put it here */
    /* A live entry never holds offset 0 (he_object's NULL): saying so
     * lets the caller's test for NULL go with the failures above. */
    struct object *o = he_object(w);
    if (!o)
        __builtin_unreachable();
    return o;
}

static inline __attribute__((always_inline)) DWORD handle_get(HANDLE h, const struct object_type *type, ACCESS_MASK need,
                 struct object **out, ACCESS_MASK *granted)
{
    struct object *o;
    ACCESS_MASK access;
    struct handle_entry *e;
    uint64_t w;
    /* A table entry first: the pseudo-handles never name one
     * (entry_read_in refuses decoded values of 2^28 and more). */
    if (WS_LIKELY(entry_read(h, &e, &w, &access))) {
        o = he_object(w);
        ws_tsan_xproc_acquire(); /* another process may have put it here */
    } else if (h == PSEUDO_CURRENT_PROCESS) {
        o = process_self_object();
        access = PROCESS_ALL_ACCESS;
    } else if (h == PSEUDO_CURRENT_THREAD) {
        o = thread_current()->self;
        access = THREAD_ALL_ACCESS;
    } else {
        return ERROR_INVALID_HANDLE;
    }
    if (type) {
        const struct object_type *t = object_type_of(o);
        if (type == &waitable_any ? !t->signaled : t != type)
            return ERROR_INVALID_HANDLE;
    }
    if (WS_UNLIKELY((access & need) != need))
        return ERROR_ACCESS_DENIED;
    *out = o;
    if (granted)
        *granted = access;
    return ERROR_SUCCESS;
}

/* handle_get, plus a reference that keeps the object past the RCU read
 * section (for calls that may block); the caller drops it with
 * object_unref. */
static inline DWORD handle_ref(HANDLE h, const struct object_type *type, ACCESS_MASK need,
                               struct object **out, ACCESS_MASK *granted)
{
    ws_rcu_lock();
    DWORD err = handle_get(h, type, need, out, granted);
    if (!err)
        object_ref(*out);
    ws_rcu_unlock();
    return err;
}

#endif
