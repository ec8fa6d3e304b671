/*
 * Modules and the loader: LoadLibrary(Ex), GetModuleHandle(Ex),
 * GetProcAddress, FreeLibrary, DllMain, GetModuleFileName.
 *
 * A module is a shared object mapped into the process.  Its HMODULE is its
 * base address, the first byte of its lowest PT_LOAD segment (what dladdr
 * calls dli_fbase), as a Windows HMODULE is the image base; it is no kernel
 * handle (CloseHandle on it fails: handle.c finds no entry).  Every loaded
 * object is a module: the executable (GetModuleHandle(NULL)), libwinshim
 * (which answers to kernel32.dll and the other system names, see
 * proc/dllpath.c), and whatever ld.so loaded.  Names become files by the
 * rules in proc/dllpath.c.
 *
 * The module list holds what LoadLibrary mapped, what it adopted (an
 * object loaded before winshim was asked for it: pinned, never unloaded,
 * no DllMain calls, as Windows treats a DLL loaded at start-up) and the
 * LOAD_LIBRARY_AS_DATAFILE mappings (of a shared object or of a Windows PE
 * file, whose resources resource.c reads).  Loaded objects not on the list are
 * "static": counted by nobody, never unloaded, FreeLibrary on them
 * succeeds and does nothing.
 *
 * A listed module: refs > 0 (LoadLibrary and GetModuleHandleEx references)
 * -> last FreeLibrary: DLL_PROCESS_DETACH (lpReserved NULL), dlclose, gone
 * -> unlinked and freed once no walk over the list is under way.  At exit
 * (an atexit handler, registered with the first attached module) every
 * module still attached gets DLL_PROCESS_DETACH with lpReserved non-NULL,
 * newest first; from then on no thread gets DLL_THREAD_DETACH (as Windows
 * and Wine skip them while the process exits).
 *
 * Invariants:
 *   1. A listed image module owns exactly one dlopen reference (dl), given
 *      up only when refs falls to 0, never while pinned.
 *   2. Two live (not gone) entries never share a base.
 *   3. attached: DllMain said TRUE to DLL_PROCESS_ATTACH.  Exactly one
 *      DLL_PROCESS_DETACH follows, and no DLL_THREAD_* call comes after it.
 *   4. thread_callees counts the live attached modules with a DllMain and
 *      thread calls on; 0 lets threads skip the loader lock entirely.
 *   5. An entry is unlinked only while walking == 0, so a walk (which calls
 *      DllMain, which may call FreeLibrary) never steps on freed memory.
 *
 * Locking: loader_lock is a recursive mutex, Windows' loader lock.  It
 * guards the list and every field of every entry and is held across each
 * DllMain call and each dlopen/dlclose the loader makes: a DllMain may call
 * the loader again in the same thread.  ld.so's own lock is taken inside
 * ours (dlopen, dl_iterate_phdr).  As on Windows, a DllMain must not wait
 * for another thread that needs the loader (a thread's DLL_THREAD_ATTACH
 * does).  dllpath.c's dir_lock is a leaf below it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/unicode.h"
#include "io/path.h"
#include "proc/module.h"
#include "proc/peres.h"

typedef BOOL(WINAPI *dll_entry)(HINSTANCE, DWORD, LPVOID);

struct module {
    struct module *next; /* load order, oldest first */
    char *base;          /* the HMODULE; a datafile's mapping */
    void *dl;            /* the dlopen reference; NULL for a datafile */
    dll_entry entry;     /* DllMain, or NULL (none, or not to be called) */
    unsigned refs;       /* LoadLibrary and GetModuleHandleEx references */
    bool pinned;         /* never unloaded (GET_MODULE_HANDLE_EX_FLAG_PIN) */
    bool attached;       /* see invariant 3 */
    bool thread_calls;   /* DLL_THREAD_* wanted (DisableThreadLibraryCalls) */
    bool gone;           /* unloaded, to be unlinked (invariant 5) */
    unsigned tag;        /* datafile: 1 AS_DATAFILE, 2 AS_IMAGE_RESOURCE; else 0 */
    size_t map_len;      /* datafile: bytes mapped */
};

