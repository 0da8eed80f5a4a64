/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_systemd.c -- see platform_systemd.h: the sd_notify(3) backend,
 * compiled only when configure found libsystemd.
 *
 * Tier 3o.  The only file that includes <systemd/sd-daemon.h>.  Returns of
 * sd_notify() other than "sent" are ignored on purpose: a unit without
 * Type=notify, or no NOTIFY_SOCKET at all, must not change the daemon.
 */
#include "config.h"

#include "platform_systemd.h"

#include <unistd.h>

#include <systemd/sd-daemon.h>

bool
platform_systemd_claim(void)
{
    /* 0: NOTIFY_SOCKET unset; < 0: nobody listens there (2.6 then forks) */
    return sd_notify(0, "READY=0") > 0;
}

void
platform_systemd_ready(void)
{
    /* MAINPID: this process stays the service's main process, --daemon or not */
    sd_notifyf(0,
               "READY=1\nSTATUS=Pre-connection initialization successful\nMAINPID=%lu",
               (unsigned long) getpid());
}

void
platform_systemd_status(const char *text)
{
    sd_notifyf(0, "STATUS=%s", text);
}
