/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_server.c -- the client/server directives through
 * options_parse_argv(): --server / --server-ipv6 / --server-bridge /
 * --client expansion (doc/protocol.md §9.2) with the push lists a 2.6.14 server
 * produced, server keepalive, and 2.6's error texts for bad arguments and
 * inconsistent combinations.
 */
#include "config.h"

#include "test_common.h"

#include <arpa/inet.h>

#include "options.h"
#include "options_parse.h"
#include "test_options_argv.h"
#include "options_table.h"

const char *
crypto_library_version(void)
{
    return "OpenSSL test";
}

const char *
comp_lzo_version(void)
{
    return "2.10";
}

#define TLS_SERVER   "--ca /dev/null --cert /dev/null --key /dev/null --dh none "
#define TLS_CLIENT   "--ca /dev/null --cert /dev/null --key /dev/null "
#define UNRECOGNIZED "Options error: Unrecognized option or missing or extra parameter(s) in "

static struct options o;

static bool
run(const char *line)
{
    return test_options_parse_line(&o, line);
}

static bool
has(const char *s)
{
    return strstr(mock_all_msgs, s) != NULL;
}

/* The push list joined with commas, as it leads a PUSH_REPLY. */
static const char *
push_list(void)
{
    static char out[4096];
    size_t used = 0;

    out[0] = '\0';
    for (int i = 0; i < o.n_push; i++)
    {
        used += (size_t) snprintf(out + used, sizeof(out) - used, "%s%s", i ? "," : "", o.push[i]);
    }
    return out;
}

static uint32_t
ip(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return ntohl(a.s_addr);
}

/* -------------------------------------------------------------- expansion */

static void
server__net30_default__2_6_addresses_pool_routes_push(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.0"));
    assert_int_equal(o.mode, MODE_SERVER);
    assert_true(o.tls_server);
    assert_int_equal(o.topology, TOP_NET30);
    assert_string_equal(o.ifconfig_local, "10.8.0.1");
    assert_string_equal(o.ifconfig_remote_netmask, "10.8.0.2");
    assert_true(o.ifconfig_pool_defined);
    assert_int_equal(o.ifconfig_pool_start, ip("10.8.0.4"));
    assert_int_equal(o.ifconfig_pool_end, ip("10.8.0.251"));
    assert_int_equal(o.ifconfig_pool_netmask, 0);
    assert_int_equal(o.n_routes, 1);
    assert_string_equal(o.routes[0].network, "10.8.0.0");
    assert_string_equal(o.routes[0].netmask, "255.255.255.0");
    assert_string_equal(push_list(), "route 10.8.0.1,topology net30");
    assert_false(o.push_ifconfig_constraint_defined);
    assert_true(has("WARNING: --topology net30 support for server configs with IPv4 pools will "
                    "be removed in a future release."));
    assert_true(has("WARNING: --keepalive option is missing from server config"));
}

static void
server__slash29__pool_has_no_end_reserve(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.248"));
    assert_int_equal(o.ifconfig_pool_start, ip("10.8.0.4"));
    assert_int_equal(o.ifconfig_pool_end, ip("10.8.0.7"));
}

static void
server__subnet__2_6_addresses_pool_gateway_constraint(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --topology subnet --server 10.8.0.0 255.255.255.0"));
    assert_string_equal(o.ifconfig_local, "10.8.0.1");
    assert_string_equal(o.ifconfig_remote_netmask, "255.255.255.0");
    assert_int_equal(o.ifconfig_pool_start, ip("10.8.0.2"));
    assert_int_equal(o.ifconfig_pool_end, ip("10.8.0.254"));
    assert_int_equal(o.ifconfig_pool_netmask, ip("255.255.255.0"));
    assert_string_equal(o.route_default_gateway, "10.8.0.2");
    assert_int_equal(o.n_routes, 0);
    assert_true(o.push_ifconfig_constraint_defined);
    assert_int_equal(o.push_ifconfig_constraint_network, ip("10.8.0.0"));
    assert_int_equal(o.push_ifconfig_constraint_netmask, ip("255.255.255.0"));
    assert_string_equal(push_list(), "route-gateway 10.8.0.1,topology subnet");
    assert_false(has("net30 support"));
}

static void
server__nopool__no_pool_but_netmask_kept(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --topology subnet --server 10.8.0.0 255.255.255.0 "
                               "nopool"));
    assert_false(o.ifconfig_pool_defined);
    assert_int_equal(o.ifconfig_pool_netmask, ip("255.255.255.0"));
}

