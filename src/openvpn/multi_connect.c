/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi_connect.c -- a client's authentication and configuration on the
 * server (doc/protocol.md §7.3, §7.4, §8.2, §9): --auth-user-pass-verify,
 * --client-config-dir, --duplicate-cn, the cipher choice, the virtual
 * address (ccd or pool), --client-connect / --learn-address /
 * --client-disconnect and the plugins' events of those moments, and the
 * PUSH_REPLY.  See multi.h.
 *
 * A client that fails any check is told AUTH_FAILED and removed a few
 * seconds later (so that the message is delivered and ACKed).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env_set.h"
#include "error.h"
#include "key_msg.h"
#include "multi.h"
#include "init_env.h"
#include "otime.h"
#include "plugin.h"
#include "push_msg.h"
#include "run_command.h"
#include "ssl_auth_token.h"
#include "ssl_ncp.h"
#include "strutil.h"

#define PUSH_ITEMS_MAX (2 * MAX_PUSH + 16)

static void
ip4_str(uint32_t a, char *out, size_t n)
{
    struct in_addr ia = { .s_addr = htonl(a) };

    inet_ntop(AF_INET, &ia, out, (socklen_t) n);
}

static void
ip6_str(const uint8_t a[16], char *out, size_t n)
{
    inet_ntop(AF_INET6, a, out, (socklen_t) n);
}

/* ---- script environment -------------------------------------------------------- */

void
multi_env_add_peer_info(struct env_set *es, const char *peer_info)
{
    char line[256];
    const char *p = peer_info;

    while (p && *p)
    {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t) (nl - p) : strlen(p);
        char *eq;

        if (n < sizeof(line))
        {
            memcpy(line, p, n);
            line[n] = '\0';
            eq = strchr(line, '=');
            /* only IV_ and UV_ names reach scripts, as in 2.6 */
            if (eq && (strncmp(line, "IV_", 3) == 0 || strncmp(line, "UV_", 3) == 0))
            {
                *eq = '\0';
                env_set_add(es, line, eq + 1);
            }
        }
        p = nl ? nl + 1 : NULL;
    }
}

struct env_set *
multi_client_env(struct multi_context *m, struct multi_instance *mi, const char *script_type)
{
    const struct options *o = m->o;
    struct env_set *es = env_set_new();
    char a[64], port[16];
    const char *colon = strrchr(mi->real_str, ':');

    for (int i = 0; i < o->n_setenv; i++)
    {
        env_set_add(es, o->setenv_names[i], o->setenv_values[i]);
    }
    for (size_t i = 0; i < mi->verify.env.n; i++)
    {
        env_set_add(es, mi->verify.env.e[i].name, mi->verify.env.e[i].value);
    }
    env_set_add(es, "script_type", script_type);
    env_set_add(es, "dev", m->c->ps->tt.name);
    env_set_addf(es, "verb", "%d", o->verb);
    env_set_addf(es, "daemon_pid", "%d", (int) getpid());
    if (o->config_file)
    {
        env_set_add(es, "config", o->config_file);
    }
    snprintf(a, sizeof(a), "%.*s", colon ? (int) (colon - mi->real_str) : 0, mi->real_str);
    snprintf(port, sizeof(port), "%s", colon ? colon + 1 : "");
    env_set_add(es, mi->state == MI_CONNECTED ? "trusted_ip" : "untrusted_ip", a);
    env_set_add(es, mi->state == MI_CONNECTED ? "trusted_port" : "untrusted_port", port);
    if (mi->common_name[0])
    {
        env_set_add(es, "common_name", mi->common_name);
    }
    if (mi->username[0])
    {
        env_set_add(es, "username", mi->username);
    }
    if (mi->has_v4)
    {
        ip4_str(mi->vaddr4, a, sizeof(a));
        env_set_add(es, "ifconfig_pool_remote_ip", a);
        ip4_str(multi_connect_ifconfig_second(m, mi), a, sizeof(a));
        env_set_add(es, m->tap || o->topology == TOP_SUBNET ? "ifconfig_pool_netmask"
                                                            : "ifconfig_pool_local_ip", a);
    }
    if (mi->has_v6)
    {
        ip6_str(mi->vaddr6, a, sizeof(a));
        env_set_add(es, "ifconfig_pool_remote_ip6", a);
    }
    multi_env_add_peer_info(es, tls_multi_peer_info(mi->tls));
    multi_token_env(m, mi, es);
    env_set_addf(es, "time_unix", "%lld", (long long) mi->created_wall);
    return es;
}

