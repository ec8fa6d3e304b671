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
 * by offsets) so that it moves into shared memory with the objects.  It is
 * a hash table of 2^k buckets (k from 8 to 24) that doubles when names
 * average four a bucket, so a lookup is O(1) from a few names to 2^24 and
 * more.  A bucket is one cache line: seven slots, each one word holding a
 * name's whole 32-bit hash and its record's offset, and the head of an
 * overflow chain of records for the rare eighth name; a lookup compares the
 * hashes in the line and reads a record only for a matching hash, so a
 * missing name (every create) costs the bucket's line and nothing else.
 * Locking is by stripe: NS_STRIPES word locks (breakable, like every
 * arena lock), a name's stripe the low bits of its hash.  Since the table
 * has at least NS_STRIPES buckets, a bucket's names all have one stripe, in
 * every size of the table.  Create-or-open is one critical section under
 * the name's stripe, so two racing creators of one name get one object, and
 * an object loses its name when its handle count reaches 0 under the same
 * stripe (object_handle_close), so a lookup can never find a dying object;
 * names of other stripes go on meanwhile.
 *
 * Invariants (each change is one store, so a process killed anywhere
 * leaves a table every lookup walks correctly):
 *   - the table word (ns_table) names the bucket directory, k, and which
 *     of a record's two links (next[0], next[1]) overflow chains use;
 *   - under a stripe's lock, a name is added by one store (of a free slot,
 *     hash and offset in one word, or of the overflow head) and removed by
 *     one store (0 in its slot, or its predecessor's link);
 *   - the table grows with every stripe lock held (ns_lock first, then the
 *     stripes in order; nobody else ever holds two): the new buckets' slots
 *     are filled with copies of the slot words, their overflow chains use
 *     the OTHER link of each record, so the current table is untouched, and
 *     one store of the table word switches to the new one.
 *     Killed before that store, the old table stands (the half-built one
 *     leaks); after it, the old directory is garbage (it leaks if killed
 *     before it is freed).
 */
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#define SESSION_ID 1
#define NS_STRIPES 256
#define NS_LOG_MIN 8       /* 256 buckets (16 KiB) to start: one a stripe */
#define NS_LOG_MAX 24
#define NS_CHUNK_LOG 11    /* 2 Ki buckets of 64 bytes: the largest arena block */
#define NS_LOAD 4          /* names a bucket, on average, before growing */
#define NS_SLOTS 7         /* names a bucket holds inline */

struct ns_stripe {
    struct wordlock lock;
    uint32_t count; /* names of this stripe, under its lock */
};

/* One cache line: the names of the bucket as (hash << 32 | record) words,
 * so that a lookup compares hashes in the line and reads a record only
 * when its whole hash matches; more than NS_SLOTS names chain from over. */
struct ns_bucket {
    uint64_t slot[NS_SLOTS]; /* 0: free */
    aoff_t over;             /* more records, through next[] as ns_table says */
    uint32_t spare;
};

struct name_rec {
    aoff_t next[2]; /* next record in the bucket's overflow; ns_table says which */
    uint32_t hash;
    aoff_t obj;     /* the named object */
    uint32_t len;   /* UTF-16 units in key */
    WCHAR key[];
};

uint64_t namespace_layout_mix(uint64_t h)
{
    static const uint32_t v[] = {
        NS_STRIPES, NS_LOG_MIN, NS_LOG_MAX, NS_CHUNK_LOG, NS_SLOTS,
        LAYOUT_SIZE(struct ns_bucket),
        LAYOUT_FIELD(struct ns_bucket, slot),
        LAYOUT_FIELD(struct ns_bucket, over),
        LAYOUT_SIZE(struct ns_stripe),
        LAYOUT_FIELD(struct ns_stripe, lock),
        LAYOUT_FIELD(struct ns_stripe, count),
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

/* The first n units of s are w's (s has at least n units). */
static bool same_units(const WCHAR *s, const WCHAR *w, size_t n)
{
    return memcmp(s, w, n * sizeof(WCHAR)) == 0;
}

void name_free(struct ws_name *n)
{
    if (n->buf && n->buf != n->small)
        free(n->buf);
    n->buf = NULL;
}

#define NO_BACKSLASH SIZE_MAX

/* One pass over a W name: its length, cut at NAME_MAX_W, and its first
 * and last backslash within that (NO_BACKSLASH: none), which is all the
 * parser needs to judge the prefix and the rest. */
static size_t name_scan_units(const WCHAR *s, size_t *first, size_t *last)
{
    size_t f = NO_BACKSLASH, l = NO_BACKSLASH, i;
    for (i = 0; i < NAME_MAX_W && s[i]; i++)
        if (s[i] == '\\') {
            if (f == NO_BACKSLASH)
                f = i;
            l = i;
        }
    *first = f;
    *last = l;
    return i;
}

/* Eight units a step where SSE2 is there: 16-byte loads aligned down
 * from s, which never cross a page (so never fault where the name's own
 * page does not), with the bytes before s and from the terminator on
 * masked off, as C libraries' strlen does.  The sanitizers would rightly
 * see the reads beyond the string, so their builds (and odd addresses)
 * take the unit loop. */
#if defined(__SSE2__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define NAME_SCAN_SSE2 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#undef NAME_SCAN_SSE2
#endif
#endif

static size_t name_scan(const WCHAR *s, size_t *first, size_t *last)
{
#if defined(NAME_SCAN_SSE2)
    if (WS_LIKELY(!((uintptr_t)s & 1))) {
        const char *base = (const char *)((uintptr_t)s & ~(uintptr_t)15);
        uint32_t skip = (uint32_t)((const char *)s - base); /* bytes */
        const __m128i zero = _mm_setzero_si128(), bs = _mm_set1_epi16('\\');
        uint32_t f = UINT32_MAX, l = 0; /* byte offsets from base */
        uint32_t keep = ~0u << skip;
        for (uint32_t off = 0;; off += 16) {
            __m128i v = _mm_load_si128((const __m128i *)(base + off));
            uint32_t z = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi16(v, zero)) & keep;
            uint32_t b = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi16(v, bs)) & keep;
            keep = ~0u;
            if (z)
                b &= (z & -z) - 1; /* none at or after the terminator */
            if (b) {
                if (f == UINT32_MAX)
                    f = off + (uint32_t)__builtin_ctz(b);
                l = off + 31 - (uint32_t)__builtin_clz(b);
            }
            if (z) {
                size_t len = (off + (uint32_t)__builtin_ctz(z) - skip) / 2;
                if (WS_UNLIKELY(len > NAME_MAX_W))
                    break; /* to be cut: the unit loop cuts it */
                *first = f == UINT32_MAX ? NO_BACKSLASH : (f - skip) / 2;
                *last = f == UINT32_MAX ? NO_BACKSLASH : (l - skip) / 2;
                return len;
            }
            if (WS_UNLIKELY(off > NAME_MAX_W * sizeof(WCHAR)))
                break;
        }
    }
#endif
    return name_scan_units(s, first, last);
}

/* A name is judged in one pass (name_scan), then by its first
 * backslash: none: the session namespace, unless the name is one of the
 * namespace links; one that ends "Local", "Global" or "Session\N" (the
 * digits up to the second backslash): that namespace; anywhere else: a
 * directory that does not exist.  No backslash may follow the prefix. */
DWORD name_parse_w(LPCWSTR name, struct ws_name *out, bool *named)
{
    *named = false;
    out->buf = NULL;
    if (!name || !*name)
        return ERROR_SUCCESS; /* "" creates an unnamed object */
    if (name[0] == '\\')
        return ERROR_BAD_PATHNAME;
    size_t first, last;
    size_t len = name_scan(name, &first, &last);
    const WCHAR *rest = name;
    bool global = false;
    uint32_t session = SESSION_ID;
    if (first == NO_BACKSLASH) {
        /* The namespace links themselves are not events, mutexes...: a
         * type mismatch. */
        if ((len == 6 && same_units(name, W_GLOBAL, 6)) ||
            (len == 5 && same_units(name, W_LOCAL, 5)) ||
            (len == 7 && same_units(name, W_SESSION, 7)))
            return ERROR_INVALID_HANDLE;
    } else if (first == 5 && same_units(name, W_LOCAL, 5)) {
        rest += 6;
    } else if (first == 6 && same_units(name, W_GLOBAL, 6)) {
        global = true;
        rest += 7;
    } else if (first == 7 && same_units(name, W_SESSION, 7)) {
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
    } else {
        return ERROR_PATH_NOT_FOUND;
    }
    size_t rlen = len - (size_t)(rest - name);
    if (rlen == 0)
        return ERROR_INVALID_NAME;
    if (last != NO_BACKSLASH && name + last >= rest)
        return ERROR_PATH_NOT_FOUND;

    out->buf = out->small;
    if (rlen + 16 > sizeof out->small / sizeof(WCHAR)) {
        out->buf = malloc((rlen + 16) * sizeof(WCHAR));
        if (!out->buf)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!global && session == SESSION_ID) { /* the common case: "S1\" */
        static const WCHAR s1[] = {'S', '0' + SESSION_ID, '\\'};
        memcpy(out->buf, s1, sizeof s1);
        out->len = 3;
    } else {
        put_namespace(out, global, session);
    }
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
    /* ASCII, the usual name, is its own UTF-16: widened as it is read,
     * up to MAX_PATH + 1 characters (too long either way). */
    const unsigned char *a = (const unsigned char *)name;
    size_t i = 0;
    while (i <= MAX_PATH && a[i] && a[i] < 0x80) {
        w[i] = a[i];
        i++;
    }
    if (i > MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE;
    if (!a[i]) {
        w[i] = 0;
        return name_parse_w(w, out, named);
    }
    int n = utf8_to_utf16(name, w, MAX_PATH + 2);
    if (n < 0 || n > MAX_PATH) /* it fails only when the buffer is full */
        return ERROR_FILENAME_EXCED_RANGE;
    return name_parse_w(w, out, named);
}

/* ---- the table ---- */

/* Eight bytes (four UTF-16 units) a step, each mixed in by a multiply
 * and a shift (a character a step cost a third of an OpenEvent), then
 * folded to 32 bits and finalised: the low bits pick the stripe and the
 * bucket.  Stored in name records: a change bumps ARENA_VERSION. */
static uint32_t name_hash(const struct ws_name *n)
{
    const unsigned char *p = (const unsigned char *)n->buf;
    size_t left = (size_t)n->len * sizeof(WCHAR);
    uint64_t x = 0x9e3779b97f4a7c15ull ^ left, v;
    for (; left >= 8; p += 8, left -= 8) {
        memcpy(&v, p, 8);
        x = (x ^ v) * 0xff51afd7ed558ccdull;
        x ^= x >> 29;
    }
    if (left) { /* 2, 4 or 6 bytes, as a memcpy into v reads them little-endian */
        uint32_t lo = 0;
        uint16_t hi = 0;
        if (left >= 4) {
            memcpy(&lo, p, 4);
            if (left == 6)
                memcpy(&hi, p + 4, 2);
        } else {
            memcpy(&hi, p, 2);
        }
        v = left >= 4 ? (uint64_t)hi << 32 | lo : hi;
        x = (x ^ v) * 0xff51afd7ed558ccdull;
        x ^= x >> 29;
    }
    uint32_t h = (uint32_t)(x ^ (x >> 32));
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return h;
}

/* ---- the table ---- */

#define NT_OFF(t) ((aoff_t)(t))
#define NT_LOG(t) ((uint32_t)((t) >> 32) & 0x3f)
#define NT_LINK(t) ((uint32_t)((t) >> 38) & 1)

static uint64_t nt_word(aoff_t dir, uint32_t log, uint32_t link)
{
    return (uint64_t)link << 38 | (uint64_t)log << 32 | dir;
}

static struct ns_stripe *stripes(void)
{
    return arena_ptr(arena_hdr()->ns_stripes);
}

/* The bucket of hash in table t. */
static inline __attribute__((always_inline)) struct ns_bucket *bucket_of(uint64_t t, uint32_t hash)
{
    uint32_t b = hash & ((1u << NT_LOG(t)) - 1);
    aoff_t *dir = arena_ptr(NT_OFF(t));
    uint32_t clog = NT_LOG(t) < NS_CHUNK_LOG ? NT_LOG(t) : NS_CHUNK_LOG;
    struct ns_bucket *chunk = arena_ptr(dir[b >> clog]);
    return &chunk[b & ((1u << clog) - 1)];
}

static size_t chunk_size(uint32_t clog)
{
    return sizeof(struct ns_bucket) << clog;
}

/* A directory of 2^log empty buckets; 0 when the arena is full. */
static aoff_t table_new(uint32_t log)
{
    uint32_t clog = log < NS_CHUNK_LOG ? log : NS_CHUNK_LOG;
    uint32_t nchunks = 1u << (log - clog);
    aoff_t *dir = arena_alloc(nchunks * sizeof(aoff_t));
    if (!dir)
        return 0;
    for (uint32_t i = 0; i < nchunks; i++) {
        void *c = arena_alloc(chunk_size(clog));
        if (!c) {
            while (i-- > 0)
                arena_free(arena_ptr(dir[i]), chunk_size(clog));
            arena_free(dir, nchunks * sizeof(aoff_t));
            return 0;
        }
        memset(c, 0, chunk_size(clog));
        dir[i] = arena_off(c);
    }
    return arena_off(dir);
}

static void table_free(aoff_t off, uint32_t log)
{
    uint32_t clog = log < NS_CHUNK_LOG ? log : NS_CHUNK_LOG;
    uint32_t nchunks = 1u << (log - clog);
    aoff_t *dir = arena_ptr(off);
    for (uint32_t i = 0; i < nchunks; i++)
        arena_free(arena_ptr(dir[i]), chunk_size(clog));
    arena_free(dir, nchunks * sizeof(aoff_t));
}

static uint64_t slot_word(uint32_t hash, aoff_t rec)
{
    return (uint64_t)hash << 32 | rec;
}

/* Links record off (of that hash) into bucket b, whose overflow chains
 * use link: one store, a free slot's or the overflow head's. */
static void bucket_add(struct ns_bucket *b, uint32_t link, aoff_t off, uint32_t hash)
{
    for (uint32_t i = 0; i < NS_SLOTS; i++)
        if (!(aoff_t)b->slot[i]) {
            __atomic_store_n(&b->slot[i], slot_word(hash, off), __ATOMIC_RELAXED);
            return;
        }
    ((struct name_rec *)arena_ptr(off))->next[link] = b->over;
    __atomic_store_n(&b->over, off, __ATOMIC_RELAXED);
}

/* The table, made the first time; false when the arena is full. */
static __attribute__((noinline)) bool table_make(void)
{
    struct arena_header *h = arena_hdr();
    wordlock_lock(&h->ns_lock);
    bool ok = true;
    if (!atomic_load_explicit(&h->ns_table, memory_order_relaxed)) {
        if (!h->ns_stripes) {
            struct ns_stripe *st = arena_alloc(NS_STRIPES * sizeof *st);
            if (st) {
                memset(st, 0, NS_STRIPES * sizeof *st);
                h->ns_stripes = arena_off(st);
            }
        }
        aoff_t dir = h->ns_stripes ? table_new(NS_LOG_MIN) : 0;
        if (dir)
            atomic_store_explicit(&h->ns_table, nt_word(dir, NS_LOG_MIN, 0),
                                  memory_order_release);
        ok = dir != 0;
    }
    wordlock_unlock(&h->ns_lock);
    return ok;
}

static inline bool table_ready(void)
{
    return WS_LIKELY(atomic_load_explicit(&arena_hdr()->ns_table, memory_order_acquire)) ||
           table_make();
}

static uint32_t stripe_of(uint32_t hash)
{
    return hash & (NS_STRIPES - 1);
}

static void stripe_lock(uint32_t s)
{
    wordlock_lock(&stripes()[s].lock);
    ws_tsan_xproc_acquire(); /* names other processes made */
}

static void stripe_unlock(uint32_t s)
{
    ws_tsan_xproc_release(); /* what other processes may now open */
    wordlock_unlock(&stripes()[s].lock);
}

uint32_t ns_lock_of(const struct object *o)
{
    const struct name_rec *r = arena_ptr(o->name);
    uint32_t s = stripe_of(r->hash);
    stripe_lock(s);
    return s;
}

bool ns_remove_if_unused(struct object *o)
{
    aoff_t name = __atomic_load_n(&o->name, __ATOMIC_RELAXED); /* checked under the lock */
    if (!arena_off_plausible(name))
        return false;
    /* The record may be freed meanwhile: then its stripe is any, and the
     * name is no longer o's, which is checked under the lock. */
    uint32_t s = stripe_of(((const struct name_rec *)arena_ptr(name))->hash);
    stripe_lock(s);
    bool gone = o->name == name && stripe_of(((const struct name_rec *)arena_ptr(name))->hash) == s &&
                !object_handle_count(o);
    if (gone)
        ns_remove_locked(o);
    stripe_unlock(s);
    return gone;
}

void ns_unlock_of(uint32_t stripe)
{
    stripe_unlock(stripe);
}

/* Doubles the table if names average more than NS_LOAD a bucket: every
 * stripe held (see the invariants).  Called with none held. */
static void table_grow(void)
{
    struct arena_header *h = arena_hdr();
    /* A stripe over its share says nothing of the whole (at a few names a
     * stripe, some always are): a sum read without locks first, so that a
     * table that need not grow costs no 256 locks per insert. */
    uint64_t names = 0;
    for (uint32_t s = 0; s < NS_STRIPES; s++)
        names += __atomic_load_n(&stripes()[s].count, __ATOMIC_RELAXED);
    if (names <= ((uint64_t)NS_LOAD << NT_LOG(atomic_load_explicit(&h->ns_table,
                                                                    memory_order_relaxed))))
        return;
    wordlock_lock(&h->ns_lock);
    for (uint32_t s = 0; s < NS_STRIPES; s++)
        stripe_lock(s);
    uint64_t t = atomic_load_explicit(&h->ns_table, memory_order_relaxed);
    uint32_t log = NT_LOG(t), link = NT_LINK(t);
    names = 0;
    for (uint32_t s = 0; s < NS_STRIPES; s++)
        names += stripes()[s].count;
    aoff_t dir = 0;
    ws_fault(FAULT_GROW_LOCKED);
    if (log < NS_LOG_MAX && names > ((uint64_t)NS_LOAD << log))
        dir = table_new(log + 1);
    if (dir) {
        uint64_t nt = nt_word(dir, log + 1, link ^ 1);
        for (uint32_t b = 0; b < (1u << log); b++) {
            const struct ns_bucket *ob = bucket_of(t, b);
            for (uint32_t i = 0; i < NS_SLOTS; i++)
                if ((aoff_t)ob->slot[i])
                    bucket_add(bucket_of(nt, (uint32_t)(ob->slot[i] >> 32)), link ^ 1,
                               (aoff_t)ob->slot[i], (uint32_t)(ob->slot[i] >> 32));
            for (aoff_t off = ob->over; off;) {
                struct name_rec *r = arena_ptr(off);
                bucket_add(bucket_of(nt, r->hash), link ^ 1, off, r->hash);
                off = r->next[link];
            }
        }
        ws_fault(FAULT_GROW_BUILT);
        atomic_store_explicit(&h->ns_table, nt, memory_order_release);
        ws_fault(FAULT_GROW_PUBLISHED);
        table_free(NT_OFF(t), log);
    }
    for (uint32_t s = NS_STRIPES; s-- > 0;)
        stripe_unlock(s);
    wordlock_unlock(&h->ns_lock);
}

/* Bit 2i+1 set for each slot i of b whose hash is hash (a free slot
 * matches only a hash of 0: the caller skips it), without a branch a slot. */
static inline uint32_t slots_matching(const struct ns_bucket *b, uint32_t hash)
{
#if defined(__SSE2__)
    /* Four 16-byte compares of 32-bit lanes; a slot's hash is its high
     * lane.  The last vector's high half is over and spare: masked. */
    const __m128i *v = (const __m128i *)b;
    __m128i h = _mm_set1_epi32((int)hash);
    uint32_t m = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v[0], h))) |
                 (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v[1], h))) << 4 |
                 (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v[2], h))) << 8 |
                 (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v[3], h))) << 12;
    return m & 0x2aaau;
