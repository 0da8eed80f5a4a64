/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dco_probe.c -- one side of a point-to-point DCO link, driven by
 * tests/t_dco.sh inside the test VM (not installed, built by the script).
 *
 *   dco_probe a|b IFNAME LOCAL_IP PORT REMOTE_IP PORT
 *
 * Detects the kernel API, creates IFNAME (P2P) in the current netns,
 * binds and connects a UDP socket, adds one peer with kernel keepalive
 * (1 s / 5 s) and installs key generation 0 in the primary slot.  Both
 * roles derive the same fixed test keys, "a" encrypting with the set "b"
 * decrypts with and vice versa, so two probes talk to each other.  It
 * then prints "ready" and obeys commands on stdin, one per line:
 *
 *   stats            print the peer's counters
 *   newkey N         install generation N (key-id N % 8) in the secondary slot
 *   swap             swap primary and secondary
 *   delkey           delete the secondary key
 *   keepalive I T    kernel keepalive interval/timeout
 *   delpeer          delete the peer
 *   quit / EOF       delete the interface and exit
 *
 * Answers are "ok CMD ..." or "err CMD: reason"; kernel notifications are
 * printed as "event peer-del id=N reason=..." etc. as they arrive.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dco.h"
#include "error.h"

#define PEER_ID 0x76706e /* 2.6's P2P peer-id without key export ("vpn") */

static struct dco *dco;
static char role;

/* Generation @p gen of the fixed test keys; set 0 is sent by "a", set 1 by "b". */
static void
fill_dir(struct dco_key_dir *kd, int set, unsigned int gen)
{
    for (int i = 0; i < DCO_KEY_MAX_LEN; i++)
    {
        kd->key[i] = (uint8_t) (0x40 * set + 7 * gen + i);
    }
    for (int i = 0; i < DCO_NONCE_TAIL_LEN; i++)
    {
        kd->nonce_tail[i] = (uint8_t) (0xA0 + 0x10 * set + gen + i);
    }
}

static int
install_key(unsigned int gen, enum dco_key_slot slot)
{
    struct dco_key k;
    int mine = role == 'a' ? 0 : 1;
    int err;

    memset(&k, 0, sizeof(k));
    k.peer_id = PEER_ID;
    k.slot = slot;
    k.key_id = (uint8_t) (gen % 8);
    k.cipher = gen % 2 ? DCO_CIPHER_CHACHA20_POLY1305 : DCO_CIPHER_AES_256_GCM;
    fill_dir(&k.encrypt, mine, gen);
    fill_dir(&k.decrypt, 1 - mine, gen);
    err = dco_key_new(dco, &k);
    secure_memzero(&k, sizeof(k));
    return err;
}

static int
udp_socket(const char *lip,
           const char *lport,
           const char *rip,
           const char *rport,
           struct sockaddr_in *remote)
{
    struct sockaddr_in local = { .sin_family = AF_INET };
    int sd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(remote, 0, sizeof(*remote));
    remote->sin_family = AF_INET;
    local.sin_port = htons((uint16_t) atoi(lport));
    remote->sin_port = htons((uint16_t) atoi(rport));
    if (sd < 0 || inet_pton(AF_INET, lip, &local.sin_addr) != 1 ||
        inet_pton(AF_INET, rip, &remote->sin_addr) != 1 ||
        bind(sd, (struct sockaddr *) &local, sizeof(local)) < 0 ||
        connect(sd, (struct sockaddr *) remote, sizeof(*remote)) < 0)
    {
        perror("dco_probe: udp socket");
        exit(1);
    }
    return sd;
}

static void
report(const char *cmd, int err)
{
    if (err)
    {
        printf("err %s: %s\n", cmd, strerror(-err));
    }
    else
    {
        printf("ok %s\n", cmd);
    }
}

static void
print_stats(void)
{
    struct dco_peer_info pi;
    int err = dco_peer_get(dco, PEER_ID, &pi);

    if (err)
    {
        report("stats", err);
        return;
    }
    printf("ok stats peer=%u ka=%u/%u vpn_rx_bytes=%llu vpn_tx_bytes=%llu vpn_rx_packets=%llu "
           "vpn_tx_packets=%llu link_rx_bytes=%llu link_tx_bytes=%llu link_rx_packets=%llu "
           "link_tx_packets=%llu\n",
           pi.peer_id,
           pi.keepalive_interval,
           pi.keepalive_timeout,
           (unsigned long long) pi.stats.vpn_rx_bytes,
           (unsigned long long) pi.stats.vpn_tx_bytes,
           (unsigned long long) pi.stats.vpn_rx_packets,
           (unsigned long long) pi.stats.vpn_tx_packets,
           (unsigned long long) pi.stats.link_rx_bytes,
           (unsigned long long) pi.stats.link_tx_bytes,
           (unsigned long long) pi.stats.link_rx_packets,
           (unsigned long long) pi.stats.link_tx_packets);
}

