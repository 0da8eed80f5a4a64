/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_plugin.c -- the --plugin loader against tests/plugin/test_plugin.c
 * (built next to this driver as unit_test_plugin.so): loading errors,
 * open, argv/envp as handed over, results, returned config, per-client
 * contexts.
 */
#include "test_common.h"

#include <unistd.h>

#include "env_set.h"
#include "plugin.h"

#ifndef UNIT_TEST_PLUGIN
#define UNIT_TEST_PLUGIN "./unit_test_plugin.so"
#endif

static char rec_path[64];

static int
setup(void **state)
{
    int fd;
    (void) state;

    snprintf(rec_path, sizeof(rec_path), "/tmp/plugin_test_XXXXXX");
    fd = mkstemp(rec_path);
    if (fd < 0)
    {
        return -1;
    }
    close(fd);
    mock_msg_reset();
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    unlink(rec_path);
    return 0;
}

static void
read_rec(char *out, size_t n)
{
    FILE *f = fopen(rec_path, "r");
    size_t got = f ? fread(out, 1, n - 1, f) : 0;

    out[got] = '\0';
    if (f)
    {
        fclose(f);
    }
}

/* Load the test plugin with @p extra (NULL-terminated words after the record file). */
static struct plugin_list *
load_test_plugin(const char *const *extra)
{
    const char *args[8] = { rec_path };
    struct plugin_spec spec = { UNIT_TEST_PLUGIN, args };

    for (int i = 0; extra && extra[i] && i < 6; i++)
    {
        args[i + 1] = extra[i];
    }
    return plugin_list_load(&spec, 1);
}

static void
plugin_list_load__missing_file__null_and_says_why(void **state)
{
    struct plugin_spec spec = { "/nonexistent/dir/x.so", NULL };
    (void) state;

    assert_null(plugin_list_load(&spec, 1));
    assert_non_null(strstr(mock_all_msgs, "PLUGIN_INIT: could not load plugin shared object "
                                          "/nonexistent/dir/x.so"));
}

static void
plugin_list_open__open_fails__false_and_says_why(void **state)
{
    static const char *const extra[] = { "fail=open", NULL };
    struct plugin_list *pl = load_test_plugin(extra);
    struct env_set *es = env_set_new();
    (void) state;

    assert_non_null(pl);
    assert_false(plugin_list_open(pl, PLUGIN_INIT_PRE_DAEMON, es));
    assert_non_null(strstr(mock_all_msgs, "plugin initialization function failed"));
    assert_false(plugin_defined(pl, PLUGIN_UP));
    plugin_list_close(pl);
    env_set_free(es);
}

static void
plugin_call__up__argv_starts_with_path_env_passed(void **state)
{
    static const char *const extra[] = { "env=dev", NULL };
    static const char *const args[] = { "tun0", "1500", NULL };
    struct plugin_list *pl = load_test_plugin(extra);
    struct env_set *es = env_set_new();
    char rec[4096], want[512];
    (void) state;

    assert_non_null(pl);
    env_set_add(es, "verb", "3");
    assert_true(plugin_list_open(pl, PLUGIN_INIT_PRE_DAEMON, es));
    /* opened once: a second open at the same point does nothing */
    assert_true(plugin_list_open(pl, PLUGIN_INIT_PRE_DAEMON, es));
    assert_true(plugin_defined(pl, PLUGIN_UP));
    assert_false(plugin_defined(pl, PLUGIN_CLIENT_CONNECT_V2 + 6)); /* CRRESPONSE: not asked */
    env_set_add(es, "dev", "tun0");
    assert_int_equal(plugin_call(pl, PLUGIN_UP, args, es, NULL), PLUGIN_SUCCESS);
    read_rec(rec, sizeof(rec));
    snprintf(want, sizeof(want), "OPEN argc=3 argv=[%s][%s][env=dev] structver=5 ssl_api=1 "
             "version=2.6.14 2.6 .14\n", UNIT_TEST_PLUGIN, rec_path);
    assert_non_null(strstr(rec, want));
    snprintf(want, sizeof(want), "CALL UP argv=[%s][tun0][1500] pcc=yes depth=-1 cert=no\n"
             "ENV dev=tun0\nENVNAMES dev,verb\n", UNIT_TEST_PLUGIN);
    assert_non_null(strstr(rec, want));
    plugin_list_close(pl);
    read_rec(rec, sizeof(rec));
    assert_non_null(strstr(rec, "CLOSE clients=0\n")); /* the process's own context went first */
    env_set_free(es);
}

