/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_tls.c -- handlers for the TLS-mode directives (credentials,
 * versions and ciphers, peer verification, control-channel wrapping,
 * timers), their post-processing checks in 2.6's wording, and the
 * translation into the TLS layers' config structs (options_tls.h).
 *
 * Tier 4.  Includes options headers and, for their structs only,
 * ssl_backend.h / ssl_verify.h; never the TLS library itself.  Inline
 * blocks (<key>, <tls-crypt> ...) are key material: copied once into
 * struct options, never logged (options_show prints '[INLINE]').
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "options_table.h"
#include "options_tls.h"
#include "strutil.h"

#define DEFAULT_DATA_CIPHERS "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"

/* ---------------------------------------------------------------- helpers */

/* Store a FILE-or-inline argument; the inline tag is only valid from a <block>. */
static bool
set_file(struct options *o,
         const struct opt_loc *loc,
         const char *kw,
         const char *arg,
         struct opt_file *f)
{
    bool is_inline = streq(arg, OPT_INLINE_TAG);

    if (is_inline && !o->inline_data)
    {
        opt_error(loc, kw, "%s is only valid for an inline <%s> block", OPT_INLINE_TAG, kw);
        return false;
    }
    opt_set_str(&f->value, is_inline ? o->inline_data : arg);
    f->is_inline = is_inline;
    f->loc = *loc;
    return true;
}

/* Store a plain string argument; an inline <block> is refused as in 2.6. */
static bool
set_plain(struct options *o,
          const struct opt_loc *loc,
          const char *kw,
          const char *arg,
          struct opt_file *f)
{
    if (o->inline_data)
    {
        opt_error(loc, kw, "option '%s' is not expected to be inline", kw);
        return false;
    }
    opt_set_str(&f->value, arg);
    f->is_inline = false;
    f->loc = *loc;
    return true;
}

