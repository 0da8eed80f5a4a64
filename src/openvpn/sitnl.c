/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sitnl.c -- rtnetlink through libnl-route-3: link up/down, MTU, queue
 * length, addresses, routes and the default-gateway query.
 *
 * Tier 3o.  The only file that includes <netlink/route/...>; must not
 * include control-channel, crypto or options headers.  Every request runs
 * on its own short-lived socket (start-up and restart only, never on the
 * data path), so there is no shared state and nothing to clean up on exit.
 *
 * libnl folds kernel errno values into its own NLE_* codes, which lose the
 * detail users see from 2.6 ("No such device").  We install an error
 * callback that keeps the kernel's errno so failures can be reported with
 * strerror(), like 2.6's "sitnl_send: rtnl: generic error (-19): ...".
 */
#include "sitnl.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "error.h"
#include "sockaddr.h"
#include "strutil.h"

/** One request's socket plus the errno the kernel answered with. */
struct nlreq
{
    struct nl_sock *sk;
    int kernel_errno; /* positive errno from the last NLMSG_ERROR, 0 if none */
};

static int
on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
    struct nlreq *req = arg;

    (void) who;
    req->kernel_errno = -e->error;
    return NL_STOP; /* libnl then returns the translated error to the caller */
}

static bool
req_open(struct nlreq *req)
{
    int rc;

    req->kernel_errno = 0;
    req->sk = nl_socket_alloc();
    if (!req->sk)
    {
        msg(M_WARN, "sitnl: cannot allocate a netlink socket");
        return false;
    }
    rc = nl_connect(req->sk, NETLINK_ROUTE);
    if (rc < 0)
    {
        msg(M_WARN, "sitnl: cannot open a rtnetlink socket: %s", nl_geterror(rc));
        nl_socket_free(req->sk);
        req->sk = NULL;
        return false;
    }
    nl_socket_modify_err_cb(req->sk, NL_CB_CUSTOM, on_error, req);
    return true;
}

static void
req_close(struct nlreq *req)
{
    if (req->sk)
    {
        nl_socket_free(req->sk);
        req->sk = NULL;
    }
}

/** Log a failed request the way 2.6 does, preferring the kernel's errno. */
static void
req_report(const struct nlreq *req, int rc)
{
    if (req->kernel_errno > 0)
    {
        msg(M_WARN,
            "sitnl_send: rtnl: generic error (%d): %s",
            -req->kernel_errno,
            strerror(req->kernel_errno));
    }
    else
    {
        msg(M_WARN, "sitnl_send: rtnl: error (%d): %s", rc, nl_geterror(rc));
    }
}

/* Set errno for callers that want it (tests, route.c's messages). */
static void
req_set_errno(const struct nlreq *req)
{
    errno = req->kernel_errno > 0 ? req->kernel_errno : EIO;
}

static int
ifindex_of(const char *ifname)
{
    unsigned int idx;

    if (!ifname || !ifname[0])
    {
        return 0;
    }
    idx = if_nametoindex(ifname);
    if (idx == 0)
    {
        msg(M_WARN, "sitnl: interface %s does not exist", ifname);
        return 0;
    }
    return (int) idx;
}

int
sitnl_iface_index(const char *ifname)
{
    if (!ifname || !ifname[0])
    {
        return 0;
    }
    return (int) if_nametoindex(ifname);
}

bool
sitnl_iface_is_l3(const char *ifname)
{
    struct nlreq req;
    struct rtnl_link *link = NULL;
    bool l3 = false;

    if (!ifname || !ifname[0] || !req_open(&req))
    {
        return false;
    }
    if (rtnl_link_get_kernel(req.sk, 0, ifname, &link) >= 0)
    {
        l3 = rtnl_link_get_arptype(link) == ARPHRD_NONE;
        rtnl_link_put(link);
    }
    req_close(&req);
    return l3;
}

enum link_change
{
    LINK_UP,
    LINK_DOWN,
    LINK_MTU,
    LINK_TXQLEN
};

