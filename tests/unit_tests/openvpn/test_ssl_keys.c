/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ssl_keys.c -- the doc/protocol.md §11.5 vector end to end: key-method-2
 * inputs and session ids -> the master secret and key2 that a real 2.6.14
 * server derived; and the EKM paths through a fake TLS seam (this driver
 * does not link ssl_openssl.c; a live exporter is in test_ssl_openssl.c).
 */
#include "config.h"

#include "test_common.h"

#include "crypto_backend.h"
#include "ssl_keys.h"

static void
unhex(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
    {
        unsigned int v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t) v;
    }
    assert_int_equal(hex[2 * n], '\0');
}

/*
 * Test double for the exporter: the label and length are checked, the
 * output is 0, 1, 2, ... so the key2 split and byte order are visible.
 */
bool
ssl_session_export(struct ssl_session *s, const char *label, uint8_t *out, size_t n)
{
    (void) s;
    check_expected(label);
    check_expected(n);
    for (size_t i = 0; i < n; i++)
    {
        out[i] = (uint8_t) i;
    }
    return mock_type(bool);
}

const char *
ssl_session_error(const struct ssl_session *s)
{
    (void) s;
    return "fake failure";
}

static const char cs_hex[] = "be250eb05a00ab25";
static const char ss_hex[] = "ba65ad5bc23b1202";
static const char pre_master_hex[] = "fd5e6e794a7aa9e10b36cc78178fdbe9be31e812c89b0dd7"
                                     "d1dafb5855bb329545bfe773175ea398dc5b17f6b089e17d";
static const char c_random1_hex[] =
  "9c827264c74d971d57227790e0629283689fb1bd85f8c9e3faeb6dbfb149f607";
static const char c_random2_hex[] =
  "5bf7a0646a554c8f9be5e2b66c909c3c9f532b039ed53807c9bda32173149c10";
static const char s_random1_hex[] =
  "6ac278345fbdb19ee730ddee3714f4948a2c22c99887876dd37d353005c0b107";
static const char s_random2_hex[] =
  "933dc3d818e8f4c70811885922d0a9b97644e18ab6f711fcf3b60d31c3c13a4d";
static const char master_hex[] = "2645828fefeef6796dad0436729f167c2d470140060e8891"
                                 "1786dafc5d072d1d29dcb37d0442a45291a5efec65aa67f5";
static const char key2_hex[] =
  /* keys[0].cipher */
  "b826cf1e52742e823e14a55aa184b789e1a737dac56e6b7fdd085b22e4644132"
  "c2892fe9c8803df824876d271280b7fa4daddf56c977a459907973c774d67fe0"
  /* keys[0].hmac */
  "0a77b1cde74cd94dc1b01ffc24b866ec1ed25c389b23a46e5ddcd921459ef286"
  "c67293ab9d1821021bab1a02f98cad60af2715a13d44dbdcf9c35c6cf9041ce6"
  /* keys[1].cipher */
  "fc39b566c10ffcc26829159fb457b63b382ea720ff93f6dc2012c05de6cd691d"
  "ef43bda9a5346537c57178a81804c5c29e895e3c03abe55b16adddeba9b20f71"
  /* keys[1].hmac */
  "b79f540ad70e61f56899e28a3a5b4375084eaaf0f7f3d92b4e57d30c1c6c0873"
  "16ea8cf413289044e8596d371301e56ab04092f6790ccbb565c550176c1573da";

static struct key_msg client_msg, server_msg;
static uint8_t cs[SID_SIZE], ss[SID_SIZE];

static int
setup(void **state)
{
    (void) state;
    crypto_init_library();
    key_msg_wipe(&client_msg);
    key_msg_wipe(&server_msg);
    client_msg.from_client = true;
    unhex(pre_master_hex, client_msg.pre_master, KM_PRE_MASTER_LEN);
    unhex(c_random1_hex, client_msg.random1, KM_RANDOM_LEN);
    unhex(c_random2_hex, client_msg.random2, KM_RANDOM_LEN);
    unhex(s_random1_hex, server_msg.random1, KM_RANDOM_LEN);
    unhex(s_random2_hex, server_msg.random2, KM_RANDOM_LEN);
    unhex(cs_hex, cs, SID_SIZE);
    unhex(ss_hex, ss, SID_SIZE);
    return 0;
}

static void
ssl_keys_prf_master__vector_11_5__matches(void **state)
{
    uint8_t want[SSL_KEYS_MASTER_LEN], got[SSL_KEYS_MASTER_LEN];
    (void) state;

    unhex(master_hex, want, sizeof(want));
    assert_true(
      ssl_keys_prf_master(client_msg.pre_master, client_msg.random1, server_msg.random1, got));
    assert_memory_equal(got, want, sizeof(want));
}

