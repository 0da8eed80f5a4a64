/* SPDX-License-Identifier: GPL-2.0-only */
/* test_env_set.c -- script environment: add, replace, delete, envp. */
#include "test_common.h"

#include "env_set.h"

static void
env_set_add__new_names__kept_in_order_in_envp(void **state)
{
    struct env_set *es = env_set_new();
    char **envp;
    (void) state;

    env_set_add(es, "dev", "tun0");
    env_set_add(es, "script_type", "up");
    envp = env_set_envp(es);
    assert_string_equal(envp[0], "dev=tun0");
    assert_string_equal(envp[1], "script_type=up");
    assert_null(envp[2]);
    assert_int_equal(env_set_count(es), 2);
    env_set_free(es);
}

static void
env_set_add__existing_name__replaces_in_place(void **state)
{
    struct env_set *es = env_set_new();
    (void) state;

    env_set_add(es, "a", "1");
    env_set_add(es, "ab", "2"); /* a prefix of another name must not match */
    env_set_add(es, "a", "3");
    assert_int_equal(env_set_count(es), 2);
    assert_string_equal(env_set_get(es, "a"), "3");
    assert_string_equal(env_set_get(es, "ab"), "2");
    assert_string_equal(env_set_envp(es)[0], "a=3");
    env_set_free(es);
}

static void
env_set_del__present_and_absent__removes_only_that_name(void **state)
{
    struct env_set *es = env_set_new();
    char **envp;
    (void) state;

    env_set_add(es, "x", "1");
    env_set_add(es, "y", "2");
    env_set_add(es, "z", "3");
    env_set_del(es, "y");
    env_set_del(es, "nope");
    envp = env_set_envp(es);
    assert_string_equal(envp[0], "x=1");
    assert_string_equal(envp[1], "z=3");
    assert_null(envp[2]);
    assert_null(env_set_get(es, "y"));
    env_set_add(es, "x", NULL); /* NULL value deletes */
    assert_null(env_set_get(es, "x"));
    assert_int_equal(env_set_count(es), 1);
    env_set_free(es);
}

static void
env_set_addf__formats_value(void **state)
{
    struct env_set *es = env_set_new();
    (void) state;

    env_set_addf(es, "tun_mtu", "%d", 1500);
    env_set_addf(es, "empty", "%s", "");
    assert_string_equal(env_set_get(es, "tun_mtu"), "1500");
    assert_string_equal(env_set_get(es, "empty"), "");
    env_set_free(es);
}

static void
env_set_add__many_names__grows_and_keeps_all(void **state)
{
    struct env_set *es = env_set_new();
    char name[16];
    (void) state;

    for (int i = 0; i < 200; i++)
    {
        snprintf(name, sizeof(name), "v%d", i);
        env_set_addf(es, name, "%d", i * 2);
    }
    assert_int_equal(env_set_count(es), 200);
    assert_string_equal(env_set_get(es, "v0"), "0");
    assert_string_equal(env_set_get(es, "v199"), "398");
    assert_null(env_set_envp(es)[200]);
    env_set_free(es);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(env_set_add__new_names__kept_in_order_in_envp),
        cmocka_unit_test(env_set_add__existing_name__replaces_in_place),
        cmocka_unit_test(env_set_del__present_and_absent__removes_only_that_name),
        cmocka_unit_test(env_set_addf__formats_value),
        cmocka_unit_test(env_set_add__many_names__grows_and_keeps_all),
    };

    return cmocka_run_group_tests_name("env_set", tests, NULL, NULL);
}
