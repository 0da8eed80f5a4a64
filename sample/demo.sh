#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sample/demo.sh -- a site-to-site tunnel between two network namespaces,
# using the shipped sample configs (static-office.conf, static-home.conf) and
# the TEST-ONLY sample key.  It starts the two daemons, pings across the
# tunnel, prints their statistics and status files, then tears everything
# down (namespaces, processes, temporary files), also on failure or Ctrl-C.
#
# The configs are used unchanged; only what differs in a lab is given on the
# command line: the office's --local address, the home side's --remote
# (before --config, so it is tried before office.example.com), --cd to the
# key directory, and --status files.
#
# Usage (as root, from a built tree):   sample/demo.sh [path/to/openvpn]
# Default binary: the one built in this tree (src/openvpn/openvpn); the
# OPENVPN environment variable works too.

SRC=$(cd "$(dirname "$0")/.." && pwd)
OPENVPN=${1:-${OPENVPN:-$SRC/src/openvpn/openvpn}}
export OPENVPN
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

if [ ! -x "$OPENVPN" ]; then
    echo "demo: no openvpn binary at $OPENVPN - build first (./configure && make)" >&2
    exit 1
fi
nl_require
nl_setup demo

KEYS="$SRC/sample/sample-keys"
CONFS="$SRC/sample/sample-config-files"
OFFICE_LOG="$NL_DIR/office.log"
HOME_LOG="$NL_DIR/home.log"

step()
{
    printf '\n==> %s\n' "$*"
}

fail()
{
    echo "demo: FAILED: $*"
    nl_show_log "$OFFICE_LOG" 30
    nl_show_log "$HOME_LOG" 30
    exit 1
}

step "binary: $OPENVPN"
"$OPENVPN" --version 2>&1 | head -n 1

step "namespaces $NL_NS_A (office, $NL_A_V4) and $NL_NS_B (home, $NL_B_V4), joined by veth"

step "starting the office:  openvpn --cd sample-keys --config static-office.conf --local $NL_A_V4"
nl_start OFFICE_PID "$NL_NS_A" "$OFFICE_LOG" "$OPENVPN" \
    --cd "$KEYS" --config "$CONFS/static-office.conf" \
    --local "$NL_A_V4" --status "$NL_DIR/office-status.log" 1
step "starting home:        openvpn --remote $NL_A_V4 1194 --cd sample-keys --config static-home.conf"
nl_start HOME_PID "$NL_NS_B" "$HOME_LOG" "$OPENVPN" \
    --remote "$NL_A_V4" 1194 --cd "$KEYS" --config "$CONFS/static-home.conf" \
    --status "$NL_DIR/home-status.log" 1

nl_wait_init "$OFFICE_LOG" "$OFFICE_PID" 30 || fail "the office did not come up"
nl_wait_init "$HOME_LOG" "$HOME_PID" 30 || fail "home did not come up"
echo "both ends logged: Initialization Sequence Completed"

step "office: tunnel device and the route to the home LAN"
ip -n "$NL_NS_A" -brief addr show dev tun0
ip -n "$NL_NS_A" route show 10.20.0.0/24

step "ping from the office (10.8.0.1) to home (10.8.0.2)"
ip netns exec "$NL_NS_A" ping -n -c 4 -i 0.3 -w 15 10.8.0.2 || fail "ping office -> home"
step "ping from home (10.8.0.2) to the office (10.8.0.1)"
ip netns exec "$NL_NS_B" ping -n -c 4 -i 0.3 -w 15 10.8.0.1 || fail "ping home -> office"

step "statistics: SIGUSR2 to both daemons"
kill -USR2 "$OFFICE_PID" "$HOME_PID"
nl_wait_log "$OFFICE_LOG" "END" 5 1 "$OFFICE_PID"
nl_wait_log "$HOME_LOG" "END" 5 1 "$HOME_PID"
echo "-- office log:"
sed -n '/STATISTICS/,/END/p' "$OFFICE_LOG" | sed 's/^/    /'
echo "-- home log:"
sed -n '/STATISTICS/,/END/p' "$HOME_LOG" | sed 's/^/    /'

step "status file of the office (--status, rewritten every second)"
sleep 1.2
sed 's/^/    /' "$NL_DIR/office-status.log"

step "stopping both daemons (SIGTERM) and removing the namespaces"
nl_kill "$OFFICE_PID" TERM
echo "office exited with status $?"
nl_kill "$HOME_PID" TERM
echo "home exited with status $?"
echo
echo "demo: OK"
