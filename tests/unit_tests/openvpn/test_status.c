/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_status.c -- the status texts against what OpenVPN 2.6.14 writes
 * (doc/protocol.md §10.1-10.3): server versions 1, 2 and 3 for one fixed view,
 * and the p2p "OpenVPN STATISTICS" block.  TZ is UTC so the times are fixed.
 */
#include "test_common.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "status.h"

#define TITLE                                                                          \
    "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] " \
    "[MH/PKTINFO] [AEAD] [DCO]"

static char text[8192];
static int n_lines;

static void
collect(void *arg, const char *line)
{
    size_t used = strlen(text);

    assert_null(strchr(line, '\n')); /* lines come without their ends */
    assert_ptr_equal(arg, text);
    snprintf(text + used, sizeof(text) - used, "%s\n", line);
    n_lines++;
}

static const struct status_client clients[] = {
    {
      .common_name = "client1",
      .real_addr = "192.0.2.2:53779",
      .virt_addr = "192.0.2.66",
      .virt_addr6 = "",
      .bytes_in = 2319,
      .bytes_out = 2390,
      .connected_since = 1795319919,
      .username = "alice",
      .client_id = 0,
      .peer_id = 0,
      .cipher = "AES-256-GCM",
    },
    {
      .common_name = "client2",
      .real_addr = "2001:db8::2",
      .virt_addr = "10.8.0.6",
      .virt_addr6 = "2001:db8::1000",
      .bytes_in = 1,
      .bytes_out = 18446744073709551615u,
      .connected_since = 1795319924,
      .username = NULL,
      .client_id = 7,
      .peer_id = 3,
      .cipher = "CHACHA20-POLY1305",
    },
};

static const struct status_route routes[] = {
    { "192.0.2.66", "client1", "192.0.2.2:53779", 1795319919 },
    { "10.9.0.0/24", "client2", "2001:db8::2", 1795319925 },
};

static struct status_server_view
view(void)
{
    struct status_server_view v = {
        .title = TITLE,
        .now = 1795319924,
        .clients = clients,
        .n_clients = ARRAY_SIZE(clients),
        .routes = routes,
        .n_routes = ARRAY_SIZE(routes),
        .max_bcast_queue = 1,
        .dco = false,
    };
    return v;
}

static int
setup(void **state)
{
    (void) state;
    setenv("TZ", "UTC", 1);
    tzset();
    text[0] = '\0';
    n_lines = 0;
    return 0;
}

static void
status_server_lines__version1__matches_26_layout(void **state)
{
    struct status_server_view v = view();
    (void) state;

    status_server_lines(&v, 1, collect, text);
    assert_string_equal(text,
                        "OpenVPN CLIENT LIST\n"
                        "Updated,2026-11-22 03:58:44\n"
                        "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
                        "client1,192.0.2.2:53779,2319,2390,2026-11-22 03:58:39\n"
                        "client2,2001:db8::2,1,18446744073709551615,2026-11-22 03:58:44\n"
                        "ROUTING TABLE\n"
                        "Virtual Address,Common Name,Real Address,Last Ref\n"
                        "192.0.2.66,client1,192.0.2.2:53779,2026-11-22 03:58:39\n"
                        "10.9.0.0/24,client2,2001:db8::2,2026-11-22 03:58:45\n"
                        "GLOBAL STATS\n"
                        "Max bcast/mcast queue length,1\n"
                        "END\n");
}

static const char v2_text[] =
  "TITLE," TITLE "\n"
  "TIME,2026-11-22 03:58:44,1795319924\n"
  "HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,"
  "Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,"
  "Peer ID,Data Channel Cipher\n"
  "CLIENT_LIST,client1,192.0.2.2:53779,192.0.2.66,,2319,2390,2026-11-22 03:58:39,1795319919,"
  "alice,0,0,AES-256-GCM\n"
  "CLIENT_LIST,client2,2001:db8::2,10.8.0.6,2001:db8::1000,1,18446744073709551615,"
  "2026-11-22 03:58:44,1795319924,UNDEF,7,3,CHACHA20-POLY1305\n"
  "HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,Last Ref (time_t)\n"
  "ROUTING_TABLE,192.0.2.66,client1,192.0.2.2:53779,2026-11-22 03:58:39,1795319919\n"
  "ROUTING_TABLE,10.9.0.0/24,client2,2001:db8::2,2026-11-22 03:58:45,1795319925\n"
  "GLOBAL_STATS,Max bcast/mcast queue length,1\n"
  "GLOBAL_STATS,dco_enabled,0\n"
  "END\n";

static void
status_server_lines__version2__matches_26_layout(void **state)
{
    struct status_server_view v = view();
    (void) state;

    status_server_lines(&v, 2, collect, text);
    assert_string_equal(text, v2_text);
    assert_int_equal(n_lines, 11);
}

