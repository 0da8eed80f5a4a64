/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_client.c -- the client-side directives (--client, --pull,
 * --auth-user-pass, --pull-filter, --redirect-gateway ...), the values a
 * server pushes (peer-id, protocol-flags, auth-token, dhcp-option ...),
 * <connection> blocks, and the --management family with their 2.6 checks.
 *
 * Tier 4.  Must not include tier 5+ headers (manage.h, init.h ...): the
 * management interface and the client state machine read struct options.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "options_parse.h"
#include "options_push.h"
#include "options_table.h"
#include "strutil.h"

#define CONN_NAME "[CONNECTION-OPTIONS]"

OPT_HANDLER(opt_h_client)
{
    o->client = true;
    return true;
}

OPT_HANDLER(opt_h_pull)
{
    o->pull = true;
    return true;
}

OPT_HANDLER(opt_h_auth_user_pass)
{
    bool is_inline = nargs > 0 && streq(args[0], OPT_INLINE_TAG) && o->inline_data;

    /* no argument: "" means "ask on the terminal" */
    opt_set_str(&o->auth_user_pass.value, is_inline ? o->inline_data : nargs > 0 ? args[0] : "");
    o->auth_user_pass.is_inline = is_inline;
    o->auth_user_pass.loc = *loc;
    return true;
}

OPT_HANDLER(opt_h_auth_retry)
{
    if (streq(args[0], "none"))
    {
        o->auth_retry = AR_NONE;
    }
    else if (streq(args[0], "nointeract"))
    {
        o->auth_retry = AR_NOINTERACT;
    }
    else if (streq(args[0], "interact"))
    {
        o->auth_retry = AR_INTERACT;
    }
    else
    {
        opt_error(loc, kw, "--auth-retry method must be 'interact', 'nointeract', or 'none'");
        return false;
    }
    return true;
}

OPT_HANDLER(opt_h_pull_filter)
{
    struct pull_filter *f;
    int action;

    if (streq(args[0], "accept"))
    {
        action = PF_ACCEPT;
    }
    else if (streq(args[0], "ignore"))
    {
        action = PF_IGNORE;
    }
    else if (streq(args[0], "reject"))
    {
        action = PF_REJECT;
    }
    else
    {
        opt_error(loc, kw, "Unknown --pull-filter type: %s", args[0]);
        return false;
    }
    if (o->n_pull_filters == MAX_PULL_FILTER)
    {
        opt_error(loc, kw, "at most %d --pull-filter rules", MAX_PULL_FILTER);
        return false;
    }
    f = &o->pull_filters[o->n_pull_filters++];
    f->action = action;
    f->text = xstrdup(args[1]);
    return true;
}

OPT_HANDLER(opt_h_route_nopull)
{
    o->route_nopull = true;
    return true;
}

static bool
redirect_flags(const struct opt_loc *loc, const char *kw, char **args, int nargs, unsigned *out)
{
    static const struct
    {
        const char *name;
        unsigned int flag;
    } names[] = {
        { "local", RG_LOCAL },
        { "autolocal", RG_AUTO_LOCAL },
        { "def1", RG_DEF1 },
        { "bypass-dhcp", RG_BYPASS_DHCP },
        { "bypass-dns", RG_BYPASS_DNS },
        { "block-local", RG_BLOCK_LOCAL },
        { "ipv6", RG_IPV6 },
        { "!ipv4", RG_NOT_IPV4 },
    };
    unsigned int flags = RG_ENABLE;

    for (int i = 0; i < nargs; i++)
    {
        size_t k = 0;

        while (k < ARRAY_SIZE(names) && !streq(args[i], names[k].name))
        {
            k++;
        }
        if (k == ARRAY_SIZE(names))
        {
            opt_error(loc, kw, "unknown --%s flag: %s", kw, args[i]);
            return false;
        }
        flags |= names[k].flag;
    }
    *out = flags;
    return true;
}

OPT_HANDLER(opt_h_redirect_gateway)
{
    return redirect_flags(loc, kw, args, nargs, &o->redirect_gateway);
}

OPT_HANDLER(opt_h_redirect_private)
{
    return redirect_flags(loc, kw, args, nargs, &o->redirect_private);
}

OPT_HANDLER(opt_h_server_poll_timeout)
{
    return opt_int(loc, kw, args[0], 0, 0x7FFFFFFF, &o->server_poll_timeout);
}

OPT_HANDLER(opt_h_push_peer_info)
{
    o->push_peer_info = 1;
    return true;
}

