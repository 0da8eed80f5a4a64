#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_options_gaps.sh -- options that were accepted and not acted on,
# each run with our binary and with the reference (/usr/sbin/openvpn) in
# the same role, asserting the same observable result:
#   - --route-delay 2: the routes (and "Initialization Sequence Completed")
#     come 2 s after 2.6's do_up moment: the static-key peer's first packet,
#     a pull client's PUSH_REPLY; refused with --mode server;
#   - --route-gateway dhcp (tap): a DHCP ACK from the peer reaches the tap
#     without its router option (checksum fixed, same bytes as 2.6), the
#     router is logged and becomes route_vpn_gateway of the down script;
#   - --route-ipv6-gateway: the next hop of --route-ipv6 entries without
#     one (kernel route on tap, log on tun, env), pushed as well; on tap
#     without any gateway 2.6's "ROUTE6 WARNING" and no route;
#   - --block-ipv6: a client answers IPv6 from its tun with ICMPv6 "no
#     route" from the tunnel's remote address (ping6 says "Destination
#     unreachable"), IPv4 still flows; not with --mssfix 0 (as 2.6); a
#     server answers IPv6 from its tun towards a client the same way, from
#     its --ifconfig-ipv6 remote;
#   - --management-up-down: the >UPDOWN:UP/DOWN blocks with their
#     >UPDOWN:ENV lines (same variables, values and order as 2.6) and
#     their place among the >STATE: lines, for p2p, a pull client and a
#     server;
#   - comp-lzo (adaptive) with --allow-compression yes: compressible data
#     goes out compressed (0x66), incompressible data for a 2 s sample
#     turns compression off ("Adaptive compression state OFF") and then
#     even compressible data goes out uncompressed (0xFA): static key with
#     --cipher none, so the framing byte is visible on the veth; and
#     client-to-client packets keep the framing the receiver expects.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_options_gaps.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
nl_setup optgap
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_keyfile "$NL_DIR/key"
pass=0
fail=0
n=0

want()
{
    case "$1" in *"$FILTER"*) n=$((n + 1)); return 0 ;; esac
    return 1
}

name_of()
{
    [ "$1" = "$REF" ] && echo ref || echo ours
}

static_a=(--secret "$NL_DIR/key" 0 --cipher AES-256-CBC --verb 4)
static_b=(--secret "$NL_DIR/key" 1 --cipher AES-256-CBC --verb 3 --remote "$NL_A_V4" --ping 1)
tls_server=(--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none)
tls_client=(--ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" --remote-cert-tls server)

# An --up/--down script that appends its environment to the file named by $1.
ENVDUMP="$NL_DIR/envdump.sh"
printf '#!/bin/sh\nf=$1\nshift\n{ echo "== $script_type"; env | sort; } >>"$f"\n' >"$ENVDUMP"
chmod 755 "$ENVDUMP"

# Management recorder: connect to the unix socket (retrying), send the
# commands, write every line read until EOF or the time limit.
MGMT_PY='
import socket, sys, time
path, out, secs, cmds = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
end = time.monotonic() + secs
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
while True:
    try:
        s.connect(path)
        break
    except OSError:
        if time.monotonic() > end:
            sys.exit(1)
        time.sleep(0.05)
for c in cmds:
    s.sendall((c + "\n").encode())
s.settimeout(0.2)
buf = b""
with open(out, "w", buffering=1) as f:
    while time.monotonic() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        buf += d
        while b"\n" in buf:
            l, buf = buf.split(b"\n", 1)
            f.write(l.decode(errors="replace").rstrip("\r") + "\n")
    f.write("EOF\n")
'

# Frame recorder: every frame of IFACE (both directions) as "DIR HEX", or
# with "udp" only UDP/1194 datagrams received: "MARKER LENGTH" where MARKER
# is the byte after the 8-byte packet id (static key, --cipher none).
SNIFF_PY='
import socket, sys, time
ifc, secs, out, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((ifc, 0))
s.settimeout(0.2)
end = time.monotonic() + secs
# appending: the test adds its phase markers to the same file
with open(out, "a", buffering=1) as f:
    f.write("READY\n")
    while time.monotonic() < end:
        try:
            d, a = s.recvfrom(65536)
        except socket.timeout:
            continue
        if mode != "udp":
            f.write("%d %s\n" % (a[2], d.hex()))
            continue
        d = d[14:]
        if a[2] == 4 or len(d) < 37 or d[0] >> 4 != 4 or d[9] != 17:
            continue
        ihl = (d[0] & 15) * 4
        if int.from_bytes(d[ihl + 2:ihl + 4], "big") == 1194:
            f.write("%02x %d\n" % (d[ihl + 16], len(d)))
'

# A DHCP ACK (10.7.0.2:67 -> broadcast:68, router 10.7.0.254) out of IFACE.
DHCP_PY='
import socket, struct, sys
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
a = socket.inet_aton
bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 2, 1, 6, 0, 0x12345678, 0, 0, b"\0" * 4,
                    a("10.7.0.50"), a("10.7.0.2"), b"\0" * 4, bytes.fromhex("020000000001") + b"\0" * 10,
                    b"\0" * 64, b"\0" * 128, 0x63825363)
