/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl_stateless.c -- the 2.6 stateless start of a UDP server
 * (ssl_stateless.c, doc/protocol.md §2.7) with a real client channel: only a
 * client that comes back from the same address with the cookie gets state,
 * also long after the server started; for tls-crypt-v2 (§2.5) the WKc is
 * checked before anything exists, a 2.6-style client is asked to resend it
 * and does so in a P_CONTROL_WKC_V1 (our client side), an older client is
 * created at once or refused with force-cookie, forged and truncated
 * packets get neither a reply nor state, and the way in survives a lossy
 * network.
 */
#include "config.h"

#include "test_common.h"

#include "ctl_pkt.h"
#include "ssl.h"
#include "ssl_stateless.h"
#include "test_ssl_pair.h"
#include "tls_crypt_v2.h"
#include "tls_wrap.h"

#include <netinet/in.h>

/*
 * §2.7: the server answers a reset without keeping state; only a packet
 * from the same address that ACKs the reply with the cookie makes it
 * create the channel, which then completes the handshake as if it had
 * sent the reset itself (next message id 1, wrap replay id 2).  A reset
 * replayed from another address gets a reply, but that address cannot
 * use the cookie; forged cookies and garbage are dropped.
 */
static void
stateless_cookie__only_a_returning_client_gets_state(void **state)
{
    struct side c, s;
    struct tls_stateless *st;
    struct sockaddr_in a = test_addr("203.0.113.11", 40000), b = test_addr("203.0.113.66", 40000);
    uint8_t raw[TLS_PACKET_MAX], reset[TLS_PACKET_MAX], reply[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    struct buffer rep = buf_storage(reply, sizeof(reply), 0);
    struct session_id cookie, csid, c2, s2;
    size_t reset_len;
    int64_t now = 1000;
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_KIND_AUTH, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_AUTH, now);
    tls_multi_free(s.m);
    s.m = NULL;
    st = tls_stateless_new(&s.cfg);
    assert_non_null(st);

    /* the client's reset: a reply, no state */
    assert_true(tls_multi_outgoing(c.m, now, &out));
    reset_len = buf_len(&out);
    memcpy(reset, buf_ptr(&out), reset_len);
    assert_int_equal(
      tls_stateless_process(st, reset, reset_len, &a, sizeof(a), 1700000000, &rep, &cookie, &csid),
      TLS_SL_REPLY);
    /* the same reset replayed from elsewhere: answered too, still nothing kept */
    {
        uint8_t r2[TLS_PACKET_MAX];
        struct buffer rb = buf_storage(r2, sizeof(r2), 0);

        assert_int_equal(
          tls_stateless_process(st, reset, reset_len, &b, sizeof(b), 1700000000, &rb, &c2, &s2),
          TLS_SL_REPLY);
    }
    assert_int_equal(tls_multi_incoming(c.m, buf_ptr(&rep), buf_len(&rep), now), TLS_IN_CONSUMED);

    /* the client's next packet ACKs the reply: valid from a, not from b */
    buf_reset(&out, 0);
    assert_true(tls_multi_outgoing(c.m, now, &out));
    assert_int_equal(tls_stateless_process(
                       st, buf_ptr(&out), buf_len(&out), &b, sizeof(b), 1700000000, &rep, &c2, &s2),
                     TLS_SL_DROP_COOKIE);
    assert_int_equal(
      tls_stateless_process(
        st, buf_ptr(&out), buf_len(&out), &a, sizeof(a), 1700000000 + 200, &rep, &c2, &s2),
      TLS_SL_DROP_COOKIE); /* the cookie has expired by then */
    assert_int_equal(
      tls_stateless_process(
        st, buf_ptr(&out), buf_len(&out), &a, sizeof(a), 1700000000 + 20, &rep, &cookie, &csid),
      TLS_SL_ACCEPT);
    s.m = tls_multi_new_after_cookie(&s.cfg, &cookie, &csid, now, 1700000000 + 20);
    assert_non_null(s.m);
    assert_int_equal(tls_multi_incoming(s.m, buf_ptr(&out), buf_len(&out), now), TLS_IN_CONSUMED);

    /* garbage and a bit-flipped packet are dropped */
    memset(raw, 0x41, 64);
    assert_int_equal(tls_stateless_process(st, raw, 64, &a, sizeof(a), 1700000000, &rep, &c2, &s2),
                     TLS_SL_DROP);
    reset[reset_len - 1] ^= 1;
    assert_int_equal(
      tls_stateless_process(st, reset, reset_len, &a, sizeof(a), 1700000000, &rep, &c2, &s2),
      TLS_SL_DROP);

    now = run(NULL, &c, &s, now, 20000, both_active);
    assert_true(both_active(&c, &s));
    assert_data_flows(&c, &s);
    assert_data_flows(&s, &c);
    tls_stateless_free(st);
    side_free(&c);
    side_free(&s);
}

