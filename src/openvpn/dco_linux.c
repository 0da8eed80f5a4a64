/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dco_linux.c -- the Linux DCO backend: generic netlink (libnl-genl-3) to
 * the ovpn-dco-v2 or ovpn kernel family, rtnetlink for the interface.
 *
 * The two families carry the same facts in different shapes (doc/dco.md 2.3):
 * struct dialect below holds every number that differs, so one builder per
 * operation serves both.  Kernel input is parsed only through the policy
 * tables declared next to its parser; an attribute that is present has the
 * size its reader expects, and nothing read from the kernel is used as an
 * index or a length.
 *
 * Tier 3o.  The only file that includes libnl and <linux/...> netlink
 * headers; must not include control-channel, crypto or options headers.
 *
 * Size: this file is over the ~1000-line target because the one-file rule
 * for libnl keeps two layers together: the pure message layer (builders and
 * policy-checked parsers, first half) and the socket layer (second half).
 * They split cleanly along the "Socket I/O" line below if the tier map ever
 * admits a second netlink file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <net/if.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "dco.h"
#include "error.h"
#include "ovpn_dco_linux.h"

#define DCO_REPLY_TIMEOUT_SEC 5 /* a kernel that never answers must not hang us */
#define DCO_EVENT_BUF         8192

struct dco
{
    enum dco_api api;
    int family;         /* generic netlink family id */
    struct nl_sock *sk; /* requests and their ACKs */
    struct nl_sock *ev; /* member of the "peers" multicast group */
    unsigned int ifindex;
    enum dco_mode mode;
    struct ratelimit rl; /* kernel input we could not use */
    time_t last_now;     /* latest time seen by dco_events_read(), for rl */
    uint8_t rxbuf[DCO_EVENT_BUF];
};

/*
 * Every per-API number the builders need.  Member attributes that are
 * equal in both APIs (IFINDEX 1, keyconf 1..6, keydir 1..2) are used
 * directly through the DCOV2_ names.
 */
struct dialect
{
    uint8_t cmd_peer_new, cmd_peer_set, cmd_peer_del, cmd_peer_get;
    uint8_t cmd_key_new, cmd_key_swap, cmd_key_del;
    uint16_t nest_peer_new, nest_peer_set, nest_peer_del, nest_peer_get;
    uint16_t nest_key_new, nest_key_swap, nest_key_del;
    uint16_t peer_del_id, peer_get_id, ka_interval, ka_timeout;
    bool u32_key_fields; /* slot, key-id, cipher: u32 (ovpn) or u8/u8/u16 (v2) */
};

static const struct dialect dialect_v2 = {
    DCOV2_CMD_NEW_PEER,
    DCOV2_CMD_SET_PEER,
    DCOV2_CMD_DEL_PEER,
    DCOV2_CMD_GET_PEER,
    DCOV2_CMD_NEW_KEY,
    DCOV2_CMD_SWAP_KEYS,
    DCOV2_CMD_DEL_KEY,
    DCOV2_A_NEW_PEER,
    DCOV2_A_SET_PEER,
    DCOV2_A_DEL_PEER,
    DCOV2_A_GET_PEER,
    DCOV2_A_NEW_KEY,
    DCOV2_A_SWAP_KEYS,
    DCOV2_A_DEL_KEY,
    DCOV2_DEL_PEER_PEER_ID,
    DCOV2_GET_PEER_PEER_ID,
    DCOV2_SET_PEER_KEEPALIVE_INTERVAL,
    DCOV2_SET_PEER_KEEPALIVE_TIMEOUT,
    false,
};

static const struct dialect dialect_ovpn = {
    OVPNNL_CMD_PEER_NEW,
    OVPNNL_CMD_PEER_SET,
    OVPNNL_CMD_PEER_DEL,
    OVPNNL_CMD_PEER_GET,
    OVPNNL_CMD_KEY_NEW,
    OVPNNL_CMD_KEY_SWAP,
    OVPNNL_CMD_KEY_DEL,
    OVPNNL_A_PEER,
    OVPNNL_A_PEER,
    OVPNNL_A_PEER,
    OVPNNL_A_PEER,
    OVPNNL_A_KEYCONF,
    OVPNNL_A_KEYCONF,
    OVPNNL_A_KEYCONF,
    OVPNNL_PEER_ID,
    OVPNNL_PEER_ID,
    OVPNNL_PEER_KEEPALIVE_INTERVAL,
    OVPNNL_PEER_KEEPALIVE_TIMEOUT,
    true,
};

static const struct dialect *
dialect_of(enum dco_api api)
{
    switch (api)
    {
        case DCO_API_OVPN_DCO_V2:
            return &dialect_v2;
        case DCO_API_OVPN:
            return &dialect_ovpn;
        default:
            return NULL;
    }
}

/* ======================================================================
 * Building requests
 * ====================================================================== */

/* Nests must carry NLA_F_NESTED (strict kernels and libnl < 3.5). */
static struct nlattr *
nest_start(struct nl_msg *m, int type)
{
    return nla_nest_start(m, type | NLA_F_NESTED);
}

/* genl header + IFINDEX (attribute 1 in both APIs) + the command's nest. */
static struct nl_msg *
request_start(int family, uint8_t cmd, unsigned int ifindex, int nest, struct nlattr **n)
{
    struct nl_msg *m = nlmsg_alloc();

    if (!m)
    {
        return NULL;
    }
    if (!genlmsg_put(m,
                     NL_AUTO_PORT,
                     NL_AUTO_SEQ,
                     family,
                     0,
                     NLM_F_REQUEST | NLM_F_ACK,
                     cmd,
                     DCOV2_GENL_VERSION) ||
        nla_put_u32(m, DCOV2_A_IFINDEX, ifindex) < 0 || !(*n = nest_start(m, nest)))
    {
        nlmsg_free(m);
        return NULL;
    }
    return m;
}

/* Close the nest; free the message and return NULL if any put failed. */
static struct nl_msg *
request_end(struct nl_msg *m, struct nlattr *n, bool ok)
{
    if (!ok || nla_nest_end(m, n) < 0)
    {
        nlmsg_free(m);
        return NULL;
    }
    return m;
}

