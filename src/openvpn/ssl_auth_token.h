/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_auth_token.h -- --auth-gen-token session tokens (doc/protocol.md §8.5).
 *
 * A token is "SESS_ID_AT_" followed by the base64 of 60 bytes:
 *   session_id[12] || initial u64 || timestamp u64 || HMAC-SHA256[32]
 * with the timestamps big-endian Unix seconds and the HMAC, keyed by the
 * server's token key, over username || session_id || initial || timestamp.
 * Tokens are opaque to clients; only the issuing server (or one sharing
 * its --auth-gen-token-secret) checks them, but the format matches 2.6 so
 * a 2.6 server and ours can share a key file.
 *
 * No clock: now is a parameter.  Secrets (keys, HMAC outputs) are wiped
 * after use.  Logging: the 2.6 lines for a token that is malformed, fails
 * its HMAC, or is expired (rate-limiting is the caller's: one line per
 * authentication attempt, which the caller already limits).
 *
 * Tier 3c: libc, tiers 0-2 (crypto_backend.h); never tier 3o.
 */
#ifndef OVPN_SSL_AUTH_TOKEN_H
#define OVPN_SSL_AUTH_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_TOKEN_PREFIX         "SESS_ID_AT_"
#define AUTH_TOKEN_SESSION_ID_LEN 12
#define AUTH_TOKEN_DATA_LEN       60 /* 12 + 8 + 8 + 32 */
/** strlen of a token: prefix + 80 base64 characters. */
#define AUTH_TOKEN_LEN (11 + 80)
/** The PEM label of --genkey auth-token / --auth-gen-token-secret. */
#define AUTH_TOKEN_PEM_NAME "OpenVPN auth-token server key"

struct auth_token_key
{
    uint8_t key[32]; /**< HMAC-SHA256 key */
};

/** A random key for this process (no --auth-gen-token-secret).  False (logged) on RNG failure. */
bool auth_token_key_random(struct auth_token_key *k);

/**
 * Read an "OpenVPN auth-token server key" PEM (the whole file text, or an
 * inline block).  2.6 stores a 128-byte struct key (cipher[64] || hmac[64])
 * and keys the HMAC with the first 32 bytes of the hmac half, bytes 64..95;
 * so do we.  @return false (logged "ERROR: OpenVPN auth-token server key
 * pem decode failed" or "ERROR: not enough data in auth-token secret").
 */
bool auth_token_key_read_pem(const char *text, struct auth_token_key *k);

/**
 * Write a new random key as PEM text (for --genkey auth-token) into @p out
 * (>= 320 bytes).  False on RNG failure or a small buffer.
 */
bool auth_token_key_write_pem(char *out, size_t outlen);

/**
 * Generate a token for @p username into @p out (>= AUTH_TOKEN_LEN + 1 = 92
 * bytes; 100 is plenty), NUL-terminated.
 *
 * @param session_id  the 12-byte session id to keep (renewal), or NULL for
 *                    a new random one (first authentication).
 * @param initial     the first token's timestamp (renewal), or 0 for "now".
 * @param now         the timestamp of this token.
 * @return false on RNG/HMAC failure or a small @p out.
 */
bool auth_token_generate(const struct auth_token_key *k,
                         const char *username,
                         const uint8_t *session_id,
                         uint64_t initial,
                         uint64_t now,
                         char *out,
                         size_t outlen);

/** True if @p password looks like a token (has the SESS_ID_AT_ prefix). */
bool auth_token_is_token(const char *password);

enum auth_token_result
{
    AT_VALID,   /**< HMAC good, timestamps in range */
    AT_EXPIRED, /**< HMAC good, but out of the renewal window or past the lifetime */
    AT_BAD,     /**< malformed, wrong size, or HMAC mismatch (wrong user, tampered) */
};

/**
 * Check @p token for @p username.
 *
 * @param lifetime      --auth-gen-token lifetime in seconds; 0 = unlimited.
 *                      Expired when now > initial + lifetime.
 * @param renew_window  the renewal interval (--auth-gen-token's renewal
 *                      value, else --reneg-sec).  As 2.6, a token is fresh
 *                      while timestamp <= now < timestamp + 2*renew_window;
 *                      <= 0 disables this check.
 * @param session_id_out, initial_out  (may be NULL) the token's session id
 *                      and initial timestamp, set for AT_VALID and
 *                      AT_EXPIRED, so the caller can renew the same session.
 *
 * 2.6 also accepts a token made for the empty username (then treats the
 * user as ""); this function does not: the caller may retry with "".
 * Logs as 2.6: "ERROR: --auth-token wrong size (N!=60)", "--auth-gen-token:
 * HMAC on token from client failed (user)", "Timestamp (N) of auth-token is
 * out of the renewal window", "--auth-gen-token: auth-token from client
 * expired".
 */
enum auth_token_result auth_token_verify(const struct auth_token_key *k,
                                         const char *username,
                                         const char *token,
                                         uint64_t now,
                                         int lifetime,
                                         int renew_window,
                                         uint8_t session_id_out[12],
                                         uint64_t *initial_out);

/** What a client's password says as a token: 2.6's session_state values. */
enum auth_token_state
{
    AT_STATE_INITIAL,                  /**< "Initial": not a token */
    AT_STATE_AUTHENTICATED,            /**< "Authenticated": valid, not expired */
    AT_STATE_EXPIRED,                  /**< "Expired": authentic but expired */
    AT_STATE_INVALID,                  /**< "Invalid": bad HMAC or size */
    AT_STATE_AUTHENTICATED_EMPTY_USER, /**< valid for the empty username only */
    AT_STATE_EXPIRED_EMPTY_USER,       /**< expired, for the empty username only */
};

/**
 * 2.6's token check of a client's @p password (--auth-gen-token): not a
 * token is INITIAL; a token whose HMAC fits @p username, or else the empty
 * username (the *_EMPTY_USER states), is AUTHENTICATED or EXPIRED by the
 * rules of auth_token_verify(); anything else INVALID.  The session id and
 * initial time are set for every state but INITIAL and INVALID.  Logs as
 * auth_token_verify() (the HMAC line only when neither username fits).
 */
enum auth_token_state auth_token_check(const struct auth_token_key *k,
                                       const char *username,
                                       const char *password,
                                       uint64_t now,
                                       int lifetime,
                                       int renew_window,
                                       uint8_t session_id_out[12],
                                       uint64_t *initial_out);

/** "Authenticated", "Expired", ... as scripts see it in session_state. */
const char *auth_token_state_name(enum auth_token_state st);

/** Room for auth_token_session_id_text(): 16 characters and the NUL. */
#define AUTH_TOKEN_SESSION_ID_TEXT 17

/**
 * The session id as 2.6 gives it to scripts and the management interface
 * (session_id): the 16 base64 characters that start every token of the
 * session, after the prefix.
 */
void auth_token_session_id_text(const uint8_t session_id[12], char out[AUTH_TOKEN_SESSION_ID_TEXT]);

#endif /* OVPN_SSL_AUTH_TOKEN_H */
