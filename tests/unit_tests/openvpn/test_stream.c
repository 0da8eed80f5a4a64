/* SPDX-License-Identifier: GPL-2.0-only */
/* test_stream.c -- TCP record framing: frames, splits, truncations, bad lengths. */
#include "test_common.h"

#include "stream.h"

#define MAX_PKT 1500

/* Two records: 3 bytes "abc" and 1 byte 0x7f. */
static const uint8_t two_frames[] = { 0x00, 0x03, 'a', 'b', 'c', 0x00, 0x01, 0x7f };

static void
stream_next_frame__complete_frame__returns_view_and_advances(void **state)
{
    uint8_t data[sizeof(two_frames)];
    struct buffer rx, pkt;
    (void) state;

    memcpy(data, two_frames, sizeof(data));
    rx = buf_view(data, 5);
    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_READY);
    assert_int_equal(buf_len(&pkt), 3);
    assert_memory_equal(buf_ptr(&pkt), "abc", 3);
    assert_ptr_equal(buf_ptr(&pkt), data + 2); /* a view, no copy */
    assert_int_equal(buf_len(&rx), 0);
}

static void
stream_next_frame__many_frames_in_one_buffer__returns_each_in_order(void **state)
{
    uint8_t data[sizeof(two_frames)];
    struct buffer rx, pkt;
    (void) state;

    memcpy(data, two_frames, sizeof(data));
    rx = buf_view(data, sizeof(data));
    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_READY);
    assert_memory_equal(buf_ptr(&pkt), "abc", 3);
    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_READY);
    assert_int_equal(buf_len(&pkt), 1);
    assert_int_equal(buf_ptr(&pkt)[0], 0x7f);
    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_NEED_MORE);
}

/* Every strict prefix of a record needs more and leaves rx untouched. */
static void
stream_next_frame__any_truncation__needs_more_without_consuming(void **state)
{
    uint8_t data[sizeof(two_frames)];
    (void) state;

    memcpy(data, two_frames, sizeof(data));
    for (size_t len = 0; len < 5; len++)
    {
        struct buffer rx = buf_view(data, len), pkt;

        assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_NEED_MORE);
        assert_int_equal(buf_len(&rx), len);
        assert_ptr_equal(buf_ptr(&rx), data);
    }
}

/* A record arriving one byte per read is delivered exactly once, complete. */
static void
stream_next_frame__split_across_reads__ready_after_last_byte(void **state)
{
    uint8_t data[sizeof(two_frames)];
    struct buffer rx, pkt;
    int ready = 0;
    (void) state;

    memset(data, 0, sizeof(data));
    rx = buf_storage(data, sizeof(data), 0);
    for (size_t i = 0; i < sizeof(two_frames); i++)
    {
        assert_true(buf_write_u8(&rx, two_frames[i]));
        while (stream_next_frame(&rx, &pkt, MAX_PKT) == FRAME_READY)
        {
            ready++;
            if (ready == 1)
            {
                assert_int_equal(i, 4);
                assert_memory_equal(buf_ptr(&pkt), "abc", 3);
            }
            else
            {
                assert_int_equal(i, 7);
                assert_int_equal(buf_ptr(&pkt)[0], 0x7f);
            }
        }
    }
    assert_int_equal(ready, 2);
}

static void
stream_next_frame__zero_length__invalid(void **state)
{
    uint8_t data[] = { 0x00, 0x00, 0x01 };
    struct buffer rx = buf_view(data, sizeof(data)), pkt;
    (void) state;

    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_INVALID);
    assert_int_equal(buf_len(&rx), sizeof(data));
}

static void
stream_next_frame__length_above_max__invalid_even_before_payload(void **state)
{
    uint8_t data[] = { (MAX_PKT + 1) >> 8, (MAX_PKT + 1) & 0xff };
    struct buffer rx = buf_view(data, sizeof(data)), pkt;
    (void) state;

    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_INVALID);
    assert_int_equal(buf_len(&rx), 2);
}

static void
stream_next_frame__length_exactly_max__ready(void **state)
{
    static uint8_t data[MAX_PKT + 2];
    struct buffer rx = buf_view(data, sizeof(data)), pkt;
    (void) state;

    data[0] = MAX_PKT >> 8;
    data[1] = MAX_PKT & 0xff;
    assert_int_equal(stream_next_frame(&rx, &pkt, MAX_PKT), FRAME_READY);
    assert_int_equal(buf_len(&pkt), MAX_PKT);
}

static void
stream_write_frame__then_next_frame__round_trips_every_size(void **state)
{
    static uint8_t store[MAX_PKT + 2], payload[MAX_PKT];
    (void) state;

    for (size_t i = 0; i < sizeof(payload); i++)
    {
        payload[i] = (uint8_t) (i * 7 + 1);
    }
    for (size_t len = 1; len <= MAX_PKT; len++)
    {
        struct buffer tx = buf_storage(store, sizeof(store), 0), pkt;

        assert_true(stream_write_frame(&tx, payload, len));
        assert_int_equal(buf_len(&tx), len + STREAM_HDR_LEN);
        assert_int_equal(stream_next_frame(&tx, &pkt, MAX_PKT), FRAME_READY);
        assert_int_equal(buf_len(&pkt), len);
        assert_memory_equal(buf_ptr(&pkt), payload, len);
    }
}

static void
stream_write_frame__no_room_or_bad_length__fails_unchanged(void **state)
{
    uint8_t store[8], p[70000] = { 0 };
    struct buffer tx = buf_storage(store, sizeof(store), 0);
    (void) state;

    assert_false(stream_write_frame(&tx, p, 7)); /* 2 + 7 > 8 */
    assert_int_equal(buf_len(&tx), 0);
    assert_false(stream_write_frame(&tx, p, 0));
    assert_false(stream_write_frame(&tx, p, 65536));
    assert_true(stream_write_frame(&tx, p, 6));
    assert_int_equal(buf_len(&tx), 8);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_next_frame__complete_frame__returns_view_and_advances),
        cmocka_unit_test(stream_next_frame__many_frames_in_one_buffer__returns_each_in_order),
        cmocka_unit_test(stream_next_frame__any_truncation__needs_more_without_consuming),
        cmocka_unit_test(stream_next_frame__split_across_reads__ready_after_last_byte),
        cmocka_unit_test(stream_next_frame__zero_length__invalid),
        cmocka_unit_test(stream_next_frame__length_above_max__invalid_even_before_payload),
        cmocka_unit_test(stream_next_frame__length_exactly_max__ready),
        cmocka_unit_test(stream_write_frame__then_next_frame__round_trips_every_size),
        cmocka_unit_test(stream_write_frame__no_room_or_bad_length__fails_unchanged),
    };

    return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
