/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plugin.c -- the --plugin loader: dlopen, entry points, the v3/v2/v1
 * calling conventions and the callbacks a v3 plugin may use.  See
 * plugin.h.
 *
 * Tier 3o, the only file that includes <dlfcn.h> and the plugin ABI header.
 * Must not include options.h or higher tiers.  Memory: the list owns the
 * dlopen handles, the plugins' handles and the argv copies; strings a
 * plugin returns are freed here after use.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPENVPN_PLUGIN_H /* the entry points as pointer types */
#include "openvpn-plugin.h"

#include "error.h"
#include "errlevel.h"
#include "plugin.h"
#include "strutil.h"

/* 2.6 logs its plugin life cycle at verb 3 and the per-call trace at 7. */
#define D_PLUGIN       LOGLEV(3, 51, 0)
#define D_PLUGIN_DEBUG LOGLEV(7, 77, 0)

/* Where a plugin named without a directory is looked for (as Debian's 2.6). */
#ifndef PLUGIN_LIBDIR
#define PLUGIN_LIBDIR "/usr/lib/x86_64-linux-gnu/openvpn/plugins"
#endif

struct plugin
{
    char *path;  /* as given on the --plugin line */
    char **argv; /* path, then the arguments; NULL-terminated */
    void *dl;
    int init_point;
    unsigned int mask;
    openvpn_plugin_handle_t handle;
    bool open;

    openvpn_plugin_open_v1 open1;
    openvpn_plugin_open_v2 open2;
    openvpn_plugin_open_v3 open3;
    openvpn_plugin_func_v1 func1;
    openvpn_plugin_func_v2 func2;
    openvpn_plugin_func_v3 func3;
    openvpn_plugin_close_v1 close1;
    openvpn_plugin_abort_v1 abort1;
    openvpn_plugin_client_constructor_v1 ctor;
    openvpn_plugin_client_destructor_v1 dtor;
};

struct plugin_client
{
    void *ctx[PLUGIN_MAX];
};

struct plugin_list
{
    struct plugin p[PLUGIN_MAX];
    int n;
    /* the process's own per-client contexts: 2.6 gives calls outside a
     * server's client one too (made as each plugin opens) */
    struct plugin_client self;
};

/* The list abort_v1 reaches from the fatal-exit path (2.6 keeps the same
 * one pointer); set by plugin_list_load, cleared by plugin_list_close. */
static struct plugin_list *abort_list;

/* ---- callbacks for v3 plugins ----------------------------------------- */

static void
cb_vlog(openvpn_plugin_log_flags_t flags, const char *name, const char *format, va_list ap)
{
    char fmt[1024];
    char text[4096];
    msglvl_t lvl = M_INFO;
    int saved = errno;

    if (flags & PLOG_ERR)
    {
        lvl = M_INFO | M_NONFATAL;
    }
    else if (flags & PLOG_WARN)
    {
        lvl = M_INFO | M_WARN;
    }
    else if (flags & PLOG_DEBUG)
    {
        lvl = D_PLUGIN_DEBUG;
    }
    if (flags & PLOG_NOMUTE)
    {
        lvl |= M_NOMUTE;
    }
    snprintf(fmt, sizeof(fmt), "PLUGIN %s: %s", name ? name : "PLUGIN_???", format);
    vsnprintf(text, sizeof(text), fmt, ap);
    errno = saved;
    if (flags & PLOG_ERRNO)
    {
        msg(lvl | M_ERRNO, "%s", text);
    }
    else
    {
        msg(lvl, "%s", text);
    }
}

static void
cb_log(openvpn_plugin_log_flags_t flags, const char *name, const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    cb_vlog(flags, name, format, ap);
    va_end(ap);
}

static void
cb_memzero(void *data, size_t len)
{
    secure_memzero(data, len);
}

static int
cb_b64_encode(const void *data, int size, char **str)
{
    size_t len;

    if (!str || size < 0 || (!data && size > 0))
    {
        return -1;
    }
    len = base64_len((size_t)size);
    *str = malloc(len + 1);
    if (!*str)
    {
        return -1;
    }
    base64_encode(data, (size_t)size, *str);
    return (int)strlen(*str);
}

