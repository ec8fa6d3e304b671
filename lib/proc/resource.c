/*
 * Resources of Windows PE files: FindResource(Ex), LoadResource,
 * LockResource, SizeofResource, FreeResource, EnumResourceTypes/Names/
 * Languages on a module LoadLibraryEx mapped with LOAD_LIBRARY_AS_DATAFILE
 * (or _EXCLUSIVE, or _AS_IMAGE_RESOURCE), and BeginUpdateResource,
 * UpdateResource, EndUpdateResource, which rewrite a PE file's resource
 * section (peres.c has the file format).
 *
 * Modules that are shared objects (the program itself, hModule NULL,
 * libwinshim, plug-ins) have no PE resources: every lookup in them fails
 * with ERROR_RESOURCE_DATA_NOT_FOUND, what Windows answers for a module
 * without a resource section.  An HRSRC is the address of the resource's
 * data entry in the mapping, the HGLOBAL of LoadResource the address of
 * its data there: both live as long as the module (FreeResource does
 * nothing, as on Windows since the 32-bit API).
 *
 * An update handle is a kernel object (TYPE_UPDATERES), process-private
 * like a find handle: it holds the file's Unix path and the resources as
 * they will be written (read at BeginUpdateResource unless
 * bDeleteExistingResources), changed by UpdateResource; EndUpdateResource
 * reads the file again, rewrites it through peres.c (unless fDiscard)
 * and closes the handle.  The object's lock serialises the calls made
 * through one handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "io/file.h"
#include "io/path.h"
#include "proc/module.h"
#include "proc/peres.h"
#include "text/text.h"

/* ---- names: ids, "#123" and strings ---- */

/* A type or name argument as a key; a string is upper-cased (as Windows
 * stores and compares them) into *own, which the caller frees. */
static DWORD key_from(const void *arg, bool wide, struct res_key *k, WCHAR **own)
{
    *own = NULL;
    memset(k, 0, sizeof *k);
    if (!arg)
        return ERROR_INVALID_PARAMETER;
    if (IS_INTRESOURCE(arg)) {
        k->id = (uint16_t)(uintptr_t)arg;
        return 0;
    }
    WCHAR *w;
    if (wide) {
        size_t n = 0;
        while (((const WCHAR *)arg)[n])
            n++;
        w = malloc((n + 1) * sizeof *w);
        if (w)
            memcpy(w, arg, (n + 1) * sizeof *w);
    } else {
        int n;
        w = text_utf8_to_wide(arg, -1, &n);
    }
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t n = 0;
    while (w[n])
        n++;
    if (w[0] == '#') {
        /* "#123": the id 123; anything else after '#' is no id. */
        uint32_t v = 0;
        bool ok = n > 1;
        for (size_t i = 1; i < n && ok; i++) {
            ok = w[i] >= '0' && w[i] <= '9';
            v = v * 10 + (uint32_t)(w[i] - '0');
            ok = ok && v <= 0xffff;
        }
        free(w);
        if (!ok)
            return ERROR_INVALID_PARAMETER;
        k->id = (uint16_t)v;
        return 0;
    }
    if (n > 0xffff) {
        free(w);
        return ERROR_INVALID_PARAMETER;
    }
    for (size_t i = 0; i < n; i++)
        w[i] = text_upper(w[i]);
    k->name = w;
    k->len = (uint16_t)n;
    *own = w;
    return 0;
}

/* A name from the file, NUL-terminated, as the callback's A or W string
 * (malloc()ed); or the id as a MAKEINTRESOURCE value (nothing to free). */
static void *key_out(const struct res_key *k, bool wide, bool *owned)
{
    *owned = false;
    if (!k->name)
        return (void *)(uintptr_t)k->id;
    WCHAR *w = malloc(((size_t)k->len + 1) * sizeof *w);
    if (!w)
        return NULL;
    memcpy(w, k->name, (size_t)k->len * sizeof *w);
    w[k->len] = 0;
    *owned = true;
    if (wide)
        return w;
    char *a = utf16_to_utf8_dup(w, k->len, NULL);
    free(w);
    *owned = a != NULL;
    return a;
}

/* ---- the module's resource tree ---- */

static DWORD module_tree(HMODULE h, struct pe_file *pe, struct rsrc *r)
{
    const uint8_t *p;
    size_t len;
    if (!module_datafile(h, &p, &len) || pe_parse(p, len, pe))
        return ERROR_RESOURCE_DATA_NOT_FOUND;
    return rsrc_open(pe, r);
}

