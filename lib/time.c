/* Tick counts and system time from the Linux clocks. */
#include <time.h>

#include "internal.h"

/* 100-ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF_100NS 116444736000000000ULL

WS_EXPORT ULONGLONG WINAPI GetTickCount64(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000u + (ULONGLONG)ts.tv_nsec / 1000000u;
}

WS_EXPORT DWORD WINAPI GetTickCount(void)
{
    return (DWORD)GetTickCount64();
}

WS_EXPORT void WINAPI GetSystemTimeAsFileTime(LPFILETIME ft)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ULONGLONG t = (ULONGLONG)ts.tv_sec * 10000000u +
                  (ULONGLONG)ts.tv_nsec / 100u + EPOCH_DIFF_100NS;
    ft->dwLowDateTime = (DWORD)t;
    ft->dwHighDateTime = (DWORD)(t >> 32);
}