struct nl_msg *
dco_build_iface_new(enum dco_api api, const char *ifname, enum dco_mode mode)
{
    const char *kind = dco_link_kind(api);
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nlattr *info, *data;
    struct nl_msg *m;

    if (!kind || !ifname || !ifname[0] || strlen(ifname) >= IFNAMSIZ ||
        (mode != DCO_MODE_P2P && mode != DCO_MODE_MP))
    {
        return NULL;
    }
    m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    if (!m)
    {
        return NULL;
    }
    bool ok = nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
              nla_put_string(m, IFLA_IFNAME, ifname) == 0 &&
              (info = nest_start(m, IFLA_LINKINFO)) != NULL &&
              nla_put_string(m, IFLA_INFO_KIND, kind) == 0 &&
              (data = nest_start(m, IFLA_INFO_DATA)) != NULL &&
              nla_put_u8(m, DCO_IFLA_OVPN_MODE, (uint8_t) mode) == 0 &&
              nla_nest_end(m, data) == 0 && nla_nest_end(m, info) == 0;
    if (!ok)
    {
        nlmsg_free(m);
        return NULL;
    }
    return m;
}

struct nl_msg *
dco_build_iface_del(unsigned int ifindex)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int) ifindex };
    struct nl_msg *m = nlmsg_alloc_simple(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);

    if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
    {
        nlmsg_free(m);
        m = NULL;
    }
    return m;
}

static bool
peer_valid(const struct dco_peer *p)
{
    sa_family_t rf = p->remote.ss_family;

    if (p->peer_id > DCO_PEER_ID_MAX || p->sd < 0)
    {
        return false;
    }
    if (p->has_remote && rf != AF_INET && rf != AF_INET6)
    {
        return false;
    }
    /* a local address only makes sense with a remote of the same family */
    return !p->has_local || (p->has_remote && p->local_family == rf);
}

static bool
put_v2_peer(struct nl_msg *m, const struct dco_peer *p)
{
    bool v4 = p->remote.ss_family == AF_INET;
    bool ok = nla_put_u32(m, DCOV2_NEW_PEER_PEER_ID, p->peer_id) == 0 &&
              nla_put_u32(m, DCOV2_NEW_PEER_SOCKET, (uint32_t) p->sd) == 0;

    if (ok && p->has_remote) /* the attribute length tells the kernel the family */
    {
        size_t len = v4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        ok = nla_put(m, DCOV2_NEW_PEER_SOCKADDR_REMOTE, (int) len, &p->remote) == 0;
    }
    if (ok && p->has_local)
    {
        ok = v4 ? nla_put(m, DCOV2_NEW_PEER_LOCAL_IP, 4, &p->local4) == 0
                : nla_put(m, DCOV2_NEW_PEER_LOCAL_IP, 16, &p->local6) == 0;
    }
    if (ok && p->has_vpn4)
    {
        ok = nla_put_u32(m, DCOV2_NEW_PEER_IPV4, p->vpn4.s_addr) == 0;
    }
    if (ok && p->has_vpn6)
    {
        ok = nla_put(m, DCOV2_NEW_PEER_IPV6, 16, &p->vpn6) == 0;
    }
    return ok;
}

static bool
put_ovpn_peer(struct nl_msg *m, const struct dco_peer *p)
{
    const struct sockaddr_in *sin = (const struct sockaddr_in *) &p->remote;
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &p->remote;
    bool v4 = p->remote.ss_family == AF_INET;
    bool ok = nla_put_u32(m, OVPNNL_PEER_ID, p->peer_id) == 0 &&
              nla_put_u32(m, OVPNNL_PEER_SOCKET, (uint32_t) p->sd) == 0;

    if (ok && p->has_remote && v4) /* address and port stay in network order */
    {
        ok = nla_put_u32(m, OVPNNL_PEER_REMOTE_IPV4, sin->sin_addr.s_addr) == 0 &&
             nla_put_u16(m, OVPNNL_PEER_REMOTE_PORT, sin->sin_port) == 0;
    }
    else if (ok && p->has_remote)
    {
        ok = nla_put(m, OVPNNL_PEER_REMOTE_IPV6, 16, &sin6->sin6_addr) == 0 &&
             nla_put_u16(m, OVPNNL_PEER_REMOTE_PORT, sin6->sin6_port) == 0 &&
             (!sin6->sin6_scope_id ||
              nla_put_u32(m, OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID, sin6->sin6_scope_id) == 0);
    }
    if (ok && p->has_local)
    {
        ok = v4 ? nla_put_u32(m, OVPNNL_PEER_LOCAL_IPV4, p->local4.s_addr) == 0
                : nla_put(m, OVPNNL_PEER_LOCAL_IPV6, 16, &p->local6) == 0;
    }
    if (ok && p->has_vpn4)
    {
        ok = nla_put_u32(m, OVPNNL_PEER_VPN_IPV4, p->vpn4.s_addr) == 0;
    }
    if (ok && p->has_vpn6)
    {
        ok = nla_put(m, OVPNNL_PEER_VPN_IPV6, 16, &p->vpn6) == 0;
    }
    return ok;
}

struct nl_msg *
dco_build_peer_new(enum dco_api api, int family, unsigned int ifindex, const struct dco_peer *peer)
{
    const struct dialect *d = dialect_of(api);
    struct nlattr *n;
    struct nl_msg *m;

    if (!d || !peer || !peer_valid(peer) ||
        !(m = request_start(family, d->cmd_peer_new, ifindex, d->nest_peer_new, &n)))
    {
        return NULL;
    }
    bool ok = api == DCO_API_OVPN ? put_ovpn_peer(m, peer) : put_v2_peer(m, peer);
    return request_end(m, n, ok);
}

struct nl_msg *
dco_build_peer_set(enum dco_api api,
                   int family,
                   unsigned int ifindex,
                   uint32_t peer_id,
                   uint32_t ka_interval,
                   uint32_t ka_timeout)
{
    const struct dialect *d = dialect_of(api);
    struct nlattr *n;
    struct nl_msg *m;

    if (!d || peer_id > DCO_PEER_ID_MAX ||
        !(m = request_start(family, d->cmd_peer_set, ifindex, d->nest_peer_set, &n)))
    {
        return NULL;
    }
    /* peer-id is member 1 of SET_PEER and of PEER; both timers go together */
    bool ok = nla_put_u32(m, DCOV2_SET_PEER_PEER_ID, peer_id) == 0 &&
              nla_put_u32(m, d->ka_interval, ka_interval) == 0 &&
              nla_put_u32(m, d->ka_timeout, ka_timeout) == 0;
    return request_end(m, n, ok);
}

/* A request whose nest holds only the peer-id (attribute @p id_attr). */
static struct nl_msg *
build_peer_only(enum dco_api api,
                int family,
                unsigned int ifindex,
                uint8_t cmd,
                int nest,
                int id_attr,
                uint32_t peer_id)
{
    struct nlattr *n;
    struct nl_msg *m;

    if (!dialect_of(api) || peer_id > DCO_PEER_ID_MAX ||
        !(m = request_start(family, cmd, ifindex, nest, &n)))
    {
        return NULL;
    }
    return request_end(m, n, nla_put_u32(m, id_attr, peer_id) == 0);
}

