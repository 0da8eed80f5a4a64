/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * buffer.c -- see buffer.h.  Two gatekeepers (buf_take, buf_put) hold the
 * only bounds checks, so there are two comparisons to audit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buffer.h"

struct buffer
buf_view(uint8_t *data, size_t n)
{
    struct buffer b = { .data = data, .capacity = n, .offset = 0, .len = n };
    return b;
}

struct buffer
buf_storage(uint8_t *data, size_t n, size_t headroom)
{
    struct buffer b = { .data = data, .capacity = n, .offset = headroom, .len = 0 };

    if (headroom > n)
    {
        b.offset = n;
    }
    return b;
}

void
buf_reset(struct buffer *buf, size_t headroom)
{
    buf->offset = headroom > buf->capacity ? buf->capacity : headroom;
    buf->len = 0;
}

/* The only function that decides whether n bytes may be read. */
static const uint8_t *
buf_take(struct buffer *buf, size_t n)
{
    const uint8_t *p;

    if (n > buf->len)
    {
        return NULL;
    }
    p = buf->data + buf->offset;
    buf->offset += n;
    buf->len -= n;
    return p;
}

/* Likewise for writes.  offset + len <= capacity always holds, so the
 * subtraction cannot wrap; n is never added to anything. */
static uint8_t *
buf_put(struct buffer *buf, size_t n)
{
    uint8_t *p;

    if (n > buf->capacity - buf->offset - buf->len)
    {
        return NULL;
    }
    p = buf->data + buf->offset + buf->len;
    buf->len += n;
    return p;
}

bool
buf_read_u8(struct buffer *buf, uint8_t *out)
{
    const uint8_t *p = buf_take(buf, 1);

    *out = p ? p[0] : 0;
    return p != NULL;
}

bool
buf_read_u16(struct buffer *buf, uint16_t *out)
{
    const uint8_t *p = buf_take(buf, 2);

    *out = p ? load_be16(p) : 0;
    return p != NULL;
}

bool
buf_read_u24(struct buffer *buf, uint32_t *out)
{
    const uint8_t *p = buf_take(buf, 3);

    *out = p ? load_be24(p) : 0;
    return p != NULL;
}

bool
buf_read_u32(struct buffer *buf, uint32_t *out)
{
    const uint8_t *p = buf_take(buf, 4);

    *out = p ? load_be32(p) : 0;
    return p != NULL;
}

bool
buf_read_bytes(struct buffer *buf, void *out, size_t n)
{
    const uint8_t *p = buf_take(buf, n);

    if (!p)
    {
        memset(out, 0, n);
        return false;
    }
    memcpy(out, p, n);
    return true;
}

bool
buf_advance(struct buffer *buf, size_t n)
{
    return buf_take(buf, n) != NULL;
}

bool
buf_read_view(struct buffer *buf, size_t n, struct buffer *view)
{
    uint8_t *p = (uint8_t *)buf_take(buf, n);

    if (!p)
    {
        return false;
    }
    *view = buf_view(p, n);
    return true;
}

bool
buf_peek_u8(const struct buffer *buf, uint8_t *out)
{
    if (buf->len < 1)
    {
        return false;
    }
    *out = buf->data[buf->offset];
    return true;
}

bool
buf_chop(struct buffer *buf, size_t n)
{
    if (n > buf->len)
    {
        return false;
    }
    buf->len -= n;
    return true;
}

bool
buf_write_u8(struct buffer *buf, uint8_t v)
{
    uint8_t *p = buf_put(buf, 1);

    if (!p)
    {
        return false;
    }
    p[0] = v;
    return true;
}

bool
buf_write_u16(struct buffer *buf, uint16_t v)
{
    uint8_t *p = buf_put(buf, 2);

    if (!p)
    {
        return false;
    }
    store_be16(p, v);
    return true;
}

bool
buf_write_u24(struct buffer *buf, uint32_t v)
{
    uint8_t *p = buf_put(buf, 3);

    if (!p)
    {
        return false;
    }
    store_be24(p, v);
    return true;
}

bool
buf_write_u32(struct buffer *buf, uint32_t v)
{
    uint8_t *p = buf_put(buf, 4);

    if (!p)
    {
        return false;
    }
    store_be32(p, v);
    return true;
}

bool
buf_write_bytes(struct buffer *buf, const void *src, size_t n)
{
    uint8_t *p = buf_put(buf, n);

    if (!p)
    {
        return false;
    }
    if (n)
    {
        memcpy(p, src, n);
    }
    return true;
}

uint8_t *
buf_write_alloc(struct buffer *buf, size_t n)
{
    return buf_put(buf, n);
}

uint8_t *
buf_prepend(struct buffer *buf, size_t n)
{
    if (n > buf->offset)
    {
        return NULL;
    }
    buf->offset -= n;
    buf->len += n;
    return buf->data + buf->offset;
}

bool
buf_printf(struct buffer *buf, const char *fmt, ...)
{
    size_t room = buf_tailroom(buf);
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf((char *)buf_end(buf), room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room)
    {
        if (room)
        {
            *buf_end(buf) = '\0'; /* undo the partial write */
        }
        return false;
    }
    buf->len += (size_t)n;
    return true;
}
