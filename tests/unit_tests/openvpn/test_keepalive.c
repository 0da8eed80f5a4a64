/* SPDX-License-Identifier: GPL-2.0-only */
/* test_keepalive.c -- liveness timers: which event is due when. */
#include "test_common.h"

#include "keepalive.h"

static struct keepalive
make(int ping, int rec, bool exit_on_rec, time_t start)
{
    struct keepalive ka;
    struct keepalive_config cfg = { .ping = ping, .ping_rec_timeout = rec, .ping_rec_exit = exit_on_rec };

    keepalive_init(&ka, &cfg, start);
    return ka;
}

static void
keepalive_check__quiet_for_ping_interval__asks_for_a_ping(void **state)
{
    struct keepalive ka = make(10, 0, false, 100);
    (void)state;

    assert_int_equal(keepalive_check(&ka, 109), KA_NONE);
    assert_int_equal(keepalive_check(&ka, 110), KA_SEND_PING);
    keepalive_on_sent(&ka, 110);
    assert_int_equal(keepalive_check(&ka, 119), KA_NONE);
    assert_int_equal(keepalive_next_due(&ka, 115), 5);
}

static void
keepalive_check__nothing_received__restarts_or_exits(void **state)
{
    struct keepalive r = make(0, 60, false, 0);
    struct keepalive e = make(0, 60, true, 0);
    (void)state;

    keepalive_on_received(&r, 30);
    assert_int_equal(keepalive_check(&r, 89), KA_NONE);
    assert_int_equal(keepalive_check(&r, 90), KA_PING_RESTART);
    assert_int_equal(keepalive_check(&e, 60), KA_PING_EXIT);
}

static void
keepalive_check__restart_beats_ping(void **state)
{
    struct keepalive ka = make(10, 30, false, 0);
    (void)state;

    assert_int_equal(keepalive_check(&ka, 30), KA_PING_RESTART);
}

static void
keepalive_check__timer_remote__waits_for_the_peer(void **state)
{
    struct keepalive ka;
    struct keepalive_config cfg = { .ping_rec_timeout = 10, .timer_remote = true };
    (void)state;

    keepalive_init(&ka, &cfg, 0);
    assert_int_equal(keepalive_check(&ka, 100), KA_NONE);
    keepalive_on_remote_known(&ka, 100);
    assert_int_equal(keepalive_check(&ka, 109), KA_NONE);
    assert_int_equal(keepalive_check(&ka, 110), KA_PING_RESTART);
}

static void
keepalive_check__inactive_with_byte_threshold(void **state)
{
    struct keepalive ka;
    struct keepalive_config cfg = { .inactive = 60, .inactive_bytes = 1000 };
    (void)state;

    keepalive_init(&ka, &cfg, 0);
    keepalive_on_tunnel_bytes(&ka, 500, 30); /* not enough to count as activity */
    assert_int_equal(keepalive_check(&ka, 60), KA_INACTIVE);
    keepalive_init(&ka, &cfg, 0);
    keepalive_on_tunnel_bytes(&ka, 1000, 30); /* enough: a new period starts at 30 */
    assert_int_equal(keepalive_check(&ka, 60), KA_NONE);
    assert_int_equal(keepalive_check(&ka, 90), KA_INACTIVE);
}

static void
keepalive_next_due__no_timers__is_minus_one(void **state)
{
    struct keepalive ka = make(0, 0, false, 0);
    (void)state;

    assert_int_equal(keepalive_next_due(&ka, 5), -1);
    assert_int_equal(keepalive_check(&ka, 1000000), KA_NONE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keepalive_check__quiet_for_ping_interval__asks_for_a_ping),
        cmocka_unit_test(keepalive_check__nothing_received__restarts_or_exits),
        cmocka_unit_test(keepalive_check__restart_beats_ping),
        cmocka_unit_test(keepalive_check__timer_remote__waits_for_the_peer),
        cmocka_unit_test(keepalive_check__inactive_with_byte_threshold),
        cmocka_unit_test(keepalive_next_due__no_timers__is_minus_one),
    };

    return cmocka_run_group_tests_name("keepalive", tests, NULL, NULL);
}
