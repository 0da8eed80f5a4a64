#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/perf/dco_bench.sh -- what the kernel data channel buys, measured in
# the test VM of tests/dco/ (`make bench-dco`; not part of any check: it
# measures, it does not judge).  For each flavor (DCO_FLAVORS, default "dco ovpn") a TLS
# point-to-point UDP tunnel (AES-256-GCM) between two namespaces is run by
#   ours-dco        our daemon on both ends, data channel in the kernel
#   ours-userspace  our daemon on both ends with --disable-dco
#   ref-dco         the guest's reference openvpn on both ends, with DCO
#   ref-userspace   the reference with --disable-dco
# and measured with ping (20 echoes, average RTT) and iperf3 (TCP, SECS s).
# The VM is emulated (TCG), so absolute numbers mean little: compare ratios.
#
#   dco_bench.sh <path to openvpn>        (host)
#   dco_bench.sh --guest <binary> SECS    (inside the VM)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

guest()
{
    OPENVPN=$(realpath "$1")
    SECS=$2
    # shellcheck source=tests/netns-lib.sh
    . "$here/netns-lib.sh"
    REF=/usr/sbin/openvpn
    # the userspace runs need a tun device node (the guest has the module)
    modprobe tun 2>/dev/null
    mkdir -p /dev/net && { [ -c /dev/net/tun ] || mknod /dev/net/tun c 10 200; }
    nl_setup dcobench
    nl_pki "$NL_DIR/pki"
    P=$NL_DIR/pki
    printf '%-16s %12s %14s\n' "setup" "ping avg ms" "iperf3 Mbit/s"
    for setup in ours-dco ours-userspace ref-dco ref-userspace; do
        bin=$OPENVPN extra=()
        case $setup in ref-*) bin=$REF ;; esac
        case $setup in *-userspace) extra=(--disable-dco) ;; esac
        common=(--dev tun0 --verb 3 --proto udp --ca "$P/ca.crt" --dh none --data-ciphers AES-256-GCM
                "${extra[@]}")
        nl_start pa "$NL_NS_A" "$NL_DIR/$setup-a.log" "$bin" "${common[@]}" --local "$NL_A_V4" \
            --remote "$NL_B_V4" --ifconfig 10.1.0.1 10.1.0.2 --tls-server \
            --cert "$P/server.crt" --key "$P/server.key"
        nl_start pb "$NL_NS_B" "$NL_DIR/$setup-b.log" "$bin" "${common[@]}" --local "$NL_B_V4" \
            --remote "$NL_A_V4" --ifconfig 10.1.0.2 10.1.0.1 --tls-client \
            --cert "$P/client.crt" --key "$P/client.key"
        if ! nl_wait_init "$NL_DIR/$setup-a.log" "$pa" 60 || ! nl_wait_init "$NL_DIR/$setup-b.log" "$pb" 60; then
            echo "$setup: tunnel did not come up"
            nl_show_log "$NL_DIR/$setup-a.log"
        else
            rtt=$(ip netns exec "$NL_NS_B" ping -q -c 20 -i 0.2 10.1.0.1 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
            ip netns exec "$NL_NS_A" timeout $((SECS + 30)) iperf3 -s -1 -B 10.1.0.1 >/dev/null 2>&1 &
            ipid=$!
            sleep 1
            mbit=$(ip netns exec "$NL_NS_B" timeout $((SECS + 30)) iperf3 -c 10.1.0.1 -t "$SECS" -J 2>/dev/null |
                python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6,1))')
            wait "$ipid"
            printf '%-16s %12s %14s\n' "$setup" "${rtt:-?}" "${mbit:-?}"
        fi
        nl_kill "$pa" TERM >/dev/null 2>&1
        nl_kill "$pb" TERM >/dev/null 2>&1
        sleep 0.5
    done
}

if [ "${1:-}" = --guest ]; then
    guest "$2" "$3"
    exit $?
fi

[ $# -ge 1 ] || { echo "usage: $0 <path to openvpn>" >&2; exit 2; }
srcdir=$(cd "$here/../.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
builddir=$(cd "$(dirname "$bin")/../.." 2>/dev/null && pwd) || builddir=$srcdir
flavors=${DCO_FLAVORS:-dco ovpn}
# shellcheck source=tests/dco/vm-lib.sh
. "$srcdir/tests/dco/vm-lib.sh"
# shellcheck disable=SC2086 # a word list
dco_vm_images "$builddir" $flavors
stage=$(mktemp -d "$builddir/dco-bench.XXXXXX") || exit 99
trap 'rm -rf "$stage"' EXIT
cp "$here/dco_bench.sh" "$srcdir/tests/netns-lib.sh" "$bin" "$stage/"
for f in $flavors; do
    echo "== flavor $f"
    dco_vm_run "$f" "$stage" 900 "./dco_bench.sh --guest ./$(basename "$bin") ${SECS:-8}"
done
