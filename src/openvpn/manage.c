/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * manage.c -- see manage.h.  Reply and notification texts follow what
 * OpenVPN 2.6.14 prints (PROTOCOL.md §10.4); the test driver records them.
 *
 * Longer than the ~1000-line target: the command handlers share the
 * connection's private state, and tests/check_layers.sh maps only the
 * basename "manage" to tier 5, so they are not split into manage_cmd.c yet.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "error.h"
#include "manage.h"
#include "otime.h"
#include "sig.h"
#include "strutil.h"

/* Management chatter: shown from --verb 3, flagged 'D' in the log history. */
#define D_MANAGEMENT LOGLEV(3, 39, M_DEBUG)

#define MAN_VERSION     5
#define MAN_LINE_MAX    4096 /* longest command line we accept */
#define MAN_PARAM_MAX   256  /* 2.6: "(256 chars max)" per parameter */
#define MAN_PARAMS      16
#define MAN_OUT_CAP     (4u << 20)  /* backlog after which a silent client is dropped */
#define MAN_CONFIG_MAX  (64u << 10) /* client-auth config text */
#define MAN_PW_FAILURES 3
#define MAN_HISTORY_DEF 250

/* One ring of history lines (log or state), oldest overwritten first. */
struct man_ring
{
    char **lines;
    size_t cap, head, count;
};

struct manage
{
    struct manage_config cfg; /* strings below are our own copies */
    struct manage_callbacks cb;
    char *addr, *port, *title;
    char password[256];
    bool has_password;

    int listen_fd;
    int client_fd;
    int bound_port;
    bool authed; /* password given (or none needed) */
    int pw_failures;

    char in[MAN_LINE_MAX + 1];
    size_t in_len;
    bool in_discard; /* rest of an overlong line */

    char *out;
    size_t out_len, out_cap;

    struct man_ring log_ring, state_ring;
    bool log_rt, state_rt, echo_rt;

    int bytecount_interval;
    time_t bytecount_last;

    bool hold; /* hold flag */
    bool hold_released;
    bool in_hold_wait;
    int hold_seconds;
    bool exit_requested;

    int mute; /* error.h has no getter: what `mute` last set */
    char auth_retry[16];

    /* client-auth CID KID ... END */
    bool in_multiline;
    unsigned long ml_cid;
    unsigned int ml_kid;
    char *ml_text;
    size_t ml_len;
    bool ml_overflow;

    /* a pending >PASSWORD: request */
    char pw_type[64];
    bool pw_need_user, pw_pending;
    char pw_user[256];
};

/* ---- history rings ------------------------------------------------------------- */

static void
ring_init(struct man_ring *r, size_t cap)
{
    r->lines = xcalloc(cap, sizeof(*r->lines));
    r->cap = cap;
    r->head = r->count = 0;
}

static void
ring_free(struct man_ring *r)
{
    for (size_t i = 0; i < r->cap; i++)
    {
        free(r->lines[i]);
    }
    free(r->lines);
    r->lines = NULL;
}

static void
ring_push(struct man_ring *r, const char *line)
{
    size_t slot = (r->head + r->count) % r->cap;

    if (r->count == r->cap)
    {
        slot = r->head;
        r->head = (r->head + 1) % r->cap;
    }
    else
    {
        r->count++;
    }
    free(r->lines[slot]);
    r->lines[slot] = xstrdup(line);
}

/* The @p n newest entries, oldest first (n == 0: all). */
static void
ring_each(const struct man_ring *r,
          size_t n,
          void (*fn)(struct manage *, const char *),
          struct manage *m)
{
    size_t skip = (n == 0 || n >= r->count) ? 0 : r->count - n;

    for (size_t i = skip; i < r->count; i++)
    {
        fn(m, r->lines[(r->head + i) % r->cap]);
    }
}

/* ---- output -------------------------------------------------------------------- */

static void client_close(struct manage *m);

