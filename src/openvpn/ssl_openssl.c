/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_openssl.c -- the TLS backend over OpenSSL 3: contexts from
 * configuration, sessions over memory BIOs, certificate accessors and the
 * RFC 5705 exporter (the contract is in ssl_backend.h).
 *
 * The only file that includes <openssl/ssl.h>, <openssl/x509*.h> and
 * <openssl/pem.h>.  <openssl/evp.h> is used here only where the TLS API
 * hands us EVP objects (keys, certificate digests); data-channel crypto is
 * crypto_openssl.c's.
 *
 * Tier 3c: tiers 0-2 and libc only; no sockets, no clock.
 *
 * Longer than the house ~1000 lines on purpose: keeping every OpenSSL TLS
 * and X.509 include in one file is the stronger rule (one backend file per
 * external library, doc/architecture.md).
 * The sections (errors, credentials, protocol settings, verification,
 * contexts, sessions, certificate accessors) are independent; the
 * accessors are the first candidate to move out if it grows further.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "basic.h"
#include "error.h"
#include "ssl_backend.h"
#include "strutil.h"

/* 2.6's --tls-cipher default: the library default minus weak and odd suites. */
#define DEFAULT_TLS_CIPHER "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:!SRP:!kRSA"

#define INLINE_NAME "[[INLINE]]"

struct ssl_ctx
{
    SSL_CTX *ctx;
    enum ssl_role role;
    ssl_verify_fn *verify_cb;
    void *verify_arg;
    bool no_ca; /**< --peer-fingerprint without a CA: verify_cb alone judges the chain */
};

struct ssl_session
{
    SSL *ssl;
    BIO *in;  /**< ciphertext from the peer: we write, OpenSSL reads */
    BIO *out; /**< ciphertext for the peer: OpenSSL writes, we read */
    struct ssl_ctx *ctx;
    void *verify_arg;
    bool established;
    bool failed;          /**< a fatal error happened; error[] keeps the first reason */
    bool verify_rejected; /**< our verify callback said no */
    char error[256];
};

/* ex_data slot of an SSL that points back to its struct ssl_session. */
static int session_index = -1;

/* struct ssl_cert is never defined: a pointer to one is an X509. */
static X509 *
X(const struct ssl_cert *c)
{
    return (X509 *) c;
}

static const struct ssl_cert *
as_cert(const X509 *x)
{
    return (const struct ssl_cert *) x;
}

void
ssl_library_init(void)
{
    if (session_index < 0)
    {
        OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
        session_index = SSL_get_ex_new_index(0, "ovpn session", NULL, NULL, NULL);
    }
}

/* Append the library's error queue to @p out ("" if empty), clearing it. */
static void
take_errors(char *out, size_t outlen)
{
    unsigned long e;
    size_t used = strlen(out);

    while ((e = ERR_get_error()) != 0)
    {
        char one[160];

        ERR_error_string_n(e, one, sizeof(one));
        if (used + 2 < outlen)
        {
            int n = snprintf(out + used, outlen - used, "%s%s", used ? ": " : "", one);
            used += n > 0 ? (size_t) n : 0;
            used = used < outlen ? used : outlen - 1;
        }
    }
}

/* --- configuration errors ------------------------------------------------- */

/* The one way config problems are reported: FILE:LINE: --option: why. */
static void cfg_error(const struct ssl_opt *o, const char *kw, const char *fmt, ...) PRINTF(3, 4);

static void
cfg_error(const struct ssl_opt *o, const char *kw, const char *fmt, ...)
{
    char why[256];
    char lib[512] = "";
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    take_errors(lib, sizeof(lib));

    msg(M_WARN,
        "Options error: %s:%d: --%s: %s%s%s",
        o->file ? o->file : "[CMD-LINE]",
        o->line,
        kw,
        why,
        lib[0] ? ": " : "",
        lib);
}

static const char *
opt_name(const struct ssl_opt *o)
{
    return o->is_inline ? INLINE_NAME : o->value;
}

/* A BIO over the option's file, or over its inline text. */
static BIO *
opt_bio(const struct ssl_opt *o)
{
    if (o->is_inline)
    {
        return BIO_new_mem_buf(o->value, -1);
    }
    return BIO_new_file(o->value, "rb");
}

/* Never prompt on a terminal for a passphrase: encrypted keys need --askpass. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void) buf;
    (void) size;
    (void) rwflag;
    (void) u;
    return 0;
}

/* --- loading credentials -------------------------------------------------- */

/* Every certificate (and CRL) in the PEM input goes into the trust store. */
static bool
load_ca(SSL_CTX *ctx, const struct ssl_opt *o, bool server)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_INFO) *info = NULL;
    STACK_OF(X509_NAME) *names = server ? sk_X509_NAME_new_null() : NULL;
    BIO *in = opt_bio(o);
    int added = 0;
    bool ok = false;

    if (!in || !(info = PEM_X509_INFO_read_bio(in, NULL, no_passphrase, NULL)))
    {
        cfg_error(o, "ca", "Cannot load CA certificate file %s", opt_name(o));
        goto out;
    }
    for (int i = 0; i < sk_X509_INFO_num(info); i++)
    {
        X509_INFO *it = sk_X509_INFO_value(info, i);

        if (it->x509)
        {
            X509_STORE_add_cert(store, it->x509);
            added++;
            /* A server announces its CAs so clients pick a matching cert. */
            if (names)
            {
                X509_NAME *n = X509_NAME_dup(X509_get_subject_name(it->x509));
                if (n && !sk_X509_NAME_push(names, n))
                {
                    X509_NAME_free(n);
                }
            }
        }
        if (it->crl)
        {
            X509_STORE_add_crl(store, it->crl);
        }
    }
    if (added == 0)
    {
        cfg_error(
          o, "ca", "Cannot load CA certificate file %s (no certificates found)", opt_name(o));
        goto out;
    }
    if (names)
    {
        SSL_CTX_set_client_CA_list(ctx, names);
        names = NULL;
    }
    ok = true;

