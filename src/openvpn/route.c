/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * route.c -- --route / --route-ipv6: resolve the option arguments into
 * concrete routes, keep them in a list, add and delete them via sitnl.
 *
 * Tier 3o.  Must not include control-channel, crypto or options headers.
 * Parsing is pure apart from name resolution (getaddrinfo, as 2.6 does
 * for --route network and gateway names) and never logs: the reason goes
 * to the caller's err buffer, route_log_parse_error() prints it 2.6-style.
 */
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "sitnl.h"
#include "sockaddr.h"
#include "strutil.h"

bool
route_netmask_to_prefix(struct in_addr mask, int *prefixlen)
{
    uint32_t m = ntohl(mask.s_addr);
    uint32_t inv = ~m;

    /* contiguous: the inverted mask is 2^k - 1 */
    if ((inv & (inv + 1)) != 0)
    {
        return false;
    }
    *prefixlen = 32 - __builtin_popcount(inv);
    return true;
}

struct in_addr
route_prefix_to_netmask(int prefixlen)
{
    struct in_addr a;

    if (prefixlen <= 0)
    {
        a.s_addr = 0;
    }
    else if (prefixlen >= 32)
    {
        a.s_addr = 0xFFFFFFFFu;
    }
    else
    {
        a.s_addr = htonl(0xFFFFFFFFu << (32 - prefixlen));
    }
    return a;
}

/* NULL and "default" both mean "not given" (2.6's is_route_parm_defined). */
static bool
parm_defined(const char *s)
{
    return s && s[0] && strcmp(s, "default") != 0;
}

enum special
{
    SPECIAL_NONE,
    SPECIAL_OK,
    SPECIAL_UNDEF
};

/** The keywords vpn_gateway, net_gateway and remote_host; UNDEF when env lacks the value. */
static enum special
special_addr(const char *s,
             const struct route_env *env,
             struct in_addr *out,
             char *err,
             size_t errlen)
{
    bool have;
    const struct in_addr *val;

    if (streq(s, "vpn_gateway"))
    {
        have = env->have_vpn_gateway;
        val = &env->vpn_gateway;
    }
    else if (streq(s, "net_gateway"))
    {
        have = env->have_net_gateway;
        val = &env->net_gateway;
    }
    else if (streq(s, "remote_host"))
    {
        have = env->have_remote_host;
        val = &env->remote_host;
    }
    else
    {
        return SPECIAL_NONE;
    }
    if (!have)
    {
        snprintf(err, errlen, "%s undefined", s);
        return SPECIAL_UNDEF;
    }
    *out = *val;
    return SPECIAL_OK;
}

/** Numeric IPv4 first, then a name lookup; false if neither works. */
static bool
resolve_v4(const char *s, struct in_addr *out)
{
    struct addrinfo hints, *res = NULL;

    if (inet_pton(AF_INET, s, out) == 1)
    {
        return true;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(s, NULL, &hints, &res) != 0 || !res)
    {
        return false;
    }
    *out = ((const struct sockaddr_in *) res->ai_addr)->sin_addr;
    freeaddrinfo(res);
    return true;
}

/** A metric argument, or the env default when not given; -1 = none. */
static bool
parse_metric(const char *network,
             const char *metric,
             const struct route_env *env,
             int *out,
             char *err,
             size_t errlen)
{
    long v;

    if (!parm_defined(metric))
    {
        *out = env->default_metric >= 0 ? env->default_metric : -1;
        return true;
    }
    if (!str_to_int(metric, 0, INT_MAX, &v))
    {
        snprintf(err, errlen, "route metric for network %s (%s) must be >= 0", network, metric);
        return false;
    }
    *out = (int) v;
    return true;
}

/* A special word (vpn_gateway, net_gateway, remote_host) or an address or
 * name; @p what names it in 2.6's "failed to parse/resolve" error. */
static bool
parse_v4_addr(const char *text,
              const char *what,
              const struct route_env *env,
              struct in_addr *out,
              char *err,
              size_t errlen)
{
    switch (special_addr(text, env, out, err, errlen))
    {
        case SPECIAL_OK:
            return true;

        case SPECIAL_UNDEF:
            return false;

        case SPECIAL_NONE:
            break;
    }
    if (!resolve_v4(text, out))
    {
        snprintf(err, errlen, "failed to parse/resolve %s: %s", what, text);
        return false;
    }
    return true;
}

