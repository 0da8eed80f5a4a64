/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_table.c -- the keyword table: one row per directive with its
 * argument count, the contexts it is legal in, and its handler.  Arity and
 * "where allowed" are data, checked once by opt_apply().
 *
 * Tier 4.  Includes only options headers.  Rows for directives whose
 * feature is not built yet (proxies, client-nat ...) are present so
 * users get "not supported by this build yet" instead of "unrecognized".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "options_table.h"

#define W_C   OPT_W_CONFIG
#define W_CN  (OPT_W_CONFIG | OPT_W_CONN)
#define W_CP  (OPT_W_CONFIG | OPT_W_PUSH)
#define W_ALL (OPT_W_CONFIG | OPT_W_CONN | OPT_W_PUSH)
#define W_P   OPT_W_PUSH
#define W_D   OPT_W_CCD
#define W_CC  (OPT_W_CONFIG | OPT_W_CCD)
#define W_CPD (OPT_W_CONFIG | OPT_W_PUSH | OPT_W_CCD)

/* Keep sorted by strcmp(): opt_lookup() bisects (test_options checks the order). */
static const struct opt_def opt_table[] = {
    { "allow-compression", 1, 1, W_C, opt_h_allow_compression },
    { "askpass", 0, 15, W_ALL, opt_h_not_yet },
    { "auth", 1, 1, W_CP, opt_h_auth },
    { "auth-gen-token", 0, 15, W_C, opt_h_auth_gen_token },
    { "auth-gen-token-secret", 1, 1, W_C, opt_h_auth_gen_token_secret },
    { "auth-nocache", 0, 0, W_C, opt_h_auth_nocache },
    { "auth-retry", 1, 1, W_C, opt_h_auth_retry },
    { "auth-token", 1, 1, W_CP, opt_h_auth_token },
    { "auth-token-user", 1, 1, W_CP, opt_h_auth_token_user },
    { "auth-user-pass", 0, 1, W_C, opt_h_auth_user_pass },
    { "auth-user-pass-verify", 1, 2, W_C, opt_h_auth_user_pass_verify },
    { "bind", 0, 1, W_CN, opt_h_bind },
    { "block-ipv6", 0, 0, W_CP, opt_h_block_ipv6 },
    { "ca", 1, 1, W_C, opt_h_ca },
    { "capath", 1, 1, W_C, opt_h_capath },
    { "ccd-exclusive", 0, 0, W_C, opt_h_ccd_exclusive },
    { "cd", 1, 1, W_C, opt_h_cd },
    { "cert", 1, 1, W_C, opt_h_cert },
    { "chroot", 1, 1, W_C, opt_h_chroot },
    { "cipher", 1, 1, W_CP, opt_h_cipher },
    { "client", 0, 0, W_C, opt_h_client },
    { "client-config-dir", 1, 1, W_C, opt_h_client_config_dir },
    { "client-connect", 1, 1, W_C, opt_h_client_connect },
    { "client-disconnect", 1, 1, W_C, opt_h_client_disconnect },
    { "client-nat", 0, 15, W_ALL, opt_h_not_yet },
    { "client-to-client", 0, 0, W_C, opt_h_client_to_client },
    { "comp-lzo", 0, 1, W_CP, opt_h_comp_lzo },
    { "comp-noadapt", 0, 0, W_CP, opt_h_comp_noadapt },
    { "compress", 0, 1, W_CP, opt_h_compress },
    { "config", 1, 1, W_CC, opt_h_config },
    { "connect-freq", 2, 2, W_C, opt_h_connect_freq },
    { "connect-freq-initial", 2, 2, W_C, opt_h_connect_freq_initial },
    { "connect-retry", 1, 2, W_CN, opt_h_connect_retry },
    { "connect-retry-max", 1, 1, W_C, opt_h_connect_retry_max },
    { "connect-timeout", 1, 1, W_CN, opt_h_connect_timeout },
    { "connection", 1, 1, W_C, opt_h_connection },
    { "crl-verify", 1, 2, W_C, opt_h_crl_verify },
    { "daemon", 0, 1, W_C, opt_h_daemon },
    { "data-ciphers", 1, 1, W_C, opt_h_data_ciphers },
    { "data-ciphers-fallback", 1, 1, W_C, opt_h_data_ciphers_fallback },
    { "dev", 1, 1, W_C, opt_h_dev },
    { "dev-node", 1, 1, W_C, opt_h_dev_node },
    { "dev-type", 1, 1, W_C, opt_h_dev_type },
    { "dh", 1, 1, W_C, opt_h_dh },
    { "dhcp-option", 1, 2, W_CP, opt_h_dhcp_option },
    { "disable", 0, 0, W_D, opt_h_disable },
    { "disable-dco", 0, 0, W_C, opt_h_disable_dco },
    { "down", 1, 1, W_C, opt_h_down },
    { "down-pre", 0, 0, W_C, opt_h_down_pre },
    { "duplicate-cn", 0, 0, W_C, opt_h_duplicate_cn },
    { "ecdh-curve", 1, 1, W_C, opt_h_ecdh_curve },
    { "echo", 0, 15, W_CPD, opt_h_echo },
    { "explicit-exit-notify", 0, 1, W_ALL, opt_h_explicit_exit_notify },
    { "extra-certs", 1, 1, W_C, opt_h_extra_certs },
    { "fast-io", 0, 0, W_C, opt_h_fast_io },
    { "float", 0, 0, W_CN, opt_h_float },
    { "fragment", 1, 2, W_CN, opt_h_fragment },
    { "genkey", 0, 3, W_C, opt_h_genkey },
    { "group", 1, 1, W_C, opt_h_group },
    { "hand-window", 1, 1, W_CP, opt_h_hand_window },
    { "hash-size", 2, 2, W_C, opt_h_hash_size },
    { "help", 0, 0, W_C, opt_h_help },
    { "http-proxy", 0, 15, W_ALL, opt_h_not_yet },
    { "http-proxy-user-pass", 0, 15, W_ALL, opt_h_not_yet },
    { "ifconfig", 2, 2, W_CP, opt_h_ifconfig },
    { "ifconfig-ipv6", 2, 2, W_CP, opt_h_ifconfig_ipv6 },
    { "ifconfig-ipv6-pool", 1, 1, W_C, opt_h_ifconfig_ipv6_pool },
    { "ifconfig-ipv6-push", 1, 2, W_D, opt_h_ifconfig_ipv6_push },
    { "ifconfig-noexec", 0, 0, W_C, opt_h_ifconfig_noexec },
    { "ifconfig-nowarn", 0, 0, W_C, opt_h_ifconfig_nowarn },
    { "ifconfig-pool", 2, 3, W_C, opt_h_ifconfig_pool },
    { "ifconfig-pool-persist", 1, 2, W_C, opt_h_ifconfig_pool_persist },
    { "ifconfig-push", 2, 3, W_D, opt_h_ifconfig_push },
    { "ignore-unknown-option", 1, 15, W_C, opt_h_ignore_unknown_option },
    { "inactive", 1, 2, W_CP, opt_h_inactive },
    { "ipchange", 0, 15, W_ALL, opt_h_not_yet },
    { "iroute", 1, 2, W_D, opt_h_iroute },
    { "iroute-ipv6", 1, 1, W_D, opt_h_iroute_ipv6 },
    { "keepalive", 2, 2, W_C, opt_h_keepalive },
    { "key", 1, 1, W_C, opt_h_key },
    { "key-derivation", 1, 1, W_CP, opt_h_key_derivation },
    { "key-direction", 1, 1, W_CN, opt_h_key_direction },
    { "learn-address", 1, 1, W_C, opt_h_learn_address },
    { "link-mtu", 1, 1, W_CN, opt_h_link_mtu },
    { "local", 1, 1, W_CN, opt_h_local },
    { "log", 1, 1, W_C, opt_h_log },
    { "log-append", 1, 1, W_C, opt_h_log_append },
    { "lport", 1, 1, W_CN, opt_h_lport },
    { "machine-readable-output", 0, 0, W_C, opt_h_machine_readable_output },
    { "management", 2, 3, W_C, opt_h_management },
    { "management-client-auth", 0, 0, W_C, opt_h_management_flag },
    { "management-client-group", 1, 1, W_C, opt_h_management_client_group },
    { "management-client-user", 1, 1, W_C, opt_h_management_client_user },
    { "management-forget-disconnect", 0, 0, W_C, opt_h_management_flag },
    { "management-hold", 0, 0, W_C, opt_h_management_flag },
    { "management-log-cache", 1, 1, W_C, opt_h_management_log_cache },
    { "management-query-passwords", 0, 0, W_C, opt_h_management_flag },
    { "management-signal", 0, 0, W_C, opt_h_management_flag },
    { "management-up-down", 0, 0, W_C, opt_h_management_flag },
    { "mark", 1, 1, W_C, opt_h_mark },
    { "max-clients", 1, 1, W_C, opt_h_max_clients },
    { "max-routes-per-client", 1, 1, W_C, opt_h_max_routes_per_client },
    { "mktun", 0, 0, W_C, opt_h_mktun },
    { "mlock", 0, 0, W_C, opt_h_mlock },
    { "mode", 1, 1, W_C, opt_h_mode },
    { "mssfix", 0, 2, W_CN, opt_h_mssfix },
    { "mute", 1, 1, W_C, opt_h_mute },
    { "mute-replay-warnings", 0, 0, W_C, opt_h_mute_replay_warnings },
    { "nice", 1, 1, W_C, opt_h_nice },
    { "no-replay", 0, 0, W_C, opt_h_no_replay },
    { "nobind", 0, 0, W_CN, opt_h_nobind },
    { "ns-cert-type", 0, 15, W_ALL, opt_h_not_yet },
    { "peer-fingerprint", 1, 1, W_C, opt_h_peer_fingerprint },
    { "peer-id", 1, 1, W_CP, opt_h_peer_id },
    { "persist-key", 0, 0, W_C, opt_h_persist_key },
    { "persist-local-ip", 0, 0, W_C, opt_h_persist_local_ip },
    { "persist-remote-ip", 0, 0, W_C, opt_h_persist_remote_ip },
    { "persist-tun", 0, 0, W_C, opt_h_persist_tun },
    { "ping", 1, 1, W_CP, opt_h_ping },
    { "ping-exit", 1, 1, W_CP, opt_h_ping_exit },
    { "ping-restart", 1, 1, W_CP, opt_h_ping_restart },
    { "ping-timer-rem", 0, 0, W_C, opt_h_ping_timer_rem },
    { "pkcs12", 1, 1, W_C, opt_h_pkcs12 },
    { "plugin", 1, 15, W_C, opt_h_plugin },
    { "port", 1, 1, W_CN, opt_h_port },
    { "proto", 1, 1, W_CN, opt_h_proto },
    { "protocol-flags", 1, 15, W_CP, opt_h_protocol_flags },
    { "providers", 1, 15, W_C, opt_h_providers },
    { "pull", 0, 0, W_C, opt_h_pull },
    { "pull-filter", 2, 2, W_C, opt_h_pull_filter },
    { "push", 1, 1, W_CC, opt_h_push },
    { "push-continuation", 1, 1, W_P, opt_h_push_continuation },
    { "push-peer-info", 0, 0, W_C, opt_h_push_peer_info },
    { "push-remove", 1, 1, W_CC, opt_h_push_remove },
    { "push-reset", 0, 0, W_D, opt_h_push_reset },
    { "rcvbuf", 1, 1, W_C, opt_h_rcvbuf },
    { "redirect-gateway", 0, 15, W_CP, opt_h_redirect_gateway },
    { "redirect-private", 0, 15, W_CP, opt_h_redirect_private },
    { "remote", 1, 3, W_CN, opt_h_remote },
    { "remote-cert-eku", 1, 1, W_C, opt_h_remote_cert_eku },
    { "remote-cert-ku", 1, 16, W_C, opt_h_remote_cert_ku },
    { "remote-cert-tls", 1, 1, W_C, opt_h_remote_cert_tls },
    { "remote-random", 0, 0, W_C, opt_h_remote_random },
    { "reneg-bytes", 1, 1, W_CP, opt_h_reneg_bytes },
    { "reneg-pkts", 1, 1, W_CP, opt_h_reneg_pkts },
    { "reneg-sec", 1, 2, W_CP, opt_h_reneg_sec },
    { "replay-window", 1, 2, W_C, opt_h_replay_window },
    { "resolv-retry", 1, 1, W_C, opt_h_resolv_retry },
    { "rmtun", 0, 0, W_C, opt_h_rmtun },
    { "route", 1, 4, W_CP, opt_h_route },
    { "route-delay", 0, 2, W_CP, opt_h_route_delay },
    { "route-gateway", 1, 1, W_CP, opt_h_route_gateway },
    { "route-ipv6", 1, 3, W_CP, opt_h_route_ipv6 },
    { "route-ipv6-gateway", 1, 1, W_CP, opt_h_route_ipv6_gateway },
    { "route-metric", 1, 1, W_CP, opt_h_route_metric },
    { "route-noexec", 0, 0, W_C, opt_h_route_noexec },
    { "route-nopull", 0, 0, W_C, opt_h_route_nopull },
    { "route-up", 0, 15, W_ALL, opt_h_not_yet },
    { "rport", 1, 1, W_CN, opt_h_rport },
    { "script-security", 1, 1, W_C, opt_h_script_security },
    { "secret", 1, 2, W_C, opt_h_secret },
    { "server", 2, 3, W_C, opt_h_server },
    { "server-bridge", 0, 4, W_C, opt_h_server_bridge },
    { "server-ipv6", 1, 1, W_C, opt_h_server_ipv6 },
    { "server-poll-timeout", 1, 1, W_CN, opt_h_server_poll_timeout },
    { "session-timeout", 1, 1, W_CP, opt_h_session_timeout },
    { "setenv", 1, 2, W_CPD, opt_h_setenv },
    { "setenv-safe", 1, 2, W_CPD, opt_h_setenv_safe },
    { "show-ciphers", 0, 0, W_C, opt_h_show_ciphers },
    { "show-digests", 0, 0, W_C, opt_h_show_digests },
    { "show-engines", 0, 0, W_C, opt_h_show_engines },
    { "show-tls", 0, 0, W_C, opt_h_show_tls },
    { "single-session", 0, 0, W_C, opt_h_single_session },
    { "sndbuf", 1, 1, W_C, opt_h_sndbuf },
    { "socket-flags", 1, 15, W_CP, opt_h_socket_flags },
    { "socks-proxy", 0, 15, W_ALL, opt_h_not_yet },
    { "status", 1, 2, W_C, opt_h_status },
    { "status-version", 0, 1, W_C, opt_h_status_version },
    { "suppress-timestamps", 0, 0, W_C, opt_h_suppress_timestamps },
    { "syslog", 0, 1, W_C, opt_h_syslog },
    { "tcp-nodelay", 0, 0, W_C, opt_h_tcp_nodelay },
    { "tcp-queue-limit", 1, 1, W_C, opt_h_tcp_queue_limit },
    { "test-crypto", 0, 0, W_C, opt_h_test_crypto },
    { "tls-auth", 1, 2, W_CN, opt_h_tls_auth },
    { "tls-cert-profile", 1, 1, W_C, opt_h_tls_cert_profile },
    { "tls-cipher", 1, 1, W_C, opt_h_tls_cipher },
    { "tls-ciphersuites", 1, 1, W_C, opt_h_tls_ciphersuites },
    { "tls-client", 0, 0, W_C, opt_h_tls_client },
    { "tls-crypt", 1, 1, W_CN, opt_h_tls_crypt },
    { "tls-crypt-v2", 1, 2, W_CN, opt_h_tls_crypt_v2 },
    { "tls-exit", 0, 0, W_C, opt_h_tls_exit },
    { "tls-groups", 1, 1, W_C, opt_h_tls_groups },
    { "tls-server", 0, 0, W_C, opt_h_tls_server },
    { "tls-timeout", 1, 1, W_C, opt_h_tls_timeout },
    { "tls-verify", 1, 1, W_C, opt_h_tls_verify },
    { "tls-version-max", 1, 1, W_C, opt_h_tls_version_max },
    { "tls-version-min", 1, 2, W_C, opt_h_tls_version_min },
    { "topology", 1, 1, W_CP, opt_h_topology },
    { "tran-window", 1, 1, W_C, opt_h_tran_window },
    { "tun-ipv6", 0, 0, W_CP, opt_h_tun_ipv6 },
    { "tun-mtu", 1, 2, W_ALL, opt_h_tun_mtu },
    { "tun-mtu-extra", 1, 1, W_CN, opt_h_tun_mtu_extra },
    { "txqueuelen", 1, 1, W_C, opt_h_txqueuelen },
    { "up", 1, 1, W_C, opt_h_up },
    { "up-delay", 0, 0, W_C, opt_h_up_delay },
    { "up-restart", 0, 0, W_C, opt_h_up_restart },
    { "user", 1, 1, W_C, opt_h_user },
    { "username-as-common-name", 0, 0, W_C, opt_h_username_as_common_name },
    { "verb", 1, 1, W_C, opt_h_verb },
    { "verify-client-cert", 0, 1, W_C, opt_h_verify_client_cert },
    { "verify-x509-name", 1, 2, W_C, opt_h_verify_x509_name },
    { "version", 0, 0, W_C, opt_h_version },
    { "writepid", 1, 1, W_C, opt_h_writepid },
};

static int
cmp_name(const void *key, const void *row)
{
    return strcmp(key, ((const struct opt_def *) row)->name);
}

const struct opt_def *
opt_lookup(const char *name)
{
    return bsearch(name, opt_table, ARRAY_SIZE(opt_table), sizeof(opt_table[0]), cmp_name);
}

size_t
opt_table_size(void)
{
    return ARRAY_SIZE(opt_table);
}

const struct opt_def *
opt_table_row(size_t i)
{
    return i < ARRAY_SIZE(opt_table) ? &opt_table[i] : NULL;
}