out:
    sk_X509_NAME_pop_free(names, X509_NAME_free);
    sk_X509_INFO_pop_free(info, X509_INFO_free);
    BIO_free(in);
    return ok;
}

static bool
load_capath(SSL_CTX *ctx, const struct ssl_opt *o)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());

    if (!lookup || !X509_LOOKUP_add_dir(lookup, o->value, X509_FILETYPE_PEM))
    {
        cfg_error(o, "capath", "Cannot add lookup at --capath %s", o->value);
        return false;
    }
    return true;
}

/* Add every certificate that @p in still holds to the chain sent to the peer. */
static bool
add_chain_certs(SSL_CTX *ctx, BIO *in, const struct ssl_opt *o, const char *kw)
{
    X509 *x;

    while ((x = PEM_read_bio_X509(in, NULL, no_passphrase, NULL)) != NULL)
    {
        if (!SSL_CTX_add0_chain_cert(ctx, x))
        {
            X509_free(x);
            cfg_error(o, kw, "Cannot add certificate from %s to the chain", opt_name(o));
            return false;
        }
    }
    /* The loop ends on "no start line": that is the normal end of input. */
    ERR_clear_error();
    return true;
}

static bool
load_cert(SSL_CTX *ctx, const struct ssl_opt *o)
{
    BIO *in = opt_bio(o);
    X509 *x = in ? PEM_read_bio_X509(in, NULL, no_passphrase, NULL) : NULL;
    bool ok = false;

    if (!x || !SSL_CTX_use_certificate(ctx, x))
    {
        cfg_error(o, "cert", "Cannot load certificate file %s", opt_name(o));
        goto out;
    }
    /* Like 2.6: further certificates in the same file are the chain. */
    ok = add_chain_certs(ctx, in, o, "cert");

out:
    X509_free(x);
    BIO_free(in);
    return ok;
}

static bool
load_key(SSL_CTX *ctx, const struct ssl_opt *o)
{
    BIO *in = opt_bio(o);
    EVP_PKEY *pkey = in ? PEM_read_bio_PrivateKey(in, NULL, no_passphrase, NULL) : NULL;
    bool ok = false;

    if (!pkey)
    {
        cfg_error(o, "key", "Cannot load private key file %s", opt_name(o));
        goto out;
    }
    /* OpenSSL refuses a key that does not fit the certificate right here. */
    if (!SSL_CTX_use_PrivateKey(ctx, pkey) || !SSL_CTX_check_private_key(ctx))
    {
        cfg_error(o, "key", "Private key does not match the certificate");
        goto out;
    }
    ok = true;

out:
    EVP_PKEY_free(pkey);
    BIO_free(in);
    return ok;
}

static bool
load_extra_certs(SSL_CTX *ctx, const struct ssl_opt *o)
{
    BIO *in = opt_bio(o);
    bool ok;

    if (!in)
    {
        cfg_error(o, "extra-certs", "Cannot load extra-certs file %s", opt_name(o));
        return false;
    }
    ok = add_chain_certs(ctx, in, o, "extra-certs");
    BIO_free(in);
    return ok;
}

/* An inline <pkcs12> block is base64 text; a file is DER. */
static PKCS12 *
read_pkcs12(const struct ssl_opt *o)
{
    PKCS12 *p12 = NULL;
    BIO *in = opt_bio(o);

    if (in && o->is_inline)
    {
        BIO *b64 = BIO_new(BIO_f_base64());

        if (!b64)
        {
            BIO_free(in);
            return NULL;
        }
        in = BIO_push(b64, in);
    }
    if (in)
    {
        p12 = d2i_PKCS12_bio(in, NULL);
    }
    BIO_free_all(in);
    return p12;
}

static bool
load_pkcs12(SSL_CTX *ctx, const struct ssl_opt *o, bool have_ca, bool server)
{
    PKCS12 *p12 = read_pkcs12(o);
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    bool ok = false;

    if (!p12 || !PKCS12_parse(p12, "", &pkey, &cert, &ca))
    {
        cfg_error(o,
                  "pkcs12",
                  "Error reading PKCS#12 file %s (encrypted files need a "
                  "passphrase, which is not supported yet)",
                  opt_name(o));
        goto out;
    }
    if (!cert || !pkey || !SSL_CTX_use_certificate(ctx, cert) ||
        !SSL_CTX_use_PrivateKey(ctx, pkey) || !SSL_CTX_check_private_key(ctx))
    {
        cfg_error(o, "pkcs12", "Private key or certificate in %s is unusable", opt_name(o));
        goto out;
    }
    /* The bundle's CA certificates: trusted unless --ca is given (as 2.6),
     * and always sent as chain. */
    for (int i = 0; ca && i < sk_X509_num(ca); i++)
    {
        X509 *x = sk_X509_value(ca, i);

        if (!have_ca)
        {
            X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), x);
            if (server)
            {
                SSL_CTX_add_client_CA(ctx, x);
            }
        }
        SSL_CTX_add1_chain_cert(ctx, x);
    }
    ok = true;

out:
    sk_X509_pop_free(ca, X509_free);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    PKCS12_free(p12);
    return ok;
}

