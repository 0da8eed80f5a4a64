/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_tls_wrap.c -- tls-auth and tls-crypt control-packet wrapping against
 * the captured packets of doc/protocol.md §11.2 and §11.3: exact fields, exact
 * re-wrapping, every truncation, every bit flip, replays, wrong roles.
 */
#include "config.h"

#include "test_common.h"

#include <stdbool.h>

#include "crypto_backend.h"
#include "static_key.h"
#include "tls_wrap.h"

/* §11.2 ta.key */
static const char ta_key[] = "-----BEGIN OpenVPN Static key V1-----\n"
                             "ae00d5a626d5d6ab61fa59a8889ef001\n"
                             "3468f17c0ee05bcda0d917cabe235180\n"
                             "0270bab42f285996f48746d6d5d1d9ca\n"
                             "f9587999fc318a22b8177ba515fae688\n"
                             "e5a05a817ff6f6a2e8df010493545e9d\n"
                             "05e60298b16d1e2eec5cef15963fca17\n"
                             "f3ca5dedb8f8e255749eb20c6edcc1a9\n"
                             "31dde9c0f6b52ff72bd2a67c85b01725\n"
                             "379a6355d999638a5242d5c2d54805cf\n"
                             "42984cb5ca1ab74622050ead245ec37e\n"
                             "5360eb1fc24dab06f9051578241c7f7a\n"
                             "531bcdccce4bd33da6eee221a123e5c1\n"
                             "34e587e3fb8f2a6d0947498208906c24\n"
                             "6edcdab4c21777dabcf37fbc6f961191\n"
                             "d0687c9da47b4ebd38d06dd323ec69b8\n"
                             "1b3a603115547dbb2059a44ccb5ed41d\n"
                             "-----END OpenVPN Static key V1-----\n";

static const char ta_client_reset_hex[] = "384a74ac3c9cabb308"
                                          "447e1446acd3cdbf6b6dd847c34ed0742395d1c4"
                                          "000000016b02686f"
                                          "00"
                                          "00000000";
static const char ta_client_plain_hex[] = "384a74ac3c9cabb308"
                                          "00"
                                          "00000000";
static const char ta_server_reply_hex[] =
  "409f7ec02a168b2508fa4192c194f4cbe87c7bb88bd74c8416629c7f65000000016b02686f01000000004a7"
  "4ac3c9cabb30800000000";
static const char ta_server_plain_hex[] = "409f7ec02a168b2508"
                                          "01000000004a74ac3c9cabb308"
                                          "00000000";
#define TA_TIME 0x6b02686f

/* §11.3 tc.key */
static const char tc_key[] = "-----BEGIN OpenVPN Static key V1-----\n"
                             "d7aca79971cf9b57faf3a473aed9bf0c\n"
                             "0e8104e905a289e6f8a222a622890bed\n"
                             "9530d138dddf5241107ebaeed0c5c773\n"
                             "94f0c79e8e2d350e5bf19de09df1ba42\n"
                             "d9da85c74bad7106d136f49dac35450d\n"
                             "690c68a0e3344e7d51af779fa0a99719\n"
                             "9bb967ff5e2a6645c04a5d9a4300974b\n"
                             "b0cb83a66977918fd8119872b4bf0161\n"
                             "914e66b7f571559d94a0faad7f896166\n"
                             "e33cb8b5bd58326908eaae2ec94452bb\n"
                             "c45942d712ad7781af72e216748c1ff7\n"
                             "3d3b7c17ab10558cfd7d7e1aa8218535\n"
                             "7a971a72c3cc2fc12b5380738efa5143\n"
                             "f77ef144d422a2cd905b25a28a0effe1\n"
                             "6c8d0ec3793f0e45bc56d7f433f05835\n"
                             "afcd3da90d2fa9cb3ee1fe3c7af833d5\n"
                             "-----END OpenVPN Static key V1-----\n";

static const char tc_client_reset_hex[] =
  "38c981ea257fc2a780000000016b02691a"
  "35acea877691cc6cf3c644975ce30a94f6c83741af3f506d621b5fa615b82cc5"
  "3cdabc6ac4";
static const char tc_client_plain_hex[] = "38c981ea257fc2a780"
                                          "0000000000";
