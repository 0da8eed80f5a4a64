/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi.c -- client instances of the server: see multi.h.  Everything a
 * client sends is untrusted: lookups are bounded (peer-id < max-clients,
 * hashed real addresses), failures are counted and logged rate-limited.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_backend.h"
#include "env_set.h"
#include "error.h"
#include "forward.h"
#include "init_env.h"
#include "link.h"
#include "multi.h"
#include "occ.h"
#include "otime.h"
#include "plugin.h"
#include "run_command.h"
#include "status.h"
#include "strutil.h"
#include "wire.h"

/* ---- addresses ------------------------------------------------------------ */

/* 2.6 shows IPv4 peers of a dual-stack socket as plain "a.b.c.d:port". */
void
multi_print_real(const struct link_addr *a, char *out, size_t n)
{
    char buf[INET6_ADDRSTRLEN];

    if (a->ss.ss_family == AF_INET6)
    {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) &a->ss;

        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
        {
            inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, sizeof(buf));
            snprintf(out, n, "%s:%u", buf, sockaddr_port(a));
            return;
        }
    }
    snprintf(out, n, "%s:%u", sockaddr_print_addr(a, buf, sizeof(buf)), sockaddr_port(a));
}

static unsigned int
addr_hash(const struct multi_context *m, const struct link_addr *a)
{
    const uint8_t *p = (const uint8_t *) &a->ss;
    uint32_t h = 2166136261u;

    for (socklen_t i = 0; i < a->len && i < sizeof(a->ss); i++)
    {
        /* sockaddr padding is zero: link.c fills addresses from memset storage */
        h = (h ^ p[i]) * 16777619u;
    }
    return h & m->addr_mask;
}

struct multi_instance *
multi_find_addr(struct multi_context *m, const struct link_addr *a)
{
    for (struct multi_instance *mi = m->by_addr[addr_hash(m, a)]; mi; mi = mi->hash_next)
    {
        if (sockaddr_equal(&mi->real, a))
        {
            return mi;
        }
    }
    return NULL;
}

static void
hash_remove(struct multi_context *m, struct multi_instance *mi)
{
    struct multi_instance **pp = &m->by_addr[addr_hash(m, &mi->real)];

    while (*pp && *pp != mi)
    {
        pp = &(*pp)->hash_next;
    }
    if (*pp)
    {
        *pp = mi->hash_next;
    }
    mi->hash_next = NULL;
}

static void
hash_insert(struct multi_context *m, struct multi_instance *mi)
{
    unsigned int h = addr_hash(m, &mi->real);

    mi->hash_next = m->by_addr[h];
    m->by_addr[h] = mi;
}

static void
set_prefix(struct multi_instance *mi)
{
    if (mi->common_name[0])
    {
        snprintf(mi->prefix, sizeof(mi->prefix), "%s/%s", mi->common_name, mi->real_str);
    }
    else
    {
        snprintf(mi->prefix, sizeof(mi->prefix), "%s", mi->real_str);
    }
}

void
multi_float(struct multi_context *m, struct multi_instance *mi, const struct link_addr *a)
{
    char old[SOCKADDR_PRINT_MAX];

    snprintf(old, sizeof(old), "%s", mi->real_str);
    hash_remove(m, mi);
    mi->real = *a;
    multi_print_real(a, mi->real_str, sizeof(mi->real_str));
    hash_insert(m, mi);
    set_prefix(mi);
    msg(D_MULTI_LOW, "peer %u (%s) floated from %s to %s", (unsigned) mi->peer_id,
        mi->common_name[0] ? mi->common_name : "UNDEF", old, mi->real_str);
    tls_multi_set_peer_name(mi->tls, sockaddr_print(a, old, sizeof(old)));
}

/* ---- set-up --------------------------------------------------------------- */

/* --auth-gen-token: the secret of --auth-gen-token-secret, else one per run. */
static bool
load_token_key(struct multi_context *m)
{
    const struct opt_file *f = &m->o->auth_gen_token_secret;
    char text[4096];
    bool ok;

    if (!m->o->auth_gen_token)
    {
        return true;
    }
    if (!f->value)
    {
        return auth_token_key_random(&m->at_key);
    }
    if (f->is_inline)
    {
        return auth_token_key_read_pem(f->value, &m->at_key);
    }
    FILE *fp = fopen(f->value, "r");
    size_t n = fp ? fread(text, 1, sizeof(text) - 1, fp) : 0;

    if (fp)
    {
        fclose(fp);
    }
    text[n] = '\0';
    ok = n > 0 && auth_token_key_read_pem(text, &m->at_key);
    if (!ok)
    {
        msg(M_WARN, "Cannot read the --auth-gen-token-secret file %s", f->value);
    }
    secure_memzero(text, sizeof(text));
    return ok;
}

