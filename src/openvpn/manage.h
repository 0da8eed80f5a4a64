/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * manage.h -- the management interface of OpenVPN 2.6 (--management):
 * a line protocol on a TCP or unix socket that one client at a time uses to
 * query state and status, read the log, hold and release start-up, answer
 * password and client-auth requests, and send signals.
 *
 * This module owns the sockets, the command parser, the reply texts, the
 * state and log history rings and the notifications (">STATE:", ">LOG:",
 * ">HOLD:", ">BYTECOUNT:", ">CLIENT:", ">PASSWORD:" ...).  It knows nothing
 * about the tunnel or the server: everything it needs from them goes through
 * struct manage_callbacks, and they tell it about events through the
 * manage_* notifiers.  All input from the management client is untrusted:
 * lines are bounded, output is buffered (never a blocking write) and a
 * client that stops reading is dropped once its backlog passes a cap.
 *
 * Memory: manage_open() copies what it keeps from the config; strings passed
 * to the notifiers are copied into the output buffer before they return.
 *
 * Tier 5.  Must not include init.h, forward.h, multi* or status.h.
 */
#ifndef OVPN_MANAGE_H
#define OVPN_MANAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct manage_config
{
    const char *addr; /**< IP/host, or the socket path with unix_socket */
    const char *port;
    bool unix_socket;
    const char *pw_file;       /**< NULL: no password; first line of the file is the password */
    bool hold;                 /**< --management-hold */
    bool client_auth;          /**< --management-client-auth */
    bool query_passwords;      /**< --management-query-passwords */
    bool forget_disconnect;    /**< --management-forget-disconnect */
    bool signal_on_disconnect; /**< --management-signal */
    int log_history;           /**< --management-log-cache (0: the 2.6 default 250) */
    bool server;               /**< server mode: >BYTECOUNT_CLI:, client-kill etc. */
    const char *client_user;   /**< --management-client-user: only this uid may connect (unix) */
    const char *client_group;  /**< --management-client-group: only this gid */
    const char *title;         /**< for `version` */
};

struct manage_callbacks
{
    void *arg;
    /** `status [n]`: emit the status text lines (the text itself ends with END). */
    void (*status)(void *arg, int version, void (*emit)(void *, const char *), void *emit_arg);
    /** `kill CN`: number killed, -1 = not in this mode. */
    int (*kill_cn)(void *arg, const char *cn);
    /** `kill IP:PORT` (proto:IP:PORT too): number killed, -1 = not in this mode. */
    int (*kill_addr)(void *arg, const char *ip, int port);
    /** `client-kill CID [MSG]`: false if no such client. */
    bool (*client_kill)(void *arg, unsigned long cid, const char *msg);
    /** client-auth CID KID (+ config lines until END) / client-auth-nt / client-deny. */
    bool (*client_auth)(void *arg,
                        unsigned long cid,
                        unsigned int kid,
                        bool allow,
                        const char *reason,
                        const char *client_reason,
                        const char *config_text);
    /** `signal SIGxxx`, and --management-signal on disconnect (SIGUSR1). */
    void (*signal)(void *arg, int signum);
    /** `load-stats` */
    void (*load_stats)(void *arg, int *nclients, uint64_t *bytes_in, uint64_t *bytes_out);
    /** bytecount timer, client/p2p totals. */
    void (*bytecount)(void *arg, uint64_t *in, uint64_t *out);
    /** bytecount timer in server mode: call @p emit once per client. */
    void (*bytecount_clients)(void *arg,
                              void (*emit)(void *, unsigned long cid, uint64_t in, uint64_t out),
                              void *emit_arg);
    /** `username`/`password` replies to a >PASSWORD: request (type, value). */
    void (*password)(void *arg, const char *type, const char *user, const char *pass);
};

struct manage;

/**
 * Listen (TCP or unix socket) and read the password file.  NULL, with the
 * reason logged, on failure (the caller exits 1 like 2.6).  Installs the
 * log hook so that the log history ring and >LOG: see every message.
 */
