/* Text conversions: the ANSI code page is UTF-8 on Linux. */
#include "internal.h"

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
