/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_proto.c -- the --block-ipv6 answer: for an echo request captured on
 * a 2.6 client's tun device, the ICMPv6 "no route" answer must be byte for
 * byte the one 2.6 wrote back (captured on the same device: checksum
 * 0xc636); tap answers swap the Ethernet addresses; the quote is bounded
 * by 1280 bytes and by the MTU; short or non-IPv6 packets get no answer;
 * the packet classification follows 2.6.
 */
#include "test_common.h"

#include "proto.h"

/* ping -6 2001:db8:8::1 from the client 2001:db8:8::1000 (64 bytes of ICMPv6) */
static const char echo_hex[] =
  "600c328900403a4020010db800080000000000000000100020010db8000800000000000000000001"
  "8000c23b7bf20001fa91166b00000000f8020e0000000000101112131415161718191a1b1c1d1e1f"
  "202122232425262728292a2b2c2d2e2f3031323334353637";
/* what 2.6 (--block-ipv6, pushed ifconfig-ipv6 remote 2001:db8:8::1) wrote back */
static const char answer_hex[] =
  "600c328900703a4020010db800080000000000000000000120010db8000800000000000000001000"
  "0100c63600000000";
static const uint8_t remote6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static size_t
unhex(const char *h, uint8_t *out)
{
    size_t n = strlen(h) / 2;

    for (size_t i = 0; i < n; i++)
    {
        unsigned int b;

        assert_int_equal(sscanf(h + 2 * i, "%2x", &b), 1);
        out[i] = (uint8_t) b;
    }
    return n;
}

/* Summed with its checksum field, a valid ICMPv6 message gives 0. */
static uint16_t
icmp6_verify(const uint8_t *ip, size_t ip_len)
{
    return proto_checksum(ip + 40, ip_len - 40, ip + 8, ip + 24, 16, 58);
}

static void
proto_icmp6_unreachable__captured_echo__same_bytes_as_2_6(void **state)
{
    uint8_t in[256], want[512], out[PROTO_ICMP6_MAX_REPLY];
    size_t n_in = unhex(echo_hex, in), n_want = unhex(answer_hex, want), n;

    (void) state;
    memcpy(want + n_want, in, n_in); /* the whole request is quoted */
    n_want += n_in;
    n = proto_icmp6_unreachable(in, n_in, false, remote6, 1500, out, sizeof(out));
    assert_int_equal(n, n_want);
    assert_memory_equal(out, want, n);
}

static void
proto_icmp6_unreachable__tap_frame__ethernet_swapped(void **state)
{
    uint8_t in[256], tun_out[512], out[PROTO_ICMP6_MAX_REPLY];
    uint8_t frame[300] = { 2, 0, 0, 0, 0, 0xaa, 2, 0, 0, 0, 0, 0xbb, 0x86, 0xdd };
    size_t n_in = unhex(echo_hex, in), n_tun, n;

    (void) state;
    memcpy(frame + 14, in, n_in);
    n_tun = proto_icmp6_unreachable(in, n_in, false, remote6, 1500, tun_out, sizeof(tun_out));
    n = proto_icmp6_unreachable(frame, 14 + n_in, true, remote6, 1500, out, sizeof(out));
    assert_int_equal(n, 14 + n_tun);
    assert_memory_equal(out, "\x02\x00\x00\x00\x00\xbb\x02\x00\x00\x00\x00\xaa\x86\xdd", 14);
    assert_memory_equal(out + 14, tun_out, n_tun);

    /* an 802.1Q frame: the IPv6 packet behind the tag, a plain header back */
    memmove(frame + 18, frame + 14, n_in);
    memcpy(frame + 12, "\x81\x00\x00\x05\x86\xdd", 6);
    n = proto_icmp6_unreachable(frame, 18 + n_in, true, remote6, 1500, out, sizeof(out));
    assert_int_equal(n, 14 + n_tun);
    assert_memory_equal(out + 12, "\x86\xdd", 2);
    assert_memory_equal(out + 14, tun_out, n_tun);
}

