/*
 * Code pages: MultiByteToWideChar, WideCharToMultiByte and the code page
 * queries.
 *
 * The ANSI code page (CP_ACP, CP_THREAD_ACP) is UTF-8, as every *A
 * function of winshim assumes, and so is the OEM code page (the terminal
 * speaks UTF-8): both convert through unicode.c, the library's one UTF-8
 * core.  CP_UTF7 and the Windows code pages of cp_table convert through
 * glibc's iconv; CP_SYMBOL maps byte b to U+F000 + b.  No code page is a
 * table of ours.
 *
 * What iconv does not say directly is learned from it once per code page
 * (cp_learn): which bytes are DBCS lead bytes, and which single bytes the
 * code page leaves undefined.  Windows' tables map the undefined bytes
 * 0x80-0x9F to U+0080-U+009F and back, so a 1252 string survives any round
 * trip; winshim does the same.
 *
 * iconv descriptors keep conversion state and are not thread-safe: each
 * code page has a small pool of idle descriptors per direction under
 * cp_lock; a conversion takes one (or opens one when the pool is empty) and
 * gives it back reset.
 */
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "text/text.h"

enum cp_kind {
    CPK_UTF8,   /* CP_UTF8 and the code pages that are UTF-8 here */
    CPK_UTF7,   /* iconv, flags must be 0 */
    CPK_SYMBOL, /* CP_SYMBOL: no iconv */
    CPK_SBCS,   /* iconv, one byte per character */
    CPK_DBCS,   /* iconv, lead bytes learned from it */
    CPK_GB18030 /* 54936: up to four bytes, flags as UTF-8 */
};

struct codepage {
    UINT id;
    enum cp_kind kind;
    const char *iconv;  /* glibc's name of it */
    const char *desc;   /* GetCPInfoEx's CodePageName after the number */
    WCHAR udef;         /* UnicodeDefaultChar */
    bool glyphs;        /* an OEM code page: MB_USEGLYPHCHARS applies */
    const char *lead;   /* lead byte ranges beyond the ones iconv shows */
};

