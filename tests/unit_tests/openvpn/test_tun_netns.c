/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_tun_netns.c -- tun.c, sitnl.c and route.c against the real kernel,
 * inside a private network namespace made by unshare(CLONE_NEWNET) before
 * any test runs: the namespace (and every device, address and route made
 * here) dies with the process, so nothing leaks to the host.  Skips (exit
 * 77) when not root or without /dev/net/tun.
 *
 * Results are read back over rtnetlink with libnl caches, never by parsing
 * `ip` output.  Addresses: 10.x inside the tunnel, 2001:db8::/32 for IPv6.
 */
#define _GNU_SOURCE
#include "test_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "route.h"
#include "sitnl.h"
#include "tun.h"

/* ---- read-back helpers (test only: libnl caches) ---- */

static struct nl_sock *
nl_open(void)
{
    struct nl_sock *sk = nl_socket_alloc();

    assert_non_null(sk);
    assert_int_equal(nl_connect(sk, NETLINK_ROUTE), 0);
    return sk;
}

struct link_info
{
    bool exists;
    unsigned int mtu;
    unsigned int txqlen;
    unsigned int flags;
    unsigned int arptype;
};

static struct link_info
link_read(const char *name)
{
    struct nl_sock *sk = nl_open();
    struct rtnl_link *l = NULL;
    struct link_info li = { 0 };

    if (rtnl_link_get_kernel(sk, 0, name, &l) >= 0)
    {
        li.exists = true;
        li.mtu = rtnl_link_get_mtu(l);
        li.txqlen = rtnl_link_get_txqlen(l);
        li.flags = rtnl_link_get_flags(l);
        li.arptype = rtnl_link_get_arptype(l);
        rtnl_link_put(l);
    }
    nl_socket_free(sk);
    return li;
}

static bool
nladdr_is(struct nl_addr *a, int family, const char *text)
{
    uint8_t want[16];

    if (!a || !text)
    {
        return a == NULL && text == NULL;
    }
    assert_int_equal(inet_pton(family, text, want), 1);
    return nl_addr_get_family(a) == family &&
           nl_addr_get_len(a) == (family == AF_INET ? 4u : 16u) &&
           memcmp(nl_addr_get_binary_addr(a), want, nl_addr_get_len(a)) == 0;
}

/** True if @p ifname carries @p local/@p prefixlen (and @p peer, when given). */
static bool
addr_present(const char *ifname, int family, const char *local, int prefixlen, const char *peer)
{
    struct nl_sock *sk = nl_open();
    struct nl_cache *cache = NULL;
    struct nl_object *o;
    int ifindex = (int) if_nametoindex(ifname);
    bool found = false;

    assert_int_equal(rtnl_addr_alloc_cache(sk, &cache), 0);
    for (o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o))
    {
        struct rtnl_addr *a = (struct rtnl_addr *) o;

        if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != family ||
            rtnl_addr_get_prefixlen(a) != prefixlen ||
            !nladdr_is(rtnl_addr_get_local(a), family, local))
        {
            continue;
        }
        found = !peer || nladdr_is(rtnl_addr_get_peer(a), family, peer);
    }
    nl_cache_free(cache);
    nl_socket_free(sk);
    return found;
}

/** True if the main table has @p dst/@p prefixlen (via @p gw if non-NULL, metric if >= 0). */
static bool
route_present(int family, const char *dst, int prefixlen, const char *gw, int metric)
{
    struct nl_sock *sk = nl_open();
    struct nl_cache *cache = NULL;
    struct nl_object *o;
    bool found = false;

    assert_int_equal(rtnl_route_alloc_cache(sk, family, 0, &cache), 0);
    for (o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o))
    {
        struct rtnl_route *r = (struct rtnl_route *) o;
        struct nl_addr *d = rtnl_route_get_dst(r);

        if (rtnl_route_get_table(r) != RT_TABLE_MAIN || !d ||
            (int) nl_addr_get_prefixlen(d) != prefixlen || !nladdr_is(d, family, dst))
        {
            continue;
        }
        if (metric >= 0 && rtnl_route_get_priority(r) != (uint32_t) metric)
        {
            continue;
        }
        if (gw)
        {
            struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);

            if (!nh || !nladdr_is(rtnl_route_nh_get_gateway(nh), family, gw))
            {
                continue;
            }
        }
        found = true;
    }
    nl_cache_free(cache);
    nl_socket_free(sk);
    return found;
}

