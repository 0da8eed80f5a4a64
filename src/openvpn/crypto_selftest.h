/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto_selftest.h -- --test-crypto: 2.6's loopback self test.  Encrypts
 * and decrypts packets of every length from 1 to the largest a 1500-byte
 * MTU allows with the configured cipher/auth and key, and checks that the
 * plaintext comes back.
 *
 * Tier 2: uses crypto.h and static_key.h only.
 */
#ifndef OVPN_CRYPTO_SELFTEST_H
#define OVPN_CRYPTO_SELFTEST_H

#include <stdbool.h>

#include "crypto.h"
#include "static_key.h"

/**
 * Run the self test with @p k in @p direction (-1, 0, 1) and @p cfg.  Logs
 * "Entering OpenVPN crypto self-test mode." ... "OpenVPN crypto self-test
 * mode SUCCEEDED." like 2.6; true on success.  Reads the clock itself (it
 * is a top-level mode, like 2.6's).
 */
bool crypto_selftest(const struct key2 *k, int direction, const struct crypto_config *cfg);

#endif /* OVPN_CRYPTO_SELFTEST_H */
