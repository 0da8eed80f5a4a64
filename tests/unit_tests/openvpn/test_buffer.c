/* SPDX-License-Identifier: GPL-2.0-only */
/* test_buffer.c -- struct buffer: bounds, all-or-nothing reads and writes. */
#include "test_common.h"

#include "buffer.h"

static void
buf_read__every_width__decodes_network_order(void **state)
{
    uint8_t raw[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a };
    struct buffer b = buf_view(raw, sizeof(raw));
    uint8_t u8;
    uint16_t u16;
    uint32_t u24, u32;
    (void)state;

    assert_true(buf_read_u8(&b, &u8));
    assert_int_equal(u8, 0x01);
    assert_true(buf_read_u16(&b, &u16));
    assert_int_equal(u16, 0x0203);
    assert_true(buf_read_u24(&b, &u24));
    assert_int_equal(u24, 0x040506);
    assert_true(buf_read_u32(&b, &u32));
    assert_int_equal(u32, 0x0708090a);
    assert_int_equal(buf_len(&b), 0);
    assert_false(buf_read_u8(&b, &u8));
}

static void
buf_read__short_buffer__fails_without_consuming(void **state)
{
    uint8_t raw[3] = { 1, 2, 3 };
    struct buffer b = buf_view(raw, sizeof(raw));
    uint32_t u32;
    uint8_t out[4];
    (void)state;

    assert_false(buf_read_u32(&b, &u32));
    assert_false(buf_read_bytes(&b, out, 4));
    assert_false(buf_advance(&b, 4));
    assert_false(buf_chop(&b, 4));
    assert_int_equal(buf_len(&b), 3);
    assert_ptr_equal(buf_ptr(&b), raw);
}

static void
buf_write__full_storage__fails_without_writing(void **state)
{
    uint8_t raw[6];
    struct buffer b = buf_storage(raw, sizeof(raw), 2);
    (void)state;

    assert_true(buf_write_u16(&b, 0xabcd));
    assert_false(buf_write_u32(&b, 1)); /* 2 headroom + 2 used: only 2 left */
    assert_int_equal(buf_len(&b), 2);
    assert_true(buf_write_u16(&b, 0x1234));
    assert_false(buf_write_u8(&b, 0));
    assert_int_equal(buf_tailroom(&b), 0);
    assert_memory_equal(buf_ptr(&b), "\xab\xcd\x12\x34", 4);
}

static void
buf_prepend__uses_headroom_only(void **state)
{
    uint8_t raw[8];
    struct buffer b = buf_storage(raw, sizeof(raw), 3);
    uint8_t *p;
    (void)state;

    assert_true(buf_write_u8(&b, 0x55));
    p = buf_prepend(&b, 3);
    assert_non_null(p);
    assert_ptr_equal(p, raw);
    assert_int_equal(buf_len(&b), 4);
    assert_null(buf_prepend(&b, 1));
}

static void
buf_read_view__splits_shared_storage(void **state)
{
    uint8_t raw[] = "abcdef";
    struct buffer b = buf_view(raw, 6);
    struct buffer v;
    (void)state;

    assert_true(buf_read_view(&b, 2, &v));
    assert_memory_equal(buf_ptr(&v), "ab", 2);
    assert_int_equal(buf_len(&b), 4);
    assert_false(buf_read_view(&b, 5, &v));
    assert_int_equal(buf_len(&b), 4);
}

static void
buf_printf__overflow__leaves_buffer_unchanged(void **state)
{
    uint8_t raw[8];
    struct buffer b = buf_storage(raw, sizeof(raw), 0);
    (void)state;

    assert_true(buf_printf(&b, "ab%d", 1));
    assert_int_equal(buf_len(&b), 3);
    assert_false(buf_printf(&b, "%s", "toolongtext"));
    assert_int_equal(buf_len(&b), 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_read__every_width__decodes_network_order),
        cmocka_unit_test(buf_read__short_buffer__fails_without_consuming),
        cmocka_unit_test(buf_write__full_storage__fails_without_writing),
        cmocka_unit_test(buf_prepend__uses_headroom_only),
        cmocka_unit_test(buf_read_view__splits_shared_storage),
        cmocka_unit_test(buf_printf__overflow__leaves_buffer_unchanged),
    };

    return cmocka_run_group_tests_name("buffer", tests, NULL, NULL);
}
