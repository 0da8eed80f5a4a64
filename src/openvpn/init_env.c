/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * init_env.c -- the environment 2.6 gives --up/--down scripts of a tunnel
 * instance (device, addresses, routes, foreign_option_N, certificate and
 * peer variables, the closing signal), and running those hooks.  Split from
 * init.c; see init_env.h.  Tier 5.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "env_set.h"
#include "error.h"
#include "init.h"
#include "otime.h"
#include "run_command.h"
#include "sig.h"
#include "sitnl.h"
#include "sockaddr.h"
#include "strutil.h"
#include "init_env.h"
#include "plugin.h"
#include "tunnel_plugin.h"
#include "tunnel_tls.h"

/* The signal that ended the instance, for the down script's "signal". */
static int close_signal;

/* Whether this instance opened the device (not kept by --persist-tun):
 * only then has 2.6 set up routes and "redirect_gateway". */
static bool tun_opened_here;

/* Unix time of the first script environment, for "daemon_start_time" (2.6
 * records the process start; the first environment is built at start-up). */
static time_t start_wall;

static time_t
daemon_start_time(void)
{
    if (start_wall == 0)
    {
        start_wall = otime_wall();
    }
    return start_wall;
}

/* 2.6 names the protocol with its address family when one was given:
 * "udp4", "tcp6-client", else "udp", "tcp-client". */
static const char *
script_proto_name(const struct options *o, int proto, sa_family_t af)
{
    static const char *const names[3][3] = {
        { "udp", "udp4", "udp6" },
        { "tcp-server", "tcp4-server", "tcp6-server" },
        { "tcp-client", "tcp4-client", "tcp6-client" },
    };
    int fam = af == AF_INET ? 1 : af == AF_INET6 ? 2 : 0;
    int kind = proto == PROTO_UDP ? 0 : proto == PROTO_TCP_SERVER ? 1 : 2;

    if (proto == PROTO_TCP) /* not resolved for this entry: the role decides, as 2.6 */
    {
        kind = o->tls_server || o->mode == MODE_SERVER ? 1 : 2;
    }
    return names[kind][fam];
}

/*
 * 2.6 exports every connection entry at start-up, numbered from 1 whichever
 * one is in use: proto_N, local_N (if set), local_port_N (unless --nobind),
 * remote_N (if set) and remote_port_N.  Without --remote there is one entry
 * with only the local side and the default port.
 */
static void
script_env_connections(const struct options *o, struct env_set *es)
{
    int n = o->n_remotes > 0 ? o->n_remotes : 1;
    char name[32];

    for (int i = 0; i < n; i++)
    {
        const struct remote_entry *r = o->n_remotes > 0 ? &o->remotes[i] : NULL;
        bool own_proto = r && r->proto >= 0;
        int proto = own_proto ? r->proto : o->proto;
        sa_family_t af = own_proto ? r->af : o->proto_af;
        const char *local = r && r->local_host ? r->local_host : o->local_host;
        const char *lport = r && r->local_port ? r->local_port : o->local_port;
        bool bind = r && r->bind_local >= 0 ? r->bind_local != 0 : o->bind_local;
        const char *rport = r && r->port ? r->port : o->remote_port;

        snprintf(name, sizeof(name), "proto_%d", i + 1);
        env_set_add(es, name, script_proto_name(o, proto, af));
        if (local)
        {
            snprintf(name, sizeof(name), "local_%d", i + 1);
            env_set_add(es, name, local);
        }
        if (bind)
        {
            snprintf(name, sizeof(name), "local_port_%d", i + 1);
            env_set_add(es, name, lport ? lport : "1194");
        }
        if (r)
        {
            snprintf(name, sizeof(name), "remote_%d", i + 1);
            env_set_add(es, name, r->host);
        }
        snprintf(name, sizeof(name), "remote_port_%d", i + 1);
        env_set_add(es, name, rport ? rport : "1194");
    }
}

static void script_env_peer(struct context *c, struct env_set *es, bool untrusted);

