/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_push.c -- options_push_apply() on PUSH_REPLY option lists:
 * a real 2.6.14 reply, pull-filter accept/ignore/reject, --route-nopull,
 * options not allowed in a push, push-continuation, a truncation sweep,
 * and options_push_save()/options_push_restore() across a reconnect.
 */
#include "config.h"

#include "test_common.h"

#include "options.h"
#include "options_parse.h"
#include "options_push.h"
#include "options_table.h"
#include "strutil.h"

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

/* What a 2.6.14 server sent to a 2.6 client (topology subnet, keepalive 10 60). */
#define REAL_REPLY                                                                  \
    "route 10.1.0.0 255.255.0.0,route-gateway 10.8.0.1,topology subnet,ping 10,"    \
    "ping-restart 60,ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM," \
    "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500"

static struct options o;

static void
fresh(void)
{
    options_free(&o);
    options_init_defaults(&o);
    mock_msg_reset();
}

static void
add_filter(int action, const char *text)
{
    o.pull_filters[o.n_pull_filters].action = action;
    o.pull_filters[o.n_pull_filters].text = xstrdup(text);
    o.n_pull_filters++;
}

static bool
has(const char *s)
{
    return strstr(mock_all_msgs, s) != NULL;
}

static void
apply__real_reply__fields_set(void **state)
{
    int cont = -1;

    fresh();
    assert_int_equal(options_push_apply(&o, REAL_REPLY, &cont), PUSH_APPLY_OK);
    assert_int_equal(cont, 0);
    assert_int_equal(o.n_routes, 1);
    assert_string_equal(o.routes[0].network, "10.1.0.0");
    assert_string_equal(o.routes[0].netmask, "255.255.0.0");
    assert_string_equal(o.route_default_gateway, "10.8.0.1");
    assert_int_equal(o.topology, TOP_SUBNET);
    assert_int_equal(o.ping_send_timeout, 10);
    assert_int_equal(o.ping_rec_timeout, 60);
    assert_int_equal(o.ping_rec_timeout_action, PING_ACTION_RESTART);
    assert_string_equal(o.ifconfig_local, "10.8.0.2");
    assert_string_equal(o.ifconfig_remote_netmask, "255.255.255.0");
    assert_int_equal(o.peer_id, 0);
    assert_string_equal(o.ciphername, "AES-256-GCM");
    assert_true(o.protocol_flags_defined);
    assert_true(o.pf_cc_exit);
    assert_true(o.pf_tls_ekm);
    assert_true(o.pf_dyn_tls_crypt);
    assert_int_equal(o.tun_mtu, 1500);
    assert_int_equal(mock_fatal_count, 0);
    assert_false(has("Options error"));
}

static void
apply__client_only_items__decoded_and_appended(void **state)
{
    fresh();
    assert_int_equal(options_push_apply(&o,
                                        "auth-token SESS_ID_AT_abc,auth-token-user dXNlcg==,"
                                        "dhcp-option DNS 10.8.0.1,dhcp-option DOMAIN example.org,"
                                        "redirect-gateway def1 bypass-dhcp,key-derivation tls-ekm,"
                                        "block-ipv6,tun-ipv6,"
                                        "echo hello,setenv-safe FOO bar,route-gateway dhcp",
                                        NULL),
                     PUSH_APPLY_OK);
    assert_string_equal(o.auth_token, "SESS_ID_AT_abc");
    assert_string_equal(o.auth_token_user, "user");
    assert_int_equal(o.n_dhcp_options, 2);
    assert_string_equal(o.dhcp_options[0], "DNS 10.8.0.1");
    assert_string_equal(o.dhcp_options[1], "DOMAIN example.org");
    assert_int_equal(o.redirect_gateway, RG_ENABLE | RG_DEF1 | RG_BYPASS_DHCP);
    assert_true(o.key_derivation_ekm);
    assert_true(o.block_ipv6);
    assert_true(o.route_gateway_dhcp);
    assert_int_equal(o.n_setenv, 1);
    assert_string_equal(o.setenv_names[0], "OPENVPN_FOO");
    assert_false(has("Options error"));
}

/* 2.6 on Linux does not know the Windows options: a pushed one is an
 * "Unrecognized option" line and the rest of the push still applies. */
static void
apply__windows_only_items__unrecognized_and_skipped(void **state)
{
    fresh();
    assert_int_equal(options_push_apply(&o, "block-outside-dns,register-dns,block-ipv6", NULL),
                     PUSH_APPLY_OK);
    assert_true(has("Unrecognized option or missing or extra parameter(s) in [PUSH-OPTIONS]:1: "
                    "block-outside-dns"));
    assert_true(o.block_ipv6);
}

