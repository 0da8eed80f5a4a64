#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_p2p_tls.sh -- TLS point-to-point interop matrix (P2P NCP).
#
# For each pairing ours<->ours, ours(A)<->ref(B), ref(A)<->ours(B), where A
# is --tls-server and B --tls-client: plain, tls-auth, tls-crypt and
# tls-crypt-v2 control channels over UDP and TCP, the AEAD ciphers and one
# CBC cipher negotiated through --data-ciphers.  Each case checks the 2.6
# "P2P mode NCP negotiation result" line on both sides, pings both ways and
# moves XFER_MB (default 5) MiB each way with matching sha256.
# Renegotiation: --reneg-sec during a transfer, and --reneg-bytes /
# --reneg-pkts on ours and on the reference (key_ids seen on the wire).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_p2p_tls.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup p2pt
FILTER=${1:-}
XFER_MB=${XFER_MB:-5}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_keyfile "$NL_DIR/ta.key"
"$REF" --genkey tls-crypt-v2-server "$NL_DIR/v2s.key" >/dev/null 2>&1 &&
    "$REF" --tls-crypt-v2 "$NL_DIR/v2s.key" --genkey tls-crypt-v2-client "$NL_DIR/v2c.key" \
        >/dev/null 2>&1 || nl_die "cannot make tls-crypt-v2 keys"

pass=0
fail=0
n=0

# side_args a|b PROTO WRAP CIPHERS
side_args()
{
    local side=$1 proto=$2 wrap=$3 ciphers=$4 me peer tun_me tun_peer
    if [ "$side" = a ]; then
        me=$NL_A_V4 peer=$NL_B_V4 tun_me=10.210.0.1 tun_peer=10.210.0.2
        [ "$proto" = udp6 ] && me=$NL_A_V6 peer=$NL_B_V6
        ARGS=(--tls-server --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none
            --remote-cert-tls client)
    else
        me=$NL_B_V4 peer=$NL_A_V4 tun_me=10.210.0.2 tun_peer=10.210.0.1
        [ "$proto" = udp6 ] && me=$NL_B_V6 peer=$NL_A_V6
        ARGS=(--tls-client --cert "$PKI/client.crt" --key "$PKI/client.key"
            --remote-cert-tls server)
    fi
    ARGS+=(--verb 3 --ca "$PKI/ca.crt" --dev tun --ifconfig "$tun_me" "$tun_peer"
        --connect-retry 1 1 --data-ciphers "$ciphers")
    case "$proto" in
        udp4 | udp6) ARGS+=(--proto "$proto" --local "$me" --remote "$peer") ;;
        tcp4)
            if [ "$side" = a ]; then
                ARGS+=(--proto tcp4-server --local "$me")
            else
                ARGS+=(--proto tcp4-client --remote "$peer")
            fi
            ;;
    esac
    case "$wrap" in
        auth) ARGS+=(--tls-auth "$NL_DIR/ta.key" "$([ "$side" = a ] && echo 0 || echo 1)") ;;
        crypt) ARGS+=(--tls-crypt "$NL_DIR/ta.key") ;;
        crypt2)
            if [ "$side" = a ]; then
                ARGS+=(--tls-crypt-v2 "$NL_DIR/v2s.key")
            else
                ARGS+=(--tls-crypt-v2 "$NL_DIR/v2c.key")
            fi
            ;;
    esac
}