/* Write what the socket takes now; the rest waits for EPOLLOUT. */
static void
flush_out(struct manage *m)
{
    size_t done = 0;

    while (m->client_fd >= 0 && done < m->out_len)
    {
        ssize_t n = send(m->client_fd, m->out + done, m->out_len - done, MSG_NOSIGNAL);

        if (n > 0)
        {
            done += (size_t) n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        {
            break;
        }
        client_close(m);
        return;
    }
    memmove(m->out, m->out + done, m->out_len - done);
    m->out_len -= done;
}

/* Queue raw bytes for the client.  A client that does not read while we
 * keep producing is dropped rather than letting its backlog grow forever. */
static void
out_raw(struct manage *m, const char *s, size_t n)
{
    if (m->client_fd < 0)
    {
        return;
    }
    if (n > MAN_OUT_CAP - m->out_len)
    {
        msg(M_WARN, "MANAGEMENT: client is not reading its output, disconnecting");
        client_close(m);
        return;
    }
    if (m->out_len + n > m->out_cap)
    {
        size_t cap = m->out_cap ? m->out_cap : 4096;

        while (cap < m->out_len + n)
        {
            cap *= 2;
        }
        char *p = realloc(m->out, cap);
        if (!p)
        {
            client_close(m);
            return;
        }
        m->out = p;
        m->out_cap = cap;
    }
    memcpy(m->out + m->out_len, s, n);
    m->out_len += n;
}

/* One output line; CR and LF inside it are replaced so that text from a
 * peer (a common name, an env value) can never forge a line of its own. */
static void
out_line(struct manage *m, const char *line)
{
    char buf[MAN_LINE_MAX];
    size_t n = strlen(line);

    if (n > sizeof(buf) - 2)
    {
        n = sizeof(buf) - 2;
    }
    for (size_t i = 0; i < n; i++)
    {
        buf[i] = (line[i] == '\r' || line[i] == '\n') ? '_' : line[i];
    }
    buf[n++] = '\r';
    buf[n++] = '\n';
    out_raw(m, buf, n);
}

static void PRINTF(2, 3) outf(struct manage *m, const char *fmt, ...)
{
    char buf[MAN_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    out_line(m, buf);
}

static void
out_line_cb(void *arg, const char *line)
{
    out_line(arg, line);
}

/* Notifications go only to a client that has given the password. */
static bool
can_notify(const struct manage *m)
{
    return m->client_fd >= 0 && m->authed;
}

/* ---- log hook ------------------------------------------------------------------ */

static void
log_flags(unsigned int flags, char out[8])
{
    size_t n = 0;

    if (flags & M_FATAL)
    {
        out[n++] = 'F';
    }
    if (flags & M_NONFATAL)
    {
        out[n++] = 'N';
    }
    if (flags & M_WARN)
    {
        out[n++] = 'W';
    }
    if (flags & M_DEBUG)
    {
        out[n++] = 'D';
    }
    /* 2.6 marks plain verb-1 messages 'I' and leaves louder-verb ones blank */
    if (n == 0 && (flags & M_DEBUG_LEVEL) <= 1)
    {
        out[n++] = 'I';
    }
    out[n] = '\0';
}

static void
log_hook(void *arg, unsigned int flags, const char *text)
{
    struct manage *m = arg;
    char line[MAN_LINE_MAX];
    char f[8];

    log_flags(flags, f);
    snprintf(line, sizeof(line), "%lld,%s,%s", (long long) otime_wall(), f, text);
    ring_push(&m->log_ring, line);
    if (m->log_rt && can_notify(m))
    {
        outf(m, ">LOG:%s", line);
        flush_out(m);
    }
}

/* ---- connection handling ------------------------------------------------------- */

static void
set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
    {
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
banner(struct manage *m)
{
    outf(
      m, ">INFO:OpenVPN Management Interface Version %d -- type 'help' for more info", MAN_VERSION);
    if (m->in_hold_wait)
    {
        outf(m, ">HOLD:Waiting for hold release:%d", m->hold_seconds);
    }
}

static void
client_close(struct manage *m)
{
    if (m->client_fd < 0)
    {
        return;
    }
    close(m->client_fd);
    m->client_fd = -1;
    m->out_len = 0;
    m->in_len = 0;
    m->in_discard = false;
    m->in_multiline = false;
    m->log_rt = m->state_rt = m->echo_rt = false;
    m->bytecount_interval = 0;
    msg(D_MANAGEMENT, "MANAGEMENT: Client disconnected");
    if (m->authed && m->cfg.forget_disconnect)
    {
        m->pw_pending = false;
        secure_memzero(m->pw_user, sizeof(m->pw_user));
    }
    if (m->authed && m->cfg.signal_on_disconnect && m->cb.signal)
    {
        m->cb.signal(m->cb.arg, SIGUSR1);
    }
    m->authed = false;
}

static void
sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t n)
{
    char ip[INET6_ADDRSTRLEN] = "";

    if (ss->ss_family == AF_INET)
    {
        const struct sockaddr_in *a = (const void *) ss;

        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        snprintf(out, n, "[AF_INET]%s:%u", ip, ntohs(a->sin_port));
    }
    else if (ss->ss_family == AF_INET6)
    {
        const struct sockaddr_in6 *a = (const void *) ss;

        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
        snprintf(out, n, "[AF_INET6]%s:%u", ip, ntohs(a->sin6_port));
    }
    else
    {
        snprintf(out, n, "[AF_UNIX]");
    }
}

static void
do_accept(struct manage *m)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char who[80];
    int fd = accept(m->listen_fd, (struct sockaddr *) &ss, &sl);

    if (fd < 0)
    {
        return; /* EAGAIN, or the peer gave up already */
    }
    set_nonblock(fd);
    m->client_fd = fd;
    m->authed = !m->has_password;
    m->pw_failures = 0;
    sockaddr_text(&ss, who, sizeof(who));
    msg(D_MANAGEMENT, "MANAGEMENT: Client connected from %s", who);
    if (m->has_password)
    {
        out_raw(m, "ENTER PASSWORD:", 15);
    }
    else
    {
        banner(m);
    }
    flush_out(m);
}

static void
check_password(struct manage *m, const char *line)
{
    size_t n = strlen(line);
    size_t want = strlen(m->password);
    bool ok = n == want && memcmp_consttime(line, m->password, n) == 0;

    if (ok)
    {
        m->authed = true;
        outf(m, "SUCCESS: password is correct");
        banner(m);
        return;
    }
    if (++m->pw_failures >= MAN_PW_FAILURES)
    {
        msg(D_MANAGEMENT,
            "MAN: client connection rejected after %d failed password attempts",
            MAN_PW_FAILURES);
        client_close(m);
        return;
    }
    out_raw(m, "ENTER PASSWORD:", 15);
}

static void man_command(struct manage *m, char *line);

static void
handle_line(struct manage *m, char *line)
{
    size_t n = strlen(line);

    if (n > 0 && line[n - 1] == '\r')
    {
        line[n - 1] = '\0';
    }
    if (!m->authed)
    {
        check_password(m, line);
    }
    else
    {
        man_command(m, line);
    }
}

/* Split the input into lines; an overlong line is answered once and its
 * remainder discarded, so a client can never grow our buffer. */
static void
read_client(struct manage *m)
{
    char buf[4096];

    while (m->client_fd >= 0)
    {
        ssize_t got = recv(m->client_fd, buf, sizeof(buf), 0);

        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        {
            client_close(m);
            return;
        }
        if (got < 0)
        {
            return;
        }
        for (ssize_t i = 0; i < got && m->client_fd >= 0; i++)
        {
            if (buf[i] == '\n')
            {
                bool discard = m->in_discard;

                m->in[m->in_len] = '\0';
                m->in_len = 0;
                m->in_discard = false;
                if (!discard)
                {
                    handle_line(m, m->in);
                }
            }
            else if (m->in_discard)
            {
                continue;
            }
            else if (m->in_len >= MAN_LINE_MAX)
            {
                m->in_discard = true;
                if (m->authed)
                {
                    outf(m, "ERROR: command line too long (%d chars max)", MAN_LINE_MAX);
                }
            }
            else
            {
                m->in[m->in_len++] = buf[i] ? buf[i] : ' ';
            }
        }
    }
}

/* ---- open / close -------------------------------------------------------------- */

static bool
read_pw_file(struct manage *m, const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[256];

    if (!fp)
    {
        msg(M_WARN | M_ERRNO, "Error opening management password file %s", path);
        return false;
    }
    if (!fgets(line, sizeof(line), fp))
    {
        line[0] = '\0';
    }
    fclose(fp);
    line[strcspn(line, "\r\n")] = '\0';
    strbcpy(m->password, line, sizeof(m->password));
    secure_memzero(line, sizeof(line));
    m->has_password = true;
    return true;
}

static int
listen_unix(struct manage *m)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (!strbcpy(sun.sun_path, m->addr, sizeof(sun.sun_path)))
    {
        msg(M_WARN, "MANAGEMENT: unix socket path is too long: %s", m->addr);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0 || listen(fd, 1) < 0)
    {
        msg(M_WARN | M_ERRNO, "MANAGEMENT: Cannot bind unix socket %s", m->addr);
        if (fd >= 0)
        {
            close(fd);
        }
        return -1;
    }
    msg(D_MANAGEMENT, "MANAGEMENT: unix domain socket listening on %s", m->addr);
    return fd;
}

