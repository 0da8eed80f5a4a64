/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tunnel_dco.c -- the kernel data channel of one tunnel instance (see
 * tunnel_dco.h for the slot policy).  The control channel keeps running
 * in userspace on the same socket: ssl.c still produces TLS_EVENT_KEY_NEW
 * and _RETIRED, which land here instead of in a userspace data_crypto.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic.h"
#include "error.h"
#include "init.h"
#include "options_dco.h"
#include "otime.h"
#include "sig.h"
#include "sitnl.h"
#include "static_key.h"
#include "strutil.h"
#include "tunnel_dco.h"
#include "tunnel_tls.h"

/* ---- keys and peers (shared with the server) ----------------------------- */

void
tunnel_dco_peer_make(struct dco_peer *p, uint32_t peer_id, const struct link *l,
                     const struct link_addr *remote)
{
    memset(p, 0, sizeof(*p));
    p->peer_id = peer_id;
    p->sd = l->fd;
    if (l->proto == LINK_UDP && remote)
    {
        p->has_remote = true;
        p->remote = remote->ss;
    }
}

/* One direction of the kernel key: the cipher key and, as nonce tail, the
 * start of the same direction's HMAC part (the AEAD implicit IV, §6.3). */
static void
key_dir(struct dco_key_dir *d, const struct key *k, size_t len)
{
    memcpy(d->key, k->cipher, len);
    memcpy(d->nonce_tail, k->hmac, DCO_NONCE_TAIL_LEN);
}

bool
tunnel_dco_key_new(struct dco *d, uint32_t peer_id, struct dco_slots *s,
                   const struct tls_data_key *k)
{
    const struct key *send, *recv;
    struct dco_key dk;
    int r;

    memset(&dk, 0, sizeof(dk));
    if (!dco_cipher_by_name(k->cipher, &dk.cipher))
    {
        msg(M_WARN, "Impossible to install key material in DCO: cipher '%s' is not supported",
            k->cipher);
        return false;
    }
    tls_data_key_select(k, &send, &recv);
    dk.peer_id = peer_id;
    dk.key_id = k->key_id & P_KEY_ID_MASK;
    dk.slot = s->primary < 0 ? DCO_KEY_SLOT_PRIMARY : DCO_KEY_SLOT_SECONDARY;
    key_dir(&dk.encrypt, send, dco_cipher_key_len(dk.cipher));
    key_dir(&dk.decrypt, recv, dco_cipher_key_len(dk.cipher));
    r = dco_key_new(d, &dk);
    secure_memzero(&dk, sizeof(dk));
    if (r < 0)
    {
        msg(M_WARN, "Impossible to install key material in DCO: %s", strerror(-r));
        return false;
    }
    msg(D_DCO, "DCO: key-id %u of peer-id %u in the %s slot", k->key_id & P_KEY_ID_MASK,
        peer_id, s->primary < 0 ? "primary" : "secondary");
    if (s->primary < 0)
    {
        s->primary = k->key_id & P_KEY_ID_MASK;
    }
    else
    {
        s->secondary = k->key_id & P_KEY_ID_MASK;
    }
    return true;
}

void
tunnel_dco_key_sync(struct dco *d, uint32_t peer_id, struct dco_slots *s,
                    const struct tls_multi *m)
{
    uint8_t tx;
    int t;

    if (!tls_multi_tx_key(m, &tx) || s->secondary != (int) tx || s->primary == (int) tx)
    {
        return;
    }
    if (dco_key_swap(d, peer_id) < 0)
    {
        msg(M_WARN, "DCO: cannot swap the keys of peer-id %u", peer_id);
        return;
    }
    t = s->primary;
    s->primary = s->secondary;
    s->secondary = t;
    msg(D_DCO, "DCO: key-id %u of peer-id %u is primary now", tx, peer_id);
}