/* ---- authentication ------------------------------------------------------------------ */

/* --auth-user-pass-verify CMD via-env|via-file; true if the script accepted. */
static bool
verify_user_pass(struct multi_context *m, struct multi_instance *mi, const char *user,
                 const char *pass)
{
    const struct options *o = m->o;
    struct env_set *es = multi_client_env(m, mi, "user-pass-verify");
    char path[64] = "";
    const char *args[2] = { NULL, NULL };
    bool ok = false;

    env_set_add(es, "username", user);
    if (o->auth_user_pass_verify_method == VERIFY_VIA_FILE)
    {
        int fd;
        FILE *f;

        snprintf(path, sizeof(path), "/tmp/openvpn_up_XXXXXX");
        fd = mkstemp(path);
        f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f)
        {
            msg(M_WARN | M_ERRNO, "Cannot create the --auth-user-pass-verify file");
            if (fd >= 0)
            {
                close(fd);
            }
            env_set_free(es);
            return false;
        }
        fprintf(f, "%s\n%s\n", user, pass);
        fclose(f);
        args[0] = path;
    }
    else
    {
        env_set_add(es, "password", pass);
    }
    ok = run_script(o->auth_user_pass_verify, args, es, o->script_security,
                    "--auth-user-pass-verify", NULL);
    if (path[0])
    {
        unlink(path);
    }
    env_set_free(es);
    return ok;
}

static void
refuse(struct multi_context *m, struct multi_instance *mi, const char *text)
{
    multi_send_text(m, mi, text);
    mi->state = MI_HALTING;
    mi->halt_at = otime_mono() + MULTI_AUTH_FAIL_HOLD;
}

/* ccd file (or DEFAULT); false if the client must be refused (logged). */
static bool
load_ccd(struct multi_context *m, struct multi_instance *mi)
{
    const struct options *o = m->o;
    char path[4096];

    if (!o->client_config_dir || mi->cc_loaded)
    {
        return true; /* none, or the management's client-auth gave the lines */
    }
    if (client_config_file_name(o->client_config_dir, mi->common_name, path, sizeof(path)) &&
        access(path, R_OK) == 0)
    {
        mi->cc_loaded = client_config_read(path, &mi->cc);
    }
    else if (snprintf(path, sizeof(path), "%s/DEFAULT", o->client_config_dir) > 0 &&
             access(path, R_OK) == 0)
    {
        mi->cc_loaded = client_config_read(path, &mi->cc);
    }
    if (!mi->cc_loaded && o->ccd_exclusive)
    {
        msg(D_MULTI_ERRORS,
            "%s TLS Auth Error: --client-config-dir authentication failed for common name '%s' "
            "file='%s/%s'", mi->prefix, mi->common_name, o->client_config_dir, mi->common_name);
        return false;
    }
    if (mi->cc_loaded && mi->cc.disable)
    {
        msg(D_MULTI_ERRORS, "%s MULTI: client has been rejected due to 'disable' directive",
            mi->prefix);
        return false;
    }
    return true;
}

/* Without --duplicate-cn a new session replaces older ones of the same name (2.6). */
static void
drop_duplicates(struct multi_context *m, struct multi_instance *mi)
{
    if (m->o->duplicate_cn)
    {
        return;
    }
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *other = m->by_peer_id[i];

        if (other && other != mi && other->state == MI_CONNECTED &&
            strcmp(other->common_name, mi->common_name) == 0)
        {
            msg(M_INFO,
                "MULTI: new connection by client '%s' will cause previous active sessions by "
                "this client to be dropped.  Remember to use the --duplicate-cn option if you "
                "want multiple clients using the same certificate or username to concurrently "
                "connect.", mi->common_name);
            multi_close(m, other, "SIGTERM[soft,duplicate-cn] received, client-instance exiting");
        }
    }
}

