/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link.h -- one transport socket (UDP, TCP client, or a TCP server that
 * accepts one peer), moved in batches.
 *
 * UDP uses recvmmsg()/sendmmsg(): one system call per batch.  TCP frames
 * packets with stream.c through a fixed receive buffer and a bounded send
 * queue.  All storage is allocated once in link_open() and released in
 * link_close(); link_recv()/link_send() never allocate.
 *
 * Tier 3o (operating system).  Must not include options.h (tier 4) or any
 * crypto / control-channel header: the caller fills struct link_config.
 */
#ifndef OVPN_LINK_H
#define OVPN_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buffer.h"
#include "sockaddr.h"

/** Most packets one link_recv()/link_send() call moves. */
#define LINK_BATCH_MAX 64

/** Bound of the TCP send queue; link_send() accepts fewer packets past it. */
#define LINK_TCP_TXQ_MAX (256u * 1024u)

enum link_proto
{
    LINK_UDP,
    LINK_TCP_SERVER,
    LINK_TCP_CLIENT,
};

/** Why link_open() failed, so the caller can choose exit or restart as 2.6 does. */
enum link_fail
{
    LINK_FAIL_NONE,
    LINK_FAIL_FATAL,  /**< local problem (bind failed, bad address): exit status 1 */
    LINK_FAIL_RETRY,  /**< TCP connect failed: SIGUSR1 "connection-failed" */
    LINK_FAIL_RESOLVE, /**< a name did not resolve: retried like RETRY, 2.6 words it differently */
    LINK_FAIL_SIGNAL, /**< a signal arrived while waiting: handle it */
};

struct link_config
{
    enum link_proto proto;
    sa_family_t af;         /**< AF_UNSPEC (dual-stack as 2.6), AF_INET, AF_INET6 */
    const char *local_host; /**< --local, NULL = wildcard */
    const char *local_port; /**< --lport */
    bool bind_local;        /**< false: --nobind */
    bool bind_ipv6_only;
    const char *remote_host; /**< NULL = accept any peer (UDP), listen (TCP server) */
    const char *remote_port;
    int connect_timeout;      /**< TCP client, seconds; 0 = 120 */
    int sndbuf, rcvbuf, mark; /**< 0 = leave as the kernel sets it */
    size_t max_packet;        /**< largest packet (TCP framing and buffers) */
    bool tcp_listen_only;     /**< TCP server of --mode server: listen, accept with link_accept() */
    bool tcp_nodelay;         /**< TCP_NODELAY on the socket (and on accepted ones) */
    /** Already resolved: used instead of resolving remote_host again (--persist-remote-ip). */
    const struct link_addr *remote_addr;
    /** Likewise for the bind address (--persist-local-ip). */
    const struct link_addr *local_addr;
    /** A name that does not resolve is final: say that --resolv-retry would retry it. */
    bool resolve_hint;
};

/** One packet in a batch.  The caller owns buf's storage. */
struct link_pkt
{
    struct buffer buf;
    struct link_addr addr;
};

struct link
{
    int fd;        /**< the transport socket, -1 when closed */
    int listen_fd; /**< TCP server while waiting for the peer, else -1 */
    enum link_proto proto;
    struct link_addr local;
    struct link_addr remote;
    bool remote_known;
    size_t max_packet;

    /* UDP batch descriptors (LINK_BATCH_MAX each), allocated in link_open */
    struct mmsghdr *msgs;
    struct iovec *iovs;

    /* TCP: bytes read but not yet framed; records queued but not yet written */
    uint8_t *rx_store;
    size_t rx_cap;
    struct buffer rx;
    uint8_t *tx_store;
    size_t tx_cap;
    struct buffer tx;
    bool tcp_dead; /**< the connection failed; reported once */
    size_t tx_frames;    /**< TCP frames in tx not yet wholly handed to the kernel */
    size_t tx_head_left; /**< bytes of the first of them still to write (0: none begun) */
    bool frame_per_send; /**< TCP handed to the upstream ovpn module: one frame per send() */
    bool tcp_nodelay;    /**< set on accepted sockets too */
    bool bound;          /**< local holds the address the socket is bound to */

