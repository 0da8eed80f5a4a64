/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multi_plugin.c -- the server's --plugin calls for one client: the
 * environment a plugin sees, AUTH_USER_PASS_VERIFY, TLS_FINAL, IPCHANGE
 * and the per-client context.  The moments are multi_connect.c's.  See
 * multi.h.
 *
 * Tier 6.  The loader is plugin.c; every env_set made here is freed here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "env_set.h"
#include "error.h"
#include "init_env.h"
#include "multi.h"
#include "plugin.h"
#include "sockaddr.h"

/*
 * A plugin sees the client's environment on top of the server's own (2.6
 * copies the server's into each client), and never script_type: 2.6 sets
 * that for scripts only.
 */
struct env_set *
multi_plugin_env(struct multi_context *m, struct multi_instance *mi)
{
    struct env_set *es = env_set_new();
    struct env_set *ce = multi_client_env(m, mi, "");
    char **v = env_set_envp(ce);

    init_env_server_base(m->c, es);
    for (size_t i = 0; i < env_set_count(ce); i++)
    {
        char *eq = strchr(v[i], '=');

        if (eq)
        {
            *eq = '\0'; /* the array is ce's; ce is freed right after */
            env_set_add(es, v[i], eq + 1);
            *eq = '=';
        }
    }
    env_set_free(ce);
    env_set_del(es, "script_type");
    return es;
}

bool
multi_plugin_on(const struct multi_context *m, enum plugin_type type)
{
    return plugin_defined(m->c->ps->plugins, type);
}

/* Call @p type for this client; true if every plugin succeeded (or none is registered). */
bool
multi_plugin_call(struct multi_context *m, struct multi_instance *mi, enum plugin_type type,
                   const char *const *args, const struct env_set *es, char **config)
{
    struct plugin_call_io io = { .client = mi->plugin_ctx, .config = config };

    if (!multi_plugin_on(m, type))
    {
        return true;
    }
    return plugin_call(m->c->ps->plugins, type, args, es, &io) == PLUGIN_SUCCESS;
}

/* A fresh empty auth_control_file in /tmp, 2.6's name pattern; false if none. */
static bool
make_acf(struct multi_instance *mi)
{
    unsigned char r[16];
    int fd = -1;
    FILE *u = fopen("/dev/urandom", "rb");

    if (u && fread(r, 1, sizeof(r), u) == sizeof(r))
    {
        int k = snprintf(mi->plugin_acf, sizeof(mi->plugin_acf), "/tmp/openvpn_acf_");

        for (size_t i = 0; i < sizeof(r); i++)
        {
            k += snprintf(mi->plugin_acf + k, sizeof(mi->plugin_acf) - (size_t)k, "%02x", r[i]);
        }
        snprintf(mi->plugin_acf + k, sizeof(mi->plugin_acf) - (size_t)k, ".tmp");
        fd = open(mi->plugin_acf, O_WRONLY | O_CREAT | O_EXCL, 0600);
    }
    if (u)
    {
        fclose(u);
    }
    if (fd < 0)
    {
        msg(M_WARN | M_ERRNO, "Cannot create the auth_control_file");
        mi->plugin_acf[0] = '\0';
        return false;
    }
    close(fd);
    return true;
}

/* AUTH_USER_PASS_VERIFY: the plugins see the password in the environment
 * and may answer later through auth_control_file ("1" or "0"). */
enum plugin_result
multi_plugin_user_pass(struct multi_context *m, struct multi_instance *mi, const char *user,
                       const char *pass)
{
    struct plugin_call_io io = { .client = mi->plugin_ctx };
    struct env_set *es;
    enum plugin_result r;

    multi_plugin_acf_remove(mi);
    es = multi_plugin_env(m, mi);
    env_set_add(es, "username", user);
    env_set_add(es, "password", pass);
    if (make_acf(mi))
    {
        env_set_add(es, "auth_control_file", mi->plugin_acf);
    }
    r = plugin_call(m->c->ps->plugins, PLUGIN_AUTH_USER_PASS_VERIFY, NULL, es, &io);
    env_set_free(es);
    if (r == PLUGIN_DEFERRED && !mi->plugin_acf[0])
    {
        r = PLUGIN_ERROR;
    }
    if (r != PLUGIN_DEFERRED)
    {
        multi_plugin_acf_remove(mi);
    }
    return r;
}

int
multi_plugin_poll(struct multi_instance *mi)
{
    char c = '\0';
    FILE *f = mi->plugin_acf[0] ? fopen(mi->plugin_acf, "r") : NULL;

    if (!f)
    {
        return mi->plugin_acf[0] ? -1 : 0;
    }
    if (fread(&c, 1, 1, f) != 1)
    {
        c = '\0';
    }
    fclose(f);
    if (c != '0' && c != '1')
    {
        return -1; /* not written yet */
    }
    multi_plugin_acf_remove(mi);
    return c == '1';
}

void
multi_plugin_acf_remove(struct multi_instance *mi)
{
    if (mi->plugin_acf[0])
    {
        unlink(mi->plugin_acf);
        mi->plugin_acf[0] = '\0';
    }
}

/*
 * TLS_FINAL once the handshake and its certificate checks are done (its
 * failure refuses the client), then IPCHANGE with the client's address
 * ("[AF_INET]IP PORT" as one word), where 2.6 makes those calls.
 */
bool
multi_plugin_final(struct multi_context *m, struct multi_instance *mi)
{
    struct env_set *es;
    bool ok = true;

    if (multi_plugin_on(m, PLUGIN_TLS_FINAL))
    {
        es = multi_plugin_env(m, mi);
        ok = multi_plugin_call(m, mi, PLUGIN_TLS_FINAL, NULL, es, NULL);
        env_set_free(es);
    }
    if (ok && multi_plugin_on(m, PLUGIN_IPCHANGE))
    {
        char word[SOCKADDR_PRINT_MAX + 32];
        const char *args[2] = { word, NULL };
        const char *colon = strrchr(mi->real_str, ':');

        snprintf(word, sizeof(word), "[%s]%.*s %s",
                 mi->real.ss.ss_family == AF_INET6 ? "AF_INET6" : "AF_INET",
                 colon ? (int) (colon - mi->real_str) : (int) strlen(mi->real_str), mi->real_str,
                 colon ? colon + 1 : "");
        es = multi_plugin_env(m, mi);
        multi_plugin_call(m, mi, PLUGIN_IPCHANGE, args, es, NULL);
        env_set_free(es);
    }
    return ok;
}
