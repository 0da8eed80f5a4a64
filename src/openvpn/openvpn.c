/* SPDX-License-Identifier: GPL-2.0-only */
#include "config.h"
#include "error.h"

int
main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    msg(M_INFO, "placeholder");
    return 0;
}
