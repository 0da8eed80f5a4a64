/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_server.c -- the server-side directives (--server, --server-ipv6,
 * --server-bridge, pools, --push, --client-config-dir, scripts, limits)
 * and the helper expansion that turns --server/--server-ipv6/
 * --server-bridge/--client into concrete settings (doc/protocol.md §9.2),
 * followed by the client/server consistency checks.  Error texts follow
 * OpenVPN 2.6 so that users' searches still find answers.
 *
 * Tier 4.  Must not include tier 5+ headers (multi.h, init.h ...).
 * Addresses are kept in host byte order; nothing is resolved here.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "options_ccd.h"
#include "options_table.h"
#include "strutil.h"

/* ---------------------------------------------------------------- address helpers */

bool
opt_parse_ip4(const char *s, uint32_t *out)
{
    struct in_addr a;

    if (inet_pton(AF_INET, s, &a) != 1)
    {
        return false;
    }
    *out = ntohl(a.s_addr);
    return true;
}

void
opt_format_ip4(uint32_t a, char *out, size_t outlen)
{
    struct in_addr in = { .s_addr = htonl(a) };

    if (!inet_ntop(AF_INET, &in, out, (socklen_t) outlen) && outlen > 0)
    {
        out[0] = '\0';
    }
}

bool
opt_parse_ip6_prefix(const char *s, uint8_t out[16], int *bits, bool bits_required)
{
    char addr[INET6_ADDRSTRLEN + 8];
    char *slash;
    long b = 128;

    if (!strbcpy(addr, s, sizeof(addr)))
    {
        return false;
    }
    slash = strchr(addr, '/');
    if (slash)
    {
        *slash = '\0';
        if (!str_to_int(slash + 1, 0, 128, &b))
        {
            return false;
        }
    }
    else if (bits_required)
    {
        return false;
    }
    if (inet_pton(AF_INET6, addr, out) != 1)
    {
        return false;
    }
    *bits = (int) b;
    return true;
}

void
opt_format_ip6(const uint8_t a[16], char *out, size_t outlen)
{
    if (!inet_ntop(AF_INET6, a, out, (socklen_t) outlen) && outlen > 0)
    {
        out[0] = '\0';
    }
}

/* Add @p n to the low 64 bits of @p a (pool offsets never need more). */
static void
ip6_add(uint8_t a[16], uint32_t n)
{
    for (int i = 15; i >= 0 && n; i--)
    {
        uint32_t v = a[i] + (n & 0xFF);

        a[i] = (uint8_t) v;
        n = (n >> 8) + (v >> 8);
    }
}

/* Netmask is contiguous ones followed by zeros. */
static bool
mask_is_contiguous(uint32_t mask)
{
    uint32_t inv = ~mask;

    return (inv & (inv + 1)) == 0;
}

static int
mask_bits(uint32_t mask)
{
    int n = 0;

    while (mask & 0x80000000u)
    {
        n++;
        mask <<= 1;
    }
    return n;
}

/* ---------------------------------------------------------------- handlers */

/* A string-list append shared by push / push-remove (global or ccd). */
static bool
list_add(const struct opt_loc *loc, const char *kw, char **list, int *n, const char *text)
{
    if (*n == MAX_PUSH)
    {
        opt_error(loc, kw, "too many entries (at most %d)", MAX_PUSH);
        return false;
    }
    list[(*n)++] = xstrdup(text);
    return true;
}

OPT_HANDLER(opt_h_server)
{
    uint32_t net, mask;

    if (!opt_parse_ip4(args[0], &net) || !opt_parse_ip4(args[1], &mask))
    {
        opt_error(loc, kw, "error parsing --server parameters");
        return false;
    }
    if (nargs > 2)
    {
        if (!streq(args[2], "nopool"))
        {
            opt_error(loc, kw, "error parsing --server: %s is not a recognized flag", args[2]);
            return false;
        }
        o->server_nopool = true;
    }
    o->server_defined = true;
    o->server_network = net;
    o->server_netmask = mask;
    return true;
}

