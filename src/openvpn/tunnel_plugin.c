/* SPDX-License-Identifier: GPL-2.0-only */
/* tunnel_plugin.c -- see tunnel_plugin.h. */
#include "config.h"

#include "env_set.h"
#include "error.h"
#include "init_env.h"
#include "tunnel_plugin.h"

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
