/* SPDX-License-Identifier: GPL-2.0-only */
/* tunnel_manage.c -- see tunnel_manage.h. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "error.h"
#include "event.h"
#include "manage.h"
#include "options.h"
#include "otime.h"
#include "sig.h"
#include "strutil.h"
#include "sockaddr.h"
#include "status.h"
#include "init_env.h"
#include "tunnel_manage.h"

/*
 * The callbacks' arg is the persist_state: its tm names the running
 * instance (ps->tm.current, NULL between instances) and keeps what lives
 * across them.
 */

static void
cb_status(void *arg, int version, void (*emit)(void *, const char *), void *emit_arg)
{
    struct context *current = ((struct persist_state *) arg)->tm.current;
    struct status_p2p_view v;
    (void) version; /* one format for point-to-point and clients, as 2.6 */

    if (current)
    {
        tunnel_dco_refresh_stats(current);
        status_p2p_view_fill(current, otime_wall(), &v);
        status_p2p_lines(&v, emit, emit_arg);
    }
    else
    {
        emit(emit_arg, "END");
    }
}

static void
cb_password(void *arg, const char *type, const char *user, const char *pass)
{
    struct tunnel_mgmt *tm = &((struct persist_state *) arg)->tm;

    if (strcmp(type, "Auth") != 0)
    {
        return;
    }
    snprintf(tm->pw_user, sizeof(tm->pw_user), "%s", user ? user : "");
    snprintf(tm->pw_pass, sizeof(tm->pw_pass), "%s", pass ? pass : "");
    tm->pw_answered = true;
}

static void
cb_signal(void *arg, int signum)
{
    (void) arg;
    sig_raise(signum, ""); /* 2.6 logs it like an outside signal: "SIGTERM[hard,]" */
}

/* 2.6's load-stats counts from the start of the process, across restarts. */
static void
link_totals(const struct tunnel_mgmt *tm, struct context *c, uint64_t *in, uint64_t *out)
{
    if (c)
    {
        tunnel_dco_refresh_stats(c);
    }
    *in = tm->ended_in + (c ? c->stats.link_read_bytes : 0);
    *out = tm->ended_out + (c ? c->stats.link_write_bytes : 0);
}

void
tunnel_manage_link_totals(struct context *c, uint64_t *in, uint64_t *out)
{
    link_totals(&c->ps->tm, c, in, out);
}

static void
cb_load_stats(void *arg, int *nclients, uint64_t *in, uint64_t *out)
{
    const struct tunnel_mgmt *tm = &((struct persist_state *) arg)->tm;

    *nclients = 0;
    link_totals(tm, tm->current, in, out);
}

static void
cb_bytecount(void *arg, uint64_t *in, uint64_t *out)
{
    struct context *current = ((struct persist_state *) arg)->tm.current;

    if (current)
    {
        tunnel_dco_refresh_stats(current); /* the kernel moves the data packets */
    }
    *in = current ? current->stats.link_read_bytes : 0;
    *out = current ? current->stats.link_write_bytes : 0;
}

void
tunnel_manage_config(const struct options *o, struct manage_config *cfg)
{
    *cfg = (struct manage_config){
        .addr = o->management_addr,
        .port = o->management_port,
        .unix_socket = o->management_unix,
        .pw_file = o->management_pw_file,
        .hold = o->management_hold,
        .client_auth = o->mode == MODE_SERVER && o->management_client_auth,
        .query_passwords = o->management_query_passwords,
        .forget_disconnect = o->management_forget_disconnect,
        .signal_on_disconnect = o->management_signal,
        .log_history = o->management_log_history,
        .server = o->mode == MODE_SERVER,
        .client_user = o->management_client_user,
        .client_group = o->management_client_group,
        .title = options_title(),
    };
}

