/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_pkt.c -- plain control-packet headers (doc/protocol.md §2.1/§2.2) and the
 * early-negotiation TLVs (§2.8).
 *
 * Tier 1: includes ctl_pkt.h, error.h (ASSERT) and tiers 0-1 only.  No
 * crypto, no clock, no logging of peer input.
 */
#include "ctl_pkt.h"

#include <string.h>

#include "basic.h"
#include "error.h"

bool
ctl_opcode_is_control(uint8_t opcode)
{
    switch (opcode)
    {
        case P_CONTROL_SOFT_RESET_V1:
        case P_CONTROL_V1:
        case P_ACK_V1:
        case P_CONTROL_HARD_RESET_CLIENT_V2:
        case P_CONTROL_HARD_RESET_SERVER_V2:
        case P_CONTROL_HARD_RESET_CLIENT_V3:
        case P_CONTROL_WKC_V1:
            return true;

        default:
            /* 0, the key-method-1 resets (1, 2), data opcodes and > 11 (§1.2) */
            return false;
    }
}

bool
ctl_opcode_is_data(uint8_t opcode)
{
    return opcode == P_DATA_V1 || opcode == P_DATA_V2;
}

bool
ctl_opcode_is_reliable(uint8_t opcode)
{
    return ctl_opcode_is_control(opcode) && opcode != P_ACK_V1;
}

bool
ctl_opcode_is_hard_reset_client(uint8_t opcode)
{
    return opcode == P_CONTROL_HARD_RESET_CLIENT_V2 || opcode == P_CONTROL_HARD_RESET_CLIENT_V3;
}

bool
ctl_opcode_is_hard_reset_server(uint8_t opcode)
{
    return opcode == P_CONTROL_HARD_RESET_SERVER_V2;
}

bool
ctl_opcode_is_hard_reset(uint8_t opcode)
{
    return ctl_opcode_is_hard_reset_client(opcode) || ctl_opcode_is_hard_reset_server(opcode);
}

bool
ctl_opcode_carries_wkc(uint8_t opcode)
{
    return opcode == P_CONTROL_HARD_RESET_CLIENT_V3 || opcode == P_CONTROL_WKC_V1;
}

const char *
ctl_opcode_name(uint8_t opcode)
{
    /* The names users know from OpenVPN's own logs and from tshark. */
    static const char *const names[] = {
        [P_CONTROL_HARD_RESET_CLIENT_V1] = "P_CONTROL_HARD_RESET_CLIENT_V1",
        [P_CONTROL_HARD_RESET_SERVER_V1] = "P_CONTROL_HARD_RESET_SERVER_V1",
        [P_CONTROL_SOFT_RESET_V1] = "P_CONTROL_SOFT_RESET_V1",
        [P_CONTROL_V1] = "P_CONTROL_V1",
        [P_ACK_V1] = "P_ACK_V1",
        [P_DATA_V1] = "P_DATA_V1",
        [P_CONTROL_HARD_RESET_CLIENT_V2] = "P_CONTROL_HARD_RESET_CLIENT_V2",
        [P_CONTROL_HARD_RESET_SERVER_V2] = "P_CONTROL_HARD_RESET_SERVER_V2",
        [P_DATA_V2] = "P_DATA_V2",
        [P_CONTROL_HARD_RESET_CLIENT_V3] = "P_CONTROL_HARD_RESET_CLIENT_V3",
        [P_CONTROL_WKC_V1] = "P_CONTROL_WKC_V1",
    };

    if (opcode < ARRAY_SIZE(names) && names[opcode])
    {
        return names[opcode];
    }
    return "P_???";
}