static void
server__p2p_topology__no_host_route_pushed(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --topology p2p --server 10.8.0.0 255.255.255.0"));
    assert_string_equal(push_list(), "topology p2p");
    assert_int_equal(o.ifconfig_pool_end, ip("10.8.0.251"));
    assert_int_equal(o.n_routes, 1);
}

static void
server__client_to_client_net30__pushes_whole_network(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --client-to-client --server 10.8.0.0 255.255.255.0"));
    assert_true(o.client_to_client);
    assert_string_equal(push_list(), "route 10.8.0.0 255.255.255.0,topology net30");
}

static void
server__tap__no_topology_push(void **state)
{
    assert_true(run(TLS_SERVER "--dev tap --server 10.8.0.0 255.255.255.0"));
    assert_string_equal(o.ifconfig_remote_netmask, "255.255.255.0");
    assert_int_equal(o.ifconfig_pool_start, ip("10.8.0.2"));
    assert_int_equal(o.ifconfig_pool_end, ip("10.8.0.254"));
    assert_null(o.route_default_gateway);
    assert_string_equal(push_list(), "route-gateway 10.8.0.1");
}

/*
 * The reference client logged (2.6.14, server `--server 10.8.0.0 255.255.255.0
 * --server-ipv6 2001:db8:8::/64 --keepalive 10 60 --push "route 10.1.0.0
 * 255.255.0.0"`):
 *   PUSH_REPLY,route 10.1.0.0 255.255.0.0,tun-ipv6,route 10.8.0.1,topology net30,
 *   ping 10,ping-restart 60,ifconfig-ipv6 ...   (per-client items follow)
 */
static void
push_order__net30_ipv6_keepalive__matches_reference(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.0 --server-ipv6 "
                               "2001:db8:8::/64 --keepalive 10 60 --push route@10.1.0.0@255.255.0.0"
                               ""));
    /* the test's word splitter cannot quote: '@' stood for ' ' in the push item */
    for (char *p = o.push[0]; *p; p++)
    {
        *p = *p == '@' ? ' ' : *p;
    }
    assert_string_equal(push_list(),
                        "route 10.1.0.0 255.255.0.0,tun-ipv6,route 10.8.0.1,topology net30,"
                        "ping 10,ping-restart 60");
    assert_int_equal(o.ping_send_timeout, 10);
    assert_int_equal(o.ping_rec_timeout, 120);
    assert_int_equal(o.ping_rec_timeout_action, PING_ACTION_RESTART);
    assert_false(has("--keepalive option is missing"));
}

/* Reference: PUSH_REPLY,route 10.1.0.0 255.255.0.0,route-gateway 10.8.0.1,topology subnet,
 * ping 10,ping-restart 60,ifconfig 10.8.0.2 255.255.255.0,... */
static void
push_order__subnet_keepalive__matches_reference(void **state)
{
    const char *conf = "dev tun\n"
                       "ca /dev/null\ncert /dev/null\nkey /dev/null\ndh none\n"
                       "topology subnet\nserver 10.8.0.0 255.255.255.0\nkeepalive 10 60\n"
                       "push \"route 10.1.0.0 255.255.0.0\"\n";

    options_free(&o);
    mock_msg_reset();
    assert_true(opt_parse_text(&o, "s.conf", conf, strlen(conf), OPT_W_CONFIG, 0));
    assert_true(options_postprocess(&o));
    assert_string_equal(push_list(),
                        "route 10.1.0.0 255.255.0.0,route-gateway 10.8.0.1,"
                        "topology subnet,ping 10,ping-restart 60");
}

static void
server_ipv6__slash64__2_6_addresses_and_pool(void **state)
{
    uint8_t want[16];

    assert_true(run(TLS_SERVER "--dev tun --server-ipv6 2001:db8::/64"));
    assert_int_equal(o.mode, MODE_SERVER);
    assert_string_equal(o.ifconfig_ipv6_local, "2001:db8::1/64");
    assert_string_equal(o.ifconfig_ipv6_remote, "2001:db8::2");
    assert_true(o.ifconfig_ipv6_pool_defined);
    assert_true(o.ifconfig_ipv6_pool_from_server);
    assert_int_equal(o.ifconfig_ipv6_pool_bits, 64);
    inet_pton(AF_INET6, "2001:db8::1000", want);
    assert_memory_equal(o.ifconfig_ipv6_pool_base, want, 16);
    assert_string_equal(push_list(), "tun-ipv6");
}

