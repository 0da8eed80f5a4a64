/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mock_msg.c -- linked into every test driver instead of error.c.  Keeps
 * the messages so tests can assert on what the user would see, turns
 * ASSERT() into a cmocka failure, and makes M_FATAL return (counted)
 * instead of exiting.
 */
#include "test_common.h"

#include "error.h"

int x_debug_level = 11;
int x_msg_line_num;
char mock_last_msg[2048];
char mock_all_msgs[16384];
int mock_fatal_count;

void
mock_msg_reset(void)
{
    mock_last_msg[0] = '\0';
    mock_all_msgs[0] = '\0';
    mock_fatal_count = 0;
}

void
x_msg(msglvl_t flags, const char *fmt, ...)
{
    va_list ap;
    size_t used = strlen(mock_all_msgs);

    va_start(ap, fmt);
    vsnprintf(mock_last_msg, sizeof(mock_last_msg), fmt, ap);
    va_end(ap);
    if (used < sizeof(mock_all_msgs) - 1)
    {
        snprintf(mock_all_msgs + used, sizeof(mock_all_msgs) - used, "%s\n", mock_last_msg);
    }
    if (getenv("MOCK_MSG_PRINT"))
    {
        fprintf(stderr, "msg: %s\n", mock_last_msg);
    }
    if (flags & M_FATAL)
    {
        mock_fatal_count++;
    }
}

void
assert_failed(const char *file, int line, const char *cond)
{
    mock_assert(0, cond, file, line);
    abort(); /* not reached */
}

void
openvpn_exit(int status)
{
    fail_msg("openvpn_exit(%d) called from code under test", status);
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
    (void)rl;
    (void)now;
    return true;
}

unsigned int
ratelimit_take_suppressed(struct ratelimit *rl)
{
    (void)rl;
    return 0;
}

/* --machine-readable-output switches the real logger's format; tests see the text only. */
bool mock_machine_readable;

void
error_set_machine_readable(bool enabled)
{
    mock_machine_readable = enabled;
}
