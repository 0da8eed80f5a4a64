/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_dco.c -- the DCO netlink layer without a kernel: every request of
 * both APIs is built and taken apart again attribute by attribute, and
 * kernel notifications/replies built here are fed to the parsers, whole,
 * malformed and truncated at every length.
 */
#include "test_common.h"

#include "config.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "dco.h"
#include "ovpn_dco_linux.h"

#define FAM     0x21 /* a made-up genl family id */
#define IFINDEX 7

/* ---------------------------------------------------------------- helpers */

/* Check the genl/netlink headers of a request and return its attributes. */
static void
take_request(struct nl_msg *m, uint8_t cmd, struct nlattr **top)
{
    struct nlmsghdr *nlh;
    struct genlmsghdr *g;

    assert_non_null(m);
    nlh = nlmsg_hdr(m);
    g = nlmsg_data(nlh);
    assert_int_equal(nlh->nlmsg_type, FAM);
    assert_int_equal(nlh->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK), NLM_F_REQUEST | NLM_F_ACK);
    assert_int_equal(g->cmd, cmd);
    assert_int_equal(g->version, 1);
    assert_int_equal(genlmsg_parse(nlh, 0, top, 10, NULL), 0);
    assert_non_null(top[1]);
    assert_int_equal(nla_len(top[1]), 4);
    assert_int_equal(nla_get_u32(top[1]), IFINDEX);
}

/* The one command nest: flagged NLA_F_NESTED, members parsed into @p a. */
static void
take_nest(struct nlattr **top, int nest, struct nlattr **a, int max)
{
    assert_non_null(top[nest]);
    assert_true(top[nest]->nla_type & NLA_F_NESTED);
    assert_int_equal(nla_parse_nested(a, max, top[nest], NULL), 0);
}

static void
assert_u32_attr(struct nlattr *a, uint32_t v)
{
    assert_non_null(a);
    assert_int_equal(nla_len(a), 4);
    assert_int_equal(nla_get_u32(a), v);
}

static void
assert_bin_attr(struct nlattr *a, const void *v, int len)
{
    assert_non_null(a);
    assert_int_equal(nla_len(a), len);
    assert_memory_equal(nla_data(a), v, len);
}

static struct dco_peer
udp4_peer(void)
{
    struct dco_peer p;
    struct sockaddr_in *sin = (struct sockaddr_in *) &p.remote;

    memset(&p, 0, sizeof(p));
    p.peer_id = 0x123456;
    p.sd = 5;
    p.has_remote = true;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(1194);
    inet_pton(AF_INET, "198.51.100.2", &sin->sin_addr);
    p.has_local = true;
    p.local_family = AF_INET;
    inet_pton(AF_INET, "198.51.100.1", &p.local4);
    p.has_vpn4 = true;
    inet_pton(AF_INET, "10.8.0.6", &p.vpn4);
    p.has_vpn6 = true;
    inet_pton(AF_INET6, "2001:db8::6", &p.vpn6);
    return p;
}

static struct dco_peer
udp6_peer(void)
{
    struct dco_peer p;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &p.remote;

    memset(&p, 0, sizeof(p));
    p.peer_id = 9;
    p.sd = 6;
    p.has_remote = true;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(51194);
    sin6->sin6_scope_id = 3;
    inet_pton(AF_INET6, "2001:db8:1::2", &sin6->sin6_addr);
    p.has_local = true;
    p.local_family = AF_INET6;
    inet_pton(AF_INET6, "2001:db8:1::1", &p.local6);
    return p;
}

static struct dco_key
test_key(enum dco_cipher c)
{
    struct dco_key k;

    memset(&k, 0, sizeof(k));
    k.peer_id = 77;
    k.slot = DCO_KEY_SLOT_SECONDARY;
    k.key_id = 5;
    k.cipher = c;
    for (int i = 0; i < DCO_KEY_MAX_LEN; i++)
    {
        k.encrypt.key[i] = (uint8_t) (0x10 + i);
        k.decrypt.key[i] = (uint8_t) (0x80 + i);
    }
    memcpy(k.encrypt.nonce_tail, "ENCNONCE", 8);
    memcpy(k.decrypt.nonce_tail, "DECNONCE", 8);
    return k;
}

/* --------------------------------------------------------------- builders */

static void
peer_new__v2_udp4__carries_sockaddr_fd_local_and_vpn_addresses(void **state)
{
    struct dco_peer p = udp4_peer();
    struct nl_msg *m = dco_build_peer_new(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, &p);
    struct nlattr *top[11], *a[DCOV2_NEW_PEER_MAX + 1];
    (void) state;

    take_request(m, DCOV2_CMD_NEW_PEER, top);
    take_nest(top, DCOV2_A_NEW_PEER, a, DCOV2_NEW_PEER_MAX);
    assert_u32_attr(a[DCOV2_NEW_PEER_PEER_ID], 0x123456);
    assert_u32_attr(a[DCOV2_NEW_PEER_SOCKET], 5);
    assert_bin_attr(a[DCOV2_NEW_PEER_SOCKADDR_REMOTE], &p.remote, sizeof(struct sockaddr_in));
    assert_bin_attr(a[DCOV2_NEW_PEER_LOCAL_IP], &p.local4, 4);
    assert_u32_attr(a[DCOV2_NEW_PEER_IPV4], p.vpn4.s_addr);
    assert_bin_attr(a[DCOV2_NEW_PEER_IPV6], &p.vpn6, 16);
    nlmsg_free(m);
}

