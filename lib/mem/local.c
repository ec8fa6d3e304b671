/*
 * Local and global memory: LocalAlloc ... LocalSize and GlobalAlloc ...
 * GlobalSize.  On Win32 the two families are one (GMEM_* and LMEM_* have
 * the same values but for the discardable bit that LocalFlags reports);
 * here too: one implementation, `global` picks the flag spelling.
 *
 * Fixed memory (LMEM_FIXED) is a block of the process heap: the handle is
 * the pointer, so HeapFree(GetProcessHeap(), 0, p) and LocalFree(p) both
 * free it, as on Windows.
 *
 * Moveable memory (LMEM_MOVEABLE) is a handle entry: a 16-byte block of
 * the process heap {magic, flags, lock count, data pointer}; the handle is
 * the address of the data pointer, entry + 8, so that (handle & 15) == 8
 * tells it from a fixed pointer (16-byte aligned) the way Windows and Wine
 * tell them apart.  The data is a process-heap block marked
 * HEAP_BLOCK_LOCALMOVE whose first 16 bytes point back to the entry
 * (LocalHandle).  States of an entry: live with data, or discarded (data
 * NULL: allocated with 0 bytes, or discarded by LocalReAlloc(h, 0,
 * LMEM_MOVEABLE)); a freed entry's magic is cleared before its block is
 * freed.  Data moves only through LocalReAlloc, never by itself, so a
 * pointer from LocalLock stays valid while the object lives; the lock
 * count is kept for LocalFlags/LocalUnlock as Windows keeps it (up to 255,
 * where it saturates).
 *
 * Locking: local_lock guards every entry's fields (lock count, flags,
 * data pointer); the heap guards its own blocks.  Lock order: local_lock,
 * then the heap's lock.
 */
#include <pthread.h>
#include <string.h>

#include "core/error.h"
#include "mem/mem.h"

#define ENTRY_MAGIC 0x4C6D656Du /* "Lmem" */
#define PREFIX 16u              /* moveable data: the entry pointer first */
#define LOCK_MAX 0xFFu

struct mentry {
    uint32_t magic;
    uint16_t flags; /* GMEM_DISCARDABLE */
    uint8_t lock;
    uint8_t pad;
    void *data; /* the caller's bytes (after PREFIX), NULL when discarded */
};

static pthread_mutex_t local_lock = PTHREAD_MUTEX_INITIALIZER;

enum kind { MEM_BAD, MEM_FIXED, MEM_MOVE };

/* What h is: a fixed block, a moveable handle (*e its entry), or neither.
 * Call under local_lock (a moveable entry must not go meanwhile). */
static enum kind mem_kind(HLOCAL h, struct mentry **e)
{
    struct heap *ph = heap_process();
    uintptr_t v = (uintptr_t)h;
    if (!h)
        return MEM_BAD;
    if ((v & 15) == 8) {
        struct mentry *m = (struct mentry *)(v - 8);
        unsigned f = heap_block_flags(ph, m);
        if (!(f & HEAP_BLOCK_VALID) || (f & HEAP_BLOCK_LOCALMOVE) || m->magic != ENTRY_MAGIC)
            return MEM_BAD;
        *e = m;
        return MEM_MOVE;
    }
    unsigned f = heap_block_flags(ph, h);
    if ((f & HEAP_BLOCK_VALID) && !(f & HEAP_BLOCK_LOCALMOVE))
        return MEM_FIXED;
    return MEM_BAD;
}

static unsigned valid_flags(bool global)
{
    return global ? GMEM_VALID_FLAGS : LMEM_VALID_FLAGS;
}

static unsigned discardable_flag(bool global)
{
    return global ? GMEM_DISCARDABLE : LMEM_DISCARDABLE;
}

/* New moveable data of n bytes for entry m (its old data untouched). */
static void *move_data_alloc(struct mentry *m, size_t n, bool zero, DWORD *err)
{
    if (n > (size_t)-1 - PREFIX) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    char *b = heap_alloc(heap_process(), zero ? HEAP_ZERO_MEMORY : 0, n + PREFIX, err);
    if (!b)
        return NULL;
    heap_block_set_flags(b, HEAP_BLOCK_LOCALMOVE);
    memcpy(b, &m, sizeof m);
    return b + PREFIX;
}

static void move_data_free(struct mentry *m)
{
    if (m->data)
        heap_free(heap_process(), 0, (char *)m->data - PREFIX);
    m->data = NULL;
}

