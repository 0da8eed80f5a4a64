/* SPDX-License-Identifier: GPL-2.0-only */
/* tunnel_tls.c -- see tunnel_tls.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env_set.h"
#include "error.h"
#include "key_msg.h"
#include "options_tls.h"
#include "otime.h"
#include "plugin.h"
#include "run_command.h"
#include "ssl_ncp.h"
#include "static_key.h"
#include "strutil.h"
#include "tunnel_tls.h"
#include "wire.h"

/* --tls-auth / --tls-crypt / --tls-crypt-v2 key into @p f. */
static bool
load_wrap(struct tunnel_tls_files *f, const struct options *o)
{
    const struct opt_file *kf = NULL;

    if (o->tls_auth.value)
    {
        kf = &o->tls_auth;
        f->wrap = TLS_WRAP_KIND_AUTH;
    }
    else if (o->tls_crypt.value)
    {
        kf = &o->tls_crypt;
        f->wrap = TLS_WRAP_KIND_CRYPT;
    }
    else if (o->tls_crypt_v2.value)
    {
        bool ok;

        if (o->tls_server)
        {
            struct key ks;

            ok = o->tls_crypt_v2.is_inline
                     ? tls_crypt_v2_read_server_key_text(o->tls_crypt_v2.value,
                                                         o->tls_crypt_v2.loc.file,
                                                         o->tls_crypt_v2.loc.line, &ks)
                     : tls_crypt_v2_read_server_key_file(o->tls_crypt_v2.value, &ks);
            f->v2_server = ok ? tls_crypt_v2_server_new(&ks) : NULL;
            secure_memzero(&ks, sizeof(ks));
            f->wrap = TLS_WRAP_KIND_CRYPT_V2S;
            return f->v2_server != NULL;
        }
        ok = o->tls_crypt_v2.is_inline
                 ? tls_crypt_v2_read_client_key_text(o->tls_crypt_v2.value,
                                                     o->tls_crypt_v2.loc.file,
                                                     o->tls_crypt_v2.loc.line, &f->v2_client)
                 : tls_crypt_v2_read_client_key_file(o->tls_crypt_v2.value, &f->v2_client);
        f->wrap = TLS_WRAP_KIND_CRYPT_V2C;
        return ok;
    }
    else
    {
        f->wrap = TLS_WRAP_NONE;
        return true;
    }
    return kf->is_inline ? static_key_read_text(kf->value, kf->loc.file, kf->loc.line, &f->wrap_key)
                         : static_key_read_file(kf->value, &f->wrap_key);
}

static void
files_drop_ctx(struct tunnel_tls_files *f)
{
    ssl_ctx_free(f->ssl_ctx);
    f->ssl_ctx = NULL;
}

static void
files_free(struct tunnel_tls_files *f)
{
    files_drop_ctx(f);
    tls_crypt_v2_server_free(f->v2_server);
    f->v2_server = NULL;
    secure_memzero(&f->wrap_key, sizeof(f->wrap_key));
    secure_memzero(&f->v2_client, sizeof(f->v2_client));
    f->have_wrap = false;
}

bool
tunnel_tls_files_open(struct tunnel_tls_files **fp, const struct options *o)
{
    struct ssl_config sc;
    struct tunnel_tls_files *f;

    if (*fp == NULL)
    {
        *fp = xcalloc(1, sizeof(**fp));
    }
    f = *fp;
    if (!f->have_wrap)
    {
        if (!load_wrap(f, o))
        {
            files_free(f);
            return false;
        }
        f->have_wrap = true;
    }
    if (f->ssl_ctx == NULL)
    {
        if (!options_ssl_config(o, &sc))
        {
            return false;
        }
        /* each session names its own verify state (tls_config.verify_arg) */
        sc.verify_cb = ssl_verify_cert;
        sc.verify_arg = NULL;
        f->ssl_ctx = ssl_ctx_new(&sc);
    }
    return f->ssl_ctx != NULL;
}

void
tunnel_tls_files_close(struct tunnel_tls_files **fp, bool persist_key, bool exiting)
{
    if (*fp == NULL)
    {
        return;
    }
    if (exiting)
    {
        files_free(*fp);
        free(*fp);
        *fp = NULL;
    }
    else if (!persist_key)
    {
        files_drop_ctx(*fp);
    }
}