/*
 * One client's way in through the stateless start: reset, reply (wrapped at
 * Unix time @p arrival_wall), ACK with the cookie, then the server's channel
 * created at that time.  Returns the server side's channel.
 */
static void
cookie_join(struct tls_stateless *st,
            struct side *c,
            struct side *s,
            int64_t now,
            time_t arrival_wall)
{
    struct sockaddr_in a = test_addr("203.0.113.11", 40000);
    uint8_t raw[TLS_PACKET_MAX], reply[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    struct buffer rep = buf_storage(reply, sizeof(reply), 0);
    struct session_id cookie, csid;

    assert_true(tls_multi_outgoing(c->m, now, &out));
    assert_int_equal(
      tls_stateless_process(
        st, buf_ptr(&out), buf_len(&out), &a, sizeof(a), arrival_wall, &rep, &cookie, &csid),
      TLS_SL_REPLY);
    assert_int_equal(tls_multi_incoming(c->m, buf_ptr(&rep), buf_len(&rep), now), TLS_IN_CONSUMED);
    buf_reset(&out, 0);
    assert_true(tls_multi_outgoing(c->m, now, &out));
    assert_int_equal(
      tls_stateless_process(
        st, buf_ptr(&out), buf_len(&out), &a, sizeof(a), arrival_wall, &rep, &cookie, &csid),
      TLS_SL_ACCEPT);
    s->m = tls_multi_new_after_cookie(&s->cfg, &cookie, &csid, now, arrival_wall);
    assert_non_null(s->m);
    assert_int_equal(tls_multi_incoming(s->m, buf_ptr(&out), buf_len(&out), now), TLS_IN_CONSUMED);
}

/*
 * The bug real servers hit: clients arrive long after the server started.
 * The stateless reply a client accepts first carries the time of the
 * server's first reply; if the session then wrapped with the server's start
 * time, that would be older and the client would drop every later packet as
 * a replay ("bad packet ID (may be a replay)") and never connect.  Two
 * clients, 30 s and 95 s after the server's start, with tls-auth, with
 * tls-crypt and with tls-crypt-v2 (whose reply is wrapped with the client's
 * own key, re-keyed per packet), must complete the handshake and pass data.
 */
static void
stateless_cookie__clients_long_after_server_start__connect(void **state)
{
    /* client and server wrapping: tls-auth, tls-crypt, tls-crypt-v2 */
    static const enum tls_wrap_kind wraps[][2] = {
        { TLS_WRAP_KIND_AUTH, TLS_WRAP_KIND_AUTH },
        { TLS_WRAP_KIND_CRYPT, TLS_WRAP_KIND_CRYPT },
        { TLS_WRAP_KIND_CRYPT_V2C, TLS_WRAP_KIND_CRYPT_V2S },
    };
    (void) state;

    for (size_t w = 0; w < sizeof(wraps) / sizeof(wraps[0]); w++)
    {
        struct side srv, c1, s1, c2, s2;
        struct tls_stateless *st;
        int64_t now = 1000;

        side_init(&srv, SSL_ROLE_SERVER, wraps[w][1], now); /* the server starts at WALL0 */
        st = tls_stateless_new(&srv.cfg);
        assert_non_null(st);

        now += 30 * 1000;
        side_init(&c1, SSL_ROLE_CLIENT, wraps[w][0], now);
        side_init(&s1, SSL_ROLE_SERVER, wraps[w][1], now);
        tls_multi_free(s1.m);
        s1.m = NULL;
        cookie_join(st, &c1, &s1, now, WALL0 + 30);
        now = run(NULL, &c1, &s1, now, 20000, both_active);
        assert_true(both_active(&c1, &s1));
        assert_int_equal(tls_multi_get_stats(c1.m)->in_dropped[TLS_IN_DROPPED_UNWRAP], 0);
        assert_data_flows(&c1, &s1);
        assert_data_flows(&s1, &c1);

        now += 65 * 1000; /* the stateless context has wrapped a reply before */
        side_init(&c2, SSL_ROLE_CLIENT, wraps[w][0], now);
        side_init(&s2, SSL_ROLE_SERVER, wraps[w][1], now);
        tls_multi_free(s2.m);
        s2.m = NULL;
        cookie_join(st, &c2, &s2, now, WALL0 + 95);
        now = run(NULL, &c2, &s2, now, 20000, both_active);
        assert_true(both_active(&c2, &s2));
        assert_int_equal(tls_multi_get_stats(c2.m)->in_dropped[TLS_IN_DROPPED_UNWRAP], 0);
        assert_data_flows(&c2, &s2);

        tls_stateless_free(st);
        side_free(&c1);
        side_free(&s1);
        side_free(&c2);
        side_free(&s2);
        side_free(&srv);
    }
}

/* ---- tls-crypt-v2 (§2.5, §2.7 step 4) ------------------------------------- */

/* The server's stateless context for the group's tls-crypt-v2 key. */
static struct tls_stateless *
v2_stateless(struct side *srv, bool force_cookie, int64_t now)
{
    struct tls_stateless *st;

    side_init(srv, SSL_ROLE_SERVER, TLS_WRAP_KIND_CRYPT_V2S, now);
    tls_multi_free(srv->m);
    srv->m = NULL;
    srv->cfg.v2_force_cookie = force_cookie;
    st = tls_stateless_new(&srv->cfg);
    assert_non_null(st);
    return st;
}

static bool
dropped(enum tls_sl_result r)
{
    return r == TLS_SL_DROP || r == TLS_SL_DROP_WKC || r == TLS_SL_DROP_COOKIE ||
           r == TLS_SL_DROP_OLD_V2;
}

/* The client's next packet, copied into @p p. */
static size_t
next_packet(struct side *c, int64_t now, uint8_t *p)
{
    struct buffer out = buf_storage(p, TLS_PACKET_MAX, 0);

    assert_true(tls_multi_outgoing(c->m, now, &out));
    return buf_len(&out);
}

/* tls_stateless_process() at 203.0.113.11:40000 (or @p from), time WALL0 + @p dt. */
static enum tls_sl_result
sl(struct tls_stateless *st,
   const uint8_t *p,
   size_t n,
   const struct sockaddr_in *from,
   time_t dt,
   struct buffer *reply,
   struct session_id *cookie,
   struct session_id *csid)
{
    struct sockaddr_in a = test_addr("203.0.113.11", 40000);

    buf_reset(reply, 0);
    return tls_stateless_process(
      st, p, n, from ? from : &a, sizeof(a), WALL0 + dt, reply, cookie, csid);
}

/*
 * One tls-crypt-v2 client in front of the stateless server, with its first
 * packet (the V3 reset) taken: what most of the cases below start from.
 */
struct v2_fix
{
    struct side c, s;
    struct tls_stateless *st;
    uint8_t reset[TLS_PACKET_MAX];
    size_t reset_len;
    uint8_t reply[TLS_PACKET_MAX];
    struct buffer rep;
    struct session_id cookie, csid;
    int64_t now;
};

static void
v2_fix_init(struct v2_fix *f)
{
    f->now = 1000;
    f->st = v2_stateless(&f->s, false, f->now);
    side_init(&f->c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_CRYPT_V2C, f->now);
    f->rep = buf_storage(f->reply, sizeof(f->reply), 0);
    f->reset_len = next_packet(&f->c, f->now, f->reset);
    assert_int_equal(f->reset[0] >> P_OPCODE_SHIFT, P_CONTROL_HARD_RESET_CLIENT_V3);
}

/* The fixture's reset through the stateless server: the reply goes to the client. */
static void
v2_fix_reply(struct v2_fix *f)
{
    assert_int_equal(sl(f->st, f->reset, f->reset_len, NULL, 0, &f->rep, &f->cookie, &f->csid),
                     TLS_SL_REPLY);
    assert_int_equal(tls_multi_incoming(f->c.m, buf_ptr(&f->rep), buf_len(&f->rep), f->now),
                     TLS_IN_CONSUMED);
}

static void
v2_fix_free(struct v2_fix *f)
{
    tls_stateless_free(f->st);
    side_free(&f->c);
    side_free(&f->s);
}

/*
 * A 2.6-style client (early-negotiation marker) gets a stateless reply that
 * asks for its WKc again (TLV 0001 0002 0001 inside the tls-crypt wrapping
 * with its own key); its next packet is a P_CONTROL_WKC_V1 with the ACK, the
 * TLS ClientHello and the WKc, as 2.6.14 sends it.  Only that packet, from
 * the same address and in time, makes state; the channel then completes the
 * handshake with nothing dropped on either side.
 */
static void
stateless_v2__returning_client_with_cookie_and_wkc__only_it_gets_state(void **state)
{
    static struct v2_fix f;
    struct sockaddr_in b = test_addr("203.0.113.66", 40000);
    uint8_t wkc1[TLS_PACKET_MAX];
    struct session_id c2, s2;
    size_t wkc1_len;
    (void) state;

    v2_fix_init(&f);
    assert_int_equal(sl(f.st, f.reset, f.reset_len, &b, 0, &f.rep, &c2, &s2), TLS_SL_REPLY);
    v2_fix_reply(&f);
    /* server reset, cookie as sid, replay id 1; 2.6's 72 bytes: 17 + 32 + 23 */
    assert_int_equal(buf_len(&f.rep), 72);
    assert_int_equal(buf_ptr(&f.rep)[0] >> P_OPCODE_SHIFT, P_CONTROL_HARD_RESET_SERVER_V2);
    assert_memory_equal(buf_ptr(&f.rep) + 1, f.cookie.id, SID_SIZE);
    assert_memory_equal(buf_ptr(&f.rep) + 1 + SID_SIZE, "\x00\x00\x00\x01", 4);

    /* the client resends its WKc in message 1, which also carries the ClientHello */
    wkc1_len = next_packet(&f.c, f.now, wkc1);
    assert_int_equal(wkc1[0] >> P_OPCODE_SHIFT, P_CONTROL_WKC_V1);
    assert_memory_equal(
      wkc1 + wkc1_len - pair_v2_client.wkc_len, pair_v2_client.wkc, pair_v2_client.wkc_len);
    assert_true(wkc1_len > pair_v2_client.wkc_len + TLS_CRYPT_MIN_LEN + 17 + 100);
    assert_int_equal(sl(f.st, wkc1, wkc1_len, &b, 0, &f.rep, &c2, &s2), TLS_SL_DROP_COOKIE);
    assert_int_equal(sl(f.st, wkc1, wkc1_len, NULL, 200, &f.rep, &c2, &s2), TLS_SL_DROP_COOKIE);
    assert_int_equal(buf_len(&f.rep), 0);
    assert_int_equal(sl(f.st, wkc1, wkc1_len, NULL, 20, &f.rep, &c2, &s2), TLS_SL_ACCEPT);
    assert_memory_equal(c2.id, f.cookie.id, SID_SIZE);
    assert_memory_equal(s2.id, f.reset + 1, SID_SIZE); /* the client's session id */

    f.s.m = tls_multi_new_after_cookie(&f.s.cfg, &c2, &s2, f.now, WALL0 + 20);
    assert_non_null(f.s.m);
    mock_msg_reset();
    assert_int_equal(tls_multi_incoming(f.s.m, wkc1, wkc1_len, f.now), TLS_IN_CONSUMED);
    assert_non_null(strstr(mock_all_msgs, "Control Channel: using tls-crypt-v2 key"));
    f.now = run(NULL, &f.c, &f.s, f.now, 20000, both_active);
    assert_true(both_active(&f.c, &f.s));
    for (int i = 0; i <= TLS_IN_DROPPED_DEAD; i++)
    {
        assert_int_equal(tls_multi_get_stats(f.c.m)->in_dropped[i], 0);
    }
    assert_data_flows(&f.c, &f.s);
    assert_data_flows(&f.s, &f.c);
    v2_fix_free(&f);
}

/*
 * Without a server that asks for it, a tls-crypt-v2 client never sends a
 * WKC_V1: message 1 is a plain CONTROL_V1 (the stateful start, as with a
 * TCP server or a server that predates the stateless start).
 */
static void
stateless_v2__stateful_server__client_sends_no_wkc_v1(void **state)
{
    struct side c, s;
    uint8_t p[TLS_PACKET_MAX];
    size_t n;
    int64_t now = 1000;
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_KIND_CRYPT_V2S, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_CRYPT_V2C, now);
    send_all(NULL, &c, &s, now);
    deliver(NULL, &s, now);
    send_all(NULL, &s, &c, now);
    deliver(NULL, &c, now);
    n = next_packet(&c, now, p);
    assert_int_equal(p[0] >> P_OPCODE_SHIFT, P_CONTROL_V1);
    assert_int_equal(tls_multi_incoming(s.m, p, n, now), TLS_IN_CONSUMED);
    now = run(NULL, &c, &s, now, 20000, both_active);
    assert_true(both_active(&c, &s));
    assert_data_flows(&c, &s);
    side_free(&c);
    side_free(&s);
}

