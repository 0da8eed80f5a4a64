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

/** The largest payload (framed, before encryption) the instance handles. */
size_t forward_max_plain(const struct options *o);

/** Allocate the packet batches for frames of up to @p max_plain bytes of payload. */
bool forward_init(struct context *c, size_t max_plain);
void forward_free(struct context *c);

/* ---- --fragment (fragment.h), also used per client by the server ---- */

/** The envelope of data key @p dc behind an opcode header of @p header bytes. */
void forward_frag_envelope(const struct data_crypto *dc, size_t header, struct frag_envelope *e);

/** IP + UDP header of address family @p af, as 2.6 counts it (unknown: IPv6). */
size_t forward_outer_len(sa_family_t af);

/** Address family the options ask for (--proto udp4/udp6, per --remote too). */
sa_family_t forward_configured_af(const struct context *c);

/**
 * Set @p f's piece limit and @p mss (the MSS clamp, 0 = off) from
 * --fragment [mtu] / --mssfix for envelope @p e; @p frag_af and @p mss_af
 * are the address families the "mtu" flags count with.
 */
void forward_frag_limits(struct fragmenter *f, const struct options *o, const struct frag_envelope *e,
                         sa_family_t frag_af, sa_family_t mss_af, uint16_t *mss);

/** The MSS clamp (0 = off) --mssfix [mtu|fixed] asks for with envelope @p e. */
uint16_t forward_mss_limit(const struct options *o, const struct frag_envelope *e, sa_family_t mss_af);

/** Point-to-point: recompute the limits from the current data key. */
void forward_frag_update(struct context *c);

/**
 * Take a decrypted payload through reassembly; true when @p pkt now holds
 * a datagram to deliver.  Drops and expiries are logged through @p rl.
 */
bool forward_frag_in(struct fragmenter *f, struct ratelimit *rl, struct buffer *pkt, time_t now,
                     uint64_t *expired_logged);

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