static void
ssl_keys_derive_prf__vector_11_5__matches_server_keys(void **state)
{
    uint8_t want[KEY2_SIZE];
    struct key2 k;
    (void) state;

    unhex(key2_hex, want, sizeof(want));
    assert_true(ssl_keys_derive_prf(&client_msg, &server_msg, cs, ss, &k));
    assert_int_equal(k.n, 2);
    assert_memory_equal(k.keys[0].cipher, want, 64);
    assert_memory_equal(k.keys[0].hmac, want + 64, 64);
    assert_memory_equal(k.keys[1].cipher, want + 128, 64);
    assert_memory_equal(k.keys[1].hmac, want + 192, 64);
    assert_true(ssl_keys_check(&k, 32));
}

static void
ssl_keys_derive_prf__session_ids_swapped__differs(void **state)
{
    uint8_t want[KEY2_SIZE];
    struct key2 k;
    (void) state;

    /* The ids are part of the seed, in order (the draft spec omits them). */
    unhex(key2_hex, want, sizeof(want));
    assert_true(ssl_keys_derive_prf(&client_msg, &server_msg, ss, cs, &k));
    assert_memory_not_equal(k.keys[0].cipher, want, 64);
}

static void
ssl_keys_check__zero_cipher_key__rejected(void **state)
{
    struct key2 k;
    (void) state;

    memset(&k, 0x42, sizeof(k));
    assert_true(ssl_keys_check(&k, 16));
    memset(k.keys[1].cipher, 0, 16);
    assert_false(ssl_keys_check(&k, 16));
    assert_true(ssl_keys_check(&k, 0)); /* cipher none */
    assert_false(ssl_keys_check(&k, 65));
}

static void
ssl_keys_derive_ekm__exporter_output__split_into_key2(void **state)
{
    struct key2 k;
    (void) state;

    expect_string(ssl_session_export, label, "EXPORTER-OpenVPN-datakeys");
    expect_value(ssl_session_export, n, 256);
    will_return(ssl_session_export, true);
    assert_true(ssl_keys_derive_ekm(NULL, &k));
    assert_int_equal(k.n, 2);
    assert_int_equal(k.keys[0].cipher[0], 0);
    assert_int_equal(k.keys[0].hmac[0], 64);
    assert_int_equal(k.keys[1].cipher[0], 128);
    assert_int_equal(k.keys[1].hmac[63], 255);
}

static void
ssl_keys_derive_ekm__export_fails__key_wiped_and_logged(void **state)
{
    struct key2 k;
    (void) state;

    memset(&k, 0x42, sizeof(k));
    mock_msg_reset();
    expect_string(ssl_session_export, label, "EXPORTER-OpenVPN-datakeys");
    expect_value(ssl_session_export, n, 256);
    will_return(ssl_session_export, false);
    assert_false(ssl_keys_derive_ekm(NULL, &k));
    assert_int_equal(k.n, 0);
    assert_int_equal(k.keys[1].hmac[63], 0);
    assert_non_null(strstr(mock_last_msg, "fake failure"));
}

static void
ssl_keys_p2p_peer_id__three_bytes__read_big_endian(void **state)
{
    uint32_t id = 0;
    (void) state;

    expect_string(ssl_session_export, label, "EXPORTER-OpenVPN-p2p-peerid");
    expect_value(ssl_session_export, n, 3);
    will_return(ssl_session_export, true);
    assert_true(ssl_keys_p2p_peer_id(NULL, &id));
    assert_int_equal(id, 0x000102);

    expect_string(ssl_session_export, label, "EXPORTER-OpenVPN-p2p-peerid");
    expect_value(ssl_session_export, n, 3);
    will_return(ssl_session_export, false);
    assert_false(ssl_keys_p2p_peer_id(NULL, &id));
    assert_int_equal(id, PEER_ID_UNDEF);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ssl_keys_prf_master__vector_11_5__matches),
        cmocka_unit_test(ssl_keys_derive_prf__vector_11_5__matches_server_keys),
        cmocka_unit_test(ssl_keys_derive_prf__session_ids_swapped__differs),
        cmocka_unit_test(ssl_keys_check__zero_cipher_key__rejected),
        cmocka_unit_test(ssl_keys_derive_ekm__exporter_output__split_into_key2),
        cmocka_unit_test(ssl_keys_derive_ekm__export_fails__key_wiped_and_logged),
        cmocka_unit_test(ssl_keys_p2p_peer_id__three_bytes__read_big_endian),
    };

    return cmocka_run_group_tests_name("ssl_keys", tests, setup, NULL);
}
