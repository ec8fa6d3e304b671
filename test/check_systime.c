/* System and local time, FILETIME/SYSTEMTIME conversions and time zones
 * (lib/sys/systime.c).  Each test sets TZ itself (Check runs each in its
 * own fork). */
#define _GNU_SOURCE
#include "testutil.h"

#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static ULONGLONG ftv(const FILETIME *ft)
{
    return ((ULONGLONG)ft->dwHighDateTime << 32) | ft->dwLowDateTime;
}

static FILETIME ft_of(ULONGLONG v)
{
    FILETIME ft = {(DWORD)v, (DWORD)(v >> 32)};
    return ft;
}

static SYSTEMTIME st_make(int y, int mo, int d, int h, int mi, int s, int ms)
{
    SYSTEMTIME st;
    memset(&st, 0, sizeof st);
    st.wYear = (WORD)y;
    st.wMonth = (WORD)mo;
    st.wDay = (WORD)d;
    st.wHour = (WORD)h;
    st.wMinute = (WORD)mi;
    st.wSecond = (WORD)s;
    st.wMilliseconds = (WORD)ms;
    return st;
}

#define ASSERT_ST(st, y, mo, d, h, mi, s)                                            \
    ck_assert_msg((st).wYear == (y) && (st).wMonth == (mo) && (st).wDay == (d) &&      \
                      (st).wHour == (h) && (st).wMinute == (mi) && (st).wSecond == (s), \
                  "got %04u-%02u-%02u %02u:%02u:%02u", (st).wYear, (st).wMonth,     \
                  (st).wDay, (st).wHour, (st).wMinute, (st).wSecond)

#define ASSERT_RULE(date, mo, nth, dow, h)                                           \
    ck_assert_msg((date).wYear == 0 && (date).wMonth == (mo) && (date).wDay == (nth) && \
                      (date).wDayOfWeek == (dow) && (date).wHour == (h) &&             \
                      (date).wMinute == 0,                                             \
                  "rule %u/%u/%u dow %u %02u:%02u", (date).wYear, (date).wMonth,      \
                  (date).wDay, (date).wDayOfWeek, (date).wHour, (date).wMinute)

static void assert_wstr(const WCHAR *w, const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        ck_assert_msg(w[i] == (WCHAR)s[i], "name differs from %s at %zu", s, i);
    ck_assert_msg(w[i] == 0, "name longer than %s", s);
}

/* ---- basic ---- */

START_TEST(test_filetime_to_systemtime)
{
    SYSTEMTIME st;
    FILETIME ft = ft_of(0);
    memset(&st, 0xcc, sizeof st);
    ck_assert(FileTimeToSystemTime(&ft, &st));
    ASSERT_ST(st, 1601, 1, 1, 0, 0, 0);
    ck_assert_int_eq(st.wDayOfWeek, 1); /* a Monday */
    ck_assert_int_eq(st.wMilliseconds, 0);

    ft = ft_of(116444736000000000ULL); /* the Unix epoch */
    ck_assert(FileTimeToSystemTime(&ft, &st));
    ASSERT_ST(st, 1970, 1, 1, 0, 0, 0);
    ck_assert_int_eq(st.wDayOfWeek, 4); /* a Thursday */

    /* 2024-02-29 12:34:56.789, a Thursday in a leap year. */
    ft = ft_of(116444736000000000ULL + 1709210096789ULL * 10000 + 1234);
    ck_assert(FileTimeToSystemTime(&ft, &st));
    ASSERT_ST(st, 2024, 2, 29, 12, 34, 56);
    ck_assert_int_eq(st.wMilliseconds, 789);
    ck_assert_int_eq(st.wDayOfWeek, 4);

    /* The largest convertible value. */
    ft = ft_of(0x7fffffffffffffffULL);
    ck_assert(FileTimeToSystemTime(&ft, &st));
    ASSERT_ST(st, 30828, 9, 14, 2, 48, 5);
    ck_assert_int_eq(st.wMilliseconds, 477);
}
END_TEST