OPT_HANDLER(opt_h_server_ipv6)
{
    uint8_t net[16];
    int bits;

    if (!opt_parse_ip6_prefix(args[0], net, &bits, false))
    {
        opt_error(loc, kw, "error parsing --server-ipv6 parameter");
        return false;
    }
    o->server_ipv6_defined = true;
    memcpy(o->server_ipv6_net, net, 16);
    o->server_ipv6_bits = bits;
    return true;
}

OPT_HANDLER(opt_h_server_bridge)
{
    o->server_bridge_defined = true;
    if (nargs == 4)
    {
        if (!opt_parse_ip4(args[0], &o->server_bridge_ip) ||
            !opt_parse_ip4(args[1], &o->server_bridge_netmask) ||
            !opt_parse_ip4(args[2], &o->server_bridge_pool_start) ||
            !opt_parse_ip4(args[3], &o->server_bridge_pool_end))
        {
            opt_error(loc, kw, "error parsing --server-bridge parameters");
            return false;
        }
        return true;
    }
    if (nargs == 0 || (nargs == 1 && streq(args[0], "nogw")))
    {
        o->server_bridge_proxy_dhcp = true;
        o->server_bridge_nogw = nargs == 1;
        return true;
    }
    msg(M_USAGE,
        "Options error: Unrecognized option or missing or extra parameter(s) in %s:%d: %s "
        "(%s)",
        loc->file,
        loc->line,
        kw,
        PACKAGE_VERSION);
    return false;
}

OPT_HANDLER(opt_h_ifconfig_pool)
{
    uint32_t start, end, mask = 0;
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

    if (!opt_parse_ip4(args[0], &start) || !opt_parse_ip4(args[1], &end) ||
        (nargs > 2 && !opt_parse_ip4(args[2], &mask)))
    {
        opt_error(loc, kw, "error parsing --ifconfig-pool parameters");
        return false;
    }
    if (start > end)
    {
        opt_format_ip4(start, a, sizeof(a));
        opt_format_ip4(end, b, sizeof(b));
        opt_error(loc, kw, "--ifconfig-pool start IP [%s] is greater than end IP [%s]", a, b);
        return false;
    }
    o->ifconfig_pool_defined = true;
    o->ifconfig_pool_start = start;
    o->ifconfig_pool_end = end;
    o->ifconfig_pool_netmask = mask;
    return true;
}

OPT_HANDLER(opt_h_ifconfig_ipv6_pool)
{
    if (!opt_parse_ip6_prefix(
          args[0], o->ifconfig_ipv6_pool_base, &o->ifconfig_ipv6_pool_bits, false))
    {
        opt_error(loc, kw, "error parsing --ifconfig-ipv6-pool parameters");
        return false;
    }
    o->ifconfig_ipv6_pool_defined = true;
    return true;
}

OPT_HANDLER(opt_h_ifconfig_pool_persist)
{
    opt_set_str(&o->ifconfig_pool_persist_file, args[0]);
    o->ifconfig_pool_persist_refresh = 600;
    return nargs < 2 || opt_int(loc, kw, args[1], 0, 0x7FFFFFFF, &o->ifconfig_pool_persist_refresh);
}

OPT_HANDLER(opt_h_client_config_dir)
{
    opt_set_str(&o->client_config_dir, args[0]);
    return true;
}

OPT_HANDLER(opt_h_ccd_exclusive)
{
    o->ccd_exclusive = true;
    return true;
}

OPT_HANDLER(opt_h_client_to_client)
{
    o->client_to_client = true;
    return true;
}

OPT_HANDLER(opt_h_duplicate_cn)
{
    o->duplicate_cn = true;
    return true;
}

OPT_HANDLER(opt_h_max_clients)
{
    return opt_int(loc, kw, args[0], 1, 0x7FFFFFFF, &o->max_clients);
}

OPT_HANDLER(opt_h_max_routes_per_client)
{
    return opt_int(loc, kw, args[0], 1, 0x7FFFFFFF, &o->max_routes_per_client);
}

OPT_HANDLER(opt_h_push)
{
    if (o->ccd_target)
    {
        return list_add(loc, kw, o->ccd_target->push, &o->ccd_target->n_push, args[0]);
    }
    return list_add(loc, kw, o->push, &o->n_push, args[0]);
}

