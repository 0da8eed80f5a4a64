/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * push.c -- see push.h.  The timing follows what a 2.6 client does
 * (doc/protocol.md §8.2): it notices that the control channel is ready, sends
 * PUSH_REQUEST, repeats it every 5 s, and gives up after the hand-window.
 * Servers that saw IV_PROTO bit 2 reply without being asked, so a reply
 * may well arrive before the first request.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "push.h"
#include "push_msg.h"
#include "strutil.h"

#define HAND_WINDOW_DEFAULT_S 60

void
push_client_init(struct push_client *pc, int hand_window_s)
{
    memset(pc, 0, sizeof(*pc));
    pc->state = PUSH_WAIT_CONTROL;
    pc->hand_window_ms =
      (int64_t) (hand_window_s > 0 ? hand_window_s : HAND_WINDOW_DEFAULT_S) * 1000;
}

enum push_tick
push_client_tick(struct push_client *pc, bool control_ready, int64_t now_ms)
{
    switch (pc->state)
    {
        case PUSH_WAIT_CONTROL:
            if (!control_ready)
            {
                return PUSH_TICK_NONE;
            }
            /* 2.6 notices the ready channel on its next one-second check;
             * a server that saw IV_PROTO bit 2 has usually replied by then */
            pc->state = PUSH_REQUESTING;
            pc->deadline_ms = now_ms + pc->hand_window_ms;
            pc->next_request_ms = now_ms + PUSH_FIRST_REQUEST_DELAY_MS;
            return PUSH_TICK_NONE;

        case PUSH_REQUESTING:
        case PUSH_COLLECTING:
            if (now_ms >= pc->deadline_ms)
            {
                return PUSH_TICK_TIMEOUT;
            }
            /* while parts arrive the server is answering: asking again would
             * only make it start the list over */
            if (pc->state == PUSH_REQUESTING && now_ms >= pc->next_request_ms)
            {
                return PUSH_TICK_SEND_REQUEST;
            }
            return PUSH_TICK_NONE;

        case PUSH_DONE:
        default:
            return PUSH_TICK_NONE;
    }
}

void
push_client_request_sent(struct push_client *pc, int64_t now_ms)
{
    pc->requests++;
    pc->next_request_ms = now_ms + PUSH_REQUEST_INTERVAL_MS;
}

int64_t
push_client_next_due_ms(const struct push_client *pc, int64_t now_ms)
{
    int64_t due;

    switch (pc->state)
    {
        case PUSH_REQUESTING:
            due = pc->next_request_ms < pc->deadline_ms ? pc->next_request_ms : pc->deadline_ms;
            break;

        case PUSH_COLLECTING:
            due = pc->deadline_ms;
            break;

        default:
            return -1;
    }
    return due > now_ms ? due - now_ms : 0;
}

bool
push_client_done(const struct push_client *pc)
{
    return pc->state == PUSH_DONE;
}

/* Does @p item (up to the next comma) equal "push-continuation N"? */
static int
item_continuation(const char *item, size_t len)
{
    static const char key[] = "push-continuation";
    const size_t klen = sizeof(key) - 1;
    size_t i = klen;

    if (len <= klen || strncmp(item, key, klen) != 0 || (item[i] != ' ' && item[i] != '\t'))
    {
        return 0;
    }
    while (i < len && (item[i] == ' ' || item[i] == '\t'))
    {
        i++;
    }
    if (i + 1 == len && (item[i] == '1' || item[i] == '2'))
    {
        return item[i] - '0';
    }
    return 0;
}

int
push_reply_continuation(const char *options)
{
    const char *p = options;
    int cont = 0;

    while (p && *p)
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t) (end - p) : strlen(p);
        int c = item_continuation(p, len);

        if (c)
        {
            cont = c; /* the last one wins, as in a sequential apply */
        }
        p = end ? end + 1 : NULL;
    }
    return cont;
}

/* AUTH_PENDING[,timeout N][,...]: the new deadline, at least the hand-window. */
static void
extend_for_pending(struct push_client *pc, const char *rest, int64_t now_ms)
{
    int64_t extra = pc->hand_window_ms;
    const char *t = strstr(rest, "timeout ");

    if (t && (t == rest || t[-1] == ','))
    {
        long v = strtol(t + 8, NULL, 10);

        if (v > 0 && v < 86400 * 7)
        {
            extra = (int64_t) v * 1000;
        }
    }
    if (pc->state == PUSH_WAIT_CONTROL)
    {
        pc->state = PUSH_REQUESTING;
        pc->next_request_ms = now_ms + PUSH_REQUEST_INTERVAL_MS;
    }
    if (now_ms + extra > pc->deadline_ms)
    {
        pc->deadline_ms = now_ms + extra;
    }
}

static void
on_reply(struct push_client *pc, const char *rest, struct push_event *ev)
{
    int cont = push_reply_continuation(rest);

    ev->type = PUSH_EV_REPLY;
    ev->options = rest;
    pc->parts++;
    ev->complete = cont != 2;
    if (pc->state == PUSH_DONE)
    {
        return; /* a later update (auth-token refresh): apply, no new bring-up */
    }
    if (ev->complete)
    {
        pc->state = PUSH_DONE;
        ev->first_complete = true;
    }
    else
    {
        pc->state = PUSH_COLLECTING;
    }
}

