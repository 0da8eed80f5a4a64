/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_mss.c -- libFuzzer harness for the MSS clamp (--mssfix), which
 * parses every decrypted packet a peer sends before it reaches the tun (and
 * every packet read from the tun): IPv4 and IPv6 headers, extension-less
 * TCP headers and their options, Ethernet framing in tap mode.
 *
 * The first byte picks tap or tun and the MSS limit; the rest is the
 * packet, copied into an exact-size heap block so that AddressSanitizer
 * sees any read or write past its end.  Invariants: the packet's length
 * never changes, and clamping twice gives what clamping once gave (a
 * clamped MSS is left alone).
 *
 * FUZZ_SOURCES: mss.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "mss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t limits[] = { 0, 1, 536, 1200, 1360, 1400, 1460, 65535 };
    uint8_t *pkt, *again;
    struct buffer b, b2;
    uint16_t maxmss;
    bool tap;
    size_t len;

    if (size < 1)
    {
        return 0;
    }
    tap = data[0] & 1;
    maxmss = limits[(data[0] >> 1) & 7];
    len = size - 1;
    pkt = malloc(len ? len : 1);
    again = malloc(len ? len : 1);
    if (!pkt || !again)
    {
        free(pkt);
        free(again);
        return 0;
    }
    memcpy(pkt, data + 1, len);
    b = buf_view(pkt, len);
    mss_clamp(&b, maxmss, tap);
    if (buf_len(&b) != len || buf_ptr(&b) != pkt)
    {
        abort();
    }
    memcpy(again, pkt, len);
    b2 = buf_view(again, len);
    mss_clamp(&b2, maxmss, tap);
    if (memcmp(again, pkt, len) != 0)
    {
        abort(); /* clamping is idempotent */
    }
    free(pkt);
    free(again);
    return 0;
}
