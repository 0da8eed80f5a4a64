/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comp.c -- compression framing of data-channel payloads (doc/protocol.md §6.9).
 *
 * Three framings exist on the wire, and each algorithm uses one of them:
 *
 *   v1   (comp-lzo, compress lzo):  FA || payload        or  66 || LZO1X data
 *   swap (compress stub, lz4):      FB || p[1:] || p[0]  or  69 || z[1:] || z[0]
 *   v2   (compress stub-v2, lz4-v2): payload as is (escaped with 50 00 when
 *        it starts with 0x50)                            or  50 01 || LZ4 block
 *
 * The "swap" framing moves the first byte to the end so the marker can
 * take its place without shifting the payload; v2 spends no byte at all on
 * the common case because IP packets never start with 0x50.
 *
 * Stub algorithms frame exactly like their real counterparts and never
 * compress; they still decompress a compressed packet when the library is
 * built in, since that costs nothing and only helps a peer that compresses
 * anyway.
 *
 * Tier 1: includes tier-0 headers, wire.h and the backend seam; never a
 * library header (comp_backend.h hides them), never the clock.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "comp.h"
#include "comp_backend.h"
#include "error.h"
#include "wire.h"

/* §6.9: second byte after COMP_V2_INDICATOR */
#define COMP_V2_UNCOMPRESSED 0x00
#define COMP_V2_LZ4          0x01
/*
 * 2.6 escapes a payload starting with 0x50 as 50 0a (it writes an internal
 * algorithm number instead of 0); nothing else can mean 0x0a, so accept it
 * as "uncompressed" to stay interoperable with such senders.
 */
#define COMP_V2_UNCOMPRESSED_26 0x0a

enum framing
{
    FR_NONE,
    FR_V1,
    FR_SWAP,
    FR_V2,
};

enum zalg
{
    Z_NONE,
    Z_LZO,
    Z_LZ4,
};

struct alg_info
{
    const char *name;
    enum framing framing;
    enum zalg zalg;  /* what a "compressed" marker means with this framing */
    bool compresses; /* false for stubs: they only ever frame */
};

/* indexed by enum comp_alg */
static const struct alg_info alg_table[] = {
    [COMP_ALG_NONE] = { "none", FR_NONE, Z_NONE, false },
    [COMP_ALG_LZO_STUB] = { "lzo-stub", FR_V1, Z_LZO, false },
    [COMP_ALG_LZO] = { "lzo", FR_V1, Z_LZO, true },
    [COMP_ALG_STUB] = { "stub", FR_SWAP, Z_LZ4, false },
    [COMP_ALG_LZ4] = { "lz4", FR_SWAP, Z_LZ4, true },
    [COMP_ALG_STUB_V2] = { "stub-v2", FR_V2, Z_LZ4, false },
    [COMP_ALG_LZ4_V2] = { "lz4-v2", FR_V2, Z_LZ4, true },
};

static const struct alg_info *
info(enum comp_alg alg)
{
    ASSERT((size_t) alg < ARRAY_SIZE(alg_table));
    return &alg_table[alg];
}

static bool
z_available(enum zalg z)
{
    switch (z)
    {
        case Z_LZO:
            return lzo_backend_available();
        case Z_LZ4:
            return lz4_backend_available();
        default:
            return false;
    }
}

static size_t
z_bound(enum zalg z, size_t len)
{
    return z == Z_LZO ? lzo_backend_bound(len) : lz4_backend_bound(len);
}

const char *
comp_alg_name(enum comp_alg alg)
{
    if ((size_t) alg >= ARRAY_SIZE(alg_table))
    {
        return "?";
    }
    return alg_table[alg].name;
}

const char *
comp_status_name(enum comp_status st)
{
    switch (st)
    {
        case COMP_OK:
            return "ok";
        case COMP_ERR_FRAMING:
            return "bad compression framing byte";
        case COMP_ERR_DECOMPRESS:
            return "decompression error";
        case COMP_ERR_UNSUPPORTED:
            return "compressed with an algorithm not built in";
    }
    return "?";
}

