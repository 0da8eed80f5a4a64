/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * basic.h -- tiny helpers every module may use: array sizes, clearing,
 * attributes.  Tier 0: libc only.
 */
#ifndef OVPN_BASIC_H
#define OVPN_BASIC_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CLEAR(x)      memset(&(x), 0, sizeof(x))
#define UNUSED        __attribute__((unused))
#define NORETURN      __attribute__((noreturn))
#define PRINTF(f, a)  __attribute__((format(printf, f, a)))

#define BOOL_STR(b) ((b) ? "true" : "false")

/** Overwrite @p n bytes at @p p in a way the compiler may not elide (secrets). */
void secure_memzero(void *p, size_t n);

/** Constant-time comparison of two byte strings of length @p n: 0 when equal. */
int memcmp_consttime(const void *a, const void *b, size_t n);

/** True if all @p n bytes at @p p are zero, in time that does not depend on them. */
bool mem_all_zero(const void *p, size_t n);

#endif /* OVPN_BASIC_H */
