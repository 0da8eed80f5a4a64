/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * client.c -- see client.h.  The order of a 2.6 client once the reply is
 * complete: "OPTIONS IMPORT" lines, data channel parameters, tun +
 * ifconfig, --up, routes, then (when the data keys are installed)
 * "Initialization Sequence Completed" and the summary lines.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "tunnel_manage.h"
#include "crypto.h"
#include "error.h"
#include "options_push.h"
#include "otime.h"
#include "push.h"
#include "sig.h"
#include "ssl_ncp.h"
#include "strutil.h"
#include "tunnel_tls.h"

/* Categories of pushed options, for 2.6's "OPTIONS IMPORT:" lines. */
enum
{
    PK_TIMER = 1u << 0,
    PK_EXIT_NOTIFY = 1u << 1,
    PK_COMP = 1u << 2,
    PK_UP = 1u << 3,
    PK_ROUTE = 1u << 4,
    PK_ROUTE_EXTRAS = 1u << 5,
    PK_DHCP = 1u << 6,
    PK_TUN_MTU = 1u << 7,
    PK_PEER_ID = 1u << 8,
    PK_CRYPTO = 1u << 9,
    PK_SOCKFLAGS = 1u << 10,
};

static const struct
{
    const char *name;
    unsigned int kind;
} pushed_kinds[] = {
    { "ping", PK_TIMER },
    { "ping-restart", PK_TIMER },
    { "ping-exit", PK_TIMER },
    { "inactive", PK_TIMER },
    { "session-timeout", PK_TIMER },
    { "explicit-exit-notify", PK_EXIT_NOTIFY },
    { "compress", PK_COMP },
    { "comp-lzo", PK_COMP },
    { "comp-noadapt", PK_COMP },
    { "ifconfig", PK_UP },
    { "ifconfig-ipv6", PK_UP },
    { "topology", PK_UP },
    { "route", PK_ROUTE },
    { "route-ipv6", PK_ROUTE },
    { "redirect-gateway", PK_ROUTE },
    { "redirect-private", PK_ROUTE },
    { "route-gateway", PK_ROUTE_EXTRAS },
    { "route-metric", PK_ROUTE_EXTRAS },
    { "route-delay", PK_ROUTE_EXTRAS },
    { "dhcp-option", PK_DHCP },
    { "tun-mtu", PK_TUN_MTU },
    { "peer-id", PK_PEER_ID },
    { "cipher", PK_CRYPTO },
    { "protocol-flags", PK_CRYPTO },
    { "key-derivation", PK_CRYPTO },
    { "socket-flags", PK_SOCKFLAGS },
};

/* Which categories the items of @p list belong to. */
static unsigned int
classify_items(const char *list)
{
    unsigned int kinds = 0;

    for (const char *p = list; p && *p;)
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t) (end - p) : strlen(p);
        size_t wlen = strcspn(p, " \t,");

        if (wlen > len)
        {
            wlen = len;
        }
        for (size_t i = 0; i < sizeof(pushed_kinds) / sizeof(pushed_kinds[0]); i++)
        {
            if (strlen(pushed_kinds[i].name) == wlen && strncmp(p, pushed_kinds[i].name, wlen) == 0)
            {
                kinds |= pushed_kinds[i].kind;
            }
        }
        p = end ? end + 1 : NULL;
    }
    return kinds;
}

static void
log_import(const struct context *c)
{
    unsigned int k = c->pushed_kinds;

    if (k & PK_TIMER)
    {
        msg(D_PUSH_DEBUG, "OPTIONS IMPORT: timers and/or timeouts modified");
    }
    if (k & PK_EXIT_NOTIFY)
    {
        msg(D_PUSH, "OPTIONS IMPORT: explicit notify parm(s) modified");
    }
    if (k & PK_COMP)
    {
        msg(D_PUSH, "OPTIONS IMPORT: compression parms modified");
    }
    if (k & PK_SOCKFLAGS)
    {
        msg(D_PUSH, "OPTIONS IMPORT: --socket-flags option modified");
    }
    if (k & PK_UP)
    {
        msg(D_PUSH, "OPTIONS IMPORT: --ifconfig/up options modified");
    }
    if (k & PK_ROUTE)
    {
        msg(D_PUSH, "OPTIONS IMPORT: route options modified");
    }
    if (k & PK_ROUTE_EXTRAS)
    {
        msg(D_PUSH, "OPTIONS IMPORT: route-related options modified");
    }
    if (k & PK_DHCP)
    {
        msg(D_PUSH, "OPTIONS IMPORT: --ip-win32 and/or --dhcp-option options modified");
    }
    if (k & PK_TUN_MTU)
    {
        msg(D_PUSH, "OPTIONS IMPORT: tun-mtu set to %d", c->o->tun_mtu);
    }
    if (k & PK_PEER_ID)
    {
        msg(D_PUSH_DEBUG, "OPTIONS IMPORT: peer-id set");
    }
    if (k & PK_CRYPTO)
    {
        msg(D_PUSH_DEBUG, "OPTIONS IMPORT: data channel crypto options modified");
    }
}

