/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mroute.c -- virtual address -> owner table and tun/tap header inspection
 * (doc/protocol.md §9.6).  Tier 6, but uses tier 0 only; see mroute.h.
 */
#include "mroute.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic.h"
#include "buffer.h"
#include "error.h"

enum key_type
{
    KT_V4 = 1,
    KT_V6 = 2,
    KT_MAC = 3,
};

#define BITS_HOST 0xFF /* key.bits of a client's own address */

/* Hash key; always fully zeroed first so that memcmp() compares it. */
struct key
{
    uint8_t type;
    uint8_t bits;     /* prefix length, or BITS_HOST */
    uint8_t addr[16]; /* v4 in network order in addr[0..3]; MAC in addr[0..5] */
};

struct node
{
    struct key key;
    void *owner;
    time_t last_ref;
    struct node *next;
};

struct mroute_table
{
    struct node **buckets;
    size_t mask; /* n_buckets - 1 */
    size_t count;
    uint64_t seed;
    /* Prefix lengths in use by iroutes, and how many routes use each, so a
     * lookup only probes lengths that exist (2.6 keeps the same list). */
    unsigned int len_refs[2][129];
    uint64_t len_bits[2][3]; /* bitmap of lengths with len_refs > 0 */
};

struct mroute_table *
mroute_new(size_t hash_buckets)
{
    struct mroute_table *t = calloc(1, sizeof(*t));
    size_t n = 16;

    if (!t)
    {
        return NULL;
    }
    while (n < hash_buckets && n < ((size_t) 1 << 24))
    {
        n <<= 1;
    }
    t->buckets = calloc(n, sizeof(*t->buckets));
    if (!t->buckets)
    {
        free(t);
        return NULL;
    }
    t->mask = n - 1;
    t->seed = 0x9e3779b97f4a7c15ull ^ (uint64_t) (uintptr_t) t;
    return t;
}

void
mroute_set_seed(struct mroute_table *t, uint64_t seed)
{
    ASSERT(t->count == 0); /* rehashing is not supported */
    t->seed = seed;
}

void
mroute_free(struct mroute_table *t)
{
    if (!t)
    {
        return;
    }
    for (size_t i = 0; i <= t->mask; i++)
    {
        struct node *n = t->buckets[i];

        while (n)
        {
            struct node *next = n->next;
            free(n);
            n = next;
        }
    }
    free(t->buckets);
    free(t);
}

/* A keyed multiply-xorshift over the key's words: cheap, and the seed
 * keeps a client that floods learned MACs from choosing collisions. */