static bool
make_pool(struct multi_context *m)
{
    const struct options *o = m->o;
    enum pool_type type = POOL_SINGLE;

    if (!o->ifconfig_pool_defined && !o->ifconfig_ipv6_pool_defined)
    {
        return true;
    }
    if (!m->tap && (o->topology == TOP_NET30 || o->topology == TOP_UNDEF))
    {
        type = POOL_NET30;
    }
    if (o->ifconfig_pool_defined)
    {
        m->pool = pool_new(type, o->ifconfig_pool_start, o->ifconfig_pool_end,
                           o->ifconfig_ipv6_pool_defined ? o->ifconfig_ipv6_pool_base : NULL,
                           o->ifconfig_ipv6_pool_bits, o->duplicate_cn);
    }
    else
    {
        /* IPv6-only pool */
        m->pool = pool_new(POOL_SINGLE, 0, 0, o->ifconfig_ipv6_pool_base,
                           o->ifconfig_ipv6_pool_bits, o->duplicate_cn);
    }
    if (!m->pool)
    {
        msg(M_WARN, "MULTI: cannot create the --ifconfig-pool");
        return false;
    }
    if (o->ifconfig_pool_persist_file)
    {
        /* a missing file is normal on the first start */
        pool_persist_load(m->pool, o->ifconfig_pool_persist_file,
                          o->ifconfig_pool_persist_refresh == 0);
    }
    return true;
}

static void
server_verify_env(void *arg, struct env_set *es)
{
    init_env_server_base(arg, es);
    env_set_add(es, "script_type", "tls-verify");
}

bool
multi_init(struct multi_context *m, struct context *c)
{
    const struct options *o = c->o;
    int64_t now_ms = otime_mono_ms();
    time_t now = otime_mono();

    memset(m, 0, sizeof(*m));
    m->c = c;
    m->o = o;
    m->tap = c->ps->tt.type == DEV_TYPE_TAP;
    m->next_cid = 0;
    ratelimit_init(&m->rl_drop, 10, 10);
    ratelimit_init(&m->rl_new, 10, 10);
    {
        uint64_t key = 0;

        crypto_rand_bytes((uint8_t *) &key, sizeof(key)); /* no aiming at one bucket */
        tls_reply_limit_init(&m->reply_limit, o->cf_initial_max, o->cf_initial_per, key);
    }
    if (!tunnel_tls_open(&m->tmpl, o, c->ps->tls_files, c->occ_local, c->occ_remote, now_ms))
    {
        return false;
    }
    tunnel_tls_set_plugins(&m->tmpl, c->ps->plugins);
    /* a client's certificate checks see the server's environment, as in 2.6 */
    m->tmpl.script_env = server_verify_env;
    m->tmpl.script_env_arg = c;
    /* the template's own channel is never used: each client gets one */
    tls_multi_free(m->tmpl.multi);
    m->tmpl.multi = NULL;
    m->tls_cfg = m->tmpl.cfg;
    m->tls_cfg.p2p = false;
    m->tls_cfg.server_mode = true;
    m->tls_cfg.peer_info = ""; /* §7.1: a --mode server sends no peer-info */
    m->by_peer_id = xcalloc((size_t) o->max_clients, sizeof(*m->by_peer_id));
    m->active = xcalloc((size_t) o->max_clients, sizeof(*m->active));
    m->tcp_out_size = c->to_link.slot_size;
    m->tcp_out = xcalloc(1, m->tcp_out_size);
    if (o->fragment > 0)
    {
        m->frag_piece = xcalloc(1, m->tcp_out_size);
    }
    if (c->link.proto == LINK_UDP && (m->stateless = tls_stateless_new(&m->tls_cfg)) == NULL)
    {
        return false;
    }
    msg(D_MULTI_LOW, "MULTI: multi_init called, r=%d v=%d", o->hash_size_real,
        o->hash_size_virtual);
    /* --hash-size R V: R buckets (a power of two, as 2.6 rounds) for real addresses */
    m->addr_mask = 15;
    while (m->addr_mask < (unsigned int) o->hash_size_real - 1 && m->addr_mask < (1u << 20))
    {
        m->addr_mask = m->addr_mask * 2 + 1;
    }
    m->by_addr = xcalloc((size_t) m->addr_mask + 1, sizeof(*m->by_addr));
    m->routes = mroute_new(o->hash_size_virtual > 0 ? (size_t) o->hash_size_virtual : 256);
    if (!m->routes || !make_pool(m) || !load_token_key(m))
    {
        return false;
    }
    {
        uint64_t seed = 0;

        /* MAC hashing is keyed so that clients cannot aim at one bucket */
        crypto_rand_bytes((uint8_t *) &seed, sizeof(seed));
        mroute_set_seed(m->routes, seed);
    }
    m->mgmt_fd[0] = m->mgmt_fd[1] = -1;
    if (!multi_manage_open(m))
    {
        return false;
    }
    m->next_status = now + (o->status_file_update_freq > 0 ? o->status_file_update_freq : 60);
    m->next_persist =
      now + (o->ifconfig_pool_persist_refresh > 0 ? o->ifconfig_pool_persist_refresh : 600);
    return true;
}

