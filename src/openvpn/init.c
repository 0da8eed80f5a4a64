/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * init.c -- see init.h.  The order of bring-up follows what 2.6 logs for a
 * point-to-point tunnel: keys, tun device, ifconfig, --up, routes, socket,
 * then privileges are dropped once and "Initialization Sequence Completed".
 * Tear-down runs the same steps backwards; --persist-tun / --persist-key
 * keep the device and the key across SIGUSR1 restarts.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "env_set.h"
#include "error.h"
#include "forward.h"
#include "init.h"
#include "init_env.h"
#include "occ_string.h"
#include "otime.h"
#include "platform.h"
#include "platform_systemd.h"
#include "run_command.h"
#include "sig.h"
#include "status.h"
#include "strutil.h"
#include "tunnel_manage.h"
#include "tunnel_plugin.h"
#include "tunnel_tls.h"

#define OCC_INTERVAL 10 /* seconds between OCC requests (§6.5) */
#define OCC_N_TRIES  12
#define REAP_INTERVAL 5

/* ---- keys ---------------------------------------------------------- */

static bool
load_key(struct context *c)
{
    const struct options *o = c->o;

    if (c->ps->key_loaded && o->persist_key)
    {
        return true;
    }
    if (o->shared_secret_inline)
    {
        if (!static_key_read_text(o->shared_secret_file, o->loc_of_secret.file,
                                  o->loc_of_secret.line, &c->ps->key))
        {
            return false;
        }
    }
    else if (!static_key_read_file(o->shared_secret_file, &c->ps->key))
    {
        return false;
    }
    c->ps->key_loaded = true;
    return true;
}

static bool
init_crypto(struct context *c)
{
    const struct options *o = c->o;
    const struct key *send, *recv;
    struct crypto_config cfg = {
        .cipher = o->ciphername,
        .auth = o->authname,
        .long_packet_id = true,
        .replay = o->replay,
        .replay_window = o->replay_window,
        .replay_time = o->replay_time,
        .mute_replay_warnings = o->mute_replay_warnings,
    };

    if (o->tls_client || o->tls_server)
    {
        /* now, before privileges are dropped; kept over restarts (close_instance) */
        if (!tunnel_tls_files_open(&c->ps->tls_files, o))
        {
            return false;
        }
    }
    if (o->mode == MODE_SERVER)
    {
        return true; /* server mode: one control channel per client (multi.c) */
    }
    if (o->tls_client || o->tls_server)
    {
        c->tls = xcalloc(1, sizeof(*c->tls));
        if (!tunnel_tls_open(c->tls, o, c->ps->tls_files, c->occ_local, c->occ_remote,
                             otime_mono_ms()))
        {
            return false;
        }
        c->tls->script_env = init_env_tls_verify;
        tunnel_tls_set_plugins(c->tls, c->ps->plugins);
        c->tls->script_env_arg = c;
        return !c->tls->pull || client_start(c);
    }
    if (!o->shared_secret_file)
    {
        msg(M_WARN, "******* WARNING *******: All encryption and authentication features disabled "
                    "-- All data will be tunnelled as clear text and will not be protected "
                    "against man-in-the-middle changes. PLEASE DO RECONSIDER THIS CONFIGURATION!");
        c->have_crypto = false;
        return true;
    }
    if (!load_key(c))
    {
        return false;
    }
    if (c->ps->key.n < 2 && o->key_direction != KEY_DIR_UNSET)
    {
        msg(M_WARN, "%s:%d: --secret: the key file holds one key; a key direction needs two",
            o->loc_of_secret.file ? o->loc_of_secret.file : "[CMD-LINE]", o->loc_of_secret.line);
        return false;
    }
    if (streq(o->ciphername, "none"))
    {
        msg(M_WARN, "******* WARNING *******: '--cipher none' was specified. This means NO "
                    "encryption will be performed and tunnelled data WILL be transmitted in clear "
                    "text over the network! PLEASE DO RECONSIDER THIS SETTING!");
    }
    if (streq(o->authname, "none"))
    {
        msg(M_WARN, "******* WARNING *******: '--auth none' was specified. This means no "
                    "authentication will be performed on received packets, meaning you CANNOT "
                    "trust that the data received by the remote side have NOT been manipulated. "
                    "PLEASE DO RECONSIDER THIS SETTING!");
    }
    static_key_select(&c->ps->key, o->key_direction, &send, &recv);
    if (!data_crypto_init(&c->dc, &cfg, send, recv, "Static Key Encryption"))
    {
        return false;
    }
    c->have_crypto = true;
    return true;
}

