/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl_ncp.c -- data-cipher lists and negotiation (doc/protocol.md §7.3, §7.5):
 * normalisation, optional '?' entries, the server's choice, the P2P result
 * and its log line, fallbacks.
 */
#include "config.h"

#include "test_common.h"

#include "crypto_backend.h"
#include "key_msg.h"
#include "ssl_ncp.h"

static int
setup(void **state)
{
    (void) state;
    crypto_init_library();
    return 0;
}

static void
normalise__mixed_case_and_duplicates__canonical_list(void **state)
{
    char out[NCP_LIST_MAX];
    (void) state;

    assert_true(ncp_list_normalise("aes-256-gcm:AES-128-gcm:AES-256-GCM", out, sizeof(out)));
    assert_string_equal(out, "AES-256-GCM:AES-128-GCM");
}

static void
normalise__optional_unknown__skipped_mandatory_unknown__fails(void **state)
{
    char out[NCP_LIST_MAX];
    (void) state;

    assert_true(ncp_list_normalise("?FOO-999:AES-128-GCM", out, sizeof(out)));
    assert_string_equal(out, "AES-128-GCM");
    assert_false(ncp_list_normalise("FOO-999:AES-128-GCM", out, sizeof(out)));
    assert_string_equal(out, "");
    assert_false(ncp_list_normalise("?FOO-999", out, sizeof(out)));
    assert_false(ncp_list_normalise("", out, sizeof(out)));
}

static void
list_contains__case_insensitive_whole_entries_only(void **state)
{
    (void) state;
    assert_true(ncp_list_contains("AES-256-GCM:AES-128-GCM", "aes-128-gcm"));
    assert_false(ncp_list_contains("AES-256-GCM:AES-128-GCM", "AES-128"));
    assert_false(ncp_list_contains("AES-256-GCM", ""));
    assert_false(ncp_list_contains("", "AES-256-GCM"));
}

static void
server_choose__verified_example__aes_128_gcm(void **state)
{
    char out[64];
    (void) state;

    /* §7.3, seen from 2.6: server order wins */
    assert_int_equal(ncp_server_choose("AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
                                       "IV_CIPHERS=CHACHA20-POLY1305:AES-128-GCM\nIV_PROTO=990\n",
                                       NULL,
                                       NULL,
                                       out,
                                       sizeof(out)),
                     NCP_CHOICE_NEGOTIATED);
    assert_string_equal(out, "AES-128-GCM");
}

static void
server_choose__iv_ncp2_occ_fallback_and_failure(void **state)
{
    char out[64];
    (void) state;

    assert_int_equal(
      ncp_server_choose("AES-128-GCM:AES-256-GCM", "IV_NCP=2\n", NULL, NULL, out, sizeof(out)),
      NCP_CHOICE_NEGOTIATED);
    assert_string_equal(out, "AES-128-GCM");
    /* OCC cipher of an old client */
    assert_int_equal(
      ncp_server_choose("AES-256-GCM:AES-256-CBC", "", "AES-256-CBC", NULL, out, sizeof(out)),
      NCP_CHOICE_NEGOTIATED);
    assert_string_equal(out, "AES-256-CBC");
    /* OCC cipher ignored when IV_CIPHERS is there */
    assert_int_equal(ncp_server_choose("AES-256-GCM:AES-256-CBC",
                                       "IV_CIPHERS=AES-128-GCM\n",
                                       "AES-256-CBC",
                                       NULL,
                                       out,
                                       sizeof(out)),
                     NCP_CHOICE_FAILED);
    /* no information at all: the fallback */
    assert_int_equal(ncp_server_choose("AES-256-GCM", "", NULL, "AES-128-CBC", out, sizeof(out)),
                     NCP_CHOICE_FALLBACK);
    assert_string_equal(out, "AES-128-CBC");
    assert_int_equal(ncp_server_choose("AES-256-GCM", "", NULL, NULL, out, sizeof(out)),
                     NCP_CHOICE_FAILED);
}

