/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * forward.c -- see forward.h.  Everything a peer sends is untrusted until
 * data_crypto_decrypt() accepts it; every rejection is counted and logged
 * rate-limited, never fatal: the peer caused it, so the peer pays for it.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "client.h"
#include "dhcp.h"
#include "error.h"
#include "forward.h"
#include "mss.h"
#include "occ.h"
#include "occ_string.h"
#include "proto.h"
#include "sig.h"
#include "sockaddr.h"
#include "strutil.h"
#include "otime.h"
#include "tunnel_manage.h"
#include "tunnel_plugin.h"
#include "tunnel_tls.h"

/* Room in front of a plaintext for compression framing, behind it for
 * padding and the swap byte; the ciphertext slot adds the envelope. */
#define PLAIN_HEADROOM 16
#define SLOT_SLACK     512

static bool
batch_alloc(struct pkt_batch *b, size_t slot_size)
{
    b->storage = calloc(BATCH_MAX, slot_size);
    if (!b->storage)
    {
        return false;
    }
    b->slot_size = slot_size;
    b->n = 0;
    for (int i = 0; i < BATCH_MAX; i++)
    {
        b->pkts[i].buf = buf_storage(b->storage + (size_t)i * slot_size, slot_size, 0);
    }
    return true;
}

static void
batch_free(struct pkt_batch *b)
{
    free(b->storage);
    b->storage = NULL;
}

/* --fragment: the reassembly slots and one piece buffer, allocated once. */
static bool
frag_alloc(struct context *c, size_t max_plain, size_t slot)
{
    uint8_t seq = 0;

    if (c->o->fragment <= 0 || c->o->mode == MODE_SERVER)
    {
        return true; /* the server keeps one per client */
    }
    c->frag = calloc(1, sizeof(*c->frag));
    c->frag_piece_storage = malloc(slot);
    /* 2.6 starts its sequence ids at a random point */
    if (!c->frag || !c->frag_piece_storage || !crypto_rand_bytes(&seq, 1)
        || !fragment_init(c->frag, max_plain, seq))
    {
        return false;
    }
    c->frag_piece = buf_storage(c->frag_piece_storage, slot, 0);
    c->frag_expired_logged = 0;
    return true;
}

static void
frag_release(struct context *c)
{
    if (c->frag)
    {
        fragment_free(c->frag);
        free(c->frag);
        c->frag = NULL;
    }
    free(c->frag_piece_storage);
    c->frag_piece_storage = NULL;
}

void
forward_frag_envelope(const struct data_crypto *dc, size_t header, struct frag_envelope *e)
{
    memset(e, 0, sizeof(*e));
    e->header = header;
    switch (dc->cipher.mode)
    {
        case CIPHER_MODE_AEAD:
            e->crypto = data_crypto_pid_len(dc) + AEAD_TAG_LEN;
            break;

        case CIPHER_MODE_CBC:
            /* the packet id is encrypted with the payload: counted per piece */
            e->crypto = dc->hmac_len + dc->cipher.iv_len;
            e->cbc_block = dc->cipher.block_size;
            e->cbc_pid = data_crypto_pid_len(dc);
            break;

        case CIPHER_MODE_CFB:
        case CIPHER_MODE_OFB:
            e->crypto = data_crypto_pid_len(dc) + dc->cipher.iv_len + dc->hmac_len;
            break;

        default:
            e->crypto = data_crypto_pid_len(dc) + dc->hmac_len;
            break;
    }
}

size_t
forward_outer_len(sa_family_t af)
{
    /* 2.6 counts an IPv6 header while the family is not known yet */
    return af == AF_INET ? 20 + 8 : 40 + 8;
}

void
forward_frag_limits(struct fragmenter *f, const struct options *o, const struct frag_envelope *e,
                    sa_family_t frag_af, sa_family_t mss_af, uint16_t *mss)
{
    size_t max_frag = fragment_max_frag((size_t)o->fragment,
                                        o->fragment_mtu ? forward_outer_len(frag_af) : 0, e);

    fragment_set_max_frag(f, max_frag ? max_frag : FRAG_SIZE_ALIGN);
    *mss = forward_mss_limit(o, e, mss_af);
}

