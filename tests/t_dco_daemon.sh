#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# t_dco_daemon.sh -- our daemon on the kernel data channel (tunnel_dco.c,
# multi_dco.c) against the reference openvpn of the test VM (tests/dco/),
# which uses DCO too: 2.6 on ovpn-dco-v2 (flavor dco), 2.7 on upstream ovpn
# (flavor ovpn).  This host's kernel has no ovpn module, so:
#
#   t_dco_daemon.sh <path to openvpn>    (host, part of `make check-dco`)
#       stages the binary with this script and netns-lib.sh, boots the VM
#       once per flavor (DCO_FLAVORS="dco ovpn") and runs --guest there;
#       images that are missing or out of date are built first.
#       Exit 77 when qemu or the images are missing and cannot be built.
#
#   t_dco_daemon.sh --guest <binary>     (inside the VM, as root)
#       cases, each in fresh namespaces (198.51.100.0/24 link, 10.x tunnel):
#        p2p-udp      ours --tls-server / reference --tls-client; both on
#                     DCO (log line + link kind); ping; a paced transfer
#                     with matching sha256 while the keys are renegotiated
#                     every 4 s (the kernel's slots swap); the reference is
#                     killed and our kernel peer expires -> ping-restart
#        p2p-refused  the device vanishes before the handshake: the kernel
#                     refuses the peer, 2.6's line, a restart with a new
#                     device, the tunnel comes up again
#        p2p-tcp      reference tcp-server / ours tcp-client: ping,
#                     transfer; reference killed -> our restart
#        server-udp   ours --server (topology subnet, ccd iroute) /
#                     reference client: ping both ways, the iroute subnet
#                     behind the client reached as a kernel route, transfer,
#                     status file counts the kernel's bytes; client killed ->
#                     "ovpn-dco: ping expired" closes the instance
#        server-tcp   ours --server over TCP / reference client: ping,
#                     transfer, a renegotiation
#        client-udp   reference server / ours --client: ping, transfer,
#                     renegotiation; server killed -> ping-restart
#        client-tcp   reference server over TCP / ours --client: ping,
#                     transfer
#        mlock        both ends with --mlock (this host cannot show it: a
#                     small MEMLOCK limit cannot be raised without
#                     CAP_SYS_RESOURCE; the guest runs as full root): VmLck
#                     of both daemons covers their memory, and 2.6's
#                     "mlock: MEMLOCK limit" line
#
# Only processes this script started are killed; its namespaces are removed.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------- guest part
guest()
{
    OPENVPN=$(realpath "$1")
    # shellcheck source=tests/netns-lib.sh
    . "$here/netns-lib.sh"
    REF=/usr/sbin/openvpn
    MODULE=${DCO_VM_MODULE:-ovpn-dco-v2}
    if [ "$MODULE" = ovpn-dco-v2 ]; then KIND=ovpn-dco; else KIND=ovpn; fi
    pass=0 fail=0
    [ "$(id -u)" = 0 ] || { echo "guest: needs root"; exit 1; }
    nl_setup dcod
    nl_pki "$NL_DIR/pki"
    P=$NL_DIR/pki
    A=$NL_NS_A B=$NL_NS_B
    echo "guest: kernel $(uname -r), module $MODULE, reference $($REF --version | head -n 1 | cut -d' ' -f1-2)"
    common=(--dev tun0 --verb 4 --ca "$P/ca.crt" --dh none)

    # run_case NAME: runs case_NAME, reports, stops the daemons it started
    for name in p2p-udp p2p-refused p2p-tcp server-udp server-tcp client-udp client-tcp mlock; do
        why=""
        pids=()
        "case_${name//-/_}"
        nl_result "$MODULE $name" "$why" "$NL_DIR/$name-ours.log" "$NL_DIR/$name-ref.log"
        for p in "${pids[@]}"; do
            nl_kill "$p" TERM >/dev/null 2>&1
        done
        # a daemon killed with SIGKILL leaves its DCO device behind
        ip -n "$A" link del tun0 2>/dev/null
        ip -n "$B" link del tun0 2>/dev/null
    done
    echo "$DCO_VM_FLAVOR: $pass passed, $fail failed"
    [ "$fail" = 0 ]
}

# start WHO NS NAME ARGS...: WHO is ours|ref; the log is $NL_DIR/NAME-WHO.log
start()
{
    local who=$1 ns=$2 name=$3 bin=$OPENVPN
    shift 3
    [ "$who" = ref ] && bin=$REF
    nl_start started "$ns" "$NL_DIR/$name-$who.log" "$bin" "${common[@]}" "$@"
    pids+=("$started")
    eval "pid_$who=$started"
}

fail_with() { [ -n "$why" ] || why=$*; }

