/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * openvpn-plugin.h -- the binary interface between the daemon and a
 * --plugin shared object, as OpenVPN 2.6 defines it (plugin interface
 * version 3, argument structs version 5).  Plugins built against 2.6's
 * header load unchanged: every constant, struct member, member order and
 * function signature below is part of that ABI and must not change.
 *
 * Used by the daemon's loader (src/openvpn/plugin.c) and by plugins.  Only
 * libc headers are included; the certificate handed to TLS_VERIFY is an
 * OpenSSL X509, declared here as its struct tag so that a plugin that
 * includes <openssl/x509.h> gets the same type without us including it.
 *
 * Memory: strings and arrays passed to a plugin belong to the daemon and
 * are valid during the call only.  A string list returned by a plugin is
 * malloc()ed by the plugin and freed by the daemon (free() of each name,
 * value and node).
 */
#ifndef OPENVPN_PLUGIN_H_
#define OPENVPN_PLUGIN_H_

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The interface revision this header describes. */
#define OPENVPN_PLUGIN_VERSION 3

/* The daemon version a plugin sees (the patch level is a string, dot included). */
#define OPENVPN_VERSION_MAJOR 2
#define OPENVPN_VERSION_MINOR 6
#define OPENVPN_VERSION_PATCH ".14"

#ifndef __OPENVPN_X509_CERT_T_DECLARED
#define __OPENVPN_X509_CERT_T_DECLARED
typedef struct x509_st openvpn_x509_cert_t; /* OpenSSL's X509 */
#endif

/*
 * Event types.  A plugin's open function sets OPENVPN_PLUGIN_MASK(type) in
 * its type mask for each event it wants to see.  11 is unused.
 */
enum
{
    OPENVPN_PLUGIN_UP = 0,
    OPENVPN_PLUGIN_DOWN = 1,
    OPENVPN_PLUGIN_ROUTE_UP = 2,
    OPENVPN_PLUGIN_IPCHANGE = 3,
    OPENVPN_PLUGIN_TLS_VERIFY = 4,
    OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY = 5,
    OPENVPN_PLUGIN_CLIENT_CONNECT = 6,
    OPENVPN_PLUGIN_CLIENT_DISCONNECT = 7,
    OPENVPN_PLUGIN_LEARN_ADDRESS = 8,
    OPENVPN_PLUGIN_CLIENT_CONNECT_V2 = 9,
    OPENVPN_PLUGIN_TLS_FINAL = 10,
    OPENVPN_PLUGIN_ROUTE_PREDOWN = 12,
    OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER = 13,
    OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2 = 14,
    OPENVPN_PLUGIN_CLIENT_CRRESPONSE = 15,
    OPENVPN_PLUGIN_N = 16
};

#define OPENVPN_PLUGIN_MASK(x) (1 << (x))

/* What an event function returns. */
enum
{
    OPENVPN_PLUGIN_FUNC_SUCCESS = 0,
    OPENVPN_PLUGIN_FUNC_ERROR = 1,
    OPENVPN_PLUGIN_FUNC_DEFERRED = 2
};

/* When a plugin asks to be opened (openvpn_plugin_select_initialization_point_v1). */
enum
{
    OPENVPN_PLUGIN_INIT_PRE_CONFIG_PARSE = 1,
    OPENVPN_PLUGIN_INIT_PRE_DAEMON = 2, /* the default */
    OPENVPN_PLUGIN_INIT_POST_DAEMON = 3,
    OPENVPN_PLUGIN_INIT_POST_UID_CHANGE = 4
};

/* The version of the v3 argument structs below. */
#define OPENVPN_PLUGINv3_STRUCTVER 5

typedef void *openvpn_plugin_handle_t;

/* A singly linked list of name/value pairs a plugin hands back. */
struct openvpn_plugin_string_list
{
    struct openvpn_plugin_string_list *next;
    char *name;
    char *value;
};

/* Flags of the plugin_log/plugin_vlog callbacks (an int-sized enum). */
typedef enum
{
    PLOG_ERR = 1 << 0,
    PLOG_WARN = 1 << 1,
    PLOG_NOTE = 1 << 2,
    PLOG_DEBUG = 1 << 3, /* shown from --verb 7 */
    PLOG_ERRNO = 1 << 8, /* append the text of errno */
    PLOG_NOMUTE = 1 << 9 /* not subject to --mute */
} openvpn_plugin_log_flags_t;

#ifdef __GNUC__
#define OVPN_PLUGIN_PRINTF_(f, a) __attribute__((format(__printf__, f, a)))
#else
#define OVPN_PLUGIN_PRINTF_(f, a)
#endif

typedef void (*plugin_log_t)(openvpn_plugin_log_flags_t flags, const char *plugin_name,
                             const char *format, ...) OVPN_PLUGIN_PRINTF_(3, 4);
typedef void (*plugin_vlog_t)(openvpn_plugin_log_flags_t flags, const char *plugin_name,
                              const char *format, va_list arglist) OVPN_PLUGIN_PRINTF_(3, 0);
typedef void (*plugin_secure_memzero_t)(void *data, size_t len);
/* Returns the length of *str (malloc()ed, the caller frees it), or -1. */
typedef int (*plugin_base64_encode_t)(const void *data, int size, char **str);
/* Returns the number of bytes written to data (at most size), or -1. */
typedef int (*plugin_base64_decode_t)(const char *str, void *data, int size);

