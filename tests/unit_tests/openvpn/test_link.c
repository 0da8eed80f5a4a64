/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_link.c -- the transport over loopback: UDP batches on 127.0.0.1 and
 * ::1, TCP framing between a client and a server thread, bind and connect
 * failures with 2.6's messages.
 */
#include "test_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <signal.h>

#include "event.h"
#include "link.h"
#include "sig.h"
#include "stream.h"

#define MAX_PKT 1500
#define BATCH   8

struct pkt_store
{
    uint8_t data[LINK_BATCH_MAX][MAX_PKT + 64];
    struct link_pkt pkts[LINK_BATCH_MAX];
};

static void
store_reset(struct pkt_store *s)
{
    for (int i = 0; i < LINK_BATCH_MAX; i++)
    {
        s->pkts[i].buf = buf_storage(s->data[i], sizeof(s->data[i]), 16);
        memset(&s->pkts[i].addr, 0, sizeof(s->pkts[i].addr));
    }
}

static bool
wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, timeout_ms) == 1;
}

/* A port that was free a moment ago (the test binds it right after). */
static unsigned int
free_port(int af, int type)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = socket(af, type, 0);

    memset(&ss, 0, sizeof(ss));
    ss.ss_family = (sa_family_t) af;
    assert_int_equal(bind(fd,
                          (struct sockaddr *) &ss,
                          af == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)),
                     0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &ss, &len), 0);
    close(fd);
    return ntohs(af == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                               : ((struct sockaddr_in6 *) &ss)->sin6_port);
}

static void
fill(uint8_t *p, size_t len, unsigned int seed)
{
    for (size_t i = 0; i < len; i++)
    {
        p[i] = (uint8_t) (seed * 31 + i);
    }
}

/* ------------------------------------------------------------------ UDP */

static void
udp_batch_round(sa_family_t af, const char *host)
{
    static struct pkt_store tx, rx;
    char pa[8], pb[8];
    struct link a, b;
    struct link_addr a_addr = { .len = sizeof(a_addr.ss) };
    int n;

    snprintf(pb, sizeof(pb), "%u", free_port(af, SOCK_DGRAM));
    struct link_config cb = { .proto = LINK_UDP,
                              .af = af,
                              .local_host = host,
                              .local_port = pb,
                              .bind_local = true,
                              .max_packet = MAX_PKT };
    assert_true(link_open(&b, &cb));
    snprintf(pa, sizeof(pa), "%u", free_port(af, SOCK_DGRAM));
    struct link_config ca = { .proto = LINK_UDP,
                              .af = af,
                              .local_host = host,
                              .local_port = pa,
                              .bind_local = true,
                              .remote_host = host,
                              .remote_port = pb,
                              .max_packet = MAX_PKT };
    assert_true(link_open(&a, &ca));
    assert_true(a.remote_known);
    assert_int_equal(getsockname(a.fd, (struct sockaddr *) &a_addr.ss, &a_addr.len), 0);

    store_reset(&tx);
    for (int i = 0; i < BATCH; i++)
    {
        size_t len = 100 + (size_t) i * 150;

        fill(buf_write_alloc(&tx.pkts[i].buf, len), len, (unsigned int) i);
    }
    assert_int_equal(link_send(&a, tx.pkts, BATCH), BATCH);
    assert_int_equal(a.tx_packets, BATCH);

    store_reset(&rx);
    assert_true(wait_readable(b.fd, 2000));
    n = link_recv(&b, rx.pkts, LINK_BATCH_MAX); /* one call: the whole batch */
    assert_int_equal(n, BATCH);
    for (int i = 0; i < BATCH; i++)
    {
        uint8_t want[MAX_PKT];
        size_t len = 100 + (size_t) i * 150;

        fill(want, len, (unsigned int) i);
        assert_int_equal(buf_len(&rx.pkts[i].buf), len);
        assert_int_equal(buf_headroom(&rx.pkts[i].buf), 16);
        assert_memory_equal(buf_ptr(&rx.pkts[i].buf), want, len);
        assert_true(sockaddr_equal(&rx.pkts[i].addr, &a_addr));
    }
    assert_int_equal(link_recv(&b, rx.pkts, LINK_BATCH_MAX), 0); /* nothing more */

    /* Reply to the source address of what we received. */
    store_reset(&tx);
    buf_write_bytes(&tx.pkts[0].buf, "pong", 4);
    tx.pkts[0].addr = rx.pkts[0].addr;
    assert_int_equal(link_send(&b, tx.pkts, 1), 1);
    store_reset(&rx);
    assert_true(wait_readable(a.fd, 2000));
    assert_int_equal(link_recv(&a, rx.pkts, 4), 1);
    assert_memory_equal(buf_ptr(&rx.pkts[0].buf), "pong", 4);

    link_close(&a);
    link_close(&b);
    assert_int_equal(a.fd, -1);
}

