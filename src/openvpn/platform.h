/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform.h -- process set-up: daemonize, pid file, --cd, --chroot,
 * --user/--group, CAP_NET_ADMIN retention, --mlock, --nice.
 *
 * Tier 3o.  platform.c is the only file that includes <cap-ng.h> (when
 * configured with libcap-ng); without it the same API drops privileges
 * without retaining any capability.
 */
#ifndef OVPN_PLATFORM_H
#define OVPN_PLATFORM_H

#include <stdbool.h>
#include <sys/types.h>

/** fork, setsid, stdio to /dev/null (stderr kept if @p keep_stderr), like daemon(3). */
bool platform_daemonize(bool keep_stderr);

/** Write our pid to @p path ("%d\n"); logs and returns false on failure. */
bool platform_write_pid(const char *path);
/** Remove the pid file platform_write_pid() wrote, if any (as 2.6 does at every exit). */
void platform_remove_pid(void);

/** --cd: chdir, logging 2.6's error on failure. */
bool platform_chdir(const char *dir);

struct platform_ids
{
    bool have_uid, have_gid;
    uid_t uid;
    gid_t gid;
    char user[64], group[64];
};

/**
 * Look up --user / --group (either may be NULL) at start-up, before any
 * chroot makes /etc/passwd unreachable.  Logs "failed to find UID for
 * user NAME" / "failed to find GID for group NAME".
 */
bool platform_lookup_ids(const char *user, const char *group, struct platform_ids *out);

/** chroot to @p dir and cd to "/"; logs success or failure like 2.6. */
bool platform_chroot(const char *dir);

/**
 * Drop to the ids looked up earlier, as 2.6 does on Linux: with libcap-ng
 * CAP_NET_ADMIN stays permitted and effective (and nothing else), so that
 * routes, addresses and DCO peers can still be managed, and removed at
 * exit; supplementary groups are dropped.  Without libcap-ng, or if that
 * fails, "Unable to retain capabilities" and plain setgid/setgroups/setuid.
 * With @p caps_required (DCO needs the capability) a failure to keep it
 * is fatal.  False (logged) when the process must end.
 */
bool platform_drop_privileges(const struct platform_ids *ids, bool caps_required);

/** Can CAP_NET_ADMIN be kept over a --user change (2.6's DCO start-up check)? */
enum platform_caps
{
    PLATFORM_CAPS_OK,
    PLATFORM_CAPS_NO_SETPCAP,   /* CAP_SETPCAP not effective */
    PLATFORM_CAPS_NO_NET_ADMIN, /* CAP_NET_ADMIN not permitted */
};
enum platform_caps platform_net_admin_retainable(void);

/**
 * --mlock: raise RLIMIT_MEMLOCK to 100 MB if it is lower, then lock all
 * current and future pages, with 2.6's lines.  False only when the limit
 * could not be raised (2.6 then exits: "ERROR: setrlimit() failed"); a
 * failing mlockall() itself is a warning.
 */
bool platform_mlockall(void);

/** --nice: change the scheduling priority by @p niceval (0: nothing), logging the result. */
void platform_nice(int niceval);

#endif /* OVPN_PLATFORM_H */
