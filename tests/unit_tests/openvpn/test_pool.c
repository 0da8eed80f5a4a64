/* SPDX-License-Identifier: GPL-2.0-only */
/* test_pool.c -- ifconfig-pool allocation and the persist file (doc/protocol.md §9.3, §9.4). */
#include "test_common.h"

#include <arpa/inet.h>
#include <unistd.h>

#include "pool.h"

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (uint32_t) (c) << 8 | (d))

static char tmpfile_path[64];

static void
write_file(const char *text)
{
    FILE *f;

    strcpy(tmpfile_path, "/tmp/test_pool_XXXXXX");
    int fd = mkstemp(tmpfile_path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static void
read_file(char *out, size_t n)
{
    FILE *f = fopen(tmpfile_path, "r");
    size_t got;

    assert_non_null(f);
    got = fread(out, 1, n - 1, f);
    out[got] = '\0';
    fclose(f);
}

/* server 10.8.0.0 255.255.255.0, topology net30: pool 10.8.0.4 - 10.8.0.251 */
static struct pool *
net30_pool(bool dup)
{
    return pool_new(POOL_NET30, IP(10, 8, 0, 4), IP(10, 8, 0, 251), NULL, 0, dup);
}

static void
pool_net30__first_two_clients__get_2_6_addresses(void **state)
{
    struct pool *p = net30_pool(false);
    uint32_t addr, peer;
    (void) state;

    assert_non_null(p);
    assert_int_equal(pool_size(p), 62); /* .4/30 ... .248/30 */
    int s1 = pool_acquire(p, "c1", 100);
    int s2 = pool_acquire(p, "c2", 100);
    assert_int_equal(s1, 0);
    assert_int_equal(s2, 1);
    assert_true(pool_slot_v4(p, s1, &addr, &peer));
    assert_int_equal(addr, IP(10, 8, 0, 6));
    assert_int_equal(peer, IP(10, 8, 0, 5));
    assert_true(pool_slot_v4(p, s2, &addr, &peer));
    assert_int_equal(addr, IP(10, 8, 0, 10));
    assert_int_equal(peer, IP(10, 8, 0, 9));
    assert_false(pool_slot_v4(p, 62, &addr, &peer));
    assert_false(pool_slot_v4(p, -1, &addr, &peer));
    pool_free(p);
}

static void
pool_net30__unaligned_start__rounds_down_to_slash30(void **state)
{
    struct pool *p = pool_new(POOL_NET30, IP(10, 8, 0, 6), IP(10, 8, 0, 13), NULL, 0, false);
    uint32_t addr;
    (void) state;

    assert_int_equal(pool_size(p), 3); /* .4/30, .8/30, .12/30 */
    assert_true(pool_slot_v4(p, 0, &addr, NULL));
    assert_int_equal(addr, IP(10, 8, 0, 6));
    pool_free(p);
}

static void
pool_subnet__slots__are_consecutive_addresses(void **state)
{
    /* server 10.8.0.0/24 topology subnet: 10.8.0.2 - 10.8.0.254 */
    struct pool *p = pool_new(POOL_SINGLE, IP(10, 8, 0, 2), IP(10, 8, 0, 254), NULL, 0, false);
    uint32_t addr, peer = 99;
    (void) state;

    assert_int_equal(pool_size(p), 253);
    assert_int_equal(pool_acquire(p, "a", 1), 0);
    assert_int_equal(pool_acquire(p, "b", 1), 1);
    assert_true(pool_slot_v4(p, 1, &addr, &peer));
    assert_int_equal(addr, IP(10, 8, 0, 3));
    assert_int_equal(peer, 0);
    pool_free(p);
}

static void
pool_v6__shares_slot_numbers__with_v4(void **state)
{
    uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x10, [15] = 0x00 };
    struct pool *p = pool_new(POOL_SINGLE, IP(10, 8, 0, 2), IP(10, 8, 0, 254), base, 64, false);
    uint8_t a6[16];
    char text[INET6_ADDRSTRLEN];
    (void) state;

    assert_int_equal(pool_size(p), 253); /* v4 limits; v6 would be 65536 */
    int s = pool_acquire(p, "a", 1);
    s = pool_acquire(p, "b", 1);
    assert_true(pool_slot_v6(p, s, a6));
    inet_ntop(AF_INET6, a6, text, sizeof(text));
    assert_string_equal(text, "2001:db8::1001");
    pool_free(p);
}

static void
pool_v6__zero_host_base__starts_at_one(void **state)
{
    uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8 };
    struct pool *p = pool_new(POOL_SINGLE, 0, 0, base, 120, false);
    uint8_t a6[16];
    (void) state;

    assert_non_null(p);
    assert_int_equal(pool_size(p), 255);
    assert_true(pool_slot_v6(p, 0, a6));
    assert_int_equal(a6[15], 1);
    assert_false(pool_slot_v4(p, 0, NULL, NULL)); /* IPv6-only pool */
    pool_free(p);
}

