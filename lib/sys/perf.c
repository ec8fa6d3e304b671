/*
 * The performance counter: CLOCK_MONOTONIC in 100-ns units, with the
 * 10 MHz frequency that Windows 10 and later report on most machines.
 */
#include "core/clock.h"

#define QPC_FREQUENCY 10000000LL

/* Never fails, as documented since Windows XP; a NULL pointer is ignored
 * (Wine returns TRUE too; Windows faults).  check_perf.c test_null. */
WS_EXPORT BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *count)
{
    if (count)
        count->QuadPart = time_mono_ns() / (1000000000 / QPC_FREQUENCY);
    return TRUE;
}

WS_EXPORT BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *freq)
{
    if (freq)
        freq->QuadPart = QPC_FREQUENCY;
    return TRUE;
}
