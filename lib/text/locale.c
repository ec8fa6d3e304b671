/*
 * Locales: the user, system and thread locale, GetLocaleInfo, locale
 * names and LCIDs, CompareString and LCMapString.
 *
 * The user locale comes from the environment the way the C library reads
 * it: LC_ALL, else LANG ("de_DE.UTF-8@euro" is de-DE); "C", "POSIX" or
 * nothing is en-US; a locale winshim has no entry for is the first entry
 * of its language, else en-US.  It is read once, at the first call that
 * needs it.  The system locale is the same one.  The values GetLocaleInfo
 * returns are Windows' for that locale (locale_table), not glibc's, so
 * they do not depend on which glibc locales are installed.
 *
 * Comparison is an approximation of Windows' word sort with no tables of
 * ours (text_compare): letters compare case-blind and without their
 * diacritics first (punctuation and symbols before digits before letters;
 * Latin letters alphabetically, other characters by code point), then
 * diacritics, then case (lower first), then, in word sort, the hyphens and
 * apostrophes that are otherwise ignored.  docs/COMPATIBILITY.md lists
 * what differs.
 */
#include <iconv.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/text.h"

struct locale_def {
    LCID lcid;
    const char *name;           /* LOCALE_SNAME; ISO 639 and 3166 codes */
    const char *lang, *country; /* English names */
    const char *native_lang, *native_country;
    const char *abbrev;         /* LOCALE_SABBREVLANGNAME */
    const char *iso639_2, *iso3166_3;
    const char *decimal, *thousand, *list;
    UINT ansi, oem, mac;
    UINT metric;                /* LOCALE_IMEASURE: 0 metric, 1 U.S. */
    UINT phone;                 /* LOCALE_ICOUNTRY */
};

/* The invariant locale first, then the locales winshim knows. */
static const struct locale_def locale_table[] = {
    {0x007f, "", "Invariant Language", "Invariant Country", "Invariant Language",
     "Invariant Country", "IVL", "ivl", "IVC", ".", ",", ",", 1252, 437, 10000, 0, 1},
    {0x0409, "en-US", "English", "United States", "English", "United States", "ENU", "eng",
     "USA", ".", ",", ",", 1252, 437, 10000, 1, 1},
    {0x0809, "en-GB", "English", "United Kingdom", "English", "United Kingdom", "ENG", "eng",
     "GBR", ".", ",", ",", 1252, 850, 10000, 0, 44},
    {0x0407, "de-DE", "German", "Germany", "Deutsch", "Deutschland", "DEU", "deu", "DEU", ",",
     ".", ";", 1252, 850, 10000, 0, 49},
    {0x040c, "fr-FR", "French", "France", "fran\xc3\xa7" "ais", "France", "FRA", "fra", "FRA",
     ",", "\xe2\x80\xaf", ";", 1252, 850, 10000, 0, 33},
    {0x0c0a, "es-ES", "Spanish", "Spain", "espa\xc3\xb1ol", "Espa\xc3\xb1" "a", "ESN", "spa",
     "ESP", ",", ".", ";", 1252, 850, 10000, 0, 34},
    {0x0410, "it-IT", "Italian", "Italy", "italiano", "Italia", "ITA", "ita", "ITA", ",", ".",
     ";", 1252, 850, 10000, 0, 39},
    {0x0413, "nl-NL", "Dutch", "Netherlands", "Nederlands", "Nederland", "NLD", "nld", "NLD",
     ",", ".", ";", 1252, 850, 10000, 0, 31},
    {0x0416, "pt-BR", "Portuguese", "Brazil", "portugu\xc3\xaas", "Brasil", "PTB", "por", "BRA",
     ",", ".", ";", 1252, 850, 10000, 0, 55},
    {0x041d, "sv-SE", "Swedish", "Sweden", "svenska", "Sverige", "SVE", "swe", "SWE", ",",
     "\xc2\xa0", ";", 1252, 850, 10000, 0, 46},
    {0x0415, "pl-PL", "Polish", "Poland", "polski", "Polska", "PLK", "pol", "POL", ",",
     "\xc2\xa0", ";", 1250, 852, 10029, 0, 48},
    {0x0405, "cs-CZ", "Czech", "Czechia", "\xc4\x8d" "e\xc5\xa1tina", "\xc4\x8c" "esko", "CSY",
     "ces", "CZE", ",", "\xc2\xa0", ";", 1250, 852, 10029, 0, 420},
    {0x0419, "ru-RU", "Russian", "Russia", "\xd1\x80\xd1\x83\xd1\x81\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9",
     "\xd0\xa0\xd0\xbe\xd1\x81\xd1\x81\xd0\xb8\xd1\x8f", "RUS", "rus", "RUS", ",", "\xc2\xa0", ";",
     1251, 866, 10007, 0, 7},
    {0x041f, "tr-TR", "Turkish", "T\xc3\xbcrkiye", "T\xc3\xbcrk\xc3\xa7" "e", "T\xc3\xbcrkiye",
     "TRK", "tur", "TUR", ",", ".", ";", 1254, 857, 10081, 0, 90},
    {0x0411, "ja-JP", "Japanese", "Japan", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
     "\xe6\x97\xa5\xe6\x9c\xac", "JPN", "jpn", "JPN", ".", ",", ",", 932, 932, 10001, 0, 81},
    {0x0412, "ko-KR", "Korean", "Korea", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4",
     "\xeb\x8c\x80\xed\x95\x9c\xeb\xaf\xbc\xea\xb5\xad", "KOR", "kor", "KOR", ".", ",", ",", 949,
     949, 10003, 0, 82},
    {0x0804, "zh-CN", "Chinese", "China", "\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe5\x9b\xbd",
     "CHS", "zho", "CHN", ".", ",", ",", 936, 936, 10008, 0, 86},
    {0x0404, "zh-TW", "Chinese", "Taiwan", "\xe4\xb8\xad\xe6\x96\x87", "\xe5\x8f\xb0\xe7\x81\xa3",
     "CHT", "zho", "TWN", ".", ",", ",", 950, 950, 10002, 0, 886},
};
#define LOCALE_COUNT (sizeof locale_table / sizeof *locale_table)
#define INVARIANT (&locale_table[0])
#define EN_US (&locale_table[1])

