/*
 * System and local time, FILETIME and SYSTEMTIME conversions, time zones.
 *
 * A FILETIME counts 100-ns intervals since 1601-01-01 UTC; a SYSTEMTIME
 * spells one out field by field.  The calendar arithmetic is our own
 * (proleptic Gregorian, 1601 to 30828) so that every FILETIME converts,
 * far outside what time_t and timegm cover.
 *
 * Time zones come from the system's tz database through glibc: the zone
 * is TZ, else /etc/localtime, re-read (tzset) at each call so that a
 * changed TZ takes effect as a changed Windows time zone does.  Windows
 * describes a zone by one rule per year (TIME_ZONE_INFORMATION): a
 * standard bias and, for zones with daylight saving time, the two
 * transitions as "the wDay-th wDayOfWeek of wMonth at wHour:wMinute"
 * (wDay 5 = the last one), each in the local time in force before it.
 * zone_year() finds that rule by probing the year: localtime_r once a
 * week, then a bisection to the second around each change of UTC offset.
 * The smaller of the year's two offsets is standard time, the larger
 * daylight time (so Europe/Dublin, whose tz data calls winter time the
 * daylight one, reads as Windows has it); a zone with more than two
 * transitions a year is described by the first of each kind.  A
 * transition on day 29-31 that is the month's last such weekday is
 * written as wDay 5, since one year cannot tell "last" from "fifth".
 *
 * Names: the tz database abbreviations ("EST", "CEST"), not Windows'
 * display names ("Eastern Standard Time"); the dynamic information's
 * TimeZoneKeyName is the tz database name ("America/New_York")
 * (docs/COMPATIBILITY.md).
 *
 * Conversions with an explicit TIME_ZONE_INFORMATION follow Windows' rule
 * (tz_daylight): a time is daylight time when it is after the daylight
 * transition and before the standard one (either, in the southern
 * hemisphere).  A NULL zone means the current zone's rule for the year of
 * the time converted, as Windows' dynamic time zones do.
 *
 * No lock of ours: glibc serialises tzset and localtime_r.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/unicode.h"

#define TICKS_PER_SEC 10000000LL
#define TICKS_PER_DAY (86400LL * TICKS_PER_SEC)
#define TICKS_PER_MIN (60LL * TICKS_PER_SEC)
/* Seconds from 1601-01-01 to 1970-01-01. */
#define EPOCH_SECS 11644473600LL
#define YEAR_MIN 1601
#define YEAR_MAX 30828 /* up to 30828-09-14 02:48:05.477, the last FILETIME below 2^63 */

/* ---- the calendar ---- */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1601-01-01 of y-m-d (Howard Hinnant's days_from_civil,
 * shifted to 1601, itself a 400-year cycle start). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 584694; /* 584694: days from 0000-03-01 to 1601-01-01 */
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 584694;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static uint64_t ft_value(const FILETIME *ft)
{
    return ((uint64_t)ft->dwHighDateTime << 32) | ft->dwLowDateTime;
}

static void ft_store(FILETIME *ft, uint64_t v)
{
    ft->dwLowDateTime = (DWORD)v;
    ft->dwHighDateTime = (DWORD)(v >> 32);
}

/* A FILETIME value below 2^63 as calendar fields (1601-01-01 was a
 * Monday). */
static void st_from_ticks(int64_t t, SYSTEMTIME *st)
{
    int64_t days = t / TICKS_PER_DAY, rem = t % TICKS_PER_DAY;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    st->wYear = (WORD)y;
    st->wMonth = (WORD)m;
    st->wDay = (WORD)d;
    st->wDayOfWeek = (WORD)((days + 1) % 7);
    st->wHour = (WORD)(rem / (3600 * TICKS_PER_SEC));
    st->wMinute = (WORD)(rem / TICKS_PER_MIN % 60);
    st->wSecond = (WORD)(rem / TICKS_PER_SEC % 60);
    st->wMilliseconds = (WORD)(rem / 10000 % 1000);
}