/* The largest TCP MSS that keeps an encapsulated packet within --mssfix
 * bytes (2.6 default 1492), from the data-channel overhead (§6.11). */
static uint16_t
compute_mss(const struct context *c)
{
    const struct options *o = c->o;
    long outer = o->mssfix - (o->proto == PROTO_UDP ? 28 : 42);
    /* TLS mode: P_DATA_V2 header, packet id and AEAD tag (the usual NCP result) */
    size_t over = c->tls ? P_DATA_V2_HDR_LEN + PACKET_ID_SHORT_LEN + AEAD_TAG_LEN
                  : c->have_crypto ? data_crypto_max_overhead(&c->dc)
                                   : 0;
    long inner;

    if (o->mssfix <= 0 || tun_dev_type(o->dev, o->dev_type) == DEV_TYPE_NULL)
    {
        return 0;
    }
    inner = outer - (long)over - (long)comp_max_overhead((enum comp_alg)o->comp) - 40;
    return inner > 536 ? (uint16_t)inner : 536;
}

/* 2.6's start-up advice when --fragment and the MSS clamp disagree. */
static void
warn_fragment_mssfix(const struct options *o)
{
    if (o->fragment <= 0 || o->mssfix <= 0)
    {
        return;
    }
    if (o->fragment < o->mssfix)
    {
        msg(M_WARN,
            "WARNING: if you use --mssfix and --fragment, you should set --fragment (%d) larger "
            "or equal than --mssfix (%d)",
            o->fragment, o->mssfix);
    }
    if (o->fragment_mtu != o->mssfix_mtu)
    {
        msg(M_WARN, "WARNING: if you use --mssfix and --fragment, you should use the \"mtu\" flag "
                    "for both or none of of them.");
    }
}

/* ---- tun device, ifconfig, scripts, routes -------------------------- */

static void
fill_tun_config(const struct options *o, struct tun_config *tc)
{
    memset(tc, 0, sizeof(*tc));
    tc->dev = o->dev;
    tc->type = tun_dev_type(o->dev, o->dev_type);
    tc->dev_node = o->dev_node;
    tc->mtu = o->tun_mtu;
    tc->txqueuelen = o->txqueuelen;
}

static void
fill_ifconfig(const struct options *o, struct ifconfig_config *ic)
{
    memset(ic, 0, sizeof(*ic));
    ic->local = o->ifconfig_local;
    ic->remote_netmask = o->ifconfig_remote_netmask;
    ic->subnet = o->topology == TOP_SUBNET;
    ic->ipv6_local = o->ifconfig_ipv6_local;
    ic->ipv6_remote = o->ifconfig_ipv6_remote;
    ic->mtu = o->tun_mtu;
    ic->txqueuelen = 0; /* tun_open() applies --txqueuelen */
    ic->nowarn = o->ifconfig_nowarn;
}

/* With the data channel in the kernel, the control channel's keys go there. */
static void
use_dco_keys(struct context *c)
{
    if (tunnel_dco_active(c) && c->tls)
    {
        c->tls->on_key = tunnel_dco_on_key;
        c->tls->on_key_arg = c;
    }
}

static bool
open_tun(struct context *c)
{
    struct tun_config tc;
    struct ifconfig_config ic;
    char err[256];
    int dco;

    if (c->ps->tun_open)
    {
        msg(M_INFO, "Preserving previous TUN/TAP instance: %s", c->ps->tt.name);
        use_dco_keys(c);
        return true; /* --persist-tun across a restart */
    }
    fill_tun_config(c->o, &tc);
    fill_ifconfig(c->o, &ic);
    if ((c->o->ifconfig_local || c->o->ifconfig_ipv6_local)
        && !ifconfig_validate(tc.type, &ic, err, sizeof(err)))
    {
        msg(M_WARN, "%s", err);
        return false;
    }
    dco = c->ps->dco_api != DCO_API_NONE && tc.type == DEV_TYPE_TUN
              ? tunnel_dco_iface_open(c, &tc)
              : 0;
    if (dco < 0 || (dco == 0 && !tun_open(&c->ps->tt, &tc)))
    {
        return false;
    }
    c->ps->tun_open = true;
    use_dco_keys(c);
    if (tc.type == DEV_TYPE_NULL && !c->o->ifconfig_noexec
        && (c->o->ifconfig_local || c->o->ifconfig_ipv6_local))
    {
        /* what 2.6 runs into when it configures the device named "null" */
        msg(M_WARN, "net_iface_mtu_set: rtnl: cannot get ifindex for null: No such device (errno=19)");
        msg(M_WARN, "Linux can't set mtu (%d) on null", c->o->tun_mtu);
        c->fatal = true;
        return false;
    }
    if (tc.type == DEV_TYPE_NULL || c->o->ifconfig_noexec
        || (!c->o->ifconfig_local && !c->o->ifconfig_ipv6_local))
    {
        return true;
    }
    if (!tun_ifconfig(&c->ps->tt, &ic))
    {
        return false;
    }
    c->ps->tun_configured = true;
    return true;
}

