/* SPDX-License-Identifier: GPL-2.0-only */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strutil.h"

bool
strbcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);

    if (n == 0)
    {
        return false;
    }
    if (len >= n)
    {
        memcpy(dst, src, n - 1);
        dst[n - 1] = '\0';
        return false;
    }
    memcpy(dst, src, len + 1);
    return true;
}

bool
streq(const char *a, const char *b)
{
    if (!a || !b)
    {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

void
hex_format(char *out, const uint8_t *in, size_t n, char sep)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;

    for (size_t i = 0; i < n; i++)
    {
        if (sep && i)
        {
            out[o++] = sep;
        }
        out[o++] = digits[in[i] >> 4];
        out[o++] = digits[in[i] & 15];
    }
    out[o] = '\0';
}

bool
str_to_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (!s || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
    {
        return false;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
    {
        return false;
    }
    *out = v;
    return true;
}

char *
xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p)
    {
        msg(M_FATAL, "out of memory");
    }
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);

    if (!p)
    {
        msg(M_FATAL, "out of memory");
    }
    return p;
}
