/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_ctl_pkt.c -- libFuzzer harness for the plain control-packet parser,
 * the early-negotiation TLV parser and, fed with what they accept, the
 * reliability layer: everything a peer controls after unwrapping.
 *
 * FUZZ_SOURCES: ctl_pkt.c session_id.c reliable.c
 *
 * The input is a sequence of packets, each preceded by one length byte, as
 * if they arrived in that order on one key state.  Each packet is copied
 * into an exact-size heap block so AddressSanitizer sees any over-read.
 * Invariants (abort() otherwise): a rejected packet leaves the buffer
 * untouched; an accepted header is re-encoded to exactly the bytes it was
 * parsed from; the reliability layer never hands out a message twice or
 * out of order, and no input reaches an ASSERT.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_pkt.h"
#include "reliable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct reliable rel;

static void
check_header(const uint8_t *pkt, size_t len, struct ctl_header *h, struct buffer *payload, bool *ok)
{
    struct buffer buf = buf_view((uint8_t *) pkt, len);
    struct buffer before = buf;

    *ok = ctl_header_parse(&buf, h);
    if (!*ok)
    {
        if (memcmp(&before, &buf, sizeof(buf)) != 0)
        {
            abort();
        }
        return;
    }

    size_t hdr_len = len - buf_len(&buf);
    uint8_t again[CTL_HEADER_MAX_LEN];
    struct buffer out = buf_storage(again, sizeof(again), 0);

    if (hdr_len != ctl_header_len(h) || !ctl_header_write(&out, h) || buf_len(&out) != hdr_len ||
        memcmp(again, pkt, hdr_len) != 0)
    {
        abort();
    }
    *payload = buf;
}

static void
feed_reliable(const struct ctl_header *h, const struct buffer *payload, int64_t now)
{
    struct reliable_in in;
    struct early_neg en;
    uint32_t ids[CTL_ACK_MAX];
    uint8_t n;

    reliable_on_acks(&rel, h->acks, h->n_acks, now);
    if (h->has_msg_id)
    {
        uint32_t expect = reliable_recv_next_id(&rel);

        (void) reliable_receive(&rel, h->msg_id, buf_ptr(payload), buf_len(payload));
        while (reliable_take_in_order(&rel, &in))
        {
            if (in.msg_id != expect++ || in.len > RELIABLE_MSG_MAX)
            {
                abort();
            }
        }
    }
    if (ctl_opcode_is_hard_reset(h->opcode))
    {
        (void) early_neg_parse(payload, &en);
    }
    reliable_write_acks(
      &rel, h->opcode == P_ACK_V1 ? CTL_ACK_MAX_ACK_V1 : CTL_ACK_MAX_PIGGYBACK, ids, &n);
    if (n > CTL_ACK_MAX)
    {
        abort();
    }
}

/* Keep the send side busy so that ACKs from the input have something to hit. */
static void
drive_sender(int64_t now)
{
    struct reliable_out out;
    uint32_t id;

    while (reliable_can_send(&rel))
    {
        if (!reliable_queue(&rel, P_CONTROL_V1, (const uint8_t *) "x", 1, &id))
        {
            abort();
        }
    }
    while (reliable_pop_due(&rel, now, &out))
    {
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    int64_t now = 0;

    reliable_init(&rel, 2);
    while (pos < size)
    {
        size_t len = data[pos++];
        struct ctl_header h;
        struct buffer payload;
        bool ok;

        if (len > size - pos)
        {
            len = size - pos;
        }
        uint8_t *pkt = malloc(len ? len : 1);
        if (!pkt)
        {
            return 0;
        }
        memcpy(pkt, data + pos, len);
        pos += len;

        drive_sender(now);
        check_header(pkt, len, &h, &payload, &ok);
        if (ok)
        {
            feed_reliable(&h, &payload, now);
        }
        else
        {
            /* Not a header: try the bytes as a TLV list as well. */
            struct buffer tlv = buf_view(pkt, len);
            struct early_neg en;

            (void) early_neg_parse(&tlv, &en);
        }
        free(pkt);
        now += 700;
    }
    return 0;
}
