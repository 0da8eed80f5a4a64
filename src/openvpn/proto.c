/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proto.c -- IP header inspection and the --block-ipv6 answer (see
 * proto.h for the contract).
 *
 * Tier 1: basic.h and buffer.h only.  No logging: a packet that does not qualify is
 * simply not answered.
 */
#include "proto.h"

#include <string.h>

#include "basic.h"
#include "buffer.h"

#define IPV4_MIN_HDR      20
#define VLAN_TAG          4
#define ETHERTYPE_IPV4    0x0800
#define ETHERTYPE_IPV6    0x86DD
#define ETHERTYPE_8021Q   0x8100
#define IPPROTO_ICMP6     58
#define ICMP6_DST_UNREACH 1
#define ICMP6_NOROUTE     0
/* IPv6 header fields */
#define IP6_PLEN_OFF 4
#define IP6_NEXT_OFF 6
#define IP6_SRC_OFF  8
#define IP6_DST_OFF  24

bool
proto_ip_offset(const uint8_t *pkt, size_t len, bool tap, int ver, size_t *off)
{
    size_t o = 0;

    if (!tap)
    {
        if (len < IPV4_MIN_HDR)
        {
            return false;
        }
    }
    else
    {
        uint16_t type;

        /* 2.6 asks for an Ethernet and an IPv4 header's worth either way */
        if (len < PROTO_ETH_HDR + IPV4_MIN_HDR)
        {
            return false;
        }
        type = load_be16(pkt + 12);
        o = PROTO_ETH_HDR;
        if (type == ETHERTYPE_8021Q)
        {
            type = load_be16(pkt + 16);
            o += VLAN_TAG;
        }
        if (type != (ver == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4))
        {
            return false;
        }
    }
    if ((pkt[o] >> 4) != ver)
    {
        return false;
    }
    *off = o;
    return true;
}

static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
    {
        sum += load_be16(p + i);
    }
    if (len & 1)
    {
        sum += (uint32_t) p[len - 1] << 8; /* an odd byte is padded with zero */
    }
    return sum;
}

uint16_t
proto_checksum(const uint8_t *data,
               size_t len,
               const uint8_t *src,
               const uint8_t *dst,
               size_t addr_len,
               uint8_t next_proto)
{
    uint32_t sum = sum16(0, data, len);

    sum = sum16(sum, src, addr_len);
    sum = sum16(sum, dst, addr_len);
    sum += (uint32_t) (len & 0xFFFF) + (uint32_t) (len >> 16);
    sum += next_proto;
    while (sum >> 16)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

size_t
proto_icmp6_unreachable(const uint8_t *pkt,
                        size_t len,
                        bool tap,
                        const uint8_t src[16],
                        int tun_mtu,
                        uint8_t *out,
                        size_t out_cap)
{
    size_t off, ip_len, quote, room, l2 = tap ? PROTO_ETH_HDR : 0;
    const uint8_t *ip;
    uint8_t *ip_out, *icmp;

    if (!proto_ip_offset(pkt, len, tap, 6, &off) || len - off < PROTO_IPV6_HDR)
    {
        return 0;
    }
    ip = pkt + off;
    ip_len = len - off;
    /* 2.6 bounds the quote (not the whole answer) by 1280 and by the MTU */
    room = tun_mtu > PROTO_IPV6_HDR + PROTO_ICMP6_HDR
             ? (size_t) tun_mtu - PROTO_IPV6_HDR - PROTO_ICMP6_HDR
             : 0;
    quote = ip_len;
    if (quote > room)
    {
        quote = room;
    }
    if (quote > PROTO_ICMP6_MAX_QUOTE)
    {
        quote = PROTO_ICMP6_MAX_QUOTE;
    }
    if (out_cap < l2 + PROTO_IPV6_HDR + PROTO_ICMP6_HDR + quote)
    {
        return 0;
    }

    ip_out = out + l2;
    memcpy(ip_out, ip, 4); /* version, traffic class, flow label */
    store_be16(ip_out + IP6_PLEN_OFF, (uint16_t) (PROTO_ICMP6_HDR + quote));
    ip_out[IP6_NEXT_OFF] = IPPROTO_ICMP6;
    ip_out[IP6_NEXT_OFF + 1] = ip[IP6_NEXT_OFF + 1]; /* the hop limit stays */
    memcpy(ip_out + IP6_SRC_OFF, src, 16);
    memcpy(ip_out + IP6_DST_OFF, ip + IP6_SRC_OFF, 16);

    icmp = ip_out + PROTO_IPV6_HDR;
    memset(icmp, 0, PROTO_ICMP6_HDR);
    icmp[0] = ICMP6_DST_UNREACH;
    icmp[1] = ICMP6_NOROUTE;
    memcpy(icmp + PROTO_ICMP6_HDR, ip, quote);
    store_be16(icmp + 2,
                proto_checksum(icmp,
                               PROTO_ICMP6_HDR + quote,
                               ip_out + IP6_SRC_OFF,
                               ip_out + IP6_DST_OFF,
                               16,
                               IPPROTO_ICMP6));
    if (tap)
    {
        memcpy(out, pkt + 6, 6); /* back to the sender */
        memcpy(out + 6, pkt, 6);
        store_be16(out + 12, ETHERTYPE_IPV6);
    }
    return l2 + PROTO_IPV6_HDR + PROTO_ICMP6_HDR + quote;
}
