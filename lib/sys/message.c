/*
 * FormatMessage: a message from a string or from the system table
 * (message_table.c), its inserts (%1 to %99, each with an optional
 * !printf format!), its escapes (%0 %n %r %t, %x for any other x) and line
 * wrapping (FORMAT_MESSAGE_MAX_WIDTH_MASK).
 *
 * The engine works in UTF-16.  FormatMessageA converts its source and its
 * narrow string inserts from UTF-8 (the ANSI code page) and its result back.
 *
 * With a width (the low byte of the flags), the message text's own line
 * breaks ("\r\n", or a lone "\r" or "\n") become spaces; %n is a hard break.
 * Width 0xFF emits the hard breaks only; a width of 1 to 254 also breaks a
 * line that reaches it, at its last space (that space and the ones before
 * it dropped), or right there when it has none - Wine's behaviour, which
 * Microsoft leaves unspecified (test/check_message.c, wrap).
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/unicode.h"
#include "sys/message.h"
#include "text/text.h"

#define HARD_BREAK 0xffff /* a %n in the text while a width applies */
#define MAX_ARGS 128      /* %99 with two '*' reads argument 101 */

struct wbuf {
    WCHAR *p;
    size_t n, cap;
    bool oom;
};

static void wb_put(struct wbuf *b, WCHAR c)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        WCHAR *p = realloc(b->p, cap * sizeof *p);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->n++] = c;
}

static void wb_ascii(struct wbuf *b, const char *s)
{
    while (*s)
        wb_put(b, (WCHAR)(unsigned char)*s++);
}

struct msg_args {
    const DWORD_PTR *vec; /* FORMAT_MESSAGE_ARGUMENT_ARRAY */
    va_list *ap;          /* or a va_list, read as far as needed */
    DWORD_PTR cache[MAX_ARGS];
    int fetched;
};

/* Argument n (from 1).  A va_list is read in order into a cache, every
 * argument as a DWORD_PTR (each takes a 64-bit slot in the x64 calling
 * conventions), so inserts may use their arguments in any order and
 * more than once, as on Windows. */
static DWORD arg_get(struct msg_args *a, int n, DWORD_PTR *v)
{
    if (n < 1 || n > MAX_ARGS || (!a->vec && !a->ap))
        return ERROR_INVALID_PARAMETER;
    if (a->vec) {
        *v = a->vec[n - 1];
        return 0;
    }
    while (a->fetched < n)
        a->cache[a->fetched++] = va_arg(*a->ap, DWORD_PTR);
    *v = a->cache[n - 1];
    return 0;
}

struct fmt {
    char flags[8];
    int width, prec; /* -1: none */
    bool left;
    int size;        /* 'h' 16, 'H' 8 (hh), 0 default, 64 (ll, I64, I), 'l' 32 */
    bool wide, narrow;
    char conv;
};