/* ---- one instance ----------------------------------------------------- */

/* --management-up-down: 2.6 says DOWN before the routes and the device go
 * (and before the RECONNECTING/EXITING state), not when --persist-tun
 * keeps them across a restart. */
static void
announce_down(struct context *c, bool exiting)
{
    if (c->ps->tun_open && !(c->o->persist_tun && !exiting) && !c->down_announced)
    {
        c->down_announced = true;
        tunnel_manage_up_down(c, "DOWN");
    }
}

static void
close_instance(struct context *c, bool exiting)
{
    const struct options *o = c->o;
    bool keep_tun = o->persist_tun && !exiting;

    announce_down(c, exiting);

    tunnel_dco_close(c, true); /* the peer goes before its socket */
    if (c->link_open)
    {
        msg(D_CLOSE, "TCP/UDP: Closing socket");
        link_close(&c->link);
        c->link_open = false;
    }
    if (c->routes_done && !keep_tun)
    {
        init_run_hook(c, NULL, "route-pre-down", false); /* the plugins' ROUTE_PREDOWN */
    }
    route_del_all(&c->routes, c->ps->tt.name);
    route_list_free(&c->routes);
    if (o->down_pre && !keep_tun)
    {
        init_run_hook(c, o->down_script, "down", false);
    }
    if (c->ps->tun_open && keep_tun && o->up_restart && !o->down_pre)
    {
        init_run_hook(c, o->down_script, "down", true);
    }
    if (c->ps->tun_open && !keep_tun)
    {
        msg(D_CLOSE, "Closing TUN/TAP interface");
        tunnel_dco_close(c, false);
        tun_close(&c->ps->tt);
        c->ps->tun_open = false;
        c->ps->tun_configured = false;
        if (!o->down_pre)
        {
            init_run_hook(c, o->down_script, "down", false);
        }
    }
    if (c->have_crypto)
    {
        data_crypto_free(&c->dc);
        c->have_crypto = false;
    }
    if (c->tls)
    {
        tunnel_tls_close(c->tls);
        free(c->tls);
        c->tls = NULL;
    }
    if (!o->persist_key || exiting)
    {
        secure_memzero(&c->ps->key, sizeof(c->ps->key));
        c->ps->key_loaded = false;
    }
    /* as 2.6: a SIGUSR1 without --persist-key reads the certificate and
     * key files again, which fails once the process runs as --user (hence
     * 2.6's warning at start) */
    tunnel_tls_files_close(&c->ps->tls_files, o->persist_key, exiting);
    comp_free(&c->comp);
    event_free(&c->es);
    forward_free(c);
}

static bool
drop_privileges_once(struct context *c)
{
    const struct options *o = c->o;
    struct platform_ids ids;

    if (c->ps->privileges_dropped)
    {
        return true;
    }
    c->ps->privileges_dropped = true;
    if (!platform_lookup_ids(o->username, o->groupname, &ids))
    {
        return false;
    }
    if (o->chroot_dir && !platform_chroot(o->chroot_dir))
    {
        return false;
    }
    /* 2.6 always keeps CAP_NET_ADMIN (routes and addresses go at exit);
     * the kernel data channel cannot work without it */
    if ((ids.have_uid || ids.have_gid) &&
        !platform_drop_privileges(&ids, c->ps->dco_api != DCO_API_NONE))
    {
        return false;
    }
    return tunnel_plugin_open(c, PLUGIN_INIT_POST_UID_CHANGE);
}

/* 2.6, at every start of an instance: after the privileges are dropped a
 * restart cannot open the tun or read the key files again. */
static void
warn_privileges_without_persist(const struct options *o)
{
    if (!o->username && !o->groupname && !o->chroot_dir)
    {
        return;
    }
    if (!o->persist_tun)
    {
        msg(M_WARN, "WARNING: you are using user/group/chroot/setcon without persist-tun -- this "
                    "may cause restarts to fail");
    }
    if (!o->persist_key)
    {
        msg(M_WARN, "WARNING: you are using user/group/chroot/setcon without persist-key -- this "
                    "may cause restarts to fail");
    }
}

/* A pull client brings its tun up from the PUSH_REPLY, --up-delay once the
 * peer is there; both drop privileges only then (2.6's do_up). */
