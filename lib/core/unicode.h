/*
 * UTF-8 and UTF-16 (unicode.c): the one conversion core of the library.
 */
#ifndef WINSHIM_CORE_UNICODE_H
#define WINSHIM_CORE_UNICODE_H

#include "core/base.h"

/* UTF-8 (the ANSI code page here) to UTF-16; returns the length written
 * (without the terminator) or -1 when it does not fit / is malformed. */
int utf8_to_utf16(const char *s, WCHAR *out, size_t cap);
/* The code point at s[*i] of a UTF-8 string of n bytes, *i moved past it;
 * a malformed sequence is U+FFFD and sets *bad (unicode.c says how far
 * it moves, as Windows). */
uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i, bool *bad);
/* A code point as UTF-16 into out; returns its length (1 or 2). */
size_t utf16_put(uint32_t c, WCHAR *out);
static inline size_t utf16_width(uint32_t c) { return c < 0x10000 ? 1 : 2; }
size_t wstrlen(const WCHAR *s);
/* The code point at s[*i] of a UTF-16 string of n units, *i moved past it;
 * an unpaired surrogate is U+FFFD, as WideCharToMultiByte makes it. */
uint32_t utf16_next(const WCHAR *s, size_t n, size_t *i);
/* A code point as UTF-8 into out; returns its length (1 to 4). */
size_t utf8_put(uint32_t c, char out[4]);
/* UTF-16 to UTF-8 (len units, or (size_t)-1 for NUL-terminated): bytes
 * written without the terminator, -1 when it does not fit. */
int utf16_to_utf8(const WCHAR *s, size_t len, char *out, size_t cap);


char *utf16_to_utf8_dup(const WCHAR *s, ptrdiff_t len, size_t *outlen);
WCHAR *utf8_to_utf16_dup(const char *s);

#endif
