/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_dco.c -- 2.6's option rules for data channel offload
 * (options_dco.c): each rule that rules DCO out logs 2.6's line (texts as
 * the reference 2.6.14 prints them at --verb 3), only the first one
 * speaks, --disable-dco is silent, and the usual configurations pass.
 */
#include "config.h"

#include "test_common.h"

#include "options.h"
#include "options_dco.h"
#include "options_parse.h"
#include "platform.h"
#include "test_options_argv.h"

const char *
comp_lzo_version(void)
{
    return "2.10";
}

/* platform.c is not linked: the capabilities the process would have */
static enum platform_caps caps_now = PLATFORM_CAPS_OK;

enum platform_caps
platform_net_admin_retainable(void)
{
    return caps_now;
}

#define TLS_SERVER "--tls-server --ca /dev/null --cert /dev/null --key /dev/null --dh none "
#define P2P        "--dev tun --ifconfig 10.1.0.1 10.1.0.2 "
#define SERVER     "--dev tun --server 10.8.0.0 255.255.255.0 " TLS_SERVER

static struct options o;

/* Parse a command line (words separated by single spaces), then run the rules. */
static bool
allowed(const char *line)
{
    assert_true(test_options_parse_line(&o, line));
    mock_msg_reset();
    return options_dco_allowed(&o);
}

static int
count(const char *s)
{
    int n = 0;

    for (const char *p = strstr(mock_all_msgs, s); p; p = strstr(p + 1, s))
    {
        n++;
    }
    return n;
}

static void
tls_p2p__default__allowed_silently(void **state)
{
    (void) state;
    assert_true(allowed(P2P TLS_SERVER));
    assert_int_equal(count("offload"), 0);
}

static void
server_subnet__aead_ciphers__allowed(void **state)
{
    (void) state;
    assert_true(allowed(SERVER "--topology subnet --data-ciphers AES-128-GCM:chacha20-poly1305"));
    assert_int_equal(count("offload"), 0);
}

static void
client__default__allowed(void **state)
{
    (void) state;
    assert_true(allowed("--client --dev tun --remote 198.51.100.1 --ca /dev/null --cert /dev/null "
                        "--key /dev/null"));
}

static void
disable_dco__refused_silently(void **state)
{
    (void) state;
    assert_false(allowed(P2P TLS_SERVER "--disable-dco"));
    assert_int_equal(count("offload"), 0);
}

static void
static_key__refused_with_2_6_line(void **state)
{
    (void) state;
    assert_false(allowed(P2P "--secret /dev/null"));
    assert_int_equal(count("No tls-client or tls-server option in configuration detected. "
                           "Disabling data channel offload."), 1);
}

static void
tap__refused_with_2_6_line(void **state)
{
    (void) state;
    assert_false(allowed("--dev tap " TLS_SERVER));
    assert_int_equal(count("Note: dev-type not tun, disabling data channel offload."), 1);
}

static void
fragment__refused_with_2_6_line(void **state)
{
    (void) state;
    assert_false(allowed(P2P TLS_SERVER "--fragment 1300"));
    assert_int_equal(count("Note: --fragment disables data channel offload."), 1);
}

static void
server_net30__refused_with_2_6_line(void **state)
{
    (void) state;
    assert_false(allowed(SERVER));
    assert_int_equal(count("Note: NOT using '--topology subnet' disables data channel offload."), 1);
}

static void
fallback_cipher__refused_naming_it(void **state)
{
    (void) state;
    assert_false(allowed(P2P TLS_SERVER "--data-ciphers-fallback AES-256-CBC"));
    assert_int_equal(count("Note: --data-ciphers-fallback with cipher 'AES-256-CBC' disables data "
                           "channel offload."), 1);
}

static void
cbc_in_data_ciphers__refused_naming_it(void **state)
{
    (void) state;
    assert_false(allowed(P2P TLS_SERVER "--data-ciphers AES-256-GCM:AES-256-CBC"));
    assert_int_equal(count("Note: cipher 'AES-256-CBC' in --data-ciphers is not supported by "
                           "ovpn-dco, disabling data channel offload."), 1);
}