/* ccd ifconfig-push, else the pool; false (logged) when no address is left. */
static bool
assign_address(struct multi_context *m, struct multi_instance *mi)
{
    if (mi->cc_loaded && mi->cc.ifconfig_push_defined)
    {
        mi->has_v4 = true;
        mi->vaddr4 = mi->cc.ifconfig_push_local;
        mi->vaddr4_peer = mi->cc.ifconfig_push_remote_netmask;
    }
    if (mi->cc_loaded && mi->cc.ifconfig_ipv6_push_defined)
    {
        mi->has_v6 = true;
        memcpy(mi->vaddr6, mi->cc.ifconfig_ipv6_push_local, 16);
    }
    if (m->pool && (!mi->has_v4 || (!mi->has_v6 && m->o->ifconfig_ipv6_pool_defined)))
    {
        uint32_t a = 0, peer = 0;
        char s4[64] = "(Not enabled)", s6[64] = "(Not enabled)";

        mi->pool_slot = pool_acquire(m->pool, mi->common_name, otime_mono());
        if (mi->pool_slot < 0)
        {
            msg(D_MULTI_ERRORS, "%s MULTI: no free --ifconfig-pool addresses are available",
                mi->prefix);
            return false;
        }
        if (!mi->has_v4 && m->o->ifconfig_pool_defined &&
            pool_slot_v4(m->pool, mi->pool_slot, &a, &peer))
        {
            mi->has_v4 = true;
            mi->vaddr4 = a;
            mi->vaddr4_peer = peer;
            ip4_str(a, s4, sizeof(s4));
        }
        if (!mi->has_v6 && pool_slot_v6(m->pool, mi->pool_slot, mi->vaddr6))
        {
            mi->has_v6 = true;
            ip6_str(mi->vaddr6, s6, sizeof(s6));
        }
        msg(D_MULTI_LOW, "MULTI_sva: pool returned IPv4=%s, IPv6=%s", s4, s6);
    }
    return true;
}

static void
learn_script(struct multi_context *m, struct multi_instance *mi, const char *op,
             const char *addr)
{
    struct env_set *es;
    const char *args[4] = { op, addr, op[0] == 'd' ? NULL : mi->common_name, NULL };

    if (multi_plugin_on(m, PLUGIN_LEARN_ADDRESS))
    {
        /* 2.6 hands a "delete" no environment at all */
        es = op[0] == 'd' ? env_set_new() : multi_plugin_env(m, mi);
        multi_plugin_call(m, mi, PLUGIN_LEARN_ADDRESS, args, es, NULL);
        env_set_free(es);
    }
    if (!m->o->learn_address)
    {
        return;
    }
    es = multi_client_env(m, mi, "learn-address");
    run_script(m->o->learn_address, args, es, m->o->script_security, "--learn-address", NULL);
    env_set_free(es);
}

static void
learn_routes(struct multi_context *m, struct multi_instance *mi)
{
    time_t now = otime_mono();
    char a[64];

    if (m->tap)
    {
        /* 2.6: a tap client's routes are the MACs it sends from, learned as they come */
        if (mi->cc_loaded && (mi->cc.n_iroutes || mi->cc.n_iroutes6))
        {
            msg(D_MULTI_ERRORS, "MULTI: --iroute options rejected for %s -- iroute only works "
                                "with tun-style tunnels", mi->prefix);
        }
        return;
    }
    if (mi->has_v4 && multi_learn_v4(m, mi, mi->vaddr4, MROUTE_HOST, now))
    {
        ip4_str(mi->vaddr4, a, sizeof(a));
        msg(D_MULTI_LOW, "MULTI: primary virtual IP for %s: %s", mi->prefix, a);
        multi_manage_address(m, mi, a, true);
        learn_script(m, mi, "add", a);
    }
    if (mi->has_v6 && multi_learn_v6(m, mi, mi->vaddr6, MROUTE_HOST, now))
    {
        ip6_str(mi->vaddr6, a, sizeof(a));
        msg(D_MULTI_LOW, "MULTI: primary virtual IPv6 for %s: %s", mi->prefix, a);
        multi_manage_address(m, mi, a, true);
        learn_script(m, mi, "add", a);
    }
    for (int i = 0; mi->cc_loaded && i < mi->cc.n_iroutes; i++)
    {
        ip4_str(mi->cc.iroutes[i].network, a, sizeof(a));
        msg(D_MULTI_LOW, "MULTI: internal route %s/%d -> %s", a, mi->cc.iroutes[i].bits,
            mi->prefix);
        if (multi_learn_v4(m, mi, mi->cc.iroutes[i].network, mi->cc.iroutes[i].bits, now))
        {
            snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%d", mi->cc.iroutes[i].bits);
            multi_manage_address(m, mi, a, false);
        }
    }
    for (int i = 0; mi->cc_loaded && i < mi->cc.n_iroutes6; i++)
    {
        ip6_str(mi->cc.iroutes6[i].network, a, sizeof(a));
        msg(D_MULTI_LOW, "MULTI: internal route %s/%d -> %s", a, mi->cc.iroutes6[i].bits,
            mi->prefix);
        if (multi_learn_v6(m, mi, mi->cc.iroutes6[i].network, mi->cc.iroutes6[i].bits, now))
        {
            snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%d", mi->cc.iroutes6[i].bits);
            multi_manage_address(m, mi, a, false);
        }
    }
}