static const struct codepage cp_table[] = {
    {65001, CPK_UTF8, NULL, "UTF-8", 0xfffd, false, NULL},
    {65000, CPK_UTF7, "UTF-7", "UTF-7", 0xfffd, false, NULL},
    {42, CPK_SYMBOL, NULL, "Symbol", '?', false, NULL},
    {437, CPK_SBCS, "CP437", "OEM - United States", '?', true, NULL},
    {737, CPK_SBCS, "CP737", "OEM - Greek 437G", '?', true, NULL},
    {775, CPK_SBCS, "CP775", "OEM - Baltic", '?', true, NULL},
    {850, CPK_SBCS, "CP850", "OEM - Multilingual Latin I", '?', true, NULL},
    {852, CPK_SBCS, "CP852", "OEM - Latin II", '?', true, NULL},
    {855, CPK_SBCS, "CP855", "OEM - Cyrillic", '?', true, NULL},
    {857, CPK_SBCS, "CP857", "OEM - Turkish", '?', true, NULL},
    {860, CPK_SBCS, "CP860", "OEM - Portuguese", '?', true, NULL},
    {861, CPK_SBCS, "CP861", "OEM - Icelandic", '?', true, NULL},
    {862, CPK_SBCS, "CP862", "OEM - Hebrew", '?', true, NULL},
    {863, CPK_SBCS, "CP863", "OEM - Canadian French", '?', true, NULL},
    {865, CPK_SBCS, "CP865", "OEM - Nordic", '?', true, NULL},
    {866, CPK_SBCS, "CP866", "OEM - Russian", '?', true, NULL},
    {869, CPK_SBCS, "CP869", "OEM - Modern Greek", '?', true, NULL},
    {874, CPK_SBCS, "CP874", "ANSI/OEM - Thai", '?', false, NULL},
    {932, CPK_DBCS, "CP932", "ANSI/OEM - Japanese Shift-JIS", 0x30fb, false, NULL},
    {936, CPK_DBCS, "CP936", "ANSI/OEM - Simplified Chinese GBK", '?', false, NULL},
    /* Windows counts the rows glibc leaves empty as lead bytes too. */
    {949, CPK_DBCS, "CP949", "ANSI/OEM - Korean", '?', false, "\x81\xfe"},
    {950, CPK_DBCS, "CP950", "ANSI/OEM - Traditional Chinese Big5", '?', false, "\x81\xfe"},
    {1250, CPK_SBCS, "CP1250", "ANSI - Central Europe", '?', false, NULL},
    {1251, CPK_SBCS, "CP1251", "ANSI - Cyrillic", '?', false, NULL},
    {1252, CPK_SBCS, "CP1252", "ANSI - Latin I", '?', false, NULL},
    {1253, CPK_SBCS, "CP1253", "ANSI - Greek", '?', false, NULL},
    {1254, CPK_SBCS, "CP1254", "ANSI - Turkish", '?', false, NULL},
    {1255, CPK_SBCS, "CP1255", "ANSI - Hebrew", '?', false, NULL},
    {1256, CPK_SBCS, "CP1256", "ANSI - Arabic", '?', false, NULL},
    {1257, CPK_SBCS, "CP1257", "ANSI - Baltic", '?', false, NULL},
    {1258, CPK_SBCS, "CP1258", "ANSI/OEM - Viet Nam", '?', false, NULL},
    {10000, CPK_SBCS, "MACINTOSH", "MAC - Roman", '?', false, NULL},
    {20127, CPK_SBCS, "ANSI_X3.4-1968", "US-ASCII", '?', false, NULL},
    {20866, CPK_SBCS, "KOI8-R", "Russian - KOI8", '?', false, NULL},
    {21866, CPK_SBCS, "KOI8-U", "Ukrainian - KOI8-U", '?', false, NULL},
    {28591, CPK_SBCS, "ISO-8859-1", "ISO 8859-1 Latin I", '?', false, NULL},
    {28592, CPK_SBCS, "ISO-8859-2", "ISO 8859-2 Central Europe", '?', false, NULL},
    {28593, CPK_SBCS, "ISO-8859-3", "ISO 8859-3 Latin 3", '?', false, NULL},
    {28594, CPK_SBCS, "ISO-8859-4", "ISO 8859-4 Baltic", '?', false, NULL},
    {28595, CPK_SBCS, "ISO-8859-5", "ISO 8859-5 Cyrillic", '?', false, NULL},
    {28596, CPK_SBCS, "ISO-8859-6", "ISO 8859-6 Arabic", '?', false, NULL},
    {28597, CPK_SBCS, "ISO-8859-7", "ISO 8859-7 Greek", '?', false, NULL},
    {28598, CPK_SBCS, "ISO-8859-8", "ISO 8859-8 Hebrew: Visual Ordering", '?', false, NULL},
    {28599, CPK_SBCS, "ISO-8859-9", "ISO 8859-9 Latin 5", '?', false, NULL},
    {28603, CPK_SBCS, "ISO-8859-13", "ISO 8859-13 Latin 7", '?', false, NULL},
    {28605, CPK_SBCS, "ISO-8859-15", "ISO 8859-15 Latin 9", '?', false, NULL},
    {51932, CPK_DBCS, "EUC-JP", "EUC - Japanese", '?', false, NULL},
    {51949, CPK_DBCS, "EUC-KR", "EUC - Korean", '?', false, NULL},
    {54936, CPK_GB18030, "GB18030", "GB18030 Simplified Chinese (4 byte)", '?', false, NULL},
};
#define CP_COUNT (sizeof cp_table / sizeof *cp_table)

/* The glyphs the IBM PC showed for the control bytes (0x01-0x1F, 0x7F),
 * which MB_USEGLYPHCHARS asks for in the OEM code pages.  Byte 0 stays
 * U+0000. */
static const WCHAR oem_glyphs[32] = {
    0x0000, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
    0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c,
    0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8,
    0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
};
#define OEM_GLYPH_DEL 0x2302

enum cp_dir { TO_WIDE, FROM_WIDE, FROM_WIDE_FIT, CP_DIRS };
#define CP_POOL 4


