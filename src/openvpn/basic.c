/* SPDX-License-Identifier: GPL-2.0-only */
/* basic.c -- see basic.h. */
#include <stdint.h>

#include "basic.h"

bool
mem_all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;

    for (size_t i = 0; i < n; i++)
    {
        acc |= b[i];
    }
    return acc == 0;
}

void
secure_memzero(void *p, size_t n)
{
    volatile uint8_t *v = p;

    while (n--)
    {
        *v++ = 0;
    }
}

int
memcmp_consttime(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    uint8_t d = 0;

    for (size_t i = 0; i < n; i++)
    {
        d |= x[i] ^ y[i];
    }
    return d != 0;
}
