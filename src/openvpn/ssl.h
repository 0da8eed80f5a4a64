/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl.h -- the TLS control channel of ONE peer (doc/protocol.md §1-§5, §7.5, §8.6):
 * a control session (our and the peer's session id, the tls-auth/tls-crypt
 * wrapping) with up to two key states (primary and lame duck), each of which
 * runs the reset exchange, a TLS session over the reliability layer, the
 * key-method-2 exchange and the derivation of data-channel keys.
 *
 * Buffers in, buffers out:
 *   - tls_multi_incoming() takes one control packet as received (wrapped);
 *   - tls_multi_outgoing() returns the next wrapped control packet to send;
 *   - tls_multi_tick() runs timers (hand-window, renegotiation, lame duck);
 *   - tls_multi_take_key_event() hands out "new data key" / "key retired"
 *     events.  Data-channel crypto state stays OUT of this module: the
 *     caller builds a struct data_crypto per key_id from the event (see
 *     tls_data_key_select()) and asks tls_multi_tx_key() which key_id to
 *     send with (§6.12) and tls_multi_rx_key_ok() whether a key_id may be
 *     used for receiving.  It reports traffic per key with
 *     tls_multi_count_data() so that --reneg-bytes/--reneg-pkts work here.
 *
 * There are no sockets, no clock reads and no options.h: time is `now_ms`,
 * a monotonic clock in milliseconds supplied by the caller, and the
 * configuration is a struct tls_config the caller fills.  The caller knows
 * the peer's address and passes it once as a display string for logs.
 *
 * Error policy (E9): anything a peer sends that does not fit is dropped,
 * counted in struct tls_multi_stats and logged rate-limited; it never
 * reaches an ASSERT.  A key state that fails (TLS error, bad key message,
 * hand-window expiry) logs "TLS Error: ..." like 2.6 and puts the multi in
 * TLS_STATUS_ERROR: the caller restarts (SIGUSR1, "tls-error").
 *
 * Memory: tls_multi_new() allocates everything it needs (about 100 KB:
 * reliability windows for two key states); nothing allocates per packet.
 * All key material is wiped on free.  Strings in the config must outlive
 * the multi; the ssl_ctx and the tls-crypt-v2 server are borrowed.
 *
 * Multi-client reuse: everything lives inside one struct tls_multi, so a
 * server can keep one per client.
 *
 * Tier 3c: includes tiers 0-2, ssl_backend.h, ssl_keys.h, key_msg.h,
 * tls_wrap.h, tls_crypt_v2.h, ssl_ncp.h.  Must not include options.h,
 * OS/socket headers or anything from tiers 3o and up; reads no clock.
 */
#ifndef OVPN_SSL_H
#define OVPN_SSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"
#include "key_msg.h"
#include "session_id.h"
#include "ssl_backend.h"
#include "static_key.h"
#include "tls_crypt_v2.h"

/* §3.5 default --tls-mtu; the smallest 2.6 accepts */
#define TLS_MTU_DEFAULT 1250
#define TLS_MTU_MIN     154

/* Largest wrapped control packet tls_multi_outgoing() produces (>= tls-mtu + WKc). */
#define TLS_PACKET_MAX (2048 + TLS_CRYPT_V2_MAX_WKC_LEN)

/* Defaults of the timers (seconds), as 2.6 */
#define TLS_HAND_WINDOW_DEFAULT 60
#define TLS_RENEG_SEC_DEFAULT   3600
#define TLS_TRAN_WINDOW_DEFAULT 3600

/* Largest text control message (§4.2, §8.1) we send or accept, incl. NUL */
#define TLS_TEXT_MAX 1280

/** Control-channel wrapping of the session (§2.2-§2.5). */
enum tls_wrap_kind
{
    TLS_WRAP_NONE,
    TLS_WRAP_KIND_AUTH,      /**< --tls-auth: wrap_key, key_direction, auth_digest */
    TLS_WRAP_KIND_CRYPT,     /**< --tls-crypt: wrap_key */
    TLS_WRAP_KIND_CRYPT_V2C, /**< --tls-crypt-v2 client: v2_client */
    TLS_WRAP_KIND_CRYPT_V2S, /**< --tls-crypt-v2 server: v2_server */
};

/** Everything the control channel needs; the caller fills it from options. */
struct tls_config
{
    enum ssl_role role;      /**< --tls-client / --tls-server */
    struct ssl_ctx *ssl_ctx; /**< borrowed; its role must match @c role */

