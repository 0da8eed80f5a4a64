/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_tunnel_dco.c -- the kernel data channel of one instance
 * (tunnel_dco.c) against a recording fake of the DCO backend and of the
 * control channel: the key-slot policy across renegotiations (first key
 * primary, later ones secondary, swap when the control channel sends with
 * the new key, the retired key leaves its slot), the peer and keepalive on
 * the first key, what each notification does (peer expired -> ping-restart
 * or ping-exit, transport error -> restart, key-swap request ->
 * renegotiation, our own deletion / another peer-id -> nothing), a kernel
 * that refuses the peer or the key -> 2.6's line and a restart, and the
 * kernel counters folded into the statistics once.
 */
#include "config.h"

#include "test_common.h"

#include <signal.h>

#include "init.h"
#include "options_dco.h"
#include "sig.h"
#include "sitnl.h"
#include "tunnel_dco.h"
#include "tunnel_tls.h"

/* ---- the fakes -------------------------------------------------------- */

static char calls[4096];     /* "peer_new(7) ka(7,10,60) key_new(7,P,0) ..." */
static int refuse_peer, refuse_key;
static int raised_sig;
static char raised_reason[64];
static int tx_key = -1;      /* what tls_multi_tx_key() says, -1: none */
static int renegotiations;
static struct dco_event events[8];
static size_t n_events;
static struct dco_peer_info peer_info;
struct dco
{
    int unused;
};

static struct dco fake_dco_storage;
static struct dco *const fake_dco = &fake_dco_storage;

static void
call(const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(calls);

    va_start(ap, fmt);
    vsnprintf(calls + n, sizeof(calls) - n, fmt, ap);
    va_end(ap);
    strncat(calls, " ", sizeof(calls) - strlen(calls) - 1);
}

bool options_dco_allowed(const struct options *o) { (void) o; return true; }
void options_dco_apply(struct options *o) { (void) o; }
enum dco_api dco_detect(msglvl_t l) { (void) l; return DCO_API_OVPN; }
struct dco *dco_open(enum dco_api api) { (void) api; return fake_dco; }
void dco_close(struct dco *d) { (void) d; }
int dco_iface_new(struct dco *d, const char *n, enum dco_mode m) { (void) d; (void) n; (void) m; return 0; }
int dco_iface_attach(struct dco *d, const char *n, enum dco_mode m) { (void) d; (void) n; (void) m; return 0; }
int dco_iface_kind(const char *n, char *k, size_t s) { (void) n; (void) k; (void) s; return -ENODEV; }
int dco_iface_del(struct dco *d) { (void) d; call("iface_del"); return 0; }
unsigned int dco_ifindex(const struct dco *d) { (void) d; return 5; }
int dco_event_fd(const struct dco *d) { (void) d; return 99; }
bool sitnl_iface_txqueuelen_set(const char *n, int q) { (void) n; (void) q; return true; }

int
dco_peer_new(struct dco *d, const struct dco_peer *p)
{
    (void) d;
    call("peer_new(%u,%s)", p->peer_id, p->has_remote ? "udp" : "tcp");
    return refuse_peer ? -ENODEV : 0;
}

int
dco_peer_set_keepalive(struct dco *d, uint32_t id, uint32_t i, uint32_t t)
{
    (void) d;
    call("ka(%u,%u,%u)", id, i, t);
    return 0;
}

int
dco_peer_del(struct dco *d, uint32_t id)
{
    (void) d;
    call("peer_del(%u)", id);
    return 0;
}

int
dco_peer_get(struct dco *d, uint32_t id, struct dco_peer_info *info)
{
    (void) d;
    *info = peer_info;
    info->peer_id = id;
    return 0;
}

int
dco_key_new(struct dco *d, const struct dco_key *k)
{
    (void) d;
    call("key_new(%u,%c,%u,%02x%02x)", k->peer_id, k->slot == DCO_KEY_SLOT_PRIMARY ? 'P' : 'S',
         k->key_id, k->encrypt.key[0], k->decrypt.key[0]);
    return refuse_key ? -EINVAL : 0;
}

int
dco_key_swap(struct dco *d, uint32_t id)
{
    (void) d;
    call("swap(%u)", id);
    return 0;
}

