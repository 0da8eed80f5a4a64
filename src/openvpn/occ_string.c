/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * occ_string.c -- see occ_string.h.  The item order and spelling are what
 * 2.6 sends (checked against the reference's "Local Options String" log
 * lines); differences only ever produce warnings.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "crypto_backend.h"
#include "error.h"
#include "occ_string.h"
#include "options.h"
#include "strutil.h"
#include "tun.h"
#include "wire.h"

/* tap devices get 32 bytes of extra room unless --tun-mtu-extra says otherwise */
#define TAP_MTU_EXTRA_DEFAULT 32

static bool
comp_v1_framing(const struct options *o)
{
    return o->comp == COMP_LZO_STUB || o->comp == COMP_LZO || o->comp == COMP_STUB
           || o->comp == COMP_LZ4;
}

static int
mtu_extra(const struct options *o)
{
    if (o->tun_mtu_extra > 0)
    {
        return o->tun_mtu_extra;
    }
    return tun_dev_type(o->dev, o->dev_type) == DEV_TYPE_TAP ? TAP_MTU_EXTRA_DEFAULT : 0;
}

static bool
tls_mode(const struct options *o)
{
    return o->tls_client || o->tls_server;
}

/* The cipher the string names: --cipher, where 2.6's default BF-CBC is
 * costed as a 64-bit-block CBC cipher even when the library lacks it. */
static bool
occ_cipher(const struct options *o, struct cipher_info *ci)
{
    if (crypto_cipher_info(o->ciphername, ci))
    {
        return true;
    }
    if (streq(o->ciphername, "BF-CBC"))
    {
        memset(ci, 0, sizeof(*ci));
        strbcpy(ci->name, "BF-CBC", sizeof(ci->name));
        ci->mode = CIPHER_MODE_CBC;
        ci->key_len = 16;
        ci->iv_len = 8;
        ci->block_size = 8;
        return true;
    }
    return false;
}

int
occ_link_mtu(const struct options *o)
{
    struct cipher_info ci;
    size_t hmac = 0;
    /* with --link-mtu 2.6 still costs the default tun MTU here */
    int mtu = (o->link_mtu ? 1500 : o->tun_mtu) + mtu_extra(o);
    bool tcp = o->proto != PROTO_UDP;
    bool tls = tls_mode(o);

    if (!o->shared_secret_file && !tls)
    {
        return mtu + (tcp ? 2 : 0) + (comp_v1_framing(o) ? 1 : 0);
    }
    /* §6.11: packet id inside the payload (short in TLS mode), opcode byte */
    /* --no-replay sends no packet id in static-key mode (2.6 costs it so too) */
    mtu += tls ? PACKET_ID_SHORT_LEN + 1 : o->replay ? PACKET_ID_LONG_LEN : 0;
    mtu += (comp_v1_framing(o) ? 1 : 0) + (o->fragment ? 4 : 0) + (tcp ? 2 : 0);
    if (occ_cipher(o, &ci) && ci.mode != CIPHER_MODE_NONE)
    {
        mtu += (int)(ci.block_size + ci.iv_len) + (ci.mode == CIPHER_MODE_AEAD ? AEAD_TAG_LEN : 0);
    }
    if ((!occ_cipher(o, &ci) || ci.mode != CIPHER_MODE_AEAD) && crypto_digest_size(o->authname, &hmac))
    {
        mtu += (int)hmac;
    }
    return mtu;
}

/*
 * What 2.6 subtracts from --link-mtu to get the tun MTU: the TCP length,
 * the opcode (TLS), and the crypto envelope as the configured --cipher
 * and --auth give it (a cipher the library lacks counts as none): the
 * packet id unless CBC encrypts it, IV and one block (for AEAD also the
 * tag), the HMAC unless AEAD.  Compression and fragment headers are not
 * counted.
 */
int
occ_link_mtu_overhead(const struct options *o)
{
    bool tls = o->tls_client || o->tls_server;
    struct cipher_info ci;
    bool have =
      o->ciphername && crypto_cipher_info(o->ciphername, &ci) && ci.mode != CIPHER_MODE_NONE;
    size_t hmac = 0;
    size_t n = (o->proto != PROTO_UDP ? 2 : 0) + (tls ? 1 : 0);

    if (!tls && !o->shared_secret_file)
    {
        return (int)n;
    }
    if (!have || ci.mode != CIPHER_MODE_CBC)
    {
        n += tls ? PACKET_ID_SHORT_LEN : o->replay ? PACKET_ID_LONG_LEN : 0;
    }
    if (have)
    {
        n += ci.iv_len + ci.block_size + (ci.mode == CIPHER_MODE_AEAD ? AEAD_TAG_LEN : 0);
    }
    if ((!have || ci.mode != CIPHER_MODE_AEAD) && o->authname
        && crypto_digest_size(o->authname, &hmac))
    {
        n += hmac;
    }
    return (int)n;
}

static const char *
proto_item(const struct options *o, bool remote)
{
    switch (o->proto)
    {
        case PROTO_TCP_SERVER:
            return remote ? "TCPv4_CLIENT" : "TCPv4_SERVER";

        case PROTO_TCP_CLIENT:
            return remote ? "TCPv4_SERVER" : "TCPv4_CLIENT";

        default:
            return "UDPv4";
    }
}

