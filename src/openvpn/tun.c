/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tun.c -- /dev/net/tun: open a tun or tap interface, read and write
 * packets, persistence (--mktun / --rmtun), and --ifconfig through sitnl.
 *
 * Tier 3o.  Must not include control-channel, crypto or options headers;
 * the log lines users grep for are 2.6's ("TUN/TAP device tun0 opened",
 * "net_addr_ptp_v4_add: ...").
 */
#include "tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "error.h"
#include "route.h"
#include "sitnl.h"
#include "strutil.h"

static bool
has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum dev_type
tun_dev_type(const char *dev, const char *dev_type)
{
    const char *s = dev_type ? dev_type : dev;

    if (!s)
    {
        return DEV_TYPE_UNDEF;
    }
    /* --dev-type names the type exactly; --dev is a type name plus optional unit suffix. */
    if (dev_type)
    {
        if (streq(s, "tun"))
        {
            return DEV_TYPE_TUN;
        }
        if (streq(s, "tap"))
        {
            return DEV_TYPE_TAP;
        }
        return streq(s, "null") ? DEV_TYPE_NULL : DEV_TYPE_UNDEF;
    }
    if (streq(s, "null"))
    {
        return DEV_TYPE_NULL;
    }
    if (has_prefix(s, "tun"))
    {
        return DEV_TYPE_TUN;
    }
    if (has_prefix(s, "tap"))
    {
        return DEV_TYPE_TAP;
    }
    return DEV_TYPE_UNDEF;
}

const char *
dev_type_string(enum dev_type t)
{
    switch (t)
    {
        case DEV_TYPE_TUN:
            return "tun";

        case DEV_TYPE_TAP:
            return "tap";

        case DEV_TYPE_NULL:
            return "null";

        default:
            return "[unknown-dev-type]";
    }
}

/*
 * The name to ask the kernel for: "tun" / "tap" alone mean "next free
 * unit" (tun%d); anything else is a fixed name.
 */
static bool
requested_name(const struct tun_config *cfg, char out[IFNAMSIZ])
{
    out[0] = '\0';
    if (!cfg->dev || streq(cfg->dev, "tun") || streq(cfg->dev, "tap"))
    {
        snprintf(out, IFNAMSIZ, "%s%%d", cfg->type == DEV_TYPE_TAP ? "tap" : "tun");
        return true;
    }
    if (!strbcpy(out, cfg->dev, IFNAMSIZ))
    {
        msg(M_WARN,
            "ERROR: TUN/TAP device name '%s' is longer than %d characters",
            cfg->dev,
            IFNAMSIZ - 1);
        return false;
    }
    return true;
}