opts = bytes([53, 1, 5, 54, 4]) + a("10.7.0.2") + bytes([1, 4]) + a("255.255.255.0")
opts += bytes([3, 4]) + a("10.7.0.254") + bytes([51, 4, 0, 0, 0x0e, 0x10, 255])
ulen = 8 + len(bootp) + len(opts)
src, dst = a("10.7.0.2"), a("255.255.255.255")
udp = struct.pack("!HHHH", 67, 68, ulen, 0)
udp = struct.pack("!HHHH", 67, 68, ulen, csum(src + dst + struct.pack("!BBH", 0, 17, ulen) + udp + bootp + opts))
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 1, 0, 64, 17, 0, src, dst)
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(b"\xff" * 6 + bytes.fromhex("020000000001") + b"\x08\x00" + ip + udp + bootp + opts)
'

# The DHCP frame the tap received: "ok" if its options hold no router and
# the UDP checksum verifies, else what is wrong.
DHCP_CHECK_PY='
import struct, sys
f = bytes.fromhex(sys.argv[1])
ip = f[14:]
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s
ph = ip[12:20] + struct.pack("!BBH", 0, 17, len(ip) - 20)
o, i = ip[268:], 0
while i < len(o) and o[i] != 255:
    if o[i] == 0:
        i += 1
        continue
    if o[i] == 3:
        print("router option still there")
        sys.exit(0)
    i += o[i + 1] + 2
print("ok" if csum(ph + ip[20:]) == 0xffff else "bad UDP checksum")
'

# UDP datagrams of 1200 random or zero bytes to DST:9, about 100/s, for
# SECONDS or until the file STOP exists.
FLOOD_PY='
import os, socket, sys, time
dst, secs, kind, stop = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + secs
while time.monotonic() < end and not os.path.exists(stop):
    s.sendto(os.urandom(1200) if kind == "random" else bytes(1200), (dst, 9))
    time.sleep(0.01)
'

# Seconds (with fractions) since the epoch.
now_s()
{
    date +%s.%N
}