void
multi_uninit(struct multi_context *m)
{
    if (m->by_peer_id)
    {
        for (int i = 0; i < m->o->max_clients; i++)
        {
            if (m->by_peer_id[i])
            {
                multi_close(m, m->by_peer_id[i], NULL);
            }
        }
    }
    if (m->pool && m->o->ifconfig_pool_persist_file && m->o->ifconfig_pool_persist_refresh > 0)
    {
        pool_persist_save(m->pool, m->o->ifconfig_pool_persist_file);
    }
    pool_free(m->pool);
    mroute_free(m->routes);
    free(m->by_addr);
    m->by_addr = NULL;
    free(m->by_peer_id);
    free(m->active);
    free(m->tcp_out);
    free(m->frag_piece);
    tls_stateless_free(m->stateless);
    secure_memzero(&m->at_key, sizeof(m->at_key));
    multi_manage_close(m);
    tunnel_tls_close(&m->tmpl);
    memset(m, 0, sizeof(*m));
}

/* ---- instances ------------------------------------------------------------- */

/* --fragment: reassembly slots per client, allocated with the instance. */
static void
frag_close(struct multi_instance *mi)
{
    if (mi->frag)
    {
        fragment_free(mi->frag);
        free(mi->frag);
        mi->frag = NULL;
    }
}

static bool
frag_open(struct multi_context *m, struct multi_instance *mi)
{
    uint8_t seq = 0;

    if (m->o->fragment <= 0)
    {
        return true;
    }
    mi->frag = xcalloc(1, sizeof(*mi->frag));
    /* 2.6 starts its sequence ids at a random point */
    if (!crypto_rand_bytes(&seq, 1) || !fragment_init(mi->frag, forward_max_plain(m->o), seq))
    {
        frag_close(mi);
        return false;
    }
    return true;
}

