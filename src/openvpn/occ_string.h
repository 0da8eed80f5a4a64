/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * occ_string.h -- the options-compatibility string (doc/protocol.md §4.5) that
 * peers exchange to warn about mismatched settings, and its comparison.
 * Tier 5: reads struct options and asks the crypto tier for sizes.
 */
#ifndef OVPN_OCC_STRING_H
#define OVPN_OCC_STRING_H

#include <stdbool.h>
#include <stddef.h>

struct options;

/**
 * Build the string this side sends (@p remote false) or expects from the
 * peer (@p remote true): "V4,dev-type tun,link-mtu 1572,...".
 */
bool occ_string_build(const struct options *o, bool remote, char *out, size_t n);

/**
 * What 2.6 subtracts from --link-mtu to get the tun MTU (the envelope of
 * the configured --cipher/--auth, without compression or fragment headers).
 */
int occ_link_mtu_overhead(const struct options *o);

/** The legacy link-mtu that goes into the string (§6.11). */
int occ_link_mtu(const struct options *o);

/**
 * Compare the peer's string with the one we expect and log 2.6-style
 * warnings for each difference.  @return the number of differences.
 */
int occ_string_compare(const char *expected, const char *actual);

#endif /* OVPN_OCC_STRING_H */
