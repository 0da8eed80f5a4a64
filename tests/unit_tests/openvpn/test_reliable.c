/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_reliable.c -- the control channel's reliability layer (doc/protocol.md §3):
 * send window and retransmit timers, receive window and in-order delivery,
 * MRU ACK lists against the §11.8 transcript, and a seeded simulation of two
 * instances over a lossy, reordering, duplicating channel.
 */
#include "test_common.h"

#include "basic.h"
#include "buffer.h"
#include "ctl_pkt.h"
#include "reliable.h"

static struct reliable ra, rb; /* ~30 KB each: keep them off the stack */

static const uint8_t hello[] = "hello";

/* Queue one message and return its id (the test fails if it cannot). */
static uint32_t
queue_one(struct reliable *r, uint8_t tag)
{
    uint32_t id = 0xdeadbeef;

    assert_true(reliable_queue(r, P_CONTROL_V1, &tag, 1, &id));
    return id;
}

static void
pop_expect(struct reliable *r, int64_t now, uint32_t want_id, bool want_retransmit)
{
    struct reliable_out out;

    assert_true(reliable_pop_due(r, now, &out));
    assert_int_equal(out.msg_id, want_id);
    assert_int_equal(out.retransmit, want_retransmit);
}

/* Check the ACK block reliable_write_acks(max) produces. */
static void
acks_expect(struct reliable *r, size_t max, const uint32_t *want, size_t n_want)
{
    uint32_t ids[CTL_ACK_MAX];
    uint8_t n = 0xff;

    reliable_write_acks(r, max, ids, &n);
    assert_int_equal(n, n_want);
    assert_memory_equal(ids, want, n_want * sizeof(ids[0]));
}

#define ACKS(r, max, ...)                                  \
    do                                                     \
    {                                                      \
        static const uint32_t want_[] = { __VA_ARGS__ };   \
        acks_expect((r), (max), want_, ARRAY_SIZE(want_)); \
    } while (0)

/* ---- sending ----------------------------------------------------------- */

static void
reliable_queue__fresh__ids_from_zero_and_due_now(void **state)
{
    struct reliable_out out;
    (void) state;

    reliable_init(&ra, 2);
    assert_true(reliable_all_acked(&ra));
    assert_int_equal(reliable_next_due(&ra, 0), -1);
    assert_false(reliable_pop_due(&ra, 0, &out));

    assert_int_equal(queue_one(&ra, 'a'), 0);
    assert_int_equal(queue_one(&ra, 'b'), 1);
    assert_false(reliable_all_acked(&ra));
    assert_int_equal(reliable_next_due(&ra, 500), 0);

    assert_true(reliable_pop_due(&ra, 500, &out));
    assert_int_equal(out.msg_id, 0);
    assert_int_equal(out.opcode, P_CONTROL_V1);
    assert_int_equal(out.len, 1);
    assert_int_equal(out.data[0], 'a');
    assert_false(out.retransmit);
    pop_expect(&ra, 500, 1, false);
    assert_false(reliable_pop_due(&ra, 500, &out));
    assert_int_equal(reliable_next_due(&ra, 500), 2000);
}

static void
reliable_queue__window_full__refuses_until_lowest_acked(void **state)
{
    uint32_t id;
    (void) state;

    reliable_init(&ra, 2);
    for (uint32_t i = 0; i < RELIABLE_SEND_WINDOW; i++)
    {
        assert_true(reliable_can_send(&ra));
        assert_int_equal(queue_one(&ra, 'x'), i);
    }
    assert_false(reliable_can_send(&ra));
    assert_false(reliable_queue(&ra, P_CONTROL_V1, hello, sizeof(hello), &id));

    /* The window counts from the lowest unacked id: acking 1..5 frees nothing. */
    for (uint32_t i = 1; i < RELIABLE_SEND_WINDOW; i++)
    {
        assert_true(reliable_on_ack(&ra, i, 0));
    }
    assert_false(reliable_can_send(&ra));

    assert_true(reliable_on_ack(&ra, 0, 0));
    assert_true(reliable_all_acked(&ra));
    assert_true(reliable_can_send(&ra));
    assert_int_equal(queue_one(&ra, 'y'), RELIABLE_SEND_WINDOW); /* never reused */
}

