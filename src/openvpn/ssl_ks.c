/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_ks.c -- one key state: reset exchange, TLS over the reliability
 * layer, key-method-2 messages, P2P NCP and the data key (doc/protocol.md §3-§5,
 * §7.5).  See ssl_ks.h; ssl.c owns the packets and the timers.
 *
 * Tier 3c: includes ssl_backend.h, ssl_keys.h, ssl_ncp.h, key_msg.h,
 * reliable.h and tiers 0-2; never options.h or OS headers; reads no clock.
 */
#include "config.h"

#include "ssl_ks.h"

#include <stdio.h>
#include <string.h>

#include "crypto_backend.h"
#include "errlevel.h"
#include "ssl_keys.h"
#include "ssl_ncp.h"

static const char *const ks_state_names[] = {
    [KS_UNDEF] = "UNDEF",   [KS_INITIAL] = "INITIAL",   [KS_PRE_START] = "PRE_START",
    [KS_START] = "START",   [KS_SENT_KEY] = "SENT_KEY", [KS_GOT_KEY] = "GOT_KEY",
    [KS_ACTIVE] = "ACTIVE", [KS_ERROR] = "ERROR",
};
_Static_assert(ARRAY_SIZE(ks_state_names) == KS_N_STATES, "a state has no name");

#define FROM(s) (1u << (s))

/*
 * For each role and target state, the states it may be entered from (§4.4):
 *   client: START -> SENT_KEY -> GOT_KEY -> ACTIVE
 *   server: START -> GOT_KEY -> SENT_KEY -> ACTIVE
 */
static const unsigned int ks_entered_from[2][KS_N_STATES] = {
    [0] = {
        /* client */
        [KS_INITIAL] = FROM(KS_UNDEF),
        [KS_PRE_START] = FROM(KS_INITIAL),
        [KS_START] = FROM(KS_PRE_START),
        [KS_SENT_KEY] = FROM(KS_START),
        [KS_GOT_KEY] = FROM(KS_SENT_KEY),
        [KS_ACTIVE] = FROM(KS_GOT_KEY),
        [KS_ERROR] = ~FROM(KS_ERROR),
    },
    [1] = {
        /* server */
        [KS_INITIAL] = FROM(KS_UNDEF),
        [KS_PRE_START] = FROM(KS_INITIAL),
        [KS_START] = FROM(KS_PRE_START),
        [KS_GOT_KEY] = FROM(KS_START),
        [KS_SENT_KEY] = FROM(KS_GOT_KEY),
        [KS_ACTIVE] = FROM(KS_SENT_KEY),
        [KS_ERROR] = ~FROM(KS_ERROR),
    },
};

const char *
ks_state_name(enum ks_state s)
{
    return (unsigned int) s < KS_N_STATES ? ks_state_names[s] : "?";
}

/*
 * The only place that writes ks->state.  An illegal transition is a bug in
 * this file: peer input is checked by the handlers before they get here.
 */
static void
ks_set_state(struct key_state *ks, enum ks_state to, int64_t now_ms, const char *why)
{
    ASSERT((unsigned int) to < KS_N_STATES);
    ASSERT(ks_entered_from[ks->tls_server ? 1 : 0][to] & FROM(ks->state));

    msg(D_CRYPTO_DEBUG,
        "key %d: %s -> %s (%s)",
        ks->key_id,
        ks_state_name(ks->state),
        ks_state_name(to),
        why);
    ks->state = to;
    if (to == KS_ACTIVE)
    {
        ks->active_ms = now_ms;
    }
}

void
ks_fail(struct key_state *ks, int64_t now_ms, const char *why)
{
    if (ks->state != KS_ERROR && ks->state != KS_UNDEF)
    {
        ks_set_state(ks, KS_ERROR, now_ms, why);
    }
}

bool
ks_negotiating(const struct key_state *ks)
{
    switch (ks->state)
    {
        case KS_INITIAL:
        case KS_PRE_START:
        case KS_START:
        case KS_SENT_KEY:
        case KS_GOT_KEY:
            return true;

        default:
            return false;
    }
}

