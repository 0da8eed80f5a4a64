/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link.c -- one transport socket: open (UDP, TCP client, TCP server that
 * accepts one peer), batched receive and send, TCP framing via stream.c.
 *
 * Storage (UDP mmsghdr/iovec arrays, TCP rx buffer and tx queue) is
 * allocated once in link_open(); the data path neither allocates nor makes
 * more than one system call per batch (UDP) or per read/write (TCP).
 *
 * Tier 3o.  Must not include options.h or any crypto / control-channel
 * header: struct link_config carries everything that is configured.
 */
#include "config.h"

#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "otime.h"
#include "sig.h"
#include "stream.h"
#include "strutil.h"

/* 2.6's --connect-timeout default. */
#define CONNECT_TIMEOUT_DEFAULT 120
/* Read size of the TCP receive buffer beyond the two frames required. */
#define TCP_RX_EXTRA (64u * 1024u)

const char *
link_proto_name(enum link_proto proto, sa_family_t af)
{
    bool v6 = af == AF_INET6;

    switch (proto)
    {
        case LINK_UDP:
            return v6 ? "UDPv6" : "UDPv4";
        case LINK_TCP_SERVER:
            return v6 ? "TCPv6_SERVER" : "TCPv4_SERVER";
        case LINK_TCP_CLIENT:
            return v6 ? "TCPv6_CLIENT" : "TCPv4_CLIENT";
    }
    return "UNDEF";
}

static sa_family_t
link_af(const struct link *l)
{
    return l->local.len ? l->local.ss.ss_family : l->remote.ss.ss_family;
}

/* Log the first error of a kind and then at powers of two: no clock needed. */
static bool
worth_logging(uint64_t count)
{
    return (count & (count - 1)) == 0;
}

/*
 * Wait for @p events on @p fd with the handled signals unblocked.
 * Returns 1 when ready, 0 on timeout, -1 when a signal is pending.
 * timeout_ms < 0 waits forever.
 */
static int
wait_fd(int fd, short events, int timeout_ms)
{
    int64_t deadline = timeout_ms >= 0 ? otime_mono_ms() + timeout_ms : -1;

    for (;;)
    {
        struct pollfd pfd = { .fd = fd, .events = events };
        struct timespec ts, *tsp = NULL;
        int n;

        if (sig_pending())
        {
            return -1;
        }
        if (deadline >= 0)
        {
            int64_t left = deadline - otime_mono_ms();

            if (left <= 0)
            {
                return 0;
            }
            ts.tv_sec = (time_t) (left / 1000);
            ts.tv_nsec = (long) (left % 1000) * 1000000L;
            tsp = &ts;
        }
        n = ppoll(&pfd, 1, tsp, sig_wait_mask());
        if (n > 0)
        {
            return 1;
        }
        if (n < 0 && errno != EINTR)
        {
            return -1;
        }
    }
}

static void
set_buffers(int fd, const struct link_config *cfg)
{
    int r0 = 0, s0 = 0, r1, s1;
    socklen_t len = sizeof(int);

    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r0, &len);
    len = sizeof(int);
    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s0, &len);
    if (cfg->rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cfg->rcvbuf, sizeof(int)) < 0)
    {
        msg(M_WARN | M_ERRNO, "NOTE: setsockopt SO_RCVBUF=%d failed", cfg->rcvbuf);
    }
    if (cfg->sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cfg->sndbuf, sizeof(int)) < 0)
    {
        msg(M_WARN | M_ERRNO, "NOTE: setsockopt SO_SNDBUF=%d failed", cfg->sndbuf);
    }
    r1 = r0;
    s1 = s0;
    len = sizeof(int);
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r1, &len);
    len = sizeof(int);
    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s1, &len);
    msg(M_INFO, "Socket Buffers: R=[%d->%d] S=[%d->%d]", r0, r1, s0, s1);
}

/* Create the socket with every option 2.6 sets before bind/connect. */
static bool
set_nodelay(int fd)
{
    int on = 1;

    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0)
    {
        msg(M_WARN, "NOTE: setsockopt TCP_NODELAY=%d failed", on);
        return false;
    }
    msg(D_OSBUF, "Socket flags: TCP_NODELAY=%d succeeded", on);
    return true;
}

