/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto.c -- data-channel packet protection for one key (doc/protocol.md §6.3,
 * §6.4, §6.5): AEAD (pid | tag | ct), CBC + HMAC (HMAC | IV | E(pid | data
 * | pad)), OFB/CFB (IV built from the long packet id), cipher none and
 * auth none.  Replay protection through packet_id (§6.6).
 *
 * Decrypt order is fixed: shape check, then authentication (HMAC in
 * constant time, or the AEAD tag), then decryption, then the replay test;
 * the replay window only learns ids of packets that passed all of it.
 *
 * Tier 2: crypto_backend.h, packet_id.h, tier 0.  No OpenSSL headers, no
 * clock reads; nothing here allocates after data_crypto_init().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "strutil.h"

#define ERR_RL_WINDOW 10 /* seconds */
#define ERR_RL_BURST  5  /* decrypt-error lines per window */

const char *
crypto_status_str(enum crypto_status s)
{
    switch (s)
    {
        case CRYPTO_OK:
            return "ok";

        case CRYPTO_ERR_SHORT:
            return "packet too short or malformed";

        case CRYPTO_ERR_AUTH:
            return "packet HMAC authentication failed";

        case CRYPTO_ERR_DECRYPT:
            return "cipher final failed";

        case CRYPTO_ERR_REPLAY:
            return "bad packet ID (may be a replay)";

        case CRYPTO_ERR_PACKET_ID:
            return "error reading packet-id";
    }
    return "unknown";
}

static bool
is_aead(const struct data_crypto *dc)
{
    return dc->cipher.mode == CIPHER_MODE_AEAD;
}

static bool
is_stream_iv(const struct data_crypto *dc)
{
    return dc->cipher.mode == CIPHER_MODE_CFB || dc->cipher.mode == CIPHER_MODE_OFB;
}

/* Long form when configured (static key) and always for OFB/CFB (§6.4). */
static size_t
pid_len(const struct data_crypto *dc)
{
    if (is_aead(dc))
    {
        return PACKET_ID_SHORT_LEN;
    }
    if (!dc->replay && !is_stream_iv(dc))
    {
        return 0; /* --no-replay: 2.6 sends no packet id at all (CBC and none) */
    }
    return dc->long_packet_id || is_stream_iv(dc) ? PACKET_ID_LONG_LEN : PACKET_ID_SHORT_LEN;
}

static bool
check_cipher(struct data_crypto *dc, const char *name)
{
    if (!crypto_cipher_info(name, &dc->cipher))
    {
        if (crypto_cipher_needs_legacy(name))
        {
            msg(M_NONFATAL,
                "Cipher %s not supported: it is only in OpenSSL's legacy provider. Load it with "
                "'--providers legacy default', or choose a modern cipher, e.g. "
                "'--cipher AES-256-CBC' on both peers",
                name);
        }
        else
        {
            msg(M_NONFATAL, "Cipher %s not supported", name);
        }
        return false;
    }
    if (dc->cipher.mode == CIPHER_MODE_OTHER || dc->cipher.key_len > MAX_CIPHER_KEY_LENGTH ||
        dc->cipher.block_size > CRYPTO_MAX_BLOCK_LEN || dc->cipher.iv_len > CRYPTO_MAX_IV_LEN ||
        (is_aead(dc) && dc->cipher.iv_len != 12))
    {
        msg(M_NONFATAL, "Cipher '%s' mode not supported", dc->cipher.name);
        return false;
    }
    if (dc->cipher.block_size > 1 && dc->cipher.block_size < 16)
    {
        msg(M_WARN,
            "WARNING: INSECURE cipher (%s) with block size less than 128 bit (%zu bit).  This "
            "allows attacks like SWEET32.  Mitigate by using a --cipher with a larger block "
            "size (e.g. AES-256-CBC). Support for these insecure ciphers will be removed in "
            "OpenVPN 2.7.",
            dc->cipher.name,
            dc->cipher.block_size * 8);
    }
    return true;
}

