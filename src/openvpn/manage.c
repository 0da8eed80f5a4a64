/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * manage.c -- see manage.h: the sockets, the password, output buffering,
 * the history rings and the notifications.  The commands are in
 * manage_cmd.c (shared state: manage_int.h).  Reply and notification texts
 * follow what OpenVPN 2.6.14 prints (doc/protocol.md §10.4); the test driver
 * records them.
 */
#include "config.h"

#include <ctype.h>
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
#include "manage_int.h"
#include "otime.h"
#include "sig.h"
#include "strutil.h"

/* The interface's own news (listening, client connected, hold): verb 3
 * like D_MANAGEMENT but, as 2.6, without the debug flag in the history. */
#define D_MAN_INFO LOGLEV(3, 39, 0)

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
void
man_ring_each(const struct man_ring *r,
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


/* Write what the socket takes now; the rest waits for EPOLLOUT. */
void
man_flush_out(struct manage *m)
{
    size_t done = 0;

    if (m->flush_held)
    {
        return;
    }
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
        man_client_close(m);
        return;
    }
    if (done > 0)   /* m->out is NULL until the first queued byte */
    {
        memmove(m->out, m->out + done, m->out_len - done);
        m->out_len -= done;
    }
}

/* Queue raw bytes for the client.  A client that does not read while we
 * keep producing is dropped rather than letting its backlog grow forever. */