/* Every field checked, wDayOfWeek ignored, as Windows does. */
static DWORD st_to_ticks(const SYSTEMTIME *st, int64_t *t)
{
    if (st->wYear < YEAR_MIN || st->wYear > YEAR_MAX || st->wMonth < 1 || st->wMonth > 12 ||
        st->wDay < 1 || st->wDay > month_days(st->wYear, st->wMonth) || st->wHour > 23 ||
        st->wMinute > 59 || st->wSecond > 59 || st->wMilliseconds > 999)
        return ERROR_INVALID_PARAMETER;
    int64_t day;
    if (__builtin_mul_overflow(days_from_civil(st->wYear, st->wMonth, st->wDay),
                               TICKS_PER_DAY, &day))
        return ERROR_INVALID_PARAMETER;
    int64_t in_day = ((st->wHour * 60 + st->wMinute) * 60 + st->wSecond) * TICKS_PER_SEC +
                     st->wMilliseconds * 10000LL;
    if (__builtin_add_overflow(day, in_day, t))
        return ERROR_INVALID_PARAMETER; /* past 2^63 - 1 */
    return ERROR_SUCCESS;
}

/* ---- the current zone ---- */

/* The UTC offset (seconds east) and abbreviation at unix time s. */
static long zone_offset(time_t s, char *abbr, size_t cap)
{
    struct tm tm;
    if (!localtime_r(&s, &tm))
        return 0;
    if (abbr)
        snprintf(abbr, cap, "%s", tm.tm_zone ? tm.tm_zone : "");
    return tm.tm_gmtoff;
}

/* The first second at or after lo where the offset differs from lo's,
 * given that hi's does. */