static void
reliable_queue__oversized_message__asserts(void **state)
{
    static uint8_t big[RELIABLE_MSG_MAX + 1];
    uint32_t id;
    (void) state;

    reliable_init(&ra, 2);
    assert_true(reliable_queue(&ra, P_CONTROL_V1, big, RELIABLE_MSG_MAX, &id));
    expect_assert_failure(reliable_queue(&ra, P_CONTROL_V1, big, sizeof(big), &id));
}

static void
reliable_pop_due__lost_message__resent_after_2_4_8_seconds(void **state)
{
    struct reliable_out out;
    (void) state;

    reliable_init(&ra, RELIABLE_DEFAULT_TIMEOUT_S);
    queue_one(&ra, 'a');
    pop_expect(&ra, 10000, 0, false);

    /* Timer 2 s, doubling on every send: resends at +2, +6 (=2+4), +14 (=6+8) s. */
    static const int64_t resend_at[] = { 12000, 16000, 24000, 40000 };
    int64_t last = 10000;
    for (size_t i = 0; i < ARRAY_SIZE(resend_at); i++)
    {
        assert_int_equal(reliable_next_due(&ra, last), resend_at[i] - last);
        assert_false(reliable_pop_due(&ra, resend_at[i] - 1, &out));
        pop_expect(&ra, resend_at[i], 0, true);
        assert_false(reliable_pop_due(&ra, resend_at[i], &out));
        last = resend_at[i];
    }

    assert_true(reliable_on_ack(&ra, 0, last));
    assert_int_equal(reliable_next_due(&ra, last), -1);
    assert_false(reliable_pop_due(&ra, last + 1000000, &out));
}

static void
reliable_pop_due__custom_tls_timeout__scales_timer(void **state)
{
    (void) state;

    reliable_init(&ra, 5);
    queue_one(&ra, 'a');
    pop_expect(&ra, 0, 0, false);
    assert_int_equal(reliable_next_due(&ra, 0), 5000);
    pop_expect(&ra, 5000, 0, true);
    assert_int_equal(reliable_next_due(&ra, 5000), 10000);
}

static void
reliable_pop_due__three_later_acks__fast_retransmit(void **state)
{
    struct reliable_out out;
    (void) state;

    reliable_init(&ra, 2);
    for (int i = 0; i < 4; i++)
    {
        queue_one(&ra, 'a');
        pop_expect(&ra, 0, (uint32_t) i, false);
    }
    /* Message 0 is lost; the peer acknowledges 1, 2, then 2 again (MRU). */
    assert_true(reliable_on_ack(&ra, 1, 100));
    assert_true(reliable_on_ack(&ra, 2, 100));
    assert_false(reliable_pop_due(&ra, 100, &out));
    assert_int_equal(reliable_next_due(&ra, 100), 1900);
    assert_false(reliable_on_ack(&ra, 2, 150)); /* already acked, still a hint */
    assert_int_equal(reliable_next_due(&ra, 150), 0);
    pop_expect(&ra, 150, 0, true);
    assert_false(reliable_pop_due(&ra, 150, &out));

    /* The count restarts with the resend; 3 is still waiting for its timer. */
    assert_true(reliable_on_ack(&ra, 3, 200));
    assert_false(reliable_pop_due(&ra, 200, &out));
    assert_int_equal(reliable_next_due(&ra, 200), 3950); /* resent at 150 with a 4 s timer */
}

static void
reliable_pop_due__acks_for_lower_ids__do_not_count(void **state)
{
    struct reliable_out out;
    (void) state;

    reliable_init(&ra, 2);
    queue_one(&ra, 'a');
    queue_one(&ra, 'b');
    pop_expect(&ra, 0, 0, false);
    pop_expect(&ra, 0, 1, false);
    for (int i = 0; i < 5; i++)
    {
        reliable_on_ack(&ra, 0, 10); /* lower than 1: says nothing about 1 */
    }
    assert_false(reliable_pop_due(&ra, 10, &out));

    /* Higher ids count even if we never sent them (a confused or hostile
     * peer can at worst make us resend early, never crash us). */
    for (int i = 0; i < RELIABLE_FAST_RETRANSMIT; i++)
    {
        assert_false(reliable_on_ack(&ra, 77, 10));
    }
    pop_expect(&ra, 10, 1, true);
}

