/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pool.c -- ifconfig-pool slots and the --ifconfig-pool-persist file
 * (doc/protocol.md §9.3, §9.4).  Tier 6, but uses tier 0 only; see pool.h.
 */
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic.h"
#include "buffer.h"
#include "error.h"
#include "errlevel.h"
#include "strutil.h"

struct pool_entry
{
    bool in_use;
    bool fixed;          /* from a read-only persist file: only its CN may have it */
    char *cn;            /* last (or current) common name, or NULL */
    time_t last_release; /* 0: never used (preferred) */
};

struct pool
{
    enum pool_type type;
    bool duplicate_cn;
    bool has_v4, has_v6;
    uint32_t v4_base; /* host order; net30: a multiple of 4 */
    uint8_t v6_base[16];
    size_t size;
    struct pool_entry *list;
};

static void
fmt_v4(uint32_t a, char out[INET_ADDRSTRLEN])
{
    struct in_addr ia = { .s_addr = htonl(a) };

    inet_ntop(AF_INET, &ia, out, INET_ADDRSTRLEN);
}

bool
pool_verify_range(uint32_t start, uint32_t end)
{
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
    bool ok = true;

    fmt_v4(start, a);
    fmt_v4(end, b);
    if (start > end)
    {
        msg(M_WARN, "--ifconfig-pool start IP [%s] is greater than end IP [%s]", a, b);
        ok = false;
    }
    else if (end - start >= POOL_MAX)
    {
        msg(M_WARN,
            "--ifconfig-pool address range is too large [%s -> %s].  Current maximum is %d "
            "addresses, as defined by IFCONFIG_POOL_MAX variable.",
            a,
            b,
            POOL_MAX);
        ok = false;
    }
    return ok;
}

static uint32_t
v6_low32(const uint8_t a[16])
{
    return load_be32(a + 12);
}

/* base + n, carrying into the upper bytes like 2.6's add_in6_addr. */
static void
v6_add(const uint8_t base[16], uint32_t n, uint8_t out[16])
{
    uint64_t carry = n;

    memcpy(out, base, 16);
    for (int i = 15; i >= 0 && carry; i--)
    {
        carry += out[i];
        out[i] = (uint8_t) carry;
        carry >>= 8;
    }
}

/* The IPv6 pool: 2.6 skips a base whose low 32 host bits are zero (the
 * subnet-router anycast address) and, for prefixes >= /112, stops at the
 * end of the prefix.  Returns the size, or -1 for a bad prefix length. */
static long
v6_setup(struct pool *p, const uint8_t *base, int bits)
{
    uint32_t host;

    if (bits < 0 || bits > 128)
    {
        return -1;
    }
    memcpy(p->v6_base, base, 16);
    host = v6_low32(base);
    if (128 - bits < 32)
    {
        host &= (uint32_t) ((1u << (128 - bits)) - 1);
    }
    if (host == 0)
    {
        host = 1;
        v6_add(base, 1, p->v6_base);
    }
    if (bits >= 112)
    {
        return (long) (1L << (128 - bits)) - (long) host;
    }
    return POOL_MAX;
}

/* Pool size bookkeeping and 2.6's messages about it; false = config error. */
static bool
set_size(struct pool *p, long v4_size, long v6_size)
{
    if (p->has_v4 && v4_size < 2)
    {
        msg(M_FATAL, "IPv4 pool size is too small (%ld), must be at least 2", v4_size);
        return false;
    }
    if (p->has_v6 && v6_size < 2)
    {
        msg(M_FATAL, "IPv6 pool size is too small (%ld), must be at least 2", v6_size);
        return false;
    }
    if (p->has_v4 && p->has_v6 && v4_size < v6_size)
    {
        msg(M_INFO,
            "NOTE: IPv4 pool size is %ld, IPv6 pool size is %ld. IPv4 pool size limits the "
            "number of clients that can be served from the pool",
            v4_size,
            v6_size);
    }
    else if (p->has_v4 && p->has_v6 && v4_size > v6_size)
    {
        msg(M_WARN,
            "WARNING: IPv4 pool size is %ld, IPv6 pool size is %ld. IPv6 pool size limits the "
            "number of clients that can be served from the pool. This is likely a MISTAKE - "
            "please check your configuration",
            v4_size,
            v6_size);
    }
    if (!p->has_v4 || (p->has_v6 && v6_size < v4_size))
    {
        v4_size = v6_size;
    }
    p->size = (size_t) v4_size;
    return p->size > 0;
}