uint16_t
forward_mss_limit(const struct options *o, const struct frag_envelope *e, sa_family_t mss_af)
{
    size_t m;

    if (o->mssfix <= 0)
    {
        return 0;
    }
    /* 2.6 counts one byte for a v1 compression framing, nothing for v2 */
    m = o->mssfix_fixed ? (size_t)(o->mssfix > 40 ? o->mssfix - 40 : 0)
                        : fragment_mss((size_t)o->mssfix,
                                       o->mssfix_mtu ? forward_outer_len(mss_af) : 0, e,
                                       comp_max_overhead((enum comp_alg)o->comp) == 1 ? 1 : 0,
                                       o->fragment > 0);
    return (uint16_t)(m > 65535 ? 65535 : m);
}

sa_family_t
forward_configured_af(const struct context *c)
{
    const struct options *o = c->o;
    const struct remote_entry *re = o->n_remotes ? &o->remotes[c->remote_index] : NULL;

    return re && re->af != AF_UNSPEC ? re->af : o->proto_af;
}

void
forward_frag_update(struct context *c)
{
    struct frag_envelope e;
    sa_family_t af = forward_configured_af(c);
    sa_family_t peer_af = c->peer_known ? c->peer.ss.ss_family : af;
    uint8_t kid;

    if (!c->frag || c->o->mode == MODE_SERVER)
    {
        return; /* the server sets the limits per client (multi.c) */
    }
    if (c->tls)
    {
        /* every key of a session has the same cipher: the sending one, else any */
        if (!tls_multi_tx_key(c->tls->multi, &kid) || !c->tls->live[kid & 7])
        {
            for (kid = 0; kid < TLS_KEY_IDS && !c->tls->live[kid]; kid++)
            {
            }
            if (kid == TLS_KEY_IDS)
            {
                return; /* no data key yet: nothing can be sent */
            }
        }
        kid &= 7;
        forward_frag_envelope(&c->tls->dc[kid],
                              c->tls->data_v2[kid] ? P_DATA_V2_HDR_LEN : P_DATA_V1_HDR_LEN, &e);
        /* once a handshake is done the address family is known */
        af = peer_af;
    }
    else
    {
        struct data_crypto none = { .cipher.mode = CIPHER_MODE_NONE };

        forward_frag_envelope(c->have_crypto ? &c->dc : &none, 0, &e);
    }
    forward_frag_limits(c->frag, c->o, &e, af, peer_af, &c->mss_max);
    if (tun_dev_type(c->o->dev, c->o->dev_type) == DEV_TYPE_NULL)
    {
        c->mss_max = 0;
    }
}

size_t
forward_max_plain(const struct options *o)
{
    return (size_t)(o->tun_mtu + 64 + o->tun_mtu_extra);
}

bool
forward_init(struct context *c, size_t max_plain)
{
    size_t slot = max_plain + PLAIN_HEADROOM + SLOT_SLACK;

    if (!frag_alloc(c, max_plain, slot))
    {
        msg(M_ERR, "cannot allocate fragment buffers");
        return false;
    }
    c->scratch_storage = malloc(slot);
    if (!c->scratch_storage || !batch_alloc(&c->from_tun, slot) || !batch_alloc(&c->to_link, slot)
        || !batch_alloc(&c->from_link, slot))
    {
        msg(M_ERR, "cannot allocate packet buffers");
        return false;
    }
    c->scratch = buf_storage(c->scratch_storage, slot, 0);
    return true;
}

void
forward_free(struct context *c)
{
    batch_free(&c->from_tun);
    batch_free(&c->to_link);
    batch_free(&c->from_link);
    frag_release(c);
    free(c->scratch_storage);
    c->scratch_storage = NULL;
}

/* Log a dropped packet at --verb 4, at most 10 lines per 10 s. */
static void
drop_log(struct context *c, time_t now, const char *why)
{
    if (ratelimit_allow(&c->rl_drop, now))
    {
        unsigned int held = ratelimit_take_suppressed(&c->rl_drop);

        msg(D_DROPPED, "Dropping packet: %s", why);
        if (held)
        {
            msg(D_DROPPED, "(%u similar drop message(s) suppressed)", held);
        }
    }
}

