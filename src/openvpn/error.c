/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * error.c -- see error.h.  Output goes to stdout (as OpenVPN 2.x does), a
 * --log file, or syslog.  Lines carry a "YYYY-MM-DD HH:MM:SS " prefix
 * unless timestamps are suppressed or the target is syslog.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "error.h"

/* GLOBAL: logging configuration, see error.h. */
int x_debug_level = 1;
int x_msg_line_num;
static int mute_cutoff;
static bool use_timestamps = true;
static bool machine_readable;
static FILE *log_fp;
static bool use_syslog;
static void (*fatal_hook)(void);
static int mute_category = -1;
static int mute_count;
static int mute_suppressed;
static void (*log_hook)(void *arg, unsigned int flags, const char *text);
static void *log_hook_arg;
static bool in_log_hook;
static const char *line_prefix;

/* What was logged before the first hook (the management interface opens
 * after the option warnings and the banner; 2.6's log history has them):
 * kept for it, then no more. */
#define EARLY_LINES 32
#define EARLY_TEXT  512
static struct
{
    unsigned int flags;
    char text[EARLY_TEXT];
} early[EARLY_LINES];
static int n_early;
static bool hook_was_set;

void
error_set_verb(int verb)
{
    x_debug_level = verb;
}

void
error_set_mute(int mute)
{
    mute_cutoff = mute;
}

void
error_set_timestamps(bool enabled)
{
    use_timestamps = enabled;
}

void
error_set_machine_readable(bool enabled)
{
    machine_readable = enabled;
}

bool
error_redirect_to_file(const char *path, bool append)
{
    FILE *fp = fopen(path, append ? "a" : "w");

    if (!fp)
    {
        return false;
    }
    setvbuf(fp, NULL, _IOLBF, 0);
    if (log_fp)
    {
        fclose(log_fp);
    }
    log_fp = fp;
    use_syslog = false;
    return true;
}

void
error_redirect_to_syslog(const char *ident)
{
    openlog(ident ? ident : "openvpn", LOG_PID, LOG_DAEMON);
    use_syslog = true;
}

bool
error_is_redirected(void)
{
    return log_fp != NULL || use_syslog;
}

void
error_close_log(void)
{
    if (log_fp)
    {
        fclose(log_fp);
        log_fp = NULL;
    }
    if (use_syslog)
    {
        closelog();
        use_syslog = false;
    }
}

void
error_set_log_hook(void (*hook)(void *arg, unsigned int flags, const char *text), void *arg)
{
    log_hook = hook;
    log_hook_arg = arg;
    if (hook && !hook_was_set)
    {
        hook_was_set = true;
        in_log_hook = true;
        for (int i = 0; i < n_early; i++)
        {
            hook(arg, early[i].flags, early[i].text);
        }
        in_log_hook = false;
        n_early = 0;
    }
}

void
error_set_fatal_hook(void (*hook)(void))
{
    fatal_hook = hook;
}

/* --mute N: after N consecutive messages of one category, hold the rest
 * back until a message of another category comes along. */
static bool
muted(msglvl_t flags)
{
    int cat = (int)MUTE_CAT(flags);

    if (mute_cutoff <= 0 || cat == 0 || (flags & M_NOMUTE))
    {
        return false;
    }
    if (cat == mute_category)
    {
        if (mute_count >= mute_cutoff)
        {
            mute_suppressed++;
            return true;
        }
        mute_count++;
        return false;
    }
    if (mute_suppressed > 0)
    {
        int n = mute_suppressed;

        mute_suppressed = 0;
        mute_category = -1; /* avoid recursing into ourselves */
        x_msg(M_INFO | M_NOMUTE, "%d variation(s) on previous %d message(s) suppressed by --mute",
              n, mute_cutoff);
    }
    mute_category = cat;
    mute_count = 1;
    return false;
}