# peer_dies NS PID: the reference dies for good.  Its DCO device would keep
# the kernel peer (and its socket, and its keepalive pings) alive after a
# SIGKILL, so the device goes too.
peer_dies()
{
    nl_kill "$2" KILL >/dev/null 2>&1
    ip -n "$1" link del tun0 2>/dev/null
}

# on_dco NAME: both daemons use DCO and our tun0 is the module's link kind
on_dco()
{
    local name=$1 ns=$2 k
    grep -q "DCO device tun0 opened" "$NL_DIR/$name-ours.log" || fail_with "ours: no DCO device"
    grep -q "DCO device tun0 opened" "$NL_DIR/$name-ref.log" || fail_with "reference: no DCO device"
    k=$(ip -n "$ns" -d -j link show tun0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_kind"])')
    [ "$k" = "$KIND" ] || fail_with "our tun0 is '$k', not $KIND"
}

up()
{
    local name=$1
    nl_wait_init "$NL_DIR/$name-ours.log" "$pid_ours" 60 || fail_with "ours did not come up"
    nl_wait_init "$NL_DIR/$name-ref.log" "$pid_ref" 60 || fail_with "reference did not come up"
}

p2p_args() # SIDE(server|client) PROTO LOCAL REMOTE
{
    local role=$1 proto=$2 l=$3 r=$4 me=10.1.0.1 peer=10.1.0.2 tls=(--tls-server)
    if [ "$role" = client ]; then
        me=10.1.0.2 peer=10.1.0.1 tls=(--tls-client --remote-cert-tls server)
    fi
    args=(--ifconfig "$me" "$peer" "${tls[@]}" --cert "$P/$role.crt" --key "$P/$role.key")
    case "$proto" in
        udp) args+=(--proto udp --local "$l" --lport 1194 --remote "$r" --rport 1194) ;;
        tcp-server) args+=(--proto tcp-server --local "$l" --lport 1194) ;;
        tcp-client) args+=(--proto tcp-client --remote "$r" 1194) ;;
    esac
}

case_p2p_udp()
{
    local n=p2p-udp
    p2p_args server udp "$NL_A_V4" "$NL_B_V4"
    start ours "$A" $n "${args[@]}" --keepalive 1 6 --reneg-sec 4
    p2p_args client udp "$NL_B_V4" "$NL_A_V4"
    start ref "$B" $n "${args[@]}" --keepalive 1 6
    up $n
    [ -z "$why" ] || return
    on_dco $n "$A"
    grep -q "P2P mode NCP negotiation result: TLS_export=1, DATA_v2=1" "$NL_DIR/$n-ours.log" \
        || fail_with "no P2P NCP result with DATA_v2"
    nl_ping "$A" 10.1.0.2 20 || fail_with "ping ours -> reference"
    nl_ping "$B" 10.1.0.1 20 || fail_with "ping reference -> ours"
    nl_xfer "$B" "$A" 10.1.0.1 6 5201 12 || fail_with "transfer during renegotiation"
    grep -qE "DCO: key-id [1-7] of peer-id [0-9]+ is primary now" "$NL_DIR/$n-ours.log" \
        || fail_with "no key swap in the kernel after a renegotiation"
    nl_ping "$A" 10.1.0.2 20 || fail_with "ping after the renegotiations"
    # SIGUSR2: the statistics include what the kernel moved
    kill -USR2 "$pid_ours"
    nl_wait_log "$NL_DIR/$n-ours.log" "TUN/TAP write bytes," 10 || fail_with "no SIGUSR2 status"
    local tw
    tw=$(grep -o "TUN/TAP write bytes,[0-9]*" "$NL_DIR/$n-ours.log" | tail -n 1 | cut -d, -f2)
    [ "${tw:-0}" -gt 6000000 ] || fail_with "SIGUSR2: TUN/TAP write bytes $tw miss the kernel's"
    peer_dies "$B" "$pid_ref"
    nl_wait_log "$NL_DIR/$n-ours.log" "Inactivity timeout (--ping-restart), restarting" 30 \
        || fail_with "the kernel's peer expiry was not noticed"
}

# The kernel refuses the peer (its device vanished under the daemon): 2.6's
# "Cannot add peer to DCO" line, a restart that builds a new device, and
# the tunnel comes up again once the peer reconnects.
case_p2p_refused()
{
    local n=p2p-refused
    p2p_args server udp "$NL_A_V4" "$NL_B_V4"
    start ours "$A" $n "${args[@]}" --keepalive 1 6
    nl_wait_log "$NL_DIR/$n-ours.log" "DCO device tun0 opened" 30 1 "$pid_ours" \
        || { fail_with "ours did not open its device"; return; }
    ip -n "$A" link del tun0
    p2p_args client udp "$NL_B_V4" "$NL_A_V4"
    start ref "$B" $n "${args[@]}" --keepalive 1 6
    nl_wait_log "$NL_DIR/$n-ours.log" "Cannot add peer to DCO: " 30 1 "$pid_ours" \
        || fail_with "no 'Cannot add peer to DCO' line"
    nl_wait_log "$NL_DIR/$n-ours.log" "DCO device tun0 opened" 30 2 "$pid_ours" \
        || fail_with "no new device after the restart"
    nl_wait_init "$NL_DIR/$n-ours.log" "$pid_ours" 60 || fail_with "no tunnel after the restart"
    [ -z "$why" ] && ! nl_ping "$B" 10.1.0.1 20 && fail_with "ping after the recovery"
}