/* Encrypt one plaintext into the next to_link slot (no slot used on failure). */
static void
seal(struct context *c, struct buffer *plain, time_t wall)
{
    struct link_pkt *out;

    if (!c->peer_known || c->to_link.n >= BATCH_MAX)
    {
        c->stats.dropped_no_peer++;
        return;
    }
    out = &c->to_link.pkts[c->to_link.n];
    buf_reset(&out->buf, 0);
    if (c->tls)
    {
        if (!tunnel_tls_encrypt(c->tls, plain, &out->buf, wall))
        {
            c->stats.dropped_no_peer++; /* no data key yet */
            return;
        }
    }
    else if (c->have_crypto)
    {
        if (!data_crypto_encrypt(&c->dc, plain, &out->buf, NULL, 0, wall))
        {
            return; /* logged by the crypto layer (packet-id exhausted) */
        }
    }
    else if (!buf_write_bytes(&out->buf, buf_ptr(plain), buf_len(plain)))
    {
        return;
    }
    out->addr = c->peer;
    c->to_link.n++;
}

static void flush_to_link(struct context *c, time_t now);

/* The next to_link slot is needed: send the batch if it is full. */
static void
make_room(struct context *c, time_t now)
{
    if (c->to_link.n >= BATCH_MAX)
    {
        flush_to_link(c, now);
    }
}

/* Seal one framed payload: as it is, or with --fragment whole with its
 * fragment header or as several pieces (each its own datagram). */
static void
seal_payload(struct context *c, struct buffer *b, time_t now, time_t wall)
{
    struct frag_out it;
    int n;

    make_room(c, now);
    if (!c->frag)
    {
        seal(c, b, wall);
        return;
    }
    n = fragment_outgoing(c->frag, b, &it);
    if (n == 0)
    {
        if (ratelimit_allow(&c->rl_drop, now))
        {
            msg(D_FRAG_ERRORS, "FRAG_OUT error, len=%zu frag_size=%zu MAX_FRAGS=%d: %s",
                buf_len(b), fragment_piece_size(buf_len(b), c->frag->max_frag), FRAG_MAX_PIECES,
                "too many fragments would be required to send datagram");
        }
        return;
    }
    if (n == 1)
    {
        seal(c, b, wall);
        return;
    }
    for (;;)
    {
        struct buffer piece = c->frag_piece;

        buf_reset(&piece, PLAIN_HEADROOM);
        if (!fragment_next_piece(&it, &piece))
        {
            break;
        }
        make_room(c, now);
        seal(c, &piece, wall);
    }
}

static void
flush_to_link(struct context *c, time_t now)
{
    int sent;

    if (c->to_link.n == 0)
    {
        return;
    }
    sent = link_send(&c->link, c->to_link.pkts, c->to_link.n);
    for (int i = 0; i < sent && i < c->to_link.n; i++)
    {
        c->stats.link_write_bytes += buf_len(&c->to_link.pkts[i].buf);
    }
    if (sent < 0)
    {
        sig_raise(SIGUSR1, "connection-reset");
    }
    else if (sent > 0)
    {
        keepalive_on_sent(&c->ka, now);
    }
    c->to_link.n = 0;
}

/*
 * --block-ipv6: an IPv6 packet from the tun is never sent; it is answered
 * with ICMPv6 "no route" into the tun, from the --ifconfig-ipv6 remote
 * (or fe80::7).  2.6 looks at packet headers only with --mssfix (or
 * options we refuse: --passtos, --client-nat), so without it nothing is
 * blocked there either.
 */
bool
forward_block_ipv6(struct context *c, const struct buffer *b)
{
    const struct options *o = c->o;
    bool tap = c->ps->tt.type == DEV_TYPE_TAP;
    uint8_t answer[PROTO_ICMP6_MAX_REPLY];
    struct in6_addr src;
    size_t off, n;

    if (!o->block_ipv6 || o->mssfix <= 0 || !proto_ip_offset(buf_ptr(b), buf_len(b), tap, 6, &off))
    {
        return false;
    }
    if (!o->ifconfig_ipv6_remote || inet_pton(AF_INET6, o->ifconfig_ipv6_remote, &src) != 1)
    {
        inet_pton(AF_INET6, "fe80::7", &src);
    }
    n = proto_icmp6_unreachable(buf_ptr(b), buf_len(b), tap, src.s6_addr, o->tun_mtu, answer,
                                sizeof(answer));
    if (n > 0 && tun_write(&c->ps->tt, answer, n) < 0)
    {
        c->stats.dropped_tun_write++;
    }
    else if (n > 0)
    {
        c->stats.tun_write_bytes += n;
    }
    return true;
}