OPT_HANDLER(opt_h_push_remove)
{
    if (o->ccd_target)
    {
        return list_add(
          loc, kw, o->ccd_target->push_remove, &o->ccd_target->n_push_remove, args[0]);
    }
    return list_add(loc, kw, o->push_remove, &o->n_push_remove, args[0]);
}

OPT_HANDLER(opt_h_username_as_common_name)
{
    o->username_as_common_name = true;
    return true;
}

OPT_HANDLER(opt_h_auth_user_pass_verify)
{
    if (nargs < 2)
    {
        opt_error(loc,
                  kw,
                  "--auth-user-pass-verify requires a second parameter ('via-env' or "
                  "'via-file')");
        return false;
    }
    if (streq(args[1], "via-env"))
    {
        o->auth_user_pass_verify_method = VERIFY_VIA_ENV;
    }
    else if (streq(args[1], "via-file"))
    {
        o->auth_user_pass_verify_method = VERIFY_VIA_FILE;
    }
    else
    {
        opt_error(loc,
                  kw,
                  "second parm to --auth-user-pass-verify must be 'via-env' or "
                  "'via-file'");
        return false;
    }
    opt_set_str(&o->auth_user_pass_verify, args[0]);
    return true;
}

OPT_HANDLER(opt_h_client_connect)
{
    opt_set_str(&o->client_connect, args[0]);
    return true;
}

OPT_HANDLER(opt_h_client_disconnect)
{
    opt_set_str(&o->client_disconnect, args[0]);
    return true;
}

OPT_HANDLER(opt_h_learn_address)
{
    opt_set_str(&o->learn_address, args[0]);
    return true;
}

/* A count read as 2.6 reads these (atoi, negative is 0): "5x" is 5, "abc" 0. */
static int
lenient_count(const char *s)
{
    long v = strtol(s, NULL, 10);

    return v < 0 ? 0 : v > INT_MAX ? INT_MAX : (int) v;
}

/*
 * --auth-gen-token [lifetime] [renewal-time] [external-auth], read as
 * 2.6.14: the first argument is always the lifetime; the second may be a
 * positive renewal time; "external-auth" may follow anywhere after it.
 */
OPT_HANDLER(opt_h_auth_gen_token)
{
    o->auth_gen_token = true;
    o->auth_gen_token_lifetime = nargs > 0 ? lenient_count(args[0]) : 0;
    for (int i = 1; i < nargs; i++)
    {
        if (i == 1 && lenient_count(args[i]) > 0)
        {
            o->auth_gen_token_renewal = lenient_count(args[i]);
        }
        else if (streq(args[i], "external-auth"))
        {
            o->auth_gen_token_external = true;
        }
        else
        {
            /* 2.6 counts the keyword as argument 0 */
            opt_error(loc, kw, "Invalid argument to auth-gen-token: %s (%d)", args[i], i + 1);
            return false;
        }
    }
    return true;
}

OPT_HANDLER(opt_h_auth_gen_token_secret)
{
    bool is_inline = streq(args[0], OPT_INLINE_TAG) && o->inline_data;

    opt_set_str(&o->auth_gen_token_secret.value, is_inline ? o->inline_data : args[0]);
    o->auth_gen_token_secret.is_inline = is_inline;
    o->auth_gen_token_secret.loc = *loc;
    return true;
}

OPT_HANDLER(opt_h_connect_freq)
{
    /* 2.6 takes 0 for either: with n 0 nobody new gets in */
    if (!opt_int(loc, kw, args[0], 0, 0x7FFFFFFF, &o->cf_max) ||
        !opt_int(loc, kw, args[1], 0, 0x7FFFFFFF, &o->cf_per))
    {
        return false;
    }
    return true;
}

/* 2.6 takes 0 (no reset answered; a period of 0 is one second) */
OPT_HANDLER(opt_h_connect_freq_initial)
{
    return opt_int(loc, kw, args[0], 0, 0x7FFFFFFF, &o->cf_initial_max) &&
           opt_int(loc, kw, args[1], 0, 0x7FFFFFFF, &o->cf_initial_per);
}

