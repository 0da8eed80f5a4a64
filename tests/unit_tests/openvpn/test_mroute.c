/* SPDX-License-Identifier: GPL-2.0-only */
/* test_mroute.c -- virtual-address table and tun/tap header parsing (doc/protocol.md §9.6). */
#include "test_common.h"

#include <arpa/inet.h>

#include "mroute.h"

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (uint32_t) (c) << 8 | (d))

static int c1, c2, c3; /* owners: only their addresses matter */

static void
v6(const char *text, uint8_t out[16])
{
    assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

static void
mroute_v4__host_and_iroutes__longest_prefix_wins(void **state)
{
    struct mroute_table *t = mroute_new(256);
    (void) state;

    assert_true(mroute_add_v4(t, IP(10, 8, 0, 6), MROUTE_HOST, &c1, 1));
    assert_true(mroute_add_v4(t, IP(10, 9, 0, 0), 16, &c2, 1));
    assert_true(mroute_add_v4(t, IP(10, 9, 7, 99), 24, &c3, 1)); /* host bits masked */
    assert_ptr_equal(mroute_lookup_v4(t, IP(10, 8, 0, 6), 0), &c1);
    assert_null(mroute_lookup_v4(t, IP(10, 8, 0, 7), 0));
    assert_ptr_equal(mroute_lookup_v4(t, IP(10, 9, 7, 1), 0), &c3);
    assert_ptr_equal(mroute_lookup_v4(t, IP(10, 9, 8, 1), 0), &c2);
    assert_null(mroute_lookup_v4(t, IP(10, 10, 0, 1), 0));
    assert_false(mroute_add_v4(t, 0, 33, &c1, 1));
    assert_false(mroute_add_v4(t, 0, -2, &c1, 1));
    mroute_free(t);
}

static void
mroute_v4__default_route_iroute__matches_everything(void **state)
{
    struct mroute_table *t = mroute_new(16);
    (void) state;

    assert_true(mroute_add_v4(t, 0, 0, &c2, 1));
    assert_ptr_equal(mroute_lookup_v4(t, IP(203, 0, 113, 5), 0), &c2);
    mroute_free(t);
}

static void
mroute_add__same_key__replaces_owner(void **state)
{
    struct mroute_table *t = mroute_new(16);
    (void) state;

    assert_true(mroute_add_v4(t, IP(10, 8, 0, 6), MROUTE_HOST, &c1, 1));
    assert_true(mroute_add_v4(t, IP(10, 8, 0, 6), MROUTE_HOST, &c2, 2));
    assert_int_equal(mroute_count(t), 1);
    assert_ptr_equal(mroute_lookup_v4(t, IP(10, 8, 0, 6), 0), &c2);
    mroute_free(t);
}

static void
mroute_remove_owner__client_gone__only_its_routes_vanish(void **state)
{
    struct mroute_table *t = mroute_new(16);
    uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    (void) state;

    mroute_add_v4(t, IP(10, 8, 0, 6), MROUTE_HOST, &c1, 1);
    mroute_add_v4(t, IP(10, 9, 0, 0), 24, &c1, 1);
    mroute_add_mac(t, mac, &c1, 1);
    mroute_add_v4(t, IP(10, 8, 0, 10), MROUTE_HOST, &c2, 1);
    mroute_add_v4(t, IP(10, 9, 1, 0), 24, &c2, 1);
    mroute_remove_owner(t, &c1);
    assert_int_equal(mroute_count(t), 2);
    assert_null(mroute_lookup_v4(t, IP(10, 8, 0, 6), 0));
    assert_null(mroute_lookup_v4(t, IP(10, 9, 0, 1), 0));
    assert_null(mroute_lookup_mac(t, mac, 0));
    assert_ptr_equal(mroute_lookup_v4(t, IP(10, 9, 1, 1), 0), &c2);
    mroute_remove_owner(t, &c2);
    assert_int_equal(mroute_count(t), 0);
    assert_null(mroute_lookup_v4(t, IP(10, 9, 1, 1), 0));
    mroute_free(t);
}

static void
mroute_v6__host_and_prefix__found(void **state)
{
    struct mroute_table *t = mroute_new(64);
    uint8_t a[16], b[16], q[16];
    (void) state;

    v6("2001:db8::1000", a);
    v6("2001:db8:1::", b);
    assert_true(mroute_add_v6(t, a, MROUTE_HOST, &c1, 1));
    assert_true(mroute_add_v6(t, b, 64, &c2, 1));
    assert_ptr_equal(mroute_lookup_v6(t, a, 0), &c1);
    v6("2001:db8:1::77", q);
    assert_ptr_equal(mroute_lookup_v6(t, q, 0), &c2);
    v6("2001:db8:1:1::77", q);
    assert_null(mroute_lookup_v6(t, q, 0));
    assert_false(mroute_add_v6(t, a, 129, &c1, 1));
    mroute_free(t);
}

static void
mroute_v6__prefix_over_64_bits__masks_across_words(void **state)
{
    struct mroute_table *t = mroute_new(64);
    uint8_t net[16], in[16], out[16];
    (void) state;

    v6("2001:db8::abcd:0", net);
    assert_true(mroute_add_v6(t, net, 112, &c3, 1));
    v6("2001:db8::abcd:1234", in);
    v6("2001:db8::abce:1", out);
    assert_ptr_equal(mroute_lookup_v6(t, in, 0), &c3);
    assert_null(mroute_lookup_v6(t, out, 0));
    mroute_free(t);
}

static void
mroute_mac__learned__found_and_not_confused_with_ip(void **state)
{
    struct mroute_table *t = mroute_new(16);
    uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 }, other[6] = { 0x02, 0, 0, 0, 0, 2 };
    (void) state;

    assert_true(mroute_add_mac(t, mac, &c1, 1));
    assert_ptr_equal(mroute_lookup_mac(t, mac, 0), &c1);
    assert_null(mroute_lookup_mac(t, other, 0));
    assert_null(mroute_lookup_v4(t, 0x02000000, 0));
    mroute_free(t);
}