/* ---- start-up ------------------------------------------------------------ */

void
client_init_persist(struct options *o, struct persist_state *ps)
{
    if (o->remote_random && o->n_remotes > 1)
    {
        uint8_t r[MAX_REMOTES];

        if (!crypto_rand_bytes(r, sizeof(r)))
        {
            memset(r, 0, sizeof(r));
        }
        for (int i = o->n_remotes - 1; i > 0; i--)
        {
            int j = r[i] % (i + 1);
            struct remote_entry tmp = o->remotes[i];

            o->remotes[i] = o->remotes[j];
            o->remotes[j] = tmp;
        }
    }
    if (ps->push_saved.valid)
    {
        options_push_saved_free(&ps->push_saved);
    }
    if (o->pull && o->mode != MODE_SERVER)
    {
        options_push_save(o, &ps->push_saved);
    }
}

void
client_prepare_instance(struct context *c)
{
    if (c->ps->push_saved.valid)
    {
        options_push_restore(c->o, &c->ps->push_saved);
    }
}

/* The username/password for this connection: cached, or read afresh. */
static bool
load_credentials(struct context *c)
{
    const struct opt_file *f = &c->o->auth_user_pass;
    struct user_pass *up = &c->ps->up;

    if (!f->value)
    {
        return true;
    }
    if (!up->defined)
    {
        if (f->is_inline)
        {
            if (!user_pass_parse(f->value, up))
            {
                msg(M_WARN, "Error reading username from Auth inline block");
                return false;
            }
        }
        else if (f->value[0] && !user_pass_read_file(f->value, up))
        {
            return false;
        }
    }
    if ((!up->defined || !up->have_password) &&
        tunnel_manage_query_auth(c->ps, !up->defined, up->username, sizeof(up->username),
                                 up->password, sizeof(up->password)))
    {
        up->defined = up->have_password = true; /* --management-query-passwords */
        return true;
    }
    if ((!up->defined || !up->have_password) && !user_pass_prompt(up))
    {
        return false;
    }
    return true;
}

static void on_text(void *arg, const char *text);

bool
client_start(struct context *c)
{
    const char *user = c->ps->up.username;
    const char *pass = c->ps->up.password;

    if (!load_credentials(c))
    {
        return false;
    }
    if (c->ps->auth_token[0])
    {
        /* §8.5: the token stands in for the password from now on */
        pass = c->ps->auth_token;
        if (c->ps->auth_token_user[0])
        {
            user = c->ps->auth_token_user;
        }
    }
    if (c->o->auth_user_pass.value && !c->o->auth_nocache && c->ps->restarts == 0)
    {
        msg(M_WARN,
            "WARNING: this configuration may cache passwords in memory -- use the "
            "auth-nocache option to prevent this");
    }
    tunnel_tls_set_credentials(c->tls, user, pass);
    if (c->o->auth_nocache && !c->ps->auth_token[0])
    {
        user_pass_clear(&c->ps->up); /* asked again at the next connection */
    }
    c->tls->on_text = on_text;
    c->tls->on_text_arg = c;
    push_client_init(&c->push, c->o->hand_window);
    c->poll_deadline_ms = c->o->server_poll_timeout > 0
                            ? otime_mono_ms() + (int64_t) c->o->server_poll_timeout * 1000
                            : 0;
    return true;
}

bool
client_retries_exhausted(const struct options *o, int failures)
{
    int per = o->n_remotes > 0 ? o->n_remotes : 1;

    if (o->connect_retry_max <= 0 || failures < o->connect_retry_max * per)
    {
        return false;
    }
    msg(M_WARN,
        "All connections have been connect-retry-max (%d) times unsuccessful, exiting",
        o->connect_retry_max);
    msg(M_INFO, "Exiting due to fatal error");
    return true;
}

/* ---- the push cycle ------------------------------------------------------- */