static pthread_mutex_t loader_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_once_t loader_once = PTHREAD_ONCE_INIT;
static struct module *modules;
static int walking;                 /* walks under way (invariant 5) */
static _Atomic int thread_callees;  /* invariant 4 */
static _Atomic bool process_exiting;
static bool exit_hooked;

/* A child of fork has one thread: whatever other threads held is theirs. */
static void loader_atfork_child(void)
{
    pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    loader_lock = fresh;
    walking = 0;
}

static void loader_init(void)
{
    pthread_atfork(NULL, NULL, loader_atfork_child);
}

static void loader_enter(void)
{
    pthread_once(&loader_once, loader_init);
    pthread_mutex_lock(&loader_lock);
}

static void loader_leave(void)
{
    pthread_mutex_unlock(&loader_lock);
}

/* ---- loaded objects (dl_iterate_phdr: also in static executables) ---- */

struct image {
    char *base;
    uintptr_t bias;      /* dlpi_addr: what ELF addresses are relative to */
    bool exe;
    char path[PATH_MAX]; /* as ld.so names it; the executable's from /proc */
};

struct image_query {
    uintptr_t addr;              /* the image containing addr, or */
    const char *base;            /* the image based there, or */
    const struct dll_name *name; /* the first whose file name matches */
    const char *exe_path;
    struct image *out;
    bool first;
};

static bool exe_path(char *out, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", out, cap - 1);
    if (n < 0)
        return false;
    out[n] = 0;
    return true;
}

static int image_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct image_query *q = arg;
    bool exe = q->first;
    q->first = false;
    uintptr_t lo = UINTPTR_MAX;
    bool hit = false;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (start < lo)
            lo = start;
        if (q->addr >= start && q->addr - start < ph->p_memsz)
            hit = true;
    }
    if (lo == UINTPTR_MAX)
        return 0;
    lo &= ~(uintptr_t)(getpagesize() - 1);
    if (q->addr && !hit)
        return 0;
    if (q->base && (char *)lo != q->base)
        return 0;
    const char *path = exe ? q->exe_path : info->dlpi_name;
    if (q->name && !dllpath_matches(q->name, path))
        return 0;
    q->out->base = (char *)lo;
    q->out->bias = info->dlpi_addr;
    q->out->exe = exe;
    snprintf(q->out->path, sizeof q->out->path, "%s", path);
    return 1;
}

static bool image_find(struct image_query *q, struct image *out)
{
    char exe[PATH_MAX];
    if (!exe_path(exe, sizeof exe))
        exe[0] = 0;
    q->exe_path = exe;
    q->out = out;
    q->first = true;
    return dl_iterate_phdr(image_cb, q) != 0;
}

static bool image_at(const void *addr, struct image *out)
{
    struct image_query q = {.addr = (uintptr_t)addr};
    return addr && image_find(&q, out);
}

static bool image_based(const void *base, struct image *out)
{
    struct image_query q = {.base = base};
    return base && image_find(&q, out);
}

static bool image_named(const struct dll_name *d, struct image *out)
{
    struct image_query q = {.name = d};
    return image_find(&q, out);
}

/* The executable: the first object dl_iterate_phdr reports. */
static char *exe_base(void)
{
    struct image img;
    struct image_query q = {.addr = 0};
    return image_find(&q, &img) ? img.base : NULL;
}

/* libwinshim's own image: a shared object, or the executable it was
 * linked into statically. */
static struct image self_img;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void self_find(void)
{
    if (!image_at((const void *)&GetProcAddress, &self_img))
        ws_panic("finding libwinshim's own image", ENOENT);
}

static const struct image *self_image(void)
{
    pthread_once(&self_once, self_find);
    return &self_img;
}

/* The symbol `name` defined in img itself (dlsym also looks in the
 * object's dependencies: what it finds there is not this module's). */
static void *image_symbol(const struct image *img, void *dl, const char *name)
{
    void *h = dl;
    if (!h)
        h = img->exe ? dlopen(NULL, RTLD_LAZY) : dlopen(img->path, RTLD_LAZY | RTLD_NOLOAD);
    if (!h) {
        dlerror();
        return NULL;
    }
    void *sym = dlsym(h, name);
    if (!sym)
        dlerror(); /* the program's dlerror() is its own business */
    if (h != dl)
        dlclose(h);
    struct image where;
    if (!sym || !image_at(sym, &where) || where.base != img->base)
        return NULL;
    return sym;
}

