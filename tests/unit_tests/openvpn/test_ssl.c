/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl.c -- two tls_multi instances, a p2p TLS client and server,
 * talking through an in-memory channel that can lose, duplicate and
 * reorder packets (seeded).  Checks: the handshake completes, both sides
 * derive the same data keys (encrypt with one, decrypt with the other),
 * wrapping with tls-auth and tls-crypt, renegotiation keeps the lame duck,
 * soft resets started by both sides at once (with and without loss) meet
 * on one key state, --reneg-sec jitter only on a --mode server unless a
 * MIN is given (then (min, max] for anyone), --reneg-pkts and the SWEET32
 * --reneg-bytes cap start soft resets with 2.6's log line, hand-window
 * expiry is an error, garbage and replays are dropped and counted without
 * disturbing a handshake.  The two-sided harness is test_ssl_pair.c; the
 * stateless server start has its own driver (test_ssl_stateless.c).
 */
#include "config.h"

#include "test_common.h"

#include "crypto.h"
#include "crypto_backend.h"
#include "key_msg.h"
#include "ssl.h"
#include "ssl_backend.h"
#include "test_certs.h"
#include "test_ssl_pair.h"

static void
handshake_case(enum tls_wrap_kind wrap, struct net *n)
{
    struct side c, s;
    int64_t now = 1000;

    side_init(&s, SSL_ROLE_SERVER, wrap, now);
    side_init(&c, SSL_ROLE_CLIENT, wrap, now);
    mock_msg_reset();
    now = run(n, &c, &s, now, 50000, both_active);
    assert_true(both_active(&c, &s));
    assert_data_flows(&c, &s);
    assert_data_flows(&s, &c);
    assert_string_equal(tls_multi_peer_options(s.m), "V4,dev-type tun,tls-client");
    assert_string_equal(tls_multi_peer_options(c.m), "V4,dev-type tun,tls-server");
    assert_non_null(strstr(mock_all_msgs,
                           "P2P mode NCP negotiation result: TLS_export=1, "
                           "DATA_v2=1, peer-id "));
    assert_non_null(strstr(mock_all_msgs, "cipher=AES-256-GCM"));
    assert_non_null(strstr(mock_all_msgs, "Peer Connection Initiated with"));
    side_free(&c);
    side_free(&s);
}

static void
handshake__lossless_no_wrap__keys_agree(void **state)
{
    (void) state;
    handshake_case(TLS_WRAP_NONE, NULL);
}

static void
handshake__tls_auth__keys_agree(void **state)
{
    (void) state;
    handshake_case(TLS_WRAP_KIND_AUTH, NULL);
}

static void
handshake__tls_crypt__keys_agree(void **state)
{
    (void) state;
    handshake_case(TLS_WRAP_KIND_CRYPT, NULL);
}

static void
handshake__loss_dup_reorder_seeded__keys_agree(void **state)
{
    (void) state;
    for (unsigned int seed = 1; seed <= 5; seed++)
    {
        struct net n = { .seed = seed, .loss_pct = 20, .dup_pct = 10, .reorder = true };

        handshake_case(seed % 2 ? TLS_WRAP_KIND_CRYPT : TLS_WRAP_KIND_AUTH, &n);
    }
}

static uint8_t reneg_expect = 1;

static bool
reneg_done(struct side *c, struct side *s)
{
    uint8_t a, b;

    return tls_multi_tx_key(c->m, &a) && tls_multi_tx_key(s->m, &b) && a == reneg_expect &&
           b == reneg_expect && both_active(c, s);
}

static void
renegotiate__either_side_key_ids_wrap_lame_duck_kept(void **state)
{
    struct side c, s;
    int64_t now = 1000;
    uint8_t expect = 0;
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_KIND_AUTH, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_AUTH, now);
    now = run(NULL, &c, &s, now, 20000, both_active);
    for (int i = 0; i < 9; i++)
    {
        uint8_t id_c, id_s, old = expect;

        expect = expect >= 7 ? 1 : expect + 1;
        reneg_expect = expect;
        assert_true(tls_multi_renegotiate(i % 2 ? s.m : c.m, now));
        now = run(NULL, &c, &s, now + 100, 20000, reneg_done);
        assert_true(tls_multi_tx_key(c.m, &id_c));
        assert_true(tls_multi_tx_key(s.m, &id_s));
        assert_int_equal(id_c, expect);
        assert_int_equal(id_s, expect);
        /* the lame duck still decrypts */
        assert_true(tls_multi_rx_key_ok(c.m, old));
        assert_true(tls_multi_rx_key_ok(s.m, old));
        assert_data_flows(&c, &s);
        assert_data_flows(&s, &c);
    }
    assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 9);
    side_free(&c);
    side_free(&s);
}