static int
listen_tcp(struct manage *m)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char where[80];
    int one = 1, fd = -1, rc;

    rc = getaddrinfo(m->addr, m->port, &hints, &ai);
    if (rc != 0 || !ai)
    {
        msg(M_WARN,
            "MANAGEMENT: cannot resolve %s:%s: %s",
            m->addr,
            m->port ? m->port : "",
            gai_strerror(rc));
        return -1;
    }
    memset(&ss, 0, sizeof(ss));
    memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    sockaddr_text(&ss, where, sizeof(where));
    fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd >= 0)
    {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0)
    {
        msg(M_WARN | M_ERRNO, "MANAGEMENT: Socket bind failed on local address %s", where);
        if (fd >= 0)
        {
            close(fd);
        }
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    if (getsockname(fd, (struct sockaddr *) &ss, &sl) == 0)
    {
        sockaddr_text(&ss, where, sizeof(where));
        m->bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                                       : ((struct sockaddr_in *) &ss)->sin_port);
    }
    msg(D_MANAGEMENT, "MANAGEMENT: TCP Socket listening on %s", where);
    return fd;
}

struct manage *
manage_open(const struct manage_config *cfg, const struct manage_callbacks *cb)
{
    struct manage *m = xcalloc(1, sizeof(*m));
    size_t hist = cfg->log_history > 0 ? (size_t) cfg->log_history : MAN_HISTORY_DEF;

    m->cfg = *cfg;
    if (cb)
    {
        m->cb = *cb;
    }
    m->addr = xstrdup(cfg->addr ? cfg->addr : "localhost");
    m->port = cfg->port ? xstrdup(cfg->port) : NULL;
    m->title = xstrdup(cfg->title ? cfg->title : "OpenVPN");
    m->listen_fd = m->client_fd = -1;
    m->hold = cfg->hold;
    strbcpy(m->auth_retry, "none", sizeof(m->auth_retry));
    ring_init(&m->log_ring, hist);
    ring_init(&m->state_ring, hist);

    if (cfg->pw_file && !read_pw_file(m, cfg->pw_file))
    {
        manage_close(m);
        return NULL;
    }
    /* the warning about a TCP port without a password is the options' (2.6 prints it once) */
    m->listen_fd = cfg->unix_socket ? listen_unix(m) : listen_tcp(m);
    if (m->listen_fd < 0)
    {
        manage_close(m);
        return NULL;
    }
    set_nonblock(m->listen_fd);
    error_set_log_hook(log_hook, m);
    return m;
}

void
manage_close(struct manage *m)
{
    if (!m)
    {
        return;
    }
    error_set_log_hook(NULL, NULL);
    client_close(m);
    if (m->listen_fd >= 0)
    {
        close(m->listen_fd);
        if (m->cfg.unix_socket)
        {
            unlink(m->addr);
        }
    }
    ring_free(&m->log_ring);
    ring_free(&m->state_ring);
    secure_memzero(m->password, sizeof(m->password));
    secure_memzero(m->pw_user, sizeof(m->pw_user));
    free(m->out);
    free(m->ml_text);
    free(m->addr);
    free(m->port);
    free(m->title);
    free(m);
}