static bool
parse_v4_network(const char *network,
                 const struct route_env *env,
                 struct in_addr *out,
                 char *err,
                 size_t errlen)
{
    return parse_v4_addr(network, "route for host/network", env, out, err, errlen);
}

static bool
parse_v4_gateway(const char *gateway,
                 const struct route_env *env,
                 struct in_addr *out,
                 char *err,
                 size_t errlen)
{
    if (!parm_defined(gateway))
    {
        if (!env->have_vpn_gateway)
        {
            snprintf(err,
                     errlen,
                     "OpenVPN needs a gateway parameter for a --route option and no default "
                     "was specified by either --route-gateway or --ifconfig options");
            return false;
        }
        *out = env->vpn_gateway;
        return true;
    }
    return parse_v4_addr(gateway, "route gateway", env, out, err, errlen);
}

bool
route_parse_v4(const char *network,
               const char *netmask,
               const char *gateway,
               const char *metric,
               const struct route_env *env,
               struct route4 *out,
               char *err,
               size_t errlen)
{
    struct route4 r;
    struct in_addr mask;

    memset(&r, 0, sizeof(r));
    if (errlen)
    {
        err[0] = '\0';
    }
    if (!network || !network[0])
    {
        snprintf(err, errlen, "--route needs a network");
        return false;
    }
    if (!parse_v4_network(network, env, &r.net, err, errlen))
    {
        return false;
    }
    mask.s_addr = 0xFFFFFFFFu;
    if (parm_defined(netmask) && inet_pton(AF_INET, netmask, &mask) != 1)
    {
        snprintf(err, errlen, "route netmask '%s' is not a valid address", netmask);
        return false;
    }
    if (!route_netmask_to_prefix(mask, &r.prefixlen))
    {
        snprintf(
          err, errlen, "route netmask %s for network %s is not a valid netmask", netmask, network);
        return false;
    }
    if ((r.net.s_addr & ~mask.s_addr) != 0)
    {
        /* 2.6 passes this to the kernel, which refuses it; say why up front */
        snprintf(err,
                 errlen,
                 "route network %s is not the network of netmask %s (host bits set)",
                 network,
                 netmask ? netmask : "255.255.255.255");
        return false;
    }
    if (!parse_v4_gateway(gateway, env, &r.gw, err, errlen) ||
        !parse_metric(network, metric, env, &r.metric, err, errlen))
    {
        return false;
    }
    *out = r;
    return true;
}

/** "net/bits", bits default @p dflt; host bits are cleared as 2.6 does. */
static bool
parse_v6_prefix(const char *s, struct in6_addr *net, int *bits)
{
    char tmp[INET6_ADDRSTRLEN + 8];
    char *slash;
    long b = 128;
    int i;

    if (!strbcpy(tmp, s, sizeof(tmp)))
    {
        return false;
    }
    slash = strchr(tmp, '/');
    if (slash)
    {
        *slash = '\0';
        if (!str_to_int(slash + 1, 0, 128, &b))
        {
            return false;
        }
    }
    if (inet_pton(AF_INET6, tmp, net) != 1)
    {
        return false;
    }
    for (i = 0; i < 16; i++)
    {
        int keep = (int) b - i * 8;

        if (keep <= 0)
        {
            net->s6_addr[i] = 0;
        }
        else if (keep < 8)
        {
            net->s6_addr[i] &= (uint8_t) (0xFF << (8 - keep));
        }
    }
    *bits = (int) b;
    return true;
}

bool
route_parse_v6(const char *prefix,
               const char *gateway,
               const char *metric,
               const struct route_env *env,
               struct route6 *out,
               char *err,
               size_t errlen)
{
    struct route6 r;

    memset(&r, 0, sizeof(r));
    if (errlen)
    {
        err[0] = '\0';
    }
    if (!prefix || !parse_v6_prefix(prefix, &r.net, &r.prefixlen))
    {
        snprintf(
          err, errlen, "failed to parse/resolve route for host/network: %s", prefix ? prefix : "");
        return false;
    }
    if (parm_defined(gateway))
    {
        if (inet_pton(AF_INET6, gateway, &r.gw) != 1)
        {
            snprintf(err, errlen, "cannot parse gateway spec '%s'", gateway);
            return false;
        }
        r.have_gw = true;
    }
    else if (env->have_vpn_gateway6)
    {
        r.gw = env->vpn_gateway6;
        r.have_gw = true;
    }
    if (!parse_metric(prefix, metric, env, &r.metric, err, errlen))
    {
        return false;
    }
    *out = r;
    return true;
}

