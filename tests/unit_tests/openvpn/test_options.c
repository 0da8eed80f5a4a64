/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options.c -- the keyword table, the handlers and post-processing
 * through the public entry point options_parse_argv(): each option lands
 * in its field, 2.6 defaults, 2.6 error wording, keepalive expansion,
 * --config nesting and --cd in a temporary directory.
 */
#include "config.h"

#include "test_common.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

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

#define UNRECOGNIZED "Options error: Unrecognized option or missing or extra parameter(s) in "

static struct options o;

/* Parse a NULL-terminated argument list (without argv[0]). */
#define run(...) test_options_parse_list(&o, __VA_ARGS__)

static void
table__rows__sorted_and_unique(void **state)
{
    for (size_t i = 1; i < opt_table_size(); i++)
    {
        assert_true(strcmp(opt_table_row(i - 1)->name, opt_table_row(i)->name) < 0);
    }
    for (size_t i = 0; i < opt_table_size(); i++)
    {
        assert_ptr_equal(opt_lookup(opt_table_row(i)->name), opt_table_row(i));
    }
    assert_null(opt_lookup("no-such-option"));
}

static void
defaults__dev_only__match_2_6(void **state)
{
    assert_true(run("--dev", "tun", NULL));
    assert_int_equal(o.verb, 1);
    assert_string_equal(o.local_port, "1194");
    assert_string_equal(o.remote_port, "1194");
    assert_int_equal(o.proto, PROTO_UDP);
    assert_int_equal(o.tun_mtu, 1500);
    assert_string_equal(o.ciphername, "BF-CBC");
    assert_false(o.ciphername_defined);
    assert_string_equal(o.authname, "SHA1");
    assert_int_equal(o.replay_window, 64);
    assert_int_equal(o.replay_time, 15);
    assert_int_equal(o.cf_initial_max, 100); /* --connect-freq-initial 100 10 */
    assert_int_equal(o.cf_initial_per, 10);
    assert_true(o.replay);
    assert_int_equal(o.script_security, 1);
    assert_int_equal(o.connect_retry, 1);
    assert_int_equal(o.connect_retry_max_delay, 300);
    assert_int_equal(o.resolv_retry, -1);
    assert_int_equal(o.mssfix, 1492);
    assert_int_equal(o.topology, TOP_NET30);
    assert_int_equal(o.key_direction, KEY_DIR_UNSET);
    assert_int_equal(o.allow_compression, 1);
    assert_true(o.bind_local);
    assert_non_null(strstr(mock_all_msgs, "DEPRECATION: No tls-client or tls-server option"));
}

static void
logging__options__land_in_fields(void **state)
{
    assert_true(run("--dev",
                    "null",
                    "--verb",
                    "11",
                    "--mute",
                    "20",
                    "--log-append",
                    "/tmp/l",
                    "--syslog",
                    "ovpn",
                    "--daemon",
                    "--writepid",
                    "/tmp/p",
                    "--suppress-timestamps",
                    "--machine-readable-output",
                    "--status",
                    "/tmp/s",
                    "10",
                    "--status-version",
                    "2",
                    "--nice",
                    "-5",
                    NULL));
    assert_int_equal(o.verb, 11);
    assert_int_equal(o.mute, 20);
    assert_string_equal(o.log_file, "/tmp/l");
    assert_true(o.log_append);
    assert_true(o.use_syslog);
    assert_string_equal(o.syslog_ident, "ovpn");
    assert_true(o.daemon);
    assert_null(o.daemon_name);
    assert_string_equal(o.writepid, "/tmp/p");
    assert_true(o.suppress_timestamps && o.machine_readable_output);
    assert_string_equal(o.status_file, "/tmp/s");
    assert_int_equal(o.status_file_update_freq, 10);
    assert_int_equal(o.status_file_version, 2);
    assert_int_equal(o.nice, -5);
}

