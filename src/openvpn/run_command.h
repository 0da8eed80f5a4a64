/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run_command.h -- run --up/--down/... scripts: split the command line
 * the way 2.6 splits config lines, append the hook's arguments, fork and
 * execve with the env_set's environment, wait for the exit status.
 *
 * Tier 3o.  Must not include options.h: the caller passes the
 * --script-security level.
 */
#ifndef OVPN_RUN_COMMAND_H
#define OVPN_RUN_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "env_set.h"

/** Most words a command line may split into (the extra args come on top). */
#define RUN_ARGV_MAX 64

/**
 * Split @p command into words as the config parser does: whitespace
 * separates, "double quotes" group (backslash escapes \\ \" \space
 * inside and outside), 'single quotes' group literally.
 *
 * @param store  storage for the words (at least strlen(command) + 1)
 * @param argv   receives up to @p max words followed by NULL (max + 1 slots)
 * @return number of words, or -1 if there are too many or a quote is unterminated
 */
int run_split_argv(const char *command, char *store, size_t store_len, char **argv, size_t max);

/**
 * Run @p command with @p extra_args appended (NULL-terminated, may be NULL)
 * and wait for it.  @p hook names the option in log lines ("up", "down").
 * Refuses (logging 2.6's warning) when @p script_security < 2.  Returns
 * true only for exit status 0; *exit_status (if not NULL) receives the
 * exit status, or -1 if it could not be run or died from a signal.
 */
bool run_script(const char *command,
                const char *const *extra_args,
                const struct env_set *es,
                int script_security,
                const char *hook,
                int *exit_status);

#endif /* OVPN_RUN_COMMAND_H */
