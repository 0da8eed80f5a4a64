/* SPDX-License-Identifier: GPL-2.0-only */
/* test_options_argv.c -- see test_options_argv.h. */
#include "config.h"

#include "test_common.h"

#include "options_parse.h"
#include "test_options_argv.h"

#define ARGV_MAX 128

static bool
parse(struct options *o, int argc, char **argv)
{
    argv[argc] = NULL;
    options_free(o);
    mock_msg_reset();
    return options_parse_argv(o, argc, argv);
}

bool
test_options_parse_line(struct options *o, const char *line)
{
    static char buf[2048];
    char *argv[ARGV_MAX];
    int argc = 0;

    snprintf(buf, sizeof(buf), "%s", line);
    argv[argc++] = "openvpn";
    for (char *w = strtok(buf, " "); w && argc < ARGV_MAX - 1; w = strtok(NULL, " "))
    {
        argv[argc++] = w;
    }
    return parse(o, argc, argv);
}

bool
test_options_parse_list(struct options *o, const char *first, ...)
{
    char *argv[ARGV_MAX];
    int argc = 0;
    va_list ap;

    argv[argc++] = "openvpn";
    va_start(ap, first);
    for (const char *a = first; a && argc < ARGV_MAX - 1; a = va_arg(ap, const char *))
    {
        argv[argc++] = (char *) a;
    }
    va_end(ap);
    return parse(o, argc, argv);
}