struct cp_state {
    bool learned;
    bool available;        /* glibc has the converter */
    uint8_t lead[32];      /* bitmap of DBCS lead bytes */
    uint8_t undefined[32]; /* bitmap of single bytes iconv rejects */
    iconv_t pool[CP_DIRS][CP_POOL];
    int npool[CP_DIRS];
};

static struct cp_state cp_states[CP_COUNT];
static pthread_mutex_t cp_lock = PTHREAD_MUTEX_INITIALIZER;

static bool bit_get(const uint8_t *map, unsigned b) { return map[b >> 3] & (1u << (b & 7)); }
static void bit_set(uint8_t *map, unsigned b) { map[b >> 3] |= (uint8_t)(1u << (b & 7)); }

static iconv_t cd_open(const struct codepage *cp, enum cp_dir dir)
{
    char name[64];
    switch (dir) {
    case TO_WIDE:
        return iconv_open(WIDE_ICONV, cp->iconv);
    case FROM_WIDE:
        return iconv_open(cp->iconv, WIDE_ICONV);
    default:
        snprintf(name, sizeof name, "%s//TRANSLIT", cp->iconv);
        return iconv_open(name, WIDE_ICONV);
    }
}

/* Under cp_lock: learns the code page's lead and undefined bytes. */
static void cp_learn(const struct codepage *cp, struct cp_state *st)
{
    st->learned = true;
    if (!cp->iconv) {
        st->available = true;
        return;
    }
    iconv_t cd = cd_open(cp, TO_WIDE);
    if (cd == (iconv_t)-1)
        return;
    st->available = true;
    if (cp->kind == CPK_SBCS || cp->kind == CPK_DBCS || cp->kind == CPK_GB18030) {
        for (unsigned b = 0x80; b < 0x100; b++) {
            char in[1] = {(char)b}, out[8];
            char *ip = in, *op = out;
            size_t il = 1, ol = sizeof out;
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
                continue;
            if (errno == EINVAL && cp->kind != CPK_SBCS)
                bit_set(st->lead, b);
            else
                bit_set(st->undefined, b);
        }
    }
    for (const char *r = cp->lead; r && r[0]; r += 2)
        for (unsigned b = (unsigned char)r[0]; b <= (unsigned char)r[1]; b++)
            bit_set(st->lead, b);
    iconv_close(cd);
}

static const struct codepage *cp_entry(UINT id, struct cp_state **st)
{
    for (size_t i = 0; i < CP_COUNT; i++) {
        if (cp_table[i].id != id)
            continue;
        struct cp_state *s = &cp_states[i];
        pthread_mutex_lock(&cp_lock);
        if (!s->learned)
            cp_learn(&cp_table[i], s);
        pthread_mutex_unlock(&cp_lock);
        if (!s->available)
            return NULL;
        if (st)
            *st = s;
        return &cp_table[i];
    }
    return NULL;
}

/* The code page a CodePage argument names: the pseudo code pages
 * resolved; NULL when winshim has no such code page. */
static const struct codepage *cp_find(UINT id, struct cp_state **st)
{
    switch (id) {
    case CP_ACP:
    case CP_THREAD_ACP:
    case CP_OEMCP:
        id = CP_UTF8;
        break;
    case CP_MACCP:
        id = 10000;
        break;
    }
    return cp_entry(id, st);
}

static iconv_t cd_take(const struct codepage *cp, struct cp_state *st, enum cp_dir dir)
{
    iconv_t cd = (iconv_t)-1;
    pthread_mutex_lock(&cp_lock);
    if (st->npool[dir] > 0)
        cd = st->pool[dir][--st->npool[dir]];
    pthread_mutex_unlock(&cp_lock);
    return cd != (iconv_t)-1 ? cd : cd_open(cp, dir);
}

static void cd_give(struct cp_state *st, enum cp_dir dir, iconv_t cd)
{
    if (cd == (iconv_t)-1)
        return;
    iconv(cd, NULL, NULL, NULL, NULL);
    pthread_mutex_lock(&cp_lock);
    if (st->npool[dir] < CP_POOL) {
        st->pool[dir][st->npool[dir]++] = cd;
        cd = (iconv_t)-1;
    }
    pthread_mutex_unlock(&cp_lock);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
}

