/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto_backend.h -- the seam between OpenVPN's crypto and the crypto
 * library (OpenSSL 3, implemented in crypto_openssl.c, the only file that
 * includes <openssl/...>).
 *
 * Names are OpenVPN's spelling ("AES-256-CBC", "BF-CBC", "SHA256", "none"),
 * matched case-insensitively.  Contexts are opaque and created once per key
 * (start-up or key negotiation); the per-packet calls (start/update/finish)
 * never allocate.  Lookups that fail return false without logging: the
 * caller knows what the name was for and says so.
 *
 * Tier 2: includes libc and tier-0 headers only.
 */
#ifndef OVPN_CRYPTO_BACKEND_H
#define OVPN_CRYPTO_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_MAX_IV_LEN     16
#define CRYPTO_MAX_BLOCK_LEN  32 /* doc/protocol.md §6.4: larger blocks are refused */
#define CRYPTO_MAX_DIGEST_LEN 64

enum cipher_mode
{
    CIPHER_MODE_NONE, /* --cipher none */
    CIPHER_MODE_CBC,
    CIPHER_MODE_AEAD, /* GCM or CHACHA20-POLY1305, 16-byte tag */
    CIPHER_MODE_CFB,
    CIPHER_MODE_OFB,
    CIPHER_MODE_OTHER, /* e.g. CTR or ECB: usable by tls-crypt, not on the data channel */
};

struct cipher_info
{
    char name[64]; /**< OpenVPN's spelling, e.g. "AES-256-CBC", "BF-CBC", "none" */
    enum cipher_mode mode;
    size_t key_len, iv_len, block_size;
};

/** Once at start-up, before any other call. */
void crypto_init_library(void);

/** Load an OpenSSL provider (--providers legacy default ...); logs and returns false on failure. */
bool crypto_load_provider(const char *name);

/** Library version string, e.g. "OpenSSL 3.0.19 27 Jan 2026". */
const char *crypto_library_version(void);

/**
 * Describe cipher @p name (case-insensitive; "none" is a cipher).  False,
 * without logging, when unknown or not available (e.g. BF-CBC without the
 * legacy provider).
 */
bool crypto_cipher_info(const char *name, struct cipher_info *out);

/** True when @p name would be available after loading the legacy provider (for hints). */
bool crypto_cipher_needs_legacy(const char *name);

/** Digest output size in bytes: "none" -> 0, "SHA1" -> 20.  False when unknown. */
bool crypto_digest_size(const char *name, size_t *out);

/** OpenVPN's spelling of digest @p name ("sha256" -> "SHA256"); false when unknown. */
bool crypto_digest_name(const char *name, char *out, size_t outlen);

/** Cryptographically strong random bytes; false (logged) if the RNG failed. */
bool crypto_rand_bytes(uint8_t *out, size_t n);

/** --show-ciphers and --show-digests on stdout, in 2.6's layout. */
void crypto_print_ciphers(void);
void crypto_print_digests(void);

/**
 * TLS 1.0 PRF (RFC 2246 §5, P_MD5 xor P_SHA1), doc/protocol.md §5.2: the legacy
 * key-method-2 derivation.  False if the library refuses (e.g. FIPS).
 */
bool crypto_tls1_prf(const uint8_t *secret,
                     size_t slen,
                     const uint8_t *seed,
                     size_t seedlen,
                     uint8_t *out,
                     size_t olen);

/** One-shot digest of @p n bytes; @p out must hold the digest size. */
bool crypto_digest(const char *name, const void *in, size_t n, uint8_t *out, size_t *outlen);

/* --- cipher contexts ---------------------------------------------------- */

struct crypto_cipher; /* opaque: one key, one direction */

/**
 * A context for cipher @p name keyed with the first key_len bytes of
 * @p key (key_len from crypto_cipher_info).  NULL (no log) on failure.
 */
struct crypto_cipher *crypto_cipher_new(const char *name, const uint8_t *key, bool encrypt);

/** Free and wipe; NULL is fine. */
void crypto_cipher_free(struct crypto_cipher *c);

/** Key @p c anew (same cipher and direction) without allocating; false on failure. */
bool crypto_cipher_rekey(struct crypto_cipher *c, const uint8_t *key);

/**
 * Begin one message with @p iv (iv_len bytes; for AEAD the 12-byte nonce).
 * Then any number of aad/update calls, then finish.  For CBC, finish adds
 * (encrypt) or checks and removes (decrypt) PKCS#7 padding; for AEAD decrypt,
 * set_tag must precede finish and finish returns false when the tag is wrong.
 */
bool crypto_cipher_start(struct crypto_cipher *c, const uint8_t *iv);
bool crypto_cipher_aad(struct crypto_cipher *c, const uint8_t *ad, size_t n);
/** @p out needs room for n + block_size bytes; *outlen is what was written. */
bool crypto_cipher_update(struct crypto_cipher *c,
                          const uint8_t *in,
                          size_t n,
                          uint8_t *out,
                          size_t *outlen);
/** @p out needs room for block_size bytes. */
bool crypto_cipher_finish(struct crypto_cipher *c, uint8_t *out, size_t *outlen);
bool crypto_cipher_get_tag(struct crypto_cipher *c, uint8_t *tag, size_t n);
bool crypto_cipher_set_tag(struct crypto_cipher *c, const uint8_t *tag, size_t n);

/* --- HMAC contexts ------------------------------------------------------ */

struct crypto_hmac; /* opaque: one digest, one key */

/** HMAC with digest @p name keyed with @p key_len bytes; NULL (no log) on failure. */
struct crypto_hmac *crypto_hmac_new(const char *digest, const uint8_t *key, size_t key_len);
void crypto_hmac_free(struct crypto_hmac *h);
/** Key @p h anew with @p key_len bytes (same digest) without allocating. */
bool crypto_hmac_rekey(struct crypto_hmac *h, const uint8_t *key, size_t key_len);
size_t crypto_hmac_size(const struct crypto_hmac *h);

/** Start a new MAC with the same key, feed it, and write crypto_hmac_size() bytes. */
bool crypto_hmac_start(struct crypto_hmac *h);
bool crypto_hmac_update(struct crypto_hmac *h, const uint8_t *in, size_t n);
bool crypto_hmac_finish(struct crypto_hmac *h, uint8_t *out);

#endif /* OVPN_CRYPTO_BACKEND_H */
