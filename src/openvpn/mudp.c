/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mudp.c -- the server loop (multi_server_loop, see multi.h), and its UDP side:
 *   socket -> P_DATA_V2 by peer-id (float on an authenticated packet from a
 *             new address), everything else by real address; a hard reset
 *             from an unknown address starts a client
 *          -> decrypt -> source check -> client-to-client or the tun
 *   tun    -> destination lookup (mroute) -> that client's keys -> socket
 * Datagrams are read and sent in batches (recvmmsg/sendmmsg in link.c).
 * Tier 6.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "comp.h"
#include "ctl_pkt.h"
#include "error.h"
#include "event.h"
#include "forward.h"
#include "link.h"
#include "mss.h"
#include "multi.h"
#include "occ.h"
#include "otime.h"
#include "proto.h"
#include "sig.h"
#include "status.h"
#include "tun.h"
#include "tunnel_manage.h"
#include "wire.h"

#define PLAIN_HEADROOM 16
#define SLOT_SLACK     512

static void
drop(struct multi_context *m, uint64_t *counter, time_t now, const char *why,
     const struct multi_instance *mi)
{
    (*counter)++;
    if (ratelimit_allow(&m->rl_drop, now))
    {
        msg(D_MULTI_DROPPED, "%s%s%s", mi ? mi->prefix : "", mi ? " " : "", why);
    }
}

static void
to_tun(struct multi_context *m, struct buffer *b)
{
    struct context *c = m->c;

    forward_dhcp_router(c, b);
    if (tun_write(&c->ps->tt, buf_ptr(b), buf_len(b)) < 0)
    {
        c->stats.dropped_tun_write++;
        return;
    }
    c->stats.tun_write_bytes += buf_len(b);
}

/* Broadcast/multicast from a client (--client-to-client) or the tun: every other client. */
static void
replicate(struct multi_context *m, struct multi_instance *except, struct buffer *plain,
          time_t wall)
{
    for (int i = 0; i < m->n_instances; i++)
    {
        struct multi_instance *mi = m->active[i];

        if (mi != except && mi->state == MI_CONNECTED)
        {
            struct buffer copy = *plain;

            if (!multi_queue_ready(m, mi))
            {
                drop(m, &m->dropped_saturation, otime_mono(),
                     "MULTI: packet dropped due to output saturation (multi_add_mbuf)", mi);
                continue;
            }
            multi_seal(m, mi, &copy, wall);
        }
    }
}

/* The owner of a destination in a tun packet or tap frame; NULL if none. */
static struct multi_instance *
route_dest(struct multi_context *m, const struct buffer *b, bool *bcast, time_t now)
{
    *bcast = false;
    if (m->tap)
    {
        struct mroute_eth e;

        if (!mroute_parse_eth(buf_ptr(b), buf_len(b), &e))
        {
            return NULL;
        }
        *bcast = e.dst_bcast;
        return e.dst_bcast ? NULL : mroute_lookup_mac(m->routes, e.dst, now);
    }
    struct mroute_pkt ip;

    if (!mroute_parse_ip(buf_ptr(b), buf_len(b), &ip))
    {
        return NULL;
    }
    *bcast = ip.dst_bcast;
    if (ip.dst_bcast)
    {
        return NULL;
    }
    return ip.family == AF_INET ? mroute_lookup_v4(m->routes, ip.dst4, now)
                                : mroute_lookup_v6(m->routes, ip.dst6, now);
}

/* §9.6: a client may only send from its own addresses (IPv6 link-local tolerated). */
static bool
source_ok(struct multi_context *m, struct multi_instance *mi, const struct buffer *b, time_t now)
{
    if (m->tap)
    {
        struct mroute_eth e;

        if (!mroute_parse_eth(buf_ptr(b), buf_len(b), &e))
        {
            return false;
        }
        if (!e.src[0] && !e.src[1] && !e.src[2] && !e.src[3] && !e.src[4] && !e.src[5])
        {
            return false;
        }
        /* learn (or move) the MAC; past --max-routes-per-client the frame is dropped */
        return (e.src[0] & 1) || mroute_lookup_mac(m->routes, e.src, 0) == mi
               || multi_learn_mac(m, mi, e.src, now);
    }
    struct mroute_pkt ip;

    if (!mroute_parse_ip(buf_ptr(b), buf_len(b), &ip))
    {
        return false;
    }
    if (ip.family == AF_INET)
    {
        return mroute_lookup_v4(m->routes, ip.src4, now) == mi;
    }
    if (ip.src6[0] == 0xfe && (ip.src6[1] & 0xc0) == 0x80)
    {
        return true;
    }
    return mroute_lookup_v6(m->routes, ip.src6, now) == mi;
}

