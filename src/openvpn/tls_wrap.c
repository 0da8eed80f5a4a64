/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls_wrap.c -- tls-auth and tls-crypt wrapping of control packets
 * (doc/protocol.md §2.3, §2.4; the contract is in tls_wrap.h).
 *
 * Both wrappings keep byte0 and the sender's session id in clear at the
 * front and insert their fields right after them, so both are written as
 * "copy 9 bytes, add fields, process the rest".  The MAC is always computed
 * over a pseudo packet built by feeding the pieces in the order the
 * protocol defines, never by moving bytes around in the packet.
 *
 * Tier 2: crypto_backend.h, static_key.h, packet_id.h, tier 0.  No OpenSSL,
 * no clock reads, no allocation after the constructors.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "basic.h"
#include "crypto_backend.h"
#include "error.h"
#include "packet_id.h"
#include "tls_wrap.h"

#define CLEAR_LEN   (1 + SID_SIZE) /* byte0 | own sid: never wrapped */
#define CTR_CIPHER  "AES-256-CTR"
#define CRYPT_HMAC  "SHA256"
#define SCRATCH_LEN 64 /* room for a cipher "finish" (CTR writes nothing there) */

struct tls_wrap_ctx
{
    enum tls_wrap_mode mode;
    struct key2 original; /* for dynamic tls-crypt (§2.6) */
    size_t mac_len;       /* H for tls-auth, 32 for tls-crypt */
    struct crypto_hmac *send_hmac;
    struct crypto_hmac *recv_hmac;
    struct crypto_cipher *send_cipher; /* tls-crypt only */
    struct crypto_cipher *recv_cipher;
    struct packet_id_send pid_send; /* long form: id + session start time */
    struct packet_id_rec pid_rec;
    bool v2_server;
    size_t wkc_len;
    uint8_t wkc[TLS_CRYPT_V2_MAX_WKC_LEN];
    struct tls_wrap_stats stats;
};

/* --- construction -------------------------------------------------------- */

static struct tls_wrap_ctx *
ctx_alloc(enum tls_wrap_mode mode, const struct key2 *key, int replay_window, int replay_time)
{
    struct tls_wrap_ctx *ctx = calloc(1, sizeof(*ctx));

    if (!ctx)
    {
        msg(M_NONFATAL, "tls-wrap: out of memory");
        return NULL;
    }
    ctx->mode = mode;
    ctx->original = *key;
    if (!packet_id_rec_init(&ctx->pid_rec, replay_window, replay_time))
    {
        msg(M_NONFATAL, "tls-wrap: invalid replay window %d %d", replay_window, replay_time);
        tls_wrap_free(ctx);
        return NULL;
    }
    return ctx;
}

struct tls_wrap_ctx *
tls_wrap_new_auth(const struct key2 *key,
                  int direction,
                  const char *digest,
                  int replay_window,
                  int replay_time)
{
    const struct key *send;
    const struct key *recv;
    struct tls_wrap_ctx *ctx;
    size_t h = 0;

    digest = digest ? digest : TLS_AUTH_DEFAULT_DIGEST;
    if (!crypto_digest_size(digest, &h) || h == 0 || h > MAX_HMAC_KEY_LENGTH)
    {
        msg(M_NONFATAL, "tls-auth: digest '%s' cannot be used for the HMAC firewall", digest);
        return NULL;
    }
    if (key->n < 1 || key->n > 2 || (direction != -1 && key->n != 2))
    {
        msg(M_NONFATAL,
            "tls-auth: a key direction needs a key file with two keys (this one has %d)",
            key->n);
        return NULL;
    }
    ctx = ctx_alloc(TLS_WRAP_AUTH, key, replay_window, replay_time);
    if (!ctx)
    {
        return NULL;
    }
    static_key_select(key, direction, &send, &recv);
    ctx->mac_len = h;
    ctx->send_hmac = crypto_hmac_new(digest, send->hmac, h);
    ctx->recv_hmac = crypto_hmac_new(digest, recv->hmac, h);
    if (!ctx->send_hmac || !ctx->recv_hmac)
    {
        msg(M_NONFATAL, "tls-auth: cannot set up HMAC-%s", digest);
        tls_wrap_free(ctx);
        return NULL;
    }
    return ctx;
}