static const struct locale_def *user_locale;
static pthread_once_t user_once = PTHREAD_ONCE_INIT;
static __thread LCID thread_lcid; /* 0: the user locale */

/* The entry of a language ("de") or of a locale name ("de-DE", "de_DE"),
 * compared without regard to case; NULL when there is none. */
static const struct locale_def *locale_by_name(const char *name, size_t len, bool lang_only)
{
    for (size_t i = 1; i < LOCALE_COUNT; i++) {
        const char *n = locale_table[i].name;
        size_t k = lang_only ? (size_t)(strchr(n, '-') - n) : strlen(n);
        if (k != len)
            continue;
        size_t j = 0;
        for (; j < k; j++) {
            char a = name[j] == '_' ? '-' : name[j];
            if ((a | 0x20) != (n[j] | 0x20) && !(a == '-' && n[j] == '-'))
                break;
        }
        if (j == k)
            return &locale_table[i];
    }
    return NULL;
}

static void user_locale_read(void)
{
    const char *v = getenv("LC_ALL");
    if (!v || !*v)
        v = getenv("LANG");
    user_locale = EN_US;
    if (!v || !*v || !strcmp(v, "C") || !strcmp(v, "POSIX") || !strncmp(v, "C.", 2))
        return;
    size_t len = strcspn(v, ".@");
    const struct locale_def *d = locale_by_name(v, len, false);
    if (!d)
        d = locale_by_name(v, strcspn(v, "_-.@"), true);
    if (d)
        user_locale = d;
}

static const struct locale_def *locale_user(void)
{
    pthread_once(&user_once, user_locale_read);
    return user_locale;
}

/* The entry an LCID names: the default-locale LCIDs are the user locale;
 * a neutral one (a language without a country) is its language's first
 * entry.  NULL for an LCID winshim does not know or a sort order other
 * than the default. */
static const struct locale_def *locale_by_lcid(LCID lcid)
{
    if (lcid == LOCALE_USER_DEFAULT || lcid == LOCALE_SYSTEM_DEFAULT ||
        lcid == LOCALE_CUSTOM_DEFAULT || lcid == LOCALE_CUSTOM_UI_DEFAULT ||
        lcid == LOCALE_CUSTOM_UNSPECIFIED || lcid == LOCALE_NEUTRAL)
        return locale_user();
    if (lcid >> 16)
        return NULL;
    if (lcid == LOCALE_INVARIANT)
        return INVARIANT;
    for (size_t i = 1; i < LOCALE_COUNT; i++)
        if (locale_table[i].lcid == lcid ||
            (SUBLANGID(lcid) == SUBLANG_NEUTRAL &&
             PRIMARYLANGID(locale_table[i].lcid) == PRIMARYLANGID(lcid)))
            return &locale_table[i];
    return NULL;
}

/* A locale name as the *Ex functions take it: NULL the user locale, ""
 * the invariant one, LOCALE_NAME_SYSTEM_DEFAULT the system one, a neutral
 * name ("de") its language's first entry. */
static const struct locale_def *locale_by_wname(LPCWSTR name)
{
    if (!name)
        return locale_user();
    char a[LOCALE_NAME_MAX_LENGTH * 3 + 1];
    if (utf16_to_utf8(name, (size_t)-1, a, sizeof a) < 0)
        return NULL;
    if (!*a)
        return INVARIANT;
    if (!strcmp(a, "!x-sys-default-locale"))
        return locale_user();
    const struct locale_def *d = locale_by_name(a, strlen(a), false);
    return d ? d : locale_by_name(a, strlen(a), true);
}

