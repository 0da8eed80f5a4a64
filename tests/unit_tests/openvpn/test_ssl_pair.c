/* SPDX-License-Identifier: GPL-2.0-only */
/* test_ssl_pair.c -- see test_ssl_pair.h. */
#include "config.h"

#include "test_common.h"

#include "crypto_backend.h"
#include "key_msg.h"
#include "ssl_backend.h"
#include "static_key.h"
#include "test_certs.h"
#include "test_ssl_pair.h"

#include <arpa/inet.h>

struct tls_crypt_v2_server *pair_v2_server;
struct tls_crypt_v2_client_key pair_v2_client;

static struct pki_entity ca, srv_ent, cli_ent;
static struct key2 shared_key;

/* A random tls-crypt-v2 server key and one client key wrapped with it (§2.5). */
static void
pair_v2_make_keys(void)
{
    static const uint8_t metadata[] = {
        TLS_CRYPT_V2_METADATA_TYPE_TIMESTAMP, 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00
    };
    struct key ks;

    assert_true(crypto_rand_bytes((uint8_t *) &ks, sizeof(ks)));
    pair_v2_server = tls_crypt_v2_server_new(&ks);
    assert_non_null(pair_v2_server);
    pair_v2_client.kc.n = 2;
    assert_true(
      crypto_rand_bytes((uint8_t *) pair_v2_client.kc.keys, sizeof(pair_v2_client.kc.keys)));
    assert_true(tls_crypt_v2_wrap_client_key(pair_v2_server,
                                             &pair_v2_client.kc,
                                             metadata,
                                             sizeof(metadata),
                                             pair_v2_client.wkc,
                                             &pair_v2_client.wkc_len));
    secure_memzero(&ks, sizeof(ks));
}

int
ssl_pair_setup(void **state)
{
    const long day = 86400;
    (void) state;

    crypto_init_library();
    ssl_library_init();
    make_entity(&ca, "Test CA", NULL, 1, -day, 30 * day, NULL);
    make_entity(&srv_ent, "Test-Server", &ca, 2, -day, 30 * day, "serverAuth");
    make_entity(&cli_ent, "Test-Client", &ca, 3, -day, 30 * day, "clientAuth");
    assert_true(static_key_generate(&shared_key));
    pair_v2_make_keys();
    return 0;
}

int
ssl_pair_teardown(void **state)
{
    (void) state;
    free_entity(&ca);
    free_entity(&srv_ent);
    free_entity(&cli_ent);
    tls_crypt_v2_server_free(pair_v2_server);
    pair_v2_server = NULL;
    return 0;
}

void
side_init(struct side *s, enum ssl_role role, enum tls_wrap_kind wrap, int64_t now)
{
    const struct pki_entity *me = role == SSL_ROLE_SERVER ? &srv_ent : &cli_ent;
    struct ssl_config c = { .role = role };
    struct peer_info_config pi = { .ciphers = "AES-256-GCM:AES-128-GCM",
                                   .iv_proto = tls_p2p_iv_proto(false) };

    memset(s, 0, sizeof(*s));
    s->only_key = -1;
    c.ca = (struct ssl_opt){ .value = ca.cert_pem, .is_inline = true, .file = "t", .line = 1 };
    c.cert = (struct ssl_opt){ .value = me->cert_pem, .is_inline = true, .file = "t", .line = 2 };
    c.key = (struct ssl_opt){ .value = me->key_pem, .is_inline = true, .file = "t", .line = 3 };
    if (role == SSL_ROLE_SERVER)
    {
        c.dh = (struct ssl_opt){ .value = "none", .file = "t", .line = 4 };
    }
    s->ctx = ssl_ctx_new(&c);
    assert_non_null(s->ctx);
    assert_true(key_msg_peer_info_build(&pi, s->peer_info, sizeof(s->peer_info)));
    s->cfg = (struct tls_config){
        .role = role,
        .ssl_ctx = s->ctx,
        .wrap = wrap,
        .wrap_key = &shared_key,
        .v2_client = &pair_v2_client,
        .v2_server = pair_v2_server,
        .key_direction = role == SSL_ROLE_SERVER ? 0 : 1,
        .hand_window_s = 60,
        .data_ciphers = "AES-256-GCM:AES-128-GCM",
        .p2p = true,
        .peer_info = s->peer_info,
        .local_options =
          role == SSL_ROLE_SERVER ? "V4,dev-type tun,tls-server" : "V4,dev-type tun,tls-client",
    };
    s->want_v2 = s->want_ekm = true;
    s->m = tls_multi_new(&s->cfg, now, WALL0);
    assert_non_null(s->m);
}

void
side_free(struct side *s)
{
    for (int i = 0; i < 8; i++)
    {
        if (s->have[i])
        {
            data_crypto_free(&s->dc[i]);
        }
    }
    tls_multi_free(s->m);
    ssl_ctx_free(s->ctx);
}

