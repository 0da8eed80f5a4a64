/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mroute.h -- the server's virtual-address table: which client owns which
 * tunnel address, iroute network or (tap) MAC address (doc/protocol.md §9.6), and
 * the packet inspection that finds the addresses to look up.
 *
 * Owners are opaque (void *, a client instance to the caller).  Every route
 * lives in one hash table keyed by (family, prefix length, masked address);
 * iroute prefixes are found by trying only the prefix lengths currently in
 * use, longest first, after the exact host entry.  Adding allocates one
 * node (start-up or client connect); lookups never allocate and do at most
 * one hash probe per prefix length in use, so they are fit for the data
 * path.  The table owns its nodes, never the owners.
 *
 * Tier 6: libc and tiers 0-3 only (in practice tier 0); must not include
 * options.h, multi.h, sockets or OS headers beyond libc.  No clock: now is
 * a parameter.
 */
#ifndef OVPN_MROUTE_H
#define OVPN_MROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/** Room for any text mroute_walk() hands out ("ffff:...:ffff/128"). */
#define MROUTE_TEXT_MAX 64

/** Prefix length meaning "a client's own address": a host route that is
 *  printed without "/bits", as 2.6 prints a client's pushed address. */
#define MROUTE_HOST (-1)

struct mroute_table;

/** A table with @p hash_buckets buckets (rounded up to a power of two, at
 *  least 16).  NULL on memory. */
struct mroute_table *mroute_new(size_t hash_buckets);

/** Key the bucket hash with @p seed (a random value from the caller, so a
 *  client learning MACs cannot aim at one bucket).  Only on an empty table. */
void mroute_set_seed(struct mroute_table *t, uint64_t seed);

/** Free the table and its nodes (not the owners); NULL is fine. */
void mroute_free(struct mroute_table *t);

/**
 * Add a route to @p owner, last referenced at @p now.
 *
 * @param bits  MROUTE_HOST (-1) for a client's own address (printed
 *              "10.8.0.6"), or 0..32 / 0..128 for an iroute (printed
 *              "10.9.0.0/24"; 2.6 also prints an iroute /32 as "a.b.c.d/32").
 *              Host bits beyond the prefix are ignored (masked off).
 *              Out-of-range bits return false.
 * Re-adding the same key replaces the owner.  @return false on memory or
 * bad bits.
 */
bool mroute_add_v4(struct mroute_table *t, uint32_t addr, int bits, void *owner, time_t now);
bool mroute_add_v6(struct mroute_table *t,
                   const uint8_t addr[16],
                   int bits,
                   void *owner,
                   time_t now);
/** Owner of exactly this route (no prefix search), NULL if none: what an
 *  add would replace. */
void *mroute_owner_v4(const struct mroute_table *t, uint32_t addr, int bits);
void *mroute_owner_v6(const struct mroute_table *t, const uint8_t addr[16], int bits);

/** Tap learning: MAC (VLAN 0) -> owner. */
bool mroute_add_mac(struct mroute_table *t, const uint8_t mac[6], void *owner, time_t now);

/**
 * Longest-prefix lookup of host-order IPv4 @p addr: the exact host entry
 * first, then iroutes longest first.  NULL if none.  Updates the entry's
 * last_ref when @p now != 0.  Never allocates.
 */
void *mroute_lookup_v4(struct mroute_table *t, uint32_t addr, time_t now);
void *mroute_lookup_v6(struct mroute_table *t, const uint8_t addr[16], time_t now);
void *mroute_lookup_mac(struct mroute_table *t, const uint8_t mac[6], time_t now);

/** Remove every route owned by @p owner (client disconnect). */
void mroute_remove_owner(struct mroute_table *t, void *owner);

/** Number of routes in the table. */
size_t mroute_count(const struct mroute_table *t);

/**
 * Call @p fn for every route (for the status ROUTING TABLE), with its text
 * as 2.6 prints it ("10.8.0.6", "10.9.0.0/24", "2001:db8::1000",
 * "2001:db8:1::/64", "aa:bb:cc:dd:ee:ff@0"), its owner and last_ref.
 * Order is unspecified (2.6's is hash order too).  @p fn must not modify
 * the table.
 */
void mroute_walk(const struct mroute_table *t,
                 void (*fn)(void *arg, const char *vaddr, void *owner, time_t last_ref),
                 void *arg);

/** Addresses of one tun packet.  v4 addresses are host order. */
struct mroute_pkt
{
    int family; /**< AF_INET or AF_INET6 */
    uint32_t src4, dst4;
    uint8_t src6[16], dst6[16];
    bool dst_bcast; /**< destination is multicast or broadcast (replicate) */
};

/**
 * Parse the IPv4 or IPv6 header at the front of a tun packet.
 * @return false if @p len is too short for the header its version nibble
 *         announces, or the version is neither 4 nor 6 (@p out is then
 *         zeroed).  dst_bcast: IPv4 224.0.0.0/4 or 255.255.255.255; IPv6
 *         ff00::/8.
 */
bool mroute_parse_ip(const uint8_t *pkt, size_t len, struct mroute_pkt *out);

/** Addresses of one tap (Ethernet) frame. */
struct mroute_eth
{
    uint8_t src[6], dst[6];
    uint16_t ethertype; /**< after one 802.1Q tag, if present */
    bool dst_bcast;     /**< group bit set: broadcast or multicast */
};

/** Parse an Ethernet header; false if shorter than 14 bytes (18 when tagged). */
bool mroute_parse_eth(const uint8_t *frame, size_t len, struct mroute_eth *out);

#endif /* OVPN_MROUTE_H */
