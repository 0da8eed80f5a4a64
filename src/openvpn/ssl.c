/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl.c -- the control session of one peer: session ids, wrapping,
 * packet parsing and building, routing packets to key states, timers,
 * renegotiation and the event queue (doc/protocol.md §1-§3, §8.6).  The key state
 * itself is ssl_ks.c.  Contracts are in ssl.h.
 *
 * Tier 3c: includes ctl_pkt.h, reliable.h, tls_wrap.h, tls_crypt_v2.h,
 * ssl_ks.h and tiers 0-2; never options.h or OS headers; reads no clock.
 */
#include "config.h"

#include "ssl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_backend.h"
#include "ctl_pkt.h"
#include "errlevel.h"
#include "error.h"
#include "ssl_ks.h"
#include "tls_wrap.h"

#define N_EVENTS        16
#define EVENTS_FOR_TEXT 12 /* texts may fill the queue up to here; keys always fit */

/* §3.5: everything around the TLS bytes in a CONTROL_V1 datagram, IPv4/UDP included */
#define CTL_FIXED_OVERHEAD (1 + SID_SIZE + 1 + 4 * CTL_ACK_MAX_PIGGYBACK + SID_SIZE + 4 + 28)

struct tls_multi
{
    struct tls_config cfg; /* strings borrowed from the caller */
    struct key2 wrap_key;
    struct tls_crypt_v2_client_key v2c;
    struct tls_wrap_ctx *wrap; /* NULL: no wrapping, or v2 server before the first packet */
    bool after_cookie;         /* began statelessly: the reset replies are behind us */
    time_t start_wall;         /* this session's start: the replay timestamp it wraps with */

    struct session_id own_sid;
    struct session_id peer_sid; /* undefined until the peer's first packet */
    char peer_name[128];
    unsigned int own_iv_proto;

    struct key_state ks[2];
    int pri; /* index of the primary key state; the other is the lame duck */
    bool failed;

    struct tls_data_params params; /* pull/server modes */
    bool params_set;

    struct tls_event ev[N_EVENTS];
    size_t ev_head, ev_count;

    struct tls_multi_stats stats;
    struct ratelimit rl;
    uint8_t scratch[TLS_PACKET_MAX];
};

static struct key_state *
primary(struct tls_multi *m)
{
    return &m->ks[m->pri];
}

static struct key_state *
lame_duck(struct tls_multi *m)
{
    return &m->ks[m->pri ^ 1];
}

static uint8_t
next_key_id(uint8_t id)
{
    /* §1.3: 0,1,...,7,1,2,...: 0 is never reused */
    return id >= 7 ? 1 : (uint8_t) (id + 1);
}

static int
or_default(int v, int dflt)
{
    return v > 0 ? v : dflt;
}

unsigned int
tls_p2p_iv_proto(bool cc_exit)
{
    /* no DYN_TLS_CRYPT (§2.6 not implemented); CC_EXIT only when EXIT is handled */
    return IV_PROTO_DATA_V2 | IV_PROTO_TLS_KEY_EXPORT | IV_PROTO_NCP_P2P |
           (cc_exit ? IV_PROTO_CC_EXIT_NOTIFY : 0);
}

void
tls_data_key_select(const struct tls_data_key *k, const struct key **send, const struct key **recv)
{
    *send = &k->key2.keys[k->tls_server ? 1 : 0];
    *recv = &k->key2.keys[k->tls_server ? 0 : 1];
}

/* ---- events ------------------------------------------------------------------ */

static struct tls_event *
event_push(struct tls_multi *m, enum tls_event_type type)
{
    struct tls_event *ev;

    ASSERT(m->ev_count < N_EVENTS); /* keys: at most a few, texts stop at EVENTS_FOR_TEXT */
    ev = &m->ev[(m->ev_head + m->ev_count) % N_EVENTS];
    m->ev_count++;
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    return ev;
}

bool
tls_multi_take_key_event(struct tls_multi *m, struct tls_event *ev)
{
    if (m->ev_count == 0)
    {
        return false;
    }
    *ev = m->ev[m->ev_head];
    secure_memzero(&m->ev[m->ev_head], sizeof(m->ev[m->ev_head]));
    m->ev_head = (m->ev_head + 1) % N_EVENTS;
    m->ev_count--;
    return true;
}

static void
on_text(void *arg, const char *text)
{
    struct tls_multi *m = arg;

    if (m->ev_count >= EVENTS_FOR_TEXT)
    {
        m->stats.in_dropped[TLS_IN_DROPPED_WINDOW]++;
        return;
    }
    if (m->cfg.cc_exit && strcmp(text, "EXIT") == 0)
    {
        event_push(m, TLS_EVENT_EXIT);
        return;
    }
    snprintf(event_push(m, TLS_EVENT_TEXT)->text, TLS_TEXT_MAX, "%s", text);
}

