/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * manage_int.h -- what manage.c (sockets, output, notifications) and
 * manage_cmd.c (the command parser and handlers) share: struct manage and
 * a few output helpers.  Private to those two files.  Tier 5.
 */
#ifndef OVPN_MANAGE_INT_H
#define OVPN_MANAGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "basic.h"
#include "errlevel.h"
#include "manage.h"
#include "platform.h"

/* Management chatter: shown from --verb 3, flagged 'D' in the log history. */
#define D_MANAGEMENT LOGLEV(3, 39, M_DEBUG)

#define MAN_VERSION     5
#define MAN_LINE_MAX    4096 /* longest command line we accept */
#define MAN_PARAM_MAX   256  /* 2.6: "(256 chars max)" per parameter */
#define MAN_PARAMS      16
#define MAN_OUT_CAP     (4u << 20)  /* backlog after which a silent client is dropped */
#define MAN_CONFIG_MAX  (64u << 10) /* client-auth config text */
#define MAN_PW_FAILURES 3
#define MAN_HISTORY_DEF 250

/* One ring of history lines (log or state), oldest overwritten first. */
struct man_ring
{
    char **lines;
    size_t cap, head, count;
};

struct manage
{
    struct manage_config cfg; /* strings below are our own copies */
    struct manage_callbacks cb;
    struct manage_callbacks cb_base; /* those given to manage_open() */
    char *addr, *port, *title;
    char password[256];
    bool has_password;

    int listen_fd;
    int client_fd;
    struct platform_ids peer_ids; /* --management-client-user/-group, looked up at open */
    int bound_port;
    bool authed; /* password given (or none needed) */
    int pw_failures;

    char in[MAN_LINE_MAX + 1];
    size_t in_len;
    bool in_discard; /* rest of an overlong line */

    char *out;
    size_t out_len, out_cap;
    bool flush_held; /* while a command's effects are queued behind its reply */

    struct man_ring log_ring, state_ring;
    bool log_rt, state_rt, echo_rt;

    int env_filter; /* `env-filter`: which >CLIENT:ENV lines are shown */

    int bytecount_interval;
    time_t bytecount_last;

    bool hold; /* hold flag */
    bool hold_released;
    bool in_hold_wait;
    int hold_seconds;
    bool exit_requested;

    int mute; /* error.h has no getter: what `mute` last set */
    char auth_retry[16];

    /* client-auth CID KID ... END */
    bool in_multiline;
    unsigned long ml_cid;
    unsigned int ml_kid;
    char *ml_text;
    size_t ml_len;
    bool ml_overflow;

    /* a pending >PASSWORD: request */
    char pw_type[64];
    bool pw_need_user, pw_pending;
    char pw_user[256];
};

/* ---- shared by manage.c and manage_cmd.c ---- */
/** Write what is buffered to the client (non-blocking). */
void man_flush_out(struct manage *m);
/** Queue raw bytes. */
void man_out_raw(struct manage *m, const char *s, size_t n);
/** Queue one line (CR LF appended). */
void man_out_line(struct manage *m, const char *line);
/** Queue one formatted line. */
void PRINTF(2, 3) man_outf(struct manage *m, const char *fmt, ...);
/** An emit callback (status text) that queues @p line on the manage in @p arg. */
void man_out_line_cb(void *arg, const char *line);
/** Drop the connected client. */
void man_client_close(struct manage *m);
/** Call @p fn for every line of @p r, oldest first, at most the newest @p max (0: all). */
void man_ring_each(const struct man_ring *r,
                   size_t n,
                   void (*fn)(struct manage *, const char *),
                   struct manage *m);

/** Parse and run one command line from the client (manage_cmd.c). */
void man_command(struct manage *m, char *line);

#endif /* OVPN_MANAGE_INT_H */
