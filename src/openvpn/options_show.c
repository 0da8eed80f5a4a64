/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_show.c -- what the user sees about options: the --verb 4
 * "Current Parameter Settings" dump, --help, --version and the title line.
 *
 * Tier 4.  Must not include tier 5+ headers.  Never prints key material:
 * an inline secret shows as '[INLINE]'.  The crypto and LZO version
 * strings come from their own modules (declared below, linked later).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "error.h"
#include "options.h"
#include "options_table.h"

/* Provided by crypto_openssl.c (declared in crypto_backend.h). */
const char *crypto_library_version(void);
#ifdef ENABLE_LZO
/* Provided by comp_lzo.c (declared in comp.h). */
const char *comp_lzo_version(void);
#endif

#ifdef ENABLE_LZO
#define FEAT_LZO " [LZO]"
#else
#define FEAT_LZO ""
#endif
#ifdef ENABLE_LZ4
#define FEAT_LZ4 " [LZ4]"
#else
#define FEAT_LZ4 ""
#endif
#ifdef ENABLE_DCO
#define FEAT_DCO " [DCO]"
#else
#define FEAT_DCO ""
#endif

const char *
options_title(void)
{
    return PACKAGE_NAME " " PACKAGE_VERSION " " TARGET_ALIAS " [SSL (OpenSSL)]" FEAT_LZO FEAT_LZ4
                        " [EPOLL] [MH/PKTINFO] [AEAD]" FEAT_DCO;
}

void
options_print_version(const char *dco_version)
{
    printf("%s\n", options_title());
#ifdef ENABLE_LZO
    printf("library versions: %s, LZO %s\n", crypto_library_version(), comp_lzo_version());
#else
    printf("library versions: %s\n", crypto_library_version());
#endif
    printf("DCO version: %s\n", dco_version);
    printf("This is an independent implementation, compatible with OpenVPN 2.6;\n");
    printf("it is free software under the GNU GPL version 2 (GPL-2.0-only).\n");
}

/* ---------------------------------------------------------------- --verb 4 */

static void
show_str(const char *key, const char *v)
{
    msg(D_SHOW_PARMS, "  %s = '%s'", key, v ? v : "[UNDEF]");
}

static void
show_int(const char *key, long v)
{
    msg(D_SHOW_PARMS, "  %s = %ld", key, v);
}

static void
show_bool(const char *key, bool v)
{
    msg(D_SHOW_PARMS, "  %s = %s", key, v ? "ENABLED" : "DISABLED");
}

static const char *
proto_str(int proto, sa_family_t af)
{
    static const char *const names[][3] = {
        { "udp", "udp4", "udp6" },
        { "tcp-server", "tcp4-server", "tcp6-server" },
        { "tcp-client", "tcp4-client", "tcp6-client" },
        { "tcp", "tcp4", "tcp6" },
    };
    int col = af == AF_INET ? 1 : af == AF_INET6 ? 2 : 0;

    if (proto < 0 || proto > PROTO_TCP)
    {
        return "[UNDEF]";
    }
    return names[proto][col];
}

static void
show_connection(const struct options *o)
{
    msg(D_SHOW_PARMS, "Connection profiles [0]:");
    msg(D_SHOW_PARMS, "  proto = %s", proto_str(o->proto, o->proto_af));
    show_str("local", o->local_host);
    show_str("local_port", o->local_port);
    for (int i = 0; i < o->n_remotes; i++)
    {
        show_str("remote", o->remotes[i].host);
        show_str("remote_port", o->remotes[i].port ? o->remotes[i].port : o->remote_port);
    }
    if (o->n_remotes == 0)
    {
        show_str("remote", NULL);
        show_str("remote_port", o->remote_port);
    }
    show_bool("remote_float", o->floating);
    show_bool("bind_defined", o->bind_defined);
    show_bool("bind_local", o->bind_local);
    show_bool("bind_ipv6_only", o->bind_ipv6_only);
    show_int("connect_retry_seconds", o->connect_retry);
    show_int("connect_timeout", o->connect_timeout);
    show_int("tun_mtu", o->tun_mtu);
    show_bool("tun_mtu_defined", o->tun_mtu_defined);
    show_int("link_mtu", o->link_mtu ? o->link_mtu : 1500);
    show_int("tun_mtu_extra", o->tun_mtu_extra);
    show_int("fragment", o->fragment);
    show_int("mssfix", o->mssfix);
    show_bool("mssfix_fixed", o->mssfix_fixed);
    show_int("explicit_exit_notification", o->explicit_exit_notify);
    if (o->key_direction == KEY_DIR_UNSET)
    {
        msg(D_SHOW_PARMS, "  key_direction = not set");
    }
    else
    {
        show_int("key_direction", o->key_direction);
    }
    msg(D_SHOW_PARMS, "Connection profiles END");
}

