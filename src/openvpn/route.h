/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * route.h -- the --route / --route-ipv6 model: turn the option arguments
 * into concrete routes (keywords vpn_gateway, net_gateway, remote_host,
 * default netmask and metric), keep the list, and add / delete them
 * through sitnl, logging as 2.6 does.
 *
 * Tier 3o.  Must not include control-channel, crypto or options headers;
 * init.c fills struct route_env.  The caller owns struct route_list and
 * frees it with route_list_free().
 */
#ifndef OVPN_ROUTE_H
#define OVPN_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

/** What keywords and defaults resolve to. */
struct route_env
{
    bool have_vpn_gateway;
    struct in_addr vpn_gateway; /**< --route-gateway, else ifconfig remote (tun p2p) */
    bool have_net_gateway;
    struct in_addr net_gateway; /**< default gateway before the tunnel */
    bool have_remote_host;
    struct in_addr remote_host; /**< resolved --remote */
    bool have_vpn_gateway6;
    struct in6_addr vpn_gateway6; /**< ifconfig-ipv6 remote */
    int default_metric;           /**< --route-metric, -1 = none */
    const char *ifname;
    /* IPv6 transport: the remote and the route to it before the tunnel */
    bool have_remote_host6;
    struct in6_addr remote_host6;
    bool have_net_gateway6;       /**< a route to remote_host6 exists */
    bool net_gateway6_onlink;     /**< ... without a gateway */
    struct in6_addr net_gateway6;
    char net_gateway6_dev[16];
    /* IPv4 networks on the default gateway's interface (for block-local) */
    struct in_addr gw_if_addrs[8];
    int gw_if_prefixes[8];
    size_t n_gw_if_addrs;
};

struct route4
{
    struct in_addr net;
    int prefixlen;
    struct in_addr gw;
    int metric; /**< -1 = none */
    bool added;
};

struct route6
{
    struct in6_addr net;
    int prefixlen;
    struct in6_addr gw;
    bool have_gw;
    int metric; /**< -1 = none */
    bool added;
    char dev[16]; /**< "" = the tunnel; else this device (the host route to the remote) */
};

struct route_list
{
    struct route4 *r4;
    int n4, cap4;
    struct route6 *r6;
    int n6, cap6;
};

/**
 * Resolve one --route: @p network (address, name or keyword), @p netmask
 * (NULL = 255.255.255.255), @p gateway (NULL/"default" = vpn_gateway),
 * @p metric (NULL/"default" = env default).  Fails with the reason in
 * @p err when a keyword has no value in @p env, an address does not parse
 * or resolve, the netmask is not contiguous, or the network has host bits
 * set under the netmask.
 */
bool route_parse_v4(const char *network,
                    const char *netmask,
                    const char *gateway,
                    const char *metric,
                    const struct route_env *env,
                    struct route4 *out,
                    char *err,
                    size_t errlen);

/** Resolve one --route-ipv6: "net/bits" (bits default 128), optional gateway and metric. */
bool route_parse_v6(const char *prefix,
                    const char *gateway,
                    const char *metric,
                    const struct route_env *env,
                    struct route6 *out,
                    char *err,
                    size_t errlen);

/**
 * Log a route_parse_v4/v6 failure as 2.6 does: "OpenVPN ROUTE: <err>"
 * (unless err already is the generic line), then "OpenVPN ROUTE: failed to
 * parse/resolve route for host/network: <network>".  2.6 skips such a route
 * and carries on; so should the caller.
 */
void route_log_parse_error(const char *network, const char *err);

/** What --redirect-gateway asks for (init.c maps the option flags). */
struct route_redirect
{
    bool ipv4;  /**< redirect IPv4 (not "!ipv4") */
    bool ipv6;  /**< "ipv6" */
    bool local; /**< "local": the server is on the local net, no host route to it */
    bool block_local; /**< "block-local": the local networks go through the tunnel too */
};

/**
 * --redirect-gateway as 2.6 does it on Linux: a host route to the server
 * (env->remote_host) via the old default gateway unless @p rr->local, then
 * 0.0.0.0/1 and 128.0.0.0/1 via the VPN gateway (the "def1" split, which
 * overrides the default route without deleting it; used with and without
 * def1); with ipv6 ::/3, 2000::/4, 3000::/4 and fc00::/7 into the tunnel.
 * Missing gateways are logged with 2.6's "NOTE: unable to redirect ..."
 * lines and that family is skipped.  Appends to @p rl.
 */
void route_add_redirect(struct route_list *rl, const struct route_env *env,
                        const struct route_redirect *rr);

/** Append a copy of exactly one of @p r4 / @p r6 (the other NULL). */
bool route_list_add(struct route_list *rl, const struct route4 *r4, const struct route6 *r6);

void route_list_free(struct route_list *rl);

/**
 * Add every route on @p ifname; a failure is logged and the next route is
 * tried, as 2.6 does.  True if all were added.
 */
bool route_add_all(struct route_list *rl, const char *ifname);

/** Delete the routes route_add_all() added, in reverse order. */
void route_del_all(struct route_list *rl, const char *ifname);

/* Pure helpers, exported for tests and for ifconfig checks. */

/** Prefix length of a contiguous netmask (host order as in_addr); false if not contiguous. */
bool route_netmask_to_prefix(struct in_addr mask, int *prefixlen);

/** The netmask for @p prefixlen in 0..32. */
struct in_addr route_prefix_to_netmask(int prefixlen);

#endif /* OVPN_ROUTE_H */
