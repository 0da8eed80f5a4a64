/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl_verify.c -- ssl_verify_cert() as the backend's verify hook in
 * real in-memory handshakes: a throwaway PKI is made at test time with
 * OpenSSL's APIs (test code only), a client checks the server with each
 * 2.6 option, and every check accepts the right certificate and refuses
 * the wrong one with 2.6's message.  Also: expired, wrong CA, CRL file and
 * CRL directory, fingerprint-only mode without a CA, the --tls-verify hook
 * and the environment it gets.
 */
#include "config.h"

#include "test_common.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "ssl_backend.h"
#include "ssl_verify.h"
#include "test_certs.h"

static struct pki_entity ca, other_ca, server, server2, client, expired_server, rogue_server;
static char *crl_pem; /* CA's CRL revoking server */

static int
setup(void **state)
{
    const long day = 86400;

    (void) state;
    ssl_library_init();
    make_entity(&ca, "Test CA", NULL, 1, -day, 30 * day, NULL);
    make_entity(&other_ca, "Other CA", NULL, 1, -day, 30 * day, NULL);
    make_entity(&server, "Test-Server", &ca, 0x1234, -day, 30 * day, "serverAuth");
    make_entity(&server2, "Test-Server2", &ca, 6, -day, 30 * day, "serverAuth");
    make_entity(&client, "Test-Client", &ca, 3, -day, 30 * day, "clientAuth");
    make_entity(&expired_server, "Test-Server", &ca, 4, -3 * day, -day, "serverAuth");
    make_entity(&rogue_server, "Test-Server", &other_ca, 5, -day, 30 * day, "serverAuth");
    crl_pem = make_crl_pem(&ca, &server);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    free_entity(&ca);
    free_entity(&other_ca);
    free_entity(&server);
    free_entity(&server2);
    free_entity(&client);
    free_entity(&expired_server);
    free_entity(&rogue_server);
    free(crl_pem);
    return 0;
}

/* --- handshake pump ----------------------------------------------------------- */

static struct ssl_opt
inl(const char *pem)
{
    struct ssl_opt o = { .value = pem, .is_inline = true, .file = "t.conf", .line = 1 };
    return o;
}

static void
shuttle(struct ssl_session *from, struct ssl_session *to)
{
    uint8_t buf[1500];
    size_t n;

    while (ssl_session_get_ciphertext(from, buf, sizeof(buf), &n) == SSL_IO_OK)
    {
        assert_true(ssl_session_put_ciphertext(to, buf, n));
    }
}

static struct ssl_verify_state vstate;

/*
 * The client (trusting @p trust, NULL: none, with @p crl) checks the
 * server presenting @p srv through ssl_verify_cert() with @p vc.  True
 * when both ends are established.
 */
static bool
connect_to(const struct pki_entity *srv,
           const struct pki_entity *trust,
           const char *crl,
           const struct ssl_verify_config *vc)
{
    struct ssl_config cc = { .role = SSL_ROLE_CLIENT };
    struct ssl_config sc = { .role = SSL_ROLE_SERVER };
    struct ssl_ctx *cctx, *sctx;
    struct ssl_session *c, *s;
    bool ok = false;

    if (trust)
    {
        cc.ca = inl(trust->cert_pem);
    }
    if (crl)
    {
        cc.crl_file = inl(crl);
    }
    cc.verify_cb = ssl_verify_cert;
    cc.verify_arg = &vstate;
    ssl_verify_state_init(&vstate, vc);
    sc.ca = inl(ca.cert_pem);
    sc.cert = inl(srv->cert_pem);
    sc.key = inl(srv->key_pem);
    sc.dh = (struct ssl_opt){ .value = "none", .file = "t.conf", .line = 2 };
    sc.verify_client_cert = SSL_VERIFY_CLIENT_NONE;

    mock_msg_reset();
    cctx = ssl_ctx_new(&cc);
    sctx = ssl_ctx_new(&sc);
    assert_non_null(cctx);
    assert_non_null(sctx);
    c = ssl_session_new(cctx, NULL);
    s = ssl_session_new(sctx, NULL);
    for (int round = 0; round < 20; round++)
    {
        enum ssl_io rc = ssl_session_handshake(c);
        shuttle(c, s);
        enum ssl_io rs = ssl_session_handshake(s);
        shuttle(s, c);
        if (rc == SSL_IO_ERROR || rs == SSL_IO_ERROR)
        {
            break;
        }
        if (rc == SSL_IO_OK && rs == SSL_IO_OK)
        {
            ok = true;
            break;
        }
    }
    ssl_session_free(c);
    ssl_session_free(s);
    ssl_ctx_free(cctx);
    ssl_ctx_free(sctx);
    return ok;
}

static bool
logged(const char *s)
{
    return strstr(mock_all_msgs, s) != NULL;
}

#define SERVER_SUBJECT "C=KG, O=OpenVPN-TEST, CN=Test-Server"

static void
fingerprint_of(const struct pki_entity *e, uint8_t out[32])
{
    unsigned int n = 32;

    assert_true(X509_digest(e->cert, EVP_sha256(), out, &n));
}