static bool
check_auth(struct data_crypto *dc, const char *name)
{
    if (is_aead(dc))
    {
        strbcpy(dc->auth_name, "none", sizeof(dc->auth_name));
        return true;
    }
    if (!crypto_digest_name(name, dc->auth_name, sizeof(dc->auth_name)) ||
        !crypto_digest_size(name, &dc->hmac_len))
    {
        msg(M_NONFATAL, "Message hash algorithm '%s' not found", name);
        return false;
    }
    if (dc->hmac_len > MAX_HMAC_KEY_LENGTH)
    {
        msg(M_NONFATAL,
            "Message hash algorithm '%s' has a digest larger than %d bytes",
            name,
            MAX_HMAC_KEY_LENGTH);
        return false;
    }
    return true;
}

static void
show_key(const char *dir, const char *what, const char *kind, const uint8_t *k, size_t n)
{
    char hex[3 * MAX_CIPHER_KEY_LENGTH + 1];

    if (msg_test(D_SHOW_KEYS))
    {
        hex_format(hex, k, n, ' ');
        msg(D_SHOW_KEYS, "%s %s: %s KEY: %s", dir, what, kind, hex);
    }
}

static bool
init_dir(struct data_crypto *dc,
         struct data_crypto_dir *d,
         const struct key *key,
         bool encrypt,
         const char *what)
{
    const char *dir = encrypt ? "Outgoing" : "Incoming";

    if (dc->cipher.mode != CIPHER_MODE_NONE)
    {
        d->cipher = crypto_cipher_new(dc->cipher.name, key->cipher, encrypt);
        if (!d->cipher)
        {
            msg(M_NONFATAL, "%s %s: cannot initialise cipher '%s'", dir, what, dc->cipher.name);
            return false;
        }
        msg(D_INIT_MEDIUM,
            "%s %s: Cipher '%s' initialized with %zu bit key",
            dir,
            what,
            dc->cipher.name,
            dc->cipher.key_len * 8);
        show_key(dir, what, "CIPHER", key->cipher, dc->cipher.key_len);
    }
    if (is_aead(dc))
    {
        memcpy(d->implicit_iv, key->hmac, sizeof(d->implicit_iv)); /* §6.3 */
        return true;
    }
    if (dc->hmac_len > 0)
    {
        d->hmac = crypto_hmac_new(dc->auth_name, key->hmac, dc->hmac_len);
        if (!d->hmac)
        {
            msg(M_NONFATAL, "%s %s: cannot initialise HMAC '%s'", dir, what, dc->auth_name);
            return false;
        }
        msg(D_INIT_MEDIUM,
            "%s %s: Using %zu bit message hash '%s' for HMAC authentication",
            dir,
            what,
            dc->hmac_len * 8,
            dc->auth_name);
        show_key(dir, what, "HMAC", key->hmac, dc->hmac_len);
    }
    return true;
}

bool
data_crypto_init(struct data_crypto *dc,
                 const struct crypto_config *cfg,
                 const struct key *send,
                 const struct key *recv,
                 const char *what)
{
    memset(dc, 0, sizeof(*dc));
    dc->long_packet_id = cfg->long_packet_id;
    dc->replay = cfg->replay;
    dc->mute_replay_warnings = cfg->mute_replay_warnings;
    for (size_t i = 0; i < ARRAY_SIZE(dc->err_rl); i++)
    {
        ratelimit_init(&dc->err_rl[i], ERR_RL_WINDOW, ERR_RL_BURST);
    }
    if (!check_cipher(dc, cfg->cipher) || !check_auth(dc, cfg->auth ? cfg->auth : "none"))
    {
        return false;
    }
    if (!packet_id_rec_init(&dc->pid_rec, cfg->replay_window, cfg->replay_time))
    {
        msg(M_NONFATAL,
            "replay window %d/%d out of range (0..%d)",
            cfg->replay_window,
            cfg->replay_time,
            PACKET_ID_WINDOW_MAX);
        return false;
    }
    if (!init_dir(dc, &dc->enc, send, true, what) || !init_dir(dc, &dc->dec, recv, false, what))
    {
        data_crypto_free(dc);
        return false;
    }
    return true;
}

