/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_mss.c -- --mssfix clamping: crafted IPv4/IPv6 SYNs (also inside
 * Ethernet and 802.1Q frames) are clamped with a checksum that a full
 * recomputation confirms; everything else, and every truncation, is left
 * byte-for-byte untouched.
 */
#include "test_common.h"

#include "mss.h"

/* clang-format off */
/* IPv4 + TCP SYN, MSS 1460, NOP, window scale, SACK-permitted, EOL padding */
static const uint8_t syn4[] = {
    0x45, 0x00, 0x00, 0x34, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, /* IPv4 */
    198, 51, 100, 1, 198, 51, 100, 2,
    0xc3, 0x50, 0x00, 0x50, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, /* TCP */
    0x80, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07, 0x04, 0x02, 0x00, 0x00, /* options */
};
#define SYN4_TCP 20
#define SYN4_MSS (SYN4_TCP + 22)

/* IPv6 + the same kind of SYN, but the MSS option after one NOP (odd offset) */
static const uint8_t syn6[] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x06, 0x40, /* IPv6, payload 32, TCP */
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
    0xc3, 0x50, 0x00, 0x50, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, /* TCP */
    0x80, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x04, 0x05, 0xb4, 0x03, 0x03, 0x07, 0x04, 0x02, 0x00, 0x00, /* options */
};
/* clang-format on */
#define SYN6_TCP 40
#define SYN6_MSS (SYN6_TCP + 23)

static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
    {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (n & 1)
    {
        sum += (uint32_t) p[n - 1] << 8;
    }
    return sum;
}

static uint16_t
fold(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t) sum;
}

/* From scratch: one's complement sum of pseudo-header + segment (0xFFFF when valid). */
static uint16_t
tcp_sum(const uint8_t *ip, size_t len)
{
    uint32_t sum = 0;
    size_t off;

    if ((ip[0] >> 4) == 4)
    {
        off = (size_t) (ip[0] & 0x0F) * 4;
        sum = sum16(sum, ip + 12, 8); /* source and destination */
        sum += 6 + (uint32_t) (len - off);
    }
    else
    {
        off = 40;
        sum = sum16(sum, ip + 8, 32);
        sum += 6 + (uint32_t) (len - off);
    }
    return fold(sum16(sum, ip + off, len - off));
}

/* Fill in a correct TCP checksum, as a real sender would. */
static void
set_tcp_csum(uint8_t *ip, size_t len)
{
    size_t off = (ip[0] >> 4) == 4 ? (size_t) (ip[0] & 0x0F) * 4 : 40;
    uint16_t c;

    ip[off + 16] = ip[off + 17] = 0;
    c = (uint16_t) ~tcp_sum(ip, len);
    ip[off + 16] = (uint8_t) (c >> 8);
    ip[off + 17] = (uint8_t) c;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

/* A heap copy of exactly @p n bytes, so any read past the end is caught by ASan. */
static uint8_t *
dup_exact(const uint8_t *src, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);

    assert_non_null(p);
    memcpy(p, src, n);
    return p;
}

static void
mss_clamp_ipv4__syn_1460__clamped_to_1400_valid_checksum(void **state)
{
    uint8_t pkt[sizeof(syn4)];
    struct buffer b;
    (void) state;

    memcpy(pkt, syn4, sizeof(pkt));
    set_tcp_csum(pkt, sizeof(pkt));
    assert_int_equal(tcp_sum(pkt, sizeof(pkt)), 0xFFFF);

    b = buf_view(pkt, sizeof(pkt));
    mss_clamp_ipv4(&b, 1400);
    assert_int_equal(get16(pkt + SYN4_MSS), 1400);
    assert_int_equal(tcp_sum(pkt, sizeof(pkt)), 0xFFFF);
    /* only the MSS value and the checksum changed */
    for (size_t i = 0; i < sizeof(pkt); i++)
    {
        if (i != SYN4_MSS && i != SYN4_MSS + 1 && i != SYN4_TCP + 16 && i != SYN4_TCP + 17)
        {
            assert_int_equal(pkt[i], syn4[i]);
        }
    }
}

static void
mss_clamp_ipv6__odd_offset_mss__clamped_valid_checksum(void **state)
{
    uint8_t pkt[sizeof(syn6)];
    struct buffer b;
    (void) state;

    memcpy(pkt, syn6, sizeof(pkt));
    set_tcp_csum(pkt, sizeof(pkt));
    b = buf_view(pkt, sizeof(pkt));
    mss_clamp_ipv6(&b, 1420); /* the IPv4 value: IPv6 gets 20 less */
    assert_int_equal(get16(pkt + SYN6_MSS), 1400);
    assert_int_equal(tcp_sum(pkt, sizeof(pkt)), 0xFFFF);

    mss_clamp(&b, 1400, false);
    assert_int_equal(get16(pkt + SYN6_MSS), 1380);
    assert_int_equal(tcp_sum(pkt, sizeof(pkt)), 0xFFFF);
}

static void
mss_clamp__already_small_or_not_syn__untouched(void **state)
{
    uint8_t pkt[sizeof(syn4)];
    struct buffer b;
    (void) state;

    memcpy(pkt, syn4, sizeof(pkt));
    set_tcp_csum(pkt, sizeof(pkt));
    uint8_t ref[sizeof(pkt)];
    memcpy(ref, pkt, sizeof(pkt));

    b = buf_view(pkt, sizeof(pkt));
    mss_clamp(&b, 1460, false);
    assert_memory_equal(pkt, ref, sizeof(pkt));
    mss_clamp(&b, 1500, false);
    assert_memory_equal(pkt, ref, sizeof(pkt));

    pkt[SYN4_TCP + 13] = 0x10; /* ACK only */
    memcpy(ref, pkt, sizeof(pkt));
    mss_clamp(&b, 1400, false);
    assert_memory_equal(pkt, ref, sizeof(pkt));
}

