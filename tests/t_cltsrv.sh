#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_cltsrv.sh -- the shipped TLS loopback samples, like the reference's
# own `make check`: sample/sample-config-files/tls-loopback-server and
# tls-loopback-client (dev null, 127.0.0.1, the test-only sample CA) must
# both reach "Initialization Sequence Completed", keep exchanging pings over
# the data channel and stay up; ours with ours and with the reference in
# both roles.  Runs inside a namespace of its own (loopback only).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_cltsrv.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
nl_setup cltsrv
ip -n "$NL_NS_A" link set lo up || nl_die "cannot bring up lo"
FILTER=${1:-}
CONF="$SRC/sample/sample-config-files"
pass=0
fail=0
n=0

run_case()
{
    local name=$1 bin_s=$2 bin_c=$3 ps pc why="" ours
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local ls="$NL_DIR/case$n-server.log" lc="$NL_DIR/case$n-client.log"
    nl_start ps "$NL_NS_A" "$ls" "$bin_s" --cd "$CONF" --config tls-loopback-server --verb 4
    nl_wait_up "$ls" "$ps" 15 || why="server did not start"
    nl_start pc "$NL_NS_A" "$lc" "$bin_c" --cd "$CONF" --config tls-loopback-client --verb 4
    if [ "$bin_s" = "$OPENVPN" ]; then ours=$ls; else ours=$lc; fi
    if ! nl_wait_init "$ls" "$ps" 20; then
        why="server did not initialize"
    elif ! nl_wait_init "$lc" "$pc" 20; then
        why="client did not initialize"
    elif ! nl_wait_log "$ours" "RECEIVED PING PACKET" 10 2; then
        why="no pings received over the data channel"
    elif sleep 2 && ! { nl_alive "$ps" && nl_alive "$pc"; }; then
        why="a side exited"
    fi
    nl_kill "$ps"
    nl_kill "$pc"
    nl_result "$name" "$why" "$ls" "$lc"
}

run_case "ours server, ours client" "$OPENVPN" "$OPENVPN"
run_case "ours server, ref client" "$OPENVPN" "$REF"
run_case "ref server, ours client" "$REF" "$OPENVPN"

echo "$pass passed, $fail failed"
[ "$n" -gt 0 ] || { echo "no case matched '$FILTER'"; exit 99; }
[ "$fail" -eq 0 ]