/* What 2.6 has added to the environment by the time the tunnel closes:
 * the route state, the closing signal and the peer's address. */
static void
script_env_down(struct context *c, struct env_set *es)
{
    const char *reason = sig_reason();
    char sig[16];

    if (tun_opened_here)
    {
        env_set_add(es, "redirect_gateway", c->did_redirect ? "1" : "0");
    }
    if (reason && *reason)
    {
        env_set_add(es, "signal", reason);
    }
    else if (close_signal)
    {
        snprintf(sig, sizeof(sig), "%s", init_signal_name(close_signal));
        for (char *p = sig; *p; p++)
        {
            *p = (char)tolower((unsigned char)*p);
        }
        env_set_add(es, "signal", sig);
    }
    script_env_peer(c, es, false);
}

/* How many of the dhcp-option values came from the configuration (the
 * rest were pushed): 2.6 numbers them on in one foreign_option_N series. */
static int
n_configured_dhcp(const struct context *c)
{
    const struct push_saved *ps = &c->ps->push_saved;

    return ps->valid && ps->n_dhcp_options <= c->o->n_dhcp_options ? ps->n_dhcp_options
                                                                   : c->o->n_dhcp_options;
}

/* foreign_option_N for the dhcp-option values [from, to). */
static void
script_env_foreign(const struct options *o, struct env_set *es, int from, int to)
{
    char name[40];

    for (int i = from; i < to; i++)
    {
        snprintf(name, sizeof(name), "foreign_option_%d", i + 1);
        env_set_addf(es, name, "dhcp-option %s", o->dhcp_options[i]);
    }
}

/* 2.6's route variables, in the order it sets them: route_net_gateway,
 * route_vpn_gateway, route_network_N ..., route_ipv6_network_N ... */
static void
script_env_routes(struct context *c, struct env_set *es)
{
    const struct route_env *re = &c->route_env;
    const struct options *o = c->o;
    char a[INET6_ADDRSTRLEN], name[40];
    /* 2.6 has an IPv4 route list (and so these variables) only with
     * routes (configured, pushed or from --server) or a redirect; neither
     * --route-gateway nor pull mode alone makes one (checked with 2.6) */
    bool listed = o->n_routes > 0 || ((o->redirect_gateway | o->redirect_private) & RG_ENABLE);

    if (!c->route_env_valid)
    {
        return;
    }
    if (listed)
    {
        /* 2.6 reports 0.0.0.0 when the system has no default route */
        env_set_add(es, "route_net_gateway",
                    re->have_net_gateway ? inet_ntop(AF_INET, &re->net_gateway, a, sizeof(a))
                                         : "0.0.0.0");
    }
    if ((listed || c->vpn_gateway_dhcp) && re->have_vpn_gateway)
    {
        env_set_add(es, "route_vpn_gateway", inet_ntop(AF_INET, &re->vpn_gateway, a, sizeof(a)));
    }
    for (int i = 0; i < c->n_env_routes && i < c->routes.n4; i++)
    {
        const struct route4 *r = &c->routes.r4[i];
        struct in_addr mask = route_prefix_to_netmask(r->prefixlen);

        snprintf(name, sizeof(name), "route_network_%d", i + 1);
        env_set_add(es, name, inet_ntop(AF_INET, &r->net, a, sizeof(a)));
        snprintf(name, sizeof(name), "route_netmask_%d", i + 1);
        env_set_add(es, name, inet_ntop(AF_INET, &mask, a, sizeof(a)));
        snprintf(name, sizeof(name), "route_gateway_%d", i + 1);
        env_set_add(es, name, inet_ntop(AF_INET, &r->gw, a, sizeof(a)));
        if (r->metric >= 0)
        {
            snprintf(name, sizeof(name), "route_metric_%d", i + 1);
            env_set_addf(es, name, "%d", r->metric);
        }
    }
    for (int i = 0; i < c->n_env_routes6 && i < c->routes.n6; i++)
    {
        const struct route6 *r = &c->routes.r6[i];

        snprintf(name, sizeof(name), "route_ipv6_network_%d", i + 1);
        env_set_addf(es, name, "%s/%d", inet_ntop(AF_INET6, &r->net, a, sizeof(a)), r->prefixlen);
        if (r->have_gw)
        {
            snprintf(name, sizeof(name), "route_ipv6_gateway_%d", i + 1);
            env_set_add(es, name, inet_ntop(AF_INET6, &r->gw, a, sizeof(a)));
        }
    }
}