void
data_crypto_free(struct data_crypto *dc)
{
    crypto_cipher_free(dc->enc.cipher);
    crypto_cipher_free(dc->dec.cipher);
    crypto_hmac_free(dc->enc.hmac);
    crypto_hmac_free(dc->dec.hmac);
    packet_id_rec_free(&dc->pid_rec);
    secure_memzero(dc, sizeof(*dc));
}

size_t
data_crypto_pid_len(const struct data_crypto *dc)
{
    return pid_len(dc);
}

size_t
data_crypto_max_overhead(const struct data_crypto *dc)
{
    switch (dc->cipher.mode)
    {
        case CIPHER_MODE_AEAD:
            return PACKET_ID_SHORT_LEN + AEAD_TAG_LEN;

        case CIPHER_MODE_CBC:
            /* padding adds 1..block_size bytes */
            return dc->hmac_len + dc->cipher.iv_len + pid_len(dc) + dc->cipher.block_size;

        case CIPHER_MODE_CFB:
        case CIPHER_MODE_OFB:
            return dc->hmac_len + dc->cipher.iv_len;

        default:
            return dc->hmac_len + pid_len(dc);
    }
}

/* Run the cipher over @p in, appending to @p out (tailroom checked by the caller). */
static bool
cipher_append(struct crypto_cipher *c, const uint8_t *in, size_t n, struct buffer *out)
{
    size_t w = 0;

    if (!crypto_cipher_update(c, in, n, buf_end(out), &w))
    {
        return false;
    }
    out->len += w;
    return true;
}

static bool
cipher_final(struct crypto_cipher *c, struct buffer *out)
{
    size_t w = 0;

    if (!crypto_cipher_finish(c, buf_end(out), &w))
    {
        return false;
    }
    out->len += w;
    return true;
}

static bool
encrypt_aead(struct data_crypto *dc,
             const struct buffer *plain,
             struct buffer *out,
             const uint8_t *ad_hdr,
             size_t ad_hdr_len,
             uint32_t id)
{
    uint8_t nonce[12];
    uint8_t *pid = buf_write_alloc(out, PACKET_ID_SHORT_LEN);
    uint8_t *tag = buf_write_alloc(out, AEAD_TAG_LEN);

    store_be32(pid, id);
    memcpy(nonce, pid, PACKET_ID_SHORT_LEN);
    memcpy(nonce + PACKET_ID_SHORT_LEN, dc->enc.implicit_iv, AEAD_IMPLICIT_IV_LEN);
    return crypto_cipher_start(dc->enc.cipher, nonce) &&
           (ad_hdr_len == 0 || crypto_cipher_aad(dc->enc.cipher, ad_hdr, ad_hdr_len)) &&
           crypto_cipher_aad(dc->enc.cipher, pid, PACKET_ID_SHORT_LEN) &&
           cipher_append(dc->enc.cipher, buf_ptr(plain), buf_len(plain), out) &&
           cipher_final(dc->enc.cipher, out) &&
           crypto_cipher_get_tag(dc->enc.cipher, tag, AEAD_TAG_LEN);
}

