/*
 * Thread-local storage (Tls*) and fiber-local storage (Fls*).
 *
 * Each thread that stores a value gets a struct tls_thread: 64 TLS cells
 * inline (TLS_MINIMUM_AVAILABLE) plus 1024 expansion cells allocated on
 * first use, as Windows has them, and the FLS values in 64 chunks of 64,
 * allocated on first use.  When the thread exits, however it was created,
 * its FLS callbacks run and the struct is freed: from thread.c's teardown,
 * before the thread object is signalled (so a thread that waited for it
 * sees the callbacks done, as on Windows), or from a pthread key of our
 * own for threads winshim has no record of.
 *
 * TLS.  Windows zeroes a slot in every thread when it is freed.  Instead of
 * visiting the threads, every slot has a generation, bumped when it is
 * allocated and when it is freed; a cell holds the generation it was
 * written in and reads as NULL once that is stale.  So TlsGetValue is a few
 * loads, never a lock, and a new index reads NULL in every thread.
 *
 * FLS.  Index 0 is reserved, as on Windows; 1..4079 are handed out.  The
 * threads with an FLS table are on one list, because FlsFree runs the
 * slot's callback for every thread's non-NULL value, in the calling thread
 * (as Wine does).  A value is taken for its callback by one atomic
 * exchange with NULL, by FlsFree or by the exiting thread, so each callback
 * runs exactly once per value.  Callbacks run without the lock held, so
 * they may use FLS themselves.
 *
 * Lock: tls_lock guards the index bitmaps, the FLS callbacks, the thread
 * list and the creation of FLS chunks.  Values themselves are read without
 * it.
 */
#include <errno.h>
#include <pthread.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/self.h"
#include "proc/process.h"

#define TLS_INLINE TLS_MINIMUM_AVAILABLE
#define TLS_EXPANSION 1024
#define TLS_SLOTS (TLS_INLINE + TLS_EXPANSION)
#define FLS_SLOTS 4080 /* Windows 10: FlsAlloc gives 1..4079 (FLS_MAXIMUM_AVAILABLE is older) */
#define FLS_CHUNK 64
#define FLS_CHUNKS ((FLS_SLOTS + FLS_CHUNK - 1) / FLS_CHUNK)
#define FLS_BATCH 64 /* callbacks collected per pass under the lock */

struct tls_cell {
    void *value;
    uint32_t gen; /* tls_gen[index] when value was stored */
};

struct tls_thread {
    struct tls_cell cells[TLS_INLINE];
    struct tls_cell *expansion;       /* TLS_EXPANSION cells, or NULL */
    _Atomic(void *) *fls[FLS_CHUNKS]; /* FLS_CHUNK values each, or NULL */
    struct tls_thread *next, *prev;   /* FLS thread list, under tls_lock */
    bool listed;
};

static struct wordlock tls_lock;
static bool tls_used[TLS_SLOTS];
static _Atomic uint32_t tls_gen[TLS_SLOTS];
static bool fls_used[FLS_SLOTS];
static PFLS_CALLBACK_FUNCTION fls_callback[FLS_SLOTS];
static struct tls_thread *fls_threads;

static pthread_key_t tls_key;
static pthread_once_t tls_key_once = PTHREAD_ONCE_INIT;
static __thread struct tls_thread *tls_self;

struct fls_pending {
    PFLS_CALLBACK_FUNCTION callback;
    void *value;
};

static _Atomic(void *) *fls_cell(struct tls_thread *t, DWORD i)
{
    _Atomic(void *) *chunk = t->fls[i / FLS_CHUNK];
    return chunk ? &chunk[i % FLS_CHUNK] : NULL;
}

static void fls_run(const struct fls_pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i].callback(p[i].value);
}

/* Thread exit: run the callbacks of this thread's values, in index order,
 * then leave the list.  Values FlsFree takes meanwhile are its to run. */
