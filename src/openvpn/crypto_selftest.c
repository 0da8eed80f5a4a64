/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto_selftest.c -- --test-crypto (2.6's loopback self test): one
 * data_crypto context encrypts packets of every length from 1 to
 * SELFTEST_MAX_LEN and decrypts them again.  As in 2.6 the same key context
 * does both, so a key direction of 0 or 1 makes the test fail (the peer's
 * receive key is not our send key).
 *
 * Tier 2: crypto.h, static_key.h and the tier-0 clock (this is a top-level
 * mode of its own, so it reads the clock like 2.6's does).
 */
#include "config.h"

#include <string.h>

#include "crypto_backend.h"
#include "crypto_selftest.h"
#include "otime.h"

/* 2.6 with its default 1500-byte MTU tests up to this payload length. */
#define SELFTEST_MAX_LEN 1768
#define SELFTEST_BUF_LEN (SELFTEST_MAX_LEN + 256)

static bool
run_one(struct data_crypto *dc, size_t len, uint8_t *src, uint8_t *wire, uint8_t *dst)
{
    struct buffer plain = buf_view(src, len);
    struct buffer enc = buf_storage(wire, SELFTEST_BUF_LEN, 0);
    struct buffer dec = buf_storage(dst, SELFTEST_BUF_LEN, 0);
    enum crypto_status st;

    msg(M_INFO, "TESTING ENCRYPT/DECRYPT of packet length=%zu", len);
    if (!crypto_rand_bytes(src, len) ||
        !data_crypto_encrypt(dc, &plain, &enc, NULL, 0, otime_wall()))
    {
        msg(M_NONFATAL, "SELF TEST FAILED, encryption of src.len=%zu failed", len);
        return false;
    }
    st = data_crypto_decrypt(dc, &enc, &dec, NULL, 0, otime_wall(), otime_mono(), NULL);
    if (st != CRYPTO_OK || buf_len(&dec) != len || memcmp(buf_ptr(&dec), src, len) != 0)
    {
        msg(M_NONFATAL, "SELF TEST FAILED, src.len=%zu buf.len=%zu", len, buf_len(&dec));
        return false;
    }
    return true;
}

bool
crypto_selftest(const struct key2 *k, int direction, const struct crypto_config *cfg)
{
    static uint8_t src[SELFTEST_BUF_LEN], wire[SELFTEST_BUF_LEN], dst[SELFTEST_BUF_LEN];
    const struct key *send, *recv;
    struct data_crypto dc;
    bool ok = true;

    static_key_select(k, direction, &send, &recv);
    if (!data_crypto_init(&dc, cfg, send, recv, "Static Key Encryption"))
    {
        data_crypto_free(&dc);
        return false;
    }
    msg(M_INFO, "Entering OpenVPN crypto self-test mode.");
    for (size_t len = 1; ok && len <= SELFTEST_MAX_LEN; len++)
    {
        ok = run_one(&dc, len, src, wire, dst);
    }
    if (ok)
    {
        msg(M_INFO, "OpenVPN crypto self-test mode SUCCEEDED.");
    }
    data_crypto_free(&dc);
    secure_memzero(src, sizeof(src));
    return ok;
}
