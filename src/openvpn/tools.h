/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools.h -- the one-shot modes that do their job and exit: --genkey,
 * --test-crypto, --show-ciphers, --show-digests, --mktun, --rmtun.
 * Tier 5.
 */
#ifndef OVPN_TOOLS_H
#define OVPN_TOOLS_H

#include <stdbool.h>

#include "options.h"

/**
 * If @p o asks for a one-shot tool, run it and store the exit status in
 * @p status.  @return false when no tool was requested.
 */
bool tools_run(const struct options *o, int *status);

#endif /* OVPN_TOOLS_H */