static int
cb_b64_decode(const char *str, void *data, int size)
{
    size_t out = 0;

    if (!str || !data || size < 0 || !base64_decode(str, data, (size_t)size, &out))
    {
        return -1;
    }
    return (int)out;
}

static struct openvpn_plugin_callbacks callbacks = { cb_log, cb_vlog, cb_memzero, cb_b64_encode,
                                                     cb_b64_decode };

/* ---- loading ---------------------------------------------------------- */

static void *
sym(struct plugin *p, const char *name, bool required)
{
    void *f = dlsym(p->dl, name);

    if (!f && required)
    {
        msg(M_INFO, "PLUGIN: could not find required symbol '%s' in plugin shared object %s: %s",
            name, p->path, dlerror());
    }
    return f;
}

static bool
load_symbols(struct plugin *p)
{
    int (*point)(void);
    int (*min_version)(void);

    /* dlsym returns void *; the ABI says what each symbol is */
    *(void **)&p->open1 = sym(p, "openvpn_plugin_open_v1", false);
    *(void **)&p->open2 = sym(p, "openvpn_plugin_open_v2", false);
    *(void **)&p->open3 = sym(p, "openvpn_plugin_open_v3", false);
    *(void **)&p->func1 = sym(p, "openvpn_plugin_func_v1", false);
    *(void **)&p->func2 = sym(p, "openvpn_plugin_func_v2", false);
    *(void **)&p->func3 = sym(p, "openvpn_plugin_func_v3", false);
    *(void **)&p->close1 = sym(p, "openvpn_plugin_close_v1", true);
    *(void **)&p->abort1 = sym(p, "openvpn_plugin_abort_v1", false);
    *(void **)&p->ctor = sym(p, "openvpn_plugin_client_constructor_v1", false);
    *(void **)&p->dtor = sym(p, "openvpn_plugin_client_destructor_v1", false);
    *(void **)&point = sym(p, "openvpn_plugin_select_initialization_point_v1", false);
    *(void **)&min_version = sym(p, "openvpn_plugin_min_version_required_v1", false);
    if (!p->close1)
    {
        return false;
    }
    if (!p->open1 && !p->open2 && !p->open3)
    {
        msg(M_INFO, "PLUGIN: symbol openvpn_plugin_open_vX is undefined in plugin: %s", p->path);
        return false;
    }
    if (!p->func1 && !p->func2 && !p->func3)
    {
        msg(M_INFO, "PLUGIN: symbol openvpn_plugin_func_vX is undefined in plugin: %s", p->path);
        return false;
    }
    if (min_version && min_version() > OPENVPN_PLUGIN_VERSION)
    {
        msg(M_INFO, "PLUGIN_INIT: plugin needs interface version %d, but this version of "
                    "OpenVPN only supports version %d: %s",
            min_version(), OPENVPN_PLUGIN_VERSION, p->path);
        return false;
    }
    p->init_point = point ? point() : OPENVPN_PLUGIN_INIT_PRE_DAEMON;
    return true;
}

static bool
load_one(struct plugin *p, const struct plugin_spec *s)
{
    char full[4096];
    const char *where = s->path;
    size_t n = 0;

    p->path = xstrdup(s->path);
    while (s->args && s->args[n])
    {
        n++;
    }
    p->argv = xcalloc(n + 2, sizeof(char *));
    p->argv[0] = xstrdup(s->path);
    for (size_t i = 0; i < n; i++)
    {
        p->argv[i + 1] = xstrdup(s->args[i]);
    }
    /* 2.6: a bare name is looked for in the plugin directory only */
    if (s->path[0] != '/' && s->path[0] != '.')
    {
        snprintf(full, sizeof(full), "%s/%s", PLUGIN_LIBDIR, s->path);
        where = full;
    }
    else if (s->path[0] != '/')
    {
        msg(M_WARN, "WARNING: plugin '%s' specified by a relative pathname -- using an absolute "
                    "pathname would be more secure",
            s->path);
    }
    p->dl = dlopen(where, RTLD_NOW);
    if (!p->dl)
    {
        errno = ENOENT;
        msg(M_INFO | M_ERRNO, "PLUGIN_INIT: could not load plugin shared object %s: %s", s->path,
            dlerror());
        return false;
    }
    return load_symbols(p);
}

