/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session_id.c -- 8-byte control-session ids (doc/protocol.md §2.1).
 *
 * Tier 1: includes session_id.h, basic.h, buffer.h only; no crypto (the
 * random bytes are the caller's), no clock.
 */
#include "session_id.h"

#include <string.h>

#include "basic.h"

bool
session_id_from_random(struct session_id *out, const uint8_t random[SID_SIZE])
{
    /* All zero is the "undefined" marker the peer rejects (§2.1); rather
     * than bend the random value, let the caller draw again. */
    if (mem_all_zero(random, SID_SIZE))
    {
        session_id_clear(out);
        return false;
    }
    memcpy(out->id, random, SID_SIZE);
    return true;
}

bool
session_id_defined(const struct session_id *sid)
{
    return !mem_all_zero(sid->id, SID_SIZE);
}

bool
session_id_equal(const struct session_id *a, const struct session_id *b)
{
    return memcmp_consttime(a->id, b->id, SID_SIZE) == 0;
}

void
session_id_clear(struct session_id *sid)
{
    memset(sid->id, 0, SID_SIZE);
}

bool
session_id_read(struct buffer *buf, struct session_id *out)
{
    return buf_read_bytes(buf, out->id, SID_SIZE);
}

bool
session_id_write(struct buffer *buf, const struct session_id *sid)
{
    return buf_write_bytes(buf, sid->id, SID_SIZE);
}

const char *
session_id_print(const struct session_id *sid, char out[SESSION_ID_HEX_LEN])
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < SID_SIZE; i++)
    {
        out[2 * i] = hex[sid->id[i] >> 4];
        out[2 * i + 1] = hex[sid->id[i] & 0x0f];
    }
    out[2 * SID_SIZE] = '\0';
    return out;
}