static void
pull_filter__accept_ignore_reject__first_match_wins(void **state)
{
    fresh();
    add_filter(PF_ACCEPT, "route 10.1.");
    add_filter(PF_IGNORE, "route ");
    add_filter(PF_IGNORE, "ping");
    assert_int_equal(options_push_apply(&o,
                                        "route 10.1.0.0 255.255.0.0,route 10.2.0.0 "
                                        "255.255.0.0,ping 10,ping-restart 60,topology subnet",
                                        NULL),
                     PUSH_APPLY_OK);
    assert_int_equal(o.n_routes, 1);
    assert_string_equal(o.routes[0].network, "10.1.0.0");
    assert_true(has("Pushed option accepted by filter: 'route 10.1.0.0 255.255.0.0'"));
    assert_true(has("Pushed option removed by filter: 'route 10.2.0.0 255.255.0.0'"));
    assert_true(has("Pushed option removed by filter: 'ping-restart 60'"));
    assert_int_equal(o.ping_send_timeout, 0);
    assert_int_equal(o.ping_rec_timeout, 0);
    assert_int_equal(o.topology, TOP_SUBNET); /* the texts are literals: not owned */
}

static void
pull_filter__reject__stops_and_asks_restart(void **state)
{
    int cont = -1;

    fresh();
    add_filter(PF_REJECT, "redirect-gateway");
    assert_int_equal(options_push_apply(&o,
                                        "topology subnet,redirect-gateway def1,ping 10,"
                                        "push-continuation 2",
                                        &cont),
                     PUSH_APPLY_REJECTED);
    assert_true(has("Pushed option rejected by filter: 'redirect-gateway def1'. Restarting."));
    assert_int_equal(o.topology, TOP_SUBNET);
    assert_int_equal(o.redirect_gateway, 0);
    assert_int_equal(o.ping_send_timeout, 0); /* nothing after the reject is applied */
    assert_int_equal(cont, 0);
}

static void
route_nopull__routes_and_dhcp__dropped_with_2_6_message(void **state)
{
    fresh();
    o.route_nopull = true;
    assert_int_equal(options_push_apply(&o,
                                        "route 10.1.0.0 255.255.0.0,route-ipv6 2001:db8::/64,"
                                        "redirect-gateway def1,dhcp-option DNS 1.1.1.1,"
                                        "route-gateway 10.8.0.1,ifconfig 10.8.0.2 "
                                        "255.255.255.0",
                                        NULL),
                     PUSH_APPLY_OK);
    assert_int_equal(o.n_routes, 0);
    assert_int_equal(o.n_routes6, 0);
    assert_int_equal(o.redirect_gateway, 0);
    assert_int_equal(o.n_dhcp_options, 0);
    assert_true(has("Options error: option 'route' cannot be used in this context "
                    "([PUSH-OPTIONS])"));
    assert_true(has("Options error: option 'redirect-gateway' cannot be used in this context "
                    "([PUSH-OPTIONS])"));
    assert_string_equal(o.route_default_gateway, "10.8.0.1");
    assert_string_equal(o.ifconfig_local, "10.8.0.2");
}

static void
disallowed_and_unknown__logged_and_skipped(void **state)
{
    fresh();
    assert_int_equal(options_push_apply(&o,
                                        "verb 9,dev tap0,no-such-option 1,ping 5,"
                                        "route 300.1.1.1 bad,topology subnet",
                                        NULL),
                     PUSH_APPLY_OK);
    assert_true(has("Options error: option 'verb' cannot be used in this context "
                    "([PUSH-OPTIONS])"));
    assert_true(has("Options error: option 'dev' cannot be used in this context "
                    "([PUSH-OPTIONS])"));
    assert_true(has("Options error: Unrecognized option or missing or extra parameter(s) in "
                    "[PUSH-OPTIONS]:3: no-such-option"));
    assert_true(has("[PUSH-OPTIONS]:5: --route: bad netmask 'bad'"));
    assert_int_equal(o.verb, 1);
    assert_null(o.dev);
    assert_int_equal(o.ping_send_timeout, 5);
    assert_int_equal(o.n_routes, 0);
    assert_int_equal(o.topology, TOP_SUBNET);
    assert_int_equal(mock_fatal_count, 0);
}

static void
continuation__values__reported_and_consumed(void **state)
{
    int cont = -1;

    fresh();
    assert_int_equal(options_push_apply(&o, "route 10.1.0.0,push-continuation 2", &cont),
                     PUSH_APPLY_OK);
    assert_int_equal(cont, 2);
    assert_int_equal(options_push_apply(&o, "route 10.2.0.0,push-continuation 1", &cont),
                     PUSH_APPLY_OK);
    assert_int_equal(cont, 1);
    assert_int_equal(o.n_routes, 2); /* routes of both parts accumulate */
    assert_int_equal(options_push_apply(&o, "ping 3", &cont), PUSH_APPLY_OK);
    assert_int_equal(cont, 0);
    assert_int_equal(options_push_apply(&o, "", &cont), PUSH_APPLY_OK);
    assert_int_equal(cont, 0);
    assert_false(has("Options error"));
}

