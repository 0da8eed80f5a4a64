/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi.h -- the multi-client server (--mode server): one tun and one
 * socket shared by many clients, each a struct multi_instance with its own
 * control channel (ssl.h), data-channel keys, keepalive and virtual
 * addresses (doc/protocol.md §8, §9).
 *
 *   multi.c          instances: create, find (by address, by peer-id),
 *                    per-key data channel, TLS servicing, timers, removal
 *   multi_connect.c  what happens when a client authenticates: scripts,
 *                    ccd, address, cipher, the PUSH_REPLY
 *   multi_token.c    --auth-gen-token: token checks, renewal, environment
 *   mudp.c           the UDP server loop: demultiplex datagrams, route
 *                    tun packets to clients, client-to-client
 *
 * The server's own tun, socket and routes are brought up by init.c like a
 * point-to-point instance; multi_server_loop() replaces its event loop.
 *
 * Tier 6: may include tiers 0-5.
 */
#ifndef OVPN_MULTI_H
#define OVPN_MULTI_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "crypto.h"
#include "init.h"
#include "env_set.h"
#include "keepalive.h"
#include "manage.h"
#include "mroute.h"
#include "options_ccd.h"
#include "pool.h"
#include "sockaddr.h"
#include "ssl.h"
#include "ssl_auth_token.h"
#include "ssl_stateless.h"
#include "ssl_verify.h"
#include "tunnel_tls.h"

#define MULTI_KEY_IDS     8
#define MULTI_CN_MAX      128
#define MULTI_AUTH_FAIL_HOLD 5 /* seconds an AUTH_FAILED client lingers for its ACKs */

enum mi_state
{
    MI_HANDSHAKE,  /**< TLS under way */
    MI_CONNECTED,  /**< authenticated, address assigned, routes learned */
    MI_HALTING,    /**< AUTH_FAILED/RESTART sent: removed at halt_at */
};

struct plugin_client;

struct multi_instance
{
    struct multi_instance *hash_next; /* real-address hash chain */
    unsigned long cid;                /* management client id */
    uint32_t peer_id;                 /* index in m->by_peer_id */
    struct link_addr real;
    char real_str[SOCKADDR_PRINT_MAX]; /* "198.51.100.2:1194" */
    char prefix[MULTI_CN_MAX + SOCKADDR_PRINT_MAX]; /* "client1/198.51.100.2:1194" */
    char common_name[MULTI_CN_MAX];
    char username[MULTI_CN_MAX];
    time_t created_wall;
    enum mi_state state;
    time_t halt_at;

    struct tls_multi *tls;
    struct ssl_verify_state verify;
    unsigned int iv_proto;

    struct data_crypto dc[MULTI_KEY_IDS];
    bool live[MULTI_KEY_IDS];
    bool data_v2[MULTI_KEY_IDS];
    char cipher[64];

    /* addressing (§9) */
    int pool_slot; /* -1: none */
    int route_count; /* routes it owns in m->routes (--max-routes-per-client) */
    bool has_v4, has_v6;
    uint32_t vaddr4;      /* client address, host order */
    uint32_t vaddr4_peer; /* net30: the /30's .1; subnet: the netmask */
    uint8_t vaddr6[16];
    struct client_config cc;
    bool cc_loaded;
    struct plugin_client *plugin_ctx; /* --plugin per-client contexts (plugin.h) */
    bool plugin_pending;       /* AUTH_USER_PASS_VERIFY deferred: polling plugin_acf */
    char plugin_acf[64];       /* the auth_control_file ("" when none) */
    uint8_t plugin_key_id;     /* the key the deferred answer is for */
    time_t plugin_deadline;    /* no answer by then: refused (--hand-window) */

    /* push */
    bool push_requested;
    bool push_sent;
    time_t push_sent_at;

    struct link *tcp; /* TCP server: this client's connection (NULL for UDP) */
    bool tcp_write_armed; /* EVENT_WRITE registered */
    bool tcp_proven;      /* TCP: a packet of it was accepted (a valid start) */
    bool tls_done;        /* its TLS handshake completed (authentication may still wait) */
    int active_idx;       /* its index in multi_context.active */

    uint8_t at_session[AUTH_TOKEN_SESSION_ID_LEN]; /* --auth-gen-token session */
    uint64_t at_initial;   /* when the session's first token was made */
    bool at_have;          /* the client has a token session (at_session is set) */
    bool at_refresh;       /* push a fresh token once the new key is up */
    bool at_empty_user;    /* its token holds for the empty username only */
    enum auth_token_state at_state; /* what its last password said (session_state) */
    time_t at_next_renew;  /* renewal time < --reneg-sec: next token push */
    bool mgmt_pending;     /* --management-client-auth: waiting for client-auth/deny */
    bool mgmt_announced;   /* a >CLIENT:CONNECT went out: a DISCONNECT will follow */
    bool established;      /* was connected (still counts for n_clients while halting) */
    unsigned int mgmt_kid; /* the KID the management was told (2.6's counter, not the key id) */
    unsigned int mgmt_kid_next;
    uint8_t mgmt_key_id;   /* the key that KID stands for */

