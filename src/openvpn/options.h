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

struct client_config;

#define MAX_REMOTES     64
#define MAX_ROUTES      256
#define MAX_PROVIDERS   8
#define MAX_CONFIG_DEPTH 10
#define MAX_PUSH        256
#define MAX_PULL_FILTER 64
#define MAX_CCD_IROUTES 64
#define MAX_DHCP_OPTIONS 64

enum opt_mode
{
    MODE_POINT_TO_POINT = 0,
    MODE_SERVER = 1,
};

enum auth_retry
{
    AR_NONE = 0,
    AR_NOINTERACT,
    AR_INTERACT,
};

enum pull_filter_action
{
    PF_ACCEPT,
    PF_IGNORE,
    PF_REJECT,
};

enum verify_method
{
    VERIFY_VIA_ENV,
    VERIFY_VIA_FILE,
};

/* --redirect-gateway / --redirect-private flags */
#define RG_ENABLE      (1u << 0)
#define RG_LOCAL       (1u << 1)
#define RG_DEF1        (1u << 2)
#define RG_BYPASS_DHCP (1u << 3)
#define RG_BYPASS_DNS  (1u << 4)
#define RG_BLOCK_LOCAL (1u << 5)
#define RG_AUTO_LOCAL  (1u << 6)
#define RG_IPV6        (1u << 7)
#define RG_NOT_IPV4    (1u << 8) /* !ipv4 */