static void
retire(struct tls_multi *m, struct key_state *ks)
{
    if (ks->state == KS_UNDEF)
    {
        return;
    }
    if (ks->keys_ready)
    {
        event_push(m, TLS_EVENT_KEY_RETIRED)->key.key_id = ks->key_id;
    }
    ks_free(ks);
}

/* ---- construction ------------------------------------------------------------- */

static void
make_env(struct tls_multi *m, struct ks_env *env)
{
    size_t mtu = m->cfg.tls_mtu;
    size_t over = CTL_FIXED_OVERHEAD + tls_wrap_overhead(m->wrap);

    env->cfg = &m->cfg;
    env->own_sid = &m->own_sid;
    env->peer_sid = &m->peer_sid;
    env->peer_name = m->peer_name;
    env->own_iv_proto = m->own_iv_proto;
    env->rl = &m->rl;
    env->payload_max = mtu > over + 64 ? mtu - over : 64;
    env->wkc_len = m->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2C ? m->v2c.wkc_len : 0;
    env->params = m->params_set ? &m->params : NULL;
}

/* Build the wrap context of the session (not for a v2 server: see v2_server_wrap()). */
static bool
make_wrap(struct tls_multi *m)
{
    const struct tls_config *c = &m->cfg;
    bool server = c->role == SSL_ROLE_SERVER;

    tls_wrap_free(m->wrap);
    m->wrap = NULL;
    switch (c->wrap)
    {
        case TLS_WRAP_NONE:
        case TLS_WRAP_KIND_CRYPT_V2S:
            return true;

        case TLS_WRAP_KIND_AUTH:
            m->wrap = tls_wrap_new_auth(
              &m->wrap_key, c->key_direction, c->auth_digest, c->replay_window, c->replay_time);
            break;

        case TLS_WRAP_KIND_CRYPT:
            m->wrap = tls_wrap_new_crypt(&m->wrap_key, server, c->replay_window, c->replay_time);
            break;

        case TLS_WRAP_KIND_CRYPT_V2C:
            m->wrap = tls_crypt_v2_client_ctx_new(&m->v2c, c->replay_window, c->replay_time);
            break;
    }
    return m->wrap != NULL;
}

static uint8_t
hard_reset_opcode(const struct tls_multi *m)
{
    if (m->cfg.role == SSL_ROLE_SERVER)
    {
        return P_CONTROL_HARD_RESET_SERVER_V2;
    }
    return m->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2C ? P_CONTROL_HARD_RESET_CLIENT_V3
                                                  : P_CONTROL_HARD_RESET_CLIENT_V2;
}

static bool
new_session_id(struct session_id *sid)
{
    uint8_t r[SID_SIZE];

    do
    {
        if (!crypto_rand_bytes(r, sizeof(r)))
        {
            return false;
        }
    } while (!session_id_from_random(sid, r));
    return true;
}

/* Start (or restart) key state 0 of a fresh session. */
static bool
start_session(struct tls_multi *m, int64_t now_ms)
{
    struct ks_env env;

    retire(m, &m->ks[0]);
    retire(m, &m->ks[1]);
    m->pri = 0;
    make_env(m, &env);
    return ks_init(primary(m), &env, 0, hard_reset_opcode(m), now_ms);
}

int
tls_reneg_sec_pick(int max, int min, bool min_set, bool server_mode, uint32_t rnd)
{
    int span;

    if (max <= 0)
    {
        return max;
    }
    if (min_set)
    {
        /* 2.6: max - rnd % (max - min), so (min, max]; min >= max gives max */
        span = min < max ? max - min : 1;
    }
    else if (server_mode)
    {
        /* no min: a --mode server spreads its clients over the top 10% */
        span = max / 10 > 1 ? max / 10 : 1;
    }
    else
    {
        return max;
    }
    return max - (int) (rnd % (uint32_t) span);
}

/*
 * Draw the --reneg-sec of this session once (tls_reneg_sec_pick()), so that
 * many peers configured alike do not all renegotiate together.  Logs show
 * the result ("soft reset sec=N/M").
 */
static bool
jitter_reneg_sec(struct tls_config *c)
{
    uint8_t r[4];
    uint32_t v;

    if (!crypto_rand_bytes(r, sizeof(r)))
    {
        return false;
    }
    v = load_be32(r);
    c->reneg_sec =
      tls_reneg_sec_pick(c->reneg_sec, c->reneg_sec_min, c->reneg_sec_min_set, c->server_mode, v);
    return true;
}

