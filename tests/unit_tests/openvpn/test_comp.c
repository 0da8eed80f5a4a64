/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_comp.c -- compression framing (doc/protocol.md §6.9): known framed bytes
 * for every stub, hand-built compressed packets for LZO and LZ4, round
 * trips for every algorithm, every truncation and random garbage on the
 * receive side, and the bounds on headroom/tailroom and output size.
 */
#include "config.h"

#include "test_common.h"

#include "comp.h"

#define HEADROOM 16
#define STORE    4096

struct pkt
{
    uint8_t store[STORE];
    struct buffer buf;
};

/* A buffer with HEADROOM in front, 1 byte of slack per swap, holding @p n bytes. */
static void
pkt_set(struct pkt *p, const void *data, size_t n)
{
    p->buf = buf_storage(p->store, sizeof(p->store), HEADROOM);
    assert_true(buf_write_bytes(&p->buf, data, n));
}

static void
assert_buf_equal(const struct buffer *b, const void *want, size_t n)
{
    assert_int_equal(buf_len(b), n);
    assert_memory_equal(buf_ptr(b), want, n);
}

/* Deterministic PRNG so failures reproduce. */
static uint32_t
rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void
fill_random(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
    {
        p[i] = (uint8_t) rnd(&seed);
    }
}

/* Text-like data: compresses well with both LZO and LZ4. */
static void
fill_compressible(uint8_t *p, size_t n)
{
    static const char text[] = "GET /index.html HTTP/1.1\r\nHost: example.org\r\n";

    for (size_t i = 0; i < n; i++)
    {
        p[i] = (uint8_t) text[i % (sizeof(text) - 1)];
    }
    if (n > 0)
    {
        p[0] = 0x45; /* looks like IPv4 */
    }
}

static void
frame_and_check(enum comp_alg alg,
                const uint8_t *in,
                size_t in_len,
                const uint8_t *want,
                size_t want_len)
{
    struct comp_ctx c;
    struct pkt p;

    assert_true(comp_init(&c, alg, true)); /* stubs never compress, even when allowed */
    pkt_set(&p, in, in_len);
    assert_true(comp_compress(&c, &p.buf, 0));
    assert_buf_equal(&p.buf, want, want_len);
    assert_int_equal(comp_decompress(&c, &p.buf), COMP_OK);
    assert_buf_equal(&p.buf, in, in_len);
    comp_free(&c);
}

static void
comp_compress__each_stub__writes_known_framing(void **state)
{
    const uint8_t ip[] = { 0x45, 0x00, 0x01, 0x02 };
    const uint8_t v1[] = { 0xFA, 0x45, 0x00, 0x01, 0x02 };
    const uint8_t swap[] = { 0xFB, 0x00, 0x01, 0x02, 0x45 };
    const uint8_t tap50[] = { 0x50, 0x01, 0x02 };
    const uint8_t tap50_escaped[] = { 0x50, 0x00, 0x50, 0x01, 0x02 };
    const uint8_t one[] = { 0x60 };
    const uint8_t one_swap[] = { 0xFB, 0x60 };
    (void) state;

    frame_and_check(COMP_ALG_NONE, ip, sizeof(ip), ip, sizeof(ip));
    frame_and_check(COMP_ALG_LZO_STUB, ip, sizeof(ip), v1, sizeof(v1));
    frame_and_check(COMP_ALG_STUB, ip, sizeof(ip), swap, sizeof(swap));
    frame_and_check(COMP_ALG_STUB, one, sizeof(one), one_swap, sizeof(one_swap));
    frame_and_check(COMP_ALG_STUB_V2, ip, sizeof(ip), ip, sizeof(ip));
    frame_and_check(COMP_ALG_STUB_V2, tap50, sizeof(tap50), tap50_escaped, sizeof(tap50_escaped));
    /* the real algorithms frame small packets exactly like their stubs */
    frame_and_check(COMP_ALG_LZO, ip, sizeof(ip), v1, sizeof(v1));
    frame_and_check(COMP_ALG_LZ4, ip, sizeof(ip), swap, sizeof(swap));
    frame_and_check(COMP_ALG_LZ4_V2, tap50, sizeof(tap50), tap50_escaped, sizeof(tap50_escaped));
}