/* Options a client-connect hook produced: they come after the ccd file's. */
static void
merge_extra(struct multi_instance *mi, struct client_config *extra)
{
    if (!mi->cc_loaded)
    {
        mi->cc = *extra;
        mi->cc_loaded = true;
        return;
    }
    for (int i = 0; i < extra->n_push && mi->cc.n_push < MAX_PUSH; i++)
    {
        mi->cc.push[mi->cc.n_push++] = extra->push[i];
        extra->push[i] = NULL;
    }
    mi->cc.push_reset |= extra->push_reset;
    mi->cc.disable |= extra->disable;
    if (extra->ifconfig_push_defined)
    {
        mi->cc.ifconfig_push_defined = true;
        mi->cc.ifconfig_push_local = extra->ifconfig_push_local;
        mi->cc.ifconfig_push_remote_netmask = extra->ifconfig_push_remote_netmask;
    }
    client_config_free(extra);
}

/* A temporary file for a hook to write options into; false (logged) if none. */
static bool
connect_file(char *path, size_t n, const char *what)
{
    int fd;

    snprintf(path, n, "/tmp/openvpn_cc_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
    {
        msg(M_WARN | M_ERRNO, "Cannot create the %s file", what);
        return false;
    }
    close(fd);
    return true;
}

static void
merge_file(struct multi_instance *mi, const char *path)
{
    struct client_config extra;

    memset(&extra, 0, sizeof(extra));
    if (client_config_read(path, &extra))
    {
        merge_extra(mi, &extra);
    }
}

/*
 * The plugins' CLIENT_CONNECT (argv: a file for options, as the script's)
 * then CLIENT_CONNECT_V2 (options returned as "config"), as 2.6 runs them
 * before the script.
 */
static bool
client_connect_plugins(struct multi_context *m, struct multi_instance *mi)
{
    char path[64];
    const char *args[2] = { path, NULL };
    struct env_set *es;
    char *config = NULL;
    bool ok = true;

    if (multi_plugin_on(m, PLUGIN_CLIENT_CONNECT) && connect_file(path, sizeof(path), "client-connect"))
    {
        es = multi_plugin_env(m, mi);
        ok = multi_plugin_call(m, mi, PLUGIN_CLIENT_CONNECT, args, es, NULL);
        env_set_free(es);
        if (ok)
        {
            merge_file(mi, path);
        }
        unlink(path);
    }
    if (ok && multi_plugin_on(m, PLUGIN_CLIENT_CONNECT_V2))
    {
        es = multi_plugin_env(m, mi);
        ok = multi_plugin_call(m, mi, PLUGIN_CLIENT_CONNECT_V2, NULL, es, &config);
        env_set_free(es);
        if (ok && config)
        {
            struct client_config extra;

            memset(&extra, 0, sizeof(extra));
            if (client_config_parse_text("client-connect plugin", config, strlen(config), &extra))
            {
                merge_extra(mi, &extra);
            }
        }
        free(config);
    }
    if (!ok)
    {
        msg(D_MULTI_ERRORS, "%s MULTI: client-connect plugin call failed", mi->prefix);
    }
    return ok;
}

/* --client-connect CMD FILE: the script may write more ccd-style options to FILE. */
static bool
client_connect_script(struct multi_context *m, struct multi_instance *mi)
{
    const struct options *o = m->o;
    struct env_set *es;
    char path[64];
    const char *args[2] = { path, NULL };
    bool ok;

    if (!client_connect_plugins(m, mi))
    {
        return false;
    }
    if (!o->client_connect)
    {
        return !(mi->cc_loaded && mi->cc.disable);
    }
    if (!connect_file(path, sizeof(path), "--client-connect"))
    {
        return false;
    }
    es = multi_client_env(m, mi, "client-connect");
    ok = run_script(o->client_connect, args, es, o->script_security, "--client-connect", NULL);
    env_set_free(es);
    if (ok)
    {
        merge_file(mi, path);
    }
    else
    {
        msg(D_MULTI_ERRORS, "%s MULTI: client-connect script failed, client refused",
            mi->prefix);
    }
    unlink(path);
    return ok && !(mi->cc_loaded && mi->cc.disable);
}

/* §7.3: the data cipher for this client; false (logged) if there is none. */
static bool
choose_cipher(struct multi_context *m, struct multi_instance *mi, char *out, size_t n)
{
    const struct options *o = m->o;
    const char *peer_info = tls_multi_peer_info(mi->tls);
    const char *occ = tls_multi_peer_options(mi->tls);
    const char *c = strstr(occ, ",cipher ");
    char occ_cipher[64] = "";
    const char *fallback = o->data_ciphers_fallback
                             ? o->data_ciphers_fallback
                             : (o->ciphername_defined ? o->ciphername : NULL);

    if (c)
    {
        sscanf(c + 8, "%63[^,]", occ_cipher);
    }
    if (ncp_server_choose(m->tmpl.data_ciphers, peer_info, occ_cipher[0] ? occ_cipher : NULL,
                          fallback, out, n) == NCP_CHOICE_FAILED)
    {
        char theirs[256] = "";

        key_msg_peer_info_get(peer_info, "IV_CIPHERS", theirs, sizeof(theirs));
        msg(D_TLS_ERRORS,
            "%s PUSH: No common cipher between server and client. Server data-ciphers: '%s', "
            "client supports: '%s'", mi->prefix, m->tmpl.data_ciphers,
            theirs[0] ? theirs : occ_cipher);
        return false;
    }
    return true;
}

/* Everything after authentication: ccd, cipher, address, scripts, keys, push (§9). */
static void
connect_finish(struct multi_context *m, struct multi_instance *mi, uint8_t key_id)
{
    struct tls_data_params dp;

    memset(&dp, 0, sizeof(dp));
    if (!load_ccd(m, mi))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED");
        return;
    }
    if (!choose_cipher(m, mi, dp.cipher, sizeof(dp.cipher)))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED,Data channel cipher negotiation failed (no shared cipher)");
        return;
    }
    drop_duplicates(m, mi);
    if (!client_connect_script(m, mi) || !assign_address(m, mi))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED");
        return;
    }
    dp.ekm = (mi->iv_proto & IV_PROTO_TLS_KEY_EXPORT) != 0;
    dp.data_v2 = (mi->iv_proto & IV_PROTO_DATA_V2) != 0;
    if (multi_dco_enabled(m) && !dp.data_v2)
    {
        msg(D_TLS_ERRORS, "Client does not support DATA_V2. Data channel offloading requires "
                          "DATA_V2. Dropping client.");
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED,Data channel negotiation failed (missing DATA_V2)");
        return;
    }
    dp.peer_id = mi->peer_id;
    if (!tls_multi_set_data_params(mi->tls, &dp))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED");
        return;
    }
    strbcpy(mi->cipher, dp.cipher, sizeof(mi->cipher));
    if (multi_dco_enabled(m) && !mi->dco_peer && !multi_dco_add_peer(m, mi))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED");
        return;
    }
    tls_multi_key_authorize(mi->tls, key_id, true);
    mi->state = MI_CONNECTED;
    mi->established = true;
    learn_routes(m, mi);
    if (m->mgmt)
    {
        multi_manage_client_event(m, mi, "ESTABLISHED", NULL);
    }
    if (mi->iv_proto & IV_PROTO_REQUEST_PUSH)
    {
        mi->push_requested = true; /* §7.4: reply without waiting for the request */
    }
    multi_connect_push(m, mi, otime_mono());
}