struct walk_rec
{
    char text[8][MROUTE_TEXT_MAX];
    void *owner[8];
    time_t ref[8];
    int n;
};

static void
record(void *arg, const char *vaddr, void *owner, time_t last_ref)
{
    struct walk_rec *w = arg;

    assert_true(w->n < 8);
    strcpy(w->text[w->n], vaddr);
    w->owner[w->n] = owner;
    w->ref[w->n] = last_ref;
    w->n++;
}

static int
find_text(const struct walk_rec *w, const char *text)
{
    for (int i = 0; i < w->n; i++)
    {
        if (strcmp(w->text[i], text) == 0)
        {
            return i;
        }
    }
    return -1;
}

static void
mroute_walk__every_kind__printed_as_2_6(void **state)
{
    struct mroute_table *t = mroute_new(16);
    struct walk_rec w = { .n = 0 };
    uint8_t a[16], b[16];
    uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    (void) state;

    v6("2001:db8::1000", a);
    v6("2001:db8:1::", b);
    mroute_add_v4(t, IP(10, 8, 0, 6), MROUTE_HOST, &c1, 100);
    mroute_add_v4(t, IP(10, 9, 0, 0), 24, &c1, 100);
    mroute_add_v4(t, IP(10, 9, 9, 9), 32, &c1, 100);
    mroute_add_v6(t, a, MROUTE_HOST, &c2, 100);
    mroute_add_v6(t, b, 64, &c2, 100);
    mroute_add_mac(t, mac, &c3, 100);
    assert_ptr_equal(mroute_lookup_v4(t, IP(10, 9, 0, 5), 150), &c1); /* touches last_ref */
    mroute_walk(t, record, &w);
    assert_int_equal(w.n, 6);
    assert_true(find_text(&w, "10.8.0.6") >= 0);
    assert_true(find_text(&w, "10.9.9.9/32") >= 0);
    assert_true(find_text(&w, "2001:db8::1000") >= 0);
    assert_true(find_text(&w, "2001:db8:1::/64") >= 0);
    int m = find_text(&w, "aa:bb:cc:dd:ee:ff@0");
    assert_true(m >= 0);
    assert_ptr_equal(w.owner[m], &c3);
    int i = find_text(&w, "10.9.0.0/24");
    assert_true(i >= 0);
    assert_int_equal(w.ref[i], 150);
    assert_int_equal(w.ref[find_text(&w, "10.8.0.6")], 100);
    mroute_free(t);
}

static void
mroute_table__many_clients__all_found(void **state)
{
    struct mroute_table *t = mroute_new(64);
    static char owners[2000];
    (void) state;

    for (uint32_t i = 0; i < 2000; i++)
    {
        assert_true(mroute_add_v4(t, IP(10, 8, 0, 0) + i, MROUTE_HOST, &owners[i], 1));
    }
    for (uint32_t i = 0; i < 2000; i++)
    {
        assert_ptr_equal(mroute_lookup_v4(t, IP(10, 8, 0, 0) + i, 0), &owners[i]);
    }
    mroute_free(t);
}

