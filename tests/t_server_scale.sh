#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_server_scale.sh -- 100 clients (ours and the reference in turn),
# each in its own namespace on a bridge, connect to our UDP server at once
# (topology subnet, one certificate with --duplicate-cn): every client must
# get a unique address
# (checked in the --status file and on each client's tun) and pass ping to
# the server's tun address.  Prints the server's memory (VmRSS) with all of
# them connected.  Then the herd: the server is stopped (its
# --explicit-exit-notify tells every client to restart) and started again,
# and all N clients must be back (a second Initialization Sequence
# Completed each, and a ping) within HERD_SECS (default 90) seconds; the
# time it took is printed.
#
# By hand:  OPENVPN=/path/to/openvpn N=100 tests/t_server_scale.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

N=${N:-100}
nl_require
nl_setup scale
PKI="$NL_DIR/pki"
nl_pki "$PKI"
pass=0
fail=0
why=""
st="$NL_DIR/status.txt"
ls="$NL_DIR/server.log"

declare -a NS PIDS
for ((i = 1; i <= N; i++)); do
    nl_hub_client "NS[$i]" "c$i" "203.0.113.$((10 + i))"
done
SERVER_ARGS=(--dev tun --proto udp --port 1194 \
    --server 10.8.0.0 255.255.254.0 --topology subnet --duplicate-cn --max-clients $((N + 20)) \
    --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
    --keepalive 10 60 --status "$st" 2 --status-version 2 --verb 3 --explicit-exit-notify 1)
nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${SERVER_ARGS[@]}"
nl_wait_up "$ls" "$ps" 15 || why="server did not initialize"
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$ps/status" 2>/dev/null)
t0=$(date +%s)
if [ -z "$why" ]; then
    for ((i = 1; i <= N; i++)); do
        bin=$OPENVPN
        [ $((i % 2)) = 0 ] && bin=$REF # half of them the reference
        nl_start "PIDS[$i]" "${NS[$i]}" "$NL_DIR/c$i.log" "$bin" --client --dev tun \
            --proto udp --remote 203.0.113.1 1194 --nobind --ca "$PKI/ca.crt" \
            --cert "$PKI/client.crt" --key "$PKI/client.key" --remote-cert-tls server --verb 3
    done
    for ((t = 0; t < 120; t++)); do
        up=$(grep -l "Initialization Sequence Completed" "$NL_DIR"/c*.log 2>/dev/null | wc -l)
        [ "$up" -ge "$N" ] && break
        sleep 1
    done
    [ "$up" -ge "$N" ] || why="only $up of $N clients completed initialization in 120 s"
fi
t1=$(date +%s)
if [ -z "$why" ]; then
    # every client's own view of its address
    addrs=$(for ((i = 1; i <= N; i++)); do
        ip -n "${NS[$i]}" -4 -o addr show dev tun0 2>/dev/null | awk '{print $4}'
    done | sort)
    uniq_n=$(printf '%s\n' "$addrs" | grep -c '^10\.8\.')
    dup=$(printf '%s\n' "$addrs" | uniq -d | head -n 3 | tr '\n' ' ')
    [ "$uniq_n" -eq "$N" ] && [ -z "$dup" ] ||
        why="clients hold $uniq_n tun addresses, duplicates: '$dup'"
fi
if [ -z "$why" ]; then
    # pings in parallel, ten namespaces at a time
    bad=0
    for ((i = 1; i <= N; i += 10)); do
        pids=()
        for ((k = i; k < i + 10 && k <= N; k++)); do
            nl_ping "${NS[$k]}" 10.8.0.1 15 &
            pids+=($!)
        done
        for p in "${pids[@]}"; do
            wait "$p" || bad=$((bad + 1))
        done
    done
    [ "$bad" -eq 0 ] || why="$bad of $N clients could not ping the server"
fi
if [ -z "$why" ]; then
    sleep 2.5
    n_st=$(awk -F, '$1 == "CLIENT_LIST" {print $4}' "$st" | sort -u | grep -c '^10\.8\.')
    [ "$n_st" -eq "$N" ] || why="status file lists $n_st unique client addresses, not $N"
fi
rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$ps/status" 2>/dev/null)
echo "server VmRSS: ${rss0:-?} kB before the clients, ${rss1:-?} kB with $N connected;" \
    "all initialized within $((t1 - t0)) s"
nl_result "$N clients on one UDP server: unique addresses, ping, status" "$why" "$ls" \
    "$NL_DIR/c1.log"

# ---- the herd: the server restarts, every client comes back by itself
HERD_SECS=${HERD_SECS:-90}
why_herd=""
if [ -z "$why" ]; then
    nl_kill "$ps"
    t2=$(date +%s)
    mv "$ls" "$NL_DIR/server-first.log"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${SERVER_ARGS[@]}"
    nl_wait_up "$ls" "$ps" 15 || why_herd="the restarted server did not initialize"
    back=0
    for ((t = 0; t < HERD_SECS; t++)); do
        [ -z "$why_herd" ] || break
        back=0
        for ((i = 1; i <= N; i++)); do
            [ "$(grep -c "Initialization Sequence Completed" "$NL_DIR/c$i.log")" -ge 2 ] && back=$((back + 1))
        done
        [ "$back" -ge "$N" ] && break
        sleep 1
    done
    t3=$(date +%s)
    [ -n "$why_herd" ] || [ "$back" -ge "$N" ] ||
        why_herd="only $back of $N clients back within $HERD_SECS s of the restart"
    if [ -z "$why_herd" ]; then
        bad=0
        for ((i = 1; i <= N; i += 10)); do
            nl_ping "${NS[$i]}" 10.8.0.1 15 || bad=$((bad + 1))
        done
        [ "$bad" -eq 0 ] || why_herd="$bad of $(((N + 9) / 10)) sampled clients cannot ping after the restart"
    fi
    echo "herd: all $N clients back $((t3 - t2)) s after the server was stopped (restarted at once)"
    nl_result "$N clients reconnect at once after the server restarts" "$why_herd" "$ls" "$NL_DIR/c1.log"
fi
for ((i = 1; i <= N; i++)); do
    kill -TERM "${PIDS[$i]}" 2>/dev/null
done
for ((i = 1; i <= N; i++)); do
    nl_kill "${PIDS[$i]}" >/dev/null 2>&1
done
nl_kill "$ps"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