/* Parses "!spec!" after an insert number; *stars counts the '*'. */
static DWORD fmt_parse(const WCHAR *s, size_t len, struct fmt *f, int *stars)
{
    size_t i = 0, k = 0;
    memset(f, 0, sizeof *f);
    f->width = f->prec = -1;
    *stars = 0;
    while (i < len && s[i] && s[i] < 0x80 && strchr("-+ #0", (char)s[i]) &&
           k < sizeof f->flags - 1) {
        if (s[i] == '-')
            f->left = true;
        f->flags[k++] = (char)s[i++];
    }
    if (i < len && s[i] == '*') {
        f->width = -2;
        (*stars)++;
        i++;
    } else if (i < len && s[i] >= '0' && s[i] <= '9') {
        for (f->width = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            f->width = f->width * 10 + (s[i] - '0');
    }
    if (i < len && s[i] == '.') {
        i++;
        f->prec = 0;
        if (i < len && s[i] == '*') {
            f->prec = -2;
            (*stars)++;
            i++;
        } else {
            for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
                f->prec = f->prec * 10 + (s[i] - '0');
        }
    }
    if (i + 2 < len && s[i] == 'I' && s[i + 1] == '6' && s[i + 2] == '4') {
        f->size = 64;
        i += 3;
    } else if (i + 2 < len && s[i] == 'I' && s[i + 1] == '3' && s[i + 2] == '2') {
        f->size = 32;
        i += 3;
    } else if (i < len && (s[i] == 'I' || s[i] == 'z')) {
        f->size = 64;
        i++;
    } else if (i + 1 < len && s[i] == 'l' && s[i + 1] == 'l') {
        f->size = 64;
        i += 2;
    } else if (i + 1 < len && s[i] == 'h' && s[i + 1] == 'h') {
        f->size = 8;
        f->narrow = true;
        i += 2;
    } else if (i < len && (s[i] == 'l' || s[i] == 'w')) {
        f->size = 32; /* long is 32-bit in Windows' LLP64 */
        f->wide = true;
        i++;
    } else if (i < len && s[i] == 'h') {
        f->size = 16;
        f->narrow = true;
        i++;
    }
    if (i + 1 != len)
        return ERROR_INVALID_PARAMETER; /* no conversion, or characters after it */
    f->conv = (char)s[i];
    return 0;
}

/* A string, as narrow (UTF-8) or wide, with the width and precision. */
static void put_str(struct wbuf *b, const struct fmt *f, const void *p, bool wide)
{
    WCHAR *tmp = NULL;
    const WCHAR *w;
    size_t n;
    if (!p) {
        static const WCHAR null[] = {'(', 'n', 'u', 'l', 'l', ')', 0};
        w = null;
        n = 6;
    } else if (wide) {
        w = p;
        n = wstrlen(w);
    } else {
        int wn = 0;
        tmp = text_utf8_to_wide(p, (int)strlen(p), &wn);
        w = tmp ? tmp : (const WCHAR[]){0};
        n = (size_t)wn;
    }
    if (f->prec >= 0 && (size_t)f->prec < n)
        n = (size_t)f->prec;
    size_t pad = f->width > 0 && (size_t)f->width > n ? (size_t)f->width - n : 0;
    for (size_t i = 0; !f->left && i < pad; i++)
        wb_put(b, ' ');
    for (size_t i = 0; i < n; i++)
        wb_put(b, w[i]);
    for (size_t i = 0; f->left && i < pad; i++)
        wb_put(b, ' ');
    free(tmp);
}

static DWORD put_insert(struct wbuf *b, struct fmt *f, struct msg_args *a, int n, bool ansi)
{
    DWORD_PTR v;
    DWORD err;
    if (f->width == -2) {
        if ((err = arg_get(a, n++, &v)))
            return err;
        f->width = (int)v;
        if (f->width < 0) {
            f->left = true;
            f->width = -f->width;
        }
    }
    if (f->prec == -2) {
        if ((err = arg_get(a, n++, &v)))
            return err;
        f->prec = (int)v < 0 ? -1 : (int)v;
    }
    if ((err = arg_get(a, n, &v)))
        return err;
    /* s and c take the caller's kind of string; S and C the other; h
     * and l/w choose explicitly. */
    bool other = f->conv == 'S' || f->conv == 'C';
    bool wide = f->wide || (!f->narrow && (ansi ? other : !other));
    char spec[48], out[128];
    switch (f->conv) {
    case 's':
    case 'S':
        put_str(b, f, (const void *)v, wide);
        return 0;
    case 'c':
    case 'C': {
        WCHAR ch[2] = {wide ? (WCHAR)v : (WCHAR)(unsigned char)v, 0};
        if (!wide && ch[0] >= 0x80)
            ch[0] = 0xfffd; /* a lone byte of UTF-8 */
        f->prec = -1;
        put_str(b, f, ch, true);
        return 0;
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
        bool sgn = f->conv == 'd' || f->conv == 'i';
        long long x;
        switch (f->size) {
        case 64: x = (long long)v; break;
        case 16: x = sgn ? (short)v : (unsigned short)v; break;
        case 8: x = sgn ? (signed char)v : (unsigned char)v; break;
        default: x = sgn ? (int)v : (long long)(unsigned)v; break;
        }
        char conv = f->conv == 'i' ? 'd' : f->conv;
        if (f->width >= 0 && f->prec >= 0)
            snprintf(spec, sizeof spec, "%%%s%d.%dll%c", f->flags, f->width, f->prec, conv);
        else if (f->width >= 0)
            snprintf(spec, sizeof spec, "%%%s%dll%c", f->flags, f->width, conv);
        else if (f->prec >= 0)
            snprintf(spec, sizeof spec, "%%%s.%dll%c", f->flags, f->prec, conv);
        else
            snprintf(spec, sizeof spec, "%%%sll%c", f->flags, conv);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(out, sizeof out, spec, x);
#pragma GCC diagnostic pop
        wb_ascii(b, out);
        return 0;
    }
    case 'p':
        snprintf(out, sizeof out, "%016llX", (unsigned long long)v);
        wb_ascii(b, out);
        return 0;
    case 'e':
    case 'E':
    case 'f':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        /* Not supported, as Microsoft documents: the conversion letter
         * stands for the value, as in Wine. */
        wb_put(b, (WCHAR)f->conv);
        return 0;
    default:
        return ERROR_INVALID_PARAMETER;
    }
}

/* The first pass: inserts and escapes.  With a width, the text's own
 * line breaks are spaces and %n is HARD_BREAK. */
static DWORD expand(const WCHAR *src, DWORD flags, struct msg_args *a, bool ansi, struct wbuf *b)
{
    bool ignore = flags & FORMAT_MESSAGE_IGNORE_INSERTS;
    unsigned width = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK;
    for (const WCHAR *s = src; *s;) {
        if (*s != '%') {
            if (width && (*s == '\r' || *s == '\n')) {
                wb_put(b, ' ');
                s += s[0] == '\r' && s[1] == '\n' ? 2 : 1;
            } else {
                wb_put(b, *s++);
            }
            continue;
        }
        WCHAR c = s[1];
        if (!c)
            return ERROR_INVALID_PARAMETER; /* a lone '%' at the end */
        if (c == '0')
            break;
        if (c >= '1' && c <= '9') {
            const WCHAR *p = s + 2;
            int n = c - '0';
            if (*p >= '0' && *p <= '9')
                n = n * 10 + (*p++ - '0');
            const WCHAR *spec = NULL;
            size_t speclen = 0;
            if (*p == '!') {
                spec = ++p;
                while (*p && *p != '!')
                    p++;
                if (!*p)
                    return ERROR_INVALID_PARAMETER;
                speclen = (size_t)(p++ - spec);
            }
            if (ignore) {
                while (s < p)
                    wb_put(b, *s++);
                continue;
            }
            struct fmt f;
            int stars = 0;
            static const WCHAR dflt[] = {'s'};
            DWORD err = fmt_parse(spec ? spec : dflt, spec ? speclen : 1, &f, &stars);
            if (!err)
                err = put_insert(b, &f, a, n, ansi);
            if (err)
                return err;
            s = p;
            continue;
        }
        s += 2;
        switch (c) {
        case 'n':
            if (width && width != FORMAT_MESSAGE_MAX_WIDTH_MASK) {
                wb_put(b, HARD_BREAK);
            } else {
                wb_put(b, '\r');
                wb_put(b, '\n');
            }
            break;
        case 'r':
            wb_put(b, '\r');
            break;
        case 't':
            wb_put(b, '\t');
            break;
        default:
            if (ignore) /* %% %. %! and the rest stay as written */
                wb_put(b, '%');
            wb_put(b, c);
            break;
        }
    }
    return 0;
}

static void put_crlf(struct wbuf *b)
{
    wb_put(b, '\r');
    wb_put(b, '\n');
}

/* The second pass for a width of 1 to 254 (see the top of the file). */
static void wrap(const struct wbuf *in, unsigned width, struct wbuf *out)
{
    size_t start = 0; /* the current line is in->p[start, i] */
    bool after_break = false;
    for (size_t i = 0; i < in->n; i++) {
        WCHAR c = in->p[i];
        if (c == HARD_BREAK) {
            for (size_t k = start; k < i; k++)
                wb_put(out, in->p[k]);
            put_crlf(out);
            start = i + 1;
            after_break = false;
            continue;
        }
        if (after_break && i == start && c == ' ') {
            start = i + 1;
            continue;
        }
        after_break = false;
        if (i + 1 - start < width)
            continue;
        size_t sp = i + 1;
        while (sp > start && in->p[sp - 1] != ' ')
            sp--;
        size_t end = sp > start ? sp - 1 : i + 1, next = sp > start ? sp : i + 1;
        while (end > start && in->p[end - 1] == ' ')
            end--;
        for (size_t k = start; k < end; k++)
            wb_put(out, in->p[k]);
        put_crlf(out);
        start = next;
        after_break = true;
    }
    for (size_t k = start; k < in->n; k++)
        wb_put(out, in->p[k]);
}

/* Can the system table answer in this language?  It is English only:
 * neutral and default languages, and English in any variant. */
static bool lang_ok(DWORD lang)
{
    return PRIMARYLANGID(lang) == LANG_NEUTRAL ? SUBLANGID(lang) <= SUBLANG_SYS_DEFAULT
                                                : PRIMARYLANGID(lang) == LANG_ENGLISH &&
                                                      (lang >> 16) == 0;
}

/* The message source as UTF-16 (malloc()ed). */
static DWORD load_source(DWORD flags, LPCVOID source, DWORD id, DWORD lang, bool ansi,
                         WCHAR **out)
{
    char sys[1024];
    const char *text;
    if (flags & FORMAT_MESSAGE_FROM_STRING) {
        if (!source)
            return ERROR_INVALID_PARAMETER;
        if (!ansi) {
            size_t n = wstrlen(source) + 1;
            *out = malloc(n * sizeof(WCHAR));
            if (!*out)
                return ERROR_NOT_ENOUGH_MEMORY;
            memcpy(*out, source, n * sizeof(WCHAR));
            return 0;
        }
        text = source;
    } else if (flags & (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_FROM_HMODULE)) {
        /* No module of ours (an ELF object) has a resource section. */
        if (!(flags & FORMAT_MESSAGE_FROM_SYSTEM))
            return ERROR_RESOURCE_DATA_NOT_FOUND;
        if (!lang_ok(lang))
            return ERROR_RESOURCE_LANG_NOT_FOUND;
        /* An HRESULT of FACILITY_WIN32 has its Win32 code's text. */
        DWORD code = (id & 0xffff0000u) == 0x80070000u ? id & 0xffff : id;
        const char *t = message_system_text(code);
        if (!t)
            return ERROR_MR_MID_NOT_FOUND;
        snprintf(sys, sizeof sys, "%s\r\n", t);
        text = sys;
    } else {
        return ERROR_INVALID_PARAMETER;
    }
    int wn;
    *out = text_utf8_to_wide(text, (int)strlen(text), &wn);
    return *out ? 0 : ERROR_NOT_ENOUGH_MEMORY;
}

/* The whole message as UTF-16 in *res. */
static DWORD format(DWORD flags, LPCVOID source, DWORD id, DWORD lang, va_list *args, bool ansi,
                    struct wbuf *res)
{
    WCHAR *src;
    DWORD err = load_source(flags, source, id, lang, ansi, &src);
    if (err)
        return err;
    struct msg_args a = {.fetched = 0};
    if (flags & FORMAT_MESSAGE_ARGUMENT_ARRAY)
        a.vec = (const DWORD_PTR *)args;
    else
        a.ap = args;
    struct wbuf b = {0};
    unsigned width = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK;
    err = expand(src, flags, &a, ansi, &b);
    free(src);
    if (!err && width && width != FORMAT_MESSAGE_MAX_WIDTH_MASK) {
        wrap(&b, width, res);
        res->oom |= b.oom;
        free(b.p);
    } else {
        *res = b;
    }
    if (!err && res->oom)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err && res->n == 0)
        err = ERROR_NO_WORK_DONE; /* an empty message, as Windows */
    if (err) {
        free(res->p);
        res->p = NULL;
    }
    return err;
}