OPT_HANDLER(opt_h_dhcp_option)
{
    char text[OPT_LINE_SIZE];

    if (o->n_dhcp_options == MAX_DHCP_OPTIONS)
    {
        opt_error(loc, kw, "at most %d --dhcp-option entries", MAX_DHCP_OPTIONS);
        return false;
    }
    snprintf(text, sizeof(text), "%s%s%s", args[0], nargs > 1 ? " " : "", nargs > 1 ? args[1] : "");
    o->dhcp_options[o->n_dhcp_options++] = xstrdup(text);
    return true;
}

/* ---------------------------------------------------------------- pushed values */

OPT_HANDLER(opt_h_peer_id)
{
    return opt_int(loc, kw, args[0], 0, 0xFFFFFF, &o->peer_id);
}

OPT_HANDLER(opt_h_protocol_flags)
{
    o->protocol_flags_defined = true;
    o->pf_cc_exit = o->pf_tls_ekm = o->pf_dyn_tls_crypt = false;
    for (int i = 0; i < nargs; i++)
    {
        if (streq(args[i], "cc-exit"))
        {
            o->pf_cc_exit = true;
        }
        else if (streq(args[i], "tls-ekm"))
        {
            o->pf_tls_ekm = true;
        }
        else if (streq(args[i], "dyn-tls-crypt"))
        {
            o->pf_dyn_tls_crypt = true;
        }
        else
        {
            /* a newer server may know more flags: not fatal, as in 2.6 */
            msg(M_WARN, "Unknown protocol-flags flag: %s", args[i]);
        }
    }
    return true;
}

OPT_HANDLER(opt_h_key_derivation)
{
    if (!streq(args[0], "tls-ekm"))
    {
        opt_error(loc, kw, "Unknown key-derivation method %s", args[0]);
        return false;
    }
    o->key_derivation_ekm = true;
    return true;
}

OPT_HANDLER(opt_h_auth_token)
{
    opt_set_str(&o->auth_token, args[0]);
    return true;
}

/* base64 into a NUL-terminated string; NULL if invalid or it holds a NUL. */
static char *
b64_decode_str(const char *in)
{
    size_t cap = strlen(in) + 1, n = 0;
    uint8_t *out = xcalloc(cap, 1);

    if (!base64_decode(in, out, cap - 1, &n) || memchr(out, '\0', n))
    {
        free(out); /* an embedded NUL would silently truncate the user name */
        return NULL;
    }
    return (char *) out;
}

OPT_HANDLER(opt_h_auth_token_user)
{
    char *user = b64_decode_str(args[0]);

    if (!user)
    {
        opt_error(loc, kw, "--auth-token-user base64 decoding failed");
        return false;
    }
    opt_set_str(&o->auth_token_user, user);
    secure_memzero(user, strlen(user));
    free(user);
    return true;
}

OPT_HANDLER(opt_h_push_continuation)
{
    return true; /* consumed by options_push_apply(); the table row only limits the context */
}

OPT_HANDLER(opt_h_echo)
{
    char text[OPT_LINE_SIZE] = "";
    size_t used = 0;

    for (int i = 0; i < nargs && used < sizeof(text); i++)
    {
        used += (size_t) snprintf(text + used, sizeof(text) - used, "%s%s", i ? " " : "", args[i]);
    }
    msg(D_PUSH, "ECHO:%s", text);
    return true;
}

OPT_HANDLER(opt_h_block_ipv6)
{
    o->block_ipv6 = true;
    return true;
}

/* tun-ipv6 has done nothing since 2.4; 2.6 says so for a configured one and
 * takes a pushed one silently.  (block-outside-dns and register-dns are
 * Windows options: 2.6 on Linux does not know them, in a push either.) */
OPT_HANDLER(opt_h_tun_ipv6)
{
    if (!streq(loc->file, PUSH_NAME))
    {
        msg(M_WARN, "Note: option tun-ipv6 is ignored because modern operating systems do not "
                    "need special IPv6 tun handling anymore.");
    }
    return true;
}

/* ---------------------------------------------------------------- <connection> */

OPT_HANDLER(opt_h_connection)
{
    struct remote_entry conn = {
        .proto = -1,
        .bind_local = -1,
        .floating = -1,
        .explicit_exit_notify = -1,
        .mssfix = -1,
        .fragment = -1,
    };
    const char *text = o->inline_data;
    bool ok;

    if (!streq(args[0], OPT_INLINE_TAG) || !text || o->conn_target)
    {
        opt_error(loc, kw, "must be an inline <connection> block");
        return false;
    }
    if (o->n_remotes == MAX_REMOTES)
    {
        opt_error(loc, kw, "at most %d --remote entries", MAX_REMOTES);
        return false;
    }
    conn.from_connection = true;
    o->conn_target = &conn;
    o->inline_data = NULL;
    ok = opt_parse_text(o, CONN_NAME, text, strlen(text), OPT_W_CONN, o->config_depth);
    o->inline_data = text;
    o->conn_target = NULL;
    if (ok && !conn.host)
    {
        msg(M_USAGE,
            "Options error: Each 'connection' block must contain exactly one 'remote' directive");
        ok = false;
    }
    if (!ok)
    {
        free(conn.host);
        free(conn.port);
        free(conn.local_host);
        free(conn.local_port);
        return false;
    }
    o->remotes[o->n_remotes++] = conn;
    return true;
}

