/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * keepalive.c -- see keepalive.h.  Timers, each with its period:
 *   ping            send a ping after cfg.ping s without sending anything
 *   ping-restart    restart (or exit) after cfg.ping_rec_timeout s without
 *                   receiving anything authenticated
 *   inactive        exit after cfg.inactive s with < inactive_bytes of
 *                   tunnel traffic
 *   session-timeout exit (restart) cfg.session_timeout s after start
 */
#include <string.h>

#include "keepalive.h"

void
keepalive_init(struct keepalive *ka, const struct keepalive_config *cfg, time_t now)
{
    memset(ka, 0, sizeof(*ka));
    ka->cfg = *cfg;
    ka->last_sent = now;
    ka->last_received = now;
    ka->inactive_since = now;
    ka->started = now;
}

void
keepalive_on_sent(struct keepalive *ka, time_t now)
{
    ka->last_sent = now;
}

void
keepalive_on_received(struct keepalive *ka, time_t now)
{
    ka->last_received = now;
}

void
keepalive_on_remote_known(struct keepalive *ka, time_t now)
{
    if (!ka->remote_known)
    {
        ka->remote_known = true;
        ka->last_received = now; /* --ping-timer-rem starts counting here */
    }
}

void
keepalive_on_tunnel_bytes(struct keepalive *ka, int64_t bytes, time_t now)
{
    ka->inactive_count += bytes;
    if (ka->cfg.inactive && ka->inactive_count >= ka->cfg.inactive_bytes)
    {
        /* enough traffic in this period: start a new one */
        ka->inactive_since = now;
        ka->inactive_count = 0;
    }
}

static bool
rec_timer_armed(const struct keepalive *ka)
{
    return ka->cfg.ping_rec_timeout > 0 && (!ka->cfg.timer_remote || ka->remote_known);
}

enum keepalive_event
keepalive_check(struct keepalive *ka, time_t now)
{
    if (ka->cfg.session_timeout > 0 && now - ka->started >= ka->cfg.session_timeout)
    {
        return KA_SESSION_TIMEOUT;
    }
    if (ka->cfg.inactive > 0 && now - ka->inactive_since >= ka->cfg.inactive)
    {
        return KA_INACTIVE;
    }
    if (rec_timer_armed(ka) && now - ka->last_received >= ka->cfg.ping_rec_timeout)
    {
        return ka->cfg.ping_rec_exit ? KA_PING_EXIT : KA_PING_RESTART;
    }
    if (ka->cfg.ping > 0 && now - ka->last_sent >= ka->cfg.ping)
    {
        return KA_SEND_PING;
    }
    return KA_NONE;
}

static void
earliest(int *best, time_t due, time_t now)
{
    int d = due <= now ? 0 : (int)(due - now);

    if (*best < 0 || d < *best)
    {
        *best = d;
    }
}

int
keepalive_next_due(const struct keepalive *ka, time_t now)
{
    int best = -1;

    if (ka->cfg.ping > 0)
    {
        earliest(&best, ka->last_sent + ka->cfg.ping, now);
    }
    if (rec_timer_armed(ka))
    {
        earliest(&best, ka->last_received + ka->cfg.ping_rec_timeout, now);
    }
    if (ka->cfg.inactive > 0)
    {
        earliest(&best, ka->inactive_since + ka->cfg.inactive, now);
    }
    if (ka->cfg.session_timeout > 0)
    {
        earliest(&best, ka->started + ka->cfg.session_timeout, now);
    }
    return best;
}