static void
server_ipv6__slash112__pool_starts_after_server(void **state)
{
    uint8_t want[16];

    assert_true(run(TLS_SERVER "--dev tun --server-ipv6 2001:db8::/112"));
    inet_pton(AF_INET6, "2001:db8::2", want);
    assert_memory_equal(o.ifconfig_ipv6_pool_base, want, 16);
}

static void
server_bridge__full__pool_and_gateway(void **state)
{
    assert_true(run(TLS_SERVER "--dev tap --server-bridge 10.8.0.4 255.255.255.0 10.8.0.128 "
                               "10.8.0.254"));
    assert_int_equal(o.mode, MODE_SERVER);
    assert_int_equal(o.ifconfig_pool_start, ip("10.8.0.128"));
    assert_int_equal(o.ifconfig_pool_end, ip("10.8.0.254"));
    assert_int_equal(o.ifconfig_pool_netmask, ip("255.255.255.0"));
    assert_string_equal(push_list(), "route-gateway 10.8.0.4");
}

static void
server_bridge__bare_and_nogw__dhcp_gateway_or_nothing(void **state)
{
    assert_true(run(TLS_SERVER "--dev tap --server-bridge"));
    assert_true(o.server_bridge_proxy_dhcp);
    assert_false(o.ifconfig_pool_defined);
    assert_string_equal(push_list(), "route-gateway dhcp");
    assert_true(run(TLS_SERVER "--dev tap --server-bridge nogw"));
    assert_true(o.server_bridge_proxy_dhcp);
    assert_int_equal(o.n_push, 0);
}

static void
client__helper__pull_and_tls_client(void **state)
{
    assert_true(run(TLS_CLIENT "--dev tun --client --remote 192.0.2.1"));
    assert_true(o.client);
    assert_true(o.pull);
    assert_true(o.tls_client);
    assert_int_equal(o.mode, MODE_POINT_TO_POINT);
}

/*
 * --auth-gen-token [lifetime] [renewal-time] [external-auth] as 2.6.14 reads
 * it: the lifetime first (a non-number is 0, "5x" is 5), a positive renewal
 * time second, external-auth after; the renewal time defaults to
 * --reneg-sec and must be at least twice --hand-window, and --reneg-sec 0
 * is refused.
 */
