/*
 * The text layer (lib/text/): code pages, case mapping and comparison,
 * locales.  What its files offer each other and lib/sys/message.c.
 */
#ifndef WINSHIM_TEXT_TEXT_H
#define WINSHIM_TEXT_TEXT_H

#include "core/base.h"
#include "core/error.h"
#include "core/unicode.h"

/* Simple case mapping of one UTF-16 unit (string.c): glibc's towupper /
 * towlower of the C.UTF-8 locale, whatever locale the program set;
 * surrogates map to themselves. */
WCHAR text_upper(WCHAR c);
WCHAR text_lower(WCHAR c);
/* glibc's C.UTF-8 locale (string.c); a zero locale_t where glibc has
 * none. */
#include <locale.h>
locale_t text_utf8_locale(void);

/* Is c a combining mark (the ranges Unicode reserves for them)?  A letter
 * or digit (IsCharAlphaNumericW)? */
bool text_is_mark(WCHAR c);
bool text_is_alnum(WCHAR c);

/* A string in the ANSI code page (UTF-8) of n bytes (n < 0: up to and
 * with its terminator) as a malloc()ed UTF-16 string of *wn units, plus a
 * terminator that *wn does not count.  NULL when out of memory. */
WCHAR *text_utf8_to_wide(const char *s, int n, int *wn);

/* iconv's name of WCHAR strings. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WIDE_ICONV "UTF-16LE"
#else
#define WIDE_ICONV "UTF-16BE"
#endif

/* The CompareString core (locale.c): CSTR_* of two counted strings. */
int text_compare(const WCHAR *a, int na, const WCHAR *b, int nb, DWORD flags);

#endif
