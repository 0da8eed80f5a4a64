/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_tls.c -- TLS-mode directives through options_parse_argv()
 * and opt_parse_text(): fields, 2.6 defaults, FILE:LINE handler errors,
 * 2.6's post-processing messages, and the hand-off to struct ssl_config /
 * struct ssl_verify_config.
 */
#include "config.h"

#include "test_common.h"

#include "options.h"
#include "options_parse.h"
#include "test_options_argv.h"
#include "options_table.h"
#include "options_tls.h"

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

#define FP_A                                                                                     \
    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:" \
    "ee:ff"
#define FP_B                                                                                     \
    "FF:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:" \
    "EE:00"

static struct options o;

/* Parse a NULL-terminated argument list (without argv[0]). */
#define run(...) test_options_parse_list(&o, __VA_ARGS__)

/* Parse config text only (no post-processing). */
static bool
text(const char *t)
{
    options_free(&o);
    options_init_defaults(&o);
    mock_msg_reset();
    return opt_parse_text(&o, "t.conf", t, strlen(t), OPT_W_CONFIG, 0);
}

static bool
has(const char *s)
{
    return strstr(mock_all_msgs, s) != NULL;
}

static void
defaults__tls_timers__match_2_6(void **state)
{
    (void) state;
    options_init_defaults(&o);
    assert_int_equal(o.hand_window, 60);
    assert_int_equal(o.tls_timeout, 2);
    assert_int_equal(o.reneg_sec, 3600);
    assert_int_equal(o.reneg_sec_min, -1);
    assert_int_equal(o.reneg_bytes, -1);
    assert_int_equal(o.tran_window, 3600);
    /* a full client config passes every TLS check */
    assert_true(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     NULL));
    assert_string_equal(o.data_ciphers, "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
}

static void
handlers__values__land_in_fields(void **state)
{
    (void) state;
    assert_true(text("ca ca.crt\ncapath /etc\ncert c.crt\nkey c.key\nextra-certs x.pem\n"
                     "dh none\necdh-curve prime256v1\ntls-groups X25519:P-256\n"
                     "tls-version-min 1.2 or-highest\ntls-version-max 1.3\ntls-cipher DEFAULT\n"
                     "tls-ciphersuites TLS_AES_256_GCM_SHA384\ntls-cert-profile preferred\n"
                     "remote-cert-ku 80 a0 88\nremote-cert-eku serverAuth\n"
                     "verify-x509-name Test-Server name-prefix\ncrl-verify /crl dir\n"
                     "tls-verify \"/bin/check,arg\"\ntls-auth ta.key 1\n"
                     "tls-crypt-v2 v2.key force-cookie\nhand-window 30\ntls-timeout 5\n"
                     "reneg-sec 100 80\nreneg-bytes 1000000\nreneg-pkts 5000\ntran-window 60\n"
                     "tls-exit\nsingle-session\nauth-nocache\nverify-client-cert optional\n"));
    assert_string_equal(o.ca.value, "ca.crt");
    assert_int_equal(o.ca.loc.line, 1);
    assert_string_equal(o.ca.loc.file, "t.conf");
    assert_false(o.ca.is_inline);
    assert_string_equal(o.capath.value, "/etc");
    assert_string_equal(o.key.value, "c.key");
    assert_string_equal(o.dh.value, "none");
    assert_string_equal(o.tls_version_min.value, "1.2 or-highest");
    assert_string_equal(o.tls_version_max.value, "1.3");
    assert_string_equal(o.tls_cert_profile.value, "preferred");
    assert_int_equal(o.n_remote_cert_ku, 3);
    assert_int_equal(o.remote_cert_ku[1], 0xa0);
    assert_string_equal(o.remote_cert_eku, "serverAuth");
    assert_int_equal(o.verify_x509_type, VERIFY_X509_SUBJECT_RDN_PREFIX);
    assert_string_equal(o.verify_x509_name, "Test-Server");
    assert_true(o.crl_verify_dir);
    assert_string_equal(o.tls_verify, "/bin/check arg");
    assert_string_equal(o.tls_auth.value, "ta.key");
    assert_int_equal(o.key_direction, KEY_DIR_INVERSE);
    assert_true(o.tls_crypt_v2_force_cookie);
    assert_int_equal(o.hand_window, 30);
    assert_int_equal(o.tls_timeout, 5);
    assert_int_equal(o.reneg_sec, 100);
    assert_int_equal(o.reneg_sec_min, 80);
    assert_int_equal(o.reneg_bytes, 1000000);
    assert_int_equal(o.reneg_pkts, 5000);
    assert_int_equal(o.tran_window, 60);
    assert_true(o.tls_exit && o.single_session && o.auth_nocache);
    assert_int_equal(o.verify_client_cert, 1);
}

