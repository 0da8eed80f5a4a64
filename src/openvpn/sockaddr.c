/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sockaddr.c -- resolve, print and compare transport addresses.
 * Tier 3o.  Must not include options.h or control-channel headers.
 */
#include "config.h"

#include "sockaddr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

bool
sockaddr_from_raw(struct link_addr *out, const struct sockaddr *sa, socklen_t len)
{
    socklen_t need;

    if (sa->sa_family == AF_INET)
    {
        need = sizeof(struct sockaddr_in);
    }
    else if (sa->sa_family == AF_INET6)
    {
        need = sizeof(struct sockaddr_in6);
    }
    else
    {
        return false;
    }
    if (len < need)
    {
        return false;
    }
    memset(out, 0, sizeof(*out));
    memcpy(&out->ss, sa, need);
    out->len = need;
    return true;
}

bool
sockaddr_resolve(const char *host,
                 const char *port,
                 sa_family_t af,
                 int socktype,
                 bool passive,
                 struct link_addr *out)
{
    return sockaddr_resolve_note(host, port, af, socktype, passive, "", out);
}

bool
sockaddr_resolve_note(const char *host,
                      const char *port,
                      sa_family_t af,
                      int socktype,
                      bool passive,
                      const char *note,
                      struct link_addr *out)
{
    struct addrinfo hints, *res = NULL, *ai;
    int status;
    bool ok = false;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = af;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    if (port && (port[0] < '0' || port[0] > '9'))
    {
        hints.ai_flags &= ~AI_NUMERICSERV; /* a service name such as "openvpn" */
    }

    status = getaddrinfo(host, port ? port : "0", &hints, &res);
    if (status != 0)
    {
        msg(D_RESOLVE_ERRORS,
            "RESOLVE: Cannot resolve host address: %s:%s (%s)%s",
            host ? host : "[UNDEF]",
            port ? port : "[UNDEF]",
            gai_strerror(status),
            note);
        return false;
    }
    for (ai = res; ai; ai = ai->ai_next)
    {
        if (sockaddr_from_raw(out, ai->ai_addr, ai->ai_addrlen))
        {
            ok = true;
            break;
        }
    }
    freeaddrinfo(res);
    if (!ok)
    {
        msg(D_RESOLVE_ERRORS,
            "RESOLVE: Cannot resolve host address: %s:%s (%s)%s",
            host ? host : "[UNDEF]",
            port ? port : "[UNDEF]",
            gai_strerror(EAI_FAMILY),
            note);
    }
    return ok;
}

unsigned int
sockaddr_port(const struct link_addr *a)
{
    if (a->len && a->ss.ss_family == AF_INET)
    {
        return ntohs(((const struct sockaddr_in *) &a->ss)->sin_port);
    }
    if (a->len && a->ss.ss_family == AF_INET6)
    {
        return ntohs(((const struct sockaddr_in6 *) &a->ss)->sin6_port);
    }
    return 0;
}

bool
sockaddr_is_any(const struct link_addr *a)
{
    if (a->len && a->ss.ss_family == AF_INET)
    {
        return ((const struct sockaddr_in *) &a->ss)->sin_addr.s_addr == htonl(INADDR_ANY);
    }
    if (a->len && a->ss.ss_family == AF_INET6)
    {
        return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *) &a->ss)->sin6_addr);
    }
    return false;
}

const char *
sockaddr_print_addr(const struct link_addr *a, char *buf, size_t n)
{
    const void *src = NULL;

    if (n == 0)
    {
        return buf;
    }
    buf[0] = '\0';
    if (a->len && a->ss.ss_family == AF_INET)
    {
        src = &((const struct sockaddr_in *) &a->ss)->sin_addr;
    }
    else if (a->len && a->ss.ss_family == AF_INET6)
    {
        src = &((const struct sockaddr_in6 *) &a->ss)->sin6_addr;
    }
    if (!src || !inet_ntop(a->ss.ss_family, src, buf, (socklen_t) n))
    {
        snprintf(buf, n, "[undef]");
    }
    return buf;
}

const char *
sockaddr_print(const struct link_addr *a, char *buf, size_t n)
{
    char addr[INET6_ADDRSTRLEN];
    const char *fam;

    if (n == 0)
    {
        return buf;
    }
    if (!a->len || (a->ss.ss_family != AF_INET && a->ss.ss_family != AF_INET6))
    {
        snprintf(buf, n, "[AF_UNSPEC]");
        return buf;
    }
    fam = a->ss.ss_family == AF_INET ? "AF_INET" : "AF_INET6";
    /* 2.6 prints the wildcard as "[undef]" so "bound to any" reads clearly. */
    if (sockaddr_is_any(a))
    {
        snprintf(addr, sizeof(addr), "[undef]");
    }
    else
    {
        sockaddr_print_addr(a, addr, sizeof(addr));
    }
    if (sockaddr_port(a))
    {
        snprintf(buf, n, "[%s]%s:%u", fam, addr, sockaddr_port(a));
    }
    else
    {
        snprintf(buf, n, "[%s]%s", fam, addr);
    }
    return buf;
}

bool
sockaddr_equal_addr(const struct link_addr *a, const struct link_addr *b)
{
    if (!a->len || !b->len || a->ss.ss_family != b->ss.ss_family)
    {
        return false;
    }
    if (a->ss.ss_family == AF_INET)
    {
        return ((const struct sockaddr_in *) &a->ss)->sin_addr.s_addr ==
               ((const struct sockaddr_in *) &b->ss)->sin_addr.s_addr;
    }
    if (a->ss.ss_family == AF_INET6)
    {
        return IN6_ARE_ADDR_EQUAL(&((const struct sockaddr_in6 *) &a->ss)->sin6_addr,
                                  &((const struct sockaddr_in6 *) &b->ss)->sin6_addr);
    }
    return false;
}

bool
sockaddr_equal(const struct link_addr *a, const struct link_addr *b)
{
    return sockaddr_equal_addr(a, b) && sockaddr_port(a) == sockaddr_port(b);
}