int
dco_key_del(struct dco *d, uint32_t id, enum dco_key_slot s)
{
    (void) d;
    call("key_del(%u,%c)", id, s == DCO_KEY_SLOT_PRIMARY ? 'P' : 'S');
    return 0;
}

bool
dco_events_read(struct dco *d, time_t now, struct dco_event *ev, size_t max, size_t *n)
{
    (void) d;
    (void) now;
    *n = n_events < max ? n_events : max;
    memcpy(ev, events, *n * sizeof(*ev));
    n_events = 0;
    return true;
}

void
sig_raise(int signum, const char *reason)
{
    raised_sig = signum;
    snprintf(raised_reason, sizeof(raised_reason), "%s", reason);
}

time_t otime_mono(void) { return 1000; }
int64_t otime_mono_ms(void) { return 1000000; }

bool
tls_multi_tx_key(const struct tls_multi *m, uint8_t *key_id)
{
    (void) m;
    if (tx_key < 0)
    {
        return false;
    }
    *key_id = (uint8_t) tx_key;
    return true;
}

bool
tls_multi_renegotiate(struct tls_multi *m, int64_t now_ms)
{
    (void) m;
    (void) now_ms;
    renegotiations++;
    return true;
}

void
tls_data_key_select(const struct tls_data_key *k, const struct key **send, const struct key **recv)
{
    *send = &k->key2.keys[k->tls_server ? 1 : 0];
    *recv = &k->key2.keys[k->tls_server ? 0 : 1];
}

/* ---- fixture ------------------------------------------------------------ */

static struct options o;
static struct persist_state ps;
static struct context c;
static struct tunnel_tls t;

static int
setup(void **state)
{
    (void) state;
    memset(&o, 0, sizeof(o));
    memset(&ps, 0, sizeof(ps));
    memset(&c, 0, sizeof(c));
    memset(&t, 0, sizeof(t));
    o.ping_send_timeout = 10;
    o.ping_rec_timeout = 60;
    o.ping_rec_timeout_action = PING_ACTION_RESTART;
    c.o = &o;
    c.ps = &ps;
    c.tls = &t;
    c.link.fd = 7;
    c.link.proto = LINK_UDP;
    c.peer_known = true;
    ps.dco = fake_dco;
    ps.dco_api = DCO_API_OVPN;
    calls[0] = '\0';
    refuse_peer = refuse_key = 0;
    raised_sig = 0;
    raised_reason[0] = '\0';
    tx_key = -1;
    renegotiations = 0;
    n_events = 0;
    memset(&peer_info, 0, sizeof(peer_info));
    mock_msg_reset();
    return 0;
}

/* A KEY_NEW event for key-id @p kid; key bytes tell the directions apart. */
static bool
key_new(uint8_t kid)
{
    struct tls_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = TLS_EVENT_KEY_NEW;
    ev.key.key_id = kid;
    ev.key.tls_server = true;
    ev.key.data_v2 = true;
    ev.key.peer_id = 7;
    snprintf(ev.key.cipher, sizeof(ev.key.cipher), "AES-256-GCM");
    ev.key.key2.keys[0].cipher[0] = (uint8_t) (0xa0 + kid); /* client -> server */
    ev.key.key2.keys[1].cipher[0] = (uint8_t) (0xb0 + kid); /* server -> client */
    return tunnel_dco_on_key(&c, &ev);
}

static void
key_retired(uint8_t kid)
{
    struct tls_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = TLS_EVENT_KEY_RETIRED;
    ev.key.key_id = kid;
    tunnel_dco_on_key(&c, &ev);
}

static void
event(enum dco_event_type type, uint32_t peer_id, enum dco_del_reason reason)
{
    memset(&events[n_events], 0, sizeof(events[0]));
    events[n_events].type = type;
    events[n_events].peer_id = peer_id;
    events[n_events].reason = reason;
    n_events++;
}

/* ---- tests ---------------------------------------------------------------- */

static void
first_key__adds_peer_keepalive_then_primary_key(void **state)
{
    (void) state;
    assert_true(key_new(0));
    /* server role: encrypt with keys[1] (0xb0), decrypt with keys[0] (0xa0) */
    assert_string_equal(calls, "peer_new(7,udp) ka(7,10,60) key_new(7,P,0,b0a0) ");
    assert_true(c.dco_peer);
    assert_int_equal(c.dco_slots.primary, 0);
    assert_int_equal(c.dco_slots.secondary, -1);
}

