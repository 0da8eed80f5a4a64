/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_ccd.c -- --client-config-dir files: every ccd directive,
 * bad lines logged with FILE:LINE and skipped (the rest still applies),
 * nested --config, unreadable files, a truncation sweep, and the common
 * name to file name mapping.
 */
#include "config.h"

#include "test_common.h"

#include <arpa/inet.h>
#include <unistd.h>

#include "options.h"
#include "options_ccd.h"
#include "options_parse.h"

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

#define CCD_TEXT                                      \
    "# client1\n"                                     \
    "push \"route 192.0.2.0 255.255.255.0\"\n"        \
    "push-remove dhcp-option\n"                       \
    "iroute 10.9.0.0 255.255.255.0\n"                 \
    "iroute 10.10.0.7\n"                              \
    "iroute-ipv6 2001:db8:9::1/48\n"                  \
    "ifconfig-push 10.8.0.5 255.255.255.0\n"          \
    "ifconfig-ipv6-push 2001:db8::5/64 2001:db8::1\n" \
    "setenv FOO bar\n"                                \
    "echo hello\n"                                    \
    "push-reset\n"

static char tmpdir[64];

static bool
has(const char *s)
{
    return strstr(mock_all_msgs, s) != NULL;
}

static uint32_t
ip(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return ntohl(a.s_addr);
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int
setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ccdtest.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
read__every_directive__stored(void **state)
{
    struct client_config cc;
    char path[128];
    uint8_t a6[16];

    snprintf(path, sizeof(path), "%s/client1", tmpdir);
    write_file(path, CCD_TEXT);
    mock_msg_reset();
    assert_true(client_config_read(path, &cc));
    assert_false(has("Options error"));
    assert_int_equal(cc.n_push, 1);
    assert_string_equal(cc.push[0], "route 192.0.2.0 255.255.255.0");
    assert_int_equal(cc.n_push_remove, 1);
    assert_string_equal(cc.push_remove[0], "dhcp-option");
    assert_true(cc.push_reset);
    assert_false(cc.disable);
    assert_int_equal(cc.n_iroutes, 2);
    assert_int_equal(cc.iroutes[0].network, ip("10.9.0.0"));
    assert_int_equal(cc.iroutes[0].bits, 24);
    assert_int_equal(cc.iroutes[1].network, ip("10.10.0.7"));
    assert_int_equal(cc.iroutes[1].bits, 32);
    assert_int_equal(cc.n_iroutes6, 1);
    inet_pton(AF_INET6, "2001:db8:9::", a6); /* host bits cleared */
    assert_memory_equal(cc.iroutes6[0].network, a6, 16);
    assert_int_equal(cc.iroutes6[0].bits, 48);
    assert_true(cc.ifconfig_push_defined);
    assert_int_equal(cc.ifconfig_push_local, ip("10.8.0.5"));
    assert_int_equal(cc.ifconfig_push_remote_netmask, ip("255.255.255.0"));
    assert_true(cc.ifconfig_ipv6_push_defined);
    inet_pton(AF_INET6, "2001:db8::5", a6);
    assert_memory_equal(cc.ifconfig_ipv6_push_local, a6, 16);
    assert_int_equal(cc.ifconfig_ipv6_push_bits, 64);
    inet_pton(AF_INET6, "2001:db8::1", a6);
    assert_memory_equal(cc.ifconfig_ipv6_push_remote, a6, 16);
    client_config_free(&cc);
    assert_int_equal(cc.n_push, 0);
    assert_null(cc.push[0]);
}

static void
read__bad_lines__logged_with_location_and_skipped(void **state)
{
    struct client_config cc;
    char path[128], want[256];

    snprintf(path, sizeof(path), "%s/bad", tmpdir);
    write_file(path,
               "verb 4\n"
               "bogus-option x\n"
               "iroute 10.0.0.300\n"
               "ifconfig-push 10.8.0.5\n"
               "iroute 10.1.0.0 255.0.255.0\n"
               "push \"unterminated\n"
               "disable\n"
               "iroute 10.2.0.0 255.255.0.0\n");
    mock_msg_reset();
    assert_true(client_config_read(path, &cc));
    snprintf(want,
             sizeof(want),
             "Options error: option 'verb' cannot be used in this context (%s:1)",
             path);
    assert_true(has(want));
    snprintf(want,
             sizeof(want),
             "Unrecognized option or missing or extra parameter(s) in %s:2: bogus-option",
             path);
    assert_true(has(want));
    snprintf(want, sizeof(want), "%s:3: --iroute: bad network/netmask", path);
    assert_true(has(want));
    snprintf(want, sizeof(want), "in %s:4: ifconfig-push", path);
    assert_true(has(want));
    assert_true(has("netmask '255.0.255.0' is not contiguous"));
    assert_true(has("No closing quotation"));
    assert_true(cc.disable); /* lines after the bad ones still count */
    assert_int_equal(cc.n_iroutes, 1);
    assert_int_equal(cc.iroutes[0].network, ip("10.2.0.0"));
    assert_false(cc.ifconfig_push_defined);
    assert_int_equal(cc.n_push, 0);
    assert_int_equal(mock_fatal_count, 0);
    client_config_free(&cc);
}

static void
read__nested_config__ccd_context_kept(void **state)
{
    struct client_config cc;
    char path[128], inc[128], text[256];

    snprintf(inc, sizeof(inc), "%s/common", tmpdir);
    write_file(inc, "push \"ping 5\"\niroute 10.5.0.0 255.255.0.0\n");
    snprintf(path, sizeof(path), "%s/client2", tmpdir);
    snprintf(text, sizeof(text), "config %s\npush \"ping-restart 30\"\n", inc);
    write_file(path, text);
    mock_msg_reset();
    assert_true(client_config_read(path, &cc));
    assert_false(has("Options error"));
    assert_int_equal(cc.n_push, 2);
    assert_string_equal(cc.push[0], "ping 5");
    assert_string_equal(cc.push[1], "ping-restart 30");
    assert_int_equal(cc.n_iroutes, 1);
    client_config_free(&cc);
}

static void
read__missing_file__false(void **state)
{
    struct client_config cc;
    char path[128];

    snprintf(path, sizeof(path), "%s/nobody", tmpdir);
    assert_false(client_config_read(path, &cc));
    assert_int_equal(cc.n_push, 0);
    assert_false(cc.disable);
}

static void
ccd_only_options__in_main_config__rejected(void **state)
{
    struct options o;
    const char *text = "iroute 10.0.0.0 255.0.0.0\n";

    options_init_defaults(&o);
    mock_msg_reset();
    assert_false(opt_parse_text(&o, "s.conf", text, strlen(text), OPT_W_CONFIG, 0));
    assert_true(has("Options error: option 'iroute' cannot be used in this context (s.conf:1)"));
    options_free(&o);
}

static void
parse_text__truncation_sweep__every_prefix_safe(void **state)
{
    const char *text = CCD_TEXT "disable\n";
    size_t len = strlen(text);

    for (size_t n = 0; n <= len; n++)
    {
        struct client_config cc;

        mock_msg_reset();
        assert_true(client_config_parse_text("sweep", text, n, &cc));
        assert_int_equal(mock_fatal_count, 0);
        assert_true(cc.n_push <= 1);
        assert_true(cc.n_iroutes <= 2);
        assert_true(cc.disable == (n >= len - 1)); /* "disable" needs no newline */
        client_config_free(&cc);
    }
}

static void
file_name__mangling__2_6_rules(void **state)
{
    char out[64];

    assert_true(client_config_file_name("/etc/ccd", "client1", out, sizeof(out)));
    assert_string_equal(out, "/etc/ccd/client1");
    assert_true(client_config_file_name("ccd", "../../etc/passwd", out, sizeof(out)));
    assert_string_equal(out, "ccd/.._.._etc_passwd");
    assert_true(client_config_file_name("ccd",
                                        "a\tb\nc\x7f"
                                        "d\xc3\xa9",
                                        out,
                                        sizeof(out)));
    assert_string_equal(out, "ccd/a_b_c_d__");
    assert_true(client_config_file_name("ccd", "John Doe@example.org", out, sizeof(out)));
    assert_string_equal(out, "ccd/John Doe@example.org");
    assert_false(client_config_file_name("ccd", ".", out, sizeof(out)));
    assert_false(client_config_file_name("ccd", "..", out, sizeof(out)));
    assert_false(client_config_file_name("ccd", "", out, sizeof(out)));
    assert_false(client_config_file_name("ccd", "client1", out, 11)); /* needs 12 */
    assert_true(client_config_file_name("ccd", "client1", out, 12));
    assert_string_equal(out, "ccd/client1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read__every_directive__stored),
        cmocka_unit_test(read__bad_lines__logged_with_location_and_skipped),
        cmocka_unit_test(read__nested_config__ccd_context_kept),
        cmocka_unit_test(read__missing_file__false),
        cmocka_unit_test(ccd_only_options__in_main_config__rejected),
        cmocka_unit_test(parse_text__truncation_sweep__every_prefix_safe),
        cmocka_unit_test(file_name__mangling__2_6_rules),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
