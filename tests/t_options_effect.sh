#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_options_effect.sh -- options that once were accepted and ignored,
# each shown to act as in OpenVPN 2.6: every case runs the same scenario
# with our binary and with the reference (/usr/sbin/openvpn) and asserts the
# same observable result for both.
#   - --mlock: RLIMIT_MEMLOCK raised first; VmLck > 0 where the limit can be
#     raised, else 2.6's "ERROR: setrlimit() failed" and exit 1;
#   - --nice 5: "nice 5 succeeded" and the nice value in /proc/PID/stat;
#   - --tcp-nodelay on a TCP server: TCP_NODELAY on the server's client
#     socket, "socket-flags TCP_NODELAY" in the PUSH_REPLY, TCP_NODELAY on
#     the client's socket after the import (socket options read through
#     pidfd_getfd);
#   - --up-delay: the tun and the --up script only after the TLS handshake;
#   - --persist-remote-ip: a SIGUSR1 restart keeps the address although the
#     name (a per-namespace hosts file) now says another one; without the
#     option the new one is used;
#   - --max-routes-per-client 3: a tun client with 5 ccd iroutes owns 3
#     routes and the quota line is logged; on our tap server a client
#     sending from 8 source MACs owns 3 (no reference run: see the case);
#   - --tcp-queue-limit: a stopped TCP client makes the server drop with
#     "output saturation" at limit 2, not at a huge limit;
#   - --management-client-user: a unix-socket peer of another uid (nobody)
#     is refused with 2.6's line, root is served;
#   - --resolv-retry: 0 gives up at once (exit 1, the "I would have retried"
#     line), 6 retries the name 5 s later before restarting;
#   - --machine-readable-output: "SECONDS.MICROS FLAGS text" lines on stdout
#     and with --log;
#   - --show-tls (default and --tls-cipher lists) and --show-engines give
#     the reference's output.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_options_effect.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
command -v setpriv >/dev/null 2>&1 || nl_skip "no setpriv (util-linux)"
nl_setup opteff
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_keyfile "$NL_DIR/key"
pass=0
fail=0
n=0
ETC_NETNS="/etc/netns/$NL_NS_B"
trap 'rc=$?; rm -rf "$ETC_NETNS"; (exit $rc); nl_cleanup' EXIT

want()
{
    case "$1" in *"$FILTER"*) n=$((n + 1)); return 0 ;; esac
    return 1
}

# binaries by name, for the case names
name_of()
{
    [ "$1" = "$REF" ] && echo ref || echo ours
}

static_a=(--dev tun --secret "$NL_DIR/key" 0 --cipher AES-256-CBC --ifconfig 10.7.0.1 10.7.0.2 --verb 4)
static_b=(--dev tun --secret "$NL_DIR/key" 1 --cipher AES-256-CBC --ifconfig 10.7.0.2 10.7.0.1 --verb 4)
tls_server=(--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none)
tls_client=(--ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" --remote-cert-tls server)

# TCP_NODELAY of PID's connected TCP sockets, one "0"/"1" per socket.
NODELAY_PY='
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
pfd = libc.syscall(434, pid, 0)          # pidfd_open
for name in sorted(os.listdir("/proc/%d/fd" % pid), key=int):
    try:
        if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith("socket:"):
            continue
    except OSError:
        continue
    fd = libc.syscall(438, pfd, int(name), 0)  # pidfd_getfd
    if fd < 0:
        continue
    s = socket.socket(fileno=fd)
    try:
        if s.type == socket.SOCK_STREAM and s.family in (socket.AF_INET, socket.AF_INET6):
            s.getpeername()
            print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) and 1 or 0)
    except OSError:
        pass
    s.detach()
    os.close(fd)
'

