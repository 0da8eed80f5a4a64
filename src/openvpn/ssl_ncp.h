/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_ncp.h -- data-cipher negotiation (doc/protocol.md §7.3, §7.5): the
 * --data-ciphers list (normalisation, '?' optional entries, lookup), the
 * server-side choice of client/server mode as a pure function, and the
 * deterministic P2P negotiation both peers of a --tls-client/--tls-server
 * link run on each other's peer-info.
 *
 * Lists are colon-separated cipher names.  A normalised list uses
 * OpenVPN's spelling for every entry ("aes-256-gcm" -> "AES-256-GCM"),
 * contains only ciphers the crypto library has, has no duplicates and no
 * '?' markers.  Everything here is a pure function of its arguments: no
 * state, no allocation, no clock.  ncp_list_normalise() logs (it handles
 * local configuration); the negotiation functions never do, so that the
 * caller can log with the peer's name.
 *
 * Tier 3c: includes key_msg.h (peer-info lookup), crypto_backend.h
 * (cipher availability) and tiers 0-1.  Must not include ssl_backend.h,
 * options.h or OS headers.
 */
#ifndef OVPN_SSL_NCP_H
#define OVPN_SSL_NCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2.6: the normalised list must stay below 127 characters */
#define NCP_LIST_MAX 128

/* Default --data-ciphers (CHACHA20-POLY1305 dropped when unavailable) */
#define NCP_DEFAULT_CIPHERS "AES-256-GCM:AES-128-GCM:?CHACHA20-POLY1305"

/* p2p DATA_V2 peer-id without EKM, §7.5 */
#define NCP_P2P_PEER_ID_NO_EKM 0x76706eu

/**
 * Normalise a --data-ciphers list @p in into @p out (NCP_LIST_MAX bytes).
 * Entries are matched case-insensitively; an unknown or unavailable entry
 * marked with a leading '?' is skipped (logged at verb 3), without '?' it
 * is an error.  "none" is accepted (with a warning, as 2.6).  Duplicates
 * are dropped.
 *
 * @return false, with a reason logged (M_WARN; the options layer adds
 *         FILE:LINE and exits), when an entry is unusable, the list ends
 *         up empty, or the result does not fit.
 */
bool ncp_list_normalise(const char *in, char *out, size_t outlen);

/** True if cipher @p name is an entry of @p list (case-insensitive). */
bool ncp_list_contains(const char *list, const char *name);

/**
 * The first entry of @p ours (in its order) that is also in @p theirs;
 * copied to @p out.  False if none (out is "").
 */
bool ncp_list_first_common(const char *ours, const char *theirs, char *out, size_t outlen);

/** Outcome of ncp_server_choose(). */
enum ncp_choice
{
    NCP_CHOICE_NEGOTIATED, /**< a cipher of our list the client supports */
    NCP_CHOICE_FALLBACK,   /**< client gave no cipher info: --data-ciphers-fallback */
    NCP_CHOICE_FAILED,     /**< "no shared cipher": AUTH_FAILED (§8.4) */
};

/**
 * §7.3 server side: walk @p server_list and take the first cipher in the
 * client's IV_CIPHERS (from @p peer_info), or in "AES-256-GCM:AES-128-GCM"
 * for a client that only sent IV_NCP>=2, or equal to @p peer_occ_cipher
 * (the `cipher` item of its OCC string; ignored when IV_CIPHERS is present).
 * With no cipher information at all, @p fallback (may be NULL) is used.
 */
enum ncp_choice ncp_server_choose(const char *server_list,
                                  const char *peer_info,
                                  const char *peer_occ_cipher,
                                  const char *fallback,
                                  char *out,
                                  size_t outlen);

/** Result of the P2P negotiation, §7.5. */
struct ncp_p2p_result
{
    bool negotiated;    /**< peer announced NCP_P2P (bit 5) */
    bool data_v2;       /**< peer has bit 1: P_DATA_V2 */
    bool ekm;           /**< peer has bit 3: TLS exporter for keys (and peer-id) */
    bool cc_exit;       /**< peer has bit 7 and we announced it */
    bool cipher_common; /**< cipher came from both lists (not the fallback) */
    char cipher[64];    /**< the data cipher; "" if none usable */
};

/**
 * §7.5: the deterministic P2P negotiation on the peer's @p peer_info.
 * @p tls_server says whose list orders the choice (the TLS server's).
 * @p own_list is our normalised --data-ciphers, @p fallback our --cipher
 * when the user set it (else NULL), @p own_iv_proto what we announced.
 * Without bit 5 from the peer: no negotiation, cipher = @p fallback.
 *
 * @return false when no cipher is usable (no common one and no fallback):
 *         the handshake must fail.
 */
bool ncp_p2p_negotiate(bool tls_server,
                       const char *own_list,
                       const char *fallback,
                       unsigned int own_iv_proto,
                       const char *peer_info,
                       struct ncp_p2p_result *out);

/**
 * The line 2.6 logs, into @p out: "P2P mode NCP negotiation result:
 * TLS_export=1, DATA_v2=1, peer-id 10470634, cipher=AES-256-GCM"; when no
 * common cipher was found the cipher reads "(not negotiated, fallback-cipher: X)".
 */
void ncp_p2p_format_result(const struct ncp_p2p_result *r,
                           uint32_t peer_id,
                           char *out,
                           size_t outlen);

#endif /* OVPN_SSL_NCP_H */
