/*
 * Strings: the lstr* functions of winbase.h, the character functions of
 * winuser.h, and the case mapping the text layer shares.
 *
 * Case mapping and classification are glibc's towupper / iswalpha ... in a
 * C.UTF-8 locale of our own (newlocale), so they do not depend on the
 * program's setlocale.  One UTF-16 unit maps to one: surrogates, and
 * characters whose other case lies outside the BMP or takes several
 * characters (U+00DF), stay as they are - Windows' tables behave the same
 * way for the characters both have.
 *
 * The ANSI (A) forms work on UTF-8, the ANSI code page here: a byte of a
 * multi-byte sequence is not a character on its own, and a character whose
 * other case has a UTF-8 form of another length stays as it is, because
 * the A functions convert in place.
 */
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wctype.h>

#include "text/text.h"

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_make(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!utf8_locale)
        utf8_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
}

/* NULL (a zero locale_t) without a C.UTF-8 locale (glibc before 2.35
 * without the locale installed): ASCII only. */
locale_t text_utf8_locale(void)
{
    pthread_once(&utf8_once, utf8_locale_make);
    return utf8_locale;
}

static bool is_surrogate(uint32_t c) { return c >= 0xd800 && c < 0xe000; }

WCHAR text_upper(WCHAR c)
{
    locale_t l = text_utf8_locale();
    if (!l)
        return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c;
    wint_t u = is_surrogate(c) ? c : towupper_l(c, l);
    return u < 0x10000 && !is_surrogate(u) ? (WCHAR)u : c;
}

WCHAR text_lower(WCHAR c)
{
    locale_t l = text_utf8_locale();
    if (!l)
        return c >= 'A' && c <= 'Z' ? (WCHAR)(c + 32) : c;
    wint_t u = is_surrogate(c) ? c : towlower_l(c, l);
    return u < 0x10000 && !is_surrogate(u) ? (WCHAR)u : c;
}

bool text_is_mark(WCHAR c)
{
    return (c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) ||
           (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
           (c >= 0xfe20 && c <= 0xfe2f);
}

enum cls { CLS_ALPHA, CLS_ALNUM, CLS_UPPER, CLS_LOWER };

static bool text_is(WCHAR c, enum cls k)
{
    locale_t l = text_utf8_locale();
    if (!l || c < 0x80) {
        bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dig = c >= '0' && c <= '9';
        switch (k) {
        case CLS_ALPHA: return up || lo;
        case CLS_ALNUM: return up || lo || dig;
        case CLS_UPPER: return up;
        default: return lo;
        }
    }
    if (is_surrogate(c))
        return false;
    switch (k) {
    case CLS_ALPHA: return iswalpha_l(c, l);
    case CLS_ALNUM: return iswalnum_l(c, l);
    case CLS_UPPER: return iswupper_l(c, l);
    default: return iswlower_l(c, l);
    }
}

bool text_is_alnum(WCHAR c)
{
    return text_is(c, CLS_ALNUM);
}

WCHAR *text_utf8_to_wide(const char *s, int n, int *wn)
{
    size_t len = n < 0 ? strlen(s) + 1 : (size_t)n, i = 0, k = 0;
    WCHAR *w = malloc((len + 1) * sizeof *w);
    if (!w)
        return NULL;
    while (i < len) {
        bool bad = false;
        k += utf16_put(utf8_next((const unsigned char *)s, len, &i, &bad), w + k);
    }
    w[k] = 0;
    *wn = (int)k;
    return w;
}

/* ------------------------------------------------------------------ */
/* lstr*                                                               */

WS_EXPORT int WINAPI lstrlenA(LPCSTR lpString)
{
    return lpString ? (int)strlen(lpString) : 0;
}

WS_EXPORT int WINAPI lstrlenW(LPCWSTR lpString)
{
    return lpString ? (int)wstrlen(lpString) : 0;
}

/* Windows catches the fault of a bad pointer and returns NULL with
 * ERROR_INVALID_PARAMETER (Wine the same); here only NULL is caught. */
WS_EXPORT LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return ws_null(ERROR_INVALID_PARAMETER);
    return memmove(lpString1, lpString2, strlen(lpString2) + 1);
}

WS_EXPORT LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return ws_null(ERROR_INVALID_PARAMETER);
    return memmove(lpString1, lpString2, (wstrlen(lpString2) + 1) * sizeof(WCHAR));
}

/* At most iMaxLength - 1 characters and a terminator; nothing at all
 * for iMaxLength 0 (as Windows). */
