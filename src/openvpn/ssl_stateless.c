/* SPDX-License-Identifier: GPL-2.0-only */
/* ssl_stateless.c -- see ssl_stateless.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_pkt.h"
#include "error.h"
#include "ssl_cookie.h"
#include "ssl_stateless.h"
#include "tls_crypt_v2.h"
#include "tls_wrap.h"

struct tls_stateless
{
    struct tls_config cfg;
    struct tls_wrap_ctx *wrap;   /* NULL: no --tls-auth / --tls-crypt */
    struct tls_wrap_ctx *v2wrap; /* tls-crypt-v2: keyed anew from each packet's WKc */
    struct ssl_cookie_ctx *cookie;
    uint8_t scratch[TLS_PACKET_MAX];
};

static bool
make_wrap(struct tls_stateless *s)
{
    const struct tls_config *cfg = &s->cfg;

    switch (cfg->wrap)
    {
        case TLS_WRAP_KIND_AUTH:
            s->wrap = tls_wrap_new_auth(cfg->wrap_key,
                                        cfg->key_direction,
                                        cfg->auth_digest,
                                        TLS_WRAP_DEFAULT_REPLAY_WINDOW,
                                        TLS_WRAP_DEFAULT_REPLAY_TIME);
            return s->wrap != NULL;

        case TLS_WRAP_KIND_CRYPT:
            s->wrap = tls_wrap_new_crypt(
              cfg->wrap_key, true, TLS_WRAP_DEFAULT_REPLAY_WINDOW, TLS_WRAP_DEFAULT_REPLAY_TIME);
            return s->wrap != NULL;

        case TLS_WRAP_KIND_CRYPT_V2S:
            s->v2wrap = cfg->v2_server ? tls_crypt_v2_server_ctx_blank() : NULL;
            return s->v2wrap != NULL;

        case TLS_WRAP_NONE:
        case TLS_WRAP_KIND_CRYPT_V2C:
            break;
    }
    return true;
}

struct tls_stateless *
tls_stateless_new(const struct tls_config *cfg)
{
    struct tls_stateless *s = calloc(1, sizeof(*s));
    struct ssl_cookie_key k;

    if (s == NULL)
    {
        return NULL;
    }
    s->cfg = *cfg;
    if (s->cfg.hand_window_s <= 0)
    {
        s->cfg.hand_window_s = TLS_HAND_WINDOW_DEFAULT;
    }
    if (!make_wrap(s) || !ssl_cookie_key_init(&k) || (s->cookie = ssl_cookie_ctx_new(&k)) == NULL)
    {
        secure_memzero(&k, sizeof(k));
        tls_stateless_free(s);
        return NULL;
    }
    secure_memzero(&k, sizeof(k));
    return s;
}

void
tls_stateless_free(struct tls_stateless *s)
{
    if (s == NULL)
    {
        return;
    }
    tls_wrap_free(s->wrap);
    tls_wrap_free(s->v2wrap);
    ssl_cookie_ctx_free(s->cookie);
    secure_memzero(s, sizeof(*s));
    free(s);
}

/*
 * The server reset answering @p h, with the cookie as our session id (§2.7
 * step 1); for a tls-crypt-v2 client it asks for the WKc again (§2.8).
 */
static bool
build_reply(struct tls_wrap_ctx *wrap,
            const struct ctl_header *h,
            const struct session_id *cookie,
            bool resend_wkc,
            time_t now_wall,
            struct buffer *out)
{
    uint8_t raw[64];
    struct buffer plain = buf_storage(raw, sizeof(raw), 0);
    struct early_neg en = { .has_flags = resend_wkc, .flags = EARLY_NEG_FLAG_RESEND_WKC };
    struct ctl_header r;

    memset(&r, 0, sizeof(r));
    r.opcode = P_CONTROL_HARD_RESET_SERVER_V2;
    r.key_id = 0;
    r.local_sid = *cookie;
    r.n_acks = 1;
    r.acks[0] = 0;
    r.remote_sid = h->local_sid;
    r.has_msg_id = true;
    r.msg_id = 0;
    if (!ctl_header_write(&plain, &r) || (resend_wkc && !early_neg_write(&plain, &en)))
    {
        return false;
    }
    if (wrap == NULL)
    {
        return buf_write_bytes(out, buf_ptr(&plain), buf_len(&plain));
    }
    /* every reply carries replay id 1, like the first packet of a session */
    tls_wrap_set_last_send_id(wrap, 0);
    return tls_wrap_wrap(wrap, &plain, out, now_wall);
}

