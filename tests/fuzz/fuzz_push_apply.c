/* SPDX-License-Identifier: GPL-2.0-only */
// clang-format off
/*
 * fuzz_push_apply.c -- libFuzzer harness for what a client does with a
 * server's PUSH_REPLY (peer input): options_push_apply() on arbitrary text,
 * with a pull-filter and --route-nopull in half of the runs, then the
 * restore that a reconnect does.
 *
 * FUZZ_SOURCES: options.c options_parse.c options_table.c options_log.c options_conn.c options_crypto.c options_dev.c options_script.c options_post.c options_show.c options_tls.c options_server.c options_client.c options_ccd.c options_push.c push_msg.c
 */
// clang-format on
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options.h"
#include "options_push.h"
#include "push_msg.h"
#include "strutil.h"

const char *crypto_library_version(void);
const char *comp_lzo_version(void);

const char *
crypto_library_version(void)
{
    return "fuzz";
}

const char *
comp_lzo_version(void)
{
    return "fuzz";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct options o;
    struct push_saved saved;
    char *text = malloc(size + 1);
    const char *rest = "";
    int cont = 0;

    if (!text)
    {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    error_set_verb(-1);
    options_init_defaults(&o);
    o.pull = true;
    if (size > 0 && (data[0] & 1))
    {
        o.route_nopull = true;
        o.pull_filters[0].action = PF_IGNORE;
        o.pull_filters[0].text = xstrdup("route");
        o.n_pull_filters = 1;
    }
    memset(&saved, 0, sizeof(saved));
    options_push_save(&o, &saved);
    if (push_msg_classify(text, &rest) == PM_PUSH_REPLY)
    {
        options_push_apply(&o, rest, &cont);
    }
    options_push_apply(&o, text, &cont);
    options_push_restore(&o, &saved);
    options_push_saved_free(&saved);
    options_free(&o);
    free(text);
    return 0;
}
