/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stream.c -- OpenVPN's TCP record framing, [u16 length][packet]
 * (doc/protocol.md §1.1).  Tier 1: pure functions over struct buffer; no I/O,
 * no logging.  Must not include anything above buffer.h.
 */
#include "stream.h"

#include <stdint.h>

enum frame_result
stream_next_frame(struct buffer *rx, struct buffer *pkt, size_t max_len)
{
    struct buffer r = *rx;
    uint16_t len;

    if (!buf_read_u16(&r, &len))
    {
        return FRAME_NEED_MORE;
    }
    /* There is no resynchronising a byte stream: a bad length ends it. */
    if (len == 0 || len > max_len)
    {
        return FRAME_INVALID;
    }
    if (!buf_read_view(&r, len, pkt))
    {
        return FRAME_NEED_MORE;
    }
    *rx = r;
    return FRAME_READY;
}

bool
stream_write_frame(struct buffer *tx, const void *pkt, size_t len)
{
    if (len == 0 || len > UINT16_MAX || buf_tailroom(tx) < STREAM_HDR_LEN + len)
    {
        return false;
    }
    /* Both writes fit: checked above, so the record is never half written. */
    buf_write_u16(tx, (uint16_t) len);
    buf_write_bytes(tx, pkt, len);
    return true;
}
