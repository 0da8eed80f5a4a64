/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * static_key.c -- "OpenVPN Static key V1" files (doc/protocol.md §5.4).
 *
 * The parser is line based: everything before the exact header line is
 * ignored (files start with '#' comments); between header and footer only
 * hex digits and whitespace are allowed, two digits per byte, and the
 * footer must be present.  Errors name the file and line.
 *
 * Tier 2: crypto_backend.h (random bytes) and tier 0.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"
#include "static_key.h"
#include "strutil.h"

#define KEY_HEADER   "-----BEGIN OpenVPN Static key V1-----"
#define KEY_FOOTER   "-----END OpenVPN Static key V1-----"
#define KEY_FILE_MAX 65536 /* a key file is ~700 bytes; refuse anything silly */
#define HEX_PER_LINE 16    /* bytes per line in files we write */

enum parse_state
{
    BEFORE_HEADER,
    IN_KEY,
    DONE,
};

struct parse
{
    const char *origin;
    int line;
    enum parse_state state;
    uint8_t *out;
    size_t n;
    int half; /* -1: no pending nibble */
};

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
    {
        return c - '0';
    }
    c = (char) tolower((unsigned char) c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool
parse_key_line(struct parse *ps, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
    {
        int v = hexval(p[i]);

        if (isspace((unsigned char) p[i]))
        {
            continue;
        }
        if (v < 0)
        {
            /* 2.6's wording (users grep for it), behind our FILE:LINE */
            msg(M_NONFATAL,
                "%s:%d: Non-Hex character ('%c') found at line %d in key file '%s' "
                "(%zu/%d/%d bytes found/min/max)",
                ps->origin,
                ps->line,
                isprint((unsigned char) p[i]) ? p[i] : '?',
                ps->line,
                ps->origin,
                ps->n,
                KEY2_SIZE / 2,
                KEY2_SIZE);
            return false;
        }
        if (ps->n >= KEY2_SIZE)
        {
            msg(M_NONFATAL,
                "%s:%d: static key: more than %d bytes of key material",
                ps->origin,
                ps->line,
                KEY2_SIZE);
            return false;
        }
        if (ps->half < 0)
        {
            ps->half = v;
        }
        else
        {
            ps->out[ps->n++] = (uint8_t) (ps->half << 4 | v);
            ps->half = -1;
        }
    }
    return true;
}

static bool
parse_line(struct parse *ps, const char *p, size_t len)
{
    switch (ps->state)
    {
        case BEFORE_HEADER:
            if (line_is(p, len, KEY_HEADER))
            {
                ps->state = IN_KEY;
            }
            return true;

        case IN_KEY:
            if (line_is(p, len, KEY_FOOTER))
            {
                ps->state = DONE;
                return true;
            }
            return parse_key_line(ps, p, len);

        case DONE:
            return true; /* trailing text after the footer is ignored */
    }
    return false;
}

static bool
finish(struct parse *ps)
{
    if (ps->state == BEFORE_HEADER)
    {
        msg(M_NONFATAL,
            "%s:%d: Insufficient key material or header text not found in file '%s' "
            "(%zu/%d/%d bytes found/min/max): no '%s' line",
            ps->origin,
            ps->line,
            ps->origin,
            ps->n,
            KEY2_SIZE / 2,
            KEY2_SIZE,
            KEY_HEADER);
        return false;
    }
    if (ps->state != DONE)
    {
        msg(M_NONFATAL, "%s:%d: static key: footer '%s' missing", ps->origin, ps->line, KEY_FOOTER);
        return false;
    }
    if (ps->half >= 0 || (ps->n != KEY2_SIZE && ps->n != KEY2_SIZE / 2))
    {
        msg(M_NONFATAL,
            "%s:%d: Insufficient key material or header text not found in file '%s' "
            "(%zu/%d/%d bytes found/min/max)%s",
            ps->origin,
            ps->line,
            ps->origin,
            ps->n,
            KEY2_SIZE / 2,
            KEY2_SIZE,
            ps->half >= 0 ? ": odd number of hex digits" : "");
        return false;
    }
    return true;
}

bool
static_key_read_text(const char *text, const char *origin, int origin_line, struct key2 *out)
{
    uint8_t raw[KEY2_SIZE];
    struct parse ps = { .origin = origin ? origin : "[inline]",
                        .line = origin_line,
                        .state = BEFORE_HEADER,
                        .out = raw,
                        .n = 0,
                        .half = -1 };
    bool ok = true;

    memset(out, 0, sizeof(*out));
    for (const char *p = text; ok && *p;)
    {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);

        ok = parse_line(&ps, p, len);
        if (!nl)
        {
            break;
        }
        p = nl + 1;
        if (*p && ps.state != DONE)
        {
            ps.line++;
        }
    }
    ok = ok && finish(&ps);
    if (ok)
    {
        out->n = ps.n == KEY2_SIZE ? 2 : 1;
        memcpy(out->keys, raw, ps.n);
    }
    secure_memzero(raw, sizeof(raw));
    return ok;
}