case_mlock()
{
    local bin=$1 why="" log="$NL_DIR/case$n-mlock-$(name_of "$1").log" pd rc hard
    hard=$(ulimit -H -l)
    if [ "$hard" = unlimited ] || [ "$hard" -ge 102400 ]; then
        nl_start pd "$NL_NS_A" "$log" bash -c "ulimit -S -l $hard; exec $bin --dev null --mlock --verb 3 --secret $NL_DIR/key --cipher AES-256-CBC"
        nl_wait_log "$log" "mlockall call succeeded" 10 1 "$pd" || why="no 'mlockall call succeeded'"
        if [ -z "$why" ]; then
            awk '/^VmLck:/ {exit !($2 > 0)}' "/proc/$pd/status" || why="VmLck is 0"
        fi
        nl_kill "$pd"
    else
        # this machine cannot raise RLIMIT_MEMLOCK (no CAP_SYS_RESOURCE): 2.6 says so and exits 1
        ip netns exec "$NL_NS_A" timeout 10 "$bin" --dev null --mlock --verb 3 --secret "$NL_DIR/key" \
            --cipher AES-256-CBC >"$log" 2>&1
        rc=$?
        [ "$rc" = 1 ] || why="exit status $rc, not 1"
        grep -q "mlock: MEMLOCK limit: soft=$((($(ulimit -S -l)))) KB" "$log" || why="${why:-no MEMLOCK limit line}"
        grep -q "mlock: RLIMIT_MEMLOCK < 100 MB, increase limit" "$log" || why="${why:-no increase line}"
        grep -q "ERROR: setrlimit() failed: Operation not permitted (errno=1)" "$log" || why="${why:-no setrlimit line}"
    fi
    nl_result "--mlock ($(name_of "$bin"), memlock hard limit $hard KB)" "$why" "$log"
}

case_nice()
{
    local bin=$1 why="" log="$NL_DIR/case$n-nice-$(name_of "$1").log" pd val
    nl_start pd "$NL_NS_A" "$log" "$bin" --dev null --nice 5 --verb 3 --secret "$NL_DIR/key" \
        --cipher AES-256-CBC --lport 1300
    nl_wait_log "$log" "nice 5 succeeded" 10 1 "$pd" || why="no 'nice 5 succeeded'"
    val=$(awk '{print $19}' "/proc/$pd/stat" 2>/dev/null)
    [ -z "$why" ] && [ "$val" != 5 ] && why="nice value is '$val', not 5"
    nl_kill "$pd"
    nl_result "--nice 5 ($(name_of "$bin"))" "$why" "$log"
}

case_tcp_nodelay()
{
    local sbin=$1 cbin=$2 why="" ls cl ps pc sv cv
    ls="$NL_DIR/case$n-nodelay-s-$(name_of "$sbin").log"
    cl="$NL_DIR/case$n-nodelay-c-$(name_of "$cbin").log"
    nl_start ps "$NL_NS_A" "$ls" "$sbin" --dev tun --proto tcp-server --server 10.8.0.0 255.255.255.0 \
        --topology subnet "${tls_server[@]}" --tcp-nodelay --verb 4
    nl_wait_init "$ls" "$ps" 15 || why="server did not start"
    nl_start pc "$NL_NS_B" "$cl" "$cbin" --client --dev tun --proto tcp-client --remote "$NL_A_V4" \
        "${tls_client[@]}" --verb 4
    [ -z "$why" ] && { nl_wait_init "$cl" "$pc" 20 || why="client did not connect"; }
    if [ -z "$why" ]; then
        grep -q "PUSH_REPLY,.*socket-flags TCP_NODELAY" "$cl" || why="no socket-flags TCP_NODELAY pushed"
        grep -q "OPTIONS IMPORT: --socket-flags option modified" "$cl" || why="${why:-client did not import it}"
        sv=$("$NL_PYTHON" -c "$NODELAY_PY" "$ps" | sort -u | tr '\n' ' ')
        cv=$("$NL_PYTHON" -c "$NODELAY_PY" "$pc" | sort -u | tr '\n' ' ')
        [ "$sv" = "1 " ] || why="${why:-server's client socket TCP_NODELAY '$sv'}"
        [ "$cv" = "1 " ] || why="${why:-client's socket TCP_NODELAY '$cv'}"
    fi
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "--tcp-nodelay: server $(name_of "$sbin"), client $(name_of "$cbin")" "$why" "$ls" "$cl"
}

