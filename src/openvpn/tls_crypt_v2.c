/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls_crypt_v2.c -- tls-crypt-v2 key files, WKc wrap/unwrap and the
 * per-side contexts (doc/protocol.md §2.5; the contract is in tls_crypt_v2.h).
 *
 * The PEM files are read line by line like static key files: text before
 * the BEGIN line is ignored, between BEGIN and END only base64 characters
 * and whitespace are allowed, END must be present, and every complaint
 * names FILE:LINE.
 *
 * Tier 2: tls_wrap.h, static_key.h, crypto_backend.h, tier 0.  No OpenSSL,
 * no clock reads (the key generation time is a parameter).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"
#include "static_key.h"
#include "strutil.h"
#include "tls_crypt_v2.h"

#define SRV_PEM_NAME  "OpenVPN tls-crypt-v2 server key"
#define CLI_PEM_NAME  "OpenVPN tls-crypt-v2 client key"
#define PEM_LINE      64    /* base64 characters per line in files we write */
#define KEY_FILE_MAX  65536 /* a client key file is ~1.8 KiB at most */
#define CLI_RAW_MAX   (TLS_CRYPT_V2_CLIENT_KEY_LEN + TLS_CRYPT_V2_MAX_WKC_LEN)
#define PEM_TEXT_MAX  (2 * CLI_RAW_MAX + 256) /* base64 + line breaks + armour */
#define B64_MAX_INPUT ((CLI_RAW_MAX + 2) / 3 * 4)

struct tls_crypt_v2_server
{
    struct crypto_hmac *hmac;     /* Ka = Ks.hmac[0:32] */
    struct crypto_cipher *cipher; /* Ke = Ks.cipher[0:32], AES-256-CTR */
};

/* --- PEM reading --------------------------------------------------------- */

struct pem_parse
{
    const char *what; /* "tls-crypt-v2 server key" for messages */
    const char *origin;
    int line;
    char begin[80];
    char end[80];
    int state; /* 0 before BEGIN, 1 inside, 2 after END */
    char b64[B64_MAX_INPUT + 1];
    size_t n;
};

static bool
pem_line(struct pem_parse *ps, const char *p, size_t len)
{
    if (ps->state == 0)
    {
        ps->state = line_is(p, len, ps->begin) ? 1 : 0;
        return true;
    }
    if (ps->state == 2)
    {
        return true; /* text after END is ignored, as before BEGIN */
    }
    if (line_is(p, len, ps->end))
    {
        ps->state = 2;
        return true;
    }
    for (size_t i = 0; i < len; i++)
    {
        if (isspace((unsigned char) p[i]))
        {
            continue;
        }
        if (base64_value(p[i]) < 0 && p[i] != '=')
        {
            msg(M_NONFATAL,
                "%s:%d: %s: invalid character '%c' (base64 expected)",
                ps->origin,
                ps->line,
                ps->what,
                isprint((unsigned char) p[i]) ? p[i] : '?');
            return false;
        }
        if (ps->n >= B64_MAX_INPUT)
        {
            msg(M_NONFATAL, "%s:%d: %s: key too long", ps->origin, ps->line, ps->what);
            return false;
        }
        ps->b64[ps->n++] = p[i];
    }
    return true;
}

/*
 * Decode the PEM block @p name in @p text into @p out (capacity @p cap).
 * Logs "origin:line: what: ..." on any error.
 */
static bool
pem_read_text(const char *text,
              const char *name,
              const char *what,
              const char *origin,
              int origin_line,
              uint8_t *out,
              size_t cap,
              size_t *out_len)
{
    struct pem_parse *ps = xcalloc(1, sizeof(*ps));
    bool ok = true;

    ps->what = what;
    ps->origin = origin ? origin : "[inline]";
    ps->line = origin_line;
    snprintf(ps->begin, sizeof(ps->begin), "-----BEGIN %s-----", name);
    snprintf(ps->end, sizeof(ps->end), "-----END %s-----", name);
    for (const char *p = text; ok && *p;)
    {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);

        ok = pem_line(ps, p, len);
        if (!nl)
        {
            break;
        }
        p = nl + 1;
        if (*p && ps->state != 2)
        {
            ps->line++;
        }
    }
    if (ok && ps->state != 2)
    {
        msg(M_NONFATAL,
            "%s:%d: %s: '%s' %s",
            ps->origin,
            ps->line,
            what,
            ps->state == 0 ? ps->begin : ps->end,
            ps->state == 0 ? "not found" : "missing");
        ok = false;
    }
    if (ok && !base64_decode(ps->b64, out, cap, out_len))
    {
        msg(M_NONFATAL, "%s:%d: %s: invalid base64 or key too long", ps->origin, ps->line, what);
        ok = false;
    }
    secure_memzero(ps, sizeof(*ps));
    free(ps);
    return ok;
}