static bool is_neutral_name(LPCWSTR name)
{
    for (; name && *name; name++)
        if (*name == '-' || *name == '_')
            return false;
    return name != NULL;
}

/* ------------------------------------------------------------------ */
/* default locales                                                     */

WS_EXPORT LCID WINAPI GetUserDefaultLCID(void) { return locale_user()->lcid; }
WS_EXPORT LCID WINAPI GetSystemDefaultLCID(void) { return locale_user()->lcid; }
WS_EXPORT LANGID WINAPI GetUserDefaultLangID(void) { return LANGIDFROMLCID(locale_user()->lcid); }
WS_EXPORT LANGID WINAPI GetSystemDefaultLangID(void) { return LANGIDFROMLCID(locale_user()->lcid); }

WS_EXPORT LCID WINAPI GetThreadLocale(void)
{
    return thread_lcid ? thread_lcid : locale_user()->lcid;
}

WS_EXPORT BOOL WINAPI SetThreadLocale(LCID Locale)
{
    const struct locale_def *d = locale_by_lcid(Locale);
    if (!d)
        return ws_bool(ERROR_INVALID_PARAMETER);
    thread_lcid = d->lcid;
    return TRUE;
}

/* A string result by the size protocol: the length with its terminator,
 * 0 when cch is too small (ERROR_INSUFFICIENT_BUFFER). */
static int put_w(const char *value, LPWSTR out, int cch)
{
    WCHAR w[128];
    int n = utf8_to_utf16(value, w, sizeof w / sizeof *w) + 1;
    if (!cch)
        return n;
    if (cch < n)
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    memcpy(out, w, (size_t)n * sizeof *w);
    return n;
}

static int put_a(const char *value, LPSTR out, int cch)
{
    int n = (int)strlen(value) + 1;
    if (!cch)
        return n;
    if (cch < n)
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    memcpy(out, value, (size_t)n);
    return n;
}

WS_EXPORT int WINAPI LCIDToLocaleName(LCID Locale, LPWSTR lpName, int cchName, DWORD dwFlags)
{
    if (dwFlags & ~(DWORD)LOCALE_ALLOW_NEUTRAL_NAMES)
        return ws_bool(ERROR_INVALID_FLAGS);
    if (cchName < 0 || (!lpName && cchName))
        return ws_bool(ERROR_INVALID_PARAMETER);
    const struct locale_def *d = locale_by_lcid(Locale);
    if (!d)
        return ws_bool(ERROR_INVALID_PARAMETER);
    char name[16];
    snprintf(name, sizeof name, "%s", d->name);
    if ((dwFlags & LOCALE_ALLOW_NEUTRAL_NAMES) && Locale < 0x400 && SUBLANGID(Locale) == 0 &&
        strchr(name, '-'))
        *strchr(name, '-') = 0;
    return put_w(name, lpName, cchName);
}

WS_EXPORT LCID WINAPI LocaleNameToLCID(LPCWSTR lpName, DWORD dwFlags)
{
    if (dwFlags & ~(DWORD)LOCALE_ALLOW_NEUTRAL_NAMES)
        return ws_bool(ERROR_INVALID_FLAGS);
    const struct locale_def *d = locale_by_wname(lpName);
    if (!d)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if ((dwFlags & LOCALE_ALLOW_NEUTRAL_NAMES) && d != INVARIANT && is_neutral_name(lpName))
        return MAKELANGID(PRIMARYLANGID(d->lcid), SUBLANG_NEUTRAL);
    return d->lcid;
}

WS_EXPORT int WINAPI GetUserDefaultLocaleName(LPWSTR lpLocaleName, int cchLocaleName)
{
    return LCIDToLocaleName(LOCALE_USER_DEFAULT, lpLocaleName, cchLocaleName, 0);
}

WS_EXPORT int WINAPI GetSystemDefaultLocaleName(LPWSTR lpLocaleName, int cchLocaleName)
{
    return LCIDToLocaleName(LOCALE_SYSTEM_DEFAULT, lpLocaleName, cchLocaleName, 0);
}

/* ------------------------------------------------------------------ */
/* GetLocaleInfo                                                       */

#define LCTYPE_MODIFIERS                                                                      \
    (LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP | LOCALE_RETURN_NUMBER |                       \
     LOCALE_RETURN_GENITIVE_NAMES)

/* The value of one LCTYPE: a string into buf, or a number (*num, and its
 * decimal or hexadecimal text into buf).  ERROR_INVALID_FLAGS for a type
 * winshim does not have. */
