/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_fragment.c -- --fragment: header bytes and piece sizes as captured
 * from the reference (2.6.14, static key with --cipher none, so the
 * plaintext is on the wire), round trips around every boundary, pieces out
 * of order, duplicated, missing (TTL) and truncated, sequence-id wrap,
 * hostile headers, and the limit / MSS arithmetic against the values the
 * reference logged and used.
 */
#include "test_common.h"

#include <string.h>

#include "fragment.h"

#define MAXP 1700 /* reassembly capacity used by most tests */

static uint8_t src[MAXP * 2];
static uint8_t pieces[FRAG_MAX_PIECES + 2][MAXP + 64];
static size_t piece_len[FRAG_MAX_PIECES + 2];

static void
fill(size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
    {
        src[i] = (uint8_t) (i * 7 + seed * 13 + (i >> 8));
    }
}

static uint32_t
get32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

/* Send src[0..len) through @p tx; the datagrams land in pieces[]; returns their number. */
static int
send_one(struct fragmenter *tx, size_t len)
{
    static uint8_t store[MAXP * 2 + 64];
    struct buffer b = buf_storage(store, sizeof(store), 16);
    struct frag_out it;
    int n;

    assert_true(buf_write_bytes(&b, src, len));
    n = fragment_outgoing(tx, &b, &it);
    if (n == 1)
    {
        memcpy(pieces[0], buf_ptr(&b), buf_len(&b));
        piece_len[0] = buf_len(&b);
        return 1;
    }
    for (int i = 0; i < n; i++)
    {
        struct buffer out = buf_storage(pieces[i], sizeof(pieces[i]), 0);

        assert_true(fragment_next_piece(&it, &out));
        piece_len[i] = buf_len(&out);
    }
    if (n > 0)
    {
        struct buffer out = buf_storage(pieces[n], sizeof(pieces[n]), 0);

        assert_false(fragment_next_piece(&it, &out));
    }
    return n;
}

static enum frag_rx
recv_bytes(struct fragmenter *rx,
           const uint8_t *p,
           size_t n,
           time_t now,
           struct buffer *out,
           enum frag_drop *why)
{
    static uint8_t store[MAXP + 64];
    uint32_t hdr;

    assert_true(n <= sizeof(store));
    *out = buf_storage(store, sizeof(store), 0);
    memcpy(store, p, n);
    out->len = n;
    return fragment_incoming(rx, out, now, &hdr, why);
}

static enum frag_rx
recv_piece(struct fragmenter *rx, int i, time_t now, struct buffer *out)
{
    enum frag_drop why;

    return recv_bytes(rx, pieces[i], piece_len[i], now, out, &why);
}

static void
expect_datagram(const struct buffer *b, size_t len)
{
    assert_int_equal(buf_len(b), len);
    assert_memory_equal(buf_ptr(b), src, len);
}

/* ---- the wire format, as the reference sent it ----------------------- */

static void
fragment_header__reference_capture__same_bits(void **state)
{
    /* a 1500-byte tun packet with --fragment 1300 (max_frag 1288): seq 0x15 */
    struct frag_header first = { FRAG_NOT_LAST, 0x15, 0, 0 };
    struct frag_header last = { FRAG_LAST, 0x15, 1, 752 };
    struct frag_header next = { FRAG_NOT_LAST, 0x16, 0, 0 };
    struct frag_header whole = { FRAG_WHOLE, 0, 0, 0 };
    struct frag_header h;

    (void) state;
    assert_int_equal(fragment_header_encode(&first), 0x00000055);
    assert_int_equal(fragment_header_encode(&last), 0x005e0456);
    assert_int_equal(fragment_header_encode(&next), 0x00000059);
    assert_int_equal(fragment_header_encode(&whole), 0x00000000);
    fragment_header_decode(0x005e045a, &h);
    assert_int_equal(h.type, FRAG_LAST);
    assert_int_equal(h.seq, 0x16);
    assert_int_equal(h.index, 1);
    assert_int_equal(h.size, 752);
    /* the reference's 1500 bytes went as 752 + 748 with each of these limits */
    assert_int_equal(fragment_piece_size(1500, 1288), 752);
    assert_int_equal(fragment_piece_size(1500, 1235), 752);
    assert_int_equal(fragment_piece_size(1500, 1272), 752);
    /* a tail of 3/4 of the limit or more: full pieces */
    assert_int_equal(fragment_piece_size(1288 + 966, 1288), 1288);
    assert_int_equal(fragment_piece_size(2 * 1288, 1288), 1288);
}

