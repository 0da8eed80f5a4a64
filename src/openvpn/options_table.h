/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_table.h -- the keyword table's row type and the handlers each
 * options_<area>.c file exports to it.  Internal to the options area: only
 * options*.c include this.
 *
 * Tier 4.  Must not include tier 5+ headers.
 */
#ifndef OVPN_OPTIONS_TABLE_H
#define OVPN_OPTIONS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "options_parse.h"

/**
 * A directive handler.  @p args are the arguments (keyword excluded),
 * @p nargs how many; the table has already checked the count.  Handlers
 * log through opt_error() and return false on a bad value.
 */
typedef bool opt_handler(struct options *o,
                         const struct opt_loc *loc,
                         const char *kw,
                         char **args,
                         int nargs);

/** Defines a handler with the opt_handler signature. */
#define OPT_HANDLER(fn) \
    bool fn(struct options *o, const struct opt_loc *loc, const char *kw, char **args, int nargs)

struct opt_def
{
    const char *name;
    int min_args;
    int max_args;
    unsigned int where; /**< OPT_W_* contexts in which the option is legal */
    opt_handler *handler;
};

/** Find @p name in the table (bisection); NULL if unknown. */
const struct opt_def *opt_lookup(const char *name);

/** Number of rows, and row @p i (for the sortedness test and --help). */
size_t opt_table_size(void);
const struct opt_def *opt_table_row(size_t i);

/* Shared helpers (options.c). */
void opt_set_str(char **dst, const char *src);
bool opt_yes_no(const struct opt_loc *loc, const char *kw, const char *arg, bool *out);
/** A copy of @p name owned by @p o, for struct opt_loc.file (lives until options_free). */
const char *options_intern(struct options *o, const char *name);
/** The handler for recognized options whose feature is not in this build yet. */
bool opt_not_yet(const struct opt_loc *loc, const char *kw);

/* options_log.c */
opt_handler opt_h_config, opt_h_verb, opt_h_mute, opt_h_log, opt_h_log_append, opt_h_syslog,
  opt_h_daemon, opt_h_writepid, opt_h_cd, opt_h_suppress_timestamps, opt_h_machine_readable_output,
  opt_h_status, opt_h_status_version, opt_h_help, opt_h_version, opt_h_ignore_unknown_option,
  opt_h_not_yet, opt_h_nice, opt_h_disable_dco, opt_h_mode;

/* options_crypto.c */
opt_handler opt_h_secret, opt_h_key_direction, opt_h_cipher, opt_h_auth, opt_h_no_replay,
  opt_h_replay_window, opt_h_mute_replay_warnings, opt_h_providers, opt_h_data_ciphers,
  opt_h_data_ciphers_fallback, opt_h_genkey, opt_h_test_crypto, opt_h_show_ciphers,
  opt_h_show_digests, opt_h_show_tls, opt_h_show_engines, opt_h_tls_server, opt_h_tls_client,
  opt_h_comp_lzo, opt_h_comp_noadapt, opt_h_compress, opt_h_allow_compression;

/* options_conn.c */
opt_handler opt_h_ping, opt_h_ping_restart, opt_h_ping_exit, opt_h_ping_timer_rem, opt_h_keepalive,
  opt_h_inactive, opt_h_session_timeout, opt_h_float, opt_h_proto, opt_h_local, opt_h_port,
  opt_h_lport, opt_h_rport, opt_h_remote, opt_h_remote_random, opt_h_nobind, opt_h_bind,
  opt_h_connect_retry, opt_h_connect_retry_max, opt_h_connect_timeout, opt_h_resolv_retry,
  opt_h_sndbuf, opt_h_rcvbuf, opt_h_mark, opt_h_explicit_exit_notify, opt_h_fast_io,
  opt_h_tcp_nodelay, opt_h_socket_flags;

/* options_dev.c */
opt_handler opt_h_dev, opt_h_dev_type, opt_h_dev_node, opt_h_tun_mtu, opt_h_tun_mtu_extra,
  opt_h_link_mtu, opt_h_txqueuelen, opt_h_topology, opt_h_ifconfig, opt_h_ifconfig_ipv6,
  opt_h_ifconfig_noexec, opt_h_ifconfig_nowarn, opt_h_route, opt_h_route_ipv6, opt_h_route_gateway,
  opt_h_route_ipv6_gateway, opt_h_route_metric, opt_h_route_delay, opt_h_route_noexec, opt_h_mktun,
  opt_h_rmtun, opt_h_persist_tun, opt_h_persist_key, opt_h_persist_local_ip,
  opt_h_persist_remote_ip, opt_h_mssfix, opt_h_fragment;

