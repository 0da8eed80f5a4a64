/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_verify.c -- 2.6's checks on each certificate of the peer's chain,
 * and the --tls-verify environment.  See ssl_verify.h.
 *
 * Tier 3c.  Reads certificates only through ssl_backend.h accessors; never
 * includes OpenSSL headers or tier 3o (scripts run through a caller hook).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "ssl_verify.h"
#include "strutil.h"

/* ---------------------------------------------------------------- env */

const char *
ssl_verify_env_get(const struct ssl_verify_env *env, const char *name)
{
    for (size_t i = 0; i < env->n; i++)
    {
        if (streq(env->e[i].name, name))
        {
            return env->e[i].value;
        }
    }
    return NULL;
}

/* Printable ASCII passes; anything else becomes '_' as 2.6 does for env values. */
static void
env_set(struct ssl_verify_env *env, const char *name, const char *value)
{
    struct ssl_verify_env_entry *e = NULL;

    for (size_t i = 0; i < env->n && !e; i++)
    {
        if (streq(env->e[i].name, name))
        {
            e = &env->e[i]; /* a renegotiation re-verifies: replace */
        }
    }
    if (!e)
    {
        if (env->n == SSL_VERIFY_ENV_MAX)
        {
            return; /* bounded: a huge chain loses deep entries, not memory */
        }
        e = &env->e[env->n++];
    }
    snprintf(e->name, sizeof(e->name), "%s", name);
    snprintf(e->value, sizeof(e->value), "%s", value);
    for (char *c = e->value; *c; c++)
    {
        if ((unsigned char) *c < 0x20 || (unsigned char) *c > 0x7e)
        {
            *c = '_';
        }
    }
}

/* Set "<prefix>_<depth>". */
static void
env_setf(struct ssl_verify_env *env, const char *value, const char *prefix, int depth)
{
    char name[SSL_VERIFY_NAME_LEN];

    snprintf(name, sizeof(name), "%s_%d", prefix, depth);
    env_set(env, name, value);
}

/* "AB:CD:..." upper-case, as 2.6 formats digests. */
static void
hex_colons(const uint8_t *d, size_t n, char *out, size_t outlen, bool upper)
{
    size_t w = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && w + 4 <= outlen; i++)
    {
        w += (size_t) snprintf(out + w, outlen - w, upper ? (i ? ":%02X" : "%02X")
                                                       : (i ? ":%02x" : "%02x"), d[i]);
    }
}

static void
env_digest(struct ssl_verify_env *env,
           const struct ssl_cert *cert,
           const char *md,
           const char *fmt,
           int depth)
{
    uint8_t d[64];
    size_t n;
    char hex[3 * sizeof(d) + 1];

    if (ssl_cert_digest(cert, md, d, sizeof(d), &n))
    {
        hex_colons(d, n, hex, sizeof(hex), false); /* 2.6 exports lower case */
        env_setf(env, hex, fmt, depth);
    }
}

/*
 * X509_N_<field> from the one-line subject "C=KG, O=x, CN=y".  A value
 * holding ", " is cut there; 2.6 would keep it, but such names are rare
 * and the script still sees it whole in tls_id_N.
 */
static void
env_subject_fields(struct ssl_verify_env *env, const char *subject, int depth)
{
    const char *p = subject;

    while (*p)
    {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);

        if (eq && eq > p)
        {
            char name[SSL_VERIFY_NAME_LEN];
            char value[SSL_VERIFY_VALUE_LEN];

            snprintf(name, sizeof(name), "X509_%d_%.*s", depth, (int) (eq - p), p);
            snprintf(value, sizeof(value), "%.*s", (int) (len - (size_t) (eq + 1 - p)), eq + 1);
            env_set(env, name, value);
        }
        p += len;
        while (*p == ',' || *p == ' ')
        {
            p++;
        }
    }
}

