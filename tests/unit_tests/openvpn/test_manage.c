/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_manage.c -- the management interface driven over real sockets, the
 * way a management client would, with the replies OpenVPN 2.6.14 gives
 * (recorded against the reference binary, doc/protocol.md §10.4).  Links the
 * real error.c: the log history is fed through its log hook.
 */
#include "test_common.h"

#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "error.h"
#include "manage.h"

/* ---- what the callbacks saw ---- */
static struct
{
    int signum;
    unsigned long cid;
    unsigned int kid;
    bool allow;
    char reason[64], client_reason[64], config[512];
    int auth_calls;
    char user[64], pass[64], type[32];
    char kill_cn[64], kill_ip[64];
    int kill_port;
} seen;

static void
cb_status(void *arg, int version, void (*emit)(void *, const char *), void *emit_arg)
{
    char line[32];

    (void) arg;
    snprintf(line, sizeof(line), "STATUS v%d", version);
    emit(emit_arg, line);
    emit(emit_arg, "END");
}

static int
cb_kill_cn(void *arg, const char *cn)
{
    (void) arg;
    snprintf(seen.kill_cn, sizeof(seen.kill_cn), "%s", cn);
    return strcmp(cn, "client1") == 0 ? 2 : 0;
}

static int
cb_kill_addr(void *arg, const char *ip, int port)
{
    (void) arg;
    snprintf(seen.kill_ip, sizeof(seen.kill_ip), "%s", ip);
    seen.kill_port = port;
    return strcmp(ip, "198.51.100.2") == 0 ? 1 : 0;
}

static bool
cb_client_kill(void *arg, unsigned long cid, const char *msg)
{
    (void) arg;
    (void) msg;
    return cid == 4;
}

static bool
cb_client_auth(void *arg,
               unsigned long cid,
               unsigned int kid,
               bool allow,
               const char *reason,
               const char *client_reason,
               const char *config_text)
{
    (void) arg;
    seen.cid = cid;
    seen.kid = kid;
    seen.allow = allow;
    snprintf(seen.reason, sizeof(seen.reason), "%s", reason ? reason : "(null)");
    snprintf(seen.client_reason,
             sizeof(seen.client_reason),
             "%s",
             client_reason ? client_reason : "(null)");
    snprintf(seen.config, sizeof(seen.config), "%s", config_text ? config_text : "(null)");
    seen.auth_calls++;
    return true;
}

static void
cb_signal(void *arg, int signum)
{
    (void) arg;
    seen.signum = signum;
}

static void
cb_load_stats(void *arg, int *n, uint64_t *in, uint64_t *out)
{
    (void) arg;
    *n = 3;
    *in = 2611;
    *out = 2736;
}

static void
cb_bytecount(void *arg, uint64_t *in, uint64_t *out)
{
    (void) arg;
    *in = 10;
    *out = 20;
}

static void
cb_bytecount_clients(void *arg,
                     void (*emit)(void *, unsigned long, uint64_t, uint64_t),
                     void *emit_arg)
{
    (void) arg;
    emit(emit_arg, 1, 5, 6);
    emit(emit_arg, 2, 7, 8);
}

static void
cb_password(void *arg, const char *type, const char *user, const char *pass)
{
    (void) arg;
    snprintf(seen.type, sizeof(seen.type), "%s", type);
    snprintf(seen.user, sizeof(seen.user), "%s", user ? user : "(null)");
    snprintf(seen.pass, sizeof(seen.pass), "%s", pass);
}

static const struct manage_callbacks callbacks = {
    .status = cb_status,
    .kill_cn = cb_kill_cn,
    .kill_addr = cb_kill_addr,
    .client_kill = cb_client_kill,
    .client_auth = cb_client_auth,
    .signal = cb_signal,
    .load_stats = cb_load_stats,
    .bytecount = cb_bytecount,
    .bytecount_clients = cb_bytecount_clients,
    .password = cb_password,
};

/* ---- plumbing ---- */

static struct manage *
open_tcp(bool server, const char *pw_file, bool hold)
{
    struct manage_config cfg = {
        .addr = "127.0.0.1",
        .port = "0",
        .server = server,
        .pw_file = pw_file,
        .hold = hold,
        .title = "OpenVPN 2.6.14 test",
        .log_history = 10,
    };
    struct manage *m;

    memset(&seen, 0, sizeof(seen));
    m = manage_open(&cfg, &callbacks);
    assert_non_null(m);
    assert_true(manage_port(m) > 0);
    return m;
}