static void
show_device(const struct options *o)
{
    show_bool("remote_random", o->remote_random);
    show_str("dev", o->dev);
    show_str("dev_type", o->dev_type);
    show_str("dev_node", o->dev_node);
    show_int("topology", o->topology);
    show_str("ifconfig_local", o->ifconfig_local);
    show_str("ifconfig_remote_netmask", o->ifconfig_remote_netmask);
    show_bool("ifconfig_noexec", o->ifconfig_noexec);
    show_bool("ifconfig_nowarn", o->ifconfig_nowarn);
    show_str("ifconfig_ipv6_local", o->ifconfig_ipv6_local);
    show_str("ifconfig_ipv6_remote", o->ifconfig_ipv6_remote);
    show_bool("mlock", o->mlock);
    show_int("keepalive_ping", o->keepalive_ping);
    show_int("keepalive_timeout", o->keepalive_timeout);
    show_int("inactivity_timeout", o->inactivity_timeout);
    show_int("session_timeout", o->session_timeout);
    show_int("inactivity_minimum_bytes", (long) o->inactivity_minimum_bytes);
    show_int("ping_send_timeout", o->ping_send_timeout);
    show_int("ping_rec_timeout", o->ping_rec_timeout);
    show_int("ping_rec_timeout_action", o->ping_rec_timeout_action);
    show_bool("ping_timer_remote", o->ping_timer_remote);
    show_bool("persist_tun", o->persist_tun);
    show_bool("persist_local_ip", o->persist_local_ip);
    show_bool("persist_remote_ip", o->persist_remote_ip);
    show_bool("persist_key", o->persist_key);
    show_int("resolve_retry_seconds", o->resolv_retry < 0 ? 1000000000L : o->resolv_retry);
}

static void
show_process(const struct options *o)
{
    show_str("username", o->username);
    show_str("groupname", o->groupname);
    show_str("chroot_dir", o->chroot_dir);
    show_str("cd_dir", o->cd_dir);
    show_str("writepid", o->writepid);
    show_str("up_script", o->up_script);
    show_str("down_script", o->down_script);
    show_bool("down_pre", o->down_pre);
    show_bool("up_restart", o->up_restart);
    show_bool("up_delay", o->up_delay != 0);
    show_bool("daemon", o->daemon);
    show_bool("log", o->log_file != NULL);
    show_bool("suppress_timestamps", o->suppress_timestamps);
    show_bool("machine_readable_output", o->machine_readable_output);
    show_int("nice", o->nice);
    show_int("verbosity", o->verb);
    show_int("mute", o->mute);
    show_str("status_file", o->status_file);
    show_int("status_file_version", o->status_file_version);
    show_int("status_file_update_freq", o->status_file_update_freq);
    show_int("rcvbuf", o->rcvbuf);
    show_int("sndbuf", o->sndbuf);
    show_int("mark", o->mark);
    show_bool("fast_io", o->fast_io);
    show_int("comp.alg", o->comp);
    show_str("route_default_gateway", o->route_default_gateway);
    show_int("route_default_metric", o->route_default_metric);
    show_bool("route_noexec", o->route_noexec);
    show_int("route_delay", o->route_delay < 0 ? 0 : o->route_delay);
    show_int("route_delay_window", o->route_delay_window);
    show_bool("route_delay_defined", o->route_delay_defined);
}

static void
show_crypto(const struct options *o)
{
    for (int i = 0; i < o->n_plugins; i++)
    {
        char args[1024];
        size_t u = (size_t)snprintf(args, sizeof(args), "[%s]", o->plugin_paths[i]);

        for (int k = 0; o->plugin_args[i][k] && u < sizeof(args); k++)
        {
            u += (size_t)snprintf(args + u, sizeof(args) - u, " [%s]", o->plugin_args[i][k]);
        }
        msg(D_SHOW_PARMS, "  plugin[%d] %s '%s'", i, o->plugin_paths[i], args);
    }
    show_str("shared_secret_file", o->shared_secret_inline ? "[INLINE]" : o->shared_secret_file);
    show_str("ciphername", o->ciphername);
    show_str("authname", o->authname);
    show_bool("replay", o->replay);
    show_bool("mute_replay_warnings", o->mute_replay_warnings);
    show_int("replay_window", o->replay_window);
    show_int("replay_time", o->replay_time);
    show_bool("tls_server", o->tls_server);
    show_bool("tls_client", o->tls_client);
    show_str("data_ciphers", o->data_ciphers);
    show_str("data_ciphers_fallback", o->data_ciphers_fallback);
    show_int("script_security", o->script_security);
}