bool
tunnel_manage_open(struct persist_state *ps, const struct options *o)
{
    struct manage_config cfg;
    struct manage_callbacks cb = {
        .arg = ps,
        .status = cb_status,
        .signal = cb_signal,
        .load_stats = cb_load_stats,
        .bytecount = cb_bytecount,
        .password = cb_password,
    };

    if (!o->management_addr || ps->mgmt)
    {
        return true;
    }
    if (o->mode == MODE_SERVER)
    {
        /* until the server's instance table exists (multi_manage.c), and
         * between restarts, 2.6 answers only these */
        cb = (struct manage_callbacks){ .arg = ps, .signal = cb_signal, .load_stats = cb_load_stats };
    }
    tunnel_manage_config(o, &cfg);
    ps->mgmt = manage_open(&cfg, &cb);
    ps->query_passwords = o->management_query_passwords;
    if (ps->mgmt)
    {
        /* the one CONNECTING of the history: restarts go RECONNECTING -> ... */
        manage_set_state(ps->mgmt, otime_wall(), "CONNECTING", "", "", "", "", "", "", NULL);
    }
    return ps->mgmt != NULL;
}

void
tunnel_manage_close(struct persist_state *ps)
{
    manage_close(ps->mgmt);
    ps->mgmt = NULL;
}

bool
tunnel_manage_holds(const struct persist_state *ps)
{
    return ps->mgmt && manage_hold_is_set(ps->mgmt);
}

bool
tunnel_manage_hold(struct persist_state *ps, int seconds)
{
    if (!ps->mgmt || !manage_hold_is_set(ps->mgmt))
    {
        return true;
    }
    return manage_hold_wait(ps->mgmt, seconds);
}

bool
tunnel_manage_query_auth(struct persist_state *ps, bool need_user, char *user, size_t user_len,
                         char *pass, size_t pass_len)
{
    if (!ps->mgmt || !ps->query_passwords)
    {
        return false;
    }
    struct tunnel_mgmt *tm = &ps->tm;

    tm->pw_answered = false;
    manage_query_password(ps->mgmt, "Auth", need_user);
    msg(M_INFO, "Need password(s) from management interface, waiting...");
    while (!tm->pw_answered && !sig_pending())
    {
        struct pollfd pfd[2];
        int fds[2];
        bool ww = false;
        int n = manage_fds(ps->mgmt, fds, &ww);
        struct timespec ts = { .tv_sec = 1 };

        for (int i = 0; i < n; i++)
        {
            pfd[i].fd = fds[i];
            pfd[i].events = (short) (POLLIN | (ww && i == n - 1 ? POLLOUT : 0));
        }
        ppoll(pfd, (nfds_t) n, &ts, sig_wait_mask());
        manage_io(ps->mgmt, otime_mono());
    }
    if (!tm->pw_answered)
    {
        return false;
    }
    if (need_user)
    {
        snprintf(user, user_len, "%s", tm->pw_user);
    }
    snprintf(pass, pass_len, "%s", tm->pw_pass);
    tm->pw_answered = false;
    secure_memzero(tm->pw_user, sizeof(tm->pw_user));
    secure_memzero(tm->pw_pass, sizeof(tm->pw_pass));
    return true;
}

void
tunnel_manage_auth_failed(struct persist_state *ps)
{
    if (ps->mgmt && ps->query_passwords)
    {
        manage_auth_failed(ps->mgmt, "Auth");
    }
}

void
tunnel_manage_attach(struct persist_state *ps, struct context *c)
{
    struct tunnel_mgmt *tm = &ps->tm;

    if (tm->current && tm->current != c)
    {
        tm->ended_in += tm->current->stats.link_read_bytes;
        tm->ended_out += tm->current->stats.link_write_bytes;
    }
    tm->current = c;
    tm->registered_fd[0] = tm->registered_fd[1] = -1; /* a new instance has a new event set */
    tm->registered_write[0] = tm->registered_write[1] = false;
}

void
tunnel_manage_interest(struct context *c)
{
    struct tunnel_mgmt *tm = &c->ps->tm;
    int fds[2];
    bool want_write = false;
    int n;

    if (!c->ps->mgmt)
    {
        return;
    }
    n = manage_fds(c->ps->mgmt, fds, &want_write);
    for (int i = 0; i < 2; i++)
    {
        int fd = i < n ? fds[i] : -1;
        bool w = i == n - 1 && want_write;

        if (fd != tm->registered_fd[i] || w != tm->registered_write[i])
        {
            if (fd >= 0)
            {
                event_ctl(&c->es, fd, EVENT_READ | (w ? EVENT_WRITE : 0), &c->ps->mgmt);
            }
            tm->registered_fd[i] = fd;
            tm->registered_write[i] = w;
        }
    }
}