/* --route-gateway dhcp (only with --mssfix, as in 2.6): a DHCP answer from
 * the peer loses its router options; an ACK's router becomes the VPN gateway. */
void
forward_dhcp_router(struct context *c, struct buffer *b)
{
    uint32_t router;
    char a[INET_ADDRSTRLEN];

    if (!c->o->route_gateway_dhcp || c->o->mssfix <= 0
        || !dhcp_strip_router(buf_ptr(b), buf_len(b), c->ps->tt.type == DEV_TYPE_TAP, &router))
    {
        return;
    }
    msg(D_ROUTE, "Extracted DHCP router address: %s", inet_ntop(AF_INET, &router, a, sizeof(a)));
    c->route_env.vpn_gateway.s_addr = router;
    c->route_env.have_vpn_gateway = true;
    c->vpn_gateway_dhcp = true;
}

void
forward_tun_to_link(struct context *c, time_t now, time_t wall)
{
    int n = 0;

    if (c->ps->tt.fd < 0)
    {
        return;
    }
    while (n < BATCH_MAX)
    {
        struct buffer *b = &c->from_tun.pkts[n].buf;
        ssize_t r;

        buf_reset(b, PLAIN_HEADROOM);
        r = tun_read(&c->ps->tt, buf_ptr(b), buf_tailroom(b) - SLOT_SLACK);
        if (r <= 0)
        {
            if (r < 0 && errno != EAGAIN && errno != EINTR)
            {
                msg(D_TUN_ERRORS | M_ERRNO, "read from TUN/TAP [%s]", c->ps->tt.name);
            }
            break;
        }
        b->len = (size_t)r;
        n++;
    }
    for (int i = 0; i < n; i++)
    {
        struct buffer *b = &c->from_tun.pkts[i].buf;

        c->stats.tun_read_bytes += buf_len(b);
        keepalive_on_tunnel_bytes(&c->ka, (int64_t)buf_len(b), now);
        if (c->mss_max)
        {
            mss_clamp(b, c->mss_max, c->ps->tt.type == DEV_TYPE_TAP);
        }
        if (forward_block_ipv6(c, b))
        {
            continue;
        }
        if (!comp_compress(&c->comp, b, now))
        {
            continue;
        }
        seal_payload(c, b, now, wall);
    }
    flush_to_link(c, now);
}

static void
send_inband(struct context *c, struct buffer *payload, time_t now, time_t wall)
{
    if (!comp_compress(&c->comp, payload, now))
    {
        return;
    }
    seal_payload(c, payload, now, wall);
    flush_to_link(c, now);
}

void
forward_send_ping(struct context *c, time_t now, time_t wall)
{
    struct buffer b = c->scratch;

    buf_reset(&b, PLAIN_HEADROOM);
    occ_write_ping(&b);
    send_inband(c, &b, now, wall);
    msg(D_PING, "SENT PING");
}

void
forward_send_occ(struct context *c, enum occ_type type, time_t now, time_t wall)
{
    struct buffer b = c->scratch;

    buf_reset(&b, PLAIN_HEADROOM);
    if (!occ_write(&b, type, type == OCC_REPLY ? c->occ_local : NULL))
    {
        return;
    }
    send_inband(c, &b, now, wall);
}

static void
handle_occ(struct context *c, uint8_t type, struct buffer *body, time_t now, time_t wall)
{
    switch (type)
    {
        case OCC_REQUEST:
            forward_send_occ(c, OCC_REPLY, now, wall);
            break;

        case OCC_REPLY:
            if (!c->occ_done && buf_len(body) > 0 && buf_len(body) < sizeof(c->occ_local)
                && buf_ptr(body)[buf_len(body) - 1] == '\0')
            {
                c->occ_done = true;
                msg(D_SHOW_OCC, "Note: Remote Options String: '%s'", (const char *)buf_ptr(body));
                occ_string_compare(c->occ_remote, (const char *)buf_ptr(body));
            }
            break;

        case OCC_EXIT:
            msg(D_CLOSE, "Remote peer has exited (OCC_EXIT received)");
            sig_raise(SIGTERM, "remote-exit");
            break;

        default:
            break; /* MTU probing is not implemented; ignore like an unknown type */
    }
}

