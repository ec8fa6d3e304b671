/*
 * Timeouts and clocks: a timed wait lasts at least its timeout, Sleep
 * sleeps, GetTickCount and GetTickCount64 agree, and the system time is a
 * plausible FILETIME.  Only bounds are printed, never measured times.
 */
#include <windows.h>
#include <stdio.h>

/* 2020-01-01 00:00 UTC and 2200-01-01 as FILETIMEs (100 ns since 1601). */
#define FT_2020 132223104000000000ULL
#define FT_2200 189027936000000000ULL

/* The tick count moves in steps of up to 16 ms on Windows. */
#define SLACK 32

static ULONGLONG Elapsed(ULONGLONG start)
{
    return GetTickCount64() - start;
}

int main(void)
{
    HANDLE hEvent;
    ULONGLONG start, elapsed, t64;
    DWORD r, t32;
    FILETIME ft;
    ULARGE_INTEGER now;

    hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);

    start = GetTickCount64();
    r = WaitForSingleObject(hEvent, 200);
    elapsed = Elapsed(start);
    printf("WaitForSingleObject(unsignalled, 200 ms): %s, lasted at least 200 ms: %s\n",
           r == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other",
           elapsed + SLACK >= 200 ? "yes" : "no");

    start = GetTickCount64();
    r = WaitForMultipleObjects(1, &hEvent, FALSE, 100);
    elapsed = Elapsed(start);
    printf("WaitForMultipleObjects(unsignalled, 100 ms): %s, lasted at least 100 ms: %s\n",
           r == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "other",
           elapsed + SLACK >= 100 ? "yes" : "no");

    SetEvent(hEvent);
    start = GetTickCount64();
    r = WaitForSingleObject(hEvent, 5000);
    elapsed = Elapsed(start);
    printf("WaitForSingleObject(signalled, 5000 ms): %s, returned at once: %s\n",
           r == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "other", elapsed < 1000 ? "yes" : "no");

    start = GetTickCount64();
    Sleep(150);
    elapsed = Elapsed(start);
    printf("Sleep(150) slept at least 150 ms: %s\n", elapsed + SLACK >= 150 ? "yes" : "no");
    Sleep(0);
    printf("Sleep(0) returns\n");
    printf("SleepEx(10, FALSE) returns %u\n", (unsigned)SleepEx(10, FALSE));

    /* GetTickCount is the low 32 bits of GetTickCount64. */
    t64 = GetTickCount64();
    t32 = GetTickCount();
    printf("GetTickCount agrees with GetTickCount64: %s\n",
           (DWORD)(t32 - (DWORD)t64) <= 1000 ? "yes" : "no");

    GetSystemTimeAsFileTime(&ft);
    now.LowPart = ft.dwLowDateTime;
    now.HighPart = ft.dwHighDateTime;
    printf("system time is between 2020 and 2200: %s\n",
           now.QuadPart > FT_2020 && now.QuadPart < FT_2200 ? "yes" : "no");

    CloseHandle(hEvent);
    return 0;
}
