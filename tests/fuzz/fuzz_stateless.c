/* SPDX-License-Identifier: GPL-2.0-only */
// clang-format off
/*
 * fuzz_stateless.c -- libFuzzer harness for the first packet a UDP server
 * sees from an unknown address (peer input, before any state exists):
 * tls_stateless_process() without wrapping, with --tls-auth and with
 * --tls-crypt-v2 (the WKc is checked before anything else), and the
 * virtual-address parsers the server runs on every decrypted packet
 * (mroute_parse_ip, mroute_parse_eth) with lookups in a small table.
 *
 * Forged bytes rarely get past the WKc and the tls-crypt tag, so the input
 * is also used as the plaintext of a control packet that a real
 * tls-crypt-v2 client wraps (valid tag, valid WKc, the opcode from the first
 * byte): that reaches the header, TLV, marker and cookie checks.
 *
 * FUZZ_SOURCES: ssl_stateless.c ssl_cookie.c tls_wrap.c tls_crypt_v2.c ctl_pkt.c session_id.c crypto_openssl.c packet_id.c static_key.c mroute.c
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
#include "tls_crypt_v2.h"
#include "tls_wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tls_stateless *plain, *auth, *v2, *v2_forced;
static struct tls_crypt_v2_server *v2_srv;
static struct tls_crypt_v2_client_key v2_cli;
static struct tls_wrap_ctx *v2_client_wrap;
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

    struct key ks;
    static const uint8_t md[] = { 0x01, 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00 };

    memset(&ks, 0x3c, sizeof(ks));
    v2_srv = tls_crypt_v2_server_new(&ks);
    memset(&v2_cli.kc, 0xa7, sizeof(v2_cli.kc));
    v2_cli.kc.n = 2;
    tls_crypt_v2_wrap_client_key(v2_srv, &v2_cli.kc, md, sizeof(md), v2_cli.wkc, &v2_cli.wkc_len);
    v2_client_wrap = tls_crypt_v2_client_ctx_new(&v2_cli, 64, 15);
    cfg.wrap = TLS_WRAP_KIND_CRYPT_V2S;
    cfg.v2_server = v2_srv;
    v2 = tls_stateless_new(&cfg);
    cfg.v2_force_cookie = true;
    v2_forced = tls_stateless_new(&cfg);
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
    buf_reset(&out, 0);
    tls_stateless_process(v2, data, size, &sa, sizeof(sa), 1700000000, &out, &cookie, &csid);
    if (size >= 1 + SID_SIZE && size <= 1024)
    {
        /* the input as the plaintext a genuine tls-crypt-v2 client wraps */
        uint8_t wrapped[TLS_PACKET_MAX];
        uint8_t pt[1024];
        struct buffer in = buf_storage(pt, sizeof(pt), 0);
        struct buffer w = buf_storage(wrapped, sizeof(wrapped), 0);

        buf_write_bytes(&in, data, size);
        pt[0] = (uint8_t) ((data[0] & 1 ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_WKC_V1)
                           << P_OPCODE_SHIFT);
        /* the marker or not, from the second byte */
        tls_wrap_set_last_send_id(v2_client_wrap, data[1] & 1 ? 0x0f000000u : 0);
        if (tls_wrap_wrap(v2_client_wrap, &in, &w, 1700000000))
        {
            buf_reset(&out, 0);
            tls_stateless_process(
              v2, buf_ptr(&w), buf_len(&w), &sa, sizeof(sa), 1700000000, &out, &cookie, &csid);
            buf_reset(&out, 0);
            tls_stateless_process(v2_forced,
                                  buf_ptr(&w),
                                  buf_len(&w),
                                  &sa,
                                  sizeof(sa),
                                  1700000000,
                                  &out,
                                  &cookie,
                                  &csid);
        }
    }
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