bool
ks_init(struct key_state *ks,
        const struct ks_env *env,
        uint8_t key_id,
        uint8_t reset_opcode,
        int64_t now_ms)
{
    const struct tls_config *cfg = env->cfg;
    uint32_t msg_id;

    ASSERT(ks->state == KS_UNDEF);
    memset(ks, 0, sizeof(*ks));
    ks->key_id = key_id;
    ks->tls_server = cfg->role == SSL_ROLE_SERVER;
    ks->start_ms = now_ms;
    ks->must_negotiate_ms = now_ms + 1000 * (int64_t) cfg->hand_window_s;
    reliable_init(&ks->rel, cfg->tls_timeout_s);
    ks->ssl = ssl_session_new(cfg->ssl_ctx, cfg->verify_arg);
    if (ks->ssl == NULL)
    {
        return false;
    }
    ks_set_state(ks, KS_INITIAL, now_ms, "new key state");
    /* message 0 is the reset, with an empty payload (§2.7, §8.6) */
    ASSERT(reliable_queue(&ks->rel, reset_opcode, NULL, 0, &msg_id) && msg_id == 0);
    ks_set_state(ks, KS_PRE_START, now_ms, "reset queued");
    return true;
}

bool
ks_init_after_cookie(struct key_state *ks, const struct ks_env *env, int64_t now_ms)
{
    const struct tls_config *cfg = env->cfg;

    ASSERT(ks->state == KS_UNDEF);
    memset(ks, 0, sizeof(*ks));
    ks->key_id = 0;
    ks->tls_server = true;
    ks->start_ms = now_ms;
    ks->must_negotiate_ms = now_ms + 1000 * (int64_t) cfg->hand_window_s;
    reliable_init(&ks->rel, cfg->tls_timeout_s);
    /* §2.7 step 3: both resets (message 0) are behind us */
    reliable_set_next_ids(&ks->rel, 1, 1);
    ks->ssl = ssl_session_new(cfg->ssl_ctx, cfg->verify_arg);
    if (ks->ssl == NULL)
    {
        return false;
    }
    ks_set_state(ks, KS_INITIAL, now_ms, "new key state (cookie)");
    ks_set_state(ks, KS_PRE_START, now_ms, "reset sent statelessly");
    ks_set_state(ks, KS_START, now_ms, "cookie verified");
    return true;
}

void
ks_free(struct key_state *ks)
{
    ssl_session_free(ks->ssl);
    key_msg_wipe(&ks->own_km);
    key_msg_wipe(&ks->peer_km);
    secure_memzero(ks, sizeof(*ks));
    ks->state = KS_UNDEF;
}

/* ---- key-method 2 ---------------------------------------------------------- */

static bool
write_own_key(struct key_state *ks, const struct ks_env *env)
{
    const struct tls_config *cfg = env->cfg;
    struct key_msg *km = &ks->own_km;
    uint8_t tmp[KM_OPTIONS_MAX + KM_PEER_INFO_MAX + 256];
    struct buffer b = buf_storage(tmp, sizeof(tmp), 0);
    bool ok = false;

    km->from_client = !ks->tls_server;
    if ((km->from_client && !crypto_rand_bytes(km->pre_master, sizeof(km->pre_master))) ||
        !crypto_rand_bytes(km->random1, sizeof(km->random1)) ||
        !crypto_rand_bytes(km->random2, sizeof(km->random2)))
    {
        goto out;
    }
    snprintf(km->options, sizeof(km->options), "%s", cfg->local_options ? cfg->local_options : "");
    snprintf(km->peer_info, sizeof(km->peer_info), "%s", cfg->peer_info ? cfg->peer_info : "");
    if (km->from_client && cfg->auth_username)
    {
        snprintf(km->username, sizeof(km->username), "%s", cfg->auth_username);
        snprintf(km->password, sizeof(km->password), "%s",
                 cfg->auth_password ? cfg->auth_password : "");
    }
    if (!key_msg_write(&b, km))
    {
        msg(D_TLS_ERRORS, "TLS Error: cannot build the key-method 2 message");
        goto out;
    }
    ok = ssl_session_write(ks->ssl, buf_ptr(&b), buf_len(&b)) == SSL_IO_OK;
    if (!ok)
    {
        msg(D_TLS_ERRORS, "TLS Error: key-method 2 write failed: %s", ssl_session_error(ks->ssl));
    }

out:
    secure_memzero(tmp, sizeof(tmp));
    return ok;
}

/* Log "[CN] Peer Connection Initiated with ADDR" the way 2.6 does. */
static void
log_peer_initiated(struct key_state *ks, const struct ks_env *env)
{
    const struct ssl_cert *c = ssl_session_peer_cert(ks->ssl);
    char cn[256];

    if (c == NULL || !ssl_cert_subject_field(c, "CN", cn, sizeof(cn)))
    {
        cn[0] = '\0';
    }
    msg(M_INFO,
        "%s%s%sPeer Connection Initiated with %s",
        cn[0] ? "[" : "",
        cn,
        cn[0] ? "] " : "",
        env->peer_name);
}