static bool
load_dh(SSL_CTX *ctx, const struct ssl_opt *o)
{
    BIO *in;
    EVP_PKEY *dh;

    if (!o->is_inline && strcmp(o->value, "none") == 0)
    {
        return true; /* ECDHE only */
    }
    in = opt_bio(o);
    dh = in ? PEM_read_bio_Parameters(in, NULL) : NULL;
    BIO_free(in);
    if (!dh || !SSL_CTX_set0_tmp_dh_pkey(ctx, dh))
    {
        EVP_PKEY_free(dh);
        cfg_error(o, "dh", "Cannot load DH parameters from %s", opt_name(o));
        return false;
    }
    return true; /* ownership of dh passed to ctx */
}

/* --- protocol settings ---------------------------------------------------- */

bool
ssl_tls_version_parse(const char *arg, enum ssl_tls_version *out, bool *or_highest)
{
    static const struct
    {
        const char *name;
        enum ssl_tls_version v;
    } names[] = {
        { "1.0", SSL_TLS_VERSION_1_0 },
        { "1.1", SSL_TLS_VERSION_1_1 },
        { "1.2", SSL_TLS_VERSION_1_2 },
        { "1.3", SSL_TLS_VERSION_1_3 },
    };
    char word[8];
    const char *rest;
    size_t n;

    if (or_highest)
    {
        *or_highest = false;
    }
    rest = strchr(arg, ' ');
    n = rest ? (size_t) (rest - arg) : strlen(arg);
    if (n >= sizeof(word))
    {
        return false;
    }
    memcpy(word, arg, n);
    word[n] = '\0';
    if (rest)
    {
        if (!or_highest || strcmp(rest, " or-highest") != 0)
        {
            return false;
        }
        *or_highest = true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
    {
        if (strcmp(word, names[i].name) == 0)
        {
            *out = names[i].v;
            return true;
        }
    }
    return false;
}

enum ssl_tls_version
ssl_tls_version_max_supported(void)
{
    return SSL_TLS_VERSION_1_3; /* OpenSSL 3 always has TLS 1.3 */
}

static int
openssl_version(enum ssl_tls_version v)
{
    switch (v)
    {
        case SSL_TLS_VERSION_1_0:
            return TLS1_VERSION;

        case SSL_TLS_VERSION_1_1:
            return TLS1_1_VERSION;

        case SSL_TLS_VERSION_1_2:
            return TLS1_2_VERSION;

        case SSL_TLS_VERSION_1_3:
            return TLS1_3_VERSION;

        case SSL_TLS_VERSION_UNSET:
            break;
    }
    return 0;
}

static bool
set_versions(SSL_CTX *ctx, const struct ssl_config *cfg)
{
    enum ssl_tls_version min = SSL_TLS_VERSION_1_2; /* 2.6 default */
    enum ssl_tls_version max = SSL_TLS_VERSION_UNSET;
    bool or_highest = false;

    if (cfg->tls_version_min.value &&
        !ssl_tls_version_parse(cfg->tls_version_min.value, &min, &or_highest))
    {
        cfg_error(&cfg->tls_version_min,
                  "tls-version-min",
                  "unknown version '%s'",
                  cfg->tls_version_min.value);
        return false;
    }
    if (cfg->tls_version_max.value &&
        !ssl_tls_version_parse(cfg->tls_version_max.value, &max, NULL))
    {
        cfg_error(&cfg->tls_version_max,
                  "tls-version-max",
                  "unknown version '%s'",
                  cfg->tls_version_max.value);
        return false;
    }
    if (or_highest && min > ssl_tls_version_max_supported())
    {
        min = ssl_tls_version_max_supported();
    }
    if (max != SSL_TLS_VERSION_UNSET && min > max)
    {
        cfg_error(&cfg->tls_version_max, "tls-version-max", "is lower than --tls-version-min");
        return false;
    }
    if (!SSL_CTX_set_min_proto_version(ctx, openssl_version(min)) ||
        !SSL_CTX_set_max_proto_version(ctx, openssl_version(max)))
    {
        cfg_error(cfg->tls_version_min.value ? &cfg->tls_version_min : &cfg->tls_version_max,
                  cfg->tls_version_min.value ? "tls-version-min" : "tls-version-max",
                  "version not supported by the TLS library");
        return false;
    }
    return true;
}

static bool
set_cert_profile(SSL_CTX *ctx, const struct ssl_opt *o)
{
    const char *p = o->value ? o->value : "legacy"; /* 2.6's default */

    if (strcmp(p, "legacy") == 0)
    {
        SSL_CTX_set_security_level(ctx, 1);
    }
    else if (strcmp(p, "insecure") == 0)
    {
        SSL_CTX_set_security_level(ctx, 0);
    }
    else if (strcmp(p, "preferred") == 0)
    {
        SSL_CTX_set_security_level(ctx, 2);
    }
    else if (strcmp(p, "suiteb") == 0)
    {
        SSL_CTX_set_security_level(ctx, 3);
        if (!SSL_CTX_set_cipher_list(ctx, "SUITEB128"))
        {
            cfg_error(o, "tls-cert-profile", "suiteb is not supported by the TLS library");
            return false;
        }
    }
    else
    {
        cfg_error(o, "tls-cert-profile", "Invalid cert profile: %s", p);
        return false;
    }
    return true;
}

/*
 * 2.6 takes --tls-cipher in IANA spelling ("TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256",
 * the RFC name with dashes) and in OpenSSL spelling (which it calls
 * deprecated); OpenSSL wants its own.  Tokens that name no suite (keywords
 * such as DEFAULT, "!kRSA") pass through unchanged.
 */
/* 2.6 spells suites from a name table of its own, which lacks the CCM,
 * ARIA and anonymous (ADH, AECDH) suites and ECDHE with CAMELLIA256 or NULL:
 * those it shows and takes by their OpenSSL names only. */
static bool
iana_known_to_26(const char *name)
{
    bool ecdhe = strncmp(name, "ECDHE-", 6) == 0;

    return !strstr(name, "CCM") && !strstr(name, "ARIA") && strncmp(name, "ADH-", 4) != 0
           && strncmp(name, "AECDH-", 6) != 0
           && !(ecdhe && (strstr(name, "CAMELLIA256") || strstr(name, "NULL")));
}

static const SSL_CIPHER *
find_suite(STACK_OF(SSL_CIPHER) *all, const char *tok, bool *by_iana)
{
    for (int i = 0; i < sk_SSL_CIPHER_num(all); i++)
    {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);
        const char *std = iana_known_to_26(SSL_CIPHER_get_name(c)) ? SSL_CIPHER_standard_name(c)
                                                                  : NULL;
        size_t k;

        if (strcmp(SSL_CIPHER_get_name(c), tok) == 0)
        {
            *by_iana = false;
            return c;
        }
        for (k = 0; std && std[k] && tok[k]; k++)
        {
            if ((std[k] == '_' ? '-' : std[k]) != tok[k])
            {
                break;
            }
        }
        if (std && !std[k] && !tok[k])
        {
            *by_iana = true;
            return c;
        }
    }
    return NULL;
}