static void
renegotiation__secondary_then_swap_then_old_deleted(void **state)
{
    (void) state;
    assert_true(key_new(0));
    tx_key = 0;
    calls[0] = '\0';
    assert_true(key_new(1));
    assert_string_equal(calls, "key_new(7,S,1,b1a1) ");
    tunnel_dco_service(&c); /* still sending with key 0: nothing to do */
    assert_string_equal(calls, "key_new(7,S,1,b1a1) ");
    tx_key = 1;
    tunnel_dco_service(&c);
    assert_string_equal(calls, "key_new(7,S,1,b1a1) swap(7) ");
    assert_int_equal(c.dco_slots.primary, 1);
    assert_int_equal(c.dco_slots.secondary, 0);
    tunnel_dco_service(&c); /* idempotent */
    assert_string_equal(calls, "key_new(7,S,1,b1a1) swap(7) ");
    key_retired(0);
    assert_string_equal(calls, "key_new(7,S,1,b1a1) swap(7) key_del(7,S) ");
    assert_int_equal(c.dco_slots.secondary, -1);
    /* the next renegotiation goes to the secondary again */
    calls[0] = '\0';
    assert_true(key_new(2));
    assert_string_equal(calls, "key_new(7,S,2,b2a2) ");
}

static void
primary_retired_with_secondary__secondary_promoted(void **state)
{
    (void) state;
    assert_true(key_new(3));
    assert_true(key_new(4));
    calls[0] = '\0';
    key_retired(3);
    assert_string_equal(calls, "swap(7) key_del(7,S) ");
    assert_int_equal(c.dco_slots.primary, 4);
    assert_int_equal(c.dco_slots.secondary, -1);
    calls[0] = '\0';
    key_retired(4);
    assert_string_equal(calls, "key_del(7,P) ");
    assert_int_equal(c.dco_slots.primary, -1);
}

static void
kernel_refuses_peer__2_6_line_and_restart(void **state)
{
    (void) state;
    refuse_peer = 1;
    assert_false(key_new(0));
    assert_non_null(strstr(mock_all_msgs, "Cannot add peer to DCO: "));
    assert_int_equal(raised_sig, SIGUSR1);
    assert_false(c.dco_peer);
    assert_null(strstr(calls, "key_new"));
}

static void
kernel_refuses_key__2_6_line_and_restart(void **state)
{
    (void) state;
    refuse_key = 1;
    assert_false(key_new(0));
    assert_non_null(strstr(mock_all_msgs, "Impossible to install key material in DCO: "));
    assert_int_equal(raised_sig, SIGUSR1);
}

static void
peer_without_data_v2__refused_with_a_line(void **state)
{
    struct tls_event ev;

    (void) state;
    memset(&ev, 0, sizeof(ev));
    ev.type = TLS_EVENT_KEY_NEW;
    snprintf(ev.key.cipher, sizeof(ev.key.cipher), "AES-256-GCM");
    assert_false(tunnel_dco_on_key(&c, &ev));
    assert_non_null(strstr(mock_all_msgs, "DATA_V2"));
    assert_string_equal(calls, "");
    assert_int_equal(raised_sig, SIGUSR1);
}

static void
expired_peer__ping_restart_like_userspace(void **state)
{
    (void) state;
    assert_true(key_new(0));
    event(DCO_EV_PEER_DEL, 7, DCO_DEL_EXPIRED);
    tunnel_dco_read_events(&c);
    assert_int_equal(raised_sig, SIGUSR1);
    assert_string_equal(raised_reason, "ping-restart");
    assert_non_null(strstr(mock_all_msgs, "Inactivity timeout (--ping-restart), restarting"));
    assert_false(c.dco_peer); /* gone in the kernel: not deleted again */
}

static void
expired_peer_with_ping_exit__exits(void **state)
{
    (void) state;
    o.ping_rec_timeout_action = PING_ACTION_EXIT;
    assert_true(key_new(0));
    event(DCO_EV_PEER_DEL, 7, DCO_DEL_EXPIRED);
    tunnel_dco_read_events(&c);
    assert_int_equal(raised_sig, SIGTERM);
    assert_string_equal(raised_reason, "ping-exit");
}