/** Read the link, apply one change, write it back. */
static bool
link_change(const char *ifname, enum link_change what, unsigned int value)
{
    struct nlreq req;
    struct rtnl_link *orig = NULL;
    struct rtnl_link *change = NULL;
    bool ok = false;
    int rc;

    if (!req_open(&req))
    {
        return false;
    }
    rc = rtnl_link_get_kernel(req.sk, 0, ifname, &orig);
    if (rc < 0)
    {
        req_report(&req, rc);
        goto out;
    }
    change = rtnl_link_alloc();
    if (!change)
    {
        goto out;
    }
    switch (what)
    {
        case LINK_UP:
            rtnl_link_set_flags(change, IFF_UP);
            break;

        case LINK_DOWN:
            rtnl_link_unset_flags(change, IFF_UP);
            break;

        case LINK_MTU:
            rtnl_link_set_mtu(change, value);
            break;

        case LINK_TXQLEN:
            rtnl_link_set_txqlen(change, value);
            break;
    }
    rc = rtnl_link_change(req.sk, orig, change, 0);
    if (rc < 0)
    {
        req_report(&req, rc);
        goto out;
    }
    ok = true;
out:
    if (!ok)
    {
        req_set_errno(&req);
    }
    rtnl_link_put(change);
    rtnl_link_put(orig);
    req_close(&req);
    return ok;
}

bool
sitnl_iface_up(const char *ifname, bool up)
{
    return link_change(ifname, up ? LINK_UP : LINK_DOWN, 0);
}

bool
sitnl_iface_mtu_set(const char *ifname, int mtu)
{
    if (mtu <= 0)
    {
        msg(M_WARN, "sitnl: invalid MTU %d for %s", mtu, ifname);
        return false;
    }
    return link_change(ifname, LINK_MTU, (unsigned int) mtu);
}

bool
sitnl_iface_txqueuelen_set(const char *ifname, int qlen)
{
    if (qlen < 0)
    {
        msg(M_WARN, "sitnl: invalid txqueuelen %d for %s", qlen, ifname);
        return false;
    }
    return link_change(ifname, LINK_TXQLEN, (unsigned int) qlen);
}

/** An nl_addr for @p len bytes at @p raw with prefix @p prefixlen; NULL on ENOMEM. */
static struct nl_addr *
mkaddr(int family, const void *raw, size_t len, int prefixlen)
{
    struct nl_addr *a = nl_addr_build(family, raw, len);

    if (a)
    {
        nl_addr_set_prefixlen(a, prefixlen);
    }
    return a;
}

/*
 * Add an address.  @p peer (IPv4 point-to-point) makes it "local peer
 * remote" with /32, otherwise local/prefixlen plus, for IPv4 subnets
 * wider than /31, the broadcast address, as `ip addr add ... brd +` does.
 */
static bool
addr_add(const char *ifname, int family, const void *local, const void *peer, int prefixlen)
{
    size_t alen = family == AF_INET ? 4 : 16;
    struct nlreq req;
    struct rtnl_addr *addr = NULL;
    struct nl_addr *l = NULL, *p = NULL, *b = NULL;
    bool ok = false;
    int ifindex = ifindex_of(ifname);
    int rc;

    if (ifindex == 0 || !req_open(&req))
    {
        return false;
    }
    addr = rtnl_addr_alloc();
    l = mkaddr(family, local, alen, peer ? 0 : prefixlen);
    if (!addr || !l)
    {
        goto out;
    }
    rtnl_addr_set_ifindex(addr, ifindex);
    rtnl_addr_set_family(addr, family);
    /* libnl wants the local address before the peer: set_peer then fixes the prefix length */
    if (rtnl_addr_set_local(addr, l) < 0)
    {
        goto out;
    }
    if (peer)
    {
        p = mkaddr(family, peer, alen, prefixlen);
        if (!p || rtnl_addr_set_peer(addr, p) < 0)
        {
            goto out;
        }
    }
    else if (family == AF_INET && prefixlen < 31)
    {
        uint32_t host = ntohl(((const struct in_addr *) local)->s_addr);
        uint32_t mask = prefixlen == 0 ? 0 : 0xFFFFFFFFu << (32 - prefixlen);
        uint32_t brd = htonl(host | ~mask);

        b = mkaddr(AF_INET, &brd, 4, 32);
        if (!b || rtnl_addr_set_broadcast(addr, b) < 0)
        {
            goto out;
        }
    }
    rc = rtnl_addr_add(req.sk, addr, NLM_F_EXCL);
    if (rc < 0)
    {
        req_report(&req, rc);
        goto out;
    }
    ok = true;
out:
    if (!ok)
    {
        req_set_errno(&req);
    }
    nl_addr_put(l);
    nl_addr_put(p);
    nl_addr_put(b);
    rtnl_addr_put(addr);
    req_close(&req);
    return ok;
}

