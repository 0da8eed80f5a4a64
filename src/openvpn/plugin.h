/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plugin.h -- --plugin: load shared objects that implement OpenVPN 2.6's
 * plugin interface (include/openvpn-plugin.h), open them at the point each
 * asks for, and call them at the events they registered for, with argv
 * and envp as 2.6 hands them.
 *
 * Tier 3o (the dlopen backend).  Must not include options.h or anything
 * above: callers pass the paths, arguments and environment.  The list
 * owns the loaded objects and their handles; per-client contexts belong
 * to a struct plugin_client the caller frees with plugin_client_free().
 */
#ifndef OVPN_PLUGIN_H
#define OVPN_PLUGIN_H

#include <stdbool.h>

#include "env_set.h"

/* Event types and results, the values of the plugin ABI. */
enum plugin_type
{
    PLUGIN_UP = 0,
    PLUGIN_DOWN = 1,
    PLUGIN_ROUTE_UP = 2,
    PLUGIN_IPCHANGE = 3,
    PLUGIN_TLS_VERIFY = 4,
    PLUGIN_AUTH_USER_PASS_VERIFY = 5,
    PLUGIN_CLIENT_CONNECT = 6,
    PLUGIN_CLIENT_DISCONNECT = 7,
    PLUGIN_LEARN_ADDRESS = 8,
    PLUGIN_CLIENT_CONNECT_V2 = 9,
    PLUGIN_TLS_FINAL = 10,
    PLUGIN_ROUTE_PREDOWN = 12,
};

enum plugin_result
{
    PLUGIN_SUCCESS = 0,
    PLUGIN_ERROR = 1,
    PLUGIN_DEFERRED = 2
};

/* When a plugin is opened (its select_initialization_point_v1, default PRE_DAEMON). */
enum plugin_init_point
{
    PLUGIN_INIT_PRE_CONFIG_PARSE = 1,
    PLUGIN_INIT_PRE_DAEMON = 2,
    PLUGIN_INIT_POST_DAEMON = 3,
    PLUGIN_INIT_POST_UID_CHANGE = 4
};

/* Most --plugin lines (2.6: 16). */
#define PLUGIN_MAX 16

/* One --plugin line: the path as given and its argument words. */
struct plugin_spec
{
    const char *path;
    const char *const *args; /* NULL-terminated; may be NULL */
};

struct plugin_list;
struct plugin_client;

/**
 * dlopen every plugin and resolve its entry points.  A missing file,
 * missing entry points or a too new interface are logged as 2.6 does;
 * then NULL (the caller exits 1).
 */
struct plugin_list *plugin_list_load(const struct plugin_spec *specs, int n);

/**
 * Open the plugins whose initialization point is @p point (those not yet
 * open), handing them @p es.  False (logged) if one fails to open or
 * registers for an event 2.6 does not know.
 */
bool plugin_list_open(struct plugin_list *pl, enum plugin_init_point point,
                      const struct env_set *es);

/** Whether an open plugin of @p pl (may be NULL) registered for @p type. */
bool plugin_defined(const struct plugin_list *pl, enum plugin_type type);

/* Optional inputs and outputs of plugin_call(). */
struct plugin_call_io
{
    struct plugin_client *client; /* per-client contexts (server), or NULL */
    void *cert;                   /* TLS_VERIFY: the backend's certificate */
    int cert_depth;
    char **config; /* if set: receives the "config" values returned (malloc, or NULL) */
};

/**
 * Call every open plugin registered for @p type with argv = path + @p args
 * (NULL-terminated, may be NULL) and @p es.  All are called; the result is
 * PLUGIN_ERROR if any failed, else PLUGIN_DEFERRED if any deferred.
 */
enum plugin_result plugin_call(struct plugin_list *pl, enum plugin_type type,
                               const char *const *args, const struct env_set *es,
                               struct plugin_call_io *io);

/** Per-client contexts from each plugin's client_constructor_v1 (NULL if @p pl is). */
struct plugin_client *plugin_client_new(struct plugin_list *pl);
void plugin_client_free(struct plugin_list *pl, struct plugin_client *pc);

/** close_v1 each open plugin, dlclose, free the list (NULL is fine). */
void plugin_list_close(struct plugin_list *pl);

/** On a fatal exit: abort_v1 each open plugin of the list last loaded. */
void plugin_abort_all(void);


#endif /* OVPN_PLUGIN_H */