START_TEST(test_filetime_errors)
{
    SYSTEMTIME st;
    FILETIME ft = ft_of(0x8000000000000000ULL);
    memset(&st, 0xcc, sizeof st);
    ASSERT_FAILS(FileTimeToSystemTime(&ft, &st), ERROR_INVALID_PARAMETER);
    ck_assert_int_eq(st.wYear, 0xcccc);
    ft = ft_of(~0ULL);
    ASSERT_FAILS(FileTimeToSystemTime(&ft, &st), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_systemtime_to_filetime)
{
    FILETIME ft;
    SYSTEMTIME st = st_make(1970, 1, 1, 0, 0, 0, 0);
    memset(&ft, 0xcc, sizeof ft);
    ck_assert(SystemTimeToFileTime(&st, &ft));
    ck_assert_uint_eq(ftv(&ft), 116444736000000000ULL);
    st.wDayOfWeek = 6; /* ignored, even when wrong */
    ck_assert(SystemTimeToFileTime(&st, &ft));
    ck_assert_uint_eq(ftv(&ft), 116444736000000000ULL);
    st = st_make(1601, 1, 1, 0, 0, 0, 0);
    ck_assert(SystemTimeToFileTime(&st, &ft));
    ck_assert_uint_eq(ftv(&ft), 0);
    st = st_make(2000, 2, 29, 23, 59, 59, 999); /* 2000 is a leap year */
    ck_assert(SystemTimeToFileTime(&st, &ft));
    st = st_make(30828, 9, 14, 2, 48, 5, 477);
    ck_assert(SystemTimeToFileTime(&st, &ft));
    ck_assert_uint_eq(ftv(&ft), 0x7fffffffffffffffULL - 5807);
}
END_TEST

START_TEST(test_systemtime_validation)
{
    static const int bad[][7] = {
        {1600, 12, 31, 0, 0, 0, 0}, {2024, 0, 1, 0, 0, 0, 0},   {2024, 13, 1, 0, 0, 0, 0},
        {2024, 1, 0, 0, 0, 0, 0},   {2024, 1, 32, 0, 0, 0, 0},  {2023, 2, 29, 0, 0, 0, 0},
        {2100, 2, 29, 0, 0, 0, 0},  {2024, 4, 31, 0, 0, 0, 0},  {2024, 1, 1, 24, 0, 0, 0},
        {2024, 1, 1, 0, 60, 0, 0},  {2024, 1, 1, 0, 0, 60, 0},  {2024, 1, 1, 0, 0, 0, 1000},
        {30828, 9, 14, 2, 48, 6, 0}, {30828, 12, 31, 0, 0, 0, 0}, {30829, 1, 1, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SYSTEMTIME st = st_make(bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4],
                                bad[i][5], bad[i][6]);
        FILETIME ft = {0xcccccccc, 0xcccccccc};
        SetLastError(0xdeadbeef);
        ck_assert_msg(!SystemTimeToFileTime(&st, &ft), "case %zu accepted", i);
        ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
        ck_assert_uint_eq(ft.dwLowDateTime, 0xcccccccc);
    }
}
END_TEST

/* The loops assert with one ck_abort_msg on failure: a Check assertion
 * records its location through a pipe, 57,000 of them outran the
 * timeout in the ThreadSanitizer build. */
START_TEST(test_round_trips)
{
    /* Millisecond-aligned values across the whole range. */
    ULONGLONG v = 0;
    for (int i = 0; i < 20000; i++) {
        v = v * 6364136223846793005ULL + 1442695040888963407ULL;
        ULONGLONG t = (v >> 1) / 10000 * 10000;
        FILETIME ft = ft_of(t), back;
        SYSTEMTIME st;
        if (!FileTimeToSystemTime(&ft, &st) || !SystemTimeToFileTime(&st, &back) ||
            ftv(&back) != t)
            ck_abort_msg("%llx did not come back (%llx)", t, ftv(&back));
    }
    /* Every day from 1999 to 2101: dates and weekdays step by one. */
    SYSTEMTIME prev;
    FILETIME ft;
    SYSTEMTIME st = st_make(1999, 1, 1, 12, 0, 0, 0);
    ck_assert(SystemTimeToFileTime(&st, &ft));
    ck_assert(FileTimeToSystemTime(&ft, &prev));
    for (int d = 1; d < 37000; d++) {
        FILETIME n = ft_of(ftv(&ft) + (ULONGLONG)d * 864000000000ULL);
        time_t s = (time_t)(ftv(&n) / 10000000ULL - 11644473600ULL);
        struct tm tm;
        gmtime_r(&s, &tm);
        if (!FileTimeToSystemTime(&n, &st) || st.wDayOfWeek != (prev.wDayOfWeek + 1) % 7 ||
            st.wYear != tm.tm_year + 1900 || st.wMonth != tm.tm_mon + 1 ||
            st.wDay != tm.tm_mday || st.wDayOfWeek != tm.tm_wday)
            ck_abort_msg("day %d: %04u-%02u-%02u weekday %u", d, st.wYear, st.wMonth, st.wDay,
                         st.wDayOfWeek);
        prev = st;
    }
}
END_TEST

START_TEST(test_compare_file_time)
{
    FILETIME a = ft_of(5), b = ft_of(6), c = ft_of(0x8000000000000000ULL),
             d = ft_of(0x0000000100000000ULL), e = ft_of(0x00000000ffffffffULL);
    ck_assert_int_eq(CompareFileTime(&a, &b), -1);
    ck_assert_int_eq(CompareFileTime(&b, &a), 1);
    ck_assert_int_eq(CompareFileTime(&a, &a), 0);
    ck_assert_int_eq(CompareFileTime(&c, &a), 1); /* unsigned */
    ck_assert_int_eq(CompareFileTime(&d, &e), 1);  /* high part first */
    ck_assert_int_eq(CompareFileTime(&e, &d), -1);
}
END_TEST

START_TEST(test_clock_reads)
{
    FILETIME a, p;
    SYSTEMTIME st;
    GetSystemTimeAsFileTime(&a);
    GetSystemTimePreciseAsFileTime(&p);
    memset(&st, 0xcc, sizeof st);
    GetSystemTime(&st);
    FILETIME b;
    ck_assert(SystemTimeToFileTime(&st, &b));
    ck_assert(ftv(&p) >= ftv(&a));
    ck_assert(ftv(&p) - ftv(&a) < 10000000ULL);
    long long diff = (long long)(ftv(&b) - ftv(&p)); /* b is truncated to ms */
    ck_assert_msg(diff > -10000 && diff < 10000000, "GetSystemTime is %lld off", diff);
    time_t now = time(NULL);
    ck_assert((long long)(ftv(&p) / 10000000ULL - 11644473600ULL) - (long long)now <= 1);
}
END_TEST

START_TEST(test_local_time)
{
    static const char *zones[] = {"UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin"};
    for (size_t i = 0; i < 4; i++) {
        set_tz(zones[i]);
        /* Bracket the call with the clock GetLocalTime reads: time(2) is
         * the kernel's coarse clock, up to a tick behind CLOCK_REALTIME,
         * so it can name the old second on both sides of a call that read
         * the new one. */
        for (int tries = 0;; tries++) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_REALTIME, &t0);
            SYSTEMTIME st;
            memset(&st, 0xcc, sizeof st);
            GetLocalTime(&st);
            clock_gettime(CLOCK_REALTIME, &t1);
            struct tm tm;
            time_t before = t0.tv_sec;
            localtime_r(&before, &tm);
            if (t1.tv_sec != t0.tv_sec && tries < 100)
                continue; /* a second boundary passed */
            ASSERT_ST(st, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                      tm.tm_min, tm.tm_sec);
            ck_assert_int_eq(st.wDayOfWeek, tm.tm_wday);
            break;
        }
    }
}
END_TEST

