/* SPDX-License-Identifier: GPL-2.0-only */
/* test_push_msg.c -- PUSH_REPLY splitting and control-message classification
 * (doc/protocol.md §8). */
#include "test_common.h"

#include "push_msg.h"

static char msgs[8][PUSH_MSG_SIZE];

/* An option text of exactly @p len characters: "setenv-safe X xxxx...". */
static const char *
item_of_len(char *buf, size_t len, char tag)
{
    assert_true(len >= 14 && len < 1200);
    memset(buf, 'x', len);
    memcpy(buf, "setenv-safe ", 12);
    buf[12] = tag;
    buf[13] = ' ';
    buf[len] = '\0';
    return buf;
}

static void
push_msg_build__no_items__is_bare_push_reply(void **state)
{
    (void) state;

    assert_int_equal(push_msg_build(NULL, 0, msgs, 8), 1);
    assert_string_equal(msgs[0], "PUSH_REPLY");
}

static void
push_msg_build__short_list__one_message_without_continuation(void **state)
{
    const char *items[] = { "route 10.8.0.1",
                            "topology net30",
                            "ping 10",
                            "ping-restart 60",
                            "ifconfig 10.8.0.6 10.8.0.5",
                            "peer-id 0",
                            "cipher AES-256-GCM" };
    (void) state;

    assert_int_equal(push_msg_build(items, 7, msgs, 8), 1);
    assert_string_equal(msgs[0],
                        "PUSH_REPLY,route 10.8.0.1,topology net30,ping 10,"
                        "ping-restart 60,ifconfig 10.8.0.6 10.8.0.5,peer-id 0,"
                        "cipher AES-256-GCM");
}

/* 2.6 splits when (length so far + item length) >= 940, the comma not counted. */
static void
push_msg_build__boundary__939_fits_940_splits(void **state)
{
    char a[128], b[1024];
    const char *items[2] = { item_of_len(a, 100, 'A'), NULL };
    (void) state;

    items[1] = item_of_len(b, 828, 'B'); /* 111 + 828 = 939 */
    assert_int_equal(push_msg_build(items, 2, msgs, 8), 1);
    assert_int_equal(strlen(msgs[0]), 940);

    items[1] = item_of_len(b, 829, 'B'); /* 111 + 829 = 940 */
    assert_int_equal(push_msg_build(items, 2, msgs, 8), 2);
    assert_int_equal(strlen(msgs[0]), 111 + strlen(",push-continuation 2"));
    assert_memory_equal(msgs[0] + 111, ",push-continuation 2", 21);
    assert_memory_equal(msgs[1], "PUSH_REPLY,setenv-safe B ", 25);
    assert_int_equal(strlen(msgs[1]), 10 + 1 + 829 + strlen(",push-continuation 1"));
    assert_string_equal(msgs[1] + 840, ",push-continuation 1");
}

static void
push_msg_build__long_list__every_message_under_1024(void **state)
{
    char bufs[40][128];
    const char *items[40];
    size_t n;
    size_t total_items = 0;
    (void) state;

    for (size_t i = 0; i < 40; i++)
    {
        items[i] = item_of_len(bufs[i], 99, (char) ('a' + i % 26));
    }
    n = push_msg_build(items, 40, msgs, 8);
    /* 9 items of 99 fit per message: 10 + 9 * 100 = 910, + 99 >= 940 */
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
    {
        const char *end = i + 1 < n ? ",push-continuation 2" : ",push-continuation 1";
        size_t len = strlen(msgs[i]);

        assert_true(len < 1024);
        assert_memory_equal(msgs[i], "PUSH_REPLY,", 11);
        assert_string_equal(msgs[i] + len - strlen(end), end);
        for (const char *p = msgs[i]; (p = strstr(p, ",setenv-safe ")); p++)
        {
            total_items++;
        }
    }
    assert_int_equal(total_items, 40);
    assert_int_equal(strlen(msgs[0]), 910 + 20);
}

static void
push_msg_build__item_too_long__refused(void **state)
{
    char b[1024];
    const char *items[1];
    (void) state;

    items[0] = item_of_len(b, 929, 'Z'); /* 10 + 929 = 939: fits alone */
    assert_int_equal(push_msg_build(items, 1, msgs, 8), 1);
    items[0] = item_of_len(b, 930, 'Z');
    mock_msg_reset();
    assert_int_equal(push_msg_build(items, 1, msgs, 8), 0);
    assert_string_equal(mock_last_msg, "--push option is too long");
}