static void
remote_cert_tls__server__any_ku_and_server_eku(void **state)
{
    (void) state;
    assert_true(text("remote-cert-tls server\n"));
    assert_int_equal(o.remote_cert_tls, REMOTE_CERT_SERVER);
    assert_int_equal(o.n_remote_cert_ku, 1);
    assert_int_equal(o.remote_cert_ku[0], REMOTE_CERT_KU_ANY);
    assert_string_equal(o.remote_cert_eku, "TLS Web Server Authentication");
    assert_false(text("verb 1\nremote-cert-tls peer\n"));
    assert_string_equal(mock_last_msg,
                        "Options error: t.conf:2: --remote-cert-tls: "
                        "--remote-cert-tls must be 'client' or 'server'");
}

static void
inline_blocks__text_kept_and_marked_inline(void **state)
{
    (void) state;
    assert_true(text("<ca>\nCA PEM\n</ca>\n<key>\nKEY PEM\n</key>\n<tls-crypt>\nTC\n</tls-crypt>\n"
                     "<peer-fingerprint>\n" FP_A "\n# comment\n" FP_B "\n</peer-fingerprint>\n"));
    assert_true(o.ca.is_inline);
    assert_string_equal(o.ca.value, "CA PEM\n");
    assert_int_equal(o.ca.loc.line, 1);
    assert_true(o.key.is_inline);
    assert_string_equal(o.key.value, "KEY PEM\n");
    assert_true(o.tls_crypt.is_inline);
    assert_int_equal(o.n_peer_fingerprints, 2);
    assert_int_equal(o.peer_fingerprints[0][0], 0x00);
    assert_int_equal(o.peer_fingerprints[0][31], 0xff);
    assert_int_equal(o.peer_fingerprints[1][0], 0xff);
    /* the inline tag typed by hand is not a file name */
    assert_false(text("ca [[INLINE]]\n"));
    assert_true(has("t.conf:1: --ca: [[INLINE]] is only valid for an inline <ca> block"));
    /* a script is never inline */
    assert_false(text("<tls-verify>\nx\n</tls-verify>\n"));
    assert_true(has("t.conf:1: --tls-verify: option 'tls-verify' is not expected to be inline"));
}

