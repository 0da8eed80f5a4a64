/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reliable.h -- the control channel's reliability layer (doc/protocol.md §3): one
 * instance per key state (§1.3; message ids restart at 0 for every key_id).
 *
 * Send side: messages get consecutive ids from 0 and are never renumbered;
 * at most RELIABLE_SEND_WINDOW may be outstanding, counted from the lowest
 * unacknowledged id (§3.1).  Each message has its own retransmit timer: it
 * starts at --tls-timeout and doubles on every (re)send, so a lost message
 * goes out at t, t+2 s, t+6 s, t+14 s ... with the default of 2 s.  A message
 * is also resent at once after RELIABLE_FAST_RETRANSMIT ACKs for higher ids
 * (fast retransmit), and all of them on request (burst, when the peer
 * restarts its side).
 *
 * Receive side: E is the next id to hand to TLS.  Ids in [E, E+12) are
 * stored and acknowledged, ids below E (already delivered) and ids already
 * stored are acknowledged again, ids at or beyond E+12 are dropped without
 * an ACK (§3.3).  Messages leave strictly in order E, E+1, ...
 *
 * ACKs: every received id that should be acknowledged waits in a pending
 * list until reliable_write_acks() moves it to the front of a
 * most-recently-acknowledged list of RELIABLE_ACK_MRU ids; an ACK block is
 * the head of that list, so recent ids are acknowledged again in later
 * packets, as 2.6 does (§3.2, transcript §11.8).
 *
 * The module turns calls into state and never touches a socket or a clock:
 * `now_ms` is a monotonic time in milliseconds supplied by the caller.  All
 * storage, including a copy of every message, is inside struct reliable
 * (about 30 KB): nothing allocates after the caller has the struct.
 * Peer-controlled values (ids, lengths) can never reach an ASSERT; misuse
 * by the caller (queueing when the window is full, oversized messages) can.
 *
 * Tier 1: includes wire.h and libc only.  Must not include crypto, ssl or
 * OS headers; reads no clock; logs nothing (the caller knows the peer and
 * logs rate-limited).
 */
#ifndef OVPN_RELIABLE_H
#define OVPN_RELIABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define RELIABLE_SEND_WINDOW       6    /* §3.1 TLS_RELIABLE_N_SEND_BUFFERS */
#define RELIABLE_RECV_WINDOW       12   /* §3.3 receive buffers */
#define RELIABLE_ACK_MRU           8    /* §3.2 most-recently-acked list */
#define RELIABLE_ACK_PENDING_MAX   16   /* ids received but not yet in an ACK block */
#define RELIABLE_FAST_RETRANSMIT   3    /* §3.1 ACKs for later ids before an early resend */
#define RELIABLE_MSG_MAX           1600 /* §3.5 largest message payload we keep */
#define RELIABLE_DEFAULT_TIMEOUT_S 2    /* §3.4 --tls-timeout */

/** What reliable_receive() did with a message. */
enum reliable_rx
{
    RELIABLE_RX_STORED,        /**< new: stored for in-order delivery and queued for ACK */
    RELIABLE_RX_DUPLICATE,     /**< already delivered or stored: not stored, ACKed again */
    RELIABLE_RX_OUT_OF_WINDOW, /**< id >= E + RELIABLE_RECV_WINDOW: dropped, no ACK */
    RELIABLE_RX_FULL,          /**< no room to store or to remember the ACK: dropped, no ACK
                                    (the peer will retransmit) */
    RELIABLE_RX_TOO_BIG,       /**< payload > RELIABLE_MSG_MAX: dropped, no ACK */
};

/** A message to (re)transmit, as returned by reliable_pop_due(). */
struct reliable_out
{
    uint32_t msg_id;
    uint8_t opcode;      /**< as given to reliable_queue() */
    const uint8_t *data; /**< payload; valid until the next call that changes the send side */
    size_t len;
    bool retransmit; /**< false on the first transmission */
};

/** A message delivered in order, as returned by reliable_take_in_order(). */
struct reliable_in
{
    uint32_t msg_id;
    const uint8_t *data; /**< payload; valid until the next reliable_receive() */
    size_t len;
};

struct reliable_send_slot
{
    bool active; /**< holds an unacknowledged message */
    bool sent;   /**< transmitted at least once */
    uint8_t opcode;
    uint32_t msg_id;
    int64_t next_send_ms;    /**< when the retransmit timer fires (if sent) */
    int64_t timeout_ms;      /**< timer length for the next (re)send */
    unsigned int later_acks; /**< ACKs for higher ids since the last send */
    size_t len;
    uint8_t data[RELIABLE_MSG_MAX];
};

struct reliable_recv_slot
{
    bool filled;
    uint32_t msg_id;
    size_t len;
    uint8_t data[RELIABLE_MSG_MAX];
};

