/*
 * Code pages as Windows programs use them: text through several code pages
 * and back with WideCharToMultiByte / MultiByteToWideChar, the size-query
 * protocol, default characters, invalid input with and without
 * MB_ERR_INVALID_CHARS, and the errors of bad arguments.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void PrintBytes(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        printf(" %02x", (unsigned)(unsigned char)p[i]);
}

static void PrintUnits(const WCHAR *p, int n)
{
    for (int i = 0; i < n; i++)
        printf(" %04x", (unsigned)p[i]);
}

/* Text -> code page -> text, and whether it came back whole. */
static void RoundTrip(UINT cp, const char *label, const WCHAR *text, int len)
{
    char bytes[64];
    WCHAR back[64];
    BOOL usedDefault = FALSE;
    BOOL *pUsed = (cp == CP_UTF8 || cp == CP_UTF7) ? NULL : &usedDefault;

    int need = WideCharToMultiByte(cp, 0, text, len, NULL, 0, NULL, pUsed);
    int n = WideCharToMultiByte(cp, 0, text, len, bytes, sizeof bytes, NULL, pUsed);
    printf("%u %s: %d bytes (asked %d):", cp, label, n, need);
    PrintBytes(bytes, n);
    printf("%s\n", usedDefault ? " [default char used]" : "");
    int m = MultiByteToWideChar(cp, 0, bytes, n, back, 64);
    int same = m == len && memcmp(back, text, (size_t)len * sizeof(WCHAR)) == 0;
    printf("  back: %d units, %s\n", m, same ? "identical" : "changed");
    if (need != n)
        failures++;
}

static void Decode(UINT cp, DWORD flags, const char *label, const char *bytes, int n)
{
    WCHAR out[32];
    SetLastError(0xdeadbeef);
    int r = MultiByteToWideChar(cp, flags, bytes, n, out, 32);
    DWORD err = GetLastError();
    printf("%u %s%s: ", cp, label, flags & MB_ERR_INVALID_CHARS ? " (MB_ERR_INVALID_CHARS)" : "");
    if (r == 0)
        printf("fails, error %u\n", (unsigned)err);
    else {
        printf("%d units:", r);
        PrintUnits(out, r);
        printf("\n");
    }
}

static void Expect(const char *what, int r, DWORD err)
{
    printf("%s: returns %d, error %u\n", what, r, (unsigned)err);
}