struct nl_msg *
dco_build_peer_del(enum dco_api api, int family, unsigned int ifindex, uint32_t peer_id)
{
    const struct dialect *d = dialect_of(api);

    return d ? build_peer_only(
                 api, family, ifindex, d->cmd_peer_del, d->nest_peer_del, d->peer_del_id, peer_id)
             : NULL;
}

struct nl_msg *
dco_build_peer_get(enum dco_api api, int family, unsigned int ifindex, uint32_t peer_id)
{
    const struct dialect *d = dialect_of(api);

    return d ? build_peer_only(
                 api, family, ifindex, d->cmd_peer_get, d->nest_peer_get, d->peer_get_id, peer_id)
             : NULL;
}

struct nl_msg *
dco_build_key_swap(enum dco_api api, int family, unsigned int ifindex, uint32_t peer_id)
{
    const struct dialect *d = dialect_of(api);

    return d ? build_peer_only(api,
                               family,
                               ifindex,
                               d->cmd_key_swap,
                               d->nest_key_swap,
                               DCOV2_SWAP_KEYS_PEER_ID,
                               peer_id)
             : NULL;
}

/* slot, key-id and cipher: u8/u8/u16 in ovpn-dco-v2, u32 in ovpn. */
static bool
put_small(struct nl_msg *m, const struct dialect *d, int attr, uint32_t v, int v2_width)
{
    if (d->u32_key_fields)
    {
        return nla_put_u32(m, attr, v) == 0;
    }
    return v2_width == 2 ? nla_put_u16(m, attr, (uint16_t) v) == 0
                         : nla_put_u8(m, attr, (uint8_t) v) == 0;
}

struct nl_msg *
dco_build_key_del(enum dco_api api,
                  int family,
                  unsigned int ifindex,
                  uint32_t peer_id,
                  enum dco_key_slot slot)
{
    const struct dialect *d = dialect_of(api);
    struct nlattr *n;
    struct nl_msg *m;

    if (!d || peer_id > DCO_PEER_ID_MAX ||
        (slot != DCO_KEY_SLOT_PRIMARY && slot != DCO_KEY_SLOT_SECONDARY) ||
        !(m = request_start(family, d->cmd_key_del, ifindex, d->nest_key_del, &n)))
    {
        return NULL;
    }
    bool ok = nla_put_u32(m, DCOV2_DEL_KEY_PEER_ID, peer_id) == 0 &&
              put_small(m, d, DCOV2_DEL_KEY_KEY_SLOT, (uint32_t) slot, 1);
    return request_end(m, n, ok);
}

static bool
put_key_dir(struct nl_msg *m, int type, const struct dco_key_dir *kd, size_t key_len)
{
    struct nlattr *n = nest_start(m, type);

    return n && nla_put(m, DCOV2_KEY_DIR_CIPHER_KEY, (int) key_len, kd->key) == 0 &&
           nla_put(m, DCOV2_KEY_DIR_NONCE_TAIL, DCO_NONCE_TAIL_LEN, kd->nonce_tail) == 0 &&
           nla_nest_end(m, n) == 0;
}

struct nl_msg *
dco_build_key_new(enum dco_api api, int family, unsigned int ifindex, const struct dco_key *key)
{
    const struct dialect *d = dialect_of(api);
    struct nlattr *n;
    struct nl_msg *m;
    uint32_t alg;

    if (!d || !key || key->peer_id > DCO_PEER_ID_MAX || key->key_id > 7 ||
        (key->slot != DCO_KEY_SLOT_PRIMARY && key->slot != DCO_KEY_SLOT_SECONDARY))
    {
        return NULL;
    }
    switch (key->cipher) /* AES-GCM: the kernel picks 128/192/256 by key length */
    {
        case DCO_CIPHER_AES_128_GCM:
        case DCO_CIPHER_AES_192_GCM:
        case DCO_CIPHER_AES_256_GCM:
            alg = DCOV2_CIPHER_AES_GCM;
            break;
        case DCO_CIPHER_CHACHA20_POLY1305:
            alg = DCOV2_CIPHER_CHACHA20_POLY1305;
            break;
        default:
            return NULL;
    }
    if (!(m = request_start(family, d->cmd_key_new, ifindex, d->nest_key_new, &n)))
    {
        return NULL;
    }
    size_t klen = dco_cipher_key_len(key->cipher);
    bool ok = nla_put_u32(m, DCOV2_NEW_KEY_PEER_ID, key->peer_id) == 0 &&
              put_small(m, d, DCOV2_NEW_KEY_KEY_SLOT, (uint32_t) key->slot, 1) &&
              put_small(m, d, DCOV2_NEW_KEY_KEY_ID, key->key_id, 1) &&
              put_small(m, d, DCOV2_NEW_KEY_CIPHER_ALG, alg, 2) &&
              put_key_dir(m, DCOV2_NEW_KEY_ENCRYPT_KEY, &key->encrypt, klen) &&
              put_key_dir(m, DCOV2_NEW_KEY_DECRYPT_KEY, &key->decrypt, klen);
    return request_end(m, n, ok);
}

/* ======================================================================
 * Parsing kernel messages
 * ====================================================================== */

/* True if [head, head+len) is a whole sequence of attributes, no stray bytes. */
static bool
attrs_whole(const struct nlattr *head, int len)
{
    struct nlattr *a;
    int rem;

    nla_for_each_attr(a, (struct nlattr *) head, len, rem)
    {
    }
    return rem <= 0; /* < 0: the last attribute's alignment padding is cut off */
}

/* Parse the members of nest @p nest with @p policy into @p tb. */
static bool
parse_nest(struct nlattr **tb,
           int max,
           const struct nlattr *nest,
           const struct nla_policy *policy,
           const char **why)
{
    if (!attrs_whole(nla_data(nest), nla_len(nest)))
    {
        *why = "truncated attribute in nest";
        return false;
    }
    if (nla_parse_nested(tb, max, (struct nlattr *) nest, (struct nla_policy *) policy) < 0)
    {
        *why = "attribute of the wrong size in nest";
        return false;
    }
    return true;
}