struct multi_instance *
multi_create(struct multi_context *m, const struct link_addr *a, int64_t now_ms,
             const struct session_id *cookie, const struct session_id *client_sid)
{
    const struct options *o = m->o;
    struct multi_instance *mi;
    struct tls_config cfg;
    int slot = -1;
    time_t now = otime_mono();

    for (int i = 0; i < o->max_clients; i++)
    {
        if (!m->by_peer_id[i])
        {
            slot = i; /* §9.7: the first free index is the peer-id */
            break;
        }
    }
    if (slot < 0)
    {
        m->dropped_max_clients++;
        if (ratelimit_allow(&m->rl_new, now))
        {
            msg(D_MULTI_ERRORS,
                "MULTI: new incoming connection would exceed maximum number of clients (%d)",
                o->max_clients);
        }
        return NULL;
    }
    mi = xcalloc(1, sizeof(*mi));
    mi->real = *a;
    multi_print_real(a, mi->real_str, sizeof(mi->real_str));
    set_prefix(mi);
    mi->peer_id = (uint32_t) slot;
    mi->cid = m->next_cid++;
    mi->pool_slot = -1;
    mi->created_wall = otime_wall();
    mi->state = MI_HANDSHAKE;
    mi->plugin_ctx = plugin_client_new(m->c->ps->plugins);
    ssl_verify_state_init(&mi->verify, &m->tmpl.verify_cfg);
    mi->verify.plugin_session = mi->plugin_ctx;
    cfg = m->tls_cfg;
    cfg.verify_arg = &mi->verify;
    mi->tls = cookie
                ? tls_multi_new_after_cookie(&cfg, cookie, client_sid, now_ms, mi->created_wall)
                : tls_multi_new(&cfg, now_ms, mi->created_wall);
    if (!mi->tls || !frag_open(m, mi))
    {
        tls_multi_free(mi->tls);
        plugin_client_free(m->c->ps->plugins, mi->plugin_ctx);
        free(mi);
        return NULL;
    }
    {
        char name[SOCKADDR_PRINT_MAX];

        tls_multi_set_peer_name(mi->tls, sockaddr_print(a, name, sizeof(name)));
    }

    struct keepalive_config kc = {
        /* with DCO the kernel pings the client and notices its silence */
        .ping = multi_dco_enabled(m) ? 0 : o->ping_send_timeout,
        .ping_rec_timeout = multi_dco_enabled(m) ? 0 : o->ping_rec_timeout,
        .inactive = o->inactivity_timeout,
        .inactive_bytes = o->inactivity_minimum_bytes,
        .session_timeout = o->session_timeout,
    };
    keepalive_init(&mi->ka, &kc, now);
    keepalive_on_remote_known(&mi->ka, now);
    m->by_peer_id[slot] = mi;
    hash_insert(m, mi);
    mi->active_idx = m->n_instances;
    m->active[m->n_instances++] = mi;
    msg(D_MULTI_LOW, "MULTI: multi_create_instance called");
    return mi;
}

void
multi_close(struct multi_context *m, struct multi_instance *mi, const char *why)
{
    if (why)
    {
        msg(M_INFO, "%s %s", mi->prefix, why);
    }
    multi_dco_del_peer(m, mi); /* before the teardown reports its byte counts */
    multi_connect_teardown(m, mi);
    hash_remove(m, mi);
    if (mi->peer_id < (uint32_t) m->o->max_clients && m->by_peer_id[mi->peer_id] == mi)
    {
        m->by_peer_id[mi->peer_id] = NULL;
    }
    if (mi->active_idx < m->n_instances && m->active[mi->active_idx] == mi)
    {
        struct multi_instance *last = m->active[--m->n_instances];

        m->active[mi->active_idx] = last; /* the last one takes its place */
        last->active_idx = mi->active_idx;
        m->active[m->n_instances] = NULL;
    }
    for (int i = 0; i < MULTI_KEY_IDS; i++)
    {
        if (mi->live[i])
        {
            data_crypto_free(&mi->dc[i]);
        }
    }
    tls_multi_free(mi->tls);
    frag_close(mi);
    if (mi->tcp)
    {
        link_close(mi->tcp); /* closing the fd also takes it out of the epoll set */
        free(mi->tcp);
    }
    if (mi->cc_loaded)
    {
        client_config_free(&mi->cc);
    }
    multi_plugin_acf_remove(mi);
    plugin_client_free(m->c->ps->plugins, mi->plugin_ctx);
    secure_memzero(mi, sizeof(*mi));
    free(mi);
}

/* ---- data channel ------------------------------------------------------------ */

static bool
install_key(struct multi_context *m, struct multi_instance *mi, const struct tls_data_key *k)
{
    uint8_t id = k->key_id & P_KEY_ID_MASK;
    struct frag_envelope e;

    if (!tunnel_tls_key_init(&mi->dc[id], &mi->live[id], k))
    {
        return false;
    }
    mi->data_v2[id] = k->data_v2;
    /* as 2.6: the fragment limit and the MSS clamp come from the client's
     * negotiated cipher and its address family */
    forward_frag_envelope(&mi->dc[id], k->data_v2 ? P_DATA_V2_HDR_LEN : P_DATA_V1_HDR_LEN, &e);
    if (mi->frag)
    {
        forward_frag_limits(mi->frag, m->o, &e, mi->real.ss.ss_family, mi->real.ss.ss_family,
                            &mi->mss_max);
    }
    else
    {
        mi->mss_max = forward_mss_limit(m->o, &e, mi->real.ss.ss_family);
    }
    return true;
}

