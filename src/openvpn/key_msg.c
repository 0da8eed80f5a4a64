/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * key_msg.c -- build and parse the key-method-2 message and peer-info
 * text (doc/protocol.md §4.3, §7.1, §7.2).
 *
 * Tier 1: libc and tiers 0-1 only; no I/O, no clock, no crypto library.
 * Nothing here logs: parse results go back to the caller as a status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic.h"
#include "buffer.h"
#include "key_msg.h"
#include "strutil.h"

const char *
key_msg_status_str(enum key_msg_status st)
{
    switch (st)
    {
        case KEY_MSG_OK:
            return "ok";

        case KEY_MSG_TRUNCATED:
            return "message truncated or string length out of range";

        case KEY_MSG_BAD_METHOD:
            return "unknown key method";

        case KEY_MSG_OPTIONS_TOO_LONG:
            return "options string too long";

        case KEY_MSG_PEER_INFO_TOO_LONG:
            return "peer-info too long";
    }
    return "unknown status";
}

/*
 * §4.3 string: u16 length including the NUL, then the bytes; "" is a bare
 * u16 0.  @p limit is the largest length (NUL included) we may send.
 */
static bool
write_str(struct buffer *buf, const char *s, size_t limit)
{
    size_t len = strlen(s);

    if (len == 0)
    {
        return buf_write_u16(buf, 0);
    }
    len++; /* the NUL travels too */
    if (len > limit || len > UINT16_MAX || len + 2 > buf_tailroom(buf))
    {
        return false;
    }
    return buf_write_u16(buf, (uint16_t) len) && buf_write_bytes(buf, s, len);
}

enum str_result
{
    STR_OK,
    STR_TOO_LONG, /* complete in the buffer, but over our limit: skipped */
    STR_SHORT,    /* the length runs past the end of the buffer */
};

/*
 * Read one string into @p out (capacity @p cap, NUL included).  Like 2.6,
 * the last byte of the received string is taken as its terminator whatever
 * its value, so a peer cannot make us read an unterminated string.  A
 * string over @p cap is skipped whole so that the fields after it can
 * still be found; whether that is fatal is the caller's decision.
 */
static enum str_result
read_str(struct buffer *buf, char *out, size_t cap)
{
    uint16_t len;

    out[0] = '\0';
    if (!buf_read_u16(buf, &len))
    {
        return STR_SHORT;
    }
    if (len > buf_len(buf))
    {
        return STR_SHORT; /* hostile or truncated length: never trust it */
    }
    if (len > cap)
    {
        buf_advance(buf, len);
        return STR_TOO_LONG;
    }
    if (len > 0)
    {
        buf_read_bytes(buf, out, len); /* cannot fail: checked above */
        out[len - 1] = '\0';
    }
    return STR_OK;
}

bool
key_msg_write(struct buffer *buf, const struct key_msg *km)
{
    struct buffer w = *buf; /* commit only when everything fit */

    /* The arrays bound the strings, but a caller may have filled them
     * without a terminator: refuse rather than read past them. */
    if (strnlen(km->options, sizeof(km->options)) == sizeof(km->options) ||
        strnlen(km->username, sizeof(km->username)) == sizeof(km->username) ||
        strnlen(km->password, sizeof(km->password)) == sizeof(km->password) ||
        strnlen(km->peer_info, sizeof(km->peer_info)) == sizeof(km->peer_info))
    {
        return false;
    }
    if (!buf_write_u32(&w, 0) || !buf_write_u8(&w, KEY_METHOD_2) ||
        (km->from_client && !buf_write_bytes(&w, km->pre_master, sizeof(km->pre_master))) ||
        !buf_write_bytes(&w, km->random1, sizeof(km->random1)) ||
        !buf_write_bytes(&w, km->random2, sizeof(km->random2)) ||
        !write_str(&w, km->options, KM_OPTIONS_MAX) ||
        !write_str(&w, km->username, KM_USERPASS_MAX) ||
        !write_str(&w, km->password, KM_USERPASS_MAX) ||
        !write_str(&w, km->peer_info, KM_PEER_INFO_MAX))
    {
        /* The part that fit sits past the end of buf: randoms, password. */
        secure_memzero(buf_end(buf), buf_len(&w) - buf_len(buf));
        return false;
    }
    *buf = w;
    return true;
}

/* The fixed-size front of the message: zero word, method, randoms. */
static enum key_msg_status
parse_head(struct buffer *r, bool from_client, struct key_msg *out)
{
    uint32_t zero;

    /* 2.6 skips the leading u32 without looking at it; so do we. */
    if (!buf_read_u32(r, &zero) || !buf_read_u8(r, &out->key_method))
    {
        return KEY_MSG_TRUNCATED;
    }
    if ((out->key_method & KEY_METHOD_MASK) != KEY_METHOD_2)
    {
        return KEY_MSG_BAD_METHOD;
    }
    if (from_client && !buf_read_bytes(r, out->pre_master, sizeof(out->pre_master)))
    {
        return KEY_MSG_TRUNCATED;
    }
    if (!buf_read_bytes(r, out->random1, sizeof(out->random1)) ||
        !buf_read_bytes(r, out->random2, sizeof(out->random2)))
    {
        return KEY_MSG_TRUNCATED;
    }
    return KEY_MSG_OK;
}