static const struct nla_policy top_policy[DCOV2_A_MAX + 1] = {
    [DCOV2_A_IFINDEX] = { .type = NLA_U32, .maxlen = 4 },
    /* ovpn PEER (2) and KEYCONF (3), ovpn-dco-v2 DEL_PEER (4) and GET_PEER (8) */
    [2] = { .type = NLA_NESTED },
    [3] = { .type = NLA_NESTED },
    [DCOV2_A_DEL_PEER] = { .type = NLA_NESTED },
    [DCOV2_A_GET_PEER] = { .type = NLA_NESTED },
};

/*
 * Check the netlink and genl headers of @p len bytes at @p data and parse
 * the top-level attributes (policy shared by both APIs: the numbers that
 * either API uses for nests are all declared as nests).
 */
static bool
parse_genl(const void *data, size_t len, struct nlattr **tb, uint8_t *cmd, const char **why)
{
    const struct nlmsghdr *nlh = data;

    if (len < NLMSG_HDRLEN + GENL_HDRLEN)
    {
        *why = "truncated header";
        return false;
    }
    if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN || nlh->nlmsg_len > len)
    {
        *why = "length field does not match the message";
        return false;
    }
    const struct genlmsghdr *g = (const void *) ((const uint8_t *) data + NLMSG_HDRLEN);
    const struct nlattr *attrs = (const void *) ((const uint8_t *) g + GENL_HDRLEN);
    int alen = (int) (nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);

    *cmd = g->cmd;
    if (!attrs_whole(attrs, alen))
    {
        *why = "truncated attribute";
        return false;
    }
    if (nla_parse(
          tb, DCOV2_A_MAX, (struct nlattr *) attrs, alen, (struct nla_policy *) top_policy) < 0)
    {
        *why = "attribute of the wrong size";
        return false;
    }
    return true;
}

static enum dco_del_reason
reason_of(uint32_t v)
{
    switch (v) /* never an index: unknown values become DCO_DEL_UNKNOWN */
    {
        case 0:
            return DCO_DEL_TEARDOWN;
        case 1:
            return DCO_DEL_USERSPACE;
        case 2:
            return DCO_DEL_EXPIRED;
        case 3:
            return DCO_DEL_TRANSPORT_ERROR;
        case 4:
            return DCO_DEL_TRANSPORT_DISCONNECT;
        default:
            return DCO_DEL_UNKNOWN;
    }
}

static const struct nla_policy v2_del_policy[DCOV2_DEL_PEER_MAX + 1] = {
    [DCOV2_DEL_PEER_REASON] = { .type = NLA_U8, .maxlen = 1 },
    [DCOV2_DEL_PEER_PEER_ID] = { .type = NLA_U32, .maxlen = 4 },
};

static bool
parse_v2_event(uint8_t cmd, struct nlattr **top, struct dco_event *ev, const char **why)
{
    struct nlattr *a[DCOV2_DEL_PEER_MAX + 1];

    if (cmd != DCOV2_CMD_DEL_PEER) /* the only notification of this API */
    {
        *why = "unexpected command";
        return false;
    }
    if (!top[DCOV2_A_DEL_PEER])
    {
        *why = "no DEL_PEER attribute";
        return false;
    }
    if (!parse_nest(a, DCOV2_DEL_PEER_MAX, top[DCOV2_A_DEL_PEER], v2_del_policy, why))
    {
        return false;
    }
    if (!a[DCOV2_DEL_PEER_REASON] || !a[DCOV2_DEL_PEER_PEER_ID])
    {
        *why = "peer-id or reason missing";
        return false;
    }
    ev->type = DCO_EV_PEER_DEL;
    ev->peer_id = nla_get_u32(a[DCOV2_DEL_PEER_PEER_ID]);
    ev->reason = reason_of(nla_get_u8(a[DCOV2_DEL_PEER_REASON]));
    return true;
}

/* The ovpn peer set as far as notifications and GET replies use it. */
static const struct nla_policy ovpn_peer_policy[OVPNNL_PEER_MAX + 1] = {
    [OVPNNL_PEER_ID] = { .type = NLA_U32, .maxlen = 4 },
    [OVPNNL_PEER_REMOTE_IPV4] = { .type = NLA_U32, .maxlen = 4 },
    [OVPNNL_PEER_REMOTE_IPV6] = { .minlen = 16, .maxlen = 16 },
    [OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID] = { .type = NLA_U32, .maxlen = 4 },
    [OVPNNL_PEER_REMOTE_PORT] = { .type = NLA_U16, .maxlen = 2 },
    [OVPNNL_PEER_KEEPALIVE_INTERVAL] = { .type = NLA_U32, .maxlen = 4 },
    [OVPNNL_PEER_KEEPALIVE_TIMEOUT] = { .type = NLA_U32, .maxlen = 4 },
    [OVPNNL_PEER_DEL_REASON] = { .type = NLA_U32, .maxlen = 4 },
    /* "uint": 4 or 8 bytes, read by length (uint_get) */
    [OVPNNL_PEER_VPN_RX_BYTES] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_VPN_TX_BYTES] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_VPN_RX_PACKETS] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_VPN_TX_PACKETS] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_LINK_RX_BYTES] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_LINK_TX_BYTES] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_LINK_RX_PACKETS] = { .minlen = 4, .maxlen = 8 },
    [OVPNNL_PEER_LINK_TX_PACKETS] = { .minlen = 4, .maxlen = 8 },
};

/* KEY_SWAP_NTF writes KEY_ID as 2 bytes although the spec says u32. */
static const struct nla_policy ovpn_keyconf_policy[OVPNNL_KEYCONF_MAX + 1] = {
    [OVPNNL_KEYCONF_PEER_ID] = { .type = NLA_U32, .maxlen = 4 },
    [OVPNNL_KEYCONF_KEY_ID] = { .minlen = 1, .maxlen = 4 },
};

/* An integer of 1, 2, 4 or 8 bytes (host order); false for other sizes. */
static bool
uint_get(const struct nlattr *a, uint64_t *v)
{
    switch (nla_len(a))
    {
        case 1:
            *v = nla_get_u8((struct nlattr *) a);
            return true;
        case 2:
            *v = nla_get_u16((struct nlattr *) a);
            return true;
        case 4:
            *v = nla_get_u32((struct nlattr *) a);
            return true;
        case 8:
            *v = nla_get_u64((struct nlattr *) a);
            return true;
        default:
            return false;
    }
}