void
client_service(struct context *c, int64_t now_ms)
{
    bool ready = tls_multi_control_ready(c->tls->multi);

    if (c->poll_deadline_ms && !ready && now_ms >= c->poll_deadline_ms)
    {
        /* this server does not answer: try the next --remote */
        c->poll_deadline_ms = 0;
        msg(M_INFO, "Server poll timeout, restarting");
        sig_raise(SIGUSR1, "server_poll");
        return;
    }
    if (ready)
    {
        c->poll_deadline_ms = 0;
    }
    switch (push_client_tick(&c->push, ready, now_ms))
    {
        case PUSH_TICK_SEND_REQUEST:
        {
            bool ok = tls_multi_send_text(c->tls->multi, "PUSH_REQUEST");

            msg(D_PUSH,
                "SENT CONTROL [%s]: 'PUSH_REQUEST' (status=%d)",
                c->tls->verify_state.common_name[0] ? c->tls->verify_state.common_name : "UNDEF",
                ok ? 1 : 0);
            push_client_request_sent(&c->push, now_ms);
            tunnel_manage_state(c, "GET_CONFIG", NULL);
            break;
        }

        case PUSH_TICK_TIMEOUT:
            msg(M_INFO,
                "No reply from server to push requests in %ds",
                (int) (c->push.hand_window_ms / 1000));
            sig_raise(SIGUSR1, "no-push-reply");
            break;

        default:
            break;
    }
}

/* §7.3 client side: the pushed cipher must be one we accept. */
static bool
data_params(const struct context *c, struct tls_data_params *p)
{
    const struct options *o = c->o;
    const char *cipher = o->ciphername;

    memset(p, 0, sizeof(*p));
    if (!cipher || !ncp_list_contains(c->tls->data_ciphers, cipher))
    {
        if (o->data_ciphers_fallback)
        {
            cipher = o->data_ciphers_fallback;
        }
        else
        {
            msg(D_TLS_ERRORS,
                "OPTIONS ERROR: failed to negotiate cipher with server.  Add the "
                "server's cipher ('%s') to --data-ciphers (currently '%s') if you "
                "want to connect to this server.",
                cipher ? cipher : "[undef]",
                c->tls->data_ciphers);
            return false;
        }
    }
    strbcpy(p->cipher, cipher, sizeof(p->cipher));
    p->ekm = o->pf_tls_ekm || o->key_derivation_ekm;
    p->data_v2 = o->peer_id >= 0;
    p->peer_id = o->peer_id >= 0 ? (uint32_t) o->peer_id : 0;
    return true;
}

/* §8.5: a pushed token is the password of every later handshake. */
static void
take_token(struct context *c)
{
    const struct options *o = c->o;

    if (!o->auth_token || !o->auth_user_pass.value)
    {
        return;
    }
    strbcpy(c->ps->auth_token, o->auth_token, sizeof(c->ps->auth_token));
    if (o->auth_token_user)
    {
        strbcpy(c->ps->auth_token_user, o->auth_token_user, sizeof(c->ps->auth_token_user));
    }
    tunnel_tls_set_credentials(c->tls,
                               c->ps->auth_token_user[0] ? c->ps->auth_token_user
                                                         : c->tls->auth_username,
                               c->ps->auth_token);
}

/* The reply is complete: configure everything it decided. */
static void
bring_up(struct context *c)
{
    struct tls_data_params p;

    log_import(c);
    take_token(c);
    if (c->ps->dco_api != DCO_API_NONE && c->o->peer_id < 0)
    {
        msg(M_INFO, "OPTIONS IMPORT: Server did not request DATA_V2 packet format required for "
                    "data channel offload");
        msg(M_WARN, "OPTIONS ERROR: pushed options are incompatible with data channel offload. "
                    "Use --disable-dco to connect to this server");
        sig_raise(SIGUSR1, "process-push-msg-failed");
        return;
    }
    if (!data_params(c, &p) || !tls_multi_set_data_params(c->tls->multi, &p))
    {
        msg(D_TLS_ERRORS, "OPTIONS ERROR: failed to import crypto options");
        sig_raise(SIGUSR1, "process-push-msg-failed");
        return;
    }
    if (c->pushed_kinds & PK_COMP)
    {
        comp_free(&c->comp);
        if (!comp_init(&c->comp, (enum comp_alg) c->o->comp, c->o->allow_compression == 2))
        {
            sig_raise(SIGUSR1, "process-push-msg-failed");
            return;
        }
        comp_set_adaptive(&c->comp, c->o->comp_lzo_adaptive);
    }
    if ((c->pushed_kinds & PK_SOCKFLAGS) && c->o->sock_tcp_nodelay)
    {
        link_set_tcp_nodelay(&c->link); /* on UDP 2.6 too notes that it failed */
    }
    init_keepalive(c);
    if (!init_tun_up(c))
    {
        if (c->fatal)
        {
            sig_raise(SIGTERM, "fatal-error"); /* run_instances() ends the process */
            return;
        }
        msg(M_WARN, "ERROR: Failed to apply push options");
        sig_raise(SIGUSR1, "process-push-msg-failed");
        return;
    }
    c->pulled = true;
}