bool
sitnl_addr_v4_add(const char *ifname, const struct in_addr *addr, int prefixlen)
{
    if (prefixlen < 0 || prefixlen > 32)
    {
        msg(M_WARN, "sitnl: invalid IPv4 prefix length %d for %s", prefixlen, ifname);
        return false;
    }
    return addr_add(ifname, AF_INET, addr, NULL, prefixlen);
}

bool
sitnl_addr_v4_ptp_add(const char *ifname, const struct in_addr *local, const struct in_addr *peer)
{
    return addr_add(ifname, AF_INET, local, peer, 32);
}

bool
sitnl_addr_v6_add(const char *ifname, const struct in6_addr *addr, int prefixlen)
{
    if (prefixlen < 0 || prefixlen > 128)
    {
        msg(M_WARN, "sitnl: invalid IPv6 prefix length %d for %s", prefixlen, ifname);
        return false;
    }
    return addr_add(ifname, AF_INET6, addr, NULL, prefixlen);
}

/* One route to add or delete, as the callers below give it. */
struct route_spec
{
    bool add;
    int family;
    const void *dst;
    int prefixlen;
    const void *gw;   /**< NULL: on-link */
    int ifindex;      /**< 0: none */
    int metric;       /**< -1: none */
};

/*
 * Describe @p r in @p rt and its next hop @p nh.  Without a gateway the
 * route is on-link (scope link for IPv4).  The addresses made go to *d and
 * *g for the caller to release.
 */
static bool
route_describe(struct rtnl_route *rt,
               struct rtnl_nexthop *nh,
               const struct route_spec *r,
               struct nl_addr **d,
               struct nl_addr **g)
{
    size_t alen = r->family == AF_INET ? 4 : 16;