static void
status_server_lines__version3__is_version2_with_tabs(void **state)
{
    struct status_server_view v = view();
    char expect[sizeof(v2_text)];
    (void) state;

    memcpy(expect, v2_text, sizeof(v2_text));
    for (char *p = expect; *p; p++)
    {
        *p = *p == ',' ? '\t' : *p;
    }
    status_server_lines(&v, 3, collect, text);
    assert_string_equal(text, expect);
    assert_null(strchr(text, ','));
}

static void
status_server_lines__no_clients_dco__headers_and_dco_flag(void **state)
{
    struct status_server_view v = { .title = "T", .now = 0, .dco = true };
    (void) state;

    status_server_lines(&v, 2, collect, text);
    assert_string_equal(text,
                        "TITLE,T\n"
                        "TIME,1970-01-01 00:00:00,0\n"
                        "HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,"
                        "Virtual IPv6 Address,Bytes Received,Bytes Sent,Connected Since,"
                        "Connected Since (time_t),Username,Client ID,Peer ID,"
                        "Data Channel Cipher\n"
                        "HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,"
                        "Last Ref,Last Ref (time_t)\n"
                        "GLOBAL_STATS,Max bcast/mcast queue length,0\n"
                        "GLOBAL_STATS,dco_enabled,1\n"
                        "END\n");
}

static void
status_server_lines__unknown_version__falls_back_to_1(void **state)
{
    struct status_server_view v = view();
    (void) state;

    status_server_lines(&v, 7, collect, text);
    assert_true(strncmp(text, "OpenVPN CLIENT LIST\n", 20) == 0);
}

static void
status_write_lines_file__writes_lf_lines__and_truncates(void **state)
{
    struct status_server_view v = view();
    char path[] = "/tmp/test_status_XXXXXX";
    char buf[8192];
    int fd = mkstemp(path);
    FILE *fp;
    size_t n;
    (void) state;

    assert_true(fd >= 0);
    assert_true(write(fd, "garbage that is longer than nothing\n", 36) == 36);
    close(fd);
    v.n_clients = v.n_routes = 0;
    assert_true(status_write_lines_file(path, &v, 1));
    fp = fopen(path, "r");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    unlink(path);
    assert_null(strstr(buf, "garbage"));
    assert_null(strchr(buf, '\r'));
    assert_true(n > 4 && strcmp(buf + n - 4, "END\n") == 0);
}

static void
status_write_lines_file__unwritable_path__false_and_logged(void **state)
{
    struct status_server_view v = view();
    (void) state;

    mock_msg_reset();
    assert_false(status_write_lines_file("/nonexistent-dir/x/status", &v, 2));
    assert_non_null(strstr(mock_last_msg, "/nonexistent-dir/x/status"));
}

static void
status_p2p_lines__plain__matches_26_block(void **state)
{
    struct status_p2p_view v = {
        .now = 1795319924,
        .tun_read = 1,
        .tun_write = 2,
        .link_read = 3,
        .link_write = 272,
        .auth_read = 5,
    };
    (void) state;

    status_p2p_lines(&v, collect, text);
    assert_string_equal(text,
                        "OpenVPN STATISTICS\n"
                        "Updated,2026-11-22 03:58:44\n"
                        "TUN/TAP read bytes,1\n"
                        "TUN/TAP write bytes,2\n"
                        "TCP/UDP read bytes,3\n"
                        "TCP/UDP write bytes,272\n"
                        "Auth read bytes,5\n"
                        "END\n");
}

static void
status_p2p_lines__compression__adds_four_counters_before_end(void **state)
{
    struct status_p2p_view v = {
        .now = 0,
        .comp = true,
        .pre_comp = 10,
        .post_comp = 9,
        .pre_decomp = 8,
        .post_decomp = 7,
    };
    (void) state;

    status_p2p_lines(&v, collect, text);
    assert_non_null(strstr(text,
                           "Auth read bytes,0\n"
                           "pre-compress bytes,10\n"
                           "post-compress bytes,9\n"
                           "pre-decompress bytes,8\n"
                           "post-decompress bytes,7\n"
                           "END\n"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(status_server_lines__version1__matches_26_layout, setup),
        cmocka_unit_test_setup(status_server_lines__version2__matches_26_layout, setup),
        cmocka_unit_test_setup(status_server_lines__version3__is_version2_with_tabs, setup),
        cmocka_unit_test_setup(status_server_lines__no_clients_dco__headers_and_dco_flag, setup),
        cmocka_unit_test_setup(status_server_lines__unknown_version__falls_back_to_1, setup),
        cmocka_unit_test_setup(status_write_lines_file__writes_lf_lines__and_truncates, setup),
        cmocka_unit_test_setup(status_write_lines_file__unwritable_path__false_and_logged, setup),
        cmocka_unit_test_setup(status_p2p_lines__plain__matches_26_block, setup),
        cmocka_unit_test_setup(status_p2p_lines__compression__adds_four_counters_before_end, setup),
    };

    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
