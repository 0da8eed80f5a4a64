/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stream.h -- OpenVPN's TCP framing: a byte stream of records
 * [u16 length][packet] (doc/protocol.md §1.1).  Pure: no I/O, no allocation,
 * no logging; the caller decides what an invalid stream means.
 *
 * Tier 1.  Includes only buffer.h.
 */
#ifndef OVPN_STREAM_H
#define OVPN_STREAM_H

#include <stddef.h>

#include "buffer.h"

/** Bytes of the length prefix in front of every TCP record. */
#define STREAM_HDR_LEN 2

enum frame_result
{
    FRAME_NEED_MORE, /**< no complete frame yet; read more and call again */
    FRAME_READY,     /**< *pkt is the next packet */
    FRAME_INVALID,   /**< the stream cannot be trusted any more; close it */
};

/**
 * Take the next complete packet out of the bytes received so far.
 *
 * @param rx       bytes read from the socket and not yet framed; on
 *                 FRAME_READY it is advanced past the frame, otherwise it
 *                 is left untouched
 * @param pkt      on FRAME_READY, a view of the packet inside @p rx
 * @param max_len  largest packet we accept; a zero or larger length is
 *                 FRAME_INVALID
 */
enum frame_result stream_next_frame(struct buffer *rx, struct buffer *pkt, size_t max_len);

/**
 * Append one record ([u16 len][pkt]) to @p tx.  False, and @p tx
 * unchanged, if @p len is 0, above 65535 or does not fit.
 */
bool stream_write_frame(struct buffer *tx, const void *pkt, size_t len);

#endif /* OVPN_STREAM_H */