    *d = mkaddr(r->family, r->dst, alen, r->prefixlen);
    if (!*d || rtnl_route_set_dst(rt, *d) < 0)
    {
        return false;
    }
    rtnl_route_set_family(rt, (uint8_t) r->family);
    rtnl_route_set_table(rt, RT_TABLE_MAIN);
    rtnl_route_set_type(rt, RTN_UNICAST);
    /* libnl defaults to RTPROT_STATIC; the kernel matches deletions on protocol too */
    rtnl_route_set_protocol(rt, RTPROT_BOOT);
    if (r->add)
    {
        rtnl_route_set_scope(rt, (!r->gw && r->family == AF_INET) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
    }
    else
    {
        rtnl_route_set_scope(rt, RT_SCOPE_NOWHERE); /* "any scope" for deletion */
    }
    if (r->metric >= 0)
    {
        rtnl_route_set_priority(rt, (uint32_t) r->metric);
    }
    if (r->gw)
    {
        *g = nl_addr_build(r->family, r->gw, alen);
        if (!*g)
        {
            return false;
        }
        rtnl_route_nh_set_gateway(nh, *g);
    }
    if (r->ifindex)
    {
        rtnl_route_nh_set_ifindex(nh, r->ifindex);
    }
    return true;
}

/* Build and send one route; the kernel needs an interface when there is no gateway. */
static bool
route_op(bool add,
         int family,
         const void *dst,
         int prefixlen,
         const void *gw,
         const char *ifname,
         int metric)
{
    struct route_spec r = { add, family, dst, prefixlen, gw, 0, metric };
    struct nlreq req;
    struct rtnl_route *rt = NULL;
    struct rtnl_nexthop *nh = NULL;
    struct nl_addr *d = NULL, *g = NULL;
    bool ok = false;
    int rc;

    if (ifname && ifname[0] && (r.ifindex = ifindex_of(ifname)) == 0)
    {
        return false;
    }
    if (!gw && r.ifindex == 0)
    {
        msg(M_WARN, "sitnl: a route needs a gateway or an interface");
        return false;
    }
    if (!req_open(&req))
    {
        return false;
    }
    rt = rtnl_route_alloc();
    nh = rtnl_route_nh_alloc();
    if (rt && nh && route_describe(rt, nh, &r, &d, &g))
    {
        rtnl_route_add_nexthop(rt, nh);
        nh = NULL; /* owned by rt now */
        rc = add ? rtnl_route_add(req.sk, rt, NLM_F_EXCL) : rtnl_route_delete(req.sk, rt, 0);
        ok = rc >= 0;
        if (!ok)
        {
            req_report(&req, rc);
        }
    }
    if (!ok)
    {
        req_set_errno(&req);
    }
    if (nh)
    {
        rtnl_route_nh_free(nh);
    }
    nl_addr_put(d);
    nl_addr_put(g);
    rtnl_route_put(rt);
    req_close(&req);
    return ok;
}

bool
sitnl_route_v4(bool add,
               const struct in_addr *dst,
               int prefixlen,
               const struct in_addr *gw,
               const char *ifname,
               int metric)
{
    if (!dst || prefixlen < 0 || prefixlen > 32)
    {
        msg(M_WARN, "sitnl: invalid IPv4 route prefix length %d", prefixlen);
        return false;
    }
    return route_op(add, AF_INET, dst, prefixlen, gw, ifname, metric);
}

bool
sitnl_route_v6(bool add,
               const struct in6_addr *dst,
               int prefixlen,
               const struct in6_addr *gw,
               const char *ifname,
               int metric)
{
    if (!dst || prefixlen < 0 || prefixlen > 128)
    {
        msg(M_WARN, "sitnl: invalid IPv6 route prefix length %d", prefixlen);
        return false;
    }
    return route_op(add, AF_INET6, dst, prefixlen, gw, ifname, metric);
}

struct best_gw
{
    bool found;
    uint32_t priority;
    struct in_addr gw;
    int ifindex;
};

/* Cache walker: keep the main-table default route with the lowest metric. */
static void
consider_route(struct nl_object *obj, void *arg)
{
    struct rtnl_route *rt = (struct rtnl_route *) obj;
    struct best_gw *best = arg;
    struct nl_addr *dst = rtnl_route_get_dst(rt);
    struct rtnl_nexthop *nh;
    struct nl_addr *gw;

    if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST ||
        (dst && nl_addr_get_prefixlen(dst) != 0) || rtnl_route_get_nnexthops(rt) < 1)
    {
        return;
    }
    if (best->found && rtnl_route_get_priority(rt) >= best->priority)
    {
        return;
    }
    nh = rtnl_route_nexthop_n(rt, 0);
    gw = rtnl_route_nh_get_gateway(nh);
    best->found = true;
    best->priority = rtnl_route_get_priority(rt);
    best->ifindex = rtnl_route_nh_get_ifindex(nh);
    memset(&best->gw, 0, sizeof(best->gw));
    if (gw && nl_addr_get_len(gw) == 4)
    {
        memcpy(&best->gw, nl_addr_get_binary_addr(gw), 4);
    }
}

/* Which kernel table a walk reads: the routes of one family, or the addresses. */
enum walk_table
{
    WALK_ROUTES_V4,
    WALK_ROUTES_V6,
    WALK_ADDRS,
};

/* Call @p cb for every entry of @p table; false (logged) if it cannot be read. */
static bool
walk(enum walk_table table, void (*cb)(struct nl_object *, void *), void *arg)
{
    struct nlreq req;
    struct nl_cache *cache = NULL;
    int rc;

    if (!req_open(&req))
    {
        return false;
    }
    if (table == WALK_ADDRS)
    {
        rc = rtnl_addr_alloc_cache(req.sk, &cache);
    }
    else
    {
        rc = rtnl_route_alloc_cache(req.sk, table == WALK_ROUTES_V4 ? AF_INET : AF_INET6, 0, &cache);
    }
    if (rc < 0)
    {
        req_report(&req, rc);
        req_close(&req);
        return false;
    }
    nl_cache_foreach(cache, cb, arg);
    nl_cache_free(cache);
    req_close(&req);
    return true;
}

/* The name of interface @p ifindex into @p ifname, "" if there is none. */
static void
name_of_index(int ifindex, char ifname[16])
{
    char name[IF_NAMESIZE];

    ifname[0] = '\0';
    if (ifindex > 0 && if_indextoname((unsigned int) ifindex, name))
    {
        strbcpy(ifname, name, 16);
    }
}