/* --- tests -------------------------------------------------------------------- */

static void
no_checks__good_server__verify_ok_lines(void **state)
{
    struct ssl_verify_config vc = { 0 };

    (void) state;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY OK: depth=1, C=KG, O=OpenVPN-TEST, CN=Test CA"));
    assert_true(logged("VERIFY OK: depth=0, " SERVER_SUBJECT));
    assert_true(vstate.leaf_ok);
}

static void
remote_cert_tls__server_vs_client_cert__eku_decides(void **state)
{
    struct ssl_verify_config vc = { .ku = { SSL_VERIFY_KU_ANY },
                                    .n_ku = 1,
                                    .eku = "TLS Web Server Authentication" };

    (void) state;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY KU OK"));
    assert_true(logged("VERIFY EKU OK"));
    /* a client certificate as server: the library's purpose check refuses it first */
    assert_false(connect_to(&client, &ca, NULL, &vc));
    assert_true(logged("VERIFY ERROR: depth=0, error=unsuitable certificate purpose"));
    assert_false(logged("VERIFY OK: depth=0"));
    /* the EKU check itself: a server certificate when a client one is wanted */
    vc.eku = "TLS Web Client Authentication";
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY KU OK"));
    assert_true(logged("VERIFY EKU ERROR"));
}

static void
remote_cert_ku__values__match_or_error_lists_expected(void **state)
{
    struct ssl_verify_config vc = { .ku = { 0xa0, 0x88 }, .n_ku = 2 };

    (void) state;
    assert_true(connect_to(&server, &ca, NULL, &vc)); /* 0x88 = digitalSignature|keyAgreement */
    assert_true(logged("Validating certificate key usage"));
    assert_true(logged("VERIFY KU OK"));
    vc.ku[1] = 0x20;
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("ERROR: Certificate has key usage 0088, expected one of:"));
    assert_true(logged(" * 00a0"));
    assert_true(logged("VERIFY KU ERROR"));
}

static void
remote_cert_eku__oid_and_short_name__accepted(void **state)
{
    struct ssl_verify_config vc = { .eku = "1.3.6.1.5.5.7.3.1" };

    (void) state;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    vc.eku = "clientAuth";
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY EKU ERROR"));
}

static void
verify_x509_name__types__right_name_ok_wrong_refused(void **state)
{
    struct ssl_verify_config vc = { .x509_type = SSL_X509_NAME_CN, .x509_name = "Test-Server" };

    (void) state;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY X509NAME OK: " SERVER_SUBJECT));
    vc.x509_type = SSL_X509_NAME_SUBJECT;
    vc.x509_name = SERVER_SUBJECT;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    vc.x509_type = SSL_X509_NAME_CN_PREFIX;
    vc.x509_name = "Test-";
    assert_true(connect_to(&server, &ca, NULL, &vc));
    vc.x509_name = "Prod-";
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY X509NAME ERROR: " SERVER_SUBJECT ", must be Prod-"));
    vc.x509_type = SSL_X509_NAME_CN;
    vc.x509_name = "Test-Serve"; /* a prefix is not the name */
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY X509NAME ERROR: " SERVER_SUBJECT ", must be Test-Serve"));
}

static void
library_errors__expired_and_wrong_ca__2_6_verify_error(void **state)
{
    struct ssl_verify_config vc = { 0 };

    (void) state;
    assert_false(connect_to(&expired_server, &ca, NULL, &vc));
    assert_true(
      logged("VERIFY ERROR: depth=0, error=certificate has expired: " SERVER_SUBJECT ", serial=4"));
    assert_false(connect_to(&rogue_server, &ca, NULL, &vc));
    assert_true(
      logged("VERIFY ERROR: depth=0, error=unable to get local issuer certificate: " SERVER_SUBJECT
             ", serial=5"));
}

static void
peer_fingerprint__with_ca__match_ok_mismatch_refused(void **state)
{
    uint8_t fps[2][32];
    struct ssl_verify_config vc = { .fingerprints = (const uint8_t(*)[32]) fps,
                                    .n_fingerprints = 2 };

    (void) state;
    fingerprint_of(&client, fps[0]);
    fingerprint_of(&server, fps[1]);
    assert_true(connect_to(&server, &ca, NULL, &vc));
    vc.n_fingerprints = 1;
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("TLS Error: --tls-verify/--peer-fingerprint certificate hash verification "
                       "failed. (got certificate fingerprint: "));
}

static void
peer_fingerprint__no_ca__fingerprint_alone_decides(void **state)
{
    uint8_t fp[1][32];
    struct ssl_verify_config vc = { .fingerprints = (const uint8_t(*)[32]) fp,
                                    .n_fingerprints = 1,
                                    .fingerprint_only = true };

    (void) state;
    fingerprint_of(&rogue_server, fp[0]);
    assert_true(connect_to(&rogue_server, NULL, NULL, &vc)); /* no CA to chain to: fine */
    assert_true(vstate.leaf_ok);
    assert_false(connect_to(&server, NULL, NULL, &vc));
    assert_true(logged("certificate hash verification failed"));
    vc.n_fingerprints = 0; /* no CA and nothing to match: refuse, never accept blindly */
    assert_false(connect_to(&rogue_server, NULL, NULL, &vc));
}

