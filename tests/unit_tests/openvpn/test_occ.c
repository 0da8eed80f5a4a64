/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_occ.c -- in-band payloads and the options-compatibility string.
 * The expected strings are what the reference 2.6.14 logged as its "Local
 * Options String" for the same settings.
 */
#include "test_common.h"

#include "occ.h"
#include "occ_string.h"
#include "options.h"
#include "crypto_backend.h"

static void
occ_is_ping__exact_magic_only(void **state)
{
    uint8_t raw[PING_MAGIC_LEN + 1];
    struct buffer b;
    (void)state;

    memcpy(raw, ping_magic, PING_MAGIC_LEN);
    b = buf_view(raw, PING_MAGIC_LEN);
    assert_true(occ_is_ping(&b));
    b = buf_view(raw, PING_MAGIC_LEN - 1);
    assert_false(occ_is_ping(&b));
    raw[PING_MAGIC_LEN] = 0;
    b = buf_view(raw, PING_MAGIC_LEN + 1);
    assert_false(occ_is_ping(&b));
    raw[3] ^= 1;
    b = buf_view(raw, PING_MAGIC_LEN);
    assert_false(occ_is_ping(&b));
}

static void
occ_write__then_parse__round_trips_reply(void **state)
{
    uint8_t raw[128];
    struct buffer b = buf_storage(raw, sizeof(raw), 0), body;
    uint8_t type;
    (void)state;

    assert_true(occ_write(&b, OCC_REPLY, "V4,dev-type tun"));
    assert_true(occ_parse(&b, &type, &body));
    assert_int_equal(type, OCC_REPLY);
    assert_int_equal(buf_len(&body), strlen("V4,dev-type tun") + 1);
    assert_string_equal((char *)buf_ptr(&body), "V4,dev-type tun");
}

static void
occ_parse__magic_without_type__is_not_occ(void **state)
{
    struct buffer b = buf_view((uint8_t *)occ_magic, OCC_MAGIC_LEN);
    struct buffer body;
    uint8_t type;
    (void)state;

    assert_false(occ_parse(&b, &type, &body));
}

static void
base_options(struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->dev = "tun";
    o->shared_secret_file = "k.key";
    o->ciphername = "AES-256-CBC";
    o->authname = "SHA256";
    o->key_direction = 0;
    o->tun_mtu = 1500;
    o->proto = PROTO_UDP;
    o->comp = COMP_NONE;
    o->replay = true;
}

static void
occ_string_build__static_tun_udp__matches_reference(void **state)
{
    struct options o;
    char s[512];
    (void)state;

    base_options(&o);
    o.ifconfig_local = "10.9.0.1";
    o.ifconfig_remote_netmask = "10.9.0.2";
    o.ifconfig_ipv6_local = "2001:db8::1/64";
    assert_true(occ_string_build(&o, false, s, sizeof(s)));
    assert_string_equal(s, "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,tun-ipv6,"
                           "ifconfig 10.9.0.2 10.9.0.1,keydir 0,cipher AES-256-CBC,auth SHA256,"
                           "keysize 256,secret");
    assert_true(occ_string_build(&o, true, s, sizeof(s)));
    assert_string_equal(s, "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,tun-ipv6,"
                           "ifconfig 10.9.0.1 10.9.0.2,keydir 1,cipher AES-256-CBC,auth SHA256,"
                           "keysize 256,secret");
}

static void
occ_string_build__tap_tcp_comp_lzo__matches_reference(void **state)
{
    struct options o;
    char s[512];
    (void)state;

    base_options(&o);
    o.dev = "tap";
    o.proto = PROTO_TCP_CLIENT;
    o.comp = COMP_LZO_STUB;
    o.key_direction = KEY_DIR_UNSET;
    o.ciphername = "AES-128-CBC";
    o.authname = "SHA1";
    o.ifconfig_local = "10.9.0.1";
    o.ifconfig_remote_netmask = "255.255.255.0";
    assert_true(occ_string_build(&o, false, s, sizeof(s)));
    assert_string_equal(s, "V4,dev-type tap,link-mtu 1595,tun-mtu 1500,proto TCPv4_CLIENT,"
                           "ifconfig 10.9.0.0 255.255.255.0,comp-lzo,cipher AES-128-CBC,auth SHA1,"
                           "keysize 128,secret");
}