/* A decrypted payload from @p mi: ping, or a packet for the tun or another client. */
static void
deliver(struct multi_context *m, struct multi_instance *mi, struct buffer *plain, time_t now,
        time_t wall)
{
    struct multi_instance *to;
    bool bcast;

    if (comp_decompress(&m->c->comp, plain) != COMP_OK)
    {
        drop(m, &m->c->stats.dropped_comp, now, "decompression failed", mi);
        return;
    }
    if (buf_len(plain) == 0 || occ_is_ping(plain))
    {
        return;
    }
    if (mi->state != MI_CONNECTED)
    {
        return;
    }
    if (!source_ok(m, mi, plain, now))
    {
        drop(m, &m->dropped_bad_source, now,
             "MULTI: bad source address from client, packet dropped", mi);
        return;
    }
    /* 2.6 clamps what goes to the tun as well as what comes from it, with
     * the client's own clamp (its cipher, --fragment) */
    if (mi->mss_max)
    {
        mss_clamp(plain, mi->mss_max, m->tap);
    }
    keepalive_on_tunnel_bytes(&mi->ka, (int64_t) buf_len(plain), now);
    if (m->o->client_to_client)
    {
        to = route_dest(m, plain, &bcast, now);
        if (bcast)
        {
            /* the other clients get it framed as they expect; the tun does not */
            if (comp_compress(&m->c->comp, plain, now))
            {
                replicate(m, mi, plain, wall);
                if (comp_decompress(&m->c->comp, plain) != COMP_OK)
                {
                    return;
                }
            }
        }
        else if (to && to != mi)
        {
            size_t off;

            /* 2.6 forges the --block-ipv6 answer for the receiving client
             * and then loses it: the packet just goes nowhere */
            if (m->o->block_ipv6 && m->o->mssfix > 0
                && proto_ip_offset(buf_ptr(plain), buf_len(plain), m->tap, 6, &off))
            {
                return;
            }
            if (multi_queue_ready(m, to))
            {
                if (comp_compress_ac(&m->c->comp, &to->comp_ac, plain, now))
                {
                    multi_seal(m, to, plain, wall); /* framed again for the receiver */
                }
            }
            else
            {
                drop(m, &m->dropped_saturation, now,
                     "MULTI: packet dropped due to output saturation (multi_add_mbuf)", to);
            }
            return;
        }
    }
    to_tun(m, plain);
}

static bool
is_client_reset(uint8_t b0)
{
    uint8_t op = b0 >> P_OPCODE_SHIFT;

    return (op == P_CONTROL_HARD_RESET_CLIENT_V2 || op == P_CONTROL_HARD_RESET_CLIENT_V3) &&
           (b0 & P_KEY_ID_MASK) == 0;
}

/*
 * --connect-freq n sec: at most n new clients per sec seconds (with a
 * period of 0 there is no limit, with n 0 nobody new, as in 2.6).
 */
static bool
connect_freq_ok(struct multi_context *m, const struct link_addr *from, time_t now)
{
    const struct options *o = m->o;

    if (o->cf_per <= 0)
    {
        return true;
    }
    if (now >= m->cf_window_start + o->cf_per)
    {
        m->cf_window_start = now;
        m->cf_count = 0;
    }
    if (++m->cf_count <= o->cf_max)
    {
        return true;
    }
    m->dropped_max_clients++;
    if (ratelimit_allow(&m->rl_new, now))
    {
        char a[128];

        multi_print_real(from, a, sizeof(a));
        msg(D_MULTI_ERRORS,
            "MULTI: Connection from %s would exceed new connection frequency limit as "
            "controlled by --connect-freq",
            a);
    }
    return false;
}

/*
 * What --connect-freq-initial shares by: the source IPv4 address, or the
 * /64 of an IPv6 one (a single host may have all of it); never the port.
 */
