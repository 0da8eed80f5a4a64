/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_post.c -- after every directive is read: fill the defaults that
 * need allocation, expand helpers (--keepalive, legacy --genkey --secret),
 * resolve "tcp" to a role, and run the cross-option checks whose messages
 * follow OpenVPN 2.6's wording.
 *
 * Tier 4.  Must not include tier 5+ headers.  File checks use access()
 * only; nothing is opened or read here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "options_table.h"
#include "strutil.h"

static void
fill_defaults(struct options *o)
{
    if (!o->local_port)
    {
        opt_set_str(&o->local_port, "1194");
    }
    if (!o->remote_port)
    {
        opt_set_str(&o->remote_port, "1194");
    }
    /* 2.6: a TCP client binds only when asked to (--local, --lport, --port);
     * else a restart would find its old port in TIME_WAIT */
    if (o->proto == PROTO_TCP_CLIENT && !o->local_host && !o->local_port_defined)
    {
        o->bind_local = false;
    }
    if (!o->ciphername)
    {
        opt_set_str(&o->ciphername, "BF-CBC");
    }
    if (!o->authname)
    {
        opt_set_str(&o->authname, "SHA1");
    }
    if (o->ifconfig_ipv6_local && !strchr(o->ifconfig_ipv6_local, '/'))
    {
        char with_bits[128];

        /* 2.6 assumes /64; consumers always get "addr/bits" */
        snprintf(with_bits, sizeof(with_bits), "%s/64", o->ifconfig_ipv6_local);
        opt_set_str(&o->ifconfig_ipv6_local, with_bits);
    }
}

static bool
expand_keepalive(struct options *o)
{
    if (o->keepalive_ping == 0 && o->keepalive_timeout == 0)
    {
        return true;
    }
    if (o->ping_send_timeout || o->ping_rec_timeout_defined)
    {
        msg(M_USAGE,
            "Options error: --keepalive conflicts with --ping, --ping-exit, or "
            "--ping-restart.  If you use --keepalive, you don't need any of the other "
            "--ping directives.");
        return false;
    }
    if (o->keepalive_ping <= 0 || o->keepalive_timeout <= 0)
    {
        msg(M_USAGE, "Options error: --keepalive parameters must be > 0");
        return false;
    }
    if (o->keepalive_ping * 2 > o->keepalive_timeout)
    {
        msg(M_USAGE,
            "Options error: the second parameter to --keepalive (restart timeout=%d) must be at "
            "least twice the value of the first parameter (ping interval=%d).  A ratio of 1:5 "
            "or 1:6 would be even better.  Recommended setting is --keepalive 10 60.",
            o->keepalive_timeout,
            o->keepalive_ping);
        return false;
    }
    o->ping_send_timeout = o->keepalive_ping;
    o->ping_rec_timeout = o->keepalive_timeout;
    o->ping_rec_timeout_action = PING_ACTION_RESTART;
    if (o->mode == MODE_SERVER)
    {
        char item[64];

        /* the client gets A/B; the server waits twice as long so the client
         * notices a dead link (and reconnects) before the server drops it */
        o->ping_rec_timeout = 2 * o->keepalive_timeout;
        snprintf(item, sizeof(item), "ping %d", o->keepalive_ping);
        if (o->n_push + 2 <= MAX_PUSH)
        {
            o->push[o->n_push++] = xstrdup(item);
            snprintf(item, sizeof(item), "ping-restart %d", o->keepalive_timeout);
            o->push[o->n_push++] = xstrdup(item);
        }
    }
    return true;
}

/* --tcp-nodelay on a server: its sockets, and the clients' through a push (2.6's helper). */
static bool
expand_tcp_nodelay(struct options *o)
{
    if (o->tcp_nodelay && o->mode == MODE_SERVER && o->n_push < MAX_PUSH)
    {
        o->push[o->n_push++] = xstrdup("socket-flags TCP_NODELAY");
    }
    return true;
}

/* "tcp" needs a role: the TLS role gives it, static-key mode must say it. */
static bool
resolve_tcp(struct options *o, int *proto)
{
    if (*proto != PROTO_TCP)
    {
        return true;
    }
    if (o->tls_client || o->tls_server)
    {
        *proto = o->tls_server ? PROTO_TCP_SERVER : PROTO_TCP_CLIENT;
        return true;
    }
    msg(M_USAGE,
        "Options error: --proto tcp is ambiguous in this context. Please specify "
        "--proto tcp-server or --proto tcp-client");
    return false;
}