void
tunnel_dco_key_retired(struct dco *d, uint32_t peer_id, struct dco_slots *s, uint8_t key_id)
{
    if (s->secondary == (int) key_id)
    {
        dco_key_del(d, peer_id, DCO_KEY_SLOT_SECONDARY);
        s->secondary = -1;
    }
    else if (s->primary == (int) key_id)
    {
        /* the primary goes: what remains (if anything) must encrypt */
        if (s->secondary >= 0 && dco_key_swap(d, peer_id) == 0)
        {
            dco_key_del(d, peer_id, DCO_KEY_SLOT_SECONDARY);
            s->primary = s->secondary;
        }
        else
        {
            dco_key_del(d, peer_id, DCO_KEY_SLOT_PRIMARY);
            s->primary = -1;
        }
        s->secondary = -1;
    }
}

/* ---- one point-to-point or client instance ------------------------------- */

void
tunnel_dco_decide(struct context *c)
{
    struct persist_state *ps = c->ps;

    if (ps->dco_decided)
    {
        return;
    }
    ps->dco_decided = true;
    ps->dco_api = DCO_API_NONE;
    if (!options_dco_allowed(c->o))
    {
        return;
    }
    ps->dco_api = dco_detect(D_DCO);
    if (ps->dco_api != DCO_API_NONE)
    {
        options_dco_apply(c->o);
    }
}

bool
tunnel_dco_active(const struct context *c)
{
    return c->ps->dco != NULL;
}

/* Create (or adopt) @p name; 1 done, 0 exists but is not ours to use, -EEXIST, <0 error. */
static int
iface_try(struct context *c, const char *name, bool exact)
{
    enum dco_mode mode = c->o->mode == MODE_SERVER ? DCO_MODE_MP : DCO_MODE_P2P;
    char kind[32];
    int r;

    msg(D_TUNTAP_INFO, "net_iface_new: add %s type %s", name, dco_link_kind(c->ps->dco_api));
    r = dco_iface_new(c->ps->dco, name, mode);
    if (r == 0)
    {
        c->ps->dco_iface_ours = true;
        return 1;
    }
    if (r != -EEXIST || !exact)
    {
        return r;
    }
    if (dco_iface_kind(name, kind, sizeof(kind)) == 0
        && strcmp(kind, dco_link_kind(c->ps->dco_api)) == 0 && dco_iface_attach(c->ps->dco, name, mode) == 0)
    {
        msg(M_INFO, "DCO device %s already exists, won't be destroyed at shutdown", name);
        c->ps->dco_iface_ours = false;
        return 1;
    }
    msg(D_DCO, "Interface %s exists and is non-DCO. Disabling data channel offload", name);
    return 0;
}

int
tunnel_dco_iface_open(struct context *c, const struct tun_config *tc)
{
    struct persist_state *ps = c->ps;
    const char *dev = tc->dev ? tc->dev : "tun";
    char name[TUN_NAME_SIZE];
    int r = -EEXIST;

    ps->dco = dco_open(ps->dco_api);
    if (!ps->dco)
    {
        return -1;
    }
    if (strcmp(dev, "tun") == 0)
    {
        for (int i = 0; i < 256 && r == -EEXIST; i++)
        {
            snprintf(name, sizeof(name), "tun%d", i);
            r = iface_try(c, name, false);
        }
    }
    else
    {
        strbcpy(name, dev, sizeof(name));
        r = iface_try(c, name, true);
    }
    if (r != 1)
    {
        dco_close(ps->dco);
        ps->dco = NULL;
        if (r == 0)
        {
            ps->dco_api = DCO_API_NONE; /* a tun takes over, as in 2.6 */
            return 0;
        }
        msg(M_WARN, "Cannot open DCO device %s: %s", name, strerror(-r));
        return -1;
    }
    memset(&ps->tt, 0, sizeof(ps->tt));
    ps->tt.fd = -1;
    ps->tt.dco = true;
    ps->tt.type = DEV_TYPE_TUN;
    ps->tt.mtu = tc->mtu;
    strbcpy(ps->tt.name, name, sizeof(ps->tt.name));
    ps->tt.ifindex = (int) dco_ifindex(ps->dco);
    msg(M_INFO, "DCO device %s opened", name);
    if (tc->txqueuelen > 0 && !sitnl_iface_txqueuelen_set(name, tc->txqueuelen))
    {
        msg(M_WARN, "Note: Cannot set tx queue length on %s", name);
    }
    return 1;
}

