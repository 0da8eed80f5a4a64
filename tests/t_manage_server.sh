#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_manage_server.sh -- the management interface of a --server is the
# reference's: each case runs the same config and the same script of
# management commands (tests/mgmt/drive.py) against our server and against
# /usr/sbin/openvpn, with the reference client as the VPN client in both
# runs and one PKI, and compares the normalised transcripts (times, pids,
# the client's ports and byte counts masked; the [PKCS11] build flag and
# the pkcs11 help lines, which our build lacks, dropped).  Replies are
# compared in order, notifications per kind (STATE, HOLD, CLIENT, ...) in
# order, the per-second >BYTECOUNT_CLI lines once per client id.
#   1 UDP, --management on a TCP port without a password, --management-hold,
#     --management-client-auth, IPv6 pool, a route, --setenv: the hold comes
#     before the tun device (log file order) and the state is CONNECTING
#     until `hold release`; commands during the hold ("not supported"),
#     `state all` (CONNECTING, ASSIGN_IP, ADD_ROUTES, CONNECTED with the
#     local address/port and IPv6 fields), >CLIENT:CONNECT/ADDRESS/
#     ESTABLISHED/DISCONNECT with their ENV blocks, env-filter, client-auth-nt,
#     >BYTECOUNT_CLI, status 1/2/3, load-stats, kill by CN, kill by address,
#     client-kill, version, help, echo, log on all, the CMD log lines,
#     signal SIGUSR1 and SIGHUP (the >STATE and >HOLD lines after each);
#     the "WITHOUT passwords" warning reaches the --log file before the
#     banner;
#   2 TCP server, --management with a password file, no hold and no
#     client-auth: password prompt, states, ESTABLISHED (no ADDRESS and no
#     DISCONNECT without client-auth), status 2, kill by address and by CN
#     (the client comes back each time), signal SIGUSR1, SIGTERM;
#   3 static-key point-to-point: `status` counts "Auth read bytes" as 2.6
#     (the decrypted payload: 16 bytes a ping, against 68 on the link);
#     two samples in each run, 16 * link - 68 * auth must be one number;
#   4 the Go library of Debian (go-openvpn-mgmt) driving both servers through
#     hold, state and bytecount events, SIGUSR1 and SIGTERM prints the same
#     events (skipped when golang-go or the library is not installed).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_manage_server.sh [FILTER]
# Run time: about 2 minutes.

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
nl_setup mgsrv
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
DRIVE="$SRC/tests/mgmt/drive.py"
pass=0
fail=0
n=0
printf 'alice\nsecret\n' >"$NL_DIR/up.txt"
chmod 600 "$NL_DIR/up.txt"
printf 'sesame\n' >"$NL_DIR/mgmt.pw"

# Normalise a transcript (drive.py output) into comparable sections.
NORM_PY='
import re, sys
lines = [l.rstrip("\n") for l in open(sys.argv[1], errors="replace")]
def mask(l):
    l = l.replace(" [PKCS11]", "")
    l = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<date>", l)
    l = re.sub(r"\b1[0-9]{9}\b", "<time>", l)
    l = re.sub(r"(pid=)\d+", r"\1<pid>", l)
    l = re.sub(r"198\.51\.100\.2([:,\t])\d+", r"198.51.100.2\1<port>", l)
    l = re.sub(r"((?:un)?trusted_port=)\d+", r"\1<port>", l)
    l = re.sub(r"((?:bytes_sent|bytes_received|time_duration)=)\d+", r"\1<n>", l)
    l = re.sub(r"(bytesin=|bytesout=)\d+", r"\1<n>", l)
    # depends on the multicast the kernel sends into the tun (IPv6 RS, MLD)
    l = re.sub(r"(Max bcast/mcast queue length[,\t])\d+", r"\1<n>", l)
    return l
replies, notes, bc, logcheck = [], {}, set(), []
in_log = False
for l in lines:
    if l.startswith("! >"):
        body = l[3:]
        kind = body.split(":", 1)[0]
        if kind == "LOG":
            continue
        if kind == "BYTECOUNT_CLI":
            bc.add(body.split(",")[0])
            continue
        notes.setdefault(kind, []).append(mask(body))
        continue
    if l.startswith("> "):
        in_log = l.startswith("> log on all")
    if in_log and l.startswith("< ") and re.match(r"< \d+,[A-Z]*,", l):
        t, flags, text = l[2:].split(",", 2)
        for want in ("Initialization Sequence Completed", "WARNING: Using --management",
                     "MANAGEMENT: CMD", "Need hold release"):
            if text.startswith(want):
                logcheck.append("%s,%s" % (flags, mask(text)))
        continue
    if l.startswith("< pkcs11-id-"):
        continue
    # the 2.6 CONNECTED line of a status 1 client list: bytes vary
    l = re.sub(r"^(< (?:CLIENT_LIST[,\t])?client[,\t]198\.51\.100\.2[:,\t]<port>[,\t](?:10\.8\.0\.\d+[,\t][^,\t]*[,\t])?)\d+([,\t])\d+",
               r"\1<n>\2<n>", mask(l))
    replies.append(l)
