/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mss.c -- TCP MSS clamping for --mssfix (see mss.h for the contract).
 *
 * Every length used below is checked against the buffer before the bytes
 * it covers are read, and the first inconsistency ends the work with the
 * packet untouched: the packet comes from the tun device or the peer.
 *
 * Tier 1: buffer.h only.  No logging: a malformed packet is simply not
 * clamped, and it is forwarded as it is, like any other packet.
 */
#include "mss.h"

#define IPV4_MIN_HDR     20
#define IPV6_HDR         40
#define IP_PROTO_TCP     6
#define IPV4_OFFSET_MASK 0x1FFF /* fragment offset bits of the flags/offset word */
#define TCP_MIN_HDR      20
#define TCP_FLAGS_OFF    13
#define TCP_FLAG_SYN     0x02
#define TCP_CSUM_OFF     16
#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2
#define TCPOLEN_MSS      4
#define ETH_HDR          14
#define VLAN_TAG         4
#define ETHERTYPE_IPV4   0x0800
#define ETHERTYPE_IPV6   0x86DD
#define ETHERTYPE_8021Q  0x8100
#define IPV6_MSS_DELTA   20 /* an IPv6 header is 20 bytes longer than IPv4's */

static uint16_t
swap16(uint16_t v)
{
    return (uint16_t) ((v << 8) | (v >> 8));
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').  A field at an odd offset from
 * the start of the checksummed data lands in the sum byte-swapped; the
 * one's complement sum commutes with byte swapping, so swapping m and m'
 * is enough.
 */
static void
csum_replace(uint8_t *csum, uint16_t old, uint16_t new, bool odd)
{
    uint32_t sum;

    if (odd)
    {
        old = swap16(old);
        new = swap16(new);
    }
    sum = (uint32_t) (uint16_t) ~load_be16(csum) + (uint16_t) ~old + new;
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    store_be16(csum, (uint16_t) ~sum);
}

/* @p tcp: the TCP segment, exactly (the IP layer checked its length). */
static void
clamp_tcp(uint8_t *tcp, size_t len, uint16_t maxmss)
{
    size_t hlen;
    size_t i;

    if (len < TCP_MIN_HDR || !(tcp[TCP_FLAGS_OFF] & TCP_FLAG_SYN))
    {
        return;
    }
    hlen = (size_t) (tcp[12] >> 4) * 4;
    if (hlen < TCP_MIN_HDR || hlen > len)
    {
        return;
    }
    for (i = TCP_MIN_HDR; i < hlen;)
    {
        uint8_t kind = tcp[i];
        size_t olen;

        if (kind == TCPOPT_EOL)
        {
            return;
        }
        if (kind == TCPOPT_NOP)
        {
            i++;
            continue;
        }
        if (i + 1 >= hlen)
        {
            return;
        }
        olen = tcp[i + 1];
        if (olen < 2 || olen > hlen - i)
        {
            return; /* malformed option list: leave it all alone */
        }
        if (kind == TCPOPT_MSS && olen == TCPOLEN_MSS)
        {
            uint16_t mss = load_be16(tcp + i + 2);

            if (mss > maxmss)
            {
                store_be16(tcp + i + 2, maxmss);
                csum_replace(tcp + TCP_CSUM_OFF, mss, maxmss, ((i + 2) & 1) != 0);
            }
        }
        i += olen;
    }
}

void
mss_clamp_ipv4(struct buffer *pkt, uint16_t maxmss)
{
    uint8_t *ip = buf_ptr(pkt);
    size_t len = buf_len(pkt);
    size_t hlen;

    if (len < IPV4_MIN_HDR || (ip[0] >> 4) != 4 || ip[9] != IP_PROTO_TCP)
    {
        return;
    }
    hlen = (size_t) (ip[0] & 0x0F) * 4;
    /* only whole packets or first fragments carry the TCP header */
    if (hlen < IPV4_MIN_HDR || hlen > len || load_be16(ip + 2) != len ||
        (load_be16(ip + 6) & IPV4_OFFSET_MASK) != 0)
    {
        return;
    }
    clamp_tcp(ip + hlen, len - hlen, maxmss);
}

void
mss_clamp_ipv6(struct buffer *pkt, uint16_t maxmss)
{
    uint8_t *ip = buf_ptr(pkt);
    size_t len = buf_len(pkt);

    /* extension headers are not walked: TCP must follow the fixed header */
    if (len < IPV6_HDR || (ip[0] >> 4) != 6 || (size_t) load_be16(ip + 4) + IPV6_HDR != len ||
        ip[6] != IP_PROTO_TCP || maxmss <= IPV6_MSS_DELTA)
    {
        return;
    }
    clamp_tcp(ip + IPV6_HDR, len - IPV6_HDR, (uint16_t) (maxmss - IPV6_MSS_DELTA));
}

void
mss_clamp(struct buffer *pkt, uint16_t maxmss, bool tap)
{
    struct buffer ip = *pkt; /* shares storage: clamping writes through */
    const uint8_t *p = buf_ptr(pkt);
    size_t len = buf_len(pkt);
    uint16_t type;

    if (!tap)
    {
        if (len > 0 && (p[0] >> 4) == 4)
        {
            mss_clamp_ipv4(&ip, maxmss);
        }
        else if (len > 0 && (p[0] >> 4) == 6)
        {
            mss_clamp_ipv6(&ip, maxmss);
        }
        return;
    }
    if (len < ETH_HDR)
    {
        return;
    }
    type = load_be16(p + 12);
    if (type == ETHERTYPE_8021Q)
    {
        if (len < ETH_HDR + VLAN_TAG)
        {
            return;
        }
        type = load_be16(p + 16);
        (void) buf_advance(&ip, VLAN_TAG);
    }
    (void) buf_advance(&ip, ETH_HDR);
    if (type == ETHERTYPE_IPV4)
    {
        mss_clamp_ipv4(&ip, maxmss);
    }
    else if (type == ETHERTYPE_IPV6)
    {
        mss_clamp_ipv6(&ip, maxmss);
    }
}