static const char tc_server_reply_hex[] =
  "405de4655bf7b945fc000000016b02691a2df52be6d79a97fcad9d56337aa73af9e2685b9fb27e9e0d8c62ad4a"
  "5da8db3925e45c961ce2ad207ac6a9a30765a6ea07";
static const char tc_server_plain_hex[] = "405de4655bf7b945fc"
                                          "0100000000c981ea257fc2a780"
                                          "00000000";
#define TC_TIME 0x6b02691a

#define W  TLS_WRAP_DEFAULT_REPLAY_WINDOW
#define WT TLS_WRAP_DEFAULT_REPLAY_TIME

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2;

    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++)
    {
        unsigned int v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t) v;
    }
    return n;
}

static void
load_key(const char *text, struct key2 *k)
{
    assert_true(static_key_read_text(text, "test", 1, k));
    assert_int_equal(k->n, 2);
}

static struct tls_wrap_ctx *
auth_ctx(int direction, const char *digest)
{
    struct key2 k;
    struct tls_wrap_ctx *ctx;

    load_key(ta_key, &k);
    ctx = tls_wrap_new_auth(&k, direction, digest, W, WT);
    assert_non_null(ctx);
    return ctx;
}

static struct tls_wrap_ctx *
crypt_ctx(bool server)
{
    struct key2 k;
    struct tls_wrap_ctx *ctx;

    load_key(tc_key, &k);
    ctx = tls_wrap_new_crypt(&k, server, W, WT);
    assert_non_null(ctx);
    return ctx;
}

/* Unwrap @p hex with @p ctx and compare the result to @p plain_hex. */
static void
expect_unwrap(struct tls_wrap_ctx *ctx, const char *hex, const char *plain_hex)
{
    uint8_t wire[256], want[256], store[256];
    size_t n = unhex(hex, wire, sizeof(wire));
    size_t pn = unhex(plain_hex, want, sizeof(want));
    struct buffer in = buf_view(wire, n);
    struct buffer out = buf_storage(store, sizeof(store), 0);

    assert_int_equal(tls_wrap_unwrap(ctx, &in, &out, 0, 1000), TLS_WRAP_OK);
    assert_int_equal(buf_len(&out), pn);
    assert_memory_equal(buf_ptr(&out), want, pn);
}

/* Wrap @p plain_hex (first use at @p now) and compare with the captured @p hex. */
static void
expect_wrap(struct tls_wrap_ctx *ctx, const char *plain_hex, const char *hex, time_t now)
{
    uint8_t plain[256], want[256], store[256];
    size_t pn = unhex(plain_hex, plain, sizeof(plain));
    size_t n = unhex(hex, want, sizeof(want));
    struct buffer in = buf_view(plain, pn);
    struct buffer out = buf_storage(store, sizeof(store), 0);

    assert_true(tls_wrap_wrap(ctx, &in, &out, now));
    assert_int_equal(buf_len(&out), n);
    assert_memory_equal(buf_ptr(&out), want, n);
}

/* Every strict prefix is refused and leaves the output untouched. */
static void
expect_all_truncations_fail(struct tls_wrap_ctx *ctx, const char *hex)
{
    uint8_t wire[256], store[256];
    size_t n = unhex(hex, wire, sizeof(wire));

    for (size_t len = 0; len < n; len++)
    {
        struct buffer in = buf_view(wire, len);
        struct buffer out = buf_storage(store, sizeof(store), 0);

        assert_int_not_equal(tls_wrap_unwrap(ctx, &in, &out, 0, 1000), TLS_WRAP_OK);
        assert_int_equal(buf_len(&out), 0);
    }
}

/* Every single-bit change is refused as unauthentic (nothing is outside the MAC). */
static void
expect_all_bitflips_fail(struct tls_wrap_ctx *ctx, const char *hex)
{
    uint8_t wire[256], store[256];
    size_t n = unhex(hex, wire, sizeof(wire));

    for (size_t i = 0; i < n * 8; i++)
    {
        struct buffer in = buf_view(wire, n);
        struct buffer out = buf_storage(store, sizeof(store), 0);

        wire[i / 8] ^= (uint8_t) (1u << (i % 8));
        assert_int_equal(tls_wrap_unwrap(ctx, &in, &out, 0, 1000), TLS_WRAP_ERR_AUTH);
        assert_int_equal(buf_len(&out), 0);
        wire[i / 8] ^= (uint8_t) (1u << (i % 8));
    }
    assert_int_equal(tls_wrap_get_stats(ctx)->dropped_auth, n * 8);
}

