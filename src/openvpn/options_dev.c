/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_dev.c -- handlers for the tun/tap device, its addresses and
 * routes, MTU helpers (--tun-mtu, --mssfix, --fragment) and persistence.
 *
 * Tier 4.  Must not include tier 5+ headers nor tun/route/netlink modules.
 * Literal addresses are checked here with inet_pton() so a typo is a
 * FILE:LINE error; route targets may be host names or the 2.6 keywords
 * (vpn_gateway, net_gateway, remote_host) and are stored as text.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options_table.h"
#include "strutil.h"

static bool
is_ipv4(const char *s)
{
    struct in_addr a;

    return inet_pton(AF_INET, s, &a) == 1;
}

static bool
is_ipv6(const char *s)
{
    struct in6_addr a;

    return inet_pton(AF_INET6, s, &a) == 1;
}

/* "2001:db8::1/64" or "2001:db8::1" (2.6 assumes /64 then). */
static bool
is_ipv6_prefix(const struct opt_loc *loc, const char *kw, const char *s)
{
    char addr[INET6_ADDRSTRLEN + 8];
    char *slash;
    int bits;

    if (!strbcpy(addr, s, sizeof(addr)))
    {
        return false;
    }
    slash = strchr(addr, '/');
    if (slash)
    {
        *slash = '\0';
        if (!opt_int(loc, kw, slash + 1, 0, 128, &bits))
        {
            return false;
        }
    }
    return is_ipv6(addr);
}

static bool
set_flag(bool *flag)
{
    *flag = true;
    return true;
}

OPT_HANDLER(opt_h_dev)
{
    opt_set_str(&o->dev, args[0]);
    return true;
}

OPT_HANDLER(opt_h_dev_type)
{
    if (!streq(args[0], "tun") && !streq(args[0], "tap") && !streq(args[0], "null"))
    {
        opt_error(loc, kw, "'%s' must be tun, tap or null", args[0]);
        return false;
    }
    opt_set_str(&o->dev_type, args[0]);
    return true;
}

OPT_HANDLER(opt_h_dev_node)
{
    opt_set_str(&o->dev_node, args[0]);
    return true;
}

OPT_HANDLER(opt_h_tun_mtu)
{
    if (o->conn_target)
    {
        return opt_int(loc, kw, args[0], 48, 65535, &o->conn_target->tun_mtu);
    }
    /* an optional second value (the MTU announced in OCC) is accepted and ignored */
    o->tun_mtu_defined = true;
    return opt_int(loc, kw, args[0], 48, 65535, &o->tun_mtu);
}

OPT_HANDLER(opt_h_tun_mtu_extra)
{
    return opt_int(loc, kw, args[0], 0, 65535, &o->tun_mtu_extra);
}

OPT_HANDLER(opt_h_link_mtu)
{
    if (o->conn_target)
    {
        return opt_int(loc, kw, args[0], 64, 65535, &o->conn_target->link_mtu);
    }
    return opt_int(loc, kw, args[0], 64, 65535, &o->link_mtu);
}

OPT_HANDLER(opt_h_txqueuelen)
{
    return opt_int(loc, kw, args[0], 0, 1000000, &o->txqueuelen);
}

OPT_HANDLER(opt_h_topology)
{
    if (streq(args[0], "net30"))
    {
        o->topology = TOP_NET30;
    }
    else if (streq(args[0], "p2p"))
    {
        o->topology = TOP_P2P;
    }
    else if (streq(args[0], "subnet"))
    {
        o->topology = TOP_SUBNET;
    }
    else
    {
        opt_error(loc, kw, "--topology must be net30, p2p, or subnet");
        return false;
    }
    return true;
}

OPT_HANDLER(opt_h_ifconfig)
{
    if (!is_ipv4(args[0]) || !is_ipv4(args[1]))
    {
        opt_error(
          loc, kw, "ifconfig parms '%s' and '%s' must be valid addresses", args[0], args[1]);
        return false;
    }
    opt_set_str(&o->ifconfig_local, args[0]);
    opt_set_str(&o->ifconfig_remote_netmask, args[1]);
    return true;
}

OPT_HANDLER(opt_h_ifconfig_ipv6)
{
    if (!is_ipv6_prefix(loc, kw, args[0]) || !is_ipv6(args[1]))
    {
        opt_error(
          loc, kw, "ifconfig-ipv6 parms '%s' and '%s' must be valid addresses", args[0], args[1]);
        return false;
    }
    opt_set_str(&o->ifconfig_ipv6_local, args[0]);
    opt_set_str(&o->ifconfig_ipv6_remote, args[1]);
    return true;
}

OPT_HANDLER(opt_h_ifconfig_noexec)
{
    return set_flag(&o->ifconfig_noexec);
}

OPT_HANDLER(opt_h_ifconfig_nowarn)
{
    return set_flag(&o->ifconfig_nowarn);
}

static bool
metric_ok(const struct opt_loc *loc, const char *kw, const char *arg)
{
    int m;

    return opt_int(loc, kw, arg, 0, 0x7FFFFFFF, &m);
}

