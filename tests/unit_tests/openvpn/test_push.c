/* SPDX-License-Identifier: GPL-2.0-only */
/* test_push.c -- the pull side of client mode: PUSH_REQUEST timing,
 * PUSH_REPLY continuations, reactions to AUTH_FAILED/RESTART/HALT/INFO,
 * auth-token masking, --auth-user-pass parsing. */
#include "test_common.h"

#include <unistd.h>

#include "push.h"

static struct push_client
ready_client(int64_t t0)
{
    struct push_client pc;

    push_client_init(&pc, 60);
    assert_int_equal(push_client_tick(&pc, true, t0), PUSH_TICK_NONE);
    assert_int_equal(push_client_tick(&pc, true, t0 + 999), PUSH_TICK_NONE);
    assert_int_equal(push_client_tick(&pc, true, t0 + 1000), PUSH_TICK_SEND_REQUEST);
    push_client_request_sent(&pc, t0 + 1000);
    return pc;
}

static void
push_tick__control_not_ready__sends_nothing(void **state)
{
    struct push_client pc;
    (void) state;

    push_client_init(&pc, 0);
    assert_int_equal(push_client_tick(&pc, false, 0), PUSH_TICK_NONE);
    assert_int_equal(push_client_tick(&pc, false, 999999), PUSH_TICK_NONE);
    assert_int_equal(push_client_next_due_ms(&pc, 0), -1);
    assert_int_equal(pc.hand_window_ms, 60000); /* 0 means 2.6's default */
}

static void
push_tick__no_reply__repeats_every_5s_then_times_out(void **state)
{
    struct push_client pc = ready_client(0); /* first request at 1000 */
    (void) state;

    assert_int_equal(push_client_tick(&pc, true, 5999), PUSH_TICK_NONE);
    assert_int_equal(push_client_next_due_ms(&pc, 5000), 1000);
    assert_int_equal(push_client_tick(&pc, true, 6000), PUSH_TICK_SEND_REQUEST);
    push_client_request_sent(&pc, 6000);
    assert_int_equal(pc.requests, 2);
    assert_int_equal(push_client_tick(&pc, true, 10999), PUSH_TICK_NONE);
    assert_int_equal(push_client_tick(&pc, true, 59999), PUSH_TICK_SEND_REQUEST);
    assert_int_equal(push_client_tick(&pc, true, 60000), PUSH_TICK_TIMEOUT);
}

static void
push_reply__single_part__completes_once(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    const char *msg = "PUSH_REPLY,route 10.1.0.0 255.255.0.0,ifconfig 10.8.0.6 10.8.0.5";
    (void) state;

    push_client_on_message(&pc, msg, 100, &ev);
    assert_int_equal(ev.type, PUSH_EV_REPLY);
    assert_string_equal(ev.options, "route 10.1.0.0 255.255.0.0,ifconfig 10.8.0.6 10.8.0.5");
    assert_true(ev.complete);
    assert_true(ev.first_complete);
    assert_true(push_client_done(&pc));
    assert_int_equal(push_client_tick(&pc, true, 100000), PUSH_TICK_NONE);
    assert_int_equal(push_client_next_due_ms(&pc, 0), -1);

    /* an auth-token refresh later: applied, but no second bring-up */
    push_client_on_message(&pc, "PUSH_REPLY,auth-token SESS_ID_AT_x", 200, &ev);
    assert_int_equal(ev.type, PUSH_EV_REPLY);
    assert_true(ev.complete);
    assert_false(ev.first_complete);
}

static void
push_reply__before_any_request__is_accepted(void **state)
{
    struct push_client pc;
    struct push_event ev;
    (void) state;

    /* IV_PROTO bit 2: the server answers without being asked */
    push_client_init(&pc, 60);
    assert_int_equal(push_client_tick(&pc, true, 0), PUSH_TICK_NONE);
    push_client_on_message(&pc, "PUSH_REPLY", 10, &ev);
    assert_int_equal(ev.type, PUSH_EV_REPLY);
    assert_string_equal(ev.options, "");
    assert_true(ev.first_complete);
    assert_int_equal(push_client_tick(&pc, true, 5000), PUSH_TICK_NONE); /* never asked */
    assert_int_equal(pc.requests, 0);
}