struct tls_wrap_ctx *
tls_wrap_new_crypt(const struct key2 *key, bool server, int replay_window, int replay_time)
{
    struct cipher_info ci;
    struct tls_wrap_ctx *ctx;
    const struct key *send;
    const struct key *recv;

    if (key->n != 2)
    {
        msg(M_NONFATAL, "tls-crypt: the key file must hold two keys (this one has %d)", key->n);
        return NULL;
    }
    /* CTR is a stream mode: update writes exactly its input length, so the
     * output needs no block of slack (ctr_apply checks the count) (§2.4) */
    if (!crypto_cipher_info(CTR_CIPHER, &ci) || ci.key_len != TLS_CRYPT_KEY_LEN ||
        ci.iv_len != TLS_CRYPT_IV_LEN)
    {
        msg(M_NONFATAL, "ERROR: --tls-crypt requires AES-256-CTR support.");
        return NULL;
    }
    ctx = ctx_alloc(TLS_WRAP_CRYPT, key, replay_window, replay_time);
    if (!ctx)
    {
        return NULL;
    }
    /* §2.4: server sends with keys[0], client with keys[1]; no key-direction */
    static_key_select(key, server ? 0 : 1, &send, &recv);
    ctx->mac_len = TLS_CRYPT_TAG_LEN;
    ctx->send_hmac = crypto_hmac_new(CRYPT_HMAC, send->hmac, TLS_CRYPT_TAG_LEN);
    ctx->recv_hmac = crypto_hmac_new(CRYPT_HMAC, recv->hmac, TLS_CRYPT_TAG_LEN);
    ctx->send_cipher = crypto_cipher_new(CTR_CIPHER, send->cipher, true);
    ctx->recv_cipher = crypto_cipher_new(CTR_CIPHER, recv->cipher, false);
    if (!ctx->send_hmac || !ctx->recv_hmac || !ctx->send_cipher || !ctx->recv_cipher)
    {
        msg(M_NONFATAL, "tls-crypt: cannot set up AES-256-CTR / HMAC-SHA256");
        tls_wrap_free(ctx);
        return NULL;
    }
    return ctx;
}

void
tls_wrap_free(struct tls_wrap_ctx *ctx)
{
    if (!ctx)
    {
        return;
    }
    crypto_hmac_free(ctx->send_hmac);
    crypto_hmac_free(ctx->recv_hmac);
    crypto_cipher_free(ctx->send_cipher);
    crypto_cipher_free(ctx->recv_cipher);
    packet_id_rec_free(&ctx->pid_rec);
    secure_memzero(ctx, sizeof(*ctx));
    free(ctx);
}

bool
tls_wrap_rekey_crypt(struct tls_wrap_ctx *ctx, const struct key2 *key, bool server)
{
    const struct key *send;
    const struct key *recv;

    if (ctx->mode != TLS_WRAP_CRYPT || key->n != 2)
    {
        return false;
    }
    static_key_select(key, server ? 0 : 1, &send, &recv);
    ctx->original = *key;
    memset(&ctx->pid_send, 0, sizeof(ctx->pid_send));
    return crypto_hmac_rekey(ctx->send_hmac, send->hmac, TLS_CRYPT_TAG_LEN) &&
           crypto_hmac_rekey(ctx->recv_hmac, recv->hmac, TLS_CRYPT_TAG_LEN) &&
           crypto_cipher_rekey(ctx->send_cipher, send->cipher) &&
           crypto_cipher_rekey(ctx->recv_cipher, recv->cipher);
}

enum tls_wrap_mode
tls_wrap_get_mode(const struct tls_wrap_ctx *ctx)
{
    return ctx->mode;
}

size_t
tls_wrap_overhead(const struct tls_wrap_ctx *ctx)
{
    return ctx ? ctx->mac_len + PACKET_ID_LONG_LEN : 0;
}

const struct key2 *
tls_wrap_original_key(const struct tls_wrap_ctx *ctx)
{
    return &ctx->original;
}

void
tls_wrap_set_last_send_id(struct tls_wrap_ctx *ctx, uint32_t last_id)
{
    ctx->pid_send.id = last_id;
}

bool
tls_wrap_set_wkc(struct tls_wrap_ctx *ctx, const uint8_t *wkc, size_t len)
{
    if (ctx->mode != TLS_WRAP_CRYPT || len > sizeof(ctx->wkc))
    {
        return false;
    }
    memcpy(ctx->wkc, wkc, len);
    ctx->wkc_len = len;
    return true;
}

void
tls_wrap_set_v2_server(struct tls_wrap_ctx *ctx)
{
    ctx->v2_server = true;
}

