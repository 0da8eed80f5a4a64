/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls_crypt_v2.h -- tls-crypt-v2 (doc/protocol.md §2.5): the server key and client
 * key files (PEM with base64 bodies), wrapping a client key Kc and its
 * metadata into WKc with the server key (--genkey tls-crypt-v2-client) and
 * unwrapping it again on the server, and the contexts each side uses for
 * its control packets.
 *
 *   server key file   "OpenVPN tls-crypt-v2 server key" = cipher[64] || hmac[64]
 *   client key file   "OpenVPN tls-crypt-v2 client key" = Kc[256] || WKc
 *   WKc               T[32] || AES-256-CTR(Ke, IV=T[0:16], Kc || metadata) || u16 L
 *                     T = HMAC-SHA256(Ka, L || Kc || metadata), L = len(WKc)
 *
 * Readers log "FILE:LINE: what" (M_NONFATAL) like static_key.c and return
 * false with the output wiped; the options layer turns that into exit 1.
 * Unwrapping a WKc from the network logs nothing (the peer's doing): the
 * caller logs rate-limited.  All key material lives in caller-owned structs
 * or in contexts that wipe it when freed.
 *
 * Tier 2: includes tls_wrap.h, static_key.h, crypto_backend.h and tiers
 * 0-1.  Must not include OpenSSL, ssl*.h or tiers 3 and up; reads no clock.
 */
#ifndef OVPN_TLS_CRYPT_V2_H
#define OVPN_TLS_CRYPT_V2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"
#include "static_key.h"
#include "tls_wrap.h"

#define TLS_CRYPT_V2_SERVER_KEY_LEN 128       /* one struct key */
#define TLS_CRYPT_V2_CLIENT_KEY_LEN KEY2_SIZE /* Kc: a two-key tls-crypt key */
#define TLS_CRYPT_V2_LEN_LEN        2         /* the trailing u16 L */
#define TLS_CRYPT_V2_MIN_WKC_LEN \
    (TLS_CRYPT_TAG_LEN + TLS_CRYPT_V2_CLIENT_KEY_LEN + TLS_CRYPT_V2_LEN_LEN) /* 290 */
/* 734: metadata including its type byte */
#define TLS_CRYPT_V2_MAX_METADATA_LEN (TLS_CRYPT_V2_MAX_WKC_LEN - TLS_CRYPT_V2_MIN_WKC_LEN)

#define TLS_CRYPT_V2_METADATA_TYPE_USER      0x00 /* user data given as base64 at --genkey */
#define TLS_CRYPT_V2_METADATA_TYPE_TIMESTAMP 0x01 /* u64 Unix time of key generation */

/* §2.5: a 2.6 client's first replay id is 0x0f000001; the server tests the top byte */
#define TLS_CRYPT_V2_EARLY_NEG_START 0x0f000000u
#define TLS_CRYPT_V2_EARLY_NEG_MASK  0xff000000u

/** What a client reads from its key file. */
struct tls_crypt_v2_client_key
{
    struct key2 kc; /**< n = 2 */
    uint8_t wkc[TLS_CRYPT_V2_MAX_WKC_LEN];
    size_t wkc_len;
};

/** The server's unwrap state: contexts for Ks, created once per process. */
struct tls_crypt_v2_server;

/* --- key files ----------------------------------------------------------- */

/** Read a server key file / inline text (origin:line as in static_key_read_text). */
bool tls_crypt_v2_read_server_key_file(const char *path, struct key *out);
bool tls_crypt_v2_read_server_key_text(const char *text,
                                       const char *origin,
                                       int origin_line,
                                       struct key *out);

/** Read a client key file / inline text: Kc and a WKc whose trailing length matches. */
bool tls_crypt_v2_read_client_key_file(const char *path, struct tls_crypt_v2_client_key *out);
bool tls_crypt_v2_read_client_key_text(const char *text,
                                       const char *origin,
                                       int origin_line,
                                       struct tls_crypt_v2_client_key *out);

/**
 * --genkey tls-crypt-v2-server FILE: a fresh random 128-byte key, written
 * with mode 0600 (@p path NULL, "" or "-": stdout).  False (logged) on error.
 */
bool tls_crypt_v2_genkey_server(const char *path);

/**
 * --genkey tls-crypt-v2-client FILE [B64]: a fresh Kc wrapped with
 * @p server_key.  Metadata is type 0 + the decoded @p b64_metadata (at most
 * 733 bytes) when given, else type 1 + @p now_wall as u64.  The result is
 * read back and unwrapped before returning, as a sanity check.  False
 * (logged: "ERROR: failed to base64 decode provided metadata", "ERROR:
 * metadata too long ...") on error.
 */
bool tls_crypt_v2_genkey_client(const char *path,
                                const struct key *server_key,
                                const char *b64_metadata,
                                time_t now_wall);

/* --- WKc ----------------------------------------------------------------- */

/** Contexts for server key @p ks; NULL (logged) if the backend lacks AES-256-CTR/SHA256. */
struct tls_crypt_v2_server *tls_crypt_v2_server_new(const struct key *ks);
void tls_crypt_v2_server_free(struct tls_crypt_v2_server *srv);

/**
 * Wrap client key @p kc and @p metadata (type byte first, 1..734 bytes)
 * into @p wkc (room for TLS_CRYPT_V2_MAX_WKC_LEN); *@p wkc_len is its length.
 */
bool tls_crypt_v2_wrap_client_key(struct tls_crypt_v2_server *srv,
                                  const struct key2 *kc,
                                  const uint8_t *metadata,
                                  size_t metadata_len,
                                  uint8_t *wkc,
                                  size_t *wkc_len);

/**
 * Unwrap @p wkc (exactly one WKc: its last 2 bytes must equal @p len) into
 * @p kc and @p metadata (room for TLS_CRYPT_V2_MAX_METADATA_LEN).  Tag
 * checked in constant time.  On failure the outputs are wiped and the
 * result says why (SHORT, WKC for bad length or tag); nothing is logged.
 */
enum tls_wrap_result tls_crypt_v2_unwrap_client_key(struct tls_crypt_v2_server *srv,
                                                    const uint8_t *wkc,
                                                    size_t len,
                                                    struct key2 *kc,
                                                    uint8_t *metadata,
                                                    size_t *metadata_len);

/**
 * Split a P_CONTROL_HARD_RESET_CLIENT_V3 / P_CONTROL_WKC_V1 wire packet
 * into its tls-crypt part @p pkt and the trailing WKc @p wkc (views into
 * @p wire), using the length in the last 2 bytes.  False if it does not fit.
 */
bool tls_crypt_v2_split(const struct buffer *wire, struct buffer *pkt, struct buffer *wkc);

/**
 * Server side, first packet of a session: take the WKc from @p wire (V3 or
 * WKC_V1), unwrap it, and return a tls-crypt server context for Kc that
 * also strips WKc from later V3/WKC_V1 packets.  The metadata goes to
 * @p metadata (room for TLS_CRYPT_V2_MAX_METADATA_LEN).  NULL on failure
 * with *@p result saying why; nothing logged.  The caller then unwraps
 * @p wire with the new context.
 */
struct tls_wrap_ctx *tls_crypt_v2_server_ctx_new(struct tls_crypt_v2_server *srv,
                                                 const struct buffer *wire,
                                                 int replay_window,
                                                 int replay_time,
                                                 uint8_t *metadata,
                                                 size_t *metadata_len,
                                                 enum tls_wrap_result *result);

/**
 * A tls-crypt-v2 server context that holds no client key yet, for checking
 * first packets without keeping per-client state (§2.7):
 * tls_crypt_v2_server_ctx_load() keys it from each packet in turn.  NULL
 * (logged) on failure.
 */
struct tls_wrap_ctx *tls_crypt_v2_server_ctx_blank(void);

/**
 * Unwrap the WKc of @p wire (V3 or WKC_V1) as tls_crypt_v2_server_ctx_new()
 * does, but key the existing context @p ctx (from _blank()) with Kc instead
 * of allocating one; its send counter restarts (tls_wrap_rekey_crypt()).
 * Nothing logged.  After a failure @p ctx holds no usable key until a
 * later load succeeds.
 */
enum tls_wrap_result tls_crypt_v2_server_ctx_load(struct tls_crypt_v2_server *srv,
                                                  struct tls_wrap_ctx *ctx,
                                                  const struct buffer *wire,
                                                  uint8_t *metadata,
                                                  size_t *metadata_len);

/**
 * Client side: a tls-crypt client context for @p ck that appends WKc to
 * V3 resets and WKC_V1 packets and starts its replay ids at 0x0f000001
 * (the early-negotiation marker).  NULL (logged) on failure.
 */
struct tls_wrap_ctx *tls_crypt_v2_client_ctx_new(const struct tls_crypt_v2_client_key *ck,
                                                 int replay_window,
                                                 int replay_time);

/** True if a V3 reset's replay id announces early negotiation (§2.5). */
bool tls_crypt_v2_is_early_neg_id(uint32_t replay_id);

#endif /* OVPN_TLS_CRYPT_V2_H */
