/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * init.h -- one point-to-point tunnel instance: struct context and its
 * bring-up and tear-down in 2.6's order (crypto, tun, ifconfig, --up,
 * routes, socket; then privileges), and the restart loop around the
 * event loop (SIGUSR1 soft restart, SIGHUP re-read, SIGTERM exit).
 *
 * struct context is defined here and used only in tiers 5-7 (doc/architecture.md).
 */
#ifndef OVPN_INIT_H
#define OVPN_INIT_H

#include <stdbool.h>
#include <stdint.h>

#include "comp.h"
#include "crypto.h"
#include "event.h"
#include "fragment.h"
#include "keepalive.h"
#include "link.h"
#include "options.h"
#include "options_push.h"
#include "push.h"
#include "route.h"
#include "static_key.h"
#include "tun.h"
#include "tunnel_dco.h"

#define BATCH_MAX 32

/** Packet buffers of one direction, allocated once per instance. */
struct pkt_batch
{
    struct link_pkt pkts[BATCH_MAX];
    uint8_t *storage;
    size_t slot_size;
    int n;
};

/** Counters shown by SIGUSR2 and --status (2.6's names in comments). */
struct tunnel_stats
{
    uint64_t tun_read_bytes;   /* TUN/TAP read bytes */
    uint64_t tun_write_bytes;  /* TUN/TAP write bytes */
    uint64_t link_read_bytes;  /* TCP/UDP read bytes */
    uint64_t link_write_bytes; /* TCP/UDP write bytes */
    uint64_t auth_read_bytes;  /* Auth read bytes */
    uint64_t dropped_auth;     /* failed HMAC/decrypt */
    uint64_t dropped_replay;
    uint64_t dropped_short;
    uint64_t dropped_source;   /* from an address that is not our peer */
    uint64_t dropped_comp;
    uint64_t dropped_tun_write;
    uint64_t dropped_no_peer;
};

struct manage;
struct plugin_list;
struct tunnel_tls_files;

/** What survives a SIGUSR1 restart (with --persist-tun / --persist-key). */
struct persist_state
{
    struct tuntap tt;
    bool tun_open;
    bool tun_configured;
    struct key2 key;
    bool key_loaded;
    struct tunnel_tls_files *tls_files; /* TLS mode: certificates and keys as read at start */
    bool privileges_dropped;
    int restarts;

    /* pull client (client.c): what survives a reconnect */
    struct push_saved push_saved; /* the config's values of pushable options */
    struct user_pass up;          /* --auth-user-pass, cached unless --auth-nocache */
    char auth_token[1024];        /* pushed auth-token: the password of the next handshake */
    char auth_token_user[256];    /* pushed auth-token-user, "" = the --auth-user-pass name */
    bool next_remote;             /* RESTART,[N]: advance to the next --remote */

    /* data channel offload (tunnel_dco.c): decided once, the interface lives like the tun */
    bool dco_decided;
    enum dco_api dco_api; /* DCO_API_NONE: userspace data path */
    struct dco *dco;      /* open while the ovpn interface is our "tun" */
    bool dco_iface_ours;  /* created by us: deleted at exit */

    /* --persist-remote-ip / --persist-local-ip: addresses kept over a SIGUSR1 (init_link.c) */
    struct link_addr kept_remote;
    bool kept_remote_valid;
    int kept_remote_index; /* the --remote they belong to */
    struct link_addr kept_local;
    bool kept_local_valid;
    bool first_done;       /* the one-time steps (--mlock, --nice) ran */

    struct manage *mgmt; /* --management: open across restarts (tunnel_manage.c) */
    struct plugin_list *plugins; /* --plugin: loaded at start, reloaded on SIGHUP (plugin.h) */
    bool plugins_opened;         /* the PRE/POST_DAEMON plugins are open */
    bool query_passwords; /* --management-query-passwords */
    struct tunnel_mgmt
    {
        struct context *current;  /* the instance the callbacks answer for, or NULL */
        int registered_fd[2];     /* management sockets in current's event set */
        bool registered_write[2];
        time_t last_tick;
        uint64_t ended_in, ended_out; /* link bytes of the instances that ended */
        bool pw_answered;         /* a `username`/`password` answer to our >PASSWORD: */
        char pw_user[256];
        char pw_pass[256];
    } tm;
};