/* Read a whole key file into a NUL-terminated heap string (caller wipes and frees). */
static char *
read_text_file(const char *path, const char *what)
{
    char *text = xcalloc(1, KEY_FILE_MAX + 1);
    FILE *f = fopen(path, "r");
    size_t len = 0;
    bool ok = false;

    if (!f)
    {
        msg(M_NONFATAL | M_ERRNO, "Cannot open %s file '%s'", what, path);
    }
    else
    {
        len = fread(text, 1, KEY_FILE_MAX + 1, f);
        ok = !ferror(f) && len <= KEY_FILE_MAX && !memchr(text, '\0', len);
        fclose(f);
        if (!ok)
        {
            msg(M_NONFATAL, "%s:1: %s: file unreadable, too large or binary", path, what);
        }
    }
    if (!ok)
    {
        secure_memzero(text, KEY_FILE_MAX + 1);
        free(text);
        return NULL;
    }
    return text;
}

bool
tls_crypt_v2_read_server_key_text(const char *text,
                                  const char *origin,
                                  int origin_line,
                                  struct key *out)
{
    uint8_t raw[TLS_CRYPT_V2_SERVER_KEY_LEN + 3];
    size_t len = 0;
    const char *what = "tls-crypt-v2 server key";
    bool ok = pem_read_text(text, SRV_PEM_NAME, what, origin, origin_line, raw, sizeof(raw), &len);

    memset(out, 0, sizeof(*out));
    if (ok && len != TLS_CRYPT_V2_SERVER_KEY_LEN)
    {
        msg(M_NONFATAL,
            "%s:%d: %s: %zu bytes of key material, need %d",
            origin ? origin : "[inline]",
            origin_line,
            what,
            len,
            TLS_CRYPT_V2_SERVER_KEY_LEN);
        ok = false;
    }
    if (ok)
    {
        memcpy(out->cipher, raw, sizeof(out->cipher));
        memcpy(out->hmac, raw + sizeof(out->cipher), sizeof(out->hmac));
    }
    secure_memzero(raw, sizeof(raw));
    return ok;
}

/* The end of reading a key file: the text wiped and freed, the key (@p n
 * bytes at @p out) wiped unless it was read; returns @p ok. */
static bool
key_file_read_done(char *text, bool ok, void *out, size_t n)
{
    if (text)
    {
        secure_memzero(text, strlen(text));
        free(text);
    }
    if (!ok)
    {
        secure_memzero(out, n);
    }
    return ok;
}

bool
tls_crypt_v2_read_server_key_file(const char *path, struct key *out)
{
    char *text = read_text_file(path, "tls-crypt-v2 server key");
    bool ok = text && tls_crypt_v2_read_server_key_text(text, path, 1, out);

    return key_file_read_done(text, ok, out, sizeof(*out));
}

bool
tls_crypt_v2_read_client_key_text(const char *text,
                                  const char *origin,
                                  int origin_line,
                                  struct tls_crypt_v2_client_key *out)
{
    uint8_t *raw = xcalloc(1, CLI_RAW_MAX + 3);
    size_t len = 0;
    size_t wkc_len = 0;
    const char *what = "tls-crypt-v2 client key";
    bool ok = pem_read_text(text, CLI_PEM_NAME, what, origin, origin_line, raw, CLI_RAW_MAX, &len);

    memset(out, 0, sizeof(*out));
    if (ok && len >= TLS_CRYPT_V2_CLIENT_KEY_LEN + TLS_CRYPT_V2_MIN_WKC_LEN)
    {
        wkc_len = load_be16(raw + len - 2);
    }
    /* §2.5: WKc ends with its own length; anything else is not a client key */
    if (ok && (wkc_len < TLS_CRYPT_V2_MIN_WKC_LEN || wkc_len != len - TLS_CRYPT_V2_CLIENT_KEY_LEN))
    {
        msg(M_NONFATAL,
            "%s:%d: %s: %zu bytes do not hold a client key and its wrapped copy",
            origin ? origin : "[inline]",
            origin_line,
            what,
            len);
        ok = false;
    }
    if (ok)
    {
        out->kc.n = 2;
        memcpy(out->kc.keys, raw, TLS_CRYPT_V2_CLIENT_KEY_LEN);
        memcpy(out->wkc, raw + TLS_CRYPT_V2_CLIENT_KEY_LEN, wkc_len);
        out->wkc_len = wkc_len;
    }
    secure_memzero(raw, CLI_RAW_MAX + 3);
    free(raw);
    return ok;
}

