/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_key_msg.c -- key-method-2 message layout (doc/protocol.md §4.3) and
 * peer-info text (§7.1, §7.2): exact bytes, every truncation, hostile
 * lengths, limits, round trips.
 */
#include "config.h"

#include "test_common.h"

#include "buffer.h"
#include "key_msg.h"

/* Expected client message, assembled piece by piece from §4.3. */
static size_t
expected_client(uint8_t *out)
{
    static const uint8_t head[] = { 0x00, 0x00, 0x00, 0x00, 0x02 };
    static const uint8_t opts[] = { 0x00, 0x10, 'V', '4', ',', 'd', 'e', 'v', '-',
                                    't',  'y',  'p', 'e', ' ', 't', 'u', 'n', 0x00 };
    static const uint8_t user[] = { 0x00, 0x02, 'u', 0x00 };
    static const uint8_t pass[] = { 0x00, 0x00 };
    static const uint8_t info[] = { 0x00, 0x0e, 'I', 'V', '_', 'P', 'R',  'O',
                                    'T',  'O',  '=', '7', '4', '6', '\n', 0x00 };
    size_t n = 0;

    memcpy(out + n, head, sizeof(head));
    n += sizeof(head);
    memset(out + n, 0x11, KM_PRE_MASTER_LEN);
    n += KM_PRE_MASTER_LEN;
    memset(out + n, 0x22, KM_RANDOM_LEN);
    n += KM_RANDOM_LEN;
    memset(out + n, 0x33, KM_RANDOM_LEN);
    n += KM_RANDOM_LEN;
    memcpy(out + n, opts, sizeof(opts));
    n += sizeof(opts);
    memcpy(out + n, user, sizeof(user));
    n += sizeof(user);
    memcpy(out + n, pass, sizeof(pass));
    n += sizeof(pass);
    memcpy(out + n, info, sizeof(info));
    n += sizeof(info);
    return n;
}

static struct key_msg km; /* large: keep it off the stack */
static struct key_msg km2;

static void
fill_client(struct key_msg *k)
{
    key_msg_wipe(k);
    k->from_client = true;
    memset(k->pre_master, 0x11, sizeof(k->pre_master));
    memset(k->random1, 0x22, sizeof(k->random1));
    memset(k->random2, 0x33, sizeof(k->random2));
    strcpy(k->options, "V4,dev-type tun");
    strcpy(k->username, "u");
    strcpy(k->peer_info, "IV_PROTO=746\n");
}

/* Server message: no pre_master; options "V4"; then 00 00 00 00 00 00. */
static size_t
server_message(uint8_t *out)
{
    size_t n = 0;

    memset(out, 0, 5);
    out[4] = 0x02;
    n = 5;
    memset(out + n, 0xaa, KM_RANDOM_LEN);
    n += KM_RANDOM_LEN;
    memset(out + n, 0xbb, KM_RANDOM_LEN);
    n += KM_RANDOM_LEN;
    out[n++] = 0x00;
    out[n++] = 0x03;
    out[n++] = 'V';
    out[n++] = '4';
    out[n++] = 0x00;
    memset(out + n, 0, 6); /* empty username, password, peer-info */
    return n + 6;
}

static void
key_msg_write__client_fields__exact_bytes(void **state)
{
    uint8_t want[256], got[256];
    size_t wantlen = expected_client(want);
    struct buffer buf = buf_storage(got, sizeof(got), 0);
    (void) state;

    fill_client(&km);
    assert_true(key_msg_write(&buf, &km));
    assert_int_equal(buf_len(&buf), wantlen);
    assert_memory_equal(buf_ptr(&buf), want, wantlen);
}

static void
key_msg_write__server_fields__has_no_pre_master(void **state)
{
    uint8_t want[128], got[128];
    size_t wantlen = server_message(want);
    struct buffer buf = buf_storage(got, sizeof(got), 0);
    (void) state;

    key_msg_wipe(&km);
    memset(km.pre_master, 0x77, sizeof(km.pre_master)); /* must not be sent */
    memset(km.random1, 0xaa, sizeof(km.random1));
    memset(km.random2, 0xbb, sizeof(km.random2));
    strcpy(km.options, "V4");
    assert_true(key_msg_write(&buf, &km));
    assert_int_equal(buf_len(&buf), wantlen);
    assert_memory_equal(buf_ptr(&buf), want, wantlen);
}