/* Services the daemon offers a v3 plugin; the order is the ABI. */
struct openvpn_plugin_callbacks
{
    plugin_log_t plugin_log;
    plugin_vlog_t plugin_vlog;
    plugin_secure_memzero_t plugin_secure_memzero;
    plugin_base64_encode_t plugin_base64_encode;
    plugin_base64_decode_t plugin_base64_decode;
};

/* Which TLS library the current_cert pointers come from. */
typedef enum
{
    SSLAPI_NONE,
    SSLAPI_OPENSSL,
    SSLAPI_MBEDTLS
} ovpnSSLAPI;

/* Arguments of openvpn_plugin_open_v3. */
struct openvpn_plugin_args_open_in
{
    const int type_mask;
    const char **const argv; /* argv[0]: the plugin's path, then its --plugin arguments */
    const char **const envp;
    struct openvpn_plugin_callbacks *callbacks;
    const ovpnSSLAPI ssl_api;
    const char *ovpn_version; /* "2.6.14" */
    const unsigned int ovpn_version_major;
    const unsigned int ovpn_version_minor;
    const char *const ovpn_version_patch; /* ".14" */
};

/* What openvpn_plugin_open_v3 fills in. */
struct openvpn_plugin_args_open_return
{
    int type_mask;
    openvpn_plugin_handle_t handle;
    struct openvpn_plugin_string_list **return_list;
};

/* Arguments of openvpn_plugin_func_v3. */
struct openvpn_plugin_args_func_in
{
    const int type;
    const char **const argv;
    const char **const envp;
    openvpn_plugin_handle_t handle;
    void *per_client_context;
    int current_cert_depth;            /* TLS_VERIFY only */
    openvpn_x509_cert_t *current_cert; /* TLS_VERIFY only */
};

struct openvpn_plugin_args_func_return
{
    struct openvpn_plugin_string_list **return_list;
};

/*
 * The entry points.  With OPENVPN_PLUGIN_H defined (the daemon's side)
 * they are declared as pointer types for dlsym(); otherwise as the
 * functions a plugin exports.
 */
#ifdef OPENVPN_PLUGIN_H
#define OPENVPN_PLUGIN_DEF typedef
#define OPENVPN_PLUGIN_FUNC(name) (*name)
#else
#define OPENVPN_PLUGIN_DEF
#define OPENVPN_PLUGIN_FUNC(name) name
#endif
#define OPENVPN_EXPORT

OPENVPN_PLUGIN_DEF openvpn_plugin_handle_t OPENVPN_PLUGIN_FUNC(openvpn_plugin_open_v1)(
    unsigned int *type_mask, const char *argv[], const char *envp[]);

OPENVPN_PLUGIN_DEF openvpn_plugin_handle_t OPENVPN_PLUGIN_FUNC(openvpn_plugin_open_v2)(
    unsigned int *type_mask, const char *argv[], const char *envp[],
    struct openvpn_plugin_string_list **return_list);

OPENVPN_PLUGIN_DEF int OPENVPN_PLUGIN_FUNC(openvpn_plugin_open_v3)(
    const int version, struct openvpn_plugin_args_open_in const *arguments,
    struct openvpn_plugin_args_open_return *retptr);

OPENVPN_PLUGIN_DEF int OPENVPN_PLUGIN_FUNC(openvpn_plugin_func_v1)(
    openvpn_plugin_handle_t handle, const int type, const char *argv[], const char *envp[]);

OPENVPN_PLUGIN_DEF int OPENVPN_PLUGIN_FUNC(openvpn_plugin_func_v2)(
    openvpn_plugin_handle_t handle, const int type, const char *argv[], const char *envp[],
    void *per_client_context, struct openvpn_plugin_string_list **return_list);

OPENVPN_PLUGIN_DEF int OPENVPN_PLUGIN_FUNC(openvpn_plugin_func_v3)(
    const int version, struct openvpn_plugin_args_func_in const *arguments,
    struct openvpn_plugin_args_func_return *retptr);

OPENVPN_PLUGIN_DEF void OPENVPN_PLUGIN_FUNC(openvpn_plugin_close_v1)(
    openvpn_plugin_handle_t handle);

OPENVPN_PLUGIN_DEF void OPENVPN_PLUGIN_FUNC(openvpn_plugin_abort_v1)(
    openvpn_plugin_handle_t handle);

OPENVPN_PLUGIN_DEF void *OPENVPN_PLUGIN_FUNC(openvpn_plugin_client_constructor_v1)(
    openvpn_plugin_handle_t handle);

OPENVPN_PLUGIN_DEF void OPENVPN_PLUGIN_FUNC(openvpn_plugin_client_destructor_v1)(
    openvpn_plugin_handle_t handle, void *per_client_context);

OPENVPN_PLUGIN_DEF int OPENVPN_PLUGIN_FUNC(openvpn_plugin_select_initialization_point_v1)(void);

OPENVPN_PLUGIN_DEF int OPENVPN_PLUGIN_FUNC(openvpn_plugin_min_version_required_v1)(void);

#ifdef __cplusplus
}
#endif

#endif /* OPENVPN_PLUGIN_H_ */