/* The IANA spelling of @p c into @p out ("" if 2.6 has none). */
static void
iana_name(const SSL_CIPHER *c, char *out, size_t outlen)
{
    const char *std = iana_known_to_26(SSL_CIPHER_get_name(c)) ? SSL_CIPHER_standard_name(c) : NULL;
    size_t k = 0;

    for (; std && std[k] && k + 1 < outlen; k++)
    {
        out[k] = std[k] == '_' ? '-' : std[k];
    }
    out[k] = '\0';
}

/* Every suite the library has, for the name translation. */
static STACK_OF(SSL_CIPHER) *
all_suites(SSL_CTX **tmp)
{
    *tmp = SSL_CTX_new(TLS_method());
    if (!*tmp || !SSL_CTX_set_cipher_list(*tmp, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"))
    {
        return NULL;
    }
    return SSL_CTX_get_ciphers(*tmp);
}

static bool
translate_tls_cipher(const char *in, char *out, size_t outlen)
{
    SSL_CTX *tmp = NULL;
    STACK_OF(SSL_CIPHER) *all = all_suites(&tmp);
    char *copy = xstrdup(in), *save = NULL;
    size_t used = 0;
    bool ok = true;

    out[0] = '\0';
    for (char *tok = strtok_r(copy, ":", &save); tok && ok; tok = strtok_r(NULL, ":", &save))
    {
        bool by_iana = false;
        const SSL_CIPHER *c = all ? find_suite(all, tok, &by_iana) : NULL;
        const char *name = c ? SSL_CIPHER_get_name(c) : tok;
        int n;

        if (c && !by_iana)
        {
            char iana[128];

            iana_name(c, iana, sizeof(iana));
            if (iana[0])
            {
                msg(M_WARN, "Deprecated TLS cipher name '%s', please use IANA name '%s'", tok, iana);
            }
        }
        n = snprintf(out + used, outlen - used, "%s%s", used ? ":" : "", name);
        ok = n >= 0 && (size_t)n < outlen - used;
        used += ok ? (size_t)n : 0;
    }
    free(copy);
    SSL_CTX_free(tmp);
    return ok;
}

/* --tls-ciphersuites: 2.6 accepts dashes for the underscores of the names. */
static void
translate_tls13(const char *in, char *out, size_t outlen)
{
    size_t k = 0;

    for (; in[k] && k + 1 < outlen; k++)
    {
        out[k] = in[k] == '-' ? '_' : in[k];
    }
    out[k] = '\0';
}

static bool
set_tls_cipher(SSL_CTX *ctx, const struct ssl_opt *o)
{
    char list[4096];

    if (!o->value)
    {
        return SSL_CTX_set_cipher_list(ctx, DEFAULT_TLS_CIPHER) == 1;
    }
    if (!translate_tls_cipher(o->value, list, sizeof(list)) || !SSL_CTX_set_cipher_list(ctx, list))
    {
        cfg_error(o, "tls-cipher", "Failed to set restricted TLS cipher list: %s", o->value);
        return false;
    }
    return true;
}

static bool
set_tls13_suites(SSL_CTX *ctx, const struct ssl_opt *o)
{
    char list[1024];

    if (!o->value)
    {
        return true;
    }
    translate_tls13(o->value, list, sizeof(list));
    if (!SSL_CTX_set_ciphersuites(ctx, list))
    {
        cfg_error(o, "tls-ciphersuites", "Failed to set restricted TLS 1.3 cipher list: %s",
                  o->value);
        return false;
    }
    return true;
}

static bool
set_ciphers_and_groups(SSL_CTX *ctx, const struct ssl_config *cfg)
{
    const struct ssl_opt *groups = cfg->tls_groups.value ? &cfg->tls_groups : &cfg->ecdh_curve;

    if (!set_tls_cipher(ctx, &cfg->tls_cipher) || !set_tls13_suites(ctx, &cfg->tls_ciphersuites))
    {
        return false;
    }
    /* --ecdh-curve only matters when --tls-groups is absent (as in 2.6). */
    if (groups->value && !SSL_CTX_set1_groups_list(ctx, groups->value))
    {
        cfg_error(groups,
                  groups == &cfg->tls_groups ? "tls-groups" : "ecdh-curve",
                  "Failed to set allowed TLS group list: %s",
                  groups->value);
        return false;
    }
    return true;
}

/* --- verification ---------------------------------------------------------- */

static void
log_verify_error(X509_STORE_CTX *store, int depth)
{
    X509 *x = X509_STORE_CTX_get_current_cert(store);
    char subject[256] = "(no certificate)";
    char serial[80] = "";

    if (x)
    {
        ssl_cert_subject(as_cert(x), subject, sizeof(subject));
        ssl_cert_serial_dec(as_cert(x), serial, sizeof(serial));
    }
    msg(D_TLS_ERRORS,
        "VERIFY ERROR: depth=%d, error=%s: %s, serial=%s",
        depth,
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)),
        subject,
        serial);
}

