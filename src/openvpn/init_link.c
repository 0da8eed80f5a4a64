/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * init_link.c -- the transport socket of one tunnel instance: the link
 * configuration from the options, name resolution retried as --resolv-retry
 * says, --tcp-nodelay, the pause between attempts, and the addresses
 * --persist-remote-ip and --persist-local-ip keep across SIGUSR1 restarts.
 *
 * Tier 5 (tunnel instance).  Must not include tier 6+ headers (multi*).
 * Owns nothing: the link lives in struct context, the kept addresses in
 * struct persist_state.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "error.h"
#include "init.h"
#include "sig.h"
#include "sockaddr.h"
#include "tunnel_tls.h"

/* 2.6 retries a name every 5 s within --resolv-retry's seconds (rounded up). */
#define RESOLVE_INTERVAL 5

static enum link_proto
link_proto_of(int proto)
{
    switch (proto)
    {
        case PROTO_TCP_SERVER:
            return LINK_TCP_SERVER;

        case PROTO_TCP_CLIENT:
        case PROTO_TCP:
            return LINK_TCP_CLIENT;

        default:
            return LINK_UDP;
    }
}

static bool
open_once(struct context *c, const struct link_config *lc, bool *fatal)
{
    *fatal = false;
    if (!link_open(&c->link, lc))
    {
        /* a busy port or a bad local address will not fix itself by retrying */
        *fatal = c->link.fail == LINK_FAIL_FATAL;
        return false;
    }
    return true;
}

/*
 * 2.6 tries a name once when the instance starts and once more when the
 * socket is finished; with --resolv-retry N the second step goes on every
 * 5 s for N seconds.  What is left then is a SIGUSR1 restart, which tries
 * again (so only "--resolv-retry 0" ever gives up: at once, exit 1).
 */
static bool
open_resolving(struct context *c, const struct link_config *lc, bool *fatal)
{
    int retry = c->o->resolv_retry;
    int tries = retry < 0 ? 1 : (retry + RESOLVE_INTERVAL - 1) / RESOLVE_INTERVAL;

    if (open_once(c, lc, fatal) || c->link.fail != LINK_FAIL_RESOLVE)
    {
        return c->link.fail == LINK_FAIL_NONE;
    }
    if (retry == 0)
    {
        *fatal = true;
        return false;
    }
    for (int i = 0; i < tries; i++)
    {
        if (i > 0 && !sig_sleep(RESOLVE_INTERVAL))
        {
            c->link.fail = LINK_FAIL_SIGNAL;
            return false;
        }
        if (open_once(c, lc, fatal) || c->link.fail != LINK_FAIL_RESOLVE)
        {
            return c->link.fail == LINK_FAIL_NONE;
        }
    }
    return false;
}

bool
init_link_open(struct context *c, bool *fatal)
{
    const struct options *o = c->o;
    const struct persist_state *ps = c->ps;
    const struct remote_entry *re = o->n_remotes ? &o->remotes[c->remote_index] : NULL;
    struct link_config lc = {
        .proto = link_proto_of(re && re->proto >= 0 ? re->proto : o->proto),
        .af = re && re->af != AF_UNSPEC ? re->af : o->proto_af,
        .local_host = o->local_host,
        .local_port = o->local_port,
        .bind_local = o->bind_local,
        .bind_ipv6_only = o->bind_ipv6_only,
        .remote_host = re ? re->host : NULL,
        .remote_port = re && re->port ? re->port : o->remote_port,
        .connect_timeout = o->connect_timeout,
        .sndbuf = o->sndbuf,
        .rcvbuf = o->rcvbuf,
        .mark = o->mark,
        .max_packet = (size_t)(o->tun_mtu + 32) + 512,
        .tcp_listen_only = o->mode == MODE_SERVER, /* mtcp.c accepts the clients */
        .tcp_nodelay = o->sock_tcp_nodelay,
        .remote_addr = ps->kept_remote_valid && ps->kept_remote_index == c->remote_index
                           ? &ps->kept_remote
                           : NULL,
        .local_addr = ps->kept_local_valid ? &ps->kept_local : NULL,
        .resolve_hint = o->resolv_retry == 0,
    };

    if (!open_resolving(c, &lc, fatal))
    {
        return false;
    }
    c->link_open = true;
    if (c->link.remote_known)
    {
        char a[128];

        c->peer = c->link.remote;
        c->peer_known = true;
        if (c->tls)
        {
            tls_multi_set_peer_name(c->tls->multi, sockaddr_print(&c->peer, a, sizeof(a)));
        }
    }
    return true;
}

void
init_link_keep(struct context *c, int sig)
{
    const struct options *o = c->o;
    struct persist_state *ps = c->ps;
    bool restart = sig == SIGUSR1;

    /* 2.6 keeps the addresses over a SIGUSR1 only; SIGHUP and exit forget them */
    ps->kept_remote_valid = false;
    ps->kept_local_valid = false;
    if (!restart || !c->link_open)
    {
        return;
    }
    if (o->persist_remote_ip && o->n_remotes > 0 && (c->peer_known || c->link.remote_known))
    {
        /* the address last used: a --float'ed peer's new one, not the name's */
        ps->kept_remote = c->peer_known ? c->peer : c->link.remote;
        ps->kept_remote_index = c->remote_index;
        ps->kept_remote_valid = true;
    }
    if (o->persist_local_ip && c->link.bound)
    {
        ps->kept_local = c->link.local;
        ps->kept_local_valid = true;
    }
}

/* 2.6: --connect-retry seconds for the first five failures per remote, then
 * doubling, never above --connect-retry-max; only a TCP client or a UDP TLS
 * client slows down so. */
int
init_link_retry_pause(const struct context *c, int failures)
{
    const struct options *o = c->o;
    const struct remote_entry *re = o->n_remotes ? &o->remotes[c->remote_index] : NULL;
    int proto = re && re->proto >= 0 ? re->proto : o->proto;
    int sec = o->connect_retry > 0 ? o->connect_retry : 1;
    int backoff = failures / (o->n_remotes > 0 ? o->n_remotes : 1) - 4;

    if (proto != PROTO_TCP_CLIENT && proto != PROTO_TCP && !(proto == PROTO_UDP && o->tls_client))
    {
        backoff = 0;
    }
    if (backoff > 0)
    {
        sec <<= backoff < 15 ? backoff : 15;
    }
    return sec > o->connect_retry_max_delay ? o->connect_retry_max_delay : sec;
}
