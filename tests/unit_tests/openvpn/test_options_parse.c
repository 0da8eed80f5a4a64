/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options_parse.c -- the config tokenizer and text/file/argv readers:
 * quoting, escapes, comments, inline blocks, nesting, line limits, and
 * the exact FILE:LINE of every error.
 */
#include "config.h"

#include "test_common.h"

#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "options_parse.h"

/* Collaborators of options_show.c, linked in later by other areas. */
const char *
crypto_library_version(void)
{
    return "OpenSSL test";
}

const char *
comp_lzo_version(void)
{
    return "2.10";
}

static const struct opt_loc LOC = { "t.conf", 7 };

static struct opt_tokens *
tok(const char *line, enum opt_tok_result expect)
{
    static struct opt_tokens t;

    assert_int_equal(opt_tokenize(line, strlen(line), &LOC, &t), expect);
    return &t;
}

static void
tokenize__plain_words__split_on_blanks(void **state)
{
    struct opt_tokens *t = tok("  remote \t host.example   1194\r", OPT_TOK_OK);

    assert_int_equal(t->n, 3);
    assert_string_equal(t->p[0], "remote");
    assert_string_equal(t->p[1], "host.example");
    assert_string_equal(t->p[2], "1194");
    assert_null(t->p[3]);
}

static void
tokenize__leading_dashes__dropped_from_keyword(void **state)
{
    struct opt_tokens *t = tok("--verb 3", OPT_TOK_OK);

    assert_int_equal(t->n, 2);
    assert_string_equal(t->p[0], "verb");
}

static void
tokenize__double_quotes__keep_blanks_and_escapes(void **state)
{
    struct opt_tokens *t = tok("setenv \"a b\" \"c\\\"d\\\\e\\ f\"", OPT_TOK_OK);

    assert_int_equal(t->n, 3);
    assert_string_equal(t->p[1], "a b");
    assert_string_equal(t->p[2], "c\"d\\e f");
}

static void
tokenize__single_quotes__take_backslash_literally(void **state)
{
    struct opt_tokens *t = tok("up 'C:\\x y'", OPT_TOK_OK);

    assert_int_equal(t->n, 2);
    assert_string_equal(t->p[1], "C:\\x y");
}

static void
tokenize__backslash_outside_quotes__escapes_next_char(void **state)
{
    struct opt_tokens *t = tok("setenv a\\ b c\\#d", OPT_TOK_OK);

    assert_int_equal(t->n, 3);
    assert_string_equal(t->p[1], "a b");
    assert_string_equal(t->p[2], "c#d");
}

static void
tokenize__comment_lines__give_no_words(void **state)
{
    assert_int_equal(tok("# verb 3", OPT_TOK_OK)->n, 0);
    assert_int_equal(tok("   ; verb 3", OPT_TOK_OK)->n, 0);
    assert_int_equal(tok("", OPT_TOK_OK)->n, 0);
    assert_int_equal(tok(" \t\r", OPT_TOK_OK)->n, 0);
}

static void
tokenize__comment_char_starting_a_word__ends_line(void **state)
{
    struct opt_tokens *t = tok("verb 3 #four ; five", OPT_TOK_OK);

    assert_int_equal(t->n, 2);
    t = tok("verb 3 ;x", OPT_TOK_OK);
    assert_int_equal(t->n, 2);
    t = tok("verb \"3\"#z", OPT_TOK_OK); /* closing quote ends the word, as in 2.6 */
    assert_int_equal(t->n, 2);
    assert_string_equal(t->p[1], "3");
}

static void
tokenize__comment_char_inside_word__is_literal(void **state)
{
    struct opt_tokens *t = tok("dev tun#1 a;b", OPT_TOK_OK);

    assert_int_equal(t->n, 3);
    assert_string_equal(t->p[1], "tun#1");
    assert_string_equal(t->p[2], "a;b");
}

