/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_conn.c -- handlers for the transport and liveness directives:
 * --proto, --remote, --local/--port/--lport/--rport, --bind/--nobind,
 * connect and resolve retries, socket options, --ping family, --keepalive,
 * --inactive, --session-timeout.
 *
 * Tier 4.  Must not include tier 5+ headers nor the socket modules: host
 * names are stored as text and resolved by the link layer later.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "options_table.h"
#include "strutil.h"

#define MAX_SECONDS (60 * 60 * 24 * 365) /* a year: larger is surely a typo */

struct proto_name
{
    const char *name;
    int kind; /* enum proto_kind */
    sa_family_t af;
};

static const struct proto_name proto_names[] = {
    { "udp", PROTO_UDP, AF_UNSPEC },
    { "udp4", PROTO_UDP, AF_INET },
    { "udp6", PROTO_UDP, AF_INET6 },
    { "tcp", PROTO_TCP, AF_UNSPEC },
    { "tcp4", PROTO_TCP, AF_INET },
    { "tcp6", PROTO_TCP, AF_INET6 },
    { "tcp-server", PROTO_TCP_SERVER, AF_UNSPEC },
    { "tcp4-server", PROTO_TCP_SERVER, AF_INET },
    { "tcp6-server", PROTO_TCP_SERVER, AF_INET6 },
    { "tcp-client", PROTO_TCP_CLIENT, AF_UNSPEC },
    { "tcp4-client", PROTO_TCP_CLIENT, AF_INET },
    { "tcp6-client", PROTO_TCP_CLIENT, AF_INET6 },
};

static const struct proto_name *
proto_lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++)
    {
        if (streq(name, proto_names[i].name))
        {
            return &proto_names[i];
        }
    }
    return NULL;
}

static bool
port_ok(const struct opt_loc *loc, const char *kw, const char *arg, unsigned long lo)
{
    unsigned long v;

    return opt_uint(loc, kw, arg, lo, 65535, &v);
}

static bool
seconds(const struct opt_loc *loc, const char *kw, const char *arg, int *out)
{
    return opt_int(loc, kw, arg, 0, MAX_SECONDS, out);
}

OPT_HANDLER(opt_h_proto)
{
    const struct proto_name *pn = proto_lookup(args[0]);

    if (!pn)
    {
        opt_error(loc,
                  kw,
                  "Bad protocol: '%s'. Allowed protocols with --proto option: udp udp4 udp6 "
                  "tcp tcp4 tcp6 tcp-server tcp4-server tcp6-server tcp-client tcp4-client "
                  "tcp6-client",
                  args[0]);
        return false;
    }
    if (o->conn_target)
    {
        o->conn_target->proto = pn->kind;
        o->conn_target->af = pn->af;
        return true;
    }
    o->proto = pn->kind;
    o->proto_af = pn->af;
    return true;
}

OPT_HANDLER(opt_h_remote)
{
    struct remote_entry *r;
    const struct proto_name *pn = NULL;

    if (!o->conn_target && o->n_remotes == MAX_REMOTES)
    {
        opt_error(loc, kw, "at most %d --remote entries", MAX_REMOTES);
        return false;
    }
    if (nargs > 1 && !port_ok(loc, kw, args[1], 1))
    {
        return false;
    }
    if (nargs > 2 && !(pn = proto_lookup(args[2])))
    {
        opt_error(loc, kw, "remote: bad protocol associated with host %s: '%s'", args[0], args[2]);
        return false;
    }
    if (o->conn_target)
    {
        /* inside <connection>: the block's one remote (a later line replaces it) */
        r = o->conn_target;
        opt_set_str(&r->host, args[0]);
        if (nargs > 1)
        {
            opt_set_str(&r->port, args[1]);
        }
        if (pn)
        {
            r->proto = pn->kind;
            r->af = pn->af;
        }
        return true;
    }
    r = &o->remotes[o->n_remotes++];
    memset(r, 0, sizeof(*r));
    r->host = xstrdup(args[0]);
    r->port = nargs > 1 ? xstrdup(args[1]) : NULL;
    r->proto = pn ? pn->kind : -1;
    r->af = pn ? pn->af : AF_UNSPEC;
    r->bind_local = -1;
    r->floating = -1;
    r->explicit_exit_notify = -1;
    r->mssfix = -1;
    r->fragment = -1;
    return true;
}

