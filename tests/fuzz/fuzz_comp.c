/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_comp.c -- libFuzzer harness for compression framing (comp.c and
 * its LZO/LZ4 backends).
 *
 * Input: byte 0 picks the algorithm, byte 1 how much spare capacity the
 * receive buffer has; the rest is a packet as it arrives from the peer.
 * The packet is decompressed in a heap buffer of exactly that capacity
 * (so ASan sees any write past it), and must end inside it.  The same
 * bytes are then sent through a compressing context and back, and must
 * come out unchanged.
 *
 * Built by tests/fuzz/build.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comp.h"

#define N_ALGS   (COMP_ALG_LZ4_V2 + 1)
#define HEADROOM 4

/* Contexts are set up once, as the daemon does: no allocation per packet. */
static struct comp_ctx rx[N_ALGS];
static struct comp_ctx tx[N_ALGS];

static void
setup(void)
{
    static int done;

    if (done)
    {
        return;
    }
    for (int a = 0; a < N_ALGS; a++)
    {
        if (!comp_init(&rx[a], (enum comp_alg) a, false) ||
            !comp_init(&tx[a], (enum comp_alg) a, true))
        {
            abort();
        }
    }
    done = 1;
}

static void
receive(struct comp_ctx *c, const uint8_t *data, size_t n, size_t slack)
{
    size_t cap = n + slack;
    uint8_t *store = malloc(cap ? cap : 1);
    struct buffer b = buf_storage(store, cap, 0);

    if (!buf_write_bytes(&b, data, n))
    {
        abort();
    }
    if (comp_decompress(c, &b) == COMP_OK && b.offset + b.len > cap)
    {
        abort();
    }
    free(store);
}

static void
round_trip(struct comp_ctx *t, struct comp_ctx *r, const uint8_t *data, size_t n)
{
    size_t cap = HEADROOM + n + 1;
    uint8_t *store = malloc(cap);
    struct buffer b = buf_storage(store, cap, HEADROOM);

    if (!buf_write_bytes(&b, data, n) || !comp_compress(t, &b, 0))
    {
        abort();
    }
    if (comp_decompress(r, &b) != COMP_OK || buf_len(&b) != n || memcmp(buf_ptr(&b), data, n))
    {
        abort();
    }
    free(store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int alg;
    size_t slack;

    if (size < 2)
    {
        return 0;
    }
    setup();
    alg = data[0] % N_ALGS;
    slack = data[1];
    data += 2;
    size -= 2;
    if (size > COMP_DEFAULT_MAX_PAYLOAD)
    {
        return 0;
    }
    receive(&rx[alg], data, size, slack);
    round_trip(&tx[alg], &rx[alg], data, size);
    return 0;
}