static void
push_reply__continuations__complete_on_last_part(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    (void) state;

    push_client_on_message(&pc, "PUSH_REPLY,route 10.1.0.0,push-continuation 2", 100, &ev);
    assert_int_equal(ev.type, PUSH_EV_REPLY);
    assert_false(ev.complete);
    assert_false(ev.first_complete);
    assert_int_equal(pc.state, PUSH_COLLECTING);
    /* while parts arrive no new request goes out */
    assert_int_equal(push_client_tick(&pc, true, 20000), PUSH_TICK_NONE);
    push_client_on_message(&pc, "PUSH_REPLY,route 10.2.0.0,push-continuation 2", 200, &ev);
    assert_false(ev.complete);
    push_client_on_message(&pc, "PUSH_REPLY,route 10.3.0.0,push-continuation 1", 300, &ev);
    assert_true(ev.complete);
    assert_true(ev.first_complete);
    assert_int_equal(pc.parts, 3);
    assert_true(push_client_done(&pc));
}

static void
push_reply__continuation_never_finished__times_out(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    (void) state;

    push_client_on_message(&pc, "PUSH_REPLY,route 10.1.0.0,push-continuation 2", 100, &ev);
    assert_int_equal(push_client_tick(&pc, true, 59999), PUSH_TICK_NONE);
    assert_int_equal(push_client_tick(&pc, true, 60000), PUSH_TICK_TIMEOUT);
}

static void
push_reply_continuation__only_whole_items_count(void **state)
{
    (void) state;
    assert_int_equal(push_reply_continuation("route 1,push-continuation 2"), 2);
    assert_int_equal(push_reply_continuation("push-continuation 1"), 1);
    assert_int_equal(push_reply_continuation("push-continuation  1,ping 10"), 1);
    assert_int_equal(push_reply_continuation(""), 0);
    assert_int_equal(push_reply_continuation("ping 10"), 0);
    assert_int_equal(push_reply_continuation("push-continuation 3"), 0);
    assert_int_equal(push_reply_continuation("push-continuation 2x"), 0);
    assert_int_equal(push_reply_continuation("xpush-continuation 2"), 0);
    assert_int_equal(push_reply_continuation("push-continuation"), 0);
    assert_int_equal(push_reply_continuation("push-continuation2"), 0);
    assert_int_equal(push_reply_continuation("echo push-continuation 2"), 0);
}

static void
push_message__auth_failed__carries_reason(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    (void) state;

    push_client_on_message(&pc, "AUTH_FAILED", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_AUTH_FAILED);
    assert_string_equal(ev.reason, "");
    push_client_on_message(&pc, "AUTH_FAILED,SESSION:expired", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_AUTH_FAILED);
    assert_string_equal(ev.reason, "SESSION:expired");
    assert_false(push_client_done(&pc));
}

static void
push_message__restart_halt__flags_parsed(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    (void) state;

    push_client_on_message(&pc, "RESTART,[N]server going down", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_RESTART);
    assert_true(ev.next_remote);
    assert_false(ev.keep_passwords);
    push_client_on_message(&pc, "RESTART", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_RESTART);
    assert_false(ev.next_remote);
    push_client_on_message(&pc, "HALT,[P]bye", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_HALT);
    assert_true(ev.keep_passwords);
    assert_false(ev.next_remote);
}

static void
push_message__info_and_unknown(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    (void) state;

    push_client_on_message(&pc, "INFO,hello there", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_INFO);
    assert_string_equal(ev.reason, "hello there");
    push_client_on_message(&pc, "ACC,something", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_IGNORED);
    push_client_on_message(&pc, "", 1, &ev);
    assert_int_equal(ev.type, PUSH_EV_IGNORED);
    assert_int_equal(pc.state, PUSH_REQUESTING);
}