/* --- tls-auth (§11.2) ---------------------------------------------------- */

static void
tls_auth_unwrap__captured_client_reset__gives_exact_fields(void **state)
{
    struct tls_wrap_ctx *server = auth_ctx(0, NULL); /* receives with keys[1] */
    (void) state;

    expect_unwrap(server, ta_client_reset_hex, ta_client_plain_hex);
    assert_int_equal(tls_wrap_get_stats(server)->unwrapped, 1);
    tls_wrap_free(server);
}

static void
tls_auth_unwrap__captured_server_reply__verifies_with_direction_1(void **state)
{
    struct tls_wrap_ctx *client = auth_ctx(1, "SHA1"); /* receives with keys[0] */
    (void) state;

    expect_unwrap(client, ta_server_reply_hex, ta_server_plain_hex);
    tls_wrap_free(client);
}

static void
tls_auth_wrap__same_id_time_sid__reproduces_captured_bytes(void **state)
{
    struct tls_wrap_ctx *client = auth_ctx(1, NULL);
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    (void) state;

    expect_wrap(client, ta_client_plain_hex, ta_client_reset_hex, TA_TIME);
    expect_wrap(server, ta_server_plain_hex, ta_server_reply_hex, TA_TIME);
    tls_wrap_free(client);
    tls_wrap_free(server);
}

static void
tls_auth_unwrap__any_truncation__fails_cleanly(void **state)
{
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    (void) state;

    expect_all_truncations_fail(server, ta_client_reset_hex);
    expect_unwrap(server, ta_client_reset_hex, ta_client_plain_hex); /* window untouched */
    tls_wrap_free(server);
}

static void
tls_auth_unwrap__any_bit_flip__fails_authentication(void **state)
{
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    (void) state;

    expect_all_bitflips_fail(server, ta_client_reset_hex);
    tls_wrap_free(server);
}

static void
tls_auth_unwrap__replayed_packet__rejected(void **state)
{
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    uint8_t wire[64], store[64];
    size_t n = unhex(ta_client_reset_hex, wire, sizeof(wire));
    struct buffer in = buf_view(wire, n);
    struct buffer out = buf_storage(store, sizeof(store), 0);
    (void) state;

    assert_int_equal(tls_wrap_unwrap(server, &in, &out, 0, 1000), TLS_WRAP_OK);
    buf_reset(&out, 0);
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, 0, 1001), TLS_WRAP_ERR_REPLAY);
    assert_int_equal(buf_len(&out), 0);
    assert_int_equal(tls_wrap_get_stats(server)->dropped_replay, 1);
    tls_wrap_free(server);
}

static void
tls_auth_unwrap__no_replay_flag__verifies_without_recording(void **state)
{
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    uint8_t wire[64], store[64];
    size_t n = unhex(ta_client_reset_hex, wire, sizeof(wire));
    struct buffer in = buf_view(wire, n);
    struct buffer out = buf_storage(store, sizeof(store), 0);
    (void) state;

    /* §2.7: the stateless server checks each reset but keeps no state */
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, TLS_UNWRAP_NO_REPLAY, 1), TLS_WRAP_OK);
    buf_reset(&out, 0);
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, TLS_UNWRAP_NO_REPLAY, 2), TLS_WRAP_OK);
    buf_reset(&out, 0);
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, 0, 3), TLS_WRAP_OK);
    tls_wrap_free(server);
}

static void
tls_auth_unwrap__wrong_direction__fails_authentication(void **state)
{
    struct tls_wrap_ctx *client = auth_ctx(1, NULL); /* receives with keys[0] */
    struct tls_wrap_ctx *nodir = auth_ctx(-1, NULL);
    uint8_t wire[64], store[64];
    size_t n = unhex(ta_client_reset_hex, wire, sizeof(wire));
    struct buffer in = buf_view(wire, n);
    struct buffer out = buf_storage(store, sizeof(store), 0);
    (void) state;

    assert_int_equal(tls_wrap_unwrap(client, &in, &out, 0, 1), TLS_WRAP_ERR_AUTH);
    assert_int_equal(tls_wrap_unwrap(nodir, &in, &out, 0, 1), TLS_WRAP_ERR_AUTH);
    assert_int_equal(buf_len(&out), 0);
    tls_wrap_free(client);
    tls_wrap_free(nodir);
}

