/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_backend.h -- the TLS seam: contexts built from configuration, one
 * memory-BIO session per key state, peer certificate access, the RFC 5705
 * exporter.  Implemented by ssl_openssl.c, the only file that includes
 * <openssl/ssl.h>, <openssl/x509*.h> or <openssl/pem.h>.
 *
 * The control channel turns buffers into buffers: a session never touches
 * a socket or reads the clock.  Ciphertext from the peer goes in with
 * ssl_session_put_ciphertext(); ciphertext for the peer comes out of
 * ssl_session_get_ciphertext(); plaintext goes through ssl_session_write()
 * and ssl_session_read().  Any of these may advance the handshake.
 *
 * Error policy: ssl_ctx_new() reports a bad local configuration as one line
 * naming the directive's FILE:LINE (M_WARN, the caller decides to exit);
 * session calls never log peer-caused failures themselves, they return
 * SSL_IO_ERROR and leave the text in ssl_session_error() for the caller to
 * log (rate-limited).  The one exception is certificate verification,
 * which logs "VERIFY OK"/"VERIFY ERROR" lines like 2.6 does, once per
 * handshake.
 *
 * Memory: contexts and sessions are allocated here and freed by the
 * matching *_free(); free functions accept NULL.
 *
 * Tier 3c: includes libc and tiers 0-2 only; never tier 3o.
 */
#ifndef OVPN_SSL_BACKEND_H
#define OVPN_SSL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- configuration -------------------------------------------------------- */

enum ssl_role
{
    SSL_ROLE_CLIENT, /**< --tls-client / --client */
    SSL_ROLE_SERVER, /**< --tls-server / --server */
};

/** --verify-client-cert (server only); 2.6 default is require. */
enum ssl_verify_client
{
    SSL_VERIFY_CLIENT_REQUIRE,
    SSL_VERIFY_CLIENT_OPTIONAL,
    SSL_VERIFY_CLIENT_NONE,
};

/** TLS protocol versions as used by --tls-version-min/max. */
enum ssl_tls_version
{
    SSL_TLS_VERSION_UNSET = 0,
    SSL_TLS_VERSION_1_0 = 10,
    SSL_TLS_VERSION_1_1 = 11,
    SSL_TLS_VERSION_1_2 = 12,
    SSL_TLS_VERSION_1_3 = 13,
};

/**
 * One configured directive: its argument and where it was written.  A
 * value of NULL means "not configured".  For file options, @c is_inline
 * says that @c value is the text of an inline <block> rather than a path.
 */
struct ssl_opt
{
    const char *value;
    bool is_inline;
    const char *file; /**< config file of the directive ("[CMD-LINE]" for argv) */
    int line;         /**< its line (argv index on the command line) */
};

struct ssl_cert; /* opaque: one certificate in the peer's chain */

/**
 * Called for every certificate of the peer's chain (depth = position, 0 =
 * the peer itself, highest first) after the library accepted it.  Return
 * false to reject the handshake; the callback logs why.  This is where
 * ssl_verify.c hooks --verify-x509-name, --remote-cert-tls, CRLs and
 * --tls-verify.
 */
typedef bool ssl_verify_fn(void *arg, const struct ssl_cert *cert, int depth);

struct ssl_config
{
    enum ssl_role role;

    struct ssl_opt ca;               /**< --ca FILE or <ca> */
    struct ssl_opt capath;           /**< --capath DIR */
    struct ssl_opt cert;             /**< --cert FILE or <cert> */
    struct ssl_opt key;              /**< --key FILE or <key> (unencrypted PEM) */
    struct ssl_opt pkcs12;           /**< --pkcs12 FILE or <pkcs12> (base64 text when inline) */
    struct ssl_opt extra_certs;      /**< --extra-certs FILE or <extra-certs> */
    struct ssl_opt dh;               /**< --dh FILE, <dh>, or "none" (ECDHE only) */
    struct ssl_opt ecdh_curve;       /**< --ecdh-curve NAME (adds a group, like 2.6) */
    struct ssl_opt tls_groups;       /**< --tls-groups colon:list */
    struct ssl_opt tls_cipher;       /**< --tls-cipher (TLS <= 1.2 cipher list) */
    struct ssl_opt tls_ciphersuites; /**< --tls-ciphersuites (TLS 1.3) */
    struct ssl_opt tls_cert_profile; /**< --tls-cert-profile; NULL = "legacy" as in 2.6 */

    /** --tls-version-min: "1.0" .. "1.3", optionally followed by " or-highest". */
    struct ssl_opt tls_version_min;
    /** --tls-version-max: "1.0" .. "1.3". */
    struct ssl_opt tls_version_max;

