/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options.h -- struct options: everything the config file and command line
 * say, after parsing and post-processing (defaults filled, helpers like
 * --keepalive expanded, cross-option checks done).
 *
 * The struct owns every string it points to; options_free() releases them.
 * Lower tiers never see this struct: init.c copies what each module needs
 * into that module's own config struct.  Tier 4.
 */
#ifndef OVPN_OPTIONS_H
#define OVPN_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define MAX_REMOTES     64
#define MAX_ROUTES      256
#define MAX_PROVIDERS   8
#define MAX_CONFIG_DEPTH 10

enum proto_kind
{
    PROTO_UDP,
    PROTO_TCP_SERVER,
    PROTO_TCP_CLIENT,
    PROTO_TCP, /* "tcp" before it is resolved to client/server (tls role decides) */
};

enum key_dir_opt
{
    KEY_DIR_UNSET = -1,     /* no direction: both directions use keys[0] */
    KEY_DIR_NORMAL = 0,     /* send keys[0], receive keys[1] */
    KEY_DIR_INVERSE = 1,    /* send keys[1], receive keys[0] */
};

enum ping_action
{
    PING_ACTION_NONE,
    PING_ACTION_RESTART,
    PING_ACTION_EXIT,
};

enum topology
{
    TOP_UNDEF,
    TOP_NET30,
    TOP_P2P,
    TOP_SUBNET,
};

enum comp_kind
{
    COMP_NONE,       /* no framing at all */
    COMP_LZO_STUB,   /* comp-lzo no: 0xFA prefix */
    COMP_LZO,        /* comp-lzo yes/adaptive, compress lzo */
    COMP_STUB,       /* compress stub: swap framing */
    COMP_LZ4,        /* compress lz4 */
    COMP_STUB_V2,    /* compress stub-v2 */
    COMP_LZ4_V2,     /* compress lz4-v2 */
};

enum genkey_type
{
    GENKEY_NONE,
    GENKEY_SECRET,     /* secret / tls-auth / tls-crypt: static key file */
    GENKEY_TLS_CRYPT_V2_SERVER,
    GENKEY_TLS_CRYPT_V2_CLIENT,
    GENKEY_AUTH_TOKEN,
};

/** Where an option came from (for FILE:LINE errors after parsing). */
struct opt_loc
{
    const char *file; /**< config path as given, or "[CMD-LINE]" */
    int line;         /**< 1-based line in file; argv index on the command line */
};

/* ---- TLS option types ---- */
#define OPT_MAX_KU           16
#define OPT_MAX_FINGERPRINTS 32
#define REMOTE_CERT_KU_ANY   0xFFFFu /* --remote-cert-tls: a keyUsage must be present */

enum remote_cert_type
{
    REMOTE_CERT_NONE,
    REMOTE_CERT_CLIENT, /**< --remote-cert-tls client */
    REMOTE_CERT_SERVER, /**< --remote-cert-tls server */
};

/* Values as 2.6 shows them in "verify_x509_type = %d". */
enum verify_x509_type
{
    VERIFY_X509_NONE = 0,
    VERIFY_X509_SUBJECT_DN = 1,         /**< "subject": whole one-line subject */
    VERIFY_X509_SUBJECT_RDN = 2,        /**< "name": the CN */
    VERIFY_X509_SUBJECT_RDN_PREFIX = 3, /**< "name-prefix": the CN starts with it */
};

/** A file-or-inline (or plain string) TLS directive and where it was written. */
struct opt_file
{
    char *value;     /**< path, inline text, or the argument; NULL = not configured */
    bool is_inline;  /**< value holds the text of an inline <block> */
    struct opt_loc loc;
};

struct remote_entry
{
    char *host;
    char *port;          /**< NULL: use --rport/--port */
    int proto;           /**< enum proto_kind, or -1: use --proto */
    sa_family_t af;      /**< AF_UNSPEC unless proto said udp4/udp6/tcp4/tcp6 */
};

struct route_opt
{
    char *network;       /**< address, or vpn_gateway/net_gateway/remote_host */
    char *netmask;       /**< NULL: 255.255.255.255 */
    char *gateway;       /**< NULL: --route-gateway, else the tun peer */
    char *metric;        /**< NULL: --route-metric */
    struct opt_loc loc;
};

struct route6_opt
{
    char *prefix;        /**< "2001:db8::/64" */
    char *gateway;       /**< NULL: --ifconfig-ipv6 remote */
    char *metric;
    struct opt_loc loc;
};

struct options
{
    /* ---- bookkeeping ---- */
    char *config_file;         /**< first --config, for script env "config" */
    struct opt_loc loc_of_secret;

    /* ---- logging (--verb ...) ---- */
    int verb;                  /**< default 1 */
    int mute;                  /**< 0 = off */
    char *log_file;            /**< --log / --log-append */
    bool log_append;
    bool daemon;
    char *daemon_name;         /**< --daemon [progname] */
    bool use_syslog;
    char *syslog_ident;        /**< --syslog [progname] */
    char *writepid;
    char *cd_dir;
    bool suppress_timestamps;
    bool machine_readable_output;