/* The peer's address as the tunnel knows it: trusted_ip/_port (with
 * @p untrusted also untrusted_ip/_port first, as 2.6 sets them). */
static void
script_env_peer(struct context *c, struct env_set *es, bool untrusted)
{
    char buf[SOCKADDR_PRINT_MAX];
    bool v6 = c->peer.ss.ss_family == AF_INET6;

    if (!c->peer_known)
    {
        return;
    }
    sockaddr_print_addr(&c->peer, buf, sizeof(buf));
    if (untrusted)
    {
        env_set_add(es, v6 ? "untrusted_ip6" : "untrusted_ip", buf);
        env_set_addf(es, "untrusted_port", "%u", sockaddr_port(&c->peer));
    }
    env_set_add(es, v6 ? "trusted_ip6" : "trusted_ip", buf);
    env_set_addf(es, "trusted_port", "%u", sockaddr_port(&c->peer));
}

/* TLS mode, in 2.6's order: the certificate variables from the CA down,
 * where the handshake comes from, and the peer's common_name. */
static void
script_env_tls(struct context *c, struct env_set *es)
{
    const struct ssl_verify_state *vs = &c->tls->verify_state;

    for (size_t i = 0; i < vs->env.n; i++)
    {
        if (strcmp(vs->env.e[i].name, "common_name") != 0)
        {
            env_set_add(es, vs->env.e[i].name, vs->env.e[i].value);
        }
    }
    script_env_peer(c, es, true);
    if (vs->common_name[0])
    {
        env_set_add(es, "common_name", vs->common_name);
    }
}

/* What 2.6 exports once per process, oldest first: --setenv values,
 * configured dhcp-options, then config, verb, daemon... and the
 * connection entries. */
static void
script_env_process(struct context *c, struct env_set *es)
{
    const struct options *o = c->o;

    for (int i = 0; i < o->n_setenv; i++)
    {
        env_set_add(es, o->setenv_names[i], o->setenv_values[i]);
    }
    script_env_foreign(o, es, 0, n_configured_dhcp(c));
    if (o->config_file)
    {
        env_set_add(es, "config", o->config_file);
    }
    env_set_addf(es, "verb", "%d", o->verb);
    env_set_add(es, "daemon", o->daemon ? "1" : "0");
    env_set_add(es, "daemon_log_redirect", o->log_file ? "1" : "0");
    env_set_addf(es, "daemon_start_time", "%lld", (long long)daemon_start_time());
    env_set_addf(es, "daemon_pid", "%d", (int)getpid());
    script_env_connections(o, es);
}

/* The device's addresses (2.6's do_ifconfig_setenv). */
static void
script_env_ifconfig(const struct options *o, struct env_set *es)
{
    enum dev_type dt = tun_dev_type(o->dev, o->dev_type);

    if (o->ifconfig_local)
    {
        env_set_add(es, "ifconfig_local", o->ifconfig_local);
        env_set_add(es, (dt == DEV_TYPE_TAP || o->topology == TOP_SUBNET) ? "ifconfig_netmask"
                                                                          : "ifconfig_remote",
                    o->ifconfig_remote_netmask);
    }
    if (o->ifconfig_ipv6_local)
    {
        char addr[64];
        const char *slash = strchr(o->ifconfig_ipv6_local, '/');

        snprintf(addr, sizeof(addr), "%.*s",
                 (int)(slash ? (size_t)(slash - o->ifconfig_ipv6_local) : strlen(o->ifconfig_ipv6_local)),
                 o->ifconfig_ipv6_local);
        env_set_add(es, "ifconfig_ipv6_local", addr);
        env_set_add(es, "ifconfig_ipv6_netbits", slash ? slash + 1 : "128");
        if (o->ifconfig_ipv6_remote)
        {
            env_set_add(es, "ifconfig_ipv6_remote", o->ifconfig_ipv6_remote);
        }
    }
}