struct tls_multi *
tls_multi_new(const struct tls_config *cfg, int64_t now_ms, time_t now_wall)
{
    struct tls_multi *m = calloc(1, sizeof(*m));

    if (m == NULL)
    {
        msg(M_ERR, "out of memory (tls_multi)");
        return NULL;
    }
    ASSERT(cfg->ssl_ctx != NULL);
    m->cfg = *cfg;
    m->start_wall = now_wall;
    m->cfg.tls_timeout_s = or_default(cfg->tls_timeout_s, RELIABLE_DEFAULT_TIMEOUT_S);
    m->cfg.hand_window_s = or_default(cfg->hand_window_s, TLS_HAND_WINDOW_DEFAULT);
    m->cfg.tran_window_s = or_default(cfg->tran_window_s, TLS_TRAN_WINDOW_DEFAULT);
    m->cfg.replay_window = or_default(cfg->replay_window, TLS_WRAP_DEFAULT_REPLAY_WINDOW);
    m->cfg.replay_time = or_default(cfg->replay_time, TLS_WRAP_DEFAULT_REPLAY_TIME);
    m->cfg.tls_mtu = cfg->tls_mtu >= TLS_MTU_MIN ? cfg->tls_mtu : TLS_MTU_DEFAULT;
    if (cfg->wrap_key)
    {
        m->wrap_key = *cfg->wrap_key;
    }
    if (cfg->v2_client)
    {
        m->v2c = *cfg->v2_client;
    }
    ASSERT(cfg->wrap != TLS_WRAP_KIND_CRYPT_V2S || cfg->v2_server != NULL);
    m->own_iv_proto = key_msg_peer_info_proto(cfg->peer_info ? cfg->peer_info : "");
    snprintf(m->peer_name, sizeof(m->peer_name), "[undef]");
    ratelimit_init(&m->rl, 10, 5);

    if (!jitter_reneg_sec(&m->cfg) || !make_wrap(m) || !new_session_id(&m->own_sid) ||
        !start_session(m, now_ms))
    {
        tls_multi_free(m);
        return NULL;
    }
    return m;
}

struct tls_multi *
tls_multi_new_after_cookie(const struct tls_config *cfg,
                           const struct session_id *cookie,
                           const struct session_id *client_sid,
                           int64_t now_ms,
                           time_t now_wall)
{
    struct tls_multi *m;
    struct ks_env env;

    ASSERT(cfg->role == SSL_ROLE_SERVER);
    m = tls_multi_new(cfg, now_ms, now_wall);
    if (m == NULL)
    {
        return NULL;
    }
    ks_free(&m->ks[0]);
    m->after_cookie = true;
    m->own_sid = *cookie;
    m->peer_sid = *client_sid;
    if (m->wrap)
    {
        tls_wrap_set_last_send_id(m->wrap, 1); /* the stateless reset used replay id 1 */
    }
    make_env(m, &env);
    if (!ks_init_after_cookie(&m->ks[0], &env, now_ms))
    {
        tls_multi_free(m);
        return NULL;
    }
    return m;
}

void
tls_multi_free(struct tls_multi *m)
{
    if (m == NULL)
    {
        return;
    }
    ks_free(&m->ks[0]);
    ks_free(&m->ks[1]);
    tls_wrap_free(m->wrap);
    secure_memzero(m, sizeof(*m));
    free(m);
}

void
tls_multi_set_peer_name(struct tls_multi *m, const char *name)
{
    snprintf(m->peer_name, sizeof(m->peer_name), "%s", name);
}

/* ---- processing ----------------------------------------------------------------- */

static void
multi_fail(struct tls_multi *m)
{
    if (!m->failed)
    {
        msg(D_TLS_ERRORS, "TLS Error: TLS handshake failed");
        m->failed = true;
    }
}

/*
 * SWEET32: with a 64-bit-block data cipher and no --reneg-bytes, 2.6 caps
 * the key's life at 64 MB (and says so once).  Only CBC is checked: AEAD
 * and "none" are not affected, and 64-bit CFB/OFB (BF-CFB ...) are left as
 * they are (the library reports block size 1 for them).
 */
static void
limit_reneg_bytes(struct tls_multi *m, const char *cipher)
{
    struct cipher_info ci;

    if (!m->cfg.reneg_bytes_unset || !crypto_cipher_info(cipher, &ci) ||
        ci.mode != CIPHER_MODE_CBC || ci.block_size >= 16)
    {
        return;
    }
    msg(M_WARN,
        "WARNING: cipher with small block size in use, reducing reneg-bytes to 64MB "
        "to mitigate SWEET32 attacks.");
    m->cfg.reneg_bytes = TLS_RENEG_BYTES_SMALL_BLOCK;
    m->cfg.reneg_bytes_unset = false;
}