    enum tls_wrap_kind wrap;
    const struct key2 *wrap_key; /**< tls-auth / tls-crypt key (copied at tls_multi_new) */
    int key_direction;           /**< tls-auth: -1, 0, 1 */
    const char *auth_digest;     /**< --auth for tls-auth HMAC; NULL = SHA1 */
    const struct tls_crypt_v2_client_key *v2_client; /**< copied at tls_multi_new */
    struct tls_crypt_v2_server *v2_server;           /**< borrowed */
    bool v2_force_cookie;                            /**< tls-crypt-v2 force-cookie (§2.5) */
    int replay_window;                               /**< --replay-window n (0: 64) */
    int replay_time;                                 /**< --replay-window n t (0: 15) */

    int tls_timeout_s;    /**< --tls-timeout (0: 2) */
    int hand_window_s;    /**< --hand-window (0: 60) */
    int reneg_sec;        /**< --reneg-sec max (0: off; 2.6 default 3600 is the caller's);
                               the value used is drawn per session: tls_reneg_sec_pick() */
    int reneg_sec_min;    /**< --reneg-sec max MIN; only if @c reneg_sec_min_set */
    bool reneg_sec_min_set;
    uint64_t reneg_bytes; /**< --reneg-bytes (0: off) */
    bool reneg_bytes_unset; /**< no --reneg-bytes: the soft-reset line shows -1 as 2.6
                                 does, and a 64-bit-block data cipher gets 64 MB (SWEET32) */
    uint64_t reneg_pkts;  /**< --reneg-pkts (0: off) */
    int tran_window_s;    /**< --tran-window (0: 3600) */
    size_t tls_mtu;       /**< --tls-mtu (0: 1250) */

    /* data channel / NCP (§7.5) */
    const char *data_ciphers;    /**< normalised --data-ciphers list (ncp_list_normalise) */
    const char *cipher_fallback; /**< --cipher if the user set it, else NULL */
    const char *auth;            /**< --auth for CBC data ciphers (NULL: SHA1) */
    bool p2p;                    /**< no --pull / --mode server: run P2P NCP (§7.5) */
    bool cc_exit;                /**< the caller handles TLS_EVENT_EXIT: announce bit 7 */
    const char *peer_info;       /**< peer-info text to send ("" or NULL: none) */
    const char *local_options;   /**< our OCC string (§4.5), sent in key-method 2 */

    /* client/server modes (doc/protocol.md §8): not p2p */
    bool pull;                 /**< pull client: keys wait for tls_multi_set_data_params() */
    bool server_mode;          /**< --mode server: every key state waits for
                                    tls_multi_key_authorize() (and the params) */
    const char *auth_username; /**< pull client: sent in key-method 2; NULL = none */
    const char *auth_password;
    void *verify_arg;          /**< per-peer ssl_verify_state for ssl_session_new() (NULL: ctx's) */

    bool single_session; /**< --single-session: no renegotiation after key_id 0 */
    bool tls_exit;       /**< --tls-exit: a TLS error is final (the caller exits) */
};

/** What tls_multi_incoming() did with a packet (more than two outcomes: E4). */
enum tls_in_result
{
    TLS_IN_CONSUMED,           /**< accepted (possibly as a duplicate that got re-ACKed) */
    TLS_IN_DROPPED_UNWRAP,     /**< tls-auth/tls-crypt failed: forged, wrong key, replayed */
    TLS_IN_DROPPED_MALFORMED,  /**< header does not parse, bad TLV, not a control opcode */
    TLS_IN_DROPPED_SESSION,    /**< session id is not the peer's / ACK names another sid */
    TLS_IN_DROPPED_KEY_ID,     /**< no key state with this key_id and not a soft reset */
    TLS_IN_DROPPED_UNEXPECTED, /**< opcode not acceptable now (e.g. server->server reset) */
    TLS_IN_DROPPED_WINDOW,     /**< reliability layer refused it (out of window, full) */
    TLS_IN_DROPPED_DEAD,       /**< the multi is in TLS_STATUS_ERROR */
};

struct tls_multi_stats
{
    uint64_t in_consumed;
    uint64_t in_dropped[TLS_IN_DROPPED_DEAD + 1]; /**< indexed by enum tls_in_result */
    uint64_t out_packets;
    uint64_t retransmits;
    unsigned int renegotiations; /**< soft resets started by either side */
};

