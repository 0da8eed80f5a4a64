/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_dhcp.c -- libFuzzer harness for the --route-gateway dhcp rewrite
 * (dhcp.c) and the --block-ipv6 answer (proto.c): both take packets a
 * peer (dhcp) or the local tun (proto) produced.
 *
 * FUZZ_SOURCES: dhcp.c proto.c
 *
 * Input: byte 0 bit 0 selects tap framing, the rest is the packet.  It is
 * copied into a heap buffer of exactly its size (ASan sees any access past
 * it); a rewritten packet keeps its length, a forged answer must fit the
 * promised maximum.  Built by tests/fuzz/build.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[PROTO_ICMP6_MAX_REPLY];
    static const uint8_t src[16] = { 0xfe, 0x80, [15] = 7 };
    uint8_t *p;
    uint32_t router = 0;
    bool tap;
    size_t n, len;

    if (size < 1)
    {
        return 0;
    }
    tap = data[0] & 1;
    len = size - 1;
    p = malloc(len ? len : 1);
    if (!p)
    {
        return 0;
    }
    memcpy(p, data + 1, len);
    n = proto_icmp6_unreachable(p, len, tap, src, 1500, out, sizeof(out));
    if (n > sizeof(out) || (n && n < 48))
    {
        abort();
    }
    (void) dhcp_strip_router(p, len, tap, &router);
    free(p);
    return 0;
}