static void
emit(msglvl_t flags, const char *text)
{
    FILE *fp = log_fp ? log_fp : stdout;

    if (use_syslog)
    {
        int prio = (flags & M_FATAL)      ? LOG_ERR
                   : (flags & M_NONFATAL) ? LOG_ERR
                   : (flags & M_WARN)     ? LOG_WARNING
                                          : LOG_NOTICE;
        syslog(prio, "%s", text);
        return;
    }
    if (machine_readable)
    {
        /* --machine-readable-output: unix time with microseconds and the
         * message's flags in hex, on every line (2.6's format) */
        struct timeval tv;

        gettimeofday(&tv, NULL);
        fprintf(fp, "%" PRIi64 ".%06ld %x %s\n", (int64_t) tv.tv_sec, (long) tv.tv_usec, flags, text);
    }
    else if (use_timestamps && !(flags & M_NOPREFIX))
    {
        char ts[32];
        time_t t = time(NULL);
        struct tm tm;

        localtime_r(&t, &tm);
        strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(fp, "%s %s%s", ts, text, (flags & M_NOLF) ? "" : "\n");
    }
    else
    {
        fprintf(fp, "%s%s", text, (flags & M_NOLF) ? "" : "\n");
    }
    fflush(fp);
}

void
error_set_prefix(const char *prefix)
{
    line_prefix = prefix;
}

void
x_msg(msglvl_t flags, const char *fmt, ...)
{
    char text[2048];
    int saved_errno = errno;
    va_list ap;
    size_t n = 0;

    if (!(flags & M_FATAL) && muted(flags))
    {
        return;
    }
    if (line_prefix && line_prefix[0] && !(flags & M_NOPREFIX))
    {
        n = (size_t) snprintf(text, sizeof(text), "%s ", line_prefix);
        n = n < sizeof(text) ? n : sizeof(text) - 1;
    }
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof(text) - n, fmt, ap);
    va_end(ap);

    n = strlen(text);
    if ((flags & M_ERRNO) && n < sizeof(text))
    {
        snprintf(text + n, sizeof(text) - n, ": %s (errno=%d)", strerror(saved_errno),
                 saved_errno);
    }
    emit(flags, text);
    if (!hook_was_set && n_early < EARLY_LINES)
    {
        early[n_early].flags = flags;
        snprintf(early[n_early].text, EARLY_TEXT, "%s", text);
        n_early++;
    }
    if (log_hook && !in_log_hook)
    {
        in_log_hook = true; /* a message logged by the hook goes to the log only */
        log_hook(log_hook_arg, flags, text);
        in_log_hook = false;
    }

    if (flags & M_FATAL)
    {
        emit(M_INFO, "Exiting due to fatal error");
        openvpn_exit(1);
    }
    errno = saved_errno;
}

void
openvpn_exit(int status)
{
    void (*hook)(void) = fatal_hook;

    fatal_hook = NULL; /* a failure inside the hook must not loop */
    if (hook)
    {
        hook();
    }
    error_close_log();
    exit(status);
}

void
assert_failed(const char *file, int line, const char *cond)
{
    x_msg(M_INFO | M_NOMUTE, "Assertion failed at %s:%d (%s)", file, line, cond);
    fflush(NULL);
    abort();
}

void
ratelimit_init(struct ratelimit *rl, unsigned int window, unsigned int burst)
{
    memset(rl, 0, sizeof(*rl));
    rl->window = window ? window : 1;
    rl->burst = burst;
}

bool
ratelimit_allow(struct ratelimit *rl, time_t now)
{
    if (now - rl->window_start >= (time_t)rl->window || now < rl->window_start)
    {
        rl->window_start = now;
        rl->count = 0;
    }
    if (rl->count >= rl->burst)
    {
        rl->suppressed++;
        return false;
    }
    rl->count++;
    return true;
}

unsigned int
ratelimit_take_suppressed(struct ratelimit *rl)
{
    unsigned int n = rl->suppressed;

    rl->suppressed = 0;
    return n;
}