static void
peer_del(struct context *c)
{
    if (c->dco_peer)
    {
        tunnel_dco_refresh_stats(c);
        dco_peer_del(c->ps->dco, c->dco_peer_id);
        c->dco_peer = false;
    }
    c->dco_slots = DCO_SLOTS_EMPTY;
}

void
tunnel_dco_close(struct context *c, bool keep_iface)
{
    struct persist_state *ps = c->ps;

    if (!ps->dco)
    {
        return;
    }
    peer_del(c);
    if (keep_iface)
    {
        return;
    }
    msg(D_CLOSE, "Closing DCO interface");
    if (ps->dco_iface_ours)
    {
        dco_iface_del(ps->dco);
    }
    dco_close(ps->dco);
    ps->dco = NULL;
    ps->tt.dco = false;
}

/* The first key: hand the socket and the peer to the kernel. */
static bool
peer_add(struct context *c, const struct tls_data_key *k)
{
    const struct options *o = c->o;
    struct dco_peer p;
    int r;

    if (!k->data_v2)
    {
        msg(M_WARN, "The peer does not support DATA_V2 packets, which data channel offload "
                    "requires. Use --disable-dco to talk to it");
        return false;
    }
    tunnel_dco_peer_make(&p, k->peer_id, &c->link, c->peer_known ? &c->peer : NULL);
    r = dco_peer_new(c->ps->dco, &p);
    if (r < 0)
    {
        msg(M_WARN, "Cannot add peer to DCO: %s (%d)", strerror(-r), r);
        return false;
    }
    c->dco_peer = true;
    c->dco_peer_id = k->peer_id;
    c->dco_slots = DCO_SLOTS_EMPTY;
    memset(&c->dco_last, 0, sizeof(c->dco_last));
    c->link.frame_per_send = c->link.proto != LINK_UDP && c->ps->dco_api == DCO_API_OVPN;
    if (o->ping_send_timeout > 0 || o->ping_rec_timeout > 0)
    {
        r = dco_peer_set_keepalive(c->ps->dco, k->peer_id, (uint32_t) o->ping_send_timeout,
                                   (uint32_t) o->ping_rec_timeout);
        if (r < 0)
        {
            msg(M_WARN, "Cannot set parameters for DCO peer (id=%u): %s", k->peer_id,
                strerror(-r));
            return false;
        }
        msg(D_DCO, "DCO: keepalive of peer-id %u: ping %d s, timeout %d s", k->peer_id,
            o->ping_send_timeout, o->ping_rec_timeout);
    }
    return true;
}

bool
tunnel_dco_on_key(void *arg, const struct tls_event *ev)
{
    struct context *c = arg;

    if (ev->type == TLS_EVENT_KEY_RETIRED)
    {
        if (c->dco_peer)
        {
            tunnel_dco_key_retired(c->ps->dco, c->dco_peer_id, &c->dco_slots, ev->key.key_id);
        }
        return true;
    }
    if (!c->dco_peer && !peer_add(c, &ev->key))
    {
        sig_raise(SIGUSR1, "dco-error");
        return false;
    }
    if (!tunnel_dco_key_new(c->ps->dco, c->dco_peer_id, &c->dco_slots, &ev->key))
    {
        sig_raise(SIGUSR1, "dco-error");
        return false;
    }
    return true;
}

