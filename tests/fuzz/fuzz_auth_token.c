/* SPDX-License-Identifier: GPL-2.0-only */
// clang-format off
/*
 * fuzz_auth_token.c -- libFuzzer harness for the password a client sends
 * to a server with --auth-gen-token (peer input): auth_token_check() with
 * a fixed key, once as it comes and once behind the token prefix, so that
 * the base64 decoder, the HMAC for the username and for the empty
 * username and the time checks all see arbitrary bytes.
 *
 * FUZZ_SOURCES: ssl_auth_token.c crypto_openssl.c
 */
// clang-format on
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto_backend.h"
#include "error.h"
#include "ssl_auth_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct auth_token_key key;
    static bool ready;
    char pass[512];
    uint8_t sid[AUTH_TOKEN_SESSION_ID_LEN];
    uint64_t initial;
    size_t n = size;

    if (!ready)
    {
        error_set_verb(-1);
        crypto_init_library();
        memset(&key, 0x42, sizeof(key));
        ready = true;
    }
    if (size >= sizeof(pass) - sizeof(AUTH_TOKEN_PREFIX))
    {
        return 0;
    }
    memcpy(pass, data, n);
    pass[n] = '\0';
    auth_token_check(&key, "alice", pass, 1700000000, 3600, 3600, sid, &initial);
    memcpy(pass, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX));
    memcpy(pass + strlen(AUTH_TOKEN_PREFIX), data, n);
    pass[strlen(AUTH_TOKEN_PREFIX) + n] = '\0';
    auth_token_check(&key, "alice", pass, 1700000000, 0, 0, sid, &initial);
    return 0;
}
