/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * status.h -- point-to-point statistics in 2.6's "OpenVPN STATISTICS"
 * format, to the log (SIGUSR2) or to a --status file.  Tier 5.
 */
#ifndef OVPN_STATUS_H
#define OVPN_STATUS_H

#include <stdbool.h>

#include "init.h"

/** Log the statistics block (SIGUSR2). */
void status_log(const struct context *c);

/** Rewrite --status FILE with the statistics block; false (logged) on error. */
bool status_write_file(const struct context *c, const char *path);

#endif /* OVPN_STATUS_H */