/* A V3 reset without the marker (replay id 1), as a client older than 2.6 sends it. */
static size_t
old_client_reset(uint8_t *p)
{
    struct tls_wrap_ctx *w = tls_crypt_v2_client_ctx_new(&pair_v2_client, 64, 15);
    uint8_t raw[64];
    struct buffer plain = buf_storage(raw, sizeof(raw), 0);
    struct buffer out = buf_storage(p, TLS_PACKET_MAX, 0);
    struct ctl_header h = { .opcode = P_CONTROL_HARD_RESET_CLIENT_V3, .has_msg_id = true };

    assert_non_null(w);
    memset(h.local_sid.id, 0x5c, SID_SIZE);
    tls_wrap_set_last_send_id(w, 0);
    assert_true(ctl_header_write(&plain, &h));
    assert_true(tls_wrap_wrap(w, &plain, &out, WALL0));
    tls_wrap_free(w);
    return buf_len(&out);
}

/* A WKC_V1 from the group's client (sid @p csid) to @p cookie: ACK @p ack, message @p msg. */
static size_t
crafted_wkc_v1(uint8_t *p,
               const struct session_id *cookie,
               const uint8_t *csid,
               uint32_t ack,
               uint32_t msg)
{
    struct tls_wrap_ctx *w = tls_crypt_v2_client_ctx_new(&pair_v2_client, 64, 15);
    uint8_t raw[64];
    struct buffer plain = buf_storage(raw, sizeof(raw), 0);
    struct buffer out = buf_storage(p, TLS_PACKET_MAX, 0);
    struct ctl_header h = { .opcode = P_CONTROL_WKC_V1,
                            .n_acks = 1,
                            .acks = { ack },
                            .remote_sid = *cookie,
                            .has_msg_id = true,
                            .msg_id = msg };

    assert_non_null(w);
    memcpy(h.local_sid.id, csid, SID_SIZE);
    assert_true(ctl_header_write(&plain, &h));
    assert_true(tls_wrap_wrap(w, &plain, &out, WALL0));
    tls_wrap_free(w);
    return buf_len(&out);
}

