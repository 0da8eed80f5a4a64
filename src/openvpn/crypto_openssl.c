/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto_openssl.c -- crypto_backend.h on OpenSSL 3.  The only file of the
 * daemon's crypto tier that includes <openssl/...>.
 *
 * Contexts are allocated once per key; per-packet calls re-initialise them
 * with a new IV (EVP_CipherInit_ex2 with a NULL cipher and key) or restart
 * the MAC with the stored key (EVP_MAC_init with a NULL key), which does
 * not allocate.
 *
 * Tier 2: libc, OpenSSL, tier 0.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"
#include "strutil.h"

#define MAX_PROVIDERS_LOADED 8

/* GLOBAL: providers stay loaded for the life of the process (like 2.6). */
static OSSL_PROVIDER *loaded_providers[MAX_PROVIDERS_LOADED];

void
crypto_init_library(void)
{
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
}

bool
crypto_load_provider(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(loaded_providers); i++)
    {
        if (loaded_providers[i])
        {
            continue;
        }
        loaded_providers[i] = OSSL_PROVIDER_load(NULL, name);
        if (!loaded_providers[i])
        {
            ERR_clear_error();
            msg(M_NONFATAL, "OpenSSL: failed to load provider '%s'", name);
            return false;
        }
        return true;
    }
    msg(M_NONFATAL, "OpenSSL: too many providers, '%s' not loaded", name);
    return false;
}

const char *
crypto_library_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}

/* OpenSSL's short names are not always OpenVPN's: GCM is "id-aes128-GCM". */
static void
canonical_cipher_name(const EVP_CIPHER *c, char *out, size_t outlen)
{
    int nid = EVP_CIPHER_get_nid(c);
    const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
    unsigned bits;

    if (!sn)
    {
        sn = EVP_CIPHER_get0_name(c);
    }
    if (sscanf(sn, "id-aes%u-GCM", &bits) == 1)
    {
        snprintf(out, outlen, "AES-%u-GCM", bits);
        return;
    }
    strbcpy(out, sn, outlen);
    for (char *p = out; *p; p++)
    {
        *p = (char) toupper((unsigned char) *p);
    }
}

static enum cipher_mode
classify(const EVP_CIPHER *c)
{
    unsigned long flags = EVP_CIPHER_get_flags(c);
    bool aead = (flags & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;

    switch (EVP_CIPHER_get_mode(c))
    {
        case EVP_CIPH_CBC_MODE:
            /* AES-CBC-HMAC-SHA1 "stitched" ciphers claim AEAD; not ours */
            return aead ? CIPHER_MODE_OTHER : CIPHER_MODE_CBC;

        case EVP_CIPH_GCM_MODE:
            return CIPHER_MODE_AEAD;

        case EVP_CIPH_CFB_MODE:
            return CIPHER_MODE_CFB;

        case EVP_CIPH_OFB_MODE:
            return CIPHER_MODE_OFB;

        default:
            if (EVP_CIPHER_get_nid(c) == NID_chacha20_poly1305)
            {
                return CIPHER_MODE_AEAD;
            }
            return CIPHER_MODE_OTHER;
    }
}

/*
 * OpenSSL reports block size 1 for GCM/CFB/OFB; 2.6 reports (and warns
 * about SWEET32 by) the block size of the underlying block cipher, which
 * is that of the same cipher in CBC mode.  ChaCha20 stays a stream cipher.
 */
static size_t
underlying_block_size(const char *name, size_t reported)
{
    char cbc[80];
    const char *dash = strrchr(name, '-');
    size_t bs = reported;

    if (reported != 1 || !dash || (size_t) (dash - name) + 5 > sizeof(cbc))
    {
        return reported;
    }
    snprintf(cbc, sizeof(cbc), "%.*s-CBC", (int) (dash - name), name);
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, cbc, NULL);
    if (c)
    {
        bs = (size_t) EVP_CIPHER_get_block_size(c);
        EVP_CIPHER_free(c);
    }
    ERR_clear_error();
    return bs;
}

