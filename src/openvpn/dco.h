/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dco.h -- data channel offload: hand the data channel of a tunnel to the
 * kernel's ovpn module over generic netlink.
 *
 * Two kernel APIs exist (doc/dco.md): the out-of-tree ovpn-dco-v2
 * family (link kind "ovpn-dco", used by OpenVPN 2.6) and the upstream ovpn
 * family (Linux >= 6.16, link kind "ovpn", used by 2.7).  dco_detect()
 * finds out which one the running kernel has; after that the caller uses
 * one neutral API and dco_linux.c speaks the right dialect.
 *
 * The module has two layers:
 *  - message building/parsing: pure functions from structs to netlink
 *    messages (struct nl_msg) and from received bytes to structs.  No
 *    socket, no clock, no logging of their own; the unit tests drive them.
 *  - a handle (struct dco) owning two netlink sockets (requests, and the
 *    "peers" multicast group for notifications) plus the interface it
 *    drives.  Every operation is a blocking request/ACK; they run at
 *    connection setup, rekey and status time, never per packet.
 *
 * Kernel input (replies, notifications) is checked against declared
 * attribute policies; what does not fit is logged rate-limited and
 * ignored.  Operations return 0 or a negative errno and log the kernel's
 * reason (extended ACK text when the kernel gives one) at D_DCO; the
 * caller prints the 2.6 line ("Cannot add peer to DCO: ...") and decides.
 *
 * Users include "config.h" first.  Without ENABLE_DCO every function is a
 * stub that reports "no DCO", so callers never test ENABLE_DCO.
 *
 * Tier 3o.  Must not include control-channel (ssl*), crypto or options
 * headers; only dco_linux.c includes libnl / <linux/...> headers.
 */
#ifndef OVPN_DCO_H
#define OVPN_DCO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "error.h"

/** The kernel API found by dco_detect(). */
enum dco_api
{
    DCO_API_NONE = 0,    /**< no DCO module: use the userspace data path */
    DCO_API_OVPN_DCO_V2, /**< family "ovpn-dco-v2", link kind "ovpn-dco" */
    DCO_API_OVPN,        /**< family "ovpn", link kind "ovpn" (Linux >= 6.16) */
};

enum dco_mode
{
    DCO_MODE_P2P = 0, /**< one peer (p2p and client) */
    DCO_MODE_MP = 1,  /**< many peers, routed by VPN address (server) */
};

enum dco_cipher
{
    DCO_CIPHER_AES_128_GCM,
    DCO_CIPHER_AES_192_GCM,
    DCO_CIPHER_AES_256_GCM,
    DCO_CIPHER_CHACHA20_POLY1305,
};

enum dco_key_slot
{
    DCO_KEY_SLOT_PRIMARY = 0,   /**< encrypts; decrypts its key-id */
    DCO_KEY_SLOT_SECONDARY = 1, /**< decrypts its key-id only */
};

/** Why the kernel dropped a peer (both APIs use the same numbers). */
enum dco_del_reason
{
    DCO_DEL_TEARDOWN = 0,             /**< interface going away / p2p peer replaced */
    DCO_DEL_USERSPACE = 1,            /**< we asked for it */
    DCO_DEL_EXPIRED = 2,              /**< keepalive timeout: ping-restart */
    DCO_DEL_TRANSPORT_ERROR = 3,      /**< TCP error */
    DCO_DEL_TRANSPORT_DISCONNECT = 4, /**< TCP closed by the remote / socket closed */
    DCO_DEL_UNKNOWN = 5,              /**< a reason this code does not know */
};

#define DCO_NONCE_TAIL_LEN 8
#define DCO_KEY_MAX_LEN    32
#define DCO_PEER_ID_MAX    0xFFFFFFu /* 24 bits in the DATA_V2 header */

/** A peer for dco_peer_new(). */
struct dco_peer
{
    uint32_t peer_id;               /**< <= DCO_PEER_ID_MAX */
    int sd;                         /**< transport socket, owned and kept open by the caller */
    bool has_remote;                /**< UDP: true; TCP (connected socket): false */
    struct sockaddr_storage remote; /**< AF_INET or AF_INET6, port set */
    bool has_local;                 /**< UDP on a wildcard-bound socket: source to use */
    sa_family_t local_family;       /**< AF_INET or AF_INET6, same as remote */
    struct in_addr local4;
    struct in6_addr local6;
    bool has_vpn4; /**< MP mode: the client's VPN IPv4 (kernel routing) */
    struct in_addr vpn4;
    bool has_vpn6;
    struct in6_addr vpn6;
};

