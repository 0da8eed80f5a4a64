/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls_wrap.h -- wrap and unwrap control-channel packets with --tls-auth
 * (HMAC firewall, doc/protocol.md §2.3) or --tls-crypt (encrypt + authenticate,
 * §2.4; also used with the per-client key of tls-crypt-v2, §2.5, and the
 * dynamic tls-crypt key of renegotiations, §2.6).
 *
 * A struct tls_wrap_ctx holds one key pair (send and receive), the send
 * counter of the long packet id and the control-channel replay window.  It
 * is created once per control session (or once per process for a shared
 * key) and reused for every packet; wrap and unwrap never allocate.  Freeing
 * it wipes every secret it holds.
 *
 * Both directions turn one buffer into another:
 *
 *   plain control packet   byte0 | own_sid[8] | ack block | [msg id] | payload
 *   wire packet            byte0 | own_sid[8] | <wrapping> ...          (§2.3, §2.4)
 *
 * The plain form is what ctl_pkt parses and builds.  A NULL context means
 * "no wrapping" (§2.2): the packet is copied unchanged.
 *
 * Errors: unwrap failures are the peer's doing.  This module logs nothing
 * for them; it counts them in the context's stats and returns the reason,
 * and the caller (who knows the peer's address) logs rate-limited, e.g.
 * "TLS Error: tls-crypt unwrapping failed from %s".  Configuration mistakes
 * (unknown digest, one-key file with a direction) are logged here once and
 * make the constructor return NULL.
 *
 * Tier 2: includes crypto_backend.h, static_key.h, packet_id.h and tiers
 * 0-1.  Must not include OpenSSL, ssl*.h or anything from tiers 3 and up;
 * reads no clock (times are parameters).
 */
#ifndef OVPN_TLS_WRAP_H
#define OVPN_TLS_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"
#include "static_key.h"

/* §2.4: the fixed tls-crypt layout */
#define TLS_CRYPT_TAG_LEN    32 /* HMAC-SHA256 */
#define TLS_CRYPT_IV_LEN     16 /* TAG[0:16] is the whole CTR counter block */
#define TLS_CRYPT_KEY_LEN    32 /* AES-256 key = keys[i].cipher[0:32] */
#define TLS_CRYPT_HEADER_LEN (1 + SID_SIZE + PACKET_ID_LONG_LEN)        /* 17: byte0 sid pid time */
#define TLS_CRYPT_MIN_LEN    (TLS_CRYPT_HEADER_LEN + TLS_CRYPT_TAG_LEN) /* 49 */
#define TLS_CRYPT_OVERHEAD   (PACKET_ID_LONG_LEN + TLS_CRYPT_TAG_LEN)   /* 40 */

/* §2.5: the largest wrapped client key a packet or client key file may carry */
#define TLS_CRYPT_V2_MAX_WKC_LEN 1024

/* §2.3: tls-auth */
#define TLS_AUTH_DEFAULT_DIGEST "SHA1"

/* §6.6 defaults of --replay-window n t, also used for the control channel */
#define TLS_WRAP_DEFAULT_REPLAY_WINDOW 64
#define TLS_WRAP_DEFAULT_REPLAY_TIME   15

enum tls_wrap_mode
{
    TLS_WRAP_AUTH = 1, /* --tls-auth */
    TLS_WRAP_CRYPT,    /* --tls-crypt, tls-crypt-v2 client key, dynamic tls-crypt */
};

/** Why an unwrap failed (more than two outcomes: E4). */
enum tls_wrap_result
{
    TLS_WRAP_OK = 0,
    TLS_WRAP_ERR_SHORT,   /**< shorter than the wrapping needs: drop */
    TLS_WRAP_ERR_AUTH,    /**< HMAC or tag mismatch (bad key, wrong direction, forged): drop */
    TLS_WRAP_ERR_REPLAY,  /**< authentic but replayed or outside the window: drop */
    TLS_WRAP_ERR_NO_ROOM, /**< @p out too small: a sizing bug of the caller */
    TLS_WRAP_ERR_WKC,     /**< tls-crypt-v2: wrapped client key missing, bad or not ours */
    TLS_WRAP_ERR_CRYPTO,  /**< the crypto backend failed */
};

/** Counters a caller may log (--verb) or expose; reset only by re-creating the context. */
struct tls_wrap_stats
{
    uint64_t wrapped;
    uint64_t unwrapped;
    uint64_t dropped_short;
    uint64_t dropped_auth;
    uint64_t dropped_replay;
};

/* Flags for tls_wrap_unwrap() */
#define TLS_UNWRAP_NO_REPLAY \
    1u /**< verify only: no replay test, nothing recorded (§2.7 stateless reset) */

struct tls_wrap_ctx; /* opaque */

/**
 * A tls-auth context (§2.3) for key file @p key, key direction
 * @p direction (-1 none, 0, 1; §5.4) and HMAC digest @p digest (the --auth
 * name, NULL = SHA1; "none" is refused).  @p replay_window / @p replay_time
 * are --replay-window n t.  NULL (logged) on bad parameters.
 */
struct tls_wrap_ctx *tls_wrap_new_auth(const struct key2 *key,
                                       int direction,
                                       const char *digest,
                                       int replay_window,
                                       int replay_time);

/**
 * A tls-crypt context (§2.4): the server encrypts with keys[0] and decrypts
 * with keys[1], the client the reverse.  @p key must hold two keys.  NULL
 * (logged) on bad parameters.
 */
struct tls_wrap_ctx *tls_wrap_new_crypt(const struct key2 *key,
                                        bool server,
                                        int replay_window,
                                        int replay_time);

/** Wipe and free; NULL is fine. */
void tls_wrap_free(struct tls_wrap_ctx *ctx);

/**
 * Give the tls-crypt context @p ctx the key @p key (two keys; @p server as
 * for tls_wrap_new_crypt()) without allocating, and restart its send
 * counter (the next wrap sends replay id 1 with a new time).  The receive
 * window is left as it is: meant for a context that only verifies
 * (TLS_UNWRAP_NO_REPLAY), such as the tls-crypt-v2 first-packet check
 * (§2.7).  False if @p ctx is not tls-crypt or the backend fails.
 */
bool tls_wrap_rekey_crypt(struct tls_wrap_ctx *ctx, const struct key2 *key, bool server);

enum tls_wrap_mode tls_wrap_get_mode(const struct tls_wrap_ctx *ctx);

/** Bytes the wrapping adds to a plain control packet (WKc not included); 0 for NULL. */
size_t tls_wrap_overhead(const struct tls_wrap_ctx *ctx);

/** The key the context was made from (for dynamic tls-crypt, §2.6: K xor original). */
const struct key2 *tls_wrap_original_key(const struct tls_wrap_ctx *ctx);

/**
 * Wrap the plain control packet @p plain (at least byte0 and own sid) by
 * appending the wire packet to @p out.  Every call, including one for a
 * retransmission, consumes a new replay id (§2.3); the replay time is
 * @p now_wall at the first call.  With a tls-crypt-v2 client context the
 * wrapped client key is appended for P_CONTROL_HARD_RESET_CLIENT_V3 and
 * P_CONTROL_WKC_V1.  False, with @p out unchanged, if @p plain is too short,
 * @p out lacks tailroom (logged: a caller bug) or the id space is exhausted
 * (logged; the session must be restarted).
 */
bool tls_wrap_wrap(struct tls_wrap_ctx *ctx,
                   const struct buffer *plain,
                   struct buffer *out,
                   time_t now_wall);

/**
 * Verify (and for tls-crypt decrypt) the wire packet @p wire and append the
 * plain control packet to @p out.  Order: length, then authentication
 * (constant-time), then the replay window (unless TLS_UNWRAP_NO_REPLAY),
 * and only an authentic new packet is recorded, at @p now_mono.  A
 * tls-crypt-v2 server context ignores a trailing wrapped client key on
 * P_CONTROL_HARD_RESET_CLIENT_V3 / P_CONTROL_WKC_V1.  On failure @p out is
 * unchanged (any decrypted bytes are wiped) and nothing is logged.
 */
enum tls_wrap_result tls_wrap_unwrap(struct tls_wrap_ctx *ctx,
                                     const struct buffer *wire,
                                     struct buffer *out,
                                     unsigned int flags,
                                     time_t now_mono);

/** Short reason text ("packet authentication failed", ...) for the caller's log line. */
const char *tls_wrap_result_str(enum tls_wrap_result r);

/**
 * Set the last replay id sent, so the next wrap sends @p last_id + 1:
 * 0x0f000000 for the tls-crypt-v2 early-negotiation marker (§2.5), 1 for
 * an instance taking over after a stateless server reset (§2.7 step 3).
 */
void tls_wrap_set_last_send_id(struct tls_wrap_ctx *ctx, uint32_t last_id);

/**
 * tls-crypt-v2 client: append this wrapped client key to V3 resets and
 * WKC_V1 packets (§2.5).  @p len <= TLS_CRYPT_V2_MAX_WKC_LEN; false otherwise.
 */
bool tls_wrap_set_wkc(struct tls_wrap_ctx *ctx, const uint8_t *wkc, size_t len);

/** tls-crypt-v2 server: strip the trailing WKc of V3 / WKC_V1 packets before unwrapping. */
void tls_wrap_set_v2_server(struct tls_wrap_ctx *ctx);

const struct tls_wrap_stats *tls_wrap_get_stats(const struct tls_wrap_ctx *ctx);

/**
 * The replay id / time of wire packet @p wire wrapped as @p ctx wraps (no
 * verification), e.g. to see the tls-crypt-v2 early-negotiation marker;
 * false if too short.
 */
bool tls_wrap_peek_replay_id(const struct tls_wrap_ctx *ctx,
                             const struct buffer *wire,
                             uint32_t *id,
                             uint32_t *time);

#endif /* OVPN_TLS_WRAP_H */