static void
plugin_call__failing_event__error_and_warning(void **state)
{
    static const char *const extra[] = { "fail=TLS_FINAL", NULL };
    struct plugin_list *pl = load_test_plugin(extra);
    struct env_set *es = env_set_new();
    (void) state;

    assert_true(plugin_list_open(pl, PLUGIN_INIT_PRE_DAEMON, es));
    assert_int_equal(plugin_call(pl, PLUGIN_TLS_FINAL, NULL, es, NULL), PLUGIN_ERROR);
    assert_non_null(strstr(mock_all_msgs, "PLUGIN_CALL: plugin function PLUGIN_TLS_FINAL failed "
                                          "with status 1"));
    assert_int_equal(plugin_call(pl, PLUGIN_UP, NULL, es, NULL), PLUGIN_SUCCESS);
    plugin_list_close(pl);
    env_set_free(es);
}

static void
plugin_call__connect_v2__config_returned_per_client_context(void **state)
{
    static const char *const extra[] = { "config=push \"route 10.1.0.0\";disable", NULL };
    struct plugin_list *pl = load_test_plugin(extra);
    struct env_set *es = env_set_new();
    struct plugin_client *pc;
    char *config = NULL;
    struct plugin_call_io io = { 0 };
    char rec[4096];
    (void) state;

    assert_true(plugin_list_open(pl, PLUGIN_INIT_PRE_DAEMON, es));
    pc = plugin_client_new(pl);
    io.client = pc;
    io.config = &config;
    assert_int_equal(plugin_call(pl, PLUGIN_CLIENT_CONNECT_V2, NULL, es, &io), PLUGIN_SUCCESS);
    assert_non_null(config);
    assert_string_equal(config, "push \"route 10.1.0.0\"\ndisable\n");
    free(config);
    plugin_client_free(pl, pc);
    plugin_list_close(pl);
    read_rec(rec, sizeof(rec));
    assert_non_null(strstr(rec, "CALL CLIENT_CONNECT_V2"));
    assert_non_null(strstr(rec, "CLOSE clients=0\n"));
    env_set_free(es);
}

static void
plugin_call__auth_denied_user__error(void **state)
{
    static const char *const extra[] = { "deny=bob", NULL };
    struct plugin_list *pl = load_test_plugin(extra);
    struct env_set *es = env_set_new();
    (void) state;

    assert_true(plugin_list_open(pl, PLUGIN_INIT_PRE_DAEMON, es));
    env_set_add(es, "username", "alice");
    assert_int_equal(plugin_call(pl, PLUGIN_AUTH_USER_PASS_VERIFY, NULL, es, NULL), PLUGIN_SUCCESS);
    env_set_add(es, "username", "bob");
    assert_int_equal(plugin_call(pl, PLUGIN_AUTH_USER_PASS_VERIFY, NULL, es, NULL), PLUGIN_ERROR);
    plugin_list_close(pl);
    env_set_free(es);
}

static void
plugin_defined__no_list__false_and_call_succeeds(void **state)
{
    struct env_set *es = env_set_new();
    (void) state;

    assert_false(plugin_defined(NULL, PLUGIN_UP));
    assert_int_equal(plugin_call(NULL, PLUGIN_UP, NULL, es, NULL), PLUGIN_SUCCESS);
    assert_null(plugin_client_new(NULL));
    plugin_list_close(NULL);
    env_set_free(es);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(plugin_list_load__missing_file__null_and_says_why, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(plugin_list_open__open_fails__false_and_says_why, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(plugin_call__up__argv_starts_with_path_env_passed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(plugin_call__failing_event__error_and_warning, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(plugin_call__connect_v2__config_returned_per_client_context,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(plugin_call__auth_denied_user__error, setup, teardown),
        cmocka_unit_test_setup_teardown(plugin_defined__no_list__false_and_call_succeeds, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