static void
tls_auth_wrap__every_transmission__takes_next_replay_id(void **state)
{
    struct tls_wrap_ctx *client = auth_ctx(1, NULL);
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    uint8_t plain[64], store[128], back[64];
    size_t pn = unhex(ta_client_plain_hex, plain, sizeof(plain));
    struct buffer in = buf_view(plain, pn);
    (void) state;

    for (uint32_t want = 1; want <= 3; want++)
    {
        struct buffer out = buf_storage(store, sizeof(store), 0);
        struct buffer dec = buf_storage(back, sizeof(back), 0);
        uint32_t id, t;

        assert_true(tls_wrap_wrap(client, &in, &out, TA_TIME + want)); /* time fixed at first use */
        assert_true(tls_wrap_peek_replay_id(client, &out, &id, &t));
        assert_int_equal(id, want);
        assert_int_equal(t, TA_TIME + 1);
        assert_int_equal(tls_wrap_unwrap(server, &out, &dec, 0, 5), TLS_WRAP_OK);
        assert_memory_equal(buf_ptr(&dec), plain, pn);
    }
    tls_wrap_free(client);
    tls_wrap_free(server);
}

static void
tls_auth_wrap__sha256_and_sha512__round_trip_with_digest_size_overhead(void **state)
{
    static const struct
    {
        const char *digest;
        size_t overhead;
    } cases[] = { { "SHA256", 40 }, { "SHA512", 72 }, { "sha1", 28 } };
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
    {
        struct tls_wrap_ctx *a = auth_ctx(1, cases[i].digest);
        struct tls_wrap_ctx *b = auth_ctx(0, cases[i].digest);
        uint8_t plain[] = { 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 1, 0x16, 0x03 };
        uint8_t store[128], back[64];
        struct buffer in = buf_view(plain, sizeof(plain));
        struct buffer out = buf_storage(store, sizeof(store), 0);
        struct buffer dec = buf_storage(back, sizeof(back), 0);

        assert_int_equal(tls_wrap_overhead(a), cases[i].overhead);
        assert_true(tls_wrap_wrap(a, &in, &out, 100));
        assert_int_equal(buf_len(&out), sizeof(plain) + cases[i].overhead);
        assert_int_equal(tls_wrap_unwrap(b, &out, &dec, 0, 5), TLS_WRAP_OK);
        assert_int_equal(buf_len(&dec), sizeof(plain));
        assert_memory_equal(buf_ptr(&dec), plain, sizeof(plain));
        tls_wrap_free(a);
        tls_wrap_free(b);
    }
}

static void
tls_auth_new__bad_parameters__refused(void **state)
{
    struct key2 k;
    (void) state;

    load_key(ta_key, &k);
    assert_null(tls_wrap_new_auth(&k, 0, "none", W, WT));
    assert_null(tls_wrap_new_auth(&k, 0, "NO-SUCH-DIGEST", W, WT));
    assert_null(tls_wrap_new_auth(&k, 0, NULL, -1, WT));
    k.n = 1; /* a 128-byte file is only legal without a direction */
    assert_null(tls_wrap_new_auth(&k, 1, NULL, W, WT));
    struct tls_wrap_ctx *ctx = tls_wrap_new_auth(&k, -1, NULL, W, WT);
    assert_non_null(ctx);
    assert_int_equal(tls_wrap_get_mode(ctx), TLS_WRAP_AUTH);
    tls_wrap_free(ctx);
}

static void
tls_wrap__output_too_small__fails_and_leaves_output_unchanged(void **state)
{
    struct tls_wrap_ctx *client = auth_ctx(1, NULL);
    struct tls_wrap_ctx *server = auth_ctx(0, NULL);
    uint8_t plain[64], wire[64], store[64];
    size_t pn = unhex(ta_client_plain_hex, plain, sizeof(plain));
    size_t n = unhex(ta_client_reset_hex, wire, sizeof(wire));
    struct buffer in = buf_view(plain, pn);
    struct buffer win = buf_view(wire, n);
    struct buffer out = buf_storage(store, n - 1, 0);
    struct buffer small = buf_storage(store, pn - 1, 0);
    (void) state;

    assert_false(tls_wrap_wrap(client, &in, &out, TA_TIME));
    assert_int_equal(buf_len(&out), 0);
    assert_int_equal(tls_wrap_unwrap(server, &win, &small, 0, 1), TLS_WRAP_ERR_NO_ROOM);
    assert_int_equal(buf_len(&small), 0);
    /* a too-short plain packet is a caller bug: refused */
    in = buf_view(plain, 8);
    out = buf_storage(store, sizeof(store), 0);
    assert_false(tls_wrap_wrap(client, &in, &out, TA_TIME));
    tls_wrap_free(client);
    tls_wrap_free(server);
}