static bool
tun_deferred(const struct context *c)
{
    return (c->tls && c->tls->pull) || c->o->up_delay;
}

static void
note_deferred_privileges(const struct context *c)
{
    static const char why[] = "will be delayed because of --client, --pull, or --up-delay";
    const struct options *o = c->o;

    if (c->ps->privileges_dropped || c->ps->restarts > 0)
    {
        return;
    }
    if (o->chroot_dir)
    {
        msg(M_INFO, "NOTE: chroot %s", why);
    }
    if (o->username || o->groupname)
    {
        msg(M_INFO, "NOTE: UID/GID downgrade %s", why);
    }
}

/* 2.6 locks memory before the tun and the socket exist, and changes the
 * priority after the tun, once per process. */
static bool
first_time_mlock(struct context *c)
{
    if (c->ps->first_done || !c->o->mlock)
    {
        return true;
    }
    return platform_mlockall();
}

static void
first_time_nice(struct context *c)
{
    if (!c->ps->first_done)
    {
        c->ps->first_done = true;
        platform_nice(c->o->nice);
    }
}

/* Set up everything but the event loop.  *fatal tells a retryable failure
 * (peer unreachable) from one that must end the process. */
static bool
open_instance(struct context *c, bool *fatal)
{
    const struct options *o = c->o;
    time_t now = otime_mono();

    *fatal = true;
    tunnel_dco_decide(c);
    if (o->ping_send_timeout > 0 && o->ping_rec_timeout == 0)
    {
        msg(M_WARN, "WARNING: --ping should normally be used with --ping-restart or --ping-exit");
    }
    memset(&c->stats, 0, sizeof(c->stats));
    ratelimit_init(&c->rl_drop, 10, 10);
    if (o->link_mtu)
    {
        /* 2.6: --link-mtu sets the tun MTU */
        c->o->tun_mtu = o->link_mtu - occ_link_mtu_overhead(o);
    }
    occ_string_build(o, false, c->occ_local, sizeof(c->occ_local));
    occ_string_build(o, true, c->occ_remote, sizeof(c->occ_remote));
    warn_privileges_without_persist(o);
    if (!init_crypto(c) || !comp_init(&c->comp, (enum comp_alg)o->comp, o->allow_compression == 2))
    {
        return false;
    }
    warn_fragment_mssfix(o);
    comp_set_adaptive(&c->comp, o->comp_lzo_adaptive);
    if (!forward_init(c, forward_max_plain(o)) || !event_init(&c->es))
    {
        return false;
    }
    if (!first_time_mlock(c))
    {
        return false;
    }
    if (!tun_deferred(c) && !init_tun_up(c))
    {
        return false;
    }
    first_time_nice(c);
    if (!init_link_open(c, fatal))
    {
        return false;
    }
    forward_frag_update(c); /* the peer's address family is known now */
    if (tun_deferred(c))
    {
        note_deferred_privileges(c);
    }
    else if (!drop_privileges_once(c))
    {
        *fatal = true;
        return false;
    }
    init_keepalive(c);
    msg(D_SHOW_OCC, "Local Options String (VER=V4): '%s'", c->occ_local);
    msg(D_SHOW_OCC, "Expected Remote Options String (VER=V4): '%s'", c->occ_remote);
    c->occ_tries = 0;
    c->occ_done = false;
    c->occ_next = now + 1;
    c->next_reap = now + REAP_INTERVAL;
    c->next_status = now + (o->status_file_update_freq > 0 ? o->status_file_update_freq : 60);
    c->peer_announced = false;
    return true;
}

bool
init_tun_up(struct context *c)
{
    const struct options *o = c->o;
    bool was_open = c->ps->tun_open;

    c->mss_max = compute_mss(c);
    forward_frag_update(c); /* --fragment: 2.6 derives the clamp from it */
    init_env_tun_opened(!was_open);
    if (!open_tun(c))
    {
        return false;
    }
    if (!was_open && c->ps->tun_configured)
    {
        tunnel_manage_state(c, "ASSIGN_IP", NULL);
    }
    /* routes are resolved first so that --up sees them in its environment
     * (with --route-noexec and on --dev null too: 2.6 exports them all the same) */
    if (!init_routes_build(c))
    {
        return false;
    }
    if (!was_open || o->up_restart)
    {
        /* "restart" only when the device was kept (--persist-tun) */
        init_run_hook(c, o->up_script, "up", was_open);
    }
    init_routes_start(c, !was_open);
    c->tun_up_done = true;
    /* with --route-delay 2.6 drops privileges once the routes are in */
    return !tun_deferred(c) || c->routes_deferred || drop_privileges_once(c);
}