/* ------------------------------------------------------------------ */
/* MultiByteToWideChar                                                 */

/* Output of a conversion: counted always, stored while it fits. */
struct wsink {
    WCHAR *dst;
    size_t cap, n;
};

static void wput(struct wsink *o, WCHAR w)
{
    if (o->n < o->cap)
        o->dst[o->n] = w;
    o->n++;
}

static DWORD mb_utf8(DWORD flags, const unsigned char *s, size_t n, struct wsink *o)
{
    size_t i = 0;
    while (i < n) {
        bool bad = false;
        uint32_t c = utf8_next(s, n, &i, &bad);
        if (bad && (flags & MB_ERR_INVALID_CHARS))
            return ERROR_NO_UNICODE_TRANSLATION;
        WCHAR u[2];
        for (size_t k = 0, w = utf16_put(c, u); k < w; k++)
            wput(o, u[k]);
    }
    return 0;
}

static void wput_glyph(struct wsink *o, WCHAR w, bool glyphs)
{
    if (glyphs && w < 0x20)
        w = oem_glyphs[w];
    else if (glyphs && w == 0x7f)
        w = OEM_GLYPH_DEL;
    wput(o, w);
}

static DWORD mb_iconv(const struct codepage *cp, struct cp_state *st, DWORD flags,
                      const unsigned char *s, size_t n, struct wsink *o)
{
    bool glyphs = cp->glyphs && (flags & MB_USEGLYPHCHARS);
    iconv_t cd = cd_take(cp, st, TO_WIDE);
    if (cd == (iconv_t)-1)
        return ERROR_NOT_ENOUGH_MEMORY;
    char *in = (char *)s;
    size_t left = n;
    DWORD err = 0;
    for (;;) {
        WCHAR buf[256];
        char *op = (char *)buf;
        size_t ol = sizeof buf;
        size_t r = left ? iconv(cd, &in, &left, &op, &ol) : iconv(cd, NULL, NULL, &op, &ol);
        int e = errno;
        for (WCHAR *w = buf; w < (WCHAR *)op; w++)
            wput_glyph(o, *w, glyphs);
        if (r != (size_t)-1 && !left)
            break;
        if (r != (size_t)-1 || e == E2BIG)
            continue;
        /* A byte the code page does not define, a lead byte with a bad
         * trail byte (both go), or a sequence cut off by the end. */
        unsigned b = (unsigned char)*in;
        size_t skip = 1;
        WCHAR w = cp->udef;
        bool invalid = true;
        if (cp->kind == CPK_UTF7) {
            w = (WCHAR)b; /* as Windows: a stray byte ends the base64 run */
            iconv(cd, NULL, NULL, NULL, NULL);
        } else if (bit_get(st->lead, b)) {
            /* the bad trail byte goes too, unless it is a terminator */
            skip = left >= 2 && in[1] && cp->kind == CPK_DBCS ? 2 : 1;
        } else if (b >= 0x80 && b < 0xa0) {
            w = (WCHAR)b;
            invalid = false;
        }
        if (invalid && (flags & MB_ERR_INVALID_CHARS)) {
            err = ERROR_NO_UNICODE_TRANSLATION;
            break;
        }
        wput(o, w);
        if (skip > left)
            skip = left;
        in += skip;
        left -= skip;
    }
    cd_give(st, TO_WIDE, cd);
    return err;
}

static DWORD mb_check_flags(const struct codepage *cp, DWORD flags)
{
    switch (cp->kind) {
    case CPK_UTF7:
    case CPK_SYMBOL:
        return flags ? ERROR_INVALID_FLAGS : 0;
    case CPK_UTF8:
    case CPK_GB18030:
        return flags & ~(DWORD)MB_ERR_INVALID_CHARS ? ERROR_INVALID_FLAGS : 0;
    default:
        if (flags & ~(DWORD)(MB_PRECOMPOSED | MB_COMPOSITE | MB_USEGLYPHCHARS |
                             MB_ERR_INVALID_CHARS))
            return ERROR_INVALID_FLAGS;
        if ((flags & MB_PRECOMPOSED) && (flags & MB_COMPOSITE))
            return ERROR_INVALID_FLAGS;
        /* Decomposing needs Unicode's decomposition data, which neither
         * glibc's iconv nor winshim has (docs/COMPATIBILITY.md). */
        return flags & MB_COMPOSITE ? ERROR_NOT_SUPPORTED : 0;
    }
}