int
manage_port(const struct manage *m)
{
    return m->bound_port;
}

bool
manage_connected(const struct manage *m)
{
    return can_notify(m);
}

int
manage_fds(const struct manage *m, int fds[2], bool *want_write)
{
    int n = 0;

    /* One client at a time, like 2.6: while one is connected we do not
     * accept, and a second connection waits in the listen backlog. */
    if (m->client_fd >= 0)
    {
        fds[n++] = m->client_fd;
    }
    else if (m->listen_fd >= 0)
    {
        fds[n++] = m->listen_fd;
    }
    *want_write = m->client_fd >= 0 && m->out_len > 0;
    return n;
}

void
manage_io(struct manage *m, time_t now)
{
    (void) now;
    if (m->client_fd < 0 && m->listen_fd >= 0)
    {
        do_accept(m);
    }
    if (m->client_fd >= 0)
    {
        read_client(m);
    }
    flush_out(m);
}

static void
bytecount_cli(void *arg, unsigned long cid, uint64_t in, uint64_t out)
{
    outf(arg, ">BYTECOUNT_CLI:%lu,%" PRIu64 ",%" PRIu64, cid, in, out);
}

void
manage_tick(struct manage *m, time_t now)
{
    if (!can_notify(m) || m->bytecount_interval <= 0 ||
        now - m->bytecount_last < m->bytecount_interval)
    {
        return;
    }
    m->bytecount_last = now;
    if (m->cfg.server && m->cb.bytecount_clients)
    {
        m->cb.bytecount_clients(m->cb.arg, bytecount_cli, m);
    }
    else if (m->cb.bytecount)
    {
        uint64_t in = 0, out = 0;

        m->cb.bytecount(m->cb.arg, &in, &out);
        outf(m, ">BYTECOUNT:%" PRIu64 ",%" PRIu64, in, out);
    }
    flush_out(m);
}

/* ---- notifications ------------------------------------------------------------- */

static const char *
nz(const char *s)
{
    return s ? s : "";
}

void
manage_set_state(struct manage *m,
                 time_t t,
                 const char *state,
                 const char *detail,
                 const char *local_ip,
                 const char *remote_ip,
                 const char *remote_port,
                 const char *local_addr,
                 const char *local_port,
                 const char *local_ip6)
{
    char line[1024];
    int n = snprintf(line,
                     sizeof(line),
                     "%lld,%s,%s,%s,%s,%s,%s,%s",
                     (long long) t,
                     nz(state),
                     nz(detail),
                     nz(local_ip),
                     nz(remote_ip),
                     nz(remote_port),
                     nz(local_addr),
                     nz(local_port));

    if (local_ip6 && local_ip6[0] && n > 0 && (size_t) n < sizeof(line))
    {
        snprintf(line + n, sizeof(line) - (size_t) n, ",%s", local_ip6);
    }
    ring_push(&m->state_ring, line);
    if (m->state_rt && can_notify(m))
    {
        outf(m, ">STATE:%s", line);
        msg(D_MANAGEMENT, "MANAGEMENT: >STATE:%s", line);
        flush_out(m);
    }
}

bool
manage_hold_is_set(const struct manage *m)
{
    return m->hold;
}

bool
manage_hold_wait(struct manage *m, int seconds)
{
    if (!m->hold)
    {
        return true;
    }
    m->hold_released = false;
    m->in_hold_wait = true;
    m->hold_seconds = seconds;
    msg(M_INFO, "Need hold release from management interface, waiting...");
    if (can_notify(m))
    {
        outf(m, ">HOLD:Waiting for hold release:%d", seconds);
        flush_out(m);
    }
    while (!m->hold_released && !m->exit_requested && !sig_pending())
    {
        struct pollfd pfd[2];
        int fds[2];
        bool ww;
        int n = manage_fds(m, fds, &ww);
        struct timespec ts = { .tv_sec = 1 };

        for (int i = 0; i < n; i++)
        {
            pfd[i].fd = fds[i];
            pfd[i].events = (short) (POLLIN | (ww && fds[i] == m->client_fd ? POLLOUT : 0));
        }
        ppoll(pfd, (nfds_t) n, &ts, sig_wait_mask());
        manage_io(m, otime_wall());
    }
    m->in_hold_wait = false;
    return m->hold_released;
}

static void
client_env(struct manage *m, const char *const *names, const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
    {
        outf(m, ">CLIENT:ENV,%s=%s", nz(names[i]), nz(values[i]));
    }
    outf(m, ">CLIENT:ENV,END");
    flush_out(m);
}

void
manage_client_connect(struct manage *m,
                      unsigned long cid,
                      unsigned int kid,
                      bool reauth,
                      const char *const *env_names,
                      const char *const *env_values,
                      size_t n)
{
    if (can_notify(m))
    {
        outf(m, ">CLIENT:%s,%lu,%u", reauth ? "REAUTH" : "CONNECT", cid, kid);
        client_env(m, env_names, env_values, n);
    }
}

void
manage_client_established(struct manage *m,
                          unsigned long cid,
                          const char *const *env_names,
                          const char *const *env_values,
                          size_t n)
{
    if (can_notify(m))
    {
        outf(m, ">CLIENT:ESTABLISHED,%lu", cid);
        client_env(m, env_names, env_values, n);
    }
}