void
install_events(struct side *s)
{
    struct tls_event ev;

    while (tls_multi_take_key_event(s->m, &ev))
    {
        uint8_t id = ev.key.key_id;

        if (ev.type == TLS_EVENT_KEY_NEW)
        {
            const struct key *snd, *rcv;
            struct crypto_config cc = { .cipher = ev.key.cipher,
                                        .auth = ev.key.auth,
                                        .replay = true,
                                        .replay_window = 64,
                                        .replay_time = 15 };

            assert_true(ev.key.data_v2 == s->want_v2);
            assert_true(ev.key.ekm == s->want_ekm);
            assert_false(s->have[id]);
            tls_data_key_select(&ev.key, &snd, &rcv);
            assert_true(data_crypto_init(&s->dc[id], &cc, snd, rcv, "Data Channel"));
            s->have[id] = true;
        }
        else if (ev.type == TLS_EVENT_AUTH)
        {
            s->auth_events++;
            s->auth_key_id = id;
            if (s->auto_authorize)
            {
                tls_multi_key_authorize(s->m, id, true);
            }
        }
        else if (ev.type == TLS_EVENT_KEY_RETIRED)
        {
            assert_true(s->have[id]);
            data_crypto_free(&s->dc[id]);
            s->have[id] = false;
        }
        secure_memzero(&ev, sizeof(ev));
    }
}

void
enqueue(struct net *n, struct side *to, const uint8_t *p, size_t len)
{
    int copies = 1;

    if (to->deaf || (to->only_key >= 0 && len > 0 && (p[0] & 7) != to->only_key))
    {
        return;
    }
    if (n && (int) (rand_r(&n->seed) % 100) < n->loss_pct)
    {
        return;
    }
    if (n && (int) (rand_r(&n->seed) % 100) < n->dup_pct)
    {
        copies = 2;
    }
    for (int i = 0; i < copies && to->nq < QMAX; i++)
    {
        to->q[to->nq].len = len;
        memcpy(to->q[to->nq].data, p, len);
        to->nq++;
    }
}

void
deliver(struct net *n, struct side *s, int64_t now)
{
    while (s->nq > 0)
    {
        size_t i = (n && n->reorder) ? rand_r(&n->seed) % s->nq : 0;
        struct pkt *p = &s->q[i];
        uint8_t copy[TLS_PACKET_MAX];
        size_t len = p->len;

        memcpy(copy, p->data, len);
        memmove(&s->q[i], &s->q[i + 1], (s->nq - i - 1) * sizeof(s->q[0]));
        s->nq--;
        tls_multi_incoming(s->m, copy, len, now);
    }
}

void
send_all(struct net *n, struct side *from, struct side *to, int64_t now)
{
    uint8_t raw[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);

    while (tls_multi_outgoing(from->m, now, &out))
    {
        enqueue(n, to, buf_ptr(&out), buf_len(&out));
        buf_reset(&out, 0);
    }
}

/* Run both sides for up to @p ms (100 ms steps) or until @p until returns true. */
int64_t
run(struct net *n,
    struct side *c,
    struct side *s,
    int64_t now,
    int64_t ms,
    bool (*until)(struct side *, struct side *))
{
    for (int64_t end = now + ms; now < end; now += 100)
    {
        for (int k = 0; k < 4; k++)
        {
            send_all(n, c, s, now);
            send_all(n, s, c, now);
            deliver(n, s, now);
            deliver(n, c, now);
        }
        tls_multi_tick(c->m, now);
        tls_multi_tick(s->m, now);
        install_events(c);
        install_events(s);
        if (until && until(c, s))
        {
            break;
        }
    }
    return now;
}

bool
both_active(struct side *c, struct side *s)
{
    return tls_multi_status(c->m) == TLS_STATUS_ACTIVE &&
           tls_multi_status(s->m) == TLS_STATUS_ACTIVE;
}

/* Data encrypted by @p a with its tx key decrypts at @p b. */
void
assert_data_flows(struct side *a, struct side *b)
{
    uint8_t id, pbuf[64] = "hello through the tunnel", cbuf[256], dbuf[256];
    struct buffer plain = buf_view(pbuf, 24);
    struct buffer ct = buf_storage(cbuf, sizeof(cbuf), 0);
    struct buffer pt = buf_storage(dbuf, sizeof(dbuf), 0);

    assert_true(tls_multi_tx_key(a->m, &id));
    assert_true(a->have[id]);
    assert_true(b->have[id]);
    assert_true(tls_multi_rx_key_ok(b->m, id));
    assert_true(data_crypto_encrypt(&a->dc[id], &plain, &ct, NULL, 0, 1700000000));
    assert_int_equal(data_crypto_decrypt(&b->dc[id], &ct, &pt, NULL, 0, 1700000000, 1, NULL),
                     CRYPTO_OK);
    assert_memory_equal(buf_ptr(&pt), pbuf, 24);
}
struct sockaddr_in
test_addr(const char *ip, uint16_t port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
    return a;
}