/* The language fallback of FindResource(Ex), for the language directory
 * `dir`: the language asked for, its primary language with
 * SUBLANG_NEUTRAL, LANG_NEUTRAL; and when the primary language asked for
 * is LANG_NEUTRAL, the thread's and the user's languages (unless
 * SUBLANG_SYS_DEFAULT), the system's, English (US), then the first
 * language there is. */
static bool find_lang(const struct rsrc *r, uint32_t dir, LANGID lang, uint32_t *leaf)
{
    LANGID tries[12];
    int n = 0;
    tries[n++] = lang;
    tries[n++] = MAKELANGID(PRIMARYLANGID(lang), SUBLANG_NEUTRAL);
    tries[n++] = MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL);
    bool neutral = PRIMARYLANGID(lang) == LANG_NEUTRAL;
    if (neutral) {
        if (SUBLANGID(lang) != SUBLANG_SYS_DEFAULT) {
            LANGID t = LANGIDFROMLCID(GetThreadLocale()), u = GetUserDefaultLangID();
            tries[n++] = t;
            tries[n++] = MAKELANGID(PRIMARYLANGID(t), SUBLANG_NEUTRAL);
            tries[n++] = u;
            tries[n++] = MAKELANGID(PRIMARYLANGID(u), SUBLANG_NEUTRAL);
        }
        LANGID s = GetSystemDefaultLangID();
        tries[n++] = s;
        tries[n++] = MAKELANGID(PRIMARYLANGID(s), SUBLANG_NEUTRAL);
        tries[n++] = MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US);
        tries[n++] = MAKELANGID(LANG_ENGLISH, SUBLANG_NEUTRAL);
    }
    bool is_dir;
    for (int i = 0; i < n; i++) {
        struct res_key k = {.id = tries[i]};
        if (rsrc_lookup(r, dir, &k, leaf, &is_dir) && !is_dir)
            return true;
    }
    struct res_key k;
    return neutral && rsrc_entry(r, dir, 0, &k, leaf, &is_dir) && !is_dir;
}

static HRSRC find_resource(HMODULE h, const void *type, const void *name, LANGID lang,
                           bool wide)
{
    struct pe_file pe;
    struct rsrc r;
    DWORD err = module_tree(h, &pe, &r);
    if (err)
        return (HRSRC)ws_null(err);
    struct res_key tk, nk;
    WCHAR *town, *nown = NULL;
    if ((err = key_from(type, wide, &tk, &town)) || (err = key_from(name, wide, &nk, &nown))) {
        free(town);
        return (HRSRC)ws_null(err);
    }
    uint32_t tdir, ndir, leaf = 0;
    bool is_dir = false;
    if (!rsrc_lookup(&r, 0, &tk, &tdir, &is_dir) || !is_dir)
        err = ERROR_RESOURCE_TYPE_NOT_FOUND;
    else if (!rsrc_lookup(&r, tdir, &nk, &ndir, &is_dir) || !is_dir)
        err = ERROR_RESOURCE_NAME_NOT_FOUND;
    else if (!find_lang(&r, ndir, lang, &leaf))
        err = ERROR_RESOURCE_LANG_NOT_FOUND;
    free(town);
    free(nown);
    if (err)
        return (HRSRC)ws_null(err);
    return (HRSRC)(uintptr_t)(r.root + leaf);
}

WS_EXPORT HRSRC WINAPI FindResourceExW(HMODULE h, LPCWSTR type, LPCWSTR name, WORD lang)
{
    return find_resource(h, type, name, lang, true);
}

WS_EXPORT HRSRC WINAPI FindResourceExA(HMODULE h, LPCSTR type, LPCSTR name, WORD lang)
{
    return find_resource(h, type, name, lang, false);
}

WS_EXPORT HRSRC WINAPI FindResourceW(HMODULE h, LPCWSTR name, LPCWSTR type)
{
    return find_resource(h, type, name, MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL), true);
}

WS_EXPORT HRSRC WINAPI FindResourceA(HMODULE h, LPCSTR name, LPCSTR type)
{
    return find_resource(h, type, name, MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL), false);
}

/* The data entry an HRSRC of module h points at: its data's RVA and size.
 * ERROR_INVALID_HANDLE for an HRSRC that is not one of h's. */