static void
link_udp__batch_of_8_over_ipv4__one_recv_with_source(void **state)
{
    (void) state;
    mock_msg_reset();
    udp_batch_round(AF_INET, "127.0.0.1");
    assert_non_null(strstr(mock_all_msgs, "UDPv4 link local (bound): [AF_INET]127.0.0.1:"));
    assert_non_null(strstr(mock_all_msgs, "UDPv4 link remote: [AF_INET]127.0.0.1:"));
}

static void
link_udp__batch_of_8_over_ipv6__one_recv_with_source(void **state)
{
    (void) state;
    mock_msg_reset();
    udp_batch_round(AF_INET6, "::1");
    assert_non_null(strstr(mock_all_msgs, "UDPv6 link local (bound): [AF_INET6]::1:"));
    assert_non_null(strstr(mock_all_msgs, "setsockopt(IPV6_V6ONLY=0)"));
}

static void
link_udp__datagram_larger_than_buffer__dropped_and_counted(void **state)
{
    static struct pkt_store rx;
    static uint8_t small[2][64];
    char port[8];
    struct link b;
    struct link_pkt pkts[2];
    struct sockaddr_in to = { .sin_family = AF_INET };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    uint8_t big[200] = { 0 };
    (void) state;

    snprintf(port, sizeof(port), "%u", free_port(AF_INET, SOCK_DGRAM));
    struct link_config cb = { .proto = LINK_UDP,
                              .af = AF_INET,
                              .local_host = "127.0.0.1",
                              .local_port = port,
                              .bind_local = true,
                              .max_packet = MAX_PKT };
    assert_true(link_open(&b, &cb));
    to.sin_port = htons((uint16_t) atoi(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd, big, sizeof(big), 0, (struct sockaddr *) &to, sizeof(to));
    sendto(fd, "ok", 2, 0, (struct sockaddr *) &to, sizeof(to));
    pkts[0].buf = buf_storage(small[0], sizeof(small[0]), 0);
    pkts[1].buf = buf_storage(small[1], sizeof(small[1]), 0);
    assert_true(wait_readable(b.fd, 2000));
    usleep(20000);
    assert_int_equal(link_recv(&b, pkts, 2), 1);
    assert_int_equal(buf_len(&pkts[0].buf), 2);
    assert_memory_equal(buf_ptr(&pkts[0].buf), "ok", 2);
    assert_int_equal(b.rx_dropped, 1);
    (void) rx;
    close(fd);
    link_close(&b);
}

static void
link_open__port_in_use__false_with_2_6_message(void **state)
{
    char port[8], want[160];
    struct link l;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t len = sizeof(sin);
    (void) state;

    assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    snprintf(port, sizeof(port), "%u", ntohs(sin.sin_port));
    struct link_config c = { .proto = LINK_UDP,
                             .af = AF_INET,
                             .local_port = port,
                             .bind_local = true,
                             .remote_host = "127.0.0.1",
                             .remote_port = "1194",
                             .max_packet = MAX_PKT };

    mock_msg_reset();
    assert_false(link_open(&l, &c));
    snprintf(want,
             sizeof(want),
             "TCP/UDP: Socket bind failed on local address [AF_INET][undef]:%s: Address already in "
             "use (errno=98)",
             port);
    assert_string_equal(mock_last_msg, want);
    assert_int_equal(l.fail, LINK_FAIL_FATAL);
    assert_int_equal(l.fd, -1);
    assert_int_equal(mock_fatal_count, 0);
    close(fd);
}

static void
link_open__udp_no_remote_unspec__uses_af_inet_like_2_6(void **state)
{
    struct link l;
    struct link_config c = { .proto = LINK_UDP,
                             .af = AF_UNSPEC,
                             .local_host = "127.0.0.1",
                             .local_port = "0",
                             .bind_local = true,
                             .max_packet = MAX_PKT };
    (void) state;

    mock_msg_reset();
    assert_true(link_open(&l, &c));
    assert_false(l.remote_known);
    assert_non_null(strstr(mock_all_msgs, "UDPv4 link remote: [AF_UNSPEC]\n"));
    link_close(&l);
}

/* ------------------------------------------------------------------ TCP */

struct server_job
{
    char port[8];
    int n_expected;
    int n_ok;
    bool opened;
    int final_recv;
    char fail[128];
};

/* The server thread: accept one client, check every packet, then see EOF. */
static void *
tcp_server(void *arg)
{
    static struct pkt_store rx;
    struct server_job *job = arg;
    struct link l;
    struct link_config c = { .proto = LINK_TCP_SERVER,
                             .af = AF_INET,
                             .local_host = "127.0.0.1",
                             .local_port = job->port,
                             .bind_local = true,
                             .max_packet = MAX_PKT };

    job->opened = link_open(&l, &c);
    if (!job->opened)
    {
        return NULL;
    }
    while (job->n_ok < job->n_expected)
    {
        int n;

        if (!link_rx_pending(&l) && !wait_readable(l.fd, 5000))
        {
            snprintf(job->fail, sizeof(job->fail), "timeout after %d", job->n_ok);
            break;
        }
        store_reset(&rx);
        n = link_recv(&l, rx.pkts, 16);
        if (n < 0)
        {
            snprintf(job->fail, sizeof(job->fail), "recv failed after %d", job->n_ok);
            break;
        }
        for (int i = 0; i < n; i++)
        {
            uint8_t want[MAX_PKT];
            size_t len = (size_t) job->n_ok + 1;

            fill(want, len, (unsigned int) len);
            if (buf_len(&rx.pkts[i].buf) != len || memcmp(buf_ptr(&rx.pkts[i].buf), want, len))
            {
                snprintf(job->fail, sizeof(job->fail), "packet %d corrupt", job->n_ok);
                goto out;
            }
            job->n_ok++;
        }
    }
    /* The client closes: the next read sees EOF. */
    store_reset(&rx);
    job->final_recv = 0;
    for (int tries = 0; tries < 100 && job->final_recv == 0; tries++)
    {
        wait_readable(l.fd, 100);
        job->final_recv = link_recv(&l, rx.pkts, 16);
    }
out:
    link_close(&l);
    return NULL;
}

/* Connect, retrying while the server thread is not listening yet. */
static void
tcp_client_open(struct link *l, const char *port)
{
    struct link_config c = { .proto = LINK_TCP_CLIENT,
                             .af = AF_INET,
                             .remote_host = "127.0.0.1",
                             .remote_port = port,
                             .connect_timeout = 5,
                             .max_packet = MAX_PKT };

    for (int tries = 0; tries < 200; tries++)
    {
        if (link_open(l, &c))
        {
            return;
        }
        assert_int_equal(l->fail, LINK_FAIL_RETRY);
        usleep(10000);
    }
    fail_msg("could not connect");
}

static void
link_tcp__every_size_1_to_max__framed_round_trip(void **state)
{
    static struct pkt_store tx;
    struct server_job job = { .n_expected = MAX_PKT };
    struct link l;
    pthread_t th;
    int next = 1;
    (void) state;

    snprintf(job.port, sizeof(job.port), "%u", free_port(AF_INET, SOCK_STREAM));
    mock_msg_reset();
    assert_int_equal(pthread_create(&th, NULL, tcp_server, &job), 0);
    tcp_client_open(&l, job.port);

    while (next <= MAX_PKT)
    {
        int n = 0, sent;

        store_reset(&tx);
        for (; n < 16 && next + n <= MAX_PKT; n++)
        {
            size_t len = (size_t) (next + n);

            fill(buf_write_alloc(&tx.pkts[n].buf, len), len, (unsigned int) len);
        }
        sent = link_send(&l, tx.pkts, n);
        assert_true(sent >= 0);
        next += sent;
        if (sent < n)
        {
            struct pollfd p = { .fd = l.fd, .events = POLLOUT };

            poll(&p, 1, 1000); /* back-pressure: wait for room, then retry */
            assert_true(link_flush(&l));
        }
    }
    while (link_tx_pending(&l))
    {
        struct pollfd p = { .fd = l.fd, .events = POLLOUT };

        poll(&p, 1, 1000);
        assert_true(link_flush(&l));
    }
    /* Give the server time to read everything before we close. */
    for (int i = 0; i < 500 && job.n_ok < MAX_PKT && !job.fail[0]; i++)
    {
        usleep(10000);
    }
    link_close(&l);
    pthread_join(th, NULL);

    assert_true(job.opened);
    assert_string_equal(job.fail, "");
    assert_int_equal(job.n_ok, MAX_PKT);
    assert_int_equal(job.final_recv, -1);
    assert_non_null(strstr(mock_all_msgs,
                           "Listening for incoming TCP connection on "
                           "[AF_INET]127.0.0.1:"));
    assert_non_null(strstr(mock_all_msgs,
                           "Attempting to establish TCP connection with "
                           "[AF_INET]127.0.0.1:"));
    assert_non_null(strstr(mock_all_msgs, "TCPv4_CLIENT link local: (not bound)"));
    assert_non_null(strstr(mock_all_msgs, "TCPv4_SERVER link remote: [AF_INET]127.0.0.1:"));
    assert_non_null(strstr(mock_all_msgs, "Connection reset, restarting [0]"));
}

/* --tcp-queue-limit counts packets the kernel has not taken: a frame leaves
 * the count only once its last byte is written. */
static void
link_tcp__peer_not_reading__frames_counted_until_written(void **state)
{
    static struct pkt_store tx;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int ls = socket(AF_INET, SOCK_STREAM, 0), peer, queued = 0;
    char port[8];
    struct link l;
    struct link_config c = { .proto = LINK_TCP_CLIENT, .af = AF_INET, .remote_host = "127.0.0.1",
                             .connect_timeout = 5, .max_packet = MAX_PKT, .sndbuf = 4096 };
    size_t frame = STREAM_HDR_LEN + 1000, frames, bytes;
    (void) state;

    snprintf(port, sizeof(port), "%u", free_port(AF_INET, SOCK_STREAM));
    sa.sin_port = htons((uint16_t) atoi(port));
    assert_int_equal(bind(ls, (struct sockaddr *) &sa, sizeof(sa)), 0);
    assert_int_equal(listen(ls, 1), 0);
    c.remote_port = port;
    assert_true(link_open(&l, &c)); /* connected by the backlog; nobody reads */
    for (int round = 0; round < 200; round++)
    {
        store_reset(&tx);
        fill(buf_write_alloc(&tx.pkts[0].buf, 1000), 1000, (unsigned int) round);
        queued += link_queue(&l, tx.pkts, 1);
    }
    assert_int_equal(link_tx_frames(&l), (size_t) queued);
    assert_true(link_flush(&l));
    frames = link_tx_frames(&l);
    bytes = link_tx_queued(&l);
    assert_true(frames > 0 && frames < (size_t) queued); /* the kernel took some */
    assert_true(bytes <= frames * frame && bytes > (frames - 1) * frame);

    /* the peer reads: everything leaves, the count reaches 0 */
    peer = accept(ls, NULL, NULL);
    assert_true(peer >= 0);
    for (int i = 0; i < 500 && link_tx_pending(&l); i++)
    {
        char sink[65536];

        while (recv(peer, sink, sizeof(sink), MSG_DONTWAIT) > 0)
        {
        }
        assert_true(link_flush(&l));
        usleep(1000);
    }
    assert_int_equal(link_tx_frames(&l), 0);
    link_close(&l);
    close(peer);
    close(ls);
}

struct raw_job
{
    char port[8];
    const uint8_t *bytes;
    size_t len;
};

/* A misbehaving peer: connect, write raw bytes, keep the socket open a while. */
static void *
raw_client(void *arg)
{
    struct raw_job *job = arg;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_port = htons((uint16_t) atoi(job->port));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int tries = 0; tries < 200; tries++)
    {
        if (connect(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0)
        {
            break;
        }
        usleep(10000);
    }
    if (write(fd, job->bytes, job->len) < 0)
    {
        /* the test's assertions on the server side will fail */
    }
    usleep(300000);
    close(fd);
    return NULL;
}

static void
link_tcp__peer_sends_bad_length__fatal_logged_once(void **state)
{
    static const uint8_t bad[] = { 0x00, 0x02, 'h', 'i', 0xff, 0xff, 1, 2, 3 };
    static struct pkt_store rx;
    struct raw_job job = { .bytes = bad, .len = sizeof(bad) };
    struct link l;
    pthread_t th;
    int n = 0, total = 0;
    (void) state;

    snprintf(job.port, sizeof(job.port), "%u", free_port(AF_INET, SOCK_STREAM));
    struct link_config c = { .proto = LINK_TCP_SERVER,
                             .af = AF_INET,
                             .local_host = "127.0.0.1",
                             .local_port = job.port,
                             .bind_local = true,
                             .max_packet = MAX_PKT };
    mock_msg_reset();
    assert_int_equal(pthread_create(&th, NULL, raw_client, &job), 0);
    assert_true(link_open(&l, &c));
    for (int tries = 0; tries < 50 && n >= 0; tries++)
    {
        wait_readable(l.fd, 100);
        store_reset(&rx);
        n = link_recv(&l, rx.pkts, 16);
        if (n > 0)
        {
            assert_int_equal(buf_len(&rx.pkts[0].buf), 2); /* the good frame first */
            assert_memory_equal(buf_ptr(&rx.pkts[0].buf), "hi", 2);
            total += n;
        }
    }
    assert_int_equal(n, -1);
    assert_int_equal(total, 1);
    assert_int_equal(link_recv(&l, rx.pkts, 16), -1); /* stays dead, logs nothing new */
    assert_non_null(strstr(mock_all_msgs,
                           "WARNING: Bad encapsulated packet length from peer "
                           "(65535), which must be > 0 and <= 1500"));
    assert_null(strstr(strstr(mock_all_msgs, "Bad encapsulated") + 1, "Bad encapsulated"));
    assert_int_equal(mock_fatal_count, 0);
    assert_int_equal(link_send(&l, rx.pkts, 1), -1);
    link_close(&l);
    pthread_join(th, NULL);
}

static void
link_open__tcp_connect_refused__retry_with_2_6_message(void **state)
{
    char port[8], want[120];
    struct link l;
    (void) state;

    snprintf(port, sizeof(port), "%u", free_port(AF_INET, SOCK_STREAM));
    struct link_config c = { .proto = LINK_TCP_CLIENT,
                             .af = AF_INET,
                             .remote_host = "127.0.0.1",
                             .remote_port = port,
                             .connect_timeout = 2,
                             .max_packet = MAX_PKT };
    mock_msg_reset();
    assert_false(link_open(&l, &c));
    assert_int_equal(l.fail, LINK_FAIL_RETRY);
    snprintf(
      want, sizeof(want), "TCP: connect to [AF_INET]127.0.0.1:%s failed: Connection refused", port);
    assert_string_equal(mock_last_msg, want);
}

/* ------------------------------------------------------- signals, epoll */

static void
sig_take__several_pending__most_important_first_with_reason(void **state)
{
    (void) state;

    sig_raise(SIGUSR2, NULL);
    sig_raise(SIGUSR1, "ping-restart");
    sig_raise(SIGHUP, "");
    assert_true(sig_pending());
    assert_int_equal(sig_take(), SIGHUP);
    assert_int_equal(sig_take(), SIGUSR1);
    assert_string_equal(sig_reason(), "ping-restart");
    assert_false(sig_pending()); /* USR2 alone does not interrupt anything */
    assert_int_equal(sig_take(), SIGUSR2);
    assert_int_equal(sig_take(), 0);
    sig_raise(SIGUSR1, "x");
    sig_raise(SIGTERM, "ping-exit");
    assert_int_equal(sig_take(), SIGTERM); /* an exit supersedes the restart */
    assert_int_equal(sig_take(), 0);
}

/* A signal sent before the wait is kept (blocked) and ends the wait at once. */
static void
event_wait__signal_before_wait__returns_without_timeout(void **state)
{
    struct event_set es;
    struct event_ready ready[4];
    int fds[2];
    (void) state;

    sig_init();
    assert_true(event_init(&es));
    assert_int_equal(pipe(fds), 0);
    assert_true(event_ctl(&es, fds[0], EVENT_READ, &fds[0]));
    kill(getpid(), SIGUSR1);
    assert_false(sig_pending()); /* blocked: not delivered yet */
    assert_int_equal(event_wait(&es, ready, 4, 5000), 0);
    assert_true(sig_pending());
    assert_int_equal(sig_take(), SIGUSR1);
    assert_string_equal(sig_reason(), "");

    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_int_equal(event_wait(&es, ready, 4, 1000), 1);
    assert_ptr_equal(ready[0].arg, &fds[0]);
    assert_true(ready[0].events & EVENT_READ);
    assert_true(event_ctl(&es, fds[0], 0, NULL));
    assert_int_equal(event_wait(&es, ready, 4, 10), 0);

    kill(getpid(), SIGHUP);
    assert_false(sig_sleep(5));
    assert_int_equal(sig_take(), SIGHUP);
    assert_true(sig_sleep(0));
    close(fds[0]);
    close(fds[1]);
    event_free(&es);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_udp__batch_of_8_over_ipv4__one_recv_with_source),
        cmocka_unit_test(link_udp__batch_of_8_over_ipv6__one_recv_with_source),
        cmocka_unit_test(link_udp__datagram_larger_than_buffer__dropped_and_counted),
        cmocka_unit_test(link_open__port_in_use__false_with_2_6_message),
        cmocka_unit_test(link_open__udp_no_remote_unspec__uses_af_inet_like_2_6),
        cmocka_unit_test(link_tcp__every_size_1_to_max__framed_round_trip),
        cmocka_unit_test(link_tcp__peer_not_reading__frames_counted_until_written),
        cmocka_unit_test(link_tcp__peer_sends_bad_length__fatal_logged_once),
        cmocka_unit_test(link_open__tcp_connect_refused__retry_with_2_6_message),
        cmocka_unit_test(sig_take__several_pending__most_important_first_with_reason),
        cmocka_unit_test(event_wait__signal_before_wait__returns_without_timeout), /* last */
    };

    return cmocka_run_group_tests_name("link", tests, NULL, NULL);
}
