/* lstr*, Char* and IsChar* (lib/text/string.c); CompareString,
 * LCMapString and the locale functions (lib/text/locale.c). */
#include "testutil.h"

#include <string.h>

#define FILL(buf) memset((buf), 0xcc, sizeof(buf))

START_TEST(test_lstr)
{
    char a[16];
    WCHAR w[16];
    ck_assert_int_eq(lstrlenA("abc"), 3);
    ck_assert_int_eq(lstrlenA(NULL), 0);
    ck_assert_int_eq(lstrlenW(u"abcd"), 4);
    ck_assert_int_eq(lstrlenW(NULL), 0);
    FILL(a);
    ck_assert_ptr_eq(lstrcpyA(a, "hi"), a);
    ck_assert_str_eq(a, "hi");
    ck_assert_ptr_eq(lstrcatA(a, " there"), a);
    ck_assert_str_eq(a, "hi there");
    FILL(a);
    ck_assert_ptr_eq(lstrcpynA(a, "abcdef", 4), a);
    ck_assert_str_eq(a, "abc");
    FILL(a);
    ck_assert_ptr_eq(lstrcpynA(a, "abcdef", 0), a);
    ck_assert_uint_eq((unsigned char)a[0], 0xcc); /* nothing written */
    ck_assert_ptr_eq(lstrcpynA(a, "ab", 10), a);
    ck_assert_str_eq(a, "ab");
    FILL(w);
    ck_assert_ptr_eq(lstrcpyW(w, u"xy"), w);
    ck_assert_ptr_eq(lstrcatW(w, u"z"), w);
    ck_assert_int_eq(lstrlenW(w), 3);
    ck_assert(memcmp(w, u"xyz", 4 * sizeof(WCHAR)) == 0);
    FILL(w);
    ck_assert_ptr_eq(lstrcpynW(w, u"abcdef", 3), w);
    ck_assert(memcmp(w, u"ab", 3 * sizeof(WCHAR)) == 0);
}
END_TEST

START_TEST(test_lstrcmp)
{
    ck_assert_int_eq(lstrcmpA("abc", "abc"), 0);
    ck_assert_int_eq(lstrcmpA("abc", "abd"), -1);
    ck_assert_int_eq(lstrcmpA("b", "a"), 1);
    /* Word sort: case-blind first, then lower case before upper case. */
    ck_assert_int_eq(lstrcmpA("a", "A"), -1);
    ck_assert_int_eq(lstrcmpA("a", "B"), -1);
    ck_assert_int_eq(lstrcmpA("Z", "a"), 1);
    ck_assert_int_eq(lstrcmpA("_", "a"), -1);
    ck_assert_int_eq(lstrcmpA("1", "a"), -1);
    ck_assert_int_eq(lstrcmpA("ab", "abc"), -1);
    ck_assert_int_eq(lstrcmpA("coop", "co-op"), -1);
    ck_assert_int_eq(lstrcmpA(NULL, "a"), -1);
    ck_assert_int_eq(lstrcmpA("a", NULL), 1);
    ck_assert_int_eq(lstrcmpA(NULL, NULL), 0);
    ck_assert_int_eq(lstrcmpiA("HeLLo", "hello"), 0);
    ck_assert_int_eq(lstrcmpiA("a", "B"), -1);
    ck_assert_int_eq(lstrcmpiA("\xc3\x89t\xc3\xa9", "\xc3\xa9T\xc3\x89"), 0); /* "Été" */
    ck_assert_int_eq(lstrcmpW(u"abc", u"abd"), -1);
    ck_assert_int_eq(lstrcmpiW(u"ÄBC", u"äbc"), 0);
    ck_assert_int_eq(lstrcmpW(NULL, u"a"), -1);
}
END_TEST