static void
optional_unknown_cipher__ignored(void **state)
{
    (void) state;
    assert_true(allowed(P2P TLS_SERVER "--data-ciphers ?AES-128-GCM:?FOO-CBC"));
}

static void
compression__refused_with_2_6_line(void **state)
{
    (void) state;
    assert_false(allowed(P2P TLS_SERVER "--comp-lzo no"));
    assert_int_equal(count("Note: '--allow-compression' is not set to 'no', disabling data "
                           "channel offload."), 1);
    assert_false(allowed(P2P TLS_SERVER "--allow-compression asym"));
    assert_int_equal(count("'--allow-compression' is not set to 'no'"), 1);
    assert_true(allowed(P2P TLS_SERVER "--allow-compression no"));
}

static void
compression_in_server__suggests_migrate(void **state)
{
    (void) state;
    assert_false(allowed(SERVER "--topology subnet --compress lz4-v2"));
    assert_int_equal(count("Consider using the '--compress migrate' option."), 1);
}

static void
two_reasons__only_first_logged(void **state)
{
    (void) state;
    /* 2.6 checks --fragment before the device type */
    assert_false(allowed("--dev tap " TLS_SERVER "--fragment 1300"));
    assert_int_equal(count("--fragment disables"), 1);
    assert_int_equal(count("dev-type not tun"), 0);
}

/* 2.6 checks whether CAP_NET_ADMIN can be kept over --user last of all */
static void
user_without_setpcap_or_net_admin__refused_with_2_6_lines(void **state)
{
    (void) state;
    caps_now = PLATFORM_CAPS_NO_SETPCAP;
    assert_false(allowed(P2P TLS_SERVER "--user nobody"));
    assert_int_equal(count("--user specified but lacking CAP_SETPCAP. Cannot retain "
                           "CAP_NET_ADMIN. Disabling data channel offload"), 1);
    assert_true(allowed(P2P TLS_SERVER "--group nogroup")); /* only --user counts */
    assert_false(allowed(P2P TLS_SERVER "--user nobody --data-ciphers AES-256-CBC"));
    assert_int_equal(count("lacking CAP_SETPCAP"), 0);
    caps_now = PLATFORM_CAPS_NO_NET_ADMIN;
    assert_false(allowed(P2P TLS_SERVER "--user nobody"));
    assert_int_equal(count("--user specified but not permitted to retain CAP_NET_ADMIN. "
                           "Disabling data channel offload"), 1);
    caps_now = PLATFORM_CAPS_OK;
    assert_true(allowed(P2P TLS_SERVER "--user nobody"));
}

static void
apply__dev_node_dropped_and_c2c_noted(void **state)
{
    (void) state;
    assert_true(allowed(SERVER "--topology subnet --client-to-client --dev-node /dev/net/tun"));
    options_dco_apply(&o);
    assert_null(o.dev_node);
    assert_int_equal(count("--client-to-client has no effect"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls_p2p__default__allowed_silently),
        cmocka_unit_test(server_subnet__aead_ciphers__allowed),
        cmocka_unit_test(client__default__allowed),
        cmocka_unit_test(disable_dco__refused_silently),
        cmocka_unit_test(static_key__refused_with_2_6_line),
        cmocka_unit_test(tap__refused_with_2_6_line),
        cmocka_unit_test(fragment__refused_with_2_6_line),
        cmocka_unit_test(server_net30__refused_with_2_6_line),
        cmocka_unit_test(fallback_cipher__refused_naming_it),
        cmocka_unit_test(cbc_in_data_ciphers__refused_naming_it),
        cmocka_unit_test(optional_unknown_cipher__ignored),
        cmocka_unit_test(compression__refused_with_2_6_line),
        cmocka_unit_test(compression_in_server__suggests_migrate),
        cmocka_unit_test(two_reasons__only_first_logged),
        cmocka_unit_test(user_without_setpcap_or_net_admin__refused_with_2_6_lines),
        cmocka_unit_test(apply__dev_node_dropped_and_c2c_noted),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    options_free(&o);
    return rc;
}