bool
static_key_read_file(const char *path, struct key2 *out)
{
    char *text = xcalloc(1, KEY_FILE_MAX + 1);
    FILE *f = fopen(path, "r");
    size_t len;
    bool ok = false;

    memset(out, 0, sizeof(*out));
    if (!f)
    {
        msg(M_NONFATAL | M_ERRNO, "Cannot open key file '%s'", path);
        goto out;
    }
    len = fread(text, 1, KEY_FILE_MAX + 1, f);
    if (ferror(f) || len > KEY_FILE_MAX)
    {
        msg(M_NONFATAL,
            "%s:1: static key: file unreadable or larger than %d bytes",
            path,
            KEY_FILE_MAX);
        goto out;
    }
    if (memchr(text, '\0', len))
    {
        msg(M_NONFATAL, "%s:1: static key: file contains NUL bytes", path);
        goto out;
    }
    text[len] = '\0';
    ok = static_key_read_text(text, path, 1, out);

out:
    if (f)
    {
        fclose(f);
    }
    secure_memzero(text, KEY_FILE_MAX + 1);
    free(text);
    return ok;
}

/* Render the key file into @p buf (caller wipes it). */
static size_t
render(const struct key2 *k, char *buf, size_t cap)
{
    const uint8_t *raw = (const uint8_t *) k->keys;
    size_t total = k->n == 1 ? KEY2_SIZE / 2 : KEY2_SIZE;
    size_t pos = (size_t) snprintf(
      buf, cap, "#\n# %zu bit OpenVPN static key\n#\n%s\n", total * 8, KEY_HEADER);

    for (size_t i = 0; i < total; i += HEX_PER_LINE)
    {
        hex_format(buf + pos, raw + i, HEX_PER_LINE, 0);
        pos += 2 * HEX_PER_LINE;
        buf[pos++] = '\n';
    }
    pos += (size_t) snprintf(buf + pos, cap - pos, "%s\n", KEY_FOOTER);
    return pos;
}

bool
key_file_write_text(const char *path, const char *text, size_t len)
{
    bool to_stdout = !path || !*path || strcmp(path, "-") == 0;
    int fd = to_stdout ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool ok = fd >= 0;

    if (!ok)
    {
        msg(M_NONFATAL | M_ERRNO, "Cannot open key file '%s' for writing", path);
    }
    for (size_t done = 0; ok && done < len;)
    {
        ssize_t w = write(fd, text + done, len - done);

        if (w < 0 && errno == EINTR)
        {
            continue;
        }
        ok = w > 0;
        done += ok ? (size_t) w : 0;
        if (!ok)
        {
            msg(M_NONFATAL | M_ERRNO, "Cannot write key file '%s'", to_stdout ? "stdout" : path);
        }
    }
    if (fd >= 0 && !to_stdout && close(fd) != 0 && ok)
    {
        msg(M_NONFATAL | M_ERRNO, "Cannot close key file '%s'", path);
        ok = false;
    }
    return ok;
}

bool
static_key_write_file(const char *path, const struct key2 *k)
{
    char buf[1024];
    size_t len = render(k, buf, sizeof(buf));
    bool ok = key_file_write_text(path, buf, len);

    secure_memzero(buf, sizeof(buf));
    return ok;
}

bool
static_key_generate(struct key2 *out)
{
    memset(out, 0, sizeof(*out));
    if (!crypto_rand_bytes((uint8_t *) out->keys, sizeof(out->keys)))
    {
        return false;
    }
    out->n = 2;
    return true;
}

void
static_key_select(const struct key2 *k,
                  int direction,
                  const struct key **send,
                  const struct key **recv)
{
    ASSERT(direction == -1 || k->n == 2);
    switch (direction)
    {
        case 0:
            *send = &k->keys[0];
            *recv = &k->keys[1];
            break;

        case 1:
            *send = &k->keys[1];
            *recv = &k->keys[0];
            break;

        default:
            *send = &k->keys[0];
            *recv = &k->keys[0];
            break;
    }
}
