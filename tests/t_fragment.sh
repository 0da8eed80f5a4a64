#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_fragment.sh -- --fragment and --link-mtu against the reference.
#
# Over UDP with --fragment 1300 (and with a bare --mssfix, and as
# "--fragment 1300 mtu"), for
# static key (cipher none, so the plaintext and the clamped TCP MSS can be
# read on the veth, and AES-256-CBC), TLS point-to-point and server mode:
# ref<->ref first, to measure what 2.6 sends, then ours against the
# reference in both roles.  Each case pings both ways with sizes at the
# fragment limit and above it (-s 3000), moves XFER_MB (default 20) MiB
# with matching sha256, and sniffs every UDP datagram on the veth: the
# largest payload each side sent must be what 2.6 sent in the same setup
# (never more than 1300), and with cipher none the MSS in the SYNs must be
# 2.6's.  A --link-mtu case checks the derived tun MTU and that ours and the
# reference agree on the OCC options string.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_fragment.sh [FILTER]
# FILTER is a substring of the case names (e.g. "ours<->ref tls"); the
# ref<->ref baseline of a mode runs whenever FILTER names that mode.

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup frag
FILTER=${1:-}
XFER_MB=${XFER_MB:-20}
FRAG=1300
PKI="$NL_DIR/pki"
nl_pki "$PKI"
KEY="$NL_DIR/static.key"
nl_keyfile "$KEY"

pass=0
fail=0
declare -A BASE_MAX BASE_MSS

# The sniffer: every IPv4 UDP datagram on IFACE until STOPFILE appears (or
# SECONDS pass); prints "<max payload from A> <max from B> <count A>
# <count B> <min SYN MSS from A> <min from B>" (MSS read at OFFSET into
# the payload, -1 = not read, 0 = none seen).
SNIFF_PY='
import os, socket, struct, sys, time
iface, stop, secs, a_ip, off = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind((iface, 0))
s.settimeout(0.2)
mx, cnt, mss = [0, 0], [0, 0], [0, 0]
end = time.monotonic() + secs
open(stop + ".ready", "w").close()
while time.monotonic() < end and not os.path.exists(stop):
    try:
        fr = s.recv(65535)
    except socket.timeout:
        continue
    if struct.unpack("!H", fr[12:14])[0] != 0x0800 or fr[23] != 17:
        continue
    p = fr[14:]
    ihl = (p[0] & 15) * 4
    pl = p[ihl + 8:struct.unpack("!H", p[2:4])[0]]
    side = 0 if socket.inet_ntoa(p[12:16]) == a_ip else 1
    mx[side] = max(mx[side], len(pl))
    cnt[side] += 1
    if off >= 0 and len(pl) > off + 40 and pl[off] == 0x45 and pl[off + 9] == 6:
        t = pl[off + 20:]
        if t[13] & 2:
            o, j = t[20:(t[12] >> 4) * 4], 0
            while j < len(o):
                if o[j] == 2 and j + 3 < len(o):
                    v = (o[j + 2] << 8) | o[j + 3]
                    mss[side] = v if not mss[side] else min(mss[side], v)
                    break
                j += 1 if o[j] in (0, 1) else max(o[j + 1], 2) if j + 1 < len(o) else len(o)
if off < 0:
    mss = [-1, -1]
print(mx[0], mx[1], cnt[0], cnt[1], mss[0], mss[1])
'

sniff_start()
{
    local off=$1 i
    SNIFF_STOP="$NL_DIR/sniff.stop"
    rm -f "$SNIFF_STOP" "$SNIFF_STOP.ready"
    ip netns exec "$NL_NS_A" timeout 120 "$NL_PYTHON" -c "$SNIFF_PY" veth0 "$SNIFF_STOP" 110 \
        "$NL_A_V4" "$off" >"$NL_DIR/sniff.out" 2>&1 </dev/null &
    SNIFF_PID=$!
    NL_PIDS+=("$SNIFF_PID")
    for ((i = 0; i < 50; i++)); do
        [ -e "$SNIFF_STOP.ready" ] && return 0
        sleep 0.1
    done
    return 1
}

sniff_stop()
{
    touch "$SNIFF_STOP"
    wait "$SNIFF_PID" 2>/dev/null
    nl_forget "$SNIFF_PID"
    read -r S_MAX_A S_MAX_B S_CNT_A S_CNT_B S_MSS_A S_MSS_B <"$NL_DIR/sniff.out"
}

# ping_s NS ADDR SIZE: two replies to SIZE-byte pings within 8 s
ping_s()
{
    ip netns exec "$1" ping -4 -q -n -c 2 -i 0.2 -W 2 -w 8 -s "$3" "$2" >/dev/null 2>&1
}