static DWORD resource_entry(HMODULE h, HRSRC res, const uint8_t **data, uint32_t *size)
{
    struct pe_file pe;
    struct rsrc r;
    DWORD err = module_tree(h, &pe, &r);
    if (err)
        return err;
    const uint8_t *e = (const uint8_t *)res;
    uint32_t rva;
    if (!e || e < r.root || (size_t)(e - r.root) >= r.size ||
        !rsrc_data(&r, (uint32_t)(e - r.root), &rva, size))
        return ERROR_INVALID_HANDLE;
    *data = pe_at_rva(&pe, rva, *size);
    return *data ? 0 : ERROR_RESOURCE_DATA_NOT_FOUND;
}

WS_EXPORT HGLOBAL WINAPI LoadResource(HMODULE h, HRSRC res)
{
    const uint8_t *data;
    uint32_t size;
    DWORD err = resource_entry(h, res, &data, &size);
    return err ? (HGLOBAL)ws_null(err) : (HGLOBAL)(uintptr_t)data;
}

WS_EXPORT DWORD WINAPI SizeofResource(HMODULE h, HRSRC res)
{
    const uint8_t *data;
    uint32_t size;
    DWORD err = resource_entry(h, res, &data, &size);
    if (err) {
        ws_set_last_error(err);
        return 0;
    }
    return size;
}

WS_EXPORT LPVOID WINAPI LockResource(HGLOBAL mem)
{
    return mem;
}

/* Obsolete since the 32-bit API: nothing to free, FALSE. */
WS_EXPORT BOOL WINAPI FreeResource(HGLOBAL mem)
{
    (void)mem;
    return FALSE;
}

/* ---- enumeration ---- */

enum enum_level { ENUM_TYPES, ENUM_NAMES, ENUM_LANGS };

struct enum_call {
    enum enum_level level;
    bool wide;
    HMODULE h;
    const void *type, *name; /* as the caller passed them */
    void *fn;
    LONG_PTR param;
};

static BOOL call_one(const struct enum_call *c, const struct res_key *k)
{
    if (c->level == ENUM_LANGS) {
        if (c->wide)
            return ((ENUMRESLANGPROCW)c->fn)(c->h, c->type, c->name, k->id, c->param);
        return ((ENUMRESLANGPROCA)c->fn)(c->h, c->type, c->name, k->id, c->param);
    }
    bool owned;
    void *s = key_out(k, c->wide, &owned);
    if (!s) {
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return -1;
    }
    BOOL r;
    if (c->level == ENUM_TYPES)
        r = c->wide ? ((ENUMRESTYPEPROCW)c->fn)(c->h, s, c->param)
                    : ((ENUMRESTYPEPROCA)c->fn)(c->h, s, c->param);
    else
        r = c->wide ? ((ENUMRESNAMEPROCW)c->fn)(c->h, c->type, s, c->param)
                    : ((ENUMRESNAMEPROCA)c->fn)(c->h, c->type, s, c->param);
    if (owned)
        free(s);
    return r;
}

/* Every entry of the directory c->level names, in the table's order (named
 * entries first, as sorted there); a callback that returns FALSE stops
 * it: FALSE with ERROR_RESOURCE_ENUM_USER_STOP. */
static BOOL enum_resources(struct enum_call *c)
{
    if (!c->fn)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct pe_file pe;
    struct rsrc r;
    DWORD err = module_tree(c->h, &pe, &r);
    if (err)
        return ws_bool(err);
    uint32_t dir = 0;
    bool is_dir;
    if (c->level >= ENUM_NAMES) {
        struct res_key k;
        WCHAR *own;
        if ((err = key_from(c->type, c->wide, &k, &own)))
            return ws_bool(err);
        bool found = rsrc_lookup(&r, 0, &k, &dir, &is_dir) && is_dir;
        free(own);
        if (!found)
            return ws_bool(ERROR_RESOURCE_TYPE_NOT_FOUND);
    }
    if (c->level == ENUM_LANGS) {
        struct res_key k;
        WCHAR *own;
        if ((err = key_from(c->name, c->wide, &k, &own)))
            return ws_bool(err);
        bool found = rsrc_lookup(&r, dir, &k, &dir, &is_dir) && is_dir;
        free(own);
        if (!found)
            return ws_bool(ERROR_RESOURCE_NAME_NOT_FOUND);
    }
    uint32_t n = rsrc_count(&r, dir);
    for (uint32_t i = 0; i < n; i++) {
        struct res_key k;
        uint32_t target;
        if (!rsrc_entry(&r, dir, i, &k, &target, &is_dir))
            continue;
        BOOL go = call_one(c, &k);
        if (go == -1)
            return FALSE;
        if (!go)
            return ws_bool(ERROR_RESOURCE_ENUM_USER_STOP);
    }
    return TRUE;
}

