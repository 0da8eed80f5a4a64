/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * occ.h -- the in-band payloads of the data channel (doc/protocol.md §6.8):
 * the keepalive ping and the OCC (options consistency check) messages.
 * Recognising and building them only; when to send them is keepalive.c's
 * and forward.c's business.  Tier 1: no crypto, no clock, no I/O.
 */
#ifndef OVPN_OCC_H
#define OVPN_OCC_H

#include <stdbool.h>

#include "buffer.h"
#include "wire.h"

/** True if @p payload is exactly the 16-byte ping magic. */
bool occ_is_ping(const struct buffer *payload);

/**
 * If @p payload starts with the OCC magic, store its type byte in @p type,
 * leave the body in @p body and return true.  A payload that has the magic
 * but no type byte is not an OCC message (false).
 */
bool occ_parse(const struct buffer *payload, uint8_t *type, struct buffer *body);

/** Append a ping payload to @p out. */
bool occ_write_ping(struct buffer *out);

/** Append an OCC message of @p type; @p str (with its NUL) is the body of an OCC_REPLY. */
bool occ_write(struct buffer *out, enum occ_type type, const char *str);

#endif /* OVPN_OCC_H */