static void
fragment_outgoing__reference_layout__pieces_as_captured(void **state)
{
    struct fragmenter tx;

    (void) state;
    assert_true(fragment_init(&tx, MAXP, 0x14));
    fragment_set_max_frag(&tx, 1288);
    fill(1500, 1);
    assert_int_equal(send_one(&tx, 1500), 2);
    assert_int_equal(piece_len[0], 4 + 752);
    assert_int_equal(piece_len[1], 4 + 748);
    assert_int_equal(get32(pieces[0]), 0x00000055);
    assert_int_equal(get32(pieces[1]), 0x005e0456);
    assert_memory_equal(pieces[0] + 4, src, 752);
    assert_memory_equal(pieces[1] + 4, src + 752, 748);
    /* a short one goes whole behind four zero bytes */
    assert_int_equal(send_one(&tx, 52), 1);
    assert_int_equal(piece_len[0], 56);
    assert_int_equal(get32(pieces[0]), 0);
    assert_memory_equal(pieces[0] + 4, src, 52);
    fragment_free(&tx);
}

/* ---- round trips ------------------------------------------------------ */

static void
round_trip(size_t max_frag, size_t len)
{
    struct fragmenter tx, rx;
    struct buffer out;
    int n;

    assert_true(fragment_init(&tx, MAXP * 2, 200));
    assert_true(fragment_init(&rx, MAXP * 2, 0));
    fragment_set_max_frag(&tx, max_frag);
    fill(len, (unsigned int) len);
    n = send_one(&tx, len);
    assert_true(n >= 1 && n <= FRAG_MAX_PIECES);
    assert_int_equal(n == 1, len <= max_frag);
    for (int i = 0; i < n; i++)
    {
        enum frag_rx r = recv_piece(&rx, i, 1000, &out);

        assert_true(piece_len[i] <= max_frag + FRAG_HDR_LEN);
        assert_int_equal(r, i == n - 1 ? FRAG_RX_DELIVER : FRAG_RX_HELD);
    }
    expect_datagram(&out, len);
    fragment_free(&tx);
    fragment_free(&rx);
}

static void
fragment__every_size_around_the_boundaries__round_trips(void **state)
{
    static const size_t limits[] = { 1288, 1235, 1272, 100, 64, 7 };

    (void) state;
    for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++)
    {
        size_t m = limits[k], a = m & ~(size_t) 3;
        size_t marks[] = { 1, m, 2 * a, 3 * a, a * 3 / 4 + a };

        for (size_t j = 0; j < sizeof(marks) / sizeof(marks[0]); j++)
        {
            for (size_t len = marks[j] > 8 ? marks[j] - 8 : 1; len <= marks[j] + 8; len++)
            {
                if (len <= a * FRAG_MAX_PIECES && len <= MAXP * 2)
                {
                    round_trip(m, len);
                }
            }
        }
    }
    /* every length up to a full tun packet with a small limit */
    for (size_t len = 1; len <= 1600; len++)
    {
        round_trip(300, len);
    }
}

