/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_dco.h -- 2.6's rules for data channel offload on the options:
 * which settings rule it out (each with the one note 2.6 logs), and what
 * changes when it is used.  The kernel side (is a module there?) is
 * dco_detect()'s business.
 *
 * Tier 4.
 */
#ifndef OVPN_OPTIONS_DCO_H
#define OVPN_OPTIONS_DCO_H

#include <stdbool.h>

#include "options.h"

/**
 * Whether every option allows data channel offload.  When one does not,
 * logs the line 2.6 logs for it at verbosity 3 and returns false; only the
 * first reason, in 2.6's order.  Does not look at the kernel.
 */
bool options_dco_allowed(const struct options *o);

/** DCO is going to be used: apply what 2.6 changes and print its notes. */
void options_dco_apply(struct options *o);

#endif /* OVPN_OPTIONS_DCO_H */