    struct keepalive ka;
    struct comp_adaptive comp_ac; /* comp-lzo adaptive: 2.6 samples each client on its own */
    int64_t next_due_ms;
    uint64_t bytes_in, bytes_out;

    /* --fragment (fragment.h): NULL when off; the MSS clamp then is per client */
    struct fragmenter *frag;
    uint16_t mss_max;
    uint64_t frag_expired_logged;

    /* data channel offload (multi_dco.c) */
    bool dco_peer;
    struct dco_slots dco_slots;
    struct dco_stats dco_last; /* kernel counters already counted */
};

struct multi_context
{
    struct context *c; /* the server's tun, socket, batches, options */
    const struct options *o;

    struct tunnel_tls tmpl; /* shared TLS context, wrap keys, verify config */
    struct tls_config tls_cfg;
    struct tls_stateless *stateless; /* UDP: the HMAC cookie start (§2.7) */
    struct auth_token_key at_key;    /* --auth-gen-token */

    struct multi_instance **by_addr; /* real-address hash, --hash-size's first value */
    unsigned int addr_mask;          /* its buckets - 1 */
    struct multi_instance **by_peer_id; /* o->max_clients entries */
    /* the live instances, densely: the per-wake loops cost what is live, not --max-clients */
    struct multi_instance **active;
    int n_instances;
    unsigned long next_cid;

    struct pool *pool;
    struct mroute_table *routes;
    bool tap;

    /* --connect-freq */
    time_t cf_window_start;
    int cf_count;
    struct tls_reply_limit reply_limit; /* --connect-freq-initial (UDP) */

    time_t next_status;
    time_t next_persist;
    struct ratelimit rl_drop;
    struct ratelimit rl_new;
    uint64_t dropped_no_route, dropped_bad_source, dropped_no_instance, dropped_max_clients;
    uint64_t dropped_saturation; /* tun packets for a TCP client past --tcp-queue-limit */
    uint64_t stateless_replies;
    uint64_t dropped_reply_limit; /* resets not answered: --connect-freq-initial */
    bool shutting_down; /* clients were told RESTART: no new ones */
    struct manage *mgmt;  /* --management, or NULL */
    int mgmt_fd[2];       /* what is registered with the event set */
    bool mgmt_write[2];
    time_t mgmt_tick;
    uint8_t *tcp_out; /* one encrypted packet on its way into a TCP queue */
    uint8_t *frag_piece; /* --fragment: the piece being sealed (tcp_out_size bytes) */
    size_t tcp_out_size;
};

/* ---- mudp.c ---- */
/** One packet from the socket (UDP: @p tcp_mi NULL) or from a client's TCP connection. */
void multi_process_packet(struct multi_context *m, struct multi_instance *tcp_mi,
                          struct link_pkt *p, time_t now, time_t wall, int64_t now_ms);

/* ---- mtcp.c ---- */
/** Accept every pending TCP connection as a new client. */
void mtcp_accept(struct multi_context *m);
/** Read what a client's connection has; false if the client was closed. */
bool mtcp_read(struct multi_context *m, struct multi_instance *mi);
/** Write its queued bytes; false if the client was closed. */
bool mtcp_write(struct multi_context *m, struct multi_instance *mi);
/**
 * Ask for EVENT_WRITE on connections with queued bytes.  *@p backlog: some
 * client's queue is long (stop reading the tun); *@p rx_pending: frames are
 * buffered that no epoll event will announce (call mtcp_read_pending()).
 */
void mtcp_update_interest(struct multi_context *m, bool *backlog, bool *rx_pending);
/** Handle frames already buffered in the clients' connections. */
void mtcp_read_pending(struct multi_context *m);

/** init.c's server hook (tunnel_loop_fn): run the server until a signal; returns it. */
int multi_server_loop(struct context *c);

/* ---- multi.c ---- */
bool multi_init(struct multi_context *m, struct context *c);
void multi_uninit(struct multi_context *m);
/** A client's real address as 2.6's client prefix shows it: "198.51.100.2:1194". */
void multi_print_real(const struct link_addr *a, char *out, size_t n);
struct multi_instance *multi_find_addr(struct multi_context *m, const struct link_addr *a);
/** A new client at @p a; with @p cookie (and @p client_sid) it began statelessly (§2.7). */
struct multi_instance *multi_create(struct multi_context *m, const struct link_addr *a,
                                    int64_t now_ms, const struct session_id *cookie,
                                    const struct session_id *client_sid);