/* OpenSSL calls this for every chain element, top (CA) first. */
static int
verify_callback(int preverify_ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct ssl_session *s = ssl ? SSL_get_ex_data(ssl, session_index) : NULL;
    X509 *x = X509_STORE_CTX_get_current_cert(store);
    int depth = X509_STORE_CTX_get_error_depth(store);
    char subject[256] = "";

    if (!s || !x)
    {
        return 0;
    }
    if (!preverify_ok && s->ctx->no_ca)
    {
        /* No CA to chain to: OpenSSL calls again with ok=1 for every depth,
         * and that call lets verify_cb check the fingerprint (2.6). */
        return 1;
    }
    if (!preverify_ok)
    {
        log_verify_error(store, depth);
        return 0;
    }
    if (s->ctx->verify_cb && !s->ctx->verify_cb(s->verify_arg, as_cert(x), depth))
    {
        s->verify_rejected = true;
        X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0; /* the callback said why */
    }
    ssl_cert_subject(as_cert(x), subject, sizeof(subject));
    msg(D_HANDSHAKE, "VERIFY OK: depth=%d, %s", depth, subject);
    return 1;
}

static void
set_verify(SSL_CTX *ctx, const struct ssl_config *cfg)
{
    int mode = SSL_VERIFY_PEER;

    if (cfg->role == SSL_ROLE_SERVER)
    {
        switch (cfg->verify_client_cert)
        {
            case SSL_VERIFY_CLIENT_REQUIRE:
                mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
                break;

            case SSL_VERIFY_CLIENT_OPTIONAL:
                break;

            case SSL_VERIFY_CLIENT_NONE:
                mode = SSL_VERIFY_NONE;
                break;
        }
    }
    SSL_CTX_set_verify(ctx, mode, mode == SSL_VERIFY_NONE ? NULL : verify_callback);
}

/* --- contexts -------------------------------------------------------------- */

/* 2.6's fixed OpenSSL settings (doc/protocol.md §4.1). */
static void
set_fixed_options(SSL_CTX *ctx)
{
    SSL_CTX_set_options(ctx,
                        SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                          SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
}

/* --crl-verify FILE: every CRL in it goes into the store; the whole chain is checked. */
static bool
load_crl(SSL_CTX *ctx, const struct ssl_opt *o)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    BIO *in = opt_bio(o);
    X509_CRL *crl;
    int n = 0;

    if (!in)
    {
        cfg_error(o, "crl-verify", "CRL: cannot read: %s", opt_name(o));
        return false;
    }
    while ((crl = PEM_read_bio_X509_CRL(in, NULL, NULL, NULL)) != NULL)
    {
        bool added = X509_STORE_add_crl(store, crl);

        X509_CRL_free(crl);
        if (!added)
        {
            BIO_free(in);
            cfg_error(o, "crl-verify", "CRL: cannot add %s to store", opt_name(o));
            return false;
        }
        n++;
    }
    BIO_free(in);
    ERR_clear_error(); /* the end of the PEM input is reported as an error */
    if (n == 0)
    {
        cfg_error(o, "crl-verify", "CRL: cannot read CRL from file %s", opt_name(o));
        return false;
    }
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    msg(M_INFO, "CRL: loaded %d CRLs from file %s", n, opt_name(o));
    return true;
}

static bool
load_credentials(SSL_CTX *ctx, const struct ssl_config *cfg)
{
    bool server = cfg->role == SSL_ROLE_SERVER;

    if (cfg->ca.value && !load_ca(ctx, &cfg->ca, server))
    {
        return false;
    }
    if (cfg->capath.value && !load_capath(ctx, &cfg->capath))
    {
        return false;
    }
    if (cfg->crl_file.value && !load_crl(ctx, &cfg->crl_file))
    {
        return false;
    }
    if (cfg->pkcs12.value)
    {
        if (!load_pkcs12(ctx, &cfg->pkcs12, cfg->ca.value || cfg->capath.value, server))
        {
            return false;
        }
    }
    else
    {
        if (cfg->cert.value && !load_cert(ctx, &cfg->cert))
        {
            return false;
        }
        if (cfg->key.value && !load_key(ctx, &cfg->key))
        {
            return false;
        }
    }
    if (cfg->extra_certs.value && !load_extra_certs(ctx, &cfg->extra_certs))
    {
        return false;
    }
    if (server && cfg->dh.value && !load_dh(ctx, &cfg->dh))
    {
        return false;
    }
    return true;
}

struct ssl_ctx *
ssl_ctx_new(const struct ssl_config *cfg)
{
    struct ssl_ctx *c = calloc(1, sizeof(*c));

    ssl_library_init();
    ERR_clear_error();
    if (!c)
    {
        msg(M_WARN, "TLS: out of memory creating a context");
        return NULL;
    }
    c->role = cfg->role;
    c->verify_cb = cfg->verify_cb;
    c->verify_arg = cfg->verify_arg;
    c->no_ca = cfg->verify_cb && !cfg->ca.value && !cfg->capath.value && !cfg->pkcs12.value;
    c->ctx = SSL_CTX_new(cfg->role == SSL_ROLE_SERVER ? TLS_server_method() : TLS_client_method());
    if (!c->ctx)
    {
        char lib[256] = "";
        take_errors(lib, sizeof(lib));
        msg(M_WARN, "TLS: SSL_CTX_new failed: %s", lib);
        goto fail;
    }
    set_fixed_options(c->ctx);
    set_verify(c->ctx, cfg);
    /* The profile sets the security level, which then limits what the
     * certificates and the cipher list may be, so it goes first. */
    if (!set_cert_profile(c->ctx, &cfg->tls_cert_profile) || !set_versions(c->ctx, cfg) ||
        !set_ciphers_and_groups(c->ctx, cfg) || !load_credentials(c->ctx, cfg))
    {
        goto fail;
    }
    return c;

fail:
    ssl_ctx_free(c);
    return NULL;
}

