/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_platform_systemd.c -- the sd_notify backend against a datagram
 * socket standing in for systemd: the exact bytes OpenVPN 2.6 sends, and
 * nothing without a listener or without NOTIFY_SOCKET.
 */
#include "config.h"

#include "test_common.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform_systemd.h"

struct fake_systemd
{
    char dir[64];
    char path[128];
    int fd;
};

static int
setup(void **state)
{
    static struct fake_systemd f;
    struct sockaddr_un sa;

    memset(&f, 0, sizeof(f));
    strcpy(f.dir, "/tmp/sdnotify.XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    snprintf(f.path, sizeof(f.path), "%s/notify", f.dir);
    f.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(f.fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, f.path);
    assert_int_equal(bind(f.fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
    setenv("NOTIFY_SOCKET", f.path, 1);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fake_systemd *f = *state;

    close(f->fd);
    unlink(f->path);
    rmdir(f->dir);
    unsetenv("NOTIFY_SOCKET");
    return 0;
}

/* The next datagram as a string; "" when nothing is waiting (sd_notify has
 * sent it before returning, so there is nothing to wait for). */
static const char *
take(struct fake_systemd *f)
{
    static char buf[512];
    ssize_t n = recv(f->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void
platform_systemd_claim__listener__sends_ready0_and_returns_true(void **state)
{
    struct fake_systemd *f = *state;

    assert_true(platform_systemd_claim());
    assert_string_equal(take(f), "READY=0");
    assert_string_equal(take(f), "");
    /* 2.6 keeps the variable: later notifications need it */
    assert_string_equal(getenv("NOTIFY_SOCKET"), f->path);
}

static void
platform_systemd_ready__listener__sends_2_6_text_with_own_pid(void **state)
{
    struct fake_systemd *f = *state;
    char want[256];

    snprintf(want,
             sizeof(want),
             "READY=1\nSTATUS=Pre-connection initialization successful\nMAINPID=%lu",
             (unsigned long) getpid());
    platform_systemd_ready();
    assert_string_equal(take(f), want);
}

static void
platform_systemd_status__listener__sends_status_line(void **state)
{
    struct fake_systemd *f = *state;

    platform_systemd_status("Initialization Sequence Completed");
    assert_string_equal(take(f), "STATUS=Initialization Sequence Completed");
}

static void
platform_systemd_claim__no_notify_socket__false_and_silent(void **state)
{
    struct fake_systemd *f = *state;

    unsetenv("NOTIFY_SOCKET");
    assert_false(platform_systemd_claim());
    platform_systemd_ready();
    platform_systemd_status("x");
    assert_string_equal(take(f), "");
}

static void
platform_systemd_claim__nobody_listening__false(void **state)
{
    struct fake_systemd *f = *state;
    char gone[160];

    snprintf(gone, sizeof(gone), "%s/none", f->dir);
    setenv("NOTIFY_SOCKET", gone, 1);
    assert_false(platform_systemd_claim()); /* then --daemon forks, as with 2.6 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
          platform_systemd_claim__listener__sends_ready0_and_returns_true, setup, teardown),
        cmocka_unit_test_setup_teardown(
          platform_systemd_ready__listener__sends_2_6_text_with_own_pid, setup, teardown),
        cmocka_unit_test_setup_teardown(
          platform_systemd_status__listener__sends_status_line, setup, teardown),
        cmocka_unit_test_setup_teardown(
          platform_systemd_claim__no_notify_socket__false_and_silent, setup, teardown),
        cmocka_unit_test_setup_teardown(
          platform_systemd_claim__nobody_listening__false, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