static void
peer_new__v2_udp6__sockaddr_is_28_bytes_local_16(void **state)
{
    struct dco_peer p = udp6_peer();
    struct nl_msg *m = dco_build_peer_new(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, &p);
    struct nlattr *top[11], *a[DCOV2_NEW_PEER_MAX + 1];
    (void) state;

    take_request(m, DCOV2_CMD_NEW_PEER, top);
    take_nest(top, DCOV2_A_NEW_PEER, a, DCOV2_NEW_PEER_MAX);
    assert_bin_attr(a[DCOV2_NEW_PEER_SOCKADDR_REMOTE], &p.remote, sizeof(struct sockaddr_in6));
    assert_bin_attr(a[DCOV2_NEW_PEER_LOCAL_IP], &p.local6, 16);
    assert_null(a[DCOV2_NEW_PEER_IPV4]);
    assert_null(a[DCOV2_NEW_PEER_IPV6]);
    nlmsg_free(m);
}

static void
peer_new__ovpn_udp4__splits_address_and_port(void **state)
{
    struct dco_peer p = udp4_peer();
    struct nl_msg *m = dco_build_peer_new(DCO_API_OVPN, FAM, IFINDEX, &p);
    struct nlattr *top[11], *a[OVPNNL_PEER_MAX + 1];
    const struct sockaddr_in *sin = (const struct sockaddr_in *) &p.remote;
    (void) state;

    take_request(m, OVPNNL_CMD_PEER_NEW, top);
    take_nest(top, OVPNNL_A_PEER, a, OVPNNL_PEER_MAX);
    assert_u32_attr(a[OVPNNL_PEER_ID], 0x123456);
    assert_u32_attr(a[OVPNNL_PEER_SOCKET], 5);
    assert_u32_attr(a[OVPNNL_PEER_REMOTE_IPV4], sin->sin_addr.s_addr);
    assert_bin_attr(a[OVPNNL_PEER_REMOTE_PORT], "\x04\xaa", 2); /* 1194, big-endian */
    assert_u32_attr(a[OVPNNL_PEER_LOCAL_IPV4], p.local4.s_addr);
    assert_u32_attr(a[OVPNNL_PEER_VPN_IPV4], p.vpn4.s_addr);
    assert_bin_attr(a[OVPNNL_PEER_VPN_IPV6], &p.vpn6, 16);
    assert_null(a[OVPNNL_PEER_REMOTE_IPV6]);
    assert_null(a[OVPNNL_PEER_KEEPALIVE_INTERVAL]);
    nlmsg_free(m);
}

static void
peer_new__ovpn_udp6__carries_scope_id_and_local6(void **state)
{
    struct dco_peer p = udp6_peer();
    struct nl_msg *m = dco_build_peer_new(DCO_API_OVPN, FAM, IFINDEX, &p);
    struct nlattr *top[11], *a[OVPNNL_PEER_MAX + 1];
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &p.remote;
    (void) state;

    take_request(m, OVPNNL_CMD_PEER_NEW, top);
    take_nest(top, OVPNNL_A_PEER, a, OVPNNL_PEER_MAX);
    assert_bin_attr(a[OVPNNL_PEER_REMOTE_IPV6], &sin6->sin6_addr, 16);
    assert_bin_attr(a[OVPNNL_PEER_REMOTE_PORT], "\xc7\xfa", 2); /* 51194 */
    assert_u32_attr(a[OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID], 3);
    assert_bin_attr(a[OVPNNL_PEER_LOCAL_IPV6], &p.local6, 16);
    assert_null(a[OVPNNL_PEER_REMOTE_IPV4]);
    nlmsg_free(m);
}

static void
peer_new__tcp_without_remote__has_no_address_attributes(void **state)
{
    struct dco_peer p;
    struct nlattr *top[11], *a[OVPNNL_PEER_MAX + 1], *b[DCOV2_NEW_PEER_MAX + 1];
    struct nl_msg *m;
    (void) state;

    memset(&p, 0, sizeof(p));
    p.peer_id = 1;
    p.sd = 4;
    m = dco_build_peer_new(DCO_API_OVPN, FAM, IFINDEX, &p);
    take_request(m, OVPNNL_CMD_PEER_NEW, top);
    take_nest(top, OVPNNL_A_PEER, a, OVPNNL_PEER_MAX);
    assert_null(a[OVPNNL_PEER_REMOTE_IPV4]);
    assert_null(a[OVPNNL_PEER_REMOTE_IPV6]);
    assert_null(a[OVPNNL_PEER_REMOTE_PORT]);
    assert_u32_attr(a[OVPNNL_PEER_SOCKET], 4);
    nlmsg_free(m);

    m = dco_build_peer_new(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, &p);
    take_request(m, DCOV2_CMD_NEW_PEER, top);
    take_nest(top, DCOV2_A_NEW_PEER, b, DCOV2_NEW_PEER_MAX);
    assert_null(b[DCOV2_NEW_PEER_SOCKADDR_REMOTE]);
    nlmsg_free(m);
}

static void
peer_new__invalid_input__builds_nothing(void **state)
{
    struct dco_peer p;
    (void) state;

    for (int api = DCO_API_OVPN_DCO_V2; api <= DCO_API_OVPN; api++)
    {
        p = udp4_peer();
        p.peer_id = DCO_PEER_ID_MAX + 1;
        assert_null(dco_build_peer_new(api, FAM, IFINDEX, &p));
        p = udp4_peer();
        p.local_family = AF_INET6; /* local family differs from remote */
        assert_null(dco_build_peer_new(api, FAM, IFINDEX, &p));
        p = udp4_peer();
        p.has_remote = false; /* local address without a remote */
        assert_null(dco_build_peer_new(api, FAM, IFINDEX, &p));
        p = udp4_peer();
        p.remote.ss_family = AF_UNIX;
        assert_null(dco_build_peer_new(api, FAM, IFINDEX, &p));
        p = udp4_peer();
        p.sd = -1;
        assert_null(dco_build_peer_new(api, FAM, IFINDEX, &p));
    }
    p = udp4_peer();
    assert_null(dco_build_peer_new(DCO_API_NONE, FAM, IFINDEX, &p));
}