enum tls_status
{
    TLS_STATUS_CONNECTING, /**< no data key usable for sending yet */
    TLS_STATUS_ACTIVE,     /**< a data key is usable for sending */
    TLS_STATUS_ERROR,      /**< failed: the caller restarts (or exits with --tls-exit) */
};

/** One data-channel key, as handed to the caller (§5.1). */
struct tls_data_key
{
    uint8_t key_id;
    bool tls_server;  /**< our role: selects the key direction, tls_data_key_select() */
    struct key2 key2; /**< 256 bytes, PRF or EKM; wiped by the caller after use */
    char cipher[64];  /**< data cipher, OpenVPN spelling, "none" possible */
    char auth[64];    /**< --auth digest for CBC (ignored for AEAD) */
    bool ekm;         /**< derived with the TLS exporter (§5.3), else the PRF (§5.2) */
    bool data_v2;     /**< send P_DATA_V2 with @c peer_id, else P_DATA_V1 */
    uint32_t peer_id; /**< PEER_ID_UNDEF unless data_v2 */
};

enum tls_event_type
{
    TLS_EVENT_KEY_NEW,     /**< ev.key is ready: create the data_crypto for key_id */
    TLS_EVENT_KEY_RETIRED, /**< ev.key.key_id is gone: free its data_crypto */
    TLS_EVENT_TEXT,        /**< ev.text: a control message from the peer (§8.1) */
    TLS_EVENT_EXIT,        /**< the peer sent EXIT (only with cfg.cc_exit) */
    TLS_EVENT_AUTH,        /**< server_mode: key ev.key.key_id finished key-method 2; the
                                caller checks tls_multi_peer_credentials() and answers with
                                tls_multi_key_authorize() */
};

/** The data channel a pull client was told, or a server chose for a client (§7, §8.2). */
struct tls_data_params
{
    char cipher[64];  /**< OpenVPN spelling */
    bool ekm;         /**< keys from the TLS exporter (protocol-flags / key-derivation tls-ekm) */
    bool data_v2;     /**< P_DATA_V2 with @c peer_id */
    uint32_t peer_id;
};

struct tls_event
{
    enum tls_event_type type;
    struct tls_data_key key; /**< KEY_NEW (all fields), KEY_RETIRED (key_id) */
    char text[TLS_TEXT_MAX]; /**< TEXT */
};

struct tls_multi; /* opaque */

/**
 * A control channel for one peer, at once ready to send its hard reset
 * (the --tls-server side of a p2p link sends first too, §1.2).  Copies the
 * wrap keys and draws a session id.  @p now_wall (Unix time) becomes the
 * replay timestamp of every packet this session wraps (§2.3): it must be the
 * session's own start, never the process's, because a peer rejects a packet
 * whose timestamp is older than one it has already accepted from us.
 * @return NULL (logged) if the wrap context cannot be built or the RNG fails.
 */
struct tls_multi *tls_multi_new(const struct tls_config *cfg, int64_t now_ms, time_t now_wall);

/**
 * A server channel for a client that proved its address with the stateless
 * cookie (§2.7, ssl_stateless.h): our session id is @p cookie, the peer's
 * @p client_sid, both resets are done.  A tls-crypt-v2 server channel
 * learns the client key from the WKc of the first packet it is given (the
 * client's P_CONTROL_WKC_V1) and wraps its next packet with replay id 2.
 * @p now_wall as for tls_multi_new(): the client has already accepted the
 * stateless reply, whose timestamp is at most the current time, so the
 * session's packets must not carry an earlier one.
 */
struct tls_multi *tls_multi_new_after_cookie(const struct tls_config *cfg,
                                             const struct session_id *cookie,
                                             const struct session_id *client_sid,
                                             int64_t now_ms,
                                             time_t now_wall);

/** Free and wipe everything; NULL is fine. */
void tls_multi_free(struct tls_multi *m);

/** The peer's address for log lines, e.g. "[AF_INET]127.0.0.1:1194" (copied). */
void tls_multi_set_peer_name(struct tls_multi *m, const char *name);

/**
 * One control packet (opcode is ctl_opcode_is_control() or anything not
 * data: the caller dispatches data opcodes elsewhere) exactly as it came
 * off the wire.  @p pkt is not modified.
 */
enum tls_in_result tls_multi_incoming(struct tls_multi *m,
                                      const uint8_t *pkt,
                                      size_t len,
                                      int64_t now_ms);