static void
env_for_cert(struct ssl_verify_state *st,
             const struct ssl_cert *cert,
             int depth,
             const char *subject)
{
    char buf[SSL_VERIFY_VALUE_LEN];

    env_subject_fields(&st->env, subject, depth);
    env_setf(&st->env, subject, "tls_id", depth);
    env_digest(&st->env, cert, "SHA1", "tls_digest", depth);
    env_digest(&st->env, cert, "SHA256", "tls_digest_sha256", depth);
    if (ssl_cert_serial_dec(cert, buf, sizeof(buf)))
    {
        env_setf(&st->env, buf, "tls_serial", depth);
    }
    if (ssl_cert_serial_hex(cert, buf, sizeof(buf)))
    {
        env_setf(&st->env, buf, "tls_serial_hex", depth);
    }
    if (depth == 0)
    {
        env_set(&st->env, "common_name", st->common_name);
    }
}

/* ---------------------------------------------------------------- checks */

static bool
check_fingerprint(const struct ssl_verify_config *cfg, const struct ssl_cert *cert)
{
    uint8_t d[SSL_VERIFY_FP_LEN];
    size_t n = 0;
    char hex[3 * SSL_VERIFY_FP_LEN + 1];

    if (!ssl_cert_digest(cert, "SHA256", d, sizeof(d), &n) || n != SSL_VERIFY_FP_LEN)
    {
        msg(D_TLS_ERRORS, "VERIFY ERROR: could not compute the certificate's SHA256 digest");
        return false;
    }
    for (size_t i = 0; i < cfg->n_fingerprints; i++)
    {
        if (memcmp(cfg->fingerprints[i], d, sizeof(d)) == 0)
        {
            return true;
        }
    }
    hex_colons(d, n, hex, sizeof(hex), true);
    msg(D_TLS_ERRORS,
        "TLS Error: --tls-verify/--peer-fingerprint certificate hash verification failed. "
        "(got certificate fingerprint: %s)",
        hex);
    return false;
}

static bool
check_ku(const struct ssl_verify_config *cfg, const struct ssl_cert *cert)
{
    unsigned int ku;
    bool ok = false;

    if (!ssl_cert_key_usage(cert, &ku))
    {
        msg(D_HANDSHAKE, "Certificate does not have key usage extension");
        return false;
    }
    if (cfg->ku[0] == SSL_VERIFY_KU_ANY)
    {
        return true; /* --remote-cert-tls: presence is what 2.6 asks */
    }
    msg(D_HANDSHAKE, "Validating certificate key usage");
    for (size_t i = 0; i < cfg->n_ku && !ok; i++)
    {
        ok = cfg->ku[i] != 0 && (ku & cfg->ku[i]) == cfg->ku[i];
    }
    if (!ok)
    {
        msg(D_TLS_ERRORS, "ERROR: Certificate has key usage %04x, expected one of:", ku);
        for (size_t i = 0; i < cfg->n_ku; i++)
        {
            msg(D_TLS_ERRORS, " * %04x", cfg->ku[i]);
        }
    }
    return ok;
}

static bool
check_x509_name(const struct ssl_verify_config *cfg, const char *subject, const char *cn)
{
    switch (cfg->x509_type)
    {
        case SSL_X509_NAME_SUBJECT:
            return streq(cfg->x509_name, subject);

        case SSL_X509_NAME_CN:
            return streq(cfg->x509_name, cn);

        case SSL_X509_NAME_CN_PREFIX:
            return strncmp(cfg->x509_name, cn, strlen(cfg->x509_name)) == 0;

        case SSL_X509_NAME_NONE:
            break;
    }
    return true;
}