static HLOCAL mem_alloc(UINT flags, SIZE_T n, bool global)
{
    if (flags & ~valid_flags(global))
        return ws_null(ERROR_INVALID_PARAMETER);
    struct heap *ph = heap_process();
    DWORD err;
    if (!(flags & LMEM_MOVEABLE)) {
        void *p = heap_alloc(ph, (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, n, &err);
        return p ? p : ws_null(err);
    }
    struct mentry *m = heap_alloc(ph, 0, sizeof *m, &err);
    if (!m)
        return ws_null(err);
    *m = (struct mentry){.magic = ENTRY_MAGIC,
                         .flags = (flags & discardable_flag(global)) ? GMEM_DISCARDABLE : 0};
    /* 0 bytes: a handle to a discarded object, as Windows makes it. */
    if (n && !(m->data = move_data_alloc(m, n, flags & LMEM_ZEROINIT, &err))) {
        m->magic = 0;
        heap_free(ph, 0, m);
        return ws_null(err);
    }
    return (HLOCAL)&m->data;
}

static HLOCAL mem_free(HLOCAL h)
{
    if (!h)
        return NULL;
    struct mentry *m;
    pthread_mutex_lock(&local_lock);
    enum kind k = mem_kind(h, &m);
    if (k == MEM_FIXED) {
        heap_free(heap_process(), 0, h);
    } else if (k == MEM_MOVE) {
        /* A locked object is freed too, as Windows does. */
        move_data_free(m);
        m->magic = 0;
        heap_free(heap_process(), 0, m);
    }
    pthread_mutex_unlock(&local_lock);
    if (k == MEM_BAD) {
        ws_set_last_error(ERROR_INVALID_HANDLE);
        return h;
    }
    return NULL;
}

static LPVOID mem_lock(HLOCAL h)
{
    struct mentry *m;
    void *p = NULL;
    DWORD err = 0;
    pthread_mutex_lock(&local_lock);
    switch (mem_kind(h, &m)) {
    case MEM_FIXED:
        p = h;
        break;
    case MEM_MOVE:
        if (!(p = m->data))
            err = ERROR_DISCARDED;
        else if (m->lock < LOCK_MAX)
            m->lock++;
        break;
    case MEM_BAD:
        err = ERROR_INVALID_HANDLE;
        break;
    }
    pthread_mutex_unlock(&local_lock);
    return err ? ws_null(err) : p;
}

/* LocalUnlock and GlobalUnlock differ on fixed memory only: Windows'
 * GlobalUnlock returns TRUE, LocalUnlock FALSE with ERROR_NOT_LOCKED. */
static BOOL mem_unlock(HLOCAL h, bool global)
{
    struct mentry *m;
    DWORD err = 0;
    BOOL still = FALSE;
    pthread_mutex_lock(&local_lock);
    switch (mem_kind(h, &m)) {
    case MEM_FIXED:
        if (global)
            still = TRUE;
        else
            err = ERROR_NOT_LOCKED;
        break;
    case MEM_MOVE:
        if (m->lock == 0)
            err = ERROR_NOT_LOCKED;
        else if (m->lock == LOCK_MAX) /* saturated: stays locked */
            still = TRUE;
        else
            still = --m->lock > 0;
        break;
    case MEM_BAD:
        err = ERROR_INVALID_HANDLE;
        break;
    }
    pthread_mutex_unlock(&local_lock);
    if (err)
        return ws_bool(err);
    if (!still)
        ws_set_last_error(NO_ERROR); /* unlocked now: FALSE with NO_ERROR */
    return still;
}

static HLOCAL mem_handle(LPCVOID p)
{
    HLOCAL h = NULL;
    struct heap *ph = heap_process();
    pthread_mutex_lock(&local_lock);
    if (p && !((uintptr_t)p % 16)) {
        const char *b = (const char *)p - PREFIX;
        unsigned f = heap_block_flags(ph, b);
        struct mentry *m;
        if ((f & HEAP_BLOCK_VALID) && (f & HEAP_BLOCK_LOCALMOVE)) {
            memcpy(&m, b, sizeof m);
            h = (HLOCAL)&m->data;
        } else if (mem_kind((HLOCAL)p, &m) == MEM_FIXED) {
            h = (HLOCAL)p;
        }
    }
    pthread_mutex_unlock(&local_lock);
    return h ? h : ws_null(ERROR_INVALID_HANDLE);
}

static UINT mem_flags(HLOCAL h, bool global)
{
    struct mentry *m;
    UINT f = 0;
    pthread_mutex_lock(&local_lock);
    enum kind k = mem_kind(h, &m);
    if (k == MEM_MOVE) {
        f = m->lock;
        if (m->flags & GMEM_DISCARDABLE)
            f |= discardable_flag(global);
        if (!m->data)
            f |= GMEM_DISCARDED;
    }
    pthread_mutex_unlock(&local_lock);
    if (k == MEM_BAD) {
        ws_set_last_error(ERROR_INVALID_HANDLE);
        return global ? GMEM_INVALID_HANDLE : LMEM_INVALID_HANDLE;
    }
    return f;
}

static SIZE_T mem_size(HLOCAL h)
{
    struct mentry *m;
    SIZE_T n = 0;
    pthread_mutex_lock(&local_lock);
    enum kind k = mem_kind(h, &m);
    if (k == MEM_FIXED)
        n = heap_size(heap_process(), 0, h);
    else if (k == MEM_MOVE && m->data)
        n = heap_size(heap_process(), 0, (char *)m->data - PREFIX) - PREFIX;
    pthread_mutex_unlock(&local_lock);
    if (k == MEM_BAD)
        ws_set_last_error(ERROR_INVALID_HANDLE);
    return n; /* a discarded object: 0, last error untouched */
}

static HLOCAL mem_realloc(HLOCAL h, SIZE_T n, UINT flags, bool global)
{
    struct mentry *m;
    struct heap *ph = heap_process();
    HLOCAL out = NULL;
    DWORD err = 0;
    bool zero = flags & LMEM_ZEROINIT;
    pthread_mutex_lock(&local_lock);
    enum kind k = mem_kind(h, &m);
    if (k == MEM_BAD) {
        err = ERROR_INVALID_HANDLE;
    } else if (flags & LMEM_MODIFY) {
        /* Attributes only: the discardable bit of a moveable object is set
         * (Wine keeps it once set; Windows documents no way back).  A fixed
         * object stays fixed. */
        if (k == MEM_MOVE && (flags & discardable_flag(global)))
            m->flags |= GMEM_DISCARDABLE;
        out = h;
    } else if (k == MEM_FIXED) {
        /* Fixed memory moves only when LMEM_MOVEABLE allows it. */
        DWORD hf = (zero ? HEAP_ZERO_MEMORY : 0) |
                   ((flags & LMEM_MOVEABLE) ? 0 : HEAP_REALLOC_IN_PLACE_ONLY);
        out = heap_realloc(ph, hf, h, n, &err);
    } else if (n == 0 && (flags & LMEM_MOVEABLE)) {
        /* Discard: the handle stays, the data goes; not while locked. */
        if (m->lock)
            err = ERROR_INVALID_PARAMETER;
        else
            move_data_free(m);
        out = err ? NULL : h;
    } else if (!m->data) {
        if ((m->data = move_data_alloc(m, n, zero, &err)))
            out = h;
    } else {
        /* A locked object moves only with LMEM_MOVEABLE. */
        DWORD hf = (zero ? HEAP_ZERO_MEMORY : 0) |
                   ((m->lock && !(flags & LMEM_MOVEABLE)) ? HEAP_REALLOC_IN_PLACE_ONLY : 0);
        char *b = heap_realloc(ph, hf, (char *)m->data - PREFIX, n + PREFIX, &err);
        if (b) {
            m->data = b + PREFIX;
            out = h;
        }
    }
    pthread_mutex_unlock(&local_lock);
    return err ? ws_null(err) : out;
}

/* ---- the two families ---- */

WS_EXPORT HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
    return mem_alloc(uFlags, uBytes, false);
}