case_up_delay()
{
    local bin=$1 why="" la="$NL_DIR/case$n-updelay-a.log" lb="$NL_DIR/case$n-updelay-b-$(name_of "$1").log"
    local mark="$NL_DIR/case$n-up.mark" pa pb li lt
    printf '#!/bin/sh\necho "$1" >"%s"\n' "$mark" >"$NL_DIR/up$n.sh"
    chmod 755 "$NL_DIR/up$n.sh"
    nl_start pb "$NL_NS_B" "$lb" "$bin" --dev tun --tls-client "${tls_client[@]}" --remote "$NL_A_V4" \
        --ifconfig 10.7.0.2 10.7.0.1 --up-delay --up "$NL_DIR/up$n.sh" --script-security 2 --verb 4
    nl_wait_log "$lb" "link remote:" 10 1 "$pb" || why="client did not start"
    if [ -z "$why" ] && { [ -e "$mark" ] || ip -n "$NL_NS_B" link show tun0 >/dev/null 2>&1; }; then
        why="tun or --up before the peer is there"
    fi
    nl_start pa "$NL_NS_A" "$la" "$REF" --dev tun --tls-server "${tls_server[@]}" \
        --ifconfig 10.7.0.1 10.7.0.2 --verb 3
    [ -z "$why" ] && { nl_wait_init "$lb" "$pb" 20 || why="no Initialization Sequence Completed"; }
    if [ -z "$why" ]; then
        li=$(grep -n "Peer Connection Initiated" "$lb" | head -n 1 | cut -d: -f1)
        lt=$(grep -n "TUN/TAP device tun0 opened" "$lb" | head -n 1 | cut -d: -f1)
        [ -n "$li" ] && [ -n "$lt" ] && [ "$lt" -gt "$li" ] || why="tun opened (line $lt) not after the handshake (line $li)"
        [ -s "$mark" ] || why="${why:---up did not run}"
        nl_ping "$NL_NS_B" 10.7.0.1 || why="${why:-no ping through the tunnel}"
    fi
    nl_kill "$pb"
    nl_kill "$pa"
    nl_result "--up-delay ($(name_of "$bin")): tun and --up after the TLS handshake" "$why" "$lb" "$la"
}

case_persist_remote_ip()
{
    local bin=$1 persist=$2 why="" la="$NL_DIR/case$n-persist-a.log" pa pb expect
    local lb="$NL_DIR/case$n-persist-b-$(name_of "$1").log" got extra=()
    [ "$persist" = yes ] && extra=(--persist-remote-ip) && expect=198.51.100.1 || expect=198.51.100.3
    mkdir -p "$ETC_NETNS"
    printf '127.0.0.1 localhost\n198.51.100.1 peer.example.test\n' >"$ETC_NETNS/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$ETC_NETNS/resolv.conf"
    ip -n "$NL_NS_A" addr add 198.51.100.3/24 dev veth0 2>/dev/null # where the name moves to
    nl_start pa "$NL_NS_A" "$la" "$REF" "${static_a[@]}"
    nl_wait_log "$la" "link remote:" 10 1 "$pa" || why="peer did not start"
    # --float: the peer answers from its first address whichever one was asked
    nl_start pb "$NL_NS_B" "$lb" "$bin" "${static_b[@]}" --remote peer.example.test --float "${extra[@]}"
    nl_wait_init "$lb" "$pb" 20 || why="${why:-client did not start}"
    nl_wait_log "$la" "Peer Connection Initiated" 10 1 "$pa" || why="${why:-no peer}"
    printf '127.0.0.1 localhost\n198.51.100.3 peer.example.test\n' >"$ETC_NETNS/hosts"
    kill -USR1 "$pb"
    [ -z "$why" ] && { nl_wait_init "$lb" "$pb" 20 2 || why="no restart"; }
    if [ -z "$why" ]; then
        got=$(grep "UDPv4 link remote:" "$lb" | tail -n 1 | sed 's/.*\]\([0-9.]*\):.*/\1/')
        [ "$got" = "$expect" ] || why="after SIGUSR1 the remote is '$got', expected $expect"
    fi
    nl_kill "$pb"
    nl_kill "$pa"
    rm -rf "$ETC_NETNS"
    nl_result "--persist-remote-ip $persist ($(name_of "$bin")): remote after SIGUSR1 is $expect" "$why" "$lb"
}