static size_t
src_ip(const struct link_addr *a, const uint8_t **ip)
{
    if (a->ss.ss_family == AF_INET6)
    {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) &a->ss;

        *ip = s6->sin6_addr.s6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
        {
            *ip += 12;
            return 4;
        }
        return 8;
    }
    *ip = (const uint8_t *) &((const struct sockaddr_in *) &a->ss)->sin_addr;
    return 4;
}

/* --connect-freq-initial: may a reset from @p a be answered? */
static bool
reply_allowed(struct multi_context *m, const struct link_addr *a, time_t now)
{
    const uint8_t *ip;
    size_t n = src_ip(a, &ip);
    bool ok;

    /* 2.6's lines about the limit carry this prefix */
    error_set_prefix("Connection Attempt");
    ok = tls_reply_limit_allow(&m->reply_limit, ip, n, now);
    error_set_prefix(NULL);
    if (!ok)
    {
        m->dropped_reply_limit++;
    }
    return ok;
}

static void
reply_credit(struct multi_context *m, const struct link_addr *a)
{
    const uint8_t *ip;
    size_t n = src_ip(a, &ip);

    tls_reply_limit_credit(&m->reply_limit, ip, n);
}

/*
 * Why a first packet got no answer, in 2.6's words where it has them
 * (rate-limited: these come from anyone).
 */
static void
drop_first(struct multi_context *m, const struct link_pkt *p, enum tls_sl_result r, time_t now)
{
    char peer[SOCKADDR_PRINT_MAX];

    m->dropped_no_instance++;
    if (!ratelimit_allow(&m->rl_drop, now))
    {
        return;
    }
    sockaddr_print(&p->addr, peer, sizeof(peer));
    switch (r)
    {
        case TLS_SL_DROP_WKC:
            msg(D_TLS_ERRORS, "TLS Error: can not extract tls-crypt-v2 client key from %s", peer);
            break;

        case TLS_SL_DROP_OLD_V2:
            msg(D_MULTI_DEBUG,
                "tls-crypt-v2 force-cookie is enabled, ignoring connection attempt from old "
                "client (%s)",
                peer);
            break;

        case TLS_SL_DROP_COOKIE:
            msg(D_MULTI_DROPPED,
                "Packet (%s) with invalid or missing SID from %s or wrong packet id",
                ctl_opcode_name(buf_ptr(&p->buf)[0] >> P_OPCODE_SHIFT),
                peer);
            break;

        default:
            msg(D_MULTI_DROPPED, "packet from an unknown client dropped");
            break;
    }
}