WS_EXPORT BOOL WINAPI EnumResourceTypesA(HMODULE h, ENUMRESTYPEPROCA fn, LONG_PTR param)
{
    struct enum_call c = {ENUM_TYPES, false, h, NULL, NULL, (void *)fn, param};
    return enum_resources(&c);
}

WS_EXPORT BOOL WINAPI EnumResourceTypesW(HMODULE h, ENUMRESTYPEPROCW fn, LONG_PTR param)
{
    struct enum_call c = {ENUM_TYPES, true, h, NULL, NULL, (void *)fn, param};
    return enum_resources(&c);
}

WS_EXPORT BOOL WINAPI EnumResourceNamesA(HMODULE h, LPCSTR type, ENUMRESNAMEPROCA fn,
                                         LONG_PTR param)
{
    struct enum_call c = {ENUM_NAMES, false, h, type, NULL, (void *)fn, param};
    return enum_resources(&c);
}

WS_EXPORT BOOL WINAPI EnumResourceNamesW(HMODULE h, LPCWSTR type, ENUMRESNAMEPROCW fn,
                                         LONG_PTR param)
{
    struct enum_call c = {ENUM_NAMES, true, h, type, NULL, (void *)fn, param};
    return enum_resources(&c);
}

WS_EXPORT BOOL WINAPI EnumResourceLanguagesA(HMODULE h, LPCSTR type, LPCSTR name,
                                             ENUMRESLANGPROCA fn, LONG_PTR param)
{
    struct enum_call c = {ENUM_LANGS, false, h, type, name, (void *)fn, param};
    return enum_resources(&c);
}

WS_EXPORT BOOL WINAPI EnumResourceLanguagesW(HMODULE h, LPCWSTR type, LPCWSTR name,
                                             ENUMRESLANGPROCW fn, LONG_PTR param)
{
    struct enum_call c = {ENUM_LANGS, true, h, type, name, (void *)fn, param};
    return enum_resources(&c);
}

/* ---- updating: BeginUpdateResource, UpdateResource, EndUpdateResource ---- */

struct upd_state {
    char *path; /* the file, a Unix path */
    struct res_item *items;
    size_t n, cap;
};

/* Process-private (only process pid touches st), as a find handle. */
struct updres {
    struct object hdr;
    struct wordlock lock; /* one call at a time; guards st */
    uint32_t pid;
    uint32_t tag;         /* shm_self_tag() of process pid */
    struct upd_state *st; /* NULL once ended */
};

static const uint32_t updres_layout[] = {
    LAYOUT_SIZE(struct updres),
    LAYOUT_FIELD(struct updres, lock),
    LAYOUT_FIELD(struct updres, pid),
    LAYOUT_FIELD(struct updres, tag),
    LAYOUT_FIELD(struct updres, st),
};

static void item_free(struct res_item *it)
{
    free((void *)it->type.name);
    free((void *)it->name.name);
    free(it->data);
}

static void state_free(struct upd_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        item_free(&st->items[i]);
    free(st->items);
    free(st->path);
    free(st);
}

static void updres_last_close(struct object *o)
{
    struct updres *u = (struct updres *)o;
    if (!proc_is_self(u->pid, u->tag))
        return; /* the state died with its process */
    wordlock_lock(&u->lock);
    state_free(u->st);
    u->st = NULL;
    wordlock_unlock(&u->lock);
}

const struct object_type updres_type = {
    .name = "UpdateResource",
    .id = TYPE_UPDATERES,
    .size = sizeof(struct updres),
    .mapping = {SYNCHRONIZE, SYNCHRONIZE, SYNCHRONIZE, SYNCHRONIZE},
    .valid_access = SYNCHRONIZE,
    .last_close = updres_last_close,
    TYPE_LAYOUT(updres_layout),
};

/* A key copied (a name upper-cased already by key_from, or from the file). */
static bool key_copy(struct res_key *dst, const struct res_key *src)
{
    *dst = *src;
    if (!src->name)
        return true;
    WCHAR *w = malloc(((size_t)src->len + 1) * sizeof *w);
    if (!w)
        return false;
    for (uint16_t i = 0; i < src->len; i++) {
        WCHAR c;
        memcpy(&c, (const uint8_t *)(const void *)src->name + 2 * (size_t)i, sizeof c);
        w[i] = text_upper(c);
    }
    w[src->len] = 0;
    dst->name = w;
    return true;
}

