/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reliable.c -- send/receive windows, retransmit timers and ACK lists of
 * the control channel (doc/protocol.md §3).  See reliable.h for the contract.
 *
 * Windows are small (6 and 12 slots), so slots are found by a linear scan
 * rather than by id modulo the window: that stays correct whatever the ids
 * are, and costs nothing next to a TLS record.
 *
 * Tier 1: includes reliable.h, error.h (ASSERT) and tiers 0-1 only.  No
 * crypto, no clock, no logging.
 */
#include "reliable.h"

#include <string.h>

#include "basic.h"
#include "error.h"

/* Doubling stops here only so that it can never overflow; in practice
 * --hand-window ends a key state long before (§3.1: "no upper cap"). */
#define TIMEOUT_CAP_MS ((int64_t) 1 << 40)

void
reliable_init(struct reliable *r, int timeout_initial_s)
{
    ASSERT(timeout_initial_s >= 1);
    memset(r, 0, sizeof(*r));
    r->timeout_initial_ms = (int64_t) timeout_initial_s * 1000;
}

void
reliable_set_next_ids(struct reliable *r, uint32_t send_id, uint32_t recv_id)
{
    /* Counters may only jump before anything was sent or received. */
    ASSERT(r->send_next_id == 0 && r->recv_next_id == 0 && reliable_all_acked(r));
    ASSERT(r->n_ack_pending == 0 && r->n_ack_mru == 0);
    for (size_t i = 0; i < RELIABLE_RECV_WINDOW; i++)
    {
        ASSERT(!r->recv[i].filled);
    }
    r->send_next_id = send_id;
    r->recv_next_id = recv_id;
}

/* ---- sending ----------------------------------------------------------- */

/* Lowest outstanding id, or send_next_id when nothing is outstanding. */
static uint32_t
lowest_unacked(const struct reliable *r)
{
    uint32_t low = r->send_next_id;

    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        if (r->send[i].active && r->send[i].msg_id < low)
        {
            low = r->send[i].msg_id;
        }
    }
    return low;
}

bool
reliable_can_send(const struct reliable *r)
{
    /* Ids are never reused, so the last u32 value is never handed out: a
     * key state renegotiates aeons before that (§1.3). */
    if (r->send_next_id == UINT32_MAX)
    {
        return false;
    }
    /* Outstanding ids lie in [low, send_next_id), so fewer than
     * RELIABLE_SEND_WINDOW ids apart means a slot is free as well. */
    return r->send_next_id - lowest_unacked(r) < RELIABLE_SEND_WINDOW;
}

bool
reliable_queue(struct reliable *r,
               uint8_t opcode,
               const uint8_t *data,
               size_t len,
               uint32_t *msg_id)
{
    ASSERT(len <= RELIABLE_MSG_MAX); /* the caller splits to the control MTU */

    if (!reliable_can_send(r))
    {
        return false;
    }
    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        struct reliable_send_slot *s = &r->send[i];

        if (s->active)
        {
            continue;
        }
        s->active = true;
        s->sent = false;
        s->opcode = opcode;
        s->msg_id = r->send_next_id++;
        s->next_send_ms = 0;
        s->timeout_ms = r->timeout_initial_ms;
        s->later_acks = 0;
        s->len = len;
        if (len)
        {
            memcpy(s->data, data, len);
        }
        *msg_id = s->msg_id;
        return true;
    }
    ASSERT(!"reliable_can_send() promised a free slot");
    return false;
}

bool
reliable_on_ack(struct reliable *r, uint32_t msg_id, int64_t now_ms)
{
    bool found = false;

    (void) now_ms; /* see reliable.h: reserved for an RTT-based timer */
    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        struct reliable_send_slot *s = &r->send[i];

        if (!s->active)
        {
            continue;
        }
        if (s->msg_id == msg_id)
        {
            s->active = false;
            found = true;
        }
        else if (s->msg_id < msg_id && s->sent)
        {
            /* The peer got something sent after this one: a hint that
             * this one was lost (fast retransmit, §3.1). */
            s->later_acks++;
        }
    }
    return found;
}