/* The opcodes a packet from an unknown address may have, by wrapping (§2.7). */
static bool
opcode_allowed(const struct tls_stateless *s, uint8_t op)
{
    if (s->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2S)
    {
        /* nothing else carries the WKc, so nothing else can be verified */
        return op == P_CONTROL_HARD_RESET_CLIENT_V3 || op == P_CONTROL_WKC_V1;
    }
    return op == P_CONTROL_HARD_RESET_CLIENT_V2 || op == P_ACK_V1 || op == P_CONTROL_V1;
}

/*
 * Verify the wrapping of @p wire (no replay window here: it would be shared
 * by every client, §2.7 step 1) and parse its header.  For tls-crypt-v2 the
 * client key comes from the packet's own WKc (§2.5).
 */
static bool
unwrap_first(struct tls_stateless *s,
             const struct buffer *wire,
             struct tls_wrap_ctx **wrap,
             struct ctl_header *h,
             uint32_t *replay_id,
             enum tls_sl_result *why)
{
    struct buffer plain = buf_storage(s->scratch, sizeof(s->scratch), 0);
    uint32_t replay_time;

    *wrap = s->wrap;
    if (s->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2S)
    {
        uint8_t meta[TLS_CRYPT_V2_MAX_METADATA_LEN];
        size_t meta_len = 0;
        enum tls_wrap_result r =
          tls_crypt_v2_server_ctx_load(s->cfg.v2_server, s->v2wrap, wire, meta, &meta_len);

        secure_memzero(meta, sizeof(meta));
        if (r != TLS_WRAP_OK)
        {
            *why = TLS_SL_DROP_WKC;
            return false;
        }
        *wrap = s->v2wrap;
    }
    *why = TLS_SL_DROP;
    *replay_id = 0;
    if (*wrap != NULL && !tls_wrap_peek_replay_id(*wrap, wire, replay_id, &replay_time))
    {
        return false;
    }
    return tls_wrap_unwrap(*wrap, wire, &plain, TLS_UNWRAP_NO_REPLAY, 0) == TLS_WRAP_OK &&
           ctl_header_parse(&plain, h) && session_id_defined(&h->local_sid);
}

/*
 * §2.7 step 2: only message ids of the three-way handshake: what it ACKs
 * and (unless a bare ACK) the packet itself are message 0 or 1, as 2.6.14.
 */
static bool
handshake_ids(const struct ctl_header *h)
{
    for (uint8_t i = 0; i < h->n_acks; i++)
    {
        if (h->acks[i] > 1)
        {
            return false;
        }
    }
    return !h->has_msg_id || h->msg_id <= 1;
}

enum tls_sl_result
tls_stateless_process(struct tls_stateless *s,
                      const uint8_t *pkt,
                      size_t len,
                      const void *sockaddr,
                      size_t salen,
                      time_t now_wall,
                      struct buffer *out,
                      struct session_id *cookie,
                      struct session_id *client_sid)
{
    struct buffer wire = buf_view((uint8_t *) pkt, len);
    struct tls_wrap_ctx *wrap;
    struct ctl_header h;
    enum tls_sl_result r;
    uint32_t replay_id;
    uint8_t op;