static DWORD locale_value(const struct locale_def *d, LCTYPE type, char *buf, size_t cap,
                          bool *is_num, DWORD *num)
{
    const char *s = NULL;
    char code[16];
    const char *dash = strchr(d->name, '-');
    *is_num = false;
    switch (type) {
    case LOCALE_SNAME: s = d->name; break;
    case LOCALE_SENGLISHLANGUAGENAME: s = d->lang; break;
    case LOCALE_SENGLISHCOUNTRYNAME: s = d->country; break;
    case LOCALE_SNATIVELANGUAGENAME: s = d->native_lang; break;
    case LOCALE_SNATIVECOUNTRYNAME: s = d->native_country; break;
    case LOCALE_SLOCALIZEDCOUNTRYNAME: s = d->country; break;
    case LOCALE_SABBREVLANGNAME: s = d->abbrev; break;
    case LOCALE_SABBREVCTRYNAME:
    case LOCALE_SISO3166CTRYNAME2: s = d->iso3166_3; break;
    case LOCALE_SISO639LANGNAME2: s = d->iso639_2; break;
    case LOCALE_SISO639LANGNAME:
    case LOCALE_SPARENT:
        snprintf(code, sizeof code, "%.*s", dash ? (int)(dash - d->name) : 0, d->name);
        s = d == INVARIANT && type == LOCALE_SISO639LANGNAME ? "iv" : code;
        break;
    case LOCALE_SISO3166CTRYNAME: s = dash ? dash + 1 : "IV"; break;
    case LOCALE_SLOCALIZEDDISPLAYNAME:
    case LOCALE_SENGLISHDISPLAYNAME:
        snprintf(buf, cap, "%s (%s)", d->lang, d->country);
        return 0;
    case LOCALE_SDECIMAL:
    case LOCALE_SMONDECIMALSEP: s = d->decimal; break;
    case LOCALE_STHOUSAND:
    case LOCALE_SMONTHOUSANDSEP: s = d->thousand; break;
    case LOCALE_SLIST: s = d->list; break;
    case LOCALE_SGROUPING:
    case LOCALE_SMONGROUPING: s = "3;0"; break;
    case LOCALE_SNATIVEDIGITS: s = "0123456789"; break;
    case LOCALE_SNEGATIVESIGN: s = "-"; break;
    case LOCALE_SPOSITIVESIGN: s = ""; break;
    case LOCALE_ILANGUAGE:
    case LOCALE_IDEFAULTLANGUAGE:
        *is_num = true;
        *num = LANGIDFROMLCID(d->lcid);
        snprintf(buf, cap, "%04x", (unsigned)*num);
        return 0;
    case LOCALE_ICOUNTRY:
    case LOCALE_IDEFAULTCOUNTRY: *num = d->phone; goto number;
    case LOCALE_IDEFAULTANSICODEPAGE: *num = d->ansi; goto number;
    case LOCALE_IDEFAULTCODEPAGE: *num = d->oem; goto number;
    case LOCALE_IDEFAULTMACCODEPAGE: *num = d->mac; goto number;
    case LOCALE_IMEASURE: *num = d->metric; goto number;
    case LOCALE_IDIGITS:
    case LOCALE_ICURRDIGITS: *num = 2; goto number;
    case LOCALE_ILZERO:
    case LOCALE_INEGNUMBER: *num = 1; goto number;
    default:
        return ERROR_INVALID_FLAGS;
    }
    snprintf(buf, cap, "%s", s);
    return 0;
number:
    *is_num = true;
    snprintf(buf, cap, "%u", (unsigned)*num);
    return 0;
}

/* The shared core: the value as UTF-8 text, or the number for
 * LOCALE_RETURN_NUMBER (*num_only). */
static DWORD locale_info(const struct locale_def *d, LCTYPE type, char *buf, size_t cap,
                         bool *num_only, DWORD *num)
{
    bool is_num;
    if (!d)
        return ERROR_INVALID_PARAMETER;
    DWORD err = locale_value(d, type & ~(DWORD)LCTYPE_MODIFIERS, buf, cap, &is_num, num);
    if (err)
        return err;
    *num_only = (type & LOCALE_RETURN_NUMBER) != 0;
    if (*num_only && !is_num)
        return ERROR_INVALID_FLAGS;
    return 0;
}

static int info_w(const struct locale_def *d, LCTYPE type, LPWSTR out, int cch)
{
    if (cch < 0 || (!out && cch))
        return ws_bool(ERROR_INVALID_PARAMETER);
    char buf[128];
    bool num_only;
    DWORD num, err = locale_info(d, type, buf, sizeof buf, &num_only, &num);
    if (err)
        return ws_bool(err);
    if (!num_only)
        return put_w(buf, out, cch);
    int n = sizeof num / sizeof(WCHAR);
    if (cch && cch < n)
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    if (cch)
        memcpy(out, &num, sizeof num);
    return n;
}