/* One command line; false on quit. */
static bool
command(char *line)
{
    unsigned int a = 0, b = 0;

    line[strcspn(line, "\r\n")] = '\0';
    if (!strcmp(line, "stats"))
    {
        print_stats();
    }
    else if (sscanf(line, "newkey %u", &a) == 1)
    {
        report("newkey", install_key(a, DCO_KEY_SLOT_SECONDARY));
    }
    else if (!strcmp(line, "swap"))
    {
        report("swap", dco_key_swap(dco, PEER_ID));
    }
    else if (!strcmp(line, "delkey"))
    {
        report("delkey", dco_key_del(dco, PEER_ID, DCO_KEY_SLOT_SECONDARY));
    }
    else if (sscanf(line, "keepalive %u %u", &a, &b) == 2)
    {
        report("keepalive", dco_peer_set_keepalive(dco, PEER_ID, a, b));
    }
    else if (!strcmp(line, "delpeer"))
    {
        report("delpeer", dco_peer_del(dco, PEER_ID));
    }
    else if (!strcmp(line, "quit"))
    {
        return false;
    }
    else if (line[0])
    {
        printf("err unknown command '%s'\n", line);
    }
    return true;
}

static void
print_events(void)
{
    struct dco_event ev[8];
    size_t n;

    do
    {
        if (!dco_events_read(dco, time(NULL), ev, 8, &n))
        {
            exit(1);
        }
        for (size_t i = 0; i < n; i++)
        {
            switch (ev[i].type)
            {
                case DCO_EV_PEER_DEL:
                    printf("event peer-del id=%u reason=%s\n",
                           ev[i].peer_id,
                           dco_del_reason_str(ev[i].reason));
                    break;
                case DCO_EV_KEY_SWAP:
                    printf("event key-swap id=%u key-id=%u\n", ev[i].peer_id, ev[i].key_id);
                    break;
                case DCO_EV_PEER_FLOAT:
                    printf("event float id=%u\n", ev[i].peer_id);
                    break;
            }
        }
    } while (n == 8);
}

static void
setup(char **argv)
{
    struct dco_peer peer;
    struct sockaddr_in remote;
    char ver[128];
    enum dco_api api = dco_detect(M_INFO);
    int err;

    printf("api %s version %s\n", dco_api_name(api), dco_version_string(api, ver, sizeof(ver)));
    if (api == DCO_API_NONE || !(dco = dco_open(api)))
    {
        exit(2);
    }
    if ((err = dco_iface_new(dco, argv[2], DCO_MODE_P2P)) < 0)
    {
        report("iface", err);
        exit(1);
    }
    memset(&peer, 0, sizeof(peer));
    peer.peer_id = PEER_ID;
    peer.sd = udp_socket(argv[3], argv[4], argv[5], argv[6], &remote);
    peer.has_remote = true;
    memcpy(&peer.remote, &remote, sizeof(remote));
    if ((err = dco_peer_new(dco, &peer)) < 0 ||
        (err = dco_peer_set_keepalive(dco, PEER_ID, 1, 5)) < 0 ||
        (err = install_key(0, DCO_KEY_SLOT_PRIMARY)) < 0)
    {
        report("setup", err);
        dco_iface_del(dco);
        exit(1);
    }
    printf("ready ifindex=%u\n", dco_ifindex(dco));
}

int
main(int argc, char **argv)
{
    char line[256];
    bool run = true;

    if (argc != 7 || (argv[1][0] != 'a' && argv[1][0] != 'b'))
    {
        fprintf(stderr, "usage: dco_probe a|b IFNAME LOCAL_IP PORT REMOTE_IP PORT\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    error_set_verb(4);
    role = argv[1][0];
    setup(argv);

    while (run)
    {
        struct pollfd p[2] = { { .fd = 0, .events = POLLIN },
                               { .fd = dco_event_fd(dco), .events = POLLIN } };

        if (poll(p, 2, -1) < 0)
        {
            continue;
        }
        if (p[1].revents)
        {
            print_events();
        }
        if (p[0].revents)
        {
            run = fgets(line, sizeof(line), stdin) && command(line);
        }
    }
    print_events();
    report("quit", dco_iface_del(dco));
    dco_close(dco);
    return 0;
}