START_TEST(test_char_case)
{
    char a[16];
    WCHAR w[16];
    strcpy(a, "Hello \xc3\xa9t\xc3\xa9!");
    ck_assert_ptr_eq(CharUpperA(a), a);
    ck_assert_str_eq(a, "HELLO \xc3\x89T\xc3\x89!");
    ck_assert_ptr_eq(CharLowerA(a), a);
    ck_assert_str_eq(a, "hello \xc3\xa9t\xc3\xa9!");
    /* One character in the pointer. */
    ck_assert_uint_eq((uintptr_t)CharUpperA((LPSTR)(uintptr_t)'q'), 'Q');
    ck_assert_uint_eq((uintptr_t)CharLowerW((LPWSTR)(uintptr_t)0x0391), 0x03b1);
    ck_assert_uint_eq((uintptr_t)CharUpperW((LPWSTR)(uintptr_t)0xd800), 0xd800);
    memcpy(w, u"straße ÿ", 9 * sizeof(WCHAR));
    ck_assert_ptr_eq(CharUpperW(w), w);
    ck_assert(memcmp(w, u"STRAßE Ÿ", 9 * sizeof(WCHAR)) == 0);
    strcpy(a, "abcdef");
    ck_assert_uint_eq(CharUpperBuffA(a, 3), 3);
    ck_assert_str_eq(a, "ABCdef");
    ck_assert_uint_eq(CharLowerBuffA(a, 6), 6);
    ck_assert_str_eq(a, "abcdef");
    memcpy(w, u"abc\0de", 7 * sizeof(WCHAR));
    ck_assert_uint_eq(CharUpperBuffW(w, 6), 6); /* past the NUL, as Windows */
    ck_assert(memcmp(w, u"ABC\0DE", 7 * sizeof(WCHAR)) == 0);
    ck_assert_uint_eq(CharLowerBuffW(w, 2), 2);
    ck_assert_uint_eq(w[1], 'b');
    ck_assert_uint_eq(w[2], 'C');
    ck_assert_uint_eq(CharUpperBuffA(NULL, 4), 0);
    ck_assert_uint_eq(CharLowerBuffW(NULL, 4), 0);
}
END_TEST

START_TEST(test_char_next_prev)
{
    const char *s = "a\xc3\xa9\xf0\x9f\x98\x80z";
    ck_assert_ptr_eq(CharNextA(s), s + 1);
    ck_assert_ptr_eq(CharNextA(s + 1), s + 3);
    ck_assert_ptr_eq(CharNextA(s + 3), s + 7);
    ck_assert_ptr_eq(CharNextA(s + 8), s + 8); /* the terminator */
    ck_assert_ptr_eq(CharPrevA(s, s + 7), s + 3);
    ck_assert_ptr_eq(CharPrevA(s, s + 3), s + 1);
    ck_assert_ptr_eq(CharPrevA(s, s), s);
    static const WCHAR w[] = u"a\u0301\U0001F600b";
    ck_assert_ptr_eq(CharNextW(w), w + 2); /* the mark goes with its base */
    ck_assert_ptr_eq(CharNextW(w + 2), w + 4);
    ck_assert_ptr_eq(CharNextW(w + 5), w + 5);
    ck_assert_ptr_eq(CharPrevW(w, w + 4), w + 2);
    ck_assert_ptr_eq(CharPrevW(w, w + 2), w);
    ck_assert_ptr_eq(CharPrevW(w, w), w);
}
END_TEST

START_TEST(test_char_class)
{
    ck_assert(IsCharAlphaA('x'));
    ck_assert(!IsCharAlphaA('1'));
    ck_assert(!IsCharAlphaA((CHAR)0xc3)); /* a byte of UTF-8 */
    ck_assert(IsCharAlphaNumericA('1'));
    ck_assert(!IsCharAlphaNumericA('-'));
    ck_assert(IsCharUpperA('Q'));
    ck_assert(!IsCharUpperA('q'));
    ck_assert(IsCharLowerA('q'));
    ck_assert(IsCharAlphaW(0x3b1));
    ck_assert(IsCharAlphaW(0x65e5));
    ck_assert(!IsCharAlphaW('!'));
    ck_assert(IsCharAlphaNumericW(0x661)); /* ARABIC-INDIC DIGIT ONE */
    ck_assert(IsCharUpperW(0xc9));
    ck_assert(IsCharLowerW(0xe9));
    ck_assert(!IsCharLowerW(0xd800));
}
END_TEST