static void
fragment_outgoing__more_than_32_pieces__dropped_and_counted(void **state)
{
    struct fragmenter tx;
    uint8_t store[64];
    struct buffer b = buf_storage(store, sizeof(store), 0);
    struct frag_out it;

    (void) state;
    assert_true(fragment_init(&tx, MAXP * 2, 0));
    fragment_set_max_frag(&tx, 40);
    fill(40 * 32 + 1, 3);
    assert_int_equal(send_one(&tx, 40 * 32 + 1), 0);
    assert_int_equal(send_one(&tx, 40 * 32), 32);
    /* no room in front for the header of a whole one */
    assert_true(buf_write_bytes(&b, src, 10));
    assert_int_equal(fragment_outgoing(&tx, &b, &it), 0);
    assert_int_equal(tx.st.out_too_big, 2);
    fragment_free(&tx);
}

static void
fragment_incoming__out_of_order_and_duplicates__one_datagram(void **state)
{
    static const int order[] = { 3, 1, 1, 0, 3, 2 };
    struct fragmenter tx, rx;
    struct buffer out;
    int n;

    (void) state;
    assert_true(fragment_init(&tx, MAXP, 9));
    assert_true(fragment_init(&rx, MAXP, 0));
    fragment_set_max_frag(&tx, 400);
    fill(1500, 5);
    n = send_one(&tx, 1500);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) - 1; i++)
    {
        assert_int_not_equal(recv_piece(&rx, order[i], 50, &out), FRAG_RX_DELIVER);
    }
    assert_int_equal(rx.st.dropped[FRAG_DROP_DUPLICATE], 2);
    assert_int_equal(recv_piece(&rx, 2, 50, &out), FRAG_RX_DELIVER);
    expect_datagram(&out, 1500);
    /* all of it again: a fresh datagram of the same id that never completes */
    assert_int_equal(recv_piece(&rx, 0, 51, &out), FRAG_RX_HELD);
    assert_int_equal(rx.st.reassembled, 1);
    fragment_free(&tx);
    fragment_free(&rx);
}

static void
fragment_incoming__missing_piece__expires_after_ttl(void **state)
{
    struct fragmenter tx, rx;
    struct buffer out;

    (void) state;
    assert_true(fragment_init(&tx, MAXP, 0));
    assert_true(fragment_init(&rx, MAXP, 0));
    fragment_set_max_frag(&tx, 500);
    fill(1400, 7);
    assert_int_equal(send_one(&tx, 1400), 3);
    assert_int_equal(recv_piece(&rx, 0, 100, &out), FRAG_RX_HELD);
    assert_int_equal(recv_piece(&rx, 2, 101, &out), FRAG_RX_HELD);
    assert_int_equal(fragment_expire(&rx, 110), 0); /* 9 s after the newest piece */
    assert_int_equal(fragment_expire(&rx, 111), 1);
    assert_int_equal(rx.st.expired, 1);
    /* the late piece starts a new datagram, which cannot complete */
    assert_int_equal(recv_piece(&rx, 1, 111, &out), FRAG_RX_HELD);
    /* expiry also runs on the way in: the next datagram is not disturbed */
    fill(1400, 8);
    assert_int_equal(send_one(&tx, 1400), 3);
    assert_int_equal(recv_piece(&rx, 0, 130, &out), FRAG_RX_HELD);
    assert_int_equal(rx.st.expired, 2);
    assert_int_equal(recv_piece(&rx, 1, 130, &out), FRAG_RX_HELD);
    assert_int_equal(recv_piece(&rx, 2, 130, &out), FRAG_RX_DELIVER);
    expect_datagram(&out, 1400);
    fragment_free(&tx);
    fragment_free(&rx);
}