bool
tls_crypt_v2_read_client_key_file(const char *path, struct tls_crypt_v2_client_key *out)
{
    char *text = read_text_file(path, "tls-crypt-v2 client key");
    bool ok = text && tls_crypt_v2_read_client_key_text(text, path, 1, out);

    return key_file_read_done(text, ok, out, sizeof(*out));
}

/* --- PEM writing --------------------------------------------------------- */

/* Render raw bytes as a PEM block into a heap string (caller wipes and frees). */
static char *
pem_render(const char *name, const uint8_t *raw, size_t n, size_t *text_len)
{
    char *b64 = xcalloc(1, base64_len(n) + 1);
    char *text = xcalloc(1, PEM_TEXT_MAX);
    size_t b64_len;
    size_t pos;

    base64_encode(raw, n, b64);
    b64_len = strlen(b64);
    pos = (size_t) snprintf(text, PEM_TEXT_MAX, "-----BEGIN %s-----\n", name);
    for (size_t i = 0; i < b64_len; i += PEM_LINE)
    {
        size_t chunk = b64_len - i < PEM_LINE ? b64_len - i : PEM_LINE;

        memcpy(text + pos, b64 + i, chunk);
        pos += chunk;
        text[pos++] = '\n';
    }
    pos += (size_t) snprintf(text + pos, PEM_TEXT_MAX - pos, "-----END %s-----\n", name);
    secure_memzero(b64, b64_len);
    free(b64);
    *text_len = pos;
    return text;
}

static bool
write_pem_file(const char *path, const char *name, const uint8_t *raw, size_t n)
{
    size_t len = 0;
    char *text = pem_render(name, raw, n, &len);
    bool ok = key_file_write_text(path, text, len);

    secure_memzero(text, PEM_TEXT_MAX);
    free(text);
    return ok;
}

bool
tls_crypt_v2_genkey_server(const char *path)
{
    uint8_t raw[TLS_CRYPT_V2_SERVER_KEY_LEN];
    bool ok =
      crypto_rand_bytes(raw, sizeof(raw)) && write_pem_file(path, SRV_PEM_NAME, raw, sizeof(raw));

    secure_memzero(raw, sizeof(raw));
    return ok;
}

/* --- WKc ----------------------------------------------------------------- */

struct tls_crypt_v2_server *
tls_crypt_v2_server_new(const struct key *ks)
{
    struct tls_crypt_v2_server *srv = xcalloc(1, sizeof(*srv));

    srv->hmac = crypto_hmac_new("SHA256", ks->hmac, TLS_CRYPT_TAG_LEN);
    srv->cipher = crypto_cipher_new("AES-256-CTR", ks->cipher, true);
    if (!srv->hmac || !srv->cipher)
    {
        msg(M_NONFATAL, "ERROR: --tls-crypt-v2 not supported");
        tls_crypt_v2_server_free(srv);
        return NULL;
    }
    return srv;
}

void
tls_crypt_v2_server_free(struct tls_crypt_v2_server *srv)
{
    if (!srv)
    {
        return;
    }
    crypto_hmac_free(srv->hmac);
    crypto_cipher_free(srv->cipher);
    free(srv);
}

/* AES-256-CTR with IV = tag[0:16]; the same call encrypts and decrypts. */
static bool
ctr(struct crypto_cipher *c, const uint8_t *tag, const uint8_t *in, size_t n, uint8_t *out)
{
    uint8_t scratch[64];
    size_t len = 0;
    size_t fin = 0;
    bool ok = crypto_cipher_start(c, tag) && crypto_cipher_update(c, in, n, out, &len) &&
              len == n && crypto_cipher_finish(c, scratch, &fin) && fin == 0;

    secure_memzero(scratch, sizeof(scratch));
    return ok;
}