static void
expect_untouched(const uint8_t *pkt, size_t n, uint16_t maxmss, bool tap)
{
    uint8_t *copy = dup_exact(pkt, n);
    struct buffer b = buf_view(copy, n);

    mss_clamp(&b, maxmss, tap);
    mss_clamp_ipv4(&b, maxmss);
    mss_clamp_ipv6(&b, maxmss);
    assert_memory_equal(copy, pkt, n);
    free(copy);
}

static void
mss_clamp__malformed_headers__untouched(void **state)
{
    uint8_t pkt[sizeof(syn4)];
    (void) state;

#define RESET() memcpy(pkt, syn4, sizeof(pkt))
    RESET();
    pkt[SYN4_TCP + 21] = 0; /* MSS option length 0 */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[SYN4_TCP + 21] = 40; /* runs past the TCP header */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[SYN4_TCP + 21] = 3; /* MSS must be exactly 4 long */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[SYN4_TCP + 20] = 0; /* EOL before the MSS */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[SYN4_TCP + 12] = 0x40; /* data offset 16 < 20 */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[SYN4_TCP + 12] = 0xF0; /* data offset 60 > segment */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[0] = 0x44; /* IHL 16 < 20 */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[0] = 0x4F; /* IHL 60 > packet */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[6] = 0x00; /* a non-first fragment */
    pkt[7] = 0x10;
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[9] = 17; /* UDP */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[3] = 0x40; /* total length disagrees with the packet */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
    RESET();
    pkt[0] = 0x55; /* neither IPv4 nor IPv6 */
    expect_untouched(pkt, sizeof(pkt), 1400, false);
#undef RESET

    /* IPv6 with an extension header in front of TCP, and a tiny maxmss */
    uint8_t pkt6[sizeof(syn6)];
    memcpy(pkt6, syn6, sizeof(pkt6));
    pkt6[6] = 0; /* hop-by-hop */
    expect_untouched(pkt6, sizeof(pkt6), 1400, false);
    expect_untouched(syn6, sizeof(syn6), 20, false);
}

static void
mss_clamp__every_truncation__untouched(void **state)
{
    (void) state;

    for (size_t len = 0; len < sizeof(syn4); len++)
    {
        uint8_t pkt[sizeof(syn4)];

        memcpy(pkt, syn4, sizeof(pkt));
        expect_untouched(pkt, len, 1400, false);
        /* the same, with the IP length claiming just what is there */
        pkt[2] = (uint8_t) (len >> 8);
        pkt[3] = (uint8_t) len;
        expect_untouched(pkt, len, 1400, false);
    }
    for (size_t len = 0; len < sizeof(syn6); len++)
    {
        uint8_t pkt[sizeof(syn6)];

        memcpy(pkt, syn6, sizeof(pkt));
        expect_untouched(pkt, len, 1400, false);
        pkt[4] = (uint8_t) ((len - 40) >> 8);
        pkt[5] = (uint8_t) (len - 40);
        expect_untouched(pkt, len, 1400, false);
    }
}

/* Wrap @p ip in an Ethernet header (with a VLAN tag if @p vlan); returns frame length. */
static size_t
eth_frame(uint8_t *out, const uint8_t *ip, size_t n, uint16_t type, bool vlan)
{
    size_t h = 12;

    memset(out, 0x02, 12);
    if (vlan)
    {
        out[h++] = 0x81;
        out[h++] = 0x00;
        out[h++] = 0x00;
        out[h++] = 0x07;
    }
    out[h++] = (uint8_t) (type >> 8);
    out[h++] = (uint8_t) type;
    memcpy(out + h, ip, n);
    set_tcp_csum(out + h, n);
    return h + n;
}

static void
mss_clamp__tap_frames__skips_ethernet_and_vlan(void **state)
{
    uint8_t frame[128];
    struct buffer b;
    size_t n;
    (void) state;

    n = eth_frame(frame, syn4, sizeof(syn4), 0x0800, false);
    b = buf_view(frame, n);
    mss_clamp(&b, 1400, true);
    assert_int_equal(get16(frame + 14 + SYN4_MSS), 1400);
    assert_int_equal(tcp_sum(frame + 14, sizeof(syn4)), 0xFFFF);

    n = eth_frame(frame, syn6, sizeof(syn6), 0x86DD, true);
    b = buf_view(frame, n);
    mss_clamp(&b, 1400, true);
    assert_int_equal(get16(frame + 18 + SYN6_MSS), 1380);
    assert_int_equal(tcp_sum(frame + 18, sizeof(syn6)), 0xFFFF);

    /* wrong EtherType, or a TAP frame handed over as TUN */
    n = eth_frame(frame, syn4, sizeof(syn4), 0x0806, false);
    expect_untouched(frame, n, 1400, true);
    n = eth_frame(frame, syn4, sizeof(syn4), 0x0800, false);
    expect_untouched(frame, n, 1400, false);
    /* every truncation of a tagged frame */
    n = eth_frame(frame, syn4, sizeof(syn4), 0x0800, true);
    for (size_t len = 0; len < n; len++)
    {
        expect_untouched(frame, len, 1400, true);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mss_clamp_ipv4__syn_1460__clamped_to_1400_valid_checksum),
        cmocka_unit_test(mss_clamp_ipv6__odd_offset_mss__clamped_valid_checksum),
        cmocka_unit_test(mss_clamp__already_small_or_not_syn__untouched),
        cmocka_unit_test(mss_clamp__malformed_headers__untouched),
        cmocka_unit_test(mss_clamp__every_truncation__untouched),
        cmocka_unit_test(mss_clamp__tap_frames__skips_ethernet_and_vlan),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
