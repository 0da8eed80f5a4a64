#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_p2p_static.sh -- static-key point-to-point interop matrix.
#
# For each pairing ours<->ours, ours(A)<->ref(B), ref(A)<->ours(B), over
# udp4, udp6, tcp4 and tcp6 (A is the tcp-server), with dev tun (and a subset
# with dev tap and with other ciphers): bring the tunnel up, ping both ways,
# move 20 MiB both ways and compare sha256.  One line per case, then
# "N passed, M failed".  Exit 1 if any case failed, 77 if it cannot run here.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_p2p_static.sh [FILTER]
# FILTER is a substring of the case name (e.g. "ours<->ref udp4").
# XFER_MB (default 20) sets the transfer size.

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
nl_setup p2ps
FILTER=${1:-}
XFER_MB=${XFER_MB:-20}
KEY="$NL_DIR/static.key"
nl_keyfile "$KEY"

pass=0
fail=0
n=0

# Arguments for one side.  $1 = a|b, $2 = proto, $3 = dev, $4 = cipher set.
side_args()
{
    local side=$1 proto=$2 dev=$3 ciph=$4 dir me peer me6 peer6 tun_me tun_peer tap_me
    if [ "$side" = a ]; then
        dir=0 me=$NL_A_V4 peer=$NL_B_V4 me6=$NL_A_V6 peer6=$NL_B_V6
        tun_me=10.200.0.1 tun_peer=10.200.0.2 tap_me=10.201.0.1
    else
        dir=1 me=$NL_B_V4 peer=$NL_A_V4 me6=$NL_B_V6 peer6=$NL_A_V6
        tun_me=10.200.0.2 tun_peer=10.200.0.1 tap_me=10.201.0.2
    fi
    ARGS=(--verb 3 --secret "$KEY" "$dir" --connect-retry 1 1)
    case "$proto" in
        udp4) ARGS+=(--proto udp4 --local "$me" --remote "$peer") ;;
        udp6) ARGS+=(--proto udp6 --local "$me6" --remote "$peer6") ;;
        tcp4 | tcp6)
            local fam=${proto#tcp} l=$me r=$peer
            [ "$fam" = 6 ] && l=$me6 r=$peer6
            if [ "$side" = a ]; then
                ARGS+=(--proto "tcp$fam-server" --local "$l")
            else
                ARGS+=(--proto "tcp$fam-client" --remote "$r")
            fi
            ;;
    esac
    case "$dev" in
        tun) ARGS+=(--dev tun --ifconfig "$tun_me" "$tun_peer") ;;
        tap) ARGS+=(--dev tap --ifconfig "$tap_me" 255.255.255.0) ;;
    esac
    case "$ciph" in
        aes) ARGS+=(--cipher AES-256-CBC --auth SHA256) ;;
        bf) ARGS+=(--providers legacy default) ;; # 2.6 default cipher BF-CBC, auth SHA1
        none) ARGS+=(--cipher none --auth none) ;;
    esac
}

# run_case PAIR PROTO DEV CIPHER
run_case()
{
    local pair=$1 proto=$2 dev=$3 ciph=$4 bin_a bin_b name pa pb ta tb why=""
    name="$pair $proto $dev"
    [ "$ciph" != aes ] && name="$name $ciph"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    case "$pair" in
        "ours<->ours") bin_a=$OPENVPN bin_b=$OPENVPN ;;
        "ours<->ref") bin_a=$OPENVPN bin_b=$REF ;;
        "ref<->ours") bin_a=$REF bin_b=$OPENVPN ;;
    esac
    if [ "$dev" = tun ]; then ta=10.200.0.1 tb=10.200.0.2; else ta=10.201.0.1 tb=10.201.0.2; fi
    local la="$NL_DIR/case$n-a.log" lb="$NL_DIR/case$n-b.log"

    side_args a "$proto" "$dev" "$ciph"
    nl_start pa "$NL_NS_A" "$la" "$bin_a" "${ARGS[@]}"
    # one case per pair: B comes when A has been up a while
    [ "$proto $dev $ciph" = "udp4 tun aes" ] && nl_wait_up "$la" "$pa" 15
    side_args b "$proto" "$dev" "$ciph"
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" "${ARGS[@]}"

    if ! nl_wait_init "$la" "$pa" 15; then
        why="A did not initialize"
    elif ! nl_wait_init "$lb" "$pb" 15; then
        why="B did not initialize"
    elif ! nl_ping "$NL_NS_A" "$tb"; then
        why="ping A->B failed"
    elif ! nl_ping "$NL_NS_B" "$ta"; then
        why="ping B->A failed"
    elif ! nl_xfer "$NL_NS_A" "$NL_NS_B" "$tb" "$XFER_MB"; then
        why="transfer A->B failed"
    elif ! nl_xfer "$NL_NS_B" "$NL_NS_A" "$ta" "$XFER_MB"; then
        why="transfer B->A failed"
    fi
    nl_kill "$pa"
    nl_kill "$pb"
    nl_result "$name" "$why" "$la" "$lb"
}

for pair in "ours<->ours" "ours<->ref" "ref<->ours"; do
    for proto in udp4 udp6 tcp4 tcp6; do
        run_case "$pair" "$proto" tun aes
    done
    run_case "$pair" udp4 tap aes
    run_case "$pair" tcp6 tap aes
    run_case "$pair" udp4 tun bf
    run_case "$pair" udp6 tun none
done

echo "$pass passed, $fail failed"
[ "$n" -gt 0 ] || { echo "no case matched '$FILTER'"; exit 99; }
[ "$fail" -eq 0 ]
