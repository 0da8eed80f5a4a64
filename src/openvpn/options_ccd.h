/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_ccd.h -- per-client settings read from a --client-config-dir file
 * (or from a --client-connect script's output file), and 2.6's mapping
 * from a certificate common name to that file's name.
 *
 * Tier 4 (configuration).  Must not include tier 5+ headers (multi.h,
 * init.h ...).  struct client_config owns its strings; client_config_free()
 * releases them.  A ccd file uses the config file syntax and keyword
 * table, restricted to the directives marked OPT_W_CCD.
 */
#ifndef OVPN_OPTIONS_CCD_H
#define OVPN_OPTIONS_CCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct iroute4
{
    uint32_t network; /**< host order, host bits cleared */
    int bits;
};

struct iroute6
{
    uint8_t network[16]; /**< host bits cleared */
    int bits;
};

/** Per-client settings from a --client-config-dir file (or a client-connect script's output). */
struct client_config
{
    bool disable;
    bool push_reset;
    char *push[MAX_PUSH];
    int n_push;
    char *push_remove[MAX_PUSH];
    int n_push_remove;
    bool ifconfig_push_defined;
    uint32_t ifconfig_push_local, ifconfig_push_remote_netmask; /**< host order */
    bool ifconfig_ipv6_push_defined;
    uint8_t ifconfig_ipv6_push_local[16];
    int ifconfig_ipv6_push_bits;
    uint8_t ifconfig_ipv6_push_remote[16]; /**< all zero: not given (server's address) */
    struct iroute4 iroutes[MAX_CCD_IROUTES];
    int n_iroutes;
    struct iroute6 iroutes6[MAX_CCD_IROUTES];
    int n_iroutes6;
};

/**
 * Read @p path into @p cc (which is zeroed first); options not allowed in a
 * ccd file are logged ("Options error: ... FILE:LINE ...") and skipped as
 * 2.6 does.  false only if the file cannot be read.
 */
bool client_config_read(const char *path, struct client_config *cc);

/** Like client_config_read() on text already in memory; @p name is used in messages. */
bool client_config_parse_text(const char *name,
                              const char *text,
                              size_t len,
                              struct client_config *cc);

/** Release every string in @p cc and zero it. */
void client_config_free(struct client_config *cc);

/**
 * 2.6's ccd file name for a common name: "@p dir/@p cn" with non-printable
 * characters and '/' replaced by '_'.  false for "", "." and "..", or if
 * the result does not fit in @p outlen bytes.
 */
bool client_config_file_name(const char *dir, const char *cn, char *out, size_t outlen);

#endif /* OVPN_OPTIONS_CCD_H */