void multi_close(struct multi_context *m, struct multi_instance *mi, const char *why);
/** Let one instance's control channel run; sends what it queued. */
void multi_service(struct multi_context *m, struct multi_instance *mi, int64_t now_ms);
/** Every instance whose timer is due; returns ms until the next one (<= 1000). */
int multi_service_due(struct multi_context *m, int64_t now_ms);
/** Move an instance to a new real address (float). */
void multi_float(struct multi_context *m, struct multi_instance *mi, const struct link_addr *a);
/** Send one raw packet to @p to right now (UDP: the stateless reset reply). */
void multi_send_raw(struct multi_context *m, const struct link_addr *to, const struct buffer *b);
/** Send one control packet to @p mi (its TCP connection or its address). */
void multi_send_ctl(struct multi_context *m, struct multi_instance *mi, const struct buffer *b);
/** Encrypt @p plain for @p mi into the server's outgoing batch. */
void multi_seal(struct multi_context *m, struct multi_instance *mi, struct buffer *plain,
                time_t wall);
void multi_flush(struct multi_context *m);
/** Decrypt a data packet of @p mi into @p out; false if dropped. */
bool multi_open_data(struct multi_context *m, struct multi_instance *mi,
                     const struct buffer *pkt, struct buffer *out, time_t now, time_t wall);
/** Queue a control text message (PUSH_REPLY, AUTH_FAILED ...) and log it like 2.6. */
bool multi_send_text(struct multi_context *m, struct multi_instance *mi, const char *text);
/** Tell every client the server is going away (--explicit-exit-notify). */
void multi_notify_exit(struct multi_context *m);
/** Rewrite --status FILE (if configured). */
void multi_write_status(struct multi_context *m);
/** SIGUSR2: the client list in the log (version 1 format). */
void multi_log_status(struct multi_context *m);

/* ---- multi_dco.c: clients on the kernel data channel ---- */
/** The server's interface is an ovpn (DCO) device. */
bool multi_dco_enabled(const struct multi_context *m);
/** Authorized client with its addresses: hand it to the kernel; false (logged) if refused. */
bool multi_dco_add_peer(struct multi_context *m, struct multi_instance *mi);
void multi_dco_del_peer(struct multi_context *m, struct multi_instance *mi);
/** KEY_NEW / KEY_RETIRED of a DCO client. */
void multi_dco_on_key(struct multi_context *m, struct multi_instance *mi,
                      const struct tls_event *ev);
/** Keep the kernel's key slots in step with the control channel. */
void multi_dco_sync(struct multi_context *m, struct multi_instance *mi);
/** Fold the kernel's counters of one client / of all into the byte counts. */
void multi_dco_refresh(struct multi_context *m, struct multi_instance *mi);
void multi_dco_refresh_all(struct multi_context *m);
/** Act on the kernel's notifications (peer gone: close the instance). */
void multi_dco_read_events(struct multi_context *m);
/** The status text (version 1-3) line by line, for the file, the log and `status`. */
void multi_status_lines(struct multi_context *m, int version,
                        void (*emit)(void *, const char *), void *arg);

/* ---- multi_connect.c ---- */
/** TLS_EVENT_AUTH for @p key_id: authenticate, configure, authorize. */
void multi_connect_auth(struct multi_context *m, struct multi_instance *mi, uint8_t key_id);
/** A client asked for its options (or announced it will): send the PUSH_REPLY when ready. */
void multi_connect_push(struct multi_context *m, struct multi_instance *mi, time_t now);
/** Undo what connect did (routes, pool address, scripts). */
void multi_connect_teardown(struct multi_context *m, struct multi_instance *mi);

/** A client's script environment; script_type @p script_type.  The caller frees it. */
struct env_set *multi_client_env(struct multi_context *m, struct multi_instance *mi,
                                 const char *script_type);

/* ---- --plugin calls for one client (multi_plugin.c) ---- */

enum plugin_type;

/** The environment a plugin sees for this client (the caller frees it). */
struct env_set *multi_plugin_env(struct multi_context *m, struct multi_instance *mi);

/** Whether a plugin registered for @p type. */
bool multi_plugin_on(const struct multi_context *m, enum plugin_type type);

/**
 * Call @p type with @p args and @p es and the client's plugin contexts;
 * *config (if @p config) receives returned "config" text.  True if all succeeded.
 */
bool multi_plugin_call(struct multi_context *m, struct multi_instance *mi, enum plugin_type type,
                       const char *const *args, const struct env_set *es, char **config);

/**
 * AUTH_USER_PASS_VERIFY with an auth_control_file offered; PLUGIN_DEFERRED
 * leaves mi->plugin_acf for multi_plugin_poll().
 */