WS_EXPORT int WINAPI GetLocaleInfoW(LCID Locale, LCTYPE LCType, LPWSTR lpLCData, int cchData)
{
    return info_w(locale_by_lcid(Locale), LCType, lpLCData, cchData);
}

WS_EXPORT int WINAPI GetLocaleInfoEx(LPCWSTR lpLocaleName, LCTYPE LCType, LPWSTR lpLCData,
                                     int cchData)
{
    return info_w(locale_by_wname(lpLocaleName), LCType, lpLCData, cchData);
}

WS_EXPORT int WINAPI GetLocaleInfoA(LCID Locale, LCTYPE LCType, LPSTR lpLCData, int cchData)
{
    if (cchData < 0 || (!lpLCData && cchData))
        return ws_bool(ERROR_INVALID_PARAMETER);
    char buf[128];
    bool num_only;
    DWORD num, err = locale_info(locale_by_lcid(Locale), LCType, buf, sizeof buf, &num_only, &num);
    if (err)
        return ws_bool(err);
    if (!num_only)
        return put_a(buf, lpLCData, cchData);
    int n = sizeof num;
    if (cchData && cchData < n)
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    if (cchData)
        memcpy(lpLCData, &num, sizeof num);
    return n;
}

/* ------------------------------------------------------------------ */
/* CompareString                                                       */

#define COMPARE_FLAGS                                                                         \
    (NORM_IGNORECASE | NORM_IGNORENONSPACE | NORM_IGNORESYMBOLS | LINGUISTIC_IGNORECASE |     \
     LINGUISTIC_IGNOREDIACRITIC | NORM_IGNOREKANATYPE | NORM_IGNOREWIDTH |                     \
     NORM_LINGUISTIC_CASING | SORT_STRINGSORT | SORT_DIGITSASNUMBERS | LOCALE_USE_CP_ACP)

/* Latin letters with diacritics sort with their base letters (é next to
 * e, ß as ss), the diacritic counting only when the letters are equal.
 * The base letters are learned once from glibc's transliteration to ASCII
 * in C.UTF-8, not from a table of ours: one or two ASCII letters, else
 * the character sorts on its own. */
#define LATIN_FIRST 0x00c0
#define LATIN_LAST 0x024f
static char latin_base[LATIN_LAST - LATIN_FIRST + 1][3];
static pthread_once_t latin_once = PTHREAD_ONCE_INIT;

static void latin_learn(void)
{
    iconv_t cd = iconv_open("ASCII//TRANSLIT", WIDE_ICONV);
    locale_t l = text_utf8_locale();
    if (cd == (iconv_t)-1 || !l) {
        if (cd != (iconv_t)-1)
            iconv_close(cd);
        return;
    }
    locale_t old = uselocale(l);
    for (unsigned c = LATIN_FIRST; c <= LATIN_LAST; c++) {
        WCHAR w = (WCHAR)c;
        char out[8], *ip = (char *)&w, *op = out;
        size_t il = sizeof w, ol = sizeof out;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
            continue;
        size_t n = (size_t)(op - out);
        bool letters = n >= 1 && n <= 2;
        for (size_t k = 0; k < n; k++)
            letters &= (out[k] | 0x20) >= 'a' && (out[k] | 0x20) <= 'z';
        if (letters)
            memcpy(latin_base[c - LATIN_FIRST], out, n);
    }
    uselocale(old);
    iconv_close(cd);
}

static const char *latin_base_of(WCHAR c)
{
    if (c < LATIN_FIRST || c > LATIN_LAST)
        return NULL;
    pthread_once(&latin_once, latin_learn);
    return latin_base[c - LATIN_FIRST][0] ? latin_base[c - LATIN_FIRST] : NULL;
}

/* One sort element: the letter it sorts as, the character it came from,
 * and its diacritic (0: none). */
struct cmp_item {
    WCHAR base, orig, diacritic;
};

struct cmp_iter {
    const WCHAR *s;
    int n, i;
    DWORD flags;
    int word;          /* hyphens and apostrophes passed over (word sort) */
    int marks;         /* combining marks passed over */
    struct cmp_item next; /* the second letter of an expansion (ß: s s) */
};

/* The next element that counts, after the width and kana foldings the
 * flags ask for; false at the end. */