bool
link_set_tcp_nodelay(struct link *l)
{
    l->tcp_nodelay = true;
    return set_nodelay(l->fd >= 0 ? l->fd : l->listen_fd);
}

static int
make_socket(const struct link_config *cfg, sa_family_t af)
{
    int type = cfg->proto == LINK_UDP ? SOCK_DGRAM : SOCK_STREAM;
    int fd = socket(af, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;

    if (fd < 0)
    {
        msg(M_INFO | M_NONFATAL,
            "Cannot create %s socket: %s (errno=%d)",
            link_proto_name(cfg->proto, af),
            strerror(errno),
            errno);
        return -1;
    }
    if (cfg->proto == LINK_TCP_SERVER)
    {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    }
    set_buffers(fd, cfg);
    if (cfg->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg->mark, sizeof(cfg->mark)) < 0)
    {
        msg(M_WARN | M_ERRNO, "NOTE: setsockopt SO_MARK=%d failed", cfg->mark);
    }
    if (cfg->tcp_nodelay)
    {
        set_nodelay(fd); /* a UDP socket refuses it: 2.6 says so and goes on */
    }
    if (af == AF_INET6)
    {
        int v6only = cfg->bind_ipv6_only ? 1 : 0;

        msg(M_INFO, "setsockopt(IPV6_V6ONLY=%d)", v6only);
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0)
        {
            msg(M_WARN | M_ERRNO, "Setting IPV6_V6ONLY=%d failed", v6only);
        }
    }
    return fd;
}

static bool
resolve(const struct link_config *cfg, const char *host, const char *port, sa_family_t af,
        bool passive, struct link_addr *out)
{
    int type = cfg->proto == LINK_UDP ? SOCK_DGRAM : SOCK_STREAM;

    return sockaddr_resolve_note(host, port, af, type, passive,
                                 cfg->resolve_hint && !passive
                                     ? " (I would have retried this name query if you had "
                                       "specified the --resolv-retry option.)"
                                     : "",
                                 out);
}

/* 2.6 resolves the remote in two steps and logs this line at the second
 * one, so it appears at every start; twice when the address was kept. */
static void
log_preserved(const struct link_addr *a, int times)
{
    char t[SOCKADDR_PRINT_MAX];

    sockaddr_print(a, t, sizeof(t));
    for (int i = 0; i < times; i++)
    {
        msg(M_INFO, "TCP/UDP: Preserving recently used remote address: %s", t);
    }
}

/* Resolve remote and local addresses and pick the address family. */
static bool
resolve_addrs(struct link *l, const struct link_config *cfg, sa_family_t *af)
{
    *af = cfg->af;
    if (cfg->remote_addr)
    {
        l->remote = *cfg->remote_addr;
        l->remote_known = true;
        *af = l->remote.ss.ss_family;
        log_preserved(&l->remote, 2);
    }
    else if (cfg->remote_host)
    {
        if (!resolve(cfg, cfg->remote_host, cfg->remote_port, *af, false, &l->remote))
        {
            return false;
        }
        l->remote_known = true;
        *af = l->remote.ss.ss_family;
        log_preserved(&l->remote, 1);
    }
    else if (cfg->local_addr)
    {
        *af = cfg->local_addr->ss.ss_family;
    }
    else if (cfg->local_host)
    {
        struct link_addr tmp;

        if (!resolve(cfg, cfg->local_host, cfg->local_port, *af, true, &tmp))
        {
            return false;
        }
        *af = tmp.ss.ss_family;
    }
    if (*af == AF_UNSPEC)
    {
        *af = AF_INET;
        msg(M_INFO, "Could not determine IPv4/IPv6 protocol. Using AF_INET");
    }
    if (cfg->local_addr && cfg->local_addr->ss.ss_family == *af)
    {
        l->local = *cfg->local_addr;
        return true;
    }
    if (cfg->bind_local || cfg->proto == LINK_TCP_SERVER)
    {
        return resolve(cfg, cfg->local_host, cfg->local_port, *af, true, &l->local);
    }
    return true;
}

