/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mss.h -- TCP MSS clamping for --mssfix.
 *
 * A TCP SYN (or SYN-ACK) travelling through the tunnel announces the
 * largest segment its sender accepts.  Lowering that value to what fits
 * into one tunnel packet keeps TCP from ever producing segments that the
 * tunnel would have to fragment.  The MSS option is rewritten in place and
 * the TCP checksum is corrected incrementally (RFC 1624); nothing else in
 * the packet changes.
 *
 * Every function here takes an untrusted packet: anything truncated,
 * malformed, fragmented, not TCP or not a SYN is left byte-for-byte
 * untouched, and no byte outside the buffer's content is read.
 *
 * @p maxmss is the IPv4 value (what the log shows as "mss_fix:N").  An
 * IPv6 header is 20 bytes longer than an IPv4 one, so IPv6 SYNs are
 * clamped to maxmss - 20, as OpenVPN 2.x does.
 *
 * Tier 1: includes only tier-0 headers; no I/O, no logging.
 */
#ifndef OVPN_MSS_H
#define OVPN_MSS_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"

/** Clamp the MSS of a TCP SYN in the IPv4 packet that @p pkt holds. */
void mss_clamp_ipv4(struct buffer *pkt, uint16_t maxmss);

/** Clamp the MSS of a TCP SYN in the IPv6 packet @p pkt to maxmss - 20. */
void mss_clamp_ipv6(struct buffer *pkt, uint16_t maxmss);

/**
 * Dispatch on the IP version.  With @p tap, @p pkt holds an Ethernet
 * frame: the 14-byte header (and one 802.1Q tag, if present) is skipped
 * and the EtherType selects IPv4 or IPv6.  Without it, the version nibble
 * of the first byte does.
 */
void mss_clamp(struct buffer *pkt, uint16_t maxmss, bool tap);

#endif /* OVPN_MSS_H */
