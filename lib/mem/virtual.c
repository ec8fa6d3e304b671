/*
 * Virtual memory: VirtualAlloc(Ex), VirtualFree(Ex), VirtualProtect(Ex),
 * VirtualQuery(Ex), VirtualLock/Unlock, FlushInstructionCache,
 * GetLargePageMinimum.
 *
 * A reservation (VirtualAlloc with MEM_RESERVE) is one anonymous private
 * mapping, PROT_NONE and MAP_NORESERVE, starting on a 64 KiB boundary
 * (SYSTEM_INFO.dwAllocationGranularity) and spanning whole 64 KiB units, so
 * that no other mapping lands in its last unit, as on Windows.  Committing
 * a run of reserved pages maps fresh anonymous pages over it (zero-filled,
 * counted against the commit limit like Windows' commit charge); a
 * committed page changes protection with mprotect; decommitting maps
 * PROT_NONE MAP_NORESERVE pages over it again (the memory goes back, the
 * next commit reads zeros); releasing unmaps the whole span.
 *
 * The record of reservations: `regs`, an array sorted by base, under
 * vm_lock, one entry per reservation with a state word per page.
 * Invariants (under vm_lock):
 *   1. regs[i].base < regs[i + 1].base, and spans never overlap;
 *   2. base is 64 KiB aligned; size is the reserved bytes (a page
 *      multiple); the span, size rounded up to 64 KiB, is mapped by us and
 *      nobody else;
 *   3. page[k] is 0 for a reserved page, else PG_COMMIT | its Windows
 *      protection (PAGE_* with PAGE_GUARD / PAGE_NOCACHE /
 *      PAGE_WRITECOMBINE) | PG_LOCKED when VirtualLock holds it; the
 *      Linux protection of page k always matches page[k];
 *   4. memory outside `regs` is never changed by the functions here but
 *      through VirtualProtect / VirtualLock, which act on it as Linux has it.
 *
 * VirtualQuery answers from the record for reservations and from
 * /proc/self/maps for everything else: pages of executable files and the
 * libraries (MEM_IMAGE: a file of which some mapping is executable; its
 * AllocationBase is the mapping at file offset 0), views of mapping.c and
 * other file mappings (MEM_MAPPED: a memfd or a file; its AllocationBase
 * is the Linux mapping, which is the view), anonymous memory (the
 * stacks, malloc, heaps of heap.c: MEM_PRIVATE; PROT_NONE anonymous memory
 * is reserved, not committed), and gaps (MEM_FREE).
 *
 * PAGE_GUARD: no SEH here.  A guard page is PROT_NONE; touching it raises
 * SIGSEGV (Windows raises STATUS_GUARD_PAGE_VIOLATION once and clears the
 * guard); VirtualQuery reports PAGE_GUARD with the base protection, and
 * VirtualProtect replaces it.  PAGE_NOCACHE and PAGE_WRITECOMBINE are
 * recorded and reported but do not change caching (user pages are always
 * cached on Linux).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "core/handle_lookup.h"
#include "core/hooks.h"
#include "mem/mem.h"

#define GRANULE ((uintptr_t)0x10000)
#define PG_COMMIT 0x40000000u
#define PG_LOCKED 0x80000000u
#define PG_PROTECT 0x0000FFFFu
/* The highest address a program may use (lpMaximumApplicationAddress): the
 * top of x86-64 user space less the last 64 KiB, as Windows x64 reports
 * 0x7FFFFFFEFFFF for its own 128 TiB. */
#define MAX_APP_ADDR ((uintptr_t)0x7FFFFFFEFFFFull)
#define MIN_APP_ADDR ((uintptr_t)0x10000)

struct region {
    char *base;
    size_t size;            /* reserved bytes, a page multiple */
    DWORD alloc_protect;    /* flProtect of the reservation */
    uint32_t *page;         /* one state word per page (invariant 3) */
};

static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct region *regs;
static size_t nregs, regs_cap;

static size_t page_size(void)
{
    return (size_t)getpagesize(); /* glibc keeps it: no system call */
}

static uintptr_t page_down(uintptr_t a)
{
    return a & ~(uintptr_t)(page_size() - 1);
}

static uintptr_t page_up(uintptr_t a)
{
    return (a + page_size() - 1) & ~(uintptr_t)(page_size() - 1);
}