/*
 * As 2.6.14: the packet that shows the cookie must belong to the three-way
 * handshake, so it may only ACK message 0 or 1 and be message 0 or 1.
 */
static void
stateless_v2__cookie_with_later_message_ids__refused(void **state)
{
    static struct v2_fix f;
    static const uint32_t ack_msg[][3] = { { 0, 2, TLS_SL_DROP_COOKIE },
                                           { 2, 1, TLS_SL_DROP_COOKIE },
                                           { 0, 1, TLS_SL_ACCEPT } };
    uint8_t p[TLS_PACKET_MAX];
    struct session_id c2, s2;
    (void) state;

    v2_fix_init(&f);
    v2_fix_reply(&f);
    for (size_t i = 0; i < sizeof(ack_msg) / sizeof(ack_msg[0]); i++)
    {
        size_t n = crafted_wkc_v1(p, &f.cookie, f.reset + 1, ack_msg[i][0], ack_msg[i][1]);

        assert_int_equal(sl(f.st, p, n, NULL, 0, &f.rep, &c2, &s2), ack_msg[i][2]);
    }
    v2_fix_free(&f);
}

/*
 * A client that cannot resend its WKc: with the default (allow-noncookie)
 * its verified reset makes the caller create it at once, and that channel
 * takes the packet; with force-cookie it is refused.  Neither gets a
 * stateless reply.
 */
