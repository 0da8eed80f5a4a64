/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * client.h -- client (pull) mode on one tunnel instance (doc/protocol.md §8):
 * credentials for the key-method-2 message, the PUSH_REQUEST cycle
 * (push.h decides, this module acts), applying each PUSH_REPLY part with
 * options_push_apply(), and once the reply is complete: the data channel
 * parameters (tls_multi_set_data_params), compression, timers, and the
 * tun/--up/routes bring-up (init_tun_up).  Reactions to AUTH_FAILED,
 * RESTART, HALT and INFO become signals with 2.6's reasons.
 *
 * Tier 5: works on struct context (init.h).  Nothing here runs per packet.
 */
#ifndef OVPN_CLIENT_H
#define OVPN_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "init.h"

/**
 * Once per process (and again after SIGHUP re-read the options):
 * --remote-random shuffles the remotes; a pull client remembers the
 * config's values of everything a push may change.
 */
void client_init_persist(struct options *o, struct persist_state *ps);

/** Before each (re)connect: forget what the last server pushed. */
void client_prepare_instance(struct context *c);

/**
 * Right after the control channel was created: load the credentials
 * (file, inline block or terminal prompt; a pushed auth-token replaces the
 * password), hook the text messages, start the push cycle.
 * False (logged) if credentials are needed and cannot be had.
 */
bool client_start(struct context *c);

/** Timers: send PUSH_REQUEST when due, restart when no reply came in time. */
void client_service(struct context *c, int64_t now_ms);

/** After "Initialization Sequence Completed": 2.6's data-channel/timers summary lines. */
void client_log_summary(const struct context *c);

/**
 * --connect-retry-max: true (logged as 2.6 does) when @p failures
 * unsuccessful attempts used up every remote that many times.
 */
bool client_retries_exhausted(const struct options *o, int failures);

#endif /* OVPN_CLIENT_H */