static void
reliable_schedule_burst__pending_messages__all_due_now_timer_reset(void **state)
{
    (void) state;

    reliable_init(&ra, 2);
    queue_one(&ra, 'a');
    queue_one(&ra, 'b');
    pop_expect(&ra, 0, 0, false);
    pop_expect(&ra, 0, 1, false);
    pop_expect(&ra, 2000, 0, true);
    pop_expect(&ra, 2000, 1, true); /* timers now at 4 s, next due 6000 */

    reliable_schedule_burst(&ra, 3000);
    assert_int_equal(reliable_next_due(&ra, 3000), 0);
    pop_expect(&ra, 3000, 0, true);
    pop_expect(&ra, 3000, 1, true);
    assert_int_equal(reliable_next_due(&ra, 3000), 2000); /* back to --tls-timeout */
}

static void
reliable_set_next_ids__cookie_server__starts_at_one(void **state)
{
    (void) state;

    reliable_init(&ra, 2);
    reliable_set_next_ids(&ra, 1, 1);
    assert_int_equal(queue_one(&ra, 'a'), 1);
    assert_int_equal(reliable_recv_next_id(&ra), 1);
    assert_int_equal(reliable_receive(&ra, 0, hello, 1), RELIABLE_RX_DUPLICATE);
    expect_assert_failure(reliable_set_next_ids(&ra, 5, 5));
}

/* ---- receiving ---------------------------------------------------------- */

static void
reliable_receive__reordered__delivered_in_order(void **state)
{
    static const uint32_t arrival[] = { 2, 0, 5, 1, 4, 3 };
    struct reliable_in in;
    (void) state;

    reliable_init(&rb, 2);
    for (size_t i = 0; i < ARRAY_SIZE(arrival); i++)
    {
        uint8_t payload[2] = { 'm', (uint8_t) arrival[i] };

        assert_int_equal(reliable_receive(&rb, arrival[i], payload, sizeof(payload)),
                         RELIABLE_RX_STORED);
        if (arrival[i] == 2)
        {
            assert_false(reliable_take_in_order(&rb, &in)); /* 0 is missing */
        }
    }
    for (uint32_t want = 0; want < 6; want++)
    {
        assert_true(reliable_take_in_order(&rb, &in));
        assert_int_equal(in.msg_id, want);
        assert_int_equal(in.len, 2);
        assert_int_equal(in.data[1], want);
    }
    assert_false(reliable_take_in_order(&rb, &in));
    assert_int_equal(reliable_recv_next_id(&rb), 6);
}

static void
reliable_receive__duplicates__not_stored_but_acked_again(void **state)
{
    struct reliable_in in;
    (void) state;

    reliable_init(&rb, 2);
    assert_int_equal(reliable_receive(&rb, 1, hello, 5), RELIABLE_RX_STORED);
    assert_int_equal(reliable_receive(&rb, 1, hello, 5), RELIABLE_RX_DUPLICATE);
    ACKS(&rb, 4, 1);
    assert_false(reliable_ack_pending(&rb));

    /* Stored-but-undelivered duplicate: acked again. */
    assert_int_equal(reliable_receive(&rb, 1, hello, 5), RELIABLE_RX_DUPLICATE);
    assert_true(reliable_ack_pending(&rb));
    ACKS(&rb, 4, 1);

    assert_int_equal(reliable_receive(&rb, 0, hello, 5), RELIABLE_RX_STORED);
    assert_true(reliable_take_in_order(&rb, &in));
    assert_true(reliable_take_in_order(&rb, &in));
    assert_false(reliable_take_in_order(&rb, &in)); /* each exactly once */
    ACKS(&rb, 4, 0, 1);

    /* Already delivered: acked again, never delivered again. */
    assert_int_equal(reliable_receive(&rb, 1, hello, 5), RELIABLE_RX_DUPLICATE);
    assert_true(reliable_ack_pending(&rb));
    assert_false(reliable_take_in_order(&rb, &in));
    ACKS(&rb, 4, 1, 0);
}

