/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session_id.h -- the 8-byte control-session identifiers (doc/protocol.md §2.1).
 *
 * Each end of a control session picks a random session id at start-up and
 * puts it in every control packet it sends; the peer echoes it back in the
 * ACK block.  The all-zero value means "undefined": it is never generated,
 * and a packet carrying it is rejected by the caller.
 *
 * Randomness comes from the caller (who owns the crypto library), so this
 * module needs no crypto include and is trivially testable.  A struct
 * session_id is a plain value: copy it freely, nothing here allocates.
 *
 * Tier 1: includes only buffer.h, wire.h and libc.  Must not include crypto,
 * ssl or OS headers; reads no clock.
 */
#ifndef OVPN_SESSION_ID_H
#define OVPN_SESSION_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "wire.h"

struct session_id
{
    uint8_t id[SID_SIZE];
};

/** Room for session_id_print(): 16 hex digits and the NUL. */
#define SESSION_ID_HEX_LEN (2 * SID_SIZE + 1)

/**
 * Make a session id from @p random (SID_SIZE bytes the caller drew from a
 * CSPRNG).
 *
 * @return true and @p out set; false if @p random is all zero (the
 *         "undefined" value, never handed out): @p out is then cleared and
 *         the caller draws again.
 */
bool session_id_from_random(struct session_id *out, const uint8_t random[SID_SIZE]);

/** True unless @p sid is the all-zero "undefined" value. */
bool session_id_defined(const struct session_id *sid);

/** True if @p a and @p b are the same id (constant time; ids may be cookies, §2.7). */
bool session_id_equal(const struct session_id *a, const struct session_id *b);

/** Make @p sid undefined (all zero). */
void session_id_clear(struct session_id *sid);

/**
 * Read SID_SIZE bytes from the front of @p buf into @p out.
 * @return false, with @p buf unchanged, if fewer bytes remain.  An all-zero
 *         id is read successfully; judging it is the caller's business.
 */
bool session_id_read(struct buffer *buf, struct session_id *out);

/** Append @p sid to @p buf; false (buffer unchanged) if it does not fit. */
bool session_id_write(struct buffer *buf, const struct session_id *sid);

/**
 * Format @p sid as 16 lowercase hex digits into @p out (for logs) and
 * return @p out.
 */
const char *session_id_print(const struct session_id *sid, char out[SESSION_ID_HEX_LEN]);

#endif /* OVPN_SESSION_ID_H */