static bool
not_inline(const struct options *o, const struct opt_loc *loc, const char *kw)
{
    if (o->inline_data)
    {
        opt_error(loc, kw, "option '%s' is not expected to be inline", kw);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- credentials */

OPT_HANDLER(opt_h_ca)
{
    return set_file(o, loc, kw, args[0], &o->ca);
}

OPT_HANDLER(opt_h_capath)
{
    return set_plain(o, loc, kw, args[0], &o->capath);
}

OPT_HANDLER(opt_h_cert)
{
    return set_file(o, loc, kw, args[0], &o->cert);
}

OPT_HANDLER(opt_h_key)
{
    return set_file(o, loc, kw, args[0], &o->key);
}

OPT_HANDLER(opt_h_pkcs12)
{
    return set_file(o, loc, kw, args[0], &o->pkcs12);
}

OPT_HANDLER(opt_h_extra_certs)
{
    return set_file(o, loc, kw, args[0], &o->extra_certs);
}

OPT_HANDLER(opt_h_dh)
{
    return set_file(o, loc, kw, args[0], &o->dh);
}

OPT_HANDLER(opt_h_ecdh_curve)
{
    return set_plain(o, loc, kw, args[0], &o->ecdh_curve);
}

OPT_HANDLER(opt_h_tls_groups)
{
    return set_plain(o, loc, kw, args[0], &o->tls_groups);
}

OPT_HANDLER(opt_h_tls_cipher)
{
    return set_plain(o, loc, kw, args[0], &o->tls_cipher);
}

OPT_HANDLER(opt_h_tls_ciphersuites)
{
    return set_plain(o, loc, kw, args[0], &o->tls_ciphersuites);
}

OPT_HANDLER(opt_h_tls_cert_profile)
{
    return set_plain(o, loc, kw, args[0], &o->tls_cert_profile);
}

/* "1.0".."1.3" -> 10..13, else 0 */
static int
tls_version_number(const char *v)
{
    static const char *const names[] = { "1.0", "1.1", "1.2", "1.3" };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
    {
        if (streq(v, names[i]))
        {
            return 10 + (int) i;
        }
    }
    return 0;
}

OPT_HANDLER(opt_h_tls_version_min)
{
    char text[32];

    if (!not_inline(o, loc, kw))
    {
        return false;
    }
    if (!tls_version_number(args[0]) || (nargs > 1 && !streq(args[1], "or-highest")))
    {
        opt_error(loc, kw, "unknown tls-version-min parameter: %s", args[nargs > 1 ? 1 : 0]);
        return false;
    }
    snprintf(text, sizeof(text), "%s%s", args[0], nargs > 1 ? " or-highest" : "");
    return set_plain(o, loc, kw, text, &o->tls_version_min);
}

OPT_HANDLER(opt_h_tls_version_max)
{
    if (!tls_version_number(args[0]))
    {
        opt_error(loc, kw, "unknown tls-version-max parameter: %s", args[0]);
        return false;
    }
    return set_plain(o, loc, kw, args[0], &o->tls_version_max);
}

OPT_HANDLER(opt_h_verify_client_cert)
{
    static const char *const modes[] = { "require", "optional", "none" };

    for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
    {
        if (nargs == 0 ? i == 0 : streq(args[0], modes[i]))
        {
            o->verify_client_cert = (int) i;
            return true;
        }
    }
    opt_error(loc, kw, "parameter to --verify-client-cert must be 'none', 'optional' or 'require'");
    return false;
}

/* ---------------------------------------------------------------- peer checks */

OPT_HANDLER(opt_h_remote_cert_tls)
{
    if (streq(args[0], "server"))
    {
        o->remote_cert_tls = REMOTE_CERT_SERVER;
        opt_set_str(&o->remote_cert_eku, "TLS Web Server Authentication");
    }
    else if (streq(args[0], "client"))
    {
        o->remote_cert_tls = REMOTE_CERT_CLIENT;
        opt_set_str(&o->remote_cert_eku, "TLS Web Client Authentication");
    }
    else
    {
        opt_error(loc, kw, "--remote-cert-tls must be 'client' or 'server'");
        return false;
    }
    /* 2.6: any keyUsage will do, the library already matched it to the EKU */
    o->remote_cert_ku[0] = REMOTE_CERT_KU_ANY;
    o->n_remote_cert_ku = 1;
    return true;
}

OPT_HANDLER(opt_h_remote_cert_ku)
{
    unsigned int ku[OPT_MAX_KU];

    for (int i = 0; i < nargs; i++)
    {
        const char *a = args[i];
        size_t n = strspn(a, "0123456789abcdefABCDEF");
        unsigned long v;

        if (n == 0 || n > 4 || a[n] != '\0' || (v = strtoul(a, NULL, 16)) == 0)
        {
            opt_error(loc, kw, "'%s' is not a key usage in hex (1..ffff)", a);
            return false;
        }
        ku[i] = (unsigned int) v;
    }
    memcpy(o->remote_cert_ku, ku, sizeof(ku[0]) * (size_t) nargs);
    o->n_remote_cert_ku = nargs;
    return true;
}

OPT_HANDLER(opt_h_remote_cert_eku)
{
    return not_inline(o, loc, kw) && (opt_set_str(&o->remote_cert_eku, args[0]), true);
}

OPT_HANDLER(opt_h_verify_x509_name)
{
    static const struct
    {
        const char *name;
        enum verify_x509_type type;
    } types[] = {
        { "subject", VERIFY_X509_SUBJECT_DN },
        { "name", VERIFY_X509_SUBJECT_RDN },
        { "name-prefix", VERIFY_X509_SUBJECT_RDN_PREFIX },
    };
    int type = VERIFY_X509_SUBJECT_DN;

    if (nargs > 1)
    {
        type = VERIFY_X509_NONE;
        for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        {
            if (streq(args[1], types[i].name))
            {
                type = types[i].type;
            }
        }
        if (type == VERIFY_X509_NONE)
        {
            opt_error(loc, kw, "unknown X.509 name type: %s", args[1]);
            return false;
        }
    }
    o->verify_x509_type = type;
    opt_set_str(&o->verify_x509_name, args[0]);
    return true;
}

OPT_HANDLER(opt_h_crl_verify)
{
    if (nargs > 1 && !streq(args[1], "dir"))
    {
        opt_error(loc, kw, "second parameter must be 'dir', not '%s'", args[1]);
        return false;
    }
    if (nargs > 1 && o->inline_data)
    {
        opt_error(loc, kw, "an inline <crl-verify> block cannot be a directory");
        return false;
    }
    o->crl_verify_dir = nargs > 1;
    return set_file(o, loc, kw, args[0], &o->crl_verify);
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
    {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F')
    {
        return c - 'A' + 10;
    }
    return -1;
}

/* "AB:CD:..." -> 32 bytes, with 2.6's three messages. */
static bool
parse_fingerprint(const struct opt_loc *loc, const char *kw, const char *s, uint8_t out[32])
{
    size_t n = 0;

    for (const char *p = s;; p += 3)
    {
        if (hexval(p[0]) < 0 || hexval(p[1]) < 0 || (p[2] != ':' && p[2] != '\0'))
        {
            opt_error(loc, kw, "format error in hash fingerprint: %s", s);
            return false;
        }
        if (n == 32)
        {
            opt_error(loc, kw, "hash fingerprint too long - expected only %d bytes: %s", 32, s);
            return false;
        }
        out[n++] = (uint8_t) (hexval(p[0]) << 4 | hexval(p[1]));
        if (p[2] == '\0')
        {
            break;
        }
    }
    if (n != 32)
    {
        opt_error(
          loc, kw, "hash fingerprint is wrong length - expected %d bytes, got %zu: %s", 32, n, s);
        return false;
    }
    return true;
}

static bool
add_fingerprint(struct options *o, const struct opt_loc *loc, const char *kw, const char *s)
{
    if (o->n_peer_fingerprints == OPT_MAX_FINGERPRINTS)
    {
        opt_error(loc, kw, "at most %d fingerprints", OPT_MAX_FINGERPRINTS);
        return false;
    }
    if (!parse_fingerprint(loc, kw, s, o->peer_fingerprints[o->n_peer_fingerprints]))
    {
        return false;
    }
    o->n_peer_fingerprints++;
    o->loc_of_fingerprint = *loc;
    return true;
}

/* <peer-fingerprint>: one fingerprint per line, '#' and ';' start comments. */
static bool
add_fingerprint_block(struct options *o, const struct opt_loc *loc, const char *kw)
{
    const char *p = o->inline_data;

    while (*p)
    {
        size_t len = strcspn(p, "\n");
        char line[256];
        char *word;
        size_t wl;

        snprintf(
          line, sizeof(line), "%.*s", (int) (len < sizeof(line) ? len : sizeof(line) - 1), p);
        p += len + (p[len] == '\n' ? 1 : 0);
        word = line + strspn(line, " \t\r");
        wl = strcspn(word, " \t\r#;");
        if (wl == 0)
        {
            continue;
        }
        word[wl] = '\0';
        if (!add_fingerprint(o, loc, kw, word))
        {
            return false;
        }
    }
    return true;
}

OPT_HANDLER(opt_h_peer_fingerprint)
{
    if (streq(args[0], OPT_INLINE_TAG) && o->inline_data)
    {
        return add_fingerprint_block(o, loc, kw);
    }
    return add_fingerprint(o, loc, kw, args[0]);
}

OPT_HANDLER(opt_h_tls_verify)
{
    if (!not_inline(o, loc, kw))
    {
        return false;
    }
    opt_set_str(&o->tls_verify, args[0]);
    for (char *c = o->tls_verify; *c; c++)
    {
        if (*c == ',')
        {
            *c = ' '; /* 2.6: "cmd,arg" means "cmd arg" */
        }
    }
    return true;
}

/* ---------------------------------------------------------------- wrapping */

OPT_HANDLER(opt_h_tls_auth)
{
    if (nargs > 1 && !opt_h_key_direction(o, loc, kw, args + 1, 1))
    {
        return false;
    }
    return set_file(o, loc, kw, args[0], &o->tls_auth);
}

OPT_HANDLER(opt_h_tls_crypt)
{
    return set_file(o, loc, kw, args[0], &o->tls_crypt);
}

OPT_HANDLER(opt_h_tls_crypt_v2)
{
    if (nargs > 1)
    {
        if (streq(args[1], "force-cookie"))
        {
            o->tls_crypt_v2_force_cookie = true;
        }
        else if (streq(args[1], "allow-noncookie"))
        {
            o->tls_crypt_v2_force_cookie = false;
        }
        else
        {
            opt_error(loc, kw, "Unsupported tls-crypt-v2 argument: %s", args[1]);
            return false;
        }
    }
    return set_file(o, loc, kw, args[0], &o->tls_crypt_v2);
}

/* ---------------------------------------------------------------- timers and flags */

OPT_HANDLER(opt_h_hand_window)
{
    return opt_int(loc, kw, args[0], 0, INT_MAX, &o->hand_window);
}

OPT_HANDLER(opt_h_tls_timeout)
{
    return opt_int(loc, kw, args[0], 0, INT_MAX, &o->tls_timeout);
}

OPT_HANDLER(opt_h_tran_window)
{
    return opt_int(loc, kw, args[0], 0, INT_MAX, &o->tran_window);
}

OPT_HANDLER(opt_h_reneg_sec)
{
    if (!opt_int(loc, kw, args[0], 0, INT_MAX, &o->reneg_sec))
    {
        return false;
    }
    return nargs < 2 || opt_int(loc, kw, args[1], 0, INT_MAX, &o->reneg_sec_min);
}

OPT_HANDLER(opt_h_reneg_bytes)
{
    unsigned long v;

    if (!opt_uint(loc, kw, args[0], 0, (unsigned long) INT64_MAX, &v))
    {
        return false;
    }
    o->reneg_bytes = (int64_t) v;
    return true;
}

OPT_HANDLER(opt_h_reneg_pkts)
{
    unsigned long v;

    if (!opt_uint(loc, kw, args[0], 0, (unsigned long) INT64_MAX, &v))
    {
        return false;
    }
    o->reneg_pkts = (int64_t) v;
    return true;
}

OPT_HANDLER(opt_h_tls_exit)
{
    o->tls_exit = true;
    return true;
}

OPT_HANDLER(opt_h_single_session)
{
    o->single_session = true;
    return true;
}

OPT_HANDLER(opt_h_auth_nocache)
{
    o->auth_nocache = true;
    return true;
}

/* ---------------------------------------------------------------- post-processing */

static bool
usage_error(const char *why)
{
    msg(M_USAGE, "Options error: %s", why);
    return false;
}

/* A file directive that names a missing/unreadable file: FILE:LINE of the directive. */
static bool
check_readable(const struct opt_file *f, const char *kw, bool dir)
{
    if (!f->value || f->is_inline || (streq(kw, "dh") && streq(f->value, "none")))
    {
        return true;
    }
    if (access(f->value, dir ? (R_OK | X_OK) : R_OK) != 0)
    {
        int e = errno;

        opt_error(
          &f->loc, NULL, "--%s fails with '%s': %s (errno=%d)", kw, f->value, strerror(e), e);
        return false;
    }
    if (streq(kw, "key") || streq(kw, "pkcs12") || strncmp(kw, "tls-", 4) == 0)
    {
        opt_warn_private_file(f->value); /* secrets: 2.6 warns, and goes on */
    }
    return true;
}

static bool
check_files(const struct options *o)
{
    return check_readable(&o->ca, "ca", false) && check_readable(&o->capath, "capath", true) &&
           check_readable(&o->cert, "cert", false) && check_readable(&o->key, "key", false) &&
           check_readable(&o->pkcs12, "pkcs12", false) &&
           check_readable(&o->extra_certs, "extra-certs", false) &&
           check_readable(&o->dh, "dh", false) &&
           check_readable(&o->crl_verify, "crl-verify", o->crl_verify_dir) &&
           check_readable(&o->tls_auth, "tls-auth", false) &&
           check_readable(&o->tls_crypt, "tls-crypt", false) &&
           check_readable(&o->tls_crypt_v2, "tls-crypt-v2", false);
}

/* The order of 2.6's checks decides which message a broken config gets. */
static bool
check_tls_mode(const struct options *o)
{
    if (o->tls_server && !o->dh.value)
    {
        return usage_error("You must define DH file (--dh)");
    }
    if (!o->ca.value && !o->capath.value && !o->pkcs12.value && o->n_peer_fingerprints == 0)
    {
        return usage_error("You must define CA file (--ca) or CA path (--capath) and/or "
                           "peer fingerprint verification (--peer-fingerprint)");
    }
    if (o->pkcs12.value)
    {
        if (o->capath.value)
        {
            return usage_error("Parameter --capath cannot be used when --pkcs12 is also "
                               "specified.");
        }
        if (o->cert.value)
        {
            return usage_error("Parameter --cert cannot be used when --pkcs12 is also specified.");
        }
        if (o->key.value)
        {
            return usage_error("Parameter --key cannot be used when --pkcs12 is also specified.");
        }
    }
    else if (!o->cert.value)
    {
        return usage_error("You must define certificate file (--cert) or PKCS#12 file (--pkcs12)");
    }
    else if (!o->key.value)
    {
        return usage_error("You must define private key file (--key) or PKCS#12 file (--pkcs12)");
    }
    if (o->tls_auth.value && o->tls_crypt.value)
    {
        return usage_error("--tls-auth and --tls-crypt are mutually exclusive");
    }
    if (o->tls_client && o->tls_crypt_v2.value && (o->tls_auth.value || o->tls_crypt.value))
    {
        return usage_error("--tls-crypt-v2, --tls-auth and --tls-crypt are mutually "
                           "exclusive in client mode");
    }
    if (o->verify_client_cert != 0 && o->mode != MODE_SERVER)
    {
        return usage_error("--verify-client-cert requires --mode server");
    }
    return true;
}

/* Outside TLS mode every TLS directive is an error, named like 2.6 does. */
static bool
check_not_tls(const struct options *o)
{
    const struct
    {
        bool set;
        const char *name;
    } undef[] = {
        { o->ca.value != NULL, "ca_file" },
        { o->capath.value != NULL, "ca_path" },
        { o->dh.value != NULL, "dh_file" },
        { o->cert.value != NULL, "cert_file" },
        { o->key.value != NULL, "priv_key_file" },
        { o->pkcs12.value != NULL, "pkcs12_file" },
        { o->tls_cipher.value != NULL, "cipher_list" },
        { o->tls_ciphersuites.value != NULL, "cipher_list_tls13" },
        { o->tls_cert_profile.value != NULL, "tls_cert_profile" },
        { o->tls_verify != NULL, "tls_verify" },
        { o->verify_x509_name != NULL, "verify_x509_name" },
        { o->tls_timeout != 2, "tls_timeout" },
        { o->reneg_bytes != -1, "renegotiate_bytes" },
        { o->reneg_pkts != 0, "renegotiate_packets" },
        { o->reneg_sec != 3600, "renegotiate_seconds" },
        { o->hand_window != 60, "handshake_window" },
        { o->tran_window != 3600, "transition_window" },
        { o->tls_auth.value != NULL, "tls_auth_file" },
        { o->tls_crypt.value != NULL, "tls_crypt_file" },
        { o->tls_crypt_v2.value != NULL && o->genkey == GENKEY_NONE, "tls_crypt_v2_file" },
        { o->single_session, "single_session" },
        { o->tls_exit, "tls_exit" },
        { o->crl_verify.value != NULL, "crl_file" },
        { o->n_remote_cert_ku > 0, "remote_cert_ku[0]" },
        { o->remote_cert_eku != NULL, "remote_cert_eku" },
        { o->n_peer_fingerprints > 0, "verify_hash" },
        { o->extra_certs.value != NULL, "extra_certs_file" },
        { o->ecdh_curve.value != NULL, "ecdh_curve" },
        { o->tls_groups.value != NULL, "tls_groups" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(undef); i++)
    {
        if (undef[i].set)
        {
            msg(M_USAGE,
                "Options error: Parameter %s can only be specified in TLS-mode, i.e. where "
                "--tls-server or --tls-client is also specified.",
                undef[i].name);
            return false;
        }
    }
    return true;
}

/* The version number at the start of "1.2 or-highest". */
static int
tls_version_number_prefix(const char *v)
{
    char first[8];

    snprintf(first, sizeof(first), "%.*s", (int) strcspn(v, " "), v);
    return tls_version_number(first);
}

static bool
check_versions(const struct options *o)
{
    int min = o->tls_version_min.value ? tls_version_number_prefix(o->tls_version_min.value) : 0;
    int max = o->tls_version_max.value ? tls_version_number(o->tls_version_max.value) : 0;

    if (min && max && min > max && !strstr(o->tls_version_min.value, "or-highest"))
    {
        return usage_error("--tls-version-min bigger than --tls-version-max");
    }
    return true;
}

/* 2.6's --cipher in P2P TLS mode: the fallback when the peer cannot negotiate. */
static void
postprocess_cipher(struct options *o)
{
    if (!o->data_ciphers)
    {
        opt_set_str(&o->data_ciphers, DEFAULT_DATA_CIPHERS);
    }
    if (o->data_ciphers_fallback)
    {
        opt_set_str(&o->ciphername, o->data_ciphers_fallback);
        o->enable_ncp_fallback = true;
    }
    else if (o->ciphername_defined)
    {
        o->enable_ncp_fallback = true;
    }
}

bool
options_tls_postprocess(struct options *o)
{
    bool tls = o->tls_client || o->tls_server;

    if (!tls)
    {
        return check_not_tls(o);
    }
    if (!check_tls_mode(o) || !check_versions(o) || !check_files(o))
    {
        return false;
    }
    postprocess_cipher(o);
    if (o->n_peer_fingerprints > 0 && !o->ca.value && !o->capath.value && !o->pkcs12.value)
    {
        msg(M_INFO, "Using certificate fingerprint to verify peer (no CA option set). ");
    }
    return true;
}

/* ---------------------------------------------------------------- hand-off */

static struct ssl_opt
ssl_opt_of(const struct opt_file *f)
{
    struct ssl_opt s = {
        .value = f->value,
        .is_inline = f->is_inline,
        .file = f->loc.file,
        .line = f->loc.line,
    };
    return s;
}

bool
options_ssl_config(const struct options *o, struct ssl_config *out)
{
    static const enum ssl_verify_client vcc[] = {
        SSL_VERIFY_CLIENT_REQUIRE,
        SSL_VERIFY_CLIENT_OPTIONAL,
        SSL_VERIFY_CLIENT_NONE,
    };

    memset(out, 0, sizeof(*out));
    if (!o->tls_client && !o->tls_server)
    {
        return false;
    }
    out->role = o->tls_server ? SSL_ROLE_SERVER : SSL_ROLE_CLIENT;
    out->ca = ssl_opt_of(&o->ca);
    out->capath = ssl_opt_of(&o->capath);
    out->cert = ssl_opt_of(&o->cert);
    out->key = ssl_opt_of(&o->key);
    out->pkcs12 = ssl_opt_of(&o->pkcs12);
    out->extra_certs = ssl_opt_of(&o->extra_certs);
    out->dh = ssl_opt_of(&o->dh);
    out->ecdh_curve = ssl_opt_of(&o->ecdh_curve);
    out->tls_groups = ssl_opt_of(&o->tls_groups);
    out->tls_cipher = ssl_opt_of(&o->tls_cipher);
    out->tls_ciphersuites = ssl_opt_of(&o->tls_ciphersuites);
    out->tls_cert_profile = ssl_opt_of(&o->tls_cert_profile);
    out->tls_version_min = ssl_opt_of(&o->tls_version_min);
    out->tls_version_max = ssl_opt_of(&o->tls_version_max);
    if (!o->crl_verify_dir)
    {
        out->crl_file = ssl_opt_of(&o->crl_verify);
    }
    out->verify_client_cert =
      vcc[o->verify_client_cert >= 0 && o->verify_client_cert <= 2 ? o->verify_client_cert : 0];
    return true;
}

void
options_ssl_verify_config(const struct options *o, struct ssl_verify_config *out)
{
    memset(out, 0, sizeof(*out));
    out->x509_type = (enum ssl_x509_name_type) o->verify_x509_type;
    out->x509_name = o->verify_x509_name;
    for (int i = 0; i < o->n_remote_cert_ku && i < SSL_VERIFY_MAX_KU; i++)
    {
        out->ku[out->n_ku++] = o->remote_cert_ku[i];
    }
    out->eku = o->remote_cert_eku;
    out->fingerprints = (const uint8_t(*)[SSL_VERIFY_FP_LEN]) o->peer_fingerprints;
    out->n_fingerprints = (size_t) o->n_peer_fingerprints;
    out->fingerprint_only = !o->ca.value && !o->capath.value && !o->pkcs12.value;
    out->crl_dir = o->crl_verify_dir ? o->crl_verify.value : NULL;
}
