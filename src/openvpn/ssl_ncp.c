/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_ncp.c -- data-cipher lists and negotiation (doc/protocol.md §7.3, §7.5).
 *
 * Pure functions over colon-separated lists; see ssl_ncp.h for contracts.
 * Tier 3c: includes key_msg.h, crypto_backend.h and tiers 0-1 only.
 */
#include "config.h"

#include "ssl_ncp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto_backend.h"
#include "errlevel.h"
#include "error.h"
#include "key_msg.h"

/* 2.5+ peers that only say IV_NCP=2 support both GCM ciphers (§7.3) */
#define NCP_IMPLIED_IV_NCP2 "AES-256-GCM:AES-128-GCM"

/*
 * Iterate over the entries of a colon list: copies the next entry into
 * @p tok (truncated entries are skipped as unmatchable by making them
 * empty) and advances *@p pos.  False at the end of the list.
 */
static bool
next_entry(const char **pos, char *tok, size_t toklen)
{
    const char *p = *pos;
    const char *end;
    size_t n;

    if (p == NULL || *p == '\0')
    {
        return false;
    }
    end = strchr(p, ':');
    n = end ? (size_t) (end - p) : strlen(p);
    if (n < toklen)
    {
        memcpy(tok, p, n);
        tok[n] = '\0';
    }
    else
    {
        tok[0] = '\0';
    }
    *pos = end ? end + 1 : p + n;
    return true;
}

bool
ncp_list_contains(const char *list, const char *name)
{
    char tok[64];
    const char *pos = list;

    if (name == NULL || *name == '\0')
    {
        return false;
    }
    while (next_entry(&pos, tok, sizeof(tok)))
    {
        if (tok[0] != '\0' && strcasecmp(tok, name) == 0)
        {
            return true;
        }
    }
    return false;
}

static bool
append_entry(char *out, size_t outlen, const char *name)
{
    size_t used = strlen(out);
    int n = snprintf(out + used, outlen - used, "%s%s", used ? ":" : "", name);

    return n >= 0 && (size_t) n < outlen - used;
}

bool
ncp_list_normalise(const char *in, char *out, size_t outlen)
{
    char tok[64];
    const char *pos = in;

    ASSERT(outlen > 0);
    out[0] = '\0';
    while (next_entry(&pos, tok, sizeof(tok)))
    {
        bool optional = tok[0] == '?';
        const char *name = optional ? tok + 1 : tok;
        struct cipher_info ci;

        if (!crypto_cipher_info(name, &ci) || ci.mode == CIPHER_MODE_OTHER)
        {
            if (optional)
            {
                msg(D_TLS_DEBUG_LOW, "Optional cipher not available: %s", name);
                continue;
            }
            msg(M_WARN, "Unsupported cipher in --data-ciphers: %s", name);
            out[0] = '\0';
            return false;
        }
        if (strcmp(ci.name, "none") == 0)
        {
            msg(M_WARN,
                "WARNING: cipher 'none' specified in --data-ciphers. This allows "
                "negotiation of NO encryption and tunnelled data WILL then be "
                "transmitted in clear text over the network! PLEASE DO RECONSIDER "
                "THIS SETTING!");
        }
        if (ncp_list_contains(out, ci.name))
        {
            continue;
        }
        if (!append_entry(out, outlen, ci.name) || strlen(out) >= NCP_LIST_MAX - 1)
        {
            msg(M_WARN, "--data-ciphers list is too long (max %d characters)", NCP_LIST_MAX - 1);
            out[0] = '\0';
            return false;
        }
    }
    if (out[0] == '\0')
    {
        msg(M_WARN, "--data-ciphers list contains no usable cipher");
        return false;
    }
    return true;
}

bool
ncp_list_first_common(const char *ours, const char *theirs, char *out, size_t outlen)
{
    char tok[64];
    const char *pos = ours;

    ASSERT(outlen > 0);
    out[0] = '\0';
    while (next_entry(&pos, tok, sizeof(tok)))
    {
        if (tok[0] != '\0' && ncp_list_contains(theirs, tok) && strlen(tok) < outlen)
        {
            memcpy(out, tok, strlen(tok) + 1);
            return true;
        }
    }
    return false;
}

static bool
copy_name(const char *name, char *out, size_t outlen)
{
    if (name == NULL || strlen(name) >= outlen)
    {
        out[0] = '\0';
        return false;
    }
    memcpy(out, name, strlen(name) + 1);
    return true;
}

