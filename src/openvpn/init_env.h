/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * init_env.h -- script environment and --up/--down hooks of a tunnel
 * instance (init_env.c).  Tier 5.
 */
#ifndef OVPN_INIT_ENV_H
#define OVPN_INIT_ENV_H

#include <stdbool.h>

#include "init.h"

struct env_set;

/** Run --up/--down @p cmd (may be NULL) with 2.6's arguments and environment. */
void init_run_hook(struct context *c, const char *cmd, const char *type, bool restart);

/** The process's variables, as plugins see them when they are opened. */
void init_env_plugin_open(struct context *c, struct env_set *es);

/** The environment of a hook of @p type ("route-up" ...) at this moment. */
void init_env_hook(struct context *c, struct env_set *es, const char *type);

/** The signal that is ending the instance (0: none), for the down script's "signal". */
void init_env_closing(int sig);

/** Whether this instance opened the device (not kept by --persist-tun). */
void init_env_tun_opened(bool opened);

/**
 * tunnel_tls_env_fn for --tls-verify (@p arg is the struct context): the
 * environment 2.6 has by the time a certificate is checked.
 */
void init_env_tls_verify(void *arg, struct env_set *es);

/** A server's variables that 2.6 copies into each client's environment, oldest first. */
void init_env_server_base(struct context *c, struct env_set *es);

/**
 * --management-up-down: call @p emit with each "name=value" of the
 * environment 2.6 shows after ">UPDOWN:UP"/"DOWN", in its order.
 */
void init_env_updown(struct context *c, void (*emit)(void *arg, const char *var), void *arg);

/** "SIGTERM", "SIGUSR1", ... */
const char *init_signal_name(int sig);

#endif /* OVPN_INIT_ENV_H */
