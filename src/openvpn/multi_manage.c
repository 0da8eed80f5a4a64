/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi_manage.c -- the server's side of the management interface
 * (manage.h): the callbacks that answer `status`, `kill`, `client-kill`,
 * `client-auth`/`client-deny`, `load-stats`, `signal` and the bytecount
 * timer from the instance table, and the >CLIENT: notifications.
 * Tier 6.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "env_set.h"
#include "init_env.h"
#include "error.h"
#include "strutil.h"
#include "event.h"
#include "multi.h"
#include "options.h"
#include "otime.h"
#include "sig.h"
#include "status.h"
#include "tunnel_manage.h"

static struct multi_instance *
find_cid(struct multi_context *m, unsigned long cid)
{
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && mi->cid == cid)
        {
            return mi;
        }
    }
    return NULL;
}

static void
cb_status(void *arg, int version, void (*emit)(void *, const char *), void *emit_arg)
{
    multi_status_lines(arg, version, emit, emit_arg);
}

static int
cb_kill_cn(void *arg, const char *cn)
{
    struct multi_context *m = arg;
    int n = 0;

    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && mi->state == MI_CONNECTED && strcmp(mi->common_name, cn) == 0)
        {
            multi_close(m, mi, "SIGTERM[soft,server-pushed-connection-reset] received, "
                               "client-instance exiting");
            n++;
        }
    }
    return n;
}

static int
cb_kill_addr(void *arg, const char *ip, int port)
{
    struct multi_context *m = arg;
    char want[SOCKADDR_PRINT_MAX];
    int n = 0;

    snprintf(want, sizeof(want), "%s:%d", ip, port);
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && strcmp(mi->real_str, want) == 0)
        {
            multi_close(m, mi, "SIGTERM[soft,server-pushed-connection-reset] received, "
                               "client-instance exiting");
            n++;
        }
    }
    return n;
}

/* `client-kill CID [MSG]`: tell the client (RESTART unless MSG says otherwise), then drop it. */
static bool
cb_client_kill(void *arg, unsigned long cid, const char *text)
{
    struct multi_context *m = arg;
    struct multi_instance *mi = find_cid(m, cid);

    if (!mi)
    {
        return false;
    }
    if (mi->state == MI_CONNECTED)
    {
        multi_send_text(m, mi, text && *text ? text : "RESTART");
        multi_service(m, mi, otime_mono_ms());
    }
    mi->state = MI_HALTING;
    mi->halt_at = otime_mono() + 2;
    return true;
}

static bool
cb_client_auth(void *arg, unsigned long cid, unsigned int kid, bool allow, const char *reason,
               const char *client_reason, const char *config_text)
{
    struct multi_context *m = arg;
    struct multi_instance *mi = find_cid(m, cid);

    if (!mi || !mi->mgmt_pending || mi->mgmt_kid != kid)
    {
        return false;
    }
    multi_connect_mgmt_answer(m, mi, allow, reason, client_reason, config_text);
    return true;
}

static void
cb_signal(void *arg, int signum)
{
    (void) arg;
    sig_raise(signum, ""); /* 2.6 logs it like an outside signal: "SIGTERM[hard,]" */
}

static void
cb_load_stats(void *arg, int *nclients, uint64_t *in, uint64_t *out)
{
    struct multi_context *m = arg;

    *nclients = 0;
    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && mi->state == MI_CONNECTED)
        {
            (*nclients)++;
        }
    }
    tunnel_manage_link_totals(m->c, in, out);
}

static void
cb_bytecount_clients(void *arg, void (*emit)(void *, unsigned long, uint64_t, uint64_t),
                     void *emit_arg)
{
    struct multi_context *m = arg;

    for (int i = 0; i < m->o->max_clients; i++)
    {
        struct multi_instance *mi = m->by_peer_id[i];

        if (mi && mi->state == MI_CONNECTED)
        {
            emit(emit_arg, mi->cid, mi->bytes_in, mi->bytes_out);
        }
    }
}

/* The interface itself is the process's (tunnel_manage.c): opened before
 * the first start, it outlives every restart; while this server runs it
 * answers from our instance table. */
bool
multi_manage_open(struct multi_context *m)
{
    struct manage_callbacks cb = {
        .arg = m,
        .status = cb_status,
        .kill_cn = cb_kill_cn,
        .kill_addr = cb_kill_addr,
        .client_kill = cb_client_kill,
        .client_auth = cb_client_auth,
        .signal = cb_signal,
        .load_stats = cb_load_stats,
        .bytecount_clients = cb_bytecount_clients,
    };

    m->mgmt = m->c->ps->mgmt;
    if (m->mgmt)
    {
        manage_set_callbacks(m->mgmt, &cb);
    }
    return true;
}

