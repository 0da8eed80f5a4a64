/* SPDX-License-Identifier: GPL-2.0-only */
/* test_ssl_auth_token.c -- --auth-gen-token tokens (doc/protocol.md §8.5). */
#include "test_common.h"

#include "crypto_backend.h"
#include "ssl_auth_token.h"

/* Written by "openvpn --genkey auth-token" (2.6.14); throw-away test key. */
static const char ref_pem[] = "-----BEGIN OpenVPN auth-token server key-----\n"
                              "TLcbF9DVzyicw5W50OnM5qnp/vNHk7ZR/hfCKMA3Mdtu0lRZ8TKOsUK6uwctL7Dq\n"
                              "zaiH+vSJiZtaXvhOd1aHsvIozU+TpvhHm4iBkGxbpBSdcpMpJykpEu0J/TQRY0Sr\n"
                              "5JFGgKHgOU3wOOsDH4/oRR2bUvoQfHMNY1EAD3dt1Aw=\n"
                              "-----END OpenVPN auth-token server key-----\n";

/* Computed independently (Python hmac) from ref_pem's bytes 64..95 for user
 * "alice", session id 01..0c, initial 1700000000, timestamp 1700000100. */
static const char ref_token[] = "SESS_ID_AT_AQIDBAUGBwgJCgsMAAAAAGVT8QAAAAAAZVPxZCTWmOoOjVMFLtdY"
                                "k3S2d21+SAzc69F7EiXADKOJxKbt";