/* T = HMAC-SHA256(Ka, L || Kc || metadata) over the plaintext @p pt of @p n bytes. */
static bool
wkc_tag(struct tls_crypt_v2_server *srv,
        const uint8_t len_be[2],
        const uint8_t *pt,
        size_t n,
        uint8_t *tag)
{
    return crypto_hmac_start(srv->hmac) && crypto_hmac_update(srv->hmac, len_be, 2) &&
           crypto_hmac_update(srv->hmac, pt, n) && crypto_hmac_finish(srv->hmac, tag);
}

bool
tls_crypt_v2_wrap_client_key(struct tls_crypt_v2_server *srv,
                             const struct key2 *kc,
                             const uint8_t *metadata,
                             size_t metadata_len,
                             uint8_t *wkc,
                             size_t *wkc_len)
{
    uint8_t pt[TLS_CRYPT_V2_CLIENT_KEY_LEN + TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t pt_len = TLS_CRYPT_V2_CLIENT_KEY_LEN + metadata_len;
    size_t total = TLS_CRYPT_TAG_LEN + pt_len + TLS_CRYPT_V2_LEN_LEN;
    uint8_t len_be[2];
    bool ok;

    store_be16(len_be, (uint16_t) total);
    *wkc_len = 0;
    if (kc->n != 2 || metadata_len < 1 || metadata_len > TLS_CRYPT_V2_MAX_METADATA_LEN)
    {
        msg(M_NONFATAL,
            "tls-crypt-v2: cannot wrap a client key with %zu bytes of metadata",
            metadata_len);
        return false;
    }
    memcpy(pt, kc->keys, TLS_CRYPT_V2_CLIENT_KEY_LEN);
    memcpy(pt + TLS_CRYPT_V2_CLIENT_KEY_LEN, metadata, metadata_len);
    ok = wkc_tag(srv, len_be, pt, pt_len, wkc) &&
         ctr(srv->cipher, wkc, pt, pt_len, wkc + TLS_CRYPT_TAG_LEN);
    if (ok)
    {
        memcpy(wkc + TLS_CRYPT_TAG_LEN + pt_len, len_be, sizeof(len_be));
        *wkc_len = total;
    }
    else
    {
        msg(M_NONFATAL, "ERROR: could not wrap generated client key");
        secure_memzero(wkc, total);
    }
    secure_memzero(pt, sizeof(pt));
    return ok;
}

enum tls_wrap_result
tls_crypt_v2_unwrap_client_key(struct tls_crypt_v2_server *srv,
                               const uint8_t *wkc,
                               size_t len,
                               struct key2 *kc,
                               uint8_t *metadata,
                               size_t *metadata_len)
{
    uint8_t pt[TLS_CRYPT_V2_MAX_WKC_LEN];
    uint8_t check[TLS_CRYPT_TAG_LEN];
    size_t pt_len;
    enum tls_wrap_result r = TLS_WRAP_ERR_WKC;

    memset(kc, 0, sizeof(*kc));
    *metadata_len = 0;
    if (len < TLS_CRYPT_V2_MIN_WKC_LEN)
    {
        return TLS_WRAP_ERR_SHORT;
    }
    /* §2.5: L covers the whole WKc; a bigger WKc than 1024 is never ours */
    if (len > TLS_CRYPT_V2_MAX_WKC_LEN || load_be16(wkc + len - 2) != len)
    {
        return TLS_WRAP_ERR_WKC;
    }
    pt_len = len - TLS_CRYPT_TAG_LEN - TLS_CRYPT_V2_LEN_LEN;
    if (!ctr(srv->cipher, wkc, wkc + TLS_CRYPT_TAG_LEN, pt_len, pt) ||
        !wkc_tag(srv, wkc + len - 2, pt, pt_len, check))
    {
        r = TLS_WRAP_ERR_CRYPTO;
    }
    else if (memcmp_consttime(check, wkc, TLS_CRYPT_TAG_LEN) == 0)
    {
        kc->n = 2;
        memcpy(kc->keys, pt, TLS_CRYPT_V2_CLIENT_KEY_LEN);
        *metadata_len = pt_len - TLS_CRYPT_V2_CLIENT_KEY_LEN;
        memcpy(metadata, pt + TLS_CRYPT_V2_CLIENT_KEY_LEN, *metadata_len);
        r = TLS_WRAP_OK;
    }
    secure_memzero(pt, sizeof(pt));
    secure_memzero(check, sizeof(check));
    return r;
}

/* --- --genkey tls-crypt-v2-client ---------------------------------------- */

static bool
build_metadata(const char *b64, time_t now_wall, uint8_t *md, size_t *md_len)
{
    size_t n = 0;

    if (!b64)
    {
        uint64_t t = (uint64_t) now_wall;

        md[0] = TLS_CRYPT_V2_METADATA_TYPE_TIMESTAMP;
        for (int i = 0; i < 8; i++)
        {
            md[1 + i] = (uint8_t) (t >> (56 - 8 * i));
        }
        *md_len = 9;
        return true;
    }
    /* decode into a buffer larger than the limit so "too long" can say by how much */
    uint8_t *tmp = xcalloc(1, strlen(b64) / 4 * 3 + 3);
    bool ok = base64_decode(b64, tmp, strlen(b64) / 4 * 3 + 3, &n);

    if (!ok)
    {
        msg(M_NONFATAL, "ERROR: failed to base64 decode provided metadata");
    }
    else if (n > TLS_CRYPT_V2_MAX_METADATA_LEN - 1)
    {
        msg(M_NONFATAL,
            "ERROR: metadata too long (%zu bytes, max %d bytes)",
            n,
            TLS_CRYPT_V2_MAX_METADATA_LEN - 1);
        ok = false;
    }
    else
    {
        md[0] = TLS_CRYPT_V2_METADATA_TYPE_USER;
        memcpy(md + 1, tmp, n);
        *md_len = n + 1;
    }
    secure_memzero(tmp, strlen(b64) / 4 * 3 + 3);
    free(tmp);
    return ok;
}

/* Sanity check of a freshly written key: read it back and unwrap it. */
static bool
check_client_text(struct tls_crypt_v2_server *srv, const char *text, const struct key2 *kc)
{
    struct tls_crypt_v2_client_key *ck = xcalloc(1, sizeof(*ck));
    struct key2 back;
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    size_t md_len = 0;
    bool ok = tls_crypt_v2_read_client_key_text(text, "[generated]", 1, ck) &&
              tls_crypt_v2_unwrap_client_key(srv, ck->wkc, ck->wkc_len, &back, md, &md_len) ==
                TLS_WRAP_OK &&
              memcmp(back.keys, kc->keys, sizeof(kc->keys)) == 0;

    secure_memzero(ck, sizeof(*ck));
    secure_memzero(&back, sizeof(back));
    free(ck);
    return ok;
}

bool
tls_crypt_v2_genkey_client(const char *path,
                           const struct key *server_key,
                           const char *b64_metadata,
                           time_t now_wall)
{
    uint8_t md[TLS_CRYPT_V2_MAX_METADATA_LEN];
    uint8_t raw[CLI_RAW_MAX];
    struct key2 kc = { .n = 2 };
    struct tls_crypt_v2_server *srv = NULL;
    size_t md_len = 0;
    size_t wkc_len = 0;
    size_t text_len = 0;
    char *text = NULL;
    bool ok = false;

    if (!build_metadata(b64_metadata, now_wall, md, &md_len))
    {
        goto out;
    }
    srv = tls_crypt_v2_server_new(server_key);
    if (!srv || !crypto_rand_bytes((uint8_t *) kc.keys, sizeof(kc.keys)) ||
        !tls_crypt_v2_wrap_client_key(
          srv, &kc, md, md_len, raw + TLS_CRYPT_V2_CLIENT_KEY_LEN, &wkc_len))
    {
        goto out;
    }
    memcpy(raw, kc.keys, TLS_CRYPT_V2_CLIENT_KEY_LEN);
    text = pem_render(CLI_PEM_NAME, raw, TLS_CRYPT_V2_CLIENT_KEY_LEN + wkc_len, &text_len);
    if (!check_client_text(srv, text, &kc))
    {
        msg(M_NONFATAL, "ERROR: generated tls-crypt-v2 client key does not unwrap");
        goto out;
    }
    ok = key_file_write_text(path, text, text_len);

out:
    if (text)
    {
        secure_memzero(text, PEM_TEXT_MAX);
        free(text);
    }
    tls_crypt_v2_server_free(srv);
    secure_memzero(&kc, sizeof(kc));
    secure_memzero(raw, sizeof(raw));
    secure_memzero(md, sizeof(md));
    return ok;
}

/* --- packets and contexts ------------------------------------------------ */

bool
tls_crypt_v2_split(const struct buffer *wire, struct buffer *pkt, struct buffer *wkc)
{
    size_t n = buf_len(wire);
    const uint8_t *p = buf_ptr(wire);
    size_t wkc_len;

    if (n < 1 + TLS_CRYPT_V2_LEN_LEN)
    {
        return false;
    }
    wkc_len = (size_t) p[n - 2] << 8 | p[n - 1];
    if (wkc_len < TLS_CRYPT_V2_LEN_LEN || wkc_len > n - 1)
    {
        return false;
    }
    *pkt = buf_view((uint8_t *) p, n - wkc_len);
    *wkc = buf_view((uint8_t *) p + n - wkc_len, wkc_len);
    return true;
}

bool
tls_crypt_v2_is_early_neg_id(uint32_t replay_id)
{
    return (replay_id & TLS_CRYPT_V2_EARLY_NEG_MASK) == TLS_CRYPT_V2_EARLY_NEG_START;
}

/* Split @p wire and unwrap its WKc into @p kc and @p metadata (wiped on failure). */
static enum tls_wrap_result
unwrap_from_wire(struct tls_crypt_v2_server *srv,
                 const struct buffer *wire,
                 struct key2 *kc,
                 uint8_t *metadata,
                 size_t *metadata_len)
{
    struct buffer pkt;
    struct buffer wkc;

    *metadata_len = 0;
    if (!tls_crypt_v2_split(wire, &pkt, &wkc))
    {
        return TLS_WRAP_ERR_WKC;
    }
    return tls_crypt_v2_unwrap_client_key(
      srv, buf_ptr(&wkc), buf_len(&wkc), kc, metadata, metadata_len);
}

struct tls_wrap_ctx *
tls_crypt_v2_server_ctx_new(struct tls_crypt_v2_server *srv,
                            const struct buffer *wire,
                            int replay_window,
                            int replay_time,
                            uint8_t *metadata,
                            size_t *metadata_len,
                            enum tls_wrap_result *result)
{
    struct key2 kc;
    struct tls_wrap_ctx *ctx = NULL;

    *result = unwrap_from_wire(srv, wire, &kc, metadata, metadata_len);
    if (*result == TLS_WRAP_OK)
    {
        ctx = tls_wrap_new_crypt(&kc, true, replay_window, replay_time);
        *result = ctx ? TLS_WRAP_OK : TLS_WRAP_ERR_CRYPTO;
    }
    if (ctx)
    {
        tls_wrap_set_v2_server(ctx);
    }
    else
    {
        secure_memzero(metadata, *metadata_len);
        *metadata_len = 0;
    }
    secure_memzero(&kc, sizeof(kc));
    return ctx;
}

struct tls_wrap_ctx *
tls_crypt_v2_server_ctx_blank(void)
{
    struct key2 none = { .n = 2 };
    struct tls_wrap_ctx *ctx =
      tls_wrap_new_crypt(&none, true, TLS_WRAP_DEFAULT_REPLAY_WINDOW, TLS_WRAP_DEFAULT_REPLAY_TIME);

    if (ctx)
    {
        tls_wrap_set_v2_server(ctx);
    }
    return ctx;
}

enum tls_wrap_result
tls_crypt_v2_server_ctx_load(struct tls_crypt_v2_server *srv,
                             struct tls_wrap_ctx *ctx,
                             const struct buffer *wire,
                             uint8_t *metadata,
                             size_t *metadata_len)
{
    struct key2 kc;
    enum tls_wrap_result r = unwrap_from_wire(srv, wire, &kc, metadata, metadata_len);

    if (r == TLS_WRAP_OK && !tls_wrap_rekey_crypt(ctx, &kc, true))
    {
        secure_memzero(metadata, *metadata_len);
        *metadata_len = 0;
        r = TLS_WRAP_ERR_CRYPTO;
    }
    secure_memzero(&kc, sizeof(kc));
    return r;
}

struct tls_wrap_ctx *
tls_crypt_v2_client_ctx_new(const struct tls_crypt_v2_client_key *ck,
                            int replay_window,
                            int replay_time)
{
    struct tls_wrap_ctx *ctx = tls_wrap_new_crypt(&ck->kc, false, replay_window, replay_time);

    if (ctx && !tls_wrap_set_wkc(ctx, ck->wkc, ck->wkc_len))
    {
        tls_wrap_free(ctx);
        return NULL;
    }
    if (ctx)
    {
        /* §2.5: the V3 reset carries 0x0f000001, announcing early negotiation */
        tls_wrap_set_last_send_id(ctx, TLS_CRYPT_V2_EARLY_NEG_START);
    }
    return ctx;
}