WS_EXPORT int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCCH lpMultiByteStr,
                                         int cbMultiByte, LPWSTR lpWideCharStr,
                                         int cchWideChar)
{
    if (!lpMultiByteStr || !cbMultiByte || (!lpWideCharStr && cchWideChar) || cchWideChar < 0 ||
        (cchWideChar && (const void *)lpMultiByteStr == (const void *)lpWideCharStr))
        return ws_bool(ERROR_INVALID_PARAMETER);
    size_t n = cbMultiByte < 0 ? strlen(lpMultiByteStr) + 1 : (size_t)cbMultiByte;
    struct cp_state *st = NULL;
    const struct codepage *cp = cp_find(CodePage, &st);
    if (!cp)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err = mb_check_flags(cp, dwFlags);
    if (err)
        return ws_bool(err);
    struct wsink o = {.dst = lpWideCharStr, .cap = (size_t)cchWideChar};
    const unsigned char *s = (const unsigned char *)lpMultiByteStr;
    switch (cp->kind) {
    case CPK_UTF8:
        err = mb_utf8(dwFlags, s, n, &o);
        break;
    case CPK_SYMBOL:
        for (size_t i = 0; i < n; i++)
            wput(&o, s[i] < 0x20 ? s[i] : (WCHAR)(0xf000 + s[i]));
        break;
    default:
        err = mb_iconv(cp, st, dwFlags, s, n, &o);
        break;
    }
    if (!err && (o.n > INT_MAX || (cchWideChar && o.n > o.cap)))
        err = ERROR_INSUFFICIENT_BUFFER;
    return err ? ws_bool(err) : (int)o.n;
}

/* ------------------------------------------------------------------ */
/* WideCharToMultiByte                                                 */

struct bsink {
    char *dst;
    size_t cap, n;
};

static void bput(struct bsink *o, const char *b, size_t k)
{
    for (size_t i = 0; i < k; i++, o->n++)
        if (o->n < o->cap)
            o->dst[o->n] = b[i];
}

static DWORD wc_utf8(DWORD flags, const WCHAR *s, size_t n, struct bsink *o)
{
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t c = utf16_next(s, n, &i);
        if (c == 0xfffd && s[at] != 0xfffd && (flags & WC_ERR_INVALID_CHARS))
            return ERROR_NO_UNICODE_TRANSLATION;
        char b[4];
        bput(o, b, utf8_put(c, b));
    }
    return 0;
}

/* One character (1 or 2 units) through cd into out; its length, or 0 when
 * the code page has no such character. */
static size_t wc_one(iconv_t cd, const WCHAR *u, size_t units, char *out, size_t cap)
{
    char *ip = (char *)u, *op = out;
    size_t il = units * sizeof(WCHAR), ol = cap;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il)
        return 0;
    return (size_t)(op - out);
}

/* Windows' "best fit": a character the code page lacks becomes a similar
 * one (U+0100 to 'A').  Here glibc's transliteration, kept only when it
 * gives one character that is not its own '?' for "nothing similar". */
static size_t wc_best_fit(const struct codepage *cp, struct cp_state *st, const WCHAR *u,
                          size_t units, char *out, size_t cap)
{
    iconv_t cd = cd_take(cp, st, FROM_WIDE_FIT);
    if (cd == (iconv_t)-1)
        return 0;
    /* glibc transliterates by the thread's LC_CTYPE: C.UTF-8's table
     * (diacritics dropped), whatever locale the program set. */
    locale_t l = text_utf8_locale(), old = l ? uselocale(l) : (locale_t)0;
    size_t k = wc_one(cd, u, units, out, cap);
    if (l)
        uselocale(old);
    cd_give(st, FROM_WIDE_FIT, cd);
    if (k == 1 && (out[0] == '?' || (cp->kind != CPK_SBCS && bit_get(st->lead, (unsigned char)out[0]))))
        return 0;
    if (k > 1 && (cp->kind == CPK_SBCS || !bit_get(st->lead, (unsigned char)out[0]) || k > 2))
        return 0; /* several characters: no single best fit */
    return k;
}