struct context
{
    struct options *o;
    struct persist_state *ps;

    /* one instance */
    struct data_crypto dc;
    bool have_crypto;
    struct tunnel_tls *tls;    /* TLS mode (tunnel_tls.h); NULL in static-key mode */
    bool init_completed;       /* "Initialization Sequence Completed" logged */
    bool tun_up_done;          /* init_tun_up() ran in this instance */
    bool fatal;                /* a failure after start-up that ends the process (exit 1) */
    struct comp_ctx comp;
    struct link link;
    bool link_open;
    struct route_list routes;
    struct event_set es;
    struct keepalive ka;
    struct tunnel_stats stats;

    struct link_addr peer;     /* where data goes; learned or --remote */
    bool peer_known;
    bool peer_announced;       /* "Peer Connection Initiated" logged */
    int remote_index;          /* which --remote this instance uses */

    struct pkt_batch from_tun;  /* plaintext read from the tun */
    struct pkt_batch to_link;   /* ciphertext for the socket */
    struct pkt_batch from_link; /* ciphertext read from the socket */
    struct buffer scratch;      /* one plaintext buffer for decrypt/OCC */
    uint8_t *scratch_storage;

    /* OCC: options consistency check, static-key mode */
    char occ_local[512];
    char occ_remote[512];
    int occ_tries;
    time_t occ_next;
    bool occ_done;

    uint16_t mss_max;          /* 0 = no --mssfix clamping */

    /* --fragment (fragment.h): NULL when off */
    struct fragmenter *frag;
    struct buffer frag_piece;  /* the piece being sealed */
    uint8_t *frag_piece_storage;
    uint64_t frag_expired_logged;
    int restart_pause;         /* seconds before a SIGUSR1 restart */
    struct ratelimit rl_drop;
    time_t next_reap;
    time_t next_status;

    /* pull client (client.c) */
    struct push_client push;
    unsigned int pushed_kinds; /* option categories in this session's PUSH_REPLY */
    bool pulled;               /* the pushed options are applied and the tun is up */
    int64_t poll_deadline_ms;  /* --server-poll-timeout: control channel up by then */
    int n_env_routes;          /* IPv4 routes in c->routes that the script env lists */
    int n_env_routes6;
    struct route_env route_env; /* what build_routes() resolved keywords with */
    bool route_env_valid;
    bool vpn_gateway_dhcp;      /* --route-gateway dhcp learned route_env.vpn_gateway */
    /* --route-delay: the routes wait for a timer that starts when 2.6's do_up
     * would run (static key: first packet; TLS: keys; pull: the reply) */
    bool routes_deferred;       /* init_tun_up() left the routes to the timer */
    int64_t route_due_ms;       /* when they go in; 0 = timer not started yet */
    bool routes_done;           /* 2.6's do_route added the routes (not --route-noexec) */
    bool routes_before_peer;    /* ... before a static-key peer first answered */
    bool route_error;           /* a route failed: CONNECTED says ROUTE_ERROR */
    bool did_redirect;          /* --redirect-gateway moved the IPv4 default route */
    bool down_announced;        /* >UPDOWN:DOWN sent for this instance */
    bool plugin_final_done;     /* TLS_FINAL/IPCHANGE called (tunnel_plugin.c) */

    /* data channel offload: this instance's kernel peer (tunnel_dco.c) */
    bool dco_peer;
    uint32_t dco_peer_id;
    struct dco_slots dco_slots;
    struct dco_stats dco_last; /* kernel counters already folded into stats */
    bool dco_ev_on;            /* the notification socket is in the event set */
};

/**
 * Open the tun (unless --persist-tun kept it), configure it, run --up,
 * add the routes and drop privileges: the part of the bring-up that a pull
 * client runs only once the PUSH_REPLY is in.  False (logged) on failure.
 */