/* Both sides start a soft reset for the same key_id at the same moment (§8.6). */
static void
collide_case(struct net *n, enum tls_wrap_kind wrap, int64_t *worst)
{
    struct side c, s;
    int64_t now = 1000, start;

    side_init(&s, SSL_ROLE_SERVER, wrap, now);
    side_init(&c, SSL_ROLE_CLIENT, wrap, now);
    now = run(n, &c, &s, now, 50000, both_active);
    assert_true(both_active(&c, &s));
    for (uint8_t expect = 1; expect <= 3; expect++)
    {
        uint8_t id_c = 0, id_s = 0;

        assert_true(tls_multi_renegotiate(c.m, now));
        assert_true(tls_multi_renegotiate(s.m, now));
        reneg_expect = expect;
        start = now;
        now = run(n, &c, &s, now, 30000, reneg_done);
        /*
         * lossless: within one 100 ms step; lossy: a few retransmissions
         * (timeouts 2 s, 4 s, 8 s) - far below the 60 s hand-window in
         * which a stuck collision would end
         */
        assert_true(now - start <= (n ? 20000 : 100));
        assert_true(tls_multi_tx_key(c.m, &id_c));
        assert_true(tls_multi_tx_key(s.m, &id_s));
        assert_int_equal(id_c, expect);
        assert_int_equal(id_s, expect);
        assert_data_flows(&c, &s);
        assert_data_flows(&s, &c);
        assert_true(tls_multi_rx_key_ok(c.m, expect - 1));
        assert_true(tls_multi_rx_key_ok(s.m, expect - 1));
        *worst = now - start > *worst ? now - start : *worst;
        now += 100;
    }
    assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 3);
    assert_int_equal(tls_multi_get_stats(s.m)->renegotiations, 3);
    side_free(&c);
    side_free(&s);
}

static void
renegotiate__both_sides_same_time__new_key_at_once(void **state)
{
    int64_t worst = 0;
    (void) state;
    collide_case(NULL, TLS_WRAP_NONE, &worst);
    collide_case(NULL, TLS_WRAP_KIND_AUTH, &worst);
}

static void
renegotiate__both_sides_with_loss_seeded__new_key_within_20s(void **state)
{
    int64_t worst = 0;
    (void) state;
    for (unsigned int seed = 1; seed <= 12; seed++)
    {
        struct net n = { .seed = seed, .loss_pct = 10, .dup_pct = 10, .reorder = true };

        collide_case(&n, seed % 2 ? TLS_WRAP_KIND_CRYPT : TLS_WRAP_KIND_AUTH, &worst);
    }
    assert_true(worst > 100); /* the loss did delay some handshakes */
}

static bool
server_reneg_started(struct side *c, struct side *s)
{
    (void) c;
    return tls_multi_get_stats(s->m)->renegotiations > 0;
}

static bool
client_reneg_started(struct side *c, struct side *s)
{
    (void) s;
    return tls_multi_get_stats(c->m)->renegotiations > 0;
}

/* --reneg-sec MIN for reneg_pair()'s @p who; < 0: not given. */
static int reneg_min = -1;

/*
 * A fresh pair where @p who (s or c) has --reneg-sec @p sec (and reneg_min);
 * @p p2p for both, else a pull client and a --mode server.
 */