static void auth_after_plugins(struct multi_context *m, struct multi_instance *mi, uint8_t key_id,
                               const char *user);

static void
auth_refused(struct multi_context *m, struct multi_instance *mi, uint8_t key_id)
{
    msg(D_TLS_ERRORS, "%s TLS Auth Error: Auth Username/Password verification failed for peer",
        mi->prefix);
    tls_multi_key_authorize(mi->tls, key_id, false);
    refuse(m, mi, multi_token_auth_failed(mi)); /* 2.6: also on a renegotiation */
}

void
multi_connect_plugin_answer(struct multi_context *m, struct multi_instance *mi, bool ok)
{
    mi->plugin_pending = false;
    if (!ok)
    {
        auth_refused(m, mi, mi->plugin_key_id);
        return;
    }
    auth_after_plugins(m, mi, mi->plugin_key_id, mi->username);
}

void
multi_connect_auth(struct multi_context *m, struct multi_instance *mi, uint8_t key_id)
{
    const struct options *o = m->o;
    const char *user = "", *pass = "";
    bool first = mi->state == MI_HANDSHAKE;

    if (!tls_multi_peer_credentials(mi->tls, key_id, &user, &pass) || mi->state == MI_HALTING)
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        return;
    }
    if (first)
    {
        const char *cn = mi->verify.common_name[0] ? mi->verify.common_name : "UNDEF";
        char real[SOCKADDR_PRINT_MAX];

        if (o->username_as_common_name && user[0])
        {
            cn = user;
        }
        strbcpy(mi->common_name, cn, sizeof(mi->common_name));
        strbcpy(mi->username, user, sizeof(mi->username));
        mi->iv_proto = key_msg_peer_info_proto(tls_multi_peer_info(mi->tls));
        snprintf(real, sizeof(real), "%s", mi->real_str);
        snprintf(mi->prefix, sizeof(mi->prefix), "%s/%s", mi->common_name, real);
    }
    switch (multi_token_auth(m, mi, &user, pass))
    {
        case MT_ACCEPTED:
            if (first)
            {
                connect_finish(m, mi, key_id);
                return;
            }
            tls_multi_key_authorize(mi->tls, key_id, true);
            mi->at_refresh = true;
            return;

        case MT_REFUSED:
            tls_multi_key_authorize(mi->tls, key_id, false);
            refuse(m, mi, multi_token_auth_failed(mi));
            return;

        case MT_CHECK:
            break;
    }
    if (multi_plugin_on(m, PLUGIN_AUTH_USER_PASS_VERIFY))
    {
        switch (multi_plugin_user_pass(m, mi, user, pass))
        {
            case PLUGIN_SUCCESS:
                break;

            case PLUGIN_DEFERRED:
                /* the answer comes through the auth_control_file (multi.c polls it) */
                mi->plugin_pending = true;
                mi->plugin_key_id = key_id;
                mi->plugin_deadline = otime_mono() + (o->hand_window > 0 ? o->hand_window : 60);
                return;

            default:
                auth_refused(m, mi, key_id);
                return;
        }
    }
    auth_after_plugins(m, mi, key_id, user);
}