const char *
comp_lzo_version(void)
{
    return lzo_backend_version();
}

bool
comp_alg_available(enum comp_alg alg)
{
    const struct alg_info *ai = info(alg);

    return !ai->compresses || z_available(ai->zalg);
}

size_t
comp_max_overhead(enum comp_alg alg)
{
    switch (info(alg)->framing)
    {
        case FR_V1:
        case FR_SWAP:
            return 1;
        case FR_V2:
            return 2; /* the 50 00 escape; compressed output is at least 1 byte shorter */
        default:
            return 0;
    }
}

bool
comp_init_sized(struct comp_ctx *c, enum comp_alg alg, bool compress_outgoing, size_t max_payload)
{
    const struct alg_info *ai = info(alg);
    bool have_z = z_available(ai->zalg);

    CLEAR(*c);
    c->alg = alg;
    c->max_payload = max_payload;
    c->compress = compress_outgoing && ai->compresses && have_z;

    if (have_z)
    {
        /* decompression is always possible ("asym"), so its scratch always exists */
        c->recv_scratch = malloc(max_payload);
        if (c->recv_scratch == NULL)
        {
            return false;
        }
    }
    if (c->compress)
    {
        size_t bound = z_bound(ai->zalg, max_payload);

        c->send_scratch = bound ? malloc(bound) : NULL;
        if (c->send_scratch == NULL)
        {
            return false;
        }
        if (ai->zalg == Z_LZO)
        {
            c->workmem = malloc(lzo_backend_workmem_size());
            if (c->workmem == NULL)
            {
                return false;
            }
        }
    }
    return true;
}

bool
comp_init(struct comp_ctx *c, enum comp_alg alg, bool compress_outgoing)
{
    return comp_init_sized(c, alg, compress_outgoing, COMP_DEFAULT_MAX_PAYLOAD);
}

void
comp_free(struct comp_ctx *c)
{
    /* the scratch areas held tunnel plaintext */
    if (c->recv_scratch)
    {
        secure_memzero(c->recv_scratch, c->max_payload);
    }
    if (c->send_scratch)
    {
        secure_memzero(c->send_scratch, z_bound(info(c->alg)->zalg, c->max_payload));
    }
    free(c->recv_scratch);
    free(c->send_scratch);
    free(c->workmem);
    CLEAR(*c);
}

void
comp_set_adaptive(struct comp_ctx *c, bool on)
{
    c->adaptive = on && info(c->alg)->zalg == Z_LZO && info(c->alg)->compresses;
    CLEAR(c->ac);
}

/*
 * Whether an adaptive context may compress the next packet at @p now: the
 * end of a sample period judges it, the end of a pause starts a new one.
 */
static bool
adaptive_allows(struct comp_adaptive *ac, time_t now)
{
    bool was_off = ac->off;

    if (!ac->off && now >= ac->next)
    {
        uint64_t saved = ac->n_total > ac->n_comp ? ac->n_total - ac->n_comp : 0;

        if (ac->n_total > AC_MIN_BYTES && saved < ac->n_total / (100 / AC_SAVE_PCT))
        {
            ac->off = true;
            ac->next = now + AC_OFF_SEC;
        }
        else
        {
            ac->next = now + AC_SAMPLE_SEC;
        }
        msg(D_COMP,
            "lzo_adaptive_compress_test: comp=%" PRIu64 " total=%" PRIu64,
            ac->n_comp,
            ac->n_total);
        ac->n_total = ac->n_comp = 0;
    }
    else if (ac->off && now >= ac->next)
    {
        ac->off = false;
        ac->next = now + AC_SAMPLE_SEC;
        ac->n_total = ac->n_comp = 0;
    }
    if (ac->off != was_off)
    {
        msg(D_COMP_LOW, "Adaptive compression state %s", ac->off ? "OFF" : "ON");
    }
    return !ac->off;
}

/*
 * Compress @p buf into the send scratch area.  True, with *zlen set, only
 * if compression is on, the packet qualifies and the result is smaller.
 */
