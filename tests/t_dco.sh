#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# t_dco.sh -- the DCO backend (src/openvpn/dco_linux.c) against the real
# kernel modules.  This host's kernel has no ovpn module, so:
#
#   t_dco.sh <path to openvpn>   (host, `make check-dco`)
#       builds tests/dco/dco_probe from the checkout next to that binary's
#       build tree, then boots the test VM (tests/dco/run.sh; images made by
#       tests/dco/build-image.sh when missing or out of date) once per
#       flavor -- dco: kernel 6.1 + ovpn-dco-v2, ovpn: the backports kernel
#       with upstream ovpn -- and runs itself there with --guest.
#       Exit 77 (skip) with a reason when qemu or the images are missing and
#       cannot be built.  DCO_FLAVORS="dco" limits the flavors.
#
#   t_dco.sh --guest              (inside the VM, as root)
#       two netns joined by a veth, dco_probe on each side: a P2P DCO link
#       with one peer and fixed test keys.  Checks: the link kind, ping
#       across, the peer counters read back, a key rotation (new key in the
#       secondary slot, swap, delete the old one) with ping after each step,
#       and peer deletion seen as notifications (USERSPACE on the side that
#       deleted it, keepalive EXPIRED on the other).
#
# The test kills only the processes it started and removes its namespaces.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------- guest part
guest()
{
    local probe=$here/dco_probe nsa=dcoA.$$ nsb=dcoB.$$ pass=0 fail=0
    local pa="" pb="" kind
    ok() { echo "PASS: $*"; pass=$((pass + 1)); }
    bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
    # wait_line FILE REGEX [SECONDS]: true once a line of FILE matches
    wait_line()
    {
        local i
        for ((i = 0; i < ${3:-10} * 5; i++)); do
            grep -qE "$2" "$1" && return 0
            sleep 0.2
        done
        return 1
    }
    cleanup()
    {
        exec 3>&- 4>&- 2>/dev/null
        [ -n "$pa" ] && kill "$pa" 2>/dev/null
        [ -n "$pb" ] && kill "$pb" 2>/dev/null
        ip netns del "$nsa" 2>/dev/null
        ip netns del "$nsb" 2>/dev/null
    }
    trap cleanup EXIT
    work=$(mktemp -d)

    ip netns add "$nsa" && ip netns add "$nsb" || { echo "cannot create netns"; exit 1; }
    ip link add vA netns "$nsa" type veth peer name vB netns "$nsb"
    ip -n "$nsa" addr add 198.51.100.1/24 dev vA
    ip -n "$nsb" addr add 198.51.100.2/24 dev vB
    for ns in "$nsa" "$nsb"; do
        ip -n "$ns" link set lo up
    done
    ip -n "$nsa" link set vA up
    ip -n "$nsb" link set vB up

    mkfifo "$work/inA" "$work/inB"
    ip netns exec "$nsa" "$probe" a dcoA 198.51.100.1 1194 198.51.100.2 1194 \
        <"$work/inA" >"$work/A.log" 2>&1 &
    pa=$!
    ip netns exec "$nsb" "$probe" b dcoB 198.51.100.2 1194 198.51.100.1 1194 \
        <"$work/inB" >"$work/B.log" 2>&1 &
    pb=$!
    exec 3>"$work/inA" 4>"$work/inB"

    if wait_line "$work/A.log" '^ready' 20 && wait_line "$work/B.log" '^ready' 20; then
        ok "probes set up ($(head -n 1 "$work/A.log"))"
    else
        bad "probe setup"; cat "$work/A.log" "$work/B.log"; exit 1
    fi
    kind=$(ip -n "$nsa" -d -j link show dcoA | python3 -c \
        'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_kind"])')
    [ "$kind" = "${DCO_VM_MODULE%-v2}" ] && ok "link kind $kind" || bad "link kind '$kind'"

    ip -n "$nsa" addr add 10.200.0.1 peer 10.200.0.2 dev dcoA
    ip -n "$nsb" addr add 10.200.0.2 peer 10.200.0.1 dev dcoB
    ip -n "$nsa" link set dcoA up
    ip -n "$nsb" link set dcoB up

    pingcheck()
    {
        if ip netns exec "$nsa" ping -c 3 -i 0.3 -W 3 10.200.0.2 >"$work/ping" 2>&1; then
            ok "ping across DCO $1 ($(grep -o 'rtt.*' "$work/ping"))"
        else
            bad "ping across DCO $1"; cat "$work/ping"
        fi
    }
    # cmd FD LOG COMMAND: send, wait for its answer, print it
    cmd()
    {
        local n i out=""
        n=$(wc -l <"$2")
        echo "$3" >&"$1"
        for ((i = 0; i < 50; i++)); do
            [ -n "$out" ] && break
            sleep 0.2
            out=$(tail -n +"$((n + 1))" "$2" | grep -E "^(ok|err) ${3%% *}" | tail -n 1)
        done
        echo "$out"
    }

    pingcheck "(key 0, AES-256-GCM)"

    line=$(cmd 3 "$work/A.log" stats)
    echo "  A: $line"
    rx=$(sed -n 's/.*vpn_rx_packets=\([0-9]*\).*/\1/p' <<<"$line")
    ltx=$(sed -n 's/.*link_tx_packets=\([0-9]*\).*/\1/p' <<<"$line")
    ka=$(sed -n 's/.* ka=\([0-9/]*\) .*/\1/p' <<<"$line")
    if [ "${rx:-0}" -ge 3 ] && [ "${ltx:-0}" -ge 3 ]; then
        ok "peer stats read back (vpn_rx_packets=$rx link_tx_packets=$ltx keepalive=$ka)"
    else
        bad "peer stats: $line"
    fi
    ifrx=$(ip -n "$nsb" -s -j link show dcoB | python3 -c \
        'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
    [ "${ifrx:-0}" -ge 3 ] && ok "interface counters move (dcoB rx packets $ifrx)" \
        || bad "interface counters: dcoB rx $ifrx"

    for step in "newkey 1" swap delkey; do
        a=$(cmd 3 "$work/A.log" "$step")
        b=$(cmd 4 "$work/B.log" "$step")
        if [ "${a%% *}" = ok ] && [ "${b%% *}" = ok ]; then
            ok "key rotation: $step"
        else
            bad "key rotation: $step (A: $a, B: $b)"
        fi
        [ "$step" = "newkey 1" ] || pingcheck "after $step (key 1, CHACHA20-POLY1305)"
    done

    # The kernel really encrypts with the swapped-in key: A alone moves to
    # key 2, so B (which lacks it) must drop A's packets; once B has it too,
    # ping works again.  B's keepalive timeout is raised meanwhile so that B
    # does not expire A while it cannot decrypt.
    cmd 4 "$work/B.log" "keepalive 1 60" >/dev/null
    a=$(cmd 3 "$work/A.log" "newkey 2")$(cmd 3 "$work/A.log" swap)
    if ip netns exec "$nsa" ping -c 2 -i 0.3 -W 2 10.200.0.2 >/dev/null 2>&1; then
        bad "ping passed although only A uses key 2 ($a)"
    else
        ok "only A on key 2: B drops A's packets"
    fi
    b=$(cmd 4 "$work/B.log" "newkey 2")$(cmd 4 "$work/B.log" swap)
    pingcheck "after both swapped to key 2 (AES-256-GCM)"

    # peer deletion: B removes its peer (B is told USERSPACE); A then hears
    # no keepalive and its kernel expires the peer after 5 s (EXPIRED).
    cmd 4 "$work/B.log" delpeer >/dev/null
    if wait_line "$work/B.log" 'event peer-del id=[0-9]+ reason=deleted by userspace' 10; then
        ok "notification on B: $(grep '^event' "$work/B.log" | tail -n 1)"
    else
        bad "no USERSPACE peer-del notification on B"
    fi
    if wait_line "$work/A.log" 'event peer-del id=[0-9]+ reason=ping expired' 30; then
        ok "notification on A: $(grep '^event' "$work/A.log" | tail -n 1)"
    else
        bad "no EXPIRED peer-del notification on A"
    fi
    a=$(cmd 3 "$work/A.log" stats)
    [ "${a%% *}" = err ] && ok "expired peer is gone ($a)" || bad "peer still there: $a"

    echo quit >&3
    echo quit >&4
    wait "$pa" "$pb" 2>/dev/null
    pa="" pb=""
    ip -n "$nsa" link show dcoA >/dev/null 2>&1 && bad "dcoA not deleted" || ok "interfaces deleted"
    echo "--- probe A log"; cat "$work/A.log"
    echo "--- probe B log"; cat "$work/B.log"
    echo "$DCO_VM_FLAVOR: $pass passed, $fail failed"
    [ "$fail" = 0 ]
}

if [ "${1:-}" = --guest ]; then
    guest
    exit $?
fi

# ----------------------------------------------------------------- host part
[ $# -ge 1 ] || { echo "usage: $0 <path to openvpn> | --guest" >&2; exit 2; }
srcdir=$(cd "$here/.." && pwd)
builddir=$(cd "$(dirname "$1")/../.." 2>/dev/null && pwd) || builddir=$srcdir
flavors=${DCO_FLAVORS:-dco ovpn}
# shellcheck source=tests/dco/vm-lib.sh
. "$here/dco/vm-lib.sh"
# shellcheck disable=SC2086 # a word list
dco_vm_images "$builddir" $flavors

# Build the probe on the host (same Debian libs as the guests) and stage it
# with this script in a directory the VM shares as its working directory.
stage=$(mktemp -d "$builddir/dco-stage.XXXXXX") || exit 99
trap 'rm -rf "$stage"' EXIT
cp "$here/t_dco.sh" "$stage/"
# shellcheck disable=SC2046
${CC:-cc} -O2 -g -Wall -Wextra -Wno-unused-parameter -I"$builddir" -I"$srcdir/src/openvpn" \
    $(pkg-config --cflags libnl-genl-3.0) -o "$stage/dco_probe" "$srcdir/tests/dco/dco_probe.c" \
    "$srcdir/src/openvpn/dco_linux.c" "$srcdir/src/openvpn/error.c" \
    "$srcdir/src/openvpn/basic.c" $(pkg-config --libs libnl-genl-3.0) \
    || { echo "t_dco.sh: building dco_probe failed"; exit 1; }
grep -q '^#define ENABLE_DCO' "$builddir/config.h" 2>/dev/null \
    || dco_vm_skip "built without DCO (libnl-genl-3 missing at configure time)"

rc=0
for f in $flavors; do
    dco_vm_run "$f" "$stage" 600 './t_dco.sh --guest' || rc=1
done
exit $rc