const struct tls_wrap_stats *
tls_wrap_get_stats(const struct tls_wrap_ctx *ctx)
{
    return &ctx->stats;
}

const char *
tls_wrap_result_str(enum tls_wrap_result r)
{
    switch (r)
    {
        case TLS_WRAP_OK:
            return "ok";
        case TLS_WRAP_ERR_SHORT:
            return "packet too short";
        case TLS_WRAP_ERR_AUTH:
            return "packet authentication failed";
        case TLS_WRAP_ERR_REPLAY:
            return "packet replay";
        case TLS_WRAP_ERR_NO_ROOM:
            return "output buffer too small";
        case TLS_WRAP_ERR_WKC:
            return "bad tls-crypt-v2 wrapped client key";
        case TLS_WRAP_ERR_CRYPTO:
            return "crypto library error";
    }
    return "unknown error";
}

/* --- helpers ------------------------------------------------------------- */

static uint8_t
opcode_of(const uint8_t *pkt)
{
    return (uint8_t) (pkt[0] >> P_OPCODE_SHIFT);
}

static bool
carries_wkc(uint8_t opcode)
{
    return opcode == P_CONTROL_HARD_RESET_CLIENT_V3 || opcode == P_CONTROL_WKC_V1;
}

/* HMAC over up to three pieces; the order is the protocol's pseudo packet. */
static bool
mac3(struct crypto_hmac *h,
     const uint8_t *a,
     size_t alen,
     const uint8_t *b,
     size_t blen,
     const uint8_t *c,
     size_t clen,
     uint8_t *out)
{
    return crypto_hmac_start(h) && crypto_hmac_update(h, a, alen) &&
           crypto_hmac_update(h, b, blen) && crypto_hmac_update(h, c, clen) &&
           crypto_hmac_finish(h, out);
}

/* AES-256-CTR of @p n bytes with IV = tag[0:16]; encryption and decryption alike. */
static bool
ctr_apply(struct crypto_cipher *c, const uint8_t *tag, const uint8_t *in, size_t n, uint8_t *out)
{
    uint8_t scratch[SCRATCH_LEN];
    size_t len = 0;
    size_t fin = 0;
    bool ok = crypto_cipher_start(c, tag) && crypto_cipher_update(c, in, n, out, &len) &&
              len == n && crypto_cipher_finish(c, scratch, &fin) && fin == 0;

    secure_memzero(scratch, sizeof(scratch));
    return ok;
}

bool
tls_wrap_peek_replay_id(const struct tls_wrap_ctx *ctx,
                        const struct buffer *wire,
                        uint32_t *id,
                        uint32_t *time)
{
    /* tls-auth puts the HMAC before the packet id, tls-crypt the tag after it */
    size_t off = CLEAR_LEN + (ctx->mode == TLS_WRAP_AUTH ? ctx->mac_len : 0);

    if (buf_len(wire) < off + PACKET_ID_LONG_LEN)
    {
        return false;
    }
    *id = load_be32(buf_ptr(wire) + off);
    *time = load_be32(buf_ptr(wire) + off + 4);
    return true;
}

/* --- wrap ---------------------------------------------------------------- */

/* §2.3: byte0 | sid | HMAC[H] | id | time | rest;  HMAC(id | time | byte0 | sid | rest) */
static bool
wrap_auth(struct tls_wrap_ctx *ctx, const uint8_t *in, size_t n, uint8_t *out, const uint8_t *pid)
{
    uint8_t *mac = out + CLEAR_LEN;

    memcpy(out, in, CLEAR_LEN);
    memcpy(mac + ctx->mac_len, pid, PACKET_ID_LONG_LEN);
    memcpy(mac + ctx->mac_len + PACKET_ID_LONG_LEN, in + CLEAR_LEN, n - CLEAR_LEN);
    return mac3(
      ctx->send_hmac, pid, PACKET_ID_LONG_LEN, in, CLEAR_LEN, in + CLEAR_LEN, n - CLEAR_LEN, mac);
}