static void
fill_info(const EVP_CIPHER *c, struct cipher_info *out)
{
    size_t len;

    canonical_cipher_name(c, out->name, sizeof(out->name));
    out->mode = classify(c);
    len = strlen(out->name);
    if (len > 4 && strcmp(out->name + len - 4, "-CTS") == 0)
    {
        out->mode = CIPHER_MODE_OTHER; /* ciphertext stealing: not OpenVPN's CBC */
    }
    out->key_len = (size_t) EVP_CIPHER_get_key_length(c);
    out->iv_len = (size_t) EVP_CIPHER_get_iv_length(c);
    out->block_size = underlying_block_size(out->name, (size_t) EVP_CIPHER_get_block_size(c));
}

static EVP_CIPHER *
fetch_cipher(const char *name)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);

    if (!c)
    {
        ERR_clear_error();
    }
    return c;
}

bool
crypto_cipher_info(const char *name, struct cipher_info *out)
{
    memset(out, 0, sizeof(*out));
    if (!name)
    {
        return false;
    }
    if (strcasecmp(name, "none") == 0)
    {
        strbcpy(out->name, "none", sizeof(out->name));
        out->mode = CIPHER_MODE_NONE;
        return true;
    }
    EVP_CIPHER *c = fetch_cipher(name);
    if (!c)
    {
        return false;
    }
    fill_info(c, out);
    EVP_CIPHER_free(c);
    return true;
}

bool
crypto_cipher_needs_legacy(const char *name)
{
    /* The ciphers OpenSSL 3 moved to its legacy provider (OpenSSL's
     * migration guide); BF-CBC is 2.6's static-key default. */
    static const char *const prefixes[] = { "BF-",   "CAST5-", "DES-CBC", "DES-CFB", "DES-OFB",
                                            "DESX-", "RC2-",   "RC4",     "SEED-",   "IDEA-" };

    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
    {
        if (strncasecmp(name, prefixes[i], strlen(prefixes[i])) == 0)
        {
            return true;
        }
    }
    return false;
}

static EVP_MD *
fetch_md(const char *name)
{
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);

    if (!md)
    {
        ERR_clear_error();
    }
    return md;
}

static void
canonical_md_name(const EVP_MD *md, char *out, size_t outlen)
{
    int nid = EVP_MD_get_type(md);
    const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;

    strbcpy(out, sn ? sn : EVP_MD_get0_name(md), outlen);
}

bool
crypto_digest_size(const char *name, size_t *out)
{
    *out = 0;
    if (!name)
    {
        return false;
    }
    if (strcasecmp(name, "none") == 0)
    {
        return true;
    }
    EVP_MD *md = fetch_md(name);
    if (!md)
    {
        return false;
    }
    *out = (size_t) EVP_MD_get_size(md);
    EVP_MD_free(md);
    return true;
}

bool
crypto_digest_name(const char *name, char *out, size_t outlen)
{
    if (!name)
    {
        return false;
    }
    if (strcasecmp(name, "none") == 0)
    {
        strbcpy(out, "none", outlen);
        return true;
    }
    EVP_MD *md = fetch_md(name);
    if (!md)
    {
        return false;
    }
    canonical_md_name(md, out, outlen);
    EVP_MD_free(md);
    return true;
}

bool
crypto_rand_bytes(uint8_t *out, size_t n)
{
    if (RAND_bytes(out, (int) n) != 1)
    {
        ERR_clear_error();
        msg(M_NONFATAL, "OpenSSL: RAND_bytes() failed");
        return false;
    }
    return true;
}

bool
crypto_digest(const char *name, const void *in, size_t n, uint8_t *out, size_t *outlen)
{
    EVP_MD *md = fetch_md(name);
    unsigned int len = 0;
    bool ok;

    if (!md)
    {
        return false;
    }
    ok = EVP_Digest(in, n, out, &len, md, NULL) == 1;
    EVP_MD_free(md);
    *outlen = len;
    return ok;
}

bool
crypto_tls1_prf(const uint8_t *secret,
                size_t slen,
                const uint8_t *seed,
                size_t seedlen,
                uint8_t *out,
                size_t olen)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[4];
    bool ok = false;

    if (kctx)
    {
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "MD5-SHA1", 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *) secret, slen);
        params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *) seed, seedlen);
        params[3] = OSSL_PARAM_construct_end();
        ok = EVP_KDF_derive(kctx, out, olen, params) == 1;
    }
    if (!ok)
    {
        ERR_clear_error();
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok;
}

/* --- listings ------------------------------------------------------------ */

#define MAX_LISTED 512