struct reliable
{
    int64_t timeout_initial_ms;
    uint32_t send_next_id; /**< id of the next queued message */
    struct reliable_send_slot send[RELIABLE_SEND_WINDOW];
    uint32_t recv_next_id; /**< E: the next id to deliver */
    struct reliable_recv_slot recv[RELIABLE_RECV_WINDOW];
    uint32_t ack_pending[RELIABLE_ACK_PENDING_MAX]; /**< oldest first */
    size_t n_ack_pending;
    uint32_t ack_mru[RELIABLE_ACK_MRU]; /**< most recent first */
    size_t n_ack_mru;
};

/**
 * Start a fresh instance (both sides at id 0, nothing pending).
 * @param timeout_initial_s  --tls-timeout in seconds, >= 1 (ASSERT).
 */
void reliable_init(struct reliable *r, int timeout_initial_s);

/**
 * Move a fresh instance's counters, for the stateless server of §2.7: the
 * instance created after the cookie handshake behaves as if its reset
 * (message 0) had been sent and acknowledged and the client's reset
 * delivered, so it calls this with (1, 1).  Only valid right after
 * reliable_init() (ASSERT).
 */
void reliable_set_next_ids(struct reliable *r, uint32_t send_id, uint32_t recv_id);

/* ---- sending ----------------------------------------------------------- */

/**
 * True if a new message may be queued: fewer than RELIABLE_SEND_WINDOW ids
 * separate the next id from the lowest unacknowledged one.
 */
bool reliable_can_send(const struct reliable *r);

/**
 * Copy a message (@p len <= RELIABLE_MSG_MAX, else ASSERT) into the send
 * window under the next id; it is due for transmission at once.
 *
 * @return true and @p msg_id set; false (nothing queued) if
 *         !reliable_can_send().
 */
bool reliable_queue(struct reliable *r,
                    uint8_t opcode,
                    const uint8_t *data,
                    size_t len,
                    uint32_t *msg_id);

/**
 * The peer acknowledged @p msg_id: forget that message.  Every older
 * message still waiting counts one more "later ACK" towards fast
 * retransmit.  ACKs for unknown or already acknowledged ids are normal
 * (MRU re-acknowledgement, §3.2) and change nothing else.
 *
 * @param now_ms  unused today; part of the contract so that an RTT-based
 *                timer can be added without touching callers.
 * @return true if @p msg_id was outstanding.
 */
bool reliable_on_ack(struct reliable *r, uint32_t msg_id, int64_t now_ms);

/** reliable_on_ack() for each of @p n ids (an ACK block); returns how many were outstanding. */
size_t reliable_on_acks(struct reliable *r, const uint32_t *ids, size_t n, int64_t now_ms);

/**
 * Milliseconds from @p now_ms until reliable_pop_due() will return
 * something: 0 if a message is due now, -1 if nothing is outstanding.
 */
int64_t reliable_next_due(const struct reliable *r, int64_t now_ms);

/**
 * The outstanding message to transmit now, if any: a message never sent, or
 * whose timer expired, or that collected RELIABLE_FAST_RETRANSMIT later
 * ACKs; the lowest such id first.  Marks it sent: its timer restarts with
 * the current timeout, which then doubles.  Call repeatedly until false.
 *
 * @return true and @p out filled; false if nothing is due.
 */
bool reliable_pop_due(struct reliable *r, int64_t now_ms, struct reliable_out *out);

/**
 * Make every outstanding message due at @p now_ms, with its timer back at
 * the initial timeout (the peer (re)started its side, §3.1 "burst").
 */
void reliable_schedule_burst(struct reliable *r, int64_t now_ms);

/** True if nothing queued is still unacknowledged. */
bool reliable_all_acked(const struct reliable *r);

/* ---- receiving ---------------------------------------------------------- */

/**
 * Handle message @p msg_id with payload @p data/@p len from the peer
 * (§3.3).  Only STORED and DUPLICATE queue an ACK.  Never ASSERTs on any
 * input.
 */
enum reliable_rx reliable_receive(struct reliable *r,
                                  uint32_t msg_id,
                                  const uint8_t *data,
                                  size_t len);

/**
 * Deliver the next message in order, if it has arrived.
 * @return true and @p out filled (E advances); false if message E is
 *         still missing.
 */
bool reliable_take_in_order(struct reliable *r, struct reliable_in *out);

/** Next id to deliver (E). */
uint32_t reliable_recv_next_id(const struct reliable *r);

/* ---- acknowledgements --------------------------------------------------- */

/**
 * True if received ids are waiting to be acknowledged: if no other packet
 * goes out, the caller sends a P_ACK_V1.
 */
bool reliable_ack_pending(const struct reliable *r);

/**
 * Fill an ACK block: move up to @p max pending ids (oldest first) to the
 * front of the MRU list, then copy the first min(@p max, MRU length) ids of
 * that list, most recent first, into @p ids and their count into @p n.
 * Ids left pending (more than @p max) go out in a later block.
 *
 * @param max  CTL_ACK_MAX_PIGGYBACK (4) on a message, CTL_ACK_MAX_ACK_V1
 *             (8) on a P_ACK_V1; 1..CTL_ACK_MAX (ASSERT).
 */
void reliable_write_acks(struct reliable *r, size_t max, uint32_t ids[CTL_ACK_MAX], uint8_t *n);

#endif /* OVPN_RELIABLE_H */
