/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_log.c -- handlers for general and logging directives: --config,
 * --cd, --verb, --mute, --log, --syslog, --daemon, --status, --help ...
 * and the catch-all for recognized-but-unbuilt features.
 *
 * Tier 4.  Must not include tier 5+ headers.  Only stores values: the
 * logger is configured by the caller from struct options, except --cd,
 * which (as in 2.6) takes effect during parsing so later relative paths
 * resolve against it, and --machine-readable-output, which 2.6 applies to
 * the messages of the parse that follow it too.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "options_table.h"
#include "strutil.h"

OPT_HANDLER(opt_h_config)
{
    if (!o->config_file)
    {
        opt_set_str(&o->config_file, args[0]);
    }
    return opt_parse_file(o, args[0], loc, o->config_depth + 1);
}

OPT_HANDLER(opt_h_cd)
{
    if (chdir(args[0]) != 0)
    {
        int e = errno;

        opt_error(loc, kw, "cd to '%s' failed: %s (errno=%d)", args[0], strerror(e), e);
        return false;
    }
    opt_set_str(&o->cd_dir, args[0]);
    return true;
}

OPT_HANDLER(opt_h_verb)
{
    return opt_int(loc, kw, args[0], 0, 11, &o->verb);
}

OPT_HANDLER(opt_h_mute)
{
    return opt_int(loc, kw, args[0], 0, 1000000, &o->mute);
}

OPT_HANDLER(opt_h_log)
{
    opt_set_str(&o->log_file, args[0]);
    o->log_append = false;
    return true;
}

OPT_HANDLER(opt_h_log_append)
{
    opt_set_str(&o->log_file, args[0]);
    o->log_append = true;
    return true;
}

OPT_HANDLER(opt_h_syslog)
{
    o->use_syslog = true;
    opt_set_str(&o->syslog_ident, nargs > 0 ? args[0] : NULL);
    return true;
}

OPT_HANDLER(opt_h_daemon)
{
    o->daemon = true;
    opt_set_str(&o->daemon_name, nargs > 0 ? args[0] : NULL);
    return true;
}

OPT_HANDLER(opt_h_writepid)
{
    opt_set_str(&o->writepid, args[0]);
    return true;
}

OPT_HANDLER(opt_h_suppress_timestamps)
{
    o->suppress_timestamps = true;
    return true;
}

OPT_HANDLER(opt_h_machine_readable_output)
{
    o->machine_readable_output = true;
    error_set_machine_readable(true); /* 2.6: from here on, parse messages included */
    return true;
}

OPT_HANDLER(opt_h_status)
{
    if (nargs > 1 && !opt_int(loc, kw, args[1], 1, 86400 * 365, &o->status_file_update_freq))
    {
        return false;
    }
    opt_set_str(&o->status_file, args[0]);
    return true;
}

OPT_HANDLER(opt_h_status_version)
{
    if (nargs == 0)
    {
        o->status_file_version = 1;
        return true;
    }
    return opt_int(loc, kw, args[0], 1, 3, &o->status_file_version);
}

OPT_HANDLER(opt_h_help)
{
    o->help = true;
    return true;
}

OPT_HANDLER(opt_h_version)
{
    o->version = true;
    return true;
}

OPT_HANDLER(opt_h_ignore_unknown_option)
{
    for (int i = 0; i < nargs; i++)
    {
        if (o->n_ignore_unknown == (int) ARRAY_SIZE(o->ignore_unknown))
        {
            opt_error(loc, kw, "too many words (at most %zu)", ARRAY_SIZE(o->ignore_unknown));
            return false;
        }
        o->ignore_unknown[o->n_ignore_unknown++] = xstrdup(args[i]);
    }
    return true;
}

OPT_HANDLER(opt_h_not_yet)
{
    return opt_not_yet(loc, kw);
}

OPT_HANDLER(opt_h_nice)
{
    long v;

    if (!str_to_int(args[0], -20, 19, &v))
    {
        opt_error(loc, kw, "'%s' is not in -20..19", args[0]);
        return false;
    }
    o->nice = (int) v;
    return true;
}

OPT_HANDLER(opt_h_disable_dco)
{
    o->disable_dco = true;
    return true;
}

OPT_HANDLER(opt_h_mode)
{
    if (streq(args[0], "p2p"))
    {
        o->mode = MODE_POINT_TO_POINT;
        return true;
    }
    if (streq(args[0], "server"))
    {
        o->mode = MODE_SERVER;
        return true;
    }
    opt_error(loc, kw, "Bad --mode parameter: %s", args[0]);
    return false;
}
