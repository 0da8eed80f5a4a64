/* SPDX-License-Identifier: GPL-2.0-only */
/* ssl_stateless.c -- see ssl_stateless.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_pkt.h"
#include "error.h"
#include "ssl_cookie.h"
#include "ssl_stateless.h"
#include "tls_wrap.h"

struct tls_stateless
{
    struct tls_config cfg;
    struct tls_wrap_ctx *wrap; /* NULL: no --tls-auth / --tls-crypt */
    struct ssl_cookie_ctx *cookie;
    uint8_t scratch[TLS_PACKET_MAX];
};

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
    if (cfg->wrap == TLS_WRAP_KIND_AUTH)
    {
        s->wrap = tls_wrap_new_auth(cfg->wrap_key, cfg->key_direction, cfg->auth_digest,
                                    TLS_WRAP_DEFAULT_REPLAY_WINDOW, TLS_WRAP_DEFAULT_REPLAY_TIME);
    }
    else if (cfg->wrap == TLS_WRAP_KIND_CRYPT)
    {
        s->wrap = tls_wrap_new_crypt(cfg->wrap_key, true, TLS_WRAP_DEFAULT_REPLAY_WINDOW,
                                     TLS_WRAP_DEFAULT_REPLAY_TIME);
    }
    if ((cfg->wrap == TLS_WRAP_KIND_AUTH || cfg->wrap == TLS_WRAP_KIND_CRYPT) && s->wrap == NULL)
    {
        free(s);
        return NULL;
    }
    if (!ssl_cookie_key_init(&k) || (s->cookie = ssl_cookie_ctx_new(&k)) == NULL)
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
    ssl_cookie_ctx_free(s->cookie);
    secure_memzero(s, sizeof(*s));
    free(s);
}

/* The server reset answering @p h, with the cookie as our session id (§2.7 step 1). */
static bool
build_reply(struct tls_stateless *s, const struct ctl_header *h, const struct session_id *cookie,
            time_t now_wall, struct buffer *out)
{
    uint8_t raw[64];
    struct buffer plain = buf_storage(raw, sizeof(raw), 0);
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
    if (!ctl_header_write(&plain, &r))
    {
        return false;
    }
    if (s->wrap == NULL)
    {
        return buf_write_bytes(out, buf_ptr(&plain), buf_len(&plain));
    }
    /* every reply carries replay id 1, like the first packet of a session */
    tls_wrap_set_last_send_id(s->wrap, 0);
    return tls_wrap_wrap(s->wrap, &plain, out, now_wall);
}

enum tls_sl_result
tls_stateless_process(struct tls_stateless *s, const uint8_t *pkt, size_t len,
                      const void *sockaddr, size_t salen, time_t now_wall, struct buffer *out,
                      struct session_id *cookie, struct session_id *client_sid)
{
    struct buffer wire = buf_view((uint8_t *) pkt, len);
    struct buffer plain = buf_storage(s->scratch, sizeof(s->scratch), 0);
    struct ctl_header h;
    uint8_t op;

    if (len < 1 + SID_SIZE || ctl_byte0_key_id(pkt[0]) != 0)
    {
        return TLS_SL_DROP;
    }
    op = ctl_byte0_opcode(pkt[0]);
    if (s->cfg.wrap == TLS_WRAP_KIND_CRYPT_V2S)
    {
        return op == P_CONTROL_HARD_RESET_CLIENT_V3 ? TLS_SL_STATEFUL : TLS_SL_DROP;
    }
    if (op != P_CONTROL_HARD_RESET_CLIENT_V2 && op != P_ACK_V1 && op != P_CONTROL_V1)
    {
        return TLS_SL_DROP;
    }
    /* no replay window here: it would be shared by every client (§2.7 step 1) */
    if (s->wrap != NULL)
    {
        if (tls_wrap_unwrap(s->wrap, &wire, &plain, TLS_UNWRAP_NO_REPLAY, 0) != TLS_WRAP_OK)
        {
            return TLS_SL_DROP;
        }
    }
    else if (!buf_write_bytes(&plain, pkt, len))
    {
        return TLS_SL_DROP;
    }
    if (!ctl_header_parse(&plain, &h) || !session_id_defined(&h.local_sid))
    {
        return TLS_SL_DROP;
    }
    if (op == P_CONTROL_HARD_RESET_CLIENT_V2)
    {
        uint32_t slot = ssl_cookie_slot(now_wall, s->cfg.hand_window_s);

        if (h.n_acks != 0 || !h.has_msg_id || h.msg_id != 0 ||
            !ssl_cookie_ctx_compute(s->cookie, slot, sockaddr, salen, &h.local_sid, cookie) ||
            !build_reply(s, &h, cookie, now_wall, out))
        {
            return TLS_SL_DROP;
        }
        return TLS_SL_REPLY;
    }
    /* §2.7 step 2: an ACK of our reset, carrying the cookie as our session id */
    if (h.n_acks == 0 ||
        !ssl_cookie_ctx_check(s->cookie, now_wall, s->cfg.hand_window_s, sockaddr, salen,
                              &h.local_sid, &h.remote_sid))
    {
        return TLS_SL_DROP;
    }
    *cookie = h.remote_sid;
    *client_sid = h.local_sid;
    return TLS_SL_ACCEPT;
}