static void
peer_set__both_apis__carry_id_and_both_timers(void **state)
{
    struct nlattr *top[11], *a[OVPNNL_PEER_MAX + 1];
    struct nl_msg *m;
    (void) state;

    m = dco_build_peer_set(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, 42, 10, 60);
    take_request(m, DCOV2_CMD_SET_PEER, top);
    take_nest(top, DCOV2_A_SET_PEER, a, DCOV2_SET_PEER_MAX);
    assert_u32_attr(a[DCOV2_SET_PEER_PEER_ID], 42);
    assert_u32_attr(a[DCOV2_SET_PEER_KEEPALIVE_INTERVAL], 10);
    assert_u32_attr(a[DCOV2_SET_PEER_KEEPALIVE_TIMEOUT], 60);
    nlmsg_free(m);

    m = dco_build_peer_set(DCO_API_OVPN, FAM, IFINDEX, 42, 10, 60);
    take_request(m, OVPNNL_CMD_PEER_SET, top);
    take_nest(top, OVPNNL_A_PEER, a, OVPNNL_PEER_MAX);
    assert_u32_attr(a[OVPNNL_PEER_ID], 42);
    assert_u32_attr(a[OVPNNL_PEER_KEEPALIVE_INTERVAL], 10);
    assert_u32_attr(a[OVPNNL_PEER_KEEPALIVE_TIMEOUT], 60);
    assert_null(a[OVPNNL_PEER_SOCKET]);
    nlmsg_free(m);
}

static void
peer_del_get__both_apis__carry_only_the_peer_id(void **state)
{
    struct nlattr *top[11], *a[OVPNNL_PEER_MAX + 1];
    struct nl_msg *m;
    (void) state;

    m = dco_build_peer_del(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, 3);
    take_request(m, DCOV2_CMD_DEL_PEER, top);
    take_nest(top, DCOV2_A_DEL_PEER, a, DCOV2_DEL_PEER_MAX);
    assert_u32_attr(a[DCOV2_DEL_PEER_PEER_ID], 3); /* member 2 in this API */
    assert_null(a[DCOV2_DEL_PEER_REASON]);
    nlmsg_free(m);

    m = dco_build_peer_get(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, 3);
    take_request(m, DCOV2_CMD_GET_PEER, top);
    take_nest(top, DCOV2_A_GET_PEER, a, DCOV2_GET_PEER_MAX);
    assert_u32_attr(a[DCOV2_GET_PEER_PEER_ID], 3);
    nlmsg_free(m);

    m = dco_build_peer_del(DCO_API_OVPN, FAM, IFINDEX, 3);
    take_request(m, OVPNNL_CMD_PEER_DEL, top);
    take_nest(top, OVPNNL_A_PEER, a, OVPNNL_PEER_MAX);
    assert_u32_attr(a[OVPNNL_PEER_ID], 3);
    nlmsg_free(m);

    m = dco_build_peer_get(DCO_API_OVPN, FAM, IFINDEX, 3);
    take_request(m, OVPNNL_CMD_PEER_GET, top);
    take_nest(top, OVPNNL_A_PEER, a, OVPNNL_PEER_MAX);
    assert_u32_attr(a[OVPNNL_PEER_ID], 3);
    assert_null(a[OVPNNL_PEER_SOCKET]); /* anything but the id is EINVAL upstream */
    nlmsg_free(m);

    assert_null(dco_build_peer_del(DCO_API_OVPN, FAM, IFINDEX, 0x1000000));
}

static void
check_key_dir(struct nlattr *nest, const struct dco_key_dir *kd, int klen)
{
    struct nlattr *d[DCOV2_KEY_DIR_MAX + 1];

    assert_non_null(nest);
    assert_true(nest->nla_type & NLA_F_NESTED);
    assert_int_equal(nla_parse_nested(d, DCOV2_KEY_DIR_MAX, nest, NULL), 0);
    assert_bin_attr(d[DCOV2_KEY_DIR_CIPHER_KEY], kd->key, klen);
    assert_bin_attr(d[DCOV2_KEY_DIR_NONCE_TAIL], kd->nonce_tail, 8);
}

static void
key_new__v2__u8_slot_and_id_u16_cipher_and_two_key_dirs(void **state)
{
    struct dco_key k = test_key(DCO_CIPHER_AES_256_GCM);
    struct nl_msg *m = dco_build_key_new(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, &k);
    struct nlattr *top[11], *a[DCOV2_NEW_KEY_MAX + 1];
    (void) state;

    take_request(m, DCOV2_CMD_NEW_KEY, top);
    take_nest(top, DCOV2_A_NEW_KEY, a, DCOV2_NEW_KEY_MAX);
    assert_u32_attr(a[DCOV2_NEW_KEY_PEER_ID], 77);
    assert_bin_attr(a[DCOV2_NEW_KEY_KEY_SLOT], "\x01", 1);
    assert_bin_attr(a[DCOV2_NEW_KEY_KEY_ID], "\x05", 1);
    assert_int_equal(nla_len(a[DCOV2_NEW_KEY_CIPHER_ALG]), 2);
    assert_int_equal(nla_get_u16(a[DCOV2_NEW_KEY_CIPHER_ALG]), DCOV2_CIPHER_AES_GCM);
    check_key_dir(a[DCOV2_NEW_KEY_ENCRYPT_KEY], &k.encrypt, 32);
    check_key_dir(a[DCOV2_NEW_KEY_DECRYPT_KEY], &k.decrypt, 32);
    nlmsg_free(m);
}

