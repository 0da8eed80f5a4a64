/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi_dco.c -- the server's clients on the kernel data channel: one
 * kernel peer per client (the peer-id is the instance's index), added once
 * the client is authorized and has its VPN addresses, with the client's
 * iroutes as kernel routes via its VPN address (the kernel routes by
 * next hop, doc/dco.md 0); keys follow the control channel through the slot
 * policy of tunnel_dco.c; notifications end instances.
 *
 * Tier 6.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "multi.h"
#include "otime.h"
#include "sitnl.h"
#include "tunnel_dco.h"

bool
multi_dco_enabled(const struct multi_context *m)
{
    return m->c->ps->dco != NULL;
}

/* Routes "iroute via the client's VPN address dev <ovpn>" (2.6 does the same). */
static void
iroutes(struct multi_context *m, struct multi_instance *mi, bool add)
{
    const char *dev = m->c->ps->tt.name;

    for (int i = 0; mi->cc_loaded && mi->has_v4 && i < mi->cc.n_iroutes; i++)
    {
        struct in_addr dst = { htonl(mi->cc.iroutes[i].network) };
        struct in_addr gw = { htonl(mi->vaddr4) };

        if (!sitnl_route_v4(add, &dst, mi->cc.iroutes[i].bits, &gw, dev, 0) && add)
        {
            msg(M_WARN, "%s: cannot add the kernel route for an iroute", mi->prefix);
        }
    }
    for (int i = 0; mi->cc_loaded && mi->has_v6 && i < mi->cc.n_iroutes6; i++)
    {
        struct in6_addr dst, gw;

        memcpy(&dst, mi->cc.iroutes6[i].network, sizeof(dst));
        memcpy(&gw, mi->vaddr6, sizeof(gw));
        if (!sitnl_route_v6(add, &dst, mi->cc.iroutes6[i].bits, &gw, dev, 0) && add)
        {
            msg(M_WARN, "%s: cannot add the kernel route for an iroute-ipv6", mi->prefix);
        }
    }
}

bool
multi_dco_add_peer(struct multi_context *m, struct multi_instance *mi)
{
    const struct options *o = m->o;
    struct dco *d = m->c->ps->dco;
    struct link *l = mi->tcp ? mi->tcp : &m->c->link;
    struct dco_peer p;
    int r;

    tunnel_dco_peer_make(&p, mi->peer_id, l, &mi->real);
    if (mi->has_v4)
    {
        p.has_vpn4 = true;
        p.vpn4.s_addr = htonl(mi->vaddr4);
    }
    if (mi->has_v6)
    {
        p.has_vpn6 = true;
        memcpy(&p.vpn6, mi->vaddr6, sizeof(p.vpn6));
    }
    r = dco_peer_new(d, &p);
    if (r < 0)
    {
        msg(M_WARN, "%s Cannot add peer to DCO: %s (%d)", mi->prefix, strerror(-r), r);
        return false;
    }
    mi->dco_peer = true;
    mi->dco_slots = DCO_SLOTS_EMPTY;
    memset(&mi->dco_last, 0, sizeof(mi->dco_last));
    l->frame_per_send = mi->tcp && dco_get_api(d) == DCO_API_OVPN;
    if (o->ping_send_timeout > 0 || o->ping_rec_timeout > 0)
    {
        r = dco_peer_set_keepalive(d, mi->peer_id, (uint32_t) o->ping_send_timeout,
                                   (uint32_t) o->ping_rec_timeout);
        if (r < 0)
        {
            msg(M_WARN, "Cannot set parameters for DCO peer (id=%u): %s", mi->peer_id,
                strerror(-r));
            multi_dco_del_peer(m, mi);
            return false;
        }
    }
    iroutes(m, mi, true);
    return true;
}

void
multi_dco_del_peer(struct multi_context *m, struct multi_instance *mi)
{
    if (!mi->dco_peer)
    {
        return;
    }
    multi_dco_refresh(m, mi);
    iroutes(m, mi, false);
    dco_peer_del(m->c->ps->dco, mi->peer_id);
    mi->dco_peer = false;
    mi->dco_slots = DCO_SLOTS_EMPTY;
}

void
multi_dco_on_key(struct multi_context *m, struct multi_instance *mi, const struct tls_event *ev)
{
    if (!mi->dco_peer)
    {
        return;
    }
    if (ev->type == TLS_EVENT_KEY_RETIRED)
    {
        tunnel_dco_key_retired(m->c->ps->dco, mi->peer_id, &mi->dco_slots, ev->key.key_id);
    }
    else if (!tunnel_dco_key_new(m->c->ps->dco, mi->peer_id, &mi->dco_slots, &ev->key))
    {
        mi->state = MI_HALTING; /* no usable data channel: drop the client */
        mi->halt_at = otime_mono();
    }
}

void
multi_dco_sync(struct multi_context *m, struct multi_instance *mi)
{
    if (mi->dco_peer)
    {
        tunnel_dco_key_sync(m->c->ps->dco, mi->peer_id, &mi->dco_slots, mi->tls);
    }
}

void
multi_dco_refresh(struct multi_context *m, struct multi_instance *mi)
{
    struct dco_peer_info info;

    if (!mi->dco_peer || dco_peer_get(m->c->ps->dco, mi->peer_id, &info) < 0)
    {
        return;
    }
    /* 2.6 counts link bytes per client; the kernel's restart with each peer */
    mi->bytes_in += info.stats.link_rx_bytes - mi->dco_last.link_rx_bytes;
    mi->bytes_out += info.stats.link_tx_bytes - mi->dco_last.link_tx_bytes;
    m->c->stats.tun_read_bytes += info.stats.vpn_tx_bytes - mi->dco_last.vpn_tx_bytes;
    m->c->stats.tun_write_bytes += info.stats.vpn_rx_bytes - mi->dco_last.vpn_rx_bytes;
    mi->dco_last = info.stats;
}

void
multi_dco_refresh_all(struct multi_context *m)
{
    if (!multi_dco_enabled(m))
    {
        return;
    }
    for (int i = 0; i < m->o->max_clients; i++)
    {
        if (m->by_peer_id[i])
        {
            multi_dco_refresh(m, m->by_peer_id[i]);
        }
    }
}

static void
on_event(struct multi_context *m, const struct dco_event *ev)
{
    struct multi_instance *mi;
    char why[64];

    /* the peer-id comes from the kernel: bounds-check before it indexes anything */
    if (ev->peer_id >= (uint32_t) m->o->max_clients || !(mi = m->by_peer_id[ev->peer_id])
        || !mi->dco_peer)
    {
        return;
    }
    switch (ev->type)
    {
        case DCO_EV_PEER_DEL:
            if (ev->reason == DCO_DEL_USERSPACE)
            {
                return; /* ours, possibly about an id that was reused since */
            }
            mi->dco_peer = false; /* the kernel has dropped it already */
            iroutes(m, mi, false);
            snprintf(why, sizeof(why), "ovpn-dco: %s", dco_del_reason_str(ev->reason));
            multi_close(m, mi, why);
            break;

        case DCO_EV_KEY_SWAP:
            tls_multi_renegotiate(mi->tls, otime_mono_ms());
            break;

        case DCO_EV_PEER_FLOAT:
        {
            struct link_addr a;

            memset(&a, 0, sizeof(a));
            a.ss = ev->remote;
            a.len = ev->remote.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                     : sizeof(struct sockaddr_in);
            multi_float(m, mi, &a);
            break;
        }
    }
}

void
multi_dco_read_events(struct multi_context *m)
{
    struct dco_event ev[32];
    size_t n = 0;

    if (!multi_dco_enabled(m) || !dco_events_read(m->c->ps->dco, otime_mono(), ev, 32, &n))
    {
        return;
    }
    for (size_t i = 0; i < n; i++)
    {
        on_event(m, &ev[i]);
    }
}
