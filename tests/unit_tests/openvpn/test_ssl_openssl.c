/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl_openssl.c -- the TLS backend end to end, in memory.
 *
 * A throwaway CA, server and client certificates are made at test time
 * with OpenSSL's own APIs (allowed here: this is a test, not production
 * code).  A client and a server session then handshake by shuttling bytes
 * between their memory BIOs, exchange plaintext, and compare exporters.
 * Failures checked: wrong CA, expired certificate, missing client
 * certificate, version mismatch, a verify callback that says no, and
 * configuration errors naming FILE:LINE.
 */
#include "config.h"

#include "test_common.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ssl_backend.h"
#include "ssl_keys.h"
#include "test_certs.h"

/* --- throwaway PKI (test_certs.c) --------------------------------------------- */

static struct pki_entity ca, other_ca, server, client, expired_client, rogue_server;

static int
group_setup(void **state)
{
    const long day = 86400;
    (void) state;

    ssl_library_init();
    make_entity(&ca, "Test CA", NULL, 1, -day, 30 * day, NULL);
    make_entity(&other_ca, "Other CA", NULL, 1, -day, 30 * day, NULL);
    make_entity(&server, "Test-Server", &ca, 0x1234, -day, 30 * day, "serverAuth");
    make_entity(&client, "Test-Client", &ca, 3, -day, 30 * day, "clientAuth");
    make_entity(&expired_client, "Old-Client", &ca, 4, -3 * day, -day, "clientAuth");
    make_entity(&rogue_server, "Test-Server", &other_ca, 5, -day, 30 * day, "serverAuth");
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    free_entity(&ca);
    free_entity(&other_ca);
    free_entity(&server);
    free_entity(&client);
    free_entity(&expired_client);
    free_entity(&rogue_server);
    return 0;
}

/* --- configurations and the handshake pump ---------------------------------- */

static struct ssl_opt
inl(const char *pem, int line)
{
    struct ssl_opt o = { .value = pem, .is_inline = true, .file = "test.conf", .line = line };
    return o;
}

static struct ssl_opt
arg(const char *value, int line)
{
    struct ssl_opt o = { .value = value, .file = "test.conf", .line = line };
    return o;
}

static struct ssl_config
config_for(enum ssl_role role, const struct pki_entity *trust, const struct pki_entity *me)
{
    struct ssl_config c = { .role = role };

    c.ca = inl(trust->cert_pem, 1);
    if (me)
    {
        c.cert = inl(me->cert_pem, 2);
        c.key = inl(me->key_pem, 3);
    }
    if (role == SSL_ROLE_SERVER)
    {
        c.dh = arg("none", 4);
    }
    return c;
}

/* Move every pending ciphertext byte from one session to the other. */
static void
shuttle(struct ssl_session *from, struct ssl_session *to)
{
    uint8_t buf[1500]; /* about one control packet's worth at a time */
    size_t n;

    while (ssl_session_get_ciphertext(from, buf, sizeof(buf), &n) == SSL_IO_OK)
    {
        assert_true(ssl_session_put_ciphertext(to, buf, n));
    }
}

/*
 * Run the handshake to completion or failure.  True when both sides are
 * established.  The sessions are returned either way for inspection.
 */
static bool
handshake(struct ssl_ctx *cctx,
          struct ssl_ctx *sctx,
          struct ssl_session **c,
          struct ssl_session **s)
{
    *c = ssl_session_new(cctx, NULL);
    *s = ssl_session_new(sctx, NULL);
    assert_non_null(*c);
    assert_non_null(*s);

    for (int round = 0; round < 20; round++)
    {
        enum ssl_io rc = ssl_session_handshake(*c);
        shuttle(*c, *s);
        enum ssl_io rs = ssl_session_handshake(*s);
        shuttle(*s, *c);

        if (rc == SSL_IO_ERROR || rs == SSL_IO_ERROR)
        {
            /* let the alert reach the other side, as the real channel would */
            ssl_session_handshake(*c);
            ssl_session_handshake(*s);
            return false;
        }
        if (rc == SSL_IO_OK && rs == SSL_IO_OK)
        {
            return true;
        }
    }
    fail_msg("handshake did not converge");
    return false;
}