bool
init_up_complete(struct context *c, int64_t now_ms)
{
    if (!init_routes_due(c, now_ms))
    {
        return false;
    }
    if (tun_deferred(c) && !drop_privileges_once(c))
    {
        msg(M_INFO, "Exiting due to fatal error"); /* as when --up fails */
        openvpn_exit(1);
    }
    return true;
}

bool
init_up_delayed(struct context *c)
{
    if (!c->o->up_delay || c->tun_up_done || (c->tls && c->tls->pull))
    {
        return true;
    }
    if (!init_tun_up(c))
    {
        sig_raise(SIGUSR1, "connection initialisation failed");
        return false;
    }
    return true;
}

/* 2.6's name of a compression framing in the static-key summary line. */
static const char *
comp_log_name(int kind)
{
    switch (kind)
    {
        case COMP_LZO_STUB:
        case COMP_STUB:
            return "stub";
        case COMP_LZO:
            return "lzo";
        case COMP_LZ4:
            return "lz4";
        case COMP_STUB_V2:
            return "stubv2";
        case COMP_LZ4_V2:
            return "lz4v2";
    }
    return NULL;
}

void
init_static_connected(struct context *c)
{
    const struct options *o = c->o;
    const char *comp = comp_log_name(o->comp);

    if (c->init_completed || !init_up_delayed(c) || !init_up_complete(c, otime_mono_ms()))
    {
        return;
    }
    /* 2.6 then sums up the data channel it will use */
    init_sequence_completed(c);
    msg(M_INFO, "Data Channel: cipher '%s', auth '%s'%s%s%s",
        streq(o->ciphername, "none") ? "[null-cipher]" : o->ciphername,
        streq(o->authname, "none") ? "[null-digest]" : o->authname,
        comp ? ", compression: '" : "", comp ? comp : "", comp ? "'" : "");
}

void
init_keepalive(struct context *c)
{
    const struct options *o = c->o;
    struct keepalive_config kc = {
        .ping = o->ping_send_timeout,
        .ping_rec_timeout = o->ping_rec_timeout,
        .ping_rec_exit = o->ping_rec_timeout_action == PING_ACTION_EXIT,
        .timer_remote = o->ping_timer_remote,
        .inactive = o->inactivity_timeout,
        .inactive_bytes = o->inactivity_minimum_bytes,
        .session_timeout = o->session_timeout,
    };
    bool known = c->ka.remote_known;

    if (c->ps->dco_api != DCO_API_NONE && o->mode != MODE_SERVER)
    {
        kc.ping = 0; /* the kernel sends and checks the pings (tunnel_dco.c) */
        kc.ping_rec_timeout = 0;
    }
    keepalive_init(&c->ka, &kc, otime_mono());
    if (known)
    {
        keepalive_on_remote_known(&c->ka, otime_mono());
    }
}

/* ---- the event loop -------------------------------------------------- */

static void
run_timers(struct context *c, time_t now, time_t wall)
{
    const struct options *o = c->o;

    switch (keepalive_check(&c->ka, now))
    {
        case KA_SEND_PING:
            forward_send_ping(c, now, wall);
            keepalive_on_sent(&c->ka, now); /* even if the peer is unknown yet */
            break;

        case KA_PING_RESTART:
            msg(M_INFO, "Inactivity timeout (--ping-restart), restarting");
            sig_raise(SIGUSR1, "ping-restart");
            break;

        case KA_PING_EXIT:
            msg(M_INFO, "Inactivity timeout (--ping-exit), exiting");
            sig_raise(SIGTERM, "ping-exit");
            break;

        case KA_INACTIVE:
            msg(M_INFO, "Inactivity timeout (--inactive), exiting");
            sig_raise(SIGTERM, "inactive");
            break;

        case KA_SESSION_TIMEOUT:
            msg(M_INFO, "Session timeout, exiting");
            sig_raise(SIGTERM, "session-timeout");
            break;

        default:
            break;
    }
    if (c->tls)
    {
        forward_tls_service(c, now, wall);
    }
    else if (!c->init_completed && init_routes_wait_ms(c, otime_mono_ms()) == 0)
    {
        init_static_connected(c); /* --route-delay is over */
    }
    if (c->have_crypto && !c->occ_done && c->peer_known && now >= c->occ_next
        && c->occ_tries < OCC_N_TRIES)
    {
        forward_send_occ(c, OCC_REQUEST, now, wall);
        c->occ_tries++;
        c->occ_next = now + OCC_INTERVAL;
    }
    if (c->have_crypto && c->dc.replay && now >= c->next_reap)
    {
        packet_id_reap(&c->dc.pid_rec, now); /* expire late-arrival slots (§6.6) */
        c->next_reap = now + REAP_INTERVAL;
    }
    if (o->status_file && now >= c->next_status)
    {
        tunnel_dco_refresh_stats(c);
        status_write_file(c, o->status_file);
        c->next_status = now + (o->status_file_update_freq > 0 ? o->status_file_update_freq : 60);
    }
}