/* A function in the static symbol table (.symtab) of img's file.  A DLL
 * built with -fvisibility=hidden (as Windows sources often are, so that
 * only __declspec(dllexport) is exported) has no DllMain in its dynamic
 * symbols; unless the file was stripped, .symtab still names it. */
static void *symtab_function(const struct image *img, const char *name)
{
    int fd = open(img->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *map = MAP_FAILED;
    if (!fstat(fd, &st) && st.st_size >= (off_t)sizeof(ElfW(Ehdr)))
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NULL;
    const char *file = map;
    size_t size = (size_t)st.st_size, len = strlen(name);
    const ElfW(Ehdr) *eh = map;
    void *found = NULL;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_shentsize != sizeof(ElfW(Shdr)) ||
        eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(ElfW(Shdr)))
        goto out;
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(file + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum && !found; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
            strs->sh_offset > size || strs->sh_size > size - strs->sh_offset)
            continue;
        const ElfW(Sym) *sym = (const ElfW(Sym) *)(file + sh[i].sh_offset);
        const char *str = file + strs->sh_offset;
        size_t n = sh[i].sh_size / sizeof *sym;
        for (size_t j = 0; j < n; j++) {
            if (ELF64_ST_TYPE(sym[j].st_info) != STT_FUNC || sym[j].st_shndx == SHN_UNDEF ||
                sym[j].st_name >= strs->sh_size || strs->sh_size - sym[j].st_name <= len ||
                memcmp(str + sym[j].st_name, name, len + 1))
                continue;
            found = (void *)(img->bias + sym[j].st_value);
            break;
        }
    }
out:
    munmap(map, size);
    struct image where;
    return found && image_at(found, &where) && where.base == img->base ? found : NULL;
}

/* ---- the list ---- */

static struct module *module_by_base(const void *base)
{
    for (struct module *m = modules; m; m = m->next)
        if (!m->gone && !m->tag && m->base == base)
            return m;
    return NULL;
}

static struct module *datafile_by_handle(const void *h)
{
    for (struct module *m = modules; m; m = m->next)
        if (!m->gone && m->tag && m->base + m->tag == (const char *)h)
            return m;
    return NULL;
}

static void module_append(struct module *m)
{
    struct module **link = &modules;
    while (*link)
        link = &(*link)->next;
    *link = m;
}

static bool wants_threads(const struct module *m)
{
    return !m->gone && m->attached && m->thread_calls && m->entry;
}

static void recount(void)
{
    int n = 0;
    for (struct module *m = modules; m; m = m->next)
        n += wants_threads(m);
    atomic_store(&thread_callees, n);
}

/* Frees the gone entries once nobody walks the list (invariant 5). */
static void sweep(void)
{
    if (walking)
        return;
    for (struct module **link = &modules; *link;) {
        struct module *m = *link;
        if (m->gone) {
            *link = m->next;
            free(m);
        } else {
            link = &m->next;
        }
    }
}

/* Calls DllMain(reason) of each attached module with thread calls on, in
 * load order, or newest first.  The entries are collected first: the
 * calls may load and free modules. */
static void walk_threads(DWORD reason, bool newest_first)
{
    size_t n = 0;
    for (struct module *m = modules; m; m = m->next)
        n++;
    struct module **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return;
    n = 0;
    for (struct module *m = modules; m; m = m->next)
        v[n++] = m;
    walking++;
    for (size_t i = 0; i < n; i++) {
        struct module *m = v[newest_first ? n - 1 - i : i];
        if (wants_threads(m))
            m->entry((HINSTANCE)m->base, reason, NULL);
    }
    walking--;
    free(v);
    sweep();
}

void module_thread_attach(void)
{
    if (!atomic_load(&thread_callees))
        return;
    loader_enter();
    walk_threads(DLL_THREAD_ATTACH, false);
    loader_leave();
}

void module_thread_detach(void)
{
    if (!atomic_load(&thread_callees) || atomic_load(&process_exiting))
        return;
    loader_enter();
    walk_threads(DLL_THREAD_DETACH, true);
    loader_leave();
}

/* Also called by the session's exit (ws_hooks.process_exit) before it
 * closes the process's handles, whichever atexit handler runs first:
 * Windows notifies DLLs before the handles go.  A second call finds no
 * module attached. */