struct plugin_list *
plugin_list_load(const struct plugin_spec *specs, int n)
{
    struct plugin_list *pl = xcalloc(1, sizeof(*pl));

    ASSERT(n >= 0 && n <= PLUGIN_MAX);
    for (int i = 0; i < n; i++)
    {
        pl->n = i + 1;
        if (!load_one(&pl->p[i], &specs[i]))
        {
            plugin_list_close(pl);
            return NULL;
        }
    }
    abort_list = pl;
    return pl;
}

/* ---- opening ---------------------------------------------------------- */

static const char *
type_name(int type)
{
    static const char *const names[] = {
        "PLUGIN_UP", "PLUGIN_DOWN", "PLUGIN_ROUTE_UP", "PLUGIN_IPCHANGE", "PLUGIN_TLS_VERIFY",
        "PLUGIN_AUTH_USER_PASS_VERIFY", "PLUGIN_CLIENT_CONNECT", "PLUGIN_CLIENT_DISCONNECT",
        "PLUGIN_LEARN_ADDRESS", "PLUGIN_CLIENT_CONNECT_V2", "PLUGIN_TLS_FINAL", "PLUGIN_???",
        "PLUGIN_ROUTE_PREDOWN", "PLUGIN_CLIENT_CONNECT_DEFER", "PLUGIN_CLIENT_CONNECT_DEFER_V2",
        "PLUGIN_CLIENT_CRRESPONSE"
    };

    return type >= 0 && type < (int)ARRAY_SIZE(names) ? names[type] : "PLUGIN_???";
}

/* "[a] [b] ..." and "PLUGIN_UP|PLUGIN_DOWN..." for the POST line. */
static void
describe(const struct plugin *p, char *args, size_t alen, char *mask, size_t mlen)
{
    size_t u = 0;

    args[0] = mask[0] = '\0';
    for (int i = 0; p->argv[i] && u < alen; i++)
    {
        u += (size_t)snprintf(args + u, alen - u, "%s[%s]", i ? " " : "", p->argv[i]);
    }
    u = 0;
    for (int t = 0; t < OPENVPN_PLUGIN_N && u < mlen; t++)
    {
        if (p->mask & OPENVPN_PLUGIN_MASK(t))
        {
            u += (size_t)snprintf(mask + u, mlen - u, "%s%s", u ? "|" : "", type_name(t));
        }
    }
}

static void
free_string_list(struct openvpn_plugin_string_list *l)
{
    while (l)
    {
        struct openvpn_plugin_string_list *next = l->next;

        free(l->name);
        free(l->value);
        free(l);
        l = next;
    }
}