# elapsed T0 T1: T1 - T0 in seconds
elapsed()
{
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# elapsed_ok T0 T1 MIN MAX: MIN <= T1 - T0 <= MAX
elapsed_ok()
{
    awk -v a="$1" -v b="$2" -v lo="$3" -v hi="$4" 'BEGIN { d = b - a; exit !(d >= lo && d <= hi) }'
}

# wait_route NS PREFIX SECONDS: until PREFIX is in NS's routing table.
wait_route()
{
    local i fam=-4
    case "$2" in *:*) fam=-6 ;; esac
    for ((i = 0; i < $3 * 10; i++)); do
        [ -n "$(ip -n "$1" "$fam" route show "$2" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    return 1
}

# route_delayed NS PREFIX LOG PID, right at 2.6's do_up moment: prints why
# the --route-delay 2 did not hold: PREFIX already routed, or completed;
# the route not there 1.5-3.9 s later; no completion right after it.
route_delayed()
{
    local t0 t1
    t0=$(now_s)
    if [ -n "$(ip -n "$1" route show "$2")" ]; then
        echo "route there at once"
    elif grep -q "Initialization Sequence Completed" "$3"; then
        echo "completed before the delay"
    elif ! wait_route "$1" "$2" 6; then
        echo "no route after 6 s"
    elif t1=$(now_s) && ! elapsed_ok "$t0" "$t1" 1.5 3.9; then
        echo "route after $(elapsed "$t0" "$t1") s, not about 2"
    elif ! nl_wait_init "$3" "$4" 3; then
        echo "no Initialization Sequence Completed"
    fi
}

# The >UPDOWN: blocks of a management transcript, without the values that
# differ between two runs (process id, start time).
updown_blocks()
{
    sed -n '/^>UPDOWN:\(UP\|DOWN\)$/,/^>UPDOWN:ENV,END$/p' "$1" | grep -v "daemon_pid=\|daemon_start_time="
}

# The order of the events a test compares: states, UPDOWN heads.
updown_events()
{
    grep -o '^>STATE:[0-9]*,[A-Z_]*\|^>UPDOWN:UP$\|^>UPDOWN:DOWN$' "$1" | sed 's/^>STATE:[0-9]*,/STATE /' |
        grep -v "STATE ASSIGN_IP\|STATE WAIT\|STATE AUTH\|STATE GET_CONFIG\|STATE CONNECTING\|STATE RESOLVE"
}

# updown_check BIN TRANSCRIPT REFVAR MUST [BLOCKS] [EVENTS]: prints why the
# transcript fails: BLOCKS >UPDOWN blocks (default 2: UP and DOWN), one
# line matching MUST; compared with the reference's run named by REFVAR
# (the caller stores it there), ours must give the same blocks (and,
# unless EVENTS is "no", the same event order).
updown_check()
{
    local bin=$1 m=$2 ref=$3 must=$4 blocks=${5:-2} events=${6:-yes}
    if [ "$(updown_blocks "$m" | grep -c '^>UPDOWN:ENV,END$')" != "$blocks" ]; then
        echo "not $blocks UPDOWN block(s)"
    elif ! updown_blocks "$m" | grep -q "$must"; then
        echo "no line $must"
    elif [ "$bin" = "$REF" ]; then
        : # the caller keeps it as the reference's run
    elif [ -n "${!ref}" ] && ! diff <(updown_blocks "${!ref}") <(updown_blocks "$m") >"$m.diff"; then
        echo "UPDOWN blocks differ from those of 2.6"
    elif [ -n "${!ref}" ] && [ "$events" = yes ] &&
        ! diff <(updown_events "${!ref}") <(updown_events "$m") >>"$m.diff"; then
        echo "events in another order than in 2.6"
    fi
}

# ---------------------------------------------------------------- p2p cases

case_route_delay_p2p()
{
    local bin=$1 why="" la="$NL_DIR/case$n-rdelay-$(name_of "$1").log" lb="$NL_DIR/case$n-rdelay-b.log"
    local pa pb t0 t1
    nl_start pa "$NL_NS_A" "$la" "$bin" --dev tun "${static_a[@]}" --ifconfig 10.7.0.1 10.7.0.2 \
        --route 10.99.0.0 255.255.255.0 --route-delay 2
    nl_wait_log "$la" "link remote:" 10 1 "$pa" || why="did not start"
    nl_start pb "$NL_NS_B" "$lb" "$REF" --dev tun "${static_b[@]}" --ifconfig 10.7.0.2 10.7.0.1
    [ -z "$why" ] && { nl_wait_log "$la" "Peer Connection Initiated" 10 1 "$pa" || why="no peer"; }
    [ -z "$why" ] && why=$(route_delayed "$NL_NS_A" 10.99.0.0/24 "$la" "$pa")
    nl_kill "$pb"
    nl_kill "$pa"
    nl_result "--route-delay 2 ($(name_of "$bin"), p2p): route 2 s after the peer's first packet" "$why" "$la"
}

DHCP_FRAME_REF=""
case_route_gateway_dhcp()
{
    local bin=$1 why="" la="$NL_DIR/case$n-dhcp-$(name_of "$1").log" lb="$NL_DIR/case$n-dhcp-b.log"
    local env="$NL_DIR/case$n-dhcp.env" sniff="$NL_DIR/case$n-dhcp.sniff" pa pb sp frame check
    nl_start pa "$NL_NS_A" "$la" "$bin" --dev tap "${static_a[@]}" --ifconfig 10.7.0.1 255.255.255.0 \
        --route-gateway dhcp --script-security 2 --down "$ENVDUMP $env"
    nl_start pb "$NL_NS_B" "$lb" "$REF" --dev tap "${static_b[@]}" --ifconfig 10.7.0.2 255.255.255.0
    nl_wait_log "$la" "Peer Connection Initiated" 10 1 "$pa" || why="no peer"
    nl_wait_log "$lb" "Initialization Sequence Completed" 10 1 "$pb" || why="${why:-peer did not start}"
    ip netns exec "$NL_NS_A" timeout 10 "$NL_PYTHON" -c "$SNIFF_PY" tap0 6 "$sniff" raw &
    sp=$!
    NL_PIDS+=("$sp")
    nl_wait_log "$sniff" READY 5 || why="${why:-no sniffer}"
    [ -z "$why" ] && ip netns exec "$NL_NS_B" "$NL_PYTHON" -c "$DHCP_PY" tap0
    [ -z "$why" ] && { nl_wait_log "$la" "Extracted DHCP router address: 10.7.0.254" 5 1 "$pa" || why="no 'Extracted DHCP router address: 10.7.0.254'"; }
    kill "$sp" 2>/dev/null
    wait "$sp" 2>/dev/null
    nl_forget "$sp"
    frame=$(awk '$1 != 4 && $2 ~ /^ffffffffffff020000000001/ { print $2; exit }' "$sniff")
    if [ -z "$why" ]; then
        check=$("$NL_PYTHON" -c "$DHCP_CHECK_PY" "${frame:-00}" 2>&1)
        [ "$check" = ok ] || why="frame on the tap: ${check:-none}"
    fi
    if [ -z "$why" ] && [ "$bin" = "$REF" ]; then
        DHCP_FRAME_REF=$frame
    elif [ -z "$why" ] && [ -n "$DHCP_FRAME_REF" ] && [ "$frame" != "$DHCP_FRAME_REF" ]; then
        why="frame differs from the reference's"
    fi
    nl_kill "$pb"
    nl_kill "$pa"
    [ -z "$why" ] && { grep -q "^route_vpn_gateway=10.7.0.254$" "$env" || why="down script has no route_vpn_gateway=10.7.0.254"; }
    nl_result "--route-gateway dhcp ($(name_of "$bin"), tap): router option stripped, gateway learned" "$why" "$la"
}

case_route_ipv6_gateway()
{
    local bin=$1 dev=$2 why="" la="$NL_DIR/case$n-r6gw-$dev-$(name_of "$1").log" env="$NL_DIR/case$n-r6gw.env"
    local pa r99 r98 r97 ifc=(--ifconfig 10.7.0.1 10.7.0.2)
    [ "$dev" = tap ] && ifc=(--ifconfig 10.7.0.1 255.255.255.0)
    nl_start pa "$NL_NS_A" "$la" "$bin" --dev "$dev" "${static_a[@]}" "${ifc[@]}" \
        --ifconfig-ipv6 2001:db8:7::1/64 2001:db8:7::2 --route-ipv6-gateway 2001:db8:7::99 \
        --route-ipv6 2001:db8:99::/64 --route-ipv6 2001:db8:98::/64 2001:db8:7::98 \
        --script-security 2 --up "$ENVDUMP $env"
    nl_wait_log "$la" "link remote:" 10 1 "$pa" || why="did not start"
    r99=$(ip -n "$NL_NS_A" -6 route show 2001:db8:99::/64)
    r98=$(ip -n "$NL_NS_A" -6 route show 2001:db8:98::/64)
    if [ -z "$why" ]; then
        grep -q "add_route_ipv6(2001:db8:99::/64 -> 2001:db8:7::99 metric -1) dev ${dev}0" "$la" ||
            why="no add_route_ipv6 line with the gateway"
        grep -q "^route_ipv6_gateway_1=2001:db8:7::99$" "$env" || why="${why:-env route_ipv6_gateway_1}"
        if [ "$dev" = tap ]; then
            case "$r99" in *"via 2001:db8:7::99 dev tap0"*) ;; *) why="${why:-kernel route: $r99}" ;; esac
            case "$r98" in *"via 2001:db8:7::98 dev tap0"*) ;; *) why="${why:-kernel route: $r98}" ;; esac
        else
            case "$r99" in *via*) why="${why:-tun route has a gateway: $r99}" ;; *"dev tun0"*) ;; *) why="${why:-no tun route}" ;; esac
        fi
    fi
    nl_kill "$pa"
    if [ "$dev" = tap ]; then
        # no gateway at all on tap: 2.6 warns and leaves the route out
        nl_start pa "$NL_NS_A" "$la.2" "$bin" --dev tap "${static_a[@]}" "${ifc[@]}" \
            --ifconfig-ipv6 2001:db8:7::1/64 2001:db8:7::2 --route-ipv6 2001:db8:97::/64 ::
        nl_wait_log "$la.2" "link remote:" 10 1 "$pa" || why="${why:-did not start (2)}"
        r97=$(ip -n "$NL_NS_A" -6 route show 2001:db8:97::/64)
        grep -q "ROUTE6 WARNING: OpenVPN needs a gateway parameter for a --route-ipv6 option and no default was set via --ifconfig-ipv6 or --route-ipv6-gateway option.  Not installing IPv6 route to 2001:db8:97::/64." "$la.2" ||
            why="${why:-no ROUTE6 WARNING}"
        [ -z "$r97" ] || why="${why:-route installed anyway: $r97}"
        nl_kill "$pa"
    fi
    nl_result "--route-ipv6-gateway ($(name_of "$bin"), $dev)" "$why" "$la" "$la.2"
}