static bool
parse_ovpn_float(struct nlattr **a, struct dco_event *ev, const char **why)
{
    struct sockaddr_in *sin = (struct sockaddr_in *) &ev->remote;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ev->remote;

    if (!a[OVPNNL_PEER_REMOTE_PORT])
    {
        *why = "float without port";
        return false;
    }
    if (a[OVPNNL_PEER_REMOTE_IPV4])
    {
        sin->sin_family = AF_INET;
        sin->sin_port = nla_get_u16(a[OVPNNL_PEER_REMOTE_PORT]); /* network order */
        sin->sin_addr.s_addr = nla_get_u32(a[OVPNNL_PEER_REMOTE_IPV4]);
        return true;
    }
    if (a[OVPNNL_PEER_REMOTE_IPV6])
    {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = nla_get_u16(a[OVPNNL_PEER_REMOTE_PORT]);
        memcpy(&sin6->sin6_addr, nla_data(a[OVPNNL_PEER_REMOTE_IPV6]), 16);
        if (a[OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID])
        {
            sin6->sin6_scope_id = nla_get_u32(a[OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID]);
        }
        return true;
    }
    *why = "float without address";
    return false;
}

static bool
parse_ovpn_event(uint8_t cmd, struct nlattr **top, struct dco_event *ev, const char **why)
{
    struct nlattr *a[OVPNNL_PEER_MAX + 1];
    struct nlattr *k[OVPNNL_KEYCONF_MAX + 1];
    uint64_t v;

    if (cmd == OVPNNL_CMD_KEY_SWAP_NTF)
    {
        if (!top[OVPNNL_A_KEYCONF] ||
            !parse_nest(k, OVPNNL_KEYCONF_MAX, top[OVPNNL_A_KEYCONF], ovpn_keyconf_policy, why))
        {
            *why = top[OVPNNL_A_KEYCONF] ? *why : "no KEYCONF attribute";
            return false;
        }
        if (!k[OVPNNL_KEYCONF_PEER_ID] || !k[OVPNNL_KEYCONF_KEY_ID] ||
            !uint_get(k[OVPNNL_KEYCONF_KEY_ID], &v) || v > 7)
        {
            *why = "peer-id or key-id missing or invalid";
            return false;
        }
        ev->type = DCO_EV_KEY_SWAP;
        ev->peer_id = nla_get_u32(k[OVPNNL_KEYCONF_PEER_ID]);
        ev->key_id = (uint8_t) v;
        return true;
    }
    if (cmd != OVPNNL_CMD_PEER_DEL_NTF && cmd != OVPNNL_CMD_PEER_FLOAT_NTF)
    {
        *why = "unexpected command";
        return false;
    }
    if (!top[OVPNNL_A_PEER])
    {
        *why = "no PEER attribute";
        return false;
    }
    if (!parse_nest(a, OVPNNL_PEER_MAX, top[OVPNNL_A_PEER], ovpn_peer_policy, why))
    {
        return false;
    }
    if (!a[OVPNNL_PEER_ID])
    {
        *why = "peer-id missing";
        return false;
    }
    ev->peer_id = nla_get_u32(a[OVPNNL_PEER_ID]);
    if (cmd == OVPNNL_CMD_PEER_FLOAT_NTF)
    {
        ev->type = DCO_EV_PEER_FLOAT;
        return parse_ovpn_float(a, ev, why);
    }
    if (!a[OVPNNL_PEER_DEL_REASON])
    {
        *why = "reason missing";
        return false;
    }
    ev->type = DCO_EV_PEER_DEL;
    ev->reason = reason_of(nla_get_u32(a[OVPNNL_PEER_DEL_REASON]));
    return true;
}

bool
dco_parse_event(enum dco_api api,
                const void *data,
                size_t len,
                struct dco_event *ev,
                const char **why)
{
    struct nlattr *top[DCOV2_A_MAX + 1];
    struct dco_event e;
    uint8_t cmd;
    bool ok;

    memset(&e, 0, sizeof(e));
    if (!dialect_of(api))
    {
        *why = "no DCO API";
        return false;
    }
    if (!parse_genl(data, len, top, &cmd, why))
    {
        return false;
    }
    if (!top[DCOV2_A_IFINDEX]) /* notifications name their interface; replies do not */
    {
        *why = "no ifindex";
        return false;
    }
    e.ifindex = nla_get_u32(top[DCOV2_A_IFINDEX]);
    ok =
      api == DCO_API_OVPN ? parse_ovpn_event(cmd, top, &e, why) : parse_v2_event(cmd, top, &e, why);
    if (ok && e.peer_id > DCO_PEER_ID_MAX)
    {
        *why = "peer-id out of range";
        ok = false;
    }
    if (ok)
    {
        *ev = e; /* commit only a complete event */
    }
    return ok;
}

static const struct nla_policy v2_get_policy[DCOV2_GET_PEER_MAX + 1] = {
    [DCOV2_GET_PEER_PEER_ID] = { .type = NLA_U32, .maxlen = 4 },
    [DCOV2_GET_PEER_KEEPALIVE_INTERVAL] = { .type = NLA_U32, .maxlen = 4 },
    [DCOV2_GET_PEER_KEEPALIVE_TIMEOUT] = { .type = NLA_U32, .maxlen = 4 },
    [DCOV2_GET_PEER_VPN_RX_BYTES] = { .type = NLA_U64, .maxlen = 8 },
    [DCOV2_GET_PEER_VPN_TX_BYTES] = { .type = NLA_U64, .maxlen = 8 },
    [DCOV2_GET_PEER_VPN_RX_PACKETS] = { .type = NLA_U32, .maxlen = 4 },
    [DCOV2_GET_PEER_VPN_TX_PACKETS] = { .type = NLA_U32, .maxlen = 4 },
    [DCOV2_GET_PEER_LINK_RX_BYTES] = { .type = NLA_U64, .maxlen = 8 },
    [DCOV2_GET_PEER_LINK_TX_BYTES] = { .type = NLA_U64, .maxlen = 8 },
    [DCOV2_GET_PEER_LINK_RX_PACKETS] = { .type = NLA_U32, .maxlen = 4 },
    [DCOV2_GET_PEER_LINK_TX_PACKETS] = { .type = NLA_U32, .maxlen = 4 },
};

/*
 * The eight counters in the order of struct dco_stats; the attribute
 * numbers of each API are consecutive (VPN rx/tx bytes, rx/tx packets,
 * then LINK the same), so one loop reads either.
 */
static bool
read_counters(struct nlattr **a, int first, struct dco_stats *st)
{
    uint64_t *out[8] = { &st->vpn_rx_bytes,    &st->vpn_tx_bytes,   &st->vpn_rx_packets,
                         &st->vpn_tx_packets,  &st->link_rx_bytes,  &st->link_tx_bytes,
                         &st->link_rx_packets, &st->link_tx_packets };

    for (int i = 0; i < 8; i++)
    {
        if (a[first + i] && !uint_get(a[first + i], out[i]))
        {
            return false;
        }
    }
    return true;
}

