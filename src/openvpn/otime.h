/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * otime.h -- the only clock readers.  Modules below the event loop never
 * call these: they are handed `now` (no clock reads below tier 5).  Tier 0.
 */
#ifndef OVPN_OTIME_H
#define OVPN_OTIME_H

#include <stdint.h>
#include <time.h>

/** Seconds on a monotonic clock (timers, rate limits, replay reaping). */
time_t otime_mono(void);

/** Milliseconds on the same monotonic clock. */
int64_t otime_mono_ms(void);

/** Wall-clock Unix time (packet-id time stamps, logs, status files). */
time_t otime_wall(void);

#endif /* OVPN_OTIME_H */
