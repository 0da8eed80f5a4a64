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
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];
        bool pending;

        if (!mi || !mi->tcp)
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
                      &m->by_peer_id[i]);
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
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && mi->tcp && link_rx_pending(mi->tcp))
        {
            mtcp_read(m, mi);
        }
    }
}
