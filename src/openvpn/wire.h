/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire.h -- every on-the-wire constant of the OpenVPN 2.x protocol, in one
 * place, each with the section of doc/protocol.md it comes from.
 * Tier 1: no includes beyond <stdint.h>.
 */
#ifndef OVPN_WIRE_H
#define OVPN_WIRE_H

#include <stdint.h>

/* §1.2: first byte = opcode << 3 | key_id */
#define P_OPCODE_SHIFT 3
#define P_KEY_ID_MASK  0x07

enum p_opcode
{
    P_CONTROL_HARD_RESET_CLIENT_V1 = 1,
    P_CONTROL_HARD_RESET_SERVER_V1 = 2,
    P_CONTROL_SOFT_RESET_V1 = 3,
    P_CONTROL_V1 = 4,
    P_ACK_V1 = 5,
    P_DATA_V1 = 6,
    P_CONTROL_HARD_RESET_CLIENT_V2 = 7,
    P_CONTROL_HARD_RESET_SERVER_V2 = 8,
    P_DATA_V2 = 9,
    P_CONTROL_HARD_RESET_CLIENT_V3 = 10,
    P_CONTROL_WKC_V1 = 11,
    P_FIRST_OPCODE = 3,
    P_LAST_OPCODE = 11,
};

/* §6.1: DATA_V2 carries a 24-bit peer id; all ones means "unset" */
#define P_DATA_V2_HDR_LEN  4
#define P_DATA_V1_HDR_LEN  1
#define PEER_ID_UNDEF      0xFFFFFFu
#define PEER_ID_P2P_NO_EKM 0x76706eu /* "vpn", §7.5 */

/* §2.1 */
#define SID_SIZE    8
#define CTL_ACK_MAX 8

/* §5.1: key2 = keys[0] || keys[1], each cipher[64] || hmac[64] */
#define MAX_CIPHER_KEY_LENGTH 64
#define MAX_HMAC_KEY_LENGTH   64
#define KEY2_SIZE             256

/* §6.2 packet ids */
#define PACKET_ID_SHORT_LEN 4
#define PACKET_ID_LONG_LEN  8
#define PACKET_ID_WRAP_TRIGGER 0xFF000000u

/* §6.3 */
#define AEAD_TAG_LEN        16
#define AEAD_IMPLICIT_IV_LEN 8

/* §6.8: keepalive ping payload, 16 bytes, compared exactly */
#define PING_MAGIC_LEN 16
extern const uint8_t ping_magic[PING_MAGIC_LEN];

/* §6.8: OCC payload = magic || type || body */
#define OCC_MAGIC_LEN 16
extern const uint8_t occ_magic[OCC_MAGIC_LEN];
enum occ_type
{
    OCC_REQUEST = 0,
    OCC_REPLY = 1,
    OCC_MTU_LOAD_REQUEST = 2,
    OCC_MTU_LOAD = 3,
    OCC_MTU_REQUEST = 4,
    OCC_MTU_REPLY = 5,
    OCC_EXIT = 6,
};
#define OCC_STRING_MAX 512 /* §4.3: options string incl. NUL */

/* §6.9 compression framing bytes */
#define COMP_NO_COMPRESS_BYTE_LZO 0xFA
#define COMP_LZO_COMPRESS_BYTE    0x66
#define COMP_NO_COMPRESS_BYTE_SWAP 0xFB
#define COMP_LZ4_COMPRESS_BYTE    0x69
#define COMP_V2_INDICATOR         0x50

/* §1.1 TCP: u16 length prefix */
#define TCP_LEN_PREFIX 2

/* §6.11 defaults */
#define DEFAULT_TUN_MTU   1500
#define TUN_MAX_MTU       1600
#define DEFAULT_PORT      1194

#endif /* OVPN_WIRE_H */