/* What 2.6 sets for the device when it runs the up/down hooks. */
static void
script_env_device(struct context *c, struct env_set *es, bool restart)
{
    const struct options *o = c->o;

    env_set_add(es, "script_context", restart ? "restart" : "init");
    env_set_addf(es, "tun_mtu", "%d", o->tun_mtu);
    env_set_add(es, "dev", c->ps->tt.name);
    env_set_add(es, "dev_type", dev_type_string(tun_dev_type(o->dev, o->dev_type)));
}

static void
script_env(struct context *c, struct env_set *es, const char *type, bool restart)
{
    script_env_process(c, es);
    env_set_add(es, "script_type", type);
    if (strcmp(type, "down") == 0 || strcmp(type, "route-pre-down") == 0)
    {
        script_env_down(c, es);
    }
    script_env_device(c, es, restart);
    script_env_ifconfig(c->o, es);
    script_env_routes(c, es);
    script_env_foreign(c->o, es, n_configured_dhcp(c), c->o->n_dhcp_options);
    if (c->tls && strcmp(type, "tls-verify") != 0)
    {
        script_env_tls(c, es);
    }
}

/* The route variables as a client of 2.6 inherits them: each route's
 * gateway, netmask, network (in that order), then the two gateways. */
static void
server_base_routes(struct context *c, struct env_set *es)
{
    static const char *const per_route[] = { "route_metric_", "route_gateway_", "route_netmask_",
                                             "route_network_" };
    struct env_set *all = env_set_new();
    char name[40];
    const char *v;

    if (c->o->n_routes + c->o->n_routes6 == 0)
    {
        env_set_free(all);
        return; /* 2.6's server has no route variables then */
    }
    script_env_routes(c, all);
    for (int i = 1; i <= c->routes.n4; i++)
    {
        for (size_t k = 0; k < sizeof(per_route) / sizeof(per_route[0]); k++)
        {
            snprintf(name, sizeof(name), "%s%d", per_route[k], i);
            if ((v = env_set_get(all, name)) != NULL)
            {
                env_set_add(es, name, v);
            }
        }
    }
    if ((v = env_set_get(all, "route_vpn_gateway")) != NULL)
    {
        env_set_add(es, "route_vpn_gateway", v);
    }
    if ((v = env_set_get(all, "route_net_gateway")) != NULL)
    {
        env_set_add(es, "route_net_gateway", v);
    }
    env_set_free(all);
}

/*
 * The variables a server's client instance starts with: 2.6 copies the
 * server's own environment into each new client, so a management >CLIENT:
 * block lists them (newest first) below the client's own.  Oldest first
 * here, in the order 2.6 has set them by then.
 */