/* §2.4: header(17) | TAG | CTR(rest);  TAG = HMAC-SHA256(header | rest), IV = TAG[0:16] */
static bool
wrap_crypt(struct tls_wrap_ctx *ctx, const uint8_t *in, size_t n, uint8_t *out, const uint8_t *pid)
{
    uint8_t *tag = out + TLS_CRYPT_HEADER_LEN;

    memcpy(out, in, CLEAR_LEN);
    memcpy(out + CLEAR_LEN, pid, PACKET_ID_LONG_LEN);
    return mac3(ctx->send_hmac,
                out,
                TLS_CRYPT_HEADER_LEN,
                in + CLEAR_LEN,
                n - CLEAR_LEN,
                NULL,
                0,
                tag) &&
           ctr_apply(ctx->send_cipher, tag, in + CLEAR_LEN, n - CLEAR_LEN, tag + TLS_CRYPT_TAG_LEN);
}

bool
tls_wrap_wrap(struct tls_wrap_ctx *ctx,
              const struct buffer *plain,
              struct buffer *out,
              time_t now_wall)
{
    const uint8_t *in = buf_ptr(plain);
    size_t n = buf_len(plain);
    size_t extra;
    uint8_t pid[PACKET_ID_LONG_LEN];
    uint32_t id;
    uint32_t time;
    uint8_t *dst;
    bool ok;

    if (!ctx)
    {
        return buf_write_bytes(out, in, n);
    }
    if (n < CLEAR_LEN)
    {
        msg(M_NONFATAL, "tls-wrap: control packet of %zu bytes is too short to wrap", n);
        return false;
    }
    extra = ctx->wkc_len > 0 && carries_wkc(opcode_of(in)) ? ctx->wkc_len : 0;
    if (buf_tailroom(out) < n + tls_wrap_overhead(ctx) + extra)
    {
        msg(M_NONFATAL, "tls-wrap: no room to wrap a %zu-byte control packet", n);
        return false;
    }
    if (!packet_id_send_next(&ctx->pid_send, true, now_wall, &id, &time))
    {
        msg(D_TLS_ERRORS, "TLS Error: control channel packet ID roll over");
        return false;
    }
    store_be32(pid, id);
    store_be32(pid + 4, time);
    dst = buf_end(out);
    ok = ctx->mode == TLS_WRAP_AUTH ? wrap_auth(ctx, in, n, dst, pid)
                                    : wrap_crypt(ctx, in, n, dst, pid);
    if (!ok)
    {
        secure_memzero(dst, n + tls_wrap_overhead(ctx));
        msg(D_CRYPT_ERRORS, "tls-wrap: crypto library error while wrapping");
        return false;
    }
    memcpy(dst + n + tls_wrap_overhead(ctx), ctx->wkc, extra);
    uint8_t *written = buf_write_alloc(out, n + tls_wrap_overhead(ctx) + extra);

    ASSERT(written == dst); /* the bytes just filled in at the end of out */
    ctx->stats.wrapped++;
    return true;
}

/* --- unwrap -------------------------------------------------------------- */

static enum tls_wrap_result
unwrap_auth(struct tls_wrap_ctx *ctx, const uint8_t *in, size_t n, uint8_t *out)
{
    const uint8_t *mac = in + CLEAR_LEN;
    const uint8_t *pid = mac + ctx->mac_len;
    const uint8_t *rest = pid + PACKET_ID_LONG_LEN;
    size_t rest_len = n - (size_t) (rest - in);
    uint8_t check[CRYPTO_MAX_DIGEST_LEN];
    enum tls_wrap_result r = TLS_WRAP_OK;

    if (!mac3(ctx->recv_hmac, pid, PACKET_ID_LONG_LEN, in, CLEAR_LEN, rest, rest_len, check))
    {
        r = TLS_WRAP_ERR_CRYPTO;
    }
    else if (memcmp_consttime(check, mac, ctx->mac_len) != 0)
    {
        r = TLS_WRAP_ERR_AUTH;
    }
    else
    {
        memcpy(out, in, CLEAR_LEN);
        memcpy(out + CLEAR_LEN, rest, rest_len);
    }
    secure_memzero(check, sizeof(check));
    return r;
}