static void
comp_compress__empty_payload__left_unframed(void **state)
{
    struct comp_ctx c;
    struct pkt p;
    (void) state;

    for (int alg = COMP_ALG_NONE; alg <= COMP_ALG_LZ4_V2; alg++)
    {
        assert_true(comp_init(&c, (enum comp_alg) alg, true));
        pkt_set(&p, "", 0);
        assert_true(comp_compress(&c, &p.buf, 0));
        assert_int_equal(buf_len(&p.buf), 0);
        assert_int_equal(comp_decompress(&c, &p.buf), COMP_OK);
        assert_int_equal(buf_len(&p.buf), 0);
        comp_free(&c);
    }
}

static enum comp_status
decompress_bytes(enum comp_alg alg, const uint8_t *in, size_t n, struct pkt *p)
{
    struct comp_ctx c;
    enum comp_status st;

    assert_true(comp_init(&c, alg, false));
    pkt_set(p, in, n);
    st = comp_decompress(&c, &p->buf);
    comp_free(&c);
    return st;
}

static void
comp_decompress__v2_escapes__accepts_00_and_0a_rejects_others(void **state)
{
    const uint8_t esc00[] = { 0x50, 0x00, 0x50, 0xAA };
    const uint8_t esc0a[] = { 0x50, 0x0a, 0x50, 0xAA }; /* what 2.6 really sends */
    const uint8_t lzo_v2[] = { 0x50, 0x02, 0x00 };
    const uint8_t lone[] = { 0x50 };
    const uint8_t plain[] = { 0x60, 0x50 };
    const uint8_t want[] = { 0x50, 0xAA };
    struct pkt p;
    (void) state;

    assert_int_equal(decompress_bytes(COMP_ALG_STUB_V2, esc00, sizeof(esc00), &p), COMP_OK);
    assert_buf_equal(&p.buf, want, sizeof(want));
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4_V2, esc0a, sizeof(esc0a), &p), COMP_OK);
    assert_buf_equal(&p.buf, want, sizeof(want));
    assert_int_equal(decompress_bytes(COMP_ALG_STUB_V2, plain, sizeof(plain), &p), COMP_OK);
    assert_buf_equal(&p.buf, plain, sizeof(plain));
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4_V2, lzo_v2, sizeof(lzo_v2), &p),
                     COMP_ERR_FRAMING);
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4_V2, lone, sizeof(lone), &p), COMP_ERR_FRAMING);
}

static void
comp_decompress__wrong_marker__framing_error(void **state)
{
    const uint8_t swap_marked[] = { 0xFB, 0x00, 0x45 };
    const uint8_t v1_marked[] = { 0xFA, 0x45, 0x00 };
    const uint8_t bare_ip[] = { 0x45, 0x00, 0x00 };
    const uint8_t lone_fa[] = { 0xFA };
    struct pkt p;
    (void) state;

    assert_int_equal(decompress_bytes(COMP_ALG_LZO, swap_marked, 3, &p), COMP_ERR_FRAMING);
    assert_int_equal(decompress_bytes(COMP_ALG_LZO_STUB, bare_ip, 3, &p), COMP_ERR_FRAMING);
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4, v1_marked, 3, &p), COMP_ERR_FRAMING);
    assert_int_equal(decompress_bytes(COMP_ALG_STUB, bare_ip, 3, &p), COMP_ERR_FRAMING);
    /* a lone uncompressed marker is a valid, empty payload */
    assert_int_equal(decompress_bytes(COMP_ALG_LZO, lone_fa, 1, &p), COMP_OK);
    assert_int_equal(buf_len(&p.buf), 0);
    /* with no compression configured, whatever arrives is the payload */
    assert_int_equal(decompress_bytes(COMP_ALG_NONE, v1_marked, 3, &p), COMP_OK);
    assert_buf_equal(&p.buf, v1_marked, 3);
}

/*
 * A hand-built LZ4 block for 120 x 'a': one literal 'a', a match at
 * offset 1 of length 4 + 15 + 95 = 114, then the 5 literals LZ4 requires
 * at the end.
 */