/* Let every key state make progress; collect new keys. */
static void
process_all(struct tls_multi *m, int64_t now_ms)
{
    struct ks_env env;

    make_env(m, &env);
    for (int i = 0; i < 2 && !m->failed; i++)
    {
        struct key_state *ks = &m->ks[i];
        bool key_new = false;

        if (!ks_process(ks, &env, now_ms, &key_new, on_text, m))
        {
            multi_fail(m);
            return;
        }
        if (ks->keys_pending && m->cfg.server_mode && !ks->auth_asked)
        {
            ks->auth_asked = true;
            event_push(m, TLS_EVENT_AUTH)->key.key_id = ks->key_id;
        }
        if (ks->keys_pending && m->params_set && (!m->cfg.server_mode || ks->authorized))
        {
            if (!ks_derive_pending(ks, &env, now_ms))
            {
                ks_fail(ks, now_ms, "no data key");
                multi_fail(m);
                return;
            }
            key_new = true;
        }
        if (key_new)
        {
            struct tls_event *ev;

            limit_reneg_bytes(m, ks->data_key.cipher);
            ev = event_push(m, TLS_EVENT_KEY_NEW);

            ev->key = ks->data_key;
            secure_memzero(&ks->data_key.key2, sizeof(ks->data_key.key2));
        }
    }
}

bool
tls_multi_control_ready(const struct tls_multi *m)
{
    const struct key_state *ks = &m->ks[m->pri];

    return !m->failed && ks->own_km_sent && ks->peer_km_read;
}

bool
tls_multi_set_data_params(struct tls_multi *m, const struct tls_data_params *p)
{
    struct cipher_info ci;

    if (!crypto_cipher_info(p->cipher, &ci))
    {
        msg(D_TLS_ERRORS, "TLS Error: data channel cipher '%s' is not usable", p->cipher);
        return false;
    }
    m->params = *p;
    m->params_set = true;
    return true;
}

static struct key_state *
find_key(struct tls_multi *m, uint8_t key_id)
{
    for (int i = 0; i < 2; i++)
    {
        struct key_state *ks = &m->ks[i];

        if (ks->state != KS_UNDEF && ks->state != KS_ERROR && ks->key_id == key_id)
        {
            return ks;
        }
    }
    return NULL;
}

bool
tls_multi_peer_credentials(const struct tls_multi *m, uint8_t key_id, const char **username,
                           const char **password)
{
    const struct key_state *ks = find_key((struct tls_multi *) m, key_id);

    if (ks == NULL || !ks->peer_km_read)
    {
        return false;
    }
    *username = ks->peer_km.username;
    *password = ks->peer_km.password;
    return true;
}

void
tls_multi_key_authorize(struct tls_multi *m, uint8_t key_id, bool ok)
{
    struct key_state *ks = find_key(m, key_id);

    if (ks != NULL && ks->keys_pending)
    {
        ks->authorized = ok;
        if (!ok)
        {
            ks->keys_pending = false; /* refused: never gets data keys */
        }
    }
}

void
tls_multi_session_ids(const struct tls_multi *m, struct session_id *own, struct session_id *peer)
{
    *own = m->own_sid;
    *peer = m->peer_sid;
}

static void
start_reneg(struct tls_multi *m, uint8_t key_id, int64_t now_ms)
{
    struct key_state *old = primary(m);
    struct ks_env env;

    retire(m, lame_duck(m));
    old->expire_ms = now_ms + 1000 * (int64_t) m->cfg.tran_window_s;
    m->pri ^= 1;
    make_env(m, &env);
    if (!ks_init(primary(m), &env, key_id, P_CONTROL_SOFT_RESET_V1, now_ms))
    {
        multi_fail(m);
        return;
    }
    m->stats.renegotiations++;
}

bool
tls_multi_renegotiate(struct tls_multi *m, int64_t now_ms)
{
    struct key_state *ks = primary(m);

    if (m->failed || ks->state != KS_ACTIVE)
    {
        return false;
    }
    /* 2.6 prints its signed option values: an unset --reneg-bytes is -1 */
    msg(D_HANDSHAKE,
        "TLS: soft reset sec=%d/%d bytes=%llu/%lld pkts=%llu/%llu",
        (int) ((now_ms - ks->active_ms) / 1000),
        m->cfg.reneg_sec,
        (unsigned long long) ks->n_bytes,
        m->cfg.reneg_bytes_unset ? -1LL : (long long) m->cfg.reneg_bytes,
        (unsigned long long) ks->n_pkts,
        (unsigned long long) m->cfg.reneg_pkts);
    start_reneg(m, next_key_id(ks->key_id), now_ms);
    return !m->failed;
}