bool
sitnl_default_gw_v4(struct in_addr *gw, char ifname[16])
{
    struct best_gw best = { 0 };

    if (!walk(WALK_ROUTES_V4, consider_route, &best) || !best.found)
    {
        return false;
    }
    *gw = best.gw;
    name_of_index(best.ifindex, ifname);
    return true;
}

/* The IPv6 route for one destination (sitnl_route_v6_best). */
struct best6
{
    struct in6_addr dst;
    bool found;
    int prefixlen;
    uint32_t priority;
    bool have_gw;
    struct in6_addr gw;
    int ifindex;
};

static void
consider_route6(struct nl_object *obj, void *arg)
{
    struct rtnl_route *rt = (struct rtnl_route *) obj;
    struct best6 *b = arg;
    struct nl_addr *dst = rtnl_route_get_dst(rt);
    int bits = dst ? (int) nl_addr_get_prefixlen(dst) : 0;
    struct rtnl_nexthop *nh;
    struct nl_addr *gw;
    struct in6_addr net;

    if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST ||
        rtnl_route_get_nnexthops(rt) < 1)
    {
        return;
    }
    memset(&net, 0, sizeof(net));
    if (dst && nl_addr_get_len(dst) == sizeof(net))
    {
        memcpy(&net, nl_addr_get_binary_addr(dst), sizeof(net));
    }
    if (!sockaddr_in6_in_net(&b->dst, &net, bits) || (b->found && (bits < b->prefixlen ||
        (bits == b->prefixlen && rtnl_route_get_priority(rt) >= b->priority))))
    {
        return;
    }
    nh = rtnl_route_nexthop_n(rt, 0);
    gw = rtnl_route_nh_get_gateway(nh);
    b->found = true;
    b->prefixlen = bits;
    b->priority = rtnl_route_get_priority(rt);
    b->ifindex = rtnl_route_nh_get_ifindex(nh);
    b->have_gw = gw && nl_addr_get_len(gw) == sizeof(b->gw);
    memset(&b->gw, 0, sizeof(b->gw));
    if (b->have_gw)
    {
        memcpy(&b->gw, nl_addr_get_binary_addr(gw), sizeof(b->gw));
    }
}

bool
sitnl_route_v6_best(const struct in6_addr *dst, struct in6_addr *gw, bool *have_gw,
                    char ifname[16])
{
    struct best6 b;

    memset(&b, 0, sizeof(b));
    b.dst = *dst;
    if (!walk(WALK_ROUTES_V6, consider_route6, &b) || !b.found)
    {
        return false;
    }
    *gw = b.gw;
    *have_gw = b.have_gw;
    name_of_index(b.ifindex, ifname);
    return ifname[0] != '\0';
}

/* One IPv4 address of the interface being listed (sitnl_iface_addrs_v4). */
struct addr_walk
{
    int ifindex;
    struct in_addr *addrs;
    int *prefixes;
    size_t max, n;
};

static void
consider_addr(struct nl_object *obj, void *arg)
{
    struct rtnl_addr *a = (struct rtnl_addr *) obj;
    struct addr_walk *w = arg;
    struct nl_addr *local = rtnl_addr_get_local(a);

    if (w->n >= w->max || rtnl_addr_get_family(a) != AF_INET ||
        rtnl_addr_get_ifindex(a) != w->ifindex || !local ||
        nl_addr_get_len(local) != sizeof(struct in_addr))
    {
        return;
    }
    memcpy(&w->addrs[w->n], nl_addr_get_binary_addr(local), sizeof(struct in_addr));
    w->prefixes[w->n] = rtnl_addr_get_prefixlen(a);
    w->n++;
}

bool
sitnl_iface_addrs_v4(const char *ifname, struct in_addr *addrs, int *prefixes, size_t max,
                     size_t *n)
{
    struct addr_walk w = { .addrs = addrs, .prefixes = prefixes, .max = max };

    *n = 0;
    w.ifindex = (int) if_nametoindex(ifname);
    if (w.ifindex <= 0 || !walk(WALK_ADDRS, consider_addr, &w))
    {
        return false;
    }
    *n = w.n;
    return true;
}