static void
transport_error__restart(void **state)
{
    (void) state;
    assert_true(key_new(0));
    event(DCO_EV_PEER_DEL, 7, DCO_DEL_TRANSPORT_DISCONNECT);
    tunnel_dco_read_events(&c);
    assert_int_equal(raised_sig, SIGUSR1);
    assert_non_null(strstr(mock_all_msgs, "ovpn-dco: transport disconnected"));
}

static void
own_delete_and_other_peer__ignored(void **state)
{
    (void) state;
    assert_true(key_new(0));
    event(DCO_EV_PEER_DEL, 7, DCO_DEL_USERSPACE);
    event(DCO_EV_PEER_DEL, 8, DCO_DEL_EXPIRED);
    event(DCO_EV_KEY_SWAP, 9, DCO_DEL_TEARDOWN);
    tunnel_dco_read_events(&c);
    assert_int_equal(raised_sig, 0);
    assert_int_equal(renegotiations, 0);
    assert_true(c.dco_peer);
}

static void
key_swap_request__renegotiates(void **state)
{
    (void) state;
    assert_true(key_new(0));
    event(DCO_EV_KEY_SWAP, 7, DCO_DEL_TEARDOWN);
    tunnel_dco_read_events(&c);
    assert_int_equal(renegotiations, 1);
    assert_int_equal(raised_sig, 0);
}

static void
stats__kernel_counters_added_once(void **state)
{
    (void) state;
    c.stats.link_read_bytes = 100; /* control packets userspace saw */
    assert_true(key_new(0));
    peer_info.stats.vpn_rx_bytes = 5000;
    peer_info.stats.vpn_tx_bytes = 3000;
    peer_info.stats.link_rx_bytes = 6000;
    peer_info.stats.link_tx_bytes = 4000;
    tunnel_dco_refresh_stats(&c);
    tunnel_dco_refresh_stats(&c); /* nothing moved in between: nothing added */
    assert_int_equal(c.stats.tun_write_bytes, 5000);
    assert_int_equal(c.stats.tun_read_bytes, 3000);
    assert_int_equal(c.stats.link_read_bytes, 6100);
    assert_int_equal(c.stats.link_write_bytes, 4000);
    peer_info.stats.link_rx_bytes = 6500;
    tunnel_dco_refresh_stats(&c);
    assert_int_equal(c.stats.link_read_bytes, 6600);
}

static void
close__peer_deleted_interface_kept_or_deleted(void **state)
{
    (void) state;
    ps.dco_iface_ours = true;
    assert_true(key_new(0));
    calls[0] = '\0';
    tunnel_dco_close(&c, true); /* --persist-tun restart */
    assert_string_equal(calls, "peer_del(7) ");
    assert_non_null(ps.dco);
    tunnel_dco_close(&c, false);
    assert_string_equal(calls, "peer_del(7) iface_del ");
    assert_null(ps.dco);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(first_key__adds_peer_keepalive_then_primary_key, setup),
        cmocka_unit_test_setup(renegotiation__secondary_then_swap_then_old_deleted, setup),
        cmocka_unit_test_setup(primary_retired_with_secondary__secondary_promoted, setup),
        cmocka_unit_test_setup(kernel_refuses_peer__2_6_line_and_restart, setup),
        cmocka_unit_test_setup(kernel_refuses_key__2_6_line_and_restart, setup),
        cmocka_unit_test_setup(peer_without_data_v2__refused_with_a_line, setup),
        cmocka_unit_test_setup(expired_peer__ping_restart_like_userspace, setup),
        cmocka_unit_test_setup(expired_peer_with_ping_exit__exits, setup),
        cmocka_unit_test_setup(transport_error__restart, setup),
        cmocka_unit_test_setup(own_delete_and_other_peer__ignored, setup),
        cmocka_unit_test_setup(key_swap_request__renegotiates, setup),
        cmocka_unit_test_setup(stats__kernel_counters_added_once, setup),
        cmocka_unit_test_setup(close__peer_deleted_interface_kept_or_deleted, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