START_TEST(test_compare)
{
    ck_assert_int_eq(CompareStringW(LOCALE_USER_DEFAULT, 0, u"abc", -1, u"abc", -1), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(LOCALE_USER_DEFAULT, 0, u"abc", 3, u"abd", 3), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"b", -1, u"a", -1), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNORECASE, u"ABC", -1, u"abc", -1), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"abc", 4, u"abc", 3), CSTR_EQUAL); /* NUL */
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNORENONSPACE, u"e\u0301", -1, u"e", -1),
                     CSTR_EQUAL);
    /* Diacritics after letters, before case (checked under Wine). */
    ck_assert_int_eq(CompareStringW(0x409, 0, u"é", -1, u"f", -1), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"é", -1, u"e", -1), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"eé", -1, u"ée", -1), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"É", -1, u"é", -1), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNORECASE, u"É", -1, u"é", -1), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNORENONSPACE, u"é", -1, u"e", -1), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"ß", -1, u"ss", -1), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"ü", -1, u"ue", -1), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"coöp", -1, u"coop", -1), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"α", -1, u"z", -1), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"€", -1, u"1", -1), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNORESYMBOLS, u"a-b.c", -1, u"abc", -1),
                     CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNOREWIDTH, u"\uff21", -1, u"A", -1), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, NORM_IGNOREKANATYPE, u"\u30a2", -1, u"\u3042", -1),
                     CSTR_EQUAL);
    ck_assert_int_eq(CompareStringW(0x409, SORT_STRINGSORT, u"co-op", -1, u"coop", -1),
                     CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, 0, u"file10", -1, u"file9", -1), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringW(0x409, SORT_DIGITSASNUMBERS, u"file10", -1, u"file9", -1),
                     CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringW(0x409, SORT_DIGITSASNUMBERS, u"a007", -1, u"a7", -1),
                     CSTR_EQUAL);
    ck_assert_int_eq(CompareStringA(LOCALE_SYSTEM_DEFAULT, 0, "abc", -1, "ABC", -1),
                     CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringA(0x409, NORM_IGNORECASE, "abcX", 3, "ABCY", 3), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringEx(u"en-US", 0, u"a", -1, u"b", -1, NULL, NULL, 0),
                     CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringEx(NULL, 0, u"a", -1, u"a", -1, NULL, NULL, 0), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringEx(LOCALE_NAME_INVARIANT, 0, u"a", -1, u"a", -1, NULL, NULL, 0),
                     CSTR_EQUAL);
    /* Ordinal: code units, upper-cased when asked. */
    ck_assert_int_eq(CompareStringOrdinal(u"B", -1, u"a", -1, FALSE), CSTR_LESS_THAN);
    ck_assert_int_eq(CompareStringOrdinal(u"B", -1, u"a", -1, TRUE), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringOrdinal(u"straße", -1, u"STRASSE", -1, TRUE), CSTR_GREATER_THAN);
    ck_assert_int_eq(CompareStringOrdinal(u"éa", 2, u"ÉA", 2, TRUE), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringOrdinal(u"ab", 1, u"ac", 1, FALSE), CSTR_EQUAL);
    ck_assert_int_eq(CompareStringOrdinal(u"a", -1, u"ab", -1, FALSE), CSTR_LESS_THAN);
}
END_TEST

