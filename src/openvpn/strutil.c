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

bool
line_is(const char *p, size_t len, const char *want)
{
    while (len > 0 && isspace((unsigned char) *p))
    {
        p++;
        len--;
    }
    while (len > 0 && isspace((unsigned char) p[len - 1]))
    {
        len--;
    }
    return len == strlen(want) && memcmp(p, want, len) == 0;
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

/* ---- base64 (RFC 4648, standard alphabet, '=' padding) ---- */

static const char base64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
base64_value(char c)
{
    const char *p = c ? strchr(base64_alphabet, c) : NULL;

    return p ? (int) (p - base64_alphabet) : -1;
}

size_t
base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

void
base64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3)
    {
        uint32_t v = (uint32_t) in[i] << 16;
        size_t left = n - i;

        v |= left > 1 ? (uint32_t) in[i + 1] << 8 : 0;
        v |= left > 2 ? in[i + 2] : 0;
        out[o++] = base64_alphabet[(v >> 18) & 63];
        out[o++] = base64_alphabet[(v >> 12) & 63];
        out[o++] = left > 1 ? base64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = left > 2 ? base64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

bool
base64_decode(const char *in, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t len = strlen(in);
    size_t o = 0;

    *out_len = 0;
    if (len % 4 != 0)
    {
        return false;
    }
    for (size_t i = 0; i < len; i += 4)
    {
        int v[4];
        size_t pad = 0;

        for (int j = 0; j < 4; j++)
        {
            v[j] = base64_value(in[i + j]);
            /* '=' only in the last two places of the last quantum */
            if (in[i + j] == '=' && i + 4 == len && j >= 2)
            {
                v[j] = 0;
                pad++;
            }
            else if (v[j] < 0 || pad > 0)
            {
                return false;
            }
        }
        uint32_t q =
          (uint32_t) v[0] << 18 | (uint32_t) v[1] << 12 | (uint32_t) v[2] << 6 | (uint32_t) v[3];
        if (o + 3 - pad > cap)
        {
            return false;
        }
        out[o++] = (uint8_t) (q >> 16);
        if (pad < 2)
        {
            out[o++] = (uint8_t) (q >> 8);
        }
        if (pad < 1)
        {
            out[o++] = (uint8_t) q;
        }
    }
    *out_len = o;
    return true;
}