static time_t zone_change(time_t lo, time_t hi)
{
    long before = zone_offset(lo, NULL, 0);
    while (hi - lo > 1) {
        time_t mid = lo + (hi - lo) / 2;
        if (zone_offset(mid, NULL, 0) == before)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* A transition at unix time s, from offset `from`, as Windows writes it:
 * the local time before it, in the day-of-week form, wYear 0. */
static void zone_rule_date(time_t s, long from, SYSTEMTIME *date)
{
    SYSTEMTIME st;
    st_from_ticks(((int64_t)s + from + EPOCH_SECS) * TICKS_PER_SEC, &st);
    int nth = (st.wDay - 1) / 7 + 1;
    if (st.wDay + 7 > month_days(st.wYear, st.wMonth))
        nth = 5;
    memset(date, 0, sizeof *date);
    date->wMonth = st.wMonth;
    date->wDayOfWeek = st.wDayOfWeek;
    date->wDay = (WORD)nth;
    date->wHour = st.wHour;
    date->wMinute = st.wMinute;
    date->wSecond = st.wSecond;
}

static void put_name(WCHAR *out, size_t cap, const char *s)
{
    if (utf8_to_utf16(s, out, cap) < 0)
        out[0] = 0;
}

/* The current zone's rule for `year`; returns TIME_ZONE_ID_UNKNOWN when
 * the year has no daylight saving time. */
static DWORD zone_year(int year, TIME_ZONE_INFORMATION *tzi)
{
    tzset();
    memset(tzi, 0, sizeof *tzi);
    time_t start = (time_t)((days_from_civil(year, 1, 1) * 86400) - EPOCH_SECS);
    time_t end = (time_t)((days_from_civil(year + 1, 1, 1) * 86400) - EPOCH_SECS);
    char std_name[64], dst_name[64];
    long lo = zone_offset(start, std_name, sizeof std_name), hi = lo;
    strcpy(dst_name, std_name);
    time_t to_hi = 0, to_lo = 0; /* the first change to each offset */
    long prev = lo;
    for (time_t t = start; t < end;) {
        time_t next = t + 7 * 86400 < end ? t + 7 * 86400 : end;
        if (zone_offset(next, NULL, 0) == prev) {
            t = next;
            continue;
        }
        time_t at = zone_change(t, next);
        char name[64];
        long now = zone_offset(at, name, sizeof name);
        if (now > prev) {
            if (!to_hi) {
                to_hi = at;
                hi = now;
                lo = prev;
                strcpy(dst_name, name);
            }
        } else if (!to_lo) {
            to_lo = at;
            lo = now;
            hi = prev;
            strcpy(std_name, name);
        }
        prev = now;
        t = at;
    }
    if (to_hi && !to_lo) /* a zone that moved for good: no rule */
        to_hi = 0;
    if (to_lo && !to_hi)
        to_lo = 0;
    if (!to_hi) {
        /* No daylight time: the offset and name in force at the year's
         * end, which is where a zone that changed for good ended up. */
        lo = zone_offset(end - 1, std_name, sizeof std_name);
        tzi->Bias = (LONG)(-lo / 60);
        put_name(tzi->StandardName, 32, std_name);
        put_name(tzi->DaylightName, 32, std_name);
        return TIME_ZONE_ID_UNKNOWN;
    }
    tzi->Bias = (LONG)(-lo / 60);
    tzi->DaylightBias = (LONG)(-(hi - lo) / 60);
    put_name(tzi->StandardName, 32, std_name);
    put_name(tzi->DaylightName, 32, dst_name);
    zone_rule_date(to_hi, lo, &tzi->DaylightDate);
    zone_rule_date(to_lo, hi, &tzi->StandardDate);
    return TIME_ZONE_ID_STANDARD;
}

/* The tz database name of the current zone: TZ's, /etc/localtime's link,
 * /etc/timezone's, else UTC, glibc's default. */
static void zone_key(char *out, size_t cap)
{
    const char *tz = getenv("TZ");
    out[0] = 0;
    if (tz && *tz) {
        if (*tz == ':')
            tz++;
        const char *z = strstr(tz, "zoneinfo/");
        snprintf(out, cap, "%s", z ? z + 9 : tz);
        return;
    }
    char link[PATH_MAX];
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    if (n > 0) {
        link[n] = 0;
        const char *z = strstr(link, "zoneinfo/");
        if (z) {
            snprintf(out, cap, "%s", z + 9);
            return;
        }
    }
    FILE *f = fopen("/etc/timezone", "re");
    if (f) {
        if (fgets(out, (int)cap, f))
            out[strcspn(out, "\n")] = 0;
        fclose(f);
        if (out[0])
            return;
    }
    snprintf(out, cap, "UTC"); /* glibc's default without TZ or /etc/localtime */
}

static int current_year(void)
{
    SYSTEMTIME st;
    st_from_ticks(time_utc_100ns(), &st);
    return st.wYear;
}

/* ---- Windows' rule for an explicit TIME_ZONE_INFORMATION ---- */

/* Where local time st stands against a transition date of its year: -1
 * before, 0 at, 1 after (Wine's compare_tzdate, as Windows behaves). */
static int tz_compare(const SYSTEMTIME *st, const SYSTEMTIME *date)
{
    if (st->wMonth != date->wMonth)
        return st->wMonth < date->wMonth ? -1 : 1;
    int limit;
    if (date->wYear == 0) {
        /* The first date->wDayOfWeek of the month, then the wDay-th. */
        int first = (6 + date->wDayOfWeek - st->wDayOfWeek + st->wDay) % 7 + 1;
        limit = first + 7 * (date->wDay - 1);
        while (limit > month_days(st->wYear, st->wMonth))
            limit -= 7;
    } else {
        limit = date->wDay;
    }
    int64_t a = ((int64_t)(st->wDay * 24 + st->wHour) * 60 + st->wMinute) * 60 + st->wSecond;
    int64_t b = ((int64_t)(limit * 24 + date->wHour) * 60 + date->wMinute) * 60 + date->wSecond;
    return a < b ? -1 : a > b;
}

static bool tz_has_dst(const TIME_ZONE_INFORMATION *tz)
{
    return tz->DaylightDate.wMonth != 0;
}

static bool tz_valid(const TIME_ZONE_INFORMATION *tz)
{
    if (!tz_has_dst(tz))
        return true;
    const SYSTEMTIME *s = &tz->StandardDate, *d = &tz->DaylightDate;
    if (s->wMonth < 1 || s->wMonth > 12 || d->wMonth > 12)
        return false;
    if (s->wYear == 0 && (s->wDay < 1 || s->wDay > 5 || s->wDayOfWeek > 6))
        return false;
    if (d->wYear == 0 && (d->wDay < 1 || d->wDay > 5 || d->wDayOfWeek > 6))
        return false;
    return true;
}

/* Is t daylight time?  utc: t is UTC; otherwise t is local time. */
static bool tz_daylight(const TIME_ZONE_INFORMATION *tz, int64_t t, bool utc)
{
    if (!tz_has_dst(tz))
        return false;
    SYSTEMTIME st;
    /* The standard date is in daylight time, the daylight date in
     * standard time. */
    int64_t as_dst = utc ? t - (tz->Bias + tz->DaylightBias) * TICKS_PER_MIN : t;
    int64_t as_std = utc ? t - (tz->Bias + tz->StandardBias) * TICKS_PER_MIN : t;
    if (as_dst < 0 || as_std < 0)
        return false;
    st_from_ticks(as_dst, &st);
    bool before_std = tz_compare(&st, &tz->StandardDate) < 0;
    st_from_ticks(as_std, &st);
    bool after_dst = tz_compare(&st, &tz->DaylightDate) >= 0;
    if (tz->DaylightDate.wMonth < tz->StandardDate.wMonth)
        return before_std && after_dst;
    return before_std || after_dst; /* the southern hemisphere */
}

static LONG tz_bias(const TIME_ZONE_INFORMATION *tz, bool dst)
{
    return tz->Bias + (dst ? tz->DaylightBias : tz->StandardBias);
}

/* The zone for a conversion of t (UTC or local): the one given, or the
 * current zone's rule for t's year. */
static const TIME_ZONE_INFORMATION *tz_for(const TIME_ZONE_INFORMATION *tz, int64_t t,
                                           TIME_ZONE_INFORMATION *buf)
{
    if (tz)
        return tz;
    SYSTEMTIME st;
    st_from_ticks(t, &st);
    zone_year(st.wYear, buf);
    return buf;
}

/* The current local offset in 100-ns units: Windows' FileTimeToLocalFileTime
 * and friends use the bias in force now, whatever the time converted. */
static int64_t local_offset_now(void)
{
    tzset();
    return (int64_t)zone_offset(time(NULL), NULL, 0) * TICKS_PER_SEC;
}

/* ---- exported: conversions ---- */

WS_EXPORT BOOL WINAPI FileTimeToSystemTime(const FILETIME *ft, LPSYSTEMTIME st)
{
    uint64_t t = ft_value(ft);
    if (t >= 0x8000000000000000ULL)
        return ws_bool(ERROR_INVALID_PARAMETER);
    st_from_ticks((int64_t)t, st);
    return TRUE;
}

WS_EXPORT BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *st, LPFILETIME ft)
{
    int64_t t;
    DWORD err = st_to_ticks(st, &t);
    if (err)
        return ws_bool(err);
    ft_store(ft, (uint64_t)t);
    return TRUE;
}

WS_EXPORT BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *ft, LPFILETIME local)
{
    ft_store(local, ft_value(ft) + (uint64_t)local_offset_now());
    return TRUE;
}