START_TEST(test_lcmap)
{
    WCHAR w[16];
    char a[16];
    FILL(w);
    ck_assert_int_eq(LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, u"Grüße", -1, w, 16), 6);
    ck_assert(memcmp(w, u"GRÜßE", 6 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_LOWERCASE, u"ABC", 3, NULL, 0), 3);
    FILL(w);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_LOWERCASE, u"ABC", 3, w, 3), 3);
    ck_assert_uint_eq(w[2], 'c');
    ck_assert_uint_eq(w[3], 0xcccc);
    memcpy(w, u"MiXeD", 6 * sizeof(WCHAR));
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_LOWERCASE, w, -1, w, 16), 6); /* in place */
    ck_assert(memcmp(w, u"mixed", 6 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_BYTEREV, u"\u1234", 1, w, 16), 1);
    ck_assert_uint_eq(w[0], 0x3412);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_KATAKANA, u"\u3042", 1, w, 16), 1);
    ck_assert_uint_eq(w[0], 0x30a2);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_HIRAGANA, u"\u30a2", 1, w, 16), 1);
    ck_assert_uint_eq(w[0], 0x3042);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_FULLWIDTH | LCMAP_UPPERCASE, u"a ", 2, w, 16), 2);
    ck_assert_uint_eq(w[0], 0xff21);
    ck_assert_uint_eq(w[1], 0x3000);
    ck_assert_int_eq(LCMapStringW(0x409, LCMAP_HALFWIDTH, u"\uff41", 1, w, 16), 1);
    ck_assert_uint_eq(w[0], 'a');
    ck_assert_int_eq(LCMapStringEx(u"de-DE", LCMAP_UPPERCASE, u"ä", 1, w, 16, NULL, NULL, 0), 1);
    ck_assert_uint_eq(w[0], 0xc4);
    FILL(a);
    ck_assert_int_eq(LCMapStringA(0x409, LCMAP_UPPERCASE, "\xc3\xa9t\xc3\xa9", -1, a, 16), 6);
    ck_assert_str_eq(a, "\xc3\x89T\xc3\x89");
    ck_assert_int_eq(LCMapStringA(0x409, LCMAP_UPPERCASE, "abc", 3, NULL, 0), 3);
}
END_TEST

