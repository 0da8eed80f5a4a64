/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ssl_ks.h -- one key state of the control channel (doc/protocol.md §3, §4.4,
 * §5): its reliability instance, its TLS session, the key-method-2
 * exchange and the data key it yields.  Internal to ssl.c / ssl_ks.c: the
 * rest of the program talks to struct tls_multi (ssl.h).
 *
 * The state machine has one door (E8): only ks_set_state() writes
 * ks->state, checking a per-role transition table.
 *
 * Tier 3c, like ssl.h; must not include options.h or OS headers.
 */
#ifndef OVPN_SSL_KS_H
#define OVPN_SSL_KS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "key_msg.h"
#include "reliable.h"
#include "session_id.h"
#include "ssl.h"
#include "ssl_backend.h"

enum ks_state
{
    KS_UNDEF,     /* slot unused */
    KS_INITIAL,   /* allocated, nothing queued */
    KS_PRE_START, /* our reset (message 0) queued, waiting for its ACK */
    KS_START,     /* reset exchange done, TLS handshake under way */
    KS_SENT_KEY,  /* our key-method-2 message went into TLS */
    KS_GOT_KEY,   /* the peer's key-method-2 message came out of TLS */
    KS_ACTIVE,    /* both key messages exchanged and ours acknowledged */
    KS_ERROR,     /* dead */
    KS_N_STATES
};

/* Where a key state's plaintext from the peer accumulates (one TLS record) */
#define KS_PLAIN_MAX 16384

/** What the key state needs from its multi, without seeing struct tls_multi. */
struct ks_env
{
    const struct tls_config *cfg;
    const struct session_id *own_sid;
    const struct session_id *peer_sid;
    const char *peer_name;
    unsigned int own_iv_proto;
    struct ratelimit *rl;
    size_t payload_max; /* TLS bytes per CONTROL_V1 message (§3.5) */
    size_t wkc_len;     /* tls-crypt-v2 client: bytes of WKc a WKC_V1 carries too */
    const struct tls_data_params *params; /* pull/server: NULL until known */
};

struct key_state
{
    enum ks_state state;
    uint8_t key_id;
    bool tls_server;
    int64_t start_ms;
    int64_t must_negotiate_ms; /* hand-window deadline */
    int64_t active_ms;         /* when it became ACTIVE */
    int64_t expire_ms;         /* lame duck: retire at this time (0: never) */

    struct reliable rel;
    struct ssl_session *ssl;
    bool handshake_started;
    bool resend_wkc; /* tls-crypt-v2 early negotiation: send WKC_V1 next (§2.5) */
    bool logged_tls; /* "Control Channel: ..." written */

    struct key_msg own_km;
    struct key_msg peer_km;
    bool own_km_sent, peer_km_read;

    bool keys_ready;   /* data key derived and announced */
    bool keys_pending; /* pull/server: key messages exchanged, waiting for params/auth */
    bool auth_asked;   /* server: TLS_EVENT_AUTH sent */
    bool authorized;   /* server: the caller accepted this key state */
    struct tls_data_key data_key;

    uint64_t n_bytes, n_pkts; /* data traffic on this key (--reneg-bytes/-pkts) */

    uint8_t plain[KS_PLAIN_MAX];
    size_t plain_len;
};

const char *ks_state_name(enum ks_state s);

/** Prepare slot @p ks (state UNDEF) for key_id @p key_id; queues message 0. */
bool ks_init(struct key_state *ks,
             const struct ks_env *env,
             uint8_t key_id,
             uint8_t reset_opcode,
             int64_t now_ms);

/**
 * Server key state 0 of a session that began statelessly (§2.7): both
 * resets are done, the next message ids are 1 in both directions.
 */
bool ks_init_after_cookie(struct key_state *ks, const struct ks_env *env, int64_t now_ms);

/** Free the TLS session and wipe everything; the slot is UNDEF afterwards. */
void ks_free(struct key_state *ks);

/** True while the handshake of this key state runs (§3.4 hand-window applies). */
bool ks_negotiating(const struct key_state *ks);

/**
 * Move the key state as far as possible: feed in-order messages to TLS,
 * run the handshake, the key-method-2 exchange, queue ciphertext.  Sets
 * *@p key_new when the data key became ready; text messages from the peer
 * are handed to @p on_text.  False if the key state failed (state ERROR,
 * logged).
 */
bool ks_process(struct key_state *ks,
                const struct ks_env *env,
                int64_t now_ms,
                bool *key_new,
                void (*on_text)(void *arg, const char *text),
                void *arg);

/**
 * Pull/server: derive the data key from env->params; false (logged) on
 * failure.  A key state whose key exchange is done becomes ACTIVE at once,
 * even with messages not yet acknowledged (see ssl_ks.c for why).
 */
bool ks_derive_pending(struct key_state *ks, const struct ks_env *env, int64_t now_ms);

/** Put a text control message into TLS (after our key message); false if it cannot. */
bool ks_write_text(struct key_state *ks, const char *text);

/** Mark failed (hand-window expiry and the like); logs @p why at debug level. */
void ks_fail(struct key_state *ks, int64_t now_ms, const char *why);

#endif /* OVPN_SSL_KS_H */