/* ---------------------------------------------------------------- management */

OPT_HANDLER(opt_h_management)
{
    /* "ADDR PORT" (the port may be a service name, resolved later) or "PATH unix" */
    opt_set_str(&o->management_addr, args[0]);
    o->management_unix = streq(args[1], "unix");
    opt_set_str(&o->management_port, o->management_unix ? NULL : args[1]);
    opt_set_str(&o->management_pw_file, nargs > 2 ? args[2] : NULL);
    return true;
}

static bool *
mgmt_flag(struct options *o, const char *kw)
{
    if (streq(kw, "management-hold"))
    {
        return &o->management_hold;
    }
    if (streq(kw, "management-query-passwords"))
    {
        return &o->management_query_passwords;
    }
    if (streq(kw, "management-client-auth"))
    {
        return &o->management_client_auth;
    }
    if (streq(kw, "management-forget-disconnect"))
    {
        return &o->management_forget_disconnect;
    }
    if (streq(kw, "management-signal"))
    {
        return &o->management_signal;
    }
    if (streq(kw, "management-up-down"))
    {
        return &o->management_up_down;
    }
    return NULL;
}

OPT_HANDLER(opt_h_management_flag)
{
    bool *flag = mgmt_flag(o, kw);

    ASSERT(flag);
    *flag = true;
    return true;
}

OPT_HANDLER(opt_h_management_log_cache)
{
    long v;

    if (!str_to_int(args[0], 1, 0x7FFFFFFF, &v))
    {
        opt_error(loc, kw, "--management-log-cache parameter is out of range");
        return false;
    }
    o->management_log_history = (int) v;
    return true;
}

OPT_HANDLER(opt_h_management_client_user)
{
    opt_set_str(&o->management_client_user, args[0]);
    return true;
}

OPT_HANDLER(opt_h_management_client_group)
{
    opt_set_str(&o->management_client_group, args[0]);
    return true;
}

/* ---------------------------------------------------------------- checks */

static bool
file_ok(const char *what, const char *path)
{
    if (access(path, R_OK) == 0)
    {
        return true;
    }
    {
        int e = errno;

        msg(M_WARN, "WARNING: cannot stat file '%s': %s (errno=%d)", path, strerror(e), e);
        msg(
          M_USAGE, "Options error: %s fails with '%s': %s (errno=%d)", what, path, strerror(e), e);
    }
    return false;
}

static bool
management_checks(const struct options *o)
{
    bool modifiers =
      o->management_hold || o->management_query_passwords || o->management_client_auth ||
      o->management_forget_disconnect || o->management_signal || o->management_up_down ||
      o->management_log_history != 250 || o->management_client_user || o->management_client_group;

    if (!o->management_addr)
    {
        if (modifiers)
        {
            msg(M_USAGE,
                "Options error: --management is not specified, however one or more "
                "options which modify the behavior of --management were specified");
            return false;
        }
        return true;
    }
    if ((o->management_client_user || o->management_client_group) && !o->management_unix)
    {
        msg(M_USAGE,
            "Options error: --management-client-(user|group) can only be used on unix "
            "domain sockets");
        return false;
    }
    if (o->management_pw_file && !streq(o->management_pw_file, "stdin") &&
        !file_ok("--management user/password file", o->management_pw_file))
    {
        return false;
    }
    return true;
}

void
options_startup_warnings(const struct options *o)
{
    if (o->management_addr && !o->management_unix && !o->management_pw_file)
    {
        msg(M_WARN,
            "WARNING: Using --management on a TCP port WITHOUT passwords is STRONGLY "
            "discouraged and considered insecure");
    }
}

bool
options_client_verify(const struct options *o)
{
    if (!management_checks(o))
    {
        return false;
    }
    if (o->mode != MODE_SERVER && o->auth_user_pass.value && !o->auth_user_pass.is_inline &&
        o->auth_user_pass.value[0] != '\0' && !streq(o->auth_user_pass.value, "stdin") &&
        !file_ok("--auth-user-pass", o->auth_user_pass.value))
    {
        return false;
    }
    if (o->mode != MODE_SERVER && o->auth_user_pass.value && !o->auth_user_pass.is_inline &&
        o->auth_user_pass.value[0] != '\0' && !streq(o->auth_user_pass.value, "stdin"))
    {
        opt_warn_private_file(o->auth_user_pass.value);
    }
    return true;
}