/* CBC, CFB/OFB and none: everything after the HMAC field. */
static bool
encrypt_body(struct data_crypto *dc,
             const struct buffer *plain,
             struct buffer *out,
             const uint8_t pidbuf[PACKET_ID_LONG_LEN])
{
    size_t plen = pid_len(dc);
    uint8_t *iv;

    switch (dc->cipher.mode)
    {
        case CIPHER_MODE_CBC:
            iv = buf_write_alloc(out, dc->cipher.iv_len);
            return crypto_rand_bytes(iv, dc->cipher.iv_len) &&
                   crypto_cipher_start(dc->enc.cipher, iv) &&
                   cipher_append(dc->enc.cipher, pidbuf, plen, out) &&
                   cipher_append(dc->enc.cipher, buf_ptr(plain), buf_len(plain), out) &&
                   cipher_final(dc->enc.cipher, out);

        case CIPHER_MODE_CFB:
        case CIPHER_MODE_OFB:
            /* §6.4: IV = id || time || zeros, no packet id inside */
            iv = buf_write_alloc(out, dc->cipher.iv_len);
            memset(iv, 0, dc->cipher.iv_len);
            memcpy(iv, pidbuf, PACKET_ID_LONG_LEN);
            return crypto_cipher_start(dc->enc.cipher, iv) &&
                   cipher_append(dc->enc.cipher, buf_ptr(plain), buf_len(plain), out) &&
                   cipher_final(dc->enc.cipher, out);

        default:
            return buf_write_bytes(out, pidbuf, plen) &&
                   buf_write_bytes(out, buf_ptr(plain), buf_len(plain));
    }
}

bool
data_crypto_encrypt(struct data_crypto *dc,
                    const struct buffer *plain,
                    struct buffer *out,
                    const uint8_t *ad_hdr,
                    size_t ad_hdr_len,
                    time_t now_wall)
{
    const size_t start = out->len;
    uint8_t pidbuf[PACKET_ID_LONG_LEN];
    uint32_t id = 0, time = 0;
    bool ok;

    if (buf_tailroom(out) < buf_len(plain) + data_crypto_max_overhead(dc))
    {
        return false;
    }
    if (!packet_id_send_next(
          &dc->pid_send, pid_len(dc) == PACKET_ID_LONG_LEN, now_wall, &id, &time))
    {
        msg(D_CRYPT_ERRORS, "Encrypt: packet ID roll over; a new key is needed");
        return false;
    }
    if (is_aead(dc))
    {
        ok = encrypt_aead(dc, plain, out, ad_hdr, ad_hdr_len, id);
    }
    else
    {
        uint8_t *mac = buf_write_alloc(out, dc->hmac_len);

        store_be32(pidbuf, id);
        store_be32(pidbuf + 4, time);
        ok = encrypt_body(dc, plain, out, pidbuf);
        if (ok && dc->enc.hmac)
        {
            /* §6.4: HMAC over IV || ciphertext (or pid || data), never the header */
            const uint8_t *body = mac + dc->hmac_len;

            ok = crypto_hmac_start(dc->enc.hmac) &&
                 crypto_hmac_update(dc->enc.hmac, body, (size_t) (buf_end(out) - body)) &&
                 crypto_hmac_finish(dc->enc.hmac, mac);
        }
    }
    if (!ok)
    {
        out->len = start;
        msg(D_CRYPT_ERRORS, "Encrypt: cipher failure");
        return false;
    }
    dc->n_encrypted++;
    return true;
}

/* AEAD: pid[4] | tag[16] | ct (§6.3). */
static enum crypto_status
decrypt_aead(struct data_crypto *dc,
             const uint8_t *p,
             size_t len,
             struct buffer *out,
             const uint8_t *ad_hdr,
             size_t ad_hdr_len,
             uint32_t *id)
{
    const size_t hdr = PACKET_ID_SHORT_LEN + AEAD_TAG_LEN;
    uint8_t nonce[12];

    if (len <= hdr || buf_tailroom(out) < len - hdr + CRYPTO_MAX_BLOCK_LEN)
    {
        return CRYPTO_ERR_SHORT;
    }
    memcpy(nonce, p, PACKET_ID_SHORT_LEN);
    memcpy(nonce + PACKET_ID_SHORT_LEN, dc->dec.implicit_iv, AEAD_IMPLICIT_IV_LEN);
    if (!crypto_cipher_start(dc->dec.cipher, nonce) ||
        (ad_hdr_len > 0 && !crypto_cipher_aad(dc->dec.cipher, ad_hdr, ad_hdr_len)) ||
        !crypto_cipher_aad(dc->dec.cipher, p, PACKET_ID_SHORT_LEN) ||
        !crypto_cipher_set_tag(dc->dec.cipher, p + PACKET_ID_SHORT_LEN, AEAD_TAG_LEN) ||
        !cipher_append(dc->dec.cipher, p + hdr, len - hdr, out) ||
        !cipher_final(dc->dec.cipher, out))
    {
        return CRYPTO_ERR_AUTH;
    }
    *id = load_be32(p);
    return CRYPTO_OK;
}