case_p2p_tcp()
{
    local n=p2p-tcp
    p2p_args server tcp-server "$NL_A_V4" ""
    start ref "$A" $n "${args[@]}" --keepalive 1 6
    sleep 1
    p2p_args client tcp-client "" "$NL_A_V4"
    start ours "$B" $n "${args[@]}" --keepalive 1 6
    up $n
    [ -z "$why" ] || return
    on_dco $n "$B"
    nl_ping "$B" 10.1.0.1 20 || fail_with "ping ours -> reference"
    nl_xfer "$A" "$B" 10.1.0.2 6 || fail_with "transfer"
    peer_dies "$A" "$pid_ref"
    nl_wait_log "$NL_DIR/$n-ours.log" "SIGUSR1[soft," 30 || fail_with "no restart after the peer died"
}

server_args() # PROTO
{
    mkdir -p "$NL_DIR/ccd"
    printf 'iroute 10.9.3.0 255.255.255.0\n' >"$NL_DIR/ccd/client"
    args=(--server 10.8.0.0 255.255.255.0 --topology subnet --proto "$1" --local "$NL_A_V4"
          --port 1194 --cert "$P/server.crt" --key "$P/server.key" --keepalive 1 4
          --client-config-dir "$NL_DIR/ccd" --route 10.9.3.0 255.255.255.0
          --status "$NL_DIR/status" 1 --status-version 2)
}

client_args() # PROTO
{
    args=(--client --proto "$1" --remote "$NL_A_V4" 1194 --nobind --remote-cert-tls server
          --cert "$P/client.crt" --key "$P/client.key")
}

case_server_udp()
{
    local n=server-udp line
    server_args udp
    start ours "$A" $n "${args[@]}"
    nl_wait_init "$NL_DIR/$n-ours.log" "$pid_ours" 60 || { fail_with "server did not start"; return; }
    client_args udp
    start ref "$B" $n "${args[@]}"
    up $n
    [ -z "$why" ] || return
    on_dco $n "$A"
    ip -n "$B" addr add 10.9.3.1/32 dev lo
    nl_ping "$A" 10.8.0.2 20 || fail_with "ping server -> client"
    nl_ping "$B" 10.8.0.1 20 || fail_with "ping client -> server"
    ip -n "$A" route show 10.9.3.0/24 | grep -q "via 10.8.0.2 dev tun0" \
        || fail_with "no kernel route for the iroute: $(ip -n "$A" route show 10.9.3.0/24)"
    nl_ping "$A" 10.9.3.1 20 || fail_with "ping the subnet behind the client (iroute)"
    nl_xfer "$B" "$A" 10.8.0.1 6 || fail_with "transfer"
    sleep 2
    line=$(grep '^CLIENT_LIST,client,' "$NL_DIR/status")
    # CLIENT_LIST,CN,real,v4,v6,bytes received,bytes sent,...: the kernel's counts
    [ "$(echo "$line" | cut -d, -f6)" -gt 6000000 ] 2>/dev/null \
        || fail_with "status bytes received do not count the kernel's traffic: $line"
    peer_dies "$B" "$pid_ref"
    nl_wait_log "$NL_DIR/$n-ours.log" "ovpn-dco: ping expired" 30 \
        || fail_with "the client's expiry in the kernel was not noticed"
    sleep 2
    grep -q '^CLIENT_LIST,client,' "$NL_DIR/status" && fail_with "instance still in the status"
}

case_server_tcp()
{
    local n=server-tcp
    server_args tcp-server
    start ours "$A" $n "${args[@]}" --reneg-sec 5
    nl_wait_init "$NL_DIR/$n-ours.log" "$pid_ours" 60 || { fail_with "server did not start"; return; }
    client_args tcp-client
    start ref "$B" $n "${args[@]}"
    up $n
    [ -z "$why" ] || return
    on_dco $n "$A"
    nl_ping "$A" 10.8.0.2 20 || fail_with "ping server -> client"
    nl_xfer "$B" "$A" 10.8.0.1 6 5201 10 || fail_with "transfer during renegotiation"
    grep -qE "DCO: key-id [1-7] of peer-id 0 is primary now" "$NL_DIR/$n-ours.log" \
        || fail_with "no key swap after a renegotiation"
    nl_ping "$B" 10.8.0.1 20 || fail_with "ping after the renegotiation"
}

