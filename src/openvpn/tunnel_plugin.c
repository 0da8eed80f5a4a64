/* SPDX-License-Identifier: GPL-2.0-only */
/* tunnel_plugin.c -- see tunnel_plugin.h. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>

#include "env_set.h"
#include "error.h"
#include "init_env.h"
#include "sig.h"
#include "sockaddr.h"
#include "tunnel_plugin.h"
#include "tunnel_tls.h"

bool
init_plugins_load(const struct options *o, struct plugin_list **out)
{
    struct plugin_spec specs[PLUGIN_MAX];

    *out = NULL;
    if (o->n_plugins == 0)
    {
        return true;
    }
    for (int i = 0; i < o->n_plugins && i < PLUGIN_MAX; i++)
    {
        specs[i].path = o->plugin_paths[i];
        specs[i].args = (const char *const *)o->plugin_args[i];
    }
    *out = plugin_list_load(specs, o->n_plugins < PLUGIN_MAX ? o->n_plugins : PLUGIN_MAX);
    return *out != NULL;
}

bool
tunnel_plugin_open(struct context *c, enum plugin_init_point point)
{
    struct env_set *es;
    bool ok;

    if (!c->ps->plugins)
    {
        return true;
    }
    es = env_set_new();
    init_env_plugin_open(c, es);
    ok = plugin_list_open(c->ps->plugins, point, es);
    env_set_free(es);
    return ok;
}

void
tunnel_plugin_close(struct persist_state *ps)
{
    plugin_list_close(ps->plugins);
    ps->plugins = NULL;
    ps->plugins_opened = false;
}

enum plugin_result
tunnel_plugin_call(struct context *c, enum plugin_type type, const char *const *args,
                   const struct env_set *es)
{
    if (!plugin_defined(c->ps->plugins, type))
    {
        return PLUGIN_SUCCESS;
    }
    return plugin_call(c->ps->plugins, type, args, es, NULL);
}

void
tunnel_plugin_route_up(struct context *c, const struct env_set *es)
{
    if (tunnel_plugin_call(c, PLUGIN_ROUTE_UP, NULL, es) != PLUGIN_SUCCESS)
    {
        msg(M_WARN, "WARNING: route-up plugin call failed");
    }
}

void
tunnel_plugin_ipchange(struct context *c, const char *const *args, const struct env_set *es)
{
    if (tunnel_plugin_call(c, PLUGIN_IPCHANGE, args, es) != PLUGIN_SUCCESS)
    {
        msg(M_WARN, "WARNING: ipchange plugin call failed");
    }
}

/* IPCHANGE's one word: "[AF_INET]198.51.100.1 1194" (2.6's format). */
static void
peer_word(const struct context *c, char *out, size_t n)
{
    char a[SOCKADDR_PRINT_MAX];

    snprintf(out, n, "[%s]%s %u", c->peer.ss.ss_family == AF_INET6 ? "AF_INET6" : "AF_INET",
             sockaddr_print_addr(&c->peer, a, sizeof(a)), sockaddr_port(&c->peer));
}

static struct env_set *
peer_env(struct context *c, bool trusted)
{
    struct env_set *es = env_set_new();
    char a[SOCKADDR_PRINT_MAX];
    bool v6 = c->peer.ss.ss_family == AF_INET6;

    init_env_tls_verify(c, es);
    for (size_t i = 0; c->tls && i < c->tls->verify_state.env.n; i++)
    {
        env_set_add(es, c->tls->verify_state.env.e[i].name, c->tls->verify_state.env.e[i].value);
    }
    if (trusted)
    {
        env_set_add(es, v6 ? "trusted_ip6" : "trusted_ip",
                    sockaddr_print_addr(&c->peer, a, sizeof(a)));
        env_set_addf(es, "trusted_port", "%u", sockaddr_port(&c->peer));
    }
    env_set_del(es, "script_type");
    return es;
}

void
tunnel_plugin_peer_up(struct context *c)
{
    struct env_set *es;
    char word[SOCKADDR_PRINT_MAX + 32];
    const char *args[2] = { word, NULL };

    if (c->plugin_final_done || !c->peer_known)
    {
        return;
    }
    c->plugin_final_done = true;
    if (c->tls && plugin_defined(c->ps->plugins, PLUGIN_TLS_FINAL))
    {
        es = peer_env(c, false);
        if (tunnel_plugin_call(c, PLUGIN_TLS_FINAL, NULL, es) != PLUGIN_SUCCESS)
        {
            sig_raise(SIGUSR1, "tls-error");
        }
        env_set_free(es);
    }
    if (plugin_defined(c->ps->plugins, PLUGIN_IPCHANGE))
    {
        peer_word(c, word, sizeof(word));
        es = peer_env(c, true);
        tunnel_plugin_ipchange(c, args, es);
        env_set_free(es);
    }
}
