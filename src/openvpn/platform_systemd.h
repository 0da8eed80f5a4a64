/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_systemd.h -- readiness notification for systemd units of
 * Type=notify (sd_notify(3)), with the messages and moments of OpenVPN 2.6:
 *
 *   start (once)           READY=0            and stay in the foreground
 *   config (re)loaded      READY=1, STATUS=Pre-connection initialization
 *                          successful, MAINPID=<pid>   (start, each SIGHUP)
 *   tunnel up              STATUS=Initialization Sequence Completed
 *                          (also after every SIGUSR1 restart)
 *
 * Nothing else: no message when a connection fails, when a restart begins
 * or at exit.  2.6 declares the service ready before the tunnel is up (the
 * daemon has read its configuration and goes on connecting by itself), so
 * a failing tunnel leaves the unit "active".  The variable
 * NOTIFY_SOCKET stays in the environment; scripts never see it because
 * they get only the daemon's own variables (env_set).
 *
 * Without NOTIFY_SOCKET the calls send nothing.  Built without libsystemd
 * (ENABLE_SYSTEMD unset by configure) every function is a no-op stub, so
 * callers never test ENABLE_SYSTEMD; users include "config.h" first.
 *
 * Tier 3o.  platform_systemd.c is the only file that includes
 * <systemd/sd-daemon.h>; it must not include control-channel (ssl*) or
 * higher-tier headers.  No memory is handed out: callers own their strings.
 */
#ifndef OVPN_PLATFORM_SYSTEMD_H
#define OVPN_PLATFORM_SYSTEMD_H

#include <stdbool.h>

/* A file that forgot config.h would silently get the stubs below. */
#ifndef PACKAGE_VERSION
#error "include config.h before platform_systemd.h"
#endif

#ifdef ENABLE_SYSTEMD

/**
 * Send READY=0.  Returns true when a service manager received it: we run
 * as its service, so --daemon must not fork (systemd follows this pid).
 */
bool platform_systemd_claim(void);

/** READY=1 with STATUS=Pre-connection initialization successful and MAINPID. */
void platform_systemd_ready(void);

/** STATUS=@p text. */
void platform_systemd_status(const char *text);

#else /* ENABLE_SYSTEMD */

/* Built without libsystemd: never under a service manager's watch. */
static inline bool
platform_systemd_claim(void)
{
    return false;
}

static inline void
platform_systemd_ready(void)
{
}

static inline void
platform_systemd_status(const char *text)
{
    (void) text;
}

#endif /* ENABLE_SYSTEMD */

#endif /* OVPN_PLATFORM_SYSTEMD_H */