size_t
reliable_on_acks(struct reliable *r, const uint32_t *ids, size_t n, int64_t now_ms)
{
    size_t acked = 0;

    for (size_t i = 0; i < n; i++)
    {
        acked += reliable_on_ack(r, ids[i], now_ms);
    }
    return acked;
}

static bool
slot_due(const struct reliable_send_slot *s, int64_t now_ms)
{
    return s->active &&
           (!s->sent || s->later_acks >= RELIABLE_FAST_RETRANSMIT || now_ms >= s->next_send_ms);
}

int64_t
reliable_next_due(const struct reliable *r, int64_t now_ms)
{
    int64_t best = -1;

    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        const struct reliable_send_slot *s = &r->send[i];
        int64_t wait;

        if (!s->active)
        {
            continue;
        }
        wait = slot_due(s, now_ms) ? 0 : s->next_send_ms - now_ms;
        if (best < 0 || wait < best)
        {
            best = wait;
        }
    }
    return best;
}

bool
reliable_pop_due(struct reliable *r, int64_t now_ms, struct reliable_out *out)
{
    struct reliable_send_slot *pick = NULL;

    /* Lowest id first: the peer delivers in order, so an older message
     * unblocks more than a newer one. */
    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        struct reliable_send_slot *s = &r->send[i];

        if (slot_due(s, now_ms) && (!pick || s->msg_id < pick->msg_id))
        {
            pick = s;
        }
    }
    if (!pick)
    {
        return false;
    }

    out->msg_id = pick->msg_id;
    out->opcode = pick->opcode;
    out->data = pick->data;
    out->len = pick->len;
    out->retransmit = pick->sent;

    pick->sent = true;
    pick->later_acks = 0;
    pick->next_send_ms = now_ms + pick->timeout_ms;
    if (pick->timeout_ms < TIMEOUT_CAP_MS)
    {
        pick->timeout_ms *= 2;
    }
    return true;
}

void
reliable_schedule_burst(struct reliable *r, int64_t now_ms)
{
    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        struct reliable_send_slot *s = &r->send[i];

        if (s->active)
        {
            /* The peer just restarted: our backoff history says nothing
             * about the new path, so start the timer over. */
            s->next_send_ms = now_ms;
            s->timeout_ms = r->timeout_initial_ms;
        }
    }
}

bool
reliable_all_acked(const struct reliable *r)
{
    for (size_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        if (r->send[i].active)
        {
            return false;
        }
    }
    return true;
}

/* ---- receiving ---------------------------------------------------------- */

static struct reliable_recv_slot *
recv_find(struct reliable *r, uint32_t msg_id)
{
    for (size_t i = 0; i < RELIABLE_RECV_WINDOW; i++)
    {
        if (r->recv[i].filled && r->recv[i].msg_id == msg_id)
        {
            return &r->recv[i];
        }
    }
    return NULL;
}

static struct reliable_recv_slot *
recv_free_slot(struct reliable *r)
{
    for (size_t i = 0; i < RELIABLE_RECV_WINDOW; i++)
    {
        if (!r->recv[i].filled)
        {
            return &r->recv[i];
        }
    }
    return NULL;
}

static bool
ack_is_pending(const struct reliable *r, uint32_t msg_id)
{
    for (size_t i = 0; i < r->n_ack_pending; i++)
    {
        if (r->ack_pending[i] == msg_id)
        {
            return true;
        }
    }
    return false;
}

/* Remember to acknowledge @p msg_id; false if the pending list is full. */
static bool
ack_add(struct reliable *r, uint32_t msg_id)
{
    if (ack_is_pending(r, msg_id))
    {
        return true;
    }
    if (r->n_ack_pending == RELIABLE_ACK_PENDING_MAX)
    {
        return false;
    }
    r->ack_pending[r->n_ack_pending++] = msg_id;
    return true;
}