MGMT_P2P_REF=""
case_updown_p2p()
{
    local bin=$1 why="" la="$NL_DIR/case$n-updown-$(name_of "$1").log" lb="$NL_DIR/case$n-updown-b.log"
    local m="$NL_DIR/case$n-mgmt.out" sock="$NL_DIR/case$n.sock" env="$NL_DIR/case$n-updown.env" pa pb mp
    nl_start pa "$NL_NS_A" "$la" "$bin" --dev tun "${static_a[@]}" --ifconfig 10.7.0.1 10.7.0.2 \
        --ifconfig-ipv6 2001:db8:7::1/64 2001:db8:7::2 --route 10.99.0.0 255.255.255.0 \
        --route-ipv6 2001:db8:99::/64 --route-delay 1 --script-security 2 --up "$ENVDUMP $env" \
        --management "$sock" unix --management-hold --management-up-down
    ip netns exec "$NL_NS_A" "$NL_PYTHON" -c "$MGMT_PY" "$sock" "$m" 20 "state on" "hold release" &
    mp=$!
    NL_PIDS+=("$mp")
    nl_start pb "$NL_NS_B" "$lb" "$REF" --dev tun "${static_b[@]}" --ifconfig 10.7.0.2 10.7.0.1
    nl_wait_init "$la" "$pa" 15 || why="no Initialization Sequence Completed"
    nl_wait_log "$m" ",CONNECTED," 5 || why="${why:-no CONNECTED state}"
    nl_kill "$pa"
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    nl_kill "$pb"
    [ -z "$why" ] && why=$(updown_check "$bin" "$m" MGMT_P2P_REF "^>UPDOWN:ENV,route_network_1=10.99.0.0$")
    [ "$bin" = "$REF" ] && [ -z "$why" ] && MGMT_P2P_REF=$m
    nl_result "--management-up-down ($(name_of "$bin"), p2p, --route-delay 1)" "$why" "$la" "$m.diff"
}