# ARP requests for 10.8.0.1 from COUNT source MACs 02:00:00:00:01:NN out of tap0 in NS
SEND_MACS_PY='
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(int(sys.argv[2])):
    mac = bytes([2, 0, 0, 0, 1, i])
    arp = b"\x00\x01\x08\x00\x06\x04\x00\x01" + mac + bytes([10, 8, 0, 100 + i]) + b"\x00" * 6 + bytes([10, 8, 0, 1])
    s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp + b"\x00" * 18)
'

# --max-routes-per-client 3: a tun client with its address and 5 ccd iroutes
# owns 3 routes; the server logs 2.6's quota line.
case_max_routes_iroute()
{
    local sbin=$1 why="" ls="$NL_DIR/case$n-iroutes-s-$(name_of "$1").log" cl="$NL_DIR/case$n-iroutes-c.log"
    local st="$NL_DIR/case$n-status.txt" ccd="$NL_DIR/ccd$n" ps pc cnt
    mkdir -p "$ccd"
    printf 'iroute 10.9.%d.0 255.255.255.0\n' 1 2 3 4 5 >"$ccd/client"
    nl_start ps "$NL_NS_A" "$ls" "$sbin" --dev tun --server 10.8.0.0 255.255.255.0 --topology subnet \
        "${tls_server[@]}" --client-config-dir "$ccd" --max-routes-per-client 3 --verb 4 \
        --status "$st" 1 --status-version 2
    nl_wait_init "$ls" "$ps" 15 || why="server did not start"
    nl_start pc "$NL_NS_B" "$cl" "$REF" --client --dev tun --remote "$NL_A_V4" "${tls_client[@]}" --verb 3
    [ -z "$why" ] && { nl_wait_init "$cl" "$pc" 20 || why="client did not connect"; }
    [ -z "$why" ] && { nl_wait_log "$ls" "route quota (3) exceeded for client/" 5 1 "$ps" || why="no route quota line"; }
    [ -z "$why" ] && { nl_wait_log "$st" "ROUTING_TABLE,10.8.0.2,client," 5 1 || why="no status with the client"; }
    if [ -z "$why" ]; then
        cnt=$(grep -c "^ROUTING_TABLE,10\.[89]\.[0-9.]*\(/24\)\{0,1\},client," "$st")
        [ "$cnt" = 3 ] || why="the client owns $cnt routes, not 3"
    fi
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "--max-routes-per-client 3, tun + 5 iroutes ($(name_of "$sbin")): 3 routes, quota line" "$why" "$ls"
}

# ARP requests for 10.8.0.1 from COUNT source MACs 02:00:00:00:01:NN out of tap0 in NS
SEND_MACS_PY='
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(int(sys.argv[2])):
    mac = bytes([2, 0, 0, 0, 1, i])
    arp = b"\x00\x01\x08\x00\x06\x04\x00\x01" + mac + bytes([10, 8, 0, 100 + i]) + b"\x00" * 6 + bytes([10, 8, 0, 1])
    s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp + b"\x00" * 18)
'