/*
 * The environment of the --tls-verify hook and of TLS_VERIFY plugins: the
 * instance's common environment (t->script_env: dev, ifconfig_*,
 * remote_1, untrusted_ip ...) and the verify module's variables, as 2.6
 * has them in its environment by then.
 */
static struct env_set *
verify_env(const struct tunnel_tls *t, const struct ssl_verify_env *env)
{
    const struct options *o = t->opts;
    struct env_set *es = env_set_new();

    if (t->script_env)
    {
        t->script_env(t->script_env_arg, es);
    }
    else
    {
        /* no instance behind us (the server's template): what the options say */
        for (int i = 0; i < o->n_setenv; i++)
        {
            env_set_add(es, o->setenv_names[i], o->setenv_values[i]);
        }
        env_set_add(es, "script_type", "tls-verify");
        env_set_add(es, "script_context", "init");
        env_set_addf(es, "tun_mtu", "%d", o->tun_mtu);
        env_set_addf(es, "verb", "%d", o->verb);
        env_set_add(es, "daemon", o->daemon ? "1" : "0");
        env_set_add(es, "daemon_log_redirect", o->log_file ? "1" : "0");
        env_set_addf(es, "daemon_pid", "%d", (int)getpid());
        if (o->local_host)
        {
            env_set_add(es, "local_1", o->local_host);
        }
        env_set_add(es, "local_port_1", o->local_port ? o->local_port : "1194");
    }
    for (size_t i = 0; i < env->n; i++)
    {
        env_set_add(es, env->e[i].name, env->e[i].value);
    }
    return es;
}

/* --tls-verify hook (ssl_verify_script_fn): "CMD DEPTH SUBJECT" once per
 * certificate, during the handshake. */
static bool
run_tls_verify(void *arg, int depth, const char *subject, const struct ssl_verify_env *env)
{
    const struct tunnel_tls *t = arg;
    struct env_set *es = verify_env(t, env);
    char d[16];
    const char *args[3];
    bool ok;

    snprintf(d, sizeof(d), "%d", depth);
    args[0] = d;
    args[1] = subject;
    args[2] = NULL;
    ok = run_script(t->opts->tls_verify, args, es, t->opts->script_security, "tls-verify script",
                    NULL);
    env_set_free(es);
    return ok;
}

/* TLS_VERIFY plugins (ssl_verify_plugin_fn): argv DEPTH SUBJECT and the certificate;
 * @p session is the server client's per-client plugin contexts (or NULL). */
static bool
plugin_tls_verify(void *arg, void *session, int depth, const char *subject,
                  const struct ssl_verify_env *env, const struct ssl_cert *cert)
{
    const struct tunnel_tls *t = arg;
    struct env_set *es = verify_env(t, env);
    struct plugin_call_io io = { .client = session,
                                 .cert = ssl_cert_library_object(cert),
                                 .cert_depth = depth };
    char d[16];
    const char *args[3] = { d, subject, NULL };
    enum plugin_result r;

    snprintf(d, sizeof(d), "%d", depth);
    env_set_del(es, "script_type"); /* 2.6 sets it for scripts only */
    r = plugin_call(t->plugins, PLUGIN_TLS_VERIFY, args, es, &io);
    env_set_free(es);
    return r == PLUGIN_SUCCESS;
}

void
tunnel_tls_set_plugins(struct tunnel_tls *t, struct plugin_list *pl)
{
    t->plugins = pl;
    if (plugin_defined(pl, PLUGIN_TLS_VERIFY))
    {
        t->verify_cfg.plugin = plugin_tls_verify;
        t->verify_cfg.plugin_arg = t;
    }
}

unsigned int
tunnel_tls_pull_iv_proto(void)
{
    /* doc/protocol.md §7.2; AUTH_PENDING_KW: AUTH_PENDING extends the push deadline;
     * CC_EXIT: with "protocol-flags cc-exit" pushed, the exit notification
     * goes over the control channel (init.c; needed on DCO, where userspace
     * sends no data packets) */
    return IV_PROTO_DATA_V2 | IV_PROTO_REQUEST_PUSH | IV_PROTO_TLS_KEY_EXPORT
           | IV_PROTO_AUTH_PENDING_KW | IV_PROTO_CC_EXIT_NOTIFY;
}