bool
multi_open_data(struct multi_context *m, struct multi_instance *mi, const struct buffer *pkt,
                struct buffer *out, time_t now, time_t wall)
{
    struct buffer r = *pkt;
    const uint8_t *hdr = buf_ptr(pkt);
    uint8_t b0, kid;
    size_t hdr_len;
    bool ok;
    (void) m;

    if (!buf_read_u8(&r, &b0))
    {
        return false;
    }
    kid = b0 & P_KEY_ID_MASK;
    hdr_len = (b0 >> P_OPCODE_SHIFT) == P_DATA_V2 ? P_DATA_V2_HDR_LEN : P_DATA_V1_HDR_LEN;
    if (!mi->live[kid] || !tls_multi_rx_key_ok(mi->tls, kid) || !buf_advance(&r, hdr_len - 1))
    {
        return false;
    }
    error_set_prefix(mi->prefix); /* a rejected packet's line names the client, as 2.6 */
    ok = data_crypto_decrypt(&mi->dc[kid], &r, out, hdr_len == P_DATA_V2_HDR_LEN ? hdr : NULL,
                             hdr_len == P_DATA_V2_HDR_LEN ? hdr_len : 0, wall, now, NULL)
         == CRYPTO_OK;
    error_set_prefix(NULL);
    if (!ok)
    {
        return false;
    }
    tls_multi_count_data(mi->tls, kid, buf_len(pkt));
    keepalive_on_received(&mi->ka, now);
    return true;
}

void
multi_flush(struct multi_context *m)
{
    struct context *c = m->c;
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
    c->to_link.n = 0;
}

static void
seal_one(struct multi_context *m, struct multi_instance *mi, struct buffer *plain, time_t wall)
{
    struct context *c = m->c;
    struct link_pkt tcp_pkt;
    struct link_pkt *out = &tcp_pkt;
    uint8_t kid, hdr[P_DATA_V2_HDR_LEN];
    size_t hdr_len = P_DATA_V1_HDR_LEN;

    if (mi->state != MI_CONNECTED || !tls_multi_tx_key(mi->tls, &kid) || !mi->live[kid & 7])
    {
        return;
    }
    if (mi->tcp)
    {
        tcp_pkt.buf = buf_storage(m->tcp_out, m->tcp_out_size, 0);
    }
    else
    {
        if (c->to_link.n >= BATCH_MAX)
        {
            multi_flush(m);
        }
        out = &c->to_link.pkts[c->to_link.n];
        buf_reset(&out->buf, 0);
    }
    hdr[0] = (uint8_t) ((P_DATA_V1 << P_OPCODE_SHIFT) | kid);
    if (mi->data_v2[kid])
    {
        hdr[0] = (uint8_t) ((P_DATA_V2 << P_OPCODE_SHIFT) | kid);
        store_be24(hdr + 1, mi->peer_id);
        hdr_len = P_DATA_V2_HDR_LEN;
    }
    if (!buf_write_bytes(&out->buf, hdr, hdr_len) ||
        !data_crypto_encrypt(&mi->dc[kid], plain, &out->buf,
                             mi->data_v2[kid] ? hdr : NULL,
                             mi->data_v2[kid] ? hdr_len : 0, wall))
    {
        return;
    }
    tls_multi_count_data(mi->tls, kid, buf_len(&out->buf));
    keepalive_on_sent(&mi->ka, otime_mono());
    mi->bytes_out += buf_len(&out->buf);
    out->addr = mi->real;
    if (mi->tcp)
    {
        if (link_queue(mi->tcp, out, 1) == 1)
        {
            c->stats.link_write_bytes += buf_len(&out->buf);
        }
        return;
    }
    c->to_link.n++;
}

bool
multi_queue_ready(struct multi_context *m, struct multi_instance *mi)
{
    if (!mi->tcp || link_tx_frames(mi->tcp) <= (size_t) m->o->tcp_queue_limit)
    {
        return true;
    }
    /* 2.6 writes each packet at once and queues only what the socket refuses:
     * give the kernel what it takes before calling the queue full */
    link_flush(mi->tcp);
    return link_tx_frames(mi->tcp) <= (size_t) m->o->tcp_queue_limit;
}