static void
pool_acquire__reconnecting_cn__gets_its_old_slot(void **state)
{
    struct pool *p = net30_pool(false);
    (void) state;

    int a = pool_acquire(p, "alice", 10);
    int b = pool_acquire(p, "bob", 10);
    pool_release(p, a, 20);
    pool_release(p, b, 30);
    /* never-used slots come first for strangers ... */
    assert_int_equal(pool_acquire(p, "carol", 40), 2);
    /* ... but bob gets his old slot although alice's was released earlier */
    assert_int_equal(pool_acquire(p, "bob", 40), b);
    pool_free(p);
}

static void
pool_acquire__no_fresh_slot__takes_oldest_release(void **state)
{
    struct pool *p = pool_new(POOL_SINGLE, IP(10, 0, 0, 1), IP(10, 0, 0, 3), NULL, 0, false);
    (void) state;

    assert_int_equal(pool_acquire(p, "a", 1), 0);
    assert_int_equal(pool_acquire(p, "b", 1), 1);
    assert_int_equal(pool_acquire(p, "c", 1), 2);
    pool_release(p, 2, 50);
    pool_release(p, 0, 60);
    pool_release(p, 1, 55);
    assert_int_equal(pool_acquire(p, "x", 70), 2);
    assert_int_equal(pool_acquire(p, "y", 70), 1);
    assert_int_equal(pool_acquire(p, "z", 70), 0);
    pool_free(p);
}

static void
pool_acquire__duplicate_cn__ignores_names(void **state)
{
    struct pool *p = net30_pool(true);
    (void) state;

    assert_int_equal(pool_acquire(p, "same", 1), 0);
    assert_int_equal(pool_acquire(p, "same", 1), 1);
    pool_release(p, 1, 5);
    pool_release(p, 0, 6);
    assert_int_equal(pool_acquire(p, "other", 7), 0); /* first free, not oldest */
    pool_free(p);
}

static void
pool_acquire__full_pool__returns_minus_one(void **state)
{
    struct pool *p = pool_new(POOL_SINGLE, IP(10, 0, 0, 1), IP(10, 0, 0, 2), NULL, 0, false);
    (void) state;

    assert_int_equal(pool_acquire(p, "a", 1), 0);
    assert_int_equal(pool_acquire(p, "b", 1), 1);
    assert_int_equal(pool_acquire(p, "c", 1), -1);
    pool_release(p, 1, 2);
    assert_int_equal(pool_acquire(p, "c", 3), 1);
    pool_free(p);
}

static void
pool_new__bad_sizes__refused_with_2_6_lines(void **state)
{
    (void) state;

    mock_msg_reset();
    assert_null(pool_new(POOL_SINGLE, IP(10, 0, 0, 1), IP(10, 0, 0, 1), NULL, 0, false));
    assert_string_equal(mock_last_msg, "IPv4 pool size is too small (1), must be at least 2");
    assert_null(pool_new(POOL_SINGLE, IP(10, 0, 0, 9), IP(10, 0, 0, 1), NULL, 0, false));
    assert_string_equal(mock_last_msg,
                        "--ifconfig-pool start IP [10.0.0.9] is greater than end IP [10.0.0.1]");
    assert_null(pool_new(POOL_SINGLE, IP(10, 0, 0, 0), IP(10, 1, 0, 0), NULL, 0, false));
    assert_non_null(strstr(mock_last_msg, "range is too large"));
}

static void
pool_persist__save__writes_slot_base_as_2_6(void **state)
{
    struct pool *p = net30_pool(false);
    char text[512];
    (void) state;

    pool_acquire(p, "client1", 1);
    pool_release(p, pool_acquire(p, "client2", 1), 5); /* released slots are kept */
    write_file("");
    assert_true(pool_persist_save(p, tmpfile_path));
    read_file(text, sizeof(text));
    /* net30: the /30 base, not the client address 10.8.0.6 (2.6.14 wrote
     * "test-only-client,10.8.0.4," for its first client) */
    assert_string_equal(text, "client1,10.8.0.4,\nclient2,10.8.0.8,\n");
    unlink(tmpfile_path);
    pool_free(p);
}

/* Observed from 2.6.14: "server 10.8.0.0 255.255.255.0" + "topology subnet" +
 * "server-ipv6 2001:db8:1::/64", one client, file after shutdown. */
static void
pool_persist__reference_subnet_scenario__same_file_as_2_6(void **state)
{
    uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x10 };
    struct pool *p;
    char text[512];
    (void) state;

    mock_msg_reset();
    p = pool_new(POOL_SINGLE, IP(10, 8, 0, 2), IP(10, 8, 0, 254), base, 64, false);
    assert_int_equal(pool_acquire(p, "test-only-client", 1), 0);
    assert_non_null(strstr(mock_all_msgs, "IFCONFIG POOL IPv4: base=10.8.0.2 size=253"));
    assert_non_null(
      strstr(mock_all_msgs, "IFCONFIG POOL IPv6: base=2001:db8:1::1000 size=65536 netbits=64"));
    write_file("");
    assert_true(pool_persist_save(p, tmpfile_path));
    read_file(text, sizeof(text));
    assert_string_equal(text, "test-only-client,10.8.0.2,2001:db8:1::1000\n");
    unlink(tmpfile_path);
    pool_free(p);
}

