/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_dco.c -- 2.6's option rules for data channel offload.  The
 * kernel does the data channel for AEAD ciphers on P_DATA_V2 only, with no
 * compression or fragmentation framing and a tun device; every other
 * setting keeps the data channel in userspace.  Each rule logs the exact
 * line 2.6 logs (checked against the reference by tests/t_dco_fallback.sh),
 * and only the first rule that applies speaks, as in 2.6.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto_backend.h"
#include "dco.h"
#include "error.h"
#include "options_dco.h"
#include "platform.h"
#include "strutil.h"
#include "tun.h"

/* One of the ciphers both kernel modules implement. */
static bool
kernel_cipher(const char *name)
{
    enum dco_cipher c;

    return dco_cipher_by_name(name, &c);
}

/* The first --data-ciphers entry the kernel cannot do, into @p out; false if none.
 * An optional ("?NAME") entry the crypto library does not know is dropped
 * before negotiation, so it does not count. */
static bool
first_foreign_cipher(const char *list, char *out, size_t size)
{
    char buf[512];
    char *save = NULL;

    strbcpy(buf, list ? list : "", sizeof(buf));
    for (char *tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
    {
        bool optional = tok[0] == '?';
        const char *name = optional ? tok + 1 : tok;
        struct cipher_info info;

        if (!*name || kernel_cipher(name))
        {
            continue;
        }
        if (optional && !crypto_cipher_info(name, &info))
        {
            continue;
        }
        strbcpy(out, name, size);
        return true;
    }
    return false;
}

static bool
fragment_used(const struct options *o)
{
    if (o->fragment > 0)
    {
        return true;
    }
    for (int i = 0; i < o->n_remotes; i++)
    {
        if (o->remotes[i].fragment > 0)
        {
            return true;
        }
    }
    return false;
}

bool
options_dco_allowed(const struct options *o)
{
    char cipher[128];

    if (o->disable_dco)
    {
        return false; /* asked for: nothing to say */
    }
    if (fragment_used(o))
    {
        msg(D_DCO, "Note: --fragment disables data channel offload.");
        return false;
    }
    if (!o->tls_client && !o->tls_server)
    {
        msg(D_DCO, "No tls-client or tls-server option in configuration detected. Disabling "
                   "data channel offload.");
        return false;
    }
    if (tun_dev_type(o->dev, o->dev_type) != DEV_TYPE_TUN)
    {
        msg(D_DCO, "Note: dev-type not tun, disabling data channel offload.");
        return false;
    }
    if (o->mode == MODE_SERVER && o->topology != TOP_SUBNET)
    {
        msg(D_DCO, "Note: NOT using '--topology subnet' disables data channel offload.");
        return false;
    }
    if (o->data_ciphers_fallback && !kernel_cipher(o->data_ciphers_fallback))
    {
        msg(D_DCO, "Note: --data-ciphers-fallback with cipher '%s' disables data channel "
                   "offload.", o->data_ciphers_fallback);
        return false;
    }
    /* any compression framing, or compression allowed on purpose */
    if (o->comp != COMP_NONE || (o->allow_compression_defined && o->allow_compression != 0))
    {
        msg(D_DCO, "Note: '--allow-compression' is not set to 'no', disabling data channel "
                   "offload.");
        if (o->mode == MODE_SERVER)
        {
            msg(D_DCO, "Consider using the '--compress migrate' option.");
        }
        return false;
    }
    if (first_foreign_cipher(o->data_ciphers, cipher, sizeof(cipher)))
    {
        msg(D_DCO, "Note: cipher '%s' in --data-ciphers is not supported by ovpn-dco, disabling "
                   "data channel offload.", cipher);
        return false;
    }
    /* the kernel data channel needs CAP_NET_ADMIN after the --user change */
    if (o->username)
    {
        enum platform_caps pc = platform_net_admin_retainable();

        if (pc == PLATFORM_CAPS_NO_SETPCAP)
        {
            msg(D_DCO, "--user specified but lacking CAP_SETPCAP. Cannot retain CAP_NET_ADMIN. "
                       "Disabling data channel offload");
            return false;
        }
        if (pc == PLATFORM_CAPS_NO_NET_ADMIN)
        {
            msg(D_DCO, "--user specified but not permitted to retain CAP_NET_ADMIN. Disabling "
                       "data channel offload");
            return false;
        }
    }
    return true;
}

void
options_dco_apply(struct options *o)
{
    if (o->dev_node)
    {
        msg(M_INFO, "Note: --dev-node not supported on this platform with data channel "
                    "offload, ignoring it");
        free(o->dev_node);
        o->dev_node = NULL;
    }
    if (o->mode == MODE_SERVER && o->client_to_client)
    {
        msg(M_INFO, "Note: --client-to-client has no effect when using data channel offload: "
                    "packets are always sent to the VPN interface and then routed based on the "
                    "system routing table");
    }
}