static size_t span_of(const struct region *r)
{
    return (r->size + GRANULE - 1) & ~(GRANULE - 1);
}

/* ---- protections ---- */

/* A valid protection for private memory: one base value, at most one of
 * PAGE_NOCACHE / PAGE_WRITECOMBINE, PAGE_GUARD; no modifier on
 * PAGE_NOACCESS.  The copy-on-write values are for views only. */
static bool protect_valid(DWORD p)
{
    DWORD base = p & 0xFF, mods = p & ~(DWORD)0xFF;
    if (mods & ~(DWORD)(PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE))
        return false;
    if ((mods & PAGE_NOCACHE) && (mods & PAGE_WRITECOMBINE))
        return false;
    switch (base) {
    case PAGE_NOACCESS:
        return mods == 0;
    case PAGE_READONLY:
    case PAGE_READWRITE:
    case PAGE_EXECUTE:
    case PAGE_EXECUTE_READ:
    case PAGE_EXECUTE_READWRITE:
        return true;
    default:
        return false;
    }
}

static int prot_of(DWORD p)
{
    if (p & PAGE_GUARD)
        return PROT_NONE;
    switch (p & 0xFF) {
    case PAGE_READONLY:
        return PROT_READ;
    case PAGE_READWRITE:
    case PAGE_WRITECOPY:
        return PROT_READ | PROT_WRITE;
    case PAGE_EXECUTE:
        return PROT_EXEC;
    case PAGE_EXECUTE_READ:
        return PROT_READ | PROT_EXEC;
    case PAGE_EXECUTE_READWRITE:
    case PAGE_EXECUTE_WRITECOPY:
        return PROT_READ | PROT_WRITE | PROT_EXEC;
    default:
        return PROT_NONE;
    }
}

static DWORD protect_of_perms(const char *perms)
{
    bool r = perms[0] == 'r', w = perms[1] == 'w', x = perms[2] == 'x';
    if (x)
        return w ? PAGE_EXECUTE_READWRITE : r ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
    return w ? PAGE_READWRITE : r ? PAGE_READONLY : PAGE_NOACCESS;
}

/* ---- the record ---- */

/* The reservation whose span holds a, or NULL; under vm_lock. */
static struct region *region_at(uintptr_t a)
{
    size_t lo = 0, hi = nregs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uintptr_t b = (uintptr_t)regs[mid].base;
        if (a < b)
            hi = mid;
        else if (a >= b + span_of(&regs[mid]))
            lo = mid + 1;
        else
            return &regs[mid];
    }
    return NULL;
}