static bool
open_one(struct plugin_list *pl, int idx, const struct env_set *es)
{
    struct plugin *p = &pl->p[idx];
    const char **envp = (const char **)env_set_envp(es);
    struct openvpn_plugin_string_list *rl = NULL;
    char args[1024], mask[512];
    /* the events 2.6 dispatches (0..15 without the unused 11) */
    const unsigned int known = 0xffffu & ~(unsigned int)OPENVPN_PLUGIN_MASK(11);

    if (p->open3)
    {
        struct openvpn_plugin_args_open_in in = {
            .type_mask = (int)p->mask,
            .argv = (const char **)p->argv,
            .envp = envp,
            .callbacks = &callbacks,
            .ssl_api = SSLAPI_OPENSSL,
            .ovpn_version = PACKAGE_VERSION,
            .ovpn_version_major = OPENVPN_VERSION_MAJOR,
            .ovpn_version_minor = OPENVPN_VERSION_MINOR,
            .ovpn_version_patch = OPENVPN_VERSION_PATCH,
        };
        struct openvpn_plugin_args_open_return out = { 0, NULL, &rl };

        if (p->open3(OPENVPN_PLUGINv3_STRUCTVER, &in, &out) == OPENVPN_PLUGIN_FUNC_SUCCESS)
        {
            p->mask = (unsigned int)out.type_mask;
            p->handle = out.handle;
        }
    }
    else if (p->open2)
    {
        p->handle = p->open2(&p->mask, (const char **)p->argv, envp, &rl);
    }
    else
    {
        p->handle = p->open1(&p->mask, (const char **)p->argv, envp);
    }
    free_string_list(rl); /* PRE_CONFIG_PARSE option imports are not taken */
    describe(p, args, sizeof(args), mask, sizeof(mask));
    msg(D_PLUGIN, "PLUGIN_INIT: POST %s '%s' intercepted=%s ", p->path, args, mask);
    if (!p->handle)
    {
        msg(M_INFO, "PLUGIN_INIT: plugin initialization function failed: %s", p->path);
        return false;
    }
    p->open = true;
    if (p->ctor)
    {
        pl->self.ctx[idx] = p->ctor(p->handle);
    }
    if ((p->mask | known) != known)
    {
        msg(M_INFO, "PLUGIN_INIT: plugin %s expressed interest in unsupported plugin types: "
                    "[want=0x%08x, have=0x%08x]",
            p->path, p->mask, known);
        return false;
    }
    return true;
}

bool
plugin_list_open(struct plugin_list *pl, enum plugin_init_point point, const struct env_set *es)
{
    for (int i = 0; pl && i < pl->n; i++)
    {
        struct plugin *p = &pl->p[i];
        /* a plugin asking for the config-parse point is opened with the first */
        int want = p->init_point == OPENVPN_PLUGIN_INIT_PRE_CONFIG_PARSE
                       ? OPENVPN_PLUGIN_INIT_PRE_DAEMON
                       : p->init_point;

        if (!p->open && want == (int)point && !open_one(pl, i, es))
        {
            return false;
        }
    }
    return true;
}

bool
plugin_defined(const struct plugin_list *pl, enum plugin_type type)
{
    for (int i = 0; pl && i < pl->n; i++)
    {
        if (pl->p[i].open && (pl->p[i].mask & OPENVPN_PLUGIN_MASK((unsigned int)type)))
        {
            return true;
        }
    }
    return false;
}

/* ---- calling ---------------------------------------------------------- */

/* Append the "config" values of @p l to *out (newline separated). */
static void
take_config(struct openvpn_plugin_string_list *l, char **out)
{
    for (; l && out; l = l->next)
    {
        size_t have = *out ? strlen(*out) : 0;
        char *n;

        if (!l->name || !l->value || strcmp(l->name, "config") != 0)
        {
            continue;
        }
        n = realloc(*out, have + strlen(l->value) + 2);
        if (!n)
        {
            continue;
        }
        memcpy(n + have, l->value, strlen(l->value) + 1);
        strcat(n, "\n");
        *out = n;
    }
}

static int
call_one(struct plugin *p, int type, const char **argv, const char **envp, void *pcc,
         struct plugin_call_io *io)
{
    struct openvpn_plugin_string_list *rl = NULL;
    int status;

    if (p->func3)
    {
        struct openvpn_plugin_args_func_in in = {
            .type = type,
            .argv = argv,
            .envp = envp,
            .handle = p->handle,
            .per_client_context = pcc,
            .current_cert_depth = io && io->cert ? io->cert_depth : -1,
            .current_cert = io ? io->cert : NULL,
        };
        struct openvpn_plugin_args_func_return out = { &rl };

        status = p->func3(OPENVPN_PLUGINv3_STRUCTVER, &in, &out);
    }
    else if (p->func2)
    {
        status = p->func2(p->handle, type, argv, envp, pcc, &rl);
    }
    else
    {
        status = p->func1(p->handle, type, argv, envp);
    }
    take_config(rl, io ? io->config : NULL);
    free_string_list(rl);
    msg(D_PLUGIN, "PLUGIN_CALL: POST %s/%s status=%d", p->path, type_name(type), status);
    if (status == OPENVPN_PLUGIN_FUNC_ERROR)
    {
        msg(M_WARN, "PLUGIN_CALL: plugin function %s failed with status %d: %s", type_name(type),
            status, p->path);
    }
    return status;
}