struct wc_args {
    DWORD flags;
    const char *defchar; /* the default character's bytes */
    size_t deflen;
    bool used;           /* the default character was used */
};

static DWORD wc_iconv(const struct codepage *cp, struct cp_state *st, struct wc_args *a,
                      const WCHAR *s, size_t n, struct bsink *o)
{
    iconv_t cd = cd_take(cp, st, FROM_WIDE);
    if (cd == (iconv_t)-1)
        return ERROR_NOT_ENOUGH_MEMORY;
    bool stateful = cp->kind == CPK_UTF7;
    for (size_t i = 0; i < n;) {
        WCHAR u[2] = {s[i], 0};
        size_t units = 1;
        if (!stateful && u[0] < 0x80) { /* every code page here keeps ASCII */
            char ascii = (char)u[0];
            bput(o, &ascii, 1);
            i++;
            continue;
        }
        if (u[0] >= 0xd800 && u[0] < 0xdc00 && i + 1 < n && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000) {
            u[1] = s[i + 1];
            units = 2;
        }
        i += units;
        char b[16];
        size_t k = 0;
        bool lone = units == 1 && u[0] >= 0xd800 && u[0] < 0xe000;
        if (lone && stateful)
            u[0] = 0xfffd;
        if (!lone || stateful)
            k = wc_one(cd, u, units, b, sizeof b);
        if (!k && !stateful && units == 1 && u[0] >= 0x80 && u[0] < 0xa0 &&
            bit_get(st->undefined, u[0])) {
            b[0] = (char)u[0];
            k = 1;
        }
        if (!k && (a->flags & WC_COMPOSITECHECK) && text_is_mark(u[0])) {
            if (a->flags & WC_DISCARDNS)
                continue;
        }
        if (!k && !lone && !(a->flags & WC_NO_BEST_FIT_CHARS))
            k = wc_best_fit(cp, st, u, units, b, sizeof b);
        if (!k) {
            bput(o, a->defchar, a->deflen);
            a->used = true;
            continue;
        }
        bput(o, b, k);
    }
    if (stateful) { /* ends an open base64 run */
        char b[16], *op = b;
        size_t ol = sizeof b;
        if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
            bput(o, b, (size_t)(op - b));
    }
    cd_give(st, FROM_WIDE, cd);
    return 0;
}

static DWORD wc_symbol(const WCHAR *s, size_t n, struct bsink *o)
{
    for (size_t i = 0; i < n; i++) {
        char b;
        if (s[i] < 0x20)
            b = (char)s[i];
        else if (s[i] >= 0xf020 && s[i] < 0xf100)
            b = (char)(s[i] - 0xf000);
        else
            return ERROR_NO_UNICODE_TRANSLATION;
        bput(o, &b, 1);
    }
    return 0;
}

static DWORD wc_check(const struct codepage *cp, DWORD flags, LPCCH defchar, LPBOOL used)
{
    switch (cp->kind) {
    case CPK_SYMBOL:
        if (flags)
            return ERROR_INVALID_FLAGS;
        return defchar || used ? ERROR_INVALID_PARAMETER : 0;
    case CPK_UTF7:
    case CPK_UTF8:
    case CPK_GB18030:
        if (defchar || used)
            return ERROR_INVALID_PARAMETER;
        if (cp->kind == CPK_UTF7)
            return flags ? ERROR_INVALID_FLAGS : 0;
        return flags & ~(DWORD)WC_ERR_INVALID_CHARS ? ERROR_INVALID_FLAGS : 0;
    default:
        return flags & ~(DWORD)(WC_DISCARDNS | WC_SEPCHARS | WC_DEFAULTCHAR |
                                WC_COMPOSITECHECK | WC_NO_BEST_FIT_CHARS)
                   ? ERROR_INVALID_FLAGS
                   : 0;
    }
}