static size_t
key_hash(const struct mroute_table *t, const struct key *k)
{
    uint64_t h = t->seed ^ ((uint64_t) k->type << 8 | k->bits);
    uint64_t w[2];

    memcpy(w, k->addr, sizeof(w));
    for (size_t i = 0; i < 2; i++)
    {
        h ^= w[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    return (size_t) h & t->mask;
}

static struct node *
find(const struct mroute_table *t, const struct key *k)
{
    for (struct node *n = t->buckets[key_hash(t, k)]; n; n = n->next)
    {
        if (memcmp(&n->key, k, sizeof(*k)) == 0)
        {
            return n;
        }
    }
    return NULL;
}

/* Zero the address bits beyond the first @p bits of @p nbytes bytes. */
static void
mask_addr(uint8_t *a, size_t nbytes, unsigned int bits)
{
    for (size_t i = 0; i < nbytes; i++)
    {
        unsigned int keep = bits > 8 * i ? bits - 8 * (unsigned int) i : 0;

        if (keep < 8)
        {
            a[i] &= (uint8_t) (0xFF00u >> keep);
        }
    }
}

static void
len_ref(struct mroute_table *t, const struct key *k, int delta)
{
    int fam = k->type == KT_V4 ? 0 : 1;

    if (k->type == KT_MAC || k->bits == BITS_HOST)
    {
        return;
    }
    t->len_refs[fam][k->bits] = (unsigned int) ((int) t->len_refs[fam][k->bits] + delta);
    if (t->len_refs[fam][k->bits])
    {
        t->len_bits[fam][k->bits / 64] |= 1ull << (k->bits % 64);
    }
    else
    {
        t->len_bits[fam][k->bits / 64] &= ~(1ull << (k->bits % 64));
    }
}

static bool
add(struct mroute_table *t, const struct key *k, void *owner, time_t now)
{
    struct node *n = find(t, k);
    size_t b;

    if (n)
    {
        n->owner = owner;
        n->last_ref = now;
        return true;
    }
    n = calloc(1, sizeof(*n));
    if (!n)
    {
        return false;
    }
    n->key = *k;
    n->owner = owner;
    n->last_ref = now;
    b = key_hash(t, k);
    n->next = t->buckets[b];
    t->buckets[b] = n;
    t->count++;
    len_ref(t, k, +1);
    return true;
}

static bool
key_v4(struct key *k, uint32_t addr, int bits)
{
    uint32_t be = htonl(addr);

    if (bits < MROUTE_HOST || bits > 32)
    {
        return false;
    }
    memset(k, 0, sizeof(*k));
    k->type = KT_V4;
    k->bits = bits < 0 ? BITS_HOST : (uint8_t) bits;
    memcpy(k->addr, &be, 4);
    if (bits >= 0)
    {
        mask_addr(k->addr, 4, (unsigned int) bits);
    }
    return true;
}

static bool
key_v6(struct key *k, const uint8_t addr[16], int bits)
{
    if (bits < MROUTE_HOST || bits > 128)
    {
        return false;
    }
    memset(k, 0, sizeof(*k));
    k->type = KT_V6;
    k->bits = bits < 0 ? BITS_HOST : (uint8_t) bits;
    memcpy(k->addr, addr, 16);
    if (bits >= 0)
    {
        mask_addr(k->addr, 16, (unsigned int) bits);
    }
    return true;
}

bool
mroute_add_v4(struct mroute_table *t, uint32_t addr, int bits, void *owner, time_t now)
{
    struct key k;

    return key_v4(&k, addr, bits) && add(t, &k, owner, now);
}

bool
mroute_add_v6(struct mroute_table *t, const uint8_t addr[16], int bits, void *owner, time_t now)
{
    struct key k;

    return key_v6(&k, addr, bits) && add(t, &k, owner, now);
}

void *
mroute_owner_v4(const struct mroute_table *t, uint32_t addr, int bits)
{
    struct key k;
    struct node *n = key_v4(&k, addr, bits) ? find(t, &k) : NULL;

    return n ? n->owner : NULL;
}

void *
mroute_owner_v6(const struct mroute_table *t, const uint8_t addr[16], int bits)
{
    struct key k;
    struct node *n = key_v6(&k, addr, bits) ? find(t, &k) : NULL;

    return n ? n->owner : NULL;
}

bool
mroute_add_mac(struct mroute_table *t, const uint8_t mac[6], void *owner, time_t now)
{
    struct key k;

    memset(&k, 0, sizeof(k));
    k.type = KT_MAC;
    k.bits = BITS_HOST;
    memcpy(k.addr, mac, 6);
    return add(t, &k, owner, now);
}

static void *
hit(struct node *n, time_t now)
{
    if (now != 0)
    {
        n->last_ref = now;
    }
    return n->owner;
}

/* Host entry first, then every prefix length in use, longest first. */
static void *
lookup_ip(struct mroute_table *t, struct key *k, size_t nbytes, time_t now)
{
    int fam = k->type == KT_V4 ? 0 : 1;
    uint8_t full[16];
    struct node *n;

    k->bits = BITS_HOST;
    if ((n = find(t, k)))
    {
        return hit(n, now);
    }
    memcpy(full, k->addr, 16);
    for (int w = 2; w >= 0; w--)
    {
        uint64_t bits = t->len_bits[fam][w];

        while (bits)
        {
            int top = 63 - __builtin_clzll(bits);
            unsigned int len = (unsigned int) (64 * w + top);

            bits &= ~(1ull << top);
            memcpy(k->addr, full, 16);
            mask_addr(k->addr, nbytes, len);
            k->bits = (uint8_t) len;
            if ((n = find(t, k)))
            {
                return hit(n, now);
            }
        }
    }
    return NULL;
}

void *
mroute_lookup_v4(struct mroute_table *t, uint32_t addr, time_t now)
{
    struct key k;
    uint32_t be = htonl(addr);

    memset(&k, 0, sizeof(k));
    k.type = KT_V4;
    memcpy(k.addr, &be, 4);
    return lookup_ip(t, &k, 4, now);
}

void *
mroute_lookup_v6(struct mroute_table *t, const uint8_t addr[16], time_t now)
{
    struct key k;

    memset(&k, 0, sizeof(k));
    k.type = KT_V6;
    memcpy(k.addr, addr, 16);
    return lookup_ip(t, &k, 16, now);
}

void *
mroute_lookup_mac(struct mroute_table *t, const uint8_t mac[6], time_t now)
{
    struct key k;
    struct node *n;

    memset(&k, 0, sizeof(k));
    k.type = KT_MAC;
    k.bits = BITS_HOST;
    memcpy(k.addr, mac, 6);
    n = find(t, &k);
    return n ? hit(n, now) : NULL;
}

void
mroute_remove_owner(struct mroute_table *t, void *owner)
{
    for (size_t i = 0; i <= t->mask; i++)
    {
        struct node **pp = &t->buckets[i];

        while (*pp)
        {
            struct node *n = *pp;

            if (n->owner == owner)
            {
                *pp = n->next;
                len_ref(t, &n->key, -1);
                t->count--;
                free(n);
            }
            else
            {
                pp = &n->next;
            }
        }
    }
}

size_t
mroute_count(const struct mroute_table *t)
{
    return t->count;
}

/* 2.6's mroute_addr_print: bare host, "/bits" for iroutes, a v4-mapped
 * IPv6 address as dotted quad, MAC as lower-case hex with "@vlan". */
static void
key_text(const struct key *k, char out[MROUTE_TEXT_MAX])
{
    static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
    size_t n;

    if (k->type == KT_MAC)
    {
        snprintf(out,
                 MROUTE_TEXT_MAX,
                 "%02x:%02x:%02x:%02x:%02x:%02x@0",
                 k->addr[0],
                 k->addr[1],
                 k->addr[2],
                 k->addr[3],
                 k->addr[4],
                 k->addr[5]);
        return;
    }
    if (k->type == KT_V4)
    {
        inet_ntop(AF_INET, k->addr, out, MROUTE_TEXT_MAX);
    }
    else if (memcmp(k->addr, v4mapped, 12) == 0)
    {
        inet_ntop(AF_INET, k->addr + 12, out, MROUTE_TEXT_MAX);
    }
    else
    {
        inet_ntop(AF_INET6, k->addr, out, MROUTE_TEXT_MAX);
    }
    if (k->bits != BITS_HOST)
    {
        n = strlen(out);
        snprintf(out + n, MROUTE_TEXT_MAX - n, "/%u", k->bits);
    }
}

void
mroute_walk(const struct mroute_table *t,
            void (*fn)(void *arg, const char *vaddr, void *owner, time_t last_ref),
            void *arg)
{
    char text[MROUTE_TEXT_MAX];

    for (size_t i = 0; i <= t->mask; i++)
    {
        for (const struct node *n = t->buckets[i]; n; n = n->next)
        {
            key_text(&n->key, text);
            fn(arg, text, n->owner, n->last_ref);
        }
    }
}

bool
mroute_parse_ip(const uint8_t *pkt, size_t len, struct mroute_pkt *out)
{
    memset(out, 0, sizeof(*out));
    if (len < 1)
    {
        return false;
    }
    switch (pkt[0] >> 4)
    {
        case 4:
            if (len < 20)
            {
                return false;
            }
            out->family = AF_INET;
            out->src4 = load_be32(pkt + 12);
            out->dst4 = load_be32(pkt + 16);
            out->dst_bcast = (out->dst4 >> 28) == 0xE || out->dst4 == 0xFFFFFFFFu;
            return true;

        case 6:
            if (len < 40)
            {
                return false;
            }
            out->family = AF_INET6;
            memcpy(out->src6, pkt + 8, 16);
            memcpy(out->dst6, pkt + 24, 16);
            out->dst_bcast = out->dst6[0] == 0xFF;
            return true;

        default:
            return false;
    }
}

bool
mroute_parse_eth(const uint8_t *frame, size_t len, struct mroute_eth *out)
{
    memset(out, 0, sizeof(*out));
    if (len < 14)
    {
        return false;
    }
    memcpy(out->dst, frame, 6);
    memcpy(out->src, frame + 6, 6);
    out->ethertype = load_be16(frame + 12);
    if (out->ethertype == 0x8100)
    {
        if (len < 18)
        {
            memset(out, 0, sizeof(*out));
            return false;
        }
        out->ethertype = load_be16(frame + 16);
    }
    out->dst_bcast = (out->dst[0] & 1) != 0;
    return true;
}
