/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fragment.h -- --fragment: OpenVPN's own fragmentation of data-channel
 * payloads over UDP, in 2.6's wire format (doc/protocol.md §6.10).
 *
 * A 32-bit big-endian header goes in front of every payload after the
 * compression framing and before encryption:
 *
 *   bits  0-1   type: 0 whole, 1 fragment (not the last), 2 last fragment,
 *               3 "test" (never sent; 2.6 rejects it)
 *   bits  2-9   sequence id of the datagram (fragments only; 0 when whole)
 *   bits 10-14  index of the fragment (0..31; 0 when whole)
 *   bits 15-28  in the last fragment: the size of the other fragments / 4
 *   bits 29-31  zero
 *
 * The sender cuts a datagram longer than max_frag into at most 32 pieces
 * of one size (a multiple of 4, chosen so that the last piece is about as
 * long as the others), the last piece carrying that size; the receiver
 * puts piece i at offset i * size.  Pings and OCC messages travel with a
 * whole header like any payload.
 *
 * Tier 1: pure logic on buffers; includes only tier-0 headers (buffer.h);
 * no I/O, no logging (results and counters tell the caller what to log),
 * no clock (`now` is a parameter), no randomness (the caller picks the
 * first sequence id).
 *
 * Memory: fragment_init() allocates the reassembly slots once and
 * fragment_free() releases them; nothing is allocated per packet.  A
 * reassembled datagram is handed out as a view of slot memory that stays
 * valid until the next call into the module.
 */
#ifndef OVPN_FRAGMENT_H
#define OVPN_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"

#define FRAG_HDR_LEN       4
#define FRAG_MAX_PIECES    32
#define FRAG_SIZE_ALIGN    4  /* piece sizes are multiples of this */
#define FRAG_SLOTS         25 /* datagrams under reassembly: a window of sequence ids */
#define FRAG_TTL_SECONDS   10 /* an incomplete datagram is dropped this long after its last piece */
#define FRAG_VIEW_HEADROOM 16 /* in front of a reassembled datagram, for re-sending it */

enum frag_type
{
    FRAG_WHOLE = 0,
    FRAG_NOT_LAST = 1,
    FRAG_LAST = 2,
    FRAG_TEST = 3,
};

struct frag_header
{
    enum frag_type type;
    uint8_t seq;   /**< 8 bits */
    uint8_t index; /**< 5 bits */
    uint32_t size; /**< piece size (a multiple of 4, < 65536); only in FRAG_LAST */
};

/** The header as the 32-bit value it is on the wire (host order). */
uint32_t fragment_header_encode(const struct frag_header *h);
/** Split a header value into its fields (any value decodes). */
void fragment_header_decode(uint32_t v, struct frag_header *h);

/** Why a received payload was dropped. */
enum frag_drop
{
    FRAG_DROP_NONE = 0,
    FRAG_DROP_SHORT,        /**< no room for the header */
    FRAG_DROP_WHOLE_FLAGS,  /**< whole, but with a sequence id or index */
    FRAG_DROP_TEST,         /**< type 3 */
    FRAG_DROP_BAD_SIZE,     /**< piece size 0 or not a multiple of 4 */
    FRAG_DROP_OVERFLOW,     /**< the datagram would not fit the buffers */
    FRAG_DROP_DUPLICATE,    /**< this piece is already there */
    FRAG_DROP_INCONSISTENT, /**< index or length contradicts the pieces received */
    FRAG_DROP_N
};

/** 2.6's wording for the reason (its "FRAG_IN error ...: <reason>" line). */
const char *fragment_drop_reason(enum frag_drop d);

struct frag_stats
{
    uint64_t in_whole;    /**< whole payloads received */
    uint64_t in_pieces;   /**< fragments received (accepted) */
    uint64_t reassembled; /**< datagrams completed from fragments */
    uint64_t expired;     /**< incomplete datagrams dropped by the TTL */
    uint64_t evicted;     /**< incomplete datagrams pushed out by newer ones */
    uint64_t dropped[FRAG_DROP_N];
    uint64_t out_whole;   /**< payloads sent whole */
    uint64_t out_split;   /**< payloads sent as fragments */
    uint64_t out_too_big; /**< payloads that would need more than 32 pieces */
};

struct frag_slot
{
    bool used;
    bool have_last;
    uint8_t seq;
    uint8_t last;  /**< index of the last piece, once known */
    uint32_t map;  /**< bit i: piece i is in */
    size_t piece;  /**< piece size of this datagram */
    size_t len;    /**< datagram length, once the last piece is in */
    time_t stamp;  /**< when the newest piece arrived */
    uint8_t *data; /**< max_payload bytes of the slot storage */
};