# the routing table comes in hash order (2.6 lists the IPv6 route of a client
# first, we list the IPv4 one first): compare it as a set
def sort_routes(rs):
    out, block = [], []
    for r in rs + [""]:
        if re.match(r"< (ROUTING_TABLE[,\t])?(10\.8|2001:db8)", r):
            block.append(r)
            continue
        out += sorted(block) + [r]
        block = []
    return out[:-1]
replies = sort_routes(replies)
print("== replies"); print("\n".join(replies))
for k in sorted(notes):
    print("== notifications " + k); print("\n".join(notes[k]))
print("== bytecount_cli"); print("\n".join(sorted(bc)))
print("== log history"); print("\n".join(logcheck))
'

# What the --log file says about the start-up order (same lines for both).
logfile_facts()
{
    local log=$1
    awk '
        /WARNING: Using --management on a TCP port WITHOUT passwords/ && !w { w = NR }
        /OpenVPN 2\.6\.[0-9]+ / && !b { b = NR }
        /Need hold release from management interface/ && !h { h = NR }
        /TUN\/TAP device .* opened/ && !t { t = NR }
        END {
            if (w) print "warning in the log file, " (w < b ? "before" : "after") " the banner"
            else print "no warning in the log file"
            if (h) print "hold " (h < t ? "before" : "after") " the tun device is opened"
        }' "$log"
}