static void
auth_gen_token__2_6_arguments__lifetime_renewal_external_auth(void **state)
{
#define SRV TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.0 "
    static const struct
    {
        const char *args;
        int lifetime, renewal;
        bool external;
    } ok[] = {
        { "--auth-gen-token", 0, 3600, false },
        { "--auth-gen-token 5x external-auth", 5, 3600, true },
        { "--auth-gen-token external-auth", 0, 3600, false },
        { "--auth-gen-token 0 120 external-auth", 0, 120, true },
        { "--auth-gen-token 30 --reneg-sec 200", 30, 200, false },
        { "--auth-gen-token 0 20 --hand-window 10", 0, 20, false },
    };
    static const struct
    {
        const char *args, *msg;
    } bad[] = {
        { "--auth-gen-token 0 119",
          "Options error: --auth-gen-token renewal time needs to be at least  two times "
          "--hand-window (60)." },
        { "--auth-gen-token --reneg-sec 60", "at least  two times --hand-window (60)." },
        { "--auth-gen-token --reneg-sec 0",
          "Options error: --auth-gen-token needs a non-infinite --renegotiate_seconds setting" },
    };
    char line[512];
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
    {
        snprintf(line, sizeof(line), SRV "%s", ok[i].args);
        assert_true(run(line));
        assert_true(o.auth_gen_token);
        assert_int_equal(o.auth_gen_token_lifetime, ok[i].lifetime);
        assert_int_equal(o.auth_gen_token_renewal, ok[i].renewal);
        assert_int_equal(o.auth_gen_token_external, ok[i].external);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    {
        snprintf(line, sizeof(line), SRV "%s", bad[i].args);
        mock_msg_reset();
        if (run(line) || !has(bad[i].msg))
        {
            fail_msg("'%s' gave '%s'", bad[i].args, mock_all_msgs);
        }
    }
#undef SRV
}

static void
server_directives__values__stored(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --topology subnet --server 10.8.0.0 255.255.255.0 "
                               "--max-clients 10 --max-routes-per-client 5 --duplicate-cn "
                               "--ifconfig-pool-persist ipp.txt 0 --tcp-queue-limit 9 "
                               "--hash-size 16 32 --connect-freq 3 7 --connect-freq-initial 0 4 "
                               "--auth-gen-token 60 "
                               "external-auth --auth-user-pass-verify /bin/true via-file "
                               "--username-as-common-name --client-connect cc "
                               "--client-disconnect cd --learn-address la --push-remove route "
                               "--client-config-dir /tmp --ccd-exclusive --management 127.0.0.1 "
                               "7505 /dev/null --management-hold --management-log-cache 9"));
    assert_int_equal(o.max_clients, 10);
    assert_int_equal(o.max_routes_per_client, 5);
    assert_true(o.duplicate_cn);
    assert_string_equal(o.ifconfig_pool_persist_file, "ipp.txt");
    assert_int_equal(o.ifconfig_pool_persist_refresh, 0);
    assert_int_equal(o.tcp_queue_limit, 9);
    assert_int_equal(o.hash_size_real, 16);
    assert_int_equal(o.hash_size_virtual, 32);
    assert_int_equal(o.cf_max, 3);
    assert_int_equal(o.cf_per, 7);
    assert_int_equal(o.cf_initial_max, 0);
    assert_int_equal(o.cf_initial_per, 4);
    assert_true(o.auth_gen_token);
    assert_int_equal(o.auth_gen_token_lifetime, 60);
    assert_true(o.auth_gen_token_external);
    assert_int_equal(o.auth_user_pass_verify_method, VERIFY_VIA_FILE);
    assert_string_equal(o.auth_user_pass_verify, "/bin/true");
    assert_true(o.username_as_common_name);
    assert_string_equal(o.client_connect, "cc");
    assert_string_equal(o.client_disconnect, "cd");
    assert_string_equal(o.learn_address, "la");
    assert_int_equal(o.n_push_remove, 1);
    assert_string_equal(o.push_remove[0], "route");
    assert_true(o.ccd_exclusive);
    assert_string_equal(o.management_addr, "127.0.0.1");
    assert_string_equal(o.management_port, "7505");
    assert_string_equal(o.management_pw_file, "/dev/null");
    assert_true(o.management_hold);
    assert_int_equal(o.management_log_history, 9);
}

static void
defaults__server_fields__match_2_6(void **state)
{
    options_free(&o);
    assert_int_equal(o.max_clients, 1024);
    assert_int_equal(o.max_routes_per_client, 256);
    assert_int_equal(o.ifconfig_pool_persist_refresh, 600);
    assert_int_equal(o.tcp_queue_limit, 64);
    assert_int_equal(o.hash_size_real, 256);
    assert_int_equal(o.hash_size_virtual, 256);
    assert_int_equal(o.peer_id, -1);
    assert_int_equal(o.management_log_history, 250);
    assert_int_equal(o.auth_retry, AR_NONE);
    assert_int_equal(o.mode, MODE_POINT_TO_POINT);
}

static void
client_directives__values__stored(void **state)
{
    assert_true(run(TLS_CLIENT "--dev tun --client --remote 192.0.2.1 --auth-retry nointeract "
                               "--pull-filter ignore route --pull-filter reject redirect "
                               "--route-nopull --redirect-gateway def1 bypass-dhcp !ipv4 "
                               "--redirect-private local --server-poll-timeout 4 --push-peer-info "
                               "--dhcp-option DNS 10.8.0.1 --route-gateway dhcp --auth-user-pass "
                               "--management /tmp/m.sock unix --management-client-user nobody"));
    assert_int_equal(o.auth_retry, AR_NOINTERACT);
    assert_int_equal(o.n_pull_filters, 2);
    assert_int_equal(o.pull_filters[0].action, PF_IGNORE);
    assert_string_equal(o.pull_filters[1].text, "redirect");
    assert_true(o.route_nopull);
    assert_int_equal(o.redirect_gateway, RG_ENABLE | RG_DEF1 | RG_BYPASS_DHCP | RG_NOT_IPV4);
    assert_int_equal(o.redirect_private, RG_ENABLE | RG_LOCAL);
    assert_int_equal(o.server_poll_timeout, 4);
    assert_int_equal(o.push_peer_info, 1);
    assert_int_equal(o.n_dhcp_options, 1);
    assert_string_equal(o.dhcp_options[0], "DNS 10.8.0.1");
    assert_true(o.route_gateway_dhcp);
    assert_null(o.route_default_gateway);
    assert_non_null(o.auth_user_pass.value);
    assert_string_equal(o.auth_user_pass.value, "");
    assert_true(o.management_unix);
    assert_null(o.management_port);
    assert_string_equal(o.management_client_user, "nobody");
}