struct fragmenter
{
    size_t max_payload; /**< largest datagram reassembled (and sent) */
    size_t max_frag;    /**< largest piece sent, header excluded; 0: never split */
    uint8_t out_seq;
    bool newest_known;
    uint8_t newest; /**< newest sequence id received: the window's front */
    struct frag_slot slots[FRAG_SLOTS];
    uint8_t *storage;
    struct frag_stats st;
};

/**
 * Allocate the reassembly slots for datagrams of up to @p max_payload
 * bytes; @p seq_start is the sequence id before the first one sent (2.6
 * starts at a random value).  False if memory is short (@p f is then safe
 * to free).
 */
bool fragment_init(struct fragmenter *f, size_t max_payload, uint8_t seq_start);
void fragment_free(struct fragmenter *f);

/** The largest piece to send, header excluded (see fragment_max_frag()). */
void fragment_set_max_frag(struct fragmenter *f, size_t max_frag);

/* ---- sending --------------------------------------------------------- */

/** The state of one datagram being cut into pieces. */
struct frag_out
{
    const uint8_t *src; /**< the datagram (the caller's buffer, unchanged) */
    size_t len;
    size_t off;
    size_t piece;
    uint8_t seq;
    uint8_t index;
};

/**
 * Prepare @p buf (a compressed-and-framed payload) for sending.
 * @return 1: it goes whole, the header was prepended in place (needs
 *   FRAG_HDR_LEN bytes of headroom); n >= 2: it goes as n pieces, take
 *   them with fragment_next_piece() while @p buf stays untouched;
 *   0: it is dropped (would need more than 32 pieces, or no headroom;
 *   counted in out_too_big).
 */
int fragment_outgoing(struct fragmenter *f, struct buffer *buf, struct frag_out *it);

/**
 * Append the next piece (header and bytes) to @p out, which must have
 * room for max_frag + FRAG_HDR_LEN bytes.  False when all are out.
 */
bool fragment_next_piece(struct frag_out *it, struct buffer *out);

/**
 * The piece size 2.6 uses for a datagram of @p len bytes with a limit of
 * @p max_frag: the limit rounded down to a multiple of 4, or less when
 * that lets the last piece be about as long as the others.
 */
size_t fragment_piece_size(size_t len, size_t max_frag);

/* ---- receiving ------------------------------------------------------- */

enum frag_rx
{
    FRAG_RX_DELIVER, /**< @p buf now holds a whole datagram */
    FRAG_RX_HELD,    /**< a piece was stored; nothing to deliver yet */
    FRAG_RX_DROP,    /**< dropped: see *why (counted) */
};

/**
 * Take a decrypted payload that begins with the fragment header.  On
 * FRAG_RX_DELIVER @p buf is the datagram: the same buffer without its
 * header, or a view of slot memory (max_payload bytes, FRAG_VIEW_HEADROOM
 * in front) valid until the next call.  @p hdr receives the raw header value (for the log), @p why
 * the reason of a drop.  Incomplete datagrams older than the TTL are
 * dropped first (see fragment_expire()).
 */
enum frag_rx fragment_incoming(struct fragmenter *f,
                               struct buffer *buf,
                               time_t now,
                               uint32_t *hdr,
                               enum frag_drop *why);

/** Drop incomplete datagrams whose newest piece is FRAG_TTL_SECONDS old; returns how many. */
unsigned int fragment_expire(struct fragmenter *f, time_t now);

/* ---- the limit ------------------------------------------------------- */

/**
 * What the data channel adds around a payload, in the terms 2.6 uses for
 * its fragment and MSS arithmetic (the padding is not counted: with CBC
 * the limit is rounded down to whole blocks instead).
 */
struct frag_envelope
{
    size_t header;    /**< outside the crypto: TCP length, opcode / peer-id */
    size_t crypto;    /**< HMAC, IV, AEAD tag, and the packet id when it is not encrypted */
    size_t cbc_block; /**< CBC: the block size, else 0 */
    size_t cbc_pid;   /**< CBC: the packet id inside the plaintext, else 0 */
};

/**
 * 2.6's largest fragment payload (its "max_frag"): --fragment @p fragment
 * less @p outer (the IP/UDP header, for "--fragment N mtu"; else 0), the
 * envelope, the CBC rounding and the fragment header.  0 when nothing is
 * left.
 */
size_t fragment_max_frag(size_t fragment, size_t outer, const struct frag_envelope *e);

/**
 * 2.6's TCP MSS clamp: @p mssfix less @p outer (for the mtu flag), rounded
 * for CBC, less the envelope, @p payload_extra (compression framing), the
 * fragment header when @p fragmented (--fragment is on) and 40 bytes of
 * IPv4 and TCP header.  0 when nothing is left.
 */
size_t fragment_mss(size_t mssfix,
                    size_t outer,
                    const struct frag_envelope *e,
                    size_t payload_extra,
                    bool fragmented);

#endif /* OVPN_FRAGMENT_H */