WS_EXPORT int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWCH lpWideCharStr,
                                         int cchWideChar, LPSTR lpMultiByteStr,
                                         int cbMultiByte, LPCCH lpDefaultChar,
                                         LPBOOL lpUsedDefaultChar)
{
    if (!lpWideCharStr || !cchWideChar || (!lpMultiByteStr && cbMultiByte) || cbMultiByte < 0 ||
        (cbMultiByte && (const void *)lpWideCharStr == (const void *)lpMultiByteStr))
        return ws_bool(ERROR_INVALID_PARAMETER);
    size_t n = cchWideChar < 0 ? wstrlen(lpWideCharStr) + 1 : (size_t)cchWideChar;
    struct cp_state *st = NULL;
    const struct codepage *cp = cp_find(CodePage, &st);
    if (!cp)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err = wc_check(cp, dwFlags, lpDefaultChar, lpUsedDefaultChar);
    if (err)
        return ws_bool(err);
    struct bsink o = {.dst = lpMultiByteStr, .cap = (size_t)cbMultiByte};
    struct wc_args a = {.flags = dwFlags, .defchar = "?", .deflen = 1};
    if (lpDefaultChar) {
        a.defchar = lpDefaultChar;
        a.deflen = lpDefaultChar[0] && cp->kind == CPK_DBCS &&
                           bit_get(st->lead, (unsigned char)lpDefaultChar[0]) && lpDefaultChar[1]
                       ? 2
                       : 1;
    }
    switch (cp->kind) {
    case CPK_UTF8:
        err = wc_utf8(dwFlags, lpWideCharStr, n, &o);
        break;
    case CPK_SYMBOL:
        err = wc_symbol(lpWideCharStr, n, &o);
        break;
    case CPK_GB18030: /* every code point has a GB18030 form */
        if (dwFlags & WC_ERR_INVALID_CHARS) {
            for (size_t i = 0; i < n;) {
                size_t at = i;
                if (utf16_next(lpWideCharStr, n, &i) == 0xfffd && lpWideCharStr[at] != 0xfffd)
                    return ws_bool(ERROR_NO_UNICODE_TRANSLATION);
            }
        }
        a.flags = WC_NO_BEST_FIT_CHARS;
        err = wc_iconv(cp, st, &a, lpWideCharStr, n, &o);
        break;
    default:
        err = wc_iconv(cp, st, &a, lpWideCharStr, n, &o);
        break;
    }
    if (!err && (o.n > INT_MAX || (cbMultiByte && o.n > o.cap)))
        err = ERROR_INSUFFICIENT_BUFFER;
    if (err)
        return ws_bool(err);
    if (lpUsedDefaultChar)
        *lpUsedDefaultChar = a.used;
    return (int)o.n;
}

/* ------------------------------------------------------------------ */
/* Code page information                                               */

WS_EXPORT UINT WINAPI GetACP(void)
{
    return CP_UTF8;
}

WS_EXPORT UINT WINAPI GetOEMCP(void)
{
    return CP_UTF8;
}

WS_EXPORT BOOL WINAPI IsValidCodePage(UINT CodePage)
{
    const struct codepage *cp = cp_entry(CodePage, NULL);
    return cp && cp->kind != CPK_SYMBOL;
}

static UINT cp_max_size(const struct codepage *cp)
{
    switch (cp->kind) {
    case CPK_UTF8:
    case CPK_GB18030:
        return 4;
    case CPK_UTF7:
        return 5;
    case CPK_DBCS:
        return 2;
    default:
        return 1;
    }
}

/* The lead bytes as Windows lists them: ranges, first and last byte of
 * each, up to five, ended by two zero bytes. */