enum plugin_result
plugin_call(struct plugin_list *pl, enum plugin_type type, const char *const *args,
            const struct env_set *es, struct plugin_call_io *io)
{
    const char *argv[72];
    const char **envp;
    int errors = 0, deferred = 0;
    size_t n = 0;

    if (!plugin_defined(pl, type))
    {
        return PLUGIN_SUCCESS;
    }
    while (args && args[n] && n + 2 < ARRAY_SIZE(argv))
    {
        argv[n + 1] = args[n];
        n++;
    }
    argv[n + 1] = NULL;
    envp = (const char **)env_set_envp(es);
    msg(D_PLUGIN_DEBUG, "PLUGIN_CALL: PRE type=%s", type_name((int)type));
    for (int i = 0; i < pl->n; i++)
    {
        struct plugin *p = &pl->p[i];
        int status;

        if (!p->open || !(p->mask & OPENVPN_PLUGIN_MASK((unsigned int)type)))
        {
            continue;
        }
        argv[0] = p->path;
        status = call_one(p, (int)type, argv, envp,
                          io && io->client ? io->client->ctx[i] : pl->self.ctx[i], io);
        if (status == OPENVPN_PLUGIN_FUNC_DEFERRED)
        {
            deferred++;
        }
        else if (status != OPENVPN_PLUGIN_FUNC_SUCCESS)
        {
            errors++;
        }
    }
    return errors ? PLUGIN_ERROR : deferred ? PLUGIN_DEFERRED : PLUGIN_SUCCESS;
}

/* ---- per client, closing ---------------------------------------------- */

struct plugin_client *
plugin_client_new(struct plugin_list *pl)
{
    struct plugin_client *pc;

    if (!pl)
    {
        return NULL;
    }
    pc = xcalloc(1, sizeof(*pc));
    for (int i = 0; i < pl->n; i++)
    {
        if (pl->p[i].open && pl->p[i].ctor)
        {
            pc->ctx[i] = pl->p[i].ctor(pl->p[i].handle);
        }
    }
    return pc;
}

void
plugin_client_free(struct plugin_list *pl, struct plugin_client *pc)
{
    if (!pc)
    {
        return;
    }
    for (int i = 0; pl && i < pl->n; i++)
    {
        if (pl->p[i].open && pl->p[i].dtor)
        {
            pl->p[i].dtor(pl->p[i].handle, pc->ctx[i]);
        }
    }
    free(pc);
}

void
plugin_list_close(struct plugin_list *pl)
{
    if (!pl)
    {
        return;
    }
    if (abort_list == pl)
    {
        abort_list = NULL;
    }
    for (int i = 0; i < pl->n; i++)
    {
        if (pl->p[i].open && pl->p[i].dtor)
        {
            pl->p[i].dtor(pl->p[i].handle, pl->self.ctx[i]);
        }
    }
    for (int i = 0; i < pl->n; i++)
    {
        struct plugin *p = &pl->p[i];

        if (p->open)
        {
            msg(D_PLUGIN, "PLUGIN_CLOSE: %s", p->path);
            p->close1(p->handle);
        }
        if (p->dl)
        {
            dlclose(p->dl);
        }
        for (int k = 0; p->argv && p->argv[k]; k++)
        {
            free(p->argv[k]);
        }
        free(p->argv);
        free(p->path);
    }
    free(pl);
}

void
plugin_abort_all(void)
{
    struct plugin_list *pl = abort_list;

    abort_list = NULL; /* once: an abort that fails must not recurse */
    for (int i = 0; pl && i < pl->n; i++)
    {
        if (pl->p[i].open && pl->p[i].abort1)
        {
            pl->p[i].abort1(pl->p[i].handle);
        }
    }
}