static void
key_msg_parse__server_message_with_empty_strings__decodes(void **state)
{
    uint8_t msg[128];
    size_t len = server_message(msg);
    struct buffer buf = buf_view(msg, len);
    (void) state;

    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OK);
    assert_int_equal(buf_len(&buf), 0);
    assert_false(km.from_client);
    assert_int_equal(km.key_method, 2);
    assert_int_equal(km.random1[0], 0xaa);
    assert_int_equal(km.random1[31], 0xaa);
    assert_int_equal(km.random2[0], 0xbb);
    assert_string_equal(km.options, "V4");
    assert_string_equal(km.username, "");
    assert_string_equal(km.password, "");
    assert_string_equal(km.peer_info, "");
    assert_false(km.userpass_too_long);
}

static void
key_msg_parse__client_message__decodes_every_field(void **state)
{
    uint8_t msg[256];
    size_t len = expected_client(msg);
    struct buffer buf = buf_view(msg, len);
    (void) state;

    assert_int_equal(key_msg_parse(&buf, true, &km), KEY_MSG_OK);
    assert_true(km.from_client);
    assert_int_equal(km.pre_master[0], 0x11);
    assert_int_equal(km.pre_master[47], 0x11);
    assert_int_equal(km.random1[31], 0x22);
    assert_int_equal(km.random2[0], 0x33);
    assert_string_equal(km.options, "V4,dev-type tun");
    assert_string_equal(km.username, "u");
    assert_string_equal(km.password, "");
    assert_string_equal(km.peer_info, "IV_PROTO=746\n");
}

/* Every strict prefix must be rejected without consuming anything. */
static void
sweep(const uint8_t *msg, size_t len, bool from_client)
{
    for (size_t n = 0; n < len; n++)
    {
        struct buffer buf = buf_view((uint8_t *) msg, n);

        memset(&km, 0x5a, sizeof(km));
        assert_int_equal(key_msg_parse(&buf, from_client, &km), KEY_MSG_TRUNCATED);
        assert_int_equal(buf_len(&buf), n);
        assert_ptr_equal(buf_ptr(&buf), msg);
        assert_int_equal(km.pre_master[0], 0); /* wiped on failure */
        assert_int_equal(km.options[0], 0);
    }
}

static void
key_msg_parse__any_truncation__fails_without_consuming(void **state)
{
    uint8_t cmsg[256], smsg[128];
    size_t clen = expected_client(cmsg);
    size_t slen = server_message(smsg);
    (void) state;

    sweep(cmsg, clen, true);
    sweep(smsg, slen, false);
}

static void
key_msg_parse__server_message_read_as_client__fails(void **state)
{
    uint8_t msg[128];
    size_t len = server_message(msg);
    struct buffer buf = buf_view(msg, len);
    (void) state;

    /* 48 bytes of "pre_master" eat the randoms: the rest is too short. */
    assert_int_not_equal(key_msg_parse(&buf, true, &km), KEY_MSG_OK);
    assert_int_equal(buf_len(&buf), len);
}

static void
key_msg_parse__hostile_string_lengths__fail(void **state)
{
    uint8_t msg[128];
    size_t len = server_message(msg);
    size_t opt = 5 + 2 * KM_RANDOM_LEN; /* offset of the options length */
    (void) state;

    /* each u16 in turn claims 0xffff bytes */
    const size_t offsets[] = { opt, opt + 5, opt + 7, opt + 9 };
    for (size_t i = 0; i < ARRAY_SIZE(offsets); i++)
    {
        uint8_t copy[128];
        struct buffer buf;

        memcpy(copy, msg, len);
        copy[offsets[i]] = 0xff;
        copy[offsets[i] + 1] = 0xff;
        buf = buf_view(copy, len);
        assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_TRUNCATED);
        assert_int_equal(buf_len(&buf), len);
    }
}