    if (len < 1 + SID_SIZE || ctl_byte0_key_id(pkt[0]) != 0)
    {
        return TLS_SL_DROP;
    }
    op = ctl_byte0_opcode(pkt[0]);
    if (!opcode_allowed(s, op))
    {
        return TLS_SL_DROP;
    }
    if (!unwrap_first(s, &wire, &wrap, &h, &replay_id, &r))
    {
        return r;
    }
    if (op == P_CONTROL_HARD_RESET_CLIENT_V2 || op == P_CONTROL_HARD_RESET_CLIENT_V3)
    {
        bool v3 = op == P_CONTROL_HARD_RESET_CLIENT_V3;
        uint32_t slot = ssl_cookie_slot(now_wall, s->cfg.hand_window_s);

        if (h.n_acks != 0 || !h.has_msg_id || h.msg_id != 0)
        {
            return TLS_SL_DROP;
        }
        if (v3 && !tls_crypt_v2_is_early_neg_id(replay_id))
        {
            /* §2.5: a client that cannot resend its WKc */
            return s->cfg.v2_force_cookie ? TLS_SL_DROP_OLD_V2 : TLS_SL_STATEFUL;
        }
        if (!ssl_cookie_ctx_compute(s->cookie, slot, sockaddr, salen, &h.local_sid, cookie) ||
            !build_reply(wrap, &h, cookie, v3, now_wall, out))
        {
            return TLS_SL_DROP;
        }
        return TLS_SL_REPLY;
    }
    /* §2.7 step 2: an ACK of our reset, carrying the cookie as our session id */
    if (h.n_acks == 0 || !handshake_ids(&h) ||
        !ssl_cookie_ctx_check(
          s->cookie, now_wall, s->cfg.hand_window_s, sockaddr, salen, &h.local_sid, &h.remote_sid))
    {
        return TLS_SL_DROP_COOKIE;
    }
    *cookie = h.remote_sid;
    *client_sid = h.local_sid;
    return TLS_SL_ACCEPT;
}

/* ---- --connect-freq-initial ---------------------------------------------- */

void
tls_reply_limit_init(struct tls_reply_limit *l, int max, int per, uint64_t key)
{
    memset(l, 0, sizeof(*l));
    l->max = max < 0 ? 0 : max;
    l->per = per < 0 ? 0 : per;
    l->share = l->max / TLS_REPLY_SHARE_DIV > 0 ? l->max / TLS_REPLY_SHARE_DIV : 1;
    l->key = key;
}

/*
 * The address's count is the smaller of two buckets under two keyed hashes
 * (a count-min sketch): a real client is held back with a flooding
 * address only if both of its buckets collide with that address's.
 */
static uint32_t *
src_bucket(struct tls_reply_limit *l, int row, const uint8_t *ip, size_t iplen)
{
    uint64_t h = 0xcbf29ce484222325ull ^ l->period_key ^ (row ? 0x5bd1e9955bd1e995ull : 0);

    for (size_t i = 0; i < iplen; i++)
    {
        h = (h ^ ip[i]) * 0x100000001b3ull; /* FNV-1a, finished with a multiply-xorshift */
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 29;
    return &l->by_src[row][h % TLS_REPLY_BUCKETS];
}

static void
new_period(struct tls_reply_limit *l, time_t now)
{
    if (l->dropped > 0)
    {
        msg(D_TLS_DEBUG_LOW,
            "Dropped %lld initial handshake packets due to --connect-freq-initial %d %d",
            (long long) l->dropped, l->max, l->per);
    }
    l->started = true;
    l->period_start = now;
    l->count = 0;
    l->dropped = 0;
    l->warned = false;
    l->period_key = l->key ^ ((uint64_t) now * 0x9e3779b97f4a7c15ull);
    memset(l->by_src, 0, sizeof(l->by_src));
}

bool
tls_reply_limit_allow(struct tls_reply_limit *l, const uint8_t *ip, size_t iplen, time_t now)
{
    uint32_t *b0, *b1;

    /* a period lasts until `per` whole seconds have passed, as in 2.6 */
    if (!l->started || now > l->period_start + l->per)
    {
        new_period(l, now);
    }
    b0 = src_bucket(l, 0, ip, iplen);
    b1 = src_bucket(l, 1, ip, iplen);
    if (l->count < l->max && (*b0 < (uint32_t) l->share || *b1 < (uint32_t) l->share))
    {
        l->count++;
        (*b0)++;
        (*b1)++;
        return true;
    }
    l->dropped++;
    if (!l->warned)
    {
        msg(M_WARN,
            "Note: --connect-freq-initial %d %d rate limit exceeded, dropping initial "
            "handshake packets for the next %d seconds",
            l->max, l->per, (int) (l->period_start + l->per - now));
        l->warned = true;
    }
    return false;
}

void
tls_reply_limit_credit(struct tls_reply_limit *l, const uint8_t *ip, size_t iplen)
{
    for (int row = 0; row < 2; row++)
    {
        uint32_t *b = src_bucket(l, row, ip, iplen);

        if (*b > 0)
        {
            (*b)--;
        }
    }
    if (l->count > 0)
    {
        l->count--;
    }
}
