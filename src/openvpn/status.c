/* SPDX-License-Identifier: GPL-2.0-only */
/* status.c -- see status.h. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "error.h"
#include "status.h"

/* Format the block into @p out, one line per entry, without line ends. */
static int
status_lines(const struct context *c, char lines[][96], int max)
{
    const struct tunnel_stats *s = &c->stats;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    int n = 0;

    localtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(lines[n++], 96, "OpenVPN STATISTICS");
    snprintf(lines[n++], 96, "Updated,%s", now);
    snprintf(lines[n++], 96, "TUN/TAP read bytes,%" PRIu64, s->tun_read_bytes);
    snprintf(lines[n++], 96, "TUN/TAP write bytes,%" PRIu64, s->tun_write_bytes);
    snprintf(lines[n++], 96, "TCP/UDP read bytes,%" PRIu64, s->link_read_bytes);
    snprintf(lines[n++], 96, "TCP/UDP write bytes,%" PRIu64, s->link_write_bytes);
    snprintf(lines[n++], 96, "Auth read bytes,%" PRIu64, s->auth_read_bytes);
    snprintf(lines[n++], 96, "END");
    ASSERT(n <= max);
    return n;
}

void
status_log(const struct context *c)
{
    char lines[16][96];
    int n = status_lines(c, lines, 16);

    for (int i = 0; i < n; i++)
    {
        msg(M_INFO | M_NOMUTE, "%s", lines[i]);
    }
    msg(D_STATS, "Dropped packets: auth %" PRIu64 ", replay %" PRIu64 ", short %" PRIu64
        ", wrong source %" PRIu64 ", framing %" PRIu64,
        c->stats.dropped_auth, c->stats.dropped_replay, c->stats.dropped_short,
        c->stats.dropped_source, c->stats.dropped_comp);
}

bool
status_write_file(const struct context *c, const char *path)
{
    char lines[16][96];
    int n = status_lines(c, lines, 16);
    FILE *fp = fopen(path, "w");

    if (!fp)
    {
        msg(M_WARN | M_ERRNO, "Cannot open status file '%s' for writing", path);
        return false;
    }
    for (int i = 0; i < n; i++)
    {
        fprintf(fp, "%s\n", lines[i]);
    }
    return fclose(fp) == 0;
}
