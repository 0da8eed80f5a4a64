/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pool.h -- the --ifconfig-pool / --ifconfig-ipv6-pool address allocator
 * and its --ifconfig-pool-persist file (doc/protocol.md §9.3, §9.4).
 *
 * A pool is an array of slots.  An IPv4 slot is one address (subnet, p2p,
 * tap) or one /30 block (net30); the IPv6 pool, when there is one, is
 * always one address per slot and shares the slot numbers, so slot k is
 * "v4 base + k (or /30 number k)" and "v6 base + k" at the same time.
 * Allocation follows 2.6: a free slot that last belonged to the same
 * common name wins (unless --duplicate-cn), otherwise the free, non-fixed
 * slot released longest ago, never-used slots first, lowest slot on a tie.
 * Releasing is "soft": the slot remembers its common name.
 *
 * A pure data structure: no sockets, no options, no clock (now is a
 * parameter).  The pool owns its memory; pool_free() releases it.
 *
 * Tier 6: libc and tiers 0-3 only (in practice tier 0); must not include
 * options.h, multi.h or any OS/ssl header.
 */
#ifndef OVPN_POOL_H
#define OVPN_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/** Largest number of addresses in one pool, as 2.6 (IFCONFIG_POOL_MAX). */
#define POOL_MAX 65536

enum pool_type
{
    POOL_SINGLE, /**< one address per slot */
    POOL_NET30,  /**< one /30 per slot */
};

struct pool; /* opaque */

/**
 * Check an --ifconfig-pool range as 2.6 does, logging its messages
 * ("--ifconfig-pool start IP [a] is greater than end IP [b]", "...range is
 * too large...") at M_WARN.  @return true when pool_new() will accept it.
 */
bool pool_verify_range(uint32_t start, uint32_t end);

/**
 * Create a pool.
 *
 * @param start, end  IPv4 range [start, end] in host order.  For net30,
 *                    start is rounded down to a /30 and end up, as 2.6.
 *                    start == end == 0 means "no IPv4 pool" (IPv6 only).
 * @param ipv6_base   first IPv6 address of the pool (--ifconfig-ipv6-pool),
 *                    or NULL for no IPv6 pool.  A base whose last 32 host
 *                    bits are zero starts at base+1, as 2.6.
 * @param ipv6_bits   prefix length of the IPv6 pool; >= 112 limits the pool
 *                    to the prefix, otherwise the pool has POOL_MAX slots.
 * @param duplicate_cn  --duplicate-cn: take the first free slot, never
 *                    prefer by common name.
 * @return the pool, or NULL (logged as 2.6: "IPv4 pool size is too small
 *         (N), must be at least 2", or a bad range) - a configuration error.
 *         The size is the smaller of the v4 and v6 sizes (2.6 logs a NOTE /
 *         WARNING when they differ; so do we).
 */
struct pool *pool_new(enum pool_type type,
                      uint32_t start,
                      uint32_t end,
                      const uint8_t *ipv6_base,
                      int ipv6_bits,
                      bool duplicate_cn);

/** Free @p p; NULL is fine. */
void pool_free(struct pool *p);

/**
 * Acquire a slot for common name @p cn (may be NULL) following the 2.6
 * preference rules above.  The slot then remembers @p cn.
 * @return the slot number, or -1 if every slot is in use (or fixed).
 */
int pool_acquire(struct pool *p, const char *cn, time_t now);

/** Give @p slot back (soft: it keeps its common name; released at @p now).
 *  An out-of-range slot or one not in use is ignored. */
void pool_release(struct pool *p, int slot, time_t now);

/** Number of slots. */
size_t pool_size(const struct pool *p);

/**
 * IPv4 addresses of @p slot, host order.  POOL_SINGLE: *addr is the
 * client's address, *net30_peer is 0.  POOL_NET30 (the /30 at b): *addr
 * is b+2 (the client) and *net30_peer is b+1 (pushed as "ifconfig b+2 b+1").
 * Either out pointer may be NULL.  False if the slot is out of range or the
 * pool has no IPv4 part.
 */
bool pool_slot_v4(const struct pool *p, int slot, uint32_t *addr, uint32_t *net30_peer);

/** IPv6 address of @p slot; false if out of range or no IPv6 pool. */
bool pool_slot_v6(const struct pool *p, int slot, uint8_t out[16]);

/**
 * --ifconfig-pool-persist: read "CN,IP4", "CN,IP4,IP6" or "CN,,IP6" lines
 * from @p path ('#' and ';' start comments, empty lines ignored) and
 * reserve each named slot for its common name.  IP4 may be any address in
 * the slot (2.6 writes the /30 base for net30).  Addresses that are invalid
 * or outside the pool are skipped with 2.6's warning ("pool: IPv4 (a) out
 * of pool range for CN=x").  @p fixed (seconds == 0) makes the entries
 * fixed: only their common name can ever get them.
 * @return false only if the file cannot be opened: a missing file (normal
 *         on a first start) is noted at verb 3 only, any other error is
 *         logged M_WARN|M_ERRNO.
 */
bool pool_persist_load(struct pool *p, const char *path, bool fixed);

/**
 * Write every slot that has a common name as "CN,IP4,IP6" (IP4 = slot base:
 * the client address, or the /30 base for net30; either field empty when
 * the pool lacks that family), truncating @p path.  @return false (logged)
 * on an I/O error.
 */
bool pool_persist_save(const struct pool *p, const char *path);

#endif /* OVPN_POOL_H */
