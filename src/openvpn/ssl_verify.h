/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_verify.h -- the per-certificate checks 2.6 runs on the peer's chain
 * after the TLS library accepted it: --peer-fingerprint, --remote-cert-ku /
 * --remote-cert-eku (and --remote-cert-tls, which the options layer turns
 * into "any keyUsage" + an EKU), --verify-x509-name, --crl-verify DIR dir,
 * and the environment 2.6 exports to --tls-verify.
 *
 * ssl_verify_cert() has ssl_verify_fn's signature: put it in
 * struct ssl_config.verify_cb and a struct ssl_verify_state (one per TLS
 * session, passed to ssl_session_new()) in verify_arg.  It logs 2.6's
 * lines ("VERIFY KU ERROR", "VERIFY X509NAME ERROR: ..., must be ...",
 * "VERIFY CRL: depth=0, ..., serial=N is revoked", "TLS Error:
 * --tls-verify/--peer-fingerprint certificate hash verification failed.
 * ...").  "VERIFY OK: depth=N, subject" and library errors such as
 * "VERIFY ERROR: depth=0, error=certificate has expired: ..." are logged
 * by ssl_openssl.c.  --crl-verify FILE (no "dir") is loaded into the
 * library's store by ssl_openssl.c, not checked here.
 *
 * --tls-verify: this tier must not run programs (run_command.h is tier 3o),
 * so the script is a hook: cfg->script is called for every certificate,
 * deepest first, with the environment 2.6 exports for it, and its "false"
 * rejects the certificate ("VERIFY SCRIPT ERROR: depth=N, subject").  The
 * caller's hook runs "cmd DEPTH SUBJECT" with the env of the struct
 * ssl_verify_env it is given (it holds every depth seen so far):
 *   tls_id_N            subject in 2.6's one-line form
 *   tls_serial_N        serial in decimal
 *   tls_serial_hex_N    serial as colon-separated hex
 *   tls_digest_N        SHA1 of the certificate, "AB:CD:..."
 *   tls_digest_sha256_N SHA256 of the certificate, "AB:CD:..."
 *   X509_N_<field>      one per subject field ("X509_0_CN", "X509_0_O")
 *   common_name         depth 0 only: the CN
 * The same environment stays in the state after the handshake, for later
 * scripts (--client-connect, --up ...).
 *
 * Tier 3c: libc, tiers 0-2 and ssl_backend.h only; never tier 3o.
 * No allocation: everything lives in the caller's struct ssl_verify_state.
 */
#ifndef OVPN_SSL_VERIFY_H
#define OVPN_SSL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ssl_backend.h"

#define SSL_VERIFY_MAX_KU    16
#define SSL_VERIFY_KU_ANY    0xFFFFu /* keyUsage must exist; the library checked its value */
#define SSL_VERIFY_FP_LEN    32      /* SHA256 */
#define SSL_VERIFY_ENV_MAX   96
#define SSL_VERIFY_NAME_LEN  48
#define SSL_VERIFY_VALUE_LEN 256

/** --verify-x509-name NAME [TYPE]; values match enum verify_x509_type of options.h. */
enum ssl_x509_name_type
{
    SSL_X509_NAME_NONE = 0,
    SSL_X509_NAME_SUBJECT = 1,   /**< "subject": the whole one-line subject */
    SSL_X509_NAME_CN = 2,        /**< "name": the CN equals it */
    SSL_X509_NAME_CN_PREFIX = 3, /**< "name-prefix": the CN starts with it */
};

struct ssl_verify_env_entry
{
    char name[SSL_VERIFY_NAME_LEN];
    char value[SSL_VERIFY_VALUE_LEN];
};

/** name=value pairs to export to scripts (see the file comment). */
struct ssl_verify_env
{
    struct ssl_verify_env_entry e[SSL_VERIFY_ENV_MAX];
    size_t n;
};

/**
 * --tls-verify hook: run the script for the certificate at @p depth with
 * @p subject; @p env holds the variables to export.  Return true when the
 * script exited 0.
 */
typedef bool ssl_verify_script_fn(void *arg,
                                  int depth,
                                  const char *subject,
                                  const struct ssl_verify_env *env);

/**
 * A --plugin TLS_VERIFY hook: like the script hook, plus the certificate
 * (the backend's, handed to the plugin as is).  Runs before the script.
 * @p session_arg is the session's ssl_verify_state.plugin_session.
 */
typedef bool ssl_verify_plugin_fn(void *arg,
                                  void *session_arg,
                                  int depth,
                                  const char *subject,
                                  const struct ssl_verify_env *env,
                                  const struct ssl_cert *cert);

/** What to check.  Pointers are borrowed and must outlive every state using this config. */
struct ssl_verify_config
{
    enum ssl_x509_name_type x509_type;
    const char *x509_name;

    /** --remote-cert-ku values (or SSL_VERIFY_KU_ANY); n_ku == 0: no check. */
    unsigned int ku[SSL_VERIFY_MAX_KU];
    size_t n_ku;
    const char *eku; /**< --remote-cert-eku (name or OID); NULL: no check */

    /** --peer-fingerprint: SHA256 digests of acceptable peer certificates. */
    const uint8_t (*fingerprints)[SSL_VERIFY_FP_LEN];
    size_t n_fingerprints;
    /**
     * No --ca/--capath/--pkcs12: the chain is not checked against a CA
     * (ssl_openssl.c lets it through), so the leaf MUST match a fingerprint.
     */
    bool fingerprint_only;

    const char *crl_dir; /**< --crl-verify DIR dir: a file named by the serial = revoked */

    ssl_verify_script_fn *script; /**< --tls-verify hook; NULL: none */
    void *script_arg;
    ssl_verify_plugin_fn *plugin; /**< TLS_VERIFY plugins; NULL: none */
    void *plugin_arg;
};

/** Per TLS session: the config, what has been learnt, the env for scripts. */
struct ssl_verify_state
{
    const struct ssl_verify_config *cfg;
    struct ssl_verify_env env;
    char common_name[SSL_VERIFY_VALUE_LEN]; /**< of the depth-0 certificate */
    void *plugin_session; /**< set by the owner after init: the plugin hook's session_arg */
    bool leaf_ok;                           /**< depth 0 passed every check */
};

/** Reset @p st to check against @p cfg (call before each handshake). */
void ssl_verify_state_init(struct ssl_verify_state *st, const struct ssl_verify_config *cfg);

/**
 * ssl_verify_fn for ssl_config.verify_cb: @p arg is a struct
 * ssl_verify_state.  Runs every configured check for @p cert at @p depth,
 * records its environment, logs the reason and returns false on failure.
 */
bool ssl_verify_cert(void *arg, const struct ssl_cert *cert, int depth);

/** Value of @p name in @p env, or NULL. */
const char *ssl_verify_env_get(const struct ssl_verify_env *env, const char *name);

#endif /* OVPN_SSL_VERIFY_H */
