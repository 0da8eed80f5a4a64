/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_push.c -- the client side of PUSH_REPLY: split the option list
 * on commas, consume push-continuation, run --pull-filter and
 * --route-nopull with 2.6's log lines, and apply each surviving option
 * through the keyword table in context OPT_W_PUSH.  Also the save/restore
 * pair that forgets pushed settings before a reconnect.
 *
 * Tier 4.  Must not include tier 5+ headers.  Runs once per PUSH_REPLY
 * (never per data packet); a bad item is logged and skipped, never fatal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options_parse.h"
#include "options_push.h"
#include "options_table.h"
#include "strutil.h"


/* What --route-nopull refuses (2.6: the route and DHCP/DNS permission classes). */
static const char *const nopull_kw[] = {
    "route",       "route-ipv6", "redirect-gateway",  "redirect-private", "block-ipv6",
    "dhcp-option", "dns",        "block-outside-dns", "register-dns",
};

static bool
is_nopull_kw(const char *kw)
{
    for (size_t i = 0; i < ARRAY_SIZE(nopull_kw); i++)
    {
        if (streq(kw, nopull_kw[i]))
        {
            return true;
        }
    }
    return false;
}

/*
 * --pull-filter: the first rule whose text is a prefix of the option line
 * decides.  Returns PF_ACCEPT also when no rule matches.
 */
static int
pull_filter_check(const struct options *o, const char *line)
{
    for (int i = 0; i < o->n_pull_filters; i++)
    {
        const struct pull_filter *f = &o->pull_filters[i];

        if (strncmp(line, f->text, strlen(f->text)) != 0)
        {
            continue;
        }
        switch (f->action)
        {
            case PF_ACCEPT:
                msg(D_PUSH, "Pushed option accepted by filter: '%s'", line);
                return PF_ACCEPT;

            case PF_IGNORE:
                msg(D_PUSH, "Pushed option removed by filter: '%s'", line);
                return PF_IGNORE;

            default:
                msg(M_WARN, "Pushed option rejected by filter: '%s'. Restarting.", line);
                return PF_REJECT;
        }
    }
    return PF_ACCEPT;
}

/* "push-continuation N": true (and *n set) if @p t is that item. */
static bool
is_continuation(const struct opt_tokens *t, int *n)
{
    long v;

    if (t->n != 2 || !streq(t->p[0], "push-continuation"))
    {
        return false;
    }
    if (!str_to_int(t->p[1], 0, 2, &v))
    {
        msg(D_PUSH_ERRORS, "Options error: bad push-continuation value '%s'", t->p[1]);
        v = 0;
    }
    *n = (int) v;
    return true;
}

/* Apply one comma-free item; false only for a pull-filter reject. */
static bool
apply_item(struct options *o, const char *item, size_t len, int index, int *continuation)
{
    const struct opt_loc loc = { PUSH_NAME, index };
    struct opt_tokens t;
    char line[OPT_LINE_SIZE];

    while (len > 0 && (*item == ' ' || *item == '\t'))
    {
        item++;
        len--;
    }
    if (len == 0)
    {
        return true;
    }
    if (len >= sizeof(line))
    {
        msg(D_PUSH_ERRORS,
            "Options error: %s:%d: pushed option too long (%zu bytes), ignored",
            PUSH_NAME,
            index,
            len);
        return true;
    }
    memcpy(line, item, len);
    line[len] = '\0';
    if (opt_tokenize(line, len, &loc, &t) != OPT_TOK_OK || t.n == 0)
    {
        return true;
    }
    if (is_continuation(&t, continuation))
    {
        return true;
    }
    switch (pull_filter_check(o, line))
    {
        case PF_IGNORE:
            return true;

        case PF_REJECT:
            return false;

        default:
            break;
    }
    if (o->route_nopull && is_nopull_kw(t.p[0]))
    {
        msg(M_USAGE,
            "Options error: option '%s' cannot be used in this context (%s)",
            t.p[0],
            PUSH_NAME);
        return true;
    }
    (void) opt_apply(o, &loc, OPT_W_PUSH, t.p, t.n); /* errors are logged and skipped */
    return true;
}

enum push_apply_result
options_push_apply(struct options *o, const char *list, int *continuation)
{
    int cont = 0, index = 0;
    const char *p = list;

    while (p && *p)
    {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t) (comma - p) : strlen(p);

        if (!apply_item(o, p, len, ++index, &cont))
        {
            if (continuation)
            {
                *continuation = 0;
            }
            return PUSH_APPLY_REJECTED;
        }
        p = comma ? comma + 1 : NULL;
    }
    if (continuation)
    {
        *continuation = cont;
    }
    return PUSH_APPLY_OK;
}

/* ---------------------------------------------------------------- save / restore */