struct manage *manage_open(const struct manage_config *cfg, const struct manage_callbacks *cb);

/** Close the sockets (a unix socket path is unlinked) and free; NULL is fine. */
void manage_close(struct manage *m);

/**
 * Replace the callbacks (a server's instance table comes and goes with each
 * restart while the interface stays open); NULL restores those given to
 * manage_open().  A command whose callback is missing is answered as 2.6
 * does in that daemon state ("not supported by the current daemon mode").
 */
void manage_set_callbacks(struct manage *m, const struct manage_callbacks *cb);

/** The bound TCP port (useful with port 0); 0 for a unix socket. */
int manage_port(const struct manage *m);

/**
 * File descriptors to poll for reading (listening socket, connected client):
 * fills @p fds, returns the count (<= 2).  @p want_write: the client has
 * pending output (poll it for writing too).
 */
int manage_fds(const struct manage *m, int fds[2], bool *want_write);

/** Service readiness on any of those fds (accept, read commands, write output). */
void manage_io(struct manage *m, time_t now);

/** Once a second: bytecount notifications, hold reminders. */
void manage_tick(struct manage *m, time_t now);

/** True while a management client is connected (and past the password). */
bool manage_connected(const struct manage *m);

/**
 * A state change (>STATE:, `state` history).  2.6 state names; fields as
 * doc/protocol.md §10.4.  NULL strings print as empty fields; local_ip6 is only
 * printed when not NULL/empty.
 */
void manage_set_state(struct manage *m,
                      time_t t,
                      const char *state,
                      const char *detail,
                      const char *local_ip,
                      const char *remote_ip,
                      const char *remote_port,
                      const char *local_addr,
                      const char *local_port,
                      const char *local_ip6);

/**
 * Block (polling only the management sockets) while the hold flag is set,
 * as 2.6 does with --management-hold at start-up and after restarts,
 * repeating ">HOLD:Waiting for hold release:N" every @p seconds.  Returns
 * false if a signal (or `signal SIGTERM`) asked to exit meanwhile.
 */
bool manage_hold_wait(struct manage *m, int seconds);

/** True if the hold flag is set (--management-hold or `hold on`). */
bool manage_hold_is_set(const struct manage *m);

/** Server --management-client-auth notifications (+ >CLIENT:ENV,name=value ... END). */
/**
 * A client's environment for a >CLIENT: notification, in the order 2.6
 * lists it (newest variable first).  NULL: the empty block 2.6 gives a
 * client that never authenticated.
 */
struct manage_client_env
{
    const char *const *names;
    const char *const *values;
    size_t n;
    int n_clients;         /**< shown first as "n_clients"; -1: not part of this event */
    const char *peer_info; /**< CONNECT/REAUTH: listed apart once `env-filter` is above 0 */
};

/** >CLIENT:CONNECT|REAUTH,CID,KID and the environment, for client-auth/client-deny. */
void manage_client_connect(struct manage *m, unsigned long cid, unsigned int kid, bool reauth,
                           const struct manage_client_env *env);
void manage_client_established(struct manage *m, unsigned long cid,
                               const struct manage_client_env *env);
void manage_client_disconnect(struct manage *m, unsigned long cid,
                              const struct manage_client_env *env);
void manage_client_address(struct manage *m, unsigned long cid, const char *addr, bool primary);

/**
 * ">PASSWORD:Need 'Auth' username/password" (@p need_user) or
 * ">PASSWORD:Need 'Private Key' password"; the answer arrives through
 * callbacks.password.
 */
void manage_query_password(struct manage *m, const char *type, bool need_user);

/** >PASSWORD:Verification Failed: 'Auth' */
void manage_auth_failed(struct manage *m, const char *type);

/** A generic notification ">TYPE:text" (INFO, FATAL, NOTIFY, ...). */
void manage_notify(struct manage *m, const char *type, const char *text);

#endif /* OVPN_MANAGE_H */