/* The rest of the authentication once the plugins accepted (at once or deferred). */
static void
auth_after_plugins(struct multi_context *m, struct multi_instance *mi, uint8_t key_id,
                   const char *user)
{
    const struct options *o = m->o;
    const char *peer_user = "", *pass = "";
    bool first = mi->state == MI_HANDSHAKE;

    if (!tls_multi_peer_credentials(mi->tls, key_id, &peer_user, &pass))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        return;
    }
    if (o->auth_user_pass_verify && !verify_user_pass(m, mi, user, pass))
    {
        auth_refused(m, mi, key_id);
        return;
    }
    if (first && !multi_plugin_final(m, mi))
    {
        tls_multi_key_authorize(mi->tls, key_id, false);
        refuse(m, mi, "AUTH_FAILED");
        return;
    }
    if (m->mgmt && o->management_client_auth)
    {
        /* the management answers with client-auth / client-deny (§10.4);
         * 2.6 numbers the KIDs per client from 1, and its first
         * renegotiation is 3 (a spare key state took 2) */
        if (mi->mgmt_kid_next == 0)
        {
            mi->mgmt_kid_next = 1;
        }
        mi->mgmt_pending = true;
        mi->mgmt_announced = true;
        mi->mgmt_kid = mi->mgmt_kid_next++;
        if (mi->mgmt_kid == 1)
        {
            mi->mgmt_kid_next = 3;
        }
        mi->mgmt_key_id = key_id;
        multi_manage_client_event(m, mi, first ? "CONNECT" : "REAUTH", pass);
        return;
    }
    if (!first)
    {
        tls_multi_key_authorize(mi->tls, key_id, true); /* renegotiation */
        mi->at_refresh = o->auth_gen_token;
        return;
    }
    connect_finish(m, mi, key_id);
}

