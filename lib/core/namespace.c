/*
 * Named objects: parsing Win32 object names into namespace keys, the name
 * table, and the create-or-open / open paths every kind shares.
 *
 * Names (Windows' kernel object namespaces, for a process in session 1):
 *   "name", "Local\name", "Session\1\name"  the session namespace  "S1\name"
 *   "Global\name", "Session\0\name"         the global namespace   "G\name"
 *   "Session\N\name"                        session N's namespace  "SN\name"
 * Names are case-sensitive, as kernel32 does not ask for case-insensitive
 * lookups; so are the prefixes.  A backslash anywhere else names a
 * directory that does not exist: ERROR_PATH_NOT_FOUND.  More than MAX_PATH
 * characters: ERROR_FILENAME_EXCED_RANGE.
 *
 * The table lives in the arena (buckets and records are arena blocks linked
 * by offsets) so that it moves into shared memory with the objects.  One
 * lock, the arena's ns_lock, guards it; create-or-open is one critical
 * section, so two racing creators of one name get one object.  An object
 * loses its name when its handle count reaches 0, under the same lock
 * (object_handle_close), so a lookup can never find a dying object.
 */
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cell.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/names.h"
#include "core/object.h"
#include "core/security.h"
#include "core/self.h"
#include "core/shm.h"
#include "core/unicode.h"
#include "core/wait.h"

#define NS_BUCKETS 2048
#define SESSION_ID 1

struct name_rec {
    aoff_t next;    /* next record in the bucket */
    uint32_t hash;
    aoff_t obj;     /* the named object */
    uint32_t len;   /* UTF-16 units in key */
    WCHAR key[];
};

uint64_t namespace_layout_mix(uint64_t h)
{
    static const uint32_t v[] = {
        NS_BUCKETS,
        LAYOUT_SIZE(struct name_rec),
        LAYOUT_FIELD(struct name_rec, next),
        LAYOUT_FIELD(struct name_rec, hash),
        LAYOUT_FIELD(struct name_rec, obj),
        LAYOUT_FIELD(struct name_rec, len),
        (uint32_t)offsetof(struct name_rec, key),
    };
    return layout_mix(h, v, sizeof v / sizeof *v);
}

static const WCHAR W_GLOBAL[] = {'G', 'l', 'o', 'b', 'a', 'l', '\\'};
static const WCHAR W_LOCAL[] = {'L', 'o', 'c', 'a', 'l', '\\'};
static const WCHAR W_SESSION[] = {'S', 'e', 's', 's', 'i', 'o', 'n', '\\'};

static bool has_prefix(const WCHAR *s, size_t len, const WCHAR *p, size_t plen)
{
    return len >= plen && memcmp(s, p, plen * sizeof(WCHAR)) == 0;
}

/* Writes "G\" or "S<n>\" into out->buf. */
static void put_namespace(struct ws_name *out, bool global, uint32_t session)
{
    out->len = 0;
    if (global) {
        out->buf[out->len++] = 'G';
    } else {
        char digits[16];
        int n = 0;
        do
            digits[n++] = (char)('0' + session % 10);
        while ((session /= 10) && n < 15);
        out->buf[out->len++] = 'S';
        while (n)
            out->buf[out->len++] = (WCHAR)digits[--n];
    }
    out->buf[out->len++] = '\\';
}

static bool is_word(const WCHAR *s, size_t len, const WCHAR *w, size_t wlen)
{
    return len == wlen && memcmp(s, w, wlen * sizeof(WCHAR)) == 0;
}

void name_free(struct ws_name *n)
{
    if (n->buf && n->buf != n->small)
        free(n->buf);
    n->buf = NULL;
}

