/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * errlevel.h -- named log levels, chosen so that --verb N shows what an
 * OpenVPN 2.6 user expects at N (1 errors, 3 normal, 4 parameters,
 * 5 packet R/W letters, 7+ debugging).  The middle argument is the mute
 * category: consecutive messages of one category count towards --mute.
 * Included by error.h only.
 */
#ifndef OVPN_ERRLEVEL_H
#define OVPN_ERRLEVEL_H

#define M_INFO LOGLEV(1, 0, 0)

#define D_LINK_ERRORS    LOGLEV(1, 1, M_NONFATAL)
#define D_CRYPT_ERRORS   LOGLEV(1, 2, M_NONFATAL)
#define D_TLS_ERRORS     LOGLEV(1, 3, M_NONFATAL)
#define D_RESOLVE_ERRORS LOGLEV(1, 4, M_NONFATAL)
#define D_COMP_ERRORS    LOGLEV(1, 5, M_NONFATAL)
#define D_REPLAY_ERRORS  LOGLEV(1, 6, M_NONFATAL)
#define D_STREAM_ERRORS  LOGLEV(1, 7, M_NONFATAL)
#define D_ROUTE_ERRORS   LOGLEV(1, 8, M_NONFATAL)
#define D_TUN_ERRORS     LOGLEV(1, 9, M_NONFATAL)
#define D_SCRIPT_ERRORS  LOGLEV(1, 10, M_NONFATAL)

#define D_HANDSHAKE      LOGLEV(2, 20, 0)
#define D_CLOSE          LOGLEV(2, 22, 0)
#define D_PUSH_ERRORS    LOGLEV(2, 23, M_NONFATAL)

#define D_GENKEY         LOGLEV(3, 30, 0)
#define D_ROUTE          LOGLEV(3, 31, 0)
#define D_TUNTAP_INFO    LOGLEV(3, 32, 0)
#define D_RESTART        LOGLEV(3, 33, 0)
#define D_SIGNAL         LOGLEV(3, 34, 0)
#define D_DCO            LOGLEV(3, 35, 0)
#define D_TLS_DEBUG_LOW  LOGLEV(3, 36, 0)

#define D_SHOW_PARMS     LOGLEV(4, 40, M_NOPREFIX)
#define D_SHOW_OCC       LOGLEV(7, 41, 0) /* 2.6 shows OCC strings and mismatches at verb 7 */
#define D_LOW            LOGLEV(4, 42, 0)
#define D_INIT_MEDIUM    LOGLEV(4, 43, 0)
#define D_DROPPED        LOGLEV(4, 44, 0) /* rate-limited peer-caused drops */
#define D_PING           LOGLEV(4, 45, 0)
#define D_STATS          LOGLEV(4, 46, 0)
#define D_FRAG_ERRORS    LOGLEV(4, 48, 0) /* --fragment: bad or expired pieces */

#define D_LINK_RW        LOGLEV(5, 50, M_NOPREFIX | M_NOLF | M_NOMUTE)

#define D_MTU_INFO       LOGLEV(6, 60, 0)
#define D_EVENT_WAIT     LOGLEV(7, 70, 0)
#define D_REPLAY         LOGLEV(7, 71, 0)
#define D_SHOW_KEYS      LOGLEV(7, 72, 0)
#define D_CRYPTO_DEBUG   LOGLEV(7, 73, 0)
#define D_COMP_LOW       LOGLEV(7, 76, 0) /* adaptive compression state changes */
#define D_LINK_RW_VERBOSE LOGLEV(9, 90, 0)
#define D_COMP           LOGLEV(9, 92, 0) /* compression details */
#define D_PACKET_CONTENT LOGLEV(9, 91, 0)
#define D_EVENT_ERRORS   LOGLEV(1, 11, M_NONFATAL)
#define D_MULTI_ERRORS   LOGLEV(1, 12, M_NONFATAL)
#define D_MULTI_LOW      LOGLEV(3, 37, 0)
#define D_PUSH           LOGLEV(3, 38, 0)
#define D_IFCONFIG_POOL  LOGLEV(3, 39, 0)
#define D_MULTI_DROPPED  LOGLEV(4, 47, 0)
#define D_OSBUF          LOGLEV(3, 48, 0) /* socket options (TCP_NODELAY) */
#define D_ROUTE_QUOTA    LOGLEV(3, 49, 0) /* --max-routes-per-client reached */
#define D_MULTI_DEBUG    LOGLEV(7, 74, 0)
#define D_PUSH_DEBUG     LOGLEV(7, 75, 0)

#endif /* OVPN_ERRLEVEL_H */