void
multi_seal(struct multi_context *m, struct multi_instance *mi, struct buffer *plain, time_t wall)
{
    struct frag_out it;
    int n;

    if (!mi->frag)
    {
        seal_one(m, mi, plain, wall);
        return;
    }
    if (mi->state != MI_CONNECTED)
    {
        return;
    }
    /* --fragment: whole with its header, or one datagram per piece */
    n = fragment_outgoing(mi->frag, plain, &it);
    if (n == 0 && ratelimit_allow(&m->c->rl_drop, otime_mono()))
    {
        msg(D_FRAG_ERRORS, "%s FRAG_OUT error, len=%zu MAX_FRAGS=%d: %s", mi->prefix,
            buf_len(plain), FRAG_MAX_PIECES,
            "too many fragments would be required to send datagram");
    }
    if (n == 1)
    {
        seal_one(m, mi, plain, wall);
        return;
    }
    for (int i = 0; i < n; i++)
    {
        struct buffer piece = buf_storage(m->frag_piece, m->tcp_out_size, 16);

        if (!fragment_next_piece(&it, &piece))
        {
            break;
        }
        seal_one(m, mi, &piece, wall);
    }
}

/* ---- control channel ---------------------------------------------------------- */

void
multi_send_raw(struct multi_context *m, const struct link_addr *to, const struct buffer *b)
{
    struct link_pkt p;

    /* control packets go out at once, after the data already batched */
    multi_flush(m);
    p.buf = *b;
    p.addr = *to;
    if (link_send(&m->c->link, &p, 1) == 1)
    {
        m->c->stats.link_write_bytes += buf_len(b);
    }
}

void
multi_send_ctl(struct multi_context *m, struct multi_instance *mi, const struct buffer *b)
{
    if (mi->tcp)
    {
        struct link_pkt p = { .buf = *b, .addr = mi->real };

        if (link_queue(mi->tcp, &p, 1) == 1)
        {
            m->c->stats.link_write_bytes += buf_len(b);
        }
        mi->bytes_out += buf_len(b);
        return;
    }
    mi->bytes_out += buf_len(b); /* 2.6 counts control bytes per client too */
    multi_send_raw(m, &mi->real, b);
}

bool
multi_send_text(struct multi_context *m, struct multi_instance *mi, const char *text)
{
    bool ok = tls_multi_send_text(mi->tls, text);
    (void) m;

    msg(D_PUSH, "SENT CONTROL [%s]: '%s' (status=%d)",
        mi->common_name[0] ? mi->common_name : "UNDEF", text, ok ? 1 : 0);
    return ok;
}

static void
on_text(struct multi_context *m, struct multi_instance *mi, const char *text, time_t now)
{
    if (strcmp(text, "PUSH_REQUEST") == 0)
    {
        msg(D_PUSH_DEBUG, "%s PUSH: Received control message: '%s'", mi->prefix, text);
        mi->push_requested = true;
        multi_connect_push(m, mi, now);
    }
    else if (strcmp(text, "EXIT") == 0)
    {
        mi->state = MI_HALTING;
        mi->halt_at = now; /* closed by the next timer run */
        msg(M_INFO, "%s SIGTERM[soft,remote-exit] received, client-instance exiting", mi->prefix);
    }
    else
    {
        msg(D_PUSH_ERRORS, "%s WARNING: Received unknown control message: %s", mi->prefix, text);
    }
}

/* Returns false if the instance was closed. */
static bool
drain_events(struct multi_context *m, struct multi_instance *mi, bool *again)
{
    struct tls_event ev;
    time_t now = otime_mono();

    while (tls_multi_take_key_event(mi->tls, &ev))
    {
        switch (ev.type)
        {
            case TLS_EVENT_KEY_NEW:
                if (multi_dco_enabled(m))
                {
                    multi_dco_on_key(m, mi, &ev);
                }
                else
                {
                    install_key(m, mi, &ev.key);
                }
                secure_memzero(&ev.key, sizeof(ev.key));
                if (mi->at_refresh)
                {
                    multi_token_refresh(m, mi);
                }
                break;

            case TLS_EVENT_KEY_RETIRED:
                multi_dco_on_key(m, mi, &ev);
                if (mi->live[ev.key.key_id & 7])
                {
                    data_crypto_free(&mi->dc[ev.key.key_id & 7]);
                    mi->live[ev.key.key_id & 7] = false;
                }
                break;

            case TLS_EVENT_TEXT:
                on_text(m, mi, ev.text, now);
                break;

            case TLS_EVENT_EXIT:
                on_text(m, mi, "EXIT", now);
                break;

            case TLS_EVENT_AUTH:
                mi->tls_done = true;
                multi_connect_auth(m, mi, ev.key.key_id);
                *again = true; /* authorized keys are derived by the next tick */
                break;
        }
    }
    return true;
}

