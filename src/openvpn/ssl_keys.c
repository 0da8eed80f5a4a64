/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_keys.c -- data-channel key2 from the OpenVPN PRF (doc/protocol.md §5.2) or
 * the TLS exporter (§5.3), and the p2p peer-id export (§7.5).
 *
 * Tier 3c: crypto_backend.h for the PRF, ssl_backend.h for the exporter;
 * never tier 3o.  Secrets are wiped on every path out, including errors.
 */
#include "config.h"

#include <string.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"
#include "ssl_keys.h"

/* §5.2: the labels are ASCII without NUL and without a trailing space. */
static const char master_label[] = "OpenVPN master secret";
static const char expansion_label[] = "OpenVPN key expansion";

#define LABEL_LEN(l) (sizeof(l) - 1)

bool
ssl_keys_prf_master(const uint8_t pre_master[KM_PRE_MASTER_LEN],
                    const uint8_t client_random1[KM_RANDOM_LEN],
                    const uint8_t server_random1[KM_RANDOM_LEN],
                    uint8_t master[SSL_KEYS_MASTER_LEN])
{
    uint8_t seed[LABEL_LEN(master_label) + 2 * KM_RANDOM_LEN];
    uint8_t *p = seed;
    bool ok;

    memcpy(p, master_label, LABEL_LEN(master_label));
    p += LABEL_LEN(master_label);
    memcpy(p, client_random1, KM_RANDOM_LEN);
    p += KM_RANDOM_LEN;
    memcpy(p, server_random1, KM_RANDOM_LEN);

    ok = crypto_tls1_prf(
      pre_master, KM_PRE_MASTER_LEN, seed, sizeof(seed), master, SSL_KEYS_MASTER_LEN);
    if (!ok)
    {
        secure_memzero(master, SSL_KEYS_MASTER_LEN);
    }
    secure_memzero(seed, sizeof(seed));
    return ok;
}

/* Split the 256 derived bytes into keys[0] and keys[1] (§5.1 layout). */
static void
fill_key2(struct key2 *out, const uint8_t block[KEY2_SIZE])
{
    const uint8_t *p = block;

    CLEAR(*out);
    for (int i = 0; i < 2; i++)
    {
        memcpy(out->keys[i].cipher, p, MAX_CIPHER_KEY_LENGTH);
        p += MAX_CIPHER_KEY_LENGTH;
        memcpy(out->keys[i].hmac, p, MAX_HMAC_KEY_LENGTH);
        p += MAX_HMAC_KEY_LENGTH;
    }
    out->n = 2;
}

bool
ssl_keys_derive_prf(const struct key_msg *client_msg,
                    const struct key_msg *server_msg,
                    const uint8_t client_sid[SID_SIZE],
                    const uint8_t server_sid[SID_SIZE],
                    struct key2 *out)
{
    uint8_t master[SSL_KEYS_MASTER_LEN];
    uint8_t seed[LABEL_LEN(expansion_label) + 2 * KM_RANDOM_LEN + 2 * SID_SIZE];
    uint8_t block[KEY2_SIZE];
    uint8_t *p = seed;
    bool ok = false;

    secure_memzero(out, sizeof(*out));
    if (!ssl_keys_prf_master(
          client_msg->pre_master, client_msg->random1, server_msg->random1, master))
    {
        msg(D_TLS_ERRORS,
            "TLS Error: PRF derivation of the master secret failed "
            "(is the TLS 1.0 PRF available in this crypto library?)");
        goto out;
    }

    /* The spec draft omits the session ids; 2.6 appends them (§5.2). */
    memcpy(p, expansion_label, LABEL_LEN(expansion_label));
    p += LABEL_LEN(expansion_label);
    memcpy(p, client_msg->random2, KM_RANDOM_LEN);
    p += KM_RANDOM_LEN;
    memcpy(p, server_msg->random2, KM_RANDOM_LEN);
    p += KM_RANDOM_LEN;
    memcpy(p, client_sid, SID_SIZE);
    p += SID_SIZE;
    memcpy(p, server_sid, SID_SIZE);

    if (!crypto_tls1_prf(master, sizeof(master), seed, sizeof(seed), block, sizeof(block)))
    {
        msg(D_TLS_ERRORS, "TLS Error: PRF key expansion failed");
        goto out;
    }
    fill_key2(out, block);
    ok = true;

out:
    secure_memzero(master, sizeof(master));
    secure_memzero(seed, sizeof(seed));
    secure_memzero(block, sizeof(block));
    return ok;
}

bool
ssl_keys_derive_ekm(struct ssl_session *s, struct key2 *out)
{
    uint8_t block[KEY2_SIZE];
    bool ok = false;

    secure_memzero(out, sizeof(*out));
    if (!ssl_session_export(s, EKM_LABEL_DATAKEYS, block, sizeof(block)))
    {
        msg(D_TLS_ERRORS,
            "TLS Error: Keying material export (%s) failed: %s",
            EKM_LABEL_DATAKEYS,
            ssl_session_error(s));
        goto out;
    }
    fill_key2(out, block);
    ok = true;

out:
    secure_memzero(block, sizeof(block));
    return ok;
}

bool
ssl_keys_p2p_peer_id(struct ssl_session *s, uint32_t *peer_id)
{
    uint8_t id[3];

    *peer_id = PEER_ID_UNDEF;
    if (!ssl_session_export(s, EKM_LABEL_P2P_PEERID, id, sizeof(id)))
    {
        msg(D_TLS_ERRORS,
            "TLS Error: Keying material export (%s) failed: %s",
            EKM_LABEL_P2P_PEERID,
            ssl_session_error(s));
        return false;
    }
    *peer_id = load_be24(id);
    secure_memzero(id, sizeof(id));
    return true;
}

bool
ssl_keys_check(const struct key2 *k, size_t key_len)
{
    if (key_len == 0)
    {
        return true;
    }
    if (key_len > MAX_CIPHER_KEY_LENGTH)
    {
        return false;
    }
    for (int i = 0; i < 2; i++)
    {
        if (mem_all_zero(k->keys[i].cipher, key_len))
        {
            return false;
        }
    }
    return true;
}