    /* ---- modes and one-shot tools ---- */
    bool tls_server;
    bool tls_client;
    bool test_crypto;
    bool show_ciphers;
    bool show_digests;
    bool show_tls;
    bool show_engines;
    bool mktun;
    bool rmtun;
    enum genkey_type genkey;
    char *genkey_file;         /**< NULL: write to stdout */
    bool help;                 /**< --help: caller prints options_usage(), exits 1 like 2.6 */
    bool version;              /**< --version: caller prints options_print_version(), exits 0 */

    /* ---- transport ---- */
    int proto;                 /**< enum proto_kind; default UDP */
    sa_family_t proto_af;      /**< AF_UNSPEC, AF_INET (udp4), AF_INET6 (udp6) */
    char *local_host;          /**< --local */
    char *local_port;          /**< --lport / --port; default "1194" */
    bool local_port_defined;
    char *remote_port;         /**< --rport / --port; default "1194" */
    bool bind_local;           /**< false with --nobind */
    bool bind_defined;         /**< --bind given explicitly */
    bool bind_ipv6_only;
    struct remote_entry remotes[MAX_REMOTES];
    int n_remotes;
    bool remote_random;
    int connect_retry;         /**< seconds, default 1 */
    int connect_retry_max_delay; /**< default 300 */
    int connect_retry_max;     /**< 0 = unlimited */
    int connect_timeout;       /**< default 120 */
    int resolv_retry;          /**< seconds; -1 = infinite (default) */
    bool floating;             /**< --float */
    int sndbuf;
    int rcvbuf;
    int mark;
    int explicit_exit_notify;

    /* ---- device ---- */
    char *dev;                 /**< "tun", "tap", "tun3", "null" ... */
    char *dev_type;            /**< --dev-type tun|tap|null, or NULL */
    char *dev_node;
    int tun_mtu;               /**< default 1500 */
    bool tun_mtu_defined;
    int tun_mtu_extra;
    int link_mtu;              /**< --link-mtu, 0 = derived */
    int txqueuelen;
    int topology;              /**< enum topology */
    char *ifconfig_local;
    char *ifconfig_remote_netmask;
    char *ifconfig_ipv6_local; /**< "2001:db8::1/64" as given */
    char *ifconfig_ipv6_remote;
    bool ifconfig_noexec;
    bool ifconfig_nowarn;
    struct route_opt routes[MAX_ROUTES];
    int n_routes;
    struct route6_opt routes6[MAX_ROUTES];
    int n_routes6;
    char *route_default_gateway; /**< --route-gateway */
    int route_default_metric;    /**< --route-metric */
    char *route_ipv6_default_gateway;
    int route_delay;             /**< --route-delay, -1 = unset */
    bool route_noexec;
    bool persist_tun;
    bool persist_key;
    bool persist_local_ip;
    bool persist_remote_ip;

    /* ---- data-channel crypto (static key mode) ---- */
    char *shared_secret_file;  /**< --secret file, or the inline text */
    bool shared_secret_inline; /**< true: shared_secret_file holds <secret> contents */
    int key_direction;         /**< enum key_dir_opt */
    char *ciphername;          /**< --cipher; default "BF-CBC" */
    bool ciphername_defined;
    char *authname;            /**< --auth; default "SHA1" */
    bool replay;               /**< false with --no-replay */
    int replay_window;         /**< default 64 */
    int replay_time;           /**< default 15 */
    bool mute_replay_warnings;
    char *providers[MAX_PROVIDERS];
    int n_providers;
    char *data_ciphers;        /**< TLS issue; stored now */
    char *data_ciphers_fallback;

    /* ---- compression framing ---- */
    int comp;                  /**< enum comp_kind */
    bool comp_lzo_adaptive;
    int allow_compression;     /**< 0 no, 1 asym (default), 2 yes */

    /* ---- keepalive and timeouts ---- */
    int ping_send_timeout;     /**< --ping */
    int ping_rec_timeout;      /**< --ping-restart / --ping-exit */
    int ping_rec_timeout_action; /**< enum ping_action */
    bool ping_timer_remote;
    int keepalive_ping;        /**< --keepalive A B (expanded in post-processing) */
    int keepalive_timeout;
    int inactivity_timeout;    /**< --inactive N [bytes] */
    int64_t inactivity_minimum_bytes;
    int session_timeout;

    /* ---- scripts and privileges ---- */
    char *up_script;
    char *down_script;
    bool up_restart;
    bool down_pre;
    int up_delay;
    int script_security;       /**< default 1 */
    char *username;            /**< --user */
    char *groupname;           /**< --group */
    char *chroot_dir;
    bool mlock;
    char *setenv_names[64];
    char *setenv_values[64];
    int n_setenv;

    /* ---- status ---- */
    char *status_file;
    int status_file_update_freq;
    int status_file_version;

    /* ---- MTU helpers ---- */
    int mssfix;                /**< 0 = off; default 1492 */
    bool mssfix_defined;
    int fragment;