void
route_log_parse_error(const char *network, const char *err)
{
    if (strncmp(err, "failed to parse/resolve", 23) != 0)
    {
        msg(M_WARN, "OpenVPN ROUTE: %s", err);
    }
    msg(M_WARN,
        "OpenVPN ROUTE: failed to parse/resolve route for host/network: %s",
        network ? network : "");
}

/* Grow one of the two arrays; start-up only, so realloc is fine here. */
static bool
grow(void **arr, int *cap, int n, size_t elem)
{
    void *p;
    int ncap;

    if (n < *cap)
    {
        return true;
    }
    if (*cap > INT_MAX / 2)
    {
        return false;
    }
    ncap = *cap ? *cap * 2 : 8;
    p = realloc(*arr, (size_t) ncap * elem);
    if (!p)
    {
        return false;
    }
    *arr = p;
    *cap = ncap;
    return true;
}

bool
route_list_add(struct route_list *rl, const struct route4 *r4, const struct route6 *r6)
{
    if ((r4 == NULL) == (r6 == NULL))
    {
        return false;
    }
    if (r4)
    {
        if (!grow((void **) &rl->r4, &rl->cap4, rl->n4, sizeof(*rl->r4)))
        {
            return false;
        }
        rl->r4[rl->n4] = *r4;
        rl->r4[rl->n4++].added = false;
        return true;
    }
    if (!grow((void **) &rl->r6, &rl->cap6, rl->n6, sizeof(*rl->r6)))
    {
        return false;
    }
    rl->r6[rl->n6] = *r6;
    rl->r6[rl->n6++].added = false;
    return true;
}

static void
add_v4(struct route_list *rl, const char *net, int bits, struct in_addr gw, int metric)
{
    struct route4 r;

    memset(&r, 0, sizeof(r));
    inet_pton(AF_INET, net, &r.net);
    r.prefixlen = bits;
    r.gw = gw;
    r.metric = metric;
    route_list_add(rl, &r, NULL);
}

static bool
in_net(struct in_addr a, struct in_addr net, int prefix)
{
    uint32_t mask = prefix ? 0xFFFFFFFFu << (32 - prefix) : 0;

    return (ntohl(a.s_addr) & mask) == (ntohl(net.s_addr) & mask);
}

/*
 * block-local as 2.6 does it: the default gateway's own network (the
 * address of the gateway interface that contains the gateway, with its
 * netmask) is split in two halves routed through the tunnel (more specific
 * than the on-link route), and the gateway itself keeps a host route.  Not
 * when the server is on that network: the tunnel would cut itself off.
 */
static void
add_block_local(struct route_list *rl, const struct route_env *env)
{
    struct route4 gw = { .net = env->net_gateway, .prefixlen = 32, .gw = env->net_gateway,
                         .metric = -1 };
    struct in_addr lan = { 0 };
    uint32_t mask, net, half;
    int p = -1;

    for (size_t i = 0; i < env->n_gw_if_addrs && p < 0; i++)
    {
        if (in_net(env->net_gateway, env->gw_if_addrs[i], env->gw_if_prefixes[i]))
        {
            p = env->gw_if_prefixes[i];
            lan = env->gw_if_addrs[i];
        }
    }
    if (p <= 0 || p >= 32 || (env->have_remote_host && in_net(env->remote_host, lan, p)))
    {
        return;
    }
    mask = 0xFFFFFFFFu << (32 - p);
    net = ntohl(lan.s_addr) & mask;
    half = (~mask + 1u) >> 1;
    route_list_add(rl, &gw, NULL);
    for (int k = 0; k < 2; k++)
    {
        struct route4 r = { .prefixlen = p + 1, .gw = env->vpn_gateway,
                            .metric = env->default_metric };

        r.net.s_addr = htonl(net + (uint32_t) k * half);
        route_list_add(rl, &r, NULL);
    }
}

/* 2.6: when a redirect route would swallow an IPv6 remote, the tunnel's own
 * packets get a host route the old way (metric 1, on the old device). */