static void
stateless_v2__old_client__stateful_unless_force_cookie(void **state)
{
    struct side s, s2;
    struct tls_stateless *st;
    uint8_t p[TLS_PACKET_MAX], reply[TLS_PACKET_MAX];
    struct buffer rep = buf_storage(reply, sizeof(reply), 0);
    struct session_id cookie, csid;
    size_t n = old_client_reset(p);
    int64_t now = 1000;
    (void) state;

    st = v2_stateless(&s, false, now);
    assert_int_equal(sl(st, p, n, NULL, 0, &rep, &cookie, &csid), TLS_SL_STATEFUL);
    assert_int_equal(buf_len(&rep), 0);
    s.m = tls_multi_new(&s.cfg, now, WALL0);
    assert_non_null(s.m);
    assert_int_equal(tls_multi_incoming(s.m, p, n, now), TLS_IN_CONSUMED);
    tls_stateless_free(st);

    st = v2_stateless(&s2, true, now);
    assert_int_equal(sl(st, p, n, NULL, 0, &rep, &cookie, &csid), TLS_SL_DROP_OLD_V2);
    assert_int_equal(buf_len(&rep), 0);
    tls_stateless_free(st);
    side_free(&s);
    side_free(&s2);
}

/*
 * Forged input never gets a reply or state: a WKc with one bit flipped
 * (anywhere), a WKc made with another server key, a valid WKc under a
 * forged tls-crypt packet, packets that carry no WKc at all, garbage.
 */