/** One --pull-filter rule: pushed options starting with @c text get @c action. */
struct pull_filter
{
    int action; /**< enum pull_filter_action */
    char *text;
};

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
    /* Per-connection settings from a <connection> block (0 / NULL: use the global value). */
    bool from_connection;     /**< entry came from a <connection> block */
    char *local_host;         /**< --local inside the block */
    char *local_port;         /**< --lport (or --port) inside the block */
    int bind_local;           /**< -1 global, 0 nobind, 1 bind */
    int connect_retry;        /**< 0: global */
    int connect_retry_max_delay;
    int connect_timeout;      /**< 0: global */
    int floating;             /**< -1 global, 1 --float */
    int explicit_exit_notify; /**< -1 global */
    int mssfix;               /**< -1 global */
    int tun_mtu;              /**< 0 global */
    int link_mtu;             /**< 0 global */
    int fragment;             /**< -1 global */
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
    char *data_ciphers;        /**< --data-ciphers, the NCP list (ssl_ncp.c) */
    char *data_ciphers_fallback;

    /* ---- compression framing ---- */
    int comp;                  /**< enum comp_kind */
    bool comp_lzo_adaptive;
    int allow_compression;     /**< 0 no, 1 asym (default), 2 yes */
    bool allow_compression_defined; /**< given explicitly (the DCO rules ask) */

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
    char *plugin_paths[16];  /**< --plugin FILE, in config order */
    char **plugin_args[16];  /**< its argument words, NULL-terminated */
    int n_plugins;

    /* ---- status ---- */
    char *status_file;
    int status_file_update_freq;
    int status_file_version;

    /* ---- MTU helpers ---- */
    int mssfix;                /**< 0 = off; default 1492, with --fragment its value */
    bool mssfix_defined;       /**< --mssfix N given (a bare --mssfix keeps the default) */
    int fragment;              /**< --fragment N: 0 = off */
    bool fragment_mtu;         /**< --fragment N mtu: N counts the IP/UDP header */

    /* ---- added by the options area ---- */
    bool mssfix_mtu;           /**< N counts the IP/UDP header (default, --mssfix N mtu) */
    bool mssfix_fixed;         /**< --mssfix N fixed */
    int route_delay_window;    /**< --route-delay N W: W, default 30 */
    bool route_delay_defined;
    char *ignore_unknown[32];  /**< --ignore-unknown-option words */
    int n_ignore_unknown;
    bool ping_rec_timeout_defined;
    int nice;                  /**< --nice N */
    bool fast_io;
    bool tcp_nodelay;          /**< --tcp-nodelay (a server also pushes socket-flags) */
    bool sock_tcp_nodelay;     /**< TCP_NODELAY on our sockets: --tcp-nodelay, --socket-flags */
    bool disable_dco;          /**< --disable-dco */
    int config_depth;          /**< parse time only: --config nesting being read */
    const char *inline_data;   /**< parse time only: text of the <block> being applied */
    char *config_names[32];    /**< config file names that struct opt_loc.file points to */
    int n_config_names;

    /* ---- TLS (options_tls.c) ---- */
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

    /* ---- client/server (options_server.c, options_client.c) ---- */
    int mode;                        /**< enum opt_mode */
    bool pull;                       /**< --pull or --client */
    bool client;                     /**< --client given */
    /* server */
    char *push[MAX_PUSH];            /**< option text, e.g. "route 10.1.0.0 255.255.255.0" */
    int n_push;
    char *push_remove[MAX_PUSH];
    int n_push_remove;
    bool server_defined;
    uint32_t server_network, server_netmask; /**< host byte order */
    bool server_ipv6_defined;
    uint8_t server_ipv6_net[16];
    int server_ipv6_bits;
    bool server_bridge_defined;
    bool server_bridge_proxy_dhcp;   /**< bare --server-bridge, or nogw */
    bool server_bridge_nogw;         /**< --server-bridge nogw */
    uint32_t server_bridge_ip, server_bridge_netmask, server_bridge_pool_start,
      server_bridge_pool_end;
    bool ifconfig_pool_defined;
    uint32_t ifconfig_pool_start, ifconfig_pool_end, ifconfig_pool_netmask; /**< netmask 0 = none */
    bool ifconfig_ipv6_pool_defined;
    uint8_t ifconfig_ipv6_pool_base[16];
    int ifconfig_ipv6_pool_bits;
    char *ifconfig_pool_persist_file;
    int ifconfig_pool_persist_refresh; /**< default 600 */
    bool push_ifconfig_constraint_defined;
    uint32_t push_ifconfig_constraint_network, push_ifconfig_constraint_netmask;
    char *client_config_dir;
    bool ccd_exclusive;
    bool client_to_client;
    bool duplicate_cn;
    int max_clients;                  /**< default 1024 */
    int max_routes_per_client;        /**< default 256 */
    bool username_as_common_name;
    char *auth_user_pass_verify;
    int auth_user_pass_verify_method; /**< enum verify_method */
    char *client_connect;
    char *client_disconnect;
    char *learn_address;
    bool auth_gen_token;
    int auth_gen_token_lifetime;
    int auth_gen_token_renewal;   /**< renewal-time; 0 until verified: then --reneg-sec */
    bool auth_gen_token_external; /**< external-auth: the normal checks decide */
    struct opt_file auth_gen_token_secret;
    int cf_max, cf_per;               /**< --connect-freq n sec; 0 = off */
    int cf_initial_max, cf_initial_per; /**< --connect-freq-initial n sec (UDP server resets) */
    int tcp_queue_limit;              /**< default 64 */
    int hash_size_real, hash_size_virtual; /**< --hash-size, default 256 256 */
    bool ifconfig_ipv6_pool_from_server;   /**< internal, set by expansion */
    bool server_nopool;               /**< --server ... nopool */
    /* client */
    struct opt_file auth_user_pass;   /**< value NULL: not given; "" (not inline): prompt on
                                           the terminal; else file path or inline "user\npass\n" */
    int auth_retry;                   /**< enum auth_retry, default AR_NONE */
    char *auth_token_user;            /**< pushed auth-token-user (already base64-decoded) */
    char *auth_token;                 /**< pushed auth-token */
    struct pull_filter pull_filters[MAX_PULL_FILTER];
    int n_pull_filters;
    bool route_nopull;
    unsigned int redirect_gateway;    /**< RG_* */
    unsigned int redirect_private;    /**< RG_* from --redirect-private */
    int server_poll_timeout;          /**< 0 = unset */
    int push_peer_info;               /**< bool */
    /* pushed values (set by options_push_apply; also legal in config where 2.6 allows) */
    int peer_id;                      /**< -1 = none */
    bool protocol_flags_defined;
    bool pf_tls_ekm, pf_cc_exit, pf_dyn_tls_crypt;
    bool key_derivation_ekm;          /**< key-derivation tls-ekm */
    char *dhcp_options[MAX_DHCP_OPTIONS]; /**< "DNS 10.8.0.1" (words after dhcp-option) */
    int n_dhcp_options;
    bool route_gateway_dhcp;          /**< route-gateway dhcp */
    bool block_ipv6;
    /* management (manage.c reads these) */
    char *management_addr;
    char *management_port;            /**< NULL with management_unix: addr is a path */
    bool management_unix;
    char *management_pw_file;         /**< "stdin" allowed */
    bool management_hold, management_query_passwords, management_client_auth,
      management_forget_disconnect, management_signal, management_up_down;
    int management_log_history;       /**< --management-log-cache, default 250 */
    char *management_client_user, *management_client_group;
    /* parse time only */
    struct client_config *ccd_target; /**< reading a ccd file: ccd-only directives land here */
    bool parse_keep_going;            /**< log a bad directive and continue (ccd files) */
    struct remote_entry *conn_target; /**< inside a <connection> block: its remote */
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

/**
 * The warnings 2.6 prints about a parsed config before its banner (a TCP
 * management port without a password), once the log is set up so that
 * they reach the --log file too; again after a SIGHUP re-read.
 */
void options_startup_warnings(const struct options *o);

/** Print --help text to stdout. */
void options_usage(void);

/** Print the --version text (title line, library versions, features). */
/** --version text; @p dco_version is what dco_version_loaded() says. */
void options_print_version(const char *dco_version);

/** The title line: "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] ..." */
const char *options_title(void);

#endif /* OVPN_OPTIONS_H */