static void
reliable_receive__window_edges__twelve_ids_from_next_expected(void **state)
{
    struct reliable_in in;
    (void) state;

    reliable_init(&rb, 2);
    assert_int_equal(reliable_receive(&rb, RELIABLE_RECV_WINDOW, hello, 1),
                     RELIABLE_RX_OUT_OF_WINDOW);
    assert_int_equal(reliable_receive(&rb, UINT32_MAX, hello, 1), RELIABLE_RX_OUT_OF_WINDOW);
    assert_false(reliable_ack_pending(&rb)); /* dropped without ACK */

    /* All twelve slots fill; none is refused. */
    for (uint32_t id = RELIABLE_RECV_WINDOW; id-- > 0;)
    {
        assert_int_equal(reliable_receive(&rb, id, hello, 1), RELIABLE_RX_STORED);
    }
    assert_int_equal(reliable_receive(&rb, RELIABLE_RECV_WINDOW, hello, 1),
                     RELIABLE_RX_OUT_OF_WINDOW);

    /* Delivering 0 slides the window by one. */
    assert_true(reliable_take_in_order(&rb, &in));
    assert_int_equal(reliable_receive(&rb, RELIABLE_RECV_WINDOW, hello, 1), RELIABLE_RX_STORED);
    assert_int_equal(reliable_receive(&rb, RELIABLE_RECV_WINDOW + 1, hello, 1),
                     RELIABLE_RX_OUT_OF_WINDOW);
    for (uint32_t want = 1; want <= RELIABLE_RECV_WINDOW; want++)
    {
        assert_true(reliable_take_in_order(&rb, &in));
        assert_int_equal(in.msg_id, want);
    }
    assert_false(reliable_take_in_order(&rb, &in));
}

static void
reliable_receive__near_u32_limit__no_wraparound(void **state)
{
    struct reliable_in in;
    (void) state;

    reliable_init(&rb, 2);
    reliable_set_next_ids(&rb, 0, UINT32_MAX - 3);
    assert_int_equal(reliable_receive(&rb, UINT32_MAX, hello, 1), RELIABLE_RX_STORED);
    assert_int_equal(reliable_receive(&rb, 0, hello, 1), RELIABLE_RX_DUPLICATE);
    assert_int_equal(reliable_receive(&rb, UINT32_MAX - 3, hello, 1), RELIABLE_RX_STORED);
    assert_true(reliable_take_in_order(&rb, &in));
    assert_int_equal(in.msg_id, UINT32_MAX - 3);
    assert_false(reliable_take_in_order(&rb, &in));
}

static void
reliable_receive__oversized_payload__dropped_without_ack(void **state)
{
    static uint8_t big[RELIABLE_MSG_MAX + 1];
    struct reliable_in in;
    (void) state;

    reliable_init(&rb, 2);
    assert_int_equal(reliable_receive(&rb, 0, big, sizeof(big)), RELIABLE_RX_TOO_BIG);
    assert_false(reliable_ack_pending(&rb));
    assert_false(reliable_take_in_order(&rb, &in));
    assert_int_equal(reliable_receive(&rb, 0, big, RELIABLE_MSG_MAX), RELIABLE_RX_STORED);
    assert_true(reliable_take_in_order(&rb, &in));
    assert_int_equal(in.len, RELIABLE_MSG_MAX);
}

