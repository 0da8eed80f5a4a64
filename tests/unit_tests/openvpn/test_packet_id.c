/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_packet_id.c -- packet-id counters and the replay window
 * (doc/protocol.md §6.2, §6.6), as numbered tables of edge cases.
 */
#include "test_common.h"

#include "basic.h"
#include "packet_id.h"

enum op
{
    ADD,  /* packet_id_add(id, time, now) */
    OK,   /* packet_id_test(id, time) must accept */
    BAD,  /* packet_id_test(id, time) must reject */
    REAP, /* packet_id_reap(now) */
};

struct step
{
    enum op op;
    uint32_t id, time;
    time_t now;
};

struct replay_case
{
    int num;
    const char *what;
    int window, time_window;
    struct step steps[12];
    int nsteps;
};

#define S(...)      \
    {               \
        __VA_ARGS__ \
    }

static const struct replay_case cases[] = {
    { 1,
      "id 0 is never accepted",
      64,
      15,
      { S(BAD, 0, 0, 0), S(ADD, 1, 0, 0), S(BAD, 0, 0, 0) },
      3 },
    { 2,
      "first packet accepted, then replay rejected",
      64,
      15,
      { S(OK, 1, 0, 0), S(ADD, 1, 0, 0), S(BAD, 1, 0, 0), S(OK, 2, 0, 0) },
      4 },
    { 3,
      "reordered packet inside the window accepted once",
      64,
      15,
      { S(ADD, 10, 0, 0), S(OK, 5, 0, 0), S(ADD, 5, 0, 0), S(BAD, 5, 0, 0), S(BAD, 10, 0, 0) },
      5 },
    { 4,
      "window edge: I-(n-1) accepted, I-n rejected",
      8,
      15,
      { S(ADD, 100, 0, 0), S(OK, 93, 0, 0), S(BAD, 92, 0, 0) },
      3 },
    { 5,
      "window slides: jump by more than n resets the ring",
      8,
      15,
      { S(ADD, 1, 0, 0), S(ADD, 50, 0, 0), S(OK, 43, 0, 0), S(BAD, 42, 0, 0), S(BAD, 1, 0, 0) },
      5 },
    { 6,
      "ids below the first packet are within the window",
      8,
      15,
      { S(ADD, 5, 0, 0), S(OK, 1, 0, 0), S(OK, 4, 0, 0), S(BAD, 5, 0, 0) },
      4 },
    { 7,
      "time advancing accepts any id and resets",
      64,
      15,
      { S(ADD, 500, 100, 0),
        S(OK, 1, 101, 0),
        S(ADD, 1, 101, 0),
        S(BAD, 500, 100, 0),
        S(BAD, 1, 101, 0),
        S(OK, 2, 101, 0) },
      6 },
    { 8,
      "older time rejected even with a new id",
      64,
      15,
      { S(ADD, 3, 200, 0), S(BAD, 4, 199, 0), S(OK, 4, 200, 0) },
      3 },
    { 9,
      "reap expires slots older than t and everything behind them",
      64,
      15,
      { S(ADD, 5, 0, 0),
        S(ADD, 6, 0, 20),
        S(OK, 4, 0, 0),
        S(REAP, 0, 0, 20),
        S(BAD, 4, 0, 0),
        S(BAD, 1, 0, 0),
        S(OK, 7, 0, 0) },
      7 },
    { 10,
      "reap keeps recent slots open",
      64,
      15,
      { S(ADD, 5, 0, 0), S(ADD, 6, 0, 10), S(REAP, 0, 0, 10), S(OK, 4, 0, 0), S(OK, 1, 0, 0) },
      5 },
    { 11,
      "strict window 0: only the next id",
      0,
      15,
      { S(OK, 7, 0, 0), S(ADD, 7, 0, 0), S(OK, 8, 0, 0), S(BAD, 9, 0, 0), S(BAD, 7, 0, 0) },
      5 },
    { 12,
      "strict window 0: new time must restart at 1",
      0,
      15,
      { S(ADD, 7, 5, 0), S(BAD, 2, 6, 0), S(OK, 1, 6, 0), S(BAD, 8, 4, 0) },
      4 },
    { 13,
      "wrapping ring: many in-order ids then a late one",
      4,
      15,
      { S(ADD, 1, 0, 0),
        S(ADD, 2, 0, 0),
        S(ADD, 3, 0, 0),
        S(ADD, 4, 0, 0),
        S(ADD, 5, 0, 0),
        S(ADD, 7, 0, 0),
        S(OK, 6, 0, 0),
        S(BAD, 5, 0, 0),
        S(BAD, 3, 0, 0) },
      9 },
    { 14,
      "highest id 0xFFFFFFFF handled",
      64,
      15,
      { S(ADD, 0xFFFFFFFFu, 0, 0), S(BAD, 0xFFFFFFFFu, 0, 0), S(OK, 0xFFFFFFFEu, 0, 0) },
      3 },
};

