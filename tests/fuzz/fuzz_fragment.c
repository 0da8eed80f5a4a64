/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_fragment.c -- libFuzzer harness for --fragment reassembly
 * (fragment.c).
 *
 * Input: a sequence of records [clock step (1 byte)] [length (1 byte,
 * times 8)] [that many bytes: a payload beginning with its fragment
 * header], fed to one receiver as decrypted payloads arrive.  Every
 * payload sits in a heap buffer of exactly its size (ASan sees any read
 * past it); a delivered datagram must lie inside that payload (whole) or
 * inside one slot of the receiver's capacity (reassembled).
 * Then the same receiver reassembles a datagram cut by the sending side,
 * which must come out unchanged: hostile input before cannot corrupt what
 * follows.
 *
 * Built by tests/fuzz/build.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fragment.h"

#define CAP 1600

static void
check_inside(const struct fragmenter *f, const struct buffer *b, const uint8_t *in, size_t n)
{
    const uint8_t *p = buf_ptr(b);
    bool in_input = p >= in && p + buf_len(b) <= in + n;
    bool in_slots =
      p >= f->storage && p + buf_len(b) <= f->storage + FRAG_SLOTS * (CAP + FRAG_VIEW_HEADROOM);

    /* a whole payload stays where it arrived; a reassembled one in a slot */
    if (!(in_input || (in_slots && buf_len(b) <= CAP)))
    {
        abort();
    }
}

static void
known_datagram(struct fragmenter *rx, time_t now)
{
    static uint8_t store[CAP + 16], piece[CAP + 16], data[1400];
    struct fragmenter tx;
    struct buffer b = buf_storage(store, sizeof(store), 16);
    struct frag_out it;
    enum frag_rx r = FRAG_RX_HELD;
    int n;

    for (size_t i = 0; i < sizeof(data); i++)
    {
        data[i] = (uint8_t) (i * 31);
    }
    /* a sequence id far from anything fuzzed: the window jumps to it */
    if (!fragment_init(&tx, CAP, (uint8_t) (rx->newest + 128)))
    {
        abort();
    }
    fragment_set_max_frag(&tx, 500);
    buf_write_bytes(&b, data, sizeof(data));
    n = fragment_outgoing(&tx, &b, &it);
    for (int i = 0; i < n; i++)
    {
        struct buffer p = buf_storage(piece, sizeof(piece), 0);
        enum frag_drop why;
        uint32_t hdr;

        if (!fragment_next_piece(&it, &p))
        {
            abort();
        }
        r = fragment_incoming(rx, &p, now, &hdr, &why);
        if (r == FRAG_RX_DELIVER)
        {
            b = p;
        }
    }
    if (r != FRAG_RX_DELIVER || buf_len(&b) != sizeof(data) ||
        memcmp(buf_ptr(&b), data, sizeof(data)) != 0)
    {
        abort();
    }
    fragment_free(&tx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fragmenter rx;
    time_t now = 1000;
    size_t off = 0;

    if (!fragment_init(&rx, CAP, 0))
    {
        return 0;
    }
    while (off + 2 <= size)
    {
        size_t n = (size_t) data[off + 1] * 8;
        uint8_t *copy;
        struct buffer b;
        enum frag_drop why;
        uint32_t hdr;

        now += data[off] & 15;
        off += 2;
        if (n > size - off)
        {
            n = size - off;
        }
        copy = malloc(n ? n : 1);
        if (!copy)
        {
            break;
        }
        memcpy(copy, data + off, n);
        b = buf_view(copy, n);
        if (fragment_incoming(&rx, &b, now, &hdr, &why) == FRAG_RX_DELIVER)
        {
            check_inside(&rx, &b, copy, n);
        }
        free(copy);
        off += n;
    }
    known_datagram(&rx, now);
    fragment_free(&rx);
    return 0;
}