    enum ssl_verify_client verify_client_cert; /**< server only */

    ssl_verify_fn *verify_cb; /**< NULL: chain validation only */
    void *verify_arg;         /**< passed to verify_cb */

    /** --crl-verify FILE or <crl-verify> (PEM CRLs checked for the whole chain);
     *  the "dir" form is ssl_verify.c's job and is not passed here. */
    struct ssl_opt crl_file;
};

/* --- contexts ------------------------------------------------------------- */

struct ssl_ctx; /* opaque: one per configuration (start-up, SIGHUP) */

/** Once at start-up, before any other call (idempotent). */
void ssl_library_init(void);

/**
 * Build a TLS context from @p cfg with 2.6's fixed settings: no session
 * tickets or cache, no TLS compression, no renegotiation, server cipher
 * preference, default minimum version TLS 1.2.  Certificates and keys are
 * loaded and checked for consistency now, so every mistake is reported at
 * start-up.
 *
 * @return the context, or NULL after logging one line naming the offending
 *         directive as "FILE:LINE: --option: why" (M_WARN).
 */
struct ssl_ctx *ssl_ctx_new(const struct ssl_config *cfg);

/** Free a context; sessions made from it must be freed first.  NULL is fine. */
void ssl_ctx_free(struct ssl_ctx *ctx);

/**
 * Parse a --tls-version-min/max argument ("1.2", "1.3 or-highest").
 * @return false for anything else; @p or_highest may be NULL for max.
 */
bool ssl_tls_version_parse(const char *arg, enum ssl_tls_version *out, bool *or_highest);

/**
 * --show-tls: print the TLS 1.3 and the TLS <= 1.2 suites that
 * --tls-ciphersuites, --tls-cipher and --tls-cert-profile of @p cfg allow
 * (the other fields are unused), in 2.6's layout, on stdout.
 */
void ssl_print_tls_ciphers(const struct ssl_config *cfg);

/** --show-engines: what 2.6 built on OpenSSL 3 prints (engines are gone). */
void ssl_print_engines(void);

/** Highest TLS version this build can negotiate. */
enum ssl_tls_version ssl_tls_version_max_supported(void);

/* --- sessions ------------------------------------------------------------- */

struct ssl_session; /* opaque: one TLS connection over memory BIOs */

enum ssl_io
{
    SSL_IO_OK,     /**< the call did what it was asked */
    SSL_IO_WANT,   /**< nothing to do yet: feed more ciphertext or try later */
    SSL_IO_CLOSED, /**< the peer sent close_notify */
    SSL_IO_ERROR,  /**< the session is dead; see ssl_session_error() */
};

/**
 * A new session in @p ctx's role.  @p verify_arg overrides the context's
 * cfg->verify_arg for this session (NULL: keep the context's).
 * @return NULL only on allocation failure (logged).
 */
struct ssl_session *ssl_session_new(struct ssl_ctx *ctx, void *verify_arg);

/** Free the session and wipe its buffers.  NULL is fine. */
void ssl_session_free(struct ssl_session *s);

/**
 * Hand the library @p n bytes of ciphertext received from the peer (the
 * payload of in-order CONTROL_V1 messages).  Never blocks; the bytes are
 * consumed by the next read/handshake call.
 * @return false only if the library refused the bytes (memory).
 */
bool ssl_session_put_ciphertext(struct ssl_session *s, const uint8_t *data, size_t n);

/** Bytes of ciphertext waiting to be sent to the peer. */
size_t ssl_session_pending_ciphertext(const struct ssl_session *s);

/**
 * Take up to @p max bytes of ciphertext for the peer.
 * @return SSL_IO_OK with *outlen > 0, or SSL_IO_WANT when there is none.
 */
enum ssl_io ssl_session_get_ciphertext(struct ssl_session *s,
                                       uint8_t *out,
                                       size_t max,
                                       size_t *outlen);

/**
 * Advance the handshake as far as the ciphertext received so far allows.
 * A client calls this once to produce its ClientHello.
 * @return SSL_IO_OK when the handshake is complete, SSL_IO_WANT when more
 *         input is needed, SSL_IO_ERROR when it failed.
 */
enum ssl_io ssl_session_handshake(struct ssl_session *s);

/** True once the handshake completed successfully. */
bool ssl_session_established(const struct ssl_session *s);

/**
 * Send @p n bytes of plaintext as one TLS record (n <= 16384).  Drives the
 * handshake first if needed.
 * @return SSL_IO_OK when all bytes were taken, SSL_IO_WANT while the
 *         handshake is still running (nothing taken), SSL_IO_ERROR.
 */