#else
    uint32_t m = 0;
    for (uint32_t i = 0; i < NS_SLOTS; i++)
        m |= (uint32_t)((uint32_t)(b->slot[i] >> 32) == hash) << (2 * i + 1);
    return m;
#endif
}

/* Under the stripe of hash; *bp: its bucket, for name_insert_locked
 * under the same hold. */
static inline __attribute__((always_inline)) struct name_rec *
lookup_locked(const struct ws_name *n, uint32_t hash, struct ns_bucket **bp)
{
    uint64_t t = atomic_load_explicit(&arena_hdr()->ns_table, memory_order_acquire);
    struct ns_bucket *b = *bp = bucket_of(t, hash);
    for (uint32_t match = slots_matching(b, hash); match; match &= match - 1) {
        aoff_t off = (aoff_t)b->slot[__builtin_ctz(match) >> 1];
        struct name_rec *r = arena_ptr(off);
        if (off && r->len == n->len && memcmp(r->key, n->buf, n->len * sizeof(WCHAR)) == 0)
            return r;
    }
    uint32_t link = NT_LINK(t);
    for (aoff_t off = b->over; off;) {
        struct name_rec *r = arena_ptr(off);
        if (r->hash == hash && r->len == n->len &&
            memcmp(r->key, n->buf, n->len * sizeof(WCHAR)) == 0)
            return r;
        off = r->next[link];
    }
    return NULL;
}

