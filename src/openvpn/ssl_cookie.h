/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_cookie.h -- the 2.6 stateless server's session-id cookie
 * (doc/protocol.md §2.7): the server answers a client's HARD_RESET with a
 * session id that is a MAC of the client's address, port, session id and a
 * coarse time slot, and creates per-client state only when a later packet
 * echoes a valid cookie.  A spoofed reset therefore costs the server one
 * HMAC and nothing else.
 *
 * Cookie = first 8 bytes of HMAC-SHA256(key, T || sockaddr || client sid),
 * where T is the 32-bit slot number in network (big-endian) byte order -
 * 2.6 writes ntohl(slot), which is the same bytes on every host we run on -
 * sockaddr the raw bytes of the peer's struct sockaddr_in / sockaddr_in6
 * as the caller passes them (the caller zeroes padding), and the client
 * sid its 8 bytes.  The exact input only matters to ourselves: nobody else
 * ever verifies our cookies.
 *
 * The key is random per process and never leaves it.  No clock: now is a
 * parameter.  The key-only functions create a crypto-backend HMAC context
 * per call; the server's receive path should hold a struct ssl_cookie_ctx
 * (created once) and use the _ctx_ variants, which do not allocate.
 *
 * Tier 3c: libc, tiers 0-2 (crypto_backend.h, session_id.h); never tier 3o.
 */
#ifndef OVPN_SSL_COOKIE_H
#define OVPN_SSL_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "session_id.h"

struct ssl_cookie_key
{
    uint8_t key[32];
};

/** Fill @p k from the CSPRNG (once per process).  False (logged) on RNG failure. */
bool ssl_cookie_key_init(struct ssl_cookie_key *k);

/**
 * The cookie for time slot @p slot, peer address @p sockaddr (@p sockaddr_len
 * raw bytes) and the client's session id.  The result is never the all-zero
 * "undefined" id (one bit is forced in that 2^-64 case).
 * @return false only if the crypto backend fails.
 */
bool ssl_cookie_compute(const struct ssl_cookie_key *k,
                        uint32_t slot,
                        const void *sockaddr,
                        size_t sockaddr_len,
                        const struct session_id *client_sid,
                        struct session_id *out);

/** The slot of time @p now: now / ((hand_window + 1) / 2), as 2.6; a
 *  hand_window below 1 is treated as 1. */
uint32_t ssl_cookie_slot(time_t now, int hand_window);

/**
 * True if @p cookie equals the cookie of any slot from current-2 to
 * current+1 for this address and client sid (valid ~60-90 s with the
 * default --hand-window 60), compared in constant time.
 */
bool ssl_cookie_check(const struct ssl_cookie_key *k,
                      time_t now,
                      int hand_window,
                      const void *sockaddr,
                      size_t sockaddr_len,
                      const struct session_id *client_sid,
                      const struct session_id *cookie);

/* --- the same with a long-lived HMAC context (no allocation per call) ---- */

struct ssl_cookie_ctx; /* opaque */

/** A context keyed with @p k; NULL (logged) if the backend refuses. */
struct ssl_cookie_ctx *ssl_cookie_ctx_new(const struct ssl_cookie_key *k);
void ssl_cookie_ctx_free(struct ssl_cookie_ctx *c);
bool ssl_cookie_ctx_compute(struct ssl_cookie_ctx *c,
                            uint32_t slot,
                            const void *sockaddr,
                            size_t sockaddr_len,
                            const struct session_id *client_sid,
                            struct session_id *out);
bool ssl_cookie_ctx_check(struct ssl_cookie_ctx *c,
                          time_t now,
                          int hand_window,
                          const void *sockaddr,
                          size_t sockaddr_len,
                          const struct session_id *client_sid,
                          const struct session_id *cookie);

#endif /* OVPN_SSL_COOKIE_H */