static void
tokenize__quoted_comment_char__is_literal(void **state)
{
    struct opt_tokens *t = tok("setenv x \"#not a comment\"", OPT_TOK_OK);

    assert_int_equal(t->n, 3);
    assert_string_equal(t->p[2], "#not a comment");
}

static void
tokenize__unclosed_double_quote__error_names_file_line(void **state)
{
    mock_msg_reset();
    assert_int_equal(tok("verb \"3", OPT_TOK_ERROR)->n, 0);
    assert_string_equal(mock_last_msg, "Options error: No closing quotation (\") in t.conf:7");
}

static void
tokenize__unclosed_single_quote__error_names_file_line(void **state)
{
    mock_msg_reset();
    tok("verb '3", OPT_TOK_ERROR);
    assert_string_equal(mock_last_msg,
                        "Options error: No closing single quotation (') in t.conf:7");
}

static void
tokenize__too_many_words__capped_one_past_limit(void **state)
{
    struct opt_tokens *t = tok("a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", OPT_TOK_OK);

    assert_int_equal(t->n, OPT_MAX_PARMS + 1);
    assert_null(t->p[t->n]);
}

static void
tokenize__every_prefix__never_overruns(void **state)
{
    const char *line = "  --remote \"h o\\\"st\" 'p;#' a\\ b # tail \"open";
    size_t len = strlen(line);
    struct opt_tokens t;

    for (size_t i = 0; i <= len; i++)
    {
        enum opt_tok_result r = opt_tokenize(line, i, &LOC, &t);

        if (r == OPT_TOK_OK)
        {
            assert_true(t.n >= 0 && t.n <= OPT_MAX_PARMS + 1);
            assert_null(t.p[t.n]);
        }
        else
        {
            assert_int_equal(t.n, 0);
        }
    }
}

static void
tokenize__embedded_nul__stops_line(void **state)
{
    struct opt_tokens t;

    assert_int_equal(opt_tokenize("verb 3\0 9", 9, &LOC, &t), OPT_TOK_OK);
    assert_int_equal(t.n, 2);
}

/* ---------------------------------------------------------------- text */

static bool
parse(struct options *o, const char *text)
{
    options_init_defaults(o);
    mock_msg_reset();
    return opt_parse_text(o, "t.conf", text, strlen(text), OPT_W_CONFIG, 1);
}

static void
text__directives__applied_in_order(void **state)
{
    struct options o;

    assert_true(parse(&o, "# hello\nverb 5\n\n--mute 3\r\nverb 6"));
    assert_int_equal(o.verb, 6);
    assert_int_equal(o.mute, 3);
    options_free(&o);
}

static void
text__unknown_option__2_6_message_with_line(void **state)
{
    struct options o;

    assert_false(parse(&o, "verb 3\n\nfoo bar\n"));
    assert_string_equal(mock_last_msg,
                        "Options error: Unrecognized option or missing or extra parameter(s) "
                        "in t.conf:3: foo (" PACKAGE_VERSION ")");
    options_free(&o);
}

static void
text__inline_secret__text_stored_and_flagged(void **state)
{
    struct options o;
    const char *cfg = "verb 3\n<secret>\n-----BEGIN x-----\nabcd\n-----END x-----\n"
                      "</secret>\nmute 2\n";

    assert_true(parse(&o, cfg));
    assert_true(o.shared_secret_inline);
    assert_string_equal(o.shared_secret_file, "-----BEGIN x-----\nabcd\n-----END x-----\n");
    assert_int_equal(o.loc_of_secret.line, 2);
    assert_int_equal(o.mute, 2);
    assert_null(o.inline_data);
    options_free(&o);
}

static void
text__unterminated_block__error_names_opening_line(void **state)
{
    struct options o;

    assert_false(parse(&o, "verb 3\n<secret>\nabc\n"));
    assert_string_equal(mock_last_msg, "Options error: t.conf:2: Endtag </secret> missing");
    assert_null(o.shared_secret_file);
    options_free(&o);
}

