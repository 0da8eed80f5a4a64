/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_route.c -- the pure part of route.c: netmask/prefix math, --route
 * and --route-ipv6 argument resolution (keywords, defaults, bad input with
 * its error text), the route list, and truncation sweeps over the parsers.
 * Nothing here touches the system's routing table.
 */
#include "test_common.h"

#include <arpa/inet.h>

#include "route.h"
#include "tun.h"

static struct in_addr
v4(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static struct in6_addr
v6(const char *s)
{
    struct in6_addr a;

    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

/* tun p2p client: vpn_gateway known, net_gateway and remote_host known. */
static struct route_env
full_env(void)
{
    struct route_env env;

    memset(&env, 0, sizeof(env));
    env.have_vpn_gateway = true;
    env.vpn_gateway = v4("10.9.0.2");
    env.have_net_gateway = true;
    env.net_gateway = v4("198.51.100.1");
    env.have_remote_host = true;
    env.remote_host = v4("203.0.113.7");
    env.have_vpn_gateway6 = true;
    env.vpn_gateway6 = v6("2001:db8::2");
    env.default_metric = -1;
    env.ifname = "tun0";
    return env;
}

static void
netmask_to_prefix__contiguous_masks__give_length(void **state)
{
    int bits = -5;
    (void) state;

    assert_true(route_netmask_to_prefix(v4("255.255.255.0"), &bits));
    assert_int_equal(bits, 24);
    assert_true(route_netmask_to_prefix(v4("0.0.0.0"), &bits));
    assert_int_equal(bits, 0);
    assert_true(route_netmask_to_prefix(v4("255.255.255.255"), &bits));
    assert_int_equal(bits, 32);
    assert_true(route_netmask_to_prefix(v4("255.255.255.252"), &bits));
    assert_int_equal(bits, 30);
    assert_true(route_netmask_to_prefix(v4("128.0.0.0"), &bits));
    assert_int_equal(bits, 1);
}

static void
netmask_to_prefix__holes__rejected(void **state)
{
    int bits = 77;
    (void) state;

    assert_false(route_netmask_to_prefix(v4("255.0.255.0"), &bits));
    assert_false(route_netmask_to_prefix(v4("0.255.255.255"), &bits));
    assert_false(route_netmask_to_prefix(v4("255.255.255.253"), &bits));
    assert_false(route_netmask_to_prefix(v4("10.9.0.2"), &bits));
    assert_int_equal(bits, 77); /* untouched on failure */
}

static void
prefix_to_netmask__every_length__round_trips(void **state)
{
    int p, back;
    (void) state;

    for (p = 0; p <= 32; p++)
    {
        assert_true(route_netmask_to_prefix(route_prefix_to_netmask(p), &back));
        assert_int_equal(back, p);
    }
    assert_int_equal(route_prefix_to_netmask(16).s_addr, v4("255.255.0.0").s_addr);
}

static void
parse_v4__network_and_mask__uses_vpn_gateway(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_true(route_parse_v4("10.10.0.0", "255.255.0.0", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_int_equal(r.net.s_addr, v4("10.10.0.0").s_addr);
    assert_int_equal(r.prefixlen, 16);
    assert_int_equal(r.gw.s_addr, v4("10.9.0.2").s_addr);
    assert_int_equal(r.metric, -1);
    assert_false(r.added);
}

static void
parse_v4__no_netmask__is_host_route(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_true(
      route_parse_v4("10.10.3.4", NULL, "default", "default", &env, &r, err, sizeof(err)));
    assert_int_equal(r.prefixlen, 32);
    assert_true(route_parse_v4("10.10.3.4", "default", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_int_equal(r.prefixlen, 32);
}

static void
parse_v4__keywords__resolve_from_env(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_true(route_parse_v4(
      "remote_host", "255.255.255.255", "net_gateway", NULL, &env, &r, err, sizeof(err)));
    assert_int_equal(r.net.s_addr, v4("203.0.113.7").s_addr);
    assert_int_equal(r.gw.s_addr, v4("198.51.100.1").s_addr);
    assert_int_equal(r.prefixlen, 32);

    assert_true(
      route_parse_v4("10.11.0.0", "255.255.255.0", "vpn_gateway", "5", &env, &r, err, sizeof(err)));
    assert_int_equal(r.gw.s_addr, v4("10.9.0.2").s_addr);
    assert_int_equal(r.metric, 5);
}

static void
parse_v4__keyword_without_value__fails_naming_it(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    env.have_net_gateway = false;
    assert_false(route_parse_v4(
      "10.11.0.0", "255.255.255.0", "net_gateway", NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "net_gateway undefined");

    env.have_remote_host = false;
    assert_false(route_parse_v4("remote_host", NULL, NULL, NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "remote_host undefined");
}

static void
parse_v4__no_gateway_anywhere__fails_with_2_6_text(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    env.have_vpn_gateway = false;
    assert_false(
      route_parse_v4("10.12.0.0", "255.255.0.0", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err,
                        "OpenVPN needs a gateway parameter for a --route option and no "
                        "default was specified by either --route-gateway or --ifconfig "
                        "options");

    mock_msg_reset();
    route_log_parse_error("10.12.0.0", err);
    assert_non_null(strstr(mock_all_msgs, "OpenVPN ROUTE: OpenVPN needs a gateway parameter"));
    assert_string_equal(mock_last_msg,
                        "OpenVPN ROUTE: failed to parse/resolve route for host/network: "
                        "10.12.0.0");
}

static void
parse_v4__host_bits_set__rejected(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_false(
      route_parse_v4("10.12.0.1", "255.255.0.0", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_non_null(strstr(err, "10.12.0.1"));
    assert_non_null(strstr(err, "host bits set"));
}

static void
parse_v4__bad_netmask__rejected(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_false(
      route_parse_v4("10.12.0.0", "255.0.255.0", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err,
                        "route netmask 255.0.255.0 for network 10.12.0.0 is not a valid netmask");
    assert_false(route_parse_v4("10.12.0.0", "bogus", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "route netmask 'bogus' is not a valid address");
}

static void
parse_v4__bad_metric__rejected(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_false(
      route_parse_v4("10.12.0.0", "255.255.0.0", NULL, "-1", &env, &r, err, sizeof(err)));
    assert_string_equal(err, "route metric for network 10.12.0.0 (-1) must be >= 0");
    assert_false(
      route_parse_v4("10.12.0.0", "255.255.0.0", NULL, "7x", &env, &r, err, sizeof(err)));
    assert_false(
      route_parse_v4("10.12.0.0", "255.255.0.0", NULL, "99999999999", &env, &r, err, sizeof(err)));
}

static void
parse_v4__default_metric__from_env_unless_given(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    env.default_metric = 42;
    assert_true(route_parse_v4("10.12.0.0", "255.255.0.0", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_int_equal(r.metric, 42);
    assert_true(route_parse_v4("10.12.0.0", "255.255.0.0", NULL, "0", &env, &r, err, sizeof(err)));
    assert_int_equal(r.metric, 0);
}

static void
parse_v4__names__resolve_or_fail(void **state)
{
    struct route_env env = full_env();
    struct route4 r;
    char err[256];
    (void) state;

    assert_true(route_parse_v4("localhost", NULL, "10.9.0.9", NULL, &env, &r, err, sizeof(err)));
    assert_int_equal(r.net.s_addr, v4("127.0.0.1").s_addr);
    assert_int_equal(r.gw.s_addr, v4("10.9.0.9").s_addr);

    assert_false(route_parse_v4("nonexist.invalid", NULL, NULL, NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "failed to parse/resolve route for host/network: nonexist.invalid");
    assert_false(route_parse_v4(
      "10.12.0.0", "255.255.0.0", "bogus.invalid", NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "failed to parse/resolve route gateway: bogus.invalid");
    assert_false(route_parse_v4("", NULL, NULL, NULL, &env, &r, err, sizeof(err)));
    assert_false(route_parse_v4(NULL, NULL, NULL, NULL, &env, &r, err, sizeof(err)));
}

static void
parse_v6__prefix_gateway_metric__parsed(void **state)
{
    struct route_env env = full_env();
    struct route6 r;
    struct in6_addr want = v6("2001:db8:5::");
    struct in6_addr gw = v6("2001:db8::99");
    char err[256];
    (void) state;

    assert_true(route_parse_v6("2001:db8:5::/48", "2001:db8::99", "7", &env, &r, err, sizeof(err)));
    assert_memory_equal(&r.net, &want, 16);
    assert_int_equal(r.prefixlen, 48);
    assert_true(r.have_gw);
    assert_memory_equal(&r.gw, &gw, 16);
    assert_int_equal(r.metric, 7);
}

static void
parse_v6__defaults__128_and_vpn_gateway6(void **state)
{
    struct route_env env = full_env();
    struct route6 r;
    struct in6_addr gw = v6("2001:db8::2");
    char err[256];
    (void) state;

    assert_true(route_parse_v6("2001:db8:5::1", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_int_equal(r.prefixlen, 128);
    assert_true(r.have_gw);
    assert_memory_equal(&r.gw, &gw, 16);

    env.have_vpn_gateway6 = false;
    assert_true(route_parse_v6("2001:db8:5::/64", "default", NULL, &env, &r, err, sizeof(err)));
    assert_false(r.have_gw);
}

static void
parse_v6__host_bits__cleared_like_2_6(void **state)
{
    struct route_env env = full_env();
    struct route6 r;
    struct in6_addr want = v6("2001:db8:7::");
    struct in6_addr want2 = v6("2001:db8:7:8000::");
    char err[256];
    (void) state;

    assert_true(route_parse_v6("2001:db8:7::1/48", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_memory_equal(&r.net, &want, 16);
    assert_true(route_parse_v6("2001:db8:7:ffff::1/49", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_memory_equal(&r.net, &want2, 16);
}

static void
parse_v6__bad_input__rejected_with_text(void **state)
{
    struct route_env env = full_env();
    struct route6 r;
    char err[256];
    (void) state;

    assert_false(route_parse_v6("2001:db8:7::/129", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "failed to parse/resolve route for host/network: 2001:db8:7::/129");
    assert_false(route_parse_v6("2001:db8:7::/", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_false(route_parse_v6("2001:db8:7::/-1", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_false(route_parse_v6("10.0.0.0/8", NULL, NULL, &env, &r, err, sizeof(err)));
    assert_false(route_parse_v6("2001:db8:7::/48", "zz", NULL, &env, &r, err, sizeof(err)));
    assert_string_equal(err, "cannot parse gateway spec 'zz'");
    assert_false(route_parse_v6("2001:db8:7::/48", NULL, "-3", &env, &r, err, sizeof(err)));
    assert_false(route_parse_v6(NULL, NULL, NULL, &env, &r, err, sizeof(err)));
}

/* Every prefix of a valid argument: no crash, and a failure always says why. */
static void
parsers__truncation_sweep__fail_cleanly(void **state)
{
    static const char *net = "10.10.0.0";
    static const char *mask = "255.255.0.0";
    static const char *pfx = "2001:db8:5::/48";
    struct route_env env = full_env();
    struct route4 r4;
    struct route6 r6;
    char buf[64], err[256];
    size_t k;
    (void) state;

    for (k = 0; k < strlen(mask); k++)
    {
        memcpy(buf, mask, k);
        buf[k] = '\0';
        strcpy(err, "");
        /* "" means "no netmask" (/32), which 10.10.0.0 satisfies; every other cut is invalid */
        assert_int_equal(route_parse_v4(net, buf, NULL, NULL, &env, &r4, err, sizeof(err)), k == 0);
        if (k > 0)
        {
            assert_true(strlen(err) > 0);
        }
    }
    for (k = 0; k <= strlen(net); k++)
    {
        memcpy(buf, net, k);
        buf[k] = '\0';
        if (!route_parse_v4(buf, mask, NULL, NULL, &env, &r4, err, sizeof(err)))
        {
            assert_true(strlen(err) > 0);
        }
        else
        {
            assert_int_equal(r4.net.s_addr & ~route_prefix_to_netmask(16).s_addr, 0);
        }
    }
    for (k = 0; k <= strlen(pfx); k++)
    {
        memcpy(buf, pfx, k);
        buf[k] = '\0';
        if (!route_parse_v6(buf, NULL, NULL, &env, &r6, err, sizeof(err)))
        {
            assert_true(strlen(err) > 0);
        }
        else
        {
            assert_true(r6.prefixlen >= 0 && r6.prefixlen <= 128);
        }
    }
    /* a cut inside the address part never parses */
    assert_false(route_parse_v6("2001:db8:5:", NULL, NULL, &env, &r6, err, sizeof(err)));
    assert_false(route_parse_v6("2001:db8:5::/", NULL, NULL, &env, &r6, err, sizeof(err)));
}

static void
route_list__add_many__grows_and_frees(void **state)
{
    struct route_list rl;
    struct route4 r4;
    struct route6 r6;
    int i;
    (void) state;

    memset(&rl, 0, sizeof(rl));
    memset(&r4, 0, sizeof(r4));
    memset(&r6, 0, sizeof(r6));
    for (i = 0; i < 100; i++)
    {
        r4.prefixlen = i % 33;
        r4.added = true; /* the list resets this: nothing is installed yet */
        assert_true(route_list_add(&rl, &r4, NULL));
    }
    assert_true(route_list_add(&rl, NULL, &r6));
    assert_false(route_list_add(&rl, NULL, NULL));
    assert_false(route_list_add(&rl, &r4, &r6));
    assert_int_equal(rl.n4, 100);
    assert_int_equal(rl.n6, 1);
    assert_int_equal(rl.r4[99].prefixlen, 99 % 33);
    assert_false(rl.r4[5].added);
    route_list_free(&rl);
    assert_int_equal(rl.n4, 0);
    assert_null(rl.r4);
    route_list_free(&rl); /* twice is harmless */
}

static void
dev_type__names__classified(void **state)
{
    (void) state;

    assert_int_equal(tun_dev_type("tun", NULL), DEV_TYPE_TUN);
    assert_int_equal(tun_dev_type("tun3", NULL), DEV_TYPE_TUN);
    assert_int_equal(tun_dev_type("tap0", NULL), DEV_TYPE_TAP);
    assert_int_equal(tun_dev_type("null", NULL), DEV_TYPE_NULL);
    assert_int_equal(tun_dev_type("foo", NULL), DEV_TYPE_UNDEF);
    assert_int_equal(tun_dev_type("foo", "tap"), DEV_TYPE_TAP);
    assert_int_equal(tun_dev_type("tun5", "tap"), DEV_TYPE_TAP);
    assert_int_equal(tun_dev_type("tun5", "bogus"), DEV_TYPE_UNDEF);
    assert_int_equal(tun_dev_type(NULL, NULL), DEV_TYPE_UNDEF);
    assert_string_equal(dev_type_string(DEV_TYPE_TUN), "tun");
    assert_string_equal(dev_type_string(DEV_TYPE_TAP), "tap");
    assert_string_equal(dev_type_string(DEV_TYPE_NULL), "null");
}

static void
ifconfig_validate__good_configs__pass(void **state)
{
    struct ifconfig_config p2p = { .local = "10.9.0.1", .remote_netmask = "10.9.0.2" };
    struct ifconfig_config sub = { .local = "10.9.0.1",
                                   .remote_netmask = "255.255.255.0",
                                   .subnet = true };
    struct ifconfig_config six = { .ipv6_local = "2001:db8::1/64", .ipv6_remote = "2001:db8::2" };
    char err[512];
    (void) state;

    assert_true(ifconfig_validate(DEV_TYPE_TUN, &p2p, err, sizeof(err)));
    assert_true(ifconfig_validate(DEV_TYPE_TUN, &sub, err, sizeof(err)));
    sub.subnet = false;
    assert_true(ifconfig_validate(DEV_TYPE_TAP, &sub, err, sizeof(err)));
    assert_true(ifconfig_validate(DEV_TYPE_TUN, &six, err, sizeof(err)));
    six.ipv6_local = "2001:db8::1";
    assert_true(ifconfig_validate(DEV_TYPE_TUN, &six, err, sizeof(err)));
}

static void
ifconfig_validate__bad_configs__fail_with_2_6_text(void **state)
{
    struct ifconfig_config ic = { .local = "10.9.0.1", .remote_netmask = "10.9.0.1" };
    struct ifconfig_config six = { .ipv6_local = "2001:db8::1/130" };
    char err[512];
    (void) state;

    assert_false(ifconfig_validate(DEV_TYPE_TUN, &ic, err, sizeof(err)));
    assert_string_equal(err, "local and remote/netmask --ifconfig addresses must be different");
    ic.remote_netmask = "bogus";
    assert_false(ifconfig_validate(DEV_TYPE_TUN, &ic, err, sizeof(err)));
    assert_string_equal(err, "ifconfig parms '10.9.0.1' and 'bogus' must be valid addresses");
    ic.remote_netmask = "255.0.255.0";
    ic.subnet = true;
    assert_false(ifconfig_validate(DEV_TYPE_TUN, &ic, err, sizeof(err)));
    assert_false(ifconfig_validate(DEV_TYPE_TUN, &six, err, sizeof(err)));
    assert_string_equal(err, "IP prefix '2001:db8::1/130': invalid '/bits' spec (130)");
    six.ipv6_local = "2001:db8::1/64";
    six.ipv6_remote = "zz";
    assert_false(ifconfig_validate(DEV_TYPE_TUN, &six, err, sizeof(err)));
    assert_string_equal(err,
                        "ifconfig-ipv6 parms '2001:db8::1/64' and 'zz' must be valid "
                        "addresses");
    ic.remote_netmask = "10.9.0.2";
    assert_false(ifconfig_validate(DEV_TYPE_UNDEF, &ic, err, sizeof(err)));
    assert_string_equal(err, "--ifconfig needs a tun or tap device, not [unknown-dev-type]");
}

/* 2.6 takes addresses for --dev null (pushed to a client with --ifconfig-noexec),
 * checking them as for a tap */
static void
ifconfig_validate__dev_null__accepted_checked_as_tap(void **state)
{
    struct ifconfig_config ic = { .local = "10.8.0.2", .remote_netmask = "255.255.255.0",
                                  .subnet = true };
    char err[512];
    (void) state;

    mock_msg_reset();
    assert_true(ifconfig_validate(DEV_TYPE_NULL, &ic, err, sizeof(err)));
    assert_string_equal(mock_all_msgs, "");
    ic.remote_netmask = "10.8.0.1";
    ic.subnet = false;
    assert_true(ifconfig_validate(DEV_TYPE_NULL, &ic, err, sizeof(err)));
    assert_non_null(strstr(mock_last_msg, "WARNING: Since you are using --dev tap"));
}

static void
ifconfig_validate__netmask_lookalikes__warn_only(void **state)
{
    struct ifconfig_config ic = { .local = "10.9.0.1", .remote_netmask = "255.255.255.0" };
    char err[512];
    (void) state;

    mock_msg_reset();
    assert_true(ifconfig_validate(DEV_TYPE_TUN, &ic, err, sizeof(err)));
    assert_non_null(strstr(mock_last_msg,
                           "WARNING: Since you are using --dev tun with a "
                           "point-to-point topology"));
    mock_msg_reset();
    ic.remote_netmask = "10.9.0.2";
    assert_true(ifconfig_validate(DEV_TYPE_TAP, &ic, err, sizeof(err)));
    assert_non_null(strstr(mock_last_msg, "WARNING: Since you are using --dev tap"));
    mock_msg_reset();
    ic.nowarn = true;
    assert_true(ifconfig_validate(DEV_TYPE_TAP, &ic, err, sizeof(err)));
    assert_string_equal(mock_all_msgs, "");
}

static void
ipv6_prefix__forms__parsed(void **state)
{
    struct in6_addr a;
    int bits = 0;
    (void) state;

    assert_true(tun_parse_ipv6_prefix("2001:db8::1/64", &a, &bits));
    assert_int_equal(bits, 64);
    assert_true(tun_parse_ipv6_prefix("2001:db8::1", &a, &bits));
    assert_int_equal(bits, 64);
    assert_true(tun_parse_ipv6_prefix("2001:db8::1/127", &a, &bits));
    assert_int_equal(bits, 127);
    assert_false(tun_parse_ipv6_prefix("2001:db8::1/", &a, &bits));
    assert_false(tun_parse_ipv6_prefix("2001:db8::1/200", &a, &bits));
    assert_false(tun_parse_ipv6_prefix("10.9.0.1/24", &a, &bits));
    assert_false(tun_parse_ipv6_prefix(NULL, &a, &bits));
}

static bool
has_route4(const struct route_list *rl, const char *net, int prefix, const char *gw)
{
    for (int i = 0; i < rl->n4; i++)
    {
        if (rl->r4[i].net.s_addr == v4(net).s_addr && rl->r4[i].prefixlen == prefix &&
            rl->r4[i].gw.s_addr == v4(gw).s_addr)
        {
            return true;
        }
    }
    return false;
}

/*
 * redirect-gateway def1 block-local (2.6): the gateway interface's network
 * 198.51.100.0/24 goes through the tunnel as two /25s, the gateway keeps a
 * host route; not when the server itself is on that network.
 */
static void
redirect__block_local__splits_local_net_unless_server_is_local(void **state)
{
    struct route_env env = full_env();
    struct route_redirect rr = { .ipv4 = true, .block_local = true };
    struct route_list rl;
    (void) state;

    env.gw_if_addrs[0] = v4("198.51.100.20");
    env.gw_if_prefixes[0] = 24;
    env.n_gw_if_addrs = 1;
    memset(&rl, 0, sizeof(rl));
    route_add_redirect(&rl, &env, &rr);
    assert_true(has_route4(&rl, "0.0.0.0", 1, "10.9.0.2"));
    assert_true(has_route4(&rl, "128.0.0.0", 1, "10.9.0.2"));
    assert_true(has_route4(&rl, "203.0.113.7", 32, "198.51.100.1"));
    assert_true(has_route4(&rl, "198.51.100.0", 25, "10.9.0.2"));
    assert_true(has_route4(&rl, "198.51.100.128", 25, "10.9.0.2"));
    assert_true(has_route4(&rl, "198.51.100.1", 32, "198.51.100.1"));
    assert_int_equal(rl.n4, 6);
    route_list_free(&rl);

    env.remote_host = v4("198.51.100.77"); /* the server on the local network */
    memset(&rl, 0, sizeof(rl));
    route_add_redirect(&rl, &env, &rr);
    assert_false(has_route4(&rl, "198.51.100.0", 25, "10.9.0.2"));
    assert_int_equal(rl.n4, 3);
    route_list_free(&rl);

    /* two networks on the interface: only the gateway's is blocked, even
     * when the server sits on the other one */
    env.gw_if_addrs[1] = v4("203.0.113.50");
    env.gw_if_prefixes[1] = 24;
    env.n_gw_if_addrs = 2;
    env.net_gateway = v4("203.0.113.1");
    memset(&rl, 0, sizeof(rl));
    route_add_redirect(&rl, &env, &rr);
    assert_true(has_route4(&rl, "203.0.113.0", 25, "10.9.0.2"));
    assert_true(has_route4(&rl, "203.0.113.128", 25, "10.9.0.2"));
    assert_true(has_route4(&rl, "203.0.113.1", 32, "203.0.113.1"));
    assert_false(has_route4(&rl, "198.51.100.0", 25, "10.9.0.2"));
    route_list_free(&rl);
}

/*
 * redirect-gateway ipv6 over an IPv6 transport (2.6): a remote inside one of
 * the four redirect networks gets a /128 host route on the old device with
 * metric 1 (on-link: no gateway); a remote outside all of them gets none.
 */
static void
redirect6__remote_covered__host_route_on_old_device(void **state)
{
    struct route_env env = full_env();
    struct route_redirect rr = { .ipv6 = true };
    struct route_list rl;
    (void) state;

    env.have_remote_host6 = true;
    inet_pton(AF_INET6, "2001:db8:100::1", &env.remote_host6);
    env.have_net_gateway6 = true;
    env.net_gateway6_onlink = true;
    snprintf(env.net_gateway6_dev, sizeof(env.net_gateway6_dev), "veth0");
    memset(&rl, 0, sizeof(rl));
    route_add_redirect(&rl, &env, &rr);
    assert_int_equal(rl.n6, 5);
    assert_int_equal(rl.r6[0].prefixlen, 128);
    assert_memory_equal(&rl.r6[0].net, &env.remote_host6, 16);
    assert_false(rl.r6[0].have_gw);
    assert_int_equal(rl.r6[0].metric, 1);
    assert_string_equal(rl.r6[0].dev, "veth0");
    assert_string_equal(rl.r6[1].dev, ""); /* the redirect routes use the tunnel */
    route_list_free(&rl);

    env.net_gateway6_onlink = false; /* behind a router: via it */
    inet_pton(AF_INET6, "2001:db8:100::fe", &env.net_gateway6);
    memset(&rl, 0, sizeof(rl));
    route_add_redirect(&rl, &env, &rr);
    assert_true(rl.r6[0].have_gw);
    assert_memory_equal(&rl.r6[0].gw, &env.net_gateway6, 16);
    route_list_free(&rl);

    inet_pton(AF_INET6, "4000::1", &env.remote_host6); /* outside ::/3 2000::/4 3000::/4 fc00::/7 */
    memset(&rl, 0, sizeof(rl));
    route_add_redirect(&rl, &env, &rr);
    assert_int_equal(rl.n6, 4);
    route_list_free(&rl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(redirect__block_local__splits_local_net_unless_server_is_local),
        cmocka_unit_test(redirect6__remote_covered__host_route_on_old_device),
        cmocka_unit_test(netmask_to_prefix__contiguous_masks__give_length),
        cmocka_unit_test(netmask_to_prefix__holes__rejected),
        cmocka_unit_test(prefix_to_netmask__every_length__round_trips),
        cmocka_unit_test(parse_v4__network_and_mask__uses_vpn_gateway),
        cmocka_unit_test(parse_v4__no_netmask__is_host_route),
        cmocka_unit_test(parse_v4__keywords__resolve_from_env),
        cmocka_unit_test(parse_v4__keyword_without_value__fails_naming_it),
        cmocka_unit_test(parse_v4__no_gateway_anywhere__fails_with_2_6_text),
        cmocka_unit_test(parse_v4__host_bits_set__rejected),
        cmocka_unit_test(parse_v4__bad_netmask__rejected),
        cmocka_unit_test(parse_v4__bad_metric__rejected),
        cmocka_unit_test(parse_v4__default_metric__from_env_unless_given),
        cmocka_unit_test(parse_v4__names__resolve_or_fail),
        cmocka_unit_test(parse_v6__prefix_gateway_metric__parsed),
        cmocka_unit_test(parse_v6__defaults__128_and_vpn_gateway6),
        cmocka_unit_test(parse_v6__host_bits__cleared_like_2_6),
        cmocka_unit_test(parse_v6__bad_input__rejected_with_text),
        cmocka_unit_test(parsers__truncation_sweep__fail_cleanly),
        cmocka_unit_test(route_list__add_many__grows_and_frees),
        cmocka_unit_test(dev_type__names__classified),
        cmocka_unit_test(ifconfig_validate__good_configs__pass),
        cmocka_unit_test(ifconfig_validate__bad_configs__fail_with_2_6_text),
        cmocka_unit_test(ifconfig_validate__dev_null__accepted_checked_as_tap),
        cmocka_unit_test(ifconfig_validate__netmask_lookalikes__warn_only),
        cmocka_unit_test(ipv6_prefix__forms__parsed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