WS_EXPORT BOOL WINAPI LocalFileTimeToFileTime(const FILETIME *local, LPFILETIME ft)
{
    ft_store(ft, ft_value(local) - (uint64_t)local_offset_now());
    return TRUE;
}

WS_EXPORT LONG WINAPI CompareFileTime(const FILETIME *a, const FILETIME *b)
{
    uint64_t x = ft_value(a), y = ft_value(b);
    return x < y ? -1 : x > y;
}

/* ---- exported: the clock ---- */

WS_EXPORT void WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME ft)
{
    ft_store(ft, (uint64_t)time_utc_100ns());
}

WS_EXPORT void WINAPI GetSystemTime(LPSYSTEMTIME st)
{
    st_from_ticks(time_utc_100ns(), st);
}

WS_EXPORT void WINAPI GetLocalTime(LPSYSTEMTIME st)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    tzset();
    long off = zone_offset(ts.tv_sec, NULL, 0);
    st_from_ticks(((int64_t)ts.tv_sec + off + EPOCH_SECS) * TICKS_PER_SEC + ts.tv_nsec / 100, st);
}

/* Sets CLOCK_REALTIME when the process may (CAP_SYS_TIME); otherwise
 * ERROR_PRIVILEGE_NOT_HELD, as Windows without SE_SYSTEMTIME_NAME. */
