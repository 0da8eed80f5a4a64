/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_keys.h -- data-channel key material for one TLS key state.
 *
 * Two ways to fill the 256-byte key2 block (doc/protocol.md §5.1):
 *   - the legacy OpenVPN PRF over the two key-method-2 messages and the
 *     session ids (§5.2), through crypto_tls1_prf();
 *   - the TLS keying-material exporter, label "EXPORTER-OpenVPN-datakeys"
 *     (§5.3), through the TLS backend.
 * plus the p2p peer-id export "EXPORTER-OpenVPN-p2p-peerid" (§7.5).
 *
 * Every intermediate secret lives on the stack of one function and is
 * wiped on every path out; on failure the output is wiped too.  Failures
 * are logged once here (D_TLS_ERRORS): they are local library problems,
 * not something a peer can trigger repeatedly.
 *
 * Tier 3c: uses the TLS seam (ssl_backend.h) and tiers 0-2; never tier 3o.
 */
#ifndef OVPN_SSL_KEYS_H
#define OVPN_SSL_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "key_msg.h"
#include "ssl_backend.h"
#include "static_key.h"
#include "wire.h"

#define SSL_KEYS_MASTER_LEN     48
#define EKM_LABEL_DATAKEYS      "EXPORTER-OpenVPN-datakeys"
#define EKM_LABEL_P2P_PEERID    "EXPORTER-OpenVPN-p2p-peerid"
#define EKM_LABEL_DYN_TLS_CRYPT "EXPORTER-OpenVPN-dynamic-tls-crypt"

/**
 * §5.2 first step: master = PRF(pre_master, "OpenVPN master secret" ||
 * client random1 || server random1).  Exposed for the test vector.
 */
bool ssl_keys_prf_master(const uint8_t pre_master[KM_PRE_MASTER_LEN],
                         const uint8_t client_random1[KM_RANDOM_LEN],
                         const uint8_t server_random1[KM_RANDOM_LEN],
                         uint8_t master[SSL_KEYS_MASTER_LEN]);

/**
 * §5.2: key2 from the client's and the server's key-method-2 messages and
 * the two session ids (each side's own sid: @p client_sid is the TLS
 * client's).  @p out->n = 2 on success; wiped on failure.
 */
bool ssl_keys_derive_prf(const struct key_msg *client_msg,
                         const struct key_msg *server_msg,
                         const uint8_t client_sid[SID_SIZE],
                         const uint8_t server_sid[SID_SIZE],
                         struct key2 *out);

/** §5.3: key2 from the TLS exporter of the established session @p s. */
bool ssl_keys_derive_ekm(struct ssl_session *s, struct key2 *out);

/**
 * §7.5: the p2p DATA_V2 peer-id, the 3 exported bytes read big-endian.
 * @return false (and *peer_id = PEER_ID_UNDEF) when the export fails.
 */
bool ssl_keys_p2p_peer_id(struct ssl_session *s, uint32_t *peer_id);

/**
 * §5.1 "Bad dynamic key": false when the first @p key_len cipher bytes of
 * either direction are all zero (key_len 0, as for cipher none, passes).
 */
bool ssl_keys_check(const struct key2 *k, size_t key_len);

#endif /* OVPN_SSL_KEYS_H */
