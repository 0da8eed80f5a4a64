#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/perf/bench.sh -- throughput of our tunnel against the reference
# openvpn, in the same two namespaces, same mode, same run (`make bench`).
# Not part of `make check`: it measures, it does not judge.
#
# Usage: tests/perf/bench.sh OUR_BINARY [options]
#   --proto udp4|udp6|tcp4|tcp6   transport (default udp4; A is tcp-server)
#   --cipher NAME --auth NAME     static-key data channel (default AES-256-CBC / SHA256)
#   --time SECONDS                iperf3 duration per run (default 10)
#   --reverse                     also measure B->A
#   --server                      client/server mode: A runs --server (subnet), B --client;
#                                 --cipher names the negotiated AEAD cipher
# Prints Mbit/s for ours and for the reference, and the ratio ours/ref.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OPENVPN=${1:-${OPENVPN:-}}
[ -n "$OPENVPN" ] || { echo "usage: $0 OUR_BINARY [--proto P] [--cipher C] [--auth A] [--tls] [--time S]" >&2; exit 2; }
shift
export OPENVPN
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

PROTO=udp4 CIPHER=AES-256-CBC AUTH=SHA256 SECS=10 REVERSE=no TLS=no SERVER=no
while [ $# -gt 0 ]; do
    case "$1" in
        --proto) PROTO=$2; shift 2 ;;
        --cipher) CIPHER=$2; shift 2 ;;
        --auth) AUTH=$2; shift 2 ;;
        --time) SECS=$2; shift 2 ;;
        --reverse) REVERSE=yes; shift ;;
        --tls) TLS=yes; shift ;; # TLS p2p; --cipher names the negotiated AEAD cipher
        --server) SERVER=yes TLS=yes; shift ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
command -v iperf3 >/dev/null 2>&1 || nl_skip "no iperf3"
nl_require
nl_setup bench
KEY="$NL_DIR/static.key"
nl_keyfile "$KEY"
if [ "$TLS" = yes ]; then
    [ "$CIPHER" = AES-256-CBC ] && CIPHER=AES-256-GCM
    nl_pki "$NL_DIR/pki"
fi

side_args()
{
    local dir me peer tme tpeer
    if [ "$1" = a ]; then
        dir=0 me=$NL_A_V4 peer=$NL_B_V4 tme=10.200.0.1 tpeer=10.200.0.2
        [ "${PROTO%4}" != "$PROTO" ] || { me=$NL_A_V6 peer=$NL_B_V6; }
    else
        dir=1 me=$NL_B_V4 peer=$NL_A_V4 tme=10.200.0.2 tpeer=10.200.0.1
        [ "${PROTO%4}" != "$PROTO" ] || { me=$NL_B_V6 peer=$NL_A_V6; }
    fi
    ARGS=(--verb 1 --dev tun --connect-retry 1 1)
    if [ "$SERVER" = yes ]; then
        # the server takes 10.200.0.1, the only client the pool's first address, .2
        if [ "$1" = a ]; then
            ARGS+=(--server 10.200.0.0 255.255.255.0 --topology subnet --ca "$NL_DIR/pki/ca.crt"
                --cert "$NL_DIR/pki/server.crt" --key "$NL_DIR/pki/server.key" --dh none
                --data-ciphers "$CIPHER" --keepalive 10 60)
        else
            ARGS+=(--client --nobind --ca "$NL_DIR/pki/ca.crt" --cert "$NL_DIR/pki/client.crt"
                --key "$NL_DIR/pki/client.key" --data-ciphers "$CIPHER")
        fi
    else
        ARGS+=(--ifconfig "$tme" "$tpeer")
    fi
    if [ "$SERVER" = yes ]; then
        :
    elif [ "$TLS" = yes ]; then
        local role=server
        [ "$1" = b ] && role=client
        ARGS+=(--tls-$role --ca "$NL_DIR/pki/ca.crt" --cert "$NL_DIR/pki/$role.crt"
            --key "$NL_DIR/pki/$role.key" --dh none --data-ciphers "$CIPHER")
    else
        ARGS+=(--secret "$KEY" "$dir" --cipher "$CIPHER" --auth "$AUTH")
    fi
    case "$PROTO" in
        udp4 | udp6)
            if [ "$SERVER" = yes ]; then
                [ "$1" = a ] && ARGS+=(--proto "$PROTO" --local "$me")
                [ "$1" = b ] && ARGS+=(--proto "$PROTO" --remote "$peer")
            else
                ARGS+=(--proto "$PROTO" --local "$me" --remote "$peer")
            fi
            ;;
        tcp4 | tcp6)
            if [ "$1" = a ]; then
                ARGS+=(--proto "$PROTO-server" --local "$me")
            else
                ARGS+=(--proto "$PROTO-client" --remote "$peer")
            fi
            ;;
        *) nl_die "unknown --proto $PROTO" ;;
    esac
}