static bool
try_compress(struct comp_ctx *c,
             struct comp_adaptive *ac,
             const struct buffer *buf,
             size_t *zlen,
             time_t now)
{
    enum zalg z = info(c->alg)->zalg;
    size_t len = buf_len(buf);
    bool ok;

    if (!c->compress || len < COMP_THRESHOLD || (c->adaptive && !adaptive_allows(ac, now)) ||
        len > c->max_payload)
    {
        return false;
    }
    *zlen = z_bound(z, c->max_payload);
    if (z == Z_LZO)
    {
        ok = lzo_backend_compress(buf_ptr(buf), len, c->send_scratch, zlen, c->workmem);
    }
    else
    {
        ok = lz4_backend_compress(buf_ptr(buf), len, c->send_scratch, zlen);
    }
    if (ok && c->adaptive)
    {
        /* what it would have saved, kept or not */
        ac->n_total += len;
        ac->n_comp += *zlen;
    }
    return ok && *zlen > 0 && *zlen < len;
}

/*
 * Replace the content of @p buf by marker(s) + the compressed bytes in the
 * send scratch area.  The caller checked the headroom the markers need;
 * the compressed data is shorter than the payload it replaces.
 */
static void
emit_compressed(struct comp_ctx *c, struct buffer *buf, enum framing fr, size_t zlen)
{
    const uint8_t *z = c->send_scratch;
    uint8_t *p;
    bool ok;

    c->stats.pre_compress += buf_len(buf);
    c->stats.post_compress += zlen;
    ok = buf_chop(buf, buf_len(buf));
    switch (fr)
    {
        case FR_V1:
            p = buf_prepend(buf, 1);
            ASSERT(p);
            p[0] = COMP_LZO_COMPRESS_BYTE;
            ok = ok && buf_write_bytes(buf, z, zlen);
            break;

        case FR_SWAP:
            ok = ok && buf_write_u8(buf, COMP_LZ4_COMPRESS_BYTE) && buf_write_bytes(buf, z + 1, zlen - 1)
                 && buf_write_u8(buf, z[0]);
            break;

        case FR_V2:
            p = buf_prepend(buf, 2);
            ASSERT(p);
            p[0] = COMP_V2_INDICATOR;
            p[1] = COMP_V2_LZ4;
            ok = ok && buf_write_bytes(buf, z, zlen);
            break;

        default:
            ASSERT(0);
    }
    ASSERT(ok); /* shorter than the payload it replaces, in the same storage */
}

/* Headroom the compressed framing of @p fr needs (swap needs none). */
static size_t
compressed_headroom(enum framing fr)
{
    return fr == FR_V1 ? 1 : (fr == FR_V2 ? 2 : 0);
}

bool
comp_compress(struct comp_ctx *c, struct buffer *buf, time_t now)
{
    return comp_compress_ac(c, NULL, buf, now);
}

bool
comp_compress_ac(struct comp_ctx *c, struct comp_adaptive *ac, struct buffer *buf, time_t now)
{
    enum framing fr = info(c->alg)->framing;
    size_t zlen = 0;
    uint8_t *p;

    if (fr == FR_NONE || buf_len(buf) == 0)
    {
        return true; /* nothing to frame: empty payloads go out bare, as in 2.x */
    }
    if (buf_headroom(buf) >= compressed_headroom(fr) &&
        try_compress(c, ac ? ac : &c->ac, buf, &zlen, now))
    {
        emit_compressed(c, buf, fr, zlen);
        return true;
    }

    switch (fr)
    {
        case FR_V1:
            p = buf_prepend(buf, 1);
            if (p == NULL)
            {
                return false;
            }
            p[0] = COMP_NO_COMPRESS_BYTE_LZO;
            return true;

        case FR_SWAP:
            p = buf_ptr(buf);
            if (!buf_write_u8(buf, p[0]))
            {
                return false;
            }
            p[0] = COMP_NO_COMPRESS_BYTE_SWAP;
            return true;

        default: /* FR_V2 */
            if (buf_ptr(buf)[0] != COMP_V2_INDICATOR)
            {
                return true;
            }
            p = buf_prepend(buf, 2);
            if (p == NULL)
            {
                return false;
            }
            p[0] = COMP_V2_INDICATOR;
            p[1] = COMP_V2_UNCOMPRESSED;
            return true;
    }
}