static struct in_addr
v4(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static void
open_dev(struct tuntap *tt, const char *dev, enum dev_type type, int txqlen)
{
    struct tun_config cfg = { .dev = dev, .type = type, .mtu = 1500, .txqueuelen = txqlen };

    mock_msg_reset();
    assert_true(tun_open(tt, &cfg));
    assert_true(tt->fd >= 0);
    assert_true(tt->ifindex > 0);
    assert_int_equal(tt->ifindex, (int) if_nametoindex(tt->name));
}

/* ---- tests ---- */

static void
tun_open__auto_name__kernel_picks_unit_and_close_removes_it(void **state)
{
    struct tuntap tt;
    char expect[64];
    char name[TUN_NAME_SIZE];
    (void) state;

    open_dev(&tt, "tun", DEV_TYPE_TUN, 0);
    assert_int_equal(strncmp(tt.name, "tun", 3), 0);
    assert_false(tt.persistent);
    snprintf(expect, sizeof(expect), "TUN/TAP device %s opened", tt.name);
    assert_string_equal(mock_last_msg, expect);
    assert_int_equal(link_read(tt.name).arptype, ARPHRD_NONE);
    strcpy(name, tt.name);
    tun_close(&tt);
    assert_int_equal(tt.fd, -1);
    assert_false(link_read(name).exists);
    tun_close(&tt); /* twice is harmless */
}

static void
tun_open__bad_node__fails_naming_it(void **state)
{
    struct tuntap tt;
    struct tun_config cfg = { .dev = "tun", .type = DEV_TYPE_TUN, .dev_node = "/nonexistent/tun" };
    (void) state;

    mock_msg_reset();
    assert_false(tun_open(&tt, &cfg));
    assert_int_equal(tt.fd, -1);
    assert_string_equal(mock_last_msg, "ERROR: Cannot open TUN/TAP dev /nonexistent/tun");

    cfg.dev_node = "/dev/null";
    assert_false(tun_open(&tt, &cfg));
    assert_string_equal(mock_last_msg, "ERROR: Cannot ioctl TUNSETIFF tun");

    cfg.dev_node = NULL;
    cfg.dev = "tun-name-far-too-long";
    assert_false(tun_open(&tt, &cfg));
    assert_non_null(strstr(mock_last_msg, "longer than 15 characters"));
}

static void
tun_open__dev_null__opens_nothing(void **state)
{
    struct tuntap tt;
    struct tun_config cfg = { .dev = "null", .type = DEV_TYPE_NULL };
    struct ifconfig_config ic = { .local = "10.9.0.1", .remote_netmask = "10.9.0.2" };
    uint8_t b[4] = { 0 };
    (void) state;

    assert_true(tun_open(&tt, &cfg));
    assert_int_equal(tt.fd, -1);
    assert_true(tun_ifconfig(&tt, &ic));
    assert_int_equal(tun_write(&tt, b, sizeof(b)), -1);
    assert_int_equal(errno, EBADF);
    tun_close(&tt);
}

static void
tun_ifconfig__p2p__ptp_address_mtu_up(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.9.0.1", .remote_netmask = "10.9.0.2", .mtu = 1400 };
    struct link_info li;
    char line[128];
    (void) state;

    open_dev(&tt, "tun10", DEV_TYPE_TUN, 0);
    assert_string_equal(tt.name, "tun10");
    assert_true(tun_ifconfig(&tt, &ic));
    li = link_read("tun10");
    assert_int_equal(li.mtu, 1400);
    assert_true(li.flags & IFF_UP);
    assert_true(addr_present("tun10", AF_INET, "10.9.0.1", 32, "10.9.0.2"));
    assert_non_null(strstr(mock_all_msgs,
                           "net_iface_mtu_set: mtu 1400 for tun10\n"
                           "net_iface_up: set tun10 up\n"
                           "net_addr_ptp_v4_add: 10.9.0.1 peer 10.9.0.2 dev "
                           "tun10\n"));
    snprintf(line, sizeof(line), "net_addr_ptp_v4_add: 10.9.0.1 peer 10.9.0.2 dev tun10");
    assert_string_equal(mock_last_msg, line);

    /* the same address twice is a kernel error, reported, not a crash */
    mock_msg_reset();
    assert_false(tun_ifconfig(&tt, &ic));
    assert_non_null(strstr(mock_all_msgs, "sitnl_send: rtnl: generic error (-17): File exists"));
    assert_string_equal(mock_last_msg, "Linux can't add IP to interface tun10");
    tun_close(&tt);
}

static void
tun_ifconfig__subnet_and_ipv6__prefix_addresses(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.20.0.1",
                                  .remote_netmask = "255.255.255.0",
                                  .subnet = true,
                                  .ipv6_local = "2001:db8:20::1/64",
                                  .ipv6_remote = "2001:db8:20::2" };
    (void) state;

    open_dev(&tt, "tun", DEV_TYPE_TUN, 0);
    assert_true(tun_ifconfig(&tt, &ic));
    assert_true(addr_present(tt.name, AF_INET, "10.20.0.1", 24, NULL));
    assert_false(addr_present(tt.name, AF_INET, "10.20.0.1", 32, NULL));
    assert_true(addr_present(tt.name, AF_INET6, "2001:db8:20::1", 64, NULL));
    assert_non_null(strstr(mock_all_msgs, "net_addr_v4_add: 10.20.0.1/24 dev tun"));
    assert_non_null(strstr(mock_all_msgs, "net_addr_v6_add: 2001:db8:20::1/64 dev tun"));
    assert_true(link_read(tt.name).flags & IFF_UP);
    tun_close(&tt);
}

