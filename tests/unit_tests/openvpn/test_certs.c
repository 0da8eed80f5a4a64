/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_certs.c -- the throwaway PKI of test_certs.h (tests only: OpenSSL
 * APIs are fine here).
 */
#include "config.h"

#include "test_common.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "test_certs.h"

static char *
bio_text(BIO *b)
{
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *s = malloc((size_t) n + 1);

    assert_non_null(s);
    memcpy(s, data, (size_t) n);
    s[n] = '\0';
    BIO_free(b);
    return s;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509_EXTENSION *ext;

    X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    assert_non_null(ext);
    assert_true(X509_add_ext(x, ext, -1));
    X509_EXTENSION_free(ext);
}

/*
 * Make a P-256 key and a certificate for it.  @p issuer NULL: self-signed
 * CA.  @p eku "serverAuth"/"clientAuth" for leaf certificates.
 */
void
make_entity(struct pki_entity *e,
            const char *cn,
            const struct pki_entity *issuer,
            long serial,
            long not_before,
            long not_after,
            const char *eku)
{
    X509_NAME *name;
    BIO *b;

    e->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(e->key);
    e->cert = X509_new();
    X509_set_version(e->cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(e->cert), serial);
    X509_gmtime_adj(X509_getm_notBefore(e->cert), not_before);
    X509_gmtime_adj(X509_getm_notAfter(e->cert), not_after);
    X509_set_pubkey(e->cert, e->key);
    name = X509_get_subject_name(e->cert);
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *) "KG", -1, -1, 0);
    X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC, (const unsigned char *) "OpenVPN-TEST", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *) cn, -1, -1, 0);
    X509_set_issuer_name(e->cert, issuer ? X509_get_subject_name(issuer->cert) : name);
    if (!issuer)
    {
        add_ext(e->cert, e->cert, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(e->cert, e->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    else
    {
        add_ext(e->cert, issuer->cert, NID_basic_constraints, "CA:FALSE");
        add_ext(e->cert, issuer->cert, NID_key_usage, "digitalSignature,keyAgreement");
        add_ext(e->cert, issuer->cert, NID_ext_key_usage, eku);
    }
    assert_true(X509_sign(e->cert, issuer ? issuer->key : e->key, EVP_sha256()) > 0);

    b = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_X509(b, e->cert));
    e->cert_pem = bio_text(b);
    b = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_PrivateKey(b, e->key, NULL, NULL, 0, NULL, NULL));
    e->key_pem = bio_text(b);
}

char *
make_crl_pem(const struct pki_entity *issuer, const struct pki_entity *revoked)
{
    X509_CRL *crl = X509_CRL_new();
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_TIME *t = ASN1_TIME_new();
    BIO *b = BIO_new(BIO_s_mem());
    char *pem;

    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer->cert));
    X509_gmtime_adj(t, -3600);
    X509_CRL_set1_lastUpdate(crl, t);
    X509_gmtime_adj(t, 86400);
    X509_CRL_set1_nextUpdate(crl, t);
    X509_gmtime_adj(t, -60);
    X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked->cert));
    X509_REVOKED_set_revocationDate(r, t);
    X509_CRL_add0_revoked(crl, r);
    X509_CRL_sort(crl);
    assert_true(X509_CRL_sign(crl, issuer->key, EVP_sha256()) > 0);
    assert_true(PEM_write_bio_X509_CRL(b, crl));
    pem = bio_text(b);
    ASN1_TIME_free(t);
    X509_CRL_free(crl);
    return pem;
}

void
free_entity(struct pki_entity *e)
{
    EVP_PKEY_free(e->key);
    X509_free(e->cert);
    free(e->key_pem);
    free(e->cert_pem);
}