static void
handler_errors__2_6_wording_with_file_line(void **state)
{
    (void) state;
    static const struct
    {
        const char *conf;
        const char *msg;
    } cases[] = {
        { "tls-version-min 1.4\n",
          "t.conf:1: --tls-version-min: unknown tls-version-min parameter: 1.4" },
        { "tls-version-min 1.2 foo\n", "unknown tls-version-min parameter: foo" },
        { "tls-version-max 2\n",
          "t.conf:1: --tls-version-max: unknown tls-version-max parameter: 2" },
        { "verify-x509-name a foo\n",
          "t.conf:1: --verify-x509-name: unknown X.509 name type: foo" },
        { "tls-crypt-v2 k foo\n", "--tls-crypt-v2: Unsupported tls-crypt-v2 argument: foo" },
        { "tls-auth k 2\n", "--tls-auth: Unknown key direction '2' -- must be '0' or '1'" },
        { "remote-cert-ku zz\n", "--remote-cert-ku: 'zz' is not a key usage in hex" },
        { "remote-cert-ku 12345\n", "--remote-cert-ku: '12345' is not a key usage in hex" },
        { "crl-verify f file\n", "--crl-verify: second parameter must be 'dir'" },
        { "hand-window x\n", "t.conf:1: --hand-window: 'x' is not a number" },
        { "reneg-sec 10 y\n", "t.conf:1: --reneg-sec: 'y' is not a number" },
        { "verify-client-cert maybe\n",
          "parameter to --verify-client-cert must be 'none', "
          "'optional' or 'require'" },
        { "peer-fingerprint AA:BB\n",
          "--peer-fingerprint: hash fingerprint is wrong length - "
          "expected 32 bytes, got 2: AA:BB" },
        { "peer-fingerprint AA:BZ\n",
          "--peer-fingerprint: format error in hash fingerprint: "
          "AA:BZ" },
        { "peer-fingerprint AABB\n", "format error in hash fingerprint: AABB" },
        { "peer-fingerprint " FP_A ":00\n", "hash fingerprint too long - expected only 32 bytes" },
        { "ca\n", "Unrecognized option or missing or extra parameter(s) in t.conf:1: ca" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
    {
        assert_false(text(cases[i].conf));
        if (!has(cases[i].msg))
        {
            fail_msg("%s: got '%s'", cases[i].conf, mock_all_msgs);
        }
    }
}

/* Every prefix of a valid fingerprint is refused, never read past its end. */
static void
peer_fingerprint__truncation_sweep__all_refused(void **state)
{
    (void) state;
    char conf[256];
    const char *fp = FP_A;

    for (size_t n = 0; n < strlen(fp); n++)
    {
        snprintf(conf, sizeof(conf), "peer-fingerprint \"%.*s\"\n", (int) n, fp);
        assert_false(text(conf));
    }
    snprintf(conf, sizeof(conf), "peer-fingerprint %s\n", fp);
    assert_true(text(conf));
}

static void
post__tls_checks__2_6_messages_in_2_6_order(void **state)
{
    (void) state;
    assert_false(run("--dev", "tun", "--tls-client", "--tls-server", "--dh", "none", NULL));
    assert_true(has("Options error: specify only one of --tls-server, --tls-client, or --secret"));
    assert_false(run("--dev", "tun", "--tls-server", "--ca", "/dev/null", NULL));
    assert_true(has("Options error: You must define DH file (--dh)"));
    assert_false(run("--dev", "tun", "--tls-client", NULL));
    assert_true(has("Options error: You must define CA file (--ca) or CA path (--capath) and/or "
                    "peer fingerprint verification (--peer-fingerprint)"));
    assert_false(run("--dev", "tun", "--tls-client", "--ca", "/dev/null", "--key", "k", NULL));
    assert_true(has("You must define certificate file (--cert) or PKCS#12 file (--pkcs12)"));
    assert_false(run("--dev", "tun", "--tls-client", "--ca", "/dev/null", "--cert", "c", NULL));
    assert_true(has("You must define private key file (--key) or PKCS#12 file (--pkcs12)"));
    assert_false(
      run("--dev", "tun", "--tls-client", "--ca", "c", "--pkcs12", "p", "--cert", "c", NULL));
    assert_true(has("Parameter --cert cannot be used when --pkcs12 is also specified."));
    assert_false(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     "--tls-auth",
                     "/dev/null",
                     "--tls-crypt",
                     "/dev/null",
                     NULL));
    assert_true(has("Options error: --tls-auth and --tls-crypt are mutually exclusive"));
    assert_false(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     "--tls-crypt-v2",
                     "/dev/null",
                     "--tls-crypt",
                     "/dev/null",
                     NULL));
    assert_true(has("--tls-crypt-v2, --tls-auth and --tls-crypt are mutually exclusive in client "
                    "mode"));
    assert_false(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     "--tls-version-min",
                     "1.3",
                     "--tls-version-max",
                     "1.2",
                     NULL));
    assert_true(has("Options error: --tls-version-min bigger than --tls-version-max"));
    assert_false(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/nonexistent/ca.crt",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     NULL));
    assert_true(has("Options error: [CMD-LINE]:1: --ca fails with '/nonexistent/ca.crt': No such "
                    "file or directory (errno=2)"));
    assert_false(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     "--verify-client-cert",
                     "none",
                     NULL));
    assert_true(has("--verify-client-cert requires --mode server"));
}

static void
post__tls_option_without_tls__2_6_message(void **state)
{
    (void) state;
    assert_false(run("--dev", "tun", "--secret", "/dev/null", "--tls-auth", "/dev/null", NULL));
    assert_true(has("Options error: Parameter tls_auth_file can only be specified in TLS-mode, "
                    "i.e. where --tls-server or --tls-client is also specified."));
    assert_false(run("--dev", "tun", "--ca", "/dev/null", NULL));
    assert_true(has("Parameter ca_file can only be specified in TLS-mode"));
    assert_false(run("--dev", "tun", "--reneg-sec", "60", NULL));
    assert_true(has("Parameter renegotiate_seconds can only be specified in TLS-mode"));
    /* --genkey tls-crypt-v2-client uses --tls-crypt-v2 without TLS mode */
    assert_true(run(
      "--tls-crypt-v2", "/dev/null", "--genkey", "tls-crypt-v2-client", "c.key", "aGVsbG8=", NULL));
    assert_int_equal(o.genkey, GENKEY_TLS_CRYPT_V2_CLIENT);
    assert_string_equal(o.genkey_file, "c.key");
    assert_string_equal(o.genkey_metadata, "aGVsbG8=");
}