static void fls_thread_exit(struct tls_thread *t)
{
    struct fls_pending batch[FLS_BATCH];
    size_t n;
    DWORD next = 1;
    do {
        n = 0;
        wordlock_lock(&tls_lock);
        for (; next < FLS_SLOTS && n < FLS_BATCH; next++) {
            _Atomic(void *) *cell = fls_cell(t, next);
            if (!cell || !fls_callback[next])
                continue;
            void *v = atomic_exchange_explicit(cell, NULL, memory_order_relaxed);
            if (v)
                batch[n++] = (struct fls_pending){fls_callback[next], v};
        }
        wordlock_unlock(&tls_lock);
        fls_run(batch, n);
    } while (next < FLS_SLOTS);

    wordlock_lock(&tls_lock);
    if (t->listed) {
        if (t->prev)
            t->prev->next = t->next;
        else
            fls_threads = t->next;
        if (t->next)
            t->next->prev = t->prev;
        t->listed = false;
    }
    wordlock_unlock(&tls_lock);
}

static void tls_thread_exit(void *p)
{
    struct tls_thread *t = p;
    fls_thread_exit(t);
    tls_self = NULL;
    for (size_t i = 0; i < FLS_CHUNKS; i++)
        free(t->fls[i]);
    free(t->expansion);
    free(t);
}

void tls_thread_detach(void)
{
    struct tls_thread *t = tls_self;
    if (!t)
        return;
    pthread_setspecific(tls_key, NULL); /* our key destructor: nothing left */
    tls_thread_exit(t);
}

static void tls_make_key(void)
{
    if (pthread_key_create(&tls_key, tls_thread_exit))
        ws_panic("pthread_key_create", EAGAIN);
}

static struct tls_thread *tls_thread_get(void)
{
    if (WS_LIKELY(tls_self))
        return tls_self;
    pthread_once(&tls_key_once, tls_make_key);
    struct tls_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    tls_self = t;
    pthread_setspecific(tls_key, t);
    return t;
}

/* ------------------------------------------------------------------ */
/* TLS                                                                 */

static struct tls_cell *tls_cell_of(struct tls_thread *t, DWORD i)
{
    if (i < TLS_INLINE)
        return &t->cells[i];
    return t->expansion ? &t->expansion[i - TLS_INLINE] : NULL;
}

/* Lowest free index, as Windows hands them out.  ERROR_NO_MORE_ITEMS when
 * all 1088 are taken (as Wine). */
WS_EXPORT DWORD WINAPI TlsAlloc(VOID)
{
    DWORD found = TLS_OUT_OF_INDEXES;
    wordlock_lock(&tls_lock);
    for (DWORD i = 0; i < TLS_SLOTS; i++) {
        if (!tls_used[i]) {
            tls_used[i] = true;
            atomic_fetch_add_explicit(&tls_gen[i], 1, memory_order_relaxed);
            found = i;
            break;
        }
    }
    wordlock_unlock(&tls_lock);
    if (found == TLS_OUT_OF_INDEXES)
        ws_set_last_error(ERROR_NO_MORE_ITEMS);
    return found;
}

WS_EXPORT BOOL WINAPI TlsFree(DWORD i)
{
    DWORD err = ERROR_INVALID_PARAMETER;
    wordlock_lock(&tls_lock);
    if (i < TLS_SLOTS && tls_used[i]) {
        tls_used[i] = false;
        atomic_fetch_add_explicit(&tls_gen[i], 1, memory_order_relaxed);
        err = ERROR_SUCCESS;
    }
    wordlock_unlock(&tls_lock);
    return ws_bool(err);
}

/* Sets the last error to 0 on success, as documented.  Like Windows, it
 * does not check that the index is allocated. */
WS_EXPORT LPVOID WINAPI TlsGetValue(DWORD i)
{
    if (WS_UNLIKELY(i >= TLS_SLOTS)) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    ws_set_last_error(ERROR_SUCCESS);
    struct tls_thread *t = tls_self;
    struct tls_cell *c = t ? tls_cell_of(t, i) : NULL;
    if (!c || c->gen != atomic_load_explicit(&tls_gen[i], memory_order_relaxed))
        return NULL;
    return c->value;
}