static int64_t
reneg_pair(struct side *c, struct side *s, struct side *who, int sec, bool p2p)
{
    int64_t now = 1000;

    side_init(s, SSL_ROLE_SERVER, TLS_WRAP_NONE, now);
    side_init(c, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    for (struct side *x = c; x; x = x == c ? s : NULL)
    {
        tls_multi_free(x->m);
        x->cfg.p2p = p2p;
        x->cfg.reneg_sec = x == who ? sec : 0;
        x->cfg.reneg_sec_min = reneg_min;
        x->cfg.reneg_sec_min_set = x == who && reneg_min >= 0;
        x->cfg.server_mode = x->auto_authorize = !p2p && x == s;
        x->cfg.peer_info = x->cfg.server_mode ? "" : x->cfg.peer_info;
        x->m = tls_multi_new(&x->cfg, now, WALL0);
        assert_non_null(x->m);
        x->want_v2 = x->want_ekm = p2p;
        if (!p2p)
        {
            /* pull client / server: the data channel comes from the push */
            struct tls_data_params dp = { .cipher = "AES-256-GCM" };

            assert_true(tls_multi_set_data_params(x->m, &dp));
        }
    }
    now = run(NULL, c, s, now, 20000, both_active);
    assert_true(both_active(c, s));
    return now;
}

/* Time from activation (within the last 100 ms step) to the first soft reset. */
static int64_t
reneg_delay(struct side *c, struct side *s, struct side *who, int64_t t0, int64_t max_ms)
{
    int64_t now =
      run(NULL, c, s, t0, max_ms, who == s ? server_reneg_started : client_reneg_started);

    assert_int_equal(tls_multi_get_stats(who->m)->renegotiations, 1);
    return now - t0;
}

/*
 * As 2.6: only a --mode server session takes
 * 0-10% off --reneg-sec, in whole seconds, drawn once per session; a p2p
 * --tls-server and any client use the configured value.
 */
static void
reneg_sec__jitter_only_for_non_p2p_server(void **state)
{
    int64_t lo = INT64_MAX, hi = 0;
    (void) state;

    for (int i = 0; i < 6; i++)
    {
        struct side c, s;
        int64_t t0 = reneg_pair(&c, &s, &s, 100, false), d = reneg_delay(&c, &s, &s, t0, 102000);

        assert_true(d >= 90900 && d <= 100100);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        side_free(&c);
        side_free(&s);
    }
    assert_true(hi - lo >= 1000); /* six draws from ten values are not all alike */
    /* p2p server, p2p client, non-p2p client */
    for (int i = 0; i < 3; i++)
    {
        struct side c, s;
        struct side *who = i == 0 ? &s : &c;
        int64_t t0 = reneg_pair(&c, &s, who, 100, i < 2), d = reneg_delay(&c, &s, who, t0, 102000);

        assert_true(d >= 99900 && d <= 100100);
        side_free(&c);
        side_free(&s);
    }
}

/*
 * --reneg-sec MAX MIN: 2.6 draws max - r % (max - min), i.e. (min, max]
 * (the man page says "between min and max"), for clients and p2p peers
 * too; min >= max or max - min == 1 leaves max, and 0 (off) stays 0.
 */
static void
reneg_sec_pick__min_given__window_min_exclusive_to_max(void **state)
{
    bool seen[101] = { false };
    (void) state;

    for (uint32_t r = 0; r < 1000; r++)
    {
        int v = tls_reneg_sec_pick(100, 50, true, false, r * 2654435761u);

        assert_true(v > 50 && v <= 100);
        seen[v] = true;
        assert_int_equal(tls_reneg_sec_pick(100, 50, true, true, r), 100 - (int) (r % 50));
    }
    assert_true(seen[51] && seen[100]);
    for (int v = 51; v <= 100; v++)
    {
        assert_true(seen[v]); /* every second of the window is reachable */
    }
    assert_int_equal(tls_reneg_sec_pick(100, 0, true, false, 99), 1);
    assert_int_equal(tls_reneg_sec_pick(100, 0, true, false, 100), 100);
    assert_int_equal(tls_reneg_sec_pick(100, 99, true, false, 12345), 100);
    assert_int_equal(tls_reneg_sec_pick(100, 100, true, false, 12345), 100);
    assert_int_equal(tls_reneg_sec_pick(100, 500, true, true, 12345), 100);
    assert_int_equal(tls_reneg_sec_pick(0, 10, true, true, 7), 0);
}

/* No MIN: a --mode server takes 0..10% off (3600 -> 3241..3600), others use max. */
static void
reneg_sec_pick__no_min__server_mode_only_top_tenth(void **state)
{
    int lo = INT32_MAX, hi = 0;
    (void) state;

    for (uint32_t r = 0; r < 2000; r++)
    {
        int v = tls_reneg_sec_pick(3600, -1, false, true, r);

        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        assert_int_equal(tls_reneg_sec_pick(3600, -1, false, false, r), 3600);
    }
    assert_int_equal(lo, 3241);
    assert_int_equal(hi, 3600);
    assert_int_equal(tls_reneg_sec_pick(5, -1, false, true, 3), 5); /* span is at least 1 */
    assert_int_equal(tls_reneg_sec_pick(0, -1, false, true, 3), 0);
}

/* The draw reaches the key states: a p2p client with "reneg-sec 20 10". */
static void
reneg_sec__min_given__p2p_client_draws_in_window(void **state)
{
    int64_t lo = INT64_MAX, hi = 0;
    (void) state;

    reneg_min = 10;
    for (int i = 0; i < 8; i++)
    {
        struct side c, s;
        int64_t t0 = reneg_pair(&c, &s, &c, 20, true), d = reneg_delay(&c, &s, &c, t0, 22000);

        assert_true(d >= 10900 && d <= 20100);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        side_free(&c);
        side_free(&s);
    }
    reneg_min = -1;
    assert_true(hi - lo >= 1000); /* eight draws from ten values are not all alike */
}

/*
 * --reneg-pkts: the side whose data count reaches the limit starts a soft
 * reset, logs 2.6's line (an unset --reneg-bytes shows as -1), and both
 * move to key_id 1 with data flowing on it.
 */
static void
reneg_pkts__limit_reached__soft_reset_logged_as_2_6(void **state)
{
    struct side c, s;
    int64_t now = 1000;
    uint8_t id;
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_NONE, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    tls_multi_free(c.m);
    c.cfg.reneg_sec = 3600;
    c.cfg.reneg_pkts = 5;
    c.cfg.reneg_bytes_unset = true;
    c.m = tls_multi_new(&c.cfg, now, WALL0);
    assert_non_null(c.m);
    now = run(NULL, &c, &s, now, 20000, both_active);
    assert_true(both_active(&c, &s));
    for (int i = 0; i < 4; i++)
    {
        tls_multi_count_data(c.m, 0, 100);
    }
    mock_msg_reset();
    tls_multi_tick(c.m, now);
    assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 0);
    tls_multi_count_data(c.m, 0, 100);
    tls_multi_tick(c.m, now);
    assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 1);
    assert_non_null(strstr(mock_all_msgs, "TLS: soft reset sec=0/3600 bytes=500/-1 pkts=5/5"));
    reneg_expect = 1;
    run(NULL, &c, &s, now, 20000, reneg_done);
    assert_true(reneg_done(&c, &s));
    assert_true(tls_multi_tx_key(s.m, &id) && id == 1);
    assert_data_flows(&c, &s);
    assert_data_flows(&s, &c);
    side_free(&c);
    side_free(&s);
}