/* Send one message each way and check it arrives intact. */
static void
exchange(struct ssl_session *a, struct ssl_session *b, const char *text)
{
    uint8_t buf[256];
    size_t n;

    assert_int_equal(ssl_session_write(a, (const uint8_t *) text, strlen(text) + 1), SSL_IO_OK);
    assert_true(ssl_session_pending_ciphertext(a) > 0);
    shuttle(a, b);
    assert_int_equal(ssl_session_read(b, buf, sizeof(buf), &n), SSL_IO_OK);
    assert_int_equal(n, strlen(text) + 1);
    assert_string_equal((char *) buf, text);
    assert_int_equal(ssl_session_read(b, buf, sizeof(buf), &n), SSL_IO_WANT);
}

static void
assert_exporters_agree(struct ssl_session *c, struct ssl_session *s)
{
    struct key2 kc, ks;
    uint32_t idc, ids;
    uint8_t z[KEY2_SIZE] = { 0 };

    assert_true(ssl_keys_derive_ekm(c, &kc));
    assert_true(ssl_keys_derive_ekm(s, &ks));
    assert_memory_equal(&kc, &ks, sizeof(kc));
    assert_memory_not_equal(kc.keys, z, sizeof(kc.keys));
    assert_true(ssl_keys_p2p_peer_id(c, &idc));
    assert_true(ssl_keys_p2p_peer_id(s, &ids));
    assert_int_equal(idc, ids);
    assert_true(idc <= 0xFFFFFF);
}

/* --- tests ----------------------------------------------------------------- */