WS_EXPORT BOOL WINAPI TlsSetValue(DWORD i, LPVOID value)
{
    if (i >= TLS_SLOTS)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct tls_thread *t = tls_thread_get();
    if (!t)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    if (i >= TLS_INLINE && !t->expansion) {
        t->expansion = calloc(TLS_EXPANSION, sizeof *t->expansion);
        if (!t->expansion)
            return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    }
    struct tls_cell *c = tls_cell_of(t, i);
    c->value = value;
    c->gen = atomic_load_explicit(&tls_gen[i], memory_order_relaxed);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* FLS                                                                 */

static bool fls_index_ok(DWORD i)
{
    return i != 0 && i < FLS_SLOTS;
}

/* Empties slot i in every thread; the values go to `out` (up to max), or
 * are dropped when out is NULL.  Returns how many were collected. */
static size_t fls_take_all_locked(DWORD i, struct fls_pending *out, size_t max)
{
    size_t n = 0;
    for (struct tls_thread *t = fls_threads; t && (!out || n < max); t = t->next) {
        _Atomic(void *) *cell = fls_cell(t, i);
        if (!cell)
            continue;
        void *v = atomic_exchange_explicit(cell, NULL, memory_order_relaxed);
        if (v && out)
            out[n++] = (struct fls_pending){fls_callback[i], v};
    }
    return n;
}

/* ERROR_NOT_ENOUGH_MEMORY when all 4079 are taken, as Wine. */
WS_EXPORT DWORD WINAPI FlsAlloc(PFLS_CALLBACK_FUNCTION callback)
{
    DWORD found = FLS_OUT_OF_INDEXES;
    wordlock_lock(&tls_lock);
    for (DWORD i = 1; i < FLS_SLOTS; i++) {
        if (!fls_used[i]) {
            fls_used[i] = true;
            fls_callback[i] = callback;
            fls_take_all_locked(i, NULL, 0); /* values set while it was free */
            found = i;
            break;
        }
    }
    wordlock_unlock(&tls_lock);
    if (found == FLS_OUT_OF_INDEXES)
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return found;
}

/* Runs the callback, in this thread, for every thread's non-NULL value of
 * the slot (as Wine; check_tls.c test_fls_free_runs_callbacks). */
WS_EXPORT BOOL WINAPI FlsFree(DWORD i)
{
    struct fls_pending batch[FLS_BATCH];
    wordlock_lock(&tls_lock);
    if (!fls_index_ok(i) || !fls_used[i]) {
        wordlock_unlock(&tls_lock);
        return ws_bool(ERROR_INVALID_PARAMETER);
    }
    fls_used[i] = false;
    size_t n;
    if (!fls_callback[i]) {
        fls_take_all_locked(i, NULL, 0);
        wordlock_unlock(&tls_lock);
        return TRUE;
    }
    for (;;) {
        n = fls_take_all_locked(i, batch, FLS_BATCH);
        if (n < FLS_BATCH)
            break;
        wordlock_unlock(&tls_lock);
        fls_run(batch, n);
        wordlock_lock(&tls_lock);
    }
    fls_callback[i] = NULL;
    wordlock_unlock(&tls_lock);
    fls_run(batch, n);
    return TRUE;
}

/* As Windows and Wine: only the range is checked, an index that is not
 * allocated reads NULL with ERROR_SUCCESS. */
WS_EXPORT PVOID WINAPI FlsGetValue(DWORD i)
{
    if (WS_UNLIKELY(!fls_index_ok(i))) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    ws_set_last_error(ERROR_SUCCESS);
    struct tls_thread *t = tls_self;
    _Atomic(void *) *cell = t ? fls_cell(t, i) : NULL;
    return cell ? atomic_load_explicit(cell, memory_order_relaxed) : NULL;
}

static DWORD fls_make_chunk(struct tls_thread *t, DWORD i)
{
    _Atomic(void *) *chunk = calloc(FLS_CHUNK, sizeof *chunk);
    if (!chunk)
        return ERROR_NOT_ENOUGH_MEMORY;
    wordlock_lock(&tls_lock);
    t->fls[i / FLS_CHUNK] = chunk;
    if (!t->listed) {
        t->next = fls_threads;
        t->prev = NULL;
        if (fls_threads)
            fls_threads->prev = t;
        fls_threads = t;
        t->listed = true;
    }
    wordlock_unlock(&tls_lock);
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI FlsSetValue(DWORD i, PVOID value)
{
    if (!fls_index_ok(i))
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct tls_thread *t = tls_thread_get();
    if (!t)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    _Atomic(void *) *cell = fls_cell(t, i);
    if (!cell) {
        DWORD err = fls_make_chunk(t, i);
        if (err)
            return ws_bool(err);
        cell = fls_cell(t, i);
    }
    atomic_store_explicit(cell, value, memory_order_relaxed);
    return TRUE;
}
