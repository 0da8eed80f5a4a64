/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sockaddr.h -- transport addresses: resolve, print in OpenVPN 2.6's
 * "[AF_INET]198.51.100.1:1194" form, compare.
 *
 * Tier 3o (operating system).  Must not include options.h or any
 * crypto / control-channel header.  struct link_addr is a plain value:
 * copy it freely, nothing is allocated.
 */
#ifndef OVPN_SOCKADDR_H
#define OVPN_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** An IPv4 or IPv6 socket address; len 0 means "unset". */
struct link_addr
{
    struct sockaddr_storage ss;
    socklen_t len;
};

/** Big enough for any sockaddr_print() output. */
#define SOCKADDR_PRINT_MAX 80

/**
 * Resolve @p host / @p port with getaddrinfo() and keep the first result.
 *
 * @param host     name or literal; NULL for the wildcard address
 * @param port     service name or number; NULL means 0
 * @param af       AF_UNSPEC, AF_INET or AF_INET6
 * @param socktype SOCK_DGRAM or SOCK_STREAM
 * @param passive  true for an address to bind to
 * @return false (logged as 2.6 does, "RESOLVE: Cannot resolve host
 *         address: NAME:PORT (REASON)") if nothing resolves
 */
bool sockaddr_resolve(const char *host,
                      const char *port,
                      sa_family_t af,
                      int socktype,
                      bool passive,
                      struct link_addr *out);

/** sockaddr_resolve() whose failure line ends with @p note ("" for none). */
bool sockaddr_resolve_note(const char *host,
                           const char *port,
                           sa_family_t af,
                           int socktype,
                           bool passive,
                           const char *note,
                           struct link_addr *out);

/** Fill @p out from a raw sockaddr of @p len bytes; false if not AF_INET/AF_INET6. */
bool sockaddr_from_raw(struct link_addr *out, const struct sockaddr *sa, socklen_t len);

/**
 * Print @p a the way 2.6 logs it: "[AF_INET]198.51.100.1:1194",
 * "[AF_INET6]2001:db8::1:1194", "[AF_INET][undef]:1194" for a wildcard,
 * "[undef]" for an unset address.  Returns @p buf.
 */
const char *sockaddr_print(const struct link_addr *a, char *buf, size_t n);

/** Print only the address ("198.51.100.1"), no family and no port. */
const char *sockaddr_print_addr(const struct link_addr *a, char *buf, size_t n);

/** Port in host byte order; 0 if unset. */
unsigned int sockaddr_port(const struct link_addr *a);

/** True if both are set, of one family, and have equal address and port. */
bool sockaddr_equal(const struct link_addr *a, const struct link_addr *b);

/** Like sockaddr_equal() but ignores the port. */
bool sockaddr_equal_addr(const struct link_addr *a, const struct link_addr *b);

/** True for the unspecified address (0.0.0.0 / ::). */
bool sockaddr_is_any(const struct link_addr *a);

/** True if @p a lies in @p net / @p bits (header-only: routing code uses it too). */
static inline bool
sockaddr_in6_in_net(const struct in6_addr *a, const struct in6_addr *net, int bits)
{
    for (int i = 0; i < 16 && bits > 0; i++, bits -= 8)
    {
        uint8_t mask = bits >= 8 ? 0xff : (uint8_t) (0xff << (8 - bits));

        if ((a->s6_addr[i] & mask) != (net->s6_addr[i] & mask))
        {
            return false;
        }
    }
    return true;
}

#endif /* OVPN_SOCKADDR_H */
