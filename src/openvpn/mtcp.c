/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mtcp.c -- the TCP side of the server (see multi.h): one connection per
 * client, accepted from the listening socket init.c opened; each is a
 * struct link of its own with the 2-byte framing and a send queue.  The
 * connection identifies the client, so there is no address lookup and no
 * float.  Events carry &m->by_peer_id[i], which stays valid when the
 * client behind it goes away in the same round.  Tier 6.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "event.h"
#include "link.h"
#include "multi.h"
#include "otime.h"
#include "strutil.h"

/* queued bytes to one client above which the tun is not read (TCP back-pressure) */
#define MTCP_BACKLOG (128u * 1024u)

/*
 * Connections still in their TLS handshake: at most a quarter of
 * --max-clients (at least MTCP_PENDING_MIN).  A new one past that pushes
 * out the oldest that has not sent a valid packet yet, else the oldest
 * in the handshake: a real client completes it in a few round trips,
 * whereas connections that hang (slowloris) grow old.  So they can
 * neither exhaust the fds and --max-clients nor keep a real client out.
 */
#define MTCP_PENDING_MIN 4

static void
make_room(struct multi_context *m)
{
    int cap = m->o->max_clients / 4 > MTCP_PENDING_MIN ? m->o->max_clients / 4 : MTCP_PENDING_MIN;
    struct multi_instance *victim = NULL;
    int pending = 0;

    for (int i = 0; i < m->n_instances; i++)
    {
        struct multi_instance *mi = m->active[i];

        if (!mi->tcp || mi->tls_done || mi->state == MI_HALTING)
        {
            continue;
        }
        pending++;
        /* cid grows with each new client: the smallest is the oldest */
        if (!victim || (victim->tcp_proven && !mi->tcp_proven)
            || (victim->tcp_proven == mi->tcp_proven && mi->cid < victim->cid))
        {
            victim = mi;
        }
    }
    if (pending < cap || !victim)
    {
        return;
    }
    m->dropped_max_clients++;
    if (ratelimit_allow(&m->rl_new, otime_mono()))
    {
        msg(D_MULTI_ERRORS,
            "%s TCP connection closed: %d connections are in the TLS handshake, the oldest goes",
            victim->prefix, pending);
    }
    multi_close(m, victim, NULL);
}

void
mtcp_accept(struct multi_context *m)
{
    struct context *c = m->c;

    for (int i = 0; i < 16; i++)
    {
        struct link *l = xcalloc(1, sizeof(*l));
        struct multi_instance *mi;

        if (!link_accept(&c->link, l))
        {
            free(l);
            return;
        }
        make_room(m);
        mi = multi_create(m, &l->remote, otime_mono_ms(), NULL, NULL);
        if (!mi)
        {
            link_close(l);
            free(l);
            continue;
        }
        mi->tcp = l;
        event_ctl(&c->es, l->fd, EVENT_READ, &m->by_peer_id[mi->peer_id]);
    }
}

bool
mtcp_read(struct multi_context *m, struct multi_instance *mi)
{
    struct context *c = m->c;
    time_t now = otime_mono(), wall = otime_wall();
    int64_t now_ms = otime_mono_ms();
    uint32_t id = mi->peer_id;

    for (int round = 0; round < 8; round++)
    {
        int n;

        for (int i = 0; i < BATCH_MAX; i++)
        {
            buf_reset(&c->from_link.pkts[i].buf, 0);
        }
        n = link_recv(mi->tcp, c->from_link.pkts, BATCH_MAX);
        if (n < 0)
        {
            multi_close(m, mi, "Connection reset, client-instance restarting");
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            multi_process_packet(m, mi, &c->from_link.pkts[i], now, wall, now_ms);
            if (m->by_peer_id[id] != mi)
            {
                return false; /* closed while handling the packet */
            }
        }
        multi_flush(m);
        if (!link_rx_pending(mi->tcp))
        {
            break;
        }
    }
    return true;
}

bool
mtcp_write(struct multi_context *m, struct multi_instance *mi)
{
    if (!link_flush(mi->tcp))
    {
        multi_close(m, mi, "Connection reset, client-instance restarting");
        return false;
    }
    return true;
}

void
mtcp_update_interest(struct multi_context *m, bool *backlog, bool *rx_pending)
{
    *backlog = false;
    *rx_pending = false;
    /* backwards: a write error closes the client and moves the last one here */
    for (int i = m->n_instances - 1; i >= 0; i--)
    {
        struct multi_instance *mi;
        bool pending;

        if (i >= m->n_instances || !(mi = m->active[i])->tcp)
        {
            continue;
        }
        /* write what the round queued now; wait for EVENT_WRITE only for the rest */
        if (link_tx_pending(mi->tcp) && !mtcp_write(m, mi))
        {
            continue;
        }
        pending = link_tx_pending(mi->tcp);
        if (pending != mi->tcp_write_armed)
        {
            event_ctl(&m->c->es, mi->tcp->fd, EVENT_READ | (pending ? EVENT_WRITE : 0),
                      &m->by_peer_id[mi->peer_id]);
            mi->tcp_write_armed = pending;
        }
        /* a client that does not drain its queue holds back the tun, as p2p does */
        *backlog |= link_tx_queued(mi->tcp) > MTCP_BACKLOG;
        *rx_pending |= link_rx_pending(mi->tcp);
    }
}

void
mtcp_read_pending(struct multi_context *m)
{
    for (int i = m->n_instances - 1; i >= 0; i--)
    {
        struct multi_instance *mi;

        if (i < m->n_instances && (mi = m->active[i])->tcp && link_rx_pending(mi->tcp))
        {
            mtcp_read(m, mi);
        }
    }
}