static int
connect_tcp(struct manage *m)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(manage_port(m)) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
    return fd;
}

/* Everything the client has been sent until the line goes quiet; "<EOF>" on close. */
static const char *
drain(int fd)
{
    static char buf[65536];
    size_t n = 0;
    struct pollfd p = { .fd = fd, .events = POLLIN };

    while (n < sizeof(buf) - 8 && poll(&p, 1, 100) == 1)
    {
        ssize_t got = recv(fd, buf + n, sizeof(buf) - 8 - n, 0);

        if (got <= 0)
        {
            strcpy(buf + n, "<EOF>");
            return buf;
        }
        n += (size_t) got;
    }
    buf[n] = '\0';
    return buf;
}

/* Send @p text, let the interface handle it, return the reply. */
static const char *
cmd(struct manage *m, int fd, const char *text)
{
    size_t len = strlen(text);

    assert_int_equal(send(fd, text, len, 0), (ssize_t) len);
    usleep(10000);
    manage_io(m, 0);
    return drain(fd);
}

static int
connected_client(struct manage *m)
{
    int fd = connect_tcp(m);

    usleep(10000);
    manage_io(m, 0);
    assert_string_equal(drain(fd),
                        ">INFO:OpenVPN Management Interface Version 5 -- type 'help' "
                        "for more info\r\n");
    return fd;
}

/* ---- tests ---- */

static void
manage__connect__banner_version_pid_unknown(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    char pid[64];
    (void) state;

    assert_string_equal(cmd(m, fd, "version\n"),
                        "OpenVPN Version: OpenVPN 2.6.14 test\r\n"
                        "Management Version: 5\r\nEND\r\n");
    assert_string_equal(cmd(m, fd, "version 3\n"), ""); /* a client announcing its level */
    snprintf(pid, sizeof(pid), "SUCCESS: pid=%d\r\n", (int) getpid());
    assert_string_equal(cmd(m, fd, "pid\n"), pid);
    assert_string_equal(cmd(m, fd, "bogus cmd\n"),
                        "ERROR: unknown command, enter 'help' for more options\r\n");
    assert_string_equal(cmd(m, fd, "\n   \r\n"), "");
    assert_string_equal(cmd(m, fd, "load-stats\n"),
                        "SUCCESS: nclients=3,bytesin=2611,bytesout=2736\r\n");
    assert_string_equal(cmd(m, fd, "status 2\n"), "STATUS v2\r\nEND\r\n");
    assert_true(strncmp(cmd(m, fd, "help\n"),
                        "Management Interface for OpenVPN 2.6.14 test\r\n"
                        "Commands:\r\n",
                        56) == 0);
    assert_string_equal(cmd(m, fd, "quit\n"), "<EOF>");
    close(fd);
    manage_close(m);
}

static void
manage__p2p_mode__server_commands_refused_like_26(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    (void) state;

    assert_string_equal(cmd(m, fd, "kill foo\n"),
                        "ERROR: The 'kill' command is not supported "
                        "by the current daemon mode\r\n");
    assert_string_equal(cmd(m, fd, "client-kill x\n"), "ERROR: cannot parse CID\r\n");
    assert_string_equal(cmd(m, fd, "client-kill\n"),
                        "ERROR: the 'client-kill' command requires at least 1 parameter\r\n");
    assert_string_equal(cmd(m, fd, "client-auth 1 2\npush foo\n"), "");
    assert_string_equal(cmd(m, fd, "END\n"),
                        "ERROR: The 'client-auth' command is not "
                        "supported by the current daemon mode\r\n");
    assert_int_equal(seen.auth_calls, 0);
    close(fd);
    manage_close(m);
}