void module_process_exit(void)
{
    atomic_store(&process_exiting, true);
    loader_enter();
    size_t n = 0;
    for (struct module *m = modules; m; m = m->next)
        n++;
    struct module **v = malloc((n ? n : 1) * sizeof *v);
    if (v) {
        n = 0;
        for (struct module *m = modules; m; m = m->next)
            v[n++] = m;
        walking++;
        while (n--) {
            struct module *m = v[n];
            if (!m->gone && m->attached) {
                m->attached = false;
                m->entry((HINSTANCE)m->base, DLL_PROCESS_DETACH, (LPVOID)1);
            }
        }
        walking--;
        free(v);
    }
    atomic_store(&thread_callees, 0);
    loader_leave();
}

/* The last reference went: detach, dlclose (or unmap), forget. */
static void module_unload(struct module *m)
{
    if (m->attached) {
        m->attached = false;
        recount();
        m->entry((HINSTANCE)m->base, DLL_PROCESS_DETACH, NULL);
    }
    m->gone = true;
    if (m->tag)
        munmap(m->base, m->map_len);
    else
        dlclose(m->dl);
    sweep();
}

/* A reference from GetModuleHandleEx or a LoadLibrary of a loaded module.
 * Static modules are not counted. */
static void module_addref(const void *base, bool pin)
{
    struct module *m = module_by_base(base);
    if (!m || m->pinned)
        return;
    if (pin)
        m->pinned = true;
    else if (m->refs < UINT_MAX)
        m->refs++;
}

/* ---- finding a loaded module by name ---- */

/* Under the loader lock. */
static DWORD find_loaded(const struct dll_name *d, HMODULE *out)
{
    if (d->system) {
        *out = (HMODULE)self_image()->base;
        return 0;
    }
    struct image img;
    if (!d->dir) {
        if (!image_named(d, &img))
            return ERROR_MOD_NOT_FOUND;
        *out = (HMODULE)img.base;
        return 0;
    }
    for (int i = 0; i < d->nfiles; i++) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", d->dir, d->files[i]) >= (int)sizeof path)
            continue;
        if (access(path, F_OK))
            continue;
        void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
        if (!h) {
            dlerror();
            continue;
        }
        struct link_map *lm = NULL;
        bool found = !dlinfo(h, RTLD_DI_LINKMAP, &lm) && lm && image_at(lm->l_ld, &img);
        dlclose(h);
        if (found) {
            *out = (HMODULE)img.base;
            return 0;
        }
    }
    return ERROR_MOD_NOT_FOUND;
}

/* A module name from an A or W argument, as UTF-8. */
static DWORD name_utf8(const void *name, bool wide, char *out, size_t cap)
{
    if (!wide) {
        if (snprintf(out, cap, "%s", (const char *)name) >= (int)cap)
            return ERROR_FILENAME_EXCED_RANGE;
        return 0;
    }
    if (utf16_to_utf8(name, (size_t)-1, out, cap) < 0)
        return ERROR_FILENAME_EXCED_RANGE;
    return 0;
}

/* ---- loading ---- */

struct load_ctx {
    DWORD flags;
    HMODULE out;
    DWORD first_err; /* a file found but not loadable, kept while searching on */
};

/* Why a found file did not load, as Windows would say it. */
static DWORD load_error(const char *path, const char *msg)
{
    if (strchr(path, '/')) {
        unsigned char h[20];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, h, sizeof h) : -1;
        if (fd >= 0)
            close(fd);
        if (n < (ssize_t)sizeof h || memcmp(h, ELFMAG, SELFMAG) || h[EI_CLASS] != ELFCLASS64)
            return ERROR_BAD_EXE_FORMAT;
    }
    if (msg && strstr(msg, "undefined symbol"))
        return ERROR_PROC_NOT_FOUND; /* an import not found, as Windows says it */
    if (msg && (strstr(msg, "ELF") || strstr(msg, "executable") || strstr(msg, "file too short")))
        return ERROR_BAD_EXE_FORMAT;
    return ERROR_MOD_NOT_FOUND; /* a dependency missing */
}