/* §7.1: a p2p peer sends the NCP minimum, a pull client 2.6's full set. */
static bool
build_peer_info(struct tunnel_tls *t, const struct options *o)
{
    static const char *const stubs[] = { "IV_LZO_STUB=1", "IV_COMP_STUB=1", "IV_COMP_STUBv2=1",
                                         NULL };
    const char *extra[65];
    char lines[64][256];
    struct peer_info_config pi;
    int n = 0;

    memset(&pi, 0, sizeof(pi));
    pi.version = PACKAGE_VERSION;
    pi.ciphers = t->data_ciphers;
    pi.iv_proto = tls_p2p_iv_proto(false);
    if (t->pull)
    {
        pi.pull = true;
        pi.push_peer_info = o->push_peer_info != 0;
        pi.iv_proto = tunnel_tls_pull_iv_proto();
        pi.tun_max_mtu = (unsigned int)(o->tun_mtu > 0 ? o->tun_mtu : 1500) + 100;
        pi.comp_lines = stubs;
        for (int i = 0; i < o->n_setenv && n < 64 && o->push_peer_info; i++)
        {
            /* only user variables travel, "UV_X=value" as set */
            if (strncmp(o->setenv_names[i], "UV_", 3) == 0)
            {
                snprintf(lines[n], sizeof(lines[n]), "%s=%s", o->setenv_names[i],
                         o->setenv_values[i]);
                extra[n] = lines[n];
                n++;
            }
        }
        extra[n] = NULL;
        pi.extra_lines = extra;
    }
    return key_msg_peer_info_build(&pi, t->peer_info, sizeof(t->peer_info));
}

void
tunnel_tls_set_credentials(struct tunnel_tls *t, const char *username, const char *password)
{
    /* either may already be our own buffer (a token replaces only the password) */
    if (username != t->auth_username)
    {
        strbcpy(t->auth_username, username ? username : "", sizeof(t->auth_username));
    }
    if (password != t->auth_password)
    {
        strbcpy(t->auth_password, password ? password : "", sizeof(t->auth_password));
    }
}

bool
tunnel_tls_open(struct tunnel_tls *t, const struct options *o, const struct tunnel_tls_files *f,
                const char *occ_local, const char *occ_remote, int64_t now_ms)
{
    ASSERT(f->ssl_ctx != NULL && f->have_wrap);
    memset(t, 0, sizeof(*t));
    t->opts = o;
    strbcpy(t->occ_local, occ_local, sizeof(t->occ_local));
    strbcpy(t->occ_remote, occ_remote, sizeof(t->occ_remote));
    options_ssl_verify_config(o, &t->verify_cfg);
    if (o->tls_verify)
    {
        t->verify_cfg.script = run_tls_verify;
        t->verify_cfg.script_arg = t; /* t->opts: the options outlive the tunnel */
    }
    ssl_verify_state_init(&t->verify_state, &t->verify_cfg);
    t->ssl_ctx = f->ssl_ctx;
    if (!ncp_list_normalise(o->data_ciphers ? o->data_ciphers
                                            : "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
                            t->data_ciphers, sizeof(t->data_ciphers)))
    {
        return false;
    }
    t->pull = o->pull && o->mode != MODE_SERVER;
    if (!build_peer_info(t, o))
    {
        return false;
    }
    t->cfg = (struct tls_config){
        .role = o->tls_server ? SSL_ROLE_SERVER : SSL_ROLE_CLIENT,
        .ssl_ctx = t->ssl_ctx,
        .verify_arg = &t->verify_state,
        .wrap = f->wrap,
        .wrap_key = f->wrap == TLS_WRAP_KIND_AUTH || f->wrap == TLS_WRAP_KIND_CRYPT ? &f->wrap_key
                                                                                : NULL,
        .key_direction = o->key_direction,
        .auth_digest = o->authname,
        .v2_client = f->wrap == TLS_WRAP_KIND_CRYPT_V2C ? &f->v2_client : NULL,
        .v2_server = f->v2_server,
        .v2_force_cookie = o->tls_crypt_v2_force_cookie,
        .replay_window = o->replay_window,
        .replay_time = o->replay_time,
        .tls_timeout_s = o->tls_timeout,
        .hand_window_s = o->hand_window,
        .reneg_sec = o->reneg_sec,
        .reneg_sec_min = o->reneg_sec_min,
        .reneg_sec_min_set = o->reneg_sec_min >= 0,
        .reneg_bytes = o->reneg_bytes > 0 ? (uint64_t) o->reneg_bytes : 0,
        .reneg_bytes_unset = (o->reneg_bytes < 0),
        .reneg_pkts = o->reneg_pkts > 0 ? (uint64_t) o->reneg_pkts : 0,
        .tran_window_s = o->tran_window,
        .tls_mtu = (size_t) o->tls_mtu,
        .data_ciphers = t->data_ciphers,
        .cipher_fallback = o->ciphername_defined ? o->ciphername : NULL,
        .auth = o->authname,
        .p2p = !t->pull,
        .pull = t->pull,
        .auth_username = t->pull && o->auth_user_pass.value ? t->auth_username : NULL,
        .auth_password = t->pull && o->auth_user_pass.value ? t->auth_password : NULL,
        .peer_info = t->peer_info,
        .local_options = t->occ_local,
        .single_session = o->single_session,
        .tls_exit = o->tls_exit,
    };
    t->multi = tls_multi_new(&t->cfg, now_ms, otime_wall());
    return t->multi != NULL;
}