static void
show_ip4(const char *key, uint32_t a)
{
    char s[INET_ADDRSTRLEN];

    opt_format_ip4(a, s, sizeof(s));
    msg(D_SHOW_PARMS, "  %s = %s", key, s);
}

static void
show_ip6(const char *key, const uint8_t a[16])
{
    char s[INET6_ADDRSTRLEN];

    opt_format_ip6(a, s, sizeof(s));
    msg(D_SHOW_PARMS, "  %s = %s", key, s);
}

/* Client/server settings, in 2.6's names (after the helpers ran). */
static void
show_client_server(const struct options *o)
{
    show_bool("route_nopull", o->route_nopull);
    show_bool("route_gateway_via_dhcp", o->route_gateway_dhcp);
    show_int("management_log_history_cache", o->management_log_history);
    show_bool("push_peer_info", o->push_peer_info != 0);
    show_bool("pull", o->pull);
    show_str("auth_user_pass_file",
             o->auth_user_pass.is_inline ? "[INLINE]" : o->auth_user_pass.value);
    show_ip4("server_network", o->server_network);
    show_ip4("server_netmask", o->server_netmask);
    show_ip6("server_network_ipv6", o->server_ipv6_net);
    show_int("server_netbits_ipv6", o->server_ipv6_bits);
    show_ip4("server_bridge_ip", o->server_bridge_ip);
    show_ip4("server_bridge_netmask", o->server_bridge_netmask);
    show_ip4("server_bridge_pool_start", o->server_bridge_pool_start);
    show_ip4("server_bridge_pool_end", o->server_bridge_pool_end);
    for (int i = 0; i < o->n_push; i++)
    {
        msg(D_SHOW_PARMS, "  push_entry = '%s'", o->push[i]);
    }
    show_bool("ifconfig_pool_defined", o->ifconfig_pool_defined);
    show_ip4("ifconfig_pool_start", o->ifconfig_pool_start);
    show_ip4("ifconfig_pool_end", o->ifconfig_pool_end);
    show_ip4("ifconfig_pool_netmask", o->ifconfig_pool_netmask);
    show_str("ifconfig_pool_persist_filename", o->ifconfig_pool_persist_file);
    show_int("ifconfig_pool_persist_refresh_freq", o->ifconfig_pool_persist_refresh);
    show_bool("ifconfig_ipv6_pool_defined", o->ifconfig_ipv6_pool_defined);
    show_ip6("ifconfig_ipv6_pool_base", o->ifconfig_ipv6_pool_base);
    show_int("ifconfig_ipv6_pool_netbits", o->ifconfig_ipv6_pool_bits);
    show_int("n_bcast_buf", 256);
    show_int("tcp_queue_limit", o->tcp_queue_limit);
    show_int("real_hash_size", o->hash_size_real);
    show_int("virtual_hash_size", o->hash_size_virtual);
    show_str("client_connect_script", o->client_connect);
    show_str("learn_address_script", o->learn_address);
    show_str("client_disconnect_script", o->client_disconnect);
    show_str("client_config_dir", o->client_config_dir);
    show_bool("ccd_exclusive", o->ccd_exclusive);
    show_bool("enable_c2c", o->client_to_client);
    show_bool("duplicate_cn", o->duplicate_cn);
    show_int("cf_max", o->cf_max);
    show_int("cf_per", o->cf_per);
    show_int("cf_initial_max", o->cf_initial_max);
    show_int("cf_initial_per", o->cf_initial_per);
    show_int("max_clients", o->max_clients);
    show_int("max_routes_per_client", o->max_routes_per_client);
    show_str("auth_user_pass_verify_script", o->auth_user_pass_verify);
    show_bool("auth_user_pass_verify_script_via_file",
              o->auth_user_pass_verify_method == VERIFY_VIA_FILE);
    show_bool("auth_token_generate", o->auth_gen_token);
    show_int("auth_token_lifetime", o->auth_gen_token_lifetime);
    show_str("auth_token_secret_file",
             o->auth_gen_token_secret.is_inline ? "[INLINE]" : o->auth_gen_token_secret.value);
}