static int
next_timeout_ms(const struct context *c, time_t now)
{
    int s = keepalive_next_due(&c->ka, now);
    int occ = (c->have_crypto && !c->occ_done && c->occ_tries < OCC_N_TRIES)
                  ? (int)(c->occ_next > now ? c->occ_next - now : 0)
                  : -1;

    if (s < 0 || (occ >= 0 && occ < s))
    {
        s = occ;
    }
    if (s < 0 || s > REAP_INTERVAL)
    {
        s = REAP_INTERVAL;
    }
    if (c->tls)
    {
        int64_t ms = otime_mono_ms();
        int64_t t = tls_multi_next_due_ms(c->tls->multi, ms);
        int64_t p = c->tls->pull ? push_client_next_due_ms(&c->push, ms) : -1;

        if (p >= 0 && (t < 0 || p < t))
        {
            t = p;
        }
        if (t >= 0 && t < (int64_t)s * 1000)
        {
            return init_routes_timeout(c, (int)t + 1);
        }
    }
    return init_routes_timeout(c, s * 1000 + 10);
}

/* Register what we want to hear about: the socket always (plus writability
 * while TCP bytes are queued), the tun unless the TCP queue is backed up. */
static void
update_interest(struct context *c, bool *tun_enabled)
{
    bool backlog = link_tx_queued(&c->link) > 128 * 1024;
    unsigned int link_ev = EVENT_READ | (link_tx_pending(&c->link) ? EVENT_WRITE : 0);

    event_ctl(&c->es, c->link.fd, link_ev, &c->link);
    tunnel_manage_interest(c);
    if (!c->dco_ev_on && tunnel_dco_event_fd(c) >= 0)
    {
        c->dco_ev_on = event_ctl(&c->es, tunnel_dco_event_fd(c), EVENT_READ, &c->dco_slots);
    }
    if (c->ps->tt.fd >= 0 && backlog == *tun_enabled)
    {
        *tun_enabled = !backlog;
        event_ctl(&c->es, c->ps->tt.fd, *tun_enabled ? EVENT_READ : 0, &c->ps->tt);
    }
}

static int
event_loop(struct context *c)
{
    struct event_ready ready[4];
    bool tun_enabled = false;

    update_interest(c, &tun_enabled);
    for (;;)
    {
        time_t now = otime_mono();
        /* frames already buffered from a TCP stream raise no epoll event */
        bool backlog = link_rx_pending(&c->link);
        int n = event_wait(&c->es, ready, 4, backlog ? 0 : next_timeout_ms(c, now));
        time_t wall = otime_wall();
        int sig;

        now = otime_mono();
        if (backlog && !forward_link_to_tun(c, now, wall))
        {
            sig_raise(SIGUSR1, "connection-reset");
        }
        for (int i = 0; i < n; i++)
        {
            if (ready[i].arg == &c->link)
            {
                if ((ready[i].events & EVENT_WRITE) && !link_flush(&c->link))
                {
                    sig_raise(SIGUSR1, "connection-reset");
                }
                if ((ready[i].events & EVENT_READ) && !forward_link_to_tun(c, now, wall))
                {
                    sig_raise(SIGUSR1, "connection-reset");
                }
            }
            else if (ready[i].arg == &c->ps->tt)
            {
                forward_tun_to_link(c, now, wall);
            }
            else if (ready[i].arg == &c->ps->mgmt)
            {
                tunnel_manage_io(c);
            }
            else if (ready[i].arg == &c->dco_slots)
            {
                tunnel_dco_read_events(c);
            }
        }
        run_timers(c, now, wall);
        tunnel_manage_tick(c);
        while ((sig = sig_take()) == SIGUSR2)
        {
            tunnel_dco_refresh_stats(c);
            status_log(c);
        }
        if (sig)
        {
            return sig;
        }
        update_interest(c, &tun_enabled);
    }
}

/* ---- the restart loop -------------------------------------------------- */


/* The detail 2.6 puts in RECONNECTING/EXITING states: the signal's reason. */
static const char *
sig_name_for_state(int sig)
{
    const char *r = sig_reason();

    return r && *r ? r : init_signal_name(sig);
}