static void
transport__options__land_in_fields(void **state)
{
    assert_true(run("--dev",
                    "tun",
                    "--proto",
                    "udp6",
                    "--local",
                    "::1",
                    "--lport",
                    "0",
                    "--rport",
                    "2000",
                    "--remote",
                    "a.example",
                    "--remote",
                    "b",
                    "1195",
                    "tcp4-client",
                    "--remote-random",
                    "--bind",
                    "ipv6only",
                    "--connect-retry",
                    "5",
                    "60",
                    "--connect-retry-max",
                    "3",
                    "--connect-timeout",
                    "9",
                    "--resolv-retry",
                    "30",
                    "--sndbuf",
                    "65536",
                    "--rcvbuf",
                    "131072",
                    "--mark",
                    "7",
                    "--explicit-exit-notify",
                    "--float",
                    NULL));
    assert_int_equal(o.proto, PROTO_UDP);
    assert_int_equal(o.proto_af, AF_INET6);
    assert_string_equal(o.local_host, "::1");
    assert_string_equal(o.local_port, "0");
    assert_string_equal(o.remote_port, "2000");
    assert_int_equal(o.n_remotes, 2);
    assert_string_equal(o.remotes[0].host, "a.example");
    assert_null(o.remotes[0].port);
    assert_int_equal(o.remotes[0].proto, -1);
    assert_string_equal(o.remotes[1].port, "1195");
    assert_int_equal(o.remotes[1].proto, PROTO_TCP_CLIENT);
    assert_int_equal(o.remotes[1].af, AF_INET);
    assert_true(o.remote_random && o.bind_defined && o.bind_ipv6_only && o.floating);
    assert_int_equal(o.connect_retry, 5);
    assert_int_equal(o.connect_retry_max_delay, 60);
    assert_int_equal(o.connect_retry_max, 3);
    assert_int_equal(o.connect_timeout, 9);
    assert_int_equal(o.resolv_retry, 30);
    assert_int_equal(o.sndbuf, 65536);
    assert_int_equal(o.rcvbuf, 131072);
    assert_int_equal(o.mark, 7);
    assert_int_equal(o.explicit_exit_notify, 1);
}

static void
device__options__land_in_fields(void **state)
{
    assert_true(run("--dev",
                    "tun3",
                    "--dev-type",
                    "tun",
                    "--dev-node",
                    "/dev/net/tun",
                    "--tun-mtu",
                    "1400",
                    "--tun-mtu-extra",
                    "32",
                    "--txqueuelen",
                    "200",
                    "--topology",
                    "subnet",
                    "--ifconfig",
                    "10.8.0.1",
                    "255.255.255.0",
                    "--ifconfig-ipv6",
                    "2001:db8::1",
                    "2001:db8::2",
                    "--route",
                    "10.9.0.0",
                    "255.255.0.0",
                    "default",
                    "5",
                    "--route",
                    "net_gateway",
                    "--route-ipv6",
                    "2001:db8:1::/48",
                    "--route-gateway",
                    "10.8.0.254",
                    "--route-metric",
                    "3",
                    "--route-delay",
                    "2",
                    "10",
                    "--route-noexec",
                    "--ifconfig-noexec",
                    "--persist-tun",
                    "--persist-key",
                    "--mssfix",
                    "1400",
                    "mtu",
                    "--fragment",
                    "1300",
                    NULL));
    assert_string_equal(o.dev, "tun3");
    assert_string_equal(o.dev_type, "tun");
    assert_int_equal(o.tun_mtu, 1400);
    assert_true(o.tun_mtu_defined);
    assert_int_equal(o.tun_mtu_extra, 32);
    assert_int_equal(o.txqueuelen, 200);
    assert_int_equal(o.topology, TOP_SUBNET);
    assert_string_equal(o.ifconfig_local, "10.8.0.1");
    assert_string_equal(o.ifconfig_remote_netmask, "255.255.255.0");
    assert_string_equal(o.ifconfig_ipv6_local, "2001:db8::1/64"); /* 2.6 assumes /64 */
    assert_int_equal(o.n_routes, 2);
    assert_string_equal(o.routes[0].netmask, "255.255.0.0");
    assert_null(o.routes[0].gateway);
    assert_string_equal(o.routes[0].metric, "5");
    assert_string_equal(o.routes[1].network, "net_gateway");
    assert_int_equal(o.n_routes6, 1);
    assert_string_equal(o.routes6[0].prefix, "2001:db8:1::/48");
    assert_string_equal(o.route_default_gateway, "10.8.0.254");
    assert_int_equal(o.route_default_metric, 3);
    assert_int_equal(o.route_delay, 2);
    assert_int_equal(o.route_delay_window, 10);
    assert_true(o.route_noexec && o.ifconfig_noexec && o.persist_tun && o.persist_key);
    assert_int_equal(o.mssfix, 1400);
    assert_true(o.mssfix_defined && o.mssfix_mtu);
    assert_int_equal(o.fragment, 1300);
}