START_TEST(test_local_file_time)
{
    set_tz("Asia/Kolkata"); /* +05:30 all year */
    FILETIME utc = ft_of(133000000000000000ULL), local, back;
    memset(&local, 0xcc, sizeof local);
    ck_assert(FileTimeToLocalFileTime(&utc, &local));
    ck_assert_uint_eq(ftv(&local) - ftv(&utc), 330ULL * 60 * 10000000);
    ck_assert(LocalFileTimeToFileTime(&local, &back));
    ck_assert_uint_eq(ftv(&back), ftv(&utc));

    /* Windows uses the bias in force now, whatever the date converted. */
    set_tz("Europe/Berlin");
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    FILETIME winter = ft_of(133500000000000000ULL); /* 2024-01-21 */
    ck_assert(FileTimeToLocalFileTime(&winter, &local));
    ck_assert_uint_eq(ftv(&local) - ftv(&winter), (ULONGLONG)tm.tm_gmtoff * 10000000);
}
END_TEST

/* ---- zones ---- */

START_TEST(test_zone_utc)
{
    set_tz("UTC");
    TIME_ZONE_INFORMATION tzi;
    memset(&tzi, 0xcc, sizeof tzi);
    ck_assert_uint_eq(GetTimeZoneInformation(&tzi), TIME_ZONE_ID_UNKNOWN);
    ck_assert_int_eq(tzi.Bias, 0);
    ck_assert_int_eq(tzi.StandardBias, 0);
    ck_assert_int_eq(tzi.DaylightBias, 0);
    ck_assert_int_eq(tzi.StandardDate.wMonth, 0);
    ck_assert_int_eq(tzi.DaylightDate.wMonth, 0);
    assert_wstr(tzi.StandardName, "UTC");
    assert_wstr(tzi.DaylightName, "UTC");
}
END_TEST