/* Shape of the part after the HMAC, checked before any crypto. */
static bool
body_shape_ok(const struct data_crypto *dc, size_t n, const struct buffer *out)
{
    size_t iv = dc->cipher.iv_len, bs = dc->cipher.block_size;

    switch (dc->cipher.mode)
    {
        case CIPHER_MODE_CBC:
            return n > iv && (n - iv) % bs == 0 && buf_tailroom(out) >= n - iv + bs;

        case CIPHER_MODE_CFB:
        case CIPHER_MODE_OFB:
            return n >= iv && buf_tailroom(out) >= n - iv + bs;

        default:
            return n >= pid_len(dc) && buf_tailroom(out) >= n;
    }
}

/* After the HMAC check: decrypt (or copy) into @p out and take the packet id off. */
static enum crypto_status
decrypt_body(struct data_crypto *dc,
             const uint8_t *p,
             size_t n,
             struct buffer *out,
             uint32_t *id,
             uint32_t *time)
{
    size_t iv = dc->cipher.iv_len, plen = pid_len(dc);

    switch (dc->cipher.mode)
    {
        case CIPHER_MODE_CBC:
            if (!crypto_cipher_start(dc->dec.cipher, p) ||
                !cipher_append(dc->dec.cipher, p + iv, n - iv, out) ||
                !cipher_final(dc->dec.cipher, out))
            {
                return CRYPTO_ERR_DECRYPT;
            }
            if (buf_len(out) < plen)
            {
                return CRYPTO_ERR_PACKET_ID;
            }
            break;

        case CIPHER_MODE_CFB:
        case CIPHER_MODE_OFB:
            *id = load_be32(p);
            *time = load_be32(p + 4);
            if (!crypto_cipher_start(dc->dec.cipher, p) ||
                !cipher_append(dc->dec.cipher, p + iv, n - iv, out) ||
                !cipher_final(dc->dec.cipher, out))
            {
                return CRYPTO_ERR_DECRYPT;
            }
            return CRYPTO_OK;

        default:
            memcpy(buf_end(out), p, n);
            out->len += n;
            break;
    }
    *id = plen ? load_be32(buf_ptr(out)) : 0;
    *time = plen == PACKET_ID_LONG_LEN ? load_be32(buf_ptr(out) + 4) : 0;
    buf_advance(out, plen);
    return CRYPTO_OK;
}

static enum crypto_status
decrypt_hmac(struct data_crypto *dc,
             const uint8_t *p,
             size_t len,
             struct buffer *out,
             uint32_t *id,
             uint32_t *time)
{
    uint8_t mac[CRYPTO_MAX_DIGEST_LEN];
    size_t h = dc->hmac_len;

    /* Like 2.6: authenticate whatever follows the HMAC first, and judge the
     * shape of the body only once it is known to come from the peer. */
    if (len < h)
    {
        return CRYPTO_ERR_SHORT;
    }
    if (dc->dec.hmac)
    {
        if (!crypto_hmac_start(dc->dec.hmac) || !crypto_hmac_update(dc->dec.hmac, p + h, len - h) ||
            !crypto_hmac_finish(dc->dec.hmac, mac) || memcmp_consttime(mac, p, h) != 0)
        {
            return CRYPTO_ERR_AUTH;
        }
    }
    if (!body_shape_ok(dc, len - h, out))
    {
        return CRYPTO_ERR_SHORT;
    }
    return decrypt_body(dc, p + h, len - h, out, id, time);
}

