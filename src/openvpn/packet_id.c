/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * packet_id.c -- packet-id counters and the replay window (doc/protocol.md §6.2,
 * §6.6).  Tier 1: no crypto, no clock reads; the ring is allocated once in
 * packet_id_rec_init().
 *
 * Ring layout: slot `head` holds id I (the highest seen), slot head-1 (mod
 * window) holds I-1, and so on for `count` slots.  A slot holds the
 * monotonic time the id arrived, or one of the two markers below.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet_id.h"
#include "strutil.h"

#define SLOT_UNSEEN  ((time_t) INT64_MIN)       /* inside the window, not received */
#define SLOT_EXPIRED ((time_t) (INT64_MIN + 1)) /* too old now, whether seen or not */

bool
packet_id_send_next(struct packet_id_send *p,
                    bool long_form,
                    time_t now_wall,
                    uint32_t *id,
                    uint32_t *time)
{
    if (long_form && p->time == 0)
    {
        p->time = (uint32_t) now_wall;
    }
    if (p->id == PACKET_ID_MAX)
    {
        /* §6.2: only the long form may wrap, and only into a new second,
         * so (id, time) stays unique for the receiver's window */
        if (!long_form || (uint32_t) now_wall <= p->time)
        {
            return false;
        }
        p->time = (uint32_t) now_wall;
        p->id = 0;
    }
    p->id++;
    *id = p->id;
    *time = long_form ? p->time : 0;
    return true;
}

bool
packet_id_send_should_rekey(const struct packet_id_send *p)
{
    return p->id >= PACKET_ID_WRAP_TRIGGER;
}

bool
packet_id_rec_init(struct packet_id_rec *r, int window, int time_window)
{
    memset(r, 0, sizeof(*r));
    if (window < 0 || window > PACKET_ID_WINDOW_MAX || time_window < 0)
    {
        return false;
    }
    r->window = window;
    r->time_window = time_window;
    if (window > 0)
    {
        r->slots = xcalloc((size_t) window, sizeof(*r->slots));
    }
    return true;
}

void
packet_id_rec_free(struct packet_id_rec *r)
{
    free(r->slots);
    memset(r, 0, sizeof(*r));
}

/* Slot holding id I - d; caller guarantees d < count. */
static size_t
slot_of(const struct packet_id_rec *r, uint32_t d)
{
    size_t n = (size_t) r->window;

    return (r->head + n - (d % n)) % n;
}

bool
packet_id_test(const struct packet_id_rec *r, uint32_t id, uint32_t time)
{
    if (id == 0)
    {
        return false; /* §6.2: never sent, so a forgery or a bug */
    }
    if (r->window == 0)
    {
        /* strict ordering (--replay-window 0) */
        if (time == r->time)
        {
            return r->id == 0 || id == r->id + 1;
        }
        return time > r->time && id == 1;
    }
    if (time < r->time)
    {
        return false;
    }
    if (time > r->time || r->count == 0 || id > r->id)
    {
        return true;
    }
    uint32_t d = r->id - id;
    if (d >= r->count)
    {
        return false; /* behind the window */
    }
    return r->slots[slot_of(r, d)] == SLOT_UNSEEN;
}

void
packet_id_add(struct packet_id_rec *r, uint32_t id, uint32_t time, time_t now_mono)
{
    uint32_t n = (uint32_t) r->window;

    if (n == 0)
    {
        r->time = time;
        r->id = id;
        return;
    }
    if (r->count == 0 || time > r->time || (id > r->id && id - r->id > n))
    {
        /* start over: ids up to n below this one are still acceptable */
        r->time = time;
        r->id = id > n ? id - n : 0;
        r->count = 0;
        r->head = 0;
    }
    while (r->id < id)
    {
        r->id++;
        r->head = (r->head + 1) % n;
        r->slots[r->head] = SLOT_UNSEEN;
        if (r->count < n)
        {
            r->count++;
        }
    }
    uint32_t d = r->id - id;
    if (d < r->count)
    {
        r->slots[slot_of(r, d)] = now_mono;
    }
}

void
packet_id_reap(struct packet_id_rec *r, time_t now_mono)
{
    bool expire = false;

    r->last_reap = now_mono;
    for (size_t d = 0; d < r->count; d++)
    {
        time_t *s = &r->slots[slot_of(r, (uint32_t) d)];

        if (!expire && *s != SLOT_UNSEEN && *s != SLOT_EXPIRED && *s + r->time_window < now_mono)
        {
            expire = true;
        }
        if (expire)
        {
            *s = SLOT_EXPIRED;
        }
    }
}