static void
handshake__tls13_defaults__established_data_flows_exporters_agree(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx = ssl_ctx_new(&cc), *sctx = ssl_ctx_new(&sc);
    struct ssl_session *c, *s;
    char text[512];
    (void) state;

    assert_non_null(cctx);
    assert_non_null(sctx);
    mock_msg_reset();
    assert_true(handshake(cctx, sctx, &c, &s));
    assert_true(ssl_session_established(c));
    assert_string_equal(ssl_session_version(c), "TLSv1.3");
    assert_string_equal(ssl_session_cipher(s), "TLS_AES_256_GCM_SHA384");
    /* both chains were checked, CA first */
    assert_non_null(strstr(mock_all_msgs, "VERIFY OK: depth=1, C=KG, O=OpenVPN-TEST, CN=Test CA"));
    assert_non_null(
      strstr(mock_all_msgs, "VERIFY OK: depth=0, C=KG, O=OpenVPN-TEST, CN=Test-Server"));
    assert_non_null(
      strstr(mock_all_msgs, "VERIFY OK: depth=0, C=KG, O=OpenVPN-TEST, CN=Test-Client"));

    exchange(c, s, "client key-method-2 stand-in");
    exchange(s, c, "PUSH_REPLY,ping 10");
    assert_exporters_agree(c, s);

    ssl_session_describe(c, text, sizeof(text));
    assert_string_equal(text,
                        "TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: "
                        "256 bits ECprime256v1, signature: ecdsa-with-SHA256, peer "
                        "temporary key: 253 bits X25519");

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static void
handshake__client_max_1_2__tls12_established_exporters_agree(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx, *sctx;
    struct ssl_session *c, *s;
    char text[512];
    (void) state;

    cc.tls_version_max = arg("1.2", 9);
    cctx = ssl_ctx_new(&cc);
    sctx = ssl_ctx_new(&sc);
    assert_non_null(cctx);
    assert_non_null(sctx);
    assert_true(handshake(cctx, sctx, &c, &s));
    assert_string_equal(ssl_session_version(s), "TLSv1.2");
    assert_string_equal(ssl_session_cipher(c), "ECDHE-ECDSA-AES256-GCM-SHA384");
    exchange(c, s, "hello over 1.2");
    exchange(s, c, "and back");
    assert_exporters_agree(c, s);
    ssl_session_describe(c, text, sizeof(text));
    assert_non_null(strstr(text, "TLSv1.2, cipher TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384, "));

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static void
peer_cert__accessors__report_server_certificate(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx = ssl_ctx_new(&cc), *sctx = ssl_ctx_new(&sc);
    struct ssl_session *c, *s;
    const struct ssl_cert *pc;
    char text[2048];
    uint8_t md[64], want[64];
    size_t mdlen;
    unsigned int want_len = 0;
    unsigned int ku;
    (void) state;

    assert_true(handshake(cctx, sctx, &c, &s));
    pc = ssl_session_peer_cert(c);
    assert_non_null(pc);
    assert_true(ssl_cert_subject(pc, text, sizeof(text)));
    assert_string_equal(text, "C=KG, O=OpenVPN-TEST, CN=Test-Server");
    assert_true(ssl_cert_subject_field(pc, "CN", text, sizeof(text)));
    assert_string_equal(text, "Test-Server");
    assert_true(ssl_cert_subject_field(pc, "organizationName", text, sizeof(text)));
    assert_string_equal(text, "OpenVPN-TEST");
    assert_false(ssl_cert_subject_field(pc, "emailAddress", text, sizeof(text)));
    assert_false(ssl_cert_subject_field(pc, "CN", text, 5)); /* does not fit */
    assert_true(ssl_cert_serial_dec(pc, text, sizeof(text)));
    assert_string_equal(text, "4660");
    assert_true(ssl_cert_serial_hex(pc, text, sizeof(text)));
    assert_string_equal(text, "12:34");
    assert_true(ssl_cert_digest(pc, "SHA256", md, sizeof(md), &mdlen));
    assert_int_equal(mdlen, 32);
    assert_true(X509_digest(server.cert, EVP_sha256(), want, &want_len));
    assert_memory_equal(md, want, 32);
    assert_false(ssl_cert_digest(pc, "no-such-digest", md, sizeof(md), &mdlen));
    assert_true(ssl_cert_key_usage(pc, &ku));
    assert_int_equal(ku, SSL_KU_DIGITAL_SIGNATURE | SSL_KU_KEY_AGREEMENT);
    assert_true(ssl_cert_has_eku(pc, "TLS Web Server Authentication"));
    assert_true(ssl_cert_has_eku(pc, "serverAuth"));
    assert_true(ssl_cert_has_eku(pc, "1.3.6.1.5.5.7.3.1"));
    assert_false(ssl_cert_has_eku(pc, "TLS Web Client Authentication"));
    assert_true(ssl_cert_pem(pc, text, sizeof(text)));
    assert_string_equal(text, server.cert_pem);

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static void
handshake__server_from_unknown_ca__client_rejects(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &rogue_server);
    struct ssl_ctx *cctx = ssl_ctx_new(&cc), *sctx = ssl_ctx_new(&sc);
    struct ssl_session *c, *s;
    uint8_t z[8];
    (void) state;

    mock_msg_reset();
    assert_false(handshake(cctx, sctx, &c, &s));
    assert_false(ssl_session_established(c));
    assert_non_null(strstr(ssl_session_error(c), "certificate verify failed"));
    assert_non_null(strstr(mock_all_msgs,
                           "VERIFY ERROR: depth=0, error=unable to get local "
                           "issuer certificate: C=KG, O=OpenVPN-TEST, "
                           "CN=Test-Server, serial=5"));
    assert_false(ssl_session_export(c, EKM_LABEL_DATAKEYS, z, sizeof(z)));

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static void
handshake__expired_client_cert__server_rejects(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &expired_client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx = ssl_ctx_new(&cc), *sctx = ssl_ctx_new(&sc);
    struct ssl_session *c, *s;
    (void) state;

    mock_msg_reset();
    assert_false(handshake(cctx, sctx, &c, &s));
    assert_false(ssl_session_established(s));
    assert_non_null(strstr(ssl_session_error(s), "certificate has expired"));
    assert_non_null(strstr(mock_all_msgs, "VERIFY ERROR: depth=0, error=certificate has expired"));

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static void
handshake__client_without_cert__fails_when_required_ok_when_optional(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, NULL);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx = ssl_ctx_new(&cc), *sctx = ssl_ctx_new(&sc);
    struct ssl_session *c, *s;
    (void) state;

    assert_false(handshake(cctx, sctx, &c, &s));
    assert_false(ssl_session_established(s));
    assert_non_null(strstr(ssl_session_error(s), "peer did not return a certificate"));
    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(sctx);

    sc.verify_client_cert = SSL_VERIFY_CLIENT_OPTIONAL;
    sctx = ssl_ctx_new(&sc);
    assert_true(handshake(cctx, sctx, &c, &s));
    assert_null(ssl_session_peer_cert(s));
    assert_non_null(ssl_session_peer_cert(c));
    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(sctx);
    ssl_ctx_free(cctx);
}

static void
handshake__client_max_1_2_server_min_1_3__fails(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx, *sctx;
    struct ssl_session *c, *s;
    (void) state;

    cc.tls_version_max = arg("1.2", 9);
    sc.tls_version_min = arg("1.3", 10);
    cctx = ssl_ctx_new(&cc);
    sctx = ssl_ctx_new(&sc);
    assert_non_null(cctx);
    assert_non_null(sctx);
    assert_false(handshake(cctx, sctx, &c, &s));
    assert_false(ssl_session_established(c));
    assert_false(ssl_session_established(s));
    assert_non_null(strstr(ssl_session_error(s), "unsupported protocol"));
    assert_non_null(strstr(ssl_session_error(c), "alert protocol version"));

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static int verify_calls;
static int verify_depths;

static bool
reject_leaf(void *arg, const struct ssl_cert *cert, int depth)
{
    char cn[64];

    assert_ptr_equal(arg, &verify_calls);
    assert_true(ssl_cert_subject_field(cert, "CN", cn, sizeof(cn)));
    verify_calls++;
    verify_depths |= 1 << depth;
    return depth > 0; /* accept the CA, refuse the peer */
}

static void
handshake__verify_callback_refuses__fails_after_seeing_chain(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *cctx, *sctx;
    struct ssl_session *c, *s;
    (void) state;

    cc.verify_cb = reject_leaf;
    cc.verify_arg = &verify_calls;
    cctx = ssl_ctx_new(&cc);
    sctx = ssl_ctx_new(&sc);
    verify_calls = verify_depths = 0;
    assert_false(handshake(cctx, sctx, &c, &s));
    assert_int_equal(verify_calls, 2);
    assert_int_equal(verify_depths, 3); /* depth 1 then depth 0 */
    assert_false(ssl_session_established(c));

    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
}

static void
ssl_ctx_new__bad_ca_text__error_names_file_and_line(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    (void) state;

    cc.ca = inl("not a certificate", 7);
    mock_msg_reset();
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg,
                           "Options error: test.conf:7: --ca: Cannot load CA "
                           "certificate file [[INLINE]]"));
}

static void
ssl_ctx_new__missing_files__error_names_file_and_line(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    (void) state;

    cc.cert = arg("/nonexistent/client.crt", 12);
    mock_msg_reset();
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg,
                           "test.conf:12: --cert: Cannot load certificate file "
                           "/nonexistent/client.crt"));
}