/* " / time = (T) YYYY-MM-DD HH:MM:SS" for a long packet id, as 2.6 prints
 * the sender's timestamp (local time); nothing for a short one. */
static void
format_pid_time(uint32_t time, char *out, size_t n)
{
    time_t t = (time_t) time;
    struct tm tm;
    char date[32];

    out[0] = '\0';
    if (time == 0)
    {
        return;
    }
    if (!localtime_r(&t, &tm) || strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm) == 0)
    {
        date[0] = '\0';
    }
    snprintf(out, n, " / time = (%u) %s", time, date);
}

/* 2.6 names the mode in the prefix, and a failed AEAD tag check is a
 * "cipher final failed" there, not an HMAC failure. */
static void
log_failure(struct data_crypto *dc,
            enum crypto_status st,
            uint32_t id,
            uint32_t time,
            time_t now_mono)
{
    const char *prefix = is_aead(dc) ? "AEAD Decrypt error" : "Authenticate/Decrypt packet error";
    char when[64];

    if ((size_t)st >= ARRAY_SIZE(dc->err_rl) || !ratelimit_allow(&dc->err_rl[st], now_mono))
    {
        return;
    }
    if (st == CRYPTO_ERR_REPLAY)
    {
        if (dc->mute_replay_warnings)
        {
            return;
        }
        format_pid_time(time, when, sizeof(when));
        msg(D_REPLAY_ERRORS,
            "%s: bad packet ID (may be a replay): [ #%u%s ] -- see the man page entry for "
            "--no-replay and --replay-window for more info or silence this warning with "
            "--mute-replay-warnings",
            prefix,
            id,
            when);
        return;
    }
    if (st == CRYPTO_ERR_AUTH && is_aead(dc))
    {
        st = CRYPTO_ERR_DECRYPT;
    }
    msg(D_CRYPT_ERRORS, "%s: %s", prefix, crypto_status_str(st));
}

enum crypto_status
data_crypto_decrypt(struct data_crypto *dc,
                    const struct buffer *in,
                    struct buffer *out,
                    const uint8_t *ad_hdr,
                    size_t ad_hdr_len,
                    time_t now_wall,
                    time_t now_mono,
                    uint32_t *pid_out)
{
    const size_t start_off = out->offset, start_len = out->len;
    uint32_t id = 0, time = 0;
    enum crypto_status st;

    (void) now_wall;
    ASSERT(buf_len(out) == 0);
    if (is_aead(dc))
    {
        st = decrypt_aead(dc, buf_ptr(in), buf_len(in), out, ad_hdr, ad_hdr_len, &id);
    }
    else
    {
        st = decrypt_hmac(dc, buf_ptr(in), buf_len(in), out, &id, &time);
    }
    if (st == CRYPTO_OK && dc->replay)
    {
        if (!packet_id_test(&dc->pid_rec, id, time))
        {
            st = CRYPTO_ERR_REPLAY;
        }
        else
        {
            packet_id_add(&dc->pid_rec, id, time, now_mono);
            if (now_mono - dc->pid_rec.last_reap >= PACKET_ID_REAP_SECS)
            {
                packet_id_reap(&dc->pid_rec, now_mono);
            }
        }
    }
    if (st != CRYPTO_OK)
    {
        out->offset = start_off;
        out->len = start_len;
        dc->n_auth_fail += st == CRYPTO_ERR_AUTH;
        dc->n_replay += st == CRYPTO_ERR_REPLAY;
        dc->n_short += st == CRYPTO_ERR_SHORT;
        log_failure(dc, st, id, time, now_mono);
        return st;
    }
    dc->n_decrypted++;
    if (pid_out)
    {
        *pid_out = id;
    }
    return CRYPTO_OK;
}
