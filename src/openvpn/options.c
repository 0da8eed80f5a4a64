/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options.c -- struct options life cycle: 2.6's defaults, the top-level
 * parse (command line -> --config files -> post-processing), freeing,
 * and small helpers shared by the options_<area>.c handlers.
 *
 * Tier 4.  Must not include tier 5+ headers.  struct options owns every
 * string it points to.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options.h"
#include "options_parse.h"
#include "options_table.h"
#include "strutil.h"

void
options_init_defaults(struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->verb = 1;
    o->proto = PROTO_UDP;
    o->proto_af = AF_UNSPEC;
    o->bind_local = true;
    o->connect_retry = 1;
    o->connect_retry_max_delay = 300;
    o->connect_timeout = 120;
    o->resolv_retry = -1; /* "infinite" */
    o->tun_mtu = 1500;
    o->topology = TOP_NET30;
    o->route_delay = -1;
    o->route_delay_window = 30;
    o->key_direction = KEY_DIR_UNSET;
    o->replay = true;
    o->replay_window = 64;
    o->replay_time = 15;
    o->comp = COMP_NONE;
    o->allow_compression = 1; /* asym: decompress what the peer sends, never compress */
    o->ping_rec_timeout_action = PING_ACTION_NONE;
    o->script_security = 1;
    o->status_file_update_freq = 60;
    o->status_file_version = 1;
    o->mssfix = 1492;
    o->mssfix_mtu = true; /* 2.6's default is "mssfix 1492 mtu" */
    o->hand_window = 60;
    o->cf_initial_max = 100;
    o->cf_initial_per = 10;
    o->tls_timeout = 2;
    o->reneg_sec = 3600;
    o->reneg_sec_min = -1;
    o->reneg_bytes = -1;
    o->tran_window = 3600;
    o->tls_mtu = 1250;
    o->mode = MODE_POINT_TO_POINT;
    o->max_clients = 1024;
    o->max_routes_per_client = 256;
    o->ifconfig_pool_persist_refresh = 600;
    o->tcp_queue_limit = 64;
    o->hash_size_real = 256;
    o->hash_size_virtual = 256;
    o->auth_retry = AR_NONE;
    o->peer_id = -1;
    o->management_log_history = 250;
}

