/* MultiByteToWideChar, WideCharToMultiByte and the code page queries
 * (lib/text/codepage.c, lib/unicode.c). */
#include "testutil.h"

#include <string.h>

#define FILL(buf) memset((buf), 0xcc, sizeof(buf))

static int mb(UINT cp, DWORD flags, const char *s, int n, WCHAR *out, int cap)
{
    return MultiByteToWideChar(cp, flags, s, n, out, cap);
}

static int wc(UINT cp, DWORD flags, const WCHAR *s, int n, char *out, int cap)
{
    return WideCharToMultiByte(cp, flags, s, n, out, cap, NULL, NULL);
}

START_TEST(test_utf8_basic)
{
    WCHAR w[16];
    char b[32];
    FILL(w);
    /* "aé€😀" */
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    ck_assert_int_eq(mb(CP_UTF8, 0, s, -1, NULL, 0), 6);
    ck_assert_int_eq(mb(CP_UTF8, 0, s, -1, w, 16), 6);
    ck_assert_uint_eq(w[0], 'a');
    ck_assert_uint_eq(w[1], 0xe9);
    ck_assert_uint_eq(w[2], 0x20ac);
    ck_assert_uint_eq(w[3], 0xd83d);
    ck_assert_uint_eq(w[4], 0xde00);
    ck_assert_uint_eq(w[5], 0);
    FILL(w);
    ck_assert_int_eq(mb(CP_UTF8, 0, s, 3, w, 16), 2); /* no terminator */
    ck_assert_uint_eq(w[2], 0xcccc);
    FILL(b);
    ck_assert_int_eq(wc(CP_UTF8, 0, u"a\u00e9\u20ac\U0001F600", -1, NULL, 0), 11);
    ck_assert_int_eq(wc(CP_UTF8, 0, u"a\u00e9\u20ac\U0001F600", -1, b, 32), 11);
    ck_assert_str_eq(b, s);
    /* The ANSI and OEM code pages are UTF-8. */
    ck_assert_uint_eq(GetACP(), CP_UTF8);
    ck_assert_uint_eq(GetOEMCP(), CP_UTF8);
    FILL(w);
    ck_assert_int_eq(mb(CP_ACP, 0, s, -1, w, 16), 6);
    ck_assert_uint_eq(w[2], 0x20ac);
    ck_assert_int_eq(mb(CP_THREAD_ACP, MB_ERR_INVALID_CHARS, s, -1, w, 16), 6);
    ck_assert_int_eq(mb(CP_OEMCP, 0, s, -1, w, 16), 6);
}
END_TEST

/* Invalid UTF-8: how many U+FFFD each malformed sequence gives, as
 * Windows (and Wine) count them (unicode.c utf8_next). */
START_TEST(test_utf8_invalid)
{
    static const struct {
        const char *s;
        int n;
        int units;
        WCHAR last;
    } cases[] = {
        {"\xc0\x80", 2, 2, 0xfffd},          /* C0 is never a lead byte */
        {"\xe2\x82", 2, 1, 0xfffd},          /* cut off by the end */
        {"\xe2\x82\x41", 3, 2, 'A'},         /* cut off by a character */
        {"\xed\xa0\x80", 3, 2, 0xfffd},      /* a surrogate: ED A0, then 80 */
        {"\xe0\x80\x80", 3, 2, 0xfffd},      /* overlong: E0 80, then 80 */
        {"\xf0\x80\x80\x80", 4, 3, 0xfffd},  /* overlong: F0 80, 80, 80 */
        {"\xf4\x90\x80\x80", 4, 3, 0xfffd},  /* past U+10FFFF: F4 90, 80, 80 */
        {"\xff\x41", 2, 2, 'A'},
        {"\x80\x80", 2, 2, 0xfffd},
        {"\xf0\x9f\x98", 3, 1, 0xfffd},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        WCHAR w[8];
        FILL(w);
        int r = mb(CP_UTF8, 0, cases[i].s, cases[i].n, w, 8);
        ck_assert_msg(r == cases[i].units, "case %zu: %d units", i, r);
        ck_assert_uint_eq(w[0], 0xfffd);
        ck_assert_uint_eq(w[r - 1], cases[i].last);
        ck_assert_int_eq(mb(CP_UTF8, 0, cases[i].s, cases[i].n, NULL, 0), cases[i].units);
        ASSERT_FAILS(mb(CP_UTF8, MB_ERR_INVALID_CHARS, cases[i].s, cases[i].n, w, 8),
                     ERROR_NO_UNICODE_TRANSLATION);
        ASSERT_FAILS(mb(CP_UTF8, MB_ERR_INVALID_CHARS, cases[i].s, cases[i].n, NULL, 0),
                     ERROR_NO_UNICODE_TRANSLATION);
    }
}
END_TEST