static void
stateless_v2__forged_or_garbage_wkc__no_reply_no_state(void **state)
{
    static struct v2_fix f;
    uint8_t p[TLS_PACKET_MAX];
    struct session_id c2, s2;
    struct tls_crypt_v2_client_key other;
    struct tls_crypt_v2_server *other_srv;
    struct key ks;
    size_t n, wkc_at;
    (void) state;

    v2_fix_init(&f);
    n = f.reset_len;
    wkc_at = n - pair_v2_client.wkc_len;
    for (size_t i = 0; i < n; i++)
    {
        memcpy(p, f.reset, n);
        p[i] ^= 0x01;
        /* byte 0 flips the key id: dropped before anything else */
        assert_true(sl(f.st, p, n, NULL, 0, &f.rep, &c2, &s2) ==
                    (i >= wkc_at ? TLS_SL_DROP_WKC : TLS_SL_DROP));
        assert_int_equal(buf_len(&f.rep), 0);
    }

    /* the same Kc wrapped with another server key */
    memset(&ks, 0x33, sizeof(ks));
    other_srv = tls_crypt_v2_server_new(&ks);
    assert_non_null(other_srv);
    other = pair_v2_client;
    assert_true(tls_crypt_v2_wrap_client_key(
      other_srv, &other.kc, (const uint8_t *) "\x01", 1, other.wkc, &other.wkc_len));
    tls_crypt_v2_server_free(other_srv);
    memcpy(p, f.reset, wkc_at);
    memcpy(p + wkc_at, other.wkc, other.wkc_len);
    assert_int_equal(sl(f.st, p, wkc_at + other.wkc_len, NULL, 0, &f.rep, &c2, &s2),
                     TLS_SL_DROP_WKC);

    /* control packets without a WKc cannot be checked: dropped */
    memcpy(p, f.reset, n);
    p[0] = P_CONTROL_V1 << P_OPCODE_SHIFT;
    assert_int_equal(sl(f.st, p, n, NULL, 0, &f.rep, &c2, &s2), TLS_SL_DROP);
    p[0] = P_ACK_V1 << P_OPCODE_SHIFT;
    assert_int_equal(sl(f.st, p, n, NULL, 0, &f.rep, &c2, &s2), TLS_SL_DROP);
    /* a valid WKc on a WKC_V1 with no cookie to show */
    p[0] = P_CONTROL_WKC_V1 << P_OPCODE_SHIFT;
    assert_int_not_equal(sl(f.st, p, n, NULL, 0, &f.rep, &c2, &s2), TLS_SL_ACCEPT);

    for (int i = 0; i < 200; i++)
    {
        size_t len = 10 + (size_t) i * 5;

        for (size_t j = 0; j < len; j++)
        {
            p[j] = (uint8_t) (i * 131 + j * 17);
        }
        p[0] =
          (uint8_t) ((i % 2 ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_WKC_V1) << P_OPCODE_SHIFT);
        p[len - 2] = (uint8_t) (pair_v2_client.wkc_len >> 8);
        p[len - 1] = (uint8_t) pair_v2_client.wkc_len;
        assert_true(dropped(sl(f.st, p, len, NULL, 0, &f.rep, &c2, &s2)));
        assert_int_equal(buf_len(&f.rep), 0);
    }
    secure_memzero(&other, sizeof(other));
    v2_fix_free(&f);
}

/* Every prefix of the V3 reset and of the WKC_V1: no reply, no state. */
static void
stateless_v2__truncated_reset_or_wkc_v1__never_replied_or_accepted(void **state)
{
    static struct v2_fix f;
    uint8_t wkc1[TLS_PACKET_MAX];
    struct session_id c2, s2;
    size_t wkc1_len;
    (void) state;

    v2_fix_init(&f);
    for (size_t n = 0; n < f.reset_len; n++)
    {
        assert_true(dropped(sl(f.st, f.reset, n, NULL, 0, &f.rep, &c2, &s2)));
        assert_int_equal(buf_len(&f.rep), 0);
    }
    v2_fix_reply(&f);
    wkc1_len = next_packet(&f.c, f.now, wkc1);
    for (size_t n = 0; n < wkc1_len; n++)
    {
        assert_true(dropped(sl(f.st, wkc1, n, NULL, 0, &f.rep, &c2, &s2)));
        assert_int_equal(buf_len(&f.rep), 0);
    }
    assert_int_equal(sl(f.st, wkc1, wkc1_len, NULL, 0, &f.rep, &c2, &s2), TLS_SL_ACCEPT);
    v2_fix_free(&f);
}

