/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * error.h -- the logger: msg(), verbosity, mute, rate limits, ASSERT.
 *
 * A msglvl_t packs a verbosity level (low 4 bits: shown when level <=
 * --verb), behaviour bits (M_FATAL exits with status 1 after logging,
 * M_ERRNO appends strerror) and a mute category (bits 24..31) for --mute.
 * The D_* names in errlevel.h are the levels call sites use.
 *
 * The logging configuration is the one process global the house rules
 * allow (no other globals; no clock reads below tier 5).  Tier 0.
 */
#ifndef OVPN_ERROR_H
#define OVPN_ERROR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "basic.h"

typedef unsigned int msglvl_t;

#define M_DEBUG_LEVEL 0x0Fu       /* verbosity 0..15 */
#define M_FATAL       (1u << 4)   /* log, then exit(1) */
#define M_NONFATAL    (1u << 5)   /* an error we survive: "NOTE"-less */
#define M_WARN        (1u << 6)   /* a warning */
#define M_DEBUG       (1u << 7)
#define M_ERRNO       (1u << 8)   /* append ": strerror(errno) (errno=N)" */
#define M_NOMUTE      (1u << 11)  /* never muted */
#define M_NOPREFIX    (1u << 12)  /* no timestamp prefix */
#define M_USAGE_SMALL (1u << 13)
#define M_MSG_VIRT_OUT (1u << 14) /* also to the management interface (future) */
#define M_NOLF        (1u << 15)  /* do not append a newline */
#define M_NOIPREFIX   (1u << 16)

#define LOGLEV(level, mute, other) ((level) | ((unsigned)(mute) << 24) | (other))
#define MUTE_CAT(f)                (((f) >> 24) & 0xFFu)

#define M_ERR    (M_FATAL | M_ERRNO)
#define M_USAGE  (M_USAGE_SMALL | M_NOPREFIX | M_WARN)
#define M_CLIENT (M_MSG_VIRT_OUT | M_NOMUTE | M_NOIPREFIX)

#include "errlevel.h"

/* GLOBAL: logging configuration (one process, one log). */
extern int x_debug_level;
extern int x_msg_line_num;

/** True when a message with @p flags would be shown at the current --verb. */
static inline bool
msg_test(msglvl_t flags)
{
    return (int)(flags & M_DEBUG_LEVEL) <= x_debug_level;
}

void x_msg(msglvl_t flags, const char *fmt, ...) PRINTF(2, 3);

#define msg(flags, ...)                 \
    do                                  \
    {                                   \
        const msglvl_t msg_f_ = (flags); \
        if (msg_test(msg_f_))           \
        {                               \
            x_msg(msg_f_, __VA_ARGS__); \
        }                               \
    } while (0)

#define dmsg msg

void assert_failed(const char *file, int line, const char *cond) NORETURN;
#define ASSERT(x)                                      \
    do                                                 \
    {                                                  \
        if (!(x))                                      \
        {                                              \
            assert_failed(__FILE__, __LINE__, #x);     \
        }                                              \
    } while (0)

/* --- configuration (called by options/init) --- */
void error_set_verb(int verb);
void error_set_mute(int mute);
void error_set_timestamps(bool enabled);
/** --machine-readable-output: "SECONDS.MICROSECONDS FLAGS text" on every line (not syslog). */
void error_set_machine_readable(bool enabled);
/** Send output to @p path (truncating unless @p append); false with errno on failure. */
bool error_redirect_to_file(const char *path, bool append);
/** Send output to syslog under @p ident (--syslog, --daemon without --log). */
void error_redirect_to_syslog(const char *ident);
/** True when a log file or syslog replaced stderr (used before daemonizing). */
bool error_is_redirected(void);
void error_close_log(void);

/**
 * Called for every message that is logged (after --verb and --mute
 * filtering) with its flags and its text, without timestamp or line end;
 * the management interface keeps its log history through this.  Not
 * re-entered when the hook itself logs.  NULL removes it.
 */
void error_set_log_hook(void (*hook)(void *arg, unsigned int flags, const char *text), void *arg);

/** Called (once) before exit on M_FATAL, e.g. to remove a tun device. */
void error_set_fatal_hook(void (*hook)(void));

/**
 * Put @p prefix and a space before every following line (not M_NOPREFIX
 * ones) until it is cleared with NULL: a server names the client a line of
 * the control channel is about ("CN/198.51.100.2:1194 VERIFY OK ...").  The
 * string is the caller's and must stay valid while it is set.
 */
void error_set_prefix(const char *prefix);

/** Leave the process with @p status after running the fatal hook. */
void openvpn_exit(int status) NORETURN;

/*
 * Rate limiter for messages a peer can trigger: at most @p burst messages
 * per @p window seconds; the number held back is reported with the next
 * message allowed through.
 */
struct ratelimit
{
    time_t window_start;
    unsigned int window;
    unsigned int burst;
    unsigned int count;
    unsigned int suppressed;
};

void ratelimit_init(struct ratelimit *rl, unsigned int window, unsigned int burst);

/** True if a message may be logged now; otherwise counts it as suppressed. */
bool ratelimit_allow(struct ratelimit *rl, time_t now);

/** Messages suppressed since the last allowed one; resets the count. */
unsigned int ratelimit_take_suppressed(struct ratelimit *rl);

#endif /* OVPN_ERROR_H */
