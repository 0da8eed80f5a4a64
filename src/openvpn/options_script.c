/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_script.c -- handlers for scripts (--up, --down, ...,
 * --script-security), script environment (--setenv, --setenv-safe) and
 * privilege directives (--user, --group, --chroot, --mlock), --plugin.
 *
 * Tier 4.  Must not include tier 5+ headers nor run_command/platform:
 * nothing is executed or dropped here, only recorded.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "options_table.h"
#include "strutil.h"

OPT_HANDLER(opt_h_up)
{
    opt_set_str(&o->up_script, args[0]);
    return true;
}

OPT_HANDLER(opt_h_down)
{
    opt_set_str(&o->down_script, args[0]);
    return true;
}

OPT_HANDLER(opt_h_up_restart)
{
    o->up_restart = true;
    return true;
}

OPT_HANDLER(opt_h_down_pre)
{
    o->down_pre = true;
    return true;
}

OPT_HANDLER(opt_h_up_delay)
{
    o->up_delay = 1;
    return true;
}

OPT_HANDLER(opt_h_script_security)
{
    return opt_int(loc, kw, args[0], 0, 3, &o->script_security);
}

OPT_HANDLER(opt_h_user)
{
    opt_set_str(&o->username, args[0]);
    return true;
}

OPT_HANDLER(opt_h_group)
{
    opt_set_str(&o->groupname, args[0]);
    return true;
}

OPT_HANDLER(opt_h_chroot)
{
    opt_set_str(&o->chroot_dir, args[0]);
    return true;
}

OPT_HANDLER(opt_h_mlock)
{
    o->mlock = true;
    return true;
}

static bool
add_env(struct options *o,
        const struct opt_loc *loc,
        const char *kw,
        const char *prefix,
        const char *name,
        const char *value)
{
    char full[256];

    if (o->n_setenv == (int) ARRAY_SIZE(o->setenv_names))
    {
        opt_error(loc, kw, "at most %zu variables", ARRAY_SIZE(o->setenv_names));
        return false;
    }
    if (name[0] == '\0' || strchr(name, '=') ||
        (size_t) snprintf(full, sizeof(full), "%s%s", prefix, name) >= sizeof(full))
    {
        opt_error(loc, kw, "bad variable name '%s'", name);
        return false;
    }
    o->setenv_names[o->n_setenv] = xstrdup(full);
    o->setenv_values[o->n_setenv] = xstrdup(value ? value : "");
    o->n_setenv++;
    return true;
}

OPT_HANDLER(opt_h_setenv)
{
    return add_env(o, loc, kw, "", args[0], nargs > 1 ? args[1] : NULL);
}

OPT_HANDLER(opt_h_setenv_safe)
{
    /* 2.6 prefixes the name so a pushed variable cannot replace PATH etc. */
    return add_env(o, loc, kw, "OPENVPN_", args[0], nargs > 1 ? args[1] : NULL);
}

/*
 * --plugin FILE [ARGS...]: 2.6 hands the plugin its arguments as words,
 * and a single argument is split into words the way a config line is
 * ("--plugin down-root.so 'down.sh x'" gives two).
 */
OPT_HANDLER(opt_h_plugin)
{
    static struct opt_tokens t; /* large; parsing is single-threaded */
    char **words = args + 1;
    char **av;
    int n = nargs - 1;

    if (o->n_plugins == (int) ARRAY_SIZE(o->plugin_paths))
    {
        opt_error(loc, kw, "at most %zu plugins", ARRAY_SIZE(o->plugin_paths));
        return false;
    }
    if (nargs == 2)
    {
        if (opt_tokenize(args[1], strlen(args[1]), loc, &t) != OPT_TOK_OK)
        {
            return false;
        }
        words = t.p;
        n = t.n;
    }
    av = xcalloc((size_t) n + 1, sizeof(char *));
    for (int i = 0; i < n; i++)
    {
        av[i] = xstrdup(words[i]);
    }
    o->plugin_paths[o->n_plugins] = xstrdup(args[0]);
    o->plugin_args[o->n_plugins] = av;
    o->n_plugins++;
    return true;
}