OPT_HANDLER(opt_h_tcp_queue_limit)
{
    long v;

    if (!str_to_int(args[0], 1, 0x7FFFFFFF, &v))
    {
        opt_error(loc, kw, "--tcp-queue-limit parameter must be > 0");
        return false;
    }
    o->tcp_queue_limit = (int) v;
    return true;
}

OPT_HANDLER(opt_h_hash_size)
{
    long r, v;

    if (!str_to_int(args[0], 1, 0x7FFFFFFF, &r) || !str_to_int(args[1], 1, 0x7FFFFFFF, &v))
    {
        opt_error(loc, kw, "--hash-size sizes must be >= 1 (preferably a power of 2)");
        return false;
    }
    o->hash_size_real = (int) r;
    o->hash_size_virtual = (int) v;
    return true;
}

/* ---------------------------------------------------------------- expansion */

/* Append a helper-generated push item (printf style). */
static void push_fmt(struct options *o, const char *fmt, ...) PRINTF(2, 3);

static void
push_fmt(struct options *o, const char *fmt, ...)
{
    char item[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(item, sizeof(item), fmt, ap);
    va_end(ap);
    if (o->n_push < MAX_PUSH)
    {
        o->push[o->n_push++] = xstrdup(item);
    }
    else
    {
        msg(M_WARN, "WARNING: too many --push entries, '%s' dropped", item);
    }
}

static void
route_add(struct options *o, uint32_t net, uint32_t mask)
{
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
    struct route_opt *r;

    if (o->n_routes == MAX_ROUTES)
    {
        return;
    }
    opt_format_ip4(net, a, sizeof(a));
    opt_format_ip4(mask, m, sizeof(m));
    r = &o->routes[o->n_routes++];
    memset(r, 0, sizeof(*r));
    r->network = xstrdup(a);
    r->netmask = xstrdup(m);
    r->loc.file = "[server]";
}

static void
set_ip4_str(char **dst, uint32_t a)
{
    char s[INET_ADDRSTRLEN];

    opt_format_ip4(a, s, sizeof(s));
    opt_set_str(dst, s);
}

/* 'tun', 'tap', 'null' or "" from --dev-type or the --dev name. */
const char *
options_dev_kind(const struct options *o)
{
    const char *d = o->dev_type ? o->dev_type : o->dev;

    if (!d)
    {
        return "";
    }
    if (strncmp(d, "tun", 3) == 0)
    {
        return "tun";
    }
    if (strncmp(d, "tap", 3) == 0)
    {
        return "tap";
    }
    if (strncmp(d, "null", 4) == 0)
    {
        return "null";
    }
    return "";
}

static const char *
topology_name(int t)
{
    return t == TOP_SUBNET ? "subnet" : t == TOP_P2P ? "p2p" : "net30";
}

static bool
server_ipv6_expand(struct options *o)
{
    uint8_t a[16];
    char s[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN];

    if (o->server_ipv6_bits < 64 || o->server_ipv6_bits > 124)
    {
        msg(M_USAGE,
            "Options error: --server-ipv6 settings: network must be between /64 and /124 "
            "(not /%d)",
            o->server_ipv6_bits);
        return false;
    }
    if (o->ifconfig_ipv6_pool_defined)
    {
        msg(M_USAGE,
            "Options error: --server-ipv6 already defines an ifconfig-ipv6-pool, so you can't "
            "also specify --ifconfig-pool explicitly");
        return false;
    }
    o->mode = MODE_SERVER;
    o->tls_server = true;
    memcpy(a, o->server_ipv6_net, 16);
    ip6_add(a, 1);
    opt_format_ip6(a, r, sizeof(r));
    snprintf(s, sizeof(s), "%s/%d", r, o->server_ipv6_bits);
    opt_set_str(&o->ifconfig_ipv6_local, s);
    ip6_add(a, 1);
    opt_format_ip6(a, r, sizeof(r));
    opt_set_str(&o->ifconfig_ipv6_remote, r);
    /* small networks start the pool right after the server's pair of addresses */
    memcpy(o->ifconfig_ipv6_pool_base, o->server_ipv6_net, 16);
    ip6_add(o->ifconfig_ipv6_pool_base, o->server_ipv6_bits >= 112 ? 2 : 0x1000);
    o->ifconfig_ipv6_pool_bits = o->server_ipv6_bits;
    o->ifconfig_ipv6_pool_defined = true;
    o->ifconfig_ipv6_pool_from_server = true;
    push_fmt(o, "tun-ipv6");
    return true;
}

static bool
server_check(const struct options *o, bool is_tun)
{
    uint32_t net = o->server_network, mask = o->server_netmask;
    int bits = mask_bits(mask);

    if (o->server_bridge_defined)
    {
        msg(M_USAGE, "Options error: --server and --server-bridge cannot be used together");
        return false;
    }
    if (o->client)
    {
        msg(M_USAGE, "Options error: --server and --client cannot be used together");
        return false;
    }
    if (o->shared_secret_file)
    {
        msg(M_USAGE,
            "Options error: --server and --secret cannot be used together (you must "
            "use SSL/TLS keys)");
        return false;
    }
    if (!o->server_nopool && o->ifconfig_pool_defined)
    {
        msg(M_USAGE,
            "Options error: --server already defines an ifconfig-pool, so you can't "
            "also specify --ifconfig-pool explicitly");
        return false;
    }
    if (!is_tun && !streq(options_dev_kind(o), "tap"))
    {
        msg(M_USAGE,
            "Options error: --server directive only makes sense with --dev tun or "
            "--dev tap");
        return false;
    }
    if (!mask_is_contiguous(mask) || (net & ~mask) != 0 || bits < 16)
    {
        msg(M_USAGE, "Options error: --server directive network/netmask combination is invalid");
        return false;
    }
    if (is_tun && bits > 29)
    {
        msg(M_USAGE,
            "Options error: --server directive when used with --dev tun must define a "
            "subnet of 255.255.255.248 (/29) or lower");
        return false;
    }
    if (!is_tun && bits > 30)
    {
        msg(M_USAGE,
            "Options error: --server directive when used with --dev tap must define a "
            "subnet of 255.255.255.252 (/30) or lower");
        return false;
    }
    return true;
}

static bool
server_expand(struct options *o)
{
    bool is_tun = streq(options_dev_kind(o), "tun");
    uint32_t net = o->server_network, mask = o->server_netmask;
    uint32_t last = net | ~mask;

    if (!server_check(o, is_tun))
    {
        return false;
    }
    o->mode = MODE_SERVER;
    o->tls_server = true;
    if (is_tun && (o->topology == TOP_NET30 || o->topology == TOP_P2P))
    {
        set_ip4_str(&o->ifconfig_local, net + 1);
        set_ip4_str(&o->ifconfig_remote_netmask, net + 2);
        if (!o->server_nopool)
        {
            o->ifconfig_pool_defined = true;
            o->ifconfig_pool_start = net + 4;
            o->ifconfig_pool_end = mask_bits(mask) == 29 ? last : last - 4;
        }
        route_add(o, net, mask);
        if (o->client_to_client)
        {
            char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

            opt_format_ip4(net, a, sizeof(a));
            opt_format_ip4(mask, m, sizeof(m));
            push_fmt(o, "route %s %s", a, m);
        }
        else if (o->topology == TOP_NET30)
        {
            char a[INET_ADDRSTRLEN];

            opt_format_ip4(net + 1, a, sizeof(a));
            push_fmt(o, "route %s", a);
        }
        if (o->topology == TOP_NET30 && !o->server_nopool)
        {
            msg(M_WARN,
                "WARNING: --topology net30 support for server configs with IPv4 pools "
                "will be removed in a future release. Please migrate to --topology "
                "subnet as soon as possible.");
        }
    }
    else
    {
        char a[INET_ADDRSTRLEN];

        set_ip4_str(&o->ifconfig_local, net + 1);
        set_ip4_str(&o->ifconfig_remote_netmask, mask);
        if (!o->server_nopool)
        {
            o->ifconfig_pool_defined = true;
            o->ifconfig_pool_start = net + 2;
            o->ifconfig_pool_end = last - 1;
        }
        o->ifconfig_pool_netmask = mask;
        opt_format_ip4(net + 1, a, sizeof(a));
        push_fmt(o, "route-gateway %s", a);
        if (is_tun && !o->route_default_gateway)
        {
            set_ip4_str(&o->route_default_gateway, net + 2);
        }
        o->push_ifconfig_constraint_defined = true;
        o->push_ifconfig_constraint_network = net;
        o->push_ifconfig_constraint_netmask = mask;
    }
    if (is_tun)
    {
        push_fmt(o, "topology %s", topology_name(o->topology));
    }
    return true;
}

static bool
server_bridge_expand(struct options *o)
{
    if (o->client)
    {
        msg(M_USAGE, "Options error: --server-bridge and --client cannot be used together");
        return false;
    }
    if (o->ifconfig_pool_defined)
    {
        msg(M_USAGE,
            "Options error: --server-bridge already defines an ifconfig-pool, so you "
            "can't also specify --ifconfig-pool explicitly");
        return false;
    }
    if (!streq(options_dev_kind(o), "tap"))
    {
        msg(M_USAGE, "Options error: --server-bridge directive only makes sense with --dev tap");
        return false;
    }
    o->mode = MODE_SERVER;
    o->tls_server = true;
    if (o->server_bridge_proxy_dhcp)
    {
        if (!o->server_bridge_nogw)
        {
            push_fmt(o, "route-gateway dhcp");
        }
        return true;
    }
    {
        uint32_t m = o->server_bridge_netmask, s = o->server_bridge_pool_start;
        uint32_t e = o->server_bridge_pool_end;
        char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];

        if ((s & m) != (e & m) || (o->server_bridge_ip & m) != (s & m) || s > e)
        {
            opt_format_ip4(s, a, sizeof(a));
            opt_format_ip4(e, b, sizeof(b));
            opt_format_ip4(m, c, sizeof(c));
            msg(M_USAGE,
                "Options error: --server-bridge IP addresses %s and %s are not in the same %s "
                "subnet",
                a,
                b,
                c);
            return false;
        }
        o->ifconfig_pool_defined = true;
        o->ifconfig_pool_start = s;
        o->ifconfig_pool_end = e;
        o->ifconfig_pool_netmask = m;
        opt_format_ip4(o->server_bridge_ip, a, sizeof(a));
        push_fmt(o, "route-gateway %s", a);
    }
    return true;
}

