/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_ctl_pkt.c -- plain control headers (doc/protocol.md §2.1/§2.2), the
 * early-negotiation TLVs (§2.8) and session ids, against the packets
 * captured from openvpn 2.6.14 in §11.2/§11.3 (after unwrapping).
 */
#include "test_common.h"

#include "basic.h"
#include "buffer.h"
#include "ctl_pkt.h"
#include "session_id.h"
#include "wire.h"

/* §11.3 server HARD_RESET_SERVER_V2: byte0 and sid from the header, then the
 * decrypted plaintext "01 00000000 c981ea257fc2a780 00000000". */
static const uint8_t tc_server_reset[] = {
    0x40,                                           /* HARD_RESET_SERVER_V2, key 0 */
    0x5d, 0xe4, 0x65, 0x5b, 0xf7, 0xb9, 0x45, 0xfc, /* server sid */
    0x01,                                           /* one ack */
    0x00, 0x00, 0x00, 0x00,                         /* acks msg 0 */
    0xc9, 0x81, 0xea, 0x25, 0x7f, 0xc2, 0xa7, 0x80, /* client sid, echoed */
    0x00, 0x00, 0x00, 0x00,                         /* msg id 0, empty payload */
};

/* §11.3 client HARD_RESET_CLIENT_V2: plaintext "00 00000000". */
static const uint8_t tc_client_reset[] = {
    0x38, 0xc9, 0x81, 0xea, 0x25, 0x7f, 0xc2, 0xa7, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* §11.2 tls-auth packets with the HMAC and replay id removed. */
static const uint8_t ta_client_reset[] = {
    0x38, 0x4a, 0x74, 0xac, 0x3c, 0x9c, 0xab, 0xb3, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t ta_server_reset[] = {
    0x40, 0x9f, 0x7e, 0xc0, 0x2a, 0x16, 0x8b, 0x25, 0x08, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x4a, 0x74, 0xac, 0x3c, 0x9c, 0xab, 0xb3, 0x08, 0x00, 0x00, 0x00, 0x00,
};

/* CONTROL_V1 key 2, 8 acks (the most allowed), msg id 0x01020304, 3 payload bytes. */
static const uint8_t control_8_acks[] = {
    0x22,                                                           /* CONTROL_V1, key 2 */
    1,    2,    3,    4,    5,  6,  7,  8,                          /* sender sid */
    0x08,                                                           /* eight acks */
    0,    0,    0,    1,    0,  0,  0,  2,  0, 0, 0, 3, 0, 0, 0, 4, /* acks 1..4 */
    0,    0,    0,    5,    0,  0,  0,  6,  0, 0, 0, 7,             /* acks 5..7 */
    0xff, 0xff, 0xff, 0xff,                                         /* ack 0xffffffff */
    9,    10,   11,   12,   13, 14, 15, 16,                         /* our sid, echoed */
    0x01, 0x02, 0x03, 0x04,                                         /* msg id */
    0x16, 0x03, 0x01,                                               /* payload */
};

/* P_ACK_V1 key 0 acking 1 and 0: frame 6 of the §11.8 transcript, unwrapped. */
static const uint8_t ack_v1[] = {
    0x28, 0x4a, 0x74, 0xac, 0x3c, 0x9c, 0xab, 0xb3, 0x08, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x9f, 0x7e, 0xc0, 0x2a, 0x16, 0x8b, 0x25, 0x08,
};

static struct buffer
view_of(uint8_t *copy, const uint8_t *src, size_t len)
{
    memcpy(copy, src, len);
    return buf_view(copy, len);
}

static void
ctl_header_parse__tls_crypt_server_reset__decodes_every_field(void **state)
{
    static const uint8_t server_sid[] = { 0x5d, 0xe4, 0x65, 0x5b, 0xf7, 0xb9, 0x45, 0xfc };
    static const uint8_t client_sid[] = { 0xc9, 0x81, 0xea, 0x25, 0x7f, 0xc2, 0xa7, 0x80 };
    uint8_t pkt[sizeof(tc_server_reset)];
    struct buffer buf = view_of(pkt, tc_server_reset, sizeof(pkt));
    struct ctl_header h;
    (void) state;

    assert_true(ctl_header_parse(&buf, &h));
    assert_int_equal(h.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
    assert_int_equal(h.key_id, 0);
    assert_memory_equal(h.local_sid.id, server_sid, SID_SIZE);
    assert_int_equal(h.n_acks, 1);
    assert_int_equal(h.acks[0], 0);
    assert_memory_equal(h.remote_sid.id, client_sid, SID_SIZE);
    assert_true(h.has_msg_id);
    assert_int_equal(h.msg_id, 0);
    assert_int_equal(buf_len(&buf), 0);
    assert_ptr_equal(buf_ptr(&buf), pkt + sizeof(pkt));
}

static void
ctl_header_parse__tls_crypt_client_reset__has_no_acks(void **state)
{
    uint8_t pkt[sizeof(tc_client_reset)];
    struct buffer buf = view_of(pkt, tc_client_reset, sizeof(pkt));
    struct ctl_header h;
    (void) state;

    assert_true(ctl_header_parse(&buf, &h));
    assert_int_equal(h.opcode, P_CONTROL_HARD_RESET_CLIENT_V2);
    assert_int_equal(h.key_id, 0);
    assert_memory_equal(h.local_sid.id, tc_client_reset + 1, SID_SIZE);
    assert_int_equal(h.n_acks, 0);
    assert_false(session_id_defined(&h.remote_sid));
    assert_true(h.has_msg_id);
    assert_int_equal(h.msg_id, 0);
    assert_int_equal(buf_len(&buf), 0);
}

static void
ctl_header_parse__tls_auth_resets__ack_echoes_client_sid(void **state)
{
    uint8_t c[sizeof(ta_client_reset)], s[sizeof(ta_server_reset)];
    struct buffer cb = view_of(c, ta_client_reset, sizeof(c));
    struct buffer sb = view_of(s, ta_server_reset, sizeof(s));
    struct ctl_header ch, sh;
    (void) state;

    assert_true(ctl_header_parse(&cb, &ch));
    assert_true(ctl_header_parse(&sb, &sh));
    assert_int_equal(ch.opcode, P_CONTROL_HARD_RESET_CLIENT_V2);
    assert_int_equal(sh.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
    assert_int_equal(sh.n_acks, 1);
    assert_int_equal(sh.acks[0], ch.msg_id);
    /* What the client checks before accepting the reply (§2.1 "BAD SESSION-ID"). */
    assert_true(session_id_equal(&sh.remote_sid, &ch.local_sid));
    assert_false(session_id_equal(&sh.local_sid, &ch.local_sid));
}

static void
ctl_header_parse__eight_acks_and_payload__leaves_payload(void **state)
{
    uint8_t pkt[sizeof(control_8_acks)];
    struct buffer buf = view_of(pkt, control_8_acks, sizeof(pkt));
    struct ctl_header h;
    (void) state;

    assert_true(ctl_header_parse(&buf, &h));
    assert_int_equal(h.opcode, P_CONTROL_V1);
    assert_int_equal(h.key_id, 2);
    assert_int_equal(h.n_acks, 8);
    for (uint32_t i = 0; i < 7; i++)
    {
        assert_int_equal(h.acks[i], i + 1);
    }
    assert_int_equal(h.acks[7], 0xffffffffu);
    assert_int_equal(h.remote_sid.id[0], 9);
    assert_int_equal(h.remote_sid.id[7], 16);
    assert_int_equal(h.msg_id, 0x01020304);
    assert_int_equal(buf_len(&buf), 3);
    assert_int_equal(buf_ptr(&buf)[0], 0x16);
}

static void
ctl_header_parse__ack_v1__has_no_msg_id(void **state)
{
    uint8_t pkt[sizeof(ack_v1)];
    struct buffer buf = view_of(pkt, ack_v1, sizeof(pkt));
    struct ctl_header h;
    (void) state;

    assert_true(ctl_header_parse(&buf, &h));
    assert_int_equal(h.opcode, P_ACK_V1);
    assert_int_equal(h.n_acks, 2);
    assert_int_equal(h.acks[0], 1);
    assert_int_equal(h.acks[1], 0);
    assert_false(h.has_msg_id);
    assert_int_equal(buf_len(&buf), 0);
}

/* Every strict prefix of each known header is rejected without consuming. */
static void
ctl_header_parse__every_truncation__fails_without_consuming(void **state)
{
    static const struct
    {
        const uint8_t *pkt;
        size_t header_len;
    } cases[] = {
        { tc_server_reset, sizeof(tc_server_reset) },
        { tc_client_reset, sizeof(tc_client_reset) },
        { ta_server_reset, sizeof(ta_server_reset) },
        { control_8_acks, sizeof(control_8_acks) - 3 },
        { ack_v1, sizeof(ack_v1) },
    };
    uint8_t pkt[64];
    (void) state;

    for (size_t c = 0; c < ARRAY_SIZE(cases); c++)
    {
        for (size_t len = 0; len < cases[c].header_len; len++)
        {
            struct buffer buf = view_of(pkt, cases[c].pkt, len);
            struct ctl_header h;

            memset(&h, 0x55, sizeof(h));
            assert_false(ctl_header_parse(&buf, &h));
            assert_int_equal(buf_len(&buf), len);
            assert_ptr_equal(buf_ptr(&buf), pkt);
            assert_int_equal(h.n_acks, 0); /* zeroed on failure */
        }
    }
}

static void
ctl_header_parse__more_than_eight_acks__fails(void **state)
{
    uint8_t pkt[1 + SID_SIZE + 1 + 4 * 255 + SID_SIZE + 4];
    struct ctl_header h;
    (void) state;

    /* Enough bytes behind the count that only the count can be the reason. */
    for (unsigned int n = CTL_ACK_MAX + 1; n <= 255; n++)
    {
        memset(pkt, 0, sizeof(pkt));
        pkt[0] = ctl_byte0(P_CONTROL_V1, 0);
        pkt[1 + SID_SIZE] = (uint8_t) n;
        struct buffer buf = buf_view(pkt, sizeof(pkt));

        assert_false(ctl_header_parse(&buf, &h));
        assert_int_equal(buf_len(&buf), sizeof(pkt));
    }
}

static void
ctl_header_parse__each_opcode__accepts_exactly_the_control_ones(void **state)
{
    uint8_t pkt[1 + SID_SIZE + 1 + 4];
    (void) state;

    for (unsigned int op = 0; op < 32; op++)
    {
        struct ctl_header h;
        bool legal = op == 3 || op == 4 || op == 5 || op == 7 || op == 8 || op == 10 || op == 11;

        memset(pkt, 0, sizeof(pkt));
        pkt[0] = ctl_byte0((uint8_t) op, 7);
        /* P_ACK_V1 has no message id, so give it exactly its length. */
        struct buffer buf = buf_view(pkt, op == P_ACK_V1 ? sizeof(pkt) - 4 : sizeof(pkt));

        assert_int_equal(ctl_header_parse(&buf, &h), legal);
        assert_int_equal(ctl_opcode_is_control((uint8_t) op), legal);
        if (legal)
        {
            assert_int_equal(h.opcode, op);
            assert_int_equal(h.key_id, 7);
        }
    }
}

static void
ctl_header_parse__ack_v1_with_trailing_byte__fails(void **state)
{
    uint8_t pkt[sizeof(ack_v1) + 1];
    struct ctl_header h;
    (void) state;

    memcpy(pkt, ack_v1, sizeof(ack_v1));
    pkt[sizeof(ack_v1)] = 0;
    struct buffer buf = buf_view(pkt, sizeof(pkt));

    assert_false(ctl_header_parse(&buf, &h));
    assert_int_equal(buf_len(&buf), sizeof(pkt));
}

static void
ctl_header_write__every_opcode_and_ack_count__round_trips(void **state)
{
    static const uint8_t ops[] = { 3, 4, 5, 7, 8, 10, 11 };
    static const uint8_t counts[] = { 0, 1, 4, 8 };
    static const uint8_t payload[] = { 0xde, 0xad, 0xbe, 0xef };
    (void) state;

    for (size_t o = 0; o < ARRAY_SIZE(ops); o++)
    {
        for (size_t c = 0; c < ARRAY_SIZE(counts); c++)
        {
            struct ctl_header in = { .opcode = ops[o],
                                     .key_id = (uint8_t) (o % 8),
                                     .n_acks = counts[c],
                                     .msg_id = 0x80000000u + (uint32_t) c };
            struct ctl_header out;
            uint8_t storage[CTL_HEADER_MAX_LEN + sizeof(payload)];
            struct buffer buf = buf_storage(storage, sizeof(storage), 0);

            memset(in.local_sid.id, 0xa0 + (int) o, SID_SIZE);
            for (unsigned int i = 0; i < in.n_acks; i++)
            {
                in.acks[i] = 1000 * i + o;
            }
            if (in.n_acks)
            {
                memset(in.remote_sid.id, 0xb0 + (int) c, SID_SIZE);
            }

            assert_true(ctl_header_write(&buf, &in));
            assert_int_equal(buf_len(&buf), ctl_header_len(&in));
            bool with_payload = ops[o] != P_ACK_V1;
            if (with_payload)
            {
                assert_true(buf_write_bytes(&buf, payload, sizeof(payload)));
            }

            assert_true(ctl_header_parse(&buf, &out));
            assert_int_equal(out.opcode, in.opcode);
            assert_int_equal(out.key_id, in.key_id);
            assert_true(session_id_equal(&out.local_sid, &in.local_sid));
            assert_int_equal(out.n_acks, in.n_acks);
            assert_memory_equal(out.acks, in.acks, in.n_acks * sizeof(in.acks[0]));
            assert_true(session_id_equal(&out.remote_sid, &in.remote_sid));
            assert_int_equal(out.has_msg_id, ops[o] != P_ACK_V1);
            assert_int_equal(out.msg_id, ops[o] != P_ACK_V1 ? in.msg_id : 0);
            assert_int_equal(buf_len(&buf), with_payload ? sizeof(payload) : 0);
        }
    }
}

static void
ctl_header_write__known_server_reset__reproduces_capture(void **state)
{
    struct ctl_header h = { .opcode = P_CONTROL_HARD_RESET_SERVER_V2,
                            .n_acks = 1,
                            .has_msg_id = true };
    uint8_t storage[64];
    struct buffer buf = buf_storage(storage, sizeof(storage), 0);
    (void) state;

    memcpy(h.local_sid.id, tc_server_reset + 1, SID_SIZE);
    memcpy(h.remote_sid.id, tc_server_reset + 14, SID_SIZE);

    assert_true(ctl_header_write(&buf, &h));
    assert_int_equal(buf_len(&buf), sizeof(tc_server_reset));
    assert_memory_equal(buf_ptr(&buf), tc_server_reset, sizeof(tc_server_reset));
}

static void
ctl_header_write__too_little_room__fails_without_writing(void **state)
{
    struct ctl_header h = { .opcode = P_CONTROL_V1, .n_acks = 3, .msg_id = 9 };
    uint8_t storage[CTL_HEADER_MAX_LEN];
    (void) state;

    size_t need = ctl_header_len(&h);
    assert_int_equal(need, 1 + 8 + 1 + 12 + 8 + 4);
    for (size_t cap = 0; cap < need; cap++)
    {
        struct buffer buf = buf_storage(storage, cap, 0);

        assert_false(ctl_header_write(&buf, &h));
        assert_int_equal(buf_len(&buf), 0);
    }
    struct buffer buf = buf_storage(storage, need, 0);
    assert_true(ctl_header_write(&buf, &h));
    assert_int_equal(buf_len(&buf), need);
}

static void
ctl_header_write__data_opcode__asserts(void **state)
{
    struct ctl_header h = { .opcode = P_DATA_V2 };
    uint8_t storage[64];
    struct buffer buf = buf_storage(storage, sizeof(storage), 0);
    (void) state;

    expect_assert_failure(ctl_header_write(&buf, &h));
    h.opcode = P_CONTROL_V1;
    h.n_acks = CTL_ACK_MAX + 1;
    expect_assert_failure(ctl_header_write(&buf, &h));
}

static void
ctl_opcode__classification__matches_protocol_table(void **state)
{
    (void) state;

    assert_true(ctl_opcode_is_hard_reset_client(P_CONTROL_HARD_RESET_CLIENT_V2));
    assert_true(ctl_opcode_is_hard_reset_client(P_CONTROL_HARD_RESET_CLIENT_V3));
    assert_false(ctl_opcode_is_hard_reset_client(P_CONTROL_HARD_RESET_SERVER_V2));
    assert_false(ctl_opcode_is_hard_reset_client(P_CONTROL_HARD_RESET_CLIENT_V1));
    assert_true(ctl_opcode_is_hard_reset_server(P_CONTROL_HARD_RESET_SERVER_V2));
    assert_false(ctl_opcode_is_hard_reset_server(P_CONTROL_HARD_RESET_SERVER_V1));
    assert_true(ctl_opcode_is_hard_reset(P_CONTROL_HARD_RESET_CLIENT_V3));
    assert_false(ctl_opcode_is_hard_reset(P_CONTROL_SOFT_RESET_V1));
    assert_true(ctl_opcode_is_reliable(P_CONTROL_V1));
    assert_true(ctl_opcode_is_reliable(P_CONTROL_SOFT_RESET_V1));
    assert_false(ctl_opcode_is_reliable(P_ACK_V1));
    assert_false(ctl_opcode_is_reliable(P_DATA_V1));
    assert_true(ctl_opcode_is_data(P_DATA_V1));
    assert_true(ctl_opcode_is_data(P_DATA_V2));
    assert_false(ctl_opcode_is_data(P_CONTROL_V1));
    assert_true(ctl_opcode_carries_wkc(P_CONTROL_WKC_V1));
    assert_true(ctl_opcode_carries_wkc(P_CONTROL_HARD_RESET_CLIENT_V3));
    assert_false(ctl_opcode_carries_wkc(P_CONTROL_V1));
    assert_string_equal(ctl_opcode_name(P_CONTROL_HARD_RESET_CLIENT_V2),
                        "P_CONTROL_HARD_RESET_CLIENT_V2");
    assert_string_equal(ctl_opcode_name(P_ACK_V1), "P_ACK_V1");
    assert_string_equal(ctl_opcode_name(0), "P_???");
    assert_string_equal(ctl_opcode_name(31), "P_???");
}

static void
ctl_byte0__examples_from_protocol__encode_and_split(void **state)
{
    (void) state;

    assert_int_equal(ctl_byte0(P_CONTROL_HARD_RESET_CLIENT_V2, 0), 0x38);
    assert_int_equal(ctl_byte0(P_CONTROL_HARD_RESET_SERVER_V2, 0), 0x40);
    assert_int_equal(ctl_byte0(P_CONTROL_V1, 0), 0x20);
    assert_int_equal(ctl_byte0(P_ACK_V1, 0), 0x28);
    assert_int_equal(ctl_byte0(P_CONTROL_HARD_RESET_CLIENT_V3, 0), 0x50);
    assert_int_equal(ctl_byte0(P_CONTROL_WKC_V1, 0), 0x58);
    assert_int_equal(ctl_byte0(P_CONTROL_SOFT_RESET_V1, 5), 0x1d);
    assert_int_equal(ctl_byte0_opcode(0x1d), P_CONTROL_SOFT_RESET_V1);
    assert_int_equal(ctl_byte0_key_id(0x1d), 5);
}

/* ---- early-negotiation TLVs (§2.8) ---- */

static void
early_neg_parse__observed_server_payload__resend_wkc(void **state)
{
    uint8_t tlv[] = { 0x00, 0x01, 0x00, 0x02, 0x00, 0x01 };
    struct buffer buf = buf_view(tlv, sizeof(tlv));
    struct early_neg en;
    (void) state;

    assert_true(early_neg_parse(&buf, &en));
    assert_true(en.has_flags);
    assert_int_equal(en.flags, EARLY_NEG_FLAG_RESEND_WKC);
    assert_int_equal(buf_len(&buf), sizeof(tlv)); /* not consumed */
}

static void
early_neg_parse__empty_payload__ok_without_flags(void **state)
{
    struct buffer buf = buf_view(NULL, 0);
    struct early_neg en;
    (void) state;

    assert_true(early_neg_parse(&buf, &en));
    assert_false(en.has_flags);
    assert_int_equal(en.flags, 0);
}

static void
early_neg_parse__unknown_types__skipped(void **state)
{
    uint8_t tlv[] = {
        0x12, 0x34, 0x00, 0x03, 0xaa, 0xbb, 0xcc, /* unknown, 3 bytes */
        0x00, 0x01, 0x00, 0x02, 0x80, 0x01,       /* flags */
        0xff, 0xff, 0x00, 0x00,                   /* unknown, empty */
    };
    struct buffer buf = buf_view(tlv, sizeof(tlv));
    struct early_neg en;
    (void) state;

    assert_true(early_neg_parse(&buf, &en));
    assert_true(en.has_flags);
    assert_int_equal(en.flags, 0x8001);
}

static void
early_neg_parse__malformed_lists__fail(void **state)
{
    static const struct
    {
        uint8_t bytes[12];
        size_t len;
    } bad[] = {
        { { 0x00 }, 1 },                                     /* half a type */
        { { 0x00, 0x01, 0x00 }, 3 },                         /* half a length */
        { { 0x00, 0x01, 0x00, 0x02, 0x00 }, 5 },             /* short value */
        { { 0x00, 0x01, 0x00, 0x01, 0x01 }, 5 },             /* flags length 1 */
        { { 0x00, 0x01, 0x00, 0x03, 0x00, 0x01, 0x00 }, 7 }, /* flags length 3 */
        { { 0x00, 0x07, 0xff, 0xff, 0x00 }, 5 },             /* unknown, huge length */
        { { 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00 }, 7 }, /* good, then truncated */
        /* flags length 6: reading just 2 bytes would leave a valid empty TLV */
        { { 0x00, 0x01, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 }, 10 },
    };
    struct early_neg en;
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    {
        uint8_t copy[12];
        struct buffer buf = view_of(copy, bad[i].bytes, bad[i].len);

        memset(&en, 0x55, sizeof(en));
        assert_false(early_neg_parse(&buf, &en));
        assert_false(en.has_flags);
        assert_int_equal(buf_len(&buf), bad[i].len);
    }
}

static void
early_neg_parse__every_truncation_of_flags_tlv__fails(void **state)
{
    uint8_t tlv[] = { 0x00, 0x01, 0x00, 0x02, 0x00, 0x01 };
    struct early_neg en;
    (void) state;

    for (size_t len = 1; len < sizeof(tlv); len++)
    {
        struct buffer buf = buf_view(tlv, len);

        assert_false(early_neg_parse(&buf, &en));
    }
}

static void
early_neg_write__resend_wkc__matches_capture_and_round_trips(void **state)
{
    static const uint8_t want[] = { 0x00, 0x01, 0x00, 0x02, 0x00, 0x01 };
    struct early_neg in = { .has_flags = true, .flags = EARLY_NEG_FLAG_RESEND_WKC }, out;
    uint8_t storage[16];
    struct buffer buf = buf_storage(storage, sizeof(storage), 0);
    (void) state;

    assert_true(early_neg_write(&buf, &in));
    assert_int_equal(buf_len(&buf), sizeof(want));
    assert_memory_equal(buf_ptr(&buf), want, sizeof(want));
    assert_true(early_neg_parse(&buf, &out));
    assert_true(out.has_flags);
    assert_int_equal(out.flags, in.flags);

    /* no flags: nothing written; too little room: nothing written */
    struct early_neg none = { 0 };
    struct buffer empty = buf_storage(storage, sizeof(storage), 0);
    assert_true(early_neg_write(&empty, &none));
    assert_int_equal(buf_len(&empty), 0);
    struct buffer small = buf_storage(storage, 5, 0);
    assert_false(early_neg_write(&small, &in));
    assert_int_equal(buf_len(&small), 0);
}

/* ---- session ids ---- */

static void
session_id_from_random__all_zero__refused(void **state)
{
    static const uint8_t zero[SID_SIZE] = { 0 };
    static const uint8_t rnd[SID_SIZE] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    struct session_id sid;
    (void) state;

    memset(&sid, 0x77, sizeof(sid));
    assert_false(session_id_from_random(&sid, zero));
    assert_false(session_id_defined(&sid));

    assert_true(session_id_from_random(&sid, rnd));
    assert_true(session_id_defined(&sid));
    assert_memory_equal(sid.id, rnd, SID_SIZE);
    session_id_clear(&sid);
    assert_false(session_id_defined(&sid));
}

static void
session_id_equal__differs_in_any_byte__false(void **state)
{
    struct session_id a, b;
    (void) state;

    memcpy(a.id, tc_client_reset + 1, SID_SIZE);
    for (size_t i = 0; i < SID_SIZE; i++)
    {
        b = a;
        assert_true(session_id_equal(&a, &b));
        b.id[i] ^= 0x01;
        assert_false(session_id_equal(&a, &b));
    }
}

static void
session_id_read_write__round_trip_and_truncation(void **state)
{
    struct session_id a, b;
    uint8_t storage[SID_SIZE];
    char hex[SESSION_ID_HEX_LEN];
    (void) state;

    memcpy(a.id, tc_client_reset + 1, SID_SIZE);
    assert_string_equal(session_id_print(&a, hex), "c981ea257fc2a780");

    struct buffer small = buf_storage(storage, SID_SIZE - 1, 0);
    assert_false(session_id_write(&small, &a));
    assert_int_equal(buf_len(&small), 0);

    struct buffer buf = buf_storage(storage, sizeof(storage), 0);
    assert_true(session_id_write(&buf, &a));
    for (size_t len = 0; len < SID_SIZE; len++)
    {
        struct buffer t = buf_view(storage, len);

        assert_false(session_id_read(&t, &b));
        assert_int_equal(buf_len(&t), len);
    }
    assert_true(session_id_read(&buf, &b));
    assert_true(session_id_equal(&a, &b));
    assert_int_equal(buf_len(&buf), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ctl_header_parse__tls_crypt_server_reset__decodes_every_field),
        cmocka_unit_test(ctl_header_parse__tls_crypt_client_reset__has_no_acks),
        cmocka_unit_test(ctl_header_parse__tls_auth_resets__ack_echoes_client_sid),
        cmocka_unit_test(ctl_header_parse__eight_acks_and_payload__leaves_payload),
        cmocka_unit_test(ctl_header_parse__ack_v1__has_no_msg_id),
        cmocka_unit_test(ctl_header_parse__every_truncation__fails_without_consuming),
        cmocka_unit_test(ctl_header_parse__more_than_eight_acks__fails),
        cmocka_unit_test(ctl_header_parse__each_opcode__accepts_exactly_the_control_ones),
        cmocka_unit_test(ctl_header_parse__ack_v1_with_trailing_byte__fails),
        cmocka_unit_test(ctl_header_write__every_opcode_and_ack_count__round_trips),
        cmocka_unit_test(ctl_header_write__known_server_reset__reproduces_capture),
        cmocka_unit_test(ctl_header_write__too_little_room__fails_without_writing),
        cmocka_unit_test(ctl_header_write__data_opcode__asserts),
        cmocka_unit_test(ctl_opcode__classification__matches_protocol_table),
        cmocka_unit_test(ctl_byte0__examples_from_protocol__encode_and_split),
        cmocka_unit_test(early_neg_parse__observed_server_payload__resend_wkc),
        cmocka_unit_test(early_neg_parse__empty_payload__ok_without_flags),
        cmocka_unit_test(early_neg_parse__unknown_types__skipped),
        cmocka_unit_test(early_neg_parse__malformed_lists__fail),
        cmocka_unit_test(early_neg_parse__every_truncation_of_flags_tlv__fails),
        cmocka_unit_test(early_neg_write__resend_wkc__matches_capture_and_round_trips),
        cmocka_unit_test(session_id_from_random__all_zero__refused),
        cmocka_unit_test(session_id_equal__differs_in_any_byte__false),
        cmocka_unit_test(session_id_read_write__round_trip_and_truncation),
    };

    return cmocka_run_group_tests_name("ctl_pkt", tests, NULL, NULL);
}