# side_args MODE a|b: the arguments of one side
side_args()
{
    local mode=$1 side=$2 me peer tme tpeer dir
    if [ "$side" = a ]; then
        me=$NL_A_V4 peer=$NL_B_V4 tme=10.220.0.1 tpeer=10.220.0.2 dir=0
    else
        me=$NL_B_V4 peer=$NL_A_V4 tme=10.220.0.2 tpeer=10.220.0.1 dir=1
    fi
    ARGS=(--verb 3 --dev tun --proto udp4 --connect-retry 1 1)
    case "$mode" in
        static-none | static-cbc)
            ARGS+=(--secret "$KEY" "$dir" --local "$me" --remote "$peer" --ifconfig "$tme" "$tpeer")
            if [ "$mode" = static-none ]; then
                ARGS+=(--cipher none --auth none)
            else
                ARGS+=(--cipher AES-256-CBC --auth SHA256)
            fi
            ;;
        tls)
            ARGS+=(--ca "$PKI/ca.crt" --local "$me" --remote "$peer" --ifconfig "$tme" "$tpeer")
            if [ "$side" = a ]; then
                ARGS+=(--tls-server --dh none --cert "$PKI/server.crt" --key "$PKI/server.key")
            else
                ARGS+=(--tls-client --cert "$PKI/client.crt" --key "$PKI/client.key")
            fi
            ;;
        server)
            ARGS+=(--ca "$PKI/ca.crt")
            if [ "$side" = a ]; then
                ARGS+=(--server 10.220.0.0 255.255.255.0 --topology subnet --dh none --local "$me"
                    --cert "$PKI/server.crt" --key "$PKI/server.key" --keepalive 10 60)
            else
                ARGS+=(--client --nobind --remote "$peer" --cert "$PKI/client.crt"
                    --key "$PKI/client.key")
            fi
            ;;
    esac
}

# run_case MODE PAIR VARIANT: PAIR is ref<->ref (the baseline), ours<->ref or
# ref<->ours (A first; in server mode A is the server); VARIANT is empty,
# "mssfix" (a bare --mssfix as well) or "mtu" (--fragment N mtu).
run_case()
{
    local mode=$1 pair=$2 variant=$3 name bin_a bin_b pa pb why="" ta tb off=-1 extra=() key
    case "$variant" in
        mssfix) name="$pair $mode --fragment $FRAG --mssfix" extra=(--fragment "$FRAG" --mssfix) ;;
        mtu) name="$pair $mode --fragment $FRAG mtu" extra=(--fragment "$FRAG" mtu) ;;
        *) name="$pair $mode --fragment $FRAG" extra=(--fragment "$FRAG") ;;
    esac
    # a bare --mssfix is 2.6's default: it shares the baseline
    key=$mode${variant:+-$variant}
    [ "$variant" = mssfix ] && key=$mode
    # the baseline runs for any filter that names its mode
    case "$pair/$FILTER" in "ref<->ref/"*"$mode"*) ;; *) case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac ;; esac
    case "$pair" in
        "ref<->ref") bin_a=$REF bin_b=$REF ;;
        "ours<->ref") bin_a=$OPENVPN bin_b=$REF ;;
        "ref<->ours") bin_a=$REF bin_b=$OPENVPN ;;
    esac
    [ "$mode" = static-none ] && off=12 # packet id and time, fragment header
    ta=10.220.0.1 tb=10.220.0.2
    local la="$NL_DIR/a.log" lb="$NL_DIR/b.log"
    side_args "$mode" a
    nl_start pa "$NL_NS_A" "$la" "$bin_a" "${ARGS[@]}" "${extra[@]}"
    side_args "$mode" b
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" "${ARGS[@]}" "${extra[@]}"
    if ! nl_wait_init "$lb" "$pb" 20 || ! { [ "$mode" = server ] || nl_wait_init "$la" "$pa" 20; }; then
        why="no tunnel"
    elif ! sniff_start "$off"; then
        why="sniffer did not start"
    else
        # at the limit (2.6's largest whole packet in TLS and CBC), above, and far above it
        for size in 1207 1232 1244 1245 1260 3000; do
            ping_s "$NL_NS_B" "$ta" "$size" || why="${why:+$why, }ping -s $size B->A"
            ping_s "$NL_NS_A" "$tb" "$size" || why="${why:+$why, }ping -s $size A->B"
        done
        [ -n "$why" ] || nl_xfer "$NL_NS_B" "$NL_NS_A" "$ta" "$XFER_MB" || why="transfer"
        sniff_stop
        [ -z "$why" ] && check_sizes "$key" "$pair" && why=$CHECK_WHY
    fi
    nl_result "$name" "$why" "$la" "$lb"
    nl_kill "$pa"
    nl_kill "$pb"
}