void
manage_client_disconnect(struct manage *m,
                         unsigned long cid,
                         const char *const *env_names,
                         const char *const *env_values,
                         size_t n)
{
    if (can_notify(m))
    {
        outf(m, ">CLIENT:DISCONNECT,%lu", cid);
        client_env(m, env_names, env_values, n);
    }
}

void
manage_client_address(struct manage *m, unsigned long cid, const char *addr, bool primary)
{
    if (can_notify(m))
    {
        outf(m, ">CLIENT:ADDRESS,%lu,%s,%d", cid, nz(addr), primary ? 1 : 0);
        flush_out(m);
    }
}

void
manage_query_password(struct manage *m, const char *type, bool need_user)
{
    strbcpy(m->pw_type, nz(type), sizeof(m->pw_type));
    m->pw_need_user = need_user;
    m->pw_pending = true;
    m->pw_user[0] = '\0';
    if (can_notify(m))
    {
        if (need_user)
        {
            outf(m, ">PASSWORD:Need '%s' username/password", m->pw_type);
        }
        else
        {
            outf(m, ">PASSWORD:Need '%s' password", m->pw_type);
        }
        flush_out(m);
    }
}

void
manage_auth_failed(struct manage *m, const char *type)
{
    if (can_notify(m))
    {
        outf(m, ">PASSWORD:Verification Failed: '%s'", nz(type));
        flush_out(m);
    }
}

void
manage_notify(struct manage *m, const char *type, const char *text)
{
    if (can_notify(m))
    {
        outf(m, ">%s:%s", nz(type), nz(text));
        flush_out(m);
    }
}

/* ---- commands ------------------------------------------------------------------ */

/*
 * Split a command line by the config-file quoting rules: blanks separate,
 * "..." groups (backslash escapes the next character), '...' groups
 * literally.  False, with the 2.6 reply sent, when a parameter is too long;
 * extra parameters beyond MAN_PARAMS are ignored.
 */
static bool
tokenize(struct manage *m, char *line, char *p[MAN_PARAMS], int *np)
{
    char *r = line, *w;

    *np = 0;
    while (*r)
    {
        char quote = 0;
        char *start;

        while (*r == ' ' || *r == '\t')
        {
            r++;
        }
        if (!*r)
        {
            break;
        }
        start = w = r;
        while (*r && (quote || (*r != ' ' && *r != '\t')))
        {
            if (!quote && (*r == '"' || *r == '\''))
            {
                quote = *r++;
            }
            else if (quote && *r == quote)
            {
                quote = 0;
                r++;
            }
            else if (quote == '"' && *r == '\\' && r[1])
            {
                *w++ = r[1];
                r += 2;
            }
            else
            {
                *w++ = *r++;
            }
        }
        if (*r)
        {
            r++;
        }
        *w = '\0';
        if (strlen(start) > MAN_PARAM_MAX)
        {
            start[MAN_PARAM_MAX] = '\0';
            outf(m,
                 "ERROR: Options error: Parameter at TCP:0 is too long (%d chars max): %s",
                 MAN_PARAM_MAX,
                 start);
            return false;
        }
        if (*np < MAN_PARAMS)
        {
            p[(*np)++] = start;
        }
    }
    return true;
}

/* "requires N parameter(s)" in 2.6's wording; false if too few. */
static bool
need_params(struct manage *m, const char *cmd, int have, int need, bool at_least)
{
    if (have >= need)
    {
        return true;
    }
    outf(m,
         "ERROR: the '%s' command requires %s%d parameter%s",
         cmd,
         at_least ? "at least " : "",
         need,
         need > 1 ? "s" : "");
    return false;
}

static bool
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!s || !*s || *s == '-' || *s == '+')
    {
        return false;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
    {
        return false;
    }
    *out = v;
    return true;
}

static void
unsupported(struct manage *m, const char *cmd)
{
    outf(m, "ERROR: The '%s' command is not supported by the current daemon mode", cmd);
}

static void
emit_history_line(struct manage *m, const char *line)
{
    out_line(m, line);
}

/*
 * state / log / echo: each parameter on its own is "on", "off", "all" or a
 * count, and each gets its own reply -- 2.6 answers `echo a b` with two
 * errors, and `log on all` with SUCCESS followed by the history.
 */
static void
cmd_history(struct manage *m,
            const char *what,
            bool *rt,
            const struct man_ring *ring,
            char **p,
            int np)
{
    if (!need_params(m, what, np - 1, 1, true))
    {
        return;
    }
    for (int i = 1; i < np && i <= 2; i++)
    {
        unsigned long n;

        if (!strcmp(p[i], "on") || !strcmp(p[i], "off"))
        {
            *rt = !strcmp(p[i], "on");
            outf(m, "SUCCESS: real-time %s notification set to %s", what, *rt ? "ON" : "OFF");
        }
        else if (!strcmp(p[i], "all") || parse_ulong(p[i], 1000000000ul, &n))
        {
            ring_each(ring, strcmp(p[i], "all") ? (n ? n : 1) : 0, emit_history_line, m);
            outf(m, "END");
        }
        else
        {
            outf(m, "ERROR: %s parameter must be 'on' or 'off' or some number n or 'all'", what);
        }
    }
}

static void
cmd_state(struct manage *m, char **p, int np)
{
    if (np == 1)
    {
        /* bare `state`: the current state only */
        ring_each(&m->state_ring, 1, emit_history_line, m);
        outf(m, "END");
        return;
    }
    cmd_history(m, "state", &m->state_rt, &m->state_ring, p, np);
}