static void
post__fingerprint_only__accepted_with_note(void **state)
{
    (void) state;
    assert_true(run("--dev",
                     "tun",
                     "--tls-server",
                     "--dh",
                     "none",
                     "--peer-fingerprint",
                     FP_A,
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     NULL));
    assert_true(has("Using certificate fingerprint to verify peer (no CA option set)."));
}

static void
cipher__p2p_tls__becomes_fallback(void **state)
{
    (void) state;
    assert_true(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     "--cipher",
                     "AES-128-CBC",
                     NULL));
    assert_true(o.enable_ncp_fallback);
    assert_string_equal(o.ciphername, "AES-128-CBC");
    assert_true(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     "--data-ciphers-fallback",
                     "AES-256-CBC",
                     "--data-ciphers",
                     "AES-128-GCM",
                     NULL));
    assert_true(o.enable_ncp_fallback);
    assert_string_equal(o.ciphername, "AES-256-CBC");
    assert_string_equal(o.data_ciphers, "AES-128-GCM");
    assert_true(run("--dev",
                     "tun",
                     "--tls-client",
                     "--ca",
                     "/dev/null",
                     "--cert",
                     "/dev/null",
                     "--key",
                     "/dev/null",
                     NULL));
    assert_false(o.enable_ncp_fallback);
}

static void
ssl_config__filled_from_options(void **state)
{
    struct ssl_config c;
    struct ssl_verify_config v;

    (void) state;
    assert_true(text("tls-server\n<ca>\nPEM\n</ca>\ncert c.crt\nkey c.key\ndh none\n"
                     "tls-version-min 1.3\ncrl-verify crl.pem\nremote-cert-tls client\n"
                     "verify-x509-name Test-Client name\npeer-fingerprint " FP_A "\n"));
    assert_true(options_ssl_config(&o, &c));
    assert_int_equal(c.role, SSL_ROLE_SERVER);
    assert_true(c.ca.is_inline);
    assert_string_equal(c.ca.value, "PEM\n");
    assert_string_equal(c.cert.value, "c.crt");
    assert_string_equal(c.cert.file, "t.conf");
    assert_int_equal(c.cert.line, 5);
    assert_string_equal(c.dh.value, "none");
    assert_string_equal(c.tls_version_min.value, "1.3");
    assert_null(c.tls_version_max.value);
    assert_string_equal(c.crl_file.value, "crl.pem");
    assert_null(c.verify_cb);

    options_ssl_verify_config(&o, &v);
    assert_int_equal(v.x509_type, SSL_X509_NAME_CN);
    assert_string_equal(v.x509_name, "Test-Client");
    assert_int_equal(v.n_ku, 1);
    assert_int_equal(v.ku[0], SSL_VERIFY_KU_ANY);
    assert_string_equal(v.eku, "TLS Web Client Authentication");
    assert_int_equal(v.n_fingerprints, 1);
    assert_memory_equal(v.fingerprints[0], o.peer_fingerprints[0], 32);
    assert_false(v.fingerprint_only);
    assert_null(v.crl_dir);

    assert_true(text("tls-client\npeer-fingerprint " FP_B "\ncrl-verify /crl dir\n"));
    assert_true(options_ssl_config(&o, &c));
    assert_int_equal(c.role, SSL_ROLE_CLIENT);
    assert_null(c.crl_file.value);
    options_ssl_verify_config(&o, &v);
    assert_true(v.fingerprint_only);
    assert_string_equal(v.crl_dir, "/crl");

    assert_true(text("verb 3\n"));
    assert_false(options_ssl_config(&o, &c));
}

static int
teardown(void **state)
{
    (void) state;
    options_free(&o);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults__tls_timers__match_2_6),
        cmocka_unit_test(handlers__values__land_in_fields),
        cmocka_unit_test(remote_cert_tls__server__any_ku_and_server_eku),
        cmocka_unit_test(inline_blocks__text_kept_and_marked_inline),
        cmocka_unit_test(handler_errors__2_6_wording_with_file_line),
        cmocka_unit_test(peer_fingerprint__truncation_sweep__all_refused),
        cmocka_unit_test(post__tls_checks__2_6_messages_in_2_6_order),
        cmocka_unit_test(post__tls_option_without_tls__2_6_message),
        cmocka_unit_test(post__fingerprint_only__accepted_with_note),
        cmocka_unit_test(cipher__p2p_tls__becomes_fallback),
        cmocka_unit_test(ssl_config__filled_from_options),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
