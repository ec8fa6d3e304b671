/* Text conversions: the ANSI code page is UTF-8 on Linux. */
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

/* A malformed sequence becomes U+FFFD, as MultiByteToWideChar does without
 * MB_ERR_INVALID_CHARS: the ANSI functions never fail on bad bytes. */
int utf8_to_utf16(const char *s, WCHAR *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        uint32_t c;
        int extra;
        if (*p < 0x80) {
            c = *p;
            extra = 0;
        } else if ((*p & 0xe0) == 0xc0) {
            c = *p & 0x1f;
            extra = 1;
        } else if ((*p & 0xf0) == 0xe0) {
            c = *p & 0x0f;
            extra = 2;
        } else if ((*p & 0xf8) == 0xf0) {
            c = *p & 0x07;
            extra = 3;
        } else {
            c = 0xfffd;
            extra = -1;
        }
        p++;
        for (int i = 0; i < extra; i++, p++) {
            if ((*p & 0xc0) != 0x80) {
                c = 0xfffd; /* resume at the byte that broke the sequence */
                break;
            }
            c = (c << 6) | (*p & 0x3f);
        }
        if (c >= 0x110000 || (c >= 0xd800 && c < 0xe000))
            c = 0xfffd;
        if (c >= 0x10000) {
            if (n + 2 >= cap)
                return -1;
            c -= 0x10000;
            out[n++] = (WCHAR)(0xd800 | (c >> 10));
            out[n++] = (WCHAR)(0xdc00 | (c & 0x3ff));
        } else {
            if (n + 1 >= cap)
                return -1;
            out[n++] = (WCHAR)c;
        }
    }
    out[n] = 0;
    return (int)n;
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