WS_EXPORT HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags)
{
    return mem_realloc(hMem, uBytes, uFlags, false);
}

WS_EXPORT HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
    return mem_free(hMem);
}

WS_EXPORT LPVOID WINAPI LocalLock(HLOCAL hMem)
{
    return mem_lock(hMem);
}

WS_EXPORT BOOL WINAPI LocalUnlock(HLOCAL hMem)
{
    return mem_unlock(hMem, false);
}

WS_EXPORT HLOCAL WINAPI LocalHandle(LPCVOID pMem)
{
    return mem_handle(pMem);
}

WS_EXPORT UINT WINAPI LocalFlags(HLOCAL hMem)
{
    return mem_flags(hMem, false);
}

WS_EXPORT SIZE_T WINAPI LocalSize(HLOCAL hMem)
{
    return mem_size(hMem);
}

WS_EXPORT HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes)
{
    return mem_alloc(uFlags, dwBytes, true);
}

WS_EXPORT HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags)
{
    return mem_realloc(hMem, dwBytes, uFlags, true);
}

WS_EXPORT HGLOBAL WINAPI GlobalFree(HGLOBAL hMem)
{
    return mem_free(hMem);
}

WS_EXPORT LPVOID WINAPI GlobalLock(HGLOBAL hMem)
{
    return mem_lock(hMem);
}

WS_EXPORT BOOL WINAPI GlobalUnlock(HGLOBAL hMem)
{
    return mem_unlock(hMem, true);
}

WS_EXPORT HGLOBAL WINAPI GlobalHandle(LPCVOID pMem)
{
    return mem_handle(pMem);
}

WS_EXPORT UINT WINAPI GlobalFlags(HGLOBAL hMem)
{
    return mem_flags(hMem, true);
}

WS_EXPORT SIZE_T WINAPI GlobalSize(HGLOBAL hMem)
{
    return mem_size(hMem);
}