static enum key_msg_status
parse_strings(struct buffer *r, struct key_msg *out)
{
    enum str_result user, pass;

    switch (read_str(r, out->options, sizeof(out->options)))
    {
        case STR_SHORT:
            return KEY_MSG_TRUNCATED;

        case STR_TOO_LONG:
            return KEY_MSG_OPTIONS_TOO_LONG;

        case STR_OK:
            break;
    }

    /* Always read both, even when unused: peer-info comes after them. */
    user = read_str(r, out->username, sizeof(out->username));
    if (user == STR_SHORT)
    {
        return KEY_MSG_TRUNCATED;
    }
    pass = read_str(r, out->password, sizeof(out->password));
    if (pass == STR_SHORT)
    {
        return KEY_MSG_TRUNCATED;
    }
    if (user == STR_TOO_LONG || pass == STR_TOO_LONG)
    {
        secure_memzero(out->username, sizeof(out->username));
        secure_memzero(out->password, sizeof(out->password));
        out->userpass_too_long = true;
    }

    switch (read_str(r, out->peer_info, sizeof(out->peer_info)))
    {
        case STR_SHORT:
            return KEY_MSG_TRUNCATED;

        case STR_TOO_LONG:
            return KEY_MSG_PEER_INFO_TOO_LONG;

        case STR_OK:
            break;
    }
    return KEY_MSG_OK;
}

enum key_msg_status
key_msg_parse(struct buffer *buf, bool from_client, struct key_msg *out)
{
    struct buffer r = *buf; /* read through a cursor copy; commit on success */
    enum key_msg_status st;

    key_msg_wipe(out);
    out->from_client = from_client;

    st = parse_head(&r, from_client, out);
    if (st == KEY_MSG_OK)
    {
        st = parse_strings(&r, out);
    }
    if (st != KEY_MSG_OK)
    {
        key_msg_wipe(out);
        return st;
    }
    *buf = r;
    return KEY_MSG_OK;
}

void
key_msg_wipe(struct key_msg *km)
{
    secure_memzero(km, sizeof(*km));
}

/* --- peer-info ------------------------------------------------------------ */

/* True if @p item is one of the colon-separated names in @p list (any case). */
static bool
in_colon_list(const char *list, const char *item)
{
    size_t n = strlen(item);

    for (const char *p = list; p && *p;)
    {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t) (end - p) : strlen(p);

        if (len == n && strncasecmp(p, item, n) == 0)
        {
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

static bool
put_lines(struct buffer *b, const char *const *lines)
{
    for (size_t i = 0; lines && lines[i]; i++)
    {
        if (!buf_printf(b, "%s\n", lines[i]))
        {
            return false;
        }
    }
    return true;
}

/* Order as a 2.6.14 client sends them (§7.1, observed). */
static bool
build_lines(const struct peer_info_config *pi, struct buffer *b)
{
    const char *ciphers = pi->ciphers ? pi->ciphers : "";

    if (pi->pull)
    {
        if (!buf_printf(b,
                        "IV_VER=%s\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=%u\n",
                        pi->version ? pi->version : "",
                        pi->tun_max_mtu))
        {
            return false;
        }
        if (in_colon_list(ciphers, "AES-128-GCM") && in_colon_list(ciphers, "AES-256-GCM") &&
            !buf_printf(b, "IV_NCP=2\n"))
        {
            return false;
        }
    }
    if (!buf_printf(b, "IV_CIPHERS=%s\nIV_PROTO=%u\n", ciphers, pi->iv_proto))
    {
        return false;
    }
    if (!pi->pull)
    {
        return true; /* p2p: the NCP minimum only */
    }
    if (!put_lines(b, pi->comp_lines))
    {
        return false;
    }
    if (pi->push_peer_info)
    {
        if ((pi->hwaddr && !buf_printf(b, "IV_HWADDR=%s\n", pi->hwaddr)) ||
            (pi->ssl_version && !buf_printf(b, "IV_SSL=%s\n", pi->ssl_version)) ||
            (pi->plat_ver && !buf_printf(b, "IV_PLAT_VER=%s\n", pi->plat_ver)))
        {
            return false;
        }
    }
    return put_lines(b, pi->extra_lines);
}

bool
key_msg_peer_info_build(const struct peer_info_config *pi, char *out, size_t outlen)
{
    struct buffer b;

    if (outlen == 0)
    {
        return false;
    }
    /* one byte kept back for the terminating NUL */
    b = buf_storage((uint8_t *) out, outlen - 1, 0);
    if (!build_lines(pi, &b))
    {
        out[0] = '\0';
        return false;
    }
    out[buf_len(&b)] = '\0';
    return true;
}

bool
key_msg_peer_info_get(const char *peer_info, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(name);

    for (const char *line = peer_info; line && *line;)
    {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t) (end - line) : strlen(line);

        if (len > n && line[n] == '=' && strncmp(line, name, n) == 0)
        {
            size_t vlen = len - n - 1;

            /* tolerate CRLF line ends from odd peers */
            if (vlen > 0 && line[n + vlen] == '\r')
            {
                vlen--;
            }
            if (vlen >= outlen)
            {
                return false;
            }
            memcpy(out, line + n + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        line = end ? end + 1 : NULL;
    }
    return false;
}

unsigned int
key_msg_peer_info_proto(const char *peer_info)
{
    char val[16];
    long v;

    if (!key_msg_peer_info_get(peer_info, "IV_PROTO", val, sizeof(val)) ||
        !str_to_int(val, 0, (long) UINT32_MAX, &v))
    {
        return 0;
    }
    return (unsigned int) v;
}