START_TEST(test_locale_default)
{
    /* check runs each test in a child: the first call reads LANG. */
    setenv("LC_ALL", "", 1);
    setenv("LANG", "de_DE.UTF-8@euro", 1);
    ck_assert_uint_eq(GetUserDefaultLCID(), 0x407);
    ck_assert_uint_eq(GetSystemDefaultLCID(), 0x407);
    ck_assert_uint_eq(GetUserDefaultLangID(), 0x407);
    ck_assert_uint_eq(GetSystemDefaultLangID(), 0x407);
    ck_assert_uint_eq(GetThreadLocale(), 0x407);
    WCHAR w[LOCALE_NAME_MAX_LENGTH];
    FILL(w);
    ck_assert_int_eq(GetUserDefaultLocaleName(w, LOCALE_NAME_MAX_LENGTH), 6);
    ck_assert(memcmp(w, u"de-DE", 6 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(GetSystemDefaultLocaleName(w, LOCALE_NAME_MAX_LENGTH), 6);
    char a[32];
    ck_assert_int_eq(GetLocaleInfoA(LOCALE_USER_DEFAULT, LOCALE_SDECIMAL, a, 32), 2);
    ck_assert_str_eq(a, ",");
    ck_assert(SetThreadLocale(0x411));
    ck_assert_uint_eq(GetThreadLocale(), 0x411);
    ck_assert_uint_eq(GetUserDefaultLCID(), 0x407);
}
END_TEST

START_TEST(test_locale_c)
{
    setenv("LC_ALL", "C", 1);
    ck_assert_uint_eq(GetUserDefaultLCID(), 0x409);
}
END_TEST

START_TEST(test_locale_language_only)
{
    setenv("LC_ALL", "fr_CA.UTF-8", 1); /* no fr-CA here: French's first entry */
    ck_assert_uint_eq(GetUserDefaultLCID(), 0x40c);
}
END_TEST

START_TEST(test_locale_info)
{
    WCHAR w[64];
    char a[64];
    DWORD n;
    ck_assert_int_eq(GetLocaleInfoA(0x409, LOCALE_SNAME, a, 64), 6);
    ck_assert_str_eq(a, "en-US");
    ck_assert_int_eq(GetLocaleInfoA(0x409, LOCALE_SENGLISHLANGUAGENAME, a, 64), 8);
    ck_assert_str_eq(a, "English");
    ck_assert_int_eq(GetLocaleInfoA(0x809, LOCALE_SENGLISHCOUNTRYNAME, a, 64), 15);
    ck_assert_str_eq(a, "United Kingdom");
    ck_assert_int_eq(GetLocaleInfoA(0x409, LOCALE_SENGLISHDISPLAYNAME, a, 64), 24);
    ck_assert_str_eq(a, "English (United States)");
    ck_assert_int_eq(GetLocaleInfoA(0x407, LOCALE_STHOUSAND, a, 64), 2);
    ck_assert_str_eq(a, ".");
    ck_assert_int_eq(GetLocaleInfoA(0x407, LOCALE_SISO639LANGNAME, a, 64), 3);
    ck_assert_str_eq(a, "de");
    ck_assert_int_eq(GetLocaleInfoA(0x407, LOCALE_SISO3166CTRYNAME, a, 64), 3);
    ck_assert_str_eq(a, "DE");
    ck_assert_int_eq(GetLocaleInfoA(0x407, LOCALE_SISO639LANGNAME2, a, 64), 4);
    ck_assert_str_eq(a, "deu");
    ck_assert_int_eq(GetLocaleInfoA(0x411, LOCALE_IDEFAULTANSICODEPAGE, a, 64), 4);
    ck_assert_str_eq(a, "932");
    ck_assert_int_eq(GetLocaleInfoA(0x409, LOCALE_ILANGUAGE, a, 64), 5);
    ck_assert_str_eq(a, "0409");
    ck_assert_int_eq(GetLocaleInfoA(0x409, LOCALE_IMEASURE, a, 64), 2);
    ck_assert_str_eq(a, "1");
    ck_assert_int_eq(GetLocaleInfoA(0x40c, LOCALE_SNATIVELANGUAGENAME, a, 64), 10);
    ck_assert_str_eq(a, "fran\xc3\xa7" "ais");
    ck_assert_int_eq(GetLocaleInfoA(LOCALE_INVARIANT, LOCALE_SENGLISHLANGUAGENAME, a, 64), 19);
    ck_assert_str_eq(a, "Invariant Language");
    /* A neutral LCID: its language's first entry. */
    ck_assert_int_eq(GetLocaleInfoA(MAKELANGID(LANG_GERMAN, SUBLANG_NEUTRAL), LOCALE_SNAME, a, 64), 6);
    ck_assert_str_eq(a, "de-DE");
    /* Numbers. */
    n = 0;
    ck_assert_int_eq(GetLocaleInfoW(0x407, LOCALE_IDEFAULTANSICODEPAGE | LOCALE_RETURN_NUMBER,
                                    (LPWSTR)&n, sizeof n / sizeof(WCHAR)), 2);
    ck_assert_uint_eq(n, 1252);
    ck_assert_int_eq(GetLocaleInfoA(0x419, LOCALE_IDEFAULTCODEPAGE | LOCALE_RETURN_NUMBER,
                                    (LPSTR)&n, sizeof n), 4);
    ck_assert_uint_eq(n, 866);
    ck_assert_int_eq(GetLocaleInfoW(0x407, LOCALE_ILANGUAGE | LOCALE_RETURN_NUMBER, NULL, 0), 2);
    /* Sizes and W forms. */
    ck_assert_int_eq(GetLocaleInfoW(0x409, LOCALE_SNAME, NULL, 0), 6);
    FILL(w);
    ck_assert_int_eq(GetLocaleInfoW(0x409, LOCALE_SNAME, w, 6), 6);
    ck_assert(memcmp(w, u"en-US", 6 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(GetLocaleInfoEx(u"ja-JP", LOCALE_SNATIVELANGUAGENAME, w, 64), 4);
    ck_assert(memcmp(w, u"日本語", 4 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(GetLocaleInfoEx(u"EN-gb", LOCALE_SNAME, w, 64), 6);
    ck_assert(memcmp(w, u"en-GB", 6 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(GetLocaleInfoEx(LOCALE_NAME_INVARIANT, LOCALE_SNAME, w, 64), 1);
    ck_assert_uint_eq(w[0], 0);
    ck_assert_int_eq(GetLocaleInfoEx(LOCALE_NAME_SYSTEM_DEFAULT, LOCALE_SNAME, NULL, 0),
                     GetLocaleInfoEx(NULL, LOCALE_SNAME, NULL, 0));
}
END_TEST

START_TEST(test_locale_names)
{
    WCHAR w[LOCALE_NAME_MAX_LENGTH];
    ck_assert_uint_eq(LocaleNameToLCID(u"fr-FR", 0), 0x40c);
    ck_assert_uint_eq(LocaleNameToLCID(u"zh-TW", 0), 0x404);
    ck_assert_uint_eq(LocaleNameToLCID(u"de", 0), 0x407);
    ck_assert_uint_eq(LocaleNameToLCID(u"de", LOCALE_ALLOW_NEUTRAL_NAMES), 0x07);
    ck_assert_uint_eq(LocaleNameToLCID(LOCALE_NAME_INVARIANT, 0), LOCALE_INVARIANT);
    ck_assert_uint_eq(LocaleNameToLCID(NULL, 0), GetUserDefaultLCID());
    FILL(w);
    ck_assert_int_eq(LCIDToLocaleName(0x804, w, LOCALE_NAME_MAX_LENGTH, 0), 6);
    ck_assert(memcmp(w, u"zh-CN", 6 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(LCIDToLocaleName(0x07, w, LOCALE_NAME_MAX_LENGTH, LOCALE_ALLOW_NEUTRAL_NAMES), 3);
    ck_assert(memcmp(w, u"de", 3 * sizeof(WCHAR)) == 0);
    ck_assert_int_eq(LCIDToLocaleName(0x07, w, LOCALE_NAME_MAX_LENGTH, 0), 6);
    ck_assert_int_eq(LCIDToLocaleName(LOCALE_INVARIANT, w, LOCALE_NAME_MAX_LENGTH, 0), 1);
    ck_assert_int_eq(LCIDToLocaleName(0x409, NULL, 0, 0), 6);
}
END_TEST

START_TEST(test_errors)
{
    char a[8];
    WCHAR w[8];
    ASSERT_FAILS(lstrcpyA(NULL, "x"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(lstrcpyW(w, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(lstrcatA(a, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(lstrcatW(NULL, u"x"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(lstrcpynA(NULL, "x", 4), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(lstrcpynW(w, NULL, 4), ERROR_INVALID_PARAMETER);

    ASSERT_FAILS(CompareStringW(0x409, 0, NULL, -1, u"a", -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CompareStringA(0x409, 0, "a", -1, NULL, -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CompareStringW(0x409, 0x100, u"a", -1, u"a", -1), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(CompareStringW(0x1234, 0, u"a", -1, u"a", -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CompareStringEx(u"xx-YY", 0, u"a", -1, u"a", -1, NULL, NULL, 0),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CompareStringEx(NULL, 0, u"a", -1, u"a", -1, NULL, NULL, 1),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CompareStringOrdinal(NULL, -1, u"a", -1, FALSE), ERROR_INVALID_PARAMETER);

    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_UPPERCASE, NULL, 1, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_UPPERCASE, u"a", 0, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_UPPERCASE, u"a", 1, NULL, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_UPPERCASE, u"a", 1, w, -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LCMapStringW(0x409, 0, u"a", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_UPPERCASE | NORM_IGNORECASE, u"a", 1, w, 8),
                 ERROR_INVALID_FLAGS);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_HIRAGANA | LCMAP_KATAKANA, u"a", 1, w, 8),
                 ERROR_INVALID_FLAGS);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_SORTKEY, u"a", 1, w, 8), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_TITLECASE, u"a", 1, w, 8), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_SIMPLIFIED_CHINESE, u"a", 1, w, 8), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(LCMapStringW(0x1234, LCMAP_UPPERCASE, u"a", 1, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LCMapStringW(0x409, LCMAP_UPPERCASE, u"abc", 3, w, 2), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(LCMapStringA(0x409, LCMAP_UPPERCASE, "abc", 3, a, 2), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(LCMapStringA(0x409, LCMAP_BYTEREV, "abc", 3, a, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(LCMapStringEx(NULL, LCMAP_UPPERCASE, u"a", 1, w, 8, NULL, NULL, 1),
                 ERROR_INVALID_PARAMETER);

    ASSERT_FAILS(GetLocaleInfoW(0x409, LOCALE_SNAME, w, 2), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(GetLocaleInfoA(0x409, LOCALE_SNAME, a, 3), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(GetLocaleInfoW(0x409, LOCALE_SNAME, NULL, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetLocaleInfoW(0x409, LOCALE_SNAME, w, -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetLocaleInfoW(0x1234, LOCALE_SNAME, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetLocaleInfoW(0x409, 0x7777, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(GetLocaleInfoW(0x409, LOCALE_SNAME | LOCALE_RETURN_NUMBER, w, 8),
                 ERROR_INVALID_FLAGS);
    ASSERT_FAILS(GetLocaleInfoW(0x409, LOCALE_ILANGUAGE | LOCALE_RETURN_NUMBER, w, 1),
                 ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(GetLocaleInfoEx(u"xx-YY", LOCALE_SNAME, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetThreadLocale(0x1234), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LocaleNameToLCID(u"xx-YY", 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LocaleNameToLCID(u"en-US", 1), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(LCIDToLocaleName(0x1234, w, 8, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LCIDToLocaleName(0x409, w, 8, 1), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(LCIDToLocaleName(0x409, w, 3, 0), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(LCIDToLocaleName(0x409, NULL, 3, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetUserDefaultLocaleName(w, 2), ERROR_INSUFFICIENT_BUFFER);
}
END_TEST

static void *thread_locale(void *arg)
{
    (void)arg;
    return (void *)(uintptr_t)GetThreadLocale();
}

/* SetThreadLocale is per thread. */
START_TEST(test_thread_locale)
{
    setenv("LC_ALL", "C", 1);
    ck_assert(SetThreadLocale(0x411));
    pthread_t t;
    void *r;
    ck_assert_int_eq(pthread_create(&t, NULL, thread_locale, NULL), 0);
    pthread_join(t, &r);
    ck_assert_uint_eq((uintptr_t)r, 0x409);
    ck_assert_uint_eq(GetThreadLocale(), 0x411);
}
END_TEST

static Suite *string_suite(void)
{
    Suite *s = suite_create("string");
    TCase *basic = tcase_create("basic");
    TCase *locale = tcase_create("locale");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_lstr);
    tcase_add_test(basic, test_lstrcmp);
    tcase_add_test(basic, test_char_case);
    tcase_add_test(basic, test_char_next_prev);
    tcase_add_test(basic, test_char_class);
    tcase_add_test(basic, test_compare);
    tcase_add_test(basic, test_lcmap);
    suite_add_tcase(s, basic);

    tcase_add_test(locale, test_locale_default);
    tcase_add_test(locale, test_locale_c);
    tcase_add_test(locale, test_locale_language_only);
    tcase_add_test(locale, test_locale_info);
    tcase_add_test(locale, test_locale_names);
    suite_add_tcase(s, locale);

    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);

    tcase_add_test(threads, test_thread_locale);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(string_suite)
