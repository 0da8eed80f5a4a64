/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto.h -- one data-channel key context: encrypt and decrypt data
 * packets in the formats of doc/protocol.md §6.3 (AEAD), §6.4 (CBC + HMAC, OFB/CFB,
 * cipher none, auth none) and §6.5 (static-key mode, long packet id).
 *
 * A struct data_crypto holds both directions of one key: cipher and HMAC
 * contexts created once in data_crypto_init(), the packet-id counter for
 * sending and the replay window for receiving.  Encrypt and decrypt touch
 * disjoint parts of it, so the two directions may run on different
 * threads.  Per-packet calls never allocate.
 *
 * Tier 2: includes crypto_backend.h, packet_id.h, static_key.h and tier 0;
 * never OpenSSL headers and never the clock (times are parameters).
 */
#ifndef OVPN_CRYPTO_H
#define OVPN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"
#include "crypto_backend.h"
#include "error.h"
#include "packet_id.h"
#include "static_key.h"

struct crypto_config
{
    const char *cipher;  /**< OpenVPN name or "none" */
    const char *auth;    /**< digest name or "none"; ignored for AEAD */
    bool long_packet_id; /**< static-key mode: id||time inside the encrypted part */
    bool replay;         /**< false: --no-replay */
    int replay_window;   /**< --replay-window n (64) */
    int replay_time;     /**< --replay-window n t (15) */
    bool mute_replay_warnings; /**< --mute-replay-warnings: count replays silently */
};

enum crypto_status
{
    CRYPTO_OK,
    CRYPTO_ERR_SHORT,     /**< too short or badly sized for the format */
    CRYPTO_ERR_AUTH,      /**< HMAC or AEAD tag mismatch */
    CRYPTO_ERR_DECRYPT,   /**< bad padding / cipher failure */
    CRYPTO_ERR_REPLAY,    /**< packet id already seen or outside the window */
    CRYPTO_ERR_PACKET_ID, /**< packet id missing from the plaintext */
};

const char *crypto_status_str(enum crypto_status s);

struct data_crypto_dir
{
    struct crypto_cipher *cipher;              /**< NULL for cipher none */
    struct crypto_hmac *hmac;                  /**< NULL for auth none and AEAD */
    uint8_t implicit_iv[AEAD_IMPLICIT_IV_LEN]; /**< AEAD: hmac-slot bytes 0..7 (§6.3) */
};

struct data_crypto
{
    struct cipher_info cipher;
    char auth_name[64];
    size_t hmac_len; /**< 0 for auth none and AEAD */
    bool long_packet_id;
    bool replay;
    bool mute_replay_warnings;
    struct data_crypto_dir enc, dec;
    struct packet_id_send pid_send;
    struct packet_id_rec pid_rec;
    /** decrypt errors are peer-triggered: one limiter per kind, so a flood
     *  of one kind cannot hide another from the log */
    struct ratelimit err_rl[CRYPTO_ERR_PACKET_ID + 1];
    /* statistics the caller may read */
    uint64_t n_encrypted, n_decrypted;
    uint64_t n_auth_fail, n_replay, n_short;
};

/**
 * Create the contexts for @p send / @p recv (see static_key_select).  Logs
 * like 2.6 at verb 4: "Outgoing <what>: Cipher 'AES-256-CBC' initialized
 * with 256 bit key" and "... Using 256 bit message hash 'SHA256' for HMAC
 * authentication", where @p what is the whole label, e.g.
 * "Static Key Encryption" or "Data Channel".  On an unknown, unavailable
 * or disallowed cipher/digest: a clear message (BF-CBC mentions
 * --providers legacy default) and false; @p dc is then safe to free.
 */
bool data_crypto_init(struct data_crypto *dc,
                      const struct crypto_config *cfg,
                      const struct key *send,
                      const struct key *recv,
                      const char *what);

/** Free contexts and wipe key material; safe on a zeroed or failed dc. */
void data_crypto_free(struct data_crypto *dc);

/** Bytes of packet id each packet carries (0 with --no-replay, 4 or 8). */
size_t data_crypto_pid_len(const struct data_crypto *dc);

/** Largest number of bytes encrypt adds to a payload (excluding any opcode header). */
size_t data_crypto_max_overhead(const struct data_crypto *dc);

/**
 * Append the envelope for @p plain to @p out (HMAC|IV|E(pid[|time]|payload|pad),
 * or pid|TAG|ct for AEAD).  The caller has already written any opcode
 * header into @p out; @p ad_hdr/@p ad_hdr_len is the header to authenticate
 * for AEAD (P_DATA_V2: 4 bytes; V1 and static: none).  False, with @p out
 * unchanged, when the tailroom is short or the packet-id space is spent.
 */
bool data_crypto_encrypt(struct data_crypto *dc,
                         const struct buffer *plain,
                         struct buffer *out,
                         const uint8_t *ad_hdr,
                         size_t ad_hdr_len,
                         time_t now_wall);

/**
 * Verify (HMAC in constant time / AEAD tag) before decrypting, decrypt
 * into @p out (which receives the plaintext only, packet id stripped),
 * then replay-check and record the packet id only if all passed.  @p in
 * starts after the opcode header; @p out must be empty (its window moves
 * forward past the packet id).  Failures are counted and logged
 * rate-limited (D_CRYPT_ERRORS / D_REPLAY_ERRORS); @p out is then
 * unchanged.  @p pid_out (may be NULL) receives the packet id.
 */
enum crypto_status data_crypto_decrypt(struct data_crypto *dc,
                                       const struct buffer *in,
                                       struct buffer *out,
                                       const uint8_t *ad_hdr,
                                       size_t ad_hdr_len,
                                       time_t now_wall,
                                       time_t now_mono,
                                       uint32_t *pid_out);

#endif /* OVPN_CRYPTO_H */