static DWORD clock_set(int64_t t)
{
    if (t < EPOCH_SECS * TICKS_PER_SEC)
        return ERROR_INVALID_PARAMETER; /* before 1970: not a Linux time */
    t -= EPOCH_SECS * TICKS_PER_SEC;
    struct timespec ts = {(time_t)(t / TICKS_PER_SEC), (long)(t % TICKS_PER_SEC) * 100};
    if (clock_settime(CLOCK_REALTIME, &ts) == 0)
        return ERROR_SUCCESS;
    return errno == EPERM ? ERROR_PRIVILEGE_NOT_HELD : ws_errno_to_win32(errno);
}

WS_EXPORT BOOL WINAPI SetSystemTime(const SYSTEMTIME *st)
{
    int64_t t;
    DWORD err = st_to_ticks(st, &t);
    return ws_bool(err ? err : clock_set(t));
}

WS_EXPORT BOOL WINAPI SetLocalTime(const SYSTEMTIME *st)
{
    int64_t t;
    DWORD err = st_to_ticks(st, &t);
    return ws_bool(err ? err : clock_set(t - local_offset_now()));
}

/* The kernel's tick and the frequency correction NTP applies, in
 * Windows' terms: lpTimeIncrement is the tick in 100-ns units and
 * lpTimeAdjustment what each tick adds; disabled (TRUE) when no
 * correction is applied, the adjustment then equal to the increment. */
WS_EXPORT BOOL WINAPI GetSystemTimeAdjustment(PDWORD adjustment, PDWORD increment,
                                              PBOOL disabled)
{
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    if (adjtimex(&tx) < 0)
        return ws_bool(ws_errno_to_win32(errno));
    DWORD inc = (DWORD)(tx.tick * 10);
    /* freq: parts per million scaled by 2^16. */
    int64_t corr = (int64_t)inc * tx.freq / (65536LL * 1000000LL);
    *increment = inc;
    *adjustment = (DWORD)((int64_t)inc + corr);
    *disabled = corr == 0 && tx.offset == 0;
    return TRUE;
}

/* ---- exported: time zones ---- */

WS_EXPORT DWORD WINAPI GetTimeZoneInformation(LPTIME_ZONE_INFORMATION tzi)
{
    TIME_ZONE_INFORMATION z;
    DWORD id = zone_year(current_year(), &z);
    if (id != TIME_ZONE_ID_UNKNOWN) {
        tzset();
        long off = zone_offset(time(NULL), NULL, 0);
        id = off == -(long)(z.Bias + z.DaylightBias) * 60 ? TIME_ZONE_ID_DAYLIGHT
                                                           : TIME_ZONE_ID_STANDARD;
    }
    *tzi = z;
    return id;
}