static void
connection_blocks__each_becomes_a_remote(void **state)
{
    const char *conf = "client\ndev tun\nca /dev/null\ncert /dev/null\nkey /dev/null\n"
                       "<connection>\nremote 192.0.2.1 1195\nproto tcp\nconnect-timeout 7\n"
                       "nobind\n</connection>\n"
                       "<connection>\nremote 192.0.2.2\nport 1200\nfloat\n</connection>\n";

    options_free(&o);
    mock_msg_reset();
    assert_true(opt_parse_text(&o, "c.conf", conf, strlen(conf), OPT_W_CONFIG, 0));
    assert_true(options_postprocess(&o));
    assert_int_equal(o.n_remotes, 2);
    assert_true(o.remotes[0].from_connection);
    assert_string_equal(o.remotes[0].host, "192.0.2.1");
    assert_string_equal(o.remotes[0].port, "1195");
    assert_int_equal(o.remotes[0].proto, PROTO_TCP_CLIENT);
    assert_int_equal(o.remotes[0].connect_timeout, 7);
    assert_int_equal(o.remotes[0].bind_local, 0);
    assert_string_equal(o.remotes[1].port, "1200");
    assert_int_equal(o.remotes[1].floating, 1);
    assert_int_equal(o.remotes[1].proto, -1);
    assert_int_equal(o.proto, PROTO_UDP); /* global values untouched */
    assert_int_equal(o.connect_timeout, 120);
}

static void
connection_blocks__bad_content__2_6_errors(void **state)
{
    const char *none = "<connection>\nproto udp\n</connection>\n";
    const char *verb = "<connection>\nremote x\nverb 4\n</connection>\n";

    options_free(&o);
    mock_msg_reset();
    assert_false(opt_parse_text(&o, "c.conf", none, strlen(none), OPT_W_CONFIG, 0));
    assert_true(has("Options error: Each 'connection' block must contain exactly one 'remote' "
                    "directive"));
    options_free(&o);
    mock_msg_reset();
    assert_false(opt_parse_text(&o, "c.conf", verb, strlen(verb), OPT_W_CONFIG, 0));
    assert_true(has("Options error: option 'verb' cannot be used in this context "
                    "([CONNECTION-OPTIONS])"));
    assert_int_equal(o.n_remotes, 0);
}

/* -------------------------------------------------------------- errors */

struct bad_case
{
    const char *args;
    const char *msg;
};

