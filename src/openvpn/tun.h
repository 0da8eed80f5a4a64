/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tun.h -- the virtual network device: open /dev/net/tun as a tun or tap
 * interface, read and write packets on it, make it persistent (--mktun /
 * --rmtun), and give it its MTU, addresses and link state (--ifconfig,
 * --ifconfig-ipv6) through sitnl.
 *
 * Tier 3o (operating system).  Must not include control-channel, crypto or
 * options headers: init.c fills struct tun_config / struct ifconfig_config
 * from the options.  The caller owns struct tuntap; this module keeps no
 * state of its own.
 */
#ifndef OVPN_TUN_H
#define OVPN_TUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

enum dev_type
{
    DEV_TYPE_UNDEF,
    DEV_TYPE_NULL,
    DEV_TYPE_TUN,
    DEV_TYPE_TAP
};

/** Kernel interface names are at most IFNAMSIZ - 1 = 15 characters. */
#define TUN_NAME_SIZE 16

#define TUN_DEFAULT_DEV_NODE "/dev/net/tun"

/**
 * The device type --dev and --dev-type select: "tun", "tun3" -> TUN;
 * "tap", "tap0" -> TAP; "null" -> NULL.  A non-NULL @p dev_type ("tun",
 * "tap" or "null") overrides the guess from the name.  Anything else is
 * DEV_TYPE_UNDEF, which the caller reports as a config error.
 */
enum dev_type tun_dev_type(const char *dev, const char *dev_type);

/** "tun", "tap", "null" (and "undef"), as 2.6 prints them. */
const char *dev_type_string(enum dev_type t);

struct tun_config
{
    const char *dev;      /**< --dev: "tun" (kernel picks tunN), "tun5" (fixed name), "null" */
    enum dev_type type;   /**< from tun_dev_type() */
    const char *dev_node; /**< --dev-node, NULL = /dev/net/tun */
    int mtu;              /**< --tun-mtu; 0 = leave */
    int txqueuelen;       /**< --txqueuelen; 0 = leave */
};

struct tuntap
{
    int fd; /**< -1 for --dev null (and when closed) */
    enum dev_type type;
    char name[TUN_NAME_SIZE]; /**< actual name, e.g. "tun0" */
    int ifindex;
    bool persistent; /**< was persistent (--mktun) before we opened it: keep it */
    int mtu;
    bool dco; /**< an ovpn (DCO) link driven by tunnel_dco.c: no fd, the kernel moves the packets */
};

/**
 * Open the device: TUNSETIFF with IFF_TUN or IFF_TAP and IFF_NO_PI, fd
 * non-blocking and close-on-exec.  Logs "TUN/TAP device tun0 opened" as
 * 2.6 does.  On failure logs one line naming the resource and returns
 * false with @p tt->fd == -1.  --dev null opens nothing and succeeds.
 */
bool tun_open(struct tuntap *tt, const struct tun_config *cfg);

/** Close the fd; a non-persistent device disappears with it.  Safe to call twice. */
void tun_close(struct tuntap *tt);

/**
 * --mktun (@p on) / --rmtun: create a persistent device, optionally owned by
 * @p user / @p group (names or NULL), or remove one.  Logs "Persist state
 * set to: ON" / "OFF" like 2.6.
 */
bool tun_set_persist(const struct tun_config *cfg, bool on, const char *user, const char *group);

/** One packet; -1 with errno set (EAGAIN when empty). */
ssize_t tun_read(struct tuntap *tt, uint8_t *buf, size_t len);

/** One packet; -1 with errno set. */
ssize_t tun_write(struct tuntap *tt, const uint8_t *buf, size_t len);

struct ifconfig_config
{
    const char *local;          /**< --ifconfig local (NULL: no IPv4 address) */
    const char *remote_netmask; /**< tun p2p/net30: peer address; tun subnet and tap: netmask */
    bool subnet;                /**< --topology subnet (tun only: tap is always local/netmask) */
    const char *ipv6_local;     /**< "2001:db8::1/64" or "2001:db8::1" (then /64) */
    const char *ipv6_remote;    /**< --ifconfig-ipv6 second argument (may be NULL) */
    int mtu;                    /**< 0 = leave */
    int txqueuelen;             /**< 0 = leave */
    bool nowarn; /**< --ifconfig-nowarn: skip 2.6's "looks like a netmask" warnings */
};

/**
 * Checks done once at start-up, without touching the system: the
 * addresses parse, local != remote/netmask, a tun subnet netmask is
 * contiguous, the IPv6 prefix length is in range.  On failure @p err gets
 * the reason (2.6's "Options error" text, no trailing newline) and false is
 * returned.  2.6's two --ifconfig-nowarn warnings (tun p2p peer that looks
 * like a netmask, tap second argument that is not a netmask) are logged
 * with M_WARN and do not fail.
 */
bool ifconfig_validate(enum dev_type type,
                       const struct ifconfig_config *ic,
                       char *err,
                       size_t errlen);

/**
 * Configure the opened device through sitnl: MTU (+ txqueuelen), IPv4
 * address (tun p2p: local peer remote; tun subnet and tap: local/prefix),
 * IPv6 address, then link up.  Logs 2.6's "net_*" lines.  False (already
 * logged) on the first failure.
 */
bool tun_ifconfig(struct tuntap *tt, const struct ifconfig_config *ic);

/** Parse "2001:db8::1/64" (prefix default 64); false if bad. */
bool tun_parse_ipv6_prefix(const char *s, struct in6_addr *addr, int *bits);

#endif /* OVPN_TUN_H */