void
ssl_ctx_free(struct ssl_ctx *ctx)
{
    if (ctx)
    {
        SSL_CTX_free(ctx->ctx);
        free(ctx);
    }
}

/* --- sessions -------------------------------------------------------------- */

struct ssl_session *
ssl_session_new(struct ssl_ctx *ctx, void *verify_arg)
{
    struct ssl_session *s = calloc(1, sizeof(*s));

    if (!s)
    {
        msg(M_WARN, "TLS: out of memory creating a session");
        return NULL;
    }
    s->ctx = ctx;
    s->verify_arg = verify_arg ? verify_arg : ctx->verify_arg;
    s->ssl = SSL_new(ctx->ctx);
    s->in = BIO_new(BIO_s_mem());
    s->out = BIO_new(BIO_s_mem());
    if (!s->ssl || !s->in || !s->out || !SSL_set_ex_data(s->ssl, session_index, s))
    {
        msg(M_WARN, "TLS: cannot create a session");
        BIO_free(s->in);
        BIO_free(s->out);
        SSL_free(s->ssl);
        free(s);
        return NULL;
    }
    /* Reading from an empty memory BIO means "wait", not end of file. */
    BIO_set_mem_eof_return(s->in, -1);
    BIO_set_mem_eof_return(s->out, -1);
    SSL_set_bio(s->ssl, s->in, s->out); /* the SSL owns both BIOs now */
    if (ctx->role == SSL_ROLE_SERVER)
    {
        SSL_set_accept_state(s->ssl);
    }
    else
    {
        SSL_set_connect_state(s->ssl);
    }
    return s;
}

void
ssl_session_free(struct ssl_session *s)
{
    if (s)
    {
        SSL_free(s->ssl); /* frees the BIOs; OpenSSL cleanses its own buffers */
        secure_memzero(s, sizeof(*s));
        free(s);
    }
}

bool
ssl_session_put_ciphertext(struct ssl_session *s, const uint8_t *data, size_t n)
{
    if (n == 0)
    {
        return true;
    }
    if (n > INT_MAX || BIO_write(s->in, data, (int) n) != (int) n)
    {
        strbcpy(s->error, "cannot buffer incoming ciphertext", sizeof(s->error));
        return false;
    }
    return true;
}

size_t
ssl_session_pending_ciphertext(const struct ssl_session *s)
{
    return BIO_ctrl_pending(s->out);
}

enum ssl_io
ssl_session_get_ciphertext(struct ssl_session *s, uint8_t *out, size_t max, size_t *outlen)
{
    int n;

    *outlen = 0;
    if (max == 0 || BIO_ctrl_pending(s->out) == 0)
    {
        return SSL_IO_WANT;
    }
    n = BIO_read(s->out, out, max > INT_MAX ? INT_MAX : (int) max);
    if (n <= 0)
    {
        return SSL_IO_WANT;
    }
    *outlen = (size_t) n;
    return SSL_IO_OK;
}

/* Map an OpenSSL return value to our outcome, recording why it failed. */
static enum ssl_io
io_result(struct ssl_session *s, int ret)
{
    long vr;

    switch (SSL_get_error(s->ssl, ret))
    {
        case SSL_ERROR_NONE:
            return SSL_IO_OK;

        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            return SSL_IO_WANT;

        case SSL_ERROR_ZERO_RETURN:
            strbcpy(s->error, "peer closed the TLS session", sizeof(s->error));
            return SSL_IO_CLOSED;

        default:
            break;
    }
    s->failed = true; /* OpenSSL sessions cannot continue after a fatal error */
    s->error[0] = '\0';
    vr = SSL_get_verify_result(s->ssl);
    if (vr != X509_V_OK && !s->verify_rejected)
    {
        snprintf(s->error,
                 sizeof(s->error),
                 "certificate verify failed: %s: ",
                 X509_verify_cert_error_string(vr));
    }
    take_errors(s->error, sizeof(s->error));
    if (!s->error[0])
    {
        strbcpy(s->error, "TLS error", sizeof(s->error));
    }
    return SSL_IO_ERROR;
}

enum ssl_io
ssl_session_handshake(struct ssl_session *s)
{
    enum ssl_io r;

    if (s->failed)
    {
        return SSL_IO_ERROR;
    }
    if (s->established)
    {
        return SSL_IO_OK;
    }
    ERR_clear_error();
    r = io_result(s, SSL_do_handshake(s->ssl));
    if (r == SSL_IO_OK)
    {
        s->established = true;
    }
    return r;
}

bool
ssl_session_established(const struct ssl_session *s)
{
    return s->established;
}

enum ssl_io
ssl_session_write(struct ssl_session *s, const uint8_t *data, size_t n)
{
    enum ssl_io r = ssl_session_handshake(s);

    if (r != SSL_IO_OK)
    {
        return r;
    }
    if (n == 0)
    {
        return SSL_IO_OK;
    }
    if (n > SSL3_RT_MAX_PLAIN_LENGTH)
    {
        strbcpy(s->error, "plaintext larger than one TLS record", sizeof(s->error));
        return SSL_IO_ERROR;
    }
    ERR_clear_error();
    return io_result(s, SSL_write(s->ssl, data, (int) n));
}