enum ncp_choice
ncp_server_choose(const char *server_list,
                  const char *peer_info,
                  const char *peer_occ_cipher,
                  const char *fallback,
                  char *out,
                  size_t outlen)
{
    char peer_list[KM_PEER_INFO_MAX];
    char ncp[16];
    char tok[64];
    const char *pos = server_list;
    bool has_list = false;
    bool has_ciphers = false;

    ASSERT(outlen > 0);
    out[0] = '\0';
    if (peer_info && key_msg_peer_info_get(peer_info, "IV_CIPHERS", peer_list, sizeof(peer_list)))
    {
        has_list = true;
        has_ciphers = true;
    }
    else if (peer_info && key_msg_peer_info_get(peer_info, "IV_NCP", ncp, sizeof(ncp)) &&
             atoi(ncp) >= 2)
    {
        has_list = true;
        copy_name(NCP_IMPLIED_IV_NCP2, peer_list, sizeof(peer_list));
    }
    else
    {
        peer_list[0] = '\0';
    }
    /* the OCC cipher only counts for clients that sent no IV_CIPHERS */
    bool use_occ = peer_occ_cipher && *peer_occ_cipher && !has_ciphers;

    while (next_entry(&pos, tok, sizeof(tok)))
    {
        if (tok[0] == '\0')
        {
            continue;
        }
        if ((has_list && ncp_list_contains(peer_list, tok)) ||
            (use_occ && strcasecmp(tok, peer_occ_cipher) == 0))
        {
            return copy_name(tok, out, outlen) ? NCP_CHOICE_NEGOTIATED : NCP_CHOICE_FAILED;
        }
    }
    if (!has_list && !(peer_occ_cipher && *peer_occ_cipher) && fallback && *fallback)
    {
        return copy_name(fallback, out, outlen) ? NCP_CHOICE_FALLBACK : NCP_CHOICE_FAILED;
    }
    return NCP_CHOICE_FAILED;
}

bool
ncp_p2p_negotiate(bool tls_server,
                  const char *own_list,
                  const char *fallback,
                  unsigned int own_iv_proto,
                  const char *peer_info,
                  struct ncp_p2p_result *out)
{
    char peer_list[KM_PEER_INFO_MAX];
    unsigned int proto = key_msg_peer_info_proto(peer_info ? peer_info : "");

    memset(out, 0, sizeof(*out));
    if (!(proto & IV_PROTO_NCP_P2P))
    {
        /* legacy peer: --cipher as configured, P_DATA_V1, PRF keys */
        return fallback && copy_name(fallback, out->cipher, sizeof(out->cipher));
    }
    out->negotiated = true;
    out->data_v2 = (proto & IV_PROTO_DATA_V2) != 0;
    out->ekm = (proto & IV_PROTO_TLS_KEY_EXPORT) && (own_iv_proto & IV_PROTO_TLS_KEY_EXPORT);
    out->cc_exit = (proto & IV_PROTO_CC_EXIT_NOTIFY) && (own_iv_proto & IV_PROTO_CC_EXIT_NOTIFY);

    if (key_msg_peer_info_get(peer_info, "IV_CIPHERS", peer_list, sizeof(peer_list)))
    {
        /* the TLS server's list decides the order; both sides know both lists */
        const char *srv = tls_server ? own_list : peer_list;
        const char *cli = tls_server ? peer_list : own_list;

        if (ncp_list_first_common(srv, cli, out->cipher, sizeof(out->cipher)))
        {
            out->cipher_common = true;
            return true;
        }
    }
    return fallback && copy_name(fallback, out->cipher, sizeof(out->cipher));
}

void
ncp_p2p_format_result(const struct ncp_p2p_result *r, uint32_t peer_id, char *out, size_t outlen)
{
    char cipher[128];

    if (r->cipher_common)
    {
        snprintf(cipher, sizeof(cipher), "%s", r->cipher);
    }
    else
    {
        snprintf(cipher,
                 sizeof(cipher),
                 "(not negotiated, fallback-cipher: %s)",
                 r->cipher[0] ? r->cipher : "none");
    }
    /* 2.6 prints the peer-id with %d: PEER_ID_UNDEF would read 16777215 */
    snprintf(out,
             outlen,
             "P2P mode NCP negotiation result: TLS_export=%d, DATA_v2=%d, peer-id %d, cipher=%s",
             r->ekm ? 1 : 0,
             r->data_v2 ? 1 : 0,
             (int) peer_id,
             cipher);
}