/* The lines 2.6 prints when it builds a pool. */
static void
log_sizes(const struct pool *p, long v4_size, long v6_size, int bits)
{
    if (p->has_v4)
    {
        char a[INET_ADDRSTRLEN];

        fmt_v4(p->v4_base, a);
        msg(D_IFCONFIG_POOL, "IFCONFIG POOL IPv4: base=%s size=%ld", a, v4_size);
    }
    if (p->has_v6)
    {
        char a6[INET6_ADDRSTRLEN];

        inet_ntop(AF_INET6, p->v6_base, a6, sizeof(a6));
        msg(D_IFCONFIG_POOL, "IFCONFIG POOL IPv6: base=%s size=%ld netbits=%d", a6, v6_size, bits);
    }
}

struct pool *
pool_new(enum pool_type type,
         uint32_t start,
         uint32_t end,
         const uint8_t *ipv6_base,
         int ipv6_bits,
         bool duplicate_cn)
{
    struct pool *p = calloc(1, sizeof(*p));
    long v4_size = 0, v6_size = 0;

    if (!p)
    {
        return NULL;
    }
    p->type = type;
    p->duplicate_cn = duplicate_cn;
    p->has_v4 = start != 0 || end != 0;
    p->has_v6 = ipv6_base != NULL;
    if (!p->has_v4 && !p->has_v6)
    {
        goto fail;
    }
    if (p->has_v4)
    {
        if (!pool_verify_range(start, end))
        {
            goto fail;
        }
        if (type == POOL_NET30)
        {
            p->v4_base = start & ~3u;
            v4_size = (long) ((((uint64_t) (end | 3u)) + 1 - p->v4_base) >> 2);
        }
        else
        {
            p->v4_base = start;
            v4_size = (long) (end - start) + 1;
        }
    }
    if (p->has_v6 && (v6_size = v6_setup(p, ipv6_base, ipv6_bits)) < 0)
    {
        goto fail;
    }
    if (!set_size(p, v4_size, v6_size))
    {
        goto fail;
    }
    p->list = calloc(p->size, sizeof(*p->list));
    if (!p->list)
    {
        goto fail;
    }
    log_sizes(p, v4_size, v6_size, ipv6_bits);
    return p;

fail:
    free(p);
    return NULL;
}

void
pool_free(struct pool *p)
{
    if (!p)
    {
        return;
    }
    for (size_t i = 0; i < p->size; i++)
    {
        free(p->list[i].cn);
    }
    free(p->list);
    free(p);
}

/*
 * 2.6's choice: with --duplicate-cn the first free slot (fixed or not);
 * otherwise a free slot that last belonged to @p cn (the first such, fixed
 * ones included), else the free non-fixed slot with the smallest release
 * time (never used = 0), lowest index on a tie.
 */
static int
find_slot(const struct pool *p, const char *cn)
{
    int oldest = -1, previous = -1;

    for (size_t i = 0; i < p->size; i++)
    {
        const struct pool_entry *e = &p->list[i];

        if (e->in_use)
        {
            continue;
        }
        if (p->duplicate_cn)
        {
            return (int) i;
        }
        if (!e->fixed && (oldest < 0 || e->last_release < p->list[oldest].last_release))
        {
            oldest = (int) i;
        }
        if (previous < 0 && cn && e->cn && strcmp(cn, e->cn) == 0)
        {
            previous = (int) i;
        }
    }
    return previous >= 0 ? previous : oldest;
}