static size_t rec_size(uint32_t len)
{
    return sizeof(struct name_rec) + len * sizeof(WCHAR);
}

/* Under the name's stripe: a new handle count and reference on the named
 * object, which must be of `type`.  ERROR_RETRY (with *out referenced, no
 * count) when someone is changing its count: see take_named_retry. */
static DWORD take_named_locked(struct name_rec *r, const struct object_type *type,
                               struct object **out)
{
    struct object *o = arena_ptr(r->obj);
    if (object_type_of(o) != type)
        return ERROR_INVALID_HANDLE;
    object_ref(o);
    *out = o;
    return handle_intent_try_open(o) ? ERROR_SUCCESS : ERROR_RETRY;
}

/* After ERROR_RETRY: the stripe goes, the count's changer is waited for
 * (never under the lock: a dead one's reaper needs it), and the caller
 * looks the name up again. */
static void take_named_retry(uint32_t stripe, struct object *o)
{
    stripe_unlock(stripe);
    object_handle_wait_free(o);
    object_unref(o);
}

/* Under the stripe of hash: gives o (one reference, one handle count from
 * here on) the name, in b (lookup_locked's bucket, under the same hold of
 * the stripe); false when the record cannot be allocated.  *grow:
 * the table should double (table_grow, once the stripe is let go). */
