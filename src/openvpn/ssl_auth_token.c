/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_auth_token.c -- --auth-gen-token tokens (doc/protocol.md §8.5).
 * Tier 3c: tiers 0-2 only.
 */
#include "ssl_auth_token.h"
#include "strutil.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"

#define PREFIX_LEN  (sizeof(AUTH_TOKEN_PREFIX) - 1)
#define HMAC_LEN    32
#define SIGNED_LEN  (AUTH_TOKEN_DATA_LEN - HMAC_LEN) /* sid || initial || timestamp */
#define PEM_KEY_LEN 128                              /* 2.6's struct key: cipher[64] || hmac[64] */

/* --- keys ------------------------------------------------------------------ */

bool
auth_token_key_random(struct auth_token_key *k)
{
    if (!crypto_rand_bytes(k->key, sizeof(k->key)))
    {
        msg(M_WARN, "ERROR: could not generate random key");
        return false;
    }
    msg(M_INFO, "Using random %s.", AUTH_TOKEN_PEM_NAME);
    return true;
}

/* The base64 body between the BEGIN and END lines, whitespace removed. */
static bool
pem_body(const char *text, char *body, size_t cap, size_t *len)
{
    static const char begin[] = "-----BEGIN " AUTH_TOKEN_PEM_NAME "-----";
    static const char end[] = "-----END " AUTH_TOKEN_PEM_NAME "-----";
    const char *p = strstr(text, begin);
    const char *e = p ? strstr(p, end) : NULL;
    size_t n = 0;

    if (!p || !e)
    {
        return false;
    }
    for (p += sizeof(begin) - 1; p < e; p++)
    {
        if (isspace((unsigned char) *p))
        {
            continue;
        }
        if (n + 1 >= cap)
        {
            return false;
        }
        body[n++] = *p;
    }
    body[n] = '\0';
    *len = n;
    return true;
}

bool
auth_token_key_read_pem(const char *text, struct auth_token_key *k)
{
    char body[1024];
    uint8_t raw[768];
    size_t blen = 0, rlen = 0;
    bool ok = false;

    if (!pem_body(text, body, sizeof(body), &blen) || blen >= sizeof(body) ||
        (body[blen] = '\0', !base64_decode(body, raw, sizeof(raw), &rlen)))
    {
        msg(M_WARN, "ERROR: %s pem decode failed", AUTH_TOKEN_PEM_NAME);
        goto out;
    }
    if (rlen < PEM_KEY_LEN)
    {
        msg(M_WARN, "ERROR: not enough data in auth-token secret");
        goto out;
    }
    /* 2.6 keys HMAC-SHA256 with the hmac half of its struct key. */
    memcpy(k->key, raw + 64, sizeof(k->key));
    ok = true;

out:
    secure_memzero(body, sizeof(body));
    secure_memzero(raw, sizeof(raw));
    return ok;
}

bool
auth_token_key_write_pem(char *out, size_t outlen)
{
    uint8_t raw[PEM_KEY_LEN];
    char b64[4 * PEM_KEY_LEN / 3 + 4];
    size_t o, n;
    bool ok = false;

    if (!crypto_rand_bytes(raw, sizeof(raw)))
    {
        msg(M_WARN, "ERROR: could not generate random key");
        goto out;
    }
    base64_encode(raw, sizeof(raw), b64);
    o = (size_t) snprintf(out, outlen, "-----BEGIN %s-----\n", AUTH_TOKEN_PEM_NAME);
    n = strlen(b64);
    for (size_t i = 0; i < n && o < outlen; i += 64) /* 64 columns, as PEM writers do */
    {
        o += (size_t) snprintf(out + o, outlen - o, "%.64s\n", b64 + i);
    }
    if (o < outlen)
    {
        o += (size_t) snprintf(out + o, outlen - o, "-----END %s-----\n", AUTH_TOKEN_PEM_NAME);
    }
    ok = o < outlen;

out:
    secure_memzero(raw, sizeof(raw));
    secure_memzero(b64, sizeof(b64));
    return ok;
}

/* --- tokens ---------------------------------------------------------------- */

static void
put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--)
    {
        p[i] = (uint8_t) v;
        v >>= 8;
    }
}