static DWORD state_add(struct upd_state *st, const struct res_key *type,
                       const struct res_key *name, uint16_t lang, const void *data,
                       uint32_t size)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        struct res_item *v = realloc(st->items, cap * sizeof *v);
        if (!v)
            return ERROR_NOT_ENOUGH_MEMORY;
        st->items = v;
        st->cap = cap;
    }
    struct res_item it = {.lang = lang, .size = size};
    if (!key_copy(&it.type, type) || !key_copy(&it.name, name) ||
        (size && !(it.data = malloc(size)))) {
        item_free(&it);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (size)
        memcpy(it.data, data, size);
    st->items[st->n++] = it;
    return 0;
}

/* The file's bytes (malloc()ed) from an open descriptor. */
static DWORD read_all(int fd, uint8_t **buf, size_t *len)
{
    struct stat sb;
    if (fstat(fd, &sb))
        return ws_errno_to_win32(errno);
    if (!S_ISREG(sb.st_mode))
        return ERROR_BAD_EXE_FORMAT;
    size_t n = (size_t)sb.st_size;
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(p);
            return r < 0 ? ws_errno_to_win32(errno) : ERROR_BAD_EXE_FORMAT;
        }
        got += (size_t)r;
    }
    *buf = p;
    *len = n;
    return 0;
}

/* Every resource of the file into st. */
static DWORD state_load(struct upd_state *st, const uint8_t *file, size_t len)
{
    struct pe_file pe;
    struct rsrc r;
    DWORD err = pe_parse(file, len, &pe);
    if (err)
        return err;
    if (rsrc_open(&pe, &r))
        return 0; /* no resources yet */
    bool d;
    uint32_t nt = rsrc_count(&r, 0);
    for (uint32_t i = 0; i < nt; i++) {
        struct res_key tk, nk, lk;
        uint32_t tdir, ndir, leaf, rva, size;
        if (!rsrc_entry(&r, 0, i, &tk, &tdir, &d) || !d)
            continue;
        uint32_t nn = rsrc_count(&r, tdir);
        for (uint32_t j = 0; j < nn; j++) {
            if (!rsrc_entry(&r, tdir, j, &nk, &ndir, &d) || !d)
                continue;
            uint32_t nl = rsrc_count(&r, ndir);
            for (uint32_t k = 0; k < nl; k++) {
                if (!rsrc_entry(&r, ndir, k, &lk, &leaf, &d) || d || lk.name ||
                    !rsrc_data(&r, leaf, &rva, &size))
                    continue;
                const uint8_t *data = pe_at_rva(&pe, rva, size);
                if (!data)
                    return ERROR_BAD_EXE_FORMAT;
                if ((err = state_add(st, &tk, &nk, lk.id, data, size)))
                    return err;
            }
        }
    }
    return 0;
}

