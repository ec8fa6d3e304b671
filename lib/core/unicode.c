/* The one UTF-8 / UTF-16 core of the library: the ANSI code page is UTF-8
 * on Linux, and MultiByteToWideChar / WideCharToMultiByte (text/codepage.c)
 * build their CP_UTF8 paths on these functions. */
#include <string.h>

#include "core/unicode.h"
#include "core/unicode.h"

size_t wstrlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* The decoder every UTF-8 path shares (MultiByteToWideChar's CP_UTF8, the
 * ANSI functions).  A malformed sequence yields U+FFFD and sets *bad; how
 * far it moves follows Windows (and Wine, which was checked against it):
 * the lead byte and each continuation byte that still fits a valid
 * sequence are consumed, and so is the byte that first shows the value to
 * be an overlong form or a surrogate; a byte that shows it to be beyond
 * U+10FFFF, or that is no continuation byte, starts the next character.
 * So "\xED\xA0\x80" gives two U+FFFD and "\xF4\x90\x80\x80" three
 * (test/check_codepage.c, utf8_invalid). */
uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i, bool *bad)
{
    uint32_t res = s[(*i)++];
    int len;
    if (res < 0x80)
        return res;
    if (res >= 0xc2 && res <= 0xdf)
        len = 1;
    else if (res >= 0xe0 && res <= 0xef)
        len = 2;
    else if (res >= 0xf0 && res <= 0xf4)
        len = 3;
    else
        goto malformed;
    res &= 0x3f >> len;
    while (len > 0) {
        uint32_t c;
        if (*i >= n || (c = s[*i] ^ 0x80u) >= 0x40)
            goto malformed;
        res = (res << 6) | c;
        if (len == 2 && res >= 0x110000 >> 6)
            goto malformed; /* not consumed */
        (*i)++;
        if ((len == 3 && res < 0x10000 >> 12) || (len == 2 && res < 0x800 >> 6) ||
            (len == 2 && res >= 0xd800 >> 6 && res <= 0xdfff >> 6))
            goto malformed;
        len--;
    }
    return res;
malformed:
    *bad = true;
    return 0xfffd;
}

int utf8_to_utf16(const char *s, WCHAR *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, n = 0;
    bool bad = false;
    while (i < len) {
        uint32_t c = utf8_next(p, len, &i, &bad);
        if (n + utf16_width(c) >= cap)
            return -1;
        n += utf16_put(c, out + n);
    }
    out[n] = 0;
    return (int)n;
}

size_t utf16_put(uint32_t c, WCHAR *out)
{
    if (c < 0x10000) {
        out[0] = (WCHAR)c;
        return 1;
    }
    c -= 0x10000;
    out[0] = (WCHAR)(0xd800 | (c >> 10));
    out[1] = (WCHAR)(0xdc00 | (c & 0x3ff));
    return 2;
}

uint32_t utf16_next(const WCHAR *s, size_t n, size_t *i)
{
    uint32_t c = s[(*i)++];
    if (c >= 0xd800 && c < 0xdc00 && *i < n && s[*i] >= 0xdc00 && s[*i] < 0xe000)
        return 0x10000 + ((c - 0xd800) << 10) + (s[(*i)++] - 0xdc00);
    return c >= 0xd800 && c < 0xe000 ? 0xfffd : c;
}

size_t utf8_put(uint32_t c, char out[4])
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

int utf16_to_utf8(const WCHAR *s, size_t len, char *out, size_t cap)
{
    size_t n = len == (size_t)-1 ? wstrlen(s) : len, o = 0;
    for (size_t i = 0; i < n;) {
        char b[4];
        size_t k = utf8_put(utf16_next(s, n, &i), b);
        if (o + k >= cap)
            return -1;
        memcpy(out + o, b, k);
        o += k;
    }
    if (o >= cap)
        return -1;
    out[o] = 0;
    return (int)o;
}

/* UTF-16 to a malloc()ed UTF-8 string (len units; len < 0: up to the
 * terminator).  NULL when out of memory. */
char *utf16_to_utf8_dup(const WCHAR *s, ptrdiff_t len, size_t *outlen)
{
    size_t n = len < 0 ? wstrlen(s) : (size_t)len;
    char *out = malloc(3 * n + 1); /* a unit never takes more than 3 bytes */
    if (!out)
        return NULL;
    int o = utf16_to_utf8(s, n, out, 3 * n + 1);
    if (outlen)
        *outlen = (size_t)o;
    return out;
}

/* UTF-8 to a malloc()ed UTF-16 string; NULL when out of memory. */
WCHAR *utf8_to_utf16_dup(const char *s)
{
    size_t cap = strlen(s) + 1; /* never more units than bytes */
    WCHAR *out = malloc(cap * sizeof *out);
    if (out && utf8_to_utf16(s, out, cap) < 0) {
        free(out);
        out = NULL;
    }
    return out;
}