static bool
bind_local(struct link *l, int fd)
{
    char a[SOCKADDR_PRINT_MAX];

    if (bind(fd, (const struct sockaddr *) &l->local.ss, l->local.len) == 0)
    {
        return true;
    }
    msg(D_LINK_ERRORS,
        "TCP/UDP: Socket bind failed on local address %s: %s (errno=%d)",
        sockaddr_print(&l->local, a, sizeof(a)),
        strerror(errno),
        errno);
    return false;
}

static void
log_endpoints(const struct link *l, bool bound)
{
    char a[SOCKADDR_PRINT_MAX];
    const char *name = link_proto_name(l->proto, link_af(l));

    if (bound)
    {
        msg(M_INFO, "%s link local (bound): %s", name, sockaddr_print(&l->local, a, sizeof(a)));
    }
    else
    {
        msg(M_INFO, "%s link local: (not bound)", name);
    }
    msg(M_INFO, "%s link remote: %s", name, sockaddr_print(&l->remote, a, sizeof(a)));
}

static bool
alloc_storage(struct link *l)
{
    if (l->proto == LINK_UDP)
    {
        l->msgs = xcalloc(LINK_BATCH_MAX, sizeof(*l->msgs));
        l->iovs = xcalloc(LINK_BATCH_MAX, sizeof(*l->iovs));
        return true;
    }
    /* Room for two whole frames at least, and a large read beyond that. */
    l->rx_cap = 2 * (l->max_packet + STREAM_HDR_LEN) + TCP_RX_EXTRA;
    l->rx_store = xcalloc(1, l->rx_cap);
    l->rx = buf_storage(l->rx_store, l->rx_cap, 0);
    l->tx_cap = LINK_TCP_TXQ_MAX + l->max_packet + STREAM_HDR_LEN;
    l->tx_store = xcalloc(1, l->tx_cap);
    l->tx = buf_storage(l->tx_store, l->tx_cap, 0);
    return true;
}