static void
push_msg_build__more_messages_than_room__refused(void **state)
{
    char bufs[40][128];
    const char *items[40];
    (void) state;

    for (size_t i = 0; i < 40; i++)
    {
        items[i] = item_of_len(bufs[i], 99, 'q');
    }
    assert_int_equal(push_msg_build(items, 40, msgs, 4), 0);
    assert_int_equal(push_msg_build(items, 40, msgs, 5), 5);
}

static void
push_msg_classify__every_kind__recognised_with_rest(void **state)
{
    static const struct
    {
        const char *text;
        enum push_msg_kind kind;
        const char *rest;
    } cases[] = {
        { "PUSH_REQUEST", PM_PUSH_REQUEST, "" },
        { "PUSH_REPLY,route 10.8.0.1,ping 10", PM_PUSH_REPLY, "route 10.8.0.1,ping 10" },
        { "PUSH_REPLY", PM_PUSH_REPLY, "" },
        { "AUTH_FAILED", PM_AUTH_FAILED, "" },
        { "AUTH_FAILED,SESSION: token expired", PM_AUTH_FAILED, "SESSION: token expired" },
        { "AUTH_PENDING,timeout 60", PM_AUTH_PENDING, "timeout 60" },
        { "INFO,hello", PM_INFO, "hello" },
        { "INFO_PRE,WEB_AUTH::https://x", PM_INFO_PRE, "WEB_AUTH::https://x" },
        { "RESTART,[P]bye", PM_RESTART, "[P]bye" },
        { "RESTART", PM_RESTART, "" },
        { "RESTARTx", PM_RESTART, "" },
        { "HALT,stop", PM_HALT, "stop" },
        { "EXIT", PM_EXIT, "" },
        { "CR_RESPONSE,dGVzdA==", PM_CR_RESPONSE, "dGVzdA==" },
        { "ACC,1,2", PM_UNKNOWN, "ACC,1,2" },
        { "PUSH_UPDATE,x", PM_UNKNOWN, "PUSH_UPDATE,x" },
        { "", PM_UNKNOWN, "" },
    };
    (void) state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const char *rest = NULL;

        assert_int_equal(push_msg_classify(cases[i].text, &rest), cases[i].kind);
        assert_string_equal(rest, cases[i].rest);
    }
    assert_int_equal(push_msg_classify("INFO_PRE", NULL), PM_INFO_PRE);
    assert_string_equal(push_msg_kind_name(PM_INFO_PRE), "INFO_PRE");
    assert_string_equal(push_msg_kind_name(PM_UNKNOWN), "UNKNOWN");
}

static void
push_msg_restart_flags__brackets__parsed_as_2_6(void **state)
{
    bool keep, next;
    const char *m;
    (void) state;

    push_msg_restart_flags("[PN]maintenance", &keep, &next, &m);
    assert_true(keep);
    assert_true(next);
    assert_string_equal(m, "[PN]maintenance");
    push_msg_restart_flags("[N]x", &keep, &next, &m);
    assert_false(keep);
    assert_true(next);
    push_msg_restart_flags("plain [P]", &keep, &next, &m);
    assert_false(keep);
    assert_false(next);
    push_msg_restart_flags("[P", &keep, &next, NULL); /* unterminated: flags still read */
    assert_true(keep);
    push_msg_restart_flags("", &keep, &next, &m);
    assert_false(keep);
    assert_false(next);
    assert_string_equal(m, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_msg_build__no_items__is_bare_push_reply),
        cmocka_unit_test(push_msg_build__short_list__one_message_without_continuation),
        cmocka_unit_test(push_msg_build__boundary__939_fits_940_splits),
        cmocka_unit_test(push_msg_build__long_list__every_message_under_1024),
        cmocka_unit_test(push_msg_build__item_too_long__refused),
        cmocka_unit_test(push_msg_build__more_messages_than_room__refused),
        cmocka_unit_test(push_msg_classify__every_kind__recognised_with_rest),
        cmocka_unit_test(push_msg_restart_flags__brackets__parsed_as_2_6),
    };

    return cmocka_run_group_tests_name("push_msg", tests, NULL, NULL);
}