case_comp_adaptive()
{
    local bin=$1 why="" la="$NL_DIR/case$n-comp-a.log" lb="$NL_DIR/case$n-comp-$(name_of "$1").log"
    local cnt="$NL_DIR/case$n-comp.cnt" stop="$NL_DIR/case$n-comp.stop" pa pb sp fp
    local com=(--dev tun --cipher none --auth none --comp-lzo --allow-compression yes)
    nl_start pa "$NL_NS_A" "$la" "$REF" "${com[@]}" --secret "$NL_DIR/key" 0 --ifconfig 10.7.0.1 10.7.0.2 --verb 3
    nl_start pb "$NL_NS_B" "$lb" "$bin" "${com[@]}" --secret "$NL_DIR/key" 1 --ifconfig 10.7.0.2 10.7.0.1 \
        --remote "$NL_A_V4" --verb 7
    nl_wait_log "$la" "Peer Connection Initiated" 10 1 "$pa" || why="no peer"
    ip netns exec "$NL_NS_A" timeout 30 "$NL_PYTHON" -c "$SNIFF_PY" veth0 25 "$cnt" udp &
    sp=$!
    NL_PIDS+=("$sp")
    nl_wait_log "$cnt" READY 5 || why="${why:-no sniffer}"
    if [ -z "$why" ]; then
        # compressible: compressed
        ip netns exec "$NL_NS_B" "$NL_PYTHON" -c "$FLOOD_PY" 10.7.0.1 1 zero "$stop"
        echo "--- incompressible" >>"$cnt"
        # incompressible until the sample is judged (2.6: within 2-4 s)
        ip netns exec "$NL_NS_B" timeout 15 "$NL_PYTHON" -c "$FLOOD_PY" 10.7.0.1 12 random "$stop" &
        fp=$!
        NL_PIDS+=("$fp")
        nl_wait_log "$lb" "Adaptive compression state OFF" 10 1 "$pb" || why="no 'Adaptive compression state OFF'"
        touch "$stop"
        wait "$fp" 2>/dev/null
        nl_forget "$fp"
        rm -f "$stop"
        echo "--- compressible again" >>"$cnt"
        ip netns exec "$NL_NS_B" "$NL_PYTHON" -c "$FLOOD_PY" 10.7.0.1 1 zero "$stop"
        echo "--- end" >>"$cnt"
    fi
    kill "$sp" 2>/dev/null
    wait "$sp" 2>/dev/null
    nl_forget "$sp"
    nl_kill "$pb"
    nl_kill "$pa"
    if [ -z "$why" ]; then
        local c1 u3 c3
        c1=$(sed -n '2,/^--- incompressible/p' "$cnt" | grep -c '^66 ')
        c3=$(sed -n '/^--- compressible again/,/^--- end/p' "$cnt" | grep -c '^66 ')
        u3=$(sed -n '/^--- compressible again/,/^--- end/p' "$cnt" | awk '$1 == "fa" && $2 > 1000' | wc -l)
        [ "$c1" -ge 20 ] || why="only $c1 compressed packets of zeros at first"
        [ "$c3" = 0 ] || why="${why:-$c3 packets compressed during the pause}"
        [ "$u3" -ge 20 ] || why="${why:-only $u3 uncompressed packets during the pause}"
    fi
    nl_result "comp-lzo adaptive ($(name_of "$bin")): stops compressing after an incompressible sample" "$why" "$lb"
}