void
multi_manage_close(struct multi_context *m)
{
    if (m->mgmt)
    {
        manage_set_callbacks(m->mgmt, NULL);
        m->mgmt = NULL;
    }
}

/* Register the management sockets with the event set when they change. */
void
multi_manage_interest(struct multi_context *m)
{
    int fds[2];
    bool want_write = false;
    int n;

    if (!m->mgmt)
    {
        return;
    }
    n = manage_fds(m->mgmt, fds, &want_write);
    for (int i = 0; i < 2; i++)
    {
        int fd = i < n ? fds[i] : -1;
        bool w = i == 1 && want_write;

        if (fd != m->mgmt_fd[i] || w != m->mgmt_write[i])
        {
            if (fd >= 0)
            {
                event_ctl(&m->c->es, fd, EVENT_READ | (w ? EVENT_WRITE : 0), &m->mgmt);
            }
            m->mgmt_fd[i] = fd;
            m->mgmt_write[i] = w;
        }
    }
}

/* >CLIENT:ADDRESS for an address learned for the client (the management's
 * client-auth clients only: 2.6 tells those it tracks). */
void
multi_manage_address(struct multi_context *m, struct multi_instance *mi, const char *addr,
                     bool primary)
{
    if (m->mgmt && m->o->management_client_auth)
    {
        manage_client_address(m->mgmt, mi->cid, addr, primary);
    }
}

/* "198.51.100.2:1194" into address and port; trusted_/untrusted_ names get "6" for IPv6. */
static void
real_env(struct env_set *es, const struct multi_instance *mi, const char *kind)
{
    const char *colon = strrchr(mi->real_str, ':');
    bool v6 = mi->real.ss.ss_family == AF_INET6;
    char name[32], a[SOCKADDR_PRINT_MAX];

    snprintf(a, sizeof(a), "%.*s", colon ? (int) (colon - mi->real_str) : 0, mi->real_str);
    snprintf(name, sizeof(name), "%s_ip%s", kind, v6 ? "6" : "");
    env_set_add(es, name, a);
    snprintf(name, sizeof(name), "%s_port", kind);
    env_set_add(es, name, colon ? colon + 1 : "");
}

static void
time_env(struct env_set *es, const struct multi_instance *mi)
{
    char t[32];
    struct tm tm;

    strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", localtime_r(&mi->created_wall, &tm));
    env_set_add(es, "time_ascii", t);
    env_set_addf(es, "time_unix", "%lld", (long long) mi->created_wall);
}

/* The client's tunnel addresses as 2.6 names them. */
static void
vaddr_env(struct multi_context *m, struct multi_instance *mi, struct env_set *es)
{
    const struct options *o = m->o;
    char a[INET6_ADDRSTRLEN];
    struct in_addr ia;

    if (mi->has_v4)
    {
        bool mask = m->tap || o->topology == TOP_SUBNET;

        ia.s_addr = htonl(mi->vaddr4);
        env_set_add(es, "ifconfig_pool_remote_ip", inet_ntop(AF_INET, &ia, a, sizeof(a)));
        ia.s_addr = htonl(multi_connect_ifconfig_second(m, mi));
        env_set_add(es, mask ? "ifconfig_pool_netmask" : "ifconfig_pool_local_ip",
                    inet_ntop(AF_INET, &ia, a, sizeof(a)));
    }
    if (mi->has_v6 && o->ifconfig_ipv6_local)
    {
        env_set_add(es, "ifconfig_pool_remote_ip6", inet_ntop(AF_INET6, mi->vaddr6, a, sizeof(a)));
        snprintf(a, sizeof(a), "%.*s", (int) strcspn(o->ifconfig_ipv6_local, "/"),
                 o->ifconfig_ipv6_local);
        env_set_add(es, "ifconfig_pool_local_ip6", a);
        env_set_addf(es, "ifconfig_pool_ip6_netbits", "%d",
                     mi->cc_loaded && mi->cc.ifconfig_ipv6_push_defined
                       ? mi->cc.ifconfig_ipv6_push_bits : o->ifconfig_ipv6_pool_bits);
    }
}

static void
certificate_env(struct multi_instance *mi, struct env_set *es)
{
    for (size_t i = 0; i < mi->verify.env.n; i++)
    {
        /* the certificate's variables; common_name is the client's, set apart */
        if (strcmp(mi->verify.env.e[i].name, "common_name") != 0)
        {
            env_set_add(es, mi->verify.env.e[i].name, mi->verify.env.e[i].value);
        }
    }
}