static void
key_msg_parse__options_over_512__rejected(void **state)
{
    static uint8_t msg[1024];
    size_t n = 5 + 2 * KM_RANDOM_LEN;
    struct buffer buf;
    (void) state;

    memset(msg, 0, sizeof(msg));
    msg[4] = 2;
    msg[n++] = 0x02; /* 513 = 0x0201 */
    msg[n++] = 0x01;
    memset(msg + n, 'x', 512);
    n += 513; /* 512 chars + NUL */
    n += 6;   /* empty user, pass, peer-info */
    buf = buf_view(msg, n);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OPTIONS_TOO_LONG);
    assert_int_equal(buf_len(&buf), n);

    /* exactly 512 including the NUL is still fine */
    n = 5 + 2 * KM_RANDOM_LEN;
    msg[n] = 0x02;
    msg[n + 1] = 0x00;
    memset(msg + n + 2, 'x', 511);
    msg[n + 2 + 511] = 0;
    memset(msg + n + 2 + 512, 0, 6);
    buf = buf_view(msg, n + 2 + 512 + 6);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OK);
    assert_int_equal(strlen(km.options), 511);
}

static void
key_msg_write__options_of_512_chars__refused(void **state)
{
    static uint8_t out[2048];
    struct buffer buf = buf_storage(out, sizeof(out), 0);
    (void) state;

    key_msg_wipe(&km);
    memset(km.options, 'x', 512); /* 513 with the NUL */
    assert_false(key_msg_write(&buf, &km));
    assert_int_equal(buf_len(&buf), 0);

    km.options[511] = '\0'; /* 511 chars: 512 with the NUL */
    assert_true(key_msg_write(&buf, &km));
}

static void
key_msg_write__buffer_too_small__unchanged_and_wiped(void **state)
{
    uint8_t out[100];
    struct buffer buf = buf_storage(out, sizeof(out), 0);
    (void) state;

    fill_client(&km);
    memset(out, 0xee, sizeof(out));
    assert_false(key_msg_write(&buf, &km));
    assert_int_equal(buf_len(&buf), 0);
    for (size_t i = 0; i < sizeof(out); i++)
    {
        assert_int_not_equal(out[i], 0x11); /* no pre_master left behind */
    }
}

static void
key_msg_parse__username_too_long__flagged_and_peer_info_found(void **state)
{
    static uint8_t msg[8192];
    size_t n = 5 + 2 * KM_RANDOM_LEN;
    const char info[] = "IV_PROTO=2\n";
    struct buffer buf;
    (void) state;

    memset(msg, 0, sizeof(msg));
    msg[4] = 2;
    msg[n++] = 0; /* options: empty */
    msg[n++] = 0;
    msg[n++] = 0x10; /* username: 4097 bytes */
    msg[n++] = 0x01;
    memset(msg + n, 'u', 4096);
    n += 4097;
    msg[n++] = 0x00; /* password "p" */
    msg[n++] = 0x02;
    msg[n++] = 'p';
    msg[n++] = 0;
    msg[n++] = 0;
    msg[n++] = sizeof(info);
    memcpy(msg + n, info, sizeof(info));
    n += sizeof(info);

    buf = buf_view(msg, n);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OK);
    assert_true(km.userpass_too_long);
    assert_string_equal(km.username, "");
    assert_string_equal(km.password, "");
    assert_string_equal(km.peer_info, info);
}

static void
key_msg_parse__bad_key_method__rejected_flags_ignored(void **state)
{
    uint8_t msg[128];
    size_t len = server_message(msg);
    struct buffer buf;
    (void) state;

    msg[4] = 0x01;
    buf = buf_view(msg, len);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_BAD_METHOD);
    assert_int_equal(buf_len(&buf), len);

    msg[4] = 0x12; /* high nibble = flags */
    buf = buf_view(msg, len);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OK);
    assert_int_equal(km.key_method, 0x12);
}

static void
key_msg_parse__unterminated_string__last_byte_becomes_nul(void **state)
{
    uint8_t msg[128];
    size_t len = server_message(msg);
    size_t opt = 5 + 2 * KM_RANDOM_LEN;
    struct buffer buf;
    (void) state;

    msg[opt + 4] = 'x'; /* "V4x" with length 3, no NUL */
    buf = buf_view(msg, len);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OK);
    assert_string_equal(km.options, "V4");
}