static void
key_new__ovpn__all_u32_and_key_length_follows_cipher(void **state)
{
    static const struct
    {
        enum dco_cipher c;
        uint32_t alg;
        int len;
    } cases[] = {
        { DCO_CIPHER_AES_128_GCM, OVPNNL_CIPHER_AES_GCM, 16 },
        { DCO_CIPHER_AES_192_GCM, OVPNNL_CIPHER_AES_GCM, 24 },
        { DCO_CIPHER_AES_256_GCM, OVPNNL_CIPHER_AES_GCM, 32 },
        { DCO_CIPHER_CHACHA20_POLY1305, OVPNNL_CIPHER_CHACHA20_POLY1305, 32 },
    };
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
    {
        struct dco_key k = test_key(cases[i].c);
        struct nl_msg *m = dco_build_key_new(DCO_API_OVPN, FAM, IFINDEX, &k);
        struct nlattr *top[11], *a[OVPNNL_KEYCONF_MAX + 1];

        take_request(m, OVPNNL_CMD_KEY_NEW, top);
        take_nest(top, OVPNNL_A_KEYCONF, a, OVPNNL_KEYCONF_MAX);
        assert_u32_attr(a[OVPNNL_KEYCONF_PEER_ID], 77);
        assert_u32_attr(a[OVPNNL_KEYCONF_SLOT], 1);
        assert_u32_attr(a[OVPNNL_KEYCONF_KEY_ID], 5);
        assert_u32_attr(a[OVPNNL_KEYCONF_CIPHER_ALG], cases[i].alg);
        check_key_dir(a[OVPNNL_KEYCONF_ENCRYPT_DIR], &k.encrypt, cases[i].len);
        check_key_dir(a[OVPNNL_KEYCONF_DECRYPT_DIR], &k.decrypt, cases[i].len);
        nlmsg_free(m);
    }
}

static void
key_new__invalid_key_id_slot_or_cipher__builds_nothing(void **state)
{
    struct dco_key k;
    (void) state;

    for (int api = DCO_API_OVPN_DCO_V2; api <= DCO_API_OVPN; api++)
    {
        k = test_key(DCO_CIPHER_AES_128_GCM);
        k.key_id = 8;
        assert_null(dco_build_key_new(api, FAM, IFINDEX, &k));
        k = test_key(DCO_CIPHER_AES_128_GCM);
        k.slot = (enum dco_key_slot) 2;
        assert_null(dco_build_key_new(api, FAM, IFINDEX, &k));
        k = test_key((enum dco_cipher) 99);
        assert_null(dco_build_key_new(api, FAM, IFINDEX, &k));
        k = test_key(DCO_CIPHER_AES_128_GCM);
        k.peer_id = 0x1000000;
        assert_null(dco_build_key_new(api, FAM, IFINDEX, &k));
    }
}

static void
key_swap_del__both_apis__right_nest_and_slot_width(void **state)
{
    struct nlattr *top[11], *a[OVPNNL_KEYCONF_MAX + 1];
    struct nl_msg *m;
    (void) state;

    m = dco_build_key_swap(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, 12);
    take_request(m, DCOV2_CMD_SWAP_KEYS, top);
    take_nest(top, DCOV2_A_SWAP_KEYS, a, DCOV2_SWAP_KEYS_MAX);
    assert_u32_attr(a[DCOV2_SWAP_KEYS_PEER_ID], 12);
    nlmsg_free(m);

    m = dco_build_key_del(DCO_API_OVPN_DCO_V2, FAM, IFINDEX, 12, DCO_KEY_SLOT_SECONDARY);
    take_request(m, DCOV2_CMD_DEL_KEY, top);
    take_nest(top, DCOV2_A_DEL_KEY, a, DCOV2_DEL_KEY_MAX);
    assert_u32_attr(a[DCOV2_DEL_KEY_PEER_ID], 12);
    assert_bin_attr(a[DCOV2_DEL_KEY_KEY_SLOT], "\x01", 1);
    nlmsg_free(m);

    m = dco_build_key_swap(DCO_API_OVPN, FAM, IFINDEX, 12);
    take_request(m, OVPNNL_CMD_KEY_SWAP, top);
    take_nest(top, OVPNNL_A_KEYCONF, a, OVPNNL_KEYCONF_MAX);
    assert_u32_attr(a[OVPNNL_KEYCONF_PEER_ID], 12);
    assert_null(a[OVPNNL_KEYCONF_SLOT]);
    nlmsg_free(m);

    m = dco_build_key_del(DCO_API_OVPN, FAM, IFINDEX, 12, DCO_KEY_SLOT_PRIMARY);
    take_request(m, OVPNNL_CMD_KEY_DEL, top);
    take_nest(top, OVPNNL_A_KEYCONF, a, OVPNNL_KEYCONF_MAX);
    assert_u32_attr(a[OVPNNL_KEYCONF_PEER_ID], 12);
    assert_u32_attr(a[OVPNNL_KEYCONF_SLOT], 0);
    nlmsg_free(m);

    assert_null(dco_build_key_del(DCO_API_OVPN, FAM, IFINDEX, 12, (enum dco_key_slot) 5));
}

static void
iface_new__each_api__link_kind_and_mode_nested(void **state)
{
    (void) state;

    for (int api = DCO_API_OVPN_DCO_V2; api <= DCO_API_OVPN; api++)
    {
        struct nl_msg *m = dco_build_iface_new(api, "tun7", DCO_MODE_MP);
        struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *data[2];
        struct nlmsghdr *nlh;

        assert_non_null(m);
        nlh = nlmsg_hdr(m);
        assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
        assert_int_equal(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK),
                         NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
        assert_int_equal(nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
        assert_string_equal(nla_get_string(tb[IFLA_IFNAME]), "tun7");
        assert_true(tb[IFLA_LINKINFO]->nla_type & NLA_F_NESTED);
        assert_int_equal(nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL), 0);
        assert_string_equal(nla_get_string(li[IFLA_INFO_KIND]),
                            api == DCO_API_OVPN ? "ovpn" : "ovpn-dco");
        assert_int_equal(nla_parse_nested(data, 1, li[IFLA_INFO_DATA], NULL), 0);
        assert_bin_attr(data[DCO_IFLA_OVPN_MODE], "\x01", 1);
        nlmsg_free(m);
    }
    assert_null(dco_build_iface_new(DCO_API_OVPN, "a-name-longer-than-15", DCO_MODE_P2P));
    assert_null(dco_build_iface_new(DCO_API_OVPN, "tun0", (enum dco_mode) 2));
    assert_null(dco_build_iface_new(DCO_API_NONE, "tun0", DCO_MODE_P2P));
}

