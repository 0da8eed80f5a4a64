/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl_pair.h -- a TLS client and server (struct side: a tls_multi with
 * its config and data-channel keys) joined by an in-memory channel that can
 * lose, duplicate and reorder packets (seeded), for the control-channel
 * tests (test_ssl.c, test_ssl_stateless.c).  The certificates, the shared
 * tls-auth/tls-crypt key and a tls-crypt-v2 server key with one client key
 * are made once per test group (ssl_pair_setup).
 */
#ifndef TEST_SSL_PAIR_H
#define TEST_SSL_PAIR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "crypto.h"
#include "ssl.h"
#include "tls_crypt_v2.h"

#define QMAX  64
#define WALL0 ((time_t) 1700000000) /* Unix time the test's sides start */

struct pkt
{
    size_t len;
    uint8_t data[TLS_PACKET_MAX];
};

struct side
{
    struct ssl_ctx *ctx;
    struct tls_multi *m;
    struct tls_config cfg;
    char peer_info[512];
    struct data_crypto dc[8];
    bool have[8];
    struct pkt q[QMAX]; /* packets on their way TO this side */
    size_t nq;
    bool want_v2, want_ekm; /* what KEY_NEW must say (p2p: both) */
    int auth_events;        /* TLS_EVENT_AUTH seen */
    uint8_t auth_key_id;
    bool auto_authorize; /* answer TLS_EVENT_AUTH with "ok" at once */
    bool deaf;           /* every packet to this side is lost */
    int only_key;        /* >= 0: packets to this side for another key_id are lost */
};

struct net
{
    unsigned int seed;
    int loss_pct, dup_pct;
    bool reorder;
};

/** The tls-crypt-v2 keys of the group: the server's and one client's. */
extern struct tls_crypt_v2_server *pair_v2_server;
extern struct tls_crypt_v2_client_key pair_v2_client;

int ssl_pair_setup(void **state);
int ssl_pair_teardown(void **state);

/**
 * A p2p side with @p wrap; TLS_WRAP_KIND_CRYPT_V2C / _V2S use the group's
 * tls-crypt-v2 keys.  Its tls_multi starts at @p now (wall time WALL0).
 */
void side_init(struct side *s, enum ssl_role role, enum tls_wrap_kind wrap, int64_t now);
void side_free(struct side *s);
/** Take the side's key events: install new data keys, count AUTH, free retired keys. */
void install_events(struct side *s);
void enqueue(struct net *n, struct side *to, const uint8_t *p, size_t len);
/** Feed every queued packet to the side. */
void deliver(struct net *n, struct side *s, int64_t now);
/** Queue everything @p from has to send at @p to. */
void send_all(struct net *n, struct side *from, struct side *to, int64_t now);
/** Run both sides for up to @p ms (100 ms steps) or until @p until returns true. */
int64_t run(struct net *n,
            struct side *c,
            struct side *s,
            int64_t now,
            int64_t ms,
            bool (*until)(struct side *, struct side *));
bool both_active(struct side *c, struct side *s);
/** Data encrypted by @p a with its tx key decrypts at @p b. */
void assert_data_flows(struct side *a, struct side *b);
/** An IPv4 socket address for the stateless-start tests. */
struct sockaddr_in test_addr(const char *ip, uint16_t port);

#endif
