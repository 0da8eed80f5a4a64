/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tunnel_tls.h -- TLS mode of a point-to-point tunnel instance: builds the
 * TLS context, the certificate checks and the control channel (ssl.h) from
 * the options, keeps one data-channel key context per key_id, and frames
 * data packets as P_DATA_V1 / P_DATA_V2 (doc/protocol.md §6.1, §6.12).
 *
 * forward.c calls in here for every packet when TLS mode is on; init.c
 * opens and closes it.  Tier 5.
 */
#ifndef OVPN_TUNNEL_TLS_H
#define OVPN_TUNNEL_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "crypto.h"
#include "options.h"
#include "ssl.h"
#include "ssl_verify.h"
#include "tls_crypt_v2.h"

#define TLS_KEY_IDS 8
#define TUNNEL_TLS_CRED_LEN 4096

/** A control message from the peer (TLS_EVENT_TEXT; "EXIT" for TLS_EVENT_EXIT). */
typedef void tunnel_tls_text_fn(void *arg, const char *text);

struct env_set;

/**
 * --tls-verify: add the instance's common script environment (dev, tun_mtu,
 * ifconfig_*, proto_1, remote_1, untrusted_ip ... as 2.6 has it by then) to
 * @p es; the certificate variables are added after it.
 */
typedef void tunnel_tls_env_fn(void *arg, struct env_set *es);

/** Data channel offload: KEY_NEW / KEY_RETIRED go to the kernel instead (tunnel_dco.c). */
typedef bool tunnel_tls_key_fn(void *arg, const struct tls_event *ev);

/*
 * What TLS mode reads from files: the TLS context (CA, certificate, key,
 * DH, CRL file) and the control-channel wrapping key.  Read before
 * privileges are dropped and kept by the process (init.c) across restarts
 * as 2.6 keeps them: the wrapping key over every SIGUSR1, the TLS context
 * over a SIGUSR1 with --persist-key; both are read again after SIGHUP.
 * Owns the context and the keys; secrets are wiped when freed.
 */
struct tunnel_tls_files
{
    struct ssl_ctx *ssl_ctx;
    bool have_wrap; /* wrap, wrap_key / v2_* loaded */
    enum tls_wrap_kind wrap;
    struct key2 wrap_key; /* --tls-auth, --tls-crypt */
    struct tls_crypt_v2_client_key v2_client;
    struct tls_crypt_v2_server *v2_server;
};

/**
 * At the start of an instance: read what *@p fp does not hold yet
 * (allocating it the first time); false (logged) on a configuration
 * problem.
 */
bool tunnel_tls_files_open(struct tunnel_tls_files **fp, const struct options *o);
/**
 * At the end of an instance: @p exiting (exit, SIGHUP) frees and wipes
 * everything and sets *@p fp to NULL; a SIGUSR1 keeps the wrapping key,
 * and the TLS context only with @p persist_key.
 */
void tunnel_tls_files_close(struct tunnel_tls_files **fp, bool persist_key, bool exiting);

struct tunnel_tls
{
    struct ssl_ctx *ssl_ctx; /* borrowed from the tunnel_tls_files */
    struct ssl_verify_config verify_cfg;
    struct ssl_verify_state verify_state;
    char data_ciphers[256];
    char peer_info[512];
    char occ_local[512];
    char occ_remote[512];
    struct tls_config cfg;
    struct tls_multi *multi;

    /* one data-channel context per key_id, built from TLS_EVENT_KEY_NEW */
    struct data_crypto dc[TLS_KEY_IDS];
    bool live[TLS_KEY_IDS];
    bool data_v2[TLS_KEY_IDS];
    uint32_t peer_id[TLS_KEY_IDS];
    bool occ_checked;
    int n_keys; /* keys installed so far (the first one completes start-up) */
    bool new_session; /* a key_id 0 after the first: the peer restarted (p2p) */

    /* pull client (--pull / --client, doc/protocol.md §8): keys wait for the push */
    bool pull;
    char auth_username[TUNNEL_TLS_CRED_LEN]; /* what cfg.auth_username points to */
    char auth_password[TUNNEL_TLS_CRED_LEN]; /* password, or the pushed auth-token */
    tunnel_tls_text_fn *on_text;             /* NULL: text messages are only logged */
    void *on_text_arg;
    tunnel_tls_key_fn *on_key; /* NULL: keys build userspace data_crypto contexts */
    void *on_key_arg;
    tunnel_tls_env_fn *script_env; /* NULL: --tls-verify gets the options' variables only */
    void *script_env_arg;
    const struct options *opts; /* borrowed: the --tls-verify hook's settings */
    struct plugin_list *plugins; /* borrowed: TLS_VERIFY plugins (tunnel_tls_set_plugins) */
};

/**
 * Build the instance from @p o and the loaded files @p f, which must
 * outlive it; false (logged) on a configuration problem.
 */
bool tunnel_tls_open(struct tunnel_tls *t, const struct options *o,
                     const struct tunnel_tls_files *f, const char *occ_local,
                     const char *occ_remote, int64_t now_ms);
void tunnel_tls_close(struct tunnel_tls *t);

/**
 * Pull client: the credentials the key-method-2 message carries (every
 * handshake, renegotiations included, reads them again).  Call right
 * after tunnel_tls_open(); again when an auth-token replaces the
 * password.  Only meaningful when --auth-user-pass is configured.
 */
struct plugin_list;

/**
 * Hand TLS_VERIFY to @p pl's plugins (if one registered for it) from now
 * on; the list outlives @p t.
 */
void tunnel_tls_set_plugins(struct tunnel_tls *t, struct plugin_list *pl);

void tunnel_tls_set_credentials(struct tunnel_tls *t, const char *username,
                                const char *password);

/** IV_PROTO a pull client of ours announces (only what is implemented). */
unsigned int tunnel_tls_pull_iv_proto(void);

/**
 * (Re)build the data-channel context @p dc for key @p k (a TLS_EVENT_KEY_NEW),
 * freeing what *@p live says is there; also used per client by the server.
 */
bool tunnel_tls_key_init(struct data_crypto *dc, bool *live, const struct tls_data_key *k);

/** The first byte says data channel (P_DATA_V1/V2). */
bool tunnel_tls_is_data(const struct buffer *pkt);

/**
 * Decrypt a P_DATA_V1/V2 packet into @p out.
 * @return false if the packet was dropped (unknown key, failed check: counted).
 */
bool tunnel_tls_decrypt(struct tunnel_tls *t, const struct buffer *pkt, struct buffer *out,
                        time_t now, time_t wall);

/** Frame and encrypt @p plain into @p out; false if no key is usable yet. */
bool tunnel_tls_encrypt(struct tunnel_tls *t, const struct buffer *plain, struct buffer *out,
                        time_t wall);

/**
 * Handle what the control channel produced: install/retire keys, hand text
 * messages to t->on_text (else log them).  @return the number of keys
 * installed by this call.
 */
int tunnel_tls_drain_events(struct tunnel_tls *t);

#endif /* OVPN_TUNNEL_TLS_H */