static void
push_message__auth_pending__extends_deadline(void **state)
{
    struct push_client pc = ready_client(0);
    struct push_event ev;
    (void) state;

    push_client_on_message(&pc, "AUTH_PENDING,timeout 300", 50000, &ev);
    assert_int_equal(ev.type, PUSH_EV_AUTH_PENDING);
    assert_int_equal(push_client_tick(&pc, true, 60000), PUSH_TICK_SEND_REQUEST);
    push_client_request_sent(&pc, 60000);
    assert_int_equal(push_client_tick(&pc, true, 349999), PUSH_TICK_SEND_REQUEST);
    push_client_request_sent(&pc, 349999);
    assert_int_equal(push_client_tick(&pc, true, 350000), PUSH_TICK_TIMEOUT);

    /* without a timeout keyword: one more hand-window */
    pc = ready_client(0);
    push_client_on_message(&pc, "AUTH_PENDING", 30000, &ev);
    assert_int_equal(push_client_tick(&pc, true, 89999), PUSH_TICK_SEND_REQUEST);
    push_client_request_sent(&pc, 89999);
    assert_int_equal(push_client_tick(&pc, true, 90000), PUSH_TICK_TIMEOUT);
}

static void
push_mask_message__auth_token__never_logged(void **state)
{
    char out[256];
    (void) state;

    push_mask_message(
      "PUSH_REPLY,route 1,auth-token SESS_ID_AT_abcdef,cipher AES-256-GCM", out, sizeof(out));
    assert_string_equal(out, "PUSH_REPLY,route 1,auth-tokenSESS_ID,cipher AES-256-GCM");
    push_mask_message("PUSH_REPLY,auth-token SESS_ID_AT_abcdef", out, sizeof(out));
    assert_string_equal(out, "PUSH_REPLY,auth-tokenSESS_ID");
    assert_null(strstr(out, "abcdef"));
    /* auth-token-user is not the secret and stays */
    push_mask_message("PUSH_REPLY,auth-token-user YWxpY2U=", out, sizeof(out));
    assert_string_equal(out, "PUSH_REPLY,auth-token-user YWxpY2U=");
    /* only at the start of an item */
    push_mask_message("PUSH_REPLY,echo auth-token x", out, sizeof(out));
    assert_string_equal(out, "PUSH_REPLY,echo auth-token x");
}

static void
push_mask_message__small_buffer__truncates_safely(void **state)
{
    char out[12];
    (void) state;

    for (size_t n = 1; n <= sizeof(out); n++)
    {
        memset(out, 'Z', sizeof(out));
        push_mask_message("PUSH_REPLY,auth-token SECRETSECRET", out, n);
        assert_int_equal(strlen(out), n - 1);
        assert_null(strstr(out, "SECRET"));
    }
}

static void
user_pass_parse__two_lines__user_and_password(void **state)
{
    struct user_pass up;
    (void) state;

    assert_true(user_pass_parse("alice\nsecret\n", &up));
    assert_string_equal(up.username, "alice");
    assert_string_equal(up.password, "secret");
    assert_true(up.have_password);
    assert_true(user_pass_parse("bob\r\npass word\r\nextra\n", &up));
    assert_string_equal(up.username, "bob");
    assert_string_equal(up.password, "pass word");
    assert_true(user_pass_parse("carol", &up));
    assert_false(up.have_password); /* the caller prompts for it */
    assert_true(user_pass_parse("carol\n", &up));
    assert_false(up.have_password);
    assert_true(user_pass_parse("dave\n\n", &up));
    assert_true(up.have_password);
    assert_string_equal(up.password, "");
}