WS_EXPORT LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength)
{
    if (iMaxLength <= 0)
        return lpString1;
    if (!lpString1 || !lpString2)
        return ws_null(ERROR_INVALID_PARAMETER);
    int i = 0;
    for (; i < iMaxLength - 1 && lpString2[i]; i++)
        lpString1[i] = lpString2[i];
    lpString1[i] = 0;
    return lpString1;
}

WS_EXPORT LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2, int iMaxLength)
{
    if (iMaxLength <= 0)
        return lpString1;
    if (!lpString1 || !lpString2)
        return ws_null(ERROR_INVALID_PARAMETER);
    int i = 0;
    for (; i < iMaxLength - 1 && lpString2[i]; i++)
        lpString1[i] = lpString2[i];
    lpString1[i] = 0;
    return lpString1;
}

WS_EXPORT LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return ws_null(ERROR_INVALID_PARAMETER);
    return strcat(lpString1, lpString2);
}

WS_EXPORT LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2)
{
    if (!lpString1 || !lpString2)
        return ws_null(ERROR_INVALID_PARAMETER);
    lstrcpyW(lpString1 + wstrlen(lpString1), lpString2);
    return lpString1;
}

/* lstrcmp is CompareString of the thread's locale minus 2: -1, 0, 1.  A
 * NULL string sorts first. */
static int cmp_w(LPCWSTR a, LPCWSTR b, DWORD flags)
{
    if (!a || !b)
        return !a && !b ? 0 : !a ? -1 : 1;
    return text_compare(a, (int)wstrlen(a), b, (int)wstrlen(b), flags) - 2;
}

static int cmp_a(LPCSTR a, LPCSTR b, DWORD flags)
{
    if (!a || !b)
        return !a && !b ? 0 : !a ? -1 : 1;
    int na, nb;
    WCHAR *wa = text_utf8_to_wide(a, (int)strlen(a), &na);
    WCHAR *wb = text_utf8_to_wide(b, (int)strlen(b), &nb);
    int r = wa && wb ? text_compare(wa, na, wb, nb, flags) - 2 : 0;
    if (!wa || !wb) { /* out of memory: bytes are still an order */
        int c = strcmp(a, b);
        r = (c > 0) - (c < 0);
    }
    free(wa);
    free(wb);
    return r;
}

WS_EXPORT int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2)
{
    return cmp_a(lpString1, lpString2, 0);
}

WS_EXPORT int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2)
{
    return cmp_w(lpString1, lpString2, 0);
}

WS_EXPORT int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2)
{
    return cmp_a(lpString1, lpString2, NORM_IGNORECASE);
}

WS_EXPORT int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2)
{
    return cmp_w(lpString1, lpString2, NORM_IGNORECASE);
}

/* ------------------------------------------------------------------ */
/* Char*                                                               */

/* Maps n bytes of UTF-8 in place (n: SIZE_MAX up to the terminator). */
static void case_utf8(char *s, size_t n, bool upper)
{
    size_t len = n == SIZE_MAX ? strlen(s) : n, i = 0;
    while (i < len) {
        size_t at = i;
        bool bad = false;
        uint32_t c = utf8_next((const unsigned char *)s, len, &i, &bad);
        if (bad || c >= 0x10000)
            continue;
        WCHAR m = upper ? text_upper((WCHAR)c) : text_lower((WCHAR)c);
        char b[4];
        if (m != c && utf8_put(m, b) == i - at)
            memcpy(s + at, b, i - at);
    }
}

static void case_wide(WCHAR *s, size_t n, bool upper)
{
    for (size_t i = 0; n == SIZE_MAX ? s[i] != 0 : i < n; i++)
        s[i] = upper ? text_upper(s[i]) : text_lower(s[i]);
}

/* A pointer whose high bits are zero carries one character. */
static bool is_char_arg(const void *p) { return (uintptr_t)p >> 16 == 0; }

static LPSTR char_case_a(LPSTR s, bool upper)
{
    if (is_char_arg(s)) {
        unsigned c = (unsigned)(uintptr_t)s & 0xff;
        if (c < 0x80)
            c = upper ? text_upper((WCHAR)c) : text_lower((WCHAR)c);
        return (LPSTR)(uintptr_t)c;
    }
    case_utf8(s, SIZE_MAX, upper);
    return s;
}

static LPWSTR char_case_w(LPWSTR s, bool upper)
{
    if (is_char_arg(s)) {
        WCHAR c = (WCHAR)(uintptr_t)s;
        return (LPWSTR)(uintptr_t)(upper ? text_upper(c) : text_lower(c));
    }
    case_wide(s, SIZE_MAX, upper);
    return s;
}