static void
add_v6_remote_host(struct route_list *rl, const struct route_env *env,
                   const char *const *nets, const int *bits, size_t n)
{
    char remote[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN], net[INET6_ADDRSTRLEN];
    struct route6 host;

    if (!env->have_remote_host6 || !env->have_net_gateway6)
    {
        return;
    }
    inet_ntop(AF_INET6, &env->remote_host6, remote, sizeof(remote));
    inet_ntop(AF_INET6, &env->net_gateway6, gw, sizeof(gw));
    if (env->net_gateway6_onlink)
    {
        msg(D_ROUTE, "ROUTE6_GATEWAY %s ON_LINK IFACE=%s", remote, env->net_gateway6_dev);
    }
    else
    {
        msg(D_ROUTE, "ROUTE6_GATEWAY %s IFACE=%s", gw, env->net_gateway6_dev);
    }
    for (size_t i = 0; i < n; i++)
    {
        struct in6_addr a;

        inet_pton(AF_INET6, nets[i], &a);
        if (!sockaddr_in6_in_net(&env->remote_host6, &a, bits[i]))
        {
            continue;
        }
        inet_ntop(AF_INET6, &a, net, sizeof(net));
        msg(D_ROUTE, "ROUTE6: %s/%d overlaps IPv6 remote %s, adding host route to VPN endpoint",
            net, bits[i], remote);
        memset(&host, 0, sizeof(host));
        host.net = env->remote_host6;
        host.prefixlen = 128;
        host.have_gw = !env->net_gateway6_onlink;
        host.gw = env->net_gateway6;
        host.metric = 1;
        strbcpy(host.dev, env->net_gateway6_dev, sizeof(host.dev));
        route_list_add(rl, NULL, &host);
        return;
    }
}

void
route_add_redirect(struct route_list *rl, const struct route_env *env,
                   const struct route_redirect *rr)
{
    static const char *const v6_nets[] = { "::", "2000::", "3000::", "fc00::" };
    static const int v6_bits[] = { 3, 4, 4, 7 };

    if (rr->ipv4)
    {
        if (!env->have_vpn_gateway)
        {
            msg(M_WARN, "NOTE: unable to redirect IPv4 default gateway -- VPN gateway parameter "
                        "(--route-gateway or --ifconfig) is missing");
        }
        else if (!env->have_net_gateway)
        {
            msg(M_WARN, "NOTE: unable to redirect IPv4 default gateway -- Cannot read current "
                        "default gateway from system");
        }
        else
        {
            /* the tunnel's own packets must keep using the old way out */
            if (!rr->local && env->have_remote_host)
            {
                struct route4 host = { .net = env->remote_host, .prefixlen = 32,
                                       .gw = env->net_gateway, .metric = -1 };

                route_list_add(rl, &host, NULL);
            }
            add_v4(rl, "0.0.0.0", 1, env->vpn_gateway, env->default_metric);
            add_v4(rl, "128.0.0.0", 1, env->vpn_gateway, env->default_metric);
            if (rr->block_local)
            {
                add_block_local(rl, env);
            }
        }
    }
    if (rr->ipv6)
    {
        add_v6_remote_host(rl, env, v6_nets, v6_bits, sizeof(v6_bits) / sizeof(v6_bits[0]));
        for (size_t i = 0; i < sizeof(v6_bits) / sizeof(v6_bits[0]); i++)
        {
            struct route6 r;

            memset(&r, 0, sizeof(r));
            inet_pton(AF_INET6, v6_nets[i], &r.net);
            r.prefixlen = v6_bits[i];
            r.have_gw = env->have_vpn_gateway6;
            r.gw = env->vpn_gateway6;
            r.metric = env->default_metric;
            route_list_add(rl, NULL, &r);
        }
    }
}

void
route_list_free(struct route_list *rl)
{
    free(rl->r4);
    free(rl->r6);
    memset(rl, 0, sizeof(*rl));
}

/*
 * IPv4 routes go "via gateway" without a device, as 2.6 does: the kernel
 * picks the device that reaches the gateway (the tun for vpn_gateway, the
 * physical link for net_gateway).  A 0.0.0.0 gateway means on-link.
 */