/* Free @p s, wiping it first: some strings hold inline key material. */
static void
free_str(char **s)
{
    if (*s)
    {
        secure_memzero(*s, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

static void
free_lists(struct options *o)
{
    for (int i = 0; i < o->n_remotes; i++)
    {
        free_str(&o->remotes[i].host);
        free_str(&o->remotes[i].port);
    }
    for (int i = 0; i < o->n_routes; i++)
    {
        free_str(&o->routes[i].network);
        free_str(&o->routes[i].netmask);
        free_str(&o->routes[i].gateway);
        free_str(&o->routes[i].metric);
    }
    for (int i = 0; i < o->n_routes6; i++)
    {
        free_str(&o->routes6[i].prefix);
        free_str(&o->routes6[i].gateway);
        free_str(&o->routes6[i].metric);
    }
    for (int i = 0; i < o->n_providers; i++)
    {
        free_str(&o->providers[i]);
    }
    for (int i = 0; i < o->n_setenv; i++)
    {
        free_str(&o->setenv_names[i]);
        free_str(&o->setenv_values[i]);
    }
    for (int i = 0; i < o->n_plugins; i++)
    {
        for (int k = 0; o->plugin_args[i][k]; k++)
        {
            free_str(&o->plugin_args[i][k]);
        }
        free(o->plugin_args[i]);
        o->plugin_args[i] = NULL;
        free_str(&o->plugin_paths[i]);
    }
    o->n_plugins = 0;
    for (int i = 0; i < o->n_ignore_unknown; i++)
    {
        free_str(&o->ignore_unknown[i]);
    }
    for (int i = 0; i < o->n_config_names; i++)
    {
        free_str(&o->config_names[i]);
    }
    for (int i = 0; i < o->n_remotes; i++)
    {
        free_str(&o->remotes[i].local_host);
        free_str(&o->remotes[i].local_port);
    }
}

/* Lists and strings of the client/server directives. */
static void
free_client_server(struct options *o)
{
    char **strs[] = {
        &o->ifconfig_pool_persist_file,
        &o->client_config_dir,
        &o->auth_user_pass_verify,
        &o->client_connect,
        &o->client_disconnect,
        &o->learn_address,
        &o->auth_gen_token_secret.value,
        &o->auth_user_pass.value,
        &o->auth_token_user,
        &o->auth_token,
        &o->management_addr,
        &o->management_port,
        &o->management_pw_file,
        &o->management_client_user,
        &o->management_client_group,
    };

    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
    {
        free_str(strs[i]);
    }
    for (int i = 0; i < o->n_push; i++)
    {
        free_str(&o->push[i]);
    }
    for (int i = 0; i < o->n_push_remove; i++)
    {
        free_str(&o->push_remove[i]);
    }
    for (int i = 0; i < o->n_pull_filters; i++)
    {
        free_str(&o->pull_filters[i].text);
    }
    for (int i = 0; i < o->n_dhcp_options; i++)
    {
        free_str(&o->dhcp_options[i]);
    }
}

static void
free_tls(struct options *o)
{
    struct opt_file *files[] = {
        &o->ca,          &o->capath,          &o->cert,          &o->key,
        &o->pkcs12,      &o->extra_certs,     &o->dh,            &o->ecdh_curve,
        &o->tls_groups,  &o->tls_cipher,      &o->tls_ciphersuites, &o->tls_cert_profile,
        &o->tls_version_min, &o->tls_version_max, &o->crl_verify, &o->tls_auth,
        &o->tls_crypt,   &o->tls_crypt_v2,
    };

    for (size_t i = 0; i < ARRAY_SIZE(files); i++)
    {
        free_str(&files[i]->value);
    }
    free_str(&o->remote_cert_eku);
    free_str(&o->verify_x509_name);
    free_str(&o->tls_verify);
    free_str(&o->genkey_metadata);
}

void
options_free(struct options *o)
{
    char **strs[] = {
        &o->config_file,
        &o->log_file,
        &o->daemon_name,
        &o->syslog_ident,
        &o->writepid,
        &o->cd_dir,
        &o->genkey_file,
        &o->local_host,
        &o->local_port,
        &o->remote_port,
        &o->dev,
        &o->dev_type,
        &o->dev_node,
        &o->ifconfig_local,
        &o->ifconfig_remote_netmask,
        &o->ifconfig_ipv6_local,
        &o->ifconfig_ipv6_remote,
        &o->route_default_gateway,
        &o->route_ipv6_default_gateway,
        &o->shared_secret_file,
        &o->ciphername,
        &o->authname,
        &o->data_ciphers,
        &o->data_ciphers_fallback,
        &o->up_script,
        &o->down_script,
        &o->username,
        &o->groupname,
        &o->chroot_dir,
        &o->status_file,
    };

    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
    {
        free_str(strs[i]);
    }
    free_lists(o);
    free_tls(o);
    free_client_server(o);
    options_init_defaults(o);
}

void
opt_set_str(char **dst, const char *src)
{
    free_str(dst);
    *dst = src ? xstrdup(src) : NULL;
}

bool
opt_yes_no(const struct opt_loc *loc, const char *kw, const char *arg, bool *out)
{
    if (streq(arg, "yes"))
    {
        *out = true;
    }
    else if (streq(arg, "no"))
    {
        *out = false;
    }
    else
    {
        opt_error(loc, kw, "'%s' must be 'yes' or 'no'", arg);
        return false;
    }
    return true;
}

const char *
options_intern(struct options *o, const char *name)
{
    for (int i = 0; i < o->n_config_names; i++)
    {
        if (streq(o->config_names[i], name))
        {
            return o->config_names[i];
        }
    }
    if (o->n_config_names == (int) ARRAY_SIZE(o->config_names))
    {
        return "[config]"; /* absurdly many distinct files: locations get vaguer, not wrong */
    }
    o->config_names[o->n_config_names] = xstrdup(name);
    return o->config_names[o->n_config_names++];
}

bool
opt_not_yet(const struct opt_loc *loc, const char *kw)
{
    opt_error(loc, kw, "not supported by this build yet");
    return false;
}

bool
options_parse_argv(struct options *o, int argc, char **argv)
{
    bool ok;

    options_init_defaults(o);
    ok = opt_parse_cmdline(o, argc, argv);
    if (ok && !o->help && !o->version)
    {
        ok = options_postprocess(o);
    }
    if (!ok)
    {
        msg(M_USAGE, "Use --help for more information.");
    }
    return ok;
}