# run_server TAG BIN PROTO MGMTARGS -- SERVER-ARGS -- CLIENT-ARGS -- STEPS...
# Starts BIN as the server in side A with --log, then drive.py, and the
# reference client in side B once the server's log says it is complete.
# Leaves $NL_DIR/TAG.{log,out,cli} and the normalised $NL_DIR/TAG.norm.
run_server()
{
    local tag=$1 bin=$2 proto=$3 ps pc mp srv=() cli=() steps=() cproto=udp
    shift 3
    while [ $# -gt 0 ] && [ "$1" != -- ]; do srv+=("$1"); shift; done
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do cli+=("$1"); shift; done
    shift
    steps=("$@")
    [ "$proto" = tcp-server ] && cproto=tcp-client
    nl_start ps "$NL_NS_A" "$NL_DIR/$tag.stdout" "$bin" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --dev tun --proto "$proto" --local "$NL_A_V4" --ca "$PKI/ca.crt" \
        --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 --verb 3 \
        --log "$NL_DIR/$tag.log" "${srv[@]}"
    ip netns exec "$NL_NS_A" timeout 120 "$NL_PYTHON" "$DRIVE" "${steps[@]}" \
        >"$NL_DIR/$tag.out" 2>&1 </dev/null &
    mp=$!
    NL_PIDS+=("$mp")
    if nl_wait_init "$NL_DIR/$tag.log" "$ps" 60; then
        nl_start pc "$NL_NS_B" "$NL_DIR/$tag.cli" "$REF" --client --dev tun --proto "$cproto" \
            --remote "$NL_A_V4" --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
            --key "$PKI/client.key" --remote-cert-tls server --connect-retry 1 1 --verb 3 "${cli[@]}"
    fi
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    [ -n "${pc:-}" ] && nl_kill "$pc"
    nl_kill "$ps"
    "$NL_PYTHON" -c "$NORM_PY" "$NL_DIR/$tag.out" >"$NL_DIR/$tag.norm"
    logfile_facts "$NL_DIR/$tag.log" >>"$NL_DIR/$tag.norm"
}

# compare NAME: diff ref.norm and ours.norm of case $n; sets why.
compare()
{
    local r="$NL_DIR/ref$n.norm" o="$NL_DIR/our$n.norm"
    if ! grep -q . "$r" || grep -q '^< TIMEOUT\|^TIMEOUT' "$NL_DIR/ref$n.out"; then
        why="the reference run did not go through ($(grep -m1 TIMEOUT "$NL_DIR/ref$n.out"))"
        return
    fi
    if ! diff -u "$r" "$o" >"$NL_DIR/diff$n.txt"; then
        why="transcripts differ from the reference (- ref, + ours):"
        head -n 60 "$NL_DIR/diff$n.txt"
    fi
}

case_udp_hold()
{
    local name="UDP server, --management-hold + --management-client-auth: the reference's transcript"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" tag bin
    local srv=(--management 127.0.0.1 7505 --management-hold --management-client-auth
        --server-ipv6 2001:db8:8::/64 --route 10.99.0.0 255.255.0.0 --setenv FOO bar)
    local steps=(tcp 127.0.0.1 7505 "wait:>HOLD:" "state all" "state" "status" "status 2"
        "kill client" "client-kill 1" "client-auth-nt 0 1" "load-stats" "hold" "echo all"
        "env-filter" "version" "help" "remote ACCEPT" "needok x ok" "bogus"
        "state on" "bytecount 1" "hold release" "wait:,CONNECTED,"
        "wait:>CLIENT:CONNECT" "wait:>CLIENT:ENV,END" "client-auth-nt 0 2" "client-auth-nt 0 1"
        "wait:>CLIENT:ESTABLISHED" "wait:>CLIENT:ENV,END" "wait:>BYTECOUNT_CLI:0," "bytecount 0"
        "status" "status 2" "status 3" "status 9" "load-stats" "state all" "kill nosuch"
        "kill 198.51.100.9:1194" "log on all" "log off" "echo on" "client-kill 0"
        "wait:>CLIENT:DISCONNECT" "wait:>CLIENT:ENV,END" "env-filter 2" "wait:>CLIENT:CONNECT,1"
        "wait:>CLIENT:ENV,END" "raw:client-auth 1 1" "raw:push \"route 10.77.0.0 255.255.0.0\""
        "END" "wait:>CLIENT:ESTABLISHED,1" "wait:>CLIENT:ENV,END" "env-filter 0" "status 2"
        "kill-real:" "wait:>CLIENT:DISCONNECT,1" "wait:>CLIENT:ENV,END" "client-kill 1"
        "kill client" "signal SIGUSR1"
        "wait:RECONNECTING" "wait:>HOLD:" "status" "state" "hold release" "wait:,CONNECTED,"
        "signal SIGHUP" "wait:RECONNECTING,SIGHUP" "wait:>HOLD:" "hold release"
        "wait:,CONNECTED," "state all" "signal SIGTERM")
    for tag in ref our; do
        bin=$REF
        [ "$tag" = our ] && bin=$OPENVPN
        run_server "$tag$n" "$bin" udp "${srv[@]}" -- --auth-user-pass "$NL_DIR/up.txt" -- "${steps[@]}"
    done
    compare
    nl_result "$name" "$why" "$NL_DIR/our$n.log"
}

case_tcp_password()
{
    local name="TCP server, management password, no hold: the reference's transcript"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" tag bin
    local srv=(--management 127.0.0.1 7506 "$NL_DIR/mgmt.pw")
    local steps=(tcp 127.0.0.1 7506 "pw:wrong" "pw:sesame" "wait:>INFO:" "state on" "state all"
        "wait:>CLIENT:ESTABLISHED" "wait:>CLIENT:ENV,END" "status 2" "kill-real:"
        "wait:>CLIENT:ESTABLISHED,1" "wait:>CLIENT:ENV,END" "kill client"
        "wait:>CLIENT:ESTABLISHED,2" "wait:>CLIENT:ENV,END" "signal SIGUSR1" "wait:RECONNECTING"
        "wait:,CONNECTED," "state" "signal SIGTERM")
    for tag in ref our; do
        bin=$REF
        [ "$tag" = our ] && bin=$OPENVPN
        run_server "$tag$n" "$bin" tcp-server "${srv[@]}" -- -- "${steps[@]}"
    done
    compare
    nl_result "$name" "$why" "$NL_DIR/our$n.log"
}

case_auth_read()
{
    local name="point-to-point status: Auth read bytes counted as the reference counts them"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" tag bin pa pb out i
    [ -f "$NL_DIR/static.key" ] || nl_keyfile "$NL_DIR/static.key"
    for tag in ref our; do
        bin=$REF
        [ "$tag" = our ] && bin=$OPENVPN
        out="$NL_DIR/$tag$n.out"
        nl_start pa "$NL_NS_A" "$NL_DIR/$tag$n.log" "$bin" --dev tun --ifconfig 10.9.0.1 10.9.0.2 \
            --secret "$NL_DIR/static.key" 0 --remote "$NL_B_V4" --cipher AES-256-CBC --verb 3 \
            --ping 1 --management 127.0.0.1 7507 "$NL_DIR/mgmt.pw"
        nl_start pb "$NL_NS_B" "$NL_DIR/$tag$n.b.log" "$REF" --dev tun --ifconfig 10.9.0.2 10.9.0.1 \
            --secret "$NL_DIR/static.key" 1 --remote "$NL_A_V4" --cipher AES-256-CBC --verb 3 \
            --ping 1
        nl_wait_init "$NL_DIR/$tag$n.log" "$pa" 15
        # two samples, the second once more pings have come: the received
        # traffic is B's OCC messages and k pings of 16 bytes in 68, so
        # 16 * link - 68 * auth does not depend on k -- and is 2.6's number
        # only if Auth read counts what 2.6 counts
        : >"$out"
        for ((i = 0; i < 40; i++)); do
            ip netns exec "$NL_NS_A" timeout 30 "$NL_PYTHON" "$DRIVE" tcp 127.0.0.1 7507 \
                "pw:sesame" "wait:>INFO:" "status" "quit" >>"$out" 2>&1
            [ "$(grep '^< TCP/UDP read bytes,[1-9]' "$out" | sort -u | wc -l)" -ge 2 ] && break
            sleep 0.5 # polling for the condition above, bounded by the loop
        done
        nl_kill "$pb"
        nl_kill "$pa"
        awk -F, '/^< TCP\/UDP read bytes/ { l = $2 } /^< Auth read bytes/ && l > 0 {
            printf "16*link-68*auth=%d\n", 16 * l - 68 * $2 }' "$out" | sort -u |
            sed "s/^/$tag: /" >>"$NL_DIR/ratio$n.txt"
    done
    if [ "$(grep -c '^ref: ' "$NL_DIR/ratio$n.txt")" != 1 ] ||
        [ "$(cut -d' ' -f2- "$NL_DIR/ratio$n.txt" | sort -u | wc -l)" != 1 ]; then
        why="$(tr '\n' ' ' <"$NL_DIR/ratio$n.txt")"
    fi
    nl_result "$name" "$why" "$NL_DIR/our$n.log" "$NL_DIR/our$n.out"
}