static void
tls_wrap__null_context__copies_unwrapped_packet(void **state)
{
    uint8_t plain[] = { 0x28, 1, 2, 3, 4, 5, 6, 7, 8, 0 };
    uint8_t store[32], back[32];
    struct buffer in = buf_view(plain, sizeof(plain));
    struct buffer out = buf_storage(store, sizeof(store), 0);
    struct buffer dec = buf_storage(back, sizeof(back), 0);
    (void) state;

    assert_true(tls_wrap_wrap(NULL, &in, &out, 1));
    assert_int_equal(tls_wrap_unwrap(NULL, &out, &dec, 0, 1), TLS_WRAP_OK);
    assert_int_equal(buf_len(&dec), sizeof(plain));
    assert_memory_equal(buf_ptr(&dec), plain, sizeof(plain));
    assert_int_equal(tls_wrap_overhead(NULL), 0);
}

/* --- tls-crypt (§11.3) --------------------------------------------------- */

static void
tls_crypt_unwrap__captured_packets__decrypt_to_given_plaintexts(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    struct tls_wrap_ctx *client = crypt_ctx(false);
    (void) state;

    expect_unwrap(server, tc_client_reset_hex, tc_client_plain_hex);
    expect_unwrap(client, tc_server_reply_hex, tc_server_plain_hex);
    tls_wrap_free(server);
    tls_wrap_free(client);
}

static void
tls_crypt_wrap__same_id_time_sid__reproduces_captured_bytes(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    struct tls_wrap_ctx *client = crypt_ctx(false);
    (void) state;

    expect_wrap(client, tc_client_plain_hex, tc_client_reset_hex, TC_TIME);
    expect_wrap(server, tc_server_plain_hex, tc_server_reply_hex, TC_TIME);
    assert_int_equal(tls_wrap_overhead(server), TLS_CRYPT_OVERHEAD);
    tls_wrap_free(server);
    tls_wrap_free(client);
}

static void
tls_crypt_unwrap__any_truncation__fails_cleanly(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    struct tls_wrap_ctx *client = crypt_ctx(false);
    (void) state;

    expect_all_truncations_fail(server, tc_client_reset_hex);
    expect_all_truncations_fail(client, tc_server_reply_hex);
    tls_wrap_free(server);
    tls_wrap_free(client);
}

static void
tls_crypt_unwrap__any_bit_flip__fails_authentication(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    struct tls_wrap_ctx *client = crypt_ctx(false);
    (void) state;

    expect_all_bitflips_fail(server, tc_client_reset_hex);
    expect_all_bitflips_fail(client, tc_server_reply_hex);
    tls_wrap_free(server);
    tls_wrap_free(client);
}

static void
tls_crypt_unwrap__wrong_role_or_replay__rejected(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    uint8_t wire[128], store[128];
    size_t n = unhex(tc_server_reply_hex, wire, sizeof(wire));
    struct buffer in = buf_view(wire, n);
    struct buffer out = buf_storage(store, sizeof(store), 0);
    (void) state;

    /* a server cannot read what a server sent: keys[0] vs keys[1] */
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, 0, 1), TLS_WRAP_ERR_AUTH);
    assert_int_equal(buf_len(&out), 0);
    n = unhex(tc_client_reset_hex, wire, sizeof(wire));
    in = buf_view(wire, n);
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, 0, 1), TLS_WRAP_OK);
    buf_reset(&out, 0);
    assert_int_equal(tls_wrap_unwrap(server, &in, &out, 0, 2), TLS_WRAP_ERR_REPLAY);
    assert_int_equal(buf_len(&out), 0);
    tls_wrap_free(server);
}

