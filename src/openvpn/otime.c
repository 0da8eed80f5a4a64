/* SPDX-License-Identifier: GPL-2.0-only */
#include "otime.h"

time_t
otime_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

int64_t
otime_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

time_t
otime_wall(void)
{
    return time(NULL);
}