static const uint8_t lz4_120a[] = { 0x1F, 'a', 0x01, 0x00, 0x5F, 0x50, 'a', 'a', 'a', 'a', 'a' };

/* LZO1X: 17 + n literals, then the end-of-stream marker 11 00 00 */
static const uint8_t lzo_hello[] = { 0x66, 0x16, 'h', 'e', 'l', 'l', 'o', 0x11, 0x00, 0x00 };

#if !defined(ENABLE_LZO) || !defined(ENABLE_LZ4)
static void
comp_decompress__library_not_built__unsupported(void **state)
{
    uint8_t v2[sizeof(lz4_120a) + 2] = { 0x50, 0x01 };
    struct pkt p;
    (void) state;

    memcpy(v2 + 2, lz4_120a, sizeof(lz4_120a));
#ifndef ENABLE_LZO
    assert_false(comp_alg_available(COMP_ALG_LZO));
    assert_true(comp_alg_available(COMP_ALG_LZO_STUB));
    assert_string_equal(comp_lzo_version(), "");
    assert_int_equal(decompress_bytes(COMP_ALG_LZO, lzo_hello, sizeof(lzo_hello), &p),
                     COMP_ERR_UNSUPPORTED);
#endif
#ifndef ENABLE_LZ4
    assert_false(comp_alg_available(COMP_ALG_LZ4_V2));
    assert_true(comp_alg_available(COMP_ALG_STUB_V2));
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4_V2, v2, sizeof(v2), &p), COMP_ERR_UNSUPPORTED);
#endif
}
#endif

#ifdef ENABLE_LZ4

static void
comp_decompress__known_lz4_block__expands(void **state)
{
    uint8_t swap[sizeof(lz4_120a) + 1];
    uint8_t v2[sizeof(lz4_120a) + 2];
    uint8_t want[120];
    struct pkt p;
    (void) state;

    memset(want, 'a', sizeof(want));
    /* swap framing: 69 || z[1:] || z[0] */
    swap[0] = 0x69;
    memcpy(swap + 1, lz4_120a + 1, sizeof(lz4_120a) - 1);
    swap[sizeof(swap) - 1] = lz4_120a[0];
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4, swap, sizeof(swap), &p), COMP_OK);
    assert_buf_equal(&p.buf, want, sizeof(want));
    /* a stub peer still understands it when the library is built in */
    assert_int_equal(decompress_bytes(COMP_ALG_STUB, swap, sizeof(swap), &p), COMP_OK);
    assert_buf_equal(&p.buf, want, sizeof(want));

    v2[0] = 0x50;
    v2[1] = 0x01;
    memcpy(v2 + 2, lz4_120a, sizeof(lz4_120a));
    assert_int_equal(decompress_bytes(COMP_ALG_LZ4_V2, v2, sizeof(v2), &p), COMP_OK);
    assert_buf_equal(&p.buf, want, sizeof(want));
}
#endif

#ifdef ENABLE_LZO
static void
comp_decompress__known_lzo_stream__expands(void **state)
{
    const uint8_t junk_after_end[] = { 0x66, 0x16, 'h', 'e', 'l', 'l', 'o', 0x11, 0x00, 0x00, 0 };
    struct pkt p;
    (void) state;

    assert_int_equal(decompress_bytes(COMP_ALG_LZO, lzo_hello, sizeof(lzo_hello), &p), COMP_OK);
    assert_buf_equal(&p.buf, "hello", 5);
    assert_int_equal(decompress_bytes(COMP_ALG_LZO_STUB, lzo_hello, sizeof(lzo_hello), &p),
                     COMP_OK);
    assert_buf_equal(&p.buf, "hello", 5);
    assert_int_equal(decompress_bytes(COMP_ALG_LZO, junk_after_end, sizeof(junk_after_end), &p),
                     COMP_ERR_DECOMPRESS);
}

static void
comp_lzo_version__built_with_lzo__is_2_10(void **state)
{
    (void) state;
    assert_string_equal(comp_lzo_version(), "2.10");
}
#endif

