/* Tick counts and system time from the Linux clocks. */
#include <time.h>

#include "core/clock.h"

/* 100-ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF_100NS 116444736000000000LL

int64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t time_utc_100ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100 + EPOCH_DIFF_100NS;
}

WS_EXPORT ULONGLONG WINAPI GetTickCount64(void)
{
    return (ULONGLONG)time_mono_ns() / 1000000u;
}

WS_EXPORT DWORD WINAPI GetTickCount(void)
{
    return (DWORD)GetTickCount64();
}

WS_EXPORT void WINAPI GetSystemTimeAsFileTime(LPFILETIME ft)
{
    ULONGLONG t = (ULONGLONG)time_utc_100ns();
    ft->dwLowDateTime = (DWORD)t;
    ft->dwHighDateTime = (DWORD)(t >> 32);
}
