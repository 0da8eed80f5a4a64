/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_decrypt.c -- libFuzzer harness for data_crypto_decrypt: the first
 * input byte picks a cipher/auth/mode combination, the rest is the packet.
 * With fixed keys most inputs fail authentication; with auth none they
 * reach the decryption, padding and packet-id code.  Links crypto.c,
 * crypto_openssl.c, packet_id.c, static_key.c and tier 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct crypto_config configs[] = {
    { "AES-256-CBC", "SHA256", true, true, 64, 15 },
    { "AES-256-CBC", "none", true, true, 64, 15 },
    { "AES-128-CBC", "none", false, true, 0, 15 },
    { "AES-256-GCM", "none", false, true, 64, 15 },
    { "CHACHA20-POLY1305", "none", false, true, 64, 15 },
    { "AES-256-CFB", "none", false, true, 64, 15 },
    { "none", "none", true, true, 64, 15 },
    { "none", "SHA1", false, false, 64, 15 },
};

static struct data_crypto ctx[sizeof(configs) / sizeof(configs[0])];
static bool ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[4096];
    struct key k;
    size_t which;

    if (!ready)
    {
        memset(&k, 0x5a, sizeof(k));
        crypto_init_library();
        for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
        {
            if (!data_crypto_init(&ctx[i], &configs[i], &k, &k, "fuzz"))
            {
                return 0;
            }
        }
        ready = true;
    }
    if (size < 1 || size > 2048)
    {
        return 0;
    }
    which = data[0] % (sizeof(configs) / sizeof(configs[0]));
    struct buffer in = buf_view((uint8_t *) data + 1, size - 1);
    struct buffer dst = buf_storage(out, sizeof(out), 0);
    static const uint8_t hdr[4] = { 0x48, 0, 0, 0 };
    uint32_t pid;
    enum crypto_status st =
      data_crypto_decrypt(&ctx[which], &in, &dst, hdr, 4, 1700000000, 1, &pid);
    if (st == CRYPTO_OK && buf_len(&dst) > buf_len(&in))
    {
        __builtin_trap(); /* plaintext can never be longer than the packet */
    }
    return 0;
}