# ---------------------------------------------------------------- pull client cases

SERVER_LOG="$NL_DIR/server.log"
start_server()
{
    nl_start SERVER_PID "$NL_NS_A" "$SERVER_LOG" "$REF" --server 10.8.0.0 255.255.255.0 --topology subnet \
        --dev tun "${tls_server[@]}" --server-ipv6 2001:db8:8::/64 --verb 3 \
        --push "route 10.98.0.0 255.255.255.0" --push "route-ipv6 2001:db8:98::/64" \
        --push "route-ipv6-gateway 2001:db8:8::77" --keepalive 10 60
    nl_wait_init "$SERVER_LOG" "$SERVER_PID" 15
}

case_route_delay_pull()
{
    local bin=$1 why="" lc="$NL_DIR/case$n-rdelay-pull-$(name_of "$1").log" pc t0 t1
    nl_start pc "$NL_NS_B" "$lc" "$bin" --client --dev tun --remote "$NL_A_V4" "${tls_client[@]}" \
        --verb 3 --route-delay 2
    nl_wait_log "$lc" "PUSH: Received control message" 15 1 "$pc" || why="no PUSH_REPLY"
    [ -z "$why" ] && why=$(route_delayed "$NL_NS_B" 10.98.0.0/24 "$lc" "$pc")
    # the pushed --route-ipv6-gateway is the next hop of the pushed route
    [ -z "$why" ] && { grep -q "add_route_ipv6(2001:db8:98::/64 -> 2001:db8:8::77 metric -1) dev tun0" "$lc" || why="pushed route-ipv6-gateway not used"; }
    nl_kill "$pc"
    nl_result "--route-delay 2 ($(name_of "$bin"), pull client): route 2 s after the PUSH_REPLY" "$why" "$lc"
}

case_block_ipv6_client()
{
    local bin=$1 mss=${2:-} why="" lc="$NL_DIR/case$n-block-c-$(name_of "$1").log" pc out extra=()
    [ -n "$mss" ] && extra=(--mssfix "$mss")
    nl_start pc "$NL_NS_B" "$lc" "$bin" --client --dev tun --remote "$NL_A_V4" "${tls_client[@]}" \
        --verb 3 --block-ipv6 "${extra[@]}"
    nl_wait_init "$lc" "$pc" 15 || why="did not connect"
    out=$(ip netns exec "$NL_NS_B" ping -6 -n -c 2 -i 0.3 -W 1 2001:db8:8::1 2>&1)
    if [ -z "$why" ] && [ "$mss" = 0 ]; then
        # 2.6 looks at packet headers only with --mssfix: nothing blocked
        case "$out" in *" 0% packet loss"*) ;; *) why="IPv6 blocked with --mssfix 0: $out" ;; esac
    elif [ -z "$why" ]; then
        [ "$(grep -c "From 2001:db8:8::1 icmp_seq=[0-9]* Destination unreachable: No route" <<<"$out")" = 2 ] ||
            why="ping6: $(tr '\n' ' ' <<<"$out")"
        nl_ping "$NL_NS_B" 10.8.0.1 5 || why="${why:-IPv4 does not pass}"
    fi
    nl_kill "$pc"
    nl_result "--block-ipv6 ($(name_of "$bin") client${mss:+, --mssfix $mss}, server ref)" "$why" "$lc"
}