bool
ctl_header_parse(struct buffer *buf, struct ctl_header *out)
{
    struct buffer r = *buf; /* read through a cursor copy; commit only on success */
    uint8_t byte0;

    memset(out, 0, sizeof(*out));

    if (!buf_read_u8(&r, &byte0))
    {
        goto fail;
    }
    out->opcode = ctl_byte0_opcode(byte0);
    out->key_id = ctl_byte0_key_id(byte0);
    if (!ctl_opcode_is_control(out->opcode))
    {
        goto fail;
    }
    if (!session_id_read(&r, &out->local_sid) || !buf_read_u8(&r, &out->n_acks))
    {
        goto fail;
    }

    /* The count is the peer's word: bound it by our array before it bounds
     * a loop.  2.6 itself refuses more than 8 (§2.1). */
    if (out->n_acks > CTL_ACK_MAX)
    {
        goto fail;
    }
    for (unsigned int i = 0; i < out->n_acks; i++)
    {
        if (!buf_read_u32(&r, &out->acks[i]))
        {
            goto fail;
        }
    }
    if (out->n_acks > 0 && !session_id_read(&r, &out->remote_sid))
    {
        goto fail;
    }

    out->has_msg_id = ctl_opcode_is_reliable(out->opcode);
    if (out->has_msg_id && !buf_read_u32(&r, &out->msg_id))
    {
        goto fail;
    }

    /* A pure ACK has no payload: trailing bytes mean we misread the packet. */
    if (out->opcode == P_ACK_V1 && buf_len(&r) != 0)
    {
        goto fail;
    }

    *buf = r;
    return true;

fail:
    memset(out, 0, sizeof(*out));
    return false;
}

size_t
ctl_header_len(const struct ctl_header *h)
{
    size_t len = 1 + SID_SIZE + 1 + 4 * (size_t) h->n_acks;

    if (h->n_acks > 0)
    {
        len += SID_SIZE;
    }
    if (ctl_opcode_is_reliable(h->opcode))
    {
        len += 4;
    }
    return len;
}

bool
ctl_header_write(struct buffer *buf, const struct ctl_header *h)
{
    /* Our own header: a bad field is a bug here, not a peer's doing. */
    ASSERT(ctl_opcode_is_control(h->opcode));
    ASSERT(h->key_id <= P_KEY_ID_MASK);
    ASSERT(h->n_acks <= CTL_ACK_MAX);

    /* One room check up front so that a short buffer is left untouched. */
    if (buf_tailroom(buf) < ctl_header_len(h))
    {
        return false;
    }

    bool ok = buf_write_u8(buf, ctl_byte0(h->opcode, h->key_id));
    ok = ok && session_id_write(buf, &h->local_sid);
    ok = ok && buf_write_u8(buf, h->n_acks);
    for (unsigned int i = 0; ok && i < h->n_acks; i++)
    {
        ok = buf_write_u32(buf, h->acks[i]);
    }
    if (h->n_acks > 0)
    {
        ok = ok && session_id_write(buf, &h->remote_sid);
    }
    if (ctl_opcode_is_reliable(h->opcode))
    {
        ok = ok && buf_write_u32(buf, h->msg_id);
    }
    ASSERT(ok); /* the room was checked above */
    return true;
}

bool
early_neg_parse(const struct buffer *payload, struct early_neg *out)
{
    struct buffer r = *payload; /* the caller's buffer is never consumed */

    memset(out, 0, sizeof(*out));

    while (buf_len(&r) > 0)
    {
        uint16_t type, len;

        /* Every read below fails, consuming nothing, if the TLV header or
         * value runs past the end: that is what "malformed" means here. */
        if (!buf_read_u16(&r, &type) || !buf_read_u16(&r, &len))
        {
            goto fail;
        }
        if (type == EARLY_NEG_FLAGS)
        {
            /* Any other length would shift every later TLV (§2.8). */
            if (len != EARLY_NEG_FLAGS_LEN || !buf_read_u16(&r, &out->flags))
            {
                goto fail;
            }
            out->has_flags = true;
        }
        else if (!buf_advance(&r, len))
        {
            goto fail;
        }
    }
    return true;

fail:
    memset(out, 0, sizeof(*out));
    return false;
}

bool
early_neg_write(struct buffer *buf, const struct early_neg *in)
{
    if (!in->has_flags)
    {
        return true;
    }
    if (buf_tailroom(buf) < EARLY_NEG_TLV_HDR_LEN + EARLY_NEG_FLAGS_LEN)
    {
        return false;
    }
    bool ok = buf_write_u16(buf, EARLY_NEG_FLAGS);
    ok = ok && buf_write_u16(buf, EARLY_NEG_FLAGS_LEN);
    ok = ok && buf_write_u16(buf, in->flags);
    ASSERT(ok); /* the room was checked above */
    return true;
}