# check_sizes KEY PAIR: compare the sniffed maxima with the baseline (or
# record them for ref<->ref); the verdict goes to CHECK_WHY.
check_sizes()
{
    local key=$1 pair=$2 out=""
    CHECK_WHY=""
    if [ "$S_MAX_A" -gt "$FRAG" ] || [ "$S_MAX_B" -gt "$FRAG" ]; then
        CHECK_WHY="datagram over $FRAG: A sent $S_MAX_A, B $S_MAX_B"
        return 0
    fi
    if [ "$pair" = "ref<->ref" ]; then
        BASE_MAX[$key]=$S_MAX_A BASE_MSS[$key]=$S_MSS_A
        [ "$S_MAX_A" = "$S_MAX_B" ] || out="reference sides differ: $S_MAX_A / $S_MAX_B"
        nl_log "2.6 with itself, $key: largest datagram $S_MAX_A bytes, SYN MSS $S_MSS_A"
    elif [ -n "${BASE_MAX[$key]:-}" ]; then
        [ "$S_MAX_A" = "${BASE_MAX[$key]}" ] && [ "$S_MAX_B" = "${BASE_MAX[$key]}" ] ||
            out="largest datagram A $S_MAX_A, B $S_MAX_B; 2.6 sends ${BASE_MAX[$key]}"
        if [ "${BASE_MSS[$key]}" != -1 ] &&
            { [ "$S_MSS_A" != "${BASE_MSS[$key]}" ] || [ "$S_MSS_B" != "${BASE_MSS[$key]}" ]; }; then
            out="${out:+$out; }SYN MSS A $S_MSS_A, B $S_MSS_B; 2.6 clamps to ${BASE_MSS[$key]}"
        fi
    else
        out="no 2.6 baseline for $key"
    fi
    CHECK_WHY=$out
    return 0
}

for mode in static-none static-cbc tls server; do
    for variant in "" mssfix mtu; do
        case "$mode/$variant" in
            */ | static-cbc/mssfix | tls/mssfix) ;;
            static-none/mtu) run_case "$mode" "ref<->ref" mtu ;;
            *) continue ;;
        esac
        [ -z "$variant" ] && run_case "$mode" "ref<->ref" ""
        for pair in "ours<->ref" "ref<->ours"; do
            run_case "$mode" "$pair" "$variant"
        done
    done
done

# --link-mtu 1400 on both sides (static AES-256-CBC/SHA256): 2.6 derives a
# tun MTU of 1336 and announces "link-mtu 1572,tun-mtu 1336" in OCC.
link_mtu_case()
{
    local name="ours<->ref --link-mtu 1400" pa pb why="" mtu_a mtu_b
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    local la="$NL_DIR/a.log" lb="$NL_DIR/b.log"
    side_args static-cbc a
    nl_start pa "$NL_NS_A" "$la" "$OPENVPN" "${ARGS[@]}" --link-mtu 1400 --verb 7
    side_args static-cbc b
    nl_start pb "$NL_NS_B" "$lb" "$REF" "${ARGS[@]}" --link-mtu 1400
    if ! nl_wait_init "$la" "$pa" 20 || ! nl_wait_init "$lb" "$pb" 20; then
        why="no tunnel"
    else
        mtu_a=$(ip -n "$NL_NS_A" -o link show tun0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
        mtu_b=$(ip -n "$NL_NS_B" -o link show tun0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
        [ "$mtu_a" = 1336 ] && [ "$mtu_b" = 1336 ] || why="tun MTU ours $mtu_a, 2.6 $mtu_b (want 1336)"
        # 1336-byte packets pass unfragmented both ways; 1337 do not fit
        ip netns exec "$NL_NS_A" ping -4 -q -n -c 2 -i 0.2 -w 8 -M do -s 1308 10.220.0.2 >/dev/null 2>&1 ||
            why="${why:+$why, }ping -M do -s 1308 A->B"
        ip netns exec "$NL_NS_B" ping -4 -q -n -c 2 -i 0.2 -w 8 -M do -s 1308 10.220.0.1 >/dev/null 2>&1 ||
            why="${why:+$why, }ping -M do -s 1308 B->A"
        ip netns exec "$NL_NS_A" ping -4 -q -n -c 1 -w 2 -M do -s 1309 10.220.0.2 >/dev/null 2>&1 &&
            why="${why:+$why, }a 1337-byte packet went through"
        if ! nl_wait_log "$la" "Note: Remote Options String:" 15 1 "$pa"; then
            why="${why:+$why, }no OCC reply from 2.6"
        elif ! grep -qF "link-mtu 1572,tun-mtu 1336," "$la" || grep -q "WARNING: '" "$la"; then
            why="${why:+$why, }OCC strings differ"
        fi
    fi
    nl_result "$name" "$why" "$la" "$lb"
    nl_kill "$pa"
    nl_kill "$pb"
}
link_mtu_case

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
