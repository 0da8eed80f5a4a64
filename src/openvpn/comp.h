/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comp.h -- compression framing of data-channel payloads (doc/protocol.md §6.9).
 *
 * Every payload that crosses the data channel carries the framing of the
 * configured (or pushed) compression method, even when nothing is ever
 * compressed: a peer that disagrees about the framing corrupts or drops
 * packets.  This module adds the framing on send (compressing first when
 * the configuration allows it and it pays off) and strips it on receive
 * (decompressing whatever the peer compressed).  Both directions work in
 * place on the caller's struct buffer.
 *
 * The compressors themselves sit behind comp_backend.h (comp_lzo.c,
 * comp_lz4.c); an algorithm whose library was configured out still frames
 * correctly, it just never compresses and reports compressed input as
 * COMP_ERR_UNSUPPORTED.
 *
 * Memory: comp_init allocates the scratch buffers (and LZO work memory)
 * once; comp_compress/comp_decompress never allocate.  The context owns
 * that memory until comp_free.  A context is used by one thread at a time
 * per direction: the send and receive scratch areas are separate, so
 * compress and decompress may run concurrently on different threads.
 *
 * Tier 1: includes only tier-0 headers; never a compression library's
 * headers, never the clock (adaptive compression is told the time), never
 * a socket.  Logging of peer-caused
 * errors is the caller's job (it has `now` for rate limiting); see
 * comp_status_name().
 */
#ifndef OVPN_COMP_H
#define OVPN_COMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer.h"

/** Same order and values as enum comp_kind in options.h. */
enum comp_alg
{
    COMP_ALG_NONE,     /**< no framing at all (2.6 default) */
    COMP_ALG_LZO_STUB, /**< comp-lzo no: 0xFA prefix, never compresses */
    COMP_ALG_LZO,      /**< comp-lzo yes/adaptive, compress lzo: 0xFA / 0x66 */
    COMP_ALG_STUB,     /**< compress stub: swap framing 0xFB, never compresses */
    COMP_ALG_LZ4,      /**< compress lz4: swap framing 0xFB / 0x69 */
    COMP_ALG_STUB_V2,  /**< compress stub-v2: v2 framing, never compresses */
    COMP_ALG_LZ4_V2,   /**< compress lz4-v2: v2 framing, 50 01 + LZ4 block */
};

/** Byte counters, advanced only for packets that were really (de)compressed. */
struct comp_stats
{
    uint64_t pre_compress;    /**< bytes given to the compressor and kept compressed */
    uint64_t post_compress;   /**< bytes the compressor produced for those */
    uint64_t pre_decompress;  /**< compressed bytes received */
    uint64_t post_decompress; /**< bytes they expanded to */
};

/** Packets are compressed only from this size on (both LZO and LZ4). */
#define COMP_THRESHOLD 100

/** Largest payload comp_init() prepares its scratch buffers for. */
#define COMP_DEFAULT_MAX_PAYLOAD 16384

/**
 * 2.6's adaptive LZO compression (comp-lzo, comp-lzo adaptive): compress
 * for a sample period of AC_SAMPLE_SEC seconds; if the period saw more
 * than AC_MIN_BYTES offered to the compressor and it saved less than
 * AC_SAVE_PCT percent of them, stop compressing for AC_OFF_SEC seconds,
 * then sample again.  Only packets that would be compressed at all
 * (>= COMP_THRESHOLD bytes) count and start the clock.  The framing is
 * the same either way: uncompressed packets keep their marker byte.
 */
#define AC_SAMPLE_SEC 2
#define AC_MIN_BYTES  1000
#define AC_SAVE_PCT   5
#define AC_OFF_SEC    60

struct comp_adaptive
{
    bool off;         /**< compression paused until @p next */
    time_t next;      /**< end of the sample period, or of the pause */
    uint64_t n_total; /**< bytes offered to the compressor in this period */
    uint64_t n_comp;  /**< bytes it turned them into */
};