int main(void)
{
    /* "Grüße, €5" */
    static const WCHAR latin[] = {'G', 'r', 0xfc, 0xdf, 'e', ',', ' ', 0x20ac, '5'};
    /* "Привет" */
    static const WCHAR cyrillic[] = {0x41f, 0x440, 0x438, 0x432, 0x435, 0x442};
    /* "日本語テキスト" */
    static const WCHAR japanese[] = {0x65e5, 0x672c, 0x8a9e, 0x30c6, 0x30ad, 0x30b9, 0x30c8};
    /* "中文" and "한국어" */
    static const WCHAR chinese[] = {0x4e2d, 0x6587};
    static const WCHAR korean[] = {0xd55c, 0xad6d, 0xc5b4};
    /* "Ωμέγα" */
    static const WCHAR greek[] = {0x3a9, 0x3bc, 0x3ad, 0x3b3, 0x3b1};
    /* "a" U+1F600 "z": a surrogate pair */
    static const WCHAR emoji[] = {'a', 0xd83d, 0xde00, 'z'};
    /* Text a single-byte code page cannot hold: "x" HIRAGANA A "y" */
    static const WCHAR hiragana[] = {'x', 0x3042, 'y'};
    static const UINT pages[] = {1252, 437, 850, 1250, 1251, 1253, 932, 936, 949, 950, 20127, 65001};
    char buf[64];
    WCHAR wbuf[64];
    int r;
    DWORD err;

    for (unsigned i = 0; i < sizeof pages / sizeof *pages; i++) {
        CPINFO info;
        BOOL ok = GetCPInfo(pages[i], &info);
        printf("code page %u: valid %d, GetCPInfo %d, MaxCharSize %u, lead bytes", pages[i],
               IsValidCodePage(pages[i]), ok, (unsigned)info.MaxCharSize);
        for (int k = 0; k + 1 < MAX_LEADBYTES && info.LeadByte[k]; k += 2)
            printf(" %02x-%02x", info.LeadByte[k], info.LeadByte[k + 1]);
        printf("\n");
    }
    printf("IsDBCSLeadByteEx(932, 0x82) %d, (932, 0x41) %d, (1252, 0x82) %d\n",
           IsDBCSLeadByteEx(932, 0x82), IsDBCSLeadByteEx(932, 0x41), IsDBCSLeadByteEx(1252, 0x82));

    printf("\n-- round trips --\n");
    RoundTrip(1252, "latin", latin, 9);
    RoundTrip(850, "latin", latin, 9);
    RoundTrip(1251, "cyrillic", cyrillic, 6);
    RoundTrip(866, "cyrillic", cyrillic, 6);
    RoundTrip(1253, "greek", greek, 5);
    RoundTrip(932, "japanese", japanese, 7);
    RoundTrip(936, "chinese", chinese, 2);
    RoundTrip(949, "korean", korean, 3);
    RoundTrip(65001, "latin", latin, 9);
    RoundTrip(65001, "emoji", emoji, 4);
    RoundTrip(65000, "cyrillic", cyrillic, 6);
    RoundTrip(1252, "hiragana", hiragana, 3);
    RoundTrip(20127, "latin", latin, 9);

    printf("\n-- the size protocol --\n");
    r = MultiByteToWideChar(CP_UTF8, 0, "hello", -1, NULL, 0);
    printf("MultiByteToWideChar(\"hello\", -1) asks for %d units\n", r);
    r = MultiByteToWideChar(CP_UTF8, 0, "hello", -1, wbuf, 6);
    printf("  converts %d units, last is %u\n", r, (unsigned)wbuf[5]);
    r = MultiByteToWideChar(CP_UTF8, 0, "hello", 5, wbuf, 5);
    printf("  with length 5: %d units\n", r);
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, 0, "hello", -1, wbuf, 5);
    err = GetLastError();
    Expect("  into 5 units", r, err);
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(CP_UTF8, 0, latin, 9, buf, 5, NULL, NULL);
    err = GetLastError();
    Expect("WideCharToMultiByte into 5 bytes", r, err);

    printf("\n-- default characters --\n");
    {
        BOOL used = FALSE;
        r = WideCharToMultiByte(1252, 0, hiragana, 3, buf, sizeof buf, "*", &used);
        printf("1252 with \"*\": %d bytes:", r);
        PrintBytes(buf, r);
        printf(", used %d\n", used);
        static const WCHAR amacron[] = {0x100, 'b'};
        used = FALSE;
        r = WideCharToMultiByte(1252, 0, amacron, 2, buf, sizeof buf, NULL, &used);
        printf("1252 U+0100 best fit: %d bytes:", r);
        PrintBytes(buf, r);
        printf(", used %d\n", used);
        used = FALSE;
        r = WideCharToMultiByte(1252, WC_NO_BEST_FIT_CHARS, amacron, 2, buf, sizeof buf, NULL, &used);
        printf("1252 U+0100 WC_NO_BEST_FIT_CHARS: %d bytes:", r);
        PrintBytes(buf, r);
        printf(", used %d\n", used);
        static const WCHAR c1[] = {0x81, 0x8d};
        r = WideCharToMultiByte(1252, 0, c1, 2, buf, sizeof buf, NULL, NULL);
        printf("1252 U+0081 U+008D: %d bytes:", r);
        PrintBytes(buf, r);
        printf("\n");
    }

    printf("\n-- invalid input --\n");
    Decode(CP_UTF8, 0, "C0 80", "\xc0\x80", 2);
    Decode(CP_UTF8, 0, "E2 82 41", "\xe2\x82\x41", 3);
    Decode(CP_UTF8, 0, "E2 82 at the end", "\xe2\x82", 2);
    Decode(CP_UTF8, 0, "ED A0 80 (a surrogate)", "\xed\xa0\x80", 3);
    Decode(CP_UTF8, 0, "F4 90 80 80 (past U+10FFFF)", "\xf4\x90\x80\x80", 4);
    Decode(CP_UTF8, 0, "FF 41", "\xff\x41", 2);
    Decode(CP_UTF8, MB_ERR_INVALID_CHARS, "FF 41", "\xff\x41", 2);
    Decode(CP_UTF8, MB_ERR_INVALID_CHARS, "F0 9F 98 80", "\xf0\x9f\x98\x80", 4);
    Decode(1252, 0, "80 81 8D 9F", "\x80\x81\x8d\x9f", 4);
    Decode(1252, MB_ERR_INVALID_CHARS, "80 81 8D 9F", "\x80\x81\x8d\x9f", 4);
    Decode(932, 0, "82 A0 81 20 41 (bad trail byte)", "\x82\xa0\x81\x20\x41", 5);
    Decode(932, MB_ERR_INVALID_CHARS, "82 A0 81 20 41", "\x82\xa0\x81\x20\x41", 5);
    Decode(932, 0, "82 A0 82 (lead byte at the end)", "\x82\xa0\x82", 3);
    Decode(437, MB_USEGLYPHCHARS, "01 02 7F 41 (glyphs)", "\x01\x02\x7f\x41", 4);
    Decode(437, 0, "01 02 7F 41", "\x01\x02\x7f\x41", 4);
    Decode(65000, 0, "+BB8EQAQ4-x", "+BB8EQAQ4-x", 11);
    {
        static const WCHAR lone[] = {'a', 0xd800, 'b'};
        r = WideCharToMultiByte(CP_UTF8, 0, lone, 3, buf, sizeof buf, NULL, NULL);
        printf("UTF-8 of a lone surrogate: %d bytes:", r);
        PrintBytes(buf, r);
        printf("\n");
        SetLastError(0xdeadbeef);
        r = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, lone, 3, buf, sizeof buf, NULL, NULL);
        err = GetLastError();
        Expect("  with WC_ERR_INVALID_CHARS", r, err);
    }

    printf("\n-- bad arguments --\n");
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(12345, 0, "x", 1, wbuf, 4);
    err = GetLastError();
    Expect("unknown code page", r, err);
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "x", 1, wbuf, 4);
    err = GetLastError();
    Expect("CP_UTF8 with MB_PRECOMPOSED", r, err);
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF7, MB_ERR_INVALID_CHARS, "x", 1, wbuf, 4);
    err = GetLastError();
    Expect("CP_UTF7 with MB_ERR_INVALID_CHARS", r, err);
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, 0, "x", 0, wbuf, 4);
    err = GetLastError();
    Expect("a zero-length source", r, err);
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, 0, NULL, 1, wbuf, 4);
    err = GetLastError();
    Expect("a NULL source", r, err);
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, 0, "x", 1, NULL, 4);
    err = GetLastError();
    Expect("a NULL buffer with a size", r, err);
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(CP_UTF8, 0, latin, 9, buf, sizeof buf, "?", NULL);
    err = GetLastError();
    Expect("CP_UTF8 with lpDefaultChar", r, err);
    {
        BOOL used;
        SetLastError(0xdeadbeef);
        r = WideCharToMultiByte(CP_UTF8, 0, latin, 9, buf, sizeof buf, NULL, &used);
        err = GetLastError();
        Expect("CP_UTF8 with lpUsedDefaultChar", r, err);
    }
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(CP_UTF8, WC_NO_BEST_FIT_CHARS, latin, 9, buf, sizeof buf, NULL, NULL);
    err = GetLastError();
    Expect("CP_UTF8 with WC_NO_BEST_FIT_CHARS", r, err);
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(1252, 0x100000, latin, 9, buf, sizeof buf, NULL, NULL);
    err = GetLastError();
    Expect("1252 with an undefined flag", r, err);
    {
        CPINFO info;
        SetLastError(0xdeadbeef);
        r = GetCPInfo(12345, &info);
        err = GetLastError();
        Expect("GetCPInfo(12345)", r, err);
    }
    printf("IsValidCodePage(12345) %d\n", IsValidCodePage(12345));

    return failures ? 1 : 0;
}