struct cipher_list
{
    struct cipher_info items[MAX_LISTED];
    size_t n;
};

static void
collect_cipher(EVP_CIPHER *c, void *arg)
{
    struct cipher_list *l = arg;
    struct cipher_info info;

    if (l->n >= MAX_LISTED)
    {
        return;
    }
    fill_info(c, &info);
    /* what the data channel can use (doc/protocol.md §6.4 limits) */
    if (info.mode == CIPHER_MODE_OTHER || info.mode == CIPHER_MODE_NONE || info.key_len > 64 ||
        info.block_size > CRYPTO_MAX_BLOCK_LEN || info.iv_len > CRYPTO_MAX_IV_LEN)
    {
        return;
    }
    l->items[l->n++] = info;
}

static int
cmp_cipher(const void *a, const void *b)
{
    return strcmp(((const struct cipher_info *) a)->name, ((const struct cipher_info *) b)->name);
}

static void
print_cipher_line(const struct cipher_info *c)
{
    char block[32];

    if (c->block_size <= 1)
    {
        strbcpy(block, "stream cipher", sizeof(block));
    }
    else
    {
        snprintf(block, sizeof(block), "%zu bit block", c->block_size * 8);
    }
    printf("%s  (%zu bit key, %s%s)\n",
           c->name,
           c->key_len * 8,
           block,
           c->mode == CIPHER_MODE_CBC ? "" : ", TLS client/server mode only");
}

void
crypto_print_ciphers(void)
{
    struct cipher_list *l = xcalloc(1, sizeof(*l));

    EVP_CIPHER_do_all_provided(NULL, collect_cipher, l);
    qsort(l->items, l->n, sizeof(l->items[0]), cmp_cipher);

    printf("The following ciphers and cipher modes are available for use\n"
           "with OpenVPN.  Each cipher shown below may be used as a\n"
           "parameter to the --data-ciphers (or --cipher) option. In static \n"
           "key mode only CBC mode is allowed.\n"
           "See also openssl list -cipher-algorithms\n\n");
    /* two passes: modern block sizes first, then 64-bit blocks (SWEET32) */
    for (int pass = 0; pass < 2; pass++)
    {
        if (pass == 1)
        {
            printf("\nThe following ciphers have a block size of less than 128 bits, \n"
                   "and are therefore deprecated.  Do not use unless you have to.\n\n");
        }
        for (size_t i = 0; i < l->n; i++)
        {
            bool small = l->items[i].block_size > 1 && l->items[i].block_size < 16;

            if (small != (pass == 1) || (i > 0 && cmp_cipher(&l->items[i], &l->items[i - 1]) == 0))
            {
                continue;
            }
            print_cipher_line(&l->items[i]);
        }
    }
    printf("\n");
    free(l);
}

static void
print_digest(EVP_MD *md, void *arg)
{
    char name[64];
    int size = EVP_MD_get_size(md);

    (void) arg;
    if (size < 0 || size > CRYPTO_MAX_DIGEST_LEN)
    {
        return;
    }
    canonical_md_name(md, name, sizeof(name));
    printf("%s %d bit digest size\n", name, size * 8);
}

void
crypto_print_digests(void)
{
    printf("The following message digests are available for use with\n"
           "OpenVPN.  A message digest is used in conjunction with\n"
           "the HMAC function, to authenticate received packets.\n"
           "You can specify a message digest as parameter to\n"
           "the --auth option.\n"
           "See also openssl list -digest-algorithms\n\n");
    EVP_MD_do_all_provided(NULL, print_digest, NULL);
    printf("\n");
}

/* --- cipher contexts ------------------------------------------------------ */

struct crypto_cipher
{
    EVP_CIPHER_CTX *ctx;
    bool encrypt;
};

