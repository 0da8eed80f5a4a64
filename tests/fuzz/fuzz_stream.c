/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_stream.c -- libFuzzer harness for the TCP framing parser.
 *
 * The first input byte picks max_len (so tiny and large limits are both
 * explored); the rest is a received byte stream, fed in chunks whose sizes
 * come from the data itself, as a peer controlling TCP segmentation would.
 * Each chunk is copied into an exact-size heap block so AddressSanitizer
 * sees any over-read.  Invariants: frames are 1..max_len bytes, lie inside
 * the received bytes, and NEED_MORE / INVALID leave the buffer untouched.
 *
 * Build: clang -fsanitize=fuzzer,address -Isrc/openvpn tests/fuzz/fuzz_stream.c \
 *        src/openvpn/stream.c src/openvpn/buffer.c src/openvpn/basic.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t store[2 * (1600 + STREAM_HDR_LEN)];
    struct buffer rx = buf_storage(store, sizeof(store), 0);
    size_t max_len, pos = 1;

    if (size < 1)
    {
        return 0;
    }
    max_len = 1 + (size_t) data[0] * 6; /* 1 .. 1531 */

    while (pos < size)
    {
        size_t chunk = 1 + data[pos] % 64, room;
        uint8_t *copy;

        pos++;
        if (chunk > size - pos)
        {
            chunk = size - pos;
        }
        /* Make room as link.c does: move the unframed tail to the front. */
        memmove(store, buf_ptr(&rx), buf_len(&rx));
        rx.offset = 0;
        room = buf_tailroom(&rx);
        if (chunk > room)
        {
            chunk = room;
        }
        copy = malloc(chunk ? chunk : 1);
        if (!copy)
        {
            return 0;
        }
        memcpy(copy, data + pos, chunk);
        if (!buf_write_bytes(&rx, copy, chunk))
        {
            abort();
        }
        free(copy);
        pos += chunk;

        for (;;)
        {
            struct buffer before = rx, pkt;
            enum frame_result r = stream_next_frame(&rx, &pkt, max_len);

            if (r == FRAME_READY)
            {
                if (buf_len(&pkt) < 1 || buf_len(&pkt) > max_len || buf_ptr(&pkt) < store ||
                    buf_end(&pkt) > store + sizeof(store) ||
                    buf_len(&rx) + buf_len(&pkt) + STREAM_HDR_LEN != buf_len(&before))
                {
                    abort();
                }
                continue;
            }
            if (memcmp(&before, &rx, sizeof(rx)) != 0)
            {
                abort();
            }
            if (r == FRAME_INVALID)
            {
                return 0; /* link.c ends the connection here */
            }
            break;
        }
        if (chunk == 0)
        {
            break;
        }
    }
    return 0;
}