/* A renegotiation is under way and the previous key still carries data. */
static bool
old_key_usable(struct tls_multi *m, int64_t now_ms)
{
    const struct key_state *l = lame_duck(m);

    return l->state == KS_ACTIVE && l->keys_ready && now_ms < l->expire_ms;
}

/*
 * A server's renegotiation failed (the client went quiet for the whole
 * hand-window): like 2.6, the session is not torn down.  The failed key goes,
 * the old one keeps carrying data until its transition window ends, and a
 * returning client starts a new session; a client that is really gone is
 * dropped by its ping-restart, as 2.6 does it.
 */
static void
keep_old_key(struct tls_multi *m)
{
    msg(D_TLS_ERRORS, "TLS Error: TLS handshake failed");
    msg(D_TLS_DEBUG_LOW, "TLS: move_session: dest=TM_LAME_DUCK src=TM_ACTIVE reinit_src=1");
    /* the failed key state goes; the old one carries data until it expires
     * and a new session from the peer replaces both */
    retire(m, primary(m));
}

void
tls_multi_tick(struct tls_multi *m, int64_t now_ms)
{
    struct key_state *ks;

    if (m->failed)
    {
        return;
    }
    process_all(m, now_ms);
    ks = primary(m);
    if (!m->failed && ks_negotiating(ks) && now_ms >= ks->must_negotiate_ms)
    {
        msg(D_TLS_ERRORS,
            "TLS Error: TLS key negotiation failed to occur within %d seconds (check your "
            "network connectivity)",
            m->cfg.hand_window_s);
        ks_fail(ks, now_ms, "hand-window expired");
        if (m->cfg.role == SSL_ROLE_SERVER && old_key_usable(m, now_ms))
        {
            keep_old_key(m);
            return;
        }
        multi_fail(m);
        return;
    }
    if (lame_duck(m)->state != KS_UNDEF && now_ms >= lame_duck(m)->expire_ms)
    {
        retire(m, lame_duck(m));
    }
    /* Our own renegotiation waits until the peer has acknowledged the whole
     * handshake (a key in use from its derived keys may not be there yet):
     * the peer accepts a soft reset only once its key is complete, and
     * after the reset the old key's messages are no longer sent. */
    if (ks->state == KS_ACTIVE && reliable_all_acked(&ks->rel) &&
        ((m->cfg.reneg_sec > 0 && now_ms - ks->active_ms >= 1000 * (int64_t) m->cfg.reneg_sec) ||
         (m->cfg.reneg_bytes > 0 && ks->n_bytes >= m->cfg.reneg_bytes) ||
         (m->cfg.reneg_pkts > 0 && ks->n_pkts >= m->cfg.reneg_pkts)))
    {
        tls_multi_renegotiate(m, now_ms);
    }
}

/* ---- outgoing ------------------------------------------------------------------ */

static bool
emit(struct tls_multi *m,
     const struct ctl_header *h,
     const uint8_t *payload,
     size_t len,
     struct buffer *out)
{
    struct buffer plain = buf_storage(m->scratch, sizeof(m->scratch), 0);

    if (!ctl_header_write(&plain, h) || !buf_write_bytes(&plain, payload, len))
    {
        return false;
    }
    if (m->wrap && !tls_wrap_wrap(m->wrap, &plain, out, m->start_wall))
    {
        return false;
    }
    if (!m->wrap && !buf_write_bytes(out, buf_ptr(&plain), buf_len(&plain)))
    {
        return false;
    }
    m->stats.out_packets++;
    return true;
}

static void
header_for(struct tls_multi *m,
           struct key_state *ks,
           uint8_t opcode,
           size_t max_acks,
           struct ctl_header *h)
{
    memset(h, 0, sizeof(*h));
    h->opcode = opcode;
    h->key_id = ks->key_id;
    h->local_sid = m->own_sid;
    if (session_id_defined(&m->peer_sid))
    {
        reliable_write_acks(&ks->rel, max_acks, h->acks, &h->n_acks);
        h->remote_sid = m->peer_sid;
    }
}