static void
tun_ifconfig__tap__netmask_txqueuelen_ether(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.30.0.1", .remote_netmask = "255.255.0.0" };
    struct link_info li;
    (void) state;

    open_dev(&tt, "tap", DEV_TYPE_TAP, 200);
    assert_int_equal(strncmp(tt.name, "tap", 3), 0);
    assert_non_null(strstr(mock_all_msgs, "TUN/TAP TX queue length set to 200"));
    assert_true(tun_ifconfig(&tt, &ic));
    li = link_read(tt.name);
    assert_int_equal(li.arptype, ARPHRD_ETHER);
    assert_int_equal(li.txqlen, 200);
    assert_int_equal(li.mtu, 1500);
    assert_true(addr_present(tt.name, AF_INET, "10.30.0.1", 16, NULL));
    tun_close(&tt);
}

static void
routes__add_and_delete__visible_in_kernel_table(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.9.1.1",
                                  .remote_netmask = "10.9.1.2",
                                  .ipv6_local = "2001:db8:1::1/64" };
    struct route_env env = { .have_vpn_gateway = true, .default_metric = -1, .ifname = "tun11" };
    struct route_list rl = { 0 };
    struct route4 r4;
    struct route6 r6;
    char err[256];
    (void) state;

    open_dev(&tt, "tun11", DEV_TYPE_TUN, 0);
    assert_true(tun_ifconfig(&tt, &ic));
    env.vpn_gateway = v4("10.9.1.2");
    assert_true(
      route_parse_v4("10.10.0.0", "255.255.0.0", NULL, NULL, &env, &r4, err, sizeof(err)));
    assert_true(route_list_add(&rl, &r4, NULL));
    assert_true(
      route_parse_v4("10.11.0.0", "255.255.255.0", NULL, "33", &env, &r4, err, sizeof(err)));
    assert_true(route_list_add(&rl, &r4, NULL));
    assert_true(
      route_parse_v6("2001:db8:5::/48", "2001:db8:1::2", "7", &env, &r6, err, sizeof(err)));
    assert_true(route_list_add(&rl, NULL, &r6));

    mock_msg_reset();
    assert_true(route_add_all(&rl, "tun11"));
    assert_true(route_present(AF_INET, "10.10.0.0", 16, "10.9.1.2", -1));
    assert_true(route_present(AF_INET, "10.11.0.0", 24, "10.9.1.2", 33));
    assert_true(route_present(AF_INET6, "2001:db8:5::", 48, NULL, 7));
    assert_non_null(strstr(mock_all_msgs,
                           "net_route_v4_add: 10.10.0.0/16 via 10.9.1.2 dev "
                           "[NULL] table 0 metric -1\n"));
    assert_non_null(strstr(mock_all_msgs,
                           "add_route_ipv6(2001:db8:5::/48 -> 2001:db8:1::2 "
                           "metric 7) dev tun11\n"
                           "net_route_v6_add: 2001:db8:5::/48 via :: dev tun11 "
                           "table 0 metric 7\n"));

    route_del_all(&rl, "tun11");
    assert_false(route_present(AF_INET, "10.10.0.0", 16, NULL, -1));
    assert_false(route_present(AF_INET, "10.11.0.0", 24, NULL, -1));
    assert_false(route_present(AF_INET6, "2001:db8:5::", 48, NULL, -1));
    assert_non_null(strstr(mock_all_msgs, "delete_route_ipv6(2001:db8:5::/48)"));
    assert_false(rl.r4[0].added);

    /* only what we added is deleted: a second call logs nothing */
    mock_msg_reset();
    route_del_all(&rl, "tun11");
    assert_string_equal(mock_all_msgs, "");
    route_list_free(&rl);
    tun_close(&tt);
}

