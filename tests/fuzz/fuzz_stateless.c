/* SPDX-License-Identifier: GPL-2.0-only */
// clang-format off
/*
 * fuzz_stateless.c -- libFuzzer harness for the first packet a UDP server
 * sees from an unknown address (peer input, before any state exists):
 * tls_stateless_process() without wrapping and with --tls-auth, and the
 * virtual-address parsers the server runs on every decrypted packet
 * (mroute_parse_ip, mroute_parse_eth) with lookups in a small table.
 *
 * FUZZ_SOURCES: ssl_stateless.c ssl_cookie.c tls_wrap.c ctl_pkt.c session_id.c crypto_openssl.c packet_id.c static_key.c mroute.c
 */
// clang-format on
#include "config.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto_backend.h"
#include "error.h"
#include "mroute.h"
#include "ssl_stateless.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tls_stateless *plain, *auth;
static struct mroute_table *routes;
static struct key2 key;
static int owner_a, owner_b;

static void
setup(void)
{
    struct tls_config cfg;

    error_set_verb(-1);
    crypto_init_library();
    memset(&key, 0x5a, sizeof(key));
    key.n = 2;
    memset(&cfg, 0, sizeof(cfg));
    cfg.role = SSL_ROLE_SERVER;
    cfg.wrap = TLS_WRAP_NONE;
    plain = tls_stateless_new(&cfg);
    cfg.wrap = TLS_WRAP_KIND_AUTH;
    cfg.wrap_key = &key;
    cfg.key_direction = 0;
    auth = tls_stateless_new(&cfg);
    routes = mroute_new(16);
    mroute_add_v4(routes, 0x0a080002, MROUTE_HOST, &owner_a, 1);
    mroute_add_v4(routes, 0x0a090300, 24, &owner_b, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(40000) };
    uint8_t raw[TLS_PACKET_MAX];
    struct buffer out = buf_storage(raw, sizeof(raw), 0);
    struct session_id cookie, csid;
    struct mroute_pkt ip;
    struct mroute_eth eth;

    if (!ready)
    {
        setup();
        ready = true;
    }
    sa.sin_addr.s_addr = htonl(0xcb00710b);
    tls_stateless_process(plain, data, size, &sa, sizeof(sa), 1700000000, &out, &cookie, &csid);
    buf_reset(&out, 0);
    tls_stateless_process(auth, data, size, &sa, sizeof(sa), 1700000000, &out, &cookie, &csid);
    if (mroute_parse_ip(data, size, &ip) && ip.family == AF_INET)
    {
        mroute_lookup_v4(routes, ip.src4, 0);
        mroute_lookup_v4(routes, ip.dst4, 0);
    }
    if (mroute_parse_eth(data, size, &eth))
    {
        mroute_lookup_mac(routes, eth.dst, 0);
    }
    return 0;
}