# measure BINARY LABEL: prints Mbit/s A->B (and B->A with --reverse).
measure()
{
    local bin=$1 label=$2 pa pb ps r
    side_args a
    nl_start pa "$NL_NS_A" "$NL_DIR/$label-a.log" "$bin" "${ARGS[@]}"
    side_args b
    nl_start pb "$NL_NS_B" "$NL_DIR/$label-b.log" "$bin" "${ARGS[@]}"
    if ! nl_wait_init "$NL_DIR/$label-a.log" "$pa" 20 || ! nl_wait_init "$NL_DIR/$label-b.log" "$pb" 20 \
        || ! nl_ping "$NL_NS_A" 10.200.0.2; then
        echo "bench: $label tunnel did not come up" >&2
        nl_show_log "$NL_DIR/$label-a.log" >&2
        nl_show_log "$NL_DIR/$label-b.log" >&2
        nl_kill "$pa"
        nl_kill "$pb"
        return 1
    fi
    nl_start ps "$NL_NS_B" "$NL_DIR/$label-iperf-server.log" iperf3 -s -B 10.200.0.2 -1
    sleep 0.5
    RESULT=$(run_iperf "$label" "")
    if [ "$REVERSE" = yes ]; then
        nl_kill "$ps"
        nl_start ps "$NL_NS_B" "$NL_DIR/$label-iperf-server.log" iperf3 -s -B 10.200.0.2 -1
        sleep 0.5
        r=$(run_iperf "$label" -R)
        RESULT="$RESULT $r"
    fi
    nl_kill "$ps"
    nl_kill "$pa"
    nl_kill "$pb"
}

run_iperf()
{
    local json="$NL_DIR/$1$2.json" extra=()
    [ -n "$2" ] && extra=("$2")
    ip netns exec "$NL_NS_A" timeout $((SECS + 20)) iperf3 -c 10.200.0.2 -t "$SECS" "${extra[@]}" -J \
        >"$json" 2>&1 </dev/null
    "$NL_PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("%.1f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$json" 2>/dev/null || echo 0
}

if [ "$SERVER" = yes ]; then
    echo "bench: $PROTO, client/server (--server/--client), data cipher $CIPHER, ${SECS}s per run"
elif [ "$TLS" = yes ]; then
    echo "bench: $PROTO, TLS p2p, data cipher $CIPHER, ${SECS}s per run"
else
    echo "bench: $PROTO, static key, cipher $CIPHER, auth $AUTH, ${SECS}s per run"
fi
measure "$OPENVPN" ours || exit 1
OURS=$RESULT
measure "$REF" ref || exit 1
REFR=$RESULT

read -r ours_f ours_r <<<"$OURS"
read -r ref_f ref_r <<<"$REFR"
ratio()
{
    "$NL_PYTHON" -c 'import sys; r = float(sys.argv[2]); print("%.2f" % (float(sys.argv[1]) / r) if r else "n/a")' "$1" "$2"
}
printf '%-10s %12s %12s %8s\n' direction "ours Mbit/s" "ref Mbit/s" ours/ref
printf '%-10s %12s %12s %8s\n' "A->B" "$ours_f" "$ref_f" "$(ratio "$ours_f" "$ref_f")"
if [ "$REVERSE" = yes ]; then
    printf '%-10s %12s %12s %8s\n' "B->A" "$ours_r" "$ref_r" "$(ratio "$ours_r" "$ref_r")"
fi