static void
occ_string_build__null_cipher_tcp_server__matches_reference(void **state)
{
    struct options o;
    char s[512];
    (void)state;

    base_options(&o);
    o.proto = PROTO_TCP_SERVER;
    o.key_direction = KEY_DIR_UNSET;
    o.ciphername = "none";
    o.authname = "none";
    o.topology = TOP_SUBNET;
    o.ifconfig_local = "10.9.0.1";
    o.ifconfig_remote_netmask = "255.255.255.0";
    assert_true(occ_string_build(&o, false, s, sizeof(s)));
    assert_string_equal(s, "V4,dev-type tun,link-mtu 1510,tun-mtu 1500,proto TCPv4_SERVER,"
                           "ifconfig 10.9.0.0 255.255.255.0,cipher [null-cipher],auth [null-digest],"
                           "keysize 0,secret");
}

static void
occ_string_build__tls_p2p_with_tls_auth__matches_reference(void **state)
{
    struct options o;
    char s[512];
    (void)state;

    base_options(&o);
    o.shared_secret_file = NULL;
    o.tls_server = true;
    o.tls_auth.value = "ta.key";
    o.ciphername = "BF-CBC"; /* 2.6's default, named even without the legacy provider */
    o.authname = "SHA1";
    o.ifconfig_local = "10.9.0.1";
    o.ifconfig_remote_netmask = "10.9.0.2";
    assert_true(occ_string_build(&o, false, s, sizeof(s)));
    assert_string_equal(s, "V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,"
                           "ifconfig 10.9.0.2 10.9.0.1,keydir 0,cipher BF-CBC,auth SHA1,"
                           "keysize 128,tls-auth,key-method 2,tls-server");
    assert_true(occ_string_build(&o, true, s, sizeof(s)));
    assert_string_equal(s, "V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,"
                           "ifconfig 10.9.0.1 10.9.0.2,keydir 1,cipher BF-CBC,auth SHA1,"
                           "keysize 128,tls-auth,key-method 2,tls-client");
}

static void
occ_string_compare__differences__warn_per_item(void **state)
{
    (void)state;

    mock_msg_reset();
    assert_int_equal(occ_string_compare("V4,link-mtu 1572,auth SHA256", "V4,link-mtu 1572,auth SHA256"), 0);
    assert_int_equal(occ_string_compare("V4,link-mtu 1572,auth SHA256,secret",
                                        "V4,link-mtu 1544,auth SHA1,secret,comp-lzo"), 3);
    assert_non_null(strstr(mock_all_msgs, "WARNING: 'link-mtu' is used inconsistently, "
                                          "local='link-mtu 1572', remote='link-mtu 1544'"));
    assert_non_null(strstr(mock_all_msgs, "'comp-lzo' is present in remote config but missing in local config"));
    /* keydir and cipher differences are expected between peers: never warned about */
    assert_int_equal(occ_string_compare("V4,keydir 1,cipher X", "V4,keydir 0,cipher Y"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(occ_is_ping__exact_magic_only),
        cmocka_unit_test(occ_write__then_parse__round_trips_reply),
        cmocka_unit_test(occ_parse__magic_without_type__is_not_occ),
        cmocka_unit_test(occ_string_build__static_tun_udp__matches_reference),
        cmocka_unit_test(occ_string_build__tap_tcp_comp_lzo__matches_reference),
        cmocka_unit_test(occ_string_build__null_cipher_tcp_server__matches_reference),
        cmocka_unit_test(occ_string_build__tls_p2p_with_tls_auth__matches_reference),
        cmocka_unit_test(occ_string_compare__differences__warn_per_item),
    };

    crypto_init_library();
    return cmocka_run_group_tests_name("occ", tests, NULL, NULL);
}
