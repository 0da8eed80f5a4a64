/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_key_msg.c -- libFuzzer harness for the key-method-2 parser
 * (key_msg_parse) and the peer-info lookups, in both roles.  A message
 * that parses is written back and must parse again to the same fields.
 *
 * FUZZ_SOURCES: key_msg.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "key_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct key_msg km, again;
static uint8_t out[2 * 4096 + KM_OPTIONS_MAX + KM_PEER_INFO_MAX + 256];

static void
check_one(const uint8_t *data, size_t size, bool from_client)
{
    uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
    struct buffer buf, w;
    char val[64];

    if (!copy)
    {
        return;
    }
    memcpy(copy, data, size);
    buf = buf_view(copy, size);
    if (key_msg_parse(&buf, from_client, &km) == KEY_MSG_OK)
    {
        if (buf_len(&buf) > size || km.options[sizeof(km.options) - 1] != '\0' ||
            km.peer_info[sizeof(km.peer_info) - 1] != '\0')
        {
            abort();
        }
        key_msg_peer_info_get(km.peer_info, "IV_CIPHERS", val, sizeof(val));
        (void) key_msg_peer_info_proto(km.peer_info);

        w = buf_storage(out, sizeof(out), 0);
        if (!km.userpass_too_long)
        {
            if (!key_msg_write(&w, &km) || key_msg_parse(&w, from_client, &again) != KEY_MSG_OK ||
                strcmp(km.options, again.options) != 0 ||
                strcmp(km.peer_info, again.peer_info) != 0 ||
                memcmp(km.random2, again.random2, sizeof(km.random2)) != 0)
            {
                abort();
            }
        }
    }
    else if (buf_len(&buf) != size || buf_ptr(&buf) != copy)
    {
        abort(); /* a failed parse must not consume */
    }
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_one(data, size, true);
    check_one(data, size, false);
    return 0;
}