/** One direction of a data-channel key. */
struct dco_key_dir
{
    uint8_t key[DCO_KEY_MAX_LEN]; /**< the first dco_cipher_key_len() bytes are used */
    uint8_t nonce_tail[DCO_NONCE_TAIL_LEN];
};

/** A key for dco_key_new(). Wipe it after use (secure_memzero). */
struct dco_key
{
    uint32_t peer_id;
    enum dco_key_slot slot;
    uint8_t key_id; /**< OpenVPN key-id 0..7 */
    enum dco_cipher cipher;
    struct dco_key_dir encrypt;
    struct dco_key_dir decrypt;
};

/** Counters of one peer, from dco_peer_get(). "vpn" = tunnel side, "link" = transport. */
struct dco_stats
{
    uint64_t vpn_rx_bytes, vpn_tx_bytes, vpn_rx_packets, vpn_tx_packets;
    uint64_t link_rx_bytes, link_tx_bytes, link_rx_packets, link_tx_packets;
};

/** Peer state read back by dco_peer_get(); absent attributes stay 0. */
struct dco_peer_info
{
    uint32_t peer_id;
    uint32_t keepalive_interval, keepalive_timeout;
    struct dco_stats stats;
};

enum dco_event_type
{
    DCO_EV_PEER_DEL,   /**< the kernel dropped a peer: see reason */
    DCO_EV_KEY_SWAP,   /**< primary key running out of packet ids: renegotiate (ovpn only) */
    DCO_EV_PEER_FLOAT, /**< the kernel moved a UDP peer to a new address (ovpn only) */
};

/** A parsed notification. */
struct dco_event
{
    enum dco_event_type type;
    unsigned int ifindex;
    uint32_t peer_id;
    enum dco_del_reason reason;     /**< DCO_EV_PEER_DEL */
    uint8_t key_id;                 /**< DCO_EV_KEY_SWAP */
    struct sockaddr_storage remote; /**< DCO_EV_PEER_FLOAT */
};

struct dco;    /* the handle: sockets, family ids, interface */
struct nl_msg; /* libnl's message, for the building layer */

/** "ovpn-dco-v2", "ovpn" or "none". */
static inline const char *
dco_api_name(enum dco_api api)
{
    switch (api)
    {
        case DCO_API_OVPN_DCO_V2:
            return "ovpn-dco-v2";
        case DCO_API_OVPN:
            return "ovpn";
        default:
            return "none";
    }
}

/** The rtnetlink link kind of @p api: "ovpn-dco", "ovpn", or NULL. */
static inline const char *
dco_link_kind(enum dco_api api)
{
    switch (api)
    {
        case DCO_API_OVPN_DCO_V2:
            return "ovpn-dco";
        case DCO_API_OVPN:
            return "ovpn";
        default:
            return NULL;
    }
}

/** Key length of @p cipher in bytes (16, 24 or 32). */
static inline size_t
dco_cipher_key_len(enum dco_cipher cipher)
{
    switch (cipher)
    {
        case DCO_CIPHER_AES_128_GCM:
            return 16;
        case DCO_CIPHER_AES_192_GCM:
            return 24;
        default:
            return 32; /* AES-256-GCM, CHACHA20-POLY1305 */
    }
}

/** The kernel cipher for an OpenVPN cipher name (any case); false if the kernel has none. */
static inline bool
dco_cipher_by_name(const char *name, enum dco_cipher *out)
{
    static const struct
    {
        const char *name;
        enum dco_cipher cipher;
    } map[] = {
        { "AES-128-GCM", DCO_CIPHER_AES_128_GCM },
        { "AES-192-GCM", DCO_CIPHER_AES_192_GCM },
        { "AES-256-GCM", DCO_CIPHER_AES_256_GCM },
        { "CHACHA20-POLY1305", DCO_CIPHER_CHACHA20_POLY1305 },
    };

    for (size_t i = 0; name && i < sizeof(map) / sizeof(map[0]); i++)
    {
        if (strcasecmp(name, map[i].name) == 0)
        {
            *out = map[i].cipher;
            return true;
        }
    }
    return false;
}

/** Text for log lines, in 2.6's words ("ping expired", ...). */
static inline const char *
dco_del_reason_str(enum dco_del_reason reason)
{
    switch (reason)
    {
        case DCO_DEL_TEARDOWN:
            return "teardown";
        case DCO_DEL_USERSPACE:
            return "deleted by userspace";
        case DCO_DEL_EXPIRED:
            return "ping expired";
        case DCO_DEL_TRANSPORT_ERROR:
            return "transport error";
        case DCO_DEL_TRANSPORT_DISCONNECT:
            return "transport disconnected";
        default:
            return "unknown reason";
    }
}