MGMT_PULL_REF=""
case_updown_pull()
{
    local bin=$1 why="" lc="$NL_DIR/case$n-updown-pull-$(name_of "$1").log" m="$NL_DIR/case$n-mgmt.out"
    local sock="$NL_DIR/case$n.sock" pc mp
    nl_start pc "$NL_NS_B" "$lc" "$bin" --client --dev tun --remote "$NL_A_V4" "${tls_client[@]}" \
        --verb 3 --setenv FOO bar --management "$sock" unix --management-hold --management-up-down
    ip netns exec "$NL_NS_B" "$NL_PYTHON" -c "$MGMT_PY" "$sock" "$m" 20 "state on" "hold release" &
    mp=$!
    NL_PIDS+=("$mp")
    nl_wait_init "$lc" "$pc" 15 || why="did not connect"
    nl_wait_log "$m" "CONNECTED," 5 || why="${why:-no CONNECTED state}"
    nl_kill "$pc"
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    [ -z "$why" ] && why=$(updown_check "$bin" "$m" MGMT_PULL_REF "^>UPDOWN:ENV,X509_0_CN=server$")
    [ "$bin" = "$REF" ] && [ -z "$why" ] && MGMT_PULL_REF=$m
    nl_result "--management-up-down ($(name_of "$bin"), pull client)" "$why" "$lc" "$m.diff"
}

# ---------------------------------------------------------------- server cases

case_block_ipv6_server()
{
    local bin=$1 why="" ls="$NL_DIR/case$n-block-s-$(name_of "$1").log" lc="$NL_DIR/case$n-block-s-c.log"
    local ps pc out
    nl_start ps "$NL_NS_A" "$ls" "$bin" --server 10.8.0.0 255.255.255.0 --topology subnet --dev tun \
        "${tls_server[@]}" --server-ipv6 2001:db8:8::/64 --verb 3 --block-ipv6 --keepalive 10 60
    nl_wait_init "$ls" "$ps" 15 || why="server did not start"
    nl_start pc "$NL_NS_B" "$lc" "$REF" --client --dev tun --remote "$NL_A_V4" "${tls_client[@]}" --verb 3
    [ -z "$why" ] && { nl_wait_init "$lc" "$pc" 15 || why="client did not connect"; }
    if [ -z "$why" ]; then
        out=$(ip netns exec "$NL_NS_A" ping -6 -n -c 2 -i 0.3 -W 1 2001:db8:8::1000 2>&1)
        [ "$(grep -c "From 2001:db8:8::2 icmp_seq=[0-9]* Destination unreachable: No route" <<<"$out")" = 2 ] ||
            why="ping6 from the server: $(tr '\n' ' ' <<<"$out")"
        # the client's echo request reaches the server, the answer does not come back
        out=$(ip netns exec "$NL_NS_B" ping -6 -n -c 1 -W 1 2001:db8:8::1 2>&1)
        case "$out" in *" 100% packet loss"*) ;; *) why="${why:-ping6 from the client: $out}" ;; esac
        nl_ping "$NL_NS_B" 10.8.0.1 5 || why="${why:-IPv4 does not pass}"
    fi
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "--block-ipv6 ($(name_of "$bin") server, client ref)" "$why" "$ls"
}

MGMT_SRV_REF=""
case_updown_server()
{
    local bin=$1 why="" ls="$NL_DIR/case$n-updown-s-$(name_of "$1").log" m="$NL_DIR/case$n-mgmt.out"
    local sock="$NL_DIR/case$n.sock" ps mp
    nl_start ps "$NL_NS_A" "$ls" "$bin" --server 10.8.0.0 255.255.255.0 --topology subnet --dev tun \
        "${tls_server[@]}" --server-ipv6 2001:db8:8::/64 --verb 3 --keepalive 10 60 \
        --management "$sock" unix --management-hold --management-up-down
    ip netns exec "$NL_NS_A" "$NL_PYTHON" -c "$MGMT_PY" "$sock" "$m" 20 "hold release" &
    mp=$!
    NL_PIDS+=("$mp")
    nl_wait_log "$m" ">UPDOWN:ENV,END" 15 || why="no UPDOWN block"
    nl_kill "$ps"
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    # (ours listens only once the device is up: no event order to compare)
    [ -z "$why" ] && why=$(updown_check "$bin" "$m" MGMT_SRV_REF "^>UPDOWN:ENV,ifconfig_local=10.8.0.1$" 2 no)
    [ "$bin" = "$REF" ] && [ -z "$why" ] && MGMT_SRV_REF=$m
    nl_result "--management-up-down ($(name_of "$bin"), server)" "$why" "$ls" "$m.diff"
}

