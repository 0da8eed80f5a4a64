/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * packet_id.h -- data-channel packet ids (doc/protocol.md §6.2) and the replay
 * window (§6.6).
 *
 * Sending: a counter per key and direction, starting at 1.  Short form
 * (TLS mode) never wraps; long form (static key, CFB/OFB) carries the
 * sender's start time and may wrap to id 1 once the clock has moved on.
 *
 * Receiving: packet_id_test() says whether (id, time) is new; the caller
 * authenticates the packet and only then calls packet_id_add().  A ring of
 * the last `window` ids remembers which were seen and when; reaping every
 * ~5 s expires ids that arrived more than `time_window` seconds ago, and
 * every id older than them.
 *
 * Tier 1: no crypto, no clock reads (times are passed in), allocation only
 * in packet_id_rec_init().
 */
#ifndef OVPN_PACKET_ID_H
#define OVPN_PACKET_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wire.h"

#define PACKET_ID_MAX        0xFFFFFFFFu
#define PACKET_ID_WINDOW_MAX 65536 /* largest --replay-window n */
#define PACKET_ID_REAP_SECS  5

/** Zero-initialise; the first id sent is 1. */
struct packet_id_send
{
    uint32_t id;   /**< last id sent */
    uint32_t time; /**< long form: time stamp of the current id run */
};

struct packet_id_rec
{
    uint32_t time;    /**< T: highest time seen */
    uint32_t id;      /**< I: highest id seen for T */
    int window;       /**< n (--replay-window n) */
    int time_window;  /**< t (--replay-window n t), seconds */
    size_t count;     /**< valid ring slots (0: nothing received yet) */
    size_t head;      /**< ring index of id I */
    time_t *slots;    /**< window entries: arrival time, or UNSEEN/EXPIRED */
    time_t last_reap; /**< now_mono at the last reap */
};

/**
 * Next id to send (and its time for the long form) into @p id/@p time.
 * False when the id space is exhausted (short form at 0xFFFFFFFF; long
 * form when the clock has not moved since the last wrap).
 */
bool packet_id_send_next(struct packet_id_send *p,
                         bool long_form,
                         time_t now_wall,
                         uint32_t *id,
                         uint32_t *time);

/** True once the send counter passed PACKET_ID_WRAP_TRIGGER: renegotiate (TLS mode). */
bool packet_id_send_should_rekey(const struct packet_id_send *p);

/**
 * Set up a receive window of @p window ids (0..PACKET_ID_WINDOW_MAX; 0 is
 * strict ordering) and @p time_window seconds (>= 0).  False on bad sizes.
 */
bool packet_id_rec_init(struct packet_id_rec *r, int window, int time_window);
void packet_id_rec_free(struct packet_id_rec *r);

/** True if (id, time) has not been seen and is inside the window (§6.6 test). */
bool packet_id_test(const struct packet_id_rec *r, uint32_t id, uint32_t time);

/** Record an authenticated (id, time) received at @p now_mono (§6.6 update). */
void packet_id_add(struct packet_id_rec *r, uint32_t id, uint32_t time, time_t now_mono);

/** Expire slots older than time_window; call every ~PACKET_ID_REAP_SECS seconds. */
void packet_id_reap(struct packet_id_rec *r, time_t now_mono);

#endif /* OVPN_PACKET_ID_H */