static void
manage__simple_settings__26_replies(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    (void) state;

    assert_string_equal(cmd(m, fd, "verb 4\n"), "SUCCESS: verb level changed\r\n");
    assert_string_equal(cmd(m, fd, "verb\n"), "SUCCESS: verb=4\r\n");
    assert_string_equal(cmd(m, fd, "verb 99\n"), "ERROR: verb level is out of range\r\n");
    assert_string_equal(cmd(m, fd, "mute 5\n"), "SUCCESS: mute level changed\r\n");
    assert_string_equal(cmd(m, fd, "mute\n"), "SUCCESS: mute=5\r\n");
    assert_string_equal(cmd(m, fd, "hold\n"), "SUCCESS: hold=0\r\n");
    assert_string_equal(cmd(m, fd, "hold on\n"), "SUCCESS: hold flag set to ON\r\n");
    assert_true(manage_hold_is_set(m));
    assert_string_equal(cmd(m, fd, "hold foo\n"), "ERROR: bad hold command parameter\r\n");
    assert_string_equal(cmd(m, fd, "auth-retry\n"), "SUCCESS: auth-retry=none\r\n");
    assert_string_equal(cmd(m, fd, "auth-retry interact\n"),
                        "SUCCESS: auth-retry parameter changed\r\n");
    assert_string_equal(cmd(m, fd, "forget-passwords\n"), "SUCCESS: Passwords were forgotten\r\n");
    assert_string_equal(cmd(m, fd, "signal SIGFOO\n"),
                        "ERROR: signal 'SIGFOO' is not a known signal type\r\n");
    assert_string_equal(cmd(m, fd, "signal SIGUSR2\n"), "SUCCESS: signal SIGUSR2 thrown\r\n");
    assert_int_equal(seen.signum, SIGUSR2);
    assert_string_equal(cmd(m, fd, "bytecount\n"),
                        "ERROR: the 'bytecount' command requires 1 parameter\r\n");
    assert_string_equal(
      cmd(m, fd, "echo \"a b\" c\n"),
      "ERROR: echo parameter must be 'on' or 'off' or some number n or 'all'\r\n"
      "ERROR: echo parameter must be 'on' or 'off' or some number n or 'all'\r\n");
    assert_string_equal(cmd(m, fd, "username Auth foo\n"),
                        "ERROR: no username is currently needed at this time\r\n");
    error_set_verb(1);
    close(fd);
    manage_close(m);
}

