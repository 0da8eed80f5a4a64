/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * static_key.h -- "OpenVPN Static key V1" files (doc/protocol.md §5.4): read them
 * (from a file or an inline <secret>/<tls-auth>/<tls-crypt> block) with
 * FILE:LINE errors, write them (--genkey secret), generate random ones,
 * and pick the send/receive halves for a key direction.
 *
 * The 256-byte key block is key2 = keys[0] || keys[1], each key being
 * cipher[64] || hmac[64] (§5.1).  Key material lives in caller-owned
 * structs; wipe them with secure_memzero when done.
 *
 * Tier 2: may include crypto_backend.h (for random bytes) and tiers 0-1.
 */
#ifndef OVPN_STATIC_KEY_H
#define OVPN_STATIC_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

struct key
{
    uint8_t cipher[MAX_CIPHER_KEY_LENGTH];
    uint8_t hmac[MAX_HMAC_KEY_LENGTH];
};

struct key2
{
    int n; /**< keys read: 2 normally; 1 for a 128-byte file (bidirectional only) */
    struct key keys[2];
};

/**
 * Read a key file.  On error logs "FILE:LINE: what" (M_NONFATAL) and
 * returns false with @p out wiped.
 */
bool static_key_read_file(const char *path, struct key2 *out);

/**
 * Parse key-file text.  @p origin / @p origin_line name the place the text
 * came from (the config file and the line of an inline block; line 1 for a
 * file) so errors say "origin:line:".
 */
bool static_key_read_text(const char *text, const char *origin, int origin_line, struct key2 *out);

/** Write @p k in the standard layout to @p path (NULL or "-": stdout), mode 0600. */
bool static_key_write_file(const char *path, const struct key2 *k);

/**
 * Write the key text @p text to @p path (NULL, "" or "-": stdout), created
 * with mode 0600; errors logged with 2.6's "Cannot ... key file" lines.
 * Also the writer of the tls-crypt-v2 key files.
 */
bool key_file_write_text(const char *path, const char *text, size_t len);

/** Fill @p out with fresh random keys (n = 2). */
bool static_key_generate(struct key2 *out);

/**
 * doc/protocol.md §5.4 table: direction -1 (none) sends and receives with
 * keys[0]; 0 sends keys[0] and receives keys[1]; 1 the opposite.
 */
void static_key_select(const struct key2 *k,
                       int direction,
                       const struct key **send,
                       const struct key **recv);

#endif /* OVPN_STATIC_KEY_H */