static void
iface_del__names_the_ifindex(void **state)
{
    struct nl_msg *m = dco_build_iface_del(31);
    struct ifinfomsg *ifi;
    (void) state;

    assert_non_null(m);
    assert_int_equal(nlmsg_hdr(m)->nlmsg_type, RTM_DELLINK);
    ifi = nlmsg_data(nlmsg_hdr(m));
    assert_int_equal(ifi->ifi_index, 31);
    nlmsg_free(m);
}

/* ------------------------------------------------- kernel messages (input) */

/* A genl message as the kernel would send it; attributes are added by the caller. */
static struct nl_msg *
kmsg(uint8_t cmd, bool with_ifindex)
{
    struct nl_msg *m = nlmsg_alloc();

    assert_non_null(genlmsg_put(m, 0, 0, FAM, 0, 0, cmd, 1));
    if (with_ifindex)
    {
        nla_put_u32(m, 1, IFINDEX);
    }
    return m;
}

static struct nl_msg *
v2_del_ntf(uint8_t reason, uint32_t peer_id)
{
    struct nl_msg *m = kmsg(DCOV2_CMD_DEL_PEER, true);
    struct nlattr *n = nla_nest_start(m, DCOV2_A_DEL_PEER | NLA_F_NESTED);

    nla_put_u8(m, DCOV2_DEL_PEER_REASON, reason);
    nla_put_u32(m, DCOV2_DEL_PEER_PEER_ID, peer_id);
    nla_nest_end(m, n);
    return m;
}

static bool
parse_ev(enum dco_api api, struct nl_msg *m, struct dco_event *ev, const char **why)
{
    struct nlmsghdr *nlh = nlmsg_hdr(m);
    bool ok = dco_parse_event(api, nlh, nlh->nlmsg_len, ev, why);

    nlmsg_free(m);
    return ok;
}

static void
parse_event__v2_peer_deleted__gives_id_reason_ifindex(void **state)
{
    struct dco_event ev;
    const char *why = NULL;
    (void) state;

    assert_true(parse_ev(DCO_API_OVPN_DCO_V2, v2_del_ntf(2, 0xABCDEF), &ev, &why));
    assert_int_equal(ev.type, DCO_EV_PEER_DEL);
    assert_int_equal(ev.peer_id, 0xABCDEF);
    assert_int_equal(ev.reason, DCO_DEL_EXPIRED);
    assert_int_equal(ev.ifindex, IFINDEX);
    assert_string_equal(dco_del_reason_str(ev.reason), "ping expired");

    /* a reason this code does not know is still a deleted peer, never an index */
    assert_true(parse_ev(DCO_API_OVPN_DCO_V2, v2_del_ntf(200, 1), &ev, &why));
    assert_int_equal(ev.reason, DCO_DEL_UNKNOWN);
}

static struct nl_msg *
ovpn_del_ntf(uint32_t reason, uint32_t peer_id)
{
    struct nl_msg *m = kmsg(OVPNNL_CMD_PEER_DEL_NTF, true);
    struct nlattr *n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);

    nla_put_u32(m, OVPNNL_PEER_DEL_REASON, reason);
    nla_put_u32(m, OVPNNL_PEER_ID, peer_id);
    nla_nest_end(m, n);
    return m;
}

