/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * push_msg.h -- the text messages of the control channel (doc/protocol.md §8.1,
 * §8.2, §8.4): building PUSH_REPLY messages (split as 2.6 splits them) and
 * recognising incoming messages by prefix.
 *
 * Pure text handling: no I/O, no allocation, no clock, no logging except
 * the one 2.6 line for an option too long to push ever.
 *
 * Tier 1: libc and tier 0 only.
 */
#ifndef OVPN_PUSH_MSG_H
#define OVPN_PUSH_MSG_H

#include <stdbool.h>
#include <stddef.h>

/** §8.2: 2.6 keeps each PUSH_REPLY under 1024 bytes minus an 84-byte reserve. */
#define PUSH_BUNDLE_MAX (1024 - 84)
/** Size of one message buffer in push_msg_build()'s output array. */
#define PUSH_MSG_SIZE 1280

/**
 * Build the PUSH_REPLY message(s) for @p items (already-formatted option
 * texts, e.g. "route 10.8.0.1", in push order) into @p out.
 *
 * 2.6's rule, applied item by item: if (current length + item length) >=
 * PUSH_BUNDLE_MAX the current message is closed with ",push-continuation 2"
 * and a new "PUSH_REPLY" begins; then ",item" is appended.  When more than
 * one message was produced the last one ends with ",push-continuation 1";
 * a single message carries no continuation item.  No items gives exactly
 * "PUSH_REPLY".
 *
 * @return the number of messages (NUL-terminated strings in out[0..n-1]),
 *         or 0 if an item can never fit (logged "--push option is too
 *         long", M_WARN) or more than @p max_msgs would be needed.
 */
size_t push_msg_build(const char *const *items,
                      size_t n_items,
                      char (*out)[PUSH_MSG_SIZE],
                      size_t max_msgs);

enum push_msg_kind
{
    PM_PUSH_REQUEST,
    PM_PUSH_REPLY,
    PM_AUTH_FAILED,
    PM_AUTH_PENDING,
    PM_INFO,
    PM_INFO_PRE,
    PM_RESTART,
    PM_HALT,
    PM_EXIT,
    PM_CR_RESPONSE,
    PM_UNKNOWN,
};

/**
 * Recognise a control message by prefix, in 2.6's order (so "INFO_PRE" is
 * not taken for "INFO"; like 2.6 only the prefix counts: "EXITING" is EXIT).
 * @p rest (may be NULL) is set to the text after "PREFIX,", or "" when no
 * comma follows the prefix (as 2.6 reads it): "AUTH_FAILED,bad" -> "bad",
 * "AUTH_FAILED" -> "", "RESTARTx" -> "".  For PM_UNKNOWN it is the whole text.
 */
enum push_msg_kind push_msg_classify(const char *text, const char **rest);

/**
 * Flags of a RESTART/HALT message: @p rest as push_msg_classify() returned
 * it.  A leading "[...]" group may hold P (keep cached passwords; default
 * purge) and N (advance to the next --remote).  @p msg receives the text
 * 2.6 logs in "Connection reset command was pushed by server ('%s')", which
 * is the whole of @p rest, flags included.  Any out pointer may be NULL.
 */
void push_msg_restart_flags(const char *rest,
                            bool *keep_passwords,
                            bool *next_remote,
                            const char **msg);

/** Name of @p kind for logs ("PUSH_REPLY", ... "UNKNOWN"). */
const char *push_msg_kind_name(enum push_msg_kind kind);

#endif /* OVPN_PUSH_MSG_H */