bool
dco_parse_peer_info(enum dco_api api,
                    const void *data,
                    size_t len,
                    struct dco_peer_info *info,
                    const char **why)
{
    struct nlattr *top[DCOV2_A_MAX + 1];
    struct nlattr *a[OVPNNL_PEER_MAX + 1]; /* the larger of the two sets */
    bool ovpn = api == DCO_API_OVPN;
    struct dco_peer_info pi;
    uint8_t cmd;

    memset(&pi, 0, sizeof(pi));
    if (!dialect_of(api))
    {
        *why = "no DCO API";
        return false;
    }
    if (!parse_genl(data, len, top, &cmd, why))
    {
        return false;
    }
    int nest = ovpn ? OVPNNL_A_PEER : DCOV2_A_GET_PEER;
    if (cmd != (ovpn ? OVPNNL_CMD_PEER_GET : DCOV2_CMD_GET_PEER) || !top[nest])
    {
        *why = top[nest] ? "unexpected command" : "no peer attribute";
        return false;
    }
    bool ok = ovpn ? parse_nest(a, OVPNNL_PEER_MAX, top[nest], ovpn_peer_policy, why)
                   : parse_nest(a, DCOV2_GET_PEER_MAX, top[nest], v2_get_policy, why);
    if (!ok)
    {
        return false;
    }
    int id = ovpn ? OVPNNL_PEER_ID : DCOV2_GET_PEER_PEER_ID;
    int kai = ovpn ? OVPNNL_PEER_KEEPALIVE_INTERVAL : DCOV2_GET_PEER_KEEPALIVE_INTERVAL;
    int kat = ovpn ? OVPNNL_PEER_KEEPALIVE_TIMEOUT : DCOV2_GET_PEER_KEEPALIVE_TIMEOUT;
    int first = ovpn ? OVPNNL_PEER_VPN_RX_BYTES : DCOV2_GET_PEER_VPN_RX_BYTES;

    if (!a[id] || nla_get_u32(a[id]) > DCO_PEER_ID_MAX)
    {
        *why = "peer-id missing or out of range";
        return false;
    }
    if (!read_counters(a, first, &pi.stats))
    {
        *why = "counter of the wrong size";
        return false;
    }
    pi.peer_id = nla_get_u32(a[id]);
    pi.keepalive_interval = a[kai] ? nla_get_u32(a[kai]) : 0;
    pi.keepalive_timeout = a[kat] ? nla_get_u32(a[kat]) : 0;
    *info = pi;
    return true;
}

/* ======================================================================
 * Socket I/O
 * ====================================================================== */

struct txn
{
    bool done;
    int err;       /* 0 or -errno from the kernel */
    char ext[160]; /* extended ACK text, if any */
    int (*reply)(const struct nlmsghdr *nlh, void *arg);
    void *arg;
};

static const struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
    [NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
};

/* Copy the extended ACK message (NETLINK_EXT_ACK) of an error, if any. */
static void
extack_copy(const struct nlmsgerr *e, char *out, size_t size)
{
    const struct nlmsghdr *nlh = (const void *) ((const uint8_t *) e - NLMSG_HDRLEN);
    struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
    size_t off = NLMSG_HDRLEN + sizeof(*e);

    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
    {
        return;
    }
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) /* the whole request is echoed first */
    {
        if (e->msg.nlmsg_len < NLMSG_HDRLEN || e->msg.nlmsg_len > nlh->nlmsg_len)
        {
            return;
        }
        off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
    }
    if (nlh->nlmsg_len <= off ||
        nla_parse(tb,
                  NLMSGERR_ATTR_MAX,
                  (struct nlattr *) ((const uint8_t *) nlh + off),
                  (int) (nlh->nlmsg_len - off),
                  (struct nla_policy *) extack_policy) < 0 ||
        !tb[NLMSGERR_ATTR_MSG])
    {
        return;
    }
    snprintf(out, size, "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

static int
on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
    struct txn *t = arg;

    (void) nla;
    t->err = e->error < 0 ? e->error : -EPROTO;
    extack_copy(e, t->ext, sizeof(t->ext));
    t->done = true;
    return NL_STOP;
}

static int
on_ack(struct nl_msg *m, void *arg)
{
    struct txn *t = arg;

    (void) m;
    t->done = true;
    return NL_STOP;
}

static int
on_valid(struct nl_msg *m, void *arg)
{
    struct txn *t = arg;

    if (t->reply && t->err == 0)
    {
        t->err = t->reply(nlmsg_hdr(m), t->arg);
    }
    return NL_OK;
}

/*
 * Send @p m (consumed) on @p sk and wait for its ACK, feeding replies to
 * @p reply.  0 or -errno; failures are logged at D_DCO with the kernel's
 * explanation when it sent one.
 */
static int
transact(struct nl_sock *sk,
         struct nl_msg *m,
         const char *what,
         int (*reply)(const struct nlmsghdr *, void *),
         void *arg)
{
    struct txn t = { .reply = reply, .arg = arg };
    struct nl_cb *cb;

    if (!m)
    {
        msg(D_DCO, "dco: %s: invalid request", what);
        return -EINVAL;
    }
    cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!cb || nl_send_auto(sk, m) < 0)
    {
        t.err = -EIO;
        t.done = true;
    }
    if (cb)
    {
        nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
    }
    while (!t.done)
    {
        if (nl_recvmsgs(sk, cb) < 0 && !t.done)
        {
            t.err = -ETIMEDOUT; /* no answer within DCO_REPLY_TIMEOUT_SEC, or socket error */
            break;
        }
    }
    nl_cb_put(cb);
    nlmsg_free(m);
    if (t.err < 0)
    {
        msg(D_DCO,
            "dco: %s failed: %s%s%s%s",
            what,
            strerror(-t.err),
            t.ext[0] ? " (" : "",
            t.ext,
            t.ext[0] ? ")" : "");
    }
    return t.err;
}

/* A connected generic netlink socket, or NULL. */
static struct nl_sock *
genl_socket(void)
{
    struct nl_sock *sk = nl_socket_alloc();

    if (sk && genl_connect(sk) < 0)
    {
        nl_socket_free(sk);
        sk = NULL;
    }
    return sk;
}