enum ssl_io
ssl_session_read(struct ssl_session *s, uint8_t *out, size_t max, size_t *outlen)
{
    enum ssl_io r = ssl_session_handshake(s);
    int n;

    *outlen = 0;
    if (r != SSL_IO_OK)
    {
        return r;
    }
    if (max == 0)
    {
        return SSL_IO_WANT;
    }
    ERR_clear_error();
    n = SSL_read(s->ssl, out, max > INT_MAX ? INT_MAX : (int) max);
    r = io_result(s, n);
    if (r == SSL_IO_OK)
    {
        *outlen = (size_t) n;
    }
    return r;
}

const char *
ssl_session_error(const struct ssl_session *s)
{
    return s->error;
}

bool
ssl_session_export(struct ssl_session *s, const char *label, uint8_t *out, size_t n)
{
    if (!s->established)
    {
        strbcpy(
          s->error, "keying material export before the handshake completed", sizeof(s->error));
        secure_memzero(out, n);
        return false;
    }
    ERR_clear_error();
    /* use_context = 0: doc/protocol.md §5.3 (no context differs from an empty one). */
    if (SSL_export_keying_material(s->ssl, out, n, label, strlen(label), NULL, 0, 0) != 1)
    {
        s->error[0] = '\0';
        take_errors(s->error, sizeof(s->error));
        secure_memzero(out, n);
        return false;
    }
    return true;
}

const char *
ssl_session_version(const struct ssl_session *s)
{
    return s->established ? SSL_get_version(s->ssl) : "";
}

const char *
ssl_session_cipher(const struct ssl_session *s)
{
    const SSL_CIPHER *c = s->established ? SSL_get_current_cipher(s->ssl) : NULL;

    return c ? SSL_CIPHER_get_name(c) : "";
}

/* "2048 bits RSA", "256 bits ECprime256v1", "253 bits X25519" as 2.6 prints. */
static void
describe_key(EVP_PKEY *pkey, char *out, size_t outlen)
{
    char group[64] = "";
    const char *type = EVP_PKEY_get0_type_name(pkey);

    if (EVP_PKEY_is_a(pkey, "EC") &&
        EVP_PKEY_get_utf8_string_param(pkey, "group", group, sizeof(group), NULL))
    {
        snprintf(out, outlen, "%d bits EC%s", EVP_PKEY_get_bits(pkey), group);
        return;
    }
    snprintf(out, outlen, "%d bits %s", EVP_PKEY_get_bits(pkey), type ? type : "?");
}

void
ssl_session_describe(const struct ssl_session *s, char *out, size_t outlen)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);
    X509 *peer = SSL_get0_peer_certificate(s->ssl);
    EVP_PKEY *tmp = NULL;
    size_t used;
    char key[96];

    snprintf(out,
             outlen,
             "%s, cipher %s %s",
             SSL_get_version(s->ssl),
             c ? SSL_CIPHER_get_version(c) : "",
             c ? SSL_CIPHER_get_name(c) : "");
    if (peer)
    {
        EVP_PKEY *pk = X509_get0_pubkey(peer);
        int nid = X509_get_signature_nid(peer);

        if (pk)
        {
            describe_key(pk, key, sizeof(key));
            used = strlen(out);
            snprintf(out + used, outlen - used, ", peer certificate: %s", key);
        }
        used = strlen(out);
        snprintf(out + used,
                 outlen - used,
                 ", signature: %s",
                 nid != NID_undef ? OBJ_nid2sn(nid) : "(none)");
    }
    if (SSL_get_peer_tmp_key(s->ssl, &tmp) && tmp)
    {
        describe_key(tmp, key, sizeof(key));
        used = strlen(out);
        snprintf(out + used, outlen - used, ", peer temporary key: %s", key);
        EVP_PKEY_free(tmp);
    }
}

const struct ssl_cert *
ssl_session_peer_cert(const struct ssl_session *s)
{
    X509 *x = SSL_get0_peer_certificate(s->ssl);

    return x ? as_cert(x) : NULL;
}

/* --- certificate accessors ------------------------------------------------- */

/* Copy a memory BIO's content into out; false if it does not fit. */
static bool
bio_to_str(BIO *b, char *out, size_t outlen)
{
    char *data;
    long n = BIO_get_mem_data(b, &data);

    if (n < 0 || (size_t) n >= outlen)
    {
        if (outlen)
        {
            out[0] = '\0';
        }
        return false;
    }
    memcpy(out, data, (size_t) n);
    out[n] = '\0';
    return true;
}

bool
ssl_cert_subject(const struct ssl_cert *c, char *out, size_t outlen)
{
    BIO *b = BIO_new(BIO_s_mem());
    bool ok;

    if (!b)
    {
        return false;
    }
    X509_NAME_print_ex(b,
                       X509_get_subject_name(X(c)),
                       0,
                       XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT |
                         ASN1_STRFLGS_ESC_CTRL);
    ok = bio_to_str(b, out, outlen);
    BIO_free(b);
    return ok;
}

bool
ssl_cert_subject_field(const struct ssl_cert *c, const char *field, char *out, size_t outlen)
{
    X509_NAME *name = X509_get_subject_name(X(c));
    int nid = OBJ_txt2nid(field);
    int idx = -1, last = -1;
    unsigned char *utf8 = NULL;
    int n;
    bool ok = false;

    if (nid == NID_undef || outlen == 0)
    {
        return false;
    }
    while ((idx = X509_NAME_get_index_by_NID(name, nid, idx)) >= 0)
    {
        last = idx;
    }
    if (last < 0)
    {
        return false;
    }
    n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
    /* An embedded NUL would let "evil\0.good" pass a name check. */
    if (n >= 0 && (size_t) n < outlen && memchr(utf8, '\0', (size_t) n) == NULL)
    {
        memcpy(out, utf8, (size_t) n);
        out[n] = '\0';
        ok = true;
    }
    OPENSSL_free(utf8);
    return ok;
}