void
man_out_raw(struct manage *m, const char *s, size_t n)
{
    if (m->client_fd < 0)
    {
        return;
    }
    if (n > MAN_OUT_CAP - m->out_len)
    {
        msg(M_WARN, "MANAGEMENT: client is not reading its output, disconnecting");
        man_client_close(m);
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
            man_client_close(m);
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
void
man_out_line(struct manage *m, const char *line)
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
    man_out_raw(m, buf, n);
}

void PRINTF(2, 3) man_outf(struct manage *m, const char *fmt, ...)
{
    char buf[MAN_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    man_out_line(m, buf);
}

void
man_out_line_cb(void *arg, const char *line)
{
    man_out_line(arg, line);
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
        man_outf(m, ">LOG:%s", line);
        man_flush_out(m);
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
password_request(struct manage *m)
{
    if (m->pw_need_user)
    {
        man_outf(m, ">PASSWORD:Need '%s' username/password", m->pw_type);
    }
    else
    {
        man_outf(m, ">PASSWORD:Need '%s' password", m->pw_type);
    }
}

/* 2.6 repeats a pending hold or password request to every new client:
 * the one that was told may have gone away before answering. */
static void
banner(struct manage *m)
{
    man_outf(
      m, ">INFO:OpenVPN Management Interface Version %d -- type 'help' for more info", MAN_VERSION);
    if (m->in_hold_wait)
    {
        man_outf(m, ">HOLD:Waiting for hold release:%d", m->hold_seconds);
    }
    if (m->pw_pending)
    {
        password_request(m);
    }
}

void
man_client_close(struct manage *m)
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
    msg(D_MAN_INFO, "MANAGEMENT: Client disconnected");
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

/* --management-client-user/-group: the unix socket's peer must be that uid/gid (2.6's lines). */
static bool
peer_allowed(const struct manage *m, int fd)
{
    static const char why[] = "MANAGEMENT: unix domain socket client connection rejected --";
    struct ucred cr;
    socklen_t len = sizeof(cr);

    if (!m->cfg.unix_socket || (!m->peer_ids.have_uid && !m->peer_ids.have_gid))
    {
        return true;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 || len != sizeof(cr))
    {
        msg(D_MANAGEMENT, "%s cannot get UID/GID of socket peer", why);
        return false;
    }
    if (m->peer_ids.have_uid && cr.uid != m->peer_ids.uid)
    {
        msg(D_MANAGEMENT, "%s UID of socket peer (%d) doesn't match required value (%d) as given by "
                          "--management-client-user",
            why, (int) cr.uid, (int) m->peer_ids.uid);
        return false;
    }
    if (m->peer_ids.have_gid && cr.gid != m->peer_ids.gid)
    {
        msg(D_MANAGEMENT, "%s GID of socket peer (%d) doesn't match required value (%d) as given by "
                          "--management-client-group",
            why, (int) cr.gid, (int) m->peer_ids.gid);
        return false;
    }
    return true;
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
    if (!peer_allowed(m, fd))
    {
        close(fd);
        return;
    }
    set_nonblock(fd);
    m->client_fd = fd;
    m->authed = !m->has_password;
    m->pw_failures = 0;
    sockaddr_text(&ss, who, sizeof(who));
    msg(D_MAN_INFO, "MANAGEMENT: Client connected from %s", who);
    if (m->has_password)
    {
        man_out_raw(m, "ENTER PASSWORD:", 15);
    }
    else
    {
        banner(m);
    }
    man_flush_out(m);
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
        man_outf(m, "SUCCESS: password is correct");
        banner(m);
        return;
    }
    if (++m->pw_failures >= MAN_PW_FAILURES)
    {
        msg(D_MANAGEMENT,
            "MAN: client connection rejected after %d failed password attempts",
            MAN_PW_FAILURES);
        man_client_close(m);
        return;
    }
    man_out_raw(m, "ENTER PASSWORD:", 15);
}


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
            man_client_close(m);
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
                    man_outf(m, "ERROR: command line too long (%d chars max)", MAN_LINE_MAX);
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
    msg(D_MAN_INFO, "MANAGEMENT: unix domain socket listening on %s", m->addr);
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
    msg(D_MAN_INFO, "MANAGEMENT: TCP Socket listening on %s", where);
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
        m->cb = m->cb_base = *cb;
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
    if (!platform_lookup_ids(cfg->client_user, cfg->client_group, &m->peer_ids))
    {
        manage_close(m);
        return NULL;
    }
    if (m->peer_ids.have_uid)
    {
        msg(D_MANAGEMENT, "MANAGEMENT: client_uid=%d", (int) m->peer_ids.uid);
    }
    if (m->peer_ids.have_gid)
    {
        msg(D_MANAGEMENT, "MANAGEMENT: client_gid=%d", (int) m->peer_ids.gid);
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
    man_client_close(m);
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

void
manage_set_callbacks(struct manage *m, const struct manage_callbacks *cb)
{
    m->cb = cb ? *cb : m->cb_base;
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
    man_flush_out(m);
}

static void
bytecount_cli(void *arg, unsigned long cid, uint64_t in, uint64_t out)
{
    man_outf(arg, ">BYTECOUNT_CLI:%lu,%" PRIu64 ",%" PRIu64, cid, in, out);
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
    else if (!m->cfg.server && m->cb.bytecount)
    {
        uint64_t in = 0, out = 0;

        m->cb.bytecount(m->cb.arg, &in, &out);
        man_outf(m, ">BYTECOUNT:%" PRIu64 ",%" PRIu64, in, out);
    }
    man_flush_out(m);
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
        man_outf(m, ">STATE:%s", line);
        msg(D_MANAGEMENT, "MANAGEMENT: >STATE:%s", line);
        man_flush_out(m);
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
    msg(D_MAN_INFO, "Need hold release from management interface, waiting...");
    if (can_notify(m))
    {
        man_outf(m, ">HOLD:Waiting for hold release:%d", seconds);
        man_flush_out(m);
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

/*
 * `env-filter N` as 2.6 applies it: 0 shows everything; 1 and 2 only the
 * variables a typical authenticator needs (1 also every X509_ name); 3 and
 * up none.
 */
static bool
env_shown(int level, const char *name)
{
    static const char *const keep[] = {
        "username", "password", "X509_0_CN", "untrusted_ip", "ifconfig_local",
        "ifconfig_netmask", "daemon_start_time", "daemon_pid", "dev",
        "ifconfig_pool_remote_ip", "ifconfig_pool_netmask", "time_duration", "bytes_sent",
        "bytes_received", "session_id", "session_state",
    };

    if (level <= 0)
    {
        return true;
    }
    if (level > 2)
    {
        return false;
    }
    if ((level == 1 && !strncmp(name, "X509_", 5)) || !strncmp(name, "tls_serial_", 11))
    {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
    {
        if (!strcmp(name, keep[i]))
        {
            return true;
        }
    }
    return false;
}

/* A peer-info line is listed only if it looks like NAME=value. */
static bool
peer_info_line_ok(const char *line)
{
    const char *eq = strchr(line, '=');

    if (!eq || eq == line)
    {
        return false;
    }
    for (const char *p = line; *p; p++)
    {
        unsigned char ch = (unsigned char) *p;

        if (p < eq ? !(isalnum(ch) || ch == '_') : (ch < 0x20 || ch == 0x7f))
        {
            return false;
        }
    }
    return true;
}

static void
client_env(struct manage *m, const struct manage_client_env *env)
{
    char line[512];

    if (env && env->n_clients >= 0 && env_shown(m->env_filter, "n_clients"))
    {
        man_outf(m, ">CLIENT:ENV,n_clients=%d", env->n_clients);
    }
    for (const char *p = env && m->env_filter > 0 ? env->peer_info : NULL; p && *p;)
    {
        size_t n = strcspn(p, "\n");

        if (n < sizeof(line))
        {
            memcpy(line, p, n);
            line[n] = '\0';
            if (peer_info_line_ok(line))
            {
                man_outf(m, ">CLIENT:ENV,%s", line);
            }
        }
        p += n + (p[n] == '\n');
    }
    for (size_t i = 0; env && i < env->n; i++)
    {
        if (env_shown(m->env_filter, nz(env->names[i])))
        {
            man_outf(m, ">CLIENT:ENV,%s=%s", nz(env->names[i]), nz(env->values[i]));
        }
    }
    man_outf(m, ">CLIENT:ENV,END");
    man_flush_out(m);
}

void
manage_client_connect(struct manage *m, unsigned long cid, unsigned int kid, bool reauth,
                      const struct manage_client_env *env)
{
    if (can_notify(m))
    {
        man_outf(m, ">CLIENT:%s,%lu,%u", reauth ? "REAUTH" : "CONNECT", cid, kid);
        client_env(m, env);
    }
}

void
manage_client_established(struct manage *m, unsigned long cid,
                          const struct manage_client_env *env)
{
    if (can_notify(m))
    {
        man_outf(m, ">CLIENT:ESTABLISHED,%lu", cid);
        client_env(m, env);
    }
}

void
manage_client_disconnect(struct manage *m, unsigned long cid,
                         const struct manage_client_env *env)
{
    if (can_notify(m))
    {
        man_outf(m, ">CLIENT:DISCONNECT,%lu", cid);
        client_env(m, env);
    }
}

void
manage_client_address(struct manage *m, unsigned long cid, const char *addr, bool primary)
{
    if (can_notify(m))
    {
        man_outf(m, ">CLIENT:ADDRESS,%lu,%s,%d", cid, nz(addr), primary ? 1 : 0);
        man_flush_out(m);
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
        password_request(m);
        man_flush_out(m);
    }
}

void
manage_auth_failed(struct manage *m, const char *type)
{
    if (can_notify(m))
    {
        man_outf(m, ">PASSWORD:Verification Failed: '%s'", nz(type));
        man_flush_out(m);
    }
}

void
manage_notify(struct manage *m, const char *type, const char *text)
{
    if (can_notify(m))
    {
        man_outf(m, ">%s:%s", nz(type), nz(text));
        man_flush_out(m);
    }
}

