/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proto.h -- IPv4/IPv6/Ethernet header inspection for the packets the tun
 * device hands us, and the one packet we forge from them: the ICMPv6
 * "destination unreachable, no route" answer of --block-ipv6.
 *
 * A packet is classified the way OpenVPN 2.6 does it, so that the same
 * packets are blocked or inspected: on a tun device the version nibble of
 * the first byte decides (the packet must hold at least an IPv4 header's
 * 20 bytes); on a tap device the EtherType does (one 802.1Q tag is
 * skipped), and the IP header that follows must carry the same version.
 *
 * Every function takes untrusted bytes and reads nothing outside the
 * given length.
 *
 * Tier 1: includes only tier-0 headers; no I/O, no logging, no clock.
 * Memory: the caller owns every buffer; nothing here allocates.
 */
#ifndef OVPN_PROTO_H
#define OVPN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_ETH_HDR  14
#define PROTO_IPV6_HDR 40
/** The ICMPv6 header: type, code, checksum and 4 unused bytes. */
#define PROTO_ICMP6_HDR 8
/** At most this much of the offending packet is quoted in the answer. */
#define PROTO_ICMP6_MAX_QUOTE 1280
/** Room the largest answer needs (tap: with its Ethernet header). */
#define PROTO_ICMP6_MAX_REPLY \
    (PROTO_ETH_HDR + PROTO_IPV6_HDR + PROTO_ICMP6_HDR + PROTO_ICMP6_MAX_QUOTE)

/**
 * Where the IP header of version @p ver (4 or 6) starts in @p pkt: offset
 * 0 on tun, after the Ethernet header (and one 802.1Q tag) on tap.
 * @return false, *off untouched, if the packet is not of that version.
 */
bool proto_ip_offset(const uint8_t *pkt, size_t len, bool tap, int ver, size_t *off);

/**
 * The Internet checksum of @p len bytes at @p data with the pseudo header
 * of IPv4 (@p addr_len 4) or IPv6 (16): source, destination, @p len and
 * @p next_proto.  The checksum field inside @p data must be zero.  The
 * result is in host order, ready to be stored big-endian.
 */
uint16_t proto_checksum(const uint8_t *data,
                        size_t len,
                        const uint8_t *src,
                        const uint8_t *dst,
                        size_t addr_len,
                        uint8_t next_proto);

/**
 * Forge 2.6's answer to the IPv6 packet @p pkt read from the tun: an
 * ICMPv6 destination unreachable (code 0, no route) from @p src to the
 * packet's source, with the packet's traffic class, flow label and hop
 * limit, quoting as much of it as fits both 1280 bytes and @p tun_mtu
 * less the 48 bytes of IPv6 and ICMPv6 header.  On tap the answer gets
 * an Ethernet header with the frame's addresses swapped.
 * @return the answer's length in @p out, or 0 when @p pkt holds no
 *         complete IPv6 header (or @p out is too small).
 */
size_t proto_icmp6_unreachable(const uint8_t *pkt,
                               size_t len,
                               bool tap,
                               const uint8_t src[16],
                               int tun_mtu,
                               uint8_t *out,
                               size_t out_cap);

#endif /* OVPN_PROTO_H */