static void
routes__unreachable_gateway_and_duplicate__fail_with_reason(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.9.2.1", .remote_netmask = "10.9.2.2" };
    struct route_list rl = { 0 };
    struct route4 r4 = {
        .net = v4("10.40.0.0"), .prefixlen = 16, .gw = v4("10.99.99.99"), .metric = -1
    };
    struct in_addr net = v4("10.41.0.0"), gw = v4("10.9.2.2");
    (void) state;

    open_dev(&tt, "tun12", DEV_TYPE_TUN, 0);
    assert_true(tun_ifconfig(&tt, &ic));
    assert_true(route_list_add(&rl, &r4, NULL));
    mock_msg_reset();
    assert_false(route_add_all(&rl, "tun12"));
    assert_false(rl.r4[0].added);
    assert_non_null(strstr(mock_all_msgs,
                           "sitnl_send: rtnl: generic error (-101): Network is "
                           "unreachable\n"));
    assert_string_equal(mock_last_msg, "ERROR: Linux route add command failed");
    route_list_free(&rl);

    assert_true(sitnl_route_v4(true, &net, 16, &gw, NULL, -1));
    mock_msg_reset();
    assert_false(sitnl_route_v4(true, &net, 16, &gw, NULL, -1));
    assert_int_equal(errno, EEXIST);
    assert_true(sitnl_route_v4(false, &net, 16, &gw, NULL, -1));
    assert_false(route_present(AF_INET, "10.41.0.0", 16, NULL, -1));

    assert_false(sitnl_iface_up("nosuchdev0", true));
    assert_false(sitnl_addr_v4_add("nosuchdev0", &net, 24));
    tun_close(&tt);
}

static void
default_gw__after_adding_one__is_found(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.9.3.1", .remote_netmask = "10.9.3.2" };
    struct in_addr any = { 0 }, gw = v4("10.9.3.2"), got;
    char ifname[16];
    (void) state;

    assert_false(sitnl_default_gw_v4(&got, ifname)); /* fresh namespace: none */
    open_dev(&tt, "tun13", DEV_TYPE_TUN, 0);
    assert_true(tun_ifconfig(&tt, &ic));
    assert_true(sitnl_route_v4(true, &any, 0, &gw, NULL, 50));
    assert_true(sitnl_default_gw_v4(&got, ifname));
    assert_int_equal(got.s_addr, gw.s_addr);
    assert_string_equal(ifname, "tun13");
    assert_true(sitnl_route_v4(false, &any, 0, &gw, NULL, 50));
    assert_false(sitnl_default_gw_v4(&got, ifname));
    tun_close(&tt);
}

static void
tun_set_persist__on_then_off__device_outlives_fd_then_goes(void **state)
{
    struct tun_config cfg = { .dev = "tun14", .type = DEV_TYPE_TUN };
    struct tuntap tt;
    (void) state;

    mock_msg_reset();
    assert_true(tun_set_persist(&cfg, true, NULL, NULL));
    assert_string_equal(mock_last_msg, "Persist state set to: ON");
    assert_true(link_read("tun14").exists);

    assert_true(tun_open(&tt, &cfg));
    assert_true(tt.persistent);
    tun_close(&tt);
    assert_true(link_read("tun14").exists);

    assert_true(tun_set_persist(&cfg, false, NULL, NULL));
    assert_string_equal(mock_last_msg, "Persist state set to: OFF");
    assert_false(link_read("tun14").exists);

    assert_false(tun_set_persist(&cfg, true, "no-such-user-xyz", NULL));
    assert_string_equal(mock_last_msg, "ERROR: failed to find user 'no-such-user-xyz'");
    assert_false(link_read("tun14").exists);

    assert_true(tun_set_persist(&cfg, true, "root", "root"));
    assert_true(tun_set_persist(&cfg, false, NULL, NULL));
    assert_false(link_read("tun14").exists);
}