static void
crypto__options__land_in_fields(void **state)
{
    assert_true(run("--dev",
                    "tun",
                    "--secret",
                    "/dev/null",
                    "1",
                    "--cipher",
                    "AES-256-CBC",
                    "--auth",
                    "SHA256",
                    "--replay-window",
                    "128",
                    "30",
                    "--mute-replay-warnings",
                    "--providers",
                    "legacy",
                    "default",
                    "--comp-lzo",
                    "no",
                    "--allow-compression",
                    "no",
                    NULL));
    assert_string_equal(o.shared_secret_file, "/dev/null");
    assert_false(o.shared_secret_inline);
    assert_int_equal(o.key_direction, KEY_DIR_INVERSE);
    assert_string_equal(o.loc_of_secret.file, "[CMD-LINE]");
    assert_string_equal(o.ciphername, "AES-256-CBC");
    assert_true(o.ciphername_defined);
    assert_string_equal(o.authname, "SHA256");
    assert_int_equal(o.replay_window, 128);
    assert_int_equal(o.replay_time, 30);
    assert_int_equal(o.n_providers, 2);
    assert_string_equal(o.providers[1], "default");
    assert_int_equal(o.comp, COMP_LZO_STUB);
    assert_int_equal(o.allow_compression, 0);
    assert_non_null(strstr(mock_all_msgs, "DEPRECATED OPTION: The option --secret is deprecated."));
}

static void
compress__variants__map_to_kinds(void **state)
{
    assert_true(run("--dev", "tun", "--compress", NULL));
    assert_int_equal(o.comp, COMP_STUB);
    assert_true(run("--dev", "tun", "--compress", "lz4-v2", NULL));
    assert_int_equal(o.comp, COMP_LZ4_V2);
    assert_true(run("--dev", "tun", "--comp-lzo", NULL));
    assert_int_equal(o.comp, COMP_LZO);
    assert_true(o.comp_lzo_adaptive);
    assert_false(run("--dev", "tun", "--comp-lzo", "maybe", NULL));
    assert_string_equal(mock_all_msgs,
                        "Options error: [CMD-LINE]:1: --comp-lzo: bad comp-lzo option: maybe -- "
                        "must be 'yes', 'no', or 'adaptive'\nUse --help for more information.\n");
}

static void
scripts__options__land_in_fields(void **state)
{
    assert_true(run("--dev",
                    "tun",
                    "--up",
                    "/bin/up.sh",
                    "--down",
                    "/bin/down.sh",
                    "--up-restart",
                    "--down-pre",
                    "--up-delay",
                    "--script-security",
                    "2",
                    "--user",
                    "nobody",
                    "--group",
                    "nogroup",
                    "--chroot",
                    "/var/empty",
                    "--mlock",
                    "--setenv",
                    "A",
                    "b c",
                    "--setenv-safe",
                    "X",
                    "1",
                    NULL));
    assert_string_equal(o.up_script, "/bin/up.sh");
    assert_string_equal(o.down_script, "/bin/down.sh");
    assert_true(o.up_restart && o.down_pre && o.up_delay && o.mlock);
    assert_int_equal(o.script_security, 2);
    assert_string_equal(o.username, "nobody");
    assert_string_equal(o.groupname, "nogroup");
    assert_string_equal(o.chroot_dir, "/var/empty");
    assert_int_equal(o.n_setenv, 2);
    assert_string_equal(o.setenv_names[0], "A");
    assert_string_equal(o.setenv_values[0], "b c");
    assert_string_equal(o.setenv_names[1], "OPENVPN_X");
}

static void
unknown_option__exact_2_6_message(void **state)
{
    assert_false(run("--dev", "tun", "--foo", NULL));
    assert_string_equal(mock_all_msgs,
                        UNRECOGNIZED "[CMD-LINE]:1: foo (" PACKAGE_VERSION ")\n"
                                     "Use --help for more information.\n");
}

static void
ignore_unknown_option__listed_word__accepted(void **state)
{
    assert_true(
      run("--ignore-unknown-option", "future-option", "--dev", "tun", "--future-option", NULL));
    assert_non_null(strstr(mock_all_msgs, "Ignored option not understood"));
}

