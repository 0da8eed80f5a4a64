/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * keepalive.h -- the liveness timers of one tunnel: --ping, --ping-restart,
 * --ping-exit, --inactive, --session-timeout.
 *
 * Callers report facts (a packet was sent, an authenticated packet came in,
 * tunnel bytes moved); keepalive_check() alone decides what is due.  The
 * clock is passed in, so the module is tested without time mocking.
 * Tier 5 (it knows the options' meaning), but includes only tier 0.
 */
#ifndef OVPN_KEEPALIVE_H
#define OVPN_KEEPALIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum keepalive_event
{
    KA_NONE,
    KA_SEND_PING,     /* nothing sent for --ping seconds */
    KA_PING_RESTART,  /* nothing received for --ping-restart seconds */
    KA_PING_EXIT,     /* nothing received for --ping-exit seconds */
    KA_INACTIVE,      /* --inactive: too little tunnel traffic */
    KA_SESSION_TIMEOUT,
};

struct keepalive_config
{
    int ping;                /* seconds, 0 = off */
    int ping_rec_timeout;    /* seconds, 0 = off */
    bool ping_rec_exit;      /* --ping-exit rather than --ping-restart */
    bool timer_remote;       /* --ping-timer-rem: only once the peer is known */
    int inactive;            /* seconds, 0 = off */
    int64_t inactive_bytes;  /* --inactive n bytes */
    int session_timeout;     /* seconds, 0 = off */
};

struct keepalive
{
    struct keepalive_config cfg;
    time_t last_sent;
    time_t last_received;
    time_t inactive_since;   /* start of the current --inactive period */
    int64_t inactive_count;  /* tunnel bytes in that period */
    time_t started;
    bool remote_known;
};

void keepalive_init(struct keepalive *ka, const struct keepalive_config *cfg, time_t now);

/** A packet (data, ping or OCC) went to the peer. */
void keepalive_on_sent(struct keepalive *ka, time_t now);

/** An authenticated packet arrived from the peer. */
void keepalive_on_received(struct keepalive *ka, time_t now);

/** The peer's address became known (for --ping-timer-rem). */
void keepalive_on_remote_known(struct keepalive *ka, time_t now);

/** @p bytes of tunnel payload moved in either direction (--inactive). */
void keepalive_on_tunnel_bytes(struct keepalive *ka, int64_t bytes, time_t now);

/** What is due at @p now; a caller acting on KA_SEND_PING reports it with on_sent. */
enum keepalive_event keepalive_check(struct keepalive *ka, time_t now);

/** Seconds until the next timer may fire (for the event-loop timeout), -1 = none. */
int keepalive_next_due(const struct keepalive *ka, time_t now);

#endif /* OVPN_KEEPALIVE_H */