/* IPv4 UDP 10.8.0.6 -> 10.8.0.1 (header only) */
static const uint8_t ip4_pkt[20] = { 0x45, 0, 0,  20, 0, 0, 0,  0, 64, 17,
                                     0,    0, 10, 8,  0, 6, 10, 8, 0,  1 };

static void
mroute_parse_ip__ipv4__addresses_and_bcast(void **state)
{
    struct mroute_pkt p;
    uint8_t pkt[20];
    (void) state;

    assert_true(mroute_parse_ip(ip4_pkt, sizeof(ip4_pkt), &p));
    assert_int_equal(p.family, AF_INET);
    assert_int_equal(p.src4, IP(10, 8, 0, 6));
    assert_int_equal(p.dst4, IP(10, 8, 0, 1));
    assert_false(p.dst_bcast);
    memcpy(pkt, ip4_pkt, 20);
    pkt[16] = 224;
    assert_true(mroute_parse_ip(pkt, 20, &p));
    assert_true(p.dst_bcast);
    memset(pkt + 16, 0xff, 4);
    assert_true(mroute_parse_ip(pkt, 20, &p));
    assert_true(p.dst_bcast);
}

static void
mroute_parse_ip__ipv6__addresses_and_multicast(void **state)
{
    uint8_t pkt[40] = { 0x60 };
    struct mroute_pkt p;
    uint8_t src[16], dst[16];
    (void) state;

    v6("2001:db8::1000", src);
    v6("ff02::1", dst);
    memcpy(pkt + 8, src, 16);
    memcpy(pkt + 24, dst, 16);
    assert_true(mroute_parse_ip(pkt, sizeof(pkt), &p));
    assert_int_equal(p.family, AF_INET6);
    assert_memory_equal(p.src6, src, 16);
    assert_memory_equal(p.dst6, dst, 16);
    assert_true(p.dst_bcast);
}

static void
mroute_parse_ip__any_truncation_or_bad_version__fails(void **state)
{
    uint8_t v6pkt[40] = { 0x60 };
    uint8_t bad[40] = { 0x50 };
    struct mroute_pkt p;
    (void) state;

    for (size_t len = 0; len < sizeof(ip4_pkt); len++)
    {
        assert_false(mroute_parse_ip(ip4_pkt, len, &p));
    }
    for (size_t len = 0; len < sizeof(v6pkt); len++)
    {
        assert_false(mroute_parse_ip(v6pkt, len, &p));
    }
    assert_false(mroute_parse_ip(bad, sizeof(bad), &p));
    assert_int_equal(p.family, 0);
}

static void
mroute_parse_eth__tagged_and_truncated__handled(void **state)
{
    uint8_t f[18] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0,    0,
                      0,    0,    1,    0x81, 0x00, 0x00, 0x05, 0x08, 0x00 };
    struct mroute_eth e;
    (void) state;

    assert_true(mroute_parse_eth(f, sizeof(f), &e));
    assert_int_equal(e.ethertype, 0x0800);
    assert_true(e.dst_bcast);
    assert_int_equal(e.src[5], 1);
    for (size_t len = 0; len < sizeof(f); len++)
    {
        assert_false(mroute_parse_eth(f, len, &e));
    }
    f[0] = 0x02;
    f[12] = 0x86;
    f[13] = 0xdd;
    assert_true(mroute_parse_eth(f, 14, &e));
    assert_int_equal(e.ethertype, 0x86dd);
    assert_false(e.dst_bcast);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mroute_v4__host_and_iroutes__longest_prefix_wins),
        cmocka_unit_test(mroute_v4__default_route_iroute__matches_everything),
        cmocka_unit_test(mroute_add__same_key__replaces_owner),
        cmocka_unit_test(mroute_remove_owner__client_gone__only_its_routes_vanish),
        cmocka_unit_test(mroute_v6__host_and_prefix__found),
        cmocka_unit_test(mroute_v6__prefix_over_64_bits__masks_across_words),
        cmocka_unit_test(mroute_mac__learned__found_and_not_confused_with_ip),
        cmocka_unit_test(mroute_walk__every_kind__printed_as_2_6),
        cmocka_unit_test(mroute_table__many_clients__all_found),
        cmocka_unit_test(mroute_parse_ip__ipv4__addresses_and_bcast),
        cmocka_unit_test(mroute_parse_ip__ipv6__addresses_and_multicast),
        cmocka_unit_test(mroute_parse_ip__any_truncation_or_bad_version__fails),
        cmocka_unit_test(mroute_parse_eth__tagged_and_truncated__handled),
    };

    return cmocka_run_group_tests_name("mroute", tests, NULL, NULL);
}