static void
on_reply(struct context *c, const struct push_event *ev)
{
    int cont = 0;

    c->pushed_kinds |= classify_items(ev->options);
    if (options_push_apply(c->o, ev->options, &cont) == PUSH_APPLY_REJECTED)
    {
        sig_raise(SIGUSR1, "Offending option received from server");
        return;
    }
    if (ev->first_complete)
    {
        bring_up(c);
    }
    else if (ev->complete)
    {
        take_token(c); /* a later reply: the auth-token refresh after a renegotiation */
    }
}

static void
on_auth_failed(struct context *c, const char *text)
{
    msg(M_INFO, "AUTH: Received control message: %s", text);
    tunnel_manage_auth_failed(c->ps);
    if (c->ps->auth_token[0])
    {
        /* §8.4: a client holding a token takes any failure as "token expired" */
        c->ps->auth_token[0] = '\0';
        c->ps->auth_token_user[0] = '\0';
        sig_raise(SIGUSR1, "auth-failure");
        return;
    }
    switch (c->o->auth_retry)
    {
        case AR_NOINTERACT:
            sig_raise(SIGUSR1, "auth-failure"); /* same credentials again */
            break;

        case AR_INTERACT:
            user_pass_clear(&c->ps->up); /* read or asked again */
            sig_raise(SIGUSR1, "auth-failure");
            break;

        default:
            sig_raise(SIGTERM, "auth-failure");
            break;
    }
}

static void
on_text(void *arg, const char *text)
{
    struct context *c = arg;
    struct push_event ev;
    char shown[TLS_TEXT_MAX];

    if (strcmp(text, "EXIT") == 0)
    {
        msg(D_PUSH, "CC-EXIT message received by peer");
        sig_raise(SIGUSR1, "remote-exit");
        return;
    }
    push_client_on_message(&c->push, text, otime_mono_ms(), &ev);
    switch (ev.type)
    {
        case PUSH_EV_REPLY:
            push_mask_message(text, shown, sizeof(shown));
            msg(D_PUSH, "PUSH: Received control message: '%s'", shown);
            on_reply(c, &ev);
            break;

        case PUSH_EV_AUTH_FAILED:
            on_auth_failed(c, text);
            break;

        case PUSH_EV_AUTH_PENDING:
            msg(D_PUSH, "AUTH_PENDING received, extending handshake timeout");
            break;

        case PUSH_EV_RESTART:
        case PUSH_EV_HALT:
            msg(M_INFO,
                "%s command was pushed by server ('%s')",
                ev.type == PUSH_EV_RESTART ? "Connection reset" : "Halt",
                ev.reason);
            if (!ev.keep_passwords)
            {
                user_pass_clear(&c->ps->up);
            }
            c->ps->next_remote = ev.next_remote;
            sig_raise(ev.type == PUSH_EV_RESTART ? SIGUSR1 : SIGTERM,
                      ev.type == PUSH_EV_RESTART ? "server-pushed-connection-reset"
                                                 : "server-pushed-halt");
            break;

        case PUSH_EV_INFO:
            msg(D_PUSH, "Info command was pushed by server ('%s')", ev.reason);
            break;

        default:
            msg(D_PUSH_ERRORS, "WARNING: Received unknown control message: %s", text);
            break;
    }
}

void
client_log_summary(const struct context *c)
{
    const struct options *o = c->o;
    char line[256];
    size_t n = 0;

    if (o->peer_id >= 0)
    {
        msg(M_INFO, "Data Channel: cipher '%s', peer-id: %d", o->ciphername, o->peer_id);
    }
    else
    {
        msg(M_INFO, "Data Channel: cipher '%s'", o->ciphername);
    }
    if (o->ping_send_timeout || o->ping_rec_timeout)
    {
        msg(M_INFO,
            "Timers: ping %d, %s %d",
            o->ping_send_timeout,
            o->ping_rec_timeout_action == PING_ACTION_EXIT ? "ping-exit" : "ping-restart",
            o->ping_rec_timeout);
    }
    line[0] = '\0';
    if (o->explicit_exit_notify > 0)
    {
        n += (size_t) snprintf(
          line + n, sizeof(line) - n, "explicit-exit-notify %d", o->explicit_exit_notify);
    }
    if (o->protocol_flags_defined && n < sizeof(line))
    {
        n += (size_t) snprintf(line + n,
                               sizeof(line) - n,
                               "%sprotocol-flags%s%s%s",
                               n ? ", " : "",
                               o->pf_cc_exit ? " cc-exit" : "",
                               o->pf_tls_ekm ? " tls-ekm" : "",
                               o->pf_dyn_tls_crypt ? " dyn-tls-crypt" : "");
    }
    else if (o->key_derivation_ekm && n < sizeof(line))
    {
        n +=
          (size_t) snprintf(line + n, sizeof(line) - n, "%skey-derivation tls-ekm", n ? ", " : "");
    }
    if (n)
    {
        msg(M_INFO, "Protocol options: %s", line);
    }
}