static void
parse_event__ovpn_notifications__all_three_kinds(void **state)
{
    struct dco_event ev;
    const char *why = NULL;
    struct nl_msg *m;
    struct nlattr *n;
    (void) state;

    assert_true(parse_ev(DCO_API_OVPN, ovpn_del_ntf(4, 17), &ev, &why));
    assert_int_equal(ev.type, DCO_EV_PEER_DEL);
    assert_int_equal(ev.peer_id, 17);
    assert_int_equal(ev.reason, DCO_DEL_TRANSPORT_DISCONNECT);

    /* KEY_SWAP_NTF: the kernel writes key-id as 2 bytes */
    m = kmsg(OVPNNL_CMD_KEY_SWAP_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_KEYCONF | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_KEYCONF_PEER_ID, 18);
    nla_put_u16(m, OVPNNL_KEYCONF_KEY_ID, 6);
    nla_nest_end(m, n);
    assert_true(parse_ev(DCO_API_OVPN, m, &ev, &why));
    assert_int_equal(ev.type, DCO_EV_KEY_SWAP);
    assert_int_equal(ev.peer_id, 18);
    assert_int_equal(ev.key_id, 6);

    m = kmsg(OVPNNL_CMD_PEER_FLOAT_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_PEER_ID, 19);
    nla_put(m, OVPNNL_PEER_REMOTE_IPV6, 16, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x09");
    nla_put_u32(m, OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID, 4);
    nla_put(m, OVPNNL_PEER_REMOTE_PORT, 2, "\x04\xaa");
    nla_nest_end(m, n);
    assert_true(parse_ev(DCO_API_OVPN, m, &ev, &why));
    assert_int_equal(ev.type, DCO_EV_PEER_FLOAT);
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &ev.remote;
    assert_int_equal(sin6->sin6_family, AF_INET6);
    assert_int_equal(ntohs(sin6->sin6_port), 1194);
    assert_int_equal(sin6->sin6_scope_id, 4);
    assert_int_equal(sin6->sin6_addr.s6_addr[15], 9);
}

static void
parse_event__malformed__rejected_with_reason(void **state)
{
    struct dco_event ev;
    const char *why;
    struct nl_msg *m;
    struct nlattr *n;
    (void) state;

    /* unknown command */
    m = kmsg(DCOV2_CMD_NEW_PEER, true);
    why = NULL;
    assert_false(parse_ev(DCO_API_OVPN_DCO_V2, m, &ev, &why));
    assert_string_equal(why, "unexpected command");

    /* no ifindex */
    m = kmsg(DCOV2_CMD_DEL_PEER, false);
    n = nla_nest_start(m, DCOV2_A_DEL_PEER | NLA_F_NESTED);
    nla_put_u8(m, DCOV2_DEL_PEER_REASON, 1);
    nla_put_u32(m, DCOV2_DEL_PEER_PEER_ID, 1);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN_DCO_V2, m, &ev, &why));
    assert_string_equal(why, "no ifindex");

    /* reason missing */
    m = kmsg(DCOV2_CMD_DEL_PEER, true);
    n = nla_nest_start(m, DCOV2_A_DEL_PEER | NLA_F_NESTED);
    nla_put_u32(m, DCOV2_DEL_PEER_PEER_ID, 1);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN_DCO_V2, m, &ev, &why));

    /* oversized value: an u8 reason sent as 4 bytes */
    m = kmsg(DCOV2_CMD_DEL_PEER, true);
    n = nla_nest_start(m, DCOV2_A_DEL_PEER | NLA_F_NESTED);
    nla_put_u32(m, DCOV2_DEL_PEER_REASON, 2);
    nla_put_u32(m, DCOV2_DEL_PEER_PEER_ID, 1);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN_DCO_V2, m, &ev, &why));

    /* wrong type: a 2-byte peer-id */
    m = kmsg(OVPNNL_CMD_PEER_DEL_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_PEER_DEL_REASON, 2);
    nla_put_u16(m, OVPNNL_PEER_ID, 1);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN, m, &ev, &why));

    /* peer-id beyond 24 bits */
    assert_false(parse_ev(DCO_API_OVPN, ovpn_del_ntf(2, 0x1000000), &ev, &why));
    assert_string_equal(why, "peer-id out of range");

    /* the nest is a plain u32, not a nest */
    m = kmsg(OVPNNL_CMD_PEER_DEL_NTF, true);
    nla_put_u32(m, OVPNNL_A_PEER, 5);
    assert_false(parse_ev(DCO_API_OVPN, m, &ev, &why));

    /* key-id 9 in a key-swap notification */
    m = kmsg(OVPNNL_CMD_KEY_SWAP_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_KEYCONF | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_KEYCONF_PEER_ID, 1);
    nla_put_u32(m, OVPNNL_KEYCONF_KEY_ID, 9);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN, m, &ev, &why));

    /* an ovpn notification read with the ovpn-dco-v2 dialect */
    assert_false(parse_ev(DCO_API_OVPN_DCO_V2, ovpn_del_ntf(2, 1), &ev, &why));
    /* stray bytes after the last member of the nest (a cut attribute header) */
    m = kmsg(OVPNNL_CMD_PEER_DEL_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_PEER_DEL_REASON, 2);
    nla_put_u32(m, OVPNNL_PEER_ID, 1);
    memcpy(nlmsg_reserve(m, 3, 1), "\x08\x00\x01", 3);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN, m, &ev, &why));
    assert_string_equal(why, "truncated attribute in nest");

    /* float without port */
    m = kmsg(OVPNNL_CMD_PEER_FLOAT_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_PEER_ID, 19);
    nla_put_u32(m, OVPNNL_PEER_REMOTE_IPV4, 0x01020304);
    nla_nest_end(m, n);
    assert_false(parse_ev(DCO_API_OVPN, m, &ev, &why));
}

static void
parse_event__unknown_attributes__ignored(void **state)
{
    struct dco_event ev;
    const char *why = NULL;
    struct nl_msg *m = kmsg(OVPNNL_CMD_PEER_DEL_NTF, true);
    struct nlattr *n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);
    (void) state;

    nla_put_u32(m, OVPNNL_PEER_ID, 3);
    nla_put_u32(m, OVPNNL_PEER_DEL_REASON, 1);
    nla_put(m, 60, 5, "newer"); /* a newer kernel's attribute */
    nla_nest_end(m, n);
    nla_put_u32(m, 40, 1);
    assert_true(parse_ev(DCO_API_OVPN, m, &ev, &why));
    assert_int_equal(ev.reason, DCO_DEL_USERSPACE);
}

/*
 * Every strict prefix of a notification must be rejected and leave the
 * output alone: once with the length field still claiming the whole
 * message (the buffer is short), once with it matching the prefix.
 */
static void
sweep_event(enum dco_api api, struct nl_msg *m)
{
    const struct nlmsghdr *nlh = nlmsg_hdr(m);
    size_t full = nlh->nlmsg_len;

    for (size_t len = 0; len < full; len++)
    {
        for (int fix = 0; fix < 2; fix++)
        {
            uint8_t *b = malloc(len ? len : 1); /* exact size: ASan sees over-reads */
            struct dco_event ev, before;
            const char *why = NULL;

            memcpy(b, nlh, len);
            if (fix && len >= 4)
            {
                uint32_t l = (uint32_t) len;
                memcpy(b, &l, 4);
            }
            memset(&ev, 0x5a, sizeof(ev));
            before = ev;
            assert_false(dco_parse_event(api, b, len, &ev, &why));
            assert_non_null(why);
            assert_memory_equal(&ev, &before, sizeof(ev));
            free(b);
        }
    }
    nlmsg_free(m);
}