OPT_HANDLER(opt_h_remote_random)
{
    o->remote_random = true;
    return true;
}

OPT_HANDLER(opt_h_local)
{
    if (o->conn_target)
    {
        opt_set_str(&o->conn_target->local_host, args[0]);
        return true;
    }
    opt_set_str(&o->local_host, args[0]);
    return true;
}

OPT_HANDLER(opt_h_port)
{
    if (!port_ok(loc, kw, args[0], 1))
    {
        return false;
    }
    if (o->conn_target)
    {
        opt_set_str(&o->conn_target->local_port, args[0]);
        opt_set_str(&o->conn_target->port, args[0]);
        return true;
    }
    opt_set_str(&o->local_port, args[0]);
    opt_set_str(&o->remote_port, args[0]);
    o->local_port_defined = true;
    return true;
}

OPT_HANDLER(opt_h_lport)
{
    if (!port_ok(loc, kw, args[0], 0))
    {
        return false;
    }
    if (o->conn_target)
    {
        opt_set_str(&o->conn_target->local_port, args[0]);
        return true;
    }
    opt_set_str(&o->local_port, args[0]);
    o->local_port_defined = true;
    return true;
}

OPT_HANDLER(opt_h_rport)
{
    if (!port_ok(loc, kw, args[0], 1))
    {
        return false;
    }
    if (o->conn_target)
    {
        opt_set_str(&o->conn_target->port, args[0]);
        return true;
    }
    opt_set_str(&o->remote_port, args[0]);
    return true;
}

OPT_HANDLER(opt_h_nobind)
{
    if (o->conn_target)
    {
        o->conn_target->bind_local = 0;
        return true;
    }
    o->bind_local = false;
    return true;
}

OPT_HANDLER(opt_h_bind)
{
    if (nargs > 0 && !streq(args[0], "ipv6only"))
    {
        opt_error(loc, kw, "unknown parameter '%s' (only 'ipv6only')", args[0]);
        return false;
    }
    if (o->conn_target)
    {
        o->conn_target->bind_local = 1;
        return true;
    }
    o->bind_local = true;
    o->bind_defined = true;
    o->bind_ipv6_only = nargs > 0;
    return true;
}

OPT_HANDLER(opt_h_float)
{
    if (o->conn_target)
    {
        o->conn_target->floating = 1;
        return true;
    }
    o->floating = true;
    return true;
}

OPT_HANDLER(opt_h_connect_retry)
{
    if (o->conn_target)
    {
        struct remote_entry *c = o->conn_target;

        return opt_int(loc, kw, args[0], 0, MAX_SECONDS, &c->connect_retry) &&
               (nargs < 2 ||
                opt_int(loc, kw, args[1], 0, MAX_SECONDS, &c->connect_retry_max_delay));
    }
    if (!opt_int(loc, kw, args[0], 0, MAX_SECONDS, &o->connect_retry))
    {
        return false;
    }
    return nargs < 2 || opt_int(loc, kw, args[1], 0, MAX_SECONDS, &o->connect_retry_max_delay);
}

OPT_HANDLER(opt_h_connect_retry_max)
{
    return opt_int(loc, kw, args[0], 0, 1000000000, &o->connect_retry_max);
}

OPT_HANDLER(opt_h_connect_timeout)
{
    if (o->conn_target)
    {
        return seconds(loc, kw, args[0], &o->conn_target->connect_timeout);
    }
    return seconds(loc, kw, args[0], &o->connect_timeout);
}

