/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * openvpn.c -- main(): parse options, run a one-shot tool or set up
 * logging, daemonize (not under systemd) and run the tunnel; the exit
 * status is 0 on a clean shutdown and 1 on any start-up error, as with
 * OpenVPN 2.6.  Tier 7.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_backend.h"
#include "dco.h"
#include "error.h"
#include "init.h"
#include "multi.h"
#include "options.h"
#include "platform.h"
#include "platform_systemd.h"
#include "plugin.h"
#include "sig.h"
#include "tools.h"

static void
print_banner(void)
{
    char dco_ver[128];

    msg(M_INFO, "%s", options_title());
    msg(M_INFO, "library versions: %s%s%s", crypto_library_version(),
#ifdef ENABLE_LZO
        ", LZO ", comp_lzo_version()
#else
        "", ""
#endif
    );
    msg(M_INFO, "DCO version: %s", dco_version_loaded(dco_ver, sizeof(dco_ver)));
}

static bool
setup_logging(const struct options *o)
{
    error_set_verb(o->verb);
    error_set_mute(o->mute);
    error_set_timestamps(!o->suppress_timestamps);
    error_set_machine_readable(o->machine_readable_output);
    if (o->log_file && !error_redirect_to_file(o->log_file, o->log_append))
    {
        msg(M_WARN | M_ERRNO, "Options error: --log fails with '%s'", o->log_file);
        return false;
    }
    if (!o->log_file && (o->use_syslog || o->daemon))
    {
        error_redirect_to_syslog(o->syslog_ident ? o->syslog_ident
                                 : o->daemon_name ? o->daemon_name
                                                  : "openvpn");
    }
    return true;
}

static bool
load_providers(const struct options *o)
{
    for (int i = 0; i < o->n_providers; i++)
    {
        if (!crypto_load_provider(o->providers[i]))
        {
            return false;
        }
    }
    return true;
}

/* A fatal exit tells the plugins (abort_v1) and removes the pid file, as 2.6. */
static void
on_fatal_exit(void)
{
    plugin_abort_all();
    platform_remove_pid();
}

int
main(int argc, char **argv)
{
    static struct options o; /* large; lives for the whole run */
    struct plugin_list *plugins = NULL;
    int status = 0;

    crypto_init_library();
    sig_init();
    options_init_defaults(&o);
    if (!options_parse_argv(&o, argc, argv))
    {
        return 1;
    }
    if (o.help)
    {
        options_usage();
        return 1; /* 2.6 exits 1 after --help */
    }
    if (o.version)
    {
        char dco_ver[128];

        options_print_version(dco_version_loaded(dco_ver, sizeof(dco_ver)));
        return 0;
    }
    error_set_verb(o.verb);
    if (!load_providers(&o))
    {
        return 1;
    }
    if (tools_run(&o, &status))
    {
        return status;
    }
    if (!setup_logging(&o))
    {
        return 1;
    }
    /* 2.6 loads the plugins before it becomes a daemon: a bad one fails here */
    if (!init_plugins_load(&o, &plugins))
    {
        msg(M_INFO, "Exiting due to fatal error");
        return 1;
    }
    /* Under a Type=notify unit systemd follows this pid: no fork, even with
     * --daemon (what Debian's openvpn@.service passes). */
    if (!platform_systemd_claim() && o.daemon && !platform_daemonize(o.log_file != NULL))
    {
        return 1;
    }
    if (o.writepid && !platform_write_pid(o.writepid))
    {
        return 1;
    }
    options_startup_warnings(&o);
    error_set_fatal_hook(on_fatal_exit);
    print_banner();
    options_show(&o);
    status = tunnel_run(&o, argc, argv, multi_server_loop, plugins);
    platform_remove_pid();
    options_free(&o);
    error_close_log();
    return status;
}