static bool cmp_next(struct cmp_iter *it, struct cmp_item *out)
{
    if (it->next.base) {
        *out = it->next;
        it->next.base = 0;
        return true;
    }
    while (it->i < it->n) {
        WCHAR c = it->s[it->i++];
        if (!c)
            continue; /* NUL has no weight, as on Windows */
        if (it->flags & NORM_IGNOREWIDTH) {
            if (c >= 0xff01 && c <= 0xff5e)
                c = (WCHAR)(c - 0xfee0);
            else if (c == 0x3000)
                c = ' ';
        }
        if ((it->flags & NORM_IGNOREKANATYPE) && c >= 0x30a1 && c <= 0x30f6)
            c = (WCHAR)(c - 0x60);
        if (text_is_mark(c)) { /* a diacritic of its own */
            it->marks++;
            continue;
        }
        if ((it->flags & NORM_IGNORESYMBOLS) && !text_is_alnum(c))
            continue;
        if (!(it->flags & SORT_STRINGSORT) && (c == '-' || c == '\'')) {
            it->word++;
            continue;
        }
        const char *b = latin_base_of(c);
        *out = (struct cmp_item){.base = c, .orig = c};
        if (b) {
            out->base = (WCHAR)b[0];
            /* ß and æ are ss and ae outright; é is e with a diacritic */
            out->diacritic = b[1] ? 0 : text_lower(c);
            if (b[1])
                it->next = (struct cmp_item){.base = (WCHAR)b[1], .orig = c};
        }
        return true;
    }
    return false;
}

static uint32_t cmp_weight(WCHAR c)
{
    WCHAR l = text_lower(c);
    if (l >= '0' && l <= '9')
        return 0x20000u + l;
    if (l >= 'a' && l <= 'z')
        return 0x30000u + l;
    if (l < 0x80)
        return l;
    return (text_is_alnum(l) ? 0x40000u : 0x10000u) + l;
}

static bool is_digit(WCHAR c) { return c >= '0' && c <= '9'; }

/* SORT_DIGITSASNUMBERS: the digit runs that start at the iterators'
 * last characters, compared by value (the iterators move past them). */
static int cmp_number(struct cmp_iter *a, struct cmp_iter *b)
{
    int sa = a->i - 1, sb = b->i - 1;
    while (a->i < a->n && is_digit(a->s[a->i]))
        a->i++;
    while (b->i < b->n && is_digit(b->s[b->i]))
        b->i++;
    while (sa < a->i - 1 && a->s[sa] == '0')
        sa++;
    while (sb < b->i - 1 && b->s[sb] == '0')
        sb++;
    int la = a->i - sa, lb = b->i - sb;
    if (la != lb)
        return la < lb ? -1 : 1;
    for (int k = 0; k < la; k++)
        if (a->s[sa + k] != b->s[sb + k])
            return a->s[sa + k] < b->s[sb + k] ? -1 : 1;
    return 0;
}

static int cstr(int r) { return r < 0 ? CSTR_LESS_THAN : r > 0 ? CSTR_GREATER_THAN : CSTR_EQUAL; }

/* Levels, each deciding only when the ones before it found the strings
 * equal: the letters; the diacritics (the first that differs, none
 * first; then the number of combining marks); case (lower first); in
 * word sort the number of hyphens and apostrophes. */
int text_compare(const WCHAR *a, int na, const WCHAR *b, int nb, DWORD flags)
{
    struct cmp_iter x = {.s = a, .n = na, .flags = flags}, y = {.s = b, .n = nb, .flags = flags};
    int diacritic = 0, case_order = 0;
    bool ignore_case = flags & (NORM_IGNORECASE | LINGUISTIC_IGNORECASE);
    bool ignore_marks = flags & (NORM_IGNORENONSPACE | LINGUISTIC_IGNOREDIACRITIC);
    for (;;) {
        struct cmp_item c, d;
        bool more_x = cmp_next(&x, &c), more_y = cmp_next(&y, &d);
        if (!more_x || !more_y) {
            if (more_x || more_y)
                return more_x ? CSTR_GREATER_THAN : CSTR_LESS_THAN;
            break;
        }
        if ((flags & SORT_DIGITSASNUMBERS) && is_digit(c.orig) && is_digit(d.orig)) {
            int r = cmp_number(&x, &y);
            if (r)
                return cstr(r);
            continue;
        }
        uint32_t wc = cmp_weight(c.base), wd = cmp_weight(d.base);
        if (wc != wd)
            return wc < wd ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
        if (!diacritic && c.diacritic != d.diacritic)
            diacritic = c.diacritic < d.diacritic ? -1 : 1;
        bool lc = text_lower(c.orig) == c.orig, ld = text_lower(d.orig) == d.orig;
        if (!case_order && lc != ld)
            case_order = lc ? -1 : 1;
    }
    if (!ignore_marks && diacritic)
        return cstr(diacritic);
    if (!ignore_marks && x.marks != y.marks)
        return cstr(x.marks - y.marks);
    if (!ignore_case && case_order)
        return cstr(case_order);
    return cstr(x.word - y.word);
}

static int compare_w(const struct locale_def *d, DWORD flags, const WCHAR *a, int na,
                     const WCHAR *b, int nb)
{
    if (!a || !b)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (flags & ~(DWORD)COMPARE_FLAGS)
        return ws_bool(ERROR_INVALID_FLAGS);
    if (!d)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (na < 0)
        na = (int)wstrlen(a);
    if (nb < 0)
        nb = (int)wstrlen(b);
    return text_compare(a, na, b, nb, flags);
}

