/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dhcp.c -- router options out of DHCP answers (see dhcp.h).
 *
 * The option walk follows 2.6 step for step, including how it treats a
 * truncated option, so that exactly the packets 2.6 rewrites are
 * rewritten.  Every index is checked against the option area's length
 * before the byte is touched.
 *
 * Tier 1: basic.h, buffer.h and proto.h only.
 */
#include "dhcp.h"

#include <string.h>

#include "basic.h"
#include "buffer.h"
#include "proto.h"

/* fixed offsets from the IPv4 header: 2.6 does not look at its length */
#define IP_PROTO_OFF 9
#define IP_SRC_OFF   12
#define IP_DST_OFF   16
#define UDP_OFF      20
#define UDP_HDR      8
#define BOOTP_OFF    (UDP_OFF + UDP_HDR)
#define BOOTP_FIXED  240 /* op ... file, magic cookie */
#define OPTIONS_OFF  (BOOTP_OFF + BOOTP_FIXED)
#define IPPROTO_UDP_ 17
#define BOOTPS_PORT  67
#define BOOTPC_PORT  68
#define BOOTREPLY    2
#define OPT_PAD      0
#define OPT_ROUTER   3
#define OPT_MSG_TYPE 53
#define OPT_END      255
#define DHCPOFFER    2
#define DHCPACK      5

/* The DHCP message type, or -1 if the options do not say (2.6's walk). */
static int
message_type(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n)
    {
        size_t room = n - i;

        if (p[i] == OPT_END)
        {
            return -1;
        }
        if (p[i] == OPT_MSG_TYPE)
        {
            return room >= 3 && p[i + 1] == 1 ? p[i + 2] : -1;
        }
        if (p[i] == OPT_PAD || room < 2)
        {
            i++;
        }
        else
        {
            i += (size_t) p[i + 1] + 2;
        }
    }
    return -1;
}

/* Remove every router option; the first nonzero router address goes to
 * *router (which starts at 0). */
static void
remove_routers(uint8_t *p, size_t n, uint32_t *router)
{
    size_t i = 0;

    while (i < n && p[i] != OPT_END)
    {
        size_t room = n - i, len, gone;

        if (p[i] == OPT_PAD)
        {
            i++;
            continue;
        }
        if (room < 2 || (size_t) p[i + 1] > room - 2)
        {
            break; /* truncated: 2.6 stops here */
        }
        len = p[i + 1];
        if (p[i] != OPT_ROUTER)
        {
            i += len + 2;
            continue;
        }
        if (*router == 0 && len >= 4 && (len & 3) == 0)
        {
            memcpy(router, p + i + 2, 4);
        }
        /* the options behind move up; i now names the next one */
        gone = len + 2;
        memmove(p + i, p + i + gone, n - i - gone);
        memset(p + n - gone, OPT_PAD, gone);
    }
}

bool
dhcp_strip_router(uint8_t *pkt, size_t len, bool tap, uint32_t *router)
{
    size_t off, ip_len;
    uint8_t *ip, *udp;
    uint32_t addr = 0;
    int type;
    uint16_t sum;

    if (!proto_ip_offset(pkt, len, tap, 4, &off) || len - off < OPTIONS_OFF)
    {
        return false;
    }
    ip = pkt + off;
    ip_len = len - off;
    udp = ip + UDP_OFF;
    if (ip[IP_PROTO_OFF] != IPPROTO_UDP_ || load_be16(udp) != BOOTPS_PORT ||
        load_be16(udp + 2) != BOOTPC_PORT || ip[BOOTP_OFF] != BOOTREPLY)
    {
        return false;
    }
    type = message_type(ip + OPTIONS_OFF, ip_len - OPTIONS_OFF);
    if (type != DHCPACK && type != DHCPOFFER)
    {
        return false;
    }
    remove_routers(ip + OPTIONS_OFF, ip_len - OPTIONS_OFF, &addr);
    udp[6] = udp[7] = 0;
    sum = proto_checksum(udp, ip_len - UDP_OFF, ip + IP_SRC_OFF, ip + IP_DST_OFF, 4, IPPROTO_UDP_);
    store_be16(udp + 6, sum);
    /* 2.6 takes the router from an ACK only, and never 0.0.0.0 */
    if (type != DHCPACK || addr == 0)
    {
        return false;
    }
    *router = addr;
    return true;
}