static void
bad_arguments__each_directive__error(void **state)
{
    static const struct bad_case cases[] = {
        { "--server 10.8.0.0", UNRECOGNIZED "[CMD-LINE]:1: server" },
        { "--server foo 255.255.255.0", "--server: error parsing --server parameters" },
        { "--server 10.8.0.0 255.255.255.0 nopol",
          "error parsing --server: nopol is not a "
          "recognized flag" },
        { "--server-ipv6 foo", "error parsing --server-ipv6 parameter" },
        { "--server-ipv6 2001:db8::/130", "error parsing --server-ipv6 parameter" },
        { "--server-bridge 1.2.3.4 255.255.255.0 1.2.3.5",
          UNRECOGNIZED "[CMD-LINE]:1: "
                       "server-bridge" },
        { "--server-bridge foo", UNRECOGNIZED "[CMD-LINE]:1: server-bridge" },
        { "--ifconfig-pool 10.8.0.300 10.8.0.5", "error parsing --ifconfig-pool parameters" },
        { "--ifconfig-pool 10.8.0.30 10.8.0.5",
          "--ifconfig-pool start IP [10.8.0.30] is "
          "greater than end IP [10.8.0.5]" },
        { "--ifconfig-ipv6-pool 2001:db8::/200",
          "error parsing --ifconfig-ipv6-pool "
          "parameters" },
        { "--ifconfig-pool-persist f x", "--ifconfig-pool-persist: 'x' is not a number" },
        { "--max-clients 0", "--max-clients: '0' is not in" },
        { "--max-routes-per-client x", "--max-routes-per-client: 'x' is not a number" },
        { "--push", UNRECOGNIZED "[CMD-LINE]:1: push" },
        { "--push-remove", UNRECOGNIZED "[CMD-LINE]:1: push-remove" },
        { "--push-reset", "option 'push-reset' cannot be used in this context ([CMD-LINE])" },
        { "--iroute 10.0.0.0", "option 'iroute' cannot be used in this context ([CMD-LINE])" },
        { "--ifconfig-push 10.0.0.1 10.0.0.2", "option 'ifconfig-push' cannot be used" },
        { "--disable", "option 'disable' cannot be used in this context ([CMD-LINE])" },
        { "--push-continuation 1", "option 'push-continuation' cannot be used in this context" },
        { "--auth-user-pass-verify x foo",
          "second parm to --auth-user-pass-verify must be "
          "'via-env' or 'via-file'" },
        { "--auth-user-pass-verify x",
          "--auth-user-pass-verify requires a second parameter "
          "('via-env' or 'via-file')" },
        { "--auth-gen-token 10 foo", "Invalid argument to auth-gen-token: foo (2)" },
        { "--auth-gen-token 10 0", "Invalid argument to auth-gen-token: 0 (2)" },
        { "--auth-gen-token 0 200 external-auth x", "Invalid argument to auth-gen-token: x (4)" },
        { "--connect-freq x 10", "--connect-freq: 'x' is not a number" },
        { "--connect-freq-initial -1 10", "--connect-freq-initial: '-1' is not" },
        { "--connect-freq-initial 5", UNRECOGNIZED "[CMD-LINE]:1: connect-freq-initial" },
        { "--tcp-queue-limit 0", "--tcp-queue-limit parameter must be > 0" },
        { "--hash-size 0 10", "--hash-size sizes must be >= 1 (preferably a power of 2)" },
        { "--mode foo", "Bad --mode parameter: foo" },
        { "--pull-filter foo bar", "Unknown --pull-filter type: foo" },
        { "--pull-filter accept", UNRECOGNIZED "[CMD-LINE]:1: pull-filter" },
        { "--auth-retry foo", "--auth-retry method must be 'interact', 'nointeract', or 'none'" },
        { "--redirect-gateway foo", "unknown --redirect-gateway flag: foo" },
        { "--redirect-private foo", "unknown --redirect-private flag: foo" },
        { "--server-poll-timeout x", "--server-poll-timeout: 'x' is not a number" },
        { "--management 127.0.0.1", UNRECOGNIZED "[CMD-LINE]:1: management" },
        { "--management-log-cache 0", "--management-log-cache parameter is out of range" },
        { "--dhcp-option", UNRECOGNIZED "[CMD-LINE]:1: dhcp-option" },
        { "--route-gateway foo", "route-gateway parm 'foo' must be a valid address" },
        { "--peer-id x", "--peer-id: 'x' is not a number" },
        { "--key-derivation foo", "Unknown key-derivation method foo" },
        { "--auth-token-user ***", "--auth-token-user base64 decoding failed" },
        { "--client 1", UNRECOGNIZED "[CMD-LINE]:1: client" },
    };
    char line[512];

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
    {
        snprintf(line, sizeof(line), TLS_SERVER "--dev tun %s", cases[i].args);
        if (run(line) || !has(cases[i].msg))
        {
            fail_msg(
              "case '%s': expected '%s', got:\n%s", cases[i].args, cases[i].msg, mock_all_msgs);
        }
    }
}