void
init_env_server_base(struct context *c, struct env_set *es)
{
    const struct options *o = c->o;
    enum dev_type dt = tun_dev_type(o->dev, o->dev_type);

    env_set_add(es, "redirect_gateway", "0");
    env_set_add(es, "dev_type", dev_type_string(dt));
    env_set_add(es, "dev", c->ps->tt.name);
    env_set_addf(es, "tun_mtu", "%d", o->tun_mtu);
    env_set_add(es, "script_context", "init");
    server_base_routes(c, es);
    if (o->ifconfig_ipv6_local)
    {
        size_t n = strcspn(o->ifconfig_ipv6_local, "/");
        char addr[64];

        if (o->ifconfig_ipv6_remote)
        {
            env_set_add(es, "ifconfig_ipv6_remote", o->ifconfig_ipv6_remote);
        }
        env_set_add(es, "ifconfig_ipv6_netbits",
                    o->ifconfig_ipv6_local[n] ? o->ifconfig_ipv6_local + n + 1 : "128");
        snprintf(addr, sizeof(addr), "%.*s", (int)n, o->ifconfig_ipv6_local);
        env_set_add(es, "ifconfig_ipv6_local", addr);
    }
    if (o->ifconfig_local)
    {
        env_set_add(es, (dt == DEV_TYPE_TAP || o->topology == TOP_SUBNET) ? "ifconfig_netmask"
                                                                          : "ifconfig_remote",
                    o->ifconfig_remote_netmask);
        env_set_add(es, "ifconfig_local", o->ifconfig_local);
    }
    for (int i = 0; i < o->n_setenv; i++)
    {
        env_set_add(es, o->setenv_names[i], o->setenv_values[i]);
    }
    if (o->config_file)
    {
        env_set_add(es, "config", o->config_file);
    }
    env_set_addf(es, "verb", "%d", o->verb);
    env_set_add(es, "daemon", o->daemon ? "1" : "0");
    env_set_add(es, "daemon_log_redirect", o->log_file ? "1" : "0");
    env_set_addf(es, "daemon_start_time", "%lld", (long long)daemon_start_time());
    env_set_addf(es, "daemon_pid", "%d", (int)getpid());
    script_env_connections(o, es);
}

/*
 * The >UPDOWN: environment.  2.6 shows the instance's environment as it
 * stands: the variables this instance set, newest first, then those of
 * the process, oldest first (it copies them into each instance that way).
 * So this builds both parts in the order 2.6 sets them and emits the
 * instance part backwards.  Instance part, oldest first: the TLS
 * handshake's variables, pushed dhcp-options, the device addresses, the
 * routes, the up hook's device variables (script_type only with --up),
 * then redirect_gateway once the routes went in; a static-key peer's
 * trusted_ip/_port come in when it first answers, before or after that.
 */
void
init_env_updown(struct context *c, void (*emit)(void *arg, const char *var), void *arg)
{
    const struct options *o = c->o;
    struct env_set *base = env_set_new(), *inst = env_set_new();
    bool peer = !c->tls && c->peer_announced;
    char **v;

    script_env_process(c, base);
    if (c->tls)
    {
        script_env_tls(c, inst);
    }
    script_env_foreign(o, inst, n_configured_dhcp(c), o->n_dhcp_options);
    script_env_ifconfig(o, inst);
    script_env_routes(c, inst);
    if (c->ps->tun_open)
    {
        script_env_device(c, inst, false);
    }
    if (o->up_script && c->ps->tun_open)
    {
        env_set_add(inst, "script_type", "up");
    }
    if (peer && !c->routes_before_peer)
    {
        script_env_peer(c, inst, false);
    }
    if (c->routes_done)
    {
        env_set_add(inst, "redirect_gateway", c->did_redirect ? "1" : "0");
    }
    if (peer && c->routes_before_peer)
    {
        script_env_peer(c, inst, false);
    }
    v = env_set_envp(inst);
    for (size_t i = env_set_count(inst); i > 0; i--)
    {
        emit(arg, v[i - 1]);
    }
    v = env_set_envp(base);
    for (size_t i = 0; i < env_set_count(base); i++)
    {
        emit(arg, v[i]);
    }
    env_set_free(inst);
    env_set_free(base);
}

/* The plugin event of an --up/--down style hook, or -1. */
static int
hook_plugin_type(const char *type)
{
    if (strcmp(type, "up") == 0)
    {
        return PLUGIN_UP;
    }
    if (strcmp(type, "down") == 0)
    {
        return PLUGIN_DOWN;
    }
    if (strcmp(type, "route-pre-down") == 0)
    {
        return PLUGIN_ROUTE_PREDOWN;
    }
    return -1;
}