WS_EXPORT int WINAPI CompareStringW(LCID Locale, DWORD dwCmpFlags, PCNZWCH lpString1,
                                    int cchCount1, PCNZWCH lpString2, int cchCount2)
{
    return compare_w(locale_by_lcid(Locale), dwCmpFlags, lpString1, cchCount1, lpString2,
                     cchCount2);
}

WS_EXPORT int WINAPI CompareStringEx(LPCWSTR lpLocaleName, DWORD dwCmpFlags, LPCWCH lpString1,
                                     int cchCount1, LPCWCH lpString2, int cchCount2,
                                     LPNLSVERSIONINFO lpVersionInformation, LPVOID lpReserved,
                                     LPARAM lParam)
{
    if (lpVersionInformation || lpReserved || lParam)
        return ws_bool(ERROR_INVALID_PARAMETER);
    return compare_w(locale_by_wname(lpLocaleName), dwCmpFlags, lpString1, cchCount1, lpString2,
                     cchCount2);
}

WS_EXPORT int WINAPI CompareStringA(LCID Locale, DWORD dwCmpFlags, PCNZCH lpString1,
                                    int cchCount1, PCNZCH lpString2, int cchCount2)
{
    if (!lpString1 || !lpString2)
        return ws_bool(ERROR_INVALID_PARAMETER);
    int na, nb;
    WCHAR *a = text_utf8_to_wide(lpString1, cchCount1 < 0 ? (int)strlen(lpString1) : cchCount1, &na);
    WCHAR *b = text_utf8_to_wide(lpString2, cchCount2 < 0 ? (int)strlen(lpString2) : cchCount2, &nb);
    int r = a && b ? compare_w(locale_by_lcid(Locale), dwCmpFlags, a, na, b, nb)
                   : ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    free(a);
    free(b);
    return r;
}

WS_EXPORT int WINAPI CompareStringOrdinal(LPCWCH lpString1, int cchCount1, LPCWCH lpString2,
                                          int cchCount2, BOOL bIgnoreCase)
{
    if (!lpString1 || !lpString2)
        return ws_bool(ERROR_INVALID_PARAMETER);
    size_t n1 = cchCount1 < 0 ? wstrlen(lpString1) : (size_t)cchCount1;
    size_t n2 = cchCount2 < 0 ? wstrlen(lpString2) : (size_t)cchCount2;
    for (size_t i = 0; i < n1 && i < n2; i++) {
        WCHAR c = lpString1[i], d = lpString2[i];
        if (bIgnoreCase) {
            c = text_upper(c);
            d = text_upper(d);
        }
        if (c != d)
            return c < d ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
    }
    return n1 == n2 ? CSTR_EQUAL : n1 < n2 ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
}

/* ------------------------------------------------------------------ */
/* LCMapString                                                         */

#define MAP_KINDS                                                                             \
    (LCMAP_LOWERCASE | LCMAP_UPPERCASE | LCMAP_SORTKEY | LCMAP_BYTEREV | LCMAP_HASH |         \
     LCMAP_HIRAGANA | LCMAP_KATAKANA | LCMAP_HALFWIDTH | LCMAP_FULLWIDTH |                    \
     LCMAP_SIMPLIFIED_CHINESE | LCMAP_TRADITIONAL_CHINESE | LCMAP_SORTHANDLE)
#define MAP_NORM                                                                              \
    (NORM_IGNORECASE | NORM_IGNORENONSPACE | NORM_IGNORESYMBOLS | LINGUISTIC_IGNORECASE |     \
     LINGUISTIC_IGNOREDIACRITIC | NORM_IGNOREKANATYPE | NORM_IGNOREWIDTH | SORT_STRINGSORT |  \
     SORT_DIGITSASNUMBERS)

static DWORD map_check(DWORD f)
{
    if (f & ~(DWORD)(MAP_KINDS | MAP_NORM | LCMAP_LINGUISTIC_CASING | LOCALE_USE_CP_ACP) ||
        !(f & MAP_KINDS))
        return ERROR_INVALID_FLAGS;
    if ((f & LCMAP_HIRAGANA && f & LCMAP_KATAKANA) || (f & LCMAP_HALFWIDTH && f & LCMAP_FULLWIDTH) ||
        (f & LCMAP_SIMPLIFIED_CHINESE && f & LCMAP_TRADITIONAL_CHINESE))
        return ERROR_INVALID_FLAGS;
    /* Sort keys, hashes, title case and Chinese conversion need Windows'
     * tables (docs/COMPATIBILITY.md). */
    if (f & (LCMAP_SORTKEY | LCMAP_HASH | LCMAP_SORTHANDLE | LCMAP_SIMPLIFIED_CHINESE |
             LCMAP_TRADITIONAL_CHINESE) ||
        (f & LCMAP_TITLECASE) == LCMAP_TITLECASE)
        return ERROR_NOT_SUPPORTED;
    if (f & MAP_NORM) /* only with LCMAP_SORTKEY */
        return ERROR_INVALID_FLAGS;
    return 0;
}

