/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tunnel_plugin.h -- the instance's side of --plugin: load the objects
 * the options name, open them at 2.6's initialization points (before any
 * privilege drop, which down-root relies on), and the ROUTE_UP/IPCHANGE
 * hooks for the moments those scripts run.
 *
 * Tier 5.  The loader itself is plugin.c (tier 3o).  The plugin list
 * lives in struct persist_state and is closed by tunnel_plugin_close().
 */
#ifndef OVPN_TUNNEL_PLUGIN_H
#define OVPN_TUNNEL_PLUGIN_H

#include <stdbool.h>

#include "init.h"
#include "plugin.h"

/** Open the plugins whose initialization point is @p point; false: fatal (logged). */
bool tunnel_plugin_open(struct context *c, enum plugin_init_point point);

/** Close the plugins (exit, or SIGHUP before the configuration is read again). */
void tunnel_plugin_close(struct persist_state *ps);

/**
 * Call @p type with the hook arguments @p args and the environment @p es,
 * if a plugin registered for it.  Returns the plugins' combined result
 * (PLUGIN_SUCCESS when none is registered).
 */
enum plugin_result tunnel_plugin_call(struct context *c, enum plugin_type type,
                                      const char *const *args, const struct env_set *es);

/**
 * The moments of --route-up and --ipchange: call ROUTE_UP / IPCHANGE with
 * the argv and environment the script of that moment gets.  Whoever runs
 * the script calls these right before it.
 */
void tunnel_plugin_route_up(struct context *c, const struct env_set *es);
void tunnel_plugin_ipchange(struct context *c, const char *const *args, const struct env_set *es);

/**
 * The peer is there (TLS: the first key; static key: its first packet):
 * TLS_FINAL (a failure restarts the instance) and IPCHANGE, once per
 * instance, as 2.6 calls them outside a server.
 */
void tunnel_plugin_peer_up(struct context *c);

#endif /* OVPN_TUNNEL_PLUGIN_H */