/* ESTABLISHED without --management-client-auth (the only event then). */
static void
established_env_plain(struct multi_context *m, struct multi_instance *mi, struct env_set *es)
{
    certificate_env(mi, es);
    real_env(es, mi, "untrusted");
    multi_env_add_peer_info(es, tls_multi_peer_info(mi->tls));
    if (mi->username[0])
    {
        env_set_add(es, "username", mi->username);
    }
    env_set_add(es, "common_name", mi->common_name);
    real_env(es, mi, "trusted");
    vaddr_env(m, mi, es);
    time_env(es, mi);
}

/*
 * The environment of a >CLIENT: event, oldest variable first, in the order
 * 2.6 has set them by then: the server's own, the certificate's, the peer
 * info, the credentials, then what this event adds.
 */
static struct env_set *
event_env(struct multi_context *m, struct multi_instance *mi, const char *what,
          const char *password)
{
    struct env_set *es = env_set_new();

    init_env_server_base(m->c, es);
    if (!m->o->management_client_auth)
    {
        /* no CONNECT came first: 2.6 has set them in another order */
        established_env_plain(m, mi, es);
        return es;
    }
    certificate_env(mi, es);
    multi_env_add_peer_info(es, tls_multi_peer_info(mi->tls));
    if (mi->username[0])
    {
        env_set_add(es, "username", mi->username);
    }
    if (!strcmp(what, "CONNECT") || !strcmp(what, "REAUTH"))
    {
        env_set_add(es, "common_name", mi->common_name);
        real_env(es, mi, "untrusted");
        multi_token_env(m, mi, es); /* --auth-gen-token: the token's session */
        if (password)
        {
            env_set_add(es, "password", password);
        }
        return es;
    }
    real_env(es, mi, "untrusted");
    env_set_add(es, "common_name", mi->common_name);
    if (!strcmp(what, "ESTABLISHED"))
    {
        real_env(es, mi, "trusted");
        time_env(es, mi);
        vaddr_env(m, mi, es);
        return es;
    }
    time_env(es, mi);
    vaddr_env(m, mi, es);
    real_env(es, mi, "trusted");
    env_set_addf(es, "bytes_received", "%llu", (unsigned long long) mi->bytes_in);
    env_set_addf(es, "bytes_sent", "%llu", (unsigned long long) mi->bytes_out);
    env_set_addf(es, "time_duration", "%lld", (long long) (otime_wall() - mi->created_wall));
    return es;
}

static int
connected_clients(struct multi_context *m)
{
    int n = 0;

    for (int i = 0; i < m->o->max_clients; i++)
    {
        /* 2.6 counts a client until its instance is gone */
        n += m->by_peer_id[i] && m->by_peer_id[i]->established;
    }
    return n;
}

/* >CLIENT:CONNECT|REAUTH|ESTABLISHED|DISCONNECT; 2.6 lists the environment
 * newest first.  A client that never authenticated leaves with an empty one. */
void
multi_manage_client_event(struct multi_context *m, struct multi_instance *mi, const char *what,
                          const char *password)
{
    bool disconnect = !strcmp(what, "DISCONNECT");
    struct env_set *es = disconnect && !mi->established
                           ? NULL : event_env(m, mi, what, password);
    size_t n = es ? env_set_count(es) : 0;
    const char **names = xcalloc(n + 1, sizeof(*names));
    const char **values = xcalloc(n + 1, sizeof(*values));
    char **copies = xcalloc(n + 1, sizeof(*copies));
    char **envp = es ? env_set_envp(es) : NULL;
    size_t k = 0;
    struct manage_client_env ev;

    for (size_t i = n; i-- > 0;)
    {
        char *dup = xstrdup(envp[i]); /* the set's own strings stay intact */
        char *eq = strchr(dup, '=');

        if (!eq)
        {
            free(dup);
            continue;
        }
        *eq = '\0';
        copies[k] = dup;
        names[k] = dup;
        values[k++] = eq + 1;
    }
    ev = (struct manage_client_env){
        .names = names,
        .values = values,
        .n = k,
        .n_clients = disconnect ? -1 : connected_clients(m),
        /* listed apart only for the events that ask for a decision */
        .peer_info = disconnect || !strcmp(what, "ESTABLISHED") ? NULL
                                                               : tls_multi_peer_info(mi->tls),
    };
    if (!strcmp(what, "CONNECT") || !strcmp(what, "REAUTH"))
    {
        manage_client_connect(m->mgmt, mi->cid, mi->mgmt_kid, what[0] == 'R', &ev);
    }
    else if (!disconnect)
    {
        manage_client_established(m->mgmt, mi->cid, &ev);
    }
    else
    {
        manage_client_disconnect(m->mgmt, mi->cid, es ? &ev : NULL);
    }
    for (size_t i = 0; i < k; i++)
    {
        secure_memzero(copies[i], strlen(copies[i]) + strlen(values[i]) + 1);
        free(copies[i]);
    }
    free(copies);
    free(names);
    free(values);
    env_set_free(es);
}