struct comp_ctx
{
    enum comp_alg alg;
    bool compress;           /**< compress outgoing data (allow-compression yes) */
    bool adaptive;           /**< 2.6's adaptive LZO (see struct comp_adaptive) */
    struct comp_adaptive ac; /**< its state, unless the caller keeps one per peer */
    size_t max_payload;      /**< size of each scratch area */
    uint8_t *send_scratch;   /**< compressor output; NULL unless compress */
    uint8_t *recv_scratch;   /**< decompressor output; NULL for stubs */
    void *workmem;           /**< compressor state (LZO); NULL if not needed */
    struct comp_stats stats;
};

/**
 * Prepare @p c for @p alg.  @p compress_outgoing is true only with
 * `allow-compression yes`; otherwise (2.6's default "asym") outgoing
 * packets get the framing but are never compressed, while compressed
 * packets from the peer are still decompressed.  It is ignored for stub
 * algorithms and for algorithms whose library is not built in.
 * Scratch areas are sized for COMP_DEFAULT_MAX_PAYLOAD.
 * @return false only if memory could not be allocated (@p c is then
 *         safe to comp_free).
 */
bool comp_init(struct comp_ctx *c, enum comp_alg alg, bool compress_outgoing);

/** comp_init() with scratch areas for payloads of up to @p max_payload bytes. */
bool comp_init_sized(struct comp_ctx *c,
                     enum comp_alg alg,
                     bool compress_outgoing,
                     size_t max_payload);

/** Release what comp_init allocated; @p c may be zeroed or half-initialised. */
void comp_free(struct comp_ctx *c);

/**
 * The most comp_compress() can grow a payload: the framing bytes.  A
 * compressed packet is only kept when it is smaller than the original, so
 * compression itself never adds to this (1 for v1 framings, 2 for the v2
 * escape, 0 for none).
 */
size_t comp_max_overhead(enum comp_alg alg);

/** True when @p alg can really compress/decompress in this build (stubs: true). */
bool comp_alg_available(enum comp_alg alg);

/**
 * Turn adaptive compression on or off (only LZO that really compresses
 * adapts; 2.6 has it for comp-lzo adaptive and a bare comp-lzo).  Starts
 * a fresh sample.
 */
void comp_set_adaptive(struct comp_ctx *c, bool on);

/**
 * Frame @p buf in place for sending, compressing it first when enabled,
 * the payload is at least COMP_THRESHOLD bytes, adaptive compression (if
 * on) is not paused at @p now, and the result is smaller.
 * Needs up to 2 bytes of headroom (v1 LZO framing 1, v2 escape 2) and 1
 * byte of tailroom (swap framing).  An empty buffer is left unframed.
 * @return false, @p buf unchanged, if the framing does not fit.
 */
bool comp_compress(struct comp_ctx *c, struct buffer *buf, time_t now);

/** comp_compress() with the adaptive state @p ac of one peer (NULL: the context's). */
bool comp_compress_ac(struct comp_ctx *c, struct comp_adaptive *ac, struct buffer *buf, time_t now);

enum comp_status
{
    COMP_OK,              /**< @p buf now holds the plain payload */
    COMP_ERR_FRAMING,     /**< unknown or missing framing byte(s) */
    COMP_ERR_DECOMPRESS,  /**< corrupt compressed data, or it expands too far */
    COMP_ERR_UNSUPPORTED, /**< compressed with an algorithm this build lacks */
};

/**
 * Strip the framing from a received payload in place, decompressing if
 * the peer compressed it.  The result never exceeds the buffer's capacity
 * (from its current offset) nor the context's max_payload.  Any input,
 * however hostile, yields a status; on error the content of @p buf is
 * unspecified (within its capacity) and the packet must be dropped.
 */
enum comp_status comp_decompress(struct comp_ctx *c, struct buffer *buf);

/** Short English text for @p st, for the caller's (rate-limited) log line. */
const char *comp_status_name(enum comp_status st);

/** Version of the linked LZO library, e.g. "2.10"; "" when built without LZO. */
const char *comp_lzo_version(void);

/** The option spelling of @p alg: "lzo", "lz4-v2", "stub", ...; "none" for none. */
const char *comp_alg_name(enum comp_alg alg);

#endif /* OVPN_COMP_H */