bool
tls_multi_outgoing(struct tls_multi *m, int64_t now_ms, struct buffer *out)
{
    struct ctl_header h;

    if (m->failed || (m->cfg.wrap != TLS_WRAP_NONE && m->wrap == NULL))
    {
        return false;
    }
    process_all(m, now_ms);
    /*
     * Only the primary key state talks.  A lame duck's control channel is
     * over: 2.6 neither sends nor accepts anything on it (it logs "key IDs
     * out of sync" for each such packet), so its unacknowledged messages
     * are not retransmitted and what it receives is not acknowledged.
     */
    struct key_state *ks = primary(m);
    struct reliable_out o;

    if (m->failed || ks->state == KS_UNDEF)
    {
        return false;
    }
    if (reliable_pop_due(&ks->rel, now_ms, &o))
    {
        header_for(m, ks, o.opcode, CTL_ACK_MAX_PIGGYBACK, &h);
        h.has_msg_id = true;
        h.msg_id = o.msg_id;
        m->stats.retransmits += o.retransmit;
        return emit(m, &h, o.data, o.len, out);
    }
    if (session_id_defined(&m->peer_sid) && reliable_ack_pending(&ks->rel))
    {
        header_for(m, ks, P_ACK_V1, CTL_ACK_MAX_ACK_V1, &h);
        return emit(m, &h, NULL, 0, out);
    }
    return false;
}

int64_t
tls_multi_next_due_ms(struct tls_multi *m, int64_t now_ms)
{
    int64_t due = 1000;

    if (m->failed)
    {
        return due;
    }
    /* the primary alone sends (tls_multi_outgoing) */
    const struct key_state *ks = primary(m);
    int64_t d;

    if (ks->state == KS_UNDEF)
    {
        return due;
    }
    if (reliable_ack_pending(&ks->rel) || ssl_session_pending_ciphertext(ks->ssl) > 0)
    {
        return 0;
    }
    d = reliable_next_due(&ks->rel, now_ms);
    if (d >= 0 && d < due)
    {
        due = d;
    }
    return due;
}

/* ---- incoming -------------------------------------------------------------------- */

/* Count a dropped packet; @p what (NULL: silent) is logged rate-limited. */
static enum tls_in_result
drop(struct tls_multi *m, enum tls_in_result why, int64_t now_ms, const char *what)
{
    m->stats.in_dropped[why]++;
    if (what && ratelimit_allow(&m->rl, (time_t) (now_ms / 1000)))
    {
        msg(D_TLS_ERRORS, "TLS Error: %s from %s", what, m->peer_name);
    }
    return why;
}

static bool
is_peer_hard_reset(const struct tls_multi *m, uint8_t opcode)
{
    return m->cfg.role == SSL_ROLE_SERVER ? ctl_opcode_is_hard_reset_client(opcode)
                                          : ctl_opcode_is_hard_reset_server(opcode);
}

/*
 * Unwrap @p wire into m->scratch.  A hard reset that fails only the replay
 * test may come from a peer that restarted (its replay ids start over): it
 * is verified without the replay test, and if it names a new session the
 * wrap context is rebuilt so that the new session has a fresh window.
 */
static enum tls_wrap_result
unwrap(struct tls_multi *m, const struct buffer *wire, struct buffer *plain, int64_t now_ms)
{
    uint8_t opcode = ctl_byte0_opcode(buf_ptr(wire)[0]);
    enum tls_wrap_result r;
    struct ctl_header h;
    struct buffer probe;

    if (m->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2S && m->wrap == NULL)
    {
        uint8_t meta[TLS_CRYPT_V2_MAX_METADATA_LEN];
        size_t meta_len = 0;

        /* §2.5: the reset carries the WKc; after the stateless start, the WKC_V1 */
        if (opcode != (m->after_cookie ? P_CONTROL_WKC_V1 : P_CONTROL_HARD_RESET_CLIENT_V3))
        {
            return TLS_WRAP_ERR_WKC;
        }
        m->wrap = tls_crypt_v2_server_ctx_new(
          m->cfg.v2_server, wire, m->cfg.replay_window, m->cfg.replay_time, meta, &meta_len, &r);
        secure_memzero(meta, sizeof(meta));
        if (m->wrap == NULL)
        {
            return r;
        }
        msg(D_HANDSHAKE, "Control Channel: using tls-crypt-v2 key");
        if (m->after_cookie)
        {
            tls_wrap_set_last_send_id(m->wrap, 1); /* the stateless reply used replay id 1 */
        }
    }
    if (m->wrap == NULL)
    {
        return buf_write_bytes(plain, buf_ptr(wire), buf_len(wire)) ? TLS_WRAP_OK
                                                                    : TLS_WRAP_ERR_SHORT;
    }
    r = tls_wrap_unwrap(m->wrap, wire, plain, 0, (time_t) (now_ms / 1000));
    if (r != TLS_WRAP_ERR_REPLAY || !is_peer_hard_reset(m, opcode))
    {
        return r;
    }
    r = tls_wrap_unwrap(m->wrap, wire, plain, TLS_UNWRAP_NO_REPLAY, (time_t) (now_ms / 1000));
    probe = *plain;
    if (r != TLS_WRAP_OK || !ctl_header_parse(&probe, &h) ||
        session_id_equal(&h.local_sid, &m->peer_sid))
    {
        buf_reset(plain, 0);
        return TLS_WRAP_ERR_REPLAY;
    }
    if (m->cfg.wrap != TLS_WRAP_KIND_CRYPT_V2S && !make_wrap(m))
    {
        return TLS_WRAP_ERR_CRYPTO;
    }
    return TLS_WRAP_OK; /* the restart is handled by the caller */
}

