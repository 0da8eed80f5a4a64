/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_crypto.c -- handlers for data-channel crypto, one-shot crypto
 * tools (--genkey, --show-*), mode flags (--tls-client/--tls-server) and
 * compression framing directives.
 *
 * Tier 4.  Must not include tier 5+ headers nor the crypto library: names
 * (ciphers, digests) are stored as given and checked when the crypto
 * context is built.  Inline <secret> text is key material: it is copied
 * once into struct options and never logged.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "options_table.h"
#include "strutil.h"

/* "0", "1" (or 2.6's "bidirectional") -> enum key_dir_opt */
static bool
key_dir_parse(const struct opt_loc *loc, const char *kw, const char *arg, int *out)
{
    if (streq(arg, "0"))
    {
        *out = KEY_DIR_NORMAL;
    }
    else if (streq(arg, "1"))
    {
        *out = KEY_DIR_INVERSE;
    }
    else if (streq(arg, "bidirectional"))
    {
        *out = KEY_DIR_UNSET;
    }
    else
    {
        opt_error(loc, kw, "Unknown key direction '%s' -- must be '0' or '1'", arg);
        return false;
    }
    return true;
}

OPT_HANDLER(opt_h_secret)
{
    bool is_inline = streq(args[0], OPT_INLINE_TAG);

    /* 2.6 says it while parsing: before a later --machine-readable-output applies */
    msg(M_WARN, "DEPRECATED OPTION: The option --secret is deprecated.");

    if (is_inline && !o->inline_data)
    {
        opt_error(loc, kw, "%s is only valid for an inline <secret> block", OPT_INLINE_TAG);
        return false;
    }
    if (nargs > 1 && !key_dir_parse(loc, kw, args[1], &o->key_direction))
    {
        return false;
    }
    opt_set_str(&o->shared_secret_file, is_inline ? o->inline_data : args[0]);
    o->shared_secret_inline = is_inline;
    o->loc_of_secret = *loc;
    return true;
}

OPT_HANDLER(opt_h_key_direction)
{
    return key_dir_parse(loc, kw, args[0], &o->key_direction);
}

OPT_HANDLER(opt_h_cipher)
{
    opt_set_str(&o->ciphername, args[0]);
    o->ciphername_defined = true;
    return true;
}

OPT_HANDLER(opt_h_auth)
{
    opt_set_str(&o->authname, args[0]);
    return true;
}

OPT_HANDLER(opt_h_no_replay)
{
    o->replay = false;
    return true;
}

OPT_HANDLER(opt_h_replay_window)
{
    /* 2.6's limits: window 0..65536 packets, time 0..600 s */
    if (!opt_int(loc, kw, args[0], 0, 65536, &o->replay_window))
    {
        return false;
    }
    return nargs < 2 || opt_int(loc, kw, args[1], 0, 600, &o->replay_time);
}

OPT_HANDLER(opt_h_mute_replay_warnings)
{
    o->mute_replay_warnings = true;
    return true;
}

OPT_HANDLER(opt_h_providers)
{
    for (int i = 0; i < nargs; i++)
    {
        if (o->n_providers == MAX_PROVIDERS)
        {
            opt_error(loc, kw, "at most %d providers", MAX_PROVIDERS);
            return false;
        }
        o->providers[o->n_providers++] = xstrdup(args[i]);
    }
    return true;
}

OPT_HANDLER(opt_h_data_ciphers)
{
    opt_set_str(&o->data_ciphers, args[0]);
    return true;
}

OPT_HANDLER(opt_h_data_ciphers_fallback)
{
    opt_set_str(&o->data_ciphers_fallback, args[0]);
    return true;
}