static void
tls_crypt_wrap__minimum_packet__round_trips_at_49_bytes(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    struct tls_wrap_ctx *client = crypt_ctx(false);
    uint8_t plain[9] = { 0x28, 9, 9, 9, 9, 9, 9, 9, 9 };
    uint8_t store[128], back[64];
    struct buffer in = buf_view(plain, sizeof(plain));
    struct buffer out = buf_storage(store, sizeof(store), 0);
    struct buffer dec = buf_storage(back, sizeof(back), 0);
    (void) state;

    assert_true(tls_wrap_wrap(client, &in, &out, 50));
    assert_int_equal(buf_len(&out), TLS_CRYPT_MIN_LEN);
    assert_int_equal(tls_wrap_unwrap(server, &out, &dec, 0, 1), TLS_WRAP_OK);
    assert_int_equal(buf_len(&dec), sizeof(plain));
    assert_memory_equal(buf_ptr(&dec), plain, sizeof(plain));
    tls_wrap_free(server);
    tls_wrap_free(client);
}

static void
tls_crypt_new__one_key_file__refused(void **state)
{
    struct key2 k;
    (void) state;

    load_key(tc_key, &k);
    k.n = 1;
    assert_null(tls_wrap_new_crypt(&k, true, W, WT));
}

static void
tls_wrap_set_last_send_id__next_wrap__uses_following_id(void **state)
{
    struct tls_wrap_ctx *server = crypt_ctx(true);
    uint8_t plain[9] = { 0x40, 1, 1, 1, 1, 1, 1, 1, 1 };
    uint8_t store[128];
    struct buffer in = buf_view(plain, sizeof(plain));
    struct buffer out = buf_storage(store, sizeof(store), 0);
    uint32_t id, t;
    (void) state;

    tls_wrap_set_last_send_id(server, 1); /* §2.7: instance after a stateless reset */
    assert_true(tls_wrap_wrap(server, &in, &out, 77));
    assert_true(tls_wrap_peek_replay_id(server, &out, &id, &t));
    assert_int_equal(id, 2);
    assert_int_equal(t, 77);
    tls_wrap_free(server);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls_auth_unwrap__captured_client_reset__gives_exact_fields),
        cmocka_unit_test(tls_auth_unwrap__captured_server_reply__verifies_with_direction_1),
        cmocka_unit_test(tls_auth_wrap__same_id_time_sid__reproduces_captured_bytes),
        cmocka_unit_test(tls_auth_unwrap__any_truncation__fails_cleanly),
        cmocka_unit_test(tls_auth_unwrap__any_bit_flip__fails_authentication),
        cmocka_unit_test(tls_auth_unwrap__replayed_packet__rejected),
        cmocka_unit_test(tls_auth_unwrap__no_replay_flag__verifies_without_recording),
        cmocka_unit_test(tls_auth_unwrap__wrong_direction__fails_authentication),
        cmocka_unit_test(tls_auth_wrap__every_transmission__takes_next_replay_id),
        cmocka_unit_test(tls_auth_wrap__sha256_and_sha512__round_trip_with_digest_size_overhead),
        cmocka_unit_test(tls_auth_new__bad_parameters__refused),
        cmocka_unit_test(tls_wrap__output_too_small__fails_and_leaves_output_unchanged),
        cmocka_unit_test(tls_wrap__null_context__copies_unwrapped_packet),
        cmocka_unit_test(tls_crypt_unwrap__captured_packets__decrypt_to_given_plaintexts),
        cmocka_unit_test(tls_crypt_wrap__same_id_time_sid__reproduces_captured_bytes),
        cmocka_unit_test(tls_crypt_unwrap__any_truncation__fails_cleanly),
        cmocka_unit_test(tls_crypt_unwrap__any_bit_flip__fails_authentication),
        cmocka_unit_test(tls_crypt_unwrap__wrong_role_or_replay__rejected),
        cmocka_unit_test(tls_crypt_wrap__minimum_packet__round_trips_at_49_bytes),
        cmocka_unit_test(tls_crypt_new__one_key_file__refused),
        cmocka_unit_test(tls_wrap_set_last_send_id__next_wrap__uses_following_id),
    };

    crypto_init_library();
    return cmocka_run_group_tests_name("tls_wrap", tests, NULL, NULL);
}