void
multi_connect_mgmt_answer(struct multi_context *m, struct multi_instance *mi, bool allow,
                          const char *reason, const char *client_reason, const char *config_text)
{
    uint8_t key_id = mi->mgmt_key_id;
    bool first = mi->state == MI_HANDSHAKE;

    mi->mgmt_pending = false;
    if (!allow)
    {
        char text[TLS_TEXT_MAX];

        msg(D_MULTI_ERRORS, "%s MULTI: connection rejected by management interface: %s",
            mi->prefix, reason && *reason ? reason : "(no reason)");
        tls_multi_key_authorize(mi->tls, key_id, false);
        snprintf(text, sizeof(text), "AUTH_FAILED%s%s", client_reason && *client_reason ? "," : "",
                 client_reason ? client_reason : "");
        refuse(m, mi, text); /* 2.6: also on a renegotiation (REAUTH) */
        return;
    }
    if (!first)
    {
        tls_multi_key_authorize(mi->tls, key_id, true);
        mi->at_refresh = m->o->auth_gen_token;
        return;
    }
    if (config_text && *config_text)
    {
        /* client-auth's lines are a ccd file given over the management socket */
        if (!mi->cc_loaded)
        {
            mi->cc_loaded = client_config_parse_text("[management]", config_text,
                                                      strlen(config_text), &mi->cc);
        }
    }
    connect_finish(m, mi, key_id);
}

/* ---- PUSH_REPLY ------------------------------------------------------------------------- */

static bool
push_removed(const char *item, char *const *removes, int n)
{
    for (int i = 0; i < n; i++)
    {
        /* 2.6 matches the start of the option text: "route 10.44" removes
         * "route 10.44.0.0 255.255.0.0" */
        if (strncmp(item, removes[i], strlen(removes[i])) == 0)
        {
            return true;
        }
    }
    return false;
}

/* §8.2 order: global push, per-client push, then the generated per-client items. */
uint32_t
multi_connect_ifconfig_second(struct multi_context *m, struct multi_instance *mi)
{
    const struct options *o = m->o;
    const struct client_config *cc = mi->cc_loaded ? &mi->cc : NULL;
    struct in_addr ia;

    if ((m->tap || o->topology == TOP_SUBNET) && !(cc && cc->ifconfig_push_defined))
    {
        /* §9.1: subnet and tap clients get address and netmask */
        uint32_t mask = o->ifconfig_pool_netmask ? o->ifconfig_pool_netmask : o->server_netmask;

        if (!mask && o->ifconfig_remote_netmask &&
            inet_pton(AF_INET, o->ifconfig_remote_netmask, &ia) == 1)
        {
            mask = ntohl(ia.s_addr);
        }
        return mask;
    }
    if (!m->tap && o->topology == TOP_P2P && !(cc && cc->ifconfig_push_defined) &&
        o->ifconfig_local)
    {
        return inet_pton(AF_INET, o->ifconfig_local, &ia) == 1 ? ntohl(ia.s_addr) : 0;
    }
    return mi->vaddr4_peer;
}

static size_t
push_items(struct multi_context *m, struct multi_instance *mi, char (*gen)[192],
           const char **items)
{
    const struct options *o = m->o;
    const struct client_config *cc = mi->cc_loaded ? &mi->cc : NULL;
    size_t n = 0, g = 0;
    char a[64], b[64], theirs[32];

    for (int i = 0; (!cc || !cc->push_reset) && i < o->n_push; i++)
    {
        if (!push_removed(o->push[i], o->push_remove, o->n_push_remove) &&
            !(cc && push_removed(o->push[i], cc->push_remove, cc->n_push_remove)))
        {
            items[n++] = o->push[i];
        }
    }
    for (int i = 0; cc && i < cc->n_push; i++)
    {
        items[n++] = cc->push[i];
    }
    if (mi->has_v6 && o->ifconfig_ipv6_local)
    {
        const char *slash = strchr(o->ifconfig_ipv6_local, '/');

        ip6_str(mi->vaddr6, a, sizeof(a));
        snprintf(b, sizeof(b), "%.*s", slash ? (int) (slash - o->ifconfig_ipv6_local) : 63,
                 o->ifconfig_ipv6_local);
        snprintf(gen[g], 192, "ifconfig-ipv6 %s/%d %s", a,
                 mi->cc_loaded && mi->cc.ifconfig_ipv6_push_defined
                   ? mi->cc.ifconfig_ipv6_push_bits : o->ifconfig_ipv6_pool_bits, b);
        items[n++] = gen[g++];
    }
    if (mi->has_v4)
    {
        uint32_t second = multi_connect_ifconfig_second(m, mi);

        ip4_str(mi->vaddr4, a, sizeof(a));
        ip4_str(second, b, sizeof(b));
        snprintf(gen[g], 192, "ifconfig %s %s", a, b);
        items[n++] = gen[g++];
    }
    if (mi->iv_proto & IV_PROTO_DATA_V2)
    {
        snprintf(gen[g], 192, "peer-id %u", (unsigned) mi->peer_id);
        items[n++] = gen[g++];
    }
    if (o->auth_gen_token && multi_token_item(m, mi, gen[g], 192))
    {
        items[n++] = gen[g++];
    }
    snprintf(gen[g], 192, "cipher %s", mi->cipher);
    items[n++] = gen[g++];
    if (mi->iv_proto & IV_PROTO_CC_EXIT_NOTIFY)
    {
        snprintf(gen[g], 192, "protocol-flags cc-exit%s",
                 (mi->iv_proto & IV_PROTO_TLS_KEY_EXPORT) ? " tls-ekm" : "");
        items[n++] = gen[g++];
    }
    else if (mi->iv_proto & IV_PROTO_TLS_KEY_EXPORT)
    {
        snprintf(gen[g], 192, "key-derivation tls-ekm");
        items[n++] = gen[g++];
    }
    if (key_msg_peer_info_get(tls_multi_peer_info(mi->tls), "IV_MTU", theirs, sizeof(theirs)))
    {
        snprintf(gen[g], 192, "tun-mtu %d", o->tun_mtu);
        items[n++] = gen[g++];
    }
    return n;
}

