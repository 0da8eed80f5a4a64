/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_cookie.c -- stateless HMAC session-id cookies (doc/protocol.md §2.7).
 * Tier 3c: tiers 0-2 only.
 */
#include "ssl_cookie.h"

#include <stdlib.h>
#include <string.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"

/* Larger than any sockaddr we hash (sockaddr_in6 is 28 bytes). */
#define COOKIE_MAX_SOCKADDR 128

struct ssl_cookie_ctx
{
    struct crypto_hmac *hmac;
};

bool
ssl_cookie_key_init(struct ssl_cookie_key *k)
{
    if (!crypto_rand_bytes(k->key, sizeof(k->key)))
    {
        msg(M_WARN, "ERROR: cannot generate the session-id cookie key");
        return false;
    }
    return true;
}

uint32_t
ssl_cookie_slot(time_t now, int hand_window)
{
    long half = hand_window < 1 ? 1 : (hand_window + 1) / 2;

    return (uint32_t) (now / half);
}

struct ssl_cookie_ctx *
ssl_cookie_ctx_new(const struct ssl_cookie_key *k)
{
    struct ssl_cookie_ctx *c = calloc(1, sizeof(*c));

    if (c)
    {
        c->hmac = crypto_hmac_new("SHA256", k->key, sizeof(k->key));
    }
    if (!c || !c->hmac)
    {
        msg(M_WARN, "ERROR: cannot create the HMAC-SHA256 context for session-id cookies");
        free(c);
        return NULL;
    }
    return c;
}

void
ssl_cookie_ctx_free(struct ssl_cookie_ctx *c)
{
    if (c)
    {
        crypto_hmac_free(c->hmac);
        free(c);
    }
}

bool
ssl_cookie_ctx_compute(struct ssl_cookie_ctx *c,
                       uint32_t slot,
                       const void *sockaddr,
                       size_t sockaddr_len,
                       const struct session_id *client_sid,
                       struct session_id *out)
{
    /* The slot goes in as big-endian bytes; 2.6 hashes ntohl(slot), the
     * same bytes on little-endian hosts (§2.7). */
    uint8_t t[4];
    uint8_t mac[32];
    bool ok;

    if (sockaddr_len > COOKIE_MAX_SOCKADDR)
    {
        return false;
    }
    store_be32(t, slot);
    ok = crypto_hmac_start(c->hmac) && crypto_hmac_update(c->hmac, t, sizeof(t)) &&
         crypto_hmac_update(c->hmac, sockaddr, sockaddr_len) &&
         crypto_hmac_update(c->hmac, client_sid->id, SID_SIZE) && crypto_hmac_finish(c->hmac, mac);
    if (ok)
    {
        memcpy(out->id, mac, SID_SIZE);
        if (!session_id_defined(out))
        {
            out->id[SID_SIZE - 1] = 1; /* never hand out the "undefined" id */
        }
    }
    secure_memzero(mac, sizeof(mac));
    return ok;
}

bool
ssl_cookie_ctx_check(struct ssl_cookie_ctx *c,
                     time_t now,
                     int hand_window,
                     const void *sockaddr,
                     size_t sockaddr_len,
                     const struct session_id *client_sid,
                     const struct session_id *cookie)
{
    uint32_t slot = ssl_cookie_slot(now, hand_window);
    bool match = false;

    /* Slots -2..+1 as 2.6: a cookie stays good for 60-90 s by default, and
     * one slot of clock slack forward.  Check them all, no early exit. */
    for (int off = -2; off <= 1; off++)
    {
        struct session_id expect;

        if (!ssl_cookie_ctx_compute(
              c, slot + (uint32_t) off, sockaddr, sockaddr_len, client_sid, &expect))
        {
            return false;
        }
        match |= session_id_equal(&expect, cookie);
    }
    return match;
}

bool
ssl_cookie_compute(const struct ssl_cookie_key *k,
                   uint32_t slot,
                   const void *sockaddr,
                   size_t sockaddr_len,
                   const struct session_id *client_sid,
                   struct session_id *out)
{
    struct ssl_cookie_ctx *c = ssl_cookie_ctx_new(k);
    bool ok;

    if (!c)
    {
        return false;
    }
    ok = ssl_cookie_ctx_compute(c, slot, sockaddr, sockaddr_len, client_sid, out);
    ssl_cookie_ctx_free(c);
    return ok;
}

bool
ssl_cookie_check(const struct ssl_cookie_key *k,
                 time_t now,
                 int hand_window,
                 const void *sockaddr,
                 size_t sockaddr_len,
                 const struct session_id *client_sid,
                 const struct session_id *cookie)
{
    struct ssl_cookie_ctx *c = ssl_cookie_ctx_new(k);
    bool ok;

    if (!c)
    {
        return false;
    }
    ok = ssl_cookie_ctx_check(c, now, hand_window, sockaddr, sockaddr_len, client_sid, cookie);
    ssl_cookie_ctx_free(c);
    return ok;
}