static void
bad_numbers__error_names_location(void **state)
{
    assert_false(run("--dev", "tun", "--verb", "12", NULL));
    assert_string_equal(mock_last_msg, "Use --help for more information.");
    assert_non_null(
      strstr(mock_all_msgs, "Options error: [CMD-LINE]:1: --verb: '12' is not in 0..11\n"));
    assert_false(run("--dev", "tun", "--port", "70000", NULL));
    assert_non_null(strstr(mock_all_msgs, "--port: '70000' is not in 1..65535"));
    assert_false(run("--dev", "tun", "--ping", "-1", NULL));
    assert_non_null(strstr(mock_all_msgs, "--ping: '-1' is not a number"));
    assert_false(run("--dev", "tun", "--mute", "12abc", NULL));
    assert_non_null(strstr(mock_all_msgs, "--mute: '12abc' is not in"));
    assert_false(run("--dev", "tun", "--script-security", "4", NULL));
    assert_non_null(strstr(mock_all_msgs, "--script-security: '4' is not in 0..3"));
    assert_false(run("--dev", "tun", "--key-direction", "2", NULL));
    assert_non_null(strstr(mock_all_msgs, "Unknown key direction '2' -- must be '0' or '1'"));
}

static void
bad_values__error_names_location(void **state)
{
    assert_false(run("--dev", "tun", "--proto", "foo", NULL));
    assert_non_null(strstr(mock_all_msgs, "[CMD-LINE]:1: --proto: Bad protocol: 'foo'."));
    assert_false(run("--dev", "tun", "--remote", "h", "1", "foo", NULL));
    assert_non_null(strstr(mock_all_msgs, "bad protocol associated with host h: 'foo'"));
    assert_false(run("--dev", "tun", "--ifconfig", "10.0.0.1", "foo", NULL));
    assert_non_null(strstr(mock_all_msgs, "ifconfig parms '10.0.0.1' and 'foo' must be valid"));
    assert_false(run("--dev", "tun", "--topology", "ring", NULL));
    assert_non_null(strstr(mock_all_msgs, "--topology must be net30, p2p, or subnet"));
    assert_false(run("--dev", "tun", "--mssfix", "100", "foo", NULL));
    assert_non_null(strstr(mock_all_msgs, "Unknown parameter to --mssfix: foo"));
    assert_false(run("--dev", "tun", "--genkey", "rsa", NULL));
    assert_non_null(strstr(mock_all_msgs, "unknown --genkey type: rsa"));
    /* 2.6's refusals for the MTU options */
    assert_false(run("--dev", "tun", "--tun-mtu", "1400", "--link-mtu", "1450", NULL));
    assert_non_null(
      strstr(mock_all_msgs, "Options error: only one of --tun-mtu or --link-mtu may be defined"));
    assert_false(run("--dev", "tun", "--proto", "tcp-client", "--fragment", "1300", NULL));
    assert_non_null(
      strstr(mock_all_msgs, "Options error: --fragment can only be used with --proto udp"));
    assert_true(run("--dev", "tun", "--link-mtu", "1450", "--fragment", "1300", "mtu", NULL));
    assert_int_equal(o.link_mtu, 1450);
    assert_true(o.fragment == 1300 && o.fragment_mtu);
    assert_int_equal(o.mssfix, 1300); /* the clamp defaults to the fragment size */
}

static void
not_yet__recognized_option__clear_message(void **state)
{
    assert_false(run("--dev", "tun", "--http-proxy", "p", "8080", NULL));
    assert_non_null(strstr(
      mock_all_msgs, "Options error: [CMD-LINE]:1: --http-proxy: not supported by this build yet"));
}

static void
keepalive__p2p__expands_to_ping_and_restart(void **state)
{
    assert_true(run("--dev", "tun", "--keepalive", "10", "60", NULL));
    assert_int_equal(o.ping_send_timeout, 10);
    assert_int_equal(o.ping_rec_timeout, 60);
    assert_int_equal(o.ping_rec_timeout_action, PING_ACTION_RESTART);
}