void
multi_connect_push(struct multi_context *m, struct multi_instance *mi, time_t now)
{
    const char *items[PUSH_ITEMS_MAX];
    char gen[8][192];
    static char msgs[8][1280];
    size_t n_items, n_msgs;

    if (mi->state != MI_CONNECTED || !mi->push_requested)
    {
        return; /* not authenticated yet: the reply goes out when it is */
    }
    if (mi->push_sent && now < mi->push_sent_at + 30)
    {
        return; /* §8.2: repeated requests within 30 s are ignored */
    }
    n_items = push_items(m, mi, gen, items);
    n_msgs = push_msg_build(items, n_items, msgs, 8);
    if (n_msgs == 0)
    {
        msg(D_MULTI_ERRORS, "%s MULTI: push options do not fit into a PUSH_REPLY", mi->prefix);
        return;
    }
    for (size_t i = 0; i < n_msgs; i++)
    {
        multi_send_text(m, mi, msgs[i]);
    }
    mi->push_sent = true;
    mi->push_sent_at = now;
    mi->push_requested = false;
}

static void
add_disconnect_env(struct multi_context *m, struct multi_instance *mi, struct env_set *es)
{
    (void) m;
    env_set_addf(es, "bytes_received", "%llu", (unsigned long long) mi->bytes_in);
    env_set_addf(es, "bytes_sent", "%llu", (unsigned long long) mi->bytes_out);
    env_set_addf(es, "time_duration", "%lld", (long long) (otime_wall() - mi->created_wall));
}

void
multi_connect_teardown(struct multi_context *m, struct multi_instance *mi)
{
    char a[64];

    /* 2.6 reports a disconnect only for the clients its client-auth tracks */
    if ((mi->established || mi->mgmt_announced) && m->mgmt && m->o->management_client_auth)
    {
        multi_manage_client_event(m, mi, "DISCONNECT", NULL);
    }

    /* established: also a client that announced its exit (EXIT, now halting) */
    if (mi->established && multi_plugin_on(m, PLUGIN_CLIENT_DISCONNECT))
    {
        struct env_set *es = multi_plugin_env(m, mi);

        add_disconnect_env(m, mi, es);
        multi_plugin_call(m, mi, PLUGIN_CLIENT_DISCONNECT, NULL, es, NULL);
        env_set_free(es);
    }
    if (mi->established && m->o->client_disconnect)
    {
        struct env_set *es = multi_client_env(m, mi, "client-disconnect");

        add_disconnect_env(m, mi, es);
        run_script(m->o->client_disconnect, NULL, es, m->o->script_security,
                   "--client-disconnect", NULL);
        env_set_free(es);
    }
    if (mi->established && mi->has_v4)
    {
        ip4_str(mi->vaddr4, a, sizeof(a));
        learn_script(m, mi, "delete", a);
    }
    if (mi->established && mi->has_v6)
    {
        ip6_str(mi->vaddr6, a, sizeof(a));
        learn_script(m, mi, "delete", a);
    }
    mroute_remove_owner(m->routes, mi);
    if (mi->pool_slot >= 0 && m->pool)
    {
        pool_release(m->pool, mi->pool_slot, otime_mono());
        mi->pool_slot = -1;
    }
}
