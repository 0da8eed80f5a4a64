/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_tls_crypt_v2.c -- tls-crypt-v2 key files, WKc wrap/unwrap and the
 * client/server packet contexts, against doc/protocol.md §11.4 and against key
 * files made by the reference openvpn when it is installed.
 */
#include "config.h"

#include "test_common.h"

#include <stdbool.h>
#include <unistd.h>

#include "crypto_backend.h"
#include "strutil.h"
#include "tls_crypt_v2.h"
#include "wire.h"

#define REFERENCE_OPENVPN "/usr/sbin/openvpn"
#define W                 TLS_WRAP_DEFAULT_REPLAY_WINDOW
#define WT                TLS_WRAP_DEFAULT_REPLAY_TIME

/* §11.4 */
static const char v2_srv_key[] =
  "-----BEGIN OpenVPN tls-crypt-v2 server key-----\n"
  "b9okK7XwCqwNLyISZYWGbU71W56Laqym7yhM89swep9tRiXnO2NXRNsdgAon0Vu4\n"
  "vN27Fow0es2BPtpebk7D/sY/TX8giNqa1jM5JyYpUxx6Z6fmgUq71vJiKR7eaVAQ\n"
  "q8PEkQdlQwsdfTDayT28dty8jOkwV127aOMXjd/BgYU=\n"
  "-----END OpenVPN tls-crypt-v2 server key-----\n";

static const char v2_cli_key[] =
  "-----BEGIN OpenVPN tls-crypt-v2 client key-----\n"
  "kg8dO+40hLlnLVbahIgs3GB5FC8scoRlFcS1gRNpXvS4J7OLBcMy6RnAIMLtMEOA\n"
  "9zotCW/7Tq84z+/2AJ9EmUxAIYTHiSsQi8aiUxiK6JCqjEV1UjY0ZBOm+Zujp2Wi\n"
  "5wPHKfr24owk698pWlr9jkDq6OHNCIXWNoAcSVgXtmnc57bJ0581zNiko6wNWZ37\n"
  "iFpr+Z5q/XvfTWdnsLecdthiWaFj2oJxw7X65l4NhIvdFVsKQQscghB6sX5OY8rh\n"
  "ycz2TuNWkLaeM0llkPslxhvQ64SEhAXdDeiCO/HPw5upn+lTMDyp9psVXbMeFbi2\n"
  "facLZufbHQBadP2t7ZhV2n5AegeTBzX9Q4UuvVTTFrUWoPXs0gPJOJdv4Wj7ISau\n"
  "C+XawgkQeZRVAdtyQodV6KGNmxyPggoDXTnyg6cIQ8fmtZQViXCx+hCFbW1+ldg2\n"
  "IG4qxqfWyeRg0v44XBbKTG7F7B4KRBj8JhzDMVrsWzKE5h/5F+Yrok5hQbcjcgCg\n"
  "6xg8K9owQxsiQdn9jhyViYn91hYTG7F1fk+A9iqzMqLaDoA/hGdBruePiLSFMlgh\n"
  "shB/modSxyxzHuvzmUIg0JQTpeAXvHMp1prx96C78CZCFsBnAbctyIsHYbSBVEMH\n"
  "3XfAB9FRnQVWEuwzn0G9eT6wXvWTolXPsO22XJ8VmXcZR4mzB91YoDTpnAeAjsNd\n"
  "k6/hBk1r7Ka8+un8NJ+DueOBDldTspXEqQEr\n"
  "-----END OpenVPN tls-crypt-v2 client key-----\n";

static const uint8_t v2_metadata[] = { 0x01, 0, 0, 0, 0, 0x6b, 0x02, 0x68, 0x63 };

/* Room for a few files under a private directory; removed at the end of each test. */
static char tmpdir[64];

static const char *
tmp_path(const char *name)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];

    snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
    return p;
}

