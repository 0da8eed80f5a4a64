/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * status.h -- the status texts of OpenVPN 2.6, byte for byte:
 *
 *   - the point-to-point / client "OpenVPN STATISTICS" block (SIGUSR2 log,
 *     --status file, management `status`), doc/protocol.md §10.3;
 *   - the server's client list and routing table, --status-version 1, 2
 *     and 3 (v3 is v2 with every comma replaced by a TAB), §10.1/§10.2.
 *
 * The formatters take a plain "view" that the caller fills in (the server
 * from its instance table, the tunnel from its counters) and hand each line,
 * without a line end, to an emit callback: a file gets "\n", the management
 * interface "\r\n", the log one msg() per line.  Times in the text are local
 * time "YYYY-MM-DD HH:MM:SS"; the formatters read no clock (now is in the
 * view).  Nothing here keeps a pointer to the view after returning.
 *
 * Tier 5.  Must not include multi*, mudp, mtcp or manage headers.
 */
#ifndef OVPN_STATUS_H
#define OVPN_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "init.h"

/** One line of status text, without its line end. */
typedef void (*status_emit_fn)(void *arg, const char *line);

/** One connected client, as the server's status shows it (doc/protocol.md §10.1/10.2). */
struct status_client
{
    const char *common_name;
    const char *real_addr;  /**< "198.51.100.2:53779" (IPv4) / bare IPv6, already formatted */
    const char *virt_addr;  /**< "10.8.0.6" or "" */
    const char *virt_addr6; /**< "" if none */
    uint64_t bytes_in, bytes_out;
    time_t connected_since;
    const char *username; /**< NULL -> "UNDEF" */
    unsigned long client_id;
    uint32_t peer_id;
    const char *cipher; /**< "AES-256-GCM" */
};

struct status_route
{
    const char *virt_addr; /**< "10.8.0.6", "10.9.0.0/24", "2001:db8::1000" */
    const char *common_name;
    const char *real_addr;
    time_t last_ref;
};

struct status_server_view
{
    const char *title; /**< options_title() */
    time_t now;
    const struct status_client *clients;
    size_t n_clients;
    const struct status_route *routes;
    size_t n_routes;
    int max_bcast_queue; /**< "Max bcast/mcast queue length" */
    bool dco;            /**< GLOBAL_STATS,dco_enabled */
};

/**
 * Emit the server status, version 1, 2 or 3 (anything else is treated as
 * 1), one line per call to @p emit (no newline).  The last line is "END".
 */
void status_server_lines(const struct status_server_view *v,
                         int version,
                         status_emit_fn emit,
                         void *arg);

/**
 * Write the server status to @p path (truncate + rewrite, '\n' endings).
 * False, logged, if the file cannot be written.
 */
bool status_write_lines_file(const char *path, const struct status_server_view *v, int version);

/** The counters of the p2p / client "OpenVPN STATISTICS" block. */
struct status_p2p_view
{
    time_t now;
    uint64_t tun_read, tun_write, link_read, link_write, auth_read;
    bool comp; /**< compression configured: add the four compression lines */
    uint64_t pre_comp, post_comp, pre_decomp, post_decomp;
};

/** Emit the "OpenVPN STATISTICS" block, ending with "END", one line per call. */
void status_p2p_lines(const struct status_p2p_view *v, status_emit_fn emit, void *arg);

/** Fill @p v from the tunnel counters of @p c at wall time @p now. */
void status_p2p_view_fill(const struct context *c, time_t now, struct status_p2p_view *v);

/** Log the statistics block (SIGUSR2). */
void status_log(const struct context *c);

/** Rewrite --status FILE with the statistics block; false (logged) on error. */
bool status_write_file(const struct context *c, const char *path);

/** Local time as 2.6 prints it in status texts: "YYYY-MM-DD HH:MM:SS" (@p out >= 20 bytes). */
void status_time_string(time_t t, char *out, size_t n);

#endif /* OVPN_STATUS_H */