/*
 * §5, §7.5: negotiate (p2p), derive key2 by EKM or PRF, fill ks->data_key.
 * key2 lives in ks->data_key until ssl.c hands it out and wipes it.
 */
static bool
derive_data_key(struct key_state *ks, const struct ks_env *env)
{
    const struct tls_config *cfg = env->cfg;
    struct tls_data_key *dk = &ks->data_key;
    struct ncp_p2p_result r;
    struct cipher_info ci;
    bool ok;

    memset(&r, 0, sizeof(r));
    if (cfg->p2p)
    {
        ok = ncp_p2p_negotiate(ks->tls_server,
                               cfg->data_ciphers ? cfg->data_ciphers : "",
                               cfg->cipher_fallback,
                               env->own_iv_proto,
                               ks->peer_km.peer_info,
                               &r);
    }
    else
    {
        /* pull/server modes: what the push said / the server chose */
        ok = env->params != NULL;
        if (ok)
        {
            snprintf(r.cipher, sizeof(r.cipher), "%s", env->params->cipher);
            r.ekm = env->params->ekm;
            r.data_v2 = env->params->data_v2;
        }
    }
    if (!ok || !crypto_cipher_info(r.cipher, &ci))
    {
        msg(D_TLS_ERRORS,
            "TLS Error: no usable data channel cipher (peer offers %s)",
            ks->peer_km.peer_info[0] ? "other ciphers" : "no cipher list");
        return false;
    }
    memset(dk, 0, sizeof(*dk));
    dk->key_id = ks->key_id;
    dk->tls_server = ks->tls_server;
    dk->ekm = r.ekm;
    dk->data_v2 = r.data_v2;
    dk->peer_id = PEER_ID_UNDEF;
    snprintf(dk->cipher, sizeof(dk->cipher), "%s", ci.name);
    snprintf(dk->auth, sizeof(dk->auth), "%s", cfg->auth ? cfg->auth : "SHA1");

    if (r.ekm)
    {
        ok = ssl_keys_derive_ekm(ks->ssl, &dk->key2);
    }
    else
    {
        const struct key_msg *c = ks->tls_server ? &ks->peer_km : &ks->own_km;
        const struct key_msg *s = ks->tls_server ? &ks->own_km : &ks->peer_km;
        const struct session_id *csid = ks->tls_server ? env->peer_sid : env->own_sid;
        const struct session_id *ssid = ks->tls_server ? env->own_sid : env->peer_sid;

        ok = ssl_keys_derive_prf(c, s, csid->id, ssid->id, &dk->key2);
    }
    if (ok && r.data_v2 && !cfg->p2p)
    {
        dk->peer_id = env->params->peer_id;
    }
    else if (ok && r.data_v2)
    {
        dk->peer_id = NCP_P2P_PEER_ID_NO_EKM;
        ok = !r.ekm || ssl_keys_p2p_peer_id(ks->ssl, &dk->peer_id);
    }
    if (ok && !ssl_keys_check(&dk->key2, ci.key_len))
    {
        msg(D_TLS_ERRORS, "TLS Error: Bad dynamic key generated");
        ok = false;
    }
    if (!ok)
    {
        secure_memzero(dk, sizeof(*dk));
        return false;
    }
    if (cfg->p2p && r.negotiated && ks->key_id == 0)
    {
        char line[256];

        ncp_p2p_format_result(&r, dk->peer_id, line, sizeof(line));
        msg(D_TLS_DEBUG_LOW, "%s", line);
    }
    return true;
}

/* Hand complete NUL-terminated text messages in ks->plain to @p on_text (§4.2). */
static void
split_texts(struct key_state *ks, void (*on_text)(void *, const char *), void *arg)
{
    size_t start = 0;

    for (size_t i = 0; i < ks->plain_len; i++)
    {
        if (ks->plain[i] == '\0')
        {
            char *t = (char *) ks->plain + start;
            size_t n = i - start;

            while (n > 0 && (t[n - 1] == '\r' || t[n - 1] == '\n'))
            {
                t[--n] = '\0';
            }
            if (n > 0 && n < TLS_TEXT_MAX)
            {
                on_text(arg, t);
            }
            start = i + 1;
        }
    }
    if (start > 0)
    {
        memmove(ks->plain, ks->plain + start, ks->plain_len - start);
        ks->plain_len -= start;
    }
    else if (ks->plain_len == sizeof(ks->plain))
    {
        ks->plain_len = 0; /* an unterminated monster: drop it */
    }
}