/*
 * The whole way in through the stateless tls-crypt-v2 start with seeded
 * loss, duplication and reordering, the server side run as mudp runs it:
 * packets from the client go to the stateless check until one is accepted,
 * then to the new channel.  Lost replies make the client repeat its reset,
 * a lost WKC_V1 is repeated by the reliability layer (still a WKC_V1).
 */
static void
stateless_v2__lossy_network_seeded__client_gets_in(void **state)
{
    (void) state;
    for (unsigned int seed = 1; seed <= 6; seed++)
    {
        struct net n = { .seed = seed, .loss_pct = 25, .dup_pct = 10, .reorder = true };
        struct side c, s;
        struct tls_stateless *st;
        uint8_t raw[TLS_PACKET_MAX], reply[TLS_PACKET_MAX];
        struct buffer out = buf_storage(raw, sizeof(raw), 0);
        struct buffer rep = buf_storage(reply, sizeof(reply), 0);
        struct session_id cookie, csid;
        int64_t now = 1000;

        st = v2_stateless(&s, true, now);
        side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_CRYPT_V2C, now);
        for (int step = 0; step < 600 && !s.m; step++, now += 100)
        {
            while (!s.m && tls_multi_outgoing(c.m, now, &out))
            {
                enqueue(&n, &s, buf_ptr(&out), buf_len(&out));
                buf_reset(&out, 0);
            }
            for (size_t i = 0; i < s.nq && !s.m; i++)
            {
                enum tls_sl_result r = sl(
                  st, s.q[i].data, s.q[i].len, NULL, (time_t) (now / 1000), &rep, &cookie, &csid);

                if (r == TLS_SL_REPLY)
                {
                    enqueue(&n, &c, buf_ptr(&rep), buf_len(&rep));
                }
                else if (r == TLS_SL_ACCEPT)
                {
                    s.m =
                      tls_multi_new_after_cookie(&s.cfg, &cookie, &csid, now, WALL0 + now / 1000);
                    assert_non_null(s.m);
                    assert_int_equal(tls_multi_incoming(s.m, s.q[i].data, s.q[i].len, now),
                                     TLS_IN_CONSUMED);
                }
            }
            s.nq = 0;
            deliver(&n, &c, now);
            tls_multi_tick(c.m, now);
        }
        assert_non_null(s.m);
        now = run(&n, &c, &s, now, 50000, both_active);
        assert_true(both_active(&c, &s));
        assert_data_flows(&c, &s);
        assert_data_flows(&s, &c);
        tls_stateless_free(st);
        side_free(&c);
        side_free(&s);
    }
}

static const uint8_t ip_a[4] = { 203, 0, 113, 2 }, ip_b[4] = { 198, 51, 100, 2 };

/* A reset from 203.0.113.(10 + i): a different address for each i. */
static bool
allow_from(struct tls_reply_limit *l, int i, time_t now)
{
    uint8_t ip[4] = { 203, 0, 113, (uint8_t) (10 + i) };

    return tls_reply_limit_allow(l, ip, sizeof(ip), now);
}

/*
 * --connect-freq-initial n sec: n resets are answered per period; the
 * period ends only after sec whole seconds (2.6 compares with >), and the
 * first refusal of a period logs 2.6's note once, its end the number dropped.
 */
static void
reply_limit__past_n_in_a_period__refused_until_it_ends(void **state)
{
    struct tls_reply_limit l;

    (void) state;
    tls_reply_limit_init(&l, 3, 10, 42);
    mock_msg_reset();
    for (int i = 0; i < 3; i++)
    {
        assert_true(allow_from(&l, i, 5));
    }
    assert_string_equal(mock_all_msgs, "");
    assert_false(allow_from(&l, 3, 5));
    assert_string_equal(mock_last_msg,
                        "Note: --connect-freq-initial 3 10 rate limit exceeded, dropping "
                        "initial handshake packets for the next 10 seconds");
    mock_msg_reset();
    for (int i = 0; i < 1000; i++)
    {
        assert_false(allow_from(&l, i % 50, 9));
    }
    assert_false(allow_from(&l, 4, 15));
    assert_string_equal(mock_all_msgs, ""); /* one note per period, not per packet */
    assert_true(allow_from(&l, 4, 16));
    assert_string_equal(mock_last_msg,
                        "Dropped 1002 initial handshake packets due to --connect-freq-initial 3 10");
}