enum reliable_rx
reliable_receive(struct reliable *r, uint32_t msg_id, const uint8_t *data, size_t len)
{
    const uint32_t e = r->recv_next_id;

    /* Ids never wrap within a key state, so plain comparisons are right;
     * `msg_id - e` is only computed once msg_id >= e. */
    if (msg_id >= e && msg_id - e >= RELIABLE_RECV_WINDOW)
    {
        return RELIABLE_RX_OUT_OF_WINDOW;
    }
    if (msg_id < e || recv_find(r, msg_id))
    {
        /* Our earlier ACK was lost: say it again (§3.3). */
        return ack_add(r, msg_id) ? RELIABLE_RX_DUPLICATE : RELIABLE_RX_FULL;
    }
    if (len > RELIABLE_MSG_MAX)
    {
        return RELIABLE_RX_TOO_BIG;
    }

    /* Storing a message we could not acknowledge would only make the peer
     * resend it forever, so both must fit or neither happens. */
    struct reliable_recv_slot *slot = recv_free_slot(r);
    if (!slot || (!ack_is_pending(r, msg_id) && r->n_ack_pending == RELIABLE_ACK_PENDING_MAX))
    {
        return RELIABLE_RX_FULL;
    }
    (void) ack_add(r, msg_id);
    slot->filled = true;
    slot->msg_id = msg_id;
    slot->len = len;
    if (len)
    {
        memcpy(slot->data, data, len);
    }
    return RELIABLE_RX_STORED;
}

bool
reliable_take_in_order(struct reliable *r, struct reliable_in *out)
{
    struct reliable_recv_slot *slot = recv_find(r, r->recv_next_id);

    if (!slot)
    {
        return false;
    }
    /* The slot is free for reuse now, but its bytes stay put until the
     * next reliable_receive() may overwrite them (see reliable.h). */
    slot->filled = false;
    out->msg_id = slot->msg_id;
    out->data = slot->data;
    out->len = slot->len;
    r->recv_next_id++;
    return true;
}

uint32_t
reliable_recv_next_id(const struct reliable *r)
{
    return r->recv_next_id;
}

/* ---- acknowledgements --------------------------------------------------- */

bool
reliable_ack_pending(const struct reliable *r)
{
    return r->n_ack_pending > 0;
}

/* Put @p msg_id at the front of the MRU list, removing an older copy or,
 * if the list is full, its least recent entry. */
static void
mru_push_front(struct reliable *r, uint32_t msg_id)
{
    size_t pos = r->n_ack_mru; /* where the old copy is, or one past the end */

    for (size_t i = 0; i < r->n_ack_mru; i++)
    {
        if (r->ack_mru[i] == msg_id)
        {
            pos = i;
            break;
        }
    }
    if (pos == r->n_ack_mru)
    {
        if (r->n_ack_mru < RELIABLE_ACK_MRU)
        {
            r->n_ack_mru++;
        }
        else
        {
            pos = RELIABLE_ACK_MRU - 1; /* drop the least recent */
        }
    }
    memmove(&r->ack_mru[1], &r->ack_mru[0], pos * sizeof(r->ack_mru[0]));
    r->ack_mru[0] = msg_id;
}

void
reliable_write_acks(struct reliable *r, size_t max, uint32_t ids[CTL_ACK_MAX], uint8_t *n)
{
    ASSERT(max >= 1 && max <= CTL_ACK_MAX);

    size_t take = r->n_ack_pending < max ? r->n_ack_pending : max;

    for (size_t i = 0; i < take; i++)
    {
        mru_push_front(r, r->ack_pending[i]); /* oldest first, so the newest ends up first */
    }
    r->n_ack_pending -= take;
    memmove(
      &r->ack_pending[0], &r->ack_pending[take], r->n_ack_pending * sizeof(r->ack_pending[0]));

    size_t count = r->n_ack_mru < max ? r->n_ack_mru : max;
    memcpy(ids, r->ack_mru, count * sizeof(ids[0]));
    *n = (uint8_t) count;
}