static void
fragment__sequence_id_wrap__every_datagram_delivered(void **state)
{
    struct fragmenter tx, rx;
    struct buffer out;

    (void) state;
    assert_true(fragment_init(&tx, MAXP, 250));
    assert_true(fragment_init(&rx, MAXP, 0));
    fragment_set_max_frag(&tx, 600);
    for (unsigned int k = 0; k < 300; k++)
    {
        size_t len = 700 + k;
        int n;

        fill(len, k);
        n = send_one(&tx, len);
        assert_int_equal(n, 2);
        assert_int_equal((get32(pieces[0]) >> 2) & 0xff, (251 + k) & 0xff);
        /* the second piece first, every other time */
        assert_int_equal(recv_piece(&rx, (k & 1), 5, &out), FRAG_RX_HELD);
        assert_int_equal(recv_piece(&rx, !(k & 1), 5, &out), FRAG_RX_DELIVER);
        expect_datagram(&out, len);
    }
    assert_int_equal(rx.st.reassembled, 300);
    assert_int_equal(rx.st.evicted, 0);
    fragment_free(&tx);
    fragment_free(&rx);
}

static void
fragment_incoming__window__old_incomplete_given_up(void **state)
{
    struct fragmenter tx, rx;
    struct buffer out;
    uint8_t held[MAXP];
    size_t held_len;

    (void) state;
    assert_true(fragment_init(&tx, MAXP, 0));
    assert_true(fragment_init(&rx, MAXP, 0));
    fragment_set_max_frag(&tx, 600);
    fill(1000, 1);
    send_one(&tx, 1000); /* seq 1: only its first piece arrives */
    memcpy(held, pieces[1], piece_len[1]);
    held_len = piece_len[1];
    assert_int_equal(recv_piece(&rx, 0, 5, &out), FRAG_RX_HELD);
    for (int k = 0; k < FRAG_SLOTS; k++)
    {
        fill(1000, 2);
        send_one(&tx, 1000);
        assert_int_equal(recv_piece(&rx, 0, 5, &out), FRAG_RX_HELD);
        assert_int_equal(recv_piece(&rx, 1, 5, &out), FRAG_RX_DELIVER);
    }
    assert_int_equal(rx.st.evicted, 1);
    {
        enum frag_drop why;

        /* seq 1 is 25 behind now: a jump, as 2.6 treats it; it does not complete */
        assert_int_equal(recv_bytes(&rx, held, held_len, 5, &out, &why), FRAG_RX_HELD);
    }
    fragment_free(&tx);
    fragment_free(&rx);
}

/* ---- hostile and truncated input ------------------------------------- */

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static enum frag_drop
feed(struct fragmenter *rx, enum frag_type t, uint8_t seq, uint8_t idx, uint32_t size, size_t n)
{
    uint8_t p[MAXP + 8];
    struct frag_header h = { t, seq, idx, size };
    struct buffer out;
    enum frag_drop why;

    memset(p, 0xab, sizeof(p));
    put32(p, fragment_header_encode(&h));
    recv_bytes(rx, p, n + 4, 1, &out, &why);
    return why;
}

