/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ovpn_dco_linux.h -- the numbers of the two kernel DCO netlink APIs, written
 * from the tables in doc/dco.md (sections 1.1-1.7 and 2.1-2.2), not
 * from the kernel headers, under our own prefixes so that they can never
 * clash with <linux/ovpn.h>:
 *   DCOV2_*   out-of-tree ovpn-dco-v2 family (OpenVPN 2.6)
 *   OVPNNL_*  upstream ovpn family (Linux >= 6.16, OpenVPN 2.7)
 * Only dco_linux.c (and its test) include this.  Tier 3o, constants only.
 */
#ifndef OVPN_DCO_LINUX_H
#define OVPN_DCO_LINUX_H

/* Both APIs: rtnetlink IFLA_INFO_DATA member selecting the mode (u8). */
#define DCO_IFLA_OVPN_MODE 1
#define DCO_IFLA_OVPN_MAX  1

/* ---- ovpn-dco-v2 ------------------------------------------------------ */
#define DCOV2_FAMILY_NAME  "ovpn-dco-v2"
#define DCOV2_LINK_KIND    "ovpn-dco"
#define DCOV2_MCGRP_PEERS  "peers"
#define DCOV2_GENL_VERSION 1

enum dcov2_cmd /* genl cmd; DEL_PEER is also the notification's cmd */
{
    DCOV2_CMD_NEW_PEER = 1,
    DCOV2_CMD_SET_PEER = 2,
    DCOV2_CMD_DEL_PEER = 3,
    DCOV2_CMD_NEW_KEY = 4,
    DCOV2_CMD_SWAP_KEYS = 5,
    DCOV2_CMD_DEL_KEY = 6,
    DCOV2_CMD_GET_PEER = 7,
};

enum dcov2_attr /* top level: IFINDEX + one nest named after the command */
{
    DCOV2_A_IFINDEX = 1,
    DCOV2_A_NEW_PEER = 2,
    DCOV2_A_SET_PEER = 3,
    DCOV2_A_DEL_PEER = 4,
    DCOV2_A_NEW_KEY = 5,
    DCOV2_A_SWAP_KEYS = 6,
    DCOV2_A_DEL_KEY = 7,
    DCOV2_A_GET_PEER = 8,
    DCOV2_A_MAX = 8,
};

enum dcov2_new_peer_attr
{
    DCOV2_NEW_PEER_PEER_ID = 1,         /* u32 */
    DCOV2_NEW_PEER_SOCKADDR_REMOTE = 2, /* struct sockaddr_in / sockaddr_in6 */
    DCOV2_NEW_PEER_SOCKET = 3,          /* u32 fd of the caller */
    DCOV2_NEW_PEER_IPV4 = 4,            /* u32, network order */
    DCOV2_NEW_PEER_IPV6 = 5,            /* 16 bytes */
    DCOV2_NEW_PEER_LOCAL_IP = 6,        /* 4 or 16 bytes */
    DCOV2_NEW_PEER_MAX = 6,
};

enum dcov2_set_peer_attr
{
    DCOV2_SET_PEER_PEER_ID = 1,            /* u32 */
    DCOV2_SET_PEER_KEEPALIVE_INTERVAL = 2, /* u32 seconds */
    DCOV2_SET_PEER_KEEPALIVE_TIMEOUT = 3,  /* u32 seconds */
    DCOV2_SET_PEER_MAX = 3,
};

enum dcov2_del_peer_attr /* note the order: reason first */
{
    DCOV2_DEL_PEER_REASON = 1,  /* u8 */
    DCOV2_DEL_PEER_PEER_ID = 2, /* u32 */
    DCOV2_DEL_PEER_MAX = 2,
};