static uint64_t
get_u64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
    {
        v = v << 8 | p[i];
    }
    return v;
}

/* HMAC-SHA256(key, username || signed part of @p data) into @p mac. */
static bool
token_mac(const struct auth_token_key *k,
          const char *username,
          const uint8_t *data,
          uint8_t mac[HMAC_LEN])
{
    struct crypto_hmac *h = crypto_hmac_new("SHA256", k->key, sizeof(k->key));
    bool ok = h && crypto_hmac_size(h) == HMAC_LEN && crypto_hmac_start(h) &&
              crypto_hmac_update(h, (const uint8_t *) username, strlen(username)) &&
              crypto_hmac_update(h, data, SIGNED_LEN) && crypto_hmac_finish(h, mac);

    crypto_hmac_free(h);
    return ok;
}

bool
auth_token_generate(const struct auth_token_key *k,
                    const char *username,
                    const uint8_t *session_id,
                    uint64_t initial,
                    uint64_t now,
                    char *out,
                    size_t outlen)
{
    uint8_t data[AUTH_TOKEN_DATA_LEN];
    bool ok = false;

    if (outlen < AUTH_TOKEN_LEN + 1)
    {
        return false;
    }
    if (session_id)
    {
        memcpy(data, session_id, AUTH_TOKEN_SESSION_ID_LEN);
    }
    else if (!crypto_rand_bytes(data, AUTH_TOKEN_SESSION_ID_LEN))
    {
        msg(M_WARN, "Failed to get enough randomness for authentication token");
        goto out;
    }
    put_u64(data + AUTH_TOKEN_SESSION_ID_LEN, initial ? initial : now);
    put_u64(data + AUTH_TOKEN_SESSION_ID_LEN + 8, now);
    if (!token_mac(k, username, data, data + SIGNED_LEN))
    {
        goto out;
    }
    memcpy(out, AUTH_TOKEN_PREFIX, PREFIX_LEN);
    base64_encode(data, sizeof(data), out + PREFIX_LEN);
    ok = true;

out:
    secure_memzero(data, sizeof(data));
    return ok;
}

bool
auth_token_is_token(const char *password)
{
    return password && strncmp(password, AUTH_TOKEN_PREFIX, PREFIX_LEN) == 0;
}

/*
 * Decode and authenticate; AT_BAD (logged) or AT_VALID with @p data filled.
 * With @p empty_user, a token made for the empty username counts too, and
 * *@p empty_user says so (2.6's workaround for OpenVPN 3 clients).
 */
static enum auth_token_result
token_open(const struct auth_token_key *k,
           const char *username,
           const char *token,
           uint8_t data[AUTH_TOKEN_DATA_LEN],
           bool *empty_user)
{
    uint8_t buf[AUTH_TOKEN_DATA_LEN + 3];
    uint8_t mac[HMAC_LEN];
    size_t n = 0;
    enum auth_token_result r = AT_BAD;

    if (!auth_token_is_token(token))
    {
        return AT_BAD;
    }
    token += PREFIX_LEN;
    if (!base64_decode(token, buf, sizeof(buf), &n) || n != AUTH_TOKEN_DATA_LEN)
    {
        msg(
          M_WARN, "ERROR: --auth-token wrong size (%d!=%d)", n ? (int) n : -1, AUTH_TOKEN_DATA_LEN);
        goto out;
    }
    memcpy(data, buf, AUTH_TOKEN_DATA_LEN);
    if (token_mac(k, username, data, mac) && !memcmp_consttime(mac, data + SIGNED_LEN, HMAC_LEN))
    {
        r = AT_VALID;
    }
    else if (empty_user && token_mac(k, "", data, mac) &&
             !memcmp_consttime(mac, data + SIGNED_LEN, HMAC_LEN))
    {
        *empty_user = true;
        r = AT_VALID;
    }
    else
    {
        msg(M_WARN, "--auth-gen-token: HMAC on token from client failed (%s)", username);
    }

out:
    secure_memzero(buf, sizeof(buf));
    secure_memzero(mac, sizeof(mac));
    return r;
}