static bool
tcp_connect(struct link *l, const struct link_config *cfg)
{
    char a[SOCKADDR_PRINT_MAX];
    int timeout = cfg->connect_timeout > 0 ? cfg->connect_timeout : CONNECT_TIMEOUT_DEFAULT;
    int err = 0, r;
    socklen_t len = sizeof(err);

    sockaddr_print(&l->remote, a, sizeof(a));
    msg(M_INFO, "Attempting to establish TCP connection with %s", a);
    if (connect(l->fd, (const struct sockaddr *) &l->remote.ss, l->remote.len) < 0)
    {
        err = errno;
        if (err == EINPROGRESS)
        {
            r = wait_fd(l->fd, POLLOUT, timeout * 1000);
            if (r < 0)
            {
                l->fail = LINK_FAIL_SIGNAL;
                return false;
            }
            err = ETIMEDOUT;
            if (r > 0 && getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            {
                err = errno;
            }
        }
    }
    if (err)
    {
        msg(D_LINK_ERRORS, "TCP: connect to %s failed: %s", a, strerror(err));
        l->fail = LINK_FAIL_RETRY;
        return false;
    }
    msg(M_INFO, "TCP connection established with %s", a);
    return true;
}

/* Accept one peer that matches --remote (if given), then drop the listener. */
static bool
tcp_accept_one(struct link *l, const struct link_config *cfg)
{
    char a[SOCKADDR_PRINT_MAX];

    if (listen(l->listen_fd, 32) < 0)
    {
        msg(D_LINK_ERRORS, "TCP: listen() failed: %s (errno=%d)", strerror(errno), errno);
        return false;
    }
    msg(M_INFO,
        "Listening for incoming TCP connection on %s",
        sockaddr_print(&l->local, a, sizeof(a)));
    for (;;)
    {
        struct link_addr peer = { .len = sizeof(peer.ss) };
        int fd;

        if (wait_fd(l->listen_fd, POLLIN, -1) < 0)
        {
            l->fail = LINK_FAIL_SIGNAL;
            return false;
        }
        fd = accept4(
          l->listen_fd, (struct sockaddr *) &peer.ss, &peer.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
        {
            continue; /* EAGAIN, ECONNABORTED: wait for the next one */
        }
        if (l->remote_known && !sockaddr_equal_addr(&peer, &l->remote))
        {
            msg(M_WARN,
                "TCP NOTE: Rejected connection attempt from %s due to --remote setting",
                sockaddr_print(&peer, a, sizeof(a)));
            close(fd);
            continue;
        }
        l->fd = fd;
        l->remote = peer;
        l->remote_known = true;
        msg(M_INFO, "TCP connection established with %s", sockaddr_print(&peer, a, sizeof(a)));
        close(l->listen_fd);
        l->listen_fd = -1;
        return true;
    }
}

static bool
open_socket(struct link *l, const struct link_config *cfg)
{
    char a[SOCKADDR_PRINT_MAX];
    sa_family_t af;
    bool bound = cfg->bind_local || cfg->proto == LINK_TCP_SERVER;

    l->tcp_nodelay = cfg->tcp_nodelay;
    l->bound = bound;
    if (!resolve_addrs(l, cfg, &af))
    {
        l->fail = LINK_FAIL_RESOLVE; /* 2.6 retries name resolution (--resolv-retry) */
        return false;
    }
    if (cfg->proto == LINK_TCP_CLIENT && !l->remote_known)
    {
        msg(M_INFO | M_NONFATAL, "TCP client needs a --remote");
        return false;
    }
    if (cfg->proto == LINK_TCP_SERVER)
    {
        l->listen_fd = make_socket(cfg, af);
        if (l->listen_fd < 0 || !bind_local(l, l->listen_fd))
        {
            return false;
        }
        if (cfg->tcp_listen_only)
        {
            if (listen(l->listen_fd, 32) < 0)
            {
                msg(D_LINK_ERRORS, "TCP: listen() failed: %s (errno=%d)", strerror(errno), errno);
                return false;
            }
            log_endpoints(l, bound);
            msg(M_INFO, "Listening for incoming TCP connection on %s",
                sockaddr_print(&l->local, a, sizeof(a)));
            return true;
        }
        if (!tcp_accept_one(l, cfg))
        {
            return false;
        }
    }
    else
    {
        l->fd = make_socket(cfg, af);
        if (l->fd < 0 || (bound && !bind_local(l, l->fd)))
        {
            return false;
        }
        if (cfg->proto == LINK_TCP_CLIENT && !tcp_connect(l, cfg))
        {
            return false;
        }
    }
    log_endpoints(l, bound);
    return true;
}

bool
link_open(struct link *l, const struct link_config *cfg)
{
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    l->listen_fd = -1;
    l->proto = cfg->proto;
    l->max_packet = cfg->max_packet;
    ASSERT(cfg->max_packet > 0 && cfg->max_packet <= UINT16_MAX);

    l->fail = LINK_FAIL_FATAL; /* until a step says otherwise */
    if (!open_socket(l, cfg))
    {
        enum link_fail fail = l->fail;

        link_close(l);
        l->fail = fail;
        return false;
    }
    alloc_storage(l);
    l->fail = LINK_FAIL_NONE;
    return true;
}

bool
link_accept(struct link *l, struct link *out)
{
    struct link_addr peer = { .len = sizeof(peer.ss) };
    char a[SOCKADDR_PRINT_MAX];
    int fd;

    fd = accept4(l->listen_fd, (struct sockaddr *) &peer.ss, &peer.len,
                 SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
    {
        return false; /* EAGAIN, ECONNABORTED: nothing to do */
    }
    memset(out, 0, sizeof(*out));
    out->fd = fd;
    out->listen_fd = -1;
    out->proto = LINK_TCP_SERVER;
    out->local = l->local;
    out->remote = peer;
    out->remote_known = true;
    out->max_packet = l->max_packet;
    out->tcp_nodelay = l->tcp_nodelay;
    if (out->tcp_nodelay)
    {
        set_nodelay(fd); /* 2.6 sets its socket flags on every accepted connection */
    }
    alloc_storage(out);
    msg(M_INFO, "TCP connection established with %s", sockaddr_print(&peer, a, sizeof(a)));
    return true;
}

void
link_close(struct link *l)
{
    if (l->fd >= 0)
    {
        close(l->fd);
    }
    if (l->listen_fd >= 0)
    {
        close(l->listen_fd);
    }
    free(l->msgs);
    free(l->iovs);
    free(l->rx_store);
    free(l->tx_store);
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    l->listen_fd = -1;
}

/* ---------------------------------------------------------------- UDP */

/* Move the packets flagged in @p keep to the front, preserving their order. */
static int
compact(struct link_pkt *pkts, const bool *keep, int n)
{
    int out = 0;

    for (int i = 0; i < n; i++)
    {
        if (keep[i])
        {
            if (i != out)
            {
                struct link_pkt t = pkts[out];

                pkts[out] = pkts[i];
                pkts[i] = t;
            }
            out++;
        }
    }
    return out;
}

static int
udp_recv(struct link *l, struct link_pkt *pkts, int max)
{
    bool keep[LINK_BATCH_MAX];
    bool any_dropped = false;
    int n;

    for (int i = 0; i < max; i++)
    {
        struct msghdr *h = &l->msgs[i].msg_hdr;

        l->iovs[i].iov_base = buf_end(&pkts[i].buf);
        l->iovs[i].iov_len = buf_tailroom(&pkts[i].buf);
        memset(h, 0, sizeof(*h));
        h->msg_iov = &l->iovs[i];
        h->msg_iovlen = 1;
        h->msg_name = &pkts[i].addr.ss;
        h->msg_namelen = sizeof(pkts[i].addr.ss);
    }
    n = recvmmsg(l->fd, l->msgs, (unsigned int) max, MSG_DONTWAIT, NULL);
    if (n < 0)
    {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
            worth_logging(++l->rx_errors))
        {
            msg(D_LINK_ERRORS,
                "read %s: %s (errno=%d)",
                link_proto_name(l->proto, link_af(l)),
                strerror(errno),
                errno);
        }
        return 0;
    }
    for (int i = 0; i < n; i++)
    {
        const struct msghdr *h = &l->msgs[i].msg_hdr;

        /* A datagram larger than our buffers is not ours to half-read. */
        keep[i] = !(h->msg_flags & MSG_TRUNC) && l->msgs[i].msg_len > 0;
        any_dropped |= !keep[i];
        pkts[i].buf.len += l->msgs[i].msg_len;
        pkts[i].addr.len = h->msg_namelen;
        if (keep[i])
        {
            l->rx_bytes += l->msgs[i].msg_len;
            l->rx_packets++;
        }
        else
        {
            l->rx_dropped++;
        }
    }
    return any_dropped ? compact(pkts, keep, n) : n;
}

static void
udp_send_error(struct link *l, int err)
{
    l->tx_dropped++;
    if (err != EAGAIN && err != EWOULDBLOCK && worth_logging(++l->tx_errors))
    {
        msg(D_LINK_ERRORS,
            "write %s: %s (errno=%d)",
            link_proto_name(l->proto, link_af(l)),
            strerror(err),
            err);
    }
}

static int
udp_send(struct link *l, struct link_pkt *pkts, int n)
{
    int done = 0, sent = 0;

    for (int i = 0; i < n; i++)
    {
        struct msghdr *h = &l->msgs[i].msg_hdr;
        const struct link_addr *to = pkts[i].addr.len ? &pkts[i].addr : &l->remote;

        l->iovs[i].iov_base = buf_ptr(&pkts[i].buf);
        l->iovs[i].iov_len = buf_len(&pkts[i].buf);
        memset(h, 0, sizeof(*h));
        h->msg_iov = &l->iovs[i];
        h->msg_iovlen = 1;
        h->msg_name = (void *) &to->ss;
        h->msg_namelen = to->len;
    }
    while (done < n)
    {
        int r = sendmmsg(l->fd, l->msgs + done, (unsigned int) (n - done), MSG_DONTWAIT);

        if (r > 0)
        {
            for (int i = done; i < done + r; i++)
            {
                l->tx_bytes += l->msgs[i].msg_len;
            }
            l->tx_packets += (uint64_t) r;
            sent += r;
            done += r;
            continue;
        }
        if (r < 0 && errno == EINTR)
        {
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
            /* The kernel queue is full: dropping is what a UDP sender does. */
            l->tx_dropped += (uint64_t) (n - done - 1);
            udp_send_error(l, errno);
            break;
        }
        /* The first unsent packet failed (unreachable, too big ...): skip it. */
        udp_send_error(l, r < 0 ? errno : EIO);
        done++;
    }
    return sent;
}

/* ---------------------------------------------------------------- TCP */

static int
tcp_fail(struct link *l, const char *why, int status)
{
    if (!l->tcp_dead)
    {
        l->tcp_dead = true;
        if (why)
        {
            msg(M_WARN, "%s", why);
        }
        else
        {
            msg(D_STREAM_ERRORS, "Connection reset, restarting [%d]", status);
        }
    }
    return -1;
}

/* Split complete frames out of the rx buffer into pkts[*count ...]. */
static bool
tcp_deframe(struct link *l, struct link_pkt *pkts, int max, int *count)
{
    while (*count < max)
    {
        struct buffer view;
        enum frame_result fr = stream_next_frame(&l->rx, &view, l->max_packet);

        if (fr == FRAME_NEED_MORE)
        {
            break;
        }
        if (fr == FRAME_INVALID)
        {
            char why[400];
            const uint8_t *p = buf_ptr(&l->rx);

            snprintf(why,
                     sizeof(why),
                     "WARNING: Bad encapsulated packet length from peer (%d), which must be > 0 "
                     "and <= %zu -- please ensure that --tun-mtu or --link-mtu is equal on both "
                     "peers -- this condition could also indicate a possible active attack on "
                     "the TCP link -- [Attempting restart...]",
                     load_be16(p),
                     l->max_packet);
            tcp_fail(l, why, 0);
            return false;
        }
        if (!buf_write_bytes(&pkts[*count].buf, buf_ptr(&view), buf_len(&view)))
        {
            /* The caller's buffer is smaller than max_packet: our bug, not the peer's. */
            ASSERT(!"link_recv: packet buffer smaller than max_packet");
        }
        l->rx_bytes += buf_len(&view);
        l->rx_packets++;
        (*count)++;
    }
    if (buf_len(&l->rx) == 0)
    {
        buf_reset(&l->rx, 0);
    }
    return true;
}

static int
tcp_recv(struct link *l, struct link_pkt *pkts, int max)
{
    int count = 0;
    ssize_t r;

    if (l->tcp_dead)
    {
        return -1;
    }
    if (!tcp_deframe(l, pkts, max, &count))
    {
        return count ? count : -1;
    }
    if (count == max)
    {
        return count;
    }
    /* Only a partial frame is left: move it to the front so a read always fits. */
    if (buf_headroom(&l->rx) > 0)
    {
        memmove(l->rx.data, buf_ptr(&l->rx), buf_len(&l->rx));
        l->rx.offset = 0;
    }
    r = read(l->fd, buf_end(&l->rx), buf_tailroom(&l->rx));
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    {
        return count;
    }
    if (r <= 0)
    {
        tcp_fail(l, NULL, (int) r);
        return count ? count : -1;
    }
    l->rx.len += (size_t) r;
    if (!tcp_deframe(l, pkts, max, &count))
    {
        return count ? count : -1;
    }
    return count;
}

/* @p sent bytes from the front of tx reached the kernel: the frames that
 * are now complete leave the count (their headers are still in tx). */
static void
count_sent(struct link *l, size_t sent)
{
    const uint8_t *p = buf_ptr(&l->tx);
    size_t pos = 0;

    while (sent > 0 && pos + STREAM_HDR_LEN <= buf_len(&l->tx))
    {
        size_t take;

        if (l->tx_head_left == 0)
        {
            l->tx_head_left = STREAM_HDR_LEN + load_be16(p + pos);
        }
        take = sent < l->tx_head_left ? sent : l->tx_head_left;
        l->tx_head_left -= take;
        sent -= take;
        pos += take;
        if (l->tx_head_left == 0 && l->tx_frames > 0)
        {
            l->tx_frames--;
        }
    }
}

bool
link_flush(struct link *l)
{
    if (l->proto == LINK_UDP)
    {
        return true;
    }
    if (l->tcp_dead)
    {
        return false;
    }
    while (buf_len(&l->tx) > 0)
    {
        size_t len = buf_len(&l->tx);
        ssize_t r;

        if (l->frame_per_send && len >= STREAM_HDR_LEN)
        {
            /* the upstream ovpn module takes exactly one whole frame per send() */
            const uint8_t *h = buf_ptr(&l->tx);
            size_t frame = STREAM_HDR_LEN + load_be16(h);

            len = frame < len ? frame : len;
        }
        r = send(l->fd, buf_ptr(&l->tx), len, MSG_DONTWAIT | MSG_NOSIGNAL);

        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
            return true;
        }
        if (r < 0 && errno == EINTR)
        {
            continue;
        }
        if (r <= 0)
        {
            tcp_fail(l, NULL, -1);
            return false;
        }
        count_sent(l, (size_t) r);
        buf_advance(&l->tx, (size_t) r);
    }
    buf_reset(&l->tx, 0);
    l->tx_frames = 0;
    l->tx_head_left = 0;
    return true;
}

/* Frame up to @p n packets into the TCP send queue; -1 if the connection is dead. */
static int
tcp_queue(struct link *l, struct link_pkt *pkts, int n)
{
    int accepted = 0;

    if (l->tcp_dead)
    {
        return -1;
    }
    for (; accepted < n; accepted++)
    {
        size_t len = buf_len(&pkts[accepted].buf);

        if (len == 0 || len > l->max_packet)
        {
            continue; /* not representable in a frame; our caller's mistake, drop it */
        }
        if (buf_len(&l->tx) + STREAM_HDR_LEN + len > LINK_TCP_TXQ_MAX && buf_len(&l->tx) > 0)
        {
            break; /* back-pressure: the caller keeps the rest */
        }
        if (buf_tailroom(&l->tx) < STREAM_HDR_LEN + len)
        {
            memmove(l->tx.data, buf_ptr(&l->tx), buf_len(&l->tx));
            l->tx.offset = 0;
        }
        bool framed = stream_write_frame(&l->tx, buf_ptr(&pkts[accepted].buf), len);

        ASSERT(framed); /* the room was made above */
        l->tx_frames++;
        l->tx_bytes += len;
        l->tx_packets++;
    }
    return accepted;
}

static int
tcp_send(struct link *l, struct link_pkt *pkts, int n)
{
    int accepted = tcp_queue(l, pkts, n);

    if (accepted < 0 || !link_flush(l))
    {
        return -1;
    }
    return accepted;
}

int
link_queue(struct link *l, struct link_pkt *pkts, int n)
{
    ASSERT(l->proto != LINK_UDP);
    return n > 0 ? tcp_queue(l, pkts, n) : 0;
}

int
link_recv(struct link *l, struct link_pkt *pkts, int max)
{
    if (max > LINK_BATCH_MAX)
    {
        max = LINK_BATCH_MAX;
    }
    if (max <= 0)
    {
        return 0;
    }
    return l->proto == LINK_UDP ? udp_recv(l, pkts, max) : tcp_recv(l, pkts, max);
}

int
link_send(struct link *l, struct link_pkt *pkts, int n)
{
    int total = 0;

    if (l->proto != LINK_UDP)
    {
        return n > 0 ? tcp_send(l, pkts, n) : 0;
    }
    /* UDP: in chunks of the descriptor array size. */
    for (int off = 0; off < n; off += LINK_BATCH_MAX)
    {
        int chunk = n - off < LINK_BATCH_MAX ? n - off : LINK_BATCH_MAX;

        total += udp_send(l, pkts + off, chunk);
    }
    return total;
}

bool
link_rx_pending(const struct link *l)
{
    struct buffer rx = l->rx;
    struct buffer view;

    return l->proto != LINK_UDP && !l->tcp_dead &&
           stream_next_frame(&rx, &view, l->max_packet) != FRAME_NEED_MORE;
}

bool
link_tx_pending(const struct link *l)
{
    return l->proto != LINK_UDP && buf_len(&l->tx) > 0;
}

size_t
link_tx_frames(const struct link *l)
{
    return l->proto == LINK_UDP ? 0 : l->tx_frames;
}

size_t
link_tx_queued(const struct link *l)
{
    return l->proto != LINK_UDP ? buf_len(&l->tx) : 0;
}
