/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_static_key.c -- "OpenVPN Static key V1" parsing and writing
 * (doc/protocol.md §5.4), with the key of §11.1.
 */
#include "test_common.h"

#include <unistd.h>

#include "basic.h"
#include "static_key.h"

#define HDR "-----BEGIN OpenVPN Static key V1-----\n"
#define FTR "-----END OpenVPN Static key V1-----\n"

/* §11.1 */
static const char *const key_lines[16] = {
    "26bb7c425de1c5de41403c1a9f137af8", "5ccf4a422fb54c7c41a5009fe55e16ad",
    "236b1065649d531f9959cd5817e16a6e", "8927c58fa9ad27065bd0d63b9090351e",
    "b9008b66bf5932b758a5da5918cdbcd9", "760967b911ff99e65bb555f034b292b4",
    "1854312a887c1f5fbe98bf1a79b97aea", "9e1cb8423894bde9a2efd60c8a836d27",
    "dc2fe63a20cbf00d4a99cd48ff1a7999", "700e944d22952624d53c22521a278054",
    "c4a559f65ed3f6370137ed387eaef5ae", "be0105f19a1a15a21a05d0494f241bc6",
    "1358bdd291ad20806cee1900cd9b1293", "11599a6305d1e1028722a691ce3eda41",
    "9e947dcfd50f558a163af16549bad8dc", "f2d1d86edf14280e53cf07a225b94bb9",
};

static char text[4096];

/* Build a key file: @p before, header, lines [0, nlines), @p after. */
static const char *
build(const char *before, int nlines, const char *after)
{
    snprintf(text, sizeof(text), "%s" HDR, before);
    for (int i = 0; i < nlines; i++)
    {
        strcat(text, key_lines[i]);
        strcat(text, "\n");
    }
    strcat(text, after);
    return text;
}

static void
read__vector_11_1__right_bytes(void **state)
{
    struct key2 k;
    const struct key *send, *recv;

    (void) state;
    assert_true(static_key_read_text(
      build("#\n# 2048 bit OpenVPN static key\n#\n", 16, FTR), "static.key", 1, &k));
    assert_int_equal(k.n, 2);
    assert_memory_equal(k.keys[0].cipher, "\x26\xbb\x7c\x42", 4);
    assert_memory_equal(k.keys[0].hmac, "\xb9\x00\x8b\x66", 4);
    assert_memory_equal(k.keys[1].cipher, "\xdc\x2f\xe6\x3a", 4);
    assert_memory_equal(k.keys[1].hmac + 60, "\x25\xb9\x4b\xb9", 4);
    static_key_select(&k, 0, &send, &recv);
    assert_ptr_equal(send, &k.keys[0]);
    assert_ptr_equal(recv, &k.keys[1]);
    static_key_select(&k, 1, &send, &recv);
    assert_ptr_equal(send, &k.keys[1]);
    assert_ptr_equal(recv, &k.keys[0]);
    static_key_select(&k, -1, &send, &recv);
    assert_ptr_equal(send, &k.keys[0]);
    assert_ptr_equal(recv, &k.keys[0]);
}

static void
read__garbage_before_header__ignored(void **state)
{
    struct key2 k;

    (void) state;
    assert_true(static_key_read_text(build("hello ### zz !!\nmore junk\n", 16, FTR), "f", 1, &k));
    assert_int_equal(k.keys[0].cipher[0], 0x26);
}

static void
read__128_bytes__one_key(void **state)
{
    struct key2 k;

    (void) state;
    assert_true(static_key_read_text(build("", 8, FTR), "f", 1, &k));
    assert_int_equal(k.n, 1);
}

static void
expect_error(const char *t, const char *where)
{
    struct key2 k;

    mock_msg_reset();
    assert_false(static_key_read_text(t, "bad.key", 1, &k));
    if (!strstr(mock_last_msg, where))
    {
        fail_msg("expected '%s' in '%s'", where, mock_last_msg);
    }
}

static void
read__malformed__fails_with_file_and_line(void **state)
{
    char bad[4096];

    (void) state;
    expect_error(build("", 16, ""), "bad.key:17:");   /* missing footer */
    expect_error(build("", 15, FTR), "bad.key:17:");  /* short key */
    expect_error(build("", 0, FTR), "bad.key:2:");    /* empty key */
    expect_error("no header at all\n", "bad.key:1:"); /* no header */
    build("", 16, FTR);
    strcpy(bad, text);
    bad[strlen(HDR) + 33 + 5] = 'g'; /* line 3, bad hex */
    expect_error(bad, "bad.key:3:");
    strcpy(bad, text);
    bad[strlen(HDR) + 7] = ' '; /* odd digit count */
    expect_error(bad, "bad.key:");
    snprintf(bad, sizeof(bad), "%s%s", build("", 16, ""), "00\n" FTR); /* too long */
    expect_error(bad, "bad.key:18:");
}

static void
read__every_truncation__rejected(void **state)
{
    char t[4096];
    struct key2 k;
    size_t full;

    (void) state;
    build("", 16, FTR);
    full = strlen(text);
    /* every prefix that cuts into the footer or earlier must fail */
    for (size_t n = 0; n + 2 < full; n++)
    {
        memcpy(t, text, n);
        t[n] = '\0';
        assert_false(static_key_read_text(t, "t", 1, &k));
    }
}

static void
write_read__round_trip__same_key(void **state)
{
    char path[] = "/tmp/test_static_keyXXXXXX";
    struct key2 a, b;
    int fd = mkstemp(path);

    (void) state;
    assert_true(fd >= 0);
    close(fd);
    assert_true(static_key_generate(&a));
    assert_true(static_key_write_file(path, &a));
    assert_true(static_key_read_file(path, &b));
    assert_int_equal(b.n, 2);
    assert_memory_equal(&a.keys, &b.keys, sizeof(a.keys));
    unlink(path);
}

static void
read_file__missing__fails(void **state)
{
    struct key2 k;

    (void) state;
    mock_msg_reset();
    assert_false(static_key_read_file("/nonexistent/dir/k.key", &k));
    assert_non_null(strstr(mock_last_msg, "/nonexistent/dir/k.key"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read__vector_11_1__right_bytes),
        cmocka_unit_test(read__garbage_before_header__ignored),
        cmocka_unit_test(read__128_bytes__one_key),
        cmocka_unit_test(read__malformed__fails_with_file_and_line),
        cmocka_unit_test(read__every_truncation__rejected),
        cmocka_unit_test(write_read__round_trip__same_key),
        cmocka_unit_test(read_file__missing__fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