# A tap server learns MACs as frames come: past the quota they are dropped.
# (Ours only: frames with made-up source MACs do not reach a 2.6 server from
# a 2.6 client in this set-up, so there is nothing to compare.)
case_max_routes_tap()
{
    local sbin=$1 why="" ls="$NL_DIR/case$n-routes-s-$(name_of "$1").log" cl="$NL_DIR/case$n-routes-c.log"
    local st="$NL_DIR/case$n-status.txt" ps pc cnt i
    nl_start ps "$NL_NS_A" "$ls" "$sbin" --dev tap --server-bridge 10.8.0.1 255.255.255.0 10.8.0.50 10.8.0.60 \
        "${tls_server[@]}" --max-routes-per-client 3 --verb 4 --status "$st" 1 --status-version 2
    nl_wait_init "$ls" "$ps" 15 || why="server did not start"
    nl_start pc "$NL_NS_B" "$cl" "$REF" --client --dev tap --remote "$NL_A_V4" "${tls_client[@]}" --verb 3
    [ -z "$why" ] && { nl_wait_init "$cl" "$pc" 20 || why="client did not connect"; }
    if [ -z "$why" ]; then
        for ((i = 0; i < 5; i++)); do
            ip netns exec "$NL_NS_B" "$NL_PYTHON" -c "$SEND_MACS_PY" tap0 8 || why="cannot send the frames"
            nl_wait_log "$ls" "route quota (3) exceeded for client/" 1 1 "$ps" && break
        done
        nl_wait_log "$ls" "route quota (3) exceeded for client/" 1 1 "$ps" || why="${why:-no route quota line}"
        nl_wait_log "$st" "ROUTING_TABLE,02:00:00:00:01:" 5 1 || why="${why:-no status with the MACs}"
        cnt=$(grep -c "^ROUTING_TABLE,[0-9a-f:]*@0,client," "$st")
        [ "$cnt" = 3 ] || why="${why:-the client owns $cnt MAC routes, not 3}"
    fi
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "--max-routes-per-client 3, tap, 8 source MACs ($(name_of "$sbin")): 3 routes, quota line" "$why" "$ls"
}

# DGRAMS UDP datagrams of 1200 bytes to ADDR:9 as fast as possible
FLOOD_PY='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    try:
        s.sendto(b"x" * 1200, (sys.argv[1], 9))
    except OSError:
        pass
'

case_tcp_queue_limit()
{
    local sbin=$1 limit=$2 why="" ls="$NL_DIR/case$n-tcpq-s-$(name_of "$1")-$2.log"
    local cl="$NL_DIR/case$n-tcpq-c.log" ps pc drops
    nl_start ps "$NL_NS_A" "$ls" "$sbin" --dev tun --proto tcp-server --server 10.8.0.0 255.255.255.0 \
        --topology subnet "${tls_server[@]}" --tcp-queue-limit "$limit" --sndbuf 4096 --verb 4
    nl_wait_init "$ls" "$ps" 15 || why="server did not start"
    nl_start pc "$NL_NS_B" "$cl" "$REF" --client --dev tun --proto tcp-client --remote "$NL_A_V4" \
        "${tls_client[@]}" --rcvbuf 4096 --verb 3
    [ -z "$why" ] && { nl_wait_init "$cl" "$pc" 20 || why="client did not connect"; }
    if [ -z "$why" ]; then
        kill -STOP "$pc"
        ip netns exec "$NL_NS_A" timeout 20 "$NL_PYTHON" -c "$FLOOD_PY" 10.8.0.2 3000
        nl_wait_log "$ls" "output saturation" 3 1 "$ps"
        drops=$(grep -c "MULTI: packet dropped due to output saturation" "$ls")
        kill -CONT "$pc"
        if [ "$limit" -lt 10 ]; then
            [ "$drops" -gt 0 ] || why="no 'output saturation' drop at limit $limit"
        else
            [ "$drops" = 0 ] || why="$drops 'output saturation' drops at limit $limit"
        fi
    fi
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "--tcp-queue-limit $limit ($(name_of "$sbin")): drops ${drops:-?}" "$why" "$ls"
}