static enum tls_wrap_result
unwrap_crypt(struct tls_wrap_ctx *ctx, const uint8_t *in, size_t n, uint8_t *out)
{
    const uint8_t *tag = in + TLS_CRYPT_HEADER_LEN;
    size_t ct_len = n - TLS_CRYPT_MIN_LEN;
    uint8_t check[TLS_CRYPT_TAG_LEN];
    enum tls_wrap_result r = TLS_WRAP_OK;

    memcpy(out, in, CLEAR_LEN);
    if (!ctr_apply(ctx->recv_cipher, tag, tag + TLS_CRYPT_TAG_LEN, ct_len, out + CLEAR_LEN) ||
        !mac3(ctx->recv_hmac, in, TLS_CRYPT_HEADER_LEN, out + CLEAR_LEN, ct_len, NULL, 0, check))
    {
        r = TLS_WRAP_ERR_CRYPTO;
    }
    else if (memcmp_consttime(check, tag, TLS_CRYPT_TAG_LEN) != 0)
    {
        r = TLS_WRAP_ERR_AUTH;
    }
    if (r != TLS_WRAP_OK)
    {
        /* unauthenticated plaintext must not linger in the caller's buffer */
        secure_memzero(out, CLEAR_LEN + ct_len);
    }
    secure_memzero(check, sizeof(check));
    return r;
}

/* tls-crypt-v2 server: V3 / WKC_V1 carry a WKc after the tls-crypt packet (§2.5). */
static bool
strip_wkc(const struct tls_wrap_ctx *ctx, const uint8_t *in, size_t *n)
{
    size_t wkc_len;

    if (!ctx->v2_server || *n < 1 || !carries_wkc(opcode_of(in)))
    {
        return true;
    }
    if (*n < 2)
    {
        return false;
    }
    wkc_len = (size_t) in[*n - 2] << 8 | in[*n - 1];
    if (wkc_len < 2 || wkc_len > *n - 1)
    {
        return false;
    }
    *n -= wkc_len;
    return true;
}

static enum tls_wrap_result
count(struct tls_wrap_ctx *ctx, enum tls_wrap_result r)
{
    switch (r)
    {
        case TLS_WRAP_OK:
            ctx->stats.unwrapped++;
            break;
        case TLS_WRAP_ERR_SHORT:
        case TLS_WRAP_ERR_WKC:
            ctx->stats.dropped_short++;
            break;
        case TLS_WRAP_ERR_AUTH:
            ctx->stats.dropped_auth++;
            break;
        case TLS_WRAP_ERR_REPLAY:
            ctx->stats.dropped_replay++;
            break;
        default:
            break;
    }
    return r;
}

enum tls_wrap_result
tls_wrap_unwrap(struct tls_wrap_ctx *ctx,
                const struct buffer *wire,
                struct buffer *out,
                unsigned int flags,
                time_t now_mono)
{
    const uint8_t *in = buf_ptr(wire);
    size_t n = buf_len(wire);
    size_t min;
    size_t plain_len;
    uint32_t id;
    uint32_t time;
    enum tls_wrap_result r;

    if (!ctx)
    {
        return buf_write_bytes(out, in, n) ? TLS_WRAP_OK : TLS_WRAP_ERR_NO_ROOM;
    }
    if (!strip_wkc(ctx, in, &n))
    {
        return count(ctx, TLS_WRAP_ERR_WKC);
    }
    min = CLEAR_LEN + tls_wrap_overhead(ctx);
    if (n < min)
    {
        return count(ctx, TLS_WRAP_ERR_SHORT);
    }
    plain_len = n - tls_wrap_overhead(ctx);
    if (buf_tailroom(out) < plain_len)
    {
        return TLS_WRAP_ERR_NO_ROOM;
    }
    r = ctx->mode == TLS_WRAP_AUTH ? unwrap_auth(ctx, in, n, buf_end(out))
                                   : unwrap_crypt(ctx, in, n, buf_end(out));
    if (r != TLS_WRAP_OK)
    {
        return count(ctx, r);
    }
    struct buffer view = buf_view((uint8_t *) in, n);
    bool has_id = tls_wrap_peek_replay_id(ctx, &view, &id, &time);

    ASSERT(has_id); /* the unwrap above parsed the same header */
    if (!(flags & TLS_UNWRAP_NO_REPLAY))
    {
        /* §2.3/§2.4: only an authentic packet may move the window */
        if (!packet_id_test(&ctx->pid_rec, id, time))
        {
            secure_memzero(buf_end(out), plain_len);
            return count(ctx, TLS_WRAP_ERR_REPLAY);
        }
        packet_id_add(&ctx->pid_rec, id, time, now_mono);
        if (now_mono - ctx->pid_rec.last_reap >= PACKET_ID_REAP_SECS)
        {
            packet_id_reap(&ctx->pid_rec, now_mono);
        }
    }
    uint8_t *plain = buf_write_alloc(out, plain_len);

    ASSERT(plain); /* the unwrap wrote there: the room was checked */
    return count(ctx, TLS_WRAP_OK);
}