enum ssl_io ssl_session_write(struct ssl_session *s, const uint8_t *data, size_t n);

/**
 * Read plaintext from the peer: at most one TLS record's worth, up to @p max.
 * @return SSL_IO_OK with *outlen > 0; SSL_IO_WANT when no plaintext is
 *         available; SSL_IO_CLOSED; SSL_IO_ERROR.
 */
enum ssl_io ssl_session_read(struct ssl_session *s, uint8_t *out, size_t max, size_t *outlen);

/** Text of the last failure ("" if none): library reason or verify error. */
const char *ssl_session_error(const struct ssl_session *s);

/**
 * RFC 5705 exporter, without a context value (doc/protocol.md §5.3: OpenSSL
 * use_context = 0).  False before the handshake completed or on failure;
 * @p out is wiped on failure.
 */
bool ssl_session_export(struct ssl_session *s, const char *label, uint8_t *out, size_t n);

/** Negotiated protocol, e.g. "TLSv1.3"; "" before the handshake. */
const char *ssl_session_version(const struct ssl_session *s);

/** Negotiated cipher, e.g. "TLS_AES_256_GCM_SHA384"; "" before the handshake. */
const char *ssl_session_cipher(const struct ssl_session *s);

/**
 * The text 2.6 logs after "Control Channel: " at S_ACTIVE, e.g.
 * "TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048
 * bits RSA, signature: RSA-SHA256, peer temporary key: 253 bits X25519".
 */
void ssl_session_describe(const struct ssl_session *s, char *out, size_t outlen);

/** The peer's own certificate (depth 0) after the handshake; NULL if none. */
const struct ssl_cert *ssl_session_peer_cert(const struct ssl_session *s);

/* --- certificate accessors (valid during verify_cb, or while the session lives) --- */

/** Subject in 2.6's one-line form: "C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server". */
bool ssl_cert_subject(const struct ssl_cert *c, char *out, size_t outlen);

/**
 * Value of the subject field @p field, by short or long name ("CN",
 * "emailAddress", "OU"...).  With several, the last one (like 2.6's
 * --x509-username-field).  False when absent or it does not fit.
 */
bool ssl_cert_subject_field(const struct ssl_cert *c, const char *field, char *out, size_t outlen);

/** Serial number in decimal (2.6's tls_serial_N). */
bool ssl_cert_serial_dec(const struct ssl_cert *c, char *out, size_t outlen);

/** Serial number as colon-separated lower-case hex bytes (tls_serial_hex_N). */
bool ssl_cert_serial_hex(const struct ssl_cert *c, char *out, size_t outlen);

/** Digest of the DER certificate with @p md ("SHA1", "SHA256"); *outlen = size. */
bool ssl_cert_digest(const struct ssl_cert *c,
                     const char *md,
                     uint8_t *out,
                     size_t outsize,
                     size_t *outlen);

/* X.509 keyUsage bits in RFC 5280 order, as --remote-cert-ku compares them. */
#define SSL_KU_DIGITAL_SIGNATURE 0x0080u
#define SSL_KU_NON_REPUDIATION   0x0040u
#define SSL_KU_KEY_ENCIPHERMENT  0x0020u
#define SSL_KU_DATA_ENCIPHERMENT 0x0010u
#define SSL_KU_KEY_AGREEMENT     0x0008u
#define SSL_KU_KEY_CERT_SIGN     0x0004u
#define SSL_KU_CRL_SIGN          0x0002u

/**
 * keyUsage as one number in 2.6's encoding (first byte << 8 | second, so
 * digitalSignature = 0x80, keyAgreement = 0x08).
 * @return false when the certificate has no keyUsage extension.
 */
bool ssl_cert_key_usage(const struct ssl_cert *c, unsigned int *ku);

/**
 * True if the extendedKeyUsage extension lists @p eku, given as a long
 * name ("TLS Web Server Authentication"), short name ("serverAuth") or
 * dotted OID ("1.3.6.1.5.5.7.3.1").
 */
bool ssl_cert_has_eku(const struct ssl_cert *c, const char *eku);

/** The library's own object for @p c (OpenSSL: its X509), as --plugin TLS_VERIFY hands it on. */
void *ssl_cert_library_object(const struct ssl_cert *c);

/** PEM text of the certificate (for --tls-verify's peer_cert file). */
bool ssl_cert_pem(const struct ssl_cert *c, char *out, size_t outlen);

#endif /* OVPN_SSL_BACKEND_H */
