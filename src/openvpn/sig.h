/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sig.h -- signals become pending flags; handlers do no other work.
 *
 * SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 are caught and stay blocked
 * except while the process waits (event_wait, ppoll in link_open,
 * sig_sleep), so they are seen only at those points.  SIGPIPE is ignored.
 * Internal events (ping-restart, ...) are raised the same way with a
 * reason that the restart log line shows.
 *
 * Tier 3o.  The only process state besides logging (signals are per
 * process by nature).
 */
#ifndef OVPN_SIG_H
#define OVPN_SIG_H

#include <signal.h>
#include <stdbool.h>

/** Install handlers, ignore SIGPIPE, block the handled signals. */
void sig_init(void);

/** The mask to wait with: the current mask minus the handled signals. */
const sigset_t *sig_wait_mask(void);

/**
 * Take the most important pending signal (TERM/INT > HUP > USR1 > USR2)
 * and clear it; 0 if none.  Its reason is then sig_reason().
 */
int sig_take(void);

/** True if a signal other than SIGUSR2 is pending. */
bool sig_pending(void);

/** Mark @p signum pending from inside the program, e.g. SIGUSR1 "ping-restart". */
void sig_raise(int signum, const char *reason);

/** Reason of the last signal sig_take() returned; "" for an external one. */
const char *sig_reason(void);

/** Sleep @p seconds unless a signal arrives; false if one interrupted it. */
bool sig_sleep(int seconds);

/** In a forked child before exec: default handlers and an empty mask. */
void sig_child_reset(void);

#endif /* OVPN_SIG_H */