static void
log_signal(int sig, const char *reason, bool exiting)
{
    msg(M_INFO, "%s[%s,%s] received, process %s", init_signal_name(sig), reason && *reason ? "soft" : "hard",
        reason ? reason : "", exiting ? "exiting" : "restarting");
}

static void
send_exit_notify(struct context *c)
{
    time_t now = otime_mono();

    if (c->o->explicit_exit_notify <= 0 || !c->link_open || !c->peer_known)
    {
        return;
    }
    /* a server that pushed cc-exit takes "EXIT" on the control channel
     * (2.6 does so too; with DCO it is the only way) */
    if (c->tls && c->tls->pull && c->o->pf_cc_exit && tls_multi_send_text(c->tls->multi, "EXIT"))
    {
        forward_tls_service(c, now, otime_wall());
        msg(D_CLOSE, "SIGTERM received, sending exit notification to peer");
    }
    else if (c->link.proto == LINK_UDP)
    {
        forward_send_occ(c, OCC_EXIT, now, otime_wall());
        msg(D_CLOSE, "SIGTERM received, sending exit notification to peer");
    }
}

void
init_sequence_completed(struct context *c)
{
    static const char line[] = "Initialization Sequence Completed";

    c->init_completed = true;
    platform_systemd_status(line); /* 2.6 tells systemd first, then logs */
    msg(M_INFO, "%s", line);
    tunnel_manage_state(c, "CONNECTED", init_connected_detail(c));
}

/* SIGUSR1 and SIGHUP have no say while the management holds (2.6 ignores
 * them there); any other signal ends the wait and the process. */
static bool
hold_wait(struct persist_state *psp, int seconds)
{
    for (int i = 0; i < 1000; i++)
    {
        int sig;

        if (tunnel_manage_hold(psp, seconds))
        {
            return true;
        }
        if (!sig_pending())
        {
            return false;
        }
        sig = sig_take();
        if (sig != SIGUSR1 && sig != SIGHUP)
        {
            sig_raise(sig, sig_reason());
            return false;
        }
    }
    return false;
}

/*
 * Before each start, as 2.6: the management hold, whose >HOLD line carries
 * the restart pause due (0 before the first start and after a SIGHUP: the
 * re-read config opens the interface's hold anew), then that pause unless
 * a hold was released for it.  False if a signal ends the process.
 */
static bool
start_gate(struct persist_state *psp, int pause, bool reread)
{
    bool held = tunnel_manage_holds(psp);
    int sig;

    if (held && !hold_wait(psp, reread ? 0 : pause))
    {
        return false;
    }
    if (pause <= 0 || (held && !reread))
    {
        return true;
    }
    msg(D_RESTART, "Restart pause, %d second(s)", pause);
    if (!sig_sleep(pause) && sig_pending() && (sig = sig_take()) != SIGUSR1 && sig != SIGHUP)
    {
        sig_raise(sig, sig_reason());
        return false;
    }
    return true;
}

/* The pause after a restart signal: --connect-retry (2.6: 1 s for a TCP server). */
static int
restart_pause(const struct options *o)
{
    return o->connect_retry > 0 ? o->connect_retry : 1;
}

static int
run_instances(struct options *o, int argc, char **argv, tunnel_loop_fn *server_loop,
              struct persist_state *psp)
{
    struct context c;
    int pause = 0;       /* the restart pause due before the next start */
    bool reread = false; /* the next start follows a SIGHUP */
    int failures = 0;