int
pool_acquire(struct pool *p, const char *cn, time_t now)
{
    int slot = find_slot(p, cn);
    struct pool_entry *e;

    (void) now; /* 2.6 stamps only releases */
    if (slot < 0)
    {
        return -1;
    }
    e = &p->list[slot];
    free(e->cn);
    e->cn = cn ? strdup(cn) : NULL;
    e->in_use = true;
    e->last_release = 0;
    return slot;
}

void
pool_release(struct pool *p, int slot, time_t now)
{
    if (!p || slot < 0 || (size_t) slot >= p->size || !p->list[slot].in_use)
    {
        return;
    }
    p->list[slot].in_use = false;
    p->list[slot].last_release = now;
}

size_t
pool_size(const struct pool *p)
{
    return p->size;
}

/* First address of @p slot (the client address, or the /30 base). */
static uint32_t
slot_base(const struct pool *p, size_t slot)
{
    return p->type == POOL_NET30 ? p->v4_base + 4u * (uint32_t) slot : p->v4_base + (uint32_t) slot;
}

bool
pool_slot_v4(const struct pool *p, int slot, uint32_t *addr, uint32_t *net30_peer)
{
    uint32_t b;

    if (!p->has_v4 || slot < 0 || (size_t) slot >= p->size)
    {
        return false;
    }
    b = slot_base(p, (size_t) slot);
    if (addr)
    {
        *addr = p->type == POOL_NET30 ? b + 2 : b;
    }
    if (net30_peer)
    {
        *net30_peer = p->type == POOL_NET30 ? b + 1 : 0;
    }
    return true;
}

bool
pool_slot_v6(const struct pool *p, int slot, uint8_t out[16])
{
    if (!p->has_v6 || slot < 0 || (size_t) slot >= p->size)
    {
        return false;
    }
    v6_add(p->v6_base, (uint32_t) slot, out);
    return true;
}

/* Slot of an IPv4 address anywhere in the slot, or -1. */
static long
v4_to_slot(const struct pool *p, uint32_t a)
{
    uint32_t off;

    if (!p->has_v4 || a < p->v4_base)
    {
        return -1;
    }
    off = a - p->v4_base;
    if (p->type == POOL_NET30)
    {
        off >>= 2;
    }
    return off < p->size ? (long) off : -1;
}

/* Slot of an IPv6 address: the upper 96 bits must equal the base's (2.6). */
static long
v6_to_slot(const struct pool *p, const uint8_t a[16])
{
    uint32_t base, addr;

    if (!p->has_v6 || memcmp(a, p->v6_base, 12) != 0)
    {
        return -1;
    }
    base = v6_low32(p->v6_base);
    addr = v6_low32(a);
    if (addr < base || addr - base >= p->size)
    {
        return -1;
    }
    return (long) (addr - base);
}

/* Split at the next comma (or end) into @p out; false if too long. */
static bool
next_field(const char **s, char *out, size_t outlen)
{
    const char *c = strchr(*s, ',');
    size_t n = c ? (size_t) (c - *s) : strlen(*s);

    if (n >= outlen)
    {
        return false;
    }
    memcpy(out, *s, n);
    out[n] = '\0';
    *s += c ? n + 1 : n;
    return true;
}