static void
key_msg_parse__trailing_bytes__left_in_buffer(void **state)
{
    uint8_t msg[130];
    size_t len = server_message(msg);
    struct buffer buf;
    (void) state;

    msg[len] = 'P';
    msg[len + 1] = 0;
    buf = buf_view(msg, len + 2);
    assert_int_equal(key_msg_parse(&buf, false, &km), KEY_MSG_OK);
    assert_int_equal(buf_len(&buf), 2);
    assert_int_equal(buf_ptr(&buf)[0], 'P');
}

static void
key_msg_write__then_parse__round_trips(void **state)
{
    static uint8_t out[4096];
    struct buffer buf = buf_storage(out, sizeof(out), 0);
    (void) state;

    fill_client(&km);
    strcpy(km.password, "secret");
    assert_true(key_msg_write(&buf, &km));
    assert_int_equal(key_msg_parse(&buf, true, &km2), KEY_MSG_OK);
    assert_int_equal(buf_len(&buf), 0);
    assert_memory_equal(km.pre_master, km2.pre_master, KM_PRE_MASTER_LEN);
    assert_memory_equal(km.random2, km2.random2, KM_RANDOM_LEN);
    assert_string_equal(km2.options, km.options);
    assert_string_equal(km2.username, "u");
    assert_string_equal(km2.password, "secret");
    assert_string_equal(km2.peer_info, km.peer_info);
}

static void
key_msg_status_str__every_status__has_text(void **state)
{
    (void) state;
    assert_string_equal(key_msg_status_str(KEY_MSG_OPTIONS_TOO_LONG), "options string too long");
    assert_non_null(strstr(key_msg_status_str(KEY_MSG_TRUNCATED), "truncated"));
}

/* --- peer-info ------------------------------------------------------------ */

static void
iv_proto__26_constants__match_observed_values(void **state)
{
    (void) state;
    assert_int_equal(IV_PROTO_26_CLIENT, 990);
    assert_int_equal(IV_PROTO_26_P2P, 746);
}

static void
peer_info_build__p2p__ncp_minimum_only(void **state)
{
    struct peer_info_config pi = {
        .pull = false,
        .version = "2.6.14",
        .ciphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
        .iv_proto = IV_PROTO_26_P2P,
    };
    char out[512];
    (void) state;

    assert_true(key_msg_peer_info_build(&pi, out, sizeof(out)));
    assert_string_equal(out,
                        "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n"
                        "IV_PROTO=746\n");
}

static void
peer_info_build__client__matches_26_layout(void **state)
{
    static const char *const comp[] = {
        "IV_LZO_STUB=1", "IV_COMP_STUB=1", "IV_COMP_STUBv2=1", NULL
    };
    static const char *const extra[] = { "UV_TEST=hello", NULL };
    struct peer_info_config pi = {
        .pull = true,
        .push_peer_info = true,
        .version = "2.6.14",
        .tun_max_mtu = 1600,
        .ciphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
        .iv_proto = IV_PROTO_26_CLIENT,
        .comp_lines = comp,
        .ssl_version = "OpenSSL_3.0.22_25_Aug_2026",
        .plat_ver = "6.1.0",
        .extra_lines = extra,
    };
    char out[1024];
    (void) state;

    assert_true(key_msg_peer_info_build(&pi, out, sizeof(out)));
    assert_string_equal(out,
                        "IV_VER=2.6.14\n"
                        "IV_PLAT=linux\n"
                        "IV_TCPNL=1\n"
                        "IV_MTU=1600\n"
                        "IV_NCP=2\n"
                        "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n"
                        "IV_PROTO=990\n"
                        "IV_LZO_STUB=1\n"
                        "IV_COMP_STUB=1\n"
                        "IV_COMP_STUBv2=1\n"
                        "IV_SSL=OpenSSL_3.0.22_25_Aug_2026\n"
                        "IV_PLAT_VER=6.1.0\n"
                        "UV_TEST=hello\n");
}