# run_case PAIR PROTO WRAP CIPHERS EXPECT_CIPHER
run_case()
{
    local pair=$1 proto=$2 wrap=$3 ciphers=$4 want=$5 bin_a bin_b name pa pb why=""
    name="$pair $proto $wrap $want"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    case "$pair" in
        "ours<->ours") bin_a=$OPENVPN bin_b=$OPENVPN ;;
        "ours<->ref") bin_a=$OPENVPN bin_b=$REF ;;
        "ref<->ours") bin_a=$REF bin_b=$OPENVPN ;;
    esac
    local la="$NL_DIR/case$n-a.log" lb="$NL_DIR/case$n-b.log"
    local ncp="P2P mode NCP negotiation result: TLS_export=1, DATA_v2=1, peer-id [0-9]*, cipher=$want"

    side_args a "$proto" "$wrap" "$ciphers"
    nl_start pa "$NL_NS_A" "$la" "$bin_a" "${ARGS[@]}"
    # one case per pair: B comes when A has been up a while
    [ "$proto $wrap" = "udp4 auth" ] && [ "$ciphers" = "$GCM" ] && nl_wait_up "$la" "$pa" 15
    side_args b "$proto" "$wrap" "$ciphers"
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" "${ARGS[@]}"

    if ! nl_wait_init "$la" "$pa" 20; then
        why="A did not initialize"
    elif ! nl_wait_init "$lb" "$pb" 20; then
        why="B did not initialize"
    elif ! grep -q "$ncp" "$la" || ! grep -q "$ncp" "$lb"; then
        why="NCP result line missing or different"
    elif [ "$(grep -o 'peer-id [0-9]*' "$la" | head -1)" != "$(grep -o 'peer-id [0-9]*' "$lb" | head -1)" ]; then
        why="the two sides derived different peer-ids"
    elif ! nl_ping "$NL_NS_A" 10.210.0.2; then
        why="ping A->B failed"
    elif ! nl_ping "$NL_NS_B" 10.210.0.1; then
        why="ping B->A failed"
    elif ! nl_xfer "$NL_NS_A" "$NL_NS_B" 10.210.0.2 "$XFER_MB"; then
        why="transfer A->B failed"
    elif ! nl_xfer "$NL_NS_B" "$NL_NS_A" 10.210.0.1 "$XFER_MB"; then
        why="transfer B->A failed"
    fi
    nl_kill "$pa"
    nl_kill "$pb"
    nl_result "$name" "$why" "$la" "$lb"
}

GCM=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
for pair in "ours<->ours" "ours<->ref" "ref<->ours"; do
    run_case "$pair" udp4 none "$GCM" AES-256-GCM
    run_case "$pair" udp4 auth "$GCM" AES-256-GCM
    run_case "$pair" tcp4 crypt "$GCM" AES-256-GCM
    run_case "$pair" udp6 crypt2 "$GCM" AES-256-GCM
    run_case "$pair" udp4 crypt AES-128-GCM AES-128-GCM
    run_case "$pair" udp4 auth CHACHA20-POLY1305 CHACHA20-POLY1305
    run_case "$pair" udp4 auth AES-256-CBC AES-256-CBC
done

# Renegotiation every 10 s during a 60 s paced transfer: a
# TCP flow inside the tunnel must see no loss, and our side must have done
# at least four new handshakes on the same session.
run_reneg()
{
    local pair=$1 bin_a bin_b pa pb why="" name="$1 udp4 auth reneg-sec 10"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    case "$pair" in
        "ours<->ref") bin_a=$OPENVPN bin_b=$REF ;;
        "ref<->ours") bin_a=$REF bin_b=$OPENVPN ;;
    esac
    local la="$NL_DIR/case$n-a.log" lb="$NL_DIR/case$n-b.log" ours
    # only A (the TLS server) asks, so that ours and the reference each
    # drive the renegotiations in one of the two cases
    side_args a udp4 auth "$GCM"
    nl_start pa "$NL_NS_A" "$la" "$bin_a" "${ARGS[@]}" --reneg-sec 10
    side_args b udp4 auth "$GCM"
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" "${ARGS[@]}"
    if [ "$bin_a" = "$OPENVPN" ]; then ours=$la; else ours=$lb; fi
    if ! nl_wait_init "$la" "$pa" 20 || ! nl_wait_init "$lb" "$pb" 20; then
        why="did not initialize"
    elif ! nl_xfer "$NL_NS_A" "$NL_NS_B" 10.210.0.2 60 5201 60; then
        why="paced transfer across renegotiations failed"
    elif [ "$(grep -c 'Control Channel: TLS' "$ours")" -lt 5 ]; then
        why="fewer than 4 renegotiations in 60 s"
    elif ! nl_ping "$NL_NS_B" 10.210.0.1; then
        why="ping after the renegotiations failed"
    fi
    nl_kill "$pa"
    nl_kill "$pb"
    nl_result "$name" "$why" "$la" "$lb"
}
run_reneg "ours<->ref"
run_reneg "ref<->ours"

# Which key_ids carry data: a sniffer on A's veth prints "SRC KEY_ID" once
# for every P_DATA_V1/V2 source and key_id it sees (the first byte of the
# UDP payload is opcode << 3 | key_id; data packets are never wrapped).
SNIFF_PY='
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
s.bind((sys.argv[1], 0))
seen = set()
while True:
    f = s.recv(65535)
    if len(f) < 14 + 20 + 9 or f[12:14] != b"\x08\x00" or f[14 + 9] != 17:
        continue
    ihl = (f[14] & 15) * 4
    if len(f) <= 14 + ihl + 8:
        continue
    b0 = f[14 + ihl + 8]
    if b0 >> 3 in (6, 9):
        key = (socket.inet_ntoa(f[26:30]), b0 & 7)
        if key not in seen:
            seen.add(key)
            print(*key, flush=True)