WS_EXPORT LPSTR WINAPI CharUpperA(LPSTR lpsz) { return char_case_a(lpsz, true); }
WS_EXPORT LPSTR WINAPI CharLowerA(LPSTR lpsz) { return char_case_a(lpsz, false); }
WS_EXPORT LPWSTR WINAPI CharUpperW(LPWSTR lpsz) { return char_case_w(lpsz, true); }
WS_EXPORT LPWSTR WINAPI CharLowerW(LPWSTR lpsz) { return char_case_w(lpsz, false); }

WS_EXPORT DWORD WINAPI CharUpperBuffA(LPSTR lpsz, DWORD cchLength)
{
    if (!lpsz)
        return 0;
    case_utf8(lpsz, cchLength, true);
    return cchLength;
}

WS_EXPORT DWORD WINAPI CharLowerBuffA(LPSTR lpsz, DWORD cchLength)
{
    if (!lpsz)
        return 0;
    case_utf8(lpsz, cchLength, false);
    return cchLength;
}

WS_EXPORT DWORD WINAPI CharUpperBuffW(LPWSTR lpsz, DWORD cchLength)
{
    if (!lpsz)
        return 0;
    case_wide(lpsz, cchLength, true);
    return cchLength;
}

WS_EXPORT DWORD WINAPI CharLowerBuffW(LPWSTR lpsz, DWORD cchLength)
{
    if (!lpsz)
        return 0;
    case_wide(lpsz, cchLength, false);
    return cchLength;
}

/* One UTF-8 character (a malformed sequence as far as utf8_next takes
 * it); the terminator is never passed. */
WS_EXPORT LPSTR WINAPI CharNextA(LPCSTR lpsz)
{
    if (!*lpsz)
        return (LPSTR)lpsz;
    size_t i = 0;
    bool bad = false;
    utf8_next((const unsigned char *)lpsz, strnlen(lpsz, 4), &i, &bad);
    return (LPSTR)lpsz + i;
}

/* One character: a surrogate pair, and the combining marks that follow,
 * count as one, as Microsoft documents. */
WS_EXPORT LPWSTR WINAPI CharNextW(LPCWSTR lpsz)
{
    if (!*lpsz)
        return (LPWSTR)lpsz;
    size_t i = 0;
    utf16_next(lpsz, 2, &i);
    while (lpsz[i] && text_is_mark(lpsz[i]))
        i++;
    return (LPWSTR)lpsz + i;
}

WS_EXPORT LPSTR WINAPI CharPrevA(LPCSTR lpszStart, LPCSTR lpszCurrent)
{
    if (lpszCurrent <= lpszStart)
        return (LPSTR)lpszStart;
    LPCSTR p = lpszCurrent - 1;
    while (p > lpszStart && lpszCurrent - p < 4 && ((unsigned char)*p & 0xc0) == 0x80)
        p--;
    return (LPSTR)p;
}

WS_EXPORT LPWSTR WINAPI CharPrevW(LPCWSTR lpszStart, LPCWSTR lpszCurrent)
{
    if (lpszCurrent <= lpszStart)
        return (LPWSTR)lpszStart;
    LPCWSTR p = lpszCurrent - 1;
    while (p > lpszStart && text_is_mark(*p))
        p--;
    if (p > lpszStart && *p >= 0xdc00 && *p < 0xe000 && p[-1] >= 0xd800 && p[-1] < 0xdc00)
        p--;
    return (LPWSTR)p;
}

/* The A forms take one byte of UTF-8: only ASCII is a character. */
WS_EXPORT BOOL WINAPI IsCharAlphaA(CHAR ch) { return (BYTE)ch < 0x80 && text_is((BYTE)ch, CLS_ALPHA); }
WS_EXPORT BOOL WINAPI IsCharAlphaNumericA(CHAR ch) { return (BYTE)ch < 0x80 && text_is((BYTE)ch, CLS_ALNUM); }
WS_EXPORT BOOL WINAPI IsCharUpperA(CHAR ch) { return (BYTE)ch < 0x80 && text_is((BYTE)ch, CLS_UPPER); }
WS_EXPORT BOOL WINAPI IsCharLowerA(CHAR ch) { return (BYTE)ch < 0x80 && text_is((BYTE)ch, CLS_LOWER); }
WS_EXPORT BOOL WINAPI IsCharAlphaW(WCHAR ch) { return text_is(ch, CLS_ALPHA); }
WS_EXPORT BOOL WINAPI IsCharAlphaNumericW(WCHAR ch) { return text_is(ch, CLS_ALNUM); }
WS_EXPORT BOOL WINAPI IsCharUpperW(WCHAR ch) { return text_is(ch, CLS_UPPER); }
WS_EXPORT BOOL WINAPI IsCharLowerW(WCHAR ch) { return text_is(ch, CLS_LOWER); }