# connect to the unix socket as USER; print the first 6 bytes of the answer
MGMT_PY='
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
try:
    d = s.recv(64)
except OSError:
    d = b""
print((d or b"<EOF>")[:6].decode())
'

case_mgmt_user()
{
    local bin=$1 why="" log="$NL_DIR/case$n-mgmt-$(name_of "$1").log" sock="$NL_DIR/m$n/mgmt.sock" pd a1 a2
    mkdir -p "$NL_DIR/m$n"
    chmod 711 "$NL_DIR"
    chmod 777 "$NL_DIR/m$n"
    nl_start pd "$NL_NS_A" "$log" "$bin" --dev null --secret "$NL_DIR/key" --cipher AES-256-CBC \
        --management "$sock" unix --management-client-user root --verb 3 --lport 1301
    nl_wait_log "$log" "link remote" 10 1 "$pd" || why="did not start"
    chmod 666 "$sock" 2>/dev/null
    a1=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$NL_PYTHON" -c "$MGMT_PY" "$sock" 2>&1)
    a2=$("$NL_PYTHON" -c "$MGMT_PY" "$sock" 2>&1)
    [ -z "$why" ] && [ "$a1" != "<EOF>" ] && why="nobody got '$a1'"
    [ -z "$why" ] && [ "$a2" != ">INFO:" ] && why="root got '$a2'"
    if [ -z "$why" ]; then
        grep -q "MANAGEMENT: unix domain socket client connection rejected -- UID of socket peer (65534) doesn't match required value (0) as given by --management-client-user" "$log" ||
            why="no rejection line"
    fi
    nl_kill "$pd"
    chmod 700 "$NL_DIR"
    nl_result "--management-client-user root ($(name_of "$bin")): nobody refused, root served" "$why" "$log"
}

case_resolv_retry()
{
    local bin=$1 secs=$2 why="" log="$NL_DIR/case$n-resolv-$(name_of "$1")-$2.log" pd rc t0 t1
    mkdir -p "$ETC_NETNS"
    printf '127.0.0.1 localhost\n' >"$ETC_NETNS/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$ETC_NETNS/resolv.conf"
    if [ "$secs" = 0 ]; then
        ip netns exec "$NL_NS_B" timeout 10 "$bin" --dev null --secret "$NL_DIR/key" 1 --cipher AES-256-CBC \
            --remote peer.example.test --resolv-retry 0 --verb 3 >"$log" 2>&1
        rc=$?
        [ "$rc" = 1 ] || why="exit status $rc, not 1"
        grep -q "RESOLVE: Cannot resolve host address: peer.example.test:1194 (.*) (I would have retried this name query if you had specified the --resolv-retry option.)" "$log" ||
            why="${why:-no 'I would have retried' line}"
    else
        t0=$(date +%s.%N)
        nl_start pd "$NL_NS_B" "$log" "$bin" --dev null --secret "$NL_DIR/key" 1 --cipher AES-256-CBC \
            --remote peer.example.test --resolv-retry "$secs" --verb 3
        nl_wait_log "$log" "SIGUSR1[soft,Could not determine IPv4/IPv6 protocol]" 20 1 "$pd" || why="no restart"
        t1=$(date +%s.%N)
        nl_kill "$pd"
        # 2.6: one try at start, then tries 5 s apart for the --resolv-retry seconds
        awk -v a="$t0" -v b="$t1" 'BEGIN {exit !(b - a >= 4.5 && b - a < 9)}' ||
            why="${why:-restart after $(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}') s, not ~5 s}"
        [ "$(grep -c 'RESOLVE: Cannot resolve host address' "$log")" -ge 2 ] || why="${why:-fewer than 2 tries}"
    fi
    rm -rf "$ETC_NETNS"
    nl_result "--resolv-retry $secs ($(name_of "$bin"))" "$why" "$log"
}