bool
ssl_cert_serial_dec(const struct ssl_cert *c, char *out, size_t outlen)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(X(c)), NULL);
    char *dec = bn ? BN_bn2dec(bn) : NULL;
    bool ok = dec && strbcpy(out, dec, outlen);

    OPENSSL_free(dec);
    BN_free(bn);
    return ok;
}

bool
ssl_cert_serial_hex(const struct ssl_cert *c, char *out, size_t outlen)
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(X(c));
    const unsigned char *p = ASN1_STRING_get0_data(serial);
    size_t n = (size_t) ASN1_STRING_length(serial);

    if (n == 0 || outlen < 3 * n)
    {
        return false;
    }
    hex_format(out, p, n, ':');
    return true;
}

bool
ssl_cert_digest(const struct ssl_cert *c,
                const char *md,
                uint8_t *out,
                size_t outsize,
                size_t *outlen)
{
    const EVP_MD *m = EVP_get_digestbyname(md);
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!m || !X509_digest(X(c), m, buf, &n) || n > outsize)
    {
        return false;
    }
    memcpy(out, buf, n);
    *outlen = n;
    return true;
}

bool
ssl_cert_key_usage(const struct ssl_cert *c, unsigned int *ku)
{
    if (!(X509_get_extension_flags(X(c)) & EXFLAG_KUSAGE))
    {
        return false;
    }
    /* OpenSSL's KU_* values are 2.6's encoding: first byte, then second << 8. */
    *ku = (unsigned int) X509_get_key_usage(X(c));
    return true;
}

void *
ssl_cert_library_object(const struct ssl_cert *c)
{
    return (X509 *) c; /* struct ssl_cert is our name for the X509 */
}

bool
ssl_cert_has_eku(const struct ssl_cert *c, const char *eku)
{
    EXTENDED_KEY_USAGE *ekus = X509_get_ext_d2i(X(c), NID_ext_key_usage, NULL, NULL);
    int want = OBJ_txt2nid(eku);
    bool found = false;

    for (int i = 0; ekus && !found && i < sk_ASN1_OBJECT_num(ekus); i++)
    {
        ASN1_OBJECT *o = sk_ASN1_OBJECT_value(ekus, i);
        char oid[128];

        if (want != NID_undef && OBJ_obj2nid(o) == want)
        {
            found = true;
        }
        else if (OBJ_obj2txt(oid, sizeof(oid), o, 1) > 0 && strcmp(oid, eku) == 0)
        {
            found = true; /* an OID OpenSSL has no name for */
        }
    }
    EXTENDED_KEY_USAGE_free(ekus);
    return found;
}

bool
ssl_cert_pem(const struct ssl_cert *c, char *out, size_t outlen)
{
    BIO *b = BIO_new(BIO_s_mem());
    bool ok;

    if (!b)
    {
        return false;
    }
    ok = PEM_write_bio_X509(b, X(c)) && bio_to_str(b, out, outlen);
    BIO_free(b);
    return ok;
}

/* --- --show-tls ------------------------------------------------------------ */

/* One list as 2.6 prints it: the suites a TLS 1.3-only or a TLS <= 1.2 context
 * built from the options would offer, in preference order. */
static void
print_suites(const struct ssl_opt *list, const struct ssl_opt *profile, bool tls13)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *ssl = NULL;
    STACK_OF(SSL_CIPHER) *sk = NULL;
    bool ok;

    if (!ctx)
    {
        return;
    }
    ok = tls13 ? SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) && set_tls13_suites(ctx, list)
               : SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) && set_tls_cipher(ctx, list);
    if (ok && set_cert_profile(ctx, profile) && (ssl = SSL_new(ctx)) != NULL)
    {
        sk = SSL_get1_supported_ciphers(ssl);
    }
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++)
    {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        char iana[128];

        iana_name(c, iana, sizeof(iana));
        if (tls13)
        {
            printf("%s\n", SSL_CIPHER_get_name(c));
        }
        else if (!iana[0])
        {
            printf("%s (No IANA name known to OpenVPN, use OpenSSL name.)\n", SSL_CIPHER_get_name(c));
        }
        else
        {
            printf("%s\n", iana);
        }
    }
    sk_SSL_CIPHER_free(sk);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

void
ssl_print_tls_ciphers(const struct ssl_config *cfg)
{
    printf("Available TLS Ciphers, listed in order of preference:\n");
    printf("\nFor TLS 1.3 and newer (--tls-ciphersuites):\n\n");
    fflush(stdout); /* a deprecation note goes through the logger in between */
    print_suites(&cfg->tls_ciphersuites, &cfg->tls_cert_profile, true);
    printf("\nFor TLS 1.2 and older (--tls-cipher):\n\n");
    fflush(stdout);
    print_suites(&cfg->tls_cipher, &cfg->tls_cert_profile, false);
    printf("\n"
           "Be aware that that whether a cipher suite in this list can actually work\n"
           "depends on the specific setup of both peers. See the man page entries of\n"
           "--tls-cipher and --show-tls for more details.\n\n");
    fflush(stdout);
}

void
ssl_print_engines(void)
{
    /* OpenSSL 3 has providers instead; 2.6 built against it says this */
    printf("Sorry, OpenSSL hardware crypto engine functionality is not available.\n");
}