static void cp_lead_ranges(const struct cp_state *st, BYTE out[MAX_LEADBYTES])
{
    memset(out, 0, MAX_LEADBYTES);
    int k = 0;
    for (unsigned b = 0x80; b < 0x100 && k + 2 < MAX_LEADBYTES;) {
        if (!bit_get(st->lead, b)) {
            b++;
            continue;
        }
        unsigned e = b;
        while (e + 1 < 0x100 && bit_get(st->lead, e + 1))
            e++;
        out[k++] = (BYTE)b;
        out[k++] = (BYTE)e;
        b = e + 1;
    }
}

static DWORD cp_info(UINT CodePage, CPINFO *info, const struct codepage **out)
{
    struct cp_state *st = NULL;
    const struct codepage *cp = cp_find(CodePage, &st);
    if (!info || !cp || cp->kind == CPK_SYMBOL)
        return ERROR_INVALID_PARAMETER;
    info->MaxCharSize = cp_max_size(cp);
    info->DefaultChar[0] = '?';
    info->DefaultChar[1] = 0;
    cp_lead_ranges(st, info->LeadByte);
    *out = cp;
    return 0;
}

WS_EXPORT BOOL WINAPI GetCPInfo(UINT CodePage, LPCPINFO lpCPInfo)
{
    const struct codepage *cp;
    DWORD err = cp_info(CodePage, lpCPInfo, &cp);
    return err ? ws_bool(err) : TRUE;
}

WS_EXPORT BOOL WINAPI GetCPInfoExW(UINT CodePage, DWORD dwFlags, LPCPINFOEXW lpCPInfoEx)
{
    CPINFO ci;
    const struct codepage *cp;
    if (dwFlags)
        return ws_bool(ERROR_INVALID_FLAGS);
    DWORD err = lpCPInfoEx ? cp_info(CodePage, &ci, &cp) : ERROR_INVALID_PARAMETER;
    if (err)
        return ws_bool(err);
    lpCPInfoEx->MaxCharSize = ci.MaxCharSize;
    memcpy(lpCPInfoEx->DefaultChar, ci.DefaultChar, sizeof ci.DefaultChar);
    memcpy(lpCPInfoEx->LeadByte, ci.LeadByte, sizeof ci.LeadByte);
    lpCPInfoEx->UnicodeDefaultChar = cp->udef;
    lpCPInfoEx->CodePage = cp->id;
    char name[MAX_PATH];
    snprintf(name, sizeof name, "%-5u (%s)", cp->id, cp->desc);
    utf8_to_utf16(name, lpCPInfoEx->CodePageName, MAX_PATH);
    return TRUE;
}

WS_EXPORT BOOL WINAPI GetCPInfoExA(UINT CodePage, DWORD dwFlags, LPCPINFOEXA lpCPInfoEx)
{
    CPINFOEXW w;
    if (!lpCPInfoEx && !dwFlags)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!GetCPInfoExW(CodePage, dwFlags, &w))
        return FALSE;
    lpCPInfoEx->MaxCharSize = w.MaxCharSize;
    memcpy(lpCPInfoEx->DefaultChar, w.DefaultChar, sizeof w.DefaultChar);
    memcpy(lpCPInfoEx->LeadByte, w.LeadByte, sizeof w.LeadByte);
    lpCPInfoEx->UnicodeDefaultChar = w.UnicodeDefaultChar;
    lpCPInfoEx->CodePage = w.CodePage;
    utf16_to_utf8(w.CodePageName, (size_t)-1, lpCPInfoEx->CodePageName, MAX_PATH);
    return TRUE;
}

WS_EXPORT BOOL WINAPI IsDBCSLeadByteEx(UINT CodePage, BYTE TestChar)
{
    struct cp_state *st = NULL;
    const struct codepage *cp = cp_find(CodePage, &st);
    if (!cp || cp->kind == CPK_SYMBOL)
        return ws_bool(ERROR_INVALID_PARAMETER);
    return cp->kind == CPK_DBCS && bit_get(st->lead, TestChar);
}

/* The ANSI code page is UTF-8, which has no lead bytes in Windows' sense. */
WS_EXPORT BOOL WINAPI IsDBCSLeadByte(BYTE TestChar)
{
    (void)TestChar;
    return FALSE;
}
