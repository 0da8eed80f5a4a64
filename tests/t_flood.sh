#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_flood.sh -- a flood of client resets, and TCP connections that never
# authenticate, must not keep a real client out of our server, nor make the
# server grow or log per packet:
#   - UDP, four ways (plain, --tls-auth, --tls-crypt, --tls-crypt-v2): an
#     attacker in its own namespace (C, 203.0.113.2) sends 20,000 client
#     resets in 10 s, each from a random source port (raw socket; with a wrap
#     it replays a real client's reset captured before the server started,
#     so every one is authentic); the reference client in B connects during
#     the flood and must be in within ADMIT_MAX seconds; the server's VmRSS
#     may grow by at most RSS_MAX kB, its log by at most LOG_MAX lines, and
#     it must have logged the --connect-freq-initial note (the flood was
#     answered up to the limit, not ignored for some other reason);
#   - TCP: 8 connections that send a partial packet and hang, and 200 that
#     send a frame of garbage and hang; the reference client gets in, the
#     garbage connections are closed at once, the partial ones when
#     --hand-window (3 s here) runs out or when newer connections push them
#     out (--max-clients 12: at most 4 in the handshake), and the server's
#     fd count stays bounded.
# Each case prints its measured numbers ("admitted in S s, rss +K kB, log +N").
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_flood.sh [CASE]
#           FLOOD_SERVER=/usr/sbin/openvpn tests/t_flood.sh   (2.6's numbers)
# Run time about 90 s.

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

FLOOD_PY="${top_srcdir:-$TOP}/tests/flood.py"
SERVER=${FLOOD_SERVER:-$OPENVPN}
ONLY=${1:-}
ADMIT_MAX=${ADMIT_MAX:-5}
RSS_MAX=${RSS_MAX:-4096}
LOG_MAX=${LOG_MAX:-120}

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
[ -f "$FLOOD_PY" ] || nl_die "no $FLOOD_PY"
nl_setup flood
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_keyfile "$NL_DIR/ta.key"
"$REF" --genkey tls-crypt-v2-server "$NL_DIR/v2s.key" >/dev/null 2>&1 &&
    "$REF" --tls-crypt-v2 "$NL_DIR/v2s.key" --genkey tls-crypt-v2-client "$NL_DIR/v2c.key" \
        >/dev/null 2>&1 || nl_die "cannot make tls-crypt-v2 keys"
nl_hub_client NS_C flooder 203.0.113.2
pass=0
fail=0