static void
proto_icmp6_unreachable__big_packet__quote_bounded_by_1280_and_mtu(void **state)
{
    static uint8_t in[1500], out[PROTO_ICMP6_MAX_REPLY];
    size_t n;

    (void) state;
    unhex(echo_hex, in);
    in[4] = (1500 - 40) >> 8;
    in[5] = (1500 - 40) & 0xff;
    for (size_t i = 104; i < sizeof(in); i++)
    {
        in[i] = (uint8_t) i;
    }
    /* 1280 bytes of quote even though the whole answer then exceeds 1280 (2.6) */
    n = proto_icmp6_unreachable(in, sizeof(in), false, remote6, 1500, out, sizeof(out));
    assert_int_equal(n, 48 + 1280);
    assert_int_equal(out[4] << 8 | out[5], 8 + 1280);
    assert_memory_equal(out + 48, in, 1280);
    assert_int_equal(icmp6_verify(out, n), 0);
    /* a smaller MTU: quote = MTU - 48 */
    n = proto_icmp6_unreachable(in, sizeof(in), false, remote6, 1000, out, sizeof(out));
    assert_int_equal(n, 1000);
    assert_int_equal(icmp6_verify(out, n), 0);
    /* an odd-length quote still checksums right */
    n = proto_icmp6_unreachable(in, 301, false, remote6, 1500, out, sizeof(out));
    assert_int_equal(n, 48 + 301);
    assert_int_equal(icmp6_verify(out, n), 0);
    /* too little room in out: no answer rather than a cut one */
    assert_int_equal(proto_icmp6_unreachable(in, 301, false, remote6, 1500, out, 48 + 300), 0);
}

static void
proto_icmp6_unreachable__short_or_not_ipv6__no_answer(void **state)
{
    uint8_t in[256], out[PROTO_ICMP6_MAX_REPLY], frame[300] = { 0 };
    size_t n_in = unhex(echo_hex, in), off;

    (void) state;
    for (size_t len = 0; len < 40; len++)
    {
        uint8_t *p = malloc(len ? len : 1); /* exact size: a sanitizer sees overruns */

        assert_non_null(p);
        memcpy(p, in, len);
        assert_int_equal(proto_icmp6_unreachable(p, len, false, remote6, 1500, out, sizeof(out)),
                         0);
        /* from 20 bytes on 2.6 calls it IPv6 (and drops it) but cannot answer */
        assert_int_equal(proto_ip_offset(p, len, false, 6, &off), len >= 20);
        free(p);
    }
    in[0] = 0x45;
    assert_int_equal(proto_icmp6_unreachable(in, n_in, false, remote6, 1500, out, sizeof(out)), 0);
    /* tap: an IPv6 EtherType with an IPv4 header behind it, or ARP */
    memcpy(frame + 12, "\x86\xdd\x45", 3);
    assert_false(proto_ip_offset(frame, 100, true, 6, &off));
    memcpy(frame + 12, "\x08\x06\x60", 3);
    assert_false(proto_ip_offset(frame, 100, true, 6, &off));
    /* tap frames shorter than Ethernet + 20 bytes are not classified */
    memcpy(frame + 12, "\x86\xdd\x60", 3);
    assert_false(proto_ip_offset(frame, 33, true, 6, &off));
    assert_true(proto_ip_offset(frame, 34, true, 6, &off));
    assert_int_equal(off, 14);
}

static void
proto_checksum__rfc1071_example__matches(void **state)
{
    /* RFC 1071 section 3: the one's complement sum of these words is ddf2 */
    static const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    static const uint8_t zero[16] = { 0 };

    (void) state;
    /* with an all-zero pseudo header, length 8 and protocol 0 add 8 */
    assert_int_equal(proto_checksum(words, sizeof(words), zero, zero, 4, 0),
                     (uint16_t) ~(0xddf2 + 8));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proto_icmp6_unreachable__captured_echo__same_bytes_as_2_6),
        cmocka_unit_test(proto_icmp6_unreachable__tap_frame__ethernet_swapped),
        cmocka_unit_test(proto_icmp6_unreachable__big_packet__quote_bounded_by_1280_and_mtu),
        cmocka_unit_test(proto_icmp6_unreachable__short_or_not_ipv6__no_answer),
        cmocka_unit_test(proto_checksum__rfc1071_example__matches),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