enum dco_api
dco_detect(msglvl_t msglevel)
{
    struct nl_sock *sk = genl_socket();
    enum dco_api api = DCO_API_NONE;

    /* resolving a family name makes the kernel load the module for it */
    if (sk && genl_ctrl_resolve(sk, DCOV2_FAMILY_NAME) >= 0)
    {
        api = DCO_API_OVPN_DCO_V2;
    }
    else if (sk && genl_ctrl_resolve(sk, OVPNNL_FAMILY_NAME) >= 0)
    {
        api = DCO_API_OVPN;
    }
    if (sk)
    {
        nl_socket_free(sk);
    }
    if (api == DCO_API_NONE)
    {
        msg(msglevel,
            "Note: Kernel support for ovpn-dco missing, disabling data channel "
            "offload.");
    }
    return api;
}

const char *
dco_version_string(enum dco_api api, char *buf, size_t size)
{
    struct utsname u;
    FILE *f;

    if (api == DCO_API_OVPN && uname(&u) == 0) /* in-tree: the kernel, as 2.7 prints it */
    {
        snprintf(buf, size, "%s %s", u.release, u.version);
        return buf;
    }
    f = api == DCO_API_OVPN_DCO_V2 ? fopen("/sys/module/ovpn_dco_v2/version", "r") : NULL;
    if (f && fgets(buf, (int) size, f))
    {
        buf[strcspn(buf, "\r\n")] = '\0';
        fclose(f);
        return buf;
    }
    if (f)
    {
        fclose(f);
    }
    return "N/A";
}

const char *
dco_version_loaded(char *buf, size_t size)
{
    /* like 2.6, the banner does not load a module: only report one that is there */
    if (access("/sys/module/ovpn_dco_v2", F_OK) == 0)
    {
        return dco_version_string(DCO_API_OVPN_DCO_V2, buf, size);
    }
    if (access("/sys/module/ovpn", F_OK) == 0)
    {
        return dco_version_string(DCO_API_OVPN, buf, size);
    }
    return "N/A";
}