enum plugin_result multi_plugin_user_pass(struct multi_context *m, struct multi_instance *mi,
                                          const char *user, const char *pass);

/** A deferred answer: 1 accepted, 0 refused, -1 not yet (the file is removed once read). */
int multi_plugin_poll(struct multi_instance *mi);

/** Remove the auth_control_file, if any. */
void multi_plugin_acf_remove(struct multi_instance *mi);

/** The deferred plugin answer arrived: go on as after a synchronous one. */
void multi_connect_plugin_answer(struct multi_context *m, struct multi_instance *mi, bool ok);

/** TLS_FINAL (false: refuse the client), then IPCHANGE with the client's address. */
bool multi_plugin_final(struct multi_context *m, struct multi_instance *mi);
/** The management's client-auth / client-deny for a client waiting on it. */
void multi_connect_mgmt_answer(struct multi_context *m, struct multi_instance *mi, bool allow,
                               const char *reason, const char *client_reason,
                               const char *config_text);

/**
 * --tcp-queue-limit: may another packet from the tun be queued for @p mi?
 * A TCP client holds at most that many packets the kernel has not taken
 * (2.6's deferred output queue); UDP clients always may.
 */
bool multi_queue_ready(struct multi_context *m, struct multi_instance *mi);

/* ---- multi_token.c: --auth-gen-token (§8.5) ---- */
enum multi_token_verdict
{
    MT_CHECK,    /**< run the normal checks (no token, or external-auth) */
    MT_ACCEPTED, /**< a valid token authenticated the client by itself */
    MT_REFUSED,  /**< a bad or expired token, without external-auth: refuse */
};
/**
 * The client sent @p pass for *@p user: what its token decides (logged as
 * 2.6).  A token that holds for the empty username only makes *@p user "".
 */
enum multi_token_verdict multi_token_auth(struct multi_context *m, struct multi_instance *mi,
                                          const char **user, const char *pass);
/** The AUTH_FAILED text for a refused client (2.6's reason for an expired token). */
const char *multi_token_auth_failed(const struct multi_instance *mi);
/** session_state and session_id for a script or management environment. */
void multi_token_env(const struct multi_context *m, const struct multi_instance *mi,
                     struct env_set *es);
/** The "auth-token SESS_ID_AT_..." push item, a new token each time. */
bool multi_token_item(struct multi_context *m, struct multi_instance *mi, char *out, size_t n);
/** Push a renewed token as a PUSH_REPLY of its own (after a renegotiation). */
void multi_token_refresh(struct multi_context *m, struct multi_instance *mi);
/** Once a second: the renewal-time pushes when renewal time < --reneg-sec. */
void multi_token_timer(struct multi_context *m, struct multi_instance *mi, time_t now);

/* ---- multi_route.c ---- */
/**
 * Give @p mi a route (host-order IPv4 @p addr, MROUTE_HOST or a prefix
 * length), an IPv6 one, or a tap MAC, within --max-routes-per-client;
 * logs "MULTI: Learn" (or the quota line and "Learn FAILED") as 2.6.
 * True if the route is @p mi's afterwards.
 */
bool multi_learn_v4(struct multi_context *m, struct multi_instance *mi, uint32_t addr, int bits,
                    time_t now);
bool multi_learn_v6(struct multi_context *m, struct multi_instance *mi, const uint8_t addr[16],
                    int bits, time_t now);
bool multi_learn_mac(struct multi_context *m, struct multi_instance *mi, const uint8_t mac[6],
                     time_t now);

/** The second word of the client's pushed "ifconfig": netmask (subnet, tap) or peer (net30, p2p). */
uint32_t multi_connect_ifconfig_second(struct multi_context *m, struct multi_instance *mi);
/** The client's IV_ and UV_ peer-info variables, in the order it sent them. */
void multi_env_add_peer_info(struct env_set *es, const char *peer_info);

/* ---- multi_manage.c ---- */
/** Open --management if configured; false (logged) if it cannot listen. */
bool multi_manage_open(struct multi_context *m);
void multi_manage_close(struct multi_context *m);
/** >CLIENT:ADDRESS,CID,ADDR,PRIMARY for an address learned for the client. */
void multi_manage_address(struct multi_context *m, struct multi_instance *mi, const char *addr,
                          bool primary);
/** Keep the management sockets registered with the event set. */
void multi_manage_interest(struct multi_context *m);
/** >CLIENT:CONNECT|REAUTH|ESTABLISHED|DISCONNECT with the client's environment. */
void multi_manage_client_event(struct multi_context *m, struct multi_instance *mi,
                               const char *what, const char *password);

#endif /* OVPN_MULTI_H */