static WCHAR map_one(WCHAR c, DWORD f)
{
    if ((f & LCMAP_FULLWIDTH) && c >= 0x21 && c <= 0x7e)
        c = (WCHAR)(c + 0xfee0);
    else if ((f & LCMAP_FULLWIDTH) && c == ' ')
        c = 0x3000;
    else if ((f & LCMAP_HALFWIDTH) && c >= 0xff01 && c <= 0xff5e)
        c = (WCHAR)(c - 0xfee0);
    else if ((f & LCMAP_HALFWIDTH) && c == 0x3000)
        c = ' ';
    if ((f & LCMAP_HIRAGANA) && c >= 0x30a1 && c <= 0x30f6)
        c = (WCHAR)(c - 0x60);
    else if ((f & LCMAP_KATAKANA) && c >= 0x3041 && c <= 0x3096)
        c = (WCHAR)(c + 0x60);
    if (f & LCMAP_UPPERCASE)
        c = text_upper(c);
    else if (f & LCMAP_LOWERCASE)
        c = text_lower(c);
    if (f & LCMAP_BYTEREV)
        c = (WCHAR)((c << 8) | (c >> 8));
    return c;
}

static int map_w(const struct locale_def *d, DWORD f, LPCWSTR src, int cchSrc, LPWSTR dst,
                 int cchDest)
{
    if (!src || !cchSrc || cchDest < 0 || (!dst && cchDest))
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err = map_check(f);
    if (err)
        return ws_bool(err);
    if (!d)
        return ws_bool(ERROR_INVALID_PARAMETER);
    size_t n = cchSrc < 0 ? wstrlen(src) + 1 : (size_t)cchSrc;
    if (n > INT32_MAX)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!cchDest)
        return (int)n;
    if ((size_t)cchDest < n)
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    for (size_t i = 0; i < n; i++) /* one unit for one: in place is fine */
        dst[i] = map_one(src[i], f);
    return (int)n;
}

WS_EXPORT int WINAPI LCMapStringW(LCID Locale, DWORD dwMapFlags, LPCWSTR lpSrcStr, int cchSrc,
                                  LPWSTR lpDestStr, int cchDest)
{
    return map_w(locale_by_lcid(Locale), dwMapFlags, lpSrcStr, cchSrc, lpDestStr, cchDest);
}

WS_EXPORT int WINAPI LCMapStringEx(LPCWSTR lpLocaleName, DWORD dwMapFlags, LPCWSTR lpSrcStr,
                                   int cchSrc, LPWSTR lpDestStr, int cchDest,
                                   LPNLSVERSIONINFO lpVersionInformation, LPVOID lpReserved,
                                   LPARAM sortHandle)
{
    if (lpVersionInformation || lpReserved || sortHandle)
        return ws_bool(ERROR_INVALID_PARAMETER);
    return map_w(locale_by_wname(lpLocaleName), dwMapFlags, lpSrcStr, cchSrc, lpDestStr,
                 cchDest);
}

/* Through UTF-16 and back: the result may differ in length from the
 * source (a character whose other case has a longer UTF-8 form). */
WS_EXPORT int WINAPI LCMapStringA(LCID Locale, DWORD dwMapFlags, LPCSTR lpSrcStr, int cchSrc,
                                  LPSTR lpDestStr, int cchDest)
{
    if (!lpSrcStr || !cchSrc || cchDest < 0 || (!lpDestStr && cchDest))
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (dwMapFlags & LCMAP_BYTEREV) /* a UTF-16 operation */
        return ws_bool(ERROR_INVALID_FLAGS);
    DWORD err = map_check(dwMapFlags);
    if (err)
        return ws_bool(err);
    const struct locale_def *d = locale_by_lcid(Locale);
    if (!d)
        return ws_bool(ERROR_INVALID_PARAMETER);
    int wn;
    WCHAR *w = text_utf8_to_wide(lpSrcStr, cchSrc, &wn);
    if (!w)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    for (int i = 0; i < wn; i++)
        w[i] = map_one(w[i], dwMapFlags);
    size_t cap = (size_t)wn * 3 + 1; /* a unit never takes more than 3 bytes */
    char *out = malloc(cap);
    int n = out ? utf16_to_utf8(w, (size_t)wn, out, cap) : -1;
    free(w);
    if (n < 0) {
        free(out);
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    }
    if (cchDest && cchDest < n)
        n = ws_bool(ERROR_INSUFFICIENT_BUFFER);
    else if (cchDest)
        memcpy(lpDestStr, out, (size_t)n);
    free(out);
    return n;
}