/* options_script.c */
opt_handler opt_h_up, opt_h_down, opt_h_up_restart, opt_h_down_pre, opt_h_up_delay,
  opt_h_script_security, opt_h_user, opt_h_group, opt_h_chroot, opt_h_mlock, opt_h_setenv,
  opt_h_setenv_safe, opt_h_plugin;

/* options_tls.c */
opt_handler opt_h_ca, opt_h_capath, opt_h_cert, opt_h_key, opt_h_pkcs12, opt_h_extra_certs,
  opt_h_dh, opt_h_ecdh_curve, opt_h_tls_groups, opt_h_tls_cipher, opt_h_tls_ciphersuites,
  opt_h_tls_cert_profile, opt_h_tls_version_min, opt_h_tls_version_max, opt_h_verify_client_cert,
  opt_h_remote_cert_tls, opt_h_remote_cert_ku, opt_h_remote_cert_eku, opt_h_verify_x509_name,
  opt_h_crl_verify, opt_h_peer_fingerprint, opt_h_tls_verify, opt_h_tls_auth, opt_h_tls_crypt,
  opt_h_tls_crypt_v2, opt_h_hand_window, opt_h_tls_timeout, opt_h_tran_window, opt_h_reneg_sec,
  opt_h_reneg_bytes, opt_h_reneg_pkts, opt_h_tls_exit, opt_h_single_session, opt_h_auth_nocache;
/** TLS-mode checks (or "only in TLS-mode" errors), defaults; called by options_postprocess. */
bool options_tls_postprocess(struct options *o);

/* options_server.c */
opt_handler opt_h_server, opt_h_server_ipv6, opt_h_server_bridge, opt_h_ifconfig_pool,
  opt_h_ifconfig_ipv6_pool, opt_h_ifconfig_pool_persist, opt_h_client_config_dir,
  opt_h_ccd_exclusive, opt_h_client_to_client, opt_h_duplicate_cn, opt_h_max_clients,
  opt_h_max_routes_per_client, opt_h_push, opt_h_push_remove, opt_h_username_as_common_name,
  opt_h_auth_user_pass_verify, opt_h_client_connect, opt_h_client_disconnect, opt_h_learn_address,
  opt_h_auth_gen_token, opt_h_auth_gen_token_secret, opt_h_connect_freq, opt_h_tcp_queue_limit,
  opt_h_hash_size, opt_h_connect_freq_initial;
/** IPv4 text to host order. */
bool opt_parse_ip4(const char *s, uint32_t *out);
void opt_format_ip4(uint32_t a, char *out, size_t outlen);
/** "addr/bits" (or "addr": 128, unless @p bits_required) into network order bytes. */
bool opt_parse_ip6_prefix(const char *s, uint8_t out[16], int *bits, bool bits_required);
void opt_format_ip6(const uint8_t a[16], char *out, size_t outlen);
/** "tun", "tap", "null" or "" from --dev-type or the --dev name. */
const char *options_dev_kind(const struct options *o);
/** --client, --server, --server-ipv6, --server-bridge expansion (doc/protocol.md §9.2). */
bool options_server_expand(struct options *o);
/** Client/server consistency checks with 2.6's texts. */
bool options_server_verify(struct options *o);

/* options_ccd.c */
opt_handler opt_h_push_reset, opt_h_disable, opt_h_iroute, opt_h_iroute_ipv6, opt_h_ifconfig_push,
  opt_h_ifconfig_ipv6_push;

/* options_client.c */
opt_handler opt_h_client, opt_h_pull, opt_h_auth_user_pass, opt_h_auth_retry, opt_h_pull_filter,
  opt_h_route_nopull, opt_h_redirect_gateway, opt_h_redirect_private, opt_h_server_poll_timeout,
  opt_h_push_peer_info, opt_h_dhcp_option, opt_h_peer_id, opt_h_protocol_flags,
  opt_h_key_derivation, opt_h_auth_token, opt_h_auth_token_user, opt_h_push_continuation,
  opt_h_echo, opt_h_block_ipv6, opt_h_tun_ipv6, opt_h_connection, opt_h_management,
  opt_h_management_flag, opt_h_management_log_cache, opt_h_management_client_user,
  opt_h_management_client_group;
/** --management family and --auth-user-pass file checks. */
bool options_client_verify(const struct options *o);

/* options_post.c */
/** Fill unset values, expand helpers (--keepalive), run cross-option checks. */
bool options_postprocess(struct options *o);

#endif /* OVPN_OPTIONS_TABLE_H */
