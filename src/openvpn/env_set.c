/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * env_set.c -- the environment handed to scripts.  A small array of
 * "name=value" strings kept in insertion order (2.6 scripts see a stable
 * order, and tests can compare it).  Start-up / reconnect only, so plain
 * allocation is fine here; it aborts on exhaustion like xcalloc().
 * Tier 3o.
 */
#include "config.h"

#include "env_set.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strutil.h"

struct env_set
{
    char **vars; /* "name=value", NULL-terminated: usable as envp directly */
    size_t count;
    size_t cap;
};

struct env_set *
env_set_new(void)
{
    struct env_set *es = xcalloc(1, sizeof(*es));

    es->cap = 16;
    es->vars = xcalloc(es->cap + 1, sizeof(char *));
    return es;
}

void
env_set_free(struct env_set *es)
{
    if (!es)
    {
        return;
    }
    for (size_t i = 0; i < es->count; i++)
    {
        free(es->vars[i]);
    }
    free(es->vars);
    free(es);
}

/* Index of @p name, or es->count if absent. */
static size_t
find(const struct env_set *es, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < es->count; i++)
    {
        if (strncmp(es->vars[i], name, n) == 0 && es->vars[i][n] == '=')
        {
            return i;
        }
    }
    return es->count;
}

void
env_set_del(struct env_set *es, const char *name)
{
    size_t i = find(es, name);

    if (i == es->count)
    {
        return;
    }
    free(es->vars[i]);
    memmove(&es->vars[i], &es->vars[i + 1], (es->count - i) * sizeof(char *));
    es->count--;
}

void
env_set_add(struct env_set *es, const char *name, const char *value)
{
    size_t i, len;
    char *var;

    ASSERT(name && name[0] && !strchr(name, '='));
    if (!value)
    {
        env_set_del(es, name);
        return;
    }
    len = strlen(name) + 1 + strlen(value) + 1;
    var = xcalloc(1, len);
    snprintf(var, len, "%s=%s", name, value);

    i = find(es, name);
    if (i < es->count)
    {
        free(es->vars[i]); /* replace in place: keeps the order stable */
        es->vars[i] = var;
        return;
    }
    if (es->count == es->cap)
    {
        char **grown = xcalloc(2 * es->cap + 1, sizeof(char *));

        memcpy(grown, es->vars, es->count * sizeof(char *));
        free(es->vars);
        es->vars = grown;
        es->cap *= 2;
    }
    es->vars[es->count++] = var;
    es->vars[es->count] = NULL;
}

void
env_set_addf(struct env_set *es, const char *name, const char *fmt, ...)
{
    char value[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    env_set_add(es, name, value);
}

const char *
env_set_get(const struct env_set *es, const char *name)
{
    size_t i = find(es, name);

    return i < es->count ? es->vars[i] + strlen(name) + 1 : NULL;
}

size_t
env_set_count(const struct env_set *es)
{
    return es->count;
}

char **
env_set_envp(const struct env_set *es)
{
    return es->vars;
}