void
multi_service(struct multi_context *m, struct multi_instance *mi, int64_t now_ms)
{
    uint8_t raw[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    bool again = true;

    for (int round = 0; round < 3 && again; round++)
    {
        again = false;
        error_set_prefix(mi->prefix); /* its TLS lines name the client, as 2.6 */
        tls_multi_tick(mi->tls, now_ms);
        error_set_prefix(NULL);
        drain_events(m, mi, &again);
    }
    multi_dco_sync(m, mi);
    while (tls_multi_outgoing(mi->tls, now_ms, &out))
    {
        multi_send_ctl(m, mi, &out);
        buf_reset(&out, 0);
    }
    mi->next_due_ms = now_ms + tls_multi_next_due_ms(mi->tls, now_ms);
}

/* Keepalive and lifetime of one instance, once a second; false if it was closed. */
static bool
instance_timers(struct multi_context *m, struct multi_instance *mi, time_t now, time_t wall)
{
    if (mi->state == MI_HALTING)
    {
        if (now >= mi->halt_at)
        {
            multi_close(m, mi, NULL);
            return false;
        }
        return true;
    }
    if (tls_multi_status(mi->tls) == TLS_STATUS_ERROR)
    {
        multi_close(m, mi, "SIGUSR1[soft,tls-error] received, client-instance restarting");
        return false;
    }
    multi_token_timer(m, mi, now);
    if (mi->plugin_pending)
    {
        int answer = multi_plugin_poll(mi);

        if (answer < 0 && now >= mi->plugin_deadline)
        {
            answer = 0; /* 2.6 gives a deferred authentication the hand-window */
        }
        if (answer >= 0)
        {
            multi_connect_plugin_answer(m, mi, answer == 1);
        }
    }
    switch (keepalive_check(&mi->ka, now))
    {
        case KA_SEND_PING:
        {
            uint8_t p[128];
            struct buffer b = buf_storage(p, sizeof(p), 32); /* headroom for framing */

            if (mi->state == MI_CONNECTED && occ_write_ping(&b) && comp_compress(&m->c->comp, &b, now))
            {
                multi_seal(m, mi, &b, wall);
            }
            keepalive_on_sent(&mi->ka, now);
            break;
        }

        case KA_PING_RESTART:
        case KA_PING_EXIT:
            msg(M_INFO, "%s [%s] Inactivity timeout (--ping-restart), restarting", mi->prefix,
                mi->common_name[0] ? mi->common_name : "UNDEF");
            multi_close(m, mi, "SIGUSR1[soft,ping-restart] received, client-instance restarting");
            return false;

        case KA_INACTIVE:
        case KA_SESSION_TIMEOUT:
            multi_close(m, mi, "SIGTERM[soft,inactive] received, client-instance exiting");
            return false;

        case KA_NONE:
            break;
    }
    return true;
}

int
multi_service_due(struct multi_context *m, int64_t now_ms)
{
    static time_t last_timers;
    time_t now = otime_mono();
    time_t wall = otime_wall();
    int64_t next = now_ms + 1000;
    bool timers = now != last_timers;

    last_timers = now;
    /* backwards: closing one moves the last, already seen, into its place */
    for (int i = m->n_instances - 1; i >= 0; i--)
    {
        struct multi_instance *mi;

        if (i >= m->n_instances)
        {
            continue; /* the tail went away while another one was handled */
        }
        mi = m->active[i];
        if (timers && !instance_timers(m, mi, now, wall))
        {
            continue;
        }
        if (mi->next_due_ms <= now_ms)
        {
            multi_service(m, mi, now_ms);
        }
        if (mi->next_due_ms < next)
        {
            next = mi->next_due_ms;
        }
    }
    multi_flush(m);
    return next > now_ms ? (int) (next - now_ms) : 0;
}

void
multi_notify_exit(struct multi_context *m)
{
    const char *text = m->o->explicit_exit_notify >= 2 ? "RESTART,[N]" : "RESTART";
    int64_t now_ms = otime_mono_ms();

    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && mi->state == MI_CONNECTED)
        {
            multi_send_text(m, mi, text);
            multi_service(m, mi, now_ms);
        }
    }
}

/* ---- status (§10.1, §10.2) ------------------------------------------------------ */