/*
 * @p buf holds compressed data (framing already removed): expand it into
 * the receive scratch area and copy the result back in its place.  The
 * output limit is the smaller of the scratch size and the buffer's room
 * from its current offset, so nothing a peer sends can overflow either.
 */
static enum comp_status
inflate(struct comp_ctx *c, struct buffer *buf, enum zalg z)
{
    size_t room = buf->capacity - buf->offset;
    size_t out = room < c->max_payload ? room : c->max_payload;
    size_t in_len = buf_len(buf);
    bool ok;

    if (c->recv_scratch == NULL || !z_available(z))
    {
        return COMP_ERR_UNSUPPORTED;
    }
    if (z == Z_LZO)
    {
        ok = lzo_backend_decompress(buf_ptr(buf), in_len, c->recv_scratch, &out);
    }
    else
    {
        ok = lz4_backend_decompress(buf_ptr(buf), in_len, c->recv_scratch, &out);
    }
    if (!ok || out == 0)
    {
        return COMP_ERR_DECOMPRESS; /* a real compressed packet is >= COMP_THRESHOLD */
    }
    ok = buf_chop(buf, in_len) && buf_write_bytes(buf, c->recv_scratch, out);
    ASSERT(ok); /* out fits: the backends stop at the frame's payload size */
    c->stats.pre_decompress += in_len;
    c->stats.post_decompress += out;
    return COMP_OK;
}

/* Undo the swap: the byte the sender moved to the end goes back in front. */
static void
unswap(struct buffer *buf)
{
    uint8_t *p = buf_ptr(buf);
    bool ok;

    p[0] = p[buf_len(buf) - 1];
    ok = buf_chop(buf, 1);
    ASSERT(ok);
}

static enum comp_status
decompress_v2(struct comp_ctx *c, struct buffer *buf, enum zalg z)
{
    const uint8_t *p = buf_ptr(buf);

    if (p[0] != COMP_V2_INDICATOR)
    {
        return COMP_OK; /* the common case: an unescaped, uncompressed payload */
    }
    if (buf_len(buf) < 2)
    {
        return COMP_ERR_FRAMING;
    }
    switch (p[1])
    {
        case COMP_V2_UNCOMPRESSED:
        case COMP_V2_UNCOMPRESSED_26:
            (void) buf_advance(buf, 2); /* the length was checked above */
            return COMP_OK;

        case COMP_V2_LZ4:
            (void) buf_advance(buf, 2);
            return inflate(c, buf, z);

        default:
            return COMP_ERR_FRAMING;
    }
}

enum comp_status
comp_decompress(struct comp_ctx *c, struct buffer *buf)
{
    const struct alg_info *ai = info(c->alg);
    uint8_t head;

    if (ai->framing == FR_NONE || !buf_peek_u8(buf, &head))
    {
        return COMP_OK; /* no framing configured, or an empty payload */
    }

    switch (ai->framing)
    {
        case FR_V1:
            if (head != COMP_NO_COMPRESS_BYTE_LZO && head != COMP_LZO_COMPRESS_BYTE)
            {
                return COMP_ERR_FRAMING;
            }
            (void) buf_advance(buf, 1); /* the byte peeked above */
            return head == COMP_LZO_COMPRESS_BYTE ? inflate(c, buf, ai->zalg) : COMP_OK;

        case FR_SWAP:
            if (head != COMP_NO_COMPRESS_BYTE_SWAP && head != COMP_LZ4_COMPRESS_BYTE)
            {
                return COMP_ERR_FRAMING;
            }
            unswap(buf);
            return head == COMP_LZ4_COMPRESS_BYTE ? inflate(c, buf, ai->zalg) : COMP_OK;

        default: /* FR_V2 */
            return decompress_v2(c, buf, ai->zalg);
    }
}