    enum link_fail fail; /**< set by a failed link_open() */

    uint64_t rx_bytes, tx_bytes; /**< payload bytes, without TCP framing */
    uint64_t rx_packets, tx_packets;
    uint64_t rx_dropped;           /**< UDP datagrams too large for the caller's buffer */
    uint64_t tx_dropped;           /**< UDP packets the kernel refused (EAGAIN, unreachable ...) */
    uint64_t rx_errors, tx_errors; /**< socket errors; logged at 1, 2, 4, 8 ... */
};

/**
 * Open the transport described by @p cfg (see link.c for the details of
 * each protocol).  Blocks for TCP until connected / accepted; gives up on
 * a pending signal (sig_pending()) or connect_timeout.  Logs 2.6's lines.
 * On failure everything is released, l->fail says why, and false is
 * returned; "Exiting due to fatal error" or the restart is the caller's.
 */
bool link_open(struct link *l, const struct link_config *cfg);

/**
 * TCP server with tcp_listen_only: accept one pending connection from the
 * listening @p l into @p out (a link of its own, framing and queues
 * included).  False if none is pending (or it failed: logged).
 */
bool link_accept(struct link *l, struct link *out);

/**
 * Set TCP_NODELAY on the socket (--tcp-nodelay, a pushed "socket-flags
 * TCP_NODELAY"); logs 2.6's lines, a "NOTE ... failed" on a UDP socket.
 */
bool link_set_tcp_nodelay(struct link *l);

/** Close sockets and free storage; safe on a zeroed or closed link. */
void link_close(struct link *l);

/**
 * Receive up to @p max packets (at most LINK_BATCH_MAX).  Each pkts[i].buf
 * must be reset by the caller to its storage/headroom, with room for
 * max_packet bytes.  Returns the number filled, pkts[0 .. n-1]; 0 if
 * nothing is ready; -1 on a fatal transport condition (TCP EOF, error or
 * invalid framing; logged once as 2.6 does; the caller raises SIGUSR1
 * "connection-reset").  UDP datagrams that did not fit are dropped; the
 * entries of pkts[] may then be permuted (each keeps its own storage).
 */
int link_recv(struct link *l, struct link_pkt *pkts, int max);

/**
 * Send @p n packets (UDP: to pkts[i].addr, or the remote if addr.len is 0).
 * UDP: returns the number the kernel took; the others were dropped and
 * counted in tx_dropped (never retry them).  TCP: returns the number
 * queued (fewer than @p n when the queue is full: keep and retry the rest
 * after EVENT_WRITE), -1 if the connection failed.
 */
int link_send(struct link *l, struct link_pkt *pkts, int n);

/**
 * TCP only: like link_send() but without writing; the caller flushes
 * (link_flush()) once per round, so many packets leave in one write
 * instead of one segment each.
 */
int link_queue(struct link *l, struct link_pkt *pkts, int n);

/**
 * True if complete TCP frames are already buffered (a link_recv() that hit
 * @p max left them): call link_recv() again without waiting for the socket.
 */
bool link_rx_pending(const struct link *l);

/** True while TCP bytes are queued: the caller should wait for EVENT_WRITE. */
bool link_tx_pending(const struct link *l);

/** Write queued TCP bytes; false if the connection failed. */
bool link_flush(struct link *l);

/** Packets (frames) in the TCP send queue: --tcp-queue-limit counts these. */
size_t link_tx_frames(const struct link *l);

/** Bytes in the TCP send queue, for back-pressure on the tun reader. */
size_t link_tx_queued(const struct link *l);

/** Text of the protocol as 2.6 logs it: "UDPv4", "TCPv6_CLIENT", ... */
const char *link_proto_name(enum link_proto proto, sa_family_t af);

#endif /* OVPN_LINK_H */