static DWORD expected_id(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return tm.tm_isdst > 0 ? TIME_ZONE_ID_DAYLIGHT : TIME_ZONE_ID_STANDARD;
}

START_TEST(test_zone_new_york)
{
    set_tz("America/New_York");
    TIME_ZONE_INFORMATION tzi;
    memset(&tzi, 0xcc, sizeof tzi);
    ck_assert_uint_eq(GetTimeZoneInformation(&tzi), expected_id());
    ck_assert_int_eq(tzi.Bias, 300);
    ck_assert_int_eq(tzi.StandardBias, 0);
    ck_assert_int_eq(tzi.DaylightBias, -60);
    ASSERT_RULE(tzi.DaylightDate, 3, 2, 0, 2);  /* second Sunday of March, 2:00 */
    ASSERT_RULE(tzi.StandardDate, 11, 1, 0, 2); /* first Sunday of November, 2:00 */
    assert_wstr(tzi.StandardName, "EST");
    assert_wstr(tzi.DaylightName, "EDT");

    /* Before 2007: first Sunday of April to last Sunday of October. */
    ck_assert(GetTimeZoneInformationForYear(2006, NULL, &tzi));
    ASSERT_RULE(tzi.DaylightDate, 4, 1, 0, 2);
    ASSERT_RULE(tzi.StandardDate, 10, 5, 0, 2);

    DYNAMIC_TIME_ZONE_INFORMATION d;
    memset(&d, 0xcc, sizeof d);
    ck_assert_uint_eq(GetDynamicTimeZoneInformation(&d), expected_id());
    ck_assert_int_eq(d.Bias, 300);
    ck_assert_int_eq(d.DaylightBias, -60);
    assert_wstr(d.TimeZoneKeyName, "America/New_York");
    ck_assert_int_eq(d.DynamicDaylightTimeDisabled, 0);
    /* The key names the current zone: its rule for the year. */
    ck_assert(GetTimeZoneInformationForYear(2006, &d, &tzi));
    ASSERT_RULE(tzi.DaylightDate, 4, 1, 0, 2);
}
END_TEST

START_TEST(test_zone_berlin_sydney_dublin_tokyo)
{
    TIME_ZONE_INFORMATION tzi;
    set_tz("Europe/Berlin");
    ck_assert_uint_eq(GetTimeZoneInformation(&tzi), expected_id());
    ck_assert_int_eq(tzi.Bias, -60);
    ck_assert_int_eq(tzi.DaylightBias, -60);
    ASSERT_RULE(tzi.DaylightDate, 3, 5, 0, 2);  /* last Sunday of March, 2:00 CET */
    ASSERT_RULE(tzi.StandardDate, 10, 5, 0, 3); /* last Sunday of October, 3:00 CEST */
    assert_wstr(tzi.StandardName, "CET");
    assert_wstr(tzi.DaylightName, "CEST");

    set_tz("Australia/Sydney"); /* daylight time over the new year */
    ck_assert_uint_eq(GetTimeZoneInformation(&tzi), expected_id());
    ck_assert_int_eq(tzi.Bias, -600);
    ck_assert_int_eq(tzi.DaylightBias, -60);
    ASSERT_RULE(tzi.DaylightDate, 10, 1, 0, 2);
    ASSERT_RULE(tzi.StandardDate, 4, 1, 0, 3);
    assert_wstr(tzi.StandardName, "AEST");
    assert_wstr(tzi.DaylightName, "AEDT");

    /* The tz database calls Irish winter time the daylight one; Windows
     * has GMT as standard time. */
    set_tz("Europe/Dublin");
    GetTimeZoneInformation(&tzi);
    ck_assert_int_eq(tzi.Bias, 0);
    ck_assert_int_eq(tzi.DaylightBias, -60);
    ASSERT_RULE(tzi.DaylightDate, 3, 5, 0, 1);
    ASSERT_RULE(tzi.StandardDate, 10, 5, 0, 2);
    assert_wstr(tzi.StandardName, "GMT");
    assert_wstr(tzi.DaylightName, "IST");

    set_tz("Asia/Tokyo");
    ck_assert_uint_eq(GetTimeZoneInformation(&tzi), TIME_ZONE_ID_UNKNOWN);
    ck_assert_int_eq(tzi.Bias, -540);
    ck_assert_int_eq(tzi.DaylightDate.wMonth, 0);
    assert_wstr(tzi.StandardName, "JST");

    /* A POSIX TZ string works as well. */
    set_tz("XST3XDT,M3.2.0/2,M11.1.0/2");
    ck_assert_uint_eq(GetTimeZoneInformation(&tzi), expected_id());
    ck_assert_int_eq(tzi.Bias, 180);
    ASSERT_RULE(tzi.DaylightDate, 3, 2, 0, 2);
    ASSERT_RULE(tzi.StandardDate, 11, 1, 0, 2);
}
END_TEST