DWORD name_parse_w(LPCWSTR name, struct ws_name *out, bool *named)
{
    *named = false;
    out->buf = NULL;
    if (!name || !*name)
        return ERROR_SUCCESS; /* "" creates an unnamed object */
    size_t len = wstrlen(name);
    if (len > NAME_MAX_W)
        len = NAME_MAX_W;
    if (name[0] == '\\')
        return ERROR_BAD_PATHNAME;
    /* The namespace links themselves are not events, mutexes...: a type
     * mismatch. */
    if (is_word(name, len, W_GLOBAL, 6) || is_word(name, len, W_LOCAL, 5) ||
        is_word(name, len, W_SESSION, 7))
        return ERROR_INVALID_HANDLE;

    const WCHAR *rest = name;
    bool global = false;
    uint32_t session = SESSION_ID;
    if (has_prefix(name, len, W_GLOBAL, 7)) {
        global = true;
        rest += 7;
    } else if (has_prefix(name, len, W_LOCAL, 6)) {
        rest += 6;
    } else if (has_prefix(name, len, W_SESSION, 8)) {
        const WCHAR *p = name + 8, *end = name + len;
        uint64_t n = 0;
        if (p == end || *p < '0' || *p > '9')
            return ERROR_PATH_NOT_FOUND;
        while (p < end && *p >= '0' && *p <= '9' && n <= 0xffffffffu)
            n = n * 10 + (uint32_t)(*p++ - '0');
        if (p == end || *p != '\\' || n > 0xffffffffu)
            return ERROR_PATH_NOT_FOUND;
        session = (uint32_t)n;
        global = session == 0;
        rest = p + 1;
    }
    size_t rlen = len - (size_t)(rest - name);
    if (rlen == 0)
        return ERROR_INVALID_NAME;
    for (size_t i = 0; i < rlen; i++)
        if (rest[i] == '\\')
            return ERROR_PATH_NOT_FOUND;

    out->buf = out->small;
    if (rlen + 16 > sizeof out->small / sizeof(WCHAR)) {
        out->buf = malloc((rlen + 16) * sizeof(WCHAR));
        if (!out->buf)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    put_namespace(out, global, session);
    memcpy(out->buf + out->len, rest, rlen * sizeof(WCHAR));
    out->len += (uint32_t)rlen;
    *named = true;
    return ERROR_SUCCESS;
}

/* ANSI names go through a MAX_PATH buffer, as in Windows' kernel32: a
 * longer one is ERROR_FILENAME_EXCED_RANGE. */
DWORD name_parse_a(LPCSTR name, struct ws_name *out, bool *named)
{
    WCHAR w[MAX_PATH + 2];
    *named = false;
    out->buf = NULL;
    if (!name)
        return ERROR_SUCCESS;
    int n = utf8_to_utf16(name, w, MAX_PATH + 2);
    if (n < 0 || n > MAX_PATH) /* it fails only when the buffer is full */
        return ERROR_FILENAME_EXCED_RANGE;
    return name_parse_w(w, out, named);
}

/* ---- the table ---- */

static uint32_t name_hash(const struct ws_name *n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n->len; i++)
        h = (h ^ n->buf[i]) * 16777619u;
    return h;
}

void ns_lock(void)
{
    wordlock_lock(&arena_hdr()->ns_lock);
    ws_tsan_xproc_acquire(); /* names other processes made */
}

void ns_unlock(void)
{
    ws_tsan_xproc_release(); /* what other processes may now open */
    wordlock_unlock(&arena_hdr()->ns_lock);
}

/* Under ns_lock.  NULL when the buckets cannot be allocated. */
static aoff_t *buckets(void)
{
    struct arena_header *h = arena_hdr();
    if (!h->ns_buckets) {
        void *b = arena_alloc(NS_BUCKETS * sizeof(aoff_t));
        if (!b)
            return NULL;
        h->ns_buckets = arena_off(b);
    }
    return arena_ptr(h->ns_buckets);
}

static struct name_rec *lookup_locked(aoff_t *b, const struct ws_name *n,
                                      uint32_t hash)
{
    for (aoff_t off = b[hash % NS_BUCKETS]; off;) {
        struct name_rec *r = arena_ptr(off);
        if (r->hash == hash && r->len == n->len &&
            memcmp(r->key, n->buf, n->len * sizeof(WCHAR)) == 0)
            return r;
        off = r->next;
    }
    return NULL;
}

static size_t rec_size(uint32_t len)
{
    return sizeof(struct name_rec) + len * sizeof(WCHAR);
}

/* Under ns_lock: a new handle count and reference on the named object,
 * which must be of `type`. */
static DWORD take_named_locked(struct name_rec *r, const struct object_type *type,
                               struct object **out)
{
    struct object *o = arena_ptr(r->obj);
    if (object_type_of(o) != type)
        return ERROR_INVALID_HANDLE;
    object_ref(o);
    handle_intent_open(o);
    *out = o;
    return ERROR_SUCCESS;
}

/* Under ns_lock: gives o (one reference, one handle count from here on)
 * the name; false when the record cannot be allocated. */
static bool name_insert_locked(aoff_t *b, const struct ws_name *name, uint32_t hash,
                               struct object *o)
{
    struct name_rec *r = arena_alloc(rec_size(name->len));
    if (!r)
        return false;
    r->hash = hash;
    r->len = name->len;
    memcpy(r->key, name->buf, name->len * sizeof(WCHAR));
    r->obj = arena_off(o);
    r->next = b[hash % NS_BUCKETS];
    /* Counted (and in the intent record) before it is named, and named by
     * one last store: a process killed in between leaves an object its
     * reaper can drop, never a name with no count. */
    handle_intent_open(o);
    o->name = arena_off(r);
    o->obj_flags |= OBJ_NAMED;
    b[hash % NS_BUCKETS] = arena_off(r);
    return true;
}