static void
ssl_ctx_new__key_of_other_cert__mismatch_reported(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    (void) state;

    cc.key = inl(server.key_pem, 13);
    mock_msg_reset();
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg, "test.conf:13: --key: Private key does not match"));
}

static void
ssl_ctx_new__bad_versions_and_profile__rejected(void **state)
{
    struct ssl_config cc = config_for(SSL_ROLE_CLIENT, &ca, &client);
    struct ssl_ctx *ctx;
    (void) state;

    cc.tls_version_min = arg("1.4", 20);
    mock_msg_reset();
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg, "test.conf:20: --tls-version-min: unknown version"));

    cc.tls_version_min = arg("1.3", 20);
    cc.tls_version_max = arg("1.2", 21);
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg, "test.conf:21: --tls-version-max"));

    cc.tls_version_min = arg("1.3 or-highest", 20);
    cc.tls_version_max = (struct ssl_opt){ 0 };
    ctx = ssl_ctx_new(&cc);
    assert_non_null(ctx);
    ssl_ctx_free(ctx);

    cc.tls_cert_profile = arg("bogus", 22);
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg,
                           "test.conf:22: --tls-cert-profile: Invalid cert "
                           "profile: bogus"));

    cc.tls_cert_profile = (struct ssl_opt){ 0 };
    cc.tls_cipher = arg("NO-SUCH-CIPHER", 23);
    assert_null(ssl_ctx_new(&cc));
    assert_non_null(strstr(mock_last_msg, "test.conf:23: --tls-cipher:"));
}