static void
peer_info_build__no_gcm_pair__omits_iv_ncp(void **state)
{
    struct peer_info_config pi = {
        .pull = true,
        .version = "2.6.14",
        .tun_max_mtu = 1500,
        .ciphers = "AES-256-GCM:CHACHA20-POLY1305",
        .iv_proto = IV_PROTO_26_CLIENT,
    };
    char out[512];
    (void) state;

    assert_true(key_msg_peer_info_build(&pi, out, sizeof(out)));
    assert_null(strstr(out, "IV_NCP"));
    assert_non_null(strstr(out, "IV_MTU=1500\n"));
}

static void
peer_info_build__too_small__fails_empty(void **state)
{
    struct peer_info_config pi = { .ciphers = "AES-256-GCM", .iv_proto = 746 };
    char out[20];
    (void) state;

    assert_false(key_msg_peer_info_build(&pi, out, sizeof(out)));
    assert_string_equal(out, "");
}

static void
peer_info_get__lookups__exact_names_only(void **state)
{
    const char *pi = "IV_VER=2.6.14\nIV_PROTOX=1\nIV_PROTO=990\nIV_CIPHERS=\nUV_A=b\r\n";
    char v[32];
    (void) state;

    assert_true(key_msg_peer_info_get(pi, "IV_VER", v, sizeof(v)));
    assert_string_equal(v, "2.6.14");
    assert_true(key_msg_peer_info_get(pi, "IV_PROTO", v, sizeof(v)));
    assert_string_equal(v, "990");
    assert_true(key_msg_peer_info_get(pi, "IV_CIPHERS", v, sizeof(v)));
    assert_string_equal(v, "");
    assert_true(key_msg_peer_info_get(pi, "UV_A", v, sizeof(v)));
    assert_string_equal(v, "b");
    assert_false(key_msg_peer_info_get(pi, "IV_PLAT", v, sizeof(v)));
    assert_false(key_msg_peer_info_get(pi, "IV_VER", v, 6)); /* "2.6.14" needs 7 */
    assert_int_equal(key_msg_peer_info_proto(pi), 990);
    assert_int_equal(key_msg_peer_info_proto("IV_PROTO=abc\n"), 0);
    assert_int_equal(key_msg_peer_info_proto(""), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_msg_write__client_fields__exact_bytes),
        cmocka_unit_test(key_msg_write__server_fields__has_no_pre_master),
        cmocka_unit_test(key_msg_parse__server_message_with_empty_strings__decodes),
        cmocka_unit_test(key_msg_parse__client_message__decodes_every_field),
        cmocka_unit_test(key_msg_parse__any_truncation__fails_without_consuming),
        cmocka_unit_test(key_msg_parse__server_message_read_as_client__fails),
        cmocka_unit_test(key_msg_parse__hostile_string_lengths__fail),
        cmocka_unit_test(key_msg_parse__options_over_512__rejected),
        cmocka_unit_test(key_msg_write__options_of_512_chars__refused),
        cmocka_unit_test(key_msg_write__buffer_too_small__unchanged_and_wiped),
        cmocka_unit_test(key_msg_parse__username_too_long__flagged_and_peer_info_found),
        cmocka_unit_test(key_msg_parse__bad_key_method__rejected_flags_ignored),
        cmocka_unit_test(key_msg_parse__unterminated_string__last_byte_becomes_nul),
        cmocka_unit_test(key_msg_parse__trailing_bytes__left_in_buffer),
        cmocka_unit_test(key_msg_write__then_parse__round_trips),
        cmocka_unit_test(key_msg_status_str__every_status__has_text),
        cmocka_unit_test(iv_proto__26_constants__match_observed_values),
        cmocka_unit_test(peer_info_build__p2p__ncp_minimum_only),
        cmocka_unit_test(peer_info_build__client__matches_26_layout),
        cmocka_unit_test(peer_info_build__no_gcm_pair__omits_iv_ncp),
        cmocka_unit_test(peer_info_build__too_small__fails_empty),
        cmocka_unit_test(peer_info_get__lookups__exact_names_only),
    };

    return cmocka_run_group_tests_name("key_msg", tests, NULL, NULL);
}