/* Under ns_lock, a name not in the session: another user's granted object
 * of that name (cell.c), or a new object, granted to others when sa's
 * DACL says so. */
static DWORD make_named_locked(const struct ws_name *name, const struct object_type *type,
                               object_maker make, void *ctx, const struct grant *g,
                               struct object **out, bool *existed)
{
    DWORD err = ERROR_SUCCESS;
    *existed = false;
    if (cell_kind(type)) {
        err = cell_lookup(name, type, out, NULL);
        if (err != ERROR_FILE_NOT_FOUND) {
            *existed = !err;
            return err;
        }
        if (g && grant_reaches_others(g))
            return cell_create(name, type, ctx, g, out, existed);
    }
    err = ERROR_SUCCESS;
    *out = make(ctx, &err);
    return err;
}

DWORD ns_create(const struct ws_name *name, const struct object_type *type,
                object_maker make, void *ctx, const struct grant *g,
                struct object **out, bool *existed)
{
    uint32_t hash = name_hash(name);
    DWORD err = ERROR_SUCCESS;
    arena_init();
    (void)thread_current(); /* its intent record, before the lock */
    shm_deathwatch_start();
    ns_lock();
    aoff_t *b = buckets();
    if (!b) {
        ns_unlock();
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    struct name_rec *r = lookup_locked(b, name, hash);
    if (r) {
        err = take_named_locked(r, type, out);
        *existed = !err;
        ns_unlock();
        return err;
    }
    struct object *o = NULL;
    err = make_named_locked(name, type, make, ctx, g, &o, existed);
    if (!err && !name_insert_locked(b, name, hash, o)) {
        object_unref(o);
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!err)
        *out = o;
    ns_unlock();
    return err;
}

DWORD ns_open(const struct ws_name *name, const struct object_type *type,
              struct object **found)
{
    uint32_t hash = name_hash(name);
    DWORD err = ERROR_FILE_NOT_FOUND;
    arena_init();
    (void)thread_current(); /* its intent record, before the lock */
    shm_deathwatch_start();
    ns_lock();
    aoff_t *b = buckets();
    struct name_rec *r = b ? lookup_locked(b, name, hash) : NULL;
    if (r) {
        err = take_named_locked(r, type, found);
    } else if (b && cell_kind(type)) {
        struct object *o;
        err = cell_lookup(name, type, &o, NULL);
        if (!err && !name_insert_locked(b, name, hash, o)) {
            object_unref(o);
            err = ERROR_NOT_ENOUGH_MEMORY;
        }
        if (!err)
            *found = o;
    }
    ns_unlock();
    return err;
}

void ns_enum(const struct object_type *type, const WCHAR *prefix, uint32_t plen,
             void (*fn)(const struct object *o, void *ctx), void *ctx)
{
    arena_init();
    ns_lock();
    aoff_t *b = buckets();
    for (uint32_t i = 0; b && i < NS_BUCKETS; i++)
        for (aoff_t off = b[i]; off;) {
            struct name_rec *r = arena_ptr(off);
            struct object *o = arena_ptr(r->obj);
            if (object_type_of(o) == type && r->len >= plen &&
                !memcmp(r->key, prefix, plen * sizeof(WCHAR)))
                fn(o, ctx);
            off = r->next;
        }
    ns_unlock();
}

void ns_key_of(const struct object *o, const WCHAR **key, uint32_t *len)
{
    struct name_rec *r = arena_ptr(o->name);
    *key = r ? r->key : NULL;
    *len = r ? r->len : 0;
}

void ns_remove_locked(struct object *o)
{
    struct name_rec *r = arena_ptr(o->name);
    aoff_t *b = arena_ptr(arena_hdr()->ns_buckets);
    aoff_t *link = &b[r->hash % NS_BUCKETS];
    while (*link && *link != o->name)
        link = &((struct name_rec *)arena_ptr(*link))->next;
    if (*link) /* else its creator was killed before publishing it */
        *link = r->next;
    o->name = 0;
    arena_free(r, rec_size(r->len));
}

/* ---- the shared Create* / Open* paths ---- */

static DWORD parse(LPCWSTR wname, LPCSTR aname, bool ansi, struct ws_name *n,
                   bool *named)
{
    return ansi ? name_parse_a(aname, n, named) : name_parse_w(wname, n, named);
}

/* A handle for o, which the caller holds one handle count and reference
 * on; they are dropped again when no handle can be made. */
DWORD handle_insert_or_drop(struct object *o, ACCESS_MASK access, BOOL inherit,
                            HANDLE *h)
{
    DWORD err = handle_insert(o, access, inherit ? HANDLE_FLAG_INHERIT : 0, h);
    if (err) {
        object_handle_close(o);
        object_unref(o);
    }
    return err;
}

HANDLE object_create_handle(const struct object_type *type, object_maker make,
                            void *ctx, LPCWSTR wname, LPCSTR aname, bool ansi,
                            ACCESS_MASK access, const SECURITY_ATTRIBUTES *sa)
{
    struct ws_name name;
    bool named, existed = false;
    struct object *o = NULL;
    struct grant g;
    /* A descriptor is read even when the object gets no name: a malformed
     * one fails the call, as Windows captures it first.  (Without one,
     * only `present` is read: the rest stays unwritten.) */
    DWORD err = ERROR_SUCCESS;
    g.present = 0;
    if (sa && sa->lpSecurityDescriptor)
        err = security_grant(sa, type, &g);
    if (!err)
        err = parse(wname, aname, ansi, &name, &named);
    if (err)
        return ws_null(err);
    if (named) {
        err = ns_create(&name, type, make, ctx, &g, &o, &existed);
        name_free(&name);
    } else if ((o = make(ctx, &err))) {
        handle_intent_open(o);
    }
    if (err)
        return ws_null(err);
    ACCESS_MASK granted = object_map_access(type, access);
    if (existed && (o->obj_flags & OBJ_GRANTED) &&
        (err = cell_check_access(o, granted, &granted))) {
        object_handle_close(o);
        object_unref(o);
        return ws_null(err);
    }
    HANDLE h;
    if ((err = handle_insert_or_drop(o, granted, sa && sa->bInheritHandle, &h)))
        return ws_null(err);
    ws_set_last_error(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return h;
}

/* The Create*Ex shape shared by events, mutexes and timers: dwFlags bits
 * the kind does not define are ERROR_INVALID_PARAMETER; the flags are
 * make()'s context (a DWORD). */
HANDLE object_create_flagged(const struct object_type *type, object_maker make,
                             DWORD valid, DWORD flags, LPSECURITY_ATTRIBUTES sa,
                             ACCESS_MASK access, LPCWSTR wname, LPCSTR aname,
                             bool ansi)
{
    if (flags & ~valid)
        return ws_null(ERROR_INVALID_PARAMETER);
    return object_create_handle(type, make, &flags, wname, aname, ansi, access, sa);
}

/* Open* checks the request against the type: no access at all, or a
 * right the type does not define, is ERROR_ACCESS_DENIED;
 * ACCESS_SYSTEM_SECURITY needs a privilege we never hold. */
static DWORD open_access(const struct object_type *type, DWORD want,
                         ACCESS_MASK *out)
{
    const DWORD defined = type->valid_access | GENERIC_READ | GENERIC_WRITE |
                          GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED;
    if (want & ACCESS_SYSTEM_SECURITY)
        return ERROR_PRIVILEGE_NOT_HELD;
    if (!want || (want & ~defined))
        return ERROR_ACCESS_DENIED;
    *out = object_map_access(type, want);
    return ERROR_SUCCESS;
}

/* An object of the user's session has the default DACL (the creating
 * user and SYSTEM): a thread impersonating anyone else is refused, and
 * one impersonating at the identification level opens nothing. */
static DWORD session_open_as(void)
{
    uint32_t uid, gids[64], n;
    DWORD err = ws_hooks.thread_identity(&uid, gids, &n);
    if (err == ERROR_NO_TOKEN)
        return ERROR_SUCCESS;
    if (err)
        return err;
    return uid == (uint32_t)geteuid() || uid == 0 ? ERROR_SUCCESS : ERROR_ACCESS_DENIED;
}

HANDLE object_open_handle(const struct object_type *type, LPCWSTR wname,
                          LPCSTR aname, bool ansi, ACCESS_MASK access,
                          BOOL inherit)
{
    struct ws_name name;
    bool named;
    struct object *o;
    ACCESS_MASK granted;
    if (ansi ? !aname : !wname)
        return ws_null(ERROR_INVALID_PARAMETER);
    DWORD err = parse(wname, aname, ansi, &name, &named);
    if (err)
        return ws_null(err);
    if (!named) /* "": the namespace directory itself, not an event */
        return ws_null(ERROR_INVALID_HANDLE);
    err = ns_open(&name, type, &o);
    name_free(&name);
    if (err)
        return ws_null(err);
    ws_fault(FAULT_OPEN_COUNTED);
    if ((err = open_access(type, access, &granted)) ||
        (!(o->obj_flags & OBJ_GRANTED) && (err = session_open_as())) ||
        ((o->obj_flags & OBJ_GRANTED) && (err = cell_check_access(o, access & MAXIMUM_ALLOWED ? MAXIMUM_ALLOWED : granted, &granted)))) {
        object_handle_close(o);
        object_unref(o);
        return ws_null(err);
    }
    HANDLE h;
    if ((err = handle_insert_or_drop(o, granted, inherit, &h)))
        return ws_null(err);
    return h;
}
