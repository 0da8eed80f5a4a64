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

/** Lower-case hex of @p n bytes into @p out (2n+1 bytes); @p sep between bytes if not 0. */
void hex_format(char *out, const uint8_t *in, size_t n, char sep);

/** Parse a decimal integer in [lo, hi] with nothing else around it. */
bool str_to_int(const char *s, long lo, long hi, long *out);

/** Duplicate a string; aborts on allocation failure (start-up only). */
char *xstrdup(const char *s);

/** calloc that aborts on failure (start-up only, never on the data path). */
void *xcalloc(size_t n, size_t size);

#endif /* OVPN_STRUTIL_H */