static bool
dco_open_sockets(struct dco *d, const char *fam_name)
{
    struct timeval tv = { .tv_sec = DCO_REPLY_TIMEOUT_SEC };
    int one = 1;

    if (!(d->sk = genl_socket()) || !(d->ev = genl_socket()))
    {
        msg(D_DCO, "dco: cannot open a generic netlink socket");
        return false;
    }
    d->family = genl_ctrl_resolve(d->sk, fam_name);
    int grp = genl_ctrl_resolve_grp(d->sk, fam_name, DCOV2_MCGRP_PEERS);
    if (d->family < 0 || grp < 0)
    {
        msg(D_DCO, "dco: cannot resolve generic netlink family %s", fam_name);
        return false;
    }
    /* best effort: errors explained in text (ovpn), short ACKs, no endless wait */
    setsockopt(nl_socket_get_fd(d->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(nl_socket_get_fd(d->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    setsockopt(nl_socket_get_fd(d->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    nl_socket_disable_seq_check(d->ev); /* notifications are not answers */
    if (nl_socket_add_membership(d->ev, grp) < 0 || nl_socket_set_nonblocking(d->ev) < 0)
    {
        msg(D_DCO, "dco: cannot join the %s multicast group", DCOV2_MCGRP_PEERS);
        return false;
    }
    return true;
}

struct dco *
dco_open(enum dco_api api)
{
    const char *fam = api == DCO_API_OVPN          ? OVPNNL_FAMILY_NAME
                      : api == DCO_API_OVPN_DCO_V2 ? DCOV2_FAMILY_NAME
                                                   : NULL;
    struct dco *d;

    if (!fam || !(d = calloc(1, sizeof(*d))))
    {
        return NULL;
    }
    d->api = api;
    ratelimit_init(&d->rl, 60, 10);
    if (!dco_open_sockets(d, fam))
    {
        dco_close(d);
        return NULL;
    }
    return d;
}

void
dco_close(struct dco *dco)
{
    if (!dco)
    {
        return;
    }
    if (dco->sk)
    {
        nl_socket_free(dco->sk);
    }
    if (dco->ev)
    {
        nl_socket_free(dco->ev);
    }
    free(dco);
}

enum dco_api
dco_get_api(const struct dco *dco)
{
    return dco ? dco->api : DCO_API_NONE;
}

unsigned int
dco_ifindex(const struct dco *dco)
{
    return dco ? dco->ifindex : 0;
}

int
dco_event_fd(const struct dco *dco)
{
    return dco && dco->ev ? nl_socket_get_fd(dco->ev) : -1;
}

/* One rtnetlink request on a short-lived socket (start-up/shutdown only). */
static int
rtnl_transact(struct nl_msg *m,
              const char *what,
              int (*reply)(const struct nlmsghdr *, void *),
              void *arg)
{
    struct nl_sock *sk = nl_socket_alloc();
    int err;

    if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
    {
        if (sk)
        {
            nl_socket_free(sk);
        }
        nlmsg_free(m);
        msg(D_DCO, "dco: %s: cannot open an rtnetlink socket", what);
        return -EIO;
    }
    err = transact(sk, m, what, reply, arg);
    nl_socket_free(sk);
    return err;
}

int
dco_iface_new(struct dco *dco, const char *ifname, enum dco_mode mode)
{
    int err =
      rtnl_transact(dco_build_iface_new(dco->api, ifname, mode), "interface create", NULL, NULL);

    if (err == 0)
    {
        dco->ifindex = if_nametoindex(ifname);
        dco->mode = mode;
        if (!dco->ifindex)
        {
            return -ENODEV;
        }
    }
    return err;
}

struct kind_req
{
    char *kind;
    size_t size;
};

static const struct nla_policy link_policy[IFLA_MAX + 1] = {
    [IFLA_LINKINFO] = { .type = NLA_NESTED },
};

static const struct nla_policy linkinfo_policy[IFLA_INFO_MAX + 1] = {
    [IFLA_INFO_KIND] = { .type = NLA_STRING, .maxlen = 64 },
};

static int
kind_reply(const struct nlmsghdr *nlh, void *arg)
{
    struct kind_req *r = arg;
    struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];

    if (nlh->nlmsg_type != RTM_NEWLINK || nlmsg_parse((struct nlmsghdr *) nlh,
                                                      sizeof(struct ifinfomsg),
                                                      tb,
                                                      IFLA_MAX,
                                                      (struct nla_policy *) link_policy) < 0)
    {
        return -EBADMSG;
    }
    if (tb[IFLA_LINKINFO] &&
        nla_parse_nested(
          li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], (struct nla_policy *) linkinfo_policy) == 0 &&
        li[IFLA_INFO_KIND])
    {
        snprintf(r->kind, r->size, "%s", nla_get_string(li[IFLA_INFO_KIND]));
    }
    return 0;
}

int
dco_iface_kind(const char *ifname, char *kind, size_t size)
{
    unsigned int idx = if_nametoindex(ifname);
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int) idx };
    struct kind_req r = { kind, size };
    struct nl_msg *m;

    if (size)
    {
        kind[0] = '\0';
    }
    if (!idx)
    {
        return -ENODEV;
    }
    m = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
    if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
    {
        nlmsg_free(m);
        m = NULL;
    }
    return rtnl_transact(m, "interface lookup", kind_reply, &r);
}

int
dco_iface_attach(struct dco *dco, const char *ifname, enum dco_mode mode)
{
    char kind[64];
    int err = dco_iface_kind(ifname, kind, sizeof(kind));

    if (err < 0)
    {
        return err;
    }
    if (strcmp(kind, dco_link_kind(dco->api)) != 0)
    {
        return -EINVAL;
    }
    dco->ifindex = if_nametoindex(ifname);
    dco->mode = mode;
    return dco->ifindex ? 0 : -ENODEV;
}

int
dco_iface_del(struct dco *dco)
{
    int err;

    if (!dco->ifindex)
    {
        return -ENODEV;
    }
    err = rtnl_transact(dco_build_iface_del(dco->ifindex), "interface delete", NULL, NULL);
    if (err == 0 || err == -ENODEV)
    {
        dco->ifindex = 0;
    }
    return err;
}

int
dco_peer_new(struct dco *dco, const struct dco_peer *peer)
{
    struct dco_peer p = *peer;

    /* upstream ovpn refuses VPN addresses on a P2P device (ovpn-dco ignores them) */
    if (dco->api == DCO_API_OVPN && dco->mode == DCO_MODE_P2P)
    {
        p.has_vpn4 = false;
        p.has_vpn6 = false;
    }
    return transact(
      dco->sk, dco_build_peer_new(dco->api, dco->family, dco->ifindex, &p), "peer add", NULL, NULL);
}

int
dco_peer_set_keepalive(struct dco *dco, uint32_t peer_id, uint32_t interval, uint32_t timeout)
{
    return transact(
      dco->sk,
      dco_build_peer_set(dco->api, dco->family, dco->ifindex, peer_id, interval, timeout),
      "peer keepalive",
      NULL,
      NULL);
}

int
dco_peer_del(struct dco *dco, uint32_t peer_id)
{
    return transact(dco->sk,
                    dco_build_peer_del(dco->api, dco->family, dco->ifindex, peer_id),
                    "peer delete",
                    NULL,
                    NULL);
}

struct get_req
{
    struct dco *dco;
    struct dco_peer_info *info;
};

static int
peer_reply(const struct nlmsghdr *nlh, void *arg)
{
    struct get_req *r = arg;
    const char *why = NULL;

    if (!dco_parse_peer_info(r->dco->api, nlh, nlh->nlmsg_len, r->info, &why))
    {
        if (ratelimit_allow(&r->dco->rl, r->dco->last_now))
        {
            msg(D_DCO, "dco: ignoring malformed peer reply: %s", why);
        }
        return -EBADMSG;
    }
    return 0;
}

int
dco_peer_get(struct dco *dco, uint32_t peer_id, struct dco_peer_info *info)
{
    struct get_req r = { dco, info };

    memset(info, 0, sizeof(*info));
    return transact(dco->sk,
                    dco_build_peer_get(dco->api, dco->family, dco->ifindex, peer_id),
                    "peer get",
                    peer_reply,
                    &r);
}

int
dco_key_new(struct dco *dco, const struct dco_key *key)
{
    return transact(dco->sk,
                    dco_build_key_new(dco->api, dco->family, dco->ifindex, key),
                    "key install",
                    NULL,
                    NULL);
}

int
dco_key_swap(struct dco *dco, uint32_t peer_id)
{
    return transact(dco->sk,
                    dco_build_key_swap(dco->api, dco->family, dco->ifindex, peer_id),
                    "key swap",
                    NULL,
                    NULL);
}

int
dco_key_del(struct dco *dco, uint32_t peer_id, enum dco_key_slot slot)
{
    return transact(dco->sk,
                    dco_build_key_del(dco->api, dco->family, dco->ifindex, peer_id, slot),
                    "key delete",
                    NULL,
                    NULL);
}

/* Walk one datagram of notifications; keep ours in @p ev (room for max - *n). */
static void
events_walk(struct dco *dco, size_t len, struct dco_event *ev, size_t max, size_t *n)
{
    const struct nlmsghdr *nlh = (const void *) dco->rxbuf;
    int rem = (int) len;
    const char *why = NULL;
    struct dco_event e;

    for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem))
    {
        if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
        {
            continue; /* NOOP, DONE, ERROR: nothing for us */
        }
        if (nlh->nlmsg_type != dco->family)
        {
            why = "message of another family";
        }
        else if (dco_parse_event(dco->api, nlh, nlh->nlmsg_len, &e, &why))
        {
            if (e.ifindex != dco->ifindex)
            {
                continue; /* another interface's peer: not ours to act on */
            }
            if (*n < max)
            {
                ev[(*n)++] = e;
                continue;
            }
            why = "no room for it (caller passed too small an array)";
        }
        if (ratelimit_allow(&dco->rl, dco->last_now))
        {
            msg(D_DCO, "dco: ignoring notification: %s", why);
        }
    }
}

bool
dco_events_read(struct dco *dco, time_t now, struct dco_event *ev, size_t max, size_t *n)
{
    int fd = nl_socket_get_fd(dco->ev);

    *n = 0;
    dco->last_now = now;
    while (*n < max)
    {
        ssize_t r = recv(fd, dco->rxbuf, sizeof(dco->rxbuf), MSG_DONTWAIT | MSG_TRUNC);

        if (r < 0 && errno == EINTR)
        {
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
            return true;
        }
        if (r < 0 && errno == ENOBUFS) /* overrun: some notifications were lost */
        {
            msg(D_DCO, "dco: notification socket overrun, events lost");
            continue;
        }
        if (r < 0)
        {
            msg(D_DCO | M_ERRNO, "dco: reading notifications failed");
            return false;
        }
        if ((size_t) r > sizeof(dco->rxbuf))
        {
            if (ratelimit_allow(&dco->rl, now))
            {
                msg(D_DCO, "dco: ignoring oversized notification (%zd bytes)", r);
            }
            continue;
        }
        events_walk(dco, (size_t) r, ev, max, n);
    }
    return true;
}