#ifdef ENABLE_DCO

/*
 * ---- message layer (pure; the caller frees the nl_msg with nlmsg_free) ----
 * @p family is the resolved generic netlink family id, @p ifindex the DCO
 * interface.  Builders return NULL on invalid input (bad cipher or key
 * length, peer-id > 24 bits, address family mismatch) or allocation
 * failure.  Requests carry NLM_F_REQUEST|NLM_F_ACK.
 */
struct nl_msg *dco_build_iface_new(enum dco_api api, const char *ifname, enum dco_mode mode);
struct nl_msg *dco_build_iface_del(unsigned int ifindex);
struct nl_msg *dco_build_peer_new(enum dco_api api,
                                  int family,
                                  unsigned int ifindex,
                                  const struct dco_peer *peer);
struct nl_msg *dco_build_peer_set(enum dco_api api,
                                  int family,
                                  unsigned int ifindex,
                                  uint32_t peer_id,
                                  uint32_t ka_interval,
                                  uint32_t ka_timeout);
struct nl_msg *dco_build_peer_del(enum dco_api api,
                                  int family,
                                  unsigned int ifindex,
                                  uint32_t peer_id);
struct nl_msg *dco_build_peer_get(enum dco_api api,
                                  int family,
                                  unsigned int ifindex,
                                  uint32_t peer_id);
struct nl_msg *dco_build_key_new(enum dco_api api,
                                 int family,
                                 unsigned int ifindex,
                                 const struct dco_key *key);
struct nl_msg *dco_build_key_swap(enum dco_api api,
                                  int family,
                                  unsigned int ifindex,
                                  uint32_t peer_id);
struct nl_msg *dco_build_key_del(enum dco_api api,
                                 int family,
                                 unsigned int ifindex,
                                 uint32_t peer_id,
                                 enum dco_key_slot slot);

/**
 * Parse one notification (a whole netlink message of @p len bytes from the
 * multicast group).  @p why gets a static text when it returns false.
 */
bool dco_parse_event(enum dco_api api,
                     const void *data,
                     size_t len,
                     struct dco_event *ev,
                     const char **why);

/** Parse one GET_PEER reply message (@p len bytes). */
bool dco_parse_peer_info(enum dco_api api,
                         const void *data,
                         size_t len,
                         struct dco_peer_info *info,
                         const char **why);

/*
 * ---- detection and the handle ----
 */

/**
 * Which DCO API the kernel offers, resolving the genl families (the
 * kernel autoloads the module).  When none is there, logs 2.6's
 * "Note: Kernel support for ovpn-dco missing, disabling data channel
 * offload." at @p msglevel.
 */
enum dco_api dco_detect(msglvl_t msglevel);

/** The "DCO version:" text: the module version, the kernel release, or "N/A". */
const char *dco_version_string(enum dco_api api, char *buf, size_t size);

/** The "DCO version:" of the start-up banner: of a module already loaded, else "N/A". */
const char *dco_version_loaded(char *buf, size_t size);

/** Open a handle for @p api (sockets, family, "peers" group); NULL after logging. */
struct dco *dco_open(enum dco_api api);
/** Close the sockets; does not delete the interface (see dco_iface_del). */
void dco_close(struct dco *dco);
enum dco_api dco_get_api(const struct dco *dco);

/**
 * Create interface @p ifname of this API's link kind in mode @p mode in
 * the current netns and bind the handle to it.  -EEXIST if it exists.
 */
int dco_iface_new(struct dco *dco, const char *ifname, enum dco_mode mode);
/**
 * Bind the handle to an existing interface (2.6 reuses a DCO device of the
 * right kind).  -ENODEV if missing, -EINVAL if it is not of our link kind.
 */
int dco_iface_attach(struct dco *dco, const char *ifname, enum dco_mode mode);
/** Delete the bound interface (RTM_DELLINK) and unbind. */
int dco_iface_del(struct dco *dco);
/** ifindex of the bound interface, 0 if none. */
unsigned int dco_ifindex(const struct dco *dco);
/**
 * The rtnetlink link kind of @p ifname into @p kind ("" for a device
 * without one, e.g. a plain tun).  -ENODEV if it does not exist.
 */
int dco_iface_kind(const char *ifname, char *kind, size_t size);