static void
parse_event__any_truncation__rejected_without_output(void **state)
{
    struct nl_msg *m;
    struct nlattr *n;
    (void) state;

    sweep_event(DCO_API_OVPN_DCO_V2, v2_del_ntf(3, 77));
    sweep_event(DCO_API_OVPN, ovpn_del_ntf(2, 77));
    m = kmsg(OVPNNL_CMD_KEY_SWAP_NTF, true);
    n = nla_nest_start(m, OVPNNL_A_KEYCONF | NLA_F_NESTED);
    nla_put_u32(m, OVPNNL_KEYCONF_PEER_ID, 18);
    nla_put_u16(m, OVPNNL_KEYCONF_KEY_ID, 6);
    nla_nest_end(m, n);
    sweep_event(DCO_API_OVPN, m);
}

/* GET_PEER replies ---------------------------------------------------- */

static struct nl_msg *
v2_get_reply(void)
{
    struct nl_msg *m = kmsg(DCOV2_CMD_GET_PEER, false); /* replies carry no ifindex */
    struct nlattr *n = nla_nest_start(m, DCOV2_A_GET_PEER | NLA_F_NESTED);

    nla_put_u32(m, DCOV2_GET_PEER_PEER_ID, 5);
    nla_put_u32(m, DCOV2_GET_PEER_KEEPALIVE_INTERVAL, 10);
    nla_put_u32(m, DCOV2_GET_PEER_KEEPALIVE_TIMEOUT, 60);
    nla_put_u64(m, DCOV2_GET_PEER_VPN_RX_BYTES, 0x100000001ULL);
    nla_put_u64(m, DCOV2_GET_PEER_VPN_TX_BYTES, 2000);
    nla_put_u32(m, DCOV2_GET_PEER_VPN_RX_PACKETS, 3);
    nla_put_u32(m, DCOV2_GET_PEER_VPN_TX_PACKETS, 4);
    nla_put_u64(m, DCOV2_GET_PEER_LINK_RX_BYTES, 5000);
    nla_put_u64(m, DCOV2_GET_PEER_LINK_TX_BYTES, 6000);
    nla_put_u32(m, DCOV2_GET_PEER_LINK_RX_PACKETS, 7);
    nla_put_u32(m, DCOV2_GET_PEER_LINK_TX_PACKETS, 8);
    nla_nest_end(m, n);
    return m;
}

/* ovpn "uint" counters: some 4, some 8 bytes; @p bad_len makes one malformed. */
static struct nl_msg *
ovpn_get_reply(int bad_len)
{
    struct nl_msg *m = kmsg(OVPNNL_CMD_PEER_GET, false);
    struct nlattr *n = nla_nest_start(m, OVPNNL_A_PEER | NLA_F_NESTED);

    nla_put_u32(m, OVPNNL_PEER_ID, 5);
    nla_put_u32(m, OVPNNL_PEER_KEEPALIVE_TIMEOUT, 60);
    for (int i = 0; i < 8; i++)
    {
        if (i == 0 && bad_len)
        {
            nla_put(m, OVPNNL_PEER_VPN_RX_BYTES, bad_len, "\1\2\3\4\5\6\7\10\11");
        }
        else if (i % 2)
        {
            nla_put_u32(m, OVPNNL_PEER_VPN_RX_BYTES + i, 100u + (uint32_t) i);
        }
        else
        {
            nla_put_u64(m, OVPNNL_PEER_VPN_RX_BYTES + i, 0x500000000ULL + (uint64_t) i);
        }
    }
    nla_nest_end(m, n);
    return m;
}

static bool
parse_info(enum dco_api api, struct nl_msg *m, struct dco_peer_info *pi, bool free_it)
{
    const char *why = NULL;
    bool ok = dco_parse_peer_info(api, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len, pi, &why);

    if (free_it)
    {
        nlmsg_free(m);
    }
    return ok;
}

static void
parse_peer_info__v2_reply__every_counter(void **state)
{
    struct dco_peer_info pi;
    (void) state;

    assert_true(parse_info(DCO_API_OVPN_DCO_V2, v2_get_reply(), &pi, true));
    assert_int_equal(pi.peer_id, 5);
    assert_int_equal(pi.keepalive_interval, 10);
    assert_int_equal(pi.keepalive_timeout, 60);
    assert_true(pi.stats.vpn_rx_bytes == 0x100000001ULL);
    assert_int_equal(pi.stats.vpn_tx_bytes, 2000);
    assert_int_equal(pi.stats.vpn_rx_packets, 3);
    assert_int_equal(pi.stats.vpn_tx_packets, 4);
    assert_int_equal(pi.stats.link_rx_bytes, 5000);
    assert_int_equal(pi.stats.link_tx_bytes, 6000);
    assert_int_equal(pi.stats.link_rx_packets, 7);
    assert_int_equal(pi.stats.link_tx_packets, 8);
}

static void
parse_peer_info__ovpn_uint_counters__read_by_length(void **state)
{
    struct dco_peer_info pi;
    (void) state;

    assert_true(parse_info(DCO_API_OVPN, ovpn_get_reply(0), &pi, true));
    assert_int_equal(pi.peer_id, 5);
    assert_int_equal(pi.keepalive_interval, 0); /* absent */
    assert_int_equal(pi.keepalive_timeout, 60);
    assert_true(pi.stats.vpn_rx_bytes == 0x500000000ULL);
    assert_int_equal(pi.stats.vpn_tx_bytes, 101);
    assert_true(pi.stats.link_rx_bytes == 0x500000004ULL);
    assert_int_equal(pi.stats.link_tx_packets, 107);
}