/* Decide which key state a parsed packet belongs to; may start a soft reset. */
static struct key_state *
route(struct tls_multi *m, const struct ctl_header *h, int64_t now_ms)
{
    struct key_state *p = primary(m);
    struct key_state *l = lame_duck(m);

    /*
     * The key_id decides, whatever the opcode: when both peers start a soft
     * reset for the same key_id at once, the peer's SOFT_RESET is its half of
     * the reset exchange of the key state we just started (§8.6, as 2.6).
     */
    if (p->state != KS_UNDEF && p->key_id == h->key_id)
    {
        return p;
    }
    if (l->state != KS_UNDEF && l->key_id == h->key_id)
    {
        return l;
    }
    if (h->opcode == P_CONTROL_SOFT_RESET_V1 && h->has_msg_id && h->msg_id == 0 &&
        p->state == KS_ACTIVE && h->key_id == next_key_id(p->key_id))
    {
        /* §8.6 step 2: the peer renegotiates; follow it */
        start_reneg(m, h->key_id, now_ms);
        return m->failed ? NULL : primary(m);
    }
    return NULL;
}

/* The session-level checks: who is this packet from (§2.1, §2.7)? */
static enum tls_in_result
check_session(struct tls_multi *m, const struct ctl_header *h, int64_t now_ms)
{
    char hex[SESSION_ID_HEX_LEN];

    if (ctl_opcode_is_hard_reset(h->opcode) && !is_peer_hard_reset(m, h->opcode))
    {
        return drop(m,
                    TLS_IN_DROPPED_UNEXPECTED,
                    now_ms,
                    "client->client or server->server connection attempted");
    }
    if (h->n_acks > 0 && !session_id_equal(&h->remote_sid, &m->own_sid))
    {
        return drop(m, TLS_IN_DROPPED_SESSION, now_ms, "BAD SESSION-ID");
    }
    if (session_id_defined(&m->peer_sid) && session_id_equal(&h->local_sid, &m->peer_sid))
    {
        return TLS_IN_CONSUMED;
    }
    if (!is_peer_hard_reset(m, h->opcode) || h->key_id != 0 || !session_id_defined(&h->local_sid) ||
        (session_id_defined(&m->peer_sid) && h->n_acks > 0))
    {
        return drop(m, TLS_IN_DROPPED_SESSION, now_ms, NULL);
    }
    if (session_id_defined(&m->peer_sid))
    {
        /* the peer restarted: start over with it (a new session, key_id 0) */
        msg(D_TLS_DEBUG_LOW,
            "TLS: new session from %s, restarting the control channel",
            m->peer_name);
        if (!start_session(m, now_ms))
        {
            multi_fail(m);
            return drop(m, TLS_IN_DROPPED_DEAD, now_ms, NULL);
        }
    }
    m->peer_sid = h->local_sid;
    session_id_print(&h->local_sid, hex);
    msg(D_TLS_DEBUG_LOW, "TLS: Initial packet from %s, sid=%.8s %.8s", m->peer_name, hex, hex + 8);
    return TLS_IN_CONSUMED;
}

/* Is this opcode right for this message id of this key state (§3.3)? */
static bool
opcode_fits(const struct tls_multi *m, const struct ctl_header *h)
{
    if (h->msg_id == 0)
    {
        return h->key_id == 0 ? is_peer_hard_reset(m, h->opcode)
                              : h->opcode == P_CONTROL_SOFT_RESET_V1;
    }
    return h->opcode == P_CONTROL_V1 || h->opcode == P_CONTROL_WKC_V1;
}