static void
p2p__verified_example__log_line_matches(void **state)
{
    struct ncp_p2p_result r;
    char line[256];
    const char *peer = "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=746\n";
    (void) state;

    assert_true(ncp_p2p_negotiate(false, "AES-256-GCM:AES-128-GCM", NULL, 42, peer, &r));
    assert_true(r.negotiated && r.data_v2 && r.ekm && r.cipher_common);
    assert_false(r.cc_exit); /* we did not announce bit 7 */
    assert_string_equal(r.cipher, "AES-256-GCM");
    ncp_p2p_format_result(&r, 10470634, line, sizeof(line));
    assert_string_equal(line,
                        "P2P mode NCP negotiation result: TLS_export=1, DATA_v2=1, "
                        "peer-id 10470634, cipher=AES-256-GCM");
}

static void
p2p__tls_server_order_decides_on_both_sides(void **state)
{
    struct ncp_p2p_result srv, cli;
    (void) state;

    /* server prefers 128, client prefers 256: both pick 128 */
    assert_true(ncp_p2p_negotiate(true,
                                  "AES-128-GCM:AES-256-GCM",
                                  NULL,
                                  42,
                                  "IV_CIPHERS=AES-256-GCM:AES-128-GCM\nIV_PROTO=42\n",
                                  &srv));
    assert_true(ncp_p2p_negotiate(false,
                                  "AES-256-GCM:AES-128-GCM",
                                  NULL,
                                  42,
                                  "IV_CIPHERS=AES-128-GCM:AES-256-GCM\nIV_PROTO=42\n",
                                  &cli));
    assert_string_equal(srv.cipher, "AES-128-GCM");
    assert_string_equal(cli.cipher, "AES-128-GCM");
}

static void
p2p__no_common_cipher__fallback_or_failure(void **state)
{
    struct ncp_p2p_result r;
    char line[256];
    const char *peer = "IV_CIPHERS=CHACHA20-POLY1305\nIV_PROTO=42\n";
    (void) state;

    assert_true(ncp_p2p_negotiate(true, "AES-256-GCM", "AES-256-CBC", 42, peer, &r));
    assert_false(r.cipher_common);
    assert_string_equal(r.cipher, "AES-256-CBC");
    ncp_p2p_format_result(&r, 0x76706e, line, sizeof(line));
    assert_non_null(strstr(line, "cipher=(not negotiated, fallback-cipher: AES-256-CBC)"));
    assert_false(ncp_p2p_negotiate(true, "AES-256-GCM", NULL, 42, peer, &r));
}

static void
p2p__legacy_peer__no_negotiation_fallback_only(void **state)
{
    struct ncp_p2p_result r;
    (void) state;

    assert_true(ncp_p2p_negotiate(true, "AES-256-GCM", "AES-256-CBC", 42, "IV_PROTO=2\n", &r));
    assert_false(r.negotiated);
    assert_false(r.data_v2);
    assert_false(r.ekm);
    assert_string_equal(r.cipher, "AES-256-CBC");
    assert_false(ncp_p2p_negotiate(true, "AES-256-GCM", NULL, 42, "", &r));
}

static void
p2p__peer_without_ekm__data_v2_prf(void **state)
{
    struct ncp_p2p_result r;
    (void) state;

    assert_true(ncp_p2p_negotiate(
      true, "AES-256-GCM", NULL, 42, "IV_CIPHERS=AES-256-GCM\nIV_PROTO=34\n", &r));
    assert_true(r.data_v2);
    assert_false(r.ekm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalise__mixed_case_and_duplicates__canonical_list),
        cmocka_unit_test(normalise__optional_unknown__skipped_mandatory_unknown__fails),
        cmocka_unit_test(list_contains__case_insensitive_whole_entries_only),
        cmocka_unit_test(server_choose__verified_example__aes_128_gcm),
        cmocka_unit_test(server_choose__iv_ncp2_occ_fallback_and_failure),
        cmocka_unit_test(p2p__verified_example__log_line_matches),
        cmocka_unit_test(p2p__tls_server_order_decides_on_both_sides),
        cmocka_unit_test(p2p__no_common_cipher__fallback_or_failure),
        cmocka_unit_test(p2p__legacy_peer__no_negotiation_fallback_only),
        cmocka_unit_test(p2p__peer_without_ekm__data_v2_prf),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
