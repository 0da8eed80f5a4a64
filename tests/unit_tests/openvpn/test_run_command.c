/* SPDX-License-Identifier: GPL-2.0-only */
/* test_run_command.c -- command splitting, script-security, running real scripts. */
#include "test_common.h"

#include <sys/stat.h>
#include <unistd.h>

#include "run_command.h"

static int
split(const char *cmd, char **argv, char *store, size_t store_len)
{
    return run_split_argv(cmd, store, store_len, argv, 8);
}

static void
run_split_argv__quotes_and_escapes__split_like_config_lines(void **state)
{
    char store[128], *argv[9];
    (void) state;

    assert_int_equal(
      split("/bin/up.sh \"a b\" c\\ d 'e \\f' \"q\\\"z\"", argv, store, sizeof(store)), 5);
    assert_string_equal(argv[0], "/bin/up.sh");
    assert_string_equal(argv[1], "a b");
    assert_string_equal(argv[2], "c d");
    assert_string_equal(argv[3], "e \\f"); /* single quotes: no escapes */
    assert_string_equal(argv[4], "q\"z");
    assert_null(argv[5]);
}

static void
run_split_argv__extra_whitespace_and_empty_quotes__handled(void **state)
{
    char store[64], *argv[9];
    (void) state;

    assert_int_equal(split("  /x\t \"\"  y  ", argv, store, sizeof(store)), 3);
    assert_string_equal(argv[0], "/x");
    assert_string_equal(argv[1], "");
    assert_string_equal(argv[2], "y");
    assert_int_equal(split("   ", argv, store, sizeof(store)), 0);
}

static void
run_split_argv__unterminated_quote_or_too_many__fails(void **state)
{
    char store[64], *argv[9];
    (void) state;

    assert_int_equal(split("/x \"abc", argv, store, sizeof(store)), -1);
    assert_int_equal(split("/x 'abc", argv, store, sizeof(store)), -1);
    assert_int_equal(split("1 2 3 4 5 6 7 8 9", argv, store, sizeof(store)), -1);
    assert_int_equal(split("1 2 3 4 5 6 7 8", argv, store, sizeof(store)), 8);
}

static void
run_script__script_security_1__refuses_with_2_6_warning(void **state)
{
    int status = 99;
    (void) state;

    mock_msg_reset();
    assert_false(run_script("/bin/true", NULL, NULL, 1, "up", &status));
    assert_int_equal(status, -1);
    assert_non_null(strstr(mock_all_msgs,
                           "WARNING: External program may not be called unless '--script-security "
                           "2' or higher is enabled. See --help text or man page for detailed "
                           "info.\n"));
    assert_non_null(strstr(mock_all_msgs,
                           "WARNING: Failed running command (--up/--down): "
                           "disallowed by script-security setting"));
}

/* Write a shell script to a temp file; returns its path in @p path. */
static void
write_script(char *path, size_t n, const char *body)
{
    FILE *f;
    int fd;

    snprintf(path, n, "/tmp/test_run_command_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0700), 0);
}

static void
run_script__script_writes_args_and_env__sees_both(void **state)
{
    char script[64], out[64], cmd[256], line[256];
    const char *extra[] = { "tun0", "1500", "", "init", NULL };
    struct env_set *es = env_set_new();
    int status = -5;
    FILE *f;
    (void) state;

    snprintf(out, sizeof(out), "/tmp/test_run_command_out_%d", (int) getpid());
    write_script(script,
                 sizeof(script),
                 "printf '%s|' \"$@\" > \"$OUTFILE\"; echo >> \"$OUTFILE\";"
                 " echo \"dev=$dev\" >> \"$OUTFILE\";"
                 " /usr/bin/env | grep -c '^PATH=' >> \"$OUTFILE\"; exit 0");
    env_set_add(es, "OUTFILE", out);
    env_set_add(es, "dev", "tun0");
    snprintf(cmd, sizeof(cmd), "%s \"a b\" c", script);

    mock_msg_reset();
    assert_true(run_script(cmd, extra, es, 2, "up", &status));
    assert_int_equal(status, 0);
    /* 2.6 logs the command line it runs. */
    snprintf(line, sizeof(line), "%s a b c tun0 1500  init", script);
    assert_string_equal(mock_last_msg, line);

    f = fopen(out, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "a b|c|tun0|1500||init|\n");
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "dev=tun0\n");
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "0\n"); /* only our environment: no PATH, as in 2.6 */
    fclose(f);
    unlink(out);
    unlink(script);
    env_set_free(es);
}

static void
run_script__nonzero_exit__reported_with_status(void **state)
{
    char script[64];
    int status = -5;
    (void) state;

    write_script(script, sizeof(script), "exit 3");
    mock_msg_reset();
    assert_false(run_script(script, NULL, NULL, 2, "up", &status));
    assert_int_equal(status, 3);
    assert_string_equal(mock_last_msg,
                        "WARNING: Failed running command (--up/--down): external "
                        "program exited with error status: 3");
    unlink(script);
}

static void
run_script__killed_by_signal__did_not_exit_normally(void **state)
{
    char script[64];
    int status = -5;
    (void) state;

    write_script(script, sizeof(script), "kill -9 $$");
    mock_msg_reset();
    assert_false(run_script(script, NULL, NULL, 3, "--route-up", &status));
    assert_int_equal(status, -1);
    assert_string_equal(mock_last_msg,
                        "WARNING: Failed running command (--route-up): external "
                        "program did not exit normally");
    unlink(script);
}

static void
run_script__missing_program__could_not_execute(void **state)
{
    int status = -5;
    (void) state;

    mock_msg_reset();
    assert_false(run_script("/nonexistent/prog arg", NULL, NULL, 2, "down", &status));
    assert_string_equal(mock_last_msg,
                        "WARNING: Failed running command (--up/--down): could not "
                        "execute external program");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_split_argv__quotes_and_escapes__split_like_config_lines),
        cmocka_unit_test(run_split_argv__extra_whitespace_and_empty_quotes__handled),
        cmocka_unit_test(run_split_argv__unterminated_quote_or_too_many__fails),
        cmocka_unit_test(run_script__script_security_1__refuses_with_2_6_warning),
        cmocka_unit_test(run_script__script_writes_args_and_env__sees_both),
        cmocka_unit_test(run_script__nonzero_exit__reported_with_status),
        cmocka_unit_test(run_script__killed_by_signal__did_not_exit_normally),
        cmocka_unit_test(run_script__missing_program__could_not_execute),
    };

    return cmocka_run_group_tests_name("run_command", tests, NULL, NULL);
}
