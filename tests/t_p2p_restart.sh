#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_p2p_restart.sh -- restarts and shutdown of a static-key p2p tunnel,
# with our binary on side A (peer: reference) and then on side B:
#   - SIGUSR1: "SIGUSR1[hard,] received, process restarting", the tunnel
#     comes back (a second "Initialization Sequence Completed"), ping works;
#   - --ping 1 --ping-restart 5: the peer is killed, we log
#     "Inactivity timeout (--ping-restart), restarting" within the window,
#     the peer is started again and the tunnel recovers;
#   - SIGTERM: exit status 0, "SIGTERM[hard,] received, process exiting",
#     the tun device is gone;
#   - --persist-tun: across SIGUSR1 the same tun device (same ifindex) is kept
#     ("Preserving previous TUN/TAP instance: tun0"); SIGTERM still removes it.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_p2p_restart.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
nl_setup p2pr
KEY="$NL_DIR/static.key"
nl_keyfile "$KEY"

pass=0
fail=0
run=0

check()
{
    local what=$1
    shift
    if "$@"; then
        echo "PASS: $CASE: $what"
        pass=$((pass + 1))
    else
        echo "FAIL: $CASE: $what"
        nl_show_log "$OURS_LOG"
        nl_show_log "$PEER_LOG"
        fail=$((fail + 1))
        return 1
    fi
}

# side_args SIDE: ARGS for a UDP static-key tunnel end with fast keepalive.
side_args()
{
    if [ "$1" = A ]; then
        ARGS=(--secret "$KEY" 0 --local "$NL_A_V4" --remote "$NL_B_V4"
            --ifconfig 10.200.0.1 10.200.0.2)
    else
        ARGS=(--secret "$KEY" 1 --local "$NL_B_V4" --remote "$NL_A_V4"
            --ifconfig 10.200.0.2 10.200.0.1)
    fi
    ARGS+=(--verb 3 --proto udp4 --dev tun --cipher AES-256-CBC --auth SHA256
        --ping 1 --ping-restart 5)
}

# start_pair EXTRA...: our daemon on $OURS with EXTRA options, ref on the other side.
start_pair()
{
    run=$((run + 1))
    OURS_LOG="$NL_DIR/run$run-ours.log"
    PEER_LOG="$NL_DIR/run$run-peer.log"
    side_args "$OURS"
    nl_start OURS_PID "$OURS_NS" "$OURS_LOG" "$OPENVPN" "${ARGS[@]}" "$@"
    # the first run: the peer comes when ours has been up a while
    [ "$run" = 1 ] && nl_wait_up "$OURS_LOG" "$OURS_PID" 15
    start_peer
    nl_wait_init "$OURS_LOG" "$OURS_PID" 15 && nl_wait_init "$PEER_LOG" "$PEER_PID" 15
}

start_peer()
{
    side_args "$PEER"
    nl_start PEER_PID "$PEER_NS" "$PEER_LOG" "$REF" "${ARGS[@]}"
}

ping_both()
{
    nl_ping "$OURS_NS" "$PEER_TUN" && nl_ping "$PEER_NS" "$OURS_TUN"
}

tun_index()
{
    ip -n "$OURS_NS" -o link show dev tun0 2>/dev/null | cut -d: -f1
}

tun_gone()
{
    [ -z "$(tun_index)" ]
}

has_line()
{
    grep -qF -- "$1" "$OURS_LOG"
}

same_index()
{
    [ -n "$1" ] && [ "$1" = "$2" ]
}

sigterm_exits_0()
{
    nl_kill "$OURS_PID" TERM
}

stop_all()
{
    nl_kill "$OURS_PID" TERM
    nl_kill "$PEER_PID" TERM
    return 0
}

for OURS in A B; do
    if [ "$OURS" = A ]; then
        PEER=B OURS_NS=$NL_NS_A PEER_NS=$NL_NS_B OURS_TUN=10.200.0.1 PEER_TUN=10.200.0.2
        CASE_PREFIX="ours(A)<->ref(B)"
    else
        PEER=A OURS_NS=$NL_NS_B PEER_NS=$NL_NS_A OURS_TUN=10.200.0.2 PEER_TUN=10.200.0.1
        CASE_PREFIX="ref(A)<->ours(B)"
    fi

    # SIGUSR1, ping-restart, SIGTERM on one daemon without --persist-tun.
    CASE="$CASE_PREFIX udp4"
    if check "tunnel up" start_pair && check "ping" ping_both; then
        kill -USR1 "$OURS_PID"
        check "SIGUSR1 logged" nl_wait_log "$OURS_LOG" \
            "SIGUSR1[hard,] received, process restarting" 5 1 "$OURS_PID"
        check "up again after SIGUSR1" nl_wait_init "$OURS_LOG" "$OURS_PID" 15 2
        check "ping after SIGUSR1" ping_both

        nl_kill "$PEER_PID" KILL
        check "ping-restart fires within 5 s (+3 s slack)" nl_wait_log "$OURS_LOG" \
            "Inactivity timeout (--ping-restart), restarting" 8 1 "$OURS_PID"
        start_peer
        check "up again after ping-restart" nl_wait_init "$OURS_LOG" "$OURS_PID" 15 3
        check "ping after ping-restart" ping_both

        check "SIGTERM exits with status 0" sigterm_exits_0
        check "SIGTERM logged" has_line "SIGTERM[hard,] received, process exiting"
        check "tun device removed on exit" tun_gone
    fi
    stop_all

    # --persist-tun keeps the device across SIGUSR1.
    CASE="$CASE_PREFIX udp4 persist-tun"
    if check "tunnel up" start_pair --persist-tun && check "ping" ping_both; then
        before=$(tun_index)
        kill -USR1 "$OURS_PID"
        check "up again after SIGUSR1" nl_wait_init "$OURS_LOG" "$OURS_PID" 15 2
        check "device preserved (logged)" has_line "Preserving previous TUN/TAP instance: tun0"
        after=$(tun_index)
        check "same tun ifindex ($before) after restart" same_index "$before" "$after"
        check "ping after SIGUSR1" ping_both
        check "SIGTERM exits with status 0" sigterm_exits_0
        check "tun device removed on exit" tun_gone
    fi
    stop_all
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
