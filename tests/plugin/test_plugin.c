/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_plugin.c -- a --plugin for tests/t_plugin.sh: it asks for every
 * event and appends one record per call to a file, so that the same
 * configuration run with our daemon and with OpenVPN 2.6 can be compared.
 *
 * Plugin arguments: RECORD_FILE, then words of the form
 *   env=NAME,NAME...   variables whose values each record lists
 *   fail=TYPE          return an error for this event ("open": open fails)
 *   deny=USER          AUTH_USER_PASS_VERIFY fails for this username
 *   config=TEXT        CLIENT_CONNECT_V2 returns TEXT as "config"
 *   noauth             no AUTH_USER_PASS_VERIFY (a client asks for a password then)
 *
 * Record format (one line each):
 *   OPEN argc=N argv=[a][b]... structver=V ssl_api=A version=X major.minor patch
 *   CALL TYPE argv=[...] pcc=yes|no depth=D cert=yes|no
 *   ENV NAME=VALUE            (each selected variable present, in the order asked)
 *   ENVNAMES a,b,c            (every variable name, sorted)
 *   CLOSE
 * Built as a shared object by `make check`; not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvpn-plugin.h"

struct tp
{
    char file[512];
    char env[1024];
    char fail[64];
    char deny[128];
    char config[512];
    int clients;
    int noauth;
    plugin_log_t log;
};

static const char *const type_names[] = {
    "UP", "DOWN", "ROUTE_UP", "IPCHANGE", "TLS_VERIFY", "AUTH_USER_PASS_VERIFY",
    "CLIENT_CONNECT", "CLIENT_DISCONNECT", "LEARN_ADDRESS", "CLIENT_CONNECT_V2",
    "TLS_FINAL", "11", "ROUTE_PREDOWN", "CLIENT_CONNECT_DEFER", "CLIENT_CONNECT_DEFER_V2",
    "CLIENT_CRRESPONSE"
};

static const char *
env_get(const char *const *envp, const char *name)
{
    size_t n = strlen(name);

    for (; envp && *envp; envp++)
    {
        if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
        {
            return *envp + n + 1;
        }
    }
    return NULL;
}

