/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * buffer.h -- byte buffers with bounds-checked readers and writers.
 *
 * A struct buffer is a window [offset, offset + len) into `capacity` bytes
 * of storage that the caller owns.  Every read or write either succeeds
 * completely or fails and leaves the buffer exactly as it was; there is no
 * partial consume.  Headroom in front of the window lets lower layers
 * prepend headers without copying (buf_prepend).  Nothing in this module
 * allocates, logs or exits: the caller decides what a short packet means.
 *
 * Tier 0: includes only libc headers.
 */
#ifndef OVPN_BUFFER_H
#define OVPN_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic.h"

struct buffer
{
    uint8_t *data;   /**< start of storage (not of content) */
    size_t capacity; /**< bytes of storage at data */
    size_t offset;   /**< content starts at data + offset */
    size_t len;      /**< bytes of content; offset + len <= capacity */
};

/** A buffer whose content is the @p n bytes at @p data. */
struct buffer buf_view(uint8_t *data, size_t n);

/** An empty buffer over @p n bytes of storage, @p headroom reserved in front. */
struct buffer buf_storage(uint8_t *data, size_t n, size_t headroom);

/** Empty @p buf and put its window @p headroom bytes into the storage. */
void buf_reset(struct buffer *buf, size_t headroom);

static inline size_t
buf_len(const struct buffer *buf)
{
    return buf->len;
}

static inline uint8_t *
buf_ptr(const struct buffer *buf)
{
    return buf->data + buf->offset;
}

/** One past the last content byte: where the next write lands. */
static inline uint8_t *
buf_end(const struct buffer *buf)
{
    return buf->data + buf->offset + buf->len;
}

static inline size_t
buf_headroom(const struct buffer *buf)
{
    return buf->offset;
}

static inline size_t
buf_tailroom(const struct buffer *buf)
{
    return buf->capacity - buf->offset - buf->len;
}

/*
 * Big-endian (network order) loads and stores at a raw pointer, for code
 * that works on packet bytes in place; the caller has checked the length.
 * Every wire format of the tree goes through these.
 */
static inline uint16_t
load_be16(const uint8_t *p)
{
    return (uint16_t) ((unsigned) p[0] << 8 | p[1]);
}

static inline uint32_t
load_be24(const uint8_t *p)
{
    return (uint32_t) p[0] << 16 | (uint32_t) p[1] << 8 | p[2];
}

static inline uint32_t
load_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static inline void
store_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static inline void
store_be24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 16);
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) v;
}

static inline void
store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

/*
 * Readers consume from the front.  They return false, leave @p buf
 * untouched and clear their output (zero, or n zero bytes), when fewer bytes
 * remain than requested, so a caller that misses a failure reads no stale
 * value.  Integers are decoded from network byte order.
 */
bool buf_read_u8(struct buffer *buf, uint8_t *out);
bool buf_read_u16(struct buffer *buf, uint16_t *out);
bool buf_read_u24(struct buffer *buf, uint32_t *out);
bool buf_read_u32(struct buffer *buf, uint32_t *out);
bool buf_read_bytes(struct buffer *buf, void *out, size_t n);

/** Drop @p n bytes from the front; false (and no change) if fewer remain. */
bool buf_advance(struct buffer *buf, size_t n);

/** Split off the next @p n bytes as @p view, which shares storage with @p buf. */
bool buf_read_view(struct buffer *buf, size_t n, struct buffer *view);

/** Peek at the first byte without consuming it. */
bool buf_peek_u8(const struct buffer *buf, uint8_t *out);

/** Drop @p n bytes from the end; false (and no change) if fewer remain. */
bool buf_chop(struct buffer *buf, size_t n);

/*
 * Writers append at the end.  They return false, and leave @p buf
 * untouched, when the remaining capacity is too small.
 */
bool buf_write_u8(struct buffer *buf, uint8_t v);
bool buf_write_u16(struct buffer *buf, uint16_t v);
bool buf_write_u24(struct buffer *buf, uint32_t v);
bool buf_write_u32(struct buffer *buf, uint32_t v);
bool buf_write_bytes(struct buffer *buf, const void *src, size_t n);

/** Reserve @p n bytes at the end and return them for the caller to fill. */
uint8_t *buf_write_alloc(struct buffer *buf, size_t n);

/** Grow the window @p n bytes into the headroom; NULL if there is too little. */
uint8_t *buf_prepend(struct buffer *buf, size_t n);

/** Append printf output; false (buffer unchanged) if it does not fit. */
bool buf_printf(struct buffer *buf, const char *fmt, ...) PRINTF(2, 3);

#endif /* OVPN_BUFFER_H */
