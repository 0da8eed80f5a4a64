/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fragment.c -- see fragment.h.  Everything received here was decrypted
 * and authenticated already, but a piece is still checked against what is
 * known of its datagram before a byte is stored: the peer may be buggy,
 * and a drop costs nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fragment.h"

#define TYPE_MASK  0x3u
#define SEQ_SHIFT  2
#define SEQ_MASK   0xffu
#define IDX_SHIFT  10
#define IDX_MASK   0x1fu
#define SIZE_SHIFT 15
#define SIZE_MASK  0x3fffu

uint32_t
fragment_header_encode(const struct frag_header *h)
{
    uint32_t v = ((uint32_t) h->type & TYPE_MASK) | (((uint32_t) h->seq & SEQ_MASK) << SEQ_SHIFT) |
                 (((uint32_t) h->index & IDX_MASK) << IDX_SHIFT);

    if (h->type == FRAG_LAST)
    {
        v |= ((h->size / FRAG_SIZE_ALIGN) & SIZE_MASK) << SIZE_SHIFT;
    }
    return v;
}

void
fragment_header_decode(uint32_t v, struct frag_header *h)
{
    h->type = (enum frag_type)(v & TYPE_MASK);
    h->seq = (uint8_t) ((v >> SEQ_SHIFT) & SEQ_MASK);
    h->index = (uint8_t) ((v >> IDX_SHIFT) & IDX_MASK);
    h->size = ((v >> SIZE_SHIFT) & SIZE_MASK) * FRAG_SIZE_ALIGN;
}

const char *
fragment_drop_reason(enum frag_drop d)
{
    switch (d)
    {
        case FRAG_DROP_SHORT:
            return "flags not found in packet";

        case FRAG_DROP_WHOLE_FLAGS:
            return "spurious FRAG_WHOLE flags";

        case FRAG_DROP_TEST:
            return "FRAG_TEST not implemented";

        case FRAG_DROP_BAD_SIZE:
            return "bad fragment size";

        case FRAG_DROP_OVERFLOW:
            return "fragment buffer overflow";

        case FRAG_DROP_DUPLICATE:
            return "duplicate fragment";

        case FRAG_DROP_INCONSISTENT:
            return "fragment inconsistent with its datagram";

        default:
            return "no error";
    }
}

bool
fragment_init(struct fragmenter *f, size_t max_payload, uint8_t seq_start)
{
    memset(f, 0, sizeof(*f));
    f->storage = calloc(FRAG_SLOTS, max_payload + FRAG_VIEW_HEADROOM);
    if (!f->storage)
    {
        return false;
    }
    f->max_payload = max_payload;
    f->out_seq = seq_start;
    for (int i = 0; i < FRAG_SLOTS; i++)
    {
        f->slots[i].data =
          f->storage + (size_t) i * (max_payload + FRAG_VIEW_HEADROOM) + FRAG_VIEW_HEADROOM;
    }
    return true;
}

void
fragment_free(struct fragmenter *f)
{
    free(f->storage);
    f->storage = NULL;
    for (int i = 0; i < FRAG_SLOTS; i++)
    {
        f->slots[i].data = NULL;
        f->slots[i].used = false;
    }
}

void
fragment_set_max_frag(struct fragmenter *f, size_t max_frag)
{
    f->max_frag = max_frag;
}

/* ---- sending --------------------------------------------------------- */

size_t
fragment_piece_size(size_t len, size_t max_frag)
{
    size_t aligned = max_frag & ~(size_t) (FRAG_SIZE_ALIGN - 1);
    size_t whole, rest, even;

    if (aligned == 0)
    {
        return 0;
    }
    whole = len / aligned;
    rest = len % aligned;
    /* a short tail: spread the datagram evenly over the same number of pieces */
    if (whole == 0 || rest == 0 || rest >= aligned * 3 / 4)
    {
        return aligned;
    }
    even = max_frag - (max_frag - rest) / (whole + 1) + FRAG_SIZE_ALIGN - 1;
    even &= ~(size_t) (FRAG_SIZE_ALIGN - 1);
    return even < aligned ? even : aligned;
}

