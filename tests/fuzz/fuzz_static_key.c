/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_static_key.c -- libFuzzer harness for the static key file parser
 * (static_key_read_text).  Links static_key.c, crypto_openssl.c, tier 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "static_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct key2 k;

    if (!text)
    {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0'; /* the parser takes a C string, as the options layer gives it */
    if (static_key_read_text(text, "fuzz", 1, &k))
    {
        /* a parsed key must be one of the two legal sizes */
        if (k.n != 1 && k.n != 2)
        {
            abort();
        }
    }
    free(text);
    return 0;
}