/** Open the node and attach it to a device; -1 (logged) on failure. */
static int
open_and_attach(const struct tun_config *cfg, struct ifreq *ifr)
{
    const char *node = cfg->dev_node ? cfg->dev_node : TUN_DEFAULT_DEV_NODE;
    int fd;

    if (cfg->type != DEV_TYPE_TUN && cfg->type != DEV_TYPE_TAP)
    {
        msg(M_WARN, "ERROR: unknown TUN/TAP device type for --dev %s", cfg->dev ? cfg->dev : "");
        return -1;
    }
    memset(ifr, 0, sizeof(*ifr));
    if (!requested_name(cfg, ifr->ifr_name))
    {
        return -1;
    }
    ifr->ifr_flags = (short) ((cfg->type == DEV_TYPE_TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI);

    fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
    {
        msg(M_WARN | M_ERRNO, "ERROR: Cannot open TUN/TAP dev %s", node);
        return -1;
    }
    if (ioctl(fd, TUNSETIFF, ifr) < 0)
    {
        msg(M_WARN | M_ERRNO, "ERROR: Cannot ioctl TUNSETIFF %s", cfg->dev ? cfg->dev : "tun");
        close(fd);
        return -1;
    }
    return fd;
}

bool
tun_open(struct tuntap *tt, const struct tun_config *cfg)
{
    struct ifreq ifr;
    struct ifreq got;

    memset(tt, 0, sizeof(*tt));
    tt->fd = -1;
    tt->type = cfg->type;
    tt->mtu = cfg->mtu;
    if (cfg->type == DEV_TYPE_NULL)
    {
        strbcpy(tt->name, "null", sizeof(tt->name));
        return true;
    }
    tt->fd = open_and_attach(cfg, &ifr);
    if (tt->fd < 0)
    {
        return false;
    }
    strbcpy(tt->name, ifr.ifr_name, sizeof(tt->name));

    /* TUNGETIFF reports IFF_PERSIST: a --mktun device must outlive us. */
    memset(&got, 0, sizeof(got));
    if (ioctl(tt->fd, TUNGETIFF, &got) == 0)
    {
        tt->persistent = (got.ifr_flags & IFF_PERSIST) != 0;
    }
    tt->ifindex = (int) if_nametoindex(tt->name);
    msg(M_INFO, "TUN/TAP device %s opened", tt->name);

    if (cfg->txqueuelen > 0)
    {
        if (!sitnl_iface_txqueuelen_set(tt->name, cfg->txqueuelen))
        {
            msg(M_WARN, "Note: Cannot set tx queue length on %s", tt->name);
        }
        else
        {
            msg(D_TUNTAP_INFO, "TUN/TAP TX queue length set to %d", cfg->txqueuelen);
        }
    }
    return true;
}

void
tun_close(struct tuntap *tt)
{
    if (tt->fd >= 0)
    {
        close(tt->fd);
        tt->fd = -1;
    }
}

/* Resolve --user / --group for TUNSETOWNER / TUNSETGROUP. */
static bool
set_owner(int fd, const char *user, const char *group)
{
    if (user)
    {
        struct passwd *pw = getpwnam(user);

        if (!pw)
        {
            msg(M_WARN, "ERROR: failed to find user '%s'", user);
            return false;
        }
        if (ioctl(fd, TUNSETOWNER, (unsigned long) pw->pw_uid) < 0)
        {
            msg(M_WARN | M_ERRNO, "ERROR: Cannot ioctl TUNSETOWNER(%s)", user);
            return false;
        }
    }
    if (group)
    {
        struct group *gr = getgrnam(group);

        if (!gr)
        {
            msg(M_WARN, "ERROR: failed to find group '%s'", group);
            return false;
        }
        if (ioctl(fd, TUNSETGROUP, (unsigned long) gr->gr_gid) < 0)
        {
            msg(M_WARN | M_ERRNO, "ERROR: Cannot ioctl TUNSETGROUP(%s)", group);
            return false;
        }
    }
    return true;
}

bool
tun_set_persist(const struct tun_config *cfg, bool on, const char *user, const char *group)
{
    struct tuntap tt;
    bool ok = false;

    if (!tun_open(&tt, cfg))
    {
        return false;
    }
    if (tt.fd < 0)
    {
        msg(M_WARN,
            "ERROR: --mktun/--rmtun need a tun or tap device, not --dev %s",
            cfg->dev ? cfg->dev : "");
        return false;
    }
    if (on && !set_owner(tt.fd, user, group))
    {
        goto out;
    }
    if (ioctl(tt.fd, TUNSETPERSIST, on ? 1UL : 0UL) < 0)
    {
        msg(M_WARN | M_ERRNO, "ERROR: Cannot ioctl TUNSETPERSIST(%d) %s", on ? 1 : 0, tt.name);
        goto out;
    }
    msg(M_INFO, "Persist state set to: %s", on ? "ON" : "OFF");
    ok = true;
out:
    tun_close(&tt);
    return ok;
}

ssize_t
tun_read(struct tuntap *tt, uint8_t *buf, size_t len)
{
    if (tt->fd < 0)
    {
        errno = EBADF;
        return -1;
    }
    return read(tt->fd, buf, len);
}

ssize_t
tun_write(struct tuntap *tt, const uint8_t *buf, size_t len)
{
    if (tt->fd < 0)
    {
        errno = EBADF;
        return -1;
    }
    return write(tt->fd, buf, len);
}

bool
tun_parse_ipv6_prefix(const char *s, struct in6_addr *addr, int *bits)
{
    char tmp[INET6_ADDRSTRLEN + 8];
    char *slash;
    long b = 64;

    if (!s || !strbcpy(tmp, s, sizeof(tmp)))
    {
        return false;
    }
    slash = strchr(tmp, '/');
    if (slash)
    {
        *slash = '\0';
        if (!str_to_int(slash + 1, 0, 128, &b))
        {
            return false;
        }
    }
    if (inet_pton(AF_INET6, tmp, addr) != 1)
    {
        return false;
    }
    *bits = (int) b;
    return true;
}

static bool
parse_v4(const char *s, struct in_addr *out)
{
    return s && inet_pton(AF_INET, s, out) == 1;
}

/* 2.6 treats an address whose first octet is 255 as "looks like a netmask". */
static bool
looks_like_netmask(struct in_addr a)
{
    return (ntohl(a.s_addr) & 0xFF000000u) == 0xFF000000u;
}

static bool
validate_v4(enum dev_type type, const struct ifconfig_config *ic, char *err, size_t errlen)
{
    struct in_addr local, rn;
    int bits;
    bool p2p = type == DEV_TYPE_TUN && !ic->subnet;

    if (!parse_v4(ic->local, &local) || !parse_v4(ic->remote_netmask, &rn))
    {
        snprintf(err,
                 errlen,
                 "ifconfig parms '%s' and '%s' must be valid addresses",
                 ic->local ? ic->local : "",
                 ic->remote_netmask ? ic->remote_netmask : "");
        return false;
    }
    if (local.s_addr == rn.s_addr)
    {
        snprintf(err, errlen, "local and remote/netmask --ifconfig addresses must be different");
        return false;
    }
    /* 2.6 only warns about these two (the kernel refuses a bad tap netmask later). */
    if (p2p && looks_like_netmask(rn) && !ic->nowarn)
    {
        msg(M_WARN,
            "WARNING: Since you are using --dev tun with a point-to-point topology, the second "
            "argument to --ifconfig must be an IP address.  You are using something (%s) that "
            "looks more like a netmask. (silence this warning with --ifconfig-nowarn)",
            ic->remote_netmask);
    }
    if (!p2p && !route_netmask_to_prefix(rn, &bits))
    {
        if (type != DEV_TYPE_TAP && type != DEV_TYPE_NULL)
        {
            snprintf(
              err, errlen, "--ifconfig netmask '%s' is not a valid netmask", ic->remote_netmask);
            return false;
        }
        if (!ic->nowarn)
        {
            msg(M_WARN,
                "WARNING: Since you are using --dev tap, the second argument to "
                "--ifconfig must be a netmask, for example something like "
                "255.255.255.0. (silence this warning with --ifconfig-nowarn)");
        }
    }
    return true;
}

bool
ifconfig_validate(enum dev_type type, const struct ifconfig_config *ic, char *err, size_t errlen)
{
    struct in6_addr a6;
    int bits;

    if (errlen)
    {
        err[0] = '\0';
    }
    /* --dev null takes addresses too (2.6 checks them as for a tap; applying
     * them is what fails, unless --ifconfig-noexec hands them to a script) */
    if ((ic->local || ic->ipv6_local) && type != DEV_TYPE_TUN && type != DEV_TYPE_TAP &&
        type != DEV_TYPE_NULL)
    {
        snprintf(
          err, errlen, "--ifconfig needs a tun or tap device, not %s", dev_type_string(type));
        return false;
    }
    if (ic->local && !validate_v4(type, ic, err, errlen))
    {
        return false;
    }
    if (ic->ipv6_local)
    {
        const char *slash = strchr(ic->ipv6_local, '/');
        long b;

        if (slash && !str_to_int(slash + 1, 0, 128, &b))
        {
            snprintf(
              err, errlen, "IP prefix '%s': invalid '/bits' spec (%s)", ic->ipv6_local, slash + 1);
            return false;
        }
        if (!tun_parse_ipv6_prefix(ic->ipv6_local, &a6, &bits))
        {
            snprintf(err,
                     errlen,
                     "ifconfig-ipv6 parms '%s' and '%s' must be valid addresses",
                     ic->ipv6_local,
                     ic->ipv6_remote ? ic->ipv6_remote : "");
            return false;
        }
        if (ic->ipv6_remote && inet_pton(AF_INET6, ic->ipv6_remote, &a6) != 1)
        {
            snprintf(err,
                     errlen,
                     "ifconfig-ipv6 parms '%s' and '%s' must be valid addresses",
                     ic->ipv6_local,
                     ic->ipv6_remote);
            return false;
        }
    }
    if (ic->mtu < 0 || ic->txqueuelen < 0)
    {
        snprintf(err, errlen, "tun-mtu and txqueuelen must not be negative");
        return false;
    }
    return true;
}

static bool
ifconfig_v4(struct tuntap *tt, const struct ifconfig_config *ic)
{
    struct in_addr local, rn;
    char ls[INET_ADDRSTRLEN], rs[INET_ADDRSTRLEN];
    int bits = 32;

    if (!parse_v4(ic->local, &local) || !parse_v4(ic->remote_netmask, &rn))
    {
        msg(M_WARN,
            "ERROR: ifconfig parms '%s' and '%s' must be valid addresses",
            ic->local ? ic->local : "",
            ic->remote_netmask ? ic->remote_netmask : "");
        return false;
    }
    inet_ntop(AF_INET, &local, ls, sizeof(ls));
    inet_ntop(AF_INET, &rn, rs, sizeof(rs));
    if (tt->type == DEV_TYPE_TUN && !ic->subnet)
    {
        msg(D_TUNTAP_INFO, "net_addr_ptp_v4_add: %s peer %s dev %s", ls, rs, tt->name);
        if (!sitnl_addr_v4_ptp_add(tt->name, &local, &rn))
        {
            msg(M_WARN, "Linux can't add IP to interface %s", tt->name);
            return false;
        }
        return true;
    }
    if (!route_netmask_to_prefix(rn, &bits))
    {
        bits = -1; /* 2.6 logs the /-1 and lets the kernel refuse it */
    }
    msg(D_TUNTAP_INFO, "net_addr_v4_add: %s/%d dev %s", ls, bits, tt->name);
    if (bits < 0 || !sitnl_addr_v4_add(tt->name, &local, bits))
    {
        msg(M_WARN, "Linux can't add IP to interface %s", tt->name);
        return false;
    }
    return true;
}

static bool
ifconfig_v6(struct tuntap *tt, const struct ifconfig_config *ic)
{
    struct in6_addr a6;
    char s6[INET6_ADDRSTRLEN];
    int bits;

    if (!tun_parse_ipv6_prefix(ic->ipv6_local, &a6, &bits))
    {
        msg(M_WARN, "ERROR: ifconfig-ipv6 address '%s' is not valid", ic->ipv6_local);
        return false;
    }
    inet_ntop(AF_INET6, &a6, s6, sizeof(s6));
    msg(D_TUNTAP_INFO, "net_addr_v6_add: %s/%d dev %s", s6, bits, tt->name);
    if (!sitnl_addr_v6_add(tt->name, &a6, bits))
    {
        msg(M_WARN, "Linux can't add IPv6 to interface %s", tt->name);
        return false;
    }
    return true;
}

/* MTU and link up, once per address family as 2.6 does (its log shows both). */
static bool
mtu_and_up(struct tuntap *tt, int mtu)
{
    if (mtu > 0)
    {
        msg(D_TUNTAP_INFO, "net_iface_mtu_set: mtu %d for %s", mtu, tt->name);
        if (!sitnl_iface_mtu_set(tt->name, mtu))
        {
            msg(M_WARN, "Linux can't set mtu (%d) on %s", mtu, tt->name);
            return false;
        }
        tt->mtu = mtu;
    }
    msg(D_TUNTAP_INFO, "net_iface_up: set %s up", tt->name);
    if (!sitnl_iface_up(tt->name, true))
    {
        msg(M_WARN, "Linux can't bring %s up", tt->name);
        return false;
    }
    return true;
}

bool
tun_ifconfig(struct tuntap *tt, const struct ifconfig_config *ic)
{
    int mtu = ic->mtu > 0 ? ic->mtu : tt->mtu;

    if ((tt->fd < 0 && !tt->dco) || (tt->type != DEV_TYPE_TUN && tt->type != DEV_TYPE_TAP))
    {
        return true; /* --dev null: nothing to configure */
    }
    msg(D_LOW, "do_ifconfig, ipv4=%d, ipv6=%d", ic->local ? 1 : 0, ic->ipv6_local ? 1 : 0);
    if (ic->txqueuelen > 0 && !sitnl_iface_txqueuelen_set(tt->name, ic->txqueuelen))
    {
        msg(M_WARN, "Note: Cannot set tx queue length on %s", tt->name);
    }
    if (ic->local && (!mtu_and_up(tt, mtu) || !ifconfig_v4(tt, ic)))
    {
        return false;
    }
    if (ic->ipv6_local && (!mtu_and_up(tt, mtu) || !ifconfig_v6(tt, ic)))
    {
        return false;
    }
    if (!ic->local && !ic->ipv6_local)
    {
        return mtu_and_up(tt, mtu);
    }
    return true;
}