/* The leaf's own checks, in 2.6's order and with its lines. */
static bool
check_leaf(const struct ssl_verify_config *cfg,
           const struct ssl_cert *cert,
           const char *subject,
           const char *cn)
{
    if (cfg->n_ku > 0)
    {
        if (!check_ku(cfg, cert))
        {
            msg(D_HANDSHAKE, "VERIFY KU ERROR");
            return false;
        }
        msg(D_HANDSHAKE, "VERIFY KU OK");
    }
    if (cfg->eku)
    {
        msg(D_HANDSHAKE, "Validating certificate extended key usage");
        if (!ssl_cert_has_eku(cert, cfg->eku))
        {
            msg(D_HANDSHAKE, "VERIFY EKU ERROR");
            return false;
        }
        msg(D_HANDSHAKE, "VERIFY EKU OK");
    }
    if (cfg->x509_type != SSL_X509_NAME_NONE)
    {
        if (!cfg->x509_name || !check_x509_name(cfg, subject, cn))
        {
            msg(D_HANDSHAKE,
                "VERIFY X509NAME ERROR: %s, must be %s",
                subject,
                cfg->x509_name ? cfg->x509_name : "");
            return false;
        }
        msg(D_HANDSHAKE, "VERIFY X509NAME OK: %s", subject);
    }
    return true;
}

/* --crl-verify DIR dir: a file named by the decimal serial means revoked. */
static bool
check_crl_dir(const char *dir, const struct ssl_cert *cert, int depth, const char *subject)
{
    char serial[128];
    char path[4096];
    struct stat sb;
    int n;

    if (!ssl_cert_serial_dec(cert, serial, sizeof(serial)))
    {
        msg(
          D_HANDSHAKE, "VERIFY CRL: depth=%d, %s, serial number is not available", depth, subject);
        return false;
    }
    n = snprintf(path, sizeof(path), "%s/%s", dir, serial);
    if (n < 0 || (size_t) n >= sizeof(path))
    {
        msg(D_HANDSHAKE, "VERIFY CRL: filename overflow");
        return false;
    }
    if (stat(path, &sb) == 0)
    {
        msg(D_HANDSHAKE, "VERIFY CRL: depth=%d, %s, serial=%s is revoked", depth, subject, serial);
        return false;
    }
    return true;
}

void
ssl_verify_state_init(struct ssl_verify_state *st, const struct ssl_verify_config *cfg)
{
    memset(st, 0, sizeof(*st));
    st->cfg = cfg;
}

bool
ssl_verify_cert(void *arg, const struct ssl_cert *cert, int depth)
{
    struct ssl_verify_state *st = arg;
    const struct ssl_verify_config *cfg = st->cfg;
    char subject[SSL_VERIFY_VALUE_LEN];
    char cn[SSL_VERIFY_VALUE_LEN] = "";

    if (!ssl_cert_subject(cert, subject, sizeof(subject)))
    {
        msg(D_TLS_ERRORS,
            "VERIFY ERROR: depth=%d, could not extract X509 subject string from certificate",
            depth);
        return false;
    }
    ssl_cert_subject_field(cert, "CN", cn, sizeof(cn)); /* no CN: "" never matches a name */
    if (depth == 0)
    {
        st->leaf_ok = false;
        snprintf(st->common_name, sizeof(st->common_name), "%s", cn);
        if ((cfg->n_fingerprints > 0 || cfg->fingerprint_only) && !check_fingerprint(cfg, cert))
        {
            return false;
        }
    }
    env_for_cert(st, cert, depth, subject);
    if (depth == 0 && !check_leaf(cfg, cert, subject, cn))
    {
        return false;
    }
    if (cfg->plugin)
    {
        if (!cfg->plugin(cfg->plugin_arg, st->plugin_session, depth, subject, &st->env, cert))
        {
            msg(D_HANDSHAKE, "VERIFY PLUGIN ERROR: depth=%d, %s", depth, subject);
            return false;
        }
        msg(D_HANDSHAKE, "VERIFY PLUGIN OK: depth=%d, %s", depth, subject);
    }
    if (cfg->script)
    {
        if (!cfg->script(cfg->script_arg, depth, subject, &st->env))
        {
            msg(D_HANDSHAKE, "VERIFY SCRIPT ERROR: depth=%d, %s", depth, subject);
            return false;
        }
        msg(D_HANDSHAKE, "VERIFY SCRIPT OK: depth=%d, %s", depth, subject);
    }
    if (cfg->crl_dir && !check_crl_dir(cfg->crl_dir, cert, depth, subject))
    {
        return false;
    }
    if (depth == 0)
    {
        st->leaf_ok = true;
    }
    return true;
}
