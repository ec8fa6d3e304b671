/*
 * timezoneapi.h - FILETIME and SYSTEMTIME conversions and time zones.
 */
#ifndef _TIMEZONEAPI_H_
#define _TIMEZONEAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TIME_ZONE_ID_INVALID ((DWORD)0xFFFFFFFF)

typedef struct _TIME_ZONE_INFORMATION {
    LONG Bias;                 /* minutes: UTC = local time + Bias */
    WCHAR StandardName[32];
    SYSTEMTIME StandardDate;   /* wYear 0: wDay-th wDayOfWeek of wMonth (5 = last) */
    LONG StandardBias;
    WCHAR DaylightName[32];
    SYSTEMTIME DaylightDate;
    LONG DaylightBias;
} TIME_ZONE_INFORMATION, *PTIME_ZONE_INFORMATION, *LPTIME_ZONE_INFORMATION;

typedef struct _TIME_DYNAMIC_ZONE_INFORMATION {
    LONG Bias;
    WCHAR StandardName[32];
    SYSTEMTIME StandardDate;
    LONG StandardBias;
    WCHAR DaylightName[32];
    SYSTEMTIME DaylightDate;
    LONG DaylightBias;
    WCHAR TimeZoneKeyName[128];
    BOOLEAN DynamicDaylightTimeDisabled;
} DYNAMIC_TIME_ZONE_INFORMATION, *PDYNAMIC_TIME_ZONE_INFORMATION;

WINBASEAPI BOOL WINAPI SystemTimeToTzSpecificLocalTime(
    CONST TIME_ZONE_INFORMATION *lpTimeZoneInformation, CONST SYSTEMTIME *lpUniversalTime,
    LPSYSTEMTIME lpLocalTime);
WINBASEAPI BOOL WINAPI TzSpecificLocalTimeToSystemTime(
    CONST TIME_ZONE_INFORMATION *lpTimeZoneInformation, CONST SYSTEMTIME *lpLocalTime,
    LPSYSTEMTIME lpUniversalTime);
WINBASEAPI BOOL WINAPI FileTimeToSystemTime(CONST FILETIME *lpFileTime,
                                            LPSYSTEMTIME lpSystemTime);
WINBASEAPI BOOL WINAPI SystemTimeToFileTime(CONST SYSTEMTIME *lpSystemTime,
                                            LPFILETIME lpFileTime);
WINBASEAPI DWORD WINAPI GetTimeZoneInformation(
    LPTIME_ZONE_INFORMATION lpTimeZoneInformation);
WINBASEAPI DWORD WINAPI GetDynamicTimeZoneInformation(
    PDYNAMIC_TIME_ZONE_INFORMATION pTimeZoneInformation);
WINBASEAPI BOOL WINAPI GetTimeZoneInformationForYear(
    USHORT wYear, PDYNAMIC_TIME_ZONE_INFORMATION pdtzi, LPTIME_ZONE_INFORMATION ptzi);

#ifdef __cplusplus
}
#endif

#endif /* _TIMEZONEAPI_H_ */
