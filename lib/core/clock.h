/*
 * The clocks every layer reads (time.c): monotonic nanoseconds and UTC as a FILETIME value.
 */
#ifndef WINSHIM_CORE_CLOCK_H
#define WINSHIM_CORE_CLOCK_H

#include "core/base.h"

int64_t time_mono_ns(void);     /* CLOCK_MONOTONIC */
int64_t time_utc_100ns(void);   /* CLOCK_REALTIME as a FILETIME value */


#endif
