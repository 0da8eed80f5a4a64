/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tunnel_manage.h -- the management interface (manage.h) for a
 * point-to-point or client instance: opened once at start-up and kept
 * across SIGUSR1/SIGHUP restarts like 2.6, with the callbacks that answer
 * `status`, `signal`, `load-stats` and the bytecount timer from the
 * running instance, the --management-hold before each start, and the
 * >STATE: notifications (CONNECTING, WAIT, AUTH, GET_CONFIG, ASSIGN_IP,
 * ADD_ROUTES, CONNECTED, RECONNECTING, EXITING).  A server's interface is
 * opened here too and lives as long; multi_manage.c lends it the instance
 * table's callbacks while the server runs.  Tier 5.
 */
#ifndef OVPN_TUNNEL_MANAGE_H
#define OVPN_TUNNEL_MANAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "init.h"

struct manage_config;

/** The management settings of @p o (also the server's, multi_manage.c). */
void tunnel_manage_config(const struct options *o, struct manage_config *cfg);

/**
 * Open --management if configured; false (logged) if it fails.  A server's
 * interface answers only `signal` and `load-stats` (and the commands of
 * the interface itself) until multi_manage.c hands it the instance table.
 */
bool tunnel_manage_open(struct persist_state *ps, const struct options *o);
void tunnel_manage_close(struct persist_state *ps);

/**
 * --management-hold: wait for `hold release`, before the first start and
 * after every restart as 2.6 (">HOLD:Waiting for hold release:N", N = the
 * restart pause); false if a signal ends the wait.
 */
bool tunnel_manage_hold(struct persist_state *ps, int seconds);

/** True if --management-hold (or `hold on`) is in force. */
bool tunnel_manage_holds(const struct persist_state *ps);

/**
 * --management-query-passwords: ask the management client for the
 * --auth-user-pass credentials (">PASSWORD:Need 'Auth' username/password")
 * and wait for its `username`/`password` answer.  False if management does
 * not answer for passwords, or a signal ended the wait.
 */
bool tunnel_manage_query_auth(struct persist_state *ps, bool need_user, char *user,
                              size_t user_len, char *pass, size_t pass_len);

/** ">PASSWORD:Verification Failed: 'Auth'" after an AUTH_FAILED. */
void tunnel_manage_auth_failed(struct persist_state *ps);

/** The instance the callbacks answer for (NULL between instances). */
void tunnel_manage_attach(struct persist_state *ps, struct context *c);

/** Link bytes read and written since the process started (2.6's load-stats), @p c running. */
void tunnel_manage_link_totals(struct context *c, uint64_t *in, uint64_t *out);

/** Keep the management sockets registered in the instance's event set. */
void tunnel_manage_interest(struct context *c);

/** An event on a management socket (ready.arg == &c->ps->mgmt). */
void tunnel_manage_io(struct context *c);

/** Once a second: bytecount, hold reminders. */
void tunnel_manage_tick(struct context *c);

/** A state change with 2.6's fields: tun address, remote address and port. */
void tunnel_manage_state(struct context *c, const char *state, const char *detail);

struct manage;

/**
 * --management-up-down: ">UPDOWN:UP" (@p what) or "DOWN", the instance's
 * environment as ">UPDOWN:ENV,name=value" lines and ">UPDOWN:ENV,END",
 * when 2.6 sends them: after the routes went in, before the device closes.
 * The _to form is for the server, whose management is its own.
 */
void tunnel_manage_up_down(struct context *c, const char *what);
void tunnel_manage_up_down_to(struct manage *m, struct context *c, const char *what);

#endif /* OVPN_TUNNEL_MANAGE_H */
