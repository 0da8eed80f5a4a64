/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run_command.c -- run --up/--down/... scripts as 2.6 does: split the
 * command like a config line, append the hook's arguments, fork + execve
 * with only the env_set's environment (no PATH is added, as in 2.6), and
 * report the outcome with 2.6's "WARNING: Failed running command" lines.
 *
 * Tier 3o.  Must not include options.h: --script-security is a parameter.
 */
#include "config.h"

#include "run_command.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "sig.h"
#include "strutil.h"

/* A child whose execve() failed exits with this, as 2.6's does. */
#define EXEC_FAILED_STATUS 127

enum split_state
{
    SP_BETWEEN,
    SP_WORD,
    SP_DQUOTE,
    SP_SQUOTE,
};

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Finish the word being written at *out; false when argv is full. */
static bool
end_word(char **out, char *start, char **argv, size_t *n, size_t max)
{
    if (*n >= max)
    {
        return false;
    }
    *(*out)++ = '\0';
    argv[(*n)++] = start;
    return true;
}

int
run_split_argv(const char *command, char *store, size_t store_len, char **argv, size_t max)
{
    enum split_state st = SP_BETWEEN;
    char *out = store, *start = store;
    bool escaped = false;
    size_t n = 0;

    if (store_len < strlen(command) + 1)
    {
        return -1;
    }
    for (const char *p = command; *p; p++)
    {
        char c = *p;

        /* A backslash escapes the next character except inside single quotes. */
        if (!escaped && c == '\\' && st != SP_SQUOTE)
        {
            escaped = true;
            if (st == SP_BETWEEN)
            {
                st = SP_WORD;
                start = out;
            }
            continue;
        }
        if (st == SP_BETWEEN)
        {
            if (is_space(c))
            {
                continue;
            }
            if (c == '#' || c == ';')
            {
                break; /* a comment, as on a config line */
            }
            start = out;
            st = (c == '"') ? SP_DQUOTE : (c == '\'') ? SP_SQUOTE : SP_WORD;
            if (st == SP_WORD)
            {
                *out++ = c;
            }
        }
        else if ((st == SP_WORD && !escaped && is_space(c)) ||
                 (st == SP_DQUOTE && !escaped && c == '"') || (st == SP_SQUOTE && c == '\''))
        {
            if (!end_word(&out, start, argv, &n, max))
            {
                return -1;
            }
            st = SP_BETWEEN;
        }
        else
        {
            *out++ = c;
        }
        escaped = false;
    }
    if (st == SP_DQUOTE || st == SP_SQUOTE)
    {
        return -1; /* no closing quote */
    }
    if (st == SP_WORD && !end_word(&out, start, argv, &n, max))
    {
        return -1;
    }
    argv[n] = NULL;
    return (int) n;
}

/* "/path/up.sh a b c" for the log, like 2.6 shows before running it. */
static void
log_argv(char *const *argv)
{
    char line[1024];
    size_t used = 0;

    line[0] = '\0';
    for (size_t i = 0; argv[i] && used + 1 < sizeof(line); i++)
    {
        size_t room = sizeof(line) - used;
        int w = snprintf(line + used, room, "%s%s", i ? " " : "", argv[i]);

        used += (w < 0 || (size_t) w >= room) ? room - 1 : (size_t) w;
    }
    msg(M_INFO, "%s", line);
}

static int
spawn_and_wait(char *const *argv, const struct env_set *es)
{
    char *empty_env[] = { NULL };
    int status = 0;
    pid_t pid = fork();

    if (pid < 0)
    {
        return -1;
    }
    if (pid == 0)
    {
        sig_child_reset();
        execve(argv[0], argv, es ? env_set_envp(es) : empty_env);
        _exit(EXEC_FAILED_STATUS);
    }
    while (waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            return -1;
        }
    }
    return status;
}

static void
report_failure(const char *hook, const char *what)
{
    const char *dashes = (hook && hook[0] == '-') ? "" : "--";

    /* 2.6 names the pair for either of them: "(--up/--down)". */
    if (hook && (strcmp(hook, "up") == 0 || strcmp(hook, "down") == 0))
    {
        hook = "up/--down";
    }
    msg(M_WARN, "WARNING: Failed running command (%s%s): %s", dashes, hook ? hook : "", what);
}

bool
run_script(const char *command,
           const char *const *extra_args,
           const struct env_set *es,
           int script_security,
           const char *hook,
           int *exit_status)
{
    size_t store_len = strlen(command) + 1, n_extra = 0;
    char *argv[RUN_ARGV_MAX + 1 + 32];
    char *store;
    int n, status;
    bool ok = false;

    if (exit_status)
    {
        *exit_status = -1;
    }
    if (script_security < 2)
    {
        msg(M_WARN,
            "WARNING: External program may not be called unless '--script-security 2' "
            "or higher is enabled. See --help text or man page for detailed info.");
        report_failure(hook, "disallowed by script-security setting");
        return false;
    }
    store = xcalloc(1, store_len);
    n = run_split_argv(command, store, store_len, argv, RUN_ARGV_MAX);
    if (n <= 0)
    {
        msg(M_WARN, "WARNING: cannot parse command line: %s", command);
        goto out;
    }
    while (extra_args && extra_args[n_extra] && n_extra < 32)
    {
        argv[n + n_extra] = (char *) extra_args[n_extra];
        n_extra++;
    }
    argv[n + n_extra] = NULL;
    log_argv(argv);

    status = spawn_and_wait(argv, es);
    if (status < 0)
    {
        report_failure(hook, "external program fork failed");
    }
    else if (!WIFEXITED(status))
    {
        report_failure(hook, "external program did not exit normally");
    }
    else
    {
        char what[80];

        if (exit_status)
        {
            *exit_status = WEXITSTATUS(status);
        }
        ok = WEXITSTATUS(status) == 0;
        if (WEXITSTATUS(status) == EXEC_FAILED_STATUS)
        {
            report_failure(hook, "could not execute external program");
        }
        else if (!ok)
        {
            snprintf(what,
                     sizeof(what),
                     "external program exited with error status: %d",
                     WEXITSTATUS(status));
            report_failure(hook, what);
        }
    }
out:
    free(store);
    return ok;
}
