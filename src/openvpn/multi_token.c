/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi_token.c -- --auth-gen-token on the server (doc/protocol.md §8.5),
 * as OpenVPN 2.6.14 does it:
 *   - a client that sends a token as its password: the token's state
 *     (session_state: Initial, Authenticated, Expired, Invalid and the
 *     EmptyUser variants); without external-auth a valid token decides by
 *     itself and anything else is refused, with external-auth the normal
 *     checks (--auth-user-pass-verify, --management-client-auth) always run
 *     and see the state;
 *   - the session_id / session_state environment of scripts and the
 *     management interface;
 *   - the token in the PUSH_REPLY, a renewed one after each renegotiation
 *     and, when the renewal time is shorter than --reneg-sec, every renewal
 *     time; a session keeps its session id and first timestamp.
 * Tier 6 (multi.h).  Tokens are wiped from the stack after use.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "multi.h"
#include "otime.h"
#include "strutil.h"

static bool
hmac_ok(enum auth_token_state st)
{
    return st != AT_STATE_INITIAL && st != AT_STATE_INVALID;
}

static bool
expired(enum auth_token_state st)
{
    return st == AT_STATE_EXPIRED || st == AT_STATE_EXPIRED_EMPTY_USER;
}

static bool
empty_user(enum auth_token_state st)
{
    return st == AT_STATE_AUTHENTICATED_EMPTY_USER || st == AT_STATE_EXPIRED_EMPTY_USER;
}

/* A new session for this client: the id and first time its tokens will carry. */
static void
new_session(struct multi_instance *mi)
{
    if (!crypto_rand_bytes(mi->at_session, sizeof(mi->at_session)))
    {
        return; /* the token itself will then fail to generate, and say so */
    }
    mi->at_initial = (uint64_t) otime_wall();
    mi->at_have = true;
}

enum multi_token_verdict
multi_token_auth(struct multi_context *m,
                 struct multi_instance *mi,
                 const char **user,
                 const char *pass)
{
    const struct options *o = m->o;
    uint8_t sid[AUTH_TOKEN_SESSION_ID_LEN];
    uint64_t initial = 0;
    enum auth_token_state st;

    if (!o->auth_gen_token)
    {
        return MT_CHECK;
    }
    st = auth_token_check(&m->at_key,
                          *user,
                          pass,
                          (uint64_t) otime_wall(),
                          o->auth_gen_token_lifetime,
                          o->auth_gen_token_renewal,
                          sid,
                          &initial);
    if (hmac_ok(st) && mi->at_have && memcmp(sid, mi->at_session, sizeof(sid)) != 0)
    {
        msg(
          M_WARN, "%s --auth-gen-token: session id in token changed (Rejecting token.", mi->prefix);
        st = AT_STATE_INVALID;
    }
    mi->at_state = st;
    if (hmac_ok(st) && !mi->at_have)
    {
        /* a reconnect with a token: the session goes on (also when expired) */
        memcpy(mi->at_session, sid, sizeof(sid));
        mi->at_initial = initial;
        mi->at_have = true;
    }
    else if (!mi->at_have)
    {
        new_session(mi);
    }
    secure_memzero(sid, sizeof(sid));
    mi->at_empty_user = empty_user(st);
    if (mi->at_empty_user)
    {
        *user = ""; /* the token holds only for the empty username: trust no other */
        mi->username[0] = '\0';
    }
    if (st == AT_STATE_INITIAL || o->auth_gen_token_external)
    {
        return MT_CHECK;
    }
    if (st == AT_STATE_AUTHENTICATED)
    {
        msg(M_WARN,
            "%s TLS: Username/auth-token authentication succeeded for username '%s'",
            mi->prefix,
            *user);
        return MT_ACCEPTED;
    }
    msg(M_WARN,
        "%s TLS: Username/auth-token authentication failed for username '%s'",
        mi->prefix,
        *user);
    mi->at_have = false; /* 2.6 forgets the session of a refused token */
    return MT_REFUSED;
}

const char *
multi_token_auth_failed(const struct multi_instance *mi)
{
    return expired(mi->at_state) ? "AUTH_FAILED,SESSION: token expired" : "AUTH_FAILED";
}

void
multi_token_env(const struct multi_context *m, const struct multi_instance *mi, struct env_set *es)
{
    char sid[AUTH_TOKEN_SESSION_ID_TEXT];

    if (!m->o->auth_gen_token || !mi->at_have)
    {
        return;
    }
    env_set_add(es, "session_state", auth_token_state_name(mi->at_state));
    auth_token_session_id_text(mi->at_session, sid);
    env_set_add(es, "session_id", sid);
}

bool
multi_token_item(struct multi_context *m, struct multi_instance *mi, char *out, size_t n)
{
    char tok[AUTH_TOKEN_LEN + 8];
    uint64_t now = (uint64_t) otime_wall();

    if (!mi->at_have)
    {
        new_session(mi);
    }
    if (!mi->at_have || !auth_token_generate(&m->at_key,
                                             mi->at_empty_user ? "" : mi->username,
                                             mi->at_session,
                                             mi->at_initial,
                                             now,
                                             tok,
                                             sizeof(tok)))
    {
        return false;
    }
    snprintf(out, n, "auth-token %s", tok);
    secure_memzero(tok, sizeof(tok));
    return true;
}

void
multi_token_refresh(struct multi_context *m, struct multi_instance *mi)
{
    char item[192], text[256];

    mi->at_refresh = false;
    if (mi->state != MI_CONNECTED || !multi_token_item(m, mi, item, sizeof(item)))
    {
        return;
    }
    /* 2.6 sends the renewed token as a PUSH_REPLY of its own */
    snprintf(text, sizeof(text), "PUSH_REPLY,%s", item);
    multi_send_text(m, mi, text);
    secure_memzero(text, sizeof(text));
    secure_memzero(item, sizeof(item));
}

void
multi_token_timer(struct multi_context *m, struct multi_instance *mi, time_t now)
{
    const struct options *o = m->o;
    uint8_t key_id;

    /* only a renewal time shorter than --reneg-sec needs pushes of its own */
    if (!o->auth_gen_token || o->auth_gen_token_renewal <= 0 ||
        o->auth_gen_token_renewal >= o->reneg_sec)
    {
        return;
    }
    if (mi->at_next_renew == 0)
    {
        mi->at_next_renew = now + o->auth_gen_token_renewal;
        return;
    }
    if (now < mi->at_next_renew)
    {
        return;
    }
    mi->at_next_renew = now + o->auth_gen_token_renewal;
    /* as 2.6: not while the client is being (re)authenticated */
    if (mi->state == MI_CONNECTED && !mi->mgmt_pending && mi->at_have &&
        tls_multi_tx_key(mi->tls, &key_id))
    {
        multi_token_refresh(m, mi);
    }
}
