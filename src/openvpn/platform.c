/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform.c -- process set-up: daemonize, pid file, --cd, --chroot,
 * --user/--group, CAP_NET_ADMIN retention (libcap-ng), --mlock, --nice.
 *
 * Tier 3o.  The only file that includes <cap-ng.h>.  Without libcap-ng
 * (HAVE_LIBCAPNG unset) the same API drops privileges without retaining
 * any capability; the difference is confined to the functions under
 * HAVE_LIBCAPNG.
 */
#include "config.h"

#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_LIBCAPNG
#include <cap-ng.h>
#include <sys/prctl.h>
#endif

#include "error.h"
#include "strutil.h"

bool
platform_daemonize(bool keep_stderr)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0)
    {
        msg(M_INFO | M_NONFATAL, "daemon() failed: %s (errno=%d)", strerror(errno), errno);
        return false;
    }
    if (pid > 0)
    {
        _exit(0); /* the parent's job is done: the shell gets its prompt back */
    }
    if (setsid() < 0)
    {
        msg(M_INFO | M_NONFATAL, "daemon(): setsid failed: %s (errno=%d)", strerror(errno), errno);
        return false;
    }
    if (chdir("/") < 0)
    {
        /* Not fatal: daemon(3) ignores it too. */
    }
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0)
    {
        msg(M_INFO | M_NONFATAL,
            "daemon(): cannot open /dev/null: %s (errno=%d)",
            strerror(errno),
            errno);
        return false;
    }
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    if (!keep_stderr)
    {
        dup2(fd, STDERR_FILENO);
    }
    if (fd > STDERR_FILENO)
    {
        close(fd);
    }
    return true;
}

/* the --writepid file this process wrote, removed again at exit */
static char *pid_path;

void
platform_remove_pid(void)
{
    if (pid_path)
    {
        /* after --user this may fail (the directory is not ours): 2.6 says nothing */
        (void) unlink(pid_path);
        free(pid_path);
        pid_path = NULL;
    }
}

bool
platform_write_pid(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
    {
        msg(M_INFO | M_NONFATAL,
            "Open error on pid file %s: %s (errno=%d)",
            path,
            strerror(errno),
            errno);
        return false;
    }
    fprintf(f, "%u\n", (unsigned int) getpid());
    if (fclose(f) != 0)
    {
        msg(M_INFO | M_NONFATAL,
            "Close error on pid file %s: %s (errno=%d)",
            path,
            strerror(errno),
            errno);
        return false;
    }
    free(pid_path);
    pid_path = strdup(path);
    return true;
}

bool
platform_chdir(const char *dir)
{
    if (chdir(dir) == 0)
    {
        return true;
    }
    msg(M_INFO | M_NONFATAL, "cd to '%s' failed: %s (errno=%d)", dir, strerror(errno), errno);
    return false;
}

bool
platform_lookup_ids(const char *user, const char *group, struct platform_ids *out)
{
    memset(out, 0, sizeof(*out));
    if (user)
    {
        const struct passwd *pw = getpwnam(user);

        if (!pw)
        {
            msg(M_INFO | M_NONFATAL, "failed to find UID for user %s", user);
            return false;
        }
        out->uid = pw->pw_uid;
        out->have_uid = true;
        strbcpy(out->user, user, sizeof(out->user));
    }
    if (group)
    {
        const struct group *gr = getgrnam(group);

        if (!gr)
        {
            msg(M_INFO | M_NONFATAL, "failed to find GID for group %s", group);
            return false;
        }
        out->gid = gr->gr_gid;
        out->have_gid = true;
        strbcpy(out->group, group, sizeof(out->group));
    }
    return true;
}

bool
platform_chroot(const char *dir)
{
    if (chroot(dir) < 0)
    {
        msg(
          M_INFO | M_NONFATAL, "chroot to '%s' failed: %s (errno=%d)", dir, strerror(errno), errno);
        return false;
    }
    if (chdir("/") < 0)
    {
        msg(M_INFO | M_NONFATAL, "cd to '/' failed: %s (errno=%d)", strerror(errno), errno);
        return false;
    }
    msg(M_INFO, "chroot to '%s' and cd to '/' succeeded", dir);
    return true;
}

/* Without capabilities: --group first (setgid() needs root), then --user. */
static bool
set_ids_plain(const struct platform_ids *ids)
{
    if (ids->have_gid)
    {
        if (setgid(ids->gid) < 0)
        {
            msg(M_WARN | M_ERRNO, "setgid('%s') failed", ids->group);
            return false;
        }
        msg(M_INFO, "GID set to %s", ids->group);
        if (setgroups(1, &ids->gid) < 0)
        {
            msg(M_WARN | M_ERRNO, "setgroups('%s') failed", ids->group);
            return false;
        }
    }
    if (ids->have_uid)
    {
        if (setuid(ids->uid) < 0)
        {
            msg(M_WARN | M_ERRNO, "setuid('%s') failed", ids->user);
            return false;
        }
        msg(M_INFO, "UID set to %s", ids->user);
    }
    return true;
}

#ifdef HAVE_LIBCAPNG
static const char *
id_name(bool have, const char *name)
{
    return have ? name : "(null)";
}

/*
 * Change the ids keeping CAP_NET_ADMIN, permitted and effective, and no
 * other capability (the bounding set stays as it was), as 2.6 does with
 * libcap-ng: supplementary groups are dropped, the uid line comes before
 * the gid line.  *done is false when the ids are unchanged and the caller
 * may fall back to set_ids_plain(); false (logged) on a fatal failure.
 */
