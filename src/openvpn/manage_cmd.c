/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * manage_cmd.c -- the management commands (doc/protocol.md §10.4): tokenizing a
 * line with config-file quoting, checking parameters, and the handlers with
 * 2.6's reply texts.  Output and state live in manage.c; see manage_int.h.
 * Tier 5.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "manage_int.h"
#include "otime.h"
#include "sig.h"
#include "strutil.h"

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
            man_outf(m,
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
    man_outf(m,
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
    man_outf(m, "ERROR: The '%s' command is not supported by the current daemon mode", cmd);
}

static void
emit_history_line(struct manage *m, const char *line)
{
    man_out_line(m, line);
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
            man_outf(m, "SUCCESS: real-time %s notification set to %s", what, *rt ? "ON" : "OFF");
        }
        else if (!strcmp(p[i], "all") || (parse_ulong(p[i], 1000000000ul, &n) && n > 0))
        {
            man_ring_each(ring, strcmp(p[i], "all") ? n : 0, emit_history_line, m);
            man_outf(m, "END");
        }
        else
        {
            man_outf(m, "ERROR: %s parameter must be 'on' or 'off' or some number n or 'all'", what);
        }
    }
}

static void
cmd_state(struct manage *m, char **p, int np)
{
    if (np == 1)
    {
        /* bare `state`: the current state only */
        man_ring_each(&m->state_ring, 1, emit_history_line, m);
        man_outf(m, "END");
        return;
    }
    cmd_history(m, "state", &m->state_rt, &m->state_ring, p, np);
}

static void
cmd_status(struct manage *m, char **p, int np)
{
    int version = np > 1 ? atoi(p[1]) : 1; /* 2.6 reads "x" as 1's format: atoi */

    if (np > 1 && version == 0)
    {
        version = 1;
    }
    if (!m->cb.status)
    {
        unsupported(m, "status");
    }
    else if (version < 1 || version > 3)
    {
        man_outf(m, "ERROR: bad status format version number");
    }
    else
    {
        m->cb.status(m->cb.arg, version, man_out_line_cb, m);
    }
}

static void
cmd_hold(struct manage *m, char **p, int np)
{
    if (np == 1)
    {
        man_outf(m, "SUCCESS: hold=%d", m->hold ? 1 : 0);
    }
    else if (!strcmp(p[1], "on") || !strcmp(p[1], "off"))
    {
        m->hold = !strcmp(p[1], "on");
        man_outf(m, "SUCCESS: hold flag set to %s", m->hold ? "ON" : "OFF");
    }
    else if (!strcmp(p[1], "release"))
    {
        m->hold_released = true;
        man_outf(m, "SUCCESS: hold release succeeded");
    }
    else
    {
        man_outf(m, "ERROR: bad hold command parameter");
    }
}

/* The next ':'-separated field of @p *r into @p out (truncated to its size). */
static void
colon_field(const char **r, char *out, size_t n)
{
    size_t len = strcspn(*r, ":");

    snprintf(out, n, "%.*s", (int) len, *r);
    *r += len + ((*r)[len] == ':');
}

/*
 * `kill CN` or `kill IP:PORT` (server only).  As 2.6 reads it: the first
 * two ':'-separated fields, both present = an address (inet_aton() forms
 * such as 1.2.3 are accepted), else a common name.
 */