/* Read plaintext; parse the peer's key message first, then texts. */
static bool
read_plaintext(struct key_state *ks,
               const struct ks_env *env,
               int64_t now_ms,
               void (*on_text)(void *, const char *),
               void *arg)
{
    for (;;)
    {
        size_t n = 0;
        enum ssl_io r = ssl_session_read(
          ks->ssl, ks->plain + ks->plain_len, sizeof(ks->plain) - ks->plain_len, &n);

        if (r == SSL_IO_WANT || (r == SSL_IO_OK && n == 0))
        {
            return true;
        }
        if (r != SSL_IO_OK)
        {
            msg(D_TLS_ERRORS,
                "TLS Error: TLS object -> incoming plaintext read error%s%s",
                r == SSL_IO_CLOSED ? " (closed)" : ": ",
                ssl_session_error(ks->ssl));
            return false;
        }
        ks->plain_len += n;
        if (!ks->peer_km_read)
        {
            struct buffer b = buf_view(ks->plain, ks->plain_len);
            enum key_msg_status st = key_msg_parse(&b, ks->tls_server, &ks->peer_km);

            if (st == KEY_MSG_TRUNCATED)
            {
                continue; /* 2.6 sends it in one record; wait for the rest anyway */
            }
            if (st != KEY_MSG_OK)
            {
                msg(D_TLS_ERRORS,
                    "TLS Error: key-method 2 message from %s: %s",
                    env->peer_name,
                    key_msg_status_str(st));
                return false;
            }
            memmove(ks->plain, buf_ptr(&b), buf_len(&b));
            ks->plain_len = buf_len(&b);
            ks->peer_km_read = true;
            ks_set_state(ks, KS_GOT_KEY, now_ms, "peer key received");
        }
        split_texts(ks, on_text, arg);
    }
}

/* TLS ciphertext into reliable messages, as far as the send window allows (§3.5). */
static void
flush_ciphertext(struct key_state *ks, const struct ks_env *env)
{
    uint8_t chunk[RELIABLE_MSG_MAX];
    uint32_t id;

    while (reliable_can_send(&ks->rel))
    {
        size_t n = 0;
        size_t max = env->payload_max < sizeof(chunk) ? env->payload_max : sizeof(chunk);
        uint8_t op = ks->resend_wkc ? P_CONTROL_WKC_V1 : P_CONTROL_V1;

        if (ks->resend_wkc)
        {
            /* §2.5: message 1 is a WKC_V1, with as much TLS as fits beside the WKc */
            max = max > env->wkc_len ? max - env->wkc_len : 0;
        }
        if (ssl_session_pending_ciphertext(ks->ssl) > 0 && max > 0 &&
            ssl_session_get_ciphertext(ks->ssl, chunk, max, &n) != SSL_IO_OK)
        {
            n = 0;
        }
        if (n == 0 && !ks->resend_wkc)
        {
            break;
        }
        /* an empty WKC_V1 still resends the WKc reliably and carries the ACK */
        ASSERT(reliable_queue(&ks->rel, op, chunk, n, &id));
        ks->resend_wkc = false;
    }
}

/* Run the TLS handshake and the key messages; false on failure (logged). */
static bool
advance_tls(struct key_state *ks,
            const struct ks_env *env,
            int64_t now_ms,
            bool *key_new,
            void (*on_text)(void *, const char *),
            void *arg)
{
    if (!ssl_session_established(ks->ssl))
    {
        enum ssl_io r = ssl_session_handshake(ks->ssl);

        ks->handshake_started = true;
        if (r == SSL_IO_ERROR)
        {
            msg(D_TLS_ERRORS,
                "TLS_ERROR: BIO read tls_read_plaintext error: %s",
                ssl_session_error(ks->ssl));
            msg(D_TLS_ERRORS, "TLS Error: TLS object -> incoming plaintext read error");
            return false;
        }
        if (r != SSL_IO_OK)
        {
            return true;
        }
    }
    if (!ks->tls_server && !ks->own_km_sent)
    {
        if (!write_own_key(ks, env))
        {
            return false;
        }
        ks->own_km_sent = true;
        ks_set_state(ks, KS_SENT_KEY, now_ms, "key message sent");
    }
    bool had_peer_km = ks->peer_km_read;

    if (!read_plaintext(ks, env, now_ms, on_text, arg))
    {
        return false;
    }
    if (ks->tls_server && ks->peer_km_read && !ks->own_km_sent)
    {
        if (!env->cfg->p2p)
        {
            /* server mode: keys after the client is authorized (ks_derive_pending) */
            if (!write_own_key(ks, env))
            {
                return false;
            }
            ks->keys_pending = true;
        }
        else
        {
            /* §7.5: the p2p TLS server negotiates while writing its key message */
            if (!derive_data_key(ks, env) || !write_own_key(ks, env))
            {
                return false;
            }
            ks->keys_ready = true;
            *key_new = true;
        }
        ks->own_km_sent = true;
        ks_set_state(ks, KS_SENT_KEY, now_ms, "key message sent");
    }
    else if (!ks->tls_server && ks->peer_km_read && !had_peer_km)
    {
        if (!env->cfg->p2p)
        {
            ks->keys_pending = true; /* pull: keys from the PUSH_REPLY */
            return true;
        }
        if (!derive_data_key(ks, env))
        {
            return false;
        }
        ks->keys_ready = true;
        *key_new = true;
    }
    return true;
}

