/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_parse.c -- config tokenizer, inline <blocks>, --config nesting,
 * the command line, and the dispatcher that feeds the keyword table.
 *
 * Tier 4.  Includes only tier 0 and options headers; never init/forward.
 * The messages users grep for ("Unrecognized option or missing or extra
 * parameter(s)", "No closing quotation", "Maximum option line length")
 * keep OpenVPN 2.6's wording.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "error.h"
#include "options_parse.h"
#include "options_table.h"
#include "strutil.h"

#define CMDLINE_NAME     "[CMD-LINE]"
#define MAX_CONFIG_BYTES (16u * 1024u * 1024u) /* refuse absurd files rather than OOM */

void
opt_error(const struct opt_loc *loc, const char *kw, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);

    if (kw)
    {
        msg(M_USAGE, "Options error: %s:%d: --%s: %s", loc->file, loc->line, kw, why);
    }
    else
    {
        msg(M_USAGE, "Options error: %s:%d: %s", loc->file, loc->line, why);
    }
}

bool
opt_uint(const struct opt_loc *loc,
         const char *kw,
         const char *arg,
         unsigned long lo,
         unsigned long hi,
         unsigned long *out)
{
    char *end;
    unsigned long v;

    if (arg[0] < '0' || arg[0] > '9')
    {
        opt_error(loc, kw, "'%s' is not a number", arg);
        return false;
    }
    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
    {
        opt_error(loc, kw, "'%s' is not in %lu..%lu", arg, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool
opt_int(const struct opt_loc *loc, const char *kw, const char *arg, int lo, int hi, int *out)
{
    unsigned long v;

    ASSERT(lo >= 0 && hi >= lo);
    if (!opt_uint(loc, kw, arg, (unsigned long) lo, (unsigned long) hi, &v))
    {
        return false;
    }
    *out = (int) v;
    return true;
}

/* ---------------------------------------------------------------- tokenizer */

enum tok_state
{
    ST_BETWEEN, /* skipping blanks between words */
    ST_BARE,    /* inside an unquoted word */
    ST_DQUOTE,  /* inside "..." */
    ST_SQUOTE,  /* inside '...' */
};

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Close the word being built; the word count is capped one past the
 * table's limit so that too many words still reach opt_apply() and get
 * 2.6's "extra parameter(s)" message. */
static void
end_word(struct opt_tokens *t, size_t *w)
{
    t->store[(*w)++] = '\0';
    if (t->n < OPT_MAX_PARMS + 1)
    {
        t->n++;
    }
}

enum opt_tok_result
opt_tokenize(const char *line, size_t len, const struct opt_loc *loc, struct opt_tokens *out)
{
    enum tok_state st = ST_BETWEEN;
    bool escaped = false;
    size_t w = 0;

    out->n = 0;
    if (len > OPT_LINE_SIZE - 1)
    {
        len = OPT_LINE_SIZE - 1; /* callers check the limit; never overrun store[] */
    }
    for (size_t i = 0; i < len && line[i] != '\0'; i++)
    {
        char c = line[i];

        if (st == ST_BETWEEN)
        {
            if (is_blank(c))
            {
                continue;
            }
            if (c == '#' || c == ';')
            {
                break; /* a word starting with a comment char ends the line */
            }
            if (out->n <= OPT_MAX_PARMS)
            {
                out->p[out->n] = &out->store[w];
            }
            st = (c == '"') ? ST_DQUOTE : (c == '\'') ? ST_SQUOTE : ST_BARE;
            if (st != ST_BARE)
            {
                continue;
            }
        }
        if (escaped)
        {
            escaped = false; /* the escaped character is taken literally */
        }
        else if (c == '\\' && st != ST_SQUOTE)
        {
            escaped = true;
            continue;
        }
        else if ((st == ST_BARE && is_blank(c)) || (st == ST_DQUOTE && c == '"') ||
                 (st == ST_SQUOTE && c == '\''))
        {
            end_word(out, &w);
            st = ST_BETWEEN;
            continue;
        }
        out->store[w++] = c;
    }

    if (st == ST_DQUOTE || st == ST_SQUOTE)
    {
        msg(M_USAGE,
            "Options error: No closing %squotation (%s) in %s:%d",
            st == ST_SQUOTE ? "single " : "",
            st == ST_SQUOTE ? "'" : "\"",
            loc->file,
            loc->line);
        out->n = 0;
        return OPT_TOK_ERROR;
    }
    if (st == ST_BARE)
    {
        end_word(out, &w);
    }
    out->p[out->n] = NULL;
    if (out->n > 0 && strncmp(out->p[0], "--", 2) == 0)
    {
        out->p[0] += 2; /* "--verb 3" in a file means "verb 3" */
    }
    return OPT_TOK_OK;
}

/* ---------------------------------------------------------------- dispatcher */

static bool
is_ignored_unknown(const struct options *o, const char *kw)
{
    for (int i = 0; i < o->n_ignore_unknown; i++)
    {
        if (streq(o->ignore_unknown[i], kw))
        {
            return true;
        }
    }
    return false;
}

bool
opt_apply(struct options *o, const struct opt_loc *loc, unsigned int where, char **p, int n)
{
    const struct opt_def *def;
    int nargs = n - 1;

    ASSERT(n >= 1);
    def = opt_lookup(p[0]);
    if (!def && is_ignored_unknown(o, p[0]))
    {
        msg(M_WARN,
            "%s:%d: Ignored option not understood by this version of OpenVPN: %s",
            loc->file,
            loc->line,
            p[0]);
        return true;
    }
    if (!def || nargs < def->min_args || nargs > def->max_args)
    {
        msg(M_USAGE,
            "Options error: Unrecognized option or missing or extra parameter(s) in %s:%d: %s "
            "(%s)",
            loc->file,
            loc->line,
            p[0],
            PACKAGE_VERSION);
        return false;
    }
    if (!(def->where & where))
    {
        /* 2.6's wording; names like "[PUSH-OPTIONS]" carry no useful line number */
        if (loc->file[0] == '[')
        {
            msg(M_USAGE,
                "Options error: option '%s' cannot be used in this context (%s)",
                def->name,
                loc->file);
        }
        else
        {
            msg(M_USAGE,
                "Options error: option '%s' cannot be used in this context (%s:%d)",
                def->name,
                loc->file,
                loc->line);
        }
        return false;
    }
    return def->handler(o, loc, def->name, p + 1, nargs);
}

/* ---------------------------------------------------------------- files */

/* One line of @p text starting at *pos: [*line, *line + *len), without "\n". */
static bool
next_line(const char *text, size_t size, size_t *pos, const char **line, size_t *len)
{
    const char *nl;

    if (*pos >= size)
    {
        return false;
    }
    *line = text + *pos;
    nl = memchr(*line, '\n', size - *pos);
    *len = nl ? (size_t) (nl - *line) : size - *pos;
    *pos += *len + (nl ? 1 : 0);
    return true;
}

static bool
line_too_long(const struct opt_loc *loc, const char *line, size_t len)
{
    if (len <= OPT_LINE_SIZE - 1)
    {
        return false;
    }
    msg(M_USAGE,
        "Options error: In %s:%d: Maximum option line length (%d) exceeded, line starts "
        "with %.*s",
        loc->file,
        loc->line,
        OPT_LINE_SIZE,
        OPT_LINE_SIZE - 1,
        line);
    return true;
}

/* "<tag>" alone on a line opens an inline block; writes "tag" to @p tag. */
static bool
is_block_start(const struct opt_tokens *t, char *tag, size_t tagsize)
{
    size_t l;

    if (t->n != 1)
    {
        return false;
    }
    l = strlen(t->p[0]);
    if (l < 3 || t->p[0][0] != '<' || t->p[0][1] == '/' || t->p[0][l - 1] != '>' ||
        l - 2 >= tagsize)
    {
        return false;
    }
    memcpy(tag, t->p[0] + 1, l - 2);
    tag[l - 2] = '\0';
    return true;
}

static bool
is_block_end(const char *line, size_t len, const char *tag)
{
    size_t tl = strlen(tag);

    while (len > 0 && is_blank(*line))
    {
        line++;
        len--;
    }
    return len >= tl + 3 && line[0] == '<' && line[1] == '/' && memcmp(line + 2, tag, tl) == 0 &&
           line[tl + 2] == '>';
}

/*
 * Collect the lines of an inline block after "<tag>" up to "</tag>" and
 * apply "tag [[INLINE]]" with the text in o->inline_data.
 */
static bool
apply_block(struct options *o,
            struct opt_loc *loc,
            unsigned int where,
            const char *tag,
            const char *text,
            size_t size,
            size_t *pos)
{
    const struct opt_loc start = *loc;
    const char *line;
    size_t len, used = 0, cap = 256;
    char *data = xcalloc(cap, 1);
    bool ok = false;

    while (next_line(text, size, pos, &line, &len))
    {
        loc->line++;
        if (line_too_long(loc, line, len))
        {
            goto out;
        }
        if (is_block_end(line, len, tag))
        {
            char *p[3] = { (char *) tag, OPT_INLINE_TAG, NULL };

            o->inline_data = data;
            ok = opt_apply(o, &start, where, p, 2);
            o->inline_data = NULL;
            goto out;
        }
        while (used + len + 2 > cap)
        {
            cap *= 2;
            data = realloc(data, cap);
            ASSERT(data);
        }
        memcpy(data + used, line, len);
        used += len;
        data[used++] = '\n';
        data[used] = '\0';
    }
    msg(M_USAGE, "Options error: %s:%d: Endtag </%s> missing", start.file, start.line, tag);
out:
    secure_memzero(data, cap); /* inline blocks are usually keys */
    free(data);
    return ok;
}

bool
opt_parse_text(struct options *o,
               const char *name,
               const char *text,
               size_t len,
               unsigned int where,
               int depth)
{
    struct opt_loc loc = { name, 0 };
    struct opt_tokens t;
    const char *line;
    size_t pos = 0, llen;
    int saved_depth = o->config_depth;
    bool ok = true;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    {
        pos = 3; /* UTF-8 byte order mark, written by some Windows editors */
    }
    o->config_depth = depth;
    while ((ok || o->parse_keep_going) && next_line(text, len, &pos, &line, &llen))
    {
        char tag[64];

        loc.line++;
        if (line_too_long(&loc, line, llen) || opt_tokenize(line, llen, &loc, &t) != OPT_TOK_OK)
        {
            ok = false;
        }
        else if (t.n > 0 && is_block_start(&t, tag, sizeof(tag)))
        {
            ok = apply_block(o, &loc, where, tag, text, len, &pos);
        }
        else if (t.n > 0)
        {
            ok = opt_apply(o, &loc, where, t.p, t.n);
        }
    }
    o->config_depth = saved_depth;
    return ok || o->parse_keep_going;
}

/* Read all of @p fp; NULL (errno set) on failure or if absurdly large. */
static char *
slurp(FILE *fp, size_t *len)
{
    size_t cap = 4096, used = 0, got;
    char *buf = xcalloc(cap, 1);

    while ((got = fread(buf + used, 1, cap - used - 1, fp)) > 0)
    {
        used += got;
        if (used + 1 == cap)
        {
            if (cap >= MAX_CONFIG_BYTES)
            {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = realloc(buf, cap);
            ASSERT(buf);
        }
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

bool
opt_parse_file(struct options *o, const char *path, const struct opt_loc *from, int depth)
{
    static const struct opt_loc cmdline = { CMDLINE_NAME, 1 };
    const struct opt_loc *at = from ? from : &cmdline;
    bool is_stdin = streq(path, "stdin");
    FILE *fp;
    char *text;
    size_t len;
    bool ok;

    if (depth > MAX_CONFIG_DEPTH)
    {
        msg(M_USAGE,
            "Options error: In %s:%d: Maximum recursive include levels exceeded in include "
            "attempt of file %s -- probably you have a configuration file that tries to "
            "include itself.",
            at->file,
            at->line,
            path);
        return false;
    }
    fp = is_stdin ? stdin : fopen(path, "r");
    if (!fp)
    {
        msg(M_USAGE,
            "Options error: In %s:%d: Error opening configuration file: %s",
            at->file,
            at->line,
            path);
        return false;
    }
    text = slurp(fp, &len);
    if (!is_stdin)
    {
        fclose(fp);
    }
    if (!text)
    {
        msg(M_USAGE,
            "Options error: In %s:%d: Error reading configuration file: %s",
            at->file,
            at->line,
            path);
        return false;
    }
    /* The loc strings must outlive parsing (struct opt_loc copies are kept
     * in routes etc.), so the name is owned by o via a small intern list. */
    ok = opt_parse_text(
      o, options_intern(o, path), text, len, o->ccd_target ? OPT_W_CCD : OPT_W_CONFIG, depth);
    free(text);
    return ok;
}

/* ---------------------------------------------------------------- argv */

bool
opt_parse_cmdline(struct options *o, int argc, char **argv)
{
    const struct opt_loc loc = { CMDLINE_NAME, 1 }; /* 2.6 reports every argument as line 1 */

    if (argc == 2 && strncmp(argv[1], "--", 2) != 0)
    {
        char *p[3] = { "config", argv[1], NULL }; /* "openvpn client.conf" */

        return opt_apply(o, &loc, OPT_W_CONFIG, p, 2);
    }
    for (int i = 1; i < argc;)
    {
        char *p[OPT_MAX_PARMS + 2];
        int n = 0;

        if (strncmp(argv[i], "--", 2) != 0)
        {
            msg(M_USAGE,
                "Options error: I'm trying to parse \"%s\" as an --option parameter but I "
                "don't see a leading '--'",
                argv[i]);
            return false;
        }
        p[n++] = argv[i++] + 2;
        while (i < argc && strncmp(argv[i], "--", 2) != 0)
        {
            if (n <= OPT_MAX_PARMS)
            {
                p[n++] = argv[i];
            }
            i++;
        }
        p[n] = NULL;
        if (!opt_apply(o, &loc, OPT_W_CONFIG, p, n))
        {
            return false;
        }
    }
    return true;
}

void
opt_warn_private_file(const char *path)
{
    struct stat st;

    if (path && stat(path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
    {
        msg(M_WARN, "WARNING: file '%s' is group or others accessible", path);
    }
}