static void
cmd_kill(struct manage *m, char **p, int np)
{
    const char *r;
    char f1[128], f2[128], ip[INET_ADDRSTRLEN];
    struct in_addr ia;
    int port, n;

    if (!need_params(m, "kill", np - 1, 1, false))
    {
        return;
    }
    if (!m->cfg.server || !m->cb.kill_cn || !m->cb.kill_addr)
    {
        unsupported(m, "kill");
        return;
    }
    r = p[1];
    colon_field(&r, f1, sizeof(f1));
    colon_field(&r, f2, sizeof(f2));
    if (f1[0] && !f2[0])
    {
        n = m->cb.kill_cn(m->cb.arg, f1);
        if (n > 0)
        {
            man_outf(m, "SUCCESS: common name '%s' found, %d client(s) killed", f1, n);
        }
        else
        {
            man_outf(m, "ERROR: common name '%s' not found", f1);
        }
        return;
    }
    if (!f1[0])
    {
        man_outf(m, "ERROR: kill parse");
        return;
    }
    if (inet_aton(f1, &ia) == 0)
    {
        man_outf(m, "ERROR: error parsing IP address: %s", f1);
        return;
    }
    port = atoi(f2);
    if (port <= 0 || port > 65535)
    {
        man_outf(m, "ERROR: port number is out of range: %s", f2);
        return;
    }
    inet_ntop(AF_INET, &ia, ip, sizeof(ip));
    n = m->cb.kill_addr(m->cb.arg, ip, port);
    if (n > 0)
    {
        man_outf(m, "SUCCESS: %d client(s) at address %s:%d killed", n, ip, port);
    }
    else
    {
        man_outf(m, "ERROR: client at address %s:%d not found", ip, port);
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
        man_outf(m, "ERROR: cannot parse CID");
        return;
    }
    if (!m->cfg.server || !m->cb.client_kill)
    {
        unsupported(m, "client-kill");
        return;
    }
    if (m->cb.client_kill(m->cb.arg, cid, np > 2 ? p[2] : NULL))
    {
        man_outf(m, "SUCCESS: client-kill command succeeded");
    }
    else
    {
        man_outf(m, "ERROR: client-kill command failed");
    }
}

static bool
parse_cid_kid(struct manage *m, char **p, unsigned long *cid, unsigned int *kid)
{
    unsigned long k;

    if (!parse_ulong(p[1], ULONG_MAX, cid))
    {
        man_outf(m, "ERROR: cannot parse CID");
        return false;
    }
    if (!parse_ulong(p[2], UINT32_MAX, &k))
    {
        man_outf(m, "ERROR: cannot parse KID");
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
    /* 2.6 completes the client later in its loop: what the decision sets
     * off (>CLIENT:ADDRESS, ESTABLISHED) follows the reply, so hold it back */
    size_t mark = m->out_len;
    bool ok;
    char *later;
    size_t n;

    m->flush_held = true;
    ok = m->cb.client_auth(m->cb.arg, cid, kid, allow, reason, client_reason, config);
    m->flush_held = false;
    n = m->client_fd >= 0 && m->out_len > mark ? m->out_len - mark : 0;
    later = n ? xcalloc(1, n) : NULL;
    if (later)
    {
        memcpy(later, m->out + mark, n);
        m->out_len = mark;
    }
    if (ok)
    {
        man_outf(m, "SUCCESS: %s command succeeded", cmd);
    }
    else
    {
        man_outf(m, "ERROR: %s command failed", cmd);
    }
    if (later)
    {
        man_out_raw(m, later, n);
        free(later);
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
        client_auth_done(m, "client-auth", cid, kid, true, NULL, NULL, ""); /* sic, as 2.6 */
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
        man_outf(m, "ERROR: client-auth config is too long");
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
            man_outf(m, "SUCCESS: signal %s thrown", p[1]);
            man_flush_out(m);
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
    man_outf(m, "ERROR: signal '%s' is not a known signal type", p[1]);
}

static void
cmd_verb_mute(struct manage *m, char **p, int np, bool verb)
{
    int v;

    if (np == 1)
    {
        man_outf(m, "SUCCESS: %s=%d", verb ? "verb" : "mute", verb ? x_debug_level : m->mute);
        return;
    }
    v = atoi(p[1]); /* 2.6 takes "x" as 0 */
    if (verb)
    {
        if (v < 0 || v > 15)
        {
            man_outf(m, "ERROR: verb level is out of range");
            return;
        }
        error_set_verb(v);
        man_outf(m, "SUCCESS: verb level changed");
        return;
    }
    if (v < 0)
    {
        man_outf(m, "ERROR: mute level is out of range");
        return;
    }
    m->mute = v;
    error_set_mute(v);
    man_outf(m, "SUCCESS: mute level changed");
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
    man_outf(m, "SUCCESS: nclients=%d,bytesin=%" PRIu64 ",bytesout=%" PRIu64, nclients, in, out);
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
        man_outf(m, "ERROR: no %s is currently needed at this time", what);
        return;
    }
    if (is_user)
    {
        strbcpy(m->pw_user, p[2], sizeof(m->pw_user));
        man_outf(m, "SUCCESS: '%s' username entered, but not yet verified", m->pw_type);
        return;
    }
    man_outf(m, "SUCCESS: '%s' password entered, but not yet verified", m->pw_type);
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
        man_outf(m, "SUCCESS: auth-retry=%s", m->auth_retry);
    }
    else if (!strcmp(p[1], "none") || !strcmp(p[1], "interact") || !strcmp(p[1], "nointeract"))
    {
        strbcpy(m->auth_retry, p[1], sizeof(m->auth_retry));
        man_outf(m, "SUCCESS: auth-retry parameter changed");
    }
    else
    {
        man_outf(m, "ERROR: auth-retry parameter must be 'none', 'interact' or 'nointeract'");
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
        "cr-response response   : Send a challenge response answer via CR_RESPONSE to server",
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
        "needok type action     : Enter confirmation for NEED-OK request of 'type',",
        "                         where action = 'ok' or 'cancel'.",
        "needstr type action    : Enter confirmation for NEED-STR request of 'type',",
        "                         where action is reply string.",
        "net                    : (Windows only) Show network info and routing table.",
        "password type p        : Enter password p for a queried OpenVPN password.",
        "remote type [host port] : Override remote directive, type=ACCEPT|MOD|SKIP.",
        "remote-entry-count     : Get number of available remote entries.",
        "remote-entry-get  i|all [j]: Get remote entry at index = i to to j-1 or all.",
        "proxy type [host port flags] : Enter dynamic proxy server info.",
        "pid                    : Show process ID of the current OpenVPN process.",
        "client-auth CID KID    : Authenticate client-id/key-id CID/KID (MULTILINE)",
        "client-auth-nt CID KID : Authenticate client-id/key-id CID/KID",
        "client-deny CID KID R [CR] : Deny auth client-id/key-id CID/KID with log reason",
        "                             text R and optional client reason text CR",
        "client-pending-auth CID KID MSG timeout : Instruct OpenVPN to send AUTH_PENDING and INFO_PRE msg",
        "                                      to the client and wait for a final client-auth/client-deny",
        "client-kill CID [M]    : Kill client instance CID with message M (def=RESTART)",
        "env-filter [level]     : Set env-var filter level",
        "rsa-sig                : Enter a signature in response to >RSA_SIGN challenge",
        "                         Enter signature base64 on subsequent lines followed by END",
        "pk-sig                 : Enter a signature in response to >PK_SIGN challenge",
        "                         Enter signature base64 on subsequent lines followed by END",
        "certificate            : Enter a client certificate in response to >NEED-CERT challenge",
        "                         Enter certificate base64 on subsequent lines followed by END",
        "signal s               : Send signal s to daemon,",
        "                         s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2.",
        "state [on|off] [N|all] : Like log, but show state history.",
        "status [n]             : Show current daemon status info using format #n.",
        "test n                 : Produce n lines of output for testing/debugging.",
        "username type u        : Enter username u for a queried OpenVPN username.",
        "verb [n]               : Set log verbosity level to n, or show if n is absent.",
        "version [n]            : Set client's version to n or show current version of daemon.",
        "END",
    };

    man_outf(m, "Management Interface for %s", m->title);
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
    {
        man_out_line(m, lines[i]);
    }
}