static void
put_argv(FILE *f, const char *const *argv)
{
    fputs(" argv=", f);
    for (; argv && *argv; argv++)
    {
        fprintf(f, "[%s]", *argv);
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
put_env(FILE *f, const struct tp *t, const char *const *envp)
{
    char names[1024];
    const char *sorted[512];
    size_t n = 0;

    snprintf(names, sizeof(names), "%s", t->env);
    for (char *save = NULL, *w = strtok_r(names, ",", &save); w; w = strtok_r(NULL, ",", &save))
    {
        const char *v = env_get(envp, w);

        if (v)
        {
            fprintf(f, "ENV %s=%s\n", w, v);
        }
    }
    for (const char *const *e = envp; e && *e && n < 512; e++)
    {
        sorted[n++] = *e;
    }
    qsort(sorted, n, sizeof(sorted[0]), cmp_str);
    fputs("ENVNAMES ", f);
    for (size_t i = 0; i < n; i++)
    {
        const char *eq = strchr(sorted[i], '=');

        fprintf(f, "%s%.*s", i ? "," : "", (int)(eq ? eq - sorted[i] : (long)strlen(sorted[i])),
                sorted[i]);
    }
    fputc('\n', f);
}

static void
take_arg(struct tp *t, const char *a)
{
    if (strncmp(a, "env=", 4) == 0)
    {
        snprintf(t->env, sizeof(t->env), "%s", a + 4);
    }
    else if (strncmp(a, "fail=", 5) == 0)
    {
        snprintf(t->fail, sizeof(t->fail), "%s", a + 5);
    }
    else if (strncmp(a, "deny=", 5) == 0)
    {
        snprintf(t->deny, sizeof(t->deny), "%s", a + 5);
    }
    else if (strcmp(a, "noauth") == 0)
    {
        t->noauth = 1;
    }
    else if (strncmp(a, "config=", 7) == 0)
    {
        snprintf(t->config, sizeof(t->config), "%s", a + 7);
    }
}

OPENVPN_EXPORT int
openvpn_plugin_open_v3(const int version, struct openvpn_plugin_args_open_in const *in,
                       struct openvpn_plugin_args_open_return *ret)
{
    struct tp *t = calloc(1, sizeof(*t));
    FILE *f;
    int argc = 0;

    if (!t || !in->argv[0] || !in->argv[1])
    {
        free(t);
        return OPENVPN_PLUGIN_FUNC_ERROR;
    }
    snprintf(t->file, sizeof(t->file), "%s", in->argv[1]);
    for (int i = 2; in->argv[i]; i++)
    {
        take_arg(t, in->argv[i]);
    }
    while (in->argv[argc])
    {
        argc++;
    }
    f = fopen(t->file, "a");
    if (f)
    {
        fprintf(f, "OPEN argc=%d", argc);
        put_argv(f, in->argv);
        fprintf(f, " structver=%d ssl_api=%d version=%s %u.%u %s\n", version, (int)in->ssl_api,
                in->ovpn_version, in->ovpn_version_major, in->ovpn_version_minor,
                in->ovpn_version_patch);
        put_env(f, t, in->envp);
        fclose(f);
    }
    if (strcmp(t->fail, "open") == 0)
    {
        free(t);
        return OPENVPN_PLUGIN_FUNC_ERROR;
    }
    t->log = in->callbacks->plugin_log;
    t->log(PLOG_NOTE, "test-plugin", "recording to %s", t->file);
    ret->type_mask = 0;
    for (int i = 0; i < OPENVPN_PLUGIN_N; i++)
    {
        if (i != 11 && i != OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER
            && i != OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2 && i != OPENVPN_PLUGIN_CLIENT_CRRESPONSE
            && !(t->noauth && i == OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY))
        {
            ret->type_mask |= OPENVPN_PLUGIN_MASK(i);
        }
    }
    ret->handle = t;
    return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

static int
add_config(const struct tp *t, struct openvpn_plugin_args_func_return *ret)
{
    struct openvpn_plugin_string_list *l;

    if (!t->config[0] || !ret || !ret->return_list)
    {
        return OPENVPN_PLUGIN_FUNC_SUCCESS;
    }
    l = calloc(1, sizeof(*l));
    if (!l)
    {
        return OPENVPN_PLUGIN_FUNC_ERROR;
    }
    l->name = strdup("config");
    l->value = strdup(t->config);
    for (char *c = l->value; c && *c; c++)
    {
        if (*c == ';')
        {
            *c = '\n'; /* config=a;b is two lines */
        }
    }
    *ret->return_list = l;
    return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

OPENVPN_EXPORT int
openvpn_plugin_func_v3(const int version, struct openvpn_plugin_args_func_in const *in,
                       struct openvpn_plugin_args_func_return *ret)
{
    struct tp *t = in->handle;
    const char *name = in->type >= 0 && in->type < OPENVPN_PLUGIN_N ? type_names[in->type] : "?";
    FILE *f = fopen(t->file, "a");

    (void)version;
    if (f)
    {
        fprintf(f, "CALL %s", name);
        put_argv(f, in->argv);
        fprintf(f, " pcc=%s depth=%d cert=%s\n", in->per_client_context ? "yes" : "no",
                in->type == OPENVPN_PLUGIN_TLS_VERIFY ? in->current_cert_depth : -1,
                in->current_cert ? "yes" : "no");
        put_env(f, t, in->envp);
        fclose(f);
    }
    if (strcmp(t->fail, name) == 0)
    {
        return OPENVPN_PLUGIN_FUNC_ERROR;
    }
    if (in->type == OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY && t->deny[0])
    {
        const char *u = env_get(in->envp, "username");

        if (u && strcmp(u, t->deny) == 0)
        {
            return OPENVPN_PLUGIN_FUNC_ERROR;
        }
    }
    if (in->type == OPENVPN_PLUGIN_CLIENT_CONNECT_V2)
    {
        return add_config(t, ret);
    }
    return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

OPENVPN_EXPORT void *
openvpn_plugin_client_constructor_v1(openvpn_plugin_handle_t handle)
{
    struct tp *t = handle;

    t->clients++;
    return calloc(1, 1);
}

OPENVPN_EXPORT void
openvpn_plugin_client_destructor_v1(openvpn_plugin_handle_t handle, void *pcc)
{
    struct tp *t = handle;

    t->clients--;
    free(pcc);
}

OPENVPN_EXPORT void
openvpn_plugin_close_v1(openvpn_plugin_handle_t handle)
{
    struct tp *t = handle;
    FILE *f = fopen(t->file, "a");

    if (f)
    {
        fprintf(f, "CLOSE clients=%d\n", t->clients);
        fclose(f);
    }
    free(t);
}
