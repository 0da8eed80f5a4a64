/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * forward.h -- the data path of one tunnel instance, in batches:
 *   tun  -> mssfix -> compression framing -> encrypt -> socket
 *   socket -> source check -> decrypt/replay -> unframe -> ping/OCC or tun
 * Buffers come from the instance's batches (allocated once in
 * forward_init); nothing here allocates per packet.  Tier 5.
 */
#ifndef OVPN_FORWARD_H
#define OVPN_FORWARD_H

#include <stdbool.h>
#include <time.h>

#include "init.h"
#include "wire.h"

/** Allocate the packet batches for frames of up to @p max_plain bytes of payload. */
bool forward_init(struct context *c, size_t max_plain);
void forward_free(struct context *c);

/** Read up to a batch from the tun, encrypt it and send it to the peer. */
void forward_tun_to_link(struct context *c, time_t now, time_t wall);

/** Read a batch from the socket and deliver it.  @return false if the link died. */
bool forward_link_to_tun(struct context *c, time_t now, time_t wall);

/**
 * --block-ipv6 for a packet @p b read from the tun: true if it is IPv6 and
 * must not be sent (the ICMPv6 "no route" answer has been written back to
 * the tun).  Also the server's check for packets from its tun to a client.
 */
bool forward_block_ipv6(struct context *c, const struct buffer *b);

/**
 * --route-gateway dhcp for a packet @p b about to be written to the tun:
 * strip a DHCP answer's router options; from an ACK, log the router and
 * make it the VPN gateway of the script environment.
 */
void forward_dhcp_router(struct context *c, struct buffer *b);

/** Send an in-band message (ping, OCC) through the data channel. */
void forward_send_ping(struct context *c, time_t now, time_t wall);
void forward_send_occ(struct context *c, enum occ_type type, time_t now, time_t wall);

/**
 * TLS mode: run the control channel's timers, install new data keys, send
 * what it has queued, and restart on a failed handshake.
 */
void forward_tls_service(struct context *c, time_t now, time_t wall);

#endif /* OVPN_FORWARD_H */