/*
 * One address gets a quarter of n per period: its flood leaves the rest to
 * a client elsewhere (any port of that address counts as that address).
 */
static void
reply_limit__flood_from_one_address__others_still_answered(void **state)
{
    struct tls_reply_limit l;
    int answered = 0;

    (void) state;
    tls_reply_limit_init(&l, 100, 10, 7);
    for (int i = 0; i < 20000; i++)
    {
        answered += tls_reply_limit_allow(&l, ip_a, sizeof(ip_a), 1000);
    }
    assert_int_equal(answered, 25);
    assert_true(tls_reply_limit_allow(&l, ip_b, sizeof(ip_b), 1001));
    /* with n < 4 an address still gets one */
    tls_reply_limit_init(&l, 2, 10, 7);
    assert_true(tls_reply_limit_allow(&l, ip_a, sizeof(ip_a), 1));
    assert_false(tls_reply_limit_allow(&l, ip_a, sizeof(ip_a), 1));
    assert_true(tls_reply_limit_allow(&l, ip_b, sizeof(ip_b), 1));
}

/* A client that brings the cookie back gives its reply back to the allowance. */
static void
reply_limit__completed_handshake__credited(void **state)
{
    struct tls_reply_limit l;

    (void) state;
    tls_reply_limit_init(&l, 2, 10, 1);
    assert_true(allow_from(&l, 0, 100));
    assert_true(allow_from(&l, 1, 100));
    assert_false(allow_from(&l, 2, 100));
    tls_reply_limit_credit(&l, ip_b, sizeof(ip_b));
    assert_true(allow_from(&l, 3, 101));
    assert_false(allow_from(&l, 4, 101));
    /* the address's own share is given back too */
    tls_reply_limit_init(&l, 4, 10, 1);
    assert_true(tls_reply_limit_allow(&l, ip_a, sizeof(ip_a), 7));
    assert_false(tls_reply_limit_allow(&l, ip_a, sizeof(ip_a), 7));
    tls_reply_limit_credit(&l, ip_a, sizeof(ip_a));
    assert_true(tls_reply_limit_allow(&l, ip_a, sizeof(ip_a), 7));
    /* a credit never makes the count negative (no reserve for later floods) */
    tls_reply_limit_init(&l, 1, 10, 1);
    for (int i = 0; i < 5; i++)
    {
        tls_reply_limit_credit(&l, ip_a, sizeof(ip_a));
    }
    assert_true(allow_from(&l, 0, 7));
    assert_false(allow_from(&l, 1, 7));
}

/* 2.6 takes n 0 (no reset is answered) and sec 0 (a period of one second). */
static void
reply_limit__zero_values__none_answered_or_per_second(void **state)
{
    struct tls_reply_limit l;

    (void) state;
    tls_reply_limit_init(&l, 0, 10, 3);
    assert_false(allow_from(&l, 0, 0));
    assert_false(allow_from(&l, 1, 1000));
    tls_reply_limit_init(&l, 1, 0, 3);
    assert_true(allow_from(&l, 0, 50));
    assert_false(allow_from(&l, 1, 50));
    assert_true(allow_from(&l, 2, 51));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stateless_cookie__only_a_returning_client_gets_state),
        cmocka_unit_test(stateless_cookie__clients_long_after_server_start__connect),
        cmocka_unit_test(stateless_v2__returning_client_with_cookie_and_wkc__only_it_gets_state),
        cmocka_unit_test(stateless_v2__stateful_server__client_sends_no_wkc_v1),
        cmocka_unit_test(stateless_v2__cookie_with_later_message_ids__refused),
        cmocka_unit_test(stateless_v2__old_client__stateful_unless_force_cookie),
        cmocka_unit_test(stateless_v2__forged_or_garbage_wkc__no_reply_no_state),
        cmocka_unit_test(stateless_v2__truncated_reset_or_wkc_v1__never_replied_or_accepted),
        cmocka_unit_test(stateless_v2__lossy_network_seeded__client_gets_in),
        cmocka_unit_test(reply_limit__past_n_in_a_period__refused_until_it_ends),
        cmocka_unit_test(reply_limit__flood_from_one_address__others_still_answered),
        cmocka_unit_test(reply_limit__completed_handshake__credited),
        cmocka_unit_test(reply_limit__zero_values__none_answered_or_per_second),
    };
    return cmocka_run_group_tests(tests, ssl_pair_setup, ssl_pair_teardown);
}
