/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tunnel_dco.h -- the kernel data channel (dco.h) of one tunnel: the
 * decision to use it, the ovpn interface in place of the tun, the peer
 * with its transport socket, the keys of every (re)negotiation in the
 * kernel's two slots, kernel keepalive, notifications and counters.
 *
 * Two layers: the key-slot and peer helpers take a struct dco and are
 * shared with the server (multi.c, one peer per client); the tunnel_dco_*
 * functions on struct context run a point-to-point or client instance.
 *
 * The slot policy follows the control channel: the first key goes to the
 * primary slot, every later one to the secondary; when the control
 * channel starts sending with the secondary's key-id the slots are
 * swapped; a retired key-id leaves its slot.  So the kernel always holds
 * exactly the keys the userspace data path would hold.
 *
 * Tier 5.  Includes dco.h (3o) and ssl.h (3c) for struct tls_data_key.
 */
#ifndef OVPN_TUNNEL_DCO_H
#define OVPN_TUNNEL_DCO_H

#include <stdbool.h>
#include <stdint.h>

#include "dco.h"
#include "link.h"
#include "ssl.h"

struct context;
struct tun_config;

/** The key-ids in the kernel's slots of one peer; -1 = empty. */
struct dco_slots
{
    int primary;
    int secondary;
};

#define DCO_SLOTS_EMPTY ((struct dco_slots){ -1, -1 })

/** Fill @p p for a peer on socket @p l; @p remote is used for UDP only. */
void tunnel_dco_peer_make(struct dco_peer *p, uint32_t peer_id, const struct link *l,
                          const struct link_addr *remote);

/**
 * Install key @p k of @p peer_id: into the primary slot when it is empty,
 * else into the secondary.  Logs 2.6's "Impossible to install key
 * material in DCO" line on failure.
 */
bool tunnel_dco_key_new(struct dco *d, uint32_t peer_id, struct dco_slots *s,
                        const struct tls_data_key *k);

/** Swap the slots when the control channel now sends with the secondary's key. */
void tunnel_dco_key_sync(struct dco *d, uint32_t peer_id, struct dco_slots *s,
                         const struct tls_multi *m);

/** @p key_id was retired by the control channel: empty its slot. */
void tunnel_dco_key_retired(struct dco *d, uint32_t peer_id, struct dco_slots *s,
                            uint8_t key_id);

/**
 * Decide once per process (2.6's rules): options first (options_dco.h),
 * then the kernel.  Sets c->ps->dco_api; DCO_API_NONE = userspace path.
 */
void tunnel_dco_decide(struct context *c);

/** DCO was decided for this process and the interface is one of ours. */
bool tunnel_dco_active(const struct context *c);

/**
 * Open the ovpn interface instead of a tun (dev "tun" picks the first free
 * tunN).  Returns 1 when it is open in c->ps->tt, 0 when DCO had to be
 * given up (an existing non-DCO device of that name: 2.6's note; the
 * caller opens a tun), -1 on failure (logged).
 */
int tunnel_dco_iface_open(struct context *c, const struct tun_config *tc);

/** Delete the peer; with @p keep_iface (--persist-tun) keep the interface. */
void tunnel_dco_close(struct context *c, bool keep_iface);

/**
 * tunnel_tls key hook (tunnel_tls.h): keys go to the kernel.  The first
 * key adds the peer on the instance's socket and sets the keepalive.
 */
bool tunnel_dco_on_key(void *arg, const struct tls_event *ev);

/** After the control channel ran: keep the kernel's slots in step. */
void tunnel_dco_service(struct context *c);

/** The notification socket for the event loop, or -1. */
int tunnel_dco_event_fd(const struct context *c);

/** Act on pending notifications (peer expired -> ping-restart, ...). */
void tunnel_dco_read_events(struct context *c);

/** Fold the kernel's counters of the peer into c->stats (status, SIGUSR2, bytecount). */
void tunnel_dco_refresh_stats(struct context *c);

#endif /* OVPN_TUNNEL_DCO_H */