enum tls_in_result
tls_multi_incoming(struct tls_multi *m, const uint8_t *pkt, size_t len, int64_t now_ms)
{
    struct buffer wire = buf_view((uint8_t *) pkt, len);
    struct buffer plain = buf_storage(m->scratch, sizeof(m->scratch), 0);
    struct ctl_header h;
    struct early_neg en = { 0 };
    enum tls_wrap_result wr;
    enum tls_in_result res;
    struct key_state *ks;

    if (m->failed)
    {
        return drop(m, TLS_IN_DROPPED_DEAD, now_ms, NULL);
    }
    if (len < 1 + SID_SIZE || !ctl_opcode_is_control(ctl_byte0_opcode(pkt[0])))
    {
        return drop(m, TLS_IN_DROPPED_MALFORMED, now_ms, NULL);
    }
    wr = unwrap(m, &wire, &plain, now_ms);
    if (wr != TLS_WRAP_OK)
    {
        return drop(m, TLS_IN_DROPPED_UNWRAP, now_ms, tls_wrap_result_str(wr));
    }
    if (!ctl_header_parse(&plain, &h))
    {
        return drop(m, TLS_IN_DROPPED_MALFORMED, now_ms, NULL);
    }
    res = check_session(m, &h, now_ms);
    if (res != TLS_IN_CONSUMED)
    {
        return res;
    }
    ks = route(m, &h, now_ms);
    if (ks == NULL)
    {
        return drop(m, TLS_IN_DROPPED_KEY_ID, now_ms, "local/remote TLS keys are out of sync");
    }
    reliable_on_acks(&ks->rel, h.acks, h.n_acks, now_ms);
    if (h.opcode != P_ACK_V1)
    {
        enum reliable_rx rx;

        if (!opcode_fits(m, &h))
        {
            return drop(m, TLS_IN_DROPPED_UNEXPECTED, now_ms, NULL);
        }
        if (h.msg_id == 0 && ctl_opcode_is_hard_reset(h.opcode) && !early_neg_parse(&plain, &en))
        {
            return drop(m, TLS_IN_DROPPED_MALFORMED, now_ms, NULL);
        }
        rx = reliable_receive(&ks->rel, h.msg_id, buf_ptr(&plain), buf_len(&plain));
        if (rx != RELIABLE_RX_STORED && rx != RELIABLE_RX_DUPLICATE)
        {
            return drop(m, TLS_IN_DROPPED_WINDOW, now_ms, NULL);
        }
        if (rx == RELIABLE_RX_STORED && h.msg_id == 0)
        {
            /* §3.1: the peer (re)started its side: resend ours at once, with the ACK */
            reliable_schedule_burst(&ks->rel, now_ms);
            if ((en.flags & EARLY_NEG_FLAG_RESEND_WKC) && m->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2C)
            {
                ks->resend_wkc = true;
            }
        }
    }
    m->stats.in_consumed++;
    process_all(m, now_ms);
    return TLS_IN_CONSUMED;
}

/* ---- queries ---------------------------------------------------------------------- */

enum tls_status
tls_multi_status(const struct tls_multi *m)
{
    uint8_t id;

    if (m->failed)
    {
        return TLS_STATUS_ERROR;
    }
    return tls_multi_tx_key(m, &id) ? TLS_STATUS_ACTIVE : TLS_STATUS_CONNECTING;
}

bool
tls_multi_tx_key(const struct tls_multi *m, uint8_t *key_id)
{
    const struct key_state *p = &m->ks[m->pri];
    const struct key_state *l = &m->ks[m->pri ^ 1];

    if (p->state == KS_ACTIVE && p->keys_ready)
    {
        *key_id = p->key_id;
        return true;
    }
    if (l->state == KS_ACTIVE && l->keys_ready)
    {
        *key_id = l->key_id;
        return true;
    }
    return false;
}

bool
tls_multi_rx_key_ok(const struct tls_multi *m, uint8_t key_id)
{
    for (int i = 0; i < 2; i++)
    {
        const struct key_state *ks = &m->ks[i];

        if (ks->state != KS_UNDEF && ks->state != KS_ERROR && ks->keys_ready &&
            ks->key_id == key_id)
        {
            return true;
        }
    }
    return false;
}

void
tls_multi_count_data(struct tls_multi *m, uint8_t key_id, size_t bytes)
{
    for (int i = 0; i < 2; i++)
    {
        struct key_state *ks = &m->ks[i];

        if (ks->state != KS_UNDEF && ks->key_id == key_id)
        {
            ks->n_bytes += bytes;
            ks->n_pkts++;
            return;
        }
    }
}

bool
tls_multi_send_text(struct tls_multi *m, const char *text)
{
    return !m->failed && ks_write_text(primary(m), text);
}

const char *
tls_multi_peer_options(const struct tls_multi *m)
{
    const struct key_state *p = &m->ks[m->pri];

    return p->peer_km_read ? p->peer_km.options : m->ks[m->pri ^ 1].peer_km.options;
}

const char *
tls_multi_peer_info(const struct tls_multi *m)
{
    const struct key_state *p = &m->ks[m->pri];

    return p->peer_km_read ? p->peer_km.peer_info : m->ks[m->pri ^ 1].peer_km.peer_info;
}

const struct tls_multi_stats *
tls_multi_get_stats(const struct tls_multi *m)
{
    return &m->stats;
}
