/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_parse.h -- the config tokenizer and the directive dispatcher.
 *
 * Turns config text (files, the command line, inline <blocks>, and later
 * pushed option strings) into argument vectors tagged with a struct
 * opt_loc, and hands each vector to opt_apply(), which looks the keyword
 * up in the option table and runs its handler.  Every complaint goes
 * through opt_error(), so it carries FILE:LINE.
 *
 * Tier 4 (configuration).  Must not include tier 5+ headers (init.h,
 * forward.h, multi.h ...), nor any crypto / socket / tun module.
 * Memory: token strings live in caller-owned struct opt_tokens; handlers
 * copy what they keep into struct options (which owns it).
 */
#ifndef OVPN_OPTIONS_PARSE_H
#define OVPN_OPTIONS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "basic.h"
#include "options.h"

/* Where a directive may appear (struct opt_def.where, opt_apply's @p where). */
#define OPT_W_CONFIG (1u << 0) /* config file or command line */
#define OPT_W_CONN   (1u << 1) /* inside <connection> */
#define OPT_W_PUSH   (1u << 2) /* pushed by the server */
#define OPT_W_CCD    (1u << 3) /* --client-config-dir file or client-connect output */

/* 2.6 limits: a config line holds at most 256 bytes, a directive 16 words. */
#define OPT_LINE_SIZE 256
#define OPT_MAX_PARMS 16

/* The word a handler sees in place of a file name when the data came from
 * an inline <block>; the text itself is in o->inline_data while the
 * handler runs (NULL otherwise), so `secret [[INLINE]]` typed by hand is
 * rejected by the handler. */
#define OPT_INLINE_TAG "[[INLINE]]"

/** One tokenized directive.  The words point into @c store. */
struct opt_tokens
{
    char *p[OPT_MAX_PARMS + 2]; /**< p[0] keyword, p[1..n-1] arguments, p[n] NULL */
    int n;                      /**< number of words, 0 for a blank or comment line */
    char store[OPT_LINE_SIZE * 2];
};

enum opt_tok_result
{
    OPT_TOK_OK,    /**< @c n words (possibly 0) */
    OPT_TOK_ERROR, /**< logged with @p loc: unbalanced quote, too many words ... */
};

/**
 * Split one config line (no trailing newline needed) into words.
 * Blank lines and lines whose first word starts with '#' or ';' give n = 0;
 * a word beginning with '#' or ';' (outside quotes) ends the line, as in 2.6.
 * Double quotes allow \\ \" and "\ " escapes; single quotes take text
 * literally; outside quotes a backslash escapes the next character.
 * A leading "--" on the first word is dropped (optional in files).
 */
enum opt_tok_result opt_tokenize(const char *line,
                                 size_t len,
                                 const struct opt_loc *loc,
                                 struct opt_tokens *out);

/**
 * Report a problem with one directive, always as
 * "Options error: FILE:LINE: --KW: why".  @p kw may be NULL (no "--KW: ").
 */
void opt_error(const struct opt_loc *loc, const char *kw, const char *fmt, ...) PRINTF(3, 4);

/** 2.6's "WARNING: file 'PATH' is group or others accessible" for a secret file. */
void opt_warn_private_file(const char *path);

/** Strict unsigned decimal in [lo, hi]; on failure logs with @p loc and returns false. */
bool opt_uint(const struct opt_loc *loc,
              const char *kw,
              const char *arg,
              unsigned long lo,
              unsigned long hi,
              unsigned long *out);

/** opt_uint() into an int (hi must fit). */
bool opt_int(const struct opt_loc *loc, const char *kw, const char *arg, int lo, int hi, int *out);

/**
 * Apply one directive: look @p p[0] up in the table, check where it is
 * allowed and its argument count, run its handler.  Unknown keywords get
 * 2.6's "Unrecognized option or missing or extra parameter(s)" message
 * unless listed in --ignore-unknown-option.
 * @return false after logging on any error.
 */
bool opt_apply(struct options *o, const struct opt_loc *loc, unsigned int where, char **p, int n);

/**
 * Parse config text @p text (@p len bytes, need not be NUL-terminated)
 * named @p name (used in FILE:LINE) at --config nesting @p depth.
 * Handles comments, inline <blocks> and the 256-byte line limit.
 */
bool opt_parse_text(struct options *o,
                    const char *name,
                    const char *text,
                    size_t len,
                    unsigned int where,
                    int depth);

/** Read file @p path (or "stdin") and parse it; @p from is the --config line (may be NULL). */
bool opt_parse_file(struct options *o, const char *path, const struct opt_loc *from, int depth);

/**
 * Parse a command line: "--opt args ... --opt args", or a single
 * non-option word meaning --config FILE.  Does not run post-processing.
 */
bool opt_parse_cmdline(struct options *o, int argc, char **argv);

#endif /* OVPN_OPTIONS_PARSE_H */