/*
 * SWEET32: without --reneg-bytes a 64-bit-block data cipher gets 2.6's
 * 64 MB limit and warning; an AEAD cipher gets neither.
 */
static void
reneg_bytes__unset_with_64bit_block_cipher__capped_at_64mb(void **state)
{
    static const char warn[] = "WARNING: cipher with small block size in use, reducing "
                               "reneg-bytes to 64MB to mitigate SWEET32 attacks.";
    (void) state;

    for (int i = 0; i < 2; i++)
    {
        struct side c, s;
        struct tls_data_params dp = { .cipher = "AES-256-GCM" };
        int64_t now = 1000;

        if (i == 0)
        {
            snprintf(dp.cipher, sizeof(dp.cipher), "DES-EDE3-CBC");
        }
        mock_msg_reset();
        side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_NONE, now);
        side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
        for (struct side *x = &c; x; x = x == &c ? &s : NULL)
        {
            tls_multi_free(x->m);
            x->cfg.p2p = false;
            x->cfg.pull = x == &c;
            x->cfg.server_mode = x->auto_authorize = x == &s;
            x->cfg.peer_info = x == &s ? "" : x->cfg.peer_info;
            x->cfg.reneg_bytes_unset = true;
            x->want_v2 = x->want_ekm = false;
            x->m = tls_multi_new(&x->cfg, now, WALL0);
            assert_non_null(x->m);
            assert_true(tls_multi_set_data_params(x->m, &dp));
        }
        now = run(NULL, &c, &s, now, 20000, both_active);
        assert_true(both_active(&c, &s));
        if (i == 1)
        {
            assert_null(strstr(mock_all_msgs, warn));
            tls_multi_count_data(c.m, 0, TLS_RENEG_BYTES_SMALL_BLOCK);
            tls_multi_tick(c.m, now);
            assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 0);
        }
        else
        {
            assert_non_null(strstr(mock_all_msgs, warn));
            tls_multi_count_data(c.m, 0, TLS_RENEG_BYTES_SMALL_BLOCK - 1);
            tls_multi_tick(c.m, now);
            assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 0);
            tls_multi_count_data(c.m, 0, 1);
            tls_multi_tick(c.m, now);
            assert_int_equal(tls_multi_get_stats(c.m)->renegotiations, 1);
            assert_non_null(strstr(mock_all_msgs, "bytes=67108864/67108864 pkts=2/0"));
        }
        side_free(&c);
        side_free(&s);
    }
}

