/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sitnl.h -- rtnetlink for the tunnel: link state, MTU, addresses and
 * routes, via libnl-route-3.  sitnl.c is the only file that includes
 * <netlink/...> route headers; nothing here runs `ip`.
 *
 * Each call opens a short-lived netlink socket: these run at start-up and
 * on restart only, never per packet.  Every function logs its own failure
 * (one line naming the interface / address) and returns false; the
 * "net_*" info lines 2.6 prints are logged by the callers in tun.c and
 * route.c so that the wording lives next to the policy.
 *
 * Tier 3o.  Must not include control-channel, crypto or options headers.
 * (DCO will later add link creation of kind "ovpn-dco"/"ovpn" here.)
 */
#ifndef OVPN_SITNL_H
#define OVPN_SITNL_H

#include <stdbool.h>
#include <netinet/in.h>

bool sitnl_iface_up(const char *ifname, bool up);
bool sitnl_iface_mtu_set(const char *ifname, int mtu);
bool sitnl_iface_txqueuelen_set(const char *ifname, int qlen);

/** Interface index of @p ifname, 0 if it does not exist. */
int sitnl_iface_index(const char *ifname);

/** True if @p ifname is a layer-3 device without link-layer addresses (a tun). */
bool sitnl_iface_is_l3(const char *ifname);

bool sitnl_addr_v4_add(const char *ifname, const struct in_addr *addr, int prefixlen);
bool sitnl_addr_v4_ptp_add(const char *ifname,
                           const struct in_addr *local,
                           const struct in_addr *peer);
bool sitnl_addr_v6_add(const char *ifname, const struct in6_addr *addr, int prefixlen);

/**
 * Add (@p add) or delete a route.  @p gw and @p ifname may be NULL (not
 * both); @p metric -1 = none.  Adding a route that exists is a failure
 * (EEXIST), as with 2.6.
 */
bool sitnl_route_v4(bool add,
                    const struct in_addr *dst,
                    int prefixlen,
                    const struct in_addr *gw,
                    const char *ifname,
                    int metric);
bool sitnl_route_v6(bool add,
                    const struct in6_addr *dst,
                    int prefixlen,
                    const struct in6_addr *gw,
                    const char *ifname,
                    int metric);

/** The main table's IPv4 default route: gateway and device.  False if none. */
bool sitnl_default_gw_v4(struct in_addr *gw, char ifname[16]);

/**
 * The main-table route the kernel would use to reach @p dst (longest
 * prefix, then lowest metric): its gateway (*@p have_gw false when the
 * destination is on-link) and device.  False if there is none.
 */
bool sitnl_route_v6_best(const struct in6_addr *dst, struct in6_addr *gw, bool *have_gw,
                         char ifname[16]);

/** The IPv4 addresses (and prefix lengths) of @p ifname, at most @p max. */
bool sitnl_iface_addrs_v4(const char *ifname, struct in_addr *addrs, int *prefixes, size_t max,
                          size_t *n);

#endif /* OVPN_SITNL_H */
