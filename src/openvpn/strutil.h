/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strutil.h -- small string helpers: bounded copy, hex, strict integers.
 * Tier 0: libc only.
 */
#ifndef OVPN_STRUTIL_H
#define OVPN_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Copy @p src into @p dst (size @p n), always NUL-terminated; false if truncated. */
bool strbcpy(char *dst, const char *src, size_t n);

/** True if @p a and @p b are equal (NULL-safe: two NULLs are equal). */
bool streq(const char *a, const char *b);

/** True if the @p len bytes at @p p (not NUL-terminated), blanks around them
 *  ignored, are @p want: a marker line of a key file. */
bool line_is(const char *p, size_t len, const char *want);

/** Lower-case hex of @p n bytes into @p out (2n+1 bytes); @p sep between bytes if not 0. */
void hex_format(char *out, const uint8_t *in, size_t n, char sep);

/** Parse a decimal integer in [lo, hi] with nothing else around it. */
bool str_to_int(const char *s, long lo, long hi, long *out);

/** Duplicate a string; aborts on allocation failure (start-up only). */
char *xstrdup(const char *s);

/** calloc that aborts on failure (start-up only, never on the data path). */
void *xcalloc(size_t n, size_t size);

/* --- base64 (RFC 4648, standard alphabet, '=' padding) --------------------- */

/** Encoded length of @p n bytes, without the NUL. */
size_t base64_len(size_t n);

/** Encode into @p out (room for base64_len(n) + 1, NUL-terminated). */
void base64_encode(const uint8_t *in, size_t n, char *out);

/**
 * Decode the NUL-terminated @p in (no whitespace; padding required for a
 * partial final quantum) into @p out of capacity @p cap.  False on any
 * invalid character, bad padding or overflow.
 */
bool base64_decode(const char *in, uint8_t *out, size_t cap, size_t *out_len);

/** Value of one base64 character, -1 if it is not one ('=' included). */
int base64_value(char c);

#endif /* OVPN_STRUTIL_H */