/* A pull client with credentials and a --mode server; params as a push would carry. */
static int64_t
server_pair(struct side *c, struct side *s, const char *user, const char *pass)
{
    int64_t now = 1000;

    side_init(s, SSL_ROLE_SERVER, TLS_WRAP_NONE, now);
    side_init(c, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    tls_multi_free(s->m);
    tls_multi_free(c->m);
    s->cfg.p2p = c->cfg.p2p = false;
    s->cfg.server_mode = true;
    s->cfg.peer_info = "";
    c->cfg.pull = true;
    c->cfg.auth_username = user;
    c->cfg.auth_password = pass;
    s->m = tls_multi_new(&s->cfg, now, WALL0);
    c->m = tls_multi_new(&c->cfg, now, WALL0);
    assert_non_null(s->m);
    assert_non_null(c->m);
    s->want_v2 = c->want_v2 = s->want_ekm = c->want_ekm = true;
    return now;
}

static bool
server_asked(struct side *c, struct side *s)
{
    return tls_multi_control_ready(c->m) && s->auth_events > 0;
}

/*
 * Server mode: the server hears TLS_EVENT_AUTH with the client's
 * credentials and neither side has a data key until the server authorized
 * it and both know the pushed parameters; then data flows with the pushed
 * peer-id (P_DATA_V2) and EKM keys.
 */
static void
server_mode__keys_only_after_authorize_and_params(void **state)
{
    struct side c, s;
    const char *u = NULL, *p = NULL;
    struct tls_data_params dp = { .cipher = "AES-128-GCM", .ekm = true, .data_v2 = true,
                                  .peer_id = 5 };
    int64_t now = server_pair(&c, &s, "alice", "secret1");
    (void) state;

    now = run(NULL, &c, &s, now, 20000, server_asked);
    assert_int_equal(s.auth_events, 1);
    assert_true(tls_multi_peer_credentials(s.m, s.auth_key_id, &u, &p));
    assert_string_equal(u, "alice");
    assert_string_equal(p, "secret1");
    now = run(NULL, &c, &s, now, 3000, NULL);
    assert_false(c.have[0] || s.have[0]);
    assert_int_equal(tls_multi_status(c.m), TLS_STATUS_CONNECTING);

    assert_true(tls_multi_set_data_params(s.m, &dp));
    now = run(NULL, &c, &s, now, 1000, NULL);
    assert_false(s.have[0]); /* params alone are not enough on a server */
    tls_multi_key_authorize(s.m, 0, true);
    now = run(NULL, &c, &s, now, 1000, NULL);
    assert_true(s.have[0]);
    assert_false(c.have[0]); /* the client waits for its PUSH_REPLY */
    assert_true(tls_multi_set_data_params(c.m, &dp));
    now = run(NULL, &c, &s, now, 1000, both_active);
    assert_true(both_active(&c, &s));
    assert_data_flows(&c, &s);
    assert_data_flows(&s, &c);
    side_free(&c);
    side_free(&s);
}

/*
 * The server's last control messages of a handshake are not acknowledged
 * (the ACKs are lost), the client has all it needs and starts its next
 * renegotiation, and, like 2.6, neither acknowledges nor accepts the old
 * key's control packets from then on.  The server's key is in use once its keys are derived, so it
 * follows the client to the new key id: both end up on key 1.
 */
static void
server_mode__peer_renegotiates_before_our_last_ack__followed(void **state)
{
    struct side c, s;
    struct tls_data_params dp = { .cipher = "AES-256-GCM", .ekm = true, .data_v2 = true };
    int64_t now = server_pair(&c, &s, "alice", "secret1");
    (void) state;

    assert_true(tls_multi_set_data_params(s.m, &dp));
    assert_true(tls_multi_set_data_params(c.m, &dp));
    /* step by hand: stop right after the server read the client's key
     * message, before anything the server sent in reply can be acknowledged */
    for (int64_t end = now + 20000; now < end && s.auth_events == 0; now += 100)
    {
        send_all(NULL, &c, &s, now);
        deliver(NULL, &s, now);
        install_events(&s);
        if (s.auth_events == 0)
        {
            send_all(NULL, &s, &c, now);
            deliver(NULL, &c, now);
            tls_multi_tick(c.m, now);
            tls_multi_tick(s.m, now);
            install_events(&c);
        }
    }
    assert_int_equal(s.auth_events, 1);
    /* as a server answers an authorized client: the push, then the keys */
    s.deaf = true;
    assert_true(tls_multi_send_text(s.m, "PUSH_REPLY,ping 10"));
    tls_multi_key_authorize(s.m, s.auth_key_id, true);
    now = run(NULL, &c, &s, now, 3000, NULL);
    assert_int_equal(tls_multi_status(c.m), TLS_STATUS_ACTIVE);
    assert_true(s.have[0]);
    assert_true(tls_multi_renegotiate(c.m, now));
    s.deaf = false;
    s.auto_authorize = true;
    s.only_key = c.only_key = 1; /* 2.6 sends nothing more for its lame duck's control channel */
    reneg_expect = 1;
    now = run(NULL, &c, &s, now, 10000, reneg_done);
    assert_true(reneg_done(&c, &s));
    assert_data_flows(&c, &s);
    assert_data_flows(&s, &c);
    side_free(&c);
    side_free(&s);
}

/* A refused key state never yields keys; a bad cipher name is refused. */
static void
server_mode__refused_client_gets_no_keys(void **state)
{
    struct side c, s;
    struct tls_data_params dp = { .cipher = "AES-256-GCM" };
    struct tls_data_params bad = { .cipher = "NO-SUCH-CIPHER" };
    int64_t now = server_pair(&c, &s, "mallory", "guess");
    (void) state;

    s.want_v2 = c.want_v2 = s.want_ekm = c.want_ekm = false;
    assert_false(tls_multi_set_data_params(s.m, &bad));
    assert_true(tls_multi_set_data_params(s.m, &dp));
    assert_true(tls_multi_set_data_params(c.m, &dp));
    now = run(NULL, &c, &s, now, 20000, server_asked);
    tls_multi_key_authorize(s.m, s.auth_key_id, false);
    now = run(NULL, &c, &s, now, 5000, NULL);
    assert_false(s.have[0]);
    assert_int_equal(tls_multi_status(s.m), TLS_STATUS_CONNECTING);
    side_free(&c);
    side_free(&s);
}


static void
lame_duck__expires_after_tran_window(void **state)
{
    struct side c, s;
    int64_t now = 1000;
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_NONE, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    now = run(NULL, &c, &s, now, 20000, both_active);
    assert_true(tls_multi_renegotiate(c.m, now));
    reneg_expect = 1;
    now = run(NULL, &c, &s, now, 20000, reneg_done);
    assert_true(tls_multi_rx_key_ok(c.m, 0));
    now = run(NULL, &c, &s, now + 3600 * 1000, 500, NULL);
    assert_false(tls_multi_rx_key_ok(c.m, 0));
    assert_false(c.have[0]); /* retired event freed it */
    assert_true(tls_multi_rx_key_ok(c.m, 1));
    side_free(&c);
    side_free(&s);
}

static void
hand_window__no_peer__error_logged(void **state)
{
    struct side c;
    int64_t now = 1000;
    uint8_t raw[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    (void) state;

    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    mock_msg_reset();
    for (; now < 62000; now += 500)
    {
        while (tls_multi_outgoing(c.m, now, &out))
        {
            buf_reset(&out, 0);
        }
        tls_multi_tick(c.m, now);
    }
    assert_int_equal(tls_multi_status(c.m), TLS_STATUS_ERROR);
    assert_non_null(strstr(mock_all_msgs,
                           "TLS Error: TLS key negotiation failed to occur within "
                           "60 seconds (check your network connectivity)"));
    assert_non_null(strstr(mock_all_msgs, "TLS Error: TLS handshake failed"));
    side_free(&c);
}

/*
 * The server renegotiates and its client is gone for good: as 2.6, the
 * failed renegotiation does not end the session (the client's ping-restart
 * will); the old key still carries data, and a client coming back with a new
 * session gets in.
 */
static void
renegotiate__client_gone__server_keeps_old_key_and_takes_a_new_session(void **state)
{
    struct side c, s, c2;
    int64_t now = 1000;
    uint8_t id, raw[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_KIND_AUTH, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_AUTH, now);
    now = run(NULL, &c, &s, now, 20000, both_active);
    assert_true(both_active(&c, &s));
    mock_msg_reset();
    assert_true(tls_multi_renegotiate(s.m, now));
    for (int64_t end = now + 62000; now < end; now += 500)
    {
        while (tls_multi_outgoing(s.m, now, &out))
        {
            buf_reset(&out, 0); /* the client is not there */
        }
        tls_multi_tick(s.m, now);
        install_events(&s);
    }
    assert_non_null(strstr(mock_all_msgs, "TLS Error: TLS key negotiation failed to occur within "
                                          "60 seconds (check your network connectivity)"));
    assert_non_null(strstr(mock_all_msgs, "TLS Error: TLS handshake failed"));
    assert_non_null(strstr(mock_all_msgs,
                           "TLS: move_session: dest=TM_LAME_DUCK src=TM_ACTIVE reinit_src=1"));
    assert_int_equal(tls_multi_status(s.m), TLS_STATUS_ACTIVE);
    assert_true(tls_multi_tx_key(s.m, &id));
    assert_int_equal(id, 0);
    assert_data_flows(&s, &c);
    /* the same client, restarted: a new session on the same tls_multi */
    side_init(&c2, SSL_ROLE_CLIENT, TLS_WRAP_KIND_AUTH, now);
    now = run(NULL, &c2, &s, now, 20000, both_active);
    assert_true(both_active(&c2, &s));
    assert_data_flows(&c2, &s);
    side_free(&c2);
    side_free(&c);
    side_free(&s);
}

/* Inject garbage and replays into the server while the handshake runs. */
static void
garbage_and_replays__dropped_counted_handshake_completes(void **state)
{
    struct side c, s;
    int64_t now = 1000;
    uint8_t junk[100];
    (void) state;

    side_init(&s, SSL_ROLE_SERVER, TLS_WRAP_KIND_AUTH, now);
    side_init(&c, SSL_ROLE_CLIENT, TLS_WRAP_KIND_AUTH, now);
    send_all(NULL, &c, &s, now);
    assert_true(s.nq > 0);
    struct pkt first = s.q[0];

    deliver(NULL, &s, now);
    /* the same wire packet again: replay */
    assert_int_equal(tls_multi_incoming(s.m, first.data, first.len, now), TLS_IN_DROPPED_UNWRAP);
    /* truncations of a valid packet */
    for (size_t n = 0; n < first.len; n++)
    {
        assert_int_not_equal(tls_multi_incoming(s.m, first.data, n, now), TLS_IN_CONSUMED);
    }
    for (int i = 0; i < 50; i++)
    {
        for (size_t j = 0; j < sizeof(junk); j++)
        {
            junk[j] = (uint8_t) (i * 31 + j * 7);
        }
        junk[0] = (uint8_t) ((P_CONTROL_V1 << 3) | (i & 7));
        assert_int_not_equal(tls_multi_incoming(s.m, junk, sizeof(junk), now), TLS_IN_CONSUMED);
    }
    junk[0] = (P_DATA_V2 << 3);
    assert_int_equal(tls_multi_incoming(s.m, junk, sizeof(junk), now), TLS_IN_DROPPED_MALFORMED);
    assert_true(tls_multi_get_stats(s.m)->in_dropped[TLS_IN_DROPPED_UNWRAP] >= 51);
    now = run(NULL, &c, &s, now, 20000, both_active);
    if (!both_active(&c, &s))
    {
        for (int i = 0; i <= TLS_IN_DROPPED_DEAD; i++)
        {
            fprintf(stderr,
                    "drop[%d] c=%llu s=%llu\n",
                    i,
                    (unsigned long long) tls_multi_get_stats(c.m)->in_dropped[i],
                    (unsigned long long) tls_multi_get_stats(s.m)->in_dropped[i]);
        }
        fprintf(stderr, "%s\n", mock_all_msgs);
    }
    assert_true(both_active(&c, &s));
    assert_data_flows(&c, &s);
    side_free(&c);
    side_free(&s);
}

static void
client_reset_to_client__dropped_unexpected(void **state)
{
    struct side c1, c2;
    int64_t now = 1000;
    (void) state;

    side_init(&c1, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    side_init(&c2, SSL_ROLE_CLIENT, TLS_WRAP_NONE, now);
    send_all(NULL, &c1, &c2, now);
    assert_true(c2.nq > 0);
    assert_int_equal(tls_multi_incoming(c2.m, c2.q[0].data, c2.q[0].len, now),
                     TLS_IN_DROPPED_UNEXPECTED);
    c2.nq = 0;
    side_free(&c1);
    side_free(&c2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handshake__lossless_no_wrap__keys_agree),
        cmocka_unit_test(handshake__tls_auth__keys_agree),
        cmocka_unit_test(handshake__tls_crypt__keys_agree),
        cmocka_unit_test(handshake__loss_dup_reorder_seeded__keys_agree),
        cmocka_unit_test(renegotiate__either_side_key_ids_wrap_lame_duck_kept),
        cmocka_unit_test(renegotiate__both_sides_same_time__new_key_at_once),
        cmocka_unit_test(renegotiate__both_sides_with_loss_seeded__new_key_within_20s),
        cmocka_unit_test(reneg_sec__jitter_only_for_non_p2p_server),
        cmocka_unit_test(reneg_sec_pick__min_given__window_min_exclusive_to_max),
        cmocka_unit_test(reneg_sec_pick__no_min__server_mode_only_top_tenth),
        cmocka_unit_test(reneg_sec__min_given__p2p_client_draws_in_window),
        cmocka_unit_test(reneg_pkts__limit_reached__soft_reset_logged_as_2_6),
        cmocka_unit_test(reneg_bytes__unset_with_64bit_block_cipher__capped_at_64mb),
        cmocka_unit_test(server_mode__keys_only_after_authorize_and_params),
        cmocka_unit_test(server_mode__refused_client_gets_no_keys),
        cmocka_unit_test(server_mode__peer_renegotiates_before_our_last_ack__followed),
        cmocka_unit_test(lame_duck__expires_after_tran_window),
        cmocka_unit_test(hand_window__no_peer__error_logged),
        cmocka_unit_test(renegotiate__client_gone__server_keeps_old_key_and_takes_a_new_session),
        cmocka_unit_test(garbage_and_replays__dropped_counted_handshake_completes),
        cmocka_unit_test(client_reset_to_client__dropped_unexpected),
    };
    return cmocka_run_group_tests(tests, ssl_pair_setup, ssl_pair_teardown);
}