/* `test N`: N numbered lines, for exercising a client's reader. */
static void
cmd_test(struct manage *m, char **p, int np)
{
    int n;

    if (!need_params(m, "test", np - 1, 1, false))
    {
        return;
    }
    n = atoi(p[1]);
    /* stop once a client that does not read has been dropped */
    for (int i = 0; i < n && m->client_fd >= 0; i++)
    {
        man_outf(m, "[%d] The purpose of this command is to generate large amounts of output.", i);
        if (m->out_len > MAN_OUT_CAP / 2)
        {
            man_flush_out(m);
        }
    }
}

/*
 * Commands of features this daemon does not offer (or not in this mode),
 * answered with 2.6's texts for the same situation: its parameter check
 * first, then "not supported" (no such hook in this mode) or "not needed
 * at this time" (nothing was asked).  False if @p p[0] is none of them.
 */
static bool
cmd_absent(struct manage *m, char **p, int np)
{
    static const struct
    {
        const char *cmd;
        int need; /* parameters */
        bool at_least;
        bool server_only; /* a client would have the hook */
        const char *reply; /* NULL: "not supported"; "": "not currently available" */
    } t[] = {
        { "needok", 2, false, false, "ERROR: no needok-confirmation is currently needed at this time" },
        { "needstr", 2, false, false, "ERROR: no needstr-string is currently needed at this time" },
        { "net", 0, false, false, NULL },
        { "rsa-sig", 0, false, false, "" },
        { "pk-sig", 0, false, false, "" },
        { "certificate", 0, false, false, "" },
        { "remote", 1, true, true, NULL },
        { "proxy", 1, true, true, NULL },
        { "remote-entry-count", 0, false, true, NULL },
        { "remote-entry-get", 1, true, true, NULL },
        /* sic: 2.6 misspells this one */
        { "cr-response", 1, false, true, "ERROR: The 'cr-repsonse' command is not supported by the current daemon mode" },
        { "client-pending-auth", 4, false, false, NULL },
    };

    for (size_t i = 0; i < ARRAY_SIZE(t); i++)
    {
        if (strcmp(p[0], t[i].cmd) != 0)
        {
            continue;
        }
        if (t[i].server_only && !m->cfg.server)
        {
            return false;
        }
        if (!need_params(m, t[i].cmd, np - 1, t[i].need, t[i].at_least))
        {
            return true;
        }
        if (!strcmp(p[0], "client-pending-auth") && m->cb.client_auth)
        {
            /* a running server: 2.6's answer when it cannot pend the client */
            man_outf(m, "ERROR: client-pending-auth command failed. Extra parameter might be too long");
        }
        else if (t[i].reply && !t[i].reply[0])
        {
            man_outf(m, "ERROR: The %s command is not currently available", t[i].cmd);
        }
        else if (t[i].reply)
        {
            man_out_line(m, t[i].reply);
        }
        else
        {
            unsupported(m, t[i].cmd);
        }
        return true;
    }
    return false;
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
            man_outf(m, "OpenVPN Version: %s", m->title);
            man_outf(m, "Management Version: %d", MAN_VERSION);
            man_outf(m, "END");
        }
    }
    else if (!strcmp(c, "pid"))
    {
        man_outf(m, "SUCCESS: pid=%d", (int) getpid());
    }
    else if (!strcmp(c, "load-stats"))
    {
        cmd_load_stats(m);
    }
    else if (!strcmp(c, "forget-passwords"))
    {
        m->pw_pending = false;
        secure_memzero(m->pw_user, sizeof(m->pw_user));
        man_outf(m, "SUCCESS: Passwords were forgotten");
    }
    else if (!strcmp(c, "bytecount"))
    {
        if (need_params(m, c, np - 1, 1, false))
        {
            m->bytecount_interval = atoi(p[1]);
            m->bytecount_last = otime_wall();
            man_outf(m, "SUCCESS: bytecount interval changed");
        }
    }
    else if (!strcmp(c, "env-filter"))
    {
        m->env_filter = np > 1 ? atoi(p[1]) : 0;
        man_outf(m, "SUCCESS: env_filter_level=%d", m->env_filter);
    }
    else if (!strcmp(c, "test"))
    {
        cmd_test(m, p, np);
    }
    else if (!strcmp(c, "exit") || !strcmp(c, "quit"))
    {
        man_flush_out(m);
        man_client_close(m);
    }
    else
    {
        return false;
    }
    return true;
}

