/* SPDX-License-Identifier: GPL-2.0-only */
// clang-format off
/*
 * fuzz_options_parse.c -- libFuzzer harness for the config tokenizer and
 * the text reader (inline blocks, line limits, dispatch).
 *
 * FUZZ_SOURCES: options.c options_parse.c options_table.c options_log.c options_conn.c options_crypto.c options_dev.c options_script.c options_post.c options_show.c options_tls.c options_server.c options_client.c options_ccd.c options_push.c
 *
 * Input: arbitrary bytes.  Each line goes through opt_tokenize(); then the
 * whole input is parsed as config text in the *pushed* context, which
 * rejects --config, --cd, --secret and every other directive that touches
 * the file system, so a run never opens files or changes directory.
 */
// clang-format on
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "options.h"
#include "options_parse.h"

/* options_show.c's collaborators; the harness never prints the version. */
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
    static const struct opt_loc loc = { "fuzz", 1 };
    static struct options o;
    struct opt_tokens t;
    const char *text = (const char *) data;
    size_t pos = 0;

    error_set_verb(-1); /* keep the log quiet: M_USAGE lines are level 0 */
    while (pos < size)
    {
        const char *nl = memchr(text + pos, '\n', size - pos);
        size_t len = nl ? (size_t) (nl - (text + pos)) : size - pos;

        if (opt_tokenize(text + pos, len, &loc, &t) == OPT_TOK_OK)
        {
            for (int i = 0; i < t.n; i++)
            {
                (void) strlen(t.p[i]); /* every word is a terminated string */
            }
        }
        pos += len + 1;
    }

    options_init_defaults(&o);
    (void) opt_parse_text(&o, "fuzz", text, size, OPT_W_PUSH, 1);
    options_free(&o);
    return 0;
}