/*
 * Copy every single-valued setting a push may change from @p src to @p dst.
 * Lists (routes, routes6, dhcp-options, setenv) are appended by a push and
 * restored by truncation instead.  The auth-token deliberately survives a
 * reconnect, as in 2.6 (it is dropped only after AUTH_FAILED).
 */
static void
copy_pushable(struct options *dst, const struct options *src)
{
    opt_set_str(&dst->ciphername, src->ciphername);
    opt_set_str(&dst->authname, src->authname);
    opt_set_str(&dst->ifconfig_local, src->ifconfig_local);
    opt_set_str(&dst->ifconfig_remote_netmask, src->ifconfig_remote_netmask);
    opt_set_str(&dst->ifconfig_ipv6_local, src->ifconfig_ipv6_local);
    opt_set_str(&dst->ifconfig_ipv6_remote, src->ifconfig_ipv6_remote);
    opt_set_str(&dst->route_default_gateway, src->route_default_gateway);
    opt_set_str(&dst->route_ipv6_default_gateway, src->route_ipv6_default_gateway);
    dst->comp = src->comp;
    dst->comp_lzo_adaptive = src->comp_lzo_adaptive;
    dst->explicit_exit_notify = src->explicit_exit_notify;
    dst->hand_window = src->hand_window;
    dst->inactivity_timeout = src->inactivity_timeout;
    dst->inactivity_minimum_bytes = src->inactivity_minimum_bytes;
    dst->ping_send_timeout = src->ping_send_timeout;
    dst->ping_rec_timeout = src->ping_rec_timeout;
    dst->ping_rec_timeout_action = src->ping_rec_timeout_action;
    dst->ping_rec_timeout_defined = src->ping_rec_timeout_defined;
    dst->reneg_sec = src->reneg_sec;
    dst->reneg_sec_min = src->reneg_sec_min;
    dst->reneg_bytes = src->reneg_bytes;
    dst->reneg_pkts = src->reneg_pkts;
    dst->route_default_metric = src->route_default_metric;
    dst->route_delay = src->route_delay;
    dst->route_delay_window = src->route_delay_window;
    dst->route_delay_defined = src->route_delay_defined;
    dst->route_gateway_dhcp = src->route_gateway_dhcp;
    dst->session_timeout = src->session_timeout;
    dst->topology = src->topology;
    dst->tun_mtu = src->tun_mtu;
    dst->tun_mtu_defined = src->tun_mtu_defined;
    dst->redirect_gateway = src->redirect_gateway;
    dst->redirect_private = src->redirect_private;
    dst->peer_id = src->peer_id;
    dst->protocol_flags_defined = src->protocol_flags_defined;
    dst->pf_tls_ekm = src->pf_tls_ekm;
    dst->pf_cc_exit = src->pf_cc_exit;
    dst->pf_dyn_tls_crypt = src->pf_dyn_tls_crypt;
    dst->key_derivation_ekm = src->key_derivation_ekm;
    dst->block_ipv6 = src->block_ipv6;
    dst->sock_tcp_nodelay = src->sock_tcp_nodelay;
}

void
options_push_save(const struct options *o, struct push_saved *saved)
{
    options_push_saved_free(saved);
    saved->copy = xcalloc(1, sizeof(*saved->copy));
    options_init_defaults(saved->copy);
    copy_pushable(saved->copy, o);
    saved->n_routes = o->n_routes;
    saved->n_routes6 = o->n_routes6;
    saved->n_dhcp_options = o->n_dhcp_options;
    saved->n_setenv = o->n_setenv;
    saved->valid = true;
}

static void
drop_str(char **s)
{
    free(*s);
    *s = NULL;
}

void
options_push_restore(struct options *o, const struct push_saved *saved)
{
    if (!saved->valid)
    {
        return;
    }
    copy_pushable(o, saved->copy);
    while (o->n_routes > saved->n_routes)
    {
        struct route_opt *r = &o->routes[--o->n_routes];

        drop_str(&r->network);
        drop_str(&r->netmask);
        drop_str(&r->gateway);
        drop_str(&r->metric);
    }
    while (o->n_routes6 > saved->n_routes6)
    {
        struct route6_opt *r = &o->routes6[--o->n_routes6];

        drop_str(&r->prefix);
        drop_str(&r->gateway);
        drop_str(&r->metric);
    }
    while (o->n_dhcp_options > saved->n_dhcp_options)
    {
        drop_str(&o->dhcp_options[--o->n_dhcp_options]);
    }
    while (o->n_setenv > saved->n_setenv)
    {
        o->n_setenv--;
        drop_str(&o->setenv_names[o->n_setenv]);
        drop_str(&o->setenv_values[o->n_setenv]);
    }
}

void
options_push_saved_free(struct push_saved *saved)
{
    if (saved->copy)
    {
        options_free(saved->copy);
        free(saved->copy);
    }
    memset(saved, 0, sizeof(*saved));
}
