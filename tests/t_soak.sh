#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_soak.sh -- a long run (`make check-soak`, not part of `make check`):
# a point-to-point TLS tunnel over UDP, our --tls-server against the
# reference --tls-client, both with --reneg-sec 2, carries an iperf3 TCP
# stream for SOAK_SECS seconds (default 600) at SOAK_RATE (default 200M).
# The tunnel must never drop: iperf3 ends successfully with no one-second
# interval at zero, neither side restarts (no SIGUSR1, no TLS error), both
# have renegotiated about every 2 s, and a ping passes at the end.  Then the
# same with the roles swapped (SOAK_ROLES="ours-server ref-server").
#
# By hand:  OPENVPN=/path/to/openvpn SOAK_SECS=60 tests/t_soak.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

SECS=${SOAK_SECS:-600}
RATE=${SOAK_RATE:-200M}
ROLES=${SOAK_ROLES:-ours-server ref-server}
nl_require
command -v iperf3 >/dev/null 2>&1 || nl_skip "no iperf3"
nl_setup soak
PKI="$NL_DIR/pki"
nl_pki "$PKI"
pass=0
fail=0

soak() # ROLE: ours-server | ref-server
{
    local role=$1 bin_s=$OPENVPN bin_c=$REF why="" ps pc pi n_s n_c zero
    [ "$role" = ref-server ] && bin_s=$REF bin_c=$OPENVPN
    local ls="$NL_DIR/$role-server.log" lc="$NL_DIR/$role-client.log" out="$NL_DIR/$role-iperf.json"
    local common=(--dev tun0 --proto udp --reneg-sec 2 --keepalive 2 10 --verb 3 --ca "$PKI/ca.crt"
        --dh none)
    nl_start ps "$NL_NS_A" "$ls" "$bin_s" "${common[@]}" --tls-server --cert "$PKI/server.crt" \
        --key "$PKI/server.key" --local "$NL_A_V4" --remote "$NL_B_V4" --ifconfig 10.1.0.1 10.1.0.2
    nl_wait_up "$ls" "$ps" 15 || why="the server did not start"
    nl_start pc "$NL_NS_B" "$lc" "$bin_c" "${common[@]}" --tls-client --cert "$PKI/client.crt" \
        --key "$PKI/client.key" --remote-cert-tls server --local "$NL_B_V4" --remote "$NL_A_V4" \
        --ifconfig 10.1.0.2 10.1.0.1
    [ -z "$why" ] && { nl_wait_init "$lc" "$pc" 30 || why="the tunnel did not come up"; }
    if [ -z "$why" ]; then
        nl_start pi "$NL_NS_A" "$NL_DIR/$role-iperf-server.log" iperf3 -s -B 10.1.0.1 -1 --forceflush
        nl_wait_log "$NL_DIR/$role-iperf-server.log" "Server listening" 10 1 "$pi" ||
            why="iperf3 -s did not start"
    fi
    if [ -z "$why" ]; then
        ip netns exec "$NL_NS_B" timeout $((SECS + 60)) iperf3 -c 10.1.0.1 -t "$SECS" -b "$RATE" \
            -J >"$out" 2>&1 || why="iperf3 failed: $(head -c 300 "$out")"
    fi
    if [ -z "$why" ]; then
        zero=$("$NL_PYTHON" -c 'import json,sys
d = json.load(open(sys.argv[1]))
iv = [i["sum"]["bytes"] for i in d["intervals"]]
print(sum(1 for b in iv if b == 0), len(iv), round(d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$out")
        echo "$role: iperf3 intervals at zero / total, Mbit/s received: $zero"
        [ "${zero%% *}" = 0 ] || why="$(echo "$zero" | cut -d' ' -f1) one-second intervals without traffic"
    fi
    for f in "$ls" "$lc"; do
        [ -z "$why" ] || break
        if grep -qE 'SIGUSR1|TLS Error|TLS key negotiation failed|Inactivity timeout' "$f"; then
            why="$(basename "$f" .log) dropped: $(grep -m1 -E 'SIGUSR1|TLS Error|TLS key negotiation failed|Inactivity timeout' "$f")"
        fi
    done
    n_s=$(grep -c "Control Channel: " "$ls")
    n_c=$(grep -c "Control Channel: " "$lc")
    echo "$role: handshakes in $SECS s: server $n_s, client $n_c"
    [ -z "$why" ] && [ "$n_s" -lt $((SECS / 4)) ] && why="only $n_s handshakes in $SECS s with --reneg-sec 2"
    [ -z "$why" ] && { nl_ping "$NL_NS_B" 10.1.0.1 10 || why="no ping at the end"; }
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "soak $role: $SECS s, --reneg-sec 2, iperf3 at $RATE, no drop" "$why" "$ls" "$lc"
}

for r in $ROLES; do
    soak "$r"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