OPT_HANDLER(opt_h_genkey)
{
    static const struct
    {
        const char *name;
        enum genkey_type type;
    } kinds[] = {
        { "secret", GENKEY_SECRET },
        { "tls-auth", GENKEY_SECRET },
        { "tls-crypt", GENKEY_SECRET },
        { "tls-crypt-v2-server", GENKEY_TLS_CRYPT_V2_SERVER },
        { "tls-crypt-v2-client", GENKEY_TLS_CRYPT_V2_CLIENT },
        { "auth-token", GENKEY_AUTH_TOKEN },
    };

    o->genkey = GENKEY_SECRET; /* bare --genkey: legacy form, file from --secret */
    if (nargs == 0)
    {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
    {
        if (streq(args[0], kinds[i].name))
        {
            o->genkey = kinds[i].type;
            opt_set_str(&o->genkey_file, nargs > 1 ? args[1] : NULL);
            if (nargs > 2 && kinds[i].type != GENKEY_TLS_CRYPT_V2_CLIENT)
            {
                opt_error(loc, kw, "only tls-crypt-v2-client takes metadata");
                return false;
            }
            opt_set_str(&o->genkey_metadata, nargs > 2 ? args[2] : NULL);
            return true;
        }
    }
    opt_error(loc, kw, "unknown --genkey type: %s", args[0]);
    return false;
}

OPT_HANDLER(opt_h_test_crypto)
{
    o->test_crypto = true;
    return true;
}

OPT_HANDLER(opt_h_show_ciphers)
{
    o->show_ciphers = true;
    return true;
}

OPT_HANDLER(opt_h_show_digests)
{
    o->show_digests = true;
    return true;
}

OPT_HANDLER(opt_h_show_tls)
{
    o->show_tls = true;
    return true;
}

OPT_HANDLER(opt_h_show_engines)
{
    o->show_engines = true;
    return true;
}

OPT_HANDLER(opt_h_tls_server)
{
    o->tls_server = true;
    return true;
}

OPT_HANDLER(opt_h_tls_client)
{
    o->tls_client = true;
    return true;
}

OPT_HANDLER(opt_h_comp_lzo)
{
    const char *a = nargs > 0 ? args[0] : "adaptive";

    if (streq(a, "no"))
    {
        o->comp = COMP_LZO_STUB; /* framing byte stays: the peer may still say comp-lzo */
        o->comp_lzo_adaptive = false;
    }
    else if (streq(a, "yes") || streq(a, "adaptive"))
    {
        o->comp = COMP_LZO;
        o->comp_lzo_adaptive = streq(a, "adaptive");
    }
    else
    {
        opt_error(loc, kw, "bad comp-lzo option: %s -- must be 'yes', 'no', or 'adaptive'", a);
        return false;
    }
    return true;
}

/* 2.6: stops the adaptive mode a comp-lzo before it chose */
OPT_HANDLER(opt_h_comp_noadapt)
{
    o->comp_lzo_adaptive = false;
    return true;
}

OPT_HANDLER(opt_h_compress)
{
    static const struct
    {
        const char *name;
        enum comp_kind kind;
    } algs[] = {
        { "stub", COMP_STUB }, { "stub-v2", COMP_STUB_V2 }, { "lzo", COMP_LZO },
        { "lz4", COMP_LZ4 },   { "lz4-v2", COMP_LZ4_V2 },
    };
    const char *a = nargs > 0 ? args[0] : "stub";

    if (streq(a, "migrate"))
    {
        return opt_not_yet(loc, "compress migrate");
    }
    for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
    {
        if (streq(a, algs[i].name))
        {
            o->comp = algs[i].kind;
            o->comp_lzo_adaptive = false;
            return true;
        }
    }
    opt_error(loc, kw, "bad comp option: %s", a);
    return false;
}

OPT_HANDLER(opt_h_allow_compression)
{
    o->allow_compression_defined = true;
    if (streq(args[0], "no"))
    {
        o->allow_compression = 0;
    }
    else if (streq(args[0], "asym"))
    {
        o->allow_compression = 1;
    }
    else if (streq(args[0], "yes"))
    {
        o->allow_compression = 2;
    }
    else
    {
        opt_error(
          loc, kw, "bad allow-compression option: %s -- must be 'yes', 'no', or 'asym'", args[0]);
        return false;
    }
    return true;
}