bool init_tun_up(struct context *c);

/**
 * --up-delay: 2.6 opens the tun, runs --up and drops privileges only when
 * the peer is there (TLS keys up, or the first authenticated static-key
 * packet).  Does that once; false (SIGUSR1 raised) if it failed.
 */
bool init_up_delayed(struct context *c);

/**
 * Static key: the peer's first authentic packet arrived (or --route-delay
 * ran out since): the tun (--up-delay) and routes come up, then
 * "Initialization Sequence Completed" and the data channel summary.  Once.
 */
void init_static_connected(struct context *c);

/**
 * The instance is up as far as 2.6's do_up goes: true when it may say
 * "Initialization Sequence Completed".  With --route-delay the first call
 * starts the timer and the routes go in (then privileges are dropped, if
 * that waited) once it is due; until then false.
 */
bool init_up_complete(struct context *c, int64_t now_ms);

/* ---- routes of the instance (init_route.c) ---- */

/**
 * Resolve the instance's --route/--route-ipv6/--redirect-gateway entries
 * into c->routes (and the gateways into c->route_env); a bad entry is
 * logged and skipped as in 2.6.
 */
bool init_routes_build(struct context *c);

/**
 * After --up: add the routes of a device this instance opened (2.6's
 * do_route, with >UPDOWN:UP), or leave them to init_routes_due() when
 * --route-delay is set.  @p opened false: a kept device, routes only.
 */
void init_routes_start(struct context *c, bool opened);

/** --route-delay: start the timer on the first call; true once nothing waits. */
bool init_routes_due(struct context *c, int64_t now_ms);

/** Milliseconds until the --route-delay timer is due (0: now), -1 if none runs. */
int64_t init_routes_wait_ms(const struct context *c, int64_t now_ms);

/** @p timeout_ms, shortened to wake the loop when the routes are due. */
int init_routes_timeout(const struct context *c, int timeout_ms);

/** The CONNECTED state's detail: "SUCCESS", or "ROUTE_ERROR" if a route failed. */
const char *init_connected_detail(const struct context *c);

/**
 * Open the instance's socket (init_link.c): resolving as --resolv-retry
 * says, with --tcp-nodelay and the addresses kept by init_link_keep().
 * *fatal tells an error that ends the process from one worth a restart.
 */
bool init_link_open(struct context *c, bool *fatal);

/** Seconds to wait before the next attempt after @p failures failed ones. */
int init_link_retry_pause(const struct context *c, int failures);

/** Before closing for signal @p sig: keep what --persist-remote-ip/-local-ip ask for. */
void init_link_keep(struct context *c, int sig);

/**
 * The tunnel is up: "Initialization Sequence Completed" to the log, to
 * systemd (STATUS=) and to the management interface (CONNECTED,SUCCESS).
 */
void init_sequence_completed(struct context *c);

/** (Re)start --ping/--ping-restart/... from the options (pushed values, too). */
void init_keepalive(struct context *c);

/**
 * The event loop of a --mode server (multi.c, a higher tier): runs on the
 * context's tun and socket until a signal ends it, and returns the signal.
 */
typedef int tunnel_loop_fn(struct context *c);

/**
 * Run tunnel instances until the process should exit; returns the exit
 * status.  With --mode server, @p server_loop replaces the point-to-point
 * event loop (the bring-up and restart handling stay the same).
 */
/**
 * Run the tunnel instances until exit.  @p plugins (may be NULL) are the
 * --plugin objects main() loaded; they are opened before the first
 * instance drops privileges, and tunnel_run() closes them.
 */
int tunnel_run(struct options *o, int argc, char **argv, tunnel_loop_fn *server_loop,
               struct plugin_list *plugins);

/** Load the --plugin objects of @p o (NULL if there are none); false if one fails (logged). */
bool init_plugins_load(const struct options *o, struct plugin_list **out);

#endif /* OVPN_INIT_H */
