/* SPDX-License-Identifier: GPL-2.0-only */
/* test_sockaddr.c -- 2.6-style address printing, resolution, equality. */
#include "test_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "sockaddr.h"

static struct link_addr
v4(const char *ip, unsigned int port)
{
    struct link_addr a;
    struct sockaddr_in *sin = (struct sockaddr_in *) &a.ss;

    memset(&a, 0, sizeof(a));
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t) port);
    assert_int_equal(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
    a.len = sizeof(*sin);
    return a;
}

static struct link_addr
v6(const char *ip, unsigned int port)
{
    struct link_addr a;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &a.ss;

    memset(&a, 0, sizeof(a));
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t) port);
    assert_int_equal(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
    a.len = sizeof(*sin6);
    return a;
}

static void
sockaddr_print__v4__shows_family_address_port(void **state)
{
    char buf[SOCKADDR_PRINT_MAX];
    struct link_addr a = v4("198.51.100.1", 1194);
    (void) state;

    assert_string_equal(sockaddr_print(&a, buf, sizeof(buf)), "[AF_INET]198.51.100.1:1194");
}

static void
sockaddr_print__v6__shows_family_address_port(void **state)
{
    char buf[SOCKADDR_PRINT_MAX];
    struct link_addr a = v6("2001:db8::1", 1194);
    (void) state;

    assert_string_equal(sockaddr_print(&a, buf, sizeof(buf)), "[AF_INET6]2001:db8::1:1194");
}

static void
sockaddr_print__wildcard_and_unset__use_undef_forms(void **state)
{
    char buf[SOCKADDR_PRINT_MAX];
    struct link_addr any4 = v4("0.0.0.0", 1194), any6 = v6("::", 41194), unset;
    (void) state;

    memset(&unset, 0, sizeof(unset));
    assert_string_equal(sockaddr_print(&any4, buf, sizeof(buf)), "[AF_INET][undef]:1194");
    assert_string_equal(sockaddr_print(&any6, buf, sizeof(buf)), "[AF_INET6][undef]:41194");
    assert_string_equal(sockaddr_print(&unset, buf, sizeof(buf)), "[AF_UNSPEC]");
}

static void
sockaddr_print__small_buffer__truncates_terminated(void **state)
{
    char buf[8];
    struct link_addr a = v4("198.51.100.1", 1194);
    (void) state;

    sockaddr_print(&a, buf, sizeof(buf));
    assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

static void
sockaddr_equal__same_and_different__compares_addr_and_port(void **state)
{
    struct link_addr a = v4("198.51.100.1", 1194), b = v4("198.51.100.1", 1194);
    struct link_addr other_port = v4("198.51.100.1", 1195), other_ip = v4("198.51.100.2", 1194);
    struct link_addr six = v6("::ffff:198.51.100.1", 1194), unset;
    (void) state;

    memset(&unset, 0, sizeof(unset));
    assert_true(sockaddr_equal(&a, &b));
    assert_false(sockaddr_equal(&a, &other_port));
    assert_true(sockaddr_equal_addr(&a, &other_port));
    assert_false(sockaddr_equal(&a, &other_ip));
    assert_false(sockaddr_equal_addr(&a, &other_ip));
    assert_false(sockaddr_equal(&a, &six)); /* families differ */
    assert_false(sockaddr_equal(&unset, &unset));
}

static void
sockaddr_equal__v6__compares_addr_and_port(void **state)
{
    struct link_addr a = v6("2001:db8::1", 1194), b = v6("2001:db8::1", 1194);
    struct link_addr c = v6("2001:db8::2", 1194), d = v6("2001:db8::1", 2);
    (void) state;

    assert_true(sockaddr_equal(&a, &b));
    assert_false(sockaddr_equal(&a, &c));
    assert_false(sockaddr_equal(&a, &d));
    assert_true(sockaddr_equal_addr(&a, &d));
}

static void
sockaddr_resolve__literals_and_wildcard__resolve(void **state)
{
    char buf[SOCKADDR_PRINT_MAX];
    struct link_addr a;
    (void) state;

    assert_true(sockaddr_resolve("198.51.100.7", "1194", AF_UNSPEC, SOCK_DGRAM, false, &a));
    assert_string_equal(sockaddr_print(&a, buf, sizeof(buf)), "[AF_INET]198.51.100.7:1194");
    assert_true(sockaddr_resolve("2001:db8::7", "443", AF_UNSPEC, SOCK_STREAM, false, &a));
    assert_string_equal(sockaddr_print(&a, buf, sizeof(buf)), "[AF_INET6]2001:db8::7:443");
    assert_true(sockaddr_resolve(NULL, "1194", AF_INET, SOCK_DGRAM, true, &a));
    assert_true(sockaddr_is_any(&a));
    assert_int_equal(sockaddr_port(&a), 1194);
}

static void
sockaddr_resolve__bad_name__logs_like_2_6(void **state)
{
    struct link_addr a;
    (void) state;

    mock_msg_reset();
    assert_false(sockaddr_resolve("nosuch.invalid", "1194", AF_UNSPEC, SOCK_DGRAM, false, &a));
    assert_non_null(
      strstr(mock_last_msg, "RESOLVE: Cannot resolve host address: nosuch.invalid:1194 ("));
    assert_int_equal(mock_fatal_count, 0);
}

static void
sockaddr_resolve__v4_literal_as_inet6__fails(void **state)
{
    struct link_addr a;
    (void) state;

    assert_false(sockaddr_resolve("198.51.100.7", "1194", AF_INET6, SOCK_DGRAM, false, &a));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sockaddr_print__v4__shows_family_address_port),
        cmocka_unit_test(sockaddr_print__v6__shows_family_address_port),
        cmocka_unit_test(sockaddr_print__wildcard_and_unset__use_undef_forms),
        cmocka_unit_test(sockaddr_print__small_buffer__truncates_terminated),
        cmocka_unit_test(sockaddr_equal__same_and_different__compares_addr_and_port),
        cmocka_unit_test(sockaddr_equal__v6__compares_addr_and_port),
        cmocka_unit_test(sockaddr_resolve__literals_and_wildcard__resolve),
        cmocka_unit_test(sockaddr_resolve__bad_name__logs_like_2_6),
        cmocka_unit_test(sockaddr_resolve__v4_literal_as_inet6__fails),
    };

    return cmocka_run_group_tests_name("sockaddr", tests, NULL, NULL);
}
