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

#include "env_set.h"
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
    *in = m->c->stats.link_read_bytes;
    *out = m->c->stats.link_write_bytes;
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

bool
multi_manage_open(struct multi_context *m)
{
    const struct options *o = m->o;
    struct manage_config cfg;
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

    if (!o->management_addr)
    {
        return true;
    }
    tunnel_manage_config(o, &cfg);
    m->mgmt = manage_open(&cfg, &cb);
    if (!m->mgmt)
    {
        return false;
    }
    manage_set_state(m->mgmt, otime_wall(), "CONNECTED", "SUCCESS", o->ifconfig_local, "", "",
                     "", "", NULL);
    return true;
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

/* The >CLIENT: notifications need the client's environment as name/value arrays. */
void
multi_manage_client_event(struct multi_context *m, struct multi_instance *mi, const char *what,
                          const struct env_set *es)
{
    size_t n = es ? env_set_count(es) : 0;
    const char **names = xcalloc(n + 1, sizeof(*names));
    const char **values = xcalloc(n + 1, sizeof(*values));
    char **copies = xcalloc(n + 1, sizeof(*copies));
    char **envp = es ? env_set_envp(es) : NULL;
    size_t k = 0;

    for (size_t i = 0; envp && envp[i] && k < n; i++)
    {
        char *dup = strdup(envp[i]); /* the set's own strings stay intact */
        char *eq = dup ? strchr(dup, '=') : NULL;

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
    if (strcmp(what, "CONNECT") == 0 || strcmp(what, "REAUTH") == 0)
    {
        manage_client_connect(m->mgmt, mi->cid, mi->mgmt_kid, what[0] == 'R', names, values, k);
    }
    else if (strcmp(what, "ESTABLISHED") == 0)
    {
        manage_client_established(m->mgmt, mi->cid, names, values, k);
    }
    else
    {
        manage_client_disconnect(m->mgmt, mi->cid, names, values, k);
    }
    for (size_t i = 0; i < k; i++)
    {
        free(copies[i]);
    }
    free(copies);
    free(names);
    free(values);
}
