/* SPDX-License-Identifier: GPL-2.0-only */
/* tools.c -- see tools.h. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "crypto_backend.h"
#include "crypto_selftest.h"
#include "error.h"
#include "platform.h"
#include "platform_systemd.h"
#include "ssl_backend.h"
#include "static_key.h"
#include "tls_crypt_v2.h"
#include "tools.h"
#include "tun.h"

/* --tls-crypt-v2 SERVERKEY --genkey tls-crypt-v2-client FILE [B64 metadata] */
static int
genkey_v2_client(const struct options *o)
{
    const struct opt_file *sk = &o->tls_crypt_v2;
    struct key ks;
    bool ok;

    if (!sk->value)
    {
        msg(M_WARN, "--genkey tls-crypt-v2-client requires a server key to be set via "
                    "--tls-crypt-v2 to create a client key");
        return 1;
    }
    ok = sk->is_inline ? tls_crypt_v2_read_server_key_text(sk->value, sk->loc.file, sk->loc.line,
                                                           &ks)
                       : tls_crypt_v2_read_server_key_file(sk->value, &ks);
    if (ok)
    {
        ok = tls_crypt_v2_genkey_client(o->genkey_file, &ks, o->genkey_metadata, time(NULL));
    }
    secure_memzero(&ks, sizeof(ks));
    return ok ? 0 : 1;
}

static int
genkey(const struct options *o)
{
    struct key2 k;
    bool ok;

    if (o->genkey == GENKEY_TLS_CRYPT_V2_SERVER)
    {
        return tls_crypt_v2_genkey_server(o->genkey_file) ? 0 : 1;
    }
    if (o->genkey == GENKEY_TLS_CRYPT_V2_CLIENT)
    {
        return genkey_v2_client(o);
    }
    if (o->genkey != GENKEY_SECRET)
    {
        msg(M_WARN, "--genkey: 'auth-token' keys are not supported by this build yet");
        return 1;
    }
    if (!static_key_generate(&k))
    {
        return 1;
    }
    ok = static_key_write_file(o->genkey_file, &k);
    secure_memzero(&k, sizeof(k));
    return ok ? 0 : 1;
}

static int
test_crypto(const struct options *o)
{
    struct key2 k;
    struct crypto_config cfg = {
        .cipher = o->ciphername,
        .auth = o->authname,
        .long_packet_id = true,
        .replay = o->replay,
        .replay_window = o->replay_window,
        .replay_time = o->replay_time,
    };
    bool ok;

    if (!o->shared_secret_file)
    {
        msg(M_WARN, "--test-crypto requires --secret");
        return 1;
    }
    platform_systemd_ready(); /* 2.6 runs the self-test as a tunnel instance */
    ok = o->shared_secret_inline
             ? static_key_read_text(o->shared_secret_file, o->loc_of_secret.file,
                                    o->loc_of_secret.line, &k)
             : static_key_read_file(o->shared_secret_file, &k);
    if (!ok)
    {
        return 1;
    }
    ok = crypto_selftest(&k, o->key_direction, &cfg);
    secure_memzero(&k, sizeof(k));
    return ok ? 0 : 1;
}

static int
persist(const struct options *o, bool on)
{
    struct tun_config tc;

    memset(&tc, 0, sizeof(tc));
    tc.dev = o->dev;
    tc.type = tun_dev_type(o->dev, o->dev_type);
    tc.dev_node = o->dev_node;
    tc.mtu = o->tun_mtu;
    return tun_set_persist(&tc, on, o->username, o->groupname) ? 0 : 1;
}

static struct ssl_opt
opt_of(const struct opt_file *f)
{
    struct ssl_opt s = { .value = f->value, .file = f->loc.file, .line = f->loc.line };

    return s;
}

/* --show-tls: the lists the TLS options of this configuration would give */
static int
show_tls(const struct options *o)
{
    struct ssl_config sc;

    memset(&sc, 0, sizeof(sc));
    sc.tls_cipher = opt_of(&o->tls_cipher);
    sc.tls_ciphersuites = opt_of(&o->tls_ciphersuites);
    sc.tls_cert_profile = opt_of(&o->tls_cert_profile);
    ssl_print_tls_ciphers(&sc);
    return 0;
}

bool
tools_run(const struct options *o, int *status)
{
    if (o->genkey != GENKEY_NONE)
    {
        /* 2.6 keeps a new key out of swap with --mlock */
        if (o->mlock && !platform_mlockall())
        {
            msg(M_INFO, "Exiting due to fatal error");
            *status = 1;
            return true;
        }
        *status = genkey(o);
    }
    else if (o->show_ciphers)
    {
        crypto_print_ciphers();
        *status = 0;
    }
    else if (o->show_digests)
    {
        crypto_print_digests();
        *status = 0;
    }
    else if (o->show_tls)
    {
        *status = show_tls(o);
    }
    else if (o->show_engines)
    {
        ssl_print_engines();
        *status = 0;
    }
    else if (o->test_crypto)
    {
        *status = test_crypto(o);
    }
    else if (o->mktun || o->rmtun)
    {
        *status = persist(o, o->mktun);
    }
    else
    {
        return false;
    }
    return true;
}
