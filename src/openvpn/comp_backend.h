/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comp_backend.h -- the seam between the framing logic (comp.c) and the
 * compression libraries: comp_lzo.c (LZO1X, only file including <lzo/...>)
 * and comp_lz4.c (LZ4 block format, only file including <lz4.h>).
 *
 * Each backend is compiled only when configure enabled it; when it is
 * not, the static inline stubs below take its place, so comp.c never
 * tests ENABLE_LZO/ENABLE_LZ4 itself (house rule: feature gates live in the
 * build and in one header, never in function bodies).  Stubs report
 * "unavailable" and fail every operation.
 *
 * Contract of every function: plain byte arrays in, sizes as size_t, no
 * allocation (except *_workmem_size callers allocate), no logging.
 * Decompressors must never write more than *out_len bytes, whatever the
 * input.
 *
 * Tier 1.  Users must include "config.h" first (comp.c, the backends and
 * the test driver do).
 */
#ifndef OVPN_COMP_BACKEND_H
#define OVPN_COMP_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef ENABLE_LZO

bool lzo_backend_available(void);

/** "2.10" for LZO 2.10. */
const char *lzo_backend_version(void);

/** Bytes of work memory lzo_backend_compress needs (allocated once by the caller). */
size_t lzo_backend_workmem_size(void);

/** Worst-case output size of compressing @p in_len bytes. */
size_t lzo_backend_bound(size_t in_len);

/**
 * LZO1X-1 compress @p in into @p out.  @p out_len: in, capacity of @p out
 * (at least lzo_backend_bound(in_len)); out, bytes produced.
 */
bool lzo_backend_compress(const uint8_t *in,
                          size_t in_len,
                          uint8_t *out,
                          size_t *out_len,
                          void *workmem);

/** LZO1X "safe" decompress, bounded by *out_len; false on any corruption. */
bool lzo_backend_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);

#else /* ENABLE_LZO */

static inline bool
lzo_backend_available(void)
{
    return false;
}

static inline const char *
lzo_backend_version(void)
{
    return "";
}

static inline size_t
lzo_backend_workmem_size(void)
{
    return 0;
}

static inline size_t
lzo_backend_bound(size_t in_len)
{
    return in_len;
}

static inline bool
lzo_backend_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len, void *workmem)
{
    (void) in;
    (void) in_len;
    (void) out;
    (void) out_len;
    (void) workmem;
    return false;
}

static inline bool
lzo_backend_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    (void) in;
    (void) in_len;
    (void) out;
    (void) out_len;
    return false;
}

#endif /* ENABLE_LZO */

#ifdef ENABLE_LZ4

bool lz4_backend_available(void);

/** Worst-case output size of compressing @p in_len bytes. */
size_t lz4_backend_bound(size_t in_len);

/** LZ4 block compress; @p out_len in: capacity, out: bytes produced. */
bool lz4_backend_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);

/** LZ4 "safe" block decompress, bounded by *out_len; false on any corruption. */
bool lz4_backend_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);

#else /* ENABLE_LZ4 */

static inline bool
lz4_backend_available(void)
{
    return false;
}

static inline size_t
lz4_backend_bound(size_t in_len)
{
    return in_len;
}

static inline bool
lz4_backend_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    (void) in;
    (void) in_len;
    (void) out;
    (void) out_len;
    return false;
}

static inline bool
lz4_backend_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    (void) in;
    (void) in_len;
    (void) out;
    (void) out_len;
    return false;
}

#endif /* ENABLE_LZ4 */

#endif /* OVPN_COMP_BACKEND_H */