/**
 * The next control packet to send now, wrapped and ready for the socket,
 * appended to @p out (tailroom >= TLS_PACKET_MAX).  Call until false.
 * Includes retransmissions and bare P_ACK_V1 packets.
 */
bool tls_multi_outgoing(struct tls_multi *m, int64_t now_ms, struct buffer *out);

/**
 * Milliseconds from @p now_ms until tls_multi_outgoing() or tls_multi_tick()
 * have something to do (0: now); never more than 1000 so that the caller's
 * loop keeps the timers honest.
 */
int64_t tls_multi_next_due_ms(struct tls_multi *m, int64_t now_ms);

/**
 * Run the timers: hand-window expiry (error), --reneg-sec/bytes/pkts
 * (start a soft reset), lame-duck expiry (retire its key).
 */
void tls_multi_tick(struct tls_multi *m, int64_t now_ms);

/** Next pending event, oldest first; false if none. */
bool tls_multi_take_key_event(struct tls_multi *m, struct tls_event *ev);

enum tls_status tls_multi_status(const struct tls_multi *m);

/**
 * The key_id to send data with (§6.12: the primary once it is active, else
 * the lame duck while it lives).  False if no key is usable.
 */
bool tls_multi_tx_key(const struct tls_multi *m, uint8_t *key_id);

/** True if data packets with @p key_id may be decrypted (a live key with keys). */
bool tls_multi_rx_key_ok(const struct tls_multi *m, uint8_t key_id);

/** Account data traffic on @p key_id (either direction) for --reneg-bytes/-pkts. */
void tls_multi_count_data(struct tls_multi *m, uint8_t key_id, size_t bytes);

/** Start a renegotiation now (tests, management); false if the primary is not active. */
bool tls_multi_renegotiate(struct tls_multi *m, int64_t now_ms);

/**
 * Queue a text control message (§8.1) on the primary key state, sent after
 * the key-method-2 exchange.  False if it does not fit (>= TLS_TEXT_MAX) or
 * the channel is not active.
 */
bool tls_multi_send_text(struct tls_multi *m, const char *text);

/** The peer's OCC options string from its key-method-2 message ("" before). */
const char *tls_multi_peer_options(const struct tls_multi *m);

/** The peer's peer-info text ("" before it arrived). */
const char *tls_multi_peer_info(const struct tls_multi *m);

const struct tls_multi_stats *tls_multi_get_stats(const struct tls_multi *m);

/**
 * §5.1: the TLS client encrypts with keys[0] and decrypts with keys[1]; the
 * server the reverse.  Pointers into @p k for data_crypto_init().
 */
void tls_data_key_select(const struct tls_data_key *k,
                         const struct key **send,
                         const struct key **recv);

/** True once the primary key state finished the key-method-2 exchange. */
bool tls_multi_control_ready(const struct tls_multi *m);

/**
 * Pull client / server: the data channel parameters.  Keys waiting for them
 * are derived at the next tick (TLS_EVENT_KEY_NEW follows; on a server only
 * for authorized key states); renegotiated keys reuse them.
 */
bool tls_multi_set_data_params(struct tls_multi *m, const struct tls_data_params *p);

/** Server: the username and password key state @p key_id received ("" if none). */
bool tls_multi_peer_credentials(const struct tls_multi *m, uint8_t key_id,
                                const char **username, const char **password);

/** Server: the answer to TLS_EVENT_AUTH; a refused key state never gets data keys. */
void tls_multi_key_authorize(struct tls_multi *m, uint8_t key_id, bool ok);

/** Server: our session id and the client's (for the stateless cookie start, §2.7). */
void tls_multi_session_ids(const struct tls_multi *m, struct session_id *own,
                           struct session_id *peer);

/**
 * The --reneg-sec a session uses (2.6): with a MIN, uniformly in
 * (min, max] (just max when min >= max); without one, a --mode server
 * (@p server_mode) takes 0..10% off max and everyone else uses max.  @p rnd
 * is a random number; 0 stays 0 (off).
 */
int tls_reneg_sec_pick(int max, int min, bool min_set, bool server_mode, uint32_t rnd);

/** 2.6's cap on --reneg-bytes for 64-bit-block data ciphers (SWEET32), when unset. */
#define TLS_RENEG_BYTES_SMALL_BLOCK (64ull * 1024 * 1024)

/** IV_PROTO this implementation announces as a p2p peer with @p cc_exit. */
unsigned int tls_p2p_iv_proto(bool cc_exit);

#endif /* OVPN_SSL_H */
