/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_dhcp.c -- --route-gateway dhcp: the router options leave a DHCP
 * ACK/OFFER exactly as they leave it in OpenVPN 2.6 (the ACK below was
 * sent through a 2.6 tap tunnel; its bytes after 2.6 were captured on the
 * receiving tap device: the checksums 0x4ad1 -> 0x53df and the options
 * are those bytes); other packets stay untouched; every truncation is
 * handled without reading past the end.
 */
#include "test_common.h"

#include "basic.h"
#include "dhcp.h"

#define ETH  14
#define OPTS (ETH + 20 + 8 + 240)

/* The options of the captured ACK: type ACK, server id, netmask, router
 * 10.7.0.254, lease time, end. */
static const uint8_t ack_opts[] = {
    53, 1, 5, 54, 4, 10, 7,   0,  2, 1, 4, 255,  255,  255,
    0,  3, 4, 10, 7, 0,  254, 51, 4, 0, 0, 0x0e, 0x10, 255,
};
/* ... and as 2.6 forwarded them: router gone, the rest moved up, PAD tail */
static const uint8_t ack_opts_26[] = {
    53, 1,  5, 54, 4, 10,   7,    0,   2, 1, 4, 255, 255, 255,
    0,  51, 4, 0,  0, 0x0e, 0x10, 255, 0, 0, 0, 0,   0,   0,
};

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint16_t
csum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
    {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (n & 1)
    {
        sum += (uint32_t) p[n - 1] << 8;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* The captured frame: 10.7.0.2:67 -> 255.255.255.255:68, BOOTREPLY
 * xid 0x12345678, yiaddr 10.7.0.50, siaddr 10.7.0.2, chaddr 02:00:00:00:00:01. */
static size_t
build(uint8_t *f, const uint8_t *opts, size_t n_opts, bool tap)
{
    size_t l2 = tap ? ETH : 0, ulen = 8 + 240 + n_opts;
    uint8_t *ip = f + l2, *udp = ip + 20, *bootp = udp + 8;
    uint8_t ph[12] = { 10, 7, 0, 2, 255, 255, 255, 255, 0, 17 };

    memset(f, 0, l2 + 20 + ulen);
    if (tap)
    {
        memset(f, 0xff, 6);
        memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
        put16(f + 12, 0x0800);
    }
    memcpy(ip, "\x45\x00", 2);
    put16(ip + 2, (uint16_t) (20 + ulen));
    put16(ip + 4, 1);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, ph, 8);
    put16(ip + 10, csum(0, ip, 20));
    put16(udp, 67);
    put16(udp + 2, 68);
    put16(udp + 4, (uint16_t) ulen);
    memcpy(bootp, "\x02\x01\x06\x00\x12\x34\x56\x78", 8);
    memcpy(bootp + 16, "\x0a\x07\x00\x32\x0a\x07\x00\x02", 8);
    memcpy(bootp + 28, "\x02\x00\x00\x00\x00\x01", 6);
    memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
    memcpy(bootp + 240, opts, n_opts);
    put16(ph + 10, (uint16_t) ulen);
    put16(udp + 6, csum(csum(0, ph, 12) ^ 0xFFFF, udp, ulen));
    return l2 + 20 + ulen;
}

/* The UDP checksum over the pseudo header verifies to zero. */
static uint16_t
udp_verify(const uint8_t *ip, size_t ip_len)
{
    uint8_t ph[12] = { 0 };

    memcpy(ph, ip + 12, 8);
    ph[9] = 17;
    put16(ph + 10, (uint16_t) (ip_len - 20));
    return csum(csum(0, ph, 12) ^ 0xFFFF, ip + 20, ip_len - 20);
}

static void
dhcp_strip_router__captured_ack__same_bytes_as_2_6(void **state)
{
    uint8_t f[400];
    uint32_t router = 0;
    size_t n = build(f, ack_opts, sizeof(ack_opts), true);

    (void) state;
    assert_int_equal(n, 310);
    assert_int_equal(get16(f + ETH + 26), 0x4ad1); /* the capture's checksum before */
    assert_true(dhcp_strip_router(f, n, true, &router));
    assert_memory_equal(&router, "\x0a\x07\x00\xfe", 4);
    assert_memory_equal(f + OPTS, ack_opts_26, sizeof(ack_opts_26));
    assert_int_equal(get16(f + ETH + 26), 0x53df); /* ... and after */
    assert_int_equal(udp_verify(f + ETH, n - ETH), 0);
}

static void
dhcp_strip_router__tun_packet__stripped_too(void **state)
{
    uint8_t f[400];
    uint32_t router = 0;
    size_t n = build(f, ack_opts, sizeof(ack_opts), false);

    (void) state;
    assert_true(dhcp_strip_router(f, n, false, &router));
    assert_memory_equal(f + OPTS - ETH, ack_opts_26, sizeof(ack_opts_26));
    assert_int_equal(get16(f + 26), 0x53df);
}

static void
dhcp_strip_router__offer__stripped_router_not_returned(void **state)
{
    uint8_t opts[sizeof(ack_opts)], f[400];
    uint32_t router = 0;
    size_t n;

    (void) state;
    memcpy(opts, ack_opts, sizeof(opts));
    opts[2] = 2; /* OFFER */
    n = build(f, opts, sizeof(opts), true);
    assert_false(dhcp_strip_router(f, n, true, &router));
    assert_int_equal(f[OPTS + 15], 51); /* the router option is gone all the same */
    assert_int_equal(udp_verify(f + ETH, n - ETH), 0);
}

static void
dhcp_strip_router__several_routers__all_gone_first_nonzero_taken(void **state)
{
    static const uint8_t opts[] = {
        3,   4, 0, 0, 0, 0,                        /* 0.0.0.0 does not count */
        53,  1, 5, 3, 8, 10, 7, 0, 9, 10, 7, 0, 8, /* two addresses: the first */
        3,   3, 1, 2, 3,                           /* odd length: removed, not taken */
        255,
    };
    uint8_t f[400];
    uint32_t router = 0;
    size_t n = build(f, opts, sizeof(opts), true);

    (void) state;
    assert_true(dhcp_strip_router(f, n, true, &router));
    assert_memory_equal(&router, "\x0a\x07\x00\x09", 4);
    assert_memory_equal(f + OPTS, "\x35\x01\x05\xff", 4);
    for (size_t i = 4; i < sizeof(opts); i++)
    {
        assert_int_equal(f[OPTS + i], 0);
    }
}

static void
dhcp_strip_router__not_a_dhcp_answer__untouched(void **state)
{
    /* offsets (from the IP header) and values that each disqualify it */
    static const struct
    {
        size_t off;
        uint8_t v;
    } bad[] = {
        { 9, 6 },       /* TCP */
        { 21, 68 },     /* from port 68 */
        { 23, 67 },     /* to port 67 */
        { 28, 1 },      /* BOOTREQUEST */
        { 268 + 2, 3 }, /* a REQUEST */
        { 268 + 1, 2 }, /* message type of length 2 */
        { 268, 255 },   /* END before the type */
    };
    uint8_t f[400], orig[400];
    uint32_t router = 0;
    size_t n;

    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    {
        n = build(f, ack_opts, sizeof(ack_opts), true);
        f[ETH + bad[i].off] = bad[i].v;
        memcpy(orig, f, n);
        assert_false(dhcp_strip_router(f, n, true, &router));
        assert_memory_equal(f, orig, n);
    }
    /* an IPv6 EtherType, and a tap frame handed over as tun */
    n = build(f, ack_opts, sizeof(ack_opts), true);
    memcpy(orig, f, n);
    assert_false(dhcp_strip_router(f, n, false, &router));
    put16(f + 12, 0x86dd);
    memcpy(orig, f, n);
    assert_false(dhcp_strip_router(f, n, true, &router));
    assert_memory_equal(f, orig, n);
    assert_int_equal(router, 0);
}

static void
dhcp_strip_router__truncated_router_option__walk_stops(void **state)
{
    static const uint8_t opts[] = { 53, 1, 5, 3, 9, 10, 7, 0, 1 }; /* claims 9, has 4 */
    uint8_t f[400];
    uint32_t router = 0;
    size_t n = build(f, opts, sizeof(opts), true);

    (void) state;
    assert_false(dhcp_strip_router(f, n, true, &router));
    assert_memory_equal(f + OPTS, opts, sizeof(opts));
    assert_int_equal(udp_verify(f + ETH, n - ETH), 0);
}

static void
dhcp_strip_router__every_truncation__no_read_past_end(void **state)
{
    uint8_t f[400];
    size_t n = build(f, ack_opts, sizeof(ack_opts), true);

    (void) state;
    for (size_t len = 0; len <= n; len++)
    {
        /* a heap copy of exactly len bytes: a sanitizer sees any overrun */
        uint8_t *p = malloc(len ? len : 1);
        uint32_t router = 0;
        bool got;

        assert_non_null(p);
        memcpy(p, f, len);
        got = dhcp_strip_router(p, len, true, &router);
        /* the router option is complete from 7 bytes of options on */
        assert_int_equal(got, len >= OPTS + 21);
        if (len < OPTS)
        {
            assert_memory_equal(p, f, len);
        }
        free(p);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dhcp_strip_router__captured_ack__same_bytes_as_2_6),
        cmocka_unit_test(dhcp_strip_router__tun_packet__stripped_too),
        cmocka_unit_test(dhcp_strip_router__offer__stripped_router_not_returned),
        cmocka_unit_test(dhcp_strip_router__several_routers__all_gone_first_nonzero_taken),
        cmocka_unit_test(dhcp_strip_router__not_a_dhcp_answer__untouched),
        cmocka_unit_test(dhcp_strip_router__truncated_router_option__walk_stops),
        cmocka_unit_test(dhcp_strip_router__every_truncation__no_read_past_end),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