/* What the first byte(s) of a compressed packet must be, per algorithm. */
static void
assert_compressed_marker(enum comp_alg alg, const struct buffer *b)
{
    const uint8_t *p = buf_ptr(b);

    switch (alg)
    {
        case COMP_ALG_LZO:
            assert_int_equal(p[0], 0x66);
            break;
        case COMP_ALG_LZ4:
            assert_int_equal(p[0], 0x69);
            break;
        case COMP_ALG_LZ4_V2:
            assert_int_equal(p[0], 0x50);
            assert_int_equal(p[1], 0x01);
            break;
        default:
            fail_msg("algorithm %d should not compress", alg);
    }
}

static bool
alg_compresses(enum comp_alg alg)
{
    return (alg == COMP_ALG_LZO || alg == COMP_ALG_LZ4 || alg == COMP_ALG_LZ4_V2) &&
           comp_alg_available(alg);
}

/*
 * Send with @p compress, receive with a non-compressing (asym) context:
 * the payload must come back intact, and be compressed exactly when
 * allowed, available, large enough and compressible.
 */
static void
round_trip(enum comp_alg alg, bool compress, const uint8_t *data, size_t n, bool compressible)
{
    struct comp_ctx tx, rx;
    struct pkt p;
    bool expect_z = compress && alg_compresses(alg) && compressible && n >= COMP_THRESHOLD;

    assert_true(comp_init(&tx, alg, compress));
    assert_true(comp_init(&rx, alg, false));
    pkt_set(&p, data, n);
    assert_true(comp_compress(&tx, &p.buf, 0));
    if (expect_z)
    {
        assert_compressed_marker(alg, &p.buf);
        assert_true(buf_len(&p.buf) < n);
        assert_int_equal(tx.stats.pre_compress, n);
        assert_int_equal(tx.stats.post_compress + comp_max_overhead(alg), buf_len(&p.buf));
    }
    else
    {
        assert_true(buf_len(&p.buf) <= n + comp_max_overhead(alg));
        assert_int_equal(tx.stats.pre_compress, 0);
    }
    assert_int_equal(comp_decompress(&rx, &p.buf), COMP_OK);
    assert_buf_equal(&p.buf, data, n);
    assert_int_equal(rx.stats.post_decompress, expect_z ? n : 0);
    comp_free(&tx);
    comp_free(&rx);
}

static void
comp__every_algorithm__round_trips(void **state)
{
    static const size_t sizes[] = { 1, 2, 20, 99, 100, 101, 576, 1500 };
    uint8_t data[1500];
    (void) state;

    for (int alg = COMP_ALG_NONE; alg <= COMP_ALG_LZ4_V2; alg++)
    {
        for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        {
            fill_compressible(data, sizes[i]);
            round_trip((enum comp_alg) alg, true, data, sizes[i], true);
            round_trip((enum comp_alg) alg, false, data, sizes[i], true);
            fill_random(data, sizes[i], (uint32_t) (alg * 100 + i));
            round_trip((enum comp_alg) alg, true, data, sizes[i], false);
            /* a random payload may start with 0x50 and need the v2 escape */
            data[0] = 0x50;
            round_trip((enum comp_alg) alg, true, data, sizes[i], false);
        }
    }
}

static void
comp_compress__no_room_for_framing__fails_unchanged(void **state)
{
    const uint8_t ip[] = { 0x45, 0x00, 0x01, 0x02 };
    const uint8_t tap50[] = { 0x50, 0x01, 0x02 };
    uint8_t store[8];
    struct comp_ctx c;
    struct buffer b;
    (void) state;

    assert_true(comp_init(&c, COMP_ALG_LZO_STUB, false));
    b = buf_storage(store, sizeof(store), 0); /* v1 needs 1 byte of headroom */
    assert_true(buf_write_bytes(&b, ip, sizeof(ip)));
    assert_false(comp_compress(&c, &b, 0));
    assert_buf_equal(&b, ip, sizeof(ip));
    comp_free(&c);

    assert_true(comp_init(&c, COMP_ALG_STUB, false));
    b = buf_storage(store, 4 + 2, 2); /* swap needs 1 byte of tailroom */
    assert_true(buf_write_bytes(&b, ip, sizeof(ip)));
    assert_false(comp_compress(&c, &b, 0));
    assert_buf_equal(&b, ip, sizeof(ip));
    comp_free(&c);

    assert_true(comp_init(&c, COMP_ALG_STUB_V2, false));
    b = buf_storage(store, sizeof(store), 1); /* the 0x50 escape needs 2 */
    assert_true(buf_write_bytes(&b, tap50, sizeof(tap50)));
    assert_false(comp_compress(&c, &b, 0));
    assert_buf_equal(&b, tap50, sizeof(tap50));
    comp_free(&c);
}