static void
text__inline_block_for_unbuilt_option__not_supported_message(void **state)
{
    struct options o;

    assert_false(parse(&o, "<http-proxy-user-pass>\nu\np\n</http-proxy-user-pass>\n"));
    assert_string_equal(
      mock_last_msg, "Options error: t.conf:1: --http-proxy-user-pass: not supported by this build yet");
    options_free(&o);
}

static void
text__inline_tag_typed_by_hand__rejected(void **state)
{
    struct options o;

    assert_false(parse(&o, "secret [[INLINE]]\n"));
    assert_non_null(strstr(mock_last_msg, "t.conf:1: --secret:"));
    options_free(&o);
}

static void
text__overlong_line__error_with_line(void **state)
{
    struct options o;
    char cfg[600];

    memset(cfg, 'x', sizeof(cfg));
    memcpy(cfg, "verb 1\ndev ", 11);
    cfg[sizeof(cfg) - 2] = '\n';
    cfg[sizeof(cfg) - 1] = '\0';
    assert_false(parse(&o, cfg));
    assert_non_null(strstr(mock_last_msg,
                           "Options error: In t.conf:2: Maximum option line "
                           "length (256) exceeded, line starts with dev xxx"));
    options_free(&o);
}

static void
text__line_of_255_chars__accepted(void **state)
{
    struct options o;
    char cfg[300];

    memset(cfg, ' ', sizeof(cfg));
    memcpy(cfg, "verb 4", 6);
    cfg[255] = '\n';
    cfg[256] = '\0';
    assert_true(parse(&o, cfg));
    assert_int_equal(o.verb, 4);
    options_free(&o);
}

static void
text__utf8_bom__skipped(void **state)
{
    struct options o;

    assert_true(parse(&o, "\xEF\xBB\xBFverb 7\n"));
    assert_int_equal(o.verb, 7);
    options_free(&o);
}

/* Does the first LEN bytes of CFG end just after one of the COMPLETE texts
 * (or after it and its newline)? */
static bool
ends_complete(const char *cfg, size_t len, const char *const *complete, size_t n)
{
    for (size_t k = 0; k < n; k++)
    {
        size_t c = strlen(complete[k]);

        if ((len >= c && memcmp(cfg + len - c, complete[k], c) == 0)
            || (len > c && cfg[len - 1] == '\n' && memcmp(cfg + len - 1 - c, complete[k], c) == 0))
        {
            return true;
        }
    }
    return false;
}

/* A config cut anywhere parses exactly when the cut falls after a complete
 * directive: an empty file, "verb 3", a closed inline block, setenv with its
 * quoted name (its value is optional) and "mute 1"; a cut keyword, a missing
 * parameter, an open quote or an open <secret> block is an error. */
static void
text__every_prefix__ok_only_after_a_whole_directive(void **state)
{
    const char *cfg = "verb 3\n<secret>\nab\n</secret>\nsetenv \"x y\" z\nmute 1\n";
    static const char *const complete[] = {
        "verb 3", "</secret>", "setenv \"x y\"", "setenv \"x y\" ", "setenv \"x y\" z", "mute 1",
    };
    size_t len = strlen(cfg);

    for (size_t i = 0; i <= len; i++)
    {
        struct options o;
        bool want = i == 0 || ends_complete(cfg, i, complete, sizeof(complete) / sizeof(complete[0]));

        options_init_defaults(&o);
        if (opt_parse_text(&o, "t.conf", cfg, i, OPT_W_CONFIG, 1) != want)
        {
            fail_msg("prefix of %zu bytes \"%.*s\": expected %s", i, (int) i, cfg, want ? "ok" : "an error");
        }
        options_free(&o);
    }
}

/* ---------------------------------------------------------------- files */

static char tmpdir[64];

