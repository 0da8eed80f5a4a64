/* SPDX-License-Identifier: GPL-2.0-only */
/* test_ssl_cookie.c -- stateless session-id cookies (doc/protocol.md §2.7). */
#include "test_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "crypto_backend.h"
#include "ssl_cookie.h"

static struct ssl_cookie_key key;
static struct sockaddr_in peer;
static const struct session_id csid = { { 1, 2, 3, 4, 5, 6, 7, 8 } };

#define NOW 1700000000
#define HW  60 /* default --hand-window: 30-second slots */

static int
setup(void **state)
{
    (void) state;
    memset(&key, 0x42, sizeof(key));
    memset(&peer, 0, sizeof(peer));
    peer.sin_family = AF_INET;
    peer.sin_port = htons(1194);
    peer.sin_addr.s_addr = htonl(0xC6336402); /* 198.51.100.2 */
    return 0;
}

static struct session_id
cookie_at(time_t t, const void *sa, size_t salen, const struct session_id *sid)
{
    struct session_id c;

    assert_true(ssl_cookie_compute(&key, ssl_cookie_slot(t, HW), sa, salen, sid, &c));
    return c;
}

static void
ssl_cookie_slot__default_window__thirty_seconds(void **state)
{
    (void) state;

    assert_int_equal(ssl_cookie_slot(0, 60), 0);
    assert_int_equal(ssl_cookie_slot(29, 60), 0);
    assert_int_equal(ssl_cookie_slot(30, 60), 1);
    assert_int_equal(ssl_cookie_slot(61, 61), 1); /* (61 + 1) / 2 = 31 */
    assert_int_equal(ssl_cookie_slot(5, 0), 5);   /* never divides by zero */
}

static void
ssl_cookie_compute__same_input__same_cookie_and_defined(void **state)
{
    struct session_id a = cookie_at(NOW, &peer, sizeof(peer), &csid);
    struct session_id b = cookie_at(NOW, &peer, sizeof(peer), &csid);
    (void) state;

    assert_true(session_id_equal(&a, &b));
    assert_true(session_id_defined(&a));
}

static void
ssl_cookie_check__slots_minus2_to_plus1__accepted(void **state)
{
    (void) state;

    for (int off = -2; off <= 1; off++)
    {
        struct session_id c = cookie_at(NOW + 30 * off, &peer, sizeof(peer), &csid);

        assert_true(ssl_cookie_check(&key, NOW, HW, &peer, sizeof(peer), &csid, &c));
    }
}

static void
ssl_cookie_check__slots_minus3_and_plus2__rejected(void **state)
{
    struct session_id old = cookie_at(NOW - 90, &peer, sizeof(peer), &csid);
    struct session_id future = cookie_at(NOW + 60, &peer, sizeof(peer), &csid);
    (void) state;

    assert_false(ssl_cookie_check(&key, NOW, HW, &peer, sizeof(peer), &csid, &old));
    assert_false(ssl_cookie_check(&key, NOW, HW, &peer, sizeof(peer), &csid, &future));
}

static void
ssl_cookie_check__other_address_port_or_sid__rejected(void **state)
{
    struct session_id c = cookie_at(NOW, &peer, sizeof(peer), &csid);
    struct sockaddr_in other = peer;
    struct session_id sid2 = csid;
    struct ssl_cookie_key key2;
    (void) state;

    other.sin_port = htons(1195);
    assert_false(ssl_cookie_check(&key, NOW, HW, &other, sizeof(other), &csid, &c));
    other = peer;
    other.sin_addr.s_addr = htonl(0xC6336403);
    assert_false(ssl_cookie_check(&key, NOW, HW, &other, sizeof(other), &csid, &c));
    sid2.id[7] ^= 1;
    assert_false(ssl_cookie_check(&key, NOW, HW, &peer, sizeof(peer), &sid2, &c));
    memset(&key2, 0x43, sizeof(key2));
    assert_false(ssl_cookie_check(&key2, NOW, HW, &peer, sizeof(peer), &csid, &c));
    c.id[0] ^= 0x80;
    assert_false(ssl_cookie_check(&key, NOW, HW, &peer, sizeof(peer), &csid, &c));
}

static void
ssl_cookie_ctx__matches_key_functions__and_checks_v6(void **state)
{
    struct ssl_cookie_ctx *ctx = ssl_cookie_ctx_new(&key);
    struct sockaddr_in6 p6;
    struct session_id a, b;
    (void) state;

    assert_non_null(ctx);
    memset(&p6, 0, sizeof(p6));
    p6.sin6_family = AF_INET6;
    p6.sin6_port = htons(1194);
    inet_pton(AF_INET6, "2001:db8::2", &p6.sin6_addr);
    assert_true(ssl_cookie_ctx_compute(ctx, 77, &p6, sizeof(p6), &csid, &a));
    assert_true(ssl_cookie_compute(&key, 77, &p6, sizeof(p6), &csid, &b));
    assert_true(session_id_equal(&a, &b));
    assert_true(ssl_cookie_ctx_check(ctx, 77 * 30 + 5, HW, &p6, sizeof(p6), &csid, &a));
    assert_false(ssl_cookie_ctx_check(ctx, 80 * 30, HW, &p6, sizeof(p6), &csid, &a));
    ssl_cookie_ctx_free(ctx);
}

static void
ssl_cookie_key_init__twice__keys_differ(void **state)
{
    struct ssl_cookie_key a, b;
    (void) state;

    assert_true(ssl_cookie_key_init(&a));
    assert_true(ssl_cookie_key_init(&b));
    assert_memory_not_equal(a.key, b.key, sizeof(a.key));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ssl_cookie_slot__default_window__thirty_seconds),
        cmocka_unit_test(ssl_cookie_compute__same_input__same_cookie_and_defined),
        cmocka_unit_test(ssl_cookie_check__slots_minus2_to_plus1__accepted),
        cmocka_unit_test(ssl_cookie_check__slots_minus3_and_plus2__rejected),
        cmocka_unit_test(ssl_cookie_check__other_address_port_or_sid__rejected),
        cmocka_unit_test(ssl_cookie_ctx__matches_key_functions__and_checks_v6),
        cmocka_unit_test(ssl_cookie_key_init__twice__keys_differ),
    };

    crypto_init_library();
    return cmocka_run_group_tests_name("ssl_cookie", tests, setup, NULL);
}