/* Compress a compressible 1500-byte packet with @p alg into @p out. */
static size_t
make_compressed(enum comp_alg alg, uint8_t *out, size_t cap)
{
    uint8_t data[1500];
    struct comp_ctx c;
    struct pkt p;
    size_t n;

    fill_compressible(data, sizeof(data));
    assert_true(comp_init(&c, alg, true));
    pkt_set(&p, data, sizeof(data));
    assert_true(comp_compress(&c, &p.buf, 0));
    assert_compressed_marker(alg, &p.buf);
    n = buf_len(&p.buf);
    assert_true(n <= cap);
    memcpy(out, buf_ptr(&p.buf), n);
    comp_free(&c);
    return n;
}

static const enum comp_alg real_algs[] = { COMP_ALG_LZO, COMP_ALG_LZ4, COMP_ALG_LZ4_V2 };

static void
comp_decompress__every_truncation__error_or_bounded(void **state)
{
    uint8_t z[1600];
    uint8_t trunc[1600];
    struct comp_ctx c;
    struct buffer b;
    (void) state;

    for (size_t a = 0; a < ARRAY_SIZE(real_algs); a++)
    {
        if (!alg_compresses(real_algs[a]))
        {
            continue;
        }
        size_t n = make_compressed(real_algs[a], z, sizeof(z));
        assert_true(comp_init(&c, real_algs[a], false));
        for (size_t len = 0; len < n; len++)
        {
            /* exact-size storage: any overflow is an ASan/valgrind error */
            uint8_t *store = malloc(len ? len : 1);
            memcpy(store, z, len);
            b = buf_view(store, len);
            enum comp_status st = comp_decompress(&c, &b);
            if (st == COMP_OK)
            {
                assert_true(b.offset + b.len <= b.capacity);
            }
            /* a compressed packet cut short never decodes to the full payload */
            if (len > 2)
            {
                assert_true(st != COMP_OK || buf_len(&b) < 1500);
            }
            free(store);
        }
        /* and the full packet does */
        memcpy(trunc, z, n);
        b = buf_storage(trunc, sizeof(trunc), 0);
        assert_true(buf_write_bytes(&b, z, n));
        assert_int_equal(comp_decompress(&c, &b), COMP_OK);
        assert_int_equal(buf_len(&b), 1500);
        comp_free(&c);
    }
}

static void
comp_decompress__random_garbage__never_overflows(void **state)
{
    static const uint8_t markers[] = { 0xFA, 0x66, 0xFB, 0x69, 0x50 };
    uint32_t seed = 42;
    (void) state;

    for (int alg = COMP_ALG_NONE; alg <= COMP_ALG_LZ4_V2; alg++)
    {
        struct comp_ctx c;

        assert_true(comp_init(&c, (enum comp_alg) alg, false));
        for (int i = 0; i < 3000; i++)
        {
            size_t len = rnd(&seed) % 300;
            size_t cap = len + rnd(&seed) % 64;
            uint8_t *store = malloc(cap ? cap : 1);
            struct buffer b = buf_storage(store, cap, 0);

            fill_random(store, cap, rnd(&seed));
            b.len = len;
            if (len > 0)
            {
                store[0] = markers[rnd(&seed) % sizeof(markers)];
            }
            if (len > 1 && store[0] == 0x50)
            {
                store[1] = (uint8_t) (rnd(&seed) % 3);
            }
            enum comp_status st = comp_decompress(&c, &b);
            assert_true(st <= COMP_ERR_UNSUPPORTED);
            assert_true(b.offset + b.len <= cap);
            free(store);
        }
        comp_free(&c);
    }
}

