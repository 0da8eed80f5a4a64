#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_lossy.sh -- TLS tunnels over a bad link.  Servers run in A, clients
# in C, and B, which does not forward, runs tests/relay.py between them:
#
#     A 198.51.100.1 --- 198.51.100.2 B 203.0.113.1 --- 203.0.113.2 C
#       servers            relay.py (one per case)          clients
#
# UDP cases go through a relay that drops 10%, duplicates 5% and reorders
# 10% of the datagrams in each direction (seeded: the same seed makes the
# same decisions); TCP cases through one that cuts the byte stream at random
# boundaries and pauses now and then.  Each transport runs three pairings,
# server/client: ours/ours, reference/ours (our client sends to 2.6) and
# ours/reference (2.6 sends to ours), all with --reneg-sec 10 on both ends.
# PAIRS="ref/ref" (or any list of the four) runs other pairings by hand,
# e.g. to time 2.6 with itself over the same relay.
#
# For every case:
#   - the client sends XFER_MB (default 50) MiB through the tunnel, one case
#     after the other, and the time is printed; sha256 must match;
#   - then all cases at once send XFER_PACED_MB MiB paced over PACED_SECS
#     seconds, during which a renegotiation must complete on both ends (and
#     at least two over the tunnel's life: a renegotiation under 10% loss
#     can take several seconds, so 10 s is a minimum interval);
#   - no restart, no "TLS Error" on either end (but see ref/ref below), and
#     the relay's counters show that it did drop, duplicate and reorder
#     (UDP) or cut (TCP).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_lossy.sh [udp|tcp]
# KEEP_LOGS=1 keeps the logs of a failed run; SEED=N changes the relays' seed.
# Each relay ends by itself after RELAY_LIFETIME (default 600) seconds.

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
TRANSPORTS=${1:-udp tcp}
XFER_MB=${XFER_MB:-50}
XFER_PACED_MB=${XFER_PACED_MB:-20}
PACED_SECS=${PACED_SECS:-30}
SEED=${SEED:-1}
PAIRS=${PAIRS:-ours/ours ref/ours ours/ref}
RELAY_LIFETIME=${RELAY_LIFETIME:-600}
nl_setup lossy
nl_behind_b NS_C
PKI="$NL_DIR/pki"
nl_pki "$PKI"
pass=0
fail=0

# case table: index, transport, server binary, client binary, name
CASES=()
i=0
for tr in $TRANSPORTS; do
    for name in $PAIRS; do
        case "$name" in
            ours/ours) pair="$OPENVPN $OPENVPN" ;;
            ref/ours) pair="$REF $OPENVPN" ;;
            ours/ref) pair="$OPENVPN $REF" ;;
            ref/ref) pair="$REF $REF" ;;
            *) nl_die "unknown pairing $name" ;;
        esac
        i=$((i + 1))
        CASES+=("$i $tr $pair $name")
    done
done

# count FILE PATTERN: fixed-string matches in FILE (0 if none)
count()
{
    local n
    n=$(grep -cF -- "$2" "$1" 2>/dev/null)
    echo "${n:-0}"
}

ms_now()
{
    echo $(($(date +%s%N) / 1000000))
}

declare -A SRV_PID CLI_PID RELAY_PID TIME_MS RESULT_WHY

start_case()
{
    local i=$1 tr=$2 sbin=$3 port=$((1194 + $1)) sp=udp
    [ "$tr" = tcp ] && sp=tcp-server
    nl_start "RELAY_PID[$i]" "$NL_NS_B" "$NL_DIR/relay$i.log" "$NL_PYTHON" "$SRC/tests/relay.py" \
        --seed $((SEED * 100 + i)) --lifetime "$RELAY_LIFETIME" "$tr" "203.0.113.1:$port" "$NL_A_V4:$port" "$NL_B_V4"
    nl_start "SRV_PID[$i]" "$NL_NS_A" "$NL_DIR/srv$i.log" "$sbin" --dev tun --proto "$sp" \
        --port "$port" --server "10.61.$i.0" 255.255.255.0 --topology subnet \
        --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
        --reneg-sec 10 --keepalive 10 60 --verb 3
}

start_client()
{
    local i=$1 tr=$2 cbin=$4 port=$((1194 + $1)) cp=udp
    [ "$tr" = tcp ] && cp=tcp-client
    nl_start "CLI_PID[$i]" "$NS_C" "$NL_DIR/cli$i.log" "$cbin" --client --dev tun --proto "$cp" \
        --remote 203.0.113.1 "$port" --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
        --key "$PKI/client.key" --remote-cert-tls server --reneg-sec 10 --verb 3
}

declare -A WHY
for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086  # the case line is split on purpose
    start_case $c
done
for c in "${CASES[@]}"; do
    read -r i _ <<<"$c"
    nl_wait_log "$NL_DIR/relay$i.log" "relay ready" 10 1 "${RELAY_PID[$i]}" ||
        nl_die "relay $i did not start: $(tail -n 3 "$NL_DIR/relay$i.log")"
    nl_wait_init "$NL_DIR/srv$i.log" "${SRV_PID[$i]}" 20 || WHY[$i]="server did not initialize"
done
for c in "${CASES[@]}"; do
    read -r i _ <<<"$c"
    # shellcheck disable=SC2086
    [ -z "${WHY[$i]:-}" ] && start_client $c
done
for c in "${CASES[@]}"; do
    read -r i _ <<<"$c"
    [ -z "${WHY[$i]:-}" ] || continue
    nl_wait_init "$NL_DIR/cli$i.log" "${CLI_PID[$i]}" 90 ||
        WHY[$i]="client did not initialize through the relay"
