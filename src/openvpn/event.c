/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event.c -- epoll set waited on with epoll_pwait() and sig_wait_mask(),
 * so pending signals end a wait instead of being lost before it.
 * Tier 3o.
 */
#include "config.h"

#include "event.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "error.h"
#include "sig.h"

/* Most events collected by one event_wait() call (the caller's max is clamped). */
#define EVENT_WAIT_MAX 64

bool
event_init(struct event_set *es)
{
    es->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (es->epfd < 0)
    {
        msg(M_ERRNO | M_INFO, "epoll_create1 failed");
        return false;
    }
    return true;
}

void
event_free(struct event_set *es)
{
    if (es->epfd >= 0)
    {
        close(es->epfd);
    }
    es->epfd = -1;
}

bool
event_ctl(struct event_set *es, int fd, unsigned int events, void *arg)
{
    struct epoll_event ev = { 0 };

    if (events == 0)
    {
        if (epoll_ctl(es->epfd, EPOLL_CTL_DEL, fd, NULL) == 0 || errno == ENOENT)
        {
            return true;
        }
        msg(D_EVENT_ERRORS | M_ERRNO, "EVENT: epoll_ctl DEL failed, sd=%d", fd);
        return false;
    }
    ev.events = ((events & EVENT_READ) ? EPOLLIN : 0) | ((events & EVENT_WRITE) ? EPOLLOUT : 0);
    ev.data.ptr = arg;
    if (epoll_ctl(es->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
    {
        return true;
    }
    if (errno == ENOENT && epoll_ctl(es->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
    {
        return true;
    }
    msg(D_EVENT_ERRORS | M_ERRNO, "EVENT: epoll_ctl failed, sd=%d", fd);
    return false;
}

int
event_wait(struct event_set *es, struct event_ready *out, int max, int timeout_ms)
{
    struct epoll_event evs[EVENT_WAIT_MAX];
    int n;

    if (max > EVENT_WAIT_MAX)
    {
        max = EVENT_WAIT_MAX;
    }
    if (max <= 0)
    {
        return 0;
    }
    n = epoll_pwait(es->epfd, evs, max, timeout_ms, sig_wait_mask());
    if (n < 0)
    {
        if (errno == EINTR)
        {
            return 0; /* a signal: the caller checks sig_pending() */
        }
        msg(D_EVENT_ERRORS | M_ERRNO, "event_wait: epoll_pwait failed");
        return -1;
    }
    for (int i = 0; i < n; i++)
    {
        unsigned int e = 0;

        if (evs[i].events & (EPOLLIN | EPOLLPRI))
        {
            e |= EVENT_READ;
        }
        if (evs[i].events & EPOLLOUT)
        {
            e |= EVENT_WRITE;
        }
        if (evs[i].events & (EPOLLERR | EPOLLHUP))
        {
            /* Report as readable too: the read is what finds out what happened. */
            e |= EVENT_ERROR | EVENT_READ;
        }
        out[i].arg = evs[i].data.ptr;
        out[i].events = e;
    }
    return n;
}