enum dcov2_new_key_attr
{
    DCOV2_NEW_KEY_PEER_ID = 1,     /* u32 */
    DCOV2_NEW_KEY_KEY_SLOT = 2,    /* u8 */
    DCOV2_NEW_KEY_KEY_ID = 3,      /* u8 */
    DCOV2_NEW_KEY_CIPHER_ALG = 4,  /* u16 */
    DCOV2_NEW_KEY_ENCRYPT_KEY = 5, /* nest: key-dir */
    DCOV2_NEW_KEY_DECRYPT_KEY = 6, /* nest: key-dir */
    DCOV2_NEW_KEY_MAX = 6,
};

enum dcov2_key_dir_attr
{
    DCOV2_KEY_DIR_CIPHER_KEY = 1, /* binary, <= 255 */
    DCOV2_KEY_DIR_NONCE_TAIL = 2, /* exactly 8 bytes */
    DCOV2_KEY_DIR_MAX = 2,
};

enum dcov2_swap_keys_attr
{
    DCOV2_SWAP_KEYS_PEER_ID = 1,
    DCOV2_SWAP_KEYS_MAX = 1,
};

enum dcov2_del_key_attr
{
    DCOV2_DEL_KEY_PEER_ID = 1,  /* u32 */
    DCOV2_DEL_KEY_KEY_SLOT = 2, /* u8 */
    DCOV2_DEL_KEY_MAX = 2,
};

enum dcov2_get_peer_attr /* request: PEER_ID only; reply: everything */
{
    DCOV2_GET_PEER_PEER_ID = 1,
    DCOV2_GET_PEER_SOCKADDR_REMOTE = 2,
    DCOV2_GET_PEER_IPV4 = 3,
    DCOV2_GET_PEER_IPV6 = 4,
    DCOV2_GET_PEER_LOCAL_IP = 5,
    DCOV2_GET_PEER_LOCAL_PORT = 6,
    DCOV2_GET_PEER_KEEPALIVE_INTERVAL = 7,
    DCOV2_GET_PEER_KEEPALIVE_TIMEOUT = 8,
    DCOV2_GET_PEER_VPN_RX_BYTES = 9,     /* u64 */
    DCOV2_GET_PEER_VPN_TX_BYTES = 10,    /* u64 */
    DCOV2_GET_PEER_VPN_RX_PACKETS = 11,  /* u32 */
    DCOV2_GET_PEER_VPN_TX_PACKETS = 12,  /* u32 */
    DCOV2_GET_PEER_LINK_RX_BYTES = 13,   /* u64 */
    DCOV2_GET_PEER_LINK_TX_BYTES = 14,   /* u64 */
    DCOV2_GET_PEER_LINK_RX_PACKETS = 15, /* u32 */
    DCOV2_GET_PEER_LINK_TX_PACKETS = 16, /* u32 */
    DCOV2_GET_PEER_MAX = 16,
};

enum dcov2_cipher_alg /* u16 */
{
    DCOV2_CIPHER_NONE = 0,
    DCOV2_CIPHER_AES_GCM = 1, /* the key length picks 128/192/256 */
    DCOV2_CIPHER_CHACHA20_POLY1305 = 2,
};

/* ---- upstream ovpn ---------------------------------------------------- */
#define OVPNNL_FAMILY_NAME  "ovpn"
#define OVPNNL_LINK_KIND    "ovpn"
#define OVPNNL_MCGRP_PEERS  "peers"
#define OVPNNL_GENL_VERSION 1

enum ovpnnl_cmd
{
    OVPNNL_CMD_PEER_NEW = 1,
    OVPNNL_CMD_PEER_SET = 2,
    OVPNNL_CMD_PEER_GET = 3,
    OVPNNL_CMD_PEER_DEL = 4,
    OVPNNL_CMD_PEER_DEL_NTF = 5,
    OVPNNL_CMD_KEY_NEW = 6,
    OVPNNL_CMD_KEY_GET = 7,
    OVPNNL_CMD_KEY_SWAP = 8,
    OVPNNL_CMD_KEY_SWAP_NTF = 9,
    OVPNNL_CMD_KEY_DEL = 10,
    OVPNNL_CMD_PEER_FLOAT_NTF = 11,
};