static void
keepalive__bad_ratio_or_conflict__2_6_messages(void **state)
{
    assert_false(run("--dev", "tun", "--keepalive", "10", "15", NULL));
    assert_non_null(strstr(mock_all_msgs,
                           "Options error: the second parameter to --keepalive "
                           "(restart timeout=15) must be at least twice"));
    assert_false(run("--dev", "tun", "--keepalive", "10", "60", "--ping", "5", NULL));
    assert_non_null(strstr(mock_all_msgs, "Options error: --keepalive conflicts with --ping"));
    assert_false(run("--dev", "tun", "--keepalive", "10", NULL));
    assert_non_null(strstr(mock_all_msgs, UNRECOGNIZED "[CMD-LINE]:1: keepalive"));
}

static void
ping_exit__sets_action(void **state)
{
    assert_true(run("--dev", "tun", "--ping", "2", "--ping-exit", "9", NULL));
    assert_int_equal(o.ping_send_timeout, 2);
    assert_int_equal(o.ping_rec_timeout, 9);
    assert_int_equal(o.ping_rec_timeout_action, PING_ACTION_EXIT);
}

static void
post__cross_checks__2_6_messages(void **state)
{
    assert_false(run("--verb", "3", NULL));
    assert_non_null(strstr(mock_all_msgs, "Options error: You must define TUN/TAP device (--dev)"));
    assert_false(run("--dev", "tun", "--proto", "tcp", NULL));
    assert_non_null(strstr(mock_all_msgs,
                           "Options error: --proto tcp is ambiguous in this "
                           "context. Please specify --proto tcp-server or "
                           "--proto tcp-client"));
    /* the role resolves "tcp" before the TLS checks (which then want --dh) */
    assert_false(run("--dev", "tun", "--proto", "tcp", "--tls-server", NULL));
    assert_int_equal(o.proto, PROTO_TCP_SERVER);
    assert_non_null(strstr(mock_all_msgs, "Options error: You must define DH file (--dh)"));
    assert_false(run("--dev", "tun", "--tls-client", "--secret", "/dev/null", NULL));
    assert_non_null(strstr(mock_all_msgs,
                           "Options error: specify only one of --tls-server, "
                           "--tls-client, or --secret"));
    assert_false(run("--dev", "tun", "--secret", "/nonexistent/key", NULL));
    assert_non_null(strstr(mock_all_msgs,
                           "Options error: [CMD-LINE]:1: --secret fails with "
                           "'/nonexistent/key': No such file or directory "
                           "(errno=2)"));
}

static void
one_shot__genkey_and_help__need_no_dev(void **state)
{
    assert_true(run("--genkey", "--secret", "/tmp/new.key", NULL));
    assert_int_equal(o.genkey, GENKEY_SECRET);
    assert_string_equal(o.genkey_file, "/tmp/new.key");
    assert_true(run("--genkey", "tls-crypt-v2-server", "s.key", NULL));
    assert_int_equal(o.genkey, GENKEY_TLS_CRYPT_V2_SERVER);
    assert_string_equal(o.genkey_file, "s.key");
    assert_true(run("--help", NULL));
    assert_true(o.help);
    assert_true(run("--version", NULL));
    assert_true(o.version);
    assert_true(run("--show-ciphers", NULL));
    assert_true(o.show_ciphers);
}

/* ---------------------------------------------------------------- files */

static char tmpdir[64];
static char startdir[PATH_MAX];