static void
reliable_receive__ack_list_full__dropped_until_acks_written(void **state)
{
    struct reliable_in in;
    (void) state;

    reliable_init(&rb, 2);
    reliable_set_next_ids(&rb, 0, 100);
    for (uint32_t id = 0; id < RELIABLE_ACK_PENDING_MAX; id++)
    {
        assert_int_equal(reliable_receive(&rb, id, hello, 1), RELIABLE_RX_DUPLICATE);
    }
    /* Re-receiving a pending id needs no new entry. */
    assert_int_equal(reliable_receive(&rb, 3, hello, 1), RELIABLE_RX_DUPLICATE);
    assert_int_equal(reliable_receive(&rb, 50, hello, 1), RELIABLE_RX_FULL);
    assert_int_equal(reliable_receive(&rb, 100, hello, 1), RELIABLE_RX_FULL);
    assert_false(reliable_take_in_order(&rb, &in)); /* not stored either */

    ACKS(&rb, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    assert_int_equal(reliable_receive(&rb, 100, hello, 1), RELIABLE_RX_STORED);
    assert_true(reliable_take_in_order(&rb, &in));
}

/* ---- ACK lists (§3.2) --------------------------------------------------- */

/* The client's side of §11.8: acks [0], [1,0], [2,1,0], [2,1,0], [3,2,1,0] ... */
static void
reliable_write_acks__client_of_transcript__reproduces_ack_lists(void **state)
{
    (void) state;

    reliable_init(&ra, 2);
    assert_false(reliable_ack_pending(&ra));

    reliable_receive(&ra, 0, NULL, 0);   /* frame 2: server reset */
    ACKS(&ra, CTL_ACK_MAX_PIGGYBACK, 0); /* frame 3 CONTROL_V1 */
    reliable_receive(&ra, 1, hello, 5);  /* frame 4 */
    assert_true(reliable_ack_pending(&ra));
    ACKS(&ra, CTL_ACK_MAX_ACK_V1, 1, 0);             /* frame 6 ACK_V1 */
    reliable_receive(&ra, 2, hello, 5);              /* frame 5, processed late */
    ACKS(&ra, CTL_ACK_MAX_PIGGYBACK, 2, 1, 0);       /* frame 7 CONTROL_V1 */
    assert_false(reliable_ack_pending(&ra));         /* nothing new: no ACK_V1 needed */
    ACKS(&ra, CTL_ACK_MAX_PIGGYBACK, 2, 1, 0);       /* frame 9 CONTROL_V1 re-acks */
    reliable_receive(&ra, 3, hello, 5);              /* frame 8 */
    ACKS(&ra, CTL_ACK_MAX_ACK_V1, 3, 2, 1, 0);       /* frame 10 */
    reliable_receive(&ra, 4, hello, 5);              /* frame 11 */
    ACKS(&ra, CTL_ACK_MAX_ACK_V1, 4, 3, 2, 1, 0);    /* frame 12 */
    reliable_receive(&ra, 5, hello, 5);              /* frame 13 */
    ACKS(&ra, CTL_ACK_MAX_ACK_V1, 5, 4, 3, 2, 1, 0); /* frame 14: six ids */
}

/* The (stateless, then instantiated) server's side: [1], [1], [2,1], [3,2,1], [3,2,1]. */
static void
reliable_write_acks__server_of_transcript__reproduces_ack_lists(void **state)
{
    (void) state;

    reliable_init(&rb, 2);
    reliable_set_next_ids(&rb, 1, 1);
    reliable_receive(&rb, 1, hello, 5);        /* frame 3: ClientHello */
    ACKS(&rb, CTL_ACK_MAX_PIGGYBACK, 1);       /* frame 4 */
    ACKS(&rb, CTL_ACK_MAX_PIGGYBACK, 1);       /* frame 5 */
    reliable_receive(&rb, 2, hello, 5);        /* frame 7 */
    ACKS(&rb, CTL_ACK_MAX_PIGGYBACK, 2, 1);    /* frame 8 */
    reliable_receive(&rb, 3, hello, 5);        /* frame 9 */
    ACKS(&rb, CTL_ACK_MAX_PIGGYBACK, 3, 2, 1); /* frame 11 */
    ACKS(&rb, CTL_ACK_MAX_PIGGYBACK, 3, 2, 1); /* frame 13 */
}

static void
reliable_write_acks__more_than_max__capped_and_rest_kept_pending(void **state)
{
    (void) state;

    reliable_init(&ra, 2);
    for (uint32_t id = 0; id < 6; id++)
    {
        reliable_receive(&ra, id, hello, 1);
    }
    ACKS(&ra, 4, 3, 2, 1, 0);
    assert_true(reliable_ack_pending(&ra)); /* 4 and 5 still owed */
    ACKS(&ra, 4, 5, 4, 3, 2);
    assert_false(reliable_ack_pending(&ra));
    ACKS(&ra, 8, 5, 4, 3, 2, 1, 0);
}

static void
reliable_write_acks__mru_full__keeps_eight_most_recent(void **state)
{
    struct reliable_in in;
    (void) state;

    reliable_init(&ra, 2);
    for (uint32_t id = 0; id < 11; id++)
    {
        reliable_receive(&ra, id, hello, 1);
        assert_true(reliable_take_in_order(&ra, &in));
        uint32_t ids[CTL_ACK_MAX];
        uint8_t n;
        reliable_write_acks(&ra, CTL_ACK_MAX_ACK_V1, ids, &n);
    }
    ACKS(&ra, 8, 10, 9, 8, 7, 6, 5, 4, 3);

    /* A duplicate of an id still in the list moves to the front ... */
    assert_int_equal(reliable_receive(&ra, 5, hello, 1), RELIABLE_RX_DUPLICATE);
    ACKS(&ra, 8, 5, 10, 9, 8, 7, 6, 4, 3);
    /* ... one that had dropped out pushes the least recent out. */
    assert_int_equal(reliable_receive(&ra, 0, hello, 1), RELIABLE_RX_DUPLICATE);
    ACKS(&ra, 8, 0, 5, 10, 9, 8, 7, 6, 4);
}

static void
reliable_write_acks__bad_max__asserts(void **state)
{
    uint32_t ids[CTL_ACK_MAX];
    uint8_t n;
    (void) state;

    reliable_init(&ra, 2);
    expect_assert_failure(reliable_write_acks(&ra, 0, ids, &n));
    expect_assert_failure(reliable_write_acks(&ra, CTL_ACK_MAX + 1, ids, &n));
}

/* ---- two instances over a lossy channel --------------------------------- */

#define SIM_MSGS      60
#define SIM_MAX_PKT   (CTL_HEADER_MAX_LEN + 64)
#define SIM_IN_FLIGHT 512
#define SIM_MAX_STEPS 200000

struct sim_pkt
{
    int64_t at; /* delivery time */
    int to;     /* 0 or 1 */
    size_t len;
    uint8_t bytes[SIM_MAX_PKT];
};

struct sim
{
    uint64_t prng;
    int64_t now;
    struct reliable *r[2];
    struct session_id sid[2];
    uint32_t queued[2];    /* messages queued by side i */
    uint32_t delivered[2]; /* messages delivered to side i, in order */
    struct sim_pkt flight[SIM_IN_FLIGHT];
    size_t n_flight;
    unsigned int loss_pct, dup_pct;
    unsigned long sent, dropped;
};

static uint32_t
sim_rand(struct sim *s)
{
    /* xorshift64*: deterministic per seed, good enough for scheduling */
    s->prng ^= s->prng >> 12;
    s->prng ^= s->prng << 25;
    s->prng ^= s->prng >> 27;
    return (uint32_t) ((s->prng * 0x2545F4914F6CDD1DULL) >> 32);
}

/* Message k of side i: its length and bytes depend on (i, k) only. */
static size_t
sim_payload(int side, uint32_t k, uint8_t *out)
{
    size_t len = 4 + (k * 7 + (uint32_t) side * 13) % 60;

    for (size_t j = 0; j < len; j++)
    {
        out[j] = (uint8_t) (k + j + (uint32_t) side * 101);
    }
    return len;
}

static void
sim_send(struct sim *s, int from, const struct ctl_header *h, const uint8_t *payload, size_t len)
{
    uint8_t bytes[SIM_MAX_PKT];
    struct buffer buf = buf_storage(bytes, sizeof(bytes), 0);

    assert_true(ctl_header_write(&buf, h));
    assert_true(buf_write_bytes(&buf, payload, len));
    s->sent++;

    int copies = (sim_rand(s) % 100 < s->dup_pct) ? 2 : 1;
    for (int c = 0; c < copies; c++)
    {
        if (sim_rand(s) % 100 < s->loss_pct)
        {
            s->dropped++;
            continue;
        }
        assert_true(s->n_flight < SIM_IN_FLIGHT);
        struct sim_pkt *p = &s->flight[s->n_flight++];
        p->at = s->now + 1 + sim_rand(s) % 400; /* random delay: reordering */
        p->to = 1 - from;
        p->len = buf_len(&buf);
        memcpy(p->bytes, buf_ptr(&buf), p->len);
    }
}

/* Everything side i would put on the wire at s->now. */
static void
sim_transmit(struct sim *s, int i)
{
    struct reliable *r = s->r[i];
    struct reliable_out out;
    bool sent = false;

    while (s->queued[i] < SIM_MSGS && reliable_can_send(r))
    {
        uint8_t payload[64];
        size_t len = sim_payload(i, s->queued[i], payload);
        uint32_t id;

        assert_true(reliable_queue(r, P_CONTROL_V1, payload, len, &id));
        assert_int_equal(id, s->queued[i]);
        s->queued[i]++;
    }
    while (reliable_pop_due(r, s->now, &out))
    {
        struct ctl_header h = { .opcode = out.opcode,
                                .local_sid = s->sid[i],
                                .remote_sid = s->sid[1 - i],
                                .msg_id = out.msg_id };

        reliable_write_acks(r, CTL_ACK_MAX_PIGGYBACK, h.acks, &h.n_acks);
        sim_send(s, i, &h, out.data, out.len);
        sent = true;
    }
    if (!sent && reliable_ack_pending(r))
    {
        struct ctl_header h = { .opcode = P_ACK_V1,
                                .local_sid = s->sid[i],
                                .remote_sid = s->sid[1 - i] };

        reliable_write_acks(r, CTL_ACK_MAX_ACK_V1, h.acks, &h.n_acks);
        sim_send(s, i, &h, NULL, 0);
    }
}

static void
sim_deliver(struct sim *s, struct sim_pkt *p)
{
    struct reliable *r = s->r[p->to];
    struct buffer buf = buf_view(p->bytes, p->len);
    struct ctl_header h;
    struct reliable_in in;

    assert_true(ctl_header_parse(&buf, &h));
    assert_true(session_id_equal(&h.local_sid, &s->sid[1 - p->to]));
    if (h.n_acks)
    {
        assert_true(session_id_equal(&h.remote_sid, &s->sid[p->to]));
    }
    reliable_on_acks(r, h.acks, h.n_acks, s->now);
    if (h.has_msg_id)
    {
        enum reliable_rx rx = reliable_receive(r, h.msg_id, buf_ptr(&buf), buf_len(&buf));
        /* FULL is legal too: the ACK list overflowed, the peer resends. */
        assert_true(rx != RELIABLE_RX_TOO_BIG);
    }
    while (reliable_take_in_order(r, &in))
    {
        uint8_t want[64];
        size_t len = sim_payload(1 - p->to, s->delivered[p->to], want);

        /* in order, exactly once, intact */
        assert_int_equal(in.msg_id, s->delivered[p->to]);
        assert_int_equal(in.len, len);
        assert_memory_equal(in.data, want, len);
        s->delivered[p->to]++;
    }
}

static bool
sim_done(const struct sim *s)
{
    return s->delivered[0] == SIM_MSGS && s->delivered[1] == SIM_MSGS &&
           reliable_all_acked(s->r[0]) && reliable_all_acked(s->r[1]);
}

/* The next time anything can happen: a packet lands or a timer fires. */
static int64_t
sim_next_event(const struct sim *s)
{
    int64_t next = INT64_MAX;

    for (size_t k = 0; k < s->n_flight; k++)
    {
        next = s->flight[k].at < next ? s->flight[k].at : next;
    }
    for (int i = 0; i < 2; i++)
    {
        int64_t due = reliable_next_due(s->r[i], s->now);

        if (due >= 0 && s->now + due < next)
        {
            next = s->now + due;
        }
    }
    return next;
}

static void
sim_run(uint64_t seed, unsigned int loss_pct, unsigned int dup_pct)
{
    static struct sim s;
    int step;

    memset(&s, 0, sizeof(s));
    s.prng = seed * 0x9E3779B97F4A7C15ULL + 1;
    s.loss_pct = loss_pct;
    s.dup_pct = dup_pct;
    s.r[0] = &ra;
    s.r[1] = &rb;
    memset(s.sid[0].id, 0x11, SID_SIZE);
    memset(s.sid[1].id, 0x22, SID_SIZE);
    reliable_init(&ra, 2);
    reliable_init(&rb, 2);

    for (step = 0; step < SIM_MAX_STEPS && !sim_done(&s); step++)
    {
        sim_transmit(&s, 0);
        sim_transmit(&s, 1);

        int64_t next = sim_next_event(&s);
        assert_true(next != INT64_MAX); /* never stuck with nothing to do */
        s.now = next > s.now ? next : s.now;

        /* Land every packet due now, in random order among them. */
        for (size_t k = 0; k < s.n_flight;)
        {
            if (s.flight[k].at <= s.now && sim_rand(&s) % 4 != 0)
            {
                struct sim_pkt p = s.flight[k];

                s.flight[k] = s.flight[--s.n_flight];
                sim_deliver(&s, &p);
                k = 0;
                continue;
            }
            k++;
        }
    }
    if (!sim_done(&s))
    {
        fail_msg("seed %llu: not done after %d steps (delivered %u/%u, t=%lld ms)",
                 (unsigned long long) seed,
                 step,
                 s.delivered[0],
                 s.delivered[1],
                 (long long) s.now);
    }
    assert_int_equal(s.queued[0], SIM_MSGS);
    assert_int_equal(s.queued[1], SIM_MSGS);
}

static void
reliable__lossy_reordering_channel__every_message_in_order_once(void **state)
{
    (void) state;

    for (uint64_t seed = 1; seed <= 40; seed++)
    {
        sim_run(seed, 30, 10);
    }
}

static void
reliable__perfect_channel__every_message_in_order_once(void **state)
{
    (void) state;

    sim_run(7, 0, 0);
}

static void
reliable__very_lossy_channel__still_completes(void **state)
{
    (void) state;

    for (uint64_t seed = 100; seed < 105; seed++)
    {
        sim_run(seed, 60, 20);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reliable_queue__fresh__ids_from_zero_and_due_now),
        cmocka_unit_test(reliable_queue__window_full__refuses_until_lowest_acked),
        cmocka_unit_test(reliable_queue__oversized_message__asserts),
        cmocka_unit_test(reliable_pop_due__lost_message__resent_after_2_4_8_seconds),
        cmocka_unit_test(reliable_pop_due__custom_tls_timeout__scales_timer),
        cmocka_unit_test(reliable_pop_due__three_later_acks__fast_retransmit),
        cmocka_unit_test(reliable_pop_due__acks_for_lower_ids__do_not_count),
        cmocka_unit_test(reliable_schedule_burst__pending_messages__all_due_now_timer_reset),
        cmocka_unit_test(reliable_set_next_ids__cookie_server__starts_at_one),
        cmocka_unit_test(reliable_receive__reordered__delivered_in_order),
        cmocka_unit_test(reliable_receive__duplicates__not_stored_but_acked_again),
        cmocka_unit_test(reliable_receive__window_edges__twelve_ids_from_next_expected),
        cmocka_unit_test(reliable_receive__near_u32_limit__no_wraparound),
        cmocka_unit_test(reliable_receive__oversized_payload__dropped_without_ack),
        cmocka_unit_test(reliable_receive__ack_list_full__dropped_until_acks_written),
        cmocka_unit_test(reliable_write_acks__client_of_transcript__reproduces_ack_lists),
        cmocka_unit_test(reliable_write_acks__server_of_transcript__reproduces_ack_lists),
        cmocka_unit_test(reliable_write_acks__more_than_max__capped_and_rest_kept_pending),
        cmocka_unit_test(reliable_write_acks__mru_full__keeps_eight_most_recent),
        cmocka_unit_test(reliable_write_acks__bad_max__asserts),
        cmocka_unit_test(reliable__perfect_channel__every_message_in_order_once),
        cmocka_unit_test(reliable__lossy_reordering_channel__every_message_in_order_once),
        cmocka_unit_test(reliable__very_lossy_channel__still_completes),
    };

    return cmocka_run_group_tests_name("reliable", tests, NULL, NULL);
}
