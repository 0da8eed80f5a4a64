/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * push_msg.c -- PUSH_REPLY building and control-message classification
 * (doc/protocol.md §8.1, §8.2, §8.4).  Tier 1: libc and tier 0 only.
 */
#include "push_msg.h"

#include <string.h>

#include "basic.h"
#include "error.h"

static const char push_reply_cmd[] = "PUSH_REPLY";
static const char cont_more[] = ",push-continuation 2";
static const char cont_last[] = ",push-continuation 1";

/* Append @p s to the message of length *len; the caller has checked the room. */
static void
append(char *msg, size_t *len, const char *prefix, const char *s)
{
    size_t p = strlen(prefix);
    size_t n = strlen(s);

    memcpy(msg + *len, prefix, p);
    memcpy(msg + *len + p, s, n);
    *len += p + n;
    msg[*len] = '\0';
}

/*
 * 2.6 fills a PUSH_BUNDLE_SIZE buffer up to a "safe cap" 84 bytes below it
 * and tests (length + item length) >= cap, not counting the comma; the
 * reserve leaves room for the comma and the continuation item, which is
 * why a message never exceeds 1024 bytes.  We reproduce the test exactly so
 * that a 2.6 client sees the same message boundaries.
 */
size_t
push_msg_build(const char *const *items,
               size_t n_items,
               char (*out)[PUSH_MSG_SIZE],
               size_t max_msgs)
{
    size_t n_msgs = 1;
    size_t len = 0;

    if (max_msgs == 0)
    {
        return 0;
    }
    out[0][0] = '\0';
    append(out[0], &len, "", push_reply_cmd);

    for (size_t i = 0; i < n_items; i++)
    {
        size_t l = strlen(items[i]);

        if (len + l >= PUSH_BUNDLE_MAX)
        {
            append(out[n_msgs - 1], &len, "", cont_more);
            if (n_msgs == max_msgs)
            {
                return 0;
            }
            n_msgs++;
            len = 0;
            out[n_msgs - 1][0] = '\0';
            append(out[n_msgs - 1], &len, "", push_reply_cmd);
        }
        if (len + l >= PUSH_BUNDLE_MAX)
        {
            msg(M_WARN, "--push option is too long");
            return 0;
        }
        append(out[n_msgs - 1], &len, ",", items[i]);
    }
    if (n_msgs > 1)
    {
        append(out[n_msgs - 1], &len, "", cont_last);
    }
    return n_msgs;
}

struct prefix
{
    const char *text;
    enum push_msg_kind kind;
};

/* 2.6's dispatch order (forward.c): first matching prefix wins, so the
 * longer INFO_PRE must come before INFO. */
static const struct prefix prefixes[] = {
    { "AUTH_FAILED", PM_AUTH_FAILED },
    { "PUSH_REQUEST", PM_PUSH_REQUEST },
    { "PUSH_REPLY", PM_PUSH_REPLY },
    { "RESTART", PM_RESTART },
    { "HALT", PM_HALT },
    { "INFO_PRE", PM_INFO_PRE },
    { "INFO", PM_INFO },
    { "CR_RESPONSE", PM_CR_RESPONSE },
    { "AUTH_PENDING", PM_AUTH_PENDING },
    { "EXIT", PM_EXIT },
};

enum push_msg_kind
push_msg_classify(const char *text, const char **rest)
{
    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
    {
        size_t n = strlen(prefixes[i].text);

        if (strncmp(text, prefixes[i].text, n) == 0)
        {
            const char *r = text + n;

            r = *r == ',' ? r + 1 : r + strlen(r);
            if (rest)
            {
                *rest = r;
            }
            return prefixes[i].kind;
        }
    }
    if (rest)
    {
        *rest = text;
    }
    return PM_UNKNOWN;
}

void
push_msg_restart_flags(const char *rest, bool *keep_passwords, bool *next_remote, const char **msg)
{
    bool keep = false;
    bool next = false;

    if (rest[0] == '[')
    {
        for (size_t i = 1; rest[i] != '\0' && rest[i] != ']'; i++)
        {
            if (rest[i] == 'P')
            {
                keep = true;
            }
            else if (rest[i] == 'N')
            {
                next = true;
            }
        }
    }
    if (keep_passwords)
    {
        *keep_passwords = keep;
    }
    if (next_remote)
    {
        *next_remote = next;
    }
    if (msg)
    {
        *msg = rest;
    }
}

const char *
push_msg_kind_name(enum push_msg_kind kind)
{
    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
    {
        if (prefixes[i].kind == kind)
        {
            return prefixes[i].text;
        }
    }
    return "UNKNOWN";
}