void
tunnel_manage_io(struct context *c)
{
    manage_io(c->ps->mgmt, otime_mono());
}

void
tunnel_manage_tick(struct context *c)
{
    time_t now = otime_mono();

    if (c->ps->mgmt && now != c->ps->tm.last_tick)
    {
        c->ps->tm.last_tick = now;
        manage_tick(c->ps->mgmt, otime_wall());
    }
}

/* The socket's own address, if it is bound to one (2.6 leaves a wildcard out). */
static bool
bound_address(const struct context *c, char *addr, size_t an, char *port, size_t pn)
{
    struct link_addr la;
    int fd = c->link.fd >= 0 ? c->link.fd : c->link.listen_fd;
    socklen_t len = sizeof(la.ss);

    memset(&la, 0, sizeof(la));
    if (!c->link_open || fd < 0 || getsockname(fd, (struct sockaddr *) &la.ss, &len) != 0)
    {
        return false;
    }
    la.len = len;
    if (la.ss.ss_family == AF_INET)
    {
        const struct sockaddr_in *a = (const void *) &la.ss;

        if (a->sin_addr.s_addr == htonl(INADDR_ANY))
        {
            return false;
        }
    }
    else if (la.ss.ss_family == AF_INET6)
    {
        const struct sockaddr_in6 *a = (const void *) &la.ss;

        if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr))
        {
            return false;
        }
    }
    else
    {
        return false;
    }
    sockaddr_print_addr(&la, addr, an);
    snprintf(port, pn, "%u", sockaddr_port(&la));
    return true;
}

void
tunnel_manage_state(struct context *c, const char *state, const char *detail)
{
    char rip[64] = "", rport[16] = "", lip[64] = "", lport[16] = "", ip6[64] = "";
    const struct options *o = c->o;
    bool connected = strcmp(state, "CONNECTED") == 0;
    /* the tun addresses: from ASSIGN_IP on, not with ADD_ROUTES (2.6) */
    bool tun_known = strcmp(state, "ASSIGN_IP") == 0 || connected;

    if (!c->ps->mgmt)
    {
        return;
    }
    /* as 2.6: the remote address and port only once CONNECTED; the tun
     * address from ASSIGN_IP on (before that it may still be unknown) */
    if (c->peer_known && connected)
    {
        sockaddr_print_addr(&c->peer, rip, sizeof(rip));
        snprintf(rport, sizeof(rport), "%u", sockaddr_port(&c->peer));
    }
    if (connected)
    {
        bound_address(c, lip, sizeof(lip), lport, sizeof(lport));
    }
    if (tun_known && o->ifconfig_ipv6_local)
    {
        snprintf(ip6, sizeof(ip6), "%.*s", (int) strcspn(o->ifconfig_ipv6_local, "/"),
                 o->ifconfig_ipv6_local);
    }
    manage_set_state(c->ps->mgmt, otime_wall(), state, detail ? detail : "",
                     tun_known && o->ifconfig_local ? o->ifconfig_local : "", rip, rport, lip,
                     lport, ip6);
}

static void
emit_updown_var(void *arg, const char *var)
{
    char line[1100];

    snprintf(line, sizeof(line), "ENV,%s", var);
    manage_notify(arg, "UPDOWN", line);
}

void
tunnel_manage_up_down_to(struct manage *m, struct context *c, const char *what)
{
    if (!m || !c->o->management_up_down)
    {
        return;
    }
    manage_notify(m, "UPDOWN", what);
    init_env_updown(c, emit_updown_var, m);
    manage_notify(m, "UPDOWN", "ENV,END");
}

void
tunnel_manage_up_down(struct context *c, const char *what)
{
    tunnel_manage_up_down_to(c->ps->mgmt, c, what);
}