OPT_HANDLER(opt_h_route)
{
    struct route_opt *r;

    if (o->n_routes == MAX_ROUTES)
    {
        opt_error(loc, kw, "at most %d routes", MAX_ROUTES);
        return false;
    }
    /* "default" keeps a positional slot empty, as in 2.6 */
    if (nargs > 1 && !streq(args[1], "default") && !is_ipv4(args[1]))
    {
        opt_error(loc, kw, "bad netmask '%s'", args[1]);
        return false;
    }
    if (nargs > 3 && !metric_ok(loc, kw, args[3]))
    {
        return false;
    }
    r = &o->routes[o->n_routes++];
    r->network = xstrdup(args[0]);
    r->netmask = (nargs > 1 && !streq(args[1], "default")) ? xstrdup(args[1]) : NULL;
    r->gateway = (nargs > 2 && !streq(args[2], "default")) ? xstrdup(args[2]) : NULL;
    r->metric = nargs > 3 ? xstrdup(args[3]) : NULL;
    r->loc = *loc;
    return true;
}

OPT_HANDLER(opt_h_route_ipv6)
{
    struct route6_opt *r;

    if (o->n_routes6 == MAX_ROUTES)
    {
        opt_error(loc, kw, "at most %d routes", MAX_ROUTES);
        return false;
    }
    if (!is_ipv6_prefix(loc, kw, args[0]))
    {
        opt_error(loc, kw, "'%s' is not an IPv6 network/bits", args[0]);
        return false;
    }
    if (nargs > 1 && !streq(args[1], "default") && !is_ipv6(args[1]))
    {
        opt_error(loc, kw, "bad gateway '%s'", args[1]);
        return false;
    }
    if (nargs > 2 && !metric_ok(loc, kw, args[2]))
    {
        return false;
    }
    r = &o->routes6[o->n_routes6++];
    r->prefix = xstrdup(args[0]);
    r->gateway = (nargs > 1 && !streq(args[1], "default")) ? xstrdup(args[1]) : NULL;
    r->metric = nargs > 2 ? xstrdup(args[2]) : NULL;
    r->loc = *loc;
    return true;
}

OPT_HANDLER(opt_h_route_gateway)
{
    if (streq(args[0], "dhcp"))
    {
        o->route_gateway_dhcp = true;
        opt_set_str(&o->route_default_gateway, NULL);
        return true;
    }
    if (!is_ipv4(args[0]))
    {
        opt_error(loc, kw, "route-gateway parm '%s' must be a valid address", args[0]);
        return false;
    }
    o->route_gateway_dhcp = false;
    opt_set_str(&o->route_default_gateway, args[0]);
    return true;
}

OPT_HANDLER(opt_h_route_ipv6_gateway)
{
    if (!is_ipv6(args[0]))
    {
        opt_error(loc, kw, "route-ipv6-gateway parm '%s' must be a valid address", args[0]);
        return false;
    }
    opt_set_str(&o->route_ipv6_default_gateway, args[0]);
    return true;
}

OPT_HANDLER(opt_h_route_metric)
{
    return opt_int(loc, kw, args[0], 0, 0x7FFFFFFF, &o->route_default_metric);
}

OPT_HANDLER(opt_h_route_delay)
{
    o->route_delay_defined = true;
    o->route_delay = 0;
    if (nargs > 0 && !opt_int(loc, kw, args[0], 0, 86400, &o->route_delay))
    {
        return false;
    }
    return nargs < 2 || opt_int(loc, kw, args[1], 0, 86400, &o->route_delay_window);
}

OPT_HANDLER(opt_h_route_noexec)
{
    return set_flag(&o->route_noexec);
}

OPT_HANDLER(opt_h_mktun)
{
    return set_flag(&o->mktun);
}

OPT_HANDLER(opt_h_rmtun)
{
    return set_flag(&o->rmtun);
}

OPT_HANDLER(opt_h_persist_tun)
{
    return set_flag(&o->persist_tun);
}

OPT_HANDLER(opt_h_persist_key)
{
    return set_flag(&o->persist_key);
}

OPT_HANDLER(opt_h_persist_local_ip)
{
    return set_flag(&o->persist_local_ip);
}

OPT_HANDLER(opt_h_persist_remote_ip)
{
    return set_flag(&o->persist_remote_ip);
}

OPT_HANDLER(opt_h_mssfix)
{
    if (o->conn_target)
    {
        /* per-connection value only; the mtu/fixed words stay global */
        o->conn_target->mssfix = 1492;
        return nargs == 0 || opt_int(loc, kw, args[0], 0, 65535, &o->conn_target->mssfix);
    }
    /* a bare --mssfix restores 2.6's default (1492, counting the IP/UDP header) */
    o->mssfix_defined = nargs > 0;
    o->mssfix_mtu = nargs == 0;
    o->mssfix_fixed = false;
    o->mssfix = 1492;
    if (nargs > 0 && !opt_int(loc, kw, args[0], 0, 65535, &o->mssfix))
    {
        return false;
    }
    if (nargs > 1)
    {
        if (streq(args[1], "mtu"))
        {
            o->mssfix_mtu = true;
        }
        else if (streq(args[1], "fixed"))
        {
            o->mssfix_fixed = true;
        }
        else
        {
            opt_error(loc, kw, "Unknown parameter to --mssfix: %s", args[1]);
            return false;
        }
    }
    return true;
}

OPT_HANDLER(opt_h_fragment)
{
    if (o->conn_target)
    {
        return opt_int(loc, kw, args[0], 0, 65535, &o->conn_target->fragment);
    }
    if (nargs > 1 && !streq(args[1], "mtu"))
    {
        opt_error(loc, kw, "Unknown parameter to --fragment: %s", args[1]);
        return false;
    }
    o->fragment_mtu = nargs > 1;
    return opt_int(loc, kw, args[0], 0, 65535, &o->fragment);
}
