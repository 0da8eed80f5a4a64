/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_tls.h -- hand the parsed TLS options to the TLS layers: the
 * backend's struct ssl_config and ssl_verify's struct ssl_verify_config.
 *
 * Tier 4.  Includes the tier-3c headers only for their structs; nothing
 * here calls into the TLS library, so the options test driver links
 * without OpenSSL.  The filled structs borrow strings from struct options,
 * which must outlive them.
 */
#ifndef OVPN_OPTIONS_TLS_H
#define OVPN_OPTIONS_TLS_H

#include <stdbool.h>

#include "options.h"
#include "ssl_backend.h"
#include "ssl_verify.h"

/**
 * Fill @p out from @p o (role, credentials, versions, ciphers, groups,
 * --verify-client-cert).  verify_cb/verify_arg are left NULL for the caller.
 * @return false when @p o is not in TLS mode.
 */
bool options_ssl_config(const struct options *o, struct ssl_config *out);

/**
 * Fill @p out from @p o: --verify-x509-name, --remote-cert-tls/-ku/-eku,
 * --peer-fingerprint (fingerprint_only when no CA is configured), and
 * --crl-verify DIR dir.  The --tls-verify hook is left for the caller
 * (o->tls_verify holds the command).
 */
void options_ssl_verify_config(const struct options *o, struct ssl_verify_config *out);

#endif /* OVPN_OPTIONS_TLS_H */