int dco_peer_new(struct dco *dco, const struct dco_peer *peer);
/** Kernel keepalive in seconds (ping / ping-restart); 0,0 turns it off. */
int dco_peer_set_keepalive(struct dco *dco, uint32_t peer_id, uint32_t interval, uint32_t timeout);
int dco_peer_del(struct dco *dco, uint32_t peer_id);
/** State and counters of one peer. */
int dco_peer_get(struct dco *dco, uint32_t peer_id, struct dco_peer_info *info);

int dco_key_new(struct dco *dco, const struct dco_key *key);
int dco_key_swap(struct dco *dco, uint32_t peer_id);
int dco_key_del(struct dco *dco, uint32_t peer_id, enum dco_key_slot slot);

/** The notification socket, for the event loop (readable = call dco_events_read). */
int dco_event_fd(const struct dco *dco);

/**
 * Read the pending notifications without blocking and return up to @p max
 * parsed events for the bound interface in @p ev (count in @p n).  Others
 * interfaces' events are skipped, malformed ones logged (rate-limited by
 * @p now) and skipped.  False only when the socket failed.
 */
bool dco_events_read(struct dco *dco, time_t now, struct dco_event *ev, size_t max, size_t *n);

#else /* ENABLE_DCO */

/* Built without libnl-genl: no DCO, callers take the userspace data path. */
static inline enum dco_api
dco_detect(msglvl_t msglevel)
{
    (void) msglevel;
    return DCO_API_NONE;
}

static inline const char *
dco_version_string(enum dco_api api, char *buf, size_t size)
{
    (void) api;
    (void) buf;
    (void) size;
    return "N/A";
}

static inline const char *
dco_version_loaded(char *buf, size_t size)
{
    (void) buf;
    (void) size;
    return "N/A";
}

static inline struct dco *
dco_open(enum dco_api api)
{
    (void) api;
    return NULL;
}

static inline void
dco_close(struct dco *dco)
{
    (void) dco;
}

static inline enum dco_api
dco_get_api(const struct dco *dco)
{
    (void) dco;
    return DCO_API_NONE;
}

static inline int
dco_iface_new(struct dco *dco, const char *ifname, enum dco_mode mode)
{
    (void) dco;
    (void) ifname;
    (void) mode;
    return -EOPNOTSUPP;
}

static inline int
dco_iface_attach(struct dco *dco, const char *ifname, enum dco_mode mode)
{
    (void) dco;
    (void) ifname;
    (void) mode;
    return -EOPNOTSUPP;
}

static inline int
dco_iface_del(struct dco *dco)
{
    (void) dco;
    return -EOPNOTSUPP;
}

static inline unsigned int
dco_ifindex(const struct dco *dco)
{
    (void) dco;
    return 0;
}

static inline int
dco_iface_kind(const char *ifname, char *kind, size_t size)
{
    (void) ifname;
    (void) kind;
    (void) size;
    return -EOPNOTSUPP;
}

static inline int
dco_peer_new(struct dco *dco, const struct dco_peer *peer)
{
    (void) dco;
    (void) peer;
    return -EOPNOTSUPP;
}

static inline int
dco_peer_set_keepalive(struct dco *dco, uint32_t peer_id, uint32_t interval, uint32_t timeout)
{
    (void) dco;
    (void) peer_id;
    (void) interval;
    (void) timeout;
    return -EOPNOTSUPP;
}

static inline int
dco_peer_del(struct dco *dco, uint32_t peer_id)
{
    (void) dco;
    (void) peer_id;
    return -EOPNOTSUPP;
}

static inline int
dco_peer_get(struct dco *dco, uint32_t peer_id, struct dco_peer_info *info)
{
    (void) dco;
    (void) peer_id;
    (void) info;
    return -EOPNOTSUPP;
}

static inline int
dco_key_new(struct dco *dco, const struct dco_key *key)
{
    (void) dco;
    (void) key;
    return -EOPNOTSUPP;
}

static inline int
dco_key_swap(struct dco *dco, uint32_t peer_id)
{
    (void) dco;
    (void) peer_id;
    return -EOPNOTSUPP;
}

static inline int
dco_key_del(struct dco *dco, uint32_t peer_id, enum dco_key_slot slot)
{
    (void) dco;
    (void) peer_id;
    (void) slot;
    return -EOPNOTSUPP;
}

static inline int
dco_event_fd(const struct dco *dco)
{
    (void) dco;
    return -1;
}

static inline bool
dco_events_read(struct dco *dco, time_t now, struct dco_event *ev, size_t max, size_t *n)
{
    (void) dco;
    (void) now;
    (void) ev;
    (void) max;
    *n = 0;
    return true;
}

#endif /* ENABLE_DCO */

#endif /* OVPN_DCO_H */
