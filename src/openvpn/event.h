/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event.h -- an epoll set that waits with signals unblocked.
 *
 * The signals sig.c handles stay blocked except inside event_wait(), so a
 * signal that arrives between two waits stays pending and ends the next
 * wait at once instead of being lost.
 *
 * Tier 3o.  Must not include options.h or control-channel headers.
 */
#ifndef OVPN_EVENT_H
#define OVPN_EVENT_H

#include <stdbool.h>

#define EVENT_READ  1u
#define EVENT_WRITE 2u
#define EVENT_ERROR 4u /**< reported only: hang-up or socket error */

struct event_set
{
    int epfd;
};

struct event_ready
{
    void *arg;
    unsigned int events;
};

bool event_init(struct event_set *es);
void event_free(struct event_set *es);

/**
 * Register @p fd for @p events (EVENT_READ | EVENT_WRITE) with @p arg, or
 * change an existing registration; events 0 removes it.
 */
bool event_ctl(struct event_set *es, int fd, unsigned int events, void *arg);

/**
 * Wait up to @p timeout_ms (-1 forever) for ready descriptors.  Returns
 * the number written to @p out (0 on timeout or when a signal arrived;
 * check sig_pending()), or -1 on an unexpected epoll error (logged).
 */
int event_wait(struct event_set *es, struct event_ready *out, int max, int timeout_ms);

#endif /* OVPN_EVENT_H */