static HANDLE begin_update(const void *file, bool wide, BOOL delete_existing)
{
    arena_init();
    if (!file)
        return ws_null(ERROR_INVALID_PARAMETER);
    struct upath path;
    DWORD err = path_from(file, wide, 0, &path);
    if (err)
        return ws_null(err);
    uint8_t *buf = NULL;
    size_t len = 0;
    int fd = open(path.buf, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        err = path_error(errno, path.buf);
    } else {
        err = read_all(fd, &buf, &len);
        close(fd);
    }
    struct pe_file pe;
    if (!err)
        err = pe_parse(buf, len, &pe);
    struct upd_state *st = NULL;
    if (!err && !(st = calloc(1, sizeof *st)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err && !(st->path = strdup(path.buf)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err && !delete_existing)
        err = state_load(st, buf, len);
    free(buf);
    path_free(&path);
    if (err) {
        state_free(st);
        return ws_null(err);
    }
    struct object *o = object_new(&updres_type, 0, 0, &err);
    if (!o) {
        state_free(st);
        return ws_null(err);
    }
    struct updres *u = (struct updres *)o;
    u->pid = file_pid();
    u->tag = shm_self_tag();
    u->st = st;
    object_handle_open(o); /* from here on, updres_last_close frees st */
    HANDLE h = NULL;
    if ((err = handle_insert(o, SYNCHRONIZE, 0, &h))) {
        object_handle_close(o);
        object_unref(o);
        return ws_null(err);
    }
    return h;
}

WS_EXPORT HANDLE WINAPI BeginUpdateResourceA(LPCSTR file, BOOL delete_existing)
{
    return begin_update(file, false, delete_existing);
}

WS_EXPORT HANDLE WINAPI BeginUpdateResourceW(LPCWSTR file, BOOL delete_existing)
{
    return begin_update(file, true, delete_existing);
}

/* The update object of h, locked, with its state; ERROR_INVALID_HANDLE
 * for any other handle (or one another process made). */
static DWORD update_lock(HANDLE h, struct updres **out)
{
    struct object *o = NULL;
    DWORD err = handle_ref(h, &updres_type, 0, &o, NULL);
    if (err)
        return err;
    struct updres *u = (struct updres *)o;
    if (!proc_is_self(u->pid, u->tag)) {
        object_unref(o);
        return ERROR_INVALID_HANDLE;
    }
    wordlock_lock(&u->lock);
    if (!u->st) {
        wordlock_unlock(&u->lock);
        object_unref(o);
        return ERROR_INVALID_HANDLE;
    }
    *out = u;
    return 0;
}

static void update_unlock(struct updres *u)
{
    wordlock_unlock(&u->lock);
    object_unref(&u->hdr);
}

static BOOL update_resource(HANDLE h, const void *type, const void *name, WORD lang,
                            const void *data, DWORD size, bool wide)
{
    struct updres *u;
    DWORD err = update_lock(h, &u);
    if (err)
        return ws_bool(err);
    struct res_key tk, nk;
    WCHAR *town = NULL, *nown = NULL;
    if (!data && size)
        err = ERROR_INVALID_PARAMETER;
    if (!err)
        err = key_from(type, wide, &tk, &town);
    if (!err)
        err = key_from(name, wide, &nk, &nown);
    if (!err) {
        struct upd_state *st = u->st;
        size_t i = 0;
        while (i < st->n && !(st->items[i].lang == lang && !res_key_cmp(&st->items[i].type, &tk) &&
                              !res_key_cmp(&st->items[i].name, &nk)))
            i++;
        if (i < st->n) { /* replace or delete */
            item_free(&st->items[i]);
            st->items[i] = st->items[--st->n];
        }
        if (data)
            err = state_add(st, &tk, &nk, lang, data, size);
    }
    free(town);
    free(nown);
    update_unlock(u);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI UpdateResourceA(HANDLE h, LPCSTR type, LPCSTR name, WORD lang,
                                      LPVOID data, DWORD size)
{
    return update_resource(h, type, name, lang, data, size, false);
}

WS_EXPORT BOOL WINAPI UpdateResourceW(HANDLE h, LPCWSTR type, LPCWSTR name, WORD lang,
                                      LPVOID data, DWORD size)
{
    return update_resource(h, type, name, lang, data, size, true);
}

/* The file rewritten with st's resources, in place (the same inode, so
 * links and permissions stay). */
static DWORD write_file(struct upd_state *st)
{
    int fd = open(st->path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return path_error(errno, st->path);
    uint8_t *buf = NULL;
    size_t len = 0;
    DWORD err = read_all(fd, &buf, &len);
    if (!err)
        err = pe_rewrite(&buf, &len, st->items, st->n);
    for (size_t done = 0; !err && done < len;) {
        ssize_t w = pwrite(fd, buf + done, len - done, (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            err = w < 0 ? ws_errno_to_win32(errno) : ERROR_WRITE_FAULT;
        else
            done += (size_t)w;
    }
    if (!err && ftruncate(fd, (off_t)len))
        err = ws_errno_to_win32(errno);
    free(buf);
    if (close(fd) && !err)
        err = ws_errno_to_win32(errno);
    return err;
}

static BOOL end_update(HANDLE h, BOOL discard)
{
    struct updres *u;
    DWORD err = update_lock(h, &u);
    if (err)
        return ws_bool(err);
    if (!discard)
        err = write_file(u->st);
    state_free(u->st);
    u->st = NULL;
    update_unlock(u);
    CloseHandle(h);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI EndUpdateResourceA(HANDLE h, BOOL discard)
{
    return end_update(h, discard);
}

WS_EXPORT BOOL WINAPI EndUpdateResourceW(HANDLE h, BOOL discard)
{
    return end_update(h, discard);
}