/* A new module: find DllMain, list it, DLL_PROCESS_ATTACH. */
static DWORD module_attach(void *h, const struct image *img, DWORD flags, HMODULE *out)
{
    struct module *m = calloc(1, sizeof *m);
    if (!m) {
        dlclose(h);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    m->base = img->base;
    m->dl = h;
    m->refs = 1;
    m->thread_calls = true;
    if (!(flags & DONT_RESOLVE_DLL_REFERENCES)) {
        void *f = image_symbol(img, h, "DllMain");
        if (!f)
            f = symtab_function(img, "DllMain");
        memcpy(&m->entry, &f, sizeof f); /* an object pointer to a function pointer */
    }
    module_append(m);
    if (m->entry) {
        if (!exit_hooked && !atexit(module_process_exit))
            exit_hooked = true;
        walking++;
        BOOL ok = m->entry((HINSTANCE)m->base, DLL_PROCESS_ATTACH, NULL);
        walking--;
        if (m->gone) { /* its DllMain freed it: nothing left to attach */
            sweep();
            return ERROR_DLL_INIT_FAILED;
        }
        if (!ok) {
            /* As documented: DLL_PROCESS_DETACH at once, then unloaded. */
            walking++;
            m->entry((HINSTANCE)m->base, DLL_PROCESS_DETACH, NULL);
            walking--;
            m->gone = true;
            dlclose(h);
            sweep();
            return ERROR_DLL_INIT_FAILED;
        }
        m->attached = true;
        recount();
    }
    sweep();
    *out = (HMODULE)m->base;
    return 0;
}

static DWORD load_try(const char *path, void *arg)
{
    struct load_ctx *c = arg;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    bool fresh = !h;
    if (!h) {
        dlerror(); /* no stale message for the program's own dlerror() */
        h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    }
    if (!h) {
        const char *msg = dlerror();
        size_t n = strlen(path);
        if (!strchr(path, '/') && msg && !strncmp(msg, path, n) && msg[n] == ':' &&
            strstr(msg, "No such file"))
            return DLLPATH_NEXT; /* not in the system's directories */
        DWORD err = load_error(path, msg);
        if (err == ERROR_BAD_EXE_FORMAT) { /* Windows searches on, as ld.so does */
            if (!c->first_err)
                c->first_err = err;
            return DLLPATH_NEXT;
        }
        return err;
    }
    struct link_map *lm = NULL;
    struct image img;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) || !lm || !image_at(lm->l_ld, &img)) {
        dlclose(h);
        return ERROR_BAD_EXE_FORMAT;
    }
    if (module_by_base(img.base) || !fresh) {
        /* Loaded already: one more reference to a listed module; an
         * object loaded before we were asked is adopted, pinned. */
        struct module *m = module_by_base(img.base);
        if (m) {
            dlclose(h);
            module_addref(img.base, false);
        } else if (img.base != self_image()->base && !img.exe) {
            m = calloc(1, sizeof *m);
            if (!m) {
                dlclose(h);
                return ERROR_NOT_ENOUGH_MEMORY;
            }
            m->base = img.base;
            m->dl = h;
            m->refs = 1;
            m->pinned = true;
            module_append(m);
        } else {
            dlclose(h);
        }
        c->out = (HMODULE)img.base;
        return 0;
    }
    return module_attach(h, &img, c->flags, &c->out);
}

/* LOAD_LIBRARY_AS_DATAFILE / _AS_IMAGE_RESOURCE: the file mapped read-only,
 * no code run, no symbols; the handle is the mapping + 1 (or + 2), as
 * Windows marks such handles.  Each load maps anew, as on Windows. */