static void
manage__state__current_history_and_realtime(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd;
    (void) state;

    manage_set_state(m, 1795337354, "CONNECTING", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    manage_set_state(m, 1795337355, "ASSIGN_IP", "", "10.8.0.6", "", "", "", "", NULL);
    fd = connected_client(m);
    assert_string_equal(cmd(m, fd, "state\n"), "1795337355,ASSIGN_IP,,10.8.0.6,,,,\r\nEND\r\n");
    assert_string_equal(cmd(m, fd, "state all\n"),
                        "1795337354,CONNECTING,,,,,,\r\n"
                        "1795337355,ASSIGN_IP,,10.8.0.6,,,,\r\n"
                        "END\r\n");
    assert_string_equal(cmd(m, fd, "state 1\n"), "1795337355,ASSIGN_IP,,10.8.0.6,,,,\r\nEND\r\n");
    assert_string_equal(cmd(m, fd, "state foo\n"),
                        "ERROR: state parameter must be 'on' or 'off' "
                        "or some number n or 'all'\r\n");
    assert_string_equal(cmd(m, fd, "state on\n"),
                        "SUCCESS: real-time state notification set to ON\r\n");
    manage_set_state(m,
                     1795337360,
                     "CONNECTED",
                     "SUCCESS",
                     "10.8.0.6",
                     "198.51.100.1",
                     "1194",
                     "198.51.100.2",
                     "53779",
                     "2001:db8::1000");
    assert_string_equal(drain(fd),
                        ">STATE:1795337360,CONNECTED,SUCCESS,10.8.0.6,198.51.100.1,"
                        "1194,198.51.100.2,53779,2001:db8::1000\r\n");
    assert_string_equal(cmd(m, fd, "state off\n"),
                        "SUCCESS: real-time state notification set to OFF\r\n");
    manage_set_state(m, 1795337361, "EXITING", "SIGTERM", NULL, NULL, NULL, NULL, NULL, NULL);
    assert_string_equal(drain(fd), "");
    close(fd);
    manage_close(m);
}

static void
manage__log__history_through_hook_and_realtime(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    const char *r;
    (void) state;

    msg(M_INFO, "hello log");
    msg(M_WARN, "careful now");
    r = cmd(m, fd, "log all\n");
    assert_non_null(strstr(r, ",I,hello log\r\n"));
    assert_non_null(strstr(r, ",W,careful now\r\n"));
    assert_true(strlen(r) > 5 && strcmp(r + strlen(r) - 5, "END\r\n") == 0);
    assert_string_equal(cmd(m, fd, "log on\n"),
                        "SUCCESS: real-time log notification set to ON\r\n");
    msg(M_INFO, "live line");
    r = drain(fd);
    assert_true(strncmp(r, ">LOG:", 5) == 0);
    assert_non_null(strstr(r, ",I,live line\r\n"));
    /* the history is bounded by --management-log-cache (10 here) */
    for (int i = 0; i < 30; i++)
    {
        msg(M_INFO | M_NOMUTE, "filler %d", i);
    }
    assert_non_null(strstr(drain(fd), ",I,filler 29\r\n"));
    assert_string_equal(cmd(m, fd, "log off\n"),
                        "SUCCESS: real-time log notification set to OFF\r\n");
    r = cmd(m, fd, "log 2\n");
    assert_null(strstr(r, "filler 27"));
    assert_non_null(strstr(r, "filler 29\r\n"));
    close(fd);
    manage_close(m);
}

static void
manage__password_file__right_wrong_and_three_strikes(void **state)
{
    char dir[] = "/tmp/test_manage_XXXXXX";
    char path[64];
    struct manage *m;
    FILE *fp;
    int fd;
    (void) state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/pw", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("secretpw\nsecond line ignored\n", fp);
    fclose(fp);
    m = open_tcp(false, path, false);

    fd = connect_tcp(m);
    usleep(10000);
    manage_io(m, 0);
    assert_string_equal(drain(fd), "ENTER PASSWORD:");
    assert_string_equal(cmd(m, fd, "version\n"), "ENTER PASSWORD:"); /* not a command yet */
    assert_string_equal(cmd(m, fd, "secretpw\r\n"),
                        "SUCCESS: password is correct\r\n"
                        ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more "
                        "info\r\n");
    assert_string_equal(cmd(m, fd, "hold\n"), "SUCCESS: hold=0\r\n");
    close(fd);
    manage_io(m, 0);

    fd = connect_tcp(m);
    usleep(10000);
    manage_io(m, 0);
    assert_string_equal(drain(fd), "ENTER PASSWORD:");
    assert_string_equal(cmd(m, fd, "a\n"), "ENTER PASSWORD:");
    assert_string_equal(cmd(m, fd, "b\n"), "ENTER PASSWORD:");
    assert_string_equal(cmd(m, fd, "secretpw-not\n"), "<EOF>");
    close(fd);
    manage_close(m);
    unlink(path);
    rmdir(dir);
}

static void
manage_open__missing_password_file__null(void **state)
{
    struct manage_config cfg = { .addr = "127.0.0.1", .port = "0", .pw_file = "/nonexistent/p" };
    (void) state;

    assert_null(manage_open(&cfg, &callbacks));
}

static void
manage_hold_wait__release_and_sigterm(void **state)
{
    struct manage *m = open_tcp(false, NULL, true);
    int fd = connected_client(m);
    (void) state;

    assert_string_equal(send(fd, "hold release\n", 13, 0) == 13 ? "" : "x", "");
    assert_true(manage_hold_wait(m, 7));
    assert_string_equal(drain(fd),
                        ">HOLD:Waiting for hold release:7\r\n"
                        "SUCCESS: hold release succeeded\r\n");
    assert_string_equal(send(fd, "signal SIGTERM\n", 15, 0) == 15 ? "" : "x", "");
    assert_false(manage_hold_wait(m, 0));
    assert_int_equal(seen.signum, SIGTERM);
    assert_string_equal(drain(fd),
                        ">HOLD:Waiting for hold release:0\r\n"
                        "SUCCESS: signal SIGTERM thrown\r\n");
    close(fd);
    manage_close(m);
}

static void
manage_tick__bytecount__client_and_server_forms(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    time_t t = time(NULL) + 3; /* one fixed second, later than the command whatever the clock does */
    (void) state;

    assert_string_equal(cmd(m, fd, "bytecount 1\n"), "SUCCESS: bytecount interval changed\r\n");
    manage_tick(m, t);
    assert_string_equal(drain(fd), ">BYTECOUNT:10,20\r\n");
    manage_tick(m, t); /* same second: nothing */
    assert_string_equal(drain(fd), "");
    assert_string_equal(cmd(m, fd, "bytecount 0\n"), "SUCCESS: bytecount interval changed\r\n");
    manage_tick(m, time(NULL) + 5);
    assert_string_equal(drain(fd), "");
    close(fd);
    manage_close(m);

    m = open_tcp(true, NULL, false);
    fd = connected_client(m);
    cmd(m, fd, "bytecount 2\n");
    manage_tick(m, time(NULL) + 2);
    assert_string_equal(drain(fd), ">BYTECOUNT_CLI:1,5,6\r\n>BYTECOUNT_CLI:2,7,8\r\n");
    close(fd);
    manage_close(m);
}

static void
manage__client_auth__multiline_config_reaches_callback(void **state)
{
    struct manage *m = open_tcp(true, NULL, false);
    int fd = connected_client(m);
    (void) state;

    assert_string_equal(cmd(m,
                            fd,
                            "client-auth 5 1\npush \"route 10.9.0.0 255.255.255.0\"\n"
                            "ifconfig-push 10.8.0.9 255.255.255.0\n"),
                        "");
    assert_int_equal(seen.auth_calls, 0);
    assert_string_equal(cmd(m, fd, "END\n"), "SUCCESS: client-auth command succeeded\r\n");
    assert_int_equal(seen.cid, 5);
    assert_int_equal(seen.kid, 1);
    assert_true(seen.allow);
    assert_string_equal(seen.config,
                        "push \"route 10.9.0.0 255.255.255.0\"\n"
                        "ifconfig-push 10.8.0.9 255.255.255.0\n");
    assert_string_equal(cmd(m, fd, "client-auth-nt 6 2\n"),
                        "SUCCESS: client-auth command succeeded\r\n" /* sic, 2.6 */);
    assert_int_equal(seen.cid, 6);
    assert_string_equal(seen.config, "");
    assert_string_equal(cmd(m, fd, "client-deny 7 0 \"bad user\" \"go away\"\n"),
                        "SUCCESS: client-deny command succeeded\r\n");
    assert_false(seen.allow);
    assert_string_equal(seen.reason, "bad user");
    assert_string_equal(seen.client_reason, "go away");
    assert_string_equal(cmd(m, fd, "client-deny 7 x r\n"), "ERROR: cannot parse KID\r\n");
    assert_string_equal(cmd(m, fd, "client-auth 1\n"),
                        "ERROR: the 'client-auth' command requires 2 parameters\r\n");
    close(fd);
    manage_close(m);
}

static void
manage__kill_and_client_kill__server_texts(void **state)
{
    struct manage *m = open_tcp(true, NULL, false);
    int fd = connected_client(m);
    (void) state;

    assert_string_equal(cmd(m, fd, "kill client1\n"),
                        "SUCCESS: common name 'client1' found, 2 client(s) killed\r\n");
    assert_string_equal(cmd(m, fd, "kill nosuch\n"), "ERROR: common name 'nosuch' not found\r\n");
    /* 2.6.14 reads the first two ':' fields: no protocol prefix */
    assert_string_equal(cmd(m, fd, "kill tcp:198.51.100.2:53779\n"),
                        "ERROR: error parsing IP address: tcp\r\n");
    assert_string_equal(cmd(m, fd, "kill 198.51.100.2:53779\n"),
                        "SUCCESS: 1 client(s) at address 198.51.100.2:53779 killed\r\n");
    assert_string_equal(seen.kill_ip, "198.51.100.2");
    assert_int_equal(seen.kill_port, 53779);
    assert_string_equal(cmd(m, fd, "kill 1.2.3.4:99999\n"),
                        "ERROR: port number is out of range: 99999\r\n");
    /* inet_aton() forms, as 2.6 */
    assert_string_equal(cmd(m, fd, "kill 1.2.3:5\n"),
                        "ERROR: client at address 1.2.0.3:5 not found\r\n");
    assert_string_equal(cmd(m, fd, "kill foo:bar\n"), "ERROR: error parsing IP address: foo\r\n");
    assert_string_equal(cmd(m, fd, "kill 1.2.3.4:x\n"), "ERROR: port number is out of range: x\r\n");
    assert_string_equal(cmd(m, fd, "client-kill 4\n"),
                        "SUCCESS: client-kill command succeeded\r\n");
    assert_string_equal(cmd(m, fd, "client-kill 5 HALT\n"),
                        "ERROR: client-kill command failed\r\n");
    close(fd);
    manage_close(m);
}

/* `env-filter`: levels as 2.6.14 shows them (0 all; 1 a fixed set plus every
 * X509_; 2 the set; 3 nothing), n_clients first, the peer info apart from
 * the environment once filtering. */
static void
manage__env_filter__2_6_levels(void **state)
{
    struct manage *m = open_tcp(true, NULL, false);
    int fd = connected_client(m);
    const char *names[] = { "password", "common_name", "X509_1_CN", "X509_0_CN", "tls_serial_hex_0",
                            "untrusted_ip", "untrusted_port", "dev" };
    const char *values[] = { "pw", "c", "ca", "c", "0a", "198.51.100.2", "5", "tun0" };
    struct manage_client_env ev = { names, values, 8, 2, "IV_VER=2.6.14\nIV_PLAT=linux\nbad line" };
    (void) state;

    manage_client_established(m, 1, &ev);
    assert_string_equal(drain(fd),
                        ">CLIENT:ESTABLISHED,1\r\n>CLIENT:ENV,n_clients=2\r\n"
                        ">CLIENT:ENV,password=pw\r\n>CLIENT:ENV,common_name=c\r\n"
                        ">CLIENT:ENV,X509_1_CN=ca\r\n>CLIENT:ENV,X509_0_CN=c\r\n"
                        ">CLIENT:ENV,tls_serial_hex_0=0a\r\n>CLIENT:ENV,untrusted_ip=198.51.100.2\r\n"
                        ">CLIENT:ENV,untrusted_port=5\r\n>CLIENT:ENV,dev=tun0\r\n>CLIENT:ENV,END\r\n");
    assert_string_equal(cmd(m, fd, "env-filter 1\n"), "SUCCESS: env_filter_level=1\r\n");
    manage_client_established(m, 1, &ev);
    assert_string_equal(drain(fd),
                        ">CLIENT:ESTABLISHED,1\r\n>CLIENT:ENV,IV_VER=2.6.14\r\n"
                        ">CLIENT:ENV,IV_PLAT=linux\r\n>CLIENT:ENV,password=pw\r\n"
                        ">CLIENT:ENV,X509_1_CN=ca\r\n>CLIENT:ENV,X509_0_CN=c\r\n"
                        ">CLIENT:ENV,tls_serial_hex_0=0a\r\n>CLIENT:ENV,untrusted_ip=198.51.100.2\r\n"
                        ">CLIENT:ENV,dev=tun0\r\n>CLIENT:ENV,END\r\n");
    assert_string_equal(cmd(m, fd, "env-filter 2\n"), "SUCCESS: env_filter_level=2\r\n");
    manage_client_established(m, 1, &ev);
    assert_non_null(strstr(drain(fd), "password=pw\r\n>CLIENT:ENV,X509_0_CN=c\r\n"));
    assert_string_equal(cmd(m, fd, "env-filter 3\n"), "SUCCESS: env_filter_level=3\r\n");
    manage_client_established(m, 1, &ev);
    assert_string_equal(drain(fd),
                        ">CLIENT:ESTABLISHED,1\r\n>CLIENT:ENV,IV_VER=2.6.14\r\n"
                        ">CLIENT:ENV,IV_PLAT=linux\r\n>CLIENT:ENV,END\r\n");
    assert_string_equal(cmd(m, fd, "env-filter\n"), "SUCCESS: env_filter_level=0\r\n");
    close(fd);
    manage_close(m);
}

static void
manage__client_notifications__env_lines_cannot_inject(void **state)
{
    struct manage *m = open_tcp(true, NULL, false);
    int fd = connected_client(m);
    const char *names[] = { "common_name", "untrusted_ip" };
    const char *values[] = { "evil\r\n>CLIENT:ESTABLISHED,9", "198.51.100.2" };
    (void) state;

    struct manage_client_env ev = { names, values, 2, -1, NULL };

    manage_client_connect(m, 3, 0, false, &ev);
    assert_string_equal(drain(fd),
                        ">CLIENT:CONNECT,3,0\r\n"
                        ">CLIENT:ENV,common_name=evil__>CLIENT:ESTABLISHED,9\r\n"
                        ">CLIENT:ENV,untrusted_ip=198.51.100.2\r\n"
                        ">CLIENT:ENV,END\r\n");
    manage_client_connect(m, 3, 1, true, NULL);
    manage_client_established(m, 3, NULL);
    manage_client_address(m, 3, "10.8.0.6", true);
    manage_client_disconnect(m, 3, NULL);
    assert_string_equal(drain(fd),
                        ">CLIENT:REAUTH,3,1\r\n>CLIENT:ENV,END\r\n"
                        ">CLIENT:ESTABLISHED,3\r\n>CLIENT:ENV,END\r\n"
                        ">CLIENT:ADDRESS,3,10.8.0.6,1\r\n"
                        ">CLIENT:DISCONNECT,3\r\n>CLIENT:ENV,END\r\n");
    manage_notify(m, "FATAL", "cannot continue");
    assert_string_equal(drain(fd), ">FATAL:cannot continue\r\n");
    close(fd);
    manage_close(m);
}

static void
manage__password_query__username_then_password_reach_callback(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    (void) state;

    manage_query_password(m, "Auth", true);
    assert_string_equal(drain(fd), ">PASSWORD:Need 'Auth' username/password\r\n");
    assert_string_equal(cmd(m, fd, "username Auth bob\n"),
                        "SUCCESS: 'Auth' username entered, but not yet verified\r\n");
    assert_string_equal(cmd(m, fd, "password Auth \"pa ss\"\n"),
                        "SUCCESS: 'Auth' password entered, but not yet verified\r\n");
    assert_string_equal(seen.type, "Auth");
    assert_string_equal(seen.user, "bob");
    assert_string_equal(seen.pass, "pa ss");
    assert_string_equal(cmd(m, fd, "password Auth again\n"),
                        "ERROR: no password is currently needed at this time\r\n");
    manage_auth_failed(m, "Auth");
    assert_string_equal(drain(fd), ">PASSWORD:Verification Failed: 'Auth'\r\n");
    close(fd);
    manage_close(m);
}

/* A password request nobody answered is repeated to the next client (2.6). */
static void
manage__password_query__repeated_to_a_late_client(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    (void) state;

    manage_query_password(m, "Auth", false);
    assert_string_equal(drain(fd), ">PASSWORD:Need 'Auth' password\r\n");
    assert_string_equal(cmd(m, fd, "quit\n"), "<EOF>");
    close(fd);
    fd = connect_tcp(m);
    usleep(10000);
    manage_io(m, 0);
    assert_string_equal(drain(fd),
                        ">INFO:OpenVPN Management Interface Version 5 -- type 'help' "
                        "for more info\r\n>PASSWORD:Need 'Auth' password\r\n");
    assert_string_equal(cmd(m, fd, "password Auth s3cret\n"),
                        "SUCCESS: 'Auth' password entered, but not yet verified\r\n");
    assert_string_equal(seen.pass, "s3cret");
    close(fd);
    manage_close(m);
}

static void
manage__garbage_and_overlong_input__answered_and_survives(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    char big[10001];
    char longparam[400];
    unsigned char junk[512];
    const char *r;
    (void) state;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(send(fd, big, strlen(big), 0), (ssize_t) strlen(big));
    r = cmd(m, fd, "\npid\n");
    assert_true(strncmp(r, "ERROR: command line too long (4096 chars max)\r\nSUCCESS: pid=", 59) ==
                0);

    memset(longparam, 'y', sizeof(longparam));
    memcpy(longparam, "echo ", 5);
    longparam[sizeof(longparam) - 2] = '\n';
    longparam[sizeof(longparam) - 1] = '\0';
    r = cmd(m, fd, longparam);
    assert_true(strncmp(r,
                        "ERROR: Options error: Parameter at TCP:0 is too long (256 chars "
                        "max): yyy",
                        73) == 0);
    assert_int_equal(strlen(r), 70 + 256 + 2); /* the parameter cut at 256 */

    for (size_t i = 0; i < sizeof(junk); i++)
    {
        junk[i] = (unsigned char) (i * 37 + 11);
    }
    assert_int_equal(send(fd, junk, sizeof(junk), 0), (ssize_t) sizeof(junk));
    assert_string_equal(cmd(m, fd, "\"unterminated\n"),
                        "ERROR: unknown command, enter 'help' for more options\r\n"
                        "ERROR: unknown command, enter 'help' for more options\r\n"
                        "ERROR: unknown command, enter 'help' for more options\r\n");
    assert_string_equal(cmd(m, fd, "hold\n"), "SUCCESS: hold=0\r\n");
    close(fd);
    manage_close(m);
}

static void
manage__second_client__waits_until_first_leaves(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int a = connected_client(m);
    int b = connect_tcp(m);
    int fds[2];
    bool ww;
    (void) state;

    usleep(10000);
    manage_io(m, 0);
    assert_string_equal(drain(b), "");
    assert_int_equal(manage_fds(m, fds, &ww), 1);
    close(a);
    usleep(10000);
    manage_io(m, 0); /* sees a's EOF */
    manage_io(m, 0); /* accepts b */
    assert_true(strncmp(drain(b), ">INFO:OpenVPN Management Interface Version 5", 44) == 0);
    close(b);
    manage_close(m);
}

static void
manage__unix_socket__serves_and_unlinks(void **state)
{
    char dir[] = "/tmp/test_manage_XXXXXX";
    char path[80];
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct manage_config cfg = { .unix_socket = true, .title = "T" };
    struct manage *m;
    int fd;
    (void) state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/mgmt.sock", dir);
    cfg.addr = path;
    m = manage_open(&cfg, &callbacks);
    assert_non_null(m);
    assert_int_equal(manage_port(m), 0);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    assert_int_equal(connect(fd, (struct sockaddr *) &sun, sizeof(sun)), 0);
    usleep(10000);
    manage_io(m, 0);
    assert_true(strncmp(drain(fd), ">INFO:", 6) == 0);
    assert_string_equal(cmd(m, fd, "hold\n"), "SUCCESS: hold=0\r\n");
    close(fd);
    manage_close(m);
    assert_int_equal(access(path, F_OK), -1);
    rmdir(dir);
}

/* Connect to a unix-socket interface limited to @p user; what it answers first. */
static const char *
unix_peer_answer(const char *user)
{
    static char out[64];
    char dir[] = "/tmp/test_manage_XXXXXX";
    char path[80];
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct manage_config cfg = { .unix_socket = true, .title = "T", .client_user = user };
    struct manage *m;
    int fd;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/mgmt.sock", dir);
    cfg.addr = path;
    m = manage_open(&cfg, &callbacks);
    assert_non_null(m);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    assert_int_equal(connect(fd, (struct sockaddr *) &sun, sizeof(sun)), 0);
    usleep(10000);
    manage_io(m, 0);
    snprintf(out, sizeof(out), "%.6s", drain(fd));
    close(fd);
    manage_close(m);
    rmdir(dir);
    return out;
}

/* --management-client-user: the peer's SO_PEERCRED uid decides (2.6). */
static void
manage__unix_socket_client_user__other_uid_refused(void **state)
{
    const struct passwd *pw = getpwuid(getuid());
    char me[64];
    (void) state;

    assert_non_null(pw);
    snprintf(me, sizeof(me), "%s", pw->pw_name); /* getpw*() share one buffer */
    pw = getpwnam("nobody");
    if (!pw || pw->pw_uid == getuid())
    {
        skip();
    }
    assert_string_equal(unix_peer_answer(me), ">INFO:");
    assert_string_equal(unix_peer_answer("nobody"), "<EOF>");
}

static void
manage__client_that_never_reads__is_dropped(void **state)
{
    struct manage *m = open_tcp(false, NULL, false);
    int fd = connected_client(m);
    char line[2000];
    int i;
    (void) state;

    memset(line, 'z', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    cmd(m, fd, "log on\n");
    assert_true(error_redirect_to_file("/dev/null", true)); /* keep the flood off stdout */
    for (i = 0; i < 20000 && manage_connected(m); i++)
    {
        msg(M_INFO & ~M_DEBUG_LEVEL, "%s", line);
    }
    error_close_log();
    assert_false(manage_connected(m));
    assert_true(i < 20000);
    close(fd);
    manage_close(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manage__connect__banner_version_pid_unknown),
        cmocka_unit_test(manage__p2p_mode__server_commands_refused_like_26),
        cmocka_unit_test(manage__simple_settings__26_replies),
        cmocka_unit_test(manage__state__current_history_and_realtime),
        cmocka_unit_test(manage__log__history_through_hook_and_realtime),
        cmocka_unit_test(manage__password_file__right_wrong_and_three_strikes),
        cmocka_unit_test(manage_open__missing_password_file__null),
        cmocka_unit_test(manage_hold_wait__release_and_sigterm),
        cmocka_unit_test(manage_tick__bytecount__client_and_server_forms),
        cmocka_unit_test(manage__client_auth__multiline_config_reaches_callback),
        cmocka_unit_test(manage__kill_and_client_kill__server_texts),
        cmocka_unit_test(manage__client_notifications__env_lines_cannot_inject),
        cmocka_unit_test(manage__env_filter__2_6_levels),
        cmocka_unit_test(manage__password_query__username_then_password_reach_callback),
        cmocka_unit_test(manage__password_query__repeated_to_a_late_client),
        cmocka_unit_test(manage__garbage_and_overlong_input__answered_and_survives),
        cmocka_unit_test(manage__second_client__waits_until_first_leaves),
        cmocka_unit_test(manage__unix_socket__serves_and_unlinks),
        cmocka_unit_test(manage__unix_socket_client_user__other_uid_refused),
        cmocka_unit_test(manage__client_that_never_reads__is_dropped),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("manage", tests, NULL, NULL);
}