/* The key state is in use: log what 2.6 logs when its key is established. */
static void
become_active(struct key_state *ks, const struct ks_env *env, int64_t now_ms, const char *why)
{
    ks_set_state(ks, KS_ACTIVE, now_ms, why);
    if (!ks->logged_tls)
    {
        char desc[512];

        ssl_session_describe(ks->ssl, desc, sizeof(desc));
        msg(D_HANDSHAKE, "Control Channel: %s", desc);
        ks->logged_tls = true;
        if (ks->key_id == 0)
        {
            log_peer_initiated(ks, env);
        }
    }
}

/*
 * Keys derived after the key exchange (a server once the client is
 * authorized, a pull client from the PUSH_REPLY) put the key state in use
 * at once, whether or not the peer has acknowledged all we sent.  2.6
 * waits for those ACKs before it generates its keys; we do not, because
 * on a lossy link they can take several retransmissions, and meanwhile
 * the peer, which has everything it needs, may start its next
 * renegotiation and from then on ignores the old key's control packets,
 * ACK retransmissions included: a key state that is not in use cannot
 * follow it, and the peers would be stuck on different key ids until the
 * old key expired.  At worst the peer drops our first data packets as
 * "not initialized (yet)".
 */
bool
ks_derive_pending(struct key_state *ks, const struct ks_env *env, int64_t now_ms)
{
    enum ks_state last = ks->tls_server ? KS_SENT_KEY : KS_GOT_KEY;

    ASSERT(ks->keys_pending && env->params);
    ks->keys_pending = false;
    if (!derive_data_key(ks, env))
    {
        return false;
    }
    ks->keys_ready = true;
    if (ks->state == last)
    {
        become_active(ks, env, now_ms, "data keys derived");
    }
    return true;
}

bool
ks_process(struct key_state *ks,
           const struct ks_env *env,
           int64_t now_ms,
           bool *key_new,
           void (*on_text)(void *arg, const char *text),
           void *arg)
{
    struct reliable_in in;

    *key_new = false;
    if (ks->state == KS_UNDEF || ks->state == KS_ERROR)
    {
        return ks->state != KS_ERROR;
    }
    if (ks->state == KS_PRE_START && reliable_all_acked(&ks->rel))
    {
        ks_set_state(ks, KS_START, now_ms, "reset acknowledged");
    }
    while (reliable_take_in_order(&ks->rel, &in))
    {
        /* message 0 is the reset: its TLVs were checked on arrival */
        if (in.msg_id > 0 && in.len > 0 && !ssl_session_put_ciphertext(ks->ssl, in.data, in.len))
        {
            ks_fail(ks, now_ms, "TLS refused ciphertext");
            return false;
        }
    }
    if (ks->state != KS_PRE_START && ks->state != KS_ACTIVE)
    {
        if (!advance_tls(ks, env, now_ms, key_new, on_text, arg))
        {
            ks_fail(ks, now_ms, "TLS or key exchange failed");
            return false;
        }
    }
    else if (ks->state == KS_ACTIVE && !read_plaintext(ks, env, now_ms, on_text, arg))
    {
        ks_fail(ks, now_ms, "TLS read failed");
        return false;
    }
    flush_ciphertext(ks, env);

    enum ks_state last = ks->tls_server ? KS_SENT_KEY : KS_GOT_KEY;

    if (ks->state == last && reliable_all_acked(&ks->rel) &&
        ssl_session_pending_ciphertext(ks->ssl) == 0)
    {
        become_active(ks, env, now_ms, "key exchange complete");
    }
    return true;
}

bool
ks_write_text(struct key_state *ks, const char *text)
{
    size_t n = strlen(text) + 1; /* the NUL terminates the message (§4.2) */

    if (!ks->own_km_sent || ks->state == KS_ERROR || n > TLS_TEXT_MAX)
    {
        return false;
    }
    return ssl_session_write(ks->ssl, (const uint8_t *) text, n) == SSL_IO_OK;
}