struct crypto_cipher *
crypto_cipher_new(const char *name, const uint8_t *key, bool encrypt)
{
    EVP_CIPHER *cipher = fetch_cipher(name);
    struct crypto_cipher *c;

    if (!cipher)
    {
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if (c)
    {
        c->encrypt = encrypt;
        c->ctx = EVP_CIPHER_CTX_new();
    }
    if (!c || !c->ctx || EVP_CipherInit_ex2(c->ctx, cipher, key, NULL, encrypt ? 1 : 0, NULL) != 1)
    {
        ERR_clear_error();
        crypto_cipher_free(c);
        c = NULL;
    }
    EVP_CIPHER_free(cipher);
    return c;
}

void
crypto_cipher_free(struct crypto_cipher *c)
{
    if (c)
    {
        EVP_CIPHER_CTX_free(c->ctx); /* cleanses the key schedule */
        free(c);
    }
}

bool
crypto_cipher_rekey(struct crypto_cipher *c, const uint8_t *key)
{
    if (EVP_CipherInit_ex2(c->ctx, NULL, key, NULL, c->encrypt ? 1 : 0, NULL) != 1)
    {
        ERR_clear_error();
        return false;
    }
    return true;
}

bool
crypto_cipher_start(struct crypto_cipher *c, const uint8_t *iv)
{
    return EVP_CipherInit_ex2(c->ctx, NULL, NULL, iv, -1, NULL) == 1;
}

bool
crypto_cipher_aad(struct crypto_cipher *c, const uint8_t *ad, size_t n)
{
    int outl = 0;

    return EVP_CipherUpdate(c->ctx, NULL, &outl, ad, (int) n) == 1;
}

bool
crypto_cipher_update(struct crypto_cipher *c,
                     const uint8_t *in,
                     size_t n,
                     uint8_t *out,
                     size_t *outlen)
{
    int outl = 0;

    *outlen = 0;
    if (n == 0)
    {
        return true;
    }
    if (EVP_CipherUpdate(c->ctx, out, &outl, in, (int) n) != 1)
    {
        ERR_clear_error();
        return false;
    }
    *outlen = (size_t) outl;
    return true;
}

bool
crypto_cipher_finish(struct crypto_cipher *c, uint8_t *out, size_t *outlen)
{
    int outl = 0;

    *outlen = 0;
    if (EVP_CipherFinal_ex(c->ctx, out, &outl) != 1)
    {
        ERR_clear_error(); /* bad padding or tag: the peer's doing, not ours */
        return false;
    }
    *outlen = (size_t) outl;
    return true;
}

bool
crypto_cipher_get_tag(struct crypto_cipher *c, uint8_t *tag, size_t n)
{
    return EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_GET_TAG, (int) n, tag) == 1;
}

bool
crypto_cipher_set_tag(struct crypto_cipher *c, const uint8_t *tag, size_t n)
{
    return EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, (int) n, (void *) tag) == 1;
}

/* --- HMAC contexts -------------------------------------------------------- */

struct crypto_hmac
{
    EVP_MAC_CTX *ctx;
    size_t size;
};

struct crypto_hmac *
crypto_hmac_new(const char *digest, const uint8_t *key, size_t key_len)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    struct crypto_hmac *h = calloc(1, sizeof(*h));
    OSSL_PARAM params[2];
    size_t size = 0;

    if (!mac || !h || !crypto_digest_size(digest, &size) || size == 0)
    {
        goto fail;
    }
    h->size = size;
    h->ctx = EVP_MAC_CTX_new(mac);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!h->ctx || EVP_MAC_init(h->ctx, key, key_len, params) != 1)
    {
        goto fail;
    }
    EVP_MAC_free(mac);
    return h;

fail:
    ERR_clear_error();
    EVP_MAC_free(mac);
    crypto_hmac_free(h);
    return NULL;
}

void
crypto_hmac_free(struct crypto_hmac *h)
{
    if (h)
    {
        EVP_MAC_CTX_free(h->ctx);
        free(h);
    }
}

size_t
crypto_hmac_size(const struct crypto_hmac *h)
{
    return h->size;
}

bool
crypto_hmac_rekey(struct crypto_hmac *h, const uint8_t *key, size_t key_len)
{
    if (EVP_MAC_init(h->ctx, key, key_len, NULL) != 1)
    {
        ERR_clear_error();
        return false;
    }
    return true;
}

bool
crypto_hmac_start(struct crypto_hmac *h)
{
    return EVP_MAC_init(h->ctx, NULL, 0, NULL) == 1;
}

bool
crypto_hmac_update(struct crypto_hmac *h, const uint8_t *in, size_t n)
{
    return EVP_MAC_update(h->ctx, in, n) == 1;
}

bool
crypto_hmac_finish(struct crypto_hmac *h, uint8_t *out)
{
    size_t outl = 0;

    return EVP_MAC_final(h->ctx, out, &outl, h->size) == 1 && outl == h->size;
}