/* Run the tokenized command p[0] with its np - 1 parameters. */
static void
dispatch(struct manage *m, char **p, int np)
{
    if (cmd_simple(m, p, np) || cmd_absent(m, p, np))
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
        man_outf(m, "ERROR: unknown command, enter 'help' for more options");
    }
}

/* 2.6 logs the line as typed, hides a password and leaves out load-stats
 * (monitoring tools poll it).  TYPED is the line before tokenizing, or NULL;
 * it is wiped and freed. */
static void
log_typed(char *typed, char **p, int np)
{
    if (!typed)
    {
        return;
    }
    if (np >= 0)
    {
        msg(D_MANAGEMENT, "MANAGEMENT: CMD '%s'",
            np > 0 && !strcmp(p[0], "password") ? "password [...]" : typed);
    }
    secure_memzero(typed, strlen(typed));
    free(typed);
}

void
man_command(struct manage *m, char *line)
{
    char *p[MAN_PARAMS];
    int np;

    if (m->in_multiline)
    {
        multiline_line(m, line);
        man_flush_out(m);
        return;
    }
    char *typed = strcmp(line, "load-stats") != 0 ? xstrdup(line) : NULL;

    if (!tokenize(m, line, p, &np))
    {
        np = -1; /* tokenize answered the client; nothing is logged */
    }
    log_typed(typed, p, np);
    if (np > 0)
    {
        dispatch(m, p, np);
    }
    man_flush_out(m);
}
