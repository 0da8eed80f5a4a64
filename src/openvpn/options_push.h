/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_push.h -- client side of PUSH_REPLY: split the option list,
 * run --pull-filter and --route-nopull, apply what survives through the
 * keyword table (context OPT_W_PUSH); and undo pushed settings before a
 * reconnect so the next PUSH_REPLY starts from the config's values.
 *
 * Tier 4 (configuration).  Must not include tier 5+ headers.  Nothing is
 * allocated per data packet; this runs once per PUSH_REPLY.
 */
#ifndef OVPN_OPTIONS_PUSH_H
#define OVPN_OPTIONS_PUSH_H

#include <stdbool.h>

#include "options.h"

/** The file name pushed options carry in messages (struct opt_loc.file). */
#define PUSH_NAME "[PUSH-OPTIONS]"

enum push_apply_result
{
    PUSH_APPLY_OK,
    PUSH_APPLY_REJECTED, /**< pull-filter reject: caller restarts */
};

/**
 * Client: apply one PUSH_REPLY's option list (the text after "PUSH_REPLY,",
 * comma separated; "push-continuation N" items are consumed and N written
 * to *continuation, else 0) to @p o:  pull-filter first (2.6's rules and
 * log lines "Pushed option accepted/ignored/rejected by filter: '%s'"),
 * --route-nopull drops route/route-ipv6/redirect-gateway/... as 2.6 does,
 * then opt_apply(..., OPT_W_PUSH, ...).  An option not allowed in a push
 * logs 2.6's "Options error: option 'X' cannot be used in this context
 * ([PUSH-OPTIONS])" and is skipped; a malformed item is logged and skipped.
 * Pushed routes/dhcp-options are appended.  @p continuation may be NULL.
 */
enum push_apply_result options_push_apply(struct options *o, const char *list, int *continuation);

/**
 * The config's own values of everything a push may change.  Take it once,
 * after options_parse_argv() and before the first push; restore it before
 * applying the PUSH_REPLY of a new connection.  Routes and dhcp-options are
 * remembered by count (pushed ones are appended after the config's).
 */
struct push_saved
{
    bool valid;
    int n_routes, n_routes6, n_dhcp_options, n_setenv;
    struct options *copy; /**< deep copy of the scalar/string fields a push may set */
};

/** Remember @p o's current (config) values in @p saved (zeroed, or saved before). */
void options_push_save(const struct options *o, struct push_saved *saved);

/** Forget previously pushed routes/dhcp/ifconfig/...: restore @p o to @p saved. */
void options_push_restore(struct options *o, const struct push_saved *saved);

/** Release @p saved. */
void options_push_saved_free(struct push_saved *saved);

#endif /* OVPN_OPTIONS_PUSH_H */