/* tun p2p: "<remote> <local>" as the sender sees it; tap/subnet: network and mask */
static void
ifconfig_item(struct buffer *b, const struct options *o, enum dev_type type, bool remote)
{
    struct in_addr local, other;
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

    if (!o->ifconfig_local || !o->ifconfig_remote_netmask)
    {
        return;
    }
    if (type == DEV_TYPE_NULL || inet_pton(AF_INET, o->ifconfig_local, &local) != 1
        || inet_pton(AF_INET, o->ifconfig_remote_netmask, &other) != 1)
    {
        buf_printf(b, ",ifconfig [undef]");
        return;
    }
    if (type == DEV_TYPE_TAP || o->topology == TOP_SUBNET)
    {
        struct in_addr net = { .s_addr = local.s_addr & other.s_addr };

        inet_ntop(AF_INET, &net, a, sizeof(a));
        inet_ntop(AF_INET, &other, m, sizeof(m));
        buf_printf(b, ",ifconfig %s %s", a, m);
        return;
    }
    buf_printf(b, ",ifconfig %s %s", remote ? o->ifconfig_local : o->ifconfig_remote_netmask,
               remote ? o->ifconfig_remote_netmask : o->ifconfig_local);
}

static void
crypto_items(struct buffer *b, const struct options *o, bool remote)
{
    struct cipher_info ci;
    bool have_cipher = occ_cipher(o, &ci);
    bool null_cipher = have_cipher && ci.mode == CIPHER_MODE_NONE;
    bool tls = tls_mode(o);
    size_t hmac = 0;

    if (o->key_direction != KEY_DIR_UNSET && (!tls || o->tls_auth.value))
    {
        buf_printf(b, ",keydir %d", remote ? 1 - o->key_direction : o->key_direction);
    }
    buf_printf(b, ",cipher %s", null_cipher ? "[null-cipher]" : have_cipher ? ci.name : o->ciphername);
    crypto_digest_size(o->authname, &hmac);
    buf_printf(b, ",auth %s", hmac == 0 ? "[null-digest]" : o->authname);
    buf_printf(b, ",keysize %d", have_cipher ? (int)ci.key_len * 8 : 0);
    if (tls)
    {
        if (o->tls_auth.value)
        {
            buf_printf(b, ",tls-auth");
        }
        buf_printf(b, ",key-method 2");
        buf_printf(b, ",%s", o->tls_server != remote ? "tls-server" : "tls-client");
        return;
    }
    buf_printf(b, ",secret");
    if (!o->replay)
    {
        buf_printf(b, ",no-replay");
    }
}

bool
occ_string_build(const struct options *o, bool remote, char *out, size_t n)
{
    enum dev_type type = tun_dev_type(o->dev, o->dev_type);
    struct buffer b = buf_storage((uint8_t *)out, n, 0);

    buf_printf(&b, "V4,dev-type %s", dev_type_string(type));
    buf_printf(&b, ",link-mtu %d,tun-mtu %d", occ_link_mtu(o), o->tun_mtu);
    buf_printf(&b, ",proto %s", proto_item(o, remote));
    if (o->ifconfig_ipv6_local)
    {
        buf_printf(&b, ",tun-ipv6");
    }
    ifconfig_item(&b, o, type, remote);
    if (o->comp != COMP_NONE)
    {
        buf_printf(&b, ",comp-lzo");
    }
    if (o->fragment)
    {
        buf_printf(&b, ",mtu-dynamic");
    }
    if (o->shared_secret_file || tls_mode(o))
    {
        crypto_items(&b, o, remote);
    }
    /* buf_printf keeps the text NUL-terminated; a full buffer truncates the string */
    return buf_write_u8(&b, 0);
}

/* Items a mismatch of which 2.6 never warns about. */
static bool
item_is_silent(const char *name)
{
    static const char *const silent[] = { "key-method", "keydir", "proto", "tls-auth",
                                          "tun-ipv6", "cipher" };

    for (size_t i = 0; i < ARRAY_SIZE(silent); i++)
    {
        if (strcmp(name, silent[i]) == 0)
        {
            return true;
        }
    }
    return false;
}

/* Find the item called @p name in a comma list; copy it into @p item. */
static bool
find_item(const char *list, const char *name, char *item, size_t n)
{
    size_t nl = strlen(name);
    const char *p = list;

    while (p && *p)
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len >= nl && strncmp(p, name, nl) == 0 && (len == nl || p[nl] == ' '))
        {
            snprintf(item, n, "%.*s", (int)len, p);
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* Walk @p a's items; report those that differ from or are missing in @p b. */
static int
compare_one_way(const char *a, const char *b, bool a_is_local)
{
    char item[256], name[64], other[256];
    const char *p = a;
    int diffs = 0;

    while (p && *p)
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        snprintf(item, sizeof(item), "%.*s", (int)len, p);
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(item, " "), item);
        p = end ? end + 1 : NULL;
        if (item_is_silent(name) || strcmp(name, "V4") == 0)
        {
            continue;
        }
        if (!find_item(b, name, other, sizeof(other)))
        {
            msg(D_SHOW_OCC,
                "WARNING: '%s' is present in %s config but missing in %s config, %s='%s'",
                name, a_is_local ? "local" : "remote", a_is_local ? "remote" : "local",
                a_is_local ? "local" : "remote", item);
            diffs++;
        }
        else if (a_is_local && strcmp(item, other) != 0)
        {
            msg(D_SHOW_OCC, "WARNING: '%s' is used inconsistently, local='%s', remote='%s'", name,
                item, other);
            diffs++;
        }
    }
    return diffs;
}

int
occ_string_compare(const char *expected, const char *actual)
{
    if (strcmp(expected, actual) == 0)
    {
        return 0;
    }
    if (strncmp(expected, actual, 2) != 0)
    {
        msg(D_SHOW_OCC, "WARNING: peer options string has a different version: '%.2s'", actual);
        return 1;
    }
    return compare_one_way(expected, actual, true) + compare_one_way(actual, expected, false);
}
