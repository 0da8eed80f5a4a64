/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi_route.c -- a client learns a route (its own address, an iroute, a
 * tap MAC) in the server's virtual-address table, within its
 * --max-routes-per-client quota: 2.6 counts every route a client owns and
 * refuses the one past the limit with "MULTI ROUTE: route quota (N)
 * exceeded for CLIENT".  A route that moves to another client is counted
 * for its new owner only.
 *
 * Tier 6.  Includes tiers 0-6 only.  Owns nothing: the table owns its
 * nodes, the instances their counters.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "multi.h"

/* The route is @p mi's already, or @p mi may take one more; logs 2.6's lines. */
static bool
quota_allows(const struct multi_context *m, struct multi_instance *mi, void *prev,
             const char *text)
{
    if (prev == mi)
    {
        return false; /* nothing to learn */
    }
    if (mi->route_count >= m->o->max_routes_per_client)
    {
        msg(D_ROUTE_QUOTA,
            "MULTI ROUTE: route quota (%d) exceeded for %s (see --max-routes-per-client option)",
            m->o->max_routes_per_client, mi->prefix);
        msg(D_MULTI_LOW, "MULTI: Learn FAILED: %s -> %s", text, mi->prefix);
        return false;
    }
    return true;
}

static bool
learned(struct multi_instance *mi, void *prev, bool added, const char *text)
{
    if (!added)
    {
        return false;
    }
    mi->route_count++;
    if (prev)
    {
        ((struct multi_instance *) prev)->route_count--;
    }
    msg(D_MULTI_LOW, "MULTI: Learn: %s -> %s", text, mi->prefix);
    return true;
}

bool
multi_learn_v4(struct multi_context *m, struct multi_instance *mi, uint32_t addr, int bits,
               time_t now)
{
    void *prev = mroute_owner_v4(m->routes, addr, bits);
    struct in_addr a = { .s_addr = htonl(addr) };
    char text[MROUTE_TEXT_MAX], ip[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &a, ip, sizeof(ip));
    snprintf(text, sizeof(text), bits == MROUTE_HOST ? "%s" : "%s/%d", ip, bits);
    if (!quota_allows(m, mi, prev, text))
    {
        return prev == mi;
    }
    return learned(mi, prev, mroute_add_v4(m->routes, addr, bits, mi, now), text);
}

bool
multi_learn_v6(struct multi_context *m, struct multi_instance *mi, const uint8_t addr[16],
               int bits, time_t now)
{
    void *prev = mroute_owner_v6(m->routes, addr, bits);
    char text[MROUTE_TEXT_MAX], ip[INET6_ADDRSTRLEN];

    inet_ntop(AF_INET6, addr, ip, sizeof(ip));
    snprintf(text, sizeof(text), bits == MROUTE_HOST ? "%s" : "%s/%d", ip, bits);
    if (!quota_allows(m, mi, prev, text))
    {
        return prev == mi;
    }
    return learned(mi, prev, mroute_add_v6(m->routes, addr, bits, mi, now), text);
}

bool
multi_learn_mac(struct multi_context *m, struct multi_instance *mi, const uint8_t mac[6],
                time_t now)
{
    void *prev = mroute_lookup_mac(m->routes, mac, 0);
    char text[MROUTE_TEXT_MAX];

    snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x@0", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
    if (!quota_allows(m, mi, prev, text))
    {
        return prev == mi;
    }
    return learned(mi, prev, mroute_add_mac(m->routes, mac, mi, now), text);
}