case_machine_readable()
{
    local bin=$1 why="" out="$NL_DIR/case$n-mro-$(name_of "$1").out" lf="$NL_DIR/case$n-mro-$(name_of "$1").log" pd bad
    # first: 2.6 applies it from where it stands in the command line on
    nl_start pd "$NL_NS_A" "$out" "$bin" --machine-readable-output --dev null --secret "$NL_DIR/key" \
        --cipher AES-256-CBC --verb 4 --lport 1302
    nl_wait_log "$out" "link remote" 10 1 "$pd" || why="did not start"
    nl_kill "$pd"
    nl_start pd "$NL_NS_A" "$out.2" "$bin" --machine-readable-output --dev null --secret "$NL_DIR/key" \
        --cipher AES-256-CBC --verb 3 --lport 1302 --log "$lf"
    nl_wait_log "$lf" "link remote" 10 1 "$pd" || why="${why:-did not start with --log}"
    nl_kill "$pd"
    for f in "$out" "$lf"; do
        bad=$(grep -cvE '^[0-9]{10}\.[0-9]{6} [0-9a-f]+ ' "$f")
        [ "$bad" = 0 ] || why="${why:-$bad lines of ${f##*/} not in the machine-readable format}"
        grep -qE '^[0-9]{10}\.[0-9]{6} 1 OpenVPN 2\.6\.' "$f" || why="${why:-no title line with flags 1 in ${f##*/}}"
    done
    nl_result "--machine-readable-output ($(name_of "$bin")): stdout and --log" "$why" "$out" "$lf"
}

case_show()
{
    local why="" args=("$@") o="$NL_DIR/case$n-show-ours.txt" r="$NL_DIR/case$n-show-ref.txt" ro rr
    "$OPENVPN" "${args[@]}" >"$o" 2>&1
    ro=$?
    "$REF" "${args[@]}" >"$r" 2>&1
    rr=$?
    [ "$ro" = "$rr" ] || why="exit $ro, the reference $rr"
    # logged lines (deprecation notes) carry a time stamp
    diff <(sed 's/^[0-9-]* [0-9:]* \(us=[0-9]* \)\{0,1\}//' "$r") <(sed 's/^[0-9-]* [0-9:]* //' "$o") \
        >"$o.diff" || why="${why:-output differs from the reference}"
    nl_result "${args[*]}: same output and exit status as the reference" "$why" "$o.diff"
}

for bin in "$OPENVPN" "$REF"; do
    want "mlock" && case_mlock "$bin"
    want "nice" && case_nice "$bin"
    want "up-delay" && case_up_delay "$bin"
    want "persist-remote-ip" && case_persist_remote_ip "$bin" yes
    want "persist-remote-ip" && case_persist_remote_ip "$bin" no
    want "management-client-user" && case_mgmt_user "$bin"
    want "resolv-retry" && case_resolv_retry "$bin" 0
    want "resolv-retry" && case_resolv_retry "$bin" 6
    want "machine-readable" && case_machine_readable "$bin"
    want "max-routes" && case_max_routes_iroute "$bin"
    want "tcp-queue-limit" && case_tcp_queue_limit "$bin" 2
    want "tcp-queue-limit" && case_tcp_queue_limit "$bin" 100000
done
want "max-routes" && case_max_routes_tap "$OPENVPN"
want "tcp-nodelay" && case_tcp_nodelay "$OPENVPN" "$REF"
want "tcp-nodelay" && case_tcp_nodelay "$REF" "$OPENVPN"
want "show-tls" && case_show --show-tls
want "show-tls" && case_show --show-tls --tls-cipher ECDHE-RSA-AES128-GCM-SHA256:TLS-DHE-RSA-WITH-AES-256-GCM-SHA384 \
    --tls-ciphersuites TLS-AES-128-GCM-SHA256
want "show-tls" && case_show --show-tls --tls-cipher ALL:COMPLEMENTOFALL:@SECLEVEL=0 --tls-cert-profile insecure
want "show-engines" && case_show --show-engines
want "show-engines" && case_show --show-engines extra

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
