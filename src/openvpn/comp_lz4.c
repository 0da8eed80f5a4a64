/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comp_lz4.c -- LZ4 backend of comp_backend.h: the only file that
 * includes <lz4.h>.  Built only when configure found liblz4 (ENABLE_LZ4).
 * The wire carries the plain LZ4 block format (no frame header), which is
 * what LZ4_compress_default produces; decompression uses the bounded
 * "safe" decoder because the input comes from the peer.
 *
 * Tier 1 backend: no logging, no allocation (LZ4 keeps its state on the
 * stack).
 */
#include "config.h"

#include <limits.h>

#include <lz4.h>

#include "comp_backend.h"

bool
lz4_backend_available(void)
{
    return true;
}

size_t
lz4_backend_bound(size_t in_len)
{
    if (in_len > LZ4_MAX_INPUT_SIZE)
    {
        return 0; /* cannot be compressed at all */
    }
    return (size_t) LZ4_compressBound((int) in_len);
}

bool
lz4_backend_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    int zlen;

    if (in_len == 0 || in_len > LZ4_MAX_INPUT_SIZE || *out_len > INT_MAX)
    {
        return false;
    }
    zlen = LZ4_compress_default((const char *) in, (char *) out, (int) in_len, (int) *out_len);
    if (zlen <= 0)
    {
        return false;
    }
    *out_len = (size_t) zlen;
    return true;
}

bool
lz4_backend_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    int n;

    if (in_len == 0 || in_len > INT_MAX || *out_len > INT_MAX)
    {
        return false;
    }
    n = LZ4_decompress_safe((const char *) in, (char *) out, (int) in_len, (int) *out_len);
    if (n < 0)
    {
        return false;
    }
    *out_len = (size_t) n;
    return true;
}