done

# One case after the other, so that the times can be compared.
for c in "${CASES[@]}"; do
    read -r i tr _ _ name <<<"$c"
    [ -z "${WHY[$i]:-}" ] || continue
    t0=$(ms_now)
    NL_XFER_LIMIT=180 nl_xfer "$NS_C" "$NL_NS_A" "10.61.$i.1" "$XFER_MB" $((5200 + i)) ||
        WHY[$i]="$XFER_MB MiB transfer failed"
    TIME_MS[$i]=$(($(ms_now) - t0))
    printf '%s: %s %-9s %d MiB in %d.%03d s\n' "${0##*/}" "$tr" "$name" "$XFER_MB" \
        $((TIME_MS[$i] / 1000)) $((TIME_MS[$i] % 1000))
done

# All at once, paced, so that renegotiations happen while data flows.
declare -A CC_SRV CC_CLI
jobs_=()
for c in "${CASES[@]}"; do
    read -r i _ <<<"$c"
    [ -z "${WHY[$i]:-}" ] || continue
    CC_SRV[$i]=$(count "$NL_DIR/srv$i.log" "Control Channel:")
    CC_CLI[$i]=$(count "$NL_DIR/cli$i.log" "Control Channel:")
    (
        NL_XFER_LIMIT=$((PACED_SECS + 60)) nl_xfer "$NS_C" "$NL_NS_A" "10.61.$i.1" \
            "$XFER_PACED_MB" $((5300 + i)) "$PACED_SECS" >"$NL_DIR/paced$i.out" 2>&1
        echo "rc=$?" >>"$NL_DIR/paced$i.out"
    ) &
    jobs_+=($!)
done
for j in "${jobs_[@]}"; do
    wait "$j"
done

for c in "${CASES[@]}"; do
    read -r i tr _ _ name <<<"$c"
    s="$NL_DIR/srv$i.log" l="$NL_DIR/cli$i.log" r="$NL_DIR/relay$i.log"
    why=${WHY[$i]:-}
    if [ -z "$why" ] && ! grep -q '^rc=0$' "$NL_DIR/paced$i.out"; then
        why="paced transfer failed: $(head -n 1 "$NL_DIR/paced$i.out")"
    fi
    if [ -z "$why" ]; then
        # "Control Channel:" is logged once per completed TLS handshake
        ns=$(count "$s" "Control Channel:") nc=$(count "$l" "Control Channel:")
        ds=$((ns - CC_SRV[$i])) dc=$((nc - CC_CLI[$i]))
        if [ "$ds" -lt 1 ] || [ "$dc" -lt 1 ]; then
            why="$ds (server) and $dc (client) renegotiations during $PACED_SECS s of traffic"
        elif [ "$ns" -lt 3 ] || [ "$nc" -lt 3 ]; then
            why="only $((ns - 1)) (server) and $((nc - 1)) (client) renegotiations in all"
        fi
    fi
    if [ -z "$why" ]; then
        n=$(count "$l" "Initialization Sequence Completed")
        [ "$n" = 1 ] || why="client initialized $n times (restarted)"
    fi
    if [ -z "$why" ]; then
        bad=$(grep -hE "SIGUSR1|Restart pause|process restarting|Inactivity timeout" "$s" "$l" |
            head -n 1)
        [ -z "$bad" ] || why="restart: ${bad:20}"
    fi
    # 2.6 with itself negotiates dynamic tls-crypt, and under reordering
    # it rejects some late control packets of a renegotiation with a "TLS
    # Error" line that changes nothing; anywhere else a TLS Error counts.
    n=$(grep -chE "TLS Error" "$s" "$l" | awk '{ t += $1 } END { print t + 0 }')
    if [ "$name" = ref/ref ]; then
        [ "$n" = 0 ] || echo "${0##*/}: note: $tr ref/ref logged $n 'TLS Error' lines:" \
            "$(grep -hE "TLS Error" "$s" "$l" | head -n 1 | cut -c21-)"
    elif [ -z "$why" ] && [ "$n" != 0 ]; then
        why="TLS error: $(grep -hE "TLS Error" "$s" "$l" | head -n 1 | cut -c21-)"
    fi
    nl_kill "${CLI_PID[$i]}" >/dev/null 2>&1
    nl_kill "${SRV_PID[$i]}" >/dev/null 2>&1
    nl_kill "${RELAY_PID[$i]}" >/dev/null 2>&1
    stats=$(grep "^relay stats:" "$r")
    if [ -z "$why" ]; then
        if [ "$tr" = udp ]; then
            for k in up_dropped up_duplicated up_reordered down_dropped down_duplicated \
                down_reordered; do
                v=$(sed -n "s/.* $k=\([0-9]*\).*/\1/p" <<<"$stats")
                [ "${v:-0}" -gt 0 ] || why="the relay did not do its job: $stats"
            done
        else
            b=$(sed -n 's/.* up_bytes=\([0-9]*\).*/\1/p' <<<"$stats")
            p=$(sed -n 's/.* up_pieces=\([0-9]*\).*/\1/p' <<<"$stats")
            [ "${p:-0}" -gt $((${b:-0} / 1400)) ] || why="the relay did not cut the stream: $stats"
        fi
    fi
    RESULT_WHY[$i]=$why
    echo "${0##*/}: $tr $name: $stats"
done

for c in "${CASES[@]}"; do
    read -r i tr _ _ name <<<"$c"
    why=${RESULT_WHY[$i]}
    nl_result "lossy $tr: server/client $name: $XFER_MB MiB, renegotiation under load" "$why" \
        "$NL_DIR/srv$i.log" "$NL_DIR/cli$i.log"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