int
fragment_outgoing(struct fragmenter *f, struct buffer *buf, struct frag_out *it)
{
    size_t len = buf_len(buf);
    size_t piece;

    memset(it, 0, sizeof(*it));
    if (f->max_frag == 0 || len <= f->max_frag)
    {
        struct frag_header h = { .type = FRAG_WHOLE };
        uint8_t *p = buf_prepend(buf, FRAG_HDR_LEN);

        if (!p)
        {
            f->st.out_too_big++;
            return 0;
        }
        store_be32(p, fragment_header_encode(&h));
        f->st.out_whole++;
        return 1;
    }
    piece = fragment_piece_size(len, f->max_frag);
    if (piece == 0 || len > piece * FRAG_MAX_PIECES || len > f->max_payload)
    {
        f->st.out_too_big++;
        return 0;
    }
    f->out_seq = (uint8_t) (f->out_seq + 1);
    f->st.out_split++;
    it->src = buf_ptr(buf);
    it->len = len;
    it->piece = piece;
    it->seq = f->out_seq;
    return (int) ((len + piece - 1) / piece);
}

bool
fragment_next_piece(struct frag_out *it, struct buffer *out)
{
    struct frag_header h = { .seq = it->seq, .index = it->index, .size = (uint32_t) it->piece };
    size_t n;
    uint8_t *p;

    if (!it->src || it->off >= it->len)
    {
        return false;
    }
    n = it->len - it->off;
    h.type = FRAG_LAST;
    if (n > it->piece)
    {
        n = it->piece;
        h.type = FRAG_NOT_LAST;
    }
    p = buf_write_alloc(out, FRAG_HDR_LEN + n);
    if (!p)
    {
        return false;
    }
    store_be32(p, fragment_header_encode(&h));
    memcpy(p + FRAG_HDR_LEN, it->src + it->off, n);
    it->off += n;
    it->index++;
    return true;
}

/* ---- receiving ------------------------------------------------------- */

static void
slot_clear(struct frag_slot *s)
{
    s->used = false;
    s->have_last = false;
    s->map = 0;
    s->len = 0;
}

unsigned int
fragment_expire(struct fragmenter *f, time_t now)
{
    unsigned int n = 0;

    for (int i = 0; i < FRAG_SLOTS; i++)
    {
        struct frag_slot *s = &f->slots[i];

        if (s->used && s->stamp + FRAG_TTL_SECONDS <= now)
        {
            slot_clear(s);
            n++;
        }
    }
    f->st.expired += n;
    return n;
}

/*
 * Move the window of sequence ids so that @p seq is in it, as 2.6 does:
 * a newer id (or one too far away in either direction, e.g. after the
 * peer restarted) becomes the front, and datagrams that fall behind the
 * window are given up.
 */
static void
window_advance(struct fragmenter *f, uint8_t seq)
{
    int d = (int) (int8_t) (uint8_t) (seq - f->newest);

    if (f->newest_known && d <= 0 && d > -FRAG_SLOTS)
    {
        return;
    }
    f->newest = seq;
    f->newest_known = true;
    for (int i = 0; i < FRAG_SLOTS; i++)
    {
        struct frag_slot *s = &f->slots[i];

        if (s->used && (uint8_t) (f->newest - s->seq) >= FRAG_SLOTS)
        {
            slot_clear(s);
            f->st.evicted++;
        }
    }
}

/* The slot of datagram @p seq, or a free one for it (the window holds at
 * most FRAG_SLOTS ids, so there always is one). */
static struct frag_slot *
slot_for(struct fragmenter *f, uint8_t seq)
{
    struct frag_slot *free_slot = NULL;

    for (int i = 0; i < FRAG_SLOTS; i++)
    {
        struct frag_slot *s = &f->slots[i];

        if (s->used && s->seq == seq)
        {
            return s;
        }
        if (!s->used && !free_slot)
        {
            free_slot = s;
        }
    }
    if (!free_slot)
    {
        /* not reachable while window_advance() keeps ids unique; stay safe */
        free_slot = &f->slots[0];
        f->st.evicted++;
    }
    slot_clear(free_slot);
    free_slot->used = true;
    free_slot->seq = seq;
    return free_slot;
}

/* Check piece @p h of @p n bytes against its slot; FRAG_DROP_NONE if it fits. */
static enum frag_drop
piece_check(const struct fragmenter *f,
            const struct frag_slot *s,
            const struct frag_header *h,
            size_t piece,
            size_t n)
{
    uint32_t bit = 1u << h->index;

    if ((size_t) h->index * piece + n > f->max_payload)
    {
        return FRAG_DROP_OVERFLOW;
    }
    if (h->type == FRAG_NOT_LAST)
    {
        /* a piece before the last one; index 31 could never be followed by a last */
        if (h->index == FRAG_MAX_PIECES - 1 || (s->have_last && h->index >= s->last))
        {
            return FRAG_DROP_INCONSISTENT;
        }
    }
    else if (n == 0 || n > piece || (s->have_last && s->last != h->index) ||
             (s->map >> h->index) > 1)
    {
        /* the last piece: not longer than the others, one index, nothing after it */
        return FRAG_DROP_INCONSISTENT;
    }
    return (s->map & bit) ? FRAG_DROP_DUPLICATE : FRAG_DROP_NONE;
}

