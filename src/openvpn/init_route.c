/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * init_route.c -- the routes of a tunnel instance: the --route,
 * --route-ipv6 and --redirect-gateway entries resolved against the
 * gateways of the moment (what the scripts then see), and when they go in,
 * as 2.6's do_route and --route-delay decide it: the ADD_ROUTES state, the routes, the
 * redirect_gateway variable and the >UPDOWN:UP notification, either right
 * after the --up hook or, with --route-delay N, N seconds after the
 * moment 2.6 calls do_up (a static-key peer's first packet, the TLS keys,
 * a pull client's PUSH_REPLY).  "Initialization Sequence Completed" waits
 * for them.  The W of --route-delay N W is Windows-only in 2.6 (it bounds
 * a wait for the adapter; Linux never waits), so it is parsed and shown
 * but does nothing here either.
 *
 * Tier 5 (tunnel instance).  Must not include tier 6+ headers (multi*).
 * Owns nothing: the route list lives in struct context.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "error.h"
#include "init.h"
#include "otime.h"
#include "route.h"
#include "sitnl.h"
#include "sockaddr.h"
#include "tunnel_manage.h"
#include "env_set.h"
#include "init_env.h"
#include "plugin.h"
#include "tunnel_plugin.h"

bool
init_routes_build(struct context *c)
{
    const struct options *o = c->o;
    struct route_env env;
    const char *gw6;
    char err[256];

    memset(&env, 0, sizeof(env));
    env.ifname = c->ps->tt.name;
    env.default_metric = o->route_default_metric ? o->route_default_metric : -1;
    if (o->route_default_gateway && inet_pton(AF_INET, o->route_default_gateway, &env.vpn_gateway) == 1)
    {
        env.have_vpn_gateway = true;
    }
    else if (o->ifconfig_remote_netmask && o->topology != TOP_SUBNET
             && tun_dev_type(o->dev, o->dev_type) == DEV_TYPE_TUN
             && inet_pton(AF_INET, o->ifconfig_remote_netmask, &env.vpn_gateway) == 1)
    {
        env.have_vpn_gateway = true;
    }
    {
        char gw_if[16] = "";

        env.have_net_gateway = sitnl_default_gw_v4(&env.net_gateway, gw_if);
        if (env.have_net_gateway && gw_if[0])
        {
            sitnl_iface_addrs_v4(gw_if, env.gw_if_addrs, env.gw_if_prefixes, 8,
                                 &env.n_gw_if_addrs);
        }
    }
    /* --route-ipv6 without a gateway: --route-ipv6-gateway, else the
     * --ifconfig-ipv6 remote (on tun only the log and the env show it) */
    gw6 = o->route_ipv6_default_gateway ? o->route_ipv6_default_gateway : o->ifconfig_ipv6_remote;
    if (gw6 && inet_pton(AF_INET6, gw6, &env.vpn_gateway6) == 1)
    {
        env.have_vpn_gateway6 = true;
    }
    if (c->link_open && c->link.remote_known && c->link.remote.ss.ss_family == AF_INET6)
    {
        /* IPv6 transport: how the remote is reached before the tunnel */
        env.have_remote_host6 = true;
        env.remote_host6 = ((const struct sockaddr_in6 *) &c->link.remote.ss)->sin6_addr;
        bool via_gw = false;

        env.have_net_gateway6 = sitnl_route_v6_best(&env.remote_host6, &env.net_gateway6, &via_gw,
                                                    env.net_gateway6_dev);
        env.net_gateway6_onlink = !via_gw;
    }
    if (o->n_remotes > 0)
    {
        struct link_addr ra;

        if (sockaddr_resolve(o->remotes[c->remote_index].host, "1194", AF_INET, SOCK_DGRAM, false, &ra)
            && ra.ss.ss_family == AF_INET)
        {
            env.have_remote_host = true;
            env.remote_host = ((struct sockaddr_in *)&ra.ss)->sin_addr;
        }
    }
    for (int i = 0; i < o->n_routes; i++)
    {
        const struct route_opt *r = &o->routes[i];
        struct route4 r4;

        if (!route_parse_v4(r->network, r->netmask, r->gateway, r->metric, &env, &r4, err, sizeof(err)))
        {
            route_log_parse_error(r->network, err); /* 2.6 skips the route and carries on */
            continue;
        }
        route_list_add(&c->routes, &r4, NULL);
    }
    for (int i = 0; i < o->n_routes6; i++)
    {
        const struct route6_opt *r = &o->routes6[i];
        struct route6 r6;

        if (!route_parse_v6(r->prefix, r->gateway, r->metric, &env, &r6, err, sizeof(err)))
        {
            route_log_parse_error(r->prefix, err);
            continue;
        }
        route_list_add(&c->routes, NULL, &r6);
    }
    c->n_env_routes = c->routes.n4;
    c->n_env_routes6 = c->routes.n6;
    if ((o->redirect_gateway | o->redirect_private) & RG_ENABLE)
    {
        unsigned int f = o->redirect_gateway | o->redirect_private;
        struct route_redirect rr = {
            .ipv4 = (o->redirect_gateway & RG_ENABLE) && !(f & RG_NOT_IPV4),
            .ipv6 = (f & RG_IPV6) != 0,
            .local = (f & RG_LOCAL) != 0,
            .block_local = (f & RG_BLOCK_LOCAL) != 0,
        };

        route_add_redirect(&c->routes, &env, &rr);
        c->did_redirect = rr.ipv4 && env.have_vpn_gateway; /* redirect_gateway=1 */
    }
    c->route_env = env;
    c->route_env_valid = true;
    return true;
}

static void
add_now(struct context *c)
{
    const struct options *o = c->o;

    if (!o->route_noexec && c->ps->tt.type != DEV_TYPE_NULL)
    {
        /* 2.6 announces the state only for --route entries */
        if (c->n_env_routes > 0)
        {
            tunnel_manage_state(c, "ADD_ROUTES", NULL);
        }
        /* a failed route is logged and the tunnel carries on; 2.6 reports
         * it (CONNECTED,ROUTE_ERROR) only when the routes go in as part of
         * the connection: --route-delay, a pull client, --up-delay */
        bool failed = !route_add_all(&c->routes, c->ps->tt.name);

        c->route_error = failed && (o->route_delay_defined || o->up_delay || o->pull);
        c->routes_done = true;
        c->routes_before_peer = !c->peer_announced;
    }
    tunnel_manage_up_down(c, "UP");
    if (plugin_defined(c->ps->plugins, PLUGIN_ROUTE_UP))
    {
        struct env_set *es = env_set_new();

        init_env_hook(c, es, "route-up");
        env_set_del(es, "script_type"); /* 2.6 sets it for the script only */
        tunnel_plugin_route_up(c, es);
        env_set_free(es);
    }
}

void
init_routes_start(struct context *c, bool opened)
{
    const struct options *o = c->o;

    c->routes_deferred = false;
    c->route_due_ms = 0;
    if (!opened)
    {
        /* --persist-tun restart: the device and its UP are the old ones */
        if (!o->route_noexec && c->ps->tt.type != DEV_TYPE_NULL)
        {
            c->route_error = !route_add_all(&c->routes, c->ps->tt.name);
        }
        return;
    }
    if (o->route_delay_defined && o->mode != MODE_SERVER)
    {
        c->routes_deferred = true;
        return;
    }
    add_now(c);
}

bool
init_routes_due(struct context *c, int64_t now_ms)
{
    if (!c->routes_deferred)
    {
        return true;
    }
    if (c->route_due_ms == 0)
    {
        /* 2.6's do_up starts the timer; 0 s means the next round of the loop */
        c->route_due_ms = now_ms + (int64_t) c->o->route_delay * 1000;
    }
    if (now_ms < c->route_due_ms)
    {
        return false;
    }
    c->routes_deferred = false;
    add_now(c);
    return true;
}

int64_t
init_routes_wait_ms(const struct context *c, int64_t now_ms)
{
    if (!c->routes_deferred || c->route_due_ms == 0)
    {
        return -1;
    }
    return c->route_due_ms > now_ms ? c->route_due_ms - now_ms : 0;
}

int
init_routes_timeout(const struct context *c, int timeout_ms)
{
    int64_t w = init_routes_wait_ms(c, otime_mono_ms());

    return w >= 0 && w < timeout_ms ? (int) w + 1 : timeout_ms;
}

const char *
init_connected_detail(const struct context *c)
{
    return c->route_error ? "ROUTE_ERROR" : "SUCCESS";
}