static void
bad_combinations__2_6_messages(void **state)
{
    static const struct bad_case cases[] = {
        { TLS_SERVER "--dev tun --server 10.8.0.0 255.0.0.0",
          "--server directive "
          "network/netmask combination is "
          "invalid" },
        { TLS_SERVER "--dev tun --server 10.8.0.1 255.255.255.0",
          "network/netmask combination "
          "is invalid" },
        { TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.252",
          "--server directive when "
          "used with --dev tun must "
          "define a subnet of "
          "255.255.255.248 (/29) or "
          "lower" },
        { TLS_SERVER "--dev tap --server 10.8.0.0 255.255.255.254",
          "when used with --dev tap "
          "must define a subnet of "
          "255.255.255.252 (/30)" },
        { TLS_SERVER "--dev null --server 10.8.0.0 255.255.255.0",
          "--server directive only "
          "makes sense with --dev tun "
          "or --dev tap" },
        { TLS_SERVER "--dev tun --client --server 10.8.0.0 255.255.255.0",
          "--server and "
          "--client cannot be "
          "used together" },
        { TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.0 --ifconfig-pool 10.8.0.10 "
                     "10.8.0.20",
          "--server already defines an ifconfig-pool, so you can't also specify --ifconfig-pool "
          "explicitly" },
        { TLS_SERVER "--dev tap --server 10.8.0.0 255.255.255.0 --server-bridge",
          "--server and --server-bridge cannot be used together" },
        { "--secret /dev/null --dev tun --server 10.8.0.0 255.255.255.0",
          "--server and --secret cannot be used together (you must use SSL/TLS keys)" },
        { TLS_SERVER "--dev tun --server-bridge",
          "--server-bridge directive only makes sense "
          "with --dev tap" },
        { TLS_SERVER "--dev tap --server-bridge 10.8.0.4 255.255.255.0 10.8.0.128 10.9.0.254",
          "--server-bridge IP addresses 10.8.0.128 and 10.9.0.254 are not in the same "
          "255.255.255.0 subnet" },
        { TLS_SERVER "--dev tun --server-ipv6 2001:db8::/60",
          "--server-ipv6 settings: network "
          "must be between /64 and /124 "
          "(not /60)" },
        { TLS_SERVER "--dev tun --server-ipv6 2001:db8::/64 --ifconfig-ipv6-pool "
                     "2001:db8::/64",
          "--server-ipv6 already defines an ifconfig-ipv6-pool" },
        { TLS_SERVER "--dev null --mode server",
          "--mode server only works with --dev tun or "
          "--dev tap" },
        { TLS_SERVER "--dev tun --server-ipv6 2001:db8::/64 --tls-client", "specify only one of" },
        { "--ca /dev/null --cert /dev/null --key /dev/null --dev tun --mode server",
          "--mode server requires --tls-server" },
        { TLS_SERVER "--tls-server --dev tun --mode server --remote x",
          "--remote cannot be used "
          "with --mode server" },
        { TLS_SERVER "--tls-server --dev tun --mode server --pull",
          "--pull cannot be used with "
          "--mode server" },
        { TLS_SERVER "--tls-server --dev tun --mode server --proto tcp-client",
          "--mode server currently only supports --proto values of udp, tcp-server, "
          "tcp4-server, or tcp6-server" },
        { TLS_SERVER "--tls-server --dev tun --mode server --auth-user-pass",
          "--auth-user-pass cannot be used with --mode server (it should be used on the client "
          "side only)" },
        { TLS_SERVER "--tls-server --dev tun --mode server --ifconfig-pool 10.0.0.4 10.0.0.8 "
                     "255.255.255.0",
          "The third parameter to --ifconfig-pool (netmask) is only valid in --dev tap mode" },
        { TLS_SERVER "--tls-server --dev tun --mode server --ccd-exclusive",
          "--ccd-exclusive must be used with --client-config-dir" },
        { TLS_SERVER "--tls-server --dev tun --mode server --username-as-common-name",
          "--username-as-common-name must be used with --management-client-auth, an "
          "--auth-user-pass-verify script, or plugin" },
        { TLS_SERVER "--tls-server --dev tun --mode server --client-config-dir /nonexistent",
          "--client-config-dir fails with '/nonexistent': No such file or directory (errno=2)" },
        { TLS_SERVER "--tls-server --dev tun --mode server --ifconfig-ipv6-pool 2001:db8::/64",
          "--ifconfig-ipv6-pool needs --ifconfig-ipv6" },
        { TLS_SERVER "--tls-server --dev tun --client-to-client",
          "--client-to-client requires "
          "--mode server" },
        { TLS_SERVER "--tls-server --dev tun --duplicate-cn",
          "--duplicate-cn requires --mode "
          "server" },
        { TLS_SERVER "--tls-server --dev tun --ifconfig-pool-persist x",
          "--ifconfig-pool/--ifconfig-pool-persist requires --mode server" },
        { TLS_SERVER "--tls-server --dev tun --client-config-dir /tmp",
          "--client-config-dir/--ccd-exclusive requires --mode server" },
        { TLS_SERVER "--tls-server --dev tun --auth-user-pass-verify x via-env",
          "--auth-user-pass-verify requires --mode server" },
        { TLS_SERVER "--tls-server --dev tun --client-connect x",
          "--client-connect requires "
          "--mode server" },
        { TLS_SERVER "--tls-server --dev tun --learn-address x",
          "--learn-address requires "
          "--mode server" },
        { TLS_SERVER "--tls-server --dev tun --auth-gen-token",
          "--auth-gen-token requires "
          "--mode server" },
        { TLS_SERVER "--tls-server --dev tun --connect-freq 1 1",
          "--connect-freq requires "
          "--mode server" },
        { TLS_CLIENT "--client --dev tun --remote x --management-hold",
          "--management is not specified, however one or more options which modify the "
          "behavior of --management were specified" },
        { TLS_CLIENT "--client --dev tun --remote x --management 1.2.3.4 5 "
                     "--management-client-user x",
          "--management-client-(user|group) can only be used on unix domain sockets" },
        { TLS_CLIENT "--client --dev tun --remote x --management /tmp/x unix /nonexistent",
          "--management user/password file fails with '/nonexistent': No such file or "
          "directory (errno=2)" },
        { TLS_CLIENT "--client --dev tun --remote x --auth-user-pass /nonexistent",
          "--auth-user-pass fails with '/nonexistent': No such file or directory (errno=2)" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
    {
        if (run(cases[i].args) || !has(cases[i].msg))
        {
            fail_msg(
              "case '%s': expected '%s', got:\n%s", cases[i].args, cases[i].msg, mock_all_msgs);
        }
    }
}

static void
management_tcp_without_password__warns(void **state)
{
    assert_true(run(TLS_CLIENT "--client --dev tun --remote x --management 127.0.0.1 7505"));
    /* printed once the log is set up (so that --log gets it), not while parsing */
    assert_false(has("WITHOUT passwords"));
    options_startup_warnings(&o);
    assert_true(has("WARNING: Using --management on a TCP port WITHOUT passwords is STRONGLY "
                    "discouraged and considered insecure"));
}

static void
verify_client_cert__server_mode__accepted(void **state)
{
    assert_true(run(TLS_SERVER "--dev tun --server 10.8.0.0 255.255.255.0 --verify-client-cert "
                               "none"));
    assert_int_equal(o.verify_client_cert, 2);
}

/* 2.6: a pulling client binds its UDP socket only when asked to. */
static void
client__no_lport_or_bind__not_bound(void **state)
{
    (void) state;
    assert_true(run("--client --dev tun --remote 198.51.100.1 " TLS_CLIENT));
    assert_false(o.bind_local);
    assert_true(run("--client --dev tun --lport 1195 --remote 198.51.100.1 " TLS_CLIENT));
    assert_true(o.bind_local);
    assert_true(run("--client --dev tun --bind --remote 198.51.100.1 " TLS_CLIENT));
    assert_true(o.bind_local);
    assert_true(run("--tls-client --dev tun --remote 198.51.100.1 " TLS_CLIENT));
    assert_true(o.bind_local); /* a p2p TLS client does bind, as 2.6 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(client__no_lport_or_bind__not_bound),
        cmocka_unit_test(server__net30_default__2_6_addresses_pool_routes_push),
        cmocka_unit_test(server__slash29__pool_has_no_end_reserve),
        cmocka_unit_test(server__subnet__2_6_addresses_pool_gateway_constraint),
        cmocka_unit_test(server__nopool__no_pool_but_netmask_kept),
        cmocka_unit_test(server__p2p_topology__no_host_route_pushed),
        cmocka_unit_test(server__client_to_client_net30__pushes_whole_network),
        cmocka_unit_test(server__tap__no_topology_push),
        cmocka_unit_test(push_order__net30_ipv6_keepalive__matches_reference),
        cmocka_unit_test(push_order__subnet_keepalive__matches_reference),
        cmocka_unit_test(server_ipv6__slash64__2_6_addresses_and_pool),
        cmocka_unit_test(server_ipv6__slash112__pool_starts_after_server),
        cmocka_unit_test(server_bridge__full__pool_and_gateway),
        cmocka_unit_test(server_bridge__bare_and_nogw__dhcp_gateway_or_nothing),
        cmocka_unit_test(client__helper__pull_and_tls_client),
        cmocka_unit_test(server_directives__values__stored),
        cmocka_unit_test(auth_gen_token__2_6_arguments__lifetime_renewal_external_auth),
        cmocka_unit_test(defaults__server_fields__match_2_6),
        cmocka_unit_test(client_directives__values__stored),
        cmocka_unit_test(connection_blocks__each_becomes_a_remote),
        cmocka_unit_test(connection_blocks__bad_content__2_6_errors),
        cmocka_unit_test(bad_arguments__each_directive__error),
        cmocka_unit_test(bad_combinations__2_6_messages),
        cmocka_unit_test(management_tcp_without_password__warns),
        cmocka_unit_test(verify_client_cert__server_mode__accepted),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    options_free(&o);
    return rc;
}