static void
user_pass_parse__bad_input__refused_and_cleared(void **state)
{
    struct user_pass up;
    char *big = malloc(PUSH_USER_PASS_LEN + 16);
    (void) state;

    assert_false(user_pass_parse("", &up));
    assert_false(up.defined);
    assert_false(user_pass_parse("\nsecret\n", &up));
    assert_false(up.defined);
    memset(big, 'a', PUSH_USER_PASS_LEN + 8);
    big[PUSH_USER_PASS_LEN + 8] = '\0';
    assert_false(user_pass_parse(big, &up));
    big[0] = 'u';
    big[1] = '\n';
    assert_false(user_pass_parse(big, &up)); /* password line too long */
    assert_false(up.defined);
    assert_string_equal(up.username, "");
    free(big);
}

static void
user_pass_parse__truncation_sweep(void **state)
{
    const char *full = "alice\nsecret\n";
    char buf[32];
    struct user_pass up;
    (void) state;

    for (size_t n = 0; n <= strlen(full); n++)
    {
        memcpy(buf, full, n);
        buf[n] = '\0';
        bool ok = user_pass_parse(buf, &up);

        assert_int_equal(ok, n >= 1);
        if (ok)
        {
            assert_int_equal(strncmp(up.username, "alice", strlen(up.username)), 0);
            assert_int_equal(up.have_password, n > 6);
        }
    }
}

static void
user_pass_read_file__file_and_missing(void **state)
{
    char path[] = "/tmp/test_push_upXXXXXX";
    int fd = mkstemp(path);
    struct user_pass up;
    (void) state;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "alice\nsecret\n", 13), 13);
    close(fd);
    assert_true(user_pass_read_file(path, &up));
    assert_string_equal(up.username, "alice");
    assert_string_equal(up.password, "secret");
    user_pass_clear(&up);
    assert_false(up.defined);
    assert_string_equal(up.password, "");
    unlink(path);
    mock_msg_reset();
    assert_false(user_pass_read_file(path, &up));
    assert_non_null(strstr(mock_all_msgs, "Auth"));
}

static void
push_message__truncation_sweep__consistent(void **state)
{
    const char *full = "PUSH_REPLY,route 10.1.0.0 255.255.0.0,push-continuation 1";
    char buf[128];
    (void) state;

    for (size_t n = 0; n <= strlen(full); n++)
    {
        struct push_client pc = ready_client(0);
        struct push_event ev;

        memcpy(buf, full, n);
        buf[n] = '\0';
        push_client_on_message(&pc, buf, 1, &ev);
        if (ev.type == PUSH_EV_REPLY)
        {
            assert_true(n >= strlen("PUSH_REPLY"));
            assert_true(ev.complete); /* a cut "push-continuation 1" is still not a 2 */
            assert_true(ev.options >= buf && ev.options <= buf + n);
        }
        else
        {
            assert_true(n < strlen("PUSH_REPLY"));
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_tick__control_not_ready__sends_nothing),
        cmocka_unit_test(push_tick__no_reply__repeats_every_5s_then_times_out),
        cmocka_unit_test(push_reply__single_part__completes_once),
        cmocka_unit_test(push_reply__before_any_request__is_accepted),
        cmocka_unit_test(push_reply__continuations__complete_on_last_part),
        cmocka_unit_test(push_reply__continuation_never_finished__times_out),
        cmocka_unit_test(push_reply_continuation__only_whole_items_count),
        cmocka_unit_test(push_message__auth_failed__carries_reason),
        cmocka_unit_test(push_message__restart_halt__flags_parsed),
        cmocka_unit_test(push_message__info_and_unknown),
        cmocka_unit_test(push_message__auth_pending__extends_deadline),
        cmocka_unit_test(push_mask_message__auth_token__never_logged),
        cmocka_unit_test(push_mask_message__small_buffer__truncates_safely),
        cmocka_unit_test(user_pass_parse__two_lines__user_and_password),
        cmocka_unit_test(user_pass_parse__bad_input__refused_and_cleared),
        cmocka_unit_test(user_pass_parse__truncation_sweep),
        cmocka_unit_test(user_pass_read_file__file_and_missing),
        cmocka_unit_test(push_message__truncation_sweep__consistent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
