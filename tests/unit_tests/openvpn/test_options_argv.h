/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_argv.h -- parse a test command line into struct options the
 * way main() does (argv[0] "openvpn", options_parse_argv()), after freeing
 * what @p o held and resetting the captured messages.  Shared by the
 * options test drivers (test_options_argv.c).
 */
#ifndef TEST_OPTIONS_ARGV_H
#define TEST_OPTIONS_ARGV_H

#include <stdbool.h>

#include "options.h"

/** @p line: words separated by single spaces (no quoting). */
bool test_options_parse_line(struct options *o, const char *line);

/** A NULL-terminated argument list, without argv[0]. */
bool test_options_parse_list(struct options *o, const char *first, ...);

#endif
