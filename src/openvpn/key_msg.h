/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * key_msg.h -- the key-method-2 message (doc/protocol.md §4.3), the first
 * plaintext each side sends inside TLS, and the peer-info text it carries
 * (§7.1, §7.2).
 *
 *   u32 0 | u8 key method (2) | [pre_master 48, client only] | random1 32 |
 *   random2 32 | str options | str username | str password | str peer-info
 *
 * where str = u16 length INCLUDING a terminating NUL, then the bytes; an
 * empty string is a bare u16 0.
 *
 * The struct holds fixed arrays, so nothing here allocates; it contains
 * secrets (pre_master, randoms, password) and must be wiped with
 * key_msg_wipe() by its owner.  Parsing never logs: the caller gets a
 * status and key_msg_status_str() to log it rate-limited, because the
 * input comes from the peer.
 *
 * Tier 1: includes libc and tier 0-1 headers only; no crypto library.
 */
#ifndef OVPN_KEY_MSG_H
#define OVPN_KEY_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

#define KEY_METHOD_2      2
#define KEY_METHOD_MASK   0x0F /* low nibble = method, high nibble = flags */
#define KM_PRE_MASTER_LEN 48
#define KM_RANDOM_LEN     32
#define KM_OPTIONS_MAX    512  /* incl. NUL; 2.6 fails the handshake above this */
#define KM_USERPASS_MAX   4096 /* incl. NUL; Debian's 2.6 build (USER_PASS_LEN) */
#define KM_PEER_INFO_MAX  4096 /* incl. NUL; 2.6 builds at most 1536 */

/* §7.2 IV_PROTO bits */
#define IV_PROTO_DATA_V2         (1u << 1)
#define IV_PROTO_REQUEST_PUSH    (1u << 2)
#define IV_PROTO_TLS_KEY_EXPORT  (1u << 3)
#define IV_PROTO_AUTH_PENDING_KW (1u << 4)
#define IV_PROTO_NCP_P2P         (1u << 5)
#define IV_PROTO_DNS_OPTION      (1u << 6)
#define IV_PROTO_CC_EXIT_NOTIFY  (1u << 7)
#define IV_PROTO_AUTH_FAIL_TEMP  (1u << 8)
#define IV_PROTO_DYN_TLS_CRYPT   (1u << 9)
#define IV_PROTO_DATA_EPOCH      (1u << 10) /* 2.7+, never announced by us */
#define IV_PROTO_DNS_OPTION_V2   (1u << 11) /* 2.7+ */
#define IV_PROTO_PUSH_UPDATE     (1u << 12) /* 2.7+ */

/** What 2.6.14 announces: a pulling client 990, a p2p peer 746 (§7.2). */
#define IV_PROTO_26_CLIENT                                                      \
    (IV_PROTO_DATA_V2 | IV_PROTO_REQUEST_PUSH | IV_PROTO_TLS_KEY_EXPORT |       \
     IV_PROTO_AUTH_PENDING_KW | IV_PROTO_DNS_OPTION | IV_PROTO_CC_EXIT_NOTIFY | \
     IV_PROTO_AUTH_FAIL_TEMP | IV_PROTO_DYN_TLS_CRYPT)
#define IV_PROTO_26_P2P                                                                    \
    (IV_PROTO_DATA_V2 | IV_PROTO_TLS_KEY_EXPORT | IV_PROTO_NCP_P2P | IV_PROTO_DNS_OPTION | \
     IV_PROTO_CC_EXIT_NOTIFY | IV_PROTO_DYN_TLS_CRYPT)

struct key_msg
{
    bool from_client;   /**< the client's message carries pre_master */
    uint8_t key_method; /**< whole byte as received (low nibble is 2) */
    uint8_t pre_master[KM_PRE_MASTER_LEN];
    uint8_t random1[KM_RANDOM_LEN];
    uint8_t random2[KM_RANDOM_LEN];
    char options[KM_OPTIONS_MAX];     /**< OCC string, §4.5 */
    char username[KM_USERPASS_MAX];   /**< "" when absent */
    char password[KM_USERPASS_MAX];   /**< "" when absent */
    char peer_info[KM_PEER_INFO_MAX]; /**< "VAR=value\n" lines, "" when absent */
    /**
     * Set by the parser when the peer sent a username or password longer
     * than KM_USERPASS_MAX: both are then left empty and the message still
     * parses, because 2.6 answers this with AUTH_FAILED rather than a TLS
     * error.
     */
    bool userpass_too_long;
};