static void
odd_items__empty_blank_quoted_too_long__handled(void **state)
{
    char list[600];

    fresh();
    assert_int_equal(options_push_apply(&o, ",, ,  ping 7,setenv-safe X \"a b\",", NULL),
                     PUSH_APPLY_OK);
    assert_int_equal(o.ping_send_timeout, 7);
    assert_string_equal(o.setenv_values[0], "a b");
    memset(list, 'a', sizeof(list) - 1);
    list[sizeof(list) - 1] = '\0';
    memcpy(list, "echo ", 5);
    memcpy(list + 550, ",ping 8", 8);
    assert_int_equal(options_push_apply(&o, list, NULL), PUSH_APPLY_OK);
    assert_true(has("pushed option too long"));
    assert_int_equal(o.ping_send_timeout, 8);
}

/* Every prefix of a long reply: never crashes, never fatal, applies at most the full set. */
static void
truncation_sweep__long_list__every_prefix_safe(void **state)
{
    char list[2048], cut[2048];
    size_t len;

    snprintf(list,
             sizeof(list),
             "%s,route-ipv6 2001:db8:1::/64,ifconfig-ipv6 2001:db8::1000/64 2001:db8::1,"
             "dhcp-option DNS 10.8.0.1,redirect-gateway def1,auth-token SESS_ID_AT_x,"
             "auth-token-user dXNlcg==,setenv-safe A \"b c\",push-continuation 2",
             REAL_REPLY);
    len = strlen(list);
    for (size_t n = 0; n <= len; n++)
    {
        int cont = -1;

        memcpy(cut, list, n);
        cut[n] = '\0';
        fresh();
        assert_int_equal(options_push_apply(&o, cut, &cont), PUSH_APPLY_OK);
        assert_int_equal(mock_fatal_count, 0);
        assert_true(o.n_routes <= 1);
        assert_true(o.n_routes6 <= 1);
        assert_true(o.n_dhcp_options <= 1);
        assert_true(cont == 0 || (cont == 2 && n == len));
    }
    assert_int_equal(o.n_routes, 1);
    assert_string_equal(o.auth_token_user, "user");
}

static void
save_restore__reconnect__pushed_values_forgotten(void **state)
{
    struct push_saved saved = { 0 };
    const char *conf = "route 192.0.2.0 255.255.255.0\ndhcp-option DNS 1.1.1.1\nping 15\n";

    fresh();
    assert_true(opt_parse_text(&o, "c.conf", conf, strlen(conf), OPT_W_CONFIG, 0));
    options_push_save(&o, &saved);
    assert_int_equal(options_push_apply(&o,
                                        REAL_REPLY ",dhcp-option DNS 10.8.0.1,"
                                                   "redirect-gateway def1,auth-token T1",
                                        NULL),
                     PUSH_APPLY_OK);
    assert_int_equal(o.n_routes, 2);
    assert_int_equal(o.ping_send_timeout, 10);
    options_push_restore(&o, &saved);
    assert_int_equal(o.n_routes, 1);
    assert_string_equal(o.routes[0].network, "192.0.2.0");
    assert_int_equal(o.n_dhcp_options, 1);
    assert_string_equal(o.dhcp_options[0], "DNS 1.1.1.1");
    assert_int_equal(o.ping_send_timeout, 15);
    assert_null(o.ifconfig_local);
    assert_null(o.ciphername);
    assert_int_equal(o.topology, TOP_NET30);
    assert_int_equal(o.peer_id, -1);
    assert_false(o.protocol_flags_defined);
    assert_int_equal(o.redirect_gateway, 0);
    assert_string_equal(o.auth_token, "T1"); /* the session token survives a reconnect */
    /* a second connection gets a different reply on a clean base */
    assert_int_equal(options_push_apply(&o, "route 10.9.0.0 255.255.0.0,topology p2p", NULL),
                     PUSH_APPLY_OK);
    assert_int_equal(o.n_routes, 2);
    assert_string_equal(o.routes[1].network, "10.9.0.0");
    options_push_saved_free(&saved);
    assert_null(saved.copy);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(apply__real_reply__fields_set),
        cmocka_unit_test(apply__client_only_items__decoded_and_appended),
        cmocka_unit_test(apply__windows_only_items__unrecognized_and_skipped),
        cmocka_unit_test(pull_filter__accept_ignore_reject__first_match_wins),
        cmocka_unit_test(pull_filter__reject__stops_and_asks_restart),
        cmocka_unit_test(route_nopull__routes_and_dhcp__dropped_with_2_6_message),
        cmocka_unit_test(disallowed_and_unknown__logged_and_skipped),
        cmocka_unit_test(continuation__values__reported_and_consumed),
        cmocka_unit_test(odd_items__empty_blank_quoted_too_long__handled),
        cmocka_unit_test(truncation_sweep__long_list__every_prefix_safe),
        cmocka_unit_test(save_restore__reconnect__pushed_values_forgotten),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    options_free(&o);
    return rc;
}