static enum frag_rx
piece_in(struct fragmenter *f,
         struct buffer *buf,
         const struct frag_header *h,
         time_t now,
         enum frag_drop *why)
{
    size_t n = buf_len(buf);
    size_t piece = h->type == FRAG_LAST ? h->size : n;
    struct frag_slot *s;

    if (piece == 0 || piece % FRAG_SIZE_ALIGN)
    {
        *why = FRAG_DROP_BAD_SIZE;
        return FRAG_RX_DROP;
    }
    fragment_expire(f, now);
    window_advance(f, h->seq);
    s = slot_for(f, h->seq);
    if (s->map && s->piece != piece)
    {
        /* another datagram under the same id (as 2.6: start it afresh) */
        slot_clear(s);
        s->used = true;
        s->seq = h->seq;
        f->st.evicted++;
    }
    *why = piece_check(f, s, h, piece, n);
    if (*why != FRAG_DROP_NONE)
    {
        if (!s->map)
        {
            slot_clear(s); /* nothing of it stored: free the slot again */
        }
        return FRAG_RX_DROP;
    }
    s->piece = piece;
    memcpy(s->data + (size_t) h->index * piece, buf_ptr(buf), n);
    s->map |= 1u << h->index;
    s->stamp = now;
    if (h->type == FRAG_LAST)
    {
        s->have_last = true;
        s->last = h->index;
        s->len = (size_t) h->index * piece + n;
    }
    f->st.in_pieces++;
    if (!s->have_last || s->map != (uint32_t) ((2ull << s->last) - 1))
    {
        return FRAG_RX_HELD;
    }
    *buf = buf_storage(
      s->data - FRAG_VIEW_HEADROOM, f->max_payload + FRAG_VIEW_HEADROOM, FRAG_VIEW_HEADROOM);
    buf->len = s->len;
    slot_clear(s);
    f->st.reassembled++;
    return FRAG_RX_DELIVER;
}

enum frag_rx
fragment_incoming(struct fragmenter *f,
                  struct buffer *buf,
                  time_t now,
                  uint32_t *hdr,
                  enum frag_drop *why)
{
    struct frag_header h;
    uint32_t v = 0;
    enum frag_rx r;

    *why = FRAG_DROP_NONE;
    if (!buf_read_u32(buf, &v))
    {
        *why = FRAG_DROP_SHORT;
        r = FRAG_RX_DROP;
    }
    else
    {
        fragment_header_decode(v, &h);
        switch (h.type)
        {
            case FRAG_WHOLE:
                /* 2.6 ignores the bits above the index in a whole packet */
                *why = (h.seq || h.index) ? FRAG_DROP_WHOLE_FLAGS : FRAG_DROP_NONE;
                r = *why ? FRAG_RX_DROP : FRAG_RX_DELIVER;
                f->st.in_whole += r == FRAG_RX_DELIVER;
                break;

            case FRAG_TEST:
                *why = FRAG_DROP_TEST;
                r = FRAG_RX_DROP;
                break;

            default:
                r = piece_in(f, buf, &h, now, why);
                break;
        }
    }
    *hdr = v;
    if (r == FRAG_RX_DROP)
    {
        f->st.dropped[*why]++;
    }
    return r;
}

/* ---- the limit ------------------------------------------------------- */

/* With CBC at least one byte of padding is always sent: whole blocks, less one. */
static size_t
round_cbc(size_t target, const struct frag_envelope *e)
{
    if (!e->cbc_block)
    {
        return target;
    }
    target -= target % e->cbc_block;
    return target ? target - 1 : 0;
}

static size_t
sub(size_t a, size_t b)
{
    return a > b ? a - b : 0;
}

size_t
fragment_max_frag(size_t fragment, size_t outer, const struct frag_envelope *e)
{
    size_t target = sub(fragment, outer + e->header + e->crypto);

    return sub(round_cbc(target, e), FRAG_HDR_LEN + e->cbc_pid);
}

size_t
fragment_mss(size_t mssfix, size_t outer, const struct frag_envelope *e, size_t payload_extra,
             bool fragmented)
{
    size_t target = round_cbc(sub(mssfix, outer), e);

    return sub(target, e->header + e->crypto + payload_extra + (fragmented ? FRAG_HDR_LEN : 0)
                         + e->cbc_pid + 40);
}
