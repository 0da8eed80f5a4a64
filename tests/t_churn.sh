#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_churn.sh -- clients come and go against one of our UDP servers
# (tls-crypt, topology subnet, --duplicate-cn) for CHURN_CYCLES connect /
# disconnect cycles (default 1000), CHURN_LANES clients at a time (default
# 8), each in its own namespace on a bridge.  Every cycle starts a client
# (ours and the reference in turn), waits for its Initialization Sequence
# Completed, stops it with SIGTERM (--explicit-exit-notify tells the server)
# and waits for it to exit.  Checks:
#   - every cycle connects and ends within its bounds;
#   - the server's VmRSS, sampled every 100 cycles, is flat: the last sample
#     is within CHURN_RSS_SLACK kB (default 1024) of the one after the first
#     100 cycles (allocator warm-up before that);
#   - at the end the server lists no client in its status file and its log
#     has no line per cycle beyond what a connection logs (no error lines).
# The RSS series is printed.
#
# By hand:  OPENVPN=/path/to/openvpn CHURN_CYCLES=200 tests/t_churn.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

CYCLES=${CHURN_CYCLES:-1000}
LANES=${CHURN_LANES:-8}
RSS_SLACK=${CHURN_RSS_SLACK:-1024}
UP_SECS=30   # a client that has not connected by then fails its cycle
DOWN_SECS=10 # nor exited after SIGTERM
LIMIT=$((CYCLES * 2 + 120)) # the whole run, seconds
nl_require
nl_setup churn
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_keyfile "$PKI/tc.key"
pass=0
fail=0
why=""
st="$NL_DIR/status.txt"
ls="$NL_DIR/server.log"

declare -a NS PID STATE SINCE
for ((l = 0; l < LANES; l++)); do
    nl_hub_client "NS[$l]" "l$l" "203.0.113.$((20 + l))"
    STATE[l]=idle
done

nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" --dev tun --proto udp --port 1194 \
    --server 10.8.0.0 255.255.255.0 --topology subnet --duplicate-cn --max-clients 64 \
    --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
    --tls-crypt "$PKI/tc.key" --keepalive 10 60 --status "$st" 1 --status-version 2 --verb 3
nl_wait_up "$ls" "$ps" 15 || why="server did not initialize"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$ps/status" 2>/dev/null; }

client_start() # LANE CYCLE
{
    local l=$1 bin=$OPENVPN
    [ $(($2 % 2)) = 1 ] && bin=$REF
    nl_start "PID[$l]" "${NS[$l]}" "$NL_DIR/l$l.log" "$bin" --client --dev null --ifconfig-noexec \
        --route-noexec --proto udp \
        --remote 203.0.113.1 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
        --key "$PKI/client.key" --remote-cert-tls server --tls-crypt "$PKI/tc.key" \
        --explicit-exit-notify 1 --verb 3
    STATE[l]=up
    SINCE[l]=$SECONDS
}

# lane_failed LANE WHAT: the cycle fails; its client goes and its log is kept
lane_failed()
{
    local l=$1
    [ -n "$why" ] || why="cycle $((started)) lane $l: $2"
    cp "$NL_DIR/l$l.log" "$NL_DIR/failed-l$l.log" 2>/dev/null
    nl_kill "${PID[l]}" KILL >/dev/null 2>&1
    STATE[l]=idle
    failed=$((failed + 1))
}

started=0 done=0 failed=0 next_sample=100
series=""
rss_first="" rss_last=""
t0=$SECONDS
[ -z "$why" ] || CYCLES=0
while [ $((done + failed)) -lt "$CYCLES" ] && [ $((SECONDS - t0)) -lt "$LIMIT" ] \
    && [ "$failed" -lt 5 ]; do
    for ((l = 0; l < LANES; l++)); do
        case ${STATE[l]} in
            idle)
                if [ "$started" -lt "$CYCLES" ]; then
                    started=$((started + 1))
                    client_start "$l" "$started"
                fi
                ;;
            up)
                log=$(<"$NL_DIR/l$l.log")
                if [[ $log == *"Initialization Sequence Completed"* ]]; then
                    kill -TERM "${PID[l]}" 2>/dev/null
                    STATE[l]=down
                    SINCE[l]=$SECONDS
                elif ! nl_alive "${PID[l]}"; then
                    lane_failed "$l" "the client exited before it connected"
                elif [ $((SECONDS - SINCE[l])) -gt "$UP_SECS" ]; then
                    lane_failed "$l" "no connection in $UP_SECS s"
                fi
                ;;
            down)
                if ! nl_alive "${PID[l]}"; then
                    { wait "${PID[l]}"; } 2>/dev/null
                    nl_forget "${PID[l]}"
                    STATE[l]=idle
                    done=$((done + 1))
                    if [ "$done" -ge "$next_sample" ]; then
                        r=$(rss)
                        series="$series $done:${r}kB"
                        [ -n "$rss_first" ] || rss_first=$r
                        rss_last=$r
                        next_sample=$((next_sample + 100))
                    fi
                elif [ $((SECONDS - SINCE[l])) -gt "$DOWN_SECS" ]; then
                    lane_failed "$l" "still running $DOWN_SECS s after SIGTERM"
                fi
                ;;
        esac
    done
    sleep 0.1
done
secs=$((SECONDS - t0))
for ((l = 0; l < LANES; l++)); do
    [ "${STATE[l]}" = idle ] || nl_kill "${PID[l]}" >/dev/null 2>&1
done
echo "churn: $done of $CYCLES cycles in $secs s ($LANES at a time), server VmRSS:$series"
if [ -z "$why" ] && [ "$done" -lt "$CYCLES" ]; then
    why="only $done of $CYCLES cycles in $secs s"
fi
if [ -z "$why" ] && [ $((rss_last - rss_first)) -gt "$RSS_SLACK" ]; then
    why="server VmRSS grew from $rss_first to $rss_last kB"
fi
if [ -z "$why" ]; then
    # the last clients' exit notifications have been handled once the
    # status file (rewritten every second) lists nobody
    for ((i = 0; i < 50; i++)); do
        grep -q '^CLIENT_LIST,' "$st" 2>/dev/null || break
        sleep 0.2
    done
    n=$(grep -c '^CLIENT_LIST,' "$st" 2>/dev/null)
    [ "${n:-0}" = 0 ] || why="$n clients still listed after all left"
fi
if [ -z "$why" ]; then
    bad=$(grep -ciE 'error|assert|warn' "$ls")
    [ "$bad" -le 2 ] || why="$bad error/warning lines in the server log: $(grep -iE 'error|assert|warn' "$ls" | head -n 3)"
fi
nl_alive "$ps" || why="${why:-the server exited}"
nl_kill "$ps"
nl_result "$CYCLES connect/disconnect cycles, RSS flat" "$why" "$ls" "$NL_DIR/failed-l0.log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
