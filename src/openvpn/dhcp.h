/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dhcp.h -- --route-gateway dhcp: learn the route gateway from the DHCP
 * answer a peer's DHCP server sends through the tunnel, as OpenVPN 2.6
 * does.
 *
 * A DHCP OFFER or ACK (BOOTREPLY, UDP from port 67 to port 68) that is
 * about to be written to the tun/tap device loses its router options:
 * each is overwritten by the options after it, the freed tail is padded
 * with PAD options and the UDP checksum is recomputed, so the local DHCP
 * client never installs the peer's router as its default gateway.  From
 * an ACK, the first router address is handed back so that the caller
 * can use it as the VPN gateway.
 *
 * Like 2.6, the IPv4 header is taken to be 20 bytes long and the DHCP
 * options to run to the end of the packet; anything that does not match
 * is left untouched.  The packet is untrusted: nothing outside @p len is
 * read or written.
 *
 * Tier 1: includes only tier-0 headers and proto.h; no I/O, no logging.
 * Memory: works in place on the caller's bytes.
 */
#ifndef OVPN_DHCP_H
#define OVPN_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Strip the router options from a DHCP OFFER/ACK in @p pkt (an IPv4
 * packet on tun, an Ethernet frame on tap).
 * @return true, with the router address (network byte order) in
 *         @p router, only for an ACK that named a router.
 */
bool dhcp_strip_router(uint8_t *pkt, size_t len, bool tap, uint32_t *router);

#endif /* OVPN_DHCP_H */