static void
fragment_incoming__hostile_headers__dropped_and_counted(void **state)
{
    struct fragmenter rx;
    struct buffer out;
    enum frag_drop why;
    uint8_t p[8] = { 0 };

    (void) state;
    assert_true(fragment_init(&rx, 1000, 0));
    assert_int_equal(recv_bytes(&rx, p, 0, 1, &out, &why), FRAG_RX_DROP);
    assert_int_equal(why, FRAG_DROP_SHORT);
    assert_int_equal(recv_bytes(&rx, p, 3, 1, &out, &why), FRAG_RX_DROP);
    put32(p, 0x00000004); /* whole, but a sequence id */
    assert_int_equal(recv_bytes(&rx, p, 8, 1, &out, &why), FRAG_RX_DROP);
    assert_int_equal(why, FRAG_DROP_WHOLE_FLAGS);
    put32(p, 0x00000400); /* whole, but an index */
    assert_int_equal(recv_bytes(&rx, p, 8, 1, &out, &why), FRAG_RX_DROP);
    put32(p, 0xffff8000); /* whole with the bits 2.6 ignores: passes */
    assert_int_equal(recv_bytes(&rx, p, 8, 1, &out, &why), FRAG_RX_DELIVER);
    assert_int_equal(buf_len(&out), 4);
    put32(p, 0x00000003);
    assert_int_equal(recv_bytes(&rx, p, 8, 1, &out, &why), FRAG_RX_DROP);
    assert_int_equal(why, FRAG_DROP_TEST);

    assert_int_equal(feed(&rx, FRAG_LAST, 1, 1, 0, 10), FRAG_DROP_BAD_SIZE);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 1, 0, 0, 6), FRAG_DROP_BAD_SIZE);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 1, 0, 0, 0), FRAG_DROP_BAD_SIZE);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 1, 31, 0, 8), FRAG_DROP_INCONSISTENT);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 1, 3, 0, 400), FRAG_DROP_OVERFLOW);
    assert_int_equal(feed(&rx, FRAG_LAST, 1, 30, 4000, 10), FRAG_DROP_OVERFLOW);
    assert_int_equal(feed(&rx, FRAG_LAST, 1, 1, 100, 101), FRAG_DROP_INCONSISTENT);
    assert_int_equal(feed(&rx, FRAG_LAST, 1, 1, 100, 0), FRAG_DROP_INCONSISTENT);
    /* a datagram of 3 pieces of 100: then contradictions */
    assert_int_equal(feed(&rx, FRAG_LAST, 2, 2, 100, 50), FRAG_DROP_NONE);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 2, 2, 0, 100), FRAG_DROP_INCONSISTENT);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 2, 5, 0, 100), FRAG_DROP_INCONSISTENT);
    assert_int_equal(feed(&rx, FRAG_LAST, 2, 3, 100, 50), FRAG_DROP_INCONSISTENT);
    assert_int_equal(feed(&rx, FRAG_LAST, 2, 2, 100, 50), FRAG_DROP_DUPLICATE);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 2, 0, 0, 100), FRAG_DROP_NONE);
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 2, 0, 0, 100), FRAG_DROP_DUPLICATE);
    /* a last piece below pieces already in */
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 3, 4, 0, 100), FRAG_DROP_NONE);
    assert_int_equal(feed(&rx, FRAG_LAST, 3, 2, 100, 10), FRAG_DROP_INCONSISTENT);
    assert_int_equal(rx.st.reassembled, 0);
    assert_int_equal(rx.st.dropped[FRAG_DROP_INCONSISTENT], 7);
    assert_int_equal(rx.st.dropped[FRAG_DROP_DUPLICATE], 2);
    assert_int_equal(rx.st.dropped[FRAG_DROP_OVERFLOW], 2);
    assert_int_equal(rx.st.dropped[FRAG_DROP_BAD_SIZE], 3);
    /* ... and the datagram still completes with the right piece */
    assert_int_equal(feed(&rx, FRAG_NOT_LAST, 2, 1, 0, 100), FRAG_DROP_NONE);
    assert_int_equal(rx.st.reassembled, 1);
    assert_string_equal(fragment_drop_reason(FRAG_DROP_TEST), "FRAG_TEST not implemented");
    assert_string_equal(fragment_drop_reason(FRAG_DROP_WHOLE_FLAGS), "spurious FRAG_WHOLE flags");
    fragment_free(&rx);
}