#ifdef ENABLE_LZ4
static void
comp_decompress__expands_beyond_buffer__error_not_overflow(void **state)
{
    static uint8_t zeros[60000];
    static uint8_t big[65536];
    struct comp_ctx c;
    struct buffer b;
    uint8_t *store;
    size_t n;
    (void) state;

    /* 60000 zero bytes compress to a few hundred; the receiver only has 2000 */
    assert_true(comp_init_sized(&c, COMP_ALG_LZ4_V2, true, sizeof(big)));
    b = buf_storage(big, sizeof(big), HEADROOM);
    assert_true(buf_write_bytes(&b, zeros, sizeof(zeros)));
    assert_true(comp_compress(&c, &b, 0));
    n = buf_len(&b);
    assert_true(n < 2000);
    comp_free(&c);

    store = malloc(2000);
    memcpy(store, buf_ptr(&b), n);
    b = buf_view(store, n);
    b.capacity = 2000;
    assert_true(comp_init(&c, COMP_ALG_LZ4_V2, false));
    assert_int_equal(comp_decompress(&c, &b), COMP_ERR_DECOMPRESS);
    comp_free(&c);
    free(store);
}
#endif

static void
comp_alg_name__each_alg__option_spelling(void **state)
{
    (void) state;
    assert_string_equal(comp_alg_name(COMP_ALG_NONE), "none");
    assert_string_equal(comp_alg_name(COMP_ALG_LZO), "lzo");
    assert_string_equal(comp_alg_name(COMP_ALG_STUB), "stub");
    assert_string_equal(comp_alg_name(COMP_ALG_LZ4), "lz4");
    assert_string_equal(comp_alg_name(COMP_ALG_STUB_V2), "stub-v2");
    assert_string_equal(comp_alg_name(COMP_ALG_LZ4_V2), "lz4-v2");
    assert_int_equal(comp_max_overhead(COMP_ALG_NONE), 0);
    assert_int_equal(comp_max_overhead(COMP_ALG_LZO_STUB), 1);
    assert_int_equal(comp_max_overhead(COMP_ALG_STUB), 1);
    assert_int_equal(comp_max_overhead(COMP_ALG_LZ4_V2), 2);
}

#ifdef ENABLE_LZO
/* Send one @p n-byte packet (random or text) through @p c at @p now; the
 * framing byte that went out: 0x66 compressed, 0xFA not. */
static uint8_t
adaptive_send(struct comp_ctx *c, struct comp_adaptive *ac, bool random, size_t n, time_t now)
{
    static uint32_t seed = 7;
    uint8_t data[1400];
    struct pkt p;

    assert_true(n <= sizeof(data));
    if (random)
    {
        fill_random(data, n, seed++);
    }
    else
    {
        fill_compressible(data, n);
    }
    pkt_set(&p, data, n);
    assert_true(comp_compress_ac(c, ac, &p.buf, now));
    return buf_ptr(&p.buf)[0];
}

static void
comp_adaptive__incompressible_sample__pauses_60s_then_retries(void **state)
{
    struct comp_ctx c;

    (void) state;
    assert_true(comp_init(&c, COMP_ALG_LZO, true));
    comp_set_adaptive(&c, true);
    mock_msg_reset();
    /* the first packet opens a 2 s sample; random data is tried, never kept */
    for (int i = 0; i < 40; i++)
    {
        assert_int_equal(adaptive_send(&c, NULL, true, 1000, 100 + i / 20), 0xFA);
    }
    /* (this one saves ~900 bytes, far below 5 % of the 41000 in the sample) */
    assert_int_equal(adaptive_send(&c, NULL, false, 1000, 101), 0x66);
    /* at 102 the sample is judged: 60 s without compression */
    assert_int_equal(adaptive_send(&c, NULL, false, 1000, 102), 0xFA);
    assert_non_null(strstr(mock_all_msgs, "Adaptive compression state OFF"));
    assert_int_equal(adaptive_send(&c, NULL, false, 1000, 161), 0xFA);
    /* then a new sample: compressible data is compressed again */
    assert_int_equal(adaptive_send(&c, NULL, false, 1000, 162), 0x66);
    assert_non_null(strstr(mock_all_msgs, "Adaptive compression state ON"));
    comp_free(&c);
}