/* RFC 1071 checksum over the IPv4 header. */
static uint16_t
ip_csum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
    {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    while (sum >> 16)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

static ssize_t
read_wait(struct tuntap *tt, uint8_t *buf, size_t len)
{
    struct pollfd pfd = { .fd = tt->fd, .events = POLLIN };
    ssize_t n;

    for (int tries = 0; tries < 20; tries++)
    {
        n = tun_read(tt, buf, len);
        if (n >= 0 || errno != EAGAIN)
        {
            return n;
        }
        poll(&pfd, 1, 100);
    }
    return -1;
}

static void
packets__routed_datagram_reaches_fd_and_written_one_reaches_socket(void **state)
{
    struct tuntap tt;
    struct ifconfig_config ic = { .local = "10.9.4.1", .remote_netmask = "10.9.4.2" };
    struct in_addr net = v4("10.50.0.0"), gw = v4("10.9.4.2");
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(5000) };
    struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(6000) };
    uint8_t pkt[2048];
    char got[16];
    ssize_t n;
    int s, r;
    (void) state;

    open_dev(&tt, "tun15", DEV_TYPE_TUN, 0);
    assert_true(tun_ifconfig(&tt, &ic));
    assert_true(sitnl_route_v4(true, &net, 16, &gw, NULL, -1));

    /* socket -> route -> tun fd: an IPv4/UDP packet with our payload */
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    to.sin_addr = v4("10.50.1.1");
    assert_int_equal(sendto(s, "hello", 5, 0, (struct sockaddr *) &to, sizeof(to)), 5);
    do
    {
        n = read_wait(&tt, pkt, sizeof(pkt));
        assert_true(n > 0);
    } while ((pkt[0] >> 4) != 4); /* skip IPv6 router solicitations and the like */
    assert_int_equal(n, 20 + 8 + 5);
    assert_int_equal(pkt[9], IPPROTO_UDP);
    assert_memory_equal(pkt + 16, &to.sin_addr, 4);
    assert_memory_equal(pkt + 28, "hello", 5);
    close(s);

    /* tun fd -> stack: a hand-made datagram from the peer to a bound socket */
    r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    assert_true(r >= 0);
    me.sin_addr = v4("10.9.4.1");
    assert_int_equal(bind(r, (struct sockaddr *) &me, sizeof(me)), 0);
    memset(pkt, 0, 40);
    pkt[0] = 0x45;
    pkt[3] = 20 + 8 + 4; /* total length */
    pkt[8] = 64;         /* ttl */
    pkt[9] = IPPROTO_UDP;
    memcpy(pkt + 12, &gw, 4);
    memcpy(pkt + 16, &me.sin_addr, 4);
    pkt[10] = (uint8_t) (ip_csum(pkt, 20) >> 8);
    pkt[11] = (uint8_t) (ip_csum(pkt, 20) & 0xFF);
    pkt[20] = 0x30; /* source port 12345 */
    pkt[21] = 0x39;
    pkt[22] = 6000 >> 8;
    pkt[23] = 6000 & 0xFF;
    pkt[25] = 8 + 4; /* udp length; checksum 0 = none (IPv4) */
    memcpy(pkt + 28, "ping", 4);
    assert_int_equal(tun_write(&tt, pkt, 32), 32);
    for (int tries = 0; tries < 20; tries++)
    {
        n = recv(r, got, sizeof(got), 0);
        if (n >= 0 || errno != EAGAIN)
        {
            break;
        }
        usleep(50000);
    }
    assert_int_equal(n, 4);
    assert_memory_equal(got, "ping", 4);
    close(r);

    assert_true(sitnl_route_v4(false, &net, 16, &gw, NULL, -1));
    tun_close(&tt);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tun_open__auto_name__kernel_picks_unit_and_close_removes_it),
        cmocka_unit_test(tun_open__bad_node__fails_naming_it),
        cmocka_unit_test(tun_open__dev_null__opens_nothing),
        cmocka_unit_test(tun_ifconfig__p2p__ptp_address_mtu_up),
        cmocka_unit_test(tun_ifconfig__subnet_and_ipv6__prefix_addresses),
        cmocka_unit_test(tun_ifconfig__tap__netmask_txqueuelen_ether),
        cmocka_unit_test(routes__add_and_delete__visible_in_kernel_table),
        cmocka_unit_test(routes__unreachable_gateway_and_duplicate__fail_with_reason),
        cmocka_unit_test(default_gw__after_adding_one__is_found),
        cmocka_unit_test(tun_set_persist__on_then_off__device_outlives_fd_then_goes),
        cmocka_unit_test(packets__routed_datagram_reaches_fd_and_written_one_reaches_socket),
    };

    if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0)
    {
        fprintf(stderr, "SKIP: needs root and /dev/net/tun\n");
        return 77;
    }
    if (unshare(CLONE_NEWNET) != 0)
    {
        fprintf(stderr, "SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
        return 77;
    }
    if (!sitnl_iface_up("lo", true))
    {
        fprintf(stderr, "SKIP: cannot bring lo up in the new namespace\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