static void
parse_peer_info__bad_sizes_or_command__rejected(void **state)
{
    struct dco_peer_info pi;
    struct nl_msg *m;
    struct nlattr *n;
    (void) state;

    assert_false(parse_info(DCO_API_OVPN, ovpn_get_reply(6), &pi, true)); /* 6-byte uint */
    assert_false(parse_info(DCO_API_OVPN, ovpn_get_reply(9), &pi, true)); /* oversized */
    assert_false(parse_info(DCO_API_OVPN, ovpn_get_reply(3), &pi, true)); /* short */
    /* v2 u64 counter sent as 4 bytes */
    m = kmsg(DCOV2_CMD_GET_PEER, true);
    n = nla_nest_start(m, DCOV2_A_GET_PEER | NLA_F_NESTED);
    nla_put_u32(m, DCOV2_GET_PEER_PEER_ID, 5);
    nla_put_u32(m, DCOV2_GET_PEER_VPN_RX_BYTES, 5);
    nla_nest_end(m, n);
    assert_false(parse_info(DCO_API_OVPN_DCO_V2, m, &pi, true));
    /* no peer-id */
    m = kmsg(DCOV2_CMD_GET_PEER, true);
    n = nla_nest_start(m, DCOV2_A_GET_PEER | NLA_F_NESTED);
    nla_put_u64(m, DCOV2_GET_PEER_VPN_RX_BYTES, 5);
    nla_nest_end(m, n);
    assert_false(parse_info(DCO_API_OVPN_DCO_V2, m, &pi, true));
    /* a reply of the other API */
    assert_false(parse_info(DCO_API_OVPN_DCO_V2, ovpn_get_reply(0), &pi, true));
    assert_false(parse_info(DCO_API_OVPN, v2_get_reply(), &pi, true));
}

/*
 * Truncated replies: with the length field claiming more than the buffer,
 * always rejected; with it matching, a prefix cut exactly between two
 * counters may parse (the kernel may omit counters), but then every value
 * it yields must be the original one or absent (0).
 */
static void
sweep_info(enum dco_api api, struct nl_msg *m)
{
    const struct nlmsghdr *nlh = nlmsg_hdr(m);
    size_t full = nlh->nlmsg_len;
    struct dco_peer_info whole;
    const char *why = NULL;

    assert_true(dco_parse_peer_info(api, nlh, full, &whole, &why));
    for (size_t len = 0; len < full; len++)
    {
        uint8_t *b = malloc(len ? len : 1);
        struct dco_peer_info pi;

        memcpy(b, nlh, len);
        assert_false(dco_parse_peer_info(api, b, len, &pi, &why));
        if (len >= 4)
        {
            uint32_t l = (uint32_t) len;
            memcpy(b, &l, 4);
            if (dco_parse_peer_info(api, b, len, &pi, &why))
            {
                const uint64_t *got = &pi.stats.vpn_rx_bytes, *want = &whole.stats.vpn_rx_bytes;
                assert_int_equal(pi.peer_id, whole.peer_id);
                for (int i = 0; i < 8; i++)
                {
                    assert_true(got[i] == 0 || got[i] == want[i]);
                }
            }
        }
        free(b);
    }
    nlmsg_free(m);
}

static void
parse_peer_info__any_truncation__never_yields_wrong_values(void **state)
{
    (void) state;

    sweep_info(DCO_API_OVPN_DCO_V2, v2_get_reply());
    sweep_info(DCO_API_OVPN, ovpn_get_reply(0));
}

static void
names__api_kind_and_cipher_lengths(void **state)
{
    (void) state;

    assert_string_equal(dco_api_name(DCO_API_OVPN_DCO_V2), "ovpn-dco-v2");
    assert_string_equal(dco_link_kind(DCO_API_OVPN_DCO_V2), "ovpn-dco");
    assert_string_equal(dco_link_kind(DCO_API_OVPN), "ovpn");
    assert_null(dco_link_kind(DCO_API_NONE));
    assert_int_equal(dco_cipher_key_len(DCO_CIPHER_AES_192_GCM), 24);
    assert_int_equal(dco_cipher_key_len(DCO_CIPHER_CHACHA20_POLY1305), 32);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(peer_new__v2_udp4__carries_sockaddr_fd_local_and_vpn_addresses),
        cmocka_unit_test(peer_new__v2_udp6__sockaddr_is_28_bytes_local_16),
        cmocka_unit_test(peer_new__ovpn_udp4__splits_address_and_port),
        cmocka_unit_test(peer_new__ovpn_udp6__carries_scope_id_and_local6),
        cmocka_unit_test(peer_new__tcp_without_remote__has_no_address_attributes),
        cmocka_unit_test(peer_new__invalid_input__builds_nothing),
        cmocka_unit_test(peer_set__both_apis__carry_id_and_both_timers),
        cmocka_unit_test(peer_del_get__both_apis__carry_only_the_peer_id),
        cmocka_unit_test(key_new__v2__u8_slot_and_id_u16_cipher_and_two_key_dirs),
        cmocka_unit_test(key_new__ovpn__all_u32_and_key_length_follows_cipher),
        cmocka_unit_test(key_new__invalid_key_id_slot_or_cipher__builds_nothing),
        cmocka_unit_test(key_swap_del__both_apis__right_nest_and_slot_width),
        cmocka_unit_test(iface_new__each_api__link_kind_and_mode_nested),
        cmocka_unit_test(iface_del__names_the_ifindex),
        cmocka_unit_test(parse_event__v2_peer_deleted__gives_id_reason_ifindex),
        cmocka_unit_test(parse_event__ovpn_notifications__all_three_kinds),
        cmocka_unit_test(parse_event__malformed__rejected_with_reason),
        cmocka_unit_test(parse_event__unknown_attributes__ignored),
        cmocka_unit_test(parse_event__any_truncation__rejected_without_output),
        cmocka_unit_test(parse_peer_info__v2_reply__every_counter),
        cmocka_unit_test(parse_peer_info__ovpn_uint_counters__read_by_length),
        cmocka_unit_test(parse_peer_info__bad_sizes_or_command__rejected),
        cmocka_unit_test(parse_peer_info__any_truncation__never_yields_wrong_values),
        cmocka_unit_test(names__api_kind_and_cipher_lengths),
    };

    return cmocka_run_group_tests_name("dco", tests, NULL, NULL);
}