START_TEST(test_zone_errors)
{
    set_tz("Europe/Berlin");
    TIME_ZONE_INFORMATION tzi;
    DYNAMIC_TIME_ZONE_INFORMATION d;
    ASSERT_FAILS(GetTimeZoneInformationForYear(2024, NULL, NULL), ERROR_INVALID_PARAMETER);
    GetDynamicTimeZoneInformation(&d);
    d.TimeZoneKeyName[0] = 'X';
    memset(&tzi, 0xcc, sizeof tzi);
    ASSERT_FAILS(GetTimeZoneInformationForYear(2024, &d, &tzi), ERROR_FILE_NOT_FOUND);
    ck_assert_int_eq(tzi.Bias, (LONG)0xcccccccc);
}
END_TEST

/* UTC -> local with the current zone, at the 2024 transitions. */
START_TEST(test_tz_specific_boundaries)
{
    set_tz("America/New_York");
    static const struct {
        int utc[6], local[6];
    } cases[] = {
        {{2024, 1, 15, 12, 0, 0}, {2024, 1, 15, 7, 0, 0}},
        {{2024, 7, 1, 12, 0, 0}, {2024, 7, 1, 8, 0, 0}},
        {{2024, 3, 10, 6, 59, 59}, {2024, 3, 10, 1, 59, 59}}, /* last EST second */
        {{2024, 3, 10, 7, 0, 0}, {2024, 3, 10, 3, 0, 0}},     /* first EDT second */
        {{2024, 11, 3, 5, 59, 59}, {2024, 11, 3, 1, 59, 59}}, /* last EDT second */
        {{2024, 11, 3, 6, 0, 0}, {2024, 11, 3, 1, 0, 0}},     /* first EST second */
        {{2006, 4, 2, 7, 0, 0}, {2006, 4, 2, 3, 0, 0}},       /* the old rule */
        {{2006, 3, 12, 7, 0, 0}, {2006, 3, 12, 2, 0, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int *u = cases[i].utc, *l = cases[i].local;
        SYSTEMTIME utc = st_make(u[0], u[1], u[2], u[3], u[4], u[5], 0), local;
        memset(&local, 0xcc, sizeof local);
        ck_assert(SystemTimeToTzSpecificLocalTime(NULL, &utc, &local));
        ASSERT_ST(local, l[0], l[1], l[2], l[3], l[4], l[5]);
    }
    /* Local -> UTC: the hour that does not exist is taken as daylight
     * time, the hour that happens twice as daylight time, as Windows
     * does. */
    SYSTEMTIME local = st_make(2024, 3, 10, 2, 30, 0, 0), utc;
    ck_assert(TzSpecificLocalTimeToSystemTime(NULL, &local, &utc));
    ASSERT_ST(utc, 2024, 3, 10, 6, 30, 0);
    local = st_make(2024, 11, 3, 1, 30, 0, 0);
    ck_assert(TzSpecificLocalTimeToSystemTime(NULL, &local, &utc));
    ASSERT_ST(utc, 2024, 11, 3, 5, 30, 0);
    local = st_make(2024, 11, 3, 2, 0, 0, 0);
    ck_assert(TzSpecificLocalTimeToSystemTime(NULL, &local, &utc));
    ASSERT_ST(utc, 2024, 11, 3, 7, 0, 0);
}
END_TEST

/* The current zone's conversions agree with glibc's at noon UTC of every
 * day of several years, and invert. */
START_TEST(test_tz_specific_against_glibc)
{
    static const char *zones[] = {"America/New_York", "Europe/Berlin", "Australia/Sydney",
                                  "Europe/Dublin", "Asia/Tokyo", "America/Sao_Paulo",
                                  "UTC"};
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        set_tz(zones[z]);
        for (int d = 0; d < 3 * 366; d += 1) {
            time_t s = 1672574400 + (time_t)d * 86400; /* 2023-01-01 12:00 UTC */
            struct tm tm;
            localtime_r(&s, &tm);
            FILETIME ft = ft_of(((ULONGLONG)s + 11644473600ULL) * 10000000ULL);
            SYSTEMTIME utc, local, back;
            ck_assert(FileTimeToSystemTime(&ft, &utc));
            ck_assert(SystemTimeToTzSpecificLocalTime(NULL, &utc, &local));
            ck_assert_msg(local.wHour == tm.tm_hour && local.wDay == tm.tm_mday &&
                              local.wMinute == tm.tm_min,
                          "%s day %d: %02u:%02u, glibc %02d:%02d", zones[z], d, local.wHour,
                          local.wMinute, tm.tm_hour, tm.tm_min);
            ck_assert(TzSpecificLocalTimeToSystemTime(NULL, &local, &back));
            ASSERT_ST(back, utc.wYear, utc.wMonth, utc.wDay, utc.wHour, utc.wMinute,
                      utc.wSecond);
        }
    }
}
END_TEST

/* An explicit TIME_ZONE_INFORMATION follows its own rule, whatever TZ is. */
START_TEST(test_tz_specific_explicit)
{
    set_tz("Asia/Tokyo");
    TIME_ZONE_INFORMATION tzi;
    memset(&tzi, 0, sizeof tzi);
    tzi.Bias = -120;
    tzi.DaylightBias = -60;
    tzi.DaylightDate = st_make(0, 9, 1, 2, 0, 0, 0); /* first ... of September */
    tzi.DaylightDate.wDayOfWeek = 0;                 /* Sunday */
    tzi.StandardDate = st_make(0, 4, 5, 3, 0, 0, 0); /* last Sunday of April */
    tzi.StandardDate.wDayOfWeek = 0;
    /* Southern rule: daylight from September to April. */
    SYSTEMTIME utc = st_make(2024, 1, 10, 10, 0, 0, 0), local;
    ck_assert(SystemTimeToTzSpecificLocalTime(&tzi, &utc, &local));
    ASSERT_ST(local, 2024, 1, 10, 13, 0, 0);
    utc = st_make(2024, 6, 10, 10, 0, 0, 0);
    ck_assert(SystemTimeToTzSpecificLocalTime(&tzi, &utc, &local));
    ASSERT_ST(local, 2024, 6, 10, 12, 0, 0);
    /* 2024-09-01 is a Sunday: daylight from 02:00 standard time. */
    utc = st_make(2024, 8, 31, 23, 59, 0, 0);
    ck_assert(SystemTimeToTzSpecificLocalTime(&tzi, &utc, &local));
    ASSERT_ST(local, 2024, 9, 1, 1, 59, 0);
    utc = st_make(2024, 9, 1, 0, 0, 0, 0);
    ck_assert(SystemTimeToTzSpecificLocalTime(&tzi, &utc, &local));
    ASSERT_ST(local, 2024, 9, 1, 3, 0, 0);

    /* No daylight rule: the bias alone. */
    tzi.DaylightDate.wMonth = 0;
    utc = st_make(2024, 1, 10, 10, 0, 0, 0);
    ck_assert(SystemTimeToTzSpecificLocalTime(&tzi, &utc, &local));
    ASSERT_ST(local, 2024, 1, 10, 12, 0, 0);
    ck_assert(TzSpecificLocalTimeToSystemTime(&tzi, &local, &utc));
    ASSERT_ST(utc, 2024, 1, 10, 10, 0, 0);
}
END_TEST

START_TEST(test_tz_specific_errors)
{
    set_tz("UTC");
    SYSTEMTIME bad = st_make(2024, 2, 30, 0, 0, 0, 0), out;
    memset(&out, 0xcc, sizeof out);
    ASSERT_FAILS(SystemTimeToTzSpecificLocalTime(NULL, &bad, &out), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(TzSpecificLocalTimeToSystemTime(NULL, &bad, &out), ERROR_INVALID_PARAMETER);
    ck_assert_int_eq(out.wYear, 0xcccc);
    TIME_ZONE_INFORMATION tzi;
    memset(&tzi, 0, sizeof tzi);
    tzi.DaylightDate = st_make(0, 3, 2, 2, 0, 0, 0); /* a daylight date, no standard one */
    SYSTEMTIME good = st_make(2024, 2, 1, 0, 0, 0, 0);
    ASSERT_FAILS(SystemTimeToTzSpecificLocalTime(&tzi, &good, &out), ERROR_INVALID_PARAMETER);
    tzi.StandardDate = st_make(0, 11, 6, 2, 0, 0, 0); /* wDay 6: no such week */
    ASSERT_FAILS(TzSpecificLocalTimeToSystemTime(&tzi, &good, &out), ERROR_INVALID_PARAMETER);
}
END_TEST

/* ---- setting the clock ---- */

START_TEST(test_set_time_validation)
{
    SYSTEMTIME bad = st_make(2024, 13, 1, 0, 0, 0, 0);
    ASSERT_FAILS(SetSystemTime(&bad), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetLocalTime(&bad), ERROR_INVALID_PARAMETER);
    bad = st_make(1969, 12, 31, 23, 0, 0, 0); /* before Linux's clock starts */
    ASSERT_FAILS(SetSystemTime(&bad), ERROR_INVALID_PARAMETER);
}
END_TEST

/* Without CAP_SYS_TIME (dropped in this test's own process), the clock
 * is refused as Windows refuses it without SE_SYSTEMTIME_NAME. */
START_TEST(test_set_time_refused)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
    d[0].effective &= ~(1u << CAP_SYS_TIME);
    d[0].permitted &= ~(1u << CAP_SYS_TIME);
    d[0].inheritable &= ~(1u << CAP_SYS_TIME);
    ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
    ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
    ck_assert_msg(!(d[0].effective & (1u << CAP_SYS_TIME)), "CAP_SYS_TIME still held");
    SYSTEMTIME now;
    GetSystemTime(&now);
    ASSERT_FAILS(SetSystemTime(&now), ERROR_PRIVILEGE_NOT_HELD);
    GetLocalTime(&now);
    ASSERT_FAILS(SetLocalTime(&now), ERROR_PRIVILEGE_NOT_HELD);
}
END_TEST

START_TEST(test_time_adjustment)
{
    DWORD adj = 0xcccccccc, inc = 0xcccccccc;
    BOOL disabled = 0xcccc;
    ck_assert(GetSystemTimeAdjustment(&adj, &inc, &disabled));
    ck_assert(inc > 0 && inc != 0xcccccccc);
    ck_assert(disabled == TRUE || disabled == FALSE);
    if (disabled)
        ck_assert_uint_eq(adj, inc);
    else
        ck_assert(adj > inc / 2 && adj < inc * 2);
}
END_TEST

static Suite *systime_suite(void)
{
    Suite *s = suite_create("systime");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_filetime_to_systemtime);
    tcase_add_test(basic, test_systemtime_to_filetime);
    tcase_add_test(basic, test_round_trips);
    tcase_add_test(basic, test_compare_file_time);
    tcase_add_test(basic, test_clock_reads);
    tcase_add_test(basic, test_local_time);
    tcase_add_test(basic, test_local_file_time);
    tcase_add_test(basic, test_time_adjustment);
    suite_add_tcase(s, basic);
    TCase *zones = tcase_create("zones");
    tcase_set_timeout(zones, 30);
    tcase_add_test(zones, test_zone_utc);
    tcase_add_test(zones, test_zone_new_york);
    tcase_add_test(zones, test_zone_berlin_sydney_dublin_tokyo);
    tcase_add_test(zones, test_tz_specific_boundaries);
    tcase_add_test(zones, test_tz_specific_against_glibc);
    tcase_add_test(zones, test_tz_specific_explicit);
    suite_add_tcase(s, zones);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_filetime_errors);
    tcase_add_test(errors, test_systemtime_validation);
    tcase_add_test(errors, test_zone_errors);
    tcase_add_test(errors, test_tz_specific_errors);
    tcase_add_test(errors, test_set_time_validation);
    tcase_add_test(errors, test_set_time_refused);
    suite_add_tcase(s, errors);
    return s;
}

TEST_MAIN(systime_suite)