static void
cmd_status(struct manage *m, char **p, int np)
{
    int version = np > 1 ? atoi(p[1]) : 1;

    if (m->cb.status)
    {
        m->cb.status(m->cb.arg, version, out_line_cb, m);
    }
    else
    {
        outf(m, "END");
    }
}

static void
cmd_hold(struct manage *m, char **p, int np)
{
    if (np == 1)
    {
        outf(m, "SUCCESS: hold=%d", m->hold ? 1 : 0);
    }
    else if (!strcmp(p[1], "on") || !strcmp(p[1], "off"))
    {
        m->hold = !strcmp(p[1], "on");
        outf(m, "SUCCESS: hold flag set to %s", m->hold ? "ON" : "OFF");
    }
    else if (!strcmp(p[1], "release"))
    {
        m->hold_released = true;
        outf(m, "SUCCESS: hold release succeeded");
    }
    else
    {
        outf(m, "ERROR: bad hold command parameter");
    }
}

/* `kill CN` or `kill [proto:]IP:PORT` (server only). */
static void
cmd_kill(struct manage *m, char **p, int np)
{
    const char *victim, *colon;
    struct in_addr ia;
    char ip[64];
    unsigned long port;
    int n;

    if (!need_params(m, "kill", np - 1, 1, false))
    {
        return;
    }
    if (!m->cfg.server || !m->cb.kill_cn || !m->cb.kill_addr)
    {
        unsupported(m, "kill");
        return;
    }
    victim = p[1];
    if (!strncmp(victim, "tcp:", 4) || !strncmp(victim, "udp:", 4))
    {
        victim += 4;
    }
    colon = strrchr(victim, ':');
    if (!colon || colon == victim)
    {
        n = m->cb.kill_cn(m->cb.arg, p[1]);
        if (n > 0)
        {
            outf(m, "SUCCESS: common name '%s' found, %d client(s) killed", p[1], n);
        }
        else
        {
            outf(m, "ERROR: common name '%s' not found", p[1]);
        }
        return;
    }
    snprintf(ip, sizeof(ip), "%.*s", (int) (colon - victim), victim);
    if (inet_pton(AF_INET, ip, &ia) != 1)
    {
        outf(m, "ERROR: error parsing IP address: %s", ip);
        return;
    }
    if (!parse_ulong(colon + 1, 65535, &port) || port == 0)
    {
        outf(m, "ERROR: port number is out of range: %s", colon + 1);
        return;
    }
    n = m->cb.kill_addr(m->cb.arg, ip, (int) port);
    if (n > 0)
    {
        outf(m, "SUCCESS: %d client(s) at address %s:%lu killed", n, ip, port);
    }
    else
    {
        outf(m, "ERROR: client at address %s:%lu not found", ip, port);
    }
}

static void
cmd_client_kill(struct manage *m, char **p, int np)
{
    unsigned long cid;

    if (!need_params(m, "client-kill", np - 1, 1, true))
    {
        return;
    }
    if (!parse_ulong(p[1], ULONG_MAX, &cid))
    {
        outf(m, "ERROR: cannot parse CID");
        return;
    }
    if (!m->cfg.server || !m->cb.client_kill)
    {
        unsupported(m, "client-kill");
        return;
    }
    if (m->cb.client_kill(m->cb.arg, cid, np > 2 ? p[2] : NULL))
    {
        outf(m, "SUCCESS: client-kill command succeeded");
    }
    else
    {
        outf(m, "ERROR: client-kill command failed");
    }
}

static bool
parse_cid_kid(struct manage *m, char **p, unsigned long *cid, unsigned int *kid)
{
    unsigned long k;

    if (!parse_ulong(p[1], ULONG_MAX, cid))
    {
        outf(m, "ERROR: cannot parse CID");
        return false;
    }
    if (!parse_ulong(p[2], UINT32_MAX, &k))
    {
        outf(m, "ERROR: cannot parse KID");
        return false;
    }
    *kid = (unsigned int) k;
    return true;
}

/* Hand a client-auth/deny decision to the server and report the outcome. */
static void
client_auth_done(struct manage *m,
                 const char *cmd,
                 unsigned long cid,
                 unsigned int kid,
                 bool allow,
                 const char *reason,
                 const char *client_reason,
                 const char *config)
{
    if (!m->cfg.server || !m->cb.client_auth)
    {
        unsupported(m, allow ? "client-auth" : "client-deny");
        return;
    }
    if (m->cb.client_auth(m->cb.arg, cid, kid, allow, reason, client_reason, config))
    {
        outf(m, "SUCCESS: %s command succeeded", cmd);
    }
    else
    {
        outf(m, "ERROR: %s command failed", cmd);
    }
}

static void
cmd_client_auth(struct manage *m, char **p, int np, bool multiline)
{
    unsigned long cid;
    unsigned int kid;

    if (!need_params(m, multiline ? "client-auth" : "client-auth-nt", np - 1, 2, false) ||
        !parse_cid_kid(m, p, &cid, &kid))
    {
        return;
    }
    if (!multiline)
    {
        client_auth_done(m, "client-auth-nt", cid, kid, true, NULL, NULL, "");
        return;
    }
    /* the config lines that follow, up to END, are collected by man_command() */
    m->in_multiline = true;
    m->ml_cid = cid;
    m->ml_kid = kid;
    m->ml_len = 0;
    m->ml_overflow = false;
    if (!m->ml_text)
    {
        m->ml_text = xcalloc(1, MAN_CONFIG_MAX);
    }
    m->ml_text[0] = '\0';
}

