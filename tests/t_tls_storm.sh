#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_tls_storm.sh -- a storm of garbage and replayed control packets at
# our TLS server's port must not stop a legitimate handshake, and must not
# make the daemon grow: A (ours, --tls-server with tls-auth, then without)
# is flooded from B with random datagrams and (with tls-auth) one forged
# client reset replayed over and over, while the reference client
# in B connects; the tunnel must come up and pass ping, and A's resident
# memory must stay within a small bound.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_tls_storm.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup tlsstorm
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_keyfile "$NL_DIR/ta.key"
pass=0
fail=0

STORM_PY='
import os, random, socket, struct, sys, time
target, secs, forge = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "forge"
rnd = random.Random(7)
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(8)]
end = time.monotonic() + secs
sent = 0
# a client hard reset (opcode 7, key 0), no acks, message id 0: what a real
# client sends first; replayed from several source ports
reset = bytes([7 << 3]) + os.urandom(8) + b"\x00" + b"\x00\x00\x00\x00"
while time.monotonic() < end:
    s = socks[sent % len(socks)]
    k = sent % 3 if forge else sent % 2
    if k == 0:
        pkt = rnd.randbytes(rnd.randrange(1, 1500))
    elif k == 1:
        pkt = bytes([rnd.randrange(256)]) + rnd.randbytes(rnd.randrange(0, 120))
    else:
        pkt = reset
    try:
        s.sendto(pkt, (target, 1194))
    except OSError:
        pass
    sent += 1
    if sent % 200 == 0:
        time.sleep(0.01)
print(sent)
'

rss_kb()
{
    awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# run_case NAME STORM(forge|garbage) SERVER_WRAP CLIENT_WRAP
# Without control-channel authentication anybody may start a session, as
# with 2.6; there the storm is garbage only (which still contains random
# packets that parse as resets).
run_case()
{
    local name=$1 storm=$2 pa pb ps why="" before after
    local -a wrap_a wrap_b
    read -r -a wrap_a <<<"$3"
    read -r -a wrap_b <<<"$4"
    local la="$NL_DIR/$name-a.log" lb="$NL_DIR/$name-b.log"
    nl_start pa "$NL_NS_A" "$la" "$OPENVPN" --verb 3 --dev tun --ifconfig 10.220.0.1 10.220.0.2 \
        --tls-server --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
        --dh none --proto udp4 --local "$NL_A_V4" "${wrap_a[@]}"
    nl_wait_log "$la" "UDPv4 link local" 10 1 "$pa"
    sleep 0.5
    before=$(rss_kb "$(pgrep -P "$pa" openvpn || echo "$pa")")
    nl_start ps "$NL_NS_B" "$NL_DIR/$name-storm.out" timeout 30 "$NL_PYTHON" -c "$STORM_PY" \
        "$NL_A_V4" 15 "$storm"
    sleep 3 # the storm is on before the real client starts
    nl_start pb "$NL_NS_B" "$lb" "$REF" --verb 3 --dev tun --ifconfig 10.220.0.2 10.220.0.1 \
        --tls-client --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --proto udp4 --remote "$NL_A_V4" --nobind "${wrap_b[@]}"
    if ! nl_wait_init "$lb" "$pb" 25; then
        why="the reference client did not get through the storm"
    elif ! nl_wait_init "$la" "$pa" 5; then
        why="our server did not initialize"
    elif ! nl_ping "$NL_NS_B" 10.220.0.1; then
        why="ping through the tunnel failed"
    fi
    wait "$ps" 2>/dev/null
    nl_forget "$ps"
    after=$(rss_kb "$(pgrep -P "$pa" openvpn || echo "$pa")")
    if [ -z "$why" ] && [ "$((after - before))" -gt 4096 ]; then
        why="resident memory grew from $before to $after KiB during the storm"
    fi
    if [ -z "$why" ] && ! nl_alive "$pa"; then
        why="our server died"
    fi
    nl_kill "$pb"
    nl_kill "$pa"
    if [ -z "$why" ]; then
        echo "PASS: storm $name ($(cat "$NL_DIR/$name-storm.out" 2>/dev/null) packets, RSS $before -> $after KiB)"
        pass=$((pass + 1))
    else
        echo "FAIL: storm $name ($why)"
        nl_show_log "$la"
        nl_show_log "$lb"
        fail=$((fail + 1))
    fi
}

run_case tls-auth forge "--tls-auth $NL_DIR/ta.key 0" "--tls-auth $NL_DIR/ta.key 1"
run_case plain garbage "" ""

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