static bool name_insert_locked(const struct ws_name *name, uint32_t hash, struct ns_bucket *b,
                               struct object *o, bool *grow)
{
    struct name_rec *r = arena_alloc(rec_size(name->len));
    if (!r)
        return false;
    uint64_t t = atomic_load_explicit(&arena_hdr()->ns_table, memory_order_acquire);
    r->hash = hash;
    r->len = name->len;
    memcpy(r->key, name->buf, name->len * sizeof(WCHAR));
    r->obj = arena_off(o);
    /* Counted (and in the intent record) before it is named, and named by
     * one last store: a process killed in between leaves an object its
     * reaper can drop, never a name with no count. */
    handle_intent_open(o);
    __atomic_store_n(&o->name, arena_off(r), __ATOMIC_RELAXED);
    o->obj_flags |= OBJ_NAMED;
    /* Counted before it is linked: a process killed in between leaves the
     * count one high (growth a little early), never one low, which the
     * name's removal would take below 0 and table_grow read as 2^32. */
    struct ns_stripe *st = &stripes()[stripe_of(hash)];
    __atomic_store_n(&st->count, st->count + 1, __ATOMIC_RELAXED); /* table_grow reads it unlocked */
    bucket_add(b, NT_LINK(t), arena_off(r), hash);
    /* Over its share by an eighth and 8 (the fullest of 256 stripes is
     * within that of the mean unless the table is small, where a late
     * growth costs nothing): then table_grow sums the stripes. */
    uint32_t share = ((uint32_t)NS_LOAD << NT_LOG(t)) / NS_STRIPES;
    *grow = NT_LOG(t) < NS_LOG_MAX && st->count > share + share / 8 + 8;
    return true;
}