enum ovpnnl_attr
{
    OVPNNL_A_IFINDEX = 1, /* u32 */
    OVPNNL_A_PEER = 2,    /* nest: peer set */
    OVPNNL_A_KEYCONF = 3, /* nest: keyconf set */
    OVPNNL_A_MAX = 3,
};

enum ovpnnl_peer_attr
{
    OVPNNL_PEER_ID = 1,                   /* u32 <= 0xFFFFFF */
    OVPNNL_PEER_REMOTE_IPV4 = 2,          /* u32 network order */
    OVPNNL_PEER_REMOTE_IPV6 = 3,          /* 16 bytes */
    OVPNNL_PEER_REMOTE_IPV6_SCOPE_ID = 4, /* u32 */
    OVPNNL_PEER_REMOTE_PORT = 5,          /* u16 network order */
    OVPNNL_PEER_SOCKET = 6,               /* u32 fd */
    OVPNNL_PEER_SOCKET_NETNSID = 7,       /* s32 */
    OVPNNL_PEER_VPN_IPV4 = 8,             /* u32 network order */
    OVPNNL_PEER_VPN_IPV6 = 9,             /* 16 bytes */
    OVPNNL_PEER_LOCAL_IPV4 = 10,          /* u32 network order */
    OVPNNL_PEER_LOCAL_IPV6 = 11,          /* 16 bytes */
    OVPNNL_PEER_LOCAL_PORT = 12,          /* u16 network order */
    OVPNNL_PEER_KEEPALIVE_INTERVAL = 13,  /* u32 seconds */
    OVPNNL_PEER_KEEPALIVE_TIMEOUT = 14,   /* u32 seconds */
    OVPNNL_PEER_DEL_REASON = 15,          /* u32 */
    OVPNNL_PEER_VPN_RX_BYTES = 16,        /* uint: 4 or 8 bytes */
    OVPNNL_PEER_VPN_TX_BYTES = 17,
    OVPNNL_PEER_VPN_RX_PACKETS = 18,
    OVPNNL_PEER_VPN_TX_PACKETS = 19,
    OVPNNL_PEER_LINK_RX_BYTES = 20,
    OVPNNL_PEER_LINK_TX_BYTES = 21,
    OVPNNL_PEER_LINK_RX_PACKETS = 22,
    OVPNNL_PEER_LINK_TX_PACKETS = 23,
    OVPNNL_PEER_TX_ID = 24, /* u32, recent kernels */
    OVPNNL_PEER_MAX = 24,
};

enum ovpnnl_keyconf_attr
{
    OVPNNL_KEYCONF_PEER_ID = 1,     /* u32 */
    OVPNNL_KEYCONF_SLOT = 2,        /* u32 */
    OVPNNL_KEYCONF_KEY_ID = 3,      /* u32 (2 bytes in KEY_SWAP_NTF) */
    OVPNNL_KEYCONF_CIPHER_ALG = 4,  /* u32 */
    OVPNNL_KEYCONF_ENCRYPT_DIR = 5, /* nest: keydir */
    OVPNNL_KEYCONF_DECRYPT_DIR = 6, /* nest: keydir */
    OVPNNL_KEYCONF_MAX = 6,
};

enum ovpnnl_keydir_attr
{
    OVPNNL_KEYDIR_CIPHER_KEY = 1, /* binary <= 256 */
    OVPNNL_KEYDIR_NONCE_TAIL = 2, /* exactly 8 */
    OVPNNL_KEYDIR_MAX = 2,
};

enum ovpnnl_cipher_alg /* u32 */
{
    OVPNNL_CIPHER_NONE = 0,
    OVPNNL_CIPHER_AES_GCM = 1,
    OVPNNL_CIPHER_CHACHA20_POLY1305 = 2,
};

#endif /* OVPN_DCO_LINUX_H */