START_TEST(test_utf16_invalid)
{
    char b[16];
    FILL(b);
    ck_assert_int_eq(wc(CP_UTF8, 0, u"a\xd800" "b", 3, b, 16), 5);
    ck_assert(memcmp(b, "a\xef\xbf\xbd" "b", 5) == 0);
    ck_assert_int_eq(wc(CP_UTF8, 0, u"\xdc00", 1, b, 16), 3);
    ASSERT_FAILS(wc(CP_UTF8, WC_ERR_INVALID_CHARS, u"a\xd800" "b", 3, b, 16),
                 ERROR_NO_UNICODE_TRANSLATION);
    /* U+FFFD itself is valid. */
    ck_assert_int_eq(wc(CP_UTF8, WC_ERR_INVALID_CHARS, u"\xfffd", 1, b, 16), 3);
}
END_TEST

/* Every byte of 1252 through UTF-16 and back: the undefined bytes
 * 0x81 0x8D 0x8F 0x90 0x9D are U+0081... as on Windows. */
START_TEST(test_1252_all_bytes)
{
    char all[256], back[256];
    WCHAR w[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    ck_assert_int_eq(mb(1252, MB_ERR_INVALID_CHARS, all, 256, w, 256), 256);
    ck_assert_uint_eq(w[0x80], 0x20ac);
    ck_assert_uint_eq(w[0x81], 0x81);
    ck_assert_uint_eq(w[0x9f], 0x178);
    ck_assert_uint_eq(w[0xe9], 0xe9);
    BOOL used = TRUE;
    ck_assert_int_eq(WideCharToMultiByte(1252, 0, w, 256, back, 256, NULL, &used), 256);
    ck_assert(!used);
    ck_assert(memcmp(all, back, 256) == 0);
}
END_TEST

START_TEST(test_dbcs)
{
    WCHAR w[16];
    char b[32];
    static const WCHAR jp[] = u"日本語テキスト";
    FILL(b);
    ck_assert_int_eq(wc(932, 0, jp, -1, b, 32), 15);
    ck_assert(memcmp(b, "\x93\xfa\x96\x7b\x8c\xea\x83\x65\x83\x4c\x83\x58\x83\x67", 15) == 0);
    ck_assert_int_eq(mb(932, 0, b, -1, w, 16), 8);
    ck_assert(memcmp(w, jp, 8 * sizeof(WCHAR)) == 0);
    /* A bad trail byte takes the lead byte's place and goes with it. */
    FILL(w);
    ck_assert_int_eq(mb(932, 0, "\x82\xa0\x81\x20\x41", 5, w, 16), 3);
    ck_assert_uint_eq(w[0], 0x3042);
    ck_assert_uint_eq(w[1], 0x30fb);
    ck_assert_uint_eq(w[2], 'A');
    FILL(w);
    ck_assert_int_eq(mb(932, 0, "\x82", -1, w, 16), 2); /* the terminator survives */
    ck_assert_uint_eq(w[0], 0x30fb);
    ck_assert_uint_eq(w[1], 0);
    ck_assert_int_eq(mb(932, 0, "\x82", 1, w, 16), 1); /* a lead byte at the end */
    ck_assert_uint_eq(w[0], 0x30fb);
    ASSERT_FAILS(mb(932, MB_ERR_INVALID_CHARS, "\x82", 1, w, 16), ERROR_NO_UNICODE_TRANSLATION);
    ck_assert_int_eq(wc(936, 0, u"中文", 2, b, 32), 4);
    ck_assert(memcmp(b, "\xd6\xd0\xce\xc4", 4) == 0);
    ck_assert_int_eq(wc(949, 0, u"한국어", 3, b, 32), 6);
    ck_assert_int_eq(wc(950, 0, u"中文", 2, b, 32), 4);
    ck_assert_int_eq(mb(950, 0, b, 4, w, 16), 2);
    ck_assert_uint_eq(w[0], 0x4e2d);
    ck_assert_int_eq(wc(1251, 0, u"Привет", 6, b, 32), 6);
    ck_assert(memcmp(b, "\xcf\xf0\xe8\xe2\xe5\xf2", 6) == 0);
    ck_assert_int_eq(wc(54936, 0, u"\U0001F600", 2, b, 32), 4); /* GB18030 has it all */
    ck_assert_int_eq(mb(54936, 0, b, 4, w, 16), 2);
    ck_assert_uint_eq(w[0], 0xd83d);
}
END_TEST

START_TEST(test_glyphs_symbol_utf7)
{
    WCHAR w[16];
    char b[32];
    ck_assert_int_eq(mb(437, MB_USEGLYPHCHARS, "\x01\x1f\x7f\x41", 4, w, 16), 4);
    ck_assert_uint_eq(w[0], 0x263a);
    ck_assert_uint_eq(w[1], 0x25bc);
    ck_assert_uint_eq(w[2], 0x2302);
    ck_assert_uint_eq(w[3], 'A');
    ck_assert_int_eq(mb(1252, MB_USEGLYPHCHARS, "\x01", 1, w, 16), 1); /* not an OEM page */
    ck_assert_uint_eq(w[0], 1);
    ck_assert_int_eq(mb(CP_SYMBOL, 0, "\x05" "A", 2, w, 16), 2);
    ck_assert_uint_eq(w[0], 5);
    ck_assert_uint_eq(w[1], 0xf041);
    ck_assert_int_eq(wc(CP_SYMBOL, 0, w, 2, b, 32), 2);
    ck_assert(memcmp(b, "\x05" "A", 2) == 0);
    ASSERT_FAILS(wc(CP_SYMBOL, 0, u"A", 1, b, 32), ERROR_NO_UNICODE_TRANSLATION);
    ck_assert_int_eq(mb(CP_UTF7, 0, "+BB8EQAQ4-x", 11, w, 16), 4);
    ck_assert_uint_eq(w[0], 0x41f);
    ck_assert_uint_eq(w[3], 'x');
    int n = wc(CP_UTF7, 0, u"Привет a+b", 10, b, 32);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(mb(CP_UTF7, 0, b, n, w, 16), 10);
    ck_assert(memcmp(w, u"Привет a+b", 10 * sizeof(WCHAR)) == 0);
}
END_TEST

START_TEST(test_default_char)
{
    char b[16];
    BOOL used = FALSE;
    FILL(b);
    ck_assert_int_eq(WideCharToMultiByte(1252, 0, u"xあy", 3, b, 16, "*", &used), 3);
    ck_assert(memcmp(b, "x*y", 3) == 0);
    ck_assert(used);
    used = TRUE;
    ck_assert_int_eq(WideCharToMultiByte(1252, 0, u"xy", 2, b, 16, NULL, &used), 2);
    ck_assert(!used);
    /* Best fit: a similar character, not the default one. */
    used = TRUE;
    ck_assert_int_eq(WideCharToMultiByte(1252, 0, u"\u0100", 1, b, 16, NULL, &used), 1);
    ck_assert_uint_eq((unsigned char)b[0], 'A');
    ck_assert(!used);
    ck_assert_int_eq(WideCharToMultiByte(20127, 0, u"\u00fc", 1, b, 16, NULL, &used), 1);
    ck_assert_uint_eq((unsigned char)b[0], 'u');
    ck_assert_int_eq(WideCharToMultiByte(1252, WC_NO_BEST_FIT_CHARS, u"\u0100", 1, b, 16, NULL,
                                         &used), 1);
    ck_assert_uint_eq((unsigned char)b[0], '?');
    ck_assert(used);
    /* A two-byte default character of a DBCS code page. */
    ck_assert_int_eq(WideCharToMultiByte(932, WC_NO_BEST_FIT_CHARS, u"\u0100", 1, b, 16,
                                         "\x81\x45", NULL), 2);
    ck_assert(memcmp(b, "\x81\x45", 2) == 0);
    /* WC_COMPOSITECHECK: a combining mark the code page lacks. */
    ck_assert_int_eq(wc(1252, WC_COMPOSITECHECK | WC_DISCARDNS | WC_NO_BEST_FIT_CHARS,
                        u"e\u0301x", 3, b, 16), 2);
    ck_assert(memcmp(b, "ex", 2) == 0);
    ck_assert_int_eq(wc(1252, WC_COMPOSITECHECK | WC_DEFAULTCHAR | WC_NO_BEST_FIT_CHARS,
                        u"e\u0301x", 3, b, 16), 3);
    ck_assert(memcmp(b, "e?x", 3) == 0);
}
END_TEST

START_TEST(test_cpinfo)
{
    CPINFO ci;
    CPINFOEXW cx;
    CPINFOEXA ca;
    memset(&ci, 0xcc, sizeof ci);
    ck_assert(GetCPInfo(1252, &ci));
    ck_assert_uint_eq(ci.MaxCharSize, 1);
    ck_assert_uint_eq(ci.DefaultChar[0], '?');
    ck_assert_uint_eq(ci.DefaultChar[1], 0);
    ck_assert_uint_eq(ci.LeadByte[0], 0);
    ck_assert(GetCPInfo(932, &ci));
    ck_assert_uint_eq(ci.MaxCharSize, 2);
    static const BYTE lead932[] = {0x81, 0x9f, 0xe0, 0xfc, 0, 0};
    ck_assert(memcmp(ci.LeadByte, lead932, sizeof lead932) == 0);
    ck_assert(GetCPInfo(CP_UTF8, &ci));
    ck_assert_uint_eq(ci.MaxCharSize, 4);
    ck_assert(GetCPInfo(CP_UTF7, &ci));
    ck_assert_uint_eq(ci.MaxCharSize, 5);
    memset(&cx, 0xcc, sizeof cx);
    ck_assert(GetCPInfoExW(CP_ACP, 0, &cx));
    ck_assert_uint_eq(cx.CodePage, 65001);
    ck_assert_uint_eq(cx.UnicodeDefaultChar, 0xfffd);
    ck_assert(GetCPInfoExW(932, 0, &cx));
    ck_assert_uint_eq(cx.UnicodeDefaultChar, 0x30fb);
    memset(&ca, 0xcc, sizeof ca);
    ck_assert(GetCPInfoExA(1252, 0, &ca));
    ck_assert_str_eq(ca.CodePageName, "1252  (ANSI - Latin I)");
    ck_assert(GetCPInfoExA(437, 0, &ca));
    ck_assert_str_eq(ca.CodePageName, "437   (OEM - United States)");
    ck_assert(IsValidCodePage(1252));
    ck_assert(IsValidCodePage(65001));
    ck_assert(IsValidCodePage(65000));
    ck_assert(!IsValidCodePage(CP_ACP));
    ck_assert(!IsValidCodePage(12345));
    ck_assert(!IsDBCSLeadByte(0x82)); /* the ANSI code page is UTF-8 */
    ck_assert(IsDBCSLeadByteEx(932, 0x82));
    ck_assert(!IsDBCSLeadByteEx(932, 0x41));
    ck_assert(IsDBCSLeadByteEx(949, 0xfe));
    ck_assert(!IsDBCSLeadByteEx(1252, 0x82));
}
END_TEST

START_TEST(test_errors)
{
    WCHAR w[8];
    char b[8];
    BOOL used;
    ASSERT_FAILS(mb(CP_UTF8, 0, NULL, 1, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(mb(CP_UTF8, 0, "x", 0, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(mb(CP_UTF8, 0, "x", 1, NULL, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(mb(CP_UTF8, 0, "x", 1, w, -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(mb(CP_UTF8, 0, (const char *)w, 2, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(mb(12345, 0, "x", 1, w, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(mb(CP_UTF8, MB_PRECOMPOSED, "x", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(mb(CP_UTF7, MB_ERR_INVALID_CHARS, "x", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(mb(CP_SYMBOL, MB_PRECOMPOSED, "x", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(mb(54936, MB_PRECOMPOSED, "x", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(mb(1252, 0x100, "x", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(mb(1252, MB_PRECOMPOSED | MB_COMPOSITE, "x", 1, w, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(mb(1252, MB_COMPOSITE, "x", 1, w, 8), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(mb(CP_UTF8, 0, "hello", -1, w, 5), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(mb(1252, 0, "hello", -1, w, 5), ERROR_INSUFFICIENT_BUFFER);

    ASSERT_FAILS(wc(CP_UTF8, 0, NULL, 1, b, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(wc(CP_UTF8, 0, u"x", 0, b, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(wc(CP_UTF8, 0, u"x", 1, NULL, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(wc(CP_UTF8, 0, u"x", 1, b, -1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(wc(12345, 0, u"x", 1, b, 8), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WideCharToMultiByte(CP_UTF8, 0, u"x", 1, b, 8, "?", NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WideCharToMultiByte(CP_UTF8, 0, u"x", 1, b, 8, NULL, &used),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WideCharToMultiByte(CP_UTF7, 0, u"x", 1, b, 8, NULL, &used),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(WideCharToMultiByte(CP_SYMBOL, 0, u"x", 1, b, 8, "?", NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(wc(CP_UTF8, WC_NO_BEST_FIT_CHARS, u"x", 1, b, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(wc(CP_UTF7, WC_ERR_INVALID_CHARS, u"x", 1, b, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(wc(1252, WC_ERR_INVALID_CHARS, u"x", 1, b, 8), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(wc(CP_UTF8, 0, u"hello", -1, b, 5), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(wc(932, 0, u"日本", 2, b, 3), ERROR_INSUFFICIENT_BUFFER);

    CPINFO ci;
    CPINFOEXW cx;
    ASSERT_FAILS(GetCPInfo(1252, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetCPInfo(12345, &ci), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetCPInfo(CP_SYMBOL, &ci), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetCPInfoExW(1252, 1, &cx), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(GetCPInfoExW(1252, 0, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetCPInfoExA(1252, 0, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(IsDBCSLeadByteEx(12345, 0x82), ERROR_INVALID_PARAMETER);
}
END_TEST

static void *convert_loop(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        char b[32];
        WCHAR w[16];
        int n = wc(i & 1 ? 932 : 1252, 0, i & 1 ? u"日本語" : u"Grüße", -1, b, 32);
        if (n <= 0 || mb(i & 1 ? 932 : 1252, 0, b, n, w, 16) != (i & 1 ? 4 : 6))
            return (void *)1;
    }
    return NULL;
}

/* The pooled iconv descriptors are never shared by two threads at once. */
START_TEST(test_threads)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, convert_loop, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ck_assert_ptr_null(r);
    }
}
END_TEST

static Suite *codepage_suite(void)
{
    Suite *s = suite_create("codepage");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");

    tcase_add_test(basic, test_utf8_basic);
    tcase_add_test(basic, test_utf8_invalid);
    tcase_add_test(basic, test_utf16_invalid);
    tcase_add_test(basic, test_1252_all_bytes);
    tcase_add_test(basic, test_dbcs);
    tcase_add_test(basic, test_glyphs_symbol_utf7);
    tcase_add_test(basic, test_default_char);
    tcase_add_test(basic, test_cpinfo);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);

    tcase_add_test(threads, test_threads);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(codepage_suite)