/* A packet from the peer that passed authentication: its address is now the peer's. */
static void
note_authentic_source(struct context *c, const struct link_addr *from, time_t now)
{
    char a[128];

    if (!c->peer_known || (c->o->floating && !sockaddr_equal(&c->peer, from)))
    {
        if (c->peer_known)
        {
            msg(D_LOW, "Peer floated to %s", sockaddr_print(from, a, sizeof(a)));
        }
        c->peer = *from;
        c->peer_known = true;
    }
    if (!c->peer_announced)
    {
        c->peer_announced = true;
        msg(M_INFO, "Peer Connection Initiated with %s", sockaddr_print(&c->peer, a, sizeof(a)));
        tunnel_plugin_peer_up(c);
        keepalive_on_remote_known(&c->ka, now);
        /* 2.6: a static-key tunnel is up once the peer is heard (with
         * --up-delay the tun comes up only now, with --route-delay the
         * timer completes it later) */
        if (!c->tls && !c->init_completed)
        {
            init_static_connected(c);
        }
    }
    keepalive_on_received(&c->ka, now);
}

static bool
source_acceptable(struct context *c, const struct link_addr *from, time_t now)
{
    char a[128], b[128];

    if (c->link.proto != LINK_UDP || !c->peer_known || c->o->floating
        || sockaddr_equal(&c->peer, from))
    {
        return true;
    }
    /* TLS without --remote: like 2.6, the peer's address is only settled
     * once a handshake has succeeded; until then the TLS layer judges. */
    if (c->tls && !c->link.remote_known && tls_multi_status(c->tls->multi) != TLS_STATUS_ACTIVE)
    {
        return true;
    }
    c->stats.dropped_source++;
    if (ratelimit_allow(&c->rl_drop, now))
    {
        msg(D_LINK_ERRORS,
            "TCP/UDP: Incoming packet rejected from %s, expected peer address: %s (allow this "
            "incoming source address/port by removing --remote or adding --float)",
            sockaddr_print(from, a, sizeof(a)), sockaddr_print(&c->peer, b, sizeof(b)));
    }
    return false;
}

/* The crypto layer has logged the failure (rate-limited); count it here. */
static void
decrypt_failed(struct context *c, enum crypto_status st)
{
    switch (st)
    {
        case CRYPTO_ERR_REPLAY:
        case CRYPTO_ERR_PACKET_ID:
            c->stats.dropped_replay++;
            break;

        case CRYPTO_ERR_SHORT:
            c->stats.dropped_short++;
            break;

        default:
            c->stats.dropped_auth++;
            break;
    }
}

/* Queue every control packet the TLS layer has ready and send them. */
static void
flush_control(struct context *c, time_t now)
{
    int64_t now_ms = otime_mono_ms();

    while (c->peer_known && c->to_link.n < BATCH_MAX)
    {
        struct link_pkt *out = &c->to_link.pkts[c->to_link.n];

        buf_reset(&out->buf, 0);
        if (!tls_multi_outgoing(c->tls->multi, now_ms, &out->buf))
        {
            break;
        }
        out->addr = c->peer;
        c->to_link.n++;
        if (c->to_link.n == BATCH_MAX)
        {
            flush_to_link(c, now);
        }
    }
    flush_to_link(c, now);
}

/* A control-channel packet (TLS mode): the TLS layer authenticates it. */
static void
deliver_control(struct context *c, struct link_pkt *p, time_t now, time_t wall)
{
    enum tls_in_result r;
    char a[128];

    (void)wall;
    r = tls_multi_incoming(c->tls->multi, buf_ptr(&p->buf), buf_len(&p->buf), otime_mono_ms());
    if (r != TLS_IN_CONSUMED)
    {
        c->stats.dropped_auth++;
        return;
    }
    if (!c->peer_known || (c->o->floating && !sockaddr_equal(&c->peer, &p->addr))
        || (!c->link.remote_known && tls_multi_status(c->tls->multi) != TLS_STATUS_ACTIVE))
    {
        c->peer = p->addr; /* replies go where the session's last packet came from */
        c->peer_known = true;
    }
    if (!c->peer_announced)
    {
        tunnel_manage_state(c, "AUTH", NULL); /* the peer answered: TLS under way */
        c->peer_announced = true; /* ssl.c logs "Peer Connection Initiated" */
        tls_multi_set_peer_name(c->tls->multi, sockaddr_print(&c->peer, a, sizeof(a)));
        keepalive_on_remote_known(&c->ka, now);
    }
    keepalive_on_received(&c->ka, now);
    flush_control(c, now);
}

