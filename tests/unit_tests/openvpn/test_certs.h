/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_certs.h -- a throwaway PKI made at test time with OpenSSL's own
 * APIs (tests only): P-256 keys, a CA and leaf certificates as PEM text,
 * for the TLS tests (test_ssl_openssl.c, test_ssl.c, test_ssl_verify.c).
 */
#ifndef TEST_CERTS_H
#define TEST_CERTS_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct pki_entity
{
    EVP_PKEY *key;
    X509 *cert;
    char *key_pem;
    char *cert_pem;
};

/**
 * Make a P-256 key and a certificate for it, valid from now + @p not_before
 * to now + @p not_after seconds.  @p issuer NULL: self-signed CA.  @p eku
 * "serverAuth"/"clientAuth" for leaf certificates.
 */
void make_entity(struct pki_entity *e,
                 const char *cn,
                 const struct pki_entity *issuer,
                 long serial,
                 long not_before,
                 long not_after,
                 const char *eku);

/**
 * A CRL signed by @p issuer (last update an hour ago, next update in a
 * day) revoking @p revoked's serial, as PEM text the caller frees.
 */
char *make_crl_pem(const struct pki_entity *issuer, const struct pki_entity *revoked);

void free_entity(struct pki_entity *e);

#endif /* TEST_CERTS_H */
