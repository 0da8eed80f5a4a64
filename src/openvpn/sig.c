/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sig.c -- signals become pending flags; handlers only set a flag.
 *
 * The handled signals are blocked for the whole life of the process except
 * while it waits (epoll_pwait / ppoll / sigtimedwait with sig_wait_mask()),
 * so there is no window in which a signal can arrive after the last check
 * and before the wait, and no system call elsewhere is interrupted.
 *
 * Tier 3o.  The flags are process state by nature (the house rules allow
 * no global but logging; signals are the other thing a process has exactly
 * one of).
 */
#include "config.h"

#include "sig.h"

#include <string.h>
#include <time.h>

#include "basic.h"
#include "strutil.h"

static const int handled[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

/* GLOBAL: set in signal handlers, read and cleared by sig_take(). */
static volatile sig_atomic_t pending[NSIG];
/* GLOBAL: reasons of internally raised signals, and of the last one taken. */
static char raised_reason[NSIG][64];
static char taken_reason[64];
static sigset_t wait_mask;
static bool initialised;

static void
on_signal(int signum)
{
    if (signum > 0 && signum < NSIG)
    {
        pending[signum] = 1;
    }
}

void
sig_init(void)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    sigemptyset(&block);
    for (size_t i = 0; i < ARRAY_SIZE(handled); i++)
    {
        sigaction(handled[i], &sa, NULL);
        sigaddset(&block, handled[i]);
    }
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    for (size_t i = 0; i < ARRAY_SIZE(handled); i++)
    {
        sigdelset(&wait_mask, handled[i]);
    }
    initialised = true;
}

const sigset_t *
sig_wait_mask(void)
{
    if (!initialised)
    {
        /* Before sig_init() nothing is blocked: wait with the current mask. */
        sigprocmask(SIG_BLOCK, NULL, &wait_mask);
    }
    return &wait_mask;
}

static bool
take_one(int signum)
{
    if (!pending[signum])
    {
        return false;
    }
    pending[signum] = 0;
    strbcpy(taken_reason, raised_reason[signum], sizeof(taken_reason));
    raised_reason[signum][0] = '\0';
    return true;
}

int
sig_take(void)
{
    /* Most important first: exiting beats restarting beats reporting. */
    static const int order[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

    for (size_t i = 0; i < ARRAY_SIZE(order); i++)
    {
        if (take_one(order[i]))
        {
            /* An exit supersedes everything a restart would have done. */
            if (order[i] == SIGTERM || order[i] == SIGINT)
            {
                pending[SIGHUP] = 0;
                pending[SIGUSR1] = 0;
                raised_reason[SIGHUP][0] = '\0';
                raised_reason[SIGUSR1][0] = '\0';
            }
            return order[i];
        }
    }
    taken_reason[0] = '\0';
    return 0;
}

bool
sig_pending(void)
{
    return pending[SIGTERM] || pending[SIGINT] || pending[SIGHUP] || pending[SIGUSR1];
}

void
sig_raise(int signum, const char *reason)
{
    if (signum <= 0 || signum >= NSIG)
    {
        return;
    }
    strbcpy(raised_reason[signum], reason ? reason : "", sizeof(raised_reason[signum]));
    pending[signum] = 1;
}

const char *
sig_reason(void)
{
    return taken_reason;
}

bool
sig_sleep(int seconds)
{
    struct timespec end, now, left;

    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += seconds;
    for (;;)
    {
        siginfo_t info;
        sigset_t handled_set;
        int signum;

        if (sig_pending())
        {
            return false;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        left.tv_sec = end.tv_sec - now.tv_sec;
        left.tv_nsec = end.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0)
        {
            left.tv_nsec += 1000000000L;
            left.tv_sec--;
        }
        if (left.tv_sec < 0)
        {
            return true;
        }
        /* The handled signals are blocked: wait for one of them directly. */
        sigemptyset(&handled_set);
        for (size_t i = 0; i < ARRAY_SIZE(handled); i++)
        {
            sigaddset(&handled_set, handled[i]);
        }
        signum = sigtimedwait(&handled_set, &info, &left);
        if (signum > 0)
        {
            on_signal(signum);
        }
    }
}

void
sig_child_reset(void)
{
    struct sigaction sa;
    sigset_t none;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (size_t i = 0; i < ARRAY_SIZE(handled); i++)
    {
        sigaction(handled[i], &sa, NULL);
    }
    sigaction(SIGPIPE, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