static void
tls_completed(struct context *c)
{
    if (!c->tls->pull)
    {
        /* a 2.6 pull client does not compare its options with the server's */
        occ_string_compare(c->occ_remote, tls_multi_peer_options(c->tls->multi));
    }
    init_sequence_completed(c);
    if (c->tls->pull)
    {
        client_log_summary(c);
    }
}

void
forward_tls_service(struct context *c, time_t now, time_t wall)
{
    struct tunnel_tls *t = c->tls;
    bool again;

    tls_multi_tick(t->multi, otime_mono_ms());
    if (tunnel_tls_drain_events(t) > 0)
    {
        forward_frag_update(c); /* the key's cipher sets the fragment size */
    }
    if (c->o->mode != MODE_SERVER && tls_multi_control_ready(t->multi))
    {
        tunnel_plugin_peer_up(c);
    }
    tunnel_dco_service(c);
    if (t->pull)
    {
        client_service(c, otime_mono_ms()); /* PUSH_REQUEST goes out with this flush */
    }
    /* 2.6 p2p: a peer that restarted (a new session) completes it again */
    again = t->new_session && !t->pull && c->init_completed;
    t->new_session = false;
    /* a pull client is complete only once the pushed options brought the tun up */
    if (t->n_keys > 0 && (again || !c->init_completed) && (!t->pull || c->pulled))
    {
        if (!init_up_delayed(c))
        {
            return;
        }
        if (init_up_complete(c, otime_mono_ms())) /* --route-delay may hold it back */
        {
            tls_completed(c);
        }
    }
    if (tls_multi_status(t->multi) == TLS_STATUS_ERROR)
    {
        sig_raise(c->o->tls_exit ? SIGTERM : SIGUSR1, c->o->tls_exit ? "tls-exit" : "tls-error");
        return;
    }
    (void)wall;
    flush_control(c, now);
}

bool
forward_frag_in(struct fragmenter *f, struct ratelimit *rl, struct buffer *pkt, time_t now,
                uint64_t *expired_logged)
{
    enum frag_drop why;
    uint32_t hdr;
    enum frag_rx r = fragment_incoming(f, pkt, now, &hdr, &why);

    if (f->st.expired != *expired_logged && ratelimit_allow(rl, now))
    {
        msg(D_FRAG_ERRORS, "FRAG TTL expired: %" PRIu64 " incomplete datagram(s) dropped",
            f->st.expired - *expired_logged);
        *expired_logged = f->st.expired;
    }
    if (r == FRAG_RX_DROP && ratelimit_allow(rl, now))
    {
        msg(D_FRAG_ERRORS, "FRAG_IN error flags=0x%08x: %s", hdr, fragment_drop_reason(why));
    }
    return r == FRAG_RX_DELIVER;
}

/*
 * Open the data packet @p p into @p plain: decrypt it (TLS or static key) or
 * copy it (no crypto).  False when it is dropped; the drop is counted here.
 */
static bool
open_data(struct context *c, struct link_pkt *p, struct buffer *plain, time_t now, time_t wall)
{
    uint32_t pid = 0;

    if (c->tls && tunnel_dco_active(c))
    {
        /* the kernel decrypts DATA_V2 of its peer; what reaches us is not ours to open */
        c->stats.dropped_auth++;
        if (buf_len(&p->buf) > 0 && (buf_ptr(&p->buf)[0] >> P_OPCODE_SHIFT) == P_DATA_V1)
        {
            drop_log(c, now, "Data Channel Offload doesn't support DATA_V1 packets. "
                             "Upgrade your server to 2.4.5 or newer.");
        }
        return false;
    }
    if (c->tls)
    {
        if (!tunnel_tls_decrypt(c->tls, &p->buf, plain, now, wall))
        {
            c->stats.dropped_auth++;
            return false;
        }
        return true;
    }
    if (c->have_crypto)
    {
        enum crypto_status st = data_crypto_decrypt(&c->dc, &p->buf, plain, NULL, 0, wall, now, &pid);

        if (st != CRYPTO_OK)
        {
            decrypt_failed(c, st);
            return false;
        }
        return true;
    }
    return buf_write_bytes(plain, buf_ptr(&p->buf), buf_len(&p->buf));
}