static const uint8_t sid[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

#define T0 1700000000u

static void
auth_token_generate__reference_key__matches_independent_vector(void **state)
{
    struct auth_token_key k;
    char tok[100];
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    assert_true(auth_token_generate(&k, "alice", sid, T0, T0 + 100, tok, sizeof(tok)));
    assert_string_equal(tok, ref_token);
    assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
}

static void
auth_token_verify__fresh_token__valid_with_session(void **state)
{
    struct auth_token_key k;
    uint8_t got_sid[12];
    uint64_t initial = 0;
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    assert_int_equal(
      auth_token_verify(&k, "alice", ref_token, T0 + 200, 0, 3600, got_sid, &initial), AT_VALID);
    assert_memory_equal(got_sid, sid, 12);
    assert_int_equal(initial, T0);
}

static void
auth_token_generate__random_key_and_sid__round_trips(void **state)
{
    struct auth_token_key k;
    char a[100], b[100];
    uint8_t s1[12], s2[12];
    (void) state;

    assert_true(auth_token_key_random(&k));
    assert_true(auth_token_generate(&k, "bob", NULL, 0, T0, a, sizeof(a)));
    assert_true(auth_token_generate(&k, "bob", NULL, 0, T0, b, sizeof(b)));
    assert_string_not_equal(a, b); /* new random session ids */
    assert_true(auth_token_is_token(a));
    assert_int_equal(auth_token_verify(&k, "bob", a, T0, 0, 60, s1, NULL), AT_VALID);
    /* renewal keeps the session id and the initial timestamp */
    assert_true(auth_token_generate(&k, "bob", s1, T0, T0 + 50, b, sizeof(b)));
    uint64_t init = 0;
    assert_int_equal(auth_token_verify(&k, "bob", b, T0 + 60, 0, 60, s2, &init), AT_VALID);
    assert_memory_equal(s1, s2, 12);
    assert_int_equal(init, T0);
    assert_false(auth_token_generate(&k, "bob", NULL, 0, T0, a, AUTH_TOKEN_LEN));
}

static void
auth_token_verify__wrong_user__bad(void **state)
{
    struct auth_token_key k;
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    mock_msg_reset();
    assert_int_equal(auth_token_verify(&k, "mallory", ref_token, T0 + 200, 0, 3600, NULL, NULL),
                     AT_BAD);
    assert_string_equal(mock_last_msg,
                        "--auth-gen-token: HMAC on token from client failed "
                        "(mallory)");
}

static void
auth_token_verify__any_tampered_character__bad(void **state)
{
    struct auth_token_key k;
    char tok[sizeof(ref_token)];
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    for (size_t i = 11; i < sizeof(ref_token) - 1; i++)
    {
        memcpy(tok, ref_token, sizeof(tok));
        tok[i] = tok[i] == 'A' ? 'B' : 'A';
        assert_int_equal(auth_token_verify(&k, "alice", tok, T0 + 200, 0, 3600, NULL, NULL),
                         AT_BAD);
    }
}

static void
auth_token_verify__truncated_or_garbage__bad_with_size_line(void **state)
{
    struct auth_token_key k;
    char tok[sizeof(ref_token)];
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    for (size_t len = 0; len < sizeof(ref_token) - 1; len++)
    {
        memcpy(tok, ref_token, len);
        tok[len] = '\0';
        assert_int_equal(auth_token_verify(&k, "alice", tok, T0 + 200, 0, 3600, NULL, NULL),
                         AT_BAD);
    }
    mock_msg_reset();
    assert_int_equal(auth_token_verify(&k, "alice", "SESS_ID_AT_AQID", T0, 0, 0, NULL, NULL),
                     AT_BAD);
    assert_string_equal(mock_last_msg, "ERROR: --auth-token wrong size (3!=60)");
    assert_int_equal(auth_token_verify(&k, "alice", "SESS_ID_AT_!!!!", T0, 0, 0, NULL, NULL),
                     AT_BAD);
    assert_int_equal(auth_token_verify(&k, "alice", "password", T0, 0, 0, NULL, NULL), AT_BAD);
}

static void
auth_token_verify__outside_renewal_window__expired(void **state)
{
    struct auth_token_key k;
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    /* issued at T0+100; fresh while now < T0+100 + 2*60 */
    assert_int_equal(auth_token_verify(&k, "alice", ref_token, T0 + 219, 0, 60, NULL, NULL),
                     AT_VALID);
    mock_msg_reset();
    assert_int_equal(auth_token_verify(&k, "alice", ref_token, T0 + 220, 0, 60, NULL, NULL),
                     AT_EXPIRED);
    assert_non_null(strstr(mock_all_msgs,
                           "Timestamp (1700000100) of auth-token is out of the "
                           "renewal window"));
    assert_string_equal(mock_last_msg, "--auth-gen-token: auth-token from client expired");
    assert_int_equal(auth_token_verify(&k, "alice", ref_token, T0 + 99, 0, 60, NULL, NULL),
                     AT_EXPIRED); /* issued in the future */
}

static void
auth_token_verify__past_lifetime__expired(void **state)
{
    struct auth_token_key k;
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    assert_int_equal(auth_token_verify(&k, "alice", ref_token, T0 + 150, 150, 0, NULL, NULL),
                     AT_VALID);
    assert_int_equal(auth_token_verify(&k, "alice", ref_token, T0 + 151, 150, 0, NULL, NULL),
                     AT_EXPIRED);
}

static void
auth_token_key_read_pem__bad_input__refused(void **state)
{
    struct auth_token_key k;
    char pem[512];
    (void) state;

    mock_msg_reset();
    assert_false(auth_token_key_read_pem("nothing here", &k));
    assert_string_equal(mock_last_msg, "ERROR: OpenVPN auth-token server key pem decode failed");
    assert_false(auth_token_key_read_pem("-----BEGIN OpenVPN auth-token server key-----\n"
                                         "AAAA\n"
                                         "-----END OpenVPN auth-token server key-----\n",
                                         &k));
    assert_string_equal(mock_last_msg, "ERROR: not enough data in auth-token secret");
    assert_false(auth_token_key_read_pem("-----BEGIN OpenVPN Static key V1-----\nAAAA\n"
                                         "-----END OpenVPN Static key V1-----\n",
                                         &k));
    assert_true(auth_token_key_write_pem(pem, sizeof(pem)));
    assert_true(auth_token_key_read_pem(pem, &k));
    assert_false(auth_token_key_write_pem(pem, 100));
}

/*
 * 2.6's session_state for each kind of password: not a token, valid,
 * expired (renewal window, lifetime), a token for the empty username only
 * (valid and expired), a wrong user or tampered token; the session id and
 * first time come back for every authentic token, and the HMAC line is
 * logged only when neither username fits.
 */
static void
auth_token_check__each_kind_of_password__2_6_session_state(void **state)
{
    struct auth_token_key k;
    char empty_tok[100];
    uint8_t got[12];
    uint64_t initial;
    (void) state;

    assert_true(auth_token_key_read_pem(ref_pem, &k));
    assert_int_equal(auth_token_check(&k, "alice", "right pw", T0, 0, 3600, got, &initial),
                     AT_STATE_INITIAL);

    mock_msg_reset();
    initial = 0;
    assert_int_equal(auth_token_check(&k, "alice", ref_token, T0 + 200, 0, 3600, got, &initial),
                     AT_STATE_AUTHENTICATED);
    assert_memory_equal(got, sid, 12);
    assert_int_equal(initial, T0);
    assert_null(strstr(mock_all_msgs, "HMAC"));
    assert_int_equal(
      auth_token_check(&k, "alice", ref_token, T0 + 100 + 7200, 0, 3600, got, &initial),
      AT_STATE_EXPIRED);
    assert_int_equal(auth_token_check(&k, "alice", ref_token, T0 + 200, 150, 3600, got, &initial),
                     AT_STATE_EXPIRED);

    /* a token made for "" is good for any username, flagged as such */
    assert_true(auth_token_generate(&k, "", sid, T0, T0 + 100, empty_tok, sizeof(empty_tok)));
    mock_msg_reset();
    assert_int_equal(auth_token_check(&k, "alice", empty_tok, T0 + 200, 0, 3600, got, &initial),
                     AT_STATE_AUTHENTICATED_EMPTY_USER);
    assert_null(strstr(mock_all_msgs, "HMAC"));
    assert_int_equal(auth_token_check(&k, "alice", empty_tok, T0 + 200, 50, 3600, got, &initial),
                     AT_STATE_EXPIRED_EMPTY_USER);

    mock_msg_reset();
    assert_int_equal(auth_token_check(&k, "bob", ref_token, T0 + 200, 0, 3600, got, &initial),
                     AT_STATE_INVALID);
    assert_non_null(
      strstr(mock_all_msgs, "--auth-gen-token: HMAC on token from client failed (bob)"));
    assert_int_equal(auth_token_check(&k, "alice", "SESS_ID_AT_xyz", T0, 0, 3600, got, &initial),
                     AT_STATE_INVALID);

    assert_string_equal(auth_token_state_name(AT_STATE_INITIAL), "Initial");
    assert_string_equal(auth_token_state_name(AT_STATE_AUTHENTICATED), "Authenticated");
    assert_string_equal(auth_token_state_name(AT_STATE_EXPIRED), "Expired");
    assert_string_equal(auth_token_state_name(AT_STATE_INVALID), "Invalid");
    assert_string_equal(auth_token_state_name(AT_STATE_AUTHENTICATED_EMPTY_USER),
                        "AuthenticatedEmptyUser");
    assert_string_equal(auth_token_state_name(AT_STATE_EXPIRED_EMPTY_USER), "ExpiredEmptyUser");
}

/* session_id as 2.6 passes it to scripts: the 16 characters after the prefix. */
static void
auth_token_session_id_text__any_session__prefix_of_its_tokens(void **state)
{
    char text[AUTH_TOKEN_SESSION_ID_TEXT];
    (void) state;

    auth_token_session_id_text(sid, text);
    assert_int_equal(strlen(text), 16);
    assert_memory_equal(text, ref_token + strlen(AUTH_TOKEN_PREFIX), 16);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth_token_generate__reference_key__matches_independent_vector),
        cmocka_unit_test(auth_token_verify__fresh_token__valid_with_session),
        cmocka_unit_test(auth_token_generate__random_key_and_sid__round_trips),
        cmocka_unit_test(auth_token_verify__wrong_user__bad),
        cmocka_unit_test(auth_token_verify__any_tampered_character__bad),
        cmocka_unit_test(auth_token_verify__truncated_or_garbage__bad_with_size_line),
        cmocka_unit_test(auth_token_verify__outside_renewal_window__expired),
        cmocka_unit_test(auth_token_verify__past_lifetime__expired),
        cmocka_unit_test(auth_token_key_read_pem__bad_input__refused),
        cmocka_unit_test(auth_token_check__each_kind_of_password__2_6_session_state),
        cmocka_unit_test(auth_token_session_id_text__any_session__prefix_of_its_tokens),
    };

    crypto_init_library();
    return cmocka_run_group_tests_name("ssl_auth_token", tests, NULL, NULL);
}