static DWORD datafile_try(const char *path, void *arg)
{
    struct load_ctx *c = arg;
    if (!strchr(path, '/'))
        return DLLPATH_NEXT; /* the system's search loads, it does not map */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return path_error(errno, path);
    struct stat st;
    unsigned char magic[SELFMAG];
    /* A shared object, or a Windows PE file (an "MZ" header; resource.c
     * reads its resources, peres.c checks the rest). */
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 0x40 ||
        pread(fd, magic, SELFMAG, 0) != SELFMAG ||
        (memcmp(magic, ELFMAG, SELFMAG) && memcmp(magic, "MZ", 2)) ||
        (!memcmp(magic, ELFMAG, SELFMAG) && st.st_size < (off_t)sizeof(ElfW(Ehdr)))) {
        close(fd);
        return ERROR_BAD_EXE_FORMAT;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED)
        return ws_errno_to_win32(e);
    struct pe_file pe;
    if (!memcmp(magic, "MZ", 2) && pe_parse(p, (size_t)st.st_size, &pe)) {
        munmap(p, (size_t)st.st_size);
        return ERROR_BAD_EXE_FORMAT; /* "MZ" but no PE headers */
    }
    struct module *m = calloc(1, sizeof *m);
    if (!m) {
        munmap(p, (size_t)st.st_size);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    m->base = p;
    m->map_len = (size_t)st.st_size;
    m->refs = 1;
    m->tag = (c->flags & LOAD_LIBRARY_AS_IMAGE_RESOURCE) ? 2 : 1;
    module_append(m);
    c->out = (HMODULE)(m->base + m->tag);
    return 0;
}

#define DATAFILE_FLAGS (LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_DATAFILE_EXCLUSIVE | \
                        LOAD_LIBRARY_AS_IMAGE_RESOURCE)
#define LOAD_FLAGS (DONT_RESOLVE_DLL_REFERENCES | LOAD_WITH_ALTERED_SEARCH_PATH |            \
                    LOAD_IGNORE_CODE_AUTHZ_LEVEL | LOAD_LIBRARY_REQUIRE_SIGNED_TARGET |      \
                    LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_APPLICATION_DIR | \
                    LOAD_LIBRARY_SEARCH_USER_DIRS | LOAD_LIBRARY_SEARCH_SYSTEM32 |           \
                    LOAD_LIBRARY_SEARCH_DEFAULT_DIRS | LOAD_LIBRARY_SAFE_CURRENT_DIRS |      \
                    LOAD_LIBRARY_SEARCH_SYSTEM32_NO_FORWARDER | DATAFILE_FLAGS)

static HMODULE load_library(const void *name, bool wide, HANDLE file, DWORD flags)
{
    if (!name || file || (flags & ~(DWORD)LOAD_FLAGS))
        return (HMODULE)ws_null(ERROR_INVALID_PARAMETER);
    /* Linux has no signed shared objects to check (docs/COMPATIBILITY.md). */
    if (flags & LOAD_LIBRARY_REQUIRE_SIGNED_TARGET)
        return (HMODULE)ws_null(ERROR_NOT_SUPPORTED);
    if (flags & LOAD_LIBRARY_SEARCH_SYSTEM32_NO_FORWARDER)
        flags |= LOAD_LIBRARY_SEARCH_SYSTEM32;
    char buf[PATH_MAX];
    DWORD err = name_utf8(name, wide, buf, sizeof buf);
    struct dll_name d;
    if (!err)
        err = (flags & DATAFILE_FLAGS) ? dllpath_parse_datafile(buf, &d) : dllpath_parse(buf, &d);
    if (err)
        return (HMODULE)ws_null(err);
    if ((err = dllpath_check(&d, flags))) {
        dllpath_free(&d);
        return (HMODULE)ws_null(err);
    }

    struct load_ctx c = {.flags = flags};
    loader_enter();
    /* A module of that name that is loaded already is the one, wherever it
     * came from (Windows' rule); for a datafile load too. */
    err = find_loaded(&d, &c.out);
    if (!err)
        module_addref(c.out, false);
    else
        err = dllpath_each(&d, flags, (flags & DATAFILE_FLAGS) ? datafile_try : load_try, &c);
    loader_leave();
    dllpath_free(&d);
    if (err == ERROR_MOD_NOT_FOUND && c.first_err)
        err = c.first_err;
    if (err)
        return (HMODULE)ws_null(err);
    return c.out;
}

WS_EXPORT HMODULE WINAPI LoadLibraryA(LPCSTR name)
{
    return load_library(name, false, NULL, 0);
}

WS_EXPORT HMODULE WINAPI LoadLibraryW(LPCWSTR name)
{
    return load_library(name, true, NULL, 0);
}

WS_EXPORT HMODULE WINAPI LoadLibraryExA(LPCSTR name, HANDLE file, DWORD flags)
{
    return load_library(name, false, file, flags);
}