# Client-to-client traffic keeps the compression framing the receiving
# client expects (both clients the reference, comp-lzo pushed).
HUB1=""
case_c2c_comp()
{
    local bin=$1 why="" ls="$NL_DIR/case$n-c2c-$(name_of "$1").log" ps p1 p2 a2
    local l1="$NL_DIR/case$n-c2c-1.log" l2="$NL_DIR/case$n-c2c-2.log"
    if [ -z "$HUB1" ]; then
        nl_pki_client "$PKI" client2
        nl_hub_client HUB1 h1 203.0.113.11
        nl_hub_client HUB2 h2 203.0.113.12
    fi
    nl_start ps "$NL_NS_A" "$ls" "$bin" --server 10.8.0.0 255.255.255.0 --topology subnet --dev tun \
        "${tls_server[@]}" --verb 3 --keepalive 10 60 --client-to-client --comp-lzo \
        --allow-compression yes --push "comp-lzo"
    nl_wait_init "$ls" "$ps" 15 || why="server did not start"
    nl_start p1 "$HUB1" "$l1" "$REF" --client --dev tun --remote 203.0.113.1 "${tls_client[@]}" \
        --verb 3 --allow-compression yes
    nl_start p2 "$HUB2" "$l2" "$REF" --client --dev tun --remote 203.0.113.1 --ca "$PKI/ca.crt" \
        --cert "$PKI/client2.crt" --key "$PKI/client2.key" --remote-cert-tls server --verb 3 \
        --allow-compression yes
    [ -z "$why" ] && { nl_wait_init "$l1" "$p1" 15 && nl_wait_init "$l2" "$p2" 15 || why="clients did not connect"; }
    a2=$(ip -n "$HUB2" -4 addr show tun0 2>/dev/null | awk '/inet / { sub("/.*", "", $2); print $2 }')
    [ -z "$why" ] && { nl_ping "$HUB1" "${a2:-10.8.0.99}" 5 || why="no ping from client 1 to client 2 ($a2)"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "comp-lzo with --client-to-client ($(name_of "$bin") server)" "$why" "$ls" "$l2"
}

case_route_delay_server()
{
    local bin=$1 why="" out rc
    out=$("$bin" --server 10.8.0.0 255.255.255.0 --topology subnet --dev tun "${tls_server[@]}" \
        --route-delay 1 --verb 1 2>&1)
    rc=$?
    [ "$rc" = 1 ] || why="exit status $rc"
    grep -q "^Options error: --route-delay cannot be used with --mode server$" <<<"$out" || why="${why:-no 2.6 message: $out}"
    nl_result "--route-delay with --mode server refused ($(name_of "$bin"))" "$why"
}

# The reference runs first in each pair: the other run is compared with it.
for bin in "$REF" "$OPENVPN"; do
    want "route-delay" && case_route_delay_p2p "$bin"
    want "route-gateway-dhcp" && case_route_gateway_dhcp "$bin"
    want "route-ipv6-gateway" && case_route_ipv6_gateway "$bin" tun
    want "route-ipv6-gateway" && case_route_ipv6_gateway "$bin" tap
    want "management-up-down" && case_updown_p2p "$bin"
    want "comp-lzo" && case_comp_adaptive "$bin"
    want "route-delay" && case_route_delay_server "$bin"
done
if want "route-delay" || want "block-ipv6" || want "management-up-down"; then
    if start_server; then
        for bin in "$REF" "$OPENVPN"; do
            want "route-delay" && case_route_delay_pull "$bin"
            want "block-ipv6" && case_block_ipv6_client "$bin"
            want "block-ipv6" && case_block_ipv6_client "$bin" 0
            want "management-up-down" && case_updown_pull "$bin"
        done
    else
        nl_result "reference server for the pull cases" "did not start" "$SERVER_LOG"
    fi
    nl_kill "$SERVER_PID"
fi
for bin in "$REF" "$OPENVPN"; do
    want "block-ipv6" && case_block_ipv6_server "$bin"
    want "management-up-down" && case_updown_server "$bin"
    want "comp-lzo" && case_c2c_comp "$bin"
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