static void dynamic_from(DYNAMIC_TIME_ZONE_INFORMATION *d, const TIME_ZONE_INFORMATION *z)
{
    memset(d, 0, sizeof *d);
    d->Bias = z->Bias;
    memcpy(d->StandardName, z->StandardName, sizeof d->StandardName);
    d->StandardDate = z->StandardDate;
    d->StandardBias = z->StandardBias;
    memcpy(d->DaylightName, z->DaylightName, sizeof d->DaylightName);
    d->DaylightDate = z->DaylightDate;
    d->DaylightBias = z->DaylightBias;
    char key[256];
    zone_key(key, sizeof key);
    put_name(d->TimeZoneKeyName, 128, key);
    d->DynamicDaylightTimeDisabled = FALSE;
}

WS_EXPORT DWORD WINAPI GetDynamicTimeZoneInformation(PDYNAMIC_TIME_ZONE_INFORMATION d)
{
    TIME_ZONE_INFORMATION z;
    DWORD id = GetTimeZoneInformation(&z);
    dynamic_from(d, &z);
    return id;
}

/* pdtzi NULL or naming the current zone (its TimeZoneKeyName): the
 * current zone's rule for the year.  Another zone would need the tz
 * database read for a zone other than the process's own:
 * ERROR_FILE_NOT_FOUND, Windows' error for a key it does not have. */
WS_EXPORT BOOL WINAPI GetTimeZoneInformationForYear(USHORT year,
                                                    PDYNAMIC_TIME_ZONE_INFORMATION pdtzi,
                                                    LPTIME_ZONE_INFORMATION ptzi)
{
    if (!ptzi)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (year < YEAR_MIN || year > YEAR_MAX)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (pdtzi) {
        char key[256];
        WCHAR wkey[128];
        zone_key(key, sizeof key);
        put_name(wkey, 128, key);
        size_t i = 0;
        while (i < 127 && wkey[i] && wkey[i] == pdtzi->TimeZoneKeyName[i])
            i++;
        if (wkey[i] != pdtzi->TimeZoneKeyName[i])
            return ws_bool(ERROR_FILE_NOT_FOUND);
    }
    zone_year(year, ptzi);
    return TRUE;
}

WS_EXPORT BOOL WINAPI SystemTimeToTzSpecificLocalTime(const TIME_ZONE_INFORMATION *tz,
                                                      const SYSTEMTIME *utc,
                                                      LPSYSTEMTIME local)
{
    int64_t t;
    DWORD err = st_to_ticks(utc, &t);
    if (err)
        return ws_bool(err);
    TIME_ZONE_INFORMATION buf;
    tz = tz_for(tz, t, &buf);
    if (!tz_valid(tz))
        return ws_bool(ERROR_INVALID_PARAMETER);
    int64_t l = t - tz_bias(tz, tz_daylight(tz, t, true)) * TICKS_PER_MIN;
    if (l < 0)
        return ws_bool(ERROR_INVALID_PARAMETER);
    st_from_ticks(l, local);
    return TRUE;
}

WS_EXPORT BOOL WINAPI TzSpecificLocalTimeToSystemTime(const TIME_ZONE_INFORMATION *tz,
                                                      const SYSTEMTIME *local,
                                                      LPSYSTEMTIME utc)
{
    int64_t t;
    DWORD err = st_to_ticks(local, &t);
    if (err)
        return ws_bool(err);
    TIME_ZONE_INFORMATION buf;
    tz = tz_for(tz, t, &buf);
    if (!tz_valid(tz))
        return ws_bool(ERROR_INVALID_PARAMETER);
    int64_t u = t + tz_bias(tz, tz_daylight(tz, t, false)) * TICKS_PER_MIN;
    if (u < 0)
        return ws_bool(ERROR_INVALID_PARAMETER);
    st_from_ticks(u, utc);
    return TRUE;
}
