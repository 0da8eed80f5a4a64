/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_pkt.h -- the plain control-packet header (doc/protocol.md §2.1/§2.2) and the
 * early-negotiation TLVs of hard-reset payloads (§2.8).
 *
 * Input is a control packet after tls-auth/tls-crypt unwrapping (tls_wrap
 * has already removed the HMAC/replay fields, decrypted, and cut off any
 * tls-crypt-v2 WKc):
 *
 *   byte0 | own_sid[8] | u8 n | n x u32 ack | [remote_sid[8] iff n > 0]
 *         | [u32 message id, absent for P_ACK_V1] | payload
 *
 * Parsing goes through a cursor copy and commits only on success, so a
 * rejected packet leaves the caller's buffer untouched; everything the peer
 * controls (opcode, ACK count, lengths) is checked before use.  Nothing here
 * logs, allocates or exits: a false return means "drop this packet", and the
 * caller, who knows the peer's address, logs rate-limited.
 *
 * Tier 1: includes buffer.h, wire.h, session_id.h and libc only.  Must not
 * include crypto, ssl or OS headers; reads no clock.
 */
#ifndef OVPN_CTL_PKT_H
#define OVPN_CTL_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "session_id.h"
#include "wire.h"

/* §2.1/§3.1: ACKs 2.6 puts on a packet that also carries a message, and on
 * a P_ACK_V1.  A receiver accepts up to CTL_ACK_MAX (wire.h) on any packet. */
#define CTL_ACK_MAX_PIGGYBACK 4
#define CTL_ACK_MAX_ACK_V1    8

/* §2.1: largest header = byte0 + sid + (n + 8 acks + remote sid) + msg id */
#define CTL_HEADER_MAX_LEN (1 + SID_SIZE + 1 + 4 * CTL_ACK_MAX + SID_SIZE + 4)

/* §2.8 early-negotiation TLVs: u16 type | u16 length | value */
#define EARLY_NEG_FLAGS           0x0001 /* value: u16 flags, length exactly 2 */
#define EARLY_NEG_FLAGS_LEN       2
#define EARLY_NEG_FLAG_RESEND_WKC 0x0001 /* next client packet must be P_CONTROL_WKC_V1 */
#define EARLY_NEG_TLV_HDR_LEN     4

/** One decoded control header. */
struct ctl_header
{
    uint8_t opcode;               /**< a control opcode: ctl_opcode_is_control() */
    uint8_t key_id;               /**< 0..7 (§1.3) */
    struct session_id local_sid;  /**< the sender's own session id */
    uint8_t n_acks;               /**< entries used in acks[], <= CTL_ACK_MAX */
    uint32_t acks[CTL_ACK_MAX];   /**< message ids the sender acknowledges */
    struct session_id remote_sid; /**< the receiver's id as the sender knows it; iff n_acks */
    bool has_msg_id;              /**< false only for P_ACK_V1 */
    uint32_t msg_id;              /**< reliability sequence number (§3) */
};

/*
 * Opcode classification (§1.2).  All take the 5-bit opcode, not byte0.
 */

/** A control opcode we accept: 3,4,5,7,8,10,11 (not the key-method-1 resets 1,2). */
bool ctl_opcode_is_control(uint8_t opcode);

/** P_DATA_V1 or P_DATA_V2. */
bool ctl_opcode_is_data(uint8_t opcode);

/** A control opcode that carries a message id (every control opcode but P_ACK_V1). */
bool ctl_opcode_is_reliable(uint8_t opcode);

/** P_CONTROL_HARD_RESET_CLIENT_V2 or _V3 (a client starting a session). */
bool ctl_opcode_is_hard_reset_client(uint8_t opcode);

/** P_CONTROL_HARD_RESET_SERVER_V2. */
bool ctl_opcode_is_hard_reset_server(uint8_t opcode);

/** Either of the above: message 0 of a key state whose payload holds TLVs (§3.3). */
bool ctl_opcode_is_hard_reset(uint8_t opcode);

/** P_CONTROL_HARD_RESET_CLIENT_V3 or P_CONTROL_WKC_V1: a WKc follows on the wire (§2.5). */
bool ctl_opcode_carries_wkc(uint8_t opcode);

/** The protocol name ("P_CONTROL_V1", ...) for logs; "P_???" for unknown values. */
const char *ctl_opcode_name(uint8_t opcode);

static inline uint8_t
ctl_byte0(uint8_t opcode, uint8_t key_id)
{
    return (uint8_t) ((opcode << P_OPCODE_SHIFT) | (key_id & P_KEY_ID_MASK));
}

static inline uint8_t
ctl_byte0_opcode(uint8_t byte0)
{
    return (uint8_t) (byte0 >> P_OPCODE_SHIFT);
}

static inline uint8_t
ctl_byte0_key_id(uint8_t byte0)
{
    return (uint8_t) (byte0 & P_KEY_ID_MASK);
}

/**
 * Decode a plain control header from the front of @p buf.
 *
 * Rejects: an opcode that is not ctl_opcode_is_control(), more than
 * CTL_ACK_MAX ACKs, truncation anywhere in the header, and any byte after
 * the header of a P_ACK_V1.  A zero local or remote session id is *not*
 * rejected here (the caller compares ids against its session anyway).
 *
 * @return true if a complete, well-formed header was read: @p buf then holds
 *         just the payload.  false: @p buf is unchanged, @p out is zeroed,
 *         and the packet must be dropped.
 */
bool ctl_header_parse(struct buffer *buf, struct ctl_header *out);

/** Bytes ctl_header_write() appends for @p h (no payload). */
size_t ctl_header_len(const struct ctl_header *h);

/**
 * Append the header @p h to @p buf (the payload, if any, is the caller's to
 * append after it).  P_ACK_V1 is written without a message id whatever
 * has_msg_id says; every other opcode with one.  remote_sid is written iff
 * n_acks > 0.
 *
 * @p h must be valid (control opcode, key_id <= 7, n_acks <= CTL_ACK_MAX):
 * it is built by us, so anything else is an ASSERT.
 *
 * @return false, with @p buf unchanged, if the header does not fit.
 */
bool ctl_header_write(struct buffer *buf, const struct ctl_header *h);

/** What the early-negotiation TLVs of a hard-reset payload said (§2.8). */
struct early_neg
{
    bool has_flags; /**< an EARLY_NEG_FLAGS TLV was present */
    uint16_t flags; /**< its value (EARLY_NEG_FLAG_*); 0 if absent */
};

/**
 * Parse the TLV list that is the whole of @p payload (the payload of a
 * hard-reset message; empty is valid and yields no flags).  Unknown types
 * are skipped.  @p payload is not consumed.
 *
 * @return false if the list is malformed: a TLV header or value runs past
 *         the end, or EARLY_NEG_FLAGS has a length other than 2.  The
 *         session must then be abandoned (§2.7).  @p out is zeroed first.
 */
bool early_neg_parse(const struct buffer *payload, struct early_neg *out);

/**
 * Append the TLVs for @p in to @p buf: one EARLY_NEG_FLAGS TLV if
 * has_flags, nothing otherwise.
 *
 * @return false, with @p buf unchanged, if it does not fit.
 */
bool early_neg_write(struct buffer *buf, const struct early_neg *in);

#endif /* OVPN_CTL_PKT_H */