static void
comp_adaptive__compressible_or_small_samples__keeps_compressing(void **state)
{
    struct comp_ctx c;

    (void) state;
    assert_true(comp_init(&c, COMP_ALG_LZO, true));
    comp_set_adaptive(&c, true);
    for (time_t t = 100; t < 120; t++)
    {
        assert_int_equal(adaptive_send(&c, NULL, false, 1000, t), 0x66);
    }
    /* random data, but at most 1000 bytes per sample: not judged */
    for (time_t t = 120; t < 140; t += 2)
    {
        adaptive_send(&c, NULL, true, 500, t);
        adaptive_send(&c, NULL, true, 500, t);
        assert_int_equal(adaptive_send(&c, NULL, false, 99, t), 0xFA); /* below the threshold */
    }
    assert_int_equal(adaptive_send(&c, NULL, false, 1000, 140), 0x66);
    comp_free(&c);
}

static void
comp_adaptive__not_adaptive_or_other_alg__always_compresses(void **state)
{
    struct comp_ctx c, lz4;
    struct comp_adaptive a = { 0 }, b = { 0 };

    (void) state;
    /* comp-lzo yes: no sampling */
    assert_true(comp_init(&c, COMP_ALG_LZO, true));
    for (time_t t = 100; t < 110; t++)
    {
        adaptive_send(&c, NULL, true, 1400, t);
    }
    assert_int_equal(adaptive_send(&c, NULL, false, 1000, 110), 0x66);
    /* one peer's incompressible traffic does not pause another's */
    comp_set_adaptive(&c, true);
    for (time_t t = 100; t < 103; t++)
    {
        adaptive_send(&c, &a, true, 1400, t);
        adaptive_send(&c, &b, false, 1400, t);
    }
    assert_int_equal(adaptive_send(&c, &a, false, 1000, 103), 0xFA);
    assert_int_equal(adaptive_send(&c, &b, false, 1000, 103), 0x66);
    comp_free(&c);
    /* LZ4 has no adaptive mode in 2.6 */
    assert_true(comp_init(&lz4, COMP_ALG_LZ4, true));
    comp_set_adaptive(&lz4, true);
    assert_false(lz4.adaptive);
    comp_free(&lz4);
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(comp_compress__each_stub__writes_known_framing),
        cmocka_unit_test(comp_compress__empty_payload__left_unframed),
        cmocka_unit_test(comp_decompress__v2_escapes__accepts_00_and_0a_rejects_others),
        cmocka_unit_test(comp_decompress__wrong_marker__framing_error),
#if !defined(ENABLE_LZO) || !defined(ENABLE_LZ4)
        cmocka_unit_test(comp_decompress__library_not_built__unsupported),
#endif
#ifdef ENABLE_LZ4
        cmocka_unit_test(comp_decompress__known_lz4_block__expands),
        cmocka_unit_test(comp_decompress__expands_beyond_buffer__error_not_overflow),
#endif
#ifdef ENABLE_LZO
        cmocka_unit_test(comp_decompress__known_lzo_stream__expands),
        cmocka_unit_test(comp_lzo_version__built_with_lzo__is_2_10),
        cmocka_unit_test(comp_adaptive__incompressible_sample__pauses_60s_then_retries),
        cmocka_unit_test(comp_adaptive__compressible_or_small_samples__keeps_compressing),
        cmocka_unit_test(comp_adaptive__not_adaptive_or_other_alg__always_compresses),
#endif
        cmocka_unit_test(comp__every_algorithm__round_trips),
        cmocka_unit_test(comp_compress__no_room_for_framing__fails_unchanged),
        cmocka_unit_test(comp_decompress__every_truncation__error_or_bounded),
        cmocka_unit_test(comp_decompress__random_garbage__never_overflows),
        cmocka_unit_test(comp_alg_name__each_alg__option_spelling),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