static bool
route4_apply(bool add, const struct route4 *r, const char *ifname)
{
    char net[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
    bool onlink = r->gw.s_addr == 0;
    const char *dev = onlink ? ifname : NULL;

    inet_ntop(AF_INET, &r->net, net, sizeof(net));
    inet_ntop(AF_INET, &r->gw, gw, sizeof(gw));
    msg(D_ROUTE,
        "net_route_v4_%s: %s/%d via %s dev %s table 0 metric %d",
        add ? "add" : "del",
        net,
        r->prefixlen,
        gw,
        dev ? dev : "[NULL]",
        r->metric);
    if (!sitnl_route_v4(add, &r->net, r->prefixlen, onlink ? NULL : &r->gw, dev, r->metric))
    {
        msg(M_WARN, "ERROR: Linux route %s command failed", add ? "add" : "delete");
        return false;
    }
    return true;
}

/*
 * On a tun (layer 3) device there is no neighbour to resolve, so the route
 * goes to the device and the gateway is only informational (2.6 logs
 * "via ::" there).  On tap the gateway is used.
 */
static bool
route6_apply(bool add, const struct route6 *r, const char *tun_ifname)
{
    char net[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN], used[INET6_ADDRSTRLEN];
    const char *ifname = r->dev[0] ? r->dev : tun_ifname;
    bool use_gw = r->have_gw && (r->dev[0] || !sitnl_iface_is_l3(ifname));
    static const struct in6_addr any = IN6ADDR_ANY_INIT;

    inet_ntop(AF_INET6, &r->net, net, sizeof(net));
    inet_ntop(AF_INET6, r->have_gw ? &r->gw : &any, gw, sizeof(gw));
    inet_ntop(AF_INET6, use_gw ? &r->gw : &any, used, sizeof(used));
    if (add)
    {
        msg(D_ROUTE,
            "add_route_ipv6(%s/%d -> %s metric %d) dev %s",
            net,
            r->prefixlen,
            gw,
            r->metric,
            ifname);
        /* an L2 device needs a next hop unless metric 0 says on-link (2.6) */
        if (!r->dev[0] && !sitnl_iface_is_l3(ifname) && r->metric != 0
            && (!r->have_gw || IN6_IS_ADDR_UNSPECIFIED(&r->gw)))
        {
            msg(M_WARN,
                "ROUTE6 WARNING: OpenVPN needs a gateway parameter for a --route-ipv6 option and "
                "no default was set via --ifconfig-ipv6 or --route-ipv6-gateway option.  Not "
                "installing IPv6 route to %s/%d.",
                net, r->prefixlen);
            return false;
        }
    }
    else
    {
        msg(D_ROUTE, "delete_route_ipv6(%s/%d)", net, r->prefixlen);
    }
    msg(D_ROUTE,
        "net_route_v6_%s: %s/%d via %s dev %s table 0 metric %d",
        add ? "add" : "del",
        net,
        r->prefixlen,
        used,
        ifname,
        r->metric);
    if (!sitnl_route_v6(add, &r->net, r->prefixlen, use_gw ? &r->gw : NULL, ifname, r->metric))
    {
        msg(M_WARN, "ERROR: Linux route -6 %s command failed", add ? "add" : "delete");
        return false;
    }
    return true;
}

bool
route_add_all(struct route_list *rl, const char *ifname)
{
    bool all = true;
    int i;

    for (i = 0; i < rl->n4; i++)
    {
        if (!rl->r4[i].added)
        {
            rl->r4[i].added = route4_apply(true, &rl->r4[i], ifname);
            all = all && rl->r4[i].added;
        }
    }
    for (i = 0; i < rl->n6; i++)
    {
        if (!rl->r6[i].added)
        {
            rl->r6[i].added = route6_apply(true, &rl->r6[i], ifname);
            all = all && rl->r6[i].added;
        }
    }
    return all;
}

void
route_del_all(struct route_list *rl, const char *ifname)
{
    int i;

    for (i = rl->n4 - 1; i >= 0; i--)
    {
        if (rl->r4[i].added)
        {
            route4_apply(false, &rl->r4[i], ifname);
            rl->r4[i].added = false;
        }
    }
    for (i = rl->n6 - 1; i >= 0; i--)
    {
        if (rl->r6[i].added)
        {
            route6_apply(false, &rl->r6[i], ifname);
            rl->r6[i].added = false;
        }
    }
}