ref_server_args() # PROTO
{
    args=(--server 10.8.0.0 255.255.255.0 --topology subnet --proto "$1" --local "$NL_A_V4"
          --port 1194 --cert "$P/server.crt" --key "$P/server.key" --keepalive 1 4)
}

case_client_udp()
{
    local n=client-udp
    ref_server_args udp
    start ref "$A" $n "${args[@]}"
    nl_wait_init "$NL_DIR/$n-ref.log" "$pid_ref" 60 || { fail_with "server did not start"; return; }
    client_args udp
    start ours "$B" $n "${args[@]}" --reneg-sec 5
    up $n
    [ -z "$why" ] || return
    on_dco $n "$B"
    nl_ping "$B" 10.8.0.1 20 || fail_with "ping client -> server"
    nl_xfer "$A" "$B" 10.8.0.2 6 5201 10 || fail_with "transfer during renegotiation"
    grep -qE "DCO: key-id [1-7] of peer-id 0 is primary now" "$NL_DIR/$n-ours.log" \
        || fail_with "no key swap after a renegotiation"
    peer_dies "$A" "$pid_ref"
    nl_wait_log "$NL_DIR/$n-ours.log" "Inactivity timeout (--ping-restart), restarting" 40 \
        || fail_with "the server's silence was not noticed"
}

case_client_tcp()
{
    local n=client-tcp
    ref_server_args tcp-server
    start ref "$A" $n "${args[@]}"
    nl_wait_init "$NL_DIR/$n-ref.log" "$pid_ref" 60 || { fail_with "server did not start"; return; }
    client_args tcp-client
    start ours "$B" $n "${args[@]}"
    up $n
    [ -z "$why" ] || return
    on_dco $n "$B"
    nl_ping "$B" 10.8.0.1 20 || fail_with "ping client -> server"
    nl_xfer "$A" "$B" 10.8.0.2 6 || fail_with "transfer"
}

# --mlock: mlockall(MCL_CURRENT | MCL_FUTURE) after the RLIMIT_MEMLOCK check,
# so the locked size of each daemon is nearly all of its resident memory.
case_mlock()
{
    local n=mlock who pid lck rss
    p2p_args server udp "$NL_A_V4" "$NL_B_V4"
    start ours "$A" $n "${args[@]}" --keepalive 1 6 --mlock
    p2p_args client udp "$NL_B_V4" "$NL_A_V4"
    start ref "$B" $n "${args[@]}" --keepalive 1 6 --mlock
    up $n
    [ -z "$why" ] || return
    nl_ping "$B" 10.1.0.1 10 || fail_with "ping with --mlock"
    for who in ours ref; do
        eval "pid=\$pid_$who"
        grep -q "mlock: MEMLOCK limit: soft=" "$NL_DIR/$n-$who.log" || fail_with "$who: no MEMLOCK limit line"
        lck=$(awk '/^VmLck:/ { print $2 }' "/proc/$pid/status")
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
        echo "  $who: VmLck ${lck:-?} kB, VmRSS ${rss:-?} kB"
        [ "${lck:-0}" -gt 0 ] && [ "$lck" -ge "$((rss / 2))" ] || fail_with "$who: VmLck ${lck:-none} kB of VmRSS $rss kB"
    done
}

if [ "${1:-}" = --guest ]; then
    guest "$2"
    exit $?
fi

# ----------------------------------------------------------------- host part
[ $# -ge 1 ] || { echo "usage: $0 <path to openvpn> | --guest <binary>" >&2; exit 2; }
srcdir=$(cd "$here/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
builddir=$(cd "$(dirname "$bin")/../.." 2>/dev/null && pwd) || builddir=$srcdir
flavors=${DCO_FLAVORS:-dco ovpn}
# shellcheck source=tests/dco/vm-lib.sh
. "$here/dco/vm-lib.sh"
grep -q '^#define ENABLE_DCO' "$builddir/config.h" 2>/dev/null \
    || dco_vm_skip "built without DCO (libnl-genl-3 missing at configure time)"
# shellcheck disable=SC2086 # a word list
dco_vm_images "$builddir" $flavors

stage=$(mktemp -d "$builddir/dco-daemon.XXXXXX") || exit 99
trap 'rm -rf "$stage"' EXIT
cp "$here/t_dco_daemon.sh" "$here/netns-lib.sh" "$bin" "$stage/"
rc=0
for f in $flavors; do
    dco_vm_run "$f" "$stage" 900 "./t_dco_daemon.sh --guest ./$(basename "$bin")" || rc=1
done
exit $rc