static int
make_tmpdir(void **state)
{
    strcpy(tmpdir, "/tmp/optionsXXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    assert_non_null(getcwd(startdir, sizeof(startdir)));
    return 0;
}

static int
rm_tmpdir(void **state)
{
    char cmd[128];

    options_free(&o);
    assert_int_equal(chdir(startdir), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
config__nested_with_cd__relative_paths_follow_cd(void **state)
{
    char sub[128], main_conf[128];

    snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file("sub/inner.conf", "verb 6\n<secret>\nKEYDATA\n</secret>\nport 1200\n");
    snprintf(main_conf, sizeof(main_conf), "%s/main.conf", tmpdir);
    {
        char text[256];

        snprintf(text, sizeof(text), "dev tun\ncd %s\nconfig inner.conf\nmute 4\n", sub);
        write_file("main.conf", text);
    }
    assert_true(run(main_conf, NULL));
    assert_string_equal(o.config_file, main_conf);
    assert_string_equal(o.cd_dir, sub);
    assert_int_equal(o.verb, 6);
    assert_int_equal(o.mute, 4);
    assert_true(o.shared_secret_inline);
    assert_string_equal(o.shared_secret_file, "KEYDATA\n");
    assert_string_equal(o.loc_of_secret.file, "inner.conf");
    assert_int_equal(o.loc_of_secret.line, 2);
    assert_string_equal(o.local_port, "1200");
    assert_int_equal(chdir(startdir), 0);
}

static void
config__error_in_nested_file__names_that_file(void **state)
{
    char main_conf[128], text[256];

    write_file("bad.conf", "verb 3\n\nping abc\n");
    snprintf(main_conf, sizeof(main_conf), "%s/m2.conf", tmpdir);
    snprintf(text, sizeof(text), "dev tun\nconfig %s/bad.conf\n", tmpdir);
    write_file("m2.conf", text);
    assert_false(run("--config", main_conf, NULL));
    assert_non_null(strstr(mock_all_msgs, "/bad.conf:3: --ping: 'abc' is not a number\n"));
}

static void
cd__missing_directory__error(void **state)
{
    assert_false(run("--cd", "/nonexistent/dir", "--dev", "tun", NULL));
    assert_non_null(strstr(mock_all_msgs,
                           "Options error: [CMD-LINE]:1: --cd: cd to "
                           "'/nonexistent/dir' failed: No such file or directory"));
}

/* ---------------------------------------------------------------- show */

static void
show__verb_4_dump__has_settings_and_no_key(void **state)
{
    const char *cfg = "dev tun\nverb 4\n<secret>\nTOPSECRETKEY\n</secret>\n";

    options_free(&o);
    options_init_defaults(&o);
    assert_true(opt_parse_text(&o, "s.conf", cfg, strlen(cfg), OPT_W_CONFIG, 1));
    assert_true(options_postprocess(&o));
    mock_msg_reset();
    options_show(&o);
    assert_non_null(strstr(mock_all_msgs, "Current Parameter Settings:\n"));
    assert_non_null(strstr(mock_all_msgs, "  verbosity = 4\n"));
    assert_non_null(strstr(mock_all_msgs, "  dev = 'tun'\n"));
    assert_non_null(strstr(mock_all_msgs, "  shared_secret_file = '[INLINE]'\n"));
    assert_null(strstr(mock_all_msgs, "TOPSECRETKEY"));
}

static void
title__shape__matches_2_6(void **state)
{
    const char *t = options_title();

    assert_int_equal(
      strncmp(t,
              "OpenVPN " PACKAGE_VERSION " " TARGET_ALIAS " [SSL (OpenSSL)]",
              strlen("OpenVPN " PACKAGE_VERSION " " TARGET_ALIAS " [SSL (OpenSSL)]")),
      0);
    assert_non_null(strstr(t, "[EPOLL] [MH/PKTINFO] [AEAD]"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table__rows__sorted_and_unique),
        cmocka_unit_test(defaults__dev_only__match_2_6),
        cmocka_unit_test(logging__options__land_in_fields),
        cmocka_unit_test(transport__options__land_in_fields),
        cmocka_unit_test(device__options__land_in_fields),
        cmocka_unit_test(crypto__options__land_in_fields),
        cmocka_unit_test(compress__variants__map_to_kinds),
        cmocka_unit_test(scripts__options__land_in_fields),
        cmocka_unit_test(unknown_option__exact_2_6_message),
        cmocka_unit_test(ignore_unknown_option__listed_word__accepted),
        cmocka_unit_test(bad_numbers__error_names_location),
        cmocka_unit_test(bad_values__error_names_location),
        cmocka_unit_test(not_yet__recognized_option__clear_message),
        cmocka_unit_test(keepalive__p2p__expands_to_ping_and_restart),
        cmocka_unit_test(keepalive__bad_ratio_or_conflict__2_6_messages),
        cmocka_unit_test(ping_exit__sets_action),
        cmocka_unit_test(post__cross_checks__2_6_messages),
        cmocka_unit_test(one_shot__genkey_and_help__need_no_dev),
        cmocka_unit_test(config__nested_with_cd__relative_paths_follow_cd),
        cmocka_unit_test(config__error_in_nested_file__names_that_file),
        cmocka_unit_test(cd__missing_directory__error),
        cmocka_unit_test(show__verb_4_dump__has_settings_and_no_key),
        cmocka_unit_test(title__shape__matches_2_6),
    };

    return cmocka_run_group_tests(tests, make_tmpdir, rm_tmpdir);
}