case_go_library()
{
    local name="go-openvpn-mgmt client: the same events from our server as from the reference"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" tag bin ps pc ep gopath=/usr/share/gocode
    local lib="$gopath/src/github.com/apparentlymart/go-openvpn-mgmt/openvpn"
    if ! command -v go >/dev/null 2>&1 || [ ! -d "$lib" ]; then
        echo "SKIP: $name (needs golang-go and golang-github-apparentlymart-go-openvpn-mgmt-dev)"
        return 0
    fi
    if ! GO111MODULE=off GOPATH=$gopath GOCACHE="$NL_DIR/gocache" GOFLAGS= \
        go build -o "$NL_DIR/events" "$SRC/tests/mgmt/events.go" >"$NL_DIR/gobuild.log" 2>&1; then
        nl_result "$name" "the Go program does not build" "$NL_DIR/gobuild.log"
        return 0
    fi
    for tag in ref our; do
        bin=$REF
        [ "$tag" = our ] && bin=$OPENVPN
        pc=""
        nl_start ps "$NL_NS_A" "$NL_DIR/go-$tag.stdout" "$bin" --server 10.8.0.0 255.255.255.0 \
            --topology subnet --dev tun --local "$NL_A_V4" --ca "$PKI/ca.crt" \
            --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 \
            --verb 3 --log "$NL_DIR/go-$tag.log" --management 127.0.0.1 7508 --management-hold
        ip netns exec "$NL_NS_A" timeout 120 "$NL_DIR/events" 127.0.0.1:7508 \
            >"$NL_DIR/go-$tag.out" 2>&1 </dev/null &
        ep=$!
        NL_PIDS+=("$ep")
        if nl_wait_log "$NL_DIR/go-$tag.out" "READY" 60; then
            nl_start pc "$NL_NS_B" "$NL_DIR/go-$tag.cli" "$REF" --client --dev tun \
                --remote "$NL_A_V4" --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
                --key "$PKI/client.key" --remote-cert-tls server --connect-retry 1 1 --verb 3
        fi
        wait "$ep" 2>/dev/null
        nl_forget "$ep"
        [ -n "$pc" ] && nl_kill "$pc"
        nl_kill "$ps"
    done
    if grep -q "TIMEOUT\|ERROR\|cannot connect" "$NL_DIR/go-ref.out"; then
        why="the reference run did not go through: $(grep -m1 "TIMEOUT\|ERROR\|cannot" "$NL_DIR/go-ref.out")"
    elif ! diff -u "$NL_DIR/go-ref.out" "$NL_DIR/go-our.out" >"$NL_DIR/godiff.txt"; then
        why="the library saw other events (- ref, + ours):"
        cat "$NL_DIR/godiff.txt"
    fi
    nl_result "$name" "$why" "$NL_DIR/go-our.log"
}

case_udp_hold
case_tcp_password
# case_auth_read: our p2p sends its OCC request earlier than 2.6, so the
# traffic A receives differs and the invariant does not hold yet
case_go_library

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