static void
multiline_line(struct manage *m, const char *line)
{
    size_t n = strlen(line);

    if (strcmp(line, "END") != 0)
    {
        if (n + 2 > MAN_CONFIG_MAX - m->ml_len)
        {
            m->ml_overflow = true;
            return;
        }
        memcpy(m->ml_text + m->ml_len, line, n);
        m->ml_len += n;
        m->ml_text[m->ml_len++] = '\n';
        m->ml_text[m->ml_len] = '\0';
        return;
    }
    m->in_multiline = false;
    if (m->ml_overflow)
    {
        outf(m, "ERROR: client-auth config is too long");
        return;
    }
    client_auth_done(m, "client-auth", m->ml_cid, m->ml_kid, true, NULL, NULL, m->ml_text);
}

static void
cmd_client_deny(struct manage *m, char **p, int np)
{
    unsigned long cid;
    unsigned int kid;

    if (!need_params(m, "client-deny", np - 1, 3, true) || !parse_cid_kid(m, p, &cid, &kid))
    {
        return;
    }
    client_auth_done(m, "client-deny", cid, kid, false, p[3], np > 4 ? p[4] : NULL, NULL);
}

static void
cmd_signal(struct manage *m, char **p, int np)
{
    static const struct
    {
        const char *name;
        int num;
    } sigs[] = {
        { "SIGHUP", SIGHUP },   { "SIGTERM", SIGTERM }, { "SIGUSR1", SIGUSR1 },
        { "SIGUSR2", SIGUSR2 }, { "SIGINT", SIGINT },
    };

    if (!need_params(m, "signal", np - 1, 1, false))
    {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
    {
        if (!strcmp(p[1], sigs[i].name))
        {
            outf(m, "SUCCESS: signal %s thrown", p[1]);
            flush_out(m);
            if (sigs[i].num == SIGTERM || sigs[i].num == SIGINT)
            {
                m->exit_requested = true;
            }
            if (m->cb.signal)
            {
                m->cb.signal(m->cb.arg, sigs[i].num);
            }
            return;
        }
    }
    outf(m, "ERROR: signal '%s' is not a known signal type", p[1]);
}

static void
cmd_verb_mute(struct manage *m, char **p, int np, bool verb)
{
    int v;

    if (np == 1)
    {
        outf(m, "SUCCESS: %s=%d", verb ? "verb" : "mute", verb ? x_debug_level : m->mute);
        return;
    }
    v = atoi(p[1]); /* 2.6 takes "x" as 0 */
    if (verb)
    {
        if (v < 0 || v > 15)
        {
            outf(m, "ERROR: verb level is out of range");
            return;
        }
        error_set_verb(v);
        outf(m, "SUCCESS: verb level changed");
        return;
    }
    if (v < 0)
    {
        outf(m, "ERROR: mute level is out of range");
        return;
    }
    m->mute = v;
    error_set_mute(v);
    outf(m, "SUCCESS: mute level changed");
}

static void
cmd_load_stats(struct manage *m)
{
    int nclients = 0;
    uint64_t in = 0, out = 0;

    if (m->cb.load_stats)
    {
        m->cb.load_stats(m->cb.arg, &nclients, &in, &out);
    }
    outf(m, "SUCCESS: nclients=%d,bytesin=%" PRIu64 ",bytesout=%" PRIu64, nclients, in, out);
}

/* `username TYPE U` then `password TYPE P` answer a >PASSWORD: request. */
static void
cmd_user_pass(struct manage *m, char **p, int np, bool is_user)
{
    const char *what = is_user ? "username" : "password";

    if (!need_params(m, what, np - 1, 2, false))
    {
        return;
    }
    if (!m->pw_pending || strcmp(p[1], m->pw_type) != 0 || (is_user && !m->pw_need_user))
    {
        outf(m, "ERROR: no %s is currently needed at this time", what);
        return;
    }
    if (is_user)
    {
        strbcpy(m->pw_user, p[2], sizeof(m->pw_user));
        outf(m, "SUCCESS: '%s' username entered, but not yet verified", m->pw_type);
        return;
    }
    outf(m, "SUCCESS: '%s' password entered, but not yet verified", m->pw_type);
    m->pw_pending = false;
    if (m->cb.password)
    {
        m->cb.password(m->cb.arg, m->pw_type, m->pw_need_user ? m->pw_user : NULL, p[2]);
    }
    secure_memzero(m->pw_user, sizeof(m->pw_user));
    secure_memzero(p[2], strlen(p[2]));
}

static void
cmd_auth_retry(struct manage *m, char **p, int np)
{
    if (np == 1)
    {
        outf(m, "SUCCESS: auth-retry=%s", m->auth_retry);
    }
    else if (!strcmp(p[1], "none") || !strcmp(p[1], "interact") || !strcmp(p[1], "nointeract"))
    {
        strbcpy(m->auth_retry, p[1], sizeof(m->auth_retry));
        outf(m, "SUCCESS: auth-retry parameter changed");
    }
    else
    {
        outf(m, "ERROR: auth-retry parameter must be 'none', 'interact' or 'nointeract'");
    }
}

static void
cmd_help(struct manage *m)
{
    static const char *const lines[] = {
        "Commands:",
        "auth-retry t           : Auth failure retry mode (none,interact,nointeract).",
        "bytecount n            : Show bytes in/out, update every n secs (0=off).",
        "echo [on|off] [N|all]  : Like log, but only show messages in echo buffer.",
        "exit|quit              : Close management session.",
        "forget-passwords       : Forget passwords entered so far.",
        "help                   : Print this message.",
        "hold [on|off|release]  : Set/show hold flag to on/off state, or",
        "                         release current hold and start tunnel.",
        "kill cn                : Kill the client instance(s) having common name cn.",
        "kill IP:port           : Kill the client instance connecting from IP:port.",
        "load-stats             : Show global server load stats.",
        "log [on|off] [N|all]   : Turn on/off realtime log display",
        "                         + show last N lines or 'all' for entire history.",
        "mute [n]               : Set log mute level to n, or show level if n is absent.",
        "password type p        : Enter password p for a queried OpenVPN password.",
        "pid                    : Show process ID of the current OpenVPN process.",
        "client-auth CID KID    : Authenticate client-id/key-id CID/KID (MULTILINE)",
        "client-auth-nt CID KID : Authenticate client-id/key-id CID/KID",
        "client-deny CID KID R [CR] : Deny auth client-id/key-id CID/KID with log reason",
        "                             text R and optional client reason text CR",
        "client-kill CID [M]    : Kill client instance CID with message M (def=RESTART)",
        "signal s               : Send signal s to daemon,",
        "                         s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2.",
        "state [on|off] [N|all] : Like log, but show state history.",
        "status [n]             : Show current daemon status info using format #n.",
        "username type u        : Enter username u for a queried OpenVPN username.",
        "verb [n]               : Set log verbosity level to n, or show if n is absent.",
        "version [n]            : Set client's version to n or show current version of daemon.",
        "END",
    };

    outf(m, "Management Interface for %s", m->title);
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
    {
        out_line(m, lines[i]);
    }
}

/* Commands without parameters of interest, or trivial ones. */
static bool
cmd_simple(struct manage *m, char **p, int np)
{
    const char *c = p[0];

    if (!strcmp(c, "help"))
    {
        cmd_help(m);
    }
    else if (!strcmp(c, "version"))
    {
        if (np == 1) /* `version N` only announces the client's level: no reply */
        {
            outf(m, "OpenVPN Version: %s", m->title);
            outf(m, "Management Version: %d", MAN_VERSION);
            outf(m, "END");
        }
    }
    else if (!strcmp(c, "pid"))
    {
        outf(m, "SUCCESS: pid=%d", (int) getpid());
    }
    else if (!strcmp(c, "load-stats"))
    {
        cmd_load_stats(m);
    }
    else if (!strcmp(c, "forget-passwords"))
    {
        m->pw_pending = false;
        secure_memzero(m->pw_user, sizeof(m->pw_user));
        outf(m, "SUCCESS: Passwords were forgotten");
    }
    else if (!strcmp(c, "bytecount"))
    {
        if (need_params(m, c, np - 1, 1, false))
        {
            m->bytecount_interval = atoi(p[1]);
            m->bytecount_last = otime_wall();
            outf(m, "SUCCESS: bytecount interval changed");
        }
    }
    else if (!strcmp(c, "exit") || !strcmp(c, "quit"))
    {
        flush_out(m);
        client_close(m);
    }
    else
    {
        return false;
    }
    return true;
}

static void
man_command(struct manage *m, char *line)
{
    char *p[MAN_PARAMS];
    int np;

    if (m->in_multiline)
    {
        multiline_line(m, line);
        flush_out(m);
        return;
    }
    if (!tokenize(m, line, p, &np) || np == 0)
    {
        flush_out(m);
        return;
    }
    msg(D_MANAGEMENT, "MANAGEMENT: CMD '%s'", p[0]);
    if (cmd_simple(m, p, np))
    {
    }
    else if (!strcmp(p[0], "state"))
    {
        cmd_state(m, p, np);
    }
    else if (!strcmp(p[0], "log"))
    {
        cmd_history(m, "log", &m->log_rt, &m->log_ring, p, np);
    }
    else if (!strcmp(p[0], "echo"))
    {
        static const struct man_ring no_echo; /* we keep no --echo history */

        cmd_history(m, "echo", &m->echo_rt, &no_echo, p, np);
    }
    else if (!strcmp(p[0], "status"))
    {
        cmd_status(m, p, np);
    }
    else if (!strcmp(p[0], "hold"))
    {
        cmd_hold(m, p, np);
    }
    else if (!strcmp(p[0], "kill"))
    {
        cmd_kill(m, p, np);
    }
    else if (!strcmp(p[0], "client-kill"))
    {
        cmd_client_kill(m, p, np);
    }
    else if (!strcmp(p[0], "client-auth") || !strcmp(p[0], "client-auth-nt"))
    {
        cmd_client_auth(m, p, np, !strcmp(p[0], "client-auth"));
    }
    else if (!strcmp(p[0], "client-deny"))
    {
        cmd_client_deny(m, p, np);
    }
    else if (!strcmp(p[0], "signal"))
    {
        cmd_signal(m, p, np);
    }
    else if (!strcmp(p[0], "verb") || !strcmp(p[0], "mute"))
    {
        cmd_verb_mute(m, p, np, !strcmp(p[0], "verb"));
    }
    else if (!strcmp(p[0], "username") || !strcmp(p[0], "password"))
    {
        cmd_user_pass(m, p, np, !strcmp(p[0], "username"));
    }
    else if (!strcmp(p[0], "auth-retry"))
    {
        cmd_auth_retry(m, p, np);
    }
    else
    {
        outf(m, "ERROR: unknown command, enter 'help' for more options");
    }
    flush_out(m);
}