void
tunnel_tls_close(struct tunnel_tls *t)
{
    for (int i = 0; i < TLS_KEY_IDS; i++)
    {
        if (t->live[i])
        {
            data_crypto_free(&t->dc[i]);
            t->live[i] = false;
        }
    }
    tls_multi_free(t->multi);
    t->multi = NULL;
    t->ssl_ctx = NULL; /* the files' (tunnel_tls_files_close) */
    secure_memzero(t->auth_password, sizeof(t->auth_password));
}

bool
tunnel_tls_is_data(const struct buffer *pkt)
{
    uint8_t b0;

    if (!buf_peek_u8(pkt, &b0))
    {
        return false;
    }
    return (b0 >> P_OPCODE_SHIFT) == P_DATA_V1 || (b0 >> P_OPCODE_SHIFT) == P_DATA_V2;
}

bool
tunnel_tls_decrypt(struct tunnel_tls *t, const struct buffer *pkt, struct buffer *out,
                   time_t now, time_t wall)
{
    struct buffer r = *pkt;
    uint8_t b0;
    size_t hdr_len;
    const uint8_t *hdr = buf_ptr(pkt);
    uint8_t kid;

    if (!buf_read_u8(&r, &b0))
    {
        return false;
    }
    kid = b0 & P_KEY_ID_MASK;
    hdr_len = (b0 >> P_OPCODE_SHIFT) == P_DATA_V2 ? P_DATA_V2_HDR_LEN : P_DATA_V1_HDR_LEN;
    if (!t->live[kid] || !tls_multi_rx_key_ok(t->multi, kid) || !buf_advance(&r, hdr_len - 1))
    {
        return false;
    }
    /* §6.3: for P_DATA_V2 the 4-byte header is authenticated (AEAD only) */
    if (data_crypto_decrypt(&t->dc[kid], &r, out, hdr_len == P_DATA_V2_HDR_LEN ? hdr : NULL,
                            hdr_len == P_DATA_V2_HDR_LEN ? hdr_len : 0, wall, now, NULL)
        != CRYPTO_OK)
    {
        return false;
    }
    tls_multi_count_data(t->multi, kid, buf_len(pkt));
    return true;
}