enum key_msg_status
{
    KEY_MSG_OK,
    KEY_MSG_TRUNCATED,          /**< ended early, or a string length runs past the end */
    KEY_MSG_BAD_METHOD,         /**< key method is not 2 */
    KEY_MSG_OPTIONS_TOO_LONG,   /**< options string over KM_OPTIONS_MAX */
    KEY_MSG_PEER_INFO_TOO_LONG, /**< peer-info over KM_PEER_INFO_MAX */
};

/** Human-readable reason for logs, e.g. "options string too long". */
const char *key_msg_status_str(enum key_msg_status st);

/**
 * Append the message @p km to @p buf (pre_master only if km->from_client;
 * km->key_method is ignored, KEY_METHOD_2 is written).
 * @return false, leaving @p buf unchanged, if it does not fit or a string
 *         exceeds its limit (options >= KM_OPTIONS_MAX chars etc.).
 */
bool key_msg_write(struct buffer *buf, const struct key_msg *km);

/**
 * Parse a message sent by a client (@p from_client) or a server from the
 * front of @p buf.  On KEY_MSG_OK, @p buf holds whatever followed the
 * message; otherwise @p buf is unchanged and @p out is wiped.
 */
enum key_msg_status key_msg_parse(struct buffer *buf, bool from_client, struct key_msg *out);

/** Wipe every field (secrets included). */
void key_msg_wipe(struct key_msg *km);

/* --- peer-info -------------------------------------------------------------- */

/**
 * What to announce.  The detail levels follow 2.6: a --mode server sends
 * nothing (don't call the builder, leave peer_info empty); a p2p peer
 * sends only IV_CIPHERS and IV_PROTO; a pulling client sends the normal
 * set; --push-peer-info adds IV_HWADDR, IV_SSL, IV_PLAT_VER and UV_*.
 */
struct peer_info_config
{
    bool pull;                /**< client with --pull/--client: full set; false: p2p */
    bool push_peer_info;      /**< --push-peer-info (pull only) */
    const char *version;      /**< IV_VER, e.g. "2.6.14" */
    unsigned int tun_max_mtu; /**< IV_MTU (pull only) */
    const char *ciphers;      /**< IV_CIPHERS, the --data-ciphers list */
    unsigned int iv_proto;    /**< IV_PROTO, e.g. IV_PROTO_26_CLIENT */
    /** Compression lines, each "IV_X=1" without newline (pull only); NULL-terminated. */
    const char *const *comp_lines;
    const char *hwaddr;      /**< IV_HWADDR (push-peer-info); NULL: omit */
    const char *ssl_version; /**< IV_SSL (push-peer-info); NULL: omit */
    const char *plat_ver;    /**< IV_PLAT_VER (push-peer-info); NULL: omit */
    /** Extra "NAME=value" lines (UV_*, IV_GUI_VER, IV_SSO); NULL-terminated. */
    const char *const *extra_lines;
};

/**
 * Build the peer-info text (with a trailing newline on every line) into
 * @p out.  IV_NCP=2 is added for a pulling client when its cipher list
 * holds both AES-128-GCM and AES-256-GCM, as 2.6 does.
 * @return false if it does not fit in @p outlen (out is then "").
 */
bool key_msg_peer_info_build(const struct peer_info_config *pi, char *out, size_t outlen);

/**
 * Find variable @p name in received peer-info text and copy its value.
 * The first occurrence wins.  False when absent or the value does not fit.
 */
bool key_msg_peer_info_get(const char *peer_info, const char *name, char *out, size_t outlen);

/** IV_PROTO of received peer-info; 0 when absent or not a number. */
unsigned int key_msg_peer_info_proto(const char *peer_info);

#endif /* OVPN_KEY_MSG_H */