static bool
check_secret_file(const struct options *o)
{
    const struct opt_loc *loc = &o->loc_of_secret;

    if (!o->shared_secret_file || o->shared_secret_inline)
    {
        return true;
    }
    if (access(o->shared_secret_file, R_OK) != 0)
    {
        int e = errno;

        opt_error(loc,
                  NULL,
                  "--secret fails with '%s': %s (errno=%d)",
                  o->shared_secret_file,
                  strerror(e),
                  e);
        return false;
    }
    opt_warn_private_file(o->shared_secret_file);
    return true;
}

/* One-shot tools need no device; true when @p o runs one of them. */
static bool
is_one_shot(struct options *o)
{
    if (o->genkey != GENKEY_NONE)
    {
        /* legacy "--genkey --secret FILE" writes FILE */
        if (!o->genkey_file && o->shared_secret_file && !o->shared_secret_inline)
        {
            opt_set_str(&o->genkey_file, o->shared_secret_file);
        }
        return true;
    }
    return o->show_ciphers || o->show_digests || o->show_tls || o->show_engines;
}

static bool
check_modes(const struct options *o)
{
    int modes = (o->tls_client ? 1 : 0) + (o->tls_server ? 1 : 0) + (o->shared_secret_file ? 1 : 0);

    if (modes > 1)
    {
        msg(M_USAGE, "Options error: specify only one of --tls-server, --tls-client, or --secret");
        return false;
    }
    if (!o->dev && !o->test_crypto)
    {
        msg(M_USAGE, "Options error: You must define TUN/TAP device (--dev)");
        return false;
    }
    return true;
}

/* --link-mtu (init derives the tun MTU), --fragment and their defaults, with 2.6's refusals. */
static bool
mtu_postprocess(struct options *o)
{
    if (o->link_mtu && o->tun_mtu_defined)
    {
        msg(M_USAGE, "Options error: only one of --tun-mtu or --link-mtu may be defined");
        return false;
    }
    for (int i = 0; i < o->n_remotes; i++)
    {
        /* the data path is sized once, from the global value */
        if (o->remotes[i].fragment >= 0 && o->remotes[i].fragment != o->fragment)
        {
            msg(M_USAGE, "Options error: --fragment %d inside <connection> differs from the global "
                         "--fragment %d: not supported, set it outside the <connection> blocks",
                o->remotes[i].fragment, o->fragment);
            return false;
        }
    }
    if (o->fragment > 0)
    {
        bool udp = o->proto == PROTO_UDP;

        for (int i = 0; i < o->n_remotes; i++)
        {
            udp = udp && (o->remotes[i].proto < 0 || o->remotes[i].proto == PROTO_UDP);
        }
        if (!udp)
        {
            msg(M_USAGE, "Options error: --fragment can only be used with --proto udp");
            return false;
        }
        /* 2.6: the MSS clamp defaults to the fragment size */
        if (!o->mssfix_defined)
        {
            o->mssfix = o->fragment;
        }
    }
    return true;
}

bool
options_postprocess(struct options *o)
{
    fill_defaults(o);
    if (is_one_shot(o))
    {
        return true;
    }
    /* helpers first (2.6 order: --server & co., then --keepalive), then checks */
    if (!options_server_expand(o) || !check_modes(o) || !expand_keepalive(o) ||
        !expand_tcp_nodelay(o) ||
        !resolve_tcp(o, &o->proto) || !options_server_verify(o) || !options_client_verify(o))
    {
        return false;
    }
    /* after --client set --pull.  2.6: a pulling client binds only when asked to (--lport, --bind, --local):
     * "UDPv4 link local: (not bound)" */
    if (o->pull && !o->local_host && !o->local_port_defined && !o->bind_defined)
    {
        o->bind_local = false;
    }

    for (int i = 0; i < o->n_remotes; i++)
    {
        if (!resolve_tcp(o, &o->remotes[i].proto))
        {
            return false;
        }
    }
    if (!o->test_crypto && !check_secret_file(o))
    {
        return false;
    }
    if (!options_tls_postprocess(o) || !mtu_postprocess(o))
    {
        return false;
    }
    if (o->explicit_exit_notify && o->proto != PROTO_UDP)
    {
        msg(M_WARN, "NOTICE: --explicit-exit-notify ignored for --proto tcp");
        o->explicit_exit_notify = 0;
    }
    if (!o->tls_client && !o->tls_server)
    {
        /* 2.6 shows it from --verb 1 on; the logger does not know --verb yet */
        msg(o->verb >= 1 ? M_INFO : D_SHOW_PARMS,
            "DEPRECATION: No tls-client or tls-server option in configuration "
            "detected. OpenVPN 2.7 will remove the functionality to run a VPN without "
            "TLS. See the examples section in the manual page for examples of a similar "
            "quick setup with peer-fingerprint.");
    }
    return true;
}