bool
tunnel_tls_encrypt(struct tunnel_tls *t, const struct buffer *plain, struct buffer *out,
                   time_t wall)
{
    uint8_t kid, hdr[P_DATA_V2_HDR_LEN];
    size_t hdr_len;
    size_t start = buf_len(out);

    if (!tls_multi_tx_key(t->multi, &kid) || kid >= TLS_KEY_IDS || !t->live[kid])
    {
        return false;
    }
    if (t->data_v2[kid])
    {
        hdr[0] = (uint8_t)((P_DATA_V2 << P_OPCODE_SHIFT) | kid);
        hdr[1] = (uint8_t)(t->peer_id[kid] >> 16);
        hdr[2] = (uint8_t)(t->peer_id[kid] >> 8);
        hdr[3] = (uint8_t)t->peer_id[kid];
        hdr_len = P_DATA_V2_HDR_LEN;
    }
    else
    {
        hdr[0] = (uint8_t)((P_DATA_V1 << P_OPCODE_SHIFT) | kid);
        hdr_len = P_DATA_V1_HDR_LEN;
    }
    if (!buf_write_bytes(out, hdr, hdr_len)
        || !data_crypto_encrypt(&t->dc[kid], plain, out, t->data_v2[kid] ? hdr : NULL,
                                t->data_v2[kid] ? hdr_len : 0, wall))
    {
        out->len = start;
        return false;
    }
    tls_multi_count_data(t->multi, kid, buf_len(out) - start);
    return true;
}

bool
tunnel_tls_key_init(struct data_crypto *dc, bool *live, const struct tls_data_key *k)
{
    const struct key *send, *recv;
    struct crypto_config cc = {
        .cipher = k->cipher,
        .auth = k->auth,
        .long_packet_id = false,
        .replay = true,
        .replay_window = 64,
        .replay_time = 15,
    };

    if (*live)
    {
        data_crypto_free(dc);
        *live = false;
    }
    tls_data_key_select(k, &send, &recv);
    if (!data_crypto_init(dc, &cc, send, recv, "Data Channel"))
    {
        return false;
    }
    *live = true;
    return true;
}

static bool
install_key(struct tunnel_tls *t, const struct tls_data_key *k)
{
    uint8_t id = k->key_id & P_KEY_ID_MASK;

    if (!t->on_key && !tunnel_tls_key_init(&t->dc[id], &t->live[id], k))
    {
        return false;
    }
    t->data_v2[id] = k->data_v2;
    t->peer_id[id] = k->peer_id;
    if (t->pull)
    {
        return true; /* client.c logs 2.6's summary once the tunnel is up */
    }
    msg(M_INFO, "Data Channel: cipher '%s'%s%s", k->cipher,
        strstr(k->cipher, "GCM") || strstr(k->cipher, "POLY1305") ? "" : ", auth '",
        strstr(k->cipher, "GCM") || strstr(k->cipher, "POLY1305") ? "" : k->auth);
    return true;
}

int
tunnel_tls_drain_events(struct tunnel_tls *t)
{
    struct tls_event ev;
    int installed = 0;

    while (tls_multi_take_key_event(t->multi, &ev))
    {
        switch (ev.type)
        {
            case TLS_EVENT_KEY_NEW:
                if (t->on_key && !t->on_key(t->on_key_arg, &ev))
                {
                    secure_memzero(&ev.key, sizeof(ev.key));
                    break;
                }
                if (install_key(t, &ev.key))
                {
                    /* key_id 0 is never reused by a renegotiation: a new session */
                    if (t->n_keys > 0 && (ev.key.key_id & P_KEY_ID_MASK) == 0)
                    {
                        t->new_session = true;
                    }
                    installed++;
                    t->n_keys++;
                }
                secure_memzero(&ev.key, sizeof(ev.key));
                break;

            case TLS_EVENT_KEY_RETIRED:
                if (t->on_key)
                {
                    t->on_key(t->on_key_arg, &ev);
                }
                if (t->live[ev.key.key_id & P_KEY_ID_MASK])
                {
                    data_crypto_free(&t->dc[ev.key.key_id & P_KEY_ID_MASK]);
                    t->live[ev.key.key_id & P_KEY_ID_MASK] = false;
                }
                break;

            case TLS_EVENT_TEXT:
                if (t->on_text)
                {
                    t->on_text(t->on_text_arg, ev.text);
                }
                else
                {
                    msg(D_HANDSHAKE, "Control message from peer: %s", ev.text);
                }
                break;

            case TLS_EVENT_EXIT:
                if (t->on_text)
                {
                    t->on_text(t->on_text_arg, "EXIT");
                }
                break;

            default:
                break;
        }
    }
    return installed;
}