OPT_HANDLER(opt_h_resolv_retry)
{
    if (streq(args[0], "infinite"))
    {
        o->resolv_retry = -1;
        return true;
    }
    return seconds(loc, kw, args[0], &o->resolv_retry);
}

OPT_HANDLER(opt_h_sndbuf)
{
    return opt_int(loc, kw, args[0], 0, 1 << 30, &o->sndbuf);
}

OPT_HANDLER(opt_h_rcvbuf)
{
    return opt_int(loc, kw, args[0], 0, 1 << 30, &o->rcvbuf);
}

OPT_HANDLER(opt_h_mark)
{
    unsigned long v;

    /* SO_MARK is 32 bits; stored in an int, so the top bit wraps as the kernel would */
    if (!opt_uint(loc, kw, args[0], 0, 0xFFFFFFFFul, &v))
    {
        return false;
    }
    o->mark = (int) (unsigned int) v;
    return true;
}

OPT_HANDLER(opt_h_explicit_exit_notify)
{
    if (o->conn_target)
    {
        o->conn_target->explicit_exit_notify = 1;
        return nargs == 0 ||
               opt_int(loc, kw, args[0], 0, 100, &o->conn_target->explicit_exit_notify);
    }
    if (nargs == 0)
    {
        o->explicit_exit_notify = 1;
        return true;
    }
    return opt_int(loc, kw, args[0], 0, 100, &o->explicit_exit_notify);
}

OPT_HANDLER(opt_h_fast_io)
{
    o->fast_io = true; /* 2.6 no-op on Linux with epoll; kept for --verb 4 */
    return true;
}

OPT_HANDLER(opt_h_tcp_nodelay)
{
    o->tcp_nodelay = true;
    o->sock_tcp_nodelay = true;
    return true;
}

/* TCP_NODELAY is the one socket flag 2.6 knows; a server pushes it for --tcp-nodelay. */
OPT_HANDLER(opt_h_socket_flags)
{
    for (int i = 0; i < nargs; i++)
    {
        if (!streq(args[i], "TCP_NODELAY"))
        {
            opt_error(loc, kw, "unknown socket flag: %s", args[i]);
            return false;
        }
        o->sock_tcp_nodelay = true;
    }
    return true;
}

OPT_HANDLER(opt_h_ping)
{
    return seconds(loc, kw, args[0], &o->ping_send_timeout);
}

OPT_HANDLER(opt_h_ping_restart)
{
    o->ping_rec_timeout_action = PING_ACTION_RESTART;
    o->ping_rec_timeout_defined = true;
    return seconds(loc, kw, args[0], &o->ping_rec_timeout);
}

OPT_HANDLER(opt_h_ping_exit)
{
    o->ping_rec_timeout_action = PING_ACTION_EXIT;
    o->ping_rec_timeout_defined = true;
    return seconds(loc, kw, args[0], &o->ping_rec_timeout);
}

OPT_HANDLER(opt_h_ping_timer_rem)
{
    o->ping_timer_remote = true;
    return true;
}

OPT_HANDLER(opt_h_keepalive)
{
    return seconds(loc, kw, args[0], &o->keepalive_ping) &&
           seconds(loc, kw, args[1], &o->keepalive_timeout);
}

OPT_HANDLER(opt_h_inactive)
{
    unsigned long bytes;

    if (!seconds(loc, kw, args[0], &o->inactivity_timeout))
    {
        return false;
    }
    if (nargs > 1)
    {
        if (!opt_uint(loc, kw, args[1], 0, 0x7FFFFFFFFFFFFFFFul, &bytes))
        {
            return false;
        }
        o->inactivity_minimum_bytes = (int64_t) bytes;
    }
    return true;
}

OPT_HANDLER(opt_h_session_timeout)
{
    return seconds(loc, kw, args[0], &o->session_timeout);
}