static bool
set_ids_keep_net_admin(const struct platform_ids *ids, bool required, bool *done)
{
    const msglvl_t lvl = required ? M_WARN : M_INFO | M_NONFATAL;
    int res;

    *done = false;
    capng_clear(CAPNG_SELECT_BOTH);
    res = capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN);
    if (res < 0)
    {
        msg(lvl, "capng_update(CAP_NET_ADMIN) failed: %d", res);
        return !required;
    }
    res = capng_change_id(ids->have_uid ? (int) ids->uid : -1, ids->have_gid ? (int) ids->gid : -1,
                          CAPNG_DROP_SUPP_GRP);
    if (res == -4 || res == -6)
    {
        /* the uid or gid could not be set: no point in going on */
        msg(M_WARN | M_ERRNO, "capng_change_id('%s','%s') failed: %d",
            id_name(ids->have_uid, ids->user), id_name(ids->have_gid, ids->group), res);
        return false;
    }
    if (res == -3)
    {
        msg(M_INFO | M_NONFATAL | M_ERRNO, "capng_change_id() failed applying capabilities");
        msg(lvl, "NOTE: previous error likely due to missing capability CAP_SETPCAP.");
        return !required;
    }
    if (res < 0)
    {
        msg(lvl | M_ERRNO, "capng_change_id('%s','%s') failed retaining capabilities: %d",
            id_name(ids->have_uid, ids->user), id_name(ids->have_gid, ids->group), res);
        return !required;
    }
    if (ids->have_uid)
    {
        msg(M_INFO, "UID set to %s", ids->user);
    }
    if (ids->have_gid)
    {
        msg(M_INFO, "GID set to %s", ids->group);
    }
    msg(M_INFO, "Capabilities retained: CAP_NET_ADMIN");
    *done = true;
    return true;
}

enum platform_caps
platform_net_admin_retainable(void)
{
    if (capng_get_caps_process() != 0)
    {
        return PLATFORM_CAPS_OK; /* cannot tell: let the attempt decide */
    }
    if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) != 1)
    {
        return PLATFORM_CAPS_NO_SETPCAP;
    }
    if (capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN) != 1)
    {
        return PLATFORM_CAPS_NO_NET_ADMIN;
    }
    return PLATFORM_CAPS_OK;
}

bool
platform_drop_privileges(const struct platform_ids *ids, bool caps_required)
{
    bool done;

    if (!ids->have_uid && !ids->have_gid)
    {
        return true;
    }
    if (!set_ids_keep_net_admin(ids, caps_required, &done))
    {
        return false;
    }
    if (done)
    {
        return true;
    }
    /* a failed capng_change_id() can leave the keep-capabilities flag set */
    if (prctl(PR_GET_KEEPCAPS) > 0 && prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0)
    {
        msg(M_WARN | M_ERRNO, "Clearing KEEPCAPS flag failed");
        return false;
    }
    msg(caps_required ? M_WARN : M_INFO | M_NONFATAL, "Unable to retain capabilities");
    return !caps_required && set_ids_plain(ids);
}
#else
enum platform_caps
platform_net_admin_retainable(void)
{
    return PLATFORM_CAPS_OK;
}

bool
platform_drop_privileges(const struct platform_ids *ids, bool caps_required)
{
    if (!ids->have_uid && !ids->have_gid)
    {
        return true;
    }
    /* 2.6 without libcap-ng says so, and keeps nothing */
    msg(caps_required ? M_WARN : M_INFO | M_NONFATAL, "Unable to retain capabilities");
    return !caps_required && set_ids_plain(ids);
}
#endif

/* 2.6 raises a small RLIMIT_MEMLOCK before locking: a locked process whose
 * limit is reached later fails its allocations instead of paging. */
#define MLOCK_MIN_BYTES (100L * 1024 * 1024)

bool
platform_mlockall(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
    {
        msg(M_WARN | M_ERRNO, "WARNING: getrlimit(RLIMIT_MEMLOCK) failed");
    }
    else
    {
        msg(M_INFO, "mlock: MEMLOCK limit: soft=%ld KB, hard=%ld KB", (long) rl.rlim_cur / 1024,
            (long) rl.rlim_max / 1024);
        if (rl.rlim_cur < (rlim_t) MLOCK_MIN_BYTES)
        {
            msg(M_INFO, "mlock: RLIMIT_MEMLOCK < %ld MB, increase limit", MLOCK_MIN_BYTES >> 20);
            rl.rlim_cur = MLOCK_MIN_BYTES;
            if (rl.rlim_max < rl.rlim_cur)
            {
                rl.rlim_max = rl.rlim_cur;
            }
            if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
            {
                msg(M_WARN | M_ERRNO, "ERROR: setrlimit() failed");
                return false;
            }
        }
    }
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
    {
        msg(M_WARN | M_ERRNO, "WARNING: mlockall call failed");
    }
    else
    {
        msg(M_INFO, "mlockall call succeeded");
    }
    return true;
}

void
platform_nice(int niceval)
{
    if (niceval == 0)
    {
        return;
    }
    errno = 0;
    if (nice(niceval) < 0 && errno != 0)
    {
        msg(M_WARN | M_ERRNO, "WARNING: nice %d failed", niceval);
    }
    else
    {
        msg(M_INFO, "nice %d succeeded", niceval);
    }
}