/* The result into the caller's buffer, or a LocalAlloc()ed one of at
 * least nSize units; the length without the terminator. */
static DWORD deliver(DWORD flags, const void *res, size_t n, size_t unit, void *buffer, DWORD size,
                     DWORD *len)
{
    if (n > 0x7fffffff)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        size_t units = n + 1 > size ? n + 1 : size;
        void *p = LocalAlloc(LMEM_FIXED, units * unit);
        if (!p)
            return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(p, res, n * unit);
        memset((char *)p + n * unit, 0, unit);
        *(void **)buffer = p;
    } else {
        if (size < n + 1)
            return ERROR_INSUFFICIENT_BUFFER;
        memcpy(buffer, res, n * unit);
        memset((char *)buffer + n * unit, 0, unit);
    }
    *len = (DWORD)n;
    return 0;
}

static DWORD begin(DWORD flags, void *buffer)
{
    if (!buffer) /* Windows faults; these are Wine's errors */
        return flags & FORMAT_MESSAGE_ALLOCATE_BUFFER ? ERROR_NOT_ENOUGH_MEMORY
                                                      : ERROR_INVALID_PARAMETER;
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER)
        *(void **)buffer = NULL;
    return 0;
}

WS_EXPORT DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                                      DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize,
                                      va_list *Arguments)
{
    struct wbuf res = {0};
    DWORD len = 0, err = begin(dwFlags, lpBuffer);
    if (!err)
        err = format(dwFlags, lpSource, dwMessageId, dwLanguageId, Arguments, false, &res);
    if (!err)
        err = deliver(dwFlags, res.p, res.n, sizeof(WCHAR), lpBuffer, nSize, &len);
    free(res.p);
    return err ? (DWORD)ws_bool(err) : len;
}

WS_EXPORT DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                                      DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize,
                                      va_list *Arguments)
{
    struct wbuf res = {0};
    char *narrow = NULL;
    int n = 0;
    DWORD len = 0, err = begin(dwFlags, lpBuffer);
    if (!err)
        err = format(dwFlags, lpSource, dwMessageId, dwLanguageId, Arguments, true, &res);
    if (!err) {
        size_t cap = res.n * 3 + 1; /* a unit never takes more than 3 bytes */
        narrow = malloc(cap);
        n = narrow ? utf16_to_utf8(res.p, res.n, narrow, cap) : -1;
        err = n < 0 ? ERROR_NOT_ENOUGH_MEMORY : 0;
    }
    if (!err)
        err = deliver(dwFlags, narrow, (size_t)n, 1, lpBuffer, nSize, &len);
    free(res.p);
    free(narrow);
    return err ? (DWORD)ws_bool(err) : len;
}
