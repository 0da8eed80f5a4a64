/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * env_set.h -- the environment handed to scripts: an ordered set of
 * name=value strings, set at start-up and at (re)connect, never on the
 * data path.
 *
 * Tier 3o.  Allocates (aborting on exhaustion, start-up only); the set
 * owns every string, including the array env_set_envp() returns.
 */
#ifndef OVPN_ENV_SET_H
#define OVPN_ENV_SET_H

#include "basic.h"

struct env_set;

struct env_set *env_set_new(void);
void env_set_free(struct env_set *es);

/** Set @p name to @p value, replacing an earlier value (NULL value deletes). */
void env_set_add(struct env_set *es, const char *name, const char *value);

/** Like env_set_add() with a printf-formatted value. */
void env_set_addf(struct env_set *es, const char *name, const char *fmt, ...) PRINTF(3, 4);

void env_set_del(struct env_set *es, const char *name);

/** The value of @p name, or NULL. */
const char *env_set_get(const struct env_set *es, const char *name);

/** Number of variables in the set. */
size_t env_set_count(const struct env_set *es);

/**
 * A NULL-terminated "name=value" array for execve(); owned by @p es and
 * valid until the next change to it.
 */
char **env_set_envp(const struct env_set *es);

#endif /* OVPN_ENV_SET_H */
