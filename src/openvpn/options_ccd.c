/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_ccd.c -- per-client config files (--client-config-dir, and the
 * file a --client-connect script writes): the ccd-only directives (iroute,
 * ifconfig-push, push-reset, disable ...) and the reader that runs a file
 * through the normal tokenizer and keyword table in context OPT_W_CCD.
 *
 * Tier 4.  Must not include tier 5+ headers.  A bad line is logged with
 * FILE:LINE and skipped, as 2.6 does: one typo must not lock a client out.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options_ccd.h"
#include "options_parse.h"
#include "options_table.h"
#include "strutil.h"

#define CCD_MAX_BYTES (1024u * 1024u) /* a ccd file is a handful of lines */

/* The ccd being filled; handlers run only while client_config_parse_text() is active. */
static struct client_config *
target(struct options *o, const struct opt_loc *loc, const char *kw)
{
    if (!o->ccd_target)
    {
        opt_error(loc, kw, "only allowed in a --client-config-dir file");
    }
    return o->ccd_target;
}

OPT_HANDLER(opt_h_push_reset)
{
    struct client_config *cc = target(o, loc, kw);

    if (!cc)
    {
        return false;
    }
    cc->push_reset = true;
    return true;
}

OPT_HANDLER(opt_h_disable)
{
    struct client_config *cc = target(o, loc, kw);

    if (!cc)
    {
        return false;
    }
    cc->disable = true;
    return true;
}

OPT_HANDLER(opt_h_iroute)
{
    struct client_config *cc = target(o, loc, kw);
    uint32_t net, mask = 0xFFFFFFFFu;
    int bits = 0;

    if (!cc)
    {
        return false;
    }
    if (!opt_parse_ip4(args[0], &net) || (nargs > 1 && !opt_parse_ip4(args[1], &mask)))
    {
        opt_error(loc, kw, "bad network/netmask '%s %s'", args[0], nargs > 1 ? args[1] : "");
        return false;
    }
    while (bits < 32 && (mask & (0x80000000u >> bits)))
    {
        bits++;
    }
    if (bits < 32 && (mask << bits) != 0)
    {
        opt_error(loc, kw, "netmask '%s' is not contiguous", args[1]);
        return false;
    }
    if (cc->n_iroutes == MAX_CCD_IROUTES)
    {
        opt_error(loc, kw, "at most %d --iroute entries", MAX_CCD_IROUTES);
        return false;
    }
    cc->iroutes[cc->n_iroutes].network = net & mask;
    cc->iroutes[cc->n_iroutes].bits = bits;
    cc->n_iroutes++;
    return true;
}

OPT_HANDLER(opt_h_iroute_ipv6)
{
    struct client_config *cc = target(o, loc, kw);
    struct iroute6 *r;

    if (!cc)
    {
        return false;
    }
    if (cc->n_iroutes6 == MAX_CCD_IROUTES)
    {
        opt_error(loc, kw, "at most %d --iroute-ipv6 entries", MAX_CCD_IROUTES);
        return false;
    }
    r = &cc->iroutes6[cc->n_iroutes6];
    if (!opt_parse_ip6_prefix(args[0], r->network, &r->bits, false))
    {
        opt_error(loc, kw, "'%s' is not an IPv6 network/bits", args[0]);
        return false;
    }
    for (int i = 0; i < 16; i++)
    {
        int keep = r->bits - 8 * i;

        if (keep <= 0)
        {
            r->network[i] = 0;
        }
        else if (keep < 8)
        {
            r->network[i] &= (uint8_t) (0xFF << (8 - keep));
        }
    }
    cc->n_iroutes6++;
    return true;
}

/* ifconfig-push LOCAL REMOTE_NETMASK [alias]: the alias word is accepted and unused. */
OPT_HANDLER(opt_h_ifconfig_push)
{
    struct client_config *cc = target(o, loc, kw);
    uint32_t l, r;

    if (!cc)
    {
        return false;
    }
    if (!opt_parse_ip4(args[0], &l) || !opt_parse_ip4(args[1], &r))
    {
        opt_error(loc, kw, "cannot parse --ifconfig-push addresses '%s' '%s'", args[0], args[1]);
        return false;
    }
    cc->ifconfig_push_defined = true;
    cc->ifconfig_push_local = l;
    cc->ifconfig_push_remote_netmask = r;
    return true;
}

/* ifconfig-ipv6-push ADDR[/BITS] [REMOTE]: /64 when no bits, like --ifconfig-ipv6. */
OPT_HANDLER(opt_h_ifconfig_ipv6_push)
{
    struct client_config *cc = target(o, loc, kw);
    uint8_t a[16], r[16] = { 0 };
    int bits;

    if (!cc)
    {
        return false;
    }
    if (!opt_parse_ip6_prefix(args[0], a, &bits, false))
    {
        opt_error(loc, kw, "invalid IPv6 address '%s'", args[0]);
        return false;
    }
    if (!strchr(args[0], '/'))
    {
        bits = 64;
    }
    if (nargs > 1 && inet_pton(AF_INET6, args[1], r) != 1)
    {
        opt_error(loc, kw, "invalid IPv6 address '%s'", args[1]);
        return false;
    }
    cc->ifconfig_ipv6_push_defined = true;
    memcpy(cc->ifconfig_ipv6_push_local, a, 16);
    cc->ifconfig_ipv6_push_bits = bits;
    memcpy(cc->ifconfig_ipv6_push_remote, r, 16);
    return true;
}

/* ---------------------------------------------------------------- reader */

bool
client_config_parse_text(const char *name, const char *text, size_t len, struct client_config *cc)
{
    struct options *o = xcalloc(1, sizeof(*o));

    memset(cc, 0, sizeof(*cc));
    options_init_defaults(o);
    o->ccd_target = cc;
    o->parse_keep_going = true;
    /* errors were logged line by line; what parsed cleanly is kept */
    (void) opt_parse_text(o, name, text, len, OPT_W_CCD, 1);
    o->ccd_target = NULL;
    options_free(o);
    free(o);
    return true;
}

bool
client_config_read(const char *path, struct client_config *cc)
{
    FILE *fp = fopen(path, "r");
    char *text;
    size_t len;
    bool ok;

    memset(cc, 0, sizeof(*cc));
    if (!fp)
    {
        return false;
    }
    text = xcalloc(CCD_MAX_BYTES + 1, 1);
    len = fread(text, 1, CCD_MAX_BYTES, fp);
    ok = !ferror(fp);
    fclose(fp);
    if (ok)
    {
        ok = client_config_parse_text(path, text, len, cc);
    }
    free(text);
    return ok;
}

void
client_config_free(struct client_config *cc)
{
    for (int i = 0; i < cc->n_push; i++)
    {
        free(cc->push[i]);
    }
    for (int i = 0; i < cc->n_push_remove; i++)
    {
        free(cc->push_remove[i]);
    }
    memset(cc, 0, sizeof(*cc));
}

bool
client_config_file_name(const char *dir, const char *cn, char *out, size_t outlen)
{
    size_t dl = strlen(dir), cl = strlen(cn);
    char *p;

    if (cl == 0 || streq(cn, ".") || streq(cn, "..") || dl + 1 + cl + 1 > outlen)
    {
        return false;
    }
    memcpy(out, dir, dl);
    out[dl] = '/';
    p = out + dl + 1;
    for (size_t i = 0; i < cl; i++)
    {
        unsigned char c = (unsigned char) cn[i];

        /* never let a certificate name walk out of the directory */
        p[i] = (c < 0x20 || c >= 0x7F || c == '/') ? '_' : (char) c;
    }
    p[cl] = '\0';
    return true;
}
