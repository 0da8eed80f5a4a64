/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * push.h -- the pulling side of client mode (doc/protocol.md §8.2, §8.4):
 *
 *   - when to send PUSH_REQUEST: first 1 s after the control channel has
 *     finished the key-method-2 exchange, then every 5 s until the reply is
 *     complete; a restart ("no-push-reply") when the hand-window passes
 *     without one;
 *   - what an incoming control message means for a client: a PUSH_REPLY
 *     part to apply (and whether more parts follow, "push-continuation"),
 *     AUTH_FAILED, RESTART / HALT with their [P N] flags, INFO, AUTH_PENDING;
 *   - the text 2.6 logs for a received message (the auth-token masked);
 *   - reading --auth-user-pass credentials from a file, an inline block or
 *     the terminal.
 *
 * The state machine is pure: no sockets, no clock reads (now_ms is a
 * monotonic millisecond clock passed in), no options.h.  init.c and
 * forward.c act on what it returns (apply options, open the tun, raise
 * signals).  Tier 5; includes tiers 0-1 only.  No allocation.
 */
#ifndef OVPN_PUSH_H
#define OVPN_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** §8.2: the first PUSH_REQUEST goes out 1 s after the channel is ready... */
#define PUSH_FIRST_REQUEST_DELAY_MS 1000
/** ...and a 2.6 client repeats it every 5 s. */
#define PUSH_REQUEST_INTERVAL_MS 5000
/** Largest username / password we keep (2.6: USER_PASS_LEN 4096 is for tokens, too). */
#define PUSH_USER_PASS_LEN 4096

enum push_state
{
    PUSH_WAIT_CONTROL, /**< TLS not finished yet: nothing to send */
    PUSH_REQUESTING,   /**< PUSH_REQUEST sent (or due); no complete reply yet */
    PUSH_COLLECTING,   /**< got parts ending in "push-continuation 2" */
    PUSH_DONE,         /**< the reply is complete (the tunnel may come up) */
};

struct push_client
{
    enum push_state state;
    int64_t hand_window_ms;  /**< --hand-window: give up after this long without a reply */
    int64_t next_request_ms; /**< when the next PUSH_REQUEST is due */
    int64_t deadline_ms;     /**< REQUESTING/COLLECTING: restart after this */
    unsigned int requests;   /**< PUSH_REQUESTs sent in this session */
    unsigned int parts;      /**< PUSH_REPLY parts received in this session */
};

/** What push_client_tick() wants done now. */
enum push_tick
{
    PUSH_TICK_NONE,
    PUSH_TICK_SEND_REQUEST, /**< send "PUSH_REQUEST" (then call push_client_request_sent) */
    PUSH_TICK_TIMEOUT, /**< no complete reply within the hand-window: SIGUSR1 "no-push-reply" */
};

/** What a received control message means (push_client_on_message). */
enum push_event_type
{
    PUSH_EV_IGNORED,      /**< unknown/irrelevant message: logged, nothing to do */
    PUSH_EV_REPLY,        /**< apply ev.options (the list after "PUSH_REPLY,") */
    PUSH_EV_AUTH_FAILED,  /**< ev.reason: the text after "AUTH_FAILED," ("" if none) */
    PUSH_EV_AUTH_PENDING, /**< deadline extended (AUTH_PENDING[,timeout N]) */
    PUSH_EV_RESTART,      /**< reconnect; ev.keep_passwords, ev.next_remote */
    PUSH_EV_HALT,         /**< stop for good */
    PUSH_EV_INFO,         /**< ev.reason: the text after "INFO," */
};

struct push_event
{
    enum push_event_type type;
    const char *options; /**< PUSH_EV_REPLY: points into the message text */
    const char *reason;  /**< AUTH_FAILED / RESTART / HALT / INFO text (into the message) */
    bool complete;       /**< PUSH_EV_REPLY: this part ends the reply (continuation 1 or none) */
    bool first_complete; /**< PUSH_EV_REPLY: ...and it is the first complete reply of the
                              session: the caller brings the tunnel up */
    bool keep_passwords; /**< RESTART/HALT flag P */
    bool next_remote;    /**< RESTART/HALT flag N */
};

/** A fresh session (after every (re)connect). @p hand_window_s 0 means 60. */
void push_client_init(struct push_client *pc, int hand_window_s);

/**
 * Run the timer.  @p control_ready: tls_multi_control_ready() (the primary
 * key state finished key-method 2).  The first request goes out 1 s after
 * the control channel became ready (unless the reply came first), then
 * every 5 s.
 */
enum push_tick push_client_tick(struct push_client *pc, bool control_ready, int64_t now_ms);

/** The caller sent PUSH_REQUEST at @p now_ms. */
void push_client_request_sent(struct push_client *pc, int64_t now_ms);

/** Milliseconds until push_client_tick() has something to do; -1 none pending. */
int64_t push_client_next_due_ms(const struct push_client *pc, int64_t now_ms);

/**
 * Classify one control message @p text from the server and update the
 * state (a PUSH_REPLY part moves to COLLECTING or DONE; AUTH_PENDING
 * extends the deadline by its timeout, default the hand-window).
 * @p ev points into @p text, which must outlive it.  Logs nothing.
 */
void push_client_on_message(struct push_client *pc,
                            const char *text,
                            int64_t now_ms,
                            struct push_event *ev);

/** True once the reply is complete (PUSH_DONE). */
bool push_client_done(const struct push_client *pc);

/**
 * The "push-continuation N" value in an option list: 2 more parts follow,
 * 1 last part, 0 absent (a single-part reply).  Only a whole item counts.
 */
int push_reply_continuation(const char *options);

/**
 * The message as 2.6 logs it: every "auth-token <token>" item becomes
 * "auth-tokenSESS_ID" so that the token never reaches a log.  Always
 * NUL-terminates @p out (truncating if needed).
 */
void push_mask_message(const char *text, char *out, size_t outlen);

/* ---- --auth-user-pass ---------------------------------------------------- */

struct user_pass
{
    bool defined;
    bool have_password;
    char username[PUSH_USER_PASS_LEN];
    char password[PUSH_USER_PASS_LEN];
};

/**
 * Parse credentials text as 2.6 reads an auth-user-pass file or inline
 * block: the first line is the username, the second the password (CR/LF
 * stripped).  A missing second line leaves have_password false (the caller
 * prompts).  False (up cleared) if there is no username or a line is too long.
 */
bool user_pass_parse(const char *text, struct user_pass *up);

/** Read a file with user_pass_parse(); false (logged as 2.6 does) on failure. */
bool user_pass_read_file(const char *path, struct user_pass *up);

/**
 * Prompt on /dev/tty: "Enter Auth Username:" (echoed) and "Enter Auth
 * Password:" (no echo), the username only when @p up has none.  False
 * (logged) when there is no terminal.
 */
bool user_pass_prompt(struct user_pass *up);

/** Wipe the credentials (--auth-nocache, auth failure). */
void user_pass_clear(struct user_pass *up);

#endif /* OVPN_PUSH_H */