static void
crl_file__revoked_server__refused_others_pass(void **state)
{
    struct ssl_verify_config vc = { 0 };

    (void) state;
    assert_false(connect_to(&server, &ca, crl_pem, &vc));
    assert_true(logged("CRL: loaded 1 CRLs from file [[INLINE]]"));
    assert_true(logged("VERIFY ERROR: depth=0, error=certificate revoked: " SERVER_SUBJECT));
    assert_true(connect_to(&server2, &ca, crl_pem, &vc)); /* not on the list */
}

static void
crl_dir__file_named_by_serial__revoked(void **state)
{
    char dir[] = "/tmp/crldir-XXXXXX";
    char path[64];
    struct ssl_verify_config vc = { 0 };
    FILE *f;

    (void) state;
    assert_non_null(mkdtemp(dir));
    vc.crl_dir = dir;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    snprintf(path, sizeof(path), "%s/4660", dir); /* 0x1234 */
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY CRL: depth=0, " SERVER_SUBJECT ", serial=4660 is revoked"));
    unlink(path);
    rmdir(dir);
}

static int script_calls;
static int script_refuse_depth = -1;

static bool
fake_script(void *arg, int depth, const char *subject, const struct ssl_verify_env *env)
{
    (void) arg;
    (void) subject;
    script_calls++;
    assert_non_null(ssl_verify_env_get(env, depth == 0 ? "tls_id_0" : "tls_id_1"));
    return depth != script_refuse_depth;
}

static void
tls_verify__hook_and_env__2_6_names(void **state)
{
    struct ssl_verify_config vc = { .script = fake_script };
    uint8_t fp[32];
    char hex[100];
    const char *v;

    (void) state;
    script_calls = 0;
    script_refuse_depth = -1;
    assert_true(connect_to(&server, &ca, NULL, &vc));
    assert_true(script_calls >= 2);
    assert_true(logged("VERIFY SCRIPT OK: depth=0, " SERVER_SUBJECT));
    assert_string_equal(ssl_verify_env_get(&vstate.env, "tls_serial_0"), "4660");
    assert_string_equal(ssl_verify_env_get(&vstate.env, "tls_serial_hex_0"), "12:34");
    assert_string_equal(ssl_verify_env_get(&vstate.env, "tls_id_0"), SERVER_SUBJECT);
    assert_string_equal(ssl_verify_env_get(&vstate.env, "X509_0_CN"), "Test-Server");
    assert_string_equal(ssl_verify_env_get(&vstate.env, "X509_0_O"), "OpenVPN-TEST");
    assert_string_equal(ssl_verify_env_get(&vstate.env, "X509_1_CN"), "Test CA");
    assert_string_equal(ssl_verify_env_get(&vstate.env, "common_name"), "Test-Server");
    assert_string_equal(vstate.common_name, "Test-Server");
    fingerprint_of(&server, fp);
    for (int i = 0; i < 32; i++)
    {
        snprintf(hex + 3 * i, sizeof(hex) - 3 * (size_t) i, i < 31 ? "%02x:" : "%02x", fp[i]); /* 2.6: lower case */
    }
    v = ssl_verify_env_get(&vstate.env, "tls_digest_sha256_0");
    assert_non_null(v);
    assert_string_equal(v, hex);
    v = ssl_verify_env_get(&vstate.env, "tls_digest_0");
    assert_non_null(v);
    assert_int_equal(strlen(v), 59); /* SHA1: 20 bytes */
    assert_null(ssl_verify_env_get(&vstate.env, "tls_id_2"));

    script_refuse_depth = 0;
    assert_false(connect_to(&server, &ca, NULL, &vc));
    assert_true(logged("VERIFY SCRIPT ERROR: depth=0, " SERVER_SUBJECT));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_checks__good_server__verify_ok_lines),
        cmocka_unit_test(remote_cert_tls__server_vs_client_cert__eku_decides),
        cmocka_unit_test(remote_cert_ku__values__match_or_error_lists_expected),
        cmocka_unit_test(remote_cert_eku__oid_and_short_name__accepted),
        cmocka_unit_test(verify_x509_name__types__right_name_ok_wrong_refused),
        cmocka_unit_test(library_errors__expired_and_wrong_ca__2_6_verify_error),
        cmocka_unit_test(peer_fingerprint__with_ca__match_ok_mismatch_refused),
        cmocka_unit_test(peer_fingerprint__no_ca__fingerprint_alone_decides),
        cmocka_unit_test(crl_file__revoked_server__refused_others_pass),
        cmocka_unit_test(crl_dir__file_named_by_serial__revoked),
        cmocka_unit_test(tls_verify__hook_and_env__2_6_names),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