static void
fragment_incoming__every_prefix_of_every_piece__never_wrong_data(void **state)
{
    struct fragmenter tx;

    (void) state;
    assert_true(fragment_init(&tx, MAXP, 77));
    fragment_set_max_frag(&tx, 500);
    fill(1300, 9);
    assert_int_equal(send_one(&tx, 1300), 3);
    for (int cut = 0; cut < 3; cut++)
    {
        for (size_t len = 0; len <= piece_len[cut]; len++)
        {
            struct fragmenter rx;
            struct buffer out;
            enum frag_drop why;
            enum frag_rx r = FRAG_RX_HELD;

            assert_true(fragment_init(&rx, MAXP, 0));
            for (int i = 0; i < 3; i++)
            {
                r = recv_bytes(&rx, pieces[i], i == cut ? len : piece_len[i], 2, &out, &why);
            }
            if (len == piece_len[cut])
            {
                assert_int_equal(r, FRAG_RX_DELIVER);
                expect_datagram(&out, 1300);
            }
            else if (r == FRAG_RX_DELIVER)
            {
                /* only a shortened last piece can complete: a prefix of the datagram */
                assert_int_equal(cut, 2);
                assert_int_equal(buf_len(&out), 1300 - (piece_len[cut] - len));
                assert_memory_equal(buf_ptr(&out), src, buf_len(&out));
            }
            else
            {
                assert_true(cut != 2 || len <= 4);
            }
            fragment_free(&rx);
        }
    }
    fragment_free(&tx);
}

/* ---- the limit and the MSS clamp ------------------------------------- */

static void
fragment_max_frag__reference_values__match(void **state)
{
    struct frag_envelope none8 = { .crypto = 8 }; /* static, none */
    struct frag_envelope cbc = { .crypto = 48,
                                 .cbc_block = 16,
                                 .cbc_pid = 8 };              /* AES-256-CBC/SHA256 */
    struct frag_envelope gcm = { .header = 4, .crypto = 20 }; /* TLS AES-256-GCM, V2 */

    (void) state;
    assert_int_equal(fragment_max_frag(1300, 0, &none8), 1288);
    assert_int_equal(fragment_max_frag(1300, 28, &none8), 1260);
    assert_int_equal(fragment_max_frag(1300, 48, &none8), 1240);
    assert_int_equal(fragment_max_frag(1300, 0, &cbc), 1235);
    assert_int_equal(fragment_max_frag(1300, 0, &gcm), 1272);
    assert_int_equal(fragment_max_frag(1300, 28, &gcm), 1244);
    assert_int_equal(fragment_max_frag(10, 28, &gcm), 0);
    /* the clamp: mssfix = fragment (default, "mtu"), explicit values with and without it */
    assert_int_equal(fragment_mss(1300, 28, &none8, 0, true), 1220);
    assert_int_equal(fragment_mss(1300, 48, &none8, 0, true), 1200);
    assert_int_equal(fragment_mss(1300, 28, &cbc, 0, true), 1163);
    assert_int_equal(fragment_mss(1300, 28, &gcm, 0, true), 1204);
    assert_int_equal(fragment_mss(1400, 0, &none8, 0, true), 1348);
    assert_int_equal(fragment_mss(1400, 28, &none8, 0, true), 1320);
    assert_int_equal(fragment_mss(1300, 28, &none8, 1, true), 1219);
    assert_int_equal(fragment_mss(50, 28, &none8, 0, true), 0);
    /* without --fragment no fragment header is counted: a 2.6 server's
     * default clamp for an AES-GCM client over IPv4 is 1400 */
    assert_int_equal(fragment_mss(1492, 28, &gcm, 0, false), 1400);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fragment_header__reference_capture__same_bits),
        cmocka_unit_test(fragment_outgoing__reference_layout__pieces_as_captured),
        cmocka_unit_test(fragment__every_size_around_the_boundaries__round_trips),
        cmocka_unit_test(fragment_outgoing__more_than_32_pieces__dropped_and_counted),
        cmocka_unit_test(fragment_incoming__out_of_order_and_duplicates__one_datagram),
        cmocka_unit_test(fragment_incoming__missing_piece__expires_after_ttl),
        cmocka_unit_test(fragment__sequence_id_wrap__every_datagram_delivered),
        cmocka_unit_test(fragment_incoming__window__old_incomplete_given_up),
        cmocka_unit_test(fragment_incoming__hostile_headers__dropped_and_counted),
        cmocka_unit_test(fragment_incoming__every_prefix_of_every_piece__never_wrong_data),
        cmocka_unit_test(fragment_max_frag__reference_values__match),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