/* One persist line: a slot number, or -1 (with 2.6's warning when due). */
static long
parse_line(const struct pool *p, const char *line, char cn[128])
{
    char ip4[128] = "", ip6[128] = "";
    long h = -1, h6 = -1;
    bool has_ip6;

    if (!strchr(line, ',') || !next_field(&line, cn, 128) || !next_field(&line, ip4, 128))
    {
        return -1;
    }
    has_ip6 = next_field(&line, ip6, 128) && ip6[0] != '\0';
    if (ip4[0] != '\0')
    {
        struct in_addr ia;

        if (inet_pton(AF_INET, ip4, &ia) != 1)
        {
            msg(M_WARN, "pool: invalid IPv4 (%s) for CN=%s", ip4, cn);
        }
        else if ((h = v4_to_slot(p, ntohl(ia.s_addr))) < 0)
        {
            msg(M_WARN, "pool: IPv4 (%s) out of pool range for CN=%s", ip4, cn);
        }
    }
    if (has_ip6)
    {
        uint8_t a6[16];

        if (inet_pton(AF_INET6, ip6, a6) != 1)
        {
            msg(M_WARN, "pool: invalid IPv6 (%s) for CN=%s", ip6, cn);
        }
        else
        {
            if ((h6 = v6_to_slot(p, a6)) < 0)
            {
                msg(M_WARN, "pool: IPv6 (%s) out of pool range for CN=%s", ip6, cn);
            }
            h = h < 0 ? h6 : h;
        }
    }
    if (h6 >= 0 && h != h6)
    {
        msg(M_WARN,
            "pool: IPv4 (%s) and IPv6 (%s) have different offsets! Relying on IPv4",
            ip4,
            ip6);
    }
    return h;
}

/* The addresses 2.6 lists for a slot with a common name (the slot base, as
 * it writes to the persist file); false if the slot has no name. */
static bool
slot_text(const struct pool *p, size_t i, char ip4[INET_ADDRSTRLEN], char ip6[INET6_ADDRSTRLEN])
{
    uint8_t a6[16];

    ip4[0] = ip6[0] = '\0';
    if (!p->list[i].cn)
    {
        return false;
    }
    if (p->has_v4)
    {
        fmt_v4(slot_base(p, i), ip4);
    }
    if (pool_slot_v6(p, (int) i, a6))
    {
        inet_ntop(AF_INET6, a6, ip6, INET6_ADDRSTRLEN);
    }
    return true;
}

bool
pool_persist_load(struct pool *p, const char *path, bool fixed)
{
    FILE *f = fopen(path, "r");
    char line[256];

    if (!f)
    {
        /* Missing is normal on a first start (2.6 creates the file). */
        msg(
          errno == ENOENT ? D_IFCONFIG_POOL : M_WARN | M_ERRNO, "Cannot open %s for reading", path);
        return false;
    }
    while (fgets(line, sizeof(line), f))
    {
        char cn[128];
        long h;

        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
        {
            continue;
        }
        msg(M_INFO, "ifconfig_pool_read(), in='%s'", line);
        if ((h = parse_line(p, line, cn)) < 0)
        {
            continue;
        }
        msg(M_INFO, "succeeded -> ifconfig_pool_set(hand=%ld)", h);
        struct pool_entry *e = &p->list[h];
        free(e->cn);
        e->cn = xstrdup(cn);
        e->in_use = false;
        e->fixed = fixed;
        /* 2.6 stamps the load time: after never-used slots, before any
         * later release.  1 orders the same way without a clock here. */
        e->last_release = 1;
    }
    fclose(f);

    msg(D_IFCONFIG_POOL, "IFCONFIG POOL LIST");
    for (size_t i = 0; i < p->size; i++)
    {
        char ip4[INET_ADDRSTRLEN], ip6[INET6_ADDRSTRLEN];

        if (slot_text(p, i, ip4, ip6))
        {
            msg(D_IFCONFIG_POOL, "%s,%s,%s", p->list[i].cn, ip4, ip6);
        }
    }
    return true;
}

bool
pool_persist_save(const struct pool *p, const char *path)
{
    FILE *f = fopen(path, "w");
    bool ok = true;

    if (!f)
    {
        msg(M_WARN | M_ERRNO, "Cannot open %s for writing", path);
        return false;
    }
    for (size_t i = 0; i < p->size; i++)
    {
        char ip4[INET_ADDRSTRLEN], ip6[INET6_ADDRSTRLEN];

        if (slot_text(p, i, ip4, ip6) && fprintf(f, "%s,%s,%s\n", p->list[i].cn, ip4, ip6) < 0)
        {
            ok = false;
        }
    }
    if (fclose(f) != 0 || !ok)
    {
        msg(M_WARN | M_ERRNO, "Error writing %s", path);
        return false;
    }
    return true;
}