rss_kb()
{
    awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

fd_count()
{
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

lines()
{
    wc -l <"$1"
}

now_ms()
{
    date +%s%3N
}

# server_args PROTO WRAP...: our server (or FLOOD_SERVER) on every address of A
server_start()
{
    local var=$1 log=$2 proto=$3 srv_pid
    shift 3
    nl_start srv_pid "$NL_NS_A" "$log" "$SERVER" --verb "${SERVER_VERB:-3}" --mode server --tls-server \
        --dev tun --topology subnet --server 10.78.0.0 255.255.255.0 --proto "$proto" \
        --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
        --keepalive 10 60 "$@"
    printf -v "$var" '%s' "$srv_pid"
    nl_wait_log "$log" "Initialization Sequence Completed" 15 1 "$srv_pid"
}

client_start()
{
    local var=$1 log=$2 proto=$3 cl_pid
    shift 3
    nl_start cl_pid "$NL_NS_B" "$log" "$REF" --verb 3 --client --dev tun --proto "$proto" \
        --remote "$NL_A_V4" 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
        --key "$PKI/client.key" --remote-cert-tls server --connect-retry 1 "$@"
    printf -v "$var" '%s' "$cl_pid"
}

# udp_case NAME "SERVER WRAP" "CLIENT WRAP"
udp_case()
{
    local name=$1 ps="" pc pf why="" i t0 t1 rss0 rss1 l0 l1 admit pkt=plain
    local -a wrap_s wrap_c
    read -r -a wrap_s <<<"$2"
    read -r -a wrap_c <<<"$3"
    local ls="$NL_DIR/$name-server.log" lc="$NL_DIR/$name-client.log"
    [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && return 0

    if [ ${#wrap_c[@]} -gt 0 ]; then
        # a real client's first packet, caught before any server listens
        pkt="$NL_DIR/$name.reset"
        nl_start pf "$NL_NS_A" "$NL_DIR/$name-capture.out" timeout 15 "$NL_PYTHON" "$FLOOD_PY" \
            capture "$NL_A_V4" 1194 "$pkt" 12
        for ((i = 0; i < 50; i++)); do
            ip netns exec "$NL_NS_A" ss -Huln "sport = :1194" 2>/dev/null | grep -q . && break
            sleep 0.1
        done
        client_start pc "$NL_DIR/$name-capture-client.log" udp4 "${wrap_c[@]}"
        { wait "$pf"; } 2>/dev/null
        nl_forget "$pf"
        nl_kill "$pc" >/dev/null
        [ -s "$pkt" ] || why="no reset captured"
    fi
    [ -z "$why" ] && { server_start ps "$ls" udp4 "${wrap_s[@]}" || why="server did not start"; }
    if [ -z "$why" ]; then
        rss0=$(rss_kb "$ps")
        l0=$(lines "$ls")
        nl_start pf "$NS_C" "$NL_DIR/$name-flood.out" timeout 30 "$NL_PYTHON" "$FLOOD_PY" \
            udp 203.0.113.1 1194 20000 10 "$pkt"
        # the flood has used up the period's replies before the client starts
        nl_wait_log "$ls" "rate limit exceeded" 8 1 "$ps" ||
            why="no --connect-freq-initial note: the flood was not answered"
        t0=$(now_ms)
        client_start pc "$lc" udp4 "${wrap_c[@]}"
        if nl_wait_init "$lc" "$pc" 20; then
            t1=$(now_ms)
            admit=$(((t1 - t0) / 1000)).$(printf '%03d' $(((t1 - t0) % 1000)))
            [ $((t1 - t0)) -le $((ADMIT_MAX * 1000)) ] ||
                why="${why:+$why; }admitted only after $admit s"
            nl_ping "$NL_NS_B" 10.78.0.1 5 || why="${why:+$why; }no ping through the tunnel"
        else
            admit=none
            why="${why:+$why; }the real client did not get in during the flood"
        fi
        { wait "$pf"; } 2>/dev/null
        nl_forget "$pf"
        rss1=$(rss_kb "$ps")
        l1=$(lines "$ls")
        echo "$name: flood $(cat "$NL_DIR/$name-flood.out"), admitted in $admit s," \
            "rss ${rss0} -> ${rss1} kB, log +$((l1 - l0)) lines"
        [ $((rss1 - rss0)) -le "$RSS_MAX" ] ||
            why="${why:+$why; }VmRSS grew by $((rss1 - rss0)) kB"
        [ $((l1 - l0)) -le "$LOG_MAX" ] || why="${why:+$why; }log grew by $((l1 - l0)) lines"
        nl_alive "$ps" || why="${why:+$why; }server died"
        nl_kill "$pc" >/dev/null
    fi
    [ -n "$ps" ] && nl_kill "$ps" >/dev/null
    nl_result "udp-$name" "$why" "$ls" "$lc"
}

tcp_case()
{
    local name=tcp ps="" pc pf why="" t0 t1 fd0 fdmax=0 fd i admit out slow slow_s garb garb_s rss0 rss1
    local ls="$NL_DIR/$name-server.log" lc="$NL_DIR/$name-client.log"
    [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && return 0

    # --max-clients 12: at most 4 connections in the handshake, fewer than
    # the slowloris ones
    server_start ps "$ls" tcp-server --hand-window 3 --max-clients 12 --verb 4 ||
        why="server did not start"
    if [ -z "$why" ]; then
        fd0=$(fd_count "$ps")
        rss0=$(rss_kb "$ps")
        nl_start pf "$NS_C" "$NL_DIR/$name-flood.out" timeout 30 "$NL_PYTHON" "$FLOOD_PY" \
            tcp 203.0.113.1 1194 8 200 10
        # the client comes when the partial connections fill the handshake slots
        nl_wait_log "$NL_DIR/$name-flood.out" "opened" 10 1 "$pf" || why="the attack did not start"
        t0=$(now_ms)
        client_start pc "$lc" tcp-client
        for ((i = 0; i < 100; i++)); do
            fd=$(fd_count "$ps")
            [ "$fd" -gt "$fdmax" ] && fdmax=$fd
            grep -q "Initialization Sequence Completed" "$lc" && [ -z "${t1:-}" ] && t1=$(now_ms)
            nl_alive "$pf" || break
            sleep 0.1
        done
        { wait "$pf"; } 2>/dev/null
        nl_forget "$pf"
        out=$(tail -n 1 "$NL_DIR/$name-flood.out")
        if [ -z "${t1:-}" ] && nl_wait_init "$lc" "$pc" 10; then
            t1=$(now_ms)
        fi
        if [ -n "${t1:-}" ]; then
            admit=$(((t1 - t0) / 1000)).$(printf '%03d' $(((t1 - t0) % 1000)))
        else
            admit=none
            why="the real client did not get in"
        fi
        rss1=$(rss_kb "$ps")
        echo "$name: $out; admitted in $admit s; fds $fd0 -> max $fdmax;" \
            "pushed out $(grep -c "connections are in the TLS handshake" "$ls"); rss $rss0 -> $rss1 kB"
        [ $((rss1 - rss0)) -le "$RSS_MAX" ] ||
            why="${why:+$why; }VmRSS grew by $((rss1 - rss0)) kB"
        # "slow 8/8 after S garbage 200/200 after S": S the longest one stayed open
        read -r _ slow _ slow_s _ garb _ garb_s <<<"$out"
        [ "$slow" = 8/8 ] && [ "$garb" = 200/200 ] ||
            why="${why:+$why; }not every attacking connection was closed"
        [ "${slow_s%.*}" -le 5 ] 2>/dev/null ||
            why="${why:+$why; }a partial packet held its connection for ${slow_s} s"
        [ "${garb_s%.*}" -lt 1 ] 2>/dev/null ||
            why="${why:+$why; }garbage held its connection for ${garb_s} s"
        # 4 in the handshake, the client, one being accepted
        [ "$fdmax" -le $((fd0 + 6)) ] || why="${why:+$why; }fd count rose to $fdmax"
        # garbage goes because of what it sent, not only when newer
        # connections push it out (verb 4 line, rate-limited)
        grep -q "first packet is not a valid client reset" "$ls" ||
            why="${why:+$why; }no garbage connection was closed for what it sent"
        nl_kill "$pc" >/dev/null
    fi
    [ -n "$ps" ] && nl_kill "$ps" >/dev/null
    nl_result "$name" "$why" "$ls" "$lc"
}

udp_case plain "" ""
udp_case tls-auth "--tls-auth $NL_DIR/ta.key 0" "--tls-auth $NL_DIR/ta.key 1"
udp_case tls-crypt "--tls-crypt $NL_DIR/ta.key" "--tls-crypt $NL_DIR/ta.key"
udp_case tls-crypt-v2 "--tls-crypt-v2 $NL_DIR/v2s.key" "--tls-crypt-v2 $NL_DIR/v2c.key"
tcp_case

echo "t_flood: $pass passed, $fail failed"
[ "$fail" = 0 ]