/*
 * Take the framing off an opened payload: reassemble fragments, decompress,
 * and answer pings and OCC messages.  True when @p plain is then a packet
 * for the tun device.
 */
static bool
unframe(struct context *c, struct buffer *plain, time_t now, time_t wall)
{
    uint8_t occ_type;
    struct buffer body;

    if (c->frag && !forward_frag_in(c->frag, &c->rl_drop, plain, now, &c->frag_expired_logged))
    {
        return false;
    }
    if (comp_decompress(&c->comp, plain) != COMP_OK)
    {
        c->stats.dropped_comp++;
        drop_log(c, now, "bad compression framing");
        return false;
    }
    if (occ_is_ping(plain))
    {
        msg(D_PING, "RECEIVED PING PACKET");
        return false;
    }
    if (occ_parse(plain, &occ_type, &body))
    {
        handle_occ(c, occ_type, &body, now, wall);
        return false;
    }
    return c->ps->tt.type != DEV_TYPE_NULL && buf_len(plain) > 0;
}

/* Write a packet from the peer to the tun device, its MSS clamped and a DHCP
 * answer's router noted on the way. */
static void
write_tun(struct context *c, struct buffer *plain, time_t now)
{
    if (c->mss_max)
    {
        mss_clamp(plain, c->mss_max, c->ps->tt.type == DEV_TYPE_TAP);
    }
    forward_dhcp_router(c, plain);
    if (tun_write(&c->ps->tt, buf_ptr(plain), buf_len(plain)) < 0)
    {
        c->stats.dropped_tun_write++;
        drop_log(c, now, strerror(errno));
        return;
    }
    c->stats.tun_write_bytes += buf_len(plain);
    keepalive_on_tunnel_bytes(&c->ka, (int64_t)buf_len(plain), now);
}

/* Decrypt one received packet into the scratch buffer and deliver it. */
static void
deliver(struct context *c, struct link_pkt *p, time_t now, time_t wall)
{
    struct buffer dgram;

    c->stats.link_read_bytes += buf_len(&p->buf);
    if (!source_acceptable(c, &p->addr, now))
    {
        return;
    }
    buf_reset(&c->scratch, PLAIN_HEADROOM);
    if (c->tls && !tunnel_tls_is_data(&p->buf))
    {
        deliver_control(c, p, now, wall);
        return;
    }
    if (!open_data(c, p, &c->scratch, now, wall))
    {
        return;
    }
    /* 2.6 counts what authenticated: the payload after decryption */
    c->stats.auth_read_bytes += buf_len(&c->scratch);
    note_authentic_source(c, &p->addr, now);

    /* the fragment header sits under the compression framing; a view of
     * the datagram (the scratch itself, or a completed reassembly) goes on */
    dgram = c->scratch;
    if (unframe(c, &dgram, now, wall))
    {
        write_tun(c, &dgram, now);
    }
}

bool
forward_link_to_tun(struct context *c, time_t now, time_t wall)
{
    /* TCP may hold more complete frames than one batch takes, and epoll
     * will not report them again: drain them (a bounded number of rounds,
     * so the tun side gets its turn). */
    for (int round = 0; round < 8; round++)
    {
        int n;

        for (int i = 0; i < BATCH_MAX; i++)
        {
            buf_reset(&c->from_link.pkts[i].buf, 0);
        }
        n = link_recv(&c->link, c->from_link.pkts, BATCH_MAX);
        if (n < 0)
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            deliver(c, &c->from_link.pkts[i], now, wall);
        }
        /* replies generated while delivering (OCC) are flushed by their senders */
        if (n < BATCH_MAX || !link_rx_pending(&c->link))
        {
            break;
        }
    }
    return true;
}
