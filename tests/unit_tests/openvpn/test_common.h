/* SPDX-License-Identifier: GPL-2.0-only */
/* test_common.h -- includes every cmocka test needs, in the order cmocka wants. */
#ifndef TEST_COMMON_H
#define TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/** The last message the code under test logged through msg() (mock_msg.c). */
extern char mock_last_msg[2048];
/** Every message logged since the last mock_msg_reset(), newline separated. */
extern char mock_all_msgs[16384];
/** Number of M_FATAL messages since the last reset (they do not exit in tests). */
extern int mock_fatal_count;
void mock_msg_reset(void);

#endif