'

# --reneg-bytes / --reneg-pkts: the side given the limit (ours or the
# reference) must start soft resets once its data count passes it, logging
# 2.6's line, while the other side only follows; both sides must send data
# with key_id 1 and 2 afterwards and traffic must keep flowing.
# run_reneg_limit PAIR SIDE(a|b) OPTION VALUE
run_reneg_limit()
{
    local pair=$1 side=$2 opt=$3 val=$4 bin_a bin_b pa pb ps why="" trig other want kid src i
    local name="$pair udp4 auth $opt $val on $side"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    case "$pair" in
        "ours<->ref") bin_a=$OPENVPN bin_b=$REF ;;
        "ref<->ours") bin_a=$REF bin_b=$OPENVPN ;;
    esac
    local la="$NL_DIR/case$n-a.log" lb="$NL_DIR/case$n-b.log" sniff="$NL_DIR/case$n-kid.out"
    local xa=() xb=()
    if [ "$side" = a ]; then
        xa=("$opt" "$val") trig=$la other=$lb
    else
        xb=("$opt" "$val") trig=$lb other=$la
    fi
    # 2.6 prints an unset --reneg-bytes as -1 and an unset --reneg-pkts as 0
    case "$opt" in
        --reneg-bytes) want="TLS: soft reset sec=[0-9]*/3600 bytes=[0-9]*/$val pkts=[0-9]*/0\$" ;;
        --reneg-pkts) want="TLS: soft reset sec=[0-9]*/3600 bytes=[0-9]*/-1 pkts=[0-9]*/$val\$" ;;
    esac
    nl_start ps "$NL_NS_A" "$sniff" timeout 120 "$NL_PYTHON" -c "$SNIFF_PY" veth0
    side_args a udp4 auth "$GCM"
    nl_start pa "$NL_NS_A" "$la" "$bin_a" "${ARGS[@]}" "${xa[@]}"
    side_args b udp4 auth "$GCM"
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" "${ARGS[@]}" "${xb[@]}"
    if ! nl_wait_init "$la" "$pa" 20 || ! nl_wait_init "$lb" "$pb" 20; then
        why="did not initialize"
    else
        # bursts of 1 KB pings (40 packets each) until two soft resets: 2.6
        # checks the limits only when its TLS timer runs, which can take
        # seconds after the count passed them; at most about 50 s
        for ((i = 0; i < 60; i++)); do
            ip netns exec "$NL_NS_A" ping -4 -q -n -c 20 -i 0.01 -s 1000 -W 1 10.210.0.2 \
                >/dev/null 2>&1
            [ "$(grep -c "$want" "$trig")" -ge 2 ] && break
            sleep 0.5
        done
        if [ "$(grep -c "$want" "$trig")" -lt 2 ]; then
            why="the side with $opt did not log two soft resets like '$want'"
        elif grep -q "TLS: soft reset" "$other"; then
            why="the side without $opt started a soft reset"
        elif [ "$(grep -c 'Control Channel: TLS' "$la")" -lt 3 ] ||
            [ "$(grep -c 'Control Channel: TLS' "$lb")" -lt 3 ]; then
            why="fewer than two new handshakes on a side"
        elif ! nl_ping "$NL_NS_A" 10.210.0.2 || ! nl_ping "$NL_NS_B" 10.210.0.1; then
            why="ping after the renegotiations failed"
        else
            for kid in 1 2; do
                for src in "$NL_A_V4" "$NL_B_V4"; do
                    grep -qx "$src $kid" "$sniff" ||
                        why=${why:-"no data packet with key_id $kid from $src"}
                done
            done
        fi
    fi
    nl_kill "$pa"
    nl_kill "$pb"
    nl_kill "$ps"
    nl_result "$name" "$why" "$la" "$lb" "$sniff"
}
run_reneg_limit "ours<->ref" a --reneg-bytes 200000
run_reneg_limit "ref<->ours" a --reneg-bytes 200000
run_reneg_limit "ours<->ref" b --reneg-pkts 300
run_reneg_limit "ref<->ours" b --reneg-pkts 300

echo "$pass passed, $fail failed"
[ "$n" -gt 0 ] || { echo "no case matched '$FILTER'"; exit 99; }
[ "$fail" -eq 0 ]
