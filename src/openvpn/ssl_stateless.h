/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_stateless.h -- the 2.6 stateless start of a UDP server session
 * (doc/protocol.md §2.7): a client's hard reset is answered at once with a server
 * reset whose session id is an HMAC cookie over the client's address, its
 * session id and the time; the server keeps nothing.  Only a packet from
 * the same address that ACKs that reset with a valid cookie makes the
 * caller create the client (tls_multi_new_after_cookie()).  Spoofed resets
 * therefore cost one HMAC and one reply, and leave no state.
 *
 * tls-crypt-v2 (§2.5): the client key comes from the WKc the client sends
 * with its reset, so the WKc is unwrapped and the packet verified with it
 * here, before anything exists.  A client that shows the early-negotiation
 * marker is answered like any other, with RESEND_WKC in the reply, and is
 * admitted when its P_CONTROL_WKC_V1 (WKc again, plus the cookie) comes
 * back.  An older client cannot resend its WKc: TLS_SL_STATEFUL tells the
 * caller to create it at once (its WKc and packet were verified), or with
 * @c v2_force_cookie it is turned away (TLS_SL_DROP_OLD_V2).
 *
 * Tier 3c: buffers in, buffers out; no sockets, no clock reads.
 */
#ifndef OVPN_SSL_STATELESS_H
#define OVPN_SSL_STATELESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"
#include "session_id.h"
#include "ssl.h"

enum tls_sl_result
{
    TLS_SL_DROP,        /**< not a valid reset or cookie ACK: ignore (count it) */
    TLS_SL_DROP_WKC,    /**< tls-crypt-v2: no WKc, or one that does not unwrap */
    TLS_SL_DROP_COOKIE, /**< authentic, but the cookie or the message ids are wrong */
    TLS_SL_DROP_OLD_V2, /**< tls-crypt-v2 reset without the marker under force-cookie */
    TLS_SL_REPLY,       /**< a valid client reset: send @p out back, keep nothing */
    TLS_SL_ACCEPT,      /**< the cookie checks out: create the client, feed it the packet */
    TLS_SL_STATEFUL,    /**< verified tls-crypt-v2 reset of an older client: create it now */
};

struct tls_stateless; /* opaque */

/** For a server whose clients use @p cfg (copied; strings borrowed).  NULL (logged) on error. */
struct tls_stateless *tls_stateless_new(const struct tls_config *cfg);
void tls_stateless_free(struct tls_stateless *s);

/**
 * One datagram @p pkt from @p sockaddr (raw, @p salen bytes) that belongs
 * to no client.  On TLS_SL_REPLY the wrapped server reset is appended to
 * @p out (tailroom >= TLS_PACKET_MAX); on TLS_SL_ACCEPT *@p cookie and
 * *@p client_sid are what tls_multi_new_after_cookie() needs.
 */
enum tls_sl_result tls_stateless_process(struct tls_stateless *s, const uint8_t *pkt,
                                         size_t len, const void *sockaddr, size_t salen,
                                         time_t now_wall, struct buffer *out,
                                         struct session_id *cookie,
                                         struct session_id *client_sid);

/*
 * --connect-freq-initial n sec: at most @c max server resets (cookie
 * replies, and tls-crypt-v2 resets of older clients that are admitted at
 * once) per @c per seconds, so that the server cannot be used to reflect
 * traffic at a spoofed address.  A client that completes the three-way
 * handshake gives its reply back (tls_reply_limit_credit()), as 2.6 does:
 * only unanswered resets use up the allowance.  With @c max 0 no reset is
 * answered.  Logs 2.6's two lines: one note when a period first runs
 * over, the number dropped when it ends.
 *
 * Unlike 2.6, one source address (its IP, any port) gets at most a quarter
 * of the allowance per period (TLS_REPLY_SHARE_DIV): a flood from one
 * address then leaves the rest of the period's replies to everyone else,
 * so a real client elsewhere still gets in, and a spoofed victim receives
 * at most that share.  Addresses are counted in two rows of
 * TLS_REPLY_BUCKETS buckets under a random key that changes every period
 * (no per-address state; an address is held back only if both its buckets
 * are full).
 */
#define TLS_REPLY_BUCKETS   256
#define TLS_REPLY_SHARE_DIV 4

struct tls_reply_limit
{
    int max, per;
    int share; /* per source address and period */
    bool started;
    bool warned;
    time_t period_start;
    int64_t count;   /* resets answered in this period, less the credits */
    int64_t dropped; /* resets refused in this period */
    uint64_t key, period_key;
    uint32_t by_src[2][TLS_REPLY_BUCKETS]; /* two rows: see src_bucket() */
};

/** @p key: random, keys the address buckets. */
void tls_reply_limit_init(struct tls_reply_limit *l, int max, int per, uint64_t key);
/**
 * May a reset from source IP @p ip (@p iplen bytes: 4 or 16) that arrived
 * at @p now (monotonic seconds) be answered?
 */
bool tls_reply_limit_allow(struct tls_reply_limit *l, const uint8_t *ip, size_t iplen,
                           time_t now);
/** A client from @p ip completed the handshake: its reset no longer counts. */
void tls_reply_limit_credit(struct tls_reply_limit *l, const uint8_t *ip, size_t iplen);

#endif /* OVPN_SSL_STATELESS_H */