static void
pool_persist__subnet_v6__round_trips(void **state)
{
    uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x10 };
    struct pool *p = pool_new(POOL_SINGLE, IP(192, 0, 2, 66), IP(192, 0, 2, 126), base, 64, false);
    struct pool *q = pool_new(POOL_SINGLE, IP(192, 0, 2, 66), IP(192, 0, 2, 126), base, 64, false);
    char text[512];
    (void) state;

    pool_acquire(p, "a", 1);
    pool_acquire(p, "b", 1);
    pool_acquire(p, "client1", 1);
    write_file("");
    assert_true(pool_persist_save(p, tmpfile_path));
    read_file(text, sizeof(text));
    assert_non_null(strstr(text, "client1,192.0.2.68,2001:db8::1002\n"));

    assert_true(pool_persist_load(q, tmpfile_path, false));
    assert_int_equal(pool_acquire(q, "stranger", 2), 3); /* reserved slots are avoided */
    assert_int_equal(pool_acquire(q, "client1", 2), 2);
    assert_int_equal(pool_acquire(q, "b", 2), 1);
    unlink(tmpfile_path);
    pool_free(p);
    pool_free(q);
}

static void
pool_persist__malformed_lines__skipped_with_reason(void **state)
{
    struct pool *p = net30_pool(false);
    (void) state;

    write_file("# comment\n"
               "; another\n"
               "\n"
               "nocomma\n"
               "bad,999.1.2.3,\n"
               "far,10.9.0.4,\n"
               "v6only,,2001:db8::1\n"
               "waytoolongcommonname"
               "0123456789012345678901234567890123456789"
               "0123456789012345678901234567890123456789012345678901234567890123456789,10.8.0.4\n"
               "good,10.8.0.14\n");
    mock_msg_reset();
    assert_true(pool_persist_load(p, tmpfile_path, false));
    assert_non_null(strstr(mock_all_msgs, "pool: invalid IPv4 (999.1.2.3) for CN=bad"));
    assert_non_null(strstr(mock_all_msgs, "pool: IPv4 (10.9.0.4) out of pool range for CN=far"));
    assert_non_null(strstr(mock_all_msgs, "succeeded -> ifconfig_pool_set(hand=2)"));
    assert_non_null(strstr(mock_all_msgs, "IFCONFIG POOL LIST\ngood,10.8.0.12,\n"));
    assert_null(strstr(mock_all_msgs, "comment"));
    assert_int_equal(pool_acquire(p, "good", 1), 2); /* any address inside the /30 counts */
    assert_int_equal(pool_acquire(p, "x", 1), 0);
    unlink(tmpfile_path);
    pool_free(p);
}

static void
pool_persist__fixed__only_owner_gets_slot(void **state)
{
    struct pool *p = pool_new(POOL_SINGLE, IP(10, 0, 0, 1), IP(10, 0, 0, 2), NULL, 0, false);
    (void) state;

    write_file("owner,10.0.0.1,\n");
    assert_true(pool_persist_load(p, tmpfile_path, true));
    assert_int_equal(pool_acquire(p, "x", 1), 1);
    assert_int_equal(pool_acquire(p, "y", 1), -1); /* slot 0 is fixed for "owner" */
    assert_int_equal(pool_acquire(p, "owner", 1), 0);
    unlink(tmpfile_path);
    pool_free(p);
}

static void
pool_persist__missing_file__returns_false(void **state)
{
    struct pool *p = net30_pool(false);
    (void) state;

    assert_false(pool_persist_load(p, "/nonexistent/dir/ipp.txt", false));
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_net30__first_two_clients__get_2_6_addresses),
        cmocka_unit_test(pool_net30__unaligned_start__rounds_down_to_slash30),
        cmocka_unit_test(pool_subnet__slots__are_consecutive_addresses),
        cmocka_unit_test(pool_v6__shares_slot_numbers__with_v4),
        cmocka_unit_test(pool_v6__zero_host_base__starts_at_one),
        cmocka_unit_test(pool_acquire__reconnecting_cn__gets_its_old_slot),
        cmocka_unit_test(pool_acquire__no_fresh_slot__takes_oldest_release),
        cmocka_unit_test(pool_acquire__duplicate_cn__ignores_names),
        cmocka_unit_test(pool_acquire__full_pool__returns_minus_one),
        cmocka_unit_test(pool_new__bad_sizes__refused_with_2_6_lines),
        cmocka_unit_test(pool_persist__save__writes_slot_base_as_2_6),
        cmocka_unit_test(pool_persist__reference_subnet_scenario__same_file_as_2_6),
        cmocka_unit_test(pool_persist__subnet_v6__round_trips),
        cmocka_unit_test(pool_persist__malformed_lines__skipped_with_reason),
        cmocka_unit_test(pool_persist__fixed__only_owner_gets_slot),
        cmocka_unit_test(pool_persist__missing_file__returns_false),
    };

    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