static void
replay__table__each_case_holds(void **state)
{
    (void) state;
    for (size_t c = 0; c < ARRAY_SIZE(cases); c++)
    {
        struct packet_id_rec r;

        assert_true(packet_id_rec_init(&r, cases[c].window, cases[c].time_window));
        for (int i = 0; i < cases[c].nsteps; i++)
        {
            const struct step *s = &cases[c].steps[i];
            bool got;

            switch (s->op)
            {
                case ADD:
                    packet_id_add(&r, s->id, s->time, s->now);
                    break;

                case REAP:
                    packet_id_reap(&r, s->now);
                    break;

                default:
                    got = packet_id_test(&r, s->id, s->time);
                    if (got != (s->op == OK))
                    {
                        fail_msg("case %d (%s), step %d: id %u time %u expected %s",
                                 cases[c].num,
                                 cases[c].what,
                                 i,
                                 s->id,
                                 s->time,
                                 s->op == OK ? "OK" : "BAD");
                    }
            }
        }
        packet_id_rec_free(&r);
    }
}

static void
replay__bad_sizes__rejected(void **state)
{
    struct packet_id_rec r;

    (void) state;
    assert_false(packet_id_rec_init(&r, -1, 15));
    assert_false(packet_id_rec_init(&r, PACKET_ID_WINDOW_MAX + 1, 15));
    assert_false(packet_id_rec_init(&r, 64, -1));
    assert_true(packet_id_rec_init(&r, PACKET_ID_WINDOW_MAX, 0));
    packet_id_rec_free(&r);
}

static void
send__short_form__starts_at_1_and_never_wraps(void **state)
{
    struct packet_id_send p = { 0 };
    uint32_t id, t;

    (void) state;
    assert_true(packet_id_send_next(&p, false, 1000, &id, &t));
    assert_int_equal(id, 1);
    assert_int_equal(t, 0);
    assert_false(packet_id_send_should_rekey(&p));
    p.id = PACKET_ID_WRAP_TRIGGER;
    assert_true(packet_id_send_should_rekey(&p));
    p.id = PACKET_ID_MAX - 1;
    assert_true(packet_id_send_next(&p, false, 1000, &id, &t));
    assert_int_equal(id, PACKET_ID_MAX);
    assert_false(packet_id_send_next(&p, false, 5000, &id, &t));
}

static void
send__long_form__wraps_only_when_time_moved(void **state)
{
    struct packet_id_send p = { 0 };
    uint32_t id, t;

    (void) state;
    assert_true(packet_id_send_next(&p, true, 1000, &id, &t));
    assert_int_equal(id, 1);
    assert_int_equal(t, 1000);
    assert_true(packet_id_send_next(&p, true, 1001, &id, &t));
    assert_int_equal(t, 1000); /* time is the start of the run, not now */
    p.id = PACKET_ID_MAX;
    assert_false(packet_id_send_next(&p, true, 1000, &id, &t));
    assert_true(packet_id_send_next(&p, true, 1002, &id, &t));
    assert_int_equal(id, 1);
    assert_int_equal(t, 1002);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay__table__each_case_holds),
        cmocka_unit_test(replay__bad_sizes__rejected),
        cmocka_unit_test(send__short_form__starts_at_1_and_never_wraps),
        cmocka_unit_test(send__long_form__wraps_only_when_time_moved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
