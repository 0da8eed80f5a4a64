/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_tls_wrap.c -- libFuzzer harness for every parser of peer input in
 * tls_wrap.c / tls_crypt_v2.c: tls-auth and tls-crypt unwrap, tls-crypt-v2
 * WKc split and unwrap (server side), and the PEM key-file readers.
 * The first input byte picks the target; the rest is the packet or text.
 *
 * FUZZ_SOURCES: tls_wrap.c tls_crypt_v2.c static_key.c packet_id.c crypto_openssl.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_backend.h"
#include "tls_crypt_v2.h"
#include "tls_wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct targets
{
    struct tls_wrap_ctx *auth;
    struct tls_wrap_ctx *crypt;
    struct tls_crypt_v2_server *v2;
};

/* Deterministic keys: the fuzzer cannot forge tags, but every length and
 * early-exit path before the tag check is reached. */
static struct targets *
targets(void)
{
    static struct targets t;
    static int ready;

    if (!ready)
    {
        struct key2 k = { .n = 2 };
        struct key ks;

        crypto_init_library();
        for (size_t i = 0; i < sizeof(k.keys); i++)
        {
            ((uint8_t *) k.keys)[i] = (uint8_t) (i * 7 + 1);
        }
        memcpy(&ks, &k.keys[1], sizeof(ks));
        t.auth = tls_wrap_new_auth(&k, 0, "SHA256", 64, 15);
        t.crypt = tls_wrap_new_crypt(&k, true, 64, 15);
        t.v2 = tls_crypt_v2_server_new(&ks);
        if (!t.auth || !t.crypt || !t.v2)
        {
            abort();
        }
        ready = 1;
    }
    return &t;
}

static void
fuzz_unwrap(struct tls_wrap_ctx *ctx, uint8_t *pkt, size_t n)
{
    uint8_t out[2048];
    struct buffer in = buf_view(pkt, n);
    struct buffer o = buf_storage(out, sizeof(out), 0);
    enum tls_wrap_result r = tls_wrap_unwrap(ctx, &in, &o, 0, 1);

    /* success would mean a forged tag; failure must leave the output empty */
    if (r == TLS_WRAP_OK || buf_len(&o) != 0)
    {
        abort();
    }
}

static void
fuzz_v2(struct tls_crypt_v2_server *srv, uint8_t *pkt, size_t n)
{
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t md_len = 0;
    enum tls_wrap_result r;
    struct buffer in = buf_view(pkt, n);
    struct tls_wrap_ctx *ctx = tls_crypt_v2_server_ctx_new(srv, &in, 64, 15, md, &md_len, &r);

    if (ctx || md_len != 0)
    {
        abort();
    }
}

static void
fuzz_pem(const uint8_t *data, size_t n, bool client)
{
    char *text = malloc(n + 1);
    struct tls_crypt_v2_client_key *ck = malloc(sizeof(*ck));
    struct key ks;

    if (text && ck)
    {
        memcpy(text, data, n);
        text[n] = '\0';
        if (client && tls_crypt_v2_read_client_key_text(text, "fuzz", 1, ck) &&
            (ck->wkc_len < TLS_CRYPT_V2_MIN_WKC_LEN || ck->wkc_len > TLS_CRYPT_V2_MAX_WKC_LEN))
        {
            abort();
        }
        if (!client)
        {
            (void) tls_crypt_v2_read_server_key_text(text, "fuzz", 1, &ks);
        }
    }
    free(text);
    free(ck);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct targets *t = targets();
    uint8_t *pkt;

    if (size < 1)
    {
        return 0;
    }
    /* exact-size heap copy so AddressSanitizer sees any over-read */
    pkt = malloc(size - 1 ? size - 1 : 1);
    if (!pkt)
    {
        return 0;
    }
    memcpy(pkt, data + 1, size - 1);
    switch (data[0] % 5)
    {
        case 0:
            fuzz_unwrap(t->auth, pkt, size - 1);
            break;
        case 1:
            fuzz_unwrap(t->crypt, pkt, size - 1);
            break;
        case 2:
            fuzz_v2(t->v2, pkt, size - 1);
            break;
        default:
            fuzz_pem(data + 1, size - 1, data[0] % 5 == 3);
            break;
    }
    free(pkt);
    return 0;
}