/* Under the name's stripe, a name not in the session: another user's
 * granted object of that name (cell.c), or a new object, granted to others
 * when sa's DACL says so. */
static DWORD make_named_locked(const struct ws_name *name, const struct object_type *type,
                               object_maker make, void *ctx, const struct grant *g,
                               struct object **out, bool *existed)
{
    DWORD err = ERROR_SUCCESS;
    *existed = false;
    if (cell_kind(type)) {
        err = cell_surely_absent(name) ? ERROR_FILE_NOT_FOUND
                                       : cell_lookup(name, type, out, NULL);
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
    uint32_t hash = name_hash(name), stripe = stripe_of(hash);
    DWORD err = ERROR_SUCCESS;
    bool grow = false;
    arena_init();
    (void)thread_current(); /* its intent record, before the lock */
    shm_deathwatch_start();
    if (!table_ready())
        return ERROR_NOT_ENOUGH_MEMORY;
again:
    stripe_lock(stripe);
    struct ns_bucket *b;
    struct name_rec *r = lookup_locked(name, hash, &b);
    if (r) {
        err = take_named_locked(r, type, out);
        if (err == ERROR_RETRY) {
            take_named_retry(stripe, *out);
            goto again;
        }
        *existed = !err;
        stripe_unlock(stripe);
        return err;
    }
    struct object *o = NULL;
    err = make_named_locked(name, type, make, ctx, g, &o, existed);
    if (!err && !name_insert_locked(name, hash, b, o, &grow)) {
        object_unref(o);
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!err)
        *out = o;
    stripe_unlock(stripe);
    if (grow)
        table_grow();
    return err;
}

DWORD ns_open(const struct ws_name *name, const struct object_type *type,
              struct object **found)
{
    uint32_t hash = name_hash(name), stripe = stripe_of(hash);
    DWORD err = ERROR_FILE_NOT_FOUND;
    bool grow = false;
    arena_init();
    (void)thread_current(); /* its intent record, before the lock */
    shm_deathwatch_start();
    if (!table_ready())
        return cell_kind(type) ? ERROR_NOT_ENOUGH_MEMORY : ERROR_FILE_NOT_FOUND;
again:
    stripe_lock(stripe);
    struct ns_bucket *b;
    struct name_rec *r = lookup_locked(name, hash, &b);
    if (r) {
        err = take_named_locked(r, type, found);
        if (err == ERROR_RETRY) {
            take_named_retry(stripe, *found);
            goto again;
        }
    } else if (cell_kind(type) && !cell_surely_absent(name)) {
        struct object *o;
        err = cell_lookup(name, type, &o, NULL);
        if (!err && !name_insert_locked(name, hash, b, o, &grow)) {
            object_unref(o);
            err = ERROR_NOT_ENOUGH_MEMORY;
        }
        if (!err)
            *found = o;
    }
    stripe_unlock(stripe);
    if (grow)
        table_grow();
    return err;
}

void ns_enum(const struct object_type *type, const WCHAR *prefix, uint32_t plen,
             void (*fn)(const struct object *o, void *ctx), void *ctx)
{
    arena_init();
    if (!table_ready())
        return;
    /* Every stripe, taken as table_grow takes them: the whole table holds
     * still.  Enumerations are rare; lookups of other names wait. */
    struct arena_header *h = arena_hdr();
    wordlock_lock(&h->ns_lock);
    for (uint32_t s = 0; s < NS_STRIPES; s++)
        stripe_lock(s);
    uint64_t t = atomic_load_explicit(&h->ns_table, memory_order_relaxed);
    uint32_t link = NT_LINK(t);
    for (uint32_t b = 0; b < (1u << NT_LOG(t)); b++) {
        const struct ns_bucket *bk = bucket_of(t, b);
        for (uint32_t i = 0; i <= NS_SLOTS; i++) {
            aoff_t off = i < NS_SLOTS ? (aoff_t)bk->slot[i] : bk->over;
            while (off) {
                struct name_rec *r = arena_ptr(off);
                struct object *o = arena_ptr(r->obj);
                if (object_type_of(o) == type && r->len >= plen &&
                    !memcmp(r->key, prefix, plen * sizeof(WCHAR)))
                    fn(o, ctx);
                off = i < NS_SLOTS ? 0 : r->next[link];
            }
        }
    }
    for (uint32_t s = NS_STRIPES; s-- > 0;)
        stripe_unlock(s);
    wordlock_unlock(&h->ns_lock);
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
    uint64_t t = atomic_load_explicit(&arena_hdr()->ns_table, memory_order_acquire);
    uint32_t link = NT_LINK(t);
    struct ns_bucket *b = bucket_of(t, r->hash);
    uint64_t w = slot_word(r->hash, o->name);
    bool found = false;
    for (uint32_t m = slots_matching(b, r->hash); m && !found; m &= m - 1)
        if (b->slot[__builtin_ctz(m) >> 1] == w) {
            __atomic_store_n(&b->slot[__builtin_ctz(m) >> 1], 0, __ATOMIC_RELAXED);
            found = true;
        }
    if (!found) {
        aoff_t *at = &b->over;
        while (*at && *at != o->name)
            at = &((struct name_rec *)arena_ptr(*at))->next[link];
        if (*at) {
            __atomic_store_n(at, r->next[link], __ATOMIC_RELAXED);
            found = true;
        }
    }
    if (found) { /* else its creator was killed before publishing it */
        struct ns_stripe *st = &stripes()[stripe_of(r->hash)];
        if (st->count) /* never below 0, whatever a kill left */
            __atomic_store_n(&st->count, st->count - 1, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&o->name, 0, __ATOMIC_RELAXED); /* reapers peek at it unlocked */
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

/* The common case of a Create*: no name, no descriptor.  Nobody else can
 * reach the new object, so its first count is a plain store (see
 * handle_intent_open_new); kept apart from the named path's large frame. */
static HANDLE create_unnamed(const struct object_type *type, object_maker make,
                             void *ctx, ACCESS_MASK access, BOOL inherit)
{
    DWORD err;
    struct object *o = make(ctx, &err);
    if (!o)
        return ws_null(err);
    handle_intent_open_new(o);
    HANDLE h;
    if ((err = handle_insert_or_drop(o, object_map_access(type, access), inherit, &h)))
        return ws_null(err);
    ws_set_last_error(ERROR_SUCCESS);
    return h;
}

static __attribute__((noinline)) HANDLE
create_named(const struct object_type *type, object_maker make, void *ctx, LPCWSTR wname,
             LPCSTR aname, bool ansi, ACCESS_MASK access, const SECURITY_ATTRIBUTES *sa);

HANDLE object_create_handle(const struct object_type *type, object_maker make,
                            void *ctx, LPCWSTR wname, LPCSTR aname, bool ansi,
                            ACCESS_MASK access, const SECURITY_ATTRIBUTES *sa)
{
    if ((!sa || !sa->lpSecurityDescriptor) &&
        (ansi ? !aname || !*aname : !wname || !*wname))
        return create_unnamed(type, make, ctx, access, sa && sa->bInheritHandle);
    return create_named(type, make, ctx, wname, aname, ansi, access, sa);
}

/* Everything else: a name, a security descriptor, or both. */
static HANDLE create_named(const struct object_type *type, object_maker make, void *ctx,
                           LPCWSTR wname, LPCSTR aname, bool ansi, ACCESS_MASK access,
                           const SECURITY_ATTRIBUTES *sa)
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
        handle_intent_open_new(o); /* unnamed: nobody else can reach it */
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