struct status_build
{
    struct multi_context *m;
    struct status_client *clients;
    char (*vaddr)[2][64];
    size_t n_clients;
    struct status_route *routes;
    char (*rtext)[64];
    size_t n_routes, max_routes;
};

static void
collect_route(void *arg, const char *vaddr, void *owner, time_t last_ref)
{
    struct status_build *sb = arg;
    struct multi_instance *mi = owner;
    struct status_route *r;

    if (sb->n_routes >= sb->max_routes)
    {
        return;
    }
    r = &sb->routes[sb->n_routes];
    snprintf(sb->rtext[sb->n_routes], 64, "%s", vaddr);
    r->virt_addr = sb->rtext[sb->n_routes];
    r->common_name = mi->common_name;
    r->real_addr = mi->real_str;
    /* mroute keeps monotonic time; the file shows wall-clock time */
    r->last_ref = otime_wall() - (otime_mono() - last_ref);
    sb->n_routes++;
}

static void
status_view(struct multi_context *m, struct status_build *sb, struct status_server_view *v)
{
    memset(sb, 0, sizeof(*sb));
    sb->m = m;
    sb->clients = xcalloc((size_t) m->n_instances + 1, sizeof(*sb->clients));
    sb->vaddr = xcalloc((size_t) m->n_instances + 1, sizeof(*sb->vaddr));
    sb->max_routes = mroute_count(m->routes) + 1;
    sb->routes = xcalloc(sb->max_routes, sizeof(*sb->routes));
    sb->rtext = xcalloc(sb->max_routes, sizeof(*sb->rtext));
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];
        struct status_client *sc;

        if (!mi || mi->state != MI_CONNECTED)
        {
            continue;
        }
        sc = &sb->clients[sb->n_clients];
        sc->common_name = mi->common_name;
        sc->real_addr = mi->real_str;
        sb->vaddr[sb->n_clients][0][0] = sb->vaddr[sb->n_clients][1][0] = '\0';
        if (mi->has_v4)
        {
            struct in_addr ia = { .s_addr = htonl(mi->vaddr4) };

            inet_ntop(AF_INET, &ia, sb->vaddr[sb->n_clients][0], 64);
        }
        if (mi->has_v6)
        {
            inet_ntop(AF_INET6, mi->vaddr6, sb->vaddr[sb->n_clients][1], 64);
        }
        sc->virt_addr = sb->vaddr[sb->n_clients][0];
        sc->virt_addr6 = sb->vaddr[sb->n_clients][1];
        sc->bytes_in = mi->bytes_in;
        sc->bytes_out = mi->bytes_out;
        sc->connected_since = mi->created_wall;
        sc->username = mi->username[0] ? mi->username : NULL;
        sc->client_id = mi->cid;
        sc->peer_id = mi->peer_id;
        sc->cipher = mi->cipher;
        sb->n_clients++;
    }
    mroute_walk(m->routes, collect_route, sb);
    memset(v, 0, sizeof(*v));
    v->title = options_title();
    v->now = otime_wall();
    v->clients = sb->clients;
    v->n_clients = sb->n_clients;
    v->routes = sb->routes;
    v->n_routes = sb->n_routes;
    v->max_bcast_queue = 0;
}

static void
status_view_free(struct status_build *sb)
{
    free(sb->clients);
    free(sb->vaddr);
    free(sb->routes);
    free(sb->rtext);
}

void
multi_status_lines(struct multi_context *m, int version, void (*emit)(void *, const char *),
                   void *arg)
{
    struct status_build sb;
    struct status_server_view v;

    multi_dco_refresh_all(m);
    status_view(m, &sb, &v);
    status_server_lines(&v, version, emit, arg);
    status_view_free(&sb);
}

void
multi_write_status(struct multi_context *m)
{
    struct status_build sb;
    struct status_server_view v;

    if (!m->o->status_file)
    {
        return;
    }
    multi_dco_refresh_all(m);
    status_view(m, &sb, &v);
    status_write_lines_file(m->o->status_file, &v,
                            m->o->status_file_version > 0 ? m->o->status_file_version : 1);
    status_view_free(&sb);
}

static void
log_line(void *arg, const char *line)
{
    (void) arg;
    msg(M_INFO | M_NOPREFIX, "%s", line);
}

void
multi_log_status(struct multi_context *m)
{
    multi_status_lines(m, 1, log_line, NULL);
}