bool
options_server_expand(struct options *o)
{
    if (o->client)
    {
        if (o->server_defined)
        {
            msg(M_USAGE, "Options error: --server and --client cannot be used together");
            return false;
        }
        o->pull = true;
        o->tls_client = true;
    }
    /* 2.6 order: server-ipv6's "tun-ipv6" precedes --server's items */
    if (o->server_ipv6_defined && !server_ipv6_expand(o))
    {
        return false;
    }
    if (o->server_defined && !server_expand(o))
    {
        return false;
    }
    if (o->server_bridge_defined && !server_bridge_expand(o))
    {
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- checks */

static bool
usage(const char *text)
{
    msg(M_USAGE, "Options error: %s", text);
    return false;
}

/* The second half of server_mode_checks(): the server's own features, in 2.6's order. */
static bool
server_mode_feature_checks(const struct options *o, const char *dev)
{
    if (o->ifconfig_pool_netmask && o->ifconfig_pool_defined && !o->server_defined &&
        !o->server_bridge_defined && streq(dev, "tun") && o->topology != TOP_SUBNET)
    {
        return usage("The third parameter to --ifconfig-pool (netmask) is only valid in --dev "
                     "tap mode");
    }
    if (o->ccd_exclusive && !o->client_config_dir)
    {
        return usage("--ccd-exclusive must be used with --client-config-dir");
    }
    if (o->auth_gen_token && o->reneg_sec == 0)
    {
        return usage("--auth-gen-token needs a non-infinite --renegotiate_seconds setting");
    }
    if (o->auth_gen_token && o->auth_gen_token_renewal < 2 * o->hand_window)
    {
        char text[128];

        /* sic: 2.6's line has two spaces */
        snprintf(text,
                 sizeof(text),
                 "--auth-gen-token renewal time needs to be at least  two times --hand-window "
                 "(%d).",
                 o->hand_window);
        return usage(text);
    }
    if (o->username_as_common_name && !o->auth_user_pass_verify && !o->management_client_auth)
    {
        return usage("--username-as-common-name must be used with --management-client-auth, an "
                     "--auth-user-pass-verify script, or plugin");
    }
    if (o->ifconfig_ipv6_pool_defined && !o->ifconfig_ipv6_local)
    {
        return usage("--ifconfig-ipv6-pool needs --ifconfig-ipv6");
    }
    if (o->client_config_dir && access(o->client_config_dir, X_OK) != 0)
    {
        int e = errno;

        msg(M_USAGE,
            "Options error: --client-config-dir fails with '%s': %s (errno=%d)",
            o->client_config_dir,
            strerror(e),
            e);
        return usage("Please correct these errors.");
    }
    return true;
}

static bool
server_mode_checks(const struct options *o)
{
    const char *dev = options_dev_kind(o);

    if (!streq(dev, "tun") && !streq(dev, "tap"))
    {
        return usage("--mode server only works with --dev tun or --dev tap");
    }
    if (o->pull)
    {
        return usage("--pull cannot be used with --mode server");
    }
    if (o->n_remotes > 0)
    {
        return usage("--remote cannot be used with --mode server");
    }
    if (o->route_delay_defined)
    {
        return usage("--route-delay cannot be used with --mode server");
    }
    if (o->up_delay)
    {
        return usage("--up-delay cannot be used with --mode server");
    }
    if (o->proto == PROTO_TCP_CLIENT)
    {
        return usage("--mode server currently only supports --proto values of udp, tcp-server, "
                     "tcp4-server, or tcp6-server");
    }
    if (!o->tls_server)
    {
        return usage("--mode server requires --tls-server");
    }
    if (o->auth_user_pass.value)
    {
        return usage("--auth-user-pass cannot be used with --mode server (it should be used on "
                     "the client side only)");
    }
    return server_mode_feature_checks(o, dev);
}

/* Server-only directives used without --mode server, in 2.6's order. */
static bool
not_server_checks(const struct options *o)
{
    if (o->ifconfig_pool_defined || o->ifconfig_pool_persist_file)
    {
        return usage("--ifconfig-pool/--ifconfig-pool-persist requires --mode server");
    }
    if (o->ifconfig_ipv6_pool_defined)
    {
        return usage("--ifconfig-ipv6-pool requires --mode server");
    }
    if (o->client_to_client)
    {
        return usage("--client-to-client requires --mode server");
    }
    if (o->duplicate_cn)
    {
        return usage("--duplicate-cn requires --mode server");
    }
    if (o->cf_max || o->cf_per)
    {
        return usage("--connect-freq requires --mode server");
    }
    if (o->client_connect)
    {
        return usage("--client-connect requires --mode server");
    }
    if (o->client_disconnect)
    {
        return usage("--client-disconnect requires --mode server");
    }
    if (o->client_config_dir || o->ccd_exclusive)
    {
        return usage("--client-config-dir/--ccd-exclusive requires --mode server");
    }
    if (o->username_as_common_name)
    {
        return usage("--username-as-common-name requires --mode server");
    }
    if (o->tcp_nodelay)
    {
        msg(M_WARN, "WARNING: setting tcp-nodelay on the client side will not affect the server. "
                    "To have TCP_NODELAY in both direction use tcp-nodelay in the server "
                    "configuration instead.");
    }
    if (o->auth_user_pass_verify)
    {
        return usage("--auth-user-pass-verify requires --mode server");
    }
    if (o->auth_gen_token)
    {
        return usage("--auth-gen-token requires --mode server");
    }
    if (o->learn_address)
    {
        return usage("--learn-address requires --mode server");
    }
    return true;
}

bool
options_server_verify(struct options *o)
{
    if (o->auth_gen_token && o->auth_gen_token_renewal == 0)
    {
        o->auth_gen_token_renewal = o->reneg_sec; /* 2.6's default renewal time */
    }
    if (o->mode == MODE_SERVER)
    {
        if (!server_mode_checks(o))
        {
            return false;
        }
        if (o->keepalive_ping == 0 && o->ping_send_timeout == 0)
        {
            msg(M_WARN, "WARNING: --keepalive option is missing from server config");
        }
        return true;
    }
    return not_server_checks(o);
}