/* The time checks of an authentic token: AT_VALID or AT_EXPIRED (logged as 2.6). */
static enum auth_token_result
token_times(const uint8_t data[AUTH_TOKEN_DATA_LEN], uint64_t now, int lifetime, int renew_window)
{
    uint64_t initial = get_u64(data + AUTH_TOKEN_SESSION_ID_LEN);
    uint64_t stamp = get_u64(data + AUTH_TOKEN_SESSION_ID_LEN + 8);
    bool expired = false;

    /* 2.6: fresh for two renewal intervals after the token was issued. */
    if (renew_window > 0 && !(now >= stamp && now < stamp + 2 * (uint64_t) renew_window))
    {
        msg(M_WARN, "Timestamp (%" PRIu64 ") of auth-token is out of the renewal window", stamp);
        expired = true;
    }
    if (stamp < initial)
    {
        msg(M_WARN,
            "Initial timestamp (%" PRIu64 ") in token from client earlier than current "
            "timestamp %" PRIu64 ". Broken/unsynchronised clock?",
            initial,
            stamp);
        expired = true;
    }
    if (lifetime > 0 && now > initial + (uint64_t) lifetime)
    {
        expired = true;
    }
    if (expired)
    {
        msg(M_INFO, "--auth-gen-token: auth-token from client expired");
    }
    return expired ? AT_EXPIRED : AT_VALID;
}

static void
token_session(const uint8_t data[AUTH_TOKEN_DATA_LEN],
              uint8_t session_id_out[12],
              uint64_t *initial_out)
{
    if (session_id_out)
    {
        memcpy(session_id_out, data, AUTH_TOKEN_SESSION_ID_LEN);
    }
    if (initial_out)
    {
        *initial_out = get_u64(data + AUTH_TOKEN_SESSION_ID_LEN);
    }
}

enum auth_token_result
auth_token_verify(const struct auth_token_key *k,
                  const char *username,
                  const char *token,
                  uint64_t now,
                  int lifetime,
                  int renew_window,
                  uint8_t session_id_out[12],
                  uint64_t *initial_out)
{
    uint8_t data[AUTH_TOKEN_DATA_LEN];
    enum auth_token_result r = token_open(k, username, token, data, NULL);

    if (r == AT_VALID)
    {
        r = token_times(data, now, lifetime, renew_window);
        token_session(data, session_id_out, initial_out);
    }
    secure_memzero(data, sizeof(data));
    return r;
}

enum auth_token_state
auth_token_check(const struct auth_token_key *k,
                 const char *username,
                 const char *password,
                 uint64_t now,
                 int lifetime,
                 int renew_window,
                 uint8_t session_id_out[12],
                 uint64_t *initial_out)
{
    uint8_t data[AUTH_TOKEN_DATA_LEN];
    bool empty = false;
    enum auth_token_state st = AT_STATE_INVALID;

    if (!auth_token_is_token(password))
    {
        return AT_STATE_INITIAL;
    }
    if (token_open(k, username, password, data, &empty) == AT_VALID)
    {
        bool expired = token_times(data, now, lifetime, renew_window) == AT_EXPIRED;

        st = empty ? (expired ? AT_STATE_EXPIRED_EMPTY_USER : AT_STATE_AUTHENTICATED_EMPTY_USER)
                   : (expired ? AT_STATE_EXPIRED : AT_STATE_AUTHENTICATED);
        token_session(data, session_id_out, initial_out);
    }
    secure_memzero(data, sizeof(data));
    return st;
}

const char *
auth_token_state_name(enum auth_token_state st)
{
    switch (st)
    {
        case AT_STATE_INITIAL:
            return "Initial";
        case AT_STATE_AUTHENTICATED:
            return "Authenticated";
        case AT_STATE_EXPIRED:
            return "Expired";
        case AT_STATE_INVALID:
            return "Invalid";
        case AT_STATE_AUTHENTICATED_EMPTY_USER:
            return "AuthenticatedEmptyUser";
        case AT_STATE_EXPIRED_EMPTY_USER:
            return "ExpiredEmptyUser";
    }
    return "Invalid";
}

void
auth_token_session_id_text(const uint8_t session_id[12], char out[AUTH_TOKEN_SESSION_ID_TEXT])
{
    /* 12 bytes are exactly 16 base64 characters: the start of the token's body */
    base64_encode(session_id, AUTH_TOKEN_SESSION_ID_LEN, out);
}