    client_init_persist(o, psp);
    platform_systemd_ready(); /* as 2.6: configuration read, tunnel not yet up */
    for (;;)
    {
        bool fatal = false;
        int sig;

        memset(&c, 0, sizeof(c));
        c.o = o;
        c.ps = psp;
        c.remote_index = o->n_remotes ? psp->restarts % o->n_remotes : 0;
        client_prepare_instance(&c);
        tunnel_manage_attach(psp, &c);
        if (!psp->plugins_opened)
        {
            /* 2.6 opens them before the first instance, so before --user/--chroot */
            psp->plugins_opened = true;
            if (!tunnel_plugin_open(&c, PLUGIN_INIT_PRE_DAEMON) ||
                !tunnel_plugin_open(&c, PLUGIN_INIT_POST_DAEMON) ||
                (psp->privileges_dropped && !tunnel_plugin_open(&c, PLUGIN_INIT_POST_UID_CHANGE)))
            {
                tunnel_manage_attach(psp, NULL);
                msg(M_INFO, "Exiting due to fatal error");
                return 1;
            }
        }
        if (!start_gate(psp, pause, reread))
        {
            tunnel_manage_attach(psp, NULL);
            sig = sig_pending() ? sig_take() : SIGTERM;
            log_signal(sig, sig_reason(), true);
            return 0;
        }
        pause = 0;
        reread = false;
        if (!open_instance(&c, &fatal))
        {
            tunnel_manage_attach(psp, NULL);
            close_instance(&c, fatal);
            if (fatal || sig_pending())
            {
                sig = sig_take();
                if (sig && sig != SIGUSR1 && sig != SIGHUP)
                {
                    log_signal(sig, sig_reason(), true);
                    return 0;
                }
                if (fatal)
                {
                    msg(M_INFO, "Exiting due to fatal error");
                    return 1;
                }
            }
            if (c.link.fail == LINK_FAIL_RESOLVE)
            {
                msg(M_INFO, "Could not determine IPv4/IPv6 protocol");
                log_signal(SIGUSR1, "Could not determine IPv4/IPv6 protocol", false);
            }
            else
            {
                log_signal(SIGUSR1, "connection-failed", false);
            }
            psp->restarts++;
            if (client_retries_exhausted(o, ++failures))
            {
                return 1;
            }
            pause = init_link_retry_pause(&c, failures);
            continue;
        }
        /* p2p and client complete in forward.c: TLS once keys (and the push)
         * are in, static key once the peer's first authentic packet arrived */
        if (c.tls && o->mode != MODE_SERVER)
        {
            tunnel_manage_state(&c, "WAIT", NULL);
        }
        /* --mode server: the tun and socket are ours, the clients are the server
         * loop's, which completes the start-up once its instance table is set */
        sig = o->mode == MODE_SERVER && server_loop ? server_loop(&c) : event_loop(&c);
        if (c.fatal)
        {
            tunnel_manage_attach(psp, NULL);
            close_instance(&c, true);
            msg(M_INFO, "Exiting due to fatal error");
            return 1;
        }
        if (sig == SIGTERM || sig == SIGINT)
        {
            send_exit_notify(&c);
        }
        announce_down(&c, sig == SIGTERM || sig == SIGINT || sig == SIGHUP);
        tunnel_manage_state(&c, sig == SIGTERM || sig == SIGINT ? "EXITING" : "RECONNECTING",
                            sig_name_for_state(sig));
        tunnel_manage_attach(psp, NULL);
        init_env_closing(sig);
        init_link_keep(&c, sig);
        close_instance(&c, sig == SIGTERM || sig == SIGINT || sig == SIGHUP);
        init_env_closing(0);
        if (sig == SIGTERM || sig == SIGINT)
        {
            tunnel_plugin_close(psp); /* 2.6 says PLUGIN_CLOSE before the exit line */
        }
        log_signal(sig, sig_reason(), sig == SIGTERM || sig == SIGINT);
        if (sig == SIGTERM || sig == SIGINT)
        {
            return 0;
        }
        psp->restarts++;
        /* an attempt that never completed start-up counts for --connect-retry-max */
        failures = c.init_completed ? 0 : failures + 1;
        if (!c.init_completed && client_retries_exhausted(o, failures))
        {
            return 1;
        }
        pause = restart_pause(o);
        if (sig == SIGHUP)
        {
            tunnel_plugin_close(psp); /* 2.6 loads them again with the new config */
            options_free(o);
            if (!options_parse_argv(o, argc, argv) || !init_plugins_load(o, &psp->plugins))
            {
                return 1;
            }
            error_set_verb(o->verb);
            error_set_mute(o->mute);
            options_startup_warnings(o);
            psp->dco_decided = false; /* the new config decides again */
            options_show(o); /* 2.6 dumps the re-read settings at --verb 4 */
            client_init_persist(o, psp);
            platform_systemd_ready();
            reread = true;
            pause = restart_pause(o);
        }
    }
}

int
tunnel_run(struct options *o, int argc, char **argv, tunnel_loop_fn *server_loop,
           struct plugin_list *plugins)
{
    struct persist_state ps;
    int rc;

    memset(&ps, 0, sizeof(ps));
    ps.tt.fd = -1;
    ps.plugins = plugins;
    if (!tunnel_manage_open(&ps, o))
    {
        tunnel_plugin_close(&ps);
        msg(M_INFO, "Exiting due to fatal error");
        return 1;
    }
    rc = run_instances(o, argc, argv, server_loop, &ps);
    /* also after an instance that failed before it could close them */
    tunnel_tls_files_close(&ps.tls_files, false, true);
    tunnel_plugin_close(&ps);
    tunnel_manage_close(&ps);
    if (ps.push_saved.valid)
    {
        options_push_saved_free(&ps.push_saved); /* the config as it was before any push */
    }
    return rc;
}