static int
setup_tmp(void **state)
{
    (void) state;
    strcpy(tmpdir, "/tmp/test_tls_crypt_v2.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown_tmp(void **state)
{
    char cmd[128];
    (void) state;

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct tls_crypt_v2_server *
srv_from_text(const char *text)
{
    struct key ks;
    struct tls_crypt_v2_server *srv;

    assert_true(tls_crypt_v2_read_server_key_text(text, "test", 1, &ks));
    srv = tls_crypt_v2_server_new(&ks);
    assert_non_null(srv);
    return srv;
}

/* --- base64 -------------------------------------------------------------- */

static void
b64__rfc4648_vectors__encode_and_decode(void **state)
{
    static const char *const vec[][2] = {
        { "", "" },        { "f", "Zg==" },        { "fo", "Zm8=" },
        { "foo", "Zm9v" }, { "foob", "Zm9vYg==" }, { "foobar", "Zm9vYmFy" }
    };
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(vec); i++)
    {
        char enc[32];
        uint8_t dec[32];
        size_t n = 99;

        assert_int_equal(base64_len(strlen(vec[i][0])), strlen(vec[i][1]));
        base64_encode((const uint8_t *) vec[i][0], strlen(vec[i][0]), enc);
        assert_string_equal(enc, vec[i][1]);
        assert_true(base64_decode(vec[i][1], dec, sizeof(dec), &n));
        assert_int_equal(n, strlen(vec[i][0]));
        assert_memory_equal(dec, vec[i][0], n);
    }
}

static void
b64_decode__malformed_input__rejected(void **state)
{
    static const char *const bad[] = { "Zg=",  "Z===",     "Zg=a",    "=Zg=", "Zm9v!A==",
                                       "Zm 9", "Zg==Zg==", "Zm9vYmFy" /* too long for cap 5 */ };
    uint8_t out[5];
    size_t n;
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    {
        assert_false(base64_decode(bad[i], out, sizeof(out), &n));
    }
}

/* --- key files and WKc (§11.4) ------------------------------------------- */

static void
unwrap_client_key__reference_vector__gives_metadata_and_kc(void **state)
{
    struct tls_crypt_v2_server *srv = srv_from_text(v2_srv_key);
    struct tls_crypt_v2_client_key ck;
    struct key2 kc;
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t md_len = 0;
    (void) state;

    assert_true(tls_crypt_v2_read_client_key_text(v2_cli_key, "test", 1, &ck));
    assert_int_equal(ck.wkc_len, 299);
    assert_int_equal(tls_crypt_v2_unwrap_client_key(srv, ck.wkc, ck.wkc_len, &kc, md, &md_len),
                     TLS_WRAP_OK);
    assert_int_equal(md_len, sizeof(v2_metadata));
    assert_memory_equal(md, v2_metadata, sizeof(v2_metadata));
    assert_int_equal(kc.n, 2);
    assert_memory_equal(kc.keys, ck.kc.keys, KEY2_SIZE);

    /* re-wrapping the same Kc and metadata reproduces the reference WKc (SIV: deterministic) */
    uint8_t wkc[TLS_CRYPT_V2_MAX_WKC_LEN];
    size_t wkc_len = 0;
    assert_true(tls_crypt_v2_wrap_client_key(srv, &kc, md, md_len, wkc, &wkc_len));
    assert_int_equal(wkc_len, ck.wkc_len);
    assert_memory_equal(wkc, ck.wkc, wkc_len);
    tls_crypt_v2_server_free(srv);
}

static void
unwrap_client_key__any_truncation_or_bit_flip__rejected(void **state)
{
    struct tls_crypt_v2_server *srv = srv_from_text(v2_srv_key);
    struct tls_crypt_v2_client_key ck;
    struct key2 kc;
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t md_len;
    (void) state;

    assert_true(tls_crypt_v2_read_client_key_text(v2_cli_key, "test", 1, &ck));
    for (size_t len = 0; len < ck.wkc_len; len++)
    {
        /* a prefix ends in the wrong length field; a strict suffix lacks its tag */
        assert_int_not_equal(tls_crypt_v2_unwrap_client_key(srv, ck.wkc, len, &kc, md, &md_len),
                             TLS_WRAP_OK);
        assert_int_equal(md_len, 0);
        if (len > 0)
        {
            assert_int_not_equal(
              tls_crypt_v2_unwrap_client_key(srv, ck.wkc + len, ck.wkc_len - len, &kc, md, &md_len),
              TLS_WRAP_OK);
            assert_int_equal(kc.n, 0);
        }
    }
    for (size_t i = 0; i < ck.wkc_len * 8; i++)
    {
        ck.wkc[i / 8] ^= (uint8_t) (1u << (i % 8));
        assert_int_not_equal(
          tls_crypt_v2_unwrap_client_key(srv, ck.wkc, ck.wkc_len, &kc, md, &md_len), TLS_WRAP_OK);
        assert_int_equal(kc.n, 0);
        ck.wkc[i / 8] ^= (uint8_t) (1u << (i % 8));
    }
    tls_crypt_v2_server_free(srv);
}

static void
read_key_text__bad_input__names_origin_and_line(void **state)
{
    struct key ks;
    struct tls_crypt_v2_client_key ck;
    char bad[sizeof(v2_srv_key)];
    (void) state;

    memcpy(bad, v2_srv_key, sizeof(bad));
    bad[strlen("-----BEGIN OpenVPN tls-crypt-v2 server key-----\n") + 64 + 1 + 5] = '*';
    mock_msg_reset();
    assert_false(tls_crypt_v2_read_server_key_text(bad, "srv.conf", 10, &ks));
    assert_non_null(strstr(mock_last_msg, "srv.conf:12:"));

    mock_msg_reset();
    assert_false(tls_crypt_v2_read_server_key_text("no key here\n", "k", 1, &ks));
    assert_non_null(strstr(mock_last_msg, "k:1:"));
    assert_non_null(strstr(mock_last_msg, "not found"));

    /* a server key is not a client key, and a truncated file misses its END line */
    mock_msg_reset();
    assert_false(tls_crypt_v2_read_client_key_text(v2_srv_key, "c", 1, &ck));
    char cut[sizeof(v2_cli_key)];
    memcpy(cut, v2_cli_key, sizeof(cut));
    *strstr(cut, "-----END") = '\0';
    assert_false(tls_crypt_v2_read_client_key_text(cut, "c", 1, &ck));
    assert_non_null(strstr(mock_last_msg, "missing"));
    /* nor is a client key a server key */
    assert_false(tls_crypt_v2_read_server_key_text(v2_cli_key, "s", 1, &ks));
}

/* --- contexts: V3 reset and WKC_V1 --------------------------------------- */

static void
contexts__v3_reset_and_wkc_v1__round_trip_with_early_neg_marker(void **state)
{
    struct tls_crypt_v2_server *srv = srv_from_text(v2_srv_key);
    struct tls_crypt_v2_client_key ck;
    struct tls_wrap_ctx *client;
    struct tls_wrap_ctx *server;
    uint8_t reset[] = {
        P_CONTROL_HARD_RESET_CLIENT_V3 << P_OPCODE_SHIFT, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0
    };
    uint8_t store[1600], back[128], md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    struct buffer in = buf_view(reset, sizeof(reset));
    struct buffer wire = buf_storage(store, sizeof(store), 0);
    struct buffer dec = buf_storage(back, sizeof(back), 0);
    struct buffer pkt, wkc;
    enum tls_wrap_result r;
    size_t md_len;
    uint32_t id, t;
    (void) state;

    assert_true(tls_crypt_v2_read_client_key_text(v2_cli_key, "test", 1, &ck));
    client = tls_crypt_v2_client_ctx_new(&ck, W, WT);
    assert_non_null(client);
    assert_true(tls_wrap_wrap(client, &in, &wire, 1000));
    assert_int_equal(buf_len(&wire), sizeof(reset) + TLS_CRYPT_OVERHEAD + 299);
    assert_true(tls_crypt_v2_split(&wire, &pkt, &wkc));
    assert_memory_equal(buf_ptr(&wkc), ck.wkc, 299);
    assert_true(tls_wrap_peek_replay_id(client, &wire, &id, &t));
    assert_int_equal(id, 0x0f000001);
    assert_true(tls_crypt_v2_is_early_neg_id(id));
    assert_false(tls_crypt_v2_is_early_neg_id(1));

    server = tls_crypt_v2_server_ctx_new(srv, &wire, W, WT, md, &md_len, &r);
    assert_non_null(server);
    assert_int_equal(r, TLS_WRAP_OK);
    assert_memory_equal(md, v2_metadata, sizeof(v2_metadata));
    assert_int_equal(tls_wrap_unwrap(server, &wire, &dec, 0, 1), TLS_WRAP_OK);
    assert_int_equal(buf_len(&dec), sizeof(reset));
    assert_memory_equal(buf_ptr(&dec), reset, sizeof(reset));

    /* the client's next packet is a WKC_V1 with id 0x0f000002; the server ignores WKc */
    reset[0] = P_CONTROL_WKC_V1 << P_OPCODE_SHIFT;
    buf_reset(&wire, 0);
    buf_reset(&dec, 0);
    assert_true(tls_wrap_wrap(client, &in, &wire, 1001));
    assert_true(tls_wrap_peek_replay_id(client, &wire, &id, &t));
    assert_int_equal(id, 0x0f000002);
    assert_int_equal(tls_wrap_unwrap(server, &wire, &dec, 0, 2), TLS_WRAP_OK);
    assert_memory_equal(buf_ptr(&dec), reset, sizeof(reset));

    /* a plain CONTROL_V1 carries no WKc */
    reset[0] = P_CONTROL_V1 << P_OPCODE_SHIFT;
    buf_reset(&wire, 0);
    buf_reset(&dec, 0);
    assert_true(tls_wrap_wrap(client, &in, &wire, 1002));
    assert_int_equal(buf_len(&wire), sizeof(reset) + TLS_CRYPT_OVERHEAD);
    assert_int_equal(tls_wrap_unwrap(server, &wire, &dec, 0, 3), TLS_WRAP_OK);

    /* the server answers; the client reads it */
    uint8_t reply[] = { P_CONTROL_HARD_RESET_SERVER_V2 << P_OPCODE_SHIFT,
                        9,
                        9,
                        9,
                        9,
                        9,
                        9,
                        9,
                        9,
                        1,
                        0,
                        0,
                        0,
                        0,
                        1,
                        2,
                        3,
                        4,
                        5,
                        6,
                        7,
                        8,
                        0,
                        0,
                        0,
                        0,
                        0,
                        1,
                        0,
                        2,
                        0,
                        1 };
    in = buf_view(reply, sizeof(reply));
    buf_reset(&wire, 0);
    buf_reset(&dec, 0);
    assert_true(tls_wrap_wrap(server, &in, &wire, 2000));
    assert_int_equal(tls_wrap_unwrap(client, &wire, &dec, 0, 1), TLS_WRAP_OK);
    assert_memory_equal(buf_ptr(&dec), reply, sizeof(reply));

    tls_wrap_free(client);
    tls_wrap_free(server);
    tls_crypt_v2_server_free(srv);
}

static void
server_ctx_new__bad_wkc_or_split__refused(void **state)
{
    struct tls_crypt_v2_server *srv = srv_from_text(v2_srv_key);
    uint8_t pkt[400] = { P_CONTROL_HARD_RESET_CLIENT_V3 << P_OPCODE_SHIFT };
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    struct buffer wire, a, b;
    enum tls_wrap_result r;
    size_t md_len;
    (void) state;

    for (size_t len = 0; len < 3; len++)
    {
        wire = buf_view(pkt, len);
        assert_false(tls_crypt_v2_split(&wire, &a, &b));
        assert_null(tls_crypt_v2_server_ctx_new(srv, &wire, W, WT, md, &md_len, &r));
    }
    pkt[398] = 0x01; /* L = 400: as long as the whole packet, no room for byte0 */
    pkt[399] = 0x90;
    wire = buf_view(pkt, sizeof(pkt));
    assert_false(tls_crypt_v2_split(&wire, &a, &b));
    pkt[398] = 0x01; /* L = 299, but garbage */
    pkt[399] = 0x2b;
    assert_true(tls_crypt_v2_split(&wire, &a, &b));
    assert_int_equal(buf_len(&b), 299);
    assert_null(tls_crypt_v2_server_ctx_new(srv, &wire, W, WT, md, &md_len, &r));
    assert_int_equal(r, TLS_WRAP_ERR_WKC);
    assert_int_equal(md_len, 0);
    tls_crypt_v2_server_free(srv);
}

/*
 * The stateless server's context: blank at first (it verifies nothing),
 * then keyed from each packet's own WKc without allocating; its send
 * counter restarts with every key (the reply carries replay id 1); a bad
 * WKc is refused.
 */
static void
server_ctx_load__keyed_from_each_packet__verifies_it_and_restarts_ids(void **state)
{
    struct tls_crypt_v2_server *srv = srv_from_text(v2_srv_key);
    struct tls_crypt_v2_client_key ck;
    struct tls_wrap_ctx *client, *blank;
    uint8_t reset[] = { P_CONTROL_HARD_RESET_CLIENT_V3 << P_OPCODE_SHIFT, 1, 2, 3, 4, 5, 6, 7, 8,
                        0, 0, 0, 0, 0 };
    uint8_t store[1600], back[128], md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    struct buffer in = buf_view(reset, sizeof(reset));
    struct buffer wire = buf_storage(store, sizeof(store), 0);
    struct buffer dec = buf_storage(back, sizeof(back), 0);
    struct buffer out;
    size_t md_len = 0;
    uint32_t id, t;
    (void) state;

    assert_true(tls_crypt_v2_read_client_key_text(v2_cli_key, "test", 1, &ck));
    client = tls_crypt_v2_client_ctx_new(&ck, W, WT);
    blank = tls_crypt_v2_server_ctx_blank();
    assert_non_null(client);
    assert_non_null(blank);
    assert_true(tls_wrap_wrap(client, &in, &wire, 1000));
    assert_int_not_equal(tls_wrap_unwrap(blank, &wire, &dec, TLS_UNWRAP_NO_REPLAY, 0),
                         TLS_WRAP_OK);

    for (int round = 0; round < 2; round++)
    {
        uint8_t rs[256];

        assert_int_equal(tls_crypt_v2_server_ctx_load(srv, blank, &wire, md, &md_len),
                         TLS_WRAP_OK);
        assert_memory_equal(md, v2_metadata, sizeof(v2_metadata));
        buf_reset(&dec, 0);
        assert_int_equal(tls_wrap_unwrap(blank, &wire, &dec, TLS_UNWRAP_NO_REPLAY, 0),
                         TLS_WRAP_OK);
        assert_memory_equal(buf_ptr(&dec), reset, sizeof(reset));
        /* the answer the client can read, with replay id 1 each time */
        out = buf_storage(rs, sizeof(rs), 0);
        reset[0] = P_CONTROL_HARD_RESET_SERVER_V2 << P_OPCODE_SHIFT;
        assert_true(tls_wrap_wrap(blank, &in, &out, 1000 + round));
        reset[0] = P_CONTROL_HARD_RESET_CLIENT_V3 << P_OPCODE_SHIFT;
        assert_true(tls_wrap_peek_replay_id(blank, &out, &id, &t));
        assert_int_equal(id, 1);
        assert_int_equal(t, 1000 + round);
        buf_reset(&dec, 0);
        assert_int_equal(tls_wrap_unwrap(client, &out, &dec, TLS_UNWRAP_NO_REPLAY, 0),
                         TLS_WRAP_OK);
    }

    /* a flipped WKc byte: refused, metadata wiped */
    store[buf_len(&wire) - 100] ^= 0x40;
    assert_int_equal(tls_crypt_v2_server_ctx_load(srv, blank, &wire, md, &md_len),
                     TLS_WRAP_ERR_WKC);
    assert_int_equal(md_len, 0);
    tls_wrap_free(client);
    tls_wrap_free(blank);
    tls_crypt_v2_server_free(srv);
}

/* --- --genkey ------------------------------------------------------------ */

static void
genkey__server_then_client__files_read_back_and_unwrap(void **state)
{
    struct key ks;
    struct tls_crypt_v2_client_key ck;
    struct key2 kc;
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t md_len;
    const uint8_t ts[] = { 0x01, 0, 0, 0, 0, 0x6b, 0x02, 0x68, 0x63 };
    (void) state;

    assert_true(tls_crypt_v2_genkey_server(tmp_path("s.key")));
    assert_true(tls_crypt_v2_read_server_key_file(tmp_path("s.key"), &ks));
    assert_true(tls_crypt_v2_genkey_client(tmp_path("c.key"), &ks, NULL, 0x6b026863));
    assert_true(tls_crypt_v2_read_client_key_file(tmp_path("c.key"), &ck));

    struct tls_crypt_v2_server *srv = tls_crypt_v2_server_new(&ks);
    assert_non_null(srv);
    assert_int_equal(tls_crypt_v2_unwrap_client_key(srv, ck.wkc, ck.wkc_len, &kc, md, &md_len),
                     TLS_WRAP_OK);
    assert_int_equal(md_len, sizeof(ts));
    assert_memory_equal(md, ts, sizeof(ts));
    assert_memory_equal(kc.keys, ck.kc.keys, KEY2_SIZE);

    /* user metadata: type 0 + the decoded bytes */
    assert_true(tls_crypt_v2_genkey_client(tmp_path("u.key"), &ks, "aGVsbG8gd29ybGQ=", 1));
    assert_true(tls_crypt_v2_read_client_key_file(tmp_path("u.key"), &ck));
    assert_int_equal(tls_crypt_v2_unwrap_client_key(srv, ck.wkc, ck.wkc_len, &kc, md, &md_len),
                     TLS_WRAP_OK);
    assert_int_equal(md_len, 12);
    assert_int_equal(md[0], TLS_CRYPT_V2_METADATA_TYPE_USER);
    assert_memory_equal(md + 1, "hello world", 11);
    tls_crypt_v2_server_free(srv);
}

static void
genkey_client__bad_or_long_metadata__refused_with_message(void **state)
{
    struct key ks;
    char b64[1200];
    uint8_t raw[734];
    (void) state;

    assert_true(tls_crypt_v2_read_server_key_text(v2_srv_key, "t", 1, &ks));
    mock_msg_reset();
    assert_false(tls_crypt_v2_genkey_client(tmp_path("x.key"), &ks, "not!b64", 1));
    assert_non_null(strstr(mock_last_msg, "ERROR: failed to base64 decode provided metadata"));
    assert_int_not_equal(access(tmp_path("x.key"), F_OK), 0);

    memset(raw, 'a', sizeof(raw));
    base64_encode(raw, 734, b64);
    assert_false(tls_crypt_v2_genkey_client(tmp_path("x.key"), &ks, b64, 1));
    assert_non_null(strstr(mock_last_msg, "metadata too long (734 bytes, max 733 bytes)"));
    base64_encode(raw, 733, b64); /* the largest allowed: WKc = 1024 */
    assert_true(tls_crypt_v2_genkey_client(tmp_path("x.key"), &ks, b64, 1));
}

static bool
run(const char *cmd)
{
    return system(cmd) == 0;
}

static void
reference_keys__generated_by_openvpn__read_and_unwrap(void **state)
{
    char cmd[512];
    struct key ks;
    struct tls_crypt_v2_client_key ck;
    struct key2 kc;
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t md_len;
    (void) state;

    if (access(REFERENCE_OPENVPN, X_OK) != 0)
    {
        skip();
    }
    snprintf(cmd,
             sizeof(cmd),
             REFERENCE_OPENVPN " --genkey tls-crypt-v2-server %s >/dev/null",
             tmp_path("rs.key"));
    assert_true(run(cmd));
    snprintf(cmd,
             sizeof(cmd),
             REFERENCE_OPENVPN " --tls-crypt-v2 %s --genkey tls-crypt-v2-client %s >/dev/null",
             tmp_path("rs.key"),
             tmp_path("rc.key"));
    assert_true(run(cmd));
    assert_true(tls_crypt_v2_read_server_key_file(tmp_path("rs.key"), &ks));
    assert_true(tls_crypt_v2_read_client_key_file(tmp_path("rc.key"), &ck));
    struct tls_crypt_v2_server *srv = tls_crypt_v2_server_new(&ks);
    assert_int_equal(tls_crypt_v2_unwrap_client_key(srv, ck.wkc, ck.wkc_len, &kc, md, &md_len),
                     TLS_WRAP_OK);
    assert_int_equal(md[0], TLS_CRYPT_V2_METADATA_TYPE_TIMESTAMP);
    assert_memory_equal(kc.keys, ck.kc.keys, KEY2_SIZE);
    tls_crypt_v2_server_free(srv);

    /* and the other way: the reference wraps a client key with our server key */
    assert_true(tls_crypt_v2_genkey_server(tmp_path("os.key")));
    snprintf(cmd,
             sizeof(cmd),
             REFERENCE_OPENVPN " --tls-crypt-v2 %s --genkey tls-crypt-v2-client %s >/dev/null",
             tmp_path("os.key"),
             tmp_path("oc.key"));
    assert_true(run(cmd));
    assert_true(tls_crypt_v2_read_server_key_file(tmp_path("os.key"), &ks));
    assert_true(tls_crypt_v2_read_client_key_file(tmp_path("oc.key"), &ck));
    srv = tls_crypt_v2_server_new(&ks);
    assert_int_equal(tls_crypt_v2_unwrap_client_key(srv, ck.wkc, ck.wkc_len, &kc, md, &md_len),
                     TLS_WRAP_OK);
    tls_crypt_v2_server_free(srv);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64__rfc4648_vectors__encode_and_decode),
        cmocka_unit_test(b64_decode__malformed_input__rejected),
        cmocka_unit_test(unwrap_client_key__reference_vector__gives_metadata_and_kc),
        cmocka_unit_test(unwrap_client_key__any_truncation_or_bit_flip__rejected),
        cmocka_unit_test(read_key_text__bad_input__names_origin_and_line),
        cmocka_unit_test(contexts__v3_reset_and_wkc_v1__round_trip_with_early_neg_marker),
        cmocka_unit_test(server_ctx_new__bad_wkc_or_split__refused),
        cmocka_unit_test(server_ctx_load__keyed_from_each_packet__verifies_it_and_restarts_ids),
        cmocka_unit_test_setup_teardown(
          genkey__server_then_client__files_read_back_and_unwrap, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(
          genkey_client__bad_or_long_metadata__refused_with_message, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(
          reference_keys__generated_by_openvpn__read_and_unwrap, setup_tmp, teardown_tmp),
    };

    crypto_init_library();
    return cmocka_run_group_tests_name("tls_crypt_v2", tests, NULL, NULL);
}