static int
make_tmpdir(void **state)
{
    strcpy(tmpdir, "/tmp/optparseXXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int
rm_tmpdir(void **state)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
file__includes_itself__depth_error(void **state)
{
    struct options o;
    char path[256];

    snprintf(path, sizeof(path), "%s/self.conf", tmpdir);
    write_file("self.conf", "");
    {
        char text[300];

        snprintf(text, sizeof(text), "verb 2\nconfig %s\n", path);
        write_file("self.conf", text);
    }
    options_init_defaults(&o);
    mock_msg_reset();
    assert_false(opt_parse_file(&o, path, NULL, 1));
    assert_non_null(strstr(mock_last_msg, "Options error: In "));
    assert_non_null(strstr(mock_last_msg,
                           "self.conf:2: Maximum recursive include levels "
                           "exceeded in include attempt of file"));
    options_free(&o);
}

static void
file__ten_levels__accepted(void **state)
{
    struct options o;
    char path[256];

    for (int i = 1; i <= MAX_CONFIG_DEPTH; i++)
    {
        char name[32], text[300];

        snprintf(name, sizeof(name), "n%d.conf", i);
        if (i < MAX_CONFIG_DEPTH)
        {
            snprintf(text, sizeof(text), "config %s/n%d.conf\n", tmpdir, i + 1);
        }
        else
        {
            snprintf(text, sizeof(text), "verb 9\n");
        }
        write_file(name, text);
    }
    snprintf(path, sizeof(path), "%s/n1.conf", tmpdir);
    options_init_defaults(&o);
    mock_msg_reset();
    assert_true(opt_parse_file(&o, path, NULL, 1));
    assert_int_equal(o.verb, 9);
    options_free(&o);
}

static void
file__missing__error_names_including_line(void **state)
{
    struct options o;
    const struct opt_loc from = { "a.conf", 4 };

    options_init_defaults(&o);
    mock_msg_reset();
    assert_false(opt_parse_file(&o, "/nonexistent/x.conf", &from, 2));
    assert_string_equal(mock_last_msg,
                        "Options error: In a.conf:4: Error opening configuration "
                        "file: /nonexistent/x.conf");
    options_free(&o);
}

/* ---------------------------------------------------------------- argv */

static void
cmdline__options_with_args__applied(void **state)
{
    struct options o;
    char *argv[] = { "openvpn", "--verb", "4", "--remote", "h", "1195", "--float", NULL };

    options_init_defaults(&o);
    mock_msg_reset();
    assert_true(opt_parse_cmdline(&o, 7, argv));
    assert_int_equal(o.verb, 4);
    assert_int_equal(o.n_remotes, 1);
    assert_string_equal(o.remotes[0].port, "1195");
    assert_true(o.floating);
    options_free(&o);
}

static void
cmdline__missing_dashes__error(void **state)
{
    struct options o;
    char *argv[] = { "openvpn", "--verb", "4", NULL };
    char *argv2[] = { "openvpn", "verb", "4", NULL };

    options_init_defaults(&o);
    mock_msg_reset();
    assert_true(opt_parse_cmdline(&o, 3, argv));
    assert_false(opt_parse_cmdline(&o, 3, argv2));
    assert_string_equal(mock_last_msg,
                        "Options error: I'm trying to parse \"verb\" as an "
                        "--option parameter but I don't see a leading '--'");
    options_free(&o);
}

static void
cmdline__wrong_arg_count__cmdline_line_1(void **state)
{
    struct options o;
    char *argv[] = { "openvpn", "--mute", "1", "--verb", NULL };

    options_init_defaults(&o);
    mock_msg_reset();
    assert_false(opt_parse_cmdline(&o, 4, argv));
    assert_string_equal(mock_last_msg,
                        "Options error: Unrecognized option or missing or extra parameter(s) "
                        "in [CMD-LINE]:1: verb (" PACKAGE_VERSION ")");
    options_free(&o);
}

static void
cmdline__single_file_argument__means_config(void **state)
{
    struct options o;
    char path[256];
    char *argv[] = { "openvpn", path, NULL };

    write_file("single.conf", "verb 8\n");
    snprintf(path, sizeof(path), "%s/single.conf", tmpdir);
    options_init_defaults(&o);
    mock_msg_reset();
    assert_true(opt_parse_cmdline(&o, 2, argv));
    assert_int_equal(o.verb, 8);
    assert_string_equal(o.config_file, path);
    options_free(&o);
}

/* A secret file others may read: 2.6 warns and goes on; mode 0600 is quiet. */
static void
warn_private_file__group_or_other_bits__warned_once(void **state)
{
    char path[512];
    FILE *f;
    (void) state;

    snprintf(path, sizeof(path), "%s/secret.key", tmpdir);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    mock_msg_reset();
    opt_warn_private_file(path);
    assert_non_null(strstr(mock_last_msg, "WARNING: file '"));
    assert_non_null(strstr(mock_last_msg, "/secret.key' is group or others accessible"));
    assert_int_equal(chmod(path, 0604), 0);
    mock_msg_reset();
    opt_warn_private_file(path);
    assert_non_null(strstr(mock_last_msg, "is group or others accessible"));
    assert_int_equal(chmod(path, 0600), 0);
    mock_msg_reset();
    opt_warn_private_file(path);
    assert_string_equal(mock_all_msgs, "");
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokenize__plain_words__split_on_blanks),
        cmocka_unit_test(tokenize__leading_dashes__dropped_from_keyword),
        cmocka_unit_test(tokenize__double_quotes__keep_blanks_and_escapes),
        cmocka_unit_test(tokenize__single_quotes__take_backslash_literally),
        cmocka_unit_test(tokenize__backslash_outside_quotes__escapes_next_char),
        cmocka_unit_test(tokenize__comment_lines__give_no_words),
        cmocka_unit_test(tokenize__comment_char_starting_a_word__ends_line),
        cmocka_unit_test(tokenize__comment_char_inside_word__is_literal),
        cmocka_unit_test(tokenize__quoted_comment_char__is_literal),
        cmocka_unit_test(tokenize__unclosed_double_quote__error_names_file_line),
        cmocka_unit_test(tokenize__unclosed_single_quote__error_names_file_line),
        cmocka_unit_test(tokenize__too_many_words__capped_one_past_limit),
        cmocka_unit_test(tokenize__every_prefix__never_overruns),
        cmocka_unit_test(tokenize__embedded_nul__stops_line),
        cmocka_unit_test(text__directives__applied_in_order),
        cmocka_unit_test(text__unknown_option__2_6_message_with_line),
        cmocka_unit_test(text__inline_secret__text_stored_and_flagged),
        cmocka_unit_test(text__unterminated_block__error_names_opening_line),
        cmocka_unit_test(text__inline_block_for_unbuilt_option__not_supported_message),
        cmocka_unit_test(text__inline_tag_typed_by_hand__rejected),
        cmocka_unit_test(text__overlong_line__error_with_line),
        cmocka_unit_test(text__line_of_255_chars__accepted),
        cmocka_unit_test(text__utf8_bom__skipped),
        cmocka_unit_test(text__every_prefix__ok_only_after_a_whole_directive),
        cmocka_unit_test(file__includes_itself__depth_error),
        cmocka_unit_test(file__ten_levels__accepted),
        cmocka_unit_test(file__missing__error_names_including_line),
        cmocka_unit_test(cmdline__options_with_args__applied),
        cmocka_unit_test(cmdline__missing_dashes__error),
        cmocka_unit_test(cmdline__wrong_arg_count__cmdline_line_1),
        cmocka_unit_test(cmdline__single_file_argument__means_config),
        cmocka_unit_test(warn_private_file__group_or_other_bits__warned_once),
    };

    return cmocka_run_group_tests(tests, make_tmpdir, rm_tmpdir);
}