    /* ---- added by the options area ---- */
    bool mssfix_mtu;           /**< --mssfix N mtu */
    bool mssfix_fixed;         /**< --mssfix N fixed */
    int route_delay_window;    /**< --route-delay N W: W, default 30 */
    bool route_delay_defined;
    char *ignore_unknown[32];  /**< --ignore-unknown-option words */
    int n_ignore_unknown;
    bool ping_rec_timeout_defined;
    int nice;                  /**< --nice N */
    bool fast_io;
    bool tcp_nodelay;
    bool local_defined;        /**< --local given */
    bool disable_dco;          /**< --disable-dco */
    int config_depth;          /**< parse time only: --config nesting being read */
    const char *inline_data;   /**< parse time only: text of the <block> being applied */
    char *config_names[32];    /**< config file names that struct opt_loc.file points to */
    int n_config_names;

    /* ---- TLS (issue 3; options_tls.c) ---- */
    struct opt_file ca;              /**< --ca FILE or <ca> */
    struct opt_file capath;          /**< --capath DIR */
    struct opt_file cert;            /**< --cert FILE or <cert> */
    struct opt_file key;             /**< --key FILE or <key> */
    struct opt_file pkcs12;          /**< --pkcs12 FILE or <pkcs12> */
    struct opt_file extra_certs;     /**< --extra-certs FILE or <extra-certs> */
    struct opt_file dh;              /**< --dh FILE, <dh> or "none" */
    struct opt_file ecdh_curve;      /**< --ecdh-curve NAME */
    struct opt_file tls_groups;      /**< --tls-groups LIST */
    struct opt_file tls_cipher;      /**< --tls-cipher LIST */
    struct opt_file tls_ciphersuites; /**< --tls-ciphersuites LIST */
    struct opt_file tls_cert_profile; /**< --tls-cert-profile NAME */
    struct opt_file tls_version_min; /**< "1.2" or "1.2 or-highest", as ssl_config wants */
    struct opt_file tls_version_max; /**< "1.3" */
    int remote_cert_tls;             /**< enum remote_cert_type */
    unsigned int remote_cert_ku[OPT_MAX_KU]; /**< --remote-cert-ku; REMOTE_CERT_KU_ANY: any */
    int n_remote_cert_ku;
    char *remote_cert_eku;           /**< --remote-cert-eku, or set by --remote-cert-tls */
    int verify_x509_type;            /**< enum verify_x509_type */
    char *verify_x509_name;
    struct opt_file crl_verify;      /**< --crl-verify FILE|DIR or <crl-verify> */
    bool crl_verify_dir;             /**< --crl-verify DIR dir */
    uint8_t peer_fingerprints[OPT_MAX_FINGERPRINTS][32]; /**< SHA256 of accepted peer certs */
    int n_peer_fingerprints;
    struct opt_loc loc_of_fingerprint;
    char *tls_verify;                /**< --tls-verify command line */
    struct opt_file tls_auth;        /**< --tls-auth FILE or <tls-auth> */
    struct opt_file tls_crypt;       /**< --tls-crypt FILE or <tls-crypt> */
    struct opt_file tls_crypt_v2;    /**< --tls-crypt-v2 FILE or <tls-crypt-v2> */
    bool tls_crypt_v2_force_cookie;  /**< force-cookie (default allow-noncookie) */
    char *genkey_metadata;           /**< --genkey tls-crypt-v2-client FILE B64 */
    int hand_window;                 /**< default 60 */
    int tls_timeout;                 /**< default 2 */
    int reneg_sec;                   /**< --reneg-sec max; default 3600, 0 = off */
    int reneg_sec_min;               /**< --reneg-sec max min; -1 = unset */
    int64_t reneg_bytes;             /**< -1 = unset (2.6 then picks per cipher) */
    int64_t reneg_pkts;              /**< 0 = off */
    int tran_window;                 /**< default 3600 */
    bool tls_exit;
    bool single_session;
    bool auth_nocache;
    int tls_mtu;                     /**< default 1250 */
    int verify_client_cert;          /**< 0 require (default), 1 optional, 2 none */
    bool enable_ncp_fallback;        /**< P2P TLS: --cipher/--data-ciphers-fallback is fallback */
};

/**
 * Parse the command line (and every --config it names) into @p o, apply
 * defaults and post-processing, and check the result.
 *
 * @return true on success.  On false, one or more "Options error: FILE:LINE:
 *         ..." lines have been logged and the caller exits with status 1.
 */
bool options_parse_argv(struct options *o, int argc, char **argv);

/** Fill @p o with 2.6's defaults (no allocation). */
void options_init_defaults(struct options *o);

/** Release every string owned by @p o and reset it to defaults. */
void options_free(struct options *o);

/** At --verb 4 and up: log the effective options like 2.6's "Current Parameter Settings". */
void options_show(const struct options *o);

/** Print --help text to stdout. */
void options_usage(void);

/** Print the --version text (title line, library versions, features). */
void options_print_version(void);

/** The title line: "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] ..." */
const char *options_title(void);

#endif /* OVPN_OPTIONS_H */