void
init_run_hook(struct context *c, const char *cmd, const char *type, bool restart)
{
    const struct options *o = c->o;
    int ptype = hook_plugin_type(type);
    struct env_set *es;
    char mtu[16];
    const char *args[8];
    int status;

    if (!cmd && (ptype < 0 || !plugin_defined(c->ps->plugins, (enum plugin_type)ptype)))
    {
        return;
    }
    es = env_set_new();
    script_env(c, es, type, restart);
    snprintf(mtu, sizeof(mtu), "%d", o->tun_mtu);
    args[0] = c->ps->tt.name;
    args[1] = mtu;
    args[2] = "0"; /* link_mtu: 2.6 passes 0 */
    args[3] = o->ifconfig_local ? o->ifconfig_local : "";
    args[4] = o->ifconfig_remote_netmask ? o->ifconfig_remote_netmask : "";
    args[5] = restart ? "restart" : "init";
    args[6] = NULL;
    /* 2.6 calls the plugins first, with the script's arguments; a failure is fatal */
    env_set_del(es, "script_type"); /* 2.6 sets it for the script only */
    if (ptype >= 0 && tunnel_plugin_call(c, (enum plugin_type)ptype, args, es) != PLUGIN_SUCCESS)
    {
        env_set_free(es);
        msg(M_FATAL, "ERROR: up/down plugin call failed");
    }
    env_set_add(es, "script_type", type);
    if (cmd && !run_script(cmd, args, es, o->script_security, type, &status)
        && strcmp(type, "up") == 0)
    {
        /* 2.6: a failed or disallowed --up ends the process; run_script()
         * has said why. */
        env_set_free(es);
        msg(M_INFO, "Exiting due to fatal error");
        openvpn_exit(1);
    }
    env_set_free(es);
}

void
init_env_plugin_open(struct context *c, struct env_set *es)
{
    script_env_process(c, es);
}

void
init_env_hook(struct context *c, struct env_set *es, const char *type)
{
    script_env(c, es, type, false);
}

/*
 * 2.6 builds one environment per instance and adds to it as the tunnel
 * comes up; a --tls-verify script sees it as it is during the handshake:
 * the start-up variables, redirect_gateway once the routes were set up (the
 * device is up by then), and the address the handshake comes from as
 * untrusted_ip/untrusted_port.  The certificate variables are the caller's
 * (tunnel_tls.c adds them after this).
 */
void
init_env_tls_verify(void *arg, struct env_set *es)
{
    struct context *c = arg;
    char buf[SOCKADDR_PRINT_MAX];

    script_env(c, es, "tls-verify", false);
    if (c->tls && c->tls->pull && !c->pulled)
    {
        /* a pull client's first handshake comes before the device and the
         * up script: 2.6 has not set these yet */
        static const char *const later[] = { "dev", "dev_type", "tun_mtu", "script_context" };

        for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
        {
            env_set_del(es, later[i]);
        }
    }
    if (tun_opened_here)
    {
        env_set_add(es, "redirect_gateway", "0");
    }
    if (c->peer_known)
    {
        bool v6 = c->peer.ss.ss_family == AF_INET6;

        env_set_add(es, v6 ? "untrusted_ip6" : "untrusted_ip",
                    sockaddr_print_addr(&c->peer, buf, sizeof(buf)));
        env_set_addf(es, "untrusted_port", "%u", sockaddr_port(&c->peer));
    }
}

void
init_env_closing(int sig)
{
    close_signal = sig;
}

void
init_env_tun_opened(bool opened)
{
    (void)daemon_start_time(); /* at start-up, not at the first script */
    tun_opened_here = opened;
}

/* "SIGTERM", "SIGUSR1" ... as 2.6 logs them */
const char *
init_signal_name(int sig)
{
    switch (sig)
    {
        case SIGTERM: return "SIGTERM";
        case SIGINT: return "SIGINT";
        case SIGHUP: return "SIGHUP";
        case SIGUSR1: return "SIGUSR1";
        case SIGUSR2: return "SIGUSR2";
        default: return "SIGNAL";
    }
}