void
tunnel_dco_service(struct context *c)
{
    if (c->ps->dco && c->dco_peer && c->tls)
    {
        tunnel_dco_key_sync(c->ps->dco, c->dco_peer_id, &c->dco_slots, c->tls->multi);
    }
}

int
tunnel_dco_event_fd(const struct context *c)
{
    return c->ps->dco ? dco_event_fd(c->ps->dco) : -1;
}

static void
on_peer_del(struct context *c, const struct dco_event *ev)
{
    c->dco_peer = false; /* the kernel has already dropped it */
    c->dco_slots = DCO_SLOTS_EMPTY;
    switch (ev->reason)
    {
        case DCO_DEL_EXPIRED:
            if (c->o->ping_rec_timeout_action == PING_ACTION_EXIT)
            {
                msg(M_INFO, "Inactivity timeout (--ping-exit), exiting");
                sig_raise(SIGTERM, "ping-exit");
            }
            else
            {
                msg(M_INFO, "Inactivity timeout (--ping-restart), restarting");
                sig_raise(SIGUSR1, "ping-restart");
            }
            break;

        case DCO_DEL_TRANSPORT_ERROR:
        case DCO_DEL_TRANSPORT_DISCONNECT:
            msg(M_INFO, "ovpn-dco: %s", dco_del_reason_str(ev->reason));
            sig_raise(SIGUSR1, "connection-reset");
            break;

        default:
            msg(D_DCO, "DCO: peer-id %u deleted (%s)", ev->peer_id, dco_del_reason_str(ev->reason));
            sig_raise(SIGUSR1, "dco-peer-deleted");
            break;
    }
}

void
tunnel_dco_read_events(struct context *c)
{
    struct dco_event ev[16];
    size_t n = 0;

    if (!c->ps->dco || !dco_events_read(c->ps->dco, otime_mono(), ev, ARRAY_SIZE(ev), &n))
    {
        return;
    }
    for (size_t i = 0; i < n; i++)
    {
        /* USERSPACE: our own delete; it may arrive after the id was reused */
        if (!c->dco_peer || ev[i].peer_id != c->dco_peer_id
            || (ev[i].type == DCO_EV_PEER_DEL && ev[i].reason == DCO_DEL_USERSPACE))
        {
            continue;
        }
        switch (ev[i].type)
        {
            case DCO_EV_PEER_DEL:
                on_peer_del(c, &ev[i]);
                break;

            case DCO_EV_KEY_SWAP:
                msg(D_DCO, "DCO: key-id %u of peer-id %u is running out of packet ids, "
                           "renegotiating", ev[i].key_id, ev[i].peer_id);
                if (c->tls)
                {
                    tls_multi_renegotiate(c->tls->multi, otime_mono_ms());
                }
                break;

            case DCO_EV_PEER_FLOAT:
                c->peer.ss = ev[i].remote;
                c->peer.len = ev[i].remote.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                                 : sizeof(struct sockaddr_in);
                break;
        }
    }
}

void
tunnel_dco_refresh_stats(struct context *c)
{
    struct dco_peer_info info;
    struct dco_stats *l = &c->dco_last;
    struct dco_stats *s = &info.stats;

    if (!c->ps->dco || !c->dco_peer || dco_peer_get(c->ps->dco, c->dco_peer_id, &info) < 0)
    {
        return;
    }
    /* kernel counters restart with each peer: add what moved since last time */
    c->stats.tun_read_bytes += s->vpn_tx_bytes - l->vpn_tx_bytes;
    c->stats.tun_write_bytes += s->vpn_rx_bytes - l->vpn_rx_bytes;
    c->stats.link_read_bytes += s->link_rx_bytes - l->link_rx_bytes;
    c->stats.link_write_bytes += s->link_tx_bytes - l->link_tx_bytes;
    c->stats.auth_read_bytes += s->link_rx_bytes - l->link_rx_bytes;
    *l = *s;
}