static DWORD region_insert(char *base, size_t size, DWORD protect)
{
    uint32_t *page = calloc(size / page_size(), sizeof *page);
    if (!page)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (nregs == regs_cap) {
        size_t cap = regs_cap ? regs_cap * 2 : 32;
        struct region *n = realloc(regs, cap * sizeof *n);
        if (!n) {
            free(page);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        regs = n;
        regs_cap = cap;
    }
    size_t i = 0;
    while (i < nregs && regs[i].base < base)
        i++;
    memmove(&regs[i + 1], &regs[i], (nregs - i) * sizeof *regs);
    regs[i] = (struct region){.base = base, .size = size, .alloc_protect = protect, .page = page};
    nregs++;
    return 0;
}

static void region_remove(struct region *r)
{
    free(r->page);
    size_t i = (size_t)(r - regs);
    memmove(&regs[i], &regs[i + 1], (nregs - i - 1) * sizeof *regs);
    nregs--;
}

/* [a, b) inside r's reserved pages? */
static bool region_covers(const struct region *r, uintptr_t a, uintptr_t b)
{
    return a >= (uintptr_t)r->base && b <= (uintptr_t)r->base + r->size && a < b;
}

static size_t page_index(const struct region *r, uintptr_t a)
{
    return (a - (uintptr_t)r->base) / page_size();
}

/* ---- reserve, commit, decommit ---- */

/* A 64 KiB-aligned span of len bytes at `want` (0: anywhere), PROT_NONE. */
static DWORD span_map(uintptr_t want, size_t len, char **out)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    if (want) {
        char *p = mmap((void *)want, len, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED)
            return errno == EEXIST ? ERROR_INVALID_ADDRESS : ERROR_NOT_ENOUGH_MEMORY;
        if ((uintptr_t)p != want) { /* a kernel without MAP_FIXED_NOREPLACE */
            munmap(p, len);
            return ERROR_INVALID_ADDRESS;
        }
        *out = p;
        return 0;
    }
    /* Linux places mappings top-down already, which is MEM_TOP_DOWN's
     * order; bottom-up placement is not offered. */
    size_t over = len + GRANULE;
    if (over < len)
        return ERROR_NOT_ENOUGH_MEMORY;
    char *p = mmap(NULL, over, PROT_NONE, flags, -1, 0);
    if (p == MAP_FAILED)
        return ERROR_NOT_ENOUGH_MEMORY;
    char *a = (char *)(((uintptr_t)p + GRANULE - 1) & ~(GRANULE - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (a + len < p + over)
        munmap(a + len, (size_t)(p + over - (a + len)));
    *out = a;
    return 0;
}

/* Pages [a, b) of r to `protect`, committing those that were reserved. */
static DWORD region_commit(struct region *r, uintptr_t a, uintptr_t b, DWORD protect)
{
    size_t ps = page_size();
    int prot = prot_of(protect);
    for (uintptr_t p = a; p < b;) {
        size_t k = page_index(r, p);
        bool was = r->page[k] & PG_COMMIT;
        uintptr_t q = p + ps;
        while (q < b && ((r->page[page_index(r, q)] & PG_COMMIT) != 0) == was)
            q += ps;
        if (was) {
            if (mprotect((void *)p, q - p, prot))
                return ws_errno_to_win32(errno);
        } else if (mmap((void *)p, q - p, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
                   MAP_FAILED) {
            return ERROR_NOT_ENOUGH_MEMORY; /* over the commit limit */
        }
        for (; p < q; p += ps) {
            uint32_t *w = &r->page[page_index(r, p)];
            *w = PG_COMMIT | protect | (was ? (*w & PG_LOCKED) : 0);
        }
    }
    return 0;
}

static void region_decommit(struct region *r, uintptr_t a, uintptr_t b)
{
    if (mmap((void *)a, b - a, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
             -1, 0) == MAP_FAILED)
        ws_panic("decommit", errno); /* replacing our own mapping cannot fail */
    for (uintptr_t p = a; p < b; p += page_size())
        r->page[page_index(r, p)] = 0;
}

/* ---- the process argument of the *Ex functions ---- */

/* 0 when h is this process with `need`; ERROR_INVALID_HANDLE,
 * ERROR_ACCESS_DENIED, or ERROR_NOT_SUPPORTED for another process (Linux
 * cannot map or change memory in another process). */
static DWORD self_process(HANDLE h, ACCESS_MASK need)
{
    struct object *o = NULL;
    ws_rcu_lock();
    DWORD err = handle_get(h, ws_hooks.process_type, need, &o, NULL);
    bool self = !err && o == process_self_object(); /* one object per process */
    ws_rcu_unlock();
    if (err)
        return err;
    return self ? 0 : ERROR_NOT_SUPPORTED;
}

/* ---- VirtualAlloc ---- */

#define MEM_ALLOC_VALID                                                                   \
    (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO | MEM_TOP_DOWN | MEM_WRITE_WATCH | \
     MEM_PHYSICAL | MEM_LARGE_PAGES)

static DWORD vm_reset(uintptr_t a, uintptr_t b)
{
    struct region *r = region_at(a);
    if (!r || !region_covers(r, a, b))
        return ERROR_INVALID_ADDRESS;
    /* The contents may be discarded, as MEM_RESET allows: pages that
     * are committed become lazily freeable; reserved ones stay as they are. */
    for (uintptr_t p = a; p < b; p += page_size())
        if ((r->page[page_index(r, p)] & PG_COMMIT) &&
            prot_of(r->page[page_index(r, p)] & PG_PROTECT) & PROT_WRITE)
            madvise((void *)p, page_size(), MADV_FREE);
    return 0;
}

static DWORD vm_alloc(uintptr_t addr, size_t size, DWORD type, DWORD protect, void **out)
{
    if (size == 0 || (type & ~(DWORD)MEM_ALLOC_VALID))
        return ERROR_INVALID_PARAMETER;
    if (addr > MAX_APP_ADDR || size > MAX_APP_ADDR || addr + size > MAX_APP_ADDR + 1)
        return ERROR_INVALID_PARAMETER;
    if (type & (MEM_RESET | MEM_RESET_UNDO)) {
        /* Each only alone; the protection is not looked at. */
        if (type != MEM_RESET && type != MEM_RESET_UNDO)
            return ERROR_INVALID_PARAMETER;
        uintptr_t a = page_down(addr), b = page_up(addr + size);
        if (!addr)
            return ERROR_INVALID_ADDRESS;
        DWORD err;
        pthread_mutex_lock(&vm_lock);
        if (type == MEM_RESET) {
            err = vm_reset(a, b);
        } else {
            /* Whether MADV_FREE already dropped a page cannot be known. */
            struct region *r = region_at(a);
            err = (!r || !region_covers(r, a, b)) ? ERROR_INVALID_ADDRESS : ERROR_NOT_SUPPORTED;
        }
        pthread_mutex_unlock(&vm_lock);
        *out = (void *)a;
        return err;
    }
    if (!(type & (MEM_COMMIT | MEM_RESERVE)))
        return ERROR_INVALID_PARAMETER;
    if (!protect_valid(protect))
        return ERROR_INVALID_PARAMETER;
    if (type & MEM_LARGE_PAGES)
        return ERROR_PRIVILEGE_NOT_HELD; /* SeLockMemoryPrivilege: no one has it */
    if (type & (MEM_WRITE_WATCH | MEM_PHYSICAL))
        return ERROR_NOT_SUPPORTED;
    /* MEM_COMMIT without an address reserves too, as on Windows. */
    bool reserve = (type & MEM_RESERVE) || !addr;
    DWORD err = 0;
    pthread_mutex_lock(&vm_lock);
    if (reserve) {
        uintptr_t a = addr & ~(GRANULE - 1);
        size_t len = page_up(addr + size) - a;
        size_t span = (len + GRANULE - 1) & ~(GRANULE - 1);
        char *base = NULL;
        if (a && region_at(a))
            err = ERROR_INVALID_ADDRESS;
        else if (!(err = span_map(a, span, &base)) &&
                 (err = region_insert(base, len, protect)))
            munmap(base, span);
        if (!err && (type & MEM_COMMIT)) {
            struct region *r = region_at((uintptr_t)base);
            if ((err = region_commit(r, (uintptr_t)base, (uintptr_t)base + len, protect))) {
                region_remove(r);
                munmap(base, span);
            }
        }
        *out = base;
    } else {
        uintptr_t a = page_down(addr), b = page_up(addr + size);
        struct region *r = region_at(a);
        if (!r || !region_covers(r, a, b))
            err = ERROR_INVALID_ADDRESS;
        else
            err = region_commit(r, a, b, protect);
        *out = (void *)a;
    }
    pthread_mutex_unlock(&vm_lock);
    return err;
}

WS_EXPORT LPVOID WINAPI VirtualAlloc(LPVOID addr, SIZE_T size, DWORD type, DWORD protect)
{
    void *p = NULL;
    DWORD err = vm_alloc((uintptr_t)addr, size, type, protect, &p);
    return err ? ws_null(err) : p;
}

WS_EXPORT LPVOID WINAPI VirtualAllocEx(HANDLE process, LPVOID addr, SIZE_T size, DWORD type,
                                       DWORD protect)
{
    DWORD err = self_process(process, PROCESS_VM_OPERATION);
    return err ? ws_null(err) : VirtualAlloc(addr, size, type, protect);
}

/* ---- VirtualFree ---- */

static DWORD vm_free(uintptr_t addr, size_t size, DWORD type)
{
    if (type != MEM_RELEASE && type != MEM_DECOMMIT)
        return ERROR_INVALID_PARAMETER;
    if (type == MEM_RELEASE && size)
        return ERROR_INVALID_PARAMETER;
    DWORD err = 0;
    pthread_mutex_lock(&vm_lock);
    struct region *r = region_at(addr);
    if (!r || addr >= (uintptr_t)r->base + r->size) {
        err = ERROR_INVALID_ADDRESS;
    } else if (type == MEM_RELEASE) {
        if (addr != (uintptr_t)r->base) {
            err = ERROR_INVALID_ADDRESS;
        } else {
            munmap(r->base, span_of(r));
            region_remove(r);
        }
    } else if (size == 0) {
        /* The whole reservation, given by its base. */
        if (addr != (uintptr_t)r->base)
            err = ERROR_INVALID_ADDRESS;
        else
            region_decommit(r, addr, addr + r->size);
    } else {
        uintptr_t a = page_down(addr), b = page_up(addr + size);
        if (b < a || !region_covers(r, a, b))
            err = ERROR_INVALID_PARAMETER; /* past the reservation, as Wine */
        else
            region_decommit(r, a, b);
    }
    pthread_mutex_unlock(&vm_lock);
    return err;
}

WS_EXPORT BOOL WINAPI VirtualFree(LPVOID addr, SIZE_T size, DWORD type)
{
    DWORD err = vm_free((uintptr_t)addr, size, type);
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT BOOL WINAPI VirtualFreeEx(HANDLE process, LPVOID addr, SIZE_T size, DWORD type)
{
    DWORD err = self_process(process, PROCESS_VM_OPERATION);
    return err ? ws_bool(err) : VirtualFree(addr, size, type);
}

/* ---- /proc/self/maps ---- */

struct vma {
    uintptr_t start, end;
    char perms[5];
    unsigned long long offset, inode;
    char path[256];
};

static bool vma_parse(const char *line, struct vma *v)
{
    unsigned long s, e;
    int n = 0;
    v->path[0] = 0;
    if (sscanf(line, "%lx-%lx %4s %llx %*s %llu %n", &s, &e, v->perms, &v->offset, &v->inode, &n) <
        5)
        return false;
    v->start = s;
    v->end = e;
    const char *p = line + n;
    size_t len = strcspn(p, "\n");
    if (len >= sizeof v->path)
        len = sizeof v->path - 1;
    memcpy(v->path, p, len);
    v->path[len] = 0;
    return true;
}

/* Is some mapping of this inode executable (an image)?  Its mapping at
 * file offset 0 is the image's base. */
static bool image_base(FILE *f, unsigned long long inode, const char *path, uintptr_t *base)
{
    char line[512];
    struct vma v;
    bool exec = false;
    *base = 0;
    rewind(f);
    while (fgets(line, sizeof line, f))
        if (vma_parse(line, &v) && v.inode == inode && !strcmp(v.path, path)) {
            if (v.offset == 0 && !*base)
                *base = v.start;
            exec |= v.perms[2] == 'x';
        }
    return exec;
}

static bool vma_same(const struct vma *a, const struct vma *b)
{
    return a->end == b->start && !strcmp(a->perms, b->perms) && a->inode == b->inode &&
           !strcmp(a->path, b->path);
}

/* Memory outside the reservations, as Linux has it. */
static DWORD query_maps(uintptr_t a, MEMORY_BASIC_INFORMATION *m)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return ws_errno_to_win32(errno);
    char line[512];
    struct vma v, next;
    bool found = false;
    uintptr_t gap_end = MAX_APP_ADDR + 1;
    while (fgets(line, sizeof line, f)) {
        if (!vma_parse(line, &v))
            continue;
        if (v.end <= a)
            continue;
        if (v.start > a) {
            gap_end = v.start;
            break;
        }
        found = true;
        break;
    }
    memset(m, 0, sizeof *m);
    m->BaseAddress = (void *)a;
    if (!found) {
        fclose(f);
        m->State = MEM_FREE;
        m->Protect = PAGE_NOACCESS;
        m->RegionSize = (gap_end > MAX_APP_ADDR ? MAX_APP_ADDR + 1 : gap_end) - a;
        return 0;
    }
    /* The run of mappings from v with the same attributes. */
    uintptr_t end = v.end;
    struct vma last = v;
    while (fgets(line, sizeof line, f))
        if (vma_parse(line, &next) && vma_same(&last, &next)) {
            end = next.end;
            last = next;
        } else {
            break;
        }
    m->Protect = protect_of_perms(v.perms);
    m->State = MEM_COMMIT;
    if (v.inode && v.path[0] == '/') {
        /* A file: an image when some mapping of it is executable, else a
         * view (MapViewOfFile's memfd or file, another mmap of a file),
         * whose mapping is its allocation. */
        uintptr_t base;
        bool image = image_base(f, v.inode, v.path, &base);
        m->Type = image ? MEM_IMAGE : MEM_MAPPED;
        m->AllocationBase = (void *)(image && base ? base : v.start);
    } else {
        m->Type = MEM_PRIVATE;
        m->AllocationBase = (void *)v.start;
        if (m->Protect == PAGE_NOACCESS) { /* reserved by someone (a guard, an arena) */
            m->State = MEM_RESERVE;
            m->Protect = 0;
        }
    }
    m->AllocationProtect = m->Protect ? m->Protect : PAGE_NOACCESS;
    m->RegionSize = end - a;
    fclose(f);
    return 0;
}

/* ---- VirtualQuery ---- */

static void query_region(const struct region *r, uintptr_t a, MEMORY_BASIC_INFORMATION *m)
{
    memset(m, 0, sizeof *m);
    m->BaseAddress = (void *)a;
    uintptr_t end = (uintptr_t)r->base + r->size;
    if (a >= end) { /* the unusable rest of the last 64 KiB unit */
        m->State = MEM_FREE;
        m->Protect = PAGE_NOACCESS;
        m->RegionSize = (uintptr_t)r->base + span_of(r) - a;
        return;
    }
    uint32_t w = r->page[page_index(r, a)] & ~PG_LOCKED;
    uintptr_t q = a + page_size();
    while (q < end && (r->page[page_index(r, q)] & ~PG_LOCKED) == w)
        q += page_size();
    m->AllocationBase = r->base;
    m->AllocationProtect = r->alloc_protect;
    m->RegionSize = q - a;
    m->State = (w & PG_COMMIT) ? MEM_COMMIT : MEM_RESERVE;
    m->Protect = w & PG_PROTECT;
    m->Type = MEM_PRIVATE;
}

static SIZE_T vm_query(const void *addr, PMEMORY_BASIC_INFORMATION m, SIZE_T len)
{
    if (len < sizeof *m)
        return ws_set_last_error(ERROR_BAD_LENGTH), 0;
    uintptr_t a = page_down((uintptr_t)addr);
    if (a > MAX_APP_ADDR)
        return ws_set_last_error(ERROR_INVALID_PARAMETER), 0;
    if (!m)
        return ws_set_last_error(ERROR_NOACCESS), 0;
    pthread_mutex_lock(&vm_lock);
    struct region *r = region_at(a);
    if (r)
        query_region(r, a, m);
    pthread_mutex_unlock(&vm_lock);
    if (!r) {
        DWORD err = query_maps(a, m);
        if (err)
            return ws_set_last_error(err), 0;
        /* A gap ends at the next reservation too (it is in the maps). */
    }
    return sizeof *m;
}

WS_EXPORT SIZE_T WINAPI VirtualQuery(LPCVOID addr, PMEMORY_BASIC_INFORMATION m, SIZE_T len)
{
    return vm_query(addr, m, len);
}

WS_EXPORT SIZE_T WINAPI VirtualQueryEx(HANDLE process, LPCVOID addr,
                                       PMEMORY_BASIC_INFORMATION m, SIZE_T len)
{
    DWORD err = self_process(process, PROCESS_QUERY_INFORMATION);
    if (err)
        return ws_set_last_error(err), 0;
    return vm_query(addr, m, len);
}

/* ---- VirtualProtect ---- */

static DWORD vm_protect(uintptr_t addr, size_t size, DWORD protect, DWORD *old)
{
    if (!protect_valid(protect))
        return ERROR_INVALID_PARAMETER;
    if (!old)
        return ERROR_NOACCESS;
    uintptr_t a = page_down(addr), b = page_up(addr + (size ? size : 1));
    DWORD err = 0;
    pthread_mutex_lock(&vm_lock);
    struct region *r = region_at(a);
    if (r) {
        if (!region_covers(r, a, b)) {
            err = ERROR_INVALID_ADDRESS;
        } else {
            for (uintptr_t p = a; p < b && !err; p += page_size())
                if (!(r->page[page_index(r, p)] & PG_COMMIT))
                    err = ERROR_INVALID_ADDRESS; /* every page must be committed */
            if (!err) {
                *old = r->page[page_index(r, a)] & PG_PROTECT;
                err = region_commit(r, a, b, protect);
            }
        }
    }
    pthread_mutex_unlock(&vm_lock);
    if (r)
        return err;
    /* Memory that is not VirtualAlloc's: as Linux has it. */
    MEMORY_BASIC_INFORMATION m;
    if ((err = query_maps(a, &m)))
        return err;
    if (m.State != MEM_COMMIT || m.RegionSize < b - a)
        return ERROR_INVALID_ADDRESS;
    if (mprotect((void *)a, b - a, prot_of(protect)))
        return ws_errno_to_win32(errno);
    *old = m.Protect;
    return 0;
}

WS_EXPORT BOOL WINAPI VirtualProtect(LPVOID addr, SIZE_T size, DWORD protect, PDWORD old)
{
    DWORD err = vm_protect((uintptr_t)addr, size, protect, old);
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT BOOL WINAPI VirtualProtectEx(HANDLE process, LPVOID addr, SIZE_T size, DWORD protect,
                                       PDWORD old)
{
    DWORD err = self_process(process, PROCESS_VM_OPERATION);
    return err ? ws_bool(err) : VirtualProtect(addr, size, protect, old);
}

/* ---- VirtualLock / VirtualUnlock ---- */

static DWORD lock_error(int e)
{
    /* Over RLIMIT_MEMLOCK, as Windows' working-set quota. */
    return e == ENOMEM || e == EPERM || e == EAGAIN ? ERROR_WORKING_SET_QUOTA
                                                    : ws_errno_to_win32(e);
}

static DWORD vm_lock_range(uintptr_t addr, size_t size, bool lock)
{
    uintptr_t a = page_down(addr), b = page_up(addr + (size ? size : 1));
    DWORD err = 0;
    pthread_mutex_lock(&vm_lock);
    struct region *r = region_at(a);
    if (r) {
        if (!region_covers(r, a, b))
            err = ERROR_INVALID_ADDRESS;
        for (uintptr_t p = a; p < b && !err; p += page_size()) {
            uint32_t w = r->page[page_index(r, p)];
            if (!(w & PG_COMMIT))
                err = ERROR_ACCESS_DENIED; /* as Wine; the pages must be committed */
            else if (!lock && !(w & PG_LOCKED))
                err = ERROR_NOT_LOCKED;
        }
        if (!err && (lock ? mlock((void *)a, b - a) : munlock((void *)a, b - a)))
            err = lock_error(errno);
        for (uintptr_t p = a; p < b && !err; p += page_size()) {
            uint32_t *w = &r->page[page_index(r, p)];
            *w = lock ? (*w | PG_LOCKED) : (*w & ~PG_LOCKED);
        }
    }
    pthread_mutex_unlock(&vm_lock);
    if (r)
        return err;
    /* Other memory: Linux keeps no per-page record that we could ask
     * whether it is locked, so VirtualUnlock of it cannot say
     * ERROR_NOT_LOCKED. */
    if (lock ? mlock((void *)a, b - a) : munlock((void *)a, b - a))
        return errno == ENOMEM && !lock ? ERROR_INVALID_ADDRESS : lock_error(errno);
    return 0;
}

WS_EXPORT BOOL WINAPI VirtualLock(LPVOID addr, SIZE_T size)
{
    DWORD err = vm_lock_range((uintptr_t)addr, size, true);
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT BOOL WINAPI VirtualUnlock(LPVOID addr, SIZE_T size)
{
    DWORD err = vm_lock_range((uintptr_t)addr, size, false);
    return err ? ws_bool(err) : TRUE;
}

/* ---- the rest ---- */

WS_EXPORT BOOL WINAPI FlushInstructionCache(HANDLE process, LPCVOID addr, SIZE_T size)
{
    DWORD err = self_process(process, PROCESS_VM_OPERATION);
    if (err)
        return ws_bool(err);
    if (addr)
        __builtin___clear_cache((char *)addr, (char *)addr + size);
    return TRUE;
}

WS_EXPORT SIZE_T WINAPI GetLargePageMinimum(VOID)
{
    /* The huge page size the kernel offers (/proc/meminfo), 0 without. */
    FILE *f = fopen("/proc/meminfo", "re");
    unsigned long kb = 0;
    char line[128];
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
            break;
    fclose(f);
    return (SIZE_T)kb * 1024;
}
