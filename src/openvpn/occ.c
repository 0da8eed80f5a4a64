/* SPDX-License-Identifier: GPL-2.0-only */
/* occ.c -- see occ.h. */
#include <string.h>

#include "occ.h"

bool
occ_is_ping(const struct buffer *payload)
{
    return buf_len(payload) == PING_MAGIC_LEN
           && memcmp(buf_ptr(payload), ping_magic, PING_MAGIC_LEN) == 0;
}

bool
occ_parse(const struct buffer *payload, uint8_t *type, struct buffer *body)
{
    struct buffer r = *payload;

    if (buf_len(&r) < OCC_MAGIC_LEN + 1 || memcmp(buf_ptr(&r), occ_magic, OCC_MAGIC_LEN) != 0)
    {
        return false;
    }
    buf_advance(&r, OCC_MAGIC_LEN);
    buf_read_u8(&r, type);
    *body = r;
    return true;
}

bool
occ_write_ping(struct buffer *out)
{
    return buf_write_bytes(out, ping_magic, PING_MAGIC_LEN);
}

bool
occ_write(struct buffer *out, enum occ_type type, const char *str)
{
    struct buffer w = *out;

    if (!buf_write_bytes(&w, occ_magic, OCC_MAGIC_LEN) || !buf_write_u8(&w, (uint8_t)type))
    {
        return false;
    }
    if (str && !buf_write_bytes(&w, str, strlen(str) + 1))
    {
        return false;
    }
    *out = w;
    return true;
}