WS_EXPORT HMODULE WINAPI LoadLibraryExW(LPCWSTR name, HANDLE file, DWORD flags)
{
    return load_library(name, true, file, flags);
}

/* ---- FreeLibrary, DisableThreadLibraryCalls ---- */

bool module_datafile(HMODULE h, const uint8_t **p, size_t *len)
{
    if (!((uintptr_t)h & 3))
        return false;
    loader_enter();
    struct module *m = datafile_by_handle(h);
    if (m) {
        *p = (const uint8_t *)m->base;
        *len = m->map_len;
    }
    loader_leave();
    return m != NULL;
}

/* A handle with a low bit set is a datafile's (Windows' marking): one
 * that is not ours is ERROR_BAD_EXE_FORMAT, as Wine answers.  Any other
 * value that is no loaded module's base: ERROR_MOD_NOT_FOUND. */
WS_EXPORT BOOL WINAPI FreeLibrary(HMODULE h)
{
    if (!h)
        return ws_bool(ERROR_INVALID_HANDLE);
    DWORD err = 0;
    loader_enter();
    if ((uintptr_t)h & 3) {
        struct module *m = datafile_by_handle(h);
        if (m)
            module_unload(m);
        else
            err = ERROR_BAD_EXE_FORMAT;
    } else {
        struct module *m = module_by_base(h);
        struct image img;
        if (m) {
            if (!m->pinned && --m->refs == 0)
                module_unload(m);
        } else if (!image_based(h, &img)) {
            err = ERROR_MOD_NOT_FOUND;
        }
    }
    loader_leave();
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT DECLSPEC_NORETURN VOID WINAPI FreeLibraryAndExitThread(HMODULE h, DWORD code)
{
    FreeLibrary(h);
    ExitThread(code);
}

WS_EXPORT BOOL WINAPI DisableThreadLibraryCalls(HMODULE h)
{
    DWORD err = 0;
    struct image img;
    loader_enter();
    struct module *m = ((uintptr_t)h & 3) ? NULL : module_by_base(h);
    if (m) {
        m->thread_calls = false;
        recount();
    } else if (!h || ((uintptr_t)h & 3) || !image_based(h, &img)) {
        err = ERROR_MOD_NOT_FOUND;
    }
    loader_leave();
    return err ? ws_bool(err) : TRUE;
}

/* ---- GetModuleHandle(Ex) ---- */

#define HANDLE_EX_FLAGS (GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT | \
                         GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS)

static BOOL module_handle(DWORD flags, const void *name, bool wide, HMODULE *out)
{
    if (!out)
        return ws_bool(ERROR_INVALID_PARAMETER);
    *out = NULL;
    const DWORD both = GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT;
    if ((flags & ~(DWORD)HANDLE_EX_FLAGS) || (flags & both) == both)
        return ws_bool(ERROR_INVALID_PARAMETER);
    HMODULE h = NULL;
    DWORD err = 0;
    char buf[PATH_MAX];
    struct dll_name d;
    bool parsed = false;
    if (name && !(flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS)) {
        err = name_utf8(name, wide, buf, sizeof buf);
        if (!err)
            err = dllpath_parse(buf, &d);
        parsed = !err;
    }
    loader_enter();
    if (err) {
        /* a name that cannot be a module's */
    } else if (!name) {
        h = (HMODULE)exe_base();
    } else if (flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) {
        struct image img;
        if (image_at(name, &img))
            h = (HMODULE)img.base;
        else
            err = ERROR_MOD_NOT_FOUND;
    } else {
        err = find_loaded(&d, &h);
    }
    if (!err && !(flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT))
        module_addref(h, flags & GET_MODULE_HANDLE_EX_FLAG_PIN);
    loader_leave();
    if (parsed)
        dllpath_free(&d);
    if (err)
        return ws_bool(err == ERROR_FILENAME_EXCED_RANGE ? ERROR_MOD_NOT_FOUND : err);
    *out = h;
    return TRUE;
}

WS_EXPORT BOOL WINAPI GetModuleHandleExA(DWORD flags, LPCSTR name, HMODULE *out)
{
    return module_handle(flags, name, false, out);
}

WS_EXPORT BOOL WINAPI GetModuleHandleExW(DWORD flags, LPCWSTR name, HMODULE *out)
{
    return module_handle(flags, name, true, out);
}

