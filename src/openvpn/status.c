/* SPDX-License-Identifier: GPL-2.0-only */
/* status.c -- see status.h. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "otime.h"
#include "status.h"

/* Longest status line we build: a client row is a handful of names and
 * addresses that the server already bounded (common names <= 64, usernames
 * <= 256 in 2.6); truncation would only cut an oversized field. */
#define STATUS_LINE_MAX 1024

void
status_time_string(time_t t, char *out, size_t n)
{
    struct tm tm;

    if ((!localtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm) == 0) && n > 0)
    {
        out[0] = '\0';
    }
}

/*
 * Format one line and hand it on.  Version 3 is version 2 with every comma
 * replaced by a TAB (doc/protocol.md §10.2), so the separator is applied here, to
 * the finished line, exactly as 2.6 does -- commas inside a field (a common
 * name with a comma) become TABs too.
 */
PRINTF(4, 5) static void put(status_emit_fn emit, void *arg, bool tabs, const char *fmt, ...)
{
    char line[STATUS_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (tabs)
    {
        for (char *p = line; *p; p++)
        {
            if (*p == ',')
            {
                *p = '\t';
            }
        }
    }
    emit(arg, line);
}

static const char *
nz(const char *s)
{
    return s ? s : "";
}

static void
server_v1(const struct status_server_view *v, status_emit_fn emit, void *arg)
{
    char t[32];

    put(emit, arg, false, "OpenVPN CLIENT LIST");
    status_time_string(v->now, t, sizeof(t));
    put(emit, arg, false, "Updated,%s", t);
    put(emit, arg, false, "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since");
    for (size_t i = 0; i < v->n_clients; i++)
    {
        const struct status_client *c = &v->clients[i];

        status_time_string(c->connected_since, t, sizeof(t));
        put(emit,
            arg,
            false,
            "%s,%s,%" PRIu64 ",%" PRIu64 ",%s",
            nz(c->common_name),
            nz(c->real_addr),
            c->bytes_in,
            c->bytes_out,
            t);
    }
    put(emit, arg, false, "ROUTING TABLE");
    put(emit, arg, false, "Virtual Address,Common Name,Real Address,Last Ref");
    for (size_t i = 0; i < v->n_routes; i++)
    {
        const struct status_route *r = &v->routes[i];

        status_time_string(r->last_ref, t, sizeof(t));
        put(emit,
            arg,
            false,
            "%s,%s,%s,%s",
            nz(r->virt_addr),
            nz(r->common_name),
            nz(r->real_addr),
            t);
    }
    put(emit, arg, false, "GLOBAL STATS");
    put(emit, arg, false, "Max bcast/mcast queue length,%d", v->max_bcast_queue);
    put(emit, arg, false, "END");
}

static void
server_v2(const struct status_server_view *v, bool tabs, status_emit_fn emit, void *arg)
{
    char t[32];

    put(emit, arg, tabs, "TITLE,%s", nz(v->title));
    status_time_string(v->now, t, sizeof(t));
    put(emit, arg, tabs, "TIME,%s,%lld", t, (long long) v->now);
    put(emit,
        arg,
        tabs,
        "HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,"
        "Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,"
        "Client ID,Peer ID,Data Channel Cipher");
    for (size_t i = 0; i < v->n_clients; i++)
    {
        const struct status_client *c = &v->clients[i];

        status_time_string(c->connected_since, t, sizeof(t));
        put(emit,
            arg,
            tabs,
            "CLIENT_LIST,%s,%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%lld,%s,%lu,%" PRIu32 ",%s",
            nz(c->common_name),
            nz(c->real_addr),
            nz(c->virt_addr),
            nz(c->virt_addr6),
            c->bytes_in,
            c->bytes_out,
            t,
            (long long) c->connected_since,
            c->username ? c->username : "UNDEF",
            c->client_id,
            c->peer_id,
            nz(c->cipher));
    }
    put(emit,
        arg,
        tabs,
        "HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,"
        "Last Ref (time_t)");
    for (size_t i = 0; i < v->n_routes; i++)
    {
        const struct status_route *r = &v->routes[i];

        status_time_string(r->last_ref, t, sizeof(t));
        put(emit,
            arg,
            tabs,
            "ROUTING_TABLE,%s,%s,%s,%s,%lld",
            nz(r->virt_addr),
            nz(r->common_name),
            nz(r->real_addr),
            t,
            (long long) r->last_ref);
    }
    put(emit, arg, tabs, "GLOBAL_STATS,Max bcast/mcast queue length,%d", v->max_bcast_queue);
    put(emit, arg, tabs, "GLOBAL_STATS,dco_enabled,%d", v->dco ? 1 : 0);
    put(emit, arg, tabs, "END");
}

void
status_server_lines(const struct status_server_view *v, int version, status_emit_fn emit, void *arg)
{
    if (version == 2 || version == 3)
    {
        server_v2(v, version == 3, emit, arg);
    }
    else
    {
        server_v1(v, emit, arg);
    }
}

static void
file_line(void *arg, const char *line)
{
    FILE *fp = arg;

    fputs(line, fp);
    fputc('\n', fp);
}

/* Truncate and rewrite, as 2.6 does: readers that open the file while we
 * write may see a short file, never a mix of two versions' lines. */
static bool
write_file(const char *path,
           void (*fill)(FILE *fp, const void *v, int version),
           const void *v,
           int version)
{
    FILE *fp = fopen(path, "w");

    if (!fp)
    {
        msg(M_WARN | M_ERRNO, "Cannot open status file '%s' for writing", path);
        return false;
    }
    fill(fp, v, version);
    if (ferror(fp))
    {
        msg(M_WARN | M_ERRNO, "Error writing status file '%s'", path);
        fclose(fp);
        return false;
    }
    if (fclose(fp) != 0)
    {
        msg(M_WARN | M_ERRNO, "Error writing status file '%s'", path);
        return false;
    }
    return true;
}

static void
fill_server(FILE *fp, const void *v, int version)
{
    status_server_lines(v, version, file_line, fp);
}

bool
status_write_lines_file(const char *path, const struct status_server_view *v, int version)
{
    return write_file(path, fill_server, v, version);
}

void
status_p2p_lines(const struct status_p2p_view *v, status_emit_fn emit, void *arg)
{
    char t[32];

    status_time_string(v->now, t, sizeof(t));
    put(emit, arg, false, "OpenVPN STATISTICS");
    put(emit, arg, false, "Updated,%s", t);
    put(emit, arg, false, "TUN/TAP read bytes,%" PRIu64, v->tun_read);
    put(emit, arg, false, "TUN/TAP write bytes,%" PRIu64, v->tun_write);
    put(emit, arg, false, "TCP/UDP read bytes,%" PRIu64, v->link_read);
    put(emit, arg, false, "TCP/UDP write bytes,%" PRIu64, v->link_write);
    put(emit, arg, false, "Auth read bytes,%" PRIu64, v->auth_read);
    if (v->comp)
    {
        put(emit, arg, false, "pre-compress bytes,%" PRIu64, v->pre_comp);
        put(emit, arg, false, "post-compress bytes,%" PRIu64, v->post_comp);
        put(emit, arg, false, "pre-decompress bytes,%" PRIu64, v->pre_decomp);
        put(emit, arg, false, "post-decompress bytes,%" PRIu64, v->post_decomp);
    }
    put(emit, arg, false, "END");
}

void
status_p2p_view_fill(const struct context *c, time_t now, struct status_p2p_view *v)
{
    const struct tunnel_stats *s = &c->stats;

    memset(v, 0, sizeof(*v));
    v->now = now;
    v->tun_read = s->tun_read_bytes;
    v->tun_write = s->tun_write_bytes;
    v->link_read = s->link_read_bytes;
    v->link_write = s->link_write_bytes;
    v->auth_read = s->auth_read_bytes;
}

static void
log_line(void *arg, const char *line)
{
    (void) arg;
    msg(M_INFO | M_NOMUTE, "%s", line);
}

void
status_log(const struct context *c)
{
    struct status_p2p_view v;

    status_p2p_view_fill(c, otime_wall(), &v);
    status_p2p_lines(&v, log_line, NULL);
    msg(D_STATS,
        "Dropped packets: auth %" PRIu64 ", replay %" PRIu64 ", short %" PRIu64
        ", wrong source %" PRIu64 ", framing %" PRIu64,
        c->stats.dropped_auth,
        c->stats.dropped_replay,
        c->stats.dropped_short,
        c->stats.dropped_source,
        c->stats.dropped_comp);
}

static void
fill_p2p(FILE *fp, const void *v, int version)
{
    (void) version;
    status_p2p_lines(v, file_line, fp);
}

bool
status_write_file(const struct context *c, const char *path)
{
    struct status_p2p_view v;

    status_p2p_view_fill(c, otime_wall(), &v);
    return write_file(path, fill_p2p, &v, 0);
}