void
push_client_on_message(struct push_client *pc,
                       const char *text,
                       int64_t now_ms,
                       struct push_event *ev)
{
    const char *rest = "";
    enum push_msg_kind kind = push_msg_classify(text, &rest);

    memset(ev, 0, sizeof(*ev));
    ev->type = PUSH_EV_IGNORED;
    ev->reason = rest;
    switch (kind)
    {
        case PM_PUSH_REPLY:
            on_reply(pc, rest, ev);
            break;

        case PM_AUTH_FAILED:
            ev->type = PUSH_EV_AUTH_FAILED;
            break;

        case PM_AUTH_PENDING:
            ev->type = PUSH_EV_AUTH_PENDING;
            extend_for_pending(pc, rest, now_ms);
            break;

        case PM_RESTART:
        case PM_HALT:
            ev->type = kind == PM_RESTART ? PUSH_EV_RESTART : PUSH_EV_HALT;
            push_msg_restart_flags(rest, &ev->keep_passwords, &ev->next_remote, &ev->reason);
            break;

        case PM_INFO:
        case PM_INFO_PRE:
            ev->type = PUSH_EV_INFO;
            break;

        default:
            break;
    }
}

void
push_mask_message(const char *text, char *out, size_t outlen)
{
    static const char key[] = "auth-token ";
    const size_t klen = sizeof(key) - 1;
    size_t o = 0;
    const char *p = text;

    if (outlen == 0)
    {
        return;
    }
    while (*p && o + 1 < outlen)
    {
        bool item_start = p == text || p[-1] == ',';

        if (item_start && strncmp(p, key, klen) == 0)
        {
            static const char mask[] = "auth-tokenSESS_ID";

            for (const char *m = mask; *m && o + 1 < outlen; m++)
            {
                out[o++] = *m;
            }
            while (*p && *p != ',')
            {
                p++;
            }
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
}

/* ---- --auth-user-pass ---------------------------------------------------- */

/* Copy one line of @p *p into @p dst (CR/LF stripped); advance past it. */
static bool
take_line(const char **p, char *dst, size_t dstlen)
{
    const char *s = *p;
    size_t n = strcspn(s, "\r\n");

    if (n >= dstlen)
    {
        return false;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    s += n;
    if (*s == '\r')
    {
        s++;
    }
    if (*s == '\n')
    {
        s++;
    }
    *p = s;
    return true;
}

bool
user_pass_parse(const char *text, struct user_pass *up)
{
    const char *p = text;

    user_pass_clear(up);
    if (!take_line(&p, up->username, sizeof(up->username)) || up->username[0] == '\0')
    {
        user_pass_clear(up);
        return false;
    }
    if (*p)
    {
        if (!take_line(&p, up->password, sizeof(up->password)))
        {
            user_pass_clear(up);
            return false;
        }
        up->have_password = true;
    }
    up->defined = true;
    return true;
}

bool
user_pass_read_file(const char *path, struct user_pass *up)
{
    char buf[2 * PUSH_USER_PASS_LEN + 8];
    FILE *f = fopen(path, "r");
    size_t n;

    user_pass_clear(up);
    if (!f)
    {
        msg(M_ERR, "Error opening 'Auth' auth file: %s", path);
        return false;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (!user_pass_parse(buf, up))
    {
        secure_memzero(buf, sizeof(buf));
        msg(M_WARN, "Error reading username from Auth authfile: %s", path);
        return false;
    }
    secure_memzero(buf, sizeof(buf));
    return true;
}

/* One line from the terminal @p fd, with echo on or off. */
static bool
tty_read(int fd, const char *prompt, bool echo, char *dst, size_t dstlen)
{
    struct termios old, quiet;
    bool restore = false;
    size_t n = 0;
    char ch;

    if (write(fd, prompt, strlen(prompt)) < 0)
    {
        return false;
    }
    if (!echo && tcgetattr(fd, &old) == 0)
    {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    while (read(fd, &ch, 1) == 1 && ch != '\n')
    {
        if (ch != '\r' && n + 1 < dstlen)
        {
            dst[n++] = ch;
        }
    }
    dst[n] = '\0';
    if (restore)
    {
        tcsetattr(fd, TCSAFLUSH, &old);
        if (write(fd, "\n", 1) < 0)
        {
            /* the newline is cosmetic */
        }
    }
    return true;
}

bool
user_pass_prompt(struct user_pass *up)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    bool ok = true;

    if (fd < 0)
    {
        msg(M_WARN,
            "ERROR: could not read Auth username/password/ok/string from management interface "
            "or terminal (no tty)");
        return false;
    }
    if (!up->defined || up->username[0] == '\0')
    {
        ok = tty_read(fd, "Enter Auth Username:", true, up->username, sizeof(up->username)) &&
             up->username[0] != '\0';
    }
    if (ok && !up->have_password)
    {
        ok = tty_read(fd, "Enter Auth Password:", false, up->password, sizeof(up->password));
        up->have_password = ok;
    }
    close(fd);
    if (!ok)
    {
        msg(M_WARN, "ERROR: Failed retrieving username or password");
        user_pass_clear(up);
        return false;
    }
    up->defined = true;
    return true;
}

void
user_pass_clear(struct user_pass *up)
{
    secure_memzero(up, sizeof(*up));
}
