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
 * tls-crypt-v2 servers keep state for new clients (their key comes from
 * the client's packet): TLS_SL_STATEFUL says so.
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
    TLS_SL_DROP,     /**< not a valid reset or cookie ACK: ignore (count it) */
    TLS_SL_REPLY,    /**< a valid client reset: send @p out back, keep nothing */
    TLS_SL_ACCEPT,   /**< the cookie checks out: create the client, feed it the packet */
    TLS_SL_STATEFUL, /**< tls-crypt-v2 reset: create the client the stateful way */
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

#endif /* OVPN_SSL_STATELESS_H */