WS_EXPORT HMODULE WINAPI GetModuleHandleA(LPCSTR name)
{
    HMODULE h;
    module_handle(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, name, false, &h);
    return h;
}

WS_EXPORT HMODULE WINAPI GetModuleHandleW(LPCWSTR name)
{
    HMODULE h;
    module_handle(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, name, true, &h);
    return h;
}

/* ---- GetProcAddress ---- */

/* By name.  libwinshim's exports answer for every system DLL name; a
 * socket function that the C library also has is found under its link
 * name, winshim_<name> (winsock2.h).  Ordinals (a "name" below 0x10000):
 * shared objects have none: ERROR_PROC_NOT_FOUND, what Windows gives for
 * an ordinal a module lacks (check_module test_proc_address_kernel32). */
WS_EXPORT FARPROC WINAPI GetProcAddress(HMODULE h, LPCSTR name)
{
    if ((uintptr_t)h & 3)
        return (FARPROC)ws_null(ERROR_MOD_NOT_FOUND);
    struct image img;
    void *sym = NULL;
    DWORD err = 0;
    loader_enter();
    if (!(h ? image_based(h, &img) : image_based(exe_base(), &img))) {
        err = ERROR_MOD_NOT_FOUND;
    } else if ((uintptr_t)name >> 16 == 0) {
        err = ERROR_PROC_NOT_FOUND;
    } else {
        struct module *m = module_by_base(img.base);
        void *dl = m ? m->dl : NULL;
        if (img.base == self_image()->base) {
            char ws[256];
            if (snprintf(ws, sizeof ws, "winshim_%s", name) < (int)sizeof ws)
                sym = image_symbol(&img, dl, ws);
        }
        if (!sym)
            sym = image_symbol(&img, dl, name);
        if (!sym)
            err = ERROR_PROC_NOT_FOUND;
    }
    loader_leave();
    if (err)
        return (FARPROC)ws_null(err);
    FARPROC f;
    memcpy(&f, &sym, sizeof f); /* an object pointer to a function pointer */
    return f;
}

/* ---- GetModuleFileName ---- */

/* The module's file as a Windows path (path.c's drive mapping); a buffer
 * too small gets what fits, terminated, and the buffer's size with
 * ERROR_INSUFFICIENT_BUFFER, as Windows XP and later do. */
static DWORD module_file_name(HMODULE module, bool wide, void *buf, DWORD size)
{
    char file[PATH_MAX];
    struct image img;
    if (!module) {
        if (!exe_path(file, sizeof file)) {
            ws_set_last_error(ws_errno_to_win32(errno));
            return 0;
        }
    } else {
        bool found = false;
        if (!((uintptr_t)module & 3)) {
            loader_enter();
            found = image_based(module, &img);
            loader_leave();
        }
        if (!found) {
            ws_set_last_error(ERROR_MOD_NOT_FOUND);
            return 0;
        }
        if (img.path[0] == '/' || !realpath(img.path, file))
            snprintf(file, sizeof file, "%s", img.path);
    }
    struct upath p;
    DWORD err = path_to_windows(file, &p);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    DWORD r = path_copy_out(p.buf, wide, buf, size);
    if (r >= size && size > 0) {
        if (wide) {
            WCHAR tmp[PATH_MAX];
            int wn = utf8_to_utf16(p.buf, tmp, sizeof tmp / sizeof *tmp);
            if (wn > 0) {
                memcpy(buf, tmp, (size - 1) * sizeof(WCHAR));
                ((WCHAR *)buf)[size - 1] = 0;
            }
        } else {
            memcpy(buf, p.buf, size - 1);
            ((char *)buf)[size - 1] = 0;
        }
        r = size;
        ws_set_last_error(ERROR_INSUFFICIENT_BUFFER);
    } else if (size == 0) {
        r = 0;
        ws_set_last_error(ERROR_INSUFFICIENT_BUFFER);
    }
    path_free(&p);
    return r;
}

WS_EXPORT DWORD WINAPI GetModuleFileNameA(HMODULE module, LPSTR buf, DWORD size)
{
    return module_file_name(module, false, buf, size);
}

WS_EXPORT DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR buf, DWORD size)
{
    return module_file_name(module, true, buf, size);
}