void
options_show(const struct options *o)
{
    if (!msg_test(D_SHOW_PARMS))
    {
        return;
    }
    msg(D_SHOW_PARMS, "Current Parameter Settings:");
    show_str("config", o->config_file);
    show_bool("show_ciphers", o->show_ciphers);
    show_bool("show_digests", o->show_digests);
    show_bool("show_engines", o->show_engines);
    show_bool("genkey", o->genkey != GENKEY_NONE);
    show_str("genkey_filename", o->genkey_file);
    show_bool("show_tls_ciphers", o->show_tls);
    show_int("connect_retry_max", o->connect_retry_max);
    show_connection(o);
    show_int("mode", o->mode);
    show_device(o);
    show_process(o);
    show_crypto(o);
    show_client_server(o);
}

/* ---------------------------------------------------------------- --help */

static const char *const usage_text[] = {
    "",
    "General:",
    "--config file       : read more options from file (nests up to 10 deep)",
    "--help / --version  : this text / version and build features",
    "--cd dir            : change directory now; later relative paths start there",
    "",
    "Transport:",
    "--proto p           : udp, tcp-server or tcp-client (udp4/udp6/tcp4-... pin the family)",
    "--remote host [port] [proto] : peer address; repeat for fallbacks",
    "--remote-random     : try the --remote entries in random order",
    "--local host        : bind to this address",
    "--port n, --lport n, --rport n : UDP/TCP port, both or one side (default 1194)",
    "--nobind | --bind [ipv6only] : do not / do bind the local port",
    "--float             : accept packets from a peer whose address changed",
    "--connect-retry n [max] , --connect-retry-max n , --connect-timeout n",
    "--resolv-retry n|infinite : how long to keep retrying name resolution",
    "--sndbuf n, --rcvbuf n, --mark n : socket buffer sizes and fwmark",
    "--explicit-exit-notify [n] : tell a UDP peer when we exit",
    "",
    "Liveness:",
    "--ping n, --ping-restart n, --ping-exit n, --ping-timer-rem",
    "--keepalive n m     : ping every n s, restart after m s of silence",
    "--inactive n [bytes], --session-timeout n",
    "",
    "Device:",
    "--dev tun|tap|null|name, --dev-type t, --dev-node path",
    "--tun-mtu n, --tun-mtu-extra n, --link-mtu n, --txqueuelen n",
    "--topology net30|p2p|subnet",
    "--ifconfig local remote|netmask, --ifconfig-ipv6 addr/bits remote",
    "--ifconfig-noexec, --ifconfig-nowarn",
    "--route net [mask] [gw] [metric], --route-ipv6 net/bits [gw] [metric]",
    "--route-gateway gw, --route-metric m, --route-delay [n] [w], --route-noexec",
    "--mktun, --rmtun    : create / remove a persistent tun/tap device and exit",
    "--persist-tun, --persist-key, --persist-local-ip, --persist-remote-ip",
    "--mssfix [n] [mtu|fixed], --fragment n",
    "",
    "Static key data channel:",
    "--secret file [dir] : pre-shared key (or an inline <secret> block)",
    "--key-direction 0|1, --cipher alg, --auth alg, --providers name...",
    "--no-replay, --replay-window n [t], --mute-replay-warnings",
    "--comp-lzo [yes|no|adaptive], --compress [alg], --allow-compression yes|no|asym",
    "",
    "Scripts and privileges:",
    "--up cmd, --down cmd, --up-restart, --down-pre, --up-delay",
    "--script-security 0..3, --setenv name value, --setenv-safe name value",
    "--user u, --group g, --chroot dir, --mlock, --nice n",
    "",
    "Logging and status:",
    "--verb 0..11, --mute n, --log file, --log-append file, --syslog [name]",
    "--daemon [name], --writepid file, --suppress-timestamps, --machine-readable-output",
    "--status file [n], --status-version [1..3]",
    "",
    "Tools:",
    "--genkey [type] [file] : write a new key; type is secret, tls-auth, tls-crypt,",
    "                  tls-crypt-v2-server, tls-crypt-v2-client or auth-token",
    "--test-crypto, --show-ciphers, --show-digests, --show-tls, --show-engines",
};

void
options_usage(void)
{
    printf("%s\n", options_title());
    for (size_t i = 0; i < ARRAY_SIZE(usage_text); i++)
    {
        printf("%s\n", usage_text[i]);
    }
}