static void
ssl_tls_version_parse__inputs__strict(void **state)
{
    enum ssl_tls_version v;
    bool oh;
    (void) state;

    assert_true(ssl_tls_version_parse("1.2", &v, &oh));
    assert_int_equal(v, SSL_TLS_VERSION_1_2);
    assert_false(oh);
    assert_true(ssl_tls_version_parse("1.3 or-highest", &v, &oh));
    assert_int_equal(v, SSL_TLS_VERSION_1_3);
    assert_true(oh);
    assert_false(ssl_tls_version_parse("1.3 or-highest", &v, NULL)); /* max has no suffix */
    assert_false(ssl_tls_version_parse("1.2x", &v, &oh));
    assert_false(ssl_tls_version_parse("", &v, &oh));
    assert_false(ssl_tls_version_parse("1.2 or-lowest", &v, &oh));
}

static void
session__before_handshake__no_export_no_plaintext(void **state)
{
    struct ssl_config sc = config_for(SSL_ROLE_SERVER, &ca, &server);
    struct ssl_ctx *sctx = ssl_ctx_new(&sc);
    struct ssl_session *s = ssl_session_new(sctx, NULL);
    uint8_t buf[16];
    size_t n = 99;
    (void) state;

    assert_false(ssl_session_export(s, EKM_LABEL_DATAKEYS, buf, sizeof(buf)));
    assert_int_equal(ssl_session_read(s, buf, sizeof(buf), &n), SSL_IO_WANT);
    assert_int_equal(n, 0);
    assert_int_equal(ssl_session_write(s, buf, 4), SSL_IO_WANT);
    assert_int_equal(ssl_session_pending_ciphertext(s), 0);
    assert_string_equal(ssl_session_version(s), "");

    /* garbage from the "peer" is an error, not a crash */
    memset(buf, 0x41, sizeof(buf));
    assert_true(ssl_session_put_ciphertext(s, buf, sizeof(buf)));
    assert_int_equal(ssl_session_handshake(s), SSL_IO_ERROR);
    assert_true(strlen(ssl_session_error(s)) > 0);

    ssl_session_free(s);
    ssl_ctx_free(sctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handshake__tls13_defaults__established_data_flows_exporters_agree),
        cmocka_unit_test(handshake__client_max_1_2__tls12_established_exporters_agree),
        cmocka_unit_test(peer_cert__accessors__report_server_certificate),
        cmocka_unit_test(handshake__server_from_unknown_ca__client_rejects),
        cmocka_unit_test(handshake__expired_client_cert__server_rejects),
        cmocka_unit_test(handshake__client_without_cert__fails_when_required_ok_when_optional),
        cmocka_unit_test(handshake__client_max_1_2_server_min_1_3__fails),
        cmocka_unit_test(handshake__verify_callback_refuses__fails_after_seeing_chain),
        cmocka_unit_test(ssl_ctx_new__bad_ca_text__error_names_file_and_line),
        cmocka_unit_test(ssl_ctx_new__missing_files__error_names_file_and_line),
        cmocka_unit_test(ssl_ctx_new__key_of_other_cert__mismatch_reported),
        cmocka_unit_test(ssl_ctx_new__bad_versions_and_profile__rejected),
        cmocka_unit_test(ssl_tls_version_parse__inputs__strict),
        cmocka_unit_test(session__before_handshake__no_export_no_plaintext),
    };

    return cmocka_run_group_tests_name("ssl_openssl", tests, group_setup, group_teardown);
}