/* A control packet from an address with no client: §2.7 stateless start. */
static struct multi_instance *
new_client(struct multi_context *m, const struct link_pkt *p, time_t now, time_t wall,
           int64_t now_ms)
{
    uint8_t raw[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    struct session_id cookie, csid;
    enum tls_sl_result r = TLS_SL_STATEFUL;

    if (m->shutting_down)
    {
        if (is_client_reset(buf_ptr(&p->buf)[0]))
        {
            char a[128];

            multi_print_real(&p->addr, a, sizeof(a));
            msg(D_MULTI_ERRORS,
                "MULTI: Connection attempt from %s ignored while server is shutting down", a);
        }
        return NULL;
    }
    if (m->stateless)
    {
        r = tls_stateless_process(m->stateless, buf_ptr(&p->buf), buf_len(&p->buf), &p->addr.ss,
                                  p->addr.len, wall, &out, &cookie, &csid);
    }
    switch (r)
    {
        case TLS_SL_DROP:
        case TLS_SL_DROP_WKC:
        case TLS_SL_DROP_COOKIE:
        case TLS_SL_DROP_OLD_V2:
            drop_first(m, p, r, now);
            return NULL;

        case TLS_SL_REPLY:
            if (!reply_allowed(m, &p->addr, now))
            {
                return NULL;
            }
            m->stateless_replies++;
            multi_send_raw(m, &p->addr, &out);
            return NULL;

        case TLS_SL_ACCEPT:
        case TLS_SL_STATEFUL:
            if (r == TLS_SL_STATEFUL && !is_client_reset(buf_ptr(&p->buf)[0]))
            {
                return NULL;
            }
            /* an older tls-crypt-v2 client's reset is admitted at once:
             * it is a reset all the same for --connect-freq-initial */
            if (r == TLS_SL_STATEFUL && !reply_allowed(m, &p->addr, now))
            {
                return NULL;
            }
            if (!connect_freq_ok(m, &p->addr, now))
            {
                return NULL;
            }
            reply_credit(m, &p->addr); /* the handshake came back */
            return multi_create(m, &p->addr, now_ms, r == TLS_SL_ACCEPT ? &cookie : NULL,
                                r == TLS_SL_ACCEPT ? &csid : NULL);
    }
    return NULL;
}

/*
 * TCP: a connection whose first packet is not a valid start (a client
 * reset that passes --tls-auth/--tls-crypt) is closed at once: a real
 * client sends nothing else first, and the connection would otherwise hold
 * an fd and an instance until --hand-window runs out.
 */
static void
tcp_refuse(struct multi_context *m, struct multi_instance *mi, time_t now)
{
    drop(m, &m->dropped_no_instance, now,
         "TCP connection closed: its first packet is not a valid client reset", mi);
    multi_close(m, mi, NULL);
}

static void
control_packet(struct multi_context *m, struct multi_instance *mi, const struct link_pkt *p,
               time_t now, time_t wall, int64_t now_ms)
{
    bool created = false;
    enum tls_in_result r;

    if (!mi)
    {
        mi = new_client(m, p, now, wall, now_ms);
        if (!mi)
        {
            return;
        }
        created = true;
    }
    error_set_prefix(mi->prefix); /* its TLS lines name the client, as 2.6 */
    r = tls_multi_incoming(mi->tls, buf_ptr(&p->buf), buf_len(&p->buf), now_ms);
    error_set_prefix(NULL);
    if (r != TLS_IN_CONSUMED)
    {
        if (created)
        {
            multi_close(m, mi, NULL); /* a forged packet leaves nothing behind */
        }
        else if (mi->tcp && !mi->tcp_proven)
        {
            tcp_refuse(m, mi, now);
        }
        return;
    }
    mi->tcp_proven = true;
    if (created)
    {
        msg(D_MULTI_LOW, "%s Initial packet accepted", mi->prefix);
    }
    keepalive_on_received(&mi->ka, now);
    multi_service(m, mi, now_ms);
}

void
multi_process_packet(struct multi_context *m, struct multi_instance *tcp_mi, struct link_pkt *p,
                     time_t now, time_t wall, int64_t now_ms)
{
    struct context *c = m->c;
    const uint8_t *d = buf_ptr(&p->buf);
    struct multi_instance *mi;
    uint8_t op;

    if (buf_len(&p->buf) < 1)
    {
        return;
    }
    c->stats.link_read_bytes += buf_len(&p->buf);
    op = d[0] >> P_OPCODE_SHIFT;
    if (tcp_mi)
    {
        mi = tcp_mi; /* TCP: the connection says who it is */
    }
    else if (op == P_DATA_V2)
    {
        uint32_t id = buf_len(&p->buf) >= 4 ? load_be24(d + 1) : UINT32_MAX;

        mi = id < (uint32_t) m->o->max_clients ? m->by_peer_id[id] : NULL;
    }
    else
    {
        mi = multi_find_addr(m, &p->addr);
    }
    if (mi && (tcp_mi || sockaddr_equal(&mi->real, &p->addr)))
    {
        mi->bytes_in += buf_len(&p->buf); /* link bytes, control included, as 2.6 */
    }
    if ((op == P_DATA_V1 || op == P_DATA_V2) && tcp_mi && !tcp_mi->tcp_proven)
    {
        tcp_refuse(m, tcp_mi, now);
        return;
    }
    if (op == P_DATA_V1 || op == P_DATA_V2)
    {
        struct buffer plain = c->scratch;

        buf_reset(&plain, PLAIN_HEADROOM); /* room to re-send it to another client */
        if (!mi || !multi_open_data(m, mi, &p->buf, &plain, now, wall))
        {
            drop(m, mi ? &c->stats.dropped_auth : &m->dropped_no_instance, now,
                 "data packet dropped (no client or failed authentication)", mi);
            return;
        }
        if (!tcp_mi && !sockaddr_equal(&mi->real, &p->addr))
        {
            struct multi_instance *other = multi_find_addr(m, &p->addr);

            if (other && other != mi)
            {
                drop(m, &m->dropped_bad_source, now, "float to an address in use refused", mi);
                return;
            }
            multi_float(m, mi, &p->addr); /* §9.7: authenticated, so the client moved */
        }
        /* --fragment: the header sits under the compression framing */
        if (mi->frag
            && !forward_frag_in(mi->frag, &c->rl_drop, &plain, now, &mi->frag_expired_logged))
        {
            return;
        }
        deliver(m, mi, &plain, now, wall);
        return;
    }
    control_packet(m, mi, p, now, wall, now_ms);
}

static void
read_link(struct multi_context *m)
{
    struct context *c = m->c;
    time_t now = otime_mono(), wall = otime_wall();
    int64_t now_ms = otime_mono_ms();

    for (int round = 0; round < 4; round++)
    {
        int n;

        for (int i = 0; i < BATCH_MAX; i++)
        {
            buf_reset(&c->from_link.pkts[i].buf, 0);
        }
        n = link_recv(&c->link, c->from_link.pkts, BATCH_MAX);
        for (int i = 0; i < n; i++)
        {
            multi_process_packet(m, NULL, &c->from_link.pkts[i], now, wall, now_ms);
        }
        multi_flush(m);
        if (n < BATCH_MAX)
        {
            break;
        }
    }
}

static void
read_tun(struct multi_context *m)
{
    struct context *c = m->c;
    time_t now = otime_mono(), wall = otime_wall();
    int n = 0;

    while (n < BATCH_MAX)
    {
        struct buffer *b = &c->from_tun.pkts[n].buf;
        ssize_t r;

        buf_reset(b, PLAIN_HEADROOM);
        r = tun_read(&c->ps->tt, buf_ptr(b), buf_tailroom(b) - SLOT_SLACK);
        if (r <= 0)
        {
            break;
        }
        b->len = (size_t) r;
        n++;
    }
    for (int i = 0; i < n; i++)
    {
        struct buffer *b = &c->from_tun.pkts[i].buf;
        struct multi_instance *to;
        bool bcast;

        c->stats.tun_read_bytes += buf_len(b);
        to = route_dest(m, b, &bcast, now);
        if (!to && !bcast)
        {
            drop(m, &m->dropped_no_route, now, "no client for the destination of a tun packet",
                 NULL);
            continue;
        }
        if (to ? to->mss_max : c->mss_max)
        {
            mss_clamp(b, to ? to->mss_max : c->mss_max, m->tap);
        }
        if (to && forward_block_ipv6(c, b))
        {
            continue; /* as 2.6 does, although its manual says the server side is not filtered */
        }
        if (!comp_compress_ac(&c->comp, to ? &to->comp_ac : NULL, b, now))
        {
            continue;
        }
        if (bcast)
        {
            replicate(m, NULL, b, wall);
        }
        else if (!multi_queue_ready(m, to))
        {
            drop(m, &m->dropped_saturation, now,
                 "MULTI: packet dropped due to output saturation (multi_process_incoming_tun)", to);
        }
        else
        {
            keepalive_on_tunnel_bytes(&to->ka, (int64_t) buf_len(b), now);
            multi_seal(m, to, b, wall);
        }
    }
    multi_flush(m);
}

static void
periodic(struct multi_context *m, time_t now)
{
    const struct options *o = m->o;

    if (m->mgmt && now != m->mgmt_tick)
    {
        m->mgmt_tick = now;
        manage_tick(m->mgmt, otime_wall());
    }
    if (o->status_file && now >= m->next_status)
    {
        multi_write_status(m);
        m->next_status = now + (o->status_file_update_freq > 0 ? o->status_file_update_freq : 60);
    }
    if (m->pool && o->ifconfig_pool_persist_file && o->ifconfig_pool_persist_refresh > 0 &&
        now >= m->next_persist)
    {
        pool_persist_save(m->pool, o->ifconfig_pool_persist_file);
        m->next_persist = now + o->ifconfig_pool_persist_refresh;
    }
}

/*
 * UDP with --explicit-exit-notify: whether the server stops or restarts
 * (SIGTERM, SIGINT, SIGUSR1, SIGHUP), 2.6 tells its clients RESTART and keeps
 * serving them for two seconds, so that they reconnect at once instead of
 * waiting for their ping-restart; new clients are turned away meanwhile.  A
 * further signal ends the wait (a stop signal then wins).  Returns the signal
 * to act on.
 */
static int
exit_notify(struct multi_context *m, int sig)
{
    struct context *c = m->c;
    int64_t end;

    if (m->o->explicit_exit_notify <= 0 || c->link.proto != LINK_UDP ||
        (sig != SIGTERM && sig != SIGINT && sig != SIGUSR1 && sig != SIGHUP))
    {
        return sig;
    }
    m->shutting_down = true;
    multi_notify_exit(m);
    end = otime_mono_ms() + 2000;
    while (otime_mono_ms() < end)
    {
        struct event_ready ready[2];
        int64_t left = end - otime_mono_ms();
        int due = multi_service_due(m, otime_mono_ms());
        int n = event_wait(&c->es, ready, 2, due < left ? due : (int) left);

        for (int k = 0; k < n; k++)
        {
            if (ready[k].arg == &c->link)
            {
                read_link(m);
            }
        }
        if (sig_pending())
        {
            int again = sig_take();

            if (again == SIGTERM || again == SIGINT)
            {
                sig = again;
            }
            if (again != SIGUSR2)
            {
                break;
            }
        }
    }
    return sig;
}

/* Who an epoll event is for: the socket/listener, the tun, or a TCP client. */
static void
dispatch(struct multi_context *m, const struct event_ready *ev)
{
    struct context *c = m->c;

    if (ev->arg == &c->link)
    {
        if (c->link.proto == LINK_UDP)
        {
            read_link(m);
        }
        else
        {
            mtcp_accept(m);
        }
    }
    else if (ev->arg == &c->ps->tt)
    {
        read_tun(m);
    }
    else if (ev->arg == &m->mgmt)
    {
        manage_io(m->mgmt, otime_mono());
    }
    else if (ev->arg == &m->c->dco_slots)
    {
        multi_dco_read_events(m);
    }
    else
    {
        /* &m->by_peer_id[i]: NULL now if that client went away this round */
        struct multi_instance *mi = *(struct multi_instance **) ev->arg;

        if (!mi || !mi->tcp)
        {
            return;
        }
        if ((ev->events & EVENT_WRITE) && !mtcp_write(m, mi))
        {
            return;
        }
        if (ev->events & EVENT_READ)
        {
            mtcp_read(m, mi);
        }
    }
}

int
multi_server_loop(struct context *c)
{
    struct multi_context m;
    int sig = 0;
    bool tcp = c->link.proto != LINK_UDP;
    bool tun_enabled = true;

    if (!multi_init(&m, c))
    {
        multi_uninit(&m);
        return SIGTERM;
    }
    /* 2.6: the server is complete once its instance table is set up */
    init_sequence_completed(c);
    event_ctl(&c->es, tcp ? c->link.listen_fd : c->link.fd, EVENT_READ, &c->link);
    if (c->ps->tt.fd >= 0)
    {
        event_ctl(&c->es, c->ps->tt.fd, EVENT_READ, &c->ps->tt);
    }
    if (tunnel_dco_event_fd(c) >= 0)
    {
        event_ctl(&c->es, tunnel_dco_event_fd(c), EVENT_READ, &c->dco_slots);
    }
    for (;;)
    {
        struct event_ready ready[16];
        int timeout = multi_service_due(&m, otime_mono_ms());
        bool backlog = false, rx_pending = false;
        int n;

        if (tcp)
        {
            mtcp_update_interest(&m, &backlog, &rx_pending);
            if (c->ps->tt.fd >= 0 && backlog == tun_enabled)
            {
                tun_enabled = !backlog;
                event_ctl(&c->es, c->ps->tt.fd, tun_enabled ? EVENT_READ : 0, &c->ps->tt);
            }
        }
        multi_manage_interest(&m);
        n = event_wait(&c->es, ready, 16, rx_pending ? 0 : timeout);
        if (rx_pending)
        {
            mtcp_read_pending(&m);
        }
        for (int i = 0; i < n; i++)
        {
            dispatch(&m, &ready[i]);
        }
        periodic(&m, otime_mono());
        while ((sig = sig_take()) == SIGUSR2)
        {
            multi_log_status(&m);
        }
        if (sig)
        {
            break;
        }
    }
    sig = exit_notify(&m, sig);
    if (m.o->status_file)
    {
        multi_write_status(&m);
    }
    multi_uninit(&m);
    return sig;
}
