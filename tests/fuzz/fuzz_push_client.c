/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_push_client.c -- libFuzzer harness for what a client makes of the
 * server's control-channel messages (peer input): PUSH_REPLY parts and
 * their push-continuation, AUTH_FAILED, AUTH_PENDING with its timeout,
 * RESTART/HALT and their flags, INFO; the masking of auth-tokens before
 * a message is logged; and the state machine's timer around them.
 *
 * The input is a sequence of NUL-separated messages; each one is copied
 * into an exact-size heap block so AddressSanitizer sees any over-read.
 * Invariants: every pointer in the event points into the message, the
 * masked text is NUL-terminated and keeps no "auth-token <token>" item, and
 * a complete reply part always completes the reply.
 *
 * FUZZ_SOURCES: push.c push_msg.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "push.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inside(const char *p, const char *msg, size_t len)
{
    if (p && (p < msg || p > msg + len))
    {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct push_client pc;
    int64_t now = 1000;
    size_t pos = 0;

    error_set_verb(-1);
    push_client_init(&pc, data[0 % (size ? size : 1)] % 4 == 0 ? 0 : 60);
    while (pos < size)
    {
        const uint8_t *end = memchr(data + pos, 0, size - pos);
        size_t len = end ? (size_t) (end - (data + pos)) : size - pos;
        char *text = malloc(len + 1), masked[256];
        struct push_event ev;

        if (!text)
        {
            return 0;
        }
        memcpy(text, data + pos, len);
        text[len] = '\0';
        pos += len + 1;

        (void) push_client_tick(&pc, true, now);
        push_client_on_message(&pc, text, now, &ev);
        check_inside(ev.options, text, len);
        check_inside(ev.reason, text, len);
        if (ev.type == PUSH_EV_REPLY && ev.complete && !push_client_done(&pc))
        {
            abort(); /* a complete part always finishes the reply */
        }
        push_mask_message(text, masked, sizeof(masked));
        if (memchr(masked, 0, sizeof(masked)) == NULL || strncmp(masked, "auth-token ", 11) == 0
            || strstr(masked, ",auth-token ") != NULL)
        {
            abort(); /* unterminated, or a token left in what goes to the log */
        }
        (void) push_reply_continuation(text);
        (void) push_client_next_due_ms(&pc, now);
        now += 250;
        free(text);
    }
    return 0;
}
